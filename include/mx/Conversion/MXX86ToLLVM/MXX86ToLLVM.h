//===- MXX86ToLLVM.h - mx_x86 ops to LLVM intrinsics ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXX86TOLLVM_MXX86TOLLVM_H
#define MX_CONVERSION_MXX86TOLLVM_MXX86TOLLVM_H

#include "mx/Dialect/MXX86/MXX86.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace mx {

#define GEN_PASS_DECL_CONVERTMXX86TOLLVMPASS
#include "mx/Conversion/Passes.h.inc"

/// The patterns replacing each mx_x86 op by its llvm.call_intrinsic.
void populateMXX86ToLLVMPatterns(RewritePatternSet &patterns);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXX86TOLLVM_MXX86TOLLVM_H
