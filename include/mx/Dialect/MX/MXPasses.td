//===- MXPasses.td - MX dialect passes ---------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXPASSES_TD
#define MX_DIALECT_MX_MXPASSES_TD

include "mlir/Pass/PassBase.td"

def StripQuantizationPass : Pass<"mx-strip-quantization"> {
  let summary = "Remove quantization: compute the same program in f32";
  let description = [{
    Builds the f32 baseline of an MX program, against which its
    quantization error is measured (`mx-run --compare-f32`):

    * `mx.dequantize` of a chain `mx.quantize` → `mx.convert`* is replaced
      by the f32 tensor that was quantized (for an f16/bf16 result, that
      tensor rounded with `arith.truncf`);
    * each block-scaled `mx.matmul` operand is replaced by the f32 tensor it
      was quantized from, so the matmul runs on plain f32 operands.

    A block-scaled value with no f32 source (an `mx.constant` written in
    components, a function argument, `mx.pack`) enters a matmul through its
    decoded value (`mx.dequantize`), as it has no more precise form.
    Quantizations left without users are erased; any other use of a
    block-scaled value (`mx.unpack`, returns, calls) is kept unchanged.

    ```mlir
    %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
    %w = mx.quantize %c : tensor<64x32xf32> -> !mx.tensor<64x32xmxfp4, block = [32, 1]>
    %y = mx.matmul %q, %w : ... -> tensor<4x32xf32>
    ```

    becomes

    ```mlir
    %y = mx.matmul %x, %c : tensor<4x64xf32>, tensor<64x32xf32> -> tensor<4x32xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def SelectFormatsPass : Pass<"mx-select-formats", "::mlir::ModuleOp"> {
  let summary = "Choose a format per quantizable operand under a budget";
  let description = [{
    Chooses, for every weight operand of every contraction the contraction
    matcher recognises (and, with `select-activations=true`, every
    activation operand), one format among the candidates, and writes the
    choice as an `mx.policy` on the contraction (`lhs =` / `rhs =`,
    `weight_block = [16, 16]` for `nvfp4_16x16`), which `mx-apply-policy`
    then carries out:

    ```
    mx-opt IN --mx-select-formats="avg-bits=4.5 report=r.json" --mx-apply-policy
    ```

    The error of a candidate is exact: the reference library quantizes the
    real constant weights in the lowering's orientation and blocks (along
    K), and the relative MSE sum(e^2)/sum(x^2) is measured in double;
    activations read the same sums from a calibration file written by
    `mx-run --calibrate`. The storage cost is a whole number of bits per
    tensor, scales included. `avg-bits` minimises the total error with the
    average bits per element at most B (a multiple-choice knapsack solved
    exactly); `min-sqnr` keeps every operand at or above the floor (alone:
    the fewest bits; with `avg-bits`: the least error among those). One
    remark per decision, and an optional JSON report. See
    docs/FormatSelection.md.
  }];
  let options = [
    Option<"avgBits", "avg-bits", "std::string", /*default=*/"\"\"",
           "Budget: average storage bits per element over the selected "
           "operands, scales included (a decimal, e.g. 4.5)">,
    Option<"minSqnr", "min-sqnr", "std::string", /*default=*/"\"\"",
           "Floor on every selected operand's SQNR in dB">,
    ListOption<"candidates", "candidates", "std::string",
               "Candidate formats (default: the MX and NVFP4 presets)">,
    Option<"objective", "objective", "std::string", /*default=*/"\"rel-mse\"",
           "Error model: rel-mse (sum of relative MSE) or sensitivity "
           "(weighted by measured output sensitivity; needs calibration)">,
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration file written by mx-run --calibrate">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write the decisions as JSON to this file">,
    Option<"selectActivations", "select-activations", "bool",
           /*default=*/"false",
           "Also choose formats for activation operands (needs calibration)">,
    ListOption<"scaleModes", "scale-modes", "std::string",
               "Recipe: also offer each E8M0 candidate with these scale "
               "modes (floor, rceil, ceil, even), written as the op's "
               "scale_mode">,
    Option<"hadamard", "hadamard", "int64_t", /*default=*/"0",
           "Recipe: also offer each block candidate on weights rotated "
           "along K by a Hadamard transform of this size (16, 32, 64, 128), "
           "written as the op's hadamard field (0: off)">
  ];
  let dependentDialects = ["::mlir::mx::MXDialect"];
}

def ApplyPolicyPass : Pass<"mx-apply-policy", "::mlir::ModuleOp"> {
  let summary = "Rewrite contractions into mx.quantize + mx.matmul per #mx.policy";
  let description = [{
    The consumer of `#mx.policy` (docs/Policies.md). Every contraction
    `mx::matchContraction` recognises (`linalg.matmul`, `batch_matmul`,
    `matvec`, `vecmat`, their indexing-map variants, contraction-shaped
    `linalg.generic`s) is rewritten per its effective policy into
    `mx.quantize` + `mx.matmul`, keeping the original result type:

    * operands are viewed as [batch..., M, K] x [batch..., K, N]; blocks run
      along K for both (a weight's block is `weight_block`, default
      `[format block, 1]`); when both are block-scaled the activation's K
      block is set to the weight's (rule M6) and a remark says so;
    * weights (constants, incl. `dense_resource` blobs, through a
      transpose/collapse/expand chain) are folded at compile time into an
      `mx.constant` (`bf16`: a bf16 constant + `arith.extf`); activations and
      `mx.weight` arguments are quantized at run time;
    * `hadamard = N` rotates K: weights at compile time, activations with
      `mx.hadamard`;
    * a zero-filled init is dropped, any other init is added back.

    Each rewrite emits a remark naming the formats and blocks; a
    contraction that cannot be rewritten gets a remark saying why and is
    left as it is.

    ```mlir
    %wt = linalg.transpose ins(%w : tensor<64x32xf32>) outs(%e : tensor<32x64xf32>) permutation = [1, 0]
    %y = linalg.matmul ins(%x, %wt : tensor<4x32xf32>, tensor<32x64xf32>) outs(%z : tensor<4x64xf32>) -> tensor<4x64xf32>
    ```

    with `--mx-apply-policy="weights=mxfp4"` becomes

    ```mlir
    %c = mx.constant elements(...) scales(...) : !mx.tensor<32x64xmxfp4, block = [32, 1]>
    %y = mx.matmul %x, %c : tensor<4x32xf32>, !mx.tensor<32x64xmxfp4, block = [32, 1]> -> tensor<4x64xf32>
    ```
  }];
  let options = [
    Option<"weights", "weights", "std::string", /*default=*/"\"\"",
           "Default weight format (a preset, none or bf16) where no policy "
           "sets one">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"none\"",
           "Default activation format where no policy sets one (none = "
           "weight-only quantization)">,
    Option<"policyFile", "policy-file", "std::string", /*default=*/"\"\"",
           "JSON rule file matching ops to policies (docs/Policies.md)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::mx::MXDialect"
  ];
}

