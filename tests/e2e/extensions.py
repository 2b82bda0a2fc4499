#!/usr/bin/env python3
"""Extension modules end to end, as a module author meets them.

  * `make install DESTDIR=<tmp>` of kdive's build directory installs kdive, every public
    header (include/kdive/*.h, no more, no less), kdive.pc, the man page and the shipped
    modules in $(pkglibdir)/extensions;
  * kdive's dynamic symbol table holds the API (kd_*) and otherwise only symbols that a
    library it links defines (copy relocations such as stdout or rl_line_buffer);
  * extensions/*.c build against the installed header with `pkg-config --cflags kdive`
    (-Werror), and the header also compiles as C++;
  * on lab dumps (one per kernel, among them the kdump boot, whose guest has two virtio
    disks: tests/lab/kdump.sh), each module loads with `extend NAME` through
    $KDIVE_EXTENSIONS, its commands show what the workload guarantees (facts.json: the
    release, the panic message; the disks), it unloads with `extend -u` and reloads;
  * refusals change nothing: another API major, a newer minor, a file that is not ELF, an
    ELF file that is not a shared object, a missing symbol, a command name already taken,
    an init that fails, a missing module;
  * lifecycle: a 1.0-layout module still loads, commands registered from init belong to
    the module, fini runs on unload and at exit, ~/.config/kdive/extensions loads at start-up;
  * a module defining functions named like kdive internals (str_rstrip, xmalloc) calls its own.
Ends with the plain line "N passed, N failed"; exit status 1 on any failure.
"""
import argparse
import glob
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
from run import lab_dir, read_manifest  # noqa: E402

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


class Checks:
    def __init__(self):
        self.passed, self.failures = 0, []

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}", flush=True)
        return cond


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", **kw)


# ---- fixtures: small modules, each for one behaviour -------------------------------------

