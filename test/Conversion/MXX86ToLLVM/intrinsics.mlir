// RUN: mx-opt %s --convert-mx-x86-to-llvm | FileCheck %s --implicit-check-not=mx_x86

// Each mx_x86 op becomes its x86 intrinsic, operands and types unchanged.

// CHECK-LABEL: func.func @ops(
// CHECK-SAME: %[[T:.*]]: vector<32xi8>, %[[I:.*]]: vector<32xi8>, %[[A:.*]]: vector<32xi8>, %[[O:.*]]: vector<16xi16>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%[[T]], %[[I]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: %[[W:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[S]], %[[A]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// CHECK: %[[D:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[W]], %[[O]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: return %[[D]]
func.func @ops(%t: vector<32xi8>, %i: vector<32xi8>, %a: vector<32xi8>,
               %o: vector<16xi16>) -> vector<8xi32> {
  %s = mx_x86.pshufb %t, %i : vector<32xi8>
  %w = mx_x86.pmaddubsw %s, %a : vector<32xi8> -> vector<16xi16>
  %d = mx_x86.pmaddwd %w, %o : vector<16xi16> -> vector<8xi32>
  return %d : vector<8xi32>
}

// vpdpbusd: the 256-bit VNNI intrinsic (EVEX with AVX512-VNNI and AVX512VL,
// VEX with AVX-VNNI; LLVM picks the encoding from the CPU's features).
// CHECK-LABEL: func.func @dot(
// CHECK-SAME: %[[ACC:.*]]: vector<8xi32>, %[[U:.*]]: vector<32xi8>, %[[S:.*]]: vector<32xi8>
// CHECK: %[[D:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC]], %[[U]], %[[S]]) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK: return %[[D]]
func.func @dot(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>)
    -> vector<8xi32> {
  %d = mx_x86.vpdpbusd %acc, %u, %s : vector<8xi32>, vector<32xi8>
  return %d : vector<8xi32>
}

// The AVX512-VBMI pair that unpacks and decodes FP6 codes: the intrinsics
// take the control (bit offsets) first, and the table's low half, the
// indices, then its high half.
// CHECK-LABEL: func.func @vbmi(
// CHECK-SAME: %[[C:.*]]: vector<32xi8>, %[[D:.*]]: vector<32xi8>, %[[LO:.*]]: vector<32xi8>, %[[HI:.*]]: vector<32xi8>
// CHECK: %[[F:.*]] = llvm.call_intrinsic "llvm.x86.avx512.pmultishift.qb.256"(%[[C]], %[[D]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: %[[T:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.256"(%[[LO]], %[[F]], %[[HI]]) : (vector<32xi8>, vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: return %[[T]]
func.func @vbmi(%c: vector<32xi8>, %d: vector<32xi8>, %lo: vector<32xi8>,
                %hi: vector<32xi8>) -> vector<32xi8> {
  %f = mx_x86.vpmultishiftqb %c, %d : vector<32xi8>
  %t = mx_x86.vpermi2b %lo, %f, %hi : vector<32xi8>
  return %t : vector<32xi8>
}

// The GEMV's zmm tables: vpermi2b's 512-bit intrinsic (128 bytes) and
// vpermi2w's (64 words).
// CHECK-LABEL: func.func @tables_zmm(
// CHECK-SAME: %[[LO:[^:]*]]: vector<64xi8>, %[[I:[^:]*]]: vector<64xi8>, %[[HI:[^:]*]]: vector<64xi8>, %[[WLO:[^:]*]]: vector<32xi16>, %[[WI:[^:]*]]: vector<32xi16>, %[[WHI:[^:]*]]: vector<32xi16>
// CHECK: %[[T:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%[[LO]], %[[I]], %[[HI]]) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// CHECK: %[[W:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.hi.512"(%[[WLO]], %[[WI]], %[[WHI]]) : (vector<32xi16>, vector<32xi16>, vector<32xi16>) -> vector<32xi16>
// CHECK: return %[[T]], %[[W]]
func.func @tables_zmm(%lo: vector<64xi8>, %i: vector<64xi8>,
                      %hi: vector<64xi8>, %wlo: vector<32xi16>,
                      %wi: vector<32xi16>, %whi: vector<32xi16>)
    -> (vector<64xi8>, vector<32xi16>) {
  %t = mx_x86.vpermi2b.512 %lo, %i, %hi : vector<64xi8>
  %w = mx_x86.vpermi2w.512 %wlo, %wi, %whi : vector<32xi16>
  return %t, %w : vector<64xi8>, vector<32xi16>
}

// vpdpwssd: the 512-bit VNNI word dot (AVX512-VNNI), E3M2 weights' integer
// dot.
// CHECK-LABEL: func.func @word_dot(
// CHECK-SAME: %[[ACC:[^:]*]]: vector<16xi32>, %[[A:[^:]*]]: vector<32xi16>, %[[B:[^:]*]]: vector<32xi16>
// CHECK: %[[D:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"(%[[ACC]], %[[A]], %[[B]]) : (vector<16xi32>, vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK: return %[[D]]
func.func @word_dot(%acc: vector<16xi32>, %a: vector<32xi16>, %b: vector<32xi16>)
    -> vector<16xi32> {
  %d = mx_x86.vpdpwssd.512 %acc, %a, %b : vector<16xi32>, vector<32xi16>
  return %d : vector<16xi32>
}
