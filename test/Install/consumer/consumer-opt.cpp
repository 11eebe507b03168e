//===- consumer-opt.cpp - An opt tool outside MX --------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// What a downstream compiler does with the installed MX package: register
// MX's dialects, passes and pipelines beside a pass of its own, which uses
// MX's C++ types.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXTypes.h"
#include "mx/InitAllDialects.h"
#include "mx/InitAllPasses.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

using namespace mlir;

namespace {
/// Records on the module how many values of block-scaled type it defines
/// and their formats, in order of first appearance.
struct MXCensusPass
    : public PassWrapper<MXCensusPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(MXCensusPass)

  StringRef getArgument() const final { return "consumer-mx-census"; }
  StringRef getDescription() const final {
    return "Count block-scaled values and list their formats";
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t count = 0;
    SetVector<Attribute> formats;
    module.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (auto type = dyn_cast<mx::BlockScaledTensorType>(result.getType())) {
          ++count;
          formats.insert(type.getFormat());
        }
    });
    Builder b(module.getContext());
    module->setAttr("consumer.mx_values", b.getI64IntegerAttr(count));
    module->setAttr("consumer.mx_formats",
                    b.getArrayAttr(formats.getArrayRef()));
  }
};
} // namespace

int main(int argc, char **argv) {
  DialectRegistry registry;
  mx::registerAllDialects(registry);
  mx::registerAllPasses();
  PassRegistration<MXCensusPass>();
  return asMainReturnCode(
      MlirOptMain(argc, argv, "MX consumer optimizer\n", registry));
}
