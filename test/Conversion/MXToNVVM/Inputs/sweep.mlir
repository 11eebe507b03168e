// One op per kind of instruction the NVVM lowering can emit: each native
// block-scaled flavour (mxf4 2X, mxf4nvf4 4X, mxf8f6f4 1X), FP8 with an E5M2
// operand, BF16 (MXINT8), gemv, quantize (NVFP4 calibrated) and dequantize,
// and the three tcgen05.mma kinds in the 128-row tiles of the datacenter
// Blackwell kernel (tc_*; mma.sync or emulation on the other chips): the
// input of the sweep-*.mlir tests.

func.func @mxfp4(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @nvfp4(%a: !mx.tensor<16x64xnvfp4>, %w: !mx.tensor<64x8xnvfp4, block = [16, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xnvfp4>, !mx.tensor<64x8xnvfp4, block = [16, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @mixed(%a: !mx.tensor<16x32xmxfp6_e3m2>, %w: !mx.tensor<32x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x32xmxfp6_e3m2>, !mx.tensor<32x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @int8(%a: !mx.tensor<16x32xmxint8>, %w: !mx.tensor<32x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x32xmxint8>, !mx.tensor<32x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

func.func @gemv(%a: !mx.tensor<1x32xmxfp8_e4m3>, %w: !mx.tensor<32x8xmxfp6_e2m3, block = [32, 1]>) -> tensor<1x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x32xmxfp8_e4m3>, !mx.tensor<32x8xmxfp6_e2m3, block = [32, 1]> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

func.func @quantize(%x: tensor<2x32xf32>, %s: f32) -> !mx.tensor<2x32xnvfp4> {
  %n = mx.quantize %x tensor_scale(%s) : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  return %n : !mx.tensor<2x32xnvfp4>
}

func.func @dequantize(%q: !mx.tensor<2x32xmxfp6_e3m2>) -> tensor<2x32xf32> {
  %d = mx.dequantize %q : !mx.tensor<2x32xmxfp6_e3m2> -> tensor<2x32xf32>
  return %d : tensor<2x32xf32>
}

func.func @tc_mxfp4(%a: !mx.tensor<128x128xmxfp4>, %w: !mx.tensor<128x8xmxfp4, block = [32, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp4>, !mx.tensor<128x8xmxfp4, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

func.func @tc_nvfp4(%a: !mx.tensor<128x64xnvfp4>, %w: !mx.tensor<64x8xnvfp4, block = [16, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xnvfp4>, !mx.tensor<64x8xnvfp4, block = [16, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

func.func @tc_mixed(%a: !mx.tensor<128x128xmxfp6_e3m2>, %w: !mx.tensor<128x8xmxfp4, block = [32, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e3m2>, !mx.tensor<128x8xmxfp4, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}
