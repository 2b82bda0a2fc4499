#!/usr/bin/env python3
"""kdive --report on every lab dump (issue 13), in all three formats.

For each dump of the manifest: the report names the classification (sysrq-triggered for the
lab's sysrq panics), and the panic task and CPU of the boot's facts.json; the JSON document
validates against doc/json-schema/envelope.json and doc/report-schema.json, and the command
results it embeds against the commands' own schemas; the report's sys fields, panic backtrace
(bt -l) and kmem -i figures equal the commands' own output, in the text and markdown reports
verbatim and in the JSON one field by field; the text report fits 80 columns outside those
outputs; the dumps of one boot, and the kaslr, nokaslr, kdump and novmcoreinfo boots of one
kernel, share one crash signature. The lab's panic boots ($LAB/panics/<kernel>-<kind>:
a NULL pointer dereference in a module, a soft lockup, a panic on out of memory; boot.sh's
"panic" boot) get the same checks, and their reports name their own classification, the
faulting address and function, the locked-up CPU's task, the OOM killer's earlier victim.
Then two damaged copies of a dump (cut to 1 MiB, and a
kdump file cut short) still get a report: a document with an error rather than no output.
Ends with "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import SANITIZER_MARKS, lab_dir, read_manifest  # noqa: E402
from json_check import errors_of, load_schemas, validator  # noqa: E402

import jsonschema  # noqa: E402,F401

SAME_SIGNATURE_BOOTS = ("kaslr", "nokaslr", "kdump", "novmcoreinfo")
# the panic boots' kinds (tests/lab/panics/panic-init) and the classification each must get
PANIC_KINDS = {"oops": "null-pointer-dereference", "softlockup": "soft-lockup", "oom": "out-of-memory",
               "hung": "hung-task"}


def panic_rows(lab):
    """Rows like the manifest's for the panic boots in $LAB/panics/ (no makedumpfile variants)."""
    rows = []
    top = os.path.join(lab, "panics")
    for d in sorted(os.listdir(top)) if os.path.isdir(top) else []:
        kernel, _, kind = d.partition("-")
        facts = os.path.join(top, d, "facts.json")
        if kind in PANIC_KINDS and os.path.exists(facts):
            rows.append({"id": f"{d}-qemu-elf", "kernel": kernel, "boot": "panic-" + kind, "format": "qemu-elf",
                         "dump": os.path.join(top, d, "qemu.elf"), "facts": facts,
                         "vmlinux": os.path.join(lab, "kernels", kernel, "vmlinux")})
    return rows


def panic_kind_checks(check, facts, pan, res):
    """What a panic boot's report must say of its own kind of panic."""
    kind = facts["panic_kind"]
    if kind == "oops":
        check(pan.get("address") == "0x0000000000000010", f"oops: faulting address {pan.get('address')}, want 0x10")
        check((pan.get("rip_symbol") or "").startswith("kdive_crashme_null+"), f"oops: RIP symbol {pan.get('rip_symbol')!r}")
        check("NULL pointer dereference" in (pan.get("evidence") or ""), f"oops: log line {pan.get('evidence')!r}")
    elif kind == "softlockup":
        want = f"soft lockup - CPU#{facts['panic_cpu']} stuck"
        check(want in (pan.get("evidence") or ""), f"softlockup: log line {pan.get('evidence')!r}, want {want!r}")
        check(pan.get("message_task") == f"{facts['panic_comm']}:{facts['panic_pid']}",
              f"softlockup: named task {pan.get('message_task')!r}")
    elif kind == "oom":
        v = pan.get("oom_victim") or {}
        check(v.get("pid") == facts["oom_victim"]["pid"] and v.get("comm") == facts["oom_victim"]["comm"],
              f"oom: victim {v}, facts {facts['oom_victim']}")
    elif kind == "hung":
        # the three D-state shells share one stack: one group, the first (the largest)
        want = sorted(facts["dstate"]["pids"])
        groups = (res.get("blocked") or {}).get("groups") or []
        g = groups[0] if groups else {}
        pids = sorted(t.get("pid") for t in g.get("tasks", []))
        check(pids == want or set(want) <= set(pids), f"hung: the first D-state group has {pids}, want {want}")
        check("msleep < kdive_crashme_" in (g.get("stack") or ""), f"hung: the group's stack {g.get('stack')!r}")
        # khungtaskd panicked only after each was blocked timeout_s: the report's figure
        # (the task's CPU clock minus its last arrival) is at least that
        ns = [t.get("blocked_ns") for t in g.get("tasks", []) if t.get("pid") in want]
        check(ns and all(n is not None and n >= facts["dstate"]["timeout_s"] * 10**9 for n in ns),
              f"hung: blocked for {ns} ns, at least {facts['dstate']['timeout_s']} s each")


