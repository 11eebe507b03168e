//===- FormatSelection.cpp - Candidates, costs and the exact solver -------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/FormatSelection.h"

#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Hadamard.h"
#include "mx/Numerics/Quantize.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>

using namespace mxsel;

//===----------------------------------------------------------------------===//
// Candidates
//===----------------------------------------------------------------------===//

static const llvm::StringRef kAllNames[] = {
    "mxfp4",           "nvfp4",      "nvfp4_16x16", "mxfp6_e2m3",
    "mxfp6_e3m2",      "mxfp8_e4m3", "mxfp8_e5m2",  "mxint8",
    "fp8_e4m3_tensor", "bf16",       "f32"};
static const llvm::StringRef kDefaultNames[] = {
    "mxfp4",      "nvfp4",      "nvfp4_16x16", "mxfp6_e2m3",
    "mxfp6_e3m2", "mxfp8_e4m3", "mxfp8_e5m2",  "mxint8"};

llvm::ArrayRef<llvm::StringRef> mxsel::getAllCandidateNames() {
  return kAllNames;
}
llvm::ArrayRef<llvm::StringRef> mxsel::getDefaultCandidateNames() {
  return kDefaultNames;
}

llvm::Expected<Candidate> mxsel::lookupCandidate(llvm::StringRef name) {
  Candidate c;
  c.name = name.str();
  if (name == "bf16") {
    c.kind = Candidate::Kind::BF16;
    return c;
  }
  if (name == "f32") {
    c.kind = Candidate::Kind::F32;
    return c;
  }
  llvm::StringRef preset = name;
  if (name == "nvfp4_16x16") {
    preset = "nvfp4";
    c.tile16x16 = true;
  }
  if (!llvm::is_contained(kAllNames, name))
    return llvm::createStringError(
        "unknown candidate '" + name + "'; the candidates are " +
        llvm::join(llvm::ArrayRef<llvm::StringRef>(kAllNames), ", "));
  std::optional<mxref::Format> format = mxref::lookupPreset(preset);
  if (!format)
    return llvm::createStringError(
        "candidate '" + name +
        "' is not available: the format catalog of this build has no preset "
        "'" +
        preset + "'");
  c.kind = Candidate::Kind::Block;
  c.format = *format;
  c.presetName = preset.str();
  return c;
}

int64_t OperandGeometry::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::Expected<llvm::SmallVector<int64_t, 4>>
mxsel::getBlockShape(const Candidate &c, const OperandGeometry &g) {
  unsigned rank = g.shape.size();
  if (rank < 2)
    return llvm::createStringError("an operand has rank >= 2 as the matmul "
                                   "sees it");
  llvm::SmallVector<int64_t, 4> block(rank, 1);
  if (c.kind != Candidate::Kind::Block)
    return block;
  unsigned kDim = g.isLhs ? rank - 1 : rank - 2;
  unsigned otherDim = g.isLhs ? rank - 2 : rank - 1;
  // A format without block scales (one tensor scale) takes the tensor as
  // one block.
  if (c.format.defaultBlock <= 0)
    return llvm::SmallVector<int64_t, 4>(g.shape);
  block[kDim] = c.format.defaultBlock;
  if (c.tile16x16) {
    if (!g.isWeight)
      return llvm::createStringError(
          "16x16 tiles are for weights; an activation takes nvfp4's 1x16 "
          "blocks");
    block[kDim] = 16;
    block[otherDim] = 16;
  }
  if (std::optional<std::string> why = mxref::checkBlockShape(g.shape, block))
    return llvm::createStringError(*why);
  return block;
}

/// bf16(x) with round-to-nearest-even (NaN stays NaN).
static float roundToBF16(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  if (std::isnan(x))
    return x;
  u += 0x7FFF + ((u >> 16) & 1);
  u &= 0xFFFF0000u;
  float r;
  std::memcpy(&r, &u, 4);
  return r;
}

