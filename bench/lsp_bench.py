#!/usr/bin/env python3
"""A scripted editor session against `shardlint lsp`, timed from outside.

Opens a MaxText checkout's base.yml and a few of its launch scripts, then
types into base.yml: each keystroke is one incremental didChange (a letter
added to a comment, then removed, so the file stays valid), and its time is
from writing the didChange to reading base.yml's publishDiagnostics for
that version. Every keystroke re-lints base.yml and every open script,
since each of them reads base.yml. The wall times include the pipes and
whatever else the machine runs; the server's CPU time per keystroke (from
/proc, averaged over the session) is its own time alone.

    python3 bench/lsp_bench.py MAXTEXT_CHECKOUT SHARDLINT [EDITS]
"""
import json
import os
import select
import statistics
import subprocess
import sys
import time

SCRIPTS = [
    "tests/end_to_end/gpu/mixtral/test_8x7b.sh",
    "tests/end_to_end/tpu/llama4/2_test_llama4.sh",
    "tests/end_to_end/tpu/qwen/moe/qwen3.5-35b-a3b/2_test_qwen3.5_35b_a3b.sh",
]
BASE = "src/maxtext/configs/base.yml"
TIMEOUT = 30


class Server:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=root)
        self.buf = b""
        self.next_id = 1

    def send(self, method, params, request=False):
        msg = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            msg["id"] = self.next_id
            self.next_id += 1
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()
        return msg.get("id")

    def receive(self):
        fd = self.proc.stdout.fileno()
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                length = int(self.buf[:end].split(b":")[1])
                if len(self.buf) >= end + 4 + length:
                    body = self.buf[end + 4:end + 4 + length]
                    self.buf = self.buf[end + 4 + length:]
                    return json.loads(body)
            if not select.select([fd], [], [], TIMEOUT)[0]:
                raise TimeoutError("no message from the server")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("the server stopped")
            self.buf += chunk

    def until(self, test):
        while True:
            msg = self.receive()
            if test(msg):
                return msg


def published(uri, version):
    def test(msg):
        p = msg.get("params") or {}
        return (msg.get("method") == "textDocument/publishDiagnostics"
                and p.get("uri") == uri and p.get("version") == version)
    return test


def cpu_seconds(pid):
    """The server's own time so far: user + system, whatever else the machine runs."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def uri_of(path):
    return "file://" + os.path.abspath(path)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    root, binary = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    s = Server(binary, root)
    rid = s.send("initialize", {"rootUri": uri_of(root), "capabilities": {}}, request=True)
    s.until(lambda m: m.get("id") == rid)
    s.send("initialized", {})
    opened = time.perf_counter()
    for rel in [BASE] + SCRIPTS:
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            s.send("textDocument/didOpen", {"textDocument": {
                "uri": uri_of(path), "languageId": "yaml", "version": 1, "text": f.read()}})
        s.until(published(uri_of(path), 1))
    first = time.perf_counter() - opened
    base = uri_of(os.path.join(root, BASE))
    with open(os.path.join(root, BASE), encoding="utf-8") as f:
        line = next(i for i, text in enumerate(f) if text.startswith("#"))
    times = []
    cpu_before = cpu_seconds(s.proc.pid)
    for n in range(edits):
        at = {"line": line, "character": 1}
        change = ({"range": {"start": at, "end": at}, "text": "x"} if n % 2 == 0 else
                  {"range": {"start": at, "end": {"line": line, "character": 2}}, "text": ""})
        start = time.perf_counter()
        s.send("textDocument/didChange", {"textDocument": {"uri": base, "version": n + 2},
                                          "contentChanges": [change]})
        s.until(published(base, n + 2))
        times.append((time.perf_counter() - start) * 1000)
    cpu = (cpu_seconds(s.proc.pid) - cpu_before) * 1000 / edits
    rid = s.send("shutdown", None, request=True)
    s.until(lambda m: m.get("id") == rid)
    s.send("exit", None)
    s.proc.wait(timeout=TIMEOUT)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(f"open base.yml + {len(SCRIPTS)} launch scripts (first checks, source scan): "
          f"{first * 1000:.1f} ms")
    print(f"{edits} keystrokes in base.yml, didChange -> publishDiagnostics: "
          f"median {statistics.median(times):.2f} ms, p90 {p90:.2f} ms, "
          f"max {times[-1]:.2f} ms")
    print(f"server CPU time per keystroke (user + system, /proc): {cpu:.2f} ms")


if __name__ == "__main__":
    main()
