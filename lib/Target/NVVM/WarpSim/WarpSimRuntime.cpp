//===- WarpSimRuntime.cpp - Threads, warps and MMAs of the warp simulator -===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// One std::thread per GPU thread of a block. At an MMA every lane of the warp
// deposits its registers; the last to arrive computes the warp's MMA from the
// PTX ISA fragment tables below (written from the ISA and
// docs/WarpSimulator.md, not from the lowering) and wakes the others, which
// read back their D registers.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/WarpSim.h"
#include "mx/Target/NVVM/WarpSimTcgen05.h"

#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Format.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace mlir::mx::warpsim;

//===----------------------------------------------------------------------===//
// MmaDesc
//===----------------------------------------------------------------------===//

int64_t MmaDesc::encode() const {
  return int64_t(shape) | int64_t(typeA) << 8 | int64_t(typeB) << 16 |
         int64_t(kind) << 24 | int64_t(scaleVec) << 32 | int64_t(ue4m3) << 40;
}

MmaDesc MmaDesc::decode(int64_t bits) {
  MmaDesc d;
  d.shape = Shape(bits & 0xFF);
  d.typeA = (bits >> 8) & 0xFF;
  d.typeB = (bits >> 16) & 0xFF;
  d.kind = Kind((bits >> 24) & 0xFF);
  d.scaleVec = (bits >> 32) & 0xFF;
  d.ue4m3 = (bits >> 40) & 1;
  return d;
}

