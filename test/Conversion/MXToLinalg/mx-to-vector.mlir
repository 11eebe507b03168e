// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512" --canonicalize | FileCheck %s
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512 table-lookup=false" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=BITS
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512 | FileCheck %s --check-prefix=LLVM
// RUN: mx-opt %s --mx-cpu-pipeline=vectorize=false | \
// RUN:   FileCheck %s --check-prefix=SCALAR

/// The vectorized lowering (convert-mx-to-linalg{vectorize}, the default of
/// mx-cpu-pipeline) for target=avx512 (mx-to-vector-targets.mlir has the
/// others): scf.for loops over vector.transfer_read/write on tensors, 16 f32
/// lanes along N, each lane one output column in the
/// reference order. Loop nest of the GEMV: K blocks, then 128-column chunks
/// (64 bytes of FP4 per row), then rows of the lhs, then k inside the block
/// with eight partial-sum vectors carried in registers.

// CHECK-LABEL: func.func @gemv_mxfp4
// CHECK-SAME: %[[A:.*]]: tensor<1x64xf32>, %[[P:.*]]: tensor<64x128xi8>, %[[S:.*]]: tensor<2x256xi8>
// CHECK-DAG: %[[VALS:.*]] = arith.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 6.000000e+00, -0.000000e+00, -5.000000e-01, -1.000000e+00, -1.500000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00, -6.000000e+00]> : vector<16xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[A3:.*]] = tensor.expand_shape %[[A]]
// CHECK-DAG: %[[P3:.*]] = tensor.expand_shape %[[P]]
// CHECK-DAG: %[[S3:.*]] = tensor.expand_shape %[[S]]
// CHECK: %[[ACC:.*]] = scf.for %[[J:.*]] = %c0 to %c2 step %c1 iter_args
// CHECK: scf.for %[[COL:.*]] = %c0 to %c256 step %c128 iter_args
// CHECK: %[[PART:.*]]:8 = scf.for %[[KK:.*]] = %c0 to %c32 step %c1 iter_args(%[[P0:[^ ]*]] = %[[ZERO]], %[[P1:[^ ]*]] = %[[ZERO]], {{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[AK:.*]] = tensor.extract %[[A3]]
// CHECK: %[[AV:.*]] = vector.broadcast %[[AK]] : f32 to vector<16xf32>
// Product table: f32(a_k * value(code)) for the 16 codes.
// CHECK: %[[TABLE:.*]] = arith.mulf %[[AV]], %[[VALS]] : vector<16xf32>
// CHECK: %[[BYTES:.*]] = vector.transfer_read %[[P3]]{{.*}} {in_bounds = [true]} : tensor<1x64x128xi8>, vector<16xi8>
// CHECK: %[[W:.*]] = arith.extui %[[BYTES]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[LO:.*]] = arith.andi %[[W]], %{{.*}} : vector<16xi32>
// CHECK: %[[HI:.*]] = arith.shrui %[[W]], %{{.*}} : vector<16xi32>
// CHECK: %[[I0:.*]] = vector.extract %[[LO]][0] : i32 from vector<16xi32>
// CHECK: %[[X0:.*]] = arith.index_cast %[[I0]] : i32 to index
// CHECK: %[[E0:.*]] = vector.extract %[[TABLE]][%[[X0]]] : f32 from vector<16xf32>
// CHECK: %[[EVEN:.*]] = vector.from_elements %[[E0]],
// CHECK: arith.addf %[[P0]], %[[EVEN]] : vector<16xf32>
// CHECK: %[[ODD:.*]] = vector.from_elements
// CHECK: arith.addf %[[P1]], %[[ODD]] : vector<16xf32>
// CHECK-COUNT-3: vector.transfer_read %[[P3]]
// CHECK: scf.yield
// Scales of the block: 32 E8M0 bytes per 32 columns, split even/odd.
// CHECK: %[[SB:.*]] = vector.transfer_read %[[S3]][%c0, %[[J]], %[[COL]]]{{.*}} : tensor<1x2x256xi8>, vector<32xi8>
// CHECK: vector.shuffle %[[SB]], %[[SB]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.shuffle %[[SB]], %[[SB]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// ldexp(partial, X) as one multiply by 2^X; NaN scale selects NaN.
// CHECK: %[[SC:.*]] = arith.mulf %[[PART]]#0, %{{.*}} : vector<16xf32>
// CHECK: %[[SEL:.*]] = arith.select %{{.*}}, %{{.*}}, %[[SC]] : vector<16xi1>, vector<16xf32>
// CHECK: %[[OLD:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x1x256xf32>, vector<16xf32>
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[SEL]] : vector<16xf32>
// CHECK: vector.transfer_write %[[NEW]], {{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<1x1x256xf32>
// Back to column order.
// CHECK: vector.interleave {{.*}} : vector<16xf32> -> vector<32xf32>
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<1x1x256xf32>
// CHECK-NOT: linalg.generic
// CHECK: return

