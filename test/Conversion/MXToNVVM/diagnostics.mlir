// Every request the chip or the format cannot serve is an error at the op,
// and every choice is a remark naming the path and why.
// RUN: mx-opt %s -split-input-file -verify-diagnostics --convert-mx-to-gpu="chip=sm_90a path=native"
// The other chips without the block-scaled mma.sync (sm_100a and sm_103a
// have tcgen05.mma instead, whose tiles this shape does not fit: tcgen05
// diagnostics are in diagnostics-tcgen05.mlir), and FP8 on sm_80:
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_120 path=native" 2>&1 | FileCheck %s --check-prefix=SM120
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_100a path=native" 2>&1 | FileCheck %s --check-prefix=SM100
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_80 path=native" 2>&1 | FileCheck %s --check-prefix=SM80
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_89 path=native" 2>&1 | FileCheck %s --check-prefix=SM89
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_103a path=native" 2>&1 | FileCheck %s --check-prefix=SM103
// RUN: not mx-opt %s -split-input-file --convert-mx-to-gpu="chip=sm_80 path=fp8" 2>&1 | FileCheck %s --check-prefix=SM80FP8

// SM120: [[@LINE+8]]:8: error: path=native: sm_120 lacks block-scaled mma.sync m16n8k64 kind::mxf4 scale_vec::2X ue8m0
// SM100: [[@LINE+7]]:8: error: path=native: the 32x16x128 matmul does not tile into 128 x (8..128) tiles with K in chunks of 128
// SM80: error: path=native: sm_80 lacks block-scaled mma.sync m16n8k64 kind::mxf4
// SM89: error: path=native: sm_89 lacks block-scaled mma.sync m16n8k64 kind::mxf4
// SM103: error: path=native: the 32x16x128 matmul does not tile into 128 x (8..128) tiles
// SM80FP8: error: path=fp8: sm_80 lacks FP8 mma.sync m16n8k32 per 32-element K block, block scales in f32 (capability 'mma-fp8-m16n8k32', docs/TargetCapabilities.md)
func.func @native_on_hopper(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  // expected-error @+1 {{path=native: sm_90a lacks block-scaled mma.sync m16n8k64 kind::mxf4 scale_vec::2X ue8m0 (capability 'mma-mxf4-2x-ue8m0', docs/TargetCapabilities.md)}}
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// SM120: error: path=native: sm_120 lacks block-scaled mma.sync m16n8k64 kind::mxf4nvf4 scale_vec::4X ue4m3
func.func @nvfp4_native_on_hopper(%a: !mx.tensor<32x128xnvfp4>, %w: !mx.tensor<128x16xnvfp4, block = [16, 1]>) -> tensor<32x16xf32> {
  // expected-error @+1 {{path=native: sm_90a lacks block-scaled mma.sync m16n8k64 kind::mxf4nvf4 scale_vec::4X ue4m3 (capability 'mma-mxf4nvf4-4x-ue4m3'}}
  %c = mx.matmul %a, %w : !mx.tensor<32x128xnvfp4>, !mx.tensor<128x16xnvfp4, block = [16, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// SM120: error: path=native: sm_120 lacks block-scaled mma.sync m16n8k32 kind::mxf8f6f4 scale_vec::1X ue8m0
func.func @mxfp8_native_on_hopper(%a: !mx.tensor<16x64xmxfp8_e4m3>, %w: !mx.tensor<64x8xmxfp6_e3m2, block = [32, 1]>) -> tensor<16x8xf32> {
  // expected-error @+1 {{path=native: sm_90a lacks block-scaled mma.sync m16n8k32 kind::mxf8f6f4 scale_vec::1X ue8m0 (capability 'mma-mxf8f6f4-1x-ue8m0'}}
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp8_e4m3>, !mx.tensor<64x8xmxfp6_e3m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
