// mx.quantize: a block-scale kernel (one thread per block) then a code kernel
// (one thread per packing group, so no two threads write one byte);
// mx.dequantize: one thread per element. Integer codecs from MXCommon.
// RUN: mx-opt %s -split-input-file --convert-mx-to-gpu=chip=sm_90a 2>/dev/null | FileCheck %s

// CHECK-LABEL: gpu.module @mx_kernels
// CHECK: gpu.func @mx_quantize_0_scales(%[[KI:.*]]: memref<16x64xf32>, %[[KS:.*]]: memref<16x2xi8>) kernel
// CHECK: scf.for %{{.*}} = %c0 to %c32{{.*}} step %c1
// CHECK: memref.load %[[KI]]
// CHECK: arith.maxsi
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: memref.store %{{.*}}, %[[KS]]
// CHECK: gpu.func @mx_quantize_0_codes(%{{.*}}: memref<16x64xf32>, %{{.*}}: memref<16x2xi8>, %[[KE:.*]]: memref<16x48xi8>) kernel
// CHECK-COUNT-3: memref.store %{{.*}}, %[[KE]]
// CHECK-NOT: memref.store
// CHECK: gpu.return
// CHECK-LABEL: func.func @quantize_mxfp6(
// CHECK-SAME: %[[X:.*]]: tensor<16x64xf32>) -> (tensor<16x48xi8>, tensor<16x2xi8>)
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK: %[[S:.*]] = memref.alloc() : memref<16x2xi8>
// CHECK: %[[E:.*]] = memref.alloc() : memref<16x48xi8>
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_0_scales blocks in (%c1, {{.*}}) threads in (%c128, {{.*}}) args(%[[IN]] : memref<16x64xf32>, %[[S]] : memref<16x2xi8>)
// 16 rows x 16 groups of four FP6 codes in three bytes: 256 threads.
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_0_codes blocks in (%c2, {{.*}}) threads in (%c128{{.*}}) args(%[[IN]] : memref<16x64xf32>, %[[S]] : memref<16x2xi8>, %[[E]] : memref<16x48xi8>)
func.func @quantize_mxfp6(%x: tensor<16x64xf32>) -> !mx.tensor<16x64xmxfp6_e3m2> {
  %q = mx.quantize %x : tensor<16x64xf32> -> !mx.tensor<16x64xmxfp6_e3m2>
  return %q : !mx.tensor<16x64xmxfp6_e3m2>
}

// -----

// NVFP4 with a calibrated tensor scale: S_enc and S_dec computed once on the
// host and passed to both kernels; S_dec is the third component.
// CHECK-LABEL: func.func @quantize_nvfp4(
// CHECK-SAME: %{{.*}}: tensor<16x64xf32>, %[[SDEC:.*]]: f32) -> (tensor<16x32xi8>, tensor<16x4xi8>, f32)
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_0_scales {{.*}} args(%{{.*}} : memref<16x64xf32>, %{{.*}} : memref<16x4xi8>, %[[ENC:.*]] : f32, %[[SDEC]] : f32)
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_0_codes {{.*}} args(%{{.*}} : memref<16x64xf32>, %{{.*}} : memref<16x4xi8>, %[[ENC]] : f32, %[[SDEC]] : f32, %{{.*}} : memref<16x32xi8>)
// CHECK: return %{{.*}}, %{{.*}}, %[[SDEC]]
func.func @quantize_nvfp4(%x: tensor<16x64xf32>, %s: f32) -> !mx.tensor<16x64xnvfp4> {
  %q = mx.quantize %x tensor_scale(%s) : tensor<16x64xf32> -> !mx.tensor<16x64xnvfp4>
  return %q : !mx.tensor<16x64xnvfp4>
}

// -----

// CHECK-LABEL: gpu.module @mx_kernels
// CHECK: gpu.func @mx_dequantize_0(
// CHECK: arith.cmpi ult, %{{.*}}, %c2048
// CHECK: memref.store %{{.*}} : memref<32x64xbf16>
// CHECK-LABEL: func.func @dequantize_mxfp4(
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<32x64xbf16>
// CHECK: gpu.launch_func @mx_kernels::@mx_dequantize_0 blocks in (%c16, {{.*}}) threads in (%c128, {{.*}}) args(%{{.*}} : memref<32x32xi8>, %{{.*}} : memref<32x2xi8>, %[[OUT]] : memref<32x64xbf16>)
func.func @dequantize_mxfp4(%q: !mx.tensor<32x64xmxfp4>) -> tensor<32x64xbf16> {
  %d = mx.dequantize %q : !mx.tensor<32x64xmxfp4> -> tensor<32x64xbf16>
  return %d : tensor<32x64xbf16>
}
