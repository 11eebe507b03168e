//===- VectorMatmul.cpp - mx.matmul to vector loops -----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx.matmul with a block-scaled rhs [K, N] (any lhs) as scf.for loops over
// vector.transfer_read/write on tensors, vectorized along N: lane n of a
// vector owns output column n and performs exactly the reference's f32
// operations for it (include/mx/Numerics/Matmul.h), in its order:
//
//   for each K block j (increasing):            -- outermost, so the weights
//     for each chunk of columns:                -- stream row block by row
//       for each row m:                         -- block, 64 bytes per row
//         partial = 0
//         for k in block j (increasing): partial = partial + f32(a[m,k] * b)
//         acc[m, cols] = acc + ldexp(partial * u, e)  (NaN for a NaN scale)
//   out = acc (* g)
//
// No reduction is reordered, so the result is bit-exact. The block scales
// are applied by applyMatmulBlockScales (MXCommon), as in the linalg
// lowering. The products are
// computed as arith.mulf then arith.addf without fastmath flags, so LLVM
// never contracts them into an FMA.
//
// FP4 rhs codes come two per byte: a sub-chunk of 2 * lanes columns (lanes
// bytes) decodes into an even-column and an odd-column vector. Partial sums and
// the accumulator keep that lane order (the scratch accumulator is stored in
// it); the final pass interleaves it back.
//
// The chunk loop walks kb rows at once, 4 sub-chunks of each, so a core has kb
// streams in flight and the out-of-order window alone does not cover the
// DRAM latency: each row's read is preceded by a software prefetch of the
// same row `prefetchDistance` chunks ahead (memref.prefetch on a read-only
// view of the packed tensor; it never changes a value).
//
// With `panels` > 1 the full column chunks are split into that many panels
// of whole chunks, and an scf.forall over the panels becomes the outermost
// loop (each panel runs the K-block loop over its own columns, on its own
// slice of the accumulator); the ragged last columns follow in a serial
// nest. Every output column still sees the same operations in the same
// order, so the result does not depend on the panel count or on which
// thread runs a panel.
//
// E4M3 weights decode through f16 on x86 targets as their values times 2^-8
// (E2M3 2^-14, E3M2 2^-12); the GEMV multiplies each activation by 2^8
// (2^14, 2^12) instead of each decoded vector (the same products; plain
// activations are checked for overflow first, and the nest is built without
// the fold as well, under an scf.if).
//
// On AVX2 (8 lanes, no byte tables) the GEMV decodes E4M3 weights by
// shifts and unpacks instead (vec::decodeE4M3ByBits; docs/Lowering.md, "FP8
// weights by bits"): the f32 of value * 2^-120, 2^120 folded into the
// activations when they fit (MXFP8 ones: 2^119 or 2^112, the rest applied
// to the block's partial sums; plain ones that do not: the f16 route),
// exact products fused into the sums, and NaN codes tracked per column and
// applied after the block.
//
// With AVX512-VBMI (VectorTarget::byteTable64) the GEMV decodes FP8 and FP6
// weights through tables instead (docs/Lowering.md, "FP8 weights" and "FP6
// weights"): every value of those kinds is exact in bf16, so two 128-entry
// byte tables (bytes 3 and 2 of the f32, at an FP8 code's magnitude) or one
// 64-entry word table (at an FP6 code) and unpacks with zero make the f32s,
// 64 columns per sub-chunk in the unpacks' lane order (SubChunk::order),
// with no fold. On AVX2 FP4 weights take the same form with two 16-entry
// byte shuffles (decodeFP4ByShuffles; "FP4 weights by byte shuffles"): the
// product table's halves cost two permutes and a blend per vector.
//
// MXINT8 activations against FP4 weights blocked along K (MXFP4, NVFP4 16x1)
// take the integer-dot variant of this nest on x86 targets
// (VectorTarget::byteDot; docs/Lowering.md, "Integer-dot GEMV"): the
// products of an E2M1 value (a multiple of 1/2 up to 6) and an INT8 element
// (code * 2^-6) are multiples of 2^-7, and a block's partial sum of at most
// kb of them stays below 2^24 units, so the reference's f32 partial sum
// is exact and equals the integer sum of code products times 2^-7. The
// kernel forms that integer sum with byte instructions: 64 columns (one
// 32-byte load per K row) at a time, four K rows' codes decoded by a byte
// table lookup into E2M1 value * 2 + 12 (unsigned, for vpmaddubsw),
// transposed into 4-byte column groups by byte and word unpacks, and
// multiplied by the four broadcast activation codes (vpmaddubsw, then
// vpmaddwd to i32; one vpdpbusd with VNNI). The sums start at -12 times the
// block's activation code sum (computed once per row and block before the
// nest), which removes the offset. They are then converted, scaled and
// accumulated exactly as in the f32 nest, in the lane order the unpacks
// leave (the final pass reorders it). E2M3 weights (MXFP6; 8 * value is
// an integer up to 60) take it too: each K row's codes are unpacked and
// decoded to bytes 8 * value + 60 first (vpmultishiftqb, vpermi2b with
// AVX512-VBMI, VectorTarget::byteTable64; word shifts and vpshufb without,
// decodeFP6BytesAVX2, and tiled weights stored split into nibbles and the
// codes' top two bits, fp6Split), the sums count units of 2^-9 (below 60 *
// 128 * 256 < 2^21), and the same unpacks follow. With VBMI, E3M2 weights
// (16 * value up to 448: a word) take a word dot instead: two K rows'
// codes through the f32 nest's 64-entry word table, holding 16 * value,
// their words interleaved into dwords and multiplied by zmm vpdpwssd
// (AVX512-VNNI) with no offset; the sums count units of 2^-10 (below 448 *
// 128 * 256 < 2^24). Elsewhere E3M2 weights take two byte dots instead
// (DotWeights::FP6HighLow; docs/Lowering.md, "E3M2 weights without VBMI"):
// their codes are unpacked and interleaved as E2M3's (or read split), and
// each decoded to the bytes high + 28 and low + 14 of 16 * value = 16 *
// high + low; the high part's vpmaddubsw pairs are widened by vpmaddwd
// times 16, the low part's times 1 (or by vpdpbusd), into the same sums.
//
// This nest is the GEMV (decode) kernel. From kBatchedMinRows rows on, the
// entry hands the matmul to the register-blocked batched kernel
// (VectorBatchedMatmul.cpp), which decodes each weight vector once for a
// tile of rows; the integer-dot variant instead keeps this nest with row
// tiles, from kIntDotBlockedMinRows rows on in a cache-blocked order
// (column chunks outside the K blocks, emitChunksOfBlocks; weights passed
// in are copied chunk by chunk into the layout of constant ones first,
// emitChunkTiles).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "VectorBatchedMatmul.h"
#include "Vectorize.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"
#include "mx/Conversion/MXCommon/Components.h"
#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

namespace {

/// Sub-chunks per column step: 64 packed bytes per FP4/FP8 row at 16 lanes.
constexpr int64_t kUnroll = 4;
/// Sub-chunks (of 64 codes) per column chunk of the table decode: one (4
/// accumulators; FP4 on AVX2 8), so that the one prefetch per K row and chunk
/// covers the chunk's bytes (two sub-chunks ran 1.7x slower from DRAM).
constexpr int64_t kByteTableUnroll = 1;
/// Sub-chunks (of 32 E4M3 codes) per column chunk of the bit decode.
constexpr int64_t kBitDecodeUnroll = 1;
/// The most the bit decode's fold gives up for block-scaled activations
/// (VectorMatmulEmitter::unfoldLog2): 8 makes room for E5M2's 57344.
constexpr int64_t kMaxBitsUnfoldLog2 = 8;
/// Columns per chunk of the integer-dot GEMV: one 32-byte load of an FP4 row.
constexpr int64_t kIntDotCols = 64;
/// Rows from which the integer-dot kernel takes the cache-blocked order
/// (emitChunksOfBlocks). Below, the GEMV's order with its prefetch is
/// faster: the cache-blocked order walks each chunk's rows down K, one 4 KiB
/// page per row, which neither the hardware prefetcher nor the GEMV's
/// prefetch covers (4096 x 14336 MXFP4 x MXINT8 on Zen 4: M = 8 9.9 -> 5.6
/// ms, M = 48 36.9 -> 35.7 ms in the GEMV's order; M = 64 46.8 against 51.4
/// ms in the cache-blocked one, whose accumulator stays in cache).
constexpr int64_t kIntDotBlockedMinRows = 64;
/// Output rows per tile of the integer-dot kernel (sharing each decoded
/// weight vector): 4 for prompts with 32 vector registers (AVX-512: 16 i32
/// accumulators; the loop issues fewer instructions per product than with
/// 2 or 3 rows), 2 for a GEMV's few rows (8 accumulators, no spill) and
/// on AVX2's 16 registers, where 4 rows keep about half the accumulators
/// in memory (docs/Benchmarks.md, "On a Zen 1 machine").
int64_t intDotRows(int64_t m, int64_t registers) {
  return m >= kBatchedMinRows && registers >= 32 ? 4 : 2;
}
/// The largest K block of the integer-dot kernel. Exactness allows 8192
/// (12 * 128 * kb units stay below 2^24); the activation code sum of a
/// block is one vector<kb x i32> reduction, so the bound stays at the
/// block sizes formats use.
constexpr int64_t kIntDotMaxBlock = 256;
/// The largest E8M0 weight code of the integer dot's short block terms
/// (emitIntDotRows).
constexpr int64_t kShortMaxCode = 230;
/// K steps (of four K rows) whose vpmaddubsw pairs the integer dot adds as
/// i16 before one vpmaddwd widens them, where no vpdpbusd does both
/// (emitIntDotSums; 2 when the block or the pairs' bound allow no more).
constexpr int64_t kIntDotWordSteps = 4;

/// How the integer-dot kernel reads its weights.
enum class DotWeights {
  /// E2M1 nibbles through a byte table (vpshufb), byte dot products.
  FP4,
  /// E2M3 codes unpacked and decoded to bytes (VBMI), byte dot products.
  FP6Bytes,
  /// E3M2 codes through a word table (vpermi2w), word dot products.
  FP6Words,
  /// E3M2 codes unpacked as FP6Bytes' are without VBMI, each decoded to two
  /// bytes, the high and low parts of 16 * value = 16 * high + low; two byte
  /// dot products, the first's pairs widened times 16 (where the word dot
  /// is not available).
  FP6HighLow,
};

/// Which part of an FP6 code's magnitude / unit a decode table holds: all
/// of it (E2M3, at most 60), or the high (/ 16) or low (% 16) part of
/// E3M2's (at most 448; DotWeights::FP6HighLow).
enum class FP6Part { Whole, High, Low };

/// The column (in its 64-column chunk) of lane `l` of the integer-dot
/// accumulator (vector l / 8 of 8 lanes).
/// * Bytes: the byte unpacks leave byte p of group g's 32-byte vectors in
///   lane i of vector t of group g, p = 4t + i % 4 + 16 (i / 4). For FP4
///   byte p holds columns 2p (group 0, low nibble) and 2p + 1 (group 1);
///   for FP6 group g is the decoded bytes of columns 32g + p.
/// * Words: group g's word unpack u (of two K rows' 32 words, columns 32g
///   to 32g + 31) holds column 32g + 8 (j / 4) + 4u + j % 4 in dword j of
///   16; vector t of group g is half t % 2 of unpack t / 2.
int64_t intDotColumn(int64_t l, DotWeights w) {
  int64_t g = l / 32, t = (l % 32) / 8, i = l % 8;
  if (w == DotWeights::FP6Words) {
    int64_t j = 8 * (t % 2) + i;
    return 32 * g + 8 * (j / 4) + 4 * (t / 2) + j % 4;
  }
  int64_t p = 4 * t + i % 4 + 16 * (i / 4);
  return w == DotWeights::FP4 ? 2 * p + g : 32 * g + p;
}

/// `bytes` (vector<32xi8>) shifted left by `by` as words (vpsllw): bit 7 of
/// each byte of the result is bit 7 - by of the same byte.
static Value shiftBytesLeft(OpBuilder &b, Value bytes, int64_t by) {
  Location loc = bytes.getLoc();
  auto v16i16 = VectorType::get({16}, b.getI16Type());
  Value words = vector::BitCastOp::create(b, loc, v16i16, bytes);
  Value shifted = arith::ShLIOp::create(
      b, loc, words,
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v16i16, b.getI16IntegerAttr(by))));
  return vector::BitCastOp::create(b, loc, bytes.getType(), shifted);
}

/// The integer dot's interleave of four K rows of 32 bytes: the bytes of
/// rows (0, 1) and (2, 3) unpacked (interleaveRowBytes), then, per vector
/// t (of 4), the words of those, so that its dword i holds the four rows
/// of byte 4t + i % 4 + 16 (i / 4): the four K rows of one column, as
/// vpdpbusd and vpmaddubsw pair them.
struct InterleavedRows {
  Value u[2], v[2];
  Value vector(OpBuilder &b, Location loc, int64_t t) const {
    auto v16i16 = VectorType::get({16}, b.getI16Type());
    auto v32i8 = VectorType::get({32}, b.getI8Type());
    Value uw = vector::BitCastOp::create(b, loc, v16i16, u[t / 2]);
    Value vw = vector::BitCastOp::create(b, loc, v16i16, v[t / 2]);
    Value tw =
        vector::ShuffleOp::create(b, loc, uw, vw, unpackMask(16, 8, t % 2));
    return vector::BitCastOp::create(b, loc, v32i8, tw);
  }
};
static InterleavedRows interleaveRowBytes(OpBuilder &b, Location loc,
                                          ArrayRef<Value> rows) {
  InterleavedRows p;
  for (int h = 0; h < 2; ++h) {
    p.u[h] = vector::ShuffleOp::create(b, loc, rows[0], rows[1],
                                       unpackMask(32, 16, h));
    p.v[h] = vector::ShuffleOp::create(b, loc, rows[2], rows[3],
                                       unpackMask(32, 16, h));
  }
  return p;
}

