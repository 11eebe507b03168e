//===- mx-cuda-run.cpp - run a compiled MX job on a CUDA device -----------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Loads a cubin, uploads the buffers of a job manifest (.npy files or
// zero-free outputs), launches the kernels in order and compares named
// outputs with expected .npy files, bit for bit or within a per-element
// bound. The job format is docs/Tools.md, "mx-cuda-run".
//
// The program is meant to be carried alone to a machine with a GPU and no
// LLVM, so it depends on the C++ standard library and the CUDA driver only.
// The driver is opened with dlopen, not linked: where there is none, the
// program still starts and says so (and every manifest error is reported
// before the driver is touched).
//
//===----------------------------------------------------------------------===//

#include <cuda.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// Every user-facing failure: message printed, exit status 2.
struct Error {
  std::string msg;
};
[[noreturn]] void fail(const std::string &msg) { throw Error{msg}; }

//===----------------------------------------------------------------------===//
// A small JSON reader (objects, arrays, strings, numbers, true/false/null).
//===----------------------------------------------------------------------===//

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool b = false;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;

  const Json *get(const std::string &key) const {
    for (const auto &kv : obj)
      if (kv.first == key)
        return &kv.second;
    return nullptr;
  }
};

class JsonParser {
public:
  JsonParser(const std::string &text, std::string file)
      : s(text), file(std::move(file)) {}

  Json parse() {
    Json v = value();
    ws();
    if (pos != s.size())
      error("trailing characters after the JSON value");
    return v;
  }

private:
  const std::string &s;
  std::string file;
  size_t pos = 0;

