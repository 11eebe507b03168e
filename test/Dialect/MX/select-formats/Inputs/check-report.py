#!/usr/bin/env python3
"""check-report.py REPORT.json [DECISION FORMAT STATS]...

Checks an mx-select-formats report: the schema (every key, its type), the
totals against the decisions (avg_bits, sum_rel_mse, bytes), each choice
against its candidate list; and, per (DECISION index, FORMAT, STATS file)
triple, that the candidate's rel_mse printed as %.9g equals the rel_mse
`mx-quant --emit=stats` printed for the same values (an independent
computation by the reference quantizer's command line). Prints OK or fails.
"""
import json
import math
import sys


def fail(msg):
    print("check-report: " + msg)
    sys.exit(1)


def main():
    report = json.load(open(sys.argv[1]))
    if list(report) != ["decisions", "totals"]:
        fail("top-level keys %s" % list(report))
    keys = ["op", "loc", "operand", "role", "shape", "numel", "choice", "bits",
            "rel_mse"]
    bits = numel = 0
    sum_rel = 0.0
    after = 0
    for d in report["decisions"]:
        for k in keys + ["candidates"]:
            if k not in d:
                fail("decision lacks %s" % k)
        if d["operand"] not in ("lhs", "rhs"):
            fail("operand %s" % d["operand"])
        if d["role"] not in ("weight", "activation"):
            fail("role %s" % d["role"])
        if math.prod(d["shape"]) != d["numel"]:
            fail("numel %s != prod(shape)" % d["numel"])
        chosen = [c for c in d["candidates"] if c["format"] == d["choice"]]
        if len(chosen) != 1 or chosen[0]["bits"] != d["bits"] or \
                chosen[0]["rel_mse"] != d["rel_mse"]:
            fail("choice %s is not one of its candidates" % d["choice"])
        tensor_bits = round(d["bits"] * d["numel"])
        bits += tensor_bits
        numel += d["numel"]
        sum_rel += d["rel_mse"]
        after += (tensor_bits + 7) // 8
    t = report["totals"]
    if t["numel"] != numel or t["bits"] != bits:
        fail("totals bits/numel")
    if t["avg_bits"] != bits / numel:
        fail("avg_bits %r != %r" % (t["avg_bits"], bits / numel))
    if abs(t["sum_rel_mse"] - sum_rel) > 1e-15 * max(1.0, sum_rel):
        fail("sum_rel_mse")
    if t["bytes_after"] != after:
        fail("bytes_after")
    if "budget_bits" in t and t["bits"] > t["budget_bits"]:
        fail("over budget")
    args = sys.argv[2:]
    for i in range(0, len(args), 3):
        index, fmt, stats = int(args[i]), args[i + 1], args[i + 2]
        line = open(stats).read().split()
        expected = line[1]  # mse rel_mse sqnr_db max_abs bits
        cands = [c for c in report["decisions"][index]["candidates"]
                 if c["format"] == fmt]
        if len(cands) != 1:
            fail("decision %d has no candidate %s" % (index, fmt))
        got = "%.9g" % cands[0]["rel_mse"]
        if got != expected:
            fail("decision %d %s: rel_mse %s, mx-quant says %s" %
                 (index, fmt, got, expected))
        if "%.9g" % cands[0]["bits"] != line[4]:
            fail("decision %d %s: bits %r, mx-quant says %s" %
                 (index, fmt, cands[0]["bits"], line[4]))
    print("OK")


if __name__ == "__main__":
    main()
