// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi prefetch-distance=0" --canonicalize | FileCheck %s
// Without VBMI the f32 nest decodes FP8 through f16 (vcvtph2ps).
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vnni" | FileCheck %s --check-prefix=HALF
// The x86 code (LLVM's x86 backend only, not the CPU): the two table
// lookups are zmm vpermi2b/vpermt2b (FP6: vpsrlvw, vpermi2w), the unpacks
// zmm vpunpck{l,h}{bw,wd},
// and nothing converts from f16 (the pipeline shares one kernel function,
// @mx_matmul, between the two matmuls).
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512-vbmi | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512vnni,+avx512vbmi | \
// RUN:   FileCheck %s --check-prefix=ASM --implicit-check-not=vcvtph2ps
// ASM-LABEL: mx_matmul:
// ASM-DAG: vpermi2b %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpermt2b %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpunpcklbw %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpunpckhbw %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpunpcklwd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpunpckhwd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpsrlvw %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// ASM-DAG: vpermi2w %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}

// The f32 GEMV with FP8 weights on AVX512-VBMI (docs/Lowering.md, "FP8
// weights"): each K row's 64 codes index two 128-entry byte tables at
// their magnitude (mx_x86.vpermi2b.512 ignores bit 7), which give bytes 3
// and 2 of the value's f32 (its low 16 bits are zero); the code's sign is
// or-ed into byte 3; byte unpacks make words, word unpacks with zero make
// the f32s: 4 vectors of 16, lane l of vector p holding column 16 (l / 4) +
// 4p + l % 4. The products are the reference's (no 2^8 fold), the block
// scales are read in that lane order, and the last pass restores column
// order.

