// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512" --canonicalize | FileCheck %s

/// The vectorized mx.hadamard (VectorHadamard.cpp): one group per step,
/// unrolled in registers, every f32 operation the reference's.

/// Along the last axis, a group of 32 is two vectors: the stages h = 1..8
/// pair lanes of one vector through a shuffle (lane with bit h set: partner
/// - self, else self + partner), h = 16 pairs the two vectors. Signs of
/// seed 42 are negations selected per lane before the butterfly; c_32 is one
/// multiply after it.
// CHECK-LABEL: func.func @last_axis
// CHECK-DAG: %[[C:.*]] = arith.constant dense<0.176776692> : vector<16xf32>
// CHECK-DAG: %[[ODD:.*]] = arith.constant dense<[false, true, false, true, false, true, false, true, false, true, false, true, false, true, false, true]> : vector<16xi1>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[X0:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<4x64xf32>, vector<16xf32>
// CHECK: %[[X1:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<4x64xf32>, vector<16xf32>
// CHECK: %[[N0:.*]] = arith.negf %[[X0]]
// CHECK: %[[S0:.*]] = arith.select %{{.*}}, %[[N0]], %[[X0]]
// CHECK: %[[N1:.*]] = arith.negf %[[X1]]
// CHECK: %[[S1:.*]] = arith.select %{{.*}}, %[[N1]], %[[X1]]
// CHECK: %[[P0:.*]] = vector.shuffle %[[S0]], %[[S0]] [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14]
// CHECK: %[[SUM:.*]] = arith.addf %[[S0]], %[[P0]] : vector<16xf32>
// CHECK: %[[DIFF:.*]] = arith.subf %[[P0]], %[[S0]] : vector<16xf32>
// CHECK: arith.select %[[ODD]], %[[DIFF]], %[[SUM]]
// CHECK: vector.shuffle {{.*}} [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]
// CHECK: %[[Y0:.*]] = arith.select
// CHECK: %[[Y1:.*]] = arith.select
// CHECK: %[[A:.*]] = arith.addf %[[Y0]], %[[Y1]] : vector<16xf32>
// CHECK: %[[B:.*]] = arith.subf %[[Y0]], %[[Y1]] : vector<16xf32>
// CHECK: %[[M0:.*]] = arith.mulf %[[A]], %[[C]]
// CHECK: %[[M1:.*]] = arith.mulf %[[B]], %[[C]]
// CHECK: vector.transfer_write %[[M0]]
// CHECK: vector.transfer_write %[[M1]]
// CHECK-NOT: linalg.generic
func.func @last_axis(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = mx.hadamard %x axis(1) size(32) seed(42) : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

/// Along axis 0, lane l is the group of column l: element j of 16 groups is
/// one (masked: 6 columns) vector, and every stage adds and subtracts whole
/// vectors; no shuffles, no signs without a seed. The inverse scales first
/// (signs would come after).
// CHECK-LABEL: func.func @first_axis
// CHECK-DAG: %[[C:.*]] = arith.constant dense<2.500000e-01> : vector<16xf32>
// CHECK: scf.for
// Masked: no in_bounds attribute (6 columns fill 6 of 16 lanes).
// CHECK: %[[X0:.*]] = vector.transfer_read {{[^{]*}} : tensor<1x32x6xf32>, vector<16xf32>
// CHECK: %[[X1:.*]] = vector.transfer_read {{[^{]*}} : tensor<1x32x6xf32>, vector<16xf32>
// CHECK-NOT: vector.shuffle
// CHECK-NOT: arith.negf
// CHECK: arith.addf %[[X0]], %[[X1]] : vector<16xf32>
// CHECK: arith.subf %[[X0]], %[[X1]] : vector<16xf32>
// CHECK: arith.mulf %{{.*}}, %[[C]]
// CHECK: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<1x32x6xf32>
// CHECK-NOT: vector.shuffle
// CHECK: return
func.func @first_axis(%x: tensor<32x6xf32>) -> tensor<32x6xf32> {
  %y = mx.hadamard %x axis(0) size(16) inverse : tensor<32x6xf32>
  return %y : tensor<32x6xf32>
}
