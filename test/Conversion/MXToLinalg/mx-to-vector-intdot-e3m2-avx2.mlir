// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 prefetch-distance=0" --canonicalize | FileCheck %s
// With VNNI (avx2-vnni) the low part's pairs go through vpdpbusd; the
// high part keeps vpmaddubsw and vpmaddwd by 16.
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2-vnni prefetch-distance=0" --canonicalize | FileCheck %s --check-prefix=VNNI
// The x86 code (LLVM's x86 backend only, not the CPU): per vector of 32
// codes, two vpmaddubsw with the broadcast activations, the high part's
// widened by vpmaddwd with 16.
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx2 | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx2,+fma,+f16c | FileCheck %s --check-prefix=ASM
// ASM-LABEL: mx_matmul:
// ASM: vpshufb
// ASM: vpblendvb
// ASM: vpmaddubsw
// ASM: vpmaddwd
// ASM-LABEL: mx_matmul_1:
// ASM: vpbroadcastq 128(%{{[a-z0-9]+}},%{{[a-z0-9]+}}), %ymm{{[0-9]+}}
// ASM: vpsllvq
// ASM: vpmaddubsw

// The integer-dot GEMV with E3M2 weights without VBMI (docs/Lowering.md,
// "E3M2 weights without VBMI"). 16 * value (at most 448) does not fit a
// byte: each code decodes to two bytes, its high (16 * value / 16, at most
// 28) and low (16 * value % 16, at most 14) parts, each from two vpshufb
// magnitude tables picked by code bit 4, plus or minus by bit 5 around the
// part's offset (28, 14). The high part's vpmaddubsw pairs are widened by
// vpmaddwd with 16, the low part's with 1, into the same sums, which start
// at -(16 * 28 + 14) = -462 times the block's activation code sum.

// CHECK-LABEL: func.func @gemv(
// CHECK-DAG: %[[OFFLO:.*]] = arith.constant dense<14> : vector<32xi8>
// CHECK-DAG: %[[OFFHI:.*]] = arith.constant dense<28> : vector<32xi8>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<32xi8>
// CHECK-DAG: %[[C3:.*]] = arith.constant dense<3> : vector<16xi16>
// CHECK-DAG: %[[C2:.*]] = arith.constant dense<2> : vector<16xi16>
// CHECK-DAG: %[[SIXTEEN:.*]] = arith.constant dense<16> : vector<16xi16>
// CHECK-DAG: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// Low parts of codes 16-31 and 0-15, high parts of codes 16-31 and 0-15.
// CHECK-DAG: %[[LO1:.*]] = arith.constant dense<[0, 8, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : vector<32xi8>
// CHECK-DAG: %[[LO0:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 0, 4, 8, 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 0, 4, 8, 12]> : vector<32xi8>
// CHECK-DAG: %[[HI1:.*]] = arith.constant dense<[2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28]> : vector<32xi8>
// CHECK-DAG: %[[HI0:.*]] = arith.constant dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]> : vector<32xi8>
// The offsets, once per row and block.
// CHECK: vector.reduction <add>
// CHECK-NEXT: arith.muli %{{.*}}, %c-462_i32 : i32
// Packed rows: each row's codes unpacked (as for E2M3), the four rows
// interleaved, then each interleaved vector decoded.
// CHECK: scf.for
// CHECK-COUNT-8: mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// CHECK: %[[ACT:.*]] = vector.bitcast %{{.*}} : vector<8xi32> to vector<32xi8>
// CHECK: %[[TW:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, 3, 19, 8, 24, 9, 25, 10, 26, 11, 27] : vector<16xi16>, vector<16xi16>
// CHECK-NEXT: %[[CODES:.*]] = vector.bitcast %[[TW]] : vector<16xi16> to vector<32xi8>
// CHECK-NEXT: %[[S4W:.*]] = arith.shli %[[TW]], %[[C3]] : vector<16xi16>
// CHECK-NEXT: %[[S4:.*]] = vector.bitcast %[[S4W]] : vector<16xi16> to vector<32xi8>
// CHECK-NEXT: %[[S5W:.*]] = arith.shli %[[TW]], %[[C2]] : vector<16xi16>
// CHECK-NEXT: %[[S5:.*]] = vector.bitcast %[[S5W]] : vector<16xi16> to vector<32xi8>
// Bits 4 and 5 once, for both parts.
// CHECK-NEXT: %[[B4:.*]] = arith.cmpi slt, %[[S4]], %[[ZERO]] : vector<32xi8>
// CHECK-NEXT: %[[B5:.*]] = arith.cmpi slt, %[[S5]], %[[ZERO]] : vector<32xi8>
// CHECK-NEXT: %[[H0:.*]] = mx_x86.pshufb %[[HI0]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[H1:.*]] = mx_x86.pshufb %[[HI1]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[HMAG:.*]] = arith.select %[[B4]], %[[H1]], %[[H0]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[HPLUS:.*]] = arith.addi %[[HMAG]], %[[OFFHI]] : vector<32xi8>
// CHECK-NEXT: %[[HMINUS:.*]] = arith.subi %[[OFFHI]], %[[HMAG]] : vector<32xi8>
// CHECK-NEXT: %[[HIGH:.*]] = arith.select %[[B5]], %[[HMINUS]], %[[HPLUS]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[L0:.*]] = mx_x86.pshufb %[[LO0]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[L1:.*]] = mx_x86.pshufb %[[LO1]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[LMAG:.*]] = arith.select %[[B4]], %[[L1]], %[[L0]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[LPLUS:.*]] = arith.addi %[[LMAG]], %[[OFFLO]] : vector<32xi8>
// CHECK-NEXT: %[[LMINUS:.*]] = arith.subi %[[OFFLO]], %[[LMAG]] : vector<32xi8>
// CHECK-NEXT: %[[LOW:.*]] = arith.select %[[B5]], %[[LMINUS]], %[[LPLUS]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[HP:.*]] = mx_x86.pmaddubsw %[[HIGH]], %[[ACT]] : vector<32xi8> -> vector<16xi16>
// CHECK-NEXT: %[[HS:.*]] = mx_x86.pmaddwd %[[HP]], %[[SIXTEEN]] : vector<16xi16> -> vector<8xi32>
// CHECK-NEXT: %[[SUM:.*]] = arith.addi %{{.*}}, %[[HS]] : vector<8xi32>
// CHECK-NEXT: %[[LP:.*]] = mx_x86.pmaddubsw %[[LOW]], %[[ACT]] : vector<32xi8> -> vector<16xi16>
// CHECK-NEXT: %[[LS:.*]] = mx_x86.pmaddwd %[[LP]], %[[ONES]] : vector<16xi16> -> vector<8xi32>
// CHECK-NEXT: arith.addi %[[SUM]], %[[LS]] : vector<8xi32>
// CHECK-COUNT-7: mx_x86.pmaddwd %{{.*}}, %[[SIXTEEN]]
// CHECK: scf.yield