// E4M3: byte 3 of codes 0-63 and 64-127 (0x3B for 2^-9; 0x7F for the NaN
// code, whose byte 2 is 0xC0: f32 0x7FC00000), byte 2 likewise.
// CHECK-LABEL: func.func @gemv(
// CHECK-DAG: %[[TOPLO:.*]] = arith.constant dense<[0, 59, 59, 59, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63]> : vector<64xi8>
// CHECK-DAG: %[[TOPHI:.*]] = arith.constant dense<[64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 127]> : vector<64xi8>
// CHECK-DAG: %[[SECLO:.*]] = arith.constant dense<[0, 0, -128, -64, 0, 32, 64, 96, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16]> : vector<64xi8>
// CHECK-DAG: %[[SECHI:.*]] = arith.constant dense<[0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -16, 0, 16, 32, 48, 64, 80, 96, 112, -128, -112, -96, -80, -64, -48, -32, -64]> : vector<64xi8>
// CHECK-DAG: %[[SIGN:.*]] = arith.constant dense<-128> : vector<64xi8>
// CHECK-DAG: %[[Z16:.*]] = arith.constant dense<0> : vector<32xi16>
// CHECK-NOT: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: scf.for %{{.*}} iter_args(%[[P0:.*]] = %{{.*}}, %[[P1:.*]] = %{{.*}}, %[[P2:.*]] = %{{.*}}, %[[P3:.*]] = %{{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[A:.*]] = tensor.extract
// CHECK-NEXT: %[[AV:.*]] = vector.broadcast %[[A]] : f32 to vector<16xf32>
// CHECK-NEXT: %[[CODES:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x64x128xi8>, vector<64xi8>
// CHECK-NEXT: %[[TOP:.*]] = mx_x86.vpermi2b.512 %[[TOPLO]], %[[CODES]], %[[TOPHI]] : vector<64xi8>
// CHECK-NEXT: %[[S:.*]] = arith.andi %[[CODES]], %[[SIGN]] : vector<64xi8>
// CHECK-NEXT: %[[B3:.*]] = arith.ori %[[TOP]], %[[S]] : vector<64xi8>
// CHECK-NEXT: %[[B2:.*]] = mx_x86.vpermi2b.512 %[[SECLO]], %[[CODES]], %[[SECHI]] : vector<64xi8>
// CHECK-NEXT: %[[WLO:.*]] = vector.shuffle %[[B2]], %[[B3]] [0, 64, 1, 65, 2, 66, 3, 67, 4, 68, 5, 69, 6, 70, 7, 71, 16, 80, 17, 81, 18, 82, 19, 83, 20, 84, 21, 85, 22, 86, 23, 87, 32, 96, 33, 97, 34, 98, 35, 99, 36, 100, 37, 101, 38, 102, 39, 103, 48, 112, 49, 113, 50, 114, 51, 115, 52, 116, 53, 117, 54, 118, 55, 119] : vector<64xi8>, vector<64xi8>
// CHECK-NEXT: %[[W16:.*]] = vector.bitcast %[[WLO]] : vector<64xi8> to vector<32xi16>
// CHECK-NEXT: %[[D0:.*]] = vector.shuffle %[[Z16]], %[[W16]] [0, 32, 1, 33, 2, 34, 3, 35, 8, 40, 9, 41, 10, 42, 11, 43, 16, 48, 17, 49, 18, 50, 19, 51, 24, 56, 25, 57, 26, 58, 27, 59] : vector<32xi16>, vector<32xi16>
// CHECK-NEXT: %[[V0:.*]] = vector.bitcast %[[D0]] : vector<32xi16> to vector<16xf32>
// CHECK-NEXT: %[[D1:.*]] = vector.shuffle %[[Z16]], %[[W16]] [4, 36, 5, 37, 6, 38, 7, 39, 12, 44, 13, 45, 14, 46, 15, 47, 20, 52, 21, 53, 22, 54, 23, 55, 28, 60, 29, 61, 30, 62, 31, 63] : vector<32xi16>, vector<32xi16>
// CHECK-NEXT: %[[V1:.*]] = vector.bitcast %[[D1]] : vector<32xi16> to vector<16xf32>
// CHECK-NEXT: %[[WHI:.*]] = vector.shuffle %[[B2]], %[[B3]] [8, 72, 9, 73, 10, 74, 11, 75, 12, 76, 13, 77, 14, 78, 15, 79, 24, 88, 25, 89, 26, 90, 27, 91, 28, 92, 29, 93, 30, 94, 31, 95, 40, 104, 41, 105, 42, 106, 43, 107, 44, 108, 45, 109, 46, 110, 47, 111, 56, 120, 57, 121, 58, 122, 59, 123, 60, 124, 61, 125, 62, 126, 63, 127] : vector<64xi8>, vector<64xi8>
// CHECK: %[[V2:.*]] = vector.bitcast %{{.*}} : vector<32xi16> to vector<16xf32>
// CHECK: %[[V3:.*]] = vector.bitcast %{{.*}} : vector<32xi16> to vector<16xf32>
// CHECK-NEXT: %[[M0:.*]] = arith.mulf %[[AV]], %[[V0]] : vector<16xf32>
// CHECK-NEXT: %[[N0:.*]] = arith.addf %[[P0]], %[[M0]] : vector<16xf32>
// CHECK-NEXT: %[[M1:.*]] = arith.mulf %[[AV]], %[[V1]] : vector<16xf32>
// CHECK-NEXT: %[[N1:.*]] = arith.addf %[[P1]], %[[M1]] : vector<16xf32>
// CHECK-NEXT: %[[M2:.*]] = arith.mulf %[[AV]], %[[V2]] : vector<16xf32>
// CHECK-NEXT: arith.addf %[[P2]], %[[M2]] : vector<16xf32>
// CHECK-NEXT: %[[M3:.*]] = arith.mulf %[[AV]], %[[V3]] : vector<16xf32>
// CHECK-NEXT: %[[N3:.*]] = arith.addf %[[P3]], %[[M3]] : vector<16xf32>
// CHECK-NEXT: scf.yield %[[N0]], %[[N1]], %{{.*}}, %[[N3]]
// The block scales of the 64 columns, in the same lane order.
// CHECK: %[[SC:.*]] = vector.transfer_read {{.*}} : tensor<1x2x128xi8>, vector<64xi8>
// CHECK-NEXT: vector.shuffle %[[SC]], %[[SC]] [0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51] : vector<64xi8>, vector<64xi8>
// CHECK-NEXT: arith.extui
// CHECK-NEXT: vector.shuffle %[[SC]], %[[SC]] [4, 5, 6, 7, 20, 21, 22, 23, 36, 37, 38, 39, 52, 53, 54, 55] : vector<64xi8>, vector<64xi8>
// Back to column order.
// CHECK: %[[CH:.*]] = vector.transfer_read {{.*}} : tensor<1x1x128xf32>, vector<64xf32>
// CHECK-NEXT: vector.shuffle %[[CH]], %[[CH]] [0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51, 4, 5, 6, 7, 20, 21, 22, 23, 36, 37, 38, 39, 52, 53, 54, 55, 8, 9, 10, 11, 24, 25, 26, 27, 40, 41, 42, 43, 56, 57, 58, 59, 12, 13, 14, 15, 28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63] : vector<64xf32>, vector<64xf32>
// CHECK: return

