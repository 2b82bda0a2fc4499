"""Facts checks of issue 12's lab workload (tests/lab/workload/kdive-{net,ipc,waiter,timers,bpf}.c):
what the output of net, net -a, net -s PID, ipcs, waitq, timer, timer -r and bpf must show
on a dump, from its facts.json (tests/lab/guest/facts.py documents the facts).

Each check parses the output text of one command as crash 8.0.6 prints it, so it holds for
crash's references as well as for kdive: `run.py --check-refs` runs them on the lab's
references (crash's ref/<dump>/<slug>.out, found through ref/<dump>/index) to prove them;
run.py runs them on kdive's output, for the commands kdive has (its `help` lists them).

API:
  commands(facts, ref_commands) -> [(word, command)]: the commands to run on a dump (word:
      the command's name, for the gate); ref_commands: the dump's reference command lines
      (the waitq of the blocked reader's pipe is derived from crash's output by
      tests/lab/reference.sh: its address is taken from there)
  check(out, facts, expect, ref_commands): out maps a command to its output text (a missing
      command is not checked); expect(cond, what) records one check
  selftest() -> [problem]: the checks on an abridged sample of crash's own output of a lab
      dump must pass, and fail with any one fact of it broken (run.py runs it first)
"""
import ipaddress
import re

FAMILY = {"AF_INET": "INET", "AF_INET6": "INET6", "AF_UNIX": "UNIX"}
SOCKTYPE = {"SOCK_STREAM": "STREAM", "SOCK_DGRAM": "DGRAM"}


def role(facts, name):
    return next((p for p in facts.get("processes", []) if p.get("role") == name), None)


def waitq_command(ref_commands):
    """The waitq of the blocked reader's pipe (an address: reference.sh's phase 2)."""
    return next((c for c in ref_commands if re.fullmatch(r"waitq [0-9a-f]+", c)), None)


def commands(facts, ref_commands):
    cmds = []
    net = role(facts, "net")
    if net:
        cmds += [("net", "net"), ("net", "net -a"), ("net", f"net -s {net['pid']}")]
    if role(facts, "ipc"):
        cmds.append(("ipcs", "ipcs"))
    w = waitq_command(ref_commands)
    if role(facts, "waiter") and w:
        cmds.append(("waitq", w))
    if role(facts, "timers") or net:
        cmds += [("timer", "timer"), ("timer", "timer -r")]
    b = role(facts, "bpf")
    if b and "prog" in b:
        cmds.append(("bpf", "bpf"))
    return cmds


def same_ip(a, b):
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


def check_net(text, nic, expect):
    """net: NET_DEVICE NAME IP ADDRESS(ES): the NIC's line has its IPv4 and IPv6 addresses."""
    m = re.search(rf"^[0-9a-f]+ +{re.escape(nic['dev'])} +(.*)$", text, re.M)
    addrs = [a.strip() for a in m.group(1).split(",")] if m else []
    expect(m is not None, f"net does not list {nic['dev']}")
    if not m:
        return
    expect(any(same_ip(a, nic["ipv4"]) for a in addrs), f"net: {nic['dev']} lacks {nic['ipv4']} ({addrs})")
    for a6 in nic.get("ipv6", []):
        expect(any(same_ip(a, a6["addr"]) for a in addrs), f"net: {nic['dev']} lacks {a6['addr']} ({addrs})")


def check_arp(text, nic, expect):
    """net -a: NEIGHBOUR IP-ADDRESS HW-TYPE HW-ADDRESS DEVICE STATE: the permanent entry."""
    for e in nic.get("arp", []):
        m = re.search(rf"^[0-9a-f]+ +{re.escape(e['ip'])} +ETHER +{re.escape(e['mac'])} +{re.escape(e['dev'])} +(\S+)",
                      text, re.M)
        expect(m is not None and m.group(1) == "PERMANENT", f"net -a lacks {e['ip']} {e['mac']} {e['dev']} PERMANENT")


