#!/usr/bin/env python3
"""Differential test: mx-quant against the independent Python reference.

Usage: diff.py MX_QUANT [-v]

Generates deterministic pseudo-random tensors and every edge category of
docs/Numerics.md for every preset under every allowed scale mode, every emit kind
and both scale layouts, runs mx-quant and mxref.py on each, and compares exit
status and stdout byte for byte (on an error: both exit 1, stdout empty,
exactly one stderr line from mx-quant).  Prints one summary line.
"""

import math
import os
import random
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402

RNG = random.Random(20240917)
FLT_MAX_BITS = 0x7f7fffff

MX_PRESETS = ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2',
              'mxfp4', 'mxint8']


def f2b(v):
    return struct.unpack('<I', struct.pack('<f', v))[0]


def b2f(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def tok(bits):
    """A bit-pattern token, hex digits in a random case."""
    s = '0x%08x' % bits
    return s.upper().replace('0X', '0x') if RNG.random() < 0.2 else s


def pow2_bits(k):
    """f32 bits of 2^k (k in [-149, 127])."""
    if k >= -126:
        return (k + 127) << 23
    return 1 << (k + 149)


def neg(bits):
    return bits ^ 0x80000000


# ---------------------------------------------------------------------------
# Random generators (bit patterns)
# ---------------------------------------------------------------------------

def rand_normal(n, exp_lo=-20, exp_hi=20):
    k = RNG.randint(exp_lo, exp_hi)
    return [f2b(RNG.gauss(0, 1) * 2.0 ** k) for _ in range(n)]


def rand_wide(n):
    """Log-uniform over the whole finite f32 range, subnormals included."""
    out = []
    for _ in range(n):
        e = RNG.randint(0, 254)
        out.append((RNG.getrandbits(1) << 31) | (e << 23) | RNG.getrandbits(23))
    return out


def rand_bits(n):
    """Arbitrary finite bit patterns."""
    out = []
    while len(out) < n:
        b = RNG.getrandbits(32)
        if (b & 0x7f800000) != 0x7f800000:
            out.append(b)
    return out


def rand_block_range(n, center):
    """Values within a few binades of 2^center (kept in f32 range)."""
    out = []
    for _ in range(n):
        e = max(1, min(254, center + 127 + RNG.randint(-12, 1)))
        out.append((RNG.getrandbits(1) << 31) | (e << 23) | RNG.getrandbits(23))
    return out


def rand_mixed_blocks(nblocks, bsize):
    vals = []
    for _ in range(nblocks):
        kind = RNG.randrange(4)
        if kind == 0:
            vals += rand_normal(bsize, -30, 30)
        elif kind == 1:
            vals += rand_block_range(bsize, RNG.randint(-140, 127))
        elif kind == 2:
            vals += rand_bits(bsize)
        else:
            v = rand_normal(bsize, -5, 5)
            for i in range(bsize):          # sparse: mostly zeros
                if RNG.random() < 0.7:
                    v[i] = RNG.choice([0, 0x80000000])
            vals += v
    return vals


# ---------------------------------------------------------------------------
# Edge blocks (bit patterns), OCP MX
# ---------------------------------------------------------------------------

def mx_tie_block(elem, mode, bsize, amax_exp):
    """Exact element ties and their f32 neighbours under the block scale."""
    amax_bits = pow2_bits(amax_exp)
    amax = b2f(amax_bits)
    x = mxref.e8m0_exponent(elem, mode, amax)
    vals = [amax_bits]
    mids = elem.mids
    while len(vals) < bsize:
        m = RNG.choice(mids)
        t = m * 2.0 ** x
        if t == 0 or t > amax or t < 2.0 ** -149:
            vals.append(0)
            continue
        b = f2b(t)
        if b2f(b) != t:                     # not representable: skip
            vals.append(b)
            continue
        b += RNG.choice([0, 0, 0, -1, 1])   # the tie or a neighbour
        if RNG.random() < 0.5:
            b = neg(b)
        vals.append(b & 0xffffffff)
    return vals[:bsize]


def mx_edge_blocks(elem, mode, bsize):
    """A list of blocks, each one edge category."""
    blocks = []

    def fill(first, rest_fn=None):
        blk = list(first)
        while len(blk) < bsize:
            blk.append(rest_fn() if rest_fn else 0)
        RNG.shuffle(blk)
        return blk[:bsize]

    small = lambda: f2b(RNG.uniform(-1, 1))
    blocks.append([0] * bsize)                                  # all +0
    blocks.append([0x80000000] * bsize)                         # all -0
    blocks.append(fill([0x80000000, f2b(1.0)], small))          # -0 inside
    blocks.append(fill([], lambda: RNG.getrandbits(23) | (RNG.getrandbits(1) << 31)))  # subnormals
    blocks.append(fill([0x00000001, 0x007fffff, 0x80000001]))   # sub extremes
    blocks.append(fill([0x00800000, 0x007fffff], lambda: RNG.getrandbits(23)))  # min normal
    blocks.append(fill([0x7fc00000], small))                    # NaN
    blocks.append(fill([0xffc00001, 0x7f800001]))               # NaN patterns
    blocks.append(fill([0x7f800000], small))                    # +Inf
    blocks.append(fill([0xff800000], small))                    # -Inf
    blocks.append(fill([FLT_MAX_BITS], small))                  # FLT_MAX
    blocks.append(fill([neg(FLT_MAX_BITS), FLT_MAX_BITS - 1], lambda: rand_bits(1)[0]))
    blocks.append(fill([0x7f000000, 0x7effffff]))               # 2^127, below
    for k in (RNG.randint(-126, 127), 0, 1, -1, elem.emax, -125, -127, -130,
              -149 + 3):
        b = pow2_bits(k)
        blocks.append(fill([b], small if k > -100 else None))   # power of 2
        blocks.append(fill([b - 1], small if k > -100 else None))  # ulp below
        blocks.append(fill([b + 1, neg(b)]))                    # ulp above
    # Above max normal of the element: mantissas that clip under floor and
    # the thresholds of even/ceil/rceil.
    for mant in (1.5, 1.5 + 2 ** -23, 1.75, 1.75 - 2 ** -23, 1.875,
                 1.9375, 1.9375 - 2 ** -23, 1.96875, 127 / 64, 1.984375 + 2 ** -20,
                 2 - 2 ** -23, 1.25, 1.0 + 2 ** -23):
        k = RNG.randint(-60, 60)
        blk = [f2b(mant * 2.0 ** k)]
        blk += [f2b(RNG.uniform(-mant, mant) * 2.0 ** k) for _ in range(bsize - 1)]
        if RNG.random() < 0.5:
            blk[0] = neg(blk[0])
        blocks.append(blk)
    # maxNorm * 2^k exactly and its neighbours (rceil descale exactness)
    for k in (-3, 0, 7, 100, -120):
        b = f2b(elem.maxnorm * 2.0 ** k)
        for d in (-1, 0, 1):
            blocks.append(fill([b + d], small))
    # amax near FLT_MAX with big companions (decode overflow under rceil)
    blocks.append([FLT_MAX_BITS - RNG.randrange(0, 1 << 20) for _ in range(bsize)])
    # negative values rounding to zero (sign of zero kept)
    blocks.append(fill([f2b(1.0)], lambda: f2b(-RNG.uniform(0, 2 ** -12))))
    blocks.append(fill([f2b(-4096.0)], lambda: f2b(-RNG.uniform(0, 2.0 ** -20))))
    # INT8 extremes: -2 * 2^k clamps to -127
    blocks.append(fill([f2b(-2.0), f2b(127 / 64), f2b(-127 / 64)], small))
    # ties
    for amax_exp in (0, 5, -3, -120, -127, 120, RNG.randint(-100, 100)):
        blocks.append(mx_tie_block(elem, mode, bsize, amax_exp))
    return blocks


# ---------------------------------------------------------------------------
# NVFP4 edge tensors
# ---------------------------------------------------------------------------

def nv_tie_block(scale_amax, n=16):
    """With S_enc = 1 (gamax = 2688 elsewhere), a block whose amax is 6*s
    has S_encb ~ 1/s; values s*midpoint are (near-)exact E2M1 ties."""
    vals = [f2b(scale_amax)]
    s = scale_amax / 6
    while len(vals) < n:
        t = RNG.choice(mxref.E2M1.mids) * s
        b = f2b(t) + RNG.choice([0, 0, 0, 1, -1])
        if RNG.random() < 0.5:
            b = neg(b)
        vals.append(b & 0xffffffff)
    return vals


def nv_edge_tensors():
    """(shape, tile, bits) tuples exercising NVFP4's two-level rule."""
    out = []
    b16 = lambda vals: vals

    def blocks_tensor(blocks):
        vals = [v for blk in blocks for v in blk]
        return ((1, len(vals)), None, vals)

    small = lambda n: [f2b(RNG.uniform(-1, 1)) for _ in range(n)]
    # ties, S_enc = 1
    blocks = [[f2b(2688.0)] + small(15)]
    for s in (6.0, 12.0, 3.0, 1.5, 0.75, 6 * 448.0, 6 * 2.0 ** -9, 6 * 2.0 ** -7,
              6 * 1.125, 6 * 0.3):
        blocks.append(nv_tie_block(s))
    out.append(blocks_tensor(blocks))
    # all zero, -0, and a zero block among others
    out.append(((1, 16), None, [0] * 16))
    out.append(((1, 32), None, [0x80000000] * 16 + [0] * 15 + [0x80000000]))
    out.append(blocks_tensor([[0] * 16, small(16), [0x80000000, 0] * 8]))
    # NaN (ignored by the tensor amax), Inf (gamax = inf: S_enc = 1)
    out.append(blocks_tensor([small(15) + [0x7fc00000], small(16),
                              [0xffc00000] * 16]))
    out.append(blocks_tensor([small(15) + [0x7f800000], small(16)]))
    out.append(blocks_tensor([small(15) + [0xff800000], [0x7fc00000] + small(15),
                              [f2b(1e30)] + small(15)]))
    # FLT_MAX, huge gamax: tiny S_enc; blocks underflow to scale 0
    out.append(blocks_tensor([[FLT_MAX_BITS] + small(15), small(16),
                              [f2b(1e30)] + small(15), [f2b(1e36)] + small(15)]))
    out.append(blocks_tensor([[neg(FLT_MAX_BITS), FLT_MAX_BITS - 1] + small(14)]))
    # subnormal gamax: S_enc = FLT_MAX, S_dec subnormal
    out.append(blocks_tensor([[0x00000001] * 16,
                              [RNG.getrandbits(23) for _ in range(16)]]))
    out.append(blocks_tensor([[RNG.getrandbits(23) | (RNG.getrandbits(1) << 31)
                               for _ in range(16)] for _ in range(3)]))
    out.append(blocks_tensor([[0x00800000] + [RNG.getrandbits(20) for _ in range(15)]]))
    # gamax a power of two and one ulp below/above
    for k in (0, 12, -40, 100, -120):
        b = pow2_bits(k)
        for d in (-1, 0, 1):
            out.append(blocks_tensor([[b + d] + small(15),
                                      [f2b(b2f(b + d) * RNG.uniform(0, 1))] + small(15)]))
    # block amax spread: e4m3 subnormal scales and scales rounding to 0
    blocks = [[f2b(1.0)] + small(15)]
    for k in range(-2, -16, -1):
        blocks.append([f2b(RNG.uniform(-1, 1) * 2.0 ** k) for _ in range(16)])
    out.append(blocks_tensor(blocks))
    # negative values rounding to zero
    out.append(blocks_tensor([[f2b(6.0)] + [f2b(-RNG.uniform(0, 0.25)) for _ in range(15)]]))
    # Rounding order of the f32 ops: block amaxes whose sdb = f32(bamax *
    # f32(S_enc * f32(1/6))) lands within a few ulps of an E4M3 midpoint, and
    # elements whose x * S_encb lands within a few ulps of an E2M1 midpoint,
    # under an arbitrary S_enc.
    for _ in range(8):
        gamax = b2f((RNG.randint(90, 160) << 23) | RNG.getrandbits(23))
        s_enc, s_dec = mxref.nvfp4_tensor_scales([gamax])
        k = mxref.f32_round(mxref.Fraction(s_enc) * mxref.Fraction(mxref.f32_round(
            mxref.Fraction(1, 6))))
        blocks = [[f2b(gamax)] + small(15)]
        for _ in range(12):
            m = RNG.choice(mxref.E4M3.mids[8:])
            bamax_bits = f2b(m / k) + RNG.randint(-3, 3)
            bamax = b2f(bamax_bits)
            if not (0 < bamax <= gamax):
                continue
            sdb = mxref.f32_round(mxref.Fraction(bamax) * mxref.Fraction(k))
            scale = mxref.E4M3.vals[mxref.E4M3.mag_code(sdb)]
            p = mxref.f32_round(mxref.Fraction(scale) * mxref.Fraction(s_dec))
            s_encb = mxref.f32_round(1 / mxref.Fraction(p))
            blk = [bamax_bits]
            while len(blk) < 16:
                t = RNG.choice(mxref.E2M1.mids) / s_encb
                b = f2b(t) + RNG.randint(-2, 2)
                if b2f(b) > bamax:
                    b = f2b(RNG.uniform(0, bamax))
                blk.append(neg(b) if RNG.random() < 0.5 else b)
            blocks.append(blk)
        out.append(blocks_tensor(blocks))
    # 2-D: 16x16 tiles with an Inf, a NaN and a zero tile, 128x4 padding
    vals = [f2b(RNG.gauss(0, 1) * 2.0 ** ((i // 16) % 8)) for i in range(32 * 48)]
    vals[5 * 48 + 3] = 0x7f800000
    vals[20 * 48 + 40] = 0x7fc00000
    for r in range(16, 32):
        for c in range(16, 32):
            vals[r * 48 + c] = 0x80000000 if (r + c) % 3 == 0 else 0
    out.append(((32, 48), (16, 16), vals))
    return out


# ---------------------------------------------------------------------------
# Decimal input tokens
# ---------------------------------------------------------------------------

def decimal_tokens(n):
    toks = ['0', '-0', '+0.0', '.5', '5.', '-.25e1', '1e-46', '-1e-46',
            '1.4e-45', '7e-46', '7.006492321624086e-46', '7.0064923216240862e-46',
            '1.1754942e-38', '1.17549435e-38', '3.4028235e38', '-3.4028234663852886e38',
            '340282356779733661637539395458142568447', '16777217', '16777219',
            '0.1', '1e+1', '1E-1', 'inf', '-inf', 'INF', 'Infinity', '+inf',
            '0.333333333333333333333333333333333', '1e-400', '-1e-99999',
            '00000000000000000000001.5', '2.5000000000000000000000000001',
            # exactly half the least subnormal (ties to 0) and just above
            '7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46',
            '-7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46',
            '7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015626e-46',
            # FLT_MAX + half an ulp minus a little (FLT_MAX); 1.5 ulp ties
            '340282356779733661637539395458142568447.9999', '1.00000017881393432617187500',
            '1.00000005960464477539062500', '0.' + '0' * 300 + '1', '1' + '0' * 30 + 'e-30']
    while len(toks) < n:
        kind = RNG.randrange(3)
        if kind == 0:
            toks.append(repr(RNG.gauss(0, 1) * 10 ** RNG.randint(-40, 38)))
        elif kind == 1:
            toks.append('%.*e' % (RNG.randint(0, 12), RNG.uniform(-9.99, 9.99) *
                                  10 ** RNG.randint(-45, 37)))
        else:                                # exact f32 midpoints in decimal
            b = RNG.getrandbits(31) % 0x7f7fffff
            lo, hi = b2f(b), b2f(b + 1)
            from fractions import Fraction
            mid = (Fraction(lo) + Fraction(hi)) / 2
            # exact decimal expansion of a dyadic rational
            den = mid.denominator
            k = den.bit_length() - 1
            digits = mid.numerator * 5 ** k
            s = str(digits)
            if k > 0:
                s = s.rjust(k + 1, '0')
                s = s[:-k] + '.' + s[-k:]
            toks.append(s)
    return toks[:n]


# ---------------------------------------------------------------------------
# Case assembly
# ---------------------------------------------------------------------------

CASES = []   # (argv, stdin bytes)


def add(argv, vals, raw=None):
    data = raw if raw is not None else ' '.join(tok(v) for v in vals)
    # vary the whitespace a little
    if RNG.random() < 0.3:
        data = data.replace(' ', RNG.choice(['\n', '\t', '  ', ' \r\n']))
    CASES.append((argv, data.encode()))


def shape_arg(r, c):
    return ['--shape=%dx%d' % (r, c)]


def build_cases():
    for fmt in MX_PRESETS:
        elem = mxref.PRESETS[fmt][0]
        for mode in mxref.PRESETS[fmt][3]:
            base = ['--format=' + fmt, '--scale-mode=' + mode]
            # every edge category: one block each, 1x32 blocks
            edge = [v for blk in mx_edge_blocks(elem, mode, 32) for v in blk]
            add(base, edge)
            add(base + ['--emit=stats'], edge)
            add(base + ['--emit=packed'], edge)
            # edge categories as 2-D 4x8 tiles
            edge2 = [v for blk in mx_edge_blocks(elem, mode, 32) for v in blk]
            nb = len(edge2) // 32
            # place the blocks of a (4*nb) x 8 tensor: tile 4x8 is a column of
            # the grid; rearrange so each tile holds one edge block
            rows = []
            for bi in range(nb):
                blk = edge2[bi * 32:(bi + 1) * 32]
                rows += [blk[r * 8:(r + 1) * 8] for r in range(4)]
            add(base + shape_arg(4 * nb, 8) + ['--tile=4x8'],
                [v for r in rows for v in r])
            # random tensors
            add(base, rand_mixed_blocks(16, 32))
            add(base + ['--emit=stats'], rand_normal(32 * 8))
            add(base + ['--emit=stats'], rand_mixed_blocks(8, 32))
            r, c = RNG.choice([(2, 64), (3, 96), (5, 32), (8, 128)])
            add(base + shape_arg(r, c) + ['--emit=packed'],
                rand_mixed_blocks(r * c // 32, 32))
            add(base + shape_arg(r, c) + ['--emit=packed', '--scale-layout=128x4'],
                rand_mixed_blocks(r * c // 32, 32))
            add(base + shape_arg(16, 32) + ['--tile=16x16'],
                rand_mixed_blocks(16, 32))
            add(base + shape_arg(8, 12) + ['--tile=2x3'], rand_wide(96))
        # default mode (no flag), rowmajor explicit, odd packed sizes
        add(['--format=' + fmt], rand_mixed_blocks(4, 32))
        add(['--format=' + fmt, '--emit=packed', '--scale-layout=rowmajor',
             '--tile=1x3'], rand_wide(9))
        add(['--format=' + fmt, '--emit=packed', '--tile=1x5'], rand_wide(5))
        add(['--format=' + fmt, '--emit=packed', '--tile=1x1'], rand_wide(7))
        # 128x4 with padding in both directions: grid 130 x 5, and 1 x 1
        add(['--format=' + fmt, '--emit=packed', '--scale-layout=128x4'] +
            shape_arg(130, 160), rand_mixed_blocks(130 * 5, 32))
        add(['--format=' + fmt, '--emit=packed', '--scale-layout=128x4'],
            rand_normal(32))
        add(['--format=' + fmt, '--emit=codes', '--scale-layout=128x4',
             '--tile=1x8'], rand_wide(64))
        # decimal tokens
        toks = decimal_tokens(64)
        add(['--format=' + fmt, '--tile=1x16'], None, raw=' '.join(toks))
        add(['--format=' + fmt, '--emit=stats', '--tile=1x8'], None,
            raw=' '.join(decimal_tokens(64)))
        # every f32 bit pattern class with the default mode, tile 1x1
        add(['--format=' + fmt, '--tile=1x1'], rand_bits(64) + [0x7f800000])

    nv = ['--format=nvfp4']
    for shape, tile, vals in nv_edge_tensors():
        extra = shape_arg(*shape) + (['--tile=%dx%d' % tile] if tile else [])
        add(nv + extra, vals)
        add(nv + extra + ['--emit=stats'], vals)
        add(nv + extra + ['--emit=packed'], vals)
        add(nv + extra + ['--emit=packed', '--scale-layout=128x4'], vals)
    for _ in range(6):
        add(nv, rand_mixed_blocks(16, 16))
        add(nv + ['--emit=stats'], rand_normal(64, -3, 3))
        add(nv + ['--emit=stats'], rand_mixed_blocks(8, 16))
    for r, c in ((16, 16), (32, 64), (48, 32)):
        vals = rand_mixed_blocks(r * c // 16, 16)
        add(nv + shape_arg(r, c) + ['--tile=16x16'], vals)
        add(nv + shape_arg(r, c) + ['--tile=16x16', '--emit=packed',
                                    '--scale-layout=128x4'], vals)
        add(nv + shape_arg(r, c) + ['--tile=16x16', '--emit=stats'], vals)
    vals = rand_normal(130 * 64, -4, 4)
    add(nv + shape_arg(130, 64) + ['--emit=packed', '--scale-layout=128x4'], vals)
    add(nv + shape_arg(130, 64) + ['--emit=packed'], vals)
    add(nv + ['--tile=1x16'], None, raw=' '.join(decimal_tokens(64)))
    add(nv + ['--tile=1x2'], rand_wide(64))
    add(nv + ['--tile=1x1'], rand_bits(63) + [0x7fc00000])

    # Per-tensor FP8: NVFP4's edge tensors (one tensor amax each), random
    # and wide tensors, every f32 bit pattern class, decimal inputs, every
    # emit kind; --tile and --scale-mode are errors.
    pt = ['--format=fp8_e4m3_tensor']
    for shape, tile, vals in nv_edge_tensors():
        for emit in ('codes', 'packed', 'stats'):
            add(pt + shape_arg(*shape) + ['--emit=' + emit], vals)
    add(pt + shape_arg(8, 16), rand_normal(128, -30, 30))
    add(pt, rand_wide(64))
    add(pt, rand_bits(63) + [0x7fc00000])
    add(pt + ['--emit=stats'], rand_bits(64))
    add(pt, [pow2_bits(-149), neg(pow2_bits(-149)), 0, neg(0)])
    add(pt, [0x7f7fffff, neg(0x7f7fffff), pow2_bits(0), 1])
    add(pt, None, raw=' '.join(decimal_tokens(64)))
    add(pt + ['--tile=1x16'], [0] * 16)
    add(pt + ['--scale-mode=floor'], [0] * 16)
    add(pt + ['--emit=packed', '--scale-layout=128x4'], rand_normal(16))

    # Errors: both sides must fail (exit 1, nothing on stdout).
    add(['--format=mxint8', '--scale-mode=even'], [0] * 32)
    add(['--format=nvfp4', '--scale-mode=floor'], [0] * 16)
    add(['--format=nvfp4', '--scale-mode=rceil'], [0] * 16)
    add(['--format=mxfp4'], None, raw='3.4028236e38 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='1e39 ' + '0 ' * 31)
    add(['--format=mxfp4'], None,
        raw='340282356779733661637539395458142568448 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='-3.4028235677973366163753939545814256845e38 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='0x1p3 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='0x0000000 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='1_0 ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='nan(1) ' + '0 ' * 31)
    add(['--format=mxfp4'], None, raw='')
    add(['--format=mxfp4'], None, raw=' \n\t ')
    add(['--format=mxfp4'], [0] * 31)
    add(['--format=mxfp4', '--shape=2x32'], [0] * 32)
    add(['--format=mxfp4', '--shape=2x16'], [0] * 32)
    add(['--format=nvfp4', '--shape=16x16', '--tile=16x16'], [0] * 255)
    add(['--format=mxfp4', '--shape=4x32', '--tile=3x32'], [0] * 128)
    add(['--format=mxfp4', '--emit=bytes'], [0] * 32)
    add(['--format=mxfp4', '--scale-layout=32x4'], [0] * 32)
    add(['--format=mxfp4', '--scale-mode=round'], [0] * 32)
    add(['--format=fp4'], [0] * 32)
    add(['--format=mxfp4', '--bogus=1'], [0] * 32)


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def run_tool(tool, case):
    argv, data = case
    p = subprocess.run([tool] + argv, input=data, capture_output=True)
    return p.returncode, p.stdout.decode('latin-1'), p.stderr.decode('latin-1')


def main():
    tool = sys.argv[1]
    verbose = '-v' in sys.argv[2:]
    build_cases()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_tool, tool, c) for c in CASES]
        mismatches = 0
        nvalues = 0
        nerr = 0
        for case, fut in zip(CASES, futures):
            argv, data = case
            rc, out, err = fut.result()
            rrc, rout, rerr = mxref.run(argv, data)
            problem = None
            if rc != rrc:
                problem = 'exit status %d, reference %d (%s)' % (rc, rrc, rerr.strip())
            elif out != rout:
                problem = 'stdout differs'
            elif rc != 0:
                nerr += 1
                if out or err.count('\n') != 1 or not err.endswith('\n') or rc != 1:
                    problem = 'error run: status %d, stdout %r, stderr %r' % (rc, out, err)
            else:
                nvalues += len(data.split())
            if problem:
                mismatches += 1
                print('MISMATCH: mx-quant %s: %s' % (' '.join(argv), problem))
                if mismatches <= 10 or verbose:
                    print('  input: %s' % data.decode('latin-1')[:2000])
                    print('  stderr: %s' % err.strip())
                    ol, rl = out.splitlines(), rout.splitlines()
                    shown = 0
                    for i in range(max(len(ol), len(rl))):
                        a = ol[i] if i < len(ol) else '<none>'
                        b = rl[i] if i < len(rl) else '<none>'
                        if a != b and shown < 4:
                            print('  mx-quant : %s' % a[:3000])
                            print('  reference: %s' % b[:3000])
                            shown += 1
    print('differential: %d runs (%d error runs), %d values, %d mismatches'
          % (len(CASES), nerr, nvalues, mismatches))
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main())
