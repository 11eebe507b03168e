//===- FormatSelectionTest.cpp - Candidates, costs and the exact solver ---===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/FormatSelection.h"
#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Quantize.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mxsel;

namespace {

std::vector<float> randomValues(int64_t n, unsigned seed, float outlier = 0) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  if (outlier != 0)
    for (int64_t i = 0; i < n; i += 37)
      v[i] *= outlier;
  return v;
}

Candidate get(llvm::StringRef name) {
  llvm::Expected<Candidate> c = lookupCandidate(name);
  EXPECT_TRUE(bool(c)) << name.str();
  if (!c) {
    llvm::consumeError(c.takeError());
    return {};
  }
  return *c;
}

// Storage bits per tensor are whole numbers with the documented costs.
TEST(FormatSelection, Costs) {
  OperandGeometry g{{128, 64}, /*isLhs=*/false, /*isWeight=*/true};
  int64_t n = 128 * 64;
  std::vector<float> v = randomValues(n, 1);
  struct Row {
    const char *name;
    int64_t bits;
  } rows[] = {{"mxfp4", n * 17 / 4},
              {"nvfp4", n * 9 / 2 + 32},
              {"nvfp4_16x16", 4 * n + n / 32 + 32},
              {"mxfp6_e2m3", n * 25 / 4},
              {"mxfp6_e3m2", n * 25 / 4},
              {"mxfp8_e4m3", n * 33 / 4},
              {"mxfp8_e5m2", n * 33 / 4},
              {"mxint8", n * 33 / 4},
              {"bf16", 16 * n},
              {"f32", 32 * n}};
  for (const Row &r : rows) {
    Evaluation e = evaluate(get(r.name), v, g);
    ASSERT_TRUE(e.applies()) << r.name << ": " << e.whyNot;
    EXPECT_EQ(e.bits, r.bits) << r.name;
  }
  EXPECT_EQ(evaluate(get("f32"), v, g).relMse, 0.0);
}

// The error is the reference library's, in the lowering's orientation:
// blocks along K. A rhs [K, N] with [32, 1] blocks equals its transpose
// [N, K] quantized with [1, 32] blocks.
TEST(FormatSelection, ErrorMatchesReferenceAlongK) {
  int64_t k = 64, nCols = 48;
  std::vector<float> v = randomValues(k * nCols, 2, 40.0f);
  std::vector<float> t(v.size());
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < nCols; ++j)
      t[j * k + i] = v[i * nCols + j];
  for (llvm::StringRef name : {"mxfp4", "nvfp4", "mxfp6_e2m3", "mxfp6_e3m2",
                               "mxfp8_e4m3", "mxfp8_e5m2", "mxint8"}) {
    Candidate c = get(name);
    Evaluation rhs = evaluate(c, v, {{k, nCols}, false, true});
    Evaluation lhs = evaluate(c, t, {{nCols, k}, true, true});
    llvm::Expected<mxref::QuantizedTensor> q =
        mxref::quantize(t, {nCols, k}, {1, c.format.defaultBlock}, c.format);
    ASSERT_TRUE(bool(q));
    mxref::ErrorStats ref = mxref::computeErrorStats(t, *q);
    EXPECT_EQ(lhs.relMse, ref.relMse) << name.str();
    // The same errors summed in the other order.
    EXPECT_NEAR(rhs.relMse, ref.relMse, 1e-12 * ref.relMse) << name.str();
    llvm::Expected<mxref::QuantizedTensor> qk =
        mxref::quantize(v, {k, nCols}, {c.format.defaultBlock, 1}, c.format);
    ASSERT_TRUE(bool(qk));
    EXPECT_EQ(rhs.relMse, mxref::computeErrorStats(v, *qk).relMse);
    EXPECT_EQ(double(rhs.bits) / double(k * nCols), ref.bitsPerElement);
  }
  // 16x16 tiles: the reference with a [16, 16] block.
  Candidate tile = get("nvfp4_16x16");
  Evaluation e = evaluate(tile, v, {{k, nCols}, false, true});
  llvm::Expected<mxref::QuantizedTensor> q =
      mxref::quantize(v, {k, nCols}, {16, 16}, tile.format);
  ASSERT_TRUE(bool(q));
  EXPECT_EQ(e.relMse, mxref::computeErrorStats(v, *q).relMse);
  // Not for activations; not when K is not a multiple of the block.
  EXPECT_FALSE(evaluate(tile, v, {{k, nCols}, false, false}).applies());
  std::vector<float> odd = randomValues(48 * 8, 3);
  EXPECT_FALSE(evaluate(get("mxfp4"), odd, {{48, 8}, false, true}).applies());
  EXPECT_TRUE(evaluate(get("nvfp4"), odd, {{48, 8}, false, true}).applies());
}

