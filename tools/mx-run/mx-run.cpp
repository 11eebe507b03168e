//===- mx-run.cpp - Compile and run an MX program on the CPU --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Parses an MX module, then folds (constant weights quantize at compile
// time), lowers, JIT-compiles and runs it through mx::CompiledModule: a
// no-argument entry function returning f32 tensors, written into buffers
// mx-run owns. Optionally reports what was quantized and compares against the
// same program with quantization stripped (docs/Tools.md).
//
// Every error is one diagnostic on stderr and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Packing.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <map>

using namespace mlir;
namespace mxd = mlir::mx;

namespace {

const char *const kHelp = R"(USAGE: mx-run FILE.mlir [options]

Compiles an MX program for the CPU (constant folding, which quantizes
constant weights at compile time, then mx-cpu-pipeline), JIT-compiles it and
runs a function that takes no arguments and returns statically shaped f32
tensors. FILE may be '-' for stdin.

OPTIONS:
  --entry=NAME      The function to run (default: main).
  --report          Per quantized value (mx.quantize, mx.convert, mx.constant):
                    weight or activation, when it is quantized, format, block
                    shape, bytes in f32 and in MX form, and the #mx.policy in
                    force.
  --compare-f32     Also runs the f32 baseline (the module after
                    mx-strip-quantization) and prints, per result, mse,
                    rel_mse, sqnr_db and max_abs of MX against it.
  --print-results   Prints every result value with its f32 bit pattern
                    (default: the shape and the first values).
  --help            Prints this text.
)";

struct Options {
  std::string file;
  std::string entry = "main";
  bool report = false;
  bool compare = false;
  bool printAll = false;
};

/// One command-line error, located at the command line.
int usageError(const llvm::Twine &message) {
  llvm::errs() << "mx-run: <command line>: error: " << message << "\n";
  return 1;
}

/// Parses argv; returns an exit status when the run should stop.
std::optional<int> parseArgs(int argc, char **argv, Options &opts) {
  bool haveFile = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      llvm::outs() << kHelp;
      return 0;
    }
    if (arg.starts_with("--entry")) {
      llvm::StringRef rest = arg.drop_front(strlen("--entry"));
      std::string value;
      if (rest.consume_front("="))
        value = rest.str();
      else if (rest.empty() && i + 1 < argc)
        value = argv[++i];
      else if (!rest.empty())
        return usageError("unknown option '" + arg + "'");
      if (value.empty())
        return usageError("--entry needs a function name");
      opts.entry = value;
      continue;
    }
    if (arg == "--report") {
      opts.report = true;
      continue;
    }
    if (arg == "--compare-f32") {
      opts.compare = true;
      continue;
    }
    if (arg == "--print-results") {
      opts.printAll = true;
      continue;
    }
    if (arg.size() > 1 && arg.starts_with("-"))
      return usageError("unknown option '" + arg + "' (see --help)");
    if (haveFile)
      return usageError("more than one input file ('" + opts.file + "', '" +
                        arg + "')");
    opts.file = arg.str();
    haveFile = true;
  }
  if (!haveFile)
    return usageError("no input file (usage: mx-run FILE.mlir [options])");
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Report
//===----------------------------------------------------------------------===//

/// What happened to one quantizing op.
struct QuantRecord {
  std::string name;
  bool weight = false;
  bool inSource = false; ///< an mx.constant written in the program
  bool folded = false;   ///< quantized at compile time
  bool erased = false;   ///< removed as unused
  mxd::BlockScaledTensorType type;
  std::string policy;
};

/// The report name of `op`: its `mx.name`, else its location.
std::string getValueName(Operation *op) {
  if (auto name =
          op->getAttrOfType<StringAttr>(mxd::MXDialect::getNameAttrName()))
    return name.str();
  Location loc = op->getLoc();
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    return nameLoc.getName().str();
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("{0}:{1}:{2}",
                         llvm::sys::path::filename(fileLoc.getFilename()),
                         fileLoc.getLine(), fileLoc.getColumn())
        .str();
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

std::string joinDims(ArrayRef<int64_t> dims) {
  return llvm::join(
      llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), "x");
}

/// Bytes of the MX form: packed elements, one byte per block scale, and the
/// f32 tensor scale.
int64_t getMXBytes(mxd::BlockScaledTensorType type) {
  mxref::Format format = type.getFormat().getFormat();
  int64_t blocks = 1;
  for (int64_t g : type.getBlockGrid())
    blocks *= g;
  return mxref::getPackedSize(format.elem, type.getNumElements()) + blocks +
         (format.tensorScale ? 4 : 0);
}

