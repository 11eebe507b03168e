//===- Quantize.cpp - Block quantization of f32 tensors -------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Quantize.h"
#include "mx/Numerics/Codec.h"

#include "Support.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace mxref;
using mxref::detail::makeError;
using mxref::detail::product;

int64_t QuantizedTensor::getNumElements() const { return product(shape); }

llvm::SmallVector<int64_t, 4> QuantizedTensor::getBlockGrid() const {
  llvm::SmallVector<int64_t, 4> grid;
  for (auto [s, b] : llvm::zip_equal(shape, block))
    grid.push_back(s / b);
  return grid;
}

int64_t QuantizedTensor::getNumBlocks() const {
  return product(getBlockGrid());
}

int64_t QuantizedTensor::getNumScales() const {
  return format.hasBlockScales() ? getNumBlocks() : 0;
}

std::optional<std::string>
mxref::checkBlockShape(llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<int64_t> block) {
  if (shape.size() != block.size())
    return llvm::formatv("block rank {0} does not match tensor rank {1}",
                         block.size(), shape.size())
        .str();
  for (auto [i, dims] : llvm::enumerate(llvm::zip_equal(shape, block))) {
    auto [s, b] = dims;
    if (s <= 0)
      return llvm::formatv("tensor dimension {0} must be positive, got {1}", i,
                           s)
          .str();
    if (b <= 0)
      return llvm::formatv("block dimension {0} must be positive, got {1}", i,
                           b)
          .str();
    if (s % b != 0)
      return llvm::formatv("block size {0} does not divide tensor dimension "
                           "{1} of size {2}",
                           b, i, s)
          .str();
  }
  return std::nullopt;
}

llvm::SmallVector<int64_t, 4>
mxref::getDefaultBlockShape(const Format &f, llvm::ArrayRef<int64_t> shape) {
  if (f.isPerTensor())
    return llvm::SmallVector<int64_t, 4>(shape.begin(), shape.end());
  llvm::SmallVector<int64_t, 4> block(shape.size(), 1);
  if (!block.empty())
    block.back() = f.defaultBlock;
  return block;
}

void mxref::forEachBlockRows(
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block,
    llvm::function_ref<void(int64_t, llvm::ArrayRef<int64_t>, int64_t)> fn) {
  size_t rank = shape.size();
  if (rank == 0) {
    int64_t zero = 0;
    fn(0, zero, 1);
    return;
  }
  llvm::SmallVector<int64_t, 4> strides(rank, 1), grid(rank), bidx(rank, 0);
  for (size_t i = rank; i-- > 1;)
    strides[i - 1] = strides[i] * shape[i];
  for (size_t i = 0; i < rank; ++i)
    grid[i] = shape[i] / block[i];
  int64_t numBlocks = product(grid);
  int64_t rowLen = block.back();
  int64_t numRows = product(block.drop_back());
  // Offsets of the block's rows relative to its first element.
  std::vector<int64_t> rel(numRows), starts(numRows);
  {
    llvm::SmallVector<int64_t, 4> e(rank, 0);
    for (int64_t k = 0; k < numRows; ++k) {
      int64_t off = 0;
      for (size_t i = 0; i + 1 < rank; ++i)
        off += e[i] * strides[i];
      rel[k] = off;
      for (size_t i = rank - 1; i-- > 0;) {
        if (++e[i] < block[i])
          break;
        e[i] = 0;
      }
    }
  }
  for (int64_t b = 0; b < numBlocks; ++b) {
    int64_t base = 0;
    for (size_t i = 0; i < rank; ++i)
      base += bidx[i] * block[i] * strides[i];
    for (int64_t k = 0; k < numRows; ++k)
      starts[k] = base + rel[k];
    fn(b, starts, rowLen);
    for (size_t i = rank; i-- > 0;) {
      if (++bidx[i] < grid[i])
        break;
      bidx[i] = 0;
    }
  }
}

void mxref::forEachBlock(
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block,
    llvm::function_ref<void(int64_t, llvm::ArrayRef<int64_t>)> fn) {
  std::vector<int64_t> offsets;
  forEachBlockRows(shape, block,
                   [&](int64_t b, llvm::ArrayRef<int64_t> starts, int64_t len) {
                     offsets.clear();
                     for (int64_t s : starts)
                       for (int64_t j = 0; j < len; ++j)
                         offsets.push_back(s + j);
                     fn(b, offsets);
                   });
}

