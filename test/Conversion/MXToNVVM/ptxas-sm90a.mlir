// sm_90a (Hopper): as sm_89; no FP4 or block-scaled hardware is used.
// REQUIRES: ptxas
// RUN: mx-opt %S/Inputs/all-formats.mlir --mx-nvvm-pipeline=chip=sm_90a 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.ptx
// RUN: %ptxas -arch=sm_90a %t.ptx -o %t.cubin
// RUN: FileCheck %s < %t.ptx
// RUN: FileCheck %s --check-prefix=NOBS < %t.ptx
// NOBS-NOT: block_scale

// CHECK: .version 8.8
// CHECK: .target sm_90a
// CHECK-LABEL: .entry mx_matmul_fp8_0(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-LABEL: .entry mx_matmul_bf16_1(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_fp8_2(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-LABEL: .entry mx_matmul_fp8_3(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-LABEL: .entry mx_matmul_fp8_4(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-LABEL: .entry mx_matmul_fp8_5(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32
// CHECK-LABEL: .entry mx_matmul_bf16_6(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_fp8_7(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-LABEL: .entry mx_matmul_fp8_8(
// CHECK: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32
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
