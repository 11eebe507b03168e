// RUN: mx-opt %s --mx-outline-kernels --split-input-file --allow-unregistered-dialect | FileCheck %s
// Idempotent: a second run finds its own kernels and changes nothing.
// RUN: mx-opt %s --mx-outline-kernels --split-input-file --allow-unregistered-dialect | \
// RUN:   mx-opt --mx-outline-kernels --split-input-file --allow-unregistered-dialect | FileCheck %s

// Equal ops (name, attributes, operand and result types) share one private
// function; a different scale mode, format or shape is another kernel. The
// calls keep the ops' operands and order.
// CHECK-LABEL: func.func @layers(
// CHECK-SAME: %[[X:.*]]: tensor<1x32xf32>, %[[W0:.*]]: tensor<32x32xf32>, %[[W1:.*]]: tensor<32x32xf32>, %[[W2:.*]]: tensor<32x64xf32>)
// CHECK-NEXT: %[[Q0:.*]] = call @mx_quantize(%[[W0]]) : (tensor<32x32xf32>) -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
// CHECK-NEXT: %[[Q1:.*]] = call @mx_quantize(%[[W1]]) : (tensor<32x32xf32>) -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
// CHECK-NEXT: %[[QE:.*]] = call @mx_quantize_1(%[[W1]]) : (tensor<32x32xf32>) -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
// CHECK-NEXT: %[[Q2:.*]] = call @mx_quantize_2(%[[W2]]) : (tensor<32x64xf32>) -> !mx.tensor<32x64xmxfp4, block = [32, 1]>
// CHECK-NEXT: %[[A:.*]] = call @mx_matmul(%[[X]], %[[Q0]]) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
// CHECK-NEXT: %[[B:.*]] = call @mx_matmul(%[[A]], %[[Q1]]) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
// CHECK-NEXT: %[[C:.*]] = call @mx_matmul(%[[B]], %[[QE]]) : (tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
// CHECK-NEXT: %[[D:.*]] = call @mx_matmul_1(%[[C]], %[[Q2]]) : (tensor<1x32xf32>, !mx.tensor<32x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
// CHECK-NEXT: return %[[D]]
// CHECK: func.func private @mx_quantize(%[[I:.*]]: tensor<32x32xf32>) -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
// CHECK-NEXT: %[[R:.*]] = mx.quantize %[[I]] : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
// CHECK-NEXT: return %[[R]]
// CHECK: func.func private @mx_quantize_1(
// CHECK-NEXT: mx.quantize %{{.*}} scale_mode = even :
// CHECK: func.func private @mx_quantize_2(
// CHECK: func.func private @mx_matmul(%[[L:.*]]: tensor<1x32xf32>, %[[RH:.*]]: !mx.tensor<32x32xmxfp4, block = [32, 1]>) -> tensor<1x32xf32>
// CHECK-NEXT: %[[M:.*]] = mx.matmul %[[L]], %[[RH]] :
// CHECK-NEXT: return %[[M]]
// CHECK: func.func private @mx_matmul_1(
// CHECK-NOT: func.func
func.func @layers(%x: tensor<1x32xf32>, %w0: tensor<32x32xf32>, %w1: tensor<32x32xf32>, %w2: tensor<32x64xf32>) -> tensor<1x64xf32> {
  %q0 = mx.quantize %w0 : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %q1 = mx.quantize %w1 : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %qe = mx.quantize %w1 scale_mode = even : tensor<32x32xf32> -> !mx.tensor<32x32xmxfp4, block = [32, 1]>
  %q2 = mx.quantize %w2 : tensor<32x64xf32> -> !mx.tensor<32x64xmxfp4, block = [32, 1]>
  %a = mx.matmul %x, %q0 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  %b = mx.matmul %a, %q1 : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  %c = mx.matmul %b, %qe : tensor<1x32xf32>, !mx.tensor<32x32xmxfp4, block = [32, 1]> -> tensor<1x32xf32>
  %d = mx.matmul %c, %q2 : tensor<1x32xf32>, !mx.tensor<32x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %d : tensor<1x64xf32>
}

// -----

