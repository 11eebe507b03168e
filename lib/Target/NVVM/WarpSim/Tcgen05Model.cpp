//===- Tcgen05Model.cpp - Tensor memory and tcgen05 for the warp simulator ===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The tcgen05 instructions on one CTA's shared and tensor memory, from the
// PTX ISA's tcgen05 chapter (docs/WarpSimulator.md, "tcgen05"): the
// descriptors are decoded field by field and A, B and the scale factors are
// read through them, never through the lowering's encoders. Everything a
// kernel can get wrong (an unallocated column, a read of a cell nobody
// wrote, an address outside shared memory, an illegal descriptor) is an
// error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/WarpSimTcgen05.h"

#include "mx/Numerics/Codec.h"
#include "mx/Numerics/Format.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstring>

using namespace mlir::mx::warpsim;

static llvm::Error err(const llvm::Twine &msg) {
  return llvm::createStringError(msg.str());
}

//===----------------------------------------------------------------------===//
// Descriptors
//===----------------------------------------------------------------------===//

SmemDescriptor SmemDescriptor::decode(uint64_t bits) {
  SmemDescriptor d;
  d.startAddress = uint32_t(bits & 0x3FFF) << 4;
  d.leadingByteOffset = uint32_t((bits >> 16) & 0x3FFF) << 4;
  d.strideByteOffset = uint32_t((bits >> 32) & 0x3FFF) << 4;
  d.version = (bits >> 46) & 0x7;
  d.baseOffset = (bits >> 49) & 0x7;
  d.lboAbsolute = (bits >> 52) & 1;
  d.swizzle = (bits >> 61) & 0x7;
  return d;
}

unsigned SmemDescriptor::getSwizzleBytes() const {
  switch (swizzle) {
  case 0:
    return 16;
  case 2:
    return 128;
  case 4:
    return 64;
  case 6:
    return 32;
  default:
    return 0; // 1 (128B with 32B atoms) is not modelled; 3, 5, 7 invalid
  }
}

InstrDescriptor InstrDescriptor::decode(uint32_t bits) {
  InstrDescriptor d;
  d.sparseSelector = bits & 0x3;
  d.sparse = (bits >> 2) & 1;
  d.scaleIdB = (bits >> 4) & 0x3;
  d.typeA = (bits >> 7) & 0x7;
  d.typeB = (bits >> 10) & 0x7;
  d.negateA = (bits >> 13) & 1;
  d.negateB = (bits >> 14) & 1;
  d.mnMajorA = (bits >> 15) & 1;
  d.mnMajorB = (bits >> 16) & 1;
  d.n = (bits >> 17) & 0x3F;
  d.ue8m0 = (bits >> 23) & 1;
  d.m = (bits >> 24) & 0x1F;
  d.scaleIdA = (bits >> 29) & 0x3;
  d.k96 = (bits >> 31) & 1;
  return d;
}

llvm::Expected<uint64_t>
mlir::mx::warpsim::smemGranuleAddress(const SmemDescriptor &desc, bool mnMajor,
                                      int64_t row, int64_t granule) {
  if (desc.version != 1)
    return err(llvm::formatv("shared-memory descriptor version field (bits "
                             "46-48) is {0}, sm_100 requires 1",
                             desc.version));
  if (desc.lboAbsolute)
    return err("shared-memory descriptor with absolute leading-dimension "
               "mode (bit 52) is not modelled");
  if (desc.baseOffset)
    return err("shared-memory descriptor with a nonzero base offset (bits "
               "49-51) is not modelled");
  unsigned width = desc.getSwizzleBytes();
  if (!width)
    return err(llvm::formatv("shared-memory descriptor swizzle mode {0} is "
                             "not modelled",
                             desc.swizzle));
  uint64_t lbo = desc.leadingByteOffset, sbo = desc.strideByteOffset;
  uint64_t addr = desc.startAddress;
  if (width == 16) {
    // No swizzling: 8 x 16-byte core matrices. K-major: rows 16 B apart,
    // core matrices LBO apart along K and SBO apart along M/N. MN-major:
    // K rows 16 B apart, LBO between groups of 8 K rows, SBO between
    // 16-byte MN granules.
    if (!mnMajor)
      addr += (row / 8) * sbo + (row % 8) * 16 + granule * lbo;
    else
      addr += granule * sbo + (row % 8) * 16 + (row / 8) * lbo;
    return addr;
  }
  // Swizzled: an atom of 8 rows of `width` bytes. K-major: one MMA's K
  // granules must lie in the atom's row; atoms SBO apart along M/N.
  // MN-major: `width / 16` MN granules per atom row, atoms LBO apart along
  // M/N and SBO apart along K (groups of 8 K rows).
  unsigned perRow = width / 16;
  if (!mnMajor) {
    if (granule >= perRow)
      return err(llvm::formatv("K-major operand spans {0} 16-byte granules, "
                               "more than one {1}-byte swizzle row",
                               granule + 1, width));
    addr += (row / 8) * sbo + (row % 8) * width + granule * 16;
  } else {
    addr += (granule / perRow) * lbo + (granule % perRow) * 16 +
            (row % 8) * width + (row / 8) * sbo;
  }
  // Swizzle<log2(perRow), 4, 3>: the 16-byte granule index within a
  // 128-byte line is XORed with address bits [7, 7 + log2(perRow)).
  addr ^= ((addr >> 7) & (perRow - 1)) << 4;
  return addr;
}