/// The loop nest of one vectorized matmul (see the file comment). Operands
/// are 3-D ([batch, rows, cols]); lanes and the FP4 lookup come from the
/// VectorTarget.
struct VectorMatmulEmitter {
  /// One scf.for over column chunks [lb, ub) of `unroll` sub-chunks each,
  /// for K block j of batch bt: adds the scaled partial sums to `acc`.
  Value emitChunks(OpBuilder &b, Value bt, Value j, Value acc, Value lb,
                   Value ub, int64_t unroll, bool inBounds) const;
  /// Row `row` of one column chunk: the block's partial sums, scaled and
  /// added to `acc`.
  Value emitRow(OpBuilder &b, Value bt, Value j, Value col0, Value row,
                Value acc, int64_t unroll, bool inBounds) const;
  /// The partial sums over k in block j (increasing) of the chunk's
  /// `unroll * interleave` vectors.
  SmallVector<Value> emitPartials(OpBuilder &b, Value bt, Value j, Value col0,
                                  Value row, int64_t unroll,
                                  bool inBounds) const;
  /// emitPartials for bitDecode: the chunk's sub-chunks of E4M3 codes per
  /// K row, decoded by bits; a column whose codes in the block include a
  /// NaN gets a NaN partial sum, as the reference's NaN product makes it.
  SmallVector<Value> emitBitPartials(OpBuilder &b, Value bt, Value j,
                                     Value col0, Value row, int64_t unroll,
                                     bool inBounds) const;
  /// The decoded values of two consecutive sub-chunks of FP8 or FP6 codes
  /// (through f16, halfDecode), read and decoded as one vector of 2 * lanes.
  SmallVector<Value> decodeHalfPair(OpBuilder &b, Value bt, Value kIdx,
                                    Value byteOff) const;
  /// Without VBMI: the 32 E2M3 codes of group g of a packed K row (their 24
  /// packed bytes at byte 8g of `raw`, 32 bytes), one per byte. `spread`
  /// (fp6SpreadMask) places each code's three packed bytes in a dword.
  Value unpackFP6CodesAVX2(OpBuilder &b, Value raw, int64_t g,
                           Value spread) const;
  /// The integer dot's FP6 bytes (a part of value / unit, plus `offset`)
  /// without VBMI: `idx` holds each code's low four bits (bit 7 clear;
  /// nibbleIdx: nothing else), `bits` (fp6CodeBits) its bits 4 and 5;
  /// `tables` (fp6MagnitudeTables) hold the part of the magnitudes of codes
  /// 0-15 and 16-31.
  Value decodeFP6BytesAVX2(OpBuilder &b, Value idx, bool nibbleIdx,
                           std::pair<Value, Value> bits,
                           std::pair<Value, Value> tables,
                           int64_t offset) const;
  /// Code bits 4 and 5 as i1 lanes, from bit 7 of `sel4` and `sel5` (the
  /// lane bit vpblendvb reads); FP6HighLow's two decodes share them.
  std::pair<Value, Value> fp6CodeBits(OpBuilder &b, Value sel4,
                                      Value sel5) const;
  std::pair<Value, Value> fp6MagnitudeTables(OpBuilder &b, FP6Part part) const;
  Value fp6SpreadMask(OpBuilder &b) const;
  /// Whether tiled E2M3 weights are stored split (without VBMI): per four
  /// K rows of a chunk, the nibbles and top two bits of the codes in the
  /// interleave's order (splitFP6Rows; docs/Lowering.md, "E2M3 weights
  /// without VBMI").
  bool splitsFP6() const { return fp6Dot() && !fp6ByMultiShift; }
  /// Whether the kernel reads split tiles: tiled weights that splitsFP6.
  bool fp6Split() const { return tiled && splitsFP6(); }
  /// The f16 patterns (CodecEmitter::decodeFP6ViaHalf's) of `n` FP6 codes
  /// in 3n/4 packed bytes, in 16-bit lanes.
  Value fp6HalfPatterns(OpBuilder &b, Value bytes, int64_t n) const;
  /// One k step: partial + f32(a[row, k] * b[k, cols]) for each vector.
  SmallVector<Value> addProducts(OpBuilder &b, Value bt, Value row, Value kIdx,
                                 Value col0, ValueRange parts, int64_t unroll,
                                 bool inBounds) const;
  /// emitRow for the integer-dot kernel (intDot), for a tile of output
  /// rows.
  Value emitIntDotRows(OpBuilder &b, Value bt, Value j, Value col0,
                       ValueRange rowIdx, Value acc) const;
  /// The i32 sums over the block at k0 of (2 * value + 12) * code of the
  /// chunk's nibbles in `groups` (0: even columns, 1: odd), in lane order,
  /// each started at its row's `init` (minus the table offset's share):
  /// four vectors per group and row, ordered [group][row][vector]. One
  /// loop for both groups reads and interleaves the bytes once; a tile of
  /// several rows takes a loop per group, which keeps its accumulators in
  /// registers.
  SmallVector<Value> emitIntDotSums(OpBuilder &b, Value bt, Value k0,
                                    Value col0, ValueRange rowIdx,
                                    ValueRange init,
                                    ArrayRef<int64_t> groups) const;
  /// The K steps (of four K rows) per iteration of emitIntDotSums' loop.
  /// Without vpdpbusd, each product vector takes vpmaddubsw (u8 x s8 pairs
  /// to i16) and vpmaddwd by ones (to i32), both on the one integer-multiply
  /// pipe of many cores. An FP4 pair is at most 2 * 128 * 24 in magnitude
  /// (the table's largest entry is twice intDotOffset), so the steps' pairs
  /// add exactly as i16 (vpaddw) while steps times that stays below 2^15,
  /// and one vpmaddwd widens them. 1 with vpdpbusd and for FP6.
  int64_t wordSteps() const {
    if (dotAccumulate || dotWeights != DotWeights::FP4)
      return 1;
    for (int64_t s : {kIntDotWordSteps, int64_t(2)})
      if ((kb / 4) % s == 0 &&
          s * 2 * 128 * (2 * intDotOffset) < (int64_t(1) << 15))
        return s;
    return 1;
  }
  /// emitIntDotSums for E3M2 weights (DotWeights::FP6Words), from zero:
  /// per two K rows, the codes of 32 columns of each row through the word
  /// table of 16 * value, the two rows' words interleaved (each dword one
  /// column's two K rows), one vpdpwssd per dword vector and output row.
  SmallVector<Value> emitWordDotSums(OpBuilder &b, Value bt, Value k0,
                                     Value col0, ValueRange rowIdx,
                                     ArrayRef<int64_t> groups) const;
  /// The INT8 activation codes a[m, k..] that fill one dword of `type`'s
  /// elements (4 bytes, or 2 sign-extended words), in every dword of
  /// `type` (a vpbroadcastd).
  Value broadcastActivations(OpBuilder &b, Value bt, Value m, Value kIdx,
                             VectorType type) const;
  /// -12 * (the sum of the activation codes) of each row and K block, an
  /// i32 tensor [batch, M, K / kb]: the table offset's share of every
  /// chunk's sums, computed once instead of once per column chunk.
  Value emitIntDotOffsets(OpBuilder &b) const;
  /// The rows of one column chunk for K block j (emitRow, or the
  /// integer-dot row tiles).
  Value emitRows(OpBuilder &b, Value bt, Value j, Value col0, Value acc,
                 int64_t unroll, bool inBounds) const;
  /// The cache-blocked order of the integer-dot kernel for M >=
  /// kIntDotBlockedMinRows: for each
  /// column chunk in [lb, ub), every K block (increasing), every row tile;
  /// the chunk's accumulator rows (M x 64 f32) stay in cache across the K
  /// blocks instead of streaming the whole [M, N] accumulator once per
  /// block.
  Value emitChunksOfBlocks(OpBuilder &b, Value bt, Value acc, Value lb,
                           Value ub) const;
  /// K rows [kk, kk + codeGroupRows()) of the chunk whose first byte in a
  /// packed row is byteOff (chunkByteOffset) into `out` at [at[0], at[1],
  /// kk * chunkBytes() ...], in the layout of retileConstantWeights;
  /// returns `out`.
  Value emitChunkCodeGroup(OpBuilder &b, Value bt, Value kk, Value byteOff,
                           Value out, ValueRange at) const;
  /// K rows per emitChunkCodeGroup: one iteration of emitIntDotSums' loop
  /// for FP4 (4 * wordSteps()), four for FP6.
  int64_t codeGroupRows() const {
    return dotWeights == DotWeights::FP4 ? 4 * wordSteps() : 4;
  }
  /// Block j's scale codes of the chunk at col0 into `out` at [at[0], at[1],
  /// j * 64 / bn], in the layout of retileConstantWeights; returns `out`
  /// and the codes (i8 lanes).
  std::pair<Value, Value> emitChunkScaleBlock(OpBuilder &b, Value bt, Value j,
                                              Value col0, Value out,
                                              ValueRange at) const;
  /// The cache-blocked order's copy of one chunk of weights passed in
  /// (packed rows) into the layout of retileConstantWeights: the chunk's K
  /// rows into `codesTile` ([1, 1, K * chunkBytes()]; FP4 transposed as the
  /// kernel's unpacks would make them, FP6 as they are, or split,
  /// splitsFP6) and its block
  /// scales, in lane order with one per column, into `scalesTile` ([1, 1,
  /// K / kb * 64 / bn]). Returns both tiles, written, and where the block terms
  /// have a short form (intDotShortForm) whether every scale code of the chunk
  /// takes it (an i1; else null).
  std::tuple<Value, Value, Value> emitChunkTiles(OpBuilder &b, Value bt,
                                                 Value col0, Value codesTile,
                                                 Value scalesTile) const;
  /// Whether the cache-blocked order copies each chunk of the weights into
  /// the kernel's layout first (emitChunkTiles): weights passed in, whose
  /// every K row of a chunk is on its own page (and whose four FP4 rows the
  /// kernel would otherwise unpack once per row tile).
  bool tilesChunks() const { return intDot && !tiled; }
  /// Bytes of one K row of a chunk: 32 for FP4, 48 for FP6.
  int64_t chunkBytes() const {
    return kIntDotCols * mxref::getElemInfo(bFormat.elem).bits / 8;
  }
  /// The first byte, in a packed K row, of the chunk at column col0.
  Value chunkByteOffset(OpBuilder &b, Value col0) const {
    if (dotWeights == DotWeights::FP4)
      return divIdx(b, loc, col0, 2);
    // One op-creating call per statement (argument evaluation order).
    Value col3 = mulIdx(b, loc, col0, 3);
    return divIdx(b, loc, col3, 4);
  }
  /// log2 of the unit the integer dot's sums count: the weight's least
  /// magnitude (E2M1 1/2, E2M3 1/8, E3M2 1/16) times INT8 code 1 (2^-6).
  int64_t intDotUnitLog2() const {
    return std::ilogb(mxref::decodeElem(bFormat.elem, 1) *
                      mxref::decodeElem(mxref::ElemKind::INT8, 1));
  }
  /// Whether the integer dot's block terms have a short form (one rounding
  /// of an exact product; emitIntDotRows says when).
  bool intDotShortForm() const {
    if (aScaleKind != mxref::ScaleKind::E8M0)
      return false;
    int64_t d = intDotUnitLog2();
    if (bFormat.scale == mxref::ScaleKind::E8M0)
      return d <= 0 && d >= -22;
    return bFormat.scale == mxref::ScaleKind::UE4M3 &&
           intDotOffset * 128 * kb < (int64_t(1) << 20);
  }
  /// Whether every weight scale code of `codes` (i8 lanes) takes the block
  /// terms' short form: E8M0 in [1, kShortMaxCode], UE4M3 not NaN; an i1.
  Value allShortCodes(OpBuilder &b, Value codes) const;
  /// Columns per chunk.
  int64_t chunkCols(int64_t unroll) const {
    return intDot ? kIntDotCols : unroll * sc.cols;
  }
  /// A software prefetch of row kIdx, prefetchDistance chunks ahead.
  void prefetch(OpBuilder &b, Value bt, Value kIdx, Value col0,
                int64_t step) const;
  /// Software prefetches (locality 2, into L2, as `prefetch`) of the tiled
  /// codes of the `rows` K rows from kIdx of the chunk at col0, 8 *
  /// prefetchDistance K rows ahead (clamped to the chunk), one per 64-byte
  /// line.
  void prefetchTiled(OpBuilder &b, Value bt, Value kIdx, Value col0,
                     int64_t rows) const;
  /// Back to column order, times the tensor scale g when given.
  Value emitOutput(OpBuilder &b, Value scratch, Value g) const;
  /// for each output row r (batch * M of them, bt = r / M, row = r % M):
  /// for i in [0, ub) step `step`: t = body(bt, row, i, t); from `init`.
  Value emitRowSteps(
      OpBuilder &b, Value init, int64_t ub, int64_t step,
      function_ref<Value(OpBuilder &, Value, Value, Value, Value)> body) const;

  VectorType f32v() const {
    return VectorType::get({sc.lanes}, Float32Type::get(ctx));
  }

  MLIRContext *ctx;
  Location loc;
  mxref::Format bFormat;
  SubChunk sc;
  mxref::ScaleKind aScaleKind;
  int64_t kb, bn, bm, m, n, k, batch, prefetchDistance, rowBytes;
  std::optional<FP4Table> valueTable;
  Value aValues, aScales, packed, bScales, packedView;
  /// The column of the output at column 0 of `acc` (a panel's slice); null:
  /// 0.
  Value accCol0;
  /// FP8 weights decode through f16 (VectorTarget::halfConvert).
  bool halfDecode = false;
  /// FP8 weights decode by two 128-entry byte tables and FP6 weights by a
  /// 64-entry word table (AVX512-VBMI, VectorTarget::byteTable64), FP4
  /// weights on AVX2 by two 16-entry byte shuffles: sc is then
  /// getByteTableSubChunk (getNibbleShuffleSubChunk), 64 codes per sub-chunk
  /// in the lane order of its unpacks, with no fold.
  bool byteTables() const {
    return sc.order != LaneOrder::Interleaved && !bitDecode;
  }
  /// E4M3 weights decode by shifts and unpacks (decodeE4M3ByBits; AVX2,
  /// where vcvtph2ps and the NaN rewrite bound the f16 route): sc is then
  /// getBitDecodeSubChunk, the values are times 2^-kE4M3BitsLog2 (foldLog2
  /// is kE4M3BitsLog2), and each chunk's columns with a NaN code in the
  /// block get a NaN partial sum (emitBitPartials).
  bool bitDecode = false;
  /// The products a * value of the bit decode are exact in f32 (block-scaled
  /// or per-tensor activations: elements of at most 8 significant bits and
  /// 57344 in magnitude; f16 ones: 11 bits), so one fused multiply-add forms
  /// f32(partial + f32(a * value)) (docs/Lowering.md, "FP8 weights by
  /// bits").
  bool exactProducts = false;
  /// Sub-chunks per column chunk of the full chunks.
  int64_t unroll = kUnroll;
  /// E4M3 (E2M3, E3M2) weights decode to their values times 2^-foldLog2
  /// (8, 14, 12: the f16 route's rebias, CodecEmitter::halfRebiasLog2) and
  /// each activation is multiplied by 2^foldLog2 instead (once per row and
  /// k, not once per vector): the same products, when no activation
  /// overflows (foldLog2Of). 0: no fold.
  int64_t foldLog2 = 0;
  /// The bit decode with activations whose elements are too large for
  /// 2^kE4M3BitsLog2 (MXFP8: 448, 57344): foldLog2 is kE4M3BitsLog2 less
  /// this, so every product and partial sum is 2^-unfoldLog2 times the
  /// reference's, all of them normal f32 (multiples of at least 2^-33) and
  /// so rounded alike; the partial sums are multiplied back, exactly, after
  /// the block (emitBitPartials). 0: none.
  int64_t unfoldLog2 = 0;
  /// The integer-dot kernel: aCodes holds the lhs's INT8 codes, aOffsets
  /// the emitIntDotOffsets tensor.
  bool intDot = false;
  /// How the integer dot decodes and multiplies the weights: E2M3 on any
  /// x86 target, E3M2 by words with AVX512-VBMI and -VNNI at 16 lanes, by
  /// two byte parts on the others.
  DotWeights dotWeights = DotWeights::FP4;
  bool fp6Dot() const {
    return dotWeights == DotWeights::FP6Bytes ||
           dotWeights == DotWeights::FP6HighLow;
  }
  bool highLow() const { return dotWeights == DotWeights::FP6HighLow; }
  /// FP6HighLow's byte offsets (value / unit = 16 * high + low; the largest
  /// high and low parts: 28 and 14 for E3M2); intDotOffset is 16 * high +
  /// low.
  int64_t highOffset = 0, lowOffset = 0;
  /// FP6Bytes unpacks and decodes by vpmultishiftqb and vpermi2b
  /// (VectorTarget::byteTable64), otherwise (and FP6HighLow always) by
  /// decodeFP6BytesAVX2.
  bool fp6ByMultiShift = false;
  /// The integer dot's weight bytes are value / unit + intDotOffset, with
  /// unit the element's least magnitude (its code 1): 2 * value + 12 for
  /// E2M1 (0 to 24), 8 * value + 60 for E2M3 (0 to 120), unsigned as
  /// vpmaddubsw and vpdpbusd want their first operand. E3M2's words are
  /// 16 * value, signed (0 offset); its FP6HighLow bytes high + 28 and
  /// low + 14 (intDotOffset 462).
  int64_t intDotOffset = 0;
  /// aOffsets: null for the word dot.
  Value aCodes, aOffsets;
  /// The integer dot through vpdpbusd (VectorTarget::dotAccumulate).
  bool dotAccumulate = false;
  /// The target's vector registers (VectorTarget::registers): the integer
  /// dot's row tile.
  int64_t registers = 32;
  /// The integer dot's constant weights in the kernel's layout
  /// (retileConstantWeights): packed is [batch, N / 64, K * chunk bytes]
  /// and bScales [batch, N / 64, K / kb * 64 / bn], each chunk's K rows and
  /// block scales contiguous.
  bool tiled = false;
  /// With tiled FP4 weights: each chunk's four K rows are stored in the
  /// order the kernel's byte and word unpacks make of them (dword i of
  /// vector t holding the four rows of one byte), so the kernel loads the
  /// four vectors and skips the unpacks (docs/Lowering.md, "Constant
  /// weights in the integer dot").
  bool transposed = false;
  /// With tiled weights of one scale per column (bn = 1): each chunk's 64
  /// block scale codes of a K block are stored in the accumulator's lane
  /// order (intDotColumn), so that vector v's 8 codes are bytes 8v to 8v +
  /// 7 (read as they are, no shuffle).
  bool scalesInLaneOrder() const { return tiled && bn == 1; }
  /// Every block scale code of the constant weights lies where the block
  /// terms' short form holds (E8M0: [1, kShortMaxCode]; UE4M3: not NaN),
  /// known at compile time: no per-chunk check and no general form.
  bool scalesAllShort = false;
  /// With tiled weights: packed and bScales hold one chunk's tiles
  /// (emitChunkTiles), [1, 1, K * chunkBytes()] and [1, 1, K / kb * 64 /
  /// bn].
  bool chunkTiles = false;
  /// The indices of the integer dot's weight bytes of K row kIdx at byte
  /// `extra` of the chunk at column col0, whose first byte in a packed row
  /// is byteOff.
  SmallVector<Value> codeIndices(OpBuilder &b, Value bt, Value kIdx, Value col0,
                                 Value byteOff, int64_t extra) const {
    if (chunkTiles) {
      Value zero = indexConst(b, loc, 0);
      return {zero, zero,
              addIdx(b, loc, mulIdx(b, loc, kIdx, chunkBytes()), extra)};
    }
    if (tiled) {
      int64_t chunkBytes = rowBytes * kIntDotCols / n;
      return {bt, divIdx(b, loc, col0, kIntDotCols),
              addIdx(b, loc, mulIdx(b, loc, kIdx, chunkBytes), extra)};
    }
    return {bt, kIdx, extra ? addIdx(b, loc, byteOff, extra) : byteOff};
  }
  /// The indices of the block scales of K block j of the chunk at col0.
  SmallVector<Value> scaleIndices(OpBuilder &b, Value bt, Value j,
                                  Value col0) const {
    if (chunkTiles) {
      Value zero = indexConst(b, loc, 0);
      return {zero, zero, mulIdx(b, loc, j, kIntDotCols / bn)};
    }
    if (tiled)
      return {bt, divIdx(b, loc, col0, kIntDotCols),
              mulIdx(b, loc, j, kIntDotCols / bn)};
    return {bt, j, bn == 1 ? col0 : divIdx(b, loc, col0, bn)};
  }
};

} // namespace

void VectorMatmulEmitter::prefetch(OpBuilder &b, Value bt, Value kIdx,
                                   Value col0, int64_t step) const {
  // Same row, prefetchDistance chunks ahead (clamped to the row).
  unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
  Value ahead = addIdx(b, loc, divIdx(b, loc, mulIdx(b, loc, col0, bits), 8),
                       prefetchDistance * step * bits / 8);
  ahead =
      arith::MinUIOp::create(b, loc, ahead, indexConst(b, loc, rowBytes - 1));
  // Locality 2 (x86 prefetcht1: into L2, not L1): the GEMV reads each
  // weight line once, and L1's few fill buffers would otherwise bound the
  // misses in flight over a block's 32 rows (docs/Benchmarks.md, "Prefetch
  // into L2").
  memref::PrefetchOp::create(b, loc, packedView, ValueRange{bt, kIdx, ahead},
                             /*isWrite=*/false, /*localityHint=*/2,
                             /*isDataCache=*/true);
}

