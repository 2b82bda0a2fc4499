#!/usr/bin/env python3
"""JSON output on every lab dump (issue 13): each command of COMMANDS runs with --json; every
document must be one line of valid JSON that validates (python3-jsonschema, draft 2020-12)
against doc/json-schema/envelope.json and, when it has a result, against the command's own
schema; a failing command still gives a valid document, with status 1 and an error. The
results must also say what the text output says: ps's PIDs and commands are the text table's,
sys's release and task count are the text's, and facts.json's release; mod lists the
workload's modules.
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import lab_dir, read_manifest  # noqa: E402

import jsonschema  # noqa: E402

SCHEMAS = os.path.join(TOP, "doc", "json-schema")
# command line -> the schema of its result (None: a failure, whose document has no result)
COMMANDS = [("sys", "sys"), ("log", "log"), ("mod", "mod"), ("bt", "bt"), ("bt -a", "bt"), ("foreach bt", "bt"), ("kmem -i", "kmem-i"), ("mount", "mount"), ("files 1", "files"), ("files -c 1", "files"), ("vm 1", "vm"), ("vm", "vm"), ("runq", "runq"), ("net", "net"), ("irq", "irq"), ("irq -u", "irq"), ("dev", "dev"), ("kmem -s", "kmem-s"), ("ps", "ps"), ("ps -k", "ps"), ("ps -u", "ps"), ("ps -s", "ps"),
            ("rd 0", None), ("ps -z", None)]


def load_schemas():
    store = {}
    for name in os.listdir(SCHEMAS):
        if name.endswith(".json"):
            with open(os.path.join(SCHEMAS, name)) as f:
                doc = json.load(f)
            store[name[:-5]] = doc
    return store


def validator(store, name):
    schema = store[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        by_id = {s["$id"]: s for s in store.values()}
        resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=by_id)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


def errors_of(v, doc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(doc)]


def facts_of(row):
    with open(row["facts"]) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--only", help="dump ids (fnmatch)")
    args = ap.parse_args()
    store = load_schemas()
    envelope = validator(store, "envelope")
    results = {name: validator(store, name) for name in store if name != "envelope"}
    rows = read_manifest(lab_dir())
    if args.only:
        import fnmatch
        rows = [r for r in rows if fnmatch.fnmatch(r["id"], args.only)]
    passed, failed = 0, []

    def check(cond, what):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failed.append(what)
            print("FAIL:", what, flush=True)

    for row in rows:
        text_in = "".join(c + "\n" for c, _ in COMMANDS)
        p = subprocess.run([args.kdive, "-s", "--json", row["vmlinux"], row["dump"]], input=text_in, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        lines = p.stdout.splitlines()
        check(len(lines) == len(COMMANDS), f"{row['id']}: {len(lines)} documents for {len(COMMANDS)} commands")
        docs = {}
        for (cmd, schema), line in zip(COMMANDS, lines):
            try:
                doc = json.loads(line)
            except ValueError as e:
                check(False, f"{row['id']}: {cmd}: not JSON ({e}): {line[:200]}")
                continue
            docs[cmd] = doc
            errs = errors_of(envelope, doc)
            check(not errs, f"{row['id']}: {cmd}: envelope: {errs[:3]}")
            if schema:
                check(doc.get("status") == 0 and doc.get("result") is not None,
                      f"{row['id']}: {cmd}: status {doc.get('status')}, error {doc.get('error')}")
                if doc.get("result") is not None:
                    errs = errors_of(results[schema], doc["result"])
                    check(not errs, f"{row['id']}: {cmd}: {schema}.json: {errs[:3]}")
            else:
                check(doc.get("status") == 1 and doc.get("error") and doc["error"].get("message"),
                      f"{row['id']}: {cmd}: a failure's document has status 1 and an error ({doc.get('error')})")
        # the same facts as the text output
        t = subprocess.run([args.kdive, "-s", row["vmlinux"], row["dump"]], input="sys\nps\nkmem -i\nfiles 1\nvm 1\nrunq\nirq -u\nkmem -s\n", text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600).stdout
        ps_text = [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^[> ]\s*(\d+)\s+\d+\s+-?\d+\s+[0-9a-f]+\s+\S+\s+[\d.]+\s+\d+\s+\d+\s+\[?(.*?)\]?$", t, re.M)]
        ps_json = [(x["pid"], x["comm"]) for x in ((docs.get("ps") or {}).get("result") or {}).get("tasks", [])]
        check(ps_text and ps_text == ps_json, f"{row['id']}: ps --json lists the text table's tasks ({len(ps_json)} / {len(ps_text)})")
        # bt -a: the text's frames, task by task
        tb = subprocess.run([args.kdive, "-s", row["vmlinux"], row["dump"]], input="bt -a\n", text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600).stdout
        text_bt = [[m.group(1) for m in re.finditer(r"^\s*#\d+ \[[0-9a-f ]+\] (\S+) at ", blk, re.M)]
                   for blk in re.split(r"\n(?=PID: )", tb)]
        json_bt = [[f["function"] or "(unknown)" for f in (x.get("frames") or [])]
                   for x in ((docs.get("bt -a") or {}).get("result") or {}).get("tasks", [])]
        check(text_bt == json_bt, f"{row['id']}: bt -a --json has the text's frames ({json_bt[:1]} / {text_bt[:1]})")
        # kmem -i: the text's pages, row by row
        km = (docs.get("kmem -i") or {}).get("result") or {}
        for label, key in (("TOTAL MEM", "total_mem"), ("FREE", "free"), ("SLAB", "slab"), ("COMMITTED", "committed")):
            m = re.search(r"^\s*" + label + r"\s+(\d+)", t, re.M)
            check(m and km.get(key, {}).get("pages") == int(m.group(1)), f"{row['id']}: kmem -i --json {key} is the text's")
        # mount: the workload's mount points
        dirs = {m.get("dirname") for m in ((docs.get("mount") or {}).get("result") or {}).get("mounts", [])}
        want_dirs = {m["dirname"] for m in (facts_of(row).get("mounts") or [])}
        check(want_dirs <= dirs, f"{row['id']}: mount --json lists the workload's mounts (missing {sorted(want_dirs - dirs)[:5]})")
        # files 1: the text's descriptors and paths
        fl = [(int(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^\s*(\d+) [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{16} \S+ ?(.*)$", t, re.M)]
        fj = [(f["fd"], f["path"] or "") for x in ((docs.get("files 1") or {}).get("result") or {}).get("tasks", [])
              for f in x["files"]]
        check(fl == fj, f"{row['id']}: files 1 --json has the text's descriptors ({fj[:3]} / {fl[:3]})")
        # vm 1: the text's VMAs
        vl = [int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]{16}) +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ ",
                                                      t[t.find("VMA           START"):t.find("RUNQUEUE")], re.M)]
        vj = [int(v["vma"], 16) for x in ((docs.get("vm 1") or {}).get("result") or {}).get("tasks", []) for v in x["vmas"]]
        check(vl and vl == vj, f"{row['id']}: vm 1 --json has the text's VMAs ({len(vj)} / {len(vl)})")
        # runq: the text's queued tasks
        ql = [int(m.group(1)) for m in re.finditer(r"^\s+\[\s*\d+\] PID: (-?\d+)", t, re.M)]
        qj = [q["pid"] for c in ((docs.get("runq") or {}).get("result") or {}).get("cpus", []) for q in c["rt"] + c["cfs"]]
        check(ql == qj, f"{row['id']}: runq --json queues the text's tasks ({qj} / {ql})")
        # net: the workload's devices
        names = {d["name"] for d in ((docs.get("net") or {}).get("result") or {}).get("devices", [])}
        nd = facts_of(row).get("netdev")
        want_nd = {nd} if isinstance(nd, str) else set(nd or [])
        check("lo" in names and want_nd <= names, f"{row['id']}: net --json lists lo and the workload's devices ({sorted(names)})")
        # irq -u: the text's IRQs with actions
        il = [int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+[0-9a-f]{16}\s+[0-9a-f]{16}", t[t.find("IRQ_DESC"):], re.M)]
        ij = [x["irq"] for x in ((docs.get("irq -u") or {}).get("result") or {}).get("irqs", []) if x["actions"]]
        check(il and il == ij, f"{row['id']}: irq -u --json has the text's IRQs ({ij[:8]} / {il[:8]})")
        devs = {d["name"] for d in ((docs.get("dev") or {}).get("result") or {}).get("chrdevs", [])}
        check({"mem", "tty"} <= devs, f"{row['id']}: dev --json lists the mem and tty majors")
        # kmem -s: the text's caches and counts
        sl = [(int(m.group(1), 16), m.group(2), m.group(3)) for m in
              re.finditer(r"^([0-9a-f]{16}) +\d+ +(\d+|\?) +\d+ +\d+ +\d+k +(\S+)$", t[t.find("CACHE   "):], re.M)]
        sj = [(int(c["cache"], 16), str(c["allocated"]) if c["allocated"] is not None else "?", c["name"])
              for c in ((docs.get("kmem -s") or {}).get("result") or {}).get("caches", []) if "error" not in c]
        check(sl and sl == sj, f"{row['id']}: kmem -s --json has the text's caches ({len(sj)} / {len(sl)})")
        sysr = (docs.get("sys") or {}).get("result") or {}
        m = re.search(r"RELEASE: (\S+)", t)
        check(m and sysr.get("release") == m.group(1), f"{row['id']}: sys --json release {sysr.get('release')!r}")
        m = re.search(r"TASKS: (\d+)", t)
        check(m and sysr.get("tasks") == int(m.group(1)), f"{row['id']}: sys --json tasks {sysr.get('tasks')!r}")
        with open(row["facts"]) as f:
            facts = json.load(f)
        rel = facts.get("release") or facts.get("uname_r")
        if rel:
            check(sysr.get("release") == rel, f"{row['id']}: sys --json release is the workload's {rel!r}")
        mods = {m["name"] for m in ((docs.get("mod") or {}).get("result") or {}).get("modules", [])}
        want = set(facts.get("modules") or [])
        check(want <= mods, f"{row['id']}: mod --json lists the workload's modules (missing {sorted(want - mods)})")
    print(f"json: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
