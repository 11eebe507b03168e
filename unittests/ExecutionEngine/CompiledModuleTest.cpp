//===- CompiledModuleTest.cpp - Tests of the MX JIT host ------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx::CompiledModule (docs/Lowering.md, "Execution"): calls with buffers of
// every supported element type and rank, the lower-level packed path, every
// error a caller can cause (each a message, never a crash), and repeated
// calls that free every buffer they allocate (mx-cpu-pipeline's buffer
// deallocation), counted through the malloc/free the compiled code links to.
//
//===----------------------------------------------------------------------===//

#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <vector>

using namespace mlir;
using namespace mlir::mx;

namespace {

/// A context with every MX dialect that records error diagnostics as
/// "line:col: message".
struct Fixture : public ::testing::Test {
  Fixture() : ctx(makeRegistry(), MLIRContext::Threading::DISABLED) {
    ctx.loadAllAvailableDialects();
    handler.emplace(&ctx, [this](Diagnostic &d) {
      std::string s;
      if (auto loc = dyn_cast<FileLineColLoc>(d.getLocation()))
        s = std::to_string(loc.getLine()) + ":" +
            std::to_string(loc.getColumn()) + ": ";
      errors.push_back(s + d.str());
      return success();
    });
  }
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllDialects(registry);
    return registry;
  }

  OwningOpRef<ModuleOp> parse(StringRef source) {
    return parseSourceString<ModuleOp>(source, &ctx, "test.mlir");
  }

  /// Compiles `source` with `options`, or fails the test.
  std::unique_ptr<CompiledModule> compile(StringRef source,
                                          const CompileOptions &options) {
    OwningOpRef<ModuleOp> module = parse(source);
    EXPECT_TRUE(module) << "parse failed";
    if (!module)
      return nullptr;
    FailureOr<std::unique_ptr<CompiledModule>> compiled =
        CompiledModule::compile(*module, options);
    EXPECT_TRUE(succeeded(compiled))
        << (errors.empty() ? "no diagnostic" : errors.front());
    return succeeded(compiled) ? std::move(*compiled) : nullptr;
  }

  /// Compiles `source` with buffer function `fn`, or fails the test.
  std::unique_ptr<CompiledModule> compileFunction(StringRef source,
                                                  StringRef fn) {
    CompileOptions options;
    options.bufferFunctions = {fn.str()};
    return compile(source, options);
  }

  /// Whether compiling `source` with buffer function `fn` fails (the
  /// diagnostics land in `errors`).
  bool failsToCompile(StringRef source, StringRef fn) {
    OwningOpRef<ModuleOp> module = parse(source);
    EXPECT_TRUE(module) << "parse failed";
    CompileOptions options;
    options.bufferFunctions = {fn.str()};
    return module && failed(CompiledModule::compile(*module, options));
  }

  MLIRContext ctx;
  std::optional<ScopedDiagnosticHandler> handler;
  std::vector<std::string> errors;
};

std::string message(llvm::Error err) { return llvm::toString(std::move(err)); }

//===----------------------------------------------------------------------===//
// Buffers of every element type and rank
//===----------------------------------------------------------------------===//

