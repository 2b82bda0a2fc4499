"""The untouched-dump check (issue 15): a test run must leave every lab dump and vmlinux
as it found it, and kdive must open them read-only.

Two proofs, used by tests/e2e/run.py and tests/e2e/corrupt.py:

  * before/after: snapshot() records, for each input file, its size, inode, mtime and
    ctime (nanoseconds; ctime cannot be set back by a process, so any write, truncation,
    chmod or utime in between shows) and a SHA-256 of sampled blocks (the first and last
    MiB and 32 blocks of 64 KiB spread over the file); changed() compares two snapshots.
    Reading a few MiB per file keeps this at well under a second for the whole lab.
  * read-only opens: traced() runs kdive under strace (only the path syscalls, through a
    seccomp filter, so it costs little); refusals() reads the log back and lists
    every syscall that named an input file other than an open for reading only (no
    O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND) or a stat/access/readlink: a truncate,
    unlink, rename, chmod, utime or an open for writing of a dump fails the run, and so
    does a run that never opened the dump (then the trace proved nothing). LeakSanitizer
    cannot run under ptrace, so an ASan build (sanitized()) is not traced: PROBE, a shell
    escape at the end of its session, lists the descriptors kdive holds with their open
    flags and its file mappings with their permissions, and probe_refusals() fails a
    descriptor of a dump not opened O_RDONLY or a shared writable mapping of one (the
    normal build's traced runs prove every open of the same code).
"""
import hashlib
import os
import re
import shutil

SAMPLE = 64 * 1024
EDGE = 1024 * 1024
SPREAD = 32


def _digest(path, size):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        offs = [0]
        if size > EDGE:
            offs += [size * i // (SPREAD + 1) for i in range(1, SPREAD + 1)]
            offs.append(max(0, size - EDGE))
        for off in offs:
            f.seek(off)
            h.update(f.read(EDGE if off in (0, max(0, size - EDGE)) else SAMPLE))
    return h.hexdigest()


def snapshot(paths):
    """{path: (size, inode, mtime_ns, ctime_ns, mode, sampled sha256)} of the files that exist."""
    snap = {}
    for p in sorted(set(paths)):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            snap[p] = None
            continue
        snap[p] = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_mode, _digest(p, st.st_size))
    return snap


FIELDS = ("size", "inode", "mtime", "ctime", "mode", "sampled sha256")


def changed(before, after):
    """One line per file whose record differs between two snapshots."""
    out = []
    for p, was in before.items():
        now = after.get(p)
        if was == now:
            continue
        if was is None or now is None:
            out.append(f"{p}: {'appeared' if was is None else 'disappeared'} during the run")
            continue
        diff = [f"{n} {a} -> {b}" for n, a, b in zip(FIELDS, was, now) if a != b]
        out.append(f"{p} was modified during the run: " + ", ".join(diff))
    return out


def strace_available():
    return shutil.which("strace") is not None


def sanitized(binary):
    """True for an AddressSanitizer build: LeakSanitizer cannot run under ptrace (strace), so
    such a build is proved by probe() instead, and its leaks stay checked."""
    try:
        with open(binary, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def traceable(binary):
    return strace_available() and not sanitized(binary)


# A shell escape run as a session's last command (kdive is its parent): every file descriptor
# kdive holds, with its open flags, and every mapping of a file, with its permissions.
PROBE = ("!for f in /proc/$PPID/fd/*; do echo \"@@fd $(readlink $f) $(sed -n 's/^flags:[[:space:]]*//p' "
         "/proc/$PPID/fdinfo/${f##*/})\"; done >&2; awk '$6 ~ /^\\// {print \"@@map \" $6 \" \" $2}' /proc/$PPID/maps >&2")


def probe_refusals(stderr, inputs):
    """(bad, held): from PROBE's lines, each descriptor of an input not opened read-only and
    each shared writable mapping of one; held counts the descriptors and mappings per input."""
    real = {os.path.realpath(p): p for p in inputs}
    bad, held = [], {p: 0 for p in inputs}
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0] not in ("@@fd", "@@map"):
            continue
        name = real.get(os.path.realpath(parts[1]))
        if not name:
            continue
        held[name] += 1
        if parts[0] == "@@fd" and int(parts[2], 8) & 3:
            bad.append(f"{name}: kdive holds it open with flags {parts[2]} (not O_RDONLY)")
        if parts[0] == "@@map" and "w" in parts[2] and "s" in parts[2]:
            bad.append(f"{name}: kdive maps it shared and writable ({parts[2]})")
    return bad, held


