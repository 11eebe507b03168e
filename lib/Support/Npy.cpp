//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <iterator>

using namespace mxsupport;
using llvm::StringRef;

namespace {

struct DTypeInfo {
  NpyDType dtype;
  const char *descr;
  int64_t size;
};

/// Indexed by NpyDType.
constexpr DTypeInfo kDTypes[] = {
    {NpyDType::Float64, "<f8", 8}, {NpyDType::Float32, "<f4", 4},
    {NpyDType::Float16, "<f2", 2}, {NpyDType::UInt16, "<u2", 2},
    {NpyDType::Int64, "<i8", 8},   {NpyDType::Int32, "<i4", 4},
    {NpyDType::Int16, "<i2", 2},   {NpyDType::Int8, "|i1", 1},
    {NpyDType::Bool, "|b1", 1}};
static_assert(std::size(kDTypes) == size_t(NpyDType::Bool) + 1,
              "kDTypes is indexed by NpyDType");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// One value of the header dict: the subset of Python literals a .npy
/// header holds. Anything else (lists, nested dicts) is kept as raw text, so
/// that an error can show it.
struct Value {
  enum Kind { String, Bool, Int, Tuple, Other } kind = Other;
  std::string str; ///< String: its contents; every kind: its source text
  bool boolean = false;
  int64_t integer = 0;
  std::vector<int64_t> ints; ///< Tuple: its elements, when all are Ints
};

/// A recursive-descent parser of the header dict.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  /// The dict's keys and values, in order.
  llvm::Error parseDict(std::vector<std::pair<std::string, Value>> &entries) {
    skipSpace();
    if (!consume('{'))
      return error("expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      Value key;
      if (llvm::Error err = parseValue(key))
        return err;
      if (key.kind != Value::String)
        return error("expected a string key, got " + key.str);
      skipSpace();
      if (!consume(':'))
        return error("expected ':' after key '" + key.str + "'");
      Value value;
      if (llvm::Error err = parseValue(value))
        return err;
      entries.emplace_back(key.str, std::move(value));
      skipSpace();
      if (consume('}'))
        break;
      if (!consume(','))
        return error("expected ',' or '}'");
    }
    skipSpace();
    if (pos != text.size())
      return error("unexpected text after the dict");
    return llvm::Error::success();
  }

private:
  StringRef text;
  size_t pos = 0;

  llvm::Error error(const llvm::Twine &message) {
    return makeError("bad header dict: " + message + " at offset " +
                     llvm::Twine(pos));
  }
  void skipSpace() {
    while (pos < text.size() && llvm::isSpace(text[pos]))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  llvm::Error parseValue(Value &value, unsigned depth = 0) {
    // Headers are flat; the bound only keeps hostile input off the stack.
    if (depth > 16)
      return error("nested too deeply");
    skipSpace();
    size_t start = pos;
    if (pos >= text.size())
      return error("unexpected end");
    char c = text[pos];
    if (c == '\'' || c == '"') {
      ++pos;
      size_t end = text.find(c, pos);
      if (end == StringRef::npos)
        return error("unterminated string");
      StringRef contents = text.slice(pos, end);
      if (contents.contains('\\'))
        return error("escape sequences are not supported");
      value.kind = Value::String;
      pos = end + 1;
      value.str = contents.str();
      return llvm::Error::success();
    }
    if (c == '(' || c == '[' || c == '{') {
      char close = c == '(' ? ')' : c == '[' ? ']' : '}';
      ++pos;
      bool allInts = c == '(';
      std::vector<int64_t> ints;
      while (true) {
        skipSpace();
        if (consume(close))
          break;
        Value element;
        if (llvm::Error err = parseValue(element, depth + 1))
          return err;
        if (c == '{') {
          skipSpace();
          if (!consume(':'))
            return error("expected ':'");
          Value inner;
          if (llvm::Error err = parseValue(inner, depth + 1))
            return err;
        }
        allInts &= element.kind == Value::Int;
        ints.push_back(element.integer);
        skipSpace();
        if (consume(close))
          break;
        if (!consume(','))
          return error(llvm::Twine("expected ',' or '") + llvm::Twine(close) +
                       "'");
      }
      value.kind = allInts ? Value::Tuple : Value::Other;
      value.ints = std::move(ints);
      value.str = text.slice(start, pos).str();
      return llvm::Error::success();
    }
    if (c == '-' || c == '+' || llvm::isDigit(c)) {
      ++pos;
      while (pos < text.size() && llvm::isDigit(text[pos]))
        ++pos;
      StringRef digits = text.slice(start, pos);
      digits.consume_front("+");
      if (digits.empty() || digits == "-")
        return error("expected digits");
      // Python ints may carry an 'L' suffix in old (Python 2) headers.
      if (pos < text.size() && text[pos] == 'L')
        ++pos;
      value.str = text.slice(start, pos).str();
      if (digits.getAsInteger(10, value.integer))
        return error("integer '" + value.str + "' out of range");
      value.kind = Value::Int;
      return llvm::Error::success();
    }
    while (pos < text.size() && (llvm::isAlnum(text[pos]) || text[pos] == '_'))
      ++pos;
    StringRef word = text.slice(start, pos);
    value.str = word.str();
    if (word == "True" || word == "False") {
      value.kind = Value::Bool;
      value.boolean = word == "True";
      return llvm::Error::success();
    }
    if (word == "None")
      return llvm::Error::success();
    if (word.empty())
      return error(llvm::Twine("unexpected character '") + llvm::Twine(c) +
                   "'");
    return error("unexpected '" + word + "'");
  }
};

} // namespace

