//===- MXOps.td - MX operations ----------------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Verifier rules are numbered (Q1, D1, ...) and listed in docs/Dialect.md;
// each C++ check cites its rule.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXOPS_TD
#define MX_DIALECT_MX_MXOPS_TD

include "mx/Dialect/MX/MXDialect.td"
include "mx/Dialect/MX/MXEnums.td"
include "mx/Dialect/MX/MXAttributes.td"
include "mx/Dialect/MX/MXTypes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MX_BlockScaledTensor : Type<
    CPred<"::llvm::isa<::mlir::mx::BlockScaledTensorType>($_self)">,
    "block-scaled tensor", "::mlir::mx::BlockScaledTensorType">;
def MX_F32Tensor : StaticShapeTensorOf<[F32]>;
def MX_FloatTensor : StaticShapeTensorOf<[F32, F16, BF16]>;
def MX_RandomBits : StaticShapeTensorOf<[I8]>;
def MX_MatmulOperand : AnyTypeOf<[MX_BlockScaledTensor, MX_FloatTensor]>;
def MX_HadamardSize : AttrConstraint<
    CPred<"::llvm::is_contained({16, 32, 64, 128}, "
          "::llvm::cast<::mlir::IntegerAttr>($_self).getInt())">,
    "whose value is 16, 32, 64 or 128">;

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

// Options shared by mx.quantize and mx.convert.
class MX_QuantizingOp<string mnemonic, list<Trait> traits = []>
    : MX_Op<mnemonic, !listconcat(traits, [Pure, AttrSizedOperandSegments])> {
  let hasVerifier = 1;
  let hasFolder = 1;
}

