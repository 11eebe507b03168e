// The gemv kernel on the simulator: a warp per 8 output columns (1 when N %
// 8 != 0), lane l adding K blocks l, l + 32, ... each in the reference order,
// the lane sums added by a butterfly of gpu.shuffle xor (docs/Lowering.md).
// Within twice the reference error bound; with at most 32 K blocks (one per
// lane) still bit-exact. big: 64 K blocks, two per lane, so a wrong or missing
// reduction fails; 2 rows, 9 column groups over 3 blocks of 4 warps. odd:
// N = 12, one column per warp, NVFP4 (blocks of 16, the tensor scale). A
// permuted thread id only permutes which lane adds which blocks (and which
// warp computes which columns): it still passes, as it must.
// RUN: split-file %s %t
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_120a --path=gemv 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --perturb=lane-xor-1 2>/dev/null | FileCheck %s
// CHECK: kernel mx_matmul_gemv_0, grid (1, 1, 1), block (128, 1, 1)
// CHECK-NEXT: PASS: 8 of 8 outputs within twice the reference error bound (8 bit-exact,
// RUN: mx-warp-sim %t/big.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=BIG
// RUN: mx-warp-sim %t/big.mlir --chip=sm_90a --perturb=lane-xor-5 2>/dev/null | FileCheck %s --check-prefix=BIG
// BIG: kernel mx_matmul_gemv_0, grid (3, 2, 1), block (128, 1, 1)
// BIG-NEXT: PASS: 144 of 144 outputs within twice the reference error bound
// RUN: mx-warp-sim %t/odd.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=ODD
// ODD: kernel mx_matmul_gemv_0, grid (3, 1, 1), block (128, 1, 1)
// ODD-NEXT: PASS: 12 of 12 outputs within twice the reference error bound

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
//--- big.mlir
func.func @big(%a: !mx.tensor<2x2048xmxfp8_e4m3>, %w: !mx.tensor<2048x72xmxfp4, block = [32, 1]>) -> tensor<2x72xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<2x2048xmxfp8_e4m3>, !mx.tensor<2048x72xmxfp4, block = [32, 1]> -> tensor<2x72xf32>
  return %c : tensor<2x72xf32>
}
//--- odd.mlir
func.func @odd(%a: !mx.tensor<1x1024xnvfp4>, %w: !mx.tensor<1024x12xnvfp4, block = [16, 1]>) -> tensor<1x12xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x1024xnvfp4>, !mx.tensor<1024x12xnvfp4, block = [16, 1]> -> tensor<1x12xf32>
  return %c : tensor<1x12xf32>
}