SmallVector<Value>
VectorMatmulEmitter::addProducts(OpBuilder &b, Value bt, Value row, Value kIdx,
                                 Value col0, ValueRange parts, int64_t unroll,
                                 bool inBounds) const {
  unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
  Value av =
      tensor::ExtractOp::create(b, loc, aValues, ValueRange{bt, row, kIdx});
  if (foldLog2) {
    Value factor = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(std::ldexp(1.0f, foldLog2)));
    av = arith::MulFOp::create(b, loc, av, factor);
  }
  Value avv = vector::BroadcastOp::create(b, loc, f32v(), av);
  // f32(a * value(code)) for the 16 codes: the same products the reference
  // forms, once per row.
  std::optional<FP4Table> products;
  if (valueTable && !byteTables())
    products = multiplyTable(b, loc, *valueTable, av);
  CodecEmitter e(b, loc, f32v());
  if (packedView && inBounds)
    prefetch(b, bt, kIdx, col0, unroll * sc.cols);
  SmallVector<Value> next;
  if (byteTables()) {
    // 64 codes decoded into 4 vectors at once.
    for (int64_t u = 0; u < unroll; ++u) {
      Value col = addIdx(b, loc, col0, u * sc.cols);
      SmallVector<Value> values = decodeByTables(
          b, loc, bFormat.elem, packed, ValueRange{bt, kIdx}, col, inBounds);
      for (auto [p, v] : llvm::enumerate(values)) {
        Value prod = arith::MulFOp::create(b, loc, avv, v);
        next.push_back(
            arith::AddFOp::create(b, loc, parts[u * sc.interleave + p], prod));
      }
    }
    return next;
  }
  for (int64_t u = 0; u < unroll; ++u) {
    Value col = addIdx(b, loc, col0, u * sc.cols);
    Value byteOff = divIdx(b, loc, mulIdx(b, loc, col, bits), 8);
    if (halfDecode && (isFP8(bFormat.elem) || bits == 6) && inBounds &&
        u + 1 < unroll) {
      // FP8 or FP6 through f16, two sub-chunks at once: their bytes are
      // consecutive, so the 16-bit operations fill whole registers.
      SmallVector<Value> pair = decodeHalfPair(b, bt, kIdx, byteOff);
      for (int64_t h = 0; h < 2; ++h)
        next.push_back(arith::AddFOp::create(
            b, loc, parts[u + h], arith::MulFOp::create(b, loc, avv, pair[h])));
      ++u; // the pair's second sub-chunk
      continue;
    }
    SmallVector<Value> codes =
        readCodes(b, loc, bFormat.elem, sc, packed, ValueRange{bt, kIdx},
                  byteOff, inBounds);
    for (auto [p, code] : llvm::enumerate(codes)) {
      Value prod =
          products
              ? lookup(b, loc, *products, code)
              : Value(arith::MulFOp::create(
                    b, loc, avv,
                    decodeCodes(e, bFormat.elem, code, halfDecode,
                                /*rebias=*/foldLog2 == 0)));
      // f32(partial + f32(a * b)): never fused.
      next.push_back(
          arith::AddFOp::create(b, loc, parts[u * sc.interleave + p], prod));
    }
  }
  return next;
}

SmallVector<Value> VectorMatmulEmitter::decodeHalfPair(OpBuilder &b, Value bt,
                                                       Value kIdx,
                                                       Value byteOff) const {
  int64_t n = 2 * sc.lanes;
  unsigned bits = mxref::getElemInfo(bFormat.elem).bits;
  Value bytes =
      readVector(b, loc, VectorType::get({n * bits / 8}, b.getI8Type()), packed,
                 ValueRange{bt, kIdx, byteOff}, /*inBounds=*/true);
  auto f32n = VectorType::get({n}, Float32Type::get(ctx));
  CodecEmitter wide(b, loc, f32n);
  Value v;
  if (bits == 6) {
    Value patterns = fp6HalfPatterns(b, bytes, n);
    v = wide.fp6FromHalfPattern(bFormat.elem, patterns, foldLog2 == 0);
  } else {
    v = wide.decodeFP8ViaHalf(bFormat.elem, bytes, foldLog2 == 0);
  }
  SmallVector<Value> halves;
  for (int64_t h = 0; h < 2; ++h)
    halves.push_back(vector::ExtractStridedSliceOp::create(
        b, loc, v, ArrayRef<int64_t>{h * sc.lanes}, ArrayRef<int64_t>{sc.lanes},
        ArrayRef<int64_t>{1}));
  return halves;
}

Value VectorMatmulEmitter::fp6SpreadMask(OpBuilder &b) const {
  // Dword j of each 16-byte half: the three packed bytes of its four codes
  // as [b0, b1, b1, b2], so that word 0 holds codes 0 and 1 at bits 0 and 6
  // and word 1 codes 2 and 3 at bits 4 and 10.
  static constexpr int8_t kFromByte[4] = {0, 1, 1, 2};
  SmallVector<int8_t> spread;
  for (int64_t l = 0; l < 32; ++l)
    spread.push_back(
        static_cast<int8_t>(3 * ((l % 16) / 4) + kFromByte[l % 4]));
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(VectorType::get({32}, b.getI8Type()),
                             ArrayRef<int8_t>(spread)));
}

std::pair<Value, Value>
VectorMatmulEmitter::fp6MagnitudeTables(OpBuilder &b, FP6Part part) const {
  // |value| / unit of codes 0-15 and 16-31 (or its part), in both 16-byte
  // halves; code bit 5 is the sign (FP6 has no NaN or infinity).
  float unit = mxref::decodeElem(bFormat.elem, 1);
  auto table = [&](int64_t first) -> Value {
    SmallVector<int8_t> entries;
    for (int64_t l = 0; l < 32; ++l) {
      auto units = static_cast<int64_t>(
          std::fabs(mxref::decodeElem(bFormat.elem, first + l % 16)) / unit);
      entries.push_back(static_cast<int8_t>(part == FP6Part::High  ? units / 16
                                            : part == FP6Part::Low ? units % 16
                                                                   : units));
    }
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({32}, b.getI8Type()),
                               ArrayRef<int8_t>(entries)));
  };
  return {table(0), table(16)};
}

Value VectorMatmulEmitter::unpackFP6CodesAVX2(OpBuilder &b, Value raw,
                                              int64_t g, Value spread) const {
  Type i16 = b.getI16Type(), i32 = b.getI32Type();
  auto v32i8 = VectorType::get({32}, b.getI8Type());
  auto v16i16 = VectorType::get({16}, i16);
  auto splat16 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v16i16, b.getIntegerAttr(i16, v)));
  };
  // The group's packed bytes 8g + [0, 12) into the low 16-byte half and
  // 8g + [12, 24) into the high one (vpermd: dwords 2g + [0, 4) and
  // 2g + 3 + [0, 4), the last one unused), then each code's three bytes
  // into its dword (vpshufb).
  SmallVector<int64_t> dwords;
  for (int64_t d = 0; d < 8; ++d)
    dwords.push_back(std::min<int64_t>(2 * g + d % 4 + 3 * (d / 4), 7));
  Value asDwords =
      vector::BitCastOp::create(b, loc, VectorType::get({8}, i32), raw);
  Value halves = vector::ShuffleOp::create(b, loc, asDwords, asDwords, dwords);
  Value placed = x86ShuffleBytes(
      b, loc, vector::BitCastOp::create(b, loc, v32i8, halves), spread);
  // Words [c0 at bit 0, c1 at 6] and [c2 at 4, c3 at 10]: the first ones
  // times 16 puts both pairs at bits 4 and 10, and two shifts and masks
  // move them to bytes 0 and 1 of the word.
  SmallVector<int16_t> times;
  for (int64_t w = 0; w < 16; ++w)
    times.push_back(w % 2 ? 1 : 16);
  Value words = vector::BitCastOp::create(b, loc, v16i16, placed);
  Value aligned = arith::MulIOp::create(
      b, loc, words,
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v16i16, ArrayRef<int16_t>(times))));
  Value lo = arith::ShRUIOp::create(b, loc, aligned, splat16(4));
  lo = arith::AndIOp::create(b, loc, lo, splat16(0x003F));
  Value hi = arith::ShRUIOp::create(b, loc, aligned, splat16(2));
  hi = arith::AndIOp::create(b, loc, hi, splat16(0x3F00));
  Value codes = arith::OrIOp::create(b, loc, lo, hi);
  return vector::BitCastOp::create(b, loc, v32i8, codes);
}

std::pair<Value, Value>
VectorMatmulEmitter::fp6CodeBits(OpBuilder &b, Value sel4, Value sel5) const {
  // vpblendvb reads bit 7 only: the sign bit of the byte.
  Value zero = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(cast<VectorType>(sel4.getType()),
                             b.getIntegerAttr(b.getI8Type(), 0)));
  Value bit4 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, sel4, zero);
  Value bit5 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, sel5, zero);
  return {bit4, bit5};
}

Value VectorMatmulEmitter::decodeFP6BytesAVX2(OpBuilder &b, Value idx,
                                              bool nibbleIdx,
                                              std::pair<Value, Value> bits,
                                              std::pair<Value, Value> tables,
                                              int64_t offset) const {
  // vpshufb reads the low four bits of `idx`.
  // E2M3's codes 0-15 are their own magnitudes (8 * value): an index of
  // four bits needs no lookup there.
  bool identity = nibbleIdx && !highLow();
  float unit = mxref::decodeElem(bFormat.elem, 1);
  for (uint32_t c = 0; c < 16; ++c)
    identity &= mxref::decodeElem(bFormat.elem, c) / unit == float(c);
  // One op-creating call per statement (argument evaluation order).
  Value low = identity ? idx : x86ShuffleBytes(b, loc, tables.first, idx);
  Value high = x86ShuffleBytes(b, loc, tables.second, idx);
  Value magnitude = arith::SelectOp::create(b, loc, bits.first, high, low);
  Value offsetV = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(cast<VectorType>(idx.getType()),
                             b.getIntegerAttr(b.getI8Type(), offset)));
  Value plus = arith::AddIOp::create(b, loc, offsetV, magnitude);
  Value minus = arith::SubIOp::create(b, loc, offsetV, magnitude);
  return arith::SelectOp::create(b, loc, bits.second, minus, plus);
}

Value VectorMatmulEmitter::fp6HalfPatterns(OpBuilder &b, Value bytes,
                                           int64_t n) const {
  // Lane l takes code l's 16-bit window (fp6WindowMask), where the code
  // starts at bit s = 6l % 8. Shifted left by t - s, t = 10 - mbits, the
  // code's magnitude lands on f16's exponent and mantissa fields (bits [t,
  // t + 5)) and its sign at t + 5, which goes to bit 15; the other bits are
  // masked off (what CodecEmitter::decodeFP6ViaHalf builds from a
  // zero-extended code).
  int64_t t = 10 - int64_t(mxref::getElemInfo(bFormat.elem).mbits);
  SmallVector<int64_t> mask = fp6WindowMask(n, 0, n * 3 / 4);
  SmallVector<int16_t> shifts;
  for (int64_t l = 0; l < n; ++l)
    shifts.push_back(int16_t(t - 6 * l % 8));
  auto v16 = VectorType::get({n}, b.getI16Type());
  auto splat = [&](int64_t c) -> Value {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(v16, b.getIntegerAttr(b.getI16Type(), c)));
  };
  Value windows = vector::BitCastOp::create(
      b, loc, v16, vector::ShuffleOp::create(b, loc, bytes, bytes, mask));
  Value y = arith::ShLIOp::create(
      b, loc, windows,
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v16, ArrayRef<int16_t>(shifts))));
  Value magnitude = arith::AndIOp::create(b, loc, y, splat(0x1f << t));
  Value sign = arith::ShLIOp::create(b, loc, y, splat(10 - t));
  sign = arith::AndIOp::create(b, loc, sign, splat(0x8000));
  return arith::OrIOp::create(b, loc, magnitude, sign);
}

SmallVector<Value> VectorMatmulEmitter::emitBitPartials(OpBuilder &b, Value bt,
                                                        Value j, Value col0,
                                                        Value row,
                                                        int64_t unroll,
                                                        bool inBounds) const {
  CodecEmitter e(b, loc, f32v());
  Value zero = e.f32(0.0f);
  auto bytesType = VectorType::get({sc.cols}, b.getI8Type());
  auto bytes = [&](int8_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(bytesType, b.getI8IntegerAttr(v)));
  };
  // The partial sums, then per sub-chunk each column's running signed and
  // unsigned maxima of its codes: the NaN codes are the largest of each
  // order, 0x7f (signed) and 0xff (unsigned, negative), so one vpmaxsb and
  // one vpmaxub per k track both.
  int64_t numParts = unroll * sc.interleave;
  SmallVector<Value> init(numParts, zero);
  init.append(unroll, bytes(-128));
  init.append(unroll, bytes(0));
  Value k0 = mulIdx(b, loc, j, kb);
  Value factor = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(std::ldexp(1.0f, foldLog2)));
  auto kLoop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, kb),
      indexConst(b, loc, 1), init,
      [&](OpBuilder &lb, Location, Value kk, ValueRange parts) {
        Value kIdx = arith::AddIOp::create(lb, loc, k0, kk);
        Value av = tensor::ExtractOp::create(lb, loc, aValues,
                                             ValueRange{bt, row, kIdx});
        av = arith::MulFOp::create(lb, loc, av, factor);
        Value avv = vector::BroadcastOp::create(lb, loc, f32v(), av);
        if (packedView && inBounds)
          prefetch(lb, bt, kIdx, col0, unroll * sc.cols);
        CodecEmitter le(lb, loc, f32v());
        SmallVector<Value> next, signedMax, unsignedMax;
        for (int64_t u = 0; u < unroll; ++u) {
          Value col = addIdx(lb, loc, col0, u * sc.cols);
          Value codes = readVector(lb, loc, bytesType, packed,
                                   ValueRange{bt, kIdx, col}, inBounds);
          for (auto [p, v] :
               llvm::enumerate(decodeE4M3ByBits(lb, loc, codes))) {
            Value part = parts[u * sc.interleave + p];
            if (exactProducts) {
              // f32(a * value) is a * value: one rounding either way.
              next.push_back(math::FmaOp::create(lb, loc, avv, v, part));
              continue;
            }
            // f32(a * value) as a fused multiply-add of +0: the same bits
            // but for a -0 product, which adds to the partial sum (never
            // -0: it starts at +0 and rounds to nearest) as +0 does; LLVM
            // keeps it (x * y + 0 is not x * y for a -0 product). On Zen 1
            // it costs what vmulps does (bench/decode-probe/fp8-bits.c).
            Value prod = math::FmaOp::create(lb, loc, avv, v, le.f32(0.0f));
            next.push_back(arith::AddFOp::create(lb, loc, part, prod));
          }
          signedMax.push_back(
              arith::MaxSIOp::create(lb, loc, parts[numParts + u], codes));
          unsignedMax.push_back(arith::MaxUIOp::create(
              lb, loc, parts[numParts + unroll + u], codes));
        }
        llvm::append_range(next, signedMax);
        llvm::append_range(next, unsignedMax);
        scf::YieldOp::create(lb, loc, next);
      });
  SmallVector<Value> partials(kLoop.getResults().take_front(numParts));
  if (unfoldLog2) {
    Value back = e.f32(std::ldexp(1.0f, unfoldLog2));
    for (Value &part : partials)
      part = arith::MulFOp::create(b, loc, part, back);
  }
  // The reference's NaN product carries the code's NaN (sign included)
  // into the sum; with NaN codes of both signs in one column the result is
  // only specified to be a NaN (docs/Numerics.md), and takes the negative.
  // Rare: one test of the maxima skips the rewrite.
  auto signedMax = [&](int64_t u) { return kLoop.getResult(numParts + u); };
  auto unsignedMax = [&](int64_t u) {
    return kLoop.getResult(numParts + unroll + u);
  };
  Value seenS = signedMax(0), seenU = unsignedMax(0);
  for (int64_t u = 1; u < unroll; ++u) {
    seenS = arith::MaxSIOp::create(b, loc, seenS, signedMax(u));
    seenU = arith::MaxUIOp::create(b, loc, seenU, unsignedMax(u));
  }
  Value largestS =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, seenS);
  Value largestU =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXUI, seenU);
  Value hasPos = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, largestS,
      arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0x7f)));
  Value hasNeg = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, largestU,
      arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(-1)));
  Value anyNaN = arith::OrIOp::create(b, loc, hasPos, hasNeg);
  auto ifOp = scf::IfOp::create(
      b, loc, anyNaN,
      [&](OpBuilder &tb, Location) {
        CodecEmitter te(tb, loc, f32v());
        auto i8v = VectorType::get({sc.lanes}, tb.getI8Type());
        auto splat8 = [&](int8_t v) -> Value {
          return arith::ConstantOp::create(
              tb, loc, DenseElementsAttr::get(i8v, tb.getI8IntegerAttr(v)));
        };
        Value nan = te.f32(mxref::decodeElem(mxref::ElemKind::E4M3, 0x7f));
        Value negNaN = te.f32(mxref::decodeElem(mxref::ElemKind::E4M3, 0xff));
        SmallVector<Value> out;
        for (int64_t u = 0; u < unroll; ++u) {
          for (int64_t p = 0; p < sc.interleave; ++p) {
            SmallVector<int64_t> mask;
            for (int64_t l = 0; l < sc.lanes; ++l)
              mask.push_back(sc.column(p, l));
            Value lanesS = vector::ShuffleOp::create(tb, loc, signedMax(u),
                                                     signedMax(u), mask);
            Value lanesU = vector::ShuffleOp::create(tb, loc, unsignedMax(u),
                                                     unsignedMax(u), mask);
            Value isPos = arith::CmpIOp::create(
                tb, loc, arith::CmpIPredicate::eq, lanesS, splat8(0x7f));
            Value isNeg = arith::CmpIOp::create(
                tb, loc, arith::CmpIPredicate::eq, lanesU, splat8(-1));
            Value isNaN = arith::OrIOp::create(tb, loc, isPos, isNeg);
            Value v = arith::SelectOp::create(tb, loc, isNeg, negNaN, nan);
            out.push_back(arith::SelectOp::create(
                tb, loc, isNaN, v, partials[u * sc.interleave + p]));
          }
        }
        scf::YieldOp::create(tb, loc, out);
      },
      [&](OpBuilder &eb, Location) {
        scf::YieldOp::create(eb, loc, partials);
      });
  partials.assign(ifOp.getResults().begin(), ifOp.getResults().end());
  return partials;
}

SmallVector<Value> VectorMatmulEmitter::emitPartials(OpBuilder &b, Value bt,
                                                     Value j, Value col0,
                                                     Value row, int64_t unroll,
                                                     bool inBounds) const {
  if (bitDecode)
    return emitBitPartials(b, bt, j, col0, row, unroll, inBounds);
  Value zero = CodecEmitter(b, loc, f32v()).f32(0.0f);
  SmallVector<Value> init(unroll * sc.interleave, zero);
  Value k0 = mulIdx(b, loc, j, kb);
  auto kLoop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, kb),
      indexConst(b, loc, 1), init,
      [&](OpBuilder &kb2, Location, Value kk, ValueRange parts) {
        Value kIdx = arith::AddIOp::create(kb2, loc, k0, kk);
        scf::YieldOp::create(
            kb2, loc,
            addProducts(kb2, bt, row, kIdx, col0, parts, unroll, inBounds));
      });
  return kLoop.getResults();
}

