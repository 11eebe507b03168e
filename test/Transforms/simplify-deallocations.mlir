// RUN: mx-opt %s --split-input-file --mx-simplify-deallocations | FileCheck %s
// RUN: mx-opt %s --split-input-file \
// RUN:   --mx-simplify-deallocations=free-after-last-use=false \
// RUN:   | FileCheck %s --check-prefix=END

// Input as ownership-based-buffer-deallocation leaves it: one dealloc at the
// block's end. @make returns a buffer it allocates, so each call's result
// is a new buffer: %a is freed right after its last use (the second call),
// %b (returned, retained) stays for the upstream simplification.

func.func private @make(%x: memref<4xf32>) -> memref<4xf32> {
  %m = memref.alloc() : memref<4xf32>
  memref.copy %x, %m : memref<4xf32> to memref<4xf32>
  return %m : memref<4xf32>
}

// CHECK-LABEL: func.func @chain(
// CHECK-SAME:      %[[X:.*]]: memref<4xf32>)
// CHECK:         %[[TRUE:.*]] = arith.constant true
// CHECK:         %[[A:.*]] = call @make(%[[X]])
// CHECK-NEXT:    %[[B:.*]] = call @make(%[[A]])
// CHECK-NEXT:    %[[ABASE:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[A]]
// CHECK-NEXT:    bufferization.dealloc (%[[ABASE]] : memref<f32>) if (%[[TRUE]])
// CHECK-NEXT:    memref.load %[[B]]
// CHECK:         %[[BBASE:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[B]]
// CHECK:         %[[XBASE:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[X]]
// CHECK-NEXT:    bufferization.dealloc (%[[XBASE]], %[[BBASE]] : memref<f32>, memref<f32>) if (%{{.*}}, %[[TRUE]]) retain (%[[B]] : memref<4xf32>)
// CHECK-NEXT:    return %[[B]]
// END-LABEL: func.func @chain(
// END:         call @make
// END-NEXT:    call @make
// END-NEXT:    memref.load
// END:         bufferization.dealloc (%{{.*}} : memref<f32>) if
// END-NEXT:    bufferization.dealloc (%{{.*}}, %{{.*}} : memref<f32>, memref<f32>) if (%{{.*}}, %{{.*}}) retain
func.func @chain(%x: memref<4xf32>) -> memref<4xf32> {
  %true = arith.constant true
  %false = arith.constant false
  %c0 = arith.constant 0 : index
  %a = call @make(%x) : (memref<4xf32>) -> memref<4xf32>
  %b = call @make(%a) : (memref<4xf32>) -> memref<4xf32>
  %v = memref.load %b[%c0] : memref<4xf32>
  %ab, %ao, %as, %ast = memref.extract_strided_metadata %a : memref<4xf32> -> memref<f32>, index, index, index
  %bb, %bo, %bs, %bst = memref.extract_strided_metadata %b : memref<4xf32> -> memref<f32>, index, index, index
  %xb, %xo, %xs, %xst = memref.extract_strided_metadata %x : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%xb, %ab, %bb : memref<f32>, memref<f32>, memref<f32>) if (%false, %true, %true) retain (%b : memref<4xf32>)
  return %b : memref<4xf32>
}

// -----

// A use through a view counts; the view itself does not. The last use of
// %m is the load from its subview, inside an scf.if (which yields nothing):
// %m is freed after the scf.if, before the unrelated %n's last use.

// CHECK-LABEL: func.func @views(
// CHECK:         %[[M:.*]] = memref.alloc()
// CHECK:         %[[N:.*]] = memref.alloc()
// CHECK:         %[[SV:.*]] = memref.subview %[[M]]
// CHECK:         scf.if
// CHECK:           memref.load %[[SV]]
// CHECK:         }
// CHECK-NEXT:    %[[MB:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[M]]
// CHECK-NEXT:    bufferization.dealloc (%[[MB]] : memref<f32>) if (%{{.*}})
// CHECK-NEXT:    memref.store %{{.*}}, %[[N]]
// CHECK-NEXT:    %[[NB:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[N]]
// CHECK-NEXT:    bufferization.dealloc (%[[NB]] : memref<f32>) if (%{{.*}})
// CHECK-NOT:     bufferization.dealloc
// CHECK:         return
func.func @views(%p: i1, %f: f32) {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<8xf32>
  %n = memref.alloc() : memref<8xf32>
  %sv = memref.subview %m[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  scf.if %p {
    %v = memref.load %sv[%c0] : memref<4xf32, strided<[1], offset: 4>>
    memref.store %v, %n[%c0] : memref<8xf32>
  }
  memref.store %f, %n[%c0] : memref<8xf32>
  %mb, %mo, %ms, %mst = memref.extract_strided_metadata %m : memref<8xf32> -> memref<f32>, index, index, index
  %nb, %no, %ns, %nst = memref.extract_strided_metadata %n : memref<8xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%mb, %nb : memref<f32>, memref<f32>) if (%true, %true)
  return
}

