// RUN: mx-opt --convert-mx-to-linalg --split-input-file %s | FileCheck %s

/// Each !mx.tensor becomes its components: packed i8 elements (two E2M1 per
/// byte), the i8 scale grid, and the f32 tensor scale where the format has
/// one. Signatures, calls and returns convert 1:N.

// CHECK-LABEL: func.func @quantize_mxfp4_floor
// CHECK-SAME: (%[[X:.*]]: tensor<2x64xf32>) -> (tensor<2x32xi8>, tensor<2x2xi8>)
/// The block view: each dimension split into [grid, block].
// CHECK: %[[XE:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1], [2, 3]] output_shape [2, 1, 2, 32]
/// Block amax: one integer max over |bits| (NaN/Inf detection included).
// CHECK: %[[AMAX:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel", "reduction"]{{.*}} ins(%[[XE]] : tensor<2x1x2x32xf32>) outs(%{{.*}} : tensor<2x2xi32>)
// CHECK:   arith.bitcast %{{.*}} : f32 to i32
// CHECK:   arith.maxsi
/// E8M0 floor scale from the exponent bits; subnormal amax via ctlz.
// CHECK: %[[SCALES:.*]] = linalg.generic {{.*}} ins(%[[AMAX]] : tensor<2x2xi32>) outs(%{{.*}} : tensor<2x2xi8>)
// CHECK:   arith.cmpi sge, %{{.*}}, %c2139095040_i32
// CHECK:   math.ctlz
// CHECK:   arith.minsi
// CHECK:   arith.trunci %{{.*}} : i32 to i8
/// Element codes: integer RNE on the f32 bit pattern, no small-float casts.
// CHECK: %[[CODES:.*]] = linalg.generic {{.*}} ins(%[[XE]], %[[SCALES]] : tensor<2x1x2x32xf32>, tensor<2x2xi8>) outs(%{{.*}} : tensor<2x1x2x32xi8>)
// CHECK-NOT: arith.truncf
// CHECK:   math.ctlz
// CHECK:   arith.minui
// CHECK: tensor.collapse_shape %[[CODES]] {{\[\[}}0, 1], [2, 3]] : tensor<2x1x2x32xi8> into tensor<2x64xi8>
/// Packing: element 2i in the low nibble.
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}]{{.*}} outs(%{{.*}} : tensor<2x32x1xi8>)
// CHECK:   arith.shli %{{.*}}, %c4_i32
// CHECK: %[[PACKED:.*]] = tensor.collapse_shape {{.*}} : tensor<2x32x1xi8> into tensor<2x32xi8>
// CHECK: return %[[PACKED]], %[[SCALES]] : tensor<2x32xi8>, tensor<2x2xi8>
func.func @quantize_mxfp4_floor(%x: tensor<2x64xf32>) -> !mx.tensor<2x64xmxfp4> {
  %q = mx.quantize %x : tensor<2x64xf32> -> !mx.tensor<2x64xmxfp4>
  return %q : !mx.tensor<2x64xmxfp4>
}

// -----

/// RCEIL: descale = f32(amax * f32(1/max)), rounded up to a power of two.
// CHECK-LABEL: func.func @quantize_mxfp8_rceil
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK:   arith.mulf %{{.*}}, %cst{{.*}} : f32
// CHECK:   arith.cmpi ugt, %{{.*}}, %c4194304_i32
// CHECK:   arith.minui %{{.*}}, %c254_i32
/// FP8: one byte per element, no packing generic after the codes.
// CHECK: %[[C:.*]] = tensor.collapse_shape {{.*}} : tensor<1x1x2x32xi8> into tensor<1x64xi8>
// CHECK: return %[[C]], %{{.*}} : tensor<1x64xi8>, tensor<1x2xi8>
func.func @quantize_mxfp8_rceil(%x: tensor<1x64xf32>) -> !mx.tensor<1x64xmxfp8_e4m3> {
  %q = mx.quantize %x scale_mode = rceil : tensor<1x64xf32> -> !mx.tensor<1x64xmxfp8_e4m3>
  return %q : !mx.tensor<1x64xmxfp8_e4m3>
}

