//===- MXAttributes.h - MX attributes ---------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXATTRIBUTES_H
#define MX_DIALECT_MX_MXATTRIBUTES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mx/Numerics/Format.h"
#include "mx/Numerics/Packing.h"

#include "mx/Dialect/MX/MXEnums.h.inc"

namespace mlir {
namespace mx {
class FormatAttr;
/// Parser/printer of a policy's format choice: a preset name,
/// `#mx.format<...>`, `none` or `bf16` (docs/Policies.md).
FailureOr<Attribute> parseFormatChoice(AsmParser &parser);
void printFormatChoice(AsmPrinter &printer, Attribute choice);
/// Parser/printer of a policy's `weight_block = [BK, BN]`.
FailureOr<SmallVector<int64_t>> parseWeightBlock(AsmParser &parser);
void printWeightBlock(AsmPrinter &printer, ArrayRef<int64_t> block);
} // namespace mx
} // namespace mlir

#define GET_ATTRDEF_CLASSES
#include "mx/Dialect/MX/MXAttributes.h.inc"

namespace mlir {
namespace mx {
/// The reference numerics library (namespace mxref), seen from the dialect.

/// The element kind of an element type (f4E2M1FN ... f8E5M2, i8).
std::optional<mxref::ElemKind> getElemKind(Type type);
/// The scale kind of a scale type (f8E8M0FNU, or f8E4M3FN read as UE4M3).
std::optional<mxref::ScaleKind> getScaleKind(Type type);
/// The MLIR type of an element / scale kind.
Type elemTypeFor(MLIRContext *ctx, mxref::ElemKind kind);
Type scaleTypeFor(MLIRContext *ctx, mxref::ScaleKind kind);

/// Conversions between the dialect's enums and the reference library's,
/// which are kept identical (MXAttributes.cpp checks it at compile time).
mxref::ScaleMode toReference(ScaleMode mode);
mxref::Rounding toReference(Rounding rounding);
mxref::ScaleLayout toReference(ScaleLayout layout);
ScaleMode fromReference(mxref::ScaleMode mode);
Rounding fromReference(mxref::Rounding rounding);
ScaleLayout fromReference(mxref::ScaleLayout layout);

/// A policy format choice that leaves the operand as it is (`none`), or
/// rounds it to bf16 (`bf16`). A null choice is neither.
bool isNoneChoice(Attribute choice);
bool isBF16Choice(Attribute choice);

/// The effective `#mx.policy` of `op`: the policies of `op` and all its
/// ancestors merged field by field, innermost first. Null when none is set.
PolicyAttr getEffectivePolicy(Operation *op);
/// True when `value` counts as a weight: produced by a constant-like op, or
/// a function argument with the unit attribute `mx.weight`.
bool isWeight(Value value);
} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_MXATTRIBUTES_H
