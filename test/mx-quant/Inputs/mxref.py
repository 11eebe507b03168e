#!/usr/bin/env python3
"""Independent Python reference for the mx-quant command-line contract.

Implements docs/Numerics.md (sections 1, 2, 3, 5) and the
mx-quant interface without looking at how lib/Numerics does it:

* Every value is held exactly: f32 values as Python floats (a double holds
  every f32 exactly), intermediate products/quotients as fractions.Fraction.
* Rounding to f32 (where the spec orders an f32 operation: NVFP4's S_enc,
  S_dec, S_enc*f32(1/6), sdb, f32(sdb_e4)*S_dec, S_encb, x*S_encb, the
  decode products, RCEIL's descale) is done by `f32_round`, an integer
  round-to-nearest-even of the exact rational result, subnormals and
  overflow to Inf included.  Each op is computed exactly and rounded once.
* Element rounding enumerates the element format's value table (decoded from
  the bit-field definition of section 1) and picks the nearest entry, ties to
  the even code; anything above the largest entry is the largest entry
  (satfinite).  The midpoint comparison is done on doubles, where it is exact
  (every table value and midpoint has at most 6 significant bits, and the
  scaled input |x|*2^-X is a power-of-two scaling of an f32 inside the double
  normal range).
* Scale selection uses math.frexp (exact) for floor/ceil log2.

Usage: mxref.py [mx-quant arguments] < values   (same stdout, exit status 1
and one stderr line on every error).  `run(argv, data)` is the library entry
point used by diff.py.
"""

import bisect
import math
import re
import struct
import sys
from fractions import Fraction

if hasattr(sys, 'set_int_max_str_digits'):    # long decimal literals
    sys.set_int_max_str_digits(0)

FLT_MAX = struct.unpack('<f', b'\xff\xff\x7f\x7f')[0]
INF = float('inf')


class MxError(Exception):
    pass


# --------------------------------------------------------------------------
# f32 helpers
# --------------------------------------------------------------------------

def f32_round(q):
    """Round an exact rational (Fraction/int/float, finite) to f32 with RNE.

    Returns a Python float (exact f32 value, or +-inf on overflow).  The sign
    of a zero result is lost (callers track signs where it matters)."""
    q = Fraction(q)
    if q == 0:
        return 0.0
    neg = q < 0
    n, d = abs(q.numerator), q.denominator
    e = n.bit_length() - d.bit_length()          # floor(log2) is e or e-1
    if (n << max(0, -e)) < (d << max(0, e)):
        e -= 1
    qe = max(e, -126) - 23                       # quantum exponent of f32
    if qe >= 0:
        num, den = n, d << qe
    else:
        num, den = n << -qe, d
    k, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and (k & 1)):
        k += 1
    if qe >= 128 or k >= (1 << (128 - qe)):
        v = INF
    else:
        v = math.ldexp(k, qe)
    return -v if neg else v