  [[noreturn]] void error(const std::string &what) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < s.size(); ++i) {
      if (s[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    fail(file + ":" + std::to_string(line) + ":" + std::to_string(col) +
         ": bad JSON: " + what);
  }
  void ws() {
    while (pos < s.size() && std::strchr(" \t\r\n", s[pos]))
      ++pos;
  }
  bool eat(char c) {
    ws();
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c))
      error(std::string("expected '") + c + "'");
  }
  Json value() {
    ws();
    if (pos >= s.size())
      error("unexpected end of input");
    Json v;
    char c = s[pos];
    if (c == '{') {
      ++pos;
      v.kind = Json::Object;
      if (eat('}'))
        return v;
      do {
        ws();
        if (pos >= s.size() || s[pos] != '"')
          error("expected a string key");
        std::string key = string();
        expect(':');
        v.obj.emplace_back(key, value());
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      ++pos;
      v.kind = Json::Array;
      if (eat(']'))
        return v;
      do
        v.arr.push_back(value());
      while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.kind = Json::String;
      v.str = string();
    } else if (s.compare(pos, 4, "true") == 0) {
      pos += 4;
      v.kind = Json::Bool;
      v.b = true;
    } else if (s.compare(pos, 5, "false") == 0) {
      pos += 5;
      v.kind = Json::Bool;
    } else if (s.compare(pos, 4, "null") == 0) {
      pos += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const char *begin = s.c_str() + pos;
      char *end = nullptr;
      v.kind = Json::Number;
      v.num = std::strtod(begin, &end);
      if (end == begin)
        error("bad number");
      pos += end - begin;
    } else {
      error(std::string("unexpected character '") + c + "'");
    }
    return v;
  }
  std::string string() {
    ++pos; // opening quote
    std::string out;
    while (true) {
      if (pos >= s.size())
        error("unterminated string");
      char c = s[pos++];
      if (c == '"')
        return out;
      if (static_cast<unsigned char>(c) < 0x20)
        error("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= s.size())
        error("unterminated escape");
      char e = s[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      default:
        error("unsupported escape (\\u is not accepted)");
      }
    }
  }
};

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//===----------------------------------------------------------------------===//
// .npy (version 1-3, little-endian, C order) for the dtypes of MX buffers.
//===----------------------------------------------------------------------===//

struct DType {
  const char *npy;  ///< descr, e.g. "<f4"
  const char *name; ///< manifest spelling
  size_t size;
};
const DType kDTypes[] = {
    {"|i1", "i8", 1},  {"|u1", "u8", 1},  {"<i2", "i16", 2}, {"<u2", "u16", 2},
    {"<i4", "i32", 4}, {"<u4", "u32", 4}, {"<i8", "i64", 8}, {"<f2", "f16", 2},
    {"<f4", "f32", 4}, {"<f8", "f64", 8}};

const DType *dtypeByName(const std::string &n) {
  for (const DType &d : kDTypes)
    if (n == d.name)
      return &d;
  return nullptr;
}

struct Array {
  const DType *dtype = nullptr;
  std::vector<int64_t> shape;
  std::vector<char> data;
  int64_t count() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

Array readNpy(const std::string &path) {
  std::string f = readFile(path);
  auto bad = [&](const std::string &why) {
    fail(path + ": not a valid .npy file: " + why);
  };
  if (f.size() < 10 || f.compare(0, 6, "\x93NUMPY") != 0)
    bad("missing the \\x93NUMPY magic");
  unsigned major = static_cast<unsigned char>(f[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<unsigned char>(f[8]) | static_cast<unsigned char>(f[9])
                                                  << 8;
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12)
      bad("truncated header");
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= size_t(static_cast<unsigned char>(f[8 + i])) << (8 * i);
    hstart = 12;
  } else {
    bad("unknown version " + std::to_string(major));
  }
  if (hstart + hlen > f.size())
    bad("truncated header");
  std::string h = f.substr(hstart, hlen);
  auto field = [&](const std::string &key) -> std::string {
    size_t k = h.find("'" + key + "'");
    if (k == std::string::npos)
      bad("header has no '" + key + "'");
    size_t colon = h.find(':', k);
    if (colon == std::string::npos)
      bad("header field '" + key + "' has no value");
    size_t v = h.find_first_not_of(' ', colon + 1);
    if (v == std::string::npos)
      bad("header field '" + key + "' has no value");
    return h.substr(v);
  };
  Array a;
  std::string descr = field("descr");
  for (const DType &d : kDTypes) {
    std::string q = std::string("'") + d.npy + "'";
    if (descr.compare(0, q.size(), q) == 0)
      a.dtype = &d;
  }
  // numpy writes '<i1'/'<u1' as '|i1'/'|u1'; accept both.
  if (!a.dtype && descr.compare(0, 5, "'<i1'") == 0)
    a.dtype = &kDTypes[0];
  if (!a.dtype && descr.compare(0, 5, "'<u1'") == 0)
    a.dtype = &kDTypes[1];
  if (!a.dtype)
    bad("unsupported dtype " + descr.substr(0, descr.find_first_of(",}")) +
        " (little-endian i8..i64, u8..u32, f16, f32, f64)");
  if (field("fortran_order").compare(0, 5, "False") != 0)
    bad("Fortran order is not supported");
  std::string shape = field("shape");
  if (shape.empty() || shape[0] != '(')
    bad("bad shape");
  size_t i = 1;
  while (i < shape.size() && shape[i] != ')') {
    if (shape[i] == ' ' || shape[i] == ',') {
      ++i;
      continue;
    }
    char *end = nullptr;
    long long d = std::strtoll(shape.c_str() + i, &end, 10);
    if (end == shape.c_str() + i || d < 0)
      bad("bad shape");
    a.shape.push_back(d);
    i = end - shape.c_str();
  }
  if (i >= shape.size())
    bad("bad shape");
  size_t bytes = size_t(a.count()) * a.dtype->size;
  size_t dstart = hstart + hlen;
  if (f.size() - dstart != bytes)
    bad("holds " + std::to_string(f.size() - dstart) +
        " data bytes, shape and dtype need " + std::to_string(bytes));
  a.data.assign(f.begin() + dstart, f.end());
  return a;
}

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i)
    r += (i ? "x" : "") + std::to_string(s[i]);
  return r.empty() ? "scalar" : r;
}

//===----------------------------------------------------------------------===//
// The job.
//===----------------------------------------------------------------------===//

struct Arg {
  enum Kind { Buffer, F32, I32, I64 } kind = Buffer;
  std::string buffer;
  float f32 = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
};

struct Launch {
  std::string kernel;
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  unsigned sharedBytes = 0;
  std::vector<Arg> args;
};

struct Check {
  std::string buffer;
  Array expected;
  bool exact = true;
  Array bound; ///< f64 or f32, one per element, when not exact
};

