#!/usr/bin/env python3
"""End-to-end tests: kdive in batch mode on every lab dump.

For each dump in $LAB/manifest.tsv:
  * parity: every crash 8.0.6 reference ($LAB/ref/<id>/<slug>.cmd/.out) whose
    command kdive implements (tests/e2e/commands) is run through kdive with the
    same command line, and the outputs must be equal after normalisation;
  * facts: what the lab's workload guarantees (facts.json) must show.
A mismatch listed in tests/e2e/allow-list (with its reason) is reported, not failed.
Prints a parity table (per command: dumps equal / dumps compared) and ends with
the plain line "N passed, N failed".

Normalisation (documented, the same for both sides): trailing blanks are
stripped from every line, and trailing empty lines are dropped.
"""
import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer", "UndefinedBehaviorSanitizer")


def lab_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ["HOME"], ".cache")
    return os.path.join(cache, "kdive", "lab")


def read_manifest(lab):
    path = os.path.join(lab, "manifest.tsv")
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def read_patterns(name):
    pats = []
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                pats.append(line)
    return pats


def read_allow_list():
    allow = []
    for line in read_patterns("allow-list"):
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip():
            sys.exit(f"allow-list: every entry needs 'command-glob<TAB>dump-glob<TAB>reason': {line!r}")
        allow.append((parts[0], parts[1], parts[2]))
    return allow


def normalise(text):
    lines = [l.rstrip() for l in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def supported(cmd, patterns):
    return any(re.fullmatch(p, cmd) for p in patterns)


def run_kdive(kdive, vmlinux, dump, commands, workdir, timeout):
    """One kdive start per dump; each command's output goes to its own file, as crash's refs do."""
    cmdfile = os.path.join(workdir, "cmds")
    outs = []
    with open(cmdfile, "w") as f:
        for i, cmd in enumerate(commands):
            out = os.path.join(workdir, f"{i}.out")
            outs.append(out)
            f.write(f"{cmd} > {out}\n")
        f.write("q\n")
    env = dict(os.environ, TZ="UTC", LC_ALL="C", KDIVE_HISTFILE="/dev/null")
    p = subprocess.run([kdive, "-s", "-i", cmdfile, vmlinux, dump], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                       env=env, timeout=timeout)
    results = []
    for out in outs:
        try:
            with open(out, errors="replace") as f:
                results.append(f.read())
        except FileNotFoundError:
            results.append(None)
    return p, results


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.allowed = 0
        self.failures = []

    def ok(self):
        self.passed += 1

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)


def check_facts(kdive_out, facts, rep, did):
    """Facts the workload guarantees, checked on what kdive printed."""
    sys_out = kdive_out.get("sys")
    if sys_out is not None and facts.get("release"):
        m = re.search(r"^\s*RELEASE: (\S+)", sys_out, re.M)
        if m and m.group(1) == facts["release"]:
            rep.ok()
        else:
            rep.fail(f"{did}: sys RELEASE is not {facts['release']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--only", help="glob of dump ids")
    ap.add_argument("--show-diff", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    lab = lab_dir()
    rows = read_manifest(lab)
    patterns = read_patterns("commands")
    allow = read_allow_list()
    rep = Report()
    parity = defaultdict(lambda: [0, 0])  # command word -> [equal, compared]
    for row in rows:
        did = row["id"]
        if args.only and not fnmatch.fnmatch(did, args.only):
            continue
        refdir = row["refdir"]
        refs = []
        if os.path.isdir(refdir):
            for name in sorted(os.listdir(refdir)):
                if name.endswith(".cmd"):
                    with open(os.path.join(refdir, name)) as f:
                        cmd = f.readline().strip()
                    if supported(cmd, patterns):
                        refs.append((cmd, os.path.join(refdir, name[:-4] + ".out")))
        commands = [c for c, _ in refs]
        if "sys" not in commands:
            commands.append("sys")
        with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
            try:
                p, outs = run_kdive(args.kdive, row["vmlinux"], row["dump"], commands, work, args.timeout)
            except subprocess.TimeoutExpired:
                rep.fail(f"{did}: kdive timed out")
                continue
        if any(mark in p.stderr for mark in SANITIZER_MARKS) or p.returncode < 0:
            rep.fail(f"{did}: kdive crashed or a sanitizer reported (exit {p.returncode}):\n{p.stderr[-3000:]}")
            continue
        if outs and all(o is None for o in outs):
            rep.fail(f"{did}: kdive did not open the dump: {p.stderr.strip()[:500]}")
            continue
        by_cmd = dict(zip(commands, outs))
        for cmd, refout in refs:
            word = " ".join(cmd.split()[:2]) if cmd.split()[0] in ("log", "rd", "sym") and len(cmd.split()) > 1 and cmd.split()[1].startswith("-") else cmd.split()[0]
            if cmd.startswith("sym ") and not cmd.split()[1].startswith("-"):
                word = "sym NAME" if not re.fullmatch(r"[0-9a-f]{16}", cmd.split()[1]) else "sym ADDR"
            with open(refout, errors="replace") as f:
                want = normalise(f.read())
            got = normalise(by_cmd.get(cmd) or "")
            parity[word][1] += 1
            if got == want:
                parity[word][0] += 1
                rep.ok()
                continue
            reason = next((r for c, d, r in allow if fnmatch.fnmatch(cmd, c) and fnmatch.fnmatch(did, d)), None)
            if reason:
                rep.allowed += 1
                continue
            msg = f"{did}: `{cmd}` differs from crash 8.0.6"
            if args.show_diff:
                import difflib
                diff = "\n".join(list(difflib.unified_diff(want.split("\n"), got.split("\n"), "crash", "kdive", lineterm=""))[:40])
                msg += "\n" + diff
            rep.fail(msg)
        facts_path = row.get("facts")
        if facts_path and os.path.exists(facts_path):
            with open(facts_path) as f:
                check_facts(by_cmd, json.load(f), rep, did)
    print("\nparity with crash 8.0.6 (dumps with equal output / dumps compared):")
    for word in sorted(parity):
        eq, n = parity[word]
        print(f"  {word:<16} {eq:>3} / {n:<3}")
    if rep.allowed:
        print(f"  ({rep.allowed} known differences, each justified in tests/e2e/allow-list)")
    for f in rep.failures:
        print("FAIL:", f)
    print(f"e2e: {rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed or (rep.passed == 0) else 0


if __name__ == "__main__":
    sys.exit(main())
