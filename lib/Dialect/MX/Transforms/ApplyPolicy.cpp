//===- ApplyPolicy.cpp - mx-apply-policy ----------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Carries out #mx.policy: every recognised contraction becomes mx.quantize +
// mx.matmul with the formats its effective policy names (docs/Policies.md).
// Weights with a constant root are quantized here, at compile time, through
// the reference library's folds; everything else is quantized by the
// compiled program.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/Dialect/MX/MXTypes.h"
#include "mx/Dialect/MX/Transforms/Contraction.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_APPLYPOLICYPASS
#include "mx/Dialect/MX/MXPasses.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

namespace {

/// One entry of a rule file: every criterion given must hold.
struct Rule {
  std::optional<std::string> name, function, opName;
  std::optional<llvm::Regex> nameRegex;
  PolicyAttr policy;

  bool matches(Operation *op) const {
    auto nameAttr = op->getAttrOfType<StringAttr>(MXDialect::getNameAttrName());
    if ((name || nameRegex) && !nameAttr)
      return false;
    if (name && nameAttr.getValue() != *name)
      return false;
    if (nameRegex && !nameRegex->match(nameAttr.getValue()))
      return false;
    if (opName && op->getName().getStringRef() != *opName)
      return false;
    if (function) {
      auto fn = op->getParentOfType<FunctionOpInterface>();
      if (!fn || fn.getName() != *function)
        return false;
    }
    return true;
  }
};

/// Parses a rule file (docs/Policies.md); diagnostics go to `module`.
FailureOr<SmallVector<Rule>> parseRuleFile(StringRef path, ModuleOp module) {
  auto fail = [&](const Twine &msg) -> FailureOr<SmallVector<Rule>> {
    module.emitError() << "policy-file '" << path << "': " << msg;
    return failure();
  };
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail(buffer.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return fail(llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Array *rules = root ? root->getArray("rules") : nullptr;
  if (!rules)
    return fail("expected an object with a \"rules\" array");
  SmallVector<Rule> result;
  for (auto [i, value] : llvm::enumerate(*rules)) {
    std::string where = "rule " + std::to_string(i) + ": ";
    const llvm::json::Object *obj = value.getAsObject();
    if (!obj)
      return fail(where + "expected an object");
    Rule rule;
    for (const auto &[key, field] : *obj) {
      std::optional<StringRef> text = field.getAsString();
      if (!text)
        return fail(where + "\"" + key.str() + "\" must be a string");
      if (key == "name") {
        rule.name = text->str();
      } else if (key == "name_regex") {
        llvm::Regex regex(("^(" + *text + ")$").str());
        std::string error;
        if (!regex.isValid(error))
          return fail(where + "bad name_regex: " + error);
        rule.nameRegex = std::move(regex);
      } else if (key == "function") {
        rule.function = text->str();
      } else if (key == "op") {
        rule.opName = text->str();
      } else if (key == "policy") {
        Attribute attr = parseAttribute(*text, module.getContext());
        rule.policy = dyn_cast_or_null<PolicyAttr>(attr);
        if (!rule.policy)
          return fail(where + "\"policy\" must be a #mx.policy<...>");
      } else {
        return fail(where + "unknown key \"" + key.str() +
                    "\" (expected name, name_regex, function, op, policy)");
      }
    }
    if (!rule.policy)
      return fail(where + "missing \"policy\"");
    result.push_back(std::move(rule));
  }
  return result;
}

std::string describe(Attribute choice) {
  if (!choice)
    return "none";
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto format = dyn_cast<FormatAttr>(choice)) {
    StringRef preset = format.getPresetName();
    if (!preset.empty())
      os << preset;
    else
      os << format;
  } else {
    os << stringifyPlainFormat(cast<PlainFormatAttr>(choice).getValue());
  }
  return text;
}

/// How one operand enters mx.matmul.
struct OperandPlan {
  const ContractionOperand *operand;
  bool isLhs;
  Attribute choice; // FormatAttr, PlainFormatAttr or null (= none)
  int64_t blockK = 1, blockOther = 1;
  ScaleModeAttr scaleMode; // null = the op's default

  FormatAttr format() const { return dyn_cast_or_null<FormatAttr>(choice); }
  /// A per-tensor format (fp8_e4m3_tensor): no blocks, so no block shape,
  /// no K-block constraint and no part in rule M6.
  bool perTensor() const {
    FormatAttr f = format();
    return f && f.getFormat().scale == mxref::ScaleKind::None;
  }
  /// The block shape in the matmul view (empty for a per-tensor format).
  SmallVector<int64_t> block() const {
    if (perTensor())
      return {};
    SmallVector<int64_t> b(operand->shape.size(), 1);
    size_t r = b.size();
    b[isLhs ? r - 1 : r - 2] = blockK;
    b[isLhs ? r - 2 : r - 1] = blockOther;
    return b;
  }
  int64_t kAxis() const { return operand->shape.size() - (isLhs ? 1 : 2); }
};

struct ApplyPolicyPass : mlir::mx::impl::ApplyPolicyPassBase<ApplyPolicyPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// Rewrites one contraction, or explains in a remark why not.
  void rewrite(const Contraction &c, PolicyAttr policy);
  /// The operand as mx.matmul takes it; f32 values that folding may have
  /// left unused are added to `folded`.
  Value materialize(OpBuilder &b, Location loc, const OperandPlan &plan,
                    int64_t hadamard, SmallVectorImpl<Value> &folded);
};

void ApplyPolicyPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();

