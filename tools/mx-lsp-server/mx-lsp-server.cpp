//===- mx-lsp-server.cpp - MX language server -----------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// MLIR's LSP server (diagnostics, hover, definitions, symbols) for files that
// use the MX dialect, with the same dialects and extensions mx-opt registers,
// so an editor sees exactly the verifier mx-opt runs.
//
//===----------------------------------------------------------------------===//

#include "mx/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  return mlir::failed(mlir::MlirLspServerMain(argc, argv, registry));
}
