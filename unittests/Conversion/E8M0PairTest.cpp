//===- E8M0PairTest.cpp - The f64-free E8M0 block-scale term --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx::scaleByE8M0Pair (two f32 multiplies by powers of two, used by the GPU
// MMA kernels) compiled for the host and compared bit for bit with the one
// rounding of the exact ldexp it stands for, over every pair of E8M0 codes,
// the scale shifts d the kernels use (0 for BF16, 12 for FP8 operands) and
// partial sums at the ends of its preconditions: subnormal, tiny, huge,
// zeros, infinities and NaN.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/bit.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <vector>

using namespace mlir;
using namespace mlir::mx;

namespace {

using ScaleFn = float (*)(float, int32_t, int32_t);

uint32_t bitsOf(float f) { return llvm::bit_cast<uint32_t>(f); }

/// The test function of shift d: scale_6, scale_m7.
std::string symbol(int64_t d) {
  return "scale_" + (d < 0 ? "m" + std::to_string(-d) : std::to_string(d));
}

/// func @scale_d(%v: f32, %ca: i32, %cb: i32) -> f32 around scaleByE8M0Pair.
void addFunction(OpBuilder &b, ModuleOp module, int64_t d) {
  Location loc = b.getUnknownLoc();
  b.setInsertionPointToEnd(module.getBody());
  auto type = b.getFunctionType(
      {b.getF32Type(), b.getI32Type(), b.getI32Type()}, {b.getF32Type()});
  auto fn = func::FuncOp::create(b, loc, symbol(d), type);
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  CodecEmitter e(b, loc);
  Value ca = body->getArgument(1), cb = body->getArgument(2);
  Value nanA = e.eq(ca, e.i32(255));
  Value nanB = e.eq(cb, e.i32(255));
  Value nan = arith::OrIOp::create(b, loc, nanA, nanB);
  Value ca23 = e.shl(ca, e.i32(23));
  Value cb23 = e.shl(cb, e.i32(23));
  Value r = scaleByE8M0Pair(e, body->getArgument(0), ca23, cb23, nan, d);
  func::ReturnOp::create(b, loc, r);
}

/// The partial sums to try for shift d: inside the preconditions (|v| <
/// 2^101; for d > 0 a nonzero |v| is at least 2^-23).
std::vector<float> partials(int64_t d) {
  std::vector<float> v = {0.0f,
                          1.0f,
                          1.5f,
                          0x1.fffffep0f,
                          3.0f,
                          0x1p100f,
                          0x1.fffffep100f,
                          0x1.000002p50f,
                          0x1p-23f,
                          0x1.8p-23f,
                          0x1.234566p-10f,
                          INFINITY,
                          NAN};
  if (d <= 0) {
    // Subnormal and tiny partial sums only where no precondition excludes
    // them.
    for (float f : {0x1p-149f, 0x1.8p-148f, 0x1.fffffcp-127f, 0x1p-126f,
                    0x1.000002p-126f, 0x1.5p-100f})
      v.push_back(f);
  }
  size_t n = v.size();
  for (size_t i = 0; i < n; ++i)
    v.push_back(-v[i]);
  return v;
}

TEST(E8M0Pair, MatchesOneRoundingOfTheExactLdexp) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  // 6 and 12: the GPU's FP4-as-E4M3 partial sums; -7, -9 and -10: the CPU
  // integer-dot GEMV's sums in units of 2^-7 (FP4), 2^-9 (E2M3) and 2^-10
  // (E3M2). (1: both clamps bind, no kernel uses it.)
  const int64_t shifts[] = {0, 6, 12, -7, -9, -10, 1};
  for (int64_t d : shifts)
    addFunction(b, *module, d);
  FailureOr<std::unique_ptr<CompiledModule>> compiled =
      CompiledModule::compile(*module, CompileOptions());
  ASSERT_TRUE(succeeded(compiled));

  for (int64_t d : shifts) {
    llvm::Expected<void *> sym = (*compiled)->lookup(symbol(d));
    ASSERT_TRUE(bool(sym)) << llvm::toString(sym.takeError());
    auto fn = reinterpret_cast<ScaleFn>(*sym);
    int64_t mismatches = 0, checked = 0;
    for (float v : partials(d)) {
      for (int32_t ca = 0; ca < 256; ++ca) {
        for (int32_t cb = 0; cb < 256; ++cb) {
          float got = fn(v, ca, cb);
          // The exact ldexp is exact in double (|v| 2^±268 stays normal
          // there); the conversion to float is the one RNE rounding,
          // subnormals and overflow to infinity included.
          float want =
              ca == 255 || cb == 255
                  ? llvm::bit_cast<float>(0x7fc00000u)
                  : float(std::ldexp(double(v), ca + cb - 254 + int(d)));
          bool same =
              std::isnan(want) ? std::isnan(got) : bitsOf(got) == bitsOf(want);
          ++checked;
          if (!same && ++mismatches <= 5)
            ADD_FAILURE() << "d=" << d << " v=" << v << " ca=" << ca
                          << " cb=" << cb << ": got 0x" << std::hex
                          << bitsOf(got) << ", want 0x" << bitsOf(want);
        }
      }
    }
    EXPECT_EQ(mismatches, 0) << "of " << checked << " cases, d=" << d;
  }
}

} // namespace
