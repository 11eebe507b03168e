//===- BlockEmitter.h - Block-level MX compositions as arith IR -*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The block-level steps of quantization, dequantization and the scaled
// matmul (docs/Numerics.md §2-§4, §6), composed once from CodecEmitter's
// codecs. Like CodecEmitter, every function works on scalars or on vectors
// of any width (the `like` type): the linalg lowering calls them on the
// scalars of a linalg.generic body, the vector lowering on its lanes, and a
// GPU lowering would call them per thread. Only iteration (which values
// reach a call, in which order) is left to the lowerings.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXCOMMON_BLOCKEMITTER_H
#define MX_CONVERSION_MXCOMMON_BLOCKEMITTER_H

#include "mx/Conversion/MXCommon/CodecEmitter.h"

namespace mlir {
namespace mx {

/// The scale of one block (or one per lane).
struct BlockScale {
  Value code;        ///< the scale byte, as i32
  Value encodeScale; ///< NVFP4's per-block S_encb (f32); null for E8M0
};

/// One block-scale code of a matmul operand.
struct ScaleCode {
  Value code; ///< i32
  mxref::ScaleKind kind;
};

/// Block compositions for one format.
class BlockEmitter : public CodecEmitter {
public:
  BlockEmitter(OpBuilder &builder, Location loc, const mxref::Format &format,
               Type like = {});

  const mxref::Format &getFormat() const { return format; }

  /// |bits(x)| as i32: the integer max of these over a block is the bit
  /// pattern of its amax; above 0x7f800000 the block holds NaN, at or above
  /// it NaN or Inf.
  Value magnitudeBits(Value x);
  /// magnitudeBits with NaN counted as 0 (NVFP4's tensor amax ignores NaN).
  Value magnitudeBitsIgnoringNaN(Value x);
  /// One step of a running amax: max(acc, magnitudeBits(x)), or of
  /// magnitudeBitsIgnoringNaN(x) when `ignoreNaN`.
  Value accumulateMaxBits(Value acc, Value x, bool ignoreNaN = false);

  /// NVFP4 tensor scales, {f32(S_enc * f32(1/6)), S_dec}, from a calibrated
  /// S_dec when `calibratedDecode` is given, else from the bits of the
  /// tensor amax (magnitudeBitsIgnoringNaN maxed over the tensor).
  std::pair<Value, Value> nvfp4TensorScales(Value calibratedDecode,
                                            Value gamaxBits);

  /// Per-tensor FP8 scales {S_enc, S_dec} (docs/Numerics.md §3), from a
  /// calibrated S_dec when `calibratedDecode` is given, else from the bits
  /// of the tensor amax (magnitudeBitsIgnoringNaN maxed over the tensor).
  std::pair<Value, Value> perTensorScales(Value calibratedDecode,
                                          Value amaxBits);
  /// The per-tensor element code E4M3 RNE_satfinite(f32(x * S_enc)) (or
  /// stochastic with `randomByte`); NaN keeps the NaN code.
  Value encodePerTensor(Value x, Value encodeScale, Value randomByte = {});

  /// The scale of a block whose max magnitudeBits is `amaxBits`: the E8M0
  /// code of `mode` (0xff for a block with NaN or Inf), or for NVFP4 the
  /// UE4M3 code (0x7f for a block with NaN) and S_encb, given the scalars of
  /// nvfp4TensorScales.
  BlockScale blockScale(mxref::ScaleMode mode, Value amaxBits,
                        Value encTimesInvMax = {}, Value decodeScale = {});

  /// The element code of `x` in a block of scale `scale` (RNE, or
  /// stochastic with `randomByte`); 0 in a NaN-scale block.
  Value encodeInBlock(Value x, const BlockScale &scale, Value randomByte = {});

  /// The value of element `code` in a block of scale byte `scaleCode`,
  /// times the (scalar f32) `tensorScale` when given, rounded once to
  /// `outElem` (f32, f16 or bf16; a scalar type); NaN for a NaN scale. A
  /// per-tensor format has no scale byte (`scaleCode` is ignored): f32(P *
  /// S_dec), or the exact product rounded once to f16/bf16.
  Value dequantize(Value code, Value scaleCode, Value tensorScale,
                   Type outElem);

  /// The exact product a * g (f32, exact in f64) rounded once to `outElem`
  /// (f16 or bf16; a scalar type).
  Value roundExactProduct(Value a, Value g, Type outElem);

private:
  mxref::Format format;
};

/// The value of non-NaN UE4M3 codes (i32, low 7 bits read) times
/// 2^log2Factor, exact for log2Factor in [-117, 7] (a NaN code gives an
/// arbitrary finite value): the code's bits placed at f32 bit 20 and one
/// exact multiply.
Value decodeUE4M3Scale(CodecEmitter &e, Value code, int64_t log2Factor = 0);

/// A matmul block's partial sum with the block scales applied (reference
/// "scaled", docs/Numerics.md §6): NaN if a scale is NaN, else
/// ldexp(f32(partial * u), e) with u the exact product of the UE4M3 scales
/// and e the integer sum of the E8M0 exponents.
Value applyMatmulBlockScales(CodecEmitter &e, Value partial,
                             ArrayRef<ScaleCode> scales);

/// ldexp(v, ca + cb - 254 + d) rounded once to f32, for two E8M0 codes
/// given as ca << 23 and cb << 23, NaN (0x7FC00000) where `nan` (either
/// code is 255): applyMatmulBlockScales's E8M0-pair term for a partial sum
/// scaled by 2^-d, in two f32 multiplies by powers of two instead of an f64
/// product (GPUs without a fast FP64 pipe). Preconditions (the proof is at
/// the definition): |v| < 2^101, and for d > 0 every nonzero |v| >= 2^-23.
Value scaleByE8M0Pair(CodecEmitter &e, Value v, Value ca23, Value cb23,
                      Value nan, int64_t d);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXCOMMON_BLOCKEMITTER_H