// -----

// The condition is computed after the buffer's last use: the buffer is
// freed after the condition.

// CHECK-LABEL: func.func @late_condition(
// CHECK:         %[[M:.*]] = memref.alloc()
// CHECK:         memref.store
// CHECK:         %[[C:.*]] = arith.cmpi
// CHECK-NEXT:    %[[MB:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[M]]
// CHECK-NEXT:    bufferization.dealloc (%[[MB]] : memref<f32>) if (%[[C]])
func.func @late_condition(%i: index, %f: f32) {
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<8xf32>
  memref.store %f, %m[%c0] : memref<8xf32>
  %c = arith.cmpi eq, %i, %c0 : index
  %mb, %mo, %ms, %mst = memref.extract_strided_metadata %m : memref<8xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%mb : memref<f32>) if (%c)
  return
}

// -----

// @pass may return its argument: its result may alias %a, so the dealloc
// holds a memref of unknown origin and is left whole.

func.func private @pass(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}

// CHECK-LABEL: func.func @may_alias(
// CHECK-NOT:     bufferization.dealloc (%{{[^,]*}} : memref<f32>)
// CHECK:         bufferization.dealloc (%{{.*}}, %{{.*}} : memref<f32>, memref<f32>) if (%{{.*}}, %{{.*}})
// CHECK-NEXT:    return
func.func @may_alias() {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = call @pass(%a) : (memref<4xf32>) -> memref<4xf32>
  %ab, %ao, %as, %ast = memref.extract_strided_metadata %a : memref<4xf32> -> memref<f32>, index, index, index
  %bb, %bo, %bs, %bst = memref.extract_strided_metadata %b : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%ab, %bb : memref<f32>, memref<f32>) if (%true, %true)
  return
}

// -----

// Not new buffers: a function that returns one allocation twice, a
// recursive one, and an external one. Each call's results are of unknown
// origin and each dealloc is left whole.

func.func private @twice() -> (memref<4xf32>, memref<4xf32>) {
  %m = memref.alloc() : memref<4xf32>
  return %m, %m : memref<4xf32>, memref<4xf32>
}
func.func private @rec(%x: memref<4xf32>) -> memref<4xf32> {
  %r = call @rec(%x) : (memref<4xf32>) -> memref<4xf32>
  return %r : memref<4xf32>
}
func.func private @ext() -> memref<4xf32>

// CHECK-LABEL: func.func @not_fresh(
// CHECK-COUNT-3: bufferization.dealloc (%{{.*}}, %{{.*}} : memref<f32>, memref<f32>)
// CHECK-NOT:     bufferization.dealloc
func.func @not_fresh(%x: memref<4xf32>) {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %t:2 = call @twice() : () -> (memref<4xf32>, memref<4xf32>)
  %tb, %to, %ts, %tst = memref.extract_strided_metadata %t#0 : memref<4xf32> -> memref<f32>, index, index, index
  %ub, %uo, %us, %ust = memref.extract_strided_metadata %t#1 : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%tb, %ub : memref<f32>, memref<f32>) if (%true, %true)
  %r = call @rec(%x) : (memref<4xf32>) -> memref<4xf32>
  %ab, %ao, %as, %ast = memref.extract_strided_metadata %a : memref<4xf32> -> memref<f32>, index, index, index
  %rb, %ro, %rs, %rst = memref.extract_strided_metadata %r : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%ab, %rb : memref<f32>, memref<f32>) if (%true, %true)
  %e = call @ext() : () -> memref<4xf32>
  %eb, %eo, %es, %est = memref.extract_strided_metadata %e : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%eb, %ab : memref<f32>, memref<f32>) if (%true, %true)
  return
}

// -----

// The same buffer twice in one dealloc (through two views) is left to the
// upstream simplification; a fresh buffer beside a loop's iteration
// argument (unknown origin) too.