FIXTURES = {
    # Built for the next major version: refused, naming both versions.
    "future": r"""
#include <kdive/kdive.h>
static int future(kd_session *s, int argc, char **argv) { return 0; }
static const struct kd_command cmds[] = {{"future", future, "future", "", "", 0}, {0}};
static const struct kd_module_info info = {(KDIVE_API_MAJOR + 1) << 16, "future", cmds, 0, 0,
	sizeof(struct kd_module_info), sizeof(struct kd_command)};
KD_API const struct kd_module_info *kdive_module_info(void) { return &info; }
""",
    # Built for a newer minor than this kdive: refused.
    "newer": r"""
#include <kdive/kdive.h>
static int newer(kd_session *s, int argc, char **argv) { return 0; }
static const struct kd_command cmds[] = {{"newer", newer, "newer", "", "", 0}, {0}};
static const struct kd_module_info info = {KDIVE_API_VERSION + 1, "newer", cmds, 0, 0,
	sizeof(struct kd_module_info), sizeof(struct kd_command)};
KD_API const struct kd_module_info *kdive_module_info(void) { return &info; }
""",
    # The API 1.0 layout (no size members): still loads and runs.
    "old10": r"""
#include <kdive/kdive.h>
struct command_1_0 { const char *name; kd_command_fn run; const char *synopsis, *summary, *help; unsigned flags; };
struct info_1_0 { unsigned api_version; const char *name; const struct command_1_0 *commands;
	int (*init)(kd_session *); void (*fini)(kd_session *); };
static int old10(kd_session *s, int argc, char **argv) { kd_printf(s, "a module of API 1.0 runs\n"); return 0; }
static const struct command_1_0 cmds[] = {{"old10", old10, "old10", "1.0 layout", "", 0},
	{"old10b", old10, "old10b", "1.0 layout", "", 0}, {0}};
static const struct info_1_0 info = {1u << 16, "old10", cmds, 0, 0};
KD_API const struct kd_module_info *kdive_module_info(void) { return (const struct kd_module_info *)&info; }
""",
    # Needs a function kdive does not export: dlopen refuses it.
    "undef": r"""
#include <kdive/kdive.h>
int kd_no_such_function(void);
static int undef(kd_session *s, int argc, char **argv) { return kd_no_such_function(); }
static const struct kd_command cmds[] = {{"undefcmd", undef, "undefcmd", "", "", 0}, {0}};
KD_MODULE("undef", cmds, 0, 0);
""",
    # One free name and one taken by a built-in: the whole module is refused.
    "clash": r"""
#include <kdive/kdive.h>
static int c(kd_session *s, int argc, char **argv) { return 0; }
static const struct kd_command cmds[] = {{"clashfree", c, "clashfree", "", "", 0}, {"sym", c, "sym", "", "", 0}, {0}};
KD_MODULE("clash", cmds, 0, 0);
""",
    # A name another module has (hello).
    "clash2": r"""
#include <kdive/kdive.h>
static int c(kd_session *s, int argc, char **argv) { return 0; }
static const struct kd_command cmds[] = {{"clash2free", c, "clash2free", "", "", 0}, {"hello", c, "hello", "", "", 0}, {0}};
KD_MODULE("clash2", cmds, 0, 0);
""",
    # An init that registers a command, then fails: nothing stays.
    "initfail": r"""
#include <kdive/kdive.h>
static int c(kd_session *s, int argc, char **argv) { return 0; }
static const struct kd_command extra = {"initfail_extra", c, "initfail_extra", "", "", 0};
static const struct kd_command cmds[] = {{"initfail_cmd", c, "initfail_cmd", "", "", 0}, {0}};
static int init(kd_session *s) { kd_register_command(s, &extra); return kd_fail(s, "deliberately refused"); }
KD_MODULE("initfail", cmds, init, 0);
""",
    # Registers a command from its init: the module owns it. fini leaves a mark in a file.
    "lifecycle": r"""
#include <kdive/kdive.h>
#include <stdio.h>
#include <stdlib.h>
static int c(kd_session *s, int argc, char **argv) { kd_printf(s, "registered from init\n"); return 0; }
static const struct kd_command extra = {"fromi" "nit", c, "frominit", "", "", 0};
static const struct kd_command cmds[] = {{"lifecycle", c, "lifecycle", "", "", 0}, {0}};
static int init(kd_session *s) { return kd_register_command(s, &extra); }
static void fini(kd_session *s)
{
	FILE *f = fopen(getenv("KDIVE_TEST_FINI"), "a");
	if (f) { fputs("fini\n", f); fclose(f); }
}
KD_MODULE("lifecycle", cmds, init, fini);
""",
    # A function named like a kdive internal (str_rstrip) and one named like a function of a
    # library in kdive's process (readline's xmalloc). Built twice: "interpose" with pkg-config's
    # flags, "naive" with -I only (default visibility: its calls to them go through the PLT and
    # bind to the first definition in the process's global scope, where kdive exports only kd_*).
    "interpose": r"""
#include <kdive/kdive.h>
#include <stdlib.h>
#include <string.h>
#ifndef NAME
#define NAME "interpose"
#endif
static char mine;
void str_rstrip(char *s) { strcpy(s, "module"); }
void *xmalloc(size_t n) { return &mine; }
static int interpose(kd_session *s, int argc, char **argv)
{
	char buf[16] = "kdive   ";
	str_rstrip(buf);
	void *p = xmalloc(1);
	kd_printf(s, "str_rstrip: %s's\nxmalloc: %s's\n", buf, p == &mine ? "module" : "another");
	if (p != &mine)
		free(p); /* another library's xmalloc (the naive build meets readline's) */
	return 0;
}
static const struct kd_command cmds[] = {{NAME, interpose, NAME, "", "", 0}, {0}};
KD_MODULE(NAME, cmds, 0, 0);
""",
}

CXX_CHECK = r"""
#include <kdive/kdive.h>
static int cxx(kd_session *s, int, char **) { return kd_printf(s, "c++\n") < 0 ? -1 : 0; }
static const struct kd_command cmds[] = {{"cxx", cxx, "cxx", "", "", 0}, {0, 0, 0, 0, 0, 0}};
KD_MODULE("cxx", cmds, 0, 0);
"""


