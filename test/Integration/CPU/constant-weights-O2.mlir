// Constant MXFP6 (and MXFP4) weights through LLVM at -O2 and -O3.
// LLVM 22 miscompiles a bitcast of constant bytes to <4 x i6> (opt -O2
// aborts, the JIT crashes): the lowering decodes FP6 with shifts and masks.
// Here the weights are compile-time constants (mx.quantize of a constant
// folds to mx.constant), decoded at run time by code that LLVM's optimizer
// sees together with the constant bytes; every decoded bit pattern must equal
// the folder's (the reference library's).
// RUN: mx-opt %s --canonicalize --mx-cpu-pipeline | \
// RUN:   mlir-runner -O2 -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: mx-opt %s --canonicalize --mx-cpu-pipeline | \
// RUN:   mlir-runner -O3 -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: mx-opt %s --canonicalize --mx-cpu-pipeline=vectorize=false | \
// RUN:   mlir-runner -O2 -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// CHECK-COUNT-3: mismatches: 0 of 256

func.func private @printI64(i64)
func.func private @printString(!llvm.ptr)
llvm.mlir.global internal constant @msg("mismatches: \00")
llvm.mlir.global internal constant @of(" of 256\0A\00")

// Bit patterns that differ between the run-time decode and the folded one.
func.func @count(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) {
  %ia = arith.bitcast %a : tensor<4x64xf32> to tensor<4x64xi32>
  %ib = arith.bitcast %b : tensor<4x64xf32> to tensor<4x64xi32>
  %ne = arith.cmpi ne, %ia, %ib : tensor<4x64xi32>
  %n = arith.extui %ne : tensor<4x64xi1> to tensor<4x64xi64>
  %z = arith.constant dense<0> : tensor<i64>
  %s = linalg.reduce ins(%n : tensor<4x64xi64>) outs(%z : tensor<i64>) dimensions = [0, 1]
    (%x: i64, %acc: i64) {
      %t = arith.addi %x, %acc : i64
      linalg.yield %t : i64
    }
  %v = tensor.extract %s[] : tensor<i64>
  %m = llvm.mlir.addressof @msg : !llvm.ptr
  call @printString(%m) : (!llvm.ptr) -> ()
  call @printI64(%v) : (i64) -> ()
  %o = llvm.mlir.addressof @of : !llvm.ptr
  call @printString(%o) : (!llvm.ptr) -> ()
  return
}

func.func @decode6(%w: !mx.tensor<4x64xmxfp6_e2m3>) -> tensor<4x64xf32> {
  %d = mx.dequantize %w : !mx.tensor<4x64xmxfp6_e2m3> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}
func.func @decode6b(%w: !mx.tensor<4x64xmxfp6_e3m2, block = [4, 16]>) -> tensor<4x64xf32> {
  %d = mx.dequantize %w : !mx.tensor<4x64xmxfp6_e3m2, block = [4, 16]> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}