Value VectorMatmulEmitter::emitRow(OpBuilder &b, Value bt, Value j, Value col0,
                                   Value row, Value acc, int64_t unroll,
                                   bool inBounds) const {
  SmallVector<Value> partials =
      emitPartials(b, bt, j, col0, row, unroll, inBounds);
  CodecEmitter e(b, loc, f32v());
  Value aCode; // i32 scalar
  if (aScales) {
    Value s = tensor::ExtractOp::create(
        b, loc, aScales, ValueRange{bt, divIdx(b, loc, row, bm), j});
    aCode = e.toI32(s);
  }
  // A per-tensor rhs has no block scales (its S_dec is part of g).
  SmallVector<Value> bCodes;
  if (bScales)
    for (int64_t u = 0; u < unroll; ++u) {
      Value col = addIdx(b, loc, col0, u * sc.cols);
      llvm::append_range(bCodes, readScaleCodes(b, loc, bScales, bt, j, col, bn,
                                                sc, inBounds));
    }
  // The terms added into acc: the general form (applyMatmulBlockScales) or,
  // with two E8M0 scales in shortPairRange, one multiply by 2^(ca+cb-254).
  auto addTerms = [&](OpBuilder &tb, bool isShort, Value acc) {
    CodecEmitter te(tb, loc, f32v());
    Value aVec = aCode ? te.broadcast(aCode) : Value();
    for (int64_t u = 0; u < unroll; ++u) {
      Value col = addIdx(tb, loc, col0, u * sc.cols);
      for (int64_t p = 0; p < sc.interleave; ++p) {
        Value partial = partials[u * sc.interleave + p];
        Value bCode = bScales ? bCodes[u * sc.interleave + p] : Value();
        Value scaled;
        if (isShort) {
          scaled = scaleShortPair(te, partial, aVec, bCode);
        } else {
          SmallVector<ScaleCode> codes;
          if (aVec)
            codes.push_back({aVec, aScaleKind});
          if (bCode)
            codes.push_back({bCode, bFormat.scale});
          scaled = applyMatmulBlockScales(te, partial, codes);
        }
        // The scratch accumulator is padded to whole sub-chunks: in bounds.
        Value accCol = addIdx(tb, loc, col, p * sc.lanes);
        if (accCol0)
          accCol = arith::SubIOp::create(tb, loc, accCol, accCol0);
        SmallVector<Value> at = {bt, row, accCol};
        Value old = readVector(tb, loc, f32v(), acc, at, true);
        Value sum = arith::AddFOp::create(tb, loc, old, scaled);
        acc = writeVector(tb, loc, sum, acc, at, true);
      }
    }
    return acc;
  };
  bool pair = aCode && bScales && aScaleKind == mxref::ScaleKind::E8M0 &&
              bFormat.scale == mxref::ScaleKind::E8M0;
  if (!pair)
    return addTerms(b, false, acc);
  Value isShort = shortPairRange(b, loc, aCode, bCodes);
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{acc.getType()}, isShort,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  scf::YieldOp::create(b, loc, addTerms(b, true, acc));
  b.setInsertionPointToStart(ifOp.elseBlock());
  scf::YieldOp::create(b, loc, addTerms(b, false, acc));
  return ifOp.getResult(0);
}

Value VectorMatmulEmitter::emitIntDotOffsets(OpBuilder &b) const {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  int64_t blocks = k / kb;
  Value offsets = createEmpty(b, loc, {batch, m, blocks}, i32);
  Value scale =
      arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(-intDotOffset));
  return emitRowSteps(
      b, offsets, blocks, 1,
      [&](OpBuilder &jb, Value bt, Value row, Value j, Value offsets) {
        Value k0 = mulIdx(jb, loc, j, kb);
        Value codes = readVector(jb, loc, VectorType::get({kb}, i8), aCodes,
                                 ValueRange{bt, row, k0}, true);
        Value wide =
            arith::ExtSIOp::create(jb, loc, VectorType::get({kb}, i32), codes);
        Value sum = vector::ReductionOp::create(
            jb, loc, vector::CombiningKind::ADD, wide);
        Value off = arith::MulIOp::create(jb, loc, sum, scale);
        return Value(tensor::InsertOp::create(jb, loc, off, offsets,
                                              ValueRange{bt, row, j}));
      });
}

Value VectorMatmulEmitter::broadcastActivations(OpBuilder &b, Value bt, Value m,
                                                Value kIdx,
                                                VectorType type) const {
  Type elem = type.getElementType(), i32 = b.getI32Type();
  int64_t perDword = 32 / elem.getIntOrFloatBitWidth();
  Value codes = readVector(b, loc, VectorType::get({perDword}, b.getI8Type()),
                           aCodes, ValueRange{bt, m, kIdx}, true);
  if (!elem.isInteger(8))
    codes = arith::ExtSIOp::create(b, loc, VectorType::get({perDword}, elem),
                                   codes);
  Value one =
      vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), codes);
  Value dword = vector::ExtractOp::create(b, loc, one, 0);
  int64_t dwords = type.getNumElements() / perDword;
  Value all = vector::BroadcastOp::create(
      b, loc, VectorType::get({dwords}, i32), dword);
  return vector::BitCastOp::create(b, loc, type, all);
}

SmallVector<Value> VectorMatmulEmitter::emitIntDotSums(
    OpBuilder &b, Value bt, Value k0, Value col0, ValueRange rowIdx,
    ValueRange init, ArrayRef<int64_t> groups) const {
  if (dotWeights == DotWeights::FP6Words)
    return emitWordDotSums(b, bt, k0, col0, rowIdx, groups);
  auto v32i8 = VectorType::get({32}, b.getI8Type());
  auto v16i16 = VectorType::get({16}, b.getI16Type());
  auto bytes = [&](ArrayRef<int8_t> values) -> Value {
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(v32i8, values));
  };
  // Code -> value / unit + offset: FP4's 16 entries in both 16-byte halves
  // (vpshufb reads its own), E2M3's 64 as vpermi2b's two 32-entry halves
  // (FP6HighLow's do not fit a byte: fp6MagnitudeTables' parts instead).
  float unit = mxref::decodeElem(bFormat.elem, 1);
  SmallVector<int8_t> table;
  for (int64_t i = 0; !highLow() && i < (fp6Dot() ? 64 : 32); ++i)
    table.push_back(static_cast<int8_t>(
        mxref::decodeElem(bFormat.elem, fp6Dot() ? i : i % 16) / unit +
        intDotOffset));
  Value tableV, tableHi, shifts, spread, low4, four;
  if (!highLow())
    tableV = bytes(ArrayRef<int8_t>(table).take_front(32));
  if (fp6Dot() && fp6ByMultiShift) {
    tableHi = bytes(ArrayRef<int8_t>(table).drop_front(32));
    // Code i of a qword's 6-byte group starts at bit 6i.
    SmallVector<int8_t> offsets;
    for (int64_t l = 0; l < 32; ++l)
      offsets.push_back(static_cast<int8_t>(6 * (l % 8)));
    shifts = bytes(offsets);
  }
  // Without VBMI: the magnitude tables (FP6HighLow: of both parts), and
  // the unpack's byte spread.
  std::pair<Value, Value> magnitudes, lowParts;
  if (fp6Dot() && !fp6ByMultiShift) {
    magnitudes =
        fp6MagnitudeTables(b, highLow() ? FP6Part::High : FP6Part::Whole);
    if (highLow())
      lowParts = fp6MagnitudeTables(b, FP6Part::Low);
    if (!fp6Split())
      spread = fp6SpreadMask(b);
  }
  auto splat = [&](VectorType t, uint64_t v) { return intSplat(b, loc, t, v); };
  if (!fp6Dot() || fp6Split()) {
    low4 = splat(v32i8, 0x0F);
    four = splat(v32i8, 4);
  }
  Value ones = dotAccumulate ? Value() : splat(v16i16, 1);
  // FP6HighLow: the high parts' pairs count 16 units each.
  Value sixteen = highLow() ? splat(v16i16, 16) : Value();
  // Both nibble groups of packed rows on 16 registers: one step. The steps'
  // interleaved rows and word sums do not fit beside the 8 i32 sums, and
  // their spills cost more than the vpmaddwd the steps save
  // (docs/Lowering.md, "Integer-dot GEMV").
  int64_t steps =
      !transposed && groups.size() > 1 && registers < 32 ? 1 : wordSteps();
  Value byteOff = chunkByteOffset(b, col0);
  int64_t numRows = rowIdx.size();
  // One op-creating call per statement: the IR must not depend on the
  // compiler's argument evaluation order.
  Value kLo = indexConst(b, loc, 0);
  Value kHi = indexConst(b, loc, kb);
  Value kStep = indexConst(b, loc, 4 * steps);
  SmallVector<Value> inits;
  for (size_t gi = 0; gi < groups.size(); ++gi)
    for (Value v : init)
      inits.append(4, v);
  auto loop = scf::ForOp::create(
      b, loc, kLo, kHi, kStep, inits,
      [&](OpBuilder &lb, Location, Value kk, ValueRange sums) {
        Value kFirst = arith::AddIOp::create(lb, loc, k0, kk);
        // Per step s (four K rows from kIdx[s]):
        // FP4: the raw bytes of four K rows of 64 columns (32 bytes each),
        // interleaved (stored so when transposed, read below).
        // FP6: per group g, the 32 columns 32g + [0, 32) of each of the
        // four rows decoded to bytes: their 24 packed bytes from the 32 at
        // byte 16g, six per qword (a constant byte permute, vpermb), each
        // code's bits moved to its own byte (vpmultishiftqb), then the
        // table at the byte's low six bits (vpermi2b), then interleaved.
        // Without VBMI, unpackFP6CodesAVX2 and decodeFP6BytesAVX2 make the
        // same bytes; split tiles (fp6Split) are read below instead.
        SmallVector<Value> kIdx;
        // [step][group]: four K rows interleaved (InterleavedRows).
        SmallVector<SmallVector<InterleavedRows>> unpacked(steps);
        if (transposed && packedView && groups.front() == 0)
          prefetchTiled(lb, bt, kFirst, col0, 4 * steps);
        for (int64_t st = 0; st < steps; ++st) {
          kIdx.push_back(st ? addIdx(lb, loc, kFirst, 4 * st) : kFirst);
          if (transposed || fp6Split())
            continue;
          SmallVector<Value> rows;
          SmallVector<SmallVector<Value>> decoded(groups.size());
          for (int64_t r = 0; r < 4; ++r) {
            Value rIdx = addIdx(lb, loc, kIdx[st], r);
            if (packedView && groups.front() == 0)
              prefetch(lb, bt, rIdx, col0, kIntDotCols);
            if (!fp6Dot()) {
              rows.push_back(readVector(
                  lb, loc, v32i8, packed,
                  codeIndices(lb, bt, rIdx, col0, byteOff, 0), true));
              continue;
            }
            for (auto [gi, g] : llvm::enumerate(groups)) {
              Value raw = readVector(
                  lb, loc, v32i8, packed,
                  codeIndices(lb, bt, rIdx, col0, byteOff, 16 * g), true);
              if (!fp6ByMultiShift) {
                // One op-creating call per statement (argument
                // evaluation order).
                Value codes = unpackFP6CodesAVX2(lb, raw, g, spread);
                // FP6HighLow interleaves the codes and decodes them after
                // (two parts per code: half the unpacks).
                if (highLow()) {
                  decoded[gi].push_back(codes);
                  continue;
                }
                Value sel4 = shiftBytesLeft(lb, codes, 3);
                Value sel5 = shiftBytesLeft(lb, codes, 2);
                std::pair<Value, Value> bits = fp6CodeBits(lb, sel4, sel5);
                decoded[gi].push_back(decodeFP6BytesAVX2(
                    lb, codes, false, bits, magnitudes, intDotOffset));
                continue;
              }
              SmallVector<int64_t> spread;
              for (int64_t l = 0; l < 32; ++l)
                spread.push_back(8 * g + 6 * (l / 8) +
                                 std::min<int64_t>(l % 8, 5));
              Value grouped =
                  vector::ShuffleOp::create(lb, loc, raw, raw, spread);
              Value codes = x86MultiShiftBytes(lb, loc, shifts, grouped);
              decoded[gi].push_back(
                  x86PermuteBytes2(lb, loc, tableV, codes, tableHi));
            }
          }
          // FP4: one interleave of the raw bytes serves both nibble groups;
          // FP6: one per group.
          if (fp6Dot()) {
            for (ArrayRef<Value> group : decoded)
              unpacked[st].push_back(interleaveRowBytes(lb, loc, group));
          } else {
            unpacked[st].push_back(interleaveRowBytes(lb, loc, rows));
          }
        }
        // a[m, k..k+3] of each output row as one dword in every lane
        // (vpbroadcastd), [step][row].
        SmallVector<SmallVector<Value>> acts(steps);
        for (int64_t st = 0; st < steps; ++st)
          for (Value m : rowIdx)
            acts[st].push_back(
                broadcastActivations(lb, bt, m, kIdx[st], v32i8));
        SmallVector<Value> next(sums.begin(), sums.end());
        // One decoded vector (t of group gi) per step, every output row of
        // the tile.
        auto dot = [&](int64_t gi, int64_t t, ArrayRef<Value> tbs) {
          for (int64_t r = 0; r < numRows; ++r) {
            int64_t at = (gi * numRows + r) * 4 + t;
            if (dotAccumulate) {
              next[at] =
                  x86DotBytesAccumulate(lb, loc, sums[at], tbs[0], acts[0][r]);
              continue;
            }
            Value words;
            for (auto [st, tb] : llvm::enumerate(tbs)) {
              Value pairs = x86MulAddBytes(lb, loc, tb, acts[st][r]);
              words = st ? Value(arith::AddIOp::create(lb, loc, words, pairs))
                         : pairs;
            }
            Value s32 = x86MulAddWords(lb, loc, words, ones);
            next[at] = arith::AddIOp::create(lb, loc, sums[at], s32);
          }
        };
        // FP6HighLow: vector t of group gi from its codes' bits (as
        // decodeFP6BytesAVX2 reads them), both parts into every output
        // row's sums: 16 * (high pairs) + (low pairs).
        auto dotHighLow = [&](int64_t gi, int64_t t, Value idx, bool nibbleIdx,
                              std::pair<Value, Value> bits) {
          Value high = decodeFP6BytesAVX2(lb, idx, nibbleIdx, bits, magnitudes,
                                          highOffset);
          Value low =
              decodeFP6BytesAVX2(lb, idx, nibbleIdx, bits, lowParts, lowOffset);
          for (int64_t r = 0; r < numRows; ++r) {
            int64_t at = (gi * numRows + r) * 4 + t;
            Value highPairs = x86MulAddBytes(lb, loc, high, acts[0][r]);
            Value high32 = x86MulAddWords(lb, loc, highPairs, sixteen);
            Value sum = arith::AddIOp::create(lb, loc, sums[at], high32);
            if (dotAccumulate) {
              next[at] = x86DotBytesAccumulate(lb, loc, sum, low, acts[0][r]);
              continue;
            }
            Value lowPairs = x86MulAddBytes(lb, loc, low, acts[0][r]);
            Value low32 = x86MulAddWords(lb, loc, lowPairs, ones);
            next[at] = arith::AddIOp::create(lb, loc, sum, low32);
          }
        };
        if (fp6Split()) {
          // Vector t of group g (v = 4g + t): its codes' low four bits are
          // nibble t % 2 of the 32 bytes at 32 (2g + t / 2), bits 4 and 5
          // at bits 2q and 2q + 1 of byte j of the qword at 128 + 8v for
          // byte 8q + j of the vector; shifting qword q of the broadcast left
          // by 7 - 2q (6 - 2q) moves them to bit 7.
          auto v4i64 = VectorType::get({4}, b.getI64Type());
          auto shiftsOf = [&](int64_t bit) -> Value {
            SmallVector<int64_t> by;
            for (int64_t q = 0; q < 4; ++q)
              by.push_back(bit - 2 * q);
            return arith::ConstantOp::create(
                lb, loc, DenseElementsAttr::get(v4i64, ArrayRef<int64_t>(by)));
          };
          Value by4 = shiftsOf(7), by5 = shiftsOf(6);
          for (auto [gi, g] : llvm::enumerate(groups)) {
            Value nibbles;
            for (int64_t t = 0; t < 4; ++t) {
              int64_t v = 4 * g + t;
              if (t % 2 == 0)
                nibbles = readVector(
                    lb, loc, v32i8, packed,
                    codeIndices(lb, bt, kFirst, col0, byteOff, 32 * (v / 2)),
                    true);
              Value idx =
                  t % 2 ? Value(arith::ShRUIOp::create(lb, loc, nibbles, four))
                        : nibbles;
              idx = arith::AndIOp::create(lb, loc, idx, low4);
              Value topBits = readVector(
                  lb, loc, VectorType::get({8}, b.getI8Type()), packed,
                  codeIndices(lb, bt, kFirst, col0, byteOff, 128 + 8 * v),
                  true);
              Value qword = vector::ExtractOp::create(
                  lb, loc,
                  vector::BitCastOp::create(
                      lb, loc, VectorType::get({1}, b.getI64Type()), topBits),
                  0);
              Value all = vector::BroadcastOp::create(lb, loc, v4i64, qword);
              auto sel = [&](Value by) -> Value {
                return vector::BitCastOp::create(
                    lb, loc, v32i8, arith::ShLIOp::create(lb, loc, all, by));
              };
              Value sel4 = sel(by4);
              Value sel5 = sel(by5);
              std::pair<Value, Value> bits = fp6CodeBits(lb, sel4, sel5);
              if (highLow()) {
                dotHighLow(gi, t, idx, true, bits);
                continue;
              }
              dot(gi, t,
                  decodeFP6BytesAVX2(lb, idx, true, bits, magnitudes,
                                     intDotOffset));
            }
          }
        } else if (highLow()) {
          for (size_t gi = 0; gi < groups.size(); ++gi)
            for (int64_t t = 0; t < 4; ++t) {
              Value codes = unpacked[0][gi].vector(lb, loc, t);
              Value sel4 = shiftBytesLeft(lb, codes, 3);
              Value sel5 = shiftBytesLeft(lb, codes, 2);
              dotHighLow(gi, t, codes, false, fp6CodeBits(lb, sel4, sel5));
            }
        } else if (fp6Dot()) {
          for (size_t gi = 0; gi < groups.size(); ++gi)
            for (int64_t t = 0; t < 4; ++t)
              dot(gi, t, unpacked[0][gi].vector(lb, loc, t));
        } else {
          // The table lookups are per byte (the table is in both 16-byte
          // halves, the index below 16), so they commute with the unpacks,
          // which then serve both nibbles.
          for (int64_t t = 0; t < 4; ++t) {
            SmallVector<Value> raw;
            for (int64_t st = 0; st < steps; ++st)
              // Vector t of the step, stored transposed (no unpacks), the
              // steps' vectors t one after the other.
              raw.push_back(
                  transposed
                      ? readVector(lb, loc, v32i8, packed,
                                   codeIndices(lb, bt, kFirst, col0, byteOff,
                                               32 * (t * steps + st)),
                                   true)
                      : unpacked[st].front().vector(lb, loc, t));
            for (auto [gi, g] : llvm::enumerate(groups)) {
              // The nibbles g through the table: 2 * value + 12.
              SmallVector<Value> tbs;
              for (Value r : raw) {
                Value code =
                    g == 0 ? Value(arith::AndIOp::create(lb, loc, r, low4))
                           : Value(arith::ShRUIOp::create(lb, loc, r, four));
                tbs.push_back(x86ShuffleBytes(lb, loc, tableV, code));
              }
              dot(gi, t, tbs);
            }
          }
        }
        scf::YieldOp::create(lb, loc, next);
      });
  return SmallVector<Value>(loop.getResults());
}

