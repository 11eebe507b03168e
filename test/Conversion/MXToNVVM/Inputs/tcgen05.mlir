// One mx.matmul per block-scaled tcgen05.mma kind and tile width: MXFP4
// (mxf4, two 128-element K chunks, tile 128x128, two CTAs along M), NVFP4
// (mxf4nvf4 block16, tile 128x64), MXFP6 E2M3 and E3M2, MXFP8 E4M3 and E5M2
// (mxf8f6f4) and two mixed pairs (E4M3 x E2M1 with FP4 padded to 16 bytes,
// E3M2 x E5M2): the input of the ptxas-sm1{00a,00f,03a,10a}.mlir tests.

func.func @mm_mxfp4(%a: !mx.tensor<256x256xmxfp4>, %w: !mx.tensor<256x128xmxfp4, block = [32, 1]>) -> tensor<256x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<256x256xmxfp4>, !mx.tensor<256x128xmxfp4, block = [32, 1]> -> tensor<256x128xf32>
  return %c : tensor<256x128xf32>
}

func.func @mm_nvfp4(%a: !mx.tensor<128x64xnvfp4>, %w: !mx.tensor<64x64xnvfp4, block = [16, 1]>) -> tensor<128x64xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xnvfp4>, !mx.tensor<64x64xnvfp4, block = [16, 1]> -> tensor<128x64xf32>
  return %c : tensor<128x64xf32>
}

func.func @mm_mxfp6_e2m3(%a: !mx.tensor<128x128xmxfp6_e2m3>, %w: !mx.tensor<128x32xmxfp6_e2m3, block = [32, 1]>) -> tensor<128x32xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e2m3>, !mx.tensor<128x32xmxfp6_e2m3, block = [32, 1]> -> tensor<128x32xf32>
  return %c : tensor<128x32xf32>
}

func.func @mm_mxfp6_e3m2(%a: !mx.tensor<128x128xmxfp6_e3m2>, %w: !mx.tensor<128x16xmxfp6_e3m2, block = [32, 1]>) -> tensor<128x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e3m2>, !mx.tensor<128x16xmxfp6_e3m2, block = [32, 1]> -> tensor<128x16xf32>
  return %c : tensor<128x16xf32>
}

func.func @mm_mxfp8_e4m3(%a: !mx.tensor<128x128xmxfp8_e4m3>, %w: !mx.tensor<128x8xmxfp8_e4m3, block = [32, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp8_e4m3>, !mx.tensor<128x8xmxfp8_e4m3, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

func.func @mm_mxfp8_e5m2(%a: !mx.tensor<128x128xmxfp8_e5m2>, %w: !mx.tensor<128x24xmxfp8_e5m2, block = [32, 1]>) -> tensor<128x24xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp8_e5m2>, !mx.tensor<128x24xmxfp8_e5m2, block = [32, 1]> -> tensor<128x24xf32>
  return %c : tensor<128x24xf32>
}

func.func @mm_mxfp8_e4m3_mxfp4(%a: !mx.tensor<128x128xmxfp8_e4m3>, %w: !mx.tensor<128x32xmxfp4, block = [32, 1]>) -> tensor<128x32xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp8_e4m3>, !mx.tensor<128x32xmxfp4, block = [32, 1]> -> tensor<128x32xf32>
  return %c : tensor<128x32xf32>
}

func.func @mm_mxfp6_e3m2_mxfp8_e5m2(%a: !mx.tensor<128x128xmxfp6_e3m2>, %w: !mx.tensor<128x32xmxfp8_e5m2, block = [32, 1]>) -> tensor<128x32xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e3m2>, !mx.tensor<128x32xmxfp8_e5m2, block = [32, 1]> -> tensor<128x32xf32>
  return %c : tensor<128x32xf32>
}
