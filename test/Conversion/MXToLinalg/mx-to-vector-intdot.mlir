// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 prefetch-distance=0" --canonicalize | FileCheck %s
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=generic" | FileCheck %s --check-prefix=GENERIC
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 integer-dot=false" | FileCheck %s --check-prefix=GENERIC
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" | FileCheck %s --check-prefix=RAGGED
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512 prefetch-distance=0" --canonicalize | FileCheck %s --check-prefix=WORDS
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512" --canonicalize | FileCheck %s --check-prefix=PROMPT
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" --canonicalize | FileCheck %s --check-prefix=AVX2-PROMPT
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vnni prefetch-distance=0" --canonicalize | FileCheck %s --check-prefix=VNNI
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2-vnni prefetch-distance=0" --canonicalize | FileCheck %s --check-prefix=VNNI
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vnni prefetch-distance=0" --canonicalize | FileCheck %s --check-prefix=NVSHORT
// The x86 code (LLVM's x86 backend only, not the CPU): EVEX vpdpbusd with
// AVX512-VNNI, VEX with AVX-VNNI, and no vpmaddubsw/vpmaddwd left.
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512-vnni | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512vnni | FileCheck %s --check-prefix=EVEX
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx2-vnni | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx2,+avxvnni | FileCheck %s --check-prefix=VEX
// EVEX-NOT: vpmadd
// EVEX: vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// EVEX-NOT: vpmadd
// VEX-NOT: vpmadd
// VEX: {vex} vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// VEX-NOT: vpmadd
// The decode GEMV prefetches each weight row of the block into L2
// (locality 2: prefetcht1), eight chunks ahead (the default distance: 8 x
// 32 bytes), clamped to the row's last byte.
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" | FileCheck %s --check-prefix=PREFETCH
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx2 | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx2 | FileCheck %s --check-prefix=PREFETCH-ASM
// PREFETCH-LABEL: func.func @gemv(
// PREFETCH: %[[AHEAD:.*]] = arith.constant 256 : index
// PREFETCH-NEXT: %[[AT:.*]] = arith.addi %{{.*}}, %[[AHEAD]] : index
// PREFETCH: %[[LAST:.*]] = arith.constant 31 : index
// PREFETCH: %[[CL:.*]] = arith.minui %[[AT]], %[[LAST]] : index
// PREFETCH: memref.prefetch %{{.*}}[%{{.*}}, %{{.*}}, %[[CL]]], read, locality<2>, data
// PREFETCH-COUNT-3: memref.prefetch %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], read, locality<2>, data
// PREFETCH-ASM-NOT: prefetcht0
// PREFETCH-ASM: prefetcht1
// PREFETCH-ASM-NOT: prefetcht0

// The integer-dot GEMV (docs/Lowering.md, "Integer-dot GEMV"): MXINT8
// codes against E2M1 codes looked up as 2 * value + 12, four K rows
// transposed into dwords by byte and word unpacks, vpmaddubsw + vpmaddwd
// into i32 sums per K block that start at -12 * (the block's activation
// code sum, computed once per row and block before the nest), then the E8M0
// pair applied exactly (d = -7: the sums count units of 2^-7) and the block
// added to the f32 accumulator.