TEST(FormatSelection, Names) {
  llvm::Expected<Candidate> bad = lookupCandidate("mxfp5");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("unknown candidate 'mxfp5'"),
            std::string::npos);
  for (llvm::StringRef name : getDefaultCandidateNames())
    EXPECT_TRUE(bool(lookupCandidate(name))) << name.str();
}

TEST(FormatSelection, Budgets) {
  llvm::Expected<int64_t> b = parseBudgetBits("4.5", 4096);
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*b, 18432);
  b = parseBudgetBits("4.3", 10);
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*b, 43);
  b = parseBudgetBits("4.33", 10); // floor(43.3)
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*b, 43);
  for (const char *s : {"", "-1", "4.", ".", "4e1", "abc", "0", "1.2.3"}) {
    llvm::Expected<int64_t> r = parseBudgetBits(s, 10);
    EXPECT_FALSE(bool(r)) << s;
    if (!r)
      llvm::consumeError(r.takeError());
  }
  bool exact = false;
  // Uniform NVFP4 on 4096 elements: 4.5 + 32/4096 = 4.5078125 exactly.
  EXPECT_EQ(formatBudget(4096 * 9 / 2 + 32, 4096, 12, &exact), "4.5078125");
  EXPECT_TRUE(exact);
  EXPECT_EQ(formatBudget(10, 3, 3, &exact), "3.334");
  EXPECT_FALSE(exact);
  // The printed budget is feasible again.
  llvm::Expected<int64_t> back = parseBudgetBits("3.334", 3);
  ASSERT_TRUE(bool(back));
  EXPECT_GE(*back, 10);
}

// The solver is exact: equal to exhaustive search on small random
// instances, including budget edges and ties.
/// The most bits any choice of `items` takes.
int64_t mostBits(const std::vector<Item> &items) {
  int64_t hi = 0;
  for (const Item &item : items) {
    int64_t m = 0;
    for (const Option &o : item.options)
      m = std::max(m, o.bits);
    hi += m;
  }
  return hi;
}

/// solveBudget against solveBruteForce at `budget`: the same feasibility and
/// the same least error. Returns whether a solution was compared.
bool matchesBruteForce(const std::vector<Item> &items, int64_t budget,
                       int trial, SolveStats *stats = nullptr) {
  std::optional<Solution> fast = solveBudget(items, budget, stats);
  std::optional<Solution> slow = solveBruteForce(items, budget);
  EXPECT_EQ(fast.has_value(), slow.has_value()) << trial;
  if (!fast || !slow)
    return false;
  EXPECT_LE(fast->bits, budget);
  EXPECT_EQ(fast->error, slow->error) << "trial " << trial;
  return true;
}

