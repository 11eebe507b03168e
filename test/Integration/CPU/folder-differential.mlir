// RUN: mx-opt %s --canonicalize --mx-cpu-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The same with the scalar (linalg) lowering:
// RUN: mx-opt %s --canonicalize --mx-cpu-pipeline=vectorize=false | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

/// The compiled lowering against the constant folder, which runs the
/// reference library: every op below is evaluated twice on the same inputs,
/// once folded at compile time (operands are constants in @main) and once
/// by compiled code (the same op in a function taking arguments). The
/// printed codes, scales and bit patterns must be identical. This covers
/// what mx-quant cannot reach: stochastic rounding, a calibrated NVFP4
/// tensor scale, mx.convert, f16/bf16 dequantization and the 128x4 layout.

func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?xi32> to memref<?xi32>
  %u = memref.cast %m : memref<?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
func.func @print_i8(%t: tensor<?xi8>) {
  %e = arith.extui %t : tensor<?xi8> to tensor<?xi32>
  call @print(%e) : (tensor<?xi32>) -> ()
  return
}

// Stochastic rounding, floor scales.
func.func @sr_mxfp4(%x: tensor<2x32xf32>, %r: tensor<2x32xi8>) -> !mx.tensor<2x32xmxfp4> {
  %q = mx.quantize %x random_bits(%r : tensor<2x32xi8>) rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp4>
  return %q : !mx.tensor<2x32xmxfp4>
}
func.func @show_mxfp4(%q: !mx.tensor<2x32xmxfp4>) {
  %e, %s = mx.unpack %q : !mx.tensor<2x32xmxfp4>
  %eb = arith.bitcast %e : tensor<2x32xf4E2M1FN> to tensor<2x32xi4>
  %ei = arith.extui %eb : tensor<2x32xi4> to tensor<2x32xi8>
  %ef = tensor.collapse_shape %ei [[0, 1]] : tensor<2x32xi8> into tensor<64xi8>
  %ed = tensor.cast %ef : tensor<64xi8> to tensor<?xi8>
  call @print_i8(%ed) : (tensor<?xi8>) -> ()
  %sb = arith.bitcast %s : tensor<2x1xf8E8M0FNU> to tensor<2x1xi8>
  %sf = tensor.collapse_shape %sb [[0, 1]] : tensor<2x1xi8> into tensor<2xi8>
  %sd = tensor.cast %sf : tensor<2xi8> to tensor<?xi8>
  call @print_i8(%sd) : (tensor<?xi8>) -> ()
  return
}

// Stochastic rounding with a calibrated NVFP4 tensor scale.
func.func @sr_nvfp4(%x: tensor<2x32xf32>, %r: tensor<2x32xi8>, %t: f32) -> !mx.tensor<2x32xnvfp4> {
  %q = mx.quantize %x tensor_scale(%t) random_bits(%r : tensor<2x32xi8>) rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  return %q : !mx.tensor<2x32xnvfp4>
}
func.func @show_nvfp4(%q: !mx.tensor<2x32xnvfp4>) {
  %e, %s, %g = mx.unpack %q : !mx.tensor<2x32xnvfp4>
  %eb = arith.bitcast %e : tensor<2x32xf4E2M1FN> to tensor<2x32xi4>
  %ei = arith.extui %eb : tensor<2x32xi4> to tensor<2x32xi8>
  %ef = tensor.collapse_shape %ei [[0, 1]] : tensor<2x32xi8> into tensor<64xi8>
  %ed = tensor.cast %ef : tensor<64xi8> to tensor<?xi8>
  call @print_i8(%ed) : (tensor<?xi8>) -> ()
  %sb = arith.bitcast %s : tensor<2x2xf8E4M3FN> to tensor<2x2xi8>
  %sf = tensor.collapse_shape %sb [[0, 1]] : tensor<2x2xi8> into tensor<4xi8>
  %sd = tensor.cast %sf : tensor<4xi8> to tensor<?xi8>
  call @print_i8(%sd) : (tensor<?xi8>) -> ()
  %gb = arith.bitcast %g : f32 to i32
  %gt = tensor.from_elements %gb : tensor<1xi32>
  %gd = tensor.cast %gt : tensor<1xi32> to tensor<?xi32>
  call @print(%gd) : (tensor<?xi32>) -> ()
  return
}

