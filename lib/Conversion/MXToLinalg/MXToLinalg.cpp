//===- MXToLinalg.cpp - convert-mx-to-linalg pass -------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The type conversion (!mx.tensor -> packed elements, scales, tensor scale),
// the structural conversions (functions, calls, returns, branches, scf) and
// the pass. The op patterns live in LowerQuantization.cpp and
// LowerCompute.cpp.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToLinalg/MXToLinalg.h"

#include "Lowering.h"

#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MXX86/MXX86.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_CONVERTMXTOLINALGPASS
#include "mx/Conversion/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

void mlir::mx::populateMXToLinalgConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  lowering::populateQuantizationPatterns(converter, patterns);
  lowering::populateComputePatterns(converter, patterns);
}

void mlir::mx::populateMXToVectorConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const VectorTarget &target, int64_t prefetchDistance, int64_t panels,
    bool tileConstantWeights, KernelLayouts *layouts) {
  lowering::populateVectorMatmulPatterns(converter, patterns, target,
                                         prefetchDistance, panels,
                                         tileConstantWeights, layouts);
  lowering::populateVectorQuantizationPatterns(converter, patterns,
                                               target.lanes);
  lowering::populateVectorHadamardPatterns(converter, patterns, target.lanes);
}

namespace {

/// Emits an error on `op` for every block-scaled type it uses that has no
/// component form; returns failure if there was one.
LogicalResult diagnoseUnsupported(Operation *op) {
  auto check = [&](Type type) -> LogicalResult {
    auto bs = dyn_cast<BlockScaledTensorType>(type);
    if (!bs)
      return success();
    if (std::optional<std::string> why = checkMXComponentSupport(bs))
      return op->emitOpError()
             << "cannot be lowered to linalg: " << type << ": " << *why;
    return success();
  };
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Region &region : op->getRegions())
    for (Block &block : region)
      llvm::append_range(types, block.getArgumentTypes());
  if (auto fn = dyn_cast<FunctionOpInterface>(op)) {
    llvm::append_range(types, fn.getArgumentTypes());
    llvm::append_range(types, fn.getResultTypes());
  }
  for (Type t : types)
    if (failed(check(t)))
      return failure();
  return success();
}

struct ConvertMXToLinalgPass
    : ::mlir::mx::impl::ConvertMXToLinalgPassBase<ConvertMXToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // MX ops first: an op that mx-outline-kernels moved into a function is
    // reported, not only the call and the function that now carry its types.
    bool unsupported = false;
    for (bool mxOps : {true, false}) {
      module.walk([&](Operation *op) {
        if (isa_and_nonnull<MXDialect>(op->getDialect()) == mxOps &&
            failed(diagnoseUnsupported(op)))
          unsupported = true;
      });
      if (unsupported)
        return signalPassFailure();
    }
    if (panels < 1) {
      emitError(module.getLoc())
          << "convert-mx-to-linalg: panels must be at least 1, got "
          << static_cast<int64_t>(panels);
      return signalPassFailure();
    }

    KernelLayouts layouts;
    if (failed(collectKernelLayouts(module, vectorize, layouts)))
      return signalPassFailure();

    TypeConverter converter;
    populateMXComponentTypeConversion(converter);
    RewritePatternSet patterns(ctx);
    populateMXToLinalgConversionPatterns(converter, patterns);
    if (vectorize) {
      VectorTarget vt = VectorTarget::get(target);
      if (!tableLookup)
        vt.lookup = FP4LookupStrategy::None;
      if (!integerDot)
        vt.byteDot = false;
      if (fastSubnormals)
        vt.fastSubnormalInputs = true;
      populateMXToVectorConversionPatterns(converter, patterns, vt,
                                           prefetchDistance, panels,
                                           tileConstantWeights, &layouts);
    }

    ConversionTarget target(*ctx);
    target.addIllegalDialect<MXDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           LLVM::LLVMDialect, math::MathDialect,
                           memref::MemRefDialect, tensor::TensorDialect,
                           vector::VectorDialect>();
    // Everything else (func, scf, cf, ...) is legal once its types are.
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateBranchOpInterfaceTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))) ||
        failed(emitKernelLayoutFunctions(module, converter, layouts)))
      signalPassFailure();
  }
};

} // namespace