TEST(FormatSelection, SolverMatchesBruteForce) {
  std::mt19937 rng(1234);
  int64_t checked = 0, pruned = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    unsigned numItems = 1 + rng() % 6;
    std::vector<Item> items(numItems);
    for (Item &item : items) {
      unsigned numOptions = 1 + rng() % 4;
      for (unsigned j = 0; j < numOptions; ++j) {
        // Small integer errors make exact ties common.
        bool ties = trial % 3 == 0;
        Option o;
        o.bits = 8 * int64_t(1 + rng() % 20) + (trial % 2 ? 32 : 0);
        o.error =
            ties ? double(rng() % 5) : std::ldexp(double(rng() % 100000), -10);
        item.options.push_back(o);
      }
    }
    int64_t lo = getCheapestBits(items), hi = mostBits(items);
    for (int64_t budget :
         {lo - 1, lo, lo + int64_t(rng() % (hi - lo + 1)), hi}) {
      SolveStats stats;
      checked += matchesBruteForce(items, budget, trial, &stats);
      pruned += stats.leastUnits > 0;
    }
  }
  EXPECT_GT(checked, 6000);
  // The DP often knows the least units the optimum takes.
  EXPECT_GT(pruned, 100) << pruned;
}

/// `count` items of `options` options each, drawn by `option` from `rng`.
template <typename Draw>
std::vector<Item> randomItems(std::mt19937 &rng, size_t count, unsigned options,
                              Draw option) {
  std::vector<Item> items(count);
  for (Item &item : items)
    for (unsigned j = 0; j < options; ++j)
      item.options.push_back(option(rng));
  return items;
}

// Deterministic: the same instance gives the same choice.
TEST(FormatSelection, Deterministic) {
  std::mt19937 rng(99);
  std::vector<Item> items = randomItems(rng, 300, 6, [](std::mt19937 &rng) {
    return Option{int64_t(32 * (1 + rng() % 50)), double(rng() % 1000) / 7.0};
  });
  int64_t budget = (getCheapestBits(items) * 3) / 2;
  SolveStats stats;
  std::optional<Solution> a = solveBudget(items, budget, &stats);
  std::optional<Solution> b = solveBudget(items, budget);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->choice, b->choice);
  EXPECT_LE(a->bits, budget);
  EXPECT_GT(stats.unit, 0);
}

// The DP as it was first written: every layer kept whole, each built by
// stable-sorting all (state, option) pairs by (units, error) and keeping the
// pairs that lower the error. solveFrontierDP must trace the same choice.
std::optional<std::vector<unsigned>>
solveAllLayers(const std::vector<Item> &items, int64_t capacity) {
  struct State {
    int64_t units;
    double error;
    int64_t prev;
    unsigned option;
  };
  std::vector<std::vector<State>> layers = {{State{0, 0.0, -1, 0}}};
  for (const Item &item : items) {
    const std::vector<State> &prev = layers.back();
    std::vector<State> next;
    for (unsigned j = 0; j < item.options.size(); ++j)
      for (size_t p = 0; p < prev.size(); ++p) {
        int64_t units = prev[p].units + item.options[j].bits;
        if (units > capacity)
          break;
        next.push_back(
            {units, prev[p].error + item.options[j].error, int64_t(p), j});
      }
    std::stable_sort(
        next.begin(), next.end(), [](const State &a, const State &b) {
          return a.units < b.units || (a.units == b.units && a.error < b.error);
        });
    std::vector<State> frontier;
    for (const State &s : next)
      if (frontier.empty() || s.error < frontier.back().error)
        frontier.push_back(s);
    layers.push_back(std::move(frontier));
  }
  if (layers.back().empty())
    return std::nullopt;
  std::vector<unsigned> choice(items.size());
  int64_t s = int64_t(layers.back().size()) - 1;
  for (size_t c = items.size(); c > 0; --c) {
    choice[c - 1] = layers[c][s].option;
    s = layers[c][s].prev;
  }
  return choice;
}

