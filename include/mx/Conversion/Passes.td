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
    avx512 with avx512f, avx2 with avx2, else generic). `avx512-vnni` and
    `avx2-vnni` are those with VNNI's `vpdpbusd` (AVX512-VNNI with
    AVX512VL, or AVX-VNNI), which the integer-dot kernel then uses instead
    of `vpmaddubsw` + `vpmaddwd` + `vpaddd`; `host` picks them when the CPU
    has the feature. `avx512-vbmi` is `avx512-vnni` with AVX512-VBMI
    (`vpmultishiftqb`, `vpermi2b`), with which the integer-dot kernel
    decodes MXFP6 weights by byte tables (E3M2 through zmm `vpdpwssd`;
    without VBMI by `vpshufb` and, for E3M2, two byte dots) and the f32
    GEMV decodes FP8
    weights by two 128-entry byte tables (zmm `vpermi2b`) and FP6 weights
    by a 64-entry word table (zmm `vpermi2w`) instead of through f16;
    `host` picks it on such CPUs (Ice Lake, Zen 4 and later). FP4 operands
    read a per-row product table (on `avx2` the f32 GEMV decodes FP4
    weights by two byte tables, `vpshufb`, instead); with
    `table-lookup=false` they use the bit arithmetic on any target.

    `panels=P` (P > 1) makes the vector matmul's outermost loop an
    `scf.forall` over P panels of whole column chunks (the panel loop is
    outside the K-block loop; the ragged last columns follow serially), so
    each output column's operations and their order are unchanged: the
    panels can run on different threads (mx-cpu-pipeline{threads}).

    An `!mx.tensor` argument marked `mx.kernel_layout = @f` holds weights
    that the caller re-laid with `@f` (at load time): the integer-dot kernel
    reads it as it reads re-laid constant weights, and the pass defines `@f`
    (a declaration of it takes the body; else a public function is created)
    after the conversion. Any other use of such weights is an error, as is a
    matmul of them that does not take the integer dot (docs/Lowering.md,
    "Weights re-laid at load time").
  }];
  let options = [
    Option<"vectorize", "vectorize", "bool", /*default=*/"false",
           "Lower mx.matmul (block-scaled rhs), mx.dequantize and "
           "mx.quantize to vector loops where the shape allows">,
    Option<"tableLookup", "table-lookup", "bool", /*default=*/"true",
           "With vectorize: decode FP4 matmul operands with a per-row "
           "product table (AVX2 GEMV: byte tables) instead of bit "
           "arithmetic">,
    Option<"target", "target", "::mlir::mx::VectorTargetKind",
           /*default=*/"::mlir::mx::VectorTargetKind::Host",
           "With vectorize: the CPU vector target (lanes and FP4 lookup)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mx::VectorTargetKind::Host, "host",
                        "the host CPU's features"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX512, "avx512",
                        "16 lanes, FP4 table by per-lane dynamic extract"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX512VNNI,
                        "avx512-vnni",
                        "avx512, the integer dot through vpdpbusd"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX512VBMI,
                        "avx512-vbmi",
                        "avx512-vnni, FP6 (E2M3) weights in the integer dot "
                        "and FP8 and FP6 weights in the f32 GEMV through "
                        "byte and word tables (vpermi2b, vpermi2w)"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX2, "avx2",
                        "8 lanes, FP4 table in two halves"),
             clEnumValN(::mlir::mx::VectorTargetKind::AVX2VNNI, "avx2-vnni",
                        "avx2, the integer dot through VEX vpdpbusd"),
             clEnumValN(::mlir::mx::VectorTargetKind::Generic, "generic",
                        "4 lanes, FP4 by bit arithmetic, no intrinsics"))}]>,
    Option<"prefetchDistance", "prefetch-distance", "int64_t",
           /*default=*/"8",
           "With vectorize: software-prefetch each weight row this many "
           "column chunks ahead in the GEMV kernel, the weight codes "
           "64 K rows ahead in the batched kernel's first row tile, and "
           "tiled constant FP4 codes 8 times this many K rows ahead in the "
           "integer dot's word steps (0: none)">,
    Option<"panels", "panels", "int64_t", /*default=*/"1",
           "With vectorize: split a matmul's full column chunks into this "
           "many panels, one scf.forall iteration each (1: one scf.for nest, "
           "no scf.forall)">,
    Option<"integerDot", "integer-dot", "bool", /*default=*/"true",
           "With vectorize on an x86 target: MXINT8 x FP4 and FP6 matmuls "
           "through the integer-dot kernel (mx_x86 byte and word dots)">,
    Option<"fastSubnormals", "fast-subnormals", "bool", /*default=*/"false",
           "With vectorize: the CPU's f32 multiplies take subnormal inputs "
           "at full speed (AMD Zen; target=host sets it on such a CPU), so "
           "AVX2's f32 GEMV decodes E4M3 weights by bits (Intel CPUs take "
           "a microcode assist per subnormal code there)">,
    Option<"tileConstantWeights", "tile-constant-weights", "bool",
           /*default=*/"true",
           "With vectorize: the integer-dot kernel reads constant weights "
           "re-laid at compile time, each 64-column chunk's K rows and "
           "block scales contiguous, in column-chunk order (false: the "
           "packed rows, as for weights passed in)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::mx::x86::MXX86Dialect",
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

