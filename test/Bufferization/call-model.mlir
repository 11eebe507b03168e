// MX's func.call bufferization model (lib/Bufferization) against MLIR 22's:
// the same module bufferized by Debian's mlir-opt (upstream's model) and by
// mx-opt (MX's) must come out identical, for both function-boundary layouts.
// The CHECK lines pin what the analysis decided through the calls.
// RUN: mx-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -o %t.mx-identity.mlir
// RUN: mlir-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -o %t.up-identity.mlir
// RUN: diff %t.up-identity.mlir %t.mx-identity.mlir
// RUN: mx-opt %s --one-shot-bufferize="bufferize-function-boundaries" -o %t.mx-dynamic.mlir
// RUN: mlir-opt %s --one-shot-bufferize="bufferize-function-boundaries" -o %t.up-dynamic.mlir
// RUN: diff %t.up-dynamic.mlir %t.mx-dynamic.mlir
// RUN: FileCheck %s < %t.mx-identity.mlir

// A callee that only reads its argument: the caller passes its buffer.
func.func private @read(%t: tensor<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %v = tensor.extract %t[%c0] : tensor<8xf32>
  return %v : f32
}

// A callee that writes into its argument and returns it (equivalent).
func.func private @write(%t: tensor<8xf32>, %v: f32) -> tensor<8xf32> {
  %c1 = arith.constant 1 : index
  %w = tensor.insert %v into %t[%c1] : tensor<8xf32>
  return %w : tensor<8xf32>
}

// CHECK-LABEL: func.func @caller_reads_after_write(
//  CHECK-SAME:     %[[A:[a-z_0-9]+]]: memref<8xf32>
// The original value is read after @write changed it in place: a copy.
//       CHECK:   %[[COPY:[a-z_0-9]+]] = memref.alloc() {{.*}} : memref<8xf32>
//       CHECK:   memref.copy %[[A]], %[[COPY]]
//       CHECK:   %[[W:[a-z_0-9]+]] = call @write(%[[COPY]], %{{.*}}) : (memref<8xf32>, f32) -> memref<8xf32>
//       CHECK:   call @read(%[[A]]) : (memref<8xf32>) -> f32
//       CHECK:   call @read(%[[W]]) : (memref<8xf32>) -> f32
func.func @caller_reads_after_write(%a: tensor<8xf32>, %v: f32) -> (f32, f32) {
  %w = call @write(%a, %v) : (tensor<8xf32>, f32) -> tensor<8xf32>
  %r0 = call @read(%a) : (tensor<8xf32>) -> f32
  %r1 = call @read(%w) : (tensor<8xf32>) -> f32
  return %r0, %r1 : f32, f32
}

// CHECK-LABEL: func.func @caller_in_place(
//  CHECK-SAME:     %[[A:[a-z_0-9]+]]: memref<8xf32>
// Nothing reads the original afterwards: @write works in the caller's buffer.
//   CHECK-NOT:   memref.alloc
//       CHECK:   call @write(%[[A]], %{{.*}})
func.func @caller_in_place(%a: tensor<8xf32>, %v: f32) -> tensor<8xf32> {
  %w = call @write(%a, %v) : (tensor<8xf32>, f32) -> tensor<8xf32>
  return %w : tensor<8xf32>
}

