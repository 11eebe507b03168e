//===- Tcgen05Descriptors.h - tcgen05 descriptor encoders -------*- C++ -*-===//
//
// Part of the MX project. LLVM Support only: no MLIR IR dependency.
//
//===----------------------------------------------------------------------===//
//
// Encoders of the two descriptors a block-scaled `tcgen05.mma` reads
// (docs/Lowering.md, "Datacenter Blackwell: tcgen05"):
//
// * the 32-bit instruction descriptor of the block-scaled kinds (PTX ISA 8.8
//   §9.7.16.4.2, "Instruction descriptor", the table for .kind::mxf8f6f4,
//   .kind::mxf4 and .kind::mxf4nvf4), passed as the `idesc` operand;
// * the 64-bit shared-memory matrix descriptor (PTX ISA 8.8 §9.7.16.4.1,
//   "Shared memory descriptor"), passed for A and B and to `tcgen05.cp`.
//
// Each encoder takes a struct of fields and returns the integer, or an error
// that names the illegal field; the lowering turns it into a diagnostic.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TARGET_NVVM_TCGEN05DESCRIPTORS_H
#define MX_TARGET_NVVM_TCGEN05DESCRIPTORS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace mxnvvm {

/// The block-scaled `tcgen05.mma` kinds.
enum class Tcgen05Kind : uint8_t { Mxf8f6f4, Mxf4, Mxf4nvf4 };

/// "mxf8f6f4", "mxf4", "mxf4nvf4".
llvm::StringRef stringifyTcgen05Kind(Tcgen05Kind kind);

/// Operand element types of the block-scaled kinds.
enum class Tcgen05ElemType : uint8_t { E4M3, E5M2, E2M3, E3M2, E2M1 };

/// The scale factor format (idesc bit 23).
enum class Tcgen05ScaleFormat : uint8_t { UE4M3 = 0, UE8M0 = 1 };

/// The fields of a block-scaled instruction descriptor. Sparsity is not
/// modelled (always dense); D is always F32 for these kinds.
struct BlockScaledInstrDesc {
  Tcgen05Kind kind = Tcgen05Kind::Mxf8f6f4;
  Tcgen05ElemType a = Tcgen05ElemType::E4M3, b = Tcgen05ElemType::E4M3;
  Tcgen05ScaleFormat scaleFormat = Tcgen05ScaleFormat::UE8M0;
  /// Elements per scale factor: 16 (`.block16`) or 32 (`.block32`). Not an
  /// idesc field; it decides the legal scale formats and scale-factor ids.
  unsigned blockSize = 32;
  unsigned m = 128, n = 128;
  /// The byte of each 32-bit tensor-memory scale word the MMA starts at
  /// (bits 29-30 for A, 4-5 for B).
  unsigned sfIdA = 0, sfIdB = 0;
  bool negateA = false, negateB = false;
  /// true: the operand is MN-major ("transposed"); false: K-major.
  bool mnMajorA = false, mnMajorB = false;
  /// mxf4/mxf4nvf4 only: K = 96 per instruction instead of 64 (bit 31).
  bool k96 = false;
};

/// The 32-bit idesc of `desc`, or an error naming the first illegal field:
/// an element type the kind does not take, a scale format or block size the
/// kind lacks, M/N outside the cta_group::1/2 shapes, a scale-factor id
/// outside the range its scale vector allows, an FP4/FP6 operand that is not
/// K-major.
llvm::Expected<uint32_t>
encodeBlockScaledInstrDesc(const BlockScaledInstrDesc &desc);

/// Shared-memory swizzle modes (descriptor bits 61-63).
enum class SmemSwizzle : uint8_t {
  None = 0,
  Swizzle128BBase32B = 1,
  Swizzle128B = 2,
  Swizzle64B = 4,
  Swizzle32B = 6,
};

/// The fields of a shared-memory matrix descriptor. Byte values: the encoder
/// stores them >> 4 and rejects any that is not 16-byte aligned or does not
/// fit its 14-bit field.
struct SmemDescriptor {
  uint32_t startAddress = 0;
  /// K-major, no swizzle: bytes between core matrices adjacent in K.
  uint32_t leadingByteOffset = 0;
  /// Bytes between 8-row core-matrix groups adjacent in M/N.
  uint32_t strideByteOffset = 0;
  /// Bits 49-51: the pattern start offset for swizzled layouts (0..7).
  unsigned baseOffset = 0;
  /// Bit 52: leading byte offset absolute (true) or relative (false).
  bool lboAbsolute = false;
  SmemSwizzle swizzle = SmemSwizzle::None;
};

/// The 64-bit descriptor of `desc`, including the fixed version bits 46-48
/// (0b001) that tcgen05 requires, or an error naming the illegal field.
llvm::Expected<uint64_t> encodeSmemDescriptor(const SmemDescriptor &desc);

} // namespace mxnvvm

#endif // MX_TARGET_NVVM_TCGEN05DESCRIPTORS_H
