//===- VectorBatchedMatmul.cpp - Register-blocked mx.matmul ---------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx.matmul with a block-scaled rhs and M >= kBatchedMinRows (prompt
// processing) as a register-blocked micro-kernel. An output tile of mr rows
// by nr columns (nv vectors) carries its partial sums in registers through
// each K block and its accumulators as loop-carried values through the
// whole K loop:
//
//   for each column panel (scf.forall with panels > 1):
//     for each batch, tile of nr columns, tile of mr rows:
//       acc[mr][nv] = 0
//       for each K block j (increasing):
//         partial[mr][nv] = 0
//         for k in block j (increasing):
//           first row tile only: prefetch code[k + 64, cols]
//           w[nv] = value(code[k, cols])        -- decoded once
//           for each row r: partial[r] = partial[r] + f32(a[r, k] * w)
//         acc[r] = acc[r] + scaled(partial[r])  (applyMatmulBlockScales)
//       out[rows, cols] = acc (* g)
//
// Every output element sees exactly the reference's operations in its order
// (docs/Numerics.md §6): its own partial sums over k in increasing order,
// scaled per (row, K block) and added to its own accumulator in block order.
// Only which outputs are computed together changes, never an output's
// arithmetic, so the result is bit-exact and independent of the tile and the
// panel count. Products and sums are separate arith.mulf / arith.addf
// without fastmath flags (no FMA).
//
// Rows are split into tiles of mr and mr - 1 rows (balanced, so a ragged M
// costs at most one row per tile); the ragged last columns run the same
// kernel with masked reads and writes.
//
//===----------------------------------------------------------------------===//

#include "VectorBatchedMatmul.h"

#include "Lowering.h"

#include "mx/Conversion/MXCommon/BlockEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::lowering;
using namespace mlir::mx::lowering::vec;

/// The most rows a tile takes: more rarely pays for the lhs broadcasts.
constexpr int64_t kMaxTileRows = 8;
/// x86's cache line.
constexpr int64_t kCacheLineBytes = 64;

BatchedTile vec::chooseBatchedTile(const VectorTarget &target,
                                   const MatmulOperands &ops) {
  // Two weight vectors per k step: one FP4 sub-chunk (its even and odd
  // columns), two of the other kinds; four from one sub-chunk of the table
  // decode (64 codes at once).
  int64_t subChunks = ops.sc.interleave == 1 ? 2 : 1;
  int64_t nv = subChunks * ops.sc.interleave;
  int64_t table = 0;
  if (ops.valueTable)
    table = ops.valueTable->parts.size();
  // The table decode's zmm tables: two 128-entry byte tables (FP8), one
  // 64-entry word table (FP6).
  if (ops.sc.order == LaneOrder::ByteUnpacks)
    table = 4;
  else if (ops.sc.order == LaneOrder::WordUnpacks)
    table = 2;
  // Per row: nv partial sums, updated every k step; shared: the nv decoded
  // vectors, the broadcast lhs value, the table and two constants (the
  // code mask, a scratch product). The row's nv accumulators change once per K
  // block: where they do not fit beside the partial sums, LLVM keeps some
  // in memory at one load and store per K block, which costs less
  // than halving the rows (each row reuses the decoded vectors once more).
  int64_t rowsMax = std::clamp<int64_t>(
      (target.registers - nv - table - 3) / nv, 1, kMaxTileRows);
  // Balanced: as few tiles as rowsMax allows, of (nearly) equal height.
  int64_t tiles = llvm::divideCeil(ops.m, rowsMax);
  return {static_cast<int64_t>(llvm::divideCeil(ops.m, tiles)), subChunks};
}

