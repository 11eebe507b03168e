//===- Calibration.cpp - Activation statistics for format selection -------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/Transforms/Calibration.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mxsel;
namespace json = llvm::json;

const CalibrationOperand *CalibrationData::lookup(llvm::StringRef key) const {
  for (const CalibrationOperand &o : operands)
    if (o.key == key)
      return &o;
  return nullptr;
}

CalibrationOperand &CalibrationData::getOrCreate(llvm::StringRef key) {
  for (CalibrationOperand &o : operands)
    if (o.key == key)
      return o;
  operands.emplace_back();
  operands.back().key = key.str();
  return operands.back();
}

std::string mxsel::getCalibrationKey(llvm::StringRef func, int64_t ordinal,
                                     bool isLhs) {
  return llvm::formatv("@{0}#{1}:{2}", func, ordinal, isLhs ? "lhs" : "rhs")
      .str();
}

void mxsel::addSample(CalibrationOperand &operand, llvm::ArrayRef<float> values,
                      const OperandGeometry &geometry) {
  ++operand.samples;
  for (float v : values) {
    if (!std::isfinite(v))
      continue;
    ++operand.count;
    operand.amax = std::max(operand.amax, double(std::fabs(v)));
  }
  Candidate exact;
  exact.kind = Candidate::Kind::F32;
  operand.sumSq += evaluate(exact, values, geometry).sumSq;
  for (llvm::StringRef name : getAllCandidateNames()) {
    llvm::Expected<Candidate> c = lookupCandidate(name);
    if (!c) {
      llvm::consumeError(c.takeError());
      continue;
    }
    Evaluation e = evaluate(*c, values, geometry);
    if (!e.applies()) {
      operand.sumErrSq.erase(c->name);
      operand.whyNot[c->name] = e.whyNot;
      continue;
    }
    if (operand.whyNot.count(c->name))
      continue;
    operand.sumErrSq[c->name] += e.sumErrSq;
  }
}

//===----------------------------------------------------------------------===//
// File
//===----------------------------------------------------------------------===//

static llvm::Error malformed(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(path + ": not a calibration file: " + why);
}

llvm::Expected<CalibrationData> mxsel::parseCalibration(llvm::StringRef text,
                                                        llvm::StringRef path) {
  llvm::Expected<json::Value> value = json::parse(text);
  if (!value)
    return malformed(path, llvm::toString(value.takeError()));
  const json::Object *root = value->getAsObject();
  if (!root)
    return malformed(path, "the top level is not an object");
  std::optional<llvm::StringRef> format = root->getString("format");
  if (!format || *format != kCalibrationFormat)
    return malformed(path, llvm::Twine("\"format\" is not \"") +
                               kCalibrationFormat + "\"");
  std::optional<int64_t> version = root->getInteger("version");
  if (!version || *version != kCalibrationVersion)
    return malformed(path, "unsupported \"version\" (this build reads " +
                               llvm::Twine(kCalibrationVersion) + ")");
  CalibrationData data;
  if (std::optional<llvm::StringRef> m = root->getString("module"))
    data.module = m->str();
  if (std::optional<llvm::StringRef> e = root->getString("entry"))
    data.entry = e->str();
  if (const json::Array *samples = root->getArray("samples")) {
    for (const json::Value &s : *samples) {
      const json::Array *files = s.getAsArray();
      if (!files)
        return malformed(path, "a sample is not an array of file names");
      std::vector<std::string> names;
      for (const json::Value &f : *files) {
        std::optional<llvm::StringRef> name = f.getAsString();
        if (!name)
          return malformed(path, "a sample file name is not a string");
        names.push_back(name->str());
      }
      data.samples.push_back(std::move(names));
    }
  }
  const json::Array *operands = root->getArray("operands");
  if (!operands)
    return malformed(path, "no \"operands\" array");
  for (const json::Value &v : *operands) {
    const json::Object *o = v.getAsObject();
    if (!o)
      return malformed(path, "an operand is not an object");
    CalibrationOperand op;
    auto str = [&](llvm::StringRef k, std::string &out) {
      if (std::optional<llvm::StringRef> s = o->getString(k))
        out = s->str();
    };
    str("key", op.key);
    str("func", op.func);
    str("op", op.op);
    str("loc", op.loc);
    str("operand", op.operand);
    if (op.key.empty())
      return malformed(path, "an operand has no \"key\"");
    std::optional<int64_t> samples = o->getInteger("samples"),
                           count = o->getInteger("count");
    std::optional<double> amax = o->getNumber("amax"),
                          sumSq = o->getNumber("sum_sq");
    const json::Array *shape = o->getArray("shape");
    const json::Object *cands = o->getObject("candidates");
    if (!samples || !count || !amax || !sumSq || !shape || !cands)
      return malformed(path, "operand '" + op.key +
                                 "' lacks samples, count, amax, sum_sq, "
                                 "shape or candidates");
    op.samples = *samples;
    op.count = *count;
    op.amax = *amax;
    op.sumSq = *sumSq;
    for (const json::Value &d : *shape) {
      std::optional<int64_t> dim = d.getAsInteger();
      if (!dim)
        return malformed(path, "operand '" + op.key + "' has a bad shape");
      op.shape.push_back(*dim);
    }
    for (const auto &[name, cv] : *cands) {
      const json::Object *c = cv.getAsObject();
      std::optional<double> s = c ? c->getNumber("sum_err_sq") : std::nullopt;
      if (!s)
        return malformed(path, "operand '" + op.key + "' candidate '" +
                                   name.str() + "' has no \"sum_err_sq\"");
      op.sumErrSq[name.str()] = *s;
    }
    if (const json::Object *na = o->getObject("not_applicable"))
      for (const auto &[name, why] : *na)
        op.whyNot[name.str()] = why.getAsString().value_or("").str();
    data.operands.push_back(std::move(op));
  }
  return data;
}

llvm::Expected<CalibrationData> mxsel::readCalibration(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(
        path + ": cannot read: " + buffer.getError().message());
  return parseCalibration((*buffer)->getBuffer(), path);
}

llvm::Error mxsel::writeCalibration(llvm::StringRef path,
                                    const CalibrationData &data) {
  json::Array samples;
  for (const std::vector<std::string> &s : data.samples) {
    json::Array files;
    for (const std::string &f : s)
      files.push_back(f);
    samples.push_back(std::move(files));
  }
  json::Array operands;
  for (const CalibrationOperand &op : data.operands) {
    json::Object cands, na;
    for (const auto &[name, s] : op.sumErrSq)
      cands[name] = json::Object{{"sum_err_sq", s}};
    for (const auto &[name, why] : op.whyNot)
      na[name] = why;
    json::Array shape;
    for (int64_t d : op.shape)
      shape.push_back(d);
    operands.push_back(json::Object{{"key", op.key},
                                    {"func", op.func},
                                    {"op", op.op},
                                    {"loc", op.loc},
                                    {"operand", op.operand},
                                    {"shape", std::move(shape)},
                                    {"samples", op.samples},
                                    {"count", op.count},
                                    {"amax", op.amax},
                                    {"sum_sq", op.sumSq},
                                    {"candidates", std::move(cands)},
                                    {"not_applicable", std::move(na)}});
  }
  json::Object root{
      {"format", kCalibrationFormat},  {"version", kCalibrationVersion},
      {"module", data.module},         {"entry", data.entry},
      {"samples", std::move(samples)}, {"operands", std::move(operands)}};
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return llvm::createStringError(path + ": cannot write: " + ec.message());
  os << llvm::formatv("{0:2}", json::Value(std::move(root))) << "\n";
  return llvm::Error::success();
}