//===----------------------------------------------------------------------===//
// Scale selection
//===----------------------------------------------------------------------===//

uint8_t mxref::selectE8M0Scale(ElemKind elem, ScaleMode mode, float amax) {
  const ElemInfo &info = getElemInfo(elem);
  int x = 0;
  switch (mode) {
  case ScaleMode::RCeil: {
    // cuBLAS/torchao: descale = f32(amax * f32(1/max)), rounded up to a
    // power of two (cvt.rp.satfinite.ue8m0x2.f32).
    float descale = amax * (1.0f / info.maxNorm);
    return encodeE8M0RoundUp(descale);
  }
  case ScaleMode::Even: {
    // Round amax to the element's mantissa width, then take the exponent
    // field (torchao ScaleCalculationMode.EVEN).
    uint32_t bits = floatBits(amax) + (1u << (23 - info.mbits - 1));
    x = int((bits >> 23) & 0xff) - 127 - info.emax;
    break;
  }
  case ScaleMode::Ceil:
    x = amax == 0 ? -127 : ceilLog2(amax) - info.emax;
    break;
  case ScaleMode::Floor:
  case ScaleMode::NVFP4:  // not an E8M0 rule; callers never pass it
  case ScaleMode::Tensor: // nor this one
    x = amax == 0 ? -127 : floorLog2(amax) - info.emax;
    break;
  }
  // E8M0 has no code below 2^-127; above 2^127 saturates to 0xfe.
  x = std::clamp(x, -127, 127);
  return uint8_t(x + 127);
}

TensorScales mxref::computeTensorScales(float target, float amax) {
  float enc = target / amax;
  enc = std::fmin(enc, FLT_MAX);
  if (amax == 0 || enc == 0)
    enc = 1.0f;
  return {enc, 1.0f / enc};
}

NVFP4TensorScales mxref::computeNVFP4TensorScales(float globalAmax) {
  return computeTensorScales(448.0f * 6.0f, globalAmax);
}

TensorScales mxref::computeFP8TensorScales(float amax) {
  return computeTensorScales(448.0f, amax);
}

TensorScales mxref::tensorScalesFromDecode(float decode) {
  // Clamped like the computed S_enc, so a tiny S_dec cannot give Inf * 0.
  return {std::fmin(1.0f / decode, FLT_MAX), decode};
}

NVFP4TensorScales mxref::nvfp4ScalesFromDecode(float decode) {
  return tensorScalesFromDecode(decode);
}

float mxref::tensorAmax(llvm::ArrayRef<float> values) {
  float amax = 0;
  for (float v : values)
    if (!std::isnan(v))
      amax = std::fmax(amax, std::fabs(v));
  return amax;
}

//===----------------------------------------------------------------------===//
// quantize
//===----------------------------------------------------------------------===//

static bool isFinite(float v) {
  return (floatBits(v) & 0x7f800000u) != 0x7f800000u;
}