/// mxref::dequantize(q), element for element, faster: each (scale code,
/// element code) pair is decoded once, by the reference library itself
/// (dequantizing a tensor of every element code under that scale), and
/// looked up for the rest of the tensor.
static std::vector<float> dequantizeCached(const mxref::QuantizedTensor &q) {
  // A format without block scales (one tensor scale) has nothing to
  // tabulate per block.
  if (q.scales.empty())
    return mxref::dequantize(q);
  unsigned numCodes = 1u << mxref::getElemInfo(q.format.elem).bits;
  std::unique_ptr<float[]> table(new float[256 * numCodes]);
  bool have[256] = {};
  mxref::QuantizedTensor probe;
  probe.format = q.format;
  probe.shape = {int64_t(numCodes)};
  probe.block = {1};
  probe.tensorDecodeScale = q.tensorDecodeScale;
  for (unsigned c = 0; c < numCodes; ++c)
    probe.elements.push_back(uint8_t(c));
  // Block index of every element (row-major tensor, row-major block grid):
  // the sum over dimensions of (coord / block) * gridStride, tabulated per
  // dimension.
  size_t rank = q.shape.size();
  llvm::SmallVector<int64_t, 4> grid = q.getBlockGrid();
  llvm::SmallVector<int64_t, 4> gridStride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    gridStride[d - 1] = gridStride[d] * grid[d];
  std::vector<std::vector<int64_t>> blockOf(rank);
  for (size_t d = 0; d < rank; ++d)
    for (int64_t c = 0; c < q.shape[d]; ++c)
      blockOf[d].push_back((c / q.block[d]) * gridStride[d]);
  std::vector<float> out(q.elements.size());
  int64_t rowLength = q.shape[rank - 1];
  const std::vector<int64_t> &inner = blockOf[rank - 1];
  llvm::SmallVector<int64_t, 4> coord(rank, 0);
  for (size_t start = 0, n = out.size(); start < n; start += rowLength) {
    int64_t base = 0;
    for (size_t d = 0; d + 1 < rank; ++d)
      base += blockOf[d][coord[d]];
    for (int64_t j = 0; j < rowLength; ++j) {
      uint8_t s = q.scales[base + inner[j]];
      if (!have[s]) {
        probe.scales.assign(numCodes, s);
        std::vector<float> row = mxref::dequantize(probe);
        std::copy(row.begin(), row.end(), table.get() + s * numCodes);
        have[s] = true;
      }
      out[start + j] = table[s * numCodes + q.elements[start + j]];
    }
    for (size_t d = rank - 1; d-- > 0;) {
      if (++coord[d] < q.shape[d])
        break;
      coord[d] = 0;
    }
  }
  return out;
}

/// The sums of mxref::computeErrorStats, kept apart.
static void sumErrors(llvm::ArrayRef<float> source,
                      llvm::ArrayRef<float> decoded, Evaluation &e) {
  double sumSq = 0, sumErrSq = 0;
  for (size_t i = 0, n = source.size(); i < n; ++i) {
    if (!std::isfinite(source[i]))
      continue;
    double x = source[i];
    double err = x - double(decoded[i]);
    sumSq += x * x;
    sumErrSq += err * err;
  }
  e.sumSq = sumSq;
  e.sumErrSq = sumErrSq;
}

Evaluation mxsel::evaluate(const Candidate &c, llvm::ArrayRef<float> values,
                           const OperandGeometry &g,
                           std::optional<mxref::ScaleMode> scaleMode) {
  Evaluation e;
  int64_t n = g.getNumElements();
  if (int64_t(values.size()) != n) {
    e.whyNot = "value count does not match the shape";
    return e;
  }
  llvm::Expected<llvm::SmallVector<int64_t, 4>> block = getBlockShape(c, g);
  if (!block) {
    e.whyNot = llvm::toString(block.takeError());
    return e;
  }
  if (c.scaleMode)
    scaleMode = c.scaleMode;
  // A rotated candidate's error is measured in the rotated basis: the
  // operand mx.matmul sees is the rotated one (docs/FormatSelection.md).
  std::vector<float> rotated;
  if (c.hadamard) {
    int64_t rank = g.shape.size();
    llvm::Expected<std::vector<float>> r =
        mxref::hadamard(values, g.shape, g.isLhs ? rank - 1 : rank - 2,
                        c.hadamard, std::nullopt);
    if (!r) {
      e.whyNot = llvm::toString(r.takeError());
      return e;
    }
    rotated = std::move(*r);
    values = rotated;
  }
  switch (c.kind) {
  case Candidate::Kind::F32:
    e.bits = 32 * n;
    sumErrors(values, values, e);
    break;
  case Candidate::Kind::BF16: {
    e.bits = 16 * n;
    std::vector<float> rounded(values.begin(), values.end());
    for (float &v : rounded)
      v = roundToBF16(v);
    sumErrors(values, rounded, e);
    break;
  }
  case Candidate::Kind::Block: {
    mxref::QuantOptions options;
    if (c.scaleMode) {
      if (std::optional<std::string> why =
              mxref::checkScaleMode(c.format, *c.scaleMode)) {
        e.whyNot = *why;
        return e;
      }
    }
    if (scaleMode && !mxref::checkScaleMode(c.format, *scaleMode))
      options.scaleMode = *scaleMode;
    llvm::Expected<mxref::QuantizedTensor> q =
        mxref::quantize(values, g.shape, *block, c.format, options);
    if (!q) {
      e.whyNot = llvm::toString(q.takeError());
      return e;
    }
    // Whole bits per tensor: elements, one scale byte per block, the f32
    // tensor scale; exact in double well beyond any tensor size.
    e.bits = int64_t(std::llround(mxref::getBitsPerElement(*q) * double(n)));
    sumErrors(values, dequantizeCached(*q), e);
    break;
  }
  }
  if (std::isnan(e.sumErrSq) || std::isinf(e.sumErrSq)) {
    e.whyNot = "the error is not finite (a block with Inf or NaN, or an "
               "overflow)";
    return e;
  }
  e.relMse = e.sumErrSq == 0 ? 0.0 : e.sumErrSq / e.sumSq;
  return e;
}

