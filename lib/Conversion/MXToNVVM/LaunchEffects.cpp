//===- LaunchEffects.cpp - Memory effects of gpu.launch_func --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Upstream's gpu.launch_func declares no memory effects, so ownership-based
// buffer deallocation rejects functions that launch kernels on buffers. A
// synchronous launch (no async token: gpu-to-llvm waits for the stream)
// reads and may write every memref it passes, which is what this model
// says; deallocation then frees the buffers after the launch.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToNVVM/MXToNVVM.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace {

struct LaunchFuncEffects
    : public MemoryEffectOpInterface::ExternalModel<LaunchFuncEffects,
                                                    gpu::LaunchFuncOp> {
  void
  getEffects(Operation *op,
             SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                 &effects) const {
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      effects.emplace_back(MemoryEffects::Read::get(), &operand);
      effects.emplace_back(MemoryEffects::Write::get(), &operand);
    }
  }
};

} // namespace

void mlir::mx::registerLaunchFuncMemoryEffects(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, gpu::GPUDialect *) {
    gpu::LaunchFuncOp::attachInterface<LaunchFuncEffects>(*ctx);
  });
}
