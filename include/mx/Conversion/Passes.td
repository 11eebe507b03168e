//===- Passes.td - MX conversion passes --------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_PASSES_TD
#define MX_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMXToLinalgPass : Pass<"convert-mx-to-linalg", "ModuleOp"> {
  let summary = "Lower MX ops to tensor/linalg/arith emulation, bit-exact";
  let description = [{
    Lowers every MX op to upstream dialects on tensors, bit-exact with the
    reference numerics library (docs/Numerics.md). A 1:N type conversion
    decomposes each `!mx.tensor` into its components:

    * the packed elements, `tensor<d0 x ... x (dn * bits / 8) x i8>`: FP4 two
      per byte (element 2i in the low nibble), FP6 a little-endian bit stream
      (four in three bytes), FP8/INT8 one byte;
    * the scale bytes, `tensor<(shape / block) x i8>`, row-major over the
      block grid;
    * the f32 tensor decode scale (`f32`), for formats that have one.

    Function signatures, calls, returns, branches and `scf` structural ops
    are converted too. Element and scale codecs and the block compositions
    (dequantize a value, choose a block scale, encode in a block, apply
    matmul block scales) come from the target-independent core in
    include/mx/Conversion/MXCommon (CodecEmitter, BlockEmitter, Packing),
    shared by the linalg and the vector patterns: integer arithmetic on the
    f32 bit pattern (no small-float `arith.truncf`/`extf`, no `arith-expand`
    expansions, no APFloat calls). `mx.matmul` and `mx.hadamard` keep the
    reference evaluation order.

    A tensor whose last dimension does not fill whole bytes (FP4: odd; FP6:
    not a multiple of 4) has no byte-aligned row layout and is rejected with
    a diagnostic.

    Example:

    ```mlir
    %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
    ```

    becomes `linalg.generic` ops that compute the block amax, the E8M0
    scales and the element codes, and pack them:

    ```mlir
    %elems  : tensor<4x32xi8>   // two E2M1 codes per byte
    %scales : tensor<4x2xi8>    // E8M0 codes
    ```

    With `vectorize`, `mx.matmul` with a block-scaled rhs, `mx.dequantize`,
    `mx.quantize` and `mx.convert` (blocks along the last dimension a
    multiple of the lanes, or 1) are instead lowered to `scf.for` loops over
    `vector.transfer_read`/`transfer_write` on tensors, along the last
    dimension, still bit-exact: each lane keeps the reference order (a
    matmul lane sums one output column's K block in increasing k, product
    then add, then scales it and accumulates blocks in increasing order).
    Shapes these patterns do not cover fall back to the linalg lowering.

    `target` chooses the CPU vector target (docs/Lowering.md): `avx512` (16
    f32 lanes; an FP4 rhs is decoded by a 16-entry product table
    `f32(a_k * value(code))` read with a dynamic `vector.extract` per lane,
    one `vpermps`/`vpermd` on AVX-512), `avx2` (8 lanes; the table's two
    8-entry halves read the same way, one `vpermps` ymm each with AVX2,
    picked by code bit 3), `generic` (4
    lanes; bit-arithmetic decode, no intrinsics), or `host` (the default:
    avx512 with avx512f, avx2 with avx2, else generic). With
    `table-lookup=false` FP4 operands use the bit arithmetic on any target.
  }];
  let options = [
    Option<"vectorize", "vectorize", "bool", /*default=*/"false",
           "Lower mx.matmul (block-scaled rhs), mx.dequantize and "
           "mx.quantize to vector loops where the shape allows">,
    Option<"tableLookup", "table-lookup", "bool", /*default=*/"true",
           "With vectorize: decode FP4 matmul operands with a per-row "
           "product table instead of bit arithmetic">,
    Option<"target", "target", "::mlir::mx::VectorTargetKind",
           /*default=*/"::mlir::mx::VectorTargetKind::Host",
           "With vectorize: the CPU vector target (lanes and FP4 lookup)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mx::VectorTargetKind::Host, "host",
                        "the host CPU's features"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX512, "avx512",
                        "16 lanes, FP4 table by per-lane dynamic extract"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX2, "avx2",
                        "8 lanes, FP4 table in two halves"),
             clEnumValN(::mlir::mx::VectorTargetKind::Generic, "generic",
                        "4 lanes, FP4 by bit arithmetic, no intrinsics"))}]>,
    Option<"prefetchDistance", "prefetch-distance", "int64_t",
           /*default=*/"4",
           "With vectorize: software-prefetch each weight row this many "
           "column chunks ahead (0: none)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // MX_CONVERSION_PASSES_TD
