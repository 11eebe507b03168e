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

#include "mx/Numerics/Format.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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
    declare("mxws_shuffle_xor", {i32, i32}, {i32});
  }

  bool perturbKernel() const {
    return options.laneXor &&
           options.target == KernelToHostOptions::Target::Kernel;
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
      Value v = ids[dimOf(t.getDimension())];
      if (perturbKernel() && t.getDimension() == gpu::Dimension::x)
        v = arith::XOrIOp::create(
            b, loc, v, arith::ConstantIndexOp::create(b, loc, options.laneXor));
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
    if (!kernel.getWorkgroupAttributions().empty() ||
        !kernel.getPrivateAttributions().empty())
      return kernel.emitError(
          "warp simulator: workgroup/private attributions are not modelled");
    SmallVector<Type> inputs(kNumIdArgs, b.getIndexType());
    llvm::append_range(inputs, kernel.getArgumentTypes());
    b.setInsertionPointToEnd(host.getBody());
    auto func = func::FuncOp::create(b, loc, kernel.getName(),
                                     b.getFunctionType(inputs, {}));
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
    Block *entry = func.addEntryBlock();
    IRMapping map;
    for (auto [i, arg] : llvm::enumerate(kernel.getArguments()))
      map.map(arg, entry->getArgument(kNumIdArgs + i));
    b.setInsertionPointToEnd(entry);
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
    return success();
  }
};

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
mlir::mx::warpsim::convertKernelsToHost(gpu::GPUModuleOp gpuModule,
                                        const KernelToHostOptions &options) {
  OwningOpRef<ModuleOp> host = ModuleOp::create(gpuModule.getLoc());
  Converter conv(*host, options);
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
    return op.emitError("warp simulator: unmodelled op in the gpu.module: ")
           << op.getName();
  }
  return host;
}
