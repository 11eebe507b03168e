#!/usr/bin/env python3
"""compare-formats.py BUILD_DIR MODEL_DIR [AVG_BITS]: what MX's format
selection does to a real model, measured end to end.

MODEL_DIR holds model.mlir (torch-mlir linalg-on-tensors), inputs/calib_*.npy,
inputs/eval_*.npy and ref/eval_*.npy (the frontend's f32 outputs), as written
by examples/models/license-lm/export.py. Steps:

1. `mx-run --calibrate` on every calibration input (activation statistics and
   the samples that objective=sensitivity reruns);
2. `mx-select-formats` under an average-bits budget (default 4.5) with the
   `rel-mse` and the `sensitivity` error models, then `mx-apply-policy`;
   uniform MXFP4, NVFP4 and MXFP8 weights with `mx-apply-policy` alone;
3. `mx-run` of every variant on every evaluation input, compared with the
   frontend's f32 output: ||out - ref||_2 / ||ref||_2 over all evaluation
   outputs together (the "end-to-end error").

Weights only (activations stay f32). Standard library only."""
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile


def read_f32(path):
    blob = open(path, 'rb').read()
    size = 2 if blob[6] == 1 else 4
    length = int.from_bytes(blob[8:8 + size], 'little')
    header = eval(blob[8 + size:8 + size + length].decode('latin1'),
                  {'__builtins__': {}}, {'False': False, 'True': True})
    if header['descr'] != '<f4':
        sys.exit('%s: expected <f4, got %s' % (path, header['descr']))
    data = blob[8 + size + length:]
    return struct.unpack('<%df' % (len(data) // 4), data)


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    if res.returncode != 0:
        sys.exit('failed: %s\n%s' % (' '.join(cmd), res.stderr))
    return res


def main():
    build, model = sys.argv[1], sys.argv[2]
    budget = sys.argv[3] if len(sys.argv) > 3 else '4.5'
    opt, runner = os.path.join(build, 'bin', 'mx-opt'), os.path.join(
        build, 'bin', 'mx-run')
    src = os.path.join(model, 'model.mlir')
    names = sorted(os.listdir(os.path.join(model, 'inputs')))
    calib = [os.path.join(model, 'inputs', n) for n in names
             if n.startswith('calib_')]
    evals = [n for n in names if n.startswith('eval_')]
    work = tempfile.mkdtemp(prefix='mx-compare-')
    cal = os.path.join(work, 'calibration.json')
    for c in calib:
        run([runner, src, '--calibrate=' + cal, '--input=' + c,
             '--output=' + os.path.join(work, 'calib-out.npy')])

    variants = [('f32 (no quantization)', None)]
    for fmt in ['mxfp4', 'nvfp4', 'mxfp8_e4m3']:
        variants.append(('uniform ' + fmt,
                         ['--mx-apply-policy=weights=' + fmt]))
    reports = {}
    for objective in ['rel-mse', 'sensitivity']:
        report = os.path.join(work, objective + '.json')
        reports[objective] = report
        variants.append(('selected, %s, avg-bits=%s' % (objective, budget), [
            '--mx-select-formats=avg-bits=%s objective=%s calibration=%s '
            'report=%s' % (budget, objective, cal, report),
            '--mx-apply-policy']))

    rows = []
    for i, (label, passes) in enumerate(variants):
        prog = src
        remarks = ''
        if passes:
            prog = os.path.join(work, 'v%d.mlir' % i)
            remarks = run([opt, src] + passes + ['-o', prog]).stderr
        num = den = 0.0
        for e in evals:
            out = os.path.join(work, 'out.npy')
            run([runner, prog, '--input=' + os.path.join(model, 'inputs', e),
                 '--output=' + out])
            a, b = read_f32(out), read_f32(os.path.join(model, 'ref', e))
            num += sum((x - y) ** 2 for x, y in zip(a, b))
            den += sum(y * y for y in b)
        rows.append((label, math.sqrt(num / den), remarks))

    rep = json.load(open(reports['sensitivity']))
    print('Per layer, objective=sensitivity, avg-bits=%s (mx-select-formats '
          'remarks):' % budget)
    for line in rows[-1][2].splitlines():
        m = re.match(r'.*model\.mlir:(\d+):\d+: remark: mx-select-formats: (.*)',
                     line)
        if m:
            print('  line %5s: %s' % m.groups())
    t = rep['totals']
    print('Weights: %d bytes in f32, %d bytes selected (%.3f bits per '
          'element)\n' % (t['bytes_before'], t['bytes_after'], t['avg_bits']))
    print('%-40s %s' % ('weights', 'end-to-end error vs the frontend f32 '
                        '(||out-ref|| / ||ref||, %d held-out inputs)'
                        % len(evals)))
    for label, err, _ in rows:
        print('%-40s %.6f' % (label, err))
    base = dict((l, e) for l, e, _ in rows)
    sens = rows[-1][1]
    nv = base['uniform nvfp4']
    print('\nsensitivity mix vs uniform NVFP4: %.1f%% lower error'
          % (100.0 * (nv - sens) / nv))


if __name__ == '__main__':
    main()