//===----------------------------------------------------------------------===//
// CtaMemory
//===----------------------------------------------------------------------===//

llvm::Expected<uint32_t> CtaMemory::allocate(uint32_t columns, int warp) {
  if (relinquished)
    return err("tcgen05.alloc after tcgen05.relinquish_alloc_permit");
  if (columns < 32 || columns > kTmemColumns || !llvm::isPowerOf2_32(columns))
    return err(llvm::formatv("tcgen05.alloc of {0} columns (must be a power "
                             "of two in [32, 512])",
                             columns));
  for (uint32_t col = 0; col + columns <= kTmemColumns; col += columns) {
    bool free = true;
    for (auto &[start, info] : allocations)
      if (start < col + columns && col < start + info.first)
        free = false;
    if (!free)
      continue;
    allocations[col] = {columns, warp};
    for (uint32_t lane = 0; lane < kTmemLanes; ++lane)
      for (uint32_t c = col; c < col + columns; ++c)
        written[lane * kTmemColumns + c] = false;
    return col;
  }
  return err(llvm::formatv("tcgen05.alloc of {0} columns: tensor memory "
                           "exhausted (the real instruction would block)",
                           columns));
}

llvm::Error CtaMemory::deallocate(uint32_t address, uint32_t columns,
                                  int warp) {
  uint32_t lane = address >> 16, col = address & 0xFFFF;
  auto it = allocations.find(col);
  if (lane != 0 || it == allocations.end() || it->second.first != columns)
    return err(llvm::formatv("tcgen05.dealloc of {0} columns at address "
                             "{1:x} does not match an allocation",
                             columns, address));
  if (it->second.second != warp)
    return err(llvm::formatv("tcgen05.dealloc by warp {0} of columns "
                             "allocated by warp {1}",
                             warp, it->second.second));
  allocations.erase(it);
  return llvm::Error::success();
}

bool CtaMemory::isAllocated(uint32_t column, uint32_t count) const {
  for (uint32_t c = column; c < column + count; ++c) {
    bool found = false;
    for (auto &[start, info] : allocations)
      if (start <= c && c < start + info.first)
        found = true;
    if (!found)
      return false;
  }
  return true;
}

llvm::Expected<uint32_t> CtaMemory::readCell(uint32_t lane,
                                             uint32_t column) const {
  if (lane >= kTmemLanes || column >= kTmemColumns || !isAllocated(column, 1))
    return err(llvm::formatv("tensor memory read of unallocated lane {0} "
                             "column {1}",
                             lane, column));
  if (!written[lane * kTmemColumns + column])
    return err(llvm::formatv("tensor memory read of lane {0} column {1}, "
                             "which nothing wrote",
                             lane, column));
  return tmem[lane * kTmemColumns + column];
}

llvm::Error CtaMemory::writeCell(uint32_t lane, uint32_t column,
                                 uint32_t value) {
  if (lane >= kTmemLanes || column >= kTmemColumns || !isAllocated(column, 1))
    return err(llvm::formatv("tensor memory write to unallocated lane {0} "
                             "column {1}",
                             lane, column));
  tmem[lane * kTmemColumns + column] = value;
  written[lane * kTmemColumns + column] = true;
  return llvm::Error::success();
}

llvm::Expected<const uint8_t *> CtaMemory::smemBytes(uint64_t address,
                                                     uint64_t count) const {
  if (!smem || address + count > smemSize)
    return err(llvm::formatv("shared-memory access of {0} bytes at {1:x} "
                             "outside the {2}-byte shared memory",
                             count, address, smemSize));
  return smem + address;
}

