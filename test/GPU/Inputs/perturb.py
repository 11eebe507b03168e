"""perturb.py IN.npy OUT.npy INDEX [BOUND.npy] | IN.npy OUT.npy all-ff

Copies an f32 .npy file with one element changed: with BOUND.npy (f64), the
element moves up by its bound and then one more ulp, so it is just outside;
without, its lowest bit flips. `all-ff` sets every data byte to 0xff.
"""
import math
import struct
import sys

src, dst, what = sys.argv[1:4]
data = bytearray(open(src, "rb").read())
hlen = struct.unpack("<H", data[8:10])[0]
start = 10 + hlen
if what == "all-ff":
    data[start:] = b"\xff" * (len(data) - start)
else:
    i = int(what)
    off = start + 4 * i
    if len(sys.argv) > 4:
        b = open(sys.argv[4], "rb").read()
        bstart = 10 + struct.unpack("<H", b[8:10])[0]
        bound = struct.unpack("<d", b[bstart + 8 * i:bstart + 8 * i + 8])[0]
        v = struct.unpack("<f", data[off:off + 4])[0]
        w = v + bound
        r = struct.unpack("<f", struct.pack("<f", w))[0]
        while r - v <= bound:
            r = math.nextafter(r, math.inf)
            r = struct.unpack("<f", struct.pack("<f", r))[0]
        data[off:off + 4] = struct.pack("<f", r)
    else:
        data[off] ^= 1
open(dst, "wb").write(bytes(data))
