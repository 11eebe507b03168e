//===- VectorTarget.h - CPU vector targets of the MX lowering ---*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The only target-specific choices of the vectorized CPU lowering: how many
// f32 lanes a vector has and how an FP4 matmul operand is decoded
// (docs/Lowering.md, "Vector targets"). Everything else is target
// independent (include/mx/Conversion/MXCommon).
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_MXTOLINALG_VECTORTARGET_H
#define MX_CONVERSION_MXTOLINALG_VECTORTARGET_H

#include <cstdint>

namespace mlir {
namespace mx {

/// The `target` option of convert-mx-to-linalg and mx-cpu-pipeline.
enum class VectorTargetKind {
  Host,       ///< derived from the host CPU's features
  AVX512,     ///< 16 lanes, FP4 table by per-lane dynamic extract (vpermps zmm)
  AVX512VNNI, ///< AVX512 plus AVX512-VNNI (vpdpbusd) in the integer dot
  AVX512VBMI, ///< AVX512VNNI plus AVX512-VBMI: FP6 decoded by byte tables
  AVX2,       ///< 8 lanes, FP4 table in two halves (two vpermps ymm)
  AVX2VNNI,   ///< AVX2 plus AVX-VNNI (VEX vpdpbusd) in the integer dot
  Generic,    ///< 4 lanes (SSE/NEON sized), FP4 by bit arithmetic
};

/// How an FP4 matmul operand reads f32(a * value(code)) for its codes.
enum class FP4LookupStrategy {
  None,           ///< decode every code by bit arithmetic, then multiply
  DynamicExtract, ///< one 16-entry table, a dynamic vector.extract per lane
  HalfTables,     ///< 8-entry halves read by dynamic extracts, picked by
                  ///< code bit 3 (two vpermps ymm with AVX2)
                  ///< (8 lanes only; other widths read by extracts)
};

struct VectorTarget {
  /// f32 lanes per vector; shapes whose packing does not fit (FP6 needs a
  /// multiple of 4) keep the linalg lowering.
  int64_t lanes = 16;
  FP4LookupStrategy lookup = FP4LookupStrategy::DynamicExtract;
  /// Architectural vector registers (32 zmm with AVX-512, 16 ymm with AVX2,
  /// 16 xmm for SSE-sized code): what a register-blocked kernel tiles to.
  int64_t registers = 32;
  /// x86 byte dot products (AVX2's vpshufb, vpmaddubsw, vpmaddwd on 256
  /// bits): MXINT8 x FP4 matmuls take the integer-dot kernel
  /// (docs/Lowering.md, "Integer-dot GEMV"). Only x86 targets, whose
  /// machines all have AVX2, set it; LLVM cannot select these intrinsics
  /// elsewhere.
  bool byteDot = false;
  /// With byteDot: one vpdpbusd (AVX512-VNNI with AVX512VL, or AVX-VNNI)
  /// multiplies four byte pairs and adds them to an i32 accumulator, where
  /// plain AVX2 needs vpmaddubsw, vpmaddwd and vpaddd.
  bool dotAccumulate = false;
  /// f16 vectors convert to f32 in hardware (x86 F16C, which every AVX2
  /// machine has): E4M3/E5M2 weights decode through f16
  /// (CodecEmitter::decodeFP8ViaHalf) in the vector matmul kernels.
  bool halfConvert = false;
  /// With byteDot: AVX512-VBMI with AVX512VL (vpmultishiftqb, vpermi2b on
  /// 256 bits) unpacks and decodes FP6 codes to bytes, three instructions
  /// per 32 codes (without it, MXINT8 x E2M3 matmuls decode them by word
  /// shifts and vpshufb), and MXINT8 x E3M2 matmuls take the word dot (with
  /// dotAccumulate at 16 lanes; else two byte dots).
  /// At 16 lanes the f32 GEMV also decodes FP8 weights by two 128-entry
  /// byte tables (vpermi2b on 512 bits) and FP6 weights by a 64-entry word
  /// table (vpermi2w) instead of through f16.
  bool byteTable64 = false;
  /// f32 multiplies and fused multiply-adds take subnormal inputs at full
  /// speed (AMD Zen); Intel cores take a microcode assist on each such
  /// instruction (docs/Benchmarks.md, "FP8 weights by bits on Intel"). With
  /// halfConvert at 8 lanes the f32 GEMV then decodes E4M3 weights by bits,
  /// whose subnormal codes become f32 subnormals (docs/Lowering.md, "FP8
  /// weights by bits"). Only the host's description sets it by itself.
  bool fastSubnormalInputs = false;

  /// The description of `kind` (Host resolved by detectHost, with
  /// fastSubnormalInputs from hostHasFastSubnormalInputs).
  static VectorTarget get(VectorTargetKind kind);
  /// AVX512 with avx512f (AVX512VNNI when avx512vnni and avx512vl too,
  /// AVX512VBMI when avx512vbmi as well), AVX2 with avx2 (AVX2VNNI when
  /// avxvnni too), Generic otherwise.
  static VectorTargetKind detectHost();
  /// Whether the host is a CPU known to take f32 subnormal inputs at full
  /// speed: an AMD Zen (LLVM's host CPU name znver*).
  static bool hostHasFastSubnormalInputs();
};

} // namespace mx
} // namespace mlir

#endif // MX_CONVERSION_MXTOLINALG_VECTORTARGET_H
