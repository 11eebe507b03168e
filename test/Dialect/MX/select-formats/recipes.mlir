// Recipes: scale-modes and hadamard add candidate variants, chosen when
// they lower the error at the same bits, and written as the op's scale_mode
// and hadamard fields for mx-apply-policy.
//
// @a: each K block of 32 is 7.5 then 31 x 1.0. floor: scale 1, 7.5 clips
// to 6 (error 2.25); rceil: scale 2, 7.5 -> 8 and 1.0 exact (error 0.25).
// @b: each K block is 6, 5, then zeros: 5 rounds to 4 (error 1). After a
// 16-point Hadamard (c = 1/4, exact) the first group holds 2.75 and 0.25
// alternately: scale 1/2, 2.75 -> 3 (error 8 x 0.0625 = 0.5), 0.25 exact.
// RUN: mx-opt %s --mx-select-formats="avg-bits=4.25 candidates=mxfp4 scale-modes=rceil report=%t-modes.json" --mx-apply-policy 2>/dev/null | FileCheck %s --check-prefix=MODES
// RUN: FileCheck %s --check-prefix=MODES-REPORT < %t-modes.json
// RUN: mx-opt %s --mx-select-formats="avg-bits=4.25 candidates=mxfp4 hadamard=16 report=%t-h.json" --mx-apply-policy 2>/dev/null | FileCheck %s --check-prefix=HAD
// RUN: FileCheck %s --check-prefix=HAD-REPORT < %t-h.json
// RUN: not mx-opt %s --mx-select-formats="avg-bits=4.25 hadamard=24" 2>&1 | FileCheck %s --check-prefix=BAD-H
// RUN: not mx-opt %s --mx-select-formats="avg-bits=4.25 scale-modes=nvfp4" 2>&1 | FileCheck %s --check-prefix=BAD-MODE

// MODES-REPORT: "choice": "mxfp4+rceil"
// MODES-REPORT: "choice": "mxfp4",
// MODES-LABEL: func.func @a
// MODES: mx.constant {{.*}}scales(dense<2.000000e+00> : tensor<1x8xf8E8M0FNU>)
// MODES-LABEL: func.func @b

// HAD-REPORT: "choice": "{{[^"]*}}"
// HAD-REPORT: "choice": "mxfp4+h16"
// HAD-REPORT: "format": "mxfp4+h16",
// HAD-REPORT-NEXT: "bits": 4.25,
// HAD-REPORT-NEXT: "rel_mse": 0.0081967213
// HAD-LABEL: func.func @b
// HAD: %[[X:.*]] = mx.hadamard %{{.*}} axis(1) size(16) : tensor<4x32xf32>
// HAD: %[[W:.*]] = mx.constant
// HAD: mx.matmul %[[X]], %[[W]] : tensor<4x32xf32>, !mx.tensor<32x8xmxfp4, block = [32, 1]>

// BAD-H: hadamard=24 is not a supported size (16, 32, 64, 128)
// BAD-MODE: scale-modes: 'nvfp4' is not one of floor, rceil, ceil, even

func.func @a(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

func.func @b(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0], [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
