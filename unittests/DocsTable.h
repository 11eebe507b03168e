//===- DocsTable.h - Read a Markdown table that mirrors code ----*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Tables that exist once in code and once in docs/ (the validity table, the
// NVVM capability table) sit between two HTML comment markers in their doc;
// the docs tests read them with this helper and compare them with the code.
//
//===----------------------------------------------------------------------===//

#ifndef MX_UNITTESTS_DOCSTABLE_H
#define MX_UNITTESTS_DOCSTABLE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>
#include <vector>

namespace mxtest {

using DocsRow = std::vector<std::string>;

/// The rows (header first, the `---` separator skipped) of the table in
/// `path` between `<!-- NAME-begin -->` and `<!-- NAME-end -->`, each as its
/// trimmed cells.
inline llvm::Expected<std::vector<DocsRow>>
readDocsTable(llvm::StringRef path, llvm::StringRef name) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return llvm::createStringError(buf.getError(), "cannot read " + path);
  llvm::StringRef text = (*buf)->getBuffer();
  size_t begin = text.find(("<!-- " + name + "-begin -->").str());
  size_t end = text.find(("<!-- " + name + "-end -->").str());
  if (begin == llvm::StringRef::npos || end == llvm::StringRef::npos)
    return llvm::createStringError("no " + name + " markers in " + path);
  llvm::SmallVector<llvm::StringRef> lines;
  text.slice(begin, end).split(lines, '\n');
  std::vector<DocsRow> rows;
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (!line.starts_with("|") || line.contains("---"))
      continue;
    llvm::SmallVector<llvm::StringRef> cells;
    line.split(cells, '|');
    // "| a | b |" splits into 4 cells, the outer two empty.
    DocsRow row;
    for (size_t i = 1; i + 1 < cells.size(); ++i)
      row.push_back(cells[i].trim().str());
    rows.push_back(std::move(row));
  }
  return rows;
}

} // namespace mxtest

#endif // MX_UNITTESTS_DOCSTABLE_H
