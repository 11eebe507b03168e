// RUN: mx-opt %s --split-input-file --mx-apply-policy="weights=mxfp4" -verify-diagnostics | FileCheck %s
// The rewritten program is valid: parse and verify it again.
// RUN: mx-opt %s --split-input-file --mx-apply-policy="weights=mxfp4" 2>/dev/null | mx-opt --split-input-file > /dev/null
// mx-apply-policy on every contraction form (docs/Policies.md). The command
// line gives weight-only MXFP4 where no policy is in scope.

// A torch-mlir Linear: the transpose of the [out, in] constant is folded into
// the compile-time mx.constant; the zero fill is dropped.
// CHECK-LABEL: func.func @linear
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<4x64xf32>)
//   CHECK-NOT:   linalg.transpose
//   CHECK-NOT:   linalg.fill
//       CHECK:   %[[W:.*]] = mx.constant packed(dense<"0x{{[0-9A-F]+}}"> : tensor<1024xi8>) scales({{.*}} : tensor<2x32xf8E8M0FNU>) : !mx.tensor<64x32xmxfp4, block = [32, 1]>
//       CHECK:   %[[Y:.*]] = mx.matmul %[[X]], %[[W]] : tensor<4x64xf32>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
//  CHECK-NEXT:   return %[[Y]] : tensor<4x32xf32>
func.func @linear(%x: tensor<4x64xf32>) -> tensor<4x32xf32> {
  %w = arith.constant dense<1.5> : tensor<32x64xf32>
  %e = tensor.empty() : tensor<64x32xf32>
  %wt = linalg.transpose ins(%w : tensor<32x64xf32>) outs(%e : tensor<64x32xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %i = tensor.empty() : tensor<4x32xf32>
  %c = linalg.fill ins(%z : f32) outs(%i : tensor<4x32xf32>) -> tensor<4x32xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %y = linalg.matmul ins(%x, %wt : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// A dense_resource weight; a non-zero init is added back.
// CHECK-LABEL: func.func @resource
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<1x32xf32>, %[[C:[a-z0-9]+]]: tensor<1x2xf32>)
//   CHECK-NOT:   dense_resource
//       CHECK:   %[[W:.*]] = mx.constant {{.*}} : !mx.tensor<32x2xmxfp4, block = [32, 1]>
//       CHECK:   %[[M:.*]] = mx.matmul %[[X]], %[[W]] : tensor<1x32xf32>, !mx.tensor<32x2xmxfp4, block = [32, 1]> -> tensor<1x2xf32>
//       CHECK:   %[[S:.*]] = arith.addf %[[M]], %[[C]] : tensor<1x2xf32>
//       CHECK:   return %[[S]]
func.func @resource(%x: tensor<1x32xf32>, %c: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<w0> : tensor<32x2xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 32}}
  %y = linalg.matmul ins(%x, %w : tensor<1x32xf32>, tensor<32x2xf32>) outs(%c : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}

// -----

// Attention under a scope policy: a batch matmul of two activations, both
// quantized at run time with blocks along K.
// CHECK-LABEL: func.func @attention
//  CHECK-SAME:   (%[[Q:[a-z0-9]+]]: tensor<2x4x64xf32>, %[[K:[a-z0-9]+]]: tensor<2x64x8xf32>, %[[C:[a-z0-9]+]]: tensor<2x4x8xf32>)
//       CHECK:   %[[QQ:.*]] = mx.quantize %[[Q]] : tensor<2x4x64xf32> -> !mx.tensor<2x4x64xmxfp8_e4m3>
//       CHECK:   %[[KQ:.*]] = mx.quantize %[[K]] : tensor<2x64x8xf32> -> !mx.tensor<2x64x8xmxfp8_e4m3, block = [1, 32, 1]>
//       CHECK:   %[[M:.*]] = mx.matmul %[[QQ]], %[[KQ]] : !mx.tensor<2x4x64xmxfp8_e4m3>, !mx.tensor<2x64x8xmxfp8_e4m3, block = [1, 32, 1]> -> tensor<2x4x8xf32>
//       CHECK:   arith.addf %[[M]], %[[C]] : tensor<2x4x8xf32>
func.func @attention(%q: tensor<2x4x64xf32>, %k: tensor<2x64x8xf32>, %c: tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
    attributes {mx.policy = #mx.policy<activations = mxfp8_e4m3>} {
  // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 1, 32]; rhs activation mxfp8_e4m3 block [1, 32, 1]; K = 64}}
  %y = linalg.batch_matmul ins(%q, %k : tensor<2x4x64xf32>, tensor<2x64x8xf32>) outs(%c : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// matvec with a constant matrix (the lhs weight gets its block along K), and
// vecmat; the unit M / N dimension is inserted and dropped again.
// CHECK-LABEL: func.func @vectors
//  CHECK-SAME:   (%[[V:[a-z0-9]+]]: tensor<64xf32>, %[[U:[a-z0-9]+]]: tensor<64xf32>)
//       CHECK:   %[[A:.*]] = mx.constant {{.*}} : !mx.tensor<8x64xmxfp4>
//       CHECK:   %[[VE:.*]] = tensor.expand_shape %[[V]] {{\[\[}}0, 1]] output_shape [64, 1] : tensor<64xf32> into tensor<64x1xf32>
//       CHECK:   %[[M:.*]] = mx.matmul %[[A]], %[[VE]] : !mx.tensor<8x64xmxfp4>, tensor<64x1xf32> -> tensor<8x1xf32>
//       CHECK:   %[[Y:.*]] = tensor.collapse_shape %[[M]] {{\[\[}}0, 1]] : tensor<8x1xf32> into tensor<8xf32>
//       CHECK:   %[[UE:.*]] = tensor.expand_shape %[[U]] {{\[\[}}0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
//       CHECK:   %[[B:.*]] = mx.constant {{.*}} : !mx.tensor<64x16xmxfp4, block = [32, 1]>
//       CHECK:   %[[N:.*]] = mx.matmul %[[UE]], %[[B]] : tensor<1x64xf32>, !mx.tensor<64x16xmxfp4, block = [32, 1]> -> tensor<1x16xf32>
//       CHECK:   %[[Z:.*]] = tensor.collapse_shape %[[N]] {{\[\[}}0, 1]] : tensor<1x16xf32> into tensor<16xf32>
//       CHECK:   return %[[Y]], %[[Z]]
func.func @vectors(%v: tensor<64xf32>, %u: tensor<64xf32>) -> (tensor<8xf32>, tensor<16xf32>) {
  %a = arith.constant dense<2.0> : tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = tensor.empty() : tensor<8xf32>
  %c = linalg.fill ins(%zero : f32) outs(%c0 : tensor<8xf32>) -> tensor<8xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs weight mxfp4 block [1, 32] (compile time); rhs activation none; K = 64}}
  %y = linalg.matvec ins(%a, %v : tensor<8x64xf32>, tensor<64xf32>) outs(%c : tensor<8xf32>) -> tensor<8xf32>
  %b = arith.constant dense<3.0> : tensor<64x16xf32>
  %d0 = tensor.empty() : tensor<16xf32>
  %d = linalg.fill ins(%zero : f32) outs(%d0 : tensor<16xf32>) -> tensor<16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %z = linalg.vecmat ins(%u, %b : tensor<64xf32>, tensor<64x16xf32>) outs(%d : tensor<16xf32>) -> tensor<16xf32>
  return %y, %z : tensor<8xf32>, tensor<16xf32>
}

// -----

// Transposed maps: the activation stored [K, M] is transposed at run time,
// the constant stored [N, K] at compile time; the output stored [N, M] is
// transposed back.
// CHECK-LABEL: func.func @maps
//  CHECK-SAME:   (%[[A:[a-z0-9]+]]: tensor<64x4xf32>, %[[C:[a-z0-9]+]]: tensor<8x4xf32>)
//       CHECK:   %[[AT:.*]] = linalg.transpose ins(%[[A]] : tensor<64x4xf32>) outs(%{{.*}} : tensor<4x64xf32>) permutation = [1, 0]
//       CHECK:   %[[AQ:.*]] = mx.quantize %[[AT]] : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
//       CHECK:   %[[B:.*]] = mx.constant {{.*}} : !mx.tensor<64x8xmxfp4, block = [32, 1]>
//       CHECK:   %[[M:.*]] = mx.matmul %[[AQ]], %[[B]] : !mx.tensor<4x64xmxfp6_e2m3>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<4x8xf32>
//       CHECK:   %[[MT:.*]] = linalg.transpose ins(%[[M]] : tensor<4x8xf32>) outs(%{{.*}} : tensor<8x4xf32>) permutation = [1, 0]
//       CHECK:   arith.addf %[[MT]], %[[C]] : tensor<8x4xf32>
func.func @maps(%a: tensor<64x4xf32>, %c: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %b = arith.constant dense<1.0> : tensor<8x64xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp6_e2m3 block [1, 32]; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, m)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<64x4xf32>, tensor<8x64xf32>) outs(%c : tensor<8x4xf32>)
      attrs = {mx.policy = #mx.policy<activations = mxfp6_e2m3>} {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// linalg.matmul with explicit indexing maps (a transposed rhs), and a weight
// reshaped by a collapse/expand chain: no reshape remains at run time.
// CHECK-LABEL: func.func @chain
//  CHECK-SAME:   (%[[X:[a-z0-9]+]]: tensor<2x64xf32>, %[[C:[a-z0-9]+]]: tensor<2x32xf32>)
//   CHECK-NOT:   tensor.expand_shape
//   CHECK-NOT:   tensor.collapse_shape
//       CHECK:   %[[W:.*]] = mx.constant {{.*}} : !mx.tensor<64x32xmxfp4, block = [32, 1]>
//       CHECK:   mx.matmul %[[X]], %[[W]] : tensor<2x64xf32>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<2x32xf32>
func.func @chain(%x: tensor<2x64xf32>, %c: tensor<2x32xf32>) -> tensor<2x32xf32> {
  %w = arith.constant dense<0.5> : tensor<4x8x64xf32>
  %w2 = tensor.collapse_shape %w [[0, 1], [2]] : tensor<4x8x64xf32> into tensor<32x64xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w2 : tensor<2x64xf32>, tensor<32x64xf32>) outs(%c : tensor<2x32xf32>) -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}
