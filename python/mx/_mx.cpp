//===- _mx.cpp - The `mx._mx` extension module ----------------------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// numpy in, numpy out: the reference numerics library (namespace mxref)
// bound directly, and modules, pass pipelines and compiled code through
// Core.h (docs/Python.md). The pure-Python package (mx/__init__.py) builds
// the friendly API on top. Every error is an mx.MXError.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "mx/Numerics/ErrorMetrics.h"
#include "mx/Numerics/Format.h"
#include "mx/Numerics/Packing.h"
#include "mx/Numerics/Quantize.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <stdexcept>

namespace py = pybind11;
using namespace mxref;

namespace {

/// Raised as mx.MXError.
struct MXError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &message) { throw MXError(message); }

std::string takeMessage(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// A format given as a preset name or a Format.
Format toFormat(const py::object &obj) {
  if (py::isinstance<Format>(obj))
    return obj.cast<Format>();
  if (py::isinstance<py::str>(obj)) {
    std::string name = obj.cast<std::string>();
    if (std::optional<Format> f = lookupPreset(name))
      return *f;
    std::string names;
    for (const Preset &p : getPresets())
      names += (names.empty() ? "" : ", ") + std::string(p.name);
    fail("unknown format '" + name + "' (one of: " + names + ")");
  }
  throw py::type_error("format must be a preset name or an mx.Format");
}

ElemKind toElemKind(const py::object &obj) {
  if (py::isinstance<py::str>(obj)) {
    std::string name = obj.cast<std::string>();
    if (std::optional<ElemKind> k = symbolizeElemKind(name))
      return *k;
  }
  return toFormat(obj).elem;
}

std::vector<int64_t> toShape(const py::array &a) {
  return std::vector<int64_t>(a.shape(), a.shape() + a.ndim());
}

py::tuple toTuple(llvm::ArrayRef<int64_t> dims) {
  py::tuple t(dims.size());
  for (size_t i = 0; i < dims.size(); ++i)
    t[i] = py::int_(dims[i]);
  return t;
}

template <typename T>
py::array_t<T> toArray(const std::vector<T> &data,
                       llvm::ArrayRef<int64_t> shape) {
  std::vector<py::ssize_t> dims(shape.begin(), shape.end());
  py::array_t<T> a(dims);
  if (!data.empty())
    std::memcpy(a.mutable_data(), data.data(), data.size() * sizeof(T));
  return a;
}

using FloatArray =
    py::array_t<float, py::array::c_style | py::array::forcecast>;
using ByteArray =
    py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;

std::vector<uint8_t> toBytes(const ByteArray &a) {
  return std::vector<uint8_t>(a.data(), a.data() + a.size());
}

std::string describeDims(llvm::ArrayRef<int64_t> dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

/// The block of a quantization: the given one, or the format's default.
llvm::SmallVector<int64_t, 4> resolveBlock(const Format &format,
                                           llvm::ArrayRef<int64_t> shape,
                                           const py::object &block) {
  if (block.is_none())
    return getDefaultBlockShape(format, shape);
  llvm::SmallVector<int64_t, 4> b;
  for (py::handle d : block)
    b.push_back(d.cast<int64_t>());
  if (auto err = checkBlockShape(shape, b))
    fail("block " + describeDims(b) + " for shape " + describeDims(shape) +
         ": " + *err);
  return b;
}

QuantizedTensor quantizeArray(const FloatArray &values, const py::object &fmt,
                              const py::object &block,
                              const std::optional<std::string> &scaleMode,
                              const std::string &rounding,
                              const std::optional<ByteArray> &randomBits,
                              std::optional<float> tensorScale) {
  Format format = toFormat(fmt);
  if (values.ndim() == 0)
    fail("quantize needs an array of rank 1 or more, not a scalar");
  std::vector<int64_t> shape = toShape(values);
  llvm::SmallVector<int64_t, 4> b = resolveBlock(format, shape, block);
  QuantOptions options;
  if (scaleMode) {
    std::optional<ScaleMode> mode = symbolizeScaleMode(*scaleMode);
    if (!mode)
      fail("unknown scale mode '" + *scaleMode +
           "' (one of: floor, rceil, ceil, even, nvfp4, tensor)");
    options.scaleMode = mode;
  }
  std::optional<Rounding> r = symbolizeRounding(rounding);
  if (!r)
    fail("unknown rounding '" + rounding + "' (one of: rne, stochastic)");
  options.rounding = *r;
  std::vector<uint8_t> random;
  if (randomBits) {
    random = toBytes(*randomBits);
    options.randomBits = random;
  } else if (*r == Rounding::Stochastic) {
    fail("stochastic rounding needs random_bits: one uint8 per element");
  }
  options.tensorDecodeScale = tensorScale;
  llvm::ArrayRef<float> data(values.data(), values.size());
  llvm::Expected<QuantizedTensor> q = quantize(data, shape, b, format, options);
  if (!q)
    fail(takeMessage(q.takeError()));
  return std::move(*q);
}

/// A QuantizedTensor from components, checked so that every later use
/// (dequantize, pack) is well defined.
QuantizedTensor makeQuantized(const py::object &fmt, const ByteArray &codes,
                              const ByteArray &scales, const py::object &block,
                              float tensorScale) {
  QuantizedTensor q;
  q.format = toFormat(fmt);
  if (auto err = checkFormat(q.format))
    fail(*err);
  if (codes.ndim() == 0)
    fail("codes must be an array of rank 1 or more");
  std::vector<int64_t> shape = toShape(codes);
  q.shape.assign(shape.begin(), shape.end());
  q.block = resolveBlock(q.format, shape, block);
  if (q.format.isPerTensor() &&
      llvm::ArrayRef<int64_t>(q.block) != llvm::ArrayRef<int64_t>(q.shape))
    fail(q.format.str() + " has no blocks: its block is the whole tensor");
  q.elements = toBytes(codes);
  unsigned bits = getElemInfo(q.format.elem).bits;
  for (uint8_t c : q.elements)
    if (bits < 8 && c >> bits)
      fail("code " + std::to_string(c) + " does not fit in the " +
           std::to_string(bits) + " bits of " +
           stringifyElemKind(q.format.elem).str());
  q.scales = toBytes(scales);
  if (int64_t(q.scales.size()) != q.getNumScales())
    fail(std::to_string(q.getNumScales()) + " scale byte(s) expected (" +
         std::to_string(q.getNumBlocks()) + " block(s)), " +
         std::to_string(q.scales.size()) + " given");
  q.tensorDecodeScale = q.format.tensorScale ? tensorScale : 1.0f;
  if (!q.format.tensorScale && tensorScale != 1.0f)
    fail(q.format.str() + " has no tensor scale; tensor_scale must be 1.0");
  return q;
}

ErrorStats errorStats(const FloatArray &source, const py::object &other) {
  llvm::ArrayRef<float> src(source.data(), source.size());
  if (py::isinstance<QuantizedTensor>(other)) {
    const auto &q = other.cast<const QuantizedTensor &>();
    if (q.getNumElements() != int64_t(src.size()))
      fail("the source has " + std::to_string(src.size()) +
           " values, the quantized tensor " +
           std::to_string(q.getNumElements()));
    return computeErrorStats(src, q);
  }
  FloatArray decoded = other.cast<FloatArray>();
  if (decoded.size() != source.size())
    fail("the source has " + std::to_string(source.size()) +
         " values, the other array " + std::to_string(decoded.size()));
  return computeErrorStats(
      src, llvm::ArrayRef<float>(decoded.data(), decoded.size()));
}

//===----------------------------------------------------------------------===//
// Compiled code
//===----------------------------------------------------------------------===//

/// The element type name of a numpy array: bf16 travels as its uint16 bits,
/// i1 as numpy's one-byte bool.
std::string getElementTypeName(const py::array &a) {
  py::dtype dt = a.dtype();
  char kind = dt.kind();
  py::ssize_t size = dt.itemsize();
  if (kind == 'f' && size == 8)
    return "f64";
  if (kind == 'f' && size == 4)
    return "f32";
  if (kind == 'f' && size == 2)
    return "f16";
  if (kind == 'u' && size == 2)
    return "bf16";
  if (kind == 'i' && size == 8)
    return "i64";
  if (kind == 'i' && size == 4)
    return "i32";
  if (kind == 'i' && size == 2)
    return "i16";
  if (kind == 'i' && size == 1)
    return "i8";
  if (kind == 'b')
    return "i1";
  fail("numpy dtype " + py::str(dt).cast<std::string>() +
       " has no MX buffer type (float64, float32, float16, uint16 for bf16, "
       "int64, int32, int16, int8, bool)");
}

py::dtype getDType(const std::string &elementType) {
  static const std::pair<const char *, const char *> table[] = {
      {"f64", "float64"}, {"f32", "float32"}, {"f16", "float16"},
      {"bf16", "uint16"}, {"i64", "int64"},   {"i32", "int32"},
      {"i16", "int16"},   {"i8", "int8"},     {"i1", "bool"}};
  for (auto [mlir, numpy] : table)
    if (elementType == mlir)
      return py::dtype(numpy);
  fail("unsupported element type " + elementType);
}

py::dict toDict(const mxpy::TensorSpec &spec) {
  py::dict d;
  d["element_type"] = spec.elementType;
  d["dtype"] = getDType(spec.elementType);
  d["shape"] = toTuple(spec.shape);
  return d;
}

py::dict toDict(const mxpy::Signature &sig) {
  py::dict d;
  py::list in, out;
  for (const auto &s : sig.inputs)
    in.append(toDict(s));
  for (const auto &s : sig.results)
    out.append(toDict(s));
  d["name"] = sig.name;
  d["inputs"] = in;
  d["results"] = out;
  return d;
}

py::list toList(const std::vector<mxpy::Diagnostic> &diags) {
  py::list l;
  for (const auto &d : diags) {
    py::dict e;
    e["severity"] = d.severity;
    e["location"] = d.location;
    e["message"] = d.message;
    l.append(e);
  }
  return l;
}

py::object callCompiled(mxpy::Compiled &compiled, const std::string &name,
                        const py::list &args) {
  const mxpy::Signature *sig = compiled.getSignature(name);
  if (!sig) {
    std::string names;
    for (const std::string &n : compiled.getFunctionNames())
      names += (names.empty() ? "@" : ", @") + n;
    fail("@" + name + " was not compiled (compiled: " + names + ")");
  }
  std::vector<py::array> keep;
  std::vector<mxpy::Buffer> inputs, outputs;
  for (py::handle h : args) {
    py::array a = py::array::ensure(h, py::array::c_style);
    if (!a)
      fail("every argument must be a numpy array");
    std::vector<int64_t> shape = toShape(a);
    // Inputs are only read: a read-only array is fine.
    inputs.push_back({const_cast<void *>(a.data()),
                      {getElementTypeName(a), a.itemsize(), shape}});
    keep.push_back(std::move(a));
  }
  py::list results;
  for (const mxpy::TensorSpec &spec : sig->results) {
    std::vector<py::ssize_t> dims(spec.shape.begin(), spec.shape.end());
    py::array r(getDType(spec.elementType), dims);
    outputs.push_back({r.mutable_data(), spec});
    results.append(r);
  }
  std::optional<mxpy::Failure> failure;
  {
    py::gil_scoped_release release;
    failure = compiled.call(name, inputs, outputs);
  }
  if (failure)
    fail(failure->message);
  return std::move(results);
}

} // namespace

PYBIND11_MODULE(_mx, m) {
  m.doc() = "MX: block-scaled (microscaling) formats — reference numerics "
            "and the MX compiler (docs/Python.md)";
  py::register_exception<MXError>(m, "MXError");

  //===--------------------------------------------------------------------===//
  // Formats
  //===--------------------------------------------------------------------===//

  py::class_<Format>(m, "Format", "A block-scaled format (docs/Numerics.md)")
      .def(py::init([](const std::string &elem, const std::string &scale,
                       bool tensorScale, std::optional<int64_t> block) {
             Format f;
             std::optional<ElemKind> e = symbolizeElemKind(elem);
             if (!e)
               fail("unknown element kind '" + elem +
                    "' (one of: e2m1, e2m3, e3m2, e4m3, e5m2, int8)");
             std::optional<ScaleKind> s = symbolizeScaleKind(scale);
             if (!s)
               fail("unknown scale kind '" + scale +
                    "' (one of: e8m0, ue4m3, none)");
             f.elem = *e;
             f.scale = *s;
             f.tensorScale = tensorScale;
             f.defaultBlock = block ? *block : (f.isPerTensor() ? 0 : 32);
             if (auto err = checkFormat(f))
               fail(*err);
             if (f.hasBlockScales() && f.defaultBlock <= 0)
               fail("a block-scaled format needs a positive block size");
             return f;
           }),
           py::arg("elem"), py::arg("scale") = "e8m0",
           py::arg("tensor_scale") = false, py::arg("block") = py::none())
      .def_static(
          "preset",
          [](const std::string &name) { return toFormat(py::str(name)); },
          py::arg("name"))
      .def_property_readonly(
          "elem",
          [](const Format &f) { return stringifyElemKind(f.elem).str(); })
      .def_property_readonly(
          "scale",
          [](const Format &f) { return stringifyScaleKind(f.scale).str(); })
      .def_property_readonly("tensor_scale",
                             [](const Format &f) { return f.tensorScale; })
      .def_property_readonly("block",
                             [](const Format &f) { return f.defaultBlock; })
      .def_property_readonly(
          "element_bits",
          [](const Format &f) { return getElemInfo(f.elem).bits; })
      .def_property_readonly(
          "max_normal",
          [](const Format &f) { return getElemInfo(f.elem).maxNorm; })
      .def_property_readonly(
          "default_scale_mode",
          [](const Format &f) {
            return stringifyScaleMode(f.defaultScaleMode()).str();
          })
      .def_property_readonly("name", [](const Format &f) { return f.str(); })
      .def("__str__", [](const Format &f) { return f.str(); })
      .def("__repr__",
           [](const Format &f) { return "mx.Format('" + f.str() + "')"; })
      .def("__eq__", [](const Format &a, const Format &b) { return a == b; })
      .def("__hash__", [](const Format &f) {
        return py::hash(py::make_tuple(int(f.elem), int(f.scale), f.tensorScale,
                                       f.defaultBlock));
      });

  m.def(
      "presets",
      [] {
        py::dict d;
        for (const Preset &p : getPresets())
          d[py::str(p.name)] = p.format;
        return d;
      },
      "The named formats: {name: Format}");
  m.def(
      "allowed_scale_modes",
      [](const py::object &fmt) {
        Format f = toFormat(fmt);
        const ValidityRule *rule = lookupValidityRule(f);
        py::list modes;
        for (unsigned i = 0; i < kNumScaleModes; ++i)
          if (rule && (rule->allowedModes >> i & 1))
            modes.append(stringifyScaleMode(ScaleMode(i)).str());
        return modes;
      },
      py::arg("format"));

  //===--------------------------------------------------------------------===//
  // Quantized tensors
  //===--------------------------------------------------------------------===//

  py::class_<QuantizedTensor>(m, "QuantizedTensor",
                              "A block-scaled tensor in component form")
      .def(py::init(&makeQuantized), py::arg("format"), py::arg("codes"),
           py::arg("scales"), py::arg("block") = py::none(),
           py::arg("tensor_scale") = 1.0f)
      .def_property_readonly("format",
                             [](const QuantizedTensor &q) { return q.format; })
      .def_property_readonly(
          "shape", [](const QuantizedTensor &q) { return toTuple(q.shape); })
      .def_property_readonly(
          "block", [](const QuantizedTensor &q) { return toTuple(q.block); })
      .def_property_readonly(
          "codes",
          [](const QuantizedTensor &q) { return toArray(q.elements, q.shape); },
          "One element code per byte (uint8), in the tensor's shape")
      .def_property_readonly(
          "scales",
          [](const QuantizedTensor &q) {
            if (q.format.isPerTensor())
              return toArray(q.scales, {0});
            return toArray(q.scales, q.getBlockGrid());
          },
          "One scale byte per block (uint8), shaped as the grid of blocks")
      .def_property_readonly(
          "tensor_scale",
          [](const QuantizedTensor &q) { return q.tensorDecodeScale; },
          "The FP32 tensor decode scale S_dec (1.0 without one)")
      .def_property_readonly("num_blocks", &QuantizedTensor::getNumBlocks)
      .def_property_readonly("bits_per_element", &getBitsPerElement)
      .def("__repr__", [](const QuantizedTensor &q) {
        return "<mx.QuantizedTensor " + q.format.str() + " shape " +
               describeDims(q.shape) + " block " + describeDims(q.block) + ">";
      });

  m.def("quantize", &quantizeArray, py::arg("array"), py::arg("format"),
        py::arg("block") = py::none(), py::arg("scale_mode") = py::none(),
        py::arg("rounding") = "rne", py::arg("random_bits") = py::none(),
        py::arg("tensor_scale") = py::none(),
        "Quantizes a float32 array with the reference library");
  m.def(
      "dequantize",
      [](const QuantizedTensor &q) { return toArray(dequantize(q), q.shape); },
      py::arg("q"), "Decodes to float32 (docs/Numerics.md)");
  m.def(
      "dequantize_exact",
      [](const QuantizedTensor &q) {
        return toArray(dequantizeExact(q), q.shape);
      },
      py::arg("q"), "The exact value of every element, as float64");

  //===--------------------------------------------------------------------===//
  // Packing and scale layouts
  //===--------------------------------------------------------------------===//

  m.def(
      "pack_elements",
      [](const ByteArray &codes, const py::object &kind) {
        ElemKind k = toElemKind(kind);
        std::vector<uint8_t> c = toBytes(codes);
        unsigned bits = getElemInfo(k).bits;
        for (uint8_t v : c)
          if (bits < 8 && v >> bits)
            fail("code " + std::to_string(v) + " does not fit in " +
                 std::to_string(bits) + " bits");
        std::vector<uint8_t> packed = packElements(k, c);
        return toArray(packed, {int64_t(packed.size())});
      },
      py::arg("codes"), py::arg("format"));
  m.def(
      "unpack_elements",
      [](const ByteArray &bytes, const py::object &kind, int64_t count) {
        ElemKind k = toElemKind(kind);
        if (count < 0)
          fail("count must be non-negative");
        if (int64_t(bytes.size()) != getPackedSize(k, count))
          fail(std::to_string(count) + " " + stringifyElemKind(k).str() +
               " codes take " + std::to_string(getPackedSize(k, count)) +
               " bytes, " + std::to_string(bytes.size()) + " given");
        std::vector<uint8_t> codes = unpackElements(k, toBytes(bytes), count);
        return toArray(codes, {count});
      },
      py::arg("data"), py::arg("format"), py::arg("count"));
  m.def(
      "to_blackwell_128x4",
      [](const ByteArray &scales, int64_t rows, int64_t cols) {
        if (rows <= 0 || cols <= 0 || int64_t(scales.size()) != rows * cols)
          fail("a " + std::to_string(rows) + "x" + std::to_string(cols) +
               " scale grid needs " + std::to_string(rows * cols) + " bytes, " +
               std::to_string(scales.size()) + " given");
        std::vector<uint8_t> out =
            toBlackwell128x4(toBytes(scales), rows, cols);
        return toArray(out, {int64_t(out.size())});
      },
      py::arg("scales"), py::arg("rows"), py::arg("cols"));
  m.def(
      "from_blackwell_128x4",
      [](const ByteArray &swizzled, int64_t rows, int64_t cols) {
        if (rows <= 0 || cols <= 0 ||
            int64_t(swizzled.size()) != getBlackwellScaleSize(rows, cols))
          fail("a " + std::to_string(rows) + "x" + std::to_string(cols) +
               " scale grid takes " +
               std::to_string(rows > 0 && cols > 0
                                  ? getBlackwellScaleSize(rows, cols)
                                  : 0) +
               " bytes in the 128x4 layout, " +
               std::to_string(swizzled.size()) + " given");
        std::vector<uint8_t> out =
            fromBlackwell128x4(toBytes(swizzled), rows, cols);
        return toArray(out, {rows, cols});
      },
      py::arg("data"), py::arg("rows"), py::arg("cols"));
  m.def("blackwell_128x4_size", &getBlackwellScaleSize, py::arg("rows"),
        py::arg("cols"));

  //===--------------------------------------------------------------------===//
  // Error metrics
  //===--------------------------------------------------------------------===//

  py::class_<ErrorStats>(m, "ErrorStats")
      .def_readonly("mse", &ErrorStats::mse)
      .def_readonly("rel_mse", &ErrorStats::relMse)
      .def_readonly("sqnr_db", &ErrorStats::sqnrDb)
      .def_readonly("max_abs", &ErrorStats::maxAbs)
      .def_readonly("bits_per_element", &ErrorStats::bitsPerElement)
      .def_readonly("count", &ErrorStats::count)
      .def("__repr__", [](const ErrorStats &s) {
        return py::str("ErrorStats(mse={}, rel_mse={}, sqnr_db={}, "
                       "max_abs={}, bits_per_element={}, count={})")
            .format(s.mse, s.relMse, s.sqnrDb, s.maxAbs, s.bitsPerElement,
                    s.count)
            .cast<std::string>();
      });
  m.def("error_stats", &errorStats, py::arg("source"), py::arg("other"),
        "Error of a quantized tensor (or a decoded float32 array) against "
        "its float32 source, over the finite source values");

  //===--------------------------------------------------------------------===//
  // Modules, pipelines, compiled code
  //===--------------------------------------------------------------------===//

  py::class_<mxpy::Context, std::shared_ptr<mxpy::Context>>(
      m, "Context", "An MLIRContext with MX and its pipelines' dialects")
      .def(py::init([] { return std::make_shared<mxpy::Context>(); }));

  py::class_<mxpy::Module>(m, "Module", "An MLIR module (builtin.module)")
      .def_static(
          "parse",
          [](const std::string &text, std::shared_ptr<mxpy::Context> ctx,
             const std::string &name) {
            if (!ctx)
              fail("a Context is needed");
            mxpy::Failure failure;
            std::unique_ptr<mxpy::Module> module =
                mxpy::Module::parse(ctx, text, name, failure);
            if (!module)
              fail(failure.message);
            return module;
          },
          py::arg("text"), py::arg("context"), py::arg("name") = "<string>")
      .def("__str__", [](const mxpy::Module &m) { return m.str(false, false); })
      .def("to_string", &mxpy::Module::str, py::arg("debug_info") = false,
           py::arg("generic") = false)
      .def("clone", &mxpy::Module::clone)
      .def_property_readonly("context", &mxpy::Module::getContext)
      .def_property_readonly("function_names", &mxpy::Module::getFunctionNames)
      .def_property_readonly("buffer_signatures",
                             [](const mxpy::Module &m) {
                               py::list l;
                               for (const auto &s : m.getBufferSignatures())
                                 l.append(toDict(s));
                               return l;
                             })
      .def(
          "calibrate",
          [](mxpy::Module &m, const std::string &entry, const py::list &arrays,
             const std::vector<std::string> &files,
             const std::string &moduleName, const std::string &file) {
            std::vector<py::array> keep;
            std::vector<mxpy::Buffer> inputs;
            for (py::handle h : arrays) {
              py::array a = py::array::ensure(h, py::array::c_style);
              if (!a)
                fail("every input must be a numpy array");
              inputs.push_back(
                  {const_cast<void *>(a.data()),
                   {getElementTypeName(a), a.itemsize(), toShape(a)}});
              keep.push_back(std::move(a));
            }
            std::vector<mxpy::Diagnostic> diags;
            if (std::optional<mxpy::Failure> f =
                    m.calibrate(entry, inputs, files, moduleName, file, diags))
              fail(f->message);
            return toList(diags);
          },
          py::arg("entry"), py::arg("inputs"), py::arg("files"),
          py::arg("module_name"), py::arg("file"))
      .def(
          "run_pipeline",
          [](mxpy::Module &m, const std::string &pipeline) {
            std::vector<mxpy::Diagnostic> diags;
            if (std::optional<mxpy::Failure> f = m.runPipeline(pipeline, diags))
              fail(f->message);
            return toList(diags);
          },
          py::arg("pipeline"),
          "Runs a pass pipeline in place; returns its remarks and warnings");

  py::class_<mxpy::Compiled>(m, "Compiled", "A module compiled for the host")
      .def_static(
          "compile",
          [](const mxpy::Module &module, std::vector<std::string> functions,
             bool fold, unsigned optLevel, const std::string &pipeline) {
            mxpy::CompileOptions options;
            options.functions = std::move(functions);
            options.fold = fold;
            options.optLevel = optLevel;
            options.pipelineOptions = pipeline;
            mxpy::Failure failure;
            std::unique_ptr<mxpy::Compiled> compiled;
            compiled = mxpy::Compiled::compile(module, options, failure);
            if (!compiled)
              fail(failure.message);
            return compiled;
          },
          py::arg("module"), py::arg("functions"), py::arg("fold"),
          py::arg("opt_level"), py::arg("pipeline"))
      .def_property_readonly("function_names",
                             &mxpy::Compiled::getFunctionNames)
      .def("signature",
           [](const mxpy::Compiled &c, const std::string &name) -> py::object {
             if (const mxpy::Signature *s = c.getSignature(name))
               return toDict(*s);
             return py::none();
           })
      .def("call", &callCompiled, py::arg("name"), py::arg("args"),
           "Runs a compiled function; returns the list of its results");
}
