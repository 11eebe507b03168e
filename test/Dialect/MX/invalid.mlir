// RUN: mx-opt %s -split-input-file -verify-diagnostics
// Every MX diagnostic, by rule (docs/Dialect.md).

// F1
// expected-error @+1 {{element type must be one of f4E2M1FN, f6E2M3FN, f6E3M2FN, f8E4M3FN, f8E5M2, i8; got 'f16'}}
func.func private @f1() -> !mx.tensor<4x32x#mx.format<f16, f8E8M0FNU, block = 32>>

// -----

// F2
// expected-error @+1 {{scale type must be f8E8M0FNU, f8E4M3FN (read as UE4M3) or none (per-tensor); got 'f32'}}
func.func private @f2() -> !mx.tensor<4x32x#mx.format<f4E2M1FN, f32, block = 32>>

// -----

// F3: an E8M0 scale takes no tensor scale.
// expected-error @+1 {{invalid format: an E8M0 block scale takes no tensor scale}}
func.func private @f3a() -> !mx.tensor<4x32x#mx.format<f4E2M1FN, f8E8M0FNU, block = 32, tensor_scale>>

// -----

// F3: UE4M3 scales need the tensor scale.
// expected-error @+1 {{invalid format: UE4M3 block scales need an FP32 tensor scale}}
func.func private @f3b() -> !mx.tensor<4x32x#mx.format<f4E2M1FN, f8E4M3FN, block = 16>>

// -----

// F3: UE4M3 scales only for E2M1 elements.
// expected-error @+1 {{invalid format: element kind e4m3 cannot take UE4M3 block scales}}
func.func private @f3c() -> !mx.tensor<4x32x#mx.format<f8E4M3FN, f8E4M3FN, block = 16, tensor_scale>>

// -----

// F3: block size.
// expected-error @+1 {{invalid format: block size must be positive, got 0}}
func.func private @f3d() -> !mx.tensor<4x32x#mx.format<f8E4M3FN, f8E8M0FNU, block = 0>>

// -----

// expected-error @+1 {{unknown format preset 'mxfp5'}}
func.func private @preset() -> !mx.tensor<4x32xmxfp5>

// -----

// T1
// expected-error @+1 {{dimensions must be static and positive, got 0}}
func.func private @t1() -> !mx.tensor<0x32xmxfp4>

// -----

// T2
// expected-error @+1 {{block size 32 does not divide dimension 1 of size 48}}
func.func private @t2a() -> !mx.tensor<4x48xmxfp4>

// -----

// T2
// expected-error @+1 {{block shape has rank 1 but the tensor has rank 2}}
func.func private @t2b() -> !mx.tensor<4x64xmxfp4, block = [32]>

// -----

// T2
// expected-error @+1 {{block size along dimension 0 must be positive, got 0}}
func.func private @t2c() -> !mx.tensor<4x64xmxfp4, block = [0, 32]>

// -----

// A1
// expected-error @+1 {{'mx.policy' must be a #mx.policy, got "mxfp4"}}
module attributes {mx.policy = "mxfp4"} {}

// -----

// A2
// expected-error @+1 {{'mx.weight' must be a unit attribute}}
func.func private @a2(%w: tensor<4xf32> {mx.weight = 1 : i32})

// -----

// A2
// expected-error @+1 {{'mx.weight' is an argument attribute of a function}}
module attributes {mx.weight} {}

// -----

// A9
// expected-error @+1 {{'mx.kernel_layout' must be a symbol (the layout function), got "w_layout"}}
func.func private @a9_string(%w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = "w_layout"})

// -----

// A9
// expected-error @+1 {{'mx.kernel_layout' goes on a function argument of type !mx.tensor}}
func.func private @a9_plain(%w: tensor<64x64xf32> {mx.kernel_layout = @w_layout})

// -----

// A9
// expected-error @+1 {{'mx.kernel_layout' is an argument attribute of a function}}
module attributes {mx.kernel_layout = @w_layout} {}

// -----

// A4
// expected-error @+1 {{'mx.name' must be a string, got 3 : i64}}
module attributes {mx.name = 3} {}