# ---- install, exports, build --------------------------------------------------------------

def install(c, builddir, dest):
    p = run(["make", "-s", "-C", builddir, "install", f"DESTDIR={dest}"])
    if not c.check(p.returncode == 0, f"make install DESTDIR: {p.stderr[-2000:]}"):
        return None
    pcs = glob.glob(os.path.join(dest, "**", "pkgconfig", "kdive.pc"), recursive=True)
    if not c.check(len(pcs) == 1, f"kdive.pc installed once under {dest}: {pcs}"):
        return None
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]), PKG_CONFIG_SYSROOT_DIR=dest)
    var = lambda v: run(["pkg-config", f"--variable={v}", "kdive"], env=env).stdout.strip()
    prefix = var("prefix").removeprefix(dest)  # pkg-config may put the sysroot in front, or not
    root = dest + prefix
    # What was installed: every public header, the man page, kdive, the shipped modules.
    want = sorted(os.path.basename(h) for h in glob.glob(os.path.join(TOP, "include", "kdive", "*.h")))
    inc = os.path.join(dest + var("includedir").removeprefix(dest), "kdive")
    got = sorted(os.listdir(inc)) if os.path.isdir(inc) else []
    c.check(got == want, f"installed headers {got} are include/kdive/*.h {want} (Makefile.am kdiveinclude_HEADERS)")
    c.check(os.path.isfile(os.path.join(root, "share", "man", "man1", "kdive.1")), "man page installed")
    kdive = os.path.join(root, "bin", "kdive")
    c.check(os.access(kdive, os.X_OK), "kdive installed")
    extdir = dest + var("extensionsdir").removeprefix(dest)
    shipped = sorted(os.path.basename(f)[:-2] + ".so" for f in glob.glob(os.path.join(TOP, "extensions", "*.c")))
    got = sorted(os.listdir(extdir)) if os.path.isdir(extdir) else []
    c.check(got == shipped, f"{extdir} holds the shipped modules {shipped}: {got}")
    # The installed kdive looks for bare names in the installed directory (its help says which).
    p = run([kdive, "-v"])
    c.check(p.returncode == 0, "installed kdive runs")
    return {"env": env, "root": root, "kdive": kdive, "extdir_installed": var("extensionsdir").removeprefix(dest),
            "include": os.path.dirname(inc),
            "cflags": run(["pkg-config", "--cflags", "kdive"], env=env).stdout.split()}


def check_exports(c, kdive):
    """Only kd_* API symbols, plus names a linked library defines (copy relocations)."""
    syms = run(["nm", "-D", "--defined-only", kdive]).stdout.split("\n")
    names = {l.split()[-1].split("@")[0] for l in syms if l.strip()}
    api = {n for n in names if n.startswith("kd_")}
    c.check(len(api) >= 20, f"kdive exports the API: {len(api)} kd_ symbols")
    libs = re.findall(r"=> (/\S+)", run(["ldd", kdive]).stdout)
    from_libs = set()
    for lib in libs:
        out = run(["nm", "-D", "--defined-only", lib]).stdout
        from_libs |= {l.split()[-1].split("@")[0] for l in out.split("\n") if l.strip()}
    other = sorted(n for n in names - api if n not in from_libs)
    c.check(not other, f"nm -D {kdive}: symbols neither kd_ nor defined by a linked library: {other}")
    c.check("kd_cmd_extend" not in names, "built-in command tables (kd_cmd_*) are not exported")
    # The interposition fixture's str_rstrip must be the name of a kdive internal to mean anything.
    internal = run(["nm", "--defined-only", os.path.join(os.path.dirname(kdive), "libkdive.a")]).stdout
    c.check(re.search(r" T str_rstrip$", internal, re.M), "str_rstrip is a function of kdive (libkdive.a)")


