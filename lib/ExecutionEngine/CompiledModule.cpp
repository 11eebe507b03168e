//===- CompiledModule.cpp - MX programs compiled for the host -------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

using namespace mlir;
using namespace mlir::mx;

//===----------------------------------------------------------------------===//
// Element types and descriptors
//===----------------------------------------------------------------------===//

namespace {
struct ElementTypeInfo {
  ElementType type;
  const char *name;
  int64_t bytes;
};
} // namespace

/// Indexed by ElementType.
static constexpr ElementTypeInfo kElementTypes[] = {
    {ElementType::f64, "f64", 8}, {ElementType::f32, "f32", 4},
    {ElementType::f16, "f16", 2}, {ElementType::bf16, "bf16", 2},
    {ElementType::i64, "i64", 8}, {ElementType::i32, "i32", 4},
    {ElementType::i16, "i16", 2}, {ElementType::i8, "i8", 1},
    {ElementType::i1, "i1", 1}};

static constexpr bool isIndexedByType() {
  for (size_t i = 0; i < std::size(kElementTypes); ++i)
    if (static_cast<size_t>(kElementTypes[i].type) != i)
      return false;
  return true;
}
static_assert(isIndexedByType() && std::size(kElementTypes) ==
                                       static_cast<size_t>(ElementType::i1) + 1,
              "kElementTypes is indexed by ElementType");

static const ElementTypeInfo &getInfo(ElementType type) {
  return kElementTypes[static_cast<size_t>(type)];
}

Type mx::getMLIRType(ElementType type, MLIRContext *ctx) {
  Builder b(ctx);
  switch (type) {
  case ElementType::f64:
    return b.getF64Type();
  case ElementType::f32:
    return b.getF32Type();
  case ElementType::f16:
    return b.getF16Type();
  case ElementType::bf16:
    return b.getBF16Type();
  default:
    // Signless integers: the buffers carry bits, not a signedness.
    return b.getIntegerType(type == ElementType::i1 ? 1
                                                    : 8 * getInfo(type).bytes);
  }
}

std::optional<ElementType> mx::getElementType(Type type) {
  for (const ElementTypeInfo &info : kElementTypes)
    if (getMLIRType(info.type, type.getContext()) == type)
      return info.type;
  return std::nullopt;
}

StringRef mx::stringifyElementType(ElementType type) {
  return getInfo(type).name;
}

int64_t mx::getElementByteSize(ElementType type) { return getInfo(type).bytes; }

std::optional<TensorSpec> mx::getTensorSpec(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  std::optional<ElementType> elem = getElementType(tensor.getElementType());
  if (!elem)
    return std::nullopt;
  return TensorSpec{*elem, SmallVector<int64_t, 4>(tensor.getShape())};
}

int64_t TensorSpec::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorSpec::str() const {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + stringifyElementType(elementType).str() + ">";
}

// The descriptor is read as upstream's StridedMemRefType: pointers and
// indices are all 64-bit words, in this order.
static_assert(sizeof(StridedMemRefType<float, 2>) == 7 * sizeof(int64_t) &&
                  sizeof(void *) == sizeof(int64_t),
              "MemRefDescriptor assumes 64-bit pointers and indices");

MemRefDescriptor::MemRefDescriptor(void *data, ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  words.assign(3 + 2 * rank, 0);
  words[0] = words[1] = static_cast<int64_t>(reinterpret_cast<intptr_t>(data));
  int64_t stride = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    words[3 + i] = shape[i];
    words[3 + rank + i] = stride;
    stride *= shape[i];
  }
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

void mx::foldModule(ModuleOp module, RewriterBase::Listener *listener) {
  MLIRContext *ctx = module.getContext();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  GreedyRewriteConfig config;
  config.setUseTopDownTraversal(true);
  config.setListener(listener);
  // Not converging is not an error here: the result is still correct IR.
  (void)applyPatternsGreedily(module, std::move(patterns), config);
}

/// Where errors about the whole module go: an implicit module is located at
/// line 0, so point at the file's start instead.
static Location getModuleLoc(ModuleOp module) {
  Location loc = module.getLoc();
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc);
      fileLoc && !fileLoc.getLine())
    return FileLineColLoc::get(fileLoc.getFilename(), 1, 1);
  return loc;
}

