//===- mx-fuzz-type-parser.cpp - Fuzz the MX attribute and type parser ----===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target (docs/Fuzzing.md): the input is parsed as an attribute
// (`#mx.format<...>`, `#mx.policy<...>`) or a type (`!mx.tensor<...>`) in a
// context with the MX dialect loaded. Any input may be rejected with a
// diagnostic; none may crash. What parses is printed and parsed again, and
// must give back the same MX attribute or type (the printer round-trips).
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXDialect.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

using namespace mlir;

namespace {

/// A context shared by successive inputs (creating one per input would
/// dominate the run), replaced every kInputsPerContext inputs: a context
/// keeps every attribute and type it ever uniqued, so a long run would
/// otherwise grow without bound (about 4 GB after 9 million inputs) and
/// hit libFuzzer's RSS limit with no bug to show for it.
constexpr int kInputsPerContext = 200000;

MLIRContext &getContext() {
  static std::unique_ptr<MLIRContext> ctx;
  static int uses = 0;
  if (!ctx || ++uses % kInputsPerContext == 0) {
    ctx = std::make_unique<MLIRContext>(MLIRContext::Threading::DISABLED);
    ctx->loadDialect<mx::MXDialect>();
    ctx->allowUnregisteredDialects(false);
    // Errors are expected; they must only not crash.
    ctx->getDiagEngine().registerHandler(
        [](Diagnostic &) { return success(); });
  }
  return *ctx;
}

template <typename T>
void checkRoundTrip(T parsed, T reparsed, llvm::StringRef kind) {
  if (parsed == reparsed)
    return;
  std::string a, b;
  llvm::raw_string_ostream(a) << parsed;
  llvm::raw_string_ostream(b) << reparsed;
  std::fprintf(stderr, "%s does not round-trip:\n  %s\n  %s\n", kind.data(),
               a.c_str(), b.empty() ? "<parse error>" : b.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Attributes and types are short; a long input only slows the search.
  if (size > 4096)
    return 0;
  MLIRContext &ctx = getContext();
  std::string text(reinterpret_cast<const char *>(data), size);
  // Round trips are checked for MX's own attributes and types; upstream's
  // printers are not MX's to test.
  if (Attribute attr = parseAttribute(text, &ctx);
      attr && attr.getDialect().getNamespace() == "mx") {
    std::string printed;
    llvm::raw_string_ostream(printed) << attr;
    checkRoundTrip(attr, parseAttribute(printed, &ctx), "attribute");
  }
  if (Type type = parseType(text, &ctx);
      type && type.getDialect().getNamespace() == "mx") {
    std::string printed;
    llvm::raw_string_ostream(printed) << type;
    checkRoundTrip(type, parseType(printed, &ctx), "type");
  }
  return 0;
}