const char *const kTypes = R"mlir(
func.func @types(%a: tensor<3xf16>, %b: tensor<2x2xbf16>, %c: tensor<4xi64>,
                 %d: tensor<2x1x2xi32>, %e: tensor<5xi8>, %f: tensor<3xi1>,
                 %g: tensor<f64>, %h: tensor<2xi16>, %x: tensor<2x3xf32>)
    -> (tensor<3xf16>, tensor<2x2xbf16>, tensor<4xi64>, tensor<2x1x2xi32>,
        tensor<5xi8>, tensor<3xi1>, tensor<f64>, tensor<2xi16>,
        tensor<2x3xf32>) {
  %a2 = arith.addf %a, %a : tensor<3xf16>
  %b2 = arith.addf %b, %b : tensor<2x2xbf16>
  %c2 = arith.addi %c, %c : tensor<4xi64>
  %d2 = arith.addi %d, %d : tensor<2x1x2xi32>
  %e2 = arith.addi %e, %e : tensor<5xi8>
  %true = arith.constant dense<true> : tensor<3xi1>
  %f2 = arith.xori %f, %true : tensor<3xi1>
  %g2 = arith.addf %g, %g : tensor<f64>
  %h2 = arith.addi %h, %h : tensor<2xi16>
  %x2 = arith.addf %x, %x : tensor<2x3xf32>
  return %a2, %b2, %c2, %d2, %e2, %f2, %g2, %h2, %x2
    : tensor<3xf16>, tensor<2x2xbf16>, tensor<4xi64>, tensor<2x1x2xi32>,
      tensor<5xi8>, tensor<3xi1>, tensor<f64>, tensor<2xi16>, tensor<2x3xf32>
}
)mlir";

TEST_F(Fixture, EveryElementTypeAndRank) {
  std::unique_ptr<CompiledModule> compiled = compileFunction(kTypes, "types");
  ASSERT_TRUE(compiled);
  const FunctionSignature *sig = compiled->getSignature("types");
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->inputs.size(), 9u);
  EXPECT_EQ(sig->results[1].str(), "tensor<2x2xbf16>");
  EXPECT_EQ(sig->results[6].str(), "tensor<f64>");

  // f16 1.5 = 0x3e00 -> 3.0 = 0x4200; bf16 1.5 = 0x3fc0 -> 3.0 = 0x4040.
  uint16_t a[3] = {0x3e00, 0x3e00, 0x3e00}, a2[3];
  uint16_t b[4] = {0x3fc0, 0x3fc0, 0x3fc0, 0x3fc0}, b2[4];
  int64_t c[4] = {1, -2, int64_t(1) << 40, 0}, c2[4];
  int32_t d[4] = {7, -8, 1 << 29, 3}, d2[4];
  int8_t e[5] = {1, 2, 3, 60, -64}, e2[5];
  bool f[3] = {true, false, true}, f2[3];
  double g = 0.25, g2;
  int16_t h[2] = {300, -300}, h2[2];
  float x[6] = {1, 2, 3, 4, 5, 6}, x2[6];
  std::vector<BufferRef> in = {BufferRef::get(a, ElementType::f16, {3}),
                               BufferRef::get(b, ElementType::bf16, {2, 2}),
                               BufferRef::get(c, ElementType::i64, {4}),
                               BufferRef::get(d, ElementType::i32, {2, 1, 2}),
                               BufferRef::get(e, ElementType::i8, {5}),
                               BufferRef::get(f, ElementType::i1, {3}),
                               BufferRef::get(&g, ElementType::f64, {}),
                               BufferRef::get(h, ElementType::i16, {2}),
                               BufferRef::get(x, ElementType::f32, {2, 3})};
  // Each output has its input's type and shape.
  void *outData[] = {a2, b2, c2, d2, e2, f2, &g2, h2, x2};
  std::vector<BufferRef> out;
  for (auto [buffer, data] : llvm::zip(in, outData))
    out.push_back({data, buffer.spec});
  ASSERT_FALSE(bool(compiled->call("types", in, out)));
  for (uint16_t v : a2)
    EXPECT_EQ(v, 0x4200);
  for (uint16_t v : b2)
    EXPECT_EQ(v, 0x4040);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c2[i], 2 * c[i]);
    EXPECT_EQ(d2[i], 2 * d[i]);
  }
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(e2[i], int8_t(2 * e[i]));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(f2[i], !f[i]);
  EXPECT_EQ(g2, 0.5);
  EXPECT_EQ(h2[0], 600);
  EXPECT_EQ(h2[1], -600);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(x2[i], 2 * x[i]);
  // The inputs are read only.
  EXPECT_EQ(x[5], 6.0f);
}

//===----------------------------------------------------------------------===//
// The lower-level path: a memref function the caller wrote
//===----------------------------------------------------------------------===//