/// Without the table: E2M1 bit arithmetic per lane, then f32(a * b).
// BITS-LABEL: func.func @gemv_mxfp4
// BITS-NOT: vector.from_elements
// BITS: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// BITS: %[[AV:.*]] = vector.broadcast {{.*}} : f32 to vector<16xf32>
// BITS: arith.uitofp {{.*}} : vector<16xi32> to vector<16xf32>
// BITS: %[[B:.*]] = arith.bitcast {{.*}} : vector<16xi32> to vector<16xf32>
// BITS: %[[PR:.*]] = arith.mulf %[[AV]], %[[B]] : vector<16xf32>
// BITS: arith.addf %{{.*}}, %[[PR]] : vector<16xf32>
// BITS: return

/// No FMA and no fastmath flag anywhere, and no call inside the loops (the
/// calls allocate the accumulator and the result, and free the accumulator
/// after the last loop: buffer deallocation).
// LLVM-LABEL: llvm.func @gemv_mxfp4
// LLVM-NOT: fastmath
// LLVM-NOT: fmuladd
// LLVM-NOT: intr.fma
// LLVM: llvm.call @malloc
// LLVM-NOT: llvm.call
// LLVM: llvm.extractelement {{.*}} : vector<16xf32>
// LLVM: llvm.fadd {{.*}} : vector<16xf32>
// LLVM-NOT: llvm.call
// LLVM: llvm.call @malloc
// LLVM-NOT: llvm.call
// LLVM: llvm.call @free
// LLVM-NOT: llvm.call
// LLVM: llvm.return

// SCALAR-LABEL: llvm.func @gemv_mxfp4
// SCALAR-NOT: vector<16xf32>
// SCALAR: llvm.return
func.func @gemv_mxfp4(%a: tensor<1x64xf32>, %b: !mx.tensor<64x256xmxfp4, block = [32, 1]>) -> tensor<1x256xf32> {
  %c = mx.matmul %a, %b : tensor<1x64xf32>, !mx.tensor<64x256xmxfp4, block = [32, 1]> -> tensor<1x256xf32>
  return %c : tensor<1x256xf32>
}

/// NVFP4 16x16 tiles, N = 48 (not whole chunks): one scale byte per 16
/// columns (lanes 0-7 and 8-15 of each vector), the product of the UE4M3
/// scale, the tensor scale at the end; the tail reads and writes with
/// masks (no in_bounds).
// CHECK-LABEL: func.func @gemv_nvfp4_tiles
// CHECK-SAME: %[[G:[^:]*]]: f32) -> tensor<3x48xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c32 iter_args
// CHECK: vector.transfer_read {{.*}} : tensor<1x32x24xi8>, vector<16xi8>
// CHECK: %[[SB:.*]] = vector.transfer_read {{.*}} : tensor<1x2x3xi8>, vector<2xi8>
// CHECK: vector.shuffle %[[SB]], %[[SB]] [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
// CHECK: %[[GV:.*]] = vector.broadcast %[[G]] : f32 to vector<32xf32>
// CHECK: %[[OUT:.*]] = arith.mulf %{{.*}}, %[[GV]] : vector<32xf32>
// CHECK: vector.transfer_write %[[OUT]], %{{.*}} : vector<32xf32>, tensor<1x3x48xf32>
func.func @gemv_nvfp4_tiles(%a: tensor<3x32xf32>, %b: !mx.tensor<32x48xnvfp4, block = [16, 16]>) -> tensor<3x48xf32> {
  %c = mx.matmul %a, %b : tensor<3x32xf32>, !mx.tensor<32x48xnvfp4, block = [16, 16]> -> tensor<3x48xf32>
  return %c : tensor<3x48xf32>
}

