// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 prefetch-distance=0" --canonicalize | FileCheck %s
// The x86 code (LLVM's x86 backend only, not the CPU): per 32 codes of
// packed rows, the dword spread folds the load into one vpermd, one vpshufb
// places each code's three bytes, and the two magnitude tables are two
// vpshufb picked by one vpblendvb.
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx2 | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx2,+fma,+f16c | FileCheck %s --check-prefix=ASM
// ASM-LABEL: gemv:
// ASM-LABEL: mx_matmul:
// ASM: vpermd (%{{[a-z0-9]+}},%{{[a-z0-9]+}}), %ymm{{[0-9]+}}, %ymm[[D:[0-9]+]]
// ASM: vpshufb %ymm{{[0-9]+}}, %ymm[[D]], %ymm{{[0-9]+}}
// ASM: vpshufb %ymm[[C:[0-9]+]], %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// ASM: vpshufb %ymm[[C]], %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// ASM-NEXT: vpblendvb
// The split tiles: the codes' bits 4 and 5 from one qword, broadcast.
// ASM: vpbroadcastq 128(%{{[a-z0-9]+}},%{{[a-z0-9]+}}), %ymm{{[0-9]+}}
// ASM: vpsllvq
// ASM: vpmaddubsw

// The integer-dot GEMV with E2M3 weights without VBMI (docs/Lowering.md,
// "E2M3 weights without VBMI"): per group of 32 columns, the 24 packed bytes
// from the 32-byte load at byte 0 or 16 into the two 16-byte halves
// (dwords 2g + [0, 4) and 2g + 3 + [0, 4)), each code's three bytes into a
// dword as [b0, b1, b1, b2], the first word times 16 so that both words
// hold their two codes at bits 4 and 10, two shifts and masks to one code
// per byte. Then the magnitudes (8 * |value|) of codes 0-15 and 16-31 by
// vpshufb at the low four bits, picked by code bit 4, and 60 plus or minus
// them by bit 5 (both moved to bit 7 by word shifts): the bytes of the
// VBMI decode, 8 * value + 60.

