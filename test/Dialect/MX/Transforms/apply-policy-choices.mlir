// RUN: mx-opt %s --split-input-file --mx-apply-policy -verify-diagnostics | FileCheck %s
// RUN: mx-opt %s --split-input-file --mx-apply-policy 2>/dev/null | mx-opt --split-input-file > /dev/null
// Policy scopes and fields carried out by mx-apply-policy: none, bf16,
// lhs/rhs, weight_block, scale_mode, hadamard, rule M6, and what is left
// alone (with a remark saying why).

// Scopes: the module quantizes weights to MXFP4, the function switches
// weights to NVFP4 with 16x16 tiles and activations to MXFP8; rule M6 gives
// the activation the weight's 16-element K blocks. One op opts out.
// CHECK-LABEL: func.func @scopes
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<4x64xf32>, %[[W:[a-z0-9]+]]: tensor<64x32xf32> {mx.weight})
//       CHECK:   %[[XQ:.*]] = mx.quantize %[[X]] : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3, block = [1, 16]>
//       CHECK:   %[[C:.*]] = mx.constant {{.*}} : !mx.tensor<64x32xnvfp4, block = [16, 16]>
//       CHECK:   %[[Y:.*]] = mx.matmul %[[XQ]], %[[C]] : !mx.tensor<4x64xmxfp8_e4m3, block = [1, 16]>, !mx.tensor<64x32xnvfp4, block = [16, 16]> -> tensor<4x32xf32>
// An mx.weight argument is a weight, quantized at run time.
//       CHECK:   %[[WQ:.*]] = mx.quantize %[[W]] : tensor<64x32xf32> -> !mx.tensor<64x32xnvfp4, block = [16, 16]>
//       CHECK:   mx.matmul %{{.*}}, %[[WQ]]
// The opted-out op stays a linalg.matmul.
//       CHECK:   linalg.matmul {mx.policy = #mx.policy<weights = none, activations = none>}
module attributes {mx.policy = #mx.policy<weights = mxfp4>} {
  func.func @scopes(%x: tensor<4x64xf32>, %w: tensor<64x32xf32> {mx.weight}) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
      attributes {mx.policy = #mx.policy<weights = nvfp4, activations = mxfp8_e4m3, weight_block = [16, 16]>} {
    %c = arith.constant dense<1.0> : tensor<64x32xf32>
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x32xf32>
    %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x32xf32>) -> tensor<4x32xf32>
    // expected-remark @+2 {{mx-apply-policy: lhs K block set to 16 (from 32) to match the rhs (rule M6)}}
    // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 16]; rhs weight nvfp4 block [16, 16] (compile time); K = 64}}
    %y = linalg.matmul ins(%x, %c : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>) -> tensor<4x32xf32>
    // expected-remark @+2 {{rule M6}}
    // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 16]; rhs weight nvfp4 block [16, 16]; K = 64}}
    %y2 = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>) -> tensor<4x32xf32>
    %y3 = linalg.matmul {mx.policy = #mx.policy<weights = none, activations = none>} ins(%x, %c : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>) -> tensor<4x32xf32>
    return %y, %y2, %y3 : tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>
  }
}

// -----