/// The wrapper of buffer function `name`.
static std::string getWrapperName(StringRef name) {
  return ("__mx_buffers_" + name).str();
}

/// The TensorSpec of `type`, or a diagnostic at `fn`: a statically shaped
/// tensor, or a scalar (a rank-0 buffer; after the MX conversion, the tensor
/// scale component of an `!mx.tensor`).
static FailureOr<TensorSpec> getSpec(func::FuncOp fn, Type type, StringRef what,
                                     unsigned index) {
  if (std::optional<TensorSpec> spec = getTensorSpec(type))
    return *spec;
  if (std::optional<ElementType> scalar = getElementType(type))
    return TensorSpec{*scalar, {}};
  return fn.emitError() << what << " #" << index << " of @" << fn.getSymName()
                        << " has type " << type
                        << "; a function called with buffers takes and "
                           "returns statically shaped tensors (or "
                           "!mx.tensor values, as their components) of f64, "
                           "f32, f16, bf16, i64, i32, i16, i8 or i1";
}

/// Checks that the module defines buffer function `name`, before the
/// lowering adds functions of its own.
static LogicalResult checkBufferFunction(ModuleOp module, StringRef name) {
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn) {
    SmallVector<std::string> names;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isDeclaration())
        names.push_back(("@" + f.getSymName()).str());
    InFlightDiagnostic diag = emitError(getModuleLoc(module))
                              << "no function @" << name << " to call";
    if (!names.empty())
      diag << "; functions: " << llvm::join(names, ", ");
    return diag;
  }
  if (fn.isDeclaration())
    return fn.emitError() << "function @" << name
                          << " is a declaration, it has no body";
  std::string wrapperName = getWrapperName(name);
  if (module.lookupSymbol(wrapperName))
    return fn.emitError() << "symbol @" << wrapperName
                          << " is reserved for the wrapper of @" << name;
  return success();
}

/// Adds the wrapper of buffer function `name` (checkBufferFunction), after
/// the MX conversion: it takes a memref per input and per result of the
/// converted function (an `!mx.tensor` as its components, in order) and
/// writes the results into the latter, so the caller owns every buffer.
static FailureOr<FunctionSignature> addWrapper(ModuleOp module,
                                               StringRef name) {
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn || fn.isDeclaration())
    return emitError(getModuleLoc(module))
           << "function @" << name << " is gone after the MX conversion";
  FunctionSignature sig;
  sig.name = name.str();
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
    FailureOr<TensorSpec> spec = getSpec(fn, type, "argument", i);
    if (failed(spec))
      return failure();
    sig.inputs.push_back(*spec);
  }
  for (auto [i, type] : llvm::enumerate(fn.getResultTypes())) {
    FailureOr<TensorSpec> spec = getSpec(fn, type, "result", i);
    if (failed(spec))
      return failure();
    sig.results.push_back(*spec);
  }

  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = fn.getLoc();
  SmallVector<Type> buffers;
  for (const TensorSpec &spec :
       llvm::concat<const TensorSpec>(sig.inputs, sig.results))
    buffers.push_back(
        MemRefType::get(spec.shape, getMLIRType(spec.elementType, ctx)));
  auto wrapper = func::FuncOp::create(b, loc, getWrapperName(name),
                                      b.getFunctionType(buffers, {}));
  wrapper->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   b.getUnitAttr());
  Block *body = wrapper.addEntryBlock();
  b.setInsertionPointToStart(body);
  // Inputs are read only (restrict: nothing else aliases them in here);
  // results are written in place into the caller's buffers. Scalars travel
  // in rank-0 buffers.
  SmallVector<Value> args;
  for (auto [type, buffer] :
       llvm::zip(fn.getArgumentTypes(),
                 body->getArguments().take_front(fn.getNumArguments()))) {
    if (!isa<RankedTensorType>(type)) {
      args.push_back(memref::LoadOp::create(b, loc, buffer, ValueRange{}));
      continue;
    }
    args.push_back(bufferization::ToTensorOp::create(b, loc, type, buffer,
                                                     /*restrict=*/true));
  }
  auto call = func::CallOp::create(b, loc, fn, args);
  for (auto [result, buffer] :
       llvm::zip(call.getResults(),
                 body->getArguments().drop_front(fn.getNumArguments()))) {
    if (!isa<RankedTensorType>(result.getType())) {
      memref::StoreOp::create(b, loc, result, buffer, ValueRange{});
      continue;
    }
    bufferization::MaterializeInDestinationOp::create(
        b, loc, TypeRange{}, result, buffer, /*restrict=*/true,
        /*writable=*/true);
  }
  func::ReturnOp::create(b, loc);
  return sig;
}