def report(kdive, row, fmt, dump=None):
    p = subprocess.run([kdive, "--report", "--format", fmt, row["vmlinux"], dump or row["dump"]], text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p


def commands(kdive, row, lines):
    p = subprocess.run([kdive, "-s", row["vmlinux"], row["dump"]], input="".join(line + "\n" for line in lines), text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.stdout


def one_dump(args, row, store):
    """The checks of one dump: a list of (ok, what) and its signature."""
    out = []

    def check(cond, what):
        out.append((bool(cond), f"{row['id']}: {what}"))

    with open(row["facts"]) as f:
        facts = json.load(f)
    runs = {fmt: report(args.kdive, row, fmt) for fmt in ("text", "markdown", "json")}
    for fmt, p in runs.items():
        check(p.returncode == 0, f"--report --format {fmt} exits 0 ({p.returncode}: {p.stderr[-300:]})")
        check(not any(m in p.stderr for m in SANITIZER_MARKS), f"--format {fmt}: no sanitizer report")
    # JSON: the envelope, the report's schema, the embedded results' schemas
    sig = None
    try:
        doc = json.loads(runs["json"].stdout)
    except ValueError as e:
        check(False, f"JSON report is not JSON ({e})")
        return out, None
    envelope = validator(store, "envelope")
    rs = validator(store, "report")
    check(not errors_of(envelope, doc), f"envelope: {errors_of(envelope, doc)[:3]}")
    res = doc.get("result") or {}
    check(not errors_of(rs, res), f"report-schema.json: {errors_of(rs, res)[:3]}")
    check(res.get("failed_sections") == 0, f"no section failed ({res.get('failed_sections')})")

    def embedded(obj, schema, what):
        if not isinstance(obj, dict):
            check(False, f"{what}: embedded {schema} result missing")
            return {}
        body = {k: v for k, v in obj.items() if k != "command"}
        errs = errors_of(validator(store, schema), body)
        check(not errs, f"{what}: {schema}.json: {errs[:3]}")
        return body

    jsys = embedded((res.get("identity") or {}).get("sys"), "sys", "identity.sys")
    jbt = embedded((res.get("backtrace") or {}).get("bt"), "bt", "backtrace.bt")
    jkm = embedded((res.get("memory") or {}).get("kmem_i"), "kmem-i", "memory.kmem_i")
    for c in (res.get("other_cpus") or {}).get("cpus", []):
        embedded(c.get("bt"), "bt", f"other_cpus[{c.get('cpu')}].bt")
    pan = res.get("panic") or {}
    want_kind = "sysrq-triggered" if "sysrq" in facts.get("panic_message", "") else None
    if "panic_kind" in facts:
        want_kind = PANIC_KINDS[facts["panic_kind"]]
        panic_kind_checks(check, facts, pan, res)
    if want_kind:
        check(pan.get("classification") == want_kind, f"classification {pan.get('classification')}, want {want_kind}")
    else:
        check(pan.get("classification") not in (None, "unknown"), f"classification {pan.get('classification')}")
    task = pan.get("task") or {}
    check(task.get("pid") == facts["panic_pid"] and task.get("comm") == facts["panic_comm"],
          f"panic task {task.get('pid')} {task.get('comm')}, facts {facts['panic_pid']} {facts['panic_comm']}")
    check(pan.get("cpu") == facts["panic_cpu"], f"panic CPU {pan.get('cpu')}, facts {facts['panic_cpu']}")
    check(facts.get("panic_message", "") in (pan.get("panic_string") or ""), f"panic string {pan.get('panic_string')!r}")
    sig = (res.get("signature") or {}).get("signature")
    check(sig and re.fullmatch(r"[0-9a-f]{16}", sig), f"signature {sig!r}")
    # the commands' own output
    pid = facts["panic_pid"]
    ptask = task.get("task", "0x0")[2:]
    cmd_out = commands(args.kdive, row, ["sys", f"bt -l {ptask}", "kmem -i", "bt -a"])
    parts = re.split(r"(?m)^(?=PID: )", cmd_out, maxsplit=1)
    sys_text = parts[0]
    rest = parts[1] if len(parts) > 1 else ""
    km_at = rest.find("                 PAGES")
    bt_text = rest[:km_at]
    km_end = rest.find("\nPID: ", km_at)
    km_text = rest[km_at:km_end + 1] if km_end > 0 else rest[km_at:]
    check(sys_text.strip() and bt_text.strip() and km_text.strip(), "sys, bt -l and kmem -i gave output")
    for fmt in ("text", "markdown"):
        body = runs[fmt].stdout
        check(sys_text in body, f"{fmt}: the sys output, verbatim")
        check(bt_text in body, f"{fmt}: the panic task's bt -l {ptask} (PID {pid}), verbatim")
        check(km_text in body, f"{fmt}: the kmem -i output, verbatim")
    md = runs["markdown"].stdout
    check(md.startswith("# kdive report") and "\n## Panic\n" in md and md.count("```") % 2 == 0,
          "markdown: a title, sections, balanced fences")
    # text: 80 columns, except inside the commands' own outputs (shown unchanged)
    verbatim = set(cmd_out.splitlines())
    wide = [line for line in runs["text"].stdout.splitlines() if len(line) > 80 and line not in verbatim]
    check(not wide, f"text fits 80 columns ({wide[:2]})")
    # JSON field by field
    for label, key in (("RELEASE", "release"), ("TASKS", "tasks"), ("NODENAME", "nodename")):
        m = re.search(r"^\s*" + label + r": (.*)$", sys_text, re.M)
        check(m and str(jsys.get(key)) == m.group(1).strip(), f"json sys.{key} {jsys.get(key)!r} is the text's")
    text_frames = re.findall(r"^\s*#\d+ \[[0-9a-f ]+\] (\S+) at ", bt_text, re.M)
    json_frames = [f.get("function") or "(unknown)" for t in jbt.get("tasks", []) for f in t.get("frames") or []]
    check(text_frames and text_frames == json_frames, f"json panic backtrace has bt's frames ({json_frames[:3]} / {text_frames[:3]})")
    for label, key in (("TOTAL MEM", "total_mem"), ("FREE", "free"), ("USED", "used"), ("SLAB", "slab"), ("COMMITTED", "committed")):
        m = re.search(r"^\s*" + label + r"\s+(\d+)", km_text, re.M)
        check(m and (jkm.get(key) or {}).get("pages") == int(m.group(1)), f"json kmem -i {key} is the text's")
    # other active CPUs: bt -a's tasks other than the panic task
    bta = cmd_out[cmd_out.find("\nPID: ", cmd_out.find("COMMITTED")) + 1:]
    others = [int(m.group(1)) for m in re.finditer(r"^PID: (\d+) .*CPU: (\d+)", bta, re.M) if int(m.group(2)) != facts["panic_cpu"]]
    jothers = [t["pid"] for c in (res.get("other_cpus") or {}).get("cpus", []) for t in (c.get("bt") or {}).get("tasks", [])]
    check(others == jothers, f"other CPUs' tasks {jothers}, bt -a's {others}")
    # the commands to type next: each once, and each runs on this dump without an error
    nxt = [c.get("command") for c in (res.get("next") or {}).get("commands", [])]
    check(nxt and len(nxt) == len(set(nxt)), f"next commands, each once: {nxt}")
    if nxt:
        p = subprocess.run([args.kdive, "-s", row["vmlinux"], row["dump"]], input="".join(c + "\n" for c in nxt),
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        check(p.returncode == 0 and not p.stderr.strip(), f"next commands {nxt} run cleanly: {p.stderr.strip()[-300:]!r}")
    return out, sig


def damaged(args, rows, store, check):
    """A dump cut to 1 MiB (cannot be opened) and a kdump file cut short: still a report."""
    elf = next((r for r in rows if r["format"] == "qemu-elf"), None)
    kd = next((r for r in rows if r["format"] == "mdf-zlib"), None)
    envelope = validator(store, "envelope")
    rs = validator(store, "report")
    with tempfile.TemporaryDirectory(prefix="kdive-report-") as tmp:
        cases = []
        if elf:
            path = os.path.join(tmp, "cut.elf")
            with open(elf["dump"], "rb") as f, open(path, "wb") as g:
                g.write(f.read(1 << 20))
            cases.append((elf, path, True))
        if kd:
            path = os.path.join(tmp, "short.kdump")
            size = os.path.getsize(kd["dump"])
            with open(kd["dump"], "rb") as f, open(path, "wb") as g:
                g.write(f.read(size * 9 // 10))
            cases.append((kd, path, False))
        for row, path, fatal in cases:
            for fmt in ("text", "markdown", "json"):
                p = report(args.kdive, row, fmt, path)
                what = f"damaged {os.path.basename(path)} --format {fmt}"
                check(p.stdout.strip(), f"{what}: a report, not no output")
                check(not any(m in p.stderr for m in SANITIZER_MARKS), f"{what}: no sanitizer report")
                if fatal:
                    check(p.returncode == 1 and "error" in p.stdout, f"{what}: exit 1 and an error in the report")
                if fmt == "json":
                    try:
                        doc = json.loads(p.stdout)
                    except ValueError as e:
                        check(False, f"{what}: not JSON ({e})")
                        continue
                    check(not errors_of(envelope, doc) and not errors_of(rs, doc.get("result") or {}),
                          f"{what}: valid against the schemas")
                    if fatal:
                        check(doc["status"] == 1 and doc["result"].get("error"), f"{what}: status 1 and an error member")
    # -o never overwrites an input
    if elf:
        p = subprocess.run([args.kdive, "--report", "-o", elf["dump"], elf["vmlinux"], elf["dump"]], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        check(p.returncode == 1 and "not overwritten" in p.stderr, f"-o onto the dump is refused ({p.stderr.strip()})")
        with tempfile.TemporaryDirectory(prefix="kdive-report-") as tmp:
            out = os.path.join(tmp, "r.md")
            p = subprocess.run([args.kdive, "--report", "--format", "markdown", "-o", out, elf["vmlinux"], elf["dump"]],
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            check(p.returncode == 0 and not p.stdout and os.path.exists(out) and open(out).read().startswith("# kdive report"),
                  "-o FILE holds the report")
        # the report command prints the same as --report, in each format
        for fmt in ("text", "markdown", "json"):
            p = subprocess.run([args.kdive, "-s", elf["vmlinux"], elf["dump"]], input=f"report -f {fmt}\n", text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            check(p.returncode == 0 and p.stdout == report(args.kdive, elf, fmt).stdout,
                  f"report -f {fmt} in the shell prints what --report --format {fmt} does")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--only", help="dump ids (fnmatch)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    store = load_schemas()
    with open(os.path.join(TOP, "doc", "report-schema.json")) as f:
        store["report"] = json.load(f)
    prows = panic_rows(lab_dir())
    kernels = sorted({r["kernel"] for r in read_manifest(lab_dir()) if r["kernel"] != "rt"})
    for k in kernels:  # (guest-all.sh makes them; a cached kernel too old for the archive's headers has none)
        for kind in PANIC_KINDS:
            if not any(r["kernel"] == k and r["boot"] == "panic-" + kind for r in prows):
                print(f"WARNING: no {k} {kind} panic boot in {lab_dir()}/panics (tests/lab/guest-all.sh makes it)", flush=True)
    rows = read_manifest(lab_dir()) + prows
    if args.only:
        rows = [r for r in rows if fnmatch.fnmatch(r["id"], args.only)]
    passed, failed = 0, []

    def check(cond, what):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failed.append(what)
            print("FAIL:", what, flush=True)

    missing = [r for r in rows if not os.path.exists(r["dump"])]
    for r in missing:
        print(f"SKIP: {r['id']}: {r['dump']} is missing (the lab is being rebuilt?)", flush=True)
    rows = [r for r in rows if r not in missing]
    sigs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for row, (res, sig) in zip(rows, ex.map(lambda r: one_dump(args, r, store), rows)):
            for ok, what in res:
                check(ok, what)
            sigs[row["id"]] = (row["kernel"], row["boot"], sig)
    by_boot, by_kernel = {}, {}
    for did, (kernel, boot, sig) in sigs.items():
        by_boot.setdefault((kernel, boot), set()).add(sig)
        if boot in SAME_SIGNATURE_BOOTS:
            by_kernel.setdefault(kernel, {})[did] = sig
    for (kernel, boot), s in sorted(by_boot.items()):
        check(len(s) == 1, f"{kernel}-{boot}: the boot's dumps share one signature ({sorted(map(str, s))})")
    for kernel, d in sorted(by_kernel.items()):
        check(len(set(d.values())) == 1, f"{kernel}: its {', '.join(SAME_SIGNATURE_BOOTS)} boots share one signature ({d})")
    damaged(args, rows, store, check)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
