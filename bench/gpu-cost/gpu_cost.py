#!/usr/bin/env python3
"""GPU cost report: registers, spills and SASS instructions per decoded element.

For every chip class and matmul path, compiles one MX matmul with
`mx-opt --mx-nvvm-pipeline=format=ptx`, assembles the PTX with `ptxas -v`
(registers, spill stores and loads per kernel) and disassembles the cubin with
`nvdisasm` (PyPI nvidia-cuda-nvdisasm; run.sh installs it).

What is counted (docs/Benchmarks.md, "GPU cost"): the steady-state K loop of
the kernel, i.e. the innermost SASS loop (a backward branch and the code from
its target to it), NOPs excluded. Its instructions are divided by the
elements one thread decodes in one trip of that loop:

  path        work marker in the loop      elements per thread per marker
  MMA paths   each SASS MMA of shape       (16xK of A + Kx8 of B) / 32 lanes:
              m16n8kK (HMMA.16816,         12 for K = 16, 24 for K = 32,
              QMMA.16832, OMMA.SF.16864)   48 for K = 64
  gemv        FADD onto a partial sum      1 + 1/8 (one rhs element per
                                           column; a lane owns 8 columns,
                                           which share the lhs element of k)

so unrolling by ptxas does not change the figure. A second figure counts
only the decode-class ALU instructions of the loop (DECODE_OPS: LOP3, SHF,
PRMT, IMAD.SHL, SGXT, BFE, I2F/I2FP and the packed HMUL2/HFMA2 that fix a
BF16 decode's exponent) per element: the integer work of turning codes into
MMA or FMA operands, an upper bound on the decode alone (some LOP3/SHF may
be address arithmetic). Everything in the loop is
counted: address arithmetic, loads, the decode, the MMA, the block-scale
application. The figure is therefore an upper bound on the decode cost
alone; the targets (PERFORMANCE.md: FP4->BF16 with E8M0 <= 2.0 on sm_90a,
FP4->E4M3 <= 0.9) are about the decode, and the report says whether the
whole loop meets them.
"""

import argparse
import os
import re
import subprocess
import sys

CHIPS = ["sm_80", "sm_89", "sm_90a", "sm_100a", "sm_120a"]

# (label, lhs, rhs, path, M, N, K). K keeps the K loop a loop (32 blocks; the
# gemv splits its blocks over 32 lanes, so 256 blocks, 8 per lane).
CASES = [
    ("MXFP4 gemv", "mxfp4", "mxfp4", "gemv", 1, 256, 8192),
    ("MXFP4 FP4->BF16 mma", "mxfp4", "mxfp4", "bf16", 64, 64, 1024),
    ("MXFP4 FP4->E4M3 mma", "mxfp4", "mxfp4", "fp8", 64, 64, 1024),
    ("MXFP8 e4m3 fp8 mma", "mxfp8_e4m3", "mxfp8_e4m3", "fp8", 64, 64, 1024),
    ("MXFP4 native", "mxfp4", "mxfp4", "native", 64, 64, 1024),
    ("NVFP4 native", "nvfp4", "nvfp4", "native", 64, 64, 1024),
    ("MXFP6 e2m3 native", "mxfp6_e2m3", "mxfp6_e2m3", "native", 64, 64, 1024),
]

TARGETS = {("sm_90a", "MXFP4 FP4->BF16 mma"): 2.0,
           ("sm_90a", "MXFP4 FP4->E4M3 mma"): 0.9}

NATURAL_BLOCK = {"nvfp4": 16}

# Output columns per gemv lane (lib/Conversion/MXToNVVM/Kernels.h,
# kGemvColumns; every gemv case here has N % 8 == 0).
GEMV_COLUMNS = 8

DECODE_OPS = re.compile(r"(LOP3|SHF|PRMT|IMAD\.SHL|SGXT|BFE|I2FP?|HMUL2|HFMA2)\b")