//===----------------------------------------------------------------------===//
// MLIR's async runtime (code compiled with threads > 1)
//===----------------------------------------------------------------------===//

namespace {
using ResumeFn = void (*)(void *);
using AwaitGroupFn = void (*)(void *);

/// How long a thread spins for what it waits on (a task to run, a call's
/// tasks to finish) before it sleeps: MX_THREAD_SPIN_US, in microseconds,
/// default 200; 0 sleeps at once. Sleeping and waking a thread costs tens of
/// microseconds on a virtual machine (an idle vCPU is woken by an
/// inter-processor interrupt), per panel and per call; back-to-back calls of
/// a small kernel (a GEMV per layer) would pay it every time. Short, so that
/// idle workers take little from another runtime's threads in the process
/// (an OpenMP pool spins too).
std::chrono::microseconds spinWindow() {
  static const std::chrono::microseconds window = [] {
    const char *env = std::getenv("MX_THREAD_SPIN_US");
    long long us = 200;
    if (env && *env) {
      char *end = nullptr;
      long long v = std::strtoll(env, &end, 10);
      if (end && *end == '\0' && v >= 0)
        us = std::min<long long>(v, 1000000);
    }
    return std::chrono::microseconds(us);
  }();
  return window;
}

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

/// Spins until `done()` or the spin window passes; true when done.
template <typename Pred> bool spinUntil(Pred done) {
  std::chrono::microseconds window = spinWindow();
  if (window.count() == 0)
    return done();
  auto deadline = std::chrono::steady_clock::now() + window;
  for (unsigned i = 0;; ++i) {
    if (done())
      return true;
    cpuRelax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() >= deadline)
      return done();
  }
}

/// The threads that ran one call's tasks, and how many of its tasks a
/// worker has not yet returned from.
struct ThreadRecord {
  std::mutex mutex;
  std::condition_variable idle;
  std::set<std::thread::id> ids;
  std::atomic<int> pending{0};
  void add() {
    std::lock_guard<std::mutex> lock(mutex);
    ids.insert(std::this_thread::get_id());
  }
  void begin() { pending.fetch_add(1, std::memory_order_relaxed); }
  void end() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Under the mutex, so a waiter between its check and its wait cannot
      // miss the notification.
      std::lock_guard<std::mutex> lock(mutex);
      idle.notify_all();
    }
  }
  bool isIdle() const { return pending.load(std::memory_order_acquire) == 0; }
  /// Waits until no worker runs this call's compiled code any more.
  void waitIdle() {
    if (spinUntil([&] { return isIdle(); }))
      return;
    std::unique_lock<std::mutex> lock(mutex);
    idle.wait(lock, [&] { return isIdle(); });
  }
};

/// One task handed to the pool, with the call it belongs to.
struct RecordedTask {
  void *handle;
  ResumeFn resume;
  ThreadRecord *record;
};

/// MX's executor for the async runtime's tasks (mlirAsyncRuntimeExecute):
/// MLIR's runtime hands each task to an llvm::ThreadPool whose idle workers
/// sleep on a condition variable; these spin for the spin window first (as
/// OpenMP runtimes do), so a task submitted within it starts without a
/// wake-up. The workers live as long as the process (the pool is never
/// destroyed: static destruction must not join threads that may be
/// spinning); their count grows to the most any compiled module asked for,
/// minus the calling thread, which runs a panel itself.
class TaskPool {
public:
  static TaskPool &get() {
    static TaskPool *pool = new TaskPool();
    return *pool;
  }

  void ensureWorkers(unsigned count) {
    std::lock_guard<std::mutex> lock(mutex);
    while (numWorkers < count) {
      std::thread(&TaskPool::work, this).detach();
      ++numWorkers;
    }
  }

  void submit(RecordedTask *task, void (*run)(void *)) {
    bool wakeOne = false, runHere = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (numWorkers == 0) {
        // A pool of no threads would never run it: run it here.
        runHere = true;
      } else {
        queue.push_back({task, run});
        queued.fetch_add(1, std::memory_order_release);
        // A spinning worker takes it without a wake-up; one that stops
        // spinning looks at the queue under the mutex before it sleeps.
        wakeOne = queue.size() > spinning;
      }
    }
    if (runHere)
      run(task);
    else if (wakeOne)
      wake.notify_one();
  }