SmallVector<Value>
VectorMatmulEmitter::emitWordDotSums(OpBuilder &b, Value bt, Value k0,
                                     Value col0, ValueRange rowIdx,
                                     ArrayRef<int64_t> groups) const {
  Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
  auto v32i8 = VectorType::get({32}, i8);
  auto v32i16 = VectorType::get({32}, i16);
  auto v16i32 = VectorType::get({16}, i32);
  // Code -> value / unit: 16 * value for E3M2, at most 448 in magnitude.
  float unit = mxref::decodeElem(bFormat.elem, 1);
  SmallVector<int16_t> entries;
  for (uint32_t c = 0; c < 64; ++c)
    entries.push_back(
        static_cast<int16_t>(mxref::decodeElem(bFormat.elem, c) / unit));
  std::pair<Value, Value> table = wordTable(b, loc, entries);
  Value byteOff = chunkByteOffset(b, col0);
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(v16i32, b.getI32IntegerAttr(0)));
  int64_t numRows = rowIdx.size();
  // [group][row][unpack u].
  SmallVector<Value> inits(groups.size() * numRows * 2, zero);
  // One op-creating call per statement (argument evaluation order).
  Value kLo = indexConst(b, loc, 0);
  Value kHi = indexConst(b, loc, kb);
  Value kStep = indexConst(b, loc, 2);
  auto loop = scf::ForOp::create(
      b, loc, kLo, kHi, kStep, inits,
      [&](OpBuilder &lb, Location, Value kk, ValueRange sums) {
        Value kIdx = arith::AddIOp::create(lb, loc, k0, kk);
        // words[gi][r]: columns 32g + [0, 32) of K row kIdx + r (their 24
        // packed bytes inside the 32 at byte 16g).
        SmallVector<SmallVector<Value, 2>> words(groups.size());
        for (int64_t r = 0; r < 2; ++r) {
          Value rIdx = addIdx(lb, loc, kIdx, r);
          if (packedView && groups.front() == 0)
            prefetch(lb, bt, rIdx, col0, kIntDotCols);
          for (auto [gi, g] : llvm::enumerate(groups)) {
            Value raw = readVector(
                lb, loc, v32i8, packed,
                codeIndices(lb, bt, rIdx, col0, byteOff, 16 * g), true);
            words[gi].push_back(lookupFP6Words(lb, loc, raw, 8 * g, table));
          }
        }
        // a[m, k], a[m, k + 1] of each output row as two words of every
        // dword (the K row order of the weights' dwords).
        SmallVector<Value> acts;
        for (Value m : rowIdx)
          acts.push_back(broadcastActivations(lb, bt, m, kIdx, v32i16));
        SmallVector<Value> next(sums.begin(), sums.end());
        for (size_t gi = 0; gi < groups.size(); ++gi)
          for (int64_t u = 0; u < 2; ++u) {
            // Dword j: the two rows' words of one column (vpunpck[lh]wd).
            Value pair = vector::ShuffleOp::create(
                lb, loc, words[gi][0], words[gi][1], unpackMask(32, 8, u));
            for (int64_t r = 0; r < numRows; ++r) {
              int64_t at = (gi * numRows + r) * 2 + u;
              next[at] =
                  x86DotWordsAccumulate512(lb, loc, sums[at], pair, acts[r]);
            }
          }
        scf::YieldOp::create(lb, loc, next);
      });
  // Four vectors of 8 per group and row: vector t is half t % 2 of unpack
  // t / 2 (intDotColumn).
  SmallVector<Value> out;
  for (size_t gi = 0; gi < groups.size(); ++gi)
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t t = 0; t < 4; ++t) {
        Value whole = loop.getResult((gi * numRows + r) * 2 + t / 2);
        out.push_back(vector::ExtractStridedSliceOp::create(
            b, loc, whole, ArrayRef<int64_t>{8 * (t % 2)}, ArrayRef<int64_t>{8},
            ArrayRef<int64_t>{1}));
      }
  return out;
}

void VectorMatmulEmitter::prefetchTiled(OpBuilder &b, Value bt, Value kIdx,
                                        Value col0, int64_t rows) const {
  int64_t chunkBytes = rowBytes * kIntDotCols / n;
  Value chunk = divIdx(b, loc, col0, kIntDotCols);
  Value last = indexConst(b, loc, k * chunkBytes - 1);
  Value first = mulIdx(b, loc, kIdx, chunkBytes);
  for (int64_t line = 0; line < rows * chunkBytes; line += 64) {
    Value at = addIdx(b, loc, first, line + 8 * prefetchDistance * chunkBytes);
    at = arith::MinUIOp::create(b, loc, at, last);
    memref::PrefetchOp::create(b, loc, packedView, ValueRange{bt, chunk, at},
                               /*isWrite=*/false,
                               /*localityHint=*/2,
                               /*isDataCache=*/true);
  }
}

Value VectorMatmulEmitter::allShortCodes(OpBuilder &b, Value codes) const {
  auto type = cast<VectorType>(codes.getType());
  auto splat = [&](uint64_t c) -> Value {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            type, b.getIntegerAttr(type.getElementType(), APInt(8, c))));
  };
  Value ok;
  if (bFormat.scale == mxref::ScaleKind::E8M0) {
    // cb in [1, 230] <=> cb - 1 (wrapping) <u 230.
    Value dec = arith::SubIOp::create(b, loc, codes, splat(1));
    ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, dec,
                               splat(kShortMaxCode));
  } else {
    Value low7 = arith::AndIOp::create(b, loc, codes, splat(0x7f));
    ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, low7,
                               splat(0x7f));
  }
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::AND, ok);
}

Value VectorMatmulEmitter::emitIntDotRows(OpBuilder &b, Value bt, Value j,
                                          Value col0, ValueRange rowIdx,
                                          Value acc) const {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto v8i32 = VectorType::get({8}, i32);
  auto v8f32 = VectorType::get({8}, b.getF32Type());
  Value k0 = mulIdx(b, loc, j, kb);
  CodecEmitter e(b, loc, v8f32);
  // The sums count units of the weight's least magnitude (E2M1 1/2, E2M3
  // 1/8, E3M2 1/16) times INT8 code 1 (2^-6): d = log2 of the unit, -7, -9
  // or -10.
  int64_t d = intDotUnitLog2();
  bool e8m0Pair = bFormat.scale == mxref::ScaleKind::E8M0;
  // The block terms have a short form, (S * w) * 2^(ca-127), one rounding
  // as the reference's ldexp, when the first product is exact and the
  // activation's scale is E8M0 (2^(ca-127) is an f32 for every code; NaN
  // for 255 stays NaN, 0x7FC00000, through the product):
  // * E8M0 weights: w = 2^(cb-127), and the unit 2^d moves to the
  //   activation's power, 2^(ca-127+d) (exact: at least 2^-149 for d >=
  //   -22). S * w is exact while the code cb is in [1, kShortMaxCode]: S
  //   converts exactly (below 2^24), and S * w is a multiple of 2^-126
  //   (cb >= 1) below 2^127 (cb <= 230). Real weights' codes are near 127;
  //   a chunk with any other code (0, above 230, NaN) takes
  //   scaleByE8M0Pair's clamps.
  // * UE4M3 weights: w = u * 2^d, u the scale's value (4 significant bits),
  //   so S * w has at most 24 significant bits while |S| < 2^20 (FP4: at
  //   most 12 * 128 * 256; FP6 for kb <= 128), and lies far inside the
  //   normal range (2^-18 <= |S * w| < 2^21): exact. A chunk with a NaN
  //   code takes applyMatmulBlockScales.
  // Where both forms apply they agree bit for bit.
  bool shortForm = intDotShortForm();
  // Per output row: the sums start at minus the table's offset times the
  // block's activation codes (so they end at the exact sum); the
  // activation's block scale.
  struct RowTerms {
    Value aCode, aCode23, aNaN, aPow;
  };
  SmallVector<RowTerms> terms;
  SmallVector<Value> init;
  CodecEmitter s(b, loc, b.getF32Type());
  for (Value m : rowIdx) {
    RowTerms rt;
    if (aOffsets) {
      Value off =
          tensor::ExtractOp::create(b, loc, aOffsets, ValueRange{bt, m, j});
      init.push_back(vector::BroadcastOp::create(b, loc, v8i32, off));
    }
    Value aScale = tensor::ExtractOp::create(
        b, loc, aScales, ValueRange{bt, divIdx(b, loc, m, bm), j});
    rt.aCode = e.broadcast(e.toI32(aScale));
    if (e8m0Pair) {
      rt.aCode23 = e.shl(rt.aCode, e.i32(23));
      rt.aNaN = e.eq(rt.aCode, e.i32(255));
    }
    if (shortForm) {
      // 2^(ca-127), exact also for ca = 0 (2^-127, subnormal), or NaN;
      // with E8M0 weights times 2^d (exact, see above).
      // One op-creating call per statement (argument evaluation order).
      Value ca = s.toI32(aScale);
      Value isNaN = s.eq(ca, s.i32(255));
      Value pow = s.decodeE8M0(ca);
      if (e8m0Pair) {
        Value unitPow = s.f32(std::ldexp(1.0f, d));
        pow = arith::MulFOp::create(b, loc, pow, unitPow);
      }
      Value nan = s.f32Bits(0x7fc00000);
      rt.aPow = e.broadcast(s.select(isNaN, nan, pow));
    }
    terms.push_back(rt);
  }
  Value unit = e8m0Pair ? Value() : e.f32(std::ldexp(1.0f, d));
  // The chunk's 64 weight scale codes, one per column: with column blocks
  // (NVFP4 16x16: bn = 16) the chunk's 64 / bn codes, each repeated over
  // its bn columns, so that everything below sees one code per column.
  auto v64i8 = VectorType::get({kIntDotCols}, i8);
  // Constant weights whose codes all take the short form need no check;
  // with their codes also in lane order, each vector reads its own 8.
  bool allShort = shortForm && scalesAllShort;
  bool codesPerVector = allShort && scalesInLaneOrder();
  Value scales64;
  if (!codesPerVector && bn == 1) {
    scales64 =
        readVector(b, loc, v64i8, bScales, scaleIndices(b, bt, j, col0), true);
  } else if (!codesPerVector) {
    Value codes = readVector(b, loc, VectorType::get({kIntDotCols / bn}, i8),
                             bScales, scaleIndices(b, bt, j, col0), true);
    SmallVector<int64_t> spread;
    for (int64_t c = 0; c < kIntDotCols; ++c)
      spread.push_back(c / bn);
    scales64 = vector::ShuffleOp::create(b, loc, codes, codes, spread);
  }
  Value shortTerms;
  if (shortForm && !allShort)
    shortTerms = allShortCodes(b, scales64);
  // The block terms of the four vectors of nibble group g added into acc.
  auto addTerms = [&](int64_t g, ArrayRef<Value> sums, bool isShort,
                      Value acc) {
    for (int64_t t = 0; t < 4; ++t) {
      int64_t v = 4 * g + t;
      Value codes8;
      if (codesPerVector) {
        SmallVector<Value> at = scaleIndices(b, bt, j, col0);
        at.back() = addIdx(b, loc, at.back(), 8 * v);
        codes8 =
            readVector(b, loc, VectorType::get({8}, i8), bScales, at, true);
      } else {
        SmallVector<int64_t> lanes;
        for (int64_t i = 0; i < 8; ++i)
          lanes.push_back(scalesInLaneOrder()
                              ? 8 * v + i
                              : intDotColumn(8 * v + i, dotWeights));
        codes8 = vector::ShuffleOp::create(b, loc, scales64, scales64, lanes);
      }
      Value bCode = arith::ExtUIOp::create(b, loc, v8i32, codes8);
      Value bCode23, bNaN, w;
      if (e8m0Pair) {
        bCode23 = e.shl(bCode, e.i32(23));
        if (isShort) {
          w = e.floatOf(bCode23); // 2^(cb-127); 2^d is in aPow
        } else {
          bNaN = e.eq(bCode, e.i32(255));
        }
      } else if (isShort) {
        w = decodeUE4M3Scale(e, bCode, d); // u * 2^d, exact
      }
      Value accCol = addIdx(b, loc, col0, 8 * v);
      if (accCol0)
        accCol = arith::SubIOp::create(b, loc, accCol, accCol0);
      for (auto [r, m] : llvm::enumerate(rowIdx)) {
        const RowTerms &rt = terms[r];
        Value f = arith::SIToFPOp::create(b, loc, v8f32, sums[4 * r + t]);
        Value scaled;
        if (isShort) {
          Value exact = arith::MulFOp::create(b, loc, f, w);
          scaled = arith::MulFOp::create(b, loc, exact, rt.aPow);
        } else if (e8m0Pair) {
          // Two exact power-of-two multiplies, the 2^d unit folded in.
          Value nan = arith::OrIOp::create(b, loc, rt.aNaN, bNaN);
          scaled = scaleByE8M0Pair(e, f, rt.aCode23, bCode23, nan, d);
        } else {
          // Exact: a power of two times an integer below 2^24.
          Value partial = arith::MulFOp::create(b, loc, f, unit);
          scaled = applyMatmulBlockScales(
              e, partial, {{rt.aCode, aScaleKind}, {bCode, bFormat.scale}});
        }
        SmallVector<Value> at = {bt, m, accCol};
        Value old = readVector(b, loc, v8f32, acc, at, true);
        Value sumF = arith::AddFOp::create(b, loc, old, scaled);
        acc = writeVector(b, loc, sumF, acc, at, true);
      }
    }
    return acc;
  };
  // One row: both nibbles in one loop (8 sums in registers); a tile: a loop
  // per nibble.
  SmallVector<Value> both;
  if (rowIdx.size() == 1)
    both = emitIntDotSums(b, bt, k0, col0, rowIdx, init, {0, 1});
  for (int64_t g = 0; g < 2; ++g) {
    SmallVector<Value> sums =
        both.empty()
            ? emitIntDotSums(b, bt, k0, col0, rowIdx, init, {g})
            : SmallVector<Value>(ArrayRef<Value>(both).slice(4 * g, 4));
    if (!shortTerms) {
      acc = addTerms(g, sums, /*isShort=*/allShort, acc);
      continue;
    }
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{acc.getType()}, shortTerms,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    scf::YieldOp::create(b, loc, addTerms(g, sums, /*isShort=*/true, acc));
    b.setInsertionPointToStart(ifOp.elseBlock());
    scf::YieldOp::create(b, loc, addTerms(g, sums, /*isShort=*/false, acc));
    b.setInsertionPointAfter(ifOp);
    acc = ifOp.getResult(0);
  }
  return acc;
}

Value VectorMatmulEmitter::emitRows(OpBuilder &b, Value bt, Value j, Value col0,
                                    Value acc, int64_t unroll,
                                    bool inBounds) const {
  // Rows one at a time, or tiles of intDotRows (each decoded weight vector
  // serves the tile) and then the ragged last row.
  auto rowLoop = [&](int64_t lo, int64_t hi, int64_t step, Value acc) {
    Value loV = indexConst(b, loc, lo);
    Value hiV = indexConst(b, loc, hi);
    Value stepV = indexConst(b, loc, step);
    return scf::ForOp::create(
               b, loc, loV, hiV, stepV, ValueRange{acc},
               [&](OpBuilder &rb, Location, Value row, ValueRange rArgs) {
                 Value acc = rArgs[0];
                 if (intDot) {
                   SmallVector<Value> tile = {row};
                   for (int64_t r = 1; r < step; ++r)
                     tile.push_back(addIdx(rb, loc, row, r));
                   acc = emitIntDotRows(rb, bt, j, col0, tile, acc);
                 } else {
                   acc = emitRow(rb, bt, j, col0, row, acc, unroll, inBounds);
                 }
                 scf::YieldOp::create(rb, loc, acc);
               })
        .getResult(0);
  };
  int64_t tile = intDot ? intDotRows(m, registers) : 1;
  int64_t full = m / tile * tile;
  if (full > 0)
    acc = rowLoop(0, full, tile, acc);
  if (full < m)
    acc = rowLoop(full, m, 1, acc);
  return acc;
}

Value VectorMatmulEmitter::emitChunks(OpBuilder &b, Value bt, Value j,
                                      Value acc, Value lb, Value ub,
                                      int64_t unroll, bool inBounds) const {
  auto chunkLoop = scf::ForOp::create(
      b, loc, lb, ub, indexConst(b, loc, chunkCols(unroll)), ValueRange{acc},
      [&](OpBuilder &cb, Location, Value col0, ValueRange cArgs) {
        scf::YieldOp::create(
            cb, loc, emitRows(cb, bt, j, col0, cArgs[0], unroll, inBounds));
      });
  return chunkLoop.getResult(0);
}

