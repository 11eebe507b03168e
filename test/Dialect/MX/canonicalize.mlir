// RUN: mx-opt %s --canonicalize --split-input-file | FileCheck %s
// Folding runs the reference numerics library; every expected code below is
// computed by hand from docs/Numerics.md.

// OCP floor: amax = 1792 = 1.75 * 2^10, X = 10 - emax(E2M1) = 8, scale 2^8.
// 1792 / 256 = 7 clips to 6 (the known floor clipping), -7/256 rounds to -0,
// 100/256 = 0.39 rounds to 0.5, the rest to (signed) zero.
// CHECK-LABEL: func.func @quantize_floor
// CHECK-NEXT: %[[C:.*]] = mx.constant packed(dense<"0x00701880"> : tensor<4xi8>) scales(dense<2.560000e+02> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
// CHECK-NEXT: %[[D:.*]] = arith.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00, 1.536000e+03, -0.000000e+00, 1.280000e+02, 0.000000e+00, -0.000000e+00]]> : tensor<1x8xf32>
// CHECK-NEXT: return %[[C]], %[[D]]
func.func @quantize_floor() -> (!mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>, tensor<1x8xf32>) {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
  %d = mx.dequantize %q : !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>> -> tensor<1x8xf32>
  return %q, %d : !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>, tensor<1x8xf32>
}

// -----

// rceil: descale = f32(1792 * f32(1/6)) = 298.67 rounds up to 2^9; 1792/512
// = 3.5 ties to the even code 4 (0x6); 100/512 = 0.195 rounds to 0.
// CHECK-LABEL: func.func @quantize_rceil
// CHECK-NEXT: mx.constant packed(dense<"0x00600880"> : tensor<4xi8>) scales(dense<5.120000e+02> : tensor<1x1xf8E8M0FNU>)
func.func @quantize_rceil() -> !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 1792.0, -7.0, 100.0, 0.1, -0.0]]> : tensor<1x8xf32>
  %q = mx.quantize %x scale_mode = rceil : tensor<1x8xf32> -> !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
  return %q : !mx.tensor<1x8x#mx.format<f4E2M1FN, f8E8M0FNU, block = 8>>
}

// -----

// NaN or Inf in a block: the NaN scale (0xFF), codes 0, decodes to NaN. The
// second block (amax 3 = 1.5*2^1, X = 1 - 8 = -7 for E4M3) stores 1 * 2^7 and
// -3 * 2^7 exactly.
// CHECK-LABEL: func.func @quantize_nan_block
// CHECK-NEXT: mx.constant packed(dense<"0x000070FC"> : tensor<4xi8>) scales(dense<{{\[}}[0xFF, 7.812500e-03]]> : tensor<1x2xf8E8M0FNU>)
// CHECK-NEXT: arith.constant dense<{{\[}}[0x7FC00000, 0x7FC00000, 1.000000e+00, -3.000000e+00]]> : tensor<1x4xf32>
func.func @quantize_nan_block() -> (!mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>>, tensor<1x4xf32>) {
  %x = arith.constant dense<[[0x7F800000, 1.0, 1.0, -3.0]]> : tensor<1x4xf32>
  %q = mx.quantize %x : tensor<1x4xf32> -> !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>>
  %d = mx.dequantize %q : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>> -> tensor<1x4xf32>
  return %q, %d : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>>, tensor<1x4xf32>
}

// -----

// NVFP4: gamax = 1792, S_enc = 2688/1792 = 1.5, S_dec = f32(1/1.5)
// = 0.666666686; block scale f32(1792 * f32(1.5 * f32(1/6))) = 448 (UE4M3
// 0x7E); S_encb = f32(1/f32(448 * S_dec)); 1792 * S_encb = 6 (code 0x7);
// everything else is below 0.25 and rounds to (signed) zero.
// CHECK-LABEL: func.func @quantize_nvfp4
// CHECK-NEXT: mx.constant packed(dense<"0x0000000080800700"> : tensor<8xi8>) scales(dense<4.480000e+02> : tensor<1x1xf8E4M3FN>) tensor_scale(0.666666686) : !mx.tensor<1x16xnvfp4>
func.func @quantize_nvfp4() -> !mx.tensor<1x16xnvfp4> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.1, -0.2, 0.3, -0.0, 1792.0, 0.25, 0.75, 1.75]]> : tensor<1x16xf32>
  %q = mx.quantize %x : tensor<1x16xf32> -> !mx.tensor<1x16xnvfp4>
  return %q : !mx.tensor<1x16xnvfp4>
}

// -----

