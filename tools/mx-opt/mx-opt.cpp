//===- mx-opt.cpp - MX optimizer driver -----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with the MX dialect and the upstream dialects an MX pipeline
// touches: parse, verify, run passes, print.
//
//===----------------------------------------------------------------------===//

#include "mx/InitAllDialects.h"
#include "mx/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace mxopt {
void registerSensitivityMeasurer();
} // namespace mxopt

namespace mlir::mx::test {
void registerTestContractionPass();
void registerTestPolicyPass();
} // namespace mlir::mx::test

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  mlir::registerAllPasses();
  mlir::mx::registerAllPasses();
  // mx-select-formats objective=sensitivity runs the program (JIT).
  mxopt::registerSensitivityMeasurer();
  mlir::mx::test::registerTestContractionPass();
  mlir::mx::test::registerTestPolicyPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "MX optimizer driver\n", registry));
}
