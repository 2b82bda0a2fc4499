#!/usr/bin/python3
"""Minimal QMP client for the dump lab: run commands on a QEMU QMP unix socket.

Usage: qmp.py SOCKET COMMAND-JSON...
Each COMMAND-JSON is {"execute": ..., "arguments": {...}}. Commands run in order; each
waits for its reply (dump-guest-memory without detach replies when the dump is written).
Exit status 1 with the error on stderr if a command fails.
"""
import json
import socket
import sys
import time


def main():
    path, cmds = sys.argv[1], [json.loads(c) for c in sys.argv[2:]]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit(f"qmp: cannot connect to {path}")
    f = s.makefile("rw")

    def reply():
        while True:
            line = f.readline()
            if not line:
                raise SystemExit("qmp: connection closed")
            msg = json.loads(line)
            if "event" in msg:
                continue
            return msg

    greeting = reply()
    if "QMP" not in greeting:
        sys.exit(f"qmp: unexpected greeting {greeting}")
    for cmd in [{"execute": "qmp_capabilities"}] + cmds:
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        if cmd["execute"] == "quit":
            # Stay until QEMU closes the connection: leaving at once can drop the quit.
            try:
                while f.readline():
                    pass
            except OSError:
                pass
            break
        r = reply()
        if "error" in r:
            sys.exit(f"qmp: {cmd['execute']}: {r['error']}")
        if cmd["execute"] != "qmp_capabilities":
            print(json.dumps({"execute": cmd["execute"], "return": r.get("return")}))


if __name__ == "__main__":
    main()
