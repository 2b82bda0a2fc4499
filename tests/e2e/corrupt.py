#!/usr/bin/env python3
"""The corrupt-dump suite (issue 15): kdive on every dump tests/lab/corrupt.sh derived.

For each dump of $LAB/corrupt/*/cases.json, kdive runs a fixed command list (COMMANDS,
then the case's own: `vm`/`files` of the tasks it corrupted, `list`/`tree` of the
structures it broke, ...) in one batch session, each command's output redirected to its
own file, and this checks every (dump, command):

  * no crash: the session did not end by a signal (a command that started and whose
    session died is the one that crashed; the session is restarted after it);
  * no hang: no command runs longer than --timeout seconds (killed, reported, and the
    session restarted after it);
  * no sanitizer report (the ASan + UBSan build) on stderr;
  * a clear answer. kdive writes each error line both to the command's output and to
    stderr, and a warning about the dump (said once a session) to stderr only; a marker
    written on stderr before each command (a `!echo` shell escape, run in order) cuts
    stderr into each command's error lines. Output lines that say a damage in crash's
    way, in band (`kmem: kmalloc-8: slab: ... duplicate freelist object: ...`: the
    command's word and a colon; not crash's per-item notes such as ps -a's "ps: no user
    stack"), are error lines too, the same one repeated counted once (crash says a
    damage each time a walk meets it). A command passes when it printed
    output and at most one error line per structure the case damaged (its "structures",
    1 unless it says more; `foreach ...`, `bt -a`, `ps -a`: or one per task shown; a file
    cut short, whose damage is all memory past the cut: or one per line of output, as each
    item a listing shows may lie there) ("partial"), or printed only such error lines
    ("refused"), or printed output and no error ("output"); an error line is clear:
    `WORD: message`, no control byte (text from the dump in it may be any other byte),
    at most 400 characters. More error lines, a
    stderr error repeated, or neither output nor an error ("silent") fail. A dump kdive refuses
    to open at all must say why on stderr, in at most two lines, and exit 1; and not
    blame the vmlinux ("do not match"): every case's vmlinux is its dump's own.
  * the case's expectations: for each command the case names, an error line matching
    its pattern (case-insensitive), and output before it where the case asks for
    partial output (a walk must print what it walked before the place it broke); a
    "session" expectation is met by a warning anywhere in the session (kdive says a
    damaged task list once, at the first command that builds the task table).

The untouched-dump check (untouched.py) runs here too: every lab dump and corrupted dump
is the same after the run as before it, and every session, run under strace, opened its
dump read-only.

Prints a table: per corrupted dump, one letter per command (. output, p partial, E
refused, H hang, C crash, S sanitizer report, M more than one error line or an unclear
one, 0 silent, ! an expectation not met; a dump refused at open is one R), then the
failures, and ends with "corrupt: N dumps, N commands, N passed, N failed".
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import untouched  # noqa: E402

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer", "UndefinedBehaviorSanitizer")
COMMANDS = ["sys", "bt -a", "ps", "log", "files", "vm", "mod", "kmem -i", "kmem -s", "runq", "foreach bt",
            "net", "dev", "irq", "timer"]
ERROR_LINE = re.compile(r"^[a-z][\w.-]*: \S.*$")
MARK = "@@corrupt-mark"
# crash's per-item notes in band that say no damage (ps -a of a kernel thread)
NOT_ERRORS = {"ps: no user stack"}


def segments(stderr):
    """{command index: its stderr lines}; index -1 for what came before the first marker."""
    seg, cur = {-1: []}, -1
    for line in stderr.splitlines():
        if line.startswith(("@@fd ", "@@map ")):
            continue  # untouched.PROBE's
        if line.startswith(MARK + " "):
            cur = int(line.split()[1])
            seg[cur] = []
        elif line.strip():
            seg[cur].append(line.rstrip())
    return seg


def lab_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ["HOME"], ".cache")
    return os.path.join(cache, "kdive", "lab")


def read_manifest(lab):
    rows = []
    try:
        with open(os.path.join(lab, "manifest.tsv")) as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                if line.strip():
                    rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    except FileNotFoundError:
        pass
    return rows


def commands_of(case):
    cmds = list(COMMANDS)
    for c in case["commands"] + list(case["expect"]):
        if c not in cmds:
            cmds.append(c)
    return cmds


def session(kdive, case, cmds, work, timeout, tag):
    """Run cmds ([(index, command)]) in one kdive session: (stderr, exit status, the index of the
    last command started, the index of the command that hung (-1: kdive hung opening the dump;
    None: none did), whether a signal ended it, the strace log or, untraced, stderr)."""
    cmdfile = os.path.join(work, f"cmds.{tag}")
    with open(cmdfile, "w") as f:
        for i, c in cmds:
            # a marker on stderr before each command (a shell escape, run in order): the
            # stderr lines after it are that command's, warnings that kdive says only on
            # stderr included
            f.write(f"!echo '{MARK} {i}' >&2\n{c} > {work}/{i}.out\n")
        if not untouched.traceable(kdive):
            f.write(untouched.PROBE + "\n")  # the read-only proof of an ASan build
        f.write("q\n")
    log = os.path.join(work, f"strace.{tag}")
    errf = os.path.join(work, f"stderr.{tag}")
    env = dict(os.environ, TZ="UTC", LC_ALL="C", KDIVE_HISTFILE="/dev/null")
    argv = [kdive, "-s", "-i", cmdfile, case["vmlinux"], case["dump"]]
    if untouched.traceable(kdive):
        argv = untouched.traced(argv, log)
    with open(errf, "w") as err:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
                             start_new_session=True)
        last, since = None, time.monotonic()
        hung = None
        while p.poll() is None:
            time.sleep(0.05)
            cur = None
            for i, _ in cmds:
                if os.path.exists(os.path.join(work, f"{i}.out")):
                    cur = i
            if cur != last:
                last, since = cur, time.monotonic()
            if time.monotonic() - since > timeout:
                hung = last if last is not None else -1
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                break
    with open(errf, errors="replace") as f:
        stderr = f.read()
    # under strace the exit status is kdive's, and a signal shows as 128+N in strace's
    rc = p.returncode
    killed = rc < 0 or (untouched.traceable(kdive) and rc > 128 and "+++ killed by" in open(log, errors="replace").read())
    return stderr, rc, last, hung, killed, log if untouched.traceable(kdive) else stderr


def run_case(kdive, case, timeout):
    """{command: (letter, detail)}, or {None: (letter, detail)} for a dump refused at open."""
    cmds = list(enumerate(commands_of(case)))
    res = {}
    seg = {}
    traces = []
    with tempfile.TemporaryDirectory(prefix="kdive-corrupt-") as work:
        todo, tag = cmds, 0
        while todo:
            stderr, rc, last, hung, killed, log = session(kdive, case, todo, work, timeout, tag)
            san = any(m in stderr for m in SANITIZER_MARKS)
            traces.append((log, not killed and hung is None and not san))
            for k, v in segments(stderr).items():
                seg.setdefault(k, []).extend(v)
            tag += 1
            san = any(m in stderr for m in SANITIZER_MARKS)
            started = [i for i, _ in todo if os.path.exists(os.path.join(work, f"{i}.out"))]
            if hung == -1:
                res[None] = ("H", f"no answer within {timeout} s opening the dump")
                break
            if not started and hung is None:
                if tag == 1:
                    lines = [x for x in stderr.splitlines() if x.strip()]
                    if killed or san:
                        res[None] = ("C" if killed else "S", f"refused at open with a crash or sanitizer report (exit {rc}): "
                                     + stderr[-2000:])
                    elif rc != 1 or not lines or len(lines) > 2:
                        res[None] = ("M", f"refused at open, exit {rc}, with {len(lines)} stderr lines: {stderr[-600:]!r}")
                    elif "do not match" in lines[-1]:
                        # every case's vmlinux is its dump's own: a damaged dump must not be blamed on it
                        res[None] = ("!", "refused as a vmlinux mismatch, but the vmlinux is the dump's own: " + lines[-1])
                    else:
                        res[None] = ("R", lines[-1])
                break
            if hung is not None or killed or san:
                bad = hung if hung is not None else (started[-1] if started else todo[0][0])
                cmd = dict(todo)[bad]
                if hung is not None:
                    res[cmd] = ("H", f"no answer within {timeout} s")
                else:
                    res[cmd] = ("S" if san else "C", f"exit {rc}: " + stderr[-3000:])
                todo = [(i, c) for i, c in todo if i > bad]
                continue
            todo = []
        anywhere = [x for v in seg.values() for x in v]
        for i, cmd in cmds:
            if cmd in res:
                continue
            if None in res:
                break
            try:
                with open(os.path.join(work, f"{i}.out"), errors="replace") as f:
                    out = f.read()
            except FileNotFoundError:
                res[cmd] = ("C", "never ran: the session ended before it")
                continue
            # its error lines: its stderr lines, and the lines of its output that say a damage
            # in crash's way, in band ("kmem: kmalloc-8: slab: ... duplicate freelist object")
            words = {cmd.split()[0]} | ({cmd.split()[1]} if cmd.startswith("foreach ") and len(cmd.split()) > 1 else set())
            stderr_lines = seg.get(i, [])
            errset = {x.strip() for x in stderr_lines}
            inband = [x.rstrip() for x in out.splitlines() if x.strip() not in errset and x.split(":", 1)[0] in words
                      and ERROR_LINE.match(x.rstrip()) and x.strip() not in NOT_ERRORS]
            errors = stderr_lines + inband
            body = [x for x in out.splitlines() if x.strip() and x.strip() not in errset and x.rstrip() not in inband]
            unclear = [e for e in errors if not ERROR_LINE.match(e) or len(e) > 400
                       or any(ord(ch) < 32 or ord(ch) == 127 for ch in e)]
            exp = case["expect"].get(cmd)
            most = case.get("structures", 1)
            if cmd.startswith(("foreach ", "ps -a")) or cmd == "bt -a":
                # a command over tasks says each task's damage in that task's block
                most = max(most, sum(1 for x in body if x.startswith("PID: ")))
            if case["kind"] == "file" and "-trunc-" in case["id"]:
                # a file cut short loses all memory past the cut: any item a listing shows
                # (kmem -s's caches, one per line) may lie there, each said once
                most = max(most, len(body) + 1)
            # (crash says a damage in band each time a walk meets it: kmem -S walks a cpu
            # slab's freelist for the cache line and again for the slab; the same line
            # repeated in band is one error)
            errors = stderr_lines + list(dict.fromkeys(inband))
            if len(errors) > most or len(set(errors)) < len(errors) or unclear:
                res[cmd] = ("M", f"{len(errors)} error lines ({most} damaged structure{'s' * (most > 1)} in this "
                            "dump): " + " | ".join(errors[:4])[:600])
            elif not errors and not body:
                res[cmd] = ("0", "no output and no error")
            elif exp and exp.get("session") and not any(re.search(exp["error"], e, re.I) for e in anywhere):
                res[cmd] = ("!", f"expected a warning matching /{exp['error']}/ in the session, got none")
            elif exp and not exp.get("session") and not any(re.search(exp["error"], e, re.I) for e in errors):
                res[cmd] = ("!", f"expected an error matching /{exp['error']}/, got "
                            + (repr(errors[0]) if errors else f"{len(body)} lines of output and no error"))
            elif exp and exp.get("partial") and not body:
                res[cmd] = ("!", f"expected partial output before the error {errors[0]!r}, got none")
            elif errors and body:
                res[cmd] = ("p", errors[0])
            elif errors:
                res[cmd] = ("E", errors[0])
            else:
                res[cmd] = (".", "")
        # the read-only proof
        for log, whole in traces:
            if untouched.traceable(kdive):
                bad, opens = untouched.refusals(log, [case["dump"], case["vmlinux"]], os.getcwd())
                what = f"strace log {os.path.basename(log)} shows no read-only open of the dump"
            else:
                bad, opens = untouched.probe_refusals(log, [case["dump"], case["vmlinux"]])
                what = "the probe at the end of the session saw no descriptor or mapping of the dump"
                if None in res:
                    break  # refused at open: no session ran the probe
            if bad:
                res["(read-only)"] = ("W", "; ".join(bad)[:600])
            elif not opens[case["dump"]] and (untouched.traceable(kdive) or whole):
                res["(read-only)"] = ("W", what)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--only", help="glob of corrupted dump ids")
    ap.add_argument("--timeout", type=int, default=120, help="seconds one command may take (default 120)")
    ap.add_argument("--jobs", type=int, default=2, help="dumps at once (default 2)")
    ap.add_argument("--verbose", action="store_true", help="every (dump, command) result, not only failures")
    args = ap.parse_args()
    lab = lab_dir()
    cases = []
    for path in sorted(glob.glob(os.path.join(lab, "corrupt", "*", "cases.json"))):
        with open(path) as f:
            cases += json.load(f)
    if args.only:
        cases = [c for c in cases if fnmatch.fnmatch(c["id"], args.only)]
    if not cases:
        print(f"corrupt: no corrupted dumps under {lab}/corrupt (tests/lab/corrupt.sh makes them)")
        return 1
    failures = []
    # every kernel corrupt.sh derives from (bookworm, trixie: their kaslr boots) has its cases
    have = {c["kernel"] for c in cases}
    for k in sorted({r["kernel"] for r in read_manifest(lab) if r["boot"] == "kaslr"} & {"bookworm", "trixie"}):
        if k not in have and not args.only:
            failures.append(f"no corrupted dumps of {k} under {lab}/corrupt/{k} (tests/lab/corrupt.sh {k} makes them)")
    if not untouched.strace_available() and not untouched.sanitized(args.kdive):
        failures.append("strace is not installed (scripts/deps): kdive's read-only opens are not proved")
    failures += untouched.selftest()
    inputs = [c["dump"] for c in cases] + [c["vmlinux"] for c in cases]
    inputs += [r[k] for r in read_manifest(lab) for k in ("dump", "vmlinux")]
    before = untouched.snapshot(inputs)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(lambda c: run_case(args.kdive, c, args.timeout), cases))
    took = time.monotonic() - t0
    counts = {}
    npass = nfail = ncmd = 0
    print("corrupted dump                          results (one letter per command; see tests/e2e/corrupt.py)")
    for case, res in zip(cases, results):
        if None in res:
            letters = res[None][0]
        else:
            letters = "".join(res[c][0] for c in commands_of(case) if c in res)
        if "(read-only)" in res:
            letters += "W"
        print(f"  {case['id']:<50} {letters}")
        for cmd, (letter, detail) in res.items():
            ncmd += 1
            counts[letter] = counts.get(letter, 0) + 1
            ok = letter in ".pER"
            npass += ok
            nfail += not ok
            if not ok:
                failures.append(f"{case['id']}: `{cmd}` [{letter}] {detail}\n    ({case['what']})")
            elif args.verbose:
                print(f"      {str(cmd):<40} {letter} {detail[:200]}")
    touched = untouched.changed(before, untouched.snapshot(before))
    failures += touched
    if not touched:
        print(f"untouched: {len(before)} dumps and vmlinux files unchanged (size, inode, mtime, ctime, mode, sampled "
              "SHA-256)" + ("; every session, under strace, opened its dump read-only" if untouched.traceable(args.kdive)
                            else "; every session held its dump read-only (descriptors and mappings, untouched.PROBE)"))
    print("results: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"; {took:.0f} s")
    for f in failures:
        print("FAIL:", f)
    print(f"corrupt: {len(cases)} dumps, {ncmd} commands, {npass} passed, {nfail + len(touched)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
