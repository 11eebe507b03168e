//===- mx-fuzz-quant.cpp - Fuzz mx-quant's flags and input ----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target (docs/Fuzzing.md): mx-quant's whole tool (mxQuantMain,
// tools/mx-quant/mx-quant.cpp) on arguments and stdin taken from the input.
// The first line holds the arguments, separated by spaces; the rest is
// stdin. Besides not crashing, the tool must keep its documented contract
// (docs/Tools.md): success prints something and nothing on stderr; an error
// prints exactly one line `mx-quant: error: ...` and nothing on stdout.
// `--engine=compiled` is skipped: it JIT-compiles each input (seconds), and
// its output is compared with the reference by test/mx-quant.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int mxQuantMain(int argc, char **argv,
                llvm::function_ref<size_t(char *, size_t)> readInput,
                std::string &out, std::string &err);

namespace {

[[noreturn]] void fail(const char *what, const std::string &out,
                       const std::string &err) {
  std::fprintf(stderr, "mx-fuzz-quant: %s\nstdout: %s\nstderr: %s\n", what,
               out.c_str(), err.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1 << 16))
    return 0;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto [argLine, rest] = text.split('\n');
  std::string input = rest.str();
  llvm::SmallVector<std::string> args = {"mx-quant"};
  llvm::SmallVector<llvm::StringRef> parts;
  argLine.split(parts, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef p : parts) {
    if (p.ends_with("compiled"))
      return 0;
    args.push_back(p.str());
  }
  llvm::SmallVector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::string out, err;
  int status = mxQuantMain(
      int(args.size()), argv.data(),
      [&, pos = size_t(0)](char *buf, size_t size) mutable {
        size_t n = std::min(size, input.size() - pos);
        std::memcpy(buf, input.data() + pos, n);
        pos += n;
        return n;
      },
      out, err);
  if (status == 0) {
    if (out.empty() || !err.empty())
      fail("success must print output and no error", out, err);
  } else {
    llvm::StringRef e = err;
    if (status != 1 || !out.empty() || !e.starts_with("mx-quant: error: ") ||
        !e.ends_with("\n") || e.drop_back().contains('\n'))
      fail("an error must be one line on stderr and nothing on stdout", out,
           err);
  }
  return 0;
}
