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

#endif // MX_DIALECT_MX_MXPASSES_TD
