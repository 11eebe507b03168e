//===- OutlineKernels.cpp - mx-outline-kernels ----------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// One private function per distinct MX compute op: a lowering then emits
// each distinct kernel once, and the lowered module grows with the number of
// distinct ops, not with the number of ops (docs/Lowering.md, "Shared
// kernels").
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MX/MXPasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

#include <algorithm>
#include <map>
#include <vector>

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "mx/Dialect/MX/MXPasses.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

namespace {

bool isKernelOp(Operation *op) {
  return isa<QuantizeOp, ConvertOp, DequantizeOp, MatmulOp, HadamardOp>(op);
}

/// The constant weight that stays in `op`'s kernel, or null: an
/// `mx.constant` rhs of an `mx.matmul` that the CPU lowering's integer dot
/// may read (INT8 activations with block scales, E2M1, E2M3 or E3M2
/// weights), which it then re-lays at compile time for the kernel
/// (docs/Lowering.md, "Constant weights in the integer dot"). As an
/// argument it would be data of unknown origin, read as packed.
ConstantOp getKernelConstant(Operation *op) {
  auto matmul = dyn_cast<MatmulOp>(op);
  if (!matmul)
    return {};
  auto lhs = dyn_cast<BlockScaledTensorType>(matmul.getLhs().getType());
  auto rhs = dyn_cast<BlockScaledTensorType>(matmul.getRhs().getType());
  if (!lhs || !rhs || !lhs.hasBlockScales() || !rhs.hasBlockScales() ||
      lhs.getFormat().getFormat().elem != mxref::ElemKind::INT8)
    return {};
  mxref::ElemKind w = rhs.getFormat().getFormat().elem;
  if (w != mxref::ElemKind::E2M1 && w != mxref::ElemKind::E2M3 &&
      w != mxref::ElemKind::E3M2)
    return {};
  return matmul.getRhs().getDefiningOp<ConstantOp>();
}

/// What makes two ops one kernel: the op's name, its attributes (inherent
/// ones included) and its operand and result types, all uniqued in the
/// context, so their pointers identify them.
std::vector<const void *> kernelKey(Operation *op) {
  std::vector<const void *> key = {
      op->getName().getAsOpaquePointer(),
      op->getAttrDictionary().getAsOpaquePointer(),
      reinterpret_cast<const void *>(uintptr_t(op->getNumOperands()))};
  for (Type t : op->getOperandTypes())
    key.push_back(t.getAsOpaquePointer());
  for (Type t : op->getResultTypes())
    key.push_back(t.getAsOpaquePointer());
  // A kernel constant is part of the kernel: its value (the uniqued
  // attributes) too.
  if (ConstantOp c = getKernelConstant(op))
    key.push_back(c->getAttrDictionary().getAsOpaquePointer());
  // So is the layout of weights the caller re-laid (mx.kernel_layout): the
  // kernel reads them as that layout, not as packed rows.
  for (Value v : op->getOperands())
    key.push_back(getKernelLayout(v).getAsOpaquePointer());
  return key;
}

/// The operands that a call of `op`'s kernel passes: all but the kernel
/// constant.
SmallVector<Value> kernelArguments(Operation *op) {
  ConstantOp c = getKernelConstant(op);
  SmallVector<Value> args;
  for (Value v : op->getOperands())
    if (!c || v != c.getResult())
      args.push_back(v);
  return args;
}

/// The kernel op of a function this pass made (or one just like it): a
/// private function whose body is one kernel op on its arguments, in order
/// (after its kernel constant, if it has one), and the return of its
/// results. Such functions are reused, not outlined again, so running the
/// pass twice changes nothing.
Operation *getKernelOfFunction(func::FuncOp func) {
  if (!func.isPrivate() || func.isExternal() || !func.getBody().hasOneBlock())
    return nullptr;
  Block &body = func.getBody().front();
  size_t size = body.getOperations().size();
  if (size != 2 && size != 3)
    return nullptr;
  Operation *op = size == 2 ? &body.front() : body.front().getNextNode();
  auto ret = dyn_cast<func::ReturnOp>(body.back());
  if (!isKernelOp(op) || !ret ||
      (size == 3 && getKernelConstant(op) != &body.front()) ||
      !llvm::equal(kernelArguments(op), body.getArguments()) ||
      !llvm::equal(ret.getOperands(), op->getResults()))
    return nullptr;
  return op;
}

struct OutlineKernelsPass
    : mlir::mx::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::map<std::vector<const void *>, func::FuncOp> kernels;
    // Kernels per op name, for the names mx_matmul, mx_matmul_1, ...
    DenseMap<OperationName, unsigned> numbered;
    // The module's own functions only, collected first so the functions
    // created below are not visited. An op in a symbol table nested in a
    // function (a module inside it) stays: a call there could not name a
    // function of this module. An unused op stays too: it is Pure, the
    // lowering drops it, a call would not be.
    SmallVector<Operation *> ops;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (Operation *kernel = getKernelOfFunction(func)) {
        kernels.try_emplace(kernelKey(kernel), func);
        ++numbered[kernel->getName()];
        continue;
      }
      func.walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (op != func && op->hasTrait<OpTrait::SymbolTable>())
          return WalkResult::skip();
        if (isKernelOp(op) && !op->use_empty())
          ops.push_back(op);
        return WalkResult::advance();
      });
    }
    if (ops.empty())
      return;

    SymbolTable symbols(module);
    OpBuilder b(&getContext());
    for (Operation *op : ops) {
      func::FuncOp &kernel = kernels[kernelKey(op)];
      if (!kernel)
        kernel = outline(b, symbols, module, op, numbered[op->getName()]++);
      b.setInsertionPoint(op);
      auto call =
          func::CallOp::create(b, op->getLoc(), kernel, kernelArguments(op));
      op->replaceAllUsesWith(call.getResults());
      ConstantOp constant = getKernelConstant(op);
      op->erase();
      // The kernels hold their copies.
      if (constant && constant->use_empty())
        constant->erase();
    }
  }

  /// A private function whose body is a copy of `op` on its arguments, the
  /// `index`-th of its op name.
  func::FuncOp outline(OpBuilder &b, SymbolTable &symbols, ModuleOp module,
                       Operation *op, unsigned index) {
    SmallVector<Value> args = kernelArguments(op);
    auto type = FunctionType::get(&getContext(), ValueRange(args).getTypes(),
                                  op->getResultTypes());
    // "mx.matmul" -> mx_matmul, mx_matmul_1, ...; the symbol table renames
    // one that an existing symbol has taken.
    std::string name = op->getName().getStringRef().str();
    std::replace(name.begin(), name.end(), '.', '_');
    if (index)
      name += "_" + std::to_string(index);
    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, op->getLoc(), name, type);
    func.setPrivate();
    symbols.insert(func);
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    // Weights in the kernel layout stay so marked in the kernel.
    for (auto [i, arg] : llvm::enumerate(args))
      if (FlatSymbolRefAttr layout = getKernelLayout(arg))
        func.setArgAttr(i, MXDialect::getKernelLayoutAttrName(), layout);
    IRMapping map;
    map.map(args, entry->getArguments());
    if (ConstantOp c = getKernelConstant(op))
      b.clone(*c, map);
    Operation *copy = b.clone(*op, map);
    func::ReturnOp::create(b, op->getLoc(), copy->getResults());
    return func;
  }
};

} // namespace