def api_version(root):
    text = open(os.path.join(root, "include", "kdive", "common.h")).read()
    major = int(re.search(r"#define KDIVE_API_MAJOR (\d+)", text).group(1))
    minor = int(re.search(r"#define KDIVE_API_MINOR (\d+)", text).group(1))
    return major, minor


def build_modules(c, inst, work):
    """extensions/*.c and the fixtures, against the installed header only."""
    cc = os.environ.get("CC", "cc")
    strict = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2"]
    ext, fix = os.path.join(work, "ext"), os.path.join(work, "fixtures")
    os.makedirs(ext)
    os.makedirs(fix)
    for src in sorted(glob.glob(os.path.join(TOP, "extensions", "*.c"))):
        so = os.path.join(ext, os.path.basename(src)[:-2] + ".so")
        p = run([cc, "-shared", "-fPIC", *strict, "-fvisibility=hidden", *inst["cflags"], src, "-o", so], env=inst["env"])
        c.check(p.returncode == 0, f"{os.path.basename(src)} builds with pkg-config --cflags kdive: {p.stderr[-1500:]}")
    for name, text in FIXTURES.items():
        src = os.path.join(fix, name + ".c")
        with open(src, "w") as f:
            f.write(text)
        p = run([cc, "-shared", "-fPIC", "-std=gnu11", "-Wno-unused-parameter", *inst["cflags"], src, "-o",
                 os.path.join(fix, name + ".so")])
        c.check(p.returncode == 0, f"fixture {name} builds: {p.stderr[-1500:]}")
    p = run([cc, "-shared", "-fPIC", "-Wno-unused-parameter", "-DNAME=\"naive\"", "-I" + inst["include"],
             os.path.join(fix, "interpose.c"), "-o", os.path.join(fix, "naive.so")])
    c.check(p.returncode == 0, f"fixture naive builds: {p.stderr[-1500:]}")
    with open(os.path.join(fix, "notelf.so"), "w") as f:
        f.write("this is not a shared object\n")
    # the first 1000 bytes of a real module (dlopen of it died of SIGBUS), a copy anybody may
    # write, and a copy stamped for another machine (EM_AARCH64)
    with open(os.path.join(ext, "hello.so"), "rb") as f:
        good = f.read()
    with open(os.path.join(fix, "truncated.so"), "wb") as f:
        f.write(good[:1000])
    with open(os.path.join(fix, "worldw.so"), "wb") as f:
        f.write(good)
    os.chmod(os.path.join(fix, "worldw.so"), 0o666)
    with open(os.path.join(fix, "arm.so"), "wb") as f:
        f.write(good[:18] + (183).to_bytes(2, "little") + good[20:])
    p = run([cc, "-c", "-fPIC", *inst["cflags"], os.path.join(fix, "old10.c"), "-o", os.path.join(fix, "object.so")])
    c.check(p.returncode == 0, "an object file builds")
    cxx = shutil.which(os.environ.get("CXX", "c++"))
    if cxx:
        src = os.path.join(fix, "cxx.cc")
        with open(src, "w") as f:
            f.write(CXX_CHECK)
        p = run([cxx, "-shared", "-fPIC", "-Wall", "-Wextra", *inst["cflags"], src, "-o", os.path.join(fix, "cxx.so")])
        c.check(p.returncode == 0, f"<kdive/kdive.h> compiles as C++ (extern \"C\"): {p.stderr[-1500:]}")
    return ext, fix


# ---- sessions --------------------------------------------------------------------------------