int64_t MmaDesc::getK() const {
  switch (shape) {
  case BF16m16n8k16:
    return 16;
  case FP8m16n8k32:
    return 32;
  case BlockScale:
    return kind == Mxf8f6f4 ? 32 : 64;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// The MMA of one warp
//===----------------------------------------------------------------------===//

namespace {

/// Bits per element in an A/B register.
int elemBits(const MmaDesc &d) {
  if (d.shape == MmaDesc::BF16m16n8k16)
    return 16;
  if (d.shape == MmaDesc::BlockScale && d.kind != MmaDesc::Mxf8f6f4)
    return 4; // packed e2m1
  return 8;
}

/// The value of one element field of an A/B register.
double elemValue(const MmaDesc &d, uint8_t type, uint32_t field) {
  if (d.shape == MmaDesc::BF16m16n8k16)
    return mxref::bitsToFloat(field << 16);
  auto kind = mxref::ElemKind(type);
  if (d.shape == MmaDesc::BlockScale && d.kind == MmaDesc::Mxf8f6f4) {
    // 8-bit containers: e2m1 in bits [5:2], e2m3/e3m2 in bits [5:0].
    if (kind == mxref::ElemKind::E2M1)
      field = (field >> 2) & 0xF;
    else if (kind == mxref::ElemKind::E2M3 || kind == mxref::ElemKind::E3M2)
      field &= 0x3F;
  }
  return mxref::decodeElem(kind, uint8_t(field));
}

/// PTX Table 37: the legal selectors of each scale_vec.
bool legalSelectors(const MmaDesc &d, uint32_t selA, uint32_t selB) {
  uint32_t byteA = selA & 0xFF, tidA = selA >> 8;
  uint32_t byteB = selB & 0xFF, tidB = selB >> 8;
  if (tidA > 1 || tidB > 3)
    return false;
  auto byteOk = [&](uint32_t b) {
    switch (d.scaleVec) {
    case 1:
      return b <= 3;
    case 2:
      return b == 0 || b == 2;
    default:
      return b == 0;
    }
  };
  return byteOk(byteA) && byteOk(byteB);
}

} // namespace

llvm::Error mlir::mx::warpsim::simulateMma(const MmaDesc &desc,
                                           llvm::ArrayRef<LaneOperands> lanes,
                                           std::array<float, 4> *d) {
  if (lanes.size() != 32)
    return llvm::createStringError("an MMA needs 32 lanes");
  const int64_t kM = 16, kN = 8, kK = desc.getK();
  if (!kK)
    return llvm::createStringError("unknown MMA shape");
  int bits = elemBits(desc), perReg = 32 / bits;
  uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
  std::vector<double> a(kM * kK), b(kK * kN);
  std::vector<int> seenA(kM * kK), seenB(kK * kN);
  double c[kM][kN];
  // Fragment layouts (PTX ISA, mma.m16n8k{16,32,64}; g = lane / 4,
  // t = lane % 4): A register i holds row g + 8 * (i % 2) at K offset
  // (K / 2) * (i / 2) + perReg * t; B register i holds column g at K offset
  // (K / 2) * i + perReg * t; element j of a register sits in bits
  // [bits * j, bits * (j + 1)) and covers the next K index. Accumulator i
  // is (g + 8 * (i / 2), 2t + i % 2).
  for (int lane = 0; lane < 32; ++lane) {
    int g = lane / 4, t = lane % 4;
    const LaneOperands &l = lanes[lane];
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < perReg; ++j) {
        int row = g + 8 * (i % 2), k = kK / 2 * (i / 2) + perReg * t + j;
        a[row * kK + k] =
            elemValue(desc, desc.typeA, (l.a[i] >> (bits * j)) & mask);
        ++seenA[row * kK + k];
      }
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < perReg; ++j) {
        int k = kK / 2 * i + perReg * t + j;
        b[k * kN + g] =
            elemValue(desc, desc.typeB, (l.b[i] >> (bits * j)) & mask);
        ++seenB[k * kN + g];
      }
    for (int i = 0; i < 4; ++i)
      c[g + 8 * (i / 2)][2 * t + i % 2] = l.c[i];
  }
  for (int s : seenA)
    if (s != 1)
      return llvm::createStringError(
          "internal: A fragment table not a bijection");
  for (int s : seenB)
    if (s != 1)
      return llvm::createStringError(
          "internal: B fragment table not a bijection");

  // Block scales (PTX "block scaling for mma.sync"; docs/WarpSimulator.md):
  // row r of A takes its scale register from lane 4 * (r % 8) + 2 * tid-a +
  // r / 8, column n of B from lane 4 * n + tid-b; K chunk q of scaleVec
  // chunks uses byte byte-id (1X), byte-id + q (2X) or q (4X).
  int chunks = 1;
  std::vector<double> sa(kM * 4, 1.0), sb(kN * 4, 1.0);
  if (desc.shape == MmaDesc::BlockScale) {
    chunks = desc.scaleVec;
    uint32_t selA = lanes[0].selA, selB = lanes[0].selB;
    if (!legalSelectors(desc, selA, selB))
      return llvm::createStringError(llvm::formatv(
          "illegal selectors for scale_vec {0}X: byte-id-a {1}, thread-id-a "
          "{2}, byte-id-b {3}, thread-id-b {4}",
          desc.scaleVec, selA & 0xFF, selA >> 8, selB & 0xFF, selB >> 8));
    auto scaleKind =
        desc.ue4m3 ? mxref::ScaleKind::UE4M3 : mxref::ScaleKind::E8M0;
    auto byteOf = [&](uint32_t reg, uint32_t byteId, int q) -> uint8_t {
      int idx = chunks == 1 ? byteId : chunks == 2 ? byteId + q : q;
      return (reg >> (8 * idx)) & 0xFF;
    };
    for (int r = 0; r < kM; ++r) {
      int lane = 4 * (r % 8) + 2 * (selA >> 8) + r / 8;
      for (int q = 0; q < chunks; ++q)
        sa[r * 4 + q] = mxref::decodeScale(
            scaleKind, byteOf(lanes[lane].scaleA, selA & 0xFF, q));
    }
    for (int n = 0; n < kN; ++n) {
      int lane = 4 * n + (selB >> 8);
      for (int q = 0; q < chunks; ++q)
        sb[n * 4 + q] = mxref::decodeScale(
            scaleKind, byteOf(lanes[lane].scaleB, selB & 0xFF, q));
    }
  }

  int64_t chunkK = kK / chunks;
  float out[kM][kN];
  for (int r = 0; r < kM; ++r)
    for (int n = 0; n < kN; ++n) {
      double acc = c[r][n];
      for (int q = 0; q < chunks; ++q) {
        double part = 0;
        for (int64_t k = q * chunkK; k < (q + 1) * chunkK; ++k)
          part += a[r * kK + k] * b[k * kN + n];
        acc += part * sa[r * 4 + q] * sb[n * 4 + q];
      }
      out[r][n] = float(acc);
    }
  for (int lane = 0; lane < 32; ++lane) {
    int g = lane / 4, t = lane % 4;
    for (int i = 0; i < 4; ++i)
      d[lane][i] = out[g + 8 * (i / 2)][2 * t + i % 2];
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Threads and collectives
//===----------------------------------------------------------------------===//

namespace {

/// Tags the op key of a warp collective that is not an MMA (an MmaDesc
/// never sets bit 62).
constexpr int64_t kCollectiveTag = int64_t(1) << 62;

struct Warp {
  std::mutex mu;
  std::condition_variable cv;
  int members = 0, arrived = 0, exited = 0;
  uint64_t generation = 0;
  int64_t op[32] = {};
  bool present[32] = {};
  LaneOperands lanes[32];
  std::array<float, 4> d[32];
  std::string error;
  /// The effect of a non-MMA collective (tcgen05.alloc, dealloc,
  /// relinquish_alloc_permit), run once by the last lane to arrive; returns
  /// an error message or "".
  std::function<std::string()> action;

  /// Shuffle values in and out; a shuffle's op is -1 - its xor offset.
  int32_t shuffleIn[32] = {}, shuffleOut[32] = {};

  /// Exchanges the lanes' values of a butterfly shuffle (lock held).
  void completeShuffle(const std::vector<int> &here) {
    if (error.empty() && (exited || members != 32))
      error = "a shuffle was reached by only part of a 32-lane warp";
    for (int l : here)
      if (error.empty() && op[l] != op[here[0]])
        error = llvm::formatv("lanes {0} and {1} shuffle with different "
                              "offsets",
                              here[0], l);
    int64_t offset = -1 - op[here[0]];
    for (int l : here)
      shuffleOut[l] = error.empty() ? shuffleIn[l ^ offset] : 0;
  }

  /// Runs the MMA (or shuffle) once every member arrived or exited (lock
  /// held).
  void complete() {
    std::vector<int> here;
    for (int l = 0; l < 32; ++l)
      if (present[l])
        here.push_back(l);
    if (!here.empty() && op[here[0]] < 0) {
      completeShuffle(here);
      for (bool &p : present)
        p = false;
      arrived = 0;
      ++generation;
      cv.notify_all();
      return;
    }
    bool collective = !here.empty() && (op[here[0]] & kCollectiveTag);
    if (error.empty() && exited)
      error =
          llvm::formatv("{0} was reached by {1} of the warp's {2} "
                        "threads (it needs all lanes)",
                        collective ? "a warp-collective tcgen05 op" : "an MMA",
                        arrived, members);
    for (int l : here)
      if (error.empty() &&
          (op[l] != op[here[0]] || lanes[l].selA != lanes[here[0]].selA ||
           lanes[l].selB != lanes[here[0]].selB))
        error = llvm::formatv("lanes {0} and {1} issue different MMAs or "
                              "selectors (they must be warp-uniform)",
                              here[0], l);
    if (error.empty() && members != 32)
      error = "a warp-collective op in a warp of fewer than 32 threads";
    if (error.empty() && collective)
      error = action();
    else if (error.empty())
      if (llvm::Error e = simulateMma(MmaDesc::decode(op[here[0]]), lanes, d))
        error = llvm::toString(std::move(e));
    if (!error.empty())
      for (auto &r : d)
        r.fill(NAN);
    for (bool &p : present)
      p = false;
    arrived = 0;
    ++generation;
    cv.notify_all();
  }
};

struct MBarrier {
  uint32_t count = 0, pending = 0;
  uint64_t phase = 0;
  /// Whether the phase a wait names has completed: a phase parity (0 or
  /// 1), or a state (the phase an earlier arrive returned).
  bool completed(int64_t value, bool isParity) const {
    return isParity ? (phase & 1) != uint64_t(value & 1)
                    : phase > uint64_t(value);
  }
};

struct ThreadBlock {
  std::vector<std::unique_ptr<Warp>> warps;
  // Block barrier; `mu` also guards everything below.
  std::mutex mu;
  std::condition_variable cv;
  int members = 0, arrived = 0, exited = 0;
  uint64_t generation = 0;
  std::string error;
  // tcgen05: shared and tensor memory, mbarriers by shared address.
  CtaMemory mem;
  std::map<uint64_t, MBarrier> mbarriers;
  std::condition_variable mbarCv;
  /// (address, phase parity or state, is parity) of each thread blocked
  /// in an mbarrier wait.
  std::multiset<std::tuple<int64_t, int64_t, bool>> mbarWaits;
  /// Set when every live thread waits (at a barrier or an mbarrier) and no
  /// one is left to arrive: all waits return so the block can finish.
  bool deadlocked = false;

  void setError(const std::string &e) {
    if (error.empty())
      error = e;
  }
  /// With `mu` held: detects the deadlock of waits nobody can release.
  /// Only waiters whose phase is still incomplete count: one that was
  /// released but has not run yet is not blocked.
  void checkDeadlock() {
    int blocked = 0;
    for (auto &[addr, value, isParity] : mbarWaits) {
      auto it = mbarriers.find(addr);
      if (it != mbarriers.end() && !it->second.completed(value, isParity))
        ++blocked;
    }
    if (deadlocked || !blocked || blocked + arrived + exited != members)
      return;
    deadlocked = true;
    setError(llvm::formatv("deadlock: {0} thread(s) wait on an mbarrier "
                           "phase that no thread can complete",
                           blocked));
    arrived = 0;
    ++generation;
    cv.notify_all();
    mbarCv.notify_all();
  }
};

thread_local Warp *tlWarp = nullptr;
thread_local ThreadBlock *tlBlock = nullptr;
thread_local int tlLane = 0;
thread_local float tlResult[4];
thread_local int tlWarpId = 0;
thread_local uint32_t tlLoad[128];

/// Runs `action` (under the block lock) once all 32 lanes of the warp
/// arrive with the same `key`.
void warpCollective(int64_t key, std::function<std::string()> action) {
  Warp &w = *tlWarp;
  std::unique_lock<std::mutex> lock(w.mu);
  w.lanes[tlLane] = LaneOperands();
  w.op[tlLane] = key | kCollectiveTag;
  w.present[tlLane] = true;
  w.action = [action = std::move(action)] {
    std::lock_guard<std::mutex> blockLock(tlBlock->mu);
    return action();
  };
  uint64_t gen = w.generation;
  if (++w.arrived + w.exited == w.members)
    w.complete();
  else
    w.cv.wait(lock, [&] { return w.generation != gen; });
}

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

/// One arrival on the mbarrier at `addr` (block lock held).
void arriveOn(ThreadBlock &b, int64_t addr, const char *what) {
  auto it = b.mbarriers.find(addr);
  if (it == b.mbarriers.end()) {
    b.setError(llvm::formatv("{0} on shared address {1:x}, which holds no "
                             "initialized mbarrier",
                             what, addr));
    return;
  }
  MBarrier &m = it->second;
  if (--m.pending == 0) {
    ++m.phase;
    m.pending = m.count;
    b.mbarCv.notify_all();
  }
}

} // namespace

extern "C" {

void mxws_mma(int64_t op, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
              int32_t b0, int32_t b1, float c0, float c1, float c2, float c3,
              int32_t scaleA, int32_t selA, int32_t scaleB, int32_t selB) {
  Warp &w = *tlWarp;
  std::unique_lock<std::mutex> lock(w.mu);
  LaneOperands &l = w.lanes[tlLane];
  l = {{uint32_t(a0), uint32_t(a1), uint32_t(a2), uint32_t(a3)},
       {uint32_t(b0), uint32_t(b1)},
       {c0, c1, c2, c3},
       uint32_t(scaleA),
       uint32_t(scaleB),
       uint32_t(selA),
       uint32_t(selB)};
  w.op[tlLane] = op;
  w.present[tlLane] = true;
  uint64_t gen = w.generation;
  if (++w.arrived + w.exited == w.members)
    w.complete();
  else
    w.cv.wait(lock, [&] { return w.generation != gen; });
  for (int i = 0; i < 4; ++i)
    tlResult[i] = w.d[tlLane][i];
}

float mxws_result(int64_t i) { return tlResult[i & 3]; }

int32_t mxws_shuffle_xor(int32_t value, int32_t offset) {
  Warp &w = *tlWarp;
  std::unique_lock<std::mutex> lock(w.mu);
  w.shuffleIn[tlLane] = value;
  w.op[tlLane] = -1 - int64_t(offset & 31);
  w.present[tlLane] = true;
  uint64_t gen = w.generation;
  if (++w.arrived + w.exited == w.members)
    w.complete();
  else
    w.cv.wait(lock, [&] { return w.generation != gen; });
  return w.shuffleOut[tlLane];
}

void mxws_barrier() {
  ThreadBlock &b = *tlBlock;
  std::unique_lock<std::mutex> lock(b.mu);
  if (b.deadlocked)
    return;
  uint64_t gen = b.generation;
  if (++b.arrived + b.exited == b.members) {
    if (b.exited && b.error.empty())
      b.error = "a barrier was reached by only part of the block";
    b.arrived = 0;
    ++b.generation;
    b.cv.notify_all();
  } else {
    b.checkDeadlock();
    b.cv.wait(lock, [&] { return b.generation != gen; });
  }
}

// tcgen05 and mbarriers (WarpSimTcgen05.h). Shared addresses are offsets
// in the block's shared-memory window; errors go to the block and the
// kernel continues with zeros, so that it ends and the error is reported.

void mxws_smem_window(int64_t base, int64_t size) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  b.mem.smem = reinterpret_cast<uint8_t *>(base);
  b.mem.smemSize = size;
}

int64_t mxws_shared_addr(int64_t host) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  auto base = reinterpret_cast<int64_t>(b.mem.smem);
  if (b.mem.smem && host >= base && host < base + int64_t(b.mem.smemSize))
    return host - base;
  return host;
}

void mxws_tc_alloc(int64_t dst, int32_t columns) {
  int warp = tlWarpId;
  ThreadBlock *blk = tlBlock;
  warpCollective(1 | int64_t(columns & 0xFFFF) << 8 | (dst & 0xFFFFFF) << 24,
                 [=]() -> std::string {
                   auto col = blk->mem.allocate(columns, warp);
                   if (!col)
                     return errorText(col.takeError());
                   auto bytes = blk->mem.smemBytes(dst, 4);
                   if (!bytes)
                     return "tcgen05.alloc: " + errorText(bytes.takeError());
                   std::memcpy(const_cast<uint8_t *>(*bytes), &*col, 4);
                   return "";
                 });
}

void mxws_tc_dealloc(int32_t taddr, int32_t columns) {
  int warp = tlWarpId;
  ThreadBlock *blk = tlBlock;
  warpCollective(
      2 | int64_t(columns & 0xFFFF) << 8 | int64_t(uint32_t(taddr)) << 24,
      [=]() -> std::string {
        if (llvm::Error e = blk->mem.deallocate(taddr, columns, warp))
          return errorText(std::move(e));
        return "";
      });
}

void mxws_tc_relinquish() {
  ThreadBlock *blk = tlBlock;
  warpCollective(3, [=]() -> std::string {
    blk->mem.relinquished = true;
    return "";
  });
}

void mxws_tc_cp(int32_t taddr, int64_t desc, int64_t shape) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  if (llvm::Error e = simulateTcgen05Cp(b.mem, Tcgen05CpShape(shape),
                                        uint32_t(taddr), uint64_t(desc)))
    b.setError(errorText(std::move(e)));
}

