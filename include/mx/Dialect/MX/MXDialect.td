//===- MXDialect.td - MX dialect definition ----------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXDIALECT_TD
#define MX_DIALECT_MX_MXDIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"

def MX_Dialect : Dialect {
  let name = "mx";
  let cppNamespace = "::mlir::mx";
  let summary = "Block-scaled (microscaling) number formats";
  let description = [{
    The MX dialect makes block-scaled number formats explicit: OCP MXFP8
    (E4M3, E5M2), MXFP6 (E2M3, E3M2), MXFP4, MXINT8 and NVIDIA NVFP4.

    A block-scaled tensor (`!mx.tensor`) is a value: a shape, a format
    (`#mx.format`: element type, block-scale type, optional FP32 tensor scale)
    and a block shape. Its components (the element tensor, the block-scale
    tensor and the tensor scale) are derivable from the type, and
    `mx.unpack`/`mx.pack` take a value apart or assemble one, choosing a
    physical scale layout.

    Element and scale types are MLIR's builtin small floats (`f4E2M1FN`,
    `f6E2M3FN`, `f6E3M2FN`, `f8E4M3FN`, `f8E5M2`, `f8E8M0FNU`) and `i8` for
    MXINT8. `f8E4M3FN` used as a scale type is read as unsigned UE4M3 (its
    sign bit is ignored), as NVFP4 defines.

    The numerics of every op are those of the project's reference library
    (docs/Numerics.md); verifier rules are numbered in docs/Dialect.md.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the discardable attribute carrying a `#mx.policy`.
    static constexpr ::llvm::StringLiteral getPolicyAttrName() {
      return ::llvm::StringLiteral("mx.policy");
    }
    /// Name of the unit argument attribute marking a function argument as a
    /// weight.
    static constexpr ::llvm::StringLiteral getWeightAttrName() {
      return ::llvm::StringLiteral("mx.weight");
    }
    /// Name of the argument attribute (a symbol) saying that an `!mx.tensor`
    /// argument holds its components in the CPU kernel's layout, as the
    /// function of that symbol (which the lowering defines) returns them.
    static constexpr ::llvm::StringLiteral getKernelLayoutAttrName() {
      return ::llvm::StringLiteral("mx.kernel_layout");
    }
    /// Name of the discardable string attribute naming a value in reports
    /// (`mx-run --report`).
    static constexpr ::llvm::StringLiteral getNameAttrName() {
      return ::llvm::StringLiteral("mx.name");
    }
  private:
    void registerAttributes();
    void registerTypes();
  public:
  }];
}

class MX_Op<string mnemonic, list<Trait> traits = []>
    : Op<MX_Dialect, mnemonic, traits>;

class MX_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<MX_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class MX_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<MX_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

#endif // MX_DIALECT_MX_MXDIALECT_TD