TEST_F(Fixture, PackedCallOfAMemRefFunction) {
  std::unique_ptr<CompiledModule> compiled = compile(R"mlir(
func.func @scale(%in: memref<2x3xf32>, %out: memref<2x3xf32>, %s: f32)
    attributes {llvm.emit_c_interface} {
  %x = bufferization.to_tensor %in restrict : memref<2x3xf32> to tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = arith.mulf %x, %f : tensor<2x3xf32>
  bufferization.materialize_in_destination %y in restrict writable %out
    : (tensor<2x3xf32>, memref<2x3xf32>) -> ()
  return
}
)mlir",
                                                     {});
  ASSERT_TRUE(compiled);
  float in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {};
  float s = 0.5f;
  MemRefDescriptor inRef(in, {2, 3}), outRef(out, {2, 3});
  void *pointers[] = {inRef.get(), outRef.get()};
  void *args[] = {&pointers[0], &pointers[1], &s};
  ASSERT_FALSE(bool(compiled->invokePacked("_mlir_ciface_scale", args)));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], in[i] * 0.5f);
  // A symbol that does not exist is an error, not a crash.
  llvm::Expected<void *> missing = compiled->lookup("_mlir_ciface_nothing");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(message(missing.takeError()).find("nothing"), std::string::npos);
  EXPECT_TRUE(bool(compiled->invokePacked("nothing", {})));
  // Not a buffer function: call() refuses it.
  EXPECT_EQ(message(compiled->call("scale", {}, {})),
            "no buffer function @scale (compiled: none)");
}

//===----------------------------------------------------------------------===//
// Errors at call time
//===----------------------------------------------------------------------===//

const char *const kAdd = R"mlir(
func.func @add(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = arith.addf %a, %b : tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}
)mlir";

TEST_F(Fixture, CallErrors) {
  std::unique_ptr<CompiledModule> compiled = compileFunction(kAdd, "add");
  ASSERT_TRUE(compiled);
  float a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {}, c[8] = {};
  int32_t wrongType[8] = {};
  BufferRef A = BufferRef::get(a, ElementType::f32, {2, 4});
  BufferRef B = BufferRef::get(b, ElementType::f32, {2, 4});
  BufferRef C = BufferRef::get(c, ElementType::f32, {2, 4});

  EXPECT_EQ(message(compiled->call("add", {A}, {C})),
            "@add takes 2 input buffer(s), got 1");
  EXPECT_EQ(message(compiled->call("add", {A, B}, {})),
            "@add takes 1 output buffer(s), got 0");
  EXPECT_EQ(message(compiled->call(
                "add", {A, BufferRef::get(wrongType, ElementType::i32, {2, 4})},
                {C})),
            "input #1 of @add: expected tensor<2x4xf32>, got tensor<2x4xi32>");
  EXPECT_EQ(message(compiled->call(
                "add", {A, B}, {BufferRef::get(c, ElementType::f32, {4, 2})})),
            "output #0 of @add: expected tensor<2x4xf32>, got tensor<4x2xf32>");
  EXPECT_EQ(message(compiled->call("add", {A, B},
                                   {BufferRef::get(c, ElementType::f32, {8})})),
            "output #0 of @add: expected tensor<2x4xf32>, got tensor<8xf32>");
  EXPECT_EQ(
      message(compiled->call("add",
                             {BufferRef::get(static_cast<float *>(nullptr),
                                             ElementType::f32, {2, 4}),
                              B},
                             {C})),
      "input #0 of @add is a null buffer");
  EXPECT_EQ(message(compiled->call("add", {A, B}, {A})),
            "output #0 of @add overlaps input #0");
  EXPECT_EQ(message(compiled->call("sub", {A, B}, {C})),
            "no buffer function @sub (compiled: @add)");
  // Nothing ran: the output is untouched. Then a good call.
  EXPECT_EQ(c[0], 0.0f);
  ASSERT_FALSE(bool(compiled->call("add", {A, B}, {C})));
  EXPECT_EQ(c[7], 8.0f);
}

