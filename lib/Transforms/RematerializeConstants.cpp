//===- RematerializeConstants.cpp - mx-rematerialize-constants ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// One constant per use of a tensor constant, so that one-shot bufferization's
// conflict analysis, quadratic in the uses of one alias set, stays linear in
// a function whose ops share a few weights (docs/Robustness.md).
//
//===----------------------------------------------------------------------===//

#include "mx/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_REMATERIALIZECONSTANTSPASS
#include "mx/Transforms/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;

namespace {

struct RematerializeConstantsPass
    : public mx::impl::RematerializeConstantsPassBase<
          RematerializeConstantsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> constants;
    getOperation()->walk([&](Operation *op) {
      if (op->hasTrait<OpTrait::ConstantLike>() && op->getNumResults() == 1 &&
          isa<RankedTensorType>(op->getResult(0).getType()) &&
          !op->getResult(0).hasOneUse() && !op->use_empty())
        constants.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *cst : constants) {
      // One use keeps the original: the last in use-list order, usually the
      // first in the program (uses are prepended as they are made).
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : cst->getResult(0).getUses())
        uses.push_back(&use);
      for (OpOperand *use : ArrayRef(uses).drop_back()) {
        b.setInsertionPoint(use->getOwner());
        use->set(b.clone(*cst)->getResult(0));
      }
    }
  }
};

} // namespace
