//===- MXTypes.cpp - MX types ---------------------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXTypes.h"
#include "mx/Dialect/MX/MXDialect.h"
#include "mx/Numerics/Quantize.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::mx;

#define GET_TYPEDEF_CLASSES
#include "mx/Dialect/MX/MXTypes.cpp.inc"

void MXDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "mx/Dialect/MX/MXTypes.cpp.inc"
      >();
}

// The one block of a per-tensor format is the whole tensor.
static bool isPerTensor(FormatAttr format) {
  return isa<NoneType>(format.getScaleType());
}

static SmallVector<int64_t> defaultBlock(ArrayRef<int64_t> shape,
                                         FormatAttr format) {
  if (isPerTensor(format))
    return SmallVector<int64_t>(shape);
  SmallVector<int64_t> block(shape.size(), 1);
  if (!block.empty())
    block.back() = format.getBlockSize();
  return block;
}

BlockScaledTensorType BlockScaledTensorType::get(ArrayRef<int64_t> shape,
                                                 FormatAttr format,
                                                 ArrayRef<int64_t> block) {
  if (block.empty())
    return Base::get(format.getContext(), shape, format,
                     defaultBlock(shape, format));
  return Base::get(format.getContext(), shape, format, block);
}

// Rules T1-T3 (docs/Dialect.md).
LogicalResult
BlockScaledTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                              ArrayRef<int64_t> shape, FormatAttr format,
                              ArrayRef<int64_t> block) {
  if (!format)
    return emitError() << "missing format";
  if (shape.empty()) // T1
    return emitError() << "a block-scaled tensor needs rank >= 1";
  for (int64_t d : shape)
    if (d <= 0 || ShapedType::isDynamic(d)) // T1
      return emitError() << "dimensions must be static and positive, got " << d;
  if (block.size() != shape.size()) // T2
    return emitError() << "block shape has rank " << block.size()
                       << " but the tensor has rank " << shape.size();
  for (auto [i, dims] : llvm::enumerate(llvm::zip_equal(shape, block))) {
    auto [s, b] = dims;
    if (b <= 0) // T2
      return emitError() << "block size along dimension " << i
                         << " must be positive, got " << b;
    if (s % b != 0) // T2
      return emitError() << "block size " << b << " does not divide dimension "
                         << i << " of size " << s;
  }
  if (isPerTensor(format) && block != shape) // T3
    return emitError() << "a per-tensor format takes no block shape (its one "
                          "block is the whole tensor)";
  // T4: every size derived from the type (elements, bits, bytes of each
  // component, up to 32 bits per element) then fits in an int64_t.
  constexpr int64_t kMaxElements = int64_t(1) << 57;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d > kMaxElements / n)
      return emitError() << "the tensor has more than 2^57 elements (the "
                            "product of its dimensions must be at most "
                         << kMaxElements << ")";
    n *= d;
  }
  return success();
}

bool BlockScaledTensorType::hasBlockScales() const {
  return !isPerTensor(getFormat());
}

int64_t BlockScaledTensorType::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : getShape())
    n *= d;
  return n;
}

SmallVector<int64_t> BlockScaledTensorType::getBlockGrid() const {
  SmallVector<int64_t> grid;
  for (auto [s, b] : llvm::zip_equal(getShape(), getBlock()))
    grid.push_back(s / b);
  return grid;
}

bool BlockScaledTensorType::hasDefaultBlock() const {
  return getBlock() == ArrayRef(defaultBlock(getShape(), getFormat()));
}

RankedTensorType BlockScaledTensorType::getElementsType() const {
  return RankedTensorType::get(getShape(), getFormat().getElementType());
}

RankedTensorType
BlockScaledTensorType::getScalesType(ScaleLayout layout) const {
  if (!hasBlockScales())
    return {};
  SmallVector<int64_t> grid = getBlockGrid();
  Type scaleType = getFormat().getScaleType();
  if (layout == ScaleLayout::row_major)
    return RankedTensorType::get(grid, scaleType);
  if (grid.size() < 2)
    return {};
  // [..., M, K] -> [..., Mp/128, Kp/4, 32, 4, 4] (128x4 scale-factor atoms).
  int64_t m = grid[grid.size() - 2], k = grid.back();
  SmallVector<int64_t> shape(grid.begin(), grid.end() - 2);
  // divideCeil computes in unsigned; m and k are positive (T1).
  shape.append({static_cast<int64_t>(llvm::divideCeil(m, 128)),
                static_cast<int64_t>(llvm::divideCeil(k, 4)), 32, 4, 4});
  return RankedTensorType::get(shape, scaleType);
}

// !mx.tensor<4x64xmxfp4[, block = [1, 32]]>
Type BlockScaledTensorType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true))
    return {};
  FailureOr<FormatAttr> format = FormatAttr::parseRef(parser);
  if (failed(format))
    return {};
  SmallVector<int64_t> block;
  if (succeeded(parser.parseOptionalComma())) {
    if (isPerTensor(*format)) { // T3
      parser.emitError(loc) << "a per-tensor format takes no block shape (its "
                               "one block is the whole tensor)";
      return {};
    }
    if (parser.parseKeyword("block") || parser.parseEqual() ||
        parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
          return parser.parseInteger(block.emplace_back());
        }))
      return {};
  } else {
    block = defaultBlock(shape, *format);
  }
  if (parser.parseGreater())
    return {};
  return BlockScaledTensorType::getChecked(
      [&] { return parser.emitError(loc); }, parser.getContext(), shape,
      *format, block);
}

void BlockScaledTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t d : getShape())
    printer << d << "x";
  getFormat().printRef(printer);
  if (!hasDefaultBlock()) {
    printer << ", block = [";
    llvm::interleaveComma(getBlock(), printer);
    printer << "]";
  }
  printer << ">";
}
