// Custom, generic and bytecode forms all print back to the same custom form.
// RUN: mx-opt %s | FileCheck %s
// RUN: mx-opt %s --mlir-print-op-generic | mx-opt | FileCheck %s
// RUN: mx-opt %s --emit-bytecode | mx-opt | FileCheck %s
// The generic form spells every attribute out.
// RUN: mx-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// One space around each keyword of the custom form (the enum attributes
// print no leading space of their own there).
// RUN: mx-opt %s | FileCheck %s --strict-whitespace --check-prefix=SPACING
// SPACING: mx.quantize %{{.*}} scale_mode = rceil : tensor
// SPACING: mx.quantize %{{.*}} random_bits(%{{.*}} : tensor<4x64xi8>) scale_mode = even rounding = stochastic : tensor

// CHECK-LABEL: func.func private @presets(
// CHECK-SAME: !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<4x64xmxfp8_e5m2>,
// CHECK-SAME: !mx.tensor<4x64xmxfp6_e2m3>, !mx.tensor<4x64xmxfp6_e3m2>,
// CHECK-SAME: !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxint8>, !mx.tensor<4x64xnvfp4>)
func.func private @presets(!mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<4x64xmxfp8_e5m2>,
                           !mx.tensor<4x64xmxfp6_e2m3>, !mx.tensor<4x64xmxfp6_e3m2>,
                           !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xmxint8>,
                           !mx.tensor<4x64xnvfp4>)