// The f32 nest: a product table per row, no mx_x86 op.
// GENERIC-LABEL: func.func @gemv(
// GENERIC-NOT: mx_x86.
// GENERIC: arith.mulf %{{.*}} : vector<{{[0-9]+}}xf32>
// GENERIC-NOT: mx_x86.
// GENERIC: return
// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %[[ACODES:[^:]*]]: tensor<1x64xi8>, %[[ASCALES:[^:]*]]: tensor<1x2xi8>, %[[W:[^:]*]]: tensor<64x32xi8>, %[[WSCALES:[^:]*]]: tensor<2x64xi8>
// CHECK-DAG: %[[TABLE:.*]] = arith.constant dense<[12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0, 12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0]> : vector<32xi8>
// CHECK-DAG: %[[LOW4:.*]] = arith.constant dense<15> : vector<32xi8>
// CHECK-DAG: %[[FOUR:.*]] = arith.constant dense<4> : vector<32xi8>
// CHECK-DAG: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// CHECK-DAG: %[[CM12:.*]] = arith.constant -12 : i32
// CHECK-DAG: %[[ONE8:.*]] = arith.constant dense<1> : vector<64xi8>
// CHECK-DAG: %[[C230:.*]] = arith.constant dense<-26> : vector<64xi8>
// CHECK-DAG: %[[UNIT:.*]] = arith.constant 7.812500e-03 : f32
// CHECK-DAG: %[[QNAN:.*]] = arith.constant 0x7FC00000 : f32
// The offsets, once per row and K block.
// CHECK: %[[OFFS:.*]] = scf.for %[[JO:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[OT:.*]] = %{{.*}}) -> (tensor<1x1x2xi32>)
// CHECK: %[[ABLOCK:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x64xi8>, vector<32xi8>
// CHECK: %[[AWIDE:.*]] = arith.extsi %[[ABLOCK]] : vector<32xi8> to vector<32xi32>
// CHECK: %[[ASUM:.*]] = vector.reduction <add>, %[[AWIDE]] : vector<32xi32> into i32
// CHECK: %[[CORR:.*]] = arith.muli %[[ASUM]], %[[CM12]] : i32
// CHECK: tensor.insert %[[CORR]] into %[[OT]][%{{.*}}, %{{.*}}, %[[JO]]] : tensor<1x1x2xi32>
// K blocks, outermost.
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<1x1x64xf32>)
// CHECK: %[[OFF:.*]] = tensor.extract %[[OFFS]][%{{.*}}, %{{.*}}, %[[J]]] : tensor<1x1x2xi32>
// CHECK: %[[OFFV:.*]] = vector.broadcast %[[OFF]] : i32 to vector<8xi32>
// The activation's block scale as one power of two times the sums' unit,
// 2^(ca-127) * 2^-7 (exact, subnormal for small ca), or NaN for code 255.
// CHECK: %[[APOW1:.*]] = arith.mulf %{{.*}}, %[[UNIT]] : f32
// CHECK: %[[APOW:.*]] = arith.select %{{.*}}, %[[QNAN]], %[[APOW1]] : f32
// CHECK: %[[APOWV:.*]] = vector.broadcast %[[APOW]] : f32 to vector<8xf32>
// Whether the chunk's 64 weight scale codes are all in [1, 230] (code - 1
// <u 230): then the block terms take the short form.
// CHECK: %[[WSC:.*]] = vector.transfer_read %{{.*}} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK: %[[WDEC:.*]] = arith.subi %[[WSC]], %[[ONE8]] : vector<64xi8>
// CHECK: %[[WIN:.*]] = arith.cmpi ult, %[[WDEC]], %[[C230]] : vector<64xi8>
// CHECK: %[[SHORT:.*]] = vector.reduction <and>, %[[WIN]] : vector<64xi1> into i1
// One output row on AVX2: both nibbles in one loop of one step of four K
// rows (the steps' word sums below would not fit in 16 registers beside the
// eight sums). The rows are read once and their bytes interleaved into
// dwords (byte unpacks of rows 0/1 and 2/3, then word unpacks), then each
// dword vector's low nibbles (even columns) and high nibbles (odd columns)
// go through the table, vpmaddubsw and vpmaddwd by ones; the eight sums
// start at the offset.
// CHECK: %[[SUMS:.*]]:8 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4 iter_args(%[[S0:.*]] = %[[OFFV]], %{{.*}} = %[[OFFV]], %{{.*}} = %[[OFFV]], %{{.*}} = %[[OFFV]], %[[S4:.*]] = %[[OFFV]], %{{.*}} = %[[OFFV]], %{{.*}} = %[[OFFV]], %{{.*}} = %[[OFFV]]) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK: %[[R0:.*]] = vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// CHECK: %[[R1:.*]] = vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// CHECK: %[[R2:.*]] = vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// CHECK: %[[R3:.*]] = vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// CHECK: %[[U0:.*]] = vector.shuffle %[[R0]], %[[R1]] [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// CHECK: %[[V0:.*]] = vector.shuffle %[[R2]], %[[R3]] [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// CHECK: vector.shuffle %[[R0]], %[[R1]] [8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47, 24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30, 62, 31, 63]
// CHECK: vector.shuffle %[[R2]], %[[R3]] [8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47, 24, 56, 25, 57, 26, 58, 27, 59, 28, 60, 29, 61, 30, 62, 31, 63]
// CHECK-NOT: vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// CHECK: %[[A4:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x64xi8>, vector<4xi8>
// CHECK: %[[A1:.*]] = vector.bitcast %[[A4]] : vector<4xi8> to vector<1xi32>
// CHECK: %[[AW:.*]] = vector.extract %[[A1]][0] : i32 from vector<1xi32>
// CHECK: %[[AB:.*]] = vector.broadcast %[[AW]] : i32 to vector<8xi32>
// CHECK: %[[AALL:.*]] = vector.bitcast %[[AB]] : vector<8xi32> to vector<32xi8>
// CHECK-NOT: vector.transfer_read %{{.*}} : tensor<1x1x64xi8>, vector<4xi8>
// CHECK: %[[UW:.*]] = vector.bitcast %[[U0]] : vector<32xi8> to vector<16xi16>
// CHECK: %[[VW:.*]] = vector.bitcast %[[V0]] : vector<32xi8> to vector<16xi16>
// CHECK: %[[D:.*]] = vector.shuffle %[[UW]], %[[VW]] [0, 16, 1, 17, 2, 18, 3, 19, 8, 24, 9, 25, 10, 26, 11, 27] : vector<16xi16>, vector<16xi16>
// CHECK: %[[DB:.*]] = vector.bitcast %[[D]] : vector<16xi16> to vector<32xi8>
// CHECK: %[[N0:.*]] = arith.andi %[[DB]], %[[LOW4]] : vector<32xi8>
// CHECK: %[[T0:.*]] = mx_x86.pshufb %[[TABLE]], %[[N0]] : vector<32xi8>
// CHECK: %[[P16:.*]] = mx_x86.pmaddubsw %[[T0]], %[[AALL]] : vector<32xi8> -> vector<16xi16>
// CHECK: %[[P32:.*]] = mx_x86.pmaddwd %[[P16]], %[[ONES]] : vector<16xi16> -> vector<8xi32>
// CHECK: arith.addi %[[S0]], %[[P32]] : vector<8xi32>
// CHECK: %[[H0:.*]] = arith.shrui %[[DB]], %[[FOUR]] : vector<32xi8>
// CHECK: %[[TH:.*]] = mx_x86.pshufb %[[TABLE]], %[[H0]] : vector<32xi8>
// CHECK: %[[PH16:.*]] = mx_x86.pmaddubsw %[[TH]], %[[AALL]] : vector<32xi8> -> vector<16xi16>
// CHECK: %[[PH32:.*]] = mx_x86.pmaddwd %[[PH16]], %[[ONES]] : vector<16xi16> -> vector<8xi32>
// CHECK: arith.addi %[[S4]], %[[PH32]] : vector<8xi32>
// CHECK-COUNT-6: mx_x86.pmaddwd %{{.*}}, %[[ONES]] : vector<16xi16> -> vector<8xi32>
// CHECK-NOT: mx_x86.pmaddwd
// CHECK-NOT: arith.addi %{{.*}}, %{{.*}} : vector<16xi16>
// CHECK: scf.yield
// The short form: (S * 2^(cb-127)) * (2^(ca-127) * 2^-7), the first product
// exact (2^-7 is the sums' unit).
// The first vector's lanes are columns 0, 2, 4, 6, 32, 34, 36, 38.
// CHECK: scf.if %[[SHORT]] -> (tensor<1x1x64xf32>) {
// CHECK: %[[SC:.*]] = vector.shuffle %[[WSC]], %[[WSC]] [0, 2, 4, 6, 32, 34, 36, 38] : vector<64xi8>, vector<64xi8>
// CHECK: %[[SCW:.*]] = arith.extui %[[SC]] : vector<8xi8> to vector<8xi32>
// CHECK: %[[SC23:.*]] = arith.shli %[[SCW]], %{{.*}} : vector<8xi32>
// CHECK: %[[W:.*]] = arith.bitcast %[[SC23]] : vector<8xi32> to vector<8xf32>
// CHECK-NOT: arith.subi
// CHECK: %[[F:.*]] = arith.sitofp %[[SUMS]]#0 : vector<8xi32> to vector<8xf32>
// CHECK: %[[EX:.*]] = arith.mulf %[[F]], %[[W]] : vector<8xf32>
// CHECK: %[[BLK:.*]] = arith.mulf %[[EX]], %[[APOWV]] : vector<8xf32>
// CHECK: %[[OLD:.*]] = vector.transfer_read %[[ACC]]
// CHECK: arith.addf %[[OLD]], %[[BLK]] : vector<8xf32>
// Otherwise scaleByE8M0Pair's clamped pair and its NaN select.
// CHECK: } else {
// CHECK: vector.shuffle %[[WSC]], %[[WSC]] [0, 2, 4, 6, 32, 34, 36, 38] : vector<64xi8>, vector<64xi8>
// CHECK-NOT: arith.subi
// CHECK: %[[F2:.*]] = arith.sitofp %[[SUMS]]#0 : vector<8xi32> to vector<8xf32>
// CHECK: arith.maxui
// CHECK: arith.minui
// CHECK: %[[X1:.*]] = arith.mulf %[[F2]], %{{.*}} : vector<8xf32>
// CHECK: %[[X2:.*]] = arith.mulf %[[X1]], %{{.*}} : vector<8xf32>
// CHECK: %[[BLK2:.*]] = arith.select %{{.*}}, %{{.*}}, %[[X2]] : vector<8xi1>, vector<8xf32>
// CHECK: %[[OLD2:.*]] = vector.transfer_read %[[ACC]]
// CHECK: arith.addf %[[OLD2]], %[[BLK2]] : vector<8xf32>
// The odd columns' terms, from sums 4 to 7 (canonicalization merges the two
// groups' ifs on the same condition).
// CHECK: vector.shuffle %[[WSC]], %[[WSC]] [1, 3, 5, 7, 33, 35, 37, 39] : vector<64xi8>, vector<64xi8>
// CHECK: arith.sitofp %[[SUMS]]#4 : vector<8xi32> to vector<8xf32>
// Back to column order.
// CHECK: %[[CHUNK:.*]] = vector.transfer_read %{{.*}} : tensor<1x1x64xf32>, vector<64xf32>
// CHECK: vector.shuffle %[[CHUNK]], %[[CHUNK]] [0, 32, 1, 33, 2, 34, 3, 35, 8, 40, 9, 41, 10, 42, 11, 43, 16, 48, 17, 49, 18, 50, 19, 51, 24, 56, 25, 57, 26, 58, 27, 59, 4, 36, 5, 37, 6, 38, 7, 39, 12, 44, 13, 45, 14, 46, 15, 47, 20, 52, 21, 53, 22, 54, 23, 55, 28, 60, 29, 61, 30, 62, 31, 63] : vector<64xf32>, vector<64xf32>
// With VNNI each decoded vector and broadcast activation word go into one
// vpdpbusd that adds the four byte products to the running i32 sum; the
// rest of the nest is the same.
// VNNI-LABEL: func.func @gemv(
// VNNI-NOT: mx_x86.pmadd
// VNNI-NOT: dense<1> : vector<16xi16>
// VNNI: %[[SUMS:.*]]:8 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S0:.*]] = %{{.*}}, %[[S1:.*]] = %{{.*}}, %[[S2:.*]] = %{{.*}}, %[[S3:.*]] = %{{.*}}, %[[S4:.*]] = %{{.*}}, %[[S5:.*]] = %{{.*}}, %[[S6:.*]] = %{{.*}}, %[[S7:.*]] = %{{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// VNNI: %[[AB:.*]] = vector.broadcast %{{.*}} : i32 to vector<8xi32>
// VNNI: %[[AALL:.*]] = vector.bitcast %[[AB]] : vector<8xi32> to vector<32xi8>
// VNNI: %[[T0:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N0:.*]] = mx_x86.vpdpbusd %[[S0]], %[[T0]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T4:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N4:.*]] = mx_x86.vpdpbusd %[[S4]], %[[T4]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T1:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N1:.*]] = mx_x86.vpdpbusd %[[S1]], %[[T1]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T5:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N5:.*]] = mx_x86.vpdpbusd %[[S5]], %[[T5]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T2:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N2:.*]] = mx_x86.vpdpbusd %[[S2]], %[[T2]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T6:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N6:.*]] = mx_x86.vpdpbusd %[[S6]], %[[T6]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T3:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N3:.*]] = mx_x86.vpdpbusd %[[S3]], %[[T3]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI: %[[T7:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// VNNI-NEXT: %[[N7:.*]] = mx_x86.vpdpbusd %[[S7]], %[[T7]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// VNNI-NEXT: scf.yield %[[N0]], %[[N1]], %[[N2]], %[[N3]], %[[N4]], %[[N5]], %[[N6]], %[[N7]] : vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>
// VNNI: arith.sitofp %[[SUMS]]#0 : vector<8xi32> to vector<8xf32>
// VNNI-NOT: mx_x86.pmadd
// VNNI: return
// With 32 registers (AVX-512) the row's loop takes four steps of four K rows
// (16 K rows per iteration): the steps' vpmaddubsw pairs add as i16 (at
// most 4 * 6144 in magnitude) before one vpmaddwd widens them.
// WORDS-LABEL: func.func @gemv(
// WORDS: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16 iter_args({{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// WORDS-COUNT-16: vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// WORDS-NOT: vector.transfer_read %{{.*}} : tensor<1x64x32xi8>, vector<32xi8>
// WORDS: %[[P:.*]] = mx_x86.pmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// WORDS: %[[Q:.*]] = mx_x86.pmaddubsw %{{.*}}, %{{.*}} : vector<32xi8> -> vector<16xi16>
// WORDS: %[[W2:.*]] = arith.addi %[[P]], %[[Q]] : vector<16xi16>
// WORDS: mx_x86.pmaddubsw
// WORDS: %[[W3:.*]] = arith.addi %[[W2]], %{{.*}} : vector<16xi16>
// WORDS: mx_x86.pmaddubsw
// WORDS: %[[W4:.*]] = arith.addi %[[W3]], %{{.*}} : vector<16xi16>
// WORDS: mx_x86.pmaddwd %[[W4]], %{{.*}} : vector<16xi16> -> vector<8xi32>
// WORDS-COUNT-7: mx_x86.pmaddwd
// WORDS-NOT: mx_x86.pmaddwd
// WORDS: scf.yield
func.func @gemv(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// Two rows share each decoded weight vector (a row tile): two activation
// broadcasts per K step, each decoded vector multiplied by both.
// CHECK-LABEL: func.func @tile(
// CHECK: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK-COUNT-2: vector.transfer_read %{{.*}} : tensor<1x2x64xi8>, vector<4xi8>
// A tile keeps a loop per nibble (eight sums for its two rows each).
// CHECK: %[[D:.*]] = vector.bitcast %{{.*}} : vector<16xi16> to vector<32xi8>
// CHECK: %[[N:.*]] = arith.andi %[[D]], %{{.*}} : vector<32xi8>
// CHECK: %[[T:.*]] = mx_x86.pshufb %{{.*}}, %[[N]] : vector<32xi8>
// CHECK: mx_x86.pmaddubsw %[[T]], %{{.*}}
// CHECK: mx_x86.pmaddubsw %[[T]], %{{.*}}
// CHECK-NOT: arith.shrui
// CHECK: scf.yield
// CHECK: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK: arith.shrui
func.func @tile(%a: !mx.tensor<2x64xmxint8>, %w: !mx.tensor<64x64xmxfp4, block = [32, 1]>) -> tensor<2x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<2x64xmxint8>, !mx.tensor<64x64xmxfp4, block = [32, 1]> -> tensor<2x64xf32>
  return %r : tensor<2x64xf32>
}

