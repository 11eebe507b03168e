//===- KernelToHost.cpp - GPU kernels as host functions for the simulator -===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Each gpu.func of a gpu.module becomes a func.func whose leading index
// arguments are the thread's ids and the launch sizes; the kernel's own index
// arithmetic is kept op for op. The warp-collective ops become calls into the
// simulator runtime (WarpSimRuntime.cpp): the lane's registers go in as
// scalars and its four accumulators come back one call each.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/WarpSim.h"
#include "mx/Target/NVVM/WarpSimTcgen05.h"

#include "mx/Numerics/Format.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::mx;
using namespace mlir::mx::warpsim;

namespace {

std::optional<uint8_t> elemKindOf(NVVM::MMATypes t) {
  switch (t) {
  case NVVM::MMATypes::e2m1:
    return uint8_t(mxref::ElemKind::E2M1);
  case NVVM::MMATypes::e2m3:
    return uint8_t(mxref::ElemKind::E2M3);
  case NVVM::MMATypes::e3m2:
    return uint8_t(mxref::ElemKind::E3M2);
  case NVVM::MMATypes::e4m3:
    return uint8_t(mxref::ElemKind::E4M3);
  case NVVM::MMATypes::e5m2:
    return uint8_t(mxref::ElemKind::E5M2);
  default:
    return std::nullopt;
  }
}

struct Converter {
  ModuleOp host;
  OpBuilder b;
  const KernelToHostOptions &options;
  /// Ops erased while lowering an earlier one (an MMA's extractvalues).
  llvm::DenseSet<Operation *> erased;
  /// threadIdx.x of the function being converted.
  Value tid;

  Converter(ModuleOp host, const KernelToHostOptions &options)
      : host(host), b(host.getContext()), options(options) {}

  void declareRuntime(Location loc) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(host.getBody());
    Type i32 = b.getI32Type(), i64 = b.getI64Type(), f32 = b.getF32Type();
    auto declare = [&](StringRef name, ArrayRef<Type> in, ArrayRef<Type> out) {
      auto f = func::FuncOp::create(b, loc, name, b.getFunctionType(in, out));
      f.setPrivate();
    };
    declare("mxws_mma",
            {i64, i32, i32, i32, i32, i32, i32, f32, f32, f32, f32, i32, i32,
             i32, i32},
            {});
    declare("mxws_result", {i64}, {f32});
    declare("mxws_barrier", {}, {});
    declare("mxws_smem_window", {i64, i64}, {});
    declare("mxws_shared_addr", {i64}, {i64});
    declare("mxws_tc_alloc", {i64, i32}, {});
    declare("mxws_tc_dealloc", {i32, i32}, {});
    declare("mxws_tc_relinquish", {}, {});
    declare("mxws_tc_cp", {i32, i64, i64}, {});
    declare("mxws_tc_mma", {i64, i32, i64, i64, i32, i32, i32, i32}, {});
    declare("mxws_tc_commit", {i64}, {});
    declare("mxws_tc_ld", {i32, i64}, {});
    declare("mxws_tc_ld_result", {i64}, {i32});
    declare("mxws_mbar_init", {i64, i32, i32}, {});
    declare("mxws_mbar_arrive", {i64}, {i64});
    declare("mxws_mbar_wait", {i64, i64, i32}, {i32});
    declare("mxws_mbar_test", {i64, i64, i32}, {i32});
    declare("mxws_shuffle_xor", {i32, i32}, {i32});
  }

