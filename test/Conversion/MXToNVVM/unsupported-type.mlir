// RUN: mx-opt --convert-mx-to-gpu="chip=sm_100a" --split-input-file --verify-diagnostics %s

/// A type without a component form is diagnosed before any kernel is
/// chosen, with the same reason as on the CPU (mx-to-linalg-invalid.mlir).
func.func @odd_fp4_row(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mx.quantize' op cannot be lowered: '!mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>': the last dimension (3) of an FP4 tensor must be even so that packed rows are byte aligned}}
  %q = mx.quantize %x : tensor<2x3xf32> -> !mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  // expected-error @+1 {{'mx.dequantize' op cannot be lowered}}
  %d = mx.dequantize %q : !mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

/// Weights in the CPU integer dot's layout (mx.kernel_layout) are not packed
/// rows, which the GPU kernels read.
// expected-error @+1 {{argument #1 is in the CPU kernel layout (mx.kernel_layout); convert-mx-to-gpu reads weights as packed rows}}
func.func @kernel_layout(%x: !mx.tensor<32x64xmxfp8_e4m3>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<32x64xf32> {
  %c = mx.matmul %x, %w : !mx.tensor<32x64xmxfp8_e4m3>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<32x64xf32>
  return %c : tensor<32x64xf32>
}
