//===- Components.h - The 1:N component form of !mx.tensor ------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Every lowering (CPU scalar and vector, a GPU emulation) represents a
// block-scaled tensor by the same components (docs/Lowering.md): packed
// element bytes, row-major scale bytes and, when the format has one, the f32
// tensor decode scale.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXCOMMON_COMPONENTS_H
#define MX_CONVERSION_MXCOMMON_COMPONENTS_H

#include "mx/Dialect/MX/MXTypes.h"

#include "mlir/Transforms/DialectConversion.h"

#include <optional>
#include <string>

namespace mlir {
namespace mx {

/// Why `type` has no component form (a last dimension that does not fill
/// whole bytes), or nullopt when it has one.
std::optional<std::string> checkMXComponentSupport(BlockScaledTensorType type);

/// The component types of `type`, in order: packed elements
/// `tensor<d0 x ... x (dn * bits / 8) x i8>`, row-major scale bytes
/// `tensor<(shape / block) x i8>`, and `f32` when the format has a tensor
/// scale. Fails when checkMXComponentSupport does.
LogicalResult getMXComponentTypes(BlockScaledTensorType type,
                                  SmallVectorImpl<Type> &types);

/// Adds the 1:N conversion of `!mx.tensor` into its components (every other
/// type is kept) to `converter`.
void populateMXComponentTypeConversion(TypeConverter &converter);

/// The scales component of `type`'s components (i8 over the block grid), or
/// null for a per-tensor format, which has none.
Value getScalesComponent(BlockScaledTensorType type, ValueRange comps);
/// The f32 tensor scale component, or null when the format has none.
Value getTensorScaleComponent(BlockScaledTensorType type, ValueRange comps);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXCOMMON_COMPONENTS_H
