#!/usr/bin/env python3
"""Triage of many dumps (issue 13, doc/triage.md): the GNU parallel recipe, kdive --group.

Runs the fenced block that doc/triage.md marks for it, as it is, with GNU parallel (-j2) over
every dump of the lab's manifest and its panic boots ($LAB/panics/, as report.py finds them;
each dump with its kernel's vmlinux), the file-level corrupt and
truncated dumps of the corrupt-dump suite ($LAB/corrupt/, the ones that cannot be opened, and
two cut at 99 % that can), one file that is not a dump, a dump given the other kernel's vmlinux
and one given a vmlinux that does not exist; the first kernel's dumps are listed without their
vmlinux, which the recipe's VMLINUX names. Checks: every dump has a REPORT.json
valid against doc/json-schema/envelope.json and doc/report-schema.json, and a log; the dumps of
one boot, and the kaslr, nokaslr, kdump and novmcoreinfo boots of one kernel (all sysrq panics),
share a signature, and each panic boot (an oops, a soft lockup, ...) has a signature other than
the sysrq panics'; each broken dump's report has an error member, status 1 and exit status 1,
and parallel's exit status counts exactly those; then kdive --group on the reports' directory,
as text and as --json (against doc/json-schema/group.json): the counts add up to the number of
reports, each boot's dumps are in one row, the broken dumps in the error row, a file that is
not a report in the unreadable row (exit 1). Also parses the doc's Kubernetes Job as YAML and
runs its script and the Slurm script (after bash -n) for one dump each.
Ends with "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import SANITIZER_MARKS, lab_dir, read_manifest  # noqa: E402
from json_check import errors_of, load_schemas, validator  # noqa: E402
from report import SAME_SIGNATURE_BOOTS, panic_rows  # noqa: E402
from extensions import Checks  # noqa: E402

DOC = os.path.join(TOP, "doc", "triage.md")
MARK = "<!-- tests/e2e/triage.py extracts the next block and runs it as it is -->"
# corrupt-suite cases (file names under $LAB/corrupt/<kernel>/) whose dump cannot be opened
FATAL = ("elf-trunc-header.elf", "elf-trunc-phdrs.elf", "elf-trunc-half.elf", "elf-flip-ident-class.elf",
         "kdump-trunc-header.kdump", "kdump-trunc-bitmap.kdump", "kdump-flip-signature.kdump",
         "flat-trunc-header.flat", "flat-trunc-half.flat")
# ... and that can (the memory past the cut is missing): a complete report all the same
OPENS = ("elf-trunc-99pct.elf", "flat-trunc-99pct.flat")


def fenced_blocks(text):
    """(info string, body, offset) of each fenced block of a markdown text."""
    return [(m.group(1), m.group(2), m.start()) for m in re.finditer(r"(?ms)^```(\w*)\n(.*?)^```\s*$", text)]


def report_name(dump):
    """The recipe's name of a dump's report: its path, the leading slashes dropped, / as _."""
    return re.sub(r"^/+", "", dump).replace("/", "_")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="write the reports here (kept) instead of a temporary directory")
    args = ap.parse_args()
    kdive = os.path.abspath(args.kdive)
    c = Checks()
    check = c.check

    store = load_schemas()
    with open(os.path.join(TOP, "doc", "report-schema.json")) as f:
        store["report"] = json.load(f)
    envelope, rs, gs = validator(store, "envelope"), validator(store, "report"), validator(store, "group")
    with open(DOC) as f:
        doc = f.read()
    blocks = fenced_blocks(doc)
    at = doc.find(MARK)
    recipe = next((b for info, b, off in blocks if off > at), None) if at >= 0 else None
    check(recipe and "parallel" in recipe, "doc/triage.md marks a GNU parallel block for the test")
    if not recipe:
        print(f"{c.passed} passed, {len(c.failures)} failed")
        return 1
    if not shutil.which("parallel"):
        check(False, "GNU parallel is installed (scripts/deps: parallel)")
        print(f"{c.passed} passed, {len(c.failures)} failed")
        return 1

    lab = lab_dir()
    rows = [r for r in read_manifest(lab) + panic_rows(lab) if os.path.exists(r["dump"])]
    tmp = tempfile.mkdtemp(prefix="kdive-triage-")
    try:
        # the list: lab dumps, broken dumps, a file that is not a dump
        entries = [{"dump": r["dump"], "vmlinux": r["vmlinux"], "row": r, "fatal": False} for r in rows]
        for kernel in sorted({r["kernel"] for r in rows}):
            vml = os.path.join(lab, "kernels", kernel, "vmlinux")
            for name in FATAL + OPENS:
                path = os.path.join(lab, "corrupt", kernel, name)
                if os.path.exists(path):
                    entries.append({"dump": path, "vmlinux": vml, "row": None, "fatal": name in FATAL})
        notdump = os.path.join(tmp, "input", "not-a-dump.txt")
        os.makedirs(os.path.dirname(notdump))
        with open(notdump, "w") as f:
            f.write("this is a note, not a vmcore\n")
        entries.append({"dump": notdump, "vmlinux": rows[0]["vmlinux"] if rows else "", "row": None, "fatal": True})
        # a dump given the other kernel's vmlinux (refused: a report with the error), and one whose vmlinux is missing
        kernels = sorted({r["kernel"] for r in rows})
        if len(kernels) > 1:
            a = next(r for r in rows if r["kernel"] == kernels[0])
            b = next(r for r in rows if r["kernel"] == kernels[1])
            for name, vml in (("wrong-vmlinux.dump", b["vmlinux"]), ("no-vmlinux.dump", os.path.join(tmp, "nonexistent", "vmlinux"))):
                link = os.path.join(tmp, "input", name)
                os.symlink(a["dump"], link)
                entries.append({"dump": link, "vmlinux": vml, "row": None, "fatal": True})
        check(rows and sum(e["fatal"] for e in entries) > 4, f"{len(rows)} lab dumps and {sum(e['fatal'] for e in entries)} broken ones to report")
        # the first kernel's lab dumps listed without their vmlinux: the recipe's VMLINUX
        default_vmlinux = rows[0]["vmlinux"] if rows else ""
        dumps_txt = os.path.join(tmp, "input", "dumps.txt")
        with open(dumps_txt, "w") as f:
            for e in entries:
                alone = e["row"] is not None and e["vmlinux"] == default_vmlinux
                f.write(e["dump"] + ("\n" if alone else f"\t{e['vmlinux']}\n"))
        out = os.path.abspath(args.keep) if args.keep else os.path.join(tmp, "reports")
        if args.keep and os.path.isdir(out):
            shutil.rmtree(out)
        env = dict(os.environ, DUMPS=dumps_txt, VMLINUX=default_vmlinux, OUT=out, KDIVE=kdive, JOBS=str(args.jobs))
        p = subprocess.run(["bash", "-c", recipe], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600)
        nfatal = sum(e["fatal"] for e in entries)
        check(p.returncode == nfatal, f"parallel's exit status {p.returncode} is the number of dumps that cannot be opened ({nfatal}): {p.stderr[-300:]}")
        # the joblog: one run per line of the list, in order (Seq), each with kdive's exit status
        exitval = {}
        with open(os.path.join(out, "joblog.tsv")) as f:
            head = f.readline().rstrip("\n").split("\t")
            for line in f:
                cols = dict(zip(head, line.rstrip("\n").split("\t")))
                exitval[int(cols["Seq"])] = (int(cols["Exitval"]), int(cols["Signal"]))
        check(len(exitval) == len(entries), f"the joblog has a run per dump ({len(exitval)} of {len(entries)})")

        sigs, reports = {}, set()
        for seq, e in enumerate(entries, 1):
            name = report_name(e["dump"])
            what = e["row"]["id"] if e["row"] else os.path.relpath(e["dump"], lab) if e["dump"].startswith(lab) else os.path.basename(e["dump"])
            path = os.path.join(out, name + ".json")
            check(os.path.exists(os.path.join(out, name + ".log")), f"{what}: its log {name}.log")
            try:
                with open(os.path.join(out, name + ".log")) as f:
                    log = f.read()
            except OSError:
                log = ""
            check(not any(m in log for m in SANITIZER_MARKS), f"{what}: no sanitizer report ({log[-300:]})")
            try:
                with open(path) as f:
                    d = json.load(f)
            except (OSError, ValueError) as ex:
                check(False, f"{what}: a JSON report {name}.json ({ex})")
                continue
            reports.add(path)
            errs = errors_of(envelope, d) + errors_of(rs, d.get("result") or {})
            check(not errs, f"{what}: valid against envelope.json and report-schema.json ({errs[:3]})")
            res = d.get("result") or {}
            code = exitval.get(seq, (None, None))
            if e["fatal"]:
                check(d.get("status") == 1 and res.get("error") and res.get("failed_sections") == 1,
                      f"{what}: a report with an error member and status 1 ({res.get('error')!r})")
                check(code == (1, 0), f"{what}: kdive exits 1 (joblog {code})")
            else:
                check(d.get("status") == 0 and not res.get("error") and code == (0, 0),
                      f"{what}: a complete report, exit 0 (status {d.get('status')}, joblog {code}, {res.get('error')!r})")
                sig = (res.get("signature") or {}).get("signature")
                check(sig and re.fullmatch(r"[0-9a-f]{16}", sig), f"{what}: a signature ({sig!r})")
                truncated = (res.get("identity") or {}).get("truncated")
                if e["row"]:
                    check(not truncated, f"{what}: a whole lab dump is not reported truncated ({truncated!r})")
                else:
                    check(truncated and "missing" in truncated, f"{what}: the report says what the cut dump lacks ({truncated!r})")
                if e["row"]:
                    sigs[e["row"]["id"]] = (e["row"]["kernel"], e["row"]["boot"], sig, e["dump"])
        by_boot, by_kernel = {}, {}
        for did, (kernel, boot, sig, _) in sigs.items():
            by_boot.setdefault((kernel, boot), set()).add(sig)
            if boot in SAME_SIGNATURE_BOOTS:
                by_kernel.setdefault(kernel, set()).add(sig)
        for (kernel, boot), s in sorted(by_boot.items()):
            check(len(s) == 1, f"{kernel}-{boot}: the boot's dumps share one signature ({sorted(map(str, s))})")
        for kernel, s in sorted(by_kernel.items()):
            check(len(s) == 1, f"{kernel}: its {', '.join(SAME_SIGNATURE_BOOTS)} boots share one signature ({sorted(map(str, s))})")
        # the panic boots (an oops, a soft lockup, ...): another bug each, so another signature
        sysrq = set().union(*by_kernel.values()) if by_kernel else set()
        for (kernel, boot), s in sorted(by_boot.items()):
            if boot.startswith("panic-"):
                check(not (s & sysrq), f"{kernel}-{boot}: a signature of its own, not the sysrq panics' ({sorted(map(str, s))})")

        # kdive --group on the directory, as JSON and as text
        nreports = len([n for n in os.listdir(out) if n.endswith(".json")])
        check(nreports == len(entries), f"{nreports} reports in {out}, one per dump ({len(entries)})")
        g = subprocess.run([kdive, "--group", "--json", out], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        check(g.returncode == 0 and not any(m in g.stderr for m in SANITIZER_MARKS), f"--group --json exits 0 ({g.returncode}: {g.stderr[-300:]})")
        try:
            gd = json.loads(g.stdout)
        except ValueError as ex:
            check(False, f"--group --json is JSON ({ex})")
            gd = {}
        gres = gd.get("result") or {}
        errs = errors_of(envelope, gd) + errors_of(gs, gres)
        check(gd and not errs, f"--group --json: valid against envelope.json and group.json ({errs[:3]})")
        groups = gres.get("groups") or []
        check(gres.get("reports") == nreports and sum(x.get("count", 0) for x in groups) == nreports,
              f"--group: the counts add up to the {nreports} reports ({[x.get('count') for x in groups]})")
        check(all(x["count"] == len(x["members"]) for x in groups), "--group: each group lists its count of members")
        check([x["count"] for x in groups] == sorted((x["count"] for x in groups), reverse=True), "--group: sorted by count")
        group_of = {m["dump"]: i for i, x in enumerate(groups) for m in x.get("members", [])}
        for kernel, boot in sorted(by_boot):
            rows_of = [dump for (k, b, _, dump) in sigs.values() if (k, b) == (kernel, boot)]
            where = {group_of.get(dump) for dump in rows_of}
            check(len(where) == 1 and None not in where, f"--group: {kernel}-{boot}'s {len(rows_of)} dumps are in one row ({where})")
        for i, x in enumerate(groups):
            if x.get("kind") == "signature":
                members = [m for m in x["members"]]
                times = sorted(m["capture_time"] for m in members if m["capture_time"])
                check(x["first_seen"] == (times[0] if times else None) and x["last_seen"] == (times[-1] if times else None),
                      f"--group: {x['signature']}: first and last seen are its members' earliest and latest capture")
                check(x["truncated"] == sum(1 for m in members if m.get("truncated")), f"--group: {x['signature']}: its truncated count")
                check(x["releases"] == sorted({m["release"] for m in members if m["release"]}), f"--group: {x['signature']}: its releases")
        err = [x for x in groups if x.get("kind") == "error"]
        fatal_dumps = sorted(e["dump"] for e in entries if e["fatal"])
        check(len(err) == 1 and sorted(m["dump"] for m in err[0]["members"]) == fatal_dumps and all(m.get("error") for m in err[0]["members"]),
              f"--group: the dumps that cannot be opened are the error row ({[x.get('count') for x in err]} of {len(fatal_dumps)})")
        t = subprocess.run([kdive, "--group", out], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        lines = t.stdout.splitlines()
        check(t.returncode == 0 and lines and lines[0].split()[:2] == ["SIGNATURE", "COUNT"], f"--group: a table ({t.returncode}: {lines[:1]})")
        body = [ln.split() for ln in lines[1:-1]]
        check([(r[0], int(r[1])) for r in body] == [(x["signature"] or x["kind"], x["count"]) for x in groups],
              "--group: the text rows are the JSON groups, in order")
        check(lines and lines[-1].startswith(f"{nreports} reports: "), f"--group: the total line ({lines[-1:]})")
        # a file that is not a report: its own row, named, exit 1
        with open(os.path.join(out, "zz-not-a-report.json"), "w") as f:
            f.write('{"kdive_json": "1.0", "command": "ps"')
        u = subprocess.run([kdive, "--group", "--json", out], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        try:
            ud = json.loads(u.stdout)
        except ValueError:
            ud = {}
        ugroups = (ud.get("result") or {}).get("groups") or []
        unread = [x for x in ugroups if x.get("kind") == "unreadable"]
        check(u.returncode == 1 and ud.get("status") == 1 and not errors_of(envelope, ud) and not errors_of(gs, ud.get("result") or {})
              and len(unread) == 1 and unread[0]["count"] == 1 and sum(x["count"] for x in ugroups) == nreports + 1,
              f"--group: a file that is not a report counts in the unreadable row, exit 1 ({u.returncode}, {[(x.get('kind'), x.get('count')) for x in ugroups]})")
        u = subprocess.run([kdive, "--group", out], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        check(u.returncode == 1 and "zz-not-a-report.json" in u.stderr and re.search(r"(?m)^unreadable +1 ", u.stdout),
              f"--group (text): the unreadable row, the file named on stderr ({u.stderr.strip()[:200]})")
        os.unlink(os.path.join(out, "zz-not-a-report.json"))
        u = subprocess.run([kdive, "--group"], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        check(u.returncode == 2 and "usage" in u.stderr, "--group without reports: usage, exit 2")

        # the fleet recipes: the Kubernetes Job parses as YAML and its script runs; the Slurm one too
        fleet_checks(blocks, rows, tmp, kdive, check)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


def fleet_checks(blocks, rows, tmp, kdive, check):
    try:
        import yaml
    except ImportError:
        yaml = None
    ymls = [b for info, b, _ in blocks if info == "yaml"]
    check(len(ymls) == 1, "doc/triage.md has the Kubernetes Job")
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    os.symlink(kdive, os.path.join(bindir, "kdive"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    row = rows[0] if rows else None
    if ymls and yaml:
        job = yaml.safe_load(ymls[0])
        spec = job.get("spec") or {}
        ctr = (((spec.get("template") or {}).get("spec") or {}).get("containers") or [{}])[0]
        script = "\n".join(ctr.get("args") or [])
        check(job.get("kind") == "Job" and job.get("apiVersion") == "batch/v1" and spec.get("completionMode") == "Indexed"
              and "JOB_COMPLETION_INDEX" in script, "the Kubernetes Job: an Indexed batch/v1 Job whose script reads JOB_COMPLETION_INDEX")
        if row:
            data = os.path.join(tmp, "k8s")
            os.makedirs(data)
            with open(os.path.join(data, "dumps.txt"), "w") as f:
                f.write(f"/nonexistent/first\t{row['vmlinux']}\n{row['dump']}\t{row['vmlinux']}\n")
            p = subprocess.run(ctr["command"] + [script.replace("/data", data)], env=dict(env, JOB_COMPLETION_INDEX="1"),
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            rep = os.path.join(data, "reports", report_name(row["dump"]) + ".json")
            ok = p.returncode == 0 and os.path.exists(rep) and json.load(open(rep)).get("status") == 0
            check(ok, f"the Kubernetes Job's script, index 1: the report of line 2 ({p.returncode}: {p.stderr[-200:]})")
    elif ymls:
        print("SKIP: python3-yaml is not installed: the Kubernetes Job is not parsed", flush=True)
    sb = [b for info, b, _ in blocks if info == "bash" and "SLURM_ARRAY_TASK_ID" in b]
    check(len(sb) == 1, "doc/triage.md has the Slurm job array script")
    if sb:
        path = os.path.join(tmp, "triage.sbatch")
        with open(path, "w") as f:
            f.write(sb[0])
        p = subprocess.run(["bash", "-n", path], text=True, stderr=subprocess.PIPE)
        check(p.returncode == 0, f"the Slurm script passes bash -n ({p.stderr.strip()})")
        if row:
            lst = os.path.join(tmp, "slurm-dumps.txt")
            with open(lst, "w") as f:
                f.write(f"/nonexistent/first\n{row['dump']}\n")
            outdir = os.path.join(tmp, "slurm-reports")
            p = subprocess.run(["bash", path, lst, outdir, row["vmlinux"]], env=dict(env, SLURM_ARRAY_TASK_ID="2"),
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            rep = os.path.join(outdir, report_name(row["dump"]) + ".json")
            ok = p.returncode == 0 and os.path.exists(rep) and json.load(open(rep)).get("status") == 0
            check(ok, f"the Slurm script, task 2: the report of line 2 with the default vmlinux ({p.returncode}: {p.stderr[-200:]})")


if __name__ == "__main__":
    sys.exit(main())
