//===- NpyTest.cpp - .npy reading and writing -----------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

using namespace mxsupport;

namespace {

/// The error message of `result`, which must have failed.
template <typename T> std::string errorOf(llvm::Expected<T> result) {
  if (result)
    return "(no error)";
  return llvm::toString(result.takeError());
}

/// A .npy file with a hand-written header (version 1.0 unless told).
std::string makeFile(llvm::StringRef dict, llvm::StringRef data,
                     unsigned major = 1) {
  std::string s("\x93NUMPY", 6);
  s += char(major);
  s += char(0);
  std::string header = dict.str() + "\n";
  for (unsigned i = 0; i < (major == 1 ? 2u : 4u); ++i)
    s += char((header.size() >> (8 * i)) & 0xff);
  return s + header + data.str();
}

NpyArray makeArray(NpyDType dtype, std::vector<int64_t> shape) {
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.data.resize(a.getNumElements() * getNpyItemSize(dtype));
  for (size_t i = 0; i < a.data.size(); ++i)
    a.data[i] = dtype == NpyDType::Bool ? i % 2 : uint8_t(i * 37 + 5);
  return a;
}

const NpyDType kAll[] = {
    NpyDType::Float64, NpyDType::Float32, NpyDType::Float16,
    NpyDType::UInt16,  NpyDType::Int64,   NpyDType::Int32,
    NpyDType::Int16,   NpyDType::Int8,    NpyDType::Bool};

TEST(Npy, DescrTable) {
  const char *descrs[] = {"<f8", "<f4", "<f2", "<u2", "<i8",
                          "<i4", "<i2", "|i1", "|b1"};
  const int64_t sizes[] = {8, 4, 2, 2, 8, 4, 2, 1, 1};
  for (size_t i = 0; i < std::size(kAll); ++i) {
    EXPECT_EQ(getNpyDescr(kAll[i]), descrs[i]);
    EXPECT_EQ(getNpyItemSize(kAll[i]), sizes[i]);
    EXPECT_EQ(parseNpyDescr(descrs[i]), kAll[i]);
  }
  EXPECT_EQ(parseNpyDescr("<i1"), NpyDType::Int8);
  EXPECT_EQ(parseNpyDescr("|b1"), NpyDType::Bool);
  EXPECT_EQ(parseNpyDescr(">f4"), std::nullopt);
  EXPECT_EQ(parseNpyDescr("|u1"), std::nullopt);
  EXPECT_EQ(parseNpyDescr("<f4 "), std::nullopt);
}

TEST(Npy, RoundTripEveryDTypeAndVersion) {
  for (NpyDType dtype : kAll)
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {5}, {2, 3}, {2, 1, 3}, {0, 4}})
      for (unsigned version : {0u, 1u, 2u}) {
        NpyArray a = makeArray(dtype, shape);
        std::string bytes = writeNpy(a, version);
        EXPECT_EQ(uint8_t(bytes[6]), version == 2 ? 2 : 1);
        // NumPy's alignment: the data starts at a multiple of 64.
        EXPECT_EQ((bytes.size() - a.data.size()) % 64, 0u);
        llvm::Expected<NpyArray> b = parseNpy(bytes);
        ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
        EXPECT_EQ(b->dtype, dtype);
        EXPECT_EQ(b->shape, shape);
        EXPECT_EQ(b->data, a.data);
      }
}

TEST(Npy, HeaderText) {
  NpyArray a = makeArray(NpyDType::Float32, {2, 3});
  std::string bytes = writeNpy(a);
  EXPECT_EQ(llvm::StringRef(bytes).substr(10, 59),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes[127], '\n');
  EXPECT_EQ(a.getShapeString(), "(2, 3)");
  EXPECT_EQ(makeArray(NpyDType::Int8, {4}).getShapeString(), "(4,)");
  EXPECT_EQ(makeArray(NpyDType::Int8, {}).getShapeString(), "()");
}