  Value call(Location loc, StringRef name, ValueRange args,
             TypeRange results = {}) {
    auto op = func::CallOp::create(b, loc, name, results, args);
    return results.empty() ? Value() : op.getResult(0);
  }
  Value i32Const(Location loc, int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value i64Const(Location loc, int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }
  /// A pointer (shared: the window offset the kernel made it from; tensor
  /// memory: its 32-bit address) as an integer of `width` bits.
  Value ptrToInt(Location loc, Value p, unsigned width) {
    return LLVM::PtrToIntOp::create(b, loc, b.getIntegerType(width), p);
  }
  Value toI32(Location loc, Value v) {
    if (v.getType().isInteger(1))
      return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
    return v;
  }

  /// The module's workgroup globals as views of the shared-memory window.
  llvm::StringMap<Value> sharedGlobals;
  gpu::GPUModuleOp gpuModule;

  static bool isShared(Type t) {
    auto m = dyn_cast<MemRefType>(t);
    return m && m.getMemorySpace() &&
           gpu::GPUDialect::isWorkgroupMemoryAddressSpace(m.getMemorySpace());
  }
  static Type stripShared(Type t) {
    if (!isShared(t))
      return t;
    auto m = cast<MemRefType>(t);
    return MemRefType::get(m.getShape(), m.getElementType(), m.getLayout());
  }

  /// Lays out `types` in one window global (1024-byte aligned buffers) at
  /// the start of `func`, tells the runtime where it is, and returns each
  /// buffer as a view cast back to its workgroup type (the types are
  /// stripped once the kernel is converted).
  FailureOr<SmallVector<Value>> makeSharedWindow(Location loc,
                                                 func::FuncOp func,
                                                 ArrayRef<MemRefType> types) {
    SmallVector<int64_t> offsets;
    int64_t size = 0;
    for (MemRefType t : types) {
      if (!t.hasStaticShape() || !t.getLayout().isIdentity() ||
          !t.getElementType().isIntOrFloat())
        return emitError(loc, "warp simulator: workgroup memory must be a "
                              "static, identity-layout memref of scalars");
      size = llvm::alignTo(size, 1024);
      offsets.push_back(size);
      size +=
          t.getNumElements() * llvm::divideCeil(t.getElementTypeBitWidth(), 8);
    }
    SmallVector<Value> views;
    if (types.empty())
      return views;
    auto windowType = MemRefType::get({size}, b.getI8Type());
    std::string name = ("__mxws_smem_" + func.getName()).str();
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(func);
      memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"),
                               windowType, b.getUnitAttr(), false,
                               b.getI64IntegerAttr(1024));
    }
    Value window = memref::GetGlobalOp::create(b, loc, windowType, name);
    Value base = arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, window));
    call(loc, "mxws_smem_window", {base, i64Const(loc, size)});
    for (auto [t, off] : llvm::zip(types, offsets)) {
      Value view = memref::ViewOp::create(
          b, loc, cast<MemRefType>(stripShared(t)), window,
          arith::ConstantIndexOp::create(b, loc, off), ValueRange{});
      views.push_back(
          UnrealizedConversionCastOp::create(b, loc, t, view).getResult(0));
    }
    return views;
  }

  /// Gives every workgroup memref in `func` its host type and drops the
  /// casts makeSharedWindow left.
  void stripSharedTypes(func::FuncOp func) {
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        r.setType(stripShared(r.getType()));
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument a : block.getArguments())
            a.setType(stripShared(a.getType()));
    });
    func.walk([&](UnrealizedConversionCastOp cast) {
      if (cast->getNumOperands() == 1 && cast->getNumResults() == 1 &&
          cast.getOperand(0).getType() == cast.getResult(0).getType()) {
        cast.getResult(0).replaceAllUsesWith(cast.getOperand(0));
        cast->erase();
      }
    });
  }

  /// tcgen05 and mbarrier ops as runtime calls (WarpSimRuntime.cpp); fences
  /// and waits are no-ops because the model completes each op at issue.
  /// Returns failure() after a diagnostic, success() when `op` was handled,
  /// std::nullopt when `op` is not one of them.
  std::optional<LogicalResult> lowerTcgen05(Operation *op) {
    Location loc = op->getLoc();
    auto requireCta1 = [&](NVVM::CTAGroupKind g) -> LogicalResult {
      if (g != NVVM::CTAGroupKind::CTA_1)
        return op->emitError("warp simulator: only cta_group::1 is modelled");
      return success();
    };
    if (auto o = dyn_cast<NVVM::Tcgen05AllocOp>(op)) {
      if (failed(requireCta1(o.getGroup())))
        return failure();
      call(loc, "mxws_tc_alloc",
           {ptrToInt(loc, o.getAddr(), 64), o.getNCols()});
    } else if (auto o = dyn_cast<NVVM::Tcgen05DeallocOp>(op)) {
      if (failed(requireCta1(o.getGroup())))
        return failure();
      call(loc, "mxws_tc_dealloc",
           {ptrToInt(loc, o.getTaddr(), 32), o.getNCols()});
    } else if (isa<NVVM::Tcgen05RelinquishAllocPermitOp>(op)) {
      call(loc, "mxws_tc_relinquish", {});
    } else if (auto o = dyn_cast<NVVM::Tcgen05CpOp>(op)) {
      if (failed(requireCta1(o.getGroup())))
        return failure();
      std::optional<Tcgen05CpShape> shape;
      if (o.getShape() == NVVM::Tcgen05CpShape::SHAPE_128x128b &&
          o.getMulticast() == NVVM::Tcgen05CpMulticast::NONE)
        shape = Tcgen05CpShape::Shape128x128b;
      else if (o.getShape() == NVVM::Tcgen05CpShape::SHAPE_32x128b &&
               o.getMulticast() == NVVM::Tcgen05CpMulticast::WARPX4)
        shape = Tcgen05CpShape::Shape32x128bWarpx4;
      if (!shape || o.getSrcFormat())
        return op->emitError("warp simulator: only tcgen05.cp 128x128b and "
                             "32x128b.warpx4 without decompression are "
                             "modelled");
      call(loc, "mxws_tc_cp",
           {ptrToInt(loc, o.getTaddr(), 32), o.getSmemDesc(),
            i64Const(loc, int64_t(*shape))});
    } else if (auto o = dyn_cast<NVVM::Tcgen05MMABlockScaleOp>(op)) {
      if (failed(requireCta1(o.getCtaGroup())))
        return failure();
      if (!o.getMatrixA().getType().isInteger(64))
        return op->emitError("warp simulator: an A operand in tensor memory "
                             "is not modelled");
      using Target = KernelToHostOptions::Target;
      if (options.laneXor && options.target != Target::Kernel &&
          options.target != Target::SharedStores)
        return op->emitError("warp simulator: a:, b:, scale-a: and scale-b: "
                             "perturb mma.sync registers; a tcgen05.mma "
                             "reads shared and tensor memory (use smem:, "
                             "kernel: or a tcgen05 break)");
      Tcgen05MmaKind k;
      switch (o.getKind()) {
      case NVVM::MMABlockScaleKind::MXF8F6F4:
        k.kind = Tcgen05MmaKind::Mxf8f6f4;
        break;
      case NVVM::MMABlockScaleKind::MXF4:
        k.kind = Tcgen05MmaKind::Mxf4;
        break;
      case NVVM::MMABlockScaleKind::MXF4NVF4:
        k.kind = Tcgen05MmaKind::Mxf4nvf4;
        break;
      }
      switch (o.getBlockScale()) {
      case NVVM::Tcgen05MMABlockScale::DEFAULT:
        k.blockScale = Tcgen05MmaKind::Default;
        break;
      case NVVM::Tcgen05MMABlockScale::BLOCK16:
        k.blockScale = Tcgen05MmaKind::Block16;
        break;
      case NVVM::Tcgen05MMABlockScale::BLOCK32:
        k.blockScale = Tcgen05MmaKind::Block32;
        break;
      }
      using Break = KernelToHostOptions::Tcgen05Break;
      Value adesc = o.getMatrixA(), bdesc = o.getMatrixB();
      Value sfa = ptrToInt(loc, o.getScaleA(), 32);
      Value sfb = ptrToInt(loc, o.getScaleB(), 32);
      if (options.tcgen05Break == Break::DescSwizzle) {
        Value bit = i64Const(loc, int64_t(1) << 62);
        adesc = arith::XOrIOp::create(b, loc, adesc, bit);
        bdesc = arith::XOrIOp::create(b, loc, bdesc, bit);
      } else if (options.tcgen05Break == Break::ScaleAColumn) {
        sfa = arith::AddIOp::create(b, loc, sfa, i32Const(loc, 1));
      } else if (options.tcgen05Break == Break::ScaleBColumn) {
        sfb = arith::AddIOp::create(b, loc, sfb, i32Const(loc, 1));
      }
      call(loc, "mxws_tc_mma",
           {i64Const(loc, k.encode()), ptrToInt(loc, o.getMatrixD(), 32), adesc,
            bdesc, o.getIdesc(), toI32(loc, o.getEnableInputD()), sfa, sfb});
    } else if (auto o = dyn_cast<NVVM::Tcgen05CommitOp>(op)) {
      if (failed(requireCta1(o.getGroup())))
        return failure();
      if (o.getMulticastMask())
        return op->emitError("warp simulator: a multicast tcgen05.commit is "
                             "not modelled");
      call(loc, "mxws_tc_commit", {ptrToInt(loc, o.getAddr(), 64)});
    } else if (auto o = dyn_cast<NVVM::Tcgen05LdOp>(op)) {
      auto vec = dyn_cast<VectorType>(o.getRes().getType());
      int64_t num = vec ? vec.getNumElements() : 1;
      if (o.getShape() != NVVM::Tcgen05LdStShape::SHAPE_32X32B || o.getPack())
        return op->emitError("warp simulator: only tcgen05.ld.32x32b without "
                             "pack is modelled");
      Value addr = ptrToInt(loc, o.getTmemAddr(), 32);
      if (Value off = o.getOffset())
        addr = arith::AddIOp::create(
            b, loc, addr, arith::TruncIOp::create(b, loc, b.getI32Type(), off));
      call(loc, "mxws_tc_ld", {addr, i64Const(loc, num)});
      SmallVector<Value> elems;
      for (int64_t j = 0; j < num; ++j)
        elems.push_back(call(loc, "mxws_tc_ld_result", {i64Const(loc, j)},
                             {b.getI32Type()}));
      Value res =
          vec ? vector::FromElementsOp::create(b, loc, vec, elems).getResult()
              : elems[0];
      o.getRes().replaceAllUsesWith(res);
    } else if (auto o = dyn_cast<NVVM::Tcgen05MmaSmemDescOp>(op)) {
      // PTX "Shared memory descriptor" (NVVMOps.td's table): bits 0-13
      // start, 16-29 LBO, 32-45 SBO (all >> 4 already), 46-48 0b001, 49-51
      // base offset, 52 LBO mode, 61-63 swizzle.
      Type i64 = b.getI64Type();
      auto field = [&](Value v, int64_t mask, int64_t shift) {
        Value x = v.getType().isInteger(64)
                      ? v
                      : arith::ExtUIOp::create(b, loc, i64, v).getResult();
        x = arith::AndIOp::create(b, loc, x, i64Const(loc, mask));
        return arith::ShLIOp::create(b, loc, x, i64Const(loc, shift))
            .getResult();
      };
      Value d = i64Const(loc, int64_t(1) << 46);
      for (Value f : {field(o.getStartAddr(), 0x3FFF, 0),
                      field(o.getLeadingDimOffset(), 0x3FFF, 16),
                      field(o.getStrideDimOffset(), 0x3FFF, 32),
                      field(o.getBaseOffset(), 0x7, 49),
                      field(o.getLeadingDimMode(), 0x1, 52),
                      field(o.getSwizzleMode(), 0x7, 61)})
        d = arith::OrIOp::create(b, loc, d, f);
      o.getRes().replaceAllUsesWith(d);
    } else if (auto o = dyn_cast<NVVM::MBarrierInitOp>(op)) {
      Value pred =
          o.getPredicate() ? toI32(loc, o.getPredicate()) : i32Const(loc, 1);
      call(loc, "mxws_mbar_init",
           {ptrToInt(loc, o.getAddr(), 64), o.getCount(), pred});
    } else if (auto o = dyn_cast<NVVM::MBarrierArriveOp>(op)) {
      if (o.getCount())
        return op->emitError("warp simulator: mbarrier.arrive with a count "
                             "is not modelled");
      Value state = call(loc, "mxws_mbar_arrive",
                         {ptrToInt(loc, o.getAddr(), 64)}, {b.getI64Type()});
      if (o.getRes())
        o.getRes().replaceAllUsesWith(state);
    } else if (auto o = dyn_cast<NVVM::MBarrierTryWaitParityOp>(op)) {
      call(loc, "mxws_mbar_wait",
           {ptrToInt(loc, o.getAddr(), 64),
            arith::ExtUIOp::create(b, loc, b.getI64Type(), o.getPhase()),
            i32Const(loc, 1)},
           {b.getI32Type()});
    } else if (isa<NVVM::MBarrierTryWaitOp, NVVM::MBarrierTestWaitOp>(op)) {
      // A 32-bit operand is a phase parity, a 64-bit one a state.
      Value v = op->getOperand(1);
      bool parity = v.getType().isInteger(32);
      if (parity)
        v = arith::ExtUIOp::create(b, loc, b.getI64Type(), v);
      Value done =
          call(loc,
               isa<NVVM::MBarrierTryWaitOp>(op) ? "mxws_mbar_wait"
                                                : "mxws_mbar_test",
               {ptrToInt(loc, op->getOperand(0), 64), v, i32Const(loc, parity)},
               {b.getI32Type()});
      op->getResult(0).replaceAllUsesWith(
          arith::TruncIOp::create(b, loc, b.getI1Type(), done));
    } else if (isa<NVVM::Barrier0Op>(op) ||
               (isa<NVVM::BarrierOp>(op) && op->getNumOperands() == 0)) {
      call(loc, "mxws_barrier", {});
    } else if (isa<NVVM::Tcgen05WaitOp, NVVM::Tcgen05FenceOp,
                   NVVM::FenceProxyOp, NVVM::FenceMbarrierInitOp>(op)) {
      // Ordering points: the model has finished every tcgen05 op already.
    } else {
      return std::nullopt;
    }
    op->erase();
    return success();
  }

  bool perturbKernel() const {
    return options.laneXor &&
           options.target == KernelToHostOptions::Target::Kernel;
  }
  /// threadIdx.x as the kernel sees it (xor-ed when the whole kernel is
  /// perturbed).
  Value tidX(Location loc, ArrayRef<Value> ids) {
    if (!perturbKernel())
      return ids[0];
    return arith::XOrIOp::create(
        b, loc, ids[0],
        arith::ConstantIndexOp::create(b, loc, options.laneXor));
  }

  /// `v` recomputed before the current insertion point from threadIdx.x ^
  /// laneXor: its backward slice cloned with the thread id remapped.
  FailureOr<Value> perturbed(Location loc, Value v) {
    SetVector<Operation *> slice;
    BackwardSliceOptions opts;
    opts.omitBlockArguments = true;
    opts.inclusive = true;
    if (!v.getDefiningOp() || failed(getBackwardSlice(v, &slice, opts)))
      return emitError(loc, "warp simulator: cannot perturb this operand");
    IRMapping map;
    map.map(tid, arith::XOrIOp::create(
                     b, loc, tid,
                     arith::ConstantIndexOp::create(b, loc, options.laneXor)));
    for (Operation *op : slice) {
      if (op->getNumRegions())
        return op->emitError("warp simulator: cannot perturb a value "
                             "computed by a region op");
      b.clone(*op, map);
    }
    return map.lookup(v);
  }

  /// Applies a per-operand perturbation to `regs` if it targets `which`.
  LogicalResult maybePerturb(Location loc, KernelToHostOptions::Target which,
                             SmallVectorImpl<Value> &regs) {
    if (!options.laneXor || options.target != which)
      return success();
    for (Value &r : regs) {
      FailureOr<Value> p = perturbed(loc, r);
      if (failed(p))
        return failure();
      r = *p;
    }
    return success();
  }

  /// byte-id | thread-id << 8, as one i32.
  Value selector(Location loc, Value byteId, Value threadId) {
    Type i32 = b.getI32Type();
    Value lo = arith::ExtUIOp::create(b, loc, i32, byteId);
    Value hi = arith::ExtUIOp::create(b, loc, i32, threadId);
    hi = arith::ShLIOp::create(b, loc, hi,
                               arith::ConstantIntOp::create(b, loc, i32, 8));
    return arith::OrIOp::create(b, loc, lo, hi);
  }

  /// Replaces the MMA `op` (result: struct of four f32, read only by
  /// llvm.extractvalue) with the runtime calls.
  LogicalResult lowerMma(Operation *op, const MmaDesc &desc, ValueRange a,
                         ValueRange bRegs, ValueRange c, Value sa, Value selA,
                         Value sb, Value selB) {
    Location loc = op->getLoc();
    if (a.size() != 4 || bRegs.size() != 2 || c.size() != 4)
      return op->emitError("warp simulator: expected 4 A, 2 B and 4 C "
                           "registers");
    for (Value v : llvm::concat<const Value>(a, bRegs))
      if (!v.getType().isInteger(32))
        return op->emitError("warp simulator: A/B registers must be i32");
    for (Value v : c)
      if (!v.getType().isF32())
        return op->emitError("warp simulator: C registers must be f32");
    b.setInsertionPoint(op);
    using Target = KernelToHostOptions::Target;
    if (options.tcgen05Break != KernelToHostOptions::Tcgen05Break::None)
      return op->emitError("warp simulator: desc-swizzle, scale-a-column and "
                           "scale-b-column break a tcgen05.mma; this kernel "
                           "uses mma.sync");
    SmallVector<Value> aRegs(a), bVals(bRegs), saVals, sbVals;
    if (sa)
      saVals.push_back(sa);
    if (sb)
      sbVals.push_back(sb);
    if ((options.laneXor && options.target == Target::ScaleA && !sa) ||
        (options.laneXor && options.target == Target::ScaleB && !sb))
      return op->emitError("warp simulator: this MMA has no scale operand to "
                           "perturb");
    if (failed(maybePerturb(loc, Target::A, aRegs)) ||
        failed(maybePerturb(loc, Target::B, bVals)) ||
        failed(maybePerturb(loc, Target::ScaleA, saVals)) ||
        failed(maybePerturb(loc, Target::ScaleB, sbVals)))
      return failure();
    if (sa)
      sa = saVals[0];
    if (sb)
      sb = sbVals[0];
    Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
    SmallVector<Value> args = {
        arith::ConstantIntOp::create(b, loc, b.getI64Type(), desc.encode())};
    args.append(aRegs);
    args.append(bVals);
    args.append(c.begin(), c.end());
    args.append({sa ? sa : zero, selA ? selA : zero, sb ? sb : zero,
                 selB ? selB : zero});
    func::CallOp::create(b, loc, "mxws_mma", TypeRange{}, args);
    Value results[4];
    for (int i = 0; i < 4; ++i)
      results[i] =
          func::CallOp::create(b, loc, "mxws_result", TypeRange{b.getF32Type()},
                               ValueRange{arith::ConstantIntOp::create(
                                   b, loc, b.getI64Type(), i)})
              .getResult(0);
    for (Operation *user : llvm::make_early_inc_range(op->getUsers())) {
      auto ev = dyn_cast<LLVM::ExtractValueOp>(user);
      if (!ev || ev.getPosition().size() != 1 || ev.getPosition()[0] > 3)
        return user->emitError("warp simulator: an MMA result may only be "
                               "read with llvm.extractvalue [0..3]");
      ev.getResult().replaceAllUsesWith(results[ev.getPosition()[0]]);
      erased.insert(ev);
      ev->erase();
    }
    op->erase();
    return success();
  }

  LogicalResult lowerOp(Operation *op, ArrayRef<Value> ids) {
    if (erased.contains(op))
      return success();
    Location loc = op->getLoc();
    b.setInsertionPoint(op);
    auto dimOf = [](gpu::Dimension d) { return unsigned(d); };
    if (auto t = dyn_cast<gpu::ThreadIdOp>(op)) {
      Value v = t.getDimension() == gpu::Dimension::x
                    ? tidX(loc, ids)
                    : ids[dimOf(t.getDimension())];
      t.replaceAllUsesWith(v);
      t->erase();
      return success();
    }
    if (auto l = dyn_cast<gpu::LaneIdOp>(op)) {
      Value v = arith::RemUIOp::create(
          b, loc, ids[0], arith::ConstantIndexOp::create(b, loc, 32));
      if (perturbKernel())
        v = arith::XOrIOp::create(
            b, loc, v, arith::ConstantIndexOp::create(b, loc, options.laneXor));
      l.replaceAllUsesWith(v);
      l->erase();
      return success();
    }
    if (auto o = dyn_cast<gpu::BlockIdOp>(op)) {
      o.replaceAllUsesWith(ids[3 + dimOf(o.getDimension())]);
      o->erase();
      return success();
    }
    if (auto o = dyn_cast<gpu::BlockDimOp>(op)) {
      o.replaceAllUsesWith(ids[6 + dimOf(o.getDimension())]);
      o->erase();
      return success();
    }
    if (auto o = dyn_cast<gpu::GridDimOp>(op)) {
      o.replaceAllUsesWith(ids[9 + dimOf(o.getDimension())]);
      o->erase();
      return success();
    }
    if (isa<gpu::BarrierOp>(op)) {
      func::CallOp::create(b, loc, "mxws_barrier", TypeRange{}, ValueRange{});
      op->erase();
      return success();
    }
    if (isa<gpu::ReturnOp>(op)) {
      func::ReturnOp::create(b, loc);
      op->erase();
      return success();
    }
    if (auto shfl = dyn_cast<gpu::ShuffleOp>(op)) {
      // Butterfly shuffles of 32-bit values over the whole warp.
      IntegerAttr width, offset;
      Type ty = shfl.getValue().getType();
      if (shfl.getMode() != gpu::ShuffleMode::XOR ||
          !matchPattern(shfl.getWidth(), m_Constant(&width)) ||
          width.getInt() != 32 ||
          !matchPattern(shfl.getOffset(), m_Constant(&offset)) ||
          !(ty.isF32() || ty.isInteger(32)))
        return op->emitError("warp simulator: only gpu.shuffle xor of a "
                             "32-bit value with a constant offset over 32 "
                             "lanes is modelled");
      Type i32 = b.getI32Type();
      Value bits = shfl.getValue();
      if (ty.isF32())
        bits = arith::BitcastOp::create(b, loc, i32, bits);
      Value r = func::CallOp::create(b, loc, "mxws_shuffle_xor", TypeRange{i32},
                                     ValueRange{bits, shfl.getOffset()})
                    .getResult(0);
      if (ty.isF32())
        r = arith::BitcastOp::create(b, loc, ty, r);
      shfl.getShuffleResult().replaceAllUsesWith(r);
      shfl.getValid().replaceAllUsesWith(
          arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
      op->erase();
      return success();
    }
    if (auto mma = dyn_cast<NVVM::MmaOp>(op)) {
      auto shape = mma.getShape();
      if (shape.getM() != 16 || shape.getN() != 8 || shape.getK() != 16 ||
          mma.getMultiplicandAPtxType() != NVVM::MMATypes::bf16 ||
          mma.getMultiplicandBPtxType() != NVVM::MMATypes::bf16 ||
          mma.getLayoutA() != NVVM::MMALayout::row ||
          mma.getLayoutB() != NVVM::MMALayout::col)
        return op->emitError("warp simulator: only mma.sync m16n8k16 row.col "
                             "bf16 is modelled");
      MmaDesc d;
      d.shape = MmaDesc::BF16m16n8k16;
      return lowerMma(op, d, mma.getOperandA(), mma.getOperandB(),
                      mma.getOperandC(), {}, {}, {}, {});
    }
    if (auto mma = dyn_cast<NVVM::MmaBlockScaleOp>(op)) {
      MmaDesc d;
      d.shape = MmaDesc::BlockScale;
      auto ta = elemKindOf(*mma.getMultiplicandAPtxType());
      auto tb = elemKindOf(*mma.getMultiplicandBPtxType());
      if (!ta || !tb)
        return op->emitError("warp simulator: unsupported MMA element type");
      d.typeA = *ta;
      d.typeB = *tb;
      switch (mma.getKind()) {
      case NVVM::MMABlockScaleKind::MXF8F6F4:
        d.kind = MmaDesc::Mxf8f6f4;
        break;
      case NVVM::MMABlockScaleKind::MXF4:
        d.kind = MmaDesc::Mxf4;
        break;
      case NVVM::MMABlockScaleKind::MXF4NVF4:
        d.kind = MmaDesc::Mxf4nvf4;
        break;
      }
      switch (mma.getScaleVecSize()) {
      case NVVM::ScaleVecSize::X1:
        d.scaleVec = 1;
        break;
      case NVVM::ScaleVecSize::X2:
        d.scaleVec = 2;
        break;
      case NVVM::ScaleVecSize::X4:
        d.scaleVec = 4;
        break;
      }
      d.ue4m3 = mma.getBlockScaleFormat() == NVVM::BlockScaleFormat::UE4M3;
      auto shape = mma.getShape();
      if (shape.getM() != 16 || shape.getN() != 8 || shape.getK() != d.getK())
        return op->emitError("warp simulator: unexpected block-scaled MMA "
                             "shape");
      Value selA = selector(loc, mma.getByteIdA(), mma.getThreadIdA());
      Value selB = selector(loc, mma.getByteIdB(), mma.getThreadIdB());
      return lowerMma(op, d, mma.getOperandA(), mma.getOperandB(),
                      mma.getOperandC(), mma.getScaleAData(), selA,
                      mma.getScaleBData(), selB);
    }
    if (std::optional<LogicalResult> r = lowerTcgen05(op))
      return *r;
    if (auto x = dyn_cast<memref::ExtractAlignedPointerAsIndexOp>(op)) {
      // A shared buffer's address is its offset in the window, as the
      // kernel's descriptors and mbarrier pointers expect.
      if (!isShared(x.getSource().getType()))
        return success();
      b.setInsertionPointAfter(op);
      Value host =
          arith::IndexCastOp::create(b, loc, b.getI64Type(), x.getResult());
      Value shared = call(loc, "mxws_shared_addr", {host}, {b.getI64Type()});
      Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), shared);
      x.getResult().replaceAllUsesExcept(idx, host.getDefiningOp());
      return success();
    }
    if (auto g = dyn_cast<memref::GetGlobalOp>(op)) {
      auto it = sharedGlobals.find(g.getName());
      if (it == sharedGlobals.end())
        return success();
      g.getResult().replaceAllUsesWith(it->second);
      g->erase();
      return success();
    }
    if (isa<memref::StoreOp, vector::StoreOp>(op) &&
        isShared(op->getOperand(1).getType()) && options.laneXor &&
        options.target == KernelToHostOptions::Target::SharedStores) {
      // Store where thread threadIdx.x ^ N would: two threads swap their
      // shared-memory stores.
      for (OpOperand &idx : op->getOpOperands().drop_front(2)) {
        FailureOr<Value> p = perturbed(loc, idx.get());
        if (failed(p))
          return failure();
        idx.set(*p);
      }
      return success();
    }
    if (isa<LLVM::LoadOp, LLVM::StoreOp, LLVM::GEPOp>(op))
      for (Value v : op->getOperands())
        if (auto p = dyn_cast<LLVM::LLVMPointerType>(v.getType());
            p && p.getAddressSpace() != 0)
          return op->emitError("warp simulator: LLVM memory ops on shared or "
                               "tensor-memory pointers are not modelled "
                               "(use memrefs)");
    if (auto e = dyn_cast<NVVM::ElectSyncOp>(op)) {
      if (e.getMembermask() || e.getPred())
        return op->emitError("warp simulator: elect.sync with a member mask "
                             "or predicate is not modelled");
      Value lane = arith::RemUIOp::create(
          b, loc, ids[0], arith::ConstantIndexOp::create(b, loc, 32));
      e.getResult().replaceAllUsesWith(
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                arith::ConstantIndexOp::create(b, loc, 0)));
      e->erase();
      return success();
    }
    if (isa<NVVM::ThreadIdXOp, NVVM::ThreadIdYOp, NVVM::ThreadIdZOp,
            NVVM::BlockIdXOp, NVVM::BlockIdYOp, NVVM::BlockIdZOp,
            NVVM::LaneIdOp, NVVM::WarpIdOp>(op)) {
      Value v;
      if (isa<NVVM::ThreadIdXOp>(op))
        v = tidX(loc, ids);
      else if (isa<NVVM::ThreadIdYOp>(op))
        v = ids[1];
      else if (isa<NVVM::ThreadIdZOp>(op))
        v = ids[2];
      else if (isa<NVVM::BlockIdXOp>(op))
        v = ids[3];
      else if (isa<NVVM::BlockIdYOp>(op))
        v = ids[4];
      else if (isa<NVVM::BlockIdZOp>(op))
        v = ids[5];
      else if (isa<NVVM::LaneIdOp>(op))
        v = arith::RemUIOp::create(b, loc, tidX(loc, ids),
                                   arith::ConstantIndexOp::create(b, loc, 32));
      else
        v = arith::DivUIOp::create(b, loc, ids[0],
                                   arith::ConstantIndexOp::create(b, loc, 32));
      op->getResult(0).replaceAllUsesWith(
          arith::IndexCastOp::create(b, loc, op->getResult(0).getType(), v));
      op->erase();
      return success();
    }
    if (auto call = dyn_cast<LLVM::CallIntrinsicOp>(op)) {
      StringRef name = call.getIntrin();
      StringRef prefix = "llvm.nvvm.mma.m16n8k32.row.col.f32.";
      SmallVector<StringRef> parts;
      if (name.starts_with(prefix))
        name.drop_front(prefix.size()).split(parts, '.');
      auto kindOf = [](StringRef s) -> std::optional<uint8_t> {
        if (s == "e4m3")
          return uint8_t(mxref::ElemKind::E4M3);
        if (s == "e5m2")
          return uint8_t(mxref::ElemKind::E5M2);
        return std::nullopt;
      };
      if (parts.size() != 3 || parts[2] != "f32" || !kindOf(parts[0]) ||
          !kindOf(parts[1]) || call.getArgs().size() != 10)
        return op->emitError("warp simulator: unmodelled intrinsic ") << name;
      MmaDesc d;
      d.shape = MmaDesc::FP8m16n8k32;
      d.typeA = *kindOf(parts[0]);
      d.typeB = *kindOf(parts[1]);
      ValueRange args = call.getArgs();
      return lowerMma(op, d, args.take_front(4), args.slice(4, 2),
                      args.slice(6, 4), {}, {}, {}, {});
    }
    Dialect *dialect = op->getDialect();
    if (isa_and_nonnull<gpu::GPUDialect, NVVM::NVVMDialect>(dialect) ||
        isa<LLVM::CallIntrinsicOp, LLVM::CallOp, LLVM::InlineAsmOp>(op))
      return op->emitError("warp simulator: unmodelled op ") << op->getName();
    return success();
  }

  LogicalResult convert(gpu::GPUFuncOp kernel) {
    Location loc = kernel.getLoc();
    if (!kernel.getBody().hasOneBlock())
      return kernel.emitError("warp simulator: kernels must have one block");
    if (!kernel.getPrivateAttributions().empty())
      return kernel.emitError(
          "warp simulator: private attributions are not modelled");
    SmallVector<Type> inputs(kNumIdArgs, b.getIndexType());
    llvm::append_range(inputs, kernel.getArgumentTypes());
    b.setInsertionPointToEnd(host.getBody());
    auto func = func::FuncOp::create(b, loc, kernel.getName(),
                                     b.getFunctionType(inputs, {}));
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
    Block *entry = func.addEntryBlock();
    IRMapping map;
    // The block's arguments end with the workgroup attributions, mapped
    // below; only the kernel's own arguments are the function's.
    for (auto [i, arg] : llvm::enumerate(kernel.getArguments().take_front(
             kernel.getArgumentTypes().size())))
      map.map(arg, entry->getArgument(kNumIdArgs + i));
    b.setInsertionPointToEnd(entry);
    // Workgroup memory: the attributions, then the module's workgroup
    // globals the kernel reads, one window.
    SmallVector<MemRefType> sharedTypes;
    SmallVector<StringRef> globalNames;
    for (BlockArgument a : kernel.getWorkgroupAttributions())
      sharedTypes.push_back(cast<MemRefType>(a.getType()));
    kernel.walk([&](memref::GetGlobalOp g) {
      auto global = gpuModule.lookupSymbol<memref::GlobalOp>(g.getName());
      if (global && isShared(global.getType()) &&
          !llvm::is_contained(globalNames, g.getName())) {
        globalNames.push_back(g.getName());
        sharedTypes.push_back(global.getType());
      }
    });
    FailureOr<SmallVector<Value>> views =
        makeSharedWindow(loc, func, sharedTypes);
    if (failed(views))
      return failure();
    unsigned numAttr = kernel.getWorkgroupAttributions().size();
    for (auto [i, a] : llvm::enumerate(kernel.getWorkgroupAttributions()))
      map.map(a, (*views)[i]);
    sharedGlobals.clear();
    for (auto [i, name] : llvm::enumerate(globalNames))
      sharedGlobals[name] = (*views)[numAttr + i];
    for (Operation &op : kernel.getBody().front())
      b.clone(op, map);
    SmallVector<Value> ids(entry->getArguments().take_front(kNumIdArgs));
    tid = ids[0];
    // The ids first, so that an MMA's perturbed operands see the real
    // thread id argument.
    SmallVector<Operation *> idOps, ops;
    func.walk([&](Operation *op) {
      if (isa<gpu::ThreadIdOp, gpu::LaneIdOp, gpu::BlockIdOp, gpu::BlockDimOp,
              gpu::GridDimOp>(op))
        idOps.push_back(op);
      else if (op != func)
        ops.push_back(op);
    });
    for (Operation *op : llvm::concat<Operation *>(idOps, ops))
      if (failed(lowerOp(op, ids)))
        return failure();
    stripSharedTypes(func);
    return success();
  }
};

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
mlir::mx::warpsim::convertKernelsToHost(gpu::GPUModuleOp gpuModule,
                                        const KernelToHostOptions &options) {
  OwningOpRef<ModuleOp> host = ModuleOp::create(gpuModule.getLoc());
  Converter conv(*host, options);
  conv.gpuModule = gpuModule;
  conv.declareRuntime(gpuModule.getLoc());
  for (Operation &op : gpuModule.getBody()->getOperations()) {
    if (auto kernel = dyn_cast<gpu::GPUFuncOp>(op)) {
      if (failed(conv.convert(kernel)))
        return failure();
      continue;
    }
    if (isa<func::FuncOp>(op)) {
      conv.b.setInsertionPointToEnd(host->getBody());
      conv.b.clone(op);
      continue;
    }
    // Workgroup globals become views of each kernel's window.
    if (auto g = dyn_cast<memref::GlobalOp>(op);
        g && Converter::isShared(g.getType()))
      continue;
    return op.emitError("warp simulator: unmodelled op in the gpu.module: ")
           << op.getName();
  }
  return host;
}