def socket_rows(text):
    """net -s: FD SOCKET SOCK FAMILY:TYPE SOURCE-PORT DESTINATION-PORT, by fd."""
    rows = {}
    for line in text.split("\n"):
        f = line.split()
        if len(f) >= 6 and f[0].isdigit() and ":" in f[3]:
            rows[int(f[0])] = (f[3], f[4], f[5])
    return rows


def addr_port(s):
    a, _, p = s.rpartition("-")
    return a, int(p) if p.isdigit() else None


def check_sockets(text, proc, expect):
    """net -s PID: each IP socket of the process with its family, type, addresses and ports."""
    rows = socket_rows(text)
    pid = proc["pid"]
    for fd in proc.get("fds", []):
        if fd.get("type") != "SOCK" or "lport" not in fd:
            continue
        row = rows.get(fd["fd"])
        ft = f"{FAMILY.get(fd['family'], '?')}:{SOCKTYPE.get(fd['socktype'], '?')}"
        expect(row is not None and row[0] == ft, f"net -s {pid}: fd {fd['fd']} is not {ft} ({row})")
        if row is None:
            continue
        (sa, sp), (da, dp) = addr_port(row[1]), addr_port(row[2])
        expect(same_ip(sa, fd["laddr"]) and sp == fd["lport"],
               f"net -s {pid}: fd {fd['fd']} source is {row[1]}, not {fd['laddr']}-{fd['lport']}")
        if "raddr" in fd:
            expect(same_ip(da, fd["raddr"]) and dp == fd["rport"],
                   f"net -s {pid}: fd {fd['fd']} destination is {row[2]}, not {fd['raddr']}-{fd['rport']}")
        else:
            expect(dp == 0, f"net -s {pid}: fd {fd['fd']} is not connected but shows destination {row[2]}")


def ipcs_rows(text, header):
    """The rows of one ipcs section (its header starts with header) as lists of fields."""
    rows, on = [], False
    for line in text.split("\n"):
        if line.startswith(header):
            on = True
            continue
        if on:
            if not line.strip():
                break
            rows.append(line.split())
    return rows


def check_ipcs(text, ipc, expect):
    """ipcs: the segment (KEY SHMID UID PERMS BYTES NATTCH), the semaphore set (KEY SEMID
    UID PERMS NSEMS) and the queue (KEY MSQID UID PERMS USED-BYTES MESSAGES), by key."""
    def row(header, key):
        for f in ipcs_rows(text, header):
            if len(f) >= 5 and re.fullmatch(r"[0-9a-f]+", f[1]) and int(f[1], 16) == int(key, 16):
                return f
        return None

    shm, sem, msg = ipc["shm"], ipc["sem"], ipc["msg"]
    f = row("SHMID_KERNEL", shm["key"])
    expect(f is not None and f[2] == str(shm["id"]) and f[4] == shm["perms"] and f[5:7] == [str(shm["size"]), str(shm["nattch"])],
           f"ipcs: no shared memory segment key {shm['key']} id {shm['id']} {shm['size']} bytes {shm['nattch']} attached ({f})")
    f = row("SEM_ARRAY", sem["key"])
    expect(f is not None and f[2] == str(sem["id"]) and f[4] == sem["perms"] and f[5:6] == [str(sem["nsems"])],
           f"ipcs: no semaphore set key {sem['key']} id {sem['id']} of {sem['nsems']} ({f})")
    f = row("MSG_QUEUE", msg["key"])
    expect(f is not None and f[2] == str(msg["id"]) and f[4] == msg["perms"] and f[5:7] == [str(msg["bytes"]), str(msg["messages"])],
           f"ipcs: no message queue key {msg['key']} id {msg['id']} with {msg['messages']} message(s) of {msg['bytes']} bytes ({f})")