// Stochastic rounding of E5M2 elements under rceil scales.
func.func @sr_e5m2(%x: tensor<2x32xf32>, %r: tensor<2x32xi8>) -> !mx.tensor<2x32xmxfp8_e5m2> {
  %q = mx.quantize %x random_bits(%r : tensor<2x32xi8>) scale_mode = rceil rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp8_e5m2>
  return %q : !mx.tensor<2x32xmxfp8_e5m2>
}
func.func @show_e5m2(%q: !mx.tensor<2x32xmxfp8_e5m2>) {
  %e, %s = mx.unpack %q : !mx.tensor<2x32xmxfp8_e5m2>
  %eb = arith.bitcast %e : tensor<2x32xf8E5M2> to tensor<2x32xi8>
  %ef = tensor.collapse_shape %eb [[0, 1]] : tensor<2x32xi8> into tensor<64xi8>
  %ed = tensor.cast %ef : tensor<64xi8> to tensor<?xi8>
  call @print_i8(%ed) : (tensor<?xi8>) -> ()
  %sb = arith.bitcast %s : tensor<2x1xf8E8M0FNU> to tensor<2x1xi8>
  %sf = tensor.collapse_shape %sb [[0, 1]] : tensor<2x1xi8> into tensor<2xi8>
  %sd = tensor.cast %sf : tensor<2xi8> to tensor<?xi8>
  call @print_i8(%sd) : (tensor<?xi8>) -> ()
  return
}

