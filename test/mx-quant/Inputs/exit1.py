#!/usr/bin/env python3
"""exit1.py CMD [ARGS...]: runs CMD with this process's stdin and passes its
stdout and stderr through. Succeeds (exit 0) only when CMD exited with
status exactly 1 and wrote exactly one newline-terminated line to stderr;
otherwise reports why on stderr and exits 2. The mx-quant error contract:
one line on stderr, exit status 1, nothing on stdout (check the last with
`count 0 < stdout-file`)."""
import subprocess
import sys

try:
    p = subprocess.run(sys.argv[1:], stdin=sys.stdin.buffer,
                       capture_output=True, timeout=60)
except subprocess.TimeoutExpired:
    sys.stderr.write('exit1.py: timed out\n')
    sys.exit(2)
sys.stdout.buffer.write(p.stdout)
sys.stdout.flush()
sys.stderr.buffer.write(p.stderr)
sys.stderr.flush()
if p.returncode != 1:
    sys.stderr.write('exit1.py: exit status %d, expected 1\n' % p.returncode)
    sys.exit(2)
if p.stderr.count(b'\n') != 1 or not p.stderr.endswith(b'\n'):
    sys.stderr.write('exit1.py: stderr is not exactly one line\n')
    sys.exit(2)
