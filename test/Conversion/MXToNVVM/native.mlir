// The native block-scaled mma.sync path on sm_120a: one nvvm.mma.block_scale
// per 16x8 tile and K step, the kind/scale_vec/format of NVVM-FACTS §1.2 for
// each format, constant selectors, and the launch on the component buffers.
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_120a -split-input-file 2>/dev/null | FileCheck %s
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_121a -split-input-file 2>/dev/null | FileCheck %s --check-prefix=SM121

// CHECK-LABEL: gpu.module @mx_kernels [#nvvm.target<chip = "sm_120a", features = "+ptx87">]
// CHECK: gpu.func @mx_matmul_native_0({{.*}}) kernel
// CHECK: scf.for %[[K:.*]] = %c0 to %c128 step %c64
// Two E8M0 bytes per lane and operand (2X): the second K block at byte 1.
// CHECK: arith.shli %{{.*}}, %c8_i32
// CHECK: %[[Z:.*]] = arith.constant 0 : i16
// CHECK: nvvm.mma.block_scale A[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] B[%{{.*}}, %{{.*}}] C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] scaleA[%{{.*}}, %[[Z]], %[[Z]]] scaleB[%{{.*}}, %[[Z]], %[[Z]]] {blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x2>, shape = #nvvm.shape<m = 16, n = 8, k = 64>}
// CHECK-COUNT-4: memref.store %{{.*}} : memref<32x16xf32>
// CHECK-LABEL: func.func @mxfp4(
// CHECK-SAME: %[[A:.*]]: tensor<32x64xi8>, %[[SA:.*]]: tensor<32x4xi8>, %[[W:.*]]: tensor<128x8xi8>, %[[SW:.*]]: tensor<4x16xi8>) -> tensor<32x16xf32>
// CHECK: %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<32x16xf32>
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_native_0 blocks in (%c2, %c2{{.*}}, %c1{{.*}}) threads in (%c32, %c1{{.*}}, %c1{{.*}}) args(%[[AB]] : memref<32x64xi8>, %{{.*}} : memref<32x4xi8>, %{{.*}} : memref<128x8xi8>, %{{.*}} : memref<4x16xi8>, %[[OUT]] : memref<32x16xf32>)
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
// SM121: #nvvm.target<chip = "sm_121a", features = "+ptx88">
// SM121: kind = #nvvm.block_scale_kind<mxf4>
func.func @mxfp4(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// NVFP4: mxf4nvf4 4X with UE4M3 scales (four bytes per lane, K blocks of 16),
// and the product of the two FP32 tensor scales applied in the epilogue.
// CHECK-LABEL: gpu.module @mx_kernels
// CHECK: gpu.func @mx_matmul_native_0({{.*}}, %[[GK:.*]]: f32) kernel
// CHECK-DAG: arith.shli %{{.*}}, %c16_i32
// CHECK-DAG: arith.shli %{{.*}}, %c24_i32
// CHECK: nvvm.mma.block_scale {{.*}} {blockScaleFormat = #nvvm.block_scale_format<ue4m3>, kind = #nvvm.block_scale_kind<mxf4nvf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x4>, shape = #nvvm.shape<m = 16, n = 8, k = 64>}
// CHECK: arith.mulf %{{.*}}, %[[GK]] : f32
// CHECK: memref.store
// CHECK-LABEL: func.func @nvfp4(
// CHECK-SAME: %{{.*}}: tensor<32x8xi8>, %[[TA:[^:]*]]: f32, %{{.*}}: tensor<128x8xi8>, %{{.*}}: tensor<8x16xi8>, %[[TB:[^:]*]]: f32)
// CHECK: %[[G:.*]] = arith.mulf %[[TA]], %[[TB]] : f32
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_native_0 {{.*}} args({{.*}}, %[[G]] : f32)
func.func @nvfp4(%a: !mx.tensor<32x128xnvfp4>, %w: !mx.tensor<128x16xnvfp4, block = [16, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xnvfp4>, !mx.tensor<128x16xnvfp4, block = [16, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// A mixed pair (MXFP4 x MXFP8 E5M2): mxf8f6f4 1X, one byte per element, the
// FP4 code moved to bits [5:2] of its byte.
// CHECK-LABEL: gpu.module @mx_kernels
// CHECK: gpu.func @mx_matmul_native_0
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK: arith.shli %{{.*}}, %c2_i32
// CHECK: nvvm.mma.block_scale {{.*}} {blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf8f6f4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e5m2>, scaleVecSize = #nvvm.scale_vec_size<x1>, shape = #nvvm.shape<m = 16, n = 8, k = 32>}
// CHECK-LABEL: func.func @mixed(
func.func @mixed(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// MXFP6: mxf8f6f4 with the 6-bit codes as they are (bits [5:0]).
// CHECK-LABEL: gpu.module @mx_kernels
// CHECK: nvvm.mma.block_scale {{.*}} kind = #nvvm.block_scale_kind<mxf8f6f4>, multiplicandAPtxType = #nvvm.mma_type<e3m2>, multiplicandBPtxType = #nvvm.mma_type<e2m3>, scaleVecSize = #nvvm.scale_vec_size<x1>
// CHECK-LABEL: func.func @mxfp6(
func.func @mxfp6(%a: !mx.tensor<16x64xmxfp6_e3m2>, %w: !mx.tensor<64x8xmxfp6_e2m3, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e3m2>, !mx.tensor<64x8xmxfp6_e2m3, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