def session(kdive, row, commands, work, env, silent=True):
    """One kdive start: each command's output in its own file; returns (process, outputs)."""
    d = tempfile.mkdtemp(dir=work)
    outs = []
    with open(os.path.join(d, "cmds"), "w") as f:
        for i, cmd in enumerate(commands):
            outs.append(os.path.join(d, f"{i}.out"))
            f.write(f"{cmd} > {outs[-1]}\n")
        f.write("q\n")
    env = dict(env, TZ="UTC", LC_ALL="C", KDIVE_HISTFILE="/dev/null")
    p = run([kdive, *(["-s"] if silent else []), "-i", os.path.join(d, "cmds"), row["vmlinux"], row["dump"]],
            stdin=subprocess.DEVNULL, env=env, timeout=600)
    res = []
    for o in outs:
        try:
            with open(o, errors="replace") as f:
                res.append(f.read())
        except FileNotFoundError:
            res.append(None)
    return p, dict(zip(commands, res)) if len(set(commands)) == len(commands) else res


def no_sanitizer_report(c, p, what):
    c.check(not any(m in p.stderr for m in SANITIZER_MARKS), f"{what}: sanitizer report: {p.stderr[-3000:]}")


def record_lines(text):
    return [l for l in (text or "").split("\n") if re.match(r"^\[\s*\d+\.\d{6}\] ", l)]


