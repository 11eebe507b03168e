//===- Packing.cpp - Packed element bytes and scale layouts ---------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Packing.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mxref;

int64_t mxref::getPackedSize(ElemKind kind, int64_t count) {
  return (count * getElemInfo(kind).bits + 7) / 8;
}

std::vector<uint8_t> mxref::packElements(ElemKind kind,
                                         llvm::ArrayRef<uint8_t> codes) {
  unsigned bits = getElemInfo(kind).bits;
  if (bits == 8)
    return std::vector<uint8_t>(codes.begin(), codes.end());
  std::vector<uint8_t> out(getPackedSize(kind, codes.size()), 0);
  uint8_t mask = uint8_t((1u << bits) - 1);
  // Little-endian bit stream: element j occupies bits [j*bits, (j+1)*bits).
  for (size_t j = 0; j < codes.size(); ++j) {
    uint64_t bit = uint64_t(j) * bits;
    uint32_t v = uint32_t(codes[j] & mask) << (bit % 8);
    out[bit / 8] |= uint8_t(v);
    if (v >> 8)
      out[bit / 8 + 1] |= uint8_t(v >> 8);
  }
  return out;
}

std::vector<uint8_t> mxref::unpackElements(ElemKind kind,
                                           llvm::ArrayRef<uint8_t> bytes,
                                           int64_t count) {
  unsigned bits = getElemInfo(kind).bits;
  std::vector<uint8_t> out(count, 0);
  if (bits == 8) {
    for (int64_t j = 0; j < count && j < int64_t(bytes.size()); ++j)
      out[j] = bytes[j];
    return out;
  }
  uint32_t mask = (1u << bits) - 1;
  for (int64_t j = 0; j < count; ++j) {
    uint64_t bit = uint64_t(j) * bits;
    size_t byte = bit / 8;
    if (byte >= bytes.size())
      break;
    uint32_t v = bytes[byte];
    if (byte + 1 < bytes.size())
      v |= uint32_t(bytes[byte + 1]) << 8;
    out[j] = uint8_t((v >> (bit % 8)) & mask);
  }
  return out;
}

std::optional<ScaleLayout> mxref::symbolizeScaleLayout(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ScaleLayout>>(name)
      .Case("row_major", ScaleLayout::RowMajor)
      .Case("blackwell_128x4", ScaleLayout::Blackwell128x4)
      .Default(std::nullopt);
}

llvm::StringRef mxref::stringifyScaleLayout(ScaleLayout layout) {
  return layout == ScaleLayout::RowMajor ? "row_major" : "blackwell_128x4";
}

static int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

int64_t mxref::getBlackwellScaleOffset(int64_t m, int64_t k, int64_t cols) {
  int64_t kp = roundUp(cols, 4);
  return ((m / 128) * (kp / 4) + k / 4) * 512 + (m % 32) * 16 +
         ((m % 128) / 32) * 4 + (k % 4);
}

int64_t mxref::getBlackwellScaleSize(int64_t rows, int64_t cols) {
  return roundUp(rows, 128) * roundUp(cols, 4);
}

std::vector<uint8_t> mxref::toBlackwell128x4(llvm::ArrayRef<uint8_t> rowMajor,
                                             int64_t rows, int64_t cols) {
  std::vector<uint8_t> out(getBlackwellScaleSize(rows, cols), 0);
  for (int64_t m = 0; m < rows; ++m)
    for (int64_t k = 0; k < cols; ++k)
      out[getBlackwellScaleOffset(m, k, cols)] = rowMajor[m * cols + k];
  return out;
}

std::vector<uint8_t> mxref::fromBlackwell128x4(llvm::ArrayRef<uint8_t> swizzled,
                                               int64_t rows, int64_t cols) {
  std::vector<uint8_t> out(rows * cols, 0);
  for (int64_t m = 0; m < rows; ++m)
    for (int64_t k = 0; k < cols; ++k)
      out[m * cols + k] = swizzled[getBlackwellScaleOffset(m, k, cols)];
  return out;
}
