#!/usr/bin/env python3
"""Writes an MLIR module with N quantizable contractions for the
compile-time scaling benchmark (docs/Benchmarks.md, "Compile-time scaling").

One function chains N `linalg.matmul`s of a 1x32 activation with 32x32
constant weights drawn from a pool of --pool distinct `dense` constants, so
the module's size grows with N in ops, not in constant bytes. Python
standard library only; the same arguments write the same bytes.

  gen.py --ops=N [--pool=16] [--seed=1] -o OUT.mlir
"""
import argparse
import random
import struct


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ops", type=int, required=True)
    p.add_argument("--pool", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    rng = random.Random(a.seed)
    dim = 32
    t = "tensor<%dx%dxf32>" % (dim, dim)
    row = "tensor<1x%dxf32>" % dim
    with open(a.output, "w") as out:
        out.write("// compile-scaling: %d linalg.matmul, %d constant weights\n"
                  % (a.ops, a.pool))
        out.write("func.func @main(%%x: %s) -> %s {\n" % (row, row))
        for i in range(a.pool):
            scale = 2.0 ** rng.randint(-6, 3)
            words = struct.pack("<%df" % (dim * dim),
                                *[rng.gauss(0.0, 1.0) * scale
                                  for _ in range(dim * dim)])
            out.write('  %%w%d = arith.constant dense<"0x%s"> : %s\n'
                      % (i, words.hex().upper(), t))
        out.write("  %zero = arith.constant 0.0 : f32\n")
        out.write("  %%init = tensor.empty() : %s\n" % row)
        out.write("  %%acc = linalg.fill ins(%%zero : f32) outs(%%init : %s) "
                  "-> %s\n" % (row, row))
        cur = "%x"
        for i in range(a.ops):
            w = "%%w%d" % rng.randrange(a.pool)
            out.write("  %%y%d = linalg.matmul ins(%s, %s : %s, %s) "
                      "outs(%%acc : %s) -> %s\n"
                      % (i, cur, w, row, t, row, row))
            cur = "%%y%d" % i
        out.write("  return %s : %s\n}\n" % (cur, row))


if __name__ == "__main__":
    main()
