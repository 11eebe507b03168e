//===- Packing.cpp - Packed element codes as arith IR ---------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXCommon/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::mx;

PackingGroup mlir::mx::getPackingGroup(mxref::ElemKind kind) {
  switch (mxref::getElemInfo(kind).bits) {
  case 4:
    return {2, 1};
  case 6:
    return {4, 3};
  default:
    return {1, 1};
  }
}

Value mlir::mx::packedGroupWord(CodecEmitter &e, ArrayRef<Value> bytes) {
  Value word = bytes.front();
  for (auto [i, byte] : llvm::enumerate(bytes.drop_front()))
    word = e.orI(word, e.shl(byte, e.i32(8 * (i + 1))));
  return word;
}

Value mlir::mx::codeOfGroupWord(CodecEmitter &e, mxref::ElemKind kind,
                                Value word, Value bitOffset) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  return e.andI(e.lshr(word, bitOffset), e.i32((1 << bits) - 1));
}

Value mlir::mx::groupWordOfCodes(CodecEmitter &e, mxref::ElemKind kind,
                                 ArrayRef<Value> codes) {
  unsigned bits = mxref::getElemInfo(kind).bits;
  Value mask = e.i32((1 << bits) - 1);
  Value word = e.andI(codes.front(), mask);
  for (auto [i, code] : llvm::enumerate(codes.drop_front()))
    word = e.orI(word, e.shl(e.andI(code, mask), e.i32((i + 1) * bits)));
  return word;
}

Value mlir::mx::byteOfGroupWord(CodecEmitter &e, Value word, Value index) {
  return e.lshr(
      word, arith::MulIOp::create(e.getBuilder(), e.getLoc(), index, e.i32(8)));
}
