//===- mx-fuzz-quantizer-diff.cpp - Reference quantizer vs. exact oracle --===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target (docs/Fuzzing.md): mxref::quantize and mxref::dequantize
// on arbitrary f32 bit patterns, for every preset, scale mode, rounding and
// a choice of block shapes, against an oracle written here from
// docs/Numerics.md alone. The oracle shares no code with lib/Numerics: an
// element value is found by searching every code of the kind for the
// nearest value (ties to the even code), the scale exponent from frexp on
// exact doubles, and the f32 steps of NVFP4 and per-tensor FP8 are written
// out one rounding at a time (built with -ffp-contract=off). Any difference
// prints the case and aborts.
//
// Input: byte 0 the preset, byte 1 the scale mode, byte 2 the block shape,
// byte 3 the rounding and tensor-scale options, then f32 values (4 bytes
// each, little-endian).
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Format.h"
#include "mx/Numerics/Quantize.h"

#include "llvm/Support/Error.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

using namespace mxref;

namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float fromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

//===----------------------------------------------------------------------===//
// Element kinds, straight from the table of docs/Numerics.md §1.
//===----------------------------------------------------------------------===//

struct Kind {
  unsigned bits, ebits, mbits;
  int bias;
  bool isInt;
  bool e4m3Nan; ///< 0x7f/0xff are NaN (E4M3)
  bool ieeeInf; ///< all-ones exponent is Inf/NaN (E5M2)
};

Kind kindOf(ElemKind k) {
  switch (k) {
  case ElemKind::E2M1:
    return {4, 2, 1, 1, false, false, false};
  case ElemKind::E2M3:
    return {6, 2, 3, 1, false, false, false};
  case ElemKind::E3M2:
    return {6, 3, 2, 3, false, false, false};
  case ElemKind::E4M3:
    return {8, 4, 3, 7, false, true, false};
  case ElemKind::E5M2:
    return {8, 5, 2, 15, false, false, true};
  case ElemKind::INT8:
    return {8, 0, 6, 0, true, false, false};
  }
  std::abort();
}

/// The exact value of a code (NaN for NaN codes, ±Inf for E5M2's).
double decodeOracle(const Kind &k, unsigned code) {
  if (k.isInt)
    return double(int8_t(code)) / 64.0;
  unsigned sign = code >> (k.bits - 1);
  unsigned e = (code >> k.mbits) & ((1u << k.ebits) - 1);
  unsigned m = code & ((1u << k.mbits) - 1);
  if (k.e4m3Nan && (code & 0x7f) == 0x7f)
    return NAN;
  if (k.ieeeInf && e == (1u << k.ebits) - 1)
    return m ? NAN : (sign ? -INFINITY : INFINITY);
  double v = e == 0 ? std::ldexp(double(m), 1 - k.bias - int(k.mbits))
                    : std::ldexp(1.0 + std::ldexp(double(m), -int(k.mbits)),
                                 int(e) - k.bias);
  return sign ? -v : v;
}

/// The non-negative finite codes of a kind with their values.
struct Table {
  Kind kind;
  std::vector<std::pair<unsigned, double>> positive; // ascending value
  double maxValue = 0;
  int emax = 0; ///< floor(log2 maxValue)
};

Table makeTable(ElemKind ek) {
  Table t{kindOf(ek), {}, 0, 0};
  unsigned limit = t.kind.isInt ? 128 : (1u << (t.kind.bits - 1));
  for (unsigned c = 0; c < limit; ++c) {
    double v = decodeOracle(t.kind, c);
    if (std::isfinite(v))
      t.positive.push_back({c, v});
  }
  std::sort(t.positive.begin(), t.positive.end(),
            [](auto &a, auto &b) { return a.second < b.second; });
  t.maxValue = t.positive.back().second;
  int e;
  std::frexp(t.maxValue, &e);
  t.emax = e - 1;
  return t;
}

const Table &tableOf(ElemKind ek) {
  static std::vector<Table> tables = [] {
    std::vector<Table> v;
    for (unsigned k = 0; k < kNumElemKinds; ++k)
      v.push_back(makeTable(ElemKind(k)));
    return v;
  }();
  return tables[unsigned(ek)];
}