double mxsel::getSQNR(double relMse) {
  if (relMse <= 0)
    return INFINITY;
  return -10.0 * std::log10(relMse);
}

//===----------------------------------------------------------------------===//
// Solvers
//===----------------------------------------------------------------------===//

int64_t mxsel::getCheapestBits(llvm::ArrayRef<Item> items) {
  int64_t total = 0;
  for (const Item &item : items) {
    int64_t best = item.options.front().bits;
    for (const Option &o : item.options)
      best = std::min(best, o.bits);
    total += best;
  }
  return total;
}

/// Index of the best option under "a before b": lower error, then fewer
/// bits, then earlier (or the reverse priority with `bitsFirst`).
static unsigned pickBest(const Item &item, bool bitsFirst) {
  unsigned best = 0;
  for (unsigned j = 1; j < item.options.size(); ++j) {
    const Option &a = item.options[j], &b = item.options[best];
    bool better =
        bitsFirst
            ? (a.bits < b.bits || (a.bits == b.bits && a.error < b.error))
            : (a.error < b.error || (a.error == b.error && a.bits < b.bits));
    if (better)
      best = j;
  }
  return best;
}

static Solution finish(llvm::ArrayRef<Item> items, std::vector<unsigned> c) {
  Solution s;
  s.choice = std::move(c);
  for (auto [item, j] : llvm::zip_equal(items, s.choice)) {
    s.bits += item.options[j].bits;
    s.error += item.options[j].error;
  }
  return s;
}

Solution mxsel::solveFewestBits(llvm::ArrayRef<Item> items) {
  std::vector<unsigned> choice;
  for (const Item &item : items)
    choice.push_back(pickBest(item, /*bitsFirst=*/true));
  return finish(items, std::move(choice));
}

namespace {
/// A segment of one item's lower convex hull in (bits, error): moving from
/// hull point `seg` to `seg + 1` buys `-dError/dBits` error per bit.
struct Segment {
  unsigned item, seg;
  double efficiency;
  int64_t dBits;
};
/// One DP layer's Pareto frontier, units strictly ascending and error
/// strictly descending (struct of arrays: 16 bytes per state).
struct Frontier {
  std::vector<int64_t> units;
  std::vector<double> error;
  size_t size() const { return units.size(); }
};
/// How one state of a layer was reached: its predecessor's index in the
/// previous layer and the option taken (8 bytes per state; a frontier of
/// 2^32 states would take 64 GiB before it).
struct BackPointer {
  uint32_t prev;
  uint32_t option;
};

/// Dense copies of a layer, reused from layer to layer.
struct DenseScratch {
  std::vector<double> prevError, best;
  std::vector<uint32_t> prevIndex;
};
} // namespace

