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
} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_MXOPS_H
