//===- Calibrate.cpp - mx-run --calibrate ---------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Runs the f32 program on one sample with every activation operand of every
// matched contraction of the entry function returned as an extra result,
// and adds the values' exact statistics to a calibration file
// (docs/FormatSelection.md, "Calibration file").
//
//===----------------------------------------------------------------------===//

#include "Calibrate.h"

#include "mx/Dialect/MX/MXPasses.h"
#include "mx/Dialect/MX/Transforms/Calibration.h"
#include "mx/Dialect/MX/Transforms/Contraction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
namespace mxd = mlir::mx;

namespace {

/// One tapped activation.
struct Tap {
  std::string key, func, opName, loc;
  bool isLhs;
  SmallVector<int64_t, 4> shape; // as the matmul sees it
  SmallVector<int64_t, 4> storedShape, dims;
  Value value;
};

std::string printLoc(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

/// The operand's values row-major as the matmul sees it: `seen[i]` is
/// dimension `dims[i]` of the stored tensor (-1: a unit dimension it lacks).
std::vector<float> toMatmulView(ArrayRef<float> stored,
                                ArrayRef<int64_t> storedShape,
                                ArrayRef<int64_t> seen,
                                ArrayRef<int64_t> dims) {
  SmallVector<int64_t> storedStride(storedShape.size(), 1);
  for (size_t d = storedShape.size(); d-- > 1;)
    storedStride[d - 1] = storedStride[d] * storedShape[d];
  int64_t n = 1;
  for (int64_t d : seen)
    n *= d;
  std::vector<float> out(n);
  SmallVector<int64_t> coord(seen.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < seen.size(); ++d)
      if (dims[d] >= 0)
        offset += coord[d] * storedStride[dims[d]];
    out[i] = stored[offset];
    for (size_t d = seen.size(); d-- > 0;) {
      if (++coord[d] < seen[d])
        break;
      coord[d] = 0;
    }
  }
  return out;
}

} // namespace

