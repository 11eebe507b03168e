// RUN: mx-opt %s --mx-strip-quantization --split-input-file | FileCheck %s

/// mx-strip-quantization: the f32 baseline of a program (mx-run
/// --compare-f32). Matmul operands and dequantized values go back to the f32
/// tensors they were quantized from; dead quantizations are erased.

// CHECK-LABEL: func.func @mlp(
// CHECK-SAME:      %[[X:.*]]: tensor<4x64xf32>, %[[W1:.*]]: tensor<64x64xf32> {mx.weight}, %[[W2:.*]]: tensor<64x32xf32> {mx.weight})
// CHECK-NEXT:    %[[H:.*]] = mx.matmul %[[X]], %[[W1]] : tensor<4x64xf32>, tensor<64x64xf32> -> tensor<4x64xf32>
// CHECK-NEXT:    %[[Y:.*]] = mx.matmul %[[H]], %[[W2]] : tensor<4x64xf32>, tensor<64x32xf32> -> tensor<4x32xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @mlp(%x: tensor<4x64xf32>, %w1: tensor<64x64xf32> {mx.weight},
               %w2: tensor<64x32xf32> {mx.weight}) -> tensor<4x32xf32> {
  %xq = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  %w1q = mx.quantize %w1 : tensor<64x64xf32> -> !mx.tensor<64x64xmxfp4, block = [32, 1]>
  %h = mx.matmul %xq, %w1q : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<4x64xf32>
  %hq = mx.quantize %h : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  %w2q = mx.quantize %w2 : tensor<64x32xf32> -> !mx.tensor<64x32xnvfp4, block = [16, 16]>
  %hq16 = mx.convert %hq : !mx.tensor<4x64xmxfp6_e2m3> -> !mx.tensor<4x64x#mx.format<f6E2M3FN, f8E8M0FNU, block = 16>>
  %y = mx.matmul %hq16, %w2q : !mx.tensor<4x64x#mx.format<f6E2M3FN, f8E8M0FNU, block = 16>>, !mx.tensor<64x32xnvfp4, block = [16, 16]> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

/// quantize -> convert -> dequantize chains become the source; f16 and bf16
/// results round it once. A dequantize of a value with no f32 source stays.
// CHECK-LABEL: func.func @chains(
// CHECK-SAME:      %[[X:.*]]: tensor<2x32xf32>, %[[Q:.*]]: !mx.tensor<2x32xmxfp4>)
// CHECK-NEXT:    %[[H:.*]] = arith.truncf %[[X]] : tensor<2x32xf32> to tensor<2x32xf16>
// CHECK-NEXT:    %[[D:.*]] = mx.dequantize %[[Q]] : !mx.tensor<2x32xmxfp4> -> tensor<2x32xf32>
// CHECK-NEXT:    return %[[X]], %[[H]], %[[D]]
func.func @chains(%x: tensor<2x32xf32>, %q: !mx.tensor<2x32xmxfp4>) -> (tensor<2x32xf32>, tensor<2x32xf16>, tensor<2x32xf32>) {
  %a = mx.quantize %x : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  %b = mx.convert %a : !mx.tensor<2x32xnvfp4> -> !mx.tensor<2x32xmxfp8_e5m2>
  %c = mx.convert %b : !mx.tensor<2x32xmxfp8_e5m2> -> !mx.tensor<2x32xmxint8>
  %d = mx.dequantize %c : !mx.tensor<2x32xmxint8> -> tensor<2x32xf32>
  %h = mx.dequantize %a : !mx.tensor<2x32xnvfp4> -> tensor<2x32xf16>
  %e = mx.dequantize %q : !mx.tensor<2x32xmxfp4> -> tensor<2x32xf32>
  return %d, %h, %e : tensor<2x32xf32>, tensor<2x32xf16>, tensor<2x32xf32>
}

// -----

/// Block-scaled matmul operands without an f32 source (an argument, a
/// constant in components) enter through one shared mx.dequantize; a plain
/// operand is left alone. Quantized values with other users (returns,
/// mx.unpack) are kept.
// CHECK-LABEL: func.func @no_source(
// CHECK-SAME:      %[[A:.*]]: !mx.tensor<2x32xmxfp8_e4m3>, %[[B:.*]]: tensor<32x2xf32>, %[[X:.*]]: tensor<2x32xf32>)
// CHECK-NEXT:    %[[AD:.*]] = mx.dequantize %[[A]] : !mx.tensor<2x32xmxfp8_e4m3> -> tensor<2x32xf32>
// CHECK-NEXT:    %[[K:.*]] = mx.constant
// CHECK-NEXT:    %[[KD:.*]] = mx.dequantize %[[K]] : !mx.tensor<32x2xmxfp4, block = [32, 1]> -> tensor<32x2xf32>
// CHECK-NEXT:    %[[M0:.*]] = mx.matmul %[[AD]], %[[B]] : tensor<2x32xf32>, tensor<32x2xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    %[[M1:.*]] = mx.matmul %[[AD]], %[[KD]] : tensor<2x32xf32>, tensor<32x2xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    %[[Q:.*]] = mx.quantize %[[X]] : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp4>
// CHECK-NEXT:    %[[E:.*]], %[[S:.*]] = mx.unpack %[[Q]]
// CHECK-NEXT:    %[[M2:.*]] = mx.matmul %[[X]], %[[KD]] : tensor<2x32xf32>, tensor<32x2xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    return %[[M0]], %[[M1]], %[[M2]], %[[Q]], %[[E]]
func.func @no_source(%a: !mx.tensor<2x32xmxfp8_e4m3>, %b: tensor<32x2xf32>, %x: tensor<2x32xf32>)
    -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, !mx.tensor<2x32xmxfp4>, tensor<2x32xf4E2M1FN>) {
  %k = mx.constant elements(dense<1.0> : tensor<32x2xf4E2M1FN>) scales(dense<2.0> : tensor<1x2xf8E8M0FNU>) : !mx.tensor<32x2xmxfp4, block = [32, 1]>
  %m0 = mx.matmul %a, %b : !mx.tensor<2x32xmxfp8_e4m3>, tensor<32x2xf32> -> tensor<2x2xf32>
  %m1 = mx.matmul %a, %k : !mx.tensor<2x32xmxfp8_e4m3>, !mx.tensor<32x2xmxfp4, block = [32, 1]> -> tensor<2x2xf32>
  %q = mx.quantize %x : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp4>
  %e, %s = mx.unpack %q : !mx.tensor<2x32xmxfp4>
  %m2 = mx.matmul %q, %k : !mx.tensor<2x32xmxfp4>, !mx.tensor<32x2xmxfp4, block = [32, 1]> -> tensor<2x2xf32>
  return %m0, %m1, %m2, %q, %e : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, !mx.tensor<2x32xmxfp4>, tensor<2x32xf4E2M1FN>
}

// -----

/// Per-tensor FP8 operands go back to their f32 sources too.
// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME:      %[[X:.*]]: tensor<4x64xf32>, %[[W:.*]]: tensor<64x8xf32> {mx.weight})
// CHECK-NEXT:    %[[Y:.*]] = mx.matmul %[[X]], %[[W]] : tensor<4x64xf32>, tensor<64x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @per_tensor(%x: tensor<4x64xf32>, %w: tensor<64x8xf32> {mx.weight}) -> tensor<4x8xf32> {
  %xq = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  %wq = mx.quantize %w : tensor<64x8xf32> -> !mx.tensor<64x8xfp8_e4m3_tensor>
  %y = mx.matmul %xq, %wq : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x8xfp8_e4m3_tensor> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