// VNNI-LABEL: func.func @gemv(
// VNNI: %[[HP:.*]] = mx_x86.pmaddubsw
// VNNI-NEXT: %[[HS:.*]] = mx_x86.pmaddwd %[[HP]], %{{.*}} : vector<16xi16> -> vector<8xi32>
// VNNI-NEXT: %[[SUM:.*]] = arith.addi %{{.*}}, %[[HS]] : vector<8xi32>
// VNNI-NEXT: mx_x86.vpdpbusd %[[SUM]], %{{.*}}, %{{.*}} : vector<8xi32>, vector<32xi8>
func.func @gemv(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// Tiled E3M2 weights are stored split as E2M3's are (nibbles, then the
// codes' bits 4 and 5), and both parts decode from the nibble: codes 0-15
// are not their own parts, so both tables are read.
// CHECK-LABEL: func.func @gemv_layout(
// CHECK: scf.for
// CHECK: %[[NIBS:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x3072xi8>, vector<32xi8>
// CHECK-NEXT: %[[IDX:.*]] = arith.andi %[[NIBS]], %{{.*}} : vector<32xi8>
// CHECK: vector.transfer_read %{{.*}} : tensor<1x1x3072xi8>, vector<8xi8>
// CHECK: %[[S4Q:.*]] = arith.shli %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK: arith.shli %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK: mx_x86.pshufb %{{.*}}, %[[IDX]] : vector<32xi8>
// CHECK-NEXT: mx_x86.pshufb %{{.*}}, %[[IDX]] : vector<32xi8>
// CHECK: mx_x86.pshufb %{{.*}}, %[[IDX]] : vector<32xi8>
// CHECK-NEXT: mx_x86.pshufb %{{.*}}, %[[IDX]] : vector<32xi8>
// CHECK: mx_x86.pmaddubsw
// CHECK: mx_x86.pmaddwd
// CHECK: mx_x86.pmaddubsw
// CHECK: mx_x86.pmaddwd
// CHECK-NOT: vector.shuffle %{{.*}} : vector<32xi8>, vector<32xi8>
// CHECK: scf.yield

// The layout function is E2M3's: 192 bytes per four K rows of a chunk.
// CHECK-LABEL: func.func @w_layout(
// CHECK: arith.constant 192 : index
// CHECK: vector.reduction <or>, %{{.*}} : vector<4xi64> into i64
func.func @gemv_layout(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}
