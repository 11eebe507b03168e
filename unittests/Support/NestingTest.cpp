//===- NestingTest.cpp - nesting depth of MLIR source text ----------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Nesting.h"

#include "gtest/gtest.h"

#include <string>

using mxsupport::findDeepNesting;

namespace {

TEST(Nesting, CountsEveryBracketKind) {
  EXPECT_EQ(findDeepNesting("{[(<>)]}", 4), std::nullopt);
  EXPECT_EQ(findDeepNesting("{[(<>)]}", 3), 3u);
  EXPECT_EQ(findDeepNesting("a{b{c}}d{e}", 1), 3u);
  // Siblings do not add up.
  EXPECT_EQ(findDeepNesting("[1] [2] [3] [[4]]", 1), 13u);
}

TEST(Nesting, ArrowsStringsAndCommentsDoNotCount) {
  // The > of -> closes nothing: depth stays 2 inside the type.
  EXPECT_EQ(findDeepNesting("(x) -> (y) <(a) -> (b)>", 2), std::nullopt);
  EXPECT_EQ(findDeepNesting("<(a) -> ((b))>", 2), 9u);
  EXPECT_EQ(findDeepNesting(R"("[[[[\"[[[" [)", 1), std::nullopt);
  EXPECT_EQ(findDeepNesting("// {{{{{{\n{", 1), std::nullopt);
  EXPECT_EQ(findDeepNesting("// {{{{{{\n{{", 1), 11u);
  // A single slash is no comment.
  EXPECT_EQ(findDeepNesting("a / {{", 1), 5u);
}

TEST(Nesting, UnmatchedClosersNeverGoNegative) {
  // Three closers first, then two openers: depth 2, not -1.
  EXPECT_EQ(findDeepNesting(")]}[[", 1), 4u);
  // An unterminated string ends the scan.
  EXPECT_EQ(findDeepNesting("\"[[[[", 1), std::nullopt);
}

TEST(Nesting, DefaultLimit) {
  std::string deep(mxsupport::kMaxNestingDepth, '[');
  EXPECT_EQ(findDeepNesting(deep), std::nullopt);
  deep += '(';
  EXPECT_EQ(findDeepNesting(deep), mxsupport::kMaxNestingDepth);
}

} // namespace