// CHECK-LABEL: func.func @gemv(
// CHECK-DAG: %[[C60:.*]] = arith.constant dense<60> : vector<32xi8>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<32xi8>
// CHECK-DAG: %[[C3:.*]] = arith.constant dense<3> : vector<16xi16>
// CHECK-DAG: %[[HIMASK:.*]] = arith.constant dense<16128> : vector<16xi16>
// CHECK-DAG: %[[C2:.*]] = arith.constant dense<2> : vector<16xi16>
// CHECK-DAG: %[[LOMASK:.*]] = arith.constant dense<63> : vector<16xi16>
// CHECK-DAG: %[[C4:.*]] = arith.constant dense<4> : vector<16xi16>
// CHECK-DAG: %[[TIMES:.*]] = arith.constant dense<[16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, 1, 16, 1]> : vector<16xi16>
// CHECK-DAG: %[[SPREAD:.*]] = arith.constant dense<[0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11]> : vector<32xi8>
// CHECK-DAG: %[[HIGH:.*]] = arith.constant dense<[16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60, 16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60]> : vector<32xi8>
// CHECK-DAG: %[[LOW:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : vector<32xi8>
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.for
// CHECK: %[[K:.*]] = arith.addi
// CHECK-NEXT: %[[L0:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK-NEXT: %[[D0:.*]] = vector.bitcast %[[L0]] : vector<32xi8> to vector<8xi32>
// CHECK-NEXT: %[[H0:.*]] = vector.shuffle %[[D0]], %[[D0]] [0, 1, 2, 3, 3, 4, 5, 6] : vector<8xi32>, vector<8xi32>
// CHECK-NEXT: %[[B0:.*]] = vector.bitcast %[[H0]] : vector<8xi32> to vector<32xi8>
// CHECK-NEXT: %[[P0:.*]] = mx_x86.pshufb %[[B0]], %[[SPREAD]] : vector<32xi8>
// CHECK-NEXT: %[[W0:.*]] = vector.bitcast %[[P0]] : vector<32xi8> to vector<16xi16>
// CHECK-NEXT: %[[A0:.*]] = arith.muli %[[W0]], %[[TIMES]] : vector<16xi16>
// CHECK-NEXT: %[[E0:.*]] = arith.shrui %[[A0]], %[[C4]] : vector<16xi16>
// CHECK-NEXT: %[[E1:.*]] = arith.andi %[[E0]], %[[LOMASK]] : vector<16xi16>
// CHECK-NEXT: %[[O0:.*]] = arith.shrui %[[A0]], %[[C2]] : vector<16xi16>
// CHECK-NEXT: %[[O1:.*]] = arith.andi %[[O0]], %[[HIMASK]] : vector<16xi16>
// CHECK-NEXT: %[[CW:.*]] = arith.ori %[[E1]], %[[O1]] : vector<16xi16>
// CHECK-NEXT: %[[CODES:.*]] = vector.bitcast %[[CW]] : vector<16xi16> to vector<32xi8>
// CHECK-NEXT: %[[S4W:.*]] = arith.shli %[[CW]], %[[C3]] : vector<16xi16>
// CHECK-NEXT: %[[S4:.*]] = vector.bitcast %[[S4W]] : vector<16xi16> to vector<32xi8>
// CHECK-NEXT: %[[S5W:.*]] = arith.shli %[[CW]], %[[C2]] : vector<16xi16>
// CHECK-NEXT: %[[S5:.*]] = vector.bitcast %[[S5W]] : vector<16xi16> to vector<32xi8>
// CHECK-NEXT: %[[B4:.*]] = arith.cmpi slt, %[[S4]], %[[ZERO]] : vector<32xi8>
// CHECK-NEXT: %[[B5:.*]] = arith.cmpi slt, %[[S5]], %[[ZERO]] : vector<32xi8>
// CHECK-NEXT: %[[M0:.*]] = mx_x86.pshufb %[[LOW]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[M1:.*]] = mx_x86.pshufb %[[HIGH]], %[[CODES]] : vector<32xi8>
// CHECK-NEXT: %[[MAG:.*]] = arith.select %[[B4]], %[[M1]], %[[M0]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[PLUS:.*]] = arith.addi %[[MAG]], %[[C60]] : vector<32xi8>
// CHECK-NEXT: %[[MINUS:.*]] = arith.subi %[[C60]], %[[MAG]] : vector<32xi8>
// CHECK-NEXT: %[[G0:.*]] = arith.select %[[B5]], %[[MINUS]], %[[PLUS]] : vector<32xi1>, vector<32xi8>
// Group 1: the load at byte 16, its bytes 8 to 31.
// CHECK-NEXT: %[[L1:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %[[C16]]], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK-NEXT: %[[D1:.*]] = vector.bitcast %[[L1]] : vector<32xi8> to vector<8xi32>
// CHECK-NEXT: vector.shuffle %[[D1]], %[[D1]] [2, 3, 4, 5, 5, 6, 7, 7] : vector<8xi32>, vector<8xi32>
// Rows 1 to 3 alike, then the FP4 kernel's interleave of group 0.
// CHECK-COUNT-6: arith.muli %{{.*}}, %[[TIMES]] : vector<16xi16>
// CHECK: vector.shuffle %[[G0]], %{{.*}} [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// CHECK: mx_x86.pmaddubsw
// CHECK: mx_x86.pmaddwd
// CHECK: scf.yield
func.func @gemv(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// Tiled E2M3 weights (constants, weights in the kernel layout, the prompts'
// chunk tiles) are stored split, four K rows (192 bytes) at a time: the
// codes in the order the interleave would make them (vector v = 4g + t),
// 128 bytes of their low four bits (vectors 2L, 2L + 1 as the nibbles of
// the 32 bytes at 32L), then 64 bytes of their bits 4 and 5 (8 per vector).
// The kernel reads them with no unpack and no interleave: a nibble is the
// index (codes 0-15 are their own magnitudes, no lookup), and each
// vector's qword of bits, broadcast and shifted left by 7 - 2q (6 - 2q) in
// qword q, puts bit 4 (5) of each code at bit 7 of its byte.
// CHECK-LABEL: func.func @gemv_layout(
// CHECK-DAG: %[[C60:.*]] = arith.constant dense<60> : vector<32xi8>
// CHECK-DAG: %[[BY5:.*]] = arith.constant dense<[6, 4, 2, 0]> : vector<4xi64>
// CHECK-DAG: %[[BY4:.*]] = arith.constant dense<[7, 5, 3, 1]> : vector<4xi64>
// CHECK-DAG: %[[NIB:.*]] = arith.constant dense<15> : vector<32xi8>
// CHECK-DAG: %[[HIGH:.*]] = arith.constant dense<[16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60, 16, 18, 20, 22, 24, 26, 28, 30, 32, 36, 40, 44, 48, 52, 56, 60]> : vector<32xi8>
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG: %[[C136:.*]] = arith.constant 136 : index
// CHECK: scf.for
// CHECK: %[[K:.*]] = arith.addi
// CHECK: %[[AT:.*]] = arith.muli %[[K]], %[[C48]] : index
// CHECK-NEXT: %[[NIBS:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[AT]]], %{{.*}} {in_bounds = [true]} : tensor<1x1x3072xi8>, vector<32xi8>
// CHECK-NEXT: %[[IDX:.*]] = arith.andi %[[NIBS]], %[[NIB]] : vector<32xi8>
// CHECK-NEXT: %[[AT2:.*]] = arith.muli %[[K]], %[[C48]] : index
// CHECK-NEXT: %[[BAT:.*]] = arith.addi %[[AT2]], %[[C128]] : index
// CHECK-NEXT: %[[BITS:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[BAT]]], %{{.*}} {in_bounds = [true]} : tensor<1x1x3072xi8>, vector<8xi8>
// CHECK-NEXT: %[[Q1:.*]] = vector.bitcast %[[BITS]] : vector<8xi8> to vector<1xi64>
// CHECK-NEXT: %[[Q:.*]] = vector.extract %[[Q1]][0] : i64 from vector<1xi64>
// CHECK-NEXT: %[[ALL:.*]] = vector.broadcast %[[Q]] : i64 to vector<4xi64>
// CHECK-NEXT: %[[S4Q:.*]] = arith.shli %[[ALL]], %[[BY4]] : vector<4xi64>
// CHECK-NEXT: %[[S4:.*]] = vector.bitcast %[[S4Q]] : vector<4xi64> to vector<32xi8>
// CHECK-NEXT: %[[S5Q:.*]] = arith.shli %[[ALL]], %[[BY5]] : vector<4xi64>
// CHECK-NEXT: %[[S5:.*]] = vector.bitcast %[[S5Q]] : vector<4xi64> to vector<32xi8>
// CHECK-NEXT: %[[B4:.*]] = arith.cmpi slt, %[[S4]], %{{.*}} : vector<32xi8>
// CHECK-NEXT: %[[B5:.*]] = arith.cmpi slt, %[[S5]], %{{.*}} : vector<32xi8>
// CHECK-NEXT: %[[M1:.*]] = mx_x86.pshufb %[[HIGH]], %[[IDX]] : vector<32xi8>
// CHECK-NEXT: %[[MAG:.*]] = arith.select %[[B4]], %[[M1]], %[[IDX]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: %[[PLUS:.*]] = arith.addi %[[MAG]], %[[C60]] : vector<32xi8>
// CHECK-NEXT: %[[MINUS:.*]] = arith.subi %[[C60]], %[[MAG]] : vector<32xi8>
// CHECK-NEXT: %[[V0:.*]] = arith.select %[[B5]], %[[MINUS]], %[[PLUS]] : vector<32xi1>, vector<32xi8>
// CHECK-NEXT: mx_x86.pmaddubsw %[[V0]], %{{.*}} : vector<32xi8> -> vector<16xi16>
// Vector 1: the high nibbles of the same load, its bits at 136.
// CHECK: arith.shrui %[[NIBS]], %{{.*}} : vector<32xi8>
// CHECK: arith.addi %{{.*}}, %[[C136]] : index
// CHECK-NOT: vector.shuffle %{{.*}} : vector<32xi8>, vector<32xi8>
// CHECK: scf.yield

// The layout function writes each group of four K rows of a chunk so: the
// codes unpacked and interleaved as the kernel would, four 32-byte vectors
// of nibbles at 192 * group + 32L, then per vector the qwords of its codes'
// top two bits shifted left by 2q and or'ed together, at + 128 + 8v.
// CHECK-LABEL: func.func @w_layout(
// CHECK-DAG: %[[BYQ:.*]] = arith.constant dense<[0, 2, 4, 6]> : vector<4xi64>
// CHECK-DAG: %[[C192:.*]] = arith.constant 192 : index
// CHECK: %[[G:.*]] = arith.muli %{{.*}}, %[[C192]] : index
// CHECK: %[[N0:.*]] = arith.ori %{{.*}}, %{{.*}} : vector<32xi8>
// CHECK-NEXT: vector.transfer_write %[[N0]], %{{.*}}[%{{.*}}, %{{.*}}, %[[G]]] {in_bounds = [true]} : vector<32xi8>, tensor<1x1x3072xi8>
// CHECK-COUNT-3: vector.transfer_write %{{.*}} : vector<32xi8>, tensor<1x1x3072xi8>
// CHECK: %[[T:.*]] = arith.shli %{{.*}}, %[[BYQ]] : vector<4xi64>
// CHECK-NEXT: %[[R:.*]] = vector.reduction <or>, %[[T]] : vector<4xi64> into i64
// CHECK-COUNT-8: vector.transfer_write %{{.*}} : vector<8xi8>, tensor<1x1x3072xi8>
// CHECK: scf.yield
func.func @gemv_layout(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}
