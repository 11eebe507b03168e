// The gemv kernel (one thread per output, reference order) on the
// simulator: bit-exact. It has no cross-lane data (no MMA), so a permuted
// thread id only permutes which thread computes which output: it still
// passes, as it must.
// RUN: split-file %s %t
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_120a --path=gemv 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --perturb=lane-xor-1 2>/dev/null | FileCheck %s
// CHECK: kernel mx_matmul_gemv_0, grid (1, 1, 1), block (128, 1, 1)
// CHECK-NEXT: PASS: 8 of 8 outputs within twice the reference error bound (8 bit-exact,

//--- mxfp4.mlir
func.func @mxfp4(%a: !mx.tensor<1x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<1x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}
//--- nvfp4.mlir
func.func @nvfp4(%a: !mx.tensor<1x64xnvfp4>, %w: !mx.tensor<64x8xnvfp4, block = [16, 1]>) -> tensor<1x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x64xnvfp4>, !mx.tensor<64x8xnvfp4, block = [16, 1]> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}