// @write's result is its argument's buffer (equivalent), so the loop can
// carry one buffer without copying.
// CHECK-LABEL: func.func @caller_loop(
//  CHECK-SAME:     %[[A:[a-z_0-9]+]]: memref<8xf32>
//   CHECK-NOT:   memref.alloc
//       CHECK:   scf.for {{.*}} iter_args(%[[T:[a-z_0-9]+]] = %[[A]])
//       CHECK:     call @write(%[[T]], %{{.*}})
//   CHECK-NOT:   memref.alloc
//       CHECK:   return
func.func @caller_loop(%a: tensor<8xf32>, %v: f32, %n: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %a) -> tensor<8xf32> {
    %w = func.call @write(%t, %v) : (tensor<8xf32>, f32) -> tensor<8xf32>
    scf.yield %w : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// A callee returning a new tensor, called on a slice (a strided buffer that
// the identity layout cannot take without a copy).
func.func private @fresh(%t: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.copy ins(%t : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @caller_slice(
//       CHECK:   %[[SV:[a-z_0-9]+]] = memref.subview {{.*}} to memref<4xf32, strided<[2]>>
//       CHECK:   %[[BUF:[a-z_0-9]+]] = memref.alloc() {{.*}}: memref<4xf32>
//       CHECK:   memref.copy %[[SV]], %[[BUF]]
//       CHECK:   call @fresh(%[[BUF]]) : (memref<4xf32>) -> memref<4xf32>
func.func @caller_slice(%a: tensor<8xf32>) -> tensor<4xf32> {
  %s = tensor.extract_slice %a[0] [4] [2] : tensor<8xf32> to tensor<4xf32>
  %r = call @fresh(%s) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// A cycle of the call graph (@even and @odd call each other): one of them
// is analyzed before the other, so its call sees conservative answers.
func.func @even(%t: tensor<8xf32>, %n: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.cmpi eq, %n, %c0 : index
  %r = scf.if %z -> tensor<8xf32> {
    scf.yield %t : tensor<8xf32>
  } else {
    %m = arith.subi %n, %c1 : index
    %o = func.call @odd(%t, %m) : (tensor<8xf32>, index) -> tensor<8xf32>
    scf.yield %o : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}
func.func @odd(%t: tensor<8xf32>, %n: index) -> tensor<8xf32> {
  %c1 = arith.constant 1 : index
  %f = arith.constant 2.0 : f32
  %w = tensor.insert %f into %t[%c1] : tensor<8xf32>
  %m = arith.subi %n, %c1 : index
  %e = func.call @even(%w, %m) : (tensor<8xf32>, index) -> tensor<8xf32>
  return %e : tensor<8xf32>
}

// A declaration (no body): its tensor argument is read and written, as far
// as the analysis knows.
func.func private @opaque(tensor<8xf32>) -> i32

// CHECK-LABEL: func.func @caller_opaque(
//  CHECK-SAME:     %[[A:[a-z_0-9]+]]: memref<8xf32>
//       CHECK:   %[[COPY:[a-z_0-9]+]] = memref.alloc() {{.*}} : memref<8xf32>
//       CHECK:   memref.copy %[[A]], %[[COPY]]
//       CHECK:   call @opaque(%[[COPY]]) : (memref<8xf32>) -> i32
//       CHECK:   call @read(%[[A]])
func.func @caller_opaque(%a: tensor<8xf32>) -> (i32, f32) {
  %i = call @opaque(%a) : (tensor<8xf32>) -> i32
  %r = call @read(%a) : (tensor<8xf32>) -> f32
  return %i, %r : i32, f32
}

// Several results, one of them not a tensor, and a dynamic shape.
func.func private @pair(%t: tensor<?xf32>) -> (tensor<?xf32>, index, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %t, %c0 : tensor<?xf32>
  %e = tensor.empty(%d) : tensor<?xf32>
  %r = linalg.copy ins(%t : tensor<?xf32>) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %t, %d, %r : tensor<?xf32>, index, tensor<?xf32>
}

// CHECK-LABEL: func.func @caller_pair(
//       CHECK:   call @pair(%{{.*}}) : (memref<?xf32>) -> (memref<?xf32>, index, memref<?xf32>)
func.func @caller_pair(%a: tensor<?xf32>) -> (tensor<?xf32>, index, tensor<?xf32>) {
  %x, %d, %y = call @pair(%a) : (tensor<?xf32>) -> (tensor<?xf32>, index, tensor<?xf32>)
  return %x, %d, %y : tensor<?xf32>, index, tensor<?xf32>
}
