// RUN: mx-opt %s --mx-cpu-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The same with the scalar (linalg) lowering:
// RUN: mx-opt %s --mx-cpu-pipeline=vectorize=false | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

/// mx.quantize and mx.dequantize lowered by convert-mx-to-linalg and run on
/// the CPU through mx-cpu-pipeline, checked bit for bit against the
/// reference engine: the expected codes, scale bytes, decoded f32 bit
/// patterns (as i32) and NVFP4 tensor scales below are mx-quant's output for
/// the same inputs (edge categories: zeros, -0, f32 subnormals, exact ties,
/// values above the element maximum, Inf and NaN blocks). The quantizing
/// functions take their input as an argument, so nothing is constant folded.

func.func @q0_mxfp4(%x: tensor<2x32xf32>) -> (!mx.tensor<2x32xmxfp4>, tensor<2x32xf32>) {
  %q = mx.quantize %x scale_mode = floor : tensor<2x32xf32> -> !mx.tensor<2x32xmxfp4>
  %d = mx.dequantize %q : !mx.tensor<2x32xmxfp4> -> tensor<2x32xf32>
  return %q, %d : !mx.tensor<2x32xmxfp4>, tensor<2x32xf32>
}
func.func @q1_mxfp6_e3m2(%x: tensor<1x32xf32>) -> (!mx.tensor<1x32xmxfp6_e3m2>, tensor<1x32xf32>) {
  %q = mx.quantize %x scale_mode = rceil : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp6_e3m2>
  %d = mx.dequantize %q : !mx.tensor<1x32xmxfp6_e3m2> -> tensor<1x32xf32>
  return %q, %d : !mx.tensor<1x32xmxfp6_e3m2>, tensor<1x32xf32>
}
func.func @q2_mxfp6_e2m3(%x: tensor<4x8xf32>) -> (!mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]>, tensor<4x8xf32>) {
  %q = mx.quantize %x scale_mode = even : tensor<4x8xf32> -> !mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]>
  %d = mx.dequantize %q : !mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]> -> tensor<4x8xf32>
  return %q, %d : !mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]>, tensor<4x8xf32>
}
func.func @q3_mxfp8_e4m3(%x: tensor<1x64xf32>) -> (!mx.tensor<1x64xmxfp8_e4m3>, tensor<1x64xf32>) {
  %q = mx.quantize %x scale_mode = ceil : tensor<1x64xf32> -> !mx.tensor<1x64xmxfp8_e4m3>
  %d = mx.dequantize %q : !mx.tensor<1x64xmxfp8_e4m3> -> tensor<1x64xf32>
  return %q, %d : !mx.tensor<1x64xmxfp8_e4m3>, tensor<1x64xf32>
}
func.func @q4_mxfp8_e5m2(%x: tensor<1x32xf32>) -> (!mx.tensor<1x32xmxfp8_e5m2>, tensor<1x32xf32>) {
  %q = mx.quantize %x scale_mode = floor : tensor<1x32xf32> -> !mx.tensor<1x32xmxfp8_e5m2>
  %d = mx.dequantize %q : !mx.tensor<1x32xmxfp8_e5m2> -> tensor<1x32xf32>
  return %q, %d : !mx.tensor<1x32xmxfp8_e5m2>, tensor<1x32xf32>
}
func.func @q5_mxint8(%x: tensor<1x32xf32>) -> (!mx.tensor<1x32xmxint8>, tensor<1x32xf32>) {
  %q = mx.quantize %x scale_mode = rceil : tensor<1x32xf32> -> !mx.tensor<1x32xmxint8>
  %d = mx.dequantize %q : !mx.tensor<1x32xmxint8> -> tensor<1x32xf32>
  return %q, %d : !mx.tensor<1x32xmxint8>, tensor<1x32xf32>
}
func.func @q6_nvfp4(%x: tensor<2x32xf32>) -> (!mx.tensor<2x32xnvfp4>, tensor<2x32xf32>) {
  %q = mx.quantize %x : tensor<2x32xf32> -> !mx.tensor<2x32xnvfp4>
  %d = mx.dequantize %q : !mx.tensor<2x32xnvfp4> -> tensor<2x32xf32>
  return %q, %d : !mx.tensor<2x32xnvfp4>, tensor<2x32xf32>
}
func.func @q7_nvfp4(%x: tensor<16x16xf32>) -> (!mx.tensor<16x16xnvfp4, block = [16, 16]>, tensor<16x16xf32>) {
  %q = mx.quantize %x : tensor<16x16xf32> -> !mx.tensor<16x16xnvfp4, block = [16, 16]>
  %d = mx.dequantize %q : !mx.tensor<16x16xnvfp4, block = [16, 16]> -> tensor<16x16xf32>
  return %q, %d : !mx.tensor<16x16xnvfp4, block = [16, 16]>, tensor<16x16xf32>
}

