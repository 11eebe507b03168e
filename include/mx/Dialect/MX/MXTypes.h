//===- MXTypes.h - MX types -------------------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXTYPES_H
#define MX_DIALECT_MX_MXTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "mx/Dialect/MX/MXAttributes.h"

#define GET_TYPEDEF_CLASSES
#include "mx/Dialect/MX/MXTypes.h.inc"

#endif // MX_DIALECT_MX_MXTYPES_H
