//===- InitAllDialects.h - Dialects an MX tool registers --------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INITALLDIALECTS_H
#define MX_INITALLDIALECTS_H

#include "mx/Bufferization/CallOpBufferization.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MXX86/MXX86.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"

namespace mlir {
namespace mx {

/// The MX dialect and the upstream dialects MX programs and pipelines use,
/// with their interface extensions (bufferization, inlining, ...).
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<MXDialect, x86::MXX86Dialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, gpu::GPUDialect, LLVM::LLVMDialect,
                  linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, NVVM::NVVMDialect, scf::SCFDialect,
                  tensor::TensorDialect, vector::VectorDialect>();
  mlir::registerAllExtensions(registry);
  // Bufferization models used by the CPU pipeline (mx-cpu-pipeline).
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  // MX's func.call model first: the first one attached wins, and upstream's
  // is quadratic in a module's calls (docs/Robustness.md).
  registerCallOpBufferizationModel(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  cf::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
}

} // namespace mx
} // namespace mlir

#endif // MX_INITALLDIALECTS_H
