//===- Packing.h - Packed element codes as arith IR -------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The packed element layouts of docs/Numerics.md §5 as i32 arithmetic on
// scalars or vectors (shaped by a CodecEmitter): FP4 two codes per byte
// (element 2i in the low nibble), FP6 four codes in three bytes (a
// little-endian bit stream), 8-bit kinds one byte. A packing group (1 or 3
// bytes) is handled as one little-endian word with shifts and masks only:
// no bitcasts of bytes to <4 x i6> (LLVM 22 miscompiles them).
//
// Callers choose how bytes reach the word: the scalar lowering reads one
// group per linalg iteration, the vector lowering gathers them with constant
// shuffles.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXCOMMON_PACKING_H
#define MX_CONVERSION_MXCOMMON_PACKING_H

#include "mx/Conversion/MXCommon/CodecEmitter.h"

namespace mlir {
namespace mx {

/// Codes per packing group and its bytes: FP4 2 in 1, FP6 4 in 3, 8-bit
/// kinds 1 in 1.
struct PackingGroup {
  int64_t codes, bytes;
};
PackingGroup getPackingGroup(mxref::ElemKind kind);

/// The little-endian word of a group's bytes (i32 lanes in [0, 255]).
Value packedGroupWord(CodecEmitter &e, ArrayRef<Value> bytes);
/// The code of `kind` at bit `bitOffset` (i32) of a group word.
Value codeOfGroupWord(CodecEmitter &e, mxref::ElemKind kind, Value word,
                      Value bitOffset);
/// The group word of codes c_0, c_1, ... (code i at bit i * bits).
Value groupWordOfCodes(CodecEmitter &e, mxref::ElemKind kind,
                       ArrayRef<Value> codes);
/// Byte `index` (i32) of a group word, in the low 8 bits.
Value byteOfGroupWord(CodecEmitter &e, Value word, Value index);

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXCOMMON_PACKING_H
