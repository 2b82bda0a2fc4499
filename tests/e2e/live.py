#!/usr/bin/env python3
"""kdive on a running kernel: the lab's live boots (tests/lab/boot.sh <kernel> live --kdive
PATH) run kdive inside the guest on /proc/kcore, with no dump argument, and print each
command's output on the facts port as "KDIVE-LIVE NAME|LINE" (tests/lab/live/live-init).
This checks those outputs against the same boot's facts (facts.json: the workload's
processes, their fds and mappings, the release, CPUs, memory and modules):

  sys          RELEASE, CPUS, DUMPFILE /proc/kcore, no PANIC line (also `kdive VMLINUX` alone)
  ps           every workload process with its pid and comm; kdive itself running (">")
  bt           the pipe reader (kdive-waiter): its header and a pipe_read frame; kdive's own
               task, the default context: its header and "(active)"; bt -p refused
  files        each fd of kdive-files and kdive-mapper with its type, and its path for
               regular files and devices
  vm           each mapping of kdive-mapper's facts (address range, the file's path)
  log          the guest's own "kdive-init:" line, written to /dev/kmsg before kdive ran
  mod          every module of the facts
  kmem -i      TOTAL MEM agrees with mem_total_kb
  net          the virtio NIC (eth0, with its IPv4 address) and dummy0
  foreach bt   every task: a header, and "(active)" for each task on a CPU (kdive's own)

On the host: `kdive` with no argument says in one line why it cannot read /proc/kcore
(absent, or not root) when it cannot.

A boot is made again only when kdive (or the lab's inputs) changed: boot.sh's signature
holds the live disk's inputs. Usage: live.py --kdive PATH [--kernels bookworm,trixie]
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import lab_dir  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BOOT = os.path.join(HERE, "..", "lab", "boot.sh")


def outputs(facts_log):
    """NAME -> its lines, from the KDIVE-LIVE lines of facts.log."""
    out = {}
    with open(facts_log, "rb") as f:
        for raw in f.read().decode("utf-8", "replace").replace("\r", "").split("\n"):
            i = raw.find("KDIVE-LIVE ")
            if i < 0:
                continue
            name, _, line = raw[i + len("KDIVE-LIVE "):].partition("|")
            out.setdefault(name, []).append(line)
    return out


def live_fact(facts_log):
    with open(facts_log, "rb") as f:
        for raw in f.read().decode("utf-8", "replace").split("\n"):
            i = raw.find('KDIVE-FACT {"role":"live"')
            if i >= 0:
                return json.loads(raw[i + len("KDIVE-FACT "):])
    return None


class Checks:
    def __init__(self, kernel):
        self.kernel = kernel
        self.passed = 0
        self.failed = []

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed.append(f"{self.kernel}: {what}" + (f": {detail}" if detail else ""))


def field(lines, label):
    for l in lines:
        m = re.match(r"\s*" + re.escape(label) + r": (.*)$", l)
        if m:
            return m.group(1).strip()
    return None


def check_sys(c, name, lines, facts):
    c.check(f"{name}: RELEASE", field(lines, "RELEASE") == facts["release"], field(lines, "RELEASE"))
    c.check(f"{name}: CPUS", field(lines, "CPUS") == str(facts["nr_cpus"]), field(lines, "CPUS"))
    c.check(f"{name}: DUMPFILE", field(lines, "DUMPFILE") == "/proc/kcore", field(lines, "DUMPFILE"))
    c.check(f"{name}: no PANIC line", field(lines, "PANIC") is None)
    c.check(f"{name}: DATE", bool(field(lines, "DATE")) and "1970" not in field(lines, "DATE"), field(lines, "DATE"))


def check_boot(kernel, kdive, lab, args):
    c = Checks(kernel)
    env = dict(os.environ)
    cmd = [BOOT, kernel, "live", "--kdive", kdive]
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=args.timeout)
    if r.returncode != 0:
        c.check("boot.sh live", False, r.stdout[-3000:])
        return c
    d = os.path.join(lab, "live", kernel)
    with open(os.path.join(d, "facts.json")) as f:
        facts = json.load(f)
    log = os.path.join(d, "facts.log")
    out = outputs(log)
    live = live_fact(log)
    c.check("live-init's fact", live is not None)
    if live is None:
        return c
    procs = {p["role"]: p for p in facts["processes"]}
    stderr = out.get("kdive.stderr", [])
    # kdive ran, told which vmlinux it took; its only failing command is bt -p
    c.check("kdive found the vmlinux", any("using /usr/lib/debug/boot/vmlinux-" + facts["release"] in l for l in stderr),
            "; ".join(stderr[:3]))
    c.check("kdive's errors are bt -p's alone", [l for l in stderr if not l.startswith("kdive: using ")] ==
            ["bt: -p option not supported on a live system"], "; ".join(stderr[:5]))

    check_sys(c, "sys", out.get("sys.out", []), facts)
    check_sys(c, "kdive VMLINUX: sys", out.get("sys-vmlinux.out", []), facts)
    c.check("kdive VMLINUX: exit status", out.get("sys-vmlinux.rc") == ["0"], out.get("sys-vmlinux.rc"))

    ps = out.get("ps.out", [])
    rows = {}
    for l in ps[1:]:
        m = re.match(r"^(>?)\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\S+)\s+\S+\s+\d+\s+\d+\s+(.*)$", l)
        if m:
            rows.setdefault(int(m.group(2)), []).append((m.group(1), m.group(7)))
    for p in facts["processes"]:
        if p["role"] == "panic":  # the panic's shell comes after kdive ran
            continue
        for tid in p["tids"]:
            got = [comm for _, comm in rows.get(tid, [])]
            c.check(f"ps: pid {tid} ({p['role']})", p["comm"] in got, f"ps shows {got}")
    c.check("ps: kdive running (>)", any(a == ">" and comm == "kdive" for rs in rows.values() for a, comm in rs))

    w = procs["waiter"]
    bt = out.get("bt-waiter.out", [])
    c.check("bt of the pipe reader: header", bool(bt) and re.match(
        r'PID: %d\s+TASK: [0-9a-f]+\s+CPU: \d+\s+COMMAND: "%s"' % (w["pid"], re.escape(w["comm"])), bt[0]), bt[:1])
    c.check("bt of the pipe reader: pipe_read frame", any(re.match(r"\s*#\d+ \[[0-9a-f]+\] pipe_read at ", l) for l in bt),
            "\n".join(bt))
    me = out.get("bt-self.out", [])
    c.check("bt of kdive's own task: (active)", len(me) == 2 and 'COMMAND: "kdive"' in me[0] and me[1] == "(active)", me)
    c.check("bt -p refused", out.get("bt-p.out") == ["bt: -p option not supported on a live system"], out.get("bt-p.out"))

    for role, name in (("files", "files-files.out"), ("mapper", "files-mapper.out")):
        p = procs[role]
        lines = out.get(name, [])
        c.check(f"files {role}: header", bool(lines) and lines[0].startswith("PID: %d " % p["pid"]), lines[:1])
        for fd in p["fds"]:
            row = [l for l in lines if re.match(r"\s*%d [0-9a-f]+ [0-9a-f]+ [0-9a-f]+ " % fd["fd"], l)]
            ok = len(row) == 1 and row[0].split()[4] == fd["type"]
            if ok and fd["type"] in ("REG", "CHR", "DIR", "BLK"):
                ok = row[0].rstrip().endswith(" " + fd["path"])
            c.check(f"files {role}: fd {fd['fd']} {fd['type']} {fd['path']}", ok, row)

    for role, name in (("files", "vm-files.out"), ("mapper", "vm-mapper.out")):
        p = procs[role]
        lines = out.get(name, [])
        c.check(f"vm {role}: header", bool(lines) and lines[0].startswith("PID: %d " % p["pid"]), lines[:1])
        vmas = []
        for l in lines:
            m = re.match(r"^[0-9a-f]{16}\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s*(.*)$", l)
            if m:
                vmas.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
        c.check(f"vm {role}: mappings", len(vmas) > 3, len(vmas))
        for mp in p.get("maps", []):
            a = int(mp["addr"], 16)
            hit = [v for v in vmas if v[0] <= a and a + mp["len"] <= v[1]]
            ok = len(hit) == 1 and (mp["kind"] != "file" or hit[0][2] == mp["path"])
            c.check(f"vm {role}: {mp['kind']} mapping at {mp['addr']}", ok, hit)

    logl = out.get("log.out", [])
    c.check("log: the guest's kdive-init line", any("kdive-init: live boot: kdive on /proc/kcore" in l for l in logl),
            f"{len(logl)} lines")
    c.check("log: the kernel's banner", any("Linux version " + facts["release"] in l for l in logl))

    mods = {l.split()[1] for l in out.get("mod.out", [])[1:] if len(l.split()) > 2}
    for m in facts["modules"]:
        c.check(f"mod: {m}", m in mods)

    km = out.get("kmem-i.out", [])
    tm = [l for l in km if l.strip().startswith("TOTAL MEM")]
    ok = False
    if tm:
        pages = int(tm[0].split()[2])
        ok = abs(pages * 4 - facts["mem_total_kb"]) <= max(4096, facts["mem_total_kb"] // 100)
    c.check("kmem -i: TOTAL MEM agrees with MemTotal", ok, f"{tm} vs {facts['mem_total_kb']} kB")
    netl = out.get("net.out", [])
    nic = procs["net"]["nic"]
    c.check("net: the virtio NIC", any(l.split()[1:2] == [nic["dev"]] and nic["ipv4"] in l for l in netl if l.split()),
            netl)
    c.check("net: dummy0", any(l.split()[1:2] == [facts["netdev"]] for l in netl if l.split()), netl)

    fb = out.get("foreach-bt.out", [])
    headers = [l for l in fb if l.startswith("PID: ")]
    c.check("foreach bt: every task of ps", len(headers) >= len(rows) - 1, f"{len(headers)} headers, {len(rows)} pids in ps")
    active = [fb[i - 1] for i, l in enumerate(fb) if l == "(active)"]
    c.check("foreach bt: kdive (active)", any('COMMAND: "kdive"' in h for h in active), active)
    return c


def host_message(kdive):
    """kdive with no argument where /proc/kcore cannot be read: one line saying why."""
    c = Checks("host")
    if os.path.exists("/proc/kcore") and os.access("/proc/kcore", os.R_OK):
        return c  # a host that can read it: nothing to check here
    r = subprocess.run([kdive], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    lines = r.stderr.strip().split("\n")
    want = "does not exist" if not os.path.exists("/proc/kcore") else "needs root"
    c.check("kdive without /proc/kcore: one line", r.returncode == 1 and len(lines) == 1 and
            lines[0].startswith("kdive: /proc/kcore") and want in lines[0], r.stderr)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kdive", required=True)
    ap.add_argument("--kernels", default="bookworm,trixie")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds for one boot.sh live")
    args = ap.parse_args()
    kdive = os.path.abspath(args.kdive)
    lab = lab_dir()
    total_fail = []
    checks = [host_message(kdive)]
    for kernel in args.kernels.split(","):
        checks.append(check_boot(kernel, kdive, lab, args))
    for c in checks:
        kernel = c.kernel
        print(f"live {kernel}: {c.passed} checks passed, {len(c.failed)} failed")
        for f in c.failed:
            print("  FAIL " + f)
        total_fail += c.failed
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
