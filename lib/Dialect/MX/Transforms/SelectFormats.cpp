//===- SelectFormats.cpp - Choose a format per quantizable operand --------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx-select-formats (docs/FormatSelection.md): finds the contractions with
// the contraction matcher, evaluates every candidate on every selected
// operand in parallel (exact error from the reference library, whole bits
// per tensor), solves the budget exactly, and writes the decisions as
// `mx.policy` fields that mx-apply-policy carries out, with one remark per
// decision and an optional JSON report.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/SelectFormats.h"
#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/Dialect/MX/Transforms/Calibration.h"
#include "mx/Dialect/MX/Transforms/Contraction.h"
#include "mx/Dialect/MX/Transforms/FormatSelection.h"
#include "mx/Numerics/Hadamard.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_SELECTFORMATSPASS
#include "mx/Dialect/MX/MXPasses.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

static SensitivityMeasurer &getMeasurer() {
  static SensitivityMeasurer measurer;
  return measurer;
}

void mlir::mx::registerSensitivityMeasurer(SensitivityMeasurer measurer) {
  getMeasurer() = std::move(measurer);
}

namespace {

/// One operand being selected.
struct Selected {
  Operation *op;
  Contraction contraction;
  bool isLhs, isWeight;
  mxsel::OperandGeometry geometry;
  const mxsel::CalibrationOperand *calibration = nullptr;
  /// Storage bits before selection (the operand's element type).
  int64_t bitsBefore = 0;
  std::string key;
  /// Per candidate.
  std::vector<mxsel::Evaluation> evals;
  /// Why the weight's values could not be read (evaluation skipped).
  std::string unreadable;
  /// The scale mode of the policy in scope, if any.
  std::optional<mxref::ScaleMode> scaleMode;
  /// Error weight (1 for rel-mse).
  double sensitivity = 1;
  /// Option index -> candidate index.
  std::vector<unsigned> optionCandidate;
};

/// One line of the report.
struct Decision {
  std::string op, loc, operand, role;
  SmallVector<int64_t> shape;
  int64_t numel;
  std::string choice;
  double bits, relMse;
  std::vector<std::tuple<std::string, double, double>> candidates;
  std::optional<double> sensitivity;
};

std::string printLoc(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

std::string formatG(double v, int digits = 6) {
  return llvm::formatv("{0}", llvm::format("%.*g", digits, v)).str();
}

struct SelectFormatsPass
    : public mx::impl::SelectFormatsPassBase<SelectFormatsPass> {
  using SelectFormatsPassBase::SelectFormatsPassBase;

  void runOnOperation() override;

  /// An error located at `loc`; the pass fails.
  void fail(Location loc, const Twine &message) {
    emitError(loc) << "mx-select-formats: " << message;
    signalPassFailure();
  }
};

/// The policy spelling of a candidate: a preset, `bf16` or `none`.
Attribute getChoiceAttr(MLIRContext *ctx, const mxsel::Candidate &c) {

  switch (c.kind) {
  case mxsel::Candidate::Kind::Block:
    return FormatAttr::get(ctx, c.format);
  case mxsel::Candidate::Kind::BF16:
    return PlainFormatAttr::get(ctx, PlainFormat::bf16);
  case mxsel::Candidate::Kind::F32:
    return PlainFormatAttr::get(ctx, PlainFormat::none);
  }
  return {};
}

/// What a weight's evaluation depends on: its constant (attributes are
/// uniqued, so equal values are the same attribute), the layout chain and
/// view that arrange the values, the geometry and the scale mode in scope.
/// Empty when the constant's attribute cannot be read (not shared then).
std::string getEvaluationKey(const ContractionOperand &o,
                             const mxsel::OperandGeometry &g,
                             std::optional<mxref::ScaleMode> scaleMode) {
  Attribute attr;
  if (!o.constant || !matchPattern(o.constant->getResult(0), m_Constant(&attr)))
    return "";
  std::string key;
  llvm::raw_string_ostream os(key);
  auto list = [&](ArrayRef<int64_t> xs) {
    os << "[";
    llvm::interleaveComma(xs, os);
    os << "]";
  };
  os << attr.getAsOpaquePointer() << " "
     << cast<ShapedType>(o.constant->getResult(0).getType());
  // Only transposes move values; reshapes are recorded by their result.
  for (Operation *op : o.chain) {
    os << " " << op->getName() << op->getResult(0).getType();
    if (auto t = dyn_cast<linalg::TransposeOp>(op))
      list(t.getPermutation());
  }
  os << " view";
  list(o.dims);
  list(g.shape);
  os << (g.isLhs ? " lhs" : " rhs") << " mode "
     << (scaleMode ? int(*scaleMode) : -1);
  return key;
}

int64_t getNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace

void SelectFormatsPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  // An implicit module sits at line 0: point at the file's start instead.
  Location moduleLoc = module.getLoc();
  if (auto fileLoc = dyn_cast<FileLineColLoc>(moduleLoc);
      fileLoc && !fileLoc.getLine())
    moduleLoc = FileLineColLoc::get(fileLoc.getFilename(), 1, 1);

  // Options.
  std::optional<double> sqnrFloor;
  if (!minSqnr.empty()) {
    double v;
    if (StringRef(minSqnr).trim().getAsDouble(v) || !std::isfinite(v))
      return fail(moduleLoc,
                  "min-sqnr='" + minSqnr + "' is not a number of dB (e.g. 20)");
    sqnrFloor = v;
  }
  if (avgBits.empty() && !sqnrFloor)
    return fail(moduleLoc, "needs a budget: avg-bits=B (average bits per "
                           "element) and/or min-sqnr=DB");
  if (objective != "rel-mse" && objective != "sensitivity")
    return fail(moduleLoc, "objective='" + objective +
                               "' is not one of rel-mse, sensitivity");
  bool sensitivity = objective == "sensitivity";
  if (sensitivity && calibration.empty())
    return fail(moduleLoc, "objective=sensitivity needs calibration=FILE "
                           "(written by mx-run --calibrate)");
  if (selectActivations && calibration.empty())
    return fail(moduleLoc, "select-activations=true needs calibration=FILE "
                           "(written by mx-run --calibrate)");
  std::vector<mxsel::Candidate> cands;
  SmallVector<std::string> names(candidates.begin(), candidates.end());
  if (names.empty())
    for (StringRef n : mxsel::getDefaultCandidateNames())
      names.push_back(n.str());
  for (const std::string &name : names) {
    llvm::Expected<mxsel::Candidate> c = mxsel::lookupCandidate(name);
    if (!c)
      return fail(moduleLoc, llvm::toString(c.takeError()));
    if (llvm::any_of(cands, [&](auto &o) { return o.name == name; }))
      return fail(moduleLoc, "candidate '" + name + "' is listed twice");
    cands.push_back(std::move(*c));
  }
  // Recipes: variants of the block candidates with another scale mode
  // and/or a Hadamard rotation of K. They are op-level choices, so they are
  // offered only to a weight that is its op's only selected operand.
  if (hadamard != 0 && !mxref::getHadamardScale(hadamard))
    return fail(moduleLoc, "hadamard=" + std::to_string(hadamard) +
                               " is not a supported size (16, 32, 64, 128)");
  {
    std::vector<mxsel::Candidate> withModes = cands;
    for (const std::string &m : scaleModes) {
      std::optional<mxref::ScaleMode> mode = mxref::symbolizeScaleMode(m);
      if (!mode || *mode == mxref::ScaleMode::NVFP4 ||
          *mode == mxref::ScaleMode::Tensor)
        return fail(moduleLoc, "scale-modes: '" + m +
                                   "' is not one of floor, rceil, ceil, even");
      for (const mxsel::Candidate &c : cands) {
        if (c.kind != mxsel::Candidate::Kind::Block ||
            c.format.scale != mxref::ScaleKind::E8M0 ||
            mxref::checkScaleMode(c.format, *mode))
          continue;
        mxsel::Candidate v = c;
        v.scaleMode = mode;
        v.name = c.name + "+" + m;
        withModes.push_back(std::move(v));
      }
    }
    cands = std::move(withModes);
    if (hadamard) {
      size_t n = cands.size();
      for (size_t i = 0; i < n; ++i) {
        if (cands[i].kind != mxsel::Candidate::Kind::Block)
          continue;
        mxsel::Candidate v = cands[i];
        v.hadamard = hadamard;
        v.name += "+h" + std::to_string(hadamard);
        cands.push_back(std::move(v));
      }
    }
  }
  std::optional<mxsel::CalibrationData> calib;
  if (!calibration.empty()) {
    llvm::Expected<mxsel::CalibrationData> data =
        mxsel::readCalibration(calibration);
    if (!data)
      return fail(moduleLoc, llvm::toString(data.takeError()));
    calib = std::move(*data);
  }

  // The operands, in program order: per function, each matched contraction
  // (numbered as the calibration file numbers them), lhs before rhs.
  std::vector<Selected> sel;
  bool failed = false;
  module.walk([&](FunctionOpInterface func) {
    int64_t ordinal = 0;
    func.walk([&](Operation *op) {
      if (failed || op == func.getOperation())
        return;
      FailureOr<Contraction> c = matchContraction(op);
      if (::mlir::failed(c))
        return;
      int64_t index = ordinal++;
      for (bool isLhs : {true, false}) {
        const ContractionOperand &o = isLhs ? c->lhs : c->rhs;
        bool isWeight = o.role == OperandRole::Weight;
        if (!isWeight && !selectActivations)
          continue;
        Selected s{op, *c, isLhs, isWeight, {}};
        s.geometry.shape.assign(o.shape.begin(), o.shape.end());
        s.geometry.isLhs = isLhs;
        s.geometry.isWeight = isWeight;
        Type elem = getElementTypeOrSelf(o.value.getType());
        s.bitsBefore =
            int64_t(elem.getIntOrFloatBitWidth()) * getNumElements(o.shape);
        s.key = mxsel::getCalibrationKey(func.getName(), index, isLhs);
        if (PolicyAttr policy = getEffectivePolicy(op))
          if (ScaleModeAttr mode = policy.getScaleMode())
            s.scaleMode = toReference(mode.getValue());
        if (!isWeight) {
          s.calibration = calib->lookup(s.key);
          if (!s.calibration) {
            op->emitError()
                << "mx-select-formats: " << calibration
                << " has no statistics for the " << (isLhs ? "lhs" : "rhs")
                << " activation (" << s.key
                << "); calibrate this program with mx-run "
                   "--calibrate";
            failed = true;
            return;
          }
          if (ArrayRef<int64_t>(s.calibration->shape) !=
              ArrayRef<int64_t>(s.geometry.shape)) {
            op->emitError()
                << "mx-select-formats: " << calibration << " describes "
                << s.key << " with shape ["
                << llvm::join(llvm::map_range(
                                  s.calibration->shape,
                                  [](int64_t d) { return std::to_string(d); }),
                              ", ")
                << "], not this program's";
            failed = true;
            return;
          }
        }
        sel.push_back(std::move(s));
      }
    });
  });
  if (failed)
    return signalPassFailure();

  // Evaluate every candidate on every operand, in parallel (one task per
  // weight group: its values are read once).
  llvm::DenseMap<Operation *, int> selectedPerOp;
  for (const Selected &s : sel)
    ++selectedPerOp[s.op];
  auto isRecipe = [](const mxsel::Candidate &c) {
    return c.scaleMode || c.hadamard;
  };
  auto recipeWhyNot = [&](const Selected &s,
                          const mxsel::Candidate &c) -> std::string {
    if (!isRecipe(c))
      return "";
    if (!s.isWeight)
      return "recipes (scale-modes, hadamard) are offered to weights only";
    if (selectedPerOp.lookup(s.op) > 1)
      return "a recipe is an op-level choice and this op has another "
             "selected operand";
    return "";
  };
  // Weights that read the same values the same way evaluate the same, so
  // each such group is evaluated once (a model reuses a weight; the
  // compile-scaling benchmark reuses 16 for any number of contractions),
  // with every candidate that some member of the group is offered.
  struct WeightGroup {
    size_t first;
    std::vector<bool> needed;
    std::vector<mxsel::Evaluation> evals;
    std::string unreadable;
  };
  std::vector<WeightGroup> groups;
  std::vector<size_t> groupOf(sel.size());
  {
    llvm::StringMap<size_t> byKey;
    for (auto [i, s] : llvm::enumerate(sel)) {
      if (!s.isWeight)
        continue;
      const ContractionOperand &o =
          s.isLhs ? s.contraction.lhs : s.contraction.rhs;
      std::string key = getEvaluationKey(o, s.geometry, s.scaleMode);
      auto [it, isNew] = byKey.try_emplace(key, groups.size());
      if (isNew || key.empty()) {
        it->second = groups.size();
        groups.push_back({i, std::vector<bool>(cands.size(), false), {}, {}});
      }
      groupOf[i] = it->second;
      for (auto [j, c] : llvm::enumerate(cands))
        if (recipeWhyNot(s, c).empty())
          groups[it->second].needed[j] = true;
    }
  }
  parallelFor(ctx, 0, groups.size(), [&](size_t gi) {
    WeightGroup &g = groups[gi];
    const Selected &s = sel[g.first];
    const ContractionOperand &o =
        s.isLhs ? s.contraction.lhs : s.contraction.rhs;
    FailureOr<std::vector<float>> values = getWeightValues(o);
    if (::mlir::failed(values)) {
      g.unreadable = "its constant values cannot be read";
      return;
    }
    g.evals.resize(cands.size());
    for (auto [c, e, needed] : llvm::zip_equal(cands, g.evals, g.needed))
      if (needed)
        e = mxsel::evaluate(c, *values, s.geometry, s.scaleMode);
  });
  // Each operand: its group's evaluations (weights) or its calibration
  // (activations); each task writes its own slot.
  parallelFor(ctx, 0, sel.size(), [&](size_t i) {
    Selected &s = sel[i];
    s.evals.resize(cands.size());
    if (s.isWeight) {
      const WeightGroup &g = groups[groupOf[i]];
      if (!g.unreadable.empty()) {
        s.unreadable = g.unreadable;
        return;
      }
      for (auto [c, e, shared] : llvm::zip_equal(cands, s.evals, g.evals)) {
        if (std::string why = recipeWhyNot(s, c); !why.empty())
          e.whyNot = why;
        else
          e = shared;
      }
      return;
    }
    // Activations: exact sums from calibration; bits from the geometry.
    std::vector<float> zeros(getNumElements(s.geometry.shape), 0.0f);
    for (auto [c, e] : llvm::zip_equal(cands, s.evals)) {
      if (std::string why = recipeWhyNot(s, c); !why.empty()) {
        e.whyNot = why;
        continue;
      }
      e = mxsel::evaluate(c, zeros, s.geometry);
      if (!e.applies())
        continue;
      auto it = s.calibration->sumErrSq.find(c.name);
      if (it == s.calibration->sumErrSq.end()) {
        auto why = s.calibration->whyNot.find(c.name);
        e.whyNot = why != s.calibration->whyNot.end()
                       ? why->second
                       : "the calibration file has no figure for it";
        continue;
      }
      e.sumErrSq = it->second;
      e.sumSq = s.calibration->sumSq;
      e.relMse = e.sumErrSq == 0 ? 0.0 : e.sumErrSq / e.sumSq;
    }
  });
  // Operands whose values cannot be read are left alone, with a remark.
  {
    std::vector<Selected> kept;
    for (Selected &s : sel) {
      if (!s.unreadable.empty()) {
        mlir::emitRemark(s.op->getLoc())
            << "mx-select-formats: the " << (s.isLhs ? "lhs" : "rhs")
            << " weight is not selected: " << s.unreadable;
        continue;
      }
      kept.push_back(std::move(s));
    }
    sel = std::move(kept);
  }

  // Sensitivity weights: measured output error per operand.
  if (sensitivity && !sel.empty()) {
    if (!getMeasurer())
      return fail(moduleLoc, "objective=sensitivity needs a tool that can "
                             "run the program (mx-opt); this one registered "
                             "no measurer");
    std::vector<SensitivityProbe> probes;
    for (const Selected &s : sel)
      probes.push_back({s.op, s.isLhs});
    FailureOr<std::vector<double>> outputErrors =
        getMeasurer()(module, probes, *calib, "mxfp4");
    if (::mlir::failed(outputErrors))
      return signalPassFailure();
    std::optional<mxsel::Candidate> probe;
    if (llvm::Expected<mxsel::Candidate> c = mxsel::lookupCandidate("mxfp4"))
      probe = *c;
    else
      llvm::consumeError(c.takeError());
    for (auto [s, out] : llvm::zip_equal(sel, *outputErrors)) {
      // weight = output rel MSE / operand rel MSE, both with mxfp4.
      mxsel::Evaluation e;
      auto it = llvm::find_if(cands, [](auto &c) { return c.name == "mxfp4"; });
      if (it != cands.end())
        e = s.evals[it - cands.begin()];
      else if (s.isWeight) {
        const ContractionOperand &o =
            s.isLhs ? s.contraction.lhs : s.contraction.rhs;
        FailureOr<std::vector<float>> values = getWeightValues(o);
        if (::mlir::succeeded(values))
          e = mxsel::evaluate(*probe, *values, s.geometry);
      } else {
        auto f = s.calibration->sumErrSq.find("mxfp4");
        if (f != s.calibration->sumErrSq.end() && s.calibration->sumSq > 0)
          e.relMse = f->second / s.calibration->sumSq;
      }
      s.sensitivity = e.applies() && e.relMse > 0 ? out / e.relMse : 0.0;
    }
  }

  // The knapsack items.
  std::vector<mxsel::Item> items;
  int64_t numElements = 0;
  for (Selected &s : sel) {
    mxsel::Item item;
    std::string best;
    double bestSqnr = -INFINITY;
    for (auto [j, e] : llvm::enumerate(s.evals)) {
      if (!e.applies())
        continue;
      double sqnr = mxsel::getSQNR(e.relMse);
      if (sqnr > bestSqnr) {
        bestSqnr = sqnr;
        best = cands[j].name;
      }
      if (sqnrFloor && !(sqnr >= *sqnrFloor))
        continue;
      item.options.push_back({e.bits, e.relMse * s.sensitivity});
      s.optionCandidate.push_back(j);
    }
    if (item.options.empty()) {
      InFlightDiagnostic diag = s.op->emitError()
                                << "mx-select-formats: no candidate for the "
                                << (s.isLhs ? "lhs" : "rhs") << " "
                                << (s.isWeight ? "weight" : "activation");
      if (best.empty()) {
        diag << " applies:";
        for (auto [c, e] : llvm::zip_equal(cands, s.evals))
          diag << " " << c.name << " (" << e.whyNot << ");";
      } else {
        diag << " reaches min-sqnr=" << minSqnr << " dB; the best is " << best
             << " at " << formatG(bestSqnr, 4) << " dB";
      }
      return signalPassFailure();
    }
    numElements += s.geometry.getNumElements();
    items.push_back(std::move(item));
  }

  // Solve.
  mxsel::Solution solution;
  mxsel::SolveStats stats;
  int64_t budgetBits = -1;
  if (!avgBits.empty()) {
    llvm::Expected<int64_t> budget =
        mxsel::parseBudgetBits(avgBits, std::max<int64_t>(numElements, 1));
    if (!budget)
      return fail(moduleLoc, llvm::toString(budget.takeError()));
    budgetBits = *budget;
    std::optional<mxsel::Solution> s =
        mxsel::solveBudget(items, budgetBits, &stats);
    if (!s) {
      int64_t cheapest = mxsel::getCheapestBits(items);
      bool exact = false;
      std::string need = mxsel::formatBudget(cheapest, numElements, 12, &exact);
      return fail(moduleLoc,
                  llvm::formatv("avg-bits={0} is infeasible: the cheapest "
                                "choice{1} takes {2} bits for {3} elements; "
                                "the cheapest feasible budget is avg-bits={4}"
                                "{5}",
                                avgBits,
                                sqnrFloor ? " above min-sqnr=" + minSqnr + " dB"
                                          : std::string(),
                                cheapest, numElements, need,
                                exact ? "" : " (rounded up)")
                      .str());
    }
    solution = std::move(*s);
  } else {
    solution = mxsel::solveFewestBits(items);
    stats.lambda = INFINITY;
  }

  // Write the decisions: one policy per contraction, merged into the op's
  // own (the selection's fields win).
  llvm::MapVector<Operation *, SmallVector<size_t, 2>> byOp;
  for (size_t i = 0; i < sel.size(); ++i)
    byOp[sel[i].op].push_back(i);
  for (auto &[op, indices] : byOp) {
    Attribute lhs, rhs;
    SmallVector<int64_t> weightBlock;
    ScaleModeAttr scaleMode;
    int64_t rotation = 0;
    for (size_t i : indices) {
      const mxsel::Candidate &c =
          cands[sel[i].optionCandidate[solution.choice[i]]];
      (sel[i].isLhs ? lhs : rhs) = getChoiceAttr(ctx, c);
      if (c.tile16x16)
        weightBlock = {16, 16};
      if (c.scaleMode)
        scaleMode = ScaleModeAttr::get(ctx, fromReference(*c.scaleMode));
      rotation = std::max(rotation, c.hadamard);
    }
    auto chosen =
        PolicyAttr::get(ctx, /*weights=*/{}, /*activations=*/{},
                        /*outputs=*/{}, scaleMode,
                        /*rounding=*/{}, weightBlock, lhs, rhs, rotation);
    StringRef name = MXDialect::getPolicyAttrName();
    if (auto own = op->getAttrOfType<PolicyAttr>(name))
      chosen = own.mergedWith(chosen);
    op->setAttr(name, chosen);
  }

  // Remarks and the report.
  std::vector<Decision> decisions;
  int64_t totalBits = 0, bytesBefore = 0, bytesAfter = 0;
  double sumRelMse = 0;
  for (auto [i, s] : llvm::enumerate(sel)) {
    unsigned option = solution.choice[i];
    unsigned ci = s.optionCandidate[option];
    const mxsel::Evaluation &e = s.evals[ci];
    double n = double(s.geometry.getNumElements());
    // The runner-up: the best other option at the solver's exchange rate
    // between error and bits (lambda; fewest bits under min-sqnr alone).
    std::optional<unsigned> runnerUp;
    auto score = [&](unsigned o) {
      const mxsel::Option &opt = items[i].options[o];
      return std::isinf(stats.lambda)
                 ? std::make_pair(double(opt.bits), opt.error)
                 : std::make_pair(opt.error + stats.lambda * double(opt.bits),
                                  double(opt.bits));
    };
    for (unsigned o = 0; o < items[i].options.size(); ++o)
      if (o != option && (!runnerUp || score(o) < score(*runnerUp)))
        runnerUp = o;
    StringRef role = s.isWeight ? "weight" : "activation";
    StringRef side = s.isLhs ? "lhs" : "rhs";
    {
      // At the op's location, without the op attached: printing 10,000 ops
      // into their remarks would cost more than the selection.
      InFlightDiagnostic remark = mlir::emitRemark(s.op->getLoc());
      remark << "mx-select-formats: " << side << " " << role << " ["
             << llvm::join(llvm::map_range(
                               s.geometry.shape,
                               [](int64_t d) { return std::to_string(d); }),
                           ", ")
             << "] -> " << cands[ci].name << " (rel_mse "
             << formatG(e.relMse, 4) << ", " << formatG(double(e.bits) / n, 6)
             << " bits)";
      if (runnerUp) {
        const mxsel::Evaluation &r = s.evals[s.optionCandidate[*runnerUp]];
        remark << "; runner-up " << cands[s.optionCandidate[*runnerUp]].name
               << " (rel_mse " << formatG(r.relMse, 4) << ", "
               << formatG(double(r.bits) / n, 6) << " bits)";
      } else {
        remark << "; no other candidate";
      }
    }
    Decision d{s.op->getName().getStringRef().str(),
               printLoc(s.op->getLoc()),
               side.str(),
               role.str(),
               SmallVector<int64_t>(ArrayRef<int64_t>(s.geometry.shape)),
               s.geometry.getNumElements(),
               cands[ci].name,
               double(e.bits) / n,
               e.relMse,
               {},
               sensitivity ? std::optional<double>(s.sensitivity)
                           : std::nullopt};
    for (auto [c, ev] : llvm::zip_equal(cands, s.evals))
      if (ev.applies())
        d.candidates.push_back({c.name, double(ev.bits) / n, ev.relMse});
    decisions.push_back(std::move(d));
    totalBits += e.bits;
    sumRelMse += e.relMse;
    bytesBefore += (s.bitsBefore + 7) / 8;
    bytesAfter += (e.bits + 7) / 8;
  }
  if (report.empty())
    return;
  std::error_code ec;
  llvm::raw_fd_ostream os(report, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail(moduleLoc,
                "cannot write report '" + report + "': " + ec.message());
  // Keys in the documented order (llvm::json::Value would sort them).
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attributeArray("decisions", [&] {
      for (const Decision &d : decisions)
        j.object([&] {
          j.attribute("op", d.op);
          j.attribute("loc", d.loc);
          j.attribute("operand", d.operand);
          j.attribute("role", d.role);
          j.attributeArray("shape", [&] {
            for (int64_t x : d.shape)
              j.value(x);
          });
          j.attribute("numel", d.numel);
          j.attribute("choice", d.choice);
          j.attribute("bits", d.bits);
          j.attribute("rel_mse", d.relMse);
          if (d.sensitivity)
            j.attribute("sensitivity", *d.sensitivity);
          j.attributeArray("candidates", [&] {
            for (const auto &[name, bits, relMse] : d.candidates)
              j.object([&] {
                j.attribute("format", name);
                j.attribute("bits", bits);
                j.attribute("rel_mse", relMse);
              });
          });
        });
    });
    j.attributeObject("totals", [&] {
      j.attribute("avg_bits",
                  numElements ? double(totalBits) / double(numElements) : 0.0);
      j.attribute("sum_rel_mse", sumRelMse);
      j.attribute("bytes_before", bytesBefore);
      j.attribute("bytes_after", bytesAfter);
      j.attribute("bits", totalBits);
      j.attribute("numel", numElements);
      j.attribute("objective", objective.getValue());
      if (budgetBits >= 0) {
        j.attribute("budget_bits", budgetBits);
        // What the exact solver did (docs/FormatSelection.md).
        j.attributeObject("solver", [&] {
          j.attribute("lambda", stats.lambda);
          j.attribute("core_items", stats.coreItems);
          j.attribute("dp_items", stats.dpItems);
          j.attribute("unit_bits", stats.unit);
          j.attribute("capacity_units", stats.capacityUnits);
          j.attribute("max_frontier", stats.maxFrontier);
          j.attribute("least_units", stats.leastUnits);
        });
      }
    });
  });
  os << "\n";
}
