#!/usr/bin/env python3
"""mx-gpu-job: compile one MX op for an NVIDIA chip and write an mx-cuda-run job.

The job (docs/Tools.md, "mx-cuda-run") is a directory holding the cubin, the
manifest `job.json`, the input component buffers and the expected outputs:

  mx-gpu-job.py --op=matmul --lhs=mxfp4 --rhs=mxfp4 --m=1 --n=64 --k=256 \
                --chip=sm_90a -o DIR
  mx-gpu-job.py --op=dequantize --format=nvfp4 --shape=4x64 --chip=sm_90a -o DIR

How it works:
  1. writes the MX program (DIR/program.mlir: one function, one op);
  2. `mx-opt --convert-mx-to-gpu` gives the host function: its component
     arguments and the gpu.launch_func ops (kernel, grid, block, arguments);
     the writer follows each launch argument to a component, an allocation
     or an f32 product of tensor scales, and rejects anything else;
  3. `mx-opt --mx-nvvm-pipeline=format=cubin` gives the gpu.binary, whose
     cubin is written to DIR/kernels.cubin;
  4. random and edge-case inputs are quantized by `mx-quant` (the reference
     library): its packed elements and scales are the input buffers, its
     decoded values the reference. Dequantize is checked bit for bit; a
     matmul against its exact value (rational arithmetic) within
     mxref::matmulErrorBound (docs/Numerics.md), written per element to
     bound.npy.

Errors are one line on stderr and exit status 1.
"""

import argparse
import json
import math
import os
import random
import re
import struct
import subprocess
import sys
from fractions import Fraction

# Component order of one !mx.tensor argument after convert-mx-to-gpu
# (docs/Lowering.md): packed elements, scale bytes, then the f32 tensor
# scale for formats that have one.
TENSOR_SCALE_FORMATS = {"nvfp4"}
NATURAL_BLOCK = {"nvfp4": 16}


class JobError(Exception):
    pass


def write_npy(path, descr, shape, payload):
    """Writes a version 1.0 .npy file (C order)."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape) if len(shape) != 1 else "%d," % shape[0])
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(payload)


def f32(x):
    """Rounds a Python float (double) to f32, to nearest even."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def bits_f32(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def run_tool(cmd, stdin=None):
    try:
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    except OSError as e:
        raise JobError("cannot run %s: %s" % (cmd[0], e))
    if p.returncode != 0:
        raise JobError("%s failed (exit %d): %s" % (
            os.path.basename(cmd[0]), p.returncode, p.stderr.strip()))
    return p.stdout


def parse_shape(text, what):
    m = re.fullmatch(r"(\d+)x(\d+)", text or "")
    if not m or int(m.group(1)) == 0 or int(m.group(2)) == 0:
        raise JobError("%s must be RxC with positive sizes, got '%s'" % (what, text))
    return int(m.group(1)), int(m.group(2))


# ---------------------------------------------------------------------------
# Inputs and the reference
# ---------------------------------------------------------------------------

def make_values(rng, rows, cols, tile):
    """Random values with edge cases per block: an all-zero block, a block
    whose outlier flushes the rest, signed zeros, exact powers of two, tiny
    blocks (scales near 2^-20). Blocks are `tile` = (tr, tc)."""
    tr, tc = tile
    vals = [[0.0] * cols for _ in range(rows)]
    nblock = 0
    for bi in range(0, rows, tr):
        for bj in range(0, cols, tc):
            kind = nblock % 8 if nblock < 8 else rng.randrange(12)
            nblock += 1
            exp = rng.randint(-6, 6)
            for i in range(bi, bi + tr):
                for j in range(bj, bj + tc):
                    v = rng.gauss(0.0, 1.0) * 2.0 ** exp
                    if kind == 0:
                        v = 0.0
                    elif kind == 1:
                        v = -0.0 if (i + j) % 2 else 0.0
                    elif kind == 2 and i == bi and j == bj:
                        v = 3.0e4  # outlier: the others round to zero
                    elif kind == 3:
                        v = float(rng.choice([-6, -4, -1, 0.5, 1, 2, 3, 6])) * 2.0 ** exp
                    elif kind == 4:
                        v *= 2.0 ** -20
                    vals[i][j] = f32(v)
    return vals


