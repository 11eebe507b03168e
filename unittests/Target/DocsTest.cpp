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

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace mxnvvm;

namespace {

using Row = std::vector<std::string>;

Row splitRow(llvm::StringRef line) {
  llvm::SmallVector<llvm::StringRef> cells;
  line.trim().split(cells, '|');
  Row row;
  // "| a | b |" splits into 4 cells, the outer two empty.
  for (size_t i = 1; i + 1 < cells.size(); ++i)
    row.push_back(cells[i].trim().str());
  return row;
}

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
  auto buf =
      llvm::MemoryBuffer::getFile(MX_SOURCE_DIR "/docs/TargetCapabilities.md");
  ASSERT_TRUE(bool(buf)) << "cannot read docs/TargetCapabilities.md";
  llvm::StringRef text = (*buf)->getBuffer();
  size_t begin = text.find("<!-- capability-table-begin -->");
  size_t end = text.find("<!-- capability-table-end -->");
  ASSERT_NE(begin, llvm::StringRef::npos);
  ASSERT_NE(end, llvm::StringRef::npos);
  llvm::SmallVector<llvm::StringRef> lines;
  text.slice(begin, end).split(lines, '\n');
  std::vector<Row> documented;
  for (llvm::StringRef line : lines) {
    if (!line.trim().starts_with("|") || line.contains("---"))
      continue;
    documented.push_back(splitRow(line));
  }
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
