//===- StripQuantization.cpp - mx-strip-quantization ----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The f32 baseline of an MX program: every quantization that feeds a
// computation is bypassed, so the same program runs on the values that were
// quantized. mx-run --compare-f32 measures MX's error against it.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MX/MXPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_STRIPQUANTIZATIONPASS
#include "mx/Dialect/MX/MXPasses.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

namespace {

/// The f32 tensor a block-scaled value was quantized from, looking through
/// any chain of converts; null when it has none.
Value findF32Source(Value value) {
  while (auto convert = value.getDefiningOp<ConvertOp>())
    value = convert.getInput();
  if (auto quantize = value.getDefiningOp<QuantizeOp>())
    return quantize.getInput();
  return {};
}

struct StripQuantizationPass
    : mlir::mx::impl::StripQuantizationPassBase<StripQuantizationPass> {
  void runOnOperation() override {
    SmallVector<DequantizeOp> dequantizes;
    SmallVector<MatmulOp> matmuls;
    getOperation()->walk([&](Operation *op) {
      if (auto d = dyn_cast<DequantizeOp>(op))
        dequantizes.push_back(d);
      else if (auto m = dyn_cast<MatmulOp>(op))
        matmuls.push_back(m);
    });

    OpBuilder b(&getContext());
    for (DequantizeOp op : dequantizes) {
      Value source = findF32Source(op.getInput());
      if (!source)
        continue;
      if (source.getType() != op.getType()) {
        // f16/bf16 results: the baseline rounds the f32 value once.
        b.setInsertionPoint(op);
        source = arith::TruncFOp::create(b, op.getLoc(), op.getType(), source);
      }
      op.replaceAllUsesWith(source);
      op.erase();
    }

    // Values without an f32 source are decoded once, however many matmuls
    // use them.
    DenseMap<Value, Value> decoded;
    auto toF32 = [&](Value v, Location loc) -> Value {
      auto type = dyn_cast<BlockScaledTensorType>(v.getType());
      if (!type)
        return v;
      if (Value source = findF32Source(v))
        return source;
      Value &d = decoded[v];
      if (!d) {
        b.setInsertionPointAfterValue(v);
        d = DequantizeOp::create(
            b, loc, RankedTensorType::get(type.getShape(), b.getF32Type()), v);
      }
      return d;
    };
    for (MatmulOp op : matmuls) {
      op.getLhsMutable().set(toF32(op.getLhs(), op.getLoc()));
      op.getRhsMutable().set(toF32(op.getRhs(), op.getLoc()));
    }

    // Erase the quantizations nothing uses any more, users before producers.
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](Operation *op) {
      if (isa<QuantizeOp, ConvertOp>(op))
        candidates.push_back(op);
    });
    for (Operation *op : llvm::reverse(candidates))
      if (op->use_empty())
        op->erase();
  }
};

} // namespace
