// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi prefetch-distance=0" --canonicalize | FileCheck %s
// Without VBMI (avx512-vnni) E3M2 weights take two byte dots instead
// (mx-to-vector-intdot-e3m2-avx2.mlir), and with integer-dot=false the f32
// nest (decoded through f16); with VBMI and integer-dot=false, the f32 nest
// decodes them through its 64-entry word table of bf16 patterns
// (docs/Lowering.md, "FP6 weights"), with no word dot.
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi" --canonicalize | FileCheck %s --check-prefix=PROMPT
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vnni integer-dot=false" | FileCheck %s --check-prefix=F32
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi integer-dot=false" | FileCheck %s --check-prefix=WORDS
// The x86 code (LLVM's x86 backend only, not the CPU): per K row and group
// of 32 columns a vpermb (the windows), a vpsrlvw and a vpermi2w; per two
// rows and 16 columns one word unpack and one zmm vpdpwssd.
// RUN: mx-opt %s --mx-cpu-pipeline=target=avx512-vbmi | mlir-translate --mlir-to-llvmir | \
// RUN:   llc -O2 -mtriple=x86_64 -mattr=+avx512f,+avx512bw,+avx512vl,+avx512vnni,+avx512vbmi | FileCheck %s --check-prefix=ASM
// ASM-LABEL: gemv:
// ASM: vpermb %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm[[WIN:[0-9]+]]
// ASM-NEXT: vpsrlvw %zmm{{[0-9]+}}, %zmm[[WIN]], %zmm[[IDX:[0-9]+]]
// ASM-NEXT: vpermi2w %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm[[IDX]]
// ASM: vpunpcklwd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm[[PAIR:[0-9]+]]
// ASM-NEXT: vpdpwssd %zmm{{[0-9]+}}, %zmm[[PAIR]], %zmm{{[0-9]+}}
// ASM-NOT: vpdpbusd

// The integer-dot GEMV with E3M2 weights (docs/Lowering.md, "Integer-dot
// GEMV"): 16 * value (at most 448) does not fit a byte, so each K row's
// codes go through a 64-entry word table of 16 * value, signed (no offset,
// no offsets tensor); two K rows' words interleave into dwords, and one
// vpdpwssd per 16 columns adds both rows' products with the broadcast
// activation pair. The sums count units of 2^-10, start at zero, and end
// as the byte dot's do.

// F32-LABEL: func.func @gemv(
// F32-NOT: mx_x86.
// F32: arith.extf %{{.*}} : vector<32xf16> to vector<32xf32>
// F32-NOT: mx_x86.
// F32: return

// WORDS-LABEL: func.func @gemv(
// WORDS-NOT: mx_x86.vpdpwssd.512
// WORDS: mx_x86.vpermi2w.512
// WORDS-NOT: mx_x86.vpdpwssd.512
// WORDS: return

// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %[[ACODES:[^:]*]]: tensor<1x64xi8>, %[[ASCALES:[^:]*]]: tensor<1x2xi8>, %[[W:[^:]*]]: tensor<64x48xi8>, %[[WSCALES:[^:]*]]: tensor<2x64xi8>
// CHECK-DAG: %[[SHIFTS:.*]] = arith.constant dense<[0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2, 0, 6, 4, 2]> : vector<32xi16>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<16xi32>
// CHECK-DAG: %[[NEG:.*]] = arith.constant dense<[0, -1, -2, -3, -4, -5, -6, -7, -8, -10, -12, -14, -16, -20, -24, -28, -32, -40, -48, -56, -64, -80, -96, -112, -128, -160, -192, -224, -256, -320, -384, -448]> : vector<32xi16>
// CHECK-DAG: %[[POS:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448]> : vector<32xi16>
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// No offsets: the first loop is the K blocks'.
// CHECK-NOT: vector.reduction <add>
// CHECK: scf.for
// CHECK-NOT: vector.reduction <add>
// One loop over the block's K rows, two at a time, with both groups' two
// zmm sums.
// CHECK: %[[SUMS:.*]]:4 = scf.for %{{.*}} step %[[C2]] iter_args(%[[S0:[^ ]*]] = %[[ZERO]], %[[S1:[^ ]*]] = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK: %[[K:.*]] = arith.addi
// CHECK: %[[L0:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK: %[[G0:.*]] = vector.shuffle %[[L0]], %[[L0]] [0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 5, 6, 6, 7, 6, 7, 7, 8, 8, 9, 9, 10, 9, 10, 10, 11, 11, 12, 12, 13, 12, 13, 13, 14, 14, 15, 15, 16, 15, 16, 16, 17, 17, 18, 18, 19, 18, 19, 19, 20, 20, 21, 21, 22, 21, 22, 22, 23, 23, 24] : vector<32xi8>, vector<32xi8>
// CHECK: %[[B0:.*]] = vector.bitcast %[[G0]] : vector<64xi8> to vector<32xi16>
// CHECK: %[[I0:.*]] = arith.shrui %[[B0]], %[[SHIFTS]] : vector<32xi16>
// CHECK: %[[W00:.*]] = mx_x86.vpermi2w.512 %[[POS]], %[[I0]], %[[NEG]] : vector<32xi16>
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %[[K]], %[[C16]]], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK: mx_x86.vpermi2w.512 %[[POS]], %{{.*}}, %[[NEG]] : vector<32xi16>
// CHECK: %[[K1:.*]] = arith.addi %[[K]], %{{.*}} : index
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %[[K1]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x64x48xi8>, vector<32xi8>
// CHECK: %[[W10:.*]] = mx_x86.vpermi2w.512 %[[POS]], %{{.*}}, %[[NEG]] : vector<32xi16>
// CHECK: mx_x86.vpermi2w.512 %[[POS]], %{{.*}}, %[[NEG]] : vector<32xi16>
// The activation codes a[k], a[k + 1] as the two words of every dword.
// CHECK: %[[A2:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %[[K]]], %{{.*}} {in_bounds = [true]} : tensor<1x1x64xi8>, vector<2xi8>
// CHECK: %[[AW:.*]] = arith.extsi %[[A2]] : vector<2xi8> to vector<2xi16>
// CHECK: %[[AD:.*]] = vector.bitcast %[[AW]] : vector<2xi16> to vector<1xi32>
// CHECK: %[[AE:.*]] = vector.extract %[[AD]][0] : i32 from vector<1xi32>
// CHECK: %[[AB:.*]] = vector.broadcast %[[AE]] : i32 to vector<16xi32>
// CHECK: %[[AP:.*]] = vector.bitcast %[[AB]] : vector<16xi32> to vector<32xi16>
// Rows k and k + 1 of group 0 interleaved (low words of each 16-byte lane).
// CHECK: %[[P0:.*]] = vector.shuffle %[[W00]], %[[W10]] [0, 32, 1, 33, 2, 34, 3, 35, 8, 40, 9, 41, 10, 42, 11, 43, 16, 48, 17, 49, 18, 50, 19, 51, 24, 56, 25, 57, 26, 58, 27, 59] : vector<32xi16>, vector<32xi16>
// CHECK: mx_x86.vpdpwssd.512 %[[S0]], %[[P0]], %[[AP]] : vector<16xi32>, vector<32xi16>
// CHECK: %[[P1:.*]] = vector.shuffle %[[W00]], %[[W10]] [4, 36, 5, 37, 6, 38, 7, 39, 12, 44, 13, 45, 14, 46, 15, 47, 20, 52, 21, 53, 22, 54, 23, 55, 28, 60, 29, 61, 30, 62, 31, 63] : vector<32xi16>, vector<32xi16>
// CHECK: mx_x86.vpdpwssd.512 %[[S1]], %[[P1]], %[[AP]] : vector<16xi32>, vector<32xi16>
// CHECK-COUNT-2: mx_x86.vpdpwssd.512
// CHECK: scf.yield
// Each zmm sum splits into two vectors of 8 lanes for the block terms.
// CHECK: %[[H0:.*]] = vector.extract_strided_slice %[[SUMS]]#0 {offsets = [0], sizes = [8], strides = [1]} : vector<16xi32> to vector<8xi32>
// CHECK: vector.extract_strided_slice %[[SUMS]]#0 {offsets = [8], sizes = [8], strides = [1]} : vector<16xi32> to vector<8xi32>
// The short form (the sums' unit 2^-10 in the activation's power, the
// weight's 2^(cb-127) a bitcast); the first vector's lanes are
// columns 0-3 and 8-11 of group 0.
// CHECK: scf.if
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 8, 9, 10, 11] : vector<64xi8>, vector<64xi8>
// CHECK: %[[WU:.*]] = arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: %[[F:.*]] = arith.sitofp %[[H0]] : vector<8xi32> to vector<8xf32>
// CHECK: arith.mulf %[[F]], %[[WU]] : vector<8xf32>
// The output pass undoes the lane order: column c from lane 32 (c / 32) +
// 16 ((c % 8) / 4) + 8 ((c % 32) / 16) + 4 ((c % 16) / 8) + c % 4.
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31, 32, 33, 34, 35, 48, 49, 50, 51, 36, 37, 38, 39, 52, 53, 54, 55, 40, 41, 42, 43, 56, 57, 58, 59, 44, 45, 46, 47, 60, 61, 62, 63] : vector<64xf32>, vector<64xf32>
func.func @gemv(%a: !mx.tensor<1x64xmxint8>, %w: !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]>) -> tensor<1x64xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8>, !mx.tensor<64x64xmxfp6_e3m2, block = [32, 1]> -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// From 64 rows on, each chunk's K rows of 48 bytes are copied into its
// tiles first, with a prefetch (as for E2M3, mx-to-vector-intdot-fp6.mlir),
// and the word table reads them from there.
// PROMPT-LABEL: func.func @long_prompt(
// PROMPT: %[[CT:.*]] = tensor.empty() : tensor<1x1x3072xi8>
// PROMPT: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %[[CTA:.*]] = %[[CT]], %{{.*}} = %{{.*}}) -> (tensor<1x64x128xf32>, tensor<1x1x3072xi8>, tensor<1x1x128xi8>)
// PROMPT: %[[CODES:.*]] = scf.for %{{.*}} = %c0 to %c64 step %c4 iter_args(%{{.*}} = %[[CTA]]) -> (tensor<1x1x3072xi8>)
// PROMPT: memref.prefetch
// PROMPT-NEXT: vector.transfer_read %{{.*}} : tensor<1x64x96xi8>, vector<48xi8>
// PROMPT: vector.transfer_write %{{.*}} : vector<48xi8>, tensor<1x1x3072xi8>
// PROMPT: scf.if
// PROMPT-NOT: memref.prefetch
// PROMPT: vector.transfer_read %[[CODES]][%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x3072xi8>, vector<32xi8>
// PROMPT: mx_x86.vpermi2w.512
// PROMPT: } else {
// PROMPT: vector.transfer_read %[[CODES]][%c0, %c0, %{{.*}}], %{{.*}} : tensor<1x1x3072xi8>, vector<32xi8>
// PROMPT-NOT: memref.prefetch
// PROMPT: return
func.func @long_prompt(%a: !mx.tensor<64x64xmxint8>, %w: !mx.tensor<64x128xmxfp6_e3m2, block = [32, 1]>) -> tensor<64x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<64x64xmxint8>, !mx.tensor<64x128xmxfp6_e3m2, block = [32, 1]> -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