//===----------------------------------------------------------------------===//
// Errors at compile time: located diagnostics
//===----------------------------------------------------------------------===//

TEST_F(Fixture, MissingFunction) {
  EXPECT_TRUE(failsToCompile(kAdd, "main"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "1:1: no function @main to call; functions: @add");
}

TEST_F(Fixture, ReservedWrapperName) {
  // The generated wrapper's name is taken by the program: an error at the
  // function, not a symbol clash inside the lowering.
  std::string source =
      std::string(kAdd) + "func.func @__mx_buffers_add() {\n  return\n}\n";
  EXPECT_TRUE(failsToCompile(source, "add"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(
      errors[0],
      "2:1: symbol @__mx_buffers_add is reserved for the wrapper of @add");
}

TEST_F(Fixture, UnsupportedSignature) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @dyn(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}
func.func @mx(%a: tensor<1x32xf32>) -> !mx.tensor<1x32xmxfp4> {
  %q = mx.quantize %a : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp4>
  return %q : !mx.tensor<1x32xmxfp4>
}
func.func private @decl(tensor<2xf32>) -> tensor<2xf32>
)mlir");
  ASSERT_TRUE(module);
  CompileOptions options;
  options.bufferFunctions = {"dyn"};
  EXPECT_TRUE(failed(CompiledModule::compile(*module, options)));
  options.bufferFunctions = {"decl"};
  EXPECT_TRUE(failed(CompiledModule::compile(*module, options)));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "2:1: argument #0 of @dyn has type 'tensor<?xf32>'; a "
                       "function called with buffers takes and returns "
                       "statically shaped tensors (or !mx.tensor values, as "
                       "their components) of f64, f32, f16, bf16, i64, i32, "
                       "i16, i8 or i1");
  EXPECT_EQ(errors[1], "9:1: function @decl is a declaration, it has no body");
}

TEST_F(Fixture, MXTensorAsComponents) {
  // An !mx.tensor crosses as its components (docs/Lowering.md, "Stages"):
  // packed elements, block scales, and the tensor scale in a rank-0 buffer,
  // as any scalar does.
  CompileOptions options;
  options.bufferFunctions = {"q", "nv"};
  std::unique_ptr<CompiledModule> compiled = compile(R"mlir(
func.func @q(%a: tensor<1x32xf32>) -> !mx.tensor<1x32xmxfp4> {
  %q = mx.quantize %a : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp4>
  return %q : !mx.tensor<1x32xmxfp4>
}
func.func @nv(%w: !mx.tensor<1x32xnvfp4>, %s: f32) -> (tensor<1x32xf32>, f32) {
  %d = mx.dequantize %w : !mx.tensor<1x32xnvfp4> -> tensor<1x32xf32>
  return %d, %s : tensor<1x32xf32>, f32
}
)mlir",
                                                     options);
  ASSERT_TRUE(compiled);
  const FunctionSignature *q = compiled->getSignature("q");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->results.size(), 2u);
  EXPECT_EQ(q->results[0].str(), "tensor<1x16xi8>");
  EXPECT_EQ(q->results[1].str(), "tensor<1x1xi8>");
  // 48 = 6 * 2^3 everywhere: E8M0 scale code 127 + 3, every element E2M1
  // 6.0 (code 7, two per byte).
  float a[32];
  std::fill(std::begin(a), std::end(a), 48.0f);
  int8_t codes[16], scale[1];
  ASSERT_FALSE(bool(compiled->call(
      "q", {BufferRef::get(a, ElementType::f32, {1, 32})},
      {BufferRef::get(codes, ElementType::i8, {1, 16}),
       BufferRef::get(scale, ElementType::i8, {1, 1})})));
  EXPECT_EQ(uint8_t(scale[0]), 130u);
  for (int8_t c : codes)
    EXPECT_EQ(uint8_t(c), 0x77u);

  const FunctionSignature *nv = compiled->getSignature("nv");
  ASSERT_TRUE(nv);
  ASSERT_EQ(nv->inputs.size(), 4u);
  EXPECT_EQ(nv->inputs[1].str(), "tensor<1x2xi8>");
  EXPECT_EQ(nv->inputs[2].str(), "tensor<f32>");
  EXPECT_EQ(nv->results[1].str(), "tensor<f32>");
  // E2M1 1.0 (code 2) times UE4M3 1.0 (0x38) times the tensor scale 0.5.
  int8_t nvCodes[16], nvScales[2] = {0x38, 0x38};
  std::fill(std::begin(nvCodes), std::end(nvCodes), int8_t(0x22));
  float tensorScale = 0.5f, s = 3.0f, out[32], s2 = 0.0f;
  ASSERT_FALSE(bool(compiled->call(
      "nv",
      {BufferRef::get(nvCodes, ElementType::i8, {1, 16}),
       BufferRef::get(nvScales, ElementType::i8, {1, 2}),
       BufferRef::get(&tensorScale, ElementType::f32, {}),
       BufferRef::get(&s, ElementType::f32, {})},
      {BufferRef::get(out, ElementType::f32, {1, 32}),
       BufferRef::get(&s2, ElementType::f32, {})})));
  for (float v : out)
    EXPECT_EQ(v, 0.5f);
  EXPECT_EQ(s2, 3.0f);
}

