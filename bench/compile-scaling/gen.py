#!/usr/bin/env python3
"""Writes an MLIR module with N quantizable contractions for the
compile-time scaling benchmark (docs/Benchmarks.md, "Compile-time scaling").

N chained `linalg.matmul`s of a 1x32 activation with 32x32 constant
weights drawn from a pool of --pool distinct weights, so the module's size
grows with N in ops, not in constant bytes. The weights are `dense_resource`
blobs, stored once at the end of the file and referenced by every function
that uses them.

With --funcs=1 (the default) the N matmuls are one function, @main. With
--funcs=F > 1 they are split evenly over F functions @layer0..@layerF-1
(each chaining its share, declaring only the weights it uses), and @main
calls them in order: the shape of a real model, whose layers are functions,
and the one where MLIR runs function passes in parallel.

Python standard library only; the same arguments write the same bytes.

  gen.py --ops=N [--funcs=F] [--pool=16] [--seed=1] -o OUT.mlir
"""
import argparse
import random
import struct

DIM = 32
WEIGHT = "tensor<%dx%dxf32>" % (DIM, DIM)
ROW = "tensor<1x%dxf32>" % DIM


def write_chain(out, rng, pool, count, first, arg):
    """`count` matmuls chained from `arg`; returns the last value's name."""
    picks = [rng.randrange(pool) for _ in range(count)]
    for w in sorted(set(picks)):
        out.write("  %%w%d = arith.constant dense_resource<w%d> : %s\n"
                  % (w, w, WEIGHT))
    out.write("  %zero = arith.constant 0.0 : f32\n")
    out.write("  %%init = tensor.empty() : %s\n" % ROW)
    out.write("  %%acc = linalg.fill ins(%%zero : f32) outs(%%init : %s) "
              "-> %s\n" % (ROW, ROW))
    cur = arg
    for i, w in enumerate(picks):
        out.write("  %%y%d = linalg.matmul ins(%s, %%w%d : %s, %s) "
                  "outs(%%acc : %s) -> %s\n"
                  % (first + i, cur, w, ROW, WEIGHT, ROW, ROW))
        cur = "%%y%d" % (first + i)
    return cur


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ops", type=int, required=True)
    p.add_argument("--funcs", type=int, default=1)
    p.add_argument("--pool", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    if a.ops < 1 or a.pool < 1 or not 1 <= a.funcs <= a.ops:
        p.error("need --ops >= 1, --pool >= 1 and 1 <= --funcs <= --ops")
    rng = random.Random(a.seed)
    blobs = []
    for _ in range(a.pool):
        scale = 2.0 ** rng.randint(-6, 3)
        words = struct.pack("<%df" % (DIM * DIM),
                            *[rng.gauss(0.0, 1.0) * scale
                              for _ in range(DIM * DIM)])
        # A resource blob: its alignment (4, little endian), then the bytes.
        blobs.append("0x04000000" + words.hex().upper())
    with open(a.output, "w") as out:
        out.write("// compile-scaling: %d linalg.matmul in %d function(s), "
                  "%d constant weights\n" % (a.ops, a.funcs, a.pool))
        if a.funcs == 1:
            out.write("func.func @main(%%x: %s) -> %s {\n" % (ROW, ROW))
            last = write_chain(out, rng, a.pool, a.ops, 0, "%x")
            out.write("  return %s : %s\n}\n" % (last, ROW))
        else:
            first = 0
            for f in range(a.funcs):
                count = a.ops // a.funcs + (f < a.ops % a.funcs)
                out.write("func.func @layer%d(%%x: %s) -> %s {\n"
                          % (f, ROW, ROW))
                last = write_chain(out, rng, a.pool, count, first, "%x")
                out.write("  return %s : %s\n}\n" % (last, ROW))
                first += count
            out.write("func.func @main(%%x: %s) -> %s {\n" % (ROW, ROW))
            cur = "%x"
            for f in range(a.funcs):
                out.write("  %%h%d = func.call @layer%d(%s) : (%s) -> %s\n"
                          % (f, f, cur, ROW, ROW))
                cur = "%%h%d" % f
            out.write("  return %s : %s\n}\n" % (cur, ROW))
        out.write("{-#\n  dialect_resources: {\n    builtin: {\n")
        out.write(",\n".join('      w%d: "%s"' % (i, b)
                             for i, b in enumerate(blobs)))
        out.write("\n    }\n  }\n#-}\n")


if __name__ == "__main__":
    main()