def traced(argv, log):
    """argv run under strace: the path syscalls of kdive and its children go to log."""
    return ["strace", "-f", "-qq", "--seccomp-bpf", "-s", "4096", "-e", "trace=%file", "-o", log] + list(argv)


# 1234 openat(AT_FDCWD, "/path", O_RDONLY|O_CLOEXEC) = 3
_LINE = re.compile(r'^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+|\?)')
_STR = re.compile(r'"((?:[^"\\]|\\.)*)"')
READ_ONLY_CALLS = {"stat", "lstat", "newfstatat", "fstatat64", "statx", "access", "faccessat", "faccessat2",
                   "readlink", "readlinkat", "getxattr", "lgetxattr", "listxattr", "llistxattr", "statfs"}
OPEN_CALLS = {"open", "openat", "openat2", "creat"}
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")


def refusals(log, inputs, cwd):
    """(bad, read_only_opens): the syscalls of the trace that touched one of inputs in a way
    other than reading, and how many successful read-only opens of each input it made."""
    real = {os.path.realpath(p): p for p in inputs}
    bad, opens = [], {p: 0 for p in inputs}
    try:
        f = open(log, errors="replace")
    except FileNotFoundError:
        return [f"no strace log {log}"], opens
    with f:
        for line in f:
            m = _LINE.match(line.strip())
            if not m:
                continue
            call, args, ret = m.groups()
            if call in ("execve", "execveat"):
                continue  # the input paths are kdive's arguments there, not opened
            s = _STR.search(args)
            if not s or not s.group(1):
                continue
            path = s.group(1)
            full = os.path.realpath(os.path.join(cwd, path))
            if full not in real:
                continue
            name = real[full]
            if call in READ_ONLY_CALLS:
                continue
            if call in OPEN_CALLS:
                flags = args[s.end():]
                if call == "creat" or any(w in flags for w in WRITE_FLAGS):
                    bad.append(f"{name}: {line.strip()}")
                elif ret not in ("?",) and not ret.startswith("-"):
                    opens[name] += 1
                continue
            bad.append(f"{name}: {line.strip()}")
    return bad, opens


def selftest():
    """Problems with refusals() itself, on a made-up trace: [] when it tells reads from writes."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        dump, log = os.path.join(d, "vmcore"), os.path.join(d, "log")
        open(dump, "w").close()
        with open(log, "w") as f:
            f.write(f'1 execve("/bin/kdive", ["kdive", "{dump}"], 0x0 /* 1 var */) = 0\n'
                    f'1 openat(AT_FDCWD, "{dump}", O_RDONLY|O_CLOEXEC) = 3\n'
                    f'1 newfstatat(AT_FDCWD, "{dump}", {{st_mode=S_IFREG|0644, st_size=0, ...}}, 0) = 0\n'
                    f'1 openat(AT_FDCWD, "{d}/out", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 4\n'
                    f'1 openat(AT_FDCWD, "{dump}", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 5\n'
                    f'1 truncate("{dump}", 0) = 0\n')
        bad, opens = refusals(log, [dump], d)
        pbad, held = probe_refusals(f"@@fd {dump} 0100000\n@@map {dump} r--p\n@@fd {dump} 0100002\n"
                                    f"@@map {dump} rw-s\n@@fd /dev/null 01\n", [dump])
    problems = []
    if len(pbad) != 2 or held.get(dump) != 4:
        problems.append(f"untouched.probe_refusals: {pbad} {held} in its self-test, 2 refusals of 4 expected")
    if len(bad) != 2:
        problems.append(f"untouched.refusals: {len(bad)} refusals in its self-test, 2 expected: {bad}")
    if opens.get(dump) != 1:
        problems.append(f"untouched.refusals: {opens.get(dump)} read-only opens in its self-test, 1 expected")
    return problems
