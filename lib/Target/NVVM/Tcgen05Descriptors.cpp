//===- Tcgen05Descriptors.cpp - tcgen05 descriptor encoders ---------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Field layouts from PTX ISA 8.8 §9.7.16.4.2 (block-scaled instruction
// descriptor) and §9.7.16.4.1 (shared memory descriptor); the legal
// kind/scale/block combinations are the ones ptxas 13.0 accepts
// (docs/Lowering.md, "Datacenter Blackwell: tcgen05").
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/Tcgen05Descriptors.h"

#include <string>

using namespace mxnvvm;

namespace {

const char *elemName(Tcgen05ElemType t) {
  switch (t) {
  case Tcgen05ElemType::E4M3:
    return "e4m3";
  case Tcgen05ElemType::E5M2:
    return "e5m2";
  case Tcgen05ElemType::E2M3:
    return "e2m3";
  case Tcgen05ElemType::E3M2:
    return "e3m2";
  case Tcgen05ElemType::E2M1:
    return "e2m1";
  }
  return "?";
}

/// The 3-bit atype/btype code of `t` for `kind`, or -1 when the kind does
/// not take it. mxf8f6f4: E4M3 0, E5M2 1, E2M3 3, E3M2 4, E2M1 5; the FP4
/// kinds: E2M1 1 (bit 2 of the field, i.e. idesc bit 9/12, stays 0).
int elemCode(Tcgen05Kind kind, Tcgen05ElemType t) {
  if (kind != Tcgen05Kind::Mxf8f6f4)
    return t == Tcgen05ElemType::E2M1 ? 1 : -1;
  switch (t) {
  case Tcgen05ElemType::E4M3:
    return 0;
  case Tcgen05ElemType::E5M2:
    return 1;
  case Tcgen05ElemType::E2M3:
    return 3;
  case Tcgen05ElemType::E3M2:
    return 4;
  case Tcgen05ElemType::E2M1:
    return 5;
  }
  return -1;
}

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(msg.str());
}

} // namespace

llvm::StringRef mxnvvm::stringifyTcgen05Kind(Tcgen05Kind kind) {
  switch (kind) {
  case Tcgen05Kind::Mxf8f6f4:
    return "mxf8f6f4";
  case Tcgen05Kind::Mxf4:
    return "mxf4";
  case Tcgen05Kind::Mxf4nvf4:
    return "mxf4nvf4";
  }
  return "?";
}

