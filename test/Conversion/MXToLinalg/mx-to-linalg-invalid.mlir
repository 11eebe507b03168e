// RUN: mx-opt --convert-mx-to-linalg --split-input-file --verify-diagnostics %s

/// A packed FP4 row must fill whole bytes.
func.func @negative_odd_fp4_row(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'mx.quantize' op cannot be lowered to linalg: '!mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>': the last dimension (3) of an FP4 tensor must be even so that packed rows are byte aligned}}
  %q = mx.quantize %x : tensor<2x3xf32> -> !mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  // expected-error @+1 {{'mx.dequantize' op cannot be lowered to linalg}}
  %d = mx.dequantize %q : !mx.tensor<2x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

/// FP6 rows need a multiple of four elements (four codes in three bytes).
// expected-error @+1 {{'func.func' op cannot be lowered to linalg: '!mx.tensor<1x6x#mx.format<f6E3M2FN, f8E8M0FNU, block = 6>>': the last dimension (6) of an FP6 tensor must be a multiple of 4 so that packed rows are byte aligned}}
func.func @negative_fp6_row(%q: !mx.tensor<1x6x#mx.format<f6E3M2FN, f8E8M0FNU, block = 6>>) {
  return
}

// -----

/// Weights in the kernel layout (mx.kernel_layout) are read by the vectorized
/// integer dot only (kernel-layout-invalid.mlir has the vectorized cases).
func.func @kernel_layout_scalar(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  // expected-error @+1 {{weights in the kernel layout (mx.kernel_layout = @w_layout) need the vectorized lowering (convert-mx-to-linalg option vectorize); the scalar one reads packed rows}}
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}
