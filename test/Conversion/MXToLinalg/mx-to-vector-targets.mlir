// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=AVX512
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=AVX2
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=generic" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=GENERIC
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 table-lookup=false" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=NOTABLE
// The x86 code of each target (it needs only LLVM's x86 backend, not the CPU).
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512 | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx512f | FileCheck %s --check-prefix=ZMM
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx2 | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx2 | FileCheck %s --check-prefix=YMM

/// The CPU vector targets of the vector lowering (docs/Lowering.md): the
/// same loops and per-lane arithmetic, only the lanes and the FP4 decode
/// (product table lookup or byte shuffles) differ.

// AVX512-LABEL: func.func @gemv_mxfp4
// AVX512: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX512: %[[T:.*]] = arith.mulf {{.*}} : vector<16xf32>
// AVX512: vector.extract %[[T]][%{{.*}}] : f32 from vector<16xf32>
// AVX512: vector.from_elements {{.*}} : vector<16xf32>

// AVX2 decodes the FP4 codes by byte shuffles instead (docs/Lowering.md,
// "FP4 weights by byte shuffles"): bytes 3 and 2 of each code's f32 (the
// table rows, signed bytes: 0.5 = 0x3f000000, 1.5 = 0x3fc00000, -0 =
// 0x80000000), paired into words by the byte unpack, each dword's two words
// shifted or masked into two f32; then the products and sums as the table's.
// AVX2-LABEL: func.func @gemv_mxfp4
// AVX2-DAG: %[[HIGH:.*]] = arith.constant dense<[0, 63, 63, 63, 64, 64, 64, 64, -128, -65, -65, -65, -64, -64, -64, -64, 0, 63, 63, 63, 64, 64, 64, 64, -128, -65, -65, -65, -64, -64, -64, -64]> : vector<32xi8>
// AVX2-DAG: %[[LOW:.*]] = arith.constant dense<[0, 0, -128, -64, 0, 64, -128, -64, 0, 0, -128, -64, 0, 64, -128, -64, 0, 0, -128, -64, 0, 64, -128, -64, 0, 0, -128, -64, 0, 64, -128, -64]> : vector<32xi8>
// AVX2-DAG: %[[UPPER:.*]] = arith.constant dense<-65536> : vector<8xi32>
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX2: %[[A:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// AVX2: %[[BYTES:.*]] = vector.transfer_read {{.*}} : tensor<1x64x128xi8>, vector<32xi8>
// AVX2: %[[LOWN:.*]] = arith.andi %[[BYTES]], %{{.*}} : vector<32xi8>
// AVX2: %[[HIGHN:.*]] = arith.shrui %[[BYTES]], %{{.*}} : vector<32xi8>
// AVX2: %[[L0:.*]] = mx_x86.pshufb %[[LOW]], %[[LOWN]] : vector<32xi8>
// AVX2: %[[H0:.*]] = mx_x86.pshufb %[[HIGH]], %[[LOWN]] : vector<32xi8>
// AVX2: %[[W0:.*]] = vector.shuffle %[[L0]], %[[H0]] [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// AVX2: %[[D0:.*]] = vector.bitcast %[[W0]] : vector<32xi8> to vector<8xi32>
// AVX2: %[[E0:.*]] = arith.shli %[[D0]], %{{.*}} : vector<8xi32>
// AVX2: %[[O0:.*]] = arith.andi %[[D0]], %[[UPPER]] : vector<8xi32>
// AVX2: %[[V0:.*]] = vector.bitcast %[[E0]] : vector<8xi32> to vector<8xf32>
// AVX2: mx_x86.pshufb %[[LOW]], %[[HIGHN]] : vector<32xi8>
// AVX2: %[[P0:.*]] = arith.mulf %[[A]], %[[V0]] : vector<8xf32>
// AVX2: arith.addf %{{.*}}, %[[P0]] : vector<8xf32>
// AVX2-NOT: vector.from_elements
// AVX2: scf.yield
// The accumulator back in column order after the K blocks: column 1 is
// vector 1's lane 0, column 4 vector 0's lane 1.
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27, 32, 40, 48, 56, {{.*}}] : vector<64xf32>, vector<64xf32>

// GENERIC-LABEL: func.func @gemv_mxfp4
// GENERIC-NOT: llvm.call_intrinsic
// GENERIC-NOT: vector.from_elements
// GENERIC: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// GENERIC: vector.transfer_read {{.*}} : tensor<1x64x128xi8>, vector<4xi8>
// GENERIC: arith.uitofp {{.*}} : vector<4xi32> to vector<4xf32>
// GENERIC: vector.interleave {{.*}} : vector<4xf32> -> vector<8xf32>
// GENERIC: return

// NOTABLE-LABEL: func.func @gemv_mxfp4
// NOTABLE-NOT: llvm.call_intrinsic
// NOTABLE: return

/// One variable permute per code vector with AVX-512 (LLVM picks the
/// integer-domain vpermd for the float table; the bits are the same), byte
/// shuffles with AVX2.
// ZMM-LABEL: gemv_mxfp4:
// ZMM: vperm{{d|ps}} %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm
// YMM-LABEL: gemv_mxfp4:
// YMM-NOT: vperm{{d|ps}} %ymm
// YMM: vpshufb %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm
// YMM: vpunpcklbw %ymm
// YMM-NOT: zmm
func.func @gemv_mxfp4(%a: tensor<1x64xf32>, %b: !mx.tensor<64x256xmxfp4, block = [32, 1]>) -> tensor<1x256xf32> {
  %c = mx.matmul %a, %b : tensor<1x64xf32>, !mx.tensor<64x256xmxfp4, block = [32, 1]> -> tensor<1x256xf32>
  return %c : tensor<1x256xf32>
}

/// FP6 with 4 lanes: one 3-byte group per vector, read and written whole.
// GENERIC-LABEL: func.func @dequantize_mxfp6
// GENERIC: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x4x48xi8>, vector<3xi8>
// GENERIC: vector.shuffle %{{.*}}, %{{.*}} [0, 0, 0, 0] : vector<3xi8>, vector<3xi8>
// GENERIC: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<4xf32>, tensor<1x4x64xf32>
// AVX2-LABEL: func.func @dequantize_mxfp6
// AVX2: vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x4x48xi8>, vector<6xi8>
// AVX2: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<8xf32>, tensor<1x4x64xf32>
func.func @dequantize_mxfp6(%q: !mx.tensor<4x64xmxfp6_e2m3>) -> tensor<4x64xf32> {
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp6_e2m3> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// GENERIC-LABEL: func.func @quantize_mxfp6
// GENERIC: vector.reduction <maxsi>, %{{.*}} : vector<4xi32> into i32
// GENERIC: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<3xi8>, tensor<1x4x48xi8>
// AVX2-LABEL: func.func @quantize_mxfp6
// AVX2: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<6xi8>, tensor<1x4x48xi8>
func.func @quantize_mxfp6(%x: tensor<4x64xf32>) -> !mx.tensor<4x64xmxfp6_e2m3> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp6_e2m3>
  return %q : !mx.tensor<4x64xmxfp6_e2m3>
}

/// mx.convert: the vector quantize loops read their input lanes dequantized
/// on the fly from the source bytes (no f32 tensor, no linalg): the NVFP4
/// tensor amax, then per block its amax and the encode, both from the
/// E4M3 codes.
// AVX512-LABEL: func.func @convert_mxfp8_nvfp4
// AVX512-NOT: linalg.generic
// AVX512-NOT: tensor<1x2x64xf32>
// AVX512: vector.transfer_read {{.*}} : tensor<1x2x64xi8>, vector<16xi8>
// AVX512: vector.reduction <maxsi>
// AVX512: scf.for {{.*}} -> (tensor<1x2x32xi8>, tensor<1x2x4xi8>)
// AVX512: vector.transfer_read {{.*}} : tensor<1x2x64xi8>, vector<16xi8>
// AVX512: vector.transfer_read {{.*}} : tensor<1x2x64xi8>, vector<16xi8>
// AVX512: vector.transfer_write {{.*}} : vector<8xi8>, tensor<1x2x32xi8>
// AVX512-NOT: linalg.generic
// AVX512-NOT: tensor<1x2x64xf32>
// AVX512: return
func.func @convert_mxfp8_nvfp4(%q: !mx.tensor<2x64xmxfp8_e4m3>) -> !mx.tensor<2x64xnvfp4> {
  %c = mx.convert %q : !mx.tensor<2x64xmxfp8_e4m3> -> !mx.tensor<2x64xnvfp4>
  return %c : !mx.tensor<2x64xnvfp4>
}

/// FP4 source at 8 lanes: 4 bytes per vector, each byte's two nibbles in
/// consecutive lanes.
// AVX2-LABEL: func.func @convert_mxfp4_mxfp8
// AVX2-NOT: tensor<4x64xf32>
// AVX2: %[[B:.*]] = vector.transfer_read {{.*}} : tensor<1x4x32xi8>, vector<4xi8>
// AVX2: vector.shuffle %[[B]], %[[B]] [0, 0, 1, 1, 2, 2, 3, 3] : vector<4xi8>, vector<4xi8>
// AVX2: vector.transfer_write {{.*}} : vector<8xi8>, tensor<1x4x64xi8>
func.func @convert_mxfp4_mxfp8(%q: !mx.tensor<4x64xmxfp4>) -> !mx.tensor<4x64xmxfp8_e4m3> {
  %c = mx.convert %q scale_mode = even : !mx.tensor<4x64xmxfp4> -> !mx.tensor<4x64xmxfp8_e4m3>
  return %c : !mx.tensor<4x64xmxfp8_e4m3>
}