llvm::Expected<uint32_t>
mxnvvm::encodeBlockScaledInstrDesc(const BlockScaledInstrDesc &d) {
  std::string kind = stringifyTcgen05Kind(d.kind).str();
  int a = elemCode(d.kind, d.a), b = elemCode(d.kind, d.b);
  if (a < 0)
    return fail("kind::" + kind + " does not take A elements of type " +
                elemName(d.a));
  if (b < 0)
    return fail("kind::" + kind + " does not take B elements of type " +
                elemName(d.b));

  // Block size and scale format: block16 only with mxf4nvf4 (ptxas rejects
  // .block16 for mxf4 and mxf8f6f4); UE4M3 only with block16 (the NVFP4
  // 4X form); UE8M0 with block16 is not an established combination (the
  // mma.sync 4X UE8M0 form is rejected by ptxas), so it is refused too.
  if (d.blockSize != 16 && d.blockSize != 32)
    return fail("block size " + llvm::Twine(d.blockSize) +
                " is not 16 or 32 (.block16/.block32)");
  if (d.blockSize == 16 && d.kind != Tcgen05Kind::Mxf4nvf4)
    return fail("kind::" + kind +
                " does not take .block16 (only kind::mxf4nvf4 does)");
  if (d.blockSize == 16 && d.scaleFormat != Tcgen05ScaleFormat::UE4M3)
    return fail("kind::mxf4nvf4 .block16 takes UE4M3 scale factors, not "
                "UE8M0");
  if (d.blockSize == 32 && d.scaleFormat != Tcgen05ScaleFormat::UE8M0)
    return fail("kind::" + kind +
                " .block32 takes UE8M0 scale factors, not "
                "UE4M3");

  // Shapes (PTX ISA 8.8 §9.7.16.10.1; NVVM-FACTS §3.2): block-scaled kinds
  // have M = 128 (cta_group::1) or 256 (cta_group::2); N a multiple of 8
  // (M = 128) or 16 (M = 256) in [8|16, 256].
  if (d.m != 128 && d.m != 256)
    return fail("M = " + llvm::Twine(d.m) +
                " is not a block-scaled tcgen05.mma shape (128 or 256)");
  unsigned nStep = d.m == 128 ? 8 : 16;
  if (d.n < nStep || d.n > 256 || d.n % nStep)
    return fail("N = " + llvm::Twine(d.n) + " is not a multiple of " +
                llvm::Twine(nStep) + " in [" + llvm::Twine(nStep) +
                ", 256] for M = " + llvm::Twine(d.m));

  // Scale-factor ids: the starting byte of the 32-bit scale word. 1X
  // (mxf8f6f4) any of 0..3, 2X (FP4 kinds, block32) 0 or 2, 4X (block16) 0.
  auto sfOk = [&](unsigned id) {
    if (d.kind == Tcgen05Kind::Mxf8f6f4)
      return id <= 3;
    return d.blockSize == 32 ? (id == 0 || id == 2) : id == 0;
  };
  const char *sfRange = d.kind == Tcgen05Kind::Mxf8f6f4 ? "0..3"
                        : d.blockSize == 32             ? "0 or 2"
                                                        : "0";
  if (!sfOk(d.sfIdA))
    return fail("scale-factor id of A " + llvm::Twine(d.sfIdA) + " is not " +
                sfRange + " for kind::" + kind);
  if (!sfOk(d.sfIdB))
    return fail("scale-factor id of B " + llvm::Twine(d.sfIdB) + " is not " +
                sfRange + " for kind::" + kind);

  // MN-major is legal only for 8-bit element types (FP4 and FP6 must be
  // K-major; the FP4 kinds are K-major only).
  auto eightBit = [](Tcgen05ElemType t) {
    return t == Tcgen05ElemType::E4M3 || t == Tcgen05ElemType::E5M2;
  };
  if ((d.mnMajorA && !eightBit(d.a)) || (d.mnMajorB && !eightBit(d.b)) ||
      ((d.mnMajorA || d.mnMajorB) && d.kind != Tcgen05Kind::Mxf8f6f4))
    return fail("only E4M3/E5M2 operands of kind::mxf8f6f4 may be MN-major");
  if (d.k96 && d.kind == Tcgen05Kind::Mxf8f6f4)
    return fail("K = 96 exists only for kind::mxf4 and kind::mxf4nvf4");

  uint32_t v = 0;
  v |= uint32_t(d.sfIdB) << 4;        // bits 4-5: B scale-factor id
  v |= uint32_t(a) << 7;              // bits 7-9: atype
  v |= uint32_t(b) << 10;             // bits 10-12: btype
  v |= uint32_t(d.negateA) << 13;     // bit 13: negate A
  v |= uint32_t(d.negateB) << 14;     // bit 14: negate B
  v |= uint32_t(d.mnMajorA) << 15;    // bit 15: A major
  v |= uint32_t(d.mnMajorB) << 16;    // bit 16: B major
  v |= uint32_t(d.n >> 3) << 17;      // bits 17-22: N >> 3
  v |= uint32_t(d.scaleFormat) << 23; // bit 23: scale format
  v |= uint32_t(d.m >> 4) << 24;      // bits 24-28: M >> 4
  v |= uint32_t(d.sfIdA) << 29;       // bits 29-30: A scale-factor id
  v |= uint32_t(d.k96) << 31;         // bit 31: K = 96
  return v;
}

llvm::Expected<uint64_t> mxnvvm::encodeSmemDescriptor(const SmemDescriptor &d) {
  auto field = [](const char *name,
                  uint32_t bytes) -> llvm::Expected<uint64_t> {
    if (bytes % 16)
      return fail(llvm::Twine(name) + " " + llvm::Twine(bytes) +
                  " is not a multiple of 16 bytes");
    if ((bytes >> 4) >= (1u << 14))
      return fail(llvm::Twine(name) + " " + llvm::Twine(bytes) +
                  " does not fit the 14-bit field (bytes >> 4 < 16384)");
    return uint64_t(bytes >> 4);
  };
  llvm::Expected<uint64_t> start = field("start address", d.startAddress);
  if (!start)
    return start.takeError();
  llvm::Expected<uint64_t> lbo =
      field("leading byte offset", d.leadingByteOffset);
  if (!lbo)
    return lbo.takeError();
  llvm::Expected<uint64_t> sbo =
      field("stride byte offset", d.strideByteOffset);
  if (!sbo)
    return sbo.takeError();
  if (d.baseOffset > 7)
    return fail("base offset " + llvm::Twine(d.baseOffset) + " is not 0..7");
  switch (d.swizzle) {
  case SmemSwizzle::None:
  case SmemSwizzle::Swizzle128BBase32B:
  case SmemSwizzle::Swizzle128B:
  case SmemSwizzle::Swizzle64B:
  case SmemSwizzle::Swizzle32B:
    break;
  default:
    return fail("swizzle mode " + llvm::Twine(unsigned(d.swizzle)) +
                " is not 0, 1, 2, 4 or 6");
  }
  uint64_t v = *start;                // bits 0-13: start address >> 4
  v |= *lbo << 16;                    // bits 16-29: LBO >> 4
  v |= *sbo << 32;                    // bits 32-45: SBO >> 4
  v |= uint64_t(1) << 46;             // bits 46-48: fixed 0b001
  v |= uint64_t(d.baseOffset) << 49;  // bits 49-51: base offset
  v |= uint64_t(d.lboAbsolute) << 52; // bit 52: LBO mode
  v |= uint64_t(d.swizzle) << 61;     // bits 61-63: swizzle
  return v;
}
