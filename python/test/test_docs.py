"""The worked examples of docs/Python.md run as written (from the source
root), in order, with the values their comments state checked where they
are exact."""

import contextlib
import io
import os
import re
import unittest

import numpy as np

from mxtest import SRC_ROOT, main


def python_blocks():
    with open(os.path.join(SRC_ROOT, "docs", "Python.md")) as f:
        return re.findall(r"```python\n(.*?)```", f.read(), re.S)


class Docs(unittest.TestCase):
    def test_examples(self):
        blocks = python_blocks()
        self.assertGreaterEqual(len(blocks), 4)
        scope = {}
        cwd = os.getcwd()
        os.chdir(SRC_ROOT)
        try:
            for block in blocks:
                # The sensitivity example reruns the model per candidate and
                # operand (minutes); the test of the same path is
                # test_compile.py's calibration test.
                if "calibration_samples" in block:
                    continue
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(block, "docs/Python.md", "exec"), scope)
        finally:
            os.chdir(cwd)
        mx = scope["mx"]
        # Numerics: the values the comments give.
        q = scope["q"]
        self.assertEqual(q.codes.shape, (1, 32))
        self.assertEqual(q.scales.shape, (1, 1))
        self.assertEqual(q.tensor_scale, 1.0)
        self.assertEqual(mx.dequantize(q)[0, :8].tolist(),
                         [0, 0, 0, 1536, 0, 128, 0, 0])
        self.assertEqual(mx.error_stats(scope["x"], q).bits_per_element, 4.25)
        # Compile and run: all-ones operands quantize exactly.
        np.testing.assert_array_equal(scope["y"], np.full((4, 32), 64.0))
        # The bridge.
        model = scope["model"]
        self.assertEqual(scope["logits"].shape, (1, 64, 256))
        self.assertAlmostEqual(model.report.avg_bits, 4.496, places=3)
        self.assertEqual(model.report.totals["bytes_after"], 349924)
        self.assertIn("mx.matmul", scope["mx_program"])


if __name__ == "__main__":
    main()
