//===- MXDialect.cpp - MX dialect -----------------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::mx;

#include "mx/Dialect/MX/MXDialect.cpp.inc"

void MXDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "mx/Dialect/MX/MXOps.cpp.inc"
      >();
}

Operation *MXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  if (auto bsType = dyn_cast<BlockScaledTensorType>(type)) {
    auto parts = dyn_cast<ArrayAttr>(value);
    if (!parts || !isConstantValue(bsType, value))
      return nullptr;
    // [packed elements, scales (absent per tensor), tensor_scale?], checked
    // above.
    bool hasScales = bsType.hasBlockScales();
    return ConstantOp::create(
        builder, loc, bsType, cast<ElementsAttr>(parts[0]),
        hasScales ? cast<ElementsAttr>(parts[1]) : ElementsAttr(),
        bsType.hasTensorScale() ? cast<FloatAttr>(parts.getValue().back())
                                : FloatAttr());
  }
  // Components and decoded values of folded constants.
  if (auto typed = dyn_cast<TypedAttr>(value))
    if (arith::ConstantOp::isBuildableWith(typed, type))
      return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}

// Rules A1, A2, A4 and A9 (docs/Dialect.md).
LogicalResult MXDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  if (attr.getName() == getPolicyAttrName()) {
    if (!isa<PolicyAttr>(attr.getValue())) // A1
      return op->emitError()
             << "'" << getPolicyAttrName() << "' must be a #mx.policy, got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() == getNameAttrName()) {
    if (!isa<StringAttr>(attr.getValue())) // A4
      return op->emitError() << "'" << getNameAttrName()
                             << "' must be a string, got " << attr.getValue();
    return success();
  }
  if (attr.getName() == getWeightAttrName() ||
      attr.getName() == getKernelLayoutAttrName()) // A2, A9
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' is an argument attribute of a function";
  return op->emitError() << "unknown MX attribute '"
                         << attr.getName().getValue() << "' (expected "
                         << getPolicyAttrName() << " or " << getNameAttrName()
                         << "; " << getWeightAttrName()
                         << " goes on function arguments)";
}

LogicalResult MXDialect::verifyRegionArgAttribute(Operation *op,
                                                  unsigned regionIndex,
                                                  unsigned argIndex,
                                                  NamedAttribute attr) {
  if (attr.getName() == getWeightAttrName()) {
    if (!isa<UnitAttr>(attr.getValue())) // A2
      return op->emitError()
             << "'" << getWeightAttrName() << "' must be a unit attribute";
    return success();
  }
  if (attr.getName() == getKernelLayoutAttrName()) {
    if (!isa<FlatSymbolRefAttr>(attr.getValue())) // A9
      return op->emitError() << "'" << getKernelLayoutAttrName()
                             << "' must be a symbol (the layout function), got "
                             << attr.getValue();
    auto func = dyn_cast<FunctionOpInterface>(op);
    if (!func || argIndex >= func.getNumArguments() ||
        !isa<BlockScaledTensorType>(func.getArgumentTypes()[argIndex])) // A9
      return op->emitError()
             << "'" << getKernelLayoutAttrName()
             << "' goes on a function argument of type !mx.tensor";
    return success();
  }
  return op->emitError() << "unknown MX argument attribute '"
                         << attr.getName().getValue() << "' (expected "
                         << getWeightAttrName() << " or "
                         << getKernelLayoutAttrName() << ")";
}

FlatSymbolRefAttr mlir::mx::getKernelLayout(Value value) {
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg || !arg.getOwner()->isEntryBlock())
    return {};
  auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
  if (!func)
    return {};
  return dyn_cast_or_null<FlatSymbolRefAttr>(func.getArgAttr(
      arg.getArgNumber(), MXDialect::getKernelLayoutAttrName()));
}
