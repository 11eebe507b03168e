"""Modules, pipelines, selection and compiled code: compiled results against
the reference library and mx-run bit for bit, the report against mx-opt's,
errors as mx.MXError with the MLIR diagnostic."""

import json
import os
import tempfile
import unittest

import numpy as np

import mx
from mxtest import SRC_ROOT, main, run_tool, tool

PROGRAM = """\
func.func @qdq(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp4>
  %d = mx.dequantize %q : !mx.tensor<4x64xmxfp4> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}
func.func @mm(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>) -> tensor<4x32xf32> {
  %qx = mx.quantize %x : tensor<4x64xf32> -> !mx.tensor<4x64xmxfp8_e4m3>
  %qw = mx.quantize %w : tensor<64x32xf32> -> !mx.tensor<64x32xmxfp4, block = [32, 1]>
  %y = mx.matmul %qx, %qw : !mx.tensor<4x64xmxfp8_e4m3>, !mx.tensor<64x32xmxfp4, block = [32, 1]> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
"""

LINEAR = """\
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x32xf32> {
  %w = arith.constant dense<0.25> : tensor<64x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%z : tensor<4x32xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
"""

TWO_LAYERS = os.path.join(SRC_ROOT, "test", "Dialect", "MX", "select-formats",
                          "Inputs", "two-layers.mlir")
RNG = np.random.default_rng(7)


def bits(a):
    return np.asarray(a, np.float32).view(np.uint32)


class Modules(unittest.TestCase):
    def test_parse_print_roundtrip(self):
        m = mx.Module.parse(PROGRAM)
        text = str(m)
        self.assertIn("mx.matmul", text)
        self.assertEqual(str(mx.Module.parse(text)), text)
        self.assertEqual(m.function_names, ["qdq", "mm"])
        sigs = {s["name"]: s for s in m.buffer_signatures}
        self.assertEqual(sigs["mm"]["inputs"][1]["shape"], (64, 32))
        self.assertEqual(sigs["mm"]["results"][0]["dtype"], np.float32)
        self.assertIn("loc(", m.to_string(debug_info=True))
        self.assertIn('"mx.quantize"', m.to_string(generic=True))

    def test_run_pipeline(self):
        m = mx.Module.parse(LINEAR)
        m.run_pipeline("builtin.module(mx-apply-policy{weights=mxfp4})")
        text = str(m)
        self.assertIn("mx.constant", text)
        self.assertIn("mx.matmul", text)
        self.assertNotIn("linalg.matmul", text)
        # The pass's remark, with its location.
        self.assertTrue(any(d["severity"] == "remark" and
                            "mx-apply-policy" in d["message"] and
                            d["location"].startswith("<string>:6:")
                            for d in m.diagnostics), m.diagnostics)
        # A clone is independent.
        c = m.clone()
        c.run_pipeline("builtin.module(mx-strip-quantization, canonicalize)")
        self.assertNotIn("mx.constant", str(c))
        self.assertIn("mx.constant", str(m))


