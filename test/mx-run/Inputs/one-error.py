#!/usr/bin/env python3
"""one-error.py CMD [ARGS...]: runs CMD and passes its stderr through.
Succeeds only when CMD exited with status exactly 1, printed nothing on
stdout and exactly one diagnostic ('error:' once) on stderr, without a
crash report; otherwise says why on stderr and exits 2. The mx-run error
contract (docs/Tools.md)."""
import subprocess
import sys

try:
    p = subprocess.run(sys.argv[1:], stdin=sys.stdin.buffer,
                       capture_output=True, timeout=120)
except subprocess.TimeoutExpired:
    sys.stderr.write('one-error.py: timed out\n')
    sys.exit(2)
err = p.stderr.decode('utf-8', 'replace')
sys.stderr.write(err)
sys.stderr.flush()
if p.returncode != 1:
    sys.stderr.write('one-error.py: exit status %d, expected 1\n' % p.returncode)
    sys.exit(2)
if p.stdout:
    sys.stderr.write('one-error.py: stdout is not empty\n')
    sys.exit(2)
if err.count('error:') != 1:
    sys.stderr.write('one-error.py: %d diagnostics, expected 1\n' % err.count('error:'))
    sys.exit(2)
if 'Stack dump' in err or 'PLEASE submit' in err:
    sys.stderr.write('one-error.py: crashed\n')
    sys.exit(2)
