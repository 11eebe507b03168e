//===- CompiledEngine.cpp - mx-quant's compiled engine --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "CompiledEngine.h"

#include "mx/Conversion/MXToLinalg/MXToLinalg.h"
#include "mx/Dialect/MX/MXOps.h"
#include "mx/InitAllDialects.h"
#include "mx/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/MemRefUtils.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>

using namespace mxref;

namespace {

/// The MLIR spelling of a preset's element and scale types.
const char *elemTypeName(ElemKind kind) {
  switch (kind) {
  case ElemKind::E2M1:
    return "f4E2M1FN";
  case ElemKind::E2M3:
    return "f6E2M3FN";
  case ElemKind::E3M2:
    return "f6E3M2FN";
  case ElemKind::E4M3:
    return "f8E4M3FN";
  case ElemKind::E5M2:
    return "f8E5M2";
  case ElemKind::INT8:
    return "i8";
  }
  return "i8";
}

/// The entry point: input and outputs as memrefs, so the caller owns every
/// buffer. Element codes come out one per byte through mx.unpack.
std::string buildModule(int64_t rows, int64_t cols, int64_t tileRows,
                        int64_t tileCols, const Format &format,
                        std::optional<ScaleMode> mode) {
  const ElemInfo &info = getElemInfo(format.elem);
  std::string fmt = getPresetName(format).str();
  std::string shape = llvm::formatv("{0}x{1}", rows, cols);
  std::string grid = llvm::formatv("{0}x{1}", rows / tileRows, cols / tileCols);
  std::string mxType = llvm::formatv("!mx.tensor<{0}x{1}, block = [{2}, {3}]>",
                                     shape, fmt, tileRows, tileCols);
  std::string elem = elemTypeName(format.elem);
  std::string scale =
      format.scale == ScaleKind::E8M0 ? "f8E8M0FNU" : "f8E4M3FN";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "func.func @mx_quant(%in: memref<" << shape << "xf32>, %codes: memref<"
     << shape << "xi8>, %scales: memref<" << grid
     << "xi8>, %ts: memref<1xf32>, %dec: memref<" << shape
     << "xf32>) attributes {llvm.emit_c_interface} {\n"
     << "  %x = bufferization.to_tensor %in restrict : memref<" << shape
     << "xf32> to tensor<" << shape << "xf32>\n"
     << "  %q = mx.quantize %x";
  if (mode)
    os << " scale_mode = " << stringifyScaleMode(*mode);
  os << " : tensor<" << shape << "xf32> -> " << mxType << "\n";
  os << "  %e, %s" << (format.tensorScale ? ", %g" : "")
     << " = mx.unpack %q : " << mxType << "\n";
  std::string codes = "%e";
  if (format.elem != ElemKind::INT8) {
    os << "  %eb = arith.bitcast %e : tensor<" << shape << "x" << elem
       << "> to tensor<" << shape << "xi" << info.bits << ">\n";
    codes = "%eb";
    if (info.bits != 8) {
      os << "  %ei = arith.extui %eb : tensor<" << shape << "xi" << info.bits
         << "> to tensor<" << shape << "xi8>\n";
      codes = "%ei";
    }
  }
  os << "  bufferization.materialize_in_destination " << codes
     << " in restrict writable %codes : (tensor<" << shape << "xi8>, memref<"
     << shape << "xi8>) -> ()\n"
     << "  %sb = arith.bitcast %s : tensor<" << grid << "x" << scale
     << "> to tensor<" << grid << "xi8>\n"
     << "  bufferization.materialize_in_destination %sb in restrict writable "
        "%scales : (tensor<"
     << grid << "xi8>, memref<" << grid << "xi8>) -> ()\n";
  if (format.tensorScale)
    os << "  %c0 = arith.constant 0 : index\n"
       << "  memref.store %g, %ts[%c0] : memref<1xf32>\n";
  os << "  %d = mx.dequantize %q : " << mxType << " -> tensor<" << shape
     << "xf32>\n"
     << "  bufferization.materialize_in_destination %d in restrict writable "
        "%dec : (tensor<"
     << shape << "xf32>, memref<" << shape << "xf32>) -> ()\n"
     << "  return\n}\n";
  return s;
}

/// A row-major rows x cols descriptor over caller-owned data (upstream's
/// MemRefUtils builds the strides).
template <typename T>
StridedMemRefType<T, 2> view2D(T *data, int64_t rows, int64_t cols) {
  return mlir::detail::makeStridedMemRefDescriptor<2>(data, data, {rows, cols},
                                                      {rows, cols});
}

} // namespace

