// RUN: mx-opt %s --split-input-file --verify-diagnostics

// Only 256-bit vectors of the instruction's element types.
func.func @short(%t: vector<16xi8>, %i: vector<16xi8>) -> vector<16xi8> {
  // expected-error @+1 {{op operand #0 must be vector of 8-bit signless integer values of length 32}}
  %s = mx_x86.pshufb %t, %i : vector<16xi8>
  return %s : vector<16xi8>
}

// -----

func.func @words(%a: vector<32xi8>, %b: vector<32xi8>) -> vector<8xi32> {
  // expected-error @+1 {{op result #0 must be vector of 16-bit signless integer values of length 16}}
  %w = "mx_x86.pmaddubsw"(%a, %b) : (vector<32xi8>, vector<32xi8>) -> vector<8xi32>
  return %w : vector<8xi32>
}

// -----

func.func @mismatch(%a: vector<16xi16>, %b: vector<32xi8>) -> vector<8xi32> {
  // expected-error @+1 {{op operand #1 must be vector of 16-bit signless integer values of length 16}}
  %d = "mx_x86.pmaddwd"(%a, %b) : (vector<16xi16>, vector<32xi8>) -> vector<8xi32>
  return %d : vector<8xi32>
}

// -----

func.func @dot_acc(%acc: vector<16xi32>, %u: vector<32xi8>) -> vector<16xi32> {
  // expected-error @+1 {{op operand #0 must be vector of 32-bit signless integer values of length 8}}
  %d = "mx_x86.vpdpbusd"(%acc, %u, %u) : (vector<16xi32>, vector<32xi8>, vector<32xi8>) -> vector<16xi32>
  return %d : vector<16xi32>
}

// -----

func.func @dot_bytes(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<8xi32>) -> vector<8xi32> {
  // expected-error @+1 {{op operand #2 must be vector of 8-bit signless integer values of length 32}}
  %d = "mx_x86.vpdpbusd"(%acc, %u, %s) : (vector<8xi32>, vector<32xi8>, vector<8xi32>) -> vector<8xi32>
  return %d : vector<8xi32>
}

// -----

func.func @multishift_width(%c: vector<16xi8>, %d: vector<16xi8>) -> vector<16xi8> {
  // expected-error @+1 {{op operand #0 must be vector of 8-bit signless integer values of length 32}}
  %r = "mx_x86.vpmultishiftqb"(%c, %d) : (vector<16xi8>, vector<16xi8>) -> vector<16xi8>
  return %r : vector<16xi8>
}

// -----

func.func @permute_table(%lo: vector<32xi8>, %i: vector<32xi8>, %hi: vector<8xi32>) -> vector<32xi8> {
  // expected-error @+1 {{op operand #2 must be vector of 8-bit signless integer values of length 32}}
  %r = "mx_x86.vpermi2b"(%lo, %i, %hi) : (vector<32xi8>, vector<32xi8>, vector<8xi32>) -> vector<32xi8>
  return %r : vector<32xi8>
}

// -----

// The 128-entry table is the zmm form only.
func.func @permute_table_zmm(%lo: vector<32xi8>, %i: vector<32xi8>, %hi: vector<32xi8>) -> vector<32xi8> {
  // expected-error @+1 {{op operand #0 must be vector of 8-bit signless integer values of length 64}}
  %r = "mx_x86.vpermi2b.512"(%lo, %i, %hi) : (vector<32xi8>, vector<32xi8>, vector<32xi8>) -> vector<32xi8>
  return %r : vector<32xi8>
}

// -----

func.func @permute_table_zmm_mixed(%lo: vector<64xi8>, %i: vector<64xi8>, %hi: vector<64xi8>) -> vector<32xi8> {
  // expected-error @+1 {{op result #0 must be vector of 8-bit signless integer values of length 64}}
  %r = "mx_x86.vpermi2b.512"(%lo, %i, %hi) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<32xi8>
  return %r : vector<32xi8>
}

// -----

// The word table: 32 words only.
func.func @word_table(%lo: vector<64xi8>, %i: vector<64xi8>, %hi: vector<64xi8>) -> vector<64xi8> {
  // expected-error @+1 {{op operand #0 must be vector of 16-bit signless integer values of length 32}}
  %r = "mx_x86.vpermi2w.512"(%lo, %i, %hi) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
  return %r : vector<64xi8>
}

// -----

// The word dot: zmm only, 16 dwords of 32 words.
func.func @word_dot_acc(%acc: vector<8xi32>, %a: vector<32xi16>) -> vector<8xi32> {
  // expected-error @+1 {{op operand #0 must be vector of 32-bit signless integer values of length 16}}
  %d = "mx_x86.vpdpwssd.512"(%acc, %a, %a) : (vector<8xi32>, vector<32xi16>, vector<32xi16>) -> vector<8xi32>
  return %d : vector<8xi32>
}

// -----

func.func @word_dot_operands(%acc: vector<16xi32>, %a: vector<32xi16>, %b: vector<64xi8>) -> vector<16xi32> {
  // expected-error @+1 {{op operand #2 must be vector of 16-bit signless integer values of length 32}}
  %d = "mx_x86.vpdpwssd.512"(%acc, %a, %b) : (vector<16xi32>, vector<32xi16>, vector<64xi8>) -> vector<16xi32>
  return %d : vector<16xi32>
}
