// The dequantize kernels on the simulator, bit for bit against
// mxref::dequantize: MXFP4, NVFP4 (tensor scale argument), MXFP6 rank 3,
// MXFP8 E5M2 and MXINT8, with the hardware conversions (sm_120a) and the
// integer codecs (sm_90a).
// RUN: split-file %s %t
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=MXFP4
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_120a 2>/dev/null | FileCheck %s --check-prefix=MXFP4
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_120a 2>/dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: mx-warp-sim %t/mxfp6.mlir --chip=sm_89 2>/dev/null | FileCheck %s --check-prefix=MXFP6
// RUN: mx-warp-sim %t/mxfp8.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=MXFP8
// RUN: mx-warp-sim %t/mxint8.mlir --chip=sm_80 2>/dev/null | FileCheck %s --check-prefix=MXINT8
// MXFP4: mx-warp-sim: dequantize !mx.tensor<16x64xmxfp4> on {{sm_90a|sm_120a}}: kernel mx_dequantize_0, grid (8, 1, 1), block (128, 1, 1)
// MXFP4-NEXT: PASS: 1024 of 1024 outputs bit-exact with the reference
// NVFP4: kernel mx_dequantize_0
// NVFP4-NEXT: PASS: 1024 of 1024 outputs bit-exact
// MXFP6: dequantize !mx.tensor<4x8x32xmxfp6_e2m3>
// MXFP6-NEXT: PASS: 1024 of 1024 outputs bit-exact
// MXFP8: PASS: 512 of 512 outputs bit-exact
// MXINT8: PASS: 128 of 128 outputs bit-exact
// RUN: not mx-warp-sim %t/bf16.mlir 2>&1 | FileCheck %s --check-prefix=BF16
// BF16: bf16.mlir:2:8: error: mx-warp-sim: only dequantization to f32 is checked

//--- mxfp4.mlir
func.func @f(%a: !mx.tensor<16x64xmxfp4>) -> tensor<16x64xf32> {
  %c = mx.dequantize %a : !mx.tensor<16x64xmxfp4> -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}
//--- nvfp4.mlir
func.func @f(%a: !mx.tensor<16x64xnvfp4>) -> tensor<16x64xf32> {
  %c = mx.dequantize %a : !mx.tensor<16x64xnvfp4> -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}
//--- mxfp6.mlir
func.func @f(%a: !mx.tensor<4x8x32xmxfp6_e2m3>) -> tensor<4x8x32xf32> {
  %c = mx.dequantize %a : !mx.tensor<4x8x32xmxfp6_e2m3> -> tensor<4x8x32xf32>
  return %c : tensor<4x8x32xf32>
}
//--- mxfp8.mlir
func.func @f(%a: !mx.tensor<8x64xmxfp8_e5m2>) -> tensor<8x64xf32> {
  %c = mx.dequantize %a : !mx.tensor<8x64xmxfp8_e5m2> -> tensor<8x64xf32>
  return %c : tensor<8x64xf32>
}
//--- mxint8.mlir
func.func @f(%a: !mx.tensor<4x32xmxint8>) -> tensor<4x32xf32> {
  %c = mx.dequantize %a : !mx.tensor<4x32xmxint8> -> tensor<4x32xf32>
  return %c : tensor<4x32xf32>
}
//--- bf16.mlir
func.func @f(%a: !mx.tensor<16x64xmxfp4>) -> tensor<16x64xbf16> {
  %c = mx.dequantize %a : !mx.tensor<16x64xmxfp4> -> tensor<16x64xbf16>
  return %c : tensor<16x64xbf16>
}