TEST_F(Fixture, LoweringErrorIsLocated) {
  // FP4 rows of 3 elements do not fill whole bytes (docs/Lowering.md).
  EXPECT_TRUE(failsToCompile(R"mlir(
func.func @odd(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = mx.quantize %x : tensor<2x3xf32> -> !mx.tensor<2x3xmxfp4, block = [1, 3]>
  %d = mx.dequantize %q : !mx.tensor<2x3xmxfp4, block = [1, 3]> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}
)mlir",
                             "odd"));
  ASSERT_FALSE(errors.empty());
  // Located in the function's body, at the op whose type cannot lower.
  EXPECT_EQ(errors[0].rfind("3:8: 'mx.quantize' op cannot be lowered", 0), 0u)
      << errors[0];
  EXPECT_NE(errors[0].find("byte aligned"), std::string::npos) << errors[0];
}

TEST_F(Fixture, UndefinedSymbolIsACompileError) {
  // The JIT links nothing but the module (and the C library).
  EXPECT_TRUE(failsToCompile(R"mlir(
func.func private @external(f32) -> f32
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c0 = arith.constant 0 : index
  %e = tensor.extract %x[%c0] : tensor<2xf32>
  %y = call @external(%e) : (f32) -> f32
  %t = tensor.from_elements %y, %y : tensor<2xf32>
  return %t : tensor<2xf32>
}
)mlir",
                             "f"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("1:1: JIT compilation failed: ", 0), 0u)
      << errors[0];
}

//===----------------------------------------------------------------------===//
// Repeated calls free what they allocate
//===----------------------------------------------------------------------===//

std::atomic<int64_t> allocations{0}, frees{0};

void *countingMalloc(size_t size) {
  ++allocations;
  return std::malloc(size);
}
void *countingAlignedAlloc(size_t alignment, size_t size) {
  ++allocations;
  return std::aligned_alloc(alignment, size);
}
void countingFree(void *p) {
  if (p)
    ++frees;
  std::free(p);
}

CompileOptions countingOptions(StringRef fn) {
  CompileOptions options;
  options.bufferFunctions = {fn.str()};
  options.symbols["malloc"] = reinterpret_cast<void *>(&countingMalloc);
  options.symbols["aligned_alloc"] =
      reinterpret_cast<void *>(&countingAlignedAlloc);
  options.symbols["free"] = reinterpret_cast<void *>(&countingFree);
  return options;
}