// N not a multiple of 64: the f32 nest (no byte dot; its FP4 codes decoded
// by byte shuffles).
// RAGGED-LABEL: func.func @ragged(
// RAGGED-NOT: mx_x86.{{pmaddubsw|pmaddwd|vpdpbusd}}
// RAGGED: mx_x86.pshufb
// RAGGED-NOT: mx_x86.{{pmaddubsw|pmaddwd|vpdpbusd}}
// RAGGED: return
func.func @ragged(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x96xmxfp4, block = [32, 1]>) -> tensor<1x96xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x96xmxfp4, block = [32, 1]> -> tensor<1x96xf32>
  return %r : tensor<1x96xf32>
}

// From M = 4 on, with AVX-512's 32 registers: 4-row tiles (16 accumulators
// per nibble loop), in the GEMV's order with its prefetch (K blocks outside the column chunks) below
// 64 rows ...
// PROMPT-LABEL: func.func @prompt(
// PROMPT: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x4x128xf32>)
// PROMPT-NEXT: scf.for %{{.*}} = %c0 to %c128 step %c64 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x4x128xf32>)
// PROMPT: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// PROMPT: memref.prefetch
// PROMPT-COUNT-4: vector.transfer_read %{{.*}} : tensor<1x4x64xi8>, vector<4xi8>
// PROMPT-LABEL: func.func @long_prompt(
// ... and from 64 rows on in the cache-blocked order (kIntDotBlockedMinRows):
// column chunks outside the K blocks. Each chunk's weights are first copied
// into its tiles (emitChunkTiles, the layout of constant weights): its K
// rows read with a prefetch 64 rows ahead and stored interleaved as the
// kernel reads them (16 rows per iteration: four word steps), its block
// scales in the accumulator's lane order, and whether every scale code
// takes the short form.
// PROMPT: %[[CT:.*]] = tensor.empty() : tensor<1x1x2048xi8>
// PROMPT: %[[ST:.*]] = tensor.empty() : tensor<1x1x128xi8>
// PROMPT: scf.for %{{.*}} = %c0 to %c128 step %c64 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[CT]], %{{.*}} = %[[ST]]) -> (tensor<1x64x128xf32>, tensor<1x1x2048xi8>, tensor<1x1x128xi8>)
// PROMPT-NEXT: arith.divui
// PROMPT-NEXT: %[[CODES:.*]] = scf.for %{{.*}} = %c0 to %c64 step %c16 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x1x2048xi8>)
// PROMPT-COUNT-16: memref.prefetch %{{.*}} : memref<1x64x64xi8, strided<[?, ?, ?], offset: ?>>
// PROMPT-COUNT-16: vector.transfer_write %{{.*}} : vector<32xi8>, tensor<1x1x2048xi8>
// PROMPT-NEXT: scf.yield
// PROMPT: %[[SCALES:.*]]:2 = scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}, %[[ALL:.*]] = %true) -> (tensor<1x1x128xi8>, i1)
// PROMPT-NEXT: vector.transfer_read %{{.*}} : tensor<1x2x128xi8>, vector<64xi8>
// PROMPT-NEXT: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 32, 34, 36, 38, 8, 10,
// PROMPT: %[[OK:.*]] = vector.reduction <and>, %{{.*}} : vector<64xi1> into i1
// PROMPT-NEXT: arith.andi %[[ALL]], %[[OK]] : i1
// Every code short: the kernel reads the tiles (no unpacks), each vector's
// 8 scale codes as they are, with no check.
// PROMPT: scf.if %[[SCALES]]#1 -> (tensor<1x64x128xf32>) {
// PROMPT-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x64x128xf32>)
// PROMPT: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// PROMPT-NOT: memref.prefetch
// PROMPT-NOT: vector<16xi16>, vector<16xi16>
// PROMPT: vector.transfer_read %[[CODES]][%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x2048xi8>, vector<32xi8>
// PROMPT-NOT: vector.reduction
// PROMPT: vector.transfer_read %[[SCALES]]#0[%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x128xi8>, vector<8xi8>
// PROMPT-NOT: vector.reduction
// PROMPT: } else {
// Otherwise each row tile and K block checks its chunk's 64 codes.
// PROMPT: vector.transfer_read %[[SCALES]]#0[%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x128xi8>, vector<64xi8>
// PROMPT: vector.reduction <and>, %{{.*}} : vector<64xi1> into i1
// PROMPT-NOT: memref.prefetch
// PROMPT: return
// With AVX2's 16 registers the tiles stay at 2 rows (8 accumulators per
// nibble loop, two activation reads per K step, four steps per iteration)
// in both orders.
// AVX2-PROMPT-LABEL: func.func @prompt(
// AVX2-PROMPT: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// AVX2-PROMPT: memref.prefetch
// AVX2-PROMPT-COUNT-8: vector.transfer_read %{{.*}} : tensor<1x4x64xi8>, vector<4xi8>
// AVX2-PROMPT-NOT: vector.transfer_read %{{.*}} : tensor<1x4x64xi8>, vector<4xi8>
// AVX2-PROMPT: scf.yield
// AVX2-PROMPT-LABEL: func.func @long_prompt(
// AVX2-PROMPT: scf.for {{.*}} -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// AVX2-PROMPT-COUNT-8: vector.transfer_read %{{.*}} : tensor<1x64x64xi8>, vector<4xi8>
// AVX2-PROMPT-NOT: vector.transfer_read %{{.*}} : tensor<1x64x64xi8>, vector<4xi8>
// AVX2-PROMPT: scf.yield
func.func @prompt(%a: !mx.tensor<4x64xmxint8>, %w: !mx.tensor<64x128xmxfp4, block = [32, 1]>) -> tensor<4x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<4x64xmxint8>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<4x128xf32>
  return %r : tensor<4x128xf32>
}
func.func @long_prompt(%a: !mx.tensor<64x64xmxint8>, %w: !mx.tensor<64x128xmxfp4, block = [32, 1]>) -> tensor<64x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<64x64xmxint8>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}

