#!/usr/bin/env python3
"""compare.py OUT.npy REF.npy TOL: compares mx-run's f32 result with the
frontend's (standard library only: the tests must not need numpy).

Prints the shape, max|out - ref| / max|ref| ("max_rel") and
||out - ref||_2 / ||ref||_2 ("norm_rel"), then "ok" when max_rel <= TOL,
else "FAIL" and exit status 1. Both files must be little-endian C-order
'<f4' arrays of the same shape, each value finite."""
import ast
import math
import struct
import sys


def read_f32(path):
    with open(path, 'rb') as f:
        blob = f.read()
    if blob[:6] != b'\x93NUMPY':
        sys.exit('%s: not a .npy file' % path)
    size = 2 if blob[6] == 1 else 4
    length = int.from_bytes(blob[8:8 + size], 'little')
    header = ast.literal_eval(blob[8 + size:8 + size + length].decode('latin1'))
    if header['descr'] != '<f4' or header['fortran_order']:
        sys.exit('%s: %s, expected C-order <f4' % (path, header))
    shape = tuple(header['shape'])
    count = math.prod(shape)
    data = blob[8 + size + length:]
    if len(data) != 4 * count:
        sys.exit('%s: %d data bytes for shape %s' % (path, len(data), shape))
    values = struct.unpack('<%df' % count, data)
    if not all(math.isfinite(v) for v in values):
        sys.exit('%s: holds a NaN or infinity' % path)
    return shape, values


def main():
    out_path, ref_path, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    shape, out = read_f32(out_path)
    ref_shape, ref = read_f32(ref_path)
    if shape != ref_shape:
        sys.exit('shapes differ: %s and %s' % (shape, ref_shape))
    max_diff = max(abs(a - b) for a, b in zip(out, ref))
    max_ref = max(abs(b) for b in ref)
    diff2 = math.fsum((a - b) ** 2 for a, b in zip(out, ref))
    ref2 = math.fsum(b * b for b in ref)
    max_rel = max_diff / max_ref
    norm_rel = math.sqrt(diff2 / ref2)
    ok = max_rel <= tol
    print('shape %s max_rel %.3g norm_rel %.3g tol %g: %s' % (
        'x'.join(map(str, shape)), max_rel, norm_rel, tol,
        'ok' if ok else 'FAIL'))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