//===----------------------------------------------------------------------===//
// tcgen05.cp
//===----------------------------------------------------------------------===//

llvm::Error mlir::mx::warpsim::simulateTcgen05Cp(CtaMemory &mem,
                                                 Tcgen05CpShape shape,
                                                 uint32_t taddr,
                                                 uint64_t desc) {
  SmemDescriptor sd = SmemDescriptor::decode(desc);
  uint32_t lane0 = taddr >> 16, col = taddr & 0xFFFF;
  if (lane0 != 0)
    return err(llvm::formatv("tcgen05.cp to lane {0}: this shape starts at "
                             "lane 0",
                             lane0));
  int rows = shape == Tcgen05CpShape::Shape128x128b ? 128 : 32;
  // Row r is 128 bits: one 16-byte granule of a K-major layout, its four
  // 32-bit words going to columns col..col+3 of lane r (and, warpx4, of
  // lanes r + 32, r + 64, r + 96).
  for (int r = 0; r < rows; ++r) {
    auto addr = smemGranuleAddress(sd, /*mnMajor=*/false, r, 0);
    if (!addr)
      return err("tcgen05.cp: " + llvm::toString(addr.takeError()));
    auto bytes = mem.smemBytes(*addr, 16);
    if (!bytes)
      return err("tcgen05.cp: " + llvm::toString(bytes.takeError()));
    for (int c = 0; c < 4; ++c) {
      uint32_t word;
      std::memcpy(&word, *bytes + 4 * c, 4);
      for (int q = 0; q < (rows == 32 ? 4 : 1); ++q)
        if (llvm::Error e = mem.writeCell(r + 32 * q, col + c, word))
          return err("tcgen05.cp: " + llvm::toString(std::move(e)));
    }
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// tcgen05.mma.block_scale
//===----------------------------------------------------------------------===//

namespace {

/// The element kind of an instruction-descriptor type code (PTX
/// "Instruction descriptor": kind::mxf8f6f4 E4M3 0, E5M2 1, E2M3 3, E3M2 4,
/// E2M1 5; kind::mxf4 and mxf4nvf4 E2M1 1).
std::optional<mxref::ElemKind> elemKindOf(Tcgen05MmaKind::Kind kind,
                                          unsigned code) {
  using mxref::ElemKind;
  if (kind != Tcgen05MmaKind::Mxf8f6f4)
    return code == 1 ? std::optional(ElemKind::E2M1) : std::nullopt;
  switch (code) {
  case 0:
    return ElemKind::E4M3;
  case 1:
    return ElemKind::E5M2;
  case 3:
    return ElemKind::E2M3;
  case 4:
    return ElemKind::E3M2;
  case 5:
    return ElemKind::E2M1;
  default:
    return std::nullopt;
  }
}

unsigned widthOf(mxref::ElemKind k) {
  switch (k) {
  case mxref::ElemKind::E2M1:
    return 4;
  case mxref::ElemKind::E2M3:
  case mxref::ElemKind::E3M2:
    return 6;
  default:
    return 8;
  }
}

/// Reads an operand of `rows` x `k` element codes through its descriptor.
/// K-major: `perGranule` elements of `width` bits per 16-byte granule, bit
/// offset width * i (kind::mxf4*: 32 packed E2M1; kind::mxf8f6f4: 16
/// elements, FP4/FP6 padded to 16 bytes). MN-major (8-bit only): 16 rows
/// per granule.
llvm::Expected<std::vector<uint8_t>>
readOperand(const CtaMemory &mem, uint64_t descBits, bool mnMajor, int64_t rows,
            int64_t k, unsigned width, unsigned perGranule) {
  SmemDescriptor desc = SmemDescriptor::decode(descBits);
  std::vector<uint8_t> codes(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i) {
      uint64_t addr;
      unsigned bit;
      if (!mnMajor) {
        auto g = smemGranuleAddress(desc, false, r, i / perGranule);
        if (!g)
          return g.takeError();
        unsigned off = (i % perGranule) * width;
        addr = *g + off / 8;
        bit = off % 8;
      } else {
        auto g = smemGranuleAddress(desc, true, i, r / 16);
        if (!g)
          return g.takeError();
        addr = *g + r % 16;
        bit = 0;
      }
      // A field never crosses its granule (at most 12 bytes of data).
      unsigned span = bit + width > 8 ? 2 : 1;
      auto bytes = mem.smemBytes(addr, span);
      if (!bytes)
        return bytes.takeError();
      uint32_t v = (*bytes)[0] | (span == 2 ? uint32_t((*bytes)[1]) << 8 : 0);
      codes[r * k + i] = (v >> bit) & ((1u << width) - 1);
    }
  return codes;
}

} // namespace

llvm::Error mlir::mx::warpsim::simulateTcgen05Mma(
    CtaMemory &mem, Tcgen05MmaKind kind, uint32_t d, uint64_t adesc,
    uint64_t bdesc, uint32_t idescBits, bool enableInputD, uint32_t scaleA,
    uint32_t scaleB) {
  InstrDescriptor id = InstrDescriptor::decode(idescBits);
  auto fail = [&](const llvm::Twine &msg) {
    return err(llvm::formatv("tcgen05.mma (idesc {0:x8}): ", idescBits).str() +
               msg);
  };
  if (id.sparse)
    return fail("sparse MMA (idesc bit 2) is not modelled");
  if (id.k96)
    return fail("K = 96 (idesc bit 31) is not modelled");
  if (id.m != 128 >> 4)
    return fail(llvm::formatv("M = {0}: block-scaled cta_group::1 requires "
                              "M = 128",
                              id.m << 4));
  int64_t n = int64_t(id.n) << 3;
  if (n < 8 || n > 256 || n % 8)
    return fail(llvm::formatv("N = {0}: the block-scaled kinds with M = 128 "
                              "require N in [8, 256], a multiple of 8",
                              n));
  auto ta = elemKindOf(kind.kind, id.typeA);
  auto tb = elemKindOf(kind.kind, id.typeB);
  if (!ta || !tb)
    return fail(llvm::formatv("A/B type codes {0}/{1} are not valid for this "
                              "kind",
                              id.typeA, id.typeB));
  auto isWide = [](mxref::ElemKind k) { return widthOf(k) == 8; };
  if ((id.mnMajorA && !isWide(*ta)) || (id.mnMajorB && !isWide(*tb)))
    return fail("FP4 and FP6 operands must be K-major");
  if (!id.ue8m0 && kind.kind != Tcgen05MmaKind::Mxf4nvf4)
    return fail("UE4M3 scales (idesc bit 23 clear) need kind::mxf4nvf4");
  // Scale vector size: K chunks that share one scale byte each.
  int64_t kExtent = kind.kind == Tcgen05MmaKind::Mxf8f6f4 ? 32 : 64;
  int chunks = 1;
  switch (kind.kind) {
  case Tcgen05MmaKind::Mxf8f6f4:
    if (kind.blockScale == Tcgen05MmaKind::Block16)
      return fail("kind::mxf8f6f4 has no block16");
    chunks = 1;
    break;
  case Tcgen05MmaKind::Mxf4:
    if (kind.blockScale == Tcgen05MmaKind::Block16)
      return fail("kind::mxf4 has no block16");
    chunks = 2;
    break;
  case Tcgen05MmaKind::Mxf4nvf4:
    if (kind.blockScale == Tcgen05MmaKind::Default)
      return fail("kind::mxf4nvf4 needs block16 or block32");
    chunks = kind.blockScale == Tcgen05MmaKind::Block16 ? 4 : 2;
    break;
  }
  // The byte of each 32-bit scale cell that chunk q uses (PTX scale factor
  // IDs): 1X any of 0..3, 2X 0 or 2 (then id + q), 4X only 0 (then q).
  for (unsigned sfId : {unsigned(id.scaleIdA), unsigned(id.scaleIdB)})
    if ((chunks == 2 && sfId % 2) || (chunks == 4 && sfId))
      return fail(llvm::formatv("scale factor ID {0} is illegal with {1}X "
                                "scale vectors",
                                sfId, chunks));
  auto byteOf = [&](unsigned sfId, int q) {
    return chunks == 4 ? q : int(sfId) + q;
  };

  const int64_t m = 128;
  unsigned perA = kind.kind == Tcgen05MmaKind::Mxf8f6f4 ? 16 : 32;
  auto a = readOperand(mem, adesc, id.mnMajorA, m, kExtent,
                       kind.kind == Tcgen05MmaKind::Mxf8f6f4 ? widthOf(*ta) : 4,
                       perA);
  if (!a)
    return fail("A: " + llvm::toString(a.takeError()));
  auto b = readOperand(mem, bdesc, id.mnMajorB, n, kExtent,
                       kind.kind == Tcgen05MmaKind::Mxf8f6f4 ? widthOf(*tb) : 4,
                       perA);
  if (!b)
    return fail("B: " + llvm::toString(b.takeError()));

  // Scale factors (PTX "Scale factor A/B layout", cta_group::1, M = 128):
  // row m of A reads tensor-memory lane m, column scale-A + m / 32; row n of
  // B (column n of the product) lane n % 128, column scale-B + 4 * (n /
  // 128) + (n % 128) / 32. This is where tcgen05.cp.32x128b.warpx4 of the
  // 128x4 layout puts them.
  auto scaleKind = id.ue8m0 ? mxref::ScaleKind::E8M0 : mxref::ScaleKind::UE4M3;
  auto readScales = [&](uint32_t addr, int64_t rows, unsigned sfId,
                        std::vector<double> &out) -> llvm::Error {
    if (addr >> 16)
      return err(llvm::formatv("scale address {0:x} must be at lane 0", addr));
    uint32_t col = addr & 0xFFFF;
    out.assign(rows * 4, 0);
    for (int64_t r = 0; r < rows; ++r) {
      auto cell = mem.readCell(r % 128, col + 4 * (r / 128) + (r % 128) / 32);
      if (!cell)
        return cell.takeError();
      for (int q = 0; q < chunks; ++q)
        out[r * 4 + q] = mxref::decodeScale(
            scaleKind, (*cell >> (8 * byteOf(sfId, q))) & 0xFF);
    }
    return llvm::Error::success();
  };
  std::vector<double> sa, sb;
  if (llvm::Error e = readScales(scaleA, m, id.scaleIdA, sa))
    return fail("scale A: " + llvm::toString(std::move(e)));
  if (llvm::Error e = readScales(scaleB, n, id.scaleIdB, sb))
    return fail("scale B: " + llvm::toString(std::move(e)));

  if (d >> 16)
    return fail(llvm::formatv("D address {0:x} must be at lane 0", d));
  uint32_t dCol = d & 0xFFFF;
  std::vector<double> av(a->size()), bv(b->size());
  for (size_t i = 0; i < av.size(); ++i)
    av[i] = (id.negateA ? -1.0 : 1.0) * mxref::decodeElem(*ta, (*a)[i]);
  for (size_t i = 0; i < bv.size(); ++i)
    bv[i] = (id.negateB ? -1.0 : 1.0) * mxref::decodeElem(*tb, (*b)[i]);
  int64_t chunkK = kExtent / chunks;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < n; ++c) {
      double acc = 0;
      if (enableInputD) {
        auto cell = mem.readCell(r, dCol + c);
        if (!cell)
          return fail("D: " + llvm::toString(cell.takeError()));
        float f;
        std::memcpy(&f, &*cell, 4);
        acc = f;
      }
      for (int q = 0; q < chunks; ++q) {
        double part = 0;
        for (int64_t i = q * chunkK; i < (q + 1) * chunkK; ++i)
          part += av[r * kExtent + i] * bv[c * kExtent + i];
        acc += part * sa[r * 4 + q] * sb[c * 4 + q];
      }
      float f = float(acc);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      if (llvm::Error e = mem.writeCell(r, dCol + c, bits))
        return fail("D: " + llvm::toString(std::move(e)));
    }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// tcgen05.ld
//===----------------------------------------------------------------------===//

llvm::Error mlir::mx::warpsim::simulateTcgen05Ld32x32b(const CtaMemory &mem,
                                                       int warp, int lane,
                                                       uint32_t taddr,
                                                       unsigned num,
                                                       uint32_t *out) {
  uint32_t lane0 = taddr >> 16, col = taddr & 0xFFFF;
  // A warp reaches only its quarter of the lanes: 32 * (warp % 4) on.
  if (lane0 != 32u * (warp % 4))
    return err(llvm::formatv("tcgen05.ld.32x32b by warp {0} at lane {1}: "
                             "warp {0} may only access lanes [{2}, {3})",
                             warp, lane0, 32 * (warp % 4),
                             32 * (warp % 4) + 32));
  for (unsigned j = 0; j < num; ++j) {
    auto cell = mem.readCell(lane0 + lane, col + j);
    if (!cell)
      return err("tcgen05.ld: " + llvm::toString(cell.takeError()));
    out[j] = *cell;
  }
  return llvm::Error::success();
}
