#!/usr/bin/env python3
"""Compiled code against the reference library, bit for bit.

  differential.py gen SUITE    writes an MLIR module to stdout
  differential.py check SUITE  reads mlir-runner's output from stdin

Every case of SUITE (quantize, nvfp4, fp8_tensor, convert, matmul, hadamard,
...) is one MX
computation evaluated twice on the same inputs: folded at compile time in
@main, where its operands are constants (mx-opt --canonicalize: the folders
call the reference library), and by compiled code, in a function taking the
inputs as arguments (mx-cpu-pipeline). Both print the same bit patterns
(element codes, scale bytes, tensor scale, f32 results) through
printMemrefI32, folded first; `check` compares them pairwise and prints one
summary line. The inputs cover every edge category of docs/Numerics.md.

MX_DIFF_SAMPLE=N (environment; default 1, every case) keeps the first case
of a suite and about one in N of the others, chosen by a hash of the case
name and MX_DIFF_SEED (default 0), the same in `gen` and `check`. The
sanitized build (utils/sanitize.sh) runs these suites sampled.
"""
import functools
import os
import random
import struct
import sys
import zlib

NAN, INF, NINF, FMAX = 0x7FC00000, 0x7F800000, 0xFF800000, 0x7F7FFFFF
SIGN = 0x80000000


def bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def pow2(e):
    """Bits of 2^e for a normal f32 exponent."""
    return (e + 127) << 23


def scaled(b, e):
    """f32(b * 2^e); exact unless it lands among the subnormals."""
    return bits(struct.unpack('<f', struct.pack('<I', b))[0] * 2.0 ** e)


# preset: element type, code bits, mantissa bits, bias, emax, max, modes
PRESETS = {
    'mxfp8_e4m3': ('f8E4M3FN', 8, 3, 7, 8, 448.0),
    'mxfp8_e5m2': ('f8E5M2', 8, 2, 15, 15, 57344.0),
    'mxfp6_e2m3': ('f6E2M3FN', 6, 3, 1, 2, 7.5),
    'mxfp6_e3m2': ('f6E3M2FN', 6, 2, 3, 4, 28.0),
    'mxfp4': ('f4E2M1FN', 4, 1, 1, 2, 6.0),
    'mxint8': ('i8', 8, 6, 0, 0, 127 / 64),
    'nvfp4': ('f4E2M1FN', 4, 1, 1, 2, 6.0),
    'fp8_e4m3_tensor': ('f8E4M3FN', 8, 3, 7, 8, 448.0),
}
# Formats with a tensor scale; fp8_e4m3_tensor has no block scales at all.
TENSOR_SCALED = ('nvfp4', 'fp8_e4m3_tensor')
PER_TENSOR = ('fp8_e4m3_tensor',)
E8M0_MODES = ['floor', 'rceil', 'ceil', 'even']


def modes_of(preset):
    if preset in TENSOR_SCALED:
        return [None]
    return [m for m in E8M0_MODES if not (preset == 'mxint8' and m == 'even')]


def gauss_row(rng, n, scale):
    return [bits(rng.gauss(0.0, 1.0) * scale) for _ in range(n)]


def ties(preset):
    """Exact ties of the element grid under scale 1 (amax 2^emax)."""
    _, _, m, bias, emax, _ = PRESETS[preset]
    if preset == 'mxint8':
        return [bits((k + 0.5) / 64) for k in range(64)]
    out = [bits((k + 0.5) * 2.0 ** (1 - bias - m)) for k in range(2 ** m)]
    for e in range(1 - bias, emax):
        out += [bits(2.0 ** e * (1 + (k + 0.5) / 2 ** m)) for k in range(2 ** m)]
    return out


def edge_rows(preset, rng):
    """Rows of 32 values; each row is a block (or two) of one category."""
    emax, maxv = PRESETS[preset][4], PRESETS[preset][5]
    rows = []

    def add(vals):
        vals = list(vals)[:32]
        vals += gauss_row(rng, 32 - len(vals), 0.25)
        rows.append(vals)

    add([0] * 32)                                          # all zero
    add([SIGN if i % 3 else 0 for i in range(32)])         # +-0 only
    add([SIGN, 0] + gauss_row(rng, 30, 2.0))               # -0 in a block
    add([rng.randint(1, 0x7FFFFF) | rng.choice([0, SIGN])  # f32 subnormals
         for _ in range(32)])
    add([1, SIGN | 1, 0x7FFFFF, 0x400000, 2, 0x800000, 0x800001,
         SIGN | 0x7FFFFF] + [0] * 24)                      # subnormal edges
    add([scaled(b, -120) for b in gauss_row(rng, 32, 1.0)])  # scale clamps
    add([NAN] + gauss_row(rng, 31, 3.0))                   # NaN in a block
    add(gauss_row(rng, 20, 1.0) + [0xFFC00001, 0x7F800001])  # NaN payloads
    add(gauss_row(rng, 10, 1.0) + [INF])                   # +Inf
    add([NINF] + [0] * 31)                                 # -Inf, zeros
    add([INF, NAN, FMAX])                                  # Inf, NaN, max
    for k in (emax, 0, -100, 100):                         # amax = 2^k
        add([pow2(k)] + [scaled(b, k - 3) for b in gauss_row(rng, 31, 1.0)])
        add([pow2(k) - 1] + [scaled(b, k - 3)              # one ulp below
                             for b in gauss_row(rng, 31, 1.0)])
    add([pow2(7) + 1, SIGN | pow2(7)])                     # one ulp above
    add([FMAX] + gauss_row(rng, 15, 1e30) + gauss_row(rng, 16, 1.0))
    add([SIGN | FMAX, 0x7EFFFFFF, 0x7F000000, 0x7F7FFFFE, 1])
    add([rng.randint(0x7F000000, FMAX) | rng.choice([0, SIGN])
         for _ in range(32)])                              # top binade
    add([bits(1792.0), bits(-7.0), bits(100.0), bits(0.1)])  # README block
    add([0x3FFFFFFF, bits(1.75), 0x3FC00001])              # clips (floor)
    for k in (0, 20, -30):                                 # rceil edges
        mb = scaled(bits(maxv), k)
        add([mb, mb + 1, mb - 1, SIGN | (mb - 1)])
        add([mb + 1] + [scaled(b, k) for b in gauss_row(rng, 31, 1.0)])
    t = ties(preset)
    t = [b | (SIGN if i % 2 else 0) for i, b in enumerate(t)]
    rng.shuffle(t)
    t = t[:93]
    for i in range(0, len(t), 31):                         # ties, scale 1
        add([pow2(emax)] + t[i:i + 31])
    near = [b + d for b in t[:62] for d in (1, -1)]        # tie neighbours
    for i in range(0, len(near), 31):
        add([pow2(emax)] + near[i:i + 31])
    for k in (-60, 90):                                    # ties elsewhere
        add([pow2(emax + k)] + [scaled(b, k) for b in t[:31]])
    for s in (1.0, 1e-3, 1e4):                             # random
        add(gauss_row(rng, 32, s))
    add([bits(rng.choice([-1, 1]) * 2.0 ** rng.randint(-40, 40) *
              rng.uniform(1, 2)) for _ in range(32)])     # wide range
    while len(rows) % 2:
        add([])
    return rows


def hexdense(rows):
    flat = [v for r in rows for v in r]
    return '"0x' + ''.join(struct.pack('<I', v).hex().upper()
                           for v in flat) + '"'


def mxtype(shape, preset, block=None):
    s = 'x'.join(map(str, shape))
    fmt = preset if preset in PRESETS else preset
    b = '' if block is None else ', block = [%s]' % ', '.join(map(str, block))
    return '!mx.tensor<%sx%s%s>' % (s, fmt, b)


def tt(shape, elem='f32'):
    return 'tensor<%sx%s>' % ('x'.join(map(str, shape)), elem)


SAMPLE = max(1, int(os.environ.get('MX_DIFF_SAMPLE') or 1))
SEED = os.environ.get('MX_DIFF_SEED') or '0'


def sampled(case):
    """Runs case(m, name, ...) unless MX_DIFF_SAMPLE leaves it out."""
    @functools.wraps(case)
    def run(m, name, *args, **kwargs):
        m.seen += 1
        key = ('%s:%s' % (SEED, name)).encode()
        if m.seen > 1 and zlib.crc32(key) % SAMPLE:
            return None
        return case(m, name, *args, **kwargs)
    return run


class Module:
    def __init__(self):
        self.seen = 0     # cases offered, sampled or not
        self.funcs = []
        self.main = []
        self.shows = {}
        self.cases = []   # (name, number of printed arrays per side)
        self.consts = {}
        self.n = 0
        # The compiled matmuls hold their weights (rhs) as constants, which
        # the integer-dot kernel reads re-laid at compile time
        # (docs/Lowering.md, "Constant weights in the integer dot").
        self.const_weights = False
        # The compiled matmuls take their quantized weights as an argument
        # in the kernel's layout (mx.kernel_layout = @<case>_layout), which
        # @main makes with the layout function the lowering defines
        # (docs/Lowering.md, "Weights re-laid at load time").
        self.kernel_layout = False

    def fresh(self, p='v'):
        self.n += 1
        return '%%%s%d' % (p, self.n)

    def const(self, rows, shape):
        key = (tuple(map(tuple, rows)), tuple(shape))
        if key not in self.consts:
            v = self.fresh('c')
            self.main.append('  %s = arith.constant dense<%s> : %s'
                             % (v, hexdense(rows), tt(shape)))
            self.consts[key] = v
        return self.consts[key]

    def scalar(self, value_bits):
        v = self.fresh('s')
        self.main.append('  %s = arith.constant %s : f32'
                         % (v, '0x%08X' % value_bits))
        return v