func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?xi32> to memref<?xi32>
  %u = memref.cast %m : memref<?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @main() {
  %in0 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000, 0xBF8302BE, 0x4002ED2D, 0xBF6785C1, 0xBFA150A6, 0xC06E15AC, 0xBF5A6BD3, 0x408E534F, 0x3FD929C1, 0x4084B874, 0x3F7EE05B, 0x3FCA1F3F, 0x3F3DC646, 0xC0D54189, 0x405AF1BA, 0x4001A270, 0x3FFF6514, 0xC0D87EA2, 0xC0DF37BA, 0xC063BDD5, 0xBFEFB681, 0x3F9C636B, 0xBE3C0DF0, 0x40055E9C, 0xC024697F, 0x3F9E0E57, 0x3FC9CE9E, 0xC029404C, 0x40DBD809, 0x400E7DF3, 0x40993778, 0xC01ECE23, 0xC03D50EA]> : tensor<64xf32>
  %x0 = tensor.expand_shape %in0 [[0, 1]] output_shape [2, 32] : tensor<64xf32> into tensor<2x32xf32>
  %q0, %d0 = call @q0_mxfp4(%x0) : (tensor<2x32xf32>) -> (!mx.tensor<2x32xmxfp4>, tensor<2x32xf32>)
  %e0, %s0 = mx.unpack %q0 : !mx.tensor<2x32xmxfp4>
  %eb0 = arith.bitcast %e0 : tensor<2x32xf4E2M1FN> to tensor<2x32xi4>
  %ei0 = arith.extui %eb0 : tensor<2x32xi4> to tensor<2x32xi32>
  %ef0 = tensor.collapse_shape %ei0 [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %efc0 = tensor.cast %ef0 : tensor<64xi32> to tensor<?xi32>
  call @print(%efc0) : (tensor<?xi32>) -> ()
  %sb0 = arith.bitcast %s0 : tensor<2x1xf8E8M0FNU> to tensor<2x1xi8>
  %si0 = arith.extui %sb0 : tensor<2x1xi8> to tensor<2x1xi32>
  %sf0 = tensor.collapse_shape %si0 [[0, 1]] : tensor<2x1xi32> into tensor<2xi32>
  %sfc0 = tensor.cast %sf0 : tensor<2xi32> to tensor<?xi32>
  call @print(%sfc0) : (tensor<?xi32>) -> ()
  %db0 = arith.bitcast %d0 : tensor<2x32xf32> to tensor<2x32xi32>
  %df0 = tensor.collapse_shape %db0 [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %dfc0 = tensor.cast %df0 : tensor<64xi32> to tensor<?xi32>
  call @print(%dfc0) : (tensor<?xi32>) -> ()
  %in1 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000]> : tensor<32xf32>
  %x1 = tensor.expand_shape %in1 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %q1, %d1 = call @q1_mxfp6_e3m2(%x1) : (tensor<1x32xf32>) -> (!mx.tensor<1x32xmxfp6_e3m2>, tensor<1x32xf32>)
  %e1, %s1 = mx.unpack %q1 : !mx.tensor<1x32xmxfp6_e3m2>
  %eb1 = arith.bitcast %e1 : tensor<1x32xf6E3M2FN> to tensor<1x32xi6>
  %ei1 = arith.extui %eb1 : tensor<1x32xi6> to tensor<1x32xi32>
  %ef1 = tensor.collapse_shape %ei1 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %efc1 = tensor.cast %ef1 : tensor<32xi32> to tensor<?xi32>
  call @print(%efc1) : (tensor<?xi32>) -> ()
  %sb1 = arith.bitcast %s1 : tensor<1x1xf8E8M0FNU> to tensor<1x1xi8>
  %si1 = arith.extui %sb1 : tensor<1x1xi8> to tensor<1x1xi32>
  %sf1 = tensor.collapse_shape %si1 [[0, 1]] : tensor<1x1xi32> into tensor<1xi32>
  %sfc1 = tensor.cast %sf1 : tensor<1xi32> to tensor<?xi32>
  call @print(%sfc1) : (tensor<?xi32>) -> ()
  %db1 = arith.bitcast %d1 : tensor<1x32xf32> to tensor<1x32xi32>
  %df1 = tensor.collapse_shape %db1 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %dfc1 = tensor.cast %df1 : tensor<32xi32> to tensor<?xi32>
  call @print(%dfc1) : (tensor<?xi32>) -> ()
  %in2 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000]> : tensor<32xf32>
  %x2 = tensor.expand_shape %in2 [[0, 1]] output_shape [4, 8] : tensor<32xf32> into tensor<4x8xf32>
  %q2, %d2 = call @q2_mxfp6_e2m3(%x2) : (tensor<4x8xf32>) -> (!mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]>, tensor<4x8xf32>)
  %e2, %s2 = mx.unpack %q2 : !mx.tensor<4x8xmxfp6_e2m3, block = [4, 8]>
  %eb2 = arith.bitcast %e2 : tensor<4x8xf6E2M3FN> to tensor<4x8xi6>
  %ei2 = arith.extui %eb2 : tensor<4x8xi6> to tensor<4x8xi32>
  %ef2 = tensor.collapse_shape %ei2 [[0, 1]] : tensor<4x8xi32> into tensor<32xi32>
  %efc2 = tensor.cast %ef2 : tensor<32xi32> to tensor<?xi32>
  call @print(%efc2) : (tensor<?xi32>) -> ()
  %sb2 = arith.bitcast %s2 : tensor<1x1xf8E8M0FNU> to tensor<1x1xi8>
  %si2 = arith.extui %sb2 : tensor<1x1xi8> to tensor<1x1xi32>
  %sf2 = tensor.collapse_shape %si2 [[0, 1]] : tensor<1x1xi32> into tensor<1xi32>
  %sfc2 = tensor.cast %sf2 : tensor<1xi32> to tensor<?xi32>
  call @print(%sfc2) : (tensor<?xi32>) -> ()
  %db2 = arith.bitcast %d2 : tensor<4x8xf32> to tensor<4x8xi32>
  %df2 = tensor.collapse_shape %db2 [[0, 1]] : tensor<4x8xi32> into tensor<32xi32>
  %dfc2 = tensor.cast %df2 : tensor<32xi32> to tensor<?xi32>
  call @print(%dfc2) : (tensor<?xi32>) -> ()
  %in3 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000, 0x7F800000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000]> : tensor<64xf32>
  %x3 = tensor.expand_shape %in3 [[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
  %q3, %d3 = call @q3_mxfp8_e4m3(%x3) : (tensor<1x64xf32>) -> (!mx.tensor<1x64xmxfp8_e4m3>, tensor<1x64xf32>)
  %e3, %s3 = mx.unpack %q3 : !mx.tensor<1x64xmxfp8_e4m3>
  %eb3 = arith.bitcast %e3 : tensor<1x64xf8E4M3FN> to tensor<1x64xi8>
  %ei3 = arith.extui %eb3 : tensor<1x64xi8> to tensor<1x64xi32>
  %ef3 = tensor.collapse_shape %ei3 [[0, 1]] : tensor<1x64xi32> into tensor<64xi32>
  %efc3 = tensor.cast %ef3 : tensor<64xi32> to tensor<?xi32>
  call @print(%efc3) : (tensor<?xi32>) -> ()
  %sb3 = arith.bitcast %s3 : tensor<1x2xf8E8M0FNU> to tensor<1x2xi8>
  %si3 = arith.extui %sb3 : tensor<1x2xi8> to tensor<1x2xi32>
  %sf3 = tensor.collapse_shape %si3 [[0, 1]] : tensor<1x2xi32> into tensor<2xi32>
  %sfc3 = tensor.cast %sf3 : tensor<2xi32> to tensor<?xi32>
  call @print(%sfc3) : (tensor<?xi32>) -> ()
  %db3 = arith.bitcast %d3 : tensor<1x64xf32> to tensor<1x64xi32>
  %df3 = tensor.collapse_shape %db3 [[0, 1]] : tensor<1x64xi32> into tensor<64xi32>
  %dfc3 = tensor.cast %df3 : tensor<64xi32> to tensor<?xi32>
  call @print(%dfc3) : (tensor<?xi32>) -> ()
  %in4 = arith.constant dense<[0x00000000, 0x80000000, 0x2EDBE6FF, 0xB14E288F, 0x71177617, 0xF17C6F7C, 0x71FC6F7C, 0x7230B471, 0x727C6F7C, 0x72977617, 0x72B0B471, 0x749DC5AE, 0xF49DC5AE, 0x75B0B471, 0x76453719, 0x6FA18F08, 0xF072568C, 0x71B0B471, 0x71977617, 0xF20AD6EB, 0x73177617, 0x73241544, 0xEF177617, 0x6F49F2CA, 0x7938E3A8, 0x69045951, 0xF35691F6, 0x70C9F2CA, 0x7049F2CA, 0x6FC9F2CA, 0x72177617, 0xF2A41544]> : tensor<32xf32>
  %x4 = tensor.expand_shape %in4 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %q4, %d4 = call @q4_mxfp8_e5m2(%x4) : (tensor<1x32xf32>) -> (!mx.tensor<1x32xmxfp8_e5m2>, tensor<1x32xf32>)
  %e4, %s4 = mx.unpack %q4 : !mx.tensor<1x32xmxfp8_e5m2>
  %eb4 = arith.bitcast %e4 : tensor<1x32xf8E5M2> to tensor<1x32xi8>
  %ei4 = arith.extui %eb4 : tensor<1x32xi8> to tensor<1x32xi32>
  %ef4 = tensor.collapse_shape %ei4 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %efc4 = tensor.cast %ef4 : tensor<32xi32> to tensor<?xi32>
  call @print(%efc4) : (tensor<?xi32>) -> ()
  %sb4 = arith.bitcast %s4 : tensor<1x1xf8E8M0FNU> to tensor<1x1xi8>
  %si4 = arith.extui %sb4 : tensor<1x1xi8> to tensor<1x1xi32>
  %sf4 = tensor.collapse_shape %si4 [[0, 1]] : tensor<1x1xi32> into tensor<1xi32>
  %sfc4 = tensor.cast %sf4 : tensor<1xi32> to tensor<?xi32>
  call @print(%sfc4) : (tensor<?xi32>) -> ()
  %db4 = arith.bitcast %d4 : tensor<1x32xf32> to tensor<1x32xi32>
  %df4 = tensor.collapse_shape %db4 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %dfc4 = tensor.cast %df4 : tensor<32xi32> to tensor<?xi32>
  call @print(%dfc4) : (tensor<?xi32>) -> ()
  %in5 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000]> : tensor<32xf32>
  %x5 = tensor.expand_shape %in5 [[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
  %q5, %d5 = call @q5_mxint8(%x5) : (tensor<1x32xf32>) -> (!mx.tensor<1x32xmxint8>, tensor<1x32xf32>)
  %e5, %s5 = mx.unpack %q5 : !mx.tensor<1x32xmxint8>
  %ei5 = arith.extui %e5 : tensor<1x32xi8> to tensor<1x32xi32>
  %ef5 = tensor.collapse_shape %ei5 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %efc5 = tensor.cast %ef5 : tensor<32xi32> to tensor<?xi32>
  call @print(%efc5) : (tensor<?xi32>) -> ()
  %sb5 = arith.bitcast %s5 : tensor<1x1xf8E8M0FNU> to tensor<1x1xi8>
  %si5 = arith.extui %sb5 : tensor<1x1xi8> to tensor<1x1xi32>
  %sf5 = tensor.collapse_shape %si5 [[0, 1]] : tensor<1x1xi32> into tensor<1xi32>
  %sfc5 = tensor.cast %sf5 : tensor<1xi32> to tensor<?xi32>
  call @print(%sfc5) : (tensor<?xi32>) -> ()
  %db5 = arith.bitcast %d5 : tensor<1x32xf32> to tensor<1x32xi32>
  %df5 = tensor.collapse_shape %db5 [[0, 1]] : tensor<1x32xi32> into tensor<32xi32>
  %dfc5 = tensor.cast %df5 : tensor<32xi32> to tensor<?xi32>
  call @print(%dfc5) : (tensor<?xi32>) -> ()
  %in6 = arith.constant dense<[0x00000000, 0x80000000, 0x000116C2, 0x8020AAC8, 0x3F400000, 0xBFA00000, 0x40200000, 0x40600000, 0x40A00000, 0x40C00000, 0x40E00000, 0x42C80000, 0xC2C80000, 0x43E00000, 0x447A0000, 0x3DCCCCCD, 0xBE99999A, 0x3FE00000, 0x3FC00000, 0xC0300000, 0x41400000, 0x41500000, 0xBD400000, 0x3D800000, 0x476A6000, 0x3727C5AC, 0xC1880000, 0x3F000000, 0x3E800000, 0x3E000000, 0x40400000, 0xC0D00000, 0xBB617974, 0xBA8B7D13, 0x3BCF1E9C, 0x3B22CF2D, 0xBB9296D9, 0xBC1CC7D0, 0xBBAA9648, 0x3C480927, 0xBC045FBB, 0x3B2067B4, 0x3B8BC301, 0xBC74145B, 0x39FE252F, 0x3C5603D4, 0xBCA50445, 0xBB52C27F, 0xBA8B1E65, 0xBC05E662, 0x3BA2FC19, 0xBA234354, 0xBC6FF827, 0x3C07A25F, 0x3BDB53F2, 0x3C1AF77B, 0x3C6C0709, 0x3B6D6667, 0x3A9C55C4, 0xBC54DB0F, 0x3BC9AB1E, 0xBBC8760F, 0xBB945763, 0x7FC00000]> : tensor<64xf32>
  %x6 = tensor.expand_shape %in6 [[0, 1]] output_shape [2, 32] : tensor<64xf32> into tensor<2x32xf32>
  %q6, %d6 = call @q6_nvfp4(%x6) : (tensor<2x32xf32>) -> (!mx.tensor<2x32xnvfp4>, tensor<2x32xf32>)
  %e6, %s6, %g6 = mx.unpack %q6 : !mx.tensor<2x32xnvfp4>
  %eb6 = arith.bitcast %e6 : tensor<2x32xf4E2M1FN> to tensor<2x32xi4>
  %ei6 = arith.extui %eb6 : tensor<2x32xi4> to tensor<2x32xi32>
  %ef6 = tensor.collapse_shape %ei6 [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %efc6 = tensor.cast %ef6 : tensor<64xi32> to tensor<?xi32>
  call @print(%efc6) : (tensor<?xi32>) -> ()
  %sb6 = arith.bitcast %s6 : tensor<2x2xf8E4M3FN> to tensor<2x2xi8>
  %si6 = arith.extui %sb6 : tensor<2x2xi8> to tensor<2x2xi32>
  %sf6 = tensor.collapse_shape %si6 [[0, 1]] : tensor<2x2xi32> into tensor<4xi32>
  %sfc6 = tensor.cast %sf6 : tensor<4xi32> to tensor<?xi32>
  call @print(%sfc6) : (tensor<?xi32>) -> ()
  %db6 = arith.bitcast %d6 : tensor<2x32xf32> to tensor<2x32xi32>
  %df6 = tensor.collapse_shape %db6 [[0, 1]] : tensor<2x32xi32> into tensor<64xi32>
  %dfc6 = tensor.cast %df6 : tensor<64xi32> to tensor<?xi32>
  call @print(%dfc6) : (tensor<?xi32>) -> ()
  %gb6 = arith.bitcast %g6 : f32 to i32
  %gt6 = tensor.from_elements %gb6 : tensor<1xi32>
  %gtc6 = tensor.cast %gt6 : tensor<1xi32> to tensor<?xi32>
  call @print(%gtc6) : (tensor<?xi32>) -> ()
  %in7 = arith.constant dense<[0xBFA1E491, 0xBF77B593, 0xBF07F78D, 0x3FA4F8A1, 0xC00208E2, 0xBFBA9618, 0x3E751874, 0x3FB8BFAF, 0x3F141860, 0xBFF33157, 0xC0212AC2, 0x3EB6FCC5, 0xBF3C7BAA, 0xBF8F552B, 0x3F7A3500, 0x3F8D0755, 0x3E2106A3, 0x3E7BACD6, 0x3EDE64CD, 0x3FCC0853, 0x3F1E78A9, 0x3F04C637, 0x3F0C3888, 0xBFC8BE66, 0x3FA40FD8, 0x3F748192, 0x3F07956C, 0xBFFCA7F3, 0xBF2238DB, 0x3F57A135, 0xBFE7D5DE, 0xBE3C7053, 0x3F827FE2, 0xBFA7D507, 0x3FCE17F6, 0x3F0D4D83, 0xBE19BDF9, 0x3EA654F2, 0x3F265B53, 0x3DF690FC, 0x3F92A4FF, 0xBF295AFC, 0xBED4584C, 0x3F8555EB, 0x3CDB8974, 0xBF616618, 0x3F724AE4, 0x3FBB956D, 0xBEE3C03F, 0xBFB0A39E, 0xBE09FB6F, 0xBE189863, 0xBE989369, 0x3FB3CF83, 0xBF8372A8, 0x3FA15AE7, 0xBFA25860, 0xBF497B6B, 0x3F21AB61, 0x3F9078ED, 0x3F5BE794, 0x3EB0C14C, 0x3E11C5DC, 0x3E1C2430, 0x3F134591, 0xBE346D1B, 0x3E8E0C17, 0x3F129E35, 0x3A5C1050, 0x3F43945A, 0x3F10DD64, 0x4000AE33, 0x3EA65EE2, 0xBEDAED77, 0xBEBEBF08, 0xBC56B8DC, 0x3F6C7D26, 0xBEAC5213, 0x3EC58AFC, 0x3FEB2CB0, 0xC02423B5, 0xBF8FDC3D, 0x3E79C024, 0x3ECBF29E, 0x3E744C91, 0xBEDCBFE4, 0x3F27B7A9, 0x3E90735A, 0xBF05A528, 0x401B8601, 0x3EB5D3F9, 0xBF0DE1F3, 0xBDCBABAF, 0xBE670274, 0xBD807EA4, 0xC02E98F3, 0xBEF94AD4, 0x3F8118CE, 0xBF959373, 0xBD889A1C, 0x3F7418EE, 0x3F5B2E67, 0x3FBEDACB, 0xBFD9C7EA, 0xBEB4EDB3, 0xBEAE90FF, 0x3F1F8FEC, 0x3F8BBFB1, 0xC02BB37B, 0x3F8B59D8, 0xBFB9491A, 0x3F2EE2E9, 0xBFBEFE64, 0x3E3412BD, 0x3F98EA71, 0xBE18E73D, 0x3E43B087, 0x3F4C104C, 0x3E10C52F, 0xBDB535BA, 0x3FC441BC, 0x3F86344A, 0xBE966EED, 0x402FB369, 0xBF92CB9F, 0x3F6A23D3, 0xBE880BBE, 0x3E078AE1, 0x3F347B40, 0x3E638E33, 0x3F237E42, 0xBFC37F66, 0xBFC137A9, 0x3F1D6CE1, 0xBF76918E, 0xBF836936, 0xBFBC2D87, 0x3FA218BE, 0x3F3F1E6D, 0x3FBC8DB6, 0xBF700F94, 0x3A83E7E1, 0xBF91F594, 0x3F441B07, 0x3FCB7236, 0xBF63E586, 0x3FC7B8F3, 0x3F7CEF80, 0xBE361A4A, 0xBFFC6989, 0x3FB40C82, 0xBDC52439, 0xBF1A52F4, 0x3ECC97C4, 0x3ED1E6D8, 0x3FBFC194, 0xBF8293F9, 0x3F917039, 0x3FBE61D3, 0x3FB9E2DF, 0xBE38F5A6, 0xBF3E78A8, 0x3F826097, 0x3DEBE647, 0x3DFE570F, 0x3FB64CAA, 0xBE86E125, 0xC012FD8C, 0xBEC63DED, 0xBFED4D5B, 0x3F519BC9, 0x3EA25262, 0xBF1C7812, 0xBC1D465F, 0x3F5526D9, 0x3DA1ADF7, 0x3FA9CB75, 0xBD7B05C9, 0x3F8529B1, 0x3FBEE8D7, 0x3FCE10F9, 0xBF2BFC5B, 0x3F614167, 0xBFF020A2, 0xBF8AAB31, 0xBFFB3CC1, 0x3F88D485, 0xBF9DB009, 0xBC512047, 0xBE44D3BE, 0xBCEA455D, 0xBF176DF9, 0x3E6F4566, 0x3FE5483D, 0x3D3552F1, 0x3F07EE72, 0x3F801105, 0xBE4AB2CD, 0xBFA13D8F, 0xBF0E2E66, 0x3F896B8D, 0xBFD2B785, 0xBF190C6C, 0x3F80F2D5, 0x3F4AF0CA, 0x3BF9A17E, 0x3F4E23EF, 0x3E29F683, 0xBF96E6B4, 0xBFC82F43, 0xBF23925E, 0x3F6C380A, 0xBF10C791, 0xBF6700F9, 0xBF455DAB, 0xBFC410F1, 0xBDF02DD5, 0xBF96FD5C, 0x3EBA7157, 0xC0170BD2, 0x3EA7D2F0, 0xBF24409A, 0xBFF8984E, 0x3F39868F, 0xBE8D0F6B, 0xC00EB8EC, 0xBF600424, 0x3E950121, 0xBEEACB4A, 0x3F47AD03, 0x3F3F5FE4, 0x3F2A8E7C, 0x3EA73B6E, 0x3FAAB695, 0x3F28EAE4, 0x3EE70612, 0xC0055FE9, 0x3F6584AE, 0x3FA79B3E, 0xBE980307, 0xBEF06347, 0x3FF85BB3, 0xBFE10A7D, 0x3EF00E04, 0x401B1E29, 0xBF6D773E, 0x3F3088E4, 0x3FF174ED, 0xBDF63109, 0x3F0FAA99, 0x3F670F33, 0xBF67E06F, 0xBDB677DC, 0x3E95EA1B, 0x3F534C6D, 0xBD0D73A5]> : tensor<256xf32>
  %x7 = tensor.expand_shape %in7 [[0, 1]] output_shape [16, 16] : tensor<256xf32> into tensor<16x16xf32>
  %q7, %d7 = call @q7_nvfp4(%x7) : (tensor<16x16xf32>) -> (!mx.tensor<16x16xnvfp4, block = [16, 16]>, tensor<16x16xf32>)
  %e7, %s7, %g7 = mx.unpack %q7 : !mx.tensor<16x16xnvfp4, block = [16, 16]>
  %eb7 = arith.bitcast %e7 : tensor<16x16xf4E2M1FN> to tensor<16x16xi4>
  %ei7 = arith.extui %eb7 : tensor<16x16xi4> to tensor<16x16xi32>
  %ef7 = tensor.collapse_shape %ei7 [[0, 1]] : tensor<16x16xi32> into tensor<256xi32>
  %efc7 = tensor.cast %ef7 : tensor<256xi32> to tensor<?xi32>
  call @print(%efc7) : (tensor<?xi32>) -> ()
  %sb7 = arith.bitcast %s7 : tensor<1x1xf8E4M3FN> to tensor<1x1xi8>
  %si7 = arith.extui %sb7 : tensor<1x1xi8> to tensor<1x1xi32>
  %sf7 = tensor.collapse_shape %si7 [[0, 1]] : tensor<1x1xi32> into tensor<1xi32>
  %sfc7 = tensor.cast %sf7 : tensor<1xi32> to tensor<?xi32>
  call @print(%sfc7) : (tensor<?xi32>) -> ()
  %db7 = arith.bitcast %d7 : tensor<16x16xf32> to tensor<16x16xi32>
  %df7 = tensor.collapse_shape %db7 [[0, 1]] : tensor<16x16xi32> into tensor<256xi32>
  %dfc7 = tensor.cast %df7 : tensor<256xi32> to tensor<?xi32>
  call @print(%dfc7) : (tensor<?xi32>) -> ()
  %gb7 = arith.bitcast %g7 : f32 to i32
  %gt7 = tensor.from_elements %gb7 : tensor<1xi32>
  %gtc7 = tensor.cast %gt7 : tensor<1xi32> to tensor<?xi32>
  call @print(%gtc7) : (tensor<?xi32>) -> ()
  return
}

/// Case 0: mxfp4 floor 2x32, block 1x32: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 8, 0, 8, 0, 8, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 7, 0, 8, 0, 0, 0, 0, 8, 10, 4, 10, 11, 14, 10, 6, 3, 6, 2, 3, 1, 15, 5, 4, 4, 15, 15, 14, 12, 2, 8, 4, 13, 2, 3, 13, 7, 4, 6, 12, 13]
// CHECK: data =
// CHECK-NEXT: [140, 127]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 0, -2147483648, 0, 0, 0, 0, 0, 0, -2147483648, 0, 0, 0, -2147483648, 0, 0, -2147483648, 0, 0, -2147483648, 0, 1195376640, 0, -2147483648, 0, 0, 0, 0, -2147483648, -1082130432, 1073741824, -1082130432, -1077936128, -1065353216, -1082130432, 1082130432, 1069547520, 1082130432, 1065353216, 1069547520, 1056964608, -1061158912, 1077936128, 1073741824, 1073741824, -1061158912, -1061158912, -1065353216, -1073741824, 1065353216, -2147483648, 1073741824, -1069547520, 1065353216, 1069547520, -1069547520, 1086324736, 1073741824, 1082130432, -1073741824, -1069547520]
/// Case 1: mxfp6_e3m2 rceil 1x32, block 1x32: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 32, 0, 32, 0, 32, 0, 0, 0, 0, 0, 0, 32, 2, 4, 0, 32, 0, 0, 32, 0, 0, 32, 0, 27, 0, 32, 0, 0, 0, 0, 32]
// CHECK: data =
// CHECK-NEXT: [139]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 0, -2147483648, 0, 0, 0, 0, 0, 0, -2147483648, 1140850688, 1149239296, 0, -2147483648, 0, 0, -2147483648, 0, 0, -2147483648, 0, 1197473792, 0, -2147483648, 0, 0, 0, 0, -2147483648]
/// Case 2: mxfp6_e2m3 even 4x8, block 4x8: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 32, 0, 32, 0, 32, 0, 0, 0, 0, 0, 0, 32, 0, 1, 0, 32, 0, 0, 32, 0, 0, 32, 0, 31, 0, 32, 0, 0, 0, 0, 32]
// CHECK: data =
// CHECK-NEXT: [140]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 0, -2147483648, 0, 0, 0, 0, 0, 0, -2147483648, 0, 1149239296, 0, -2147483648, 0, 0, -2147483648, 0, 0, -2147483648, 0, 1198522368, 0, -2147483648, 0, 0, 0, 0, -2147483648]
/// Case 3: mxfp8_e4m3 ceil 1x64, block 1x32: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 128, 0, 128, 2, 130, 5, 7, 10, 12, 14, 44, 172, 62, 72, 0, 129, 4, 3, 134, 20, 21, 128, 0, 119, 0, 152, 1, 0, 0, 6, 141, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// CHECK: data =
// CHECK-NEXT: [135, 255]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 1065353216, -1082130432, 1075838976, 1080033280, 1084227584, 1086324736, 1088421888, 1119879168, -1027604480, 1138753536, 1149239296, 0, -1090519040, 1073741824, 1069547520, -1069547520, 1094713344, 1095761920, -2147483648, 0, 1198522368, 0, -1048576000, 1056964608, 0, 0, 1077936128, -1060110336, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344]
/// Case 4: mxfp8_e5m2 floor 1x32, block 1x32: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 128, 0, 128, 57, 188, 64, 66, 68, 69, 70, 85, 213, 94, 98, 45, 180, 62, 61, 192, 73, 73, 169, 42, 122, 1, 203, 54, 50, 46, 65, 197]
// CHECK: data =
// CHECK-NEXT: [227]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 1897922560, -243269632, 1912602624, 1916796928, 1920991232, 1923088384, 1925185536, 1956642816, -190840832, 1975517184, 1983905792, 1872756736, -260046848, 1908408320, 1906311168, -234881024, 1931476992, 1931476992, -283115520, 1866465280, 2034237440, 1769996288, -211812352, 1891631104, 1883242496, 1874853888, 1914699776, -224395264]
/// Case 5: mxint8 rceil 1x32, block 1x32: codes, scales, decoded bits.
// CHECK: data =
// CHECK-NEXT: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 117, 0, 0, 0, 0, 0, 0, 0]
// CHECK: data =
// CHECK-NEXT: [142]
// CHECK: data =
// CHECK-NEXT: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1140850688, 1149239296, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1198129152, 0, 0, 0, 0, 0, 0, 0]
/// Case 6: nvfp4  2x32, block 1x16: codes, scales, decoded bits, S_dec bits.
// CHECK: data =
// CHECK-NEXT: [0, 8, 0, 8, 0, 8, 0, 0, 0, 0, 0, 1, 9, 5, 7, 0, 8, 0, 0, 8, 0, 0, 8, 0, 7, 0, 8, 0, 0, 0, 0, 8, 15, 15, 7, 7, 15, 15, 15, 7, 15, 7, 7, 15, 7, 7, 15, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// CHECK: data =
// CHECK-NEXT: [79, 126, 0, 127]
// CHECK: data =
// CHECK-NEXT: [0, -2147483648, 0, -2147483648, 0, -2147483648, 0, 0, 0, 0, 0, 1118267685, -1029215963, 1140530616, 1148919224, 0, -2147483648, 0, 0, -2147483648, 0, 0, -2147483648, 0, 1198153729, 0, -2147483648, 0, 0, 0, 0, -2147483648, -2147483648, -2147483648, 0, 0, -2147483648, -2147483648, -2147483648, 0, -2147483648, 0, 0, -2147483648, 0, 0, -2147483648, -2147483648, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344, 2143289344]
// CHECK: data =
// CHECK-NEXT: [1102221898]
/// Case 7: nvfp4  16x16, block 16x16: codes, scales, decoded bits, S_dec bits.
// CHECK: data =
// CHECK-NEXT: [13, 12, 10, 5, 14, 13, 1, 5, 3, 14, 15, 2, 11, 12, 4, 4, 1, 1, 2, 5, 3, 2, 2, 13, 5, 4, 2, 14, 11, 4, 14, 9, 4, 13, 6, 2, 9, 1, 3, 1, 5, 11, 10, 4, 0, 12, 4, 5, 10, 13, 9, 9, 9, 5, 12, 5, 13, 11, 3, 4, 4, 2, 1, 1, 3, 9, 1, 3, 0, 3, 2, 6, 1, 10, 10, 8, 4, 9, 2, 6, 15, 12, 1, 2, 1, 10, 3, 1, 10, 7, 2, 10, 8, 9, 8, 15, 10, 4, 13, 8, 4, 4, 5, 14, 10, 9, 3, 4, 15, 4, 13, 3, 13, 1, 5, 9, 1, 3, 1, 8, 5, 4, 9, 7, 13, 4, 9, 1, 3, 1, 3, 13, 13, 3, 12, 12, 13, 5, 3, 5, 12, 0, 12, 3, 5, 12, 5, 4, 9, 14, 5, 8, 11, 2, 2, 5, 12, 4, 5, 5, 9, 11, 4, 1, 1, 5, 9, 15, 10, 14, 4, 1, 11, 8, 4, 0, 5, 8, 4, 5, 6, 11, 4, 14, 12, 14, 4, 13, 8, 9, 8, 11, 1, 6, 0, 2, 4, 9, 13, 10, 4, 14, 11, 4, 3, 0, 4, 1, 13, 13, 11, 4, 10, 12, 11, 13, 9, 13, 2, 15, 1, 11, 14, 3, 9, 14, 12, 1, 10, 3, 3, 3, 1, 5, 3, 2, 14, 4, 5, 9, 10, 6, 14, 2, 7, 12, 3, 6, 9, 2, 4, 12, 8, 1, 4, 8]
// CHECK: data =
// CHECK-NEXT: [126]
// CHECK: data =
// CHECK-NEXT: [-1079004311, -1083554676, -1091943284, 1068479337, -1075166068, -1079004311, 1047151756, 1068479337, 1060090729, -1075166068, -1070615703, 1055540364, -1087392919, -1083554676, 1063928972, 1063928972, 1047151756, 1047151756, 1055540364, 1068479337, 1060090729, 1055540364, 1055540364, -1079004311, 1068479337, 1063928972, 1055540364, -1075166068, -1087392919, 1063928972, -1075166068, -1100331892, 1063928972, -1079004311, 1072317580, 1055540364, -1100331892, 1047151756, 1060090729, 1047151756, 1068479337, -1087392919, -1091943284, 1063928972, 0, -1083554676, 1063928972, 1068479337, -1091943284, -1079004311, -1100331892, -1100331892, -1100331892, 1068479337, -1083554676, 1068479337, -1079004311, -1087392919, 1060090729, 1063928972, 1063928972, 1055540364, 1047151756, 1047151756, 1060090729, -1100331892, 1047151756, 1060090729, 0, 1060090729, 1055540364, 1072317580, 1047151756, -1091943284, -1091943284, -2147483648, 1063928972, -1100331892, 1055540364, 1072317580, -1070615703, -1083554676, 1047151756, 1055540364, 1047151756, -1091943284, 1060090729, 1047151756, -1091943284, 1076867945, 1055540364, -1091943284, -2147483648, -1100331892, -2147483648, -1070615703, -1091943284, 1063928972, -1079004311, -2147483648, 1063928972, 1063928972, 1068479337, -1075166068, -1091943284, -1100331892, 1060090729, 1063928972, -1070615703, 1063928972, -1079004311, 1060090729, -1079004311, 1047151756, 1068479337, -1100331892, 1047151756, 1060090729, 1047151756, -2147483648, 1068479337, 1063928972, -1100331892, 1076867945, -1079004311, 1063928972, -1100331892, 1047151756, 1060090729, 1047151756, 1060090729, -1079004311, -1079004311, 1060090729, -1083554676, -1083554676, -1079004311, 1068479337, 1060090729, 1068479337, -1083554676, 0, -1083554676, 1060090729, 1068479337, -1083554676, 1068479337, 1063928972, -1100331892, -1075166068, 1068479337, -2147483648, -1087392919, 1055540364, 1055540364, 1068479337, -1083554676, 1063928972, 1068479337, 1068479337, -1100331892, -1087392919, 1063928972, 1047151756, 1047151756, 1068479337, -1100331892, -1070615703, -1091943284, -1075166068, 1063928972, 1047151756, -1087392919, -2147483648, 1063928972, 0, 1068479337, -2147483648, 1063928972, 1068479337, 1072317580, -1087392919, 1063928972, -1075166068, -1083554676, -1075166068, 1063928972, -1079004311, -2147483648, -1100331892, -2147483648, -1087392919, 1047151756, 1072317580, 0, 1055540364, 1063928972, -1100331892, -1079004311, -1091943284, 1063928972, -1075166068, -1087392919, 1063928972, 1060090729, 0, 1063928972, 1047151756, -1079004311, -1079004311, -1087392919, 1063928972, -1091943284, -1083554676, -1087392919, -1079004311, -1100331892, -1079004311, 1055540364, -1070615703, 1047151756, -1087392919, -1075166068, 1060090729, -1100331892, -1075166068, -1083554676, 1047151756, -1091943284, 1060090729, 1060090729, 1060090729, 1047151756, 1068479337, 1060090729, 1055540364, -1075166068, 1063928972, 1068479337, -1100331892, -1091943284, 1072317580, -1075166068, 1055540364, 1076867945, -1083554676, 1060090729, 1072317580, -1100331892, 1055540364, 1063928972, -1083554676, -2147483648, 1047151756, 1063928972, -2147483648]
// CHECK: data =
// CHECK-NEXT: [981851655]