/// Calls `fn` `calls` times; every call must allocate (the test would be
/// vacuous otherwise), free as many buffers as it allocated, and write the
/// same bits.
void callRepeatedly(CompiledModule &compiled, StringRef fn,
                    ArrayRef<BufferRef> inputs, int calls) {
  const FunctionSignature *sig = compiled.getSignature(fn);
  ASSERT_TRUE(sig);
  std::vector<std::vector<char>> first, now;
  std::vector<BufferRef> outputs;
  for (const TensorSpec &spec : sig->results) {
    first.emplace_back(spec.getByteSize());
    now.emplace_back(spec.getByteSize());
  }
  for (int i = 0; i < calls; ++i) {
    std::vector<std::vector<char>> &dest = i ? now : first;
    outputs.clear();
    for (auto [spec, bytes] : llvm::zip(sig->results, dest))
      outputs.push_back({bytes.data(), spec});
    int64_t a0 = allocations, f0 = frees;
    ASSERT_FALSE(bool(compiled.call(fn, inputs, outputs)));
    int64_t allocated = allocations - a0, freed = frees - f0;
    if (i == 0)
      std::printf("@%s: %lld allocations, %lld frees per call\n",
                  fn.str().c_str(), (long long)allocated, (long long)freed);
    ASSERT_GT(allocated, 0) << "call " << i;
    ASSERT_EQ(allocated, freed) << "call " << i;
    if (i) {
      for (size_t r = 0; r < now.size(); ++r)
        ASSERT_EQ(now[r], first[r]) << "result " << r << ", call " << i;
    }
  }
}

TEST_F(Fixture, MLPCallsFreeWhatTheyAllocate) {
  auto file = llvm::MemoryBuffer::getFile(MX_EXAMPLES_DIR "/mlp.mlir");
  ASSERT_TRUE(bool(file));
  CompileOptions options = countingOptions("main");
  options.fold = true;
  std::unique_ptr<CompiledModule> compiled =
      compile((*file)->getBuffer(), options);
  ASSERT_TRUE(compiled);
  callRepeatedly(*compiled, "main", {}, 100);
}

TEST_F(Fixture, QuantizeMatmulCallsFreeWhatTheyAllocate) {
  std::unique_ptr<CompiledModule> compiled = compile(R"mlir(
func.func @qmm(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>)
    -> (tensor<4x32xf32>, tensor<4x64xf32>) {
  %qx = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  %qw = mx.quantize %w : tensor<64x32xf32> -> !mx.tensor<64x32xmxfp4, block = [32, 1]>
  %y = mx.matmul %qx, %qw : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
  %d = mx.dequantize %qx : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xf32>
  return %y, %d : tensor<4x32xf32>, tensor<4x64xf32>
}
)mlir",
                                                     countingOptions("qmm"));
  ASSERT_TRUE(compiled);
  std::vector<float> x(4 * 64), w(64 * 32);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(int(i * 37 % 101) - 50) / 8.0f;
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(int(i * 53 % 97) - 48) / 16.0f;
  callRepeatedly(*compiled, "qmm",
                 {BufferRef::get(x.data(), ElementType::f32, {4, 64}),
                  BufferRef::get(w.data(), ElementType::f32, {64, 32})},
                 100);
}

} // namespace

//===----------------------------------------------------------------------===//
// CPU features
//===----------------------------------------------------------------------===//

/// One CPU-feature check of verifyCPUFeatures: a module calling x86
/// intrinsics, feature sets it runs on, and feature sets it does not, each
/// of which gives exactly `missing` (one located error per intrinsic the
/// set lacks), never the abort of LLVM's instruction selection.
struct FeatureCase {
  const char *name;
  const char *module;
  std::vector<std::vector<const char *>> accepted, rejected;
  struct Missing {
    const char *loc, *intrinsic, *features;
  };
  std::vector<Missing> missing;
};

/// gtest names a failing case by its name instead of its bytes.
void PrintTo(const FeatureCase &c, std::ostream *os) { *os << c.name; }

/// verifyCPUFeatures's error at `loc` for `intrinsic`, which needs
/// `features` (each alternative quoted).
static std::string missingFeature(StringRef loc, StringRef intrinsic,
                                  StringRef features) {
  return (loc + ": '" + intrinsic + "' needs the CPU feature " + features +
          ", which this CPU lacks (the x86 vector targets of mx-cpu-pipeline "
          "emit it; use target=host or target=generic)")
      .str();
}