TEST(Npy, ReadsWhatNumPyWrites) {
  // Key order, quotes, spacing and trailing commas vary between writers.
  const char *dicts[] = {
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
      "{\"shape\":(2,),\"fortran_order\":False,\"descr\":\"<i4\"}",
      "{ 'descr' : '<i4' , 'fortran_order' : False , 'shape' : ( 2 , ) }  ",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }"};
  for (const char *dict : dicts)
    for (unsigned major : {1u, 2u}) {
      llvm::Expected<NpyArray> a = parseNpy(
          makeFile(dict, llvm::StringRef("\1\0\0\0\2\0\0\0", 8), major));
      ASSERT_TRUE(bool(a)) << dict << ": " << llvm::toString(a.takeError());
      EXPECT_EQ(a->dtype, NpyDType::Int32);
      EXPECT_EQ(a->shape, std::vector<int64_t>{2});
    }
}

TEST(Npy, Truncated) {
  std::string good = writeNpy(makeArray(NpyDType::Float32, {2, 2}));
  EXPECT_EQ(errorOf(parseNpy("")), "not a .npy file (bad magic string)");
  EXPECT_EQ(errorOf(parseNpy(llvm::StringRef(good).take_front(4))),
            "not a .npy file (bad magic string)");
  EXPECT_EQ(errorOf(parseNpy(llvm::StringRef(good).take_front(7))),
            "truncated .npy file: no version");
  EXPECT_EQ(errorOf(parseNpy(llvm::StringRef(good).take_front(9))),
            "truncated .npy file: no header length");
  EXPECT_EQ(errorOf(parseNpy(llvm::StringRef(good).take_front(40))),
            "truncated .npy file: the header needs 118 bytes, the file has "
            "30");
  EXPECT_EQ(errorOf(parseNpy(llvm::StringRef(good).drop_back(1))),
            "shape (2, 2) of <f4 needs 16 data bytes, the file holds 15");
  EXPECT_EQ(errorOf(parseNpy(good + "x")),
            "shape (2, 2) of <f4 needs 16 data bytes, the file holds 17");
}

TEST(Npy, BadMagicAndVersion) {
  std::string good = writeNpy(makeArray(NpyDType::Float32, {1}));
  std::string bad = good;
  bad[1] = 'n';
  EXPECT_EQ(errorOf(parseNpy(bad)), "not a .npy file (bad magic string)");
  EXPECT_EQ(errorOf(parseNpy("PK\3\4 a zip file, an .npz")),
            "not a .npy file (bad magic string)");
  bad = good;
  bad[6] = 3;
  EXPECT_EQ(errorOf(parseNpy(bad)),
            "unsupported .npy version 3.0 (MX reads 1.0 and 2.0)");
  bad = good;
  bad[7] = 1;
  EXPECT_EQ(errorOf(parseNpy(bad)),
            "unsupported .npy version 1.1 (MX reads 1.0 and 2.0)");
}

TEST(Npy, BadDict) {
  std::string f32x1("\0\0\0\0", 4);
  auto err = [&](llvm::StringRef dict) {
    return errorOf(parseNpy(makeFile(dict, f32x1)));
  };
  EXPECT_EQ(err(""), "bad header dict: expected '{' at offset 1");
  EXPECT_EQ(err("descr"), "bad header dict: expected '{' at offset 0");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False"),
            "bad header dict: expected ',' or '}' at offset 40");
  EXPECT_EQ(err("{'descr' '<f4'}"),
            "bad header dict: expected ':' after key 'descr' at offset 9");
  EXPECT_EQ(err("{'descr: '<f4'}"),
            "bad header dict: expected ':' after key 'descr: ' at offset 10");
  EXPECT_EQ(err("{'descr': '<f4}"),
            "bad header dict: unterminated string at offset 11");
  EXPECT_EQ(err("{1: 2}"),
            "bad header dict: expected a string key, got 1 at offset 2");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}"),
            "bad header dict: unexpected 'false' at offset 39");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x"),
            "bad header dict: unexpected text after the dict at offset 56");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False}"),
            "bad header dict: no 'shape' key");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
                "'extra': 1}"),
            "bad header dict: unexpected key 'extra'");
  EXPECT_EQ(err("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
                "'shape': (1,)}"),
            "bad header dict: duplicate key 'descr'");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}"),
            "bad header dict: 'fortran_order' is 0, not True or False");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': [1]}"),
            "bad header dict: 'shape' is [1], not a tuple of integers");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1, "
                "'a')}"),
            "bad header dict: 'shape' is (1, 'a'), not a tuple of integers");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"),
            "bad header dict: negative dimension in shape (-1,)");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': "
                "(99999999999999999999,)}"),
            "bad header dict: integer '99999999999999999999' out of range at "
            "offset 71");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (-,)}"),
            "bad header dict: expected digits at offset 52");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
                "'x': " +
                std::string(40, '(') + std::string(40, ')') + "}"),
            "bad header dict: nested too deeply at offset 78");
  EXPECT_EQ(err("{'descr': '\\x', 'fortran_order': False, 'shape': (1,)}"),
            "bad header dict: escape sequences are not supported at offset "
            "11");
}

