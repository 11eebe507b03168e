//===- MXDialect.h - MX dialect ---------------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXDIALECT_H
#define MX_DIALECT_MX_MXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "mx/Dialect/MX/MXDialect.h.inc"

#endif // MX_DIALECT_MX_MXDIALECT_H