const FeatureCase kFeatureCases[] = {
    // An AVX2 intrinsic needs AVX2; SSE2's pmaddwd is not checked.
    {"AVX2IntrinsicNeedsAVX2",
     R"mlir(
llvm.func @f(%t: vector<32xi8>, %i: vector<32xi8>, %w: vector<8xi16>)
    -> vector<32xi8> {
  %r = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%t, %i)
      : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
  %s = llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%w, %w)
      : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
  llvm.return %r : vector<32xi8>
}
)mlir",
     {{"avx2"}},
     {{}},
     {{"4:8", "llvm.x86.avx2.pshuf.b", "'avx2'"}}},
    // vpdpbusd ymm needs AVX512-VNNI with AVX512VL, or AVX-VNNI: AVX-512
    // alone (Skylake-X) or VNNI without VL is an error.
    {"VNNIIntrinsicNeedsVNNI",
     R"mlir(
llvm.func @f(%acc: vector<8xi32>, %u: vector<32xi8>) -> vector<8xi32> {
  %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%acc, %u, %u)
      : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
  llvm.return %r : vector<8xi32>
}
)mlir",
     {{"avx512vnni", "avx512vl"}, {"avxvnni"}},
     {{"avx512f", "avx512vl", "avx2"}, {"avx512vnni"}},
     {{"3:8", "llvm.x86.avx512.vpdpbusd.256",
       "'avx512vnni+avx512vl' or 'avxvnni'"}}},
    // The FP6 integer dot's byte ops need AVX512-VBMI with AVX512VL: VNNI
    // alone (Cascade Lake) is an error for each of them.
    {"VBMIIntrinsicsNeedVBMI",
     R"mlir(
llvm.func @f(%c: vector<32xi8>, %d: vector<32xi8>) -> vector<32xi8> {
  %f = llvm.call_intrinsic "llvm.x86.avx512.pmultishift.qb.256"(%c, %d)
      : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
  %t = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.256"(%c, %f, %d)
      : (vector<32xi8>, vector<32xi8>, vector<32xi8>) -> vector<32xi8>
  llvm.return %t : vector<32xi8>
}
)mlir",
     {{"avx512vbmi", "avx512vl"}},
     {{"avx512f", "avx512vl", "avx512vnni"}},
     {{"3:8", "llvm.x86.avx512.pmultishift.qb.256", "'avx512vbmi+avx512vl'"},
      {"5:8", "llvm.x86.avx512.vpermi2var.qi.256", "'avx512vbmi+avx512vl'"}}},
    // E3M2's word dot is zmm VNNI: AVX512-VNNI alone (no AVX512VL) runs it;
    // AVX-VNNI (VEX, ymm) and AVX512BW without VNNI do not.
    {"ZmmWordDotNeedsAVX512VNNI",
     R"mlir(
llvm.func @f(%acc: vector<16xi32>, %a: vector<32xi16>) -> vector<16xi32> {
  %d = llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"(%acc, %a, %a)
      : (vector<16xi32>, vector<32xi16>, vector<32xi16>) -> vector<16xi32>
  llvm.return %d : vector<16xi32>
}
)mlir",
     {{"avx512f", "avx512vnni"}},
     {{"avx512f", "avx512bw", "avxvnni"}},
     {{"3:8", "llvm.x86.avx512.vpdpwssd.512", "'avx512vnni'"}}},
    // The GEMV's zmm tables: the 128-entry byte table needs AVX512-VBMI
    // alone (no AVX512VL), the 64-entry word table AVX512BW; a CPU with
    // AVX512F and VNNI but neither gets an error for each.
    {"ZmmTablesNeedVBMIOrBW",
     R"mlir(
llvm.func @f(%lo: vector<64xi8>, %i: vector<64xi8>, %hi: vector<64xi8>)
    -> vector<64xi8> {
  %t = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%lo, %i, %hi)
      : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
  llvm.return %t : vector<64xi8>
}
llvm.func @g(%lo: vector<32xi16>, %i: vector<32xi16>, %hi: vector<32xi16>)
    -> vector<32xi16> {
  %w = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.hi.512"(%lo, %i, %hi)
      : (vector<32xi16>, vector<32xi16>, vector<32xi16>) -> vector<32xi16>
  llvm.return %w : vector<32xi16>
}
)mlir",
     {{"avx512f", "avx512bw", "avx512vbmi"}},
     {{"avx512f", "avx512vnni"}},
     {{"4:8", "llvm.x86.avx512.vpermi2var.qi.512", "'avx512vbmi'"},
      {"10:8", "llvm.x86.avx512.vpermi2var.hi.512", "'avx512bw'"}}},
};

