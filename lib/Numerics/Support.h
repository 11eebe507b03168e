//===- Support.h - Helpers shared by the reference library ------*- C++ -*-===//
//
// Part of the MX project. Private to lib/Numerics.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LIB_NUMERICS_SUPPORT_H
#define MX_LIB_NUMERICS_SUPPORT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace mxref::detail {

/// A one-line error for an invalid argument.
inline llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The number of elements of a shape.
inline int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

} // namespace mxref::detail

#endif // MX_LIB_NUMERICS_SUPPORT_H