llvm::Expected<QuantizedTensor> mxref::quantize(llvm::ArrayRef<float> values,
                                                llvm::ArrayRef<int64_t> shape,
                                                llvm::ArrayRef<int64_t> block,
                                                const Format &format,
                                                const QuantOptions &options) {
  if (auto err = checkFormat(format))
    return makeError("invalid format: " + *err);
  ScaleMode mode = options.scaleMode.value_or(format.defaultScaleMode());
  if (auto err = checkScaleMode(format, mode))
    return makeError(*err);
  if (auto err = checkBlockShape(shape, block))
    return makeError(*err);
  if (format.isPerTensor() && block != shape)
    return makeError(format.str() + " has no block scales: its block must be "
                                    "the whole tensor");
  int64_t n = product(shape);
  if (int64_t(values.size()) != n)
    return makeError(llvm::formatv("expected {0} values for the shape, got {1}",
                                   n, values.size()));
  bool stochastic = options.rounding == Rounding::Stochastic;
  if (stochastic && int64_t(options.randomBits.size()) != n)
    return makeError(llvm::formatv("stochastic rounding needs one random byte "
                                   "per element ({0}), got {1}",
                                   n, options.randomBits.size()));
  if (options.tensorDecodeScale && !format.tensorScale)
    return makeError("a tensor scale was given for " + format.str() +
                     ", which has none");
  if (options.tensorDecodeScale) {
    float s = *options.tensorDecodeScale;
    if (!isFinite(s) || !(s > 0))
      return makeError("the tensor decode scale must be finite and positive");
  }

  QuantizedTensor q;
  q.format = format;
  q.shape.assign(shape.begin(), shape.end());
  q.block.assign(block.begin(), block.end());
  q.elements.assign(n, 0);
  q.scales.assign(q.getNumScales(), 0);
  ElemKind elem = format.elem;

  const uint8_t *rnd = stochastic ? options.randomBits.data() : nullptr;
  auto encodeRows = [&](llvm::ArrayRef<int64_t> starts, int64_t len,
                        const float *in, int shift) {
    for (int64_t s : starts)
      encodeElems(elem, in + s, q.elements.data() + s, len, 1, shift,
                  rnd ? rnd + s : nullptr);
  };

  if (mode == ScaleMode::Tensor) {
    // Per-tensor FP8 (docs/Numerics.md §3): q_i = E4M3 RNE_satfinite(f32(x_i
    // * S_enc)); the amax ignores NaN and NaN elements keep the NaN code.
    TensorScales ts = options.tensorDecodeScale
                          ? tensorScalesFromDecode(*options.tensorDecodeScale)
                          : computeFP8TensorScales(tensorAmax(values));
    q.tensorDecodeScale = ts.decode;
    std::vector<float> scaled(n);
    for (int64_t i = 0; i < n; ++i)
      scaled[i] = values[i] * ts.encode;
    encodeElems(elem, scaled.data(), q.elements.data(), n, 1, 0, rnd);
    return q;
  }

  if (mode != ScaleMode::NVFP4) {
    forEachBlockRows(
        shape, block,
        [&](int64_t b, llvm::ArrayRef<int64_t> starts, int64_t len) {
          float amax = 0;
          bool special = false;
          for (int64_t s : starts) {
            for (int64_t j = 0; j < len; ++j) {
              uint32_t bits = floatBits(values[s + j]) & 0x7fffffffu;
              special |= bits >= 0x7f800000u;
              amax = std::max(amax, bitsToFloat(bits));
            }
          }
          if (special) { // NaN or Inf anywhere: a NaN scale, codes left at 0.
            q.scales[b] = 0xff;
            return;
          }
          uint8_t code = selectE8M0Scale(elem, mode, amax);
          q.scales[b] = code;
          encodeRows(starts, len, values.data(), int(code) - 127);
        });
    return q;
  }

  // NVFP4 (docs/Numerics.md §3, TransformerEngine convention). MX's contract:
  // the tensor amax ignores NaN; a block holding NaN gets the NaN scale 0x7f;
  // +-Inf follows the formula literally (it saturates).
  NVFP4TensorScales ts = options.tensorDecodeScale
                             ? nvfp4ScalesFromDecode(*options.tensorDecodeScale)
                             : computeNVFP4TensorScales(tensorAmax(values));
  q.tensorDecodeScale = ts.decode;
  const float encTimesInvMax = ts.encode * (1.0f / 6.0f);
  std::vector<float> scaled;
  forEachBlockRows(shape, block,
                   [&](int64_t b, llvm::ArrayRef<int64_t> starts, int64_t len) {
                     float bamax = 0;
                     bool hasNaN = false;
                     for (int64_t s : starts) {
                       for (int64_t j = 0; j < len; ++j) {
                         float v = values[s + j];
                         hasNaN |= std::isnan(v);
                         bamax = std::fmax(bamax, std::fabs(v));
                       }
                     }
                     if (hasNaN) {
                       q.scales[b] = 0x7f;
                       return;
                     }
                     float sdb = bamax * encTimesInvMax;
                     uint8_t scaleCode = encodeUE4M3(std::fmin(sdb, FLT_MAX));
                     q.scales[b] = scaleCode;
                     float scale = decodeScale(ScaleKind::UE4M3, scaleCode);
                     float blockEnc =
                         std::fmin(1.0f / (scale * ts.decode), FLT_MAX);
                     // q_i = cvt.rn.satfinite.e2m1(f32(x_i * S_encb)).
                     for (int64_t s : starts) {
                       scaled.resize(len);
                       for (int64_t j = 0; j < len; ++j)
                         scaled[j] = values[s + j] * blockEnc;
                       encodeElems(elem, scaled.data(), q.elements.data() + s,
                                   len, 1, 0, rnd ? rnd + s : nullptr);
                     }
                   });
  return q;
}