// convert (E4M3 under 2-D tiles to INT8 with ceil) and f16/bf16 decoding.
func.func @convert(%x: tensor<2x32xf32>) -> (!mx.tensor<2x32xmxint8>, tensor<2x32xf16>, tensor<2x32xbf16>) {
  %a = mx.quantize %x scale_mode = even : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]>
  %b = mx.convert %a scale_mode = ceil : !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]> -> !mx.tensor<2x32xmxint8>
  %n = mx.quantize %x : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  %h = mx.dequantize %a : !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]> -> tensor<2x32xf16>
  %bf = mx.dequantize %n : !mx.tensor<2x32xnvfp4> -> tensor<2x32xbf16>
  return %b, %h, %bf : !mx.tensor<2x32xmxint8>, tensor<2x32xf16>, tensor<2x32xbf16>
}
func.func @show_convert(%b: !mx.tensor<2x32xmxint8>, %h: tensor<2x32xf16>, %bf: tensor<2x32xbf16>) {
  %e, %s = mx.unpack %b : !mx.tensor<2x32xmxint8>
  %ef = tensor.collapse_shape %e [[0, 1]] : tensor<2x32xi8> into tensor<64xi8>
  %ed = tensor.cast %ef : tensor<64xi8> to tensor<?xi8>
  call @print_i8(%ed) : (tensor<?xi8>) -> ()
  %sb = arith.bitcast %s : tensor<2x1xf8E8M0FNU> to tensor<2x1xi8>
  %sf = tensor.collapse_shape %sb [[0, 1]] : tensor<2x1xi8> into tensor<2xi8>
  %sd = tensor.cast %sf : tensor<2xi8> to tensor<?xi8>
  call @print_i8(%sd) : (tensor<?xi8>) -> ()
  %hb = arith.bitcast %h : tensor<2x32xf16> to tensor<2x32xi16>
  %hi = arith.extui %hb : tensor<2x32xi16> to tensor<2x32xi32>
  %hf = tensor.collapse_shape %hi [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %hd = tensor.cast %hf : tensor<64xi32> to tensor<?xi32>
  call @print(%hd) : (tensor<?xi32>) -> ()
  %bb = arith.bitcast %bf : tensor<2x32xbf16> to tensor<2x32xi16>
  %bi = arith.extui %bb : tensor<2x32xi16> to tensor<2x32xi32>
  %bff = tensor.collapse_shape %bi [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %bd = tensor.cast %bff : tensor<64xi32> to tensor<?xi32>
  call @print(%bd) : (tensor<?xi32>) -> ()
  return
}

// The 128x4 scale layout (one scale per element: 130 x 2 scales pad to
// 256 x 4), and pack back from it.
func.func @layout(%x: tensor<130x2xf32>) -> (tensor<2x1x32x4x4xf8E8M0FNU>, !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>) {
  %q = mx.quantize %x : tensor<130x2xf32> -> !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  %e, %s = mx.unpack %q layout = blackwell_128x4 : !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  %p = mx.pack %e, %s layout = blackwell_128x4 : tensor<130x2xf8E4M3FN>, tensor<2x1x32x4x4xf8E8M0FNU> -> !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  return %s, %p : tensor<2x1x32x4x4xf8E8M0FNU>, !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
}
func.func @show_layout(%s: tensor<2x1x32x4x4xf8E8M0FNU>, %p: !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>) {
  %sb = arith.bitcast %s : tensor<2x1x32x4x4xf8E8M0FNU> to tensor<2x1x32x4x4xi8>
  %sf = tensor.collapse_shape %sb [[0, 1, 2, 3, 4]] : tensor<2x1x32x4x4xi8> into tensor<1024xi8>
  %sd = tensor.cast %sf : tensor<1024xi8> to tensor<?xi8>
  call @print_i8(%sd) : (tensor<?xi8>) -> ()
  %e, %r = mx.unpack %p : !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  %rb = arith.bitcast %r : tensor<130x2xf8E8M0FNU> to tensor<130x2xi8>
  %rf = tensor.collapse_shape %rb [[0, 1]] : tensor<130x2xi8> into tensor<260xi8>
  %rd = tensor.cast %rf : tensor<260xi8> to tensor<?xi8>
  call @print_i8(%rd) : (tensor<?xi8>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[0xC11CAE6A, 0x3EC1533E, 0xBEF02239, 0x3E15F538, 0x3F4151C0, 0x3F400000, 0xC0200000, 0x00000000, 0x80000000, 0xBD8195C8, 0xBF544653, 0xC0111D4A, 0xBE4E86A7, 0xBE390ACB, 0x3CB5A97D, 0xBDA11DC9, 0x40FBD8C5, 0xBF6DCC72, 0xBE1DE00B, 0x4017DC35, 0x3C2F597E, 0x40548DC7, 0x3FA0B2E5, 0x3FBE0B1B, 0x40F50D27, 0xBCD453AC, 0xBE137BD2, 0x3DA998A3, 0x3FC55961, 0x3DBA688A, 0x3D905191, 0xC0CFE0EF, 0xBD0D22CF, 0xBF22C904, 0xBF8E9B91, 0x3E0DC7AD, 0xC01BC1EC, 0xBE09B336, 0xBD659055, 0x3F3CEBC9, 0x000AE398, 0xC0001E9B, 0x4010E1CE, 0x3E557351, 0x3F0FD87B, 0x40133AC6, 0x3E173FBE, 0x3FC16E8C, 0xBE9DD0DB, 0xBDC81926, 0x417FD7B5, 0x3C41CA24, 0xBE319D2E, 0x3EFAE419, 0xC0C5D60A, 0x401AE81D, 0x3F1BBE27, 0x3FE34DD5, 0xBD374327, 0x415C0756, 0xBC657C6E, 0x3DBF8270, 0xBFA5CB02, 0xBE3DC83E]> : tensor<64xf32>
  %x2 = tensor.expand_shape %x [[0, 1]] output_shape [2, 32] : tensor<64xf32> into tensor<2x32xf32>
  %r = arith.constant dense<[-1, 0, 127, -128, -59, 69, -35, -50, 31, -12, -1, -31, -47, -28, 70, 119, -88, 87, -104, -75, -73, -109, 2, -6, 72, 3, 87, 123, 22, -39, -93, -64, -12, 117, -91, 15, -20, -24, -120, -93, 9, 82, 100, -1, -98, -105, -38, 16, 60, -61, -81, 57, -58, 102, 41, -57, -111, -119, 115, 55, 31, -111, -118, -90]> : tensor<64xi8>
  %r2 = tensor.expand_shape %r [[0, 1]] output_shape [2, 32] : tensor<64xi8> into tensor<2x32xi8>
  %t = arith.constant 0.00123 : f32

  %f1 = mx.quantize %x2 random_bits(%r2 : tensor<2x32xi8>) rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp4>
  call @show_mxfp4(%f1) : (!mx.tensor<2x32xmxfp4>) -> ()
  %c1 = call @sr_mxfp4(%x2, %r2) : (tensor<2x32xf32>, tensor<2x32xi8>) -> !mx.tensor<2x32xmxfp4>
  call @show_mxfp4(%c1) : (!mx.tensor<2x32xmxfp4>) -> ()

  %f2 = mx.quantize %x2 tensor_scale(%t) random_bits(%r2 : tensor<2x32xi8>) rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  call @show_nvfp4(%f2) : (!mx.tensor<2x32xnvfp4>) -> ()
  %c2 = call @sr_nvfp4(%x2, %r2, %t) : (tensor<2x32xf32>, tensor<2x32xi8>, f32) -> !mx.tensor<2x32xnvfp4>
  call @show_nvfp4(%c2) : (!mx.tensor<2x32xnvfp4>) -> ()

  %f3 = mx.quantize %x2 random_bits(%r2 : tensor<2x32xi8>) scale_mode = rceil rounding = stochastic : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp8_e5m2>
  call @show_e5m2(%f3) : (!mx.tensor<2x32xmxfp8_e5m2>) -> ()
  %c3 = call @sr_e5m2(%x2, %r2) : (tensor<2x32xf32>, tensor<2x32xi8>) -> !mx.tensor<2x32xmxfp8_e5m2>
  call @show_e5m2(%c3) : (!mx.tensor<2x32xmxfp8_e5m2>) -> ()

  %fa = mx.quantize %x2 scale_mode = even : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]>
  %fb = mx.convert %fa scale_mode = ceil : !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]> -> !mx.tensor<2x32xmxint8>
  %fn = mx.quantize %x2 : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  %fh = mx.dequantize %fa : !mx.tensor<2x32xmxfp8_e4m3, block = [2, 16]> -> tensor<2x32xf16>
  %fbf = mx.dequantize %fn : !mx.tensor<2x32xnvfp4> -> tensor<2x32xbf16>
  call @show_convert(%fb, %fh, %fbf) : (!mx.tensor<2x32xmxint8>, tensor<2x32xf16>, tensor<2x32xbf16>) -> ()
  %cb, %ch, %cbf = call @convert(%x2) : (tensor<2x32xf32>) -> (!mx.tensor<2x32xmxint8>, tensor<2x32xf16>, tensor<2x32xbf16>)
  call @show_convert(%cb, %ch, %cbf) : (!mx.tensor<2x32xmxint8>, tensor<2x32xf16>, tensor<2x32xbf16>) -> ()

  %l = arith.constant dense<[0xBACDFD51, 0x3338B3AE, 0x40CA8A60, 0xB75146F4, 0xC6B34B25, 0xC888F14C, 0xCD0266AE, 0xBB59B847, 0xCCE8605B, 0x329C1AAC, 0x49376D83, 0xB0C0A45C, 0x43DA6386, 0xC57C8EF7, 0xC37A15AC, 0x326409C4, 0x38A01844, 0x4C308E2D, 0xCDC62ACA, 0x476638BE, 0xBE42B4B4, 0xCB04FD02, 0xC095A029, 0xB01EB28B, 0xAFA224A5, 0x36CBE226, 0x4871AC51, 0xC28491A1, 0xCC9E1EAB, 0xB0799CE4, 0xC340302F, 0x35D20335, 0xBB54DE9A, 0xC445B40F, 0x3808276C, 0xB9FF049F, 0xC420A93D, 0x3D5B1676, 0x360E1871, 0xCCCA7640, 0x4C20E063, 0x3A2FB87F, 0x3A0943EA, 0x4A854794, 0x31699D65, 0xCD33AE1A, 0x346BF40B, 0xBD6A2036, 0xCB8F9626, 0x3CD107B7, 0xC5E5769B, 0x3A50AB36, 0xC34ED119, 0xBEF059D8, 0xB8CDB55E, 0x4C59590E, 0xB9166630, 0xC271277B, 0xC261B034, 0x3112F82F, 0xB62515F4, 0xB0CA16E3, 0x474223C4, 0xB4C80BB5, 0x33D59BB1, 0xBF30273B, 0x44757974, 0x49C88AA2, 0xB58BF8FA, 0x35978C9A, 0x46303591, 0xB03014FE, 0x2F20CDED, 0xB61E49C0, 0x40830A8A, 0x46DBD81A, 0x488E7553, 0xB4C5D38E, 0xCD31E909, 0x378CAD6B, 0x47FDC376, 0x3C9ADED4, 0x4440C55D, 0x4C4D0C2A, 0x42522D90, 0xC485727A, 0x4EA5E6A4, 0xBB1D2105, 0xB734FF84, 0x32A803DA, 0xC425E301, 0xCE68BF08, 0xCB8F21A3, 0xBC2DADBD, 0x422ED5BB, 0xC8AC4AFC, 0x46B5B4D7, 0xCAA4B86F, 0x319700CE, 0x3CEE504D, 0xB8926727, 0x3FE03E6A, 0x4B9D4FAB, 0xB1AD96A3, 0xC076EA6B, 0x396C6E5E, 0xBF5D146F, 0xB5834A32, 0x418982E4, 0xC69BCD4E, 0xCBF16BB2, 0xBFF7EBF8, 0xC8AC10D5, 0xB73A3EC6, 0xCB180590, 0x46F35103, 0xC00E155E, 0xC9E75E55, 0x45248BAF, 0xBBD906A4, 0x44783AC9, 0xB690F6B9, 0xC03D888C, 0x4085098A, 0xBC2CC26C, 0x4194A306, 0x3A996DF6, 0x2F0609E8, 0xCC95153E, 0xBB126CEF, 0xB4B9AC70, 0xBFD2B47E, 0x4D80DCFB, 0x40AAF92E, 0xCA8B5A0F, 0x4D9319E2, 0xBF9EA4AE, 0x33DA161F, 0xCE1300E5, 0x4D68ABA9, 0x3388DF08, 0xB6167357, 0xB75AEC2A, 0x32F25C52, 0xB150C1C4, 0xB72829F6, 0x37B0BEC0, 0x3902F87E, 0xBE7D2D91, 0xB33D0E40, 0xCBA91E5F, 0x3C300CA5, 0xC691474B, 0xC10E9CAF, 0x4320B276, 0xBC19553F, 0x41211C38, 0xB71DA86A, 0x36CF79F3, 0xC0EED343, 0x42072843, 0x4B9C9199, 0x44B9E73F, 0x4A56D273, 0xC2BA4798, 0x3A045AEA, 0x48823C65, 0xB5D5B729, 0x3750D4C2, 0xB3B24396, 0xB1E8CBE8, 0xBDC44AD8, 0x49043EEA, 0xC6E8FA43, 0x45B6A2BD, 0x49B8F3F3, 0x45AA66A1, 0x3998BE15, 0x348ECBD5, 0xC731CE25, 0xC0D787DE, 0xC3F6499E, 0x3F65B3AC, 0xB3C80A9D, 0x44565B84, 0x3F83F768, 0x3672B32C, 0xB5A4B69A, 0x34EC6769, 0x38D04739, 0x314D5556, 0xB34B21AA, 0x4887F82E, 0xB2AB15EE, 0xC0054CDB, 0x3B7E5AB5, 0xB09D05CB, 0x4413952D, 0xB5958500, 0xBDEB41CF, 0xBD492C59, 0x4CEF8C2E, 0x3F4FE716, 0x4910BA23, 0x4A86BA0A, 0x49D179C3, 0xC40ED2E8, 0xCEF3EBE1, 0xC08EEFC9, 0x42C391A1, 0x38E6036D, 0xB7C90A64, 0x49337064, 0xB55FA9C4, 0x4C4E56FF, 0xBAEFE44D, 0x490F9E91, 0xBE072311, 0x45C7A144, 0xB601FE61, 0x3F5379D7, 0x32C8D1D2, 0x446F7ABA, 0x4AFF718D, 0xCE045E65, 0xC502BFC0, 0xBBD7EFCD, 0x422A4366, 0x3F29C2F8, 0x3F3A4E70, 0xC8794400, 0xBD1B190B, 0x42DA4F04, 0xB0DBA9EB, 0xBADDE87C, 0xC044AB90, 0x3C206AD3, 0x2F528792, 0x4C9E8702, 0x3A61AA94, 0xC110EF8E, 0xC1BC9A30, 0x3D8589E4, 0xC940DD64, 0xC546AD58, 0xC87EFD23, 0x4E73218F, 0xB48C2221, 0xCBFF9EA3, 0x405ECBB6, 0xBE268241, 0xCDB3C06A, 0xBCD15299, 0x40E62C85, 0xBEF08637, 0x45117114, 0xC491FC9F, 0x4792413F, 0xC4D8551E, 0xB6EEF00E]> : tensor<260xf32>
  %l2 = tensor.expand_shape %l [[0, 1]] output_shape [130, 2] : tensor<260xf32> into tensor<130x2xf32>
  %fq = mx.quantize %l2 : tensor<130x2xf32> -> !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  %fe, %fs = mx.unpack %fq layout = blackwell_128x4 : !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>
  call @show_layout(%fs, %fq) : (tensor<2x1x32x4x4xf8E8M0FNU>, !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>) -> ()
  %cs, %cp = call @layout(%l2) : (tensor<130x2xf32>) -> (tensor<2x1x32x4x4xf8E8M0FNU>, !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>)
  call @show_layout(%cs, %cp) : (tensor<2x1x32x4x4xf8E8M0FNU>, !mx.tensor<130x2x#mx.format<f8E4M3FN, f8E8M0FNU, block = 1>>) -> ()
  return
}

/// Each pair: the folded (reference) output first, then the compiled one.
// CHECK: data =
// CHECK-NEXT: [[SRFP40:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRFP41:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRFP40]]
// CHECK: data =
// CHECK-NEXT: [[SRFP41]]
// CHECK: data =
// CHECK-NEXT: [[SRNV0:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRNV1:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRNV2:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRNV0]]
// CHECK: data =
// CHECK-NEXT: [[SRNV1]]
// CHECK: data =
// CHECK-NEXT: [[SRNV2]]
// CHECK: data =
// CHECK-NEXT: [[SRE50:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRE51:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[SRE50]]
// CHECK: data =
// CHECK-NEXT: [[SRE51]]
// CHECK: data =
// CHECK-NEXT: [[CONV0:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[CONV1:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[CONV2:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[CONV3:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[CONV0]]
// CHECK: data =
// CHECK-NEXT: [[CONV1]]
// CHECK: data =
// CHECK-NEXT: [[CONV2]]
// CHECK: data =
// CHECK-NEXT: [[CONV3]]
// CHECK: data =
// CHECK-NEXT: [[LAYOUT0:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[LAYOUT1:\[.*\]]]
// CHECK: data =
// CHECK-NEXT: [[LAYOUT0]]
// CHECK: data =
// CHECK-NEXT: [[LAYOUT1]]