class Compile(unittest.TestCase):
    def test_quantize_dequantize_bit_exact(self):
        cm = mx.compile(mx.Module.parse(PROGRAM))
        self.assertEqual(sorted(cm.function_names), ["mm", "qdq"])
        x = (RNG.standard_normal((4, 64)) * 10).astype(np.float32)
        x[0, 5] = 0.0
        x[1, 7] = 1e-40
        got = cm.qdq(x)
        want = mx.dequantize(mx.quantize(x, "mxfp4"))
        np.testing.assert_array_equal(bits(got), bits(want))
        # Repeated calls, and the call() spelling.
        np.testing.assert_array_equal(bits(cm.call("qdq", x)), bits(want))

    def test_matmul_same_as_mx_run(self):
        x = RNG.standard_normal((4, 64)).astype(np.float32)
        w = RNG.standard_normal((64, 32)).astype(np.float32)
        module = mx.Module.parse(PROGRAM)
        for pipeline in ("", "vectorize=false"):
            with self.subTest(pipeline=pipeline):
                cm = mx.compile(module, entry="mm", pipeline=pipeline)
                got = cm(x, w)
                self.assertEqual(got.shape, (4, 32))
                with tempfile.TemporaryDirectory() as d:
                    src = os.path.join(d, "p.mlir")
                    with open(src, "w") as f:
                        f.write(PROGRAM)
                    np.save(os.path.join(d, "x.npy"), x)
                    np.save(os.path.join(d, "w.npy"), w)
                    run_tool([tool("mx-run"), src, "--entry=mm",
                              "--input=" + os.path.join(d, "x.npy"),
                              "--input=" + os.path.join(d, "w.npy"),
                              "--output=" + os.path.join(d, "y.npy")])
                    want = np.load(os.path.join(d, "y.npy"))
                np.testing.assert_array_equal(bits(got), bits(want))
                # And it is a matmul of the quantized operands.
                ref = (mx.dequantize(mx.quantize(x, "mxfp8_e4m3")).astype(np.float64)
                       @ mx.dequantize(mx.quantize(w, "mxfp4", block=(32, 1)))
                       .astype(np.float64))
                np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)

    def test_module_unchanged_by_compile(self):
        m = mx.Module.parse(PROGRAM)
        before = str(m)
        mx.compile(m, entry="qdq")
        self.assertEqual(str(m), before)

    def test_other_dtypes(self):
        m = mx.Module.parse("""
          func.func @f(%a: tensor<3xi32>, %b: tensor<3xi1>) -> (tensor<3xi32>, tensor<3xi1>) {
            %c = arith.addi %a, %a : tensor<3xi32>
            return %c, %b : tensor<3xi32>, tensor<3xi1>
          }""")
        cm = mx.compile(m)
        c, b = cm(np.array([1, 2, -3], np.int32), np.array([True, False, True]))
        self.assertEqual(c.tolist(), [2, 4, -6])
        self.assertEqual(b.tolist(), [True, False, True])
        # Lists take the argument's dtype.
        c, _ = cm([1, 1, 1], [False] * 3)
        self.assertEqual(c.tolist(), [2, 2, 2])

    def test_mx_tensor_arguments(self):
        # !mx.tensor arguments and results cross as their components; the
        # weights re-laid once by the layout function (@load returns its
        # result) give the GEMV on packed rows' bits.
        w_type = "!mx.tensor<64x128xmxfp4, block = [32, 1]>"
        m = mx.Module.parse(f"""
          func.func private @w_layout({w_type}) -> {w_type}
          func.func @load(%w: {w_type}) -> {w_type} {{
            %r = func.call @w_layout(%w) : ({w_type}) -> {w_type}
            return %r : {w_type}
          }}
          func.func @gemv(%x: tensor<2x64xf32>, %w: {w_type} {{mx.kernel_layout = @w_layout}}) -> tensor<2x128xf32> {{
            %q = mx.quantize %x : tensor<2x64xf32> -> !mx.tensor<2x64xmxint8>
            %y = mx.matmul %q, %w : !mx.tensor<2x64xmxint8>, {w_type} -> tensor<2x128xf32>
            return %y : tensor<2x128xf32>
          }}
          func.func @gemv_rows(%x: tensor<2x64xf32>, %w: {w_type}) -> tensor<2x128xf32> {{
            %q = mx.quantize %x : tensor<2x64xf32> -> !mx.tensor<2x64xmxint8>
            %y = mx.matmul %q, %w : !mx.tensor<2x64xmxint8>, {w_type} -> tensor<2x128xf32>
            return %y : tensor<2x128xf32>
          }}""", name="layout.mlir")
        x = RNG.standard_normal((2, 64)).astype(np.float32)
        w = RNG.standard_normal((64, 128)).astype(np.float32)
        packed = mx.pack(mx.quantize(w, "mxfp4", block=(32, 1)))
        for pipeline in ("target=avx2", "target=avx2 threads=2"):
            with self.subTest(pipeline=pipeline):
                cm = mx.compile(m, pipeline=pipeline)
                self.assertEqual(sorted(cm.function_names),
                                 ["gemv", "gemv_rows", "load"])
                # Components: packed elements [K, N / 2] and scales
                # [K / 32, N], in and out (the kernel's layout holds the
                # same bytes in the same buffers, docs/Lowering.md).
                sig = cm.signature("load")
                self.assertEqual([i["shape"] for i in sig["inputs"]],
                                 [(64, 64), (2, 128)])
                self.assertEqual([r["shape"] for r in sig["results"]],
                                 [(64, 64), (2, 128)])
                self.assertEqual([i["shape"] for i in
                                  cm.signature("gemv")["inputs"]],
                                 [(2, 64), (64, 64), (2, 128)])
                codes, scales = cm.load(packed)
                self.assertFalse(np.array_equal(
                    codes.reshape(-1), packed.elements.view(np.int8)))
                got = cm.gemv(x, codes, scales)
                want = cm.gemv_rows(x, packed)
                np.testing.assert_array_equal(bits(got), bits(want))
                # The components by hand are the same call.
                np.testing.assert_array_equal(
                    bits(cm.gemv_rows(x, packed.elements.reshape(64, 64)
                                      .view(np.int8),
                                      packed.scales.reshape(2, 128)
                                      .view(np.int8))), bits(want))
                ref = (mx.dequantize(mx.quantize(x, "mxint8")).astype(np.float64)
                       @ mx.dequantize(mx.quantize(w, "mxfp4", block=(32, 1)))
                       .astype(np.float64))
                np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)

    def test_mx_tensor_tensor_scale(self):
        # NVFP4's tensor scale crosses as a rank-0 f32 buffer.
        t = "!mx.tensor<64x128xnvfp4>"
        cm = mx.compile(mx.Module.parse(f"""
          func.func @deq(%w: {t}) -> tensor<64x128xf32> {{
            %d = mx.dequantize %w : {t} -> tensor<64x128xf32>
            return %d : tensor<64x128xf32>
          }}
          func.func @id(%w: {t}) -> {t} {{
            return %w : {t}
          }}"""))
        self.assertEqual([i["shape"] for i in cm.signature("deq")["inputs"]],
                         [(64, 64), (64, 8), ()])
        q = mx.quantize(RNG.standard_normal((64, 128)).astype(np.float32)
                        * 1000, "nvfp4")
        packed = mx.pack(q)
        self.assertNotEqual(packed.tensor_scale, 1.0)
        np.testing.assert_array_equal(bits(cm.deq(packed)),
                                      bits(mx.dequantize(q)))
        codes, scales, tensor_scale = cm.id(packed)
        self.assertEqual(tensor_scale.shape, ())
        self.assertEqual(float(tensor_scale), packed.tensor_scale)
        np.testing.assert_array_equal(codes.reshape(-1),
                                      packed.elements.view(np.int8))


