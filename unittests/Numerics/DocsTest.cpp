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
  auto buf = llvm::MemoryBuffer::getFile(MX_SOURCE_DIR "/docs/Numerics.md");
  ASSERT_TRUE(bool(buf)) << "cannot read docs/Numerics.md";
  llvm::StringRef text = (*buf)->getBuffer();
  size_t begin = text.find("<!-- validity-table-begin -->");
  size_t end = text.find("<!-- validity-table-end -->");
  ASSERT_NE(begin, llvm::StringRef::npos);
  ASSERT_NE(end, llvm::StringRef::npos);
  llvm::SmallVector<llvm::StringRef> lines;
  text.slice(begin, end).split(lines, '\n');
  std::set<std::string> documented;
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef> cells;
    line.trim().split(cells, '|');
    // "| a | b | c | d | e |" splits into 7 cells, the outer two empty.
    if (cells.size() != 7 || cells[1].trim() == "element" ||
        cells[1].trim().starts_with("---"))
      continue;
    documented.insert((cells[1].trim() + "|" + cells[2].trim() + "|" +
                       cells[3].trim() + "|" + cells[4].trim())
                          .str());
  }
  std::set<std::string> code;
  for (const ValidityRule &rule : getValidityTable())
    code.insert(describeRule(rule));
  EXPECT_EQ(documented, code);
}

} // namespace
