#!/usr/bin/env python3
"""The interactive shell under a pseudo-terminal, as a user at a terminal meets it (issue 14),
on a lab dump of each kernel:
  * Ctrl-C while a long command runs (rd of the whole direct map) interrupts it and returns
    to the prompt within seconds; the session goes on (sys answers), and the history file
    holds the session's commands when it ends;
  * Ctrl-C at the prompt drops what was typed and prompts again, and kdive stays;
  * an error is printed once, with the pager on (through `cat`, KDIVE_PAGER) and off;
  * Tab completes by context: a type after `struct`, a help topic after `help`, a member
    after `TYPE.`;
  * in a batch run, --echo and `set echo on` print each command after the prompt;
  * a fresh HOME without ~/.cache gets the DWARF index cached by its first run and reused by
    the second (its file is not written again).
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from extensions import Checks  # noqa: E402
from run import lab_dir, read_manifest  # noqa: E402

PROMPT = "kdive> "


def spawn(kdive, row, home, extra_env=None):
    env = dict(os.environ, HOME=home, TERM="xterm", KDIVE_HISTFILE=os.path.join(home, "hist"))
    env.pop("KDIVE_PAGER", None)
    env.update(extra_env or {})
    child = pexpect.spawn(kdive, ["-s", row["vmlinux"], row["dump"]], env=env, encoding="utf-8",
                          codec_errors="replace", timeout=120, dimensions=(50, 200))
    child.expect_exact(PROMPT)
    return child


def ctrl_c(kdive, row, home, c):
    what = row["id"]
    child = spawn(kdive, row, home)
    # the whole direct map, a line per 16 bytes: minutes of output unless interrupted
    child.sendline("set scroll off")
    child.expect_exact(PROMPT)
    child.sendline("ptov 100000")
    child.expect(r"([0-9a-f]{16})\s+100000")
    start = int(child.match.group(1), 16) - 0x100000
    child.expect_exact(PROMPT)
    child.sendline(f"rd -64 {start:x} 100000000")
    time.sleep(2)
    c.check(not child.expect([re.escape(PROMPT), pexpect.TIMEOUT], timeout=0.1) == 0,
            f"{what}: rd of the direct map still runs after 2 s")
    sent = time.time()
    child.sendintr()
    try:
        child.expect_exact(PROMPT, timeout=15)
        back = time.time() - sent
        c.check(True, f"{what}: Ctrl-C interrupts a long rd")
    except pexpect.TIMEOUT:
        c.check(False, f"{what}: Ctrl-C interrupts a long rd (no prompt 15 s after it)")
        child.terminate(force=True)
        return
    c.check(child.isalive(), f"{what}: kdive lives on after Ctrl-C")
    child.sendline("sys")
    i = child.expect([r"RELEASE: \S+", pexpect.TIMEOUT], timeout=30)
    c.check(i == 0, f"{what}: sys answers after an interrupted command")
    child.expect_exact(PROMPT)
    # at the prompt: what was typed goes, the prompt comes again
    child.send("struct task_st")
    time.sleep(0.3)
    child.sendintr()
    child.expect_exact(PROMPT, timeout=10)
    child.sendline("p 6*7")
    i = child.expect([r"\$\d+ = 42", pexpect.TIMEOUT, pexpect.EOF], timeout=30)
    c.check(i == 0, f"{what}: Ctrl-C at the prompt starts a fresh line (then p 6*7 = 42)")
    child.expect_exact(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    with open(os.path.join(home, "hist"), errors="replace") as f:
        hist = f.read().splitlines()
    c.check(any(h.startswith(f"rd -64 {start:x}") for h in hist) and "p 6*7" in hist,
            f"{what}: the history holds the interrupted command and the ones after it ({hist[-4:]!r})")
    print(f"{what}: Ctrl-C came back to the prompt in {back:.1f} s", flush=True)


def errors_once(kdive, row, home, c):
    for pager, env in (("off", {}), ("cat", {"KDIVE_PAGER": "cat"})):
        child = spawn(kdive, row, home, env)
        if pager == "off":
            child.sendline("set scroll off")
            child.expect_exact(PROMPT)
        child.sendline("rd 0")
        child.expect_exact(PROMPT)
        text = child.before
        n = len(re.findall(r"rd: .*0", text))
        c.check(n == 1, f"{row['id']}: an error is printed once with the pager {pager} (seen {n} times: {text!r})")
        child.sendline("q")
        child.expect(pexpect.EOF)
        child.close()


def completion(kdive, row, home, c):
    child = spawn(kdive, row, home)
    for typed, want, what in (("struct vm_area_stru", "struct vm_area_struct ", "a type after struct"),
                              ("help fore", "help foreach ", "a help topic"),
                              ("whatis list_he", "whatis list_head ", "a type after whatis"),
                              ("p init_task.thread_i", "p init_task.thread_info", "a member after a symbol's dot"),
                              ("struct task_struct.se.vrun", "struct task_struct.se.vruntime ", "a member path of a type"),
                              ("help inp", "help input ", "help's topic"),
                              ("ps kthrea", "ps kthreadd ", "a task's command name"),
                              ("sym -", "sym -", "an option (no unique one: the line stays)"),
                              ("rd -6", "rd -64 ", "an option from the synopsis")):
        child.send(typed + "\t")
        time.sleep(0.5)
        try:
            child.expect_exact(want, timeout=5)
            ok = True
        except pexpect.TIMEOUT:
            ok = False
        c.check(ok, f"{row['id']}: Tab completes {what}: {typed!r} -> {want!r} (screen: {child.before[-80:]!r})")
        child.sendintr()  # drop the line
        child.expect_exact(PROMPT, timeout=10)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()


def warm_start(kdive, row, c):
    with tempfile.TemporaryDirectory(prefix="kdive-home-") as tmp:
        home = os.path.join(tmp, "home")  # not even HOME exists
        env = dict(os.environ, HOME=home)
        env.pop("XDG_CACHE_HOME", None)
        env.pop("KDIVE_INDEX_CACHE", None)
        run = lambda: subprocess.run([kdive, "-s", row["vmlinux"], row["dump"]], input="sys\n", text=True,
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        run()
        idx = [os.path.join(dp, f) for dp, _, fs in os.walk(home) for f in fs if f.endswith(".idx")]
        c.check(len(idx) == 1, f"{row['id']}: a fresh HOME gets the index cached ({idx!r})")
        if len(idx) != 1:
            return
        before = os.stat(idx[0]).st_mtime_ns
        p = run()
        c.check(p.returncode == 0 and os.stat(idx[0]).st_mtime_ns == before,
                f"{row['id']}: the second run reuses the cached index")


def batch_echo(kdive, row, c):
    """--echo and `set echo on`: each command after the prompt, before its output, in a batch run."""
    run = lambda args, text: subprocess.run([kdive, "-s", *args, row["vmlinux"], row["dump"]], input=text, text=True,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout
    out = run(["--echo"], "p 6*7\nset echo off\np 1\n")
    c.check(out == "kdive> p 6*7\n$1 = 42\nkdive> set echo off\n$2 = 1\n", f"{row['id']}: --echo ({out!r})")
    out = run([], "p 1\nset echo on\np 2\n")
    c.check(out == "$1 = 1\nkdive> p 2\n$2 = 2\n", f"{row['id']}: set echo on ({out!r})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    args = ap.parse_args()
    kdive = os.path.abspath(args.kdive)
    rows = read_manifest(lab_dir())
    dumps = [r for r in rows if r["boot"] == "kaslr" and r["format"] == "qemu-elf"]
    c = Checks()
    for row in dumps:
        with tempfile.TemporaryDirectory(prefix="kdive-shell-") as home:
            ctrl_c(kdive, row, home, c)
            errors_once(kdive, row, home, c)
            completion(kdive, row, home, c)
        warm_start(kdive, row, c)
        batch_echo(kdive, row, c)
    print(f"shell: {c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
