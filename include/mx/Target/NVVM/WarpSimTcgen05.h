//===- WarpSimTcgen05.h - The warp simulator's tcgen05 model ----*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// One CTA's tensor memory and shared memory, and the tcgen05 instructions
// that move data between them (tcgen05.alloc/dealloc, tcgen05.cp,
// tcgen05.mma.block_scale, tcgen05.ld), written from the PTX ISA's tcgen05
// chapter (docs/WarpSimulator.md, "tcgen05"), independently of the lowering:
// the instruction and shared-memory descriptors are decoded here field by
// field, and operands are read from shared memory through them.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TARGET_NVVM_WARPSIMTCGEN05_H
#define MX_TARGET_NVVM_WARPSIMTCGEN05_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <vector>

namespace mlir {
namespace mx {
namespace warpsim {

/// Tensor memory: 128 lanes x 512 columns of 32-bit cells per CTA; an
/// address is lane << 16 | column.
constexpr unsigned kTmemLanes = 128, kTmemColumns = 512;

/// The 64-bit shared-memory matrix descriptor (PTX "Shared memory
/// descriptor"), decoded.
struct SmemDescriptor {
  uint32_t startAddress = 0;                            ///< bytes (field << 4)
  uint32_t leadingByteOffset = 0, strideByteOffset = 0; ///< bytes
  uint8_t version = 0;    ///< bits 46-48: 0b001 on sm_100
  uint8_t baseOffset = 0; ///< bits 49-51
  bool lboAbsolute = false;
  /// bits 61-63: 0 none, 1 128B with 32B atoms, 2 128B, 4 64B, 6 32B.
  uint8_t swizzle = 0;

  static SmemDescriptor decode(uint64_t bits);
  /// The swizzle atom's row width in bytes (16 without swizzling), or 0 for
  /// a mode the model does not cover.
  unsigned getSwizzleBytes() const;
};

/// The 32-bit instruction descriptor of the block-scaled kinds (PTX
/// "Instruction descriptor", its block-scaled format), decoded.
struct InstrDescriptor {
  uint8_t sparseSelector = 0;
  bool sparse = false;
  uint8_t scaleIdB = 0;         ///< bits 4-5
  uint8_t typeA = 0, typeB = 0; ///< bits 7-9, 10-12 (kind-specific codes)
  bool negateA = false, negateB = false;
  bool mnMajorA = false, mnMajorB = false; ///< bits 15, 16 (0 = K-major)
  uint32_t n = 0;                          ///< bits 17-22, N >> 3
  bool ue8m0 = false;                      ///< bit 23 (0 = UE4M3)
  uint32_t m = 0;                          ///< bits 24-28, M >> 4
  uint8_t scaleIdA = 0;                    ///< bits 29-30
  bool k96 = false;                        ///< bit 31

  static InstrDescriptor decode(uint32_t bits);
};

/// The attributes of a tcgen05.mma.block_scale that are not in its operands.
struct Tcgen05MmaKind {
  enum Kind : uint8_t { Mxf8f6f4 = 0, Mxf4 = 1, Mxf4nvf4 = 2 };
  enum BlockScale : uint8_t { Default = 0, Block16 = 1, Block32 = 2 };
  Kind kind = Mxf8f6f4;
  BlockScale blockScale = Default;

  int64_t encode() const { return int64_t(kind) | int64_t(blockScale) << 8; }
  static Tcgen05MmaKind decode(int64_t bits) {
    return {Kind(bits & 0xFF), BlockScale((bits >> 8) & 0xFF)};
  }
};

/// tcgen05.cp shapes the model covers.
enum class Tcgen05CpShape : uint8_t {
  Shape128x128b = 0,      ///< 128 lanes x 16 bytes
  Shape32x128bWarpx4 = 1, ///< 32 lanes x 16 bytes, copied to all 4 quarters
};

/// One CTA's shared memory window and tensor memory.
struct CtaMemory {
  uint8_t *smem = nullptr; ///< shared address 0
  uint64_t smemSize = 0;
  std::vector<uint32_t> tmem =
      std::vector<uint32_t>(kTmemLanes * kTmemColumns, 0);
  /// Whether a cell was written since its columns were allocated.
  std::vector<bool> written = std::vector<bool>(kTmemLanes * kTmemColumns);
  /// Allocations: first column -> (columns, allocating warp).
  std::map<uint32_t, std::pair<uint32_t, int>> allocations;
  bool relinquished = false;

  /// Allocates `columns` (a power of two in [32, 512]) for `warp`; the
  /// address (lane 0) of the first column.
  llvm::Expected<uint32_t> allocate(uint32_t columns, int warp);
  llvm::Error deallocate(uint32_t address, uint32_t columns, int warp);
  /// Whether columns [column, column + count) are all allocated.
  bool isAllocated(uint32_t column, uint32_t count) const;
  llvm::Expected<uint32_t> readCell(uint32_t lane, uint32_t column) const;
  llvm::Error writeCell(uint32_t lane, uint32_t column, uint32_t value);
  /// `count` bytes at shared address `address`, or an error outside the
  /// window.
  llvm::Expected<const uint8_t *> smemBytes(uint64_t address,
                                            uint64_t count) const;
};

/// The byte address, in the shared window, of the 16-byte granule that
/// holds row `mn` (M or N index) and K granule `kGranule` (K-major), or of
/// row `k` and MN granule `mnGranule` (MN-major), after swizzling (PTX
/// "Shared memory layout and swizzling": canonical layouts in units of
/// 16-byte granules of 8 rows).
llvm::Expected<uint64_t> smemGranuleAddress(const SmemDescriptor &desc,
                                            bool mnMajor, int64_t row,
                                            int64_t granule);

/// tcgen05.cp.cta_group::1 from the shared memory `desc` describes to
/// tensor-memory address `taddr`.
llvm::Error simulateTcgen05Cp(CtaMemory &mem, Tcgen05CpShape shape,
                              uint32_t taddr, uint64_t desc);

/// tcgen05.mma.cta_group::1.kind::K.block_scale: D (tensor memory, lanes =
/// rows, columns = N) = A (SMEM, M x K) * B (SMEM, N x K) with the block
/// scales of A and B read from tensor memory, plus D when `enableInputD`.
/// Products are exact; each output is D (or 0) plus the sum, per scale
/// chunk, of exact products times the chunk's two scales, in double,
/// rounded once to f32.
llvm::Error simulateTcgen05Mma(CtaMemory &mem, Tcgen05MmaKind kind, uint32_t d,
                               uint64_t adesc, uint64_t bdesc, uint32_t idesc,
                               bool enableInputD, uint32_t scaleA,
                               uint32_t scaleB);

/// tcgen05.ld.32x32b.x`num` by lane `lane` of warp `warp`: `num` cells of
/// TMEM lane (address lane + lane), from the address' column on.
llvm::Error simulateTcgen05Ld32x32b(const CtaMemory &mem, int warp, int lane,
                                    uint32_t taddr, unsigned num,
                                    uint32_t *out);

} // namespace warpsim
} // namespace mx
} // namespace mlir

#endif // MX_TARGET_NVVM_WARPSIMTCGEN05_H