/// extendFrontier over dense arrays of units: when the frontier fills most
/// of its range, a min over each option's shifted copy (branch-free) is
/// faster than the merge. It keeps the same states: at each units value the
/// least of the same sums, the earliest option among equal ones, kept when
/// it lowers the error. Needs units >= 0 and sums that cannot overflow (+inf
/// marks an empty cell).
static bool extendDense(const Frontier &prev, const Item &item,
                        int64_t capacity, int64_t lowest, Frontier &next,
                        std::vector<BackPointer> *back, DenseScratch &d) {
  int64_t minBits = INT64_MAX, maxBits = INT64_MIN;
  double maxAbsError = 0;
  for (const Option &o : item.options) {
    if (!std::isfinite(o.error))
      return false;
    minBits = std::min(minBits, o.bits);
    maxBits = std::max(maxBits, o.bits);
    maxAbsError = std::max(maxAbsError, std::fabs(o.error));
  }
  int64_t bottom = prev.units.front(), top = prev.units.back();
  int64_t lo = std::max(lowest, bottom + minBits);
  int64_t hi = std::min(capacity, top + maxBits);
  if (minBits < 0 || bottom < 0 ||
      !std::isfinite(std::fabs(prev.error.front()) +
                     std::fabs(prev.error.back()) + maxAbsError) ||
      (hi >= lo && hi - lo >= 4 * int64_t(prev.size())))
    return false;
  if (hi < lo)
    return true;
  // prevError[u - bottom], best[u - lo].
  d.prevError.assign(top - bottom + 1, INFINITY);
  for (size_t p = 0; p < prev.size(); ++p)
    d.prevError[prev.units[p] - bottom] = prev.error[p];
  if (back) {
    d.prevIndex.resize(top - bottom + 1);
    for (size_t p = 0; p < prev.size(); ++p)
      d.prevIndex[prev.units[p] - bottom] = uint32_t(p);
  }
  d.best.assign(hi - lo + 1, INFINITY);
  double *best = d.best.data();
  const double *prevError = d.prevError.data();
  for (const Option &o : item.options) {
    int64_t begin = std::max(lo, bottom + o.bits);
    int64_t end = std::min(hi, top + o.bits);
    int64_t shift = o.bits + bottom;
    double e = o.error;
    for (int64_t u = begin; u <= end; ++u)
      best[u - lo] = std::min(best[u - lo], prevError[u - shift] + e);
  }
  next.units.reserve(hi - lo + 1);
  next.error.reserve(hi - lo + 1);
  // Back-pointers by index into a full-size array (cut to size below).
  BackPointer *out = nullptr;
  if (back) {
    back->resize(hi - lo + 1);
    out = back->data();
  }
  int64_t numOptions = item.options.size();
  for (int64_t u = lo; u <= hi; ++u) {
    double b = best[u - lo];
    if (!(next.units.empty() ? b < INFINITY : b < next.error.back()))
      continue;
    next.units.push_back(u);
    next.error.push_back(b);
    if (!out)
      continue;
    // The earliest option whose sum is the least, without branches (which
    // option wins is data).
    int64_t pick = 0;
    for (int64_t j = numOptions - 1; j >= 0; --j) {
      const Option &o = item.options[j];
      int64_t p = std::clamp<int64_t>(u - o.bits, bottom, top);
      bool match = u - o.bits == p && prevError[p - bottom] + o.error == b;
      pick = match ? j : pick;
    }
    *out++ = {d.prevIndex[u - item.options[pick].bits - bottom],
              uint32_t(pick)};
  }
  if (back)
    back->resize(next.size());
  return true;
}

/// The next layer from `prev` and `item` at units >= `lowest`: exactly what
/// stable-sorting every (state, option) pair in [lowest, capacity] by
/// (units, error), options in item order then states in order, and keeping
/// each pair that lowers the error gives; computed as a merge of the
/// options' lists (each already sorted by units), O(options x states). At
/// each units value only the least error (the earliest option among equal
/// ones) can be kept.
static void extendFrontier(const Frontier &prev, const Item &item,
                           int64_t capacity, int64_t lowest, Frontier &next,
                           std::vector<BackPointer> *back, DenseScratch &d) {
  next.units.clear();
  next.error.clear();
  if (back)
    back->clear();
  if (prev.size() == 0 ||
      extendDense(prev, item, capacity, lowest, next, back, d))
    return;
  size_t numOptions = item.options.size();
  llvm::SmallVector<size_t, 8> at(numOptions, 0);
  size_t numStates = prev.size();
  // Each list starts at its first pair at or above the lowest.
  for (size_t j = 0; j < numOptions; ++j)
    if (lowest != INT64_MIN)
      at[j] = std::lower_bound(prev.units.begin(), prev.units.end(),
                               lowest - item.options[j].bits) -
              prev.units.begin();
  while (true) {
    // The smallest units value any option's list still offers.
    std::optional<int64_t> units;
    for (size_t j = 0; j < numOptions; ++j)
      if (at[j] < numStates)
        units = std::min(units.value_or(INT64_MAX),
                         prev.units[at[j]] + item.options[j].bits);
    if (!units || *units > capacity)
      break;
    size_t pick = 0, from = 0;
    double error = INFINITY;
    bool any = false;
    for (size_t j = 0; j < numOptions; ++j) {
      if (at[j] >= numStates ||
          prev.units[at[j]] + item.options[j].bits != *units)
        continue;
      double e = prev.error[at[j]] + item.options[j].error;
      if (!any || e < error) {
        any = true;
        error = e;
        pick = j;
        from = at[j];
      }
      ++at[j];
    }
    if (next.units.empty() || error < next.error.back()) {
      next.units.push_back(*units);
      next.error.push_back(error);
      if (back)
        back->push_back({uint32_t(from), uint32_t(pick)});
    }
  }
}

