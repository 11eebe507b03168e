//===- CompiledModule.h - MX programs compiled for the host -----*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The one JIT host of MX: compiles an MX module for the host CPU (optional
// folding, mx-cpu-pipeline, LLVM at a chosen optimization level) and calls
// its functions with caller-owned buffers (docs/Lowering.md, "Execution").
//
// Two ways to call compiled code:
//  * Tensor functions named in CompileOptions::bufferFunctions: arguments
//    and results are statically shaped ranked tensors, or `!mx.tensor`
//    values, which cross as their components (packed elements, block
//    scales, tensor scale: docs/Lowering.md, "Stages"). compile() adds a
//    wrapper taking one memref per input and one per result of the
//    converted function (rank 0 for the scalar tensor scale), and call()
//    checks count, element type and shape of every buffer before it runs.
//  * Anything else: functions the caller wrote with memref (or scalar)
//    arguments and `llvm.emit_c_interface`, called through invokePacked(),
//    lookupPacked() or lookup() with descriptors the caller builds
//    (MemRefDescriptor builds them for any rank).
//
// Lifetime: a CompiledModule owns its compiled code and does not refer to the
// MLIRContext or the module it was compiled from; both may be destroyed
// after compile() returns. Function pointers from lookup() stay valid as long
// as the CompiledModule. compile() links the buffer functions, so calls of
// them may then run concurrently (compiled MX code holds no state; its
// temporaries are malloc'ed and freed within each call).
//
//===----------------------------------------------------------------------===//

#ifndef MX_EXECUTIONENGINE_COMPILEDMODULE_H
#define MX_EXECUTIONENGINE_COMPILEDMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace mlir {
class ExecutionEngine;

namespace mx {
struct MXCPUPipelineOptions;

/// Element types a buffer of a tensor function may have. i1 is stored one
/// byte per element, as memrefs of i1 are.
enum class ElementType : uint8_t { f64, f32, f16, bf16, i64, i32, i16, i8, i1 };

/// The ElementType of an MLIR type, if it is one.
std::optional<ElementType> getElementType(Type type);
/// The MLIR type of an ElementType.
Type getMLIRType(ElementType type, MLIRContext *ctx);
/// Its MLIR spelling ("f32", "bf16", "i1", ...).
StringRef stringifyElementType(ElementType type);
/// Bytes per element in a buffer.
int64_t getElementByteSize(ElementType type);

/// A statically shaped tensor: what one buffer of a call holds.
struct TensorSpec {
  ElementType elementType = ElementType::f32;
  SmallVector<int64_t, 4> shape;

  int64_t getNumElements() const;
  int64_t getByteSize() const {
    return getNumElements() * getElementByteSize(elementType);
  }
  /// "tensor<4x8xf32>".
  std::string str() const;
  bool operator==(const TensorSpec &other) const {
    return elementType == other.elementType && shape == other.shape;
  }
};

/// The TensorSpec of `type`, if it is a statically shaped ranked tensor of
/// an ElementType.
std::optional<TensorSpec> getTensorSpec(Type type);

/// A caller-owned, contiguous row-major buffer.
struct BufferRef {
  void *data = nullptr;
  TensorSpec spec;