// bf16: the weight becomes a bf16 constant (RNE: 1.00390625 ties to 1.0,
// 1.01171875 to 1.015625, in matmul orientation) widened with arith.extf;
// the activation is rounded at run time. lhs/rhs beat the role fields.
// CHECK-LABEL: func.func @bf16
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<1x2xf32>,
//       CHECK:   %[[XT:.*]] = arith.truncf %[[X]] : tensor<1x2xf32> to tensor<1x2xbf16>
//       CHECK:   %[[XE:.*]] = arith.extf %[[XT]] : tensor<1x2xbf16> to tensor<1x2xf32>
//       CHECK:   %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [1.015630e+00, 3.000000e+00]]> : tensor<2x2xbf16>
//       CHECK:   %[[WE:.*]] = arith.extf %[[W]] : tensor<2x2xbf16> to tensor<2x2xf32>
//       CHECK:   mx.matmul %[[XE]], %[[WE]] : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
func.func @bf16(%x: tensor<1x2xf32>, %c: tensor<1x2xf32>) -> tensor<1x2xf32>
    attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3, lhs = bf16, rhs = bf16>} {
  %w = arith.constant dense<[[1.00390625, 1.01171875], [2.0, 3.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %wt = linalg.transpose ins(%w : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
  // expected-remark @+1 {{mx-apply-policy: lhs activation bf16; rhs weight bf16 (compile time); K = 2}}
  %y = linalg.matmul ins(%x, %wt : tensor<1x2xf32>, tensor<2x2xf32>) outs(%c : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// hadamard = 32: the weight is rotated along K at compile time (folded into
// its mx.constant), the activation by mx.hadamard at run time; the scale
// mode applies to both E8M0 formats.
// CHECK-LABEL: func.func @hadamard
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<2x64xf32>
//       CHECK:   %[[H:.*]] = mx.hadamard %[[X]] axis(1) size(32) : tensor<2x64xf32>
//       CHECK:   %[[XQ:.*]] = mx.quantize %[[H]] scale_mode = rceil : tensor<2x64xf32> -> !mx.tensor<2x64xmxfp8_e4m3>
//   CHECK-NOT:   mx.hadamard
//       CHECK:   %[[W:.*]] = mx.constant {{.*}} : !mx.tensor<64x8xmxfp4, block = [32, 1]>
//       CHECK:   mx.matmul %[[XQ]], %[[W]]
func.func @hadamard(%x: tensor<2x64xf32>, %c: tensor<2x8xf32>) -> tensor<2x8xf32>
    attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3, scale_mode = rceil, hadamard = 32>} {
  %w = arith.constant dense<0.25> : tensor<64x8xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 32]; rhs weight mxfp4 block [32, 1] (compile time); hadamard 32 along K; K = 64}}
  %y = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%c : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Two activations with different K blocks: the rhs follows the lhs (M6).
// CHECK-LABEL: func.func @two_activations
//       CHECK:   mx.quantize %{{.*}} : tensor<2x4x64xf32> -> !mx.tensor<2x4x64xnvfp4>
//       CHECK:   mx.quantize %{{.*}} : tensor<2x64x8xf32> -> !mx.tensor<2x64x8xmxfp8_e4m3, block = [1, 16, 1]>
func.func @two_activations(%q: tensor<2x4x64xf32>, %k: tensor<2x64x8xf32>, %c: tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
    attributes {mx.policy = #mx.policy<activations = mxfp8_e4m3, lhs = nvfp4>} {
  // expected-remark @+2 {{mx-apply-policy: rhs K block set to 16 (from 32) to match the lhs (rule M6)}}
  // expected-remark @+1 {{mx-apply-policy: lhs activation nvfp4 block [1, 1, 16]; rhs activation mxfp8_e4m3 block [1, 16, 1]; K = 64}}
  %y = linalg.batch_matmul ins(%q, %k : tensor<2x4x64xf32>, tensor<2x64x8xf32>) outs(%c : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// What cannot be rewritten is left as it is, with a remark.
// CHECK-LABEL: func.func @negative
// CHECK-COUNT-6: linalg.matmul
//     CHECK-NOT: mx.matmul
//     CHECK-NOT: mx.quantize
module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3>} {
  func.func @negative(%x: tensor<4x48xf32>, %w: tensor<48x8xf32>, %c: tensor<4x8xf32>,
                      %d: tensor<?x64xf32>, %v: tensor<64x8xf32>, %dc: tensor<?x8xf32>,
                      %h: tensor<4x64xf16>, %hw: tensor<64x8xf16>, %hc: tensor<4x8xf16>,
                      %y: tensor<4x64xf32>, %yc: tensor<4x8xf32>)
      -> (tensor<4x8xf32>, tensor<?x8xf32>, tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
    // expected-remark @+1 {{mx-apply-policy: not rewritten: lhs: K = 48 is not a multiple of the block 32}}
    %0 = linalg.matmul ins(%x, %w : tensor<4x48xf32>, tensor<48x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
    // expected-remark @+1 {{mx-apply-policy: not rewritten: operand 0 has a dynamic shape}}
    %1 = linalg.matmul ins(%d, %v : tensor<?x64xf32>, tensor<64x8xf32>) outs(%dc : tensor<?x8xf32>) -> tensor<?x8xf32>
    // expected-remark @+1 {{mx-apply-policy: not rewritten: element type f16 is not f32}}
    %2 = linalg.matmul ins(%h, %hw : tensor<4x64xf16>, tensor<64x8xf16>) outs(%hc : tensor<4x8xf16>) -> tensor<4x8xf16>
    // expected-remark @+1 {{mx-apply-policy: not rewritten: stochastic rounding needs random bits, which mx-apply-policy does not generate}}
    %3 = linalg.matmul {mx.policy = #mx.policy<rounding = stochastic>} ins(%y, %v : tensor<4x64xf32>, tensor<64x8xf32>) outs(%yc : tensor<4x8xf32>) -> tensor<4x8xf32>
    %cv = arith.constant dense<1.0> : tensor<64x8xf32>
    // expected-remark @+1 {{mx-apply-policy: not rewritten: rhs: N = 8 is not a multiple of the block 16}}
    %4 = linalg.matmul {mx.policy = #mx.policy<weights = nvfp4, weight_block = [16, 16]>} ins(%y, %cv : tensor<4x64xf32>, tensor<64x8xf32>) outs(%yc : tensor<4x8xf32>) -> tensor<4x8xf32>
    // expected-remark @+1 {{mx-apply-policy: not rewritten: K = 64 is not a multiple of hadamard = 128}}
    %5 = linalg.matmul {mx.policy = #mx.policy<hadamard = 128>} ins(%y, %v : tensor<4x64xf32>, tensor<64x8xf32>) outs(%yc : tensor<4x8xf32>) -> tensor<4x8xf32>
    return %0, %1, %2, %3, %4, %5 : tensor<4x8xf32>, tensor<?x8xf32>, tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
  }
}