StringRef mxsupport::getNpyDescr(NpyDType dtype) {
  return kDTypes[size_t(dtype)].descr;
}

int64_t mxsupport::getNpyItemSize(NpyDType dtype) {
  return kDTypes[size_t(dtype)].size;
}

std::optional<NpyDType> mxsupport::parseNpyDescr(StringRef descr) {
  for (const DTypeInfo &info : kDTypes) {
    StringRef canonical = info.descr;
    if (descr == canonical)
      return info.dtype;
    // Byte order means nothing for one byte: NumPy itself reads '<i1'.
    if (info.size == 1 && descr.size() == 3 &&
        StringRef("<>=|").contains(descr[0]) &&
        descr.drop_front() == canonical.drop_front())
      return info.dtype;
  }
  return std::nullopt;
}

int64_t NpyArray::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string mxsupport::formatNpyShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

llvm::Expected<NpyArray> mxsupport::parseNpy(StringRef bytes) {
  if (bytes.size() < kMagicSize ||
      bytes.take_front(kMagicSize) != StringRef(kMagic, kMagicSize))
    return makeError("not a .npy file (bad magic string)");
  if (bytes.size() < kMagicSize + 2)
    return makeError("truncated .npy file: no version");
  unsigned major = uint8_t(bytes[6]), minor = uint8_t(bytes[7]);
  if ((major != 1 && major != 2) || minor != 0)
    return makeError("unsupported .npy version " + llvm::Twine(major) + "." +
                     llvm::Twine(minor) + " (MX reads 1.0 and 2.0)");
  size_t lengthSize = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthSize)
    return makeError("truncated .npy file: no header length");
  uint64_t headerLength =
      major == 1 ? llvm::support::endian::read16le(bytes.data() + 8)
                 : llvm::support::endian::read32le(bytes.data() + 8);
  uint64_t dataOffset = 8 + lengthSize + headerLength;
  if (bytes.size() < dataOffset)
    return makeError("truncated .npy file: the header needs " +
                     llvm::Twine(headerLength) + " bytes, the file has " +
                     llvm::Twine(bytes.size() - 8 - lengthSize));

  StringRef header = bytes.slice(8 + lengthSize, dataOffset);
  std::vector<std::pair<std::string, Value>> entries;
  if (llvm::Error err = HeaderParser(header).parseDict(entries))
    return std::move(err);
  const Value *descr = nullptr, *fortran = nullptr, *shape = nullptr;
  for (const auto &[key, value] : entries) {
    const Value **slot = key == "descr"           ? &descr
                         : key == "fortran_order" ? &fortran
                         : key == "shape"         ? &shape
                                                  : nullptr;
    if (!slot)
      return makeError("bad header dict: unexpected key '" + key + "'");
    if (*slot)
      return makeError("bad header dict: duplicate key '" + key + "'");
    *slot = &value;
  }
  for (auto [value, key] :
       {std::pair(descr, "descr"), std::pair(fortran, "fortran_order"),
        std::pair(shape, "shape")})
    if (!value)
      return makeError(llvm::Twine("bad header dict: no '") + key + "' key");

  NpyArray array;
  if (descr->kind != Value::String)
    return makeError("unsupported dtype " + descr->str +
                     " (structured dtypes are not supported)");
  std::optional<NpyDType> dtype = parseNpyDescr(descr->str);
  if (!dtype) {
    StringRef d = descr->str;
    if (d.size() > 2 && d[0] == '>' &&
        parseNpyDescr("<" + d.drop_front().str()))
      return makeError("big-endian data ('" + d +
                       "') is not supported; write it little-endian");
    return makeError(
        "unsupported dtype '" + d +
        "' (MX reads <f8, <f4, <f2, <u2, <i8, <i4, <i2, |i1, |b1)");
  }
  array.dtype = *dtype;
  if (fortran->kind != Value::Bool)
    return makeError("bad header dict: 'fortran_order' is " + fortran->str +
                     ", not True or False");
  if (fortran->boolean)
    return makeError("Fortran-order (column-major) arrays are not supported; "
                     "write it in C order (numpy.ascontiguousarray)");
  if (shape->kind != Value::Tuple)
    return makeError("bad header dict: 'shape' is " + shape->str +
                     ", not a tuple of integers");

  // The element and byte counts, guarded against overflow.
  uint64_t count = 1;
  bool overflow = false;
  for (int64_t d : shape->ints) {
    if (d < 0)
      return makeError("bad header dict: negative dimension in shape " +
                       shape->str);
    count = llvm::SaturatingMultiply(count, uint64_t(d), &overflow);
  }
  uint64_t dataSize = llvm::SaturatingMultiply(
      count, uint64_t(getNpyItemSize(*dtype)), &overflow);
  array.shape = shape->ints;
  uint64_t have = bytes.size() - dataOffset;
  if (overflow || dataSize > uint64_t(INT64_MAX) || have != dataSize)
    return makeError(
        "shape " + array.getShapeString() + " of " + getNpyDescr(*dtype) +
        " needs " +
        (overflow ? std::string("more than 2^64") : std::to_string(dataSize)) +
        " data bytes, the file holds " + llvm::Twine(have));
  StringRef data = bytes.drop_front(dataOffset);
  array.data.assign(data.begin(), data.end());
  if (*dtype == NpyDType::Bool)
    for (size_t i = 0; i < array.data.size(); ++i)
      if (array.data[i] > 1)
        return makeError("element " + llvm::Twine(i) + " of a |b1 array is " +
                         llvm::Twine(unsigned(array.data[i])) + ", not 0 or 1");
  return array;
}

