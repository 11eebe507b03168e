//===- Calibration.h - Activation statistics for format selection -*- C++
//-*-===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// The calibration file `mx-run --calibrate=FILE` writes and
// `mx-select-formats calibration=FILE` reads (docs/FormatSelection.md,
// "Calibration file"): per activation operand of each contraction, exact
// sums over every sample seen (sum of x^2, and per candidate format the sum
// of e^2 of the reference library's quantization), so that an activation's
// relative MSE is exact; and the sample inputs, so the program can be rerun.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_CALIBRATION_H
#define MX_DIALECT_MX_TRANSFORMS_CALIBRATION_H

#include "mx/Dialect/MX/Transforms/FormatSelection.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <vector>

namespace mxsel {

/// The format's identity and version.
constexpr const char *kCalibrationFormat = "mx-calibration";
constexpr int64_t kCalibrationVersion = 1;

/// Statistics of one activation operand over all samples.
struct CalibrationOperand {
  /// "@FUNC#ORDINAL:lhs": the function, the contraction's index among the
  /// matched contractions of that function in program order, the operand.
  std::string key;
  std::string func, op, loc, operand;
  /// As the matmul sees it.
  std::vector<int64_t> shape;
  int64_t samples = 0;
  /// Finite values summed over.
  int64_t count = 0;
  double amax = 0;
  double sumSq = 0;
  /// Per candidate name: the sum of e^2 (absent: the candidate does not
  /// apply to this operand, with the reason in `whyNot`).
  std::map<std::string, double> sumErrSq;
  std::map<std::string, std::string> whyNot;
};

struct CalibrationData {
  /// The program and entry calibrated.
  std::string module, entry;
  /// Per sample, its input files (absolute paths), in argument order.
  std::vector<std::vector<std::string>> samples;
  std::vector<CalibrationOperand> operands;

  const CalibrationOperand *lookup(llvm::StringRef key) const;
  CalibrationOperand &getOrCreate(llvm::StringRef key);
};

/// The key of an operand.
std::string getCalibrationKey(llvm::StringRef func, int64_t ordinal,
                              bool isLhs);

/// Adds one sample's values of an operand (row-major as the matmul sees
/// it) to `operand`: sums for every candidate of getAllCandidateNames()
/// available in this build.
void addSample(CalibrationOperand &operand, llvm::ArrayRef<float> values,
               const OperandGeometry &geometry);

llvm::Expected<CalibrationData> readCalibration(llvm::StringRef path);
/// Parses the text of a calibration file (errors name `path`).
llvm::Expected<CalibrationData> parseCalibration(llvm::StringRef text,
                                                 llvm::StringRef path);
llvm::Error writeCalibration(llvm::StringRef path, const CalibrationData &data);

} // namespace mxsel

#endif // MX_DIALECT_MX_TRANSFORMS_CALIBRATION_H
