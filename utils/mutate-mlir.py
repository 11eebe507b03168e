#!/usr/bin/env python3
"""Mutation fuzzing of mx-opt's parser and verifier.

Takes MLIR test files, makes deterministic random mutations (tokens dropped,
swapped, duplicated, numbers changed, identifiers replaced, text cut), and
feeds them to mx-opt (parse, verify, print; no pass pipeline). Every mutant
must end in success or a diagnostic: a signal, an assertion, an LLVM fatal
error or a crash report fails the run.

Usage: mutate-mlir.py MX_OPT [--count N] [--seed S] [--jobs J] [--pass=FLAG]... FILE...
"""
import argparse
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

TOKEN = re.compile(r'"[^"\n]*"|#?[A-Za-z_][\w.$-]*|%[\w.$#-]+|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?'
                   r'|0x[0-9A-Fa-f]+|->|[<>()\[\]{},:=*!#@^?+-]|\S')
NUMBERS = ["0", "1", "-1", "2", "3", "16", "32", "64", "127", "128", "255", "256",
           "4294967296", "-9223372036854775808", "9223372036854775807", "0.5",
           "-0.0", "1.0e39", "0x7FC00000", "0xFF", "99999999999999999999"]
WORDS = ["mxfp4", "nvfp4", "mxint8", "mxfp8_e4m3", "f4E2M1FN", "f8E8M0FNU",
         "f8E4M3FN", "i8", "f32", "f16", "block", "tensor_scale", "floor",
         "rceil", "even", "nvfp4", "stochastic", "blackwell_128x4", "row_major",
         "!mx.tensor<4x64xmxfp4>", "#mx.format<mxfp4>", "#mx.policy<>",
         "tensor<4x64xf32>", "x", "?", "scale_mode", "layout", "axis", "size",
         "mx.weight", "mx.policy", "inverse", "seed"]
EXTRA = []  # extra mx-opt flags (--pass), set from the command line
CRASH = re.compile(r"PLEASE submit a bug report|Assertion .* failed|LLVM ERROR|"
                   r"Stack dump|UNREACHABLE|Segmentation fault|Aborted")


def mutate(text, rng):
    """Applies 1-3 token-level edits, keeping the original spacing elsewhere."""
    for _ in range(rng.randint(1, 3)):
        spans = [m.span() for m in TOKEN.finditer(text)]
        if not spans:
            break
        a, b = spans[rng.randrange(len(spans))]
        tok = text[a:b]
        kind = rng.randrange(7)
        if kind == 0:  # drop a token
            text = text[:a] + text[b:]
        elif kind == 1:  # swap two tokens
            c, d = spans[rng.randrange(len(spans))]
            if c > b:
                text = text[:a] + text[c:d] + text[b:c] + tok + text[d:]
            elif d < a:
                text = text[:c] + tok + text[d:a] + text[c:d] + text[b:]
        elif kind == 2:  # duplicate a token elsewhere
            c, _ = spans[rng.randrange(len(spans))]
            text = text[:c] + tok + " " + text[c:]
        elif kind == 3:  # change a number (inside dims like 4x64 too)
            nums = [m.span() for m in re.finditer(r"\d+(\.\d+)?", text)]
            if nums:
                c, d = nums[rng.randrange(len(nums))]
                text = text[:c] + rng.choice(NUMBERS).lstrip("-") + text[d:]
        elif kind == 4:  # replace by a dialect word
            text = text[:a] + rng.choice(WORDS) + text[b:]
        elif kind == 5:  # cut the text
            text = text[:a]
        else:  # cut inside a token
            text = text[:a] + tok[: rng.randrange(len(tok) + 1)] + text[b:]
    return text


def chunks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # Drop lit and FileCheck comments: only the IR matters here.
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    return [c for c in re.split(r"^\s*// -----\s*$", text, flags=re.M) if c.strip()]


def run(mx_opt, name, mutants):
    src = "\n// -----\n".join(mutants)
    proc = subprocess.run([mx_opt, "-split-input-file", *EXTRA, "-"], input=src.encode(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.decode(errors="replace")
    if proc.returncode < 0 or proc.returncode > 1 or CRASH.search(err):
        # Find the first crashing mutant to report it.
        for m in mutants:
            p = subprocess.run([mx_opt, *EXTRA, "-"], input=m.encode(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            e = p.stderr.decode(errors="replace")
            if p.returncode < 0 or p.returncode > 1 or CRASH.search(e):
                return f"{name}: mx-opt crashed (status {p.returncode}) on:\n{m}\n{e[-2000:]}"
        return f"{name}: batch crashed (status {proc.returncode}):\n{err[-2000:]}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mx_opt")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--count", type=int, default=200, help="mutants per file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--pass", dest="passes", action="append", default=[],
                    help="also run this mx-opt flag (e.g. --canonicalize)")
    args = ap.parse_args()
    EXTRA.extend(args.passes)
    rng = random.Random(args.seed)
    # Guard against a vacuous run (a bad flag fails every mutant "cleanly"):
    # the unmutated inputs must give some output with the same flags.
    originals = [c for path in args.files for c in chunks(path)]
    probe = subprocess.run([args.mx_opt, "-split-input-file", *EXTRA, "-"],
                           input="\n// -----\n".join(originals).encode(),
                           capture_output=True)
    if not probe.stdout.strip():
        print("the unmutated inputs produce no output with these flags:\n" +
              probe.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
        return 1
    work = []
    for path in args.files:
        cs = chunks(path)
        if not cs:
            continue
        mutants = [mutate(rng.choice(cs), rng) for _ in range(args.count)]
        # Batches of 50 keep a crash report small.
        for k in range(0, len(mutants), 50):
            work.append((os.path.basename(path), mutants[k:k + 50]))
    with ThreadPoolExecutor(args.jobs) as pool:
        failures = [f for f in pool.map(lambda w: run(args.mx_opt, *w), work) if f]
    total = sum(len(m) for _, m in work)
    for f in failures:
        print(f, file=sys.stderr)
    print(f"{total} mutants, {len(failures)} crashing batches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