  // The command-line default policy.
  PolicyAttr defaults;
  {
    std::string text = "#mx.policy<activations = " + activations;
    if (!weights.empty())
      text += ", weights = " + weights;
    text += ">";
    Attribute attr = parseAttribute(text, ctx);
    defaults = dyn_cast_or_null<PolicyAttr>(attr);
    if (!defaults) {
      module.emitError() << "mx-apply-policy: bad weights/activations option ("
                         << text << ")";
      return signalPassFailure();
    }
  }
  SmallVector<Rule> rules;
  if (!policyFile.empty()) {
    FailureOr<SmallVector<Rule>> parsed = parseRuleFile(policyFile, module);
    if (failed(parsed))
      return signalPassFailure();
    rules = std::move(*parsed);
  }

  SmallVector<linalg::LinalgOp> candidates;
  module.walk([&](linalg::LinalgOp op) {
    if (op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 &&
        op.getNumReductionLoops() > 0)
      candidates.push_back(op);
  });
  for (linalg::LinalgOp linalgOp : candidates) {
    Operation *op = linalgOp;
    // Resolution: command-line defaults, then the IR's scopes (innermost
    // wins), then the first matching rule.
    PolicyAttr policy = defaults;
    if (PolicyAttr scoped = getEffectivePolicy(op))
      policy = policy.mergedWith(scoped);
    for (const Rule &rule : rules)
      if (rule.matches(op)) {
        policy = policy.mergedWith(rule.policy);
        break;
      }
    std::string whyNot;
    FailureOr<Contraction> c = matchContraction(op, &whyNot);
    if (failed(c)) {
      if (linalg::isaContractionOpInterface(linalgOp) ||
          isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::MatvecOp,
              linalg::VecmatOp>(op))
        emitRemark(op->getLoc())
            << "mx-apply-policy: not rewritten: " << whyNot;
      continue;
    }
    rewrite(*c, policy);
  }
}

Value ApplyPolicyPass::materialize(OpBuilder &b, Location loc,
                                   const OperandPlan &plan, int64_t hadamard,
                                   SmallVectorImpl<Value> &folded) {
  const ContractionOperand &operand = *plan.operand;
  auto viewType = RankedTensorType::get(operand.shape, b.getF32Type());
  Value value;
  if (operand.constant) {
    // Compile time: the folded values in matmul orientation.
    std::vector<float> values = *getWeightValues(operand);
    value = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(viewType, ArrayRef<float>(values)));
  } else {
    // Run time: bring the operand into matmul orientation.
    value = operand.value;
    SmallVector<int64_t> present;
    for (int64_t d : operand.dims)
      if (d >= 0)
        present.push_back(d);
    if (!llvm::is_sorted(present)) {
      auto valueType = cast<RankedTensorType>(value.getType());
      SmallVector<int64_t> shape;
      for (int64_t d : present)
        shape.push_back(valueType.getDimSize(d));
      Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
      value = linalg::TransposeOp::create(b, loc, value, empty, present)
                  ->getResult(0);
    }
    if (present.size() != operand.dims.size()) {
      // Insert the unit M (vecmat) or N (matvec) dimension.
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices group;
      for (auto [i, d] : llvm::enumerate(operand.dims)) {
        group.push_back(i);
        if (d >= 0) {
          groups.push_back(group);
          group.clear();
        }
      }
      if (!group.empty())
        groups.back().append(group.begin(), group.end());
      value = tensor::ExpandShapeOp::create(b, loc, viewType, value, groups);
    }
  }
  if (hadamard) {
    folded.push_back(value);
    // Fold on a constant (compile time), mx.hadamard at run time.
    value = b.createOrFold<HadamardOp>(
        loc, value, b.getI64IntegerAttr(plan.kAxis()),
        b.getI64IntegerAttr(hadamard), IntegerAttr(), UnitAttr());
  }
  if (isBF16Choice(plan.choice)) {
    auto bf16Type = RankedTensorType::get(operand.shape, b.getBF16Type());
    DenseElementsAttr constant;
    if (matchPattern(value, m_Constant(&constant))) {
      // Compile time: RNE to bf16, stored as bf16, widened exactly for the
      // product.
      folded.push_back(value);
      SmallVector<APFloat> rounded;
      rounded.reserve(constant.getNumElements());
      for (APFloat f : constant.getValues<APFloat>()) {
        bool lost;
        f.convert(APFloat::BFloat(), APFloat::rmNearestTiesToEven, &lost);
        rounded.push_back(f);
      }
      value = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(bf16Type, rounded));
    } else {
      value = arith::TruncFOp::create(b, loc, bf16Type, value);
    }
    value = arith::ExtFOp::create(b, loc, viewType, value);
  }
  if (FormatAttr format = plan.format()) {
    folded.push_back(value);
    auto type = BlockScaledTensorType::get(operand.shape, format, plan.block());
    value = b.createOrFold<QuantizeOp>(
        loc, type, value, Value(), Value(), plan.scaleMode,
        RoundingAttr::get(b.getContext(), Rounding::rne));
  }
  return value;
}

