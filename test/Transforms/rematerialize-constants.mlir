// RUN: mx-opt %s --mx-rematerialize-constants | FileCheck %s
// Bufferized, the copies read one global: no data is copied.
// RUN: mx-opt %s --mx-rematerialize-constants \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   | FileCheck %s --check-prefix=BUF

func.func private @k(%w: tensor<4xf32>, %x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.add ins(%w, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// Each use of the shared weight gets its own constant, right before its
// user (inside the scf.if for the use there); the single-use tensor
// constant and the scalar constant stay as they are.
// CHECK-LABEL: func.func @main(
// CHECK-SAME:      %[[X:.*]]: tensor<4xf32>, %[[P:.*]]: i1)
// CHECK:         %[[ONE:.*]] = arith.constant 1.0
// CHECK-NEXT:    %[[W0:.*]] = arith.constant dense<2.0{{.*}}> : tensor<4xf32>
// CHECK-NEXT:    %[[A:.*]] = call @k(%[[W0]], %[[X]])
// CHECK-NEXT:    %[[W1:.*]] = arith.constant dense<2.0{{.*}}> : tensor<4xf32>
// CHECK-NEXT:    %[[B:.*]] = call @k(%[[W1]], %[[A]])
// CHECK-NEXT:    %[[C:.*]] = scf.if %[[P]]
// CHECK-NEXT:      %[[W2:.*]] = arith.constant dense<2.0{{.*}}> : tensor<4xf32>
// CHECK-NEXT:      %[[D:.*]] = func.call @k(%[[W2]], %[[B]])
// CHECK-NEXT:      scf.yield %[[D]]
// CHECK-NEXT:    } else {
// CHECK-NEXT:      arith.constant 0 : index
// CHECK-NEXT:      %[[S:.*]] = arith.constant dense<3.0{{.*}}> : tensor<4xf32>
// CHECK-NEXT:      %[[T:.*]] = tensor.insert %[[ONE]] into %[[S]]
// CHECK-NEXT:      scf.yield %[[T]]
// CHECK-NOT:     arith.constant
// CHECK:         return %[[C]]
// BUF-COUNT-2:   memref.global "private" constant
// BUF-NOT:       memref.global
// BUF-LABEL:     func.func @main(
// BUF-COUNT-3:   memref.get_global @__constant_4xf32 :
func.func @main(%x: tensor<4xf32>, %p: i1) -> tensor<4xf32> {
  %one = arith.constant 1.0 : f32
  %w = arith.constant dense<2.0> : tensor<4xf32>
  %a = call @k(%w, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = call @k(%w, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c = scf.if %p -> tensor<4xf32> {
    %d = func.call @k(%w, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %d : tensor<4xf32>
  } else {
    %c0 = arith.constant 0 : index
    %s = arith.constant dense<3.0> : tensor<4xf32>
    %t = tensor.insert %one into %s[%c0] : tensor<4xf32>
    scf.yield %t : tensor<4xf32>
  }
  return %c : tensor<4xf32>
}