def program(lhs, rhs, m, n, k):
    kb = NATURAL_BLOCK.get(lhs, 32)
    a = "!mx.tensor<%dx%dx%s>" % (m, k, lhs)
    w = "!mx.tensor<%dx%dx%s, block = [%d, 1]>" % (k, n, rhs, kb)
    return ("func.func @job(%%a: %s, %%w: %s) -> tensor<%dx%dxf32> {\n"
            "  %%c = mx.matmul %%a, %%w : %s, %s -> tensor<%dx%dxf32>\n"
            "  return %%c : tensor<%dx%dxf32>\n}\n" % (a, w, m, n, a, w, m, n, m, n))


def extract_ptx(text):
    m = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text, re.S)
    if not m:
        return None
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda x: chr(int(x.group(1), 16)), m.group(1))


def ptxas_info(log):
    """{kernel: (registers, spill stores, spill loads)} from ptxas -v."""
    out, cur = {}, None
    for line in log.splitlines():
        if m := re.search(r"Compiling entry function '(\w+)'", line):
            cur = m.group(1)
            out[cur] = [None, None, None]
        elif cur and (m := re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)):
            out[cur][1], out[cur][2] = int(m.group(1)), int(m.group(2))
        elif cur and (m := re.search(r"Used (\d+) registers", line)):
            out[cur][0] = int(m.group(1))
    return out


def sass_functions(text):
    """{kernel: [(address, opcode text)]} from nvdisasm -c output, NOPs out."""
    funcs, cur = {}, None
    for line in text.splitlines():
        if m := re.match(r"\s*\.text\.(\w+):", line):
            cur = m.group(1)
            funcs[cur] = []
        elif cur is not None and (m := re.match(r"\s*/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;", line)):
            ins = m.group(2)
            if re.match(r"(@!?U?P\w+\s+)?NOP\b", ins):
                continue
            funcs[cur].append((int(m.group(1), 16), ins))
        elif cur is not None and (m := re.match(r"(\.L_x_\d+):", line)):
            funcs[cur].append((None, m.group(1)))
    return funcs


def loops(ins):
    """The bodies of every backward-branch loop, smallest first (the
    one-instruction `BRA` to itself that ends each kernel is no loop)."""
    labels, addr_of = {}, []
    pending = []
    for a, text in ins:
        if a is None:
            pending.append(text)
            continue
        for lbl in pending:
            labels[lbl] = a
        pending = []
        addr_of.append((a, text))
    bodies = []
    for a, text in addr_of:
        m = re.search(r"\bBRA\b[^`]*`\((\.L_x_\d+)\)", text)
        if m and m.group(1) in labels and labels[m.group(1)] < a:
            start = labels[m.group(1)]
            bodies.append([t for b, t in addr_of if start <= b <= a])
    return sorted(bodies, key=len)