std::optional<std::string>
mxref::quantizeCompiled(llvm::ArrayRef<float> values, int64_t rows,
                        int64_t cols, int64_t tileRows, int64_t tileCols,
                        const Format &format, std::optional<ScaleMode> mode,
                        QuantizedTensor &q, std::vector<float> &decoded) {
  mlir::DialectRegistry registry;
  mlir::mx::registerAllDialects(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();

  // Collect diagnostics into one line instead of printing them.
  std::string diag;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (diag.empty())
      diag = d.str();
    return mlir::success();
  });
  auto fail = [&](llvm::StringRef what) {
    return ("compiled engine: " + what + (diag.empty() ? "" : ": " + diag))
        .str();
  };

  // The lowering keeps rows of packed FP4/FP6 byte aligned; a row that does
  // not fill whole bytes (e.g. FP4 with 1x3 blocks on 9 columns) gets whole
  // blocks of zeros appended. Zero blocks change no other block, nor NVFP4's
  // tensor amax, and are dropped from the results.
  const int64_t bits = getElemInfo(format.elem).bits;
  int64_t paddedCols = cols;
  while ((paddedCols * bits) % 8 != 0)
    paddedCols += tileCols;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(
          buildModule(rows, paddedCols, tileRows, tileCols, format, mode),
          &ctx);
  if (!module)
    return fail("cannot build the module");
  mlir::PassManager pm(&ctx);
  mlir::mx::buildMXCPUPipeline(pm);
  if (mlir::failed(pm.run(*module)))
    return fail("lowering failed");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::ExecutionEngineOptions opts;
  opts.transformer = mlir::makeOptimizingTransformer(
      /*optLevel=*/2, /*sizeLevel=*/0, /*targetMachine=*/nullptr);
  auto engine = mlir::ExecutionEngine::create(*module, opts);
  if (!engine)
    return fail("JIT compilation failed: " +
                llvm::toString(engine.takeError()));

  int64_t n = rows * paddedCols;
  int64_t gridRows = rows / tileRows, gridCols = paddedCols / tileCols;
  std::vector<float> input(n, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(values.begin() + r * cols, cols,
                input.begin() + r * paddedCols);
  std::vector<int8_t> codes(n), scales(gridRows * gridCols);
  std::vector<float> paddedDecoded(n, 0.0f);
  float tensorScale = 1.0f;
  auto in = view2D(input.data(), rows, paddedCols);
  auto codesRef = view2D(codes.data(), rows, paddedCols);
  auto scalesRef = view2D(scales.data(), gridRows, gridCols);
  auto decRef = view2D(paddedDecoded.data(), rows, paddedCols);
  auto tsRef = mlir::detail::makeStridedMemRefDescriptor<1>(
      &tensorScale, &tensorScale, {1}, {1});
  auto *inPtr = &in;
  auto *codesPtr = &codesRef;
  auto *scalesPtr = &scalesRef;
  auto *tsPtr = &tsRef;
  auto *decPtr = &decRef;
  void *args[] = {&inPtr, &codesPtr, &scalesPtr, &tsPtr, &decPtr};
  if (llvm::Error err = (*engine)->invokePacked("_mlir_ciface_mx_quant", args))
    return fail("cannot run the compiled code: " +
                llvm::toString(std::move(err)));

  // Drop the padding columns and blocks.
  int64_t usedGridCols = cols / tileCols;
  q.elements.resize(rows * cols);
  decoded.resize(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      q.elements[r * cols + c] = uint8_t(codes[r * paddedCols + c]);
      decoded[r * cols + c] = paddedDecoded[r * paddedCols + c];
    }
  q.scales.resize(gridRows * usedGridCols);
  for (int64_t r = 0; r < gridRows; ++r)
    for (int64_t c = 0; c < usedGridCols; ++c)
      q.scales[r * usedGridCols + c] = uint8_t(scales[r * gridCols + c]);
  q.format = format;
  q.shape = {rows, cols};
  q.block = {tileRows, tileCols};
  q.tensorDecodeScale = format.tensorScale ? tensorScale : 1.0f;
  return std::nullopt;
}