// -----

/// FP6: four codes in three bytes, a little-endian bit stream.
// CHECK-LABEL: func.func @quantize_mxfp6_even_tile
// CHECK-SAME: -> (tensor<4x48xi8>, tensor<1x2xi8>)
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 4, 2, 32]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 16, 4] : tensor<4x64xi8> into tensor<4x16x4xi8>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x16x4xi8>, tensor<4x16x4xi8>, tensor<4x16x4xi8>, tensor<4x16x4xi8>) outs(%{{.*}} : tensor<4x16x3xi8>)
// CHECK:   arith.shli %{{.*}}, %c18_i32
// CHECK: tensor.collapse_shape {{.*}} : tensor<4x16x3xi8> into tensor<4x48xi8>
func.func @quantize_mxfp6_even_tile(%x: tensor<4x64xf32>) -> !mx.tensor<4x64xmxfp6_e2m3, block = [4, 32]> {
  %q = mx.quantize %x scale_mode = even : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3, block = [4, 32]>
  return %q : !mx.tensor<4x64xmxfp6_e2m3, block = [4, 32]>
}

// -----

/// NVFP4: the tensor amax ignoring NaN, S_enc = min(2688 / amax, FLT_MAX),
/// UE4M3 block scales, and x * S_encb encoded to E2M1.
// CHECK-LABEL: func.func @quantize_nvfp4
// CHECK-SAME: -> (tensor<2x16xi8>, tensor<2x2xi8>, f32)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2xi32>)
// CHECK: %[[G:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<i32>)
// CHECK: tensor.extract %[[G]][] : tensor<i32>
// CHECK: arith.divf %cst{{.*}}, %{{.*}} : f32
// CHECK: arith.minnumf
// CHECK: %[[DEC:.*]] = arith.divf
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<2x2xi8>, tensor<2x2xf32>)
// CHECK:   arith.minnumf
// CHECK: linalg.generic
// CHECK:   arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: return %{{.*}}, %{{.*}}, %[[DEC]] : tensor<2x16xi8>, tensor<2x2xi8>, f32
func.func @quantize_nvfp4(%x: tensor<2x32xf32>) -> !mx.tensor<2x32xnvfp4> {
  %q = mx.quantize %x : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  return %q : !mx.tensor<2x32xnvfp4>
}

// -----

/// Calibrated tensor scale and stochastic rounding: the random byte is
/// compared in 64 bits, (rem << 8) + (rbyte << drop) >= 2^(drop + 8).
// CHECK-LABEL: func.func @quantize_nvfp4_calibrated_stochastic
// CHECK-SAME: (%[[X:.*]]: tensor<2x32xf32>, %[[R:.*]]: tensor<2x32xi8>, %[[T:.*]]: f32)
// CHECK-NOT: outs(%{{.*}} : tensor<i32>)
// CHECK: arith.divf %{{.*}}, %[[T]] : f32
// CHECK: tensor.expand_shape %[[R]]
// CHECK: linalg.generic
// CHECK:   arith.extui %{{.*}} : i32 to i64
// CHECK:   arith.cmpi uge, %{{.*}}, %{{.*}} : i64
// CHECK: return %{{.*}}, %{{.*}}, %[[T]] : tensor<2x16xi8>, tensor<2x2xi8>, f32
func.func @quantize_nvfp4_calibrated_stochastic(%x: tensor<2x32xf32>, %r: tensor<2x32xi8>, %t: f32) -> !mx.tensor<2x32xnvfp4> {
  %q = mx.quantize %x tensor_scale(%t) random_bits(%r : tensor<2x32xi8>) rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  return %q : !mx.tensor<2x32xnvfp4>
}

// -----

