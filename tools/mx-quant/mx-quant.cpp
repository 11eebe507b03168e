//===- mx-quant.cpp - Reference block quantizer CLI -----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Shows exactly what MX does to numbers: reads f32 values from stdin,
// quantizes them with the reference numerics library and prints codes,
// packed bytes or error statistics. The interface is a contract checked from
// outside the project (docs/Tools.md); flags may be added, none changed.
//
// Every error prints one line to stderr, exits 1 and prints nothing on
// stdout, so all output is buffered until the run has succeeded.
//
//===----------------------------------------------------------------------===//

#include "CompiledEngine.h"

#include "mx/Numerics/Codec.h"
#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Format.h"
#include "mx/Numerics/Packing.h"
#include "mx/Numerics/Quantize.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mxref;

namespace {

const char *const kHelp = R"(USAGE: mx-quant --format=NAME [options] < values

Quantizes f32 values read from stdin with MX's reference numerics
(docs/Numerics.md) and prints what each block became.

OPTIONS:
  --format=NAME          mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, mxfp4,
                         mxint8 (block 32, E8M0 scale), nvfp4 (E2M1, block 16,
                         UE4M3 scale, FP32 tensor scale) or fp8_e4m3_tensor
                         (E4M3, one FP32 scale for the whole tensor, no
                         blocks). Required.
  --scale-mode=MODE      floor (OCP v1.0, default), rceil, ceil or even. The
                         allowed modes depend on the format: mxint8 has no
                         'even'; nvfp4 and fp8_e4m3_tensor take none (each
                         has its own rule).
  --shape=RxC            Row-major tensor shape, R and C positive (default 1xN).
  --tile=RxC             Block shape (default 1x32; 1x16 for nvfp4). Blocks run
                         along rows; a 2-D tile such as 16x16 works for every
                         block-scaled format. It must divide the shape.
                         fp8_e4m3_tensor takes none (its block is the tensor).
  --emit=KIND            codes (default), packed or stats.
  --scale-layout=LAYOUT  rowmajor (default) or 128x4 (Blackwell scale-factor
                         atoms, zero padded); used by --emit=packed.
  --engine=ENGINE        reference (default): the reference numerics library;
                         compiled: MX's compiler (mx.quantize/mx.dequantize
                         lowered by mx-cpu-pipeline and JIT-compiled). Both
                         print exactly the same output.
  --max-values=N         The most values accepted (default 67108864, 2^26:
                         about 2 GB of memory at peak). A larger --shape or
                         a longer input is an error before it is stored.
  --help                 Prints this text.

INPUT: whitespace-separated f32 values, each either 0x followed by exactly 8
hex digits (the bit pattern) or a decimal literal; inf and nan are allowed.
Underflow is not an error; a decimal that overflows f32 is (write inf).

OUTPUT (--emit=codes): for nvfp4 and fp8_e4m3_tensor first
'global<TAB><f32 bits of S_dec>'; then one line per block, blocks numbered
from 0 row-major over the grid of blocks, values inside a block in row-major
order (fp8_e4m3_tensor: one line, block 0, the whole tensor):
  <index><TAB><scale code><TAB><element codes><TAB><decoded values>
scale code: 2 lowercase hex digits (E8M0, or the UE4M3 byte), '-' for
fp8_e4m3_tensor, which has no block scale; element codes:
comma-separated 2-digit lowercase hex (FP4 00-0f, FP6 00-3f, FP8/INT8 one
byte), or the single character '*' when the block's scale is NaN; decoded
values: comma-separated f32 bit patterns (8 lowercase hex digits), NaN
written 7fc00000.

OUTPUT (--emit=packed):
  elements<TAB><packed element bytes, row-major over the tensor, hex>
  scales<TAB><scale bytes in --scale-layout order, hex>   (not per tensor)
  global<TAB><S_dec bits>                      (nvfp4, fp8_e4m3_tensor)
FP4: two per byte, element 2i in the low nibble. FP6: little-endian bit
stream, four elements in three bytes. Elements of a NaN-scale block are 0.