void mxws_tc_mma(int64_t kind, int32_t d, int64_t adesc, int64_t bdesc,
                 int32_t idesc, int32_t enableInputD, int32_t scaleA,
                 int32_t scaleB) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  if (llvm::Error e = simulateTcgen05Mma(
          b.mem, Tcgen05MmaKind::decode(kind), uint32_t(d), uint64_t(adesc),
          uint64_t(bdesc), uint32_t(idesc), enableInputD & 1, uint32_t(scaleA),
          uint32_t(scaleB)))
    b.setError(errorText(std::move(e)));
}

void mxws_tc_commit(int64_t mbar) {
  // The model completes every tcgen05 op when it is issued, so the commit's
  // arrive-one happens at once.
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  arriveOn(b, mbar, "tcgen05.commit");
}

void mxws_tc_ld(int32_t taddr, int64_t num) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  std::fill(std::begin(tlLoad), std::end(tlLoad), 0);
  if (num < 1 || num > 128) {
    b.setError(llvm::formatv("tcgen05.ld of {0} columns", num));
    return;
  }
  if (llvm::Error e = simulateTcgen05Ld32x32b(b.mem, tlWarpId, tlLane,
                                              uint32_t(taddr), num, tlLoad))
    b.setError(errorText(std::move(e)));
}