LogicalResult mxrun::calibrate(ModuleOp source, StringRef entryName,
                               ArrayRef<mxd::BufferRef> inputs,
                               ArrayRef<std::string> inputFiles,
                               StringRef moduleFile, StringRef file) {
  MLIRContext *ctx = source.getContext();
  OwningOpRef<ModuleOp> module = source.clone();
  // The f32 program: quantization written in the source is removed.
  {
    PassManager pm(ctx);
    pm.addPass(mxd::createStripQuantizationPass());
    if (failed(pm.run(*module)))
      return failure();
  }
  auto entry = module->lookupSymbol<func::FuncOp>(entryName);
  Region &body = entry.getBody();

  // The activation operands, numbered as mx-select-formats numbers them.
  std::vector<Tap> taps;
  module->walk([&](FunctionOpInterface func) {
    int64_t ordinal = 0;
    func.walk([&](Operation *op) {
      if (op == func.getOperation())
        return;
      FailureOr<mxd::Contraction> c = mxd::matchContraction(op);
      if (failed(c))
        return;
      int64_t index = ordinal++;
      for (bool isLhs : {true, false}) {
        const mxd::ContractionOperand &o = isLhs ? c->lhs : c->rhs;
        if (o.role != mxd::OperandRole::Activation)
          continue;
        auto type = dyn_cast<RankedTensorType>(o.value.getType());
        const char *why = nullptr;
        if (func.getOperation() != entry.getOperation())
          why = "it is not in the entry function";
        else if (Value(o.value).getParentRegion() != &body)
          why = "it is computed inside a nested region";
        else if (!type || !type.getElementType().isF32() ||
                 !type.hasStaticShape())
          why = "it is not a statically shaped f32 tensor";
        if (why) {
          op->emitWarning()
              << "mx-run --calibrate: the " << (isLhs ? "lhs" : "rhs")
              << " activation is not calibrated: " << why;
          continue;
        }
        Tap t;
        t.key = mxsel::getCalibrationKey(func.getName(), index, isLhs);
        t.func = func.getName().str();
        t.opName = op->getName().getStringRef().str();
        t.loc = printLoc(op->getLoc());
        t.isLhs = isLhs;
        t.shape.assign(o.shape.begin(), o.shape.end());
        t.storedShape.assign(type.getShape().begin(), type.getShape().end());
        t.dims.assign(o.dims.begin(), o.dims.end());
        t.value = o.value;
        taps.push_back(std::move(t));
      }
    });
  });

  // Return every tapped value after the entry's own results.
  // (The entry is lowered away by compile(): count its results now.)
  size_t numResults = entry.getNumResults();
  auto ret = cast<func::ReturnOp>(body.back().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  for (const Tap &t : taps)
    results.push_back(t.value);
  ret->setOperands(results);
  entry.setType(FunctionType::get(ctx, entry.getArgumentTypes(),
                                  ValueRange(results).getTypes()));

  mxd::CompileOptions options;
  options.bufferFunctions.push_back(entryName.str());
  options.fold = true;
  FailureOr<std::unique_ptr<mxd::CompiledModule>> compiled =
      mxd::CompiledModule::compile(*module, options);
  if (failed(compiled))
    return failure();
  const mxd::FunctionSignature *sig = (*compiled)->getSignature(entryName);
  std::vector<std::vector<uint8_t>> storage;
  SmallVector<mxd::BufferRef> outputs;
  for (const mxd::TensorSpec &spec : sig->results)
    storage.emplace_back(spec.getByteSize());
  for (auto [spec, bytes] : llvm::zip_equal(sig->results, storage))
    outputs.push_back(
        mxd::BufferRef::get(bytes.data(), spec.elementType, spec.shape));
  if (llvm::Error err = (*compiled)->call(entryName, inputs, outputs))
    return source.emitError() << "mx-run --calibrate: cannot run the "
                                 "compiled code: "
                              << llvm::toString(std::move(err));

  // Accumulate into the file (created when missing).
  mxsel::CalibrationData data;
  if (llvm::sys::fs::exists(file)) {
    llvm::Expected<mxsel::CalibrationData> old = mxsel::readCalibration(file);
    if (!old) {
      llvm::errs() << "mx-run: error: " << llvm::toString(old.takeError())
                   << "\n";
      return failure();
    }
    data = std::move(*old);
    if (data.entry != entryName)
      return source.emitError()
             << "mx-run --calibrate: " << file << " calibrates @" << data.entry
             << ", not @" << entryName;
  } else {
    data.module = moduleFile.str();
    data.entry = entryName.str();
  }
  for (auto [i, t] : llvm::enumerate(taps)) {
    const std::vector<uint8_t> &bytes = storage[numResults + i];
    std::vector<float> stored(bytes.size() / sizeof(float));
    std::memcpy(stored.data(), bytes.data(), bytes.size());
    std::vector<float> values =
        toMatmulView(stored, t.storedShape, t.shape, t.dims);
    mxsel::CalibrationOperand &op = data.getOrCreate(t.key);
    if (op.samples && ArrayRef<int64_t>(op.shape) != ArrayRef<int64_t>(t.shape))
      return source.emitError()
             << "mx-run --calibrate: " << file << " describes " << t.key
             << " with another shape; it calibrates a different program";
    op.func = t.func;
    op.op = t.opName;
    op.loc = t.loc;
    op.operand = t.isLhs ? "lhs" : "rhs";
    op.shape.assign(t.shape.begin(), t.shape.end());
    mxsel::OperandGeometry g;
    g.shape = t.shape;
    g.isLhs = t.isLhs;
    g.isWeight = false;
    mxsel::addSample(op, values, g);
  }
  std::vector<std::string> sample;
  for (const std::string &f : inputFiles) {
    SmallString<256> path(f);
    llvm::sys::fs::make_absolute(path);
    sample.push_back(path.str().str());
  }
  data.samples.push_back(std::move(sample));
  if (llvm::Error err = mxsel::writeCalibration(file, data)) {
    llvm::errs() << "mx-run: error: " << llvm::toString(std::move(err)) << "\n";
    return failure();
  }
  return success();
}