// NVFP4 weights (UE4M3 scales) against MXINT8 with 16-element blocks: the
// short form w = u * 2^-7 (the code's 7 bits at f32 bit 20 are u * 2^-120,
// times 2^113), then (S * w) * 2^(ca-127); a chunk with a NaN code (low 7
// bits all set) takes applyMatmulBlockScales.
// NVSHORT-LABEL: func.func @nvfp4(
// NVSHORT-DAG: %[[LOW7:.*]] = arith.constant dense<127> : vector<64xi8>
// NVSHORT-DAG: %[[P113:.*]] = arith.constant dense<1.03845937E+34> : vector<8xf32>
// NVSHORT-DAG: %[[M7:.*]] = arith.constant dense<127> : vector<8xi32>
// NVSHORT-DAG: %[[B20:.*]] = arith.constant dense<20> : vector<8xi32>
// NVSHORT: %[[APOW:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// NVSHORT: %[[APOWV:.*]] = vector.broadcast %[[APOW]] : f32 to vector<8xf32>
// NVSHORT: %[[WSC:.*]] = vector.transfer_read %{{.*}} : tensor<1x4x64xi8>, vector<64xi8>
// NVSHORT: %[[CODE7:.*]] = arith.andi %[[WSC]], %[[LOW7]] : vector<64xi8>
// NVSHORT: %[[NOTNAN:.*]] = arith.cmpi ne, %[[CODE7]], %[[LOW7]] : vector<64xi8>
// NVSHORT: %[[SHORT:.*]] = vector.reduction <and>, %[[NOTNAN]] : vector<64xi1> into i1
// NVSHORT: %[[SUMS:.*]]:8 = scf.for
// NVSHORT: scf.if %[[SHORT]] -> (tensor<1x1x64xf32>) {
// NVSHORT: %[[SC:.*]] = arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// NVSHORT: %[[C7:.*]] = arith.andi %[[SC]], %[[M7]] : vector<8xi32>
// NVSHORT: %[[C20:.*]] = arith.shli %[[C7]], %[[B20]] : vector<8xi32>
// NVSHORT: %[[U120:.*]] = arith.bitcast %[[C20]] : vector<8xi32> to vector<8xf32>
// NVSHORT: %[[W:.*]] = arith.mulf %[[U120]], %[[P113]] : vector<8xf32>
// NVSHORT: %[[F:.*]] = arith.sitofp %[[SUMS]]#0 : vector<8xi32> to vector<8xf32>
// NVSHORT: %[[EX:.*]] = arith.mulf %[[F]], %[[W]] : vector<8xf32>
// NVSHORT: %[[BLK:.*]] = arith.mulf %[[EX]], %[[APOWV]] : vector<8xf32>
// NVSHORT: arith.addf %{{.*}}, %[[BLK]] : vector<8xf32>
// NVSHORT: } else {
// NVSHORT: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi1>, vector<8xf32>
// NVSHORT: return
func.func @nvfp4(%a: !mx.tensor<1x64x#mx.format<i8, f8E8M0FNU, block = 16>>, %w: !mx.tensor<64x64xnvfp4, block = [16, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64x#mx.format<i8, f8E8M0FNU, block = 16>>, !mx.tensor<64x64xnvfp4, block = [16, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// NVFP4 with 16x16 blocks (one UE4M3 scale per 16 K rows and 16 columns)
// takes the integer dot too: per K block and chunk, the chunk's 4 scale
// codes are read and each is repeated over its 16 columns, so the short
// form's check and the per-vector shuffles see one code per column as with
// 16x1 blocks.
// NVSHORT-LABEL: func.func @nvfp4_16x16(
// NVSHORT: %[[FOUR:.*]] = vector.transfer_read %{{.*}} : tensor<1x4x4xi8>, vector<4xi8>
// NVSHORT: %[[SPREAD:.*]] = vector.shuffle %[[FOUR]], %[[FOUR]] [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3] : vector<4xi8>, vector<4xi8>
// NVSHORT: arith.andi %[[SPREAD]], %{{.*}} : vector<64xi8>
// NVSHORT: mx_x86.vpdpbusd
// NVSHORT: return
func.func @nvfp4_16x16(%a: !mx.tensor<1x64x#mx.format<i8, f8E8M0FNU, block = 16>>, %w: !mx.tensor<64x64xnvfp4, block = [16, 16]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64x#mx.format<i8, f8E8M0FNU, block = 16>>, !mx.tensor<64x64xnvfp4, block = [16, 16]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}
