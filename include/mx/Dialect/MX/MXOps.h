//===- MXOps.h - MX operations ----------------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXOPS_H
#define MX_DIALECT_MX_MXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXTypes.h"
#include "mx/Numerics/Quantize.h"

#define GET_OP_CLASSES
#include "mx/Dialect/MX/MXOps.h.inc"

namespace mlir {
namespace mx {
/// The reference-library view of a constant block-scaled value: the folded
/// attribute of `mx.constant` (an ArrayAttr [elements, scales?,
/// tensor_scale?]; no scales for a per-tensor format). Fails when `value` is
/// not such an attribute for `type`.
FailureOr<mxref::QuantizedTensor> toReference(BlockScaledTensorType type,
                                              Attribute value);
/// The folded-attribute form of `q` (see toReference).
ArrayAttr fromReference(BlockScaledTensorType type,
                        const mxref::QuantizedTensor &q);
/// Whether `value` has the shape of `type`'s folded attribute (the types of
/// its parts), checked without reading the elements.
bool isConstantValue(BlockScaledTensorType type, Attribute value);

/// The storage type of `type`'s packed elements: `tensor<N x i8>` with N =
/// mxref::getPackedSize of its element kind and element count.
RankedTensorType getPackedElementsType(BlockScaledTensorType type);
/// The packed-elements attribute of `type` holding `codes` (one per element,
/// row-major); a splat when the bytes are uniform.
DenseElementsAttr packElementCodes(BlockScaledTensorType type,
                                   ArrayRef<uint8_t> codes);
/// The packed-elements attribute of `type` whose every element is `code`,
/// built by repeating one packing group (a splat when its bytes are equal).
DenseElementsAttr getSplatPacked(BlockScaledTensorType type, uint8_t code);
/// The bytes of a packed-elements attribute, a splat expanded.
std::vector<uint8_t> getPackedBytes(DenseElementsAttr packed);
/// The code every element of `type` has when its packed elements `packed`
/// repeat one code (a splat whose byte packs equal codes), else nullopt.
std::optional<uint8_t> getSplatCode(BlockScaledTensorType type,
                                    DenseElementsAttr packed);
} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_MXOPS_H
