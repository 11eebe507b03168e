// mx-lsp-server over stdio (Content-Length framed JSON-RPC, as an editor
// speaks it). The server parses each split-input chunk on its own: the MX
// verifier's error in @q1 is published with its message and the range of
// the op's name; hover on the quantize result and go-to-definition of its operand
// in the second chunk answer with MX's types. Positions are 0-based
// (line:character).
// RUN: %python %S/Inputs/lsp-client.py mx-lsp-server %s \
// RUN:   --hover 26:3 --definition 26:19 | FileCheck %s

// CHECK: diagnostic {{{.*}}"message": "'mx.quantize' op result shape [4, 32] does not match the input shape [4, 64]",
// CHECK-SAME: "range": {"end": {"character": 18, "line": 19}, "start": {"character": 7, "line": 19}}
// CHECK-SAME: "severity": 1
// CHECK-NOT: diagnostic

// CHECK: hover {"contents": {"kind": "markdown", "value": "Operation: \"mx.quantize\"\n\nResult #0\n\nType: `!mx.tensor<4x64xmxfp4>`
// CHECK: definition [{"range": {"end": {"character": 16, "line": 25}, "start": {"character": 14, "line": 25}}
// CHECK-SAME: "uri": "file://{{.*}}diagnostics.mlir"

func.func @q1(%x: tensor<4x64xf32>) -> !mx.tensor<4x32xmxfp4> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x32xmxfp4>
  return %q : !mx.tensor<4x32xmxfp4>
}

// -----

func.func @q2(%x: tensor<4x64xf32>) -> !mx.tensor<4x64xmxfp4> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return %q : !mx.tensor<4x64xmxfp4>
}