/// CompileOptions::targetMachine binds the JIT's code generation, not only
/// the optimizer's cost models: AVX2 turned off there makes the AVX2
/// kernel a located error (instead of code the JIT would select with the
/// host's AVX2), and the same module compiles without it on an AVX2 host.
TEST_F(Fixture, TargetMachineFeaturesBindTheJIT) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  const char *source = R"mlir(
func.func @gemv(%a: !mx.tensor<1x64xmxint8>,
                %w: !mx.tensor<64x64xmxfp4, block = [32, 1]>)
    -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>,
      !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}
)mlir";
  MXCPUPipelineOptions pipeline;
  pipeline.target = VectorTargetKind::AVX2;
  CompileOptions options;
  options.pipeline = &pipeline;
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  ASSERT_TRUE(bool(jtmb)) << message(jtmb.takeError());
  jtmb->getFeatures().AddFeature("avx2", false);
  auto tm = jtmb->createTargetMachine();
  ASSERT_TRUE(bool(tm)) << message(tm.takeError());
  options.targetMachine = tm->get();
  OwningOpRef<ModuleOp> module = parse(source);
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(CompiledModule::compile(*module, options)));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.front().find("'llvm.x86.avx2.pshuf.b' needs the CPU "
                                "feature 'avx2', which this CPU lacks"),
            std::string::npos)
      << errors.front();
  errors.clear();
  if (!llvm::sys::getHostCPUFeatures().lookup("avx2"))
    GTEST_SKIP() << "the host lacks AVX2";
  options.targetMachine = nullptr;
  EXPECT_TRUE(compile(source, options));
}

struct CPUFeatures : Fixture, ::testing::WithParamInterface<FeatureCase> {};

/// A feature map with exactly `names` present.
static llvm::StringMap<bool> featureMap(ArrayRef<const char *> names) {
  llvm::StringMap<bool> map;
  for (const char *n : names)
    map[n] = true;
  return map;
}

TEST_P(CPUFeatures, AcceptedAndRejectedWithLocatedErrors) {
  const FeatureCase &c = GetParam();
  OwningOpRef<ModuleOp> module = parse(c.module);
  ASSERT_TRUE(module);
  for (const std::vector<const char *> &set : c.accepted) {
    EXPECT_TRUE(succeeded(verifyCPUFeatures(*module, featureMap(set))));
    EXPECT_TRUE(errors.empty()) << errors.front();
    errors.clear();
  }
  std::vector<std::string> expected;
  for (const FeatureCase::Missing &m : c.missing)
    expected.push_back(missingFeature(m.loc, m.intrinsic, m.features));
  for (const std::vector<const char *> &set : c.rejected) {
    EXPECT_TRUE(failed(verifyCPUFeatures(*module, featureMap(set))));
    EXPECT_EQ(errors, expected);
    errors.clear();
  }
}

INSTANTIATE_TEST_SUITE_P(Intrinsics, CPUFeatures,
                         ::testing::ValuesIn(kFeatureCases),
                         [](const ::testing::TestParamInfo<FeatureCase> &info) {
                           return std::string(info.param.name);
                         });