OUTPUT (--emit=stats): <mse><TAB><rel_mse><TAB><sqnr_db><TAB><max_abs><TAB><bits>
over the finite inputs, each printed with %.9g; bits is the storage cost per
element with scales (and the tensor scale) included.

Errors print one line to stderr and exit with status 1.
)";

struct Fail {
  std::string message;
};

/// The default of --max-values: 2^26 values.
constexpr int64_t kDefaultMaxValues = int64_t(1) << 26;
/// The longest token read as one value: far beyond any useful literal (a
/// decimal may spell out many zeros), far below buffering a whole stream.
constexpr size_t kMaxTokenChars = size_t(1) << 20;

enum class Emit { Codes, Packed, Stats };

struct Options {
  std::optional<std::string> format, scaleMode, shape, tile, emit, scaleLayout,
      engine, maxValues;
  bool help = false;
};

/// Parses `RxC` into two positive integers.
std::optional<std::pair<int64_t, int64_t>> parseDims(llvm::StringRef s) {
  auto [r, c] = s.split('x');
  int64_t rows, cols;
  if (r.empty() || c.empty() || r.getAsInteger(10, rows) ||
      c.getAsInteger(10, cols) || rows <= 0 || cols <= 0 ||
      rows > (int64_t(1) << 40) || cols > (int64_t(1) << 40))
    return std::nullopt;
  // getAsInteger accepts a leading '+' or '-' only as digits fail; reject
  // anything that is not plain digits.
  if (!llvm::all_of(r, llvm::isDigit) || !llvm::all_of(c, llvm::isDigit))
    return std::nullopt;
  return std::make_pair(rows, cols);
}

std::optional<Fail> parseArgs(int argc, char **argv, Options &opts) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      opts.help = true;
      continue;
    }
    auto [name, value] = arg.split('=');
    bool hasValue = arg.contains('=');
    std::optional<std::string> *slot =
        llvm::StringSwitch<std::optional<std::string> *>(name)
            .Case("--format", &opts.format)
            .Case("--scale-mode", &opts.scaleMode)
            .Case("--shape", &opts.shape)
            .Case("--tile", &opts.tile)
            .Case("--emit", &opts.emit)
            .Case("--scale-layout", &opts.scaleLayout)
            .Case("--engine", &opts.engine)
            .Case("--max-values", &opts.maxValues)
            .Default(nullptr);
    if (!slot)
      return Fail{"unknown argument '" + arg.str() + "' (see mx-quant --help)"};
    if (!hasValue) {
      if (i + 1 >= argc)
        return Fail{"missing value for " + name.str()};
      value = argv[++i];
    }
    if (*slot)
      return Fail{name.str() + " given more than once"};
    *slot = value.str();
  }
  return std::nullopt;
}

bool isDecimalLiteral(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-'))
    ++i;
  size_t digits = 0;
  while (i < n && llvm::isDigit(s[i]))
    ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++digits;
  }
  if (digits == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      ++i;
    size_t expDigits = 0;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++expDigits;
    if (expDigits == 0)
      return false;
  }
  return i == n;
}

std::optional<Fail> parseValue(llvm::StringRef tok, float &out) {
  if (tok.starts_with("0x") || tok.starts_with("0X")) {
    llvm::StringRef hex = tok.drop_front(2);
    uint32_t bits;
    if (hex.size() != 8 || !llvm::all_of(hex, llvm::isHexDigit) ||
        hex.getAsInteger(16, bits))
      return Fail{"invalid value '" + tok.str() +
                  "': a bit pattern is 0x followed by exactly 8 hex digits"};
    out = bitsToFloat(bits);
    return std::nullopt;
  }
  llvm::StringRef body = tok;
  bool neg = body.consume_front("-");
  if (!neg)
    body.consume_front("+");
  std::string lower = body.lower();
  if (lower == "inf" || lower == "infinity") {
    out = neg ? -INFINITY : INFINITY;
    return std::nullopt;
  }
  if (lower == "nan") {
    out = neg ? -NAN : NAN;
    return std::nullopt;
  }
  if (!isDecimalLiteral(tok))
    return Fail{"invalid value '" + tok.str() +
                "': expected a decimal literal, inf, nan or 0x and 8 hex "
                "digits"};
  std::string buf = tok.str();
  errno = 0;
  char *end = nullptr;
  float v = std::strtof(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size())
    return Fail{"invalid value '" + tok.str() + "'"};
  if (std::isinf(v))
    return Fail{"value '" + tok.str() +
                "' overflows f32 (write inf for infinity)"};
  out = v;
  return std::nullopt;
}