def check_facts(c, kdive, row, ext, work, env):
    """The shipped modules on one dump: load by name, run, check the workload's facts, unload, reload."""
    facts = json.load(open(row["facts"]))
    rid = row["id"]
    env = dict(env, KDIVE_EXTENSIONS=f"/nonexistent:{ext}")
    cmds = ["extend", "extend hello", "extend disks", "extend logf.so", "extend ", "hello", "disks", "disks -r",
            "logf", "log", "logf -l emerg", "logf -l emerg -m", "logf -l notice -t", "logf -l err+", "logf -c",
            "logf -m", "help logf", "extend -u disks", "extend  ", "disks  ", "extend disks ", "disks ", "extend -u",
            "extend   "]
    p, o = session(kdive, row, cmds, work, env)
    no_sanitizer_report(c, p, rid)
    c.check(o["extend"] == "extend: no extension modules loaded\n", f"{rid}: extend lists no modules: {o['extend']!r}")
    for name in ("hello", "disks", "logf"):
        key = "extend logf.so" if name == "logf" else f"extend {name}"
        c.check(o[key] == f"{ext}/{name}.so: shared object loaded (module {name}, 1 command)\n",
                f"{rid}: `{key}` finds {name} on $KDIVE_EXTENSIONS: {o[key]!r}")
    listing = (o["extend "] or "").split("\n")
    c.check(listing[0].split() == ["MODULE", "SHARED", "OBJECT", "COMMANDS"] and
            [l.split() for l in listing[1:4]] == [[n, f"{ext}/{n}.so", n] for n in ("hello", "disks", "logf")],
            f"{rid}: extend lists the three modules, their files and commands: {o['extend ']!r}")
    c.check(f"Linux version {facts['release']}" in (o["hello"] or ""), f"{rid}: hello reads linux_banner: {o['hello']!r}")

    # disks: the kdump boot's guest has two virtio disks (tests/lab/kdump.sh: 512M and 1280M);
    # every guest has the loop module's devices (7:N), the one behind a facts mount holding the
    # 8 MiB ext4 image (tests/lab/guest.sh), the others empty. Idle when it panics: nothing in flight.
    rows = [l.split() for l in (o["disks"] or "").split("\n")[1:] if l.strip()]
    full = [r for r in rows if len(r) == 10]
    got = [(r[2], " ".join(r[3:5]), r[6], r[7:10]) for r in full]
    loops = [r for r in rows if r and r[0].startswith("7:")]
    mounted = {m["devname"][len("/dev/"):] for m in facts.get("mounts", []) if m.get("devname", "").startswith("/dev/loop")}
    if facts.get("modules") is not None and "loop" in facts["modules"]:
        c.check(loops and all(re.match(r"^loop\d+$", r[2]) for r in loops) and
                {r[2] for r in loops if len(r) == 10 and r[3:5] == ["8", "MB"]} == mounted and
                all(r[3] == "0" for r in loops if r[2] not in mounted),
                f"{rid}: disks shows the loop devices, {sorted(mounted)} with the 8 MB ext4 image: {o['disks']!r}")
        got = [g for g in got if not g[0].startswith("loop")]
    if row["boot"] == "kdump":
        c.check(got == [("vda", "512 MB", "mq", ["0", "0", "0"]), ("vdb", "1.2 GB", "mq", ["0", "0", "0"])],
                f"{rid}: disks shows vda (512 MB) and vdb (1.2 GB), blk-mq, idle: {o['disks']!r}")
        c.check(all(re.match(r"^\d+:\d+$", r[0]) and re.match(r"^[0-9a-f]{16}$", r[1]) for r in rows),
                f"{rid}: disks: device numbers and gendisk addresses: {o['disks']!r}")
    elif not loops:
        c.check(rows == [["(no", "disks)"]], f"{rid}: disks: the guest has no disk: {o['disks']!r}")
    else:
        c.check(not got, f"{rid}: disks: the guest has no disk but its loop devices: {o['disks']!r}")
    c.check(o["disks -r"] == o["disks"], f"{rid}: disks -r adds no request where none is in flight")

    # logf: the kernel's records; the panic is emerg, the banner notice (both facility kern).
    panic = f"Kernel panic - not syncing: {facts['panic_message']}"
    banner = f"Linux version {facts['release']}"
    c.check(o["logf"] is not None and o["logf"] == o["log"], f"{rid}: logf without a filter prints what log prints")
    c.check(panic in (o["logf -l emerg"] or "") and banner not in o["logf -l emerg"],
            f"{rid}: logf -l emerg has the panic, not the banner: {(o['logf -l emerg'] or '')[:2000]!r}")
    lines = record_lines(o["logf -l emerg -m"])
    c.check(lines and all(re.match(r"^\[[ \d.]+\] kern\.emerg: ", l) for l in lines),
            f"{rid}: logf -l emerg -m: every record kern.emerg: {lines[:5]}")
    c.check(any(l.startswith(banner) for l in (o["logf -l notice -t"] or "").split("\n")),
            f"{rid}: logf -l notice -t has the banner, untimed")
    c.check(panic in (o["logf -l err+"] or "") and banner not in o["logf -l err+"], f"{rid}: logf -l err+")
    counts = {}
    for l in (o["logf -c"] or "").split("\n")[1:]:
        f = l.split()
        if len(f) == 3:
            counts[(f[0], f[1])] = int(f[2])
    c.check(counts.get(("kern", "emerg"), 0) >= 1 and counts.get(("kern", "notice"), 0) >= 1,
            f"{rid}: logf -c counts kern.emerg and kern.notice records: {o['logf -c']!r}")
    c.check(sum(counts.values()) == len(record_lines(o["logf -m"])),
            f"{rid}: logf -c counts every record logf -m prints ({sum(counts.values())} vs {len(record_lines(o['logf -m']))})")
    c.check("SYNOPSIS\n  logf [-l level" in (o["help logf"] or ""), f"{rid}: help logf shows the module's page")

    # Unload, then reload.
    c.check(o["extend -u disks"] == f"{ext}/disks.so: shared object unloaded\n", f"{rid}: extend -u disks: {o['extend -u disks']!r}")
    c.check([l.split()[0] for l in (o["extend  "] or "").split("\n")[1:] if l.strip()] == ["hello", "logf"],
            f"{rid}: after extend -u disks, hello and logf remain: {o['extend  ']!r}")
    c.check("disks: command not found: disks" in p.stderr,
            f"{rid}: disks is gone after extend -u: {p.stderr[-500:]!r}")
    c.check(o["extend disks "] == f"{ext}/disks.so: shared object loaded (module disks, 1 command)\n" and
            o["disks "] == o["disks"], f"{rid}: disks reloads and shows the same: {o['disks ']!r}")
    c.check(sorted((o["extend -u"] or "").split("\n")) ==
            sorted(["", *[f"{ext}/{n}.so: shared object unloaded" for n in ("hello", "disks", "logf")]]),
            f"{rid}: extend -u unloads every module: {o['extend -u']!r}")
    c.check(o["extend   "] == "extend: no extension modules loaded\n", f"{rid}: nothing left after extend -u")
    c.check(p.returncode == 1 and len([l for l in p.stderr.split("\n") if l]) == 1,
            f"{rid}: exactly one failure (the unloaded disks): {p.stderr!r}")