/// Dequantize: nibbles unpacked with shifts and masks, E8M0 as 2^X bits
/// (code 0 is the subnormal 0x00400000), NaN scale to NaN.
// CHECK-LABEL: func.func @dequantize_mxfp4
// CHECK-SAME: (%[[E:.*]]: tensor<2x32xi8>, %[[S:.*]]: tensor<2x2xi8>) -> tensor<2x64xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x32x2xi8>)
// CHECK:   linalg.index 2
// CHECK:   arith.shrui
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[S]] : tensor<2x1x2x32xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<2x1x2x32xf32>)
// CHECK:   arith.uitofp
// CHECK:   arith.select %{{.*}}, %c4194304_i32, %{{.*}} : i32
// CHECK:   arith.mulf
// CHECK:   arith.select %{{.*}}, %cst{{.*}}, %{{.*}} : f32
// CHECK: tensor.collapse_shape {{.*}} into tensor<2x64xf32>
func.func @dequantize_mxfp4(%q: !mx.tensor<2x64xmxfp4>) -> tensor<2x64xf32> {
  %d = mx.dequantize %q : !mx.tensor<2x64xmxfp4> -> tensor<2x64xf32>
  return %d : tensor<2x64xf32>
}

// -----

/// NVFP4 to bf16: the exact value p * s * S_dec rounds once (round to odd
/// into f32 through f64, then RNE to bf16 on the bit pattern: add 0x7fff plus
/// the lowest kept bit, keep the top 16 bits; no fptrunc to bfloat, which
/// x86 lowers to a subnormal-flushing instruction).
// CHECK-LABEL: func.func @dequantize_nvfp4_bf16
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.ori
// CHECK-DAG: %[[C7FFF:.*]] = arith.constant 32767 : i32
// CHECK: arith.addi %{{.*}}, %[[C7FFF]] : i32
// CHECK: %[[R16:.*]] = arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %[[R16]] : i16 to bf16
// CHECK-NOT: arith.truncf %{{.*}} : f32 to bf16
func.func @dequantize_nvfp4_bf16(%q: !mx.tensor<2x32xnvfp4>) -> tensor<2x32xbf16> {
  %d = mx.dequantize %q : !mx.tensor<2x32xnvfp4> -> tensor<2x32xbf16>
  return %d : tensor<2x32xbf16>
}

// -----

/// convert = quantize(dequantize-to-f32).
// CHECK-LABEL: func.func @convert_e4m3_to_int8
// CHECK-SAME: (%{{.*}}: tensor<2x32xi8>, %{{.*}}: tensor<2x1xi8>) -> (tensor<2x32xi8>, tensor<2x1xi8>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1x1x32xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel", "reduction"]
func.func @convert_e4m3_to_int8(%a: !mx.tensor<2x32xmxfp8_e4m3>) -> !mx.tensor<2x32xmxint8> {
  %b = mx.convert %a scale_mode = ceil : !mx.tensor<2x32xmxfp8_e4m3> -> !mx.tensor<2x32xmxint8>
  return %b : !mx.tensor<2x32xmxint8>
}

// -----

