//===- mx-run.cpp - Compile and run an MX program on the CPU --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Parses an MX module, then folds (constant weights quantize at compile
// time), lowers, JIT-compiles and runs it through mx::CompiledModule: an
// entry function taking and returning statically shaped tensors, its inputs
// read from .npy files, its results written into buffers mx-run owns, then
// printed and optionally saved as .npy. Optionally reports what was quantized
// and compares against the same program with quantization stripped
// (docs/Tools.md).
//
// Every error is one diagnostic on stderr and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "Calibrate.h"

#include "mx/Dialect/MX/MXOps.h"
#include "mx/Dialect/MX/MXPasses.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"
#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Packing.h"
#include "mx/Pipelines/Pipelines.h"
#include "mx/Support/Nesting.h"
#include "mx/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <unistd.h>

using namespace mlir;
namespace mxd = mlir::mx;

namespace {

const char *const kHelp = R"(USAGE: mx-run FILE.mlir [options]

Compiles an MX program for the CPU (constant folding, which quantizes
constant weights at compile time, then mx-cpu-pipeline), JIT-compiles it and
runs a function whose arguments and results are statically shaped tensors of
f64, f32, f16, bf16, i64, i32, i16, i8 or i1. FILE may be '-' for stdin.

OPTIONS:
  --entry=NAME      The function to run (default: main).
  --input=A.npy     The next argument of the entry function, from a .npy file
                    (repeat once per argument, in order). Little-endian,
                    C order; the dtype must match the element type exactly:
                      f64 <f8   f32 <f4   f16 <f2   bf16 <u2 (its bits)
                      i64 <i8   i32 <i4   i16 <i2   i8 |i1   i1 |b1
  --output=OUT.npy  Writes the next result to a .npy file of its dtype (same
                    table; repeat in result order; results without one are
                    only printed).
  --report          Per quantized value (mx.quantize, mx.convert, mx.constant):
                    weight or activation, when it is quantized, format, block
                    shape, bytes in f32 and in MX form, and the #mx.policy in
                    force.
  --compare-f32     Also runs the f32 baseline (the module after
                    mx-strip-quantization) on the same inputs and prints, per
                    result, mse, rel_mse, sqnr_db and max_abs of MX against
                    it. Every result must be f32.
  --calibrate=FILE  Also runs the f32 program (quantization stripped) with
                    every activation operand of the entry's contractions
                    tapped, and adds their exact statistics for each
                    candidate format to FILE (created when missing; one
                    sample per run), for mx-select-formats
                    (docs/FormatSelection.md).
  --threads=N       Compiles with mx-cpu-pipeline{threads=N}: each vector
                    matmul's columns are split into N panels run on MLIR's
                    async runtime threads; bit-identical to serial code
                    (default 1; 0: the host's hardware threads). With
                    --report, also prints how many threads ran the code.
  --pipeline-options=OPTS
                    Further mx-cpu-pipeline options, as in
                    mx-opt --mx-cpu-pipeline="OPTS" (e.g. 'target=avx2
                    tile-constant-weights=false', to compare code paths;
                    docs/Lowering.md); --threads, when given, wins.
  --print-results   Prints every result value with its bit pattern
                    (default: the shape and the first values).
  --max-elements=N  The most elements any one tensor of the program may have
                    (default 268435456, 2^28: 1 GiB of f32), checked on
                    every value's type before anything is folded, compiled
                    or allocated.
  --time-limit=S    Stops with an error when the whole run (parsing,
                    compiling, running) takes more than S seconds (default:
                    no limit).
  --help            Prints this text.
)";

struct Options {
  std::string file;
  std::string entry = "main";
  std::vector<std::string> inputs, outputs;
  bool report = false;
  bool compare = false;
  bool printAll = false;
  std::string calibrate;
  int64_t maxElements = int64_t(1) << 28;
  int64_t timeLimit = 0; ///< seconds; 0: none
  unsigned threads = 1;
  bool threadsGiven = false;
  std::string pipelineOptions;
};

/// One command-line error, located at the command line.
int usageError(const llvm::Twine &message) {
  llvm::errs() << "mx-run: <command line>: error: " << message << "\n";
  return 1;
}

/// Parses argv; returns an exit status when the run should stop.
std::optional<int> parseArgs(int argc, char **argv, Options &opts) {
  bool haveFile = false;
  // Why a value was refused, when its parser says.
  std::string detail;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      llvm::outs() << kHelp;
      return 0;
    }
    // The options with a value: --NAME=VALUE or --NAME VALUE.
    struct ValueOption {
      llvm::StringRef name, what;
      std::function<bool(std::string)> set; ///< false: an invalid value
    };
    // A positive integer option; false when `v` is not one.
    auto positive = [](const std::string &v, int64_t &out) {
      llvm::StringRef text = v;
      return llvm::all_of(text, llvm::isDigit) && !text.getAsInteger(10, out) &&
             out > 0;
    };
    ValueOption valueOptions[] = {
        {"--entry", "a function name",
         [&](std::string v) { return opts.entry = v, true; }},
        {"--input", "a .npy file",
         [&](std::string v) { return opts.inputs.push_back(v), true; }},
        {"--output", "a .npy file",
         [&](std::string v) { return opts.outputs.push_back(v), true; }},
        {"--calibrate", "a calibration file",
         [&](std::string v) { return opts.calibrate = v, true; }},
        {"--max-elements", "a positive integer",
         [&](std::string v) { return positive(v, opts.maxElements); }},
        {"--time-limit", "a positive number of seconds",
         [&](std::string v) { return positive(v, opts.timeLimit); }},
        {"--threads", "a count of 0 or more",
         [&](std::string v) {
           opts.threadsGiven = true;
           return !llvm::StringRef(v).getAsInteger(10, opts.threads);
         }},
        {"--pipeline-options", "mx-cpu-pipeline options",
         [&](std::string v) {
           // Checked here, so that a bad one stops before any work.
           mlir::mx::MXCPUPipelineOptions check;
           llvm::raw_string_ostream os(detail);
           if (failed(check.parseFromString(v, os)))
             return false;
           opts.pipelineOptions = v;
           return true;
         }}};
    ValueOption *option = llvm::find_if(
        valueOptions, [&](ValueOption &o) { return arg.starts_with(o.name); });
    if (option != std::end(valueOptions)) {
      llvm::StringRef rest = arg.drop_front(option->name.size());
      std::string value;
      if (rest.consume_front("="))
        value = rest.str();
      else if (rest.empty() && i + 1 < argc)
        value = argv[++i];
      else if (!rest.empty())
        return usageError("unknown option '" + arg + "' (see --help)");
      if (value.empty())
        return usageError(option->name + " needs " + option->what);
      if (!option->set(value))
        return usageError("invalid " + option->name + " '" + value +
                          "': expected " + option->what +
                          (detail.empty()
                               ? ""
                               : " (" + llvm::StringRef(detail).trim() + ")"));
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
  // A threads= among the pipeline options counts as --threads unless that
  // is given too, which wins.
  if (!opts.threadsGiven && !opts.pipelineOptions.empty()) {
    mlir::mx::MXCPUPipelineOptions parsed;
    if (succeeded(parsed.parseFromString(opts.pipelineOptions)) &&
        parsed.threads.hasValue()) {
      opts.threads = parsed.threads;
      opts.threadsGiven = true;
    }
  }
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
  // A per-tensor format (scale kind none) stores no block scales.
  int64_t blocks = format.scale == mxref::ScaleKind::None ? 0 : 1;
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

/// One buffer of a call: an input read from a .npy file, or a result.
struct Tensor {
  mxd::TensorSpec spec;
  std::vector<uint8_t> bytes;

  /// The values of an f32 tensor.
  std::vector<float> getFloats() const {
    std::vector<float> values(spec.getNumElements());
    std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
    return values;
  }
};

constexpr const char *kSupportedTypes =
    "statically shaped tensors of f64, f32, f16, bf16, i64, i32, i16, i8 or "
    "i1";

/// The .npy dtype of an element type: the same bits (bf16 as its uint16
/// pattern, i1 as NumPy's one-byte bool).
mxsupport::NpyDType getNpyDType(mxd::ElementType type) {
  using mxsupport::NpyDType;
  switch (type) {
  case mxd::ElementType::f64:
    return NpyDType::Float64;
  case mxd::ElementType::f32:
    return NpyDType::Float32;
  case mxd::ElementType::f16:
    return NpyDType::Float16;
  case mxd::ElementType::bf16:
    return NpyDType::UInt16;
  case mxd::ElementType::i64:
    return NpyDType::Int64;
  case mxd::ElementType::i32:
    return NpyDType::Int32;
  case mxd::ElementType::i16:
    return NpyDType::Int16;
  case mxd::ElementType::i8:
    return NpyDType::Int8;
  case mxd::ElementType::i1:
    return NpyDType::Bool;
  }
  llvm_unreachable("unknown element type");
}

/// The entry function, checked: defined, statically shaped tensor arguments
/// and results of the supported element types.
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
  if (entry.getNumResults() == 0)
    return entry.emitError() << "entry function @" << name
                             << " returns nothing; mx-run prints the tensors "
                                "it returns";
  for (auto [i, type] : llvm::enumerate(entry.getArgumentTypes()))
    if (!mxd::getTensorSpec(type))
      return entry.emitError()
             << "entry function @" << name << " argument #" << i << " has type "
             << type << "; mx-run supports " << kSupportedTypes;
  for (auto [i, type] : llvm::enumerate(entry.getResultTypes()))
    if (!mxd::getTensorSpec(type))
      return entry.emitError()
             << "entry function @" << name << " result #" << i << " has type "
             << type << "; mx-run supports " << kSupportedTypes;
  return entry;
}

/// The number of elements of a statically shaped type, or nullopt when it has
/// none (dynamic, unranked, not shaped) or the count overflows int64_t.
std::optional<int64_t> getStaticElementCount(Type type, bool &overflow) {
  ArrayRef<int64_t> shape;
  if (auto mxType = dyn_cast<mxd::BlockScaledTensorType>(type))
    shape = mxType.getShape();
  else if (auto shaped = dyn_cast<ShapedType>(type);
           shaped && shaped.hasStaticShape())
    shape = shaped.getShape();
  else
    return std::nullopt;
  int64_t n = 1;
  overflow = false;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      overflow = true;
  return n;
}

/// Every value of the module (operation results, block arguments: function
/// arguments, constants, intermediates) with a static type of more than
/// `maxElements` elements is an error at its location, before folding
/// expands a constant or the compiled code allocates a result.
LogicalResult checkSizes(ModuleOp module, int64_t maxElements) {
  auto check = [&](Value value, Location loc) -> LogicalResult {
    bool overflow = false;
    std::optional<int64_t> n = getStaticElementCount(value.getType(), overflow);
    if (!n || (!overflow && *n <= maxElements))
      return success();
    InFlightDiagnostic diag = emitError(loc) << "a value of type "
                                             << value.getType() << " has ";
    if (overflow)
      diag << "more elements than a 64-bit count holds";
    else
      diag << *n << " elements";
    return diag << "; mx-run allows at most " << maxElements
                << " per tensor (--max-elements)";
  };
  WalkResult result = module->walk([&](Operation *op) {
    for (Value v : op->getResults())
      if (failed(check(v, op->getLoc())))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (failed(check(arg, arg.getLoc())))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Checks the options against the entry's signature, before anything is
/// read or compiled.
LogicalResult checkSignature(func::FuncOp entry, const Options &opts) {
  auto typeList = [](TypeRange types) {
    std::string s;
    llvm::raw_string_ostream os(s);
    llvm::interleaveComma(types, os);
    return s;
  };
  StringRef name = entry.getSymName();
  size_t numArgs = entry.getNumArguments();
  if (opts.inputs.size() != numArgs) {
    InFlightDiagnostic diag = entry.emitError()
                              << "entry function @" << name << " takes "
                              << numArgs << " argument(s)";
    if (numArgs)
      diag << " (" << typeList(entry.getArgumentTypes()) << ")";
    diag << "; " << opts.inputs.size() << " --input file(s) given";
    // Name the first argument without a file, or the first file too many.
    if (opts.inputs.size() < numArgs)
      diag << ", none for argument #" << opts.inputs.size();
    else
      diag << ", '" << opts.inputs[numArgs] << "' is one too many";
    return diag;
  }
  if (opts.outputs.size() > entry.getNumResults())
    return entry.emitError()
           << "entry function @" << name << " returns " << entry.getNumResults()
           << " result(s) (" << typeList(entry.getResultTypes()) << "); "
           << opts.outputs.size() << " --output file(s) given";
  if (opts.compare)
    for (auto [i, type] : llvm::enumerate(entry.getResultTypes()))
      if (!cast<RankedTensorType>(type).getElementType().isF32())
        return entry.emitError()
               << "--compare-f32 compares f32 results; result #" << i << " of @"
               << name << " has type " << type;
  return success();
}

/// One error about a file: "mx-run: FILE: error: MESSAGE".
void fileError(llvm::StringRef file, const llvm::Twine &message) {
  llvm::errs() << "mx-run: " << file << ": error: " << message << "\n";
}

/// Reads the --input files, each checked against its argument.
FailureOr<std::vector<Tensor>> readInputs(func::FuncOp entry,
                                          const Options &opts) {
  std::vector<Tensor> inputs;
  for (auto [i, file] : llvm::enumerate(opts.inputs)) {
    llvm::Expected<mxsupport::NpyArray> array = mxsupport::readNpyFile(file);
    if (!array) {
      fileError(file, llvm::toString(array.takeError()));
      return failure();
    }
    mxd::TensorSpec spec = *mxd::getTensorSpec(entry.getArgumentTypes()[i]);
    mxsupport::NpyDType dtype = getNpyDType(spec.elementType);
    if (array->dtype != dtype ||
        ArrayRef<int64_t>(array->shape) != ArrayRef<int64_t>(spec.shape)) {
      fileError(file, llvm::formatv("argument #{0} of @{1} is {2}, a {3} array "
                                    "of shape {4}; the file holds {5} of shape "
                                    "{6}",
                                    i, entry.getSymName(), spec.str(),
                                    mxsupport::getNpyDescr(dtype),
                                    mxsupport::formatNpyShape(spec.shape),
                                    mxsupport::getNpyDescr(array->dtype),
                                    array->getShapeString()));
      return failure();
    }
    inputs.push_back({std::move(spec), std::move(array->data)});
  }
  return inputs;
}

/// Writes result i to the i-th --output file.
LogicalResult writeOutputs(ArrayRef<Tensor> results, const Options &opts) {
  for (auto [file, result] : llvm::zip_first(opts.outputs, results)) {
    mxsupport::NpyArray array{
        getNpyDType(result.spec.elementType),
        {result.spec.shape.begin(), result.spec.shape.end()},
        result.bytes};
    if (llvm::Error err = mxsupport::writeNpyFile(file, array)) {
      fileError(file, llvm::toString(std::move(err)));
      return failure();
    }
  }
  return success();
}

/// A runtime check of the program (`cf.assert`, e.g. the bounds checks
/// torch-mlir puts on embedding indices) lowers to a `puts` of its message
/// and an `abort` (convert-cf-to-llvm). mx-run links these two in their
/// place, so that a failed check (an out-of-range token id in an input file)
/// is one located diagnostic and exit status 1 rather than a crash. The
/// module's calls to declarations are rejected before compiling, so nothing
/// else can reach them.
struct RuntimeCheck {
  std::optional<Location> loc;
  std::string entry;
  std::string message;
};

RuntimeCheck &getRuntimeCheck() {
  static RuntimeCheck check;
  return check;
}

int recordCheckMessage(const char *message) {
  getRuntimeCheck().message = message;
  return 0;
}

[[noreturn]] void failRuntimeCheck() {
  RuntimeCheck &check = getRuntimeCheck();
  emitError(*check.loc) << "a runtime check of @" << check.entry
                        << " failed: " << check.message;
  llvm::errs().flush();
  // Nothing has been printed or written yet; no cleanup may run with the
  // compiled code still on the stack.
  std::_Exit(1);
}

/// The --time-limit alarm: one line and exit status 1, from a signal handler
/// (only async-signal-safe calls), whatever was running.
char timeLimitMessage[128];
size_t timeLimitMessageSize = 0;

void onTimeLimit(int) {
  (void)!write(STDERR_FILENO, timeLimitMessage, timeLimitMessageSize);
  _exit(1);
}

void armTimeLimit(int64_t seconds) {
  int n = std::snprintf(timeLimitMessage, sizeof(timeLimitMessage),
                        "mx-run: error: the run took longer than --time-limit="
                        "%lld seconds\n",
                        static_cast<long long>(seconds));
  timeLimitMessageSize =
      std::min(sizeof(timeLimitMessage) - 1, static_cast<size_t>(n));
  std::signal(SIGALRM, onTimeLimit);
  alarm(static_cast<unsigned>(std::min<int64_t>(seconds, 1 << 30)));
}

/// Folds, lowers, JIT-compiles and runs `module` (modified in place) on
/// `inputs`.
FailureOr<std::vector<Tensor>>
compileAndRun(ModuleOp module, llvm::StringRef entryName,
              ArrayRef<Tensor> inputs, RewriterBase::Listener *listener,
              const Options &opts, unsigned *threadsUsed = nullptr) {
  FailureOr<func::FuncOp> entry = lookupEntry(module, entryName);
  if (failed(entry))
    return failure();
  getRuntimeCheck().loc = entry->getLoc();
  getRuntimeCheck().entry = entryName.str();
  mxd::CompileOptions options;
  options.symbols["puts"] = reinterpret_cast<void *>(&recordCheckMessage);
  options.symbols["abort"] = reinterpret_cast<void *>(&failRuntimeCheck);
  options.bufferFunctions.push_back(entryName.str());
  options.fold = true;
  options.foldListener = listener;
  mlir::mx::MXCPUPipelineOptions pipeline;
  // Valid: parseArgs parsed it once.
  if (failed(pipeline.parseFromString(opts.pipelineOptions)))
    return module.emitError() << "invalid --pipeline-options";
  pipeline.threads = opts.threads;
  options.pipeline = &pipeline;
  FailureOr<std::unique_ptr<mxd::CompiledModule>> compiled =
      mxd::CompiledModule::compile(module, options);
  if (failed(compiled))
    return failure();
  const mxd::FunctionSignature *sig = (*compiled)->getSignature(entryName);
  std::vector<Tensor> results;
  for (const mxd::TensorSpec &spec : sig->results)
    results.push_back({spec, std::vector<uint8_t>(spec.getByteSize())});
  SmallVector<mxd::BufferRef> inputRefs, outputRefs;
  for (const Tensor &t : inputs)
    inputRefs.push_back(
        mxd::BufferRef::get(t.bytes.data(), t.spec.elementType, t.spec.shape));
  for (Tensor &r : results)
    outputRefs.push_back(
        mxd::BufferRef::get(r.bytes.data(), r.spec.elementType, r.spec.shape));
  if (llvm::Error err = (*compiled)->call(entryName, inputRefs, outputRefs))
    return module.emitError() << "cannot run the compiled code: "
                              << llvm::toString(std::move(err));
  if (threadsUsed)
    *threadsUsed = (*compiled)->getThreadsUsedByLastCall();
  return results;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

/// Element `i` of `t`: its bit pattern in hex and its value, with full
/// precision or short.
std::pair<std::string, std::string> formatElement(const Tensor &t, int64_t i,
                                                  bool full) {
  int64_t size = mxd::getElementByteSize(t.spec.elementType);
  uint64_t bits = 0;
  // Little-endian host: the low bytes of `bits` are the element.
  std::memcpy(&bits, t.bytes.data() + i * size, size);
  std::string hex =
      llvm::formatv("0x{0}",
                    llvm::format_hex_no_prefix(bits, unsigned(2 * size)))
          .str();
  auto fromBits = [&](const llvm::fltSemantics &sem) {
    llvm::APFloat f(sem, llvm::APInt(8 * size, bits));
    bool lost;
    f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return f.convertToDouble();
  };
  std::string value;
  llvm::raw_string_ostream os(value);
  // %.9g keeps every f32 (and so f16 and bf16) value exact; %.17g every f64.
  switch (t.spec.elementType) {
  case mxd::ElementType::f64:
    os << llvm::format(full ? "%.17g" : "%.6g",
                       fromBits(llvm::APFloat::IEEEdouble()));
    break;
  case mxd::ElementType::f32:
    os << llvm::format(full ? "%.9g" : "%.6g",
                       fromBits(llvm::APFloat::IEEEsingle()));
    break;
  case mxd::ElementType::f16:
    os << llvm::format(full ? "%.9g" : "%.6g",
                       fromBits(llvm::APFloat::IEEEhalf()));
    break;
  case mxd::ElementType::bf16:
    os << llvm::format(full ? "%.9g" : "%.6g",
                       fromBits(llvm::APFloat::BFloat()));
    break;
  default:
    os << llvm::APInt(8 * size, bits).getSExtValue();
    break;
  }
  return {hex, value};
}

void printResults(llvm::raw_ostream &os, ArrayRef<Tensor> results,
                  bool printAll) {
  for (auto [i, r] : llvm::enumerate(results)) {
    os << "result " << i << ": " << r.spec.str() << "\n";
    int64_t n = r.spec.getNumElements();
    if (printAll) {
      SmallVector<int64_t> index(r.spec.shape.size(), 0);
      for (int64_t j = 0; j < n; ++j) {
        auto [hex, value] = formatElement(r, j, /*full=*/true);
        os << "  ["
           << llvm::join(
                  llvm::map_range(index,
                                  [](int64_t x) { return std::to_string(x); }),
                  ", ")
           << "] " << hex << " " << value << "\n";
        for (int64_t d = int64_t(index.size()) - 1; d >= 0; --d) {
          if (++index[d] < r.spec.shape[d])
            break;
          index[d] = 0;
        }
      }
      continue;
    }
    constexpr int64_t kShown = 8;
    os << "  [";
    for (int64_t j = 0; j < std::min(kShown, n); ++j)
      os << (j ? ", " : "") << formatElement(r, j, /*full=*/false).second;
    if (n > kShown)
      os << ", ... (" << n << " values)";
    os << "]\n";
  }
}

std::string formatDouble(const char *spec, double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format(spec, v);
  return s;
}

void printComparison(llvm::raw_ostream &os, ArrayRef<Tensor> mx,
                     ArrayRef<Tensor> f32) {
  os << "== MX vs f32 (the same program after mx-strip-quantization) ==\n";
  os << llvm::formatv("{0,-7} {1,14} {2,14} {3,9} {4,14}\n", "result", "mse",
                      "rel_mse", "sqnr_db", "max_abs");
  for (auto [i, pair] : llvm::enumerate(llvm::zip(mx, f32))) {
    auto [m, f] = pair;
    mxref::ErrorStats s =
        mxref::computeErrorStats(f.getFloats(), m.getFloats());
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
  if (opts.timeLimit)
    armTimeLimit(opts.timeLimit);

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
  if (mxsupport::reportDeepNesting(*input, llvm::errs()))
    return 1;
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
  if (!module || failed(checkSizes(*module, opts.maxElements)))
    return 1;
  // Check the entry and the options against it, and read the inputs, before
  // the (slower) compilation of anything.
  FailureOr<func::FuncOp> entry = lookupEntry(*module, opts.entry);
  if (failed(entry) || failed(checkSignature(*entry, opts)))
    return 1;
  FailureOr<std::vector<Tensor>> inputs = readInputs(*entry, opts);
  if (failed(inputs))
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

  if (!opts.calibrate.empty()) {
    SmallVector<mxd::BufferRef> refs;
    for (const Tensor &t : *inputs)
      refs.push_back(mxd::BufferRef::get(t.bytes.data(), t.spec.elementType,
                                         t.spec.shape));
    if (failed(mxrun::calibrate(*module, opts.entry, refs, opts.inputs,
                                opts.file, opts.calibrate)))
      return 1;
  }

  unsigned threadsUsed = 0;
  FailureOr<std::vector<Tensor>> results =
      compileAndRun(*module, opts.entry, *inputs,
                    opts.report ? &tracker : nullptr, opts, &threadsUsed);
  if (failed(results))
    return 1;
  FailureOr<std::vector<Tensor>> f32Results;
  if (opts.compare) {
    f32Results = compileAndRun(*baseline, opts.entry, *inputs, nullptr, opts);
    if (failed(f32Results))
      return 1;
  }
  // Written before anything is printed: an error leaves stdout empty.
  if (failed(writeOutputs(*results, opts)))
    return 1;

  llvm::raw_ostream &os = llvm::outs();
  if (opts.report) {
    printReport(os, records);
    // Counted, not timed: the distinct threads that ran the entry's tasks.
    if (opts.threadsGiven)
      os << "threads: " << mlir::mx::resolveThreads(opts.threads)
         << " requested, " << threadsUsed << " ran the code\n\n";
  }
  printResults(os, *results, opts.printAll);
  if (opts.compare) {
    os << "\n";
    printComparison(os, *results, *f32Results);
  }
  return 0;
}
