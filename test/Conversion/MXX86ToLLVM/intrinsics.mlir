// RUN: mx-opt %s --convert-mx-x86-to-llvm | FileCheck %s --implicit-check-not=mx_x86

// Each mx_x86 op becomes its AVX2 intrinsic, operands and types unchanged.

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
