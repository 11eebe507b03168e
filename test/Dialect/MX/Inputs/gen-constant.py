"""Writes a function returning mx.quantize of a pseudo-random f32 constant
(fixed seed; magnitudes spread over 2^-20..2^20 so block scales differ) to
stdout: gen-constant.py ROWS COLS FORMAT."""
import random
import struct
import sys

rows, cols, fmt = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(0)
data = b''.join(struct.pack('<f', rng.uniform(-1.0, 1.0) * 2.0**rng.randint(-20, 20))
                for _ in range(rows * cols))
t = 'tensor<%dx%dxf32>' % (rows, cols)
m = '!mx.tensor<%dx%dx%s>' % (rows, cols, fmt)
print('func.func @w() -> %s {' % m)
print('  %%x = arith.constant dense<"0x%s"> : %s' % (data.hex().upper(), t))
print('  %%q = mx.quantize %%x : %s -> %s' % (t, m))
print('  return %%q : %s' % m)
print('}')
