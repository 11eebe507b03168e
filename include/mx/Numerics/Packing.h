//===- Packing.h - Packed element bytes and scale layouts -------*- C++ -*-===//
//
// Part of the MX project. The reference numerics layer: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// Memory layouts (docs/Numerics.md §5):
//  * FP4: two codes per byte, element 2i in bits 3:0, 2i+1 in bits 7:4.
//  * FP6: a little-endian bit stream, element j in bits 6j..6j+5, so four
//    elements fill three bytes.
//  * FP8, INT8 and every scale: one byte each.
// A stream whose bit length is not a multiple of 8 is padded with zero bits.
//
// Scale layouts: row-major over the grid of blocks, or Blackwell's 128x4
// scale-factor atoms (cuBLAS / CUTLASS / torchao `to_blocked`).
//
//===----------------------------------------------------------------------===//

#ifndef MX_NUMERICS_PACKING_H
#define MX_NUMERICS_PACKING_H

#include "mx/Numerics/Format.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mxref {

/// Bytes needed for `count` packed codes of `kind`.
int64_t getPackedSize(ElemKind kind, int64_t count);
/// Packs one code per byte into the memory layout of `kind`.
std::vector<uint8_t> packElements(ElemKind kind, llvm::ArrayRef<uint8_t> codes);
/// Inverse of packElements; `count` codes are produced.
std::vector<uint8_t>
unpackElements(ElemKind kind, llvm::ArrayRef<uint8_t> bytes, int64_t count);

/// Physical layouts of a block-scale grid. The dialect's `#mx.scale_layout`
/// (MXEnums.td) has the same cases, values and spellings (checked at
/// compile time in MXAttributes.cpp and by unittests/Dialect).
enum class ScaleLayout : uint8_t { RowMajor, Blackwell128x4 };
constexpr unsigned kNumScaleLayouts = 2;
/// The IR spellings: `row_major`, `blackwell_128x4`.
std::optional<ScaleLayout> symbolizeScaleLayout(llvm::StringRef name);
llvm::StringRef stringifyScaleLayout(ScaleLayout layout);

/// Byte offset of scale (m, k) of a rows x cols scale matrix in the 128x4
/// layout: rows padded to 128 and cols to 4, K-atoms fastest.
int64_t getBlackwellScaleOffset(int64_t m, int64_t k, int64_t cols);
/// Size in bytes of a rows x cols scale matrix in the 128x4 layout.
int64_t getBlackwellScaleSize(int64_t rows, int64_t cols);
/// Lays a row-major rows x cols scale matrix out in 128x4 atoms (zero pad).
std::vector<uint8_t> toBlackwell128x4(llvm::ArrayRef<uint8_t> rowMajor,
                                      int64_t rows, int64_t cols);
/// Inverse: extracts the rows x cols matrix from the 128x4 layout.
std::vector<uint8_t> fromBlackwell128x4(llvm::ArrayRef<uint8_t> swizzled,
                                        int64_t rows, int64_t cols);

} // namespace mxref

#endif // MX_NUMERICS_PACKING_H