def quantize(mx_quant, fmt, rows, cols, tile, values):
    """Runs mx-quant: returns (packed element bytes, scale bytes, global bits
    or None, per-element (code, scale code) and decoded f32 bits, row-major)."""
    text = "\n".join("0x%08x" % f32_bits(v) for row in values for v in row) + "\n"
    args = [mx_quant, "--format=" + fmt, "--shape=%dx%d" % (rows, cols),
            "--tile=%dx%d" % tile]
    packed = run_tool(args + ["--emit=packed"], text)
    codes = run_tool(args + ["--emit=codes"], text)
    fields = dict(line.split("\t", 1) for line in packed.splitlines())
    elements = bytes.fromhex(fields["elements"])
    scales = bytes.fromhex(fields["scales"])
    glob = int(fields["global"], 16) if "global" in fields else None
    tr, tc = tile
    bcols = cols // tc
    code = [[None] * cols for _ in range(rows)]
    decoded = [[None] * cols for _ in range(rows)]
    scale_code = [[None] * cols for _ in range(rows)]
    for line in codes.splitlines():
        if line.startswith("global\t"):
            continue
        idx, sc, cs, ds = line.split("\t")
        idx, sc = int(idx), int(sc, 16)
        bi, bj = divmod(idx, bcols)
        cs = cs.split(",") if cs != "*" else [None] * (tr * tc)
        ds = ds.split(",")
        for n in range(tr * tc):
            i, j = bi * tr + n // tc, bj * tc + n % tc
            code[i][j] = None if cs[n] is None else int(cs[n], 16)
            decoded[i][j] = int(ds[n], 16)
            scale_code[i][j] = sc
    return elements, scales, glob, code, scale_code, decoded


E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]


def ue4m3(code):
    e, m = (code >> 3) & 0xF, code & 7
    if e == 0:
        return Fraction(m, 8) * Fraction(1, 2 ** 6)
    return (1 + Fraction(m, 8)) * Fraction(2) ** (e - 7)


def exact_terms(fmt, code, scale_code, decoded):
    """Exact element value times its block scale (no tensor scale), as a
    Fraction, for every element; NaN scales give None."""
    out = []
    for i in range(len(code)):
        row = []
        for j in range(len(code[0])):
            if fmt == "nvfp4":
                c = code[i][j]
                if c is None or scale_code[i][j] & 0x7F == 0x7F:
                    row.append(None)
                    continue
                v = Fraction(E2M1[c & 7]) * ue4m3(scale_code[i][j])
                row.append(-v if c & 8 else v)
            else:
                # E8M0-scaled: the decoded f32 is exact for the inputs
                # make_values produces (no subnormal or overflowing decode).
                d = bits_f32(decoded[i][j])
                row.append(None if math.isnan(d) else Fraction(d))
        out.append(row)
    return out


def matmul_reference(a, w, g, m, n, k, kblock):
    """Exact g * sum_k a*w rounded to f32, and mxref::matmulErrorBound."""
    nterm = k + k // kblock + (1 if g is not None else 0)
    u = 2.0 ** -24
    gamma = nterm * u / (1 - nterm * u)
    gabs = abs(g) if g is not None else 1.0
    expected, bound = [], []
    for i in range(m):
        for j in range(n):
            terms = [a[i][kk] * w[kk][j] if a[i][kk] is not None and w[kk][j] is not None
                     else None for kk in range(k)]
            if any(t is None for t in terms):
                expected.append(float("nan"))
                bound.append(float("nan"))
                continue
            s = sum(terms, Fraction(0))
            if g is not None:
                s *= Fraction(g)
            sabs = math.fsum(abs(float(t)) for t in terms)
            expected.append(f32(float(s)))
            bound.append(gamma * gabs * sabs + nterm * 2.0 ** -149 * max(gabs, 1.0))
    return expected, bound


# ---------------------------------------------------------------------------
# Reading the compiler's output
# ---------------------------------------------------------------------------

def host_function(text):
    m = re.search(r"func\.func @job\((.*?)\) -> .*?\{\n(.*?)\n    return ", text, re.S)
    if not m:
        raise JobError("no host function @job in mx-opt's output")
    args = re.findall(r"%(arg\d+): ((?:tensor<[^>]*>)|\w+)", m.group(1))
    return [name for name, _ in args], m.group(2).splitlines()


