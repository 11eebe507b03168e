//===- Core.h - The MLIR side of the Python package -------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// What `mx._mx` needs from MLIR and the execution engine, behind an interface
// of standard types only: this half is compiled like the rest of the project
// (LLVM's flags, no exceptions), the binding (_mx.cpp) with the exceptions
// pybind11 needs, and the binding never sees an MLIR class.
//
// Every failure is a `Failure` whose message is the MLIR diagnostics that
// were emitted ("FILE:LINE:COL: error: ...", notes included), in order.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PYTHON_CORE_H
#define MX_PYTHON_CORE_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mxpy {

/// An error for Python: the diagnostics, one per line.
struct Failure {
  std::string message;
};

/// One diagnostic that was not an error (remarks, warnings), for Python.
struct Diagnostic {
  std::string severity; ///< "warning", "remark" or "note"
  std::string location; ///< "FILE:LINE:COL", or MLIR's spelling
  std::string message;
};

/// A statically shaped tensor of a buffer function (mx::TensorSpec).
struct TensorSpec {
  std::string elementType; ///< "f32", "bf16", "i1", ...
  int64_t elementBytes = 4;
  std::vector<int64_t> shape;
};

struct Buffer {
  void *data = nullptr;
  TensorSpec spec;
};

struct Signature {
  std::string name;
  std::vector<TensorSpec> inputs, results;
};

class ContextImpl;
class ModuleImpl;
class CompiledImpl;

/// An MLIRContext with MX and the dialects its pipelines need loaded, and
/// every MX and upstream pass registered (once per process).
class Context {
public:
  Context();
  ~Context();
  ContextImpl &impl() { return *ctx; }

private:
  std::unique_ptr<ContextImpl> ctx;
};

class Module {
public:
  /// Parses `text`; locations name `sourceName`.
  static std::unique_ptr<Module> parse(std::shared_ptr<Context> ctx,
                                       const std::string &text,
                                       const std::string &sourceName,
                                       Failure &failure);
  ~Module();

  std::string str(bool debugInfo, bool generic) const;
  std::unique_ptr<Module> clone() const;
  /// Runs a textual pass pipeline ("builtin.module(...)") in place. The
  /// remarks and warnings it emitted go to `diagnostics`.
  std::optional<Failure> runPipeline(const std::string &pipeline,
                                     std::vector<Diagnostic> &diagnostics);
  /// The functions whose arguments and results a compiled module can take
  /// from and give to buffers; others are skipped.
  /// mx-run --calibrate for one sample: runs the f32 program (quantization
  /// stripped) on `inputs` (read from `inputFiles`, which the file records
  /// for objective=sensitivity) with every activation operand tapped, and
  /// adds the statistics to the calibration file `file`.
  std::optional<Failure> calibrate(const std::string &entry,
                                   const std::vector<Buffer> &inputs,
                                   const std::vector<std::string> &inputFiles,
                                   const std::string &moduleName,
                                   const std::string &file,
                                   std::vector<Diagnostic> &diagnostics);
  std::vector<Signature> getBufferSignatures() const;
  std::vector<std::string> getFunctionNames() const;
  std::shared_ptr<Context> getContext() const { return ctx; }
  ModuleImpl &impl() { return *module; }

private:
  Module(std::shared_ptr<Context> ctx, std::unique_ptr<ModuleImpl> module);
  std::shared_ptr<Context> ctx;
  std::unique_ptr<ModuleImpl> module;
};

struct CompileOptions {
  std::vector<std::string> functions;
  bool fold = true;
  unsigned optLevel = 2;
  /// mx-cpu-pipeline's options in its textual form ("vectorize=false").
  std::string pipelineOptions;
};

/// A module compiled for the host; independent of its Context.
class Compiled {
public:
  /// Compiles a copy of `module` (which is left unchanged).
  static std::unique_ptr<Compiled> compile(const Module &module,
                                           const CompileOptions &options,
                                           Failure &failure);
  ~Compiled();
  const Signature *getSignature(const std::string &name) const;
  std::vector<std::string> getFunctionNames() const;
  /// Runs `name`; buffers are checked against its signature first. Safe to
  /// call without Python's lock.
  std::optional<Failure> call(const std::string &name,
                              const std::vector<Buffer> &inputs,
                              const std::vector<Buffer> &outputs);

private:
  Compiled();
  std::unique_ptr<CompiledImpl> impl;
  std::vector<Signature> signatures;
};

} // namespace mxpy

#endif // MX_PYTHON_CORE_H
