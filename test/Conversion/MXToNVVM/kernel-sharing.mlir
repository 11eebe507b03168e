// Ops with equal specs share one kernel: a model's repeated layers would
// otherwise give NVPTX one copy per op to compile. A kernel is shared only
// when its body, argument types and launch dimensions are all equal.
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_120a 2>/dev/null | FileCheck %s
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=HOPPER

// Native MXFP4 MMA: two equal matmuls launch the first one's kernel, a third
// of another M gets its own; the two equal quantizations share both of
// their kernels. A third quantization of the same shape with scale mode
// `even` has the same argument types but another body: its scale kernel is
// its own, its code kernel (which only reads the scales) is shared.
// CHECK: gpu.module @mx_kernels
// CHECK-NEXT: gpu.func @mx_matmul_native_0(%{{.*}}: memref<32x64xi8>,
// CHECK-NOT: gpu.func
// CHECK: gpu.func @mx_matmul_native_2(%{{.*}}: memref<64x64xi8>,
// CHECK-NOT: gpu.func
// CHECK: gpu.func @mx_quantize_3_scales(
// CHECK-NOT: gpu.func
// CHECK: gpu.func @mx_quantize_3_codes(
// CHECK-NOT: gpu.func
// CHECK: gpu.func @mx_quantize_5_scales(
// CHECK-NOT: gpu.func
// CHECK-LABEL: func.func @layers(
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_native_0 blocks in (%c2, %c2
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_native_0 blocks in (%c2{{.*}}, %c2
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_native_2 blocks in (%c2{{.*}}, %c4
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_3_scales blocks
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_3_codes blocks
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_3_scales blocks
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_3_codes blocks
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_5_scales blocks
// CHECK: gpu.launch_func @mx_kernels::@mx_quantize_3_codes blocks

// Hopper's FP8 emulation first repacks both FP4 operands: the repack
// kernels are shared too, the rhs one (the same weight shape) by all three
// matmuls.
// HOPPER: gpu.module @mx_kernels
// HOPPER-NEXT: gpu.func @mx_repack_lhs_0(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_repack_rhs_0(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_matmul_fp8_0(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_repack_lhs_2(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_matmul_fp8_2(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_quantize_3_scales(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_quantize_3_codes(
// HOPPER-NOT: gpu.func
// HOPPER: gpu.func @mx_quantize_5_scales(
// HOPPER-NOT: gpu.func
// HOPPER-LABEL: func.func @layers(
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_lhs_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_rhs_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_matmul_fp8_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_lhs_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_rhs_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_matmul_fp8_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_lhs_2 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_repack_rhs_0 blocks
// HOPPER: gpu.launch_func @mx_kernels::@mx_matmul_fp8_2 blocks
func.func @layers(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>,
                  %b: !mx.tensor<64x128xmxfp4>, %x: tensor<16x64xf32>, %y: tensor<16x64xf32>)
    -> (tensor<32x16xf32>, tensor<32x16xf32>, tensor<64x16xf32>, !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<16x64xmxfp8_e4m3>) {
  %c0 = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  %c1 = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  %c2 = mx.matmul %b, %w : !mx.tensor<64x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<64x16xf32>
  %q0 = mx.quantize %x : tensor<16x64xf32> -> !mx.tensor<16x64xmxfp8_e4m3>
  %q1 = mx.quantize %y : tensor<16x64xf32> -> !mx.tensor<16x64xmxfp8_e4m3>
  %q2 = mx.quantize %y scale_mode = even : tensor<16x64xf32> -> !mx.tensor<16x64xmxfp8_e4m3>
  return %c0, %c1, %c2, %q0, %q1, %q2 : tensor<32x16xf32>, tensor<32x16xf32>, tensor<64x16xf32>, !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<16x64xmxfp8_e4m3>
}
