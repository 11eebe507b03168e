//===- DocsTest.cpp - Docs agree with the validity table ------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The validity table exists once in code (mxref::getValidityTable) and once in
// docs/Numerics.md; this test keeps the two equal.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Format.h"

#include "../DocsTable.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <set>
#include <string>

using namespace mxref;

namespace {

std::string describeRule(const ValidityRule &rule) {
  std::string modes;
  for (unsigned i = 0; i < kNumScaleModes; ++i) {
    if (!(rule.allowedModes & (1u << i)))
      continue;
    if (!modes.empty())
      modes += ", ";
    modes += stringifyScaleMode(ScaleMode(i)).str();
  }
  return (stringifyElemKind(rule.elem) + "|" + stringifyScaleKind(rule.scale) +
          "|" + (rule.tensorScale ? "yes" : "no") + "|" + modes)
      .str();
}

TEST(DocsTest, ValidityTableMatchesCode) {
  auto table = mxtest::readDocsTable(MX_SOURCE_DIR "/docs/Numerics.md",
                                     "validity-table");
  ASSERT_TRUE(bool(table)) << llvm::toString(table.takeError());
  ASSERT_FALSE(table->empty());
  EXPECT_EQ(table->front(), mxtest::DocsRow({"element", "scale", "tensor scale",
                                             "scale modes", "note"}));
  // Every column but the free-text note is compared.
  std::set<std::string> documented;
  for (const mxtest::DocsRow &row : llvm::drop_begin(*table)) {
    ASSERT_EQ(row.size(), 5u) << llvm::join(row, " | ");
    documented.insert(llvm::join(llvm::ArrayRef(row).drop_back(), "|"));
  }
  std::set<std::string> code;
  for (const ValidityRule &rule : getValidityTable())
    code.insert(describeRule(rule));
  EXPECT_EQ(documented, code);
}

} // namespace