/// Constants are stored packed (docs/Dialect.md): [1.0, -0.5, 6.0, 0.0] are
/// E2M1 codes 2, 9, 7, 0, i.e. bytes 0x92, 0x07, which become the elements
/// component as they are; the scale 2.0 is E8M0 0x80.
// CHECK-LABEL: func.func @constant_mxfp4
// CHECK-DAG: %[[E:.*]] = arith.constant dense<{{\[\[}}-110, 7]]> : tensor<1x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<-128> : tensor<1x1xi8>
// CHECK: return %[[E]], %[[S]]
func.func @constant_mxfp4() -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>> {
  %c = mx.constant elements(dense<[[1.0, -0.5, 6.0, 0.0]]> : tensor<1x4xf4E2M1FN>) scales(dense<[[2.0]]> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  return %c : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
}

// -----

/// The packed bytes are reshaped to the component's rows, a splat stays a
/// splat (E2M1 1.5 twice: 0x33 = 51; E8M0 0.25 = 0x7d = 125).
// CHECK-LABEL: func.func @constant_packed_rows
// CHECK-DAG: %[[E:.*]] = arith.constant dense<51> : tensor<4x16xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<125> : tensor<4x1xi8>
// CHECK: return %[[E]], %[[S]]
func.func @constant_packed_rows() -> !mx.tensor<4x32xmxfp4> {
  %c = mx.constant packed(dense<"0x33"> : tensor<64xi8>) scales(dense<0.25> : tensor<4x1xf8E8M0FNU>) : !mx.tensor<4x32xmxfp4>
  return %c : !mx.tensor<4x32xmxfp4>
}

// -----

/// Two rows of FP6 E2M3 codes 1, 2, 3, 4 / 5, 6, 7, 8: each row fills three
/// bytes (0x81 0x30 0x10, 0x85 0x71 0x20), reshaped to tensor<2x3xi8>.
// CHECK-LABEL: func.func @constant_packed_fp6
// CHECK: arith.constant dense<{{\[\[}}-127, 48, 16], [-123, 113, 32]]> : tensor<2x3xi8>
func.func @constant_packed_fp6() -> !mx.tensor<2x4x#mx.format<f6E2M3FN, f8E8M0FNU, block = 4>> {
  %c = mx.constant packed(dense<"0x813010857120"> : tensor<6xi8>) scales(dense<1.0> : tensor<2x1xf8E8M0FNU>) : !mx.tensor<2x4x#mx.format<f6E2M3FN, f8E8M0FNU, block = 4>>
  return %c : !mx.tensor<2x4x#mx.format<f6E2M3FN, f8E8M0FNU, block = 4>>
}

// -----

/// -1.5 and -1.0 are E2M1 codes 0xb and 0xa: byte 0xab.
// CHECK-LABEL: func.func @constant_nvfp4
// CHECK-DAG: arith.constant dense<{{\[\[}}-85, 0]]> : tensor<1x2xi8>
// CHECK-DAG: arith.constant dense<56> : tensor<1x1xi8>
// CHECK-DAG: arith.constant 5.000000e-01 : f32
func.func @constant_nvfp4() -> !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>> {
  %c = mx.constant elements(dense<[[-1.5, -1.0, 0.0, 0.0]]> : tensor<1x4xf4E2M1FN>) scales(dense<[[1.0]]> : tensor<1x1xf8E4M3FN>) tensor_scale(5.000000e-01) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
  return %c : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E4M3FN, block = 4, tensor_scale>>
}

// -----

/// unpack to the 128x4 layout: each atom byte gathers scale
/// (i0*128 + i3*32 + i2, i1*4 + i4), zero outside the grid.
// CHECK-LABEL: func.func @unpack_blackwell
// CHECK-SAME: -> (tensor<128x64xf4E2M1FN>, tensor<1x1x32x4x4xf8E4M3FN>, f32)
// CHECK: arith.trunci %{{.*}} : i8 to i4
// CHECK: arith.bitcast %{{.*}} : i4 to f4E2M1FN
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x32x4x4xi8>)
// CHECK:   arith.muli %{{.*}}, %c128
// CHECK:   arith.minui
// CHECK:   tensor.extract
// CHECK:   arith.select
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
func.func @unpack_blackwell(%n: !mx.tensor<128x64xnvfp4>) -> (tensor<128x64xf4E2M1FN>, tensor<1x1x32x4x4xf8E4M3FN>, f32) {
  %e, %s, %g = mx.unpack %n layout = blackwell_128x4 : !mx.tensor<128x64xnvfp4>
  return %e, %s, %g : tensor<128x64xf4E2M1FN>, tensor<1x1x32x4x4xf8E4M3FN>, f32
}

// -----