class Selection(unittest.TestCase):
    def test_report_same_as_mx_opt(self):
        with open(TWO_LAYERS) as f:
            text = f.read()
        m = mx.Module.parse(text, name=TWO_LAYERS)
        report = mx.select_formats(
            m, avg_bits=6, candidates=["mxfp4", "nvfp4", "mxfp6_e2m3",
                                       "mxfp8_e4m3", "mxint8", "bf16", "f32"])
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            run_tool([tool("mx-opt"), TWO_LAYERS,
                      "--mx-select-formats=avg-bits=6 candidates=mxfp4,nvfp4,"
                      "mxfp6_e2m3,mxfp8_e4m3,mxint8,bf16,f32 report=" + out,
                      "-o", os.path.join(d, "o.mlir")])
            with open(out) as f:
                want = json.load(f)
        got = mx.SelectionReport.from_json(want)
        self.assertEqual(report.decisions, got.decisions)
        self.assertEqual(report.totals, got.totals)
        self.assertEqual(len(report.decisions), 2)
        # flat is exact in MXFP4; the outlier layer needs more bits.
        self.assertEqual(report.decisions[0].choice, "mxfp4")
        self.assertEqual(report.decisions[0].rel_mse, 0)
        self.assertNotEqual(report.decisions[1].choice, "mxfp4")
        self.assertLessEqual(report.avg_bits, 6)
        self.assertEqual(len(report.remarks), 2)
        self.assertIn("#mx.policy", str(m))

    def test_calibrate_and_sensitivity_same_as_tools(self):
        x = RNG.standard_normal((4, 32)).astype(np.float32)
        opts = "avg-bits=6.25 candidates=mxfp4,mxfp8_e4m3 objective=sensitivity"
        with tempfile.TemporaryDirectory() as d:
            xf = os.path.join(d, "x.npy")
            np.save(xf, x)
            with open(TWO_LAYERS) as f:
                m = mx.Module.parse(f.read(), name=TWO_LAYERS)
            cal_py, cal_cli = (os.path.join(d, n) for n in ("py.json", "cli.json"))
            mx.calibrate(m, [xf], cal_py)
            mx.calibrate(m, [xf], cal_py)      # a second sample
            for _ in range(2):
                run_tool([tool("mx-run"), TWO_LAYERS, "--input=" + xf,
                          "--calibrate=" + cal_cli])
            with open(cal_py) as f, open(cal_cli) as g:
                self.assertEqual(json.load(f), json.load(g))
            report = mx.select_formats(m, avg_bits=6.25,
                                       candidates=["mxfp4", "mxfp8_e4m3"],
                                       objective="sensitivity",
                                       calibration=cal_py)
            out = os.path.join(d, "r.json")
            run_tool([tool("mx-opt"), TWO_LAYERS,
                      f"--mx-select-formats={opts} calibration={cal_cli} report={out}",
                      "-o", os.path.join(d, "o.mlir")])
            with open(out) as f:
                want = mx.SelectionReport.from_json(json.load(f))
        self.assertEqual(report.decisions, want.decisions)
        self.assertEqual(report.totals, want.totals)
        self.assertTrue(all(dec.sensitivity is not None
                            for dec in report.decisions))

    def test_select_apply_compile(self):
        with open(TWO_LAYERS) as f:
            m = mx.Module.parse(f.read())
        mx.select_formats(m, avg_bits=6.25, candidates=["mxfp4", "mxfp8_e4m3"],
                          apply=True)
        self.assertIn("mx.matmul", str(m))
        x = RNG.standard_normal((4, 32)).astype(np.float32)
        a, b = mx.compile(m)(x)
        self.assertEqual(a.shape, (4, 8))
        self.assertEqual(b.shape, (4, 8))