private:
  struct Item {
    RecordedTask *task;
    void (*run)(void *);
  };

  void work() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (!queue.empty()) {
        Item item = queue.front();
        queue.pop_front();
        queued.fetch_sub(1, std::memory_order_relaxed);
        lock.unlock();
        item.run(item.task);
        lock.lock();
        continue;
      }
      ++spinning;
      lock.unlock();
      spinUntil([&] { return queued.load(std::memory_order_acquire) != 0; });
      lock.lock();
      --spinning;
      if (!queue.empty())
        continue;
      wake.wait(lock, [&] { return !queue.empty(); });
    }
  }

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Item> queue;
  std::atomic<size_t> queued{0};
  size_t spinning = 0;
  unsigned numWorkers = 0;
};
} // namespace

/// The runtime's own mlirAsyncRuntimeAwaitAllInGroup.
static AwaitGroupFn runtimeAwaitAllInGroup = nullptr;
/// The call whose code this thread is running (tasks inherit it).
static thread_local ThreadRecord *currentRecord = nullptr;
/// Tasks started outside call() (invokePacked) that a worker has not yet
/// returned from; the destructor waits for them.
static std::atomic<int> unrecordedPending{0};

static void runRecordedTask(void *task) {
  RecordedTask t = *static_cast<RecordedTask *>(task);
  delete static_cast<RecordedTask *>(task);
  ThreadRecord *outer = currentRecord;
  currentRecord = t.record;
  if (t.record)
    t.record->add();
  t.resume(t.handle);
  currentRecord = outer;
  if (t.record)
    t.record->end();
  else
    --unrecordedPending;
}

/// What the compiled code calls for mlirAsyncRuntimeExecute: MX's pool,
/// noting which thread runs the task.
static void executeRecorded(void *handle, ResumeFn resume) {
  if (currentRecord)
    currentRecord->begin();
  else
    ++unrecordedPending;
  TaskPool::get().submit(new RecordedTask{handle, resume, currentRecord},
                         runRecordedTask);
}

/// What the compiled code calls for mlirAsyncRuntimeAwaitAllInGroup: spins
/// while this call's tasks run, then the runtime's await (which returns at
/// once when they are done, and blocks otherwise). The runtime's await stays
/// the synchronization; the spin only saves the sleep and the wake-up.
static void awaitAllInGroupSpinning(void *group) {
  if (ThreadRecord *record = currentRecord)
    spinUntil([&] { return record->isIdle(); });
  else
    spinUntil([] { return unrecordedPending.load() == 0; });
  runtimeAwaitAllInGroup(group);
}

/// The async runtime's symbols (loaded once per process), with
/// mlirAsyncRuntimeExecute recorded; an error message when it cannot load.
static FailureOr<llvm::StringMap<void *>>
getAsyncRuntimeSymbols(std::string &error) {
  static std::once_flag once;
  static llvm::StringMap<void *> symbols;
  static std::string loadError;
  std::call_once(once, [] {
    std::string why;
    auto lib = llvm::sys::DynamicLibrary::getPermanentLibrary(
        MX_ASYNC_RUNTIME_PATH, &why);
    if (!lib.isValid()) {
      loadError = "cannot load MLIR's async runtime " +
                  std::string(MX_ASYNC_RUNTIME_PATH) + ": " + why;
      return;
    }
    auto init = reinterpret_cast<void (*)(llvm::StringMap<void *> &)>(
        lib.getAddressOfSymbol("__mlir_execution_engine_init"));
    if (!init) {
      loadError = std::string(MX_ASYNC_RUNTIME_PATH) +
                  " has no __mlir_execution_engine_init";
      return;
    }
    init(symbols);
    runtimeAwaitAllInGroup = reinterpret_cast<AwaitGroupFn>(
        symbols.lookup("mlirAsyncRuntimeAwaitAllInGroup"));
    if (!symbols.lookup("mlirAsyncRuntimeExecute") || !runtimeAwaitAllInGroup) {
      loadError = std::string(MX_ASYNC_RUNTIME_PATH) +
                  " exports no mlirAsyncRuntimeExecute or "
                  "mlirAsyncRuntimeAwaitAllInGroup";
      return;
    }
    symbols["mlirAsyncRuntimeExecute"] =
        reinterpret_cast<void *>(&executeRecorded);
    symbols["mlirAsyncRuntimeAwaitAllInGroup"] =
        reinterpret_cast<void *>(&awaitAllInGroupSpinning);
  });
  if (!loadError.empty()) {
    error = loadError;
    return failure();
  }
  return symbols;
}