int32_t mxws_tc_ld_result(int64_t j) { return int32_t(tlLoad[j & 127]); }

void mxws_mbar_init(int64_t addr, int32_t count, int32_t predicate) {
  if (!(predicate & 1))
    return;
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  auto bytes = b.mem.smemBytes(addr, 8);
  if (!bytes || addr % 8 || count < 1) {
    if (!bytes)
      llvm::consumeError(bytes.takeError());
    b.setError(llvm::formatv("mbarrier.init at shared address {0:x} with "
                             "count {1} (needs an 8-byte aligned address in "
                             "shared memory and a count of at least 1)",
                             addr, count));
    return;
  }
  b.mbarriers[addr] = {uint32_t(count), uint32_t(count), 0};
}

int64_t mxws_mbar_arrive(int64_t addr) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  auto it = b.mbarriers.find(addr);
  int64_t state = it == b.mbarriers.end() ? 0 : int64_t(it->second.phase);
  arriveOn(b, addr, "mbarrier.arrive");
  return state;
}

/// Blocks until the mbarrier phase `value` names (a parity when `isParity`,
/// else a state from mbarrier.arrive) has completed; returns 1 (the model's
/// try_wait never times out).
int32_t mxws_mbar_wait(int64_t addr, int64_t value, int32_t isParity) {
  ThreadBlock &b = *tlBlock;
  std::unique_lock<std::mutex> lock(b.mu);
  auto it = b.mbarriers.find(addr);
  if (it == b.mbarriers.end()) {
    b.setError(llvm::formatv("mbarrier wait on shared address {0:x}, which "
                             "holds no initialized mbarrier",
                             addr));
    return 1;
  }
  MBarrier &m = it->second;
  std::tuple<int64_t, int64_t, bool> wait = {addr, value, isParity & 1};
  while (!m.completed(value, isParity & 1) && !b.deadlocked) {
    auto entry = b.mbarWaits.insert(wait);
    b.checkDeadlock();
    uint64_t phase = m.phase;
    b.mbarCv.wait(lock, [&] { return m.phase != phase || b.deadlocked; });
    b.mbarWaits.erase(entry);
  }
  return 1;
}

