// Requests a format or shape cannot serve, whatever the chip.
// RUN: mx-opt %s -split-input-file -verify-diagnostics --convert-mx-to-gpu="chip=sm_120a path=native"

func.func @int8_native(%a: !mx.tensor<16x64xmxint8>, %w: !mx.tensor<64x8xmxint8, block = [32, 1]>) -> tensor<16x8xf32> {
  // expected-error @+1 {{path=native: no block-scaled mma.sync kind takes mxint8 x mxint8 with K blocks of 32}}
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxint8>, !mx.tensor<64x8xmxint8, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

func.func @untiled(%a: !mx.tensor<8x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]>) -> tensor<8x8xf32> {
  // expected-error @+1 {{path=native: the 8x8x64 matmul does not tile into m16n8k32 MMAs}}
  %c = mx.matmul %a, %w : !mx.tensor<8x64xmxfp8_e4m3>, !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]> -> tensor<8x8xf32>
  return %c : tensor<8x8xf32>
}

// -----

func.func @plain_lhs(%a: tensor<16x64xf32>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  // expected-error @+1 {{path=native cannot serve this matmul: the GPU kernels need both operands block-scaled}}
  %c = mx.matmul %a, %w : tensor<16x64xf32>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
