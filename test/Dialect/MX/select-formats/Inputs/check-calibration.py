#!/usr/bin/env python3
"""check-calibration.py values X.npy
     Prints the f32 values of X.npy as 0x bit patterns (mx-quant's input).
   check-calibration.py check CAL.json KEY FORMAT X0.npy CODES0 [X1.npy CODES1]...
     Checks, bit for bit, operand KEY of the calibration file against an
     independent computation: sum(x^2) over all samples, and for FORMAT
     sum(e^2) with the decoded values `mx-quant --emit=codes` printed for
     each sample (blocks along the rows = along K of a lhs), both summed in
     double in index order per sample, then over samples; samples, count
     and amax. Prints OK or fails.
"""
import json
import struct
import sys


def read_npy(path):
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY"
    hlen = struct.unpack("<H", data[8:10])[0]
    body = data[10 + hlen:]
    return list(struct.unpack("<%df" % (len(body) // 4), body))


def decoded(path):
    out = []
    for line in open(path):
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "global":
            continue
        for h in fields[3].split(","):
            out.append(struct.unpack("<f", struct.pack("<I", int(h, 16)))[0])
    return out


def main():
    if sys.argv[1] == "values":
        for v in read_npy(sys.argv[2]):
            print("0x%08x" % struct.unpack("<I", struct.pack("<f", v))[0])
        return
    cal = json.load(open(sys.argv[2]))
    key, fmt = sys.argv[3], sys.argv[4]
    ops = [o for o in cal["operands"] if o["key"] == key]
    if len(ops) != 1:
        sys.exit("no operand %s" % key)
    op = ops[0]
    pairs = sys.argv[5:]
    sum_sq = sum_err = 0.0
    count = 0
    amax = 0.0
    for i in range(0, len(pairs), 2):
        x = read_npy(pairs[i])
        xh = decoded(pairs[i + 1])
        s = e = 0.0
        for a, b in zip(x, xh):
            s += a * a
            e += (a - b) * (a - b)
        sum_sq += s
        sum_err += e
        count += len(x)
        amax = max([amax] + [abs(a) for a in x])
    got = (op["samples"], op["count"], op["amax"], op["sum_sq"],
           op["candidates"][fmt]["sum_err_sq"])
    want = (len(pairs) // 2, count, amax, sum_sq, sum_err)
    if got != want:
        sys.exit("calibration %r != independent %r" % (got, want))
    print("OK")


if __name__ == "__main__":
    main()