namespace {

struct BatchedEmitter {
  /// One tile: rows [row0, row0 + rows) by `subChunks` sub-chunks from
  /// column col0, written into `out` at column col - outCol0 (outCol0 null:
  /// 0). Columns past N are masked when !inBounds. `prefetch`: its k loop
  /// prefetches the codes kBatchedPrefetchRows ahead (o.packedView).
  Value emitTile(OpBuilder &b, Value bt, Value row0, int64_t rows, Value col0,
                 int64_t subChunks, bool inBounds, bool prefetch, Value out,
                 Value outCol0) const;
  /// `count` tiles of `rows` rows from row `first`.
  Value emitRowTiles(OpBuilder &b, Value bt, int64_t first, int64_t count,
                     int64_t rows, Value col0, int64_t subChunks, bool inBounds,
                     bool prefetch, Value out, Value outCol0) const;
  /// Every row tile of the columns from col0.
  Value emitColumnTile(OpBuilder &b, Value bt, Value col0, int64_t subChunks,
                       bool inBounds, Value out, Value outCol0) const;
  /// The tiles of columns [lb, ub) (whole tiles) and, when `tail`, the
  /// ragged last columns, for every batch.
  Value emitColumns(OpBuilder &b, Value lb, Value ub, bool tail, Value out,
                    Value outCol0) const;

  VectorType f32v() const {
    return VectorType::get({o.sc.lanes}, Float32Type::get(loc.getContext()));
  }

  const MatmulOperands &o;
  Location loc;
  BatchedTile tile;
  int64_t numFull;
};

} // namespace

