//===- KernelEmit.h - IR glue shared by the GPU kernel builders -*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Index arithmetic, constants and thread ids as one-line calls, shared by the
// mma.sync/emulation kernels (Kernels.cpp) and the tcgen05 kernel
// (Tcgen05Kernel.cpp). Private to lib/Conversion/MXToNVVM.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_CONVERSION_MXTONVVM_KERNELEMIT_H
#define MX_LIB_CONVERSION_MXTONVVM_KERNELEMIT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::mx::kernel_detail {

/// Index and i32 glue shared by the kernel builders.
struct Emit {
  OpBuilder &b;
  Location loc;

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  Value mul(Value x, int64_t y) {
    return y == 1 ? x : Value(arith::MulIOp::create(b, loc, x, c(y)));
  }
  Value div(Value x, int64_t y) {
    return y == 1 ? x : Value(arith::DivUIOp::create(b, loc, x, c(y)));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y));
  }
  Value i16(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI16Type(), v);
  }
  Value f32Zero() {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  }
  Value threadX() { return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x); }
  Value blockId(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }
  /// The row-major multi-index of `flat` in `shape`.
  SmallVector<Value> delinearize(Value flat, ArrayRef<int64_t> shape) {
    SmallVector<Value> idx(shape.size());
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      idx[d] = d == 0 ? flat : rem(flat, shape[d]);
      flat = div(flat, shape[d]);
    }
    return idx;
  }
  Value loadI32(Value memref, ArrayRef<Value> idx) {
    Value v = memref::LoadOp::create(b, loc, memref, idx);
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
  }
  void storeI8(Value v, Value memref, ArrayRef<Value> idx) {
    Value byte = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
    memref::StoreOp::create(b, loc, byte, memref, idx);
  }
};

} // namespace mlir::mx::kernel_detail

#endif // MX_LIB_CONVERSION_MXTONVVM_KERNELEMIT_H
