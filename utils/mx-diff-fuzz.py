#!/usr/bin/env python3
"""Whole-program differential testing of MX (docs/Fuzzing.md).

  mx-diff-fuzz.py run [--seed=S] [--count=N] [--first=F] [--batch=B]
                      [--tools=DIR] [--pipelines=LIST] [--keep=DIR]
                      [--progress]
  mx-diff-fuzz.py gen --seed=S [--index=I]     one program as a module
  mx-diff-fuzz.py reduce PROGRAM.json --predicate=CMD [--out=FILE.mlir]
  mx-diff-fuzz.py replay FILE.mlir [--tools=DIR]  a reduced lit test

`run` generates N random valid MX programs, programs F to F+N-1 of seed S
(seeded: program I of seed S is always the same, so a long run splits into
ranges run apart or in parallel) and evaluates each one through every pipeline:

  folded    the reference: @main holds the program on constant inputs and
            `mx-opt --canonicalize` folds it (the folders call the
            reference library); lowered and printed with the rest
  scalar    mx-cpu-pipeline vectorize=false, run by mlir-runner
  avx512, avx2, generic   the vector lowering for each CPU vector target
  mx-run    the JIT host (lib/ExecutionEngine) on .npy inputs
  warp-sim  mx-warp-sim on the GPU kernels, for a program that is one
            matmul the GPU lowering takes (its own inputs; the matmul
            error bound of docs/WarpSimulator.md)

and compares every f32 result bit for bit with the folded one (a NaN
matches any NaN: which NaN an f32 sum propagates is not specified). A
program mixes formats per operand, block shapes and tiles, batch
dimensions, scale modes, chains of ops and `#mx.policy`-driven
contractions (mx-apply-policy), on data with NaN, Inf, subnormals, zero
blocks and ties. Programs are batched B to a module so one compilation
covers many. Exit status 1 on any mismatch; --keep=DIR writes each failing
program (JSON, for `reduce`, and MLIR). The warp simulator's inputs for
program I of seed S come from its own seed (warp_seed), so a program
behaves the same whatever its batch; a kept program carries it.

`reduce` shrinks a program (JSON, as `run --keep` writes) by delta
debugging over its ops, operands' formats, shapes and data while
PREDICATE (a shell command given the candidate's JSON path as $1) still
exits 0, i.e. still "fails", and prints the smallest as a lit test whose
RUN line replays it (`replay`) through every pipeline.
"""
import argparse
import copy
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

NAN, INF, NINF = 0x7FC00000, 0x7F800000, 0xFF800000
PRESETS = ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4',
           'mxint8', 'nvfp4', 'fp8_e4m3_tensor']
E8M0_MODES = ['floor', 'rceil', 'ceil', 'even']
ALL_PIPELINES = ['scalar', 'avx512', 'avx2', 'generic', 'mx-run', 'warp-sim']