std::optional<std::vector<unsigned>>
mxsel::solveFrontierDP(llvm::ArrayRef<Item> items, int64_t capacity,
                       int64_t checkpointInterval, SolveStats *stats,
                       std::optional<int64_t> leastUnits) {
  if (capacity < 0)
    return std::nullopt;
  size_t numItems = items.size();
  // One block (no recomputation) while every layer's back-pointers, at
  // most capacity + 1 states each, fit in 64 MiB; else about sqrt(items)
  // layers per block.
  size_t every = numItems;
  if (checkpointInterval > 0)
    every = size_t(checkpointInterval);
  else if (double(numItems) * (double(capacity) + 1) > double(1 << 23))
    every = size_t(std::ceil(std::sqrt(double(numItems))));
  every = std::max<size_t>(every, 1);
  size_t lastFirst = numItems ? (numItems - 1) / every * every : 0;
  // With the optimum known to take at least `leastUnits`, a state of layer
  // i that cannot reach it (even with every later item's most extra units)
  // is not built: lowest[i] = leastUnits - those units (INT64_MIN: none).
  std::vector<int64_t> lowest(numItems + 1, INT64_MIN);
  if (leastUnits) {
    int64_t rest = 0;
    for (size_t i = numItems + 1; i > 0; --i) {
      lowest[i - 1] = *leastUnits - rest;
      if (i - 1 > 0) {
        int64_t most = 0;
        for (const Option &o : items[i - 2].options)
          most = std::max(most, o.bits);
        rest += most;
      }
    }
  }

  // Forward: the frontier at the start of every block but the last, and
  // the last block's back-pointers.
  int64_t maxFrontier = 0;
  std::vector<Frontier> checkpoints;
  std::vector<std::vector<BackPointer>> back(numItems - lastFirst);
  Frontier cur, next;
  DenseScratch dense;
  cur.units.push_back(0);
  cur.error.push_back(0.0);
  for (size_t i = 0; i < numItems; ++i) {
    if (i % every == 0 && i < lastFirst)
      checkpoints.push_back(cur);
    extendFrontier(cur, items[i], capacity, lowest[i + 1], next,
                   i >= lastFirst ? &back[i - lastFirst] : nullptr, dense);
    std::swap(cur, next);
    maxFrontier = std::max<int64_t>(maxFrontier, cur.size());
  }
  if (stats) {
    stats->maxFrontier = maxFrontier;
    stats->checkpointInterval = every;
  }
  if (cur.size() == 0)
    return std::nullopt;

  // Backward from the last state (the least error: the frontier's error
  // descends), one block at a time: trace the state back to the block's
  // first layer, then recompute the block before it from its checkpoint
  // with back-pointers. The recomputed layers are the forward pass's own,
  // so the trace is the one a table of every layer would give.
  std::vector<unsigned> choice(numItems);
  size_t state = cur.size() - 1;
  size_t first = lastFirst, last = numItems;
  while (true) {
    for (size_t i = last; i > first; --i) {
      const BackPointer &bp = back[i - 1 - first][state];
      choice[i - 1] = bp.option;
      state = bp.prev;
    }
    if (first == 0)
      break;
    last = first;
    first -= every;
    back.resize(last - first);
    cur = std::move(checkpoints.back());
    checkpoints.pop_back();
    for (size_t i = first; i < last; ++i) {
      extendFrontier(cur, items[i], capacity, lowest[i + 1], next,
                     &back[i - first], dense);
      std::swap(cur, next);
    }
  }
  return choice;
}

/// The lower-left convex hull of the item's options in (bits, error), from
/// the cheapest option to the least-error one: indices of options with
/// bits strictly increasing and error strictly decreasing, slopes
/// increasing.
static std::vector<unsigned> getHull(const Item &item) {
  std::vector<unsigned> order(item.options.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    const Option &x = item.options[a], &y = item.options[b];
    return x.bits < y.bits || (x.bits == y.bits && x.error < y.error);
  });
  std::vector<unsigned> hull;
  for (unsigned j : order) {
    const Option &p = item.options[j];
    if (!hull.empty() && p.error >= item.options[hull.back()].error)
      continue; // dominated: no less error for more bits
    while (hull.size() >= 2) {
      const Option &a = item.options[hull[hull.size() - 2]];
      const Option &b = item.options[hull.back()];
      // Pop b when a -> p is at least as steep as a -> b.
      double lhs = (b.error - a.error) * double(p.bits - a.bits);
      double rhs = (p.error - a.error) * double(b.bits - a.bits);
      if (lhs >= rhs)
        hull.pop_back();
      else
        break;
    }
    hull.push_back(j);
  }
  return hull;
}

