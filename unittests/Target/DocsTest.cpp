//===- DocsTest.cpp - Docs agree with the capability table ----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The capability table exists once in code (mxnvvm::getAllChips) and once in
// docs/TargetCapabilities.md; this test keeps the two equal, cell by cell.
//
//===----------------------------------------------------------------------===//

#include "mx/Target/NVVM/Capabilities.h"

#include "../DocsTable.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace mxnvvm;

namespace {

using Row = mxtest::DocsRow;

Row codeHeader() {
  Row row = {"chip", "default PTX"};
  for (Capability cap : getAllCapabilities())
    row.push_back(stringifyCapability(cap).str());
  return row;
}

Row codeRow(const ChipInfo &chip) {
  Row row = {chip.name, chip.defaultPtx ? chip.defaultPtx->str() : "?"};
  for (Capability cap : getAllCapabilities())
    row.push_back(chip.get(cap).str());
  return row;
}

TEST(DocsTest, CapabilityTableMatchesCode) {
  auto table = mxtest::readDocsTable(
      MX_SOURCE_DIR "/docs/TargetCapabilities.md", "capability-table");
  ASSERT_TRUE(bool(table)) << llvm::toString(table.takeError());
  const std::vector<Row> &documented = *table;
  ASSERT_FALSE(documented.empty());
  EXPECT_EQ(documented.front(), codeHeader());
  ASSERT_EQ(documented.size(), getAllChips().size() + 1)
      << "one row per chip, plus the header";
  for (size_t i = 0; i < getAllChips().size(); ++i) {
    Row code = codeRow(getAllChips()[i]);
    const Row &doc = documented[i + 1];
    ASSERT_EQ(doc.size(), code.size()) << "row " << code[0];
    for (size_t j = 0; j < code.size(); ++j)
      EXPECT_EQ(doc[j], code[j])
          << "chip " << code[0] << ", column " << codeHeader()[j];
  }
}

// Every capability has its own entry in the doc's list of meanings.
TEST(DocsTest, EveryCapabilityIsExplained) {
  auto buf =
      llvm::MemoryBuffer::getFile(MX_SOURCE_DIR "/docs/TargetCapabilities.md");
  ASSERT_TRUE(bool(buf));
  llvm::StringRef text = (*buf)->getBuffer();
  for (Capability cap : getAllCapabilities()) {
    std::string entry = ("* `" + stringifyCapability(cap) + "`:").str();
    EXPECT_NE(text.find(entry), llvm::StringRef::npos) << entry;
  }
}

} // namespace