// A preset spelled out prints as the preset; the default block is elided;
// other formats and blocks print in full.
// CHECK-LABEL: func.func private @spelled(
// CHECK-SAME: !mx.tensor<4x64xmxfp4>, !mx.tensor<4x64xnvfp4>,
// CHECK-SAME: !mx.tensor<4x64x#mx.format<f8E4M3FN, f8E8M0FNU, block = 64>>,
// CHECK-SAME: !mx.tensor<64x32xmxfp4, block = [32, 1]>,
// CHECK-SAME: !mx.tensor<32x32xnvfp4, block = [16, 16]>,
// CHECK-SAME: !mx.tensor<2x8x64xmxint8>)
func.func private @spelled(
    !mx.tensor<4x64x#mx.format<f4E2M1FN, f8E8M0FNU, block = 32>>,
    !mx.tensor<4x64x#mx.format<f4E2M1FN, f8E4M3FN, block = 16, tensor_scale>, block = [1, 16]>,
    !mx.tensor<4x64x#mx.format<f8E4M3FN, f8E8M0FNU, block = 64>>,
    !mx.tensor<64x32xmxfp4, block = [32, 1]>,
    !mx.tensor<32x32xnvfp4, block = [16, 16]>,
    !mx.tensor<2x8x64x#mx.format<i8, f8E8M0FNU, block = 32>>)

// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %[[X:.*]]: tensor<4x64xf32>, %[[S:.*]]: f32, %[[R:.*]]: tensor<4x64xi8>)
func.func @quantize(%x: tensor<4x64xf32>, %s: f32, %r: tensor<4x64xi8>) {
  // CHECK: mx.quantize %[[X]] : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %0 = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  // CHECK: mx.quantize %[[X]] scale_mode = rceil : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  %1 = mx.quantize %x scale_mode = rceil : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  // CHECK: mx.quantize %[[X]] random_bits(%[[R]] : tensor<4x64xi8>) scale_mode = even rounding = stochastic : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  %2 = mx.quantize %x random_bits(%r : tensor<4x64xi8>) scale_mode = even rounding = stochastic : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  // CHECK: mx.quantize %[[X]] tensor_scale(%[[S]]) : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4>
  %3 = mx.quantize %x tensor_scale(%s) : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4>
  // CHECK: mx.quantize %[[X]] scale_mode = nvfp4 : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4, block = [4, 16]>
  %4 = mx.quantize %x scale_mode = nvfp4 : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4, block = [4, 16]>
  return
}
// GENERIC-LABEL: sym_name = "quantize"
// GENERIC: "mx.quantize"(%{{.*}}) <{operandSegmentSizes = array<i32: 1, 0, 0>, rounding = #mx<rounding rne>}>
// GENERIC: "mx.quantize"(%{{.*}}) <{operandSegmentSizes = array<i32: 1, 0, 0>, rounding = #mx<rounding rne>, scale_mode = #mx<scale_mode rceil>}>
// GENERIC: "mx.quantize"(%{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 0, 1>, rounding = #mx<rounding stochastic>, scale_mode = #mx<scale_mode even>}>
// GENERIC: "mx.quantize"(%{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 0>, rounding = #mx<rounding rne>}>

// CHECK-LABEL: func.func @dequantize_convert(
// CHECK-SAME: %[[Q:.*]]: !mx.tensor<4x64xmxfp8_e4m3>)
func.func @dequantize_convert(%q: !mx.tensor<4x64xmxfp8_e4m3>) {
  // CHECK: mx.dequantize %[[Q]] : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xf32>
  %0 = mx.dequantize %q : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xf32>
  // CHECK: mx.dequantize %[[Q]] : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xbf16>
  %1 = mx.dequantize %q : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xbf16>
  // CHECK: mx.convert %[[Q]] scale_mode = rceil : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xmxfp4>
  %2 = mx.convert %q scale_mode = rceil : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xmxfp4>
  // CHECK: mx.convert %[[Q]] : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xnvfp4, block = [4, 16]>
  %3 = mx.convert %q : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xnvfp4, block = [4, 16]>
  return
}

// CHECK-LABEL: func.func @components(
// CHECK-SAME: %[[Q:.*]]: !mx.tensor<256x64xmxfp4>, %[[N:.*]]: !mx.tensor<2x4x64xnvfp4>)
func.func @components(%q: !mx.tensor<256x64xmxfp4>, %n: !mx.tensor<2x4x64xnvfp4>) {
  // CHECK: %[[E:.*]], %[[SC:.*]] = mx.unpack %[[Q]] : !mx.tensor<256x64xmxfp4>
  %e, %s = mx.unpack %q : !mx.tensor<256x64xmxfp4>
  // CHECK: mx.pack %[[E]], %[[SC]] : tensor<256x64xf4E2M1FN>, tensor<256x2xf8E8M0FNU> -> !mx.tensor<256x64xmxfp4>
  %p = mx.pack %e, %s : tensor<256x64xf4E2M1FN>, tensor<256x2xf8E8M0FNU> -> !mx.tensor<256x64xmxfp4>
  // 256 rows of blocks -> 2 atoms of 128; 2 block columns -> one atom of 4.
  // CHECK: %[[E2:.*]], %[[SC2:.*]] = mx.unpack %[[Q]] layout = blackwell_128x4 : !mx.tensor<256x64xmxfp4>
  %e2, %s2 = mx.unpack %q layout = blackwell_128x4 : !mx.tensor<256x64xmxfp4>
  // CHECK: mx.pack %[[E2]], %[[SC2]] layout = blackwell_128x4 : tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E8M0FNU> -> !mx.tensor<256x64xmxfp4>
  %p2 = mx.pack %e2, %s2 layout = blackwell_128x4 : tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E8M0FNU> -> !mx.tensor<256x64xmxfp4>
  // Batch dimensions stay in front of the atoms.
  // CHECK: %[[E3:.*]], %[[SC3:.*]], %[[G:.*]] = mx.unpack %[[N]] layout = blackwell_128x4 : !mx.tensor<2x4x64xnvfp4>
  %e3, %s3, %g = mx.unpack %n layout = blackwell_128x4 : !mx.tensor<2x4x64xnvfp4>
  // CHECK: mx.pack %[[E3]], %[[SC3]], %[[G]] layout = blackwell_128x4 : tensor<2x4x64xf4E2M1FN>, tensor<2x1x1x32x4x4xf8E4M3FN> -> !mx.tensor<2x4x64xnvfp4>
  %p3 = mx.pack %e3, %s3, %g layout = blackwell_128x4 : tensor<2x4x64xf4E2M1FN>, tensor<2x1x1x32x4x4xf8E4M3FN> -> !mx.tensor<2x4x64xnvfp4>
  return
}
// GENERIC-LABEL: sym_name = "components"
// GENERIC: "mx.unpack"(%{{.*}}) <{layout = #mx<scale_layout row_major>, resultSegmentSizes = array<i32: 1, 1, 0>}> : (!mx.tensor<256x64xmxfp4>) -> (tensor<256x64xf4E2M1FN>, tensor<256x2xf8E8M0FNU>)
// GENERIC: "mx.unpack"(%{{.*}}) <{layout = #mx<scale_layout blackwell_128x4>, resultSegmentSizes = array<i32: 1, 1, 0>}> : (!mx.tensor<256x64xmxfp4>) -> (tensor<256x64xf4E2M1FN>, tensor<2x1x32x4x4xf8E8M0FNU>)
// GENERIC: "mx.unpack"(%{{.*}}) <{layout = #mx<scale_layout blackwell_128x4>, resultSegmentSizes = array<i32: 1, 1, 1>}> : (!mx.tensor<2x4x64xnvfp4>) -> (tensor<2x4x64xf4E2M1FN>, tensor<2x1x1x32x4x4xf8E4M3FN>, f32)

// CHECK-LABEL: func.func @constant
func.func @constant() {
  // CHECK: mx.constant packed(dense<"0x9207"> : tensor<2xi8>) scales(dense<2.000000e+00> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  %0 = mx.constant elements(dense<[[1.0, -0.5, 6.0, 0.0]]> : tensor<1x4xf4E2M1FN>) scales(dense<2.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  // CHECK: mx.constant packed(dense<"0x0180"> : tensor<2xi8>) scales(dense<0xFF> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>
  %1 = mx.constant elements(dense<[[1, -128]]> : tensor<1x2xi8>) scales(dense<0xFF> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x2x#mx.format<i8, f8E8M0FNU, block = 2>>
  // CHECK: mx.constant packed(dense<"0x11"> : tensor<8xi8>) scales(dense<4.480000e+02> : tensor<1x1xf8E4M3FN>) tensor_scale(2.500000e-01) : !mx.tensor<1x16xnvfp4>
  %2 = mx.constant elements(dense<0.5> : tensor<1x16xf4E2M1FN>) scales(dense<448.0> : tensor<1x1xf8E4M3FN>) tensor_scale(0.25) : !mx.tensor<1x16xnvfp4>
  return
}

// CHECK-LABEL: func.func @compute(
// CHECK-SAME: %[[A:.*]]: !mx.tensor<4x64xmxfp8_e4m3>, %[[W:.*]]: !mx.tensor<64x32xmxfp4, block = [32, 1]>, %[[X:.*]]: tensor<2x4x64xf32>, %[[B:.*]]: !mx.tensor<2x64x32xnvfp4, block = [1, 16, 16]>)
func.func @compute(%a: !mx.tensor<4x64xmxfp8_e4m3>, %w: !mx.tensor<64x32xmxfp4, block = [32, 1]>,
                   %x: tensor<2x4x64xf32>, %b: !mx.tensor<2x64x32xnvfp4, block = [1, 16, 16]>) {
  // CHECK: mx.matmul %[[A]], %[[W]] : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
  %0 = mx.matmul %a, %w : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
  // CHECK: mx.matmul %[[X]], %[[B]] : tensor<2x4x64xf32>, !mx.tensor<2x64x32xnvfp4, block = [1, 16, 16]> -> tensor<2x4x32xf32>
  %1 = mx.matmul %x, %b : tensor<2x4x64xf32>, !mx.tensor<2x64x32xnvfp4, block = [1, 16, 16]> -> tensor<2x4x32xf32>
  // CHECK: mx.hadamard %[[X]] axis(2) size(64) : tensor<2x4x64xf32>
  %2 = mx.hadamard %x axis(2) size(64) : tensor<2x4x64xf32>
  // CHECK: mx.hadamard %[[X]] axis(2) size(16) seed(7) inverse : tensor<2x4x64xf32>
  %3 = mx.hadamard %x axis(2) size(16) seed(7) inverse : tensor<2x4x64xf32>
  return
}
// GENERIC-LABEL: sym_name = "compute"
// GENERIC: "mx.hadamard"(%{{.*}}) <{axis = 2 : i64, size = 64 : i64}>
// GENERIC: "mx.hadamard"(%{{.*}}) <{axis = 2 : i64, inverse, seed = 7 : i64, size = 16 : i64}>

// CHECK: module attributes {mx.policy = #mx.policy<weights = nvfp4, activations = mxfp8_e4m3, scale_mode = floor, rounding = rne>}
module attributes {mx.policy = #mx.policy<weights = nvfp4, activations = mxfp8_e4m3, scale_mode = floor, rounding = rne>} {
  // CHECK: func.func private @weights(tensor<64x64xf32> {mx.weight}) attributes {mx.policy = #mx.policy<outputs = #mx.format<f8E4M3FN, f8E8M0FNU, block = 16>>}
  func.func private @weights(tensor<64x64xf32> {mx.weight}) attributes {mx.policy = #mx.policy<outputs = #mx.format<f8E4M3FN, f8E8M0FNU, block = 16>>}
}

// Per-tensor FP8 (fp8_e4m3_tensor): no block shape, no scales component.
// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: %{{.*}}: !mx.tensor<64x8xfp8_e4m3_tensor>)
func.func @per_tensor(%x: tensor<4x64xf32>, %s: f32,
                      %w: !mx.tensor<64x8x#mx.format<f8E4M3FN, none, tensor_scale>>) {
  // CHECK: mx.quantize %{{.*}} : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  // CHECK: mx.quantize %{{.*}} tensor_scale(%{{.*}}) scale_mode = tensor
  %c = mx.quantize %x tensor_scale(%s) scale_mode = tensor : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  // CHECK: mx.dequantize %{{.*}} : !mx.tensor<4x64xfp8_e4m3_tensor> -> tensor<4x64xbf16>
  %d = mx.dequantize %q : !mx.tensor<4x64xfp8_e4m3_tensor> -> tensor<4x64xbf16>
  // CHECK: mx.matmul %{{.*}}, %{{.*}} : !mx.tensor<4x64xfp8_e4m3_tensor>, !mx.tensor<64x8xfp8_e4m3_tensor> -> tensor<4x8xf32>
  %m = mx.matmul %q, %w : !mx.tensor<4x64xfp8_e4m3_tensor>, !mx.tensor<64x8x#mx.format<f8E4M3FN, none, tensor_scale>> -> tensor<4x8xf32>
  // A per-tensor operand does not split K: any partner block size fits (M6).
  %a = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4>
  // CHECK: mx.matmul %{{.*}}, %{{.*}} : !mx.tensor<4x64xnvfp4>, !mx.tensor<64x8xfp8_e4m3_tensor>
  %n = mx.matmul %a, %w : !mx.tensor<4x64xnvfp4>, !mx.tensor<64x8x#mx.format<f8E4M3FN, none, tensor_scale>> -> tensor<4x8xf32>
  // CHECK: %[[E:.*]], %[[G:.*]] = mx.unpack %{{.*}} : !mx.tensor<4x64xfp8_e4m3_tensor>
  %e, %g = mx.unpack %q : !mx.tensor<4x64xfp8_e4m3_tensor>
  // CHECK: mx.pack %[[E]], %[[G]] : tensor<4x64xf8E4M3FN> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  %p = mx.pack %e, %g : tensor<4x64xf8E4M3FN> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  // CHECK: mx.convert %{{.*}} : !mx.tensor<4x64xfp8_e4m3_tensor> -> !mx.tensor<4x64xmxfp4>
  %v = mx.convert %p : !mx.tensor<4x64xfp8_e4m3_tensor> -> !mx.tensor<4x64xmxfp4>
  // CHECK: mx.constant packed(dense<"0x6EFE"> : tensor<2xi8>) tensor_scale(2.500000e-01) : !mx.tensor<1x2xfp8_e4m3_tensor>
  %k = mx.constant elements(dense<[[112.0, -448.0]]> : tensor<1x2xf8E4M3FN>) tensor_scale(0.25) : !mx.tensor<1x2xfp8_e4m3_tensor>
  return
}
// GENERIC-LABEL: sym_name = "per_tensor"
// GENERIC: "mx.unpack"(%{{.*}}) <{layout = #mx<scale_layout row_major>, resultSegmentSizes = array<i32: 1, 0, 1>}> : (!mx.tensor<4x64xfp8_e4m3_tensor>) -> (tensor<4x64xf8E4M3FN>, f32)
// GENERIC: "mx.pack"(%{{.*}}, %{{.*}}) <{layout = #mx<scale_layout row_major>, operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<4x64xf8E4M3FN>, f32) -> !mx.tensor<4x64xfp8_e4m3_tensor>

// Format choices `none` / `bf16`, per-operand choices, weight blocks and
// Hadamard rotations (docs/Policies.md) round-trip.
// CHECK: module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = none, scale_mode = rceil, weight_block = [16, 16], lhs = nvfp4, rhs = bf16, hadamard = 32>}
module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = none, scale_mode = rceil, weight_block = [16, 16], lhs = nvfp4, rhs = bf16, hadamard = 32>} {
  // CHECK: func.func private @choices() attributes {mx.policy = #mx.policy<weights = bf16, rhs = #mx.format<f8E4M3FN, f8E8M0FNU, block = 64>>}
  func.func private @choices() attributes {mx.policy = #mx.policy<rhs = #mx.format<f8E4M3FN, f8E8M0FNU, block = 64>, weights = bf16>}
}
