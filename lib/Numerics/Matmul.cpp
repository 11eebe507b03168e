//===- Matmul.cpp - Reference block-scaled matmul -------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Matmul.h"
#include "mx/Numerics/Codec.h"

#include "Support.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace mxref;
using mxref::detail::makeError;
using mxref::detail::product;

static llvm::Error checkOperand(const MatmulOperand &x, const char *name) {
  if (x.shape.size() < 2)
    return makeError(llvm::formatv("operand {0} must have rank >= 2, got {1}",
                                   name, x.shape.size()));
  for (auto [i, d] : llvm::enumerate(x.shape))
    if (d <= 0)
      return makeError(llvm::formatv(
          "operand {0}: dimension {1} must be positive, got {2}", name, i, d));
  int64_t n = product(x.shape);
  if (!x.isQuantized()) {
    if (int64_t(x.values.size()) != n)
      return makeError(llvm::formatv(
          "operand {0}: expected {1} values for the shape, got {2}", name, n,
          x.values.size()));
    return llvm::Error::success();
  }
  const QuantizedTensor &q = *x.quantized;
  if (auto err = checkFormat(q.format))
    return makeError(
        llvm::formatv("operand {0}: invalid format: {1}", name, *err));
  if (auto err = checkBlockShape(q.shape, q.block))
    return makeError(llvm::formatv("operand {0}: {1}", name, *err));
  if (int64_t(q.elements.size()) != n)
    return makeError(
        llvm::formatv("operand {0}: expected {1} element codes, got {2}", name,
                      n, q.elements.size()));
  if (int64_t(q.scales.size()) != q.getNumScales())
    return makeError(
        llvm::formatv("operand {0}: expected {1} scale bytes, got {2}", name,
                      q.getNumScales(), q.scales.size()));
  if (q.format.isPerTensor()) {
    if (q.block != q.shape)
      return makeError(llvm::formatv(
          "operand {0}: a per-tensor operand's block is the whole tensor",
          name));
    return llvm::Error::success();
  }
  for (size_t i = 0; i + 2 < q.block.size(); ++i)
    if (q.block[i] != 1)
      return makeError(llvm::formatv(
          "operand {0}: block size along batch dimension {1} must be 1, got "
          "{2}",
          name, i, q.block[i]));
  return llvm::Error::success();
}

llvm::Expected<int64_t> mxref::getMatmulKBlock(const MatmulOperand &a,
                                               const MatmulOperand &b) {
  if (auto err = checkOperand(a, "A"))
    return std::move(err);
  if (auto err = checkOperand(b, "B"))
    return std::move(err);
  size_t rank = a.shape.size();
  if (b.shape.size() != rank)
    return makeError(llvm::formatv("operand ranks differ: A has {0}, B has {1}",
                                   rank, b.shape.size()));
  for (size_t i = 0; i + 2 < rank; ++i)
    if (a.shape[i] != b.shape[i])
      return makeError(
          llvm::formatv("batch dimension {0} differs: A has {1}, B has {2}", i,
                        a.shape[i], b.shape[i]));
  int64_t k = a.shape[rank - 1];
  if (b.shape[rank - 2] != k)
    return makeError(
        llvm::formatv("contraction sizes differ: A has K = {0}, B has K = {1}",
                      k, b.shape[rank - 2]));
  // A per-tensor operand has no block scales and does not split K.
  auto blockScaled = [](const MatmulOperand &x) {
    return x.isQuantized() && x.quantized->format.hasBlockScales();
  };
  std::optional<int64_t> ka, kbB;
  if (blockScaled(a))
    ka = a.quantized->block[rank - 1];
  if (blockScaled(b))
    kbB = b.quantized->block[rank - 2];
  if (ka && kbB && *ka != *kbB)
    return makeError(llvm::formatv(
        "block sizes along K differ: A has {0}, B has {1}", *ka, *kbB));
  return ka ? *ka : kbB ? *kbB : k;
}

/// f32(a * b), rounded on its own. The volatile store keeps the compiler from
/// fusing it into the following add (GCC contracts across statements by
/// default, and an FMA would skip this rounding).
static float mulF32(float a, float b) {
  volatile float p = a * b;
  return p;
}

namespace {
/// A decoded block scale: the factor 2^exp * mul, or NaN.
struct BlockScale {
  bool nan = false;
  int exp = 0;
  float mul = 1.0f;
};

/// One operand, decoded for the inner loops: the element value at (batch,
/// row, col) of its last two dimensions and the scale of the block holding
/// it.
class Operand {
public:
  explicit Operand(const MatmulOperand &x) {
    size_t rank = x.shape.size();
    rows = x.shape[rank - 2];
    cols = x.shape[rank - 1];
    if (!x.isQuantized()) {
      plain = x.values.data();
      return;
    }
    const QuantizedTensor &q = *x.quantized;
    decoded.reserve(q.elements.size());
    for (uint8_t c : q.elements)
      decoded.push_back(decodeElem(q.format.elem, c));
    for (uint8_t c : q.scales) {
      BlockScale s;
      if (isNaNScale(q.format.scale, c))
        s.nan = true;
      else if (q.format.scale == ScaleKind::E8M0)
        s.exp = int(c) - 127;
      else
        s.mul = decodeScale(q.format.scale, c);
      scales.push_back(s);
    }
    blockRows = q.block[rank - 2];
    blockCols = q.block[rank - 1];
    if (q.format.tensorScale)
      tensorScale = q.tensorDecodeScale;
    perTensor = q.format.isPerTensor();
  }

