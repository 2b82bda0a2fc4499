#!/usr/bin/env python3
"""Dumps without a vmlinux (issue 14): `kdive --identify` and `kdive --log` on every lab dump.

--identify (one run over every dump of manifest.tsv, in text and in --json) must agree with
the workload's facts (release, CPU count, whether the dump has VMCOREINFO, the panic message)
and with what the manifest says of the format (ELF or kdump, flattened, QEMU's CPU state, the
compression in the format's name); the JSON document must validate against
doc/json-schema/identify.json and the envelope. --log must print what crash 8.0.6's `log`
printed on the dump (ref/<dump-id>/log.out, compared as run.py compares `log`, with its
allow-list) on every dump with VMCOREINFO, and on those without say why it cannot, in one
line, exit 1. A file that is no dump and a few dumps of the corrupt-dump suite give a
one-line reason (or their facts), never a crash, and the run goes on to the next file.
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import SANITIZER_MARKS, lab_dir, normalise, read_allow_list, read_manifest  # noqa: E402
from json_check import errors_of, load_schemas, validator  # noqa: E402
from extensions import Checks  # noqa: E402

# the corrupt-dump suite's files: every one (about 113, a few seconds in all)
CORRUPT_EXT = (".elf", ".kdump", ".flat")


def run(kdive, args, timeout=300):
    p = subprocess.run([kdive] + args, capture_output=True, text=True, errors="replace", timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--only", help="dump ids (fnmatch)")
    ap.add_argument("--show-diff", action="store_true")
    args = ap.parse_args()
    lab = lab_dir()
    rows = read_manifest(lab)
    if args.only:
        rows = [r for r in rows if fnmatch.fnmatch(r["id"], args.only)]
    c = Checks()
    check = c.check

    def sane(did, rc, err):
        return check(rc >= 0 and not any(m in err for m in SANITIZER_MARKS),
                     f"{did}: kdive crashed or a sanitizer reported (exit {rc}): {err[-2000:]}")

    facts = {}
    for r in rows:
        with open(r["facts"]) as f:
            facts[r["id"]] = json.load(f)
        # the QEMU boots' facts say whether QEMU was given VMCOREINFO; the kdump boots' do not:
        # the kexec'd kernel's /proc/vmcore always carries it
        facts[r["id"]].setdefault("vmcoreinfo", True)

    # --identify, text: one line per dump, in the order given
    with tempfile.TemporaryDirectory(prefix="kdive-identify-") as work:
        notdump = os.path.join(work, "not-a-dump.txt")
        with open(notdump, "w") as f:
            f.write("hello\n" * 100)
        paths = [r["dump"] for r in rows] + [notdump]
        rc, out, err = run(args.kdive, ["--identify"] + paths)
        sane("--identify", rc, err)
        lines = out.rstrip("\n").split("\n")
        check(len(lines) == len(paths), f"--identify: {len(lines)} lines for {len(paths)} files")
        check(rc == 1, f"--identify: exit {rc} with a non-dump among the files (want 1)")
        for r, line in zip(rows, lines):
            did, fx, fmt = r["id"], facts[r["id"]], r["format"]
            check(line.startswith(r["dump"] + ": "), f"{did}: line names another file: {line[:200]}")
            check(" error: " not in line, f"{did}: {line}")
            check(f"{fx['nr_cpus']} CPUs" in line, f"{did}: CPU count not {fx['nr_cpus']}: {line}")
            check(("VMCOREINFO yes" if fx["vmcoreinfo"] else "VMCOREINFO no") in line, f"{did}: VMCOREINFO: {line}")
            if fx["vmcoreinfo"]:
                check(f"release {fx['release']}," in line, f"{did}: release not {fx['release']}: {line}")
                check(f'panic "{fx["panic_message"]}"' in line, f"{did}: panic not {fx['panic_message']!r}: {line}")
            else:
                # a kdump header's utsname may still name the release (QEMU's leaves it empty)
                check(("release unknown" in line or f"release {fx['release']}," in line) and "panic unknown" in line,
                      f"{did}: no VMCOREINFO, yet: {line}")
            elf = fmt.endswith("elf")
            check(("ELF vmcore" in line) == elf and ("kdump compressed" in line) == (not elf),
                  f"{did}: format {fmt}: {line}")
            check(("flattened" in line) == fmt.endswith("-flat"), f"{did}: flattened? {fmt}: {line}")
            if fmt.startswith("qemu-"):
                check("(QEMU dump-guest-memory)" in line, f"{did}: QEMU's dump: {line}")
            for codec in ("zlib", "lzo", "zstd"):
                if codec in fmt:
                    check(f"compression none+{codec}," in line or f"compression {codec}," in line,
                          f"{did}: compression {codec}: {line}")
            if fmt == "mdf-raw":
                check("compression none," in line, f"{did}: raw pages: {line}")
        check(len(lines) > len(rows) and lines[len(rows)] == f"{notdump}: error: not a dump (no ELF core or kdump header)",
              f"--identify: the non-dump's line: {lines[len(rows)] if len(lines) > len(rows) else None}")

        # --identify --json: one document, valid, saying the same
        store = load_schemas()
        rc, out, err = run(args.kdive, ["--identify", "--json"] + paths)
        sane("--identify --json", rc, err)
        docs = out.strip().split("\n")
        if check(len(docs) == 1, f"--identify --json: {len(docs)} documents"):
            doc = json.loads(docs[0])
            for v, what, obj in ((validator(store, "envelope"), "envelope", doc),
                                 (validator(store, "identify"), "identify.json", doc.get("result"))):
                errs = errors_of(v, obj)
                check(not errs, f"--identify --json: not valid against {what}: {errs[:5]}")
            res = doc.get("result") or {}
            check(doc.get("status") == 1 and res.get("failed") == 1, f"--identify --json: status/failed: {docs[0][-300:]}")
            items = res.get("dumps", [])
            check(len(items) == len(paths), f"--identify --json: {len(items)} items for {len(paths)} files")
            for r, it in zip(rows, items):
                did, fx, fmt = r["id"], facts[r["id"]], r["format"]
                check(it.get("path") == r["dump"] and "error" not in it, f"{did}: json item: {it}")
                check(it.get("cpus") == fx["nr_cpus"], f"{did}: json cpus {it.get('cpus')}")
                check(it.get("vmcoreinfo") == fx["vmcoreinfo"], f"{did}: json vmcoreinfo {it.get('vmcoreinfo')}")
                check(it.get("release") in ((fx["release"],) if fx["vmcoreinfo"] else (None, fx["release"])),
                      f"{did}: json release {it.get('release')}")
                check(it.get("panic") == (fx["panic_message"] if fx["vmcoreinfo"] else None), f"{did}: json panic {it.get('panic')}")
                check(it.get("format") == ("elf" if fmt.endswith("elf") else "kdump"), f"{did}: json format {it.get('format')}")
                check(it.get("flattened") == fmt.endswith("-flat"), f"{did}: json flattened {it.get('flattened')}")
                check(it.get("arch") == fx["machine"] and it.get("page_size") == 4096, f"{did}: json arch/page size {it}")
                for codec in ("zlib", "lzo", "zstd"):
                    if codec in fmt:
                        check(codec in it.get("compression", []), f"{did}: json compression {it.get('compression')}")
            if len(items) > len(rows):
                check(items[len(rows)].get("error", "").startswith("not a dump"), f"--identify --json: the non-dump: {items[len(rows)]}")

        # --log: crash's log on every dump with VMCOREINFO, one line of why on the others
        allow = [(c, d, r, w) for c, d, r, w in read_allow_list() if fnmatch.fnmatch("log", c)]
        for r in rows:
            did, fx = r["id"], facts[r["id"]]
            rc, out, err = run(args.kdive, ["--log", r["dump"]])
            if not sane(did, rc, err):
                continue
            if not fx["vmcoreinfo"]:
                check(rc == 1 and out == "" and len(err.strip().split("\n")) == 1 and "no VMCOREINFO" in err,
                      f"{did}: --log without VMCOREINFO: exit {rc}, stdout {out[:100]!r}, stderr {err!r}")
                continue
            ref = os.path.join(r["refdir"], "log.out")
            with open(ref, errors="replace") as f:
                want = normalise(f.read())
            got = normalise(out)
            ok = got == want and rc == 0 and not err.strip()
            if not ok and got != want and allow:
                from run import DumpFacts
                import allow as allow_rules
                rules = [x for c, d, x, _ in allow if fnmatch.fnmatch(did, d)]
                ok = bool(rules) and rc == 0 and allow_rules.explained(rules, want, got, DumpFacts(args.kdive, r, 300), set())
            msg = f"{did}: --log differs from crash's log (exit {rc}, stderr {err.strip()[:300]!r})"
            if not ok and args.show_diff:
                import difflib
                msg += "\n" + "\n".join(list(difflib.unified_diff(want.split("\n"), got.split("\n"), "crash", "kdive", lineterm=""))[:40])
            check(ok, msg)
        rc, out, err = run(args.kdive, ["--log", notdump])
        check(rc == 1 and out == "" and len(err.strip().split("\n")) == 1, f"--log on a non-dump: exit {rc}, {err!r}")

    # the corrupt-dump suite: a reason in one line, or the facts, never a crash or a hang
    corrupt = sorted(os.path.join(lab, "corrupt", k, n) for k in sorted({r["kernel"] for r in rows})
                     if os.path.isdir(os.path.join(lab, "corrupt", k))
                     for n in os.listdir(os.path.join(lab, "corrupt", k)) if n.endswith(CORRUPT_EXT))
    if corrupt:
        rc, out, err = run(args.kdive, ["--identify"] + corrupt, timeout=600)
        if sane("corrupt suite: --identify", rc, err):
            lines = out.rstrip("\n").split("\n")
            check(len(lines) == len(corrupt), f"corrupt suite: --identify gave {len(lines)} lines for {len(corrupt)} files")
            for path, line in zip(corrupt, lines):
                check(line.startswith(path + ": ") and "\n" not in line, f"{path}: --identify's line: {line[:300]}")
            bad = sum(" error: " in line for line in lines)
            check((rc == 1) == (bad > 0), f"corrupt suite: --identify exit {rc} with {bad} unreadable files")
    for path in corrupt:
        did = os.path.relpath(path, os.path.join(lab, "corrupt"))
        rc, out, err = run(args.kdive, ["--log", path], timeout=120)
        if sane(did, rc, err):
            errs = [l for l in err.strip().split("\n") if l and not l.startswith("WARNING:")]
            check(len(errs) <= 1 and (rc == 0) == (not errs), f"{did}: --log: exit {rc}, errors {errs[:3]}")
    print(f"{c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
