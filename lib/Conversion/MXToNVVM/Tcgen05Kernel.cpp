//===- Tcgen05Kernel.cpp - block-scaled tcgen05.mma matmul kernel ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// One 128-thread CTA per 128 x tileN output tile; K is walked in chunks of
// one 128x4 scale atom (4 scale blocks). Per chunk every thread stages one
// row of A and (thread < tileN) one column of B into shared memory in the
// no-swizzle K-major core-matrix layout, and one row of each operand's
// scales in the 128x4 layout; thread 0 copies the scales to tensor memory
// (tcgen05.cp 32x128b warpx4), issues the chunk's MMAs and commits them to an
// mbarrier that every thread waits on. The accumulator stays in tensor
// memory until the end, where warp w reads lanes [32w, 32w+32) with
// tcgen05.ld. docs/Lowering.md ("Datacenter Blackwell: tcgen05") lists the
// ops and the shared- and tensor-memory layouts; every address is explicit
// index arithmetic so the warp simulator can replay it.
//
//===----------------------------------------------------------------------===//

#include "Tcgen05Kernel.h"
#include "KernelEmit.h"

#include "mx/Conversion/MXCommon/CodecEmitter.h"
#include "mx/Conversion/MXCommon/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::gpukernels;
using mxnvvm::Tcgen05ElemType;
using mxnvvm::Tcgen05Kind;

namespace {

/// Shared-memory layout constants (docs/Lowering.md): core matrices of
/// 8 rows x 16 bytes, adjacent in K at kLbo bytes, 8-row groups at
/// units * kLbo bytes.
constexpr int64_t kCoreBytes = 128;
constexpr int64_t kLbo = kCoreBytes;
/// One 128x4 scale atom: 128 rows x 4 bytes.
constexpr int64_t kScaleAtomBytes = 512;
/// The scale copy reads 32 rows x 16 bytes as four 8-row core matrices.
constexpr int64_t kScaleSbo = 128;
constexpr int64_t kThreads = 128;

std::optional<Tcgen05ElemType> tcElem(mxref::ElemKind k) {
  switch (k) {
  case mxref::ElemKind::E2M1:
    return Tcgen05ElemType::E2M1;
  case mxref::ElemKind::E2M3:
    return Tcgen05ElemType::E2M3;
  case mxref::ElemKind::E3M2:
    return Tcgen05ElemType::E3M2;
  case mxref::ElemKind::E4M3:
    return Tcgen05ElemType::E4M3;
  case mxref::ElemKind::E5M2:
    return Tcgen05ElemType::E5M2;
  default:
    return std::nullopt;
  }
}

int64_t bitsOf(mxref::ElemKind k) {
  PackingGroup g = getPackingGroup(k);
  return g.bytes * 8 / g.codes;
}

/// Elements of K in one 16-byte shared-memory unit: 32 packed FP4 codes for
/// the FP4 kinds, 16 (padded to 16 bytes) for kind::mxf8f6f4.
int64_t unitElems(Tcgen05Kind kind) {
  return kind == Tcgen05Kind::Mxf8f6f4 ? 16 : 32;
}

} // namespace