struct Job {
  std::string cubin;
  std::vector<std::string> bufferOrder;
  std::set<std::string> inputs; ///< buffers with data: npy or fill
  std::map<std::string, Array> buffers;
  std::vector<Launch> launches;
  std::vector<Check> checks;
};

std::string dirOf(const std::string &p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? "." : p.substr(0, s);
}

Job loadJob(const std::string &path) {
  std::string dir = dirOf(path);
  auto rel = [&](const std::string &p) {
    return !p.empty() && p[0] == '/' ? p : dir + "/" + p;
  };
  Json root = JsonParser(readFile(path), path).parse();
  auto bad = [&](const std::string &where, const std::string &what) {
    fail(path + ": " + where + ": " + what);
  };
  auto str = [&](const Json *v, const std::string &where) -> std::string {
    if (!v || v->kind != Json::String)
      bad(where, "expected a string");
    return v->str;
  };
  auto integer = [&](const Json *v, const std::string &where, double lo,
                     double hi) -> int64_t {
    if (!v || v->kind != Json::Number || v->num != std::floor(v->num) ||
        v->num < lo || v->num > hi)
      bad(where, "expected an integer in [" + std::to_string(int64_t(lo)) +
                     ", " + std::to_string(int64_t(hi)) + "]");
    return int64_t(v->num);
  };
  if (root.kind != Json::Object)
    bad("top level", "expected an object");
  for (const auto &kv : root.obj)
    if (kv.first != "version" && kv.first != "cubin" && kv.first != "buffers" &&
        kv.first != "launches" && kv.first != "checks" && kv.first != "comment")
      bad("top level", "unknown key '" + kv.first + "'");
  if (integer(root.get("version"), "version", 0, 1e9) != 1)
    bad("version", "only version 1 is understood");
  Job job;
  job.cubin = rel(str(root.get("cubin"), "cubin"));

  const Json *bufs = root.get("buffers");
  if (!bufs || bufs->kind != Json::Object)
    bad("buffers", "expected an object of named buffers");
  for (const auto &kv : bufs->obj) {
    std::string where = "buffers." + kv.first;
    if (job.buffers.count(kv.first))
      bad(where, "defined twice");
    if (kv.second.kind != Json::Object)
      bad(where, "expected an object");
    Array a;
    if (const Json *npy = kv.second.get("npy")) {
      a = readNpy(rel(str(npy, where + ".npy")));
      job.inputs.insert(kv.first);
    } else {
      std::string dt = str(kv.second.get("dtype"), where + ".dtype");
      a.dtype = dtypeByName(dt);
      if (!a.dtype)
        bad(where + ".dtype", "unknown dtype '" + dt + "'");
      const Json *shape = kv.second.get("shape");
      if (!shape || shape->kind != Json::Array)
        bad(where + ".shape", "expected an array of sizes");
      for (const Json &d : shape->arr)
        a.shape.push_back(integer(&d, where + ".shape", 0, 1e12));
      // Outputs start as all-ones bytes (NaN for floats), so an element no
      // kernel writes cannot pass a check by accident. "fill" makes inputs
      // of timing jobs on the device: "zero", or bytes uniform in [lo, hi]
      // from a fixed generator, so large weights need not be carried.
      a.data.assign(size_t(a.count()) * a.dtype->size, char(0xff));
      if (const Json *fill = kv.second.get("fill")) {
        if (fill->kind == Json::String && fill->str == "zero") {
          std::fill(a.data.begin(), a.data.end(), 0);
        } else if (fill->kind == Json::Object && fill->get("random_bytes")) {
          const Json *r = fill->get("random_bytes");
          if (r->kind != Json::Array || r->arr.size() != 2)
            bad(where + ".fill.random_bytes", "expected [lo, hi]");
          int64_t lo =
              integer(&r->arr[0], where + ".fill.random_bytes", 0, 255);
          int64_t hi =
              integer(&r->arr[1], where + ".fill.random_bytes", lo, 255);
          uint64_t state = 0x9e3779b97f4a7c15ull;
          if (const Json *seed = fill->get("seed"))
            state += uint64_t(integer(seed, where + ".fill.seed", 0, 1e15));
          for (char &c : a.data) {
            // splitmix64
            uint64_t z = (state += 0x9e3779b97f4a7c15ull);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            z ^= z >> 31;
            c = char(lo + int64_t(z % uint64_t(hi - lo + 1)));
          }
        } else {
          bad(where + ".fill",
              "expected \"zero\" or {\"random_bytes\": [lo, hi], \"seed\": n}");
        }
        job.inputs.insert(kv.first);
      }
    }
    job.bufferOrder.push_back(kv.first);
    job.buffers[kv.first] = std::move(a);
  }

  const Json *launches = root.get("launches");
  if (!launches || launches->kind != Json::Array || launches->arr.empty())
    bad("launches", "expected a non-empty array");
  for (size_t i = 0; i < launches->arr.size(); ++i) {
    const Json &l = launches->arr[i];
    std::string where = "launches[" + std::to_string(i) + "]";
    if (l.kind != Json::Object)
      bad(where, "expected an object");
    Launch launch;
    launch.kernel = str(l.get("kernel"), where + ".kernel");
    for (const char *dims : {"grid", "block"}) {
      const Json *d = l.get(dims);
      if (!d || d->kind != Json::Array || d->arr.size() != 3)
        bad(where + "." + dims, "expected three sizes");
      for (int j = 0; j < 3; ++j)
        (dims[0] == 'g' ? launch.grid : launch.block)[j] =
            unsigned(integer(&d->arr[j], where + "." + dims, 1, 2147483647));
    }
    if (const Json *sh = l.get("shared_bytes"))
      launch.sharedBytes =
          unsigned(integer(sh, where + ".shared_bytes", 0, 1 << 30));
    const Json *args = l.get("args");
    if (!args || args->kind != Json::Array)
      bad(where + ".args", "expected an array");
    for (size_t j = 0; j < args->arr.size(); ++j) {
      const Json &a = args->arr[j];
      std::string aw = where + ".args[" + std::to_string(j) + "]";
      if (a.kind != Json::Object || a.obj.size() != 1)
        bad(aw, "expected one of {\"buffer\": name}, {\"f32\": x}, "
                "{\"f32_bits\": n}, {\"i32\": n}, {\"i64\": n}");
      const std::string &k = a.obj[0].first;
      const Json &v = a.obj[0].second;
      Arg arg;
      if (k == "buffer") {
        arg.buffer = str(&v, aw + ".buffer");
        if (!job.buffers.count(arg.buffer))
          bad(aw, "no buffer named '" + arg.buffer + "'");
      } else if (k == "f32") {
        if (v.kind != Json::Number)
          bad(aw, "expected a number");
        arg.kind = Arg::F32;
        arg.f32 = float(v.num);
      } else if (k == "f32_bits") {
        arg.kind = Arg::F32;
        uint32_t bits = uint32_t(integer(&v, aw, 0, 4294967295.0));
        std::memcpy(&arg.f32, &bits, 4);
      } else if (k == "i32") {
        arg.kind = Arg::I32;
        arg.i32 = int32_t(integer(&v, aw, -2147483648.0, 2147483647.0));
      } else if (k == "i64") {
        arg.kind = Arg::I64;
        arg.i64 = integer(&v, aw, -9.007199254740992e15, 9.007199254740992e15);
      } else {
        bad(aw, "unknown argument kind '" + k + "'");
      }
      launch.args.push_back(arg);
    }
    job.launches.push_back(std::move(launch));
  }

  const Json *checks = root.get("checks");
  // No checks: a timing job (--repeat).
  if (!checks || checks->kind != Json::Array)
    bad("checks", "expected an array");
  for (size_t i = 0; i < checks->arr.size(); ++i) {
    const Json &c = checks->arr[i];
    std::string where = "checks[" + std::to_string(i) + "]";
    if (c.kind != Json::Object)
      bad(where, "expected an object");
    Check check;
    check.buffer = str(c.get("buffer"), where + ".buffer");
    auto it = job.buffers.find(check.buffer);
    if (it == job.buffers.end())
      bad(where, "no buffer named '" + check.buffer + "'");
    check.expected = readNpy(rel(str(c.get("expected"), where + ".expected")));
    const Array &buf = it->second;
    if (check.expected.dtype != buf.dtype || check.expected.shape != buf.shape)
      bad(where, "expected values are " +
                     std::string(check.expected.dtype->name) + " " +
                     shapeStr(check.expected.shape) + ", the buffer is " +
                     buf.dtype->name + " " + shapeStr(buf.shape));
    std::string mode = str(c.get("mode"), where + ".mode");
    if (mode == "bound") {
      check.exact = false;
      if (buf.dtype->name != std::string("f32"))
        bad(where, "mode 'bound' compares f32 buffers only");
      check.bound = readNpy(rel(str(c.get("bound"), where + ".bound")));
      if ((check.bound.dtype->name != std::string("f64") &&
           check.bound.dtype->name != std::string("f32")) ||
          check.bound.count() != buf.count())
        bad(where, "the bound must be f32 or f64 with one value per element");
    } else if (mode != "exact") {
      bad(where + ".mode", "expected 'exact' or 'bound'");
    }
    job.checks.push_back(std::move(check));
  }
  return job;
}