def marker(path, body):
    """(marker count, elements per thread per marker) for a loop body."""
    if path == "gemv":
        return (sum(1 for t in body if re.match(r"(@!?P\d\s+)?FADD\b", t)),
                1 + 1 / GEMV_COLUMNS)
    # MMA paths: the SASS MMA's shape m16 n8 kK (16816, 16832, 16864); one
    # instruction consumes 16xK of A and Kx8 of B over 32 lanes. ptxas may
    # split a PTX mma (Hopper runs the FP8 m16n8k32 as two HMMA.16816), so
    # count what SASS runs.
    count, per = 0, 0
    for t in body:
        m = re.search(r"\b[A-Z]*MMA\.(?:SF\.)?168(\d+)\b", t)
        if m:
            k = int(m.group(1))
            count += 1
            per = (16 * k + k * 8) // 32
    return count, per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mx-opt", required=True)
    ap.add_argument("--ptxas", required=True)
    ap.add_argument("--nvdisasm", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--chips", default=",".join(CHIPS))
    opts = ap.parse_args()
    os.makedirs(opts.work, exist_ok=True)
    rows, misses = [], []
    for chip in opts.chips.split(","):
        for label, lhs, rhs, path, m, n, k in CASES:
            stem = os.path.join(opts.work, "%s-%s-%s-%s" % (chip, path, lhs, rhs))
            with open(stem + ".mlir", "w") as f:
                f.write(program(lhs, rhs, m, n, k))
            p = subprocess.run([opts.mx_opt, stem + ".mlir",
                                "--mx-nvvm-pipeline=chip=%s path=%s format=ptx" % (chip, path)],
                               capture_output=True, text=True)
            if p.returncode != 0:
                why = p.stderr.strip().splitlines()
                why = next((l.split("error: ", 1)[1] for l in why if "error: " in l), "failed")
                rows.append((chip, label, "-", "-", "-", "-", "-", "-", "not built: " + why[:70]))
                continue
            ptx = extract_ptx(p.stdout)
            with open(stem + ".ptx", "w") as f:
                f.write(ptx)
            arch = chip
            a = subprocess.run([opts.ptxas, "-arch=" + arch, "-v", stem + ".ptx",
                                "-o", stem + ".cubin"], capture_output=True, text=True)
            if a.returncode != 0:
                rows.append((chip, label, "-", "-", "-", "-", "-", "-",
                             "ptxas failed: " + a.stderr.strip()[:60]))
                continue
            info = ptxas_info(a.stdout + a.stderr)
            d = subprocess.run([opts.nvdisasm, "-c", stem + ".cubin"],
                               capture_output=True, text=True)
            if d.returncode != 0:
                sys.exit("nvdisasm failed on %s.cubin: %s" % (stem, d.stderr.strip()))
            with open(stem + ".sass", "w") as f:
                f.write(d.stdout)
            funcs = sass_functions(d.stdout)
            for kernel, (regs, st, ld) in sorted(info.items()):
                if kernel.startswith("mx_repack_"):
                    # A repacked operand the MMA kernel reads: no K loop,
                    # once per call (docs/Lowering.md, "Repacked operands").
                    rows.append((chip, label, kernel, regs, "%d/%d" % (st, ld), "-", "-", "-",
                                 "operand repack, once per call" + ("; SPILLS" if st or ld else "")))
                    continue
                # The steady-state K loop: the smallest loop that does the
                # work (holds the marker instruction).
                body, count, per = None, 0, 0
                for b in loops(funcs.get(kernel, [])):
                    count, per = marker(path, b)
                    if count:
                        body = b
                        break
                if not body:
                    rows.append((chip, label, kernel, regs, "%d/%d" % (st, ld), "-", "-", "-",
                                 "no loop holds the work marker"))
                    continue
                elems = count * per
                ipe = len(body) / elems
                dec = sum(1 for t in body if DECODE_OPS.match(
                    re.sub(r"^@!?U?P\w+\s+", "", t))) / elems
                note = ""
                target = TARGETS.get((chip, label))
                if target is not None:
                    ok = ipe <= target
                    note = "target <= %.1f: loop %s, decode %s" % (
                        target, "met" if ok else "MISSED",
                        "met" if dec <= target else "MISSED")
                    if not ok:
                        misses.append((chip, label, ipe, dec, target))
                if st or ld:
                    note = (note + "; " if note else "") + "SPILLS"
                rows.append((chip, label, kernel, regs, "%d/%d" % (st, ld), len(body),
                             "%.2f" % ipe, "%.2f" % dec, note))
    head = ("chip", "case", "kernel", "regs", "spill st/ld B", "loop instrs", "instr/elem",
            "decode/elem", "note")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    for chip, label, ipe, dec, target in misses:
        print("MISSED: %s %s: %.2f SASS instructions per decoded element in the K loop "
              "(%.2f decode-class ALU), target %.1f" % (chip, label, ipe, dec, target))


if __name__ == "__main__":
    main()
