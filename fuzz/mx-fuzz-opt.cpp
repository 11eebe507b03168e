//===- mx-fuzz-opt.cpp - Fuzz parsing, verification and MX pipelines -----===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target (docs/Fuzzing.md): the input is an MLIR module. It is
// parsed and verified in a context holding everything mx-opt registers,
// then each MX pass pipeline runs on its own copy: mx-apply-policy,
// mx-select-formats, canonicalize (the folders), mx-outline-kernels,
// convert-mx-to-linalg (scalar and vector), mx-cpu-pipeline and
// convert-mx-to-gpu for three chip classes. Diagnostics are swallowed: an input may be rejected anywhere,
// but nothing may crash. Inputs above 8 KiB, or with a tensor of more than
// 2^16 elements, are skipped so that one input cannot take minutes (the
// folders and lowerings are linear in the element count; docs/Fuzzing.md),
// and so are inputs that would hit a known crash of upstream MLIR's parser.
//
//===----------------------------------------------------------------------===//

#include "mx/InitAllDialects.h"
#include "mx/InitAllPasses.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlir;

namespace {

constexpr size_t kMaxInputBytes = 8192;
constexpr int64_t kMaxElements = int64_t(1) << 16;

// One pipeline per MX entry point a user reaches through mx-opt.
const char *const kPipelines[] = {
    "mx-apply-policy",
    "mx-select-formats{avg-bits=6}",
    "canonicalize",
    "mx-outline-kernels",
    "convert-mx-to-linalg",
    "convert-mx-to-linalg{vectorize=true target=avx512}",
    "mx-cpu-pipeline",
    "convert-mx-to-gpu{chip=sm_80}",
    "convert-mx-to-gpu{chip=sm_90a}",
    "convert-mx-to-gpu{chip=sm_100a}",
};

struct Setup {
  DialectRegistry registry;
  std::unique_ptr<MLIRContext> ctx;
  Setup() {
    mx::registerAllDialects(registry);
    registerAllPasses();
    mx::registerAllPasses();
    ctx = std::make_unique<MLIRContext>(registry,
                                        MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->getDiagEngine().registerHandler(
        [](Diagnostic &) { return success(); });
  }
};

Setup &getSetup() {
  static Setup *setup = new Setup();
  return *setup;
}

/// Whether some shaped type in the module exceeds the element cap. A huge
/// shape is legal IR (and must be diagnosed, not crash, where it is
/// materialized), but the fuzzer wants throughput.
bool tooLarge(Operation *root) {
  auto big = [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    if (!shaped || !shaped.hasRank())
      return false;
    int64_t n = 1;
    for (int64_t d : shaped.getShape())
      if (d > 0 && __builtin_mul_overflow(n, d, &n))
        return true;
    return n > kMaxElements;
  };
  bool found = false;
  root->walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      found |= big(t);
    for (Region &r : op->getRegions())
      for (Block &b : r)
        for (BlockArgument a : b.getArguments())
          found |= big(a.getType());
    return found ? WalkResult::interrupt() : WalkResult::advance();
  });
  return found;
}

/// Whether `text` starts with a list MLIR parses as a dense i64 array:
/// `[` integers separated by commas `]` (at most 18 digits each).
bool isI64List(llvm::StringRef text) {
  if (!text.consume_front("["))
    return false;
  text = text.ltrim();
  if (text.starts_with("]"))
    return true;
  while (true) {
    text.consume_front("-");
    size_t digits = text.find_first_not_of("0123456789");
    if (digits == 0 || digits > 18 || digits == llvm::StringRef::npos)
      return false;
    text = text.drop_front(digits).ltrim();
    if (text.starts_with("]"))
      return true;
    if (!text.consume_front(","))
      return false;
    text = text.ltrim();
  }
}

/// Whether the text may hit a known crash of upstream MLIR 22.1's parser
/// (docs/Robustness.md, "Upstream MLIR issues"): the custom parsers of
/// linalg.transpose, linalg.broadcast and linalg.reduce set a null attribute
/// when what follows `permutation =` or `dimensions =` is no well-formed
/// i64 list. Such inputs are skipped so that the run keeps looking for MX's
/// bugs.
bool knownUpstreamCrash(llvm::StringRef text) {
  for (llvm::StringRef key : {"permutation", "dimensions"}) {
    for (size_t pos = text.find(key); pos != llvm::StringRef::npos;
         pos = text.find(key, pos + 1)) {
      llvm::StringRef rest = text.drop_front(pos + key.size()).ltrim();
      if (rest.consume_front("=") && !isI64List(rest.ltrim()))
        return true;
    }
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInputBytes)
    return 0;
  Setup &setup = getSetup();
  MLIRContext &ctx = *setup.ctx;
  // MLIR's lexer reads the byte past the end of its buffer (a terminating
  // NUL, as every MemoryBuffer has); libFuzzer's data has none.
  std::string source(reinterpret_cast<const char *>(data), size);
  llvm::StringRef text(source);
  if (knownUpstreamCrash(text))
    return 0;
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  if (!module || failed(verify(*module)) || tooLarge(*module))
    return 0;
  for (const char *pipeline : kPipelines) {
    OwningOpRef<ModuleOp> copy = module->clone();
    PassManager pm(&ctx);
    if (failed(parsePassPipeline(pipeline, pm))) {
      std::fprintf(stderr, "mx-fuzz-opt: bad pipeline '%s'\n", pipeline);
      std::abort();
    }
    (void)pm.run(*copy);
  }
  return 0;
}