// CHECK-LABEL: func.func @pack_blackwell_fp6
// CHECK-SAME: -> (tensor<130x48xi8>, tensor<130x2xi8>)
// CHECK: arith.bitcast %{{.*}} : f6E2M3FN to i6
// CHECK: arith.extui %{{.*}} : i6 to i8
// CHECK: arith.bitcast %{{.*}} : f8E8M0FNU to i8
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<130x2xi8>)
// CHECK:   arith.divui %{{.*}}, %c128
// CHECK:   tensor.extract %{{.*}} : tensor<2x1x32x4x4xi8>
func.func @pack_blackwell_fp6(%e: tensor<130x64xf6E2M3FN>, %s: tensor<2x1x32x4x4xf8E8M0FNU>) -> !mx.tensor<130x64xmxfp6_e2m3> {
  %q = mx.pack %e, %s layout = blackwell_128x4 : tensor<130x64xf6E2M3FN>, tensor<2x1x32x4x4xf8E8M0FNU> -> !mx.tensor<130x64xmxfp6_e2m3>
  return %q : !mx.tensor<130x64xmxfp6_e2m3>
}

// -----

/// Matmul: partial sums per K block with kk innermost, then the scales (the
/// same applyMatmulBlockScales as the vector lowering: UE4M3 decoded by one
/// exact multiply, the E8M0 scale as one multiply by 2^X, NaN selected) and
/// the accumulation over blocks, then the tensor scale.
// CHECK-LABEL: func.func @matmul_mxfp8_nvfp4
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[A:.*]], #[[B:.*]], #[[O:.*]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}{{.*}} outs(%{{.*}} : tensor<4x32x4xf32>)
// CHECK:   %[[M:.*]] = arith.mulf
// CHECK:   arith.addf %{{.*}}, %[[M]] : f32
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[P]], %{{.*}}, %{{.*}} : tensor<4x32x4xf32>, tensor<4x4xi8>, tensor<4x2xi8>)
// CHECK:   %[[U:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:   %[[PU:.*]] = arith.mulf %{{.*}}, %[[U]] : f32
// CHECK:   %[[PX:.*]] = arith.mulf %[[PU]], %{{.*}} : f32
// CHECK:   %[[SC:.*]] = arith.select %{{.*}}, %{{.*}}, %[[PX]] : f32
// CHECK:   arith.addf %{{.*}}, %[[SC]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<4x32xf32>)
// CHECK:   arith.mulf %{{.*}}, %{{.*}} : f32
func.func @matmul_mxfp8_nvfp4(%a: !mx.tensor<4x64xmxfp8_e4m3, block = [1, 16]>, %w: !mx.tensor<64x32xnvfp4, block = [16, 16]>) -> tensor<4x32xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<4x64xmxfp8_e4m3, block = [1, 16]>, !mx.tensor<64x32xnvfp4, block = [16, 16]> -> tensor<4x32xf32>
  return %c : tensor<4x32xf32>
}

// -----

/// Hadamard: signs from the seed's generator (a constant), log2(n) butterfly
/// stages pairing p with p ^ h, then the c_n scale.
// CHECK-LABEL: func.func @hadamard_seeded
// CHECK: arith.constant dense<[true, false, false, false, false, true, false, true, false, true, false, false, true, true, true, false]> : tensor<16xi1>
// CHECK: arith.negf
// CHECK-COUNT-4: arith.xori
// CHECK: arith.constant 2.500000e-01 : f32
func.func @hadamard_seeded(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = mx.hadamard %x axis(1) size(16) seed(42) : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

/// Calls and returns of block-scaled values carry the components.
// CHECK-LABEL: func.func @call_site
// CHECK-SAME: (%[[E:.*]]: tensor<1x16xi8>, %[[S:.*]]: tensor<1x2xi8>, %[[G:.*]]: f32)
// CHECK: %[[R:.*]]:3 = call @callee(%[[E]], %[[S]], %[[G]]) : (tensor<1x16xi8>, tensor<1x2xi8>, f32) -> (tensor<1x16xi8>, tensor<1x2xi8>, f32)
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func private @callee(!mx.tensor<1x32xnvfp4>) -> !mx.tensor<1x32xnvfp4>
func.func @call_site(%q: !mx.tensor<1x32xnvfp4>) -> !mx.tensor<1x32xnvfp4> {
  %r = call @callee(%q) : (!mx.tensor<1x32xnvfp4>) -> !mx.tensor<1x32xnvfp4>
  return %r : !mx.tensor<1x32xnvfp4>
}
