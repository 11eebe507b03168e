#!/usr/bin/env python3
"""Robustness fuzzing of mx-quant: fuzz.py MX_QUANT [COUNT]

Deterministic random command lines (valid, mangled, repeated, value-less,
huge or zero shapes and tiles) and random stdin (random bytes, token soups of
valid and invalid numbers, long tokens). For every run mx-quant must:
  * not crash or hang (exit status 0 or 1, within 20 s);
  * on status 1: print nothing on stdout and exactly one line on stderr;
  * on status 0: print nothing on stderr;
  * agree with the Python reference (Inputs/mxref.py) on the status, and on
    stdout when both succeed.
Prints one summary line.
"""

import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402

RNG = random.Random(7)

FORMATS = ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4',
           'mxint8', 'nvfp4', 'MXFP4', '', 'fp4', 'mxfp4 ', 'nvfp4\n']
MODES = ['floor', 'rceil', 'ceil', 'even', 'nvfp4', '', 'FLOOR', 'round']
EMITS = ['codes', 'packed', 'stats', '', 'bytes', 'Codes']
LAYOUTS = ['rowmajor', '128x4', '', '4x128', '128X4']
DIMS = ['1x1', '1x2', '2x2', '1x4', '2x1', '4x1', '1x16', '1x32', '16x16',
        '0x1', '1x0', '0x0', '0x4', '99999999999x99999999999',
        '1099511627776x1099511627776', '1099511627777x1', '-1x4', '+1x4',
        '1x', 'x1', 'x', '', '1x1x1', '01x04', '1X1', ' 1x1', '1x1 ',
        '18446744073709551617x1', '9' * 40 + 'x1']
FLAGS = ['--format', '--scale-mode', '--shape', '--tile', '--emit',
         '--scale-layout']
TOKENS = ['0', '-0', '1', '-1', '0.5', '1e-45', '1e39', '-1e39', 'inf',
          '-inf', 'nan', '-nan', 'NaN', 'Infinity', 'infinit', '0x3f800000',
          '0X3F800000', '0x7fc00000', '0x7f800000', '0xff800000', '0x1',
          '0x123456789', '0xgggggggg', '0x', '1e', 'e1', '.', '-', '+', '..',
          '1.2.3', '1_0', '1,0', '0x1p3', 'nan(1)', '3.4028235e38',
          '3.4028236e38', '1' * 60, '0.' + '0' * 80 + '1', '\x00', '\xff',
          '448', '6', '57344', '-7.5', '1e-400', '+.5', '5.']


def rand_value(choices):
    return RNG.choice(choices)


def rand_args():
    args = []
    present = RNG.random()
    if RNG.random() < 0.9:
        args.append('--format=' + rand_value(FORMATS[:7] * 4 + FORMATS[7:]))
    for flag, vals in (('--scale-mode', MODES), ('--shape', DIMS),
                       ('--tile', DIMS), ('--emit', EMITS),
                       ('--scale-layout', LAYOUTS)):
        if RNG.random() < 0.4:
            args.append(flag + '=' + rand_value(vals))
    r = RNG.random()
    if r < 0.1:                                   # a repeated flag
        args.append(RNG.choice(args) if args else '--emit=codes')
    elif r < 0.2:                                 # a flag without a value
        args.append(RNG.choice(FLAGS))
    elif r < 0.25:                                # space-separated value
        args += [RNG.choice(FLAGS), RNG.choice(['mxfp4', '1x1', 'codes', ''])]
    elif r < 0.3:                                 # unknown things
        args.append(RNG.choice(['--bogus', '-f', 'mxfp4', '--format:mxfp4',
                                '---format=mxfp4', '--', '-', '', '--shape=',
                                '--FORMAT=mxfp4', '--format=mxfp4=1']))
    RNG.shuffle(args)
    return args