//===----------------------------------------------------------------------===//
// The CUDA driver, opened at run time.
//===----------------------------------------------------------------------===//

struct Driver {
#define MX_CU_FN(name, sym, ...) CUresult (*name)(__VA_ARGS__) = nullptr;
#include "DriverFunctions.def"
  CUresult (*getErrorName)(CUresult, const char **) = nullptr;

  void load() {
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h)
      fail(std::string("no CUDA driver: cannot load libcuda.so.1 (") +
           dlerror() + ")");
    auto sym = [&](const char *n) {
      void *p = dlsym(h, n);
      if (!p)
        fail(std::string("the CUDA driver has no ") + n + " (driver too old?)");
      return p;
    };
#define MX_CU_FN(name, symname, ...)                                           \
  name = reinterpret_cast<decltype(name)>(sym(symname));
#include "DriverFunctions.def"
    getErrorName =
        reinterpret_cast<decltype(getErrorName)>(sym("cuGetErrorName"));
  }

  void check(CUresult r, const std::string &what) const {
    if (r == CUDA_SUCCESS)
      return;
    const char *name = nullptr;
    if (!getErrorName || getErrorName(r, &name) != CUDA_SUCCESS || !name)
      name = "unknown CUDA error";
    fail(what + ": " + name + " (" + std::to_string(int(r)) + ")");
  }
};

