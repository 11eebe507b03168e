"""mx's numerics against mx-quant (the reference library's CLI) bit for bit,
and against hand-computed values (docs/Numerics.md)."""

import unittest

import numpy as np

import mx
from mxtest import main, run_tool, tool

# Values with every kind of block: normal spreads, one outlier, zeros,
# subnormal-range values, Inf and NaN.
RNG = np.random.default_rng(20261129)


def sample(rows, cols, specials=True):
    x = (RNG.standard_normal((rows, cols)) *
         np.exp2(RNG.integers(-6, 6, (rows, 1)))).astype(np.float32)
    if specials and rows * cols >= 96:
        flat = x.reshape(-1)
        flat[3] = 1000.0
        flat[32:48] = 0.0
        flat[50] = 1e-30
        flat[64] = np.inf
        flat[80] = -np.nan
    return x


def bits_hex(values):
    return " ".join(f"0x{v:08x}" for v in np.asarray(values, np.float32)
                    .reshape(-1).view(np.uint32))


def mx_quant(values, shape, fmt, emit="codes", tile=None, scale_mode=None,
             layout=None):
    args = [tool("mx-quant"), f"--format={fmt}",
            f"--shape={shape[0]}x{shape[1]}", f"--emit={emit}"]
    if tile:
        args.append(f"--tile={tile[0]}x{tile[1]}")
    if scale_mode:
        args.append(f"--scale-mode={scale_mode}")
    if layout:
        args.append(f"--scale-layout={layout}")
    return run_tool(args, stdin=bits_hex(values))


