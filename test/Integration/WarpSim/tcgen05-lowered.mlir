// convert-mx-to-gpu's tcgen05.mma kernels (sm_100a family, path=native) on
// the warp simulator's tcgen05 model (docs/WarpSimulator.md, "tcgen05"),
// whose descriptor and scale tables are written from the PTX ISA, not from
// the lowering: MXFP4 (mxf4 block32), NVFP4 (mxf4nvf4 block16, tensor scale
// in the epilogue), MXFP6, MXFP8 and mixed pairs (mxf8f6f4) match the
// reference; several K chunks and tiles, and narrow tiles (N = 64, 8). Each
// fails once the layout is broken: a swizzle bit of the shared-memory
// descriptors flipped, a scale address one column off, threads swapping
// their shared-memory stores, or the whole kernel's thread ids permuted.
// RUN: split-file %s %t
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=MXF4
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=NVF4
// RUN: mx-warp-sim %t/mxfp6.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/mxfp8.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/fp4xfp8.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/fp6xfp8.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// The same kernel on the other chips of the family.
// RUN: mx-warp-sim %t/mxfp4.mlir --chip=sm_100f --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/nvfp4.mlir --chip=sm_103a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/mxfp8.mlir --chip=sm_110a --path=native 2>/dev/null | FileCheck %s --check-prefix=OK
// RUN: mx-warp-sim %t/big.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=BIG
// RUN: mx-warp-sim %t/n64.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=N64
// RUN: mx-warp-sim %t/n8.mlir --chip=sm_100a --path=native 2>/dev/null | FileCheck %s --check-prefix=N8
// MXF4: mx-warp-sim: 128x128x128 !mx.tensor<128x128xmxfp4> x !mx.tensor<128x128xmxfp4, block = [32, 1]> on sm_100a: kernel mx_matmul_tcgen05_0, grid (1, 1, 1), block (128, 1, 1)
// MXF4-NEXT: PASS: 16384 of 16384 outputs within twice the reference error bound
// NVF4: !mx.tensor<128x128xnvfp4, block = [16, 1]> on sm_100a: kernel mx_matmul_tcgen05_0
// NVF4-NEXT: PASS: 16384 of 16384 outputs within twice the reference error bound
// OK: kernel mx_matmul_tcgen05_0, grid (1, 1, 1), block (128, 1, 1)
// OK-NEXT: PASS: 16384 of 16384 outputs within twice the reference error bound
// BIG: 256x256x256 {{.*}} grid (2, 2, 1), block (128, 1, 1)
// BIG-NEXT: PASS: 65536 of 65536 outputs
// N64: 128x64x64 {{.*}} grid (1, 1, 1), block (128, 1, 1)
// N64-NEXT: PASS: 8192 of 8192 outputs
// N8: 128x8x128 {{.*}} grid (1, 1, 1), block (128, 1, 1)
// N8-NEXT: PASS: 1024 of 1024 outputs

// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_100a --path=native --perturb=desc-swizzle 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/nvfp4.mlir --chip=sm_100a --path=native --perturb=desc-swizzle 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/mxfp6.mlir --chip=sm_100a --path=native --perturb=desc-swizzle 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/mxfp8.mlir --chip=sm_100a --path=native --perturb=scale-a-column 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/fp4xfp8.mlir --chip=sm_100a --path=native --perturb=scale-a-column 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/nvfp4.mlir --chip=sm_100a --path=native --perturb=smem:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/mxfp6.mlir --chip=sm_100a --path=native --perturb=smem:lane-xor-8 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// RUN: not mx-warp-sim %t/fp6xfp8.mlir --chip=sm_100a --path=native --perturb=kernel:lane-xor-1 2>/dev/null | FileCheck %s --check-prefix=MISMATCH
// MISMATCH: perturbed:
// MISMATCH-NEXT: FAIL: {{[0-9]+}} of 16384 outputs outside twice the reference error bound; first at
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_100a --path=native --perturb=scale-b-column 2>/dev/null | FileCheck %s --check-prefix=UNWRITTEN
// UNWRITTEN: FAIL: block (0, 0, 0): tcgen05.mma (idesc 0x08a00480): scale B: tensor memory read of lane 96 column 136, which nothing wrote
// Perturbations of mma.sync registers do not apply to tcgen05, and the
// tcgen05 breaks do not apply to mma.sync: both are diagnostics.
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_100a --path=native --perturb=a:lane-xor-1 2>&1 | FileCheck %s --check-prefix=NOREGS
// NOREGS: error: warp simulator: a:, b:, scale-a: and scale-b: perturb mma.sync registers
// RUN: not mx-warp-sim %t/mxfp4.mlir --chip=sm_120a --path=native --perturb=desc-swizzle 2>&1 | FileCheck %s --check-prefix=NOTC
// NOTC: error: warp simulator: desc-swizzle, scale-a-column and scale-b-column break a tcgen05.mma; this kernel uses mma.sync

//--- mxfp4.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp4>, %w: !mx.tensor<128x128xmxfp4, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp4>, !mx.tensor<128x128xmxfp4, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- nvfp4.mlir
func.func @f(%a: !mx.tensor<128x128xnvfp4>, %w: !mx.tensor<128x128xnvfp4, block = [16, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xnvfp4>, !mx.tensor<128x128xnvfp4, block = [16, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- mxfp6.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp6_e3m2>, %w: !mx.tensor<128x128xmxfp6_e2m3, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e3m2>, !mx.tensor<128x128xmxfp6_e2m3, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- mxfp8.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp8_e4m3>, %w: !mx.tensor<128x128xmxfp8_e4m3, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp8_e4m3>, !mx.tensor<128x128xmxfp8_e4m3, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- fp4xfp8.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp4>, %w: !mx.tensor<128x128xmxfp8_e5m2, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp4>, !mx.tensor<128x128xmxfp8_e5m2, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- fp6xfp8.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp6_e2m3>, %w: !mx.tensor<128x128xmxfp8_e4m3, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp6_e2m3>, !mx.tensor<128x128xmxfp8_e4m3, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
//--- big.mlir
func.func @f(%a: !mx.tensor<256x256xmxfp4>, %w: !mx.tensor<256x256xmxfp4, block = [32, 1]>) -> tensor<256x256xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<256x256xmxfp4>, !mx.tensor<256x256xmxfp4, block = [32, 1]> -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}
//--- n64.mlir
func.func @f(%a: !mx.tensor<128x64xnvfp4>, %w: !mx.tensor<64x64xnvfp4, block = [16, 1]>) -> tensor<128x64xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xnvfp4>, !mx.tensor<64x64xnvfp4, block = [16, 1]> -> tensor<128x64xf32>
  return %c : tensor<128x64xf32>
}
//--- n8.mlir
func.func @f(%a: !mx.tensor<128x128xmxfp8_e5m2>, %w: !mx.tensor<128x8xmxfp8_e5m2, block = [32, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x128xmxfp8_e5m2>, !mx.tensor<128x8xmxfp8_e5m2, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}
