//===- Passes.cpp - C API for the MX passes and pipelines -----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx-c/Passes.h"

#include "mx/InitAllPasses.h"

#include <mutex>

void mlirRegisterMXPasses(void) {
  // Registering a pipeline name twice is a fatal error in the registry.
  static std::once_flag once;
  std::call_once(once, [] { mlir::mx::registerAllPasses(); });
}
