//===- TestPolicy.cpp - Test pass for MX policy scopes --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `test-mx-policy` emits a remark on every op carrying the unit attribute
// `test.print_policy`: its effective #mx.policy and whether each operand
// counts as a weight or an activation.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXAttributes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {
struct TestPolicyPass
    : public PassWrapper<TestPolicyPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestPolicyPass)
  StringRef getArgument() const final { return "test-mx-policy"; }
  StringRef getDescription() const final {
    return "Print effective MX policies and weight/activation roles";
  }
  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      if (!op->hasAttr("test.print_policy"))
        return;
      InFlightDiagnostic diag = op->emitRemark() << "policy: ";
      if (mlir::mx::PolicyAttr policy = mlir::mx::getEffectivePolicy(op))
        diag << policy;
      else
        diag << "none";
      for (Value operand : op->getOperands())
        diag << (mlir::mx::isWeight(operand) ? " weight" : " activation");
    });
  }
};
} // namespace

namespace mlir::mx::test {
void registerTestPolicyPass() { PassRegistration<TestPolicyPass>(); }
} // namespace mlir::mx::test
