// sm_80: no FP8 MMA and no block-scaled MMA, so every MMA matmul takes
// the BF16 path (elements decoded exactly to BF16, scales in f32).
// REQUIRES: ptxas
// RUN: mx-opt %S/Inputs/all-formats.mlir --mx-nvvm-pipeline=chip=sm_80 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.ptx
// RUN: %ptxas -arch=sm_80 %t.ptx -o %t.cubin
// RUN: FileCheck %s < %t.ptx
// RUN: FileCheck %s --check-prefix=NOBS < %t.ptx
// NOBS-NOT: block_scale

// CHECK: .version 8.8
// CHECK: .target sm_80
// CHECK-LABEL: .entry mx_matmul_bf16_0(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_1(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_2(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_3(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_4(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_5(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_6(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_7(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_bf16_8(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_gemv_9(
// CHECK-NOT: mma.sync
// CHECK-LABEL: .entry mx_quantize_10_scales(
// CHECK-NOT: mma.sync
// CHECK-LABEL: .entry mx_quantize_10_codes(
// CHECK-NOT: mma.sync
// CHECK-LABEL: .entry mx_quantize_11_scales(
// CHECK-NOT: mma.sync
// CHECK-LABEL: .entry mx_quantize_11_codes(
// CHECK-NOT: mma.sync
// CHECK-LABEL: .entry mx_dequantize_12(
// CHECK-NOT: mma.sync
