// Datacenter Blackwell (tcgen05.mma block_scale): every combination no kind
// takes, and every shape the kernel does not tile, is an error at the op
// with path=native, before any kernel is built (so LLVM never sees it).
// RUN: mx-opt %s -split-input-file -verify-diagnostics --convert-mx-to-gpu="chip=sm_100a path=native"
// The same rules on the rest of the family:
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_110a path=native" 2>&1 | FileCheck %s --check-prefix=SM110
// A PTX version below the one tcgen05 block_scale needs (8.8; 9.0 on sm_110a):
// RUN: not mx-opt %S/Inputs/tcgen05.mlir --convert-mx-to-gpu="chip=sm_100a features=+ptx87" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not mx-opt %S/Inputs/tcgen05.mlir --convert-mx-to-gpu="chip=sm_110a features=+ptx88" 2>&1 | FileCheck %s --check-prefix=PTX110
// PTX: error: convert-mx-to-gpu: features '+ptx87' select PTX 8.7, but the chosen instructions need PTX 8.8 on sm_100a
// PTX110: error: convert-mx-to-gpu: features '+ptx88' select PTX 8.8, but the chosen instructions need PTX 9.0 on sm_110a

// SM110: error: path=native: no block-scaled tcgen05.mma kind takes mxint8 x mxint8 with K blocks of 32
func.func @int8(%a: !mx.tensor<128x128xmxint8>, %w: !mx.tensor<128x8xmxint8, block = [32, 1]>) -> tensor<128x8xf32> {
  // expected-error @+1 {{path=native: no block-scaled tcgen05.mma kind takes}}
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxint8>, !mx.tensor<128x8xmxint8, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

// -----

// Mixed scale kinds: UE4M3 with E8M0, both in blocks of 16.
func.func @nvfp4_e8m0(%a: !mx.tensor<128x128xnvfp4>, %w: !mx.tensor<128x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>, block = [16, 1]>) -> tensor<128x8xf32> {
  // expected-error @+1 {{path=native: no block-scaled tcgen05.mma kind takes}}
  %c = mx.matmul %a, %w : !mx.tensor<128x128xnvfp4>, !mx.tensor<128x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>, block = [16, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

// -----

// SM110: error: path=native: the 64x8x128 matmul does not tile
func.func @small_m(%a: !mx.tensor<64x128xmxfp4>, %w: !mx.tensor<128x8xmxfp4, block = [32, 1]>) -> tensor<64x8xf32> {
  // expected-error @+1 {{path=native: the 64x8x128 matmul does not tile into 128 x (8..128) tiles with K in chunks of 128 (M a multiple of 128, N of 8, K of 4 scale blocks)}}
  %c = mx.matmul %a, %w : !mx.tensor<64x128xmxfp4>, !mx.tensor<128x8xmxfp4, block = [32, 1]> -> tensor<64x8xf32>
  return %c : tensor<64x8xf32>
}

// -----

// K = 96 is not a whole 128x4 scale atom of 32-element blocks.
func.func @short_k(%a: !mx.tensor<128x96xmxfp8_e4m3>, %w: !mx.tensor<96x8xmxfp8_e4m3, block = [32, 1]>) -> tensor<128x8xf32> {
  // expected-error @+1 {{path=native: the 128x8x96 matmul does not tile into 128 x (8..128) tiles with K in chunks of 128}}
  %c = mx.matmul %a, %w : !mx.tensor<128x96xmxfp8_e4m3>, !mx.tensor<96x8xmxfp8_e4m3, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

// -----

// N = 12 is no multiple of 8.
func.func @odd_n(%a: !mx.tensor<128x64xnvfp4>, %w: !mx.tensor<64x12xnvfp4, block = [16, 1]>) -> tensor<128x12xf32> {
  // expected-error @+1 {{path=native: the 128x12x64 matmul does not tile}}
  %c = mx.matmul %a, %w : !mx.tensor<128x64xnvfp4>, !mx.tensor<64x12xnvfp4, block = [16, 1]> -> tensor<128x12xf32>
  return %c : tensor<128x12xf32>
}

// -----

// FP4 with E8M0 blocks of 16: kind::mxf4 has no .block16, and UE8M0 with
// kind::mxf4nvf4 .block16 is not an established combination.
func.func @fp4_e8m0_block16(%a: !mx.tensor<128x128x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>>, %w: !mx.tensor<128x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>, block = [16, 1]>) -> tensor<128x8xf32> {
  // expected-error @+1 {{path=native: no block-scaled tcgen05.mma kind takes}}
  %c = mx.matmul %a, %w : !mx.tensor<128x128x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>>, !mx.tensor<128x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 16>, block = [16, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}