// Every compute op kind, in loops too, across functions: one kernel each,
// shared by both functions. A symbol already named @mx_dequantize keeps its
// name; the kernel takes the next free one. mx.unpack stays where it is
// (data, no kernel), and so does an unused op (Pure: the lowering drops it,
// a call would run).
// CHECK-LABEL: func.func @mx_dequantize(
// CHECK-NEXT: return
// CHECK-LABEL: func.func @first(
// CHECK: mx.unpack
// CHECK: scf.for
// CHECK: call @mx_hadamard(
// CHECK: call @mx_convert(
// CHECK: call @mx_dequantize_0(
// CHECK-LABEL: func.func @second(
// CHECK: call @mx_hadamard(
// CHECK: call @mx_convert(
// CHECK: call @mx_dequantize_0(
// CHECK: mx.hadamard %{{.*}} axis(1) size(64)
// CHECK-NEXT: return
// CHECK: func.func private @mx_hadamard(
// CHECK-NEXT: mx.hadamard
// CHECK: func.func private @mx_convert(
// CHECK-NEXT: mx.convert
// CHECK: func.func private @mx_dequantize_0(
// CHECK-NEXT: mx.dequantize
// CHECK-NOT: func.func
func.func @mx_dequantize(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  return %x : tensor<4x64xf32>
}
func.func @first(%x: tensor<4x64xf32>, %q: !mx.tensor<4x64xmxfp8_e4m3>, %n: index) -> tensor<4x64xf32> {
  %e, %s = mx.unpack %q : !mx.tensor<4x64xmxfp8_e4m3>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4x64xf32> {
    %h = mx.hadamard %acc axis(1) size(64) : tensor<4x64xf32>
    %v = mx.convert %q : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xmxfp4>
    %d = mx.dequantize %v : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
    %sum = arith.addf %h, %d : tensor<4x64xf32>
    scf.yield %sum : tensor<4x64xf32>
  }
  return %r : tensor<4x64xf32>
}
func.func @second(%x: tensor<4x64xf32>, %q: !mx.tensor<4x64xmxfp8_e4m3>) -> tensor<4x64xf32> {
  %h = mx.hadamard %x axis(1) size(64) : tensor<4x64xf32>
  %v = mx.convert %q : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xmxfp4>
  %d = mx.dequantize %v : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  %sum = arith.addf %h, %d : tensor<4x64xf32>
  %unused = mx.hadamard %sum axis(1) size(64) : tensor<4x64xf32>
  return %sum : tensor<4x64xf32>
}

// -----

// Functions of nested modules are not outlined, nor are ops in a module
// nested in a function (a call there could not name the outer module's
// function); nothing else being there, the module is unchanged.
// CHECK-LABEL: module @inner
// CHECK-NEXT: func.func @kept(
// CHECK-NEXT: mx.dequantize
// CHECK-LABEL: func.func @holder(
// CHECK: module @nested
// CHECK-NEXT: func.func @also_kept(
// CHECK-NEXT: mx.dequantize
// CHECK-NOT: func.func private
module {
  module @inner {
    func.func @kept(%q: !mx.tensor<4x64xmxfp4>) -> tensor<4x64xf32> {
      %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
      return %d : tensor<4x64xf32>
    }
  }
  func.func @holder() {
    "test.region"() ({
      builtin.module @nested {
        func.func @also_kept(%q: !mx.tensor<4x64xmxfp4>) -> tensor<4x64xf32> {
          %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
          return %d : tensor<4x64xf32>
        }
      }
      "test.end"() : () -> ()
    }) : () -> ()
    return
  }
}

// -----