/// The code of the signed value `mag` (non-negative) with sign `neg`.
uint8_t withSign(const Table &t, unsigned code, double mag, bool neg) {
  if (!neg)
    return uint8_t(code);
  if (t.kind.isInt) // two's complement; -0 is 0x00
    return uint8_t(-int(std::lround(mag * 64.0)));
  return uint8_t(code | (1u << (t.kind.bits - 1)));
}

/// A fault injected into the oracle (MX_FUZZ_ORACLE_FAULT=ties-away) so
/// that a test can show the comparison fails when the two sides differ.
bool injectedTiesAway() {
  static bool on = [] {
    const char *v = std::getenv("MX_FUZZ_ORACLE_FAULT");
    return v && std::string(v) == "ties-away";
  }();
  return on;
}

/// RNE_satfinite of an exact value: the nearest finite value, ties to the
/// even code, magnitudes beyond the maximum clamped to it, the sign kept.
/// With `random` (0..255), stochastic rounding instead (§2): the next value
/// up is taken when the fraction of the gap plus random/256 reaches 1.
uint8_t roundOracle(const Table &t, double v, int random = -1) {
  if (std::isnan(v)) {
    std::fprintf(stderr, "mx-fuzz-quantizer-diff: oracle asked to round NaN\n");
    std::abort();
  }
  bool neg = std::signbit(v);
  double a = std::fabs(v);
  const auto &p = t.positive;
  if (a >= t.maxValue)
    return withSign(t, p.back().first, p.back().second, neg);
  size_t hi = 0;
  while (p[hi].second <= a)
    ++hi;
  size_t lo = hi - 1;
  double dLo = a - p[lo].second, dHi = p[hi].second - a;
  size_t pick;
  if (random >= 0)
    pick = dLo * 256.0 >= double(256 - random) * (p[hi].second - p[lo].second)
               ? hi
               : lo;
  else if (dLo != dHi)
    pick = dLo < dHi ? lo : hi;
  else if (injectedTiesAway())
    pick = hi;
  else
    pick = (p[lo].first & 1) == 0 ? lo : hi;
  return withSign(t, p[pick].first, p[pick].second, neg);
}

//===----------------------------------------------------------------------===//
// The oracle quantizer (docs/Numerics.md §2, §3).
//===----------------------------------------------------------------------===//

struct Oracle {
  std::vector<uint8_t> elements;
  std::vector<uint8_t> scales;
  std::vector<bool> nanBlock;
  /// Elements docs/Numerics.md leaves unspecified (not compared).
  std::vector<bool> unspecified;
  std::vector<float> decoded;
  float tensorDecodeScale = 1.0f;
};

/// floor(log2 a) for a finite a > 0, exact.
int floorLog2Exact(double a) {
  int e;
  double m = std::frexp(a, &e);
  (void)m;
  return e - 1;
}
int ceilLog2Exact(double a) {
  int e;
  double m = std::frexp(a, &e);
  return m == 0.5 ? e - 1 : e;
}

uint8_t e8m0Code(const Table &t, ScaleMode mode, float amax) {
  int x;
  switch (mode) {
  case ScaleMode::Floor:
    x = amax == 0 ? -127 : floorLog2Exact(amax) - t.emax;
    break;
  case ScaleMode::Ceil:
    x = amax == 0 ? -127 : ceilLog2Exact(amax) - t.emax;
    break;
  case ScaleMode::Even: {
    uint32_t b = bitsOf(amax) + (1u << (22 - t.kind.mbits));
    x = int((b >> 23) & 0xff) - 127 - t.emax;
    break;
  }
  case ScaleMode::RCeil: {
    float inv = 1.0f / float(t.maxValue);
    float d = amax * inv;
    if (!(d > std::ldexp(1.0f, -127)))
      return 0;
    int code = ceilLog2Exact(d) + 127;
    return uint8_t(code > 254 ? 254 : code);
  }
  default:
    std::abort();
  }
  x = x < -127 ? -127 : x > 127 ? 127 : x;
  return uint8_t(x + 127);
}