def MX_QuantizeOp : MX_QuantizingOp<"quantize"> {
  let summary = "Quantizes an f32 tensor into a block-scaled tensor";
  let description = [{
    Quantizes `input` into the result's format and block shape with the
    reference library's rule (docs/Numerics.md):

    * `scale_mode`: `floor` (OCP v1.0; the default for E8M0 scales), `rceil`,
      `ceil` or `even`; `nvfp4`, NVFP4's two-level rule, is the only (and the
      default) mode for UE4M3 scales; `tensor` (S_enc = 448 / amax) is the
      only (and the default) mode of per-tensor FP8 (`fp8_e4m3_tensor`). The
      format's validity table decides which modes are legal (rule Q3).
    * `rounding`: `rne` (default) or `stochastic`, which takes one random
      byte per element from `random_bits` (rule Q4); rounding is then
      deterministic given those bytes.
    * `tensor_scale`: for formats with a tensor scale, a calibrated decode
      scale S_dec (the quantity `mx-quant` prints on its `global` line);
      S_enc = f32(1 / S_dec). Without it, S_dec is computed from the tensor's
      amax (rule Q5).

    A block holding NaN or Inf gets the NaN scale (E8M0) and decodes to NaN;
    NVFP4 follows its formula (Inf saturates, NaN gives scale 0x7f), and so
    does per-tensor FP8 (Inf saturates, NaN elements stay NaN).
    Quantizing a constant folds to an `mx.constant`, bit-exact with the
    reference library.

    ```mlir
    %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
    %r = mx.quantize %x scale_mode = rceil : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
    %n = mx.quantize %w tensor_scale(%s) : tensor<64x64xf32> -> !mx.tensor<64x64xnvfp4, block = [16, 16]>
    %t = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xfp8_e4m3_tensor>
    ```
  }];
  let arguments = (ins
    MX_F32Tensor:$input,
    Optional<F32>:$tensor_scale,
    Optional<MX_RandomBits>:$random_bits,
    OptionalAttr<MX_ScaleModeAttr>:$scale_mode,
    DefaultValuedAttr<MX_RoundingAttr, "::mlir::mx::Rounding::rne">:$rounding
  );
  let results = (outs MX_BlockScaledTensor:$result);
  let assemblyFormat = [{
    $input (`tensor_scale` `(` $tensor_scale^ `)`)?
    (`random_bits` `(` $random_bits^ `:` type($random_bits) `)`)?
    (`scale_mode` `=` `` $scale_mode^)? (`rounding` `=` `` $rounding^)?
    attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
}

def MX_ConvertOp : MX_QuantizingOp<"convert"> {
  let summary = "Requantizes a block-scaled tensor into another format";
  let description = [{
    `convert` is quantize(dequantize-to-f32(input)) into the result's format
    and block shape, with the same options as `mx.quantize`. It folds away
    only where requantization is exact: the same type, RNE rounding and a
    scale mode for which the reference library shows quantize∘dequantize is
    the identity (`mxref::isRequantizationIdentity`). A lossy round trip never
    folds away.

    ```mlir
    %b = mx.convert %a : !mx.tensor<4x64xmxfp8_e4m3> -> !mx.tensor<4x64xmxfp4>
    ```
  }];
  let arguments = (ins
    MX_BlockScaledTensor:$input,
    Optional<F32>:$tensor_scale,
    Optional<MX_RandomBits>:$random_bits,
    OptionalAttr<MX_ScaleModeAttr>:$scale_mode,
    DefaultValuedAttr<MX_RoundingAttr, "::mlir::mx::Rounding::rne">:$rounding
  );
  let results = (outs MX_BlockScaledTensor:$result);
  let assemblyFormat = [{
    $input (`tensor_scale` `(` $tensor_scale^ `)`)?
    (`random_bits` `(` $random_bits^ `:` type($random_bits) `)`)?
    (`scale_mode` `=` `` $scale_mode^)? (`rounding` `=` `` $rounding^)?
    attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
}

def MX_DequantizeOp : MX_Op<"dequantize", [Pure]> {
  let summary = "Decodes a block-scaled tensor";
  let description = [{
    Decodes every element: P · 2^X for E8M0 scales (exact in f32, or ±Inf
    when `rceil` scales overflow), f32(f32(P · s_block) · S_dec) for NVFP4,
    f32(P · S_dec) for a per-tensor format.
    A NaN block scale gives NaN. With an f16 or bf16 result, the exact value
    is rounded to nearest even (overflow gives ±Inf). Dequantizing a constant
    folds.

    ```mlir
    %y = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins MX_BlockScaledTensor:$input);
  let results = (outs MX_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Components
//===----------------------------------------------------------------------===//

def MX_ConstantOp : MX_Op<"constant", [ConstantLike, Pure]> {
  let summary = "A block-scaled constant";
  let description = [{
    A block-scaled constant in component form, stored at its true size: the
    element codes packed exactly as in memory (`mxref::packElements`: two
    FP4 codes per byte, four FP6 codes in three bytes, FP8 and INT8 one byte
    each, the row-major stream padded with zero bits to a whole byte) as a
    1-D `i8` tensor, the block scales row-major over the block grid (none
    for a per-tensor format), and the f32 tensor decode scale when the
    format has one. The logical element type and shape are those of the
    result `!mx.tensor`. Folding `mx.quantize` of a constant produces this
    op.

    Syntax (parsed and printed in C++ because the old form below is
    converted using the result type):

    ```
    mx.constant `packed` `(` dense<"0x..."> : tensor<N x i8> `)`
                (`scales` `(` dense-attr `)`)? (`tensor_scale` `(` f32 `)`)?
                attr-dict `:` !mx.tensor<...>
    ```

    The printer always writes the packed bytes in hex. The earlier form
    with one element per value, `elements(dense<[...]> : tensor<shape x
    elementsType>)`, still parses and is packed on the spot. To read the
    values back, fold `mx.unpack` of the constant (`--canonicalize`): its
    elements come out as a dense constant of the element type.

    ```mlir
    %c = mx.constant packed(dense<"0x9207"> : tensor<2xi8>)
                     scales(dense<[[2.0]]> : tensor<1x1xf8E8M0FNU>)
                     : !mx.tensor<1x4x#mx.format<f4E2M1FN, f8E8M0FNU, block = 4>>
    %t = mx.constant elements(dense<[[112.0, 448.0]]> : tensor<1x2xf8E4M3FN>)
                     tensor_scale(0.00892857183)
                     : !mx.tensor<1x2xfp8_e4m3_tensor>
    ```
  }];
  let arguments = (ins
    ElementsAttr:$packed,
    OptionalAttr<ElementsAttr>:$scales,
    OptionalAttr<F32Attr>:$tensor_scale
  );
  let results = (outs MX_BlockScaledTensor:$result);
  let extraClassDeclaration = [{
    /// The folded form: ArrayAttr [packed, scales?, tensor_scale?].
    ::mlir::ArrayAttr getValueAttr();
    /// The packed element bytes, expanded when stored as a splat.
    std::vector<uint8_t> getPackedBytes();
    /// One element code per byte (low bits), row-major.
    std::vector<uint8_t> getElementCodes();
  }];
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

def MX_UnpackOp : MX_Op<"unpack", [Pure, AttrSizedResultSegments]> {
  let summary = "Takes a block-scaled tensor apart into its components";
  let description = [{
    Returns the elements tensor (`tensor<shape x elementType>`, `i8` for
    MXINT8), the scales tensor in the requested physical `layout` (none for
    a per-tensor format), and the f32 tensor decode scale when the format
    has one. All result types are derived from the operand and the layout
    (rules U1-U2):

    * `row_major`: `tensor<(shape / block) x scaleType>`.
    * `blackwell_128x4`: the block grid's last two dimensions [M, K] laid out
      in 128x4 scale-factor atoms (cuBLAS, CUTLASS): M padded to 128 and K to
      4 with zero bytes, giving `tensor<batch... x (Mp/128) x (Kp/4) x 32 x 4
      x 4 x scaleType>`; scale (m, k) sits at [m/128, k/4, m%32, (m%128)/32,
      k%4] (needs rank >= 2).

    ```mlir
    %e, %s = mx.unpack %q : !mx.tensor<4x64xmxfp4>
    %e2, %s2, %g = mx.unpack %n layout = blackwell_128x4 : !mx.tensor<128x64xnvfp4>
    %e3, %g3 = mx.unpack %t : !mx.tensor<4x64xfp8_e4m3_tensor>
    ```

    The assembly is `$input (layout = $layout)? attr-dict : type($input)`;
    it is written in C++ only because the result types (and which optional
    results exist) are derived from the input type.
  }];
  let arguments = (ins
    MX_BlockScaledTensor:$input,
    DefaultValuedAttr<MX_ScaleLayoutAttr,
                      "::mlir::mx::ScaleLayout::row_major">:$layout
  );
  let results = (outs
    AnyStaticShapeTensor:$elements,
    Optional<AnyStaticShapeTensor>:$scales,
    Optional<F32>:$tensor_scale
  );
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input,
                   CArg<"::mlir::mx::ScaleLayout",
                        "::mlir::mx::ScaleLayout::row_major">:$layout)>
  ];
  let extraClassDeclaration = [{
    /// The result types `input` unpacks to in `layout` (elements, scales
    /// unless per tensor, tensor scale when present); fails with a
    /// diagnostic from `emitError` (rule U1).
    static ::mlir::LogicalResult
    inferComponentTypes(::mlir::mx::BlockScaledTensorType input,
                        ::mlir::mx::ScaleLayout layout,
                        ::llvm::function_ref<::mlir::InFlightDiagnostic()>
                            emitError,
                        ::llvm::SmallVectorImpl<::mlir::Type> &types);
  }];
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

def MX_PackOp : MX_Op<"pack", [Pure, AttrSizedOperandSegments]> {
  let summary = "Assembles a block-scaled tensor from its components";
  let description = [{
    The inverse of `mx.unpack`: the component types must be exactly those
    the result type and `layout` derive (rules P1-P3). Padding bytes of a
    `blackwell_128x4` scales tensor are ignored. A per-tensor format takes
    the elements and the tensor scale only.

    ```mlir
    %q = mx.pack %e, %s : tensor<4x64xf4E2M1FN>, tensor<4x2xf8E8M0FNU> -> !mx.tensor<4x64xmxfp4>
    %t = mx.pack %e8, %g : tensor<4x64xf8E4M3FN> -> !mx.tensor<4x64xfp8_e4m3_tensor>
    ```

    The assembly is `$elements (, $scales)? (, $tensor_scale)? (layout =
    $layout)? attr-dict : type($elements) (, type($scales))? ->
    type($result)`; it is written in C++ because which optional operand a
    lone second operand is follows from the types.
  }];
  let arguments = (ins
    AnyStaticShapeTensor:$elements,
    Optional<AnyStaticShapeTensor>:$scales,
    Optional<F32>:$tensor_scale,
    DefaultValuedAttr<MX_ScaleLayoutAttr,
                      "::mlir::mx::ScaleLayout::row_major">:$layout
  );
  let results = (outs MX_BlockScaledTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

def MX_MatmulOp : MX_Op<"matmul", [Pure]> {
  let summary = "Block-scaled matrix multiplication with f32 accumulation";
  let description = [{
    `result[..., m, n] = Σ_k lhs[..., m, k] · rhs[..., k, n]` with OCP dot
    semantics: each operand is block-scaled or a plain f32/f16/bf16 tensor;
    products of elements are exact, each operand's block scale is applied to
    the partial sum of its K-block (E8M0 scales as exact exponent adds), the
    partial sums accumulate in f32 in increasing K order, and NVFP4 tensor
    scales multiply the output. The reference evaluation order is in
    docs/Numerics.md.

    Shapes (rules M1-M6): equal ranks >= 2, equal leading batch dimensions,
    lhs [..., M, K] and rhs [..., K, N], result [..., M, N] f32. Block-scaled
    operands have block size 1 on batch dimensions; lhs may be blocked along
    M and K, rhs along K and N (e.g. 32x1 blocks or 16x16 tiles); when both
    operands are block-scaled their block sizes along K are equal, so every
    K-block has one scale per operand. Formats may differ. With constant
    operands the op folds, computed by the reference library.

    ```mlir
    %c = mx.matmul %a, %w : !mx.tensor<4x64xmxfp8_e4m3>,
                            !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins MX_MatmulOperand:$lhs, MX_MatmulOperand:$rhs);
  let results = (outs MX_F32Tensor:$result);
  let hasFolder = 1;
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `,`
    qualified(type($rhs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def MX_HadamardOp : MX_Op<"hadamard", [Pure, SameOperandsAndResultType]> {
  let summary = "Block-diagonal (randomized) Hadamard transform along an axis";
  let description = [{
    Applies y = c_n · H_n · S · x to every group of `size` consecutive
    elements along `axis`, where H_n is the Sylvester Hadamard matrix, c_n
    the f32-rounded 1/sqrt(n), and S a diagonal of signs: all +1 without
    `seed`, else drawn per position j in [0, n) by MX's counter-based
    generator keyed by `seed` (the same on CPU and GPU; docs/Numerics.md).
    With `inverse`, applies x = S · c_n · H_n · y, so the transform followed
    by its inverse is the identity up to f32 rounding. The f32 evaluation
    order (a fast Walsh-Hadamard butterfly) is fixed by the reference
    library, which also folds the op on a constant.

    ```mlir
    %y = mx.hadamard %x axis(1) size(32) seed(42) : tensor<4x64xf32>
    %x2 = mx.hadamard %y axis(1) size(32) seed(42) inverse : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins
    MX_F32Tensor:$input,
    I64Attr:$axis,
    ConfinedAttr<I64Attr, [MX_HadamardSize]>:$size,
    OptionalAttr<I64Attr>:$seed,
    UnitAttr:$inverse
  );
  let results = (outs MX_F32Tensor:$result);
  let assemblyFormat = [{
    $input `axis` `(` $axis `)` `size` `(` $size `)` (`seed` `(` $seed^ `)`)?
    (`inverse` $inverse^)? attr-dict `:` qualified(type($input))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // MX_DIALECT_MX_MXOPS_TD