/// Compares one output with its expected values and prints the verdict.
bool compare(const Check &c, const Array &got) {
  int64_t n = got.count(), bad = 0, firstBad = -1;
  double maxErr = 0, maxRatio = 0;
  size_t es = got.dtype->size;
  for (int64_t i = 0; i < n; ++i) {
    const char *g = got.data.data() + i * es;
    const char *e = c.expected.data.data() + i * es;
    bool ok;
    if (c.exact) {
      ok = std::memcmp(g, e, es) == 0;
    } else {
      float gv, ev;
      std::memcpy(&gv, g, 4);
      std::memcpy(&ev, e, 4);
      double b;
      if (c.bound.dtype->size == 8)
        std::memcpy(&b, c.bound.data.data() + i * 8, 8);
      else {
        float bf;
        std::memcpy(&bf, c.bound.data.data() + i * 4, 4);
        b = bf;
      }
      double err = std::fabs(double(gv) - double(ev));
      if (std::isnan(ev) || std::isinf(ev))
        ok = std::memcmp(g, e, 4) == 0 || (std::isnan(ev) && std::isnan(gv));
      else
        ok = err <= b; // a NaN result or bound fails here
      if (ok && std::isfinite(err)) {
        maxErr = std::max(maxErr, err);
        if (b > 0)
          maxRatio = std::max(maxRatio, err / b);
      }
    }
    if (!ok && bad++ == 0)
      firstBad = i;
  }
  if (bad) {
    std::printf("FAIL %s: %lld of %lld elements differ; first at flat index "
                "%lld",
                c.buffer.c_str(), (long long)bad, (long long)n,
                (long long)firstBad);
    if (es == 4) {
      uint32_t gb, eb;
      std::memcpy(&gb, got.data.data() + firstBad * 4, 4);
      std::memcpy(&eb, c.expected.data.data() + firstBad * 4, 4);
      std::printf(": got 0x%08x expected 0x%08x", gb, eb);
    }
    std::printf("\n");
  } else if (c.exact) {
    std::printf("PASS %s: %lld elements bit-exact\n", c.buffer.c_str(),
                (long long)n);
  } else {
    std::printf("PASS %s: %lld elements within the bound; max |error| %.3g, "
                "max error/bound %.3g\n",
                c.buffer.c_str(), (long long)n, maxErr, maxRatio);
  }
  return bad == 0;
}