Value VectorMatmulEmitter::emitChunkCodeGroup(OpBuilder &b, Value bt, Value kk,
                                              Value byteOff, Value out,
                                              ValueRange at) const {
  Type i8 = b.getI8Type();
  int64_t bytes = chunkBytes();
  auto rowType = VectorType::get({bytes}, i8);
  bool fp4 = dotWeights == DotWeights::FP4;
  // FP4: one iteration of emitIntDotSums' loop (4 * steps K rows), vector t
  // of each step in turn, where its transposed loads read them. FP6: four
  // rows as they are (the VBMI kernel unpacks them itself), or split.
  int64_t steps = fp4 ? wordSteps() : 1;
  SmallVector<SmallVector<Value>> groups; // of four K rows
  for (int64_t st = 0; st < steps; ++st) {
    SmallVector<Value> &rows = groups.emplace_back();
    for (int64_t r = 0; r < 4; ++r) {
      Value rIdx = addIdx(b, loc, kk, 4 * st + r);
      // Each K row is on its own line and page, which the hardware
      // prefetchers do not follow: the row 8 * prefetchDistance rows ahead
      // (clamped to the last) into L2.
      if (packedView) {
        Value ahead = arith::MinUIOp::create(
            b, loc, addIdx(b, loc, rIdx, 8 * prefetchDistance),
            indexConst(b, loc, k - 1));
        memref::PrefetchOp::create(b, loc, packedView,
                                   ValueRange{bt, ahead, byteOff},
                                   /*isWrite=*/false,
                                   /*localityHint=*/2,
                                   /*isDataCache=*/true);
      }
      rows.push_back(readVector(b, loc, rowType, packed,
                                ValueRange{bt, rIdx, byteOff}, true));
    }
  }
  Value first = mulIdx(b, loc, kk, bytes);
  auto store = [&](Value v, int64_t offset) {
    out = writeVector(b, loc, v, out,
                      ValueRange{at[0], at[1], addIdx(b, loc, first, offset)},
                      true);
  };
  if (!fp4 && !splitsFP6()) {
    for (auto [r, row] : llvm::enumerate(groups.front()))
      store(row, r * bytes);
    return out;
  }
  if (!fp4) {
    // Split (fp6Split): the codes as the kernel's unpacks would make them
    // (vector v = 4g + t of group g), then their nibbles and bits.
    auto v32i8 = VectorType::get({32}, i8);
    auto v4i64 = VectorType::get({4}, b.getI64Type());
    Value spread = fp6SpreadMask(b);
    SmallVector<Value> codes;
    for (int64_t g = 0; g < 2; ++g) {
      SmallVector<Value> rows;
      for (Value row : groups.front())
        rows.push_back(
            unpackFP6CodesAVX2(b,
                               vector::ExtractStridedSliceOp::create(
                                   b, loc, row, ArrayRef<int64_t>{16 * g},
                                   ArrayRef<int64_t>{32}, ArrayRef<int64_t>{1}),
                               g, spread));
      InterleavedRows interleaved = interleaveRowBytes(b, loc, rows);
      for (int64_t t = 0; t < 4; ++t)
        codes.push_back(interleaved.vector(b, loc, t));
    }
    auto splat = [&](Type type, int64_t v) -> Value {
      auto vt = cast<VectorType>(type);
      return arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), v)));
    };
    // Nibbles: vector 2L's low four bits and 2L + 1's, at 32L.
    for (int64_t l = 0; l < 4; ++l) {
      Value low =
          arith::AndIOp::create(b, loc, codes[2 * l], splat(v32i8, 0x0F));
      Value high =
          arith::ShLIOp::create(b, loc, codes[2 * l + 1], splat(v32i8, 4));
      store(arith::OrIOp::create(b, loc, low, high), 32 * l);
    }
    // Bits 4 and 5 of byte 8q + j (j < 8) of vector v at bits 2q and
    // 2q + 1 of byte j of the qword at 128 + 8v: the qwords of the codes'
    // top two bits, shifted left by 2q, or'ed together.
    SmallVector<int64_t> by;
    for (int64_t q = 0; q < 4; ++q)
      by.push_back(2 * q);
    Value byQword = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v4i64, ArrayRef<int64_t>(by)));
    for (auto [v, code] : llvm::enumerate(codes)) {
      Value top = arith::ShRUIOp::create(b, loc, code, splat(v32i8, 4));
      Value qwords = arith::ShLIOp::create(
          b, loc, vector::BitCastOp::create(b, loc, v4i64, top), byQword);
      Value merged = vector::ReductionOp::create(
          b, loc, vector::CombiningKind::OR, qwords);
      Value one = vector::BroadcastOp::create(
          b, loc, VectorType::get({1}, b.getI64Type()), merged);
      store(vector::BitCastOp::create(b, loc, VectorType::get({8}, i8), one),
            128 + 8 * v);
    }
    return out;
  }
  SmallVector<InterleavedRows> interleaved;
  for (ArrayRef<Value> rows : groups)
    interleaved.push_back(interleaveRowBytes(b, loc, rows));
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t st = 0; st < steps; ++st)
      store(interleaved[st].vector(b, loc, t), bytes * (t * steps + st));
  return out;
}

std::pair<Value, Value>
VectorMatmulEmitter::emitChunkScaleBlock(OpBuilder &b, Value bt, Value j,
                                         Value col0, Value out,
                                         ValueRange at) const {
  // With one scale per column (bn = 1) the block's 64 codes in the
  // accumulator's lane order, as retileConstantWeights stores them.
  int64_t perBlock = kIntDotCols / bn;
  auto codesType = VectorType::get({perBlock}, b.getI8Type());
  Value col = bn == 1 ? col0 : divIdx(b, loc, col0, bn);
  Value codes =
      readVector(b, loc, codesType, bScales, ValueRange{bt, j, col}, true);
  if (bn == 1) {
    SmallVector<int64_t> lanes;
    for (int64_t l = 0; l < perBlock; ++l)
      lanes.push_back(intDotColumn(l, dotWeights));
    codes = vector::ShuffleOp::create(b, loc, codes, codes, lanes);
  }
  Value offset = mulIdx(b, loc, j, perBlock);
  return {
      writeVector(b, loc, codes, out, ValueRange{at[0], at[1], offset}, true),
      codes};
}

std::tuple<Value, Value, Value>
VectorMatmulEmitter::emitChunkTiles(OpBuilder &b, Value bt, Value col0,
                                    Value codesTile, Value scalesTile) const {
  Value byteOff = chunkByteOffset(b, col0);
  Value zero = indexConst(b, loc, 0);
  auto codeLoop = scf::ForOp::create(
      b, loc, zero, indexConst(b, loc, k), indexConst(b, loc, codeGroupRows()),
      ValueRange{codesTile},
      [&](OpBuilder &lb, Location, Value kk, ValueRange args) {
        Value z = indexConst(lb, loc, 0);
        scf::YieldOp::create(
            lb, loc,
            emitChunkCodeGroup(lb, bt, kk, byteOff, args[0], ValueRange{z, z}));
      });
  // With a short form, whether all the chunk's codes take it (so that its
  // row tiles need no check and no general form).
  bool shortForm = intDotShortForm();
  SmallVector<Value> inits = {scalesTile};
  if (shortForm)
    inits.push_back(arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  auto scaleLoop = scf::ForOp::create(
      b, loc, zero, indexConst(b, loc, k / kb), indexConst(b, loc, 1), inits,
      [&](OpBuilder &jb, Location, Value j, ValueRange args) {
        Value z = indexConst(jb, loc, 0);
        auto [tile, codes] =
            emitChunkScaleBlock(jb, bt, j, col0, args[0], ValueRange{z, z});
        SmallVector<Value> next = {tile};
        if (shortForm) {
          Value ok = allShortCodes(jb, codes);
          next.push_back(arith::AndIOp::create(jb, loc, args[1], ok));
        }
        scf::YieldOp::create(jb, loc, next);
      });
  return {codeLoop.getResult(0), scaleLoop.getResult(0),
          shortForm ? scaleLoop.getResult(1) : Value()};
}

Value VectorMatmulEmitter::emitChunksOfBlocks(OpBuilder &b, Value bt, Value acc,
                                              Value lb, Value ub) const {
  // Weights passed in: one chunk's tiles, written per chunk (the same
  // buffers for every chunk of the panel).
  SmallVector<Value> inits = {acc};
  if (tilesChunks()) {
    inits.push_back(
        createEmpty(b, loc, {1, 1, k * chunkBytes()}, b.getI8Type()));
    inits.push_back(
        createEmpty(b, loc, {1, 1, k / kb * kIntDotCols / bn}, b.getI8Type()));
  }
  auto chunkLoop = scf::ForOp::create(
      b, loc, lb, ub, indexConst(b, loc, chunkCols(kUnroll)), inits,
      [&](OpBuilder &cb, Location, Value col0, ValueRange cArgs) {
        VectorMatmulEmitter em = *this;
        SmallVector<Value> tiles;
        Value allShort;
        if (tilesChunks()) {
          auto [codesTile, scalesTile, chunkShort] =
              emitChunkTiles(cb, bt, col0, cArgs[1], cArgs[2]);
          tiles = {codesTile, scalesTile};
          allShort = chunkShort;
          em.packed = codesTile;
          em.bScales = scalesTile;
          em.tiled = em.chunkTiles = true;
          em.transposed = dotWeights == DotWeights::FP4;
          // The tiles are in cache, written just now.
          em.packedView = Value();
        }
        auto blockLoop = [&](OpBuilder &ob, const VectorMatmulEmitter &em) {
          Value jLo = indexConst(ob, loc, 0);
          Value jHi = indexConst(ob, loc, k / kb);
          Value jStep = indexConst(ob, loc, 1);
          return scf::ForOp::create(
                     ob, loc, jLo, jHi, jStep, ValueRange{cArgs[0]},
                     [&](OpBuilder &jb, Location, Value j, ValueRange jArgs) {
                       scf::YieldOp::create(jb, loc,
                                            em.emitRows(jb, bt, j, col0,
                                                        jArgs[0], kUnroll,
                                                        true));
                     })
              .getResult(0);
        };
        Value acc;
        if (!allShort) {
          acc = blockLoop(cb, em);
        } else {
          // Real weights' chunks: every code short, known once per chunk,
          // as for constant weights (scalesAllShort); else each row tile
          // and K block checks its own.
          auto ifOp = scf::IfOp::create(cb, loc, TypeRange{cArgs[0].getType()},
                                        allShort, /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(cb);
          cb.setInsertionPointToStart(ifOp.thenBlock());
          VectorMatmulEmitter shortEm = em;
          shortEm.scalesAllShort = true;
          scf::YieldOp::create(cb, loc, blockLoop(cb, shortEm));
          cb.setInsertionPointToStart(ifOp.elseBlock());
          scf::YieldOp::create(cb, loc, blockLoop(cb, em));
          cb.setInsertionPointAfter(ifOp);
          acc = ifOp.getResult(0);
        }
        SmallVector<Value> results = {acc};
        results.append(tiles);
        scf::YieldOp::create(cb, loc, results);
      });
  return chunkLoop.getResult(0);
}

Value VectorMatmulEmitter::emitOutput(OpBuilder &b, Value scratch,
                                      Value g) const {
  int64_t nPad = llvm::divideCeil(n, sc.cols) * sc.cols;
  bool outInBounds = n % sc.cols == 0;
  auto column = [&](OpBuilder &cb, Value bt, Value row, Value col,
                    Value out) -> Value {
    auto part = [&](int64_t p) {
      return readVector(cb, loc, f32v(), scratch,
                        ValueRange{bt, row, addIdx(cb, loc, col, p * sc.lanes)},
                        true);
    };
    Value v;
    if (intDot || sc.order != LaneOrder::Interleaved) {
      // Undo the integer-dot kernel's or the table decode's lane order.
      int64_t cols = chunkCols(1);
      SmallVector<int64_t> mask(cols);
      if (intDot) {
        for (int64_t l = 0; l < cols; ++l)
          mask[intDotColumn(l, dotWeights)] = l;
      } else {
        for (int64_t p = 0; p < sc.interleave; ++p)
          for (int64_t l = 0; l < sc.lanes; ++l)
            mask[sc.column(p, l)] = p * sc.lanes + l;
      }
      Value chunk =
          readVector(cb, loc, VectorType::get({cols}, Float32Type::get(ctx)),
                     scratch, ValueRange{bt, row, col}, true);
      v = vector::ShuffleOp::create(cb, loc, chunk, chunk, mask);
    } else {
      v = part(0);
      if (sc.interleave == 2)
        v = vector::InterleaveOp::create(cb, loc, v, part(1));
    }
    if (g)
      v = arith::MulFOp::create(
          cb, loc, v, vector::BroadcastOp::create(cb, loc, v.getType(), g));
    return writeVector(cb, loc, v, out, ValueRange{bt, row, col}, outInBounds);
  };
  Value out = createEmpty(b, loc, {batch, m, n}, Float32Type::get(ctx));
  return emitRowSteps(b, out, nPad, chunkCols(1), column);
}

Value VectorMatmulEmitter::emitRowSteps(
    OpBuilder &b, Value init, int64_t ub, int64_t step,
    function_ref<Value(OpBuilder &, Value, Value, Value, Value)> body) const {
  auto rows = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, batch * m),
      indexConst(b, loc, 1), ValueRange{init},
      [&](OpBuilder &rb, Location, Value r, ValueRange rArgs) {
        Value bt = divIdx(rb, loc, r, m), row = remIdx(rb, loc, r, m);
        auto steps = scf::ForOp::create(
            rb, loc, indexConst(rb, loc, 0), indexConst(rb, loc, ub),
            indexConst(rb, loc, step), rArgs,
            [&](OpBuilder &sb, Location, Value i, ValueRange sArgs) {
              scf::YieldOp::create(sb, loc, body(sb, bt, row, i, sArgs[0]));
            });
        scf::YieldOp::create(rb, loc, steps.getResults());
      });
  return rows.getResult(0);
}

/// The source of byte `e` of vector t (of 4) that the integer dot's byte
/// and word unpacks make of four K rows of 32 bytes (emitIntDotSums): the
/// row in the first, its byte in the second. Derived from the same masks,
/// so that a constant stored in this order loads as the unpacks' result.
static std::pair<int64_t, int64_t> unpackedSource(int64_t t, int64_t e) {
  auto pick = [](ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                 ArrayRef<int64_t> mask, int64_t width) {
    SmallVector<int64_t> out;
    for (int64_t m : mask)
      for (int64_t i = 0; i < width; ++i)
        out.push_back(m < static_cast<int64_t>(lo.size()) / width
                          ? lo[m * width + i]
                          : hi[(m - lo.size() / width) * width + i]);
    return out;
  };
  // Byte labels: 32 * row + byte.
  SmallVector<int64_t> rows[4];
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t p = 0; p < 32; ++p)
      rows[r].push_back(32 * r + p);
  SmallVector<int64_t> u = pick(rows[0], rows[1], unpackMask(32, 16, t / 2), 1);
  SmallVector<int64_t> v = pick(rows[2], rows[3], unpackMask(32, 16, t / 2), 1);
  SmallVector<int64_t> w = pick(u, v, unpackMask(16, 8, t % 2), 2);
  return {w[e] / 32, w[e] % 32};
}

/// Four K rows of a 64-column chunk of E2M3 codes (code(r, col)) split, as
/// the integer dot reads tiled weights without VBMI (fp6Split): vector v =
/// 4g + t of the codes the kernel's unpacks would make of group g (byte q:
/// row r, column 32g + p, unpackedSource(t, q)); 128 bytes of their low
/// four bits (vectors 2L and 2L + 1 as the low and high nibbles of bytes
/// 32L + q), then 64 bytes of their bits 4 and 5 (byte 8q + j of vector v
/// at bits 2q and 2q + 1 of byte 128 + 8v + j). `sources` holds
/// unpackedSource(t, q) at 32t + q.
static void splitFP6Rows(ArrayRef<std::pair<int64_t, int64_t>> sources,
                         function_ref<uint8_t(int64_t, int64_t)> code,
                         char *out) {
  std::memset(out, 0, 192);
  for (int64_t v = 0; v < 8; ++v)
    for (int64_t q = 0; q < 32; ++q) {
      auto [r, p] = sources[32 * (v % 4) + q];
      uint8_t c = code(r, 32 * (v / 4) + p);
      out[32 * (v / 2) + q] |= char((c & 0x0F) << (4 * (v % 2)));
      out[128 + 8 * v + q % 8] |= char(((c >> 4) & 3) << (2 * (q / 8)));
    }
}