def OutlineKernelsPass : Pass<"mx-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Outline MX compute ops into private functions, one per distinct op";
  let description = [{
    Moves each `mx.quantize`, `mx.convert`, `mx.dequantize`, `mx.matmul`
    and `mx.hadamard` of the module's functions into a private `func.func`
    and calls it. Ops that differ only in their operands (the same name,
    attributes, operand and result types) share one function, so a model
    whose layers repeat a few shapes lowers a few kernels, however many
    layers it has; the CPU pipeline runs this first (`mx-cpu-pipeline`
    option `outline-kernels`), as `convert-mx-to-gpu` shares equal GPU
    kernels. Each call computes what the op did (the function's body is
    the op), so results are unchanged.

    One operand stays in the kernel: a constant weight (`mx.constant`) of
    an `mx.matmul` that the CPU lowering's integer dot may compute (INT8
    activations with block scales; E2M1, E2M3 or E3M2 weights). The
    lowering re-lays such a constant for the kernel
    (`convert-mx-to-linalg` option `tile-constant-weights`). Its value is
    part of the kernel's identity: matmuls of one constant share a kernel,
    and each other constant has its own.
    Weights passed in the kernel's layout (`mx.kernel_layout`) keep that
    mark on the kernel's argument, which is part of its identity too.

    ```mlir
    %a = mx.matmul %x, %w0 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4> -> tensor<1x32xf32>
    %b = mx.matmul %a, %w1 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4> -> tensor<1x32xf32>
    ```

    becomes two `func.call @mx_matmul(...)` of

    ```mlir
    func.func private @mx_matmul(%arg0: tensor<1x32xf32>, %arg1: !mx.tensor<32x32xmxfp4>) -> tensor<1x32xf32> {
      %0 = mx.matmul %arg0, %arg1 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4> -> tensor<1x32xf32>
      return %0 : tensor<1x32xf32>
    }
    ```

    Functions inside nested modules (e.g. `gpu.module`) are left alone.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // MX_DIALECT_MX_MXPASSES_TD