// Checkpointing, the dense layers and the pruning below the optimum's
// least units change the memory and the time, not the choice: on random
// instances (exact ties, repeated options, duplicate items, capacity edges,
// dense and sparse frontiers) every interval and every valid bound trace
// the same choice as the table of all layers.
TEST(FormatSelection, CheckpointedDPMatchesAllLayers) {
  std::mt19937 rng(4321);
  int64_t compared = 0;
  for (int trial = 0; trial < 600; ++trial) {
    unsigned numItems = 1 + rng() % 80;
    std::vector<Item> items(numItems);
    int64_t most = 0;
    for (unsigned i = 0; i < numItems; ++i) {
      // Every fourth item repeats its predecessor, as equal weights do.
      if (i > 0 && rng() % 4 == 0) {
        items[i] = items[i - 1];
      } else {
        unsigned numOptions = 1 + rng() % 5;
        for (unsigned j = 0; j < numOptions; ++j) {
          Option o;
          // A third of the trials spread the costs apart (sparse
          // frontiers: the merge; else mostly the dense path).
          o.bits = j == 0 ? 0 : int64_t(rng() % 12);
          if (trial % 3 == 2 && j > 0)
            o.bits = o.bits * 1000 + int64_t(rng() % 3);
          o.error = trial % 2 ? double(rng() % 4)
                              : std::ldexp(double(rng() % 100000), -13);
          items[i].options.push_back(o);
        }
      }
      int64_t m = 0;
      for (const Option &o : items[i].options)
        m = std::max(m, o.bits);
      most += m;
    }
    for (int64_t capacity :
         {int64_t(0), int64_t(rng() % (most + 1)), most / 3, most}) {
      std::optional<std::vector<unsigned>> ref =
          solveAllLayers(items, capacity);
      ASSERT_TRUE(ref.has_value());
      for (int64_t every : {0, 1, 2, 3, 7, 1000}) {
        SolveStats stats;
        std::optional<std::vector<unsigned>> got =
            solveFrontierDP(items, capacity, every, &stats);
        ASSERT_TRUE(got.has_value());
        EXPECT_EQ(*got, *ref) << "trial " << trial << " every " << every;
        // Tables of at most 2^23 cells take one block.
        int64_t automatic =
            double(numItems) * double(capacity + 1) > double(1 << 23)
                ? int64_t(std::ceil(std::sqrt(double(numItems))))
                : int64_t(numItems);
        EXPECT_EQ(stats.checkpointInterval, every ? every : automatic);
        ++compared;
      }
      // A lower bound of the answer's units (the tightest is its own)
      // prunes states but not the answer; one above it must change it.
      int64_t units = 0;
      for (size_t i = 0; i < numItems; ++i)
        units += items[i].options[(*ref)[i]].bits;
      for (int64_t least : {units, units - int64_t(rng() % 4), units - 999})
        for (int64_t every : {0, 3}) {
          std::optional<std::vector<unsigned>> got =
              solveFrontierDP(items, capacity, every, nullptr, least);
          ASSERT_TRUE(got.has_value());
          EXPECT_EQ(*got, *ref) << "trial " << trial << " least " << least;
          ++compared;
        }
      std::optional<std::vector<unsigned>> above =
          solveFrontierDP(items, capacity, 0, nullptr, units + 1);
      if (above) {
        int64_t aboveUnits = 0;
        for (size_t i = 0; i < numItems; ++i)
          aboveUnits += items[i].options[(*above)[i]].bits;
        EXPECT_GT(aboveUnits, units);
      }
    }
  }
  EXPECT_EQ(compared, 600 * 4 * (6 + 6));
  // Nothing fits: an option of every item above the capacity.
  std::vector<Item> tooBig = {{{{3, 1.0}}}, {{{0, 0.0}, {1, 0.5}}}};
  EXPECT_FALSE(solveFrontierDP(tooBig, 2).has_value());
  EXPECT_FALSE(solveFrontierDP({}, -1).has_value());
  std::optional<std::vector<unsigned>> none = solveFrontierDP({}, 0);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

// The whole budget solver too: a thousand items, budgets from tight to
// loose, the same choice at every checkpoint interval.
TEST(FormatSelection, CheckpointIntervalDoesNotChangeTheChoice) {
  std::mt19937 rng(77);
  std::vector<Item> items = randomItems(rng, 1000, 4, [](std::mt19937 &rng) {
    return Option{int64_t(8 * (4 + rng() % 30)), double(rng() % 64) / 8.0};
  });
  int64_t lo = getCheapestBits(items);
  for (int64_t budget : {lo, lo + 800, lo + 8000, lo + 40000}) {
    std::optional<Solution> a = solveBudget(items, budget);
    ASSERT_TRUE(a.has_value());
    EXPECT_LE(a->bits, budget);
    for (int64_t every : {1, 5, 1 << 20}) {
      std::optional<Solution> b = solveBudget(items, budget, nullptr, every);
      ASSERT_TRUE(b.has_value());
      EXPECT_EQ(a->choice, b->choice) << budget << " " << every;
    }
  }
  // A table too large for one block: about sqrt(items) layers per block.
  std::vector<Item> big(3000);
  for (Item &item : big)
    item.options = {{0, double(rng() % 50)},
                    {int64_t(1 + rng() % 3), double(rng() % 30)},
                    {int64_t(2 + rng() % 4), double(rng() % 10)}};
  SolveStats stats;
  std::optional<std::vector<unsigned>> a =
      solveFrontierDP(big, 3000, 0, &stats);
  std::optional<std::vector<unsigned>> b = solveFrontierDP(big, 3000, 17);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(stats.checkpointInterval, 55);
  EXPECT_GT(stats.maxFrontier, 1000);
  EXPECT_EQ(*a, *b);
}

// Repeated weights make classes of identical two-option items, which the
// solver hands to its DP as power-of-two groups of copies. Small instances
// against brute force; a large one against the DP over every item as it is
// (exact too, only slower); the copies of a class that take the second
// option (in the items' own order) are its last ones.
TEST(FormatSelection, IdenticalItemsGroupExactly) {
  std::mt19937 rng(4321);
  int64_t checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<Item> items;
    unsigned numClasses = 1 + rng() % 3;
    for (unsigned k = 0; k < numClasses; ++k) {
      Item item;
      item.options = {{int64_t(8 * (1 + rng() % 6)), double(rng() % 9)},
                      {int64_t(8 * (1 + rng() % 6)), double(rng() % 9)}};
      for (unsigned copy = 1 + rng() % 5; copy > 0; --copy)
        items.push_back(item);
    }
    if (rng() % 2) // one item of three options among them
      items.insert(items.begin() + rng() % items.size(),
                   Item{{{8, 5.0}, {16, 2.0}, {24, 1.0}}});
    if (items.size() > 12)
      continue;
    std::shuffle(items.begin(), items.end(), rng);
    int64_t lo = getCheapestBits(items), hi = mostBits(items);
    for (int64_t budget : {lo, lo + int64_t(rng() % (hi - lo + 1)), hi})
      checked += matchesBruteForce(items, budget, trial);
  }
  EXPECT_GT(checked, 500);

  // 7 classes of 300 copies, interleaved, whose dearer options cost 3, 5,
  // ..., 15 units of 8 bits more for nearly the same error saved per bit:
  // packing the budget matters, so the greedy fill is not the optimum. The
  // DP gets a few dozen items instead of 2,100.
  std::vector<Item> classes(7);
  for (auto [k, item] : llvm::enumerate(classes)) {
    int64_t extra = 8 * int64_t(3 + 2 * k);
    double saved = 1e-4 * double(extra) * (1.0 + 0.01 * double(rng() % 7));
    item.options = {{416 + extra, 0.0088}, {416, 0.0088 + saved}};
  }
  std::vector<Item> items;
  for (int copy = 0; copy < 300; ++copy)
    for (const Item &item : classes)
      items.push_back(item);
  int64_t budget = getCheapestBits(items) + 8 * 1001;
  SolveStats stats;
  std::optional<Solution> grouped = solveBudget(items, budget, &stats);
  ASSERT_TRUE(grouped.has_value());
  EXPECT_LE(grouped->bits, budget);
  EXPECT_GT(stats.coreItems, 0);
  EXPECT_LT(stats.dpItems, 100);
  // The same problem in units of 8 bits above each item's cheaper option.
  std::vector<Item> units(items.size());
  for (auto [u, item] : llvm::zip_equal(units, items))
    u.options = {{(item.options[0].bits - 416) / 8, item.options[0].error},
                 {0, item.options[1].error}};
  std::optional<std::vector<unsigned>> whole = solveFrontierDP(units, 1001);
  ASSERT_TRUE(whole.has_value());
  double wholeError = 0;
  for (auto [item, pick] : llvm::zip_equal(units, *whole))
    wholeError += item.options[pick].error;
  EXPECT_NEAR(grouped->error, wholeError, 1e-12 * wholeError);
  // Within each class, the copies that take the second option come last.
  for (size_t k = 0; k < classes.size(); ++k) {
    bool seenSecond = false;
    for (size_t copy = 0; copy < 300; ++copy) {
      bool second = grouped->choice[copy * 7 + k] == 1;
      EXPECT_FALSE(seenSecond && !second) << k << " " << copy;
      seenSecond |= second;
    }
  }
}