TEST(Npy, UnsupportedDType) {
  auto err = [&](llvm::StringRef descr) {
    return errorOf(parseNpy(makeFile(
        "{'descr': " + descr.str() + ", 'fortran_order': False, 'shape': ()}",
        llvm::StringRef("\0\0\0\0\0\0\0\0", 8))));
  };
  EXPECT_EQ(err("'|u1'"), "unsupported dtype '|u1' (MX reads <f8, <f4, <f2, "
                          "<u2, <i8, <i4, <i2, |i1, |b1)");
  EXPECT_EQ(err("'<c8'"), "unsupported dtype '<c8' (MX reads <f8, <f4, <f2, "
                          "<u2, <i8, <i4, <i2, |i1, |b1)");
  EXPECT_EQ(err("[('a', '<f4')]"), "unsupported dtype [('a', '<f4')] "
                                   "(structured dtypes are not supported)");
  EXPECT_EQ(err("'>f4'"),
            "big-endian data ('>f4') is not supported; write it little-endian");
  EXPECT_EQ(err("'>f8'"),
            "big-endian data ('>f8') is not supported; write it little-endian");
}

TEST(Npy, FortranOrder) {
  EXPECT_EQ(errorOf(parseNpy(makeFile(
                "{'descr': '<f4', 'fortran_order': True, 'shape': (1,)}",
                llvm::StringRef("\0\0\0\0", 4)))),
            "Fortran-order (column-major) arrays are not supported; write it "
            "in C order (numpy.ascontiguousarray)");
}

TEST(Npy, ShapeByteCountMismatch) {
  EXPECT_EQ(errorOf(parseNpy(makeFile(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}",
                std::string(40, '\0')))),
            "shape (2, 3) of <f8 needs 48 data bytes, the file holds 40");
  EXPECT_EQ(errorOf(parseNpy(makeFile(
                "{'descr': '<f8', 'fortran_order': False, 'shape': ()}", ""))),
            "shape () of <f8 needs 8 data bytes, the file holds 0");
  EXPECT_EQ(errorOf(parseNpy(makeFile("{'descr': '<f8', 'fortran_order': "
                                      "False, 'shape': (4294967296, "
                                      "4294967296)}",
                                      ""))),
            "shape (4294967296, 4294967296) of <f8 needs more than 2^64 data "
            "bytes, the file holds 0");
  EXPECT_EQ(errorOf(parseNpy(makeFile(
                "{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}",
                llvm::StringRef("\1\0\2", 3)))),
            "element 2 of a |b1 array is 2, not 0 or 1");
}

TEST(Npy, Files) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("npy-test", dir));
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "a.npy");
  NpyArray a = makeArray(NpyDType::Int16, {3, 2});
  ASSERT_FALSE(bool(writeNpyFile(path, a)));
  llvm::Expected<NpyArray> b = readNpyFile(path);
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_EQ(b->data, a.data);
  EXPECT_EQ(b->shape, a.shape);

  llvm::SmallString<128> missing(dir);
  llvm::sys::path::append(missing, "missing.npy");
  EXPECT_EQ(errorOf(readNpyFile(missing)),
            "cannot read: No such file or directory");
  llvm::SmallString<128> inMissingDir(missing);
  llvm::sys::path::append(inMissingDir, "x.npy");
  llvm::Error err = writeNpyFile(inMissingDir, a);
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "cannot write: No such file or directory");
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(dir);
}

} // namespace
