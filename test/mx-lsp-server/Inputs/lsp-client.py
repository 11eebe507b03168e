#!/usr/bin/env python3
"""A minimal LSP client for the mx-lsp-server tests: speaks JSON-RPC over the
server's stdin/stdout with Content-Length framing, as an editor does.

Usage: lsp-client.py SERVER FILE [--hover LINE:CHAR] [--definition LINE:CHAR]

Opens FILE, prints the diagnostics the server publishes for it, then the
answer to each request (0-based positions, as LSP counts), one JSON object
per line with sorted keys so FileCheck can match it. Exits non-zero if the
server breaks the protocol or does not answer.
"""
import argparse
import json
import pathlib
import subprocess
import sys


class Server:
    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.next_id = 1

    def send(self, method, params, request=True):
        msg = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            msg["id"] = self.next_id
            self.next_id += 1
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg.get("id")

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("lsp-client: the server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if length is None:
            sys.exit("lsp-client: a message without Content-Length")
        return json.loads(self.proc.stdout.read(length))

    def wait_for(self, pred):
        while True:
            msg = self.read()
            if pred(msg):
                return msg


def position(text):
    line, _, char = text.partition(":")
    return {"line": int(line), "character": int(char)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("file")
    parser.add_argument("--hover", action="append", default=[])
    parser.add_argument("--definition", action="append", default=[])
    args = parser.parse_args()

    path = pathlib.Path(args.file).resolve()
    uri = path.as_uri()
    server = Server([args.server])
    init = server.send("initialize", {"processId": None, "rootUri": None,
                                      "capabilities": {}})
    server.wait_for(lambda m: m.get("id") == init)
    server.send("initialized", {}, request=False)
    server.send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "mlir", "version": 1,
        "text": path.read_text()}}, request=False)
    diags = server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics")
    for d in diags["params"]["diagnostics"]:
        print("diagnostic", json.dumps(d, sort_keys=True))

    for kind, positions in (("hover", args.hover),
                            ("definition", args.definition)):
        for pos in positions:
            rid = server.send("textDocument/" + kind, {
                "textDocument": {"uri": uri}, "position": position(pos)})
            answer = server.wait_for(lambda m: m.get("id") == rid)
            if "error" in answer:
                sys.exit("lsp-client: %s failed: %s" % (kind, answer["error"]))
            print(kind, json.dumps(answer["result"], sort_keys=True))

    rid = server.send("shutdown", None)
    server.wait_for(lambda m: m.get("id") == rid)
    server.send("exit", None, request=False)
    server.proc.stdin.close()
    return server.proc.wait()


if __name__ == "__main__":
    sys.exit(main())
