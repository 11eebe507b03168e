//===- SelectorsTest.cpp - Block-scale selector ranges --------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// mx::checkBlockScaleSelectors against PTX ISA Table 37, over a range wider
// than the legal one: LLVM 22 passes the selectors in registers, so this
// check is the only one an illegal selector meets before the hardware masks
// it silently.
//
//===----------------------------------------------------------------------===//

#include "mx/Conversion/MXToNVVM/MXToNVVM.h"

#include "gtest/gtest.h"

#include <set>

using namespace mlir::mx;

namespace {

struct Row {
  BlockScaleFlavour flavour;
  std::set<int64_t> byteIds; ///< PTX Table 37, for A and B alike
};

const Row kTable37[] = {
    {BlockScaleFlavour::Mxf8f6f4X1, {0, 1, 2, 3}},
    {BlockScaleFlavour::Mxf4X2, {0, 2}},
    {BlockScaleFlavour::Mxf4nvf4X4, {0}},
};
const std::set<int64_t> kThreadIdA = {0, 1};
const std::set<int64_t> kThreadIdB = {0, 1, 2, 3};

TEST(BlockScaleSelectors, Table37) {
  for (const Row &row : kTable37)
    for (int64_t ba = -1; ba <= 4; ++ba)
      for (int64_t ta = -1; ta <= 4; ++ta)
        for (int64_t bb = -1; bb <= 4; ++bb)
          for (int64_t tb = -1; tb <= 4; ++tb) {
            bool legal = row.byteIds.count(ba) && kThreadIdA.count(ta) &&
                         row.byteIds.count(bb) && kThreadIdB.count(tb);
            std::optional<std::string> why =
                checkBlockScaleSelectors(row.flavour, ba, ta, bb, tb);
            EXPECT_EQ(legal, !why.has_value())
                << "flavour " << static_cast<int>(row.flavour) << " selectors "
                << ba << " " << ta << " " << bb << " " << tb;
          }
}

TEST(BlockScaleSelectors, Messages) {
  EXPECT_EQ(checkBlockScaleSelectors(BlockScaleFlavour::Mxf4X2, 1, 0, 0, 0),
            std::optional<std::string>("byte-id-a 1 is not 0 or 2"));
  EXPECT_EQ(checkBlockScaleSelectors(BlockScaleFlavour::Mxf8f6f4X1, 0, 3, 0, 0),
            std::optional<std::string>("thread-id-a 3 is not 0..1"));
  EXPECT_EQ(checkBlockScaleSelectors(BlockScaleFlavour::Mxf4nvf4X4, 0, 0, 0, 4),
            std::optional<std::string>("thread-id-b 4 is not 0..3"));
}

} // namespace