  float elem(int64_t batch, int64_t r, int64_t c) const {
    int64_t i = (batch * rows + r) * cols + c;
    return plain ? plain[i] : decoded[i];
  }
  /// The scale of the block holding (batch, r, c); null for a plain operand.
  const BlockScale *scale(int64_t batch, int64_t r, int64_t c) const {
    if (plain || perTensor)
      return nullptr;
    int64_t gridRows = rows / blockRows, gridCols = cols / blockCols;
    return &scales[(batch * gridRows + r / blockRows) * gridCols +
                   c / blockCols];
  }

  int64_t rows = 0, cols = 0;
  std::optional<float> tensorScale;

private:
  const float *plain = nullptr;
  bool perTensor = false; ///< no block scales, only tensorScale
  std::vector<float> decoded;
  std::vector<BlockScale> scales;
  int64_t blockRows = 1, blockCols = 1;
};

/// The operands and sizes of a checked matmul.
struct Problem {
  Operand a, b;
  int64_t batches, m, n, k, kb;
  llvm::SmallVector<int64_t, 4> outShape;
  /// g, when a tensor scale applies.
  std::optional<float> g;

  Problem(const MatmulOperand &x, const MatmulOperand &y, int64_t kb)
      : a(x), b(y), m(a.rows), n(b.cols), k(a.cols), kb(kb) {
    batches = product(x.shape.drop_back(2));
    outShape.assign(x.shape.begin(), x.shape.end() - 2);
    outShape.push_back(m);
    outShape.push_back(n);
    if (a.tensorScale && b.tensorScale)
      g = *a.tensorScale * *b.tensorScale;
    else if (a.tensorScale)
      g = a.tensorScale;
    else if (b.tensorScale)
      g = b.tensorScale;
  }
};
} // namespace

llvm::Expected<MatmulResult> mxref::matmul(const MatmulOperand &x,
                                           const MatmulOperand &y) {
  llvm::Expected<int64_t> kb = getMatmulKBlock(x, y);
  if (!kb)
    return kb.takeError();
  Problem p(x, y, *kb);
  MatmulResult result;
  result.shape = p.outShape;
  result.values.resize(p.batches * p.m * p.n);
  float *out = result.values.data();
  for (int64_t bt = 0; bt < p.batches; ++bt) {
    for (int64_t i = 0; i < p.m; ++i) {
      for (int64_t j = 0; j < p.n; ++j) {
        float acc = 0.0f;
        for (int64_t k0 = 0; k0 < p.k; k0 += p.kb) {
          float partial = 0.0f;
          for (int64_t kk = k0; kk < k0 + p.kb; ++kk) {
            partial =
                partial + mulF32(p.a.elem(bt, i, kk), p.b.elem(bt, kk, j));
          }
          const BlockScale *sa = p.a.scale(bt, i, k0);
          const BlockScale *sb = p.b.scale(bt, k0, j);
          float scaled;
          if ((sa && sa->nan) || (sb && sb->nan)) {
            scaled = NAN;
          } else {
            // Exact: at most two UE4M3 factors (mul is 1 for E8M0).
            float u = (sa ? sa->mul : 1.0f) * (sb ? sb->mul : 1.0f);
            int e = (sa ? sa->exp : 0) + (sb ? sb->exp : 0);
            scaled = std::ldexp(partial * u, e);
          }
          acc = acc + scaled;
        }
        *out++ = p.g ? acc * *p.g : acc;
      }
    }
  }
  return result;
}

llvm::Expected<std::vector<double>>
mxref::matmulErrorBound(const MatmulOperand &x, const MatmulOperand &y) {
  llvm::Expected<int64_t> kb = getMatmulKBlock(x, y);
  if (!kb)
    return kb.takeError();
  Problem p(x, y, *kb);
  const double u = std::ldexp(1.0, -24);
  double nterms = double(p.k + p.k / p.kb + (p.g ? 1 : 0));
  double gamma = nterms * u / (1 - nterms * u);
  double bigG = p.g ? std::fabs(double(*p.g)) : 1.0;
  double tiny = nterms * std::ldexp(1.0, -149) * std::max(bigG, 1.0);
  std::vector<double> bounds;
  bounds.reserve(p.batches * p.m * p.n);
  for (int64_t bt = 0; bt < p.batches; ++bt) {
    for (int64_t i = 0; i < p.m; ++i) {
      for (int64_t j = 0; j < p.n; ++j) {
        double sum = 0;
        for (int64_t k0 = 0; k0 < p.k; k0 += p.kb) {
          const BlockScale *sa = p.a.scale(bt, i, k0);
          const BlockScale *sb = p.b.scale(bt, k0, j);
          if ((sa && sa->nan) || (sb && sb->nan)) {
            sum = NAN;
            break;
          }
          double s = 1.0;
          for (const BlockScale *bs : {sa, sb})
            if (bs)
              s *= std::ldexp(double(bs->mul), bs->exp); // exact in double
          double block = 0;
          for (int64_t kk = k0; kk < k0 + p.kb; ++kk)
            block += std::fabs(double(p.a.elem(bt, i, kk)) *
                               double(p.b.elem(bt, kk, j)));
          sum += block * s;
        }
        bounds.push_back(gamma * bigG * sum + tiny);
      }
    }
  }
  return bounds;
}
