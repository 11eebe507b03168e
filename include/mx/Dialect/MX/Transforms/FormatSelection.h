//===- FormatSelection.h - Candidates, costs and the exact solver -*- C++
//-*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The MLIR-free core of `mx-select-formats` (docs/FormatSelection.md): the
// candidate formats an operand may take, the exact error and storage bits of
// each candidate on an operand's values (computed with the reference library
// in the orientation and block shape the lowering uses), and the solvers:
// least total error under a budget of bits (a multiple-choice knapsack,
// solved exactly) and fewest bits above an SQNR floor.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_FORMATSELECTION_H
#define MX_DIALECT_MX_TRANSFORMS_FORMATSELECTION_H

#include "mx/Numerics/Format.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mxsel {

/// One format an operand may be stored in.
struct Candidate {
  enum class Kind : uint8_t { Block, BF16, F32 };
  /// The selection name (`mxfp4`, `nvfp4_16x16`, `bf16`, `f32`, ...).
  std::string name;
  Kind kind = Kind::F32;
  /// Block formats: the reference format and its preset name, the spelling a
  /// policy uses.
  mxref::Format format;
  std::string presetName;
  /// NVFP4 16x16 tiles: a weight's block is [16, 16] (K x other dim).
  bool tile16x16 = false;
  /// Recipes (mx-select-formats' `scale-modes` and `hadamard` options): a
  /// scale mode that replaces the one in scope, and a Hadamard rotation of
  /// size `hadamard` along K applied before quantizing (0 = none). Recipe
  /// candidates are named `<base>+<mode>` / `<base>+h<N>`.
  std::optional<mxref::ScaleMode> scaleMode;
  int64_t hadamard = 0;
};

/// Every candidate name, in the fixed order ties are broken by.
llvm::ArrayRef<llvm::StringRef> getAllCandidateNames();
/// The default candidates: the MX and NVFP4 presets.
llvm::ArrayRef<llvm::StringRef> getDefaultCandidateNames();
/// The candidate called `name`; an error naming the known ones otherwise, or
/// saying why a known name is unavailable in this build.
llvm::Expected<Candidate> lookupCandidate(llvm::StringRef name);

/// The operand geometry, as the matmul sees it: `shape` is [batch..., M, K]
/// for a lhs (K last) and [batch..., K, N] for a rhs (K second to last).
struct OperandGeometry {
  llvm::SmallVector<int64_t, 4> shape;
  bool isLhs = false;
  bool isWeight = true;
  int64_t getNumElements() const;
};

/// The block shape `c` quantizes an operand with (blocks run along K; 16x16
/// tiles for `nvfp4_16x16` weights), or a reason it does not apply.
llvm::Expected<llvm::SmallVector<int64_t, 4>>
getBlockShape(const Candidate &c, const OperandGeometry &g);

/// The storage of one operand in one candidate and its exact error.
struct Evaluation {
  /// Empty when the candidate applies; otherwise why not.
  std::string whyNot;
  /// Storage bits of the whole tensor, scales included (a whole number).
  int64_t bits = 0;
  /// Over the finite source values, in double, in index order
  /// (mxref::computeErrorStats's sums): sum(e^2) and sum(x^2).
  double sumErrSq = 0, sumSq = 0;
  /// sum(e^2) / sum(x^2); 0 for an all-zero operand quantized exactly.
  double relMse = 0;
  bool applies() const { return whyNot.empty(); }
};

/// Quantizes `values` (row-major in `g`'s orientation) with `c` using the
/// reference library and measures the error. `scaleMode`, when given and
/// allowed for the format, replaces its default scale mode (a policy's
/// `scale_mode` in scope). Never fails: an inapplicable candidate (block
/// does not divide, NaN error) says why in `whyNot`.
Evaluation evaluate(const Candidate &c, llvm::ArrayRef<float> values,
                    const OperandGeometry &g,
                    std::optional<mxref::ScaleMode> scaleMode = std::nullopt);

/// -10 log10(relMse) (+inf for 0).
double getSQNR(double relMse);

//===----------------------------------------------------------------------===//
// Solvers
//===----------------------------------------------------------------------===//