def print_lines(var, shape, elem, out, fresh):
    """Lines that print tensor `var` (elements `elem`) as flat i32."""
    n = 1
    for d in shape:
        n *= d
    cur, cur_elem = var, elem
    intw = {'f32': 32, 'f16': 16, 'bf16': 16, 'i8': 8, 'f8E4M3FN': 8,
            'f8E5M2': 8, 'f8E8M0FNU': 8, 'f6E2M3FN': 6, 'f6E3M2FN': 6,
            'f4E2M1FN': 4}[elem]
    if not elem.startswith('i'):
        v = fresh()
        out.append('  %s = arith.bitcast %s : %s to %s'
                   % (v, cur, tt(shape, elem), tt(shape, 'i%d' % intw)))
        cur, cur_elem = v, 'i%d' % intw
    if intw != 32:
        v = fresh()
        out.append('  %s = arith.extui %s : %s to %s'
                   % (v, cur, tt(shape, cur_elem), tt(shape, 'i32')))
        cur = v
    if len(shape) > 1:
        v = fresh()
        out.append('  %s = tensor.collapse_shape %s [[%s]] : %s into %s'
                   % (v, cur, ', '.join(map(str, range(len(shape)))),
                      tt(shape, 'i32'), tt([n], 'i32')))
        cur = v
    v = fresh()
    out.append('  %s = tensor.cast %s : %s to tensor<?xi32>'
               % (v, cur, tt([n], 'i32')))
    out.append('  call @print(%s) : (tensor<?xi32>) -> ()' % v)