class Errors(unittest.TestCase):
    def assertMXError(self, fn, *texts):
        with self.assertRaises(mx.MXError) as cm:
            fn()
        for t in texts:
            self.assertIn(t, str(cm.exception))
        return str(cm.exception)

    def test_parse_error_has_location(self):
        self.assertMXError(lambda: mx.Module.parse("func.func @f(", name="bad.mlir"),
                           "bad.mlir:1:", "error:")

    def test_verifier_error_has_location(self):
        text = PROGRAM.replace("[32, 1]", "[5, 1]")
        msg = self.assertMXError(lambda: mx.Module.parse(text, name="v.mlir"),
                                 "v.mlir:", "error:")
        self.assertEqual(msg.count("error:"), 1, msg)

    def test_pipeline_errors(self):
        m = mx.Module.parse(LINEAR)
        self.assertMXError(lambda: m.run_pipeline("builtin.module(no-such-pass)"),
                           "invalid pass pipeline", "no-such-pass")
        self.assertMXError(
            lambda: m.run_pipeline("builtin.module(mx-apply-policy{weights=mxfp5})"),
            "mxfp5")
        self.assertMXError(lambda: mx.select_formats(m, avg_bits=4.5,
                                                     objective="sensitivity"),
                           "error:", "calibration")
        self.assertMXError(lambda: mx.select_formats(m, calibration="a b"),
                           "cannot contain spaces")

    def test_compile_errors(self):
        dyn = mx.Module.parse("""
          func.func @d(%x: tensor<?xf32>) -> tensor<?xf32> {
            return %x : tensor<?xf32>
          }""", name="dyn.mlir")
        self.assertMXError(lambda: mx.compile(dyn), "no function")
        self.assertMXError(lambda: mx.compile(dyn, entry="d"),
                           "dyn.mlir:2:", "statically shaped")
        self.assertMXError(lambda: mx.compile(dyn, entry="e"), "no function @e")
        m = mx.Module.parse(PROGRAM)
        self.assertMXError(lambda: mx.compile(m, pipeline="target=sparc"),
                           "mx-cpu-pipeline options")
        self.assertMXError(lambda: mx.compile(m, opt_level=7), "opt_level")

    def test_call_errors(self):
        cm = mx.compile(mx.Module.parse(PROGRAM), entry="qdq")
        x = np.zeros((4, 64), np.float32)
        self.assertMXError(lambda: cm(np.zeros((4, 63), np.float32)), "4x63")
        self.assertMXError(lambda: cm(x.astype(np.float64)), "f64")
        self.assertMXError(lambda: cm(), "qdq")
        self.assertMXError(lambda: cm(x, x), "qdq")
        self.assertMXError(lambda: cm(x.astype(np.complex64)), "complex64")
        self.assertMXError(lambda: cm.call("mm", x), "was not compiled")
        # Non-contiguous inputs are copied, not misread.
        big = np.zeros((4, 128), np.float32)
        big[:, ::2] = 1.0
        np.testing.assert_array_equal(cm(big[:, ::2]), np.ones((4, 64)))


if __name__ == "__main__":
    main()