/// mbarrier.test.wait: whether that phase has completed, without blocking.
int32_t mxws_mbar_test(int64_t addr, int64_t value, int32_t isParity) {
  ThreadBlock &b = *tlBlock;
  std::lock_guard<std::mutex> lock(b.mu);
  auto it = b.mbarriers.find(addr);
  if (it == b.mbarriers.end()) {
    b.setError(llvm::formatv("mbarrier.test.wait on shared address {0:x}, "
                             "which holds no initialized mbarrier",
                             addr));
    return 1;
  }
  return it->second.completed(value, isParity & 1) || b.deadlocked;
}

} // extern "C"

llvm::StringMap<void *> mlir::mx::warpsim::getRuntimeSymbols() {
  llvm::StringMap<void *> symbols;
  symbols["mxws_mma"] = reinterpret_cast<void *>(&mxws_mma);
  symbols["mxws_result"] = reinterpret_cast<void *>(&mxws_result);
  symbols["mxws_barrier"] = reinterpret_cast<void *>(&mxws_barrier);
  for (auto [name, fn] : std::initializer_list<std::pair<const char *, void *>>{
           {"mxws_smem_window", reinterpret_cast<void *>(&mxws_smem_window)},
           {"mxws_shared_addr", reinterpret_cast<void *>(&mxws_shared_addr)},
           {"mxws_tc_alloc", reinterpret_cast<void *>(&mxws_tc_alloc)},
           {"mxws_tc_dealloc", reinterpret_cast<void *>(&mxws_tc_dealloc)},
           {"mxws_tc_relinquish",
            reinterpret_cast<void *>(&mxws_tc_relinquish)},
           {"mxws_tc_cp", reinterpret_cast<void *>(&mxws_tc_cp)},
           {"mxws_tc_mma", reinterpret_cast<void *>(&mxws_tc_mma)},
           {"mxws_tc_commit", reinterpret_cast<void *>(&mxws_tc_commit)},
           {"mxws_tc_ld", reinterpret_cast<void *>(&mxws_tc_ld)},
           {"mxws_tc_ld_result", reinterpret_cast<void *>(&mxws_tc_ld_result)},
           {"mxws_mbar_init", reinterpret_cast<void *>(&mxws_mbar_init)},
           {"mxws_mbar_arrive", reinterpret_cast<void *>(&mxws_mbar_arrive)},
           {"mxws_mbar_wait", reinterpret_cast<void *>(&mxws_mbar_wait)},
           {"mxws_mbar_test", reinterpret_cast<void *>(&mxws_mbar_test)}})
    symbols[name] = fn;
  symbols["mxws_shuffle_xor"] = reinterpret_cast<void *>(&mxws_shuffle_xor);
  return symbols;
}

