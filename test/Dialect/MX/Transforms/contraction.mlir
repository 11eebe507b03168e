// RUN: mx-opt %s --test-mx-contraction --split-input-file -verify-diagnostics
// mx::matchContraction: every contraction form, each operand's role and its
// shape as the matmul sees it ([batch..., M, K] / [batch..., K, N]), and a
// weight's folded values in that orientation (row-major).

// A torch-mlir Linear: the [out, in] weight is transposed to [in, out].
func.func @linear(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  // expected-remark @+1 {{no contraction: it does not have two inputs and one init}}
  %wt = linalg.transpose ins(%w : tensor<3x2xf32>) outs(%e : tensor<2x3xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %i = tensor.empty() : tensor<1x3xf32>
  // expected-remark @+1 {{no contraction: it does not have two inputs and one init}}
  %c = linalg.fill ins(%z : f32) outs(%i : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+1 {{contraction batch [] m 1 n 3 k 2 lhs activation [1, 2] rhs weight [2, 3] {1, 3, 5, 2, 4, 6}}}
  %y = linalg.matmul ins(%x, %wt : tensor<1x2xf32>, tensor<2x3xf32>) outs(%c : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A dense_resource blob (values 1, 2, 3, 4), seen through the transpose.
func.func @resource(%x: tensor<1x2xf32>, %c: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<w0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  // expected-remark @+1 {{no contraction: it does not have two inputs and one init}}
  %wt = linalg.transpose ins(%w : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
  // expected-remark @+1 {{contraction batch [] m 1 n 2 k 2 lhs activation [1, 2] rhs weight [2, 2] {1, 3, 2, 4}}}
  %y = linalg.matmul ins(%x, %wt : tensor<1x2xf32>, tensor<2x2xf32>) outs(%c : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Attention: a batch matmul of two activations; an mx.weight argument.
func.func @batch(%q: tensor<2x3x4xf32>, %k: tensor<2x4x5xf32>, %c: tensor<2x3x5xf32>,
                 %w: tensor<4x5xf32> {mx.weight}, %d: tensor<3x5xf32>) -> (tensor<2x3x5xf32>, tensor<3x5xf32>) {
  // expected-remark @+1 {{contraction batch [2] m 3 n 5 k 4 lhs activation [2, 3, 4] rhs activation [2, 4, 5]}}
  %y = linalg.batch_matmul ins(%q, %k : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%c : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %x = tensor.extract_slice %q[0, 0, 0] [1, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> to tensor<3x4xf32>
  // expected-remark @+1 {{contraction batch [] m 3 n 5 k 4 lhs activation [3, 4] rhs weight-arg [4, 5]}}
  %z = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x5xf32>) outs(%d : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %y, %z : tensor<2x3x5xf32>, tensor<3x5xf32>
}

// -----

// matvec (N = 1) with a constant matrix on the left; vecmat (M = 1).
func.func @vectors(%v: tensor<2xf32>, %c: tensor<3xf32>, %d: tensor<2xf32>) -> (tensor<3xf32>, tensor<2xf32>) {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  // expected-remark @+1 {{contraction batch [] m 3 n 1 k 2 lhs weight [3, 2] {1, 2, 3, 4, 5, 6} rhs activation [2, 1]}}
  %y = linalg.matvec ins(%a, %v : tensor<3x2xf32>, tensor<2xf32>) outs(%c : tensor<3xf32>) -> tensor<3xf32>
  %b = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %u = tensor.extract_slice %c[0] [3] [1] : tensor<3xf32> to tensor<3xf32>
  // expected-remark @+1 {{contraction batch [] m 1 n 2 k 3 lhs activation [1, 3] rhs weight [3, 2] {1, 2, 3, 4, 5, 6}}}
  %z = linalg.vecmat ins(%u, %b : tensor<3xf32>, tensor<3x2xf32>) outs(%d : tensor<2xf32>) -> tensor<2xf32>
  return %y, %z : tensor<3xf32>, tensor<2xf32>
}

// -----

// Transposed maps: lhs stored [K, M], rhs stored [N, K] (a constant).
func.func @maps(%a: tensor<2x1xf32>, %c: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %b = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  // expected-remark @+1 {{contraction batch [] m 1 n 3 k 2 lhs activation [1, 2] rhs weight [2, 3] {1, 3, 5, 2, 4, 6}}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<2x1xf32>, tensor<3x2xf32>) outs(%c : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A contraction-shaped generic, batch dimension innermost in the lhs, and a
// weight reshaped by collapse/expand.
#lhs = affine_map<(b, m, n, k) -> (m, k, b)>
#rhs = affine_map<(b, m, n, k) -> (b, k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @generic(%a: tensor<3x2x2xf32>, %c: tensor<2x3x1xf32>) -> tensor<2x3x1xf32> {
  %w = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %w2 = tensor.expand_shape %w [[0, 1]] output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
  %w3 = tensor.expand_shape %w2 [[0], [1, 2]] output_shape [2, 2, 1] : tensor<2x2xf32> into tensor<2x2x1xf32>
  // expected-remark @+1 {{contraction batch [2] m 3 n 1 k 2 lhs activation [2, 3, 2] rhs weight [2, 2, 1] {1, 2, 3, 4}}}
  %y = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w3 : tensor<3x2x2xf32>, tensor<2x2x1xf32>) outs(%c : tensor<2x3x1xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x1xf32>
  return %y : tensor<2x3x1xf32>
}

// -----

// What is not matched, and why.
func.func @negative(%a: tensor<?x4xf32>, %b: tensor<4x4xf32>, %c: tensor<?x4xf32>,
                    %h: tensor<4x4xf16>, %hc: tensor<4x4xf16>,
                    %x: tensor<2x3x4xf32>, %bc: tensor<2x3x4xf32>,
                    %r: tensor<3x4x4xf32>, %o: tensor<2x4xf32>) {
  // expected-remark @+1 {{no contraction: operand 0 has a dynamic shape}}
  %0 = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x4xf32>) outs(%c : tensor<?x4xf32>) -> tensor<?x4xf32>
  // expected-remark @+1 {{no contraction: element type f16 is not f32}}
  %1 = linalg.matmul ins(%h, %h : tensor<4x4xf16>, tensor<4x4xf16>) outs(%hc : tensor<4x4xf16>) -> tensor<4x4xf16>
  // expected-remark @+1 {{no contraction: it has more than one M or N dimension (e.g. an input broadcast along a batch dimension)}}
  %2 = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %b : tensor<2x3x4xf32>, tensor<4x4xf32>) outs(%bc : tensor<2x3x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4xf32>
  // expected-remark @+1 {{no contraction: it is not a multiply-add contraction}}
  %3 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%b, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%b : tensor<4x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.maximumf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  // expected-remark @+1 {{no contraction: it has 2 reduction dimensions (one is supported)}}
  %4 = linalg.generic {indexing_maps = [affine_map<(m, n, k, l) -> (m, k, l)>, affine_map<(m, n, k, l) -> (k, l, n)>, affine_map<(m, n, k, l) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %r : tensor<2x3x4xf32>, tensor<3x4x4xf32>) outs(%o : tensor<2x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return
}