llvm::Expected<NpyArray> mxsupport::readNpyFile(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer());
}

std::string mxsupport::writeNpy(const NpyArray &array, unsigned majorVersion) {
  std::string dict;
  llvm::raw_string_ostream(dict)
      << "{'descr': '" << getNpyDescr(array.dtype)
      << "', 'fortran_order': False, 'shape': " << array.getShapeString()
      << ", }";
  // NumPy pads magic, version, length and header with spaces and a newline
  // to a multiple of 64 bytes, so that the data is aligned.
  auto paddedLength = [&](size_t lengthSize) {
    size_t used = kMagicSize + 2 + lengthSize + dict.size() + 1;
    return dict.size() + 1 + (64 - used % 64) % 64;
  };
  if (majorVersion == 0)
    majorVersion = paddedLength(2) <= 0xffff ? 1 : 2;
  size_t lengthSize = majorVersion == 1 ? 2 : 4;
  size_t headerLength = paddedLength(lengthSize);
  std::string out(kMagic, kMagicSize);
  out += char(majorVersion);
  out += char(0);
  for (size_t i = 0; i < lengthSize; ++i)
    out += char((headerLength >> (8 * i)) & 0xff);
  out += dict;
  out.append(headerLength - dict.size() - 1, ' ');
  out += '\n';
  out.append(array.data.begin(), array.data.end());
  return out;
}

llvm::Error mxsupport::writeNpyFile(StringRef path, const NpyArray &array,
                                    unsigned majorVersion) {
  std::string bytes = writeNpy(array, majorVersion);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError("cannot write: " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error()) {
    std::error_code err = os.error();
    os.clear_error();
    return makeError("cannot write: " + err.message());
  }
  return llvm::Error::success();
}
