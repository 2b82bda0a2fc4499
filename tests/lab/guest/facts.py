#!/usr/bin/python3
"""Write a boot's facts.json from the guest's KDIVE-FACT lines (facts.log, the guest's
second serial port) and check them against the kernel's panic report in console.log.

Usage: facts.py KERNEL BOOT FACTS_LOG CONSOLE_LOG OUT [--dump FORMAT=FILE]... [--set KEY=JSON]...
                [--info KEY=FILE]...     (FILE of key=value lines, set as an object)

facts.json (one object):
  kernel, boot            lab names: bookworm|trixie|rt, kaslr|nokaslr|novmcoreinfo|states|kdump|panic
  release, version        uname -r, uname -v of the guest
  machine                 uname -m
  cmdline                 /proc/cmdline of the (first) kernel
  nr_cpus, mem_total_kb   nproc, MemTotal of the guest
  kernel_text             address of _text from /proc/kallsyms (hex string)
  kaslr_offset            kernel_text - 0xffffffff81000000 (hex string; "0x0" without KASLR)
  crashkernel_bytes       /sys/kernel/kexec_crash_size (0 unless crashkernel= was given)
  panic_cpu, panic_pid, panic_comm   the task that panicked (from the guest, checked
                          against the "CPU: n PID: p Comm: c" line the kernel printed)
  panic_message           "sysrq triggered crash"
  processes               one object per workload process, see below
  mounts                  every mount of the guest (/proc/mounts at the facts' time, in its
                          order): [{devname, dirname, type}], e.g. /dev/loop0 /lab/ext4 ext4
  modules                 the loaded modules' names (/proc/modules order: last loaded first)
  jbd2                    {pid, comm}: the journal thread of the ext4 mount (jbd2/loop0-8)
  netdev                  the module network device that is up (dummy0)
  dumps                   [{"format","file"}] the dump files of this boot directory
  plus whatever --set/--info add: qemu {version,accel,machine,mem_mib,smp}; vmcoreinfo
  (QEMU boots: the ELF dump has a VMCOREINFO note); capture {makedumpfile,source,cmdline}
  and capture_dump {dump_level,compression} (kdump).
  panic_kind              the panic boots (boot.sh KERNEL panic): oops|softlockup|oom|hung
  dstate                  {pids, comm, timeout_s}: panic kind hung, the tasks in D state
  oom_victim              {pid, comm}: panic kind oom, the hog the OOM killer killed first

processes[] (every process, in this order: init, files, threads, mapper, net, ipc, waiter,
             timers, bpf, sleep, panic, then ext4 and those of the states boot's kdive-states
             in the order they printed them):
  role, pid, comm, ppid, threads (number of threads), tids (sorted, includes pid),
  fds: [{fd, type (REG|DIR|CHR|BLK|FIFO|SOCK|LNK|UNKN), path (the /proc/<pid>/fd link text),
         inode, size/pos (REG), rdev "maj:min" (CHR/BLK),
         family/socktype/listening, and for an IP socket proto (the kernel's name: TCP, UDP,
         TCPv6, UDPv6)/laddr/lport, raddr/rport when connected (the files and net
         processes' sockets)}]
  files:   known_file {fd,path,content,pos}, pipe {read_fd,write_fd,unread}, socket {...}
  net:     (workload/kdive-net.c) nic {dev (eth0), driver (virtio_net), ifindex, mac,
           ipv4, prefix4, ipv6 [{addr, prefix, scope: global|link}], arp [{ip, mac, dev,
           flags}]}; sockets {listen, client, accepted, udp, udp6: the fd of each};
           keepalive_fd (the client's, SO_KEEPALIVE: tcp_keepalive_timer in the wheel)
  ipc:     (kdive-ipc.c) shm {key "0x%08x", id, size, nattch, perms "600", addr},
           sem {key, id, nsems, perms}, msg {key, id, messages, bytes, perms, text}
  waiter:  (kdive-waiter.c) asleep in read(2) of an empty pipe: pipe {read_fd, write_fd},
           wchan (pipe_read); the pipe's rd_wait wait queue has it as its waiter
  timers:  (kdive-timers.c) itimer_real_s (ITIMER_REAL: it_real_fn), posix_timer {id, clock,
           signal, value_s} (posix_timer_fn), nanosleep_s (hrtimer_wakeup), wchan
  bpf:     (kdive-bpf.c) map {fd, id, type ARRAY, name, key_size, value_size, max_entries,
           value}, prog {fd, id, type SOCKET_FILTER, name, insns, xlated_len, jited_len,
           tag}; or error (the kernel refused them)
  threads: requested
  mapper:  maps [{kind: anon|file, path (file), addr, len, marker, pfn, phys}]
  panic:   cpu; no fds (its fd 1 is redirected to /proc/sysrq-trigger as it panics)
  init:    no pos of its fds (the shell reads on in /init after the facts); not the fd of
           /tmp/init-body (states boot: open while the facts are taken, closed by the panic)
  ext4:    a sleep with the ext4 file as stdin (fd 0) and its directory as cwd:
           cwd, ext4_file {path, inode, size} (its pages are in the page cache)
  states boot (tests/lab/states/kdive-states.c): roles zparent, zombie (state "ZO"),
           states (kdive-states itself, the parent of the others), and
           per CPU activity userspin/kernspin (+ unrun, state "RU": forked, never ran),
           piperead, vforker, vfchild, netrecv, netflood, faulter, exiter, zombies,
           busythreads; each with activity, cpu, and state (crash's ps name) where it
           cannot change before the panic, policy "SCHED_FIFO" for the CPU hogs
"""
import json
import re
import sys

