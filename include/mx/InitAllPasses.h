//===- InitAllPasses.h - Passes an MX tool registers ------------*- C++ -*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INITALLPASSES_H
#define MX_INITALLPASSES_H

namespace mlir {
namespace mx {

/// Registers every MX pass and pipeline. (The transform and conversion
/// passes land with their issues; this is the single place tools call.)
inline void registerAllPasses() {}

} // namespace mx
} // namespace mlir

#endif // MX_INITALLPASSES_H
