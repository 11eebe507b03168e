// RUN: mx-opt %s | mx-opt | FileCheck %s

// The mx_x86 ops print in their declarative form and survive a round trip
// (docs/Dialect.md, "mx_x86").

// CHECK-LABEL: func.func @ops(
// CHECK: %[[S:.*]] = mx_x86.pshufb %{{.*}}, %{{.*}} : vector<32xi8>
// CHECK: %[[W:.*]] = mx_x86.pmaddubsw %[[S]], %{{.*}} : vector<32xi8> -> vector<16xi16>
// CHECK: mx_x86.pmaddwd %[[W]], %{{.*}} : vector<16xi16> -> vector<8xi32>
func.func @ops(%t: vector<32xi8>, %i: vector<32xi8>, %a: vector<32xi8>,
               %o: vector<16xi16>) -> vector<8xi32> {
  %s = mx_x86.pshufb %t, %i : vector<32xi8>
  %w = mx_x86.pmaddubsw %s, %a : vector<32xi8> -> vector<16xi16>
  %d = mx_x86.pmaddwd %w, %o : vector<16xi16> -> vector<8xi32>
  return %d : vector<8xi32>
}

// CHECK-LABEL: func.func @dot(
// CHECK: %[[D:.*]] = mx_x86.vpdpbusd %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi32>, vector<32xi8>
// CHECK: mx_x86.vpdpbusd %[[D]], %{{.*}}, %{{.*}} : vector<8xi32>, vector<32xi8>
func.func @dot(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>)
    -> vector<8xi32> {
  %d = mx_x86.vpdpbusd %acc, %u, %s : vector<8xi32>, vector<32xi8>
  %e = mx_x86.vpdpbusd %d, %s, %u : vector<8xi32>, vector<32xi8>
  return %e : vector<8xi32>
}

// CHECK-LABEL: func.func @vbmi(
// CHECK: %[[F:.*]] = mx_x86.vpmultishiftqb %{{.*}}, %{{.*}} : vector<32xi8>
// CHECK: mx_x86.vpermi2b %{{.*}}, %[[F]], %{{.*}} : vector<32xi8>
func.func @vbmi(%c: vector<32xi8>, %d: vector<32xi8>, %lo: vector<32xi8>,
                %hi: vector<32xi8>) -> vector<32xi8> {
  %f = mx_x86.vpmultishiftqb %c, %d : vector<32xi8>
  %t = mx_x86.vpermi2b %lo, %f, %hi : vector<32xi8>
  return %t : vector<32xi8>
}

// CHECK-LABEL: func.func @tables_zmm(
// CHECK: mx_x86.vpermi2b.512 %{{.*}}, %{{.*}}, %{{.*}} : vector<64xi8>
// CHECK: mx_x86.vpermi2w.512 %{{.*}}, %{{.*}}, %{{.*}} : vector<32xi16>
func.func @tables_zmm(%lo: vector<64xi8>, %i: vector<64xi8>,
                      %hi: vector<64xi8>, %wlo: vector<32xi16>,
                      %wi: vector<32xi16>, %whi: vector<32xi16>)
    -> (vector<64xi8>, vector<32xi16>) {
  %t = mx_x86.vpermi2b.512 %lo, %i, %hi : vector<64xi8>
  %w = mx_x86.vpermi2w.512 %wlo, %wi, %whi : vector<32xi16>
  return %t, %w : vector<64xi8>, vector<32xi16>
}

// CHECK-LABEL: func.func @word_dot(
// CHECK: %[[D:.*]] = mx_x86.vpdpwssd.512 %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi32>, vector<32xi16>
// CHECK: mx_x86.vpdpwssd.512 %[[D]], %{{.*}}, %{{.*}} : vector<16xi32>, vector<32xi16>
func.func @word_dot(%acc: vector<16xi32>, %a: vector<32xi16>, %b: vector<32xi16>)
    -> vector<16xi32> {
  %d = mx_x86.vpdpwssd.512 %acc, %a, %b : vector<16xi32>, vector<32xi16>
  %e = mx_x86.vpdpwssd.512 %d, %b, %a : vector<16xi32>, vector<32xi16>
  return %e : vector<16xi32>
}