def bits_to_f32(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def f32_to_bits(v):
    if v != v:
        return 0x7fc00000
    return struct.unpack('<I', struct.pack('<f', v))[0]


def hex_f32(v):
    return '%08x' % f32_to_bits(v)


def floor_log2(a):
    """Exact floor(log2 a) for a finite float a > 0."""
    m, e = math.frexp(a)        # a = m * 2^e, 0.5 <= m < 1
    return e - 1


def ceil_log2(a):
    m, e = math.frexp(a)
    return e - 1 if m == 0.5 else e


# --------------------------------------------------------------------------
# Element formats: value tables built from the bit-field definitions.
# --------------------------------------------------------------------------

class Elem:
    def __init__(self, name, bits, ebits, mbits, bias, emax, nan_codes):
        self.name, self.bits, self.ebits, self.mbits = name, bits, ebits, mbits
        self.bias, self.emax = bias, emax
        self.sign = 1 << (bits - 1)
        vals = []                                    # magnitude of code c
        for c in range(self.sign):
            if c in nan_codes:
                break                                # NaN/Inf codes sit on top
            if ebits == 0:                           # INT8: c * 2^-6
                vals.append(math.ldexp(c, -6))
                continue
            ef, mf = c >> mbits, c & ((1 << mbits) - 1)
            if ef == 0:
                vals.append(math.ldexp(mf, 1 - bias - mbits))
            else:
                vals.append(math.ldexp((1 << mbits) + mf, ef - bias - mbits))
        self.vals = vals
        self.maxnorm = vals[-1]
        # midpoints between neighbours (exact in double)
        self.mids = [(vals[i] + vals[i + 1]) / 2 for i in range(len(vals) - 1)]

    def mag_code(self, a):
        """Nearest table index for a >= 0 (float, exact); ties to even."""
        i = bisect.bisect_left(self.mids, a)
        if i < len(self.mids) and self.mids[i] == a:     # exact tie
            return i if i % 2 == 0 else i + 1
        return i

    def encode(self, v, neg):
        """Code of a value of magnitude v (float >= 0 or inf) and sign neg."""
        c = self.mag_code(v)
        if self.ebits == 0:                              # INT8 two's complement
            return ((-c) & 0xff) if neg else c
        return c | (self.sign if neg else 0)

    def decode(self, code):
        """(magnitude, negative) of a code."""
        if self.ebits == 0:
            s = code - 256 if code >= 128 else code
            return math.ldexp(abs(s), -6), s < 0
        return self.vals[code & (self.sign - 1)], bool(code & self.sign)


E2M1 = Elem('e2m1', 4, 2, 1, 1, 2, ())
E2M3 = Elem('e2m3', 6, 2, 3, 1, 2, ())
E3M2 = Elem('e3m2', 6, 3, 2, 3, 4, ())
E4M3 = Elem('e4m3', 8, 4, 3, 7, 8, (0x7f,))
E5M2 = Elem('e5m2', 8, 5, 2, 15, 15, (0x7c, 0x7d, 0x7e, 0x7f))
INT8 = Elem('int8', 8, 0, 6, 0, 0, ())

assert E2M1.vals == [0, 0.5, 1, 1.5, 2, 3, 4, 6]
assert E2M3.maxnorm == 7.5 and E3M2.maxnorm == 28
assert E4M3.maxnorm == 448 and E5M2.maxnorm == 57344
assert INT8.maxnorm == 127 / 64

PRESETS = {
    # name: (element, tensor scale (nvfp4), default block, allowed modes)
    'mxfp8_e4m3': (E4M3, False, 32, ('floor', 'rceil', 'ceil', 'even')),
    'mxfp8_e5m2': (E5M2, False, 32, ('floor', 'rceil', 'ceil', 'even')),
    'mxfp6_e2m3': (E2M3, False, 32, ('floor', 'rceil', 'ceil', 'even')),
    'mxfp6_e3m2': (E3M2, False, 32, ('floor', 'rceil', 'ceil', 'even')),
    'mxfp4': (E2M1, False, 32, ('floor', 'rceil', 'ceil', 'even')),
    'mxint8': (INT8, False, 32, ('floor', 'rceil', 'ceil')),
    'nvfp4': (E2M1, True, 16, ()),
    # Per-tensor FP8: one FP32 scale, no blocks (default block: the tensor).
    'fp8_e4m3_tensor': (E4M3, True, None, ()),
}


# --------------------------------------------------------------------------
# OCP MX block (E8M0 scale)
# --------------------------------------------------------------------------

def e8m0_exponent(elem, mode, amax):
    """Unclamped-then-clamped scale exponent X (code = X + 127)."""
    if mode == 'rceil':
        inv = f32_round(Fraction(1) / Fraction(elem.maxnorm))
        descale = f32_round(Fraction(amax) * Fraction(inv))
        if descale == 0:
            return -127
        return max(-127, min(127, ceil_log2(descale)))
    if amax == 0:
        return -127
    if mode == 'floor':
        x = floor_log2(amax) - elem.emax
    elif mode == 'ceil':
        x = ceil_log2(amax) - elem.emax
    elif mode == 'even':
        # Round amax half-up to mbits fraction bits of its own binade
        # (f32 exponent field: subnormals use binade 2^-126, but every such X
        # clamps to -127 anyway), then take the floor of log2.
        e = max(floor_log2(amax), -126)
        unit = Fraction(2) ** (e - elem.mbits)
        r = math.floor(Fraction(amax) / unit + Fraction(1, 2)) * unit
        x = (e + 1 if r >= Fraction(2) ** (e + 1) else e) - elem.emax
    else:
        raise AssertionError(mode)
    return max(-127, min(127, x))


def quantize_mx(values, blocks, elem, mode):
    """Returns (scales, codes per element (None = '*'), decoded per element)."""
    n = len(values)
    codes = [0] * n
    star = [False] * n
    dec = [0.0] * n
    scales = []
    for idx in blocks:
        blk = [values[i] for i in idx]
        if any(math.isnan(v) or math.isinf(v) for v in blk):
            scales.append(0xff)
            for i in idx:
                star[i] = True
                dec[i] = float('nan')
            continue
        amax = max(abs(v) for v in blk)
        x = e8m0_exponent(elem, mode, amax)
        scales.append(x + 127)
        for i in idx:
            v = values[i]
            neg = math.copysign(1.0, v) < 0
            a = math.ldexp(abs(v), -x)              # exact in double
            c = elem.encode(a, neg)
            codes[i] = c
            mag, cneg = elem.decode(c)
            d = f32_round(Fraction(mag) * Fraction(2) ** x)
            dec[i] = -d if cneg else d
    return scales, codes, star, dec


# --------------------------------------------------------------------------
# NVFP4
# --------------------------------------------------------------------------

def fmin_flt_max(v):
    return FLT_MAX if v > FLT_MAX else v


def nvfp4_tensor_scales(values, target=2688):
    gamax = 0.0
    for v in values:
        if not math.isnan(v):
            gamax = max(gamax, abs(v))
    if gamax == 0 or math.isinf(gamax):          # 2688/inf = 0 -> S_enc = 1
        s_enc = 1.0
    else:
        s_enc = fmin_flt_max(f32_round(Fraction(target) / Fraction(gamax)))
        if s_enc == 0:
            s_enc = 1.0
    s_dec = f32_round(Fraction(1) / Fraction(s_enc))
    return s_enc, s_dec


def quantize_nvfp4(values, blocks):
    n = len(values)
    codes = [0] * n
    star = [False] * n
    dec = [0.0] * n
    scales = []
    s_enc, s_dec = nvfp4_tensor_scales(values)
    inv6 = f32_round(Fraction(1, 6))
    k = f32_round(Fraction(s_enc) * Fraction(inv6))
    for idx in blocks:
        blk = [values[i] for i in idx]
        if any(math.isnan(v) for v in blk):
            scales.append(0x7f)
            for i in idx:
                star[i] = True
                dec[i] = float('nan')
            continue
        bamax = max(abs(v) for v in blk)
        sdb = INF if math.isinf(bamax) else f32_round(Fraction(bamax) * Fraction(k))
        sdb = fmin_flt_max(sdb)
        scode = E4M3.mag_code(sdb)                   # RNE satfinite, sign clear
        scale = E4M3.vals[scode]
        scales.append(scode)
        p = f32_round(Fraction(scale) * Fraction(s_dec))
        s_encb = INF if p == 0 else f32_round(Fraction(1) / Fraction(p))
        s_encb = fmin_flt_max(s_encb)
        for i in idx:
            v = values[i]
            neg = math.copysign(1.0, v) < 0
            y = INF if math.isinf(v) else f32_round(Fraction(abs(v)) * Fraction(s_encb))
            c = E2M1.encode(abs(y), neg)
            codes[i] = c
            mag, cneg = E2M1.decode(c)
            t = f32_round(Fraction(mag) * Fraction(scale))
            d = f32_round(Fraction(t) * Fraction(s_dec))
            dec[i] = -d if cneg else d
    return scales, codes, star, dec, s_dec


def quantize_fp8_tensor(values):
    """Per-tensor FP8 E4M3: S_enc = 448 / amax (NaN ignored), q = E4M3
    RNE satfinite of f32(x * S_enc), decode f32(e4m3 * S_dec)."""
    s_enc, s_dec = nvfp4_tensor_scales(values, target=448)
    codes, dec = [], []
    for v in values:
        if math.isnan(v):
            codes.append(0x7f)
            dec.append(float('nan'))
            continue
        neg = math.copysign(1.0, v) < 0
        y = INF if math.isinf(v) else f32_round(Fraction(abs(v)) * Fraction(s_enc))
        c = E4M3.encode(y, neg)
        codes.append(c)
        mag, cneg = E4M3.decode(c)
        d = f32_round(Fraction(mag) * Fraction(s_dec))
        dec.append(-d if cneg else d)
    return codes, dec, s_dec


# --------------------------------------------------------------------------
# Blocks, packing, layouts, stats
# --------------------------------------------------------------------------

def block_indices(rows, cols, tr, tc):
    out = []
    for br in range(rows // tr):
        for bc in range(cols // tc):
            out.append([(br * tr + r) * cols + bc * tc + c
                        for r in range(tr) for c in range(tc)])
    return out


def pack_elements(elem, codes):
    if elem.bits == 8:
        return bytes(codes)
    acc = 0
    for j, c in enumerate(codes):       # little-endian bit stream
        acc |= c << (elem.bits * j)
    nbytes = (elem.bits * len(codes) + 7) // 8
    return acc.to_bytes(nbytes, 'little')


def layout_128x4(scales, m, k):
    mp = -(-m // 128) * 128
    kp = -(-k // 4) * 4
    out = bytearray(mp * kp)
    for r in range(m):
        for c in range(k):
            off = (((r // 128) * (kp // 4) + c // 4) * 512 + (r % 32) * 16
                   + ((r % 128) // 32) * 4 + (c % 4))
            out[off] = scales[r * k + c]
    return bytes(out)


def fmt_stat(v):
    if v != v:
        return 'nan'
    return '%.9g' % v


def stats_line(values, dec, elem, nblocks, tensor_scale):
    sum_sq = 0.0
    sum_err = 0.0
    max_abs = 0.0
    count = 0
    for x, d in zip(values, dec):
        if math.isinf(x) or math.isnan(x):
            continue
        err = x - d                                  # double, as specified
        sum_sq += x * x
        sum_err += err * err
        if err != err:
            max_abs = float('nan')
        elif abs(err) > max_abs:
            max_abs = abs(err)
        count += 1

    def div(a, b):
        if b == 0:
            if a != a or a == 0:
                return float('nan')
            return math.copysign(INF, a)
        return a / b

    mse = div(sum_err, float(count))
    rel = div(sum_err, sum_sq)
    if rel != rel:
        sqnr = float('nan')
    elif rel == 0:
        sqnr = INF
    elif math.isinf(rel):
        sqnr = -INF
    else:
        sqnr = -10.0 * math.log10(rel)
    n = len(values)
    bits = (n * elem.bits + 8.0 * nblocks + (32.0 if tensor_scale else 0.0)) / n
    return '\t'.join(fmt_stat(s) for s in (mse, rel, sqnr, max_abs, bits)) + '\n'


# --------------------------------------------------------------------------
# Input parsing
# --------------------------------------------------------------------------

DEC_RE = re.compile(r'^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$')
HEX_RE = re.compile(r'^0[xX]([0-9a-fA-F]{8})$')
WS = b' \t\n\r\v\f'


def parse_value(tok):
    if tok[:2] in ('0x', '0X'):
        m = HEX_RE.match(tok)
        if not m:
            raise MxError("invalid value '%s'" % tok)
        return bits_to_f32(int(m.group(1), 16))
    body = tok[1:] if tok[:1] in ('+', '-') else tok
    neg = tok[:1] == '-'
    low = body.lower()
    if low in ('inf', 'infinity'):
        return -INF if neg else INF
    if low == 'nan':
        return float('nan')
    m = DEC_RE.match(tok)
    if not m:
        raise MxError("invalid value '%s'" % tok)
    ip, fp1, fp2, ex = m.group(2), m.group(3), m.group(4), m.group(5)
    digits = ((ip or '') + (fp1 or '') + (fp2 or '')).lstrip('0')
    nfrac = len(fp1 or '') + len(fp2 or '')
    e10 = int(ex or '0') - nfrac
    if not digits:
        return -0.0 if neg else 0.0
    mag10 = len(digits) + e10             # value < 10^mag10
    if mag10 > 40:
        raise MxError("value '%s' overflows f32" % tok)
    if mag10 < -60:                        # far below half the least subnormal
        return -0.0 if neg else 0.0
    q = Fraction(int(digits)) * Fraction(10) ** e10
    v = f32_round(q)
    if math.isinf(v):
        raise MxError("value '%s' overflows f32" % tok)
    if v == 0:
        return -0.0 if neg else 0.0
    return -v if neg else v


def parse_dims(s):
    m = re.match(r'^(\d+)x(\d+)$', s)
    if not m:
        return None
    r, c = int(m.group(1)), int(m.group(2))
    if r <= 0 or c <= 0 or r > (1 << 40) or c > (1 << 40):
        return None
    return r, c


FLAGS = ('--format', '--scale-mode', '--shape', '--tile', '--emit',
         '--scale-layout')


def parse_args(argv):
    opts = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition('=')
        if name not in FLAGS:
            raise MxError("unknown argument '%s'" % arg)
        if not eq:
            if i + 1 >= len(argv):
                raise MxError('missing value for ' + name)
            i += 1
            value = argv[i]
        if name in opts:
            raise MxError(name + ' given more than once')
        opts[name] = value
        i += 1
    return opts


def run(argv, data):
    """Returns (exit status, stdout text, stderr text)."""
    try:
        return 0, run_checked(argv, data), ''
    except MxError as e:
        return 1, '', 'mxref: error: %s\n' % e


def run_checked(argv, data):
    opts = parse_args(argv)
    if '--format' not in opts:
        raise MxError('missing --format')
    if opts['--format'] not in PRESETS:
        raise MxError('unknown format')
    elem, tensor_scale, dblock, modes = PRESETS[opts['--format']]
    per_tensor = dblock is None
    mode = 'floor'
    if '--scale-mode' in opts:
        mode = opts['--scale-mode']
        if mode not in ('floor', 'rceil', 'ceil', 'even'):
            raise MxError('unknown scale mode')
        if mode not in modes:
            raise MxError('scale mode not valid for the format')
    if per_tensor and '--tile' in opts:
        raise MxError('a per-tensor format takes no --tile')
    emit = opts.get('--emit', 'codes')
    if emit not in ('codes', 'packed', 'stats'):
        raise MxError('unknown emit kind')
    layout = opts.get('--scale-layout', 'rowmajor')
    if layout not in ('rowmajor', '128x4'):
        raise MxError('unknown scale layout')
    shape = tile = None
    if '--shape' in opts:
        shape = parse_dims(opts['--shape'])
        if shape is None:
            raise MxError('invalid --shape')
    if '--tile' in opts:
        tile = parse_dims(opts['--tile'])
        if tile is None:
            raise MxError('invalid --tile')

    toks = [t for t in re.split(b'[ \t\n\r\v\f]+', data) if t]
    values = [parse_value(t.decode('latin-1')) for t in toks]
    if not values:
        raise MxError('empty input')
    rows, cols = 1, len(values)
    if shape:
        rows, cols = shape
        if rows * cols != len(values):
            raise MxError('shape does not match the values read')
    tr, tc = tile if tile else ((rows, cols) if per_tensor else (1, dblock))
    if rows % tr or cols % tc:
        raise MxError('block does not divide shape')

    blocks = block_indices(rows, cols, tr, tc)
    s_dec = None
    if per_tensor:
        codes, dec, s_dec = quantize_fp8_tensor(values)
        star = [False] * len(values)
        scales = None
    elif tensor_scale:
        scales, codes, star, dec, s_dec = quantize_nvfp4(values, blocks)
    else:
        scales, codes, star, dec = quantize_mx(values, blocks, elem, mode)

    out = []
    if emit == 'codes':
        if tensor_scale:
            out.append('global\t%s\n' % hex_f32(s_dec))
        for b, idx in enumerate(blocks):
            # A NaN-scale block's codes are unspecified: the field is '*'.
            cs = '*' if any(star[i] for i in idx) else ','.join(
                '%02x' % codes[i] for i in idx)
            ds = ','.join(hex_f32(dec[i]) for i in idx)
            sc = '-' if per_tensor else '%02x' % scales[b]
            out.append('%d\t%s\t%s\t%s\n' % (b, sc, cs, ds))
    elif emit == 'packed':
        out.append('elements\t%s\n' % pack_elements(elem, codes).hex())
        if not per_tensor:
            if layout == 'rowmajor':
                sb = bytes(scales)
            else:
                sb = layout_128x4(scales, rows // tr, cols // tc)
            out.append('scales\t%s\n' % sb.hex())
        if tensor_scale:
            out.append('global\t%s\n' % hex_f32(s_dec))
    else:
        out.append(stats_line(values, dec, elem,
                              0 if per_tensor else len(blocks), tensor_scale))
    return ''.join(out)


def main():
    rc, out, err = run(sys.argv[1:], sys.stdin.buffer.read())
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == '__main__':
    sys.exit(main())