  template <typename T>
  static BufferRef get(T *data, ElementType type, ArrayRef<int64_t> shape) {
    return {const_cast<std::remove_const_t<T> *>(data),
            TensorSpec{type, SmallVector<int64_t, 4>(shape)}};
  }
};

/// The signature of a tensor function callable with buffers.
struct FunctionSignature {
  std::string name;
  SmallVector<TensorSpec> inputs, results;
};

/// One ranked memref descriptor of any rank, laid out as upstream's
/// StridedMemRefType<T, rank> ({allocated, aligned, offset, sizes[rank],
/// strides[rank]}), over caller-owned contiguous row-major data.
class MemRefDescriptor {
public:
  MemRefDescriptor(void *data, ArrayRef<int64_t> shape);
  /// What a C-interface function takes for a memref argument.
  void *get() { return words.data(); }

private:
  SmallVector<int64_t, 11> words;
};

/// How to compile.
struct CompileOptions {
  /// Tensor functions to make callable with buffers (call()). Each must be
  /// defined in the module, with statically shaped ranked tensor (or
  /// `!mx.tensor`) arguments and results of the ElementTypes above; the
  /// signature (getSignature) is that of the converted function, an
  /// `!mx.tensor` as its components.
  SmallVector<std::string> bufferFunctions;
  /// Fold the module with every canonicalization pattern before lowering
  /// (constant weights quantize at compile time here); `foldListener`, if
  /// given, sees every replacement and erasure.
  bool fold = false;
  RewriterBase::Listener *foldListener = nullptr;
  /// mx-cpu-pipeline's options; null: the defaults.
  const MXCPUPipelineOptions *pipeline = nullptr;
  /// LLVM's optimization level (0-3) and, optionally, the target machine
  /// the code is for (not owned; only used in compile()): its CPU and
  /// features bind both LLVM's passes and the JIT's code generation, and
  /// the CPU-feature check of the x86 intrinsics; null: the host's.
  unsigned optLevel = 2;
  llvm::TargetMachine *targetMachine = nullptr;
  /// Keep the object file for dumpToObjectFile().
  bool enableObjectDump = false;
  /// Symbols the compiled code links to, added to (and overriding) the
  /// process's and the runtime's (memrefCopy): e.g. instrumented malloc/free.
  llvm::StringMap<void *> symbols;
};

/// An MX module compiled for the host.
class CompiledModule {
public:
  /// Compiles `module`, modified in place (wrappers added, then lowered to
  /// the LLVM dialect). Its context needs what mx::registerAllDialects
  /// registers (InitAllDialects.h). Errors are diagnostics in that context,
  /// located where possible.
  static FailureOr<std::unique_ptr<CompiledModule>>
  compile(ModuleOp module, const CompileOptions &options = {});

  ~CompiledModule();

  /// The signature of a buffer function, or null.
  const FunctionSignature *getSignature(StringRef name) const;

  /// Runs buffer function `name`: reads `inputs`, writes `outputs`. A wrong
  /// count, element type, shape or a null buffer is an error; nothing runs.
  llvm::Error call(StringRef name, ArrayRef<BufferRef> inputs,
                   ArrayRef<BufferRef> outputs);

  /// The lower-level path (upstream ExecutionEngine semantics): `name` is
  /// the symbol, e.g. "_mlir_ciface_f" for a function with
  /// llvm.emit_c_interface.
  llvm::Error invokePacked(StringRef name, MutableArrayRef<void *> args);
  llvm::Expected<void (*)(void **)> lookupPacked(StringRef name) const;
  llvm::Expected<void *> lookup(StringRef name) const;

  /// Writes the object file (needs CompileOptions::enableObjectDump).
  void dumpToObjectFile(StringRef filename);

  /// The threads the compiled code asked for (mx-cpu-pipeline's `threads`,
  /// 0 resolved to the host's hardware threads).
  unsigned getThreads() const { return threads; }
  /// How many distinct threads ran the last call() on this object: the
  /// caller plus every thread of MLIR's async runtime that ran one of its
  /// tasks (a counted fact, not a timing; 1 for serial code).
  unsigned getThreadsUsedByLastCall() const { return threadsUsed; }

private:
  CompiledModule();

  std::unique_ptr<ExecutionEngine> engine;
  std::vector<FunctionSignature> signatures;
  unsigned threads = 1;
  unsigned threadsUsed = 0;
};

/// Fails with a located error for each x86 intrinsic in `module` (an LLVM
/// dialect module, after mx-cpu-pipeline) whose ISA extension `cpuFeatures`
/// (llvm::sys::getHostCPUFeatures's map) lacks: LLVM cannot select them and
/// would abort. CompiledModule::compile checks the host's features so.
LogicalResult verifyCPUFeatures(ModuleOp module,
                                const llvm::StringMap<bool> &cpuFeatures);

/// Runs the canonicalization patterns of every loaded dialect and op on
/// `module`, as --canonicalize does, reporting to `listener`.
void foldModule(ModuleOp module, RewriterBase::Listener *listener = nullptr);

} // namespace mx
} // namespace mlir

#endif // MX_EXECUTIONENGINE_COMPILEDMODULE_H