TEST(FormatSelection, FewestBits) {
  std::vector<Item> items = {{{{100, 1.0}, {50, 2.0}, {50, 1.5}}},
                             {{{10, 0.0}}}};
  Solution s = solveFewestBits(items);
  EXPECT_EQ(s.choice, (std::vector<unsigned>{2, 0}));
  EXPECT_EQ(s.bits, 60);
}

} // namespace

#include "mx/Dialect/MX/Transforms/Calibration.h"
#include "llvm/Support/FileSystem.h"

namespace {

// Calibration sums accumulate exactly across samples and survive the file.
TEST(Calibration, AccumulatesAndRoundTrips) {
  OperandGeometry g{{4, 64}, /*isLhs=*/true, /*isWeight=*/false};
  std::vector<float> a = randomValues(256, 7, 10.0f), b = randomValues(256, 8);
  CalibrationData data;
  data.entry = "main";
  data.samples = {{"/tmp/a.npy"}, {"/tmp/b.npy"}};
  CalibrationOperand &op = data.getOrCreate(getCalibrationKey("main", 0, true));
  addSample(op, a, g);
  addSample(op, b, g);
  EXPECT_EQ(op.samples, 2);
  EXPECT_EQ(op.count, 512);
  for (llvm::StringRef name : {"mxfp4", "nvfp4", "mxfp8_e4m3", "bf16"}) {
    Candidate c = get(name);
    Evaluation ea = evaluate(c, a, g), eb = evaluate(c, b, g);
    EXPECT_EQ(op.sumErrSq[name.str()], ea.sumErrSq + eb.sumErrSq);
    EXPECT_EQ(op.sumSq, ea.sumSq + eb.sumSq);
  }
  EXPECT_TRUE(op.whyNot.count("nvfp4_16x16"));
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("calib", "json", path));
  ASSERT_FALSE(bool(writeCalibration(path, data)));
  llvm::Expected<CalibrationData> back = readCalibration(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  llvm::sys::fs::remove(path);
  ASSERT_EQ(back->operands.size(), 1u);
  const CalibrationOperand *r = back->lookup("@main#0:lhs");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sumErrSq, op.sumErrSq); // bit for bit through the text
  EXPECT_EQ(r->sumSq, op.sumSq);
  EXPECT_EQ(r->amax, op.amax);
  EXPECT_EQ(back->samples, data.samples);
  llvm::Expected<CalibrationData> bad = parseCalibration("{}", "x.json");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("not a calibration file"),
            std::string::npos);
}

} // namespace
