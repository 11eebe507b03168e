#!/usr/bin/env python3
"""tcgen05 cost report: SASS tensor-core instruction families, registers and
spills of the block-scaled tcgen05.mma kernels (docs/Benchmarks.md, "GPU
cost", tcgen05).

For every case (one per tcgen05 kind) and chip, compiles one mx.matmul with
`mx-opt --mx-nvvm-pipeline="chip=... path=native format=ptx"`, assembles the
PTX with `ptxas -v` (registers, spill stores and loads) and disassembles the
cubin with nvdisasm. It lists the UTC* instruction families the SASS holds
(the MMA itself: UTCQMMA for kind::mxf8f6f4, UTCOMMA for the FP4 kinds;
UTCCP the scale copy, UTCBAR the commit, UTCATOMSWS the allocation) with
their counts, and flags a kernel whose SASS has no UTC*MMA or that spills.
Static counts only: nothing is timed.
"""

import argparse
import collections
import os
import re
import subprocess
import sys

CHIPS = ["sm_100a"]

# (label, lhs, rhs, block, M, N, K)
CASES = [
    ("MXFP4 mxf4", "mxfp4", "mxfp4", 32, 128, 128, 1024),
    ("NVFP4 mxf4nvf4", "nvfp4", "nvfp4", 16, 128, 128, 1024),
    ("MXFP6 e2m3 mxf8f6f4", "mxfp6_e2m3", "mxfp6_e2m3", 32, 128, 128, 1024),
    ("MXFP8 e4m3 mxf8f6f4", "mxfp8_e4m3", "mxfp8_e4m3", 32, 128, 128, 1024),
    ("MXFP8 e4m3 x MXFP4 mxf8f6f4", "mxfp8_e4m3", "mxfp4", 32, 128, 128, 1024),
]


def program(lhs, rhs, block, m, n, k):
    a = "!mx.tensor<%dx%dx%s>" % (m, k, lhs)
    w = "!mx.tensor<%dx%dx%s, block = [%d, 1]>" % (k, n, rhs, block)
    return ("func.func @job(%%a: %s, %%w: %s) -> tensor<%dx%dxf32> {\n"
            "  %%c = mx.matmul %%a, %%w : %s, %s -> tensor<%dx%dxf32>\n"
            "  return %%c : tensor<%dx%dxf32>\n}\n" % (a, w, m, n, a, w, m, n, m, n))


def extract_ptx(text):
    m = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text, re.S)
    if not m:
        return None
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda x: chr(int(x.group(1), 16)), m.group(1))


def ptxas_info(log):
    """{kernel: [registers, spill stores, spill loads]} from ptxas -v."""
    out, cur = {}, None
    for line in log.splitlines():
        if m := re.search(r"Compiling entry function '(\w+)'", line):
            cur = m.group(1)
            out[cur] = [None, 0, 0]
        elif cur and (m := re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)):
            out[cur][1], out[cur][2] = int(m.group(1)), int(m.group(2))
        elif cur and (m := re.search(r"Used (\d+) registers", line)):
            out[cur][0] = int(m.group(1))
    return out


def utc_families(sass):
    """{kernel: Counter(mnemonic family)} of the UTC* instructions."""
    out, cur = {}, None
    for line in sass.splitlines():
        if m := re.match(r"\s*\.text\.(\w+):", line):
            cur = m.group(1)
            out[cur] = collections.Counter()
        elif cur and (m := re.match(r"\s*/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?(UTC\w+)", line)):
            out[cur][m.group(1)] += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mx-opt", required=True)
    ap.add_argument("--ptxas", required=True)
    ap.add_argument("--nvdisasm", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--chips", default=",".join(CHIPS))
    opts = ap.parse_args()
    os.makedirs(opts.work, exist_ok=True)
    rows, bad = [], 0
    for chip in opts.chips.split(","):
        for label, lhs, rhs, block, m, n, k in CASES:
            stem = os.path.join(opts.work, "tcgen05-%s-%s-%s" % (chip, lhs, rhs))
            with open(stem + ".mlir", "w") as f:
                f.write(program(lhs, rhs, block, m, n, k))
            p = subprocess.run([opts.mx_opt, stem + ".mlir",
                                "--mx-nvvm-pipeline=chip=%s path=native format=ptx" % chip],
                               capture_output=True, text=True)
            if p.returncode != 0:
                why = next((l.split("error: ", 1)[1] for l in p.stderr.splitlines()
                            if "error: " in l), "failed")
                rows.append((chip, label, "-", "-", "-", "not built: " + why[:70]))
                bad += 1
                continue
            with open(stem + ".ptx", "w") as f:
                f.write(extract_ptx(p.stdout))
            a = subprocess.run([opts.ptxas, "-arch=" + chip, "-v", stem + ".ptx",
                                "-o", stem + ".cubin"], capture_output=True, text=True)
            if a.returncode != 0:
                rows.append((chip, label, "-", "-", "-", "ptxas failed: " + a.stderr.strip()[:70]))
                bad += 1
                continue
            d = subprocess.run([opts.nvdisasm, "-c", stem + ".cubin"],
                               capture_output=True, text=True)
            if d.returncode != 0:
                sys.exit("nvdisasm failed on %s.cubin: %s" % (stem, d.stderr.strip()))
            with open(stem + ".sass", "w") as f:
                f.write(d.stdout)
            fams = utc_families(d.stdout)
            for kernel, (regs, st, ld) in sorted(ptxas_info(a.stdout + a.stderr).items()):
                fam = fams.get(kernel, collections.Counter())
                mma = [f for f in fam if re.match(r"UTC\w*MMA", f)]
                note = []
                if not mma:
                    note.append("NO UTC*MMA")
                if st or ld:
                    note.append("SPILLS")
                bad += bool(note)
                rows.append((chip, label, regs, "%d/%d" % (st, ld),
                             " ".join("%s x%d" % kv for kv in sorted(fam.items())),
                             "; ".join(note) or "ok"))
    head = ("chip", "case", "regs", "spill st/ld B", "SASS UTC* families", "note")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
