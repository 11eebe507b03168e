//===- MXEnums.td - MX enumerations ------------------------*- tablegen -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_MXENUMS_TD
#define MX_DIALECT_MX_MXENUMS_TD

include "mx/Dialect/MX/MXDialect.td"
include "mlir/IR/EnumAttr.td"

// Mirrors mxref::ScaleMode (include/mx/Numerics/Format.h): the same cases,
// values and spellings (MXAttributes.cpp static_asserts the values,
// unittests/Dialect/MX/EnumsTest.cpp the spellings).
def MX_ScaleModeAttr_ : I32EnumAttr<"ScaleMode", "block scale selection rule", [
    I32EnumAttrCase<"floor", 0>,
    I32EnumAttrCase<"rceil", 1>,
    I32EnumAttrCase<"ceil", 2>,
    I32EnumAttrCase<"even", 3>,
    I32EnumAttrCase<"nvfp4", 4>
  ]> {
  let cppNamespace = "::mlir::mx";
  let genSpecializedAttr = 0;
}
def MX_ScaleModeAttr : EnumAttr<MX_Dialect, MX_ScaleModeAttr_, "scale_mode"> {
  let assemblyFormat = "$value";
}

// Mirrors mxref::Rounding (include/mx/Numerics/Format.h): the same cases,
// values and spellings (MXAttributes.cpp static_asserts the values,
// unittests/Dialect/MX/EnumsTest.cpp the spellings).
def MX_RoundingAttr_ : I32EnumAttr<"Rounding", "element rounding", [
    I32EnumAttrCase<"rne", 0>,
    I32EnumAttrCase<"stochastic", 1>
  ]> {
  let cppNamespace = "::mlir::mx";
  let genSpecializedAttr = 0;
}
def MX_RoundingAttr : EnumAttr<MX_Dialect, MX_RoundingAttr_, "rounding"> {
  let assemblyFormat = "$value";
}

// Mirrors mxref::ScaleLayout (include/mx/Numerics/Packing.h): the same cases,
// values and spellings (MXAttributes.cpp static_asserts the values,
// unittests/Dialect/MX/EnumsTest.cpp the spellings).
def MX_ScaleLayoutAttr_ : I32EnumAttr<"ScaleLayout",
    "physical layout of a block-scale tensor", [
    I32EnumAttrCase<"row_major", 0>,
    I32EnumAttrCase<"blackwell_128x4", 1>
  ]> {
  let cppNamespace = "::mlir::mx";
  let genSpecializedAttr = 0;
}
def MX_ScaleLayoutAttr : EnumAttr<MX_Dialect, MX_ScaleLayoutAttr_,
                                  "scale_layout"> {
  let assemblyFormat = "$value";
}

// The non-block-scaled choices a policy can make for an operand
// (docs/Policies.md): keep it as it is, or round it to bf16.
def MX_PlainFormatAttr_ : I32EnumAttr<"PlainFormat",
    "an operand choice that is not a block-scaled format", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"bf16", 1>
  ]> {
  let cppNamespace = "::mlir::mx";
  let genSpecializedAttr = 0;
}
def MX_PlainFormatAttr : EnumAttr<MX_Dialect, MX_PlainFormatAttr_,
                                  "plain_format"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // MX_DIALECT_MX_MXENUMS_TD