// HALF-LABEL: func.func @gemv(
// HALF-NOT: mx_x86.
// HALF: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
// HALF-NOT: mx_x86.
// HALF-LABEL: func.func @ragged(
// HALF-LABEL: func.func @fp6(
// HALF-NOT: mx_x86.
// HALF: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
func.func @gemv(%a: tensor<1x64xf32>, %w: !mx.tensor<64x128xmxfp8_e4m3, block = [32, 1]>) -> tensor<1x128xf32> {
  %r = mx.matmul %a, %w : tensor<1x64xf32>, !mx.tensor<64x128xmxfp8_e4m3, block = [32, 1]> -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}

// E5M2: Inf (magnitude 0x7C: f32 0x7F800000) and three NaN codes at the
// end of the high halves. N = 80: one full chunk, then the ragged last 16
// columns read as a padded chunk of 64 (not in bounds).
// CHECK-LABEL: func.func @ragged(
// CHECK-DAG: arith.constant dense<[0, 55, 56, 56, 56, 56, 56, 56, 57, {{.*}}, 63, 63]> : vector<64xi8>
// CHECK-DAG: arith.constant dense<[64, 64, {{.*}}, 71, 71, 127, 127, 127, 127]> : vector<64xi8>
// CHECK-DAG: arith.constant dense<[0, 32, 64, {{.*}}, 64, 96, -128, -64, -64, -64]> : vector<64xi8>
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %c0], %{{.*}} {in_bounds = [true]} : tensor<1x32x80xi8>, vector<64xi8>
// CHECK: mx_x86.vpermi2b.512
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %c64], %{{.*}} : tensor<1x32x80xi8>, vector<64xi8>
// CHECK-NEXT: mx_x86.vpermi2b.512
func.func @ragged(%a: tensor<1x32xf32>, %w: !mx.tensor<32x80xmxfp8_e5m2, block = [32, 1]>) -> tensor<1x80xf32> {
  %r = mx.matmul %a, %w : tensor<1x32xf32>, !mx.tensor<32x80xmxfp8_e5m2, block = [32, 1]> -> tensor<1x80xf32>
  return %r : tensor<1x80xf32>
}

