// The BF16 emulation (sm_90a, sm_80): elements decoded exactly to BF16,
// mma.sync m16n8k16 (nvvm.mma.sync), block scales on the f32 partial sums.
// Passes, and fails with a broken lane mapping of the kernel or of either
// MMA operand.
// RUN: split-file %s %t
// Packed FP4 decode with the other operand element by element in the same
// permuted K order (docs/Lowering.md, "Packed FP4 decode"):
// RUN: mx-warp-sim %t/int8xfp4.mlir --chip=sm_90a --path=bf16 2>/dev/null | FileCheck %s --check-prefix=MIXED
// RUN: not mx-warp-sim %t/int8xfp4.mlir --chip=sm_90a --path=bf16 --perturb=a:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/int8xfp4.mlir --chip=sm_90a --path=bf16 --perturb=b:lane-xor-4 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// MIXED: grid (2, 2, 1)
// MIXED-NEXT: PASS: 512 of 512 outputs
// Both operands repacked (docs/Lowering.md, "Repacked operands") with K
// blocks of 64: two words per lane run, registers 0..7 of a block.
// RUN: mx-warp-sim %t/k64.mlir --chip=sm_90a --path=bf16 2>/dev/null | FileCheck %s --check-prefix=K64
// RUN: not mx-warp-sim %t/k64.mlir --chip=sm_90a --path=bf16 --perturb=b:lane-xor-2 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/k64.mlir --chip=sm_90a --path=bf16 --perturb=a:lane-xor-8 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// K64: kernel mx_matmul_bf16_0, grid (2, 2, 1), block (32, 1, 1), after mx_repack_lhs_0, after mx_repack_rhs_0
// K64-NEXT: PASS: 512 of 512 outputs
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=bf16 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_90a --path=bf16 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/fp6xfp8.mlir --chip=sm_80 --path=bf16 2>/dev/null | FileCheck %s
// CHECK: kernel mx_matmul_bf16_0, grid (1, 1, 1), block (32, 1, 1)
// CHECK-NEXT: PASS: 128 of 128 outputs within twice the reference error bound

// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=bf16 --perturb=lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=bf16 --perturb=a:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=bf16 --perturb=b:lane-xor-2 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/nvfp4.mlir --chip=sm_90a --path=bf16 --perturb=lane-xor-4 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/fp6xfp8.mlir --chip=sm_80 --path=bf16 --perturb=b:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// BROKEN: perturbed:
// BROKEN-NEXT: FAIL: {{[0-9]+}} of {{[0-9]+}} outputs outside twice the reference error bound; first at

//--- mxfp4.mlir
func.func @mxfp4(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- nvfp4.mlir
func.func @nvfp4(%a: !mx.tensor<16x64xnvfp4>, %w: !mx.tensor<64x8xnvfp4, block = [16, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xnvfp4>, !mx.tensor<64x8xnvfp4, block = [16, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- fp6xfp8.mlir
func.func @fp6xfp8(%a: !mx.tensor<16x64xmxfp6_e2m3>, %w: !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e2m3>, !mx.tensor<64x8xmxfp8_e4m3, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- int8xfp4.mlir
func.func @int8xfp4(%a: !mx.tensor<32x128xmxint8>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxint8>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
//--- k64.mlir
func.func @k64(%a: !mx.tensor<32x256xmxfp4, block = [1, 64]>, %w: !mx.tensor<256x16xmxfp4, block = [64, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x256xmxfp4, block = [1, 64]>, !mx.tensor<256x16xmxfp4, block = [64, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
