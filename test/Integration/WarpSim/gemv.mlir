// The gemv kernel on the simulator (docs/Lowering.md, "Tiling"): G lanes
// of a warp side by side on a row, each its own group of 8 output columns
// (1 when N % 8 != 0), the thread in K slot s adding K blocks s, s + S, ...
// each in the reference order, the slot sums added by a butterfly of
// gpu.shuffle xor (offsets G to 16) and, with several warps, through shared
// memory in warp order. Within twice the reference error bound; with at most
// one K block per slot still bit-exact. big: 64 K blocks over 4 slots
// (G = 8), so a wrong or missing reduction fails; 2 rows, 9 column groups.
// odd: N = 12, one column per group, NVFP4 (blocks of 16, the tensor scale,
// G = 2), two warps. long: 256 K blocks, 16 warps (512 threads) summed
// through shared memory. A permuted thread id only permutes which thread
// adds which blocks (and which block computes which columns): it still
// passes, as it must; swapping the shared-memory slots of neighbouring
// groups (smem:lane-xor-1) makes every output wrong, so the test can fail.
// RUN: split-file %s %t
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_120a --path=gemv 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --perturb=lane-xor-1 2>/dev/null | FileCheck %s
// CHECK: kernel mx_matmul_gemv_0, grid (1, 1, 1), block (32, 1, 1)
// CHECK-NEXT: PASS: 8 of 8 outputs within twice the reference error bound (8 bit-exact,
// RUN: mx-warp-sim %t/big.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=BIG
// RUN: mx-warp-sim %t/big.mlir --chip=sm_90a --perturb=lane-xor-5 2>/dev/null | FileCheck %s --check-prefix=BIG
// BIG: kernel mx_matmul_gemv_0, grid (9, 2, 1), block (32, 1, 1)
// BIG-NEXT: PASS: 144 of 144 outputs within twice the reference error bound
// RUN: mx-warp-sim %t/odd.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=ODD
// ODD: kernel mx_matmul_gemv_0, grid (6, 1, 1), block (64, 1, 1)
// ODD-NEXT: PASS: 12 of 12 outputs within twice the reference error bound
// RUN: mx-warp-sim %t/long.mlir --chip=sm_90a 2>/dev/null | FileCheck %s --check-prefix=LONG
// RUN: mx-warp-sim %t/long.mlir --chip=sm_90a --perturb=lane-xor-3 2>/dev/null | FileCheck %s --check-prefix=LONG
// LONG: kernel mx_matmul_gemv_0, grid (1, 2, 1), block (512, 1, 1)
// LONG-NEXT: PASS: 128 of 128 outputs within twice the reference error bound
// RUN: not mx-warp-sim %t/long.mlir --chip=sm_90a --perturb=smem:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=SWAP
// SWAP: FAIL: 128 of 128 outputs outside twice the reference error bound

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
//--- long.mlir
func.func @long(%a: !mx.tensor<2x8192xmxfp8_e4m3>, %w: !mx.tensor<8192x64xmxfp4, block = [32, 1]>) -> tensor<2x64xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<2x8192xmxfp8_e4m3>, !mx.tensor<8192x64xmxfp4, block = [32, 1]> -> tensor<2x64xf32>
  return %c : tensor<2x64xf32>
}