def signature_shapes(text):
    """The host function's component shapes ([] for an f32 scalar)."""
    _, types = zip(*re.findall(r"%(arg\d+): ((?:tensor<[^>]*>)|\w+)",
                               re.search(r"func\.func @job\((.*?)\) ->", text).group(1)))
    out = []
    for t in types:
        m = re.fullmatch(r"tensor<([\dx]+)x(\w+)>", t)
        out.append(([int(d) for d in m.group(1).split("x")], m.group(2)) if m else ([], t))
    return out


def launches(text, components, mulf_value):
    """Follows the host function's SSA values to job buffers and scalars."""
    argnames, body = host_function(text)
    if len(argnames) != len(components):
        raise JobError("the host function has %d arguments, the job expects %d "
                       "components" % (len(argnames), len(components)))
    val = {"%" + a: ("arg", c) for a, c in zip(argnames, components)}
    allocs = {}
    out = []
    for line in body:
        line = line.strip()
        if m := re.match(r"(%\w+) = bufferization\.to_buffer (%\w+)", line):
            val[m.group(1)] = val[m.group(2)]
        elif m := re.match(r"(%\w+) = memref\.alloc\(\) : memref<([\dx]+)x(\w+)>", line):
            # f32 allocations are outputs; i8 ones scratch memory between
            # kernels (the repacked operands of the emulated MMA paths).
            if m.group(3) == "f32":
                outs = sum(1 for n in allocs if n.startswith("out"))
                name = "out%d" % outs if outs else "out"
            else:
                name = "scratch%d" % sum(1 for n in allocs if n.startswith("scratch"))
            allocs[name] = ([int(d) for d in m.group(2).split("x")], m.group(3))
            val[m.group(1)] = ("alloc", name)
        elif m := re.match(r"(%\w+) = arith\.constant (-?\d+) : index", line):
            val[m.group(1)] = ("index", int(m.group(2)))
        elif m := re.match(r"(%\w+) = arith\.mulf (%\w+), (%\w+) : f32", line):
            val[m.group(1)] = ("f32", mulf_value(val[m.group(2)], val[m.group(3)]))
        elif m := re.match(r"gpu\.launch_func\s+@\w+::@(\w+) blocks in \((.*?)\) "
                           r"threads in \((.*?)\)\s+args\((.*)\)$", line):
            def dims(s):
                vs = [val[v.strip()] for v in s.split(",")]
                if any(v[0] != "index" for v in vs):
                    raise JobError("launch dims that are not constants")
                return [v[1] for v in vs]
            args = []
            for a in re.findall(r"(%\w+) : ", m.group(4)):
                kind, what = val[a]
                if kind in ("arg", "alloc"):
                    args.append({"buffer": what} if not what.endswith("_global")
                                else {"f32_bits": components_value[what]})
                elif kind == "f32":
                    args.append({"f32_bits": f32_bits(what)})
                else:
                    raise JobError("launch argument %s is not a buffer or f32" % a)
            out.append({"kernel": m.group(1), "grid": dims(m.group(2)),
                        "block": dims(m.group(3)), "args": args})
        elif m := re.match(r"(%\w+) = ", line):
            if "to_tensor" not in line:
                raise JobError("the job writer does not understand the host op: " + line)
    if not out:
        raise JobError("mx-opt produced no gpu.launch_func")
    return out, allocs


components_value = {}


def extract_cubin(text):
    m = re.search(r'bin = "((?:[^"\\]|\\.)*)"', text, re.S)
    if not m:
        raise JobError("no gpu.object bin in mx-opt's output (format=cubin)")
    raw, out, i = m.group(1), bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1:i + 3]
            if re.fullmatch(r"[0-9A-Fa-f]{2}", nxt):
                out.append(int(nxt, 16))
                i += 3
                continue
            out.append(ord(raw[i + 1]))
            i += 2
            continue
        out += c.encode("latin1")
        i += 1
    if not out.startswith(b"\x7fELF"):
        raise JobError("the gpu.object bin is not an ELF cubin")
    return bytes(out)


def read_f32_npy(path):
    data = open(path, "rb").read()
    hlen = struct.unpack("<H", data[8:10])[0]
    body = data[10 + hlen:]
    return [struct.unpack("<I", body[i:i + 4])[0] for i in range(0, len(body), 4)]


