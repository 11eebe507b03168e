//===- Quantize.h - Block quantization of f32 tensors -----------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// The oracle for every MX result: block quantization with every scale mode
// (OCP floor, rceil, ceil, even), NVFP4's two-level scaling, RNE and
// stochastic rounding, dequantization, and requantization (`convert`), which
// is defined as quantize(dequantize-to-f32(x)).
//
// Tensors are row-major of any rank. A block shape has the tensor's rank and
// divides its shape; blocks are numbered row-major over the grid of blocks,
// and the elements inside a block are visited row-major.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_QUANTIZE_H
#define MX_NUMERICS_QUANTIZE_H

#include "mx/Numerics/Format.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mxref {

struct QuantOptions {
  /// Defaults to the format's default scale mode.
  std::optional<ScaleMode> scaleMode;
  Rounding rounding = Rounding::RNE;
  /// With stochastic rounding: one random byte per element, in row-major
  /// tensor order. Deterministic given these bytes.
  llvm::ArrayRef<uint8_t> randomBits;
  /// A calibrated tensor decode scale S_dec (formats with a tensor scale
  /// only). When absent it is computed from the tensor's amax.
  std::optional<float> tensorDecodeScale;
};

/// A block-scaled tensor in component form.
struct QuantizedTensor {
  Format format;
  llvm::SmallVector<int64_t, 4> shape;
  llvm::SmallVector<int64_t, 4> block;
  /// One element code per byte (low bits), row-major over the tensor.
  std::vector<uint8_t> elements;
  /// One scale byte per block, row-major over the grid of blocks; empty for
  /// a format without block scales (whose one block is the whole tensor).
  std::vector<uint8_t> scales;
  /// The tensor decode scale S_dec; 1.0 when the format has none.
  float tensorDecodeScale = 1.0f;

  int64_t getNumElements() const;
  int64_t getNumBlocks() const;
  /// The number of scale bytes: getNumBlocks(), or 0 without block scales.
  int64_t getNumScales() const;
  llvm::SmallVector<int64_t, 4> getBlockGrid() const;
};

/// Empty when `block` has the rank of `shape`, positive sizes, and divides
/// it; otherwise a one-line reason.
std::optional<std::string> checkBlockShape(llvm::ArrayRef<int64_t> shape,
                                           llvm::ArrayRef<int64_t> block);
/// The format's default block for `shape`: 1 x ... x 1 x defaultBlock, or
/// `shape` itself for a format without block scales.
llvm::SmallVector<int64_t, 4>
getDefaultBlockShape(const Format &f, llvm::ArrayRef<int64_t> shape);

/// Calls `fn(blockIndex, linearIndices)` for every block, in block order;
/// `linearIndices` lists the row-major tensor offsets of the block's elements
/// in row-major order within the block.
void forEachBlock(
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block,
    llvm::function_ref<void(int64_t, llvm::ArrayRef<int64_t>)> fn);

/// The E8M0 scale code of a block whose largest magnitude is `amax` (finite,
/// non-negative) under an OCP-style scale mode (not NVFP4).
uint8_t selectE8M0Scale(ElemKind elem, ScaleMode mode, float amax);

/// Calls `fn(blockIndex, rowStarts, rowLength)` for every block, in block
/// order: the block is the rows (runs along the last dimension) starting at
/// the row-major tensor offsets `rowStarts`, each `rowLength` long, listed in
/// row-major order within the block.
void forEachBlockRows(
    llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block,
    llvm::function_ref<void(int64_t, llvm::ArrayRef<int64_t>, int64_t)> fn);

/// Tensor-level scales of NVFP4 (docs/Numerics.md §3) and of per-tensor
/// formats (also §3).
struct TensorScales {
  float encode; ///< S_enc
  float decode; ///< S_dec = f32(1 / S_enc)
};
using NVFP4TensorScales = TensorScales;
/// S_enc = fminf(f32(target / amax), FLT_MAX), 1 when amax is 0 or S_enc is
/// 0 (amax = +Inf); S_dec = f32(1 / S_enc). NaN is ignored by the caller.
TensorScales computeTensorScales(float target, float amax);
/// NVFP4: target 448 * 6 (the largest UE4M3 scale times the largest E2M1).
NVFP4TensorScales computeNVFP4TensorScales(float globalAmax);
/// Per-tensor FP8 E4M3: target 448.
TensorScales computeFP8TensorScales(float amax);
/// From a calibrated S_dec: S_enc = fminf(f32(1 / S_dec), FLT_MAX).
TensorScales tensorScalesFromDecode(float decode);
NVFP4TensorScales nvfp4ScalesFromDecode(float decode);
/// The largest magnitude over `values`, NaN ignored (0 when all are NaN).
float tensorAmax(llvm::ArrayRef<float> values);

/// Quantizes `values` (row-major, `shape`) with `block`. Fails with a
/// one-line message on an invalid format, mode, block shape or option.
llvm::Expected<QuantizedTensor> quantize(llvm::ArrayRef<float> values,
                                         llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<int64_t> block,
                                         const Format &format,
                                         const QuantOptions &options = {});

/// The f32 value of element `i` of `q`.
float dequantizeElement(const QuantizedTensor &q, int64_t i);
/// Decodes to f32, row-major. MX: P * 2^X (exact, or +-Inf on overflow).
/// NVFP4: f32(f32(e2m1 * blockScale) * S_dec). Per-tensor: f32(e4m3 *
/// S_dec). A NaN scale gives NaN.
std::vector<float> dequantize(const QuantizedTensor &q);

/// The exact real value of every element, row-major, in double (which holds
/// it exactly: at most 4 + 4 + 24 significant bits, exponents within
/// +-300): P * 2^X for E8M0 scales, P * s_block * S_dec for NVFP4, P * S_dec
/// per tensor, NaN for a NaN scale. Narrower results (f16, bf16) round this
/// value once.
std::vector<double> dequantizeExact(const QuantizedTensor &q);

/// Requantizes `q` into `format` with `block`: quantize(dequantize(q)).
llvm::Expected<QuantizedTensor> convert(const QuantizedTensor &q,
                                        llvm::ArrayRef<int64_t> block,
                                        const Format &format,
                                        const QuantOptions &options = {});

/// True when requantizing, into the same format and block shape with `mode`
/// and RNE, every tensor that quantize produced with `producerMode` (and any
/// rounding) gives back exactly the same codes and scales. Only
/// `floor` producers qualify: they leave every finite block canonical (its
/// largest element magnitude in [2^emax, maxNorm], or the scale at its
/// 2^-127 floor, decoding below FLT_MAX), so `floor` and `even` pick the same
/// scale again and every element is exactly representable. An `even`
/// producer can decode a block past FLT_MAX (docs/Numerics.md, section 4).
/// Tensors assembled from arbitrary codes are not canonical (a scale larger
/// than needed, E4M3 NaN codes, INT8 0x80), which is why the producer
/// matters.
bool isRequantizationIdentity(const Format &format, ScaleMode producerMode,
                              ScaleMode mode);

} // namespace mxref

#endif // MX_NUMERICS_QUANTIZE_H
