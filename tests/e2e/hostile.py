#!/usr/bin/env python3
"""Hostile command lines on real dumps (issue 15): absurd counts and ranges, 1 MB lines, deeply
nested expressions, binary garbage, unterminated quotes, a pipe to a command that exits at
once, redirections to paths that cannot be written.

Each case runs in a kdive of its own on a filtered kdump of each kernel (its excluded pages
end a long read soon, as on a customer's dump), in an empty working directory, and must:
  * end by itself within the timeout (no hang), not by a signal, with no sanitizer report;
  * print at most the error lines the case allows (on stderr; crash's INFO lines, which go with
    the output, are looked for there too), each short (no 1 MB echo) and free of
    control bytes, and the text the case expects;
  * create no file in the working directory but the ones the case names;
  * stay within a memory bound (the peak resident set, file pages of the dump included).
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import lab_dir, read_manifest  # noqa: E402

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")
TIMEOUT = 120
MAX_RSS_KB = 3 << 20  # 3 GiB: ASan's shadow included
MAX_ERR_LINE = 600

# (name, stdin or command file text, how many error lines at most, regex the errors must match
#  (None: no error), files the case may create)
CASES = [
    ("rd of 10^9 words at address 0", "rd -64 0 1000000000\n", 1, r"^rd: ", ()),
    ("rd of 10^8 words from init_task, to /dev/null", "rd -64 init_task 100000000 > /dev/null\n", 1, r"^rd: ", ()),
    ("struct of 10^9 task_structs", "struct task_struct init_task 1000000000 > /dev/null\n", 1, r"^struct: ", ()),
    ("search over the whole address space", "search -s 0 -e ffffffffffffffff deadbeef\n", 1, r"^search: ", ()),
    ("kmem -p of 10^9 pages, read by head", "kmem -p 0 1000000000 | head -1\n", 1, None, ()),
    ("100,000 nested parentheses", "p " + "(" * 100000 + "1" + ")" * 100000 + "\n", 2, r"nest", ()),
    ("a 1 MB symbol name", "sym " + "a" * 1000000 + "\n", 1, r"^sym: ", ()),
    ("a 1 MB line of blanks after a command", "p 1" + " " * 1000000 + "\n", 0, None, ()),
    ("an unterminated quote", "ps 'unterminated\nsym 'x\n", 2, None, ()),
    ("a pipe to a command that exits at once", "ps | true\nforeach bt | true\n", 0, None, ()),
    ("redirection to a missing directory", "ps > /proc/nonexistent/file\n", 1, r"^ps: /proc/nonexistent/file: ", ()),
    ("redirection to a directory", "ps > /\n", 1, r"^ps: /: ", ()),
    ("redirection to a read-only file system", "ps > /proc/version\n", 1, r"^ps: /proc/version: ", ()),
    ("binary garbage with a redirection", "\x01\x02\xff\xfe garbage > junk\n\x1b[31mred\n", 2,
     r"^not a command: byte 0x[0-9a-f]{2} at column \d+ is not text", ()),
    ("a redirection without a file", "ps >\n", 1, r"^ps: ", ()),
    ("a pipe without a command", "ps |\n", 1, r"^ps: ", ()),
    ("list from address 0", "list -H 0\n", 1, r"^list: ", ()),
    ("a count of 2^63", "rd init_task 9223372036854775807 > /dev/null\n", 1, r"^rd: ", ()),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    args = ap.parse_args()
    kdive = os.path.abspath(args.kdive)
    rows = read_manifest(lab_dir())
    dumps = [r for r in rows if r["boot"] == "kaslr" and r["format"] == "mdf-zlib"]
    if not dumps:
        print("hostile: no filtered kdump (boot kaslr, format mdf-zlib) in the lab's manifest", file=sys.stderr)
        return 1
    passed, failed = 0, []
    for row in dumps:
        for name, text, max_err, err_re, may_create in CASES:
            what = f"{row['id']}: {name}"
            with tempfile.TemporaryDirectory(prefix="kdive-hostile-") as cwd:
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                try:
                    p = subprocess.run([kdive, "-s", row["vmlinux"], row["dump"]], input=text.encode("latin-1"),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, timeout=TIMEOUT)
                except subprocess.TimeoutExpired:
                    failed.append(f"{what}: still running after {TIMEOUT} s")
                    continue
                rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                err = p.stderr.decode("utf-8", "replace")
                lines = [ln for ln in err.splitlines() if ln.strip()]
                # crash's error(INFO) lines go where the output goes: an expected message may be there
                out_msgs = [ln for ln in p.stdout.decode("utf-8", "replace").splitlines()
                            if err_re and re.search(err_re, ln)]
                problems = []
                if p.returncode < 0:
                    problems.append(f"killed by signal {-p.returncode}")
                if any(m in err for m in SANITIZER_MARKS):
                    problems.append("sanitizer report")
                if len(lines) > max_err:
                    problems.append(f"{len(lines)} error lines, at most {max_err} allowed")
                if err_re and not any(re.search(err_re, ln) for ln in lines + out_msgs):
                    problems.append(f"no error line matches {err_re!r}")
                if any(len(ln) > MAX_ERR_LINE for ln in lines + out_msgs):
                    problems.append(f"an error line longer than {MAX_ERR_LINE} characters")
                if any(ord(c) < 0x20 and c != "\t" for ln in lines for c in ln):
                    problems.append("a control byte in an error line")
                made = sorted(set(os.listdir(cwd)) - set(may_create))
                if made:
                    problems.append(f"created {made!r}")
                if rss > max(before, MAX_RSS_KB) and rss > MAX_RSS_KB:
                    problems.append(f"peak resident set {rss >> 10} MiB")
                if problems:
                    failed.append(f"{what}: " + "; ".join(problems) + "\n    stderr: " + err[:400].replace("\n", "\n    "))
                else:
                    passed += 1
    for f in failed:
        print("FAIL:", f)
    print(f"hostile: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