def cpu_check(opts, operands, inputs, mx_run):
    """Runs the op through mx-run from the same f32 inputs (mx.quantize in the
    program, floor scales as mx-quant) and compares with the job's expected
    outputs; raises JobError on a difference."""
    sig, body, args = [], [], []
    for name, fmt, rows, cols, tile in operands:
        npy = os.path.join(opts.out, "cpu_%s.npy" % name)
        write_npy(npy, "<f4", [rows, cols],
                  b"".join(struct.pack("<f", v) for row in inputs[name] for v in row))
        args.append("--input=" + npy)
        block = "" if tile[0] == 1 else ", block = [%d, 1]" % tile[0]
        sig.append("%%x%s: tensor<%dx%dxf32>" % (name, rows, cols))
        body.append("  %%%s = mx.quantize %%x%s : tensor<%dx%dxf32> -> !mx.tensor<%dx%dx%s%s>" % (
            name, name, rows, cols, rows, cols, fmt, block))
    types = ["!mx.tensor<%dx%dx%s%s>" % (r, c, f, "" if t[0] == 1 else ", block = [%d, 1]" % t[0])
             for _, f, r, c, t in operands]
    if opts.op == "matmul":
        shape = "%dx%d" % (opts.m, opts.n)
        body.append("  %%r = mx.matmul %%a, %%w : %s, %s -> tensor<%sxf32>" % (
            types[0], types[1], shape))
    else:
        shape = opts.shape
        body.append("  %%r = mx.dequantize %%a : %s -> tensor<%sxf32>" % (types[0], shape))
    prog = "func.func @main(%s) -> tensor<%sxf32> {\n%s\n  return %%r : tensor<%sxf32>\n}\n" % (
        ", ".join(sig), shape, "\n".join(body), shape)
    path = os.path.join(opts.out, "cpu.mlir")
    with open(path, "w") as f:
        f.write(prog)
    out = os.path.join(opts.out, "cpu_out.npy")
    run_tool([mx_run, path] + args + ["--output=" + out])
    got = read_f32_npy(out)
    want = read_f32_npy(os.path.join(opts.out, "expected.npy"))
    if opts.op == "dequantize":
        bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        what = "bit-exact"
    else:
        bound = open(os.path.join(opts.out, "bound.npy"), "rb").read()
        bound = struct.unpack("<%dd" % len(got), bound[-8 * len(got):])
        bad = []
        for i, (g, w) in enumerate(zip(got, want)):
            gv, wv = bits_f32(g), bits_f32(w)
            if math.isnan(wv):
                ok = math.isnan(gv)
            else:
                ok = abs(gv - wv) <= bound[i]
            if not ok:
                bad.append(i)
        what = "within the bound"
    if len(got) != len(want) or bad:
        raise JobError("cpu-check: mx-run differs from the expected output at %d of "
                       "%d elements (first flat index %s)" % (
                           len(bad), len(want), bad[0] if bad else "-"))
    print("cpu-check: mx-run matches the expected output, %d elements %s" % (len(want), what))