CompiledModule::CompiledModule() = default;
CompiledModule::~CompiledModule() {
  // No worker may still run code the engine is about to unmap.
  while (unrecordedPending.load() != 0)
    std::this_thread::yield();
}

/// The CPU features the JIT's code may use: the host's, less those that
/// `tm` (if given) turns off; implied features included (AVX-512 off turns
/// every AVX-512 extension off).
static llvm::StringMap<bool> jitCPUFeatures(const llvm::TargetMachine *tm) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (!tm)
    return features;
  const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  for (const llvm::SubtargetFeatureKV &kv : sti->getAllProcessorFeatures()) {
    auto it = features.find(kv.Key);
    if (it != features.end() && it->second)
      it->second = sti->getFeatureBits().test(kv.Value);
  }
  return features;
}

FailureOr<std::unique_ptr<CompiledModule>>
CompiledModule::compile(ModuleOp module, const CompileOptions &options) {
  MLIRContext *ctx = module.getContext();
  ctx->getOrLoadDialect<bufferization::BufferizationDialect>();
  ctx->getOrLoadDialect<func::FuncDialect>();
  ctx->getOrLoadDialect<memref::MemRefDialect>();
  ctx->getOrLoadDialect<LLVM::LLVMDialect>();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  static std::once_flag nativeTarget;
  std::call_once(nativeTarget, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });

  std::unique_ptr<CompiledModule> compiled(new CompiledModule());
  compiled->threads =
      resolveThreads(options.pipeline ? options.pipeline->threads : 1u);
  // Threaded code calls MLIR's async runtime; load it before lowering, so a
  // missing library is an error before any work.
  llvm::StringMap<void *> runtimeSymbols;
  if (compiled->threads > 1) {
    std::string error;
    FailureOr<llvm::StringMap<void *>> symbols = getAsyncRuntimeSymbols(error);
    if (failed(symbols))
      return emitError(getModuleLoc(module)) << error;
    runtimeSymbols = std::move(*symbols);
    TaskPool::get().ensureWorkers(compiled->threads - 1);
  }
  for (const std::string &name : options.bufferFunctions)
    if (failed(checkBufferFunction(module, name)))
      return failure();
  if (options.fold)
    foldModule(module, options.foldListener);

  // A pass that fails without a diagnostic still gets one.
  bool diagnosed = false;
  {
    ScopedDiagnosticHandler seen(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        diagnosed = true;
      return failure();
    });
    // The buffer wrappers go between the pipeline's stages: on converted
    // signatures, an !mx.tensor argument or result is its components, each
    // a buffer of its own.
    MXCPUPipelineOptions defaults;
    const MXCPUPipelineOptions &pipeline =
        options.pipeline ? *options.pipeline : defaults;
    PassManager conversion(ctx), lowering(ctx);
    buildMXCPUConversionStage(conversion, pipeline);
    buildMXCPULLVMStage(lowering, pipeline);
    bool converted = succeeded(conversion.run(module));
    for (const std::string &name : options.bufferFunctions) {
      if (!converted)
        break;
      FailureOr<FunctionSignature> sig = addWrapper(module, name);
      if (failed(sig))
        return failure();
      compiled->signatures.push_back(std::move(*sig));
    }
    if (!converted || failed(lowering.run(module))) {
      if (!diagnosed)
        emitError(getModuleLoc(module))
            << "mx-cpu-pipeline failed on this module";
      return failure();
    }
  }

  // The JIT compiles for the host CPU, or for options.targetMachine's CPU
  // and features where one is given (e.g. AVX-512 turned off, to run the
  // AVX2 code on an AVX-512 host): ExecutionEngine's default target
  // machine would select the host's instructions whatever the optimizer's
  // target machine said.
  std::unique_ptr<llvm::TargetMachine> engineTM;
  if (const llvm::TargetMachine *tm = options.targetMachine)
    engineTM.reset(tm->getTarget().createTargetMachine(
        tm->getTargetTriple(), tm->getTargetCPU(), tm->getTargetFeatureString(),
        tm->Options, tm->getRelocationModel(), tm->getCodeModel(),
        tm->getOptLevel(), /*JIT=*/true));
  if (failed(verifyCPUFeatures(module, jitCPUFeatures(engineTM.get()))))
    return failure();

  // ExecutionEngineOptions::transformer is a function_ref: the function it
  // refers to must live until create() has run it.
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                options.targetMachine);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.enableObjectDump = options.enableObjectDump;
  auto engine =
      ExecutionEngine::create(module, engineOptions, std::move(engineTM));
  if (!engine)
    return emitError(getModuleLoc(module))
           << "JIT compilation failed: " << llvm::toString(engine.takeError());
  compiled->engine = std::move(*engine);
  // Bufferization copies strided memrefs with the runtime's memrefCopy.
  compiled->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner("memrefCopy")] = {
        llvm::orc::ExecutorAddr::fromPtr(&memrefCopy),
        llvm::JITSymbolFlags::Exported};
    for (const auto &entry : runtimeSymbols)
      symbols[interner(entry.getKey())] = {
          llvm::orc::ExecutorAddr::fromPtr(entry.getValue()),
          llvm::JITSymbolFlags::Exported};
    for (const auto &entry : options.symbols)
      symbols[interner(entry.getKey())] = {
          llvm::orc::ExecutorAddr::fromPtr(entry.getValue()),
          llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  // Link now: a missing symbol is a compile error rather than a failure of
  // the first call, and calls need not initialize the engine (not thread
  // safe) after this.
  compiled->engine->initialize();
  for (const FunctionSignature &sig : compiled->signatures) {
    auto fn = compiled->engine->lookupPacked("_mlir_ciface_" +
                                             getWrapperName(sig.name));
    if (!fn)
      return emitError(getModuleLoc(module))
             << "JIT compilation failed: " << llvm::toString(fn.takeError());
  }
  return compiled;
}