llvm::Expected<Tcgen05Plan> gpukernels::planTcgen05Matmul(const MatmulSpec &s) {
  mxref::Format fa = s.lhs.format, fb = s.rhs.format;
  std::optional<Tcgen05ElemType> ea = tcElem(fa.elem), eb = tcElem(fb.elem);
  bool e8m0 = fa.scale == mxref::ScaleKind::E8M0 &&
              fb.scale == mxref::ScaleKind::E8M0 && s.kBlock == 32;
  bool ue4m3 = fa.scale == mxref::ScaleKind::UE4M3 &&
               fb.scale == mxref::ScaleKind::UE4M3 && s.kBlock == 16;
  bool fp4 =
      fa.elem == mxref::ElemKind::E2M1 && fb.elem == mxref::ElemKind::E2M1;
  Tcgen05Plan p;
  mxnvvm::BlockScaledInstrDesc d;
  if (fp4 && e8m0) {
    p.kind = Tcgen05Kind::Mxf4;
    d.scaleFormat = mxnvvm::Tcgen05ScaleFormat::UE8M0;
  } else if (fp4 && ue4m3) {
    p.kind = Tcgen05Kind::Mxf4nvf4;
    p.blockSize = 16;
    d.scaleFormat = mxnvvm::Tcgen05ScaleFormat::UE4M3;
  } else if (e8m0 && ea && eb) {
    p.kind = Tcgen05Kind::Mxf8f6f4;
    d.scaleFormat = mxnvvm::Tcgen05ScaleFormat::UE8M0;
  } else {
    return llvm::createStringError(
        "no block-scaled tcgen05.mma kind takes " + fa.str() + " x " +
        fb.str() + " with K blocks of " + std::to_string(s.kBlock) +
        " (mxf4: E2M1/E8M0/32, mxf4nvf4 block16: E2M1/UE4M3/16, mxf8f6f4: "
        "FP4/FP6/FP8 with E8M0/32)");
  }
  p.chunkK = 4 * s.kBlock;
  // Tile N: the widest power of two up to 128 that divides N (tcgen05.ld
  // 32x32b reads 1..128 columns; the B scale atom holds 128 rows).
  p.tileN = 0;
  for (int64_t n : {128, 64, 32, 16, 8})
    if (s.n % n == 0) {
      p.tileN = n;
      break;
    }
  if (s.m % p.tileM || !p.tileN || s.k % p.chunkK)
    return llvm::createStringError(
        "the " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
        std::to_string(s.k) +
        " matmul does not tile into 128 x (8..128) tiles with K in chunks of " +
        std::to_string(p.chunkK) +
        " (M a multiple of 128, N of 8, K of 4 scale blocks)");

  d.kind = p.kind;
  d.a = *ea;
  d.b = *eb;
  d.blockSize = p.blockSize;
  d.m = p.tileM;
  d.n = p.tileN;
  // MMAs per chunk: K is 32 per MMA for mxf8f6f4 (1X), 64 for the FP4 kinds
  // (2X: two blocks of 32, 4X: four blocks of 16). The scale-factor id picks
  // the first block's byte in each 32-bit tensor-memory scale word.
  int64_t mmaK = p.kind == Tcgen05Kind::Mxf8f6f4 ? 32 : 64;
  for (int64_t i = 0; i < p.chunkK / mmaK; ++i) {
    d.sfIdA = d.sfIdB = static_cast<unsigned>(i * mmaK / s.kBlock);
    llvm::Expected<uint32_t> v = mxnvvm::encodeBlockScaledInstrDesc(d);
    if (!v)
      return v.takeError();
    p.idescs.push_back(*v);
  }
  p.what = "tcgen05.mma block_scale kind=" +
           mxnvvm::stringifyTcgen05Kind(p.kind).str() +
           (p.blockSize == 16 ? " .block16 ue4m3" : " .block32 ue8m0") +
           ", tile 128x" + std::to_string(p.tileN);
  return p;
}

namespace {

/// Emit's glue plus what the tcgen05 kernel needs beyond it.
struct TcEmit : kernel_detail::Emit {
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value i64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value toI32(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }
  /// The shared-window address of a workgroup buffer, as index.
  Value addressOf(Value buffer) {
    return memref::ExtractAlignedPointerAsIndexOp::create(
        b, loc, b.getIndexType(), buffer);
  }
  /// An !llvm.ptr<space> from an integer address.
  Value ptr(Value addr, unsigned space) {
    if (addr.getType().isIndex())
      addr = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), addr);
    return LLVM::IntToPtrOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext(), space), addr);
  }
  /// `then` under `cond` (no results).
  void ifThen(Value cond, llvm::function_ref<void()> then) {
    auto op = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(op.thenBlock());
    then();
  }
  /// for (iv = 0; iv < n; ++iv) body(iv).
  void loop(int64_t n, llvm::function_ref<void(Value)> body) {
    auto op = scf::ForOp::create(b, loc, c(0), c(n), c(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(op.getBody());
    body(op.getInductionVar());
  }
};

/// The element code (i32) at (row, col) of a packed elements buffer whose
/// last dimension holds the codes (docs/Lowering.md, "Component layout").
Value loadCode(TcEmit &x, mxref::ElemKind kind, Value elems, Value row,
               Value col) {
  CodecEmitter e(x.b, x.loc);
  PackingGroup g = getPackingGroup(kind);
  Value grp = x.div(col, g.codes), pos = x.rem(col, g.codes);
  SmallVector<Value> bytes;
  for (int64_t j = 0; j < g.bytes; ++j) {
    Value v = memref::LoadOp::create(
        x.b, x.loc, elems, ValueRange{row, x.add(x.mul(grp, g.bytes), j)});
    bytes.push_back(arith::ExtUIOp::create(x.b, x.loc, x.b.getI32Type(), v));
  }
  if (g.codes == 1)
    return bytes.front();
  Value word = packedGroupWord(e, bytes);
  return codeOfGroupWord(e, kind, word,
                         x.toI32(x.mul(pos, g.bytes * 8 / g.codes)));
}

} // namespace

