// RUN: mx-opt %s --test-mx-policy --split-input-file -verify-diagnostics
// Effective policies merge field by field, innermost scope first; operands
// are weights when constant or marked `mx.weight`, else activations.

module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3, scale_mode = floor>} {
  func.func @scopes(%x: tensor<4xf32>, %w: tensor<4xf32> {mx.weight}, %p: i1) -> tensor<4xf32>
      attributes {mx.policy = #mx.policy<weights = nvfp4>} {
    %c = arith.constant dense<1.0> : tensor<4xf32>
    // expected-remark @+1 {{policy: #mx.policy<weights = nvfp4, activations = mxfp8_e4m3, scale_mode = floor> activation activation weight}}
    %0 = arith.select %p, %x, %w {test.print_policy} : tensor<4xf32>
    %1 = scf.execute_region -> tensor<4xf32> {
      // expected-remark @+1 {{policy: #mx.policy<weights = nvfp4, activations = mxfp6_e2m3, outputs = mxint8, scale_mode = floor, rounding = stochastic> activation weight}}
      %2 = arith.addf %0, %c {test.print_policy} : tensor<4xf32>
      // A single op overrides its scope.
      // expected-remark @+1 {{policy: #mx.policy<weights = nvfp4, activations = mxfp4, outputs = mxint8, scale_mode = rceil, rounding = stochastic> activation activation}}
      %3 = arith.mulf %2, %x {test.print_policy, mx.policy = #mx.policy<activations = mxfp4, scale_mode = rceil>} : tensor<4xf32>
      scf.yield %3 : tensor<4xf32>
    } {mx.policy = #mx.policy<activations = mxfp6_e2m3, outputs = mxint8, rounding = stochastic>}
    return %1 : tensor<4xf32>
  }
}

// -----

func.func @none(%x: f32) -> f32 {
  // expected-remark @+1 {{policy: none activation activation}}
  %0 = arith.addf %x, %x {test.print_policy} : f32
  return %0 : f32
}
