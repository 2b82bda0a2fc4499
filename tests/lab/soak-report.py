#!/usr/bin/python3
"""soak-report.py LIST REPORT KDIVE: the agreement table of tests/lab/soak.

LIST has one tab-separated line per comparison:
    kernel  boot  dump-format  command  crash-output  kdive-output  crash-rc:kdive-rc  vmlinux  dump
(the rc entries are files holding each tool's exit status). Both outputs are normalised
as tests/e2e/run.py does (trailing blanks stripped from every line, trailing empty lines
dropped) and compared; a difference is then given to the rules of tests/e2e/allow-list,
exactly as the e2e tests do (KDIVE answers the rules' questions about the dump). The table
(kernel, boot, dump, command, then "equal", "explained: RULES" or the first line that still
differs on each side) and a summary per command are printed and written to REPORT.
"""
import fnmatch
import os
import sys
from collections import defaultdict

E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e")
sys.path.insert(0, E2E)
import allow  # noqa: E402
import run as e2e  # noqa: E402


def normalise(text):
    lines = [l.rstrip() for l in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def rc_note(tool, path):
    rc = (read(path) or "?").strip()
    return "" if rc == "0" else f" [{tool} exit {rc}]"


def clip(s, n=110):
    return s if len(s) <= n else s[: n - 3] + "..."


def compare(crash_file, kdive_file, cmd, rules, facts):
    want, got = read(crash_file), read(kdive_file)
    if want is None:
        return False, "crash printed nothing (no output file)"
    if got is None:
        return False, "kdive printed nothing (no output file)"
    a, b = normalise(want), normalise(got)
    if a == b:
        return True, "equal"
    matching = [r for c, _, r, _ in rules if fnmatch.fnmatch(cmd, c)]
    used = set()
    if matching and allow.explained(matching, "\n".join(a), "\n".join(b), facts, used):
        return True, "explained: " + ", ".join(r for r in matching if r in used)
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "(end of output)"
        y = b[i] if i < len(b) else "(end of output)"
        if x != y:
            return False, f"line {i + 1}: crash: {clip(x)!r} | kdive: {clip(y)!r}"
    return False, "differs"  # not reached


def main(list_file, report, kdive):
    rows, per_cmd = [], defaultdict(lambda: [0, 0])
    rules = e2e.read_allow_list()
    facts = {}
    with open(list_file) as f:
        for line in f:
            kernel, boot, fmt, cmd, cf, kf, rcs, vmlinux, dump = line.rstrip("\n").split("\t")
            crc, krc = rcs.split(":")
            if dump not in facts:
                facts[dump] = e2e.DumpFacts(kdive, {"vmlinux": vmlinux, "dump": dump}, 900)
            ok, what = compare(cf, kf, cmd, rules, facts[dump])
            what += rc_note("crash", crc) + rc_note("kdive", krc)
            rows.append((kernel, boot, fmt, cmd, what))
            per_cmd[cmd][1] += 1
            per_cmd[cmd][0] += ok
    w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(("KERNEL", "BOOT", "DUMP", "COMMAND"))]
    out = []
    fmt_row = lambda r: "  ".join(f"{c:<{w[i]}}" for i, c in enumerate(r[:4])) + "  " + r[4]
    out.append(fmt_row(("KERNEL", "BOOT", "DUMP", "COMMAND", "RESULT")))
    out += [fmt_row(r) for r in rows]
    out.append("")
    for cmd, (eq, n) in per_cmd.items():
        out.append(f"{cmd:<12} {eq}/{n} dumps equal or explained by the allow-list")
    equal = sum(eq for eq, _ in per_cmd.values())
    explained = sum(1 for r in rows if r[4].startswith("explained"))
    out.append(f"soak: {equal} agree ({equal - explained} equal, {explained} explained by allow-list rules), "
               f"{len(rows) - equal} differ ({len(rows)} comparisons)")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(report + ".tmp", "w") as f:
        f.write(text)
    os.replace(report + ".tmp", report)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
