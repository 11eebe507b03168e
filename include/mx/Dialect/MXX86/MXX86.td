//===- MXX86.td - x86 byte dot products of the CPU lowering -*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MXX86_MXX86_TD
#define MX_DIALECT_MXX86_MXX86_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MXX86_Dialect : Dialect {
  let name = "mx_x86";
  let cppNamespace = "::mlir::mx::x86";
  let summary = "The x86 byte instructions of MX's CPU kernels";
  let description = [{
    The x86 instructions that the CPU kernels of
    `convert-mx-to-linalg{vectorize}` need and that neither upstream's
    `x86vector` dialect nor generic vector IR provides: for the integer-dot
    GEMV a byte table lookup, AVX2's two integer multiply-adds, VNNI's byte
    and (zmm) word dot products with accumulate, and AVX512-VBMI's bit-field extraction and
    64-entry byte table (which unpack and decode FP6 codes); for the f32
    GEMV the 128-entry zmm form of that table (which decodes FP8 codes) and
    AVX512BW's 64-entry word table (which decodes FP6 codes).
    They are pure value ops on 256- and 512-bit vectors, so they live beside
    tensors and bufferization (an `llvm.call_intrinsic` there has unknown
    memory effects, which the buffer deallocation pipeline rejects);
    `convert-mx-x86-to-llvm` turns each into its LLVM intrinsic. Only
    emitted for x86 vector targets (docs/Lowering.md, "Integer-dot GEMV"
    and "FP8 weights").
  }];
}

class MXX86_Op<string mnemonic, list<Trait> traits = []>
    : Op<MXX86_Dialect, mnemonic, !listconcat([Pure], traits)> {
  /// The LLVM intrinsic the op becomes.
  string intrinsic = ?;
  let extraClassDeclaration = [{
    static ::llvm::StringRef getIntrinsicName() { return "}] # intrinsic # [{"; }
  }];
}

def MXX86_ShuffleBytesOp : MXX86_Op<"pshufb", [AllTypesMatch<["table", "indices", "result"]>]> {
  let summary = "vpshufb ymm: per 16-byte half, byte i = table[indices[i] & 15]";
  let description = [{
    Byte `i` of the result is byte `indices[i] & 15` of the 16-byte half of
    `table` that holds `i`, or 0 when bit 7 of `indices[i]` is set.

    ```mlir
    %r = mx_x86.pshufb %table, %codes : vector<32xi8>
    ```
  }];
  let intrinsic = "llvm.x86.avx2.pshuf.b";
  let arguments = (ins VectorOfLengthAndType<[32], [I8]>:$table,
                       VectorOfLengthAndType<[32], [I8]>:$indices);
  let results = (outs VectorOfLengthAndType<[32], [I8]>:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` type($result)";
}

def MXX86_MulAddBytesOp : MXX86_Op<"pmaddubsw", [AllTypesMatch<["u", "s"]>]> {
  let summary = "vpmaddubsw ymm: unsigned times signed byte pairs, saturated";
  let description = [{
    Word `i` is `u[2i] * s[2i] + u[2i+1] * s[2i+1]`, `u` read as unsigned
    and `s` as signed bytes, saturated to i16.

    ```mlir
    %w = mx_x86.pmaddubsw %u, %s : vector<32xi8> -> vector<16xi16>
    ```
  }];
  let intrinsic = "llvm.x86.avx2.pmadd.ub.sw";
  let arguments = (ins VectorOfLengthAndType<[32], [I8]>:$u,
                       VectorOfLengthAndType<[32], [I8]>:$s);
  let results = (outs VectorOfLengthAndType<[16], [I16]>:$result);
  let assemblyFormat = "$u `,` $s attr-dict `:` type($u) `->` type($result)";
}

def MXX86_MulAddWordsOp : MXX86_Op<"pmaddwd", [AllTypesMatch<["a", "b"]>]> {
  let summary = "vpmaddwd ymm: signed word pairs multiplied and added to i32";
  let description = [{
    Dword `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]` of signed words.

    ```mlir
    %d = mx_x86.pmaddwd %a, %b : vector<16xi16> -> vector<8xi32>
    ```
  }];
  let intrinsic = "llvm.x86.avx2.pmadd.wd";
  let arguments = (ins VectorOfLengthAndType<[16], [I16]>:$a,
                       VectorOfLengthAndType<[16], [I16]>:$b);
  let results = (outs VectorOfLengthAndType<[8], [I32]>:$result);
  let assemblyFormat = "$a `,` $b attr-dict `:` type($a) `->` type($result)";
}

def MXX86_DotBytesAccumulateOp
    : MXX86_Op<"vpdpbusd", [AllTypesMatch<["acc", "result"]>,
                            AllTypesMatch<["u", "s"]>]> {
  let summary = "vpdpbusd ymm: four unsigned times signed byte products "
                "added to each i32";
  let description = [{
    Dword `i` is `acc[i] + u[4i] * s[4i] + ... + u[4i+3] * s[4i+3]`, `u`
    read as unsigned and `s` as signed bytes, in i32 without saturation
    (wrapping, which MX's sums never reach). AVX512-VNNI with AVX512VL
    (EVEX) or AVX-VNNI (VEX) has it; `mx-run` rejects a module that holds it
    on a CPU with neither.

    ```mlir
    %d = mx_x86.vpdpbusd %acc, %u, %s : vector<8xi32>, vector<32xi8>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.vpdpbusd.256";
  let arguments = (ins VectorOfLengthAndType<[8], [I32]>:$acc,
                       VectorOfLengthAndType<[32], [I8]>:$u,
                       VectorOfLengthAndType<[32], [I8]>:$s);
  let results = (outs VectorOfLengthAndType<[8], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $u `,` $s attr-dict `:` type($acc) `,` type($u)
  }];
}

