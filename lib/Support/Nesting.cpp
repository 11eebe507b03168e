//===- Nesting.cpp - Nesting depth of MLIR source text --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Nesting.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

std::optional<size_t> mxsupport::findDeepNesting(llvm::StringRef text,
                                                 unsigned maxDepth) {
  unsigned depth = 0;
  for (size_t i = 0, n = text.size(); i < n; ++i) {
    char c = text[i];
    switch (c) {
    case '"': // a string literal, with backslash escapes, to its closing quote
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/': // a comment, to the end of the line
      if (i + 1 < n && text[i + 1] == '/')
        while (i < n && text[i] != '\n')
          ++i;
      break;
    case '{':
    case '[':
    case '(':
    case '<':
      if (++depth > maxDepth)
        return i;
      break;
    case '>':
      if (i > 0 && text[i - 1] == '-')
        break;
      [[fallthrough]];
    case '}':
    case ']':
    case ')':
      if (depth)
        --depth;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

bool mxsupport::reportDeepNesting(const llvm::MemoryBuffer &buffer,
                                  llvm::raw_ostream &os, unsigned maxDepth) {
  llvm::StringRef text = buffer.getBuffer();
  std::optional<size_t> at = findDeepNesting(text, maxDepth);
  if (!at)
    return false;
  llvm::StringRef before = text.take_front(*at);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t col = lineStart == llvm::StringRef::npos ? *at + 1 : *at - lineStart;
  os << buffer.getBufferIdentifier() << ":" << line << ":" << col
     << ": error: more than " << maxDepth
     << " nested brackets ({, [, ( or <); refused before MLIR's recursive "
        "parser would overflow the stack\n";
  return true;
}
