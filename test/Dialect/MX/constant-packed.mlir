// RUN: mx-opt %s --split-input-file | FileCheck %s
// RUN: mx-opt %s --split-input-file | mx-opt --split-input-file | FileCheck %s
// RUN: mx-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=FOLD
// mx.constant stores its elements packed (docs/Dialect.md, "Constants at
// their true size"): the old one-value-per-element form is packed when
// parsed, the packed form round-trips, and the values come back through
// mx.unpack and mx.dequantize.

// E2M1 [1.0, -0.5, 6.0, 0.0] are codes 2, 9, 7, 0: element 2i in the low
// nibble gives bytes 0x92 0x07.
// CHECK-LABEL: func.func @fp4
// CHECK: mx.constant packed(dense<"0x9207"> : tensor<2xi8>) scales(dense<2.000000e+00> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
// CHECK: mx.constant packed(dense<"0x9207"> : tensor<2xi8>) scales(dense<2.000000e+00> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
// FOLD-LABEL: func.func @fp4
// FOLD-DAG: arith.constant dense<{{\[}}[1.000000e+00, -5.000000e-01, 6.000000e+00, 0.000000e+00]]> : tensor<1x4xf4E2M1FN>
// FOLD-DAG: arith.constant dense<{{\[}}[2.000000e+00, -1.000000e+00, 1.200000e+01, 0.000000e+00]]> : tensor<1x4xf32>
func.func @fp4() -> (tensor<1x4xf4E2M1FN>, tensor<1x4xf32>) {
  %old = mx.constant elements(dense<[[1.0, -0.5, 6.0, 0.0]]> : tensor<1x4xf4E2M1FN>) scales(dense<2.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  %new = mx.constant packed(dense<"0x9207"> : tensor<2xi8>) scales(dense<2.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  %e, %s = mx.unpack %old : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  %d = mx.dequantize %new : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>> -> tensor<1x4xf32>
  return %e, %d : tensor<1x4xf4E2M1FN>, tensor<1x4xf32>
}

// -----

// An odd FP4 count: codes 2, 4, 6 -> 0x42, then 0x06 with a zero high nibble.
// CHECK-LABEL: func.func @fp4_odd
// CHECK: mx.constant packed(dense<"0x4206"> : tensor<2xi8>)
// FOLD-LABEL: func.func @fp4_odd
// FOLD: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 4.000000e+00]]> : tensor<1x3xf4E2M1FN>
func.func @fp4_odd() -> tensor<1x3xf4E2M1FN> {
  %c = mx.constant elements(dense<[[1.0, 2.0, 4.0]]> : tensor<1x3xf4E2M1FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  %e, %s = mx.unpack %c : !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  return %e : tensor<1x3xf4E2M1FN>
}

// -----

// FP6 E2M3, a little-endian bit stream: codes 08 10 18 3f 01 (1, 2, 4, -7.5,
// 0.125) -> 0x08, 0x04|0x80, 0x01|0xfc, 0x01 (18 zero padding bits).
// CHECK-LABEL: func.func @fp6_e2m3
// CHECK: mx.constant packed(dense<"0x0884FD01"> : tensor<4xi8>) scales(dense<1.000000e+00> : tensor<1x1xf8E8M0FNU>)
// FOLD-LABEL: func.func @fp6_e2m3
// FOLD: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 4.000000e+00, -7.500000e+00, 1.250000e-01]]> : tensor<1x5xf6E2M3FN>
func.func @fp6_e2m3() -> tensor<1x5xf6E2M3FN> {
  %c = mx.constant elements(dense<[[1.0, 2.0, 4.0, -7.5, 0.125]]> : tensor<1x5xf6E2M3FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x5x#mx.format<f6E2M3FN, f8E8M0FNU, block = 5>>
  %e, %s = mx.unpack %c : !mx.tensor<1x5x#mx.format<f6E2M3FN, f8E8M0FNU, block = 5>>
  return %e : tensor<1x5xf6E2M3FN>
}

// -----

// FP6 E3M2: codes 14 18 1c 3f (4, 8, 16, -28) fill three bytes exactly.
// CHECK-LABEL: func.func @fp6_e3m2
// CHECK: mx.constant packed(dense<"0x14C6FD"> : tensor<3xi8>)
// FOLD-LABEL: func.func @fp6_e3m2
// FOLD: arith.constant dense<{{\[}}[4.000000e+00, 8.000000e+00, 1.600000e+01, -2.800000e+01]]> : tensor<1x4xf6E3M2FN>
func.func @fp6_e3m2() -> tensor<1x4xf6E3M2FN> {
  %c = mx.constant packed(dense<"0x14C6FD"> : tensor<3xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f6E3M2FN, f8E8M0FNU, block = 4>>
  %e, %s = mx.unpack %c : !mx.tensor<1x4x#mx.format<f6E3M2FN, f8E8M0FNU, block = 4>>
  return %e : tensor<1x4xf6E3M2FN>
}

// -----

// INT8 and FP8: one byte per element; per-tensor FP8 has no scales.
// CHECK-LABEL: func.func @bytes
// CHECK: mx.constant packed(dense<"0x0180"> : tensor<2xi8>) scales(dense<0xFF> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>
// CHECK: mx.constant packed(dense<"0x6EFE"> : tensor<2xi8>) tensor_scale(2.500000e-01) : !mx.tensor<1x2xfp8_e4m3_tensor>
// FOLD-LABEL: func.func @bytes
// FOLD: arith.constant dense<{{\[}}[2.800000e+01, -1.120000e+02]]> : tensor<1x2xf32>
func.func @bytes() -> (!mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>, tensor<1x2xf32>) {
  %i = mx.constant elements(dense<[[1, -128]]> : tensor<1x2xi8>) scales(dense<0xFF> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>
  %f = mx.constant elements(dense<[[112.0, -448.0]]> : tensor<1x2xf8E4M3FN>) tensor_scale(0.25) : !mx.tensor<1x2xfp8_e4m3_tensor>
  %d = mx.dequantize %f : !mx.tensor<1x2xfp8_e4m3_tensor> -> tensor<1x2xf32>
  return %i, %d : !mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>, tensor<1x2xf32>
}

// -----

// An old-form splat packs to a splat byte (E2M1 1.5 = code 3: 0x33) or,
// for FP6, to its three-byte group repeated (E3M2 1.0 = code 0x0c; four
// codes are the 24 bits 0x30C30C, bytes 0C C3 30).
// CHECK-LABEL: func.func @splats
// CHECK: mx.constant packed(dense<"0x33"> : tensor<16xi8>)
// CHECK: mx.constant packed(dense<"0x{{(0CC330){8}"}}> : tensor<24xi8>)
func.func @splats() -> (!mx.tensor<1x32xmxfp4>, !mx.tensor<1x32xmxfp6_e3m2>) {
  %a = mx.constant elements(dense<1.5> : tensor<1x32xf4E2M1FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x32xmxfp4>
  %b = mx.constant elements(dense<1.0> : tensor<1x32xf6E3M2FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x32xmxfp6_e3m2>
  return %a, %b : !mx.tensor<1x32xmxfp4>, !mx.tensor<1x32xmxfp6_e3m2>
}