// FP6 (E3M2): each K row's 48 packed bytes as two 32-byte reads (at 0 and
// 16); per 32 codes (24 bytes) one byte shuffle gives word i the two
// bytes around code i (bit 6i), a shift right by 6i % 8 (0, 6, 4, 2) puts
// the code in the word's low six bits, and mx_x86.vpermi2w.512 reads the
// upper half of each code's f32 (sign included) from a 64-entry word table
// (E3M2 code 1 is 2^-4: 0x3D80; code 32 is -0: 0x8000); word unpacks with
// zero make the f32s, lane l of vector p holding column 32 (p / 2) + 8 (l /
// 4) + 4 (p % 2) + l % 4, which the block scales and the last pass follow.
// CHECK-LABEL: func.func @fp6(
// CHECK-DAG: %[[SH:.*]] = arith.constant dense<[0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2]> : vector<32xi16>
// CHECK-DAG: %[[NEG:.*]] = arith.constant dense<[-32768, -17024, -16896, -16832, -16768, -16736, -16704, -16672, -16640, -16608, -16576, -16544, -16512, -16480, -16448, -16416, -16384, -16352, -16320, -16288, -16256, -16224, -16192, -16160, -16128, -16096, -16064, -16032, -16000, -15968, -15936, -15904]> : vector<32xi16>
// CHECK-DAG: %[[POS:.*]] = arith.constant dense<[0, 15744, 15872, 15936, 16000, 16032, 16064, 16096, 16128, 16160, 16192, 16224, 16256, 16288, 16320, 16352, 16384, 16416, 16448, 16480, 16512, 16544, 16576, 16608, 16640, 16672, 16704, 16736, 16768, 16800, 16832, 16864]> : vector<32xi16>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<0> : vector<32xi16>
// CHECK: %[[OFF:.*]] = arith.divui %{{.*}}, %c4 : index
// CHECK-NEXT: %[[LOW:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[OFF]]], %{{.*}} {in_bounds = [true]} : tensor<1x32x96xi8>, vector<32xi8>
// CHECK-NEXT: %[[OFF16:.*]] = arith.addi %[[OFF]], %c16 : index
// CHECK-NEXT: %[[HIGH:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[OFF16]]], %{{.*}} {in_bounds = [true]} : tensor<1x32x96xi8>, vector<32xi8>
// CHECK-NEXT: %[[WIN0:.*]] = vector.shuffle %[[LOW]], %[[LOW]] [0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 5, 6, 6, 7, 6, 7, 7, 8, 8, 9, 9, 10, 9, 10, 10, 11, 11, 12, 12, 13, 12, 13, 13, 14, 14, 15, 15, 16, 15, 16, 16, 17, 17, 18, 18, 19, 18, 19, 19, 20, 20, 21, 21, 22, 21, 22, 22, 23, 23, 24] : vector<32xi8>, vector<32xi8>
// CHECK-NEXT: %[[W0:.*]] = vector.bitcast %[[WIN0]] : vector<64xi8> to vector<32xi16>
// CHECK-NEXT: %[[I0:.*]] = arith.shrui %[[W0]], %[[SH]] : vector<32xi16>
// CHECK-NEXT: %[[U0:.*]] = mx_x86.vpermi2w.512 %[[POS]], %[[I0]], %[[NEG]] : vector<32xi16>
// CHECK-NEXT: %[[D0:.*]] = vector.shuffle %[[Z]], %[[U0]] [0, 32, 1, 33, 2, 34, 3, 35, 8, 40, 9, 41, 10, 42, 11, 43, 16, 48, 17, 49, 18, 50, 19, 51, 24, 56, 25, 57, 26, 58, 27, 59] : vector<32xi16>, vector<32xi16>
// CHECK-NEXT: vector.bitcast %[[D0]] : vector<32xi16> to vector<16xf32>
// CHECK-NEXT: vector.shuffle %[[Z]], %[[U0]] [4, 36, 5, 37,
// CHECK-NEXT: vector.bitcast
// CHECK-NEXT: %[[WIN1:.*]] = vector.shuffle %[[HIGH]], %[[HIGH]] [8, 9, 8, 9, 9, 10, 10, 11, 11, 12, 11, 12, 12, 13, 13, 14, 14, 15, 14, 15, 15, 16, 16, 17, 17, 18, 17, 18, 18, 19, 19, 20, 20, 21, 20, 21, 21, 22, 22, 23, 23, 24, 23, 24, 24, 25, 25, 26, 26, 27, 26, 27, 27, 28, 28, 29, 29, 30, 29, 30, 30, 31, 31, 31] : vector<32xi8>, vector<32xi8>
// CHECK: mx_x86.vpermi2w.512 %[[POS]], %{{.*}}, %[[NEG]] : vector<32xi16>
// The block scales and the output in that order.
// CHECK: %[[SC6:.*]] = vector.transfer_read {{.*}} : tensor<1x1x128xi8>, vector<64xi8>
// CHECK-NEXT: vector.shuffle %[[SC6]], %[[SC6]] [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27] : vector<64xi8>, vector<64xi8>
// CHECK: %[[CH6:.*]] = vector.transfer_read {{.*}} : tensor<1x1x128xf32>, vector<64xf32>
// CHECK-NEXT: vector.shuffle %[[CH6]], %[[CH6]] [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31, 32, 33, 34, 35, 48, 49, 50, 51, 36, 37, 38, 39, 52, 53, 54, 55, 40, 41, 42, 43, 56, 57, 58, 59, 44, 45, 46, 47, 60, 61, 62, 63] : vector<64xf32>, vector<64xf32>
// CHECK: return
func.func @fp6(%a: tensor<1x32xf32>, %w: !mx.tensor<32x128xmxfp6_e3m2, block = [32, 1]>) -> tensor<1x128xf32> {
  %r = mx.matmul %a, %w : tensor<1x32xf32>, !mx.tensor<32x128xmxfp6_e3m2, block = [32, 1]> -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}