def check_waitq(text, cmd, waiter, expect):
    """waitq ADDR (the pipe's rd_wait): the blocked reader is its waiter."""
    pids = [int(x) for x in re.findall(r"^PID: (\d+)\s", text, re.M)]
    expect(waiter["pid"] in pids, f"`{cmd}` does not show the blocked reader pid {waiter['pid']} ({pids})")


def timer_rows(text):
    """(TTE, function) of every timer of timer / timer -r (the last two columns are the
    function's address and <name>; TTE the one before the timer's address)."""
    rows = []
    for line in text.split("\n"):
        f = line.split()
        if len(f) >= 5 and re.fullmatch(r"<\S+>", f[-1]) and re.fullmatch(r"-?\d+", f[-4]):
            rows.append((int(f[-4]), f[-1][1:-1]))
    return rows


def check_timers(out, facts, expect):
    """timer: the TCP keepalive timer of the net process's client (tcp_keepalive_timer);
    timer -r: the timers process's hrtimers: ITIMER_REAL (it_real_fn), the POSIX timer
    (posix_timer_fn) and its nanosleep (hrtimer_wakeup), each due in about the time it was
    armed for (TTE in ns: no more than that, and at most 10 minutes less, the time from
    arming them to the panic)."""
    net = role(facts, "net")
    if net and net.get("keepalive_fd") is not None and out.get("timer") is not None:
        expect(any(fn == "tcp_keepalive_timer" for _, fn in timer_rows(out["timer"])),
               "timer shows no tcp_keepalive_timer (the net process's keepalive)")
    t = role(facts, "timers")
    if t and out.get("timer -r") is not None:
        rows = timer_rows(out["timer -r"])
        for fn, secs in (("it_real_fn", t["itimer_real_s"]), ("posix_timer_fn", t["posix_timer"]["value_s"]),
                         ("hrtimer_wakeup", t["nanosleep_s"])):
            ok = any(f == fn and (secs - 600) * 10**9 <= tte <= secs * 10**9 for tte, f in rows)
            expect(ok, f"timer -r shows no {fn} due in about {secs} s")


def bpf_rows(text):
    """bpf: program rows (ID BPF_PROG BPF_PROG_AUX TYPE TAG ...) and map rows (ID BPF_MAP TYPE FLAGS)."""
    progs, maps, sect = {}, {}, None
    for line in text.split("\n"):
        if "BPF_PROG_TYPE" in line:
            sect = "prog"
            continue
        if "BPF_MAP_TYPE" in line:
            sect = "map"
            continue
        f = line.split()
        if not f or not f[0].isdigit():
            continue
        if sect == "prog" and len(f) >= 5:
            progs[int(f[0])] = (f[3], f[4])
        elif sect == "map" and len(f) >= 3:
            maps[int(f[0])] = f[2]
    return progs, maps


def check_bpf(text, b, expect):
    """bpf: the program by id with its type and tag, the map by id with its type."""
    progs, maps = bpf_rows(text)
    p, m = b["prog"], b["map"]
    expect(progs.get(p["id"]) == (p["type"], p["tag"]), f"bpf: no program {p['id']} {p['type']} {p['tag']} ({progs})")
    expect(maps.get(m["id"]) == m["type"], f"bpf: no map {m['id']} {m['type']} ({maps})")


def check(out, facts, expect, ref_commands):
    net = role(facts, "net")
    if net:
        if out.get("net") is not None:
            check_net(out["net"], net["nic"], expect)
        if out.get("net -a") is not None:
            check_arp(out["net -a"], net["nic"], expect)
        cmd = f"net -s {net['pid']}"
        if out.get(cmd) is not None:
            check_sockets(out[cmd], net, expect)
    ipc = role(facts, "ipc")
    if ipc and out.get("ipcs") is not None:
        check_ipcs(out["ipcs"], ipc, expect)
    w, cmd = role(facts, "waiter"), waitq_command(ref_commands)
    if w and cmd and out.get(cmd) is not None:
        check_waitq(out[cmd], cmd, w, expect)
    check_timers(out, facts, expect)
    b = role(facts, "bpf")
    if b and "prog" in b and out.get("bpf") is not None:
        check_bpf(out["bpf"], b, expect)