ORDER = ["init", "files", "threads", "mapper", "net", "ipc", "waiter", "timers", "bpf", "sleep", "panic"]
NOT_PROCESSES = ["release", "many", "lab"]  # facts of no process (or kept apart)
KERNEL_BASE = 0xFFFFFFFF81000000


def die(msg):
    sys.exit(f"facts.py: {msg}")


def main():
    args = sys.argv[1:]
    if len(args) < 5:
        die(__doc__)
    kernel, boot, facts_log, console_log, out = args[:5]
    dumps, extra = [], {}
    rest = args[5:]
    while rest:
        opt, val = rest[0], rest[1]
        rest = rest[2:]
        k, _, v = val.partition("=")
        if opt == "--dump":
            dumps.append({"format": k, "file": v})
        elif opt == "--set":
            extra[k] = json.loads(v)
        elif opt == "--info":
            with open(v) as f:
                extra[k] = dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
        else:
            die(f"unknown option {opt}")

    facts = []
    with open(facts_log, "rb") as f:
        for raw in f.read().decode("utf-8", "replace").replace("\r", "").split("\n"):
            i = raw.find("KDIVE-FACT ")
            if i < 0:
                continue
            try:
                facts.append(json.loads(raw[i + len("KDIVE-FACT "):]))
            except json.JSONDecodeError as e:
                die(f"bad fact line {raw!r}: {e}")
    by_role = {}
    for fact in facts:
        if fact["role"] in by_role:
            die(f"two facts for role {fact['role']}")
        by_role[fact["role"]] = fact
    for role in ORDER + ["release", "lab"]:
        if role not in by_role:
            die(f"no fact for role {role} in {facts_log}")

    rel = by_role["release"]
    panic = by_role["panic"]
    with open(console_log, "rb") as f:
        console = f.read().decode("utf-8", "replace").replace("\r", "")
    i = console.find("Kernel panic - not syncing: ")
    if i < 0:
        die("no kernel panic in the console log")
    msg = console[i:].split("\n", 1)[0].split(": ", 1)[1].strip()
    pat = r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)"
    m = re.search(pat, console[i:])
    if not m:
        # After an Oops the panic prints no stack of its own (TAINT_DIE): the task is the
        # one in the Oops' "CPU: n PID: p Comm: c" line, the last before the panic.
        before = re.findall(pat, console[:i])
        if not before:
            die("no 'CPU: n PID: p Comm: c' line around the panic")
        m = re.match(pat, "CPU: %s PID: %s Comm: %s" % before[-1])
    cpu, pid, comm = int(m.group(1)), int(m.group(2)), m.group(3)
    if (cpu, pid, comm) != (panic["cpu"], panic["pid"], panic["comm"]):
        die(f"kernel says panic on CPU {cpu} by {pid} {comm}, the guest said {panic}")

    text = int(rel["text"], 16)
    procs = []
    extra_roles = [f["role"] for f in facts if f["role"] not in ORDER + NOT_PROCESSES and "pid" in f]
    for role in ORDER + extra_roles:
        p = dict(by_role[role])
        if role == "panic":
            p.pop("fds", None)
        if role == "init":
            for fd in p["fds"]:
                fd.pop("pos", None)  # ash keeps reading /init after its facts
            # the states boot's /states-init sources /init's body from this file while the
            # facts are taken, and has closed it by the panic
            p["fds"] = [fd for fd in p["fds"] if fd.get("path") != "/tmp/init-body"]
        procs.append(p)
    for p in procs:
        if p["threads"] != len(p["tids"]) or p["pid"] not in p["tids"]:
            die(f"inconsistent threads of {p['role']}: {p}")
    if by_role["threads"]["threads"] != by_role["threads"]["requested"]:
        die("kdive-threads has not the requested number of threads")
    nic = by_role["net"]["nic"]
    if not any(a["addr"] == "fd00:6b64::2" for a in nic["ipv6"]) or not nic["arp"]:
        die(f"the NIC lacks its IPv6 address or its ARP entry: {nic}")
    for role, key in (("waiter", "pipe_read"),):
        if by_role[role]["wchan"] != key:
            die(f"{role} is not asleep in {key}: {by_role[role]}")

    doc = {
        "kernel": kernel,
        "boot": boot,
        "release": rel["release"],
        "version": rel["version"],
        "machine": rel["machine"],
        "cmdline": rel["cmdline"],
        "nr_cpus": rel["nr_cpus"],
        "mem_total_kb": rel["mem_total_kb"],
        "kernel_text": hex(text) if text else None,
        "kaslr_offset": hex(text - KERNEL_BASE) if text else None,
        "crashkernel_bytes": rel["crashkernel_bytes"],
        "panic_cpu": cpu,
        "panic_pid": pid,
        "panic_comm": comm,
        "panic_message": msg,
        "processes": procs,
        "dumps": dumps,
        "mounts": by_role["lab"]["mounts"],
        "modules": by_role["lab"]["modules"],
        "jbd2": by_role["lab"]["jbd2"],
        "netdev": by_role["lab"]["netdev"],
    }
    # the panic boots (boot.sh KERNEL panic): how the guest panicked, and the OOM killer's victim
    if "panic-kind" in by_role:
        doc["panic_kind"] = by_role["panic-kind"]["kind"]
    if "dstate" in by_role:
        d = by_role["dstate"]
        doc["dstate"] = {"pids": d["pids"], "comm": d["comm"], "timeout_s": d["timeout_s"]}
    if "oom-victim" in by_role:
        doc["oom_victim"] = {"pid": by_role["oom-victim"]["victim_pid"], "comm": by_role["oom-victim"]["comm"]}
    doc.update(extra)
    with open(out + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    import os

    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