def check_refusals(c, kdive, row, ext, fix, work, major, minor, inst):
    """Broken modules change nothing; lifecycle; interposition."""
    fini = os.path.join(work, "fini.log")
    env = dict(os.environ, KDIVE_TEST_FINI=fini, KDIVE_EXTENSIONS=ext)
    F = lambda n: os.path.join(fix, n)
    cmds = [f"extend {F('future.so')}", f"extend {F('newer.so')}", f"extend {F('notelf.so')}",
            f"extend {F('object.so')}", f"extend {F('undef.so')}", f"extend {F('clash.so')}",
            f"extend {F('initfail.so')}", "extend no_such_module", f"extend {F('missing.so')}",
            "extend", "clashfree", "initfail_cmd", "initfail_extra",
            f"extend {F('old10.so')}", "old10", "old10b",
            f"extend {F('interpose.so')}", "interpose", f"extend {F('naive.so')}", "naive",
            "extend hello", f"extend {F('clash2.so')}", "clash2free", f"extend {ext}/hello.so",
            f"extend {F('lifecycle.so')}", "frominit", "extend ", "extend -u lifecycle", "frominit ",
            f"extend {F('lifecycle.so')} ", "help extend", f"extend {F('truncated.so')}", f"extend {F('worldw.so')}",
            f"extend {F('arm.so')}"]
    if os.path.exists(F("cxx.so")):
        cmds += [f"extend {F('cxx.so')}", "cxx"]
    p, o = session(kdive, row, cmds, work, env)
    no_sanitizer_report(c, p, "refusals")
    err = p.stderr
    expect = [
        f"extend: {F('future.so')}: built for kdive API {major + 1}.0, this kdive has {major}.{minor}",
        f"extend: {F('newer.so')}: built for kdive API {major}.{minor + 1}, this kdive has {major}.{minor}",
        f"extend: {F('notelf.so')}: not an ELF file; a kdive module is a shared object (cc -shared -fPIC)",
        f"extend: {F('object.so')}: an ELF file but not a shared object",
        f"undefined symbol: kd_no_such_function",
        f"extend: {F('clash.so')}: command \"sym\" is already defined by kdive; module not loaded",
        f"extend: {F('initfail.so')}: its init failed: deliberately refused",
        f"extend: no_such_module: no such module here, in $KDIVE_EXTENSIONS or in {inst['extdir_installed']}",
        f"extend: {F('missing.so')}: no such file",
        "clashfree: command not found: clashfree",
        "initfail_cmd: command not found: initfail_cmd",
        "initfail_extra: command not found: initfail_extra",
        f"extend: {F('clash2.so')}: command \"hello\" is already defined by module hello; module not loaded",
        "clash2free: command not found: clash2free",
        f"extend: {ext}/hello.so: already loaded (module hello)",
        "frominit: command not found: frominit",
        f"extend: {F('truncated.so')}: truncated or damaged: program header",
        f"extend: {F('worldw.so')}: writable by anyone: not loaded (chmod o-w it)",
        f"extend: {F('arm.so')}: built for another machine (ELF class 2, machine 183); this kdive is x86_64",
    ]
    for e in expect:
        c.check(e in err, f"refused with a clear message: {e!r} in stderr")
    lines = [l for l in err.split("\n") if l]
    c.check(len(lines) == len(expect), f"one line per refusal ({len(expect)}): {lines}")
    c.check(o["extend"] == "extend: no extension modules loaded\n", f"refusals left no module behind: {o['extend']!r}")
    c.check(o["old10"] == "a module of API 1.0 runs\n" and o["old10b"] == o["old10"],
            f"a module with the API 1.0 layout loads and runs: {o['old10']!r} {o['old10b']!r}")
    c.check(o["interpose"] == "str_rstrip: module's\nxmalloc: module's\n",
            f"built with pkg-config's flags, a module's str_rstrip and xmalloc are its own: {o['interpose']!r}")
    c.check((o["naive"] or "").startswith("str_rstrip: module's\n"),
            f"built with -I only, a module's str_rstrip (a kdive internal's name) is its own: {o['naive']!r}")
    c.check(o["frominit"] == "registered from init\n", "a command registered from init runs")
    mods = {l.split()[0]: l.split()[2:] for l in (o["extend "] or "").split("\n")[1:] if l.strip()}
    c.check(sorted(mods.get("lifecycle", [])) == ["frominit", "lifecycle"],
            f"the module owns the command its init registered: {o['extend ']!r}")
    c.check(f"{inst['extdir_installed']}," in (o["help extend"] or ""),
            f"help extend names the installed extensions directory {inst['extdir_installed']}")
    if os.path.exists(F("cxx.so")):
        c.check(o["cxx"] == "c++\n", f"a module written in C++ loads and runs: {o['cxx']!r}")
    # fini: once on extend -u, once more at exit (the reloaded module).
    try:
        with open(fini) as f:
            n = f.read().count("fini\n")
    except FileNotFoundError:
        n = 0
    c.check(n == 2, f"fini ran on extend -u and at exit: {n} times")


