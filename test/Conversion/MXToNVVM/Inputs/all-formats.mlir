// Every format and mixed pair of mx.matmul (16x64x8: one tile, one or two
// K steps), a gemv, quantize (MXFP6, NVFP4 calibrated) and dequantize: the
// input of the ptxas-*.mlir tests.

func.func @mm_mxfp4_mxfp4(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_nvfp4_nvfp4(%a: !mx.tensor<16x64xnvfp4>, %w: !mx.tensor<64x8xnvfp4, block = [16, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xnvfp4>, !mx.tensor<64x8xnvfp4, block = [16, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp6_e2m3_mxfp6_e2m3(%a: !mx.tensor<16x64xmxfp6_e2m3>, %w: !mx.tensor<64x8xmxfp6_e2m3, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e2m3>, !mx.tensor<64x8xmxfp6_e2m3, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp6_e3m2_mxfp6_e3m2(%a: !mx.tensor<16x64xmxfp6_e3m2>, %w: !mx.tensor<64x8xmxfp6_e3m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e3m2>, !mx.tensor<64x8xmxfp6_e3m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp8_e4m3_mxfp8_e4m3(%a: !mx.tensor<16x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp8_e5m2_mxfp8_e5m2(%a: !mx.tensor<16x64xmxfp8_e5m2>, %w: !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp8_e5m2>, !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxint8_mxint8(%a: !mx.tensor<16x64xmxint8>, %w: !mx.tensor<64x8xmxint8, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxint8>, !mx.tensor<64x8xmxint8, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp8_e4m3_mxfp4(%a: !mx.tensor<16x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mm_mxfp6_e3m2_mxfp8_e5m2(%a: !mx.tensor<16x64xmxfp6_e3m2>, %w: !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e3m2>, !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @gemv(%a: !mx.tensor<1x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<1x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x64xmxfp8_e4m3>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}
func.func @quantize(%x: tensor<4x64xf32>, %s: f32) -> (!mx.tensor<4x64xmxfp6_e2m3>, !mx.tensor<4x64xnvfp4>) {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  %n = mx.quantize %x tensor_scale(%s) : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4>
  return %q, %n : !mx.tensor<4x64xmxfp6_e2m3>, !mx.tensor<4x64xnvfp4>
}
func.func @dequantize(%q: !mx.tensor<4x64xmxfp4>) -> tensor<4x64xf16> {
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf16>
  return %d : tensor<4x64xf16>
}