// A function this pass would make (private, one kernel op on its arguments,
// returned) is taken as the kernel of its op: equal ops call it, and the
// next kernel of that op name is numbered after it.
// CHECK-LABEL: func.func @user(
// CHECK-NEXT: call @mx_dequantize(
// CHECK-NEXT: call @mx_dequantize_1(
// CHECK: func.func private @mx_dequantize(
// CHECK: func.func private @mx_dequantize_1(
// CHECK-NOT: func.func
func.func @user(%a: !mx.tensor<4x64xmxfp4>, %b: !mx.tensor<4x64xmxfp8_e4m3>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %x = mx.dequantize %a : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  %y = mx.dequantize %b : !mx.tensor<4x64xmxfp8_e4m3> -> tensor<4x64xf32>
  return %x, %y : tensor<4x64xf32>, tensor<4x64xf32>
}
func.func private @mx_dequantize(%q: !mx.tensor<4x64xmxfp4>) -> tensor<4x64xf32> {
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// -----

// A constant weight that the CPU lowering's integer dot may read (MXINT8
// activations, FP4 or FP6 weights) stays in its kernel, so that the
// lowering can re-lay it (docs/Lowering.md, "Constant weights in the integer
// dot"): matmuls of one constant share a kernel, another constant is another
// kernel, and the caller's constant goes once no call needs it. Against f32
// activations (no integer dot) the constant stays an argument.
// CHECK-LABEL: func.func @constant_weights(
// CHECK-SAME: %[[X:[^:]*]]: !mx.tensor<1x64xmxint8>, %[[F:[^:]*]]: tensor<1x64xf32>)
// CHECK-NEXT: %[[W1:.*]] = mx.constant packed(dense<"0x22
// CHECK-NOT: mx.constant
// CHECK-NEXT: %[[A:.*]] = call @mx_matmul(%[[X]]) : (!mx.tensor<1x64xmxint8>) -> tensor<1x64xf32>
// CHECK-NEXT: %[[B:.*]] = call @mx_matmul(%[[X]]) : (!mx.tensor<1x64xmxint8>) -> tensor<1x64xf32>
// CHECK-NEXT: %[[C:.*]] = call @mx_matmul_1(%[[X]]) : (!mx.tensor<1x64xmxint8>) -> tensor<1x64xf32>
// CHECK-NEXT: %[[D:.*]] = call @mx_matmul_2(%[[F]], %[[W1]]) : (tensor<1x64xf32>, !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
// CHECK: func.func private @mx_matmul(%[[L:[^:]*]]: !mx.tensor<1x64xmxint8>) -> tensor<1x64xf32>
// CHECK-NEXT: %[[K:.*]] = mx.constant packed(dense<"0x11
// CHECK-NEXT: %[[M:.*]] = mx.matmul %[[L]], %[[K]] :
// CHECK-NEXT: return %[[M]]
// CHECK: func.func private @mx_matmul_1(%[[L:[^:]*]]: !mx.tensor<1x64xmxint8>) -> tensor<1x64xf32>
// CHECK-NEXT: %[[K:.*]] = mx.constant packed(dense<"0x22
// CHECK-NEXT: %[[M:.*]] = mx.matmul %[[L]], %[[K]] :
// CHECK-NEXT: return %[[M]]
// CHECK: func.func private @mx_matmul_2(%{{[^:]*}}: tensor<1x64xf32>, %{{[^:]*}}: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
// CHECK-NEXT: mx.matmul
// CHECK-NEXT: return
// CHECK-NOT: func.func
func.func @constant_weights(%x: !mx.tensor<1x64xmxint8>, %f: tensor<1x64xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %w0 = mx.constant packed(dense<17> : tensor<2048xi8>) scales(dense<1.0> : tensor<2x64xf8E8M0FNU>) : !mx.tensor<64x64xmxfp4, block = [32, 1]>
  %w1 = mx.constant packed(dense<34> : tensor<2048xi8>) scales(dense<1.0> : tensor<2x64xf8E8M0FNU>) : !mx.tensor<64x64xmxfp4, block = [32, 1]>
  %a = mx.matmul %x, %w0 : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  %b = mx.matmul %x, %w0 : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  %c = mx.matmul %x, %w1 : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  %d = mx.matmul %f, %w1 : tensor<1x64xf32>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %a, %b, %c, %d : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}

// -----

// Weights in the kernel layout (mx.kernel_layout) keep their mark in the
// kernel, which the lowering reads them by, and a matmul of them is another
// kernel than the same matmul of packed rows.
// CHECK-LABEL: func.func @kernel_layout(
// CHECK-SAME: %[[X:.*]]: !mx.tensor<1x64xmxint8>, %[[W:.*]]: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}, %[[V:.*]]: !mx.tensor<64x64xmxfp4, block = [32, 1]>)
// CHECK-NEXT: %[[A:.*]] = call @mx_matmul(%[[X]], %[[W]])
// CHECK-NEXT: %[[B:.*]] = call @mx_matmul_1(%[[X]], %[[V]])
// CHECK-NEXT: %[[C:.*]] = call @mx_matmul(%[[X]], %[[W]])
// CHECK: func.func private @mx_matmul(%{{.*}}: !mx.tensor<1x64xmxint8>, %{{.*}}: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32>
// CHECK: func.func private @mx_matmul_1(%{{.*}}: !mx.tensor<1x64xmxint8>, %{{.*}}: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32>
func.func @kernel_layout(%x: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}, %v: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
  %a = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  %b = mx.matmul %x, %v : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  %c = mx.matmul %x, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %a, %b, %c : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
}
