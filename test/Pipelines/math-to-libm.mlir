// RUN: mx-opt %s --mx-cpu-pipeline | FileCheck %s

// What torch-mlir's GELU and LayerNorm use: math.erf has no LLVM intrinsic
// and becomes a libm call (erff, erf for f64); math.rsqrt must not (libm has
// no rsqrtf the JIT could link), so math-to-llvm runs first and expands it
// to a square root and a division.

// CHECK-DAG: llvm.func @erff(f32) -> f32
// CHECK-DAG: llvm.func @erf(f64) -> f64
// CHECK-NOT: rsqrt
// CHECK-LABEL: llvm.func @gelu_parts
// CHECK-SAME:    (%[[X:.*]]: f32, %[[Y:.*]]: f64)
// CHECK:         %[[E:.*]] = llvm.call @erff(%[[X]]) : (f32) -> f32
// CHECK:         %[[ED:.*]] = llvm.call @erf(%[[Y]]) : (f64) -> f64
// CHECK:         %[[ONE:.*]] = llvm.mlir.constant(1.000000e+00 : f32) : f32
// CHECK:         %[[S:.*]] = llvm.intr.sqrt(%[[X]]) : (f32) -> f32
// CHECK:         %[[R:.*]] = llvm.fdiv %[[ONE]], %[[S]] : f32
// CHECK:         %[[T:.*]] = llvm.fadd %[[E]], %[[R]] : f32
// CHECK:         llvm.return
func.func @gelu_parts(%x: f32, %y: f64) -> (f32, f64) {
  %e = math.erf %x : f32
  %ed = math.erf %y : f64
  %r = math.rsqrt %x : f32
  %t = arith.addf %e, %r : f32
  return %t, %ed : f32, f64
}