def show_mx(m, shape, preset, block):
    """@show function of a block-scaled type: elements, scales, [tensor
    scale]; returns (name, arrays printed)."""
    ty = mxtype(shape, preset, block)
    if ty in m.shows:
        return m.shows[ty]
    name = '@show%d' % len(m.shows)
    elem = PRESETS[preset][0]
    blk = block or ([1] * (len(shape) - 1) + [16 if preset == 'nvfp4' else 32])
    grid = [s // b for s, b in zip(shape, blk)]
    scale = 'f8E4M3FN' if preset == 'nvfp4' else 'f8E8M0FNU'
    body = []
    f = lambda: m.fresh('p')
    ts = preset in TENSOR_SCALED
    per_tensor = preset in PER_TENSOR
    body.append('  %%e%s%s = mx.unpack %%q : %s'
                % ('' if per_tensor else ', %s', ', %g' if ts else '', ty))
    print_lines('%e', shape, elem, body, f)
    arrays = 1
    if not per_tensor:                  # no scales component per tensor
        print_lines('%s', grid, scale, body, f)
        arrays += 1
    if ts:
        body.append('  %gb = arith.bitcast %g : f32 to i32')
        body.append('  %gt = tensor.from_elements %gb : tensor<1xi32>')
        body.append('  %gd = tensor.cast %gt : tensor<1xi32> to tensor<?xi32>')
        body.append('  call @print(%gd) : (tensor<?xi32>) -> ()')
        arrays += 1
    m.funcs.append('func.func %s(%%q: %s) {\n%s\n  return\n}'
                   % (name, ty, '\n'.join(body)))
    m.shows[ty] = (name, arrays)
    return m.shows[ty]


def show_f32(m, var, shape, out, elem='f32'):
    print_lines(var, shape, elem, out, lambda: m.fresh('p'))
    return 1


def quant_attrs(mode):
    return '' if mode is None else ' scale_mode = %s' % mode


@sampled
def case_quantize(m, name, rows, shape, preset, mode, block, tscale=None,
                  dq_elem='f32'):
    """quantize + dequantize (to f32, or f16/bf16)."""
    x = m.const(rows, shape)
    ty = mxtype(shape, preset, block)
    show, arrays = show_mx(m, shape, preset, block)
    ts_arg = ', %t: f32' if tscale is not None else ''
    ts_use = ' tensor_scale(%t)' if tscale is not None else ''
    m.funcs.append(
        'func.func @%s(%%x: %s%s) -> (%s, %s) {\n'
        '  %%q = mx.quantize %%x%s%s : %s -> %s\n'
        '  %%d = mx.dequantize %%q : %s -> %s\n'
        '  return %%q, %%d : %s, %s\n}'
        % (name, tt(shape), ts_arg, ty, tt(shape, dq_elem), ts_use,
           quant_attrs(mode), tt(shape), ty, ty, tt(shape, dq_elem), ty,
           tt(shape, dq_elem)))
    t = m.scalar(tscale) if tscale is not None else None
    for side in ('f', 'c'):
        q, d = m.fresh(side + 'q'), m.fresh(side + 'd')
        if side == 'f':
            m.main.append('  %s = mx.quantize %s%s%s : %s -> %s'
                          % (q, x, ' tensor_scale(%s)' % t if t else '',
                             quant_attrs(mode), tt(shape), ty))
            m.main.append('  %s = mx.dequantize %s : %s -> %s'
                          % (d, q, ty, tt(shape, dq_elem)))
        else:
            m.main.append('  %s, %s = call @%s(%s%s) : (%s%s) -> (%s, %s)'
                          % (q, d, name, x, ', ' + t if t else '', tt(shape),
                             ', f32' if t else '', ty, tt(shape, dq_elem)))
        m.main.append('  call %s(%s) : (%s) -> ()' % (show, q, ty))
        show_f32(m, d, shape, m.main, dq_elem)
    m.cases.append((name, arrays + 1))


@sampled
def case_convert(m, name, rows, shape, src, dst):
    """quantize (src) -> convert (dst) -> dequantize."""
    (sp, smode, sblock), (dp, dmode, dblock) = src, dst
    x = m.const(rows, shape)
    sty, dty = mxtype(shape, sp, sblock), mxtype(shape, dp, dblock)
    show, arrays = show_mx(m, shape, dp, dblock)
    m.funcs.append(
        'func.func @%s(%%x: %s) -> (%s, %s) {\n'
        '  %%a = mx.quantize %%x%s : %s -> %s\n'
        '  %%q = mx.convert %%a%s : %s -> %s\n'
        '  %%d = mx.dequantize %%q : %s -> %s\n'
        '  return %%q, %%d : %s, %s\n}'
        % (name, tt(shape), dty, tt(shape), quant_attrs(smode), tt(shape),
           sty, quant_attrs(dmode), sty, dty, dty, tt(shape), dty, tt(shape)))
    for side in ('f', 'c'):
        q, d = m.fresh(side + 'q'), m.fresh(side + 'd')
        if side == 'f':
            a = m.fresh('fa')
            m.main.append('  %s = mx.quantize %s%s : %s -> %s'
                          % (a, x, quant_attrs(smode), tt(shape), sty))
            m.main.append('  %s = mx.convert %s%s : %s -> %s'
                          % (q, a, quant_attrs(dmode), sty, dty))
            m.main.append('  %s = mx.dequantize %s : %s -> %s'
                          % (d, q, dty, tt(shape)))
        else:
            m.main.append('  %s, %s = call @%s(%s) : (%s) -> (%s, %s)'
                          % (q, d, name, x, tt(shape), dty, tt(shape)))
        m.main.append('  call %s(%s) : (%s) -> ()' % (show, q, dty))
        show_f32(m, d, shape, m.main)
    m.cases.append((name, arrays + 1))


@sampled
def case_matmul(m, name, a_rows, a_shape, a_fmt, b_rows, b_shape, b_fmt,
                out_shape):
    """mx.matmul of two quantized (or plain f32) operands. *_fmt is None
    (plain) or (preset, mode, block)."""
    a, b = m.const(a_rows, a_shape), m.const(b_rows, b_shape)

    def operand(var, shape, fmt, lines):
        if fmt is None:
            return var, tt(shape)
        p, mode, block = fmt
        ty = mxtype(shape, p, block)
        q = m.fresh('mq')
        lines.append('  %s = mx.quantize %s%s : %s -> %s'
                     % (q, var, quant_attrs(mode), tt(shape), ty))
        return q, ty

    body = []
    if m.const_weights:
        body.append('  %%b = arith.constant dense<%s> : %s'
                    % (hexdense(b_rows), tt(b_shape)))
    layout = m.kernel_layout and b_fmt is not None
    qa, ta = operand('%a', a_shape, a_fmt, body)
    if layout:
        qb, tb = '%b', mxtype(b_shape, b_fmt[0], b_fmt[2])
    else:
        qb, tb = operand('%b', b_shape, b_fmt, body)
    body.append('  %%r = mx.matmul %s, %s : %s, %s -> %s'
                % (qa, qb, ta, tb, tt(out_shape)))
    params = '%%a: %s' % tt(a_shape)
    if layout:
        params += ', %%b: %s {mx.kernel_layout = @%s_layout}' % (tb, name)
        m.funcs.append('func.func private @%s_layout(%s) -> %s'
                       % (name, tb, tb))
    elif not m.const_weights:
        params += ', %%b: %s' % tt(b_shape)
    m.funcs.append('func.func @%s(%s) -> %s {\n%s\n'
                   '  return %%r : %s\n}'
                   % (name, params, tt(out_shape), '\n'.join(body),
                      tt(out_shape)))
    qa, ta = operand(a, a_shape, a_fmt, m.main)
    qb, tb = operand(b, b_shape, b_fmt, m.main)
    r = m.fresh('fr')
    m.main.append('  %s = mx.matmul %s, %s : %s, %s -> %s'
                  % (r, qa, qb, ta, tb, tt(out_shape)))
    show_f32(m, r, out_shape, m.main)
    r = m.fresh('cr')
    if layout:
        lw = m.fresh('lw')
        m.main.append('  %s = call @%s_layout(%s) : (%s) -> %s'
                      % (lw, name, qb, tb, tb))
        m.main.append('  %s = call @%s(%s, %s) : (%s, %s) -> %s'
                      % (r, name, a, lw, tt(a_shape), tb, tt(out_shape)))
    elif m.const_weights:
        m.main.append('  %s = call @%s(%s) : (%s) -> %s'
                      % (r, name, a, tt(a_shape), tt(out_shape)))
    else:
        m.main.append('  %s = call @%s(%s, %s) : (%s, %s) -> %s'
                      % (r, name, a, b, tt(a_shape), tt(b_shape),
                         tt(out_shape)))
    show_f32(m, r, out_shape, m.main)
    m.cases.append((name, 1))


@sampled
def case_hadamard(m, name, rows, shape, axis, size, seed):
    """Forward, inverse, and inverse of forward."""
    x = m.const(rows, shape)
    attrs = 'axis(%d) size(%d)%s' % (axis, size,
                                      ' seed(%d)' % seed if seed is not None
                                      else '')
    t = tt(shape)

    def ops(src, lines):
        f, i, r = m.fresh('h'), m.fresh('h'), m.fresh('h')
        lines.append('  %s = mx.hadamard %s %s : %s' % (f, src, attrs, t))
        lines.append('  %s = mx.hadamard %s %s inverse : %s' % (i, src, attrs, t))
        lines.append('  %s = mx.hadamard %s %s inverse : %s' % (r, f, attrs, t))
        return f, i, r

    body = []
    f, i, r = ops('%x', body)
    m.funcs.append('func.func @%s(%%x: %s) -> (%s, %s, %s) {\n%s\n'
                   '  return %s, %s, %s : %s, %s, %s\n}'
                   % (name, t, t, t, t, '\n'.join(body), f, i, r, t, t, t))
    for v in ops(x, m.main):
        show_f32(m, v, shape, m.main)
    rs = [m.fresh('cr') for _ in range(3)]
    m.main.append('  %s = call @%s(%s) : (%s) -> (%s, %s, %s)'
                  % (', '.join(rs), name, x, t, t, t, t))
    for v in rs:
        show_f32(m, v, shape, m.main)
    m.cases.append((name, 3))


def reshape_rows(rows, width):
    flat = [v for r in rows for v in r]
    return [flat[i:i + width] for i in range(0, len(flat), width)]


# --- Suites ----------------------------------------------------------------

def suite_quantize(m):
    """Every E8M0 preset, every allowed scale mode, 1x32 and 2x16 blocks,
    with f16/bf16 decoding on two of them."""
    for p in PRESETS:
        if p in TENSOR_SCALED:
            continue
        rng = random.Random(p)
        rows = edge_rows(p, rng)
        shape = [len(rows), 32]
        for mode in modes_of(p):
            case_quantize(m, 'q_%s_%s' % (p, mode), rows, shape, p, mode, None)
        mode = 'even' if p != 'mxint8' else 'rceil'
        case_quantize(m, 'q_%s_2x16' % p, rows, shape, p, mode, [2, 16])
    rows = edge_rows('mxfp8_e4m3', random.Random('f16'))
    case_quantize(m, 'q_e4m3_f16', rows, [len(rows), 32], 'mxfp8_e4m3',
                  'floor', None, dq_elem='f16')
    # bf16 results below 2^-126 are suite bf16_subnormal's.
    rows = [r for r in rows if any(v & 0x7F800000 > pow2(-100) for v in r)]
    rows = rows[:len(rows) // 2 * 2]
    case_quantize(m, 'q_e5m2_bf16', rows, [len(rows), 32], 'mxfp8_e5m2',
                  'rceil', None, dq_elem='bf16')


def suite_quantize_wide(m):
    """Rows of 512 columns (16 edge rows side by side), so the vectorized
    quantizer handles 16 row blocks per step (scale arithmetic lane-wise
    over blocks); column blocks (32x1, 16x1) too."""
    def widen(rows, k):
        rows = rows[:len(rows) // k * k]
        return [sum(rows[i * k:(i + 1) * k], []) for i in range(len(rows) // k)]
    for p in ('mxfp4', 'mxfp8_e4m3', 'mxint8', 'mxfp6_e3m2'):
        rows = widen(edge_rows(p, random.Random('wide' + p)), 16)
        for mode in modes_of(p):
            case_quantize(m, 'qw_%s_%s' % (p, mode), rows, [len(rows), 512],
                          p, mode, None)
    rows = edge_rows('mxfp4', random.Random('wide32x1'))[:32]
    case_quantize(m, 'qw_mxfp4_32x1', rows, [32, 32], 'mxfp4', 'floor',
                  [32, 1])
    for key, t in nvfp4_tensors().items():
        case_quantize(m, 'qw_n_%s' % key, widen(t, 8), [2, 256], 'nvfp4',
                      None, None)
    t = nvfp4_tensors()['mixed']
    case_quantize(m, 'qw_n_16x1', t, [16, 32], 'nvfp4', None, [16, 1])
    case_quantize(m, 'qw_n_calibrated', widen(t, 8), [2, 256], 'nvfp4', None,
                  None, tscale=bits(0.00123))


def suite_bf16_subnormal(m):
    """Decoded values that are bf16 subnormals (below 2^-126)."""
    rng = random.Random('bf16')
    rows = [[rng.randint(1, 0x7FFFFF) | rng.choice([0, SIGN])
             for _ in range(32)] for _ in range(4)]
    for p in ('mxfp8_e5m2', 'mxfp8_e4m3', 'mxfp4'):
        case_quantize(m, 'b_%s' % p, rows, [4, 32], p, 'floor', None,
                      dq_elem='bf16')


def nvfp4_tensors():
    """16x32 tensors: NVFP4's tensor amax couples the blocks, so each edge
    category gets a tensor of its own."""
    rng = random.Random('nvfp4')
    out = {}
    base = [[scaled(b, r - 8) for b in gauss_row(rng, 32, 1.0)]
            for r in range(16)]
    base[3] = [SIGN, 0] * 16
    base[4] = [rng.randint(1, 0x7FFFFF) for _ in range(32)]
    base[5] = [bits(v) for v in (6.0, 5.0, 3.5, 2.5, 1.25, 0.75, 0.25, -2.5,
                                 -5.0, -0.0)] + gauss_row(rng, 22, 0.5)
    out['mixed'] = base
    out['nan'] = [r[:] for r in base]
    out['nan'][7][9] = NAN
    out['inf'] = [r[:] for r in base]
    out['inf'][2][1], out['inf'][9][20] = INF, NINF
    out['zero'] = [[0] * 32 for _ in range(16)]
    out['subnormal'] = [[rng.randint(1, 0x7FFFFF) | rng.choice([0, SIGN])
                         for _ in range(32)] for _ in range(16)]
    out['fmax'] = [r[:] for r in base]
    out['fmax'][0][0] = FMAX
    out['tinyblocks'] = [[scaled(b, -40 if r % 2 else 10)
                          for b in gauss_row(rng, 32, 1.0)] for r in range(16)]
    out['ties'] = [[bits(v * 2.0 ** (r - 4)) for v in
                    (6.0, 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0) * 4]
                   for r in range(16)]
    return out


def suite_nvfp4(m):
    """NVFP4 with 1x16 blocks and 16x16 tiles on every category, and a
    calibrated tensor scale."""
    for key, rows in nvfp4_tensors().items():
        case_quantize(m, 'n_%s_1x16' % key, rows, [16, 32], 'nvfp4', None,
                      None)
        case_quantize(m, 'n_%s_16x16' % key, rows, [16, 32], 'nvfp4', None,
                      [16, 16])
    t = nvfp4_tensors()
    case_quantize(m, 'n_calibrated', t['mixed'], [16, 32], 'nvfp4', None,
                  [16, 16], tscale=bits(0.00123))
    case_quantize(m, 'n_calibrated_inf', t['inf'], [16, 32], 'nvfp4', None,
                  None, tscale=bits(3.0))


def fp8_tensor_tensors():
    """NVFP4's per-category tensors (the tensor amax couples every value
    here too) plus per-tensor FP8's own edges."""
    rng = random.Random('fp8_tensor')
    out = nvfp4_tensors()
    base = out['mixed']
    # amax 448: S_enc = 1, so E4M3's exact ties and their neighbours stay
    # ties after the multiply.
    t = ties('mxfp8_e4m3')
    t = [b | (SIGN if i % 2 else 0) for i, b in enumerate(t)]
    rng.shuffle(t)
    near = [b + d for b in t[:96] for d in (1, -1)]
    flat = [bits(448.0)] + t[:96] + near + [SIGN | bits(448.0)]
    flat += gauss_row(rng, 16 * 32 - len(flat), 100.0)
    out['ties448'] = reshape_rows([flat], 32)
    # amax a power of two (S_enc = 448 * 2^-k exact) and one ulp below.
    for k in (-20, 3, 60):
        tt_ = [[scaled(b, k - 2) for b in gauss_row(rng, 32, 1.0)]
               for _ in range(16)]
        tt_[5][7] = pow2(k)
        out['pow2_%s' % str(k).replace('-', 'm')] = tt_
        below = [r[:] for r in tt_]
        below[5][7] = pow2(k) - 1
        out['below_%s' % str(k).replace('-', 'm')] = below
    # A subnormal amax: 448 / amax overflows, S_enc clamps to FLT_MAX.
    out['tiny'] = [[rng.randint(1, 0xFF) | rng.choice([0, SIGN])
                    for _ in range(32)] for _ in range(16)]
    # -0 among values, NaN payloads of both signs, -Inf only.
    neg = [r[:] for r in base]
    neg[0][0:4] = [SIGN, 0, SIGN, 0xFFC00001]
    neg[8][31] = 0x7F800001
    out['signs'] = neg
    out['ninf'] = [[NINF if (r, c) == (4, 4) else 0 for c in range(32)]
                   for r in range(16)]
    return out


def suite_fp8_tensor(m):
    """Per-tensor FP8 E4M3 (fp8_e4m3_tensor): every category, f16/bf16
    decoding, calibrated scales (one saturating), a batch dimension, rows the
    vector width does not divide, and wide rows."""
    p = 'fp8_e4m3_tensor'
    for key, rows in fp8_tensor_tensors().items():
        case_quantize(m, 't_%s' % key, rows, [16, 32], p, None, None)
    t = fp8_tensor_tensors()
    case_quantize(m, 't_mixed_f16', t['mixed'], [16, 32], p, None, None,
                  dq_elem='f16')
    case_quantize(m, 't_ties_bf16', t['ties448'], [16, 32], p, None, None,
                  dq_elem='bf16')
    case_quantize(m, 't_calibrated', t['mixed'], [16, 32], p, None, None,
                  tscale=bits(0.00123))
    case_quantize(m, 't_calibrated_sat', t['mixed'], [16, 32], p, None,
                  None, tscale=bits(2.0 ** -12))
    case_quantize(m, 't_calibrated_inf', t['inf'], [16, 32], p, None, None,
                  tscale=bits(3.0))
    case_quantize(m, 't_batch', reshape_rows(t['signs'], 32), [4, 4, 32], p,
                  None, None)
    case_quantize(m, 't_cols20', reshape_rows(t['mixed'], 20)[:24], [24, 20],
                  p, None, None)
    case_quantize(m, 't_wide', reshape_rows(t['ties448'], 256), [2, 256], p,
                  None, None)


def suite_convert(m):
    """Requantization between formats, modes and block shapes."""
    pairs = [
        (('mxfp8_e4m3', 'floor', None), ('mxfp4', 'rceil', None)),
        (('mxfp4', 'floor', None), ('mxfp8_e5m2', 'even', None)),
        (('mxint8', 'ceil', None), ('mxfp6_e3m2', 'ceil', None)),
        (('mxfp6_e2m3', 'even', None), ('mxint8', 'floor', [2, 16])),
        (('mxfp6_e3m2', 'rceil', [2, 16]), ('mxfp6_e2m3', 'floor', None)),
        (('mxfp8_e5m2', 'floor', None), ('nvfp4', None, [16, 16])),
        (('nvfp4', None, None), ('mxfp8_e4m3', 'rceil', None)),
        (('nvfp4', None, [16, 16]), ('nvfp4', None, None)),
        (('mxfp4', 'even', None), ('mxfp4', 'floor', [2, 16])),
        (('mxfp8_e4m3', 'ceil', None), ('mxfp8_e4m3', 'floor', None)),
        (('fp8_e4m3_tensor', None, None), ('mxfp4', 'rceil', None)),
        (('mxfp8_e4m3', 'floor', None), ('fp8_e4m3_tensor', None, None)),
        (('nvfp4', None, [16, 16]), ('fp8_e4m3_tensor', None, None)),
        (('fp8_e4m3_tensor', None, None), ('nvfp4', None, [16, 16])),
        (('fp8_e4m3_tensor', None, None), ('fp8_e4m3_tensor', None, None)),
    ]
    rows = edge_rows('mxfp8_e4m3', random.Random('convert'))
    rows = rows[:len(rows) // 16 * 16]
    for i, (src, dst) in enumerate(pairs):
        case_convert(m, 'cv%d_%s_%s' % (i, src[0], dst[0]), rows,
                     [len(rows), 32], src, dst)


def kblocks(rng, rows, cols, kb, axis, spread=4):
    """Gaussian values whose K blocks (along `axis`) have distinct
    magnitudes, so every block gets its own scale."""
    out = []
    for r in range(rows):
        row = []
        for c in range(cols):
            k = c if axis == 1 else r
            e = ((k // kb) * 3 + (c if axis == 0 else r) % spread) % 11 - 5
            row.append(scaled(bits(rng.gauss(0, 1) or 1.0), e))
        out.append(row)
    return out


def suite_matmul(m):
    rng = random.Random('matmul')
    M, K, N = 4, 128, 8
    a = kblocks(rng, M, K, 32, 1)
    b = kblocks(rng, K, N, 32, 0)
    a_edge = [r[:] for r in a]
    a_edge[1][40] = NAN                  # a NaN block scale in one K block
    a_edge[2][0:32] = [0] * 32           # an all-zero block
    a_edge[3][64:96] = [rng.randint(1, 0x7FFFFF) for _ in range(32)]
    b_edge = [r[:] for r in b]
    b_edge[100][5] = INF
    cases = [
        ('e4m3_x_fp4', a, ('mxfp8_e4m3', 'floor', None),
         b, ('mxfp4', 'floor', [32, 1])),
        ('e4m3_x_fp4_edges', a_edge, ('mxfp8_e4m3', 'rceil', None),
         b_edge, ('mxfp4', 'even', [32, 1])),
        ('int8_x_fp6', a, ('mxint8', 'ceil', None),
         b, ('mxfp6_e2m3', 'floor', [32, 1])),
        ('e3m2_x_e5m2', a_edge, ('mxfp6_e3m2', 'even', None),
         b, ('mxfp8_e5m2', 'rceil', [32, 1])),
        ('nvfp4_x_nvfp4', a, ('nvfp4', None, None),
         b, ('nvfp4', None, [16, 1])),
        ('f32_x_fp4', a_edge, None, b, ('mxfp4', 'floor', [32, 1])),
        ('fp4_x_f32', a, ('mxfp4', 'rceil', None), b_edge, None),
        ('e4m3b16_x_nvfp4', a, ('mxfp8_e4m3', 'floor', None), b,
         ('nvfp4', None, [16, 1])),
    ]
    for name, av, af, bv, bf in cases:
        if name == 'e4m3b16_x_nvfp4':
            # E8M0 x UE4M3 scales: both with 16-element K blocks.
            af = ('#mx.format<f8E4M3FN, f8E8M0FNU, block = 16>', 'floor', None)
        case_matmul(m, 'mm_' + name, av, [M, K], af, bv, [K, N], bf, [M, N])
    # 16x16 tiles on both operands, NVFP4 and MXFP8.
    a16 = kblocks(rng, 16, 64, 16, 1)
    b16 = kblocks(rng, 64, 16, 16, 0)
    case_matmul(m, 'mm_nvfp4_tiles', a16, [16, 64], ('nvfp4', None, [16, 16]),
                b16, [64, 16], ('nvfp4', None, [16, 16]), [16, 16])
    case_matmul(m, 'mm_e4m3_tiles', a16, [16, 64],
                ('mxfp8_e4m3', 'floor', [16, 32]), b16, [64, 16],
                ('mxfp4', 'floor', [32, 16]), [16, 16])
    # Batch dimensions.
    ab = kblocks(rng, 2 * 4, 64, 32, 1)
    bb = kblocks(rng, 2 * 64, 8, 32, 0)
    case_matmul(m, 'mm_batch', ab, [2, 4, 64], ('mxfp8_e4m3', 'floor', None),
                bb, [2, 64, 8], ('mxfp4', 'floor', [1, 32, 1]), [2, 4, 8])
    # Per-tensor FP8 with every partner kind: its S_dec multiplies the
    # output after the K sum; K blocks are the partner's.
    pt = ('fp8_e4m3_tensor', None, None)
    for name, av, af, bv, bf in [
            ('pt_x_pt', a, pt, b, pt),
            ('pt_x_pt_edges', a_edge, pt, b_edge, pt),
            ('f32_x_pt', a_edge, None, b, pt),
            ('pt_x_f32', a, pt, b_edge, None),
            ('e4m3_x_pt', a_edge, ('mxfp8_e4m3', 'rceil', None), b, pt),
            ('pt_x_fp4', a, pt, b_edge, ('mxfp4', 'floor', [32, 1])),
            ('nvfp4_x_pt', a, ('nvfp4', None, None), b, pt),
            ('pt_x_nvfp4', a_edge, pt, b, ('nvfp4', None, [16, 1])),
            ('int8_x_pt', a, ('mxint8', 'floor', None), b_edge, pt),
            ('pt_x_fp6', a, pt, b, ('mxfp6_e3m2', 'even', [32, 1]))]:
        case_matmul(m, 'mm_' + name, av, [M, K], af, bv, [K, N], bf, [M, N])
    case_matmul(m, 'mm_pt_tiles', a16, [16, 64], pt, b16, [64, 16],
                ('nvfp4', None, [16, 16]), [16, 16])
    case_matmul(m, 'mm_pt_batch', ab, [2, 4, 64], pt, bb, [2, 64, 8], pt,
                [2, 4, 8])
    case_matmul(m, 'mm_pt_batch_fp4', ab, [2, 4, 64], pt, bb, [2, 64, 8],
                ('mxfp4', 'floor', [1, 32, 1]), [2, 4, 8])


def suite_matmul_wide(m):
    """GEMV/GEMM shapes whose N covers whole vector chunks (128 FP4 / 64
    8-bit columns) and a tail, so the vectorized lowering's unmasked main
    loop, its masked tail and its interleaved FP4 lanes are all compared."""
    rng = random.Random('matmul_wide')
    K = 64
    for name, M, N, af, bf in [
            ('f32_x_fp4', 2, 160, None, ('mxfp4', 'floor', [32, 1])),
            ('f32_x_fp4_inf', 1, 160, None, ('mxfp4', 'floor', [32, 1])),
            ('f32_x_nvfp4', 1, 288, None, ('nvfp4', None, [16, 1])),
            ('f32_x_nvfp4_tiles', 3, 144, None, ('nvfp4', None, [16, 16])),
            ('e4m3_x_fp4', 2, 160, ('mxfp8_e4m3', 'floor', None),
             ('mxfp4', 'rceil', [32, 1])),
            ('int8_x_fp4', 1, 256, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('f32_x_e4m3', 2, 80, None, ('mxfp8_e4m3', 'floor', [32, 1])),
            ('f32_x_fp6', 1, 96, None, ('mxfp6_e3m2', 'floor', [32, 1])),
            ('f32_x_int8', 1, 72, None, ('mxint8', 'floor', [32, 1])),
            ('f32_x_pt', 2, 80, None, ('fp8_e4m3_tensor', None, None)),
            ('e4m3_x_pt', 1, 72, ('mxfp8_e4m3', 'floor', None),
             ('fp8_e4m3_tensor', None, None)),
            ('pt_x_fp4', 2, 160, ('fp8_e4m3_tensor', None, None),
             ('mxfp4', 'floor', [32, 1])),
            # The E8M0 pair's short form of the block terms at both ends of
            # its range (pair_short_edges), through the tables with VBMI.
            ('e4m3_x_e5m2_pair', 2, 136, ('mxfp8_e4m3', 'floor', None),
             ('mxfp8_e5m2', 'floor', [32, 1])),
            ('int8_x_e4m3_pair', 2, 136, ('mxint8', 'floor', None),
             ('mxfp8_e4m3', 'floor', [32, 1]))]:
        a = kblocks(rng, M, K, 32, 1)
        b = kblocks(rng, K, N, 32, 0)
        if name == 'e4m3_x_e5m2_pair':
            pair_short_edges(a, b, 8, 15)
        if name == 'int8_x_e4m3_pair':
            pair_short_edges(a, b, 0, 8)
        if name == 'f32_x_fp4':
            b[33][150] = INF             # a NaN scale in the tail
            b[3][7] = NAN                # and in the main loop
            a[1][5] = NAN
        if name == 'f32_x_fp4_inf':
            # One infinite activation: NaN products of the zero codes
            # (either sign), infinities of both signs from the rest.
            a[0][9] = INF
        case_matmul(m, 'mw_' + name, a, [M, K], af, b, [K, N], bf, [M, N])


def suite_matmul_threads(m):
    """GEMVs whose N spans several whole vector chunks at every target, so
    mx-cpu-pipeline{threads} splits them into column panels (uneven counts
    for 2 and 3 threads) plus a masked tail: MXFP4 and NVFP4 weights with
    f32 and MXINT8 activations (16-element blocks against NVFP4), and a
    3-row MXFP8 case; NaN weight blocks and a NaN activation."""
    rng = random.Random('matmul_threads')
    K = 64
    for name, M, N, af, bf in [
            ('f32_x_fp4', 1, 1056, None, ('mxfp4', 'floor', [32, 1])),
            ('int8_x_fp4', 1, 640, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('f32_x_nvfp4', 1, 544, None, ('nvfp4', None, [16, 1])),
            ('int8_x_nvfp4', 1, 400,
             ('#mx.format<i8, f8E8M0FNU, block = 16>', 'floor', None),
             ('nvfp4', None, [16, 1])),
            ('f32_x_e4m3', 3, 328, None, ('mxfp8_e4m3', 'floor', [32, 1]))]:
        a = kblocks(rng, M, K, 32, 1)
        b = kblocks(rng, K, N, 32, 0)
        if name == 'f32_x_fp4':
            b[40][700] = NAN             # a NaN block scale in a later panel
        if name == 'int8_x_fp4':
            b[2][300] = NAN
        if name == 'f32_x_nvfp4':
            a[0][5] = NAN
        case_matmul(m, 'mt_' + name, a, [M, K], af, b, [K, N], bf, [M, N])


def suite_matmul_batched(m):
    """Prefill shapes for the batched (register-blocked) vector matmul: M =
    8, 13 (ragged row tiles) and 64, N a few whole column tiles plus a
    ragged tail at every target, for every rhs kind (MXFP4, NVFP4 16x1 and
    16x16, MXFP6, MXFP8, MXINT8, per-tensor FP8) with f32, MXFP8 and MXINT8
    activations, and a batch dimension; NaN and Inf in both operands."""
    rng = random.Random('matmul_batched')
    K = 64
    i8b16 = '#mx.format<i8, f8E8M0FNU, block = 16>'
    for name, M, N, af, bf in [
            ('f32_x_fp4', 8, 72, None, ('mxfp4', 'floor', [32, 1])),
            ('int8_x_fp4', 64, 72, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('e4m3_x_fp4', 13, 40, ('mxfp8_e4m3', 'floor', None),
             ('mxfp4', 'rceil', [32, 1])),
            ('f32_x_nvfp4', 13, 72, None, ('nvfp4', None, [16, 1])),
            ('int8_x_nvfp4', 8, 40, (i8b16, 'floor', None),
             ('nvfp4', None, [16, 1])),
            ('f32_x_nvfp4_tiles', 64, 48, None, ('nvfp4', None, [16, 16])),
            ('nvfp4_tiles_x_nvfp4_tiles', 32, 48, ('nvfp4', None, [16, 16]),
             ('nvfp4', None, [16, 16])),
            ('int8_x_fp6', 13, 40, ('mxint8', 'floor', None),
             ('mxfp6_e2m3', 'floor', [32, 1])),
            ('f32_x_e3m2', 8, 24, None, ('mxfp6_e3m2', 'even', [32, 1])),
            ('e4m3_x_e4m3', 13, 40, ('mxfp8_e4m3', 'floor', None),
             ('mxfp8_e4m3', 'floor', [32, 1])),
            ('int8_x_e5m2', 8, 24, ('mxint8', 'floor', None),
             ('mxfp8_e5m2', 'rceil', [32, 1])),
            ('f32_x_int8', 64, 24, None, ('mxint8', 'floor', [32, 1])),
            ('f32_x_pt', 8, 40, None, ('fp8_e4m3_tensor', None, None)),
            ('e4m3_x_pt', 13, 24, ('mxfp8_e4m3', 'floor', None),
             ('fp8_e4m3_tensor', None, None)),
            # Whole 64-column tiles of the table decode (AVX512-VBMI) and a
            # ragged tail.
            ('f32_x_e4m3_wide', 13, 136, None,
             ('mxfp8_e4m3', 'floor', [32, 1])),
            ('int8_x_e5m2_wide', 8, 200, ('mxint8', 'floor', None),
             ('mxfp8_e5m2', 'even', [32, 1])),
            ('e4m3_x_e3m2_wide', 8, 136, ('mxfp8_e4m3', 'floor', None),
             ('mxfp6_e3m2', 'floor', [32, 1]))]:
        a = kblocks(rng, M, K, 32, 1)
        b = kblocks(rng, K, N, 32, 0)
        if name.endswith('_wide'):
            a[M - 1][7] = NAN            # a NaN activation, last row
            b[33][130] = INF             # a NaN scale in the tail
        if name == 'int8_x_e5m2_wide':
            pair_short_edges(a, b, 0, 15)
        if name == 'e4m3_x_e3m2_wide':
            pair_short_edges(a, b, 8, 4)
        if name == 'f32_x_fp4':
            a[5][3] = NAN                # a NaN activation
            b[40][70] = INF              # a NaN scale in the tail
        if name == 'int8_x_fp4':
            b[3][10] = NAN               # a NaN weight block
            a[63][33] = NAN              # a NaN activation block, last row
        case_matmul(m, 'mb_' + name, a, [M, K], af, b, [K, N], bf, [M, N])
    ab = kblocks(rng, 2 * 8, K, 32, 1)
    bb = kblocks(rng, 2 * K, 40, 32, 0)
    case_matmul(m, 'mb_batch', ab, [2, 8, K], ('mxint8', 'floor', None),
                bb, [2, K, 40], ('mxfp4', 'floor', [1, 32, 1]), [2, 8, 40])


def suite_matmul_batched_threads(m):
    """Batched matmuls whose N spans several column tiles at every target,
    so threads=N splits them into column panels plus a ragged tail."""
    rng = random.Random('matmul_batched_threads')
    K = 64
    for name, M, N, af, bf in [
            ('f32_x_fp4', 8, 264, None, ('mxfp4', 'floor', [32, 1])),
            ('int8_x_nvfp4', 13, 200,
             ('#mx.format<i8, f8E8M0FNU, block = 16>', 'floor', None),
             ('nvfp4', None, [16, 1])),
            ('e4m3_x_e4m3', 8, 136, ('mxfp8_e4m3', 'floor', None),
             ('mxfp8_e4m3', 'floor', [32, 1]))]:
        a = kblocks(rng, M, K, 32, 1)
        b = kblocks(rng, K, N, 32, 0)
        if name == 'f32_x_fp4':
            b[40][200] = NAN             # a NaN block scale in a later panel
        case_matmul(m, 'mbt_' + name, a, [M, K], af, b, [K, N], bf, [M, N])


def suite_hadamard(m):
    rng = random.Random('hadamard')
    rows = [gauss_row(rng, 256, 1.0) for _ in range(4)]
    rows[1][3], rows[1][200] = NAN, INF
    rows[2] = [rng.randint(1, 0x7FFFFF) | rng.choice([0, SIGN])
               for _ in range(256)]
    rows[3][0:8] = [FMAX, SIGN | FMAX, pow2(126), 0, SIGN, 1, bits(1.0),
                    bits(-3.0)]
    for size in (16, 32, 64, 128):
        for seed in (None, 42, 2 ** 40 + 3):
            case_hadamard(m, 'h%d_%s' % (size, seed or 0), rows, [4, 256], 1,
                          size, seed)
    cols = reshape_rows(rows, 8)[:64]
    case_hadamard(m, 'h_axis0', cols, [64, 8], 0, 64, 7)
    # The vector lowering's other shapes: groups along a non-last axis whose
    # inner rows do not fill a vector (masked lanes), a middle axis, the last
    # axis of a rank-3 tensor, and rank 1.
    case_hadamard(m, 'h_axis0_tail', reshape_rows(rows, 6)[:64], [64, 6], 0,
                  16, 5)
    case_hadamard(m, 'h_mid', reshape_rows(rows, 5)[:64], [2, 32, 5], 1, 32,
                  None)
    case_hadamard(m, 'h_rank3', reshape_rows(rows, 128)[:4], [2, 2, 128], 2,
                  128, 9)
    case_hadamard(m, 'h_rank1', reshape_rows(rows, 128)[:1], [128], 0, 64, 3)


def nan_and_zero_blocks(a, b, N):
    """A NaN activation block, a NaN weight block scale, an all-zero K
    block."""
    a[0][40] = NAN
    b[70][9] = INF
    b[0:32] = [[0] * N for _ in range(32)]


def tiny_and_huge_blocks(a, b, M):
    """Tiny activations against tiny weights in K block 0 (subnormal and
    zero block terms: scales near 2^-127), huge against huge in block 1
    (+-Inf)."""
    for r in range(M):
        a[r][0:32] = [scaled(v, -110) for v in a[r][0:32]]
        a[r][32:64] = [scaled(v, 100) for v in a[r][32:64]]
    for k in range(0, 32):
        b[k] = [scaled(v, -20) for v in b[k]]
    for k in range(32, 64):
        b[k] = [scaled(v, 40) for v in b[k]]


def short_form_edges(a, b, M, weight_exp):
    """The E8M0 pair's short form and its bounds (weight codes in [1,
    230]): block 0 has weight codes near 120 + weight_exp against codes
    near 5 (finite terms that the short form would overflow), block 1
    codes 0 against near 236, block 2 one column of code 0 (its chunk only
    leaves the short form), block 3 activation codes near 0 (subnormal
    2^(ca-134)) against common weights."""
    for r in range(M):
        a[r][0:32] = [scaled(v, -120) for v in a[r][0:32]]
        a[r][32:64] = [scaled(v, 110) for v in a[r][32:64]]
        a[r][96:128] = [scaled(v, -122) for v in a[r][96:128]]
    for k in range(0, 32):
        b[k] = [scaled(v, weight_exp) for v in b[k]]
    for k in range(32, 64):
        b[k] = [scaled(v, -130) for v in b[k]]
    for k in range(64, 96):
        b[k][100] = scaled(b[k][100], -130)


def act_block_amax(a, r, k0, t, kb=32):
    """Row r's K block at k0 scaled below 2^t, its first element 2^t: the
    block's amax is exactly 2^t."""
    a[r][k0:k0 + kb] = [scaled(v, t - 9) for v in a[r][k0:k0 + kb]]
    a[r][k0] = pow2(t)


def weight_block_amax(b, cols, k0, t, kb=32):
    """The K block at k0 of each column in `cols` likewise (amax 2^t)."""
    for k in range(k0, k0 + kb):
        for c in cols:
            b[k][c] = scaled(b[k][c], t - 9)
    for c in cols:
        b[k0][c] = pow2(t)


def pair_short_edges(a, b, act_emax, w_emax):
    """Both ends of the E8M0 pair's short range, ca + cb in [128, 381]
    (docs/Lowering.md, "Batched matmul"), for activations and weights whose
    elements have emax act_emax and w_emax: K block 0, row 0 against columns
    0-63, codes summing to 121 (below it: subnormal terms); K block 1, row
    1 against columns 64-127, codes summing to 382, just past it, where
    column 100's only nonzero weight meets a zero activation: an exact zero
    partial, whose term is 0 (the short form's power of two would be Inf
    there, and the term NaN); and a NaN activation in row 0's K block 1
    (code 255 against weight codes near 115: a sum inside the range, so only
    the NaN check keeps it out). Under floor, amax 2^t gives code t - emax
    + 127."""
    act_block_amax(a, 0, 0, -100)
    weight_block_amax(b, range(64), 0, -33 + act_emax + w_emax)
    act_block_amax(a, 1, 32, 100)
    weight_block_amax(b, range(64, 128), 32, 28 + act_emax + w_emax)
    a[1][63] = 0
    for k in range(32, 63):
        b[k][100] = 0
    b[63][100] = pow2(28 + act_emax + w_emax)
    a[0][40] = NAN


def largest_words(a, b, rows, k0, kb):
    """The integer dot's largest pair words: K block [k0, k0 + kb) of
    `rows` at INT8 code -128 (-1.999 * 2^X rounds to -2 under floor
    scales) against weights of 6 (FP4 table entry 24) in columns 0-63:
    -6144 per vpmaddubsw pair, which the kernel adds as i16 over its word
    steps (-24576 for four; eight would wrap)."""
    for r in rows:
        a[r][k0:k0 + kb] = [bits(-1.999)] * kb
    for k in range(k0, k0 + kb):
        b[k][0:64] = [bits(6.0)] * 64


def suite_matmul_intdot(m):
    """The integer-dot GEMV/GEMM (MXINT8 x FP4 on x86 targets,
    docs/Lowering.md "Integer-dot GEMV"): N whole 64-column chunks, M = 1
    (one row), 2 (one row tile), 3 and 5 (tiles plus a ragged row), MXFP4
    and NVFP4 (16-element blocks) weights, also with column blocks (NVFP4
    16x16, MXFP4 32x4), a batch dimension; NaN block
    scales on both sides, all-zero blocks, block scales whose products
    underflow into subnormals or overflow to infinity (the E8M0-pair
    scaling's clamps), and blocks of the largest products (the i16 word
    sums' bound)."""
    rng = random.Random('matmul_intdot')
    i8b16 = ('#mx.format<i8, f8E8M0FNU, block = 16>', 'floor', None)
    for name, M, K, N, af, bf in [
            ('fp4_m1', 1, 128, 128, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('fp4_m2', 2, 64, 192, ('mxint8', 'rceil', None),
             ('mxfp4', 'rceil', [32, 1])),
            ('fp4_m3', 3, 96, 64, ('mxint8', 'ceil', None),
             ('mxfp4', 'even', [32, 1])),
            ('fp4_m5', 5, 64, 128, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('nvfp4_m1', 1, 64, 128, i8b16, ('nvfp4', None, [16, 1])),
            ('fp4_edges', 2, 128, 128, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            ('nvfp4_m3', 3, 48, 64, i8b16, ('nvfp4', None, [16, 1])),
            # From 64 rows on: the cache-blocked order.
            ('fp4_m64', 64, 64, 128, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 1])),
            # Column blocks: one weight scale per bn columns (NVFP4 16x16,
            # MXFP4 32x4), repeated over its columns in each chunk.
            ('nvfp4_16x16_m1', 1, 64, 128, i8b16, ('nvfp4', None, [16, 16])),
            ('nvfp4_16x16_m3', 3, 48, 192, i8b16, ('nvfp4', None, [16, 16])),
            ('nvfp4_16x16_m64', 64, 32, 64, i8b16,
             ('nvfp4', None, [16, 16])),
            ('nvfp4_m64', 64, 32, 128, i8b16, ('nvfp4', None, [16, 1])),
            ('fp4_32x4_m2', 2, 96, 128, ('mxint8', 'floor', None),
             ('mxfp4', 'floor', [32, 4]))]:
        kb = 16 if name.startswith('nvfp4') else 32
        a = kblocks(rng, M, K, kb, 1)
        b = kblocks(rng, K, N, kb, 0)
        if name == 'fp4_m1':
            nan_and_zero_blocks(a, b, N)
        if name in ('fp4_m2', 'fp4_m5'):
            tiny_and_huge_blocks(a, b, M)
        if name == 'fp4_edges':
            short_form_edges(a, b, M, 125)      # weight codes near 245
        if name in ('nvfp4_m1', 'nvfp4_16x16_m1'):
            # UE4M3 weights' short form: activation codes near 0 (2^(ca-127)
            # subnormal) and near 247; a NaN weight block scale (code 0x7F;
            # with 16x16 blocks across columns 16-31 of K block 1) leaves it
            # for its chunk only.
            a[0][0:16] = [scaled(v, -125) for v in a[0][0:16]]
            a[0][16:32] = [scaled(v, 120) for v in a[0][16:32]]
            b[20][5 if name == 'nvfp4_m1' else 21] = NAN
        if name == 'nvfp4_m3':
            largest_words(a, b, [0], kb, kb)
            a[2][20] = NAN
        if name == 'nvfp4_16x16_m3':
            a[1][30] = NAN
        if name == 'fp4_32x4_m2':
            tiny_and_huge_blocks(a, b, M)
            b[40][66] = NAN
        if name == 'fp4_m64':
            tiny_and_huge_blocks(a, b, M)
            a[63][40] = NAN
            # Chunk 1 only: a NaN weight block scale, and a weight scale
            # code 0 (amax 2^-125) against activation codes near 227, whose
            # short form would be 0. The cache-blocked order copies each
            # chunk of weights passed in and takes the short form for chunk
            # 0 without a check, the checked form for chunk 1.
            b[40][66] = NAN
            for k in range(32, 64):
                b[k][70] = scaled(b[k][70], -40 - 134)
            b[32][70] = pow2(-125)
        if name == 'nvfp4_m64':
            b[20][5] = NAN                      # chunk 0 only
        case_matmul(m, 'mi_' + name, a, [M, K], af, b, [K, N], bf, [M, N])
    ab = kblocks(rng, 2 * 3, 64, 32, 1)
    bb = kblocks(rng, 2 * 64, 64, 32, 0)
    largest_words(ab, bb, [0, 2], 32, 32)     # a row tile and a single row
    case_matmul(m, 'mi_batch', ab, [2, 3, 64], ('mxint8', 'floor', None),
                bb, [2, 64, 64], ('mxfp4', 'floor', [1, 32, 1]), [2, 3, 64])
    # A batch in the cache-blocked order: each batch's chunks copied into
    # the tiles, a NaN weight scale in chunk 1 of batch 1 only.
    ab = kblocks(rng, 2 * 64, 64, 32, 1)
    bb = kblocks(rng, 2 * 64, 128, 32, 0)
    bb[64 + 40][66] = NAN
    case_matmul(m, 'mi_batch_m64', ab, [2, 64, 64],
                ('mxint8', 'floor', None), bb, [2, 64, 128],
                ('mxfp4', 'floor', [1, 32, 1]), [2, 64, 128])



def intdot_fp6_cases(m, kind):
    """The integer-dot kernel's FP6 weights against MXINT8 activations (x86
    with AVX512-VBMI, docs/Lowering.md "Integer-dot GEMV"; `kind` e2m3:
    decoded to bytes, byte dots; e3m2: a word table, word dots): M = 1, 2,
    3 and 5 (row tiles, a ragged row), 64 (the prompts' cache-blocked
    order), a batch dimension, weights with 32x8 blocks; NaN block scales on
    both sides, an all-zero block, block terms that underflow or overflow,
    weight scale codes on both sides of the short form's bounds, and 16- and
    256-element blocks (the
    kernel's largest, kIntDotMaxBlock). Every code occurs: fp6_codes'
    weights are the 64 codes' values in turn, under one scale per block.
    E3M2 also takes fp6_bound: a 256-element block of the largest weights
    (28, 16 * 28 = 448 units) against activation code 127, the block sum's
    largest magnitude below 2^24 units."""
    elem = {'e2m3': 'f6E2M3FN', 'e3m2': 'f6E3M2FN'}[kind]
    _, _, mbits, bias, _, vmax = PRESETS['mxfp6_' + kind]
    preset = 'mxfp6_' + kind
    prefix = 'mi6_' if kind == 'e2m3' else 'mi6e3_'
    rng = random.Random('matmul_intdot_fp6' if kind == 'e2m3' else
                        'matmul_intdot_e3m2')
    i8b16 = ('#mx.format<i8, f8E8M0FNU, block = 16>', 'floor', None)
    i8b256 = ('#mx.format<i8, f8E8M0FNU, block = 256>', 'floor', None)
    w16 = ('#mx.format<%s, f8E8M0FNU, block = 16>' % elem, 'floor', [16, 1])
    w256 = ('#mx.format<%s, f8E8M0FNU, block = 256>' % elem, 'rceil',
            [256, 1])
    cases = [
        ('fp6_m1', 1, 128, 128, ('mxint8', 'floor', None),
         (preset, 'floor', [32, 1])),
        ('fp6_m2', 2, 64, 192, ('mxint8', 'rceil', None),
         (preset, 'rceil', [32, 1])),
        ('fp6_m3', 3, 96, 64, ('mxint8', 'ceil', None),
         (preset, 'even', [32, 1])),
        ('fp6_m5', 5, 64, 128, ('mxint8', 'floor', None),
         (preset, 'floor', [32, 1])),
        ('fp6_edges', 2, 128, 128, ('mxint8', 'floor', None),
         (preset, 'floor', [32, 1])),
        ('fp6_codes', 1, 64, 128, ('mxint8', 'floor', None),
         (preset, 'floor', [32, 1])),
        ('fp6_b16', 3, 64, 64, i8b16, w16),
        ('fp6_b256', 1, 512, 64, i8b256, w256)]
    if kind == 'e3m2':
        cases.append(('fp6_bound', 1, 256, 64, i8b256,
                      (w256[0], 'floor', [256, 1])))
    # From 64 rows on: the cache-blocked order, which copies each chunk of
    # weights passed in into its tiles (three chunks: special codes in the
    # first and last, every code short in the middle one).
    cases.append(('fp6_m64', 64, 64, 192, ('mxint8', 'rceil', None),
                  (preset, 'floor', [32, 1])))
    for name, M, K, N, af, bf in cases:
        kb = 16 if name.endswith('b16') else \
            256 if name in ('fp6_b256', 'fp6_bound') else 32
        a = kblocks(rng, M, K, kb, 1)
        b = kblocks(rng, K, N, kb, 0)
        if name == 'fp6_m1':
            nan_and_zero_blocks(a, b, N)
        if name in ('fp6_m2', 'fp6_m5'):
            tiny_and_huge_blocks(a, b, M)
        if name == 'fp6_edges':
            # Weight codes near 250 (E2M3) and 248 (E3M2).
            short_form_edges(a, b, M, 127 if kind == 'e2m3' else 124)
        if name == 'fp6_codes':
            # Column n, row k: the value of code (n + 5k) % 64 (its block's
            # largest magnitude in row 31 - (n % 32) keeps the scale at 2^0
            # under floor), so each code meets every activation position.
            vals = [pow2(0)] * 64
            for c in range(64):
                e, mnt = (c >> mbits) & ((1 << (5 - mbits)) - 1), \
                    c & ((1 << mbits) - 1)
                frac = mnt / float(1 << mbits)
                v = frac * 2 ** (1 - bias) if e == 0 else \
                    (1 + frac) * 2 ** (e - bias)
                vals[c] = bits(-v if c & 32 else v)
            b = [[vals[(n + 5 * k) % 64] for n in range(N)] for k in range(K)]
            for n in range(N):
                for blk in range(K // 32):
                    b[blk * 32 + 31 - n % 32][n] = bits(vmax)
        if name == 'fp6_b16':
            a[2][20] = NAN
        if name == 'fp6_m64':
            tiny_and_huge_blocks(a, b, M)
            b[40][7] = NAN                      # chunk 0
            # Chunk 2: a weight scale code 0 (amax 2^(emax-127)) against
            # activation codes near 227, whose short form would be 0.
            emax = PRESETS[preset][4]
            for k in range(32, 64):
                b[k][130] = scaled(b[k][130], -40 - 134)
            b[32][130] = pow2(emax - 127)
        if name == 'fp6_bound':
            a[0] = [bits(127 / 64.0)] * K
            b[0:K] = [[bits(vmax)] * N for _ in range(K)]
            b[7][3] = bits(-vmax)
        case_matmul(m, prefix + name, a, [M, K], af, b, [K, N], bf, [M, N])
    ab = kblocks(rng, 2 * 3, 64, 32, 1)
    bb = kblocks(rng, 2 * 64, 64, 32, 0)
    case_matmul(m, prefix + 'batch', ab, [2, 3, 64],
                ('mxint8', 'floor', None), bb, [2, 64, 64],
                (preset, 'floor', [1, 32, 1]), [2, 3, 64])
    # A batch in the cache-blocked order: each batch's chunks copied into
    # the tiles, a NaN weight scale in chunk 1 of batch 1 only.
    ab = kblocks(rng, 2 * 64, 64, 32, 1)
    bb = kblocks(rng, 2 * 64, 128, 32, 0)
    bb[64 + 40][66] = NAN
    case_matmul(m, prefix + 'batch_m64', ab, [2, 64, 64],
                ('mxint8', 'floor', None), bb, [2, 64, 128],
                (preset, 'floor', [1, 32, 1]), [2, 64, 128])
    # Column blocks: one weight scale per 8 columns, with a NaN block.
    a = kblocks(rng, 2, 64, 32, 1)
    b = kblocks(rng, 64, 128, 32, 0)
    tiny_and_huge_blocks(a, b, 2)
    b[50][77] = NAN
    case_matmul(m, prefix + 'fp6_32x8_m2', a, [2, 64],
                ('mxint8', 'floor', None), b, [64, 128],
                (preset, 'floor', [32, 8]), [2, 128])


def suite_matmul_intdot_fp6(m):
    intdot_fp6_cases(m, 'e2m3')


def suite_matmul_intdot_e3m2(m):
    intdot_fp6_cases(m, 'e3m2')

@sampled
def case_matmul_codes(m, name, a_rows, a_shape, elem, preset, codes, scales,
                      out_shape, a_elem='f32', a_preset=None):
    """mx.matmul of an f32 (or f16: `a_rows` then holds f16 bit patterns;
    or, with `a_preset`, f32 quantized to it) lhs and a weight packed from
    raw codes (`codes`, K rows of N bytes; `scales`, one E8M0 byte per
    column, K one block), so every code is reachable, NaN codes under
    finite scales included."""
    if a_elem == 'f16':
        a = m.fresh('c')
        m.main.append('  %s = arith.constant dense<"0x%s"> : %s' % (
            a, ''.join(struct.pack('<H', v).hex().upper()
                       for r in a_rows for v in r), tt(a_shape, 'f16')))
    else:
        a = m.const(a_rows, a_shape)
    a_type = tt(a_shape, a_elem)
    a_arg = a_type
    quant = []
    if a_preset:
        a_type = mxtype(a_shape, a_preset)
        quant = ['  %%qa = mx.quantize %%a : %s -> %s' % (a_arg, a_type)]
    K, N = len(codes), len(codes[0])
    et, st = tt([K, N], elem), tt([1, N], 'f8E8M0FNU')
    wt = mxtype([K, N], preset, [K, 1])

    def dense(rows, ty):
        return 'dense<"0x%s"> : %s' % (
            ''.join('%02X' % v for r in rows for v in r), ty)

    m.funcs.append(
        'func.func @%s(%%a: %s, %%e: %s, %%s: %s) -> %s {\n%s'
        '  %%w = mx.pack %%e, %%s : %s, %s -> %s\n'
        '  %%r = mx.matmul %s, %%w : %s, %s -> %s\n'
        '  return %%r : %s\n}'
        % (name, a_arg, et, st, tt(out_shape),
           ''.join(q + '\n' for q in quant), et, st, wt,
           '%qa' if a_preset else '%a', a_type, wt, tt(out_shape),
           tt(out_shape)))
    e, sc, w = m.fresh('ce'), m.fresh('cs'), m.fresh('cw')
    m.main.append('  %s = arith.constant %s' % (e, dense(codes, et)))
    m.main.append('  %s = arith.constant %s' % (sc, dense([scales], st)))
    m.main.append('  %s = mx.pack %s, %s : %s, %s -> %s'
                  % (w, e, sc, et, st, wt))
    qa = a
    if a_preset:
        qa = m.fresh('qa')
        m.main.append('  %s = mx.quantize %s : %s -> %s'
                      % (qa, a, a_arg, a_type))
    r = m.fresh('fr')
    m.main.append('  %s = mx.matmul %s, %s : %s, %s -> %s'
                  % (r, qa, w, a_type, wt, tt(out_shape)))
    show_f32(m, r, out_shape, m.main)
    r = m.fresh('cr')
    m.main.append('  %s = call @%s(%s, %s, %s) : (%s, %s, %s) -> %s'
                  % (r, name, a, e, sc, a_arg, et, st, tt(out_shape)))
    show_f32(m, r, out_shape, m.main)
    m.cases.append((name, 1))


def suite_matmul_fp8_codes(m):
    """Every E4M3 and E5M2 code as a weight (zeros, subnormals, the largest
    values, Inf and every NaN code, both signs), then every E2M3 and E3M2
    code, under finite block scales:
    row 0 of the weight holds the 256 codes (and 8 more: N = 264 leaves a
    ragged last sub-chunk), the other rows code 0, so output (r, n) is
    f32(a[r][0] * value(code n)) scaled. The GEMV (M = 1) and the
    register-blocked kernel (M = 4) decode FP8 codes through f16 on the x86
    targets (docs/Lowering.md, "FP8 weights"), by bit arithmetic
    elsewhere."""
    K, N = 32, 264
    codes = [[(n * 37 + 11) % 256 for n in range(N)]] + \
        [[0] * N for _ in range(K - 1)]
    scales = [127 - 3 * (n % 4) for n in range(N)]
    one = [[0x3F800000] + [0] * (K - 1)]
    rows4 = [[v] + [0] * (K - 1)
             for v in (0x3F800000, 0x3E000000, 0xBF800000, 0x40400000)]
    # Then every E2M3 and E3M2 code (64 each, four times over: FP6 has no
    # NaN or Inf), which decode through f16 too on the x86 targets.
    codes6 = [[c % 64 for c in codes[0]]] + codes[1:]
    for elem, preset, cs in (('f8E4M3FN', 'mxfp8_e4m3', codes),
                             ('f8E5M2', 'mxfp8_e5m2', codes),
                             ('f6E2M3FN', 'mxfp6_e2m3', codes6),
                             ('f6E3M2FN', 'mxfp6_e3m2', codes6)):
        tag = preset.split('_')[1]
        case_matmul_codes(m, 'mc_%s_m1' % tag, one, [1, K], elem, preset,
                          cs, scales, [1, N])
        case_matmul_codes(m, 'mc_%s_m4' % tag, rows4, [4, K], elem, preset,
                          cs, scales, [4, N])
    # The GEMV multiplies plain activations by 2^8 instead of each E4M3
    # value when none overflows (docs/Lowering.md, "FP8 weights"): at the
    # limit FLT_MAX / 2^8, the least subnormal and -Inf it folds; 2^121
    # anywhere in the activations (in a column whose weights are 0 too)
    # takes the nest without the fold.
    zeros = [0] * (K - 1)
    fits = [[0x7B7FFFFF] + zeros, [0x00000001] + zeros, [0xFF800000] + zeros]
    big = [[0x3F800000] + [0] * 6 + [0x7C000000] + [0] * (K - 8),
           [0x7C000000] + zeros]
    case_matmul_codes(m, 'mc_e4m3_fold', fits, [3, K], 'f8E4M3FN',
                      'mxfp8_e4m3', codes, scales, [3, N])
    case_matmul_codes(m, 'mc_e4m3_nofold', big, [2, K], 'f8E4M3FN',
                      'mxfp8_e4m3', codes, scales, [2, N])
    # The same edges of E2M3's 2^14 and E3M2's 2^12 (FLT_MAX / 2^14 is
    # 0x787FFFFF, / 2^12 0x797FFFFF; the next float up would overflow).
    for elem, preset, lim in (('f6E2M3FN', 'mxfp6_e2m3', 0x787FFFFF),
                              ('f6E3M2FN', 'mxfp6_e3m2', 0x797FFFFF)):
        tag = preset.split('_')[1]
        fits6 = [[lim] + zeros, [0x00000001] + zeros, [0xFF800000] + zeros]
        big6 = [[0x3F800000] + [0] * 6 + [lim + 1] + [0] * (K - 8),
                [lim + 1] + zeros]
        case_matmul_codes(m, 'mc_%s_fold' % tag, fits6, [3, K], elem, preset,
                          codes6, scales, [3, N])
        case_matmul_codes(m, 'mc_%s_nofold' % tag, big6, [2, K], elem,
                          preset, codes6, scales, [2, N])
    # f16 activations fold with no check (65504 * 2^8 is finite): the
    # largest, the least subnormal, -Inf.
    halves = [[0x7BFF] + zeros, [0x0001] + zeros, [0xFC00] + zeros]
    case_matmul_codes(m, 'mc_e4m3_f16', halves, [3, K], 'f8E4M3FN',
                      'mxfp8_e4m3', codes, scales, [3, N], a_elem='f16')
    # AVX2's bit decode of E4M3 (docs/Lowering.md, "FP8 weights by bits")
    # folds 2^120 into the activations: at its limit FLT_MAX / 2^120
    # (0x437FFFFF, just below 256), the least subnormal and -Inf it folds;
    # 256 anywhere takes the f16 route (with its 2^8). Every code in row 0
    # again, finite codes in the other rows (full-precision f32 activations
    # against them round their products: a fused multiply-add would not),
    # and NaN codes of both signs in rows 1 and 2 of the last two columns
    # (a NaN partial sum for those columns).
    nan_rows = [codes[0]] + [
        [c ^ 1 if c & 0x7F == 0x7F else c
         for c in ((n * 13 + 7 * k + 3) % 256 for n in range(N))]
        for k in range(1, K)]
    nan_rows[1][N - 2], nan_rows[2][N - 1] = 0x7F, 0xFF
    ones = [0x3FAAAAAB + 977 * k for k in range(K)]
    bits_fit = [[0x437FFFFF] + ones[1:], [0x00000001] + zeros,
                [0xFF800000] + zeros]
    case_matmul_codes(m, 'mc_e4m3_bits', bits_fit, [3, K], 'f8E4M3FN',
                      'mxfp8_e4m3', nan_rows, scales, [3, N])
    case_matmul_codes(m, 'mc_e4m3_bits_over', [[0x43800000] + zeros],
                      [1, K], 'f8E4M3FN', 'mxfp8_e4m3', nan_rows, scales,
                      [1, N])
    # MXINT8 activations (elements below 2: the fold needs no check): their
    # products with E4M3 values are exact, so one fused multiply-add each.
    int8_rows = [[0x3F800000, 0xBE000000] + [0x3C000000] * (K - 2),
                 [0xC0000000] + [0x3F000000] * (K - 1)]
    case_matmul_codes(m, 'mc_e4m3_int8', int8_rows, [2, K], 'f8E4M3FN',
                      'mxfp8_e4m3', nan_rows, scales, [2, N],
                      a_preset='mxint8')
    # MXFP8 activations (elements up to 448 and 57344: 2^120 would
    # overflow) fold 2^119 and 2^112 instead, and the partial sums are
    # multiplied by 2 and 2^8 after the block: each row's largest element
    # at the kind's largest value, full-precision rows (their elements
    # round), subnormal elements (E4M3 7 * 2^-9, E5M2 2^-16 and 2^-15),
    # both signs.
    tiny8, tiny5 = 0x38600000, 0x2F800000
    fp8_rows = [[0x3FE00000] + ones[1:K - 2] + [tiny8, 0xBF000000],
                [0xC1600000, tiny8 | 0x80000000] + ones[2:]]
    case_matmul_codes(m, 'mc_e4m3_fp8', fp8_rows, [2, K], 'f8E4M3FN',
                      'mxfp8_e4m3', nan_rows, scales, [2, N],
                      a_preset='mxfp8_e4m3')
    e5_rows = [[0x3FE00000] + ones[1:K - 3] + [tiny5, 0x30600000,
                                               0xBF000000],
               [0xC1600000, tiny5 | 0x80000000] + ones[2:]]
    case_matmul_codes(m, 'mc_e4m3_e5m2', e5_rows, [2, K], 'f8E4M3FN',
                      'mxfp8_e4m3', nan_rows, scales, [2, N],
                      a_preset='mxfp8_e5m2')


SUITES = {'quantize': suite_quantize, 'nvfp4': suite_nvfp4,
          'fp8_tensor': suite_fp8_tensor,
          'convert': suite_convert, 'matmul': suite_matmul,
          'matmul_wide': suite_matmul_wide,
          'matmul_threads': suite_matmul_threads,
          'matmul_batched': suite_matmul_batched,
          'matmul_intdot': suite_matmul_intdot,
          'matmul_intdot_fp6': suite_matmul_intdot_fp6,
          'matmul_intdot_e3m2': suite_matmul_intdot_e3m2,
          'matmul_fp8_codes': suite_matmul_fp8_codes,
          'matmul_batched_threads': suite_matmul_batched_threads,
          'quantize_wide': suite_quantize_wide,
          'hadamard': suite_hadamard, 'bf16_subnormal': suite_bf16_subnormal}

PRELUDE = '''// Generated by differential.py: each case folded (reference library)
// and compiled, printed in that order.
func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?xi32> to memref<?xi32>
  %u = memref.cast %m : memref<?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
'''


def with_const_weights(suite):
    """`suite` with every compiled matmul's weights constants."""
    def run(m):
        m.const_weights = True
        suite(m)
    return run


def with_kernel_layout(suite):
    """`suite` with every compiled matmul's weights passed in the kernel's
    layout."""
    def run(m):
        m.kernel_layout = True
        suite(m)
    return run


SUITES.update({
    'matmul_intdot_layout': with_kernel_layout(suite_matmul_intdot),
    'matmul_intdot_fp6_layout': with_kernel_layout(suite_matmul_intdot_fp6),
    'matmul_intdot_e3m2_layout': with_kernel_layout(suite_matmul_intdot_e3m2),
    'matmul_intdot_const': with_const_weights(suite_matmul_intdot),
    'matmul_intdot_fp6_const': with_const_weights(suite_matmul_intdot_fp6),
    'matmul_intdot_e3m2_const': with_const_weights(suite_matmul_intdot_e3m2),
})


def build(suite):
    m = Module()
    SUITES[suite](m)
    return m


def gen(suite):
    m = build(suite)
    out = [PRELUDE] + m.funcs
    out.append('func.func @main() {\n%s\n  return\n}\n' % '\n'.join(m.main))
    sys.stdout.write('\n'.join(out))


def is_f32_nan(word):
    bits = int(word) & 0xFFFFFFFF
    return (bits & 0x7F800000) == 0x7F800000 and (bits & 0x7FFFFF) != 0


def same_nans(fv, cv):
    """Where both sides are NaN, the reference's word on both."""
    both = [is_f32_nan(a) and is_f32_nan(b) for a, b in zip(fv, cv)]
    return fv, [a if n else b for a, b, n in zip(fv, cv, both)]


# Suites whose results come from f32 additions of values that may both be
# NaN: which NaN propagates is not specified (docs/Numerics.md §6, §7), so a
# NaN matches any NaN there; every other value, and every code, scale and
# NaN elsewhere, must match bit for bit. Only where it was observed to
# differ: Hadamard butterflies under target=generic, where LLVM commutes
# an fadd of two NaNs. The matmul suites stay strict until they differ.
NAN_ANY_SUITES = ('hadamard',)


def check(suite):
    m = build(suite)
    nan_any = suite in NAN_ANY_SUITES
    lines = sys.stdin.read().splitlines()
    arrays = [lines[i + 1] for i, l in enumerate(lines)
              if l.rstrip().endswith('data =') and i + 1 < len(lines)]
    want = sum(2 * n for _, n in m.cases)
    if len(arrays) != want:
        print('%s: %d arrays printed, expected %d' % (suite, len(arrays), want))
        return 1
    pos, values, bad = 0, 0, 0
    for name, n in m.cases:
        folded, compiled = arrays[pos:pos + n], arrays[pos + n:pos + 2 * n]
        pos += 2 * n
        for j, (f, c) in enumerate(zip(folded, compiled)):
            fv, cv = f.strip('[] ').split(', '), c.strip('[] ').split(', ')
            values += len(fv)
            if nan_any:
                fv, cv = same_nans(fv, cv)
            if fv != cv:
                bad += 1
                diff = [k for k in range(min(len(fv), len(cv)))
                        if fv[k] != cv[k]]
                k = diff[0] if diff else min(len(fv), len(cv))
                print('MISMATCH %s array %d at %d: folded %s, compiled %s'
                      % (name, j, k, fv[k:k + 4], cv[k:k + 4]))
    if bad:
        return 1
    print('%s: %d cases, %d values: compiled == reference, bit for bit%s%s'
          % (suite, len(m.cases), values,
             ' (a NaN result matches any NaN)' if nan_any else '',
             ' (sampled: %d of %d cases)' % (len(m.cases), m.seen)
             if SAMPLE > 1 else ''))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('gen', 'check') or \
            sys.argv[2] not in SUITES:
        sys.exit('usage: differential.py gen|check %s' % '|'.join(SUITES))
    if sys.argv[1] == 'gen':
        gen(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