/// Follows the quantizing ops through canonicalization: which folded into an
/// mx.constant and which were erased unused.
struct FoldTracker : RewriterBase::Listener {
  DenseMap<Operation *, QuantRecord *> records;

  void notifyOperationReplaced(Operation *op, ValueRange values) override {
    auto it = records.find(op);
    if (it == records.end())
      return;
    // A value that folds to a constant is a weight, whatever computed it.
    if (values.size() == 1 && values[0].getDefiningOp<mxd::ConstantOp>())
      it->second->folded = it->second->weight = true;
    records.erase(it);
  }
  void notifyOperationErased(Operation *op) override {
    auto it = records.find(op);
    if (it == records.end())
      return;
    it->second->erased = true;
    records.erase(it);
  }
};

/// Records every quantizing op of `module`, in program order.
void collectRecords(ModuleOp module, std::vector<QuantRecord> &records,
                    FoldTracker &tracker) {
  module.walk([&](Operation *op) {
    if (!isa<mxd::QuantizeOp, mxd::ConvertOp, mxd::ConstantOp>(op))
      return;
    QuantRecord r;
    r.name = getValueName(op);
    r.type = cast<mxd::BlockScaledTensorType>(op->getResult(0).getType());
    if (isa<mxd::ConstantOp>(op)) {
      r.weight = r.inSource = r.folded = true;
    } else {
      r.weight = mxd::isWeight(op->getOperand(0));
    }
    if (mxd::PolicyAttr policy = mxd::getEffectivePolicy(op)) {
      llvm::raw_string_ostream os(r.policy);
      os << Attribute(policy);
    } else {
      r.policy = "(none)";
    }
    records.push_back(std::move(r));
  });
  // Pointers into `records` are stable from here on.
  size_t i = 0;
  module.walk([&](Operation *op) {
    if (isa<mxd::QuantizeOp, mxd::ConvertOp>(op))
      tracker.records[op] = &records[i];
    if (isa<mxd::QuantizeOp, mxd::ConvertOp, mxd::ConstantOp>(op))
      ++i;
  });
}

void printReport(llvm::raw_ostream &os, ArrayRef<QuantRecord> records) {
  os << "== MX report: what was quantized ==\n";
  if (records.empty()) {
    os << "(nothing: the program has no mx.quantize, mx.convert or "
          "mx.constant)\n\n";
    return;
  }
  size_t nameWidth = 5;
  for (const QuantRecord &r : records)
    nameWidth = std::max(nameWidth, r.name.size());
  auto row =
      [&](llvm::StringRef name, llvm::StringRef role, llvm::StringRef when,
          llvm::StringRef format, llvm::StringRef shape, llvm::StringRef block,
          llvm::StringRef f32, llvm::StringRef mxb, llvm::StringRef ratio) {
        os << llvm::formatv("{0} {1,-10} {2,-12} {3,-13} {4,-9} {5,-6} {6,10} "
                            "{7,9} {8,7}\n",
                            name + std::string(nameWidth - name.size(), ' '),
                            role, when, format, shape, block, f32, mxb, ratio);
      };
  row("value", "role", "quantized", "format", "shape", "block", "f32 bytes",
      "MX bytes", "ratio");
  int64_t total[2][2] = {{0, 0}, {0, 0}}; // [weight][f32, mx]
  std::vector<std::string> policies;
  std::map<std::string, std::vector<std::string>> policyUsers;
  for (const QuantRecord &r : records) {
    llvm::StringRef when = r.inSource ? "constant"
                           : r.folded ? "compile time"
                           : r.erased ? "(unused)"
                                      : "run time";
    mxd::FormatAttr format = r.type.getFormat();
    std::string formatName = format.getPresetName().str();
    if (formatName.empty())
      formatName = format.getFormat().str();
    int64_t f32Bytes = 4 * r.type.getNumElements();
    int64_t mxBytes = getMXBytes(r.type);
    row(r.name, r.weight ? "weight" : "activation", when, formatName,
        joinDims(r.type.getShape()), joinDims(r.type.getBlock()),
        std::to_string(f32Bytes), std::to_string(mxBytes),
        llvm::formatv("{0:f2}x", double(f32Bytes) / mxBytes).str());
    if (!r.erased) {
      total[r.weight][0] += f32Bytes;
      total[r.weight][1] += mxBytes;
    }
    if (!policyUsers.count(r.policy))
      policies.push_back(r.policy);
    policyUsers[r.policy].push_back(r.name);
  }
  for (int w = 1; w >= 0; --w)
    if (total[w][0])
      os << llvm::formatv("total {0,-11} {1,10} -> {2,9} bytes ({3:f2}x)\n",
                          w ? "weights" : "activations", total[w][0],
                          total[w][1], double(total[w][0]) / total[w][1]);
  os << "policy in force (mx::getEffectivePolicy):\n";
  for (const std::string &p : policies)
    os << "  " << p << ": " << llvm::join(policyUsers[p], ", ") << "\n";
  os << "\n";
}

