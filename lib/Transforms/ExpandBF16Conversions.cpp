//===- ExpandBF16Conversions.cpp - mx-expand-bf16-conversions -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// bf16 <-> f32 conversions as integer operations, so their rounding is the
// reference's on every target (docs/Numerics.md), not that of an instruction
// LLVM picks for the host (vcvtneps2bf16 flushes subnormals).
//
//===----------------------------------------------------------------------===//

#include "mx/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_EXPANDBF16CONVERSIONSPASS
#include "mx/Transforms/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;

namespace {

struct ExpandBF16ConversionsPass
    : public mx::impl::ExpandBF16ConversionsPassBase<
          ExpandBF16ConversionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
