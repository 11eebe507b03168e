//===- Passes.td - MX passes on upstream dialects ----------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TRANSFORMS_PASSES
#define MX_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def SimplifyDeallocationsPass
    : Pass<"mx-simplify-deallocations", "::mlir::ModuleOp"> {
  let summary = "Free each provably unaliased buffer on its own, after its "
                "last use, in time linear in the buffers";
  let description = [{
    Runs between upstream's `ownership-based-buffer-deallocation` and
    `buffer-deallocation-simplification`. The first frees every buffer a
    block owns in one `bufferization.dealloc` at the block's end; the
    second compares that op's memrefs pairwise, which is quadratic in the
    buffers of a block (a function that calls 10,000 functions spends
    minutes there) and cannot tell apart the buffers that calls return.

    This pass takes out of each `bufferization.dealloc` every memref whose
    buffer is provably distinct from all the op's other memrefs and
    retained values, and frees it with a `bufferization.dealloc` of its
    own, with its condition and nothing retained. A buffer is provably
    distinct when it was allocated (an op that allocates heap memory, seen
    through view-like ops and `memref.extract_strided_metadata`) in the
    function, or returned by a call to a function that returns only such
    buffers, distinct from each other; a function argument is distinct
    from both; anything else (a block argument of a loop, the result of
    another op or call) may alias anything, and a dealloc that holds one
    is left whole. Each buffer's origin is computed once, so the pass is
    linear in the size of the IR.

    With `free-after-last-use` (the default), a buffer allocated in the
    dealloc's own block is freed right after the last op of that block that
    uses it or a view of it, rather than at the block's end, so that a long
    straight-line function (a model's forward pass) does not hold every
    intermediate buffer until it returns. A buffer that reaches an op that
    could make another alias of it (any op with a memref result other than
    a view or a call as above), or an op with results of another kind than
    scalars, vectors and memrefs (an asynchronous token), stays freed at
    the block's end.

    ```mlir
    %a = call @kernel(%x) : (memref<4xf32>) -> memref<4xf32>
    %b = call @kernel(%a) : (memref<4xf32>) -> memref<4xf32>
    %ba, ... = memref.extract_strided_metadata %a ...
    %bb, ... = memref.extract_strided_metadata %b ...
    bufferization.dealloc (%ba, %bb : memref<f32>, memref<f32>) if (%true, %true) retain (%b : memref<4xf32>)
    return %b : memref<4xf32>
    ```

    (where `@kernel` returns a buffer it allocates) frees `%a` right after
    the second call and leaves `%b`, which the function returns, to the
    upstream simplification.
  }];
  let options = [
    Option<"freeAfterLastUse", "free-after-last-use", "bool",
           /*default=*/"true",
           "Free a buffer allocated in the dealloc's block right after its "
           "last use there, not at the block's end">,
  ];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def RematerializeConstantsPass : Pass<"mx-rematerialize-constants"> {
  let summary = "Give each use of a tensor constant a constant of its own";
  let description = [{
    One-shot bufferization checks every pair of uses of a tensor's alias set
    for read-after-write conflicts, so a constant read by N ops in one
    function costs O(N^2) in its analysis (a weight shared by 8,000 calls:
    58 CPU s in Debian's `mlir-opt` 22.1.8, against 0.19 s with a constant
    per call; docs/Robustness.md). This pass clones each constant-like op
    with a ranked tensor result before every use but the first, so each
    alias set is one use. Bufferization turns the copies into
    `memref.get_global`s of one global: no copy of the data, and no change
    to what bufferizes in place (a constant is never written in place).
    The pipelines run it right before one-shot bufferization, after the
    last canonicalization that would fold the copies together again.

    ```mlir
    %w = arith.constant dense<1.0> : tensor<32xf32>
    %a = call @k(%w, %x) : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
    %b = call @k(%w, %a) : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
    ```

    becomes

    ```mlir
    %w = arith.constant dense<1.0> : tensor<32xf32>
    %a = call @k(%w, %x) : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
    %w_0 = arith.constant dense<1.0> : tensor<32xf32>
    %b = call @k(%w_0, %a) : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
    ```
  }];
}

def ExpandBF16ConversionsPass : Pass<"mx-expand-bf16-conversions"> {
  let summary = "Expand bf16 <-> f32 conversions to integer operations";
  let description = [{
    Rewrites every `arith.extf` from bf16 to f32 and every `arith.truncf`
    from f32 to bf16 (scalars and vectors) into shifts, adds and selects on
    their bits (upstream's `populateExpandBFloat16Patterns`): round to
    nearest even, subnormals kept, NaN quieted, as docs/Numerics.md
    requires. Left to LLVM, a truncation on an x86 host with AVX512-BF16 or
    AVX-NE-CONVERT becomes `vcvtneps2bf16`, which treats subnormal inputs as
    zero: bf16 0x0001 + 0x0001 gave 0 instead of 0x0002 on a Zen 4 host.
    `mx-cpu-pipeline` runs upstream's `arith-emulate-unsupported-floats`
    (bf16 arithmetic computed in f32, with explicit conversions) and then
    this pass, so no bf16 conversion is left to the target. Upstream's
    `arith-expand{include-bf16}` does the same but also expands
    `arith.minnumf`/`maximumf` and friends into compares and selects, which
    the vector kernels and models use.

    ```mlir
    %h = arith.truncf %x : f32 to bf16
    ```

    becomes integer operations on `arith.bitcast %x : f32 to i32` ending in
    `arith.trunci ... : i32 to i16` and `arith.bitcast ... : i16 to bf16`.
  }];
}

#endif // MX_TRANSFORMS_PASSES
