//===- MXX86ToLLVM.cpp - mx_x86 ops to LLVM intrinsics --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXX86ToLLVM/MXX86ToLLVM.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_CONVERTMXX86TOLLVMPASS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

namespace {

/// One op, one intrinsic of the same operands and result.
template <typename OpTy> struct ToIntrinsic : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto call = LLVM::CallIntrinsicOp::create(
        rewriter, op.getLoc(), op.getType(),
        rewriter.getStringAttr(OpTy::getIntrinsicName()), op->getOperands());
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

struct ConvertMXX86ToLLVMPass
    : mx::impl::ConvertMXX86ToLLVMPassBase<ConvertMXX86ToLLVMPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMXX86ToLLVMPatterns(patterns);
    // Every op matches unconditionally: one walk, no fixpoint to reach.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void mx::populateMXX86ToLLVMPatterns(RewritePatternSet &patterns) {
  patterns.add<
      ToIntrinsic<x86::ShuffleBytesOp>, ToIntrinsic<x86::MulAddBytesOp>,
      ToIntrinsic<x86::MulAddWordsOp>, ToIntrinsic<x86::DotBytesAccumulateOp>,
      ToIntrinsic<x86::MultiShiftBytesOp>, ToIntrinsic<x86::PermuteBytes2Op>,
      ToIntrinsic<x86::PermuteBytes2x128Op>,
      ToIntrinsic<x86::PermuteWords2x64Op>,
      ToIntrinsic<x86::DotWordsAccumulate512Op>>(patterns.getContext());
}