struct Options {
  std::string job;
  int device = 0;
  int repeat = 0;
  int rotate = 1;
  bool probe = false;
  /// --outputs-from=BUFFER=FILE.npy: check these instead of running.
  std::vector<std::pair<std::string, std::string>> outputsFrom;
};

/// --probe: lists the devices; exit status 0 when there is at least one.
int probe() {
  Driver cu;
  cu.load();
  cu.check(cu.init(0), "cuInit");
  int count = 0;
  cu.check(cu.deviceGetCount(&count), "cuDeviceGetCount");
  if (count == 0)
    fail("no CUDA device");
  for (int i = 0; i < count; ++i) {
    CUdevice dev;
    char name[256] = {0};
    cu.check(cu.deviceGet(&dev, i), "cuDeviceGet");
    cu.check(cu.deviceGetName(name, sizeof(name) - 1, dev), "cuDeviceGetName");
    int major = 0, minor = 0;
    cu.check(cu.deviceGetAttribute(
                 &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
             "cuDeviceGetAttribute");
    cu.check(cu.deviceGetAttribute(
                 &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev),
             "cuDeviceGetAttribute");
    std::printf("device %d: %s (sm_%d%d)\n", i, name, major, minor);
  }
  return 0;
}

/// Checks outputs read from files, without a device: how the comparison is
/// tested where there is no GPU.
int checkGiven(const Options &opts) {
  Job job = loadJob(opts.job);
  std::map<std::string, Array> given;
  for (const auto &bf : opts.outputsFrom) {
    if (!job.buffers.count(bf.first))
      fail("--outputs-from: the job has no buffer named '" + bf.first + "'");
    Array a = readNpy(bf.second);
    const Array &buf = job.buffers[bf.first];
    if (a.dtype != buf.dtype || a.shape != buf.shape)
      fail(bf.second + ": holds " + a.dtype->name + " " + shapeStr(a.shape) +
           ", buffer '" + bf.first + "' is " + buf.dtype->name + " " +
           shapeStr(buf.shape));
    given[bf.first] = std::move(a);
  }
  bool allPass = true;
  for (const Check &c : job.checks) {
    auto it = given.find(c.buffer);
    if (it == given.end())
      fail("--outputs-from: no file for checked buffer '" + c.buffer + "'");
    allPass &= compare(c, it->second);
  }
  std::printf("%s\n", allPass ? "PASS" : "FAIL");
  return allPass ? 0 : 1;
}

int run(const Options &opts) {
  if (!opts.outputsFrom.empty())
    return checkGiven(opts);
  Job job = loadJob(opts.job);
  std::string image = readFile(job.cubin);

  Driver cu;
  cu.load();
  cu.check(cu.init(0), "cuInit");
  int count = 0;
  cu.check(cu.deviceGetCount(&count), "cuDeviceGetCount");
  if (count == 0)
    fail("no CUDA device");
  if (opts.device >= count)
    fail("--device=" + std::to_string(opts.device) + " but there are " +
         std::to_string(count) + " devices");
  CUdevice dev;
  cu.check(cu.deviceGet(&dev, opts.device), "cuDeviceGet");
  char name[256] = {0};
  cu.check(cu.deviceGetName(name, sizeof(name) - 1, dev), "cuDeviceGetName");
  int ccMajor = 0, ccMinor = 0;
  cu.check(cu.deviceGetAttribute(
               &ccMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
           "cuDeviceGetAttribute");
  cu.check(cu.deviceGetAttribute(
               &ccMinor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev),
           "cuDeviceGetAttribute");
  std::printf("device %d: %s (sm_%d%d)\n", opts.device, name, ccMajor, ccMinor);
  CUcontext ctx;
  cu.check(cu.primaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
  cu.check(cu.ctxSetCurrent(ctx), "cuCtxSetCurrent");

  CUmodule mod;
  cu.check(cu.moduleLoadData(&mod, image.data()),
           "cuModuleLoadData(" + job.cubin + ")");

  std::map<std::string, CUdeviceptr> dptr;
  size_t inputBytes = 0;
  for (const std::string &n : job.bufferOrder) {
    Array &a = job.buffers[n];
    CUdeviceptr p = 0;
    size_t bytes = a.data.size();
    cu.check(cu.memAlloc(&p, bytes ? bytes : 1),
             "cuMemAlloc(" + n + ", " + std::to_string(bytes) + " bytes)");
    if (bytes)
      cu.check(cu.memcpyHtoD(p, a.data.data(), bytes),
               "cuMemcpyHtoD(" + n + ")");
    dptr[n] = p;
    if (job.inputs.count(n))
      inputBytes += bytes;
  }

  std::vector<CUfunction> fns;
  for (const Launch &l : job.launches) {
    CUfunction f;
    cu.check(cu.moduleGetFunction(&f, mod, l.kernel.c_str()),
             "cuModuleGetFunction(" + l.kernel + ")");
    fns.push_back(f);
  }
  // Argument storage stays put while the launches read it.
  std::vector<std::vector<CUdeviceptr>> ptrs(job.launches.size());
  std::vector<std::vector<void *>> params(job.launches.size());
  for (size_t i = 0; i < job.launches.size(); ++i) {
    const Launch &l = job.launches[i];
    ptrs[i].resize(l.args.size());
    for (size_t j = 0; j < l.args.size(); ++j) {
      const Arg &a = l.args[j];
      switch (a.kind) {
      case Arg::Buffer:
        ptrs[i][j] = dptr[a.buffer];
        params[i].push_back(&ptrs[i][j]);
        break;
      case Arg::F32:
        params[i].push_back(const_cast<float *>(&a.f32));
        break;
      case Arg::I32:
        params[i].push_back(const_cast<int32_t *>(&a.i32));
        break;
      case Arg::I64:
        params[i].push_back(const_cast<int64_t *>(&a.i64));
        break;
      }
    }
  }
  auto launchAll = [&] {
    for (size_t i = 0; i < job.launches.size(); ++i) {
      const Launch &l = job.launches[i];
      cu.check(cu.launchKernel(fns[i], l.grid[0], l.grid[1], l.grid[2],
                               l.block[0], l.block[1], l.block[2],
                               l.sharedBytes, nullptr, params[i].data(),
                               nullptr),
               "cuLaunchKernel(" + l.kernel + ")");
    }
  };
  launchAll();
  cu.check(cu.ctxSynchronize(), "running the kernels");

  bool allPass = true;
  for (const Check &c : job.checks) {
    Array got = job.buffers[c.buffer];
    cu.check(cu.memcpyDtoH(got.data.data(), dptr[c.buffer], got.data.size()),
             "cuMemcpyDtoH(" + c.buffer + ")");
    allPass &= compare(c, got);
  }

  if (job.checks.empty())
    std::printf("no checks: a timing job\n");
  if (opts.repeat > 0) {
    // Timing: each run between two events, the median reported. With
    // --rotate=R the runs cycle through R copies of the input buffers, so a
    // working set that fits in L2 is not measured from the cache.
    int rot = std::max(1, opts.rotate);
    std::vector<std::map<std::string, CUdeviceptr>> sets(rot, dptr);
    for (int r = 1; r < rot; ++r)
      for (const std::string &n : job.inputs) {
        size_t bytes = job.buffers[n].data.size();
        CUdeviceptr p = 0;
        cu.check(cu.memAlloc(&p, bytes ? bytes : 1),
                 "cuMemAlloc(copy " + std::to_string(r) + " of " + n + ")");
        if (bytes)
          cu.check(cu.memcpyDtoD(p, dptr[n], bytes), "cuMemcpyDtoD(" + n + ")");
        sets[r][n] = p;
      }
    auto bind = [&](int r) {
      for (size_t i = 0; i < job.launches.size(); ++i)
        for (size_t j = 0; j < job.launches[i].args.size(); ++j)
          if (job.launches[i].args[j].kind == Arg::Buffer)
            ptrs[i][j] = sets[r][job.launches[i].args[j].buffer];
    };
    for (int r = 0; r < rot; ++r) { // warm-up
      bind(r);
      launchAll();
    }
    std::vector<CUevent> ev(opts.repeat + 1);
    for (CUevent &e : ev)
      cu.check(cu.eventCreate(&e, 0), "cuEventCreate");
    cu.check(cu.eventRecord(ev[0], nullptr), "cuEventRecord");
    for (int r = 0; r < opts.repeat; ++r) {
      bind(r % rot);
      launchAll();
      cu.check(cu.eventRecord(ev[r + 1], nullptr), "cuEventRecord");
    }
    cu.check(cu.eventSynchronize(ev.back()), "running the timed kernels");
    std::vector<double> us(opts.repeat);
    for (int r = 0; r < opts.repeat; ++r) {
      float ms = 0;
      cu.check(cu.eventElapsedTime(&ms, ev[r], ev[r + 1]),
               "cuEventElapsedTime");
      us[r] = 1e3 * ms;
    }
    for (CUevent e : ev)
      cu.eventDestroy(e);
    std::sort(us.begin(), us.end());
    double med = us[us.size() / 2];
    std::printf("time: median %.3f us, min %.3f us, max %.3f us over %d runs "
                "(%d input sets); inputs %zu bytes = %.1f GB/s at the median\n",
                med, us.front(), us.back(), opts.repeat, rot, inputBytes,
                inputBytes / (med * 1e3));
    for (int r = 1; r < rot; ++r)
      for (const std::string &n : job.inputs)
        cu.memFree(sets[r][n]);
  }

  for (auto &kv : dptr)
    cu.memFree(kv.second);
  cu.moduleUnload(mod);
  cu.primaryCtxRelease(dev);
  std::printf("%s\n", allPass ? "PASS" : "FAIL");
  return allPass ? 0 : 1;
}

void usage(FILE *to) {
  std::fprintf(
      to, "usage: mx-cuda-run [--device=N] [--repeat=N [--rotate=R]] JOB.json\n"
          "       mx-cuda-run --outputs-from=BUFFER=FILE.npy... JOB.json\n"
          "       mx-cuda-run --probe\n"
          "Runs the kernels of a job manifest (docs/Tools.md) on a CUDA "
          "device and\ncompares its outputs. Exit status: 0 PASS, 1 "
          "FAIL, 2 error.\n");
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto intFlag = [&](const char *flag, int &out) {
        std::string p = std::string(flag) + "=";
        if (a.compare(0, p.size(), p) != 0)
          return false;
        char *end = nullptr;
        long v = std::strtol(a.c_str() + p.size(), &end, 10);
        if (a.size() == p.size() || *end || v < 0 || v > 1000000)
          fail("bad value in '" + a + "'");
        out = int(v);
        return true;
      };
      if (a == "--help" || a == "-h") {
        usage(stdout);
        return 0;
      }
      if (a.compare(0, 15, "--outputs-from=") == 0) {
        size_t eq = a.find('=', 15);
        if (eq == std::string::npos || eq == 15 || eq + 1 == a.size())
          fail("expected --outputs-from=BUFFER=FILE.npy, got '" + a + "'");
        opts.outputsFrom.emplace_back(a.substr(15, eq - 15), a.substr(eq + 1));
        continue;
      }
      if (a == "--probe") {
        opts.probe = true;
        continue;
      }
      if (intFlag("--device", opts.device) ||
          intFlag("--repeat", opts.repeat) || intFlag("--rotate", opts.rotate))
        continue;
      if (a.size() > 1 && a[0] == '-')
        fail("unknown option '" + a + "'");
      if (!opts.job.empty())
        fail("more than one job given");
      opts.job = a;
    }
    if (opts.probe)
      return probe();
    if (opts.job.empty()) {
      usage(stderr);
      return 2;
    }
    return run(opts);
  } catch (const Error &e) {
    std::fprintf(stderr, "mx-cuda-run: error: %s\n", e.msg.c_str());
    return 2;
  }
}