# ---- selftest: the checks on crash 8.0.6's own output of a lab dump (bookworm, issue 12's
# workload), abridged; each must pass there and fail on a copy with one fact broken.
_FACTS = {"processes": [
    {"role": "net", "pid": 123, "fds": [
        {"fd": 3, "type": "SOCK", "family": "AF_INET", "socktype": "SOCK_STREAM", "laddr": "0.0.0.0", "lport": 40600},
        {"fd": 4, "type": "SOCK", "family": "AF_INET", "socktype": "SOCK_STREAM", "laddr": "127.0.0.1",
         "lport": 40610, "raddr": "127.0.0.1", "rport": 40600},
        {"fd": 7, "type": "SOCK", "family": "AF_INET6", "socktype": "SOCK_DGRAM", "laddr": "fd00:6b64::2", "lport": 40602}],
     "nic": {"dev": "eth0", "ipv4": "192.168.100.2", "ipv6": [{"addr": "fd00:6b64::2"}, {"addr": "fe80::5054:ff:fe6b:6401"}],
             "arp": [{"ip": "192.168.100.1", "mac": "52:54:00:6b:64:02", "dev": "eth0"}]},
     "keepalive_fd": 4},
    {"role": "ipc", "pid": 124, "shm": {"key": "0x6b640001", "id": 0, "size": 65536, "nattch": 1, "perms": "600"},
     "sem": {"key": "0x6b640002", "id": 0, "nsems": 3, "perms": "600"},
     "msg": {"key": "0x6b640003", "id": 0, "messages": 1, "bytes": 9, "perms": "600"}},
    {"role": "waiter", "pid": 125},
    {"role": "timers", "pid": 126, "itimer_real_s": 100000, "posix_timer": {"value_s": 200000}, "nanosleep_s": 300000},
    {"role": "bpf", "pid": 127, "map": {"id": 1, "type": "ARRAY"},
     "prog": {"id": 1, "type": "SOCKET_FILTER", "tag": "a04f5eef06a7f555"}}]}
