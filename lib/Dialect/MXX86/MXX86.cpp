//===- MXX86.cpp - x86 byte dot products of the CPU lowering --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MXX86/MXX86.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::mx::x86;

#include "mx/Dialect/MXX86/MXX86Dialect.cpp.inc"

void MXX86Dialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mx/Dialect/MXX86/MXX86.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "mx/Dialect/MXX86/MXX86.cpp.inc"
