#!/usr/bin/env python3
"""Regenerates the seed corpora of the fuzz targets (docs/Fuzzing.md).

  fuzz/corpus/regenerate.py            rewrites fuzz/corpus/<target>/

Seeds come from the lit tests (the attributes and types they spell, their
small modules, mx-quant's command lines) plus generated cases that cover
every preset, scale mode and edge value. A seed is named by the SHA-1 of its
bytes, as libFuzzer names what it adds; running this twice changes nothing.
"""
import hashlib
import os
import re
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
OUT = os.path.join(ROOT, 'fuzz', 'corpus')
PRESETS = ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4',
           'mxint8', 'nvfp4', 'fp8_e4m3_tensor']


def lit_files(suffix):
    for d, _, files in sorted(os.walk(os.path.join(ROOT, 'test'))):
        for f in sorted(files):
            if f.endswith(suffix) and 'Inputs' not in d:
                yield os.path.join(d, f)


def balanced(text, start):
    """The text from `start` (at a '<') to its matching '>'."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == '<':
            depth += 1
        elif text[i] == '>' and text[i - 1] != '-':
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return None


def type_parser_seeds():
    seeds = set()
    for path in lit_files('.mlir'):
        text = open(path).read()
        for m in re.finditer(r'(#mx\.format|#mx\.policy|!mx\.tensor)<', text):
            body = balanced(text, m.end() - 1)
            if body and '\n' not in body and len(body) < 300:
                seeds.add(m.group(1) + body)
    return sorted(seeds)


def strip_checks(chunk):
    keep = [l for l in chunk.splitlines()
            if not re.match(r'\s*//\s*(RUN|CHECK|[A-Z0-9-]+:)', l) and
            'expected-' not in l]
    return '\n'.join(keep).strip() + '\n'


def opt_seeds():
    seeds = set()
    for path in lit_files('.mlir'):
        text = open(path).read()
        if 'mx.' not in text or 'gpu.module' in text:
            continue
        for chunk in text.split('// -----'):
            body = strip_checks(chunk)
            if 'mx.' in body and 40 < len(body) <= 4096:
                seeds.add(body)
    return sorted(seeds)


def quant_seeds():
    seeds = set()
    values = ['1.5 -2 0.3 100 7 inf 0.001 -0 3 4 5 6 7 8 9 10',
              '0x7fc00000 0x00000001 0x7f7fffff -0x1 1e-40 nan -inf 6 448',
              '1 2 3 4']
    for path in lit_files('.test'):
        if os.sep + 'mx-quant' + os.sep not in path:
            continue
        for line in open(path):
            m = re.search(r'mx-quant((?: --?[a-z-]+(?:=\S*)?)+)', line)
            if m and 'compiled' not in m.group(1):
                args = m.group(1).strip()
                e = re.search(r'echo ([^|>]*)\|', line)
                vals = e.group(1).strip() if e else values[0]
                seeds.add(args + '\n' + vals + '\n')
    for p in PRESETS:
        for extra in ['', ' --emit=packed', ' --emit=stats',
                      ' --shape=2x16 --tile=2x8', ' --scale-layout=128x4 '
                      '--emit=packed --shape=4x32 --tile=1x16']:
            for v in values:
                n = len(v.split())
                args = '--format=' + p + extra
                seeds.add(args + '\n' + v + '\n')
    seeds.add('--help\n')
    return sorted(seeds)


def f32(x):
    return struct.pack('<f', x)


def quantizer_diff_seeds():
    edge = [0.0, -0.0, 1.0, -1.5, 6.0, 7.5, 1792.0, 448.0, 57344.0, 1e-40,
            -1e-45, 3.4028234663852886e38, float('inf'), float('nan'),
            0.1, 0.25, 0.75, 2.5, 3.5, 1.75, -5.0, 127 / 64, 2.0 ** -127,
            2.0 ** -126, 1.2e-38, 65504.0, 1e10, -3e-20, 0.5, 0.3125]
    finite = [v for v in edge if v == v and abs(v) != float('inf')]
    seeds = []
    for preset in range(8):
        for mode in range(4):
            for shape_byte in (0x14, 0x0b):
                for opts in (0, 3) if preset >= 6 else (0, 1):
                    for vals in (finite[:16] * 2, edge):
                        head = bytes([preset, mode, shape_byte, opts])
                        body = b''.join(f32(v) for v in vals)
                        if opts & 2:
                            body = f32(0.0078125) + body
                        seeds.append(head + body)
    return seeds


def write(target, seeds):
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for s in seeds:
        data = s.encode() if isinstance(s, str) else s
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
    print('%s: %d seeds' % (target, len(seeds)))


def main():
    write('mx-fuzz-type-parser', type_parser_seeds())
    write('mx-fuzz-opt', opt_seeds())
    write('mx-fuzz-quant', quant_seeds())
    write('mx-fuzz-quantizer-diff', quantizer_diff_seeds())
    return 0


if __name__ == '__main__':
    sys.exit(main())
