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

// MXFP4 x MXFP4, packed decode (docs/Lowering.md, "Packed FP4 decode"):
// lane (g, t) reads the 8 codes K = k0 + 8t .. k0 + 8t + 7 of each A row as
// one i32 word; FP8: high nibbles (and low nibbles moved up by 4) mapped to
// E4M3 bytes by mask and shift (value * 2^-6), undone by * 2^12 on the
// partial sums. BF16: a pair per register, value * 2^-126 made exact by one
// bf16x2 multiply by 2^126.
// SM90-LABEL: func.func @fp4_packed(
// SM90: gpu.func @mx_matmul_fp8_0
// SM90: %[[FLAT:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [512], strides: [1] : memref<16x32xi8> to memref<512xi8>
// SM90: %[[WORDS:.*]] = memref.view %[[FLAT]][%{{.*}}][] : memref<512xi8> to memref<128xi32>
// SM90: scf.for
// SM90: %[[W:.*]] = memref.load %[[WORDS]][%{{.*}}] : memref<128xi32>
// SM90: %[[UP:.*]] = arith.shli %[[W]], %c4_i32
// SM90: %[[SH:.*]] = arith.shrui %[[UP]], %c2_i32
// SM90: %[[MAG:.*]] = arith.andi %[[SH]], %c471604252_i32
// SM90: %[[SIGN:.*]] = arith.andi %[[UP]], %c-2139062144_i32
// SM90: %[[LO:.*]] = arith.ori %[[SIGN]], %[[MAG]]
// SM90: %[[SH2:.*]] = arith.shrui %[[W]], %c2_i32
// SM90: %[[MAG2:.*]] = arith.andi %[[SH2]], %c471604252_i32
// SM90: %[[SIGN2:.*]] = arith.andi %[[W]], %c-2139062144_i32
// SM90: %[[HI:.*]] = arith.ori %[[SIGN2]], %[[MAG2]]
// SM90: %[[D:.*]] = llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e4m3.f32"(%[[LO]], %{{.*}}, %[[HI]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// SM90: %[[P:.*]] = llvm.extractvalue %[[D]][0]
// SM90: %[[FIX:.*]] = arith.constant 4.096000e+03 : f32
// SM90: arith.mulf %[[P]], %[[FIX]] : f32
// SM80-LABEL: func.func @fp4_packed(
// SM80: gpu.func @mx_matmul_bf16_0
// SM80: memref.view %{{.*}} : memref<512xi8> to memref<128xi32>
// SM80: %[[W:.*]] = memref.load %{{.*}} : memref<128xi32>
// SM80: %[[M:.*]] = arith.shli %[[W]], %c6_i32
// SM80: arith.andi %[[M]], %c29360576_i32
// SM80: %[[S:.*]] = arith.shli %[[W]], %c12_i32
// SM80: arith.andi %[[S]], %c-2147450880_i32
// SM80: %[[BITS:.*]] = arith.ori
// SM80: %[[PAIR:.*]] = llvm.bitcast %[[BITS]] : i32 to vector<2xbf16>
// SM80: %[[TWO126:.*]] = arith.constant dense<8.507050e+37> : vector<2xbf16>
// SM80: %[[EXACT:.*]] = arith.mulf %[[PAIR]], %[[TWO126]] : vector<2xbf16>
// SM80: %[[REG:.*]] = llvm.bitcast %[[EXACT]] : vector<2xbf16> to i32
// SM80: nvvm.mma.sync A[%[[REG]], {{.*}}] B[{{.*}}] C[{{.*}}]
func.func @fp4_packed(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// Batch 1: the gemv kernel, 128 threads per block = 4 warps, a warp per 8
// output columns (256 / 8 / 4 = 8 blocks), lane l taking K blocks l, l + 32,
// ...; inside a block the reference order (a product, then an add; no MMA)
// on the 8 codes of one i32 word of the E2M1 rhs; the lane sums added by a
// butterfly of xor shuffles, lane 0 storing.
// SM90-LABEL: func.func @gemv(
// SM90: gpu.launch_func @mx_kernels::@mx_matmul_gemv_0 blocks in (%c8, %c1{{.*}}, %c1{{.*}}) threads in (%c128, %c1{{.*}}, %c1{{.*}})
// SM90: gpu.func @mx_matmul_gemv_0
// SM90-NOT: nvvm.mma
// SM90: %[[LANE:.*]] = arith.remui %{{.*}}, %c32
// SM90: arith.cmpi ult, %{{.*}}, %c32
// SM90: memref.view %{{.*}} : memref<16384xi8> to memref<4096xi32>
// SM90: scf.for %{{.*}} = %[[LANE]] to %c4{{.*}} step %c32
// SM90: scf.for %{{.*}} = %c0{{.*}} to %c32{{.*}} step %c1
// SM90: memref.load %{{.*}} : memref<4096xi32>
// SM90: %[[PROD:.*]] = arith.mulf %{{[0-9]+}}, %{{[0-9]+}} : f32
// SM90-NEXT: arith.addf %{{.*}}, %[[PROD]] : f32
// SM90-NOT: nvvm.mma
// SM90: %[[S1:.*]], %{{.*}} = gpu.shuffle xor %[[V0:.*]], %c1_i32, %c32_i32 : f32
// SM90-NEXT: %[[V1:.*]] = arith.addf %[[V0]], %[[S1]] : f32
// SM90: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32{{.*}} : f32
// SM90: arith.cmpi eq, %[[LANE]], %c0
// SM90: memref.store
// SM90: gpu.return
func.func @gemv(%a: !mx.tensor<1x128xmxfp8_e4m3>, %w: !mx.tensor<128x256xmxfp4, block = [32, 1]>) -> tensor<1x256xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x128xmxfp8_e4m3>, !mx.tensor<128x256xmxfp4, block = [32, 1]> -> tensor<1x256xf32>
  return %c : tensor<1x256xf32>
}