Value BatchedEmitter::emitTile(OpBuilder &b, Value bt, Value row0, int64_t rows,
                               Value col0, int64_t subChunks, bool inBounds,
                               bool prefetch, Value out, Value outCol0) const {
  const SubChunk &sc = o.sc;
  unsigned bits = mxref::getElemInfo(o.bFormat.elem).bits;
  int64_t nv = subChunks * sc.interleave;
  SmallVector<Value> rowIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(addIdx(b, loc, row0, r));
  SmallVector<Value> colIdx;
  for (int64_t u = 0; u < subChunks; ++u)
    colIdx.push_back(addIdx(b, loc, col0, u * sc.cols));
  Value zero = CodecEmitter(b, loc, f32v()).f32(0.0f);
  SmallVector<Value> accInit(rows * nv, zero);
  // One k step's bytes of a sub-chunk, and whether they can span two cache
  // lines (their start is a multiple of spanBytes within a row of rowBytes).
  int64_t spanBytes = sc.cols * bits / 8;
  int64_t rowBytes = cast<RankedTensorType>(o.packed.getType()).getDimSize(2);
  bool straddles = spanBytes > 1 && (kCacheLineBytes % spanBytes != 0 ||
                                     rowBytes % kCacheLineBytes != 0);

  // The K-block loop; acc[r * nv + v] is row r, vector v.
  auto blockLoop = scf::ForOp::create(
      b, loc, indexConst(b, loc, 0), indexConst(b, loc, o.k / o.kb),
      indexConst(b, loc, 1), accInit,
      [&](OpBuilder &jb, Location, Value j, ValueRange acc) {
        Value k0 = mulIdx(jb, loc, j, o.kb);
        SmallVector<Value> partInit(rows * nv, zero);
        auto kLoop = scf::ForOp::create(
            jb, loc, indexConst(jb, loc, 0), indexConst(jb, loc, o.kb),
            indexConst(jb, loc, 1), partInit,
            [&](OpBuilder &kb, Location, Value kk, ValueRange parts) {
              Value kIdx = arith::AddIOp::create(kb, loc, k0, kk);
              CodecEmitter e(kb, loc, f32v());
              // The weight vectors of this k: read and decoded once.
              SmallVector<Value> w;
              // The first row tile streams the codes from memory; the
              // others find them in L2. Into L2 (prefetcht1), as the GEMV's;
              // every line of the sub-chunk's bytes (an FP6 row's 48 bytes
              // straddle two lines half the time, and prefetching only the
              // first made the kernel slower than none).
              if (prefetch) {
                Value ahead = arith::MinUIOp::create(
                    kb, loc, addIdx(kb, loc, kIdx, kBatchedPrefetchRows),
                    indexConst(kb, loc, o.k - 1));
                for (Value col : colIdx) {
                  Value first = divIdx(kb, loc, mulIdx(kb, loc, col, bits), 8);
                  SmallVector<Value> bytes = {first};
                  if (straddles)
                    bytes.push_back(arith::MinUIOp::create(
                        kb, loc, addIdx(kb, loc, first, spanBytes - 1),
                        indexConst(kb, loc, rowBytes - 1)));
                  for (Value byte : bytes)
                    memref::PrefetchOp::create(
                        kb, loc, o.packedView, ValueRange{bt, ahead, byte},
                        /*isWrite=*/false, /*localityHint=*/2,
                        /*isDataCache=*/true);
                }
              }
              for (Value col : colIdx) {
                if (sc.order != LaneOrder::Interleaved) {
                  llvm::append_range(
                      w, decodeByTables(kb, loc, o.bFormat.elem, o.packed,
                                        ValueRange{bt, kIdx}, col, inBounds));
                  continue;
                }
                Value byteOff = divIdx(kb, loc, mulIdx(kb, loc, col, bits), 8);
                for (Value code :
                     readCodes(kb, loc, o.bFormat.elem, sc, o.packed,
                               ValueRange{bt, kIdx}, byteOff, inBounds))
                  w.push_back(
                      o.valueTable
                          ? lookup(kb, loc, *o.valueTable, code)
                          : decodeCodes(e, o.bFormat.elem, code, o.halfDecode));
              }
              // ... and used by every row: f32(partial + f32(a * w)).
              SmallVector<Value> next;
              for (int64_t r = 0; r < rows; ++r) {
                Value a = tensor::ExtractOp::create(
                    kb, loc, o.aValues, ValueRange{bt, rowIdx[r], kIdx});
                Value av = vector::BroadcastOp::create(kb, loc, f32v(), a);
                for (int64_t v = 0; v < nv; ++v) {
                  Value prod = arith::MulFOp::create(kb, loc, av, w[v]);
                  next.push_back(
                      arith::AddFOp::create(kb, loc, parts[r * nv + v], prod));
                }
              }
              scf::YieldOp::create(kb, loc, next);
            });
        // The block's scales, per (row, K block) and per column lane.
        CodecEmitter e(jb, loc, f32v());
        SmallVector<Value> bCodes;
        if (o.bScales)
          for (Value col : colIdx)
            llvm::append_range(bCodes, readScaleCodes(jb, loc, o.bScales, bt, j,
                                                      col, o.bn, sc, inBounds));
        SmallVector<Value> aCodes; // i32 scalars, one per row
        if (o.aScales)
          for (int64_t r = 0; r < rows; ++r) {
            Value s = tensor::ExtractOp::create(
                jb, loc, o.aScales,
                ValueRange{bt, divIdx(jb, loc, rowIdx[r], o.bm), j});
            aCodes.push_back(e.toI32(s));
          }
        // Each row's and vector's terms added to its accumulator: the
        // general form (applyMatmulBlockScales), or with two E8M0 scales
        // whose codes all satisfy shortPairRange, one multiply by
        // 2^(ca+cb-254).
        auto addTerms = [&](OpBuilder &tb, bool isShort) {
          CodecEmitter te(tb, loc, f32v());
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value aCode = aCodes.empty() ? Value() : te.broadcast(aCodes[r]);
            for (int64_t v = 0; v < nv; ++v) {
              Value partial = kLoop.getResult(r * nv + v);
              Value scaled;
              if (isShort) {
                scaled = scaleShortPair(te, partial, aCode, bCodes[v]);
              } else {
                SmallVector<ScaleCode> codes;
                if (aCode)
                  codes.push_back({aCode, o.aScaleKind});
                if (o.bScales)
                  codes.push_back({bCodes[v], o.bFormat.scale});
                scaled = applyMatmulBlockScales(te, partial, codes);
              }
              next.push_back(
                  arith::AddFOp::create(tb, loc, acc[r * nv + v], scaled));
            }
          }
          return next;
        };
        bool pair = o.aScales && o.bScales &&
                    o.aScaleKind == mxref::ScaleKind::E8M0 &&
                    o.bFormat.scale == mxref::ScaleKind::E8M0;
        if (!pair) {
          scf::YieldOp::create(jb, loc, addTerms(jb, false));
          return;
        }
        Value isShort = shortPairRange(jb, loc, aCodes, bCodes);
        TypeRange types = acc.getTypes();
        auto ifOp = scf::IfOp::create(jb, loc, types, isShort,
                                      /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard guard(jb);
          jb.setInsertionPointToStart(ifOp.thenBlock());
          scf::YieldOp::create(jb, loc, addTerms(jb, true));
          jb.setInsertionPointToStart(ifOp.elseBlock());
          scf::YieldOp::create(jb, loc, addTerms(jb, false));
        }
        scf::YieldOp::create(jb, loc, ifOp.getResults());
      });

  // Back to column order (FP4: even and odd lanes interleaved; the table
  // decode: its lane order, by one shuffle of the sub-chunk's vectors),
  // times g.
  SmallVector<int64_t> order;
  if (sc.order != LaneOrder::Interleaved) {
    order.resize(sc.cols);
    for (int64_t p = 0; p < sc.interleave; ++p)
      for (int64_t l = 0; l < sc.lanes; ++l)
        order[sc.column(p, l)] = p * sc.lanes + l;
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t u = 0; u < subChunks; ++u) {
      int64_t v = (r * subChunks + u) * sc.interleave;
      Value x = blockLoop.getResult(v);
      if (sc.interleave == 2)
        x = vector::InterleaveOp::create(b, loc, x, blockLoop.getResult(v + 1));
      if (!order.empty()) {
        // Concatenated (two halves, then the whole), then reordered.
        SmallVector<int64_t> two(2 * sc.lanes), four(4 * sc.lanes);
        std::iota(two.begin(), two.end(), 0);
        std::iota(four.begin(), four.end(), 0);
        Value lo = vector::ShuffleOp::create(b, loc, x,
                                             blockLoop.getResult(v + 1), two);
        Value hi = vector::ShuffleOp::create(b, loc, blockLoop.getResult(v + 2),
                                             blockLoop.getResult(v + 3), two);
        Value all = vector::ShuffleOp::create(b, loc, lo, hi, four);
        x = vector::ShuffleOp::create(b, loc, all, all, order);
      }
      if (o.g)
        x = arith::MulFOp::create(
            b, loc, x, vector::BroadcastOp::create(b, loc, x.getType(), o.g));
      Value col = colIdx[u];
      if (outCol0)
        col = arith::SubIOp::create(b, loc, col, outCol0);
      out =
          writeVector(b, loc, x, out, ValueRange{bt, rowIdx[r], col}, inBounds);
    }
  }
  return out;
}