/// One choice of one item: its total bits and its error (any non-negative
/// figure; the solvers add them).
struct Option {
  int64_t bits = 0;
  double error = 0;
};
/// One operand: its options in the fixed tie-breaking order.
struct Item {
  std::vector<Option> options;
};

struct Solution {
  /// Index of the chosen option per item.
  std::vector<unsigned> choice;
  int64_t bits = 0;
  double error = 0;
};

/// What the budget solver did (docs/FormatSelection.md, "The exact solver").
struct SolveStats {
  /// Items left with more than one option after the Lagrangian reduction,
  /// and the DP's capacity (the budget left for them, in units of `unit`
  /// bits, the gcd of their extra costs).
  int64_t coreItems = 0, unit = 0, capacityUnits = 0;
  /// The DP's items: the core with each class of identical two-option items
  /// split into power-of-two groups of copies.
  int64_t dpItems = 0;
  /// The largest Pareto frontier the DP held, and the Lagrange multiplier.
  int64_t maxFrontier = 0;
  double lambda = 0;
  /// Layers between the DP's stored frontiers (its checkpoints), and the
  /// least units the optimum takes by the Lagrangian bound (states that
  /// cannot reach it are not built).
  int64_t checkpointInterval = 0, leastUnits = 0;
};

/// Sum over items of the fewest bits any option takes: the cheapest
/// feasible budget.
int64_t getCheapestBits(llvm::ArrayRef<Item> items);

/// Least total error with total bits <= budgetBits; nullopt when even the
/// cheapest options exceed it. Exact: the optimum over all combinations
/// (ties: fewer bits, then the earlier options in item order). Every item
/// needs at least one option.
/// `checkpointInterval` (tests): the DP's block length (solveFrontierDP); 0
/// picks it. The choice does not depend on it.
std::optional<Solution> solveBudget(llvm::ArrayRef<Item> items,
                                    int64_t budgetBits,
                                    SolveStats *stats = nullptr,
                                    int64_t checkpointInterval = 0);

/// The budget solver's exact DP (docs/FormatSelection.md, "The exact
/// solver"), on items whose option `bits` are whole units >= 0: per item the
/// index of its option in the least-error combination within `capacity`
/// units (ties: fewer units, then the earlier state and option); nullopt
/// when none fits. It stores the frontier at the start of every block of
/// `checkpointInterval` layers and recomputes one block at a time to trace
/// the choice back: memory O(frontier x (items / interval + interval)),
/// time at most two forward passes. 0 picks one block while every layer's
/// back-pointers fit in 64 MiB, else ceil(sqrt(items)). The choice does not
/// depend on the interval. `leastUnits`, when given, must be a lower bound
/// of the units the answer takes: states that cannot reach it are not
/// built, which leaves the answer as it is. Sets `stats`' maxFrontier and
/// checkpointInterval.
std::optional<std::vector<unsigned>>
solveFrontierDP(llvm::ArrayRef<Item> items, int64_t capacity,
                int64_t checkpointInterval = 0, SolveStats *stats = nullptr,
                std::optional<int64_t> leastUnits = std::nullopt);

/// Fewest total bits: per item the cheapest option (ties: lower error, then
/// the earlier option).
Solution solveFewestBits(llvm::ArrayRef<Item> items);

/// Exhaustive search for tests (product of option counts must be small).
std::optional<Solution> solveBruteForce(llvm::ArrayRef<Item> items,
                                        int64_t budgetBits);

//===----------------------------------------------------------------------===//
// Budgets
//===----------------------------------------------------------------------===//

/// floor(B * numElements) for a decimal B ("4.5", "4.25", "8"), computed
/// exactly; an error for anything that is not a non-negative decimal.
llvm::Expected<int64_t> parseBudgetBits(llvm::StringRef avgBits,
                                        int64_t numElements);
/// The smallest decimal D with at most `maxDecimals` decimals such that
/// floor(D * numElements) >= bits: "4.5078125" (exact when bits /
/// numElements terminates within maxDecimals, else rounded up).
std::string formatBudget(int64_t bits, int64_t numElements,
                         unsigned maxDecimals = 12, bool *exact = nullptr);

} // namespace mxsel

#endif // MX_DIALECT_MX_TRANSFORMS_FORMATSELECTION_H