/// The integer dot's constant weights re-laid at compile time for the
/// kernel (docs/Lowering.md, "Constant weights in the integer dot"): each
/// 64-column chunk's K rows of packed bytes one after the other, [batch,
/// N / 64, K * 64 * bits / 8], and its block scale codes likewise, [batch,
/// N / 64, K / kb * 64 / bn] (with bn = 1 each block's 64 codes in the
/// accumulator's lane order). Read chunk by chunk, each panel is then one
/// sequential stream that the hardware prefetcher follows, instead of kb
/// streams a packed row (N * bits / 8 bytes) apart. Sets em.packed and
/// em.bScales; false, building nothing, unless both components are dense
/// i8 constants.
static bool retileConstantWeights(OpBuilder &b, Location loc, Value codes,
                                  Value scales, VectorMatmulEmitter &em) {
  DenseElementsAttr codesAttr, scalesAttr;
  if (!codes || !scales || !matchPattern(codes, m_Constant(&codesAttr)) ||
      !matchPattern(scales, m_Constant(&scalesAttr)) ||
      !codesAttr.getElementType().isInteger(8) ||
      !scalesAttr.getElementType().isInteger(8))
    return false;
  int64_t bits = mxref::getElemInfo(em.bFormat.elem).bits;
  int64_t chunkBytes = kIntDotCols * bits / 8, rowBytes = em.n * bits / 8;
  int64_t chunks = em.n / kIntDotCols, blocks = em.k / em.kb;
  int64_t chunkScales = kIntDotCols / em.bn, scaleRow = em.n / em.bn;
  if (codesAttr.getNumElements() != em.batch * em.k * rowBytes ||
      scalesAttr.getNumElements() != em.batch * blocks * scaleRow)
    return false;
  // Copies `size` bytes per (batch, chunk, row) from row-major rows of
  // `rowLen` bytes (byte i from byte inRow[i] of the row's, with inRow),
  // then, with `source` (byte e of each group of source.size() / size rows
  // from row source[e].first, byte source[e].second), reorders each group;
  // a splat stays a splat.
  using Source = std::pair<int64_t, int64_t>;
  auto retile = [&](DenseElementsAttr attr, int64_t rows, int64_t size,
                    int64_t rowLen, ArrayRef<int64_t> shape,
                    ArrayRef<Source> source, ArrayRef<int64_t> inRow) -> Value {
    auto flatType =
        RankedTensorType::get({attr.getNumElements()}, b.getI8Type());
    DenseElementsAttr tiled;
    if (attr.isSplat()) {
      tiled = DenseElementsAttr::get(flatType, attr.getSplatValue<APInt>());
    } else {
      ArrayRef<char> src = attr.getRawData();
      std::vector<char> dst(src.size());
      char *out = dst.data();
      for (int64_t bt = 0; bt < em.batch; ++bt)
        for (int64_t c = 0; c < chunks; ++c)
          for (int64_t r = 0; r < rows; ++r, out += size) {
            const char *row = src.data() + (bt * rows + r) * rowLen + c * size;
            if (inRow.empty()) {
              std::memcpy(out, row, size);
              continue;
            }
            for (int64_t i = 0; i < size; ++i)
              out[i] = row[inRow[i]];
          }
      if (!source.empty()) {
        std::vector<char> group(source.size());
        for (size_t at = 0; at < dst.size(); at += group.size()) {
          for (auto [i, rp] : llvm::enumerate(source))
            group[i] = dst[at + rp.first * size + rp.second];
          std::memcpy(dst.data() + at, group.data(), group.size());
        }
      }
      tiled = DenseElementsAttr::getFromRawBuffer(flatType, dst);
    }
    // A chunk's bytes are one innermost row: LLVM emits the global as
    // batch * chunks byte arrays, not one array per K row.
    return arith::ConstantOp::create(
        b, loc, tiled.reshape(RankedTensorType::get(shape, b.getI8Type())));
  };
  // FP4 codes: each four K rows of a chunk in the order the kernel's
  // unpacks would make of them, which it then loads as they are; of the
  // wordSteps() groups of four rows that one iteration of its loop reads,
  // vector t of each group in turn, in the order the loop reads them.
  em.transposed = em.dotWeights == DotWeights::FP4;
  SmallVector<Source> source;
  if (em.transposed) {
    int64_t steps = em.wordSteps();
    for (int64_t t = 0; t < 4; ++t)
      for (int64_t st = 0; st < steps; ++st)
        for (int64_t e = 0; e < chunkBytes; ++e) {
          auto [r, p] = unpackedSource(t, e);
          source.push_back({4 * st + r, p});
        }
  }
  if (!em.splitsFP6()) {
    em.packed = retile(codesAttr, em.k, chunkBytes, rowBytes,
                       {em.batch, chunks, em.k * chunkBytes}, source, {});
  } else {
    // E2M3 codes without VBMI: each four K rows of a chunk split
    // (emitChunkCodeGroup makes the same bytes of weights passed in).
    auto flatType =
        RankedTensorType::get({codesAttr.getNumElements()}, b.getI8Type());
    std::vector<char> src =
        codesAttr.isSplat()
            ? std::vector<char>(codesAttr.getNumElements(),
                                codesAttr.getSplatValue<APInt>().getSExtValue())
            : std::vector<char>(codesAttr.getRawData().begin(),
                                codesAttr.getRawData().end());
    std::vector<char> dst(src.size());
    SmallVector<std::pair<int64_t, int64_t>> sources;
    for (int64_t t = 0; t < 4; ++t)
      for (int64_t q = 0; q < 32; ++q)
        sources.push_back(unpackedSource(t, q));
    for (int64_t bt = 0; bt < em.batch; ++bt)
      for (int64_t c = 0; c < chunks; ++c)
        for (int64_t k0 = 0; k0 < em.k; k0 += 4) {
          char *out = dst.data() + ((bt * chunks + c) * em.k + k0) * chunkBytes;
          // The four rows' codes of the chunk, as the reference unpacks them.
          std::vector<uint8_t> rows[4];
          for (int64_t r = 0; r < 4; ++r) {
            const char *row =
                src.data() + (bt * em.k + k0 + r) * rowBytes + c * chunkBytes;
            rows[r] = mxref::unpackElements(
                em.bFormat.elem,
                ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(row),
                                  chunkBytes),
                kIntDotCols);
          }
          splitFP6Rows(
              sources, [&](int64_t r, int64_t col) { return rows[r][col]; },
              out);
        }
    em.packed = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::getFromRawBuffer(flatType, dst)
            .reshape(RankedTensorType::get(
                {em.batch, chunks, em.k * chunkBytes}, b.getI8Type())));
  }
  // One scale code per column: each block's 64 in the accumulator's lane
  // order (scalesInLaneOrder).
  SmallVector<int64_t> lanes;
  if (em.bn == 1)
    for (int64_t l = 0; l < kIntDotCols; ++l)
      lanes.push_back(intDotColumn(l, em.dotWeights));
  em.bScales = retile(scalesAttr, blocks, chunkScales, scaleRow,
                      {em.batch, chunks, blocks * chunkScales}, {}, lanes);
  // Whether every code takes the block terms' short form (emitIntDotRows).
  em.scalesAllShort = llvm::all_of(scalesAttr.getRawData(), [&](char c) {
    auto code = static_cast<uint8_t>(c);
    return em.bFormat.scale == mxref::ScaleKind::E8M0
               ? code >= 1 && code <= kShortMaxCode
               : (code & 0x7f) != 0x7f;
  });
  em.rowBytes = rowBytes;
  return true;
}

/// `value`'s bytes (a contiguous tensor of i8) as a tensor of `shape`.
static Value reshapeBytes(OpBuilder &b, Location loc, Value value,
                          ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  if (type.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    value = tensor::CollapseShapeOp::create(
        b, loc, value, ArrayRef<ReassociationIndices>{all});
  }
  if (shape.size() == 1)
    return value;
  ReassociationIndices all;
  for (size_t d = 0; d < shape.size(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), value,
      ArrayRef<ReassociationIndices>{all});
}

/// The integer dot's shapes of weights in the kernel's layout (those of
/// retileConstantWeights): codes [batch, N / 64, K * chunk bytes] and block
/// scales [batch, N / 64, K / kb * 64 / bn].
static std::pair<SmallVector<int64_t>, SmallVector<int64_t>>
kernelLayoutShapes(const VectorMatmulEmitter &em) {
  int64_t chunks = em.n / kIntDotCols;
  return {{em.batch, chunks, em.k * em.chunkBytes()},
          {em.batch, chunks, em.k / em.kb * kIntDotCols / em.bn}};
}

/// Weights passed in already in the kernel's layout (mx.kernel_layout):
/// their components viewed in its shapes; the nest then reads them as it
/// reads re-laid constants, with each block's scale codes checked as it
/// goes (their values are not known here).
static void useKernelLayout(OpBuilder &b, Location loc, Value codes,
                            Value scales, VectorMatmulEmitter &em) {
  auto [codesShape, scalesShape] = kernelLayoutShapes(em);
  em.packed = reshapeBytes(b, loc, codes, codesShape);
  em.bScales = reshapeBytes(b, loc, scales, scalesShape);
  em.rowBytes = em.n * mxref::getElemInfo(em.bFormat.elem).bits / 8;
  em.transposed = em.dotWeights == DotWeights::FP4;
  em.tiled = true;
}

/// The body of a layout function (emitKernelLayoutFunctions): the weights'
/// components `args` of `type`, packed rows, to the kernel's layout, by the
/// same copies that the cache-blocked order makes of each chunk of weights
/// passed in (emitChunkTiles), written in place; a tensor scale passes
/// through.
static SmallVector<Value> emitKernelLayout(OpBuilder &b, Location loc,
                                           VectorMatmulEmitter em,
                                           BlockScaledTensorType type,
                                           int64_t panels, ValueRange args) {
  Value codes = args[0];
  Value scales = getScalesComponent(type, args);
  em.loc = loc;
  em.packed = to3D(b, loc, codes);
  em.bScales = to3D(b, loc, scales);
  em.packedView = Value();
  em.tiled = em.chunkTiles = false;
  auto [codesShape, scalesShape] = kernelLayoutShapes(em);
  Type i8 = b.getI8Type();
  int64_t chunks = em.n / kIntDotCols;
  // Panels of chunks, one scf.forall iteration each (as the matmul's
  // panels, `panels` of them at most): as many as divide the chunks, so
  // that every panel's slice of the outputs has one shape.
  int64_t nPanels = 1;
  for (int64_t p = std::min(panels, chunks); p > 1 && nPanels == 1; --p)
    if (chunks % p == 0)
      nPanels = p;
  int64_t perPanel = chunks / nPanels;
  // For each batch and group of K rows (block row), every chunk of the
  // panel from chunk c0 in turn: the reads walk the packed rows in order (a
  // few rows at once), and each chunk's writes are a run of its contiguous
  // output. The body gets the chunk's index in the panel and in the matrix.
  using Body =
      function_ref<Value(OpBuilder &, Value, Value, Value, Value, Value)>;
  auto each = [&](OpBuilder &pb, Value init, Value c0, int64_t outer,
                  Body body) -> Value {
    auto outerLoop = scf::ForOp::create(
        pb, loc, indexConst(pb, loc, 0), indexConst(pb, loc, em.batch * outer),
        indexConst(pb, loc, 1), ValueRange{init},
        [&](OpBuilder &ob, Location, Value i, ValueRange oArgs) {
          Value bt = divIdx(ob, loc, i, outer);
          Value g =
              arith::RemUIOp::create(ob, loc, i, indexConst(ob, loc, outer));
          auto chunkLoop = scf::ForOp::create(
              ob, loc, indexConst(ob, loc, 0), indexConst(ob, loc, perPanel),
              indexConst(ob, loc, 1), oArgs,
              [&](OpBuilder &cb, Location, Value c, ValueRange cArgs) {
                Value col0 =
                    mulIdx(cb, loc, arith::AddIOp::create(cb, loc, c0, c),
                           kIntDotCols);
                scf::YieldOp::create(cb, loc,
                                     body(cb, bt, g, c, col0, cArgs[0]));
              });
          scf::YieldOp::create(ob, loc, chunkLoop.getResults());
        });
    return outerLoop.getResult(0);
  };
  int64_t rows = em.codeGroupRows();
  // One panel's codes and block scales into `codesOut` and `scalesOut`
  // (their panel's slices).
  auto copyPanel = [&](OpBuilder &pb, Value c0, Value codesOut,
                       Value scalesOut) -> std::pair<Value, Value> {
    Value codesDone = each(
        pb, codesOut, c0, em.k / rows,
        [&](OpBuilder &cb, Value bt, Value g, Value c, Value col0, Value out) {
          // One op-creating call per statement (argument evaluation order).
          Value kk = mulIdx(cb, loc, g, rows);
          Value byteOff = em.chunkByteOffset(cb, col0);
          return em.emitChunkCodeGroup(cb, bt, kk, byteOff, out,
                                       ValueRange{bt, c});
        });
    Value scalesDone = each(
        pb, scalesOut, c0, em.k / em.kb,
        [&](OpBuilder &cb, Value bt, Value j, Value c, Value col0, Value out) {
          return em.emitChunkScaleBlock(cb, bt, j, col0, out, ValueRange{bt, c})
              .first;
        });
    return {codesDone, scalesDone};
  };
  Value codesEmpty = createEmpty(b, loc, codesShape, i8);
  Value scalesEmpty = createEmpty(b, loc, scalesShape, i8);
  Value codesOut, scalesOut;
  if (nPanels == 1) {
    std::tie(codesOut, scalesOut) =
        copyPanel(b, indexConst(b, loc, 0), codesEmpty, scalesEmpty);
  } else {
    Value c0;
    SmallVector<Value> done = emitPanels(
        b, loc, nPanels, ValueRange{codesEmpty, scalesEmpty},
        [&](OpBuilder &pb, Value p) -> SmallVector<PanelSlice> {
          c0 = mulIdx(pb, loc, p, perPanel);
          SmallVector<PanelSlice> parts;
          for (int64_t size : {codesShape[2], scalesShape[2]})
            parts.push_back(
                {{pb.getIndexAttr(0), c0, pb.getIndexAttr(0)},
                 {pb.getIndexAttr(em.batch), pb.getIndexAttr(perPanel),
                  pb.getIndexAttr(size)}});
          return parts;
        },
        [&](OpBuilder &pb, ValueRange slices) -> SmallVector<Value> {
          auto [codesPanel, scalesPanel] =
              copyPanel(pb, c0, slices[0], slices[1]);
          return {codesPanel, scalesPanel};
        });
    codesOut = done[0];
    scalesOut = done[1];
  }
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  SmallVector<Value> results(args.begin(), args.end());
  results[0] = reshapeBytes(b, loc, codesOut, shapeOf(codes));
  for (Value &r : results)
    if (r == scales)
      r = reshapeBytes(b, loc, scalesOut, shapeOf(scales));
  return results;
}

namespace {

struct VectorMatmulLowering : OpConversionPattern<MatmulOp> {
  VectorMatmulLowering(const TypeConverter &converter, MLIRContext *ctx,
                       const VectorTarget &target, int64_t prefetchDistance,
                       int64_t panels, bool tileConstantWeights,
                       KernelLayouts *layouts)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), target(target),
        prefetchDistance(prefetchDistance), panels(panels),
        tileConstantWeights(tileConstantWeights), layouts(layouts) {}

