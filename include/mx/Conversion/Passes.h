//===- Passes.h - MX conversion passes --------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_PASSES_H
#define MX_CONVERSION_PASSES_H

#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Conversion/MXToNVVM/MXToNVVM.h"
#include "mx/Conversion/MXX86ToLLVM/MXX86ToLLVM.h"

namespace mlir {
namespace mx {

#define GEN_PASS_REGISTRATION
#include "mx/Conversion/Passes.h.inc"

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_PASSES_H
