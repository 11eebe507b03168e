// sm_121a: as sm_120a (PTX 8.8).
// REQUIRES: ptxas
// RUN: mx-opt %S/Inputs/all-formats.mlir --mx-nvvm-pipeline=chip=sm_121a 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.ptx
// RUN: %ptxas -arch=sm_121a %t.ptx -o %t.cubin
// RUN: FileCheck %s < %t.ptx

// CHECK: .version 8.8
// CHECK: .target sm_121a
// CHECK-LABEL: .entry mx_matmul_native_0(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_native_1(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3
// CHECK-LABEL: .entry mx_matmul_native_2(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e2m3.e2m3.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_native_3(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e3m2.e3m2.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_native_4(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_native_5(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e5m2.e5m2.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_bf16_6(
// CHECK: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-LABEL: .entry mx_matmul_native_7(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0
// CHECK-LABEL: .entry mx_matmul_native_8(
// CHECK: mov.b16 %rs{{[0-9]+}}, 0;
// CHECK: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e3m2.e5m2.f32.ue8m0
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
