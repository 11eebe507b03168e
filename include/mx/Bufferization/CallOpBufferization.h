//===- CallOpBufferization.h - func.call bufferization model ----*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// MX's BufferizableOpInterface model for `func.call`. MLIR 22's model looks
// the callee up in a symbol table it builds for each buffer-type query, so
// one-shot bufferization of a module with F functions and C calls costs
// O(F x C) (docs/Robustness.md, "One-shot bufferization rebuilds the
// module's symbol table per call"; fixed upstream after 22 branched). This
// model answers the same queries through the cached symbol tables.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BUFFERIZATION_CALLOPBUFFERIZATION_H
#define MX_BUFFERIZATION_CALLOPBUFFERIZATION_H

namespace mlir {
class DialectRegistry;
class MLIRContext;

namespace mx {

/// Attaches MX's `func.call` model. An op keeps the first model attached for
/// an interface, so call this before
/// `bufferization::func_ext::registerBufferizableOpInterfaceExternalModels`
/// (which still provides the `func.func` and `func.return` models), as
/// `mx::registerAllDialects` does.
void registerCallOpBufferizationModel(DialectRegistry &registry);

/// Whether `func.call` in `context` (with the func dialect loaded) uses MX's
/// model rather than upstream's.
bool usesMXCallOpBufferizationModel(MLIRContext *context);

} // namespace mx
} // namespace mlir

#endif // MX_BUFFERIZATION_CALLOPBUFFERIZATION_H
