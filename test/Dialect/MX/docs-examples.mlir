// RUN: mx-opt %s --canonicalize --split-input-file | FileCheck %s
// The "every preset on the same block" table of docs/Dialect.md, checked.

// -----

// CHECK-LABEL: func.func @preset_f4E2M1FN
// CHECK-NEXT: mx.constant packed(dense<"0x00701880"> : tensor<4xi8>) scales(dense<2.560000e+02> : tensor<1x1xf8E8M0FNU>)
func.func @preset_f4E2M1FN() -> !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
}

// -----

// CHECK-LABEL: func.func @preset_f6E2M3FN
// CHECK-NEXT: mx.constant packed(dense<"0x000078E00080"> : tensor<6xi8>) scales(dense<2.560000e+02> : tensor<1x1xf8E8M0FNU>)
func.func @preset_f6E2M3FN() -> !mx.tensor<1x8x#mx.format<f6E2M3FN, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f6E2M3FN, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f6E2M3FN, f8E8M0FNU, block = 8>>
}

// -----

// CHECK-LABEL: func.func @preset_f6E3M2FN
// CHECK-NEXT: mx.constant packed(dense<"0x00107CA20380"> : tensor<6xi8>) scales(dense<6.400000e+01> : tensor<1x1xf8E8M0FNU>)
func.func @preset_f6E3M2FN() -> !mx.tensor<1x8x#mx.format<f6E3M2FN, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f6E3M2FN, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f6E3M2FN, f8E8M0FNU, block = 8>>
}

// -----

// CHECK-LABEL: func.func @preset_f8E4M3FN
// CHECK-NEXT: mx.constant packed(dense<"0x2830347EBE5C0D80"> : tensor<8xi8>) scales(dense<4.000000e+00> : tensor<1x1xf8E8M0FNU>)
func.func @preset_f8E4M3FN() -> !mx.tensor<1x8x#mx.format<f8E4M3FN, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f8E4M3FN, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f8E4M3FN, f8E8M0FNU, block = 8>>
}

// -----

// CHECK-LABEL: func.func @preset_f8E5M2
// CHECK-NEXT: mx.constant packed(dense<"0x5054567BDB6A4280"> : tensor<8xi8>) scales(dense<3.125000e-02> : tensor<1x1xf8E8M0FNU>)
func.func @preset_f8E5M2() -> !mx.tensor<1x8x#mx.format<f8E5M2, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f8E5M2, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f8E5M2, f8E8M0FNU, block = 8>>
}

// -----

// CHECK-LABEL: func.func @preset_i8
// CHECK-NEXT: mx.constant packed(dense<"0x0000007000060000"> : tensor<8xi8>) scales(dense<1.024000e+03> : tensor<1x1xf8E8M0FNU>)
func.func @preset_i8() -> !mx.tensor<1x8x#mx.format<i8, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<i8, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<i8, f8E8M0FNU, block = 8>>
}

// -----

// The NVFP4 example: calibrated S_dec = 0.5.
// CHECK-LABEL: func.func @nvfp4_calibrated
// CHECK-NEXT: mx.constant packed(dense<"0x470A"> : tensor<2xi8>) scales(dense<2.000000e+00> : tensor<1x1xf8E4M3FN>) tensor_scale(5.000000e-01)
func.func @nvfp4_calibrated() -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>> {
  %x = arith.constant dense<[[6.0, 2.5, -0.75, 0.25]]> : tensor<1x4xf32>
  %s = arith.constant 0.5 : f32
  %q = mx.quantize %x tensor_scale(%s)
      : tensor<1x4xf32> -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
  return %q : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
}

// -----

// The mixed-format program verifies as written.
// CHECK-LABEL: func.func @mlp
// CHECK-COUNT-2: mx.matmul
module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3>} {
  func.func @mlp(%x: tensor<4x64xf32>, %w1: tensor<64x64xf32> {mx.weight},
                 %w2: tensor<64x32xf32> {mx.weight}) -> tensor<4x32xf32> {
    %xq = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
    %w1q = mx.quantize %w1 : tensor<64x64xf32> -> !mx.tensor<64x64xmxfp4, block = [32, 1]>
    %h = mx.matmul %xq, %w1q : !mx.tensor<4x64xmxfp8_e4m3>,
                               !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<4x64xf32>
    %hq = mx.quantize %h : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
    %w2q = mx.quantize %w2 : tensor<64x32xf32> -> !mx.tensor<64x32xnvfp4, block = [16, 16]>
    %hq16 = mx.convert %hq : !mx.tensor<4x64xmxfp6_e2m3>
        -> !mx.tensor<4x64x#mx.format<f6E2M3FN, f8E8M0FNU, block = 16>>
    %y = mx.matmul %hq16, %w2q : !mx.tensor<4x64x#mx.format<f6E2M3FN, f8E8M0FNU, block = 16>>,
                                 !mx.tensor<64x32xnvfp4, block = [16, 16]> -> tensor<4x32xf32>
    return %y : tensor<4x32xf32>
  }
}

// -----

// CHECK-LABEL: func.func @blackwell
// CHECK: mx.unpack %{{.*}} layout = blackwell_128x4 : !mx.tensor<256x64xnvfp4>
// CHECK: return {{.*}} : tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E4M3FN>, f32
func.func @blackwell(%w: !mx.tensor<256x64xnvfp4>) -> (tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E4M3FN>, f32) {
  %e, %s, %g = mx.unpack %w layout = blackwell_128x4 : !mx.tensor<256x64xnvfp4>
  return %e, %s, %g : tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E4M3FN>, f32
}
