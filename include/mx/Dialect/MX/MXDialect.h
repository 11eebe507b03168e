//===- MXDialect.h - MX dialect ---------------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXDIALECT_H
#define MX_DIALECT_MX_MXDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Value.h"

#include "mx/Dialect/MX/MXDialect.h.inc"

namespace mlir {
namespace mx {
/// The `mx.kernel_layout` symbol of `value` when it is an argument of a
/// function's entry block that carries one; null otherwise.
FlatSymbolRefAttr getKernelLayout(Value value);
} // namespace mx
} // namespace mlir

#endif // MX_DIALECT_MX_MXDIALECT_H
