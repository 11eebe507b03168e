#!/usr/bin/env python3
"""Differential test: mx-quant --engine=compiled against --engine=reference.

Usage: engines.py MX_QUANT [-v]

Reuses the cases of diff.py (every preset under every allowed scale mode,
every edge category of docs/Numerics.md, random tensors, 2-D tiles, NVFP4 1x16
and 16x16, every emit kind and scale layout, decimal inputs), runs each with
both engines and compares exit status, stdout and stderr byte for byte, with
no exception (rows whose packed FP4/FP6 bytes would not be
byte aligned are padded with zero blocks by the compiled engine and must
still agree). The cases diff.py expects to fail are not compared: mx-quant
rejects them before either engine runs, so both runs would be the reference's
own (the compiled engine's errors are tested in unittests/ExecutionEngine).
Prints one summary line.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diff  # noqa: E402


def run(mxq, argv, data):
    p = subprocess.run([mxq] + argv, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def main():
    mxq = sys.argv[1]
    verbose = '-v' in sys.argv[2:]
    diff.build_cases()

    def one(case):
        argv, data = case
        ref = run(mxq, argv + ['--engine=reference'], data)
        if ref[0] != 0:
            return case, ref, None
        return case, ref, run(mxq, argv + ['--engine=compiled'], data)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one, diff.CASES))
    mismatches = nerr = 0
    for (argv, data), ref, comp in results:
        if comp is None:
            nerr += 1
            continue
        if ref != comp:
            mismatches += 1
            print('MISMATCH: mx-quant %s' % ' '.join(argv))
            if mismatches <= 10 or verbose:
                print('  status: reference %d, compiled %d' % (ref[0], comp[0]))
                print('  stderr: %r / %r' % (ref[2][:300], comp[2][:300]))
                rl, cl = ref[1].splitlines(), comp[1].splitlines()
                shown = 0
                for i in range(max(len(rl), len(cl))):
                    a = rl[i] if i < len(rl) else b'<none>'
                    b = cl[i] if i < len(cl) else b'<none>'
                    if a != b and shown < 4:
                        print('  reference: %s' % a[:2000].decode())
                        print('  compiled : %s' % b[:2000].decode())
                        shown += 1
    print('engines: %d runs, %d mismatches (%d rejected requests not '
          'compared)' % (len(diff.CASES) - nerr, mismatches, nerr))
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main())
