// RUN: mx-opt %s --mx-cpu-pipeline | FileCheck %s
// RUN: mx-opt %s --mx-cpu-pipeline=outline-kernels=false | FileCheck %s --check-prefix=INPLACE
// The same printed values either way (MX_DIFF-free: the reference side is
// the differential suites, which run the default, outlined pipeline).
// RUN: mx-opt %s --mx-cpu-pipeline | %mx_runner > %t.outlined
// RUN: mx-opt %s --mx-cpu-pipeline=outline-kernels=false | %mx_runner > %t.inplace
// RUN: grep -v base@ %t.outlined > %t.outlined.values
// RUN: grep -v base@ %t.inplace | diff %t.outlined.values -
// RUN: FileCheck %s --check-prefix=VALUES < %t.outlined

// Three equal layers (an MXFP8 activation quantize and an MXFP4 GEMV each)
// call one quantize and one matmul kernel; the GEMV on f32 activations is a
// kernel of its own, and the weights' two (equal) quantizes one more.
// CHECK-LABEL: llvm.func @layer(
// CHECK: llvm.call @mx_quantize(
// CHECK: llvm.call @mx_matmul(
// CHECK-LABEL: llvm.func @main()
// CHECK-COUNT-2: llvm.call @mx_quantize_1(
// CHECK-COUNT-3: llvm.call @layer(
// CHECK: llvm.call @mx_matmul_1(
// CHECK: llvm.func @mx_quantize(
// CHECK: llvm.func @mx_matmul(
// CHECK: llvm.func @mx_quantize_1(
// CHECK: llvm.func @mx_matmul_1(
// CHECK-NOT: llvm.func @mx_
// INPLACE-NOT: llvm.func @mx_
// VALUES: [32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32,  32]

func.func private @printMemrefF32(memref<*xf32>)

func.func @layer(%x: tensor<1x32xf32>, %w: !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32> {
  %q = mx.quantize %x : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp8_e4m3>
  %y = mx.matmul %q, %w : !mx.tensor<1x32xmxfp8_e4m3>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

func.func @main() {
  // All ones, then each layer sums 32 products of 1 * 1 (the first layer's
  // input) or of 32 * 1/32 (0.03125 = 2^-5: the next layers' weights): 32.
  %x = arith.constant dense<1.0> : tensor<1x32xf32>
  %one = arith.constant dense<1.0> : tensor<32x32xf32>
  %small = arith.constant dense<0.03125> : tensor<32x32xf32>
  %w0 = mx.quantize %one : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %w1 = mx.quantize %small : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %a = func.call @layer(%x, %w0) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %b = func.call @layer(%a, %w1) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %c = func.call @layer(%b, %w1) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %d = mx.matmul %c, %w1 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  %m = bufferization.to_buffer %d : tensor<1x32xf32> to memref<1x32xf32>
  %u = memref.cast %m : memref<1x32xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
