//===- Core.cpp - The MLIR side of the Python package ---------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "Core.h"
#include "Calibrate.h"

#include "mx/Dialect/MX/MXTypes.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/InitAllPasses.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <mutex>

// tools/mx-opt/Sensitivity.cpp, compiled into the extension as well:
// mx-select-formats' objective=sensitivity needs a driver-side measurer.
// (tools/mx-run/Calibrate.cpp, mx-run --calibrate, is compiled in too.)
namespace mxopt {
void registerSensitivityMeasurer();
} // namespace mxopt

using namespace mlir;
namespace mxd = mlir::mx;

namespace mxpy {

class ContextImpl {
public:
  ContextImpl() : ctx(makeRegistry(), MLIRContext::Threading::DISABLED) {
    ctx.loadAllAvailableDialects();
    // Diagnostics become exception messages: never dump IR into them.
    ctx.printOpOnDiagnostic(false);
  }
  MLIRContext ctx;

private:
  static DialectRegistry makeRegistry() {
    static std::once_flag registered;
    std::call_once(registered, [] {
      mlir::registerAllPasses();
      mxd::registerAllPasses();
      mxopt::registerSensitivityMeasurer();
    });
    DialectRegistry registry;
    mxd::registerAllDialects(registry);
    return registry;
  }
};

class ModuleImpl {
public:
  explicit ModuleImpl(OwningOpRef<ModuleOp> op) : op(std::move(op)) {}
  OwningOpRef<ModuleOp> op;
};

class CompiledImpl {
public:
  std::unique_ptr<mxd::CompiledModule> compiled;
};

namespace {

/// "FILE:LINE:COL" for the location a user can open.
std::string formatLocation(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("{0}:{1}:{2}", file.getFilename().getValue(),
                         file.getLine(), file.getColumn())
        .str();
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (!isa<UnknownLoc>(name.getChildLoc()))
      return formatLocation(name.getChildLoc());
    return "'" + name.getName().str() + "'";
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return formatLocation(call.getCallee());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (!isa<UnknownLoc>(inner))
        return formatLocation(inner);
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

const char *getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Remark:
    return "remark";
  case DiagnosticSeverity::Note:
    return "note";
  }
  return "error";
}

/// Collects every diagnostic emitted in its scope: errors (with their notes)
/// as one message, the others for Python's `diagnostics` lists.
class DiagnosticCapture {
public:
  explicit DiagnosticCapture(MLIRContext &ctx)
      : handler(&ctx, [this](mlir::Diagnostic &diag) {
          record(diag);
          return success();
        }) {}

  Failure failure(llvm::StringRef fallback) const {
    return {errors.empty() ? fallback.str() : errors};
  }
  std::vector<Diagnostic> others;

private:
  void record(mlir::Diagnostic &diag) {
    std::string line = formatLocation(diag.getLocation()) + ": " +
                       getSeverityName(diag.getSeverity()) + ": " + diag.str();
    if (diag.getSeverity() != DiagnosticSeverity::Error) {
      others.push_back({getSeverityName(diag.getSeverity()),
                        formatLocation(diag.getLocation()), diag.str()});
      return;
    }
    if (!errors.empty())
      errors += "\n";
    errors += line;
    for (mlir::Diagnostic &note : diag.getNotes())
      errors +=
          "\n" + formatLocation(note.getLocation()) + ": note: " + note.str();
  }

