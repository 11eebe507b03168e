// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512 panels=2" --canonicalize | FileCheck %s
// RUN: mx-opt %s --mx-cpu-pipeline="target=avx512 threads=2" | FileCheck %s --check-prefix=ASYNC
// RUN: mx-opt %s --mx-cpu-pipeline="target=avx512 threads=1" | FileCheck %s --check-prefix=SERIAL
// RUN: not mx-opt %s --convert-mx-to-linalg="vectorize panels=0" 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not mx-opt %s --mx-cpu-pipeline="threads=-1" 2>&1 | FileCheck %s --check-prefix=NEG

/// mx-cpu-pipeline{threads} (docs/Lowering.md, "Threads"): a GEMV of 544
/// MXFP4 columns at 16 lanes has four full 128-column chunks and a 32-column
/// tail. With 2 panels the outermost loop is an scf.forall over 2 panels of
/// 256 columns, each running the K-block loop over its own chunks on its own
/// slice of the accumulator; the tail follows serially, after every panel.

// CHECK-LABEL: func.func @gemv
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<1x1x544xf32>
// CHECK: %[[PANELS:.*]] = scf.forall (%[[P:.*]]) in (2) shared_outs(%[[ACC:.*]] = %[[FILL]]) -> (tensor<1x1x544xf32>) {
// CHECK: %[[C0:.*]] = arith.muli %[[P]], %c256 : index
// CHECK: %[[E:.*]] = arith.addi %[[C0]], %c256 : index
// CHECK: %[[END:.*]] = arith.minui %[[E]], %c512 : index
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[ACC]][0, 0, %[[C0]]] [1, 1, 256] [1, 1, 1] : tensor<1x1x544xf32> to tensor<1x1x256xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %[[SLICE]]) -> (tensor<1x1x256xf32>)
// CHECK: scf.for %[[COL:.*]] = %[[C0]] to %[[END]] step %c128 iter_args
// The accumulator column is relative to the panel.
// CHECK: arith.subi %{{.*}}, %[[C0]] : index
// CHECK: scf.forall.in_parallel {
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[ACC]][0, 0, %[[C0]]] [1, 1, 256] [1, 1, 1] : tensor<1x1x256xf32> into tensor<1x1x544xf32>
// The tail columns [512, 544) (one sub-chunk: its loop folds), after the
// panels, K block by K block.
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %[[PANELS]])
// CHECK-NOT: scf.forall
// CHECK: return

/// A GEMV with one full chunk has nothing to split.
// CHECK-LABEL: func.func @narrow
// CHECK-NOT: scf.forall
// CHECK: return

/// Lowered: the panel body is outlined and dispatched through MLIR's async
/// runtime; the caller waits for every task.
// ASYNC-LABEL: llvm.func @gemv
// ASYNC: llvm.call @mlirAsyncRuntimeCreateGroup
// ASYNC: llvm.call @async_dispatch_fn
// ASYNC: llvm.call @mlirAsyncRuntimeAwaitAllInGroup
// ASYNC: llvm.func @parallel_compute_fn
// ASYNC: llvm.func @async_execute_fn
// ASYNC: llvm.call @mlirAsyncRuntimeExecute

// SERIAL-NOT: mlirAsyncRuntime
// SERIAL-NOT: parallel_compute_fn

// ERR: convert-mx-to-linalg: panels must be at least 1, got 0
// NEG: for the --threads option: '-1' value invalid for uint argument!

func.func @gemv(%a: tensor<1x64xf32>, %b: !mx.tensor<64x544xmxfp4, block = [32, 1]>) -> tensor<1x544xf32> {
  %c = mx.matmul %a, %b : tensor<1x64xf32>, !mx.tensor<64x544xmxfp4, block = [32, 1]> -> tensor<1x544xf32>
  return %c : tensor<1x544xf32>
}

func.func @narrow(%a: tensor<1x64xf32>, %b: !mx.tensor<64x160xmxfp4, block = [32, 1]>) -> tensor<1x160xf32> {
  %c = mx.matmul %a, %b : tensor<1x64xf32>, !mx.tensor<64x160xmxfp4, block = [32, 1]> -> tensor<1x160xf32>
  return %c : tensor<1x160xf32>
}