func.func @decode4(%w: !mx.tensor<4x64xmxfp4>) -> tensor<4x64xf32> {
  %d = mx.dequantize %w : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

func.func @main() {
  %x = arith.constant dense<[[6.395847592e+01, -1.789343859e+00, 6.988788418e+01, 1.029023662e+00, -1.137230857e+01, 0.000000000e+00, -0.000000000e+00, -2.563942914e-01, -1.429243443e+00, -9.401474047e-03, 7.888943022e-03, -6.001447208e+00, 3.594364937e+01, -5.369051322e-02, 1.086824177e-01, -4.851284630e-02, 3.177573892e-01, -3.207148451e+00, -4.711224284e-01, 4.040265938e+01, -6.024315676e+02, -4.748157723e-03, -1.603286321e+01, -1.114936375e+00, -8.070721135e+01, 1.008953676e+02, 4.301795878e-01, 2.599227511e+00, -9.458437579e-02, -5.993692444e-02, -3.972061711e+02, -4.250746576e-03, 9.142065233e-01, 1.128465908e+00, -1.727409872e+00, 5.423166704e-02, -6.269515955e-02, -3.341296454e+01, -9.284339452e-02, -1.273609080e+02, 5.248704869e+00, 1.781026284e+02, 3.230528852e-03, -2.446621209e+02, -2.435753348e+01, 5.926818629e-03, 3.436033604e+01, 1.806456732e+02, -1.731585927e-03, -9.968622616e-03, -5.912131605e+00, -4.489891719e-02, -1.112513850e+01, 1.095156913e+00, 7.270940904e+01, -3.384632747e+01, -1.633515899e+01, 1.443235634e+02, 1.220513735e+00, 4.855316603e+01, -1.044662273e+01, 1.314106404e+00, -5.501503631e+01, 1.139626470e-01], [2.984749023e-03, -2.057619714e+01, 1.935584940e-02, -1.118845994e+00, -1.193741357e-02, 4.500521300e-01, 1.000000000e-40, 2.090850269e+01, 1.589129770e+02, -2.155235432e+02, 5.166357034e+00, 2.665978619e+00, 7.342588344e-01, -1.431238112e+00, 2.709354141e-02, 3.460272947e-02, 1.709757918e-02, 1.249553692e-03, -2.449795135e-03, -6.213298211e-02, -1.038463485e+02, -1.904742083e+02, -3.826321308e-02, -4.152727575e-01, 5.798346110e+01, -3.742688800e+01, -1.660885091e-02, -8.200047709e-01, 6.352844131e-03, -1.761321349e-03, -8.032331298e-01, -1.554000668e+00, -1.600653506e-02, 1.489338690e-02, 1.815494046e-03, 1.064353763e-02, 3.000000000e+38, -7.058171390e-03, 3.916591729e-01, -1.563160397e+01, -6.960147755e-03, 5.353071658e+00, -1.367399508e+02, -5.092136205e-03, 2.516011091e-03, 8.366031304e-02, -1.126949038e+00, -5.673847277e-03, -9.730286791e-01, -4.478888422e-02, -3.322348807e-02, -4.778058759e+01, -3.055252026e-01, -6.124723380e-03, 7.356492529e-02, -5.053811070e+00, 2.925313705e-03, -1.545911432e+01, 4.316557905e-02, -5.090224949e-01, -8.859246403e+00, -1.430318180e+00, -1.678212516e-01, -1.451113895e-01], [-2.076892838e-03, 3.011421325e+01, 8.680656970e-04, -3.940700113e+00, -1.449367944e-01, -6.356867216e+00, 3.945914681e-01, 1.993215388e-02, -1.233160114e-02, 3.629211375e-02, 2.634279762e-02, -8.307372149e-02, 6.836587977e+01, 1.388718805e+00, -6.491069238e-03, 7.260250754e-01, -2.567965716e+00, -1.075312140e+02, 8.740771269e-03, 5.974783248e+00, -1.308928810e-03, 2.959438467e+00, 6.847027979e+01, -9.010620887e-03, -5.535120852e-01, 3.224564004e-03, -1.111187966e+00, 1.647934940e-03, -3.059486444e-01, -7.758302033e-02, 4.415574675e-01, 1.429660418e+01, 2.693179226e+02, -1.530942974e+01, 1.376678758e+00, -2.591191720e-03, 4.817294937e-02, 3.189055515e-02, 4.416192925e+02, -7.295763123e-02, 1.251253888e+02, 1.173701370e+02, 1.017068793e+02, -2.347964644e-01, 7.310679723e-02, -1.149148632e+02, 5.371852058e+00, -4.591131686e+01, -4.891119836e-02, 4.270868026e+00, 3.631672725e-02, 2.681003001e-02, -5.819690000e-01, 1.192197864e-02, 2.210520742e-02, 2.477272140e+02, 7.418360704e+01, -1.780203866e+01, 7.288390400e+00, -1.576341694e+01, 1.519723567e-02, -1.072598116e+00, 2.038836080e-02, 9.062669010e+01], [-2.726027505e-02, -1.114830109e-03, 4.584618175e-02, -4.631133528e-02, -1.740557979e-01, 5.907632579e-02, 4.361981082e-02, -1.990497596e+01, -2.397245188e-03, -6.898354966e-02, -1.387852232e+01, 3.108796004e-02, 2.155332419e-02, -2.532869389e-01, 2.369050196e-05, -4.545044160e+01, 8.610529328e-03, -1.722497583e-04, -3.946776842e+00, 6.317529983e+00, 1.219021952e+01, 7.097363851e-02, 3.591149768e+01, -7.838331704e+00, 3.524971850e-02, -7.336429531e-02, 6.020178556e-02, -1.103928059e+01, -1.751204008e+00, 2.838406498e-01, 1.036925949e-01, -1.848974782e+02, -7.000896712e+00, 3.142250661e+00, -1.276304252e+02, -4.505158930e-03, -2.960706305e-03, -6.102180357e-01, 8.468970317e-01, -1.008053032e-01, 1.227191896e-01, -1.459670103e+00, 2.941077312e-01, 1.503512977e+00, -1.520291599e-01, -2.470190592e-01, -2.881790522e+00, -3.038545966e-02, -3.343044171e-01, 1.180954942e+02, -7.523137171e+00, 2.613333864e-02, -7.635144182e+00, -2.779310529e-03, -7.665354338e+01, -7.037197140e-01, 4.364422915e-03, 3.609990373e+02, -1.583402517e+02, -1.009298294e+00, -1.134184591e+01, -3.779242714e-01, 1.172015495e-02, -5.183448582e+01]]> : tensor<4x64xf32>
  %q6 = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  %r6 = call @decode6(%q6) : (!mx.tensor<4x64xmxfp6_e2m3>) -> tensor<4x64xf32>
  %f6 = mx.dequantize %q6 : !mx.tensor<4x64xmxfp6_e2m3> -> tensor<4x64xf32>
  call @count(%r6, %f6) : (tensor<4x64xf32>, tensor<4x64xf32>) -> ()
  %q6b = mx.quantize %x scale_mode = rceil : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e3m2, block = [4, 16]>
  %r6b = call @decode6b(%q6b) : (!mx.tensor<4x64xmxfp6_e3m2, block = [4, 16]>) -> tensor<4x64xf32>
  %f6b = mx.dequantize %q6b : !mx.tensor<4x64xmxfp6_e3m2, block = [4, 16]> -> tensor<4x64xf32>
  call @count(%r6b, %f6b) : (tensor<4x64xf32>, tensor<4x64xf32>) -> ()
  %q4 = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %r4 = call @decode4(%q4) : (!mx.tensor<4x64xmxfp4>) -> tensor<4x64xf32>
  %f4 = mx.dequantize %q4 : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  call @count(%r4, %f4) : (tensor<4x64xf32>, tensor<4x64xf32>) -> ()
  return
}