  std::string errors;
  ScopedDiagnosticHandler handler;
};

TensorSpec toPython(const mxd::TensorSpec &spec) {
  return {mxd::stringifyElementType(spec.elementType).str(),
          mxd::getElementByteSize(spec.elementType),
          std::vector<int64_t>(spec.shape.begin(), spec.shape.end())};
}

std::optional<mxd::ElementType> parseElementType(llvm::StringRef name) {
  for (auto type :
       {mxd::ElementType::f64, mxd::ElementType::f32, mxd::ElementType::f16,
        mxd::ElementType::bf16, mxd::ElementType::i64, mxd::ElementType::i32,
        mxd::ElementType::i16, mxd::ElementType::i8, mxd::ElementType::i1})
    if (mxd::stringifyElementType(type) == name)
      return type;
  return std::nullopt;
}

/// The buffer signature of `func`, if every argument and result is a
/// statically shaped tensor of an element type buffers can hold.
std::optional<Signature> getBufferSignature(func::FuncOp func) {
  Signature sig;
  sig.name = func.getSymName().str();
  auto add = [](TypeRange types, std::vector<TensorSpec> &specs) {
    for (Type type : types) {
      std::optional<mxd::TensorSpec> spec = mxd::getTensorSpec(type);
      if (!spec)
        return false;
      specs.push_back(toPython(*spec));
    }
    return true;
  };
  if (!add(func.getArgumentTypes(), sig.inputs) ||
      !add(func.getResultTypes(), sig.results))
    return std::nullopt;
  return sig;
}

/// Whether compiled code can call `func` with buffers: every argument and
/// result a statically shaped tensor of an element type buffers can hold,
/// or an `!mx.tensor`, which crosses as its components.
bool takesBuffers(func::FuncOp func) {
  auto ok = [](Type type) {
    // An !mx.tensor is statically shaped.
    return isa<mxd::BlockScaledTensorType>(type) ||
           mxd::getTensorSpec(type).has_value();
  };
  return llvm::all_of(func.getArgumentTypes(), ok) &&
         llvm::all_of(func.getResultTypes(), ok);
}

} // namespace

//===----------------------------------------------------------------------===//
// Context and Module
//===----------------------------------------------------------------------===//

Context::Context() : ctx(std::make_unique<ContextImpl>()) {}
Context::~Context() = default;

Module::Module(std::shared_ptr<Context> ctx, std::unique_ptr<ModuleImpl> module)
    : ctx(std::move(ctx)), module(std::move(module)) {}
Module::~Module() {
  // The module's ops live in the context: destroy them first.
  module.reset();
}

std::unique_ptr<Module> Module::parse(std::shared_ptr<Context> ctx,
                                      const std::string &text,
                                      const std::string &sourceName,
                                      Failure &failure) {
  MLIRContext &mlirCtx = ctx->impl().ctx;
  DiagnosticCapture capture(mlirCtx);
  ParserConfig config(&mlirCtx);
  OwningOpRef<ModuleOp> op =
      parseSourceString<ModuleOp>(text, config, sourceName);
  if (!op) {
    failure = capture.failure("cannot parse the module");
    return nullptr;
  }
  return std::unique_ptr<Module>(
      new Module(std::move(ctx), std::make_unique<ModuleImpl>(std::move(op))));
}

std::string Module::str(bool debugInfo, bool generic) const {
  std::string s;
  llvm::raw_string_ostream os(s);
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo();
  if (generic)
    flags.printGenericOpForm();
  module->op->print(os, flags);
  return s;
}

std::unique_ptr<Module> Module::clone() const {
  OwningOpRef<ModuleOp> copy = module->op->clone();
  return std::unique_ptr<Module>(
      new Module(ctx, std::make_unique<ModuleImpl>(std::move(copy))));
}

std::optional<Failure>
Module::runPipeline(const std::string &pipeline,
                    std::vector<Diagnostic> &diagnostics) {
  MLIRContext &mlirCtx = ctx->impl().ctx;
  DiagnosticCapture capture(mlirCtx);
  std::string parseErrors;
  llvm::raw_string_ostream errs(parseErrors);
  FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, errs);
  if (failed(parsed))
    return Failure{"invalid pass pipeline '" + pipeline +
                   "': " + llvm::StringRef(parseErrors).trim().str()};
  llvm::StringRef anchor = parsed->getOpAnchorName();
  if (anchor != ModuleOp::getOperationName() &&
      anchor != OpPassManager::getAnyOpAnchorName())
    return Failure{"the pass pipeline must be anchored on builtin.module, "
                   "e.g. builtin.module(canonicalize), not on " +
                   anchor.str()};
  PassManager pm(&mlirCtx);
  static_cast<OpPassManager &>(pm) = std::move(*parsed);
  LogicalResult result = pm.run(*module->op);
  diagnostics = std::move(capture.others);
  if (failed(result))
    return capture.failure("the pass pipeline failed");
  return std::nullopt;
}