def dump_manifest(manifest):
    """JSON with one buffer, launch or check per line (readable, diffable)."""
    lines = []
    for key, value in manifest.items():
        if isinstance(value, dict):
            items = ['  %s: %s' % (json.dumps(k), json.dumps(v)) for k, v in value.items()]
            lines.append(' %s: {\n%s\n }' % (json.dumps(key), ",\n".join(items)))
        elif isinstance(value, list):
            items = ['  ' + json.dumps(v) for v in value]
            lines.append(' %s: [%s]' % (json.dumps(key), "\n" + ",\n".join(items) + "\n " if items else ""))
        else:
            lines.append(' %s: %s' % (json.dumps(key), json.dumps(value)))
    return "{\n" + ",\n".join(lines) + "\n}\n"


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--op", required=True, choices=["matmul", "dequantize"])
    ap.add_argument("--lhs", help="matmul lhs format (blocks along K)")
    ap.add_argument("--rhs", help="matmul rhs format (blocks along K)")
    ap.add_argument("--m", type=int)
    ap.add_argument("--n", type=int)
    ap.add_argument("--k", type=int)
    ap.add_argument("--format", help="dequantize: the format")
    ap.add_argument("--shape", help="dequantize: RxC (blocks along rows)")
    ap.add_argument("--chip", default="sm_90a")
    ap.add_argument("--path", default="auto",
                    help="matmul path: auto, native, fp8, bf16, gemv")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reference", choices=["yes", "no"], default="yes",
                    help="no: a timing job without checks (large shapes)")
    ap.add_argument("--cpu-check", action="store_true",
                    help="also run the op with mx-run (the CPU lowering, the "
                    "reference order) on the same inputs and check the expected "
                    "outputs against it: bit for bit, or within the bound")
    ap.add_argument("--bin-dir", default=os.path.dirname(os.path.abspath(sys.argv[0])),
                    help="where mx-opt and mx-quant are")
    ap.add_argument("-o", dest="out", required=True, help="the job directory")
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    mx_opt = os.path.join(opts.bin_dir, "mx-opt")
    mx_quant = os.path.join(opts.bin_dir, "mx-quant")
    os.makedirs(opts.out, exist_ok=True)

    # Operands: (name, format, rows, cols, tile).
    if opts.op == "matmul":
        if None in (opts.lhs, opts.rhs, opts.m, opts.n, opts.k):
            raise JobError("--op=matmul needs --lhs, --rhs, --m, --n and --k")
        if min(opts.m, opts.n, opts.k) <= 0:
            raise JobError("--m, --n and --k must be positive")
        kb = NATURAL_BLOCK.get(opts.lhs, 32)
        if NATURAL_BLOCK.get(opts.rhs, 32) != kb:
            raise JobError("--lhs and --rhs must have the same block size along K")
        if opts.k % kb:
            raise JobError("--k must be a multiple of the block size %d" % kb)
        operands = [("a", opts.lhs, opts.m, opts.k, (1, kb)),
                    ("w", opts.rhs, opts.k, opts.n, (kb, 1))]
        program = (
            "func.func @job(%%a: !mx.tensor<%dx%dx%s>, %%w: !mx.tensor<%dx%dx%s, block = [%d, 1]>)"
            " -> tensor<%dx%dxf32> {\n"
            "  %%c = mx.matmul %%a, %%w : !mx.tensor<%dx%dx%s>, !mx.tensor<%dx%dx%s, block = [%d, 1]>"
            " -> tensor<%dx%dxf32>\n  return %%c : tensor<%dx%dxf32>\n}\n" % (
                opts.m, opts.k, opts.lhs, opts.k, opts.n, opts.rhs, kb, opts.m, opts.n,
                opts.m, opts.k, opts.lhs, opts.k, opts.n, opts.rhs, kb, opts.m, opts.n,
                opts.m, opts.n))
    else:
        if None in (opts.format, opts.shape):
            raise JobError("--op=dequantize needs --format and --shape")
        r, c = parse_shape(opts.shape, "--shape")
        b = NATURAL_BLOCK.get(opts.format, 32)
        if c % b:
            raise JobError("--shape: the columns must be a multiple of the block size %d" % b)
        operands = [("a", opts.format, r, c, (1, b))]
        program = ("func.func @job(%%a: !mx.tensor<%dx%dx%s>) -> tensor<%dx%dxf32> {\n"
                   "  %%c = mx.dequantize %%a : !mx.tensor<%dx%dx%s> -> tensor<%dx%dxf32>\n"
                   "  return %%c : tensor<%dx%dxf32>\n}\n" % (
                       r, c, opts.format, r, c, r, c, opts.format, r, c, r, c))
    prog_path = os.path.join(opts.out, "program.mlir")
    with open(prog_path, "w") as f:
        f.write(program)

    # The component buffers, in the host function's argument order.
    components = []
    for name, fmt, rows, cols, tile in operands:
        components += [name + "_elements", name + "_scales"]
        if fmt in TENSOR_SCALE_FORMATS:
            components.append(name + "_global")
    chip = "chip=%s" % opts.chip
    gpu_opts = chip + (" path=%s" % opts.path if opts.op == "matmul" else "")
    host = run_tool([mx_opt, prog_path, "--convert-mx-to-gpu=" + gpu_opts])
    shapes = dict(zip(components, signature_shapes(host)))

    buffers, quant, inputs = {}, {}, {}
    for seed, (name, fmt, rows, cols, tile) in enumerate(operands):
        if opts.reference == "no":
            # A timing job: the device fills the buffers (random element
            # bytes; scale bytes of moderate, finite scales; tensor scale 1).
            scale_range = [0x30, 0x40] if fmt == "nvfp4" else [120, 134]
            for comp, rng_bytes in (("_elements", [0, 255]), ("_scales", scale_range)):
                shape, elem = shapes[name + comp]
                buffers[name + comp] = {"dtype": "u8", "shape": shape, "fill": {
                    "random_bytes": rng_bytes, "seed": 2 * seed + (comp == "_scales")}}
            components_value[name + "_global"] = f32_bits(1.0)
            continue
        vals = make_values(rng, rows, cols, tile)
        inputs[name] = vals
        el, sc, glob, code, scode, dec = quantize(mx_quant, fmt, rows, cols, tile, vals)
        quant[name] = (fmt, code, scode, dec, glob)
        eshape = [rows, len(el) // rows]
        sshape = [rows // tile[0], cols // tile[1]]
        for comp, shape, data in (("_elements", eshape, el), ("_scales", sshape, sc)):
            if shapes[name + comp][0] != shape:
                raise JobError("mx-quant's %s%s are %s, the kernel takes %s" % (
                    name, comp, shape, shapes[name + comp][0]))
            write_npy(os.path.join(opts.out, name + comp + ".npy"), "|u1", shape, data)
            buffers[name + comp] = {"npy": name + comp + ".npy"}
        if fmt in TENSOR_SCALE_FORMATS:
            components_value[name + "_global"] = glob

    def mulf_value(x, y):
        if x[0] != "arg" or y[0] != "arg" or not x[1].endswith("_global") \
                or not y[1].endswith("_global"):
            raise JobError("arith.mulf of values other than two tensor scales")
        return f32(bits_f32(components_value[x[1]]) * bits_f32(components_value[y[1]]))

    launch_list, allocs = launches(host, components, mulf_value)
    binary = run_tool([mx_opt, prog_path,
                       "--mx-nvvm-pipeline=%s format=cubin" % gpu_opts])
    with open(os.path.join(opts.out, "kernels.cubin"), "wb") as f:
        f.write(extract_cubin(binary))

    for name, (shape, elem) in allocs.items():
        if name.startswith("scratch") and elem == "i8":
            buffers[name] = {"dtype": "u8", "shape": shape}
            continue
        if elem != "f32":
            raise JobError("output %s has element type %s; only f32 outputs" % (name, elem))
        buffers[name] = {"dtype": "f32", "shape": shape}

    checks = []
    if opts.reference == "yes":
        if "out" not in allocs:
            raise JobError("no output buffer")
        if opts.op == "dequantize":
            fmt, code, scode, dec, glob = quant["a"]
            payload = b"".join(struct.pack("<I", d) for row in dec for d in row)
            write_npy(os.path.join(opts.out, "expected.npy"), "<f4", allocs["out"][0], payload)
            checks.append({"buffer": "out", "expected": "expected.npy", "mode": "exact"})
        else:
            a = exact_terms(*quant["a"][:4])
            w = exact_terms(*quant["w"][:4])
            ga, gw = quant["a"][4], quant["w"][4]
            g = None
            if ga is not None or gw is not None:
                g = f32((bits_f32(ga) if ga is not None else 1.0) *
                        (bits_f32(gw) if gw is not None else 1.0))
            exp, bound = matmul_reference(a, w, g, opts.m, opts.n, opts.k,
                                          NATURAL_BLOCK.get(opts.lhs, 32))
            write_npy(os.path.join(opts.out, "expected.npy"), "<f4", allocs["out"][0],
                      b"".join(struct.pack("<f", v) for v in exp))
            write_npy(os.path.join(opts.out, "bound.npy"), "<f8", allocs["out"][0],
                      b"".join(struct.pack("<d", v) for v in bound))
            checks.append({"buffer": "out", "expected": "expected.npy", "mode": "bound",
                           "bound": "bound.npy"})

    if opts.cpu_check:
        if opts.reference != "yes":
            raise JobError("--cpu-check needs --reference=yes")
        cpu_check(opts, operands, inputs, os.path.join(opts.bin_dir, "mx-run"))

    manifest = {"version": 1,
                "comment": "written by mx-gpu-job.py for %s; %s" % (
                    opts.chip, " ".join(
                        a for i, a in enumerate(sys.argv[1:])
                        if not a.startswith(("-o", "--bin-dir")) and sys.argv[i] != "-o")),
                "cubin": "kernels.cubin", "buffers": buffers,
                "launches": launch_list, "checks": checks}
    with open(os.path.join(opts.out, "job.json"), "w") as f:
        f.write(dump_manifest(manifest))
    for l in launch_list:
        print("%s grid=%s block=%s" % (l["kernel"], "x".join(map(str, l["grid"])),
                                       "x".join(map(str, l["block"]))))


if __name__ == "__main__":
    try:
        main()
    except JobError as e:
        sys.exit("mx-gpu-job: error: %s" % e)