//===----------------------------------------------------------------------===//
// Compile and run
//===----------------------------------------------------------------------===//

struct Result {
  SmallVector<int64_t> shape;
  std::vector<float> values;
};

/// The entry function, checked: no arguments, statically shaped f32 tensor
/// results.
FailureOr<func::FuncOp> lookupEntry(ModuleOp module, llvm::StringRef name) {
  auto entry = module.lookupSymbol<func::FuncOp>(name);
  if (!entry) {
    // An implicit module is located at line 0; point at the file's start.
    Location loc = module.getLoc();
    if (auto fileLoc = dyn_cast<FileLineColLoc>(loc);
        fileLoc && !fileLoc.getLine())
      loc = FileLineColLoc::get(fileLoc.getFilename(), 1, 1);
    SmallVector<std::string> names;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isDeclaration())
        names.push_back(("@" + f.getSymName()).str());
    InFlightDiagnostic diag = emitError(loc) << "no function @" << name
                                             << " to run (see --entry)";
    if (!names.empty())
      diag << "; functions: " << llvm::join(names, ", ");
    return diag;
  }
  if (entry.isDeclaration())
    return entry.emitError()
           << "entry function @" << name << " is a declaration, it has no body";
  if (entry.getNumArguments() != 0)
    return entry.emitError()
           << "entry function @" << name << " takes " << entry.getNumArguments()
           << " argument(s); mx-run runs functions that "
              "take none";
  if (entry.getNumResults() == 0)
    return entry.emitError() << "entry function @" << name
                             << " returns nothing; mx-run prints the f32 "
                                "tensors it returns";
  for (auto [i, type] : llvm::enumerate(entry.getResultTypes())) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape() || !tensor.getElementType().isF32())
      return entry.emitError()
             << "entry function @" << name << " result #" << i << " has type "
             << type << "; mx-run supports statically shaped f32 tensors";
  }
  return entry;
}

