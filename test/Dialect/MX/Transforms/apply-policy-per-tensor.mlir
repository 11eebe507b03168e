// Per-tensor FP8 (fp8_e4m3_tensor) has no blocks: no block shape on the
// type, no K-block check, no part in rule M6 (it used to divide by its zero
// block size). The weight folds to an mx.constant with one f32 scale.
// RUN: mx-opt %s --mx-apply-policy="weights=fp8_e4m3_tensor activations=mxfp8_e4m3" 2>&1 | FileCheck %s
// RUN: mx-opt %s --mx-select-formats="avg-bits=8.6 candidates=fp8_e4m3_tensor,mxfp8_e4m3 report=%t.json" --mx-apply-policy -o /dev/null
// RUN: FileCheck %s --check-prefix=REPORT < %t.json

// CHECK: remark: mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 32]; rhs weight fp8_e4m3_tensor per tensor (compile time); K = 64
// CHECK-LABEL: func.func @f
// CHECK: %[[X:.*]] = mx.quantize %{{.*}} : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
// CHECK: %[[W:.*]] = mx.constant packed(dense<"0x7E"> : tensor<512xi8>) tensor_scale(0.00111607148) : !mx.tensor<64x8xfp8_e4m3_tensor>
// CHECK: mx.matmul %[[X]], %[[W]] : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x8xfp8_e4m3_tensor> -> tensor<4x8xf32>
// CHECK-NOT: linalg.matmul

// A constant weight: per-tensor FP8 costs 8 + 32/512 bits, MXFP8 8.25.
// REPORT: "choice": "fp8_e4m3_tensor"
// REPORT: "format": "fp8_e4m3_tensor",
// REPORT-NEXT: "bits": 8.0625
func.func @f(%x: tensor<4x64xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