std::optional<Failure>
Module::calibrate(const std::string &entry, const std::vector<Buffer> &inputs,
                  const std::vector<std::string> &inputFiles,
                  const std::string &moduleName, const std::string &file,
                  std::vector<Diagnostic> &diagnostics) {
  ModuleOp op = *module->op;
  DiagnosticCapture capture(*op.getContext());
  auto func = op.lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isDeclaration())
    return Failure{"the module defines no function @" + entry};
  std::optional<Signature> sig = getBufferSignature(func);
  if (!sig) {
    func.emitError() << "@" << entry
                     << " cannot be called with buffers: its arguments and "
                        "results must all be statically shaped tensors";
    return capture.failure("");
  }
  if (inputs.size() != sig->inputs.size() || inputFiles.size() != inputs.size())
    return Failure{"@" + entry + " takes " +
                   std::to_string(sig->inputs.size()) + " argument(s), " +
                   std::to_string(inputs.size()) + " given"};
  SmallVector<mxd::BufferRef> refs;
  for (auto [i, b] : llvm::enumerate(inputs)) {
    const TensorSpec &want = sig->inputs[i];
    if (b.spec.elementType != want.elementType || b.spec.shape != want.shape)
      return Failure{"argument #" + std::to_string(i) + " of @" + entry +
                     " ('" + inputFiles[i] + "') must be a " +
                     want.elementType + " array of the argument's shape"};
    refs.push_back(mxd::BufferRef::get(
        b.data, *parseElementType(want.elementType), b.spec.shape));
  }
  SmallVector<std::string> files(inputFiles.begin(), inputFiles.end());
  LogicalResult result =
      mxrun::calibrate(op, entry, refs, files, moduleName, file);
  diagnostics = std::move(capture.others);
  if (failed(result))
    return capture.failure("calibration failed");
  return std::nullopt;
}

std::vector<Signature> Module::getBufferSignatures() const {
  std::vector<Signature> sigs;
  for (auto func : module->op->getOps<func::FuncOp>())
    if (!func.isDeclaration())
      if (std::optional<Signature> sig = getBufferSignature(func))
        sigs.push_back(std::move(*sig));
  return sigs;
}

std::vector<std::string> Module::getFunctionNames() const {
  std::vector<std::string> names;
  for (auto func : module->op->getOps<func::FuncOp>())
    names.push_back(func.getSymName().str());
  return names;
}

//===----------------------------------------------------------------------===//
// Compiled
//===----------------------------------------------------------------------===//

Compiled::Compiled() : impl(std::make_unique<CompiledImpl>()) {}
Compiled::~Compiled() = default;

