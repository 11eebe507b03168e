// A rule file (docs/Policies.md): the gpt-oss recipe, MoE expert weights in
// MXFP4 and attention in MXFP8, picked by mx.name regex, op kind, function
// and exact name; the first matching rule wins over the IR's scopes.
// RUN: rm -rf %t && split-file %s %t
// RUN: mx-opt %t/model.mlir --mx-apply-policy="policy-file=%t/rules.json" -verify-diagnostics | FileCheck %s
// Bad rule files and options are errors naming the problem (exit status 1).
// RUN: (mx-opt %t/model.mlir --mx-apply-policy="policy-file=%t/missing.json"; echo "exit=$?") 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: (mx-opt %t/model.mlir --mx-apply-policy="policy-file=%t/bad-key.json"; echo "exit=$?") 2>&1 | FileCheck %s --check-prefix=KEY
// RUN: (mx-opt %t/model.mlir --mx-apply-policy="policy-file=%t/bad-policy.json"; echo "exit=$?") 2>&1 | FileCheck %s --check-prefix=POLICY
// RUN: (mx-opt %t/model.mlir --mx-apply-policy="policy-file=%t/not-json.json"; echo "exit=$?") 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: (mx-opt %t/model.mlir --mx-apply-policy="weights=mxfp5"; echo "exit=$?") 2>&1 | FileCheck %s --check-prefix=OPTION

// MISSING: error: policy-file '{{.*}}missing.json': No such file or directory
// MISSING: exit=1
// KEY: error: policy-file '{{.*}}bad-key.json': rule 0: unknown key "layer" (expected name, name_regex, function, op, policy)
// KEY: exit=1
// POLICY: error: policy-file '{{.*}}bad-policy.json': rule 1: "policy" must be a #mx.policy<...>
// POLICY: exit=1
// JSON: error: policy-file '{{.*}}not-json.json': {{.*}}
// JSON: exit=1
// OPTION: error: unknown format preset 'mxfp5'
// OPTION: error: mx-apply-policy: bad weights/activations option (#mx.policy<activations = none, weights = mxfp5>)
// OPTION: exit=1

// CHECK-LABEL: func.func @block
// Expert weights by regex: MXFP4, weight-only.
//       CHECK: mx.constant {{.*}} : !mx.tensor<64x16xmxfp4, block = [32, 1]>
//       CHECK: mx.matmul %{{.*}}, %{{.*}} : tensor<4x64xf32>, !mx.tensor<64x16xmxfp4, block = [32, 1]>
//       CHECK: mx.constant {{.*}} : !mx.tensor<64x16xmxfp4, block = [32, 1]>
// Attention by op kind: MXFP8 activations.
//       CHECK: mx.matmul {{.*}} : !mx.tensor<2x4x64xmxfp8_e4m3>, !mx.tensor<2x64x4xmxfp8_e4m3, block = [1, 32, 1]>
// The router by exact name: NVFP4 weights (the rule beats the IR's policy).
//       CHECK: mx.matmul {{.*}} : tensor<4x64xf32>, !mx.tensor<64x16xnvfp4, block = [16, 1]>
// No rule matches the head: its own IR policy (MXINT8) applies.
//       CHECK: mx.matmul {{.*}} : tensor<4x64xf32>, !mx.tensor<64x16xmxint8, block = [32, 1]>
// CHECK-LABEL: func.func @other
// The function rule: bf16 weights.
//       CHECK: arith.extf {{.*}} : tensor<64x16xbf16> to tensor<64x16xf32>

//--- rules.json
{"rules": [
  {"name_regex": "layers\\.[0-9]+\\.experts\\..*", "policy": "#mx.policy<weights = mxfp4, activations = none>"},
  {"op": "linalg.batch_matmul", "policy": "#mx.policy<activations = mxfp8_e4m3>"},
  {"name": "router", "function": "block", "policy": "#mx.policy<weights = nvfp4>"},
  {"function": "other", "policy": "#mx.policy<weights = bf16>"}
]}

//--- bad-key.json
{"rules": [{"layer": "x", "policy": "#mx.policy<>"}]}

//--- bad-policy.json
{"rules": [{"op": "linalg.matmul", "policy": "#mx.policy<>"}, {"op": "linalg.matmul", "policy": "mxfp4"}]}

//--- not-json.json
{"rules": [

//--- model.mlir
func.func @block(%x: tensor<4x64xf32>, %q: tensor<2x4x64xf32>, %k: tensor<2x64x4xf32>, %c: tensor<4x16xf32>, %d: tensor<2x4x4xf32>)
    -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x4xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %w = arith.constant dense<1.0> : tensor<64x16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %0 = linalg.matmul {mx.name = "layers.0.experts.0.up"} ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxfp4 block [32, 1] (compile time); K = 64}}
  %1 = linalg.matmul {mx.name = "layers.1.experts.3.down"} ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation mxfp8_e4m3 block [1, 1, 32]; rhs activation mxfp8_e4m3 block [1, 32, 1]; K = 64}}
  %2 = linalg.batch_matmul ins(%q, %k : tensor<2x4x64xf32>, tensor<2x64x4xf32>) outs(%d : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight nvfp4 block [16, 1] (compile time); K = 64}}
  %3 = linalg.matmul {mx.name = "router", mx.policy = #mx.policy<weights = mxint8>} ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight mxint8 block [32, 1] (compile time); K = 64}}
  %4 = linalg.matmul {mx.name = "head", mx.policy = #mx.policy<weights = mxint8>} ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0, %1, %2, %3, %4 : tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x4xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

func.func @other(%x: tensor<4x64xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1.0> : tensor<64x16xf32>
  // expected-remark @+1 {{mx-apply-policy: lhs activation none; rhs weight bf16 (compile time); K = 64}}
  %0 = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