_WAITQ = "waitq ffff89d250a6b6e8"
_OUT = {
    "net": """   NET_DEVICE     NAME       IP ADDRESS(ES)
ffff89d250be6000  lo         127.0.0.1, ::1
ffff89d25fed7000  eth0       192.168.100.2, fd00:6b64::2, fe80::5054:ff:fe6b:6401
""",
    "net -a": """NEIGHBOUR        IP ADDRESS      HW TYPE    HW ADDRESS         DEVICE  STATE
ffff89d241bf1a00 0.0.0.0         UNKNOWN    00 00 00 00 00 00  lo      NOARP
ffff89d241bf0600 192.168.100.1   ETHER      52:54:00:6b:64:02  eth0    PERMANENT
""",
    "net -s 123": """PID: 123      TASK: ffff89d2509848c0  CPU: 1    COMMAND: "kdive-net"
FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT
 3 ffff89d24144f0c0 ffff89d24267ec00 INET:STREAM  0.0.0.0-40600 0.0.0.0-0
 4 ffff89d24144da00 ffff89d242678000 INET:STREAM  127.0.0.1-40610 127.0.0.1-40600
 7 ffff89d24145b740 ffff89d25fc2da40 INET6:DGRAM  fd00:6b64:0:0:0:0:0:2-40602      0:0:0:0:0:0:0:0-0
""",
    "ipcs": """SHMID_KERNEL     KEY      SHMID      UID   PERMS BYTES      NATTCH STATUS
ffff89d250bf3800 6b640001 0          0     600   65536      1

SEM_ARRAY        KEY      SEMID      UID   PERMS NSEMS
ffff89d2412e7600 6b640002 0          0     600   3

MSG_QUEUE        KEY      MSQID      UID   PERMS USED-BYTES   MESSAGES
ffff89d250bf3c00 6b640003 0          0     600   9            1
""",
    _WAITQ: 'PID: 125      TASK: ffff89d250983080  CPU: 0    COMMAND: "kdive-waiter"\n',
    "timer": """TIMER_BASES[1][BASE_STD]: ffff89d25f120b00
  EXPIRES        TTE          TIMER_LIST     FUNCTION
  4294904747       244  ffff89d25fed7488  ffffffffb4837f50  <dev_watchdog>
  4296702297   1797794  ffff89d242678498  ffffffffb48a56c0  <tcp_keepalive_timer>
""",
    "timer -r": """    SOFTEXPIRES        EXPIRES            TTE            HRTIMER           FUNCTION
    48772000000      48772000000          -56000000  ffff89d25f1235c0  ffffffffb4168830  <tick_sched_timer>
  100037715257200  100037715307200   99988887307200  ffffcea740447e58  ffffffffb4155160  <hrtimer_wakeup>
  100037747491250  100037747491250   99988919491250  ffff89d25fc28998  ffffffffb4164e00  <it_real_fn>
  200037771809610  200037771809610  199988943809610  ffff89d25febe578  ffffffffb415fa90  <posix_timer_fn>
  300037774172350  300037774222350  299988946222350  ffffcea740437b40  ffffffffb4155160  <hrtimer_wakeup>
""",
    "bpf": """ ID      BPF_PROG       BPF_PROG_AUX   BPF_PROG_TYPE       TAG        USED_MAPS
 1   ffffcea740075000 ffff89d250a6d800 SOCKET_FILTER a04f5eef06a7f555

 ID      BPF_MAP          BPF_MAP_TYPE     MAP_FLAGS
 1   ffff89d2412e6400        ARRAY          00000000
""",
}
# (command, text replaced, by): one fact broken each
_BREAK = [("net", "fd00:6b64::2,", "fd00:6b64::3,"), ("net -a", "PERMANENT", "STALE"),
          ("net -s 123", "127.0.0.1-40600", "127.0.0.1-40601"), ("net -s 123", "INET6:DGRAM", "INET6:STREAM"),
          ("ipcs", "6b640002", "6b640009"), ("ipcs", "9            1", "9            2"),
          (_WAITQ, "PID: 125 ", "PID: 126 "), ("timer", "tcp_keepalive_timer", "tcp_delack_timer"),
          ("timer -r", "<posix_timer_fn>", "<other_fn>"), ("timer -r", "99988919491250", "99288919491250"),
          ("bpf", "SOCKET_FILTER", "KPROBE"), ("bpf", " 1   ffff89d2412e6400", " 2   ffff89d2412e6400")]


def selftest():
    """Problems of the checks on the sample above (an empty list when they work)."""
    problems = []
    refs = [_WAITQ]
    want = [c for _, c in commands(_FACTS, refs)]
    if sorted(want) != sorted(_OUT):
        problems.append(f"lab_checks: commands() gives {want}, the sample has {sorted(_OUT)}")
    res = []
    check(_OUT, _FACTS, lambda cond, what: res.append((cond, what)), refs)
    problems += [f"lab_checks: fails on crash's output: {w}" for c, w in res if not c]
    if len(res) < 20:
        problems.append(f"lab_checks: only {len(res)} checks ran on the sample")
    for cmd, old, new in _BREAK:
        out = dict(_OUT)
        if old not in out[cmd]:
            problems.append(f"lab_checks: selftest: {old!r} not in the sample of {cmd}")
            continue
        out[cmd] = out[cmd].replace(old, new, 1)
        res = []
        check(out, _FACTS, lambda cond, what: res.append((cond, what)), refs)
        if all(c for c, _ in res):
            problems.append(f"lab_checks: `{cmd}` with {old!r} -> {new!r} passes")
    return problems
