//===- MXX86.h - x86 byte dot products of the CPU lowering ------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MXX86_MXX86_H
#define MX_DIALECT_MXX86_MXX86_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mx/Dialect/MXX86/MXX86Dialect.h.inc"

#define GET_OP_CLASSES
#include "mx/Dialect/MXX86/MXX86.h.inc"

#endif // MX_DIALECT_MXX86_MXX86_H
