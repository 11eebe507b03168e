//===- MXAttributes.td - MX attributes ---------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXATTRIBUTES_TD
#define MX_DIALECT_MX_MXATTRIBUTES_TD

include "mx/Dialect/MX/MXDialect.td"
include "mx/Dialect/MX/MXEnums.td"

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

def MX_FormatAttr : MX_Attr<"Format", "format"> {
  let summary = "A block-scaled number format";
  let description = [{
    A format is an element type, a block-scale type, a default block size
    and whether an FP32 tensor scale sits above the block scales. The valid
    combinations are those of the reference library's validity table
    (docs/Numerics.md); any other is rejected (rule F1).

    Presets print by name:

    | preset | element | scale | block | tensor scale |
    |---|---|---|---|---|
    | `mxfp8_e4m3` | `f8E4M3FN` | `f8E8M0FNU` | 32 | no |
    | `mxfp8_e5m2` | `f8E5M2` | `f8E8M0FNU` | 32 | no |
    | `mxfp6_e2m3` | `f6E2M3FN` | `f8E8M0FNU` | 32 | no |
    | `mxfp6_e3m2` | `f6E3M2FN` | `f8E8M0FNU` | 32 | no |
    | `mxfp4` | `f4E2M1FN` | `f8E8M0FNU` | 32 | no |
    | `mxint8` | `i8` | `f8E8M0FNU` | 32 | no |
    | `nvfp4` | `f4E2M1FN` | `f8E4M3FN` (read as UE4M3) | 16 | yes |

    ```mlir
    #mx.format<mxfp4>
    #mx.format<f8E4M3FN, f8E8M0FNU, block = 64>
    #mx.format<f4E2M1FN, f8E4M3FN, block = 16, tensor_scale>  // = nvfp4
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$elementType,
    "::mlir::Type":$scaleType,
    "int64_t":$blockSize,
    "bool":$tensorScale
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "const mxref::Format &":$format)>
  ];
  let extraClassDeclaration = [{
    /// The reference-library view of this format. Only valid on a verified
    /// attribute.
    mxref::Format getFormat() const;
    /// The preset name, or empty.
    ::llvm::StringRef getPresetName() const;
    /// Parses the body shared by `#mx.format<...>`, `!mx.tensor` and
    /// `#mx.policy`: a preset name or `#mx.format<...>`.
    static ::mlir::FailureOr<FormatAttr> parseRef(::mlir::AsmParser &parser);
    void printRef(::mlir::AsmPrinter &printer) const;
  }];
}

// A format reference inside another attribute or type: a preset keyword or
// a full #mx.format.
class MX_FormatRefParameter<bit optional = 0>
    : AttrOrTypeParameter<"::mlir::mx::FormatAttr", "block-scaled format"> {
  let parser = "::mlir::mx::FormatAttr::parseRef($_parser)";
  let printer = "$_self.printRef($_printer)";
  let defaultValue = !if(optional, "::mlir::mx::FormatAttr()", "");
}

// An optional enum attribute inside #mx.policy, printed as its bare keyword
// (the enum attribute's own printer leads with a space).
class MX_PolicyEnumParameter<string enum>
    : OptionalParameter<"::mlir::mx::" # enum # "Attr"> {
  let printer = "$_printer << ::mlir::mx::stringify" # enum # "($_self.getValue())";
}

// A format choice inside #mx.policy: a preset name, a full #mx.format, or
// the keywords `none` / `bf16` (a PlainFormatAttr). Null = unset.
class MX_FormatChoiceParameter
    : AttrOrTypeParameter<"::mlir::Attribute", "format choice"> {
  let parser = "::mlir::mx::parseFormatChoice($_parser)";
  let printer = "::mlir::mx::printFormatChoice($_printer, $_self)";
  let defaultValue = "::mlir::Attribute()";
}

// A weight block shape `[BK, BN]`. Empty = unset.
class MX_WeightBlockParameter : OptionalArrayRefParameter<"int64_t"> {
  let parser = "::mlir::mx::parseWeightBlock($_parser)";
  let printer = "::mlir::mx::printWeightBlock($_printer, $_self)";
}

//===----------------------------------------------------------------------===//
// PolicyAttr
//===----------------------------------------------------------------------===//

def MX_PolicyAttr : MX_Attr<"Policy", "policy"> {
  let summary = "Default formats and quantization options for a scope";
  let description = [{
    A policy says how to quantize the contractions in a scope: a format
    choice for weights, for activations, for outputs and per operand (`lhs`,
    `rhs`), the scale mode and rounding, the weight block shape and an
    optional Hadamard rotation of K. `mx-apply-policy` carries it out
    (docs/Policies.md). It is attached as the discardable attribute
    `mx.policy` to any operation: a module, a function, a region-holding op,
    or a single op. The effective policy of an operation merges the policies
    of the operation and all its ancestors, field by field: the innermost
    scope that sets a field wins, unset fields are inherited
    (`mx::getEffectivePolicy`).

    A format choice is a preset name, a full `#mx.format<...>`, `none` (the
    operand stays as it is) or `bf16` (rounded to bf16 with RNE and widened
    exactly for the product). For one operand, `lhs` / `rhs` beats the role
    field (`weights` for a weight, `activations` otherwise).

    An operand counts as a *weight* when it is produced by a constant-like op
    (`arith.constant`, `mx.constant`, ...) or is a function argument carrying
    the unit attribute `mx.weight`; every other operand is an *activation*
    (`mx::isWeight`).

    ```mlir
    module attributes {mx.policy = #mx.policy<weights = mxfp4,
                                              activations = mxfp8_e4m3>} {
      func.func @attn(%x: tensor<4x64xf32>,
                      %w: tensor<64x64xf32> {mx.weight})
          attributes {mx.policy = #mx.policy<rhs = nvfp4,
                                             weight_block = [16, 16],
                                             hadamard = 32>} { ... }
    }
    ```
  }];
  let parameters = (ins
    MX_FormatChoiceParameter<>:$weights,
    MX_FormatChoiceParameter<>:$activations,
    MX_FormatChoiceParameter<>:$outputs,
    MX_PolicyEnumParameter<"ScaleMode">:$scale_mode,
    MX_PolicyEnumParameter<"Rounding">:$rounding,
    MX_WeightBlockParameter<>:$weight_block,
    MX_FormatChoiceParameter<>:$lhs,
    MX_FormatChoiceParameter<>:$rhs,
    OptionalParameter<"int64_t">:$hadamard
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// `inner` overriding this policy field by field.
    PolicyAttr mergedWith(PolicyAttr inner) const;
    /// The format choice for one operand of a contraction: its `lhs` / `rhs`
    /// field when set, else `weights` for a weight, `activations` otherwise.
    /// Null when the policy sets neither.
    ::mlir::Attribute getOperandChoice(bool isLhs, bool isWeight) const;
  }];
}

#endif // MX_DIALECT_MX_MXATTRIBUTES_TD