gpu::GPUFuncOp gpukernels::buildTcgen05MatmulKernel(OpBuilder &b, Location loc,
                                                    StringRef name,
                                                    const MatmulSpec &spec,
                                                    const Tcgen05Plan &plan,
                                                    LaunchDims &dims) {
  MLIRContext *ctx = b.getContext();
  const int64_t tileN = plan.tileN;
  const int64_t unitK = unitElems(plan.kind);
  const int64_t units = plan.chunkK / unitK; // 16-byte units per row
  const int64_t rowBytes = units * 16;
  const int64_t sbo = units * kLbo;
  const int64_t aBytes = kThreads * rowBytes, bBytes = tileN * rowBytes;
  // Tensor memory: D in columns [0, tileN), the A scales in 4 columns from
  // tileN, the B scales in the next 4; allocation a power of two >= 32.
  const int64_t sfaCol = tileN, sfbCol = tileN + 4;
  const int64_t nCols =
      std::max<int64_t>(32, llvm::PowerOf2Ceil(uint64_t(tileN + 8)));

  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto wgBuf = [&](int64_t n, Type t) {
    return MemRefType::get({n}, t, MemRefLayoutAttrInterface(), wg);
  };
  SmallVector<Type> args = {spec.lhs.elemsType, spec.lhs.scalesType,
                            spec.rhs.elemsType, spec.rhs.scalesType,
                            MemRefType::get({spec.m, spec.n}, b.getF32Type())};
  if (spec.tensorScale)
    args.push_back(b.getF32Type());
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, FunctionType::get(ctx, args, {}),
      TypeRange{wgBuf(aBytes, b.getI8Type()), wgBuf(bBytes, b.getI8Type()),
                wgBuf(kScaleAtomBytes, b.getI8Type()),
                wgBuf(kScaleAtomBytes, b.getI8Type()), wgBuf(1, b.getI64Type()),
                wgBuf(1, b.getI32Type())});
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  // The descriptors drop the low 4 address bits; 1024 also suits the
  // swizzled layouts should they be used later.
  for (unsigned i = 0; i < 4; ++i)
    func.setWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                                     b.getI64IntegerAttr(i < 2 ? 1024 : 128));
  func.setWorkgroupAttributionAttr(4, LLVM::LLVMDialect::getAlignAttrName(),
                                   b.getI64IntegerAttr(8));
  dims.grid[0] = spec.n / tileN;
  dims.grid[1] = spec.m / plan.tileM;
  dims.grid[2] = 1;
  dims.block[0] = kThreads;
  dims.block[1] = dims.block[2] = 1;

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  TcEmit x{{b, loc}};
  ValueRange fa = func.getArguments();
  Value lhsElems = fa[0], lhsScales = fa[1], rhsElems = fa[2],
        rhsScales = fa[3], out = fa[4];
  Value g = spec.tensorScale ? fa[5] : Value();
  ArrayRef<BlockArgument> wgs = func.getWorkgroupAttributions();
  Value sA = wgs[0], sB = wgs[1], sSfa = wgs[2], sSfb = wgs[3], sBar = wgs[4],
        sTmem = wgs[5];

  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value warp = x.div(tid, 32);
  Value m0 = x.mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::y), 128);
  Value n0 = x.mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x), tileN);
  Value isT0 = x.cmp(arith::CmpIPredicate::eq, tid, x.c(0));
  Value isW0 = x.cmp(arith::CmpIPredicate::eq, warp, x.c(0));
  Value barPtr = x.ptr(x.addressOf(sBar), 3);
  Value tmemSlotPtr = x.ptr(x.addressOf(sTmem), 3);
  Value nColsV = x.i32(nCols);

  // 1. mbarrier (thread 0) and tensor memory (warp 0, warp-collective).
  x.ifThen(isT0, [&] {
    NVVM::MBarrierInitOp::create(b, loc, barPtr, x.i32(1), Value());
  });
  x.ifThen(isW0, [&] {
    NVVM::Tcgen05AllocOp::create(b, loc, tmemSlotPtr, nColsV);
    NVVM::Tcgen05RelinquishAllocPermitOp::create(b, loc);
  });
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  Value tbase = memref::LoadOp::create(b, loc, sTmem, ValueRange{x.c(0)});
  auto tmemAt = [&](int64_t col) {
    return x.ptr(col ? Value(arith::AddIOp::create(b, loc, tbase, x.i32(col)))
                     : tbase,
                 6);
  };

  // Descriptor constants from the encoder, start address ORed in below.
  auto sdescConst = [&](int64_t sboBytes) {
    mxnvvm::SmemDescriptor d;
    d.leadingByteOffset = kLbo;
    d.strideByteOffset = static_cast<uint32_t>(sboBytes);
    return llvm::cantFail(mxnvvm::encodeSmemDescriptor(d));
  };
  uint64_t opDesc = sdescConst(sbo), sfDesc = sdescConst(kScaleSbo);
  auto sdesc = [&](uint64_t fixed, Value bufAddr, int64_t offset) {
    Value a = x.add(bufAddr, offset);
    Value a64 = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), a);
    Value field = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, a64, x.i64(4)), x.i64(0x3fff));
    return Value(arith::OrIOp::create(b, loc, field, x.i64(int64_t(fixed))));
  };
  Value aAddr = x.addressOf(sA), bAddr = x.addressOf(sB);
  Value sfaAddr = x.addressOf(sSfa), sfbAddr = x.addressOf(sSfb);

  // Byte offset of (row, 16-byte unit) in the no-swizzle K-major layout.
  auto unitOffset = [&](Value row, Value unit) {
    return x.add(x.add(x.mul(x.div(row, 8), sbo), x.mul(unit, kLbo)),
                 x.mul(x.rem(row, 8), 16));
  };
  Value zeroByte = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 0);
  mxref::ElemKind ka = spec.lhs.format.elem, kb = spec.rhs.format.elem;
  int64_t aData = unitK * bitsOf(ka) / 8;
  Value row = tid; // this thread's row of A / column of B within the tile
  Value hasCol = x.cmp(arith::CmpIPredicate::ult, tid, x.c(tileN));

  scf::ForOp chunks =
      scf::ForOp::create(b, loc, x.c(0), x.c(spec.k / plan.chunkK), x.c(1));
  {
    OpBuilder::InsertionGuard g2(b);
    b.setInsertionPointToStart(chunks.getBody());
    Value kc = chunks.getInductionVar();
    Value k0 = x.mul(kc, plan.chunkK);

    // 2a. A: row m0 + tid, its packed bytes copied as they are (the
    // component packing is little-endian like PTX's), padded per unit.
    x.loop(units, [&](Value u) {
      Value dst = unitOffset(row, u);
      Value src = x.div(x.mul(x.add(k0, x.mul(u, unitK)), bitsOf(ka)), 8);
      for (int64_t i = 0; i < 16; ++i) {
        Value v = zeroByte;
        if (i < aData)
          v = memref::LoadOp::create(b, loc, lhsElems,
                                     ValueRange{x.add(m0, row), x.add(src, i)});
        memref::StoreOp::create(b, loc, v, sA, ValueRange{x.add(dst, i)});
      }
    });
    // 2b. B: column n0 + tid (K x N in memory) gathered code by code and
    // packed along K.
    x.ifThen(hasCol, [&] {
      x.loop(units, [&](Value u) {
        CodecEmitter e(b, loc);
        Value dst = unitOffset(row, u);
        PackingGroup pg = getPackingGroup(kb);
        Value kU = x.add(k0, x.mul(u, unitK));
        int64_t byte = 0;
        for (int64_t q = 0; q < unitK / pg.codes; ++q) {
          SmallVector<Value> codes;
          for (int64_t i = 0; i < pg.codes; ++i)
            codes.push_back(loadCode(
                x, kb, rhsElems, x.add(kU, q * pg.codes + i), x.add(n0, row)));
          Value word =
              pg.codes == 1 ? codes.front() : groupWordOfCodes(e, kb, codes);
          for (int64_t j = 0; j < pg.bytes; ++j, ++byte) {
            Value v = byteOfGroupWord(e, word, e.i32(j));
            v = arith::TruncIOp::create(b, loc, b.getI8Type(), v);
            memref::StoreOp::create(b, loc, v, sB,
                                    ValueRange{x.add(dst, byte)});
          }
        }
        for (; byte < 16; ++byte)
          memref::StoreOp::create(b, loc, zeroByte, sB,
                                  ValueRange{x.add(dst, byte)});
      });
    });
    // 2c. Scales: the 128x4 layout, byte (r % 32) * 16 + (r / 32) * 4 + j
    // holds row r's block j of this chunk. B rows past tileN are zero.
    Value sfRow = x.add(x.mul(x.rem(row, 32), 16), x.mul(x.div(row, 32), 4));
    Value kb0 = x.mul(kc, 4);
    for (int64_t j = 0; j < 4; ++j) {
      Value va = memref::LoadOp::create(
          b, loc, lhsScales, ValueRange{x.add(m0, row), x.add(kb0, j)});
      memref::StoreOp::create(b, loc, va, sSfa, ValueRange{x.add(sfRow, j)});
      auto sel = scf::IfOp::create(b, loc, TypeRange{b.getI8Type()}, hasCol,
                                   /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard g3(b);
        b.setInsertionPointToStart(sel.thenBlock());
        Value vb = memref::LoadOp::create(
            b, loc, rhsScales, ValueRange{x.add(kb0, j), x.add(n0, row)});
        scf::YieldOp::create(b, loc, vb);
        b.setInsertionPointToStart(sel.elseBlock());
        scf::YieldOp::create(b, loc, zeroByte);
      }
      memref::StoreOp::create(b, loc, sel.getResult(0), sSfb,
                              ValueRange{x.add(sfRow, j)});
    }

    // 3. Generic-proxy shared-memory writes become visible to the async
    // proxy (tcgen05.cp / tcgen05.mma), then the CTA meets.
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
    gpu::BarrierOp::create(b, loc);
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);

    // 4. Thread 0: scales to tensor memory, the chunk's MMAs, commit.
    x.ifThen(isT0, [&] {
      Value tD = tmemAt(0), tSfa = tmemAt(sfaCol), tSfb = tmemAt(sfbCol);
      for (auto [t, addr] : {std::pair<Value, Value>{tSfa, sfaAddr},
                             std::pair<Value, Value>{tSfb, sfbAddr}})
        NVVM::Tcgen05CpOp::create(
            b, loc, NVVM::Tcgen05CpShape::SHAPE_32x128b,
            NVVM::CTAGroupKind::CTA_1, NVVM::Tcgen05CpMulticast::WARPX4,
            /*srcFormat=*/nullptr, t, sdesc(sfDesc, addr, 0));
      Value first = x.cmp(arith::CmpIPredicate::ne, kc, x.c(0));
      Value yes = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
      NVVM::Tcgen05MMABlockScale bs = plan.blockSize == 16
                                          ? NVVM::Tcgen05MMABlockScale::BLOCK16
                                          : NVVM::Tcgen05MMABlockScale::BLOCK32;
      NVVM::MMABlockScaleKind kind = plan.kind == Tcgen05Kind::Mxf4
                                         ? NVVM::MMABlockScaleKind::MXF4
                                     : plan.kind == Tcgen05Kind::Mxf4nvf4
                                         ? NVVM::MMABlockScaleKind::MXF4NVF4
                                         : NVVM::MMABlockScaleKind::MXF8F6F4;
      for (auto [i, idesc] : llvm::enumerate(plan.idescs)) {
        // Each MMA covers 32 bytes of K: two 16-byte units.
        int64_t off = int64_t(i) * 2 * kLbo;
        // One statement each: the IR order must not depend on the order
        // the compiler evaluates arguments in.
        Value descA = sdesc(opDesc, aAddr, off);
        Value descB = sdesc(opDesc, bAddr, off);
        Value id = x.i32(int64_t(idesc));
        NVVM::Tcgen05MMABlockScaleOp::create(
            b, loc, kind, NVVM::CTAGroupKind::CTA_1, bs,
            NVVM::Tcgen05MMACollectorOp::DISCARD, tD, descA, descB, id,
            i == 0 ? first : yes, tSfa, tSfb);
      }
      NVVM::Tcgen05CommitOp::create(b, loc, barPtr, Value());
    });

    // 5. Every thread waits for phase kc % 2 of the mbarrier.
    Value parity = x.toI32(x.rem(kc, 2));
    scf::WhileOp::create(
        b, loc, TypeRange{}, ValueRange{},
        [&](OpBuilder &wb, Location wl, ValueRange) {
          Value done = NVVM::MBarrierTryWaitOp::create(wb, wl, wb.getI1Type(),
                                                       barPtr, parity, Value());
          Value notDone = arith::XOrIOp::create(
              wb, wl, done,
              arith::ConstantIntOp::create(wb, wl, wb.getI1Type(), 1));
          scf::ConditionOp::create(wb, wl, notDone, ValueRange{});
        },
        [&](OpBuilder &wb, Location wl, ValueRange) {
          scf::YieldOp::create(wb, wl);
        });
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
  }

  // 6. Warp w reads D lanes [32w, 32w + 32) (lane in address bits 31:16):
  // thread tid holds row m0 + tid, columns n0 .. n0 + tileN - 1.
  Value laneOff =
      arith::ShLIOp::create(b, loc, x.toI32(x.mul(warp, 32)), x.i32(16));
  Value rowPtr =
      x.ptr(arith::AddIOp::create(b, loc, tbase, laneOff).getResult(), 6);
  Type accTy = VectorType::get({tileN}, b.getI32Type());
  Value acc = NVVM::Tcgen05LdOp::create(b, loc, accTy, /*pack=*/false,
                                        NVVM::Tcgen05LdStShape::SHAPE_32X32B,
                                        rowPtr, Value());
  NVVM::Tcgen05WaitOp::create(b, loc, NVVM::Tcgen05WaitKind::LOAD);
  Value outRow = x.add(m0, row);
  for (int64_t j = 0; j < tileN; ++j) {
    Value bits = LLVM::ExtractElementOp::create(b, loc, acc, x.i32(j));
    Value v = LLVM::BitcastOp::create(b, loc, b.getF32Type(), bits);
    if (g)
      v = arith::MulFOp::create(b, loc, v, g);
    memref::StoreOp::create(b, loc, v, out, ValueRange{outRow, x.add(n0, j)});
  }

  // 7. Release tensor memory once every warp has read it.
  NVVM::Tcgen05FenceOp::create(b, loc,
                               NVVM::Tcgen05FenceKind::BEFORE_THREAD_SYNC);
  gpu::BarrierOp::create(b, loc);
  x.ifThen(isW0, [&] {
    NVVM::Tcgen05FenceOp::create(b, loc,
                                 NVVM::Tcgen05FenceKind::AFTER_THREAD_SYNC);
    NVVM::Tcgen05DeallocOp::create(b, loc, x.ptr(tbase, 6), nColsV);
  });
  gpu::ReturnOp::create(b, loc);
  return func;
}