llvm::Error mlir::mx::warpsim::runGrid(PackedKernel kernel,
                                       llvm::ArrayRef<void *> args,
                                       std::array<int64_t, 3> grid,
                                       std::array<int64_t, 3> block) {
  int64_t threads = block[0] * block[1] * block[2];
  if (threads <= 0 || threads > 1024)
    return llvm::createStringError(
        llvm::formatv("unsupported block of {0} threads", threads));
  for (int64_t bz = 0; bz < grid[2]; ++bz)
    for (int64_t by = 0; by < grid[1]; ++by)
      for (int64_t bx = 0; bx < grid[0]; ++bx) {
        ThreadBlock blk;
        blk.members = threads;
        for (int64_t w = 0; w < (threads + 31) / 32; ++w) {
          blk.warps.push_back(std::make_unique<Warp>());
          blk.warps.back()->members = std::min<int64_t>(32, threads - 32 * w);
        }
        std::vector<std::thread> pool;
        for (int64_t tid = 0; tid < threads; ++tid)
          pool.emplace_back([&, tid] {
            int64_t ids[12] = {tid % block[0],
                               tid / block[0] % block[1],
                               tid / (block[0] * block[1]),
                               bx,
                               by,
                               bz,
                               block[0],
                               block[1],
                               block[2],
                               grid[0],
                               grid[1],
                               grid[2]};
            std::vector<void *> packed;
            for (int64_t &v : ids)
              packed.push_back(&v);
            packed.insert(packed.end(), args.begin(), args.end());
            tlBlock = &blk;
            tlWarp = blk.warps[tid / 32].get();
            tlLane = tid % 32;
            tlWarpId = tid / 32;
            kernel(packed.data());
            {
              Warp &w = *tlWarp;
              std::lock_guard<std::mutex> lock(w.mu);
              ++w.exited;
              if (w.arrived && w.arrived + w.exited == w.members)
                w.complete();
            }
            std::lock_guard<std::mutex> lock(blk.mu);
            ++blk.exited;
            blk.checkDeadlock();
            if (blk.arrived && blk.arrived + blk.exited == blk.members) {
              if (blk.error.empty())
                blk.error = "a barrier was reached by only part of the block";
              blk.arrived = 0;
              ++blk.generation;
              blk.cv.notify_all();
            }
          });
        for (std::thread &t : pool)
          t.join();
        std::string error = blk.error;
        if (error.empty() && !blk.mem.allocations.empty())
          error = llvm::formatv("the block exited with {0} tensor-memory "
                                "allocation(s) not released by "
                                "tcgen05.dealloc",
                                blk.mem.allocations.size());
        for (auto &w : blk.warps)
          if (error.empty())
            error = w->error;
        if (!error.empty())
          return llvm::createStringError(
              llvm::formatv("block ({0}, {1}, {2}): {3}", bx, by, bz, error));
      }
  return llvm::Error::success();
}
