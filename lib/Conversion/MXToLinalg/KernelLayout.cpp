//===- KernelLayout.cpp - Weights re-laid at load time --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `mx.kernel_layout = @f` on an `!mx.tensor` argument: the caller passes the
// weights as @f returns them, in the layout the integer-dot kernel reads
// constant weights in, made once when the weights are loaded (as llama.cpp
// repacks its weights) instead of compiled in. Here: the checks that no value
// in that layout reaches an op that reads packed rows, and the definition of
// @f after the conversion (docs/Lowering.md, "Weights re-laid at load time").
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToLinalg/MXToLinalg.h"

#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::mx;

LogicalResult KernelLayouts::record(Use &use, BlockScaledTensorType type,
                                    Location loc, BodyBuilder build) {
  auto [it, inserted] =
      layouts.try_emplace(use.symbol.getAttr(), Layout{type, loc, build});
  use.lowered = true;
  if (!inserted && it->second.weights != type) {
    failed = true;
    return emitError(loc) << "mx.kernel_layout " << use.symbol
                          << " names the layout of " << it->second.weights
                          << " already; these weights are " << type;
  }
  return success();
}

/// Whether `v` is in the layout of `symbol`: an argument marked with it or a
/// result of a call of it.
static bool isInLayout(Value v, FlatSymbolRefAttr symbol) {
  if (FlatSymbolRefAttr layout = getKernelLayout(v))
    return layout == symbol;
  auto call = v.getDefiningOp<func::CallOp>();
  return call && call.getCalleeAttr() == symbol;
}

LogicalResult mlir::mx::collectKernelLayouts(ModuleOp module, bool vectorize,
                                             KernelLayouts &layouts) {
  SymbolTable symbols(module);
  auto calleeLayout = [&](func::CallOp call, unsigned i) -> FlatSymbolRefAttr {
    auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
    if (!callee || i >= callee.getNumArguments())
      return {};
    return callee.getArgAttrOfType<FlatSymbolRefAttr>(
        i, MXDialect::getKernelLayoutAttrName());
  };
  bool failed = false;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    for (BlockArgument arg : func.getArguments()) {
      FlatSymbolRefAttr symbol = getKernelLayout(arg);
      if (!symbol)
        continue;
      for (OpOperand &use : arg.getUses()) {
        Operation *user = use.getOwner();
        if (auto matmul = dyn_cast<MatmulOp>(user);
            matmul && use.get() == matmul.getRhs() &&
            use.get() != matmul.getLhs()) {
          if (!vectorize) {
            user->emitError()
                << "weights in the kernel layout (mx.kernel_layout = " << symbol
                << ") need the vectorized lowering (convert-mx-to-linalg "
                   "option vectorize); the scalar one reads packed rows";
            failed = true;
          }
          layouts.matmuls.insert(
              {user, KernelLayouts::Use{symbol, user->getLoc()}});
          continue;
        }
        if (auto call = dyn_cast<func::CallOp>(user);
            call && calleeLayout(call, use.getOperandNumber()) == symbol)
          continue;
        user->emitError() << "weights in the kernel layout (argument #"
                          << arg.getArgNumber() << " of @" << func.getName()
                          << ", mx.kernel_layout = " << symbol
                          << ") may only be the rhs of mx.matmul or passed "
                             "to an argument of the same layout";
        failed = true;
      }
    }
  }
  // Callers pass such arguments values in that layout.
  module.walk([&](func::CallOp call) {
    for (auto [i, operand] : llvm::enumerate(call.getOperands())) {
      FlatSymbolRefAttr symbol = calleeLayout(call, i);
      if (!symbol || isInLayout(operand, symbol))
        continue;
      call.emitError() << "operand #" << i << " must be in the kernel layout "
                       << symbol << " (a result of a call of " << symbol
                       << " or an argument with mx.kernel_layout = " << symbol
                       << "), as @" << call.getCallee() << " reads it";
      failed = true;
    }
  });
  return llvm::failure(failed);
}

LogicalResult mlir::mx::emitKernelLayoutFunctions(
    ModuleOp module, const TypeConverter &converter, KernelLayouts &layouts) {
  bool failed = layouts.failed;
  for (auto &[op, use] : layouts.matmuls) {
    if (use.lowered)
      continue;
    emitError(use.loc)
        << "weights in the kernel layout (mx.kernel_layout = " << use.symbol
        << ") need the integer-dot kernel, which this mx.matmul does not take: "
           "INT8 activations with E8M0 block scales, E2M1, E2M3 or E3M2 "
           "weights in K blocks of a multiple of 4 up to 256 and column "
           "blocks that divide 64, and N a multiple of 64, on an x86 target";
    failed = true;
  }
  // The arguments are components now, not !mx.tensor (A9): the layout is in
  // the code that reads them. A layout function that the lowering creates
  // has a C interface when a function reading its layout has one.
  constexpr StringLiteral cInterface = "llvm.emit_c_interface";
  DenseSet<StringAttr> withCInterface;
  SetVector<StringAttr> named;
  for (auto func : module.getOps<func::FuncOp>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      auto symbol = func.getArgAttrOfType<FlatSymbolRefAttr>(
          i, MXDialect::getKernelLayoutAttrName());
      if (!symbol)
        continue;
      named.insert(symbol.getAttr());
      if (func->hasAttr(cInterface))
        withCInterface.insert(symbol.getAttr());
      func.removeArgAttr(i, MXDialect::getKernelLayoutAttrName());
    }
  SymbolTable symbols(module);
  // A declared layout function that no matmul of the module defines would
  // stay a declaration, unresolved when it is called.
  for (StringAttr name : named) {
    auto func = symbols.lookup<func::FuncOp>(name);
    if (layouts.layouts.contains(name) || !func || !func.isExternal())
      continue;
    func.emitError() << "@" << name.getValue()
                     << " is declared as a layout function (mx.kernel_layout), "
                        "but no mx.matmul of this module reads weights in its "
                        "layout, so the lowering cannot define it";
    failed = true;
  }
  OpBuilder b(module.getContext());
  for (auto &[name, layout] : layouts.layouts) {
    SmallVector<Type> types;
    if (llvm::failed(converter.convertType(layout.weights, types))) {
      emitError(layout.loc) << "no components for " << layout.weights;
      failed = true;
      continue;
    }
    auto type = b.getFunctionType(types, types);
    auto func = symbols.lookup<func::FuncOp>(name);
    if (!func && symbols.lookup(name)) {
      emitError(layout.loc) << "mx.kernel_layout @" << name.getValue()
                            << " names a symbol that is not a function";
      failed = true;
      continue;
    }
    if (func && !func.isExternal()) {
      func.emitError() << "@" << name.getValue()
                       << " is defined here, but mx.kernel_layout names a "
                          "function that the lowering defines (declare it or "
                          "leave it out)";
      failed = true;
      continue;
    }
    if (func && func.getFunctionType() != type) {
      func.emitError() << "@" << name.getValue()
                       << " is declared as the layout function of "
                       << layout.weights
                       << " (mx.kernel_layout), which takes and returns "
                          "that type";
      failed = true;
      continue;
    }
    if (!func) {
      b.setInsertionPointToEnd(module.getBody());
      func = func::FuncOp::create(b, layout.loc, name.getValue(), type);
      if (withCInterface.contains(name))
        func->setAttr(cInterface, b.getUnitAttr());
      symbols.insert(func);
    }
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    SmallVector<Value> results =
        layout.build(b, func.getLoc(), entry->getArguments());
    func::ReturnOp::create(b, func.getLoc(), results);
  }
  return llvm::failure(failed);
}
