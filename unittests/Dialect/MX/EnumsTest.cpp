//===- EnumsTest.cpp - Dialect enums mirror the reference library ---------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The reference library's enums are the one definition; MXAttributes.cpp
// static_asserts that the ODS enums have the same cases and values. This test
// adds what a static_assert cannot see: the spellings, which the IR, the C
// API and the reference library's diagnostics must share.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/MXAttributes.h"

#include "gtest/gtest.h"

using namespace mlir::mx;

namespace {

TEST(EnumsTest, ScaleModes) {
  for (unsigned i = 0; i < mxref::kNumScaleModes; ++i) {
    auto ref = static_cast<mxref::ScaleMode>(i);
    std::optional<ScaleMode> mode = symbolizeScaleMode(i);
    ASSERT_TRUE(mode.has_value()) << i;
    EXPECT_EQ(stringifyScaleMode(*mode), mxref::stringifyScaleMode(ref));
    EXPECT_EQ(toReference(*mode), ref);
    EXPECT_EQ(fromReference(ref), *mode);
  }
  EXPECT_FALSE(symbolizeScaleMode(mxref::kNumScaleModes).has_value());
}

TEST(EnumsTest, Roundings) {
  for (unsigned i = 0; i < mxref::kNumRoundings; ++i) {
    auto ref = static_cast<mxref::Rounding>(i);
    std::optional<Rounding> rounding = symbolizeRounding(i);
    ASSERT_TRUE(rounding.has_value()) << i;
    EXPECT_EQ(stringifyRounding(*rounding), mxref::stringifyRounding(ref));
    EXPECT_EQ(toReference(*rounding), ref);
    EXPECT_EQ(fromReference(ref), *rounding);
  }
  EXPECT_FALSE(symbolizeRounding(mxref::kNumRoundings).has_value());
}

TEST(EnumsTest, ScaleLayouts) {
  for (unsigned i = 0; i < mxref::kNumScaleLayouts; ++i) {
    auto ref = static_cast<mxref::ScaleLayout>(i);
    std::optional<ScaleLayout> layout = symbolizeScaleLayout(i);
    ASSERT_TRUE(layout.has_value()) << i;
    EXPECT_EQ(stringifyScaleLayout(*layout), mxref::stringifyScaleLayout(ref));
    EXPECT_EQ(toReference(*layout), ref);
    EXPECT_EQ(fromReference(ref), *layout);
  }
  EXPECT_FALSE(symbolizeScaleLayout(mxref::kNumScaleLayouts).has_value());
}

} // namespace
