// RUN: mx-opt %s --split-input-file --canonicalize | FileCheck %s
// A splat folds to a splat without expanding the tensor (docs/Dialect.md,
// "Folding"): one block is quantized and its code and scale repeat.

// 1.5 in MXFP4 (floor): X = floor(log2 1.5) - 2 = -2, scale 0.25 (E8M0
// 0x7d); 1.5 / 0.25 = 6 is code 7, two per byte: 0x77. 4096x4096 codes are
// 8388608 bytes, stored once.
// CHECK-LABEL: func.func @quantize_fp4
// CHECK-NEXT: %[[C:.*]] = mx.constant packed(dense<"0x77"> : tensor<8388608xi8>) scales(dense<2.500000e-01> : tensor<4096x128xf8E8M0FNU>) : !mx.tensor<4096x4096xmxfp4>
// CHECK-NEXT: return %[[C]]
func.func @quantize_fp4() -> !mx.tensor<4096x4096xmxfp4> {
  %x = arith.constant dense<1.5> : tensor<4096x4096xf32>
  %q = mx.quantize %x : tensor<4096x4096xf32> -> !mx.tensor<4096x4096xmxfp4>
  return %q : !mx.tensor<4096x4096xmxfp4>
}

// -----

// The splat constant dequantizes to a splat (f32, and bf16 rounded once),
// and converts to MXFP8 E4M3 as a splat: X = 0 - 8, 1.5 * 256 = 384 is
// E4M3 0x7c, scale 2^-8.
// CHECK-LABEL: func.func @dequantize_convert
// CHECK-DAG: arith.constant dense<1.500000e+00> : tensor<4096x4096xf32>
// CHECK-DAG: arith.constant dense<1.500000e+00> : tensor<4096x4096xbf16>
// CHECK-DAG: mx.constant packed(dense<"0x7C"> : tensor<16777216xi8>) scales(dense<3.906250e-03> : tensor<4096x128xf8E8M0FNU>) : !mx.tensor<4096x4096xmxfp8_e4m3>
func.func @dequantize_convert() -> (tensor<4096x4096xf32>, tensor<4096x4096xbf16>, !mx.tensor<4096x4096xmxfp8_e4m3>) {
  %c = mx.constant packed(dense<"0x77"> : tensor<8388608xi8>) scales(dense<0.25> : tensor<4096x128xf8E8M0FNU>) : !mx.tensor<4096x4096xmxfp4>
  %d = mx.dequantize %c : !mx.tensor<4096x4096xmxfp4> -> tensor<4096x4096xf32>
  %h = mx.dequantize %c : !mx.tensor<4096x4096xmxfp4> -> tensor<4096x4096xbf16>
  %v = mx.convert %c : !mx.tensor<4096x4096xmxfp4> -> !mx.tensor<4096x4096xmxfp8_e4m3>
  return %d, %h, %v : tensor<4096x4096xf32>, tensor<4096x4096xbf16>, !mx.tensor<4096x4096xmxfp8_e4m3>
}

// -----

// FP6 bytes are not uniform: the three-byte group of four E2M3 codes 0x1c
// (1.5 / 0.25 = 6) repeats, 0x71C71C little-endian; three codes leave 6
// zero padding bits (0x01C71C: 1C C7 01).
// CHECK-LABEL: func.func @quantize_fp6
// CHECK-DAG: mx.constant packed(dense<"0x{{(1CC771){32}"}}> : tensor<96xi8>) scales(dense<2.500000e-01> : tensor<2x2xf8E8M0FNU>) : !mx.tensor<2x64xmxfp6_e2m3>
// CHECK-DAG: mx.constant packed(dense<"0x1CC701"> : tensor<3xi8>) scales(dense<2.500000e-01> : tensor<1x1xf8E8M0FNU>)
// An odd FP4 count: 0x77 then 0x07.
// CHECK-DAG: mx.constant packed(dense<"0x7707"> : tensor<2xi8>) scales(dense<2.500000e-01> : tensor<1x1xf8E8M0FNU>)
func.func @quantize_fp6() -> (!mx.tensor<2x64xmxfp6_e2m3>, !mx.tensor<1x3x#mx.format<f6E2M3FN, f8E8M0FNU, block = 3>>, !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>) {
  %x = arith.constant dense<1.5> : tensor<2x64xf32>
  %q = mx.quantize %x : tensor<2x64xf32> -> !mx.tensor<2x64xmxfp6_e2m3>
  %y = arith.constant dense<1.5> : tensor<1x3xf32>
  %r = mx.quantize %y : tensor<1x3xf32> -> !mx.tensor<1x3x#mx.format<f6E2M3FN, f8E8M0FNU, block = 3>>
  %s = mx.quantize %y : tensor<1x3xf32> -> !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  return %q, %r, %s : !mx.tensor<2x64xmxfp6_e2m3>, !mx.tensor<1x3x#mx.format<f6E2M3FN, f8E8M0FNU, block = 3>>, !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
}
