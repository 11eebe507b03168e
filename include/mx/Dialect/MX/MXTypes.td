//===- MXTypes.td - MX types -------------------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXTYPES_TD
#define MX_DIALECT_MX_MXTYPES_TD

include "mx/Dialect/MX/MXAttributes.td"

def MX_BlockScaledTensorType : MX_Type<"BlockScaledTensor", "tensor"> {
  let summary = "A block-scaled tensor (value semantics)";
  let description = [{
    A statically shaped tensor whose elements are stored in a block-scaled
    format: every block of `block` elements (one size per dimension) shares
    one scale, and the format may add an FP32 tensor scale.

    The block shape is part of the type and canonical; when it is omitted in
    the syntax it is the format's default, `1 x ... x 1 x blockSize` (a row
    block along the last dimension), and it is then also omitted when
    printed. A per-tensor format (scale type `none`, e.g. `fp8_e4m3_tensor`)
    takes no block shape: its one block is the whole tensor (rule T3).

    ```mlir
    !mx.tensor<4x64xmxfp8_e4m3>                   // 1x32 blocks along rows
    !mx.tensor<64x128xmxfp4, block = [32, 1]>     // 32x1 along K of a [K,N] weight
    !mx.tensor<128x128xnvfp4, block = [16, 16]>   // 16x16 tiles
    !mx.tensor<8x64x#mx.format<f8E4M3FN, f8E8M0FNU, block = 64>>
    !mx.tensor<64x128xfp8_e4m3_tensor>            // one f32 scale, no blocks
    ```

    Components: the elements tensor `tensor<shape x elementType>`, the
    row-major scales tensor `tensor<(shape / block) x scaleType>` (none for
    a per-tensor format), and, with a tensor scale, an `f32`.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::mx::FormatAttr":$format,
    ArrayRefParameter<"int64_t">:$block
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilderWithInferredContext<(ins
      "::llvm::ArrayRef<int64_t>":$shape, "FormatAttr":$format,
      CArg<"::llvm::ArrayRef<int64_t>", "{}">:$block)>
  ];
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    int64_t getNumElements() const;
    /// The element type of the elements tensor (e.g. f4E2M1FN, or i8).
    ::mlir::Type getElementType() const { return getFormat().getElementType(); }
    /// Number of blocks along each dimension.
    ::llvm::SmallVector<int64_t> getBlockGrid() const;
    /// tensor<shape x elementType>.
    ::mlir::RankedTensorType getElementsType() const;
    /// The scales tensor in `layout`: row-major over the block grid, or the
    /// Blackwell 128x4 atoms (see mx.unpack); null without block scales.
    ::mlir::RankedTensorType getScalesType(
        ScaleLayout layout = ScaleLayout::row_major) const;
    bool hasTensorScale() const { return getFormat().getTensorScale(); }
    /// False for a per-tensor format (scale type none): no scales tensor.
    bool hasBlockScales() const;
    /// True when the block shape is the format's default.
    bool hasDefaultBlock() const;
  }];
}

#endif // MX_DIALECT_MX_MXTYPES_TD
