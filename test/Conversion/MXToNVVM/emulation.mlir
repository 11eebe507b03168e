// The emulated paths: FP8 mma.sync m16n8k32 (sm_89+), BF16 mma.sync m16n8k16
// (sm_80+), each MMA started from zero per K block and its f32 partial sums
// scaled by the block scales, and the gemv kernel for small M.
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_90a -split-input-file 2>/dev/null | FileCheck %s --check-prefix=SM90
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_80 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=SM80

// MXFP6 E2M3 re-encoded as E4M3, E5M2 kept: the e4m3.e5m2 FP8 MMA.
// SM90-LABEL: func.func @fp8(
// SM90: gpu.module @mx_kernels [#nvvm.target<chip = "sm_90a", features = "+ptx88">]
// SM90: gpu.func @mx_matmul_fp8_0
// SM90: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// SM90: scf.for %{{.*}} = %c0 to %c128 step %c32 iter_args(%[[ACC:.*]] = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// SM90-NOT: nvvm.mma.block_scale
// SM90: %[[D:.*]] = llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e5m2.f32"({{.*}}, %[[C0:.*]], %[[C0]], %[[C0]], %[[C0]]) : (i32, i32, i32, i32, i32, i32, f32, f32, f32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// SM90: %[[P:.*]] = llvm.extractvalue %[[D]][0]
// The block scales on the partial sum (two E8M0 exponents: one f64 product).
// SM90: arith.extf
// SM90: arith.mulf %{{.*}} : f64
// SM90: arith.truncf
// SM90: arith.addf %[[ACC]], %{{.*}} : f32
// SM80-LABEL: func.func @fp8(
// SM80: gpu.func @mx_matmul_bf16_0
// SM80-NOT: call_intrinsic
// SM80: nvvm.mma.sync
func.func @fp8(%a: !mx.tensor<32x128xmxfp6_e2m3>, %w: !mx.tensor<128x16xmxfp8_e5m2, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp6_e2m3>, !mx.tensor<128x16xmxfp8_e5m2, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// MXINT8 is not exact in FP8: BF16, two chained m16n8k16 per 32-element block
// (the second accumulating on the first), each element's f32 pattern >> 16.
// SM90-LABEL: func.func @int8(
// SM90: gpu.func @mx_matmul_bf16_0
// SM90: arith.shrui %{{.*}}, %c16_i32
// SM90: %[[D0:.*]] = nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[%[[Z:.*]], %[[Z]], %[[Z]], %[[Z]]] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// SM90: %[[E0:.*]] = llvm.extractvalue %[[D0]][0]
// SM90: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[%[[E0]], %{{.*}}, %{{.*}}, %{{.*}}]
func.func @int8(%a: !mx.tensor<16x64xmxint8>, %w: !mx.tensor<64x8xmxint8, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxint8>, !mx.tensor<64x8xmxint8, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// Batch 1: the gemv kernel, 128 threads per block, one output per thread in
// the reference order (a product, then an add; no MMA).
// SM90-LABEL: func.func @gemv(
// SM90: gpu.launch_func @mx_kernels::@mx_matmul_gemv_0 blocks in (%c2, %c1{{.*}}, %c1{{.*}}) threads in (%c128, %c1{{.*}}, %c1{{.*}})
// SM90: gpu.func @mx_matmul_gemv_0
// SM90-NOT: nvvm.mma
// SM90: arith.cmpi ult, %{{.*}}, %c256
// SM90: scf.for %{{.*}} = %c0 to %c128{{.*}} step %c32
// SM90: scf.for %{{.*}} = %c0{{.*}} to %c32{{.*}} step %c1
// SM90: %[[PROD:.*]] = arith.mulf %{{[0-9]+}}, %{{[0-9]+}} : f32
// SM90-NEXT: arith.addf %{{.*}}, %[[PROD]] : f32
// SM90-NOT: nvvm.mma
// SM90: gpu.return
func.func @gemv(%a: !mx.tensor<1x128xmxfp8_e4m3>, %w: !mx.tensor<128x256xmxfp4, block = [32, 1]>) -> tensor<1x256xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x128xmxfp8_e4m3>, !mx.tensor<128x256xmxfp4, block = [32, 1]> -> tensor<1x256xf32>
  return %c : tensor<1x256xf32>
}