std::optional<Solution> mxsel::solveBudget(llvm::ArrayRef<Item> items,
                                           int64_t budgetBits,
                                           SolveStats *stats,
                                           int64_t checkpointInterval) {
  SolveStats local;
  SolveStats &st = stats ? *stats : local;
  st = SolveStats();
  if (getCheapestBits(items) > budgetBits)
    return std::nullopt;
  // The least-error choice fits: it is the optimum.
  {
    std::vector<unsigned> best;
    for (const Item &item : items)
      best.push_back(pickBest(item, /*bitsFirst=*/false));
    Solution s = finish(items, std::move(best));
    if (s.bits <= budgetBits)
      return s;
  }

  // 1. The LP relaxation (greedy over hull segments by efficiency) gives the
  //    Lagrange multiplier; the greedy integer fill gives a feasible
  //    incumbent (an upper bound).
  size_t numItems = items.size();
  std::vector<std::vector<unsigned>> hulls(numItems);
  std::vector<Segment> segments;
  int64_t used = 0;
  for (size_t i = 0; i < numItems; ++i) {
    hulls[i] = getHull(items[i]);
    const std::vector<unsigned> &h = hulls[i];
    used += items[i].options[h[0]].bits;
    for (unsigned s = 0; s + 1 < h.size(); ++s) {
      const Option &a = items[i].options[h[s]], &b = items[i].options[h[s + 1]];
      segments.push_back({unsigned(i), s,
                          (a.error - b.error) / double(b.bits - a.bits),
                          b.bits - a.bits});
    }
  }
  std::stable_sort(segments.begin(), segments.end(),
                   [](const Segment &a, const Segment &b) {
                     return a.efficiency > b.efficiency;
                   });
  std::vector<unsigned> at(numItems, 0); // position on each hull
  double lambda = 0;
  bool stopped = false;
  for (const Segment &s : segments) {
    if (at[s.item] != s.seg)
      continue; // an earlier segment of this item did not fit
    if (used + s.dBits <= budgetBits) {
      used += s.dBits;
      at[s.item] = s.seg + 1;
      continue;
    }
    if (!stopped) {
      lambda = s.efficiency;
      stopped = true;
    }
  }
  std::vector<unsigned> incumbent(numItems);
  for (size_t i = 0; i < numItems; ++i)
    incumbent[i] = hulls[i][at[i]];
  Solution upper = finish(items, incumbent);
  st.lambda = lambda;

  // 2. Reduction: for any feasible x, error(x) >= L(lambda) + sum_i rc_i(x_i)
  //    with rc_i(j) = (e_ij + lambda b_ij) - min_j'(e_ij' + lambda b_ij') >= 0
  //    and L(lambda) = sum_i min_j (e_ij + lambda b_ij) - lambda B. An option
  //    whose rc exceeds the gap UB - L cannot be part of a solution better
  //    than the incumbent. The tolerance only keeps more options.
  double lagrangian = -lambda * double(budgetBits);
  std::vector<double> minScore(numItems);
  for (size_t i = 0; i < numItems; ++i) {
    double m = INFINITY;
    for (const Option &o : items[i].options)
      m = std::min(m, o.error + lambda * double(o.bits));
    minScore[i] = m;
    lagrangian += m;
  }
  double gap = std::max(0.0, upper.error - lagrangian);
  double tol =
      1e-9 * (std::fabs(upper.error) + lambda * double(budgetBits)) + 1e-300;
  std::vector<std::vector<unsigned>> kept(numItems);
  std::vector<unsigned> fixed(numItems);
  std::vector<size_t> core;
  int64_t remaining = budgetBits;
  for (size_t i = 0; i < numItems; ++i) {
    for (unsigned j = 0; j < items[i].options.size(); ++j) {
      const Option &o = items[i].options[j];
      if (o.error + lambda * double(o.bits) - minScore[i] <= gap + tol)
        kept[i].push_back(j);
    }
    // The incumbent's option always survives (its rc <= gap); keep it
    // explicitly against rounding.
    if (!llvm::is_contained(kept[i], incumbent[i])) {
      kept[i].push_back(incumbent[i]);
      llvm::sort(kept[i]);
    }
    int64_t base = items[i].options[kept[i][0]].bits;
    for (unsigned j : kept[i])
      base = std::min(base, items[i].options[j].bits);
    remaining -= base;
    if (kept[i].size() == 1)
      fixed[i] = kept[i][0];
    else
      core.push_back(i);
  }

  // 3. An exact DP over the core's extra bits (above each item's cheapest
  //    kept option) in units of their gcd, held as the Pareto frontier
  //    (bits ascending, error strictly descending): the non-dominated cells
  //    of the dense table over [0, capacity].
  int64_t unit = 0;
  for (size_t i : core) {
    int64_t base = INT64_MAX;
    for (unsigned j : kept[i])
      base = std::min(base, items[i].options[j].bits);
    for (unsigned j : kept[i])
      unit = std::gcd(unit, items[i].options[j].bits - base);
  }
  if (unit == 0)
    unit = 1;
  int64_t capacity = remaining / unit;
  st.coreItems = core.size();
  st.unit = unit;
  st.capacityUnits = capacity;

  // The core items in units above their cheapest kept option, options in
  // kept order.
  std::vector<Item> scaled(core.size());
  for (auto [c, i] : llvm::enumerate(core)) {
    int64_t base = INT64_MAX;
    for (unsigned j : kept[i])
      base = std::min(base, items[i].options[j].bits);
    for (unsigned j : kept[i])
      scaled[c].options.push_back({(items[i].options[j].bits - base) / unit,
                                   items[i].options[j].error});
  }
  // The optimum takes at least (sum_c m_c - UB) / lambda' units, with m_c =
  // min over the kept options of (e + lambda' x) and lambda' = lambda x
  // unit: any choice with extras U has error >= sum_c m_c - lambda' U, and
  // the optimum's error is at most the incumbent's. The slack covers the
  // rounding of the sums (the DP's and these).
  std::optional<int64_t> leastUnits;
  double lambdaUnit = lambda * double(unit);
  if (lambdaUnit > 0 && std::isfinite(lambdaUnit)) {
    double sumMin = 0, incumbentError = 0, scale = 0;
    for (auto [c, i] : llvm::enumerate(core)) {
      double m = INFINITY;
      for (const Option &o : scaled[c].options) {
        m = std::min(m, o.error + lambdaUnit * double(o.bits));
        scale = std::max(scale, o.error + lambdaUnit * double(o.bits));
      }
      sumMin += m;
      incumbentError += items[i].options[incumbent[i]].error;
    }
    double slack =
        (1e-9 + 8e-16 * double(core.size())) *
        (std::fabs(sumMin) + std::fabs(incumbentError) +
         lambdaUnit * double(capacity) + scale * double(core.size()));
    double bound = std::floor((sumMin - incumbentError - slack) / lambdaUnit);
    if (std::isfinite(bound) && bound > 1)
      leastUnits = int64_t(std::min(bound, double(capacity))) - 1;
  }
  st.leastUnits = leastUnits.value_or(0);

  // Identical core items with two kept options (a model's repeated weights:
  // the same shape and values) form a class whose only decision is how many
  // copies take the second option. Binary splitting makes a class of k
  // copies ceil(log2(k + 1)) DP items of 1, 2, 4, ... copies and the rest,
  // whose subsets reach every count from 0 to k: the same totals, so the
  // same optimum, with the DP's work growing with log k instead of k.
  // Within a class the last copies take the second option (the earlier
  // options in item order, as the solver's ties prefer).
  struct Slot {
    size_t cls; // index into classes
    int64_t copies;
  };
  std::vector<std::vector<size_t>> classes; // core positions, ascending
  {
    std::map<std::vector<std::pair<int64_t, uint64_t>>, size_t> classOf;
    for (size_t c = 0; c < core.size(); ++c) {
      std::vector<std::pair<int64_t, uint64_t>> key;
      if (scaled[c].options.size() == 2)
        for (const Option &o : scaled[c].options)
          key.push_back({o.bits, llvm::bit_cast<uint64_t>(o.error)});
      if (key.empty()) { // not groupable: a class of its own
        classes.push_back({c});
        continue;
      }
      auto [it, inserted] = classOf.try_emplace(key, classes.size());
      if (inserted)
        classes.emplace_back();
      classes[it->second].push_back(c);
    }
  }
  std::vector<Item> dpItems;
  std::vector<Slot> slots;
  for (auto [k, members] : llvm::enumerate(classes)) {
    const Item &item = scaled[members.front()];
    if (members.size() == 1) {
      dpItems.push_back(item);
      slots.push_back({k, 1});
      continue;
    }
    int64_t left = members.size();
    for (int64_t copies = 1; left > 0; copies *= 2) {
      int64_t n = std::min(copies, left);
      left -= n;
      Item piece;
      for (const Option &o : item.options)
        piece.options.push_back({o.bits * n, o.error * double(n)});
      dpItems.push_back(std::move(piece));
      slots.push_back({k, n});
    }
  }
  st.dpItems = dpItems.size();

  std::optional<std::vector<unsigned>> picked =
      solveFrontierDP(dpItems, capacity, checkpointInterval, &st, leastUnits);
  std::vector<unsigned> choice = fixed;
  // Every core item's cheapest kept option has 0 extra units and the
  // optimum's trace is never below the floor, so the DP always has a state;
  // fall back to the incumbent all the same.
  if (!picked)
    return upper;
  std::vector<unsigned> corePick(core.size());
  std::vector<int64_t> second(classes.size(), 0);
  for (auto [slot, option] : llvm::zip_equal(slots, *picked)) {
    if (classes[slot.cls].size() == 1)
      corePick[classes[slot.cls].front()] = option;
    else if (option == 1)
      second[slot.cls] += slot.copies;
  }
  for (auto [k, members] : llvm::enumerate(classes)) {
    if (members.size() == 1)
      continue;
    size_t firstSecond = members.size() - second[k];
    for (auto [m, c] : llvm::enumerate(members))
      corePick[c] = m >= firstSecond ? 1 : 0;
  }
  for (auto [c, i] : llvm::enumerate(core))
    choice[i] = kept[i][corePick[c]];
  Solution best = finish(items, std::move(choice));
  // Rounding in the DP's sums must never make the answer worse than the
  // incumbent it was proven against.
  if (upper.error < best.error)
    return upper;
  return best;
}