def check_startup(c, kdive, row, ext, fix, work):
    """${XDG_CONFIG_HOME}/kdive/extensions/*.so load at start-up; a broken one is reported and skipped."""
    conf = os.path.join(work, "config")
    d = os.path.join(conf, "kdive", "extensions")
    os.makedirs(d)
    os.symlink(os.path.join(ext, "hello.so"), os.path.join(d, "hello.so"))
    shutil.copy(os.path.join(fix, "notelf.so"), os.path.join(d, "zz-broken.so"))
    env = dict(os.environ, XDG_CONFIG_HOME=conf)
    p, o = session(kdive, row, ["hello", "extend"], work, env, silent=False)
    no_sanitizer_report(c, p, "start-up")
    c.check(f"{d}/hello.so: shared object loaded (module hello, 1 command)" in p.stdout,
            f"start-up loads {d}/hello.so: {p.stdout[-1000:]!r}")
    c.check(f"kdive: {d}/zz-broken.so: not an ELF file" in p.stderr, f"start-up reports the broken module: {p.stderr!r}")
    c.check("Linux version" in (o["hello"] or ""), "a module loaded at start-up runs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kdive", required=True, help="kdive in its build directory (build/<flavour>/kdive)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    builddir = os.path.dirname(os.path.abspath(args.kdive))
    rows = read_manifest(lab_dir())
    c = Checks()
    work = tempfile.mkdtemp(prefix="kdive-ext-")
    try:
        check_exports(c, args.kdive)
        inst = install(c, builddir, os.path.join(work, "dest"))
        if not inst:
            raise SystemExit(1)
        major, minor = api_version(inst["root"])
        ext, fix = build_modules(c, inst, work)
        if c.failures:
            raise SystemExit(f"extensions: {c.passed} passed, {len(c.failures)} failed (stopped: a module did not build)")
        # One dump of each kernel, the kdump boot's first (it has disks).
        picks = [r for r in rows if r["boot"] == "kdump"][:1]
        for k in sorted({r["kernel"] for r in rows}):
            if not any(p["kernel"] == k for p in picks):
                picks += [r for r in rows if r["kernel"] == k and r["format"] == "qemu-elf"][:1]
        for row in picks:
            check_facts(c, inst["kdive"], row, ext, work, os.environ)
        check_refusals(c, inst["kdive"], picks[0], ext, fix, work, major, minor, inst)
        check_startup(c, inst["kdive"], picks[0], ext, fix, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"extensions: {c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