void ApplyPolicyPass::rewrite(const Contraction &c, PolicyAttr policy) {
  Operation *op = c.op;
  OperandPlan lhs{&c.lhs, /*isLhs=*/true,
                  policy.getOperandChoice(true, c.lhs.isWeight())};
  OperandPlan rhs{&c.rhs, /*isLhs=*/false,
                  policy.getOperandChoice(false, c.rhs.isWeight())};
  for (OperandPlan *plan : {&lhs, &rhs})
    if (isNoneChoice(plan->choice))
      plan->choice = {};
  int64_t hadamard = policy.getHadamard();
  if (!lhs.choice && !rhs.choice && !hadamard)
    return; // nothing to quantize here
  auto reject = [&](const Twine &why) {
    emitRemark(op->getLoc()) << "mx-apply-policy: not rewritten: " << why;
  };
  if (policy.getRounding() &&
      policy.getRounding().getValue() == Rounding::stochastic)
    return reject("stochastic rounding needs random bits, which "
                  "mx-apply-policy does not generate");

  // Blocks along K; a weight's other extent comes from weight_block.
  for (OperandPlan *plan : {&lhs, &rhs}) {
    FormatAttr format = plan->format();
    if (!format || plan->perTensor())
      continue;
    plan->blockK = format.getBlockSize();
    ArrayRef<int64_t> wb = policy.getWeightBlock();
    if (plan->operand->isWeight() && !wb.empty()) {
      plan->blockK = wb[0];
      plan->blockOther = wb[1];
    }
    if (ScaleModeAttr mode = policy.getScaleMode();
        mode && format.getFormat().scale == mxref::ScaleKind::E8M0) {
      if (std::optional<std::string> err = mxref::checkScaleMode(
              format.getFormat(), toReference(mode.getValue())))
        return reject(Twine(plan->isLhs ? "lhs: " : "rhs: ") + *err);
      plan->scaleMode = mode;
    }
  }
  // Rule M6: both block-scaled means equal K blocks. The activation follows
  // the weight (with two activations, the rhs follows the lhs).
  std::string m6;
  if (lhs.format() && rhs.format() && !lhs.perTensor() && !rhs.perTensor() &&
      lhs.blockK != rhs.blockK) {
    bool rhsLeads = c.rhs.isWeight() && !c.lhs.isWeight();
    OperandPlan &leader = rhsLeads ? rhs : lhs;
    OperandPlan &follower = rhsLeads ? lhs : rhs;
    m6 = (Twine(follower.isLhs ? "lhs" : "rhs") + " K block set to " +
          Twine(leader.blockK) + " (from " + Twine(follower.blockK) +
          ") to match the " + (leader.isLhs ? "lhs" : "rhs") + " (rule M6)")
             .str();
    follower.blockK = leader.blockK;
  }
  for (OperandPlan *plan : {&lhs, &rhs}) {
    if (!plan->format() || plan->perTensor())
      continue;
    StringRef side = plan->isLhs ? "lhs" : "rhs";
    int64_t other = plan->isLhs ? c.m : c.n;
    if (c.k % plan->blockK)
      return reject(Twine(side) + ": K = " + Twine(c.k) +
                    " is not a multiple of the block " + Twine(plan->blockK));
    if (other % plan->blockOther)
      return reject(Twine(side) + ": " + (plan->isLhs ? "M" : "N") + " = " +
                    Twine(other) + " is not a multiple of the block " +
                    Twine(plan->blockOther));
  }
  if (hadamard && c.k % hadamard)
    return reject("K = " + Twine(c.k) +
                  " is not a multiple of hadamard = " + Twine(hadamard));
  for (OperandPlan *plan : {&lhs, &rhs})
    if (plan->operand->constant && failed(getWeightValues(*plan->operand)))
      return reject(Twine(plan->isLhs ? "lhs" : "rhs") +
                    ": the weight's values are unavailable (an elided "
                    "resource blob?)");

  if (!m6.empty())
    emitRemark(op->getLoc()) << "mx-apply-policy: " << m6;
  OpBuilder b(op);
  Location loc = op->getLoc();
  SmallVector<Value> folded;
  Value lhsValue = materialize(b, loc, lhs, hadamard, folded);
  Value rhsValue = materialize(b, loc, rhs, hadamard, folded);
  SmallVector<int64_t> shape(c.batch);
  shape.append({c.m, c.n});
  auto resultViewType = RankedTensorType::get(shape, b.getF32Type());
  Value result = MatmulOp::create(b, loc, resultViewType, lhsValue, rhsValue);

  // Back to the init's layout: drop the unit M/N of matvec/vecmat, then
  // transpose into the output map's order.
  auto linalgOp = cast<linalg::LinalgOp>(op);
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  AffineMap outMap = linalgOp.getMatchingIndexingMap(init);
  SmallVector<std::optional<unsigned>> viewLoops(c.batchDims.begin(),
                                                 c.batchDims.end());
  viewLoops.append({c.mDim, c.nDim});
  SmallVector<unsigned> presentLoops;
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices group;
  for (auto [i, loop] : llvm::enumerate(viewLoops)) {
    group.push_back(i);
    if (loop) {
      presentLoops.push_back(*loop);
      groups.push_back(group);
      group.clear();
    }
  }
  if (!group.empty() && !groups.empty())
    groups.back().append(group.begin(), group.end());
  if (presentLoops.size() != viewLoops.size())
    result = tensor::CollapseShapeOp::create(b, loc, result, groups);
  SmallVector<int64_t> perm;
  for (unsigned j = 0; j < outMap.getNumResults(); ++j)
    perm.push_back(llvm::find(presentLoops, outMap.getDimPosition(j)) -
                   presentLoops.begin());
  auto initType = cast<RankedTensorType>(init->get().getType());
  if (!llvm::is_sorted(perm)) {
    Value empty =
        tensor::EmptyOp::create(b, loc, initType.getShape(), b.getF32Type());
    result =
        linalg::TransposeOp::create(b, loc, result, empty, perm)->getResult(0);
  }
  // C += A B: a zero fill adds nothing; any other init is added back.
  Value initValue = init->get();
  bool zeroInit = false;
  if (auto fill = initValue.getDefiningOp<linalg::FillOp>())
    zeroInit = matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  else
    zeroInit = matchPattern(initValue, m_AnyZeroFloat());
  if (!zeroInit)
    result = arith::AddFOp::create(b, loc, result, initValue);

  {
    // At the op's location, without the op attached: printing an op into
    // its remark walks its whole function to name values, so one remark per
    // contraction was quadratic in the function's size.
    InFlightDiagnostic diag = emitRemark(loc) << "mx-apply-policy:";
    for (OperandPlan *plan : {&lhs, &rhs}) {
      diag << " " << (plan->isLhs ? "lhs" : "rhs") << " "
           << (plan->operand->isWeight() ? "weight" : "activation") << " "
           << describe(plan->choice);
      if (plan->perTensor()) {
        diag << " per tensor";
      } else if (plan->format()) {
        diag << " block [";
        llvm::interleaveComma(plan->block(), diag);
        diag << "]";
      }
      if (plan->operand->constant && plan->choice)
        diag << " (compile time)";
      diag << ";";
    }
    if (hadamard)
      diag << " hadamard " << hadamard << " along K;";
    diag << " K = " << c.k;
  }

  op->getResult(0).replaceAllUsesWith(result);
  // The contraction, its weights' layout chains and zero fill, and the f32
  // constants folded into mx.constant are now dead.
  SmallVector<Operation *> worklist{op};
  for (Value v : folded)
    if (Operation *def = v.getDefiningOp())
      worklist.push_back(def);
  while (!worklist.empty()) {
    Operation *d = worklist.pop_back_val();
    if (!isOpTriviallyDead(d))
      continue;
    for (Value operand : d->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    d->erase();
  }
}

} // namespace