//===----------------------------------------------------------------------===//
// dequantize / convert
//===----------------------------------------------------------------------===//

static float decodeValue(const Format &f, uint8_t elemCode, uint8_t scaleCode,
                         float tensorDecodeScale) {
  if (f.isPerTensor()) // one f32 multiply; a NaN code stays NaN
    return decodeElem(f.elem, elemCode) * tensorDecodeScale;
  if (isNaNScale(f.scale, scaleCode))
    return NAN;
  float p = decodeElem(f.elem, elemCode);
  if (f.scale == ScaleKind::E8M0)
    return std::ldexp(p, int(scaleCode) - 127);  // exact or +-Inf
  float v = p * decodeScale(f.scale, scaleCode); // exact: <= 6 significant bits
  return f.tensorScale ? v * tensorDecodeScale : v;
}

std::vector<float> mxref::dequantize(const QuantizedTensor &q) {
  std::vector<float> out(q.elements.size());
  forEachBlock(q.shape, q.block, [&](int64_t b, llvm::ArrayRef<int64_t> idx) {
    uint8_t s = q.format.hasBlockScales() ? q.scales[b] : 0;
    for (int64_t i : idx)
      out[i] = decodeValue(q.format, q.elements[i], s, q.tensorDecodeScale);
  });
  return out;
}

std::vector<double> mxref::dequantizeExact(const QuantizedTensor &q) {
  std::vector<double> out(q.elements.size());
  const Format &f = q.format;
  forEachBlock(q.shape, q.block, [&](int64_t b, llvm::ArrayRef<int64_t> idx) {
    if (f.isPerTensor()) {
      for (int64_t i : idx)
        out[i] = double(decodeElem(f.elem, q.elements[i])) *
                 double(q.tensorDecodeScale);
      return;
    }
    uint8_t s = q.scales[b];
    for (int64_t i : idx) {
      if (isNaNScale(f.scale, s)) {
        out[i] = NAN;
        continue;
      }
      double p = decodeElem(f.elem, q.elements[i]);
      out[i] = f.scale == ScaleKind::E8M0
                   ? std::ldexp(p, int(s) - 127)
                   : p * decodeScale(f.scale, s) *
                         (f.tensorScale ? double(q.tensorDecodeScale) : 1.0);
    }
  });
  return out;
}

float mxref::dequantizeElement(const QuantizedTensor &q, int64_t i) {
  if (q.format.isPerTensor())
    return decodeValue(q.format, q.elements[i], 0, q.tensorDecodeScale);
  // Locate the block of element i.
  size_t rank = q.shape.size();
  int64_t rem = i, blockIndex = 0;
  llvm::SmallVector<int64_t, 4> coord(rank);
  for (size_t d = rank; d-- > 0;) {
    coord[d] = rem % q.shape[d];
    rem /= q.shape[d];
  }
  for (size_t d = 0; d < rank; ++d)
    blockIndex = blockIndex * (q.shape[d] / q.block[d]) + coord[d] / q.block[d];
  return decodeValue(q.format, q.elements[i], q.scales[blockIndex],
                     q.tensorDecodeScale);
}

llvm::Expected<QuantizedTensor> mxref::convert(const QuantizedTensor &q,
                                               llvm::ArrayRef<int64_t> block,
                                               const Format &format,
                                               const QuantOptions &options) {
  std::vector<float> values = dequantize(q);
  return quantize(values, q.shape, block, format, options);
}

bool mxref::isRequantizationIdentity(const Format &format,
                                     ScaleMode producerMode, ScaleMode mode) {
  if (format.scale != ScaleKind::E8M0 || format.tensorScale)
    return false; // NVFP4 and per-tensor recompute the tensor scale.
  if (mode != ScaleMode::Floor && mode != ScaleMode::Even)
    return false; // ceil/rceil may move the scale of a canonical block.
  // Floor keeps the block maximum in [2^emax, max] with either rounding and
  // never decodes past FLT_MAX. An `even` producer is canonical too, except
  // where its block maximum rounds up past FLT_MAX: that block decodes to
  // Inf and requantizes to NaN, and no fold can rule it out.
  return producerMode == ScaleMode::Floor;
}
