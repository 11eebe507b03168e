//===- Vectorize.h - Shared pieces of the vector lowerings ------*- C++ -*-===//
//
// Part of the MX project. Private to lib/Conversion/MXToLinalg.
//
//===----------------------------------------------------------------------===//
//
// Helpers of the vectorized lowerings (VectorMatmul.cpp,
// VectorQuantization.cpp): `lanes` f32 lanes along the last dimension (the
// VectorTarget's), rows of packed codes read with vector.transfer_read and
// unpacked with shifts, masks and constant shuffles (MXCommon/Packing.h).
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H
#define MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H

#include "mx/Conversion/MXCommon/CodecEmitter.h"
#include "mx/Conversion/MXToLinalg/VectorTarget.h"
#include "mx/Dialect/MX/MXTypes.h"
#include "mx/Numerics/Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace mx {
namespace lowering {
namespace vec {

/// Which column lane l of vector p of a sub-chunk holds.
enum class LaneOrder {
  /// l * interleave + p.
  Interleaved,
  /// What x86's in-lane unpacks of 64 bytes to words (low and high halves
  /// of each 16-byte lane) and of those to dwords leave, 4 vectors of 16:
  /// 16 (l / 4) + 4p + l % 4.
  ByteUnpacks,
  /// What the in-lane unpacks of two vectors of 32 words to dwords leave:
  /// 32 (p / 2) + 8 (l / 4) + 4 (p % 2) + l % 4.
  WordUnpacks,
  /// What decodeFP4ByShuffles leaves of 32 bytes of FP4 codes, 8 vectors
  /// of 8: p = 4 hb + 2 e + h for the nibble h, the byte unpack's half hb
  /// and the dword's word e: 32 (l / 4) + 16 (p / 4) + 4 (l % 4) + p % 4.
  NibbleShuffles,
};
/// How one row of packed codes maps to lanes: a sub-chunk of `cols` columns
/// (`bytes` packed bytes) decodes into `interleave` vectors of `lanes`
/// lanes in `order`.
struct SubChunk {
  int64_t interleave, cols, bytes, lanes;
  LaneOrder order = LaneOrder::Interleaved;
  int64_t column(int64_t p, int64_t l) const;
};
/// The GEMV's sub-chunk of FP8 codes with two 128-entry byte tables, or of
/// FP6 codes with a 64-entry word table (VectorTarget::byteTable64, 16
/// lanes): 64 codes in 4 vectors.
SubChunk getByteTableSubChunk(mxref::ElemKind kind);
/// The GEMV's sub-chunk of E4M3 codes decoded by bits on AVX2
/// (decodeE4M3ByBits): 32 codes in 4 vectors of 8.
SubChunk getBitDecodeSubChunk();
/// The GEMV's sub-chunk of FP4 codes decoded by byte shuffles on AVX2
/// (decodeFP4ByShuffles): 64 codes in 8 vectors of 8.
SubChunk getNibbleShuffleSubChunk();
/// FP4: 2 vectors from lanes bytes; FP6: lanes * 3 / 4 bytes (lanes a
/// multiple of 4); 8-bit kinds: lanes bytes.
SubChunk getSubChunk(mxref::ElemKind kind, int64_t lanes);
/// Whether `type` has a component form and its element kind packs into
/// whole bytes per vector of `lanes` (FP6: lanes a multiple of 4).
bool supportsLanes(BlockScaledTensorType type, int64_t lanes);

Value indexConst(OpBuilder &b, Location loc, int64_t v);
Value mulIdx(OpBuilder &b, Location loc, Value v, int64_t c);
Value addIdx(OpBuilder &b, Location loc, Value v, int64_t c);
Value divIdx(OpBuilder &b, Location loc, Value v, int64_t c);
Value remIdx(OpBuilder &b, Location loc, Value v, int64_t c);
/// A constant vector of i32.
Value intVector(OpBuilder &b, Location loc, ArrayRef<int32_t> values);
/// A constant integer vector of `type` with every element `bits` (the
/// element's width of bits, unsigned).
Value intSplat(OpBuilder &b, Location loc, VectorType type, uint64_t bits);

/// The part of one shared output a panel of emitPanels writes: offsets and
/// sizes (unit strides).
struct PanelSlice {
  SmallVector<OpFoldResult> offsets, sizes;
};
/// An scf.forall of `count` panels over the shared `outputs` (a matmul's
/// column panels, one thread's work each): `slices` gives, at the panel's
/// index, the slice of each output it writes; `body` gets those slices
/// (tensor.extract_slice) and returns them written, and the panel inserts
/// them back (tensor.parallel_insert_slice). Returns the outputs after
/// every panel.
SmallVector<Value>
emitPanels(OpBuilder &b, Location loc, int64_t count, ValueRange outputs,
           function_ref<SmallVector<PanelSlice>(OpBuilder &, Value)> slices,
           function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> body);

/// Reshapes a [batch..., R, C] tensor to [prod(batch), R, C] ([C] to
/// [1, 1, C]).
Value to3D(OpBuilder &b, Location loc, Value t);
/// Inverse of to3D, to `type`.
Value from3D(OpBuilder &b, Location loc, Value t, RankedTensorType type);
/// prod(batch), R and C of a [batch..., R, C] shape.
std::array<int64_t, 3> shape3D(ArrayRef<int64_t> shape);

/// vector.transfer_read of `type` at `indices`, padding with zero.
Value readVector(OpBuilder &b, Location loc, VectorType type, Value source,
                 ValueRange indices, bool inBounds);
/// vector.transfer_write of `v` into `dest` at `indices`.
Value writeVector(OpBuilder &b, Location loc, Value v, Value dest,
                  ValueRange indices, bool inBounds);

/// The codes (vectors of i32, `sc.interleave` of them) of one sub-chunk of
/// a packed row `rowIdx` of `packed`, starting at packed byte `byteOff`;
/// lanes past the row read code 0 when !inBounds.
SmallVector<Value> readCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                             SubChunk sc, Value packed, ValueRange rowIdx,
                             Value byteOff, bool inBounds);
/// E4M3 or E5M2.
bool isFP8(mxref::ElemKind kind);
/// The f32 values of weight codes read by readCodes: CodecEmitter's
/// decodeElem, or decodeFP8ViaHalf on the codes' bytes for E4M3/E5M2 when
/// `viaHalf` (VectorTarget::halfConvert), or decodeFP6ViaHalf for E2M3 and
/// E3M2. All are the reference's values; without `rebias`, E4M3 and FP6
/// values times 2^-CodecEmitter::halfRebiasLog2 (exact: 2^-8 of E4M3's least
/// magnitude 2^-9, 2^-14 of E2M3's 2^-3, 2^-12 of E3M2's 2^-4), for a kernel
/// that scales its other operand by that power of two instead.
Value decodeCodes(CodecEmitter &e, mxref::ElemKind kind, Value code,
                  bool viaHalf, bool rebias = true);
/// The codes (i32) of `lanes` consecutive columns of a packed row, starting
/// at packed byte `byteOff` (a whole packing group; in bounds), in column
/// order.
Value readContiguousCodes(OpBuilder &b, Location loc, mxref::ElemKind kind,
                          int64_t lanes, Value packed, ValueRange rowIdx,
                          Value byteOff);
/// The packed bytes of `sc.lanes` codes (i32 lanes, natural column order).
Value packLanes(OpBuilder &b, Location loc, mxref::ElemKind kind, Value codes);

/// A vector.shuffle mask (one source of `numBytes` bytes) giving 16-bit lane
/// l of `n` the two bytes around FP6 code l of codes packed from byte
/// `first` on: bytes first + 6l / 8 and the next (little endian; the last
/// byte again past the end), where the code starts at bit 6l % 8.
SmallVector<int64_t> fp6WindowMask(int64_t n, int64_t first, int64_t numBytes);
/// A vector.shuffle mask of two vectors of `n` elements interleaving the
/// low (or high) halves of each 16-byte lane, `perLane` elements per lane:
/// x86's unpack instructions, which LLVM selects for it.
SmallVector<int64_t> unpackMask(int64_t n, int64_t perLane, bool high);
/// The f32 values of 64 E4M3 or E5M2 codes (a vector<64xi8>) as 4 vectors
/// of 16 in LaneOrder::ByteUnpacks: bytes 3 and 2 of each value's f32 (its
/// low 16 bits are zero) from two 128-entry tables read at the code's
/// magnitude (mx_x86.vpermi2b.512), its sign or-ed in, then unpacked with
/// zero bytes below. The reference's values, NaN codes included.
SmallVector<Value> decodeFP8ByByteTables(OpBuilder &b, Location loc,
                                         mxref::ElemKind kind, Value codes);
/// The f32 values of the 64 E2M3 or E3M2 codes packed in 48 bytes, given
/// as two vector<32xi8> read at bytes 0 and 16, as 4 vectors of 16 in
/// LaneOrder::WordUnpacks: each code's 16-bit window shifted to bit 0,
/// the upper half of its f32 from a 64-entry word table
/// (mx_x86.vpermi2w.512, which reads six bits), unpacked with zero words
/// below.
SmallVector<Value> decodeFP6ByWordTable(OpBuilder &b, Location loc,
                                        mxref::ElemKind kind, Value low,
                                        Value high);
/// The f32 values of the 64 FP4 codes packed in `bytes` (a vector<32xi8>)
/// as 8 vectors of 8 in LaneOrder::NibbleShuffles, by byte shuffles only:
/// every E2M1 value is exact in bf16, so its f32 is bytes 3 and 2 over
/// zero. Two 16-entry tables (one mx_x86.pshufb each) give those bytes of
/// each nibble's code, sign included; a byte unpack pairs them into words,
/// and each dword's two words become two f32 by a shift left by 16 (the
/// low word) and a mask (the high word). The reference's values, -0
/// included.
SmallVector<Value> decodeFP4ByShuffles(OpBuilder &b, Location loc,
                                       mxref::ElemKind kind, Value bytes);
/// getByteTableSubChunk's (getNibbleShuffleSubChunk's) decode: the values
/// of the 64 FP8, FP6 (FP4) codes of columns [col, col + 64) of row
/// `rowIdx` of `packed` ([..., rows, row bytes]), as 4 vectors of 16 (FP4:
/// 8 of 8) in the sub-chunk's lane order (decodeFP8ByByteTables,
/// decodeFP6ByWordTable, decodeFP4ByShuffles). With !inBounds the reads are
/// masked past the row (zero codes).
SmallVector<Value> decodeByTables(OpBuilder &b, Location loc,
                                  mxref::ElemKind kind, Value packed,
                                  ValueRange rowIdx, Value col, bool inBounds);
/// log2 of the power of two by which decodeE4M3ByBits' values fall short
/// of the reference's: E4M3's magnitude bits shifted onto f32's exponent
/// and mantissa fields read as value * 2^-120 (f32's bias 127 less E4M3's
/// 7), subnormal codes included, which become f32 subnormals.
constexpr int64_t kE4M3BitsLog2 = 120;
/// The values times 2^-kE4M3BitsLog2 of the E4M3 codes in `codes` (a
/// vector<n x i8>, n a multiple of 16: 32 on AVX2) as 4 vectors of n / 4 in
/// LaneOrder::ByteUnpacks, by shifts and unpacks only (no conversion, no
/// table): each code unpacked into the upper byte of a word, shifted right
/// (arithmetic) by 4 and masked to sign | magnitude << 4 (the upper half of
/// the f32), then unpacked with zero words below. NaN codes (magnitude
/// 0x7f) decode to a finite value: the caller marks their columns.
SmallVector<Value> decodeE4M3ByBits(OpBuilder &b, Location loc, Value codes);
/// Whether every term of a (row tile, K block) with two E8M0 block scales
/// takes the short form partial * 2^(ca+cb-254) (one multiply, one
/// rounding): ca + cb in [128, 381] and neither code 255 (NaN), for every
/// row's code ca (i32 scalars) and every lane's cb (i32 vectors). There
/// 2^(ca+cb-254) is a normal f32, so one f32 multiply rounds the exact
/// product once, as applyMatmulBlockScales' exact f64 product rounded to
/// f32 does: the same bits, NaN and infinite partials included. Real data
/// (codes near 127) always takes it. An i1.
Value shortPairRange(OpBuilder &b, Location loc, ArrayRef<Value> aCodes,
                     ArrayRef<Value> bCodes);
/// The short form itself, for codes in shortPairRange: partial times
/// 2^(ca+cb-254), built as the bits (ca << 23) + (cb << 23) - (127 << 23)
/// (i32 vectors ca, cb of the partial's shape).
Value scaleShortPair(CodecEmitter &e, Value partial, Value ca, Value cb);
/// A 64-entry word table as mx_x86.vpermi2w.512's two vector<32xi16>
/// halves (entries 0-31, 32-63).
std::pair<Value, Value> wordTable(OpBuilder &b, Location loc,
                                  ArrayRef<int16_t> entries);
/// The table's entries (a vector<32xi16>) at the 32 FP6 codes packed from
/// byte `first` of `src` (a vector<32xi8>, first + 24 <= 32), in column
/// order: each code's 16-bit window (fp6WindowMask, one vpermb) shifted
/// right by 6i % 8 (vpsrlvw) to its low six bits, which vpermi2w reads.
Value lookupFP6Words(OpBuilder &b, Location loc, Value src, int64_t first,
                     std::pair<Value, Value> table);

/// The block-scale codes (i32 vectors, one per interleaved vector) of the
/// lanes of the sub-chunk whose first column is `col`, read from the scale
/// row scales[i0, i1, :] with blocks of `bn` columns. Requires that `bn`
/// divides sc.cols or sc.cols divides `bn`.
SmallVector<Value> readScaleCodes(OpBuilder &b, Location loc, Value scales,
                                  Value i0, Value i1, Value col, int64_t bn,
                                  SubChunk sc, bool inBounds);

/// An FP4 product table, f32(a * value(code)) for the 16 codes, in the form
/// `strategy` reads: one vector<16xf32> (DynamicExtract) or the halves of
/// codes 0-7 and 8-15 (HalfTables).
struct FP4Table {
  FP4LookupStrategy strategy;
  SmallVector<Value> parts;
};
/// The decoded values of the 16 codes of `kind` (the table for a = 1).
FP4Table buildFP4ValueTable(OpBuilder &b, Location loc, mxref::ElemKind kind,
                            FP4LookupStrategy strategy);
/// f32(a * value) of each entry, for a scalar f32 `a`: the products the
/// reference forms.
FP4Table multiplyTable(OpBuilder &b, Location loc, const FP4Table &values,
                       Value a);
/// Lane l of the result is the table's entry idx[l] (i32 lanes in [0, 16)).
Value lookup(OpBuilder &b, Location loc, const FP4Table &table, Value idx);

/// vpshufb ymm: byte l of the result is table[idx[l] & 15] within l's
/// 16-byte half (idx bytes in [0, 16); the table repeated in both halves).
Value x86ShuffleBytes(OpBuilder &b, Location loc, Value table, Value idx);
/// vpmaddubsw ymm: vector<16xi16>, word i = u8[2i] * s8[2i] + u8[2i+1] *
/// s8[2i+1] (unsigned times signed bytes, saturated to i16).
Value x86MulAddBytes(OpBuilder &b, Location loc, Value u8, Value s8);
/// vpmaddwd ymm: vector<8xi32>, dword i = a[2i] * c[2i] + a[2i+1] *
/// c[2i+1] (signed words).
Value x86MulAddWords(OpBuilder &b, Location loc, Value a, Value c);
/// vpdpbusd ymm: vector<8xi32>, dword i = acc[i] + the four products
/// u8[4i + j] * s8[4i + j] (unsigned times signed bytes, no saturation).
Value x86DotBytesAccumulate(OpBuilder &b, Location loc, Value acc, Value u8,
                            Value s8);
/// vpmultishiftqb ymm: byte l of the result is the 8 bits of data's qword
/// (the one holding l) starting at bit control[l] & 63.
Value x86MultiShiftBytes(OpBuilder &b, Location loc, Value control, Value data);
/// vpermi2b ymm: byte l of the result is entry idx[l] & 63 of the 64-byte
/// table whose entries 0-31 are `low` and 32-63 `high`.
Value x86PermuteBytes2(OpBuilder &b, Location loc, Value low, Value idx,
                       Value high);
/// vpermi2w zmm: word l of the result is entry idx[l] & 63 of the 64-word
/// table whose entries 0-31 are `low` and 32-63 `high`.
Value x86PermuteWords2x64(OpBuilder &b, Location loc, Value low, Value idx,
                          Value high);
/// vpdpwssd zmm: vector<16xi32>, dword i = acc[i] + a[2i] * c[2i] +
/// a[2i+1] * c[2i+1] (signed words, no saturation).
Value x86DotWordsAccumulate512(OpBuilder &b, Location loc, Value acc, Value a,
                               Value c);
/// vpermi2b zmm: byte l of the result is entry idx[l] & 127 of the
/// 128-byte table whose entries 0-63 are `low` and 64-127 `high`.
Value x86PermuteBytes2x128(OpBuilder &b, Location loc, Value low, Value idx,
                           Value high);

} // namespace vec
} // namespace lowering
} // namespace mx
} // namespace mlir

#endif // MX_LIB_CONVERSION_MXTOLINALG_VECTORIZE_H
