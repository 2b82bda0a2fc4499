#!/usr/bin/env python3
"""Derive the corrupt-dump suite from one lab boot (tests/lab/corrupt.sh runs it per kernel).

    corrupt.py --kdive KDIVE --vmlinux VMLINUX --boot DIR --kernel NAME --out DIR [--part I/N]

From DIR's dumps it writes into --out:

  file-level, from mdf-filtered.elf (makedumpfile -E: an ELF vmcore a third of qemu.elf's
  size), mdf-zlib.kdump and mdf-zlib.flat, each a sparse copy (`cp --sparse=always`)
  with one change; with --part I/N only every N-th bit flip from the I-th (corrupt.sh
  gives bookworm the even ones and trixie the odd ones: every field once, half the disk):
    elf-trunc-*, kdump-trunc-*, flat-trunc-*   cut at the header, the program headers or
        bitmaps, the notes or page descriptors, the first page data, half way, 99 %;
    elf-garbage-notes, kdump-garbage-descs, kdump-garbage-data   random bytes over the
        ELF notes, 4 KiB of page descriptors, 64 KiB of compressed page data;
    elf-flip-*, kdump-flip-*, flat-flip-*      one bit flipped (the bit chosen by a seed
        made of the kernel and the field's name, so the set is the same on every run) in
        a field of the ELF header, a program header, a note header or the VMCOREINFO
        text; of the kdump header, sub-header, bitmap or a page descriptor; of the
        flattened header or a block header;
  memory-level (a sparse copy of qemu.elf with a few words changed at the file offset
  that backs a kernel address; kdive translates the address (vtop, vtop -c PID), the
  PT_LOAD table gives the offset, and kdive's rd reads the patched word back from the
  new file, which must equal what was written, or the helper fails):
    mem-task-cycle      a task's tasks.next points back at an earlier task
    mem-mm-garbage      one user task's mm points into kernel text, another's at an
                        address no page backs
    mem-maple           a user task's maple tree root node: impossible end (metadata)
                        and pivots out of order
    mem-module-loop     a module's list.next points back at an earlier module
    mem-printk          descriptors' text positions far outside the text ring
    mem-printk-bits     desc_ring.count_bits 60 (a ring of 2^60 descriptors)
    mem-pte             a user page's PTE points far past the end of memory
    mem-slab-cycle      a per-cpu freelist's first object points at itself (encoded as
                        CONFIG_SLAB_FREELIST_HARDENED stores it: ptr ^ s->random ^
                        swab(address of the pointer)); in a second cache the second
                        free object points back at the first
    mem-files-net       a task's fdtable claiming 2^31 - 1 descriptors; a network
                        device whose dev_list.next points at itself
    mem-counters        totalram_pages 0, free pages 2^63 - 1, jiffies_64 and avenrun[0]
                        2^64 - 1: the arithmetic of sys, ps, kmem -i, timer
    mem-stack           a task's saved stack pointer at the bottom of its stack; another
                        task's stack pointer into nothing
    mem-garbage         random bytes over a whole task_struct, mm_struct, kmem_cache and
                        struct module
    mem-garbage2        random bytes over a files_struct, a net_device, a super_block, CPU 0's
                        runqueue and its first timer base
    mem-garbage3        random bytes over a sleeping task's stack page, a VMA, a maple root
                        node, a CPU slab's struct slab, 4 KiB of printk descriptors
    mem-list-tree       super_blocks' fifth entry points back at the third, and an
                        rbtree node of free_vmap_area_root gets its parent as its left child

and cases.json: one entry per dump with its commands and expectations (the error each
targeted command must report), read by tests/e2e/corrupt.py.
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--kdive", required=True)
ap.add_argument("--vmlinux", required=True)
ap.add_argument("--boot", required=True)
ap.add_argument("--kernel", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--part", default="0/1",
                help="I/N: of the bit-flip fields, only every N-th from the I-th (two kernels share the list, "
                     "so that each field is flipped once and the set stays small on disk)")
args = ap.parse_args()

ELF_SRC = os.path.join(args.boot, "qemu.elf")
ELF_FILE_SRC = os.path.join(args.boot, "mdf-filtered.elf")  # a third of qemu.elf's size: the file-level ELF cases
KDUMP_SRC = os.path.join(args.boot, "mdf-zlib.kdump")
FLAT_SRC = os.path.join(args.boot, "mdf-zlib.flat")
cases = []


def log(msg):
    print(f"[corrupt {args.kernel}] {msg}", file=sys.stderr)


def die(msg):
    log("error: " + msg)
    sys.exit(1)


def copy(src, name, trunc=None):
    dst = os.path.join(args.out, name)
    if trunc is None:
        subprocess.run(["cp", "--sparse=always", "--reflink=auto", src, dst], check=True)
    else:
        # only the bytes kept are copied
        with open(src, "rb") as f, open(dst, "wb") as g:
            left = trunc
            while left:
                b = f.read(min(left, 1 << 20))
                if not b:
                    break
                if b.count(0) == len(b):
                    g.seek(len(b), 1)
                else:
                    g.write(b)
                left -= len(b)
            g.truncate(trunc)
    os.chmod(dst, 0o444)
    return dst


def poke(path, off, data):
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(data)
    os.chmod(path, 0o444)


def add(name, path, kind, src, what, expect=None, extra=(), structures=1):
    """structures: how many structures the case damaged (a command may say each once)."""
    cases.append({"id": f"{args.kernel}-{name}", "kernel": args.kernel, "kind": kind, "source": os.path.basename(src),
                  "dump": path, "vmlinux": args.vmlinux, "what": what, "expect": expect or {}, "commands": list(extra),
                  "structures": structures})


PART, NPARTS = map(int, args.part.split("/"))
nflip = 0


def flip(src, prefix, name, off, width, what):
    """One bit of the width-byte field at off, chosen by a seed of kernel and name."""
    global nflip
    nflip += 1
    if (nflip - 1) % NPARTS != PART:
        return
    rng = random.Random(f"{args.kernel}:{prefix}:{name}")
    bitno = rng.randrange(width * 8)
    with open(src, "rb") as f:
        f.seek(off + bitno // 8)
        byte = f.read(1)[0]
    path = copy(src, f"{prefix}-flip-{name}.{ext_of(prefix)}")
    poke(path, off + bitno // 8, bytes([byte ^ (1 << (bitno % 8))]))
    add(f"{prefix}-flip-{name}", path, "file", src, f"{what}: bit {bitno} of the {width}-byte field at file offset {off:#x} flipped")


def garbage_file(src, prefix, name, off, n, what, structures=1):
    """n random bytes (a seed of kernel and name) over the file at off. structures: how many
    kernel structures it may damage (random page descriptors give ~170 pages others' data)."""
    rng = random.Random(f"{args.kernel}:{prefix}:{name}")
    path = copy(src, f"{prefix}-garbage-{name}.{ext_of(prefix)}")
    poke(path, off, bytes(rng.randrange(256) for _ in range(n)))
    add(f"{prefix}-garbage-{name}", path, "file", src, f"{what}: {n} random bytes at file offset {off:#x}",
        structures=structures)


def ext_of(prefix):
    return {"elf": "elf", "kdump": "kdump", "flat": "flat"}[prefix]


def trunc(src, prefix, name, size, what):
    path = copy(src, f"{prefix}-trunc-{name}.{ext_of(prefix)}", trunc=size)
    add(f"{prefix}-trunc-{name}", path, "file", src, f"{what}: truncated to {size} of {os.path.getsize(src)} bytes")


# ---------------------------------------------------------------- ELF

def elf_layout(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        if eh[:4] != b"\x7fELF" or eh[4] != 2:
            die(f"{path}: not an ELF64 file")
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
        phdrs = []
        for i in range(phnum):
            t, fl, off, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", ph, i * phentsize)
            phdrs.append({"i": i, "type": t, "offset": off, "vaddr": va, "paddr": pa, "filesz": fs, "memsz": ms,
                          "at": phoff + i * phentsize})
        notes = []
        for p in phdrs:
            if p["type"] != 4:
                continue
            f.seek(p["offset"])
            buf = f.read(p["filesz"])
            pos = 0
            while pos + 12 <= len(buf):
                nsz, dsz, typ = struct.unpack_from("<III", buf, pos)
                name = buf[pos + 12:pos + 12 + nsz].rstrip(b"\0").decode(errors="replace")
                desc = pos + 12 + ((nsz + 3) & ~3)
                notes.append({"at": p["offset"] + pos, "name": name, "type": typ, "namesz": nsz, "descsz": dsz,
                              "desc": p["offset"] + desc, "text": buf[desc:desc + dsz]})
                pos = desc + ((dsz + 3) & ~3)
    return {"phoff": phoff, "phentsize": phentsize, "phnum": phnum, "phdrs": phdrs, "notes": notes}


def elf_file_cases(src):
    L = elf_layout(src)
    size = os.path.getsize(src)
    loads = [p for p in L["phdrs"] if p["type"] == 1 and p["filesz"]]
    note = next(p for p in L["phdrs"] if p["type"] == 4)
    first = min(p["offset"] for p in loads)
    trunc(src, "elf", "header", 40, "ELF header cut in e_phoff")
    trunc(src, "elf", "phdrs", L["phoff"] + L["phentsize"] * L["phnum"] // 2, "half of the program headers")
    trunc(src, "elf", "notes", note["offset"] + note["filesz"] // 2, "half of the PT_NOTE segment")
    trunc(src, "elf", "data-start", first + 4096 * 3 + 100, "three pages into the first PT_LOAD")
    trunc(src, "elf", "half", size // 2 + 123, "half of the page data")
    trunc(src, "elf", "99pct", size * 99 // 100, "99 % of the file")
    for name, off, w, what in (("ident-class", 4, 1, "e_ident[EI_CLASS]"), ("ident-data", 5, 1, "e_ident[EI_DATA]"),
                               ("machine", 18, 2, "e_machine"), ("phoff", 32, 8, "e_phoff"),
                               ("phentsize", 54, 2, "e_phentsize"), ("phnum", 56, 2, "e_phnum")):
        flip(src, "elf", name, off, w, what)
    # the PT_LOAD backing the most memory (the kernel's image and the direct map below 4 GiB)
    big = max(loads, key=lambda p: p["filesz"])
    flip(src, "elf", "note-offset", note["at"] + 8, 8, "PT_NOTE p_offset")
    flip(src, "elf", "note-filesz", note["at"] + 32, 8, "PT_NOTE p_filesz")
    flip(src, "elf", "load-offset", big["at"] + 8, 8, f"PT_LOAD[{big['i']}] p_offset")
    flip(src, "elf", "load-paddr", big["at"] + 24, 8, f"PT_LOAD[{big['i']}] p_paddr")
    flip(src, "elf", "load-filesz", big["at"] + 32, 8, f"PT_LOAD[{big['i']}] p_filesz")
    flip(src, "elf", "load-memsz", big["at"] + 40, 8, f"PT_LOAD[{big['i']}] p_memsz")
    garbage_file(src, "elf", "notes", note["offset"], note["filesz"], "the whole PT_NOTE segment")
    prs = [n for n in L["notes"] if n["type"] == 1]
    vmci = next((n for n in L["notes"] if n["name"] == "VMCOREINFO"), None)
    if prs:
        flip(src, "elf", "prstatus-namesz", prs[0]["at"], 4, "the first NT_PRSTATUS note's n_namesz")
        flip(src, "elf", "prstatus-descsz", prs[0]["at"] + 4, 4, "the first NT_PRSTATUS note's n_descsz")
        # struct elf_prstatus: pr_reg at 112; RSP is its 20th register, RIP its 17th
        flip(src, "elf", "prstatus-rsp", prs[0]["desc"] + 112 + 19 * 8, 8, "the first NT_PRSTATUS note's RSP")
    if vmci:
        flip(src, "elf", "vmcoreinfo-descsz", vmci["at"] + 4, 4, "the VMCOREINFO note's n_descsz")
        for key in (b"OSRELEASE=", b"KERNELOFFSET=", b"SYMBOL(swapper_pg_dir)=", b"PAGESIZE="):
            at = vmci["text"].find(key)
            if at >= 0:
                name = "vmcoreinfo-" + re.sub(r"[^a-z0-9]+", "-", key.decode().lower()).strip("-")
                flip(src, "elf", name, vmci["desc"] + at + len(key), 2, f"the value of VMCOREINFO's {key.decode()}")
    return L


# ---------------------------------------------------------------- kdump and flattened

def kdump_file_cases(src):
    with open(src, "rb") as f:
        hdr = f.read(464)
        if hdr[:8] != b"KDUMP   ":
            die(f"{src}: not a compressed kdump file")
        block, sub_blocks, bitmap_blocks, max_mapnr = struct.unpack_from("<IIII", hdr, 428)
        f.seek(block)
        sub = f.read(104)
        bitmap_off = (1 + sub_blocks) * block
        f.seek(bitmap_off + bitmap_blocks * block // 2)
        bm2 = f.read(bitmap_blocks * block // 2)
    ndesc = sum(bin(b).count("1") for b in bm2)
    desc_off = bitmap_off + bitmap_blocks * block
    data_off = desc_off + ndesc * 24
    size = os.path.getsize(src)
    trunc(src, "kdump", "header", 300, "kdump header cut in its utsname")
    trunc(src, "kdump", "subheader", block + 40, "kdump sub-header cut in size_vmcoreinfo")
    trunc(src, "kdump", "bitmap", bitmap_off + bitmap_blocks * block * 3 // 4, "the second bitmap cut half way")
    trunc(src, "kdump", "descs", desc_off + (ndesc // 2) * 24 + 7, "the page descriptors cut half way")
    trunc(src, "kdump", "data", data_off + (size - data_off) // 2 + 5, "the page data cut half way")
    for name, off, w, what in (("signature", 0, 8, "signature"), ("version", 8, 4, "header_version"),
                               ("release", 12 + 2 * 65, 8, "utsname.release"), ("status", 424, 4, "status (compression flags)"),
                               ("block-size", 428, 4, "block_size"), ("sub-hdr-size", 432, 4, "sub_hdr_size"),
                               ("bitmap-blocks", 436, 4, "bitmap_blocks"), ("max-mapnr", 440, 4, "max_mapnr"),
                               ("nr-cpus", 460, 4, "nr_cpus")):
        flip(src, "kdump", name, off, w, f"kdump header {what}")
    for name, off, w, what in (("phys-base", 0, 8, "phys_base"), ("dump-level", 8, 4, "dump_level"),
                               ("off-vmcoreinfo", 32, 8, "offset_vmcoreinfo"), ("size-vmcoreinfo", 40, 8, "size_vmcoreinfo"),
                               ("off-note", 48, 8, "offset_note"), ("size-note", 56, 8, "size_note"),
                               ("max-mapnr-64", 96, 8, "max_mapnr_64")):
        flip(src, "kdump", "sub-" + name, block + off, w, f"kdump sub-header {what}")
    flip(src, "kdump", "bitmap2", bitmap_off + bitmap_blocks * block // 2 + 64, 8, "the second bitmap, pfns 512-575")
    garbage_file(src, "kdump", "descs", desc_off + (ndesc // 2) * 24, 4096, "the middle of the page descriptors",
                 structures=16)
    garbage_file(src, "kdump", "data", data_off + (size - data_off) // 2, 65536, "the middle of the compressed page data",
                 structures=16)
    mid = desc_off + (ndesc // 3) * 24
    flip(src, "kdump", "desc-offset", mid, 8, f"page descriptor {ndesc // 3}'s offset")
    flip(src, "kdump", "desc-size", mid + 8, 4, f"page descriptor {ndesc // 3}'s size")
    flip(src, "kdump", "desc-flags", mid + 12, 4, f"page descriptor {ndesc // 3}'s flags")


def flat_file_cases(src):
    size = os.path.getsize(src)
    blocks = []
    with open(src, "rb") as f:
        if f.read(12) != b"makedumpfile":
            die(f"{src}: not a flattened file")
        pos = 4096
        while pos + 16 <= size and len(blocks) < 200000:
            f.seek(pos)
            off, ln = struct.unpack(">qq", f.read(16))
            blocks.append((pos, off, ln))
            if off < 0 or ln <= 0:
                break
            pos += 16 + ln
    trunc(src, "flat", "header", 2048, "flattened header cut half way")
    trunc(src, "flat", "block-header", blocks[1][0] + 8, "the second block header cut after its offset")
    trunc(src, "flat", "half", size // 2 + 9, "half of the blocks")
    trunc(src, "flat", "99pct", size * 99 // 100, "99 % of the file")
    for name, off, w, what in (("signature", 0, 12, "signature"), ("type", 16, 8, "type"), ("version", 24, 8, "version")):
        flip(src, "flat", name, off, w, f"flattened header {what}")
    mid = blocks[len(blocks) // 2]
    flip(src, "flat", "first-offset", blocks[0][0], 8, "the first block header's offset")
    flip(src, "flat", "first-size", blocks[0][0] + 8, 8, "the first block header's size")
    flip(src, "flat", "mid-offset", mid[0], 8, f"block header {len(blocks) // 2}'s offset")
    flip(src, "flat", "mid-size", mid[0] + 8, 8, f"block header {len(blocks) // 2}'s size")


# ---------------------------------------------------------------- memory-level

def kdive(dump, commands):
    """Outputs of commands (one kdive batch run), one string each."""
    with tempfile.TemporaryDirectory(prefix="kdive-corrupt-") as work:
        cmdfile = os.path.join(work, "cmds")
        with open(cmdfile, "w") as f:
            for i, c in enumerate(commands):
                f.write(f"{c} > {work}/{i}.out\n")
        env = dict(os.environ, TZ="UTC", LC_ALL="C", KDIVE_HISTFILE="/dev/null")
        p = subprocess.run([args.kdive, "-s", "-i", cmdfile, args.vmlinux, dump], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors="replace", env=env, timeout=600)
        outs = []
        for i in range(len(commands)):
            try:
                with open(os.path.join(work, f"{i}.out"), errors="replace") as f:
                    outs.append(f.read())
            except FileNotFoundError:
                die(f"kdive did not run `{commands[i]}` on {dump}: {p.stderr[-500:]}")
        return outs


def values(dump, exprs):
    """p/x EXPR for each: the integers."""
    outs = kdive(dump, [f"p/x {e}" for e in exprs])
    vals = []
    for e, o in zip(exprs, outs):
        m = re.search(r"= (?:\([^)]*\) )?(0x[0-9a-f]+)", o)
        if not m:
            die(f"p/x {e}: no value in {o.strip()[:300]!r}")
        vals.append(int(m.group(1), 16))
    return vals


def phys_of(dump, addrs, pid=None):
    cmds = [f"vtop {'-c %d ' % pid if pid else ''}{a:#x}" for a in addrs]
    out = []
    for a, o in zip(addrs, kdive(dump, cmds)):
        m = re.search(r"^\s*([0-9a-f]+)\s+([0-9a-f]+)\s*$", o, re.M)
        if not m or int(m.group(1), 16) != a:
            die(f"vtop {a:#x}: no translation in {o.strip()[:300]!r}")
        out.append(int(m.group(2), 16))
    return out


def file_offset(L, paddr, n):
    for p in L["phdrs"]:
        if p["type"] == 1 and p["paddr"] <= paddr and paddr + n <= p["paddr"] + p["filesz"]:
            return p["offset"] + paddr - p["paddr"]
    die(f"physical {paddr:#x} is not in the dump's PT_LOAD table")


def mem_case(L, name, patches, what, expect, extra=(), pid=None, structures=1):
    """patches: [(kernel vaddr, 8-byte value or bytes, user pid or None)] written into a sparse copy of qemu.elf."""
    path = copy(ELF_SRC, f"mem-{name}.elf")
    checks = []
    for vaddr, val, ppid in patches:
        data = val if isinstance(val, bytes) else struct.pack("<Q", val & (2**64 - 1))
        # page by page: a virtual range need not be physically contiguous (vmalloc, modules)
        pos = 0
        while pos < len(data):
            n = min(len(data) - pos, 4096 - (vaddr + pos) % 4096)
            if ppid is None:
                paddr, = phys_of(ELF_SRC, [vaddr + pos])
            else:
                paddr = vaddr + pos  # already physical (a page table entry)
            chunk = data[pos:pos + n]
            poke(path, file_offset(L, paddr, n), chunk)
            checks.append((paddr, chunk[:8]))  # its first word read back below
            pos += n
    # read back through kdive from the patched dump: the patch landed where kdive reads
    outs = kdive(path, [f"rd -p -64 {pa:#x} {(len(d) + 7) // 8}" for pa, d in checks])
    for (pa, d), o in zip(checks, outs):
        words = re.findall(r"\b[0-9a-f]{16}\b", o.split(":", 1)[1] if ":" in o else o)
        want = [f"{w:016x}" for w in struct.unpack(f"<{(len(d) + 7) // 8}Q", d.ljust((len(d) + 7) // 8 * 8, b"\0"))]
        if words[:len(want)] != want:
            die(f"mem-{name}: read back {words[:len(want)]} at physical {pa:#x}, wrote {want}")
    add(f"mem-{name}", path, "memory", ELF_SRC, what, expect, extra, structures)


def ps_tasks(dump):
    out = kdive(dump, ["ps"])[0]
    rows = []
    for line in out.splitlines()[1:]:
        f = line.lstrip(">").split()
        if len(f) >= 9:
            rows.append({"pid": int(f[0]), "ppid": int(f[1]), "task": int(f[3], 16), "comm": f[8]})
    return rows


def memory_cases(L):
    src = ELF_SRC
    tasks = ps_tasks(src)
    if len(tasks) < 30:
        die("fewer than 30 tasks in the dump's ps")
    off = dict(zip(("tasks", "mm", "list", "s_list", "rb_left", "va_rb", "offset", "random", "cpu_slab"),
                   values(src, ["&((struct task_struct *)0)->tasks", "&((struct task_struct *)0)->mm",
                                "&((struct module *)0)->list", "&((struct super_block *)0)->s_list",
                                "&((struct rb_node *)0)->rb_left", "&((struct vmap_area *)0)->rb_node",
                                "&((struct kmem_cache *)0)->offset", "&((struct kmem_cache *)0)->random",
                                "&((struct kmem_cache *)0)->cpu_slab"])))
    user = [t for t in tasks if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    kthreads = sorted((t for t in tasks if t["ppid"] == 2), key=lambda t: t["pid"])
    if len(user) < 3 or len(kthreads) < 12:
        die("the boot has too few workload tasks or kernel threads")

    # a cyclic task list: the 12th kernel thread's tasks.next -> the 4th's tasks
    a, b = kthreads[11], kthreads[3]
    mem_case(L, "task-cycle", [(a["task"] + off["tasks"], b["task"] + off["tasks"], None)],
             f"task {a['pid']}'s tasks.next points back at task {b['pid']}'s (a cycle in the task list)",
             {"ps": {"error": r"task list", "partial": True, "session": True}},
             ["ps -a", "files 1", f"bt {a['pid']}"])

    # mm into kernel text and into nothing
    t1, t2 = user[0], user[1]
    text, = values(src, ["&_stext"])
    mem_case(L, "mm-garbage", [(t1["task"] + off["mm"], text + 0x1000, None),
                               (t2["task"] + off["mm"], 0xffffc9ffdead0000, None)],
             f"task {t1['pid']} ({t1['comm']})'s mm points into kernel text (_stext+0x1000); task {t2['pid']}'s at "
             "0xffffc9ffdead0000, which no page backs",
             {f"vm {t2['pid']}": {"error": r"ffffc9ffdead|mm|read|memory", "partial": False}},
             [f"vm {t1['pid']}", f"vm {t2['pid']}", f"files {t1['pid']}", f"vm -m {t1['pid']}", f"ps -G {t1['pid']}"],
             structures=2)

    # maple root node: end (metadata) and pivots
    mt = user[2]
    root, = values(src, [f"((struct task_struct *){mt['task']:#x})->mm->mm_mt.ma_root"])
    node, mtype = root & ~0xff, (root >> 3) & 0xf
    mm_mt, = values(src, [f"&((struct task_struct *){mt['task']:#x})->mm->mm_mt"])
    if mtype not in (1, 2, 3):
        die(f"maple root {root:#x} of type {mtype}")
    # maple_arange_64 (type 3) keeps its metadata after gap[]; range_64 and leaf_64 in the last slot
    meta, = values(src, ["&((struct maple_arange_64 *)0)->meta" if mtype == 3 else "&((struct maple_range_64 *)0)->meta"])
    meta += node
    mem_case(L, "maple", [(node + 8, 0xfffffffffffff000, None), (node + 16, 0x1000, None),
                          (meta, 0xfe, None)],
             f"task {mt['pid']}'s maple tree root node {node:#x} (type {mtype}): pivot[0] past pivot[1] and an end of "
             "254 slots",
             {f"vm {mt['pid']}": {"error": r"maple|node|slot|pivot|tree", "partial": False}},
             [f"vm {mt['pid']}", f"vm -m {mt['pid']}", f"tree -t maple {mm_mt:#x}", f"ps -G {mt['pid']}"])

    # module list loop: in the list's own order (the newest module first), the 5th module's
    # list.next points back at the 2nd's
    links = values(src, ["modules.next"])
    for _ in range(4):
        links += values(src, [f"((struct list_head *){links[-1]:#x})->next"])
    m5, m2 = links[4], links[1]
    mem_case(L, "module-loop", [(m5, m2, None)],
             "in list order, the 5th module's list.next points back at the 2nd's (a loop in the module list)",
             {"mod": {"error": r"modul|list|cycle", "partial": True}}, ["sym -l", "mod -s dummy"])

    # printk: descriptors with text positions outside the data ring, and count_bits 60
    prb, = values(src, ["prb"])
    descs, bits, head = values(src, [f"((struct printk_ringbuffer *){prb:#x})->desc_ring.descs",
                                     f"((struct printk_ringbuffer *){prb:#x})->desc_ring.count_bits",
                                     f"((struct printk_ringbuffer *){prb:#x})->desc_ring.head_id.counter"])
    dsize, lpos = values(src, ["sizeof(struct prb_desc)", "&((struct prb_desc *)0)->text_blk_lpos"])
    cb, = values(src, ["&((struct printk_ringbuffer *)0)->desc_ring.count_bits"])
    patches = []
    for k in (head - 3, head - 10, head - 11):
        d = descs + (k & ((1 << bits) - 1)) * dsize
        patches += [(d + lpos, 0x4000000000000000 + k * 64, None), (d + lpos + 8, 0x4000000000000040 + k * 64, None)]
    mem_case(L, "printk", patches,
             "three printk descriptors (head-3, head-10, head-11) whose text_blk_lpos are 2^62 past the text ring",
             {"log": {"error": r"log|ring|descriptor|text|record", "partial": True}}, ["log -T", "log -m"])
    # (count_bits is an unsigned int followed by padding before descs: 8 bytes written)
    mem_case(L, "printk-bits", [(prb + cb, 60, None)],
             "desc_ring.count_bits 60 (a ring of 2^60 descriptors)",
             {"log": {"error": r"log|ring|descriptor|count|bits", "partial": False}}, ["log -T"])

    # a user page's PTE pointing 2 TiB up
    pt = user[0]
    vmout = kdive(src, [f"vm {pt['pid']}"])[0]
    starts = [int(a, 16) for a in re.findall(r"^[0-9a-f]{16}\s+([0-9a-f]+)\s+[0-9a-f]+\s", vmout, re.M)]
    if not starts:
        die(f"vm {pt['pid']}: no VMAs")
    pte_pa = None
    for uaddr, vt in zip(starts, kdive(src, [f"vtop -c {pt['pid']} {a:#x}" for a in starts])):
        m = re.search(r"^\s*PTE:\s*([0-9a-f]+)\s*=>\s*([0-9a-f]+)", vt, re.M)
        if m and int(m.group(2), 16) & 1:  # a present page
            pte_pa, pte = int(m.group(1), 16), int(m.group(2), 16)
            break
    if pte_pa is None:
        die(f"no VMA start of task {pt['pid']} is mapped by a present PTE")
    bad = (pte & ~0x000ffffffffff000) | (0x20000000000 & 0x000ffffffffff000)
    mem_case(L, "pte", [(pte_pa, bad, pt["pid"])],
             f"the PTE of task {pt['pid']}'s {uaddr:#x} (physical {pte_pa:#x}) points at physical 0x20000000000, "
             "far past memory",
             {}, [f"vtop -c {pt['pid']} {uaddr:#x}", f"vm -p {pt['pid']}", f"set {pt['pid']}", f"rd -u {uaddr:#x} 4",
                  f"ps -a {pt['pid']}"])

    # slab freelist cycles, encoded as the hardened freelist stores them
    pcpu0, = values(src, ["__per_cpu_offset[0]"])
    cands = []
    for i in range(3, 12):
        try:
            cache, = values(src, [f"kmalloc_caches[0][{i}]"])
        except SystemExit:
            continue
        if not cache:
            continue
        cs, soff, srnd = values(src, [f"((struct kmem_cache *){cache:#x})->cpu_slab",
                                      f"((struct kmem_cache *){cache:#x})->offset",
                                      f"((struct kmem_cache *){cache:#x})->random"])
        fl, = values(src, [f"((struct kmem_cache_cpu *){cs + pcpu0:#x})->freelist"])
        name = kdive(src, [f"p ((struct kmem_cache *){cache:#x})->name"])[0]
        nm = re.search(r'"([^"]+)"', name)
        if fl and nm:
            cands.append((cache, soff, srnd, fl, nm.group(1)))
        if len(cands) == 2:
            break
    if len(cands) < 2:
        die("fewer than two kmalloc caches with a per-cpu freelist on CPU 0")

    def swab(v):
        return int.from_bytes(v.to_bytes(8, "little"), "big")

    def enc(ptr, at, rnd):
        return ptr ^ rnd ^ swab(at)

    (c1, o1, r1, f1, n1), (c2, o2, r2, f2, n2) = cands
    stored, = values(src, [f"*(unsigned long *){f2 + o2:#x}"])
    second = stored ^ r2 ^ swab(f2 + o2)
    if not second or abs(second - f2) > (1 << 22):
        die(f"{n2}: the decoded second free object {second:#x} is not near {f2:#x} (freelist encoding not understood)")
    mem_case(L, "slab-cycle", [(f1 + o1, enc(f1, f1 + o1, r1), None), (second + o2, enc(f2, second + o2, r2), None)],
             f"{n1}: CPU 0's first free object {f1:#x} points at itself; {n2}: the second free object {second:#x} "
             f"points back at the first {f2:#x} (both encoded as the hardened freelist stores them)",
             {f"kmem -S {n1}": {"error": r"free|cycle|list|slab", "partial": False}, f"kmem -S {n2}": {"error": r"free|cycle|list|slab", "partial": False}},
             [f"kmem -S {n1}", f"kmem -S {n2}", f"kmem {f1:#x}", f"kmem {second:#x}"], structures=2)

    # list and tree targets: super_blocks and free_vmap_area_root
    sbs = values(src, ["super_blocks.next"])
    for _ in range(4):
        sbs += values(src, [f"((struct list_head *){sbs[-1]:#x})->next"])
    root, = values(src, ["free_vmap_area_root.rb_node"])
    left, = values(src, [f"((struct rb_node *){root:#x})->rb_left"])
    sbl, = values(src, ["&super_blocks"])
    if not left:
        die("free_vmap_area_root's root has no left child")
    # (back at the third: a list that comes back to its first or second entry, or to the
    # entry itself, ends there quietly, in crash's list as in kdive's, as a circular list
    # without a head does)
    mem_case(L, "list-tree", [(sbs[4], sbs[2], None), (left + off["rb_left"], root, None)],
             "the fifth super_block's s_list.next points back at the third; free_vmap_area_root's root's left child "
             "has the root as its own left child",
             {f"list -H {sbl:#x}": {"error": r"list|cycle|loop|entries", "partial": True},
              "tree -t rbtree -o vmap_area.rb_node free_vmap_area_root": {"error": r"tree|cycle|loop|entries|node", "partial": True}},
             [f"list -H {sbl:#x}", f"list -o super_block.s_list -H {sbl:#x} -s super_block.s_id",
              "tree -t rbtree -o vmap_area.rb_node free_vmap_area_root", "mount", "kmem -v"], structures=2)


def misc_cases(L):
    """files and net: an fd table claiming 2^31 - 1 descriptors, a network device list loop."""
    src = ELF_SRC
    user = [t for t in ps_tasks(src) if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    ft = user[0]
    fdt, maxoff = values(src, [f"((struct task_struct *){ft['task']:#x})->files->fdt", "&((struct fdtable *)0)->max_fds"])
    devs = values(src, ["init_net.dev_base_head.next"])
    for _ in range(2):
        devs += values(src, [f"((struct list_head *){devs[-1]:#x})->next"])
    head, = values(src, ["&init_net.dev_base_head"])
    if head in devs[:2]:
        die("fewer than two network devices")
    # (max_fds is an unsigned int before 4 bytes of padding: 8 bytes written)
    mem_case(L, "files-net", [(fdt + maxoff, 0x7fffffff, None), (devs[1], devs[1], None)],
             f"task {ft['pid']}'s fdtable claims 2^31 - 1 descriptors; the second network device's dev_list.next "
             "points at itself",
             {f"files {ft['pid']}": {"error": r"fd|file|descriptor|max", "partial": True},
              "net": {"error": r"list|device|duplicate|loop", "partial": True}},
             [f"files {ft['pid']}", "net -a", "net -s", f"net -s {ft['pid']}", "foreach files"], structures=2)


def counter_cases(L):
    """Counters that commands divide by or add up, and a sleeping task's stack: the arithmetic
    of sys, ps, kmem -i and timer on absurd values (UBSan's ground), bt from a bad frame."""
    src = ELF_SRC
    ram, free, jif, avg = values(src, ["&_totalram_pages", "&vm_zone_stat[0]", "&jiffies_64", "&avenrun[0]"])
    mem_case(L, "counters", [(ram, 0, None), (free, 0x7fffffffffffffff, None), (jif, 0xffffffffffffffff, None),
                             (avg, 0xffffffffffffffff, None)],
             "totalram_pages 0 (what %MEM divides by), vm_zone_stat[NR_FREE_PAGES] 2^63 - 1, jiffies_64 2^64 - 1, "
             "avenrun[0] 2^64 - 1",
             {"kmem -i": {"error": r"_totalram_pages .*is 0", "partial": False}},
             ["ps -a 1", "kmem -V", "kmem -z", "timer -r", "sys -t", "ps -t 1"], structures=4)
    user = [t for t in ps_tasks(src) if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    a, b = user[0], user[1]
    sp_off, stack_off = values(src, ["&((struct task_struct *)0)->thread.sp", "&((struct task_struct *)0)->stack"])
    stack, = values(src, [f"((struct task_struct *){a['task']:#x})->stack"])
    mem_case(L, "stack", [(a["task"] + sp_off, stack + 8, None), (b["task"] + stack_off, 0xdead000000000000, None)],
             f"task {a['pid']}'s saved stack pointer at the bottom of its stack (what it finds there is no frame); "
             f"task {b['pid']}'s stack pointer 0xdead000000000000",
             {f"bt {b['pid']}": {"error": r"stack|sp|not", "partial": False}},
             [f"bt {a['pid']}", f"bt {b['pid']}", f"bt -f {a['pid']}", f"bt -F {a['pid']}", f"task {b['pid']}"],
             structures=2)


def garbage_cases(L):
    """Whole structures overwritten with random bytes (a seed per kernel): a user task's
    task_struct, another's mm_struct, kmalloc-64's kmem_cache and the third module's struct
    module, so that every field of each is absurd at once."""
    src = ELF_SRC
    rng = random.Random(f"{args.kernel}:garbage")
    user = [t for t in ps_tasks(src) if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    t1, t2 = user[0], user[1]
    tsz, msz, csz, modsz = values(src, ["sizeof(struct task_struct)", "sizeof(struct mm_struct)",
                                        "sizeof(struct kmem_cache)", "sizeof(struct module)"])
    mm2, cache, mod = values(src, [f"((struct task_struct *){t2['task']:#x})->mm", "kmalloc_caches[0][6]", "modules.next"])
    mod = values(src, [f"((struct list_head *){mod:#x})->next"])[0]
    mod = values(src, [f"((struct list_head *){mod:#x})->next"])[0]
    lst, = values(src, ["&((struct module *)0)->list"])
    mod -= lst
    name = re.search(r'"([^"]+)"', kdive(src, [f"p ((struct kmem_cache *){cache:#x})->name"])[0]).group(1)
    mname = re.search(r'"([^"]+)"', kdive(src, [f"p ((struct module *){mod:#x})->name"])[0]).group(1)

    def junk(n):
        return bytes(rng.randrange(256) for _ in range(n))
    mem_case(L, "garbage", [(t1["task"], junk(tsz), None), (mm2, junk(msz), None), (cache, junk(csz), None),
                            (mod, junk(modsz), None)],
             f"random bytes over task {t1['pid']}'s task_struct ({tsz} bytes), task {t2['pid']}'s mm_struct, "
             f"the {name} kmem_cache and module {mname}'s struct module",
             {}, [f"bt {t1['pid']}", f"vm {t1['pid']}", f"files {t1['pid']}", f"vm {t2['pid']}", f"ps -G {t2['pid']}",
                  f"kmem -S {name}", f"mod -s {mname}", "sym -l", "foreach files", "foreach vm", "ps -a"],
             structures=4)


def garbage2_cases(L):
    """More whole structures of random bytes: a task's files_struct, a network device, a
    super_block, CPU 0's runqueue and its first timer base."""
    src = ELF_SRC
    rng = random.Random(f"{args.kernel}:garbage2")
    user = [t for t in ps_tasks(src) if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    t = user[0]
    files, fsz, ndsz, sbsz, rqsz, tbsz = values(src, [
        f"((struct task_struct *){t['task']:#x})->files", "sizeof(struct files_struct)", "sizeof(struct net_device)",
        "sizeof(struct super_block)", "sizeof(struct rq)", "sizeof(struct timer_base)"])
    devs = values(src, ["init_net.dev_base_head.next"])
    devs += values(src, [f"((struct list_head *){devs[-1]:#x})->next"])
    dl, = values(src, ["&((struct net_device *)0)->dev_list"])
    sb = values(src, ["super_blocks.next"])
    for _ in range(2):
        sb += values(src, [f"((struct list_head *){sb[-1]:#x})->next"])
    sl, = values(src, ["&((struct super_block *)0)->s_list"])
    # (CPU 0's: CPU 1 is offline in the lab's boots, and its per-CPU area lies past the memory the dump holds)
    # (a per-CPU symbol's offset from sym: p &runqueues adds the KASLR offset to it)
    pcpu0, = values(src, ["__per_cpu_offset[0]"])
    rq, tb = (int(o.split()[0], 16) for o in kdive(src, ["sym runqueues", "sym timer_bases"]))

    def junk(n):
        return bytes(rng.randrange(256) for _ in range(n))
    mem_case(L, "garbage2", [(files, junk(fsz), None), (devs[1] - dl, junk(ndsz), None), (sb[2] - sl, junk(sbsz), None),
                             (rq + pcpu0, junk(rqsz), None), (tb + pcpu0, junk(tbsz), None)],
             f"random bytes over task {t['pid']}'s files_struct, the second network device, the third super_block, "
             "CPU 0's runqueue and CPU 0's first timer base",
             {}, [f"files {t['pid']}", "foreach files", "net -a", f"net -s {t['pid']}", "mount", "runq -t", "runq -g",
                  "timer -C 0", "bt -a", "ps -m", "set -c 0"],
             structures=5)


def garbage3_cases(L):
    """Random bytes where walkers and the unwinder read: the stack page a sleeping task's
    saved stack pointer is on, a task's first VMA, another's maple tree root node, kmalloc-128's
    CPU 0 slab (struct slab) and the first 4 KiB of the printk descriptor ring."""
    src = ELF_SRC
    rng = random.Random(f"{args.kernel}:garbage3")
    user = [t for t in ps_tasks(src) if t["comm"].startswith("kdive-") and t["ppid"] == 1]
    a, b, c = user[0], user[1], user[2]
    sp, root, descs, ssz, nsz = values(src, [
        f"((struct task_struct *){a['task']:#x})->thread.sp", f"((struct task_struct *){c['task']:#x})->mm->mm_mt.ma_root",
        "prb->desc_ring.descs", "sizeof(struct slab)", "sizeof(struct maple_node)"])
    slab, = values(src, ["((struct kmem_cache_cpu *)((unsigned long)kmalloc_caches[0][7]->cpu_slab + "
                         "__per_cpu_offset[0]))->slab"])
    vmas = re.findall(r"^([0-9a-f]{16})\s+[0-9a-f]+\s+[0-9a-f]+\s", kdive(src, [f"vm {b['pid']}"])[0], re.M)
    vsz, = values(src, ["sizeof(struct vm_area_struct)"])
    if not vmas or not slab:
        die("no VMA or no kmalloc-128 CPU slab for garbage3")

    def junk(n):
        return bytes(rng.randrange(256) for _ in range(n))
    page = sp & ~0xfff
    mem_case(L, "garbage3", [(page, junk(4096), None), (int(vmas[0], 16), junk(vsz), None),
                             (root & ~0xff, junk(nsz), None), (slab, junk(ssz), None), (descs, junk(4096), None)],
             f"random bytes over the stack page holding task {a['pid']}'s saved stack pointer, task {b['pid']}'s first "
             f"VMA, task {c['pid']}'s maple root node, kmalloc-128's CPU 0 slab and the first 4 KiB of the printk "
             "descriptors",
             {}, [f"bt {a['pid']}", f"bt -f {a['pid']}", f"bt -F {a['pid']}", f"vm {b['pid']}", f"vm -p {b['pid']}",
                  f"vm {c['pid']}", f"tree -t maple -v {root & ~0xff:#x}", "kmem -S kmalloc-128", "log -m", "log -T"],
             structures=5)


def main():
    os.makedirs(args.out, exist_ok=True)
    for p in (ELF_SRC, ELF_FILE_SRC, KDUMP_SRC, FLAT_SRC):
        if not os.path.exists(p):
            die(f"missing {p}")
    L = elf_layout(ELF_SRC)
    memory_cases(L)
    misc_cases(L)
    counter_cases(L)
    garbage_cases(L)
    garbage2_cases(L)
    garbage3_cases(L)
    elf_file_cases(ELF_FILE_SRC)
    kdump_file_cases(KDUMP_SRC)
    flat_file_cases(FLAT_SRC)
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    log(f"{len(cases)} corrupted dumps")


main()
