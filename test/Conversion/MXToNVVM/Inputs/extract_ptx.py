"""Prints the PTX of the (single) gpu.binary in MLIR text read from stdin.

mx-nvvm-pipeline{format=ptx} embeds the PTX as the `assembly` string of a
gpu.object, with MLIR's \\XX escapes for bytes such as newlines and tabs.
"""
import re
import sys

text = sys.stdin.read()
m = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text, re.S)
if not m:
    sys.exit("no gpu.object assembly in the input")
print(re.sub(r"\\([0-9A-Fa-f]{2})", lambda x: chr(int(x.group(1), 16)),
             m.group(1)))