// -----

// expected-error @+1 {{unknown MX attribute 'mx.polcy' (expected mx.policy or mx.name; mx.weight goes on function arguments)}}
module attributes {mx.polcy = #mx.policy<weights = mxfp4>} {}

// -----

// expected-error @+1 {{unknown MX argument attribute 'mx.weights' (expected mx.weight or mx.kernel_layout)}}
func.func @arg_attr(%w: tensor<4xf32> {mx.weights}) {
  return
}

// -----

// expected-error @+1 {{expected a format preset or #mx.format<...>}}
func.func private @not_a_format() -> !mx.tensor<4x32x"mxfp4">

// -----

// A3
// expected-error @+1 {{policy weights: scale mode 'even' is not valid for mxint8}}
module attributes {mx.policy = #mx.policy<weights = mxint8, scale_mode = even>} {}

// -----

// A3 covers the per-operand choices too.
// expected-error @+1 {{policy rhs: scale mode 'even' is not valid for mxint8}}
module attributes {mx.policy = #mx.policy<rhs = mxint8, scale_mode = even>} {}

// -----

// A6
// expected-error @+1 {{policy weight_block must be two positive sizes [BK, BN]; got [16]}}
module attributes {mx.policy = #mx.policy<weight_block = [16]>} {}

// -----

// A6
// expected-error @+1 {{policy weight_block must be two positive sizes [BK, BN]; got [0, 1]}}
module attributes {mx.policy = #mx.policy<weight_block = [0, 1]>} {}

// -----

// A7
// expected-error @+1 {{policy hadamard must be a power of two among 16, 32, 64, 128; got 24}}
module attributes {mx.policy = #mx.policy<hadamard = 24>} {}

// -----

// A7
// expected-error @+1 {{policy hadamard must be a power of two among 16, 32, 64, 128; got 256}}
module attributes {mx.policy = #mx.policy<hadamard = 256>} {}

// -----

// A8
// expected-error @+1 {{policy outputs must be a block-scaled format; got 'bf16'}}
module attributes {mx.policy = #mx.policy<outputs = bf16>} {}

// -----

// A8
// expected-error @+1 {{policy outputs must be a block-scaled format; got 'none'}}
module attributes {mx.policy = #mx.policy<outputs = none>} {}

// -----

func.func @q1(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{result shape [4, 32] does not match the input shape [4, 64]}}
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x32xmxfp4>
  return
}

// -----

func.func @q2(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{scale mode 'floor' is not valid for nvfp4 (allowed: nvfp4)}}
  %q = mx.quantize %x scale_mode = floor : tensor<4x64xf32> -> !mx.tensor<4x64xnvfp4>
  return
}

// -----

func.func @q2b(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{scale mode 'nvfp4' is not valid for mxfp4 (allowed: floor, rceil, ceil, even)}}
  %q = mx.quantize %x scale_mode = nvfp4 : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @q2c(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{scale mode 'even' is not valid for mxint8 (allowed: floor, rceil, ceil)}}
  %q = mx.quantize %x scale_mode = even : tensor<4x64xf32> -> !mx.tensor<4x64xmxint8>
  return
}

// -----

func.func @q3a(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{stochastic rounding needs a random_bits operand}}
  %q = mx.quantize %x rounding = stochastic : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @q3b(%x: tensor<4x64xf32>, %r: tensor<4x64xi8>) {
  // expected-error @+1 {{random_bits given without stochastic rounding}}
  %q = mx.quantize %x random_bits(%r : tensor<4x64xi8>) : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @q3c(%x: tensor<4x64xf32>, %r: tensor<4x32xi8>) {
  // expected-error @+1 {{random_bits must have the input's shape [4, 64], one byte per element}}
  %q = mx.quantize %x random_bits(%r : tensor<4x32xi8>) rounding = stochastic : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @q4(%x: tensor<4x64xf32>, %s: f32) {
  // expected-error @+1 {{format mxfp4 has no tensor scale}}
  %q = mx.quantize %x tensor_scale(%s) : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @q_input(%x: tensor<4x64xf16>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float values}}
  %q = "mx.quantize"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4x64xf16>) -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @c1(%q: !mx.tensor<4x64xmxfp8_e4m3>) {
  // expected-error @+1 {{result shape [4, 32] does not match the input shape [4, 64]}}
  %c = mx.convert %q : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x32xmxfp4>
  return
}

// -----

func.func @c2(%q: !mx.tensor<4x64xmxfp8_e4m3>) {
  // expected-error @+1 {{scale mode 'rceil' is not valid for nvfp4}}
  %c = mx.convert %q scale_mode = rceil : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xnvfp4>
  return
}

// -----

func.func @d1(%q: !mx.tensor<4x64xmxfp4>) {
  // expected-error @+1 {{result shape [64, 4] does not match the input shape [4, 64]}}
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<64x4xf32>
  return
}

// -----

func.func @d2(%q: !mx.tensor<4x64xmxfp4>) {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf64>
  return
}

// -----

func.func @k1() {
  // expected-error @+1 {{elements must have type 'tensor<1x32xf4E2M1FN>', got 'tensor<1x32xf8E4M3FN>'}}
  %c = mx.constant elements(dense<0.0> : tensor<1x32xf8E4M3FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x32xmxfp4>
  return
}

// -----

func.func @k2() {
  // expected-error @+1 {{scales must have type 'tensor<1x1xf8E8M0FNU>' (row-major over the block grid), got 'tensor<1x2xf8E8M0FNU>'}}
  %c = mx.constant elements(dense<0.0> : tensor<1x32xf4E2M1FN>) scales(dense<1.0> : tensor<1x2xf8E8M0FNU>) : !mx.tensor<1x32xmxfp4>
  return
}

// -----

func.func @k3a() {
  // expected-error @+1 {{format needs a tensor_scale}}
  %c = mx.constant elements(dense<0.0> : tensor<1x16xf4E2M1FN>) scales(dense<1.0> : tensor<1x1xf8E4M3FN>) : !mx.tensor<1x16xnvfp4>
  return
}

// -----

func.func @k3b() {
  // expected-error @+1 {{format has no tensor scale}}
  %c = mx.constant elements(dense<0.0> : tensor<1x32xf4E2M1FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) tensor_scale(1.0) : !mx.tensor<1x32xmxfp4>
  return
}

// -----

func.func @k4() {
  // expected-error @+1 {{tensor_scale must be finite and positive}}
  %c = mx.constant elements(dense<0.0> : tensor<1x16xf4E2M1FN>) scales(dense<1.0> : tensor<1x1xf8E4M3FN>) tensor_scale(-1.0) : !mx.tensor<1x16xnvfp4>
  return
}

// -----

func.func @k6() {
  // expected-error @+1 {{UE4M3 scale constants must have the sign bit clear}}
  %c = mx.constant elements(dense<0.0> : tensor<1x16xf4E2M1FN>) scales(dense<-2.0> : tensor<1x1xf8E4M3FN>) tensor_scale(1.0) : !mx.tensor<1x16xnvfp4>
  return
}

// -----

func.func @u1(%q: !mx.tensor<64xmxfp4>) {
  // expected-error @+1 {{the blackwell_128x4 scale layout needs a tensor of rank >= 2}}
  %e, %s = mx.unpack %q layout = blackwell_128x4 : !mx.tensor<64xmxfp4>
  return
}

// -----

func.func @p1(%e: tensor<4x64xf8E4M3FN>, %s: tensor<4x2xf8E8M0FNU>) {
  // expected-error @+1 {{elements must have type 'tensor<4x64xf4E2M1FN>', got 'tensor<4x64xf8E4M3FN>'}}
  %q = mx.pack %e, %s : tensor<4x64xf8E4M3FN>, tensor<4x2xf8E8M0FNU> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @p2(%e: tensor<4x64xf4E2M1FN>, %s: tensor<4x2xf8E8M0FNU>) {
  // expected-error @+1 {{scales must have type 'tensor<1x1x32x4x4xf8E8M0FNU>' for layout blackwell_128x4, got 'tensor<4x2xf8E8M0FNU>'}}
  %q = mx.pack %e, %s layout = blackwell_128x4 : tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

func.func @p3(%e: tensor<4x64xf4E2M1FN>, %s: tensor<4x4xf8E4M3FN>) {
  // expected-error @+1 {{format needs a tensor scale operand}}
  %q = mx.pack %e, %s : tensor<4x64xf4E2M1FN>, tensor<4x4xf8E4M3FN> -> !mx.tensor<4x64xnvfp4>
  return
}

// -----

func.func @m1(%a: tensor<64xf32>, %b: tensor<64xf32>) {
  // expected-error @+1 {{operands and result must have the same rank >= 2, got 1, 1 and 1}}
  %c = mx.matmul %a, %b : tensor<64xf32>, tensor<64xf32> -> tensor<64xf32>
  return
}

// -----

func.func @m2(%a: tensor<2x4x64xf32>, %b: tensor<3x64x8xf32>) {
  // expected-error @+1 {{batch dimensions must match}}
  %c = mx.matmul %a, %b : tensor<2x4x64xf32>, tensor<3x64x8xf32> -> tensor<2x4x8xf32>
  return
}

// -----

func.func @m3(%a: !mx.tensor<4x64xmxfp4>, %b: !mx.tensor<32x8xmxfp4, block = [32, 1]>) {
  // expected-error @+1 {{contraction sizes differ: lhs K = 64, rhs K = 32}}
  %c = mx.matmul %a, %b : !mx.tensor<4x64xmxfp4>, !mx.tensor<32x8xmxfp4, block = [32, 1]> -> tensor<4x8xf32>
  return
}

// -----

func.func @m4(%a: !mx.tensor<4x64xmxfp4>, %b: tensor<64x8xf32>) {
  // expected-error @+1 {{result must be 4x8, got 8x4}}
  %c = mx.matmul %a, %b : !mx.tensor<4x64xmxfp4>, tensor<64x8xf32> -> tensor<8x4xf32>
  return
}

// -----

func.func @m5(%a: !mx.tensor<2x4x64xmxfp4, block = [2, 1, 32]>, %b: tensor<2x64x8xf32>) {
  // expected-error @+1 {{lhs block size along batch dimension 0 must be 1, got 2}}
  %c = mx.matmul %a, %b : !mx.tensor<2x4x64xmxfp4, block = [2, 1, 32]>, tensor<2x64x8xf32> -> tensor<2x4x8xf32>
  return
}

// -----

func.func @m6(%a: !mx.tensor<4x64xmxfp4>, %b: !mx.tensor<64x16xnvfp4, block = [16, 16]>) {
  // expected-error @+1 {{block sizes along K must match: lhs 32, rhs 16}}
  %c = mx.matmul %a, %b : !mx.tensor<4x64xmxfp4>, !mx.tensor<64x16xnvfp4, block = [16, 16]> -> tensor<4x16xf32>
  return
}

// -----

func.func @h1(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = mx.hadamard %x axis(2) size(32) : tensor<4x64xf32>
  return
}

// -----

func.func @h2(%x: tensor<4x48xf32>) {
  // expected-error @+1 {{size 32 does not divide dimension 1 of size 48}}
  %y = mx.hadamard %x axis(1) size(32) : tensor<4x48xf32>
  return
}

// -----

func.func @h3(%x: tensor<4x48xf32>) {
  // expected-error @+1 {{attribute 'size' failed to satisfy constraint: 64-bit signless integer attribute whose value is 16, 32, 64 or 128}}
  %y = mx.hadamard %x axis(1) size(24) : tensor<4x48xf32>
  return
}

// -----

// A3
// expected-error @+1 {{a policy's scale_mode applies to E8M0-scaled formats; 'nvfp4' is implied for UE4M3 formats}}
module attributes {mx.policy = #mx.policy<weights = nvfp4, scale_mode = nvfp4>} {}

// -----

// K1: the packed form holds exactly the packed byte count (4 FP4 codes fill
// 2 bytes).
func.func @k1_packed_count() {
  // expected-error @+1 {{packed elements must have type 'tensor<2xi8>' (4 e2m1 codes packed), got 'tensor<4xi8>'}}
  %c = mx.constant packed(dense<"0x00000000"> : tensor<4xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  return
}

// -----

// K1: packed bytes are i8, in one dimension.
func.func @k1_packed_shape() {
  // expected-error @+1 {{packed elements must have type 'tensor<3xi8>' (4 e2m3 codes packed), got 'tensor<1x3xi8>'}}
  %c = mx.constant packed(dense<0> : tensor<1x3xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f6E2M3FN, f8E8M0FNU, block = 4>>
  return
}

// -----

// K7: 3 FP6 codes use 18 bits of 3 bytes; the 6 bits after them are zero.
func.func @k7() {
  // expected-error @+1 {{the 6 padding bits after the last element must be zero}}
  %c = mx.constant packed(dense<"0x000040"> : tensor<3xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x3x#mx.format<f6E2M3FN, f8E8M0FNU, block = 3>>
  return
}

// -----

// K7 on a splat: every byte, the last included, is 0x11.
func.func @k7_splat() {
  // expected-error @+1 {{the 4 padding bits after the last element must be zero}}
  %c = mx.constant packed(dense<"0x11"> : tensor<2xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x3x#mx.format<f4E2M1FN, f8E8M0FNU, block = 3>>
  return
}

// -----

func.func @k5_packed() {
  // expected-error @+1 {{elements and scales must be dense constants}}
  %c = mx.constant packed(dense_resource<blob1> : tensor<4xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 4>>
  return
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x0400000038383838"
    }
  }
#-}

// -----

func.func @constant_syntax() {
  // expected-error @+1 {{expected 'elements' or 'packed'}}
  %c = mx.constant bytes(dense<0> : tensor<2xi8>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  return
}

// -----

func.func @constant_packed_attr() {
  // expected-error @+1 {{packed elements must be an elements attribute}}
  %c = mx.constant packed(7 : i8) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
  return
}

// -----

func.func @k5() {
  // expected-error @+1 {{elements and scales must be dense constants}}
  %c = mx.constant elements(dense_resource<blob1> : tensor<1x4xf8E4M3FN>) scales(dense<1.0> : tensor<1x1xf8E8M0FNU>) : !mx.tensor<1x4x#mx.format<f8E4M3FN, f8E8M0FNU, block = 4>>
  return
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x0400000038383838"
    }
  }
#-}

// -----

// F3: only E4M3 is scaled per tensor.
// expected-error @+1 {{invalid format: element kind e5m2 cannot be scaled per tensor only}}
func.func private @f3e() -> !mx.tensor<4x32x#mx.format<f8E5M2, none, tensor_scale>>

// -----

// F3: a per-tensor format has no block size.
// expected-error @+1 {{invalid format: a format without block scales has no block size (its block is the whole tensor), got 32}}
func.func private @f3f() -> !mx.tensor<4x32x#mx.format<f8E4M3FN, none, block = 32, tensor_scale>>

// -----

// F3: a per-tensor format needs its tensor scale.
// expected-error @+1 {{invalid format: a format without block scales needs an FP32 tensor scale}}
func.func private @f3g() -> !mx.tensor<4x32x#mx.format<f8E4M3FN, none>>

// -----

// F3: block-scaled formats still need their block size.
// expected-error @+1 {{invalid format: block size must be positive, got 0}}
func.func private @f3h() -> !mx.tensor<4x32x#mx.format<f8E4M3FN, f8E8M0FNU>>

// -----

// T3: a per-tensor format takes no block shape.
// expected-error @+1 {{a per-tensor format takes no block shape (its one block is the whole tensor)}}
func.func private @t3a() -> !mx.tensor<4x64xfp8_e4m3_tensor, block = [4, 64]>

// -----

// T4: 2^64 elements would overflow every size computed from the type.
// expected-error @+1 {{the tensor has more than 2^57 elements (the product of its dimensions must be at most 144115188075855872)}}
func.func private @t4a() -> !mx.tensor<4294967296x4294967296xmxfp4>

// -----

// T4: one dimension alone over the limit, per tensor.
// expected-error @+1 {{the tensor has more than 2^57 elements}}
func.func private @t4b() -> !mx.tensor<99999999999999999x2xfp8_e4m3_tensor>

// -----

// T4: exactly 2^57 elements is a valid type.
func.func private @t4c() -> !mx.tensor<134217728x1073741824xmxfp4>

// -----

// Q2: per-tensor FP8 takes only the tensor rule, which block-scaled formats reject.
func.func @q2_tensor(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{scale mode 'floor' is not valid for fp8_e4m3_tensor (allowed: tensor)}}
  %q = mx.quantize %x scale_mode = floor : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  return
}

// -----

func.func @q2_tensor_e8m0(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{scale mode 'tensor' is not valid for mxfp4 (allowed: floor, rceil, ceil, even)}}
  %q = mx.quantize %x scale_mode = tensor : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return
}

// -----

// K2: a per-tensor constant has no scales.
// expected-error @+1 {{'mx.constant' op a per-tensor format has no scales}}
%k2a = mx.constant elements(dense<[[1.0, 2.0]]> : tensor<1x2xf8E4M3FN>) scales(dense<[[1.0]]> : tensor<1x1xf8E8M0FNU>) tensor_scale(1.0) : !mx.tensor<1x2xfp8_e4m3_tensor>

// -----

// K2: a block-scaled constant needs them.
// expected-error @+1 {{'mx.constant' op scales of type 'tensor<1x1xf8E8M0FNU>' are missing}}
%k2b = mx.constant elements(dense<[[1.0, 2.0]]> : tensor<1x2xf4E2M1FN>) : !mx.tensor<1x2x#mx.format<f4E2M1FN, f8E8M0FNU, block = 2>>

// -----

// K3: the per-tensor constant needs its tensor scale.
// expected-error @+1 {{'mx.constant' op format needs a tensor_scale}}
%k3 = mx.constant elements(dense<[[1.0, 2.0]]> : tensor<1x2xf8E4M3FN>) : !mx.tensor<1x2xfp8_e4m3_tensor>

// -----

// U2: no scales to lay out per tensor.
func.func @u2(%q: !mx.tensor<128x64xfp8_e4m3_tensor>) {
  // expected-error @+1 {{a per-tensor format has no scales to lay out}}
  %e, %g = mx.unpack %q layout = blackwell_128x4 : !mx.tensor<128x64xfp8_e4m3_tensor>
  return
}

// -----

// P2: a per-tensor pack takes no scales operand.
func.func @p2_tensor(%e: tensor<4x64xf8E4M3FN>, %s: tensor<4x2xf8E8M0FNU>, %g: f32) {
  // expected-error @+1 {{'mx.pack' op a per-tensor format takes no scales operand}}
  %q = mx.pack %e, %s, %g : tensor<4x64xf8E4M3FN>, tensor<4x2xf8E8M0FNU> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  return
}

// -----

// P2: a block-scaled pack needs its scales.
func.func @p2_missing(%e: tensor<4x64xf4E2M1FN>, %g: f32) {
  // expected-error @+1 {{'mx.pack' op a scales operand of type 'tensor<4x4xf8E4M3FN>' is missing}}
  %q = mx.pack %e, %g : tensor<4x64xf4E2M1FN> -> !mx.tensor<4x64xnvfp4>
  return
}

// -----

// P3: the per-tensor pack needs the tensor scale.
func.func @p3_tensor(%e: tensor<4x64xf8E4M3FN>) {
  // expected-error @+1 {{'mx.pack' op format needs a tensor scale operand}}
  %q = mx.pack %e : tensor<4x64xf8E4M3FN> -> !mx.tensor<4x64xfp8_e4m3_tensor>
  return
}

// -----

func.func @pack_types(%e: tensor<4x64xf8E4M3FN>) {
  // expected-error @+1 {{expected the elements type and, with a scales operand, the scales type for 1 operands}}
  %q = mx.pack %e : tensor<4x64xf8E4M3FN>, f32, f32 -> !mx.tensor<4x64xfp8_e4m3_tensor>
  return
}
