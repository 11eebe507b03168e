// RUN: mx-opt --convert-mx-to-linalg=vectorize=false --split-input-file %s | FileCheck %s
// RUN: mx-opt --convert-mx-to-linalg="vectorize=true target=avx2" --split-input-file %s | FileCheck %s --check-prefix=VEC

/// Per-tensor FP8 (docs/Lowering.md "Per-tensor FP8"): the components are
/// the E4M3 bytes and the f32 S_dec; there is no scales component.

// CHECK-LABEL: func.func @quantize
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>) -> (tensor<4x64xi8>, f32)
/// The tensor amax: an integer max of |bits| with NaN counted as 0.
// CHECK: %[[AMAX:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]{{.*}} ins(%[[X]] : tensor<4x64xf32>) outs(%{{.*}} : tensor<i32>)
// CHECK:   arith.cmpi ugt
// CHECK:   arith.select
// CHECK:   arith.maxsi
// CHECK: %[[A:.*]] = tensor.extract %[[AMAX]][] : tensor<i32>
// CHECK: %[[AF:.*]] = arith.bitcast %[[A]] : i32 to f32
/// S_enc = fminf(448 / amax, FLT_MAX), 1 when amax or S_enc is 0.
// CHECK: %[[C448:.*]] = arith.constant 4.480000e+02 : f32
// CHECK: %[[Q:.*]] = arith.divf %[[C448]], %[[AF]] : f32
// CHECK: %[[M:.*]] = arith.minnumf %[[Q]], %{{.*}} : f32
// CHECK: %[[ENC:.*]] = arith.select %{{.*}}, %{{.*}}, %[[M]] : f32
// CHECK: %[[DEC:.*]] = arith.divf %{{.*}}, %[[ENC]] : f32
/// Each element: f32(x * S_enc), then the integer E4M3 RNE encode.
// CHECK: %[[CODES:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%[[X]] : tensor<4x64xf32>) outs(%{{.*}} : tensor<4x64xi8>)
// CHECK:   arith.mulf %{{.*}}, %[[ENC]] : f32
// CHECK-NOT: arith.truncf
// CHECK:   arith.trunci %{{.*}} : i32 to i8
// CHECK: return %[[CODES]], %[[DEC]] : tensor<4x64xi8>, f32
// VEC-LABEL: func.func @quantize
// VEC: scf.for
// VEC: vector.reduction <maxsi>
// VEC: arith.divf
// VEC: scf.for
// VEC: arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
// VEC: vector.transfer_write %{{.*}} : vector<8xi8>
func.func @quantize(%x: tensor<4x64xf32>) -> !mx.tensor<4x64xfp8_e4m3_tensor> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  return %q : !mx.tensor<4x64xfp8_e4m3_tensor>
}

// -----

/// Dequantize: one f32 multiply by S_dec per element.
// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[E:.*]]: tensor<4x64xi8>, %[[G:.*]]: f32) -> tensor<4x64xf32>
// CHECK: linalg.generic {{.*}} ins(%[[E]] : tensor<4x64xi8>)
// CHECK:   arith.mulf %{{.*}}, %[[G]] : f32
// CHECK-NEXT: linalg.yield
// VEC-LABEL: func.func @dequantize
// VEC: scf.for
// VEC: arith.mulf %{{.*}}, %{{.*}} : vector<8xf32>
func.func @dequantize(%q: !mx.tensor<4x64xfp8_e4m3_tensor>) -> tensor<4x64xf32> {
  %d = mx.dequantize %q : !mx.tensor<4x64xfp8_e4m3_tensor> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// -----

/// Matmul with a per-tensor rhs: the K blocks are the lhs's (32), only the
/// lhs's E8M0 scale is applied per block, and S_dec multiplies the output
/// once after the sum.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: %[[W:.*]]: tensor<64x8xi8>, %[[G:.*]]: f32) -> tensor<4x8xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x8x2xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x8xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x8xf32>)
// CHECK:   arith.mulf %{{.*}}, %[[G]] : f32
// VEC-LABEL: func.func @matmul
// VEC-SAME: %[[W:.*]]: tensor<64x8xi8>, %[[G:.*]]: f32) -> tensor<4x8xf32>
// VEC: scf.for
// VEC: vector.broadcast %[[G]] : f32 to vector<8xf32>
func.func @matmul(%a: !mx.tensor<4x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xfp8_e4m3_tensor>) -> tensor<4x8xf32> {
  %y = mx.matmul %a, %w : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x8xfp8_e4m3_tensor> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// Constants: the E4M3 bytes and S_dec.
// CHECK-LABEL: func.func @constant
// CHECK: %[[E:.*]] = arith.constant dense<[110, -2]> : tensor<2xi8>
// CHECK: %[[G:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: return %[[E]], %[[G]]
func.func @constant() -> !mx.tensor<2xfp8_e4m3_tensor> {
  %k = mx.constant elements(dense<[112.0, -448.0]> : tensor<2xf8E4M3FN>) tensor_scale(0.25) : !mx.tensor<2xfp8_e4m3_tensor>
  return %k : !mx.tensor<2xfp8_e4m3_tensor>
}