/// The CPU features each x86 intrinsic that MX emits (the mx_x86 ops) needs:
/// any one of the alternatives, each a '+'-separated list of features.
static ArrayRef<StringRef> featuresOfX86Intrinsic(StringRef name) {
  static const StringRef avx2[] = {"avx2"};
  static const StringRef vnni256[] = {"avx512vnni+avx512vl", "avxvnni"};
  static const StringRef vbmi256[] = {"avx512vbmi+avx512vl"};
  static const StringRef vbmi512[] = {"avx512vbmi"};
  static const StringRef bw512[] = {"avx512bw"};
  static const StringRef vnni512[] = {"avx512vnni"};
  if (name.starts_with("llvm.x86.avx2."))
    return avx2;
  if (name == "llvm.x86.avx512.vpdpbusd.256")
    return vnni256;
  if (name == "llvm.x86.avx512.pmultishift.qb.256" ||
      name == "llvm.x86.avx512.vpermi2var.qi.256")
    return vbmi256;
  if (name == "llvm.x86.avx512.vpermi2var.qi.512")
    return vbmi512;
  if (name == "llvm.x86.avx512.vpermi2var.hi.512")
    return bw512;
  if (name == "llvm.x86.avx512.vpdpwssd.512")
    return vnni512;
  return {};
}