// CHECK-LABEL: func.func @same_buffer(
// CHECK:         bufferization.dealloc (%{{.*}}, %{{.*}} : memref<f32>, memref<f32>)
// CHECK-LABEL: func.func @loop_argument(
// CHECK:         scf.for
// CHECK:           bufferization.dealloc (%{{.*}}, %{{.*}} : memref<f32>, memref<f32>)
func.func @same_buffer() {
  %true = arith.constant true
  %m = memref.alloc() : memref<8xf32>
  %s = memref.subview %m[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  %mb, %mo, %ms, %mst = memref.extract_strided_metadata %m : memref<8xf32> -> memref<f32>, index, index, index
  %sb, %so, %ss, %sst = memref.extract_strided_metadata %s : memref<4xf32, strided<[1], offset: 4>> -> memref<f32>, index, index, index
  bufferization.dealloc (%mb, %sb : memref<f32>, memref<f32>) if (%true, %true)
  return
}
func.func @loop_argument(%x: memref<4xf32>, %n: index) {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%it = %x) -> memref<4xf32> {
    %m = memref.alloc() : memref<4xf32>
    %ib, %io, %is, %ist = memref.extract_strided_metadata %it : memref<4xf32> -> memref<f32>, index, index, index
    %mb, %mo, %ms, %mst = memref.extract_strided_metadata %m : memref<4xf32> -> memref<f32>, index, index, index
    bufferization.dealloc (%ib, %mb : memref<f32>, memref<f32>) if (%true, %true)
    scf.yield %x : memref<4xf32>
  }
  return
}

// -----

// A buffer that reaches an op making another alias of it (here an scf.if
// that yields it) is freed at the block's end: the dealloc stays as it is.

// CHECK-LABEL: func.func @escapes(
// CHECK:         scf.if
// CHECK:         memref.load
// CHECK-NEXT:    %[[MB:[^,]*]], %{{.*}} = memref.extract_strided_metadata
// CHECK-NEXT:    bufferization.dealloc (%[[MB]] : memref<f32>) if
// CHECK-NEXT:    return
func.func @escapes(%p: i1, %x: memref<4xf32>) -> f32 {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<4xf32>
  %y = scf.if %p -> memref<4xf32> {
    scf.yield %m : memref<4xf32>
  } else {
    scf.yield %x : memref<4xf32>
  }
  %v = memref.load %y[%c0] : memref<4xf32>
  %mb, %mo, %ms, %mst = memref.extract_strided_metadata %m : memref<4xf32> -> memref<f32>, index, index, index
  bufferization.dealloc (%mb : memref<f32>) if (%true)
  return %v : f32
}

// -----

// A call in a nested module names that module's function, which may return
// its argument: the outer @make's result being new says nothing about it,
// and %a, passed to it, stays freed at the block's end.

func.func private @make(%x: memref<4xf32>) -> memref<4xf32> {
  %m = memref.alloc() : memref<4xf32>
  return %m : memref<4xf32>
}
module @inner {
  func.func private @make(%x: memref<4xf32>) -> memref<4xf32> {
    return %x : memref<4xf32>
  }
  // CHECK-LABEL: func.func @nested_user(
  // CHECK:         call @make(
  // CHECK-NEXT:    memref.load
  // CHECK-NEXT:    memref.extract_strided_metadata
  // CHECK-NEXT:    bufferization.dealloc
  // CHECK-NEXT:    return
  func.func @nested_user() -> f32 {
    %true = arith.constant true
    %c0 = arith.constant 0 : index
    %a = memref.alloc() : memref<4xf32>
    %r = call @make(%a) : (memref<4xf32>) -> memref<4xf32>
    %v = memref.load %r[%c0] : memref<4xf32>
    %ab, %ao, %as, %ast = memref.extract_strided_metadata %a : memref<4xf32> -> memref<f32>, index, index, index
    bufferization.dealloc (%ab : memref<f32>) if (%true)
    return %v : f32
  }
}

// -----

// A buffer whose layout is not strided has no base buffer to free early:
// it stays freed at the block's end (split off from the other buffer, which
// is freed early).

// CHECK-LABEL: func.func @not_strided(
// CHECK:         %[[M:.*]] = memref.alloc() : memref<8xf32, #{{.*}}>
// CHECK:         %[[N:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT:    %[[NB:[^,]*]], %{{.*}} = memref.extract_strided_metadata %[[N]]
// CHECK-NEXT:    bufferization.dealloc (%[[NB]] : memref<f32>) if
// CHECK-NEXT:    memref.load %[[M]]
// CHECK:         %[[MB:.*]] = memref.reinterpret_cast %[[M]]
// CHECK-NEXT:    bufferization.dealloc (%[[MB]] : memref<f32>) if
// CHECK-NEXT:    return
func.func @not_strided(%b: memref<f32>) -> f32 {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<8xf32, affine_map<(d0) -> (d0 floordiv 2)>>
  %n = memref.alloc() : memref<8xf32>
  %v = memref.load %m[%c0] : memref<8xf32, affine_map<(d0) -> (d0 floordiv 2)>>
  %nb, %no, %ns, %nst = memref.extract_strided_metadata %n : memref<8xf32> -> memref<f32>, index, index, index
  %mb = memref.reinterpret_cast %m to offset: [0], sizes: [], strides: [] : memref<8xf32, affine_map<(d0) -> (d0 floordiv 2)>> to memref<f32>
  bufferization.dealloc (%mb, %nb : memref<f32>, memref<f32>) if (%true, %true)
  return %v : f32
}
