//===- TestContraction.cpp - Test pass for the contraction matcher --------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// `test-mx-contraction` emits a remark on every linalg op: what
// mx::matchContraction recognises (sizes, each operand's role and shape as
// the matmul sees it, and a weight's folded values when it has few), or why
// it does not.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Contraction.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::mx;

namespace {
void print(InFlightDiagnostic &diag, StringRef name,
           const ContractionOperand &operand) {
  diag << " " << name << " "
       << (operand.isWeight() ? (operand.constant ? "weight" : "weight-arg")
                              : "activation")
       << " [";
  llvm::interleaveComma(operand.shape, diag);
  diag << "]";
  if (!operand.constant)
    return;
  FailureOr<std::vector<float>> values = getWeightValues(operand);
  if (failed(values)) {
    diag << " values unavailable";
    return;
  }
  if (values->size() > 16)
    return;
  diag << " {";
  llvm::interleaveComma(*values, diag, [&](float v) {
    diag << llvm::formatv("{0}", llvm::format("%g", v)).str();
  });
  diag << "}";
}

struct TestContractionPass
    : public PassWrapper<TestContractionPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestContractionPass)
  StringRef getArgument() const final { return "test-mx-contraction"; }
  StringRef getDescription() const final {
    return "Print what the MX contraction matcher recognises";
  }
  void runOnOperation() override {
    getOperation()->walk([](linalg::LinalgOp linalgOp) {
      Operation *op = linalgOp;
      std::string whyNot;
      FailureOr<Contraction> c = matchContraction(op, &whyNot);
      if (failed(c)) {
        op->emitRemark() << "no contraction: " << whyNot;
        return;
      }
      InFlightDiagnostic diag = op->emitRemark() << "contraction batch [";
      llvm::interleaveComma(c->batch, diag);
      diag << "] m " << c->m << " n " << c->n << " k " << c->k;
      print(diag, "lhs", c->lhs);
      print(diag, "rhs", c->rhs);
    });
  }
};
} // namespace

namespace mlir::mx::test {
void registerTestContractionPass() { PassRegistration<TestContractionPass>(); }
} // namespace mlir::mx::test
