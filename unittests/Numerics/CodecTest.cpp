//===- CodecTest.cpp - Element and scale codec tests ----------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Numerics/Codec.h"

#include "gtest/gtest.h"

using namespace mx;

namespace {

TEST(CodecTest, E2M1DecodeTable) {
  const float expected[16] = {0,  0.5f,  1,  1.5f,  2,  3,  4,  6,
                              -0.0f, -0.5f, -1, -1.5f, -2, -3, -4, -6};
  for (unsigned c = 0; c < 16; ++c)
    EXPECT_EQ(floatBits(decodeElem(ElemKind::E2M1, c)), floatBits(expected[c]))
        << "code " << c;
}

} // namespace
