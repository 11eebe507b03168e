// RUN: mx-opt %s --mx-cpu-pipeline=threads=1 | FileCheck %s
// RUN: mx-opt %s --mx-cpu-pipeline | %mx_runner | FileCheck %s --check-prefix=VALUES

// mx-simplify-deallocations (docs/Lowering.md, "Deallocation"): each
// buffer of @main is freed right after its last use, not when @main
// returns. @layer returns a buffer its matmul kernel allocates, so each
// call's result is a new buffer: the weights' codes and scales are freed
// after the last layer that reads them, each activation after the layer
// that consumes it.
// CHECK-LABEL: llvm.func @layer(
// CHECK:         llvm.call @mx_quantize(
// CHECK:         llvm.call @mx_matmul(
// CHECK-COUNT-2: llvm.call @free(
// CHECK-NEXT:    llvm.return
// CHECK-LABEL: llvm.func @main()
// CHECK-COUNT-2: llvm.call @mx_quantize_1(
// CHECK-NOT:     llvm.call @free(
// CHECK:         llvm.call @layer(
// %w0's codes and scales: read by the first layer only.
// CHECK-COUNT-2: llvm.call @free(
// CHECK-NOT:     llvm.call @free(
// CHECK:         llvm.call @layer(
// CHECK-NOT:     llvm.call @layer(
// %a
// CHECK:         llvm.call @free(
// CHECK-NOT:     llvm.call @free(
// CHECK:         llvm.call @layer(
// %w1's codes and scales, then %b (the sum, computed in place)
// CHECK-COUNT-3: llvm.call @free(
// CHECK-NOT:     llvm.call @free(
// CHECK:         llvm.call @printMemrefF32(
// %c, after it is printed
// CHECK:         llvm.call @free(
// CHECK-NOT:     llvm.call
// CHECK:         llvm.return

// Each layer: 32 products of 1 * 1 (%x times %w0's ones), of 32 * 2^-5 or
// of 32 * 2^-4 (%w1): 32, 32, 64.
// VALUES: [64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64,  64]

func.func private @printMemrefF32(memref<*xf32>)

func.func @layer(%x: tensor<1x32xf32>, %w: !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32> {
  %q = mx.quantize %x : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp8_e4m3>
  %y = mx.matmul %q, %w : !mx.tensor<1x32xmxfp8_e4m3>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

func.func @main() {
  %x = arith.constant dense<1.0> : tensor<1x32xf32>
  %one = arith.constant dense<1.0> : tensor<32x32xf32>
  %small = arith.constant dense<0.03125> : tensor<32x32xf32>
  %w0 = mx.quantize %one : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %w1 = mx.quantize %small : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %a = func.call @layer(%x, %w0) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %b = func.call @layer(%a, %w1) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %s = arith.addf %b, %b : tensor<1x32xf32>
  %c = func.call @layer(%s, %w1) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
  %m = bufferization.to_buffer %c : tensor<1x32xf32> to memref<1x32xf32>
  %u = memref.cast %m : memref<1x32xf32> to memref<*xf32>
  func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