def ConvertMXToGPUPass : Pass<"convert-mx-to-gpu", "ModuleOp"> {
  let summary = "Lower mx.matmul, mx.quantize and mx.dequantize to NVIDIA GPU "
                "kernels";
  let description = [{
    Outlines `mx.matmul` (rank 2, static shapes, both operands block-scaled),
    `mx.quantize` and `mx.dequantize` into kernels of a `gpu.module
    @mx_kernels` carrying `#nvvm.target<chip = ...>`, launched from the host
    function with `gpu.launch_func`. The kernels read and write the component
    buffers of the CPU lowering (packed elements, scale bytes, f32 tensor
    scale), reached from tensors with `bufferization.to_buffer`, so the host
    side bufferizes with upstream's one-shot bufferization. Every other MX op
    is lowered on the host exactly as `convert-mx-to-linalg` does.

    The matmul path is chosen per op from the chip's capability table
    (docs/TargetCapabilities.md) and named in a remark:

    * `native`: block-scaled `mma.sync` (`nvvm.mma.block_scale`) on
      sm_120a/sm_121a/sm_120f: `mxf4` 2X for MXFP4, `mxf4nvf4` 4X UE4M3 for
      NVFP4, `mxf8f6f4` 1X for MXFP6/MXFP8 and mixed pairs;
    * `fp8`: every element re-encoded exactly as E4M3 (E5M2 kept), one
      `mma.sync m16n8k32` per 32-element K block, block scales applied to the
      block's f32 partial sums (sm_89 and later);
    * `bf16`: elements decoded exactly to BF16, `mma.sync m16n8k16`, block
      scales on the f32 partial sums (sm_80 and later);
    * `gemv`: one thread per output in the reference order, bit-exact; for
      M <= `gemv-max-m` and for shapes the MMA tiles do not cover.

    A forced `path` the chip or format cannot serve is an error with the
    op's location. Quantization whose scale needs a whole-tensor amax (NVFP4
    without a calibrated tensor scale) and stochastic rounding stay on the
    host, with a remark. No NVVM op is emitted unless the capability table
    says the chip has it: LLVM 22 aborts on the others.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "The NVIDIA chip, e.g. sm_80, sm_89, sm_90a, sm_120a">,
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "PTX features of the #nvvm.target (e.g. +ptx88); empty: the "
           "lowest PTX version every emitted instruction needs">,
    Option<"path", "path", "::mlir::mx::GPUMatmulPath",
           /*default=*/"::mlir::mx::GPUMatmulPath::Auto",
           "The mx.matmul path",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mx::GPUMatmulPath::Auto, "auto",
                        "the cheapest legal path"),
             clEnumValN(::mlir::mx::GPUMatmulPath::Native, "native",
                        "block-scaled mma.sync"),
             clEnumValN(::mlir::mx::GPUMatmulPath::FP8, "fp8",
                        "FP8 mma.sync m16n8k32, scales in f32"),
             clEnumValN(::mlir::mx::GPUMatmulPath::BF16, "bf16",
                        "BF16 mma.sync m16n8k16, scales in f32"),
             clEnumValN(::mlir::mx::GPUMatmulPath::GEMV, "gemv",
                        "one thread per output, reference order"))}]>,
    Option<"gemvMaxM", "gemv-max-m", "int64_t", /*default=*/"8",
           "With path=auto: matmuls with at most this many rows use the gemv "
           "kernel">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ConvertMXX86ToLLVMPass : Pass<"convert-mx-x86-to-llvm"> {
  let summary = "Lower mx_x86 byte ops to their LLVM intrinsics";
  let description = [{
    Replaces each `mx_x86` op by an `llvm.call_intrinsic` of its AVX2
    intrinsic (`llvm.x86.avx2.pshuf.b`, `llvm.x86.avx2.pmadd.ub.sw`,
    `llvm.x86.avx2.pmadd.wd`), operands and results unchanged. Run after
    bufferization (mx-cpu-pipeline does); the result only compiles for a
    machine with AVX2, which is why only x86 vector targets emit the ops.

    ```mlir
    %r = mx_x86.pshufb %t, %i : vector<32xi8>
    // becomes
    %r = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%t, %i)
           : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // MX_CONVERSION_PASSES_TD
