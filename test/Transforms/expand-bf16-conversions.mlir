// RUN: mx-opt %s --mx-expand-bf16-conversions --split-input-file | FileCheck %s
// RUN: mx-opt %s --mx-cpu-pipeline --split-input-file | FileCheck %s --check-prefix=PIPE

// f32 -> bf16: round to nearest even on the bits (bias 0x7fff plus the
// kept lsb, then the high half), NaN to the quiet 0x7fc0; nothing left for
// the target to round (LLVM would pick vcvtneps2bf16 on AVX512-BF16 hosts,
// which flushes subnormals). Vectors lane by lane; other ops untouched.
// CHECK-LABEL: func.func @trunc
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1> : vector<8xi32>
// CHECK-DAG: %[[SIXTEEN:.*]] = arith.constant dense<16> : vector<8xi32>
// CHECK-DAG: %[[QNAN:.*]] = arith.constant dense<32704> : vector<8xi16>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<32767> : vector<8xi32>
// CHECK: %[[ISNAN:.*]] = arith.cmpf une, %[[V:.*]], %[[V]] : vector<8xf32>
// CHECK: %[[BITS:.*]] = arith.bitcast %[[V]] : vector<8xf32> to vector<8xi32>
// CHECK: %[[HI:.*]] = arith.shrui %[[BITS]], %[[SIXTEEN]]
// CHECK: %[[LSB:.*]] = arith.andi %[[HI]], %[[ONE]]
// CHECK: %[[RND:.*]] = arith.addi %[[LSB]], %[[BIAS]]
// CHECK: %[[SUM:.*]] = arith.addi %[[BITS]], %[[RND]]
// CHECK: %[[TOP:.*]] = arith.shrui %[[SUM]], %[[SIXTEEN]]
// CHECK: %[[NARROW:.*]] = arith.trunci %[[TOP]] : vector<8xi32> to vector<8xi16>
// CHECK: %[[SEL:.*]] = arith.select %[[ISNAN]], %[[QNAN]], %[[NARROW]]
// CHECK: arith.bitcast %[[SEL]] : vector<8xi16> to vector<8xbf16>
// CHECK-NOT: arith.truncf
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// PIPE-LABEL: llvm.func @trunc
// PIPE-NOT: llvm.fptrunc
// PIPE: llvm.trunc %{{.*}} : vector<8xi32> to vector<8xi16>
// PIPE-NOT: llvm.fptrunc
// PIPE: llvm.return
func.func @trunc(%v: vector<8xf32>, %a: f32, %b: f32) -> (vector<8xbf16>, f32) {
  %t = arith.truncf %v : vector<8xf32> to vector<8xbf16>
  %m = arith.maximumf %a, %b : f32
  return %t, %m : vector<8xbf16>, f32
}

// -----

// bf16 -> f32: the bits shifted into the high half (exact).
// CHECK-LABEL: func.func @ext
// CHECK: %[[B:.*]] = arith.bitcast %{{.*}} : bf16 to i16
// CHECK: %[[W:.*]] = arith.extui %[[B]] : i16 to i32
// CHECK: %[[S:.*]] = arith.shli %[[W]], %{{.*}} : i32
// CHECK: arith.bitcast %[[S]] : i32 to f32
// CHECK-NOT: arith.extf
func.func @ext(%h: bf16) -> f32 {
  %e = arith.extf %h : bf16 to f32
  return %e : f32
}

// -----

// bf16 arithmetic in mx-cpu-pipeline: computed in f32 (upstream's
// arith-emulate-unsupported-floats), both conversions as integer ops: no
// bfloat arithmetic or conversion reaches LLVM.
// PIPE-LABEL: llvm.func @add
// PIPE-NOT: llvm.fpext
// PIPE: llvm.fadd %{{.*}}, %{{.*}} : f32
// PIPE-NOT: llvm.fpext
// PIPE-NOT: llvm.fptrunc
// PIPE: llvm.return
func.func @add(%a: bf16, %b: bf16) -> bf16 {
  %s = arith.addf %a, %b : bf16
  return %s : bf16
}