/// Blocks of a row-major [rows, cols] tensor with [br, bc] tiles, in
/// row-major block order; each a list of element indices in row-major order.
std::vector<std::vector<int64_t>> blocksOf(int64_t rows, int64_t cols,
                                           int64_t br, int64_t bc) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t r0 = 0; r0 < rows; r0 += br)
    for (int64_t c0 = 0; c0 < cols; c0 += bc) {
      std::vector<int64_t> idx;
      for (int64_t r = r0; r < r0 + br; ++r)
        for (int64_t c = c0; c < c0 + bc; ++c)
          idx.push_back(r * cols + c);
      out.push_back(idx);
    }
  return out;
}

Oracle quantizeE8M0(const std::vector<float> &x, const Format &f,
                    ScaleMode mode,
                    const std::vector<std::vector<int64_t>> &blocks,
                    const std::vector<uint8_t> *random) {
  const Table &t = tableOf(f.elem);
  Oracle o;
  o.elements.assign(x.size(), 0);
  o.decoded.assign(x.size(), 0);
  for (const auto &blk : blocks) {
    bool special = false;
    float amax = 0;
    for (int64_t i : blk) {
      special |= !std::isfinite(x[i]);
      amax = std::fmax(amax, std::fabs(x[i]));
    }
    if (special) {
      o.scales.push_back(0xff);
      o.nanBlock.push_back(true);
      for (int64_t i : blk)
        o.decoded[i] = NAN;
      continue;
    }
    uint8_t s = e8m0Code(t, mode, amax);
    int xexp = int(s) - 127;
    o.scales.push_back(s);
    o.nanBlock.push_back(false);
    for (int64_t i : blk) {
      double scaled = std::ldexp(double(x[i]), -xexp); // exact
      uint8_t c = roundOracle(t, scaled, random ? (*random)[i] : -1);
      o.elements[i] = c;
      o.decoded[i] = float(std::ldexp(decodeOracle(t.kind, c), xexp));
    }
  }
  return o;
}

/// max |x| ignoring NaN, in f32.
float amaxIgnoringNaN(const std::vector<float> &x) {
  float a = 0;
  for (float v : x)
    if (!std::isnan(v) && std::fabs(v) > a)
      a = std::fabs(v);
  return a;
}

/// S_enc from a target (448·6 or 448) and the amax, or from a calibrated
/// S_dec; returns {S_enc, S_dec}.
std::pair<float, float> tensorScales(float target, float amax,
                                     const float *calibrated) {
  float enc;
  if (calibrated) {
    enc = std::fmin(1.0f / *calibrated, FLT_MAX);
    return {enc, *calibrated};
  }
  enc = std::fmin(target / amax, FLT_MAX);
  if (amax == 0 || enc == 0)
    enc = 1.0f;
  return {enc, 1.0f / enc};
}

Oracle quantizeNVFP4(const std::vector<float> &x,
                     const std::vector<std::vector<int64_t>> &blocks,
                     const std::vector<uint8_t> *random,
                     const float *calibrated) {
  const Table &e2m1 = tableOf(ElemKind::E2M1), &e4m3 = tableOf(ElemKind::E4M3);
  Oracle o;
  o.elements.assign(x.size(), 0);
  o.decoded.assign(x.size(), 0);
  o.unspecified.assign(x.size(), false);
  float target = 448.0f * 6.0f;
  auto [enc, dec] = tensorScales(target, amaxIgnoringNaN(x), calibrated);
  o.tensorDecodeScale = dec;
  float sixth = 1.0f / 6.0f;
  float encSixth = enc * sixth;
  for (const auto &blk : blocks) {
    bool nan = false;
    float bamax = 0;
    for (int64_t i : blk) {
      nan |= std::isnan(x[i]);
      if (!std::isnan(x[i]))
        bamax = std::fmax(bamax, std::fabs(x[i]));
    }
    if (nan) {
      o.scales.push_back(0x7f);
      o.nanBlock.push_back(true);
      for (int64_t i : blk)
        o.decoded[i] = NAN;
      continue;
    }
    float sdb = bamax * encSixth;
    uint8_t scale = roundOracle(e4m3, double(std::fmin(sdb, FLT_MAX)));
    float scaleValue = float(decodeOracle(e4m3.kind, scale));
    float scaleDec = scaleValue * dec;
    float encb = std::fmin(1.0f / scaleDec, FLT_MAX);
    o.scales.push_back(scale);
    o.nanBlock.push_back(false);
    for (int64_t i : blk) {
      float v = x[i] * encb;
      // ±Inf times an S_encb of 0 (a calibrated S_dec so large that
      // scale · S_dec overflows) is NaN, and RNE_satfinite of NaN into
      // E2M1 (which has no NaN) is not defined by docs/Numerics.md §3.
      if (std::isnan(v)) {
        o.unspecified[i] = true;
        continue;
      }
      uint8_t c = roundOracle(e2m1, double(v), random ? (*random)[i] : -1);
      o.elements[i] = c;
      float p = float(decodeOracle(e2m1.kind, c)) * scaleValue;
      o.decoded[i] = p * dec;
    }
  }
  return o;
}

