#!/usr/bin/env python3
"""A dump opened without its vmlinux (issue 14), on the lab's kaslr dump of each kernel:
  * kdive --osrelease DUMP prints the workload's release, on every lab dump that carries
    VMCOREINFO or a kdump header, and says why on the ones that carry neither;
  * kdive DUMP finds the vmlinux by its build ID in a build-ID directory, and by its release
    in Debian's -dbg layout (KDIVE_DEBUG_FILE_DIRECTORY: a temporary tree of links to the
    lab's vmlinux), and says so;
  * through Debian's debuginfod, started here on 127.0.0.1 and serving the lab's kernel
    directory: DEBUGINFOD_URLS set, a fresh client cache; the second run reuses the cache;
  * without any of them: one line naming the release and build ID, and how to fix it.
Each opened session must answer `sys` with the workload's release.
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import lab_dir, read_manifest  # noqa: E402


def build_id_of(vmlinux):
    out = subprocess.run(["readelf", "-n", vmlinux], stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    return m.group(1) if m else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    args = ap.parse_args()
    kdive = os.path.abspath(args.kdive)
    rows = read_manifest(lab_dir())
    passed, failed = 0, []

    def check(cond, what):
        nonlocal passed
        if cond:
            passed += 1
        else:
            failed.append(what)
            print("FAIL:", what, flush=True)

    def run(argv, env=None, stdin="sys\n"):
        e = dict(os.environ)
        for k in ("DEBUGINFOD_URLS", "KDIVE_DEBUG_FILE_DIRECTORY"):
            e.pop(k, None)
        e.update(env or {})
        return subprocess.run([kdive] + argv, input=stdin, text=True, env=e, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=600)

    # --osrelease on every dump
    for row in rows:
        with open(row["facts"]) as f:
            facts = json.load(f)
        p = run(["--osrelease", row["dump"]], stdin="")
        if row["boot"] == "novmcoreinfo" and row["format"] in ("qemu-elf", "qemu-kdump-zlib-flat"):
            check(p.returncode == 1 and "no VMCOREINFO" in p.stderr,
                  f"{row['id']}: --osrelease without VMCOREINFO says so ({p.stderr.strip()!r})")
        else:
            check(p.returncode == 0 and p.stdout.strip() == facts["release"],
                  f"{row['id']}: --osrelease {p.stdout.strip()!r} is {facts['release']!r} ({p.stderr.strip()!r})")

    tmp = tempfile.mkdtemp(prefix="kdive-debuginfo-")
    try:
        for row in rows:
            if row["boot"] != "kaslr" or row["format"] != "qemu-elf":
                continue
            with open(row["facts"]) as f:
                release = json.load(f)["release"]
            bid = build_id_of(row["vmlinux"])
            what = row["id"]
            rel_ok = lambda p: re.search(r"RELEASE: " + re.escape(release) + r"\n", p.stdout) is not None
            # nothing to find
            empty = os.path.join(tmp, "empty")
            os.makedirs(empty, exist_ok=True)
            p = run(["-s", row["dump"]], {"KDIVE_DEBUG_FILE_DIRECTORY": empty})
            check(p.returncode == 1 and release in p.stderr and bid in p.stderr and len(p.stderr.splitlines()) == 1,
                  f"{what}: no vmlinux anywhere: one line naming release and build ID ({p.stderr.strip()!r})")
            # by build ID
            d = os.path.join(tmp, row["kernel"] + "-buildid")
            os.makedirs(os.path.join(d, ".build-id", bid[:2]), exist_ok=True)
            link = os.path.join(d, ".build-id", bid[:2], bid[2:] + ".debug")
            if not os.path.exists(link):
                os.symlink(row["vmlinux"], link)
            p = run(["-s", row["dump"]], {"KDIVE_DEBUG_FILE_DIRECTORY": d})
            check(p.returncode == 0 and "by its build ID" in p.stderr and rel_ok(p),
                  f"{what}: found by build ID ({p.stderr.strip()[:200]!r})")
            # by release
            d = os.path.join(tmp, row["kernel"] + "-release")
            os.makedirs(os.path.join(d, "boot"), exist_ok=True)
            link = os.path.join(d, "boot", "vmlinux-" + release)
            if not os.path.exists(link):
                os.symlink(row["vmlinux"], link)
            p = run(["-s", row["dump"]], {"KDIVE_DEBUG_FILE_DIRECTORY": d})
            check(p.returncode == 0 and "by its release" in p.stderr and rel_ok(p),
                  f"{what}: found by release ({p.stderr.strip()[:200]!r})")
            # through debuginfod
            if not shutil.which("debuginfod"):
                check(False, f"{what}: debuginfod is not installed (scripts/deps installs it)")
                continue
            port = free_port()
            db = os.path.join(tmp, row["kernel"] + "-db.sqlite")
            srv = subprocess.Popen(["debuginfod", "-F", os.path.dirname(row["vmlinux"]), "-p", str(port), "-d", db,
                                    "-t", "0", "-g", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                url = f"http://127.0.0.1:{port}"
                ok = False
                for _ in range(300):  # the first scan reads the vmlinux
                    try:  # debuginfod answers GET (HEAD is not for every version): one byte is enough
                        with urllib.request.urlopen(f"{url}/buildid/{bid}/debuginfo", timeout=10) as r:
                            ok = r.status == 200 and len(r.read(1)) == 1
                    except Exception:
                        pass
                    if ok:
                        break
                    time.sleep(1)
                check(ok, f"{what}: the debuginfod server indexed the vmlinux")
                cache = os.path.join(tmp, row["kernel"] + "-client-cache")
                env = {"KDIVE_DEBUG_FILE_DIRECTORY": empty, "DEBUGINFOD_URLS": url, "DEBUGINFOD_CACHE_PATH": cache}
                p = run(["-s", row["dump"]], env)
                check(p.returncode == 0 and "through debuginfod" in p.stderr and rel_ok(p),
                      f"{what}: found through debuginfod ({p.stderr.strip()[:300]!r})")
                # mod -S: each module's debug file by the build ID it carries in the dump, from the same server
                with open(row["facts"]) as f:
                    modules = json.load(f)["modules"]
                p = run(["-s", row["dump"]], env, stdin="mod -S\n")
                got = {m.group(1): m.group(2) for m in re.finditer(r"^\S+\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s*$", p.stdout, re.M)}
                from_cache = [m for m in modules if got.get(m, "").startswith(cache)]
                check(p.returncode == 0 and sorted(from_cache) == sorted(modules),
                      f"{what}: mod -S loads every module's debug file through debuginfod ({sorted(set(modules) - set(from_cache))} "
                      f"not; {p.stderr.strip()[:200]!r})")
                srv.terminate()
                srv.wait(timeout=30)
                p = run(["-s", row["dump"]], env)  # the server is gone: the client's cache serves
                check(p.returncode == 0 and "through debuginfod" in p.stderr and rel_ok(p),
                      f"{what}: the second run uses debuginfod's cache ({p.stderr.strip()[:300]!r})")
            finally:
                if srv.poll() is None:
                    srv.kill()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"debuginfo: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
