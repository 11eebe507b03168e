// Weights in the kernel layout (mx.kernel_layout, docs/Lowering.md "Weights
// re-laid at load time") never reach code that reads packed rows, and the
// layout function is the lowering's to define.
// RUN: mx-opt --convert-mx-to-linalg="vectorize target=avx2" --split-input-file --verify-diagnostics %s

/// Only mx.matmul's rhs reads the layout.
func.func @not_a_matmul(%w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<64x64xf32> {
  // expected-error @+1 {{weights in the kernel layout (argument #0 of @not_a_matmul, mx.kernel_layout = @w_layout) may only be the rhs of mx.matmul or passed to an argument of the same layout}}
  %d = mx.dequantize %w : !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<64x64xf32>
  return %d : tensor<64x64xf32>
}

// -----

/// A caller passes weights in that layout: made by its function, or its own
/// argument of the same layout.
func.func private @w_layout(!mx.tensor<64x64xmxfp4, block = [32, 1]>) -> !mx.tensor<64x64xmxfp4, block = [32, 1]>
func.func @gemv(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}
func.func @caller(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]>, %l: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %laid = call @w_layout(%w) : (!mx.tensor<64x64xmxfp4, block = [32, 1]>) -> !mx.tensor<64x64xmxfp4, block = [32, 1]>
  %a = call @gemv(%x, %laid) : (!mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
  %b = call @gemv(%x, %l) : (!mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
  // expected-error @+1 {{operand #1 must be in the kernel layout @w_layout (a result of a call of @w_layout or an argument with mx.kernel_layout = @w_layout), as @gemv reads it}}
  %c = call @gemv(%x, %w) : (!mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
  return %a, %b, %c : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}

// -----

/// f32 activations: not the integer dot, which alone reads the layout.
func.func @f32_activations(%x: tensor<1x64xf32>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  // expected-error @+1 {{weights in the kernel layout (mx.kernel_layout = @w_layout) need the integer-dot kernel, which this mx.matmul does not take: INT8 activations with E8M0 block scales, E2M1, E2M3 or E3M2 weights in K blocks of a multiple of 4 up to 256 and column blocks that divide 64, and N a multiple of 64, on an x86 target}}
  %c = mx.matmul %x, %w : tensor<1x64xf32>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}

// -----

/// N not a multiple of 64: no integer dot either.
func.func @narrow(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x32xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x32xf32> {
  // expected-error @+1 {{need the integer-dot kernel}}
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  return %c : tensor<1x32xf32>
}

// -----

/// The lowering defines the layout function; a definition of that symbol is
/// an error.
// expected-error @+1 {{@w_layout is defined here, but mx.kernel_layout names a function that the lowering defines (declare it or leave it out)}}
func.func @w_layout(%w: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> !mx.tensor<64x64xmxfp4, block = [32, 1]> {
  return %w : !mx.tensor<64x64xmxfp4, block = [32, 1]>
}
func.func @gemv(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}

// -----

/// A declaration of it takes and returns the weights' type.
// expected-error @+1 {{@w_layout is declared as the layout function of '!mx.tensor<64x64xmxfp4, block = [32, 1]>' (mx.kernel_layout), which takes and returns that type}}
func.func private @w_layout(!mx.tensor<64x128xmxfp4, block = [32, 1]>) -> !mx.tensor<64x128xmxfp4, block = [32, 1]>
func.func @gemv(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}

// -----

/// One symbol, one layout: weights of two types cannot share it.
func.func @two_types(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}, %v: !mx.tensor<64x128xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> (tensor<1x64xf32>, tensor<1x128xf32>) {
  %a = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  // expected-error @+1 {{mx.kernel_layout @w_layout names the layout of '!mx.tensor<64x64xmxfp4, block = [32, 1]>' already; these weights are '!mx.tensor<64x128xmxfp4, block = [32, 1]>'}}
  %b = mx.matmul %x, %v : !mx.tensor<1x64xmxint8>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<1x128xf32>
  return %a, %b : tensor<1x64xf32>, tensor<1x128xf32>
}

// -----

/// The symbol names a function.
func.func @not_a_function(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @table}) -> tensor<1x64xf32> {
  // expected-error @+1 {{mx.kernel_layout @table names a symbol that is not a function}}
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}
memref.global "private" constant @table : memref<4xi8> = dense<0>

// -----

/// A declared layout function that no matmul of the module reads weights
/// through cannot be defined (it would stay unresolved).
// expected-error @+1 {{@w_layout is declared as a layout function (mx.kernel_layout), but no mx.matmul of this module reads weights in its layout, so the lowering cannot define it}}
func.func private @w_layout(!mx.tensor<64x64xmxfp4, block = [32, 1]>) -> !mx.tensor<64x64xmxfp4, block = [32, 1]>
func.func @unused(%x: tensor<1x64xf32>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  return %x : tensor<1x64xf32>
}
