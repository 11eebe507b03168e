//===- CallOpBufferization.cpp - func.call bufferization model ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The contract is MLIR 22's for `func.call` under
// `bufferize-function-boundaries`: once the callee has been analyzed, its
// recorded argument reads, writes and aliasing results answer the analysis
// queries for the call's operands (conservative answers before that, e.g.
// inside a recursion); a result's buffer type is the callee's bufferized
// result type, or what the function-boundary type converter makes of its
// tensor type while the callee is not bufferized yet; operands whose buffer
// type differs from the callee's argument are cast, or copied where a cast
// could be invalid. What differs is where the callee is found: in the
// analysis's cached symbol tables during analysis and in the bufferization
// state's afterwards, never in a table built for one query. Where upstream
// asserts (no callee, an unranked mismatch) this model reports an error.
//
//===----------------------------------------------------------------------===//

#include "mx/Bufferization/CallOpBufferization.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::bufferization;
using func_ext::FuncAnalysisState;
using func_ext::FuncOpAnalysisState;

namespace {

func::FuncOp lookupCallee(func::CallOp call, SymbolTableCollection &tables) {
  return dyn_cast_or_null<func::FuncOp>(
      tables.lookupNearestSymbolFrom(call, call.getCalleeAttr()));
}

/// The module analysis's per-function results; null outside One-Shot Module
/// Bufferize (e.g. a plain `AnalysisState`).
const FuncAnalysisState *getFuncState(const AnalysisState &state) {
  auto *oneShot = dyn_cast<OneShotAnalysisState>(&state);
  return oneShot ? oneShot->getExtension<FuncAnalysisState>() : nullptr;
}

/// The analysis results for `call`'s callee once it is fully analyzed, else
/// null (the callee is analyzed later, or the call is part of a recursion).
const FuncAnalysisState *getAnalyzedCallee(func::CallOp call,
                                           const AnalysisState &state,
                                           func::FuncOp &callee) {
  const FuncAnalysisState *funcState = getFuncState(state);
  if (!funcState)
    return nullptr;
  callee = lookupCallee(call, funcState->symbolTables);
  if (!callee)
    return nullptr;
  auto it = funcState->analyzedFuncOps.find(callee);
  if (it == funcState->analyzedFuncOps.end() ||
      it->second != FuncOpAnalysisState::Analyzed)
    return nullptr;
  return funcState;
}

/// Whether the callee's analysis recorded `operand`'s argument in `sets`
/// (its read or its written arguments); true, the conservative answer,
/// before the callee is analyzed.
bool calleeRecords(Operation *op, OpOperand &operand,
                   const AnalysisState &state,
                   DenseMap<func::FuncOp, FuncAnalysisState::BbArgIndexSet>
                       FuncAnalysisState::*sets) {
  func::FuncOp callee;
  const FuncAnalysisState *funcState =
      getAnalyzedCallee(cast<func::CallOp>(op), state, callee);
  if (!funcState)
    return true;
  return (funcState->*sets).lookup(callee).contains(operand.getOperandNumber());
}

struct CallOpModel
    : public BufferizableOpInterface::ExternalModel<CallOpModel, func::CallOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &state) const {
    return calleeRecords(op, operand, state, &FuncAnalysisState::readBbArgs);
  }

  bool bufferizesToMemoryWrite(Operation *op, OpOperand &operand,
                               const AnalysisState &state) const {
    return calleeRecords(op, operand, state, &FuncAnalysisState::writtenBbArgs);
  }

  AliasingValueList getAliasingValues(Operation *op, OpOperand &operand,
                                      const AnalysisState &state) const {
    func::FuncOp callee;
    const FuncAnalysisState *funcState =
        getAnalyzedCallee(cast<func::CallOp>(op), state, callee);
    if (!funcState)
      return bufferization::detail::unknownGetAliasingValues(operand);

    int64_t argIndex = operand.getOperandNumber();
    SmallVector<int64_t> returned =
        funcState->aliasingReturnVals.lookup(callee).lookup(argIndex);
    // A result is the operand's buffer itself only when it is the one value
    // the callee returns from that argument and the analysis proved them
    // equivalent.
    bool equivalent = false;
    if (returned.size() == 1) {
      auto equivalences = funcState->equivalentFuncArgs.find(callee);
      if (equivalences != funcState->equivalentFuncArgs.end()) {
        auto arg = equivalences->second.find(returned.front());
        equivalent =
            arg != equivalences->second.end() && arg->second == argIndex;
      }
    }
    AliasingValueList aliases;
    for (int64_t resultIndex : returned)
      aliases.addAlias(
          {op->getOpResult(resultIndex),
           equivalent ? BufferRelation::Equivalent : BufferRelation::Unknown,
           /*isDefinite=*/equivalent});
    return aliases;
  }

  FailureOr<BufferLikeType>
  getBufferType(Operation *op, Value value, const BufferizationOptions &options,
                const BufferizationState &state,
                SmallVector<Value> &invocationStack) const {
    auto call = cast<func::CallOp>(op);
    // The state's symbol tables are a cache; the driver owns the state as a
    // mutable object and passes it here as const only by signature.
    SymbolTableCollection &tables =
        const_cast<BufferizationState &>(state).getSymbolTables();
    func::FuncOp callee = lookupCallee(call, tables);
    if (!callee)
      return call.emitOpError("cannot bufferize a call whose callee '")
             << call.getCallee() << "' is not a func.func";

    Type resultType = callee.getFunctionType().getResult(
        cast<OpResult>(value).getResultNumber());
    if (auto memrefType = dyn_cast<BaseMemRefType>(resultType))
      return cast<BufferLikeType>(memrefType);
    auto tensorType = dyn_cast<TensorType>(resultType);
    if (!tensorType)
      return call.emitOpError("result ")
             << cast<OpResult>(value).getResultNumber()
             << " of the callee is neither a tensor nor a memref";
    std::optional<Attribute> memorySpace =
        options.defaultMemorySpaceFn(tensorType);
    // Upstream dereferences the empty optional here (must-infer-memory-space
    // on a call into a recursion). Other upstream models crash on the same
    // input, depending on the order in which functions are bufferized, so
    // this is not a guarantee (docs/Robustness.md).
    if (!memorySpace)
      return call.emitOpError("callee '")
             << call.getCallee() << "' is not bufferized yet and no memory "
             << "space can be inferred for its result " << tensorType
             << " (must-infer-memory-space is set; give the callee memref "
                "results or drop that option)";
    return options.functionArgTypeConverterFn(cast<TensorLikeType>(tensorType),
                                              *memorySpace, callee, options);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto call = cast<func::CallOp>(op);
    func::FuncOp callee = lookupCallee(call, state.getSymbolTables());
    if (!callee)
      return call.emitOpError("cannot bufferize a call whose callee '")
             << call.getCallee() << "' is not a func.func";

    SmallVector<Type> resultTypes;
    for (Value result : call.getResults()) {
      if (!isa<TensorType>(result.getType())) {
        resultTypes.push_back(result.getType());
        continue;
      }
      FailureOr<BufferLikeType> type =
          bufferization::getBufferType(result, options, state);
      if (failed(type))
        return failure();
      resultTypes.push_back(*type);
    }

    FunctionType calleeType = callee.getFunctionType();
    SmallVector<Value> operands;
    for (OpOperand &operand : call->getOpOperands()) {
      if (!isa<TensorType>(operand.get().getType())) {
        operands.push_back(operand.get());
        continue;
      }
      FailureOr<Value> buffer =
          bufferization::getBuffer(rewriter, operand.get(), options, state);
      if (failed(buffer))
        return failure();

      unsigned index = operand.getOperandNumber();
      Type argType = calleeType.getInput(index);
      if (!isa<BaseMemRefType>(argType)) {
        // A callee not bufferized yet: a call inside a cycle of the call
        // graph. Its argument's buffer type is the one it will get.
        if (callee.isDeclaration())
          return call.emitOpError("callee '")
                 << call.getCallee() << "' is not bufferized yet";
        FailureOr<BufferLikeType> type = bufferization::getBufferType(
            callee.getArgument(index), options, state);
        if (failed(type))
          return failure();
        argType = *type;
      }

      Value arg = *buffer;
      if (arg.getType() != argType) {
        // Layouts chosen at the two ends may differ: cast where that is
        // statically valid, else copy into a buffer of the callee's type.
        auto memrefType = dyn_cast<MemRefType>(argType);
        if (!memrefType)
          return call.emitOpError("operand ")
                 << index << " has buffer type " << arg.getType()
                 << " but the callee expects " << argType;
        FailureOr<Value> converted =
            castOrReallocMemRefValue(rewriter, arg, memrefType, options);
        if (failed(converted))
          return failure();
        arg = *converted;
      }
      operands.push_back(arg);
    }

    auto newCall = func::CallOp::create(
        rewriter, call.getLoc(), callee.getSymName(), resultTypes, operands);
    newCall->setAttrs(call->getAttrs());
    replaceOpWithBufferizedValues(rewriter, call, newCall->getResults());
    return success();
  }
};

} // namespace

void mlir::mx::registerCallOpBufferizationModel(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, func::FuncDialect *) {
    func::CallOp::attachInterface<CallOpModel>(*context);
  });
}

bool mlir::mx::usesMXCallOpBufferizationModel(MLIRContext *context) {
  std::optional<RegisteredOperationName> name = RegisteredOperationName::lookup(
      func::CallOp::getOperationName(), context);
  if (!name)
    return false;
  // The attached model is an object of its model class, whose entry points
  // identify it.
  auto *model = name->getInterface<BufferizableOpInterface>();
  using Entry = bufferization::detail::BufferizableOpInterfaceInterfaceTraits::
      FallbackModel<CallOpModel>;
  return model && model->getBufferType == &Entry::getBufferType;
}
