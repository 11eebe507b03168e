// The FP8 emulation (sm_90a, sm_89): elements re-encoded as E4M3 (E5M2 kept;
// E2M1 by the packed decode), one mma.sync m16n8k32 per 32-element K block (the llvm.call_intrinsic),
// block scales on the f32 partial sums. Passes, and fails with a broken lane
// mapping of the kernel or of either MMA operand.
// RUN: split-file %s %t
// Packed FP4 decode with the other operand element by element in the same
// permuted K order (docs/Lowering.md, "Packed FP4 decode"):
// RUN: mx-warp-sim %t/fp4xe3m2.mlir --chip=sm_90a --path=fp8 2>/dev/null | FileCheck %s --check-prefix=MIXED
// RUN: not mx-warp-sim %t/fp4xe3m2.mlir --chip=sm_90a --path=fp8 --perturb=a:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/fp4xe3m2.mlir --chip=sm_90a --path=fp8 --perturb=b:lane-xor-4 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// MIXED: grid (2, 2, 1)
// MIXED-NEXT: PASS: 512 of 512 outputs
// Only the rhs is E2M1: only it is repacked (docs/Lowering.md, "Repacked
// operands").
// RUN: mx-warp-sim %t/e4m3xfp4.mlir --chip=sm_90a --path=fp8 2>/dev/null | FileCheck %s --check-prefix=RHS
// RUN: not mx-warp-sim %t/e4m3xfp4.mlir --chip=sm_90a --path=fp8 --perturb=b:lane-xor-4 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RHS: kernel mx_matmul_fp8_0, grid (2, 2, 1), block (32, 1, 1), after mx_repack_rhs_0
// RHS-NEXT: PASS: 512 of 512 outputs
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=fp8 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/fp6xe5m2.mlir --chip=sm_90a --path=fp8 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/e5m2.mlir --chip=sm_89 --path=fp8 2>/dev/null | FileCheck %s
// RUN: mx-warp-sim %t/big.mlir --chip=sm_90a --path=fp8 2>/dev/null | FileCheck %s --check-prefix=BIG
// CHECK: kernel mx_matmul_fp8_0, grid (1, 1, 1), block (32, 1, 1)
// CHECK-NEXT: PASS: 128 of 128 outputs within twice the reference error bound
// BIG: grid (2, 2, 1)
// BIG-NEXT: PASS: 512 of 512 outputs

// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=fp8 --perturb=lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=fp8 --perturb=a:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=fp8 --perturb=b:lane-xor-4 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/fp6xe5m2.mlir --chip=sm_90a --path=fp8 --perturb=lane-xor-8 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// RUN: not mx-warp-sim %t/big.mlir --chip=sm_90a --path=fp8 --perturb=a:lane-xor-16 2>/dev/null | FileCheck %s --check-prefix=BROKEN
// BROKEN: perturbed:
// BROKEN-NEXT: FAIL: {{[0-9]+}} of {{[0-9]+}} outputs outside twice the reference error bound; first at

// The emulated MMAs have no scale operand.
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_90a --path=fp8 --perturb=scale-a:lane-xor-1 2>&1 | FileCheck %s --check-prefix=NOSCALE
// NOSCALE: error: warp simulator: this MMA has no scale operand to perturb

//--- mxfp4.mlir
func.func @mxfp4(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- fp6xe5m2.mlir
func.func @fp6xe5m2(%a: !mx.tensor<16x64xmxfp6_e2m3>, %w: !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp6_e2m3>, !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- e5m2.mlir
func.func @e5m2(%a: !mx.tensor<16x64xmxfp8_e5m2>, %w: !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp8_e5m2>, !mx.tensor<64x8xmxfp8_e5m2, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
//--- big.mlir
func.func @big(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
//--- fp4xe3m2.mlir
func.func @fp4xe3m2(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp6_e3m2, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp6_e3m2, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
//--- e4m3xfp4.mlir
func.func @e4m3xfp4(%a: !mx.tensor<32x128xmxfp8_e4m3>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp8_e4m3>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