/// Both operands E8M0-scaled: the exponent sum can leave 2^[-127, 127], so
/// the partial is scaled exactly in f64 and rounded to f32 once.
// CHECK-LABEL: func.func @gemm_mxfp8_mxfp8
// CHECK: %[[PART:.*]]:4 = scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[W:.*]] = arith.extf %[[PART]]#0 : vector<16xf32> to vector<16xf64>
// CHECK: %[[M:.*]] = arith.mulf %[[W]], %{{.*}} : vector<16xf64>
// CHECK: arith.truncf %[[M]] : vector<16xf64> to vector<16xf32>
func.func @gemm_mxfp8_mxfp8(%a: !mx.tensor<2x64xmxfp8_e4m3>, %b: !mx.tensor<64x64xmxfp8_e4m3, block = [32, 1]>) -> tensor<2x64xf32> {
  %c = mx.matmul %a, %b : !mx.tensor<2x64xmxfp8_e4m3>, !mx.tensor<64x64xmxfp8_e4m3, block = [32, 1]> -> tensor<2x64xf32>
  return %c : tensor<2x64xf32>
}

/// A plain rhs keeps the linalg lowering.
// CHECK-LABEL: func.func @plain_rhs
// CHECK: linalg.generic
func.func @plain_rhs(%a: !mx.tensor<2x32xmxfp4>, %b: tensor<32x4xf32>) -> tensor<2x4xf32> {
  %c = mx.matmul %a, %b : !mx.tensor<2x32xmxfp4>, tensor<32x4xf32> -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

/// Dequantize: FP6 codes from 12 bytes per 16 lanes (constant shuffles and
/// per-lane shifts), E8M0 scale, rounded once to bf16.
// CHECK-LABEL: func.func @dequantize_mxfp6_bf16
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c16
// CHECK: %[[B:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x4x48xi8>, vector<12xi8>
// CHECK: vector.shuffle %[[B]], %[[B]] [0, 0, 0, 0, 3, 3, 3, 3, 6, 6, 6, 6, 9, 9, 9, 9]
// CHECK: arith.shrui %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xbf16>, tensor<1x4x64xbf16>
func.func @dequantize_mxfp6_bf16(%q: !mx.tensor<4x64xmxfp6_e2m3>) -> tensor<4x64xbf16> {
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp6_e2m3> -> tensor<4x64xbf16>
  return %d : tensor<4x64xbf16>
}

/// Quantize, blocks along the row (1x32): per block a lane-wise integer max
/// of |bits| over its two vectors, then one horizontal max; the scale byte
/// is inserted; codes are encoded per lane and packed two per byte.
// CHECK-LABEL: func.func @quantize_mxfp4
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: %[[AMAX:.*]] = scf.for {{.*}} -> (vector<16xi32>)
// CHECK: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x4x64xf32>, vector<16xf32>
// CHECK: arith.maxsi {{.*}} : vector<16xi32>
// CHECK: vector.reduction <maxsi>, %[[AMAX]] : vector<16xi32> into i32
// CHECK: tensor.insert {{.*}} : tensor<1x4x2xi8>
// CHECK: scf.for
// CHECK: vector.shuffle %[[C:.*]], %[[C]] [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
// CHECK: vector.shuffle %[[C]], %[[C]] [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
// CHECK: %[[BYTES:.*]] = arith.trunci {{.*}} : vector<8xi32> to vector<8xi8>
// CHECK: vector.transfer_write %[[BYTES]], {{.*}} {in_bounds = [true]} : vector<8xi8>, tensor<1x4x32xi8>
func.func @quantize_mxfp4(%x: tensor<4x64xf32>) -> !mx.tensor<4x64xmxfp4> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  return %q : !mx.tensor<4x64xmxfp4>
}

/// Quantize NVFP4 with 16x1 blocks (down the columns): the tensor amax is a
/// vector max over everything (NaN ignored); each lane is its own block, so
/// the 16 scale bytes of a row group are written as one vector.
// CHECK-LABEL: func.func @quantize_nvfp4_columns
// CHECK: %[[G:.*]] = scf.for {{.*}} -> (vector<16xi32>)
// CHECK: vector.reduction <maxsi>, %[[G]] : vector<16xi32> into i32
// CHECK: scf.for {{.*}} -> (tensor<1x32x16xi8>, tensor<1x2x32xi8>)
// CHECK: scf.for {{.*}} -> (vector<16xi32>)
// CHECK-NOT: vector.reduction
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi8>, tensor<1x2x32xi8>
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<8xi8>, tensor<1x32x16xi8>
func.func @quantize_nvfp4_columns(%x: tensor<32x32xf32>) -> !mx.tensor<32x32xnvfp4, block = [16, 1]> {
  %q = mx.quantize %x : tensor<32x32xf32> -> !mx.tensor<32x32xnvfp4, block = [16, 1]>
  return %q : !mx.tensor<32x32xnvfp4, block = [16, 1]>
}
