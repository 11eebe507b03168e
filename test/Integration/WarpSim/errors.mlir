// Bad input to mx-warp-sim is a located diagnostic and exit status 1.
// RUN: split-file %s %t
// RUN: not mx-warp-sim %t/mxfp4.mlir --path=fast 2>&1 | FileCheck %s --check-prefix=PATH
// PATH: mx-warp-sim: error: unknown --path 'fast'
// RUN: not mx-warp-sim %t/mxfp4.mlir --perturb=lane-xor-32 2>&1 | FileCheck %s --check-prefix=PERTURB
// RUN: not mx-warp-sim %t/mxfp4.mlir --perturb=c:lane-xor-1 2>&1 | FileCheck %s --check-prefix=PERTURB
// RUN: not mx-warp-sim %t/mxfp4.mlir --perturb=swap 2>&1 | FileCheck %s --check-prefix=PERTURB
// PERTURB: mx-warp-sim: error: --perturb must be none, [kernel|a|b|scale-a|scale-b|smem:]lane-xor-N with 0 < N < 32, desc-swizzle, scale-a-column or scale-b-column
// RUN: not mx-warp-sim %t/none.mlir 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: none.mlir:{{.*}}: error: mx-warp-sim: the input has no mx.matmul or mx.dequantize
// RUN: not mx-warp-sim %t/plain.mlir 2>&1 | FileCheck %s --check-prefix=PLAIN
// PLAIN: plain.mlir:2:8: error: mx-warp-sim: both operands must be rank-2 block-scaled tensors
// A forced path the chip does not have: convert-mx-to-gpu's diagnostic.
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=native 2>&1 | FileCheck %s --check-prefix=NATIVE
// NATIVE: mxfp4.mlir:2:8: error: {{.*}}native
// RUN: not mx-warp-sim %t/missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: mx-warp-sim: error: {{.*}}missing.mlir

//--- mxfp4.mlir
func.func @f(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- none.mlir
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
//--- plain.mlir
func.func @f(%a: tensor<16x64xf32>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : tensor<16x64xf32>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
