//===- Nesting.h - Nesting depth of MLIR source text ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// MLIR's parser is recursive descent: every nested region, attribute or type
// list costs stack frames, and a few tens of thousands of levels overflow
// the stack (docs/Robustness.md). The tools scan their input with
// findDeepNesting first and refuse it with a located error instead.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_NESTING_H
#define MX_SUPPORT_NESTING_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>

namespace llvm {
class MemoryBuffer;
class raw_ostream;
} // namespace llvm

namespace mxsupport {

/// The nesting the tools accept: far beyond any real program (a rank-8
/// dense literal inside a few regions is ~20), far below a stack overflow.
constexpr unsigned kMaxNestingDepth = 512;

/// The offset in `text` of the first bracket ({, [, ( or <) that opens level
/// `maxDepth + 1`, if any. String literals and `//` comments are skipped,
/// the `>` of `->` closes nothing, and unmatched closers never go below
/// depth 0, so the count never exceeds the real nesting.
std::optional<size_t> findDeepNesting(llvm::StringRef text,
                                      unsigned maxDepth = kMaxNestingDepth);

/// Checks `buffer`; when it nests too deeply prints one
/// "NAME:LINE:COL: error: ..." line (NAME: the buffer's identifier) to `os`
/// and returns true.
bool reportDeepNesting(const llvm::MemoryBuffer &buffer, llvm::raw_ostream &os,
                       unsigned maxDepth = kMaxNestingDepth);

} // namespace mxsupport

#endif // MX_SUPPORT_NESTING_H