Value BatchedEmitter::emitRowTiles(OpBuilder &b, Value bt, int64_t first,
                                   int64_t count, int64_t rows, Value col0,
                                   int64_t subChunks, bool inBounds,
                                   bool prefetch, Value out,
                                   Value outCol0) const {
  if (count == 0 || rows == 0)
    return out;
  return scf::ForOp::create(
             b, loc, indexConst(b, loc, first),
             indexConst(b, loc, first + count * rows), indexConst(b, loc, rows),
             ValueRange{out},
             [&](OpBuilder &rb, Location, Value row0, ValueRange args) {
               scf::YieldOp::create(rb, loc,
                                    emitTile(rb, bt, row0, rows, col0,
                                             subChunks, inBounds, prefetch,
                                             args[0], outCol0));
             })
      .getResult(0);
}

Value BatchedEmitter::emitColumnTile(OpBuilder &b, Value bt, Value col0,
                                     int64_t subChunks, bool inBounds,
                                     Value out, Value outCol0) const {
  // Balanced row tiles: tiles of mr rows, then of mr - 1, then the rest.
  int64_t m = o.m, mr = tile.rows;
  int64_t tiles = llvm::divideCeil(m, mr);
  int64_t big = std::clamp<int64_t>(m - tiles * (mr - 1), 0, m / mr);
  int64_t rest = m - big * mr;
  int64_t small = mr > 1 ? rest / (mr - 1) : 0;
  int64_t tail = rest - small * (mr - 1);
  // The groups (first row, tiles, rows); the first tile of the first
  // non-empty group is peeled off to prefetch (emitTile).
  struct Group {
    int64_t first, count, rows;
  };
  SmallVector<Group> groups = {{0, big, mr},
                               {big * mr, small, mr - 1},
                               {m - tail, tail > 0 ? 1 : 0, tail}};
  bool peel = static_cast<bool>(o.packedView);
  for (Group g : groups) {
    if (g.count == 0 || g.rows == 0)
      continue;
    if (peel) {
      out = emitRowTiles(b, bt, g.first, 1, g.rows, col0, subChunks, inBounds,
                         true, out, outCol0);
      g.first += g.rows;
      --g.count;
      peel = false;
    }
    out = emitRowTiles(b, bt, g.first, g.count, g.rows, col0, subChunks,
                       inBounds, false, out, outCol0);
  }
  return out;
}

