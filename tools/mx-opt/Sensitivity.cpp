//===- Sensitivity.cpp - The measurer of objective=sensitivity ------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx-select-formats' `objective=sensitivity` runs the program, which the
// dialect transforms cannot: this driver-side measurer (registered by
// mx-opt) quantizes one operand at a time with mx-apply-policy, compiles
// with mx::CompiledModule and compares the outputs on the calibration
// samples with the f32 program's (docs/FormatSelection.md, "Error models").
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXAttributes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Dialect/MX/Transforms/SelectFormats.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <cstring>

using namespace mlir;
namespace mxd = mlir::mx;

namespace {

struct Sample {
  std::vector<std::vector<uint8_t>> data;
  SmallVector<mxd::BufferRef> refs;
};

/// The outputs of `module` (consumed) on every sample, as f32 values.
FailureOr<std::vector<std::vector<float>>>
runSamples(ModuleOp module, StringRef entry, std::vector<Sample> &samples) {
  mxd::CompileOptions options;
  options.bufferFunctions.push_back(entry.str());
  options.fold = true;
  FailureOr<std::unique_ptr<mxd::CompiledModule>> compiled =
      mxd::CompiledModule::compile(module, options);
  if (failed(compiled))
    return failure();
  const mxd::FunctionSignature *sig = (*compiled)->getSignature(entry);
  std::vector<std::vector<float>> outputs;
  for (Sample &s : samples) {
    std::vector<std::vector<float>> results;
    SmallVector<mxd::BufferRef> refs;
    for (const mxd::TensorSpec &spec : sig->results) {
      if (spec.elementType != mxd::ElementType::f32)
        return module.emitError()
               << "mx-select-formats: objective=sensitivity compares f32 "
                  "results; @"
               << entry << " returns " << spec.str();
      results.emplace_back(spec.getNumElements());
    }
    for (auto [spec, r] : llvm::zip_equal(sig->results, results))
      refs.push_back(
          mxd::BufferRef::get(r.data(), mxd::ElementType::f32, spec.shape));
    if (llvm::Error err = (*compiled)->call(entry, s.refs, refs))
      return module.emitError()
             << "mx-select-formats: cannot run @" << entry
             << " on a calibration sample: " << llvm::toString(std::move(err));
    std::vector<float> flat;
    for (const std::vector<float> &r : results)
      flat.insert(flat.end(), r.begin(), r.end());
    outputs.push_back(std::move(flat));
  }
  return outputs;
}

std::optional<mxd::ElementType> fromNpy(mxsupport::NpyDType t) {
  using mxsupport::NpyDType;
  switch (t) {
  case NpyDType::Float64:
    return mxd::ElementType::f64;
  case NpyDType::Float32:
    return mxd::ElementType::f32;
  case NpyDType::Float16:
    return mxd::ElementType::f16;
  case NpyDType::UInt16:
    return mxd::ElementType::bf16;
  case NpyDType::Int64:
    return mxd::ElementType::i64;
  case NpyDType::Int32:
    return mxd::ElementType::i32;
  case NpyDType::Int16:
    return mxd::ElementType::i16;
  case NpyDType::Int8:
    return mxd::ElementType::i8;
  case NpyDType::Bool:
    return mxd::ElementType::i1;
  default:
    return std::nullopt;
  }
}

/// A copy of `module` without any `mx.policy`, and its op at walk index
/// `index` (-1: none).
OwningOpRef<ModuleOp> cloneWithoutPolicies(ModuleOp module, int64_t index,
                                           Operation **found) {
  OwningOpRef<ModuleOp> clone = module.clone();
  StringRef name = mxd::MXDialect::getPolicyAttrName();
  int64_t i = 0;
  clone->getOperation()->removeAttr(name);
  clone->walk([&](Operation *op) {
    op->removeAttr(name);
    if (i++ == index)
      *found = op;
  });
  return clone;
}

FailureOr<std::vector<double>>
measure(ModuleOp module, ArrayRef<mxd::SensitivityProbe> probes,
        const mxsel::CalibrationData &calibration, StringRef format) {
  MLIRContext *ctx = module.getContext();
  StringRef entry = calibration.entry;
  if (calibration.samples.empty())
    return module.emitError() << "mx-select-formats: the calibration file "
                                 "lists no samples to run";
  std::vector<Sample> samples;
  for (const std::vector<std::string> &files : calibration.samples) {
    Sample s;
    for (const std::string &file : files) {
      llvm::Expected<mxsupport::NpyArray> array = mxsupport::readNpyFile(file);
      if (!array)
        return module.emitError()
               << "mx-select-formats: calibration sample " << file << ": "
               << llvm::toString(array.takeError());
      std::optional<mxd::ElementType> type = fromNpy(array->dtype);
      if (!type)
        return module.emitError() << "mx-select-formats: calibration sample "
                                  << file << " has an unsupported dtype";
      s.data.push_back(std::move(array->data));
      s.refs.push_back(
          mxd::BufferRef::get(s.data.back().data(), *type, array->shape));
    }
    samples.push_back(std::move(s));
  }
  // Buffers moved into `data` keep their addresses only after all pushes.
  for (Sample &s : samples)
    for (auto [ref, bytes] : llvm::zip_equal(s.refs, s.data))
      ref.data = bytes.data();

  Operation *unused = nullptr;
  OwningOpRef<ModuleOp> f32 = cloneWithoutPolicies(module, -1, &unused);
  FailureOr<std::vector<std::vector<float>>> reference =
      runSamples(*f32, entry, samples);
  if (failed(reference))
    return failure();

  DenseMap<Operation *, int64_t> walkIndex;
  int64_t counter = 0;
  module.walk([&](Operation *op) { walkIndex[op] = counter++; });
  std::optional<mxref::Format> probeFormat = mxref::lookupPreset(format);
  std::vector<double> result;
  for (const mxd::SensitivityProbe &p : probes) {
    Operation *op = nullptr;
    OwningOpRef<ModuleOp> probe =
        cloneWithoutPolicies(module, walkIndex.lookup(p.op), &op);
    Attribute choice = mxd::FormatAttr::get(ctx, *probeFormat);
    Attribute none = mxd::PlainFormatAttr::get(ctx, mxd::PlainFormat::none);
    // Nothing else is quantized: the module says none for both roles.
    (*probe)->setAttr(
        mxd::MXDialect::getPolicyAttrName(),
        mxd::PolicyAttr::get(ctx, none, none, {}, {}, {}, {}, {}, {}, {}));
    op->setAttr(mxd::MXDialect::getPolicyAttrName(),
                mxd::PolicyAttr::get(ctx, {}, {}, {}, {}, {}, {},
                                     p.isLhs ? choice : Attribute(),
                                     p.isLhs ? Attribute() : choice, {}));
    // The probes' own remarks (mx-apply-policy's) are not the user's.
    ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &diag) {
      return success(diag.getSeverity() == DiagnosticSeverity::Remark);
    });
    PassManager pm = PassManager::on<ModuleOp>(ctx);
    if (failed(parsePassPipeline("mx-apply-policy", pm)) ||
        failed(pm.run(*probe)))
      return failure();
    FailureOr<std::vector<std::vector<float>>> out =
        runSamples(*probe, entry, samples);
    if (failed(out))
      return failure();
    double sumErrSq = 0, sumSq = 0;
    for (auto [y, q] : llvm::zip_equal(*reference, *out))
      for (auto [a, b] : llvm::zip_equal(y, q)) {
        double e = double(a) - double(b);
        sumErrSq += e * e;
        sumSq += double(a) * double(a);
      }
    result.push_back(sumSq > 0 ? sumErrSq / sumSq : 0.0);
  }
  return result;
}

} // namespace

namespace mxopt {
void registerSensitivityMeasurer() {
  mxd::registerSensitivityMeasurer(measure);
}
} // namespace mxopt
