#!/usr/bin/env python3
"""Writes an MLIR module with N quantizable contractions for the
mx-select-formats benchmark (docs/Benchmarks.md, "Format selection").

One function chains N `linalg.matmul`s of a 1xK activation with a constant
KxN weight (`dense_resource` blob, f32); K and N are drawn from --dims. The
weights are slices of a pool of vectors of varied distributions (normal,
uniform, Laplace, normal with 1% outliers x50, log-normal magnitudes), so
formats rank differently from layer to layer. Python standard library only.

  gen.py [--ops=10000] [--dims=64:6,128:3,256:1] [--seed=1] -o OUT.mlir
"""
import argparse
import math
import random
import struct
import sys


def pool_vector(rng, kind, n):
    if kind == 0:
        v = [rng.gauss(0.0, 1.0) for _ in range(n)]
    elif kind == 1:
        v = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    elif kind == 2:
        v = [rng.expovariate(1.0) * rng.choice((-1.0, 1.0)) for _ in range(n)]
    elif kind == 3:
        v = [rng.gauss(0.0, 1.0) * (50.0 if rng.random() < 0.01 else 1.0)
             for _ in range(n)]
    else:
        v = [math.exp(rng.gauss(0.0, 2.0)) * rng.choice((-1.0, 1.0))
             for _ in range(n)]
    scale = 2.0 ** rng.randint(-8, 4)
    return struct.pack("<%df" % n, *[x * scale for x in v])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ops", type=int, default=10000)
    p.add_argument("--dims", default="64:6,128:3,256:1")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pool", type=int, default=40)
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    rng = random.Random(a.seed)
    dims, weights = [], []
    for item in a.dims.split(","):
        d, w = item.split(":")
        dims.append(int(d))
        weights.append(float(w))
    big = max(dims) ** 2
    pool = [pool_vector(rng, i % 5, 2 * big) for i in range(a.pool)]

    shapes = []
    k = rng.choices(dims, weights)[0]
    for _ in range(a.ops):
        n = rng.choices(dims, weights)[0]
        shapes.append((k, n))
        k = n
    total = sum(k * n for k, n in shapes)
    with open(a.output, "w") as f:
        f.write("// %d contractions, %d weight elements (gen.py --ops=%d "
                "--dims=%s --seed=%d)\n" % (a.ops, total, a.ops, a.dims,
                                            a.seed))
        f0 = shapes[0][0]
        fn = shapes[-1][1]
        f.write("func.func @main(%%x: tensor<1x%dxf32>) -> tensor<1x%dxf32> {\n"
                % (f0, fn))
        f.write("  %zero = arith.constant 0.0 : f32\n")
        prev = "%x"
        for i, (k, n) in enumerate(shapes):
            f.write("  %%w%d = arith.constant dense_resource<w%d> : "
                    "tensor<%dx%dxf32>\n" % (i, i, k, n))
            f.write("  %%e%d = tensor.empty() : tensor<1x%dxf32>\n" % (i, n))
            f.write("  %%z%d = linalg.fill ins(%%zero : f32) outs(%%e%d : "
                    "tensor<1x%dxf32>) -> tensor<1x%dxf32>\n" % (i, i, n, n))
            f.write("  %%y%d = linalg.matmul ins(%s, %%w%d : tensor<1x%dxf32>, "
                    "tensor<%dx%dxf32>) outs(%%z%d : tensor<1x%dxf32>) -> "
                    "tensor<1x%dxf32>\n" % (i, prev, i, k, k, n, i, n, n))
            prev = "%%y%d" % i
        f.write("  return %s : tensor<1x%dxf32>\n}\n" % (prev, fn))
        f.write("{-#\n  dialect_resources: {\n    builtin: {\n")
        for i, (k, n) in enumerate(shapes):
            src = pool[rng.randrange(len(pool))]
            off = 4 * rng.randrange(0, 2 * big - k * n + 1)
            blob = src[off:off + 4 * k * n]
            # The blob's first 4 bytes are its alignment (4).
            f.write('      w%d: "0x04000000%s"%s\n'
                    % (i, blob.hex(), "," if i + 1 < len(shapes) else ""))
        f.write("    }\n  }\n#-}\n")
    print("%s: %d contractions, %d weight elements" % (a.output, a.ops, total),
          file=sys.stderr)


if __name__ == "__main__":
    main()