  LogicalResult
  matchAndRewrite(MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto rhsType = dyn_cast<BlockScaledTensorType>(op.getRhs().getType());
    if (!rhsType)
      return rewriter.notifyMatchFailure(op, "plain rhs: linalg lowering");
    if (!supportsLanes(rhsType, target.lanes))
      return rewriter.notifyMatchFailure(op, "rhs does not pack into lanes");
    unsigned rank = rhsType.getRank();
    VectorMatmulEmitter em{rewriter.getContext(), op.getLoc()};
    em.bFormat = rhsType.getFormat().getFormat();
    em.sc = getSubChunk(em.bFormat.elem, target.lanes);
    em.halfDecode = target.halfConvert;
    // A per-tensor rhs does not split K or N: the K block is the lhs's when
    // it is block-scaled, else all of K (docs/Numerics.md §6).
    bool perTensor = !rhsType.hasBlockScales();
    auto lhsType = dyn_cast<BlockScaledTensorType>(op.getLhs().getType());
    int64_t k = rhsType.getShape()[rank - 2];
    em.kb = !perTensor                            ? rhsType.getBlock()[rank - 2]
            : lhsType && lhsType.hasBlockScales() ? lhsType.getBlock()[rank - 1]
                                                  : k;
    em.bn = perTensor ? 1 : rhsType.getBlock()[rank - 1];
    if (em.sc.cols % em.bn != 0 && em.bn % em.sc.cols != 0)
      return rewriter.notifyMatchFailure(op, "N block does not tile lanes");
    RankedTensorType outType = op.getType();
    auto [batch, m, n] = shape3D(outType.getShape());
    em.batch = batch;
    em.m = m;
    em.n = n;

    // Weights the caller re-laid (mx.kernel_layout): only the integer dot
    // reads them (emitKernelLayoutFunctions reports the matmuls it does not
    // take).
    KernelLayouts::Use *layoutUse = layouts ? layouts->lookup(op) : nullptr;
    if (layoutUse && !takesIntDot(em, lhsType, perTensor))
      return rewriter.notifyMatchFailure(op, "kernel layout, no integer dot");

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MatmulSide a =
        prepareMatmulSide(b, loc, op.getLhs().getType(), adaptor.getLhs());
    ValueRange rc = adaptor.getRhs();
    em.aValues = to3D(b, loc, a.values);
    em.aScales = a.scales ? to3D(b, loc, a.scales) : Value();
    em.aScaleKind = a.scaleKind;
    em.bm = a.scales ? a.block[rank - 2] : 1;
    em.packed = to3D(b, loc, rc[0]);
    Value bScales = getScalesComponent(rhsType, rc);
    em.bScales = bScales ? to3D(b, loc, bScales) : Value();
    FP4LookupStrategy lookup = target.lookup;
    if (lookup != FP4LookupStrategy::None &&
        mxref::getElemInfo(em.bFormat.elem).bits == 4)
      em.valueTable = buildFP4ValueTable(b, loc, em.bFormat.elem, lookup);
    Value g = a.tensorScale;
    if (Value gb = getTensorScaleComponent(rhsType, rc))
      g = g ? Value(arith::MulFOp::create(b, loc, g, gb)) : gb;
    // MXINT8 x FP4 on x86: the integer-dot nest, row tiles for any M.
    bool intDot = takesIntDot(em, lhsType, perTensor);
    // FP8 and FP6 weights in the f32 nest or the batched kernel with
    // AVX512-VBMI: the tables.
    unsigned wBits = mxref::getElemInfo(em.bFormat.elem).bits;
    if (!intDot && target.byteTable64 && target.lanes == 16 &&
        (wBits == 8 || wBits == 6) &&
        em.bFormat.elem != mxref::ElemKind::INT8) {
      SubChunk tables = getByteTableSubChunk(em.bFormat.elem);
      if (tables.cols % em.bn == 0 || em.bn % tables.cols == 0) {
        em.sc = tables;
        em.unroll = kByteTableUnroll;
      }
    }
    // Prompt processing: the register-blocked kernel (VectorBatchedMatmul).
    if (m >= kBatchedMinRows && !intDot) {
      MatmulOperands ops{em.bFormat,
                         em.sc,
                         em.aScaleKind,
                         em.kb,
                         em.bn,
                         em.bm,
                         batch,
                         m,
                         k,
                         n,
                         em.valueTable,
                         em.aValues,
                         em.aScales,
                         em.packed,
                         em.bScales,
                         g,
                         target.halfConvert};
      // prefetch-distance=0 turns the batched kernel's prefetch off too.
      int64_t rowBytes = 0;
      ops.packedView = prefetchView(b, loc, em.packed, rowBytes);
      Value out = emitBatchedMatmul(b, loc, ops, chooseBatchedTile(target, ops),
                                    panels);
      rewriter.replaceOp(op, from3D(b, loc, out, outType));
      return success();
    }
    em.prefetchDistance = prefetchDistance;
    em.k = k;
    // FP4 weights in the f32 nest on AVX2: decoded by two byte shuffles per
    // 32 codes, then multiplied, where the product table's two 8-entry
    // halves cost two vpermps and a blend per 8 columns (docs/Lowering.md,
    // "FP4 weights by byte shuffles"). table-lookup=false keeps the bit
    // arithmetic.
    SubChunk shuffles = getNibbleShuffleSubChunk();
    if (!intDot && wBits == 4 && target.byteDot &&
        target.lookup == FP4LookupStrategy::HalfTables &&
        target.lanes == shuffles.lanes &&
        (shuffles.cols % em.bn == 0 || em.bn % shuffles.cols == 0)) {
      em.sc = shuffles;
      em.unroll = kByteTableUnroll;
    }
    if (intDot) {
      em.intDot = true;
      em.dotAccumulate = target.dotAccumulate;
      em.registers = target.registers;
      em.dotWeights =
          em.bFormat.elem == mxref::ElemKind::E2M3   ? DotWeights::FP6Bytes
          : em.bFormat.elem != mxref::ElemKind::E3M2 ? DotWeights::FP4
          : takesWordDot()                           ? DotWeights::FP6Words
                                                     : DotWeights::FP6HighLow;
      em.fp6ByMultiShift = target.byteTable64 && !em.highLow();
      em.aCodes = to3D(b, loc, adaptor.getLhs()[0]);
      if (em.dotWeights != DotWeights::FP6Words) {
        // The weight bytes' offset: the largest |value| / unit (12, 60);
        // FP6HighLow's, of each part.
        float unit = mxref::decodeElem(em.bFormat.elem, 1);
        for (uint32_t c = 0; c < (em.fp6Dot() ? 64u : 16u); ++c) {
          auto units = static_cast<int64_t>(
              std::fabs(mxref::decodeElem(em.bFormat.elem, c)) / unit);
          em.intDotOffset = std::max(em.intDotOffset, units);
          em.highOffset = std::max(em.highOffset, units / 16);
          em.lowOffset = std::max(em.lowOffset, units % 16);
        }
        if (em.highLow())
          em.intDotOffset = 16 * em.highOffset + em.lowOffset;
        em.aOffsets = em.emitIntDotOffsets(b);
      }
    }
    // Constant weights of the integer dot in the kernel's layout: each
    // chunk's K rows contiguous, read chunk by chunk.
    if (layoutUse) {
      // The same layout from the arguments, made by the layout function.
      VectorMatmulEmitter layoutEm = em;
      if (failed(
              layouts->record(*layoutUse, rhsType, loc,
                              [layoutEm, rhsType, panels = panels](
                                  OpBuilder &b, Location loc, ValueRange args) {
                                return emitKernelLayout(b, loc, layoutEm,
                                                        rhsType, panels, args);
                              })))
        return failure();
      useKernelLayout(b, loc, rc[0], bScales, em);
    } else if (intDot && tileConstantWeights) {
      em.tiled = retileConstantWeights(b, loc, rc[0], bScales, em);
    }
    // Long prompts and tiled weights: the integer-dot kernel in cache-blocked
    // order (no row prefetch: one sequential stream per panel, whose tiled
    // FP4 codes prefetchTiled covers; weights passed in are prefetched as
    // each chunk is copied into its tiles, emitChunkTiles).
    bool cacheBlocked = intDot && (m >= kIntDotBlockedMinRows || em.tiled);
    if (!cacheBlocked || em.tilesChunks()) {
      // The GEMV's rows, or (emitChunkTiles) each chunk's rows as they are
      // copied into its tiles.
      em.packedView = prefetchView(b, loc, em.packed, em.rowBytes);
    } else if (em.transposed) {
      // Tiled FP4 codes: one sequential stream per chunk, which the
      // hardware prefetchers of a Zen 1 (word steps) and of an Intel Xeon
      // (vpdpbusd) did not keep fed from DRAM (docs/Lowering.md, "Constant
      // weights in the integer dot"); prefetchTiled covers them.
      int64_t chunkRowBytes;
      em.packedView = prefetchView(b, loc, em.packed, chunkRowBytes);
    }

    // The nest, from the accumulator to the output; built twice (under an
    // scf.if) when the E4M3 fold needs a run-time check.
    auto emitNest = [&](OpBuilder &b, VectorMatmulEmitter em) -> Value {
      int64_t width = em.chunkCols(em.unroll);
      int64_t numFull = n / width * width;
      int64_t nPad = llvm::divideCeil(n, em.sc.cols) * em.sc.cols;
      // Panels of whole chunks, none empty: the last may be shorter.
      int64_t numChunks = numFull / width;
      int64_t nPanels = std::min(panels, numChunks), panelCols = 0;
      if (nPanels > 1) {
        int64_t perPanel = llvm::divideCeil(numChunks, nPanels);
        nPanels = llvm::divideCeil(numChunks, perPanel);
        panelCols = perPanel * width;
      }
      bool parallel = nPanels > 1;
      // The accumulator holds every panel's whole slice.
      int64_t accCols = parallel ? std::max(nPad, nPanels * panelCols) : nPad;
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      Value scratch = createFilled(b, loc, {batch, m, accCols}, zero);
      // for each batch, K block j: the chunks of columns [lb, ub), then (when
      // `tail`) the ragged last columns.
      auto batchLoop = [&](OpBuilder &ob, Value acc, Value lb, Value ub,
                           bool full, bool tail) {
        auto blockLoop = [&](OpBuilder &bb, Value bt, Value acc) -> Value {
          // Whole chunks only (N is a multiple of 64): no tail.
          if (cacheBlocked)
            return em.emitChunksOfBlocks(bb, bt, acc, lb, ub);
          return scf::ForOp::create(
                     bb, loc, indexConst(bb, loc, 0),
                     indexConst(bb, loc, k / em.kb), indexConst(bb, loc, 1),
                     ValueRange{acc},
                     [&](OpBuilder &jb, Location, Value j, ValueRange jArgs) {
                       Value acc = jArgs[0];
                       if (full)
                         acc = em.emitChunks(jb, bt, j, acc, lb, ub, em.unroll,
                                             true);
                       if (tail)
                         acc = em.emitChunks(
                             jb, bt, j, acc, indexConst(jb, loc, numFull),
                             indexConst(jb, loc, nPad), 1, false);
                       scf::YieldOp::create(jb, loc, acc);
                     })
              .getResult(0);
        };
        return scf::ForOp::create(
                   ob, loc, indexConst(ob, loc, 0), indexConst(ob, loc, batch),
                   indexConst(ob, loc, 1), ValueRange{acc},
                   [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
                     scf::YieldOp::create(bb, loc, blockLoop(bb, bt, bArgs[0]));
                   })
            .getResult(0);
      };
      Value acc;
      if (!parallel) {
        acc = batchLoop(b, scratch, indexConst(b, loc, 0),
                        indexConst(b, loc, numFull), numFull > 0, numFull < n);
      } else {
        // One panel per iteration, on its own slice of the accumulator.
        Value col0, colEnd;
        acc = emitPanels(
            b, loc, nPanels, ValueRange{scratch},
            [&](OpBuilder &pb, Value p) -> SmallVector<PanelSlice> {
              col0 = mulIdx(pb, loc, p, panelCols);
              colEnd = arith::MinUIOp::create(pb, loc,
                                              addIdx(pb, loc, col0, panelCols),
                                              indexConst(pb, loc, numFull));
              return {{{pb.getIndexAttr(0), pb.getIndexAttr(0), col0},
                       {pb.getIndexAttr(batch), pb.getIndexAttr(m),
                        pb.getIndexAttr(panelCols)}}};
            },
            [&](OpBuilder &pb, ValueRange slices) -> SmallVector<Value> {
              em.accCol0 = col0;
              Value panel = batchLoop(pb, slices[0], col0, colEnd, true, false);
              em.accCol0 = Value();
              return {panel};
            })[0];
      }
      // The ragged last columns, after every panel.
      if (parallel && numFull < n)
        acc = batchLoop(b, acc, Value(), Value(), false, true);

      return em.emitOutput(b, acc, g);
    };
    // The f16 route's nests (and every other decode's): with its fold where
    // the activations fit it, checked first when their type does not say.
    auto emitFoldedNests = [&](OpBuilder &b) -> Value {
      int64_t fold = foldLog2Of(em);
      if (!fold)
        return emitNest(b, em);
      VectorMatmulEmitter folded = em;
      folded.foldLog2 = fold;
      // Block-scaled or per-tensor activations: their elements are small
      // (at most 57344), so times 2^14 at most they never overflow; nor do
      // f16 ones (at most 65504).
      if (lhsType || plainFitsFold(op.getLhs().getType(), fold))
        return emitNest(b, folded);
      // Plain activations: a * 2^fold is exact unless it overflows; one
      // that would takes the nest without the fold.
      Value fits = activationsFitFold(b, loc, em.aValues, fold);
      auto ifOp = scf::IfOp::create(
          b, loc, fits,
          [&](OpBuilder &tb, Location) {
            scf::YieldOp::create(tb, loc, emitNest(tb, folded));
          },
          [&](OpBuilder &eb, Location) {
            scf::YieldOp::create(eb, loc, emitNest(eb, em));
          });
      return ifOp.getResult(0);
    };
    Value out;
    std::optional<VectorMatmulEmitter> bits =
        bitDecodeEmitter(em, lhsType, op.getLhs().getType());
    if (!bits) {
      out = emitFoldedNests(b);
    } else if (activationsAlwaysFit(lhsType, op.getLhs().getType(),
                                    bits->foldLog2)) {
      out = emitNest(b, *bits);
    } else {
      // The bit decode's fold, 2^120, fits activations below 2^8 (MXINT8
      // and FP4 elements always; f32 ones usually): checked first, else
      // the f16 route's nests.
      Value fits = activationsFitFold(b, loc, em.aValues, kE4M3BitsLog2);
      auto ifOp = scf::IfOp::create(
          b, loc, fits,
          [&](OpBuilder &tb, Location) {
            scf::YieldOp::create(tb, loc, emitNest(tb, *bits));
          },
          [&](OpBuilder &eb, Location) {
            scf::YieldOp::create(eb, loc, emitFoldedNests(eb));
          });
      out = ifOp.getResult(0);
    }
    rewriter.replaceOp(op, from3D(b, loc, out, outType));
    return success();
  }

  /// log2 of the power of two the GEMV folds into the activations
  /// (VectorMatmulEmitter::foldLog2): f16's exponent bias minus the
  /// weight's, for E4M3, E2M3 and E3M2 weights through f16 in the f32 nest;
  /// else 0.
  static int64_t foldLog2Of(const VectorMatmulEmitter &em) {
    mxref::ElemKind w = em.bFormat.elem;
    bool folds = w == mxref::ElemKind::E4M3 ||
                 mxref::getElemInfo(w).bits == 6;
    return em.halfDecode && folds && !em.intDot && !em.byteTables()
               ? CodecEmitter::halfRebiasLog2(w)
               : 0;
  }

  /// The GEMV's emitter with the bit decode of E4M3 weights
  /// (VectorMatmulEmitter::bitDecode): the f32 nest on AVX2 (8 lanes, f16
  /// conversions, no byte tables), 32 codes per chunk, on a CPU whose f32
  /// multiplies take the subnormal codes' f32 subnormals at full speed
  /// (VectorTarget::fastSubnormalInputs); else none.
  std::optional<VectorMatmulEmitter>
  bitDecodeEmitter(const VectorMatmulEmitter &em, BlockScaledTensorType lhsType,
                   Type lhs) const {
    SubChunk sc = getBitDecodeSubChunk();
    if (!target.fastSubnormalInputs ||
        em.bFormat.elem != mxref::ElemKind::E4M3 || !em.halfDecode ||
        em.intDot || em.byteTables() || em.sc.lanes != sc.lanes ||
        (sc.cols % em.bn != 0 && em.bn % sc.cols != 0))
      return std::nullopt;
    VectorMatmulEmitter bits = em;
    bits.sc = sc;
    bits.unroll = kBitDecodeUnroll;
    bits.bitDecode = true;
    bits.foldLog2 = kE4M3BitsLog2;
    auto ft = dyn_cast<FloatType>(getElementTypeOrSelf(lhs));
    bits.exactProducts = lhsType || (ft && ft.getWidth() <= 16 && !ft.isBF16());
    // Block-scaled or per-tensor FP8 activations (elements up to 448 or
    // 57344, so a * 2^120 could overflow): the largest fold that fits their
    // kind, the rest multiplied back after the block. Their nonzero
    // products with E4M3 values are at least 2^-25 (E5M2's least subnormal
    // times E4M3's), so 2^-8 of them is still a normal f32.
    if (lhsType) {
      int64_t d = 0;
      while (d < kMaxBitsUnfoldLog2 &&
             !activationsAlwaysFit(lhsType, lhs, kE4M3BitsLog2 - d))
        ++d;
      if (activationsAlwaysFit(lhsType, lhs, kE4M3BitsLog2 - d)) {
        bits.foldLog2 = kE4M3BitsLog2 - d;
        bits.unfoldLog2 = d;
      }
    }
    return bits;
  }

  /// Whether every activation times 2^fold is finite, known from the type:
  /// a block-scaled or per-tensor one's elements (at most its element
  /// kind's largest value) or a plain one (plainFitsFold).
  static bool activationsAlwaysFit(BlockScaledTensorType lhsType, Type lhs,
                                   int64_t fold) {
    if (!lhsType)
      return plainFitsFold(lhs, fold);
    float largest =
        mxref::getElemInfo(lhsType.getFormat().getFormat().elem).maxNorm;
    return double(largest) <=
           std::ldexp(double(std::numeric_limits<float>::max()), -fold);
  }

  /// Whether every finite value of a plain activation type times 2^fold is
  /// a finite f32 (f16, and the FP8 types: no run-time check needed).
  static bool plainFitsFold(Type lhsType, int64_t fold) {
    auto ft = dyn_cast<FloatType>(getElementTypeOrSelf(lhsType));
    if (!ft)
      return false;
    // In f32, rounded toward zero: any semantics converts (a wider one's
    // largest becomes FLT_MAX, above the limit), none asserts.
    APFloat largest = APFloat::getLargest(ft.getFloatSemantics());
    bool losesInfo = false;
    largest.convert(APFloat::IEEEsingle(), APFloat::rmTowardZero, &losesInfo);
    APFloat limit(std::ldexp(std::numeric_limits<float>::max(), -fold));
    return largest.compare(limit) != APFloat::cmpGreaterThan;
  }

  /// An i1: no finite activation overflows when multiplied by 2^fold, i.e.
  /// every |a| <= FLT_MAX / 2^fold or is Inf or NaN (which stay as they
  /// are).
  static Value activationsFitFold(OpBuilder &b, Location loc, Value values,
                                  int64_t fold) {
    auto type = cast<RankedTensorType>(values.getType());
    Value flat = tensor::CollapseShapeOp::create(
        b, loc, values, SmallVector<ReassociationIndices>{{0, 1, 2}});
    auto f32c = [&](float v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
    };
    Value limit = f32c(std::ldexp(std::numeric_limits<float>::max(), -fold));
    Value inf = f32c(std::numeric_limits<float>::infinity());
    Value yes = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    auto loop = scf::ForOp::create(
        b, loc, indexConst(b, loc, 0),
        indexConst(b, loc, type.getNumElements()), indexConst(b, loc, 1),
        ValueRange{yes},
        [&](OpBuilder &lb, Location, Value i, ValueRange args) {
          Value a = tensor::ExtractOp::create(lb, loc, flat, ValueRange{i});
          Value mag = math::AbsFOp::create(lb, loc, a);
          // Both false for NaN.
          Value big = arith::CmpFOp::create(lb, loc, arith::CmpFPredicate::OGT,
                                            mag, limit);
          Value finite = arith::CmpFOp::create(
              lb, loc, arith::CmpFPredicate::OLT, mag, inf);
          Value bad = arith::AndIOp::create(lb, loc, big, finite);
          Value ok = arith::AndIOp::create(
              lb, loc, args[0],
              arith::XOrIOp::create(
                  lb, loc, bad,
                  arith::ConstantOp::create(lb, loc, lb.getBoolAttr(true))));
          scf::YieldOp::create(lb, loc, ok);
        });
    return loop.getResult(0);
  }

  /// Whether the integer-dot kernel computes this GEMV (the file comment):
  /// an x86 target, MXINT8 activations with block scales, FP4 or FP6
  /// weights blocked along K only, and whole 64-column chunks.
  bool takesIntDot(const VectorMatmulEmitter &em, BlockScaledTensorType lhsType,
                   bool perTensor) const {
    if (!target.byteDot || !lhsType || !lhsType.hasBlockScales() || perTensor)
      return false;
    mxref::Format a = lhsType.getFormat().getFormat();
    mxref::ElemKind w = em.bFormat.elem;
    return a.elem == mxref::ElemKind::INT8 &&
           a.scale == mxref::ScaleKind::E8M0 &&
           (w == mxref::ElemKind::E2M1 || w == mxref::ElemKind::E2M3 ||
            w == mxref::ElemKind::E3M2) &&
           kIntDotCols % em.bn == 0 && em.kb % 4 == 0 &&
           em.kb <= kIntDotMaxBlock && em.n % kIntDotCols == 0;
  }

  /// Whether E3M2 weights take the word dot (DotWeights::FP6Words): zmm
  /// vpdpwssd (AVX512-VNNI) and the word table (AVX512-VBMI). Elsewhere
  /// they take two byte dots (DotWeights::FP6HighLow).
  bool takesWordDot() const {
    return target.byteTable64 && target.dotAccumulate && target.lanes == 16;
  }

  /// A read-only buffer view of the packed rows, for prefetching only.
  Value prefetchView(OpBuilder &b, Location loc, Value packed,
                     int64_t &rowBytes) const {
    auto packedType = cast<RankedTensorType>(packed.getType());
    rowBytes = packedType.getDimSize(2);
    if (prefetchDistance <= 0)
      return Value();
    auto layout =
        StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                               SmallVector<int64_t>(3, ShapedType::kDynamic));
    return bufferization::ToBufferOp::create(
        b, loc,
        MemRefType::get(packedType.getShape(), packedType.getElementType(),
                        layout),
        packed, /*read_only=*/true);
  }

private:
  VectorTarget target;
  int64_t prefetchDistance;
  int64_t panels;
  bool tileConstantWeights;
  KernelLayouts *layouts;
};

} // namespace

void lowering::populateVectorMatmulPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const VectorTarget &target, int64_t prefetchDistance, int64_t panels,
    bool tileConstantWeights, KernelLayouts *layouts) {
  patterns.add<VectorMatmulLowering>(converter, patterns.getContext(), target,
                                     prefetchDistance, panels,
                                     tileConstantWeights, layouts);
}
