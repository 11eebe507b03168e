// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi prefetch-distance=0" --canonicalize | FileCheck %s
// Without VBMI (avx512-vnni) and integer-dot=false, E2M3 weights take the
// f32 nest decoded through f16 (mx-to-vector-intdot-fp6-avx2.mlir: the
// integer dot's decode without VBMI); with VBMI and integer-dot=false, the
// f32 nest decodes them through its 64-entry word table (docs/Lowering.md,
// "FP6 weights").
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi" --canonicalize | FileCheck %s --check-prefix=PROMPT
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vnni integer-dot=false" | FileCheck %s --check-prefix=F32
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi integer-dot=false" | FileCheck %s --check-prefix=WORDS
// The x86 code (LLVM's x86 backend only, not the CPU): the constant byte
// spread is one vpermb from memory, then vpmultishiftqb, then the table
// lookup: LLVM turns vpermi2b with two constant tables into one zmm vpermb
// of the 64-byte table.
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512-vbmi | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512vnni,+avx512vbmi | FileCheck %s --check-prefix=ASM
// ASM-LABEL: gemv:
// ASM: vpermb {{[0-9]*}}(%{{[a-z0-9]+}},%{{[a-z0-9]+}}), %ymm{{[0-9]+}}, %ymm[[SPREAD:[0-9]+]]
// ASM-NEXT: vpmultishiftqb %ymm[[SPREAD]], %ymm{{[0-9]+}}, %ymm[[CODES:[0-9]+]]
// ASM-NEXT: vpermb %zmm{{[0-9]+}}, %zmm[[CODES]], %zmm{{[0-9]+}}
// ASM: vpdpbusd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}

// The integer-dot GEMV with E2M3 weights (docs/Lowering.md, "Integer-dot
// GEMV"): each K row's 64 codes (48 bytes) decoded to bytes 8 * value + 60
// in two groups of 32 columns: the group's 24 bytes (from the 32-byte load
// at byte 0 or 16) spread six to a qword, each code's 6 bits moved to a
// byte of its own (bit offsets 6i), then the 64-entry table at the low six
// bits. Four K rows interleaved into dwords by the FP4 kernel's unpacks,
// vpdpbusd against the broadcast activation codes; the sums start at -60
// times the block's code sum and count units of 2^-9.

// F32-LABEL: func.func @gemv(
// F32-NOT: mx_x86.
// F32: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
// F32-NOT: mx_x86.
// F32: return

// WORDS-LABEL: func.func @gemv(
// WORDS-NOT: mx_x86.{{vpdpbusd|vpmultishiftqb|vpermi2b}}
// WORDS-NOT: arith.extf
// WORDS: mx_x86.vpermi2w.512
// WORDS-NOT: mx_x86.{{vpdpbusd|vpmultishiftqb|vpermi2b}}
// WORDS: return

// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %[[ACODES:[^:]*]]: tensor<1x64xi8>, %[[ASCALES:[^:]*]]: tensor<1x2xi8>, %[[W:[^:]*]]: tensor<64x48xi8>, %[[WSCALES:[^:]*]]: tensor<2x64xi8>
// CHECK-DAG: %[[SHIFTS:.*]] = arith.constant dense<[0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42, 0, 6, 12, 18, 24, 30, 36, 42]> : vector<32xi8>
// CHECK-DAG: %[[NEG:.*]] = arith.constant dense<[60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 42, 40, 38, 36, 34, 32, 30, 28, 24, 20, 16, 12, 8, 4, 0]> : vector<32xi8>
// CHECK-DAG: %[[POS:.*]] = arith.constant dense<[60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 78, 80, 82, 84, 86, 88, 90, 92, 96, 100, 104, 108, 112, 116, 120]> : vector<32xi8>
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[CM60:.*]] = arith.constant -60 : i32
// The offsets, once per row and K block.
// CHECK: scf.for
// CHECK: %[[ASUM:.*]] = vector.reduction <add>, %{{.*}} : vector<32xi32> into i32
// CHECK: arith.muli %[[ASUM]], %[[CM60]] : i32
// K blocks, then one loop over the block's K rows, four at a time, with
// both groups' eight sums.
// CHECK: scf.for
// CHECK: %[[SUMS:.*]]:8 = scf.for %{{.*}} iter_args(%[[S0:[^ ]*]] = %{{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK: %[[K:.*]] = arith.addi
// CHECK: %[[L0:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK: %[[G0:.*]] = vector.shuffle %[[L0]], %[[L0]] [0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13, 14, 15, 16, 17, 17, 17, 18, 19, 20, 21, 22, 23, 23, 23] : vector<32xi8>, vector<32xi8>
// CHECK: %[[F0:.*]] = mx_x86.vpmultishiftqb %[[SHIFTS]], %[[G0]] : vector<32xi8>
// CHECK: %[[D0:.*]] = mx_x86.vpermi2b %[[POS]], %[[F0]], %[[NEG]] : vector<32xi8>
// CHECK: %[[L1:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %[[C16]]], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK: %[[G1:.*]] = vector.shuffle %[[L1]], %[[L1]] [8, 9, 10, 11, 12, 13, 13, 13, 14, 15, 16, 17, 18, 19, 19, 19, 20, 21, 22, 23, 24, 25, 25, 25, 26, 27, 28, 29, 30, 31, 31, 31] : vector<32xi8>, vector<32xi8>
// CHECK: %[[F1:.*]] = mx_x86.vpmultishiftqb %[[SHIFTS]], %[[G1]] : vector<32xi8>
// CHECK: mx_x86.vpermi2b %[[POS]], %[[F1]], %[[NEG]] : vector<32xi8>
// Rows 1 to 3 alike.
// CHECK-COUNT-6: mx_x86.vpermi2b %[[POS]], %{{.*}}, %[[NEG]] : vector<32xi8>
// Group 0's bytes of rows 0 and 1 interleaved (then 2 and 3, words).
// CHECK: vector.shuffle %[[D0]], %{{.*}} [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// CHECK: %[[AALL:.*]] = vector.bitcast %{{.*}} : vector<8xi32> to vector<32xi8>
// CHECK: %[[DW:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, 3, 19, 8, 24, 9, 25, 10, 26, 11, 27] : vector<16xi16>, vector<16xi16>
// CHECK: %[[DB:.*]] = vector.bitcast %[[DW]] : vector<16xi16> to vector<32xi8>
// CHECK: mx_x86.vpdpbusd %[[S0]], %[[DB]], %[[AALL]] : vector<8xi32>, vector<32xi8>
// CHECK-COUNT-7: mx_x86.vpdpbusd
// CHECK: scf.yield
// The short form (the sums' unit 2^-9 in the activation's power, the
// weight's 2^(cb-127) a bitcast); the first vector's lanes are columns 0-3
// and 16-19 of group 0.
// CHECK: scf.if
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 16, 17, 18, 19] : vector<64xi8>, vector<64xi8>
// CHECK: %[[WU:.*]] = arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: %[[F:.*]] = arith.sitofp %[[SUMS]]#0 : vector<8xi32> to vector<8xf32>
// CHECK: arith.mulf %[[F]], %[[WU]] : vector<8xf32>
// The output pass undoes the lane order: column c from lane 32 (c / 32) +
// 8 ((c % 16) / 4) + c % 4 + 4 ((c % 32) / 16).
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31, 32, 33, 34, 35, 40, 41, 42, 43, 48, 49, 50, 51, 56, 57, 58, 59, 36, 37, 38, 39, 44, 45, 46, 47, 52, 53, 54, 55, 60, 61, 62, 63] : vector<64xf32>, vector<64xf32>
func.func @gemv(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e2m3, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// From 64 rows on, the cache-blocked order (column chunks outside the K
// blocks) first copies each chunk of the weights passed in into its tiles
// (emitChunkTiles, the layout of constant weights): its K rows of 48 bytes
// one after the other, each read with a prefetch 64 rows ahead (clamped to
// the last row), its block scales in the accumulator's lane order, and
// whether every scale code takes the short form. The kernel then reads the
// tiles, with no prefetch.
// PROMPT-LABEL: func.func @long_prompt(
// PROMPT-DAG: %[[C63:.*]] = arith.constant 63 : index
// PROMPT-DAG: %[[C48:.*]] = arith.constant 48 : index
// PROMPT: %[[CT:.*]] = tensor.empty() : tensor<1x1x3072xi8>
// PROMPT: %[[ST:.*]] = tensor.empty() : tensor<1x1x128xi8>
// PROMPT: scf.for %[[COL:.*]] = %c0 to %c128 step %c64 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[CT]], %{{.*}} = %[[ST]]) -> (tensor<1x64x128xf32>, tensor<1x1x3072xi8>, tensor<1x1x128xi8>)
// PROMPT-NEXT: %[[COL3:.*]] = arith.muli %[[COL]], %c3 : index
// PROMPT-NEXT: %[[BYTE:.*]] = arith.divui %[[COL3]], %c4 : index
// PROMPT-NEXT: %[[CODES:.*]] = scf.for %[[K:.*]] = %c0 to %c64 step %c4 iter_args(%[[T0:.*]] = %{{.*}}) -> (tensor<1x1x3072xi8>)
// PROMPT-NEXT: %[[AH:.*]] = arith.addi %[[K]], %c64 : index
// PROMPT-NEXT: %[[AHC:.*]] = arith.minui %[[AH]], %[[C63]] : index
// PROMPT-NEXT: memref.prefetch %{{.*}}[%c0, %[[AHC]], %[[BYTE]]], read, locality<2>, data : memref<1x64x96xi8, strided<[?, ?, ?], offset: ?>>
// PROMPT-NEXT: %[[R0:.*]] = vector.transfer_read %{{.*}}[%c0, %[[K]], %[[BYTE]]], %{{.*}} {in_bounds = [true]} : tensor<1x64x96xi8>, vector<48xi8>
// PROMPT-COUNT-3: memref.prefetch
// PROMPT: %[[AT0:.*]] = arith.muli %[[K]], %[[C48]] : index
// PROMPT-NEXT: %[[W0:.*]] = vector.transfer_write %[[R0]], %[[T0]][%c0, %c0, %[[AT0]]] {in_bounds = [true]} : vector<48xi8>, tensor<1x1x3072xi8>
// PROMPT-NEXT: %[[AT1:.*]] = arith.addi %[[AT0]], %[[C48]] : index
// PROMPT-NEXT: vector.transfer_write %{{.*}}, %[[W0]][%c0, %c0, %[[AT1]]] {in_bounds = [true]} : vector<48xi8>, tensor<1x1x3072xi8>
// PROMPT-COUNT-2: vector.transfer_write %{{.*}} : vector<48xi8>, tensor<1x1x3072xi8>
// PROMPT-NEXT: scf.yield
// PROMPT: %[[SCALES:.*]]:2 = scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}, %[[ALL:.*]] = %true) -> (tensor<1x1x128xi8>, i1)
// PROMPT-NEXT: vector.transfer_read %{{.*}} : tensor<1x2x128xi8>, vector<64xi8>
// PROMPT-NEXT: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 16, 17, 18, 19, 4, 5,
// PROMPT: %[[OK:.*]] = vector.reduction <and>, %{{.*}} : vector<64xi1> into i1
// PROMPT-NEXT: arith.andi %[[ALL]], %[[OK]] : i1
// PROMPT: scf.if %[[SCALES]]#1 -> (tensor<1x64x128xf32>) {
// PROMPT-NOT: memref.prefetch
// PROMPT: vector.transfer_read %[[CODES]][%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x3072xi8>, vector<32xi8>
// PROMPT-NEXT: vector.shuffle
// PROMPT-NEXT: mx_x86.vpmultishiftqb
// PROMPT-NOT: vector.reduction
// PROMPT: vector.transfer_read %[[SCALES]]#0[%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x128xi8>, vector<8xi8>
// PROMPT-NOT: vector.reduction
// PROMPT: } else {
// PROMPT: vector.transfer_read %[[SCALES]]#0[%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x128xi8>, vector<64xi8>
// PROMPT: vector.reduction <and>, %{{.*}} : vector<64xi1> into i1
// PROMPT-NOT: memref.prefetch
// PROMPT: return
func.func @long_prompt(%a: !mx.tensor<64x64xmxint8>, %w: !mx.tensor<64x128xmxfp6_e2m3, block = [32, 1]>) -> tensor<64x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<64x64xmxint8>, !mx.tensor<64x128xmxfp6_e2m3, block = [32, 1]> -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
