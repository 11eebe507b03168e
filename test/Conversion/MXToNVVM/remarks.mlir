// path=auto: a remark per op names the path and why; what has no GPU kernel
// stays on the host, with a remark, and is lowered as on the CPU.
// RUN: mx-opt %s -split-input-file -verify-diagnostics --convert-mx-to-gpu="chip=sm_90a"
// RUN: mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_90a" 2>/dev/null | FileCheck %s

// CHECK-LABEL: func.func @fp8_on_hopper
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_fp8_0
func.func @fp8_on_hopper(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  // expected-remark @+1 {{mx.matmul on sm_90a: path fp8 (FP8 mma.sync m16n8k32 per 32-element K block, block scales in f32): not faster paths because native: sm_90a lacks block-scaled mma.sync m16n8k64 kind::mxf4 scale_vec::2X ue8m0}}
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

func.func @int8_on_hopper(%a: !mx.tensor<16x64xmxint8>, %w: !mx.tensor<64x8xmxint8, block = [32, 1]>) -> tensor<16x8xf32> {
  // expected-remark @+1 {{path bf16 (BF16 mma.sync m16n8k16, block scales in f32): not faster paths because native: no block-scaled mma.sync kind takes mxint8 x mxint8 with K blocks of 32 (mxf4: E2M1/E8M0/32, mxf4nvf4 4X: E2M1/UE4M3/16, mxf8f6f4: FP4/FP6/FP8 with E8M0/32); fp8: INT8 elements are not exact in FP8}}
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxint8>, !mx.tensor<64x8xmxint8, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

func.func @untiled(%a: !mx.tensor<24x64xmxfp8_e4m3>, %w: !mx.tensor<64x12xmxfp8_e4m3, block = [32, 1]>) -> tensor<24x12xf32> {
  // expected-remark @+1 {{path gemv (K blocks over the lanes and warps of a thread block, no tensor cores): no MMA path fits: native: sm_90a lacks}}
  %c = mx.matmul %a, %w : !mx.tensor<24x64xmxfp8_e4m3>, !mx.tensor<64x12xmxfp8_e4m3, block = [32, 1]> -> tensor<24x12xf32>
  return %c : tensor<24x12xf32>
}

// -----

// CHECK-LABEL: func.func @host(
// CHECK-NOT: gpu.launch_func
// CHECK: linalg.generic
func.func @host(%a: tensor<16x64xf32>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>, %r: tensor<16x64xi8>) -> (tensor<16x8xf32>, !mx.tensor<16x64xmxfp4>, !mx.tensor<16x64xnvfp4>) {
  // expected-remark @+1 {{mx.matmul stays on the host: the GPU kernels need both operands block-scaled}}
  %c = mx.matmul %a, %w : tensor<16x64xf32>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  // expected-remark @+1 {{mx.quantize stays on the host: stochastic rounding has no GPU kernel yet}}
  %q = mx.quantize %a random_bits(%r : tensor<16x64xi8>) rounding = stochastic : tensor<16x64xf32> -> !mx.tensor<16x64xmxfp4>
  // expected-remark @+1 {{mx.quantize stays on the host: the NVFP4 tensor scale needs the whole tensor's amax (give tensor_scale to quantize on the GPU)}}
  %n = mx.quantize %a : tensor<16x64xf32> -> !mx.tensor<16x64xnvfp4>
  return %c, %q, %n : tensor<16x8xf32>, !mx.tensor<16x64xmxfp4>, !mx.tensor<16x64xnvfp4>
}

// -----

// Per-tensor FP8 has no block scales, which every GPU kernel assumes: its
// quantize, dequantize and matmul stay on the host (they used to crash).
// CHECK-LABEL: func.func @per_tensor_on_host
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @per_tensor_on_host(%a: tensor<16x64xf32>, %w: !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]>) -> (tensor<16x8xf32>, tensor<16x64xf32>) {
  // expected-remark @+1 {{mx.quantize stays on the host: per-tensor formats have no GPU kernel yet}}
  %q = mx.quantize %a : tensor<16x64xf32> -> !mx.tensor<16x64xfp8_e4m3_tensor>
  // expected-remark @+1 {{mx.matmul stays on the host: per-tensor formats (no block scales) have no GPU kernel yet}}
  %c = mx.matmul %q, %w : !mx.tensor<16x64xfp8_e4m3_tensor>, !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]> -> tensor<16x8xf32>
  // expected-remark @+1 {{mx.dequantize stays on the host: per-tensor formats have no GPU kernel yet}}
  %d = mx.dequantize %q : !mx.tensor<16x64xfp8_e4m3_tensor> -> tensor<16x64xf32>
  return %c, %d : tensor<16x8xf32>, tensor<16x64xf32>
}