def f2b(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def b2f(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def is_nan(b):
    return (b & 0x7F800000) == 0x7F800000 and (b & 0x7FFFFF) != 0


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


# --------------------------------------------------------------------------
# Programs: plain data (JSON), so the reducer can edit them.
#
#   {'inputs': [{'shape': [...], 'data': [f32 bits...], 'weight': bool}],
#    'ops': [op...], 'const': bool (optional; see const_inputs)}
#
# Values are named by index: inputs first, then one f32 result per op.
# An op is one of
#   {'op': 'qdq', 'src': v, 'fmt': F}          quantize, dequantize
#   {'op': 'convert', 'src': v, 'fmt': F, 'to': F}
#   {'op': 'matmul', 'lhs': v, 'rhs': v, 'lfmt': F|None, 'rfmt': F|None}
#   {'op': 'policy', 'lhs': v, 'rhs': v, 'policy': '...'}  linalg.matmul
# with F = [preset, scale mode or None, block shape or None].
# --------------------------------------------------------------------------


def modes_of(preset):
    if preset in ('nvfp4', 'fp8_e4m3_tensor'):
        return [None]
    return [m for m in E8M0_MODES if not (preset == 'mxint8' and m == 'even')]


def value_shapes(prog):
    shapes = [i['shape'] for i in prog['inputs']]
    for op in prog['ops']:
        if op['op'] in ('qdq', 'convert'):
            shapes.append(shapes[op['src']])
        else:
            l, r = shapes[op['lhs']], shapes[op['rhs']]
            shapes.append(l[:-1] + [r[-1]])
    return shapes


def gen_data(rng, shape, specials=True):
    """f32 bits: blocks of Gaussians at scattered binades, zeros, ties,
    subnormals, the largest finite values, and sometimes NaN or Inf."""
    n = numel(shape)
    out = []
    while len(out) < n:
        kind = rng.random()
        run = rng.choice([4, 8, 16, 32])
        if kind < 0.55:
            e = rng.choice([0, 0, 0, -3, 3, -20, 20, -126, -140, 100, 127])
            vals = [f2b(max(min(rng.gauss(0, 1) * 2.0 ** e, 3e38), -3e38))
                    for _ in range(run)]
        elif kind < 0.65:
            vals = [rng.choice([0, 0x80000000]) for _ in range(run)]
        elif kind < 0.75:  # ties of every element kind, times a power of 2
            s = 2.0 ** rng.randint(-4, 4)
            vals = [f2b(rng.choice([0.25, 0.75, 1.25, 2.5, 3.5, 5.0, 0.0625,
                                     1.125, 1.0625, 104.0, 120.0]) *
                        rng.choice([1, -1]) * s) for _ in range(run)]
        elif kind < 0.85:
            vals = [rng.randint(1, 0x7FFFFF) | rng.choice([0, 0x80000000])
                    for _ in range(run)]
        elif kind < 0.9:
            vals = [rng.choice([0x7F7FFFFF, 0xFF7FFFFF, 0x7F000000])
                    for _ in range(run)]
        else:
            vals = [f2b(rng.uniform(-8, 8)) for _ in range(run)]
        if specials and rng.random() < 0.08:
            vals[rng.randrange(len(vals))] = rng.choice([NAN, INF, NINF])
        out.extend(vals)
    return out[:n]


def gen_fmt(rng, shape, kblock=None, axis=-1):
    """A format for a tensor of `shape`; kblock fixes the block along `axis`
    (a matmul's K) when given."""
    preset = rng.choice(PRESETS)
    mode = rng.choice(modes_of(preset))
    if preset == 'fp8_e4m3_tensor':
        return [preset, mode, None]
    rank = len(shape)
    ax = axis % rank
    block = [1] * rank
    if kblock is not None:
        block[ax] = kblock
    else:
        sizes = [b for b in (1, 2, 4, 8, 16, 32) if shape[ax] % b == 0]
        block[ax] = rng.choice(sizes[-3:])
    # Sometimes a 2-D tile over the last two dimensions.
    other = rank - 1 if ax == rank - 2 else rank - 2
    if rank >= 2 and rng.random() < 0.3:
        t = rng.choice([2, 4, 8, 16])
        if shape[other] % t == 0:
            block[other] = t
    default = [1] * (rank - 1) + [16 if preset == 'nvfp4' else 32]
    return [preset, mode, None if block == default else block]


def kblock_fmt(rng, preset, shape, kblock, axis, cols=1):
    """`preset` with blocks of `kblock` along `axis` (a matmul's K) and of
    `cols` along the last dimension (a weight's columns; 1: none)."""
    rank = len(shape)
    block = [1] * rank
    block[axis % rank] = kblock
    if cols > 1:
        block[rank - 1] = cols
    default = [1] * (rank - 1) + [16 if preset == 'nvfp4' else 32]
    return [preset, rng.choice(modes_of(preset)),
            None if block == default else block]


def gen_program(rng):
    prog = {'inputs': [], 'ops': []}
    shapes = []

    # Values are created in any order; they are numbered (inputs first)
    # once the program is complete.
    refs = []

    def add_input(shape, weight=False):
        prog['inputs'].append({'shape': shape, 'data': gen_data(rng, shape),
                               'weight': weight})
        shapes.append(shape)
        refs.append(('in', len(prog['inputs']) - 1))
        return len(shapes) - 1

    def add_op(op, shape):
        prog['ops'].append(op)
        shapes.append(shape)
        refs.append(('op', len(prog['ops']) - 1))
        return len(shapes) - 1

    if rng.random() < 0.2:
        # A single matmul in the shapes the GPU kernels take (for
        # warp-sim): K blocks of the format's size on both operands.
        preset = rng.choice(PRESETS[:7])
        other = 'nvfp4' if preset == 'nvfp4' else rng.choice(PRESETS[:6])
        bk = 16 if preset == 'nvfp4' else 32
        m, k, n = rng.choice([1, 2, 8, 16, 32]), bk * rng.randint(1, 4), \
            rng.choice([8, 16, 32])
        lhs, rhs = add_input([m, k]), add_input([k, n])
        lf = [preset, rng.choice(modes_of(preset)), None]
        rf = [other, rng.choice(modes_of(other)), [bk, 1]]
        add_op({'op': 'matmul', 'lhs': lhs, 'rhs': rhs, 'lfmt': lf,
                'rfmt': rf}, [m, n])
        return prog
    batch = rng.choice([[], [], [], [2]])
    m = rng.choice([1, 2, 3, 4, 8, 16])
    nsteps = rng.randint(1, 3)
    cur = None
    for _ in range(nsteps):
        kind = rng.choice(['qdq', 'convert', 'matmul', 'matmul', 'policy'])
        if kind in ('qdq', 'convert'):
            if cur is None:
                cur = add_input(batch + [m, rng.choice([16, 32, 64, 96])])
            shape = shapes[cur]
            f = gen_fmt(rng, shape)
            op = {'op': kind, 'src': cur, 'fmt': f}
            if kind == 'convert':
                op['to'] = gen_fmt(rng, shape)
            cur = add_op(op, shape)
            continue
        # A contraction: [.., M, K] x [.., K, N].
        bk = rng.choice([8, 16, 32])
        if cur is None or shapes[cur][-1] % bk:
            k = bk * rng.randint(1, 3)
            cur = add_input(batch + [m, k])
        k = shapes[cur][-1]
        # Packed FP6 rows need a multiple of 4 elements (docs/Lowering.md);
        # 64 columns reach the CPU's integer-dot kernel (whole 64-column
        # chunks).
        n = rng.choice([4, 8, 16, 32, 64])
        if kind == 'policy':
            # In @main every input is a constant, hence a weight; in @p<i>
            # an input is marked mx.weight so that the roles agree.
            if len(shapes[cur]) != 2:
                cur = add_input([m, k], weight=True)
            elif refs[cur][0] == 'in':
                prog['inputs'][refs[cur][1]]['weight'] = True
            rhs = add_input([k, n], weight=True)
            w, a = rng.choice(PRESETS + ['none', 'bf16']), rng.choice(
                PRESETS + ['none', 'bf16'])
            fields = ['weights = %s' % w, 'activations = %s' % a]
            if rng.random() < 0.4:
                fields.append('scale_mode = %s' % rng.choice(
                    ['floor', 'rceil', 'ceil']))
            if rng.random() < 0.3 and n % 16 == 0 and k % 16 == 0:
                fields.append('weight_block = [16, 16]')
            op = {'op': 'policy', 'lhs': cur, 'rhs': rhs,
                  'policy': ', '.join(fields)}
            cur = add_op(op, [m, n])
            continue
        rhs = add_input(shapes[cur][:-2] + [k, n], weight=rng.random() < 0.5)
        lf = None if rng.random() < 0.2 else gen_fmt(rng, shapes[cur], bk, -1)
        rf = None if rng.random() < 0.2 else gen_fmt(rng, shapes[rhs], bk, -2)
        if n == 64 and rng.random() < 0.5:
            # Half of the 64-column contractions in the CPU integer-dot
            # kernel's formats: MXINT8 against E2M1 (MXFP4, NVFP4 with
            # 16-element K blocks), E2M3 or E3M2; the weights' blocks along
            # K, a third of them also over 2 to 16 columns.
            lf = kblock_fmt(rng, 'mxint8', shapes[cur], bk, -1)
            presets = ['mxfp4', 'mxfp6_e2m3', 'mxfp6_e3m2']
            if bk == 16:
                presets.append('nvfp4')
            cols = rng.choice([2, 4, 8, 16]) if rng.random() < 0.3 else 1
            rf = kblock_fmt(rng, rng.choice(presets), shapes[rhs], bk, -2,
                            cols)
        # Rule M6: equal K blocks when both are block-scaled; gen_fmt gave
        # both bk unless one is per-tensor.
        op = {'op': 'matmul', 'lhs': cur, 'rhs': rhs, 'lfmt': lf, 'rfmt': rf}
        cur = add_op(op, shapes[cur][:-1] + [n])
    nin = len(prog['inputs'])
    number = [i if kind == 'in' else nin + i for kind, i in refs]
    for op in prog['ops']:
        for k in ('src', 'lhs', 'rhs'):
            if k in op:
                op[k] = number[op[k]]
    # A quarter of the programs hold their weights as constants of the
    # compiled function, as a model does after mx-apply-policy: the
    # integer dot then reads them re-laid at compile time (docs/Lowering.md,
    # "Constant weights in the integer dot").
    if rng.random() < 0.25:
        prog['const'] = True
    return prog


def const_inputs(prog):
    """The inputs that are constants of @p<i> (see gen_program): the
    weights and the rhs of every matmul."""
    if not prog.get('const'):
        return set()
    rhs = {op['rhs'] for op in prog['ops'] if 'rhs' in op}
    return {i for i, x in enumerate(prog['inputs'])
            if x['weight'] or i in rhs}


def program(seed, index):
    return gen_program(random.Random('%d/%d' % (seed, index)))


# --------------------------------------------------------------------------
# MLIR emission.
# --------------------------------------------------------------------------


def tt(shape, elem='f32'):
    return 'tensor<%sx%s>' % ('x'.join(map(str, shape)), elem)


def mxt(shape, fmt):
    preset, _, block = fmt
    b = '' if block is None else ', block = [%s]' % ', '.join(map(str, block))
    return '!mx.tensor<%sx%s%s>' % ('x'.join(map(str, shape)), preset, b)


def mode_attr(fmt):
    return '' if fmt[1] is None else ' scale_mode = %s' % fmt[1]


def hexdense(data):
    return '"0x' + ''.join(struct.pack('<I', v).hex().upper()
                           for v in data) + '"'


def emit_body(prog, args, fresh, out):
    """Lines computing the program from value names `args`; returns the
    names of the op results."""
    shapes = value_shapes(prog)
    names = list(args)
    for i, op in enumerate(prog['ops']):
        idx = len(prog['inputs']) + i
        shape = shapes[idx]
        r = fresh()
        if op['op'] in ('qdq', 'convert'):
            x, f = names[op['src']], op['fmt']
            q = fresh()
            out.append('%s = mx.quantize %s%s : %s -> %s'
                       % (q, x, mode_attr(f), tt(shape), mxt(shape, f)))
            last = f
            if op['op'] == 'convert':
                c, t = fresh(), op['to']
                out.append('%s = mx.convert %s%s : %s -> %s'
                           % (c, q, mode_attr(t), mxt(shape, f),
                              mxt(shape, t)))
                q, last = c, t
            out.append('%s = mx.dequantize %s : %s -> %s'
                       % (r, q, mxt(shape, last), tt(shape)))
        elif op['op'] == 'matmul':
            opnds = []
            for v, f in ((op['lhs'], op['lfmt']), (op['rhs'], op['rfmt'])):
                s = shapes[v]
                if f is None:
                    opnds.append((names[v], tt(s)))
                else:
                    q = fresh()
                    out.append('%s = mx.quantize %s%s : %s -> %s'
                               % (q, names[v], mode_attr(f), tt(s),
                                  mxt(s, f)))
                    opnds.append((q, mxt(s, f)))
            out.append('%s = mx.matmul %s, %s : %s, %s -> %s'
                       % (r, opnds[0][0], opnds[1][0], opnds[0][1],
                          opnds[1][1], tt(shape)))
        else:
            z, e, init = fresh(), fresh(), fresh()
            l, rr = op['lhs'], op['rhs']
            out.append('%s = arith.constant 0.0 : f32' % z)
            out.append('%s = tensor.empty() : %s' % (e, tt(shape)))
            out.append('%s = linalg.fill ins(%s : f32) outs(%s : %s) -> %s'
                       % (init, z, e, tt(shape), tt(shape)))
            out.append('%s = linalg.matmul {mx.policy = #mx.policy<%s>} '
                       'ins(%s, %s : %s, %s) outs(%s : %s) -> %s'
                       % (r, op['policy'], names[l], names[rr],
                          tt(shapes[l]), tt(shapes[rr]), init, tt(shape),
                          tt(shape)))
        names.append(r)
    return names[len(args):]


def print_lines(var, shape, fresh, out):
    n = numel(shape)
    b = fresh()
    out.append('%s = arith.bitcast %s : %s to %s'
               % (b, var, tt(shape), tt(shape, 'i32')))
    cur = b
    if len(shape) > 1:
        c = fresh()
        out.append('%s = tensor.collapse_shape %s [[%s]] : %s into %s'
                   % (c, cur, ', '.join(map(str, range(len(shape)))),
                      tt(shape, 'i32'), tt([n], 'i32')))
        cur = c
    d = fresh()
    out.append('%s = tensor.cast %s : %s to tensor<?xi32>'
               % (d, cur, tt([n], 'i32')))
    out.append('call @print(%s) : (tensor<?xi32>) -> ()' % d)


PRELUDE = '''func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?xi32> to memref<?xi32>
  %u = memref.cast %m : memref<?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
'''


def func_sig(prog, name):
    shapes = value_shapes(prog)
    consts = const_inputs(prog)
    args = ['%%a%d: %s%s' % (i, tt(x['shape']),
                             ' {mx.weight}' if x['weight'] else '')
            for i, x in enumerate(prog['inputs']) if i not in consts]
    res = [tt(s) for s in shapes[len(prog['inputs']):]]
    return args, res


def emit_module(progs, with_main=True, with_all=True):
    """@p<i> per program; @main folds each on constants and calls @p<i>,
    printing folded then compiled results; @all (for mx-run) takes every
    input and returns every result."""
    counter = [0]

    def fresh():
        counter[0] += 1
        return '%%v%d' % counter[0]

    funcs = [PRELUDE] if with_main else []
    main = []
    all_args, all_res, all_body = [], [], []
    for pi, prog in enumerate(progs):
        args, res = func_sig(prog, 'p%d' % pi)
        consts_in = const_inputs(prog)
        passed = [i for i in range(len(prog['inputs']))
                  if i not in consts_in]
        body = ['%%a%d = arith.constant dense<%s> : %s'
                % (i, hexdense(prog['inputs'][i]['data']),
                   tt(prog['inputs'][i]['shape'])) for i in sorted(consts_in)]
        outs = emit_body(prog, ['%%a%d' % i
                                for i in range(len(prog['inputs']))],
                         fresh, body)
        funcs.append('func.func @p%d(%s) -> (%s) {\n  %s\n  return %s : %s\n}'
                     % (pi, ', '.join(args), ', '.join(res),
                        '\n  '.join(body), ', '.join(outs), ', '.join(res)))
        shapes = value_shapes(prog)
        consts = []
        for x in prog['inputs']:
            c = fresh()
            main.append('%s = arith.constant dense<%s> : %s'
                        % (c, hexdense(x['data']), tt(x['shape'])))
            consts.append(c)
        folded = emit_body(prog, consts, fresh, main)
        for v, s in zip(folded, shapes[len(consts):]):
            print_lines(v, s, fresh, main)
        rs = [fresh() for _ in res]
        main.append('%s = call @p%d(%s) : (%s) -> (%s)'
                    % (', '.join(rs), pi, ', '.join(consts[i] for i in passed),
                       ', '.join(tt(prog['inputs'][i]['shape'])
                                 for i in passed),
                       ', '.join(res)))
        for v, s in zip(rs, shapes[len(consts):]):
            print_lines(v, s, fresh, main)
        # @all: the same call on its own arguments.
        base = len(all_args)
        all_args += ['%%a%d: %s' % (base + j, tt(prog['inputs'][i]['shape']))
                     for j, i in enumerate(passed)]
        rs = [fresh() for _ in res]
        all_body.append('%s = call @p%d(%s) : (%s) -> (%s)'
                        % (', '.join(rs), pi, ', '.join(
                            '%%a%d' % (base + j) for j in range(len(passed))),
                           ', '.join(tt(prog['inputs'][i]['shape'])
                                     for i in passed),
                           ', '.join(res)))
        all_res += list(zip(rs, res))
    if with_main:
        funcs.append('func.func @main() {\n  %s\n  return\n}'
                     % '\n  '.join(main))
    if with_all:
        funcs.append('func.func @all(%s) -> (%s) {\n  %s\n  return %s : %s\n}'
                     % (', '.join(all_args), ', '.join(t for _, t in all_res),
                        '\n  '.join(all_body),
                        ', '.join(v for v, _ in all_res),
                        ', '.join(t for _, t in all_res)))
    return '\n'.join(funcs) + '\n'


# --------------------------------------------------------------------------
# Running the pipelines.
# --------------------------------------------------------------------------


class Tools:
    def __init__(self, tools_dir):
        def find(name, dirs):
            for d in dirs:
                p = os.path.join(d, name) if d else shutil.which(name)
                if p and os.access(p, os.X_OK):
                    return p
            sys.exit('mx-diff-fuzz: %s not found (--tools=DIR)' % name)
        mx = [tools_dir] if tools_dir else [None]
        llvm = ['/usr/lib/llvm-22/bin', None]
        self.mx_opt = find('mx-opt', mx)
        self.mx_run = find('mx-run', mx)
        self.warp_sim = find('mx-warp-sim', mx)
        self.runner = find('mlir-runner', llvm)
        lib = os.path.join(os.path.dirname(os.path.dirname(self.runner)),
                           'lib')
        self.shared = ','.join(os.path.join(lib, l) for l in (
            'libmlir_runner_utils.so', 'libmlir_c_runner_utils.so'))


def sh(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def runner_arrays(text):
    lines = text.splitlines()
    return [[int(v) & 0xFFFFFFFF for v in lines[i + 1].strip('[] ').split(', ')
             if v]
            for i, l in enumerate(lines)
            if l.rstrip().endswith('data =') and i + 1 < len(lines)]


def host_has_avx2():
    try:
        with open('/proc/cpuinfo') as f:
            return any(l.startswith('flags') and ' avx2' in l for l in f)
    except OSError:
        return False


# The x86 targets' integer-dot kernel (AVX2 intrinsics) only where the host
# can run it; elsewhere those targets compile their f32 nest.
X86 = '' if host_has_avx2() else ' integer-dot=false'
PIPELINE_FLAGS = {
    'scalar': 'vectorize=false',
    'avx512': 'target=avx512' + X86,
    'avx2': 'target=avx2' + X86,
    'generic': 'target=generic',
}


def run_runner(tools, mlir_path, pipeline):
    rc, out, err = sh([tools.mx_opt, mlir_path, '--mx-apply-policy',
                       '--canonicalize',
                       '--mx-cpu-pipeline=%s' % PIPELINE_FLAGS[pipeline]])
    if rc:
        return None, 'mx-opt failed: ' + err.strip()[-2000:]
    rc, out2, err = sh([tools.runner, '-e', 'main',
                        '-entry-point-result=void',
                        '-shared-libs=' + tools.shared], out)
    if rc:
        return None, 'mlir-runner failed: ' + err.strip()[-2000:]
    return runner_arrays(out2), None


def write_npy(path, shape, data):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ''.join('%d, ' % d for d in shape) if len(shape) != 1
        else '%d,' % shape[0])
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + ' ' * pad + '\n'
    with open(path, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) +
                header.encode() + struct.pack('<%dI' % len(data), *data))


def read_npy(path):
    raw = open(path, 'rb').read()
    hlen = struct.unpack('<H', raw[8:10])[0]
    body = raw[10 + hlen:]
    return list(struct.unpack('<%dI' % (len(body) // 4), body))


def run_mx_run(tools, mlir_path, progs, tmp):
    cmd = [tools.mx_run, mlir_path, '--entry=all']
    k = 0
    for prog in progs:
        consts = const_inputs(prog)
        for x in (x for i, x in enumerate(prog['inputs']) if i not in consts):
            p = os.path.join(tmp, 'in%d.npy' % k)
            write_npy(p, x['shape'], x['data'])
            cmd.append('--input=' + p)
            k += 1
    outs = []
    for prog in progs:
        for _ in prog['ops']:
            outs.append(os.path.join(tmp, 'out%d.npy' % len(outs)))
            cmd.append('--output=' + outs[-1])
    # mx-run compiles what it is given; the policies are carried out
    # first, as for the other pipelines.
    path = os.path.join(tmp, 'all.mlir')
    open(path, 'w').write(emit_module(progs, with_main=False))
    applied = os.path.join(tmp, 'all-applied.mlir')
    rc, _, err = sh([tools.mx_opt, path, '--mx-apply-policy', '-o', applied])
    if rc:
        return None, 'mx-opt --mx-apply-policy failed: ' + err.strip()[-2000:]
    cmd[1] = applied
    rc, out, err = sh(cmd)
    if rc:
        return None, 'mx-run failed: ' + err.strip()[-2000:]
    return [read_npy(p) for p in outs], None


def single_matmul(prog):
    """Whether the program is one op mx-warp-sim may take: a rank-2 matmul
    or a quantize + dequantize."""
    ops = prog['ops']
    return len(ops) == 1 and (ops[0]['op'] == 'qdq' or (
        ops[0]['op'] == 'matmul' and
        len(value_shapes(prog)[ops[0]['lhs']]) == 2))


def run_warp_sim(tools, prog, tmp, seed):
    """mx-warp-sim on the program's matmul for each chip class; None when
    the GPU lowering takes none of them (not a failure)."""
    path = os.path.join(tmp, 'ws.mlir')
    open(path, 'w').write(emit_module([prog], with_main=False,
                                      with_all=False))
    ran = []
    for chip in ('sm_80', 'sm_89', 'sm_90a', 'sm_100a', 'sm_120a'):
        rc, out, err = sh([tools.warp_sim, path, '--chip=' + chip,
                           '--seed=%d' % seed])
        if rc == 0 and 'PASS' in out:
            ran.append(chip)
        elif 'FAIL' in out:
            return 'warp-sim %s: %s' % (chip, out.strip()[-1500:])
        # Anything else is the lowering declining the op (a diagnostic).
    return None if ran else 'declined'



def compare(ref, got):
    """Index of the first difference, or None."""
    if len(ref) != len(got):
        return min(len(ref), len(got))
    for i, (a, b) in enumerate(zip(ref, got)):
        if a != b and not (is_nan(a) and is_nan(b)):
            return i
    return None


gpu_ran = [0]


def warp_seed(seed, index):
    """The warp simulator's input seed for program `index` of `seed`."""
    return (seed * 1000003 + index) % (1 << 31)


def evaluate(tools, progs, pipelines, tmp, seeds=None):
    """Per program: a list of failure descriptions (empty when it passes).
    Also returns the number of values compared. seeds: the warp simulator's
    seed per program (default: the program's own `warp_seed`, else 1)."""
    if seeds is None:
        seeds = [p.get('warp_seed', 1) for p in progs]
    path = os.path.join(tmp, 'batch.mlir')
    open(path, 'w').write(emit_module(progs))
    if len(progs) > 1 and any(p in PIPELINE_FLAGS for p in pipelines):
        # One program that does not compile fails the whole module: then
        # each program is evaluated on its own.
        rc, _, _ = sh([tools.mx_opt, path, '--mx-apply-policy',
                       '--canonicalize', '--mx-cpu-pipeline',
                       '-o', os.devnull])
        if rc:
            fails, compared = [], 0
            for i, p in enumerate(progs):
                f, n = evaluate(tools, [p], pipelines, tmp, [seeds[i]])
                fails += f
                compared += n
            return fails, compared
    fails = [[] for _ in progs]
    counts = [len(p['ops']) for p in progs]
    ref, compared = None, 0
    # The runner pipelines first: their output carries the reference.
    for pipe in sorted(pipelines, key=lambda p: p not in PIPELINE_FLAGS):
        if pipe in PIPELINE_FLAGS:
            arrays, err = run_runner(tools, path, pipe)
            if err:
                for f in fails:
                    f.append('%s: %s' % (pipe, err))
                continue
            if len(arrays) != 2 * sum(counts):
                for f in fails:
                    f.append('%s: %d arrays printed, expected %d'
                             % (pipe, len(arrays), 2 * sum(counts)))
                continue
            pos, this_ref = 0, []
            for pi, c in enumerate(counts):
                folded, compiled = arrays[pos:pos + c], arrays[pos + c:
                                                               pos + 2 * c]
                pos += 2 * c
                this_ref.append(folded)
                for j, (a, b) in enumerate(zip(folded, compiled)):
                    compared += len(a)
                    k = compare(a, b)
                    if k is not None:
                        fails[pi].append(
                            '%s: result %d differs at %d: folded 0x%08x, '
                            'compiled 0x%08x' % (pipe, j, k, a[k] if k < len(a)
                                                 else 0, b[k] if k < len(b)
                                                 else 0))
            ref = ref or this_ref
        elif pipe == 'mx-run':
            if ref is None:
                continue
            results, err = run_mx_run(tools, path, progs, tmp)
            if err:
                for f in fails:
                    f.append('mx-run: ' + err)
                continue
            pos = 0
            for pi, c in enumerate(counts):
                for j in range(c):
                    compared += len(results[pos])
                    k = compare(ref[pi][j], results[pos])
                    if k is not None:
                        fails[pi].append(
                            'mx-run: result %d differs at %d' % (j, k))
                    pos += 1
        elif pipe == 'warp-sim':
            for pi, prog in enumerate(progs):
                if single_matmul(prog):
                    err = run_warp_sim(tools, prog, tmp, seeds[pi])
                    if err == 'declined':
                        continue
                    gpu_ran[0] += 1
                    if err:
                        fails[pi].append(err)
    return fails, compared


def cmd_run(args):
    if args.first < 0 or args.count < 1 or args.batch < 1:
        sys.exit('mx-diff-fuzz: --first must be >= 0, --count and --batch '
                 '>= 1')
    tools = Tools(args.tools)
    pipelines = args.pipelines.split(',')
    total_fail, compared = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        end = args.first + args.count
        for start in range(args.first, end, args.batch):
            idx = list(range(start, min(end, start + args.batch)))
            progs = [program(args.seed, i) for i in idx]
            fails, n = evaluate(tools, progs, pipelines, tmp,
                                [warp_seed(args.seed, i) for i in idx])
            compared += n
            for i, prog, f in zip(idx, progs, fails):
                if not f:
                    continue
                total_fail += 1
                print('FAIL program %d of seed %d:' % (i, args.seed))
                for line in f[:6]:
                    print('  ' + line)
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    base = os.path.join(args.keep, 's%d-p%d' % (args.seed, i))
                    json.dump(dict(prog, warp_seed=warp_seed(args.seed, i)),
                              open(base + '.json', 'w'))
                    open(base + '.mlir', 'w').write(emit_module([prog]))
            if args.progress:
                print('%d programs, %d failing'
                      % (idx[-1] + 1 - args.first, total_fail),
                      file=sys.stderr, flush=True)
    print('%d programs (seed %d, %d to %d), %d values compared through %s; '
          '%d programs ran on the warp simulator: %s'
          % (args.count, args.seed, args.first, end - 1, compared,
             ', '.join(pipelines),
             gpu_ran[0],
             'all equal to the reference' if not total_fail else
             '%d FAILED' % total_fail))
    return 1 if total_fail else 0


# --------------------------------------------------------------------------
# The reducer.
# --------------------------------------------------------------------------


def prune(prog):
    """Drops inputs no op uses and renumbers; None if an op refers to a
    removed value (the candidate is invalid)."""
    nin = len(prog['inputs'])
    used = set()
    for op in prog['ops']:
        for k in ('src', 'lhs', 'rhs'):
            if k in op:
                used.add(op[k])
    keep = [i for i in range(nin) if i in used]
    remap = {old: new for new, old in enumerate(keep)}
    for j in range(len(prog['ops'])):
        remap[nin + j] = len(keep) + j
    out = {'inputs': [prog['inputs'][i] for i in keep], 'ops': []}
    if prog.get('const'):
        out['const'] = True
    if 'warp_seed' in prog:
        out['warp_seed'] = prog['warp_seed']
    for op in prog['ops']:
        op = dict(op)
        for k in ('src', 'lhs', 'rhs'):
            if k in op:
                op[k] = remap[op[k]]
        out['ops'].append(op)
    return out


def candidates(prog):
    """Smaller variants of a program, biggest cuts first."""
    nin = len(prog['inputs'])
    ops = prog['ops']
    # 1. Drop an op whose result nothing uses (the last ones first).
    for j in reversed(range(len(ops))):
        v = nin + j
        if not any(v in (o.get('src'), o.get('lhs'), o.get('rhs'))
                   for o in ops):
            c = copy.deepcopy(prog)
            del c['ops'][j]
            # Later ops' results move down by one.
            for o in c['ops']:
                for k in ('src', 'lhs', 'rhs'):
                    if k in o and o[k] > v:
                        o[k] -= 1
            if c['ops']:
                yield prune(c)
    # 2. Replace an op's operand that is an op result by a fresh input with
    #    the same (folded-free) data: zeros of its shape.
    shapes = value_shapes(prog)
    for j, op in enumerate(ops):
        for k in ('src', 'lhs', 'rhs'):
            if k in op and op[k] >= nin:
                c = copy.deepcopy(prog)
                shape = shapes[op[k]]
                c['inputs'].append({'shape': shape,
                                    'data': [0] * numel(shape),
                                    'weight': False})
                # the new input is value nin; shift op results by one
                for o in c['ops']:
                    for kk in ('src', 'lhs', 'rhs'):
                        if kk in o and o[kk] >= nin:
                            o[kk] += 1
                c['ops'][j][k] = nin
                yield prune(c)
    # 3. Make an operand plain f32 / drop a convert / default a block.
    for j, op in enumerate(ops):
        for k in ('lfmt', 'rfmt'):
            if op.get(k) is not None:
                c = copy.deepcopy(prog)
                c['ops'][j][k] = None
                yield c
        if op['op'] == 'convert':
            c = copy.deepcopy(prog)
            c['ops'][j] = {'op': 'qdq', 'src': op['src'], 'fmt': op['fmt']}
            yield c
        for k in ('fmt', 'to', 'lfmt', 'rfmt'):
            f = op.get(k)
            if f and f[1] not in (None, 'floor') and f[0] not in (
                    'nvfp4', 'fp8_e4m3_tensor'):
                c = copy.deepcopy(prog)
                c['ops'][j][k] = [f[0], 'floor', f[2]]
                yield c
    # 4. Data: zero halves, then single values.
    for i, x in enumerate(prog['inputs']):
        n = len(x['data'])
        step = n // 2
        while step >= 1:
            for s in range(0, n, step):
                if any(x['data'][s:s + step]):
                    c = copy.deepcopy(prog)
                    c['inputs'][i]['data'][s:s + step] = [0] * len(
                        x['data'][s:s + step])
                    yield c
            step //= 2
        for s in range(n):
            v = x['data'][s]
            if v not in (0, 0x3F800000):
                c = copy.deepcopy(prog)
                c['inputs'][i]['data'][s] = 0x3F800000
                yield c
    # 5. Shapes: halve a batch or an M/N dimension when nothing else
    #    depends on it (only for single-op programs, where it is simple).
    if len(ops) == 1:
        for dim in range(len(shapes[-1])):
            c = shrink_dim(prog, dim)
            if c:
                yield c


def shrink_dim(prog, dim):
    """Halves result dimension `dim` of a one-op program when every
    operand and block allows it."""
    c = copy.deepcopy(prog)
    op = c['ops'][0]
    rank = len(value_shapes(prog)[-1])
    if op['op'] in ('qdq', 'convert'):
        x = c['inputs'][op['src']]
        sh_ = x['shape']
        if sh_[dim] % 2:
            return None
        blocks = [f[2] or ([1] * (rank - 1) + [16 if f[0] == 'nvfp4' else 32])
                  for f in (op['fmt'], op.get('to')) if f and f[0] !=
                  'fp8_e4m3_tensor']
        half = sh_[dim] // 2
        if any(half % b[dim] for b in blocks):
            return None
        keep = slice_data(sh_, x['data'], dim, half)
        x['shape'] = sh_[:dim] + [half] + sh_[dim + 1:]
        x['data'] = keep
        return c
    if op['op'] != 'matmul':
        return None
    # matmul: batch dims and M shrink the lhs (and batch the rhs), N the rhs.
    l, r = c['inputs'][op['lhs']], c['inputs'][op['rhs']]
    targets = []
    if dim < rank - 2:
        targets = [(l, op['lfmt'], dim), (r, op['rfmt'], dim)]
    elif dim == rank - 2:
        targets = [(l, op['lfmt'], dim)]
    else:
        targets = [(r, op['rfmt'], dim)]
    for x, f, d in targets:
        if x['shape'][d] % 2:
            return None
        half = x['shape'][d] // 2
        if f and f[0] != 'fp8_e4m3_tensor' and f[2] and half % f[2][d]:
            return None
    for x, f, d in targets:
        half = x['shape'][d] // 2
        x['data'] = slice_data(x['shape'], x['data'], d, half)
        x['shape'] = x['shape'][:d] + [half] + x['shape'][d + 1:]
    return c


def slice_data(shape, data, dim, size):
    """The first `size` entries along `dim` of a row-major tensor."""
    inner = numel(shape[dim + 1:])
    outer = numel(shape[:dim])
    out = []
    for o in range(outer):
        base = o * shape[dim] * inner
        out.extend(data[base:base + size * inner])
    return out


def program_size(prog):
    """Ops, then values, then nonzero values, then quantized operands and
    non-default scale modes: what a reduction step must decrease."""
    fmts = [op.get(k) for op in prog['ops']
            for k in ('fmt', 'to', 'lfmt', 'rfmt')]
    return (len(prog['ops']), sum(len(x['data']) for x in prog['inputs']),
            sum(1 for x in prog['inputs'] for v in x['data'] if v),
            sum(1 for f in fmts if f) +
            sum(1 for f in fmts if f and f[1] not in (None, 'floor')) +
            sum(1 for op in prog['ops'] if op['op'] == 'convert'))


def valid(tools, prog):
    if tools is None:
        return True
    with tempfile.NamedTemporaryFile('w', suffix='.mlir') as f:
        f.write(emit_module([prog]))
        f.flush()
        return sh([tools.mx_opt, f.name, '-o', os.devnull])[0] == 0


def reduce_program(prog, still_fails, tools=None, log=None):
    """Greedy delta debugging: take the first smaller candidate that still
    fails, until none does."""
    steps = 0
    improved = True
    while improved:
        improved = False
        for c in candidates(prog):
            if program_size(c) >= program_size(prog):
                continue
            if not valid(tools, c):
                continue
            if still_fails(c):
                prog, improved = c, True
                steps += 1
                if log:
                    log('step %d: %s' % (steps, program_size(prog)))
                break
    return prog


def lit_test(prog, note):
    """A lit test that replays the program through every pipeline: it
    fails while the miscompile is there."""
    return ('// Reduced by utils/mx-diff-fuzz.py reduce: %s\n'
            '// RUN: %%python %%mx_src_root/utils/mx-diff-fuzz.py replay %%s '
            '--tools=%%mx_tools_dir | FileCheck %%s\n'
            '// CHECK: 1 programs {{.*}}: all equal to the reference\n'
            '// PROGRAM: %s\n//\n// The program as MLIR:\n%s'
            % (note, json.dumps(prog, separators=(',', ':')),
               ''.join('// ' + l + '\n'
                       for l in emit_module([prog], with_main=False,
                                            with_all=False).splitlines())))


def cmd_reduce(args):
    prog = json.load(open(args.program))
    tools = Tools(args.tools) if args.validate else None

    def still_fails(c):
        with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
            json.dump(c, f)
            f.flush()
            return subprocess.run(args.predicate + ' ' + f.name, shell=True,
                                  capture_output=True).returncode == 0

    if not still_fails(prog):
        sys.exit('mx-diff-fuzz: the predicate does not hold for the input')
    small = reduce_program(prog, still_fails, tools,
                           (lambda s: print(s, file=sys.stderr))
                           if args.verbose else None)
    text = lit_test(small, 'from %s' % os.path.basename(args.program))
    if args.out:
        open(args.out, 'w').write(text)
        json.dump(small, open(args.out + '.json', 'w'))
    else:
        sys.stdout.write(text)
    return 0


def cmd_replay(args):
    """Evaluates the program of a reduced lit test (its PROGRAM line)."""
    for line in open(args.file):
        if line.startswith('// PROGRAM: '):
            prog = json.loads(line[len('// PROGRAM: '):])
            break
    else:
        sys.exit('mx-diff-fuzz: no PROGRAM line in %s' % args.file)
    tools = Tools(args.tools)
    pipelines = args.pipelines.split(',')
    with tempfile.TemporaryDirectory() as tmp:
        fails, n = evaluate(tools, [prog], pipelines, tmp)
    for line in fails[0]:
        print('  ' + line)
    print('1 programs (%s), %d values compared through %s: %s'
          % (os.path.basename(args.file), n, ', '.join(pipelines),
             'FAILED' if fails[0] else 'all equal to the reference'))
    return 1 if fails[0] else 0


def cmd_gen(args):
    prog = program(args.seed, args.index)
    if args.json:
        json.dump(prog, sys.stdout)
        print()
    else:
        sys.stdout.write(emit_module([prog]))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('--seed', type=int, default=1)
    r.add_argument('--count', type=int, default=30)
    r.add_argument('--first', type=int, default=0)
    r.add_argument('--batch', type=int, default=10)
    r.add_argument('--tools')
    r.add_argument('--pipelines', default=','.join(ALL_PIPELINES))
    r.add_argument('--keep')
    r.add_argument('--progress', action='store_true')
    g = sub.add_parser('gen')
    g.add_argument('--seed', type=int, default=1)
    g.add_argument('--index', type=int, default=0)
    g.add_argument('--json', action='store_true')
    d = sub.add_parser('reduce')
    d.add_argument('program')
    d.add_argument('--predicate', required=True)
    d.add_argument('--out')
    d.add_argument('--tools')
    d.add_argument('--validate', action='store_true',
                   help='keep only candidates mx-opt accepts')
    d.add_argument('--verbose', action='store_true')
    c = sub.add_parser('replay')
    c.add_argument('file')
    c.add_argument('--tools')
    c.add_argument('--pipelines', default=','.join(ALL_PIPELINES))
    args = ap.parse_args()
    return {'run': cmd_run, 'gen': cmd_gen, 'reduce': cmd_reduce,
            'replay': cmd_replay}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
