//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Reads and writes NumPy's .npy format (versions 1.0 and 2.0): a magic
// string, a version, a little-endian header length, a Python dict literal
// {'descr': ..., 'fortran_order': ..., 'shape': (...)} and the raw data.
// MX supports little-endian, C-order arrays of the dtypes of NpyDType only:
// anything else (big-endian, Fortran order, structured or other dtypes, a
// malformed header, a byte count that does not match the shape) is an
// llvm::Error, never a crash. Depends on LLVM Support only (docs/Tools.md,
// "mx-run", has the dtype table).
//
// Errors say what is wrong, not where: the caller names the file.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_NPY_H
#define MX_SUPPORT_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mxsupport {

/// The dtypes MX reads and writes, by their NumPy names. bf16 has no NumPy
/// dtype: it travels as its bit pattern, UInt16.
enum class NpyDType : uint8_t {
  Float64, ///< '<f8'
  Float32, ///< '<f4'
  Float16, ///< '<f2'
  UInt16,  ///< '<u2'
  Int64,   ///< '<i8'
  Int32,   ///< '<i4'
  Int16,   ///< '<i2'
  Int8,    ///< '|i1'
  Bool,    ///< '|b1', one byte per element, 0 or 1
};

/// The descr NumPy writes for `dtype` ("<f4", "|i1", ...).
llvm::StringRef getNpyDescr(NpyDType dtype);
/// Bytes per element.
int64_t getNpyItemSize(NpyDType dtype);
/// The dtype of a descr: "<f4", and for one-byte dtypes any byte-order mark
/// ("|i1", "<i1"). std::nullopt for anything else.
std::optional<NpyDType> parseNpyDescr(llvm::StringRef descr);

/// "(2, 3)", "(4,)", "()": a shape as NumPy spells it.
std::string formatNpyShape(llvm::ArrayRef<int64_t> shape);

/// A C-order array: `data` holds getNumElements() * getNpyItemSize(dtype)
/// little-endian bytes. An empty shape is a 0-d array (one element).
struct NpyArray {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  int64_t getNumElements() const;
  std::string getShapeString() const { return formatNpyShape(shape); }
};

/// Parses the contents of a .npy file.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes);
/// Reads and parses a .npy file.
llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path);

/// The .npy encoding of `array`, whose data must hold exactly its bytes.
/// `majorVersion` 1 or 2; 0 picks 1.0 unless the header needs 2.0.
std::string writeNpy(const NpyArray &array, unsigned majorVersion = 0);
/// Writes `array` to `path` (replacing it).
llvm::Error writeNpyFile(llvm::StringRef path, const NpyArray &array,
                         unsigned majorVersion = 0);

} // namespace mxsupport

#endif // MX_SUPPORT_NPY_H