Oracle quantizePerTensor(const std::vector<float> &x,
                         const std::vector<uint8_t> *random,
                         const float *calibrated) {
  const Table &e4m3 = tableOf(ElemKind::E4M3);
  Oracle o;
  auto [enc, dec] = tensorScales(448.0f, amaxIgnoringNaN(x), calibrated);
  o.tensorDecodeScale = dec;
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) {
      o.elements.push_back(0x7f); // either sign: compared as NaN
      o.decoded.push_back(NAN);
      continue;
    }
    float v = x[i] * enc;
    uint8_t c = roundOracle(e4m3, double(v), random ? (*random)[i] : -1);
    o.elements.push_back(c);
    o.decoded.push_back(float(decodeOracle(e4m3.kind, c)) * dec);
  }
  return o;
}

//===----------------------------------------------------------------------===//
// The comparison.
//===----------------------------------------------------------------------===//

struct Case {
  std::string preset;
  std::string mode;
  bool stochastic;
  int64_t rows, cols, br, bc;
  const std::vector<float> *values;
};

[[noreturn]] void mismatch(const Case &c, const std::string &what) {
  std::fprintf(stderr,
               "mx-fuzz-quantizer-diff: MISMATCH %s\n  preset %s, mode %s, "
               "rounding %s, shape %lldx%lld, block %lldx%lld\n  values:",
               what.c_str(), c.preset.c_str(), c.mode.c_str(),
               c.stochastic ? "stochastic" : "rne", (long long)c.rows,
               (long long)c.cols, (long long)c.br, (long long)c.bc);
  for (float v : *c.values)
    std::fprintf(stderr, " 0x%08x", bitsOf(v));
  std::fprintf(stderr, "\n");
  std::abort();
}

