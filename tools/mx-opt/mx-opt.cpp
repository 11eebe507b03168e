//===- mx-opt.cpp - MX optimizer driver -----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with the MX dialect and the upstream dialects an MX pipeline
// touches: parse, verify, run passes, print. The input is checked for deep
// nesting first (docs/Robustness.md).
//
//===----------------------------------------------------------------------===//

#include "mx/InitAllDialects.h"
#include "mx/InitAllPasses.h"

#include "mx/Support/Nesting.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mxopt {
void registerSensitivityMeasurer();
} // namespace mxopt

namespace mlir::mx::test {
void registerTestContractionPass();
void registerTestPolicyPass();
} // namespace mlir::mx::test

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  mlir::registerAllPasses();
  mlir::mx::registerAllPasses();
  // mx-select-formats objective=sensitivity runs the program (JIT).
  mxopt::registerSensitivityMeasurer();
  mlir::mx::test::registerTestContractionPass();
  mlir::mx::test::registerTestPolicyPass();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "MX optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // What mlir-opt does without reading the input stays upstream's.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
  // The rest of MlirOptMain, with the input checked before it is parsed.
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mxsupport::reportDeepNesting(*input, llvm::errs()))
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