std::unique_ptr<Compiled> Compiled::compile(const Module &module,
                                            const CompileOptions &options,
                                            Failure &failure) {
  std::unique_ptr<Module> copy = module.clone();
  ModuleOp op = *copy->impl().op;
  MLIRContext &mlirCtx = *op.getContext();
  DiagnosticCapture capture(mlirCtx);

  mxd::MXCPUPipelineOptions pipeline;
  std::string optionErrors;
  llvm::raw_string_ostream errs(optionErrors);
  if (failed(pipeline.parseFromString(options.pipelineOptions, errs))) {
    // A bad enum value is reported by llvm::cl on stderr, not in `errs`.
    std::string reason = llvm::StringRef(optionErrors).trim().str();
    if (reason.empty())
      reason =
          "an unknown value (options: vectorize, table-lookup, "
          "integer-dot, fast-subnormals, tile-constant-weights, "
          "target=host|avx512|avx512-vnni|avx512-vbmi|avx2|avx2-vnni|generic, "
          "prefetch-distance, threads, outline-kernels)";
    failure = {"invalid mx-cpu-pipeline options '" + options.pipelineOptions +
               "': " + reason};
    return nullptr;
  }
  if (options.optLevel > 3) {
    failure = {"opt_level must be 0, 1, 2 or 3, not " +
               std::to_string(options.optLevel)};
    return nullptr;
  }

  std::vector<std::string> names = options.functions;
  if (names.empty()) {
    for (auto func : op.getOps<func::FuncOp>())
      if (!func.isDeclaration() && takesBuffers(func))
        names.push_back(func.getSymName().str());
    if (names.empty()) {
      failure = {"the module has no function whose arguments and results "
                 "are all statically shaped tensors (or !mx.tensor values) "
                 "of f64, f32, f16, bf16, i64, i32, i16, i8 or i1"};
      return nullptr;
    }
  }
  for (const std::string &name : names) {
    auto func = op.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isDeclaration()) {
      failure = {"the module defines no function @" + name};
      return nullptr;
    }
    if (!takesBuffers(func)) {
      InFlightDiagnostic diag =
          func.emitError()
          << "@" << name
          << " cannot be called with buffers: its arguments and results must "
             "all be statically shaped tensors (or !mx.tensor values) of "
             "f64, f32, f16, bf16, i64, i32, i16, i8 or i1";
      diag.report();
      failure = capture.failure("");
      return nullptr;
    }
  }

  mxd::CompileOptions compileOptions;
  compileOptions.bufferFunctions.assign(names.begin(), names.end());
  compileOptions.fold = options.fold;
  compileOptions.optLevel = options.optLevel;
  compileOptions.pipeline = &pipeline;
  FailureOr<std::unique_ptr<mxd::CompiledModule>> compiled =
      mxd::CompiledModule::compile(op, compileOptions);
  if (failed(compiled)) {
    failure = capture.failure("compilation failed");
    return nullptr;
  }
  std::unique_ptr<Compiled> result(new Compiled());
  result->impl->compiled = std::move(*compiled);
  for (const std::string &name : names) {
    const mxd::FunctionSignature *sig =
        result->impl->compiled->getSignature(name);
    Signature s;
    s.name = name;
    for (const mxd::TensorSpec &spec : sig->inputs)
      s.inputs.push_back(toPython(spec));
    for (const mxd::TensorSpec &spec : sig->results)
      s.results.push_back(toPython(spec));
    result->signatures.push_back(std::move(s));
  }
  return result;
}

const Signature *Compiled::getSignature(const std::string &name) const {
  for (const Signature &sig : signatures)
    if (sig.name == name)
      return &sig;
  return nullptr;
}

std::vector<std::string> Compiled::getFunctionNames() const {
  std::vector<std::string> names;
  for (const Signature &sig : signatures)
    names.push_back(sig.name);
  return names;
}

std::optional<Failure> Compiled::call(const std::string &name,
                                      const std::vector<Buffer> &inputs,
                                      const std::vector<Buffer> &outputs) {
  auto convert =
      [](const std::vector<Buffer> &buffers,
         SmallVectorImpl<mxd::BufferRef> &refs) -> std::optional<Failure> {
    for (const Buffer &b : buffers) {
      std::optional<mxd::ElementType> type =
          parseElementType(b.spec.elementType);
      if (!type)
        return Failure{"unsupported element type '" + b.spec.elementType + "'"};
      refs.push_back(mxd::BufferRef::get(b.data, *type, b.spec.shape));
    }
    return std::nullopt;
  };
  SmallVector<mxd::BufferRef> in, out;
  if (std::optional<Failure> f = convert(inputs, in))
    return f;
  if (std::optional<Failure> f = convert(outputs, out))
    return f;
  if (llvm::Error err = impl->compiled->call(name, in, out))
    return Failure{llvm::toString(std::move(err))};
  return std::nullopt;
}

} // namespace mxpy