def MXX86_DotWordsAccumulate512Op
    : MXX86_Op<"vpdpwssd.512", [AllTypesMatch<["acc", "result"]>,
                                AllTypesMatch<["a", "b"]>]> {
  let summary = "vpdpwssd zmm: two signed word products added to each i32";
  let description = [{
    Dword `i` is `acc[i] + a[2i] * b[2i] + a[2i+1] * b[2i+1]` of signed
    words, in i32 without saturation (wrapping, which MX's sums never
    reach). AVX512-VNNI; `mx-run` rejects a module that holds it on a CPU
    without it. The integer-dot GEMV multiplies E3M2 weights with it
    (docs/Lowering.md, "Integer-dot GEMV").

    ```mlir
    %d = mx_x86.vpdpwssd.512 %acc, %a, %b : vector<16xi32>, vector<32xi16>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.vpdpwssd.512";
  let arguments = (ins VectorOfLengthAndType<[16], [I32]>:$acc,
                       VectorOfLengthAndType<[32], [I16]>:$a,
                       VectorOfLengthAndType<[32], [I16]>:$b);
  let results = (outs VectorOfLengthAndType<[16], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $a `,` $b attr-dict `:` type($acc) `,` type($a)
  }];
}

def MXX86_MultiShiftBytesOp
    : MXX86_Op<"vpmultishiftqb", [AllTypesMatch<["control", "data", "result"]>]> {
  let summary = "vpmultishiftqb ymm: per qword, 8 unaligned bit fields of 8 "
                "bits";
  let description = [{
    Byte `i` of the result is bits `[c, c + 8)` (wrapping modulo 64) of the
    qword of `data` that holds byte `i`, where `c = control[i] & 63`.
    AVX512-VBMI with AVX512VL; `mx-run` rejects a module that holds it on a
    CPU without them.

    ```mlir
    %r = mx_x86.vpmultishiftqb %control, %data : vector<32xi8>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.pmultishift.qb.256";
  let arguments = (ins VectorOfLengthAndType<[32], [I8]>:$control,
                       VectorOfLengthAndType<[32], [I8]>:$data);
  let results = (outs VectorOfLengthAndType<[32], [I8]>:$result);
  let assemblyFormat = "$control `,` $data attr-dict `:` type($result)";
}

def MXX86_PermuteBytes2Op
    : MXX86_Op<"vpermi2b", [AllTypesMatch<["low", "indices", "high", "result"]>]> {
  let summary = "vpermi2b ymm: byte i = a 64-entry table at indices[i] & 63";
  let description = [{
    Byte `i` of the result is byte `indices[i] & 31` of `low` when bit 5 of
    `indices[i]` is clear and of `high` when it is set: a 64-entry byte
    table read at the low six bits of each index (bits 6 and 7 are
    ignored). AVX512-VBMI with AVX512VL; `mx-run` rejects a module that
    holds it on a CPU without them.

    ```mlir
    %r = mx_x86.vpermi2b %low, %codes, %high : vector<32xi8>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.vpermi2var.qi.256";
  let arguments = (ins VectorOfLengthAndType<[32], [I8]>:$low,
                       VectorOfLengthAndType<[32], [I8]>:$indices,
                       VectorOfLengthAndType<[32], [I8]>:$high);
  let results = (outs VectorOfLengthAndType<[32], [I8]>:$result);
  let assemblyFormat = [{
    $low `,` $indices `,` $high attr-dict `:` type($result)
  }];
}

def MXX86_PermuteBytes2x128Op
    : MXX86_Op<"vpermi2b.512",
               [AllTypesMatch<["low", "indices", "high", "result"]>]> {
  let summary = "vpermi2b zmm: byte i = a 128-entry table at indices[i] & 127";
  let description = [{
    Byte `i` of the result is byte `indices[i] & 63` of `low` when bit 6 of
    `indices[i]` is clear and of `high` when it is set: a 128-entry byte
    table read at the low seven bits of each index (bit 7 is ignored).
    AVX512-VBMI; `mx-run` rejects a module that holds it on a CPU without
    it. The f32 GEMV decodes FP8 weights with two of these
    (docs/Lowering.md, "FP8 weights").

    ```mlir
    %r = mx_x86.vpermi2b.512 %low, %codes, %high : vector<64xi8>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.vpermi2var.qi.512";
  let arguments = (ins VectorOfLengthAndType<[64], [I8]>:$low,
                       VectorOfLengthAndType<[64], [I8]>:$indices,
                       VectorOfLengthAndType<[64], [I8]>:$high);
  let results = (outs VectorOfLengthAndType<[64], [I8]>:$result);
  let assemblyFormat = [{
    $low `,` $indices `,` $high attr-dict `:` type($result)
  }];
}

def MXX86_PermuteWords2x64Op
    : MXX86_Op<"vpermi2w.512",
               [AllTypesMatch<["low", "indices", "high", "result"]>]> {
  let summary = "vpermi2w zmm: word i = a 64-entry table at indices[i] & 63";
  let description = [{
    Word `i` of the result is word `indices[i] & 31` of `low` when bit 5 of
    `indices[i]` is clear and of `high` when it is set: a 64-entry word
    table read at the low six bits of each index (bits 6 to 15 are
    ignored). AVX512BW; `mx-run` rejects a module that holds it on a CPU
    without it. The f32 GEMV decodes FP6 weights with it
    (docs/Lowering.md, "FP6 weights").

    ```mlir
    %r = mx_x86.vpermi2w.512 %low, %codes, %high : vector<32xi16>
    ```
  }];
  let intrinsic = "llvm.x86.avx512.vpermi2var.hi.512";
  let arguments = (ins VectorOfLengthAndType<[32], [I16]>:$low,
                       VectorOfLengthAndType<[32], [I16]>:$indices,
                       VectorOfLengthAndType<[32], [I16]>:$high);
  let results = (outs VectorOfLengthAndType<[32], [I16]>:$result);
  let assemblyFormat = [{
    $low `,` $indices `,` $high attr-dict `:` type($result)
  }];
}

#endif // MX_DIALECT_MXX86_MXX86_TD