// A calibrated S_dec = 0.5 (S_enc = 2): block scale f32(6 * f32(2/6)) = 2
// (UE4M3 exact), S_encb = 1/(2 * 0.5) = 1, so the elements are RNE(x):
// 6 -> 6, 2.5 ties to 2 (even code 0x4), -0.75 ties to -1 (0xA), 0.25 ties to
// 0. Decoded f32(f32(e * 2) * 0.5) = e.
// CHECK-LABEL: func.func @quantize_nvfp4_calibrated
// CHECK-NEXT: mx.constant packed(dense<"0x470A"> : tensor<2xi8>) scales(dense<2.000000e+00> : tensor<1x1xf8E4M3FN>) tensor_scale(5.000000e-01)
func.func @quantize_nvfp4_calibrated() -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>> {
  %x = arith.constant dense<[[6.0, 2.5, -0.75, 0.25]]> : tensor<1x4xf32>
  %s = arith.constant 0.5 : f32
  %q = mx.quantize %x tensor_scale(%s) : tensor<1x4xf32> -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
  return %q : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
}

// -----

// Stochastic rounding with constant random bits folds too. Scale: amax 1.25,
// X = 0 - 2 = -2, so x * 4 = [5, 1.5, 0.25, 0.25] in E2M1 units. 5 lies
// half-way between 4 and 6 (quantum 2): +255/256 of a quantum rounds up to 6,
// decoded 1.5. 1.5 is exact. 0.25 is half a quantum (0.5): +0/256 truncates
// to 0, +128/256 reaches 0.5, decoded 0.125.
// CHECK-LABEL: func.func @quantize_stochastic
// CHECK-NEXT: arith.constant dense<{{\[}}[1.500000e+00, 3.750000e-01, 0.000000e+00, 1.250000e-01]]> : tensor<1x4xf32>
func.func @quantize_stochastic() -> tensor<1x4xf32> {
  %x = arith.constant dense<[[1.25, 0.375, 0.0625, 0.0625]]> : tensor<1x4xf32>
  %r = arith.constant dense<[[255, 77, 0, -128]]> : tensor<1x4xi8>
  %q = mx.quantize %x random_bits(%r : tensor<1x4xi8>) rounding = stochastic : tensor<1x4xf32> -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  %d = mx.dequantize %q : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// f16 results round the exact value once; 448 * 2^10 overflows f16 to inf.
// CHECK-LABEL: func.func @dequantize_f16
// CHECK-NEXT: arith.constant dense<{{\[}}[0x7C00, -1.040000e+02]]> : tensor<1x2xf16>
func.func @dequantize_f16() -> tensor<1x2xf16> {
  %c = mx.constant elements(dense<[[448.0, -0.1015625]]> : tensor<1x2xf8E4M3FN>) scales(dense<1024.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>>
  %d = mx.dequantize %c : !mx.tensor<1x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 2>> -> tensor<1x2xf16>
  return %d : tensor<1x2xf16>
}

// -----

// Requantizing what floor produced, with floor, is exact: the convert folds
// away. From rceil it is not (the scale may move), so it stays; from even
// neither: a block whose maximum rounds up past FLT_MAX decodes to Inf and
// requantizes to NaN.
// CHECK-LABEL: func.func @convert_identity
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>)
// CHECK-NEXT: %[[Q:.*]] = mx.quantize %[[X]] : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
// CHECK-NEXT: %[[R:.*]] = mx.quantize %[[X]] scale_mode = rceil
// CHECK-NEXT: %[[C:.*]] = mx.convert %[[R]] : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
// CHECK-NEXT: %[[E:.*]] = mx.quantize %[[X]] scale_mode = even
// CHECK-NEXT: %[[C3:.*]] = mx.convert %[[E]] scale_mode = floor : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
// CHECK-NEXT: return %[[Q]], %[[C]], %[[C3]]
func.func @convert_identity(%x: tensor<4x64xf32>) -> (!mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>) {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %c = mx.convert %q : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
  %r = mx.quantize %x scale_mode = rceil : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %c2 = mx.convert %r : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
  %e = mx.quantize %x scale_mode = even : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %c3 = mx.convert %e scale_mode = floor : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
  return %c, %c2, %c3 : !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>
}

// -----

// A value assembled from arbitrary codes is not canonical (scale 2^0 with
// elements <= 1): requantizing moves the scale, so nothing folds away. A
// ceil requantization never folds either.
// CHECK-LABEL: func.func @no_fold_convert
// CHECK: mx.convert
// CHECK: mx.convert
func.func @no_fold_convert(%e: tensor<4x64xf4E2M1FN>, %s: tensor<4x2xf8E8M0FNU>, %x: tensor<4x64xf32>) -> (!mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>) {
  %p = mx.pack %e, %s : tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU> -> !mx.tensor<4x64xmxfp4>
  %c = mx.convert %p : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %c2 = mx.convert %q scale_mode = ceil : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp4>
  return %c, %c2 : !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxfp4>
}

// -----

// Converting a constant computes the new constant: E4M3 [448, -3, 0.5, 0]
// under scale 2^0 dequantizes to itself; into E2M1 block 4: amax 448
// = 1.75 * 2^8, X = 6, so [7 -> 6, -0.047 -> -0, 0.0078 -> 0, 0].
// CHECK-LABEL: func.func @convert_constant
// CHECK-NEXT: mx.constant packed(dense<"0x8700"> : tensor<2xi8>) scales(dense<6.400000e+01> : tensor<1x1xf8E8M0FNU>)
func.func @convert_constant() -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>> {
  %c = mx.constant elements(dense<[[448.0, -3.0, 0.5, 0.0]]> : tensor<1x4xf8E4M3FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 4>>
  %r = mx.convert %c : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 4>> -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  return %r : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
}

// -----

// unpack of a constant gives its components; pack(unpack) and unpack(pack)
// cancel; a 128x4 round trip restores the row-major scales.
// CHECK-LABEL: func.func @components
// CHECK-DAG: %[[E:.*]] = arith.constant dense<{{\[}}[1.000000e+00, -5.000000e-01], [6.000000e+00, 0.000000e+00]]> : tensor<2x2xf4E2M1FN>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[}}[2.000000e+00], [5.000000e-01]]> : tensor<2x1xf8E8M0FNU>
// CHECK-DAG: %[[C:.*]] = mx.constant packed(dense<"0x9207"> : tensor<2xi8>) scales(dense<{{\[}}[2.000000e+00], [5.000000e-01]]> : tensor<2x1xf8E8M0FNU>)
// CHECK: return %[[E]], %[[S]], %[[C]], %[[C]]
func.func @components() -> (tensor<2x2xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>, !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>) {
  %c = mx.constant elements(dense<[[1.0, -0.5], [6.0, 0.0]]> : tensor<2x2xf4E2M1FN>) scales(dense<[[2.0], [0.5]]> : tensor<2x1xf8E8M0FNU>) : !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  %e, %s = mx.unpack %c : !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  %e2, %s2 = mx.unpack %c layout = blackwell_128x4 : !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  %p = mx.pack %e2, %s2 layout = blackwell_128x4 : tensor<2x2xf4E2M1FN>, tensor<1x1x32x4x4xf8E8M0FNU> -> !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  %p2 = mx.pack %e, %s : tensor<2x2xf4E2M1FN>, tensor<2x1xf8E8M0FNU> -> !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  return %e, %s, %p, %p2 : tensor<2x2xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>, !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
}

// -----

// In the 128x4 layout, scale (m, k) sits at [m/128, k/4, m%32, (m%128)/32,
// k%4]: rows 0 and 1 of the grid land at [0,0,0,0,0] and [0,0,1,0,0].
// CHECK-LABEL: func.func @blackwell_layout
// Bytes: 2.0 is E8M0 0x80 at offset 0, 0.5 is 0x7E at offset 16 (= 1*16),
// and the padding is zero bytes.
// CHECK-NEXT: arith.constant dense<"0x800000000000000000000000000000007E{{(00)+}}"> : tensor<1x1x32x4x4xf8E8M0FNU>
func.func @blackwell_layout() -> tensor<1x1x32x4x4xf8E8M0FNU> {
  %c = mx.constant elements(dense<[[1.0, -0.5], [6.0, 0.0]]> : tensor<2x2xf4E2M1FN>) scales(dense<[[2.0], [0.5]]> : tensor<2x1xf8E8M0FNU>) : !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  %e, %s = mx.unpack %c layout = blackwell_128x4 : !mx.tensor<2x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>
  return %s : tensor<1x1x32x4x4xf8E8M0FNU>
}

// -----

// Non-constant inputs do not fold.
// CHECK-LABEL: func.func @no_fold
// CHECK: mx.quantize
// CHECK: mx.dequantize
func.func @no_fold(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// -----

// Matmul of constants runs the reference order: K-block 0 sums 1*1 + 2*0.5
// = 2, times its scale 2^1 = 4; K-block 1 sums 3*2 + 4*(-1) = 2, times 2^-2
// = 0.5; the accumulator gives 4.5.
// CHECK-LABEL: func.func @matmul_constant
// CHECK-NEXT: %[[R:.*]] = arith.constant dense<4.500000e+00> : tensor<1x1xf32>
// CHECK-NEXT: return %[[R]]
func.func @matmul_constant() -> tensor<1x1xf32> {
  %a = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %w = mx.constant elements(dense<[[1.0], [0.5], [2.0], [-1.0]]> : tensor<4x1xf4E2M1FN>) scales(dense<[[2.0], [0.25]]> : tensor<2x1xf8E8M0FNU>) : !mx.tensor<4x1x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>, block = [2, 1]>
  %c = mx.matmul %a, %w : tensor<1x4xf32>, !mx.tensor<4x1x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>, block = [2, 1]> -> tensor<1x1xf32>
  return %c : tensor<1x1xf32>
}

// -----

// H16 of e0 is the all-ones column, times c_16 = 0.25; the inverse maps it
// back to e0.
// CHECK-LABEL: func.func @hadamard_constant
// CHECK-DAG: %[[Y:.*]] = arith.constant dense<2.500000e-01> : tensor<1x16xf32>
// CHECK-DAG: %[[X:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<1x16xf32>
// CHECK: return %[[Y]], %[[X]]
func.func @hadamard_constant() -> (tensor<1x16xf32>, tensor<1x16xf32>) {
  %e0 = arith.constant dense<[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<1x16xf32>
  %y = mx.hadamard %e0 axis(1) size(16) : tensor<1x16xf32>
  %x = mx.hadamard %y axis(1) size(16) inverse : tensor<1x16xf32>
  return %y, %x : tensor<1x16xf32>, tensor<1x16xf32>
}

// -----

/// Per-tensor FP8 (docs/Numerics.md §3): amax 4 gives S_enc = 112 and S_dec =
/// f32(1/112) = 0x3C124925; 3 * 112 = 336 ties to 320; -0 keeps its sign; NaN
/// is ignored by the amax and keeps its NaN code.
// CHECK-LABEL: func.func @per_tensor_fold
// CHECK-DAG: mx.constant packed(dense<"0x6E767A7E807F"> : tensor<6xi8>) tensor_scale(0.00892857183) : !mx.tensor<1x6xfp8_e4m3_tensor>
/// Dequantize: f32(code * S_dec).
// CHECK-DAG: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 2.85714293, 4.000000e+00, -0.000000e+00, 0x7FC00000]]> : tensor<1x6xf32>
/// Unpack gives the two components; pack of constants folds back.
// CHECK-DAG: arith.constant dense<{{\[}}[1.120000e+02, 2.240000e+02, 3.200000e+02, 4.480000e+02, -0.000000e+00, 0x7F]]> : tensor<1x6xf8E4M3FN>
// CHECK-DAG: arith.constant 0.00892857183 : f32
/// Matmul with a plain operand: the K sum of the codes' values, 1104, then
/// times S_dec once.
// CHECK-DAG: arith.constant dense<9.8571434> : tensor<1x1xf32>
// CHECK-NOT: mx.quantize
// CHECK: return
func.func @per_tensor_fold() -> (!mx.tensor<1x6xfp8_e4m3_tensor>, tensor<1x6xf32>, tensor<1x6xf8E4M3FN>, f32, tensor<1x1xf32>) {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, -0.0, 0x7FC00000]]> : tensor<1x6xf32>
  %q = mx.quantize %x : tensor<1x6xf32> -> !mx.tensor<1x6xfp8_e4m3_tensor>
  %d = mx.dequantize %q : !mx.tensor<1x6xfp8_e4m3_tensor> -> tensor<1x6xf32>
  %e, %g = mx.unpack %q : !mx.tensor<1x6xfp8_e4m3_tensor>
  %p = mx.pack %e, %g : tensor<1x6xf8E4M3FN> -> !mx.tensor<1x6xfp8_e4m3_tensor>
  %x4 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %q4 = mx.quantize %x4 : tensor<1x4xf32> -> !mx.tensor<1x4xfp8_e4m3_tensor>
  %b = arith.constant dense<[[1.0], [1.0], [1.0], [1.0]]> : tensor<4x1xf32>
  %m = mx.matmul %q4, %b : !mx.tensor<1x4xfp8_e4m3_tensor>, tensor<4x1xf32> -> tensor<1x1xf32>
  return %p, %d, %e, %g, %m : !mx.tensor<1x6xfp8_e4m3_tensor>, tensor<1x6xf32>, tensor<1x6xf8E4M3FN>, f32, tensor<1x1xf32>
}