std::optional<Solution> mxsel::solveBruteForce(llvm::ArrayRef<Item> items,
                                               int64_t budgetBits) {
  std::vector<unsigned> choice(items.size(), 0);
  std::optional<Solution> best;
  while (true) {
    Solution s = finish(items, choice);
    if (s.bits <= budgetBits &&
        (!best || s.error < best->error ||
         (s.error == best->error && s.bits < best->bits)))
      best = s;
    size_t i = 0;
    for (; i < items.size(); ++i) {
      if (++choice[i] < items[i].options.size())
        break;
      choice[i] = 0;
    }
    if (i == items.size())
      break;
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Budgets
//===----------------------------------------------------------------------===//

llvm::Expected<int64_t> mxsel::parseBudgetBits(llvm::StringRef avgBits,
                                               int64_t numElements) {
  llvm::StringRef s = avgBits.trim();
  auto bad = [&] {
    return llvm::createStringError(
        "avg-bits='" + avgBits +
        "' is not a positive decimal number of bits per element (e.g. 4.5)");
  };
  llvm::StringRef intPart = s, fracPart;
  std::tie(intPart, fracPart) = s.split('.');
  if (s.empty() || (intPart.empty() && fracPart.empty()) ||
      intPart.size() > 6 || fracPart.size() > 18 ||
      !llvm::all_of(intPart, llvm::isDigit) ||
      !llvm::all_of(fracPart, llvm::isDigit) ||
      (s.contains('.') && fracPart.empty()))
    return bad();
  unsigned __int128 p = 0, scale = 1;
  for (char ch : intPart)
    p = p * 10 + unsigned(ch - '0');
  for (char ch : fracPart) {
    p = p * 10 + unsigned(ch - '0');
    scale *= 10;
  }
  if (p == 0)
    return bad();
  unsigned __int128 bits = p * (unsigned __int128)numElements / scale;
  if (bits > (unsigned __int128)INT64_MAX)
    return bad();
  return int64_t(bits);
}

std::string mxsel::formatBudget(int64_t bits, int64_t numElements,
                                unsigned maxDecimals, bool *exact) {
  unsigned __int128 scale = 1;
  for (unsigned i = 0; i < maxDecimals; ++i)
    scale *= 10;
  unsigned __int128 num = (unsigned __int128)bits * scale;
  unsigned __int128 q = num / numElements;
  bool isExact = num % numElements == 0;
  if (!isExact)
    ++q; // round up: floor(D * n) >= bits
  if (exact)
    *exact = isExact;
  unsigned __int128 whole = q / scale, frac = q % scale;
  std::string out = std::to_string(uint64_t(whole));
  if (frac) {
    std::string digits = std::to_string(uint64_t(frac));
    digits.insert(0, maxDecimals - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  return out;
}
