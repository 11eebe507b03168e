"""Shared helpers of the Python package's tests: where the tools and the
sources are, and how to run a tool."""

import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC_ROOT = os.environ.get("MX_SRC_ROOT", os.path.dirname(os.path.dirname(HERE)))
TOOLS_DIR = os.environ.get("MX_TOOLS_DIR", os.path.join(SRC_ROOT, "build", "bin"))


def tool(name):
    return os.path.join(TOOLS_DIR, name)


def run_tool(args, stdin=None):
    """Runs a tool; returns stdout (text). Fails the test on a nonzero exit."""
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stderr}")
    return proc.stdout


def main():
    unittest.main(verbosity=2)
