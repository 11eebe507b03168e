//===- CallOpBufferizationTest.cpp - Which func.call model is attached ----===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// An op keeps the first model attached for an interface, so MX's func.call
// bufferization model is in effect only where it is registered before
// upstream's. These tests pin that order in mx::registerAllDialects (every
// MX tool's registry) and show that the check can tell the two models apart.
//
//===----------------------------------------------------------------------===//

#include "mx/Bufferization/CallOpBufferization.h"
#include "mx/InitAllDialects.h"

#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

bool usesMXModel(const DialectRegistry &registry) {
  MLIRContext context(registry);
  context.loadDialect<func::FuncDialect>();
  return mx::usesMXCallOpBufferizationModel(&context);
}

TEST(CallOpBufferization, MXToolsUseMXModel) {
  DialectRegistry registry;
  mx::registerAllDialects(registry);
  EXPECT_TRUE(usesMXModel(registry));
}

TEST(CallOpBufferization, UpstreamModelAloneIsNotMX) {
  DialectRegistry registry;
  registry.insert<func::FuncDialect>();
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  EXPECT_FALSE(usesMXModel(registry));
}

TEST(CallOpBufferization, FirstRegisteredWins) {
  DialectRegistry mxFirst;
  mxFirst.insert<func::FuncDialect>();
  mx::registerCallOpBufferizationModel(mxFirst);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      mxFirst);
  EXPECT_TRUE(usesMXModel(mxFirst));

  DialectRegistry upstreamFirst;
  upstreamFirst.insert<func::FuncDialect>();
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      upstreamFirst);
  mx::registerCallOpBufferizationModel(upstreamFirst);
  EXPECT_FALSE(usesMXModel(upstreamFirst));
}

// What docs/Integration.md tells a tool that registers upstream's dialects
// too: MX's registration first.
TEST(CallOpBufferization, WithUpstreamRegisterAllDialects) {
  DialectRegistry mxFirst;
  mx::registerAllDialects(mxFirst);
  registerAllDialects(mxFirst);
  EXPECT_TRUE(usesMXModel(mxFirst));

  DialectRegistry upstreamFirst;
  registerAllDialects(upstreamFirst);
  mx::registerAllDialects(upstreamFirst);
  EXPECT_FALSE(usesMXModel(upstreamFirst));
}

TEST(CallOpBufferization, NoModelWithoutFuncDialect) {
  MLIRContext context;
  EXPECT_FALSE(mx::usesMXCallOpBufferizationModel(&context));
}

} // namespace