LogicalResult mx::verifyCPUFeatures(ModuleOp module,
                                    const llvm::StringMap<bool> &cpuFeatures) {
  bool ok = true;
  module.walk([&](LLVM::CallIntrinsicOp call) {
    ArrayRef<StringRef> alternatives = featuresOfX86Intrinsic(call.getIntrin());
    if (alternatives.empty())
      return;
    auto has = [&](StringRef all) {
      SmallVector<StringRef> features;
      all.split(features, '+');
      return llvm::all_of(features,
                          [&](StringRef f) { return cpuFeatures.lookup(f); });
    };
    if (llvm::any_of(alternatives, has))
      return;
    call.emitError() << "'" << call.getIntrin() << "' needs the CPU feature '"
                     << llvm::join(alternatives, "' or '")
                     << "', which this CPU lacks (the x86 vector targets of "
                        "mx-cpu-pipeline emit it; use target=host or "
                        "target=generic)";
    ok = false;
  });
  return success(ok);
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

const FunctionSignature *CompiledModule::getSignature(StringRef name) const {
  for (const FunctionSignature &sig : signatures)
    if (sig.name == name)
      return &sig;
  return nullptr;
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Checks one group of buffers against the signature.
static llvm::Error checkBuffers(StringRef fn, StringRef what,
                                ArrayRef<TensorSpec> expected,
                                ArrayRef<BufferRef> got) {
  if (got.size() != expected.size())
    return makeError("@" + fn + " takes " + llvm::Twine(expected.size()) + " " +
                     what + " buffer(s), got " + llvm::Twine(got.size()));
  for (auto [i, pair] : llvm::enumerate(llvm::zip(expected, got))) {
    auto [spec, buffer] = pair;
    if (!(buffer.spec == spec))
      return makeError(what + " #" + llvm::Twine(i) + " of @" + fn +
                       ": expected " + spec.str() + ", got " +
                       buffer.spec.str());
    if (!buffer.data && spec.getByteSize() != 0)
      return makeError(what + " #" + llvm::Twine(i) + " of @" + fn +
                       " is a null buffer");
  }
  return llvm::Error::success();
}

static bool overlap(const BufferRef &a, const BufferRef &b) {
  auto *pa = static_cast<const char *>(a.data);
  auto *pb = static_cast<const char *>(b.data);
  return pa < pb + b.spec.getByteSize() && pb < pa + a.spec.getByteSize();
}

llvm::Error CompiledModule::call(StringRef name, ArrayRef<BufferRef> inputs,
                                 ArrayRef<BufferRef> outputs) {
  const FunctionSignature *sig = getSignature(name);
  if (!sig) {
    SmallVector<std::string> names;
    for (const FunctionSignature &s : signatures)
      names.push_back("@" + s.name);
    return makeError("no buffer function @" + name + " (compiled: " +
                     (names.empty() ? "none" : llvm::join(names, ", ")) + ")");
  }
  if (llvm::Error err = checkBuffers(name, "input", sig->inputs, inputs))
    return err;
  if (llvm::Error err = checkBuffers(name, "output", sig->results, outputs))
    return err;
  // The wrapper declares its buffers restrict: outputs alias nothing.
  for (auto [i, out] : llvm::enumerate(outputs)) {
    for (auto [j, in] : llvm::enumerate(inputs))
      if (overlap(out, in))
        return makeError("output #" + llvm::Twine(i) + " of @" + name +
                         " overlaps input #" + llvm::Twine(j));
    for (size_t j = 0; j < i; ++j)
      if (overlap(out, outputs[j]))
        return makeError("output #" + llvm::Twine(i) + " of @" + name +
                         " overlaps output #" + llvm::Twine(j));
  }

  SmallVector<MemRefDescriptor> descriptors;
  for (const BufferRef &b : llvm::concat<const BufferRef>(inputs, outputs))
    descriptors.emplace_back(b.data, b.spec.shape);
  SmallVector<void *> pointers, args;
  for (MemRefDescriptor &d : descriptors)
    pointers.push_back(d.get());
  for (void *&p : pointers)
    args.push_back(&p);
  // The code awaits all its tasks before it returns, but a worker that
  // signalled completion may still be running the task's compiled tail
  // (reference counting, the coroutine's return); the call waits until every
  // worker has left the compiled code, so destroying the engine right after
  // cannot unmap code a thread still runs.
  ThreadRecord record;
  record.add();
  ThreadRecord *outer = currentRecord;
  currentRecord = &record;
  llvm::Error err =
      engine->invokePacked("_mlir_ciface_" + getWrapperName(name), args);
  currentRecord = outer;
  record.waitIdle();
  threadsUsed = record.ids.size();
  return err;
}

llvm::Error CompiledModule::invokePacked(StringRef name,
                                         MutableArrayRef<void *> args) {
  return engine->invokePacked(name, args);
}

llvm::Expected<void (*)(void **)>
CompiledModule::lookupPacked(StringRef name) const {
  return engine->lookupPacked(name);
}

llvm::Expected<void *> CompiledModule::lookup(StringRef name) const {
  return engine->lookup(name);
}

void CompiledModule::dumpToObjectFile(StringRef filename) {
  engine->dumpToObjectFile(filename);
}