/// Folds, lowers, JIT-compiles and runs `module` (modified in place).
FailureOr<std::vector<Result>> compileAndRun(ModuleOp module,
                                             llvm::StringRef entryName,
                                             RewriterBase::Listener *listener) {
  if (failed(lookupEntry(module, entryName)))
    return failure();
  mxd::CompileOptions options;
  options.bufferFunctions.push_back(entryName.str());
  options.fold = true;
  options.foldListener = listener;
  FailureOr<std::unique_ptr<mxd::CompiledModule>> compiled =
      mxd::CompiledModule::compile(module, options);
  if (failed(compiled))
    return failure();
  const mxd::FunctionSignature *sig = (*compiled)->getSignature(entryName);
  std::vector<Result> results;
  for (const mxd::TensorSpec &spec : sig->results) {
    Result r;
    r.shape.assign(spec.shape.begin(), spec.shape.end());
    r.values.assign(spec.getNumElements(), 0.0f);
    results.push_back(std::move(r));
  }
  SmallVector<mxd::BufferRef> outputs;
  for (Result &r : results)
    outputs.push_back(
        mxd::BufferRef::get(r.values.data(), mxd::ElementType::f32, r.shape));
  if (llvm::Error err = (*compiled)->call(entryName, {}, outputs))
    return module.emitError() << "cannot run the compiled code: "
                              << llvm::toString(std::move(err));
  return results;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

void printResults(llvm::raw_ostream &os, ArrayRef<Result> results,
                  bool printAll) {
  for (auto [i, r] : llvm::enumerate(results)) {
    os << "result " << i << ": tensor<" << joinDims(r.shape) << "xf32>\n";
    if (printAll) {
      SmallVector<int64_t> index(r.shape.size(), 0);
      for (float v : r.values) {
        os << "  ["
           << llvm::join(
                  llvm::map_range(index,
                                  [](int64_t x) { return std::to_string(x); }),
                  ", ")
           << "] " << llvm::formatv("0x{0:x-8}", bitsOf(v)) << " "
           << llvm::formatv("{0}", llvm::format("%.9g", v)) << "\n";
        for (int64_t d = int64_t(index.size()) - 1; d >= 0; --d) {
          if (++index[d] < r.shape[d])
            break;
          index[d] = 0;
        }
      }
      continue;
    }
    constexpr size_t kShown = 8;
    os << "  [";
    for (size_t j = 0; j < std::min(kShown, r.values.size()); ++j)
      os << (j ? ", " : "") << llvm::format("%.6g", r.values[j]);
    if (r.values.size() > kShown)
      os << ", ... (" << r.values.size() << " values)";
    os << "]\n";
  }
}

std::string formatDouble(const char *spec, double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format(spec, v);
  return s;
}

void printComparison(llvm::raw_ostream &os, ArrayRef<Result> mx,
                     ArrayRef<Result> f32) {
  os << "== MX vs f32 (the same program after mx-strip-quantization) ==\n";
  os << llvm::formatv("{0,-7} {1,14} {2,14} {3,9} {4,14}\n", "result", "mse",
                      "rel_mse", "sqnr_db", "max_abs");
  for (auto [i, pair] : llvm::enumerate(llvm::zip(mx, f32))) {
    auto [m, f] = pair;
    mxref::ErrorStats s = mxref::computeErrorStats(f.values, m.values);
    os << llvm::formatv(
        "{0,-7} {1,14} {2,14} {3,9} {4,14}\n", i, formatDouble("%.6g", s.mse),
        formatDouble("%.6g", s.relMse), formatDouble("%.2f", s.sqnrDb),
        formatDouble("%.6g", s.maxAbs));
  }
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  Options opts;
  if (std::optional<int> status = parseArgs(argc, argv, opts))
    return *status;

  DialectRegistry registry;
  mxd::registerAllDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  // One diagnostic per error: never dump the IR into it.
  ctx.printOpOnDiagnostic(false);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(opts.file, &error);
  if (!input) {
    llvm::errs() << "mx-run: error: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);
  // Only the first error is shown: a failed lowering reports every op it
  // could not convert, which says the same thing many times.
  bool seenError = false;
  ScopedDiagnosticHandler firstErrorOnly(&ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    if (seenError)
      return success();
    seenError = true;
    return failure();
  });

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return 1;
  // Check the entry before the (slower) compilation of anything.
  if (failed(lookupEntry(*module, opts.entry)))
    return 1;
  // The JIT links nothing but the module: a call to a declaration would
  // fail late, with the linker's own message.
  WalkResult undefined = module->walk([&](func::CallOp call) {
    auto callee = module->lookupSymbol<func::FuncOp>(call.getCallee());
    if (callee && !callee.isDeclaration())
      return WalkResult::advance();
    call.emitError() << "calls @" << call.getCallee()
                     << ", which has no body in this module (mx-run links "
                        "nothing else)";
    return WalkResult::interrupt();
  });
  if (undefined.wasInterrupted())
    return 1;

  std::vector<QuantRecord> records;
  FoldTracker tracker;
  if (opts.report)
    collectRecords(*module, records, tracker);

  OwningOpRef<ModuleOp> baseline;
  if (opts.compare) {
    baseline = module->clone();
    PassManager pm(&ctx);
    pm.addPass(mxd::createStripQuantizationPass());
    if (failed(pm.run(*baseline)))
      return 1;
  }

  FailureOr<std::vector<Result>> results =
      compileAndRun(*module, opts.entry, opts.report ? &tracker : nullptr);
  if (failed(results))
    return 1;
  FailureOr<std::vector<Result>> f32Results;
  if (opts.compare) {
    f32Results = compileAndRun(*baseline, opts.entry, nullptr);
    if (failed(f32Results))
      return 1;
  }

  llvm::raw_ostream &os = llvm::outs();
  if (opts.report)
    printReport(os, records);
  printResults(os, *results, opts.printAll);
  if (opts.compare) {
    os << "\n";
    printComparison(os, *results, *f32Results);
  }
  return 0;
}