Value BatchedEmitter::emitColumns(OpBuilder &b, Value lb, Value ub, bool tail,
                                  Value out, Value outCol0) const {
  int64_t width = tile.subChunks * o.sc.cols;
  // The ragged last columns: whole sub-chunks, masked past N.
  int64_t tailSubChunks = llvm::divideCeil(o.n - numFull, o.sc.cols);
  return scf::ForOp::create(
             b, loc, indexConst(b, loc, 0), indexConst(b, loc, o.batch),
             indexConst(b, loc, 1), ValueRange{out},
             [&](OpBuilder &bb, Location, Value bt, ValueRange bArgs) {
               Value acc = bArgs[0];
               if (lb)
                 acc = scf::ForOp::create(
                           bb, loc, lb, ub, indexConst(bb, loc, width),
                           ValueRange{acc},
                           [&](OpBuilder &cb, Location, Value col0,
                               ValueRange cArgs) {
                             scf::YieldOp::create(
                                 cb, loc,
                                 emitColumnTile(cb, bt, col0, tile.subChunks,
                                                true, cArgs[0], outCol0));
                           })
                           .getResult(0);
               if (tail && tailSubChunks > 0)
                 acc = emitColumnTile(bb, bt, indexConst(bb, loc, numFull),
                                      tailSubChunks, false, acc, outCol0);
               scf::YieldOp::create(bb, loc, acc);
             })
      .getResult(0);
}

Value vec::emitBatchedMatmul(OpBuilder &b, Location loc,
                             const MatmulOperands &ops, BatchedTile tile,
                             int64_t panels) {
  int64_t width = tile.subChunks * ops.sc.cols;
  BatchedEmitter em{ops, loc, tile, ops.n / width * width};
  Type f32 = b.getF32Type();
  Value out = createEmpty(b, loc, {ops.batch, ops.m, ops.n}, f32);
  // Panels of whole column tiles, none empty: the last may be narrower.
  int64_t numTiles = em.numFull / width;
  int64_t nPanels = std::min(panels, numTiles), panelCols = 0;
  if (nPanels > 1) {
    int64_t perPanel = llvm::divideCeil(numTiles, nPanels);
    nPanels = llvm::divideCeil(numTiles, perPanel);
    panelCols = perPanel * width;
  }
  if (nPanels <= 1)
    return em.emitColumns(b, indexConst(b, loc, 0),
                          indexConst(b, loc, em.numFull), em.numFull < ops.n,
                          out, Value());

  // One panel per iteration, writing its own columns of the output.
  Value col0, colEnd;
  out = emitPanels(
      b, loc, nPanels, ValueRange{out},
      [&](OpBuilder &pb, Value p) -> SmallVector<PanelSlice> {
        col0 = mulIdx(pb, loc, p, panelCols);
        colEnd =
            arith::MinUIOp::create(pb, loc, addIdx(pb, loc, col0, panelCols),
                                   indexConst(pb, loc, em.numFull));
        Value cols = arith::SubIOp::create(pb, loc, colEnd, col0);
        return {{{pb.getIndexAttr(0), pb.getIndexAttr(0), col0},
                 {pb.getIndexAttr(ops.batch), pb.getIndexAttr(ops.m), cols}}};
      },
      [&](OpBuilder &pb, ValueRange slices) -> SmallVector<Value> {
        return {em.emitColumns(pb, col0, colEnd, false, slices[0], col0)};
      })[0];
  // The ragged last columns, after every panel.
  if (em.numFull < ops.n)
    out = em.emitColumns(b, Value(), Value(), true, out, Value());
  return out;
}
