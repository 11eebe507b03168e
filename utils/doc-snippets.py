#!/usr/bin/env python3
"""Extracts and runs the snippets of a Markdown document, so that every
snippet a tutorial shows is a test (docs/AddingAFormat.md).

A fenced block whose info string names a file is a snippet:

  ```mlir file=NAME        a test file: written to WORK/NAME, then each of its
                           RUN lines runs, as lit runs them (below)
  ```cpp excerpt=PATH      an excerpt of a source file: every non-blank line
                           must appear in PATH (relative to --root), in order,
                           with the same text (indentation aside)

Any other fenced block is an error: every snippet is a test.

RUN lines: `RUN:` after a comment marker (`//`, `#`, `;`), joined when they
end in `\\`. Substitutions: %s (the snippet's path), %S (its directory), %t
(a scratch path for the snippet), %% (a literal %), and each --define
NAME=VALUE as %NAME. Each line runs under
`bash -e -o pipefail` with PATH starting with the --path directories; a
non-zero status fails the snippet.

Prints `PASS: NAME` or `FAIL: NAME` (with the failing command and its output)
per snippet and a summary line; exits 1 if any snippet failed or the
document has none.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys

FENCE = re.compile(r"^```(\w+)((?:\s+\w+=\S+)*)\s*$")
RUN = re.compile(r"^\s*(?://|#|;)\s*RUN:\s?(.*)$")


def parse_snippets(text, doc):
    """Yields (attrs, body, line) for every fenced block with attributes."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        m = FENCE.match(lines[i].rstrip("\n"))
        if not m:
            sys.exit("%s:%d: a fenced block needs a language and file= or "
                     "excerpt=: every snippet is a test" % (doc, i + 1))
        attrs = dict(kv.split("=", 1) for kv in m.group(2).split())
        start = i + 1
        i += 1
        while i < len(lines) and lines[i].rstrip("\n") != "```":
            i += 1
        if i == len(lines):
            sys.exit("%s:%d: unterminated fenced block" % (doc, start))
        if not attrs:
            sys.exit("%s:%d: a fenced block needs file= or excerpt=: every "
                     "snippet is a test" % (doc, start))
        yield attrs, "".join(lines[start:i]), start
        i += 1


def run_lines(body):
    commands, pending = [], ""
    for line in body.splitlines():
        m = RUN.match(line)
        if not m:
            if pending:
                sys.exit("a RUN line ends in '\\' but the next is no RUN line")
            continue
        part = m.group(1).rstrip()
        if part.endswith("\\"):
            pending += part[:-1] + " "
            continue
        commands.append(pending + part)
        pending = ""
    return commands


def substitute(cmd, path, tmp, defines):
    subs = {"%%": "%", "%s": str(path), "%S": str(path.parent), "%t": str(tmp)}
    subs.update(("%" + k, v) for k, v in defines.items())
    # Longest first, so that %name wins over %s.
    pattern = "|".join(re.escape(k) for k in sorted(subs, key=len,
                                                    reverse=True))
    return re.sub(pattern, lambda m: subs[m.group(0)], cmd)


def check_file(name, body, work, env, defines):
    path = work / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    commands = run_lines(body)
    if not commands:
        return "no RUN line"
    tmp = work / (name + ".tmp")
    for cmd in commands:
        cmd = substitute(cmd, path, tmp, defines)
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", cmd],
                              cwd=work, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            return "$ %s\n%s(exit status %d)" % (cmd, proc.stdout,
                                                  proc.returncode)
    return None


def check_excerpt(source, body, root):
    path = root / source
    if not path.is_file():
        return "%s does not exist" % source
    have = [l.strip() for l in path.read_text().splitlines()]
    pos = 0
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            pos = have.index(line.strip(), pos) + 1
        except ValueError:
            return "not in %s (in this order): %s" % (source, line.strip())
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("doc")
    parser.add_argument("--work", required=True,
                        help="scratch directory (emptied first)")
    parser.add_argument("--root", default=".",
                        help="source root that excerpt= paths are relative to")
    parser.add_argument("--path", action="append", default=[],
                        help="directory put first on PATH (repeatable)")
    parser.add_argument("--define", action="append", default=[],
                        metavar="NAME=VALUE", help="substitute %%NAME")
    args = parser.parse_args()
    defines = dict(d.split("=", 1) for d in args.define)

    doc = pathlib.Path(args.doc)
    work = pathlib.Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.abspath(p) for p in args.path] +
                                  [env.get("PATH", "")])

    total = failed = 0
    seen = set()
    for attrs, body, line in parse_snippets(doc.read_text(), doc):
        total += 1
        if "file" in attrs:
            label = attrs["file"]
            if label in seen:
                sys.exit("%s:%d: file=%s is used twice" % (doc, line, label))
            seen.add(label)
            error = check_file(label, body, work, env, defines)
        elif "excerpt" in attrs:
            label = "%s (excerpt, line %d)" % (attrs["excerpt"], line)
            error = check_excerpt(attrs["excerpt"], body,
                                  pathlib.Path(args.root))
        else:
            sys.exit("%s:%d: unknown snippet attributes %s" % (doc, line,
                                                              attrs))
        if error:
            failed += 1
            print("FAIL: %s\n%s" % (label, error))
        else:
            print("PASS: %s" % label)
    print("%d snippets, %d failed" % (total, failed))
    return 1 if failed or not total else 0


if __name__ == "__main__":
    sys.exit(main())
