//===- CompiledEngine.cpp - mx-quant's compiled engine --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "CompiledEngine.h"

#include "mx/Dialect/MX/MXOps.h"
#include "mx/ExecutionEngine/CompiledModule.h"
#include "mx/InitAllDialects.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>

using namespace mxref;
using namespace mlir;

namespace {

/// `@mx_quant(%in, %codes, %scales, %ts, %dec)`: input and outputs as
/// memrefs, so the caller owns every buffer. Element codes come out one per
/// byte through mx.unpack.
OwningOpRef<ModuleOp> buildModule(MLIRContext &ctx, int64_t rows, int64_t cols,
                                  int64_t tileRows, int64_t tileCols,
                                  const Format &format,
                                  std::optional<ScaleMode> mode) {
  Location loc = UnknownLoc::get(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  SmallVector<int64_t, 2> shape = {rows, cols};
  SmallVector<int64_t, 2> grid = {rows / tileRows, cols / tileCols};
  auto mxType = mx::BlockScaledTensorType::get(
      &ctx, shape, mx::FormatAttr::get(&ctx, format), {tileRows, tileCols});
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  auto input = MemRefType::get(shape, f32);
  auto codes = MemRefType::get(shape, i8);
  auto scales = MemRefType::get(grid, i8);
  auto fn = func::FuncOp::create(
      b, loc, "mx_quant",
      b.getFunctionType(
          {input, codes, scales, MemRefType::get({1}, f32), input}, {}));
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto store = [&](Value tensor, Value buffer) {
    bufferization::MaterializeInDestinationOp::create(
        b, loc, TypeRange{}, tensor, buffer, /*restrict=*/true,
        /*writable=*/true);
  };
  Value x = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(shape, f32), body->getArgument(0),
      /*restrict=*/true);
  mx::ScaleModeAttr modeAttr =
      mode ? mx::ScaleModeAttr::get(&ctx, mx::fromReference(*mode))
           : mx::ScaleModeAttr();
  Value q = mx::QuantizeOp::create(b, loc, mxType, x, /*tensor_scale=*/Value(),
                                   /*random_bits=*/Value(), modeAttr);
  RankedTensorType elemType = mxType.getElementsType();
  // Null for a per-tensor format, which has no scales (the scales buffer,
  // one byte, stays unwritten).
  RankedTensorType scaleType = mxType.getScalesType(mx::ScaleLayout::row_major);
  auto unpack = mx::UnpackOp::create(b, loc, q, mx::ScaleLayout::row_major);
  Value elems = unpack.getElements();
  // Codes as bytes: the float element's bit pattern, zero-extended.
  unsigned bits = getElemInfo(format.elem).bits;
  if (!elemType.getElementType().isInteger(bits))
    elems = arith::BitcastOp::create(
        b, loc, RankedTensorType::get(shape, b.getIntegerType(bits)), elems);
  if (bits != 8)
    elems =
        arith::ExtUIOp::create(b, loc, RankedTensorType::get(shape, i8), elems);
  store(elems, body->getArgument(1));
  if (scaleType)
    store(arith::BitcastOp::create(b, loc, RankedTensorType::get(grid, i8),
                                   unpack.getScales()),
          body->getArgument(2));
  if (format.tensorScale)
    memref::StoreOp::create(
        b, loc, unpack.getTensorScale(), body->getArgument(3),
        ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
  store(mx::DequantizeOp::create(b, loc, RankedTensorType::get(shape, f32), q),
        body->getArgument(4));
  func::ReturnOp::create(b, loc);
  return module;
}

} // namespace

std::optional<std::string>
mxref::quantizeCompiled(llvm::ArrayRef<float> values, int64_t rows,
                        int64_t cols, int64_t tileRows, int64_t tileCols,
                        const Format &format, std::optional<ScaleMode> mode,
                        QuantizedTensor &q, std::vector<float> &decoded) {
  DialectRegistry registry;
  mx::registerAllDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();

  // Collect diagnostics into one line instead of printing them.
  std::string diag;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    if (diag.empty())
      diag = d.str();
    return success();
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
  OwningOpRef<ModuleOp> module =
      buildModule(ctx, rows, paddedCols, tileRows, tileCols, format, mode);
  if (failed(verify(*module)))
    return fail("cannot build the module");
  FailureOr<std::unique_ptr<mx::CompiledModule>> compiled =
      mx::CompiledModule::compile(*module);
  if (failed(compiled))
    return fail("cannot compile");

  int64_t n = rows * paddedCols;
  int64_t gridRows = rows / tileRows, gridCols = paddedCols / tileCols;
  std::vector<float> input(n, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(values.begin() + r * cols, cols,
                input.begin() + r * paddedCols);
  std::vector<int8_t> codes(n), scales(gridRows * gridCols);
  std::vector<float> paddedDecoded(n, 0.0f);
  float tensorScale = 1.0f;
  mx::MemRefDescriptor in(input.data(), {rows, paddedCols}),
      codesRef(codes.data(), {rows, paddedCols}),
      scalesRef(scales.data(), {gridRows, gridCols}), tsRef(&tensorScale, {1}),
      decRef(paddedDecoded.data(), {rows, paddedCols});
  void *pointers[] = {in.get(), codesRef.get(), scalesRef.get(), tsRef.get(),
                      decRef.get()};
  void *args[] = {&pointers[0], &pointers[1], &pointers[2], &pointers[3],
                  &pointers[4]};
  if (llvm::Error err =
          (*compiled)->invokePacked("_mlir_ciface_mx_quant", args))
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
  q.scales.resize(format.hasBlockScales() ? gridRows * usedGridCols : 0);
  for (int64_t r = 0; r < gridRows && format.hasBlockScales(); ++r)
    for (int64_t c = 0; c < usedGridCols; ++c)
      q.scales[r * usedGridCols + c] = uint8_t(scales[r * gridCols + c]);
  q.format = format;
  q.shape = {rows, cols};
  q.block = {tileRows, tileCols};
  q.tensorDecodeScale = format.tensorScale ? tensorScale : 1.0f;
  return std::nullopt;
}
