#!/usr/bin/env python3
"""End-to-end tests: kdive in batch mode on every lab dump.

For each dump in $LAB/manifest.tsv:
  * parity: every crash 8.0.6 reference ($LAB/ref/<id>/<slug>.cmd/.out, the ones
    its index lists) whose command kdive implements (tests/e2e/commands) is run
    through kdive with the same command line, and the outputs must be equal after
    normalisation;
  * facts: what the lab's workload guarantees (facts.json) must show, issue 12's part
    (net, net -a, net -s PID, ipcs, waitq, timer, timer -r, bpf) in lab_checks.py.
With --check-refs (no kdive needed), lab_checks' checks run on crash 8.0.6's references
instead, proving them and that every dump has the references they need.
A mismatch is excused only by the rules of tests/e2e/allow-list (see allow.py): each
entry names a rule that proves, line by line, that the two outputs differ in exactly
its way; what it does not explain still fails.
Prints a parity table (per command: dumps equal / dumps compared) and ends with
the plain line "N passed, N failed".

Normalisation (documented, the same for both sides): trailing blanks are
stripped from every line, and trailing empty lines are dropped; gdb's value
history numbers ($1, $2 ...) in p's output become $N, because they count the
p commands run before in the same session, and the harness groups commands
into sessions differently from the lab's crash runs.
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

sys.dont_write_bytecode = True  # (no __pycache__ beside the imported modules in the checkout)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import allow as allow_rules  # noqa: E402
import lab_checks  # noqa: E402
import untouched  # noqa: E402

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
        if len(parts) < 4 or not parts[3].strip() or parts[2] not in allow_rules.RULES:
            sys.exit(f"allow-list: every entry needs 'command-glob<TAB>dump-glob<TAB>rule<TAB>reason' with a rule "
                     f"of allow.py ({', '.join(sorted(allow_rules.RULES))}): {line!r}")
        allow.append((parts[0], parts[1], parts[2], parts[3]))
    return allow


class DumpFacts:
    """What a rule may ask kdive about the dump (symbols, a command's output), asked lazily and cached."""

    def __init__(self, kdive, row, timeout):
        self.kdive, self.row, self.timeout = kdive, row, timeout
        self.cache = {}

    def query(self, cmd):
        """What kdive prints for a command on this dump (cached)."""
        if cmd not in self.cache:
            with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
                _, outs = run_kdive(self.kdive, self.row["vmlinux"], self.row["dump"], [cmd], work, self.timeout)
            self.cache[cmd] = outs[0] or ""
        return self.cache[cmd]

    def symbol_at(self, addr):
        """(name, offset) of the symbol containing addr, from kdive's `sym ADDR`; None if none."""
        if addr not in self.cache:
            with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
                _, outs = run_kdive(self.kdive, self.row["vmlinux"], self.row["dump"], [f"sym {addr:x}"], work,
                                    self.timeout)
            m = re.match(r"^[0-9a-f]+ \(.\) (\S+?)(?:\+(\d+))?(?: |$)", (outs[0] or "").strip())
            self.cache[addr] = (m.group(1), int(m.group(2) or 0)) if m else None
        return self.cache[addr]


def normalise(text):
    lines = [l.rstrip() for l in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def crash_order(refdir):
    """The reference files in session order (context commands such as set matter): the
    current references as reference.sh's index lists them; a directory of the previous
    format, every .cmd in the order its crash runs took them."""
    index = os.path.join(refdir, "index")
    if os.path.exists(index):
        with open(index) as f:
            return [line.split("\t")[0] + ".cmd" for line in f if line.strip()]
    names = sorted(n for n in os.listdir(refdir) if n.endswith(".cmd"))
    order = {}
    run = os.path.join(refdir, "_run")
    for phase in sorted(n for n in os.listdir(run) if n.endswith(".in")) if os.path.isdir(run) else []:
        try:
            with open(os.path.join(run, phase)) as f:
                for line in f:
                    m = re.search(r"> (\S+)\.out$", line.strip())
                    if m:
                        order.setdefault(m.group(1) + ".cmd", len(order))
        except FileNotFoundError:
            pass
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def parity_key(cmd):
    """Row of the parity table: the command and its options, arguments as PID, ADDR or NAME."""
    words = cmd.split()
    out = [words[0]]
    for w in words[1:]:
        key = w if w.startswith("-") else "PID" if w.isdigit() else "ADDR" if re.fullmatch(r"[0-9a-f]{8,16}", w) else "NAME"
        if out[-1] != key:
            out.append(key)
    return " ".join(out)


# Commands that change what the commands after them print in crash's session (as set
# does; set is implemented): the lab runs mod -S (module debuginfo) last, before the
# references that need it (tests/lab/reference.sh, the "late" part).
CONTEXT_CMDS = r"mod -[sS]( .*)?"


def supported(cmd, patterns):
    return any(re.fullmatch(p, cmd) for p in patterns)


def run_kdive(kdive, vmlinux, dump, commands, workdir, timeout, trace=None):
    """One kdive start per dump; each command's output goes to its own file, as crash's refs do.
    With trace (a log path), kdive runs under strace (untouched.traced); without, an ASan build's
    session ends with untouched.PROBE (its lines on stderr)."""
    cmdfile = os.path.join(workdir, "cmds")
    outs = []
    with open(cmdfile, "w") as f:
        for i, cmd in enumerate(commands):
            out = os.path.join(workdir, f"{i}.out")
            outs.append(out)
            f.write(f"{cmd} > {out}\n")
        if not trace:
            f.write(untouched.PROBE + "\n")
        f.write("q\n")
    env = dict(os.environ, TZ="UTC", LC_ALL="C", KDIVE_HISTFILE="/dev/null")
    argv = [kdive, "-s", "-i", cmdfile, vmlinux, dump]
    p = subprocess.run(untouched.traced(argv, trace) if trace else argv, stdin=subprocess.DEVNULL,
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
        self.rules = defaultdict(int)  # allow-list rule -> outputs it explained
        self.failures = []

    def ok(self):
        self.passed += 1

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)


def ref_commands(refdir):
    """The command lines of a dump's current references (reference.sh's index)."""
    try:
        with open(os.path.join(refdir, "index")) as f:
            return [line.rstrip("\n").split("\t", 2)[2] for line in f if line.count("\t") >= 2]
    except FileNotFoundError:
        return []


def fact_commands(facts, fmt, refcmds=()):
    """kdive commands whose output the facts are checked against (with issue 12's, lab_checks')."""
    cmds = ["sys", "ps", "set -p"]
    roles = {p.get("role") for p in facts.get("processes", [])}
    if roles & {"userspin", "zombie", "unrun"}:
        cmds += ["bt -a", "foreach bt"]
    if facts.get("mounts"):
        cmds.append("mount")
    if facts.get("modules"):
        cmds.append("mod")
    for p in facts.get("processes", []):
        if p.get("fds") and p.get("pid"):
            cmds.append(f"files {p['pid']}")
        if p.get("role") == "threads":
            cmds.append(f"ps -g {p['pid']}")
        if p.get("role") == "mapper" and user_memory_present(fmt):
            cmds.append(f"ps -a {p['pid']}")
            anon = next((m for m in p.get("maps", []) if m.get("kind") == "anon"), None)
            if anon:
                cmds += [f"set {p['pid']}", f"rd -a -u {anon['addr'][2:]} 32", f"rd -a -p {anon['phys'][2:]} 32",
                         f"search -u -c {anon['marker']}", "set -p", f"vtop -c {p['pid']} {anon['addr'][2:]}"]
    cmds += [c for _word, c in lab_checks.commands(facts, refcmds) if c not in cmds]
    return cmds


def user_memory_present(fmt):
    # makedumpfile -d 31 (every mdf-* and the kdump zlib capture) drops user pages
    return fmt.startswith("qemu") or fmt == "kdump-raw-elf"


def ps_rows(text):
    rows = {}
    for line in (text or "").split("\n")[1:]:
        f = line.lstrip(">").split()
        if len(f) >= 9 and f[0].isdigit():
            rows.setdefault(int(f[0]), []).append((f[-1].strip("[]"), line.startswith(">")))
    return rows


def check_facts(out, facts, rep, did, fmt, stderr="", notes=None, refcmds=()):
    """Facts the lab's workload guarantees, checked on what kdive printed."""
    def expect(cond, what):
        rep.ok() if cond else rep.fail(f"{did}: {what}")

    lab_checks.check(out, facts, expect, refcmds)
    # every mount of the guest: MOUNT SUPERBLK TYPE DEVNAME DIRNAME
    if facts.get("mounts"):
        text = out.get("mount") or ""
        for mnt in facts["mounts"]:
            pat = (rf"^[0-9a-f]+ +[0-9a-f]+ +{re.escape(mnt['type'])} +{re.escape(mnt['devname'])} +"
                   rf"{re.escape(mnt['dirname'])} *$")
            expect(re.search(pat, text, re.M), f"mount lacks {mnt['type']} {mnt['devname']} on {mnt['dirname']}")
    # every loaded module: MODULE NAME TEXT_BASE SIZE OBJECT FILE
    if facts.get("modules"):
        text = out.get("mod") or ""
        for name in facts["modules"]:
            expect(re.search(rf"^ *[0-9a-f]+ +{re.escape(name)} +[0-9a-f]+ ", text, re.M),
                   f"mod does not list module {name}")

    sys_out = out.get("sys") or ""
    if facts.get("release"):
        m = re.search(r"^\s*RELEASE: (\S+)", sys_out, re.M)
        expect(m and m.group(1) == facts["release"], f"sys RELEASE is not {facts['release']}")
    rows = ps_rows(out.get("ps"))
    for p in facts.get("processes", []):
        if p.get("role") == "panic" or not p.get("pid"):
            continue
        got = rows.get(p["pid"], [])
        expect(any(comm == p["comm"] for comm, _ in got), f"ps lacks pid {p['pid']} ({p['comm']})")
        if p.get("threads", 1) > 1:
            tids = p.get("tids", [])
            expect(all(any(c == p["comm"] for c, _ in rows.get(t, [])) for t in tids),
                   f"ps lacks some of the {len(tids)} threads of pid {p['pid']}")
            group = out.get(f"ps -g {p['pid']}") or ""
            listed = set(int(x) for x in re.findall(r"PID: (\d+)", group))
            expect(listed == set(tids), f"ps -g {p['pid']} lists {sorted(listed)}, not the {len(tids)} threads {sorted(tids)}")
        # every fd of every workload process (fact_commands runs files for each that has fds;
        # panic's are gone by the dump): its type, and its path as crash shows it (a regular
        # file's, directory's or device's path, a socket's protocol, nothing for a pipe);
        # the ext4 process's cwd
        text = out.get(f"files {p['pid']}")
        for fd in p.get("fds", []) if text is not None else []:
            m = re.search(rf"^\s*{fd['fd']} +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +(\S+) ?(.*)$", text, re.M)
            ok = bool(m) and m.group(1) == fd["type"]
            want = {"FIFO": "", "SOCK": fd.get("proto")}.get(fd["type"], fd.get("path"))
            if fd["type"] == "UNKN" and (want or "").startswith("anon_inode:"):
                want = want[len("anon_inode:"):]  # an anon inode (bpf-map...): its dentry's name
            if ok and want is not None:
                ok = m.group(2).strip() == want
            expect(ok, f"files {p['pid']}: fd {fd['fd']} is not {fd['type']} {want or ''}")
        if text is not None and p.get("cwd"):
            m = re.search(r"^ROOT: (\S+) +CWD: (\S+)", text, re.M)
            expect(m and m.group(2) == p["cwd"], f"files {p['pid']}: CWD is not {p['cwd']}")
        if p.get("role") == "mapper" and user_memory_present(fmt):
            text = out.get(f"ps -a {p['pid']}") or ""
            expect(re.search(rf"^ARG: .*{re.escape(p['comm'])}", text, re.M), f"ps -a {p['pid']} shows no arguments")
            anon = next((m for m in p.get("maps", []) if m.get("kind") == "anon"), None)
            if anon:
                for cmd in (f"rd -a -u {anon['addr'][2:]} 32", f"rd -a -p {anon['phys'][2:]} 32"):
                    expect(anon["marker"] in (out.get(cmd) or ""), f"`{cmd}` does not show the marker {anon['marker']}")
                # the page-table walk ends at the page whose bytes (rd -p above) hold the marker
                addr, phys = int(anon["addr"], 16), int(anon["phys"], 16)
                cmd = f"vtop -c {p['pid']} {anon['addr'][2:]}"
                m = re.search(r"^VIRTUAL +PHYSICAL *\n([0-9a-f]+) +([0-9a-f]+)", out.get(cmd) or "", re.M)
                expect(m and int(m.group(1), 16) == addr and int(m.group(2), 16) == phys,
                       f"`{cmd}` does not translate to the marker's page {anon['phys']}")
                # search -u -c in the mapper's context finds the marker where it was written
                cmd = f"search -u -c {anon['marker']}"
                hits = re.findall(r"^([0-9a-f]+): (\S+)", out.get(cmd) or "", re.M)
                expect(any(int(a, 16) == addr and h.startswith(anon["marker"]) for a, h in hits),
                       f"`{cmd}` in pid {p['pid']}'s context does not find the marker at {anon['addr']}")
    check_states(out, facts, expect, fmt)
    if facts.get("panic_pid") is not None:
        ctx = out.get("set -p") or ""
        expect(re.search(rf"^\s*PID: {facts['panic_pid']}$", ctx, re.M) is not None,
               f"the panic task is not pid {facts['panic_pid']}")
        got = rows.get(facts["panic_pid"], [])
        expect(any(active for _, active in got), f"ps does not mark pid {facts['panic_pid']} active")


def traces(text):
    """bt output split per task: pid -> its lines (header included)."""
    out, cur = {}, None
    for line in (text or "").split("\n"):
        m = re.match(r"^PID: (\d+)\s", line)
        if m:
            cur = out.setdefault(int(m.group(1)), [])
        if cur is not None:
            cur.append(line)
    return out


def check_states(out, facts, expect, fmt):
    """The states boot's workload (tests/lab/states): what each state must look like in kdive."""
    rows = ps_rows(out.get("ps"))
    lines = {int(l.lstrip(">").split()[0]): l for l in (out.get("ps") or "").split("\n")[1:]
             if l.lstrip(">").split() and l.lstrip(">").split()[0].isdigit()}
    bts = traces(out.get("foreach bt"))
    for p in facts.get("processes", []):
        role, pid = p.get("role"), p.get("pid")
        if role == "zombie":
            # an exited user process: ZO, and no kernel-thread brackets although its mm is gone
            line = lines.get(pid, "")
            expect(re.search(rf"\sZO\s.*\s{re.escape(p['comm'])}$", line) is not None,
                   f"ps shows zombie pid {pid} as {line.strip()!r}, not ZO {p['comm']}")
            expect(any(l == "(no stack)" for l in bts.get(pid, [])), f"foreach bt: zombie pid {pid} is not (no stack)")
        if role == "unrun":
            # forked, never ran: ret_from_fork, then the user registers it will start with
            t = bts.get(pid, [])
            expect(any(re.search(r"\] ret_from_fork(_asm)? at ", l) for l in t) and any("CS: 0033" in l for l in t),
                   f"foreach bt: never-run pid {pid} does not show ret_from_fork and user registers: {t[:3]}")
        if role == "userspin" and fmt.startswith("qemu") or role == "userspin" and fmt.startswith("mdf"):
            # CPU stopped by the panic's IPI while it ran this user loop: the IPI entry, user registers last
            t = traces(out.get("bt -a")).get(pid, [])
            expect(any("asm_sysvec_reboot" in l for l in t) and any("CS: 0033" in l for l in t[-2:])
                   and not any(l.startswith("bt:") for l in t),
                   f"bt -a: the user-mode CPU's pid {pid} does not end at its user registers: {t[:4]}")


def check_recoded(args, row, commands, results, rep):
    """A snappy-recoded copy of a zlib kdump must read exactly like the original."""
    tool = args.recode or os.path.join(os.path.dirname(os.path.abspath(args.kdive)), "tests", "tools", "kdump-recode")
    if not os.path.exists(tool):
        rep.fail(f"{row['id']}: no kdump-recode tool at {tool} (make check builds it)")
        return
    derived = os.path.join(lab_dir(), "..", "derived")
    os.makedirs(derived, exist_ok=True)
    out = os.path.join(derived, row["id"] + "-snappy.kdump")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(row["dump"]):
        subprocess.run([tool, "-c", "snappy", row["dump"], out + ".tmp"], check=True)
        os.replace(out + ".tmp", out)
    extra = ["rd -p 100000 512", "rd -p 1000000 512", "rd -8 -p 2000000 256"]
    with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
        p, outs = run_kdive(args.kdive, row["vmlinux"], out, commands + extra, work, args.timeout)
        os.makedirs(os.path.join(work, "zlib"))
        _, base = run_kdive(args.kdive, row["vmlinux"], row["dump"], extra, os.path.join(work, "zlib"), args.timeout)
    if any(mark in p.stderr for mark in SANITIZER_MARKS) or p.returncode < 0:
        rep.fail(f"{row['id']} (snappy): kdive crashed or a sanitizer reported:\n{p.stderr[-3000:]}")
        return
    # compared by position: a command may run twice in different contexts (set PID ... set -p)
    for cmd, got, w in zip(commands + extra, outs, list(results) + base):
        if w is None:
            continue
        strip = lambda t: re.sub(r"^( *DUMPFILE: )\S+", r"\1", t or "", flags=re.M)
        if normalise(strip(got)) == normalise(strip(w)):
            rep.ok()
        else:
            rep.fail(f"{row['id']}: `{cmd}` on the snappy-recoded copy differs from the zlib original")


def check_extension(args, row, rep):
    """The example module loads with extend and its command runs through the public API."""
    so = os.path.join(os.path.dirname(os.path.abspath(args.kdive)), "extensions", "hello.so")
    if not os.path.exists(so):
        rep.fail(f"no example extension at {so} (make check builds it)")
        return
    with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
        p, outs = run_kdive(args.kdive, row["vmlinux"], row["dump"], [f"extend {so}", "hello"], work, args.timeout)
    ok = outs[0] and "shared object loaded" in outs[0] and outs[1] and "Linux version" in outs[1] and p.returncode == 0
    rep.ok() if ok else rep.fail(f"extend/hello failed: {outs} {p.stderr[-500:]}")


def check_mismatch(args, rows, rep):
    """A vmlinux of another release is refused, naming both versions."""
    dump = next((r for r in rows if r["kernel"] == "bookworm"), None)
    other = next((r for r in rows if r["kernel"] != "bookworm"), None)
    if not dump or not other:
        return
    p = subprocess.run([args.kdive, "-s", other["vmlinux"], dump["dump"]], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=args.timeout)
    with open(other["facts"]) as f:
        want = json.load(f).get("release", "")
    with open(dump["facts"]) as f:
        have = json.load(f).get("release", "")
    ok = p.returncode == 1 and "do not match" in p.stderr and want in p.stderr and have in p.stderr and len(p.stderr.splitlines()) == 1
    rep.ok() if ok else rep.fail(f"mismatched vmlinux not refused with one clear line: rc {p.returncode}: {p.stderr.strip()[:300]}")


def check_refs(rows, only):
    """--check-refs: the facts checks of lab_checks on crash 8.0.6's references instead of
    kdive's output, proving them (and that every dump has the references they need)."""
    rep = Report()
    for problem in lab_checks.selftest():
        rep.fail(problem)
    n = 0
    for row in rows:
        did = row["id"]
        if only and not fnmatch.fnmatch(did, only):
            continue
        if not row.get("facts") or not os.path.exists(row["facts"]):
            continue
        with open(row["facts"]) as f:
            facts = json.load(f)
        refdir = row["refdir"]
        index = {}
        try:
            with open(os.path.join(refdir, "index")) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t", 2)
                    if len(parts) == 3:
                        index.setdefault(parts[2], os.path.join(refdir, parts[0] + ".out"))
        except FileNotFoundError:
            pass
        out = {}
        for _, cmd in lab_checks.commands(facts, list(index)):
            if cmd in index:
                with open(index[cmd], errors="replace") as f:
                    out[cmd] = f.read()
            else:
                rep.fail(f"{did}: no crash reference of `{cmd}`")
        if lab_checks.role(facts, "waiter") and not lab_checks.waitq_command(list(index)):
            rep.fail(f"{did}: no crash reference of the blocked reader's waitq")
        n += 1
        lab_checks.check(out, facts, lambda cond, what: rep.ok() if cond else rep.fail(f"{did}: {what}"), list(index))
    for f in rep.failures:
        print("FAIL:", f)
    print(f"check-refs: {n} dumps, {rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed or rep.passed == 0 else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kdive")
    ap.add_argument("--only", help="glob of dump ids")
    ap.add_argument("--show-diff", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--recode", help="kdump-recode tool (default: beside kdive in tests/tools)")
    ap.add_argument("--check-refs", action="store_true",
                    help="run the workload's facts checks (lab_checks) on crash's references, not kdive")
    args = ap.parse_args()
    lab = lab_dir()
    rows = read_manifest(lab)
    if args.check_refs:
        return check_refs(rows, args.only)
    if not args.kdive:
        ap.error("--kdive is required (unless --check-refs)")
    patterns = read_patterns("commands")
    allow = read_allow_list()
    rep = Report()
    for problem in allow_rules.selftest() + lab_checks.selftest():
        rep.fail(problem)
    if not rep.failed:
        rep.ok()
    parity = defaultdict(lambda: [0, 0])  # command word -> [equal, compared]
    notes = set()  # checks skipped, said once at the end
    # the untouched-dump check (untouched.py): every lab input as it was before, compared at the end
    inputs_before = untouched.snapshot([r[k] for r in rows for k in ("dump", "vmlinux")])
    if not untouched.strace_available() and not untouched.sanitized(args.kdive):
        rep.fail("strace is not installed (scripts/deps): kdive's read-only opens of the dumps are not proved")
    for problem in untouched.selftest():
        rep.fail(problem)
    if not args.only and rows:
        check_extension(args, rows[0], rep)
        check_mismatch(args, rows, rep)
    for row in rows:
        did = row["id"]
        if args.only and not fnmatch.fnmatch(did, args.only):
            continue
        refdir = row["refdir"]
        refs = []
        if os.path.isdir(refdir):
            lost = False  # crash's session took a context command kdive does not run
            for name in crash_order(refdir):
                with open(os.path.join(refdir, name)) as f:
                    cmd = f.readline().strip()
                if re.fullmatch(CONTEXT_CMDS, cmd) and not supported(cmd, patterns):
                    lost = True
                    notes.add(f"`{cmd.split()[0]} {cmd.split()[1]}` is not run by kdive yet: the references after it "
                              "(crash's session with that context) are not compared")
                if supported(cmd, patterns) and not lost:
                    refs.append((cmd, os.path.join(refdir, name[:-4] + ".out")))
        facts = {}
        if row.get("facts") and os.path.exists(row["facts"]):
            with open(row["facts"]) as f:
                facts = json.load(f)
        # the references in crash's session order, then the facts' commands as their own
        # block: they set their own context (set PID ... set -p), so none is dropped as a
        # duplicate of a reference run in another context
        commands = [c for c, _ in refs]
        refcmds = ref_commands(refdir)
        facts_cmds = fact_commands(facts, row["format"], refcmds)
        commands += facts_cmds
        with tempfile.TemporaryDirectory(prefix="kdive-e2e-") as work:
            trace = os.path.join(work, "strace.log") if untouched.traceable(args.kdive) else None
            try:
                p, outs = run_kdive(args.kdive, row["vmlinux"], row["dump"], commands, work, args.timeout, trace)
            except subprocess.TimeoutExpired:
                rep.fail(f"{did}: kdive timed out")
                continue
            if trace:
                bad, opens = untouched.refusals(trace, [row["dump"], row["vmlinux"]], os.getcwd())
            else:
                bad, opens = untouched.probe_refusals(p.stderr, [row["dump"], row["vmlinux"]])
                p.stderr = "".join(x for x in p.stderr.splitlines(True) if not x.startswith(("@@fd ", "@@map ")))
            for b in bad:
                rep.fail(f"{did}: kdive touched an input other than by reading it: {b}")
            if not opens[row["dump"]]:
                rep.fail(f"{did}: " + ("the strace log shows no read-only open of the dump" if trace else
                                       "the probe at the end of the session saw no descriptor or mapping of the dump"))
            if not bad and opens[row["dump"]]:
                rep.ok()
        if any(mark in p.stderr for mark in SANITIZER_MARKS) or p.returncode < 0:
            rep.fail(f"{did}: kdive crashed or a sanitizer reported (exit {p.returncode}):\n{p.stderr[-3000:]}")
            continue
        if outs and all(o is None for o in outs):
            rep.fail(f"{did}: kdive did not open the dump: {p.stderr.strip()[:500]}")
            continue
        facts_out = dict(zip(facts_cmds, outs[len(refs):]))
        dump_facts = DumpFacts(args.kdive, row, args.timeout)
        # compared by position: a command may be a reference twice in different contexts
        # (sym NAME before and after mod -S, a command under set PID and after set -p)
        for (cmd, refout), got_text in zip(refs, outs[:len(refs)]):
            word = parity_key(cmd)
            with open(refout, errors="replace") as f:
                want = normalise(f.read())
            got = normalise(got_text or "")
            if cmd.split()[0] in ("p", "px", "pd", "print") or cmd.startswith("p/"):
                want, got = (re.sub(r"\$\d+ = ", "$N = ", t) for t in (want, got))
            parity[word][1] += 1
            if got == want:
                parity[word][0] += 1
                rep.ok()
                continue
            rules = [r for c, d, r, _ in allow if fnmatch.fnmatch(cmd, c) and fnmatch.fnmatch(did, d)]
            used = set()
            if rules and allow_rules.explained(rules, want, got, dump_facts, used):
                rep.allowed += 1
                for r in used:
                    rep.rules[r] += 1
                continue
            msg = f"{did}: `{cmd}` differs from crash 8.0.6"
            if args.show_diff:
                import difflib
                diff = "\n".join(list(difflib.unified_diff(want.split("\n"), got.split("\n"), "crash", "kdive", lineterm=""))[:40])
                msg += "\n" + diff
            rep.fail(msg)
        if facts:
            check_facts(facts_out, facts, rep, did, row["format"], p.stderr, notes, refcmds)
        if row["format"] == "mdf-zlib":
            check_recoded(args, row, commands, outs, rep)
    print("\nparity with crash 8.0.6 (dumps with equal output / dumps compared):")
    for word in sorted(parity):
        eq, n = parity[word]
        print(f"  {word:<28} {eq:>3} / {n:<3}")
    if rep.allowed:
        print(f"  ({rep.allowed} known differences, each proved by a rule of tests/e2e/allow-list: "
              + ", ".join(f"{r} {n}" for r, n in sorted(rep.rules.items())) + ")")
    for n in sorted(notes):
        print("note:", n)
    touched = untouched.changed(inputs_before, untouched.snapshot(inputs_before))
    for line in touched:
        rep.fail(line)
    if not touched:
        print(f"untouched: {len(inputs_before)} lab dumps and vmlinux files unchanged (size, inode, mtime, ctime, "
              "mode, sampled SHA-256); " + ("each dump's kdive session, run under strace, opened it read-only"
                                            if untouched.traceable(args.kdive) else
                                            "each dump's kdive session held it read-only (descriptors and mappings, "
                                            "untouched.PROBE: LeakSanitizer cannot run under strace)"))
    for f in rep.failures:
        print("FAIL:", f)
    print(f"e2e: {rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed or (rep.passed == 0) else 0


if __name__ == "__main__":
    sys.exit(main())
