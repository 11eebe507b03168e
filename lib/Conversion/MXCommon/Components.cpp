//===- Components.cpp - The 1:N component form of !mx.tensor --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXCommon/Components.h"

#include "mx/Numerics/Format.h"

using namespace mlir;
using namespace mlir::mx;

std::optional<std::string>
mlir::mx::checkMXComponentSupport(BlockScaledTensorType type) {
  unsigned bits = mxref::getElemInfo(type.getFormat().getFormat().elem).bits;
  int64_t last = type.getShape().back();
  if ((last * bits) % 8 == 0)
    return std::nullopt;
  return ("the last dimension (" + Twine(last) + ") of " +
          Twine(bits == 4 ? "an FP4 tensor must be even"
                          : "an FP6 tensor must be a multiple of 4") +
          " so that packed rows are byte aligned")
      .str();
}

LogicalResult mlir::mx::getMXComponentTypes(BlockScaledTensorType type,
                                            SmallVectorImpl<Type> &types) {
  if (checkMXComponentSupport(type))
    return failure();
  MLIRContext *ctx = type.getContext();
  Type i8 = IntegerType::get(ctx, 8);
  unsigned bits = mxref::getElemInfo(type.getFormat().getFormat().elem).bits;
  SmallVector<int64_t> packed(type.getShape());
  packed.back() = packed.back() * bits / 8;
  types.push_back(RankedTensorType::get(packed, i8));
  // A per-tensor format has no scales component (docs/Lowering.md).
  if (type.hasBlockScales())
    types.push_back(RankedTensorType::get(type.getBlockGrid(), i8));
  if (type.hasTensorScale())
    types.push_back(Float32Type::get(ctx));
  return success();
}

Value mlir::mx::getScalesComponent(BlockScaledTensorType type,
                                   ValueRange comps) {
  return type.hasBlockScales() ? comps[1] : Value();
}

Value mlir::mx::getTensorScaleComponent(BlockScaledTensorType type,
                                        ValueRange comps) {
  return type.hasTensorScale() ? comps.back() : Value();
}

void mlir::mx::populateMXComponentTypeConversion(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion(
      [](BlockScaledTensorType type,
         SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
        return getMXComponentTypes(type, results);
      });
}