def blocks_of(a, block):
    """The elements of each block, blocks row-major over the grid, elements
    row-major inside a block (mx-quant's order)."""
    r, c = a.shape
    br, bc = block
    return (a.reshape(r // br, br, c // bc, bc).transpose(0, 2, 1, 3)
            .reshape(-1, br * bc))


def f32_hex(v):
    v = np.float32(v)
    return "7fc00000" if np.isnan(v) else f"{int(np.array(v).view(np.uint32)):08x}"


CASES = [
    # (format, shape, tile, scale mode)
    ("mxfp4", (4, 64), None, None),
    ("mxfp4", (4, 64), None, "rceil"),
    ("mxfp4", (32, 32), (16, 16), "even"),
    ("mxfp6_e2m3", (4, 64), None, "ceil"),
    ("mxfp6_e3m2", (2, 96), None, None),
    ("mxfp8_e4m3", (4, 64), None, None),
    ("mxfp8_e5m2", (4, 64), (4, 32), "even"),
    ("mxint8", (4, 64), None, "rceil"),
    ("nvfp4", (4, 64), None, None),
    ("nvfp4", (32, 32), (16, 16), None),
    ("fp8_e4m3_tensor", (4, 64), None, None),
]


class QuantizeAgainstMxQuant(unittest.TestCase):
    def check_codes(self, fmt, shape, tile, mode):
        x = sample(*shape)
        block = tile if tile else None
        q = mx.quantize(x, fmt, block=block, scale_mode=mode)
        out = mx_quant(x, shape, fmt, tile=tile, scale_mode=mode).splitlines()
        if q.format.tensor_scale:
            self.assertEqual(out[0], "global\t" + f32_hex(q.tensor_scale))
            out = out[1:]
        decoded = mx.dequantize(q)
        self.assertEqual(decoded.shape, x.shape)
        self.assertEqual(decoded.dtype, np.float32)
        codes = blocks_of(q.codes, q.block)
        vals = blocks_of(decoded, q.block)
        scales = q.scales.reshape(-1)
        self.assertEqual(len(out), codes.shape[0])
        for b, line in enumerate(out):
            index, scale, code_field, value_field = line.split("\t")
            self.assertEqual(int(index), b)
            if q.format.scale == "none":
                self.assertEqual(scale, "-")
            else:
                self.assertEqual(scale, f"{scales[b]:02x}", f"block {b}")
            if code_field != "*":
                self.assertEqual(code_field,
                                 ",".join(f"{c:02x}" for c in codes[b]),
                                 f"block {b}")
            self.assertEqual(value_field,
                             ",".join(f32_hex(v) for v in vals[b]),
                             f"block {b}")

    def test_codes_every_format(self):
        for case in CASES:
            with self.subTest(case=case):
                self.check_codes(*case)

    def test_packed_both_layouts(self):
        for fmt, shape, tile, mode in CASES:
            for layout, cli in (("row_major", "rowmajor"),
                                ("blackwell_128x4", "128x4")):
                with self.subTest(fmt=fmt, tile=tile, layout=layout):
                    x = sample(*shape)
                    q = mx.quantize(x, fmt, block=tile, scale_mode=mode)
                    p = mx.pack(q, layout)
                    out = dict(line.split("\t") for line in mx_quant(
                        x, shape, fmt, "packed", tile, mode, cli).splitlines())
                    self.assertEqual(out["elements"], p.elements.tobytes().hex())
                    if q.format.scale != "none":
                        self.assertEqual(out["scales"], p.scales.tobytes().hex())
                    if q.format.tensor_scale:
                        self.assertEqual(out["global"], f32_hex(p.tensor_scale))
                    back = mx.unpack(p)
                    np.testing.assert_array_equal(back.codes, q.codes)
                    np.testing.assert_array_equal(back.scales, q.scales)
                    self.assertEqual(back.tensor_scale, q.tensor_scale)
                    # Same values after the round trip, bit for bit.
                    np.testing.assert_array_equal(
                        mx.dequantize(back).view(np.uint32),
                        mx.dequantize(q).view(np.uint32))

    def test_stats(self):
        for fmt, shape, tile, mode in CASES:
            with self.subTest(fmt=fmt, tile=tile):
                x = sample(*shape)
                q = mx.quantize(x, fmt, block=tile, scale_mode=mode)
                s = mx.error_stats(x, q)
                want = mx_quant(x, shape, fmt, "stats", tile, mode).split()
                got = [s.mse, s.rel_mse, s.sqnr_db, s.max_abs,
                       s.bits_per_element]
                self.assertEqual(want, ["nan" if np.isnan(v) else "%.9g" % v
                                        for v in got])
                same = lambda a, b: self.assertTrue(
                    a == b or (np.isnan(a) and np.isnan(b)), (a, b))
                same(mx.rel_mse(x, q), s.rel_mse)
                same(mx.sqnr(x, q), s.sqnr_db)
                same(mx.mse(x, mx.dequantize(q)), s.mse)
                # Without the non-finite values every metric is a number.
                y = sample(*shape, specials=False)
                qy = mx.quantize(y, fmt, block=tile, scale_mode=mode)
                sy = mx.error_stats(y, qy)
                self.assertTrue(np.isfinite(sy.rel_mse) and sy.rel_mse > 0)
                self.assertEqual(sy.count, y.size)
                want = mx_quant(y, shape, fmt, "stats", tile, mode).split()
                self.assertEqual(want[1], "%.9g" % sy.rel_mse)


class KnownValues(unittest.TestCase):
    def test_mxfp4_ones(self):
        # amax 1 = 2^0; floor: X = 0 - emax(e2m1) = -2, code 127 - 2 = 125;
        # 1 / 2^-2 = 4 is E2M1 0b0110, -1 is 0b1110.
        x = np.array([[1.0, -1.0] * 16], dtype=np.float32)
        q = mx.quantize(x, "mxfp4")
        self.assertEqual(q.scales.tolist(), [[125]])
        self.assertEqual(q.codes[0, :2].tolist(), [0x6, 0xE])
        self.assertEqual(q.bits_per_element, 4.25)
        np.testing.assert_array_equal(mx.dequantize(q), x)
        # Packing: element 2i in the low nibble.
        self.assertEqual(mx.pack(q).elements[0], 0xE6)

    def test_mxfp4_rounding_and_clipping(self):
        # amax 7.5: floor gives X = 0 (2^2 / 2^2), 7.5 clips to 6 (error 1.5);
        # rceil picks X = 1 and 7.5 / 2 = 3.75 rounds to 4 -> 8.
        x = np.array([[7.5] + [1.0] * 31], dtype=np.float32)
        self.assertEqual(mx.dequantize(mx.quantize(x, "mxfp4"))[0, 0], 6.0)
        self.assertEqual(
            mx.dequantize(mx.quantize(x, "mxfp4", scale_mode="rceil"))[0, 0],
            8.0)

    def test_zero_block(self):
        q = mx.quantize(np.zeros((1, 32), np.float32), "mxfp8_e4m3")
        np.testing.assert_array_equal(q.codes, 0)
        np.testing.assert_array_equal(mx.dequantize(q), 0.0)

    def test_nvfp4_tensor_scale(self):
        # amax 6 * 448 = 2688: S_enc = 1, S_dec = 1.
        x = np.full((1, 16), 2688.0, dtype=np.float32)
        q = mx.quantize(x, "nvfp4")
        self.assertEqual(q.tensor_scale, 1.0)
        # A calibrated decode scale is used as given.
        q2 = mx.quantize(x, "nvfp4", tensor_scale=2.0)
        self.assertEqual(q2.tensor_scale, 2.0)

    def test_rank3_and_default_block(self):
        x = sample(2, 128, specials=False).reshape(2, 4, 32)
        q = mx.quantize(x, "mxfp6_e2m3")
        self.assertEqual(q.block, (1, 1, 32))
        self.assertEqual(q.scales.shape, (2, 4, 1))
        flat = mx.quantize(x.reshape(8, 32), "mxfp6_e2m3")
        np.testing.assert_array_equal(q.codes.reshape(8, 32), flat.codes)

    def test_stochastic_rounding_is_deterministic(self):
        x = sample(1, 64, specials=False)
        bits = RNG.integers(0, 256, 64, dtype=np.uint8)
        a = mx.quantize(x, "mxfp4", rounding="stochastic", random_bits=bits)
        b = mx.quantize(x, "mxfp4", rounding="stochastic", random_bits=bits)
        np.testing.assert_array_equal(a.codes, b.codes)

    def test_format_objects(self):
        f = mx.Format("e2m1", "e8m0", block=16)
        self.assertEqual(f.element_bits, 4)
        self.assertEqual(mx.presets()["mxfp4"], mx.Format.preset("mxfp4"))
        x = sample(1, 64, specials=False)
        q = mx.quantize(x, f)
        self.assertEqual(q.block, (1, 16))
        self.assertIn("even", mx.allowed_scale_modes("mxfp4"))
        self.assertNotIn("even", mx.allowed_scale_modes("mxint8"))

    def test_blackwell_layout(self):
        grid = np.arange(3 * 5, dtype=np.uint8).reshape(3, 5)
        s = mx.to_blackwell_128x4(grid, 3, 5)
        self.assertEqual(s.size, mx.blackwell_128x4_size(3, 5))
        self.assertEqual(s.size, 128 * 8)
        np.testing.assert_array_equal(mx.from_blackwell_128x4(s, 3, 5), grid)


class Errors(unittest.TestCase):
    def test_bad_inputs_raise_mxerror(self):
        x = np.ones((2, 32), np.float32)
        cases = [
            (lambda: mx.quantize(x, "mxfp5"), "unknown format 'mxfp5'"),
            (lambda: mx.quantize(x, "mxfp4", block=(1, 5)), "block (1, 5)"),
            (lambda: mx.quantize(x, "mxint8", scale_mode="even"), "even"),
            (lambda: mx.quantize(x, "mxfp4", scale_mode="up"),
             "unknown scale mode"),
            (lambda: mx.quantize(x, "mxfp4", rounding="stochastic"),
             "random_bits"),
            (lambda: mx.quantize(x, "mxfp4", rounding="stochastic",
                                 random_bits=np.zeros(3, np.uint8)), "3"),
            (lambda: mx.quantize(np.float32(1.0), "mxfp4"), "scalar"),
            (lambda: mx.QuantizedTensor("mxfp4", np.full((1, 32), 16, np.uint8),
                                        np.zeros(1, np.uint8)), "does not fit"),
            (lambda: mx.QuantizedTensor("mxfp4", np.zeros((1, 32), np.uint8),
                                        np.zeros(2, np.uint8)), "scale byte"),
            (lambda: mx.Format("e2m1", "none"), ""),
            (lambda: mx.unpack_elements(np.zeros(3, np.uint8), "mxfp4", 8),
             "take 4 bytes"),
            (lambda: mx.from_blackwell_128x4(np.zeros(3, np.uint8), 1, 1),
             "128x4"),
            (lambda: mx.pack(mx.quantize(x, "mxfp4"), "column_major"),
             "unknown scale layout"),
        ]
        for fn, text in cases:
            with self.assertRaises(mx.MXError) as cm:
                fn()
            self.assertIn(text, str(cm.exception))


if __name__ == "__main__":
    main()