std::string hexBytes(llvm::ArrayRef<uint8_t> bytes) {
  std::string s;
  s.reserve(bytes.size() * 2);
  for (uint8_t b : bytes)
    s += llvm::formatv("{0:x-2}", b).str();
  return s;
}

std::string hexFloat(float v) {
  uint32_t bits = std::isnan(v) ? 0x7fc00000u : floatBits(v);
  return llvm::formatv("{0:x-8}", bits).str();
}

std::string formatStat(double v) {
  if (std::isnan(v))
    return "nan";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::optional<Fail> run(const Options &opts,
                        llvm::function_ref<size_t(char *, size_t)> readInput,
                        std::string &out) {
  // These two messages are checked verbatim from outside the project
  // (docs/Tools.md: the interface does not change), so they keep their
  // original list; --help and docs/Tools.md list fp8_e4m3_tensor too.
  if (!opts.format)
    return Fail{"missing --format (one of: mxfp8_e4m3, mxfp8_e5m2, "
                "mxfp6_e2m3, mxfp6_e3m2, mxfp4, mxint8, nvfp4)"};
  std::optional<Format> format = lookupPreset(*opts.format);
  if (!format)
    return Fail{"unknown format '" + *opts.format +
                "' (one of: mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, "
                "mxfp4, mxint8, nvfp4)"};

  QuantOptions qopts;
  if (opts.scaleMode) {
    std::optional<ScaleMode> mode = symbolizeScaleMode(*opts.scaleMode);
    if (!mode || *mode == ScaleMode::NVFP4 || *mode == ScaleMode::Tensor)
      return Fail{"unknown scale mode '" + *opts.scaleMode +
                  "' (one of: floor, rceil, ceil, even)"};
    if (format->scale == ScaleKind::UE4M3)
      return Fail{*opts.format + " uses its own two-level scale rule; "
                                 "--scale-mode is not accepted for it"};
    if (format->isPerTensor())
      return Fail{*opts.format + " uses its own per-tensor scale rule; "
                                 "--scale-mode is not accepted for it"};
    if (auto err = checkScaleMode(*format, *mode))
      return Fail{*err};
    qopts.scaleMode = *mode;
  }

  Emit emit = Emit::Codes;
  if (opts.emit) {
    if (*opts.emit == "codes")
      emit = Emit::Codes;
    else if (*opts.emit == "packed")
      emit = Emit::Packed;
    else if (*opts.emit == "stats")
      emit = Emit::Stats;
    else
      return Fail{"unknown emit kind '" + *opts.emit +
                  "' (one of: codes, packed, stats)"};
  }

  ScaleLayout layout = ScaleLayout::RowMajor;
  if (opts.scaleLayout) {
    // The CLI's documented spellings; the IR and the libraries say
    // row_major and blackwell_128x4.
    std::optional<ScaleLayout> l =
        llvm::StringSwitch<std::optional<ScaleLayout>>(*opts.scaleLayout)
            .Case("rowmajor", ScaleLayout::RowMajor)
            .Case("128x4", ScaleLayout::Blackwell128x4)
            .Default(std::nullopt);
    if (!l)
      return Fail{"unknown scale layout '" + *opts.scaleLayout +
                  "' (one of: rowmajor, 128x4)"};
    layout = *l;
  }

  bool compiled = false;
  if (opts.engine) {
    if (*opts.engine == "compiled")
      compiled = true;
    else if (*opts.engine != "reference")
      return Fail{"unknown engine '" + *opts.engine +
                  "' (one of: reference, compiled)"};
  }

  std::optional<std::pair<int64_t, int64_t>> shape, tile;
  if (opts.shape && !(shape = parseDims(*opts.shape)))
    return Fail{"invalid --shape '" + *opts.shape +
                "': expected RxC with positive integers R and C"};
  if (opts.tile && !(tile = parseDims(*opts.tile)))
    return Fail{"invalid --tile '" + *opts.tile +
                "': expected RxC with positive integers R and C"};

  // The memory limit (docs/Tools.md): checked against --shape first, then
  // while reading, so an oversized stream fails before it is stored.
  int64_t maxValues = kDefaultMaxValues;
  if (opts.maxValues) {
    llvm::StringRef text = *opts.maxValues;
    if (text.empty() || !llvm::all_of(text, llvm::isDigit) ||
        text.getAsInteger(10, maxValues) || maxValues <= 0)
      return Fail{"invalid --max-values '" + *opts.maxValues +
                  "': expected a positive integer"};
  }
  auto tooMany = [&](llvm::StringRef what) {
    return Fail{llvm::formatv("{0} more than {1} values, the limit (raise it "
                              "with --max-values, or quantize in parts)",
                              what, maxValues)
                    .str()};
  };
  if (shape && (shape->first > maxValues / shape->second))
    return tooMany("--shape=" + *opts.shape + " has");

  // Read and parse stdin a chunk at a time; a token may span two chunks.
  std::vector<float> values;
  std::string pending; // the unfinished token at the end of the last chunk
  char buf[1 << 16];
  size_t got;
  const char *space = " \t\n\r\v\f";
  auto addToken = [&](llvm::StringRef tok) -> std::optional<Fail> {
    if (int64_t(values.size()) >= maxValues)
      return tooMany("the input has");
    float v;
    if (auto err = parseValue(tok, v))
      return err;
    values.push_back(v);
    return std::nullopt;
  };
  while ((got = readInput(buf, sizeof(buf))) > 0) {
    llvm::StringRef rest(buf, got);
    while (!rest.empty()) {
      size_t end = rest.find_first_of(space);
      if (end == llvm::StringRef::npos) {
        pending.append(rest.data(), rest.size());
        // No f32 literal is this long: fail before buffering a huge token.
        if (pending.size() > kMaxTokenChars)
          return Fail{"invalid value '" + pending.substr(0, 32) +
                      "...': longer than " + std::to_string(kMaxTokenChars) +
                      " characters"};
        break;
      }
      pending.append(rest.data(), end);
      rest = rest.drop_front(end).ltrim(space);
      if (!pending.empty()) {
        if (auto err = addToken(pending))
          return err;
        pending.clear();
      }
    }
  }
  if (!pending.empty())
    if (auto err = addToken(pending))
      return err;
  if (values.empty())
    return Fail{"empty input: expected f32 values on stdin"};

  int64_t rows = 1, cols = int64_t(values.size());
  if (shape) {
    rows = shape->first;
    cols = shape->second;
    int64_t count;
    if (__builtin_mul_overflow(rows, cols, &count) ||
        count != int64_t(values.size()))
      return Fail{llvm::formatv("--shape={0}x{1} does not match the {2} "
                                "values read",
                                rows, cols, values.size())
                      .str()};
  }
  int64_t tileRows = 1, tileCols = format->defaultBlock;
  if (format->isPerTensor()) {
    if (tile)
      return Fail{*opts.format + " has no blocks (its block is the whole "
                                 "tensor); --tile is not accepted for it"};
    tileRows = rows;
    tileCols = cols;
  } else if (tile) {
    tileRows = tile->first;
    tileCols = tile->second;
  }
  if (rows % tileRows != 0 || cols % tileCols != 0)
    return Fail{llvm::formatv("block {0}x{1} does not divide shape {2}x{3}",
                              tileRows, tileCols, rows, cols)
                    .str()};

  int64_t shapeArr[2] = {rows, cols}, blockArr[2] = {tileRows, tileCols};
  llvm::Expected<QuantizedTensor> q =
      quantize(values, shapeArr, blockArr, *format, qopts);
  if (!q)
    return Fail{llvm::toString(q.takeError())};
  // The compiled engine replaces the codes and the decoded values; the
  // reference run above only validated the request (same errors).
  std::vector<float> decoded;
  if (compiled) {
    if (auto err = quantizeCompiled(values, rows, cols, tileRows, tileCols,
                                    *format, qopts.scaleMode, *q, decoded))
      return Fail{*err};
  } else if (emit == Emit::Codes) {
    decoded = dequantize(*q);
  }

  switch (emit) {
  case Emit::Codes: {
    if (format->tensorScale)
      out += "global\t" + hexFloat(q->tensorDecodeScale) + "\n";
    forEachBlock(
        shapeArr, blockArr, [&](int64_t b, llvm::ArrayRef<int64_t> idx) {
          bool perTensor = format->isPerTensor();
          uint8_t scale = perTensor ? 0 : q->scales[b];
          bool nanScale = !perTensor && isNaNScale(format->scale, scale);
          // A NaN-scale block's codes are unspecified: the whole
          // field is the single character '*'.
          std::string codes = nanScale ? "*" : "", vals;
          for (auto [k, i] : llvm::enumerate(idx)) {
            if (k) {
              if (!nanScale)
                codes += ',';
              vals += ',';
            }
            if (!nanScale)
              codes += hexBytes(q->elements[i]);
            vals += hexFloat(decoded[i]);
          }
          std::string scaleField =
              perTensor ? "-" : llvm::formatv("{0:x-2}", scale).str();
          out +=
              llvm::formatv("{0}\t{1}\t{2}\t{3}\n", b, scaleField, codes, vals)
                  .str();
        });
    break;
  }
  case Emit::Packed: {
    out +=
        "elements\t" + hexBytes(packElements(format->elem, q->elements)) + "\n";
    // A per-tensor format has no scales (nor a layout for them).
    if (format->hasBlockScales()) {
      int64_t gridRows = rows / tileRows, gridCols = cols / tileCols;
      std::vector<uint8_t> scales =
          layout == ScaleLayout::RowMajor
              ? q->scales
              : toBlackwell128x4(q->scales, gridRows, gridCols);
      out += "scales\t" + hexBytes(scales) + "\n";
    }
    if (format->tensorScale)
      out += "global\t" + hexFloat(q->tensorDecodeScale) + "\n";
    break;
  }
  case Emit::Stats: {
    ErrorStats s = computeErrorStats(values, *q);
    out += formatStat(s.mse) + "\t" + formatStat(s.relMse) + "\t" +
           formatStat(s.sqnrDb) + "\t" + formatStat(s.maxAbs) + "\t" +
           formatStat(s.bitsPerElement) + "\n";
    break;
  }
  }
  return std::nullopt;
}

} // namespace