def rand_stdin():
    r = RNG.random()
    if r < 0.2:                                   # random bytes
        return bytes(RNG.getrandbits(8) for _ in range(RNG.randint(0, 600)))
    if r < 0.3:
        return b''
    if r < 0.4:                                   # mostly valid values
        n = RNG.choice([1, 2, 4, 15, 16, 31, 32, 64, 256])
        return ' '.join('0x%08x' % RNG.getrandbits(32) for _ in range(n)).encode()
    n = RNG.choice([1, 2, 3, 4, 16, 32, 33])
    toks = []
    for _ in range(n):
        if RNG.random() < 0.8:
            toks.append(RNG.choice(['1', '-2', '0.25', '3', '0x40000000', '-0']))
        else:
            toks.append(RNG.choice(TOKENS))
    sep = RNG.choice([' ', '\n', '\t', '\r\n', '\v', '\f', '  '])
    return sep.join(toks).encode('latin-1')


def valid_case():
    """A mostly valid command line with matching stdin; sometimes one thing
    is broken."""
    fmt = RNG.choice(list(mxref.PRESETS))
    elem, nv, dblock, modes = mxref.PRESETS[fmt]
    args = ['--format=' + fmt]
    if modes and RNG.random() < 0.6:
        args.append('--scale-mode=' + RNG.choice(modes))
    # A per-tensor format (no default block) takes no --tile: the shapes
    # below still apply, and a --tile makes an error run.
    tr, tc = RNG.choice([(1, dblock or 4), (1, 1), (1, 3), (2, 2), (2, 8),
                         (4, 4)])
    gr, gc = RNG.randint(1, 3), RNG.randint(1, 3)
    rows, cols = tr * gr, tc * gc
    if RNG.random() < 0.7:
        args.append('--shape=%dx%d' % (rows, cols))
    else:
        rows, cols = 1, tc * gc
        tr = 1
    if (dblock and (tr, tc) != (1, dblock)) or RNG.random() < 0.3:
        args.append('--tile=%dx%d' % (tr, tc))
    if RNG.random() < 0.6:
        args.append('--emit=' + RNG.choice(['codes', 'packed', 'stats']))
    if RNG.random() < 0.4:
        args.append('--scale-layout=' + RNG.choice(['rowmajor', '128x4']))
    RNG.shuffle(args)
    toks = []
    for _ in range(rows * cols):
        r = RNG.random()
        if r < 0.05:
            toks.append(RNG.choice(TOKENS))
        elif r < 0.5:
            toks.append('0x%08x' % RNG.getrandbits(32))
        else:
            toks.append(repr(RNG.gauss(0, 1) * 10 ** RNG.randint(-3, 3)))
    if RNG.random() < 0.05:
        toks.pop()
    return args, ' '.join(toks).encode('latin-1')


def main():
    tool = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    failures = 0
    statuses = {0: 0, 1: 0}
    for i in range(count):
        if i % 2:
            args, data = valid_case()
        else:
            args = rand_args()
            data = rand_stdin()
        try:
            p = subprocess.run([tool] + args, input=data, capture_output=True,
                               timeout=20)
        except subprocess.TimeoutExpired:
            print('FAIL: timeout: %r' % args)
            failures += 1
            continue
        problem = None
        if p.returncode not in (0, 1):
            problem = 'exit status %d' % p.returncode
        elif p.returncode == 1:
            if p.stdout:
                problem = 'stdout not empty on error'
            elif p.stderr.count(b'\n') != 1 or not p.stderr.endswith(b'\n'):
                problem = 'stderr is not one line: %r' % p.stderr
        elif p.stderr:
            problem = 'stderr on success: %r' % p.stderr
        if not problem:
            rrc, rout, _ = mxref.run(args, data)
            if rrc != p.returncode:
                problem = 'status %d, reference %d (%s)' % (
                    p.returncode, rrc, p.stderr.decode('latin-1').strip())
            elif rrc == 0 and rout != p.stdout.decode('latin-1'):
                problem = 'stdout differs from the reference'
        if problem:
            failures += 1
            print('FAIL: %s: args %r stdin %r' % (problem, args, data[:200]))
        else:
            statuses[p.returncode] += 1
    print('fuzz: %d runs, %d succeeded, %d rejected, %d failures'
          % (count, statuses[0], statuses[1], failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