bool sameFloat(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bitsOf(a) == bitsOf(b);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8 || size > 4 + 4 * 1024)
    return 0;
  llvm::ArrayRef<Preset> presets = getPresets();
  const Preset &preset = presets[data[0] % presets.size()];
  const Format &f = preset.format;
  bool stochastic = data[3] & 1;
  bool calibrate = (data[3] & 2) && f.tensorScale;

  std::vector<float> values;
  for (size_t i = 4; i + 4 <= size; i += 4) {
    uint32_t u = uint32_t(data[i]) | uint32_t(data[i + 1]) << 8 |
                 uint32_t(data[i + 2]) << 16 | uint32_t(data[i + 3]) << 24;
    values.push_back(fromBits(u));
  }
  // A calibrated S_dec is the first value; the tensor is the rest.
  std::optional<float> sdec;
  if (calibrate) {
    sdec = values.front();
    values.erase(values.begin());
    if (values.empty())
      return 0;
  }

  // Block shape: byte 2 picks rows (1 or 2), the tile's rows (1 or all) and
  // its columns (1, 2, 4, 8, 16 or 32); the column count is cut to a
  // multiple of the tile. Per-tensor formats take the whole tensor.
  int64_t rows = (data[2] & 1) && values.size() >= 2 ? 2 : 1;
  int64_t br = (data[2] & 2) ? rows : 1;
  static const int64_t tileCols[] = {1, 2, 4, 8, 16, 32, 32, 16};
  int64_t bc = tileCols[(data[2] >> 2) & 7];
  int64_t cols = int64_t(values.size()) / rows;
  if (f.isPerTensor())
    bc = cols;
  cols -= cols % bc;
  if (cols == 0)
    return 0;
  if (f.isPerTensor())
    br = rows;
  values.resize(size_t(rows * cols));

  // Scale mode: every mode the validity table allows for the format.
  std::vector<ScaleMode> modes;
  for (unsigned m = 0; m < kNumScaleModes; ++m)
    if (!checkScaleMode(f, ScaleMode(m)))
      modes.push_back(ScaleMode(m));
  if (modes.empty())
    std::abort();
  ScaleMode mode = modes[data[1] % modes.size()];

  std::vector<uint8_t> random;
  if (stochastic)
    for (size_t i = 0; i < values.size(); ++i)
      random.push_back(uint8_t((bitsOf(values[i]) * 2654435761u + i) >> 24));

  Case c{preset.name, stringifyScaleMode(mode).str(),
         stochastic,  rows,
         cols,        br,
         bc,          &values};

  QuantOptions opts;
  opts.scaleMode = mode;
  if (stochastic) {
    opts.rounding = Rounding::Stochastic;
    opts.randomBits = random;
  }
  if (sdec)
    opts.tensorDecodeScale = *sdec;
  int64_t shape[2] = {rows, cols}, block[2] = {br, bc};
  llvm::Expected<QuantizedTensor> q = quantize(values, shape, block, f, opts);

  bool badCalibration = sdec && !(std::isfinite(*sdec) && *sdec > 0);
  if (!q) {
    std::string msg = llvm::toString(q.takeError());
    if (badCalibration)
      return 0;
    mismatch(c, "quantize failed on a valid request: " + msg);
  }
  if (badCalibration)
    mismatch(c, "a non-finite or non-positive S_dec was accepted");

  auto blocks = blocksOf(rows, cols, br, bc);
  const std::vector<uint8_t> *rnd = stochastic ? &random : nullptr;
  const float *cal = sdec ? &*sdec : nullptr;
  Oracle o;
  if (f.scale == ScaleKind::E8M0)
    o = quantizeE8M0(values, f, mode, blocks, rnd);
  else if (f.scale == ScaleKind::UE4M3)
    o = quantizeNVFP4(values, blocks, rnd, cal);
  else
    o = quantizePerTensor(values, rnd, cal);

  char buf[160];
  if (!sameFloat(q->tensorDecodeScale, o.tensorDecodeScale)) {
    std::snprintf(buf, sizeof(buf), "tensor scale 0x%08x, oracle 0x%08x",
                  bitsOf(q->tensorDecodeScale), bitsOf(o.tensorDecodeScale));
    mismatch(c, buf);
  }
  if (q->scales.size() != o.scales.size())
    mismatch(c, "number of scales");
  for (size_t b = 0; b < o.scales.size(); ++b)
    if (q->scales[b] != o.scales[b]) {
      std::snprintf(buf, sizeof(buf), "block %zu scale 0x%02x, oracle 0x%02x",
                    b, q->scales[b], o.scales[b]);
      mismatch(c, buf);
    }
  // Element codes of a NaN-scale block are unspecified; a NaN element of a
  // per-tensor tensor may have either sign.
  std::vector<bool> skip(values.size(), false);
  for (size_t b = 0; b < o.nanBlock.size(); ++b)
    if (o.nanBlock[b])
      for (int64_t i : blocks[b])
        skip[i] = true;
  std::vector<float> dq = dequantize(*q);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!o.unspecified.empty() && o.unspecified[i])
      continue;
    bool nanCode = f.isPerTensor() && std::isnan(values[i]);
    uint8_t got = q->elements[i], want = o.elements[i];
    if (!skip[i] && (nanCode ? (got & 0x7f) != 0x7f : got != want)) {
      std::snprintf(buf, sizeof(buf),
                    "element %zu (0x%08x) code 0x%02x, oracle 0x%02x", i,
                    bitsOf(values[i]), got, want);
      mismatch(c, buf);
    }
    if (!sameFloat(dq[i], o.decoded[i])) {
      std::snprintf(buf, sizeof(buf),
                    "element %zu (0x%08x) decodes to 0x%08x, oracle 0x%08x", i,
                    bitsOf(values[i]), bitsOf(dq[i]), bitsOf(o.decoded[i]));
      mismatch(c, buf);
    }
  }
  return 0;
}