/// The whole tool without process I/O, so the fuzzer (fuzz/mx-fuzz-quant.cpp)
/// can call it: stdin is read through `readInput` (a chunk at a time, 0 at
/// the end) only once the options are
/// valid; returns the exit status with stdout's and stderr's text.
int mxQuantMain(int argc, char **argv,
                llvm::function_ref<size_t(char *, size_t)> readInput,
                std::string &out, std::string &err) {
  Options opts;
  std::optional<Fail> fail = parseArgs(argc, argv, opts);
  if (!fail && opts.help) {
    out = kHelp;
    return 0;
  }
  if (!fail)
    fail = run(opts, readInput, out);
  if (fail) {
    out.clear();
    // One line, whatever the arguments or input held: control characters
    // (a newline in an argument, a NUL in a token) are written as \xNN.
    std::string line;
    for (char c : fail->message) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f)
        line += llvm::formatv("\\x{0:x-2}", unsigned(u)).str();
      else
        line += c;
    }
    err = "mx-quant: error: " + line + "\n";
    return 1;
  }
  return 0;
}

#ifndef MX_QUANT_NO_MAIN
int main(int argc, char **argv) {
  std::string out, err;
  int status = mxQuantMain(
      argc, argv,
      [](char *buf, size_t size) { return std::fread(buf, 1, size, stdin); },
      out, err);
  if (status) {
    std::fputs(err.c_str(), stderr);
    return status;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
#endif
