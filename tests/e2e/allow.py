"""The rules of tests/e2e/allow-list: each known difference between kdive and crash 8.0.6
is a named rule that proves, on the two outputs at hand, that they differ in exactly that
way and in no other. A rule never excuses a whole output: it removes or rewrites only the
lines its condition names, after checking the condition on the lines themselves (and, where
it needs a fact of the dump, on kdive's answer to a `sym` query), and the rest must still be
equal. So an entry cannot hide a kdive error in another frame, another task or another
boot: if anything else differs, the comparison fails as before.

A rule is a function (crash_lines, kdive_lines, ctx) -> (crash_lines', kdive_lines'): it
removes or rewrites only the lines whose condition it has proved and leaves everything else
alone. Every entry of the allow-list that matches the command and the dump is applied in
turn, and then the two sides must be equal.
"""
import difflib
import re

# " #3 [ffffc90000003e38] panic at ffffffff9d6c17dc" (crash prints the level in %2d-ish form:
# one leading blank below 10)
FRAME = re.compile(r"^ ?#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)(.*)$")
HEADER = re.compile(r"^PID: ")


def frame(line):
    m = FRAME.match(line)
    if not m:
        return None
    return {"n": int(m.group(1)), "slot": int(m.group(2), 16), "name": m.group(3), "addr": int(m.group(4), 16),
            "rest": m.group(5)}


def renumber(lines):
    """Frame numbers as a fresh count in each trace (a trace starts at a PID: header)."""
    out, n = [], 0
    for line in lines:
        if HEADER.match(line):
            n = 0
        m = FRAME.match(line)
        if m:
            prefix = " " if n < 10 else ""
            line = f"{prefix}#{n} [{m.group(2)}] {m.group(3)} at {m.group(4)}{m.group(5)}"
            n += 1
        out.append(line)
    return out


def unnumbered(lines):
    return [FRAME.sub(lambda m: f"# [{m.group(2)}] {m.group(3)} at {m.group(4)}{m.group(5)}", l) for l in lines]


def inserted(a, b):
    """Blocks of lines that b has and a lacks (frame numbers ignored), as index lists into b."""
    sm = difflib.SequenceMatcher(None, unnumbered(a), unnumbered(b), autojunk=False)
    return [list(range(j1, j2)) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag == "insert"]


WORDS = re.compile(r"^    ([0-9a-f]{16}): ((?:[0-9a-f]{16} ?)+)$")
SOURCE = re.compile(r"^    \S*[/.]\S*: \d+$")  # "    kernel/panic.c: 538" (bt -l), never a stack word


def merged_words(lines):
    """bt -f's stack words with the line wrapping taken out: each run of word lines becomes
    one line (its first address and every word), so a run split by a frame line that was
    dropped compares equal to the same words printed in one run."""
    out, run = [], None
    for line in lines:
        m = WORDS.match(line)
        if m:
            words = m.group(2).split()
            if run is None:
                run = [m.group(1)] + words
            else:
                run += words
            continue
        if run is not None:
            out.append("    words " + " ".join(run))
            run = None
        out.append(line)
    if run is not None:
        out.append("    words " + " ".join(run))
    return out


def drop(lines, idx):
    s = set(idx)
    return [l for i, l in enumerate(lines) if i not in s]


# ---- the rules ----

def bt_noreturn_frame(crash, kdive, ctx):
    """
    kdive shows the frame of a function whose last instruction is a call that never returns
    (panic's call to vpanic): the return address is that function's end, which is the first
    byte of the next symbol (add_taint.cold). crash 8.0.6 shows no frame for it at all. Each
    extra kdive line must be a frame whose return address begins a symbol (kdive's `sym ADDR`
    shows no +offset) while kdive names the frame by another function (the caller, from
    ADDR - 1); with -l its source line may follow. Nothing else may differ.
    """
    crash_frames = {(f["slot"], f["name"], f["addr"]) for f in map(frame, crash) if f}
    drop_idx = []
    for i, line in enumerate(kdive):
        f = frame(line)
        if not f or (f["slot"], f["name"], f["addr"]) in crash_frames:
            continue
        at = ctx.symbol_at(f["addr"])
        if not at or at[1] != 0 or at[0] == f["name"].split("+")[0]:
            continue
        drop_idx.append(i)
        j = i + 1
        while j < len(kdive) and SOURCE.match(kdive[j]):  # its source line (bt -l)
            drop_idx.append(j)
            j += 1
    if not drop_idx:
        return crash, kdive
    # The stack words around a dropped frame (bt -f) join into one run, as crash prints them.
    return renumber(merged_words(crash)), renumber(merged_words(drop(kdive, drop_idx)))


STOP_RIP = re.compile(r"^\s+\[exception RIP: stop_this_cpu\+\d+\]$")
REBOOT_ENTRY = ("__sysvec_reboot", "sysvec_reboot", "asm_sysvec_reboot")


def stop_blocks(lines):
    """Where each trace starts with [exception RIP: stop_this_cpu+N]: {header: (index of the
    first line after the register block, RSP)}."""
    out, header = {}, None
    for i, line in enumerate(lines):
        if HEADER.match(line):
            header = line
            continue
        if header is None or not STOP_RIP.match(line) or not HEADER.match(lines[i - 1]):
            continue
        j, rsp = i + 1, None
        while j < len(lines) and REG_LINE.match(lines[j]):
            m = re.match(r"^\s+RIP: [0-9a-f]+\s+RSP: ([0-9a-f]+)", lines[j])
            if m:
                rsp = int(m.group(1), 16)
            j += 1
        if rsp is not None:
            out[header] = (j, rsp)
    return out


def trace_frames(lines, start):
    """(index, frame) of the frame lines of one trace from start, up to the next PID: header."""
    out = []
    for i in range(start, len(lines)):
        if HEADER.match(lines[i]):
            break
        f = frame(lines[i])
        if f:
            out.append((i, f))
    return out


def bt_stale_stop_frame(crash, kdive, ctx):
    """
    A CPU stopped by the panic's stop IPI halts in stop_this_cpu. crash (from the registers of
    a compressed dump's notes) prints [exception RIP: stop_this_cpu+N] and then scans up from
    that RSP: it prints as #0 whatever stale text address lies in stop_this_cpu's own frame
    (sched_clock_idle_wakeup_event+N, update_wall_time+N, enqueue_entity+N: it depends on the
    boot), and when the IPI came in over other kernel code it also loses the reboot IPI's entry
    frames (__sysvec_reboot, sysvec_reboot, asm_sysvec_reboot) on its way up. ORC puts
    stop_this_cpu's return address higher up, in __sysvec_reboot, where kdive's #0 is. In a
    trace that starts with that register block on both sides, the rule drops, below the first
    frame both sides print: crash frames whose slot lies at or above the block's RSP, and
    kdive frames of the reboot IPI entry that crash lacks; nothing else may differ.
    """
    cb, kb = stop_blocks(crash), stop_blocks(kdive)
    drop_c, drop_k = [], []
    for header, (ci, rsp) in cb.items():
        if header not in kb:
            continue
        cf = trace_frames(crash, ci)
        kf = trace_frames(kdive, kb[header][0])
        kkeys = {(f["slot"], f["addr"]) for _, f in kf}
        common = next((f["slot"] for _, f in cf if (f["slot"], f["addr"]) in kkeys), None)
        if common is None:
            continue
        ckeys = {(f["slot"], f["addr"]) for _, f in cf}
        drop_c += [i for i, f in cf if rsp <= f["slot"] < common and (f["slot"], f["addr"]) not in kkeys]
        drop_k += [i for i, f in kf if f["slot"] < common and f["name"] in REBOOT_ENTRY
                   and (f["slot"], f["addr"]) not in ckeys]
    if not drop_c and not drop_k:
        return crash, kdive
    return renumber(drop(crash, drop_c)), renumber(drop(kdive, drop_k))


def user_page_excluded(crash, kdive, ctx):
    """
    makedumpfile -d 31 drops user pages. Where crash says it cannot read a user address, kdive
    says the same words and then why (the physical page, "excluded by makedumpfile -d 31"). Each
    differing kdive line must begin with crash's line and add an explanation that names the
    exclusion; nothing else may differ.
    """
    # From a filtered ELF dump (-E) crash reads a page makedumpfile dropped at the end of a
    # segment (p_filesz < p_memsz) as zeros and prints empty ARG:/ENV: lines; kdive says the
    # page was excluded, in the one error line it prints where the page is missing.
    k2 = []
    for k in kdive:
        k2.append(k)
    c2, i = [], 0
    while i < len(crash):
        if crash[i] == "ARG:" and i + 1 < len(crash) and crash[i + 1] == "ENV:":
            j = len(c2)
            if j < len(k2) and re.match(r"^ps: cannot access user stack address: [0-9a-f]+ \(.*excluded", k2[j]):
                c2.append(k2[j])
                i += 2
                continue
        c2.append(crash[i])
        i += 1
    crash = c2
    if len(crash) != len(kdive):
        return crash, kdive
    out = [c if c != k and k.startswith(c) and "excluded" in k[len(c):] else k for c, k in zip(crash, kdive)]
    return crash, out


EXC_RIP = re.compile(r"^    \[exception RIP: ([^\]]+?)(?:\+(?:0x)?[0-9a-f]+)?\]$")
REG_LINE = re.compile(r"^    (?:RIP|RAX|RDX|RBP|R10|R13|ORIG_RAX|CS): ")


def bt_nested_exception_frame(crash, kdive, ctx):
    """
    An interrupt taken in kernel mode without a stack switch (nested on the IRQ stack, or on
    the task stack as the PREEMPT_RT kernel's timer interrupt inside a page fault) leaves a
    full pt_regs in the middle of a stack. kdive follows ORC through it and shows it as an
    exception frame ([exception RIP: FUNC+OFF] and the registers), as it shows every pt_regs.
    crash 8.0.6 recognises exception frames only where the stack changes and prints the
    saved RIP word of the hardware frame as an ordinary frame "#N [SLOT] FUNC at RIP". Each
    kdive register block replaced must have a crash frame, absent from kdive, with the same
    function and address, at SLOT = (RSP & ~0xf) - 0x28: the RIP word the CPU pushed (it
    aligns RSP to 16 and pushes SS, RSP, RFLAGS, CS, RIP); nothing else may differ.
    When the interrupted RIP is a function's first byte (FUNC with no +offset: the interrupt
    came before the function's first instruction ran), crash skips that word as it skips every
    text address with no offset, and prints no frame at SLOT at all: the block is then dropped
    only when crash prints no frame at SLOT and the stack word kdive reads at SLOT (rd) is
    the RIP.
    """
    crash_slots = {f["slot"] for f in map(frame, crash) if f}
    kdive_frames = {(f["slot"], f["addr"]) for f in map(frame, kdive) if f}
    crash_by = {}
    for line in crash:
        f = frame(line)
        if f and (f["slot"], f["addr"]) not in kdive_frames:
            crash_by[(f["slot"], f["addr"])] = (f["name"], line)
    out, i, changed = [], 0, False
    while i < len(kdive):
        m = EXC_RIP.match(kdive[i])
        if m and i > 0 and frame(kdive[i - 1]):
            j = i + 1
            while j < len(kdive) and REG_LINE.match(kdive[j]):
                j += 1
            regs = " ".join(kdive[i + 1:j])
            rip = re.search(r"\bRIP: ([0-9a-f]{16})", regs)
            rsp = re.search(r"\bRSP: ([0-9a-f]{16})", regs)
            cs = re.search(r"\bCS: ([0-9a-f]+)", regs)
            if rip and rsp and cs and int(cs.group(1), 16) & 3 == 0:
                key = ((int(rsp.group(1), 16) & ~0xF) - 0x28, int(rip.group(1), 16))
                hit = crash_by.get(key)
                if hit and hit[0] == m.group(1):
                    out.append(hit[1])
                    i = j
                    changed = True
                    continue
                if "+" not in kdive[i] and key[0] not in crash_slots and \
                        re.match(rf"^{key[0]:x}:\s+{key[1]:016x}\b", ctx.query(f"rd {key[0]:x}")):
                    i = j
                    changed = True
                    continue
        out.append(kdive[i])
        i += 1
    if not changed:
        return crash, kdive
    return renumber(crash), renumber(out)


RUNQ_ENTRY = re.compile(r"^\s+\[\s*\d+\] PID: (\d+)\s+TASK: ([0-9a-f]+)  COMMAND: \"(.*)\"$")


def runq_released_task(crash, kdive, ctx):
    """
    A process that exited and was released (exit_state EXIT_DEAD, unlinked from the task
    lists and the PID table) can still be queued on a run queue for its last schedule (seen
    on the PREEMPT_RT kernel: an auto-reaped child a moment after exit). kdive lists it
    with the pid and comm of its task_struct; crash 8.0.6 skips queue entries that are not
    in its task table (and says "[no tasks queued]" when it was the only one). Each extra
    kdive line must be such an entry whose task kdive's `ps` does not list and whose
    exit_state is EXIT_DEAD (16); nothing else may differ.
    """
    def released(line):
        m = RUNQ_ENTRY.match(line)
        if not m:
            return False
        task = m.group(2)
        return not re.search(rf"\b{task}\b", ctx.query("ps")) and \
            re.search(r"exit_state = 16,", ctx.query(f"struct task_struct.exit_state {task}")) is not None

    drop_idx = []
    for block in inserted(crash, kdive):
        drop_idx += [i for i in block if released(kdive[i])]
    kdive = drop(kdive, drop_idx)
    # A queue that held only such a task: crash says it is empty.
    sm = difflib.SequenceMatcher(None, crash, kdive, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "replace" and i2 - i1 == 1 and crash[i1].strip() == "[no tasks queued]" \
                and all(released(l) for l in kdive[j1:j2]):
            out.append(crash[i1])
        else:
            out += kdive[j1:j2]
    return crash, out


def task_mms(ctx):
    """pid -> (mm, tgid) of every task, from kdive's `foreach task -R mm,tgid`."""
    out, pid = {}, None
    mm = tgid = None
    for line in ctx.query("foreach task -R mm,tgid").split("\n"):
        m = re.match(r"^PID: (\d+)\s", line)
        if m:
            pid, mm, tgid = int(m.group(1)), None, None
            continue
        m = re.match(r"^\s+mm = (0x[0-9a-f]+),", line)
        if m:
            mm = int(m.group(1), 16)
        m = re.match(r"^\s+tgid = (\d+),", line)
        if m:
            tgid = int(m.group(1))
        if pid is not None and mm is not None and tgid is not None:
            out[pid] = (mm, tgid)
    return out


def ps_rss_shared_mm(crash, kdive, ctx):
    """
    On 6.1 every task keeps the RSS it added since the last sync in task->rss_stat (split RSS
    counting), and it adds to the mm it runs on: a vfork child that faults pages in its
    parent's mm accrues them in its own task_struct. The resident size of an mm is its
    counters plus every pending delta of every task using it, and kdive sums exactly that,
    so a vfork parent and child sharing one mm show the same RSS. crash 8.0.6 adds the
    deltas of the task's thread group only (and only the positive ones), so each of the two
    shows a part. Each line the rule accepts must be a ps row equal but for RSS and %MEM,
    of a task whose mm another task of another thread group also uses; nothing else may differ.
    """
    if len(crash) != len(kdive):
        return crash, kdive
    row = re.compile(r"^([> ]\s*(\d+)\s+\d+\s+\d+\s+[0-9a-f]+\s+\S+)\s+[\d.]+\s+(\d+)\s+\d+(\s+.*)$")
    mms = None
    out = list(kdive)
    for i, (c, k) in enumerate(zip(crash, kdive)):
        if c == k:
            continue
        mc, mk = row.match(c), row.match(k)
        if not mc or not mk or mc.group(1) != mk.group(1) or mc.group(3) != mk.group(3) or mc.group(4) != mk.group(4):
            continue
        if mms is None:
            mms = task_mms(ctx)
        pid = int(mk.group(2))
        if pid not in mms:
            continue
        mm, tgid = mms[pid]
        if any(m == mm and g != tgid for p, (m, g) in mms.items() if p != pid):
            out[i] = c
    return crash, out


def bt_tail_call_frame(crash, kdive, ctx):
    """
    A function that reached its callee through a tail call (inet_sendmsg jumps to
    udp_sendmsg) leaves no frame of its own: the callee returns straight into the function
    that called it (__sock_sendmsg). ORC finds that return address where the callee's frame
    ends, and kdive shows the frame; crash 8.0.6's frame-size guess steps over it. Each
    extra kdive frame must sit between two frames both sides print, its return address must
    follow a direct call (e8 rel32) to a function other than the callee below it, and that
    function must contain a direct jump (e9 rel32) to the callee's start; nothing else may
    differ.
    """
    crash_frames = {(f["slot"], f["addr"]) for f in map(frame, crash) if f}
    drop_idx = []
    frames = [(i, frame(l)) for i, l in enumerate(kdive) if frame(l)]
    for n in range(1, len(frames) - 1):
        i, f = frames[n]
        below, above = frames[n - 1][1], frames[n + 1][1]
        if (f["slot"], f["addr"]) in crash_frames or (below["slot"], below["addr"]) not in crash_frames \
                or (above["slot"], above["addr"]) not in crash_frames:
            continue
        call = rd_bytes(ctx.query(f"rd -8 {f['addr'] - 5:x} 5"))
        if len(call) != 5 or call[0] != 0xE8:
            continue
        target = (f["addr"] + int.from_bytes(bytes(call[1:]), "little", signed=True)) & (2**64 - 1)
        at = ctx.symbol_at(below["addr"])
        if not at:
            continue
        callee = below["addr"] - at[1]
        if target == callee:
            continue
        code = rd_bytes(ctx.query(f"rd -8 {target:x} 2048"))
        if any(code[p] == 0xE9 and (target + p + 5 + int.from_bytes(bytes(code[p + 1:p + 5]), "little", signed=True))
               & (2**64 - 1) == callee for p in range(len(code) - 4)):
            drop_idx.append(i)
    if not drop_idx:
        return crash, kdive
    return renumber(crash), renumber(drop(kdive, drop_idx))


def rd_bytes(text):
    """The bytes of an `rd -8` output."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^[0-9a-f]+:\s+((?:[0-9a-f]{2} )*[0-9a-f]{2})", line)
        if m:
            out += [int(b, 16) for b in m.group(1).split()]
    return out


SYSRQ_PATH = ("sysrq_handle_crash", "__handle_sysrq", "__handle_sysrq.cold", "write_sysrq_trigger", "proc_reg_write",
              "vfs_write", "ksys_write", "__x64_sys_write", "do_syscall_64")


WORDS = re.compile(r"^\s+([0-9a-f]{16}):((?: [0-9a-f]{16})+) ?$")


def bt_stale_panic_path(crash, kdive, ctx):
    """
    The lab panics with `echo c > /proc/sysrq-trigger`: the panic task's stack holds, below
    panic, the write system call into sysrq (sysrq_handle_crash ... ksys_write,
    do_syscall_64). On some boots crash 8.0.6 misjudges the size of panic's frame and
    continues from stale words further up the stack (handle_mm_fault, do_user_addr_fault,
    exit_to_user_mode_prepare of an earlier page fault), rejoining at the syscall entry.
    The rule accepts, in a trace that both sides start with the same panic frame and end
    with the same entry frame and registers, kdive frames between them that are exactly that
    write path (write_sysrq_trigger and ksys_write among them) in place of crash's frames,
    with the lines that belong to those frames (bt -l: their source lines). With bt -f the
    stack words from panic's frame to the entry frame are split among other frames on each
    side: they must be the same words at the same addresses on both. Names compare without
    bt -s's +offset. Nothing else may differ.
    """
    def traces(lines):
        out, cur = {}, None
        for i, line in enumerate(lines):
            if HEADER.match(line):
                cur = out.setdefault(line, [])
            elif cur is not None and frame(line):
                cur.append(i)
        return out

    def name(f):
        return f["name"].split("+")[0]

    def between(lines, idx):
        """The lines strictly between the panic frame and the entry frame to drop (the middle
        frames and what follows each; every stack-word line), and the stack words there."""
        first, last = idx[0], idx[-1]
        drop_i, words = [], {}
        for i in range(first + 1, last):
            m = WORDS.match(lines[i])
            if m:
                base = int(m.group(1), 16)
                for n, w in enumerate(m.group(2).split()):
                    words[base + 8 * n] = w
                drop_i.append(i)
            elif i >= idx[1]:  # a middle frame, or a line of one (bt -l: its source line)
                drop_i.append(i)
        return drop_i, words

    ct, kt = traces(crash), traces(kdive)
    drop_c, drop_k = [], []
    for header, kidx in kt.items():
        cidx = ct.get(header)
        if not cidx or len(kidx) < 3 or len(cidx) < 2:
            continue
        kf = [frame(kdive[i]) for i in kidx]
        cf = [frame(crash[i]) for i in cidx]
        if name(kf[0]) != "panic" or (kf[0]["slot"], kf[0]["addr"]) != (cf[0]["slot"], cf[0]["addr"]) \
                or (kf[-1]["slot"], kf[-1]["addr"]) != (cf[-1]["slot"], cf[-1]["addr"]):
            continue
        middle = [name(f) for f in kf[1:-1]]
        if not middle or any(n not in SYSRQ_PATH for n in middle) or "write_sysrq_trigger" not in middle \
                or "ksys_write" not in middle:
            continue
        if [name(f) for f in cf[1:-1]] == middle:
            continue
        dk, wk = between(kdive, kidx)
        dc, wc = between(crash, cidx)
        if wk != wc:
            continue
        drop_k += dk
        drop_c += dc
    if not drop_k:
        return crash, kdive
    return renumber(drop(crash, drop_c)), renumber(drop(kdive, drop_k))


def jumps_to(ctx, fn, target):
    """Whether the code at fn has a direct jump (e9 rel32) to target within 2 KiB (a tail call)."""
    code = rd_bytes(ctx.query(f"rd -8 {fn:x} 2048"))
    return any(code[p] == 0xE9 and (fn + p + 5 + int.from_bytes(bytes(code[p + 1:p + 5]), "little", signed=True))
               & (2**64 - 1) == target for p in range(len(code) - 4))


def cannot_have_called(ctx, ret, callee_addr):
    """True when the word ret provably is not a return address into a caller of the function
    holding callee_addr: the bytes before it are no call at all, or a direct call to another
    function that does not jump to that one either. An indirect call proves nothing."""
    at = ctx.symbol_at(callee_addr)
    if not at:
        return False
    callee = callee_addr - at[1]
    b = rd_bytes(ctx.query(f"rd -8 {ret - 7:x} 7"))
    if len(b) != 7:
        return False
    if b[2] == 0xE8:
        target = (ret + int.from_bytes(bytes(b[3:7]), "little", signed=True)) & (2**64 - 1)
        return target != callee and not jumps_to(ctx, target, callee)
    indirect = (b[5] == 0xFF and (b[6] & 0x38) == 0x10) or (b[4] == 0xFF and (b[5] & 0x38) == 0x10) \
        or (b[1] == 0xFF and (b[2] & 0x38) == 0x10) or (b[0] == 0xFF and (b[1] & 0x38) == 0x10)
    return not indirect


def called(ctx, ret, callee_addr):
    """True when the bytes before ret are a direct call to the function holding callee_addr,
    or to a function that jumps to it (a tail call): ret is a return address of its caller."""
    at = ctx.symbol_at(callee_addr)
    b = rd_bytes(ctx.query(f"rd -8 {ret - 5:x} 5"))
    if not at or len(b) != 5 or b[0] != 0xE8:
        return False
    callee = callee_addr - at[1]
    target = (ret + int.from_bytes(bytes(b[1:5]), "little", signed=True)) & (2**64 - 1)
    return target == callee or jumps_to(ctx, target, callee)


def bt_stale_frames(crash, kdive, ctx):
    """
    crash 8.0.6 sizes some frames by guessing, and where ORC gives a large frame (6.12's
    do_syscall_64 with the system calls inlined into x64_sys_call, do_wait) it reports stale
    return addresses left inside it by earlier calls (an old page fault's handle_mm_fault,
    exit_to_user_mode_prepare of an earlier system call), rejoining the real chain further
    up. The rule drops a run of crash-only lines between two frames A (below) and B (above)
    that both sides print when the first crash frame of the run provably was not A's caller:
    the bytes before its return address are no call, or a direct call to another function
    that does not jump to A's function either (kdive's rd of the dump's text); an indirect
    call proves nothing. kdive frames between A and B, if any, are dropped with it only when
    each is proved its callee's caller the same way (a direct call to the callee, or to a
    function that jumps to it). Nothing else may differ.
    """
    kframes = [(i, frame(l)) for i, l in enumerate(kdive) if frame(l)]
    kpos = {(f["slot"], f["addr"]): n for n, (_, f) in enumerate(kframes)}
    drop_c, drop_k, i = [], [], 0
    while i < len(crash):
        fa = frame(crash[i])
        if not fa or (fa["slot"], fa["addr"]) not in kpos:
            i += 1
            continue
        # A is common; look for the next common frame B in the same trace.
        j, run = i + 1, []
        while j < len(crash) and not HEADER.match(crash[j]):
            fj = frame(crash[j])
            if fj and (fj["slot"], fj["addr"]) in kpos:
                break
            run.append(j)
            j += 1
        fb = frame(crash[j]) if j < len(crash) else None
        first = next((frame(crash[k]) for k in run if frame(crash[k])), None)
        if fb and first and cannot_have_called(ctx, first["addr"], fa["addr"]):
            na, nb = kpos[(fa["slot"], fa["addr"])], kpos[(fb["slot"], fb["addr"])]
            between = kframes[na + 1:nb]
            chain = [kframes[na][1]] + [f for _, f in between]
            if nb > na and all(called(ctx, chain[n + 1]["addr"], chain[n]["addr"]) for n in range(len(chain) - 1)) \
                    and all(not HEADER.match(kdive[k]) for k in range(kframes[na][0], kframes[nb][0])):
                drop_c += run
                drop_k += [k for k in range(kframes[na][0] + 1, kframes[nb][0])]
                # Misled this way crash may also end the trace without the system call's entry
                # frame, whose user registers both sides print: that frame goes too.
                ckeys = {(f["slot"], f["addr"]) for f in map(frame, crash) if f}
                for k in range(kframes[nb][0] + 1, len(kdive)):
                    if HEADER.match(kdive[k]):
                        break
                    fk = frame(kdive[k])
                    if fk and fk["name"].startswith("entry_SYSCALL_64") and (fk["slot"], fk["addr"]) not in ckeys \
                            and k + 1 < len(kdive) and re.match(r"^    RIP: ", kdive[k + 1]):
                        drop_k.append(k)
        i = j if j > i else i + 1
    if not drop_c:
        return crash, kdive
    return renumber(drop(crash, drop_c)), renumber(drop(kdive, drop_k))


def bt_unrun_task_frame(crash, kdive, ctx):
    """
    A task that was forked but never ran has only what copy_thread prepared on its stack: the
    switch frame whose return address is ret_from_fork (ret_from_fork_asm on 6.5+) and the
    user registers above it. The kernel's own unwinder starts such a task at that address
    (unwind_start: state->ip = frame->ret_addr, signal = ip == ret_from_fork_asm) and so does
    kdive: "#0 [SLOT] ret_from_fork_asm at ADDR", then the user registers. crash 8.0.6 prints
    the user registers alone. Each extra kdive line must be that frame, the first and only
    frame of its trace, directly after the PID: header, with a user-mode register block
    (CS with RPL 3) and no other frame after it; nothing else may differ.
    """
    drop_idx = []
    for block in inserted(crash, kdive):
        if len(block) != 1:
            continue
        i = block[0]
        f = frame(kdive[i])
        if not f or f["name"] not in ("ret_from_fork", "ret_from_fork_asm") or i == 0 or not HEADER.match(kdive[i - 1]):
            continue
        rest = []
        for line in kdive[i + 1:]:
            if HEADER.match(line):
                break
            rest.append(line)
        cs = [int(m.group(1), 16) for m in (re.search(r"\bCS: ([0-9a-f]+)\b", l) for l in rest) if m]
        if any(FRAME.match(l) for l in rest) or not cs or any(c & 3 != 3 for c in cs):
            continue
        drop_idx.append(i)
    return renumber(crash), renumber(drop(kdive, drop_idx))


PAGE_HEADER = "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS"
PAGE_LINE = re.compile(r"^[0-9a-f]{16} +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+ +\d+ [0-9a-f]+( \S+)?$")


def vtop_page_header(crash, kdive, ctx):
    """
    vtop ends with the page's struct page line under kmem -p's header. crash prints the header
    only while its per-command HEADER_PRINTED flag is clear, and in an -i batch that flag is
    cleared only by an error: once any earlier command of the session printed such a header,
    every later vtop prints its page line bare (typed at the prompt, each vtop has it). The rule
    drops only a kdive header line that crash lacks at that place, directly followed on both
    sides by the same page line.
    """
    drop_idx = []
    off = 0  # kdive lines dropped so far: kdive[i] faces crash[i - off]
    for i, line in enumerate(kdive):
        if line != PAGE_HEADER or i + 1 >= len(kdive) or not PAGE_LINE.match(kdive[i + 1]):
            continue
        j = i - off
        if j < len(crash) and crash[j] == kdive[i + 1] and (j == 0 or crash[j - 1] != PAGE_HEADER):
            drop_idx.append(i)
            off += 1
    return crash, drop(kdive, drop_idx)


SYSCALL_LINE = re.compile(r"^ *(\d+)  (\S+)(?: +(.*))?$")  # " 34  __x64_sys_pause            ../kernel/signal.c: 4634"
QWORD = re.compile(r"^[0-9a-f]{16}$")


def sym_addrs(ctx, name):
    """The addresses kdive's `sym NAME` gives the symbol NAME (one per symbol of that name)."""
    out = set()
    for line in ctx.query(f"sym {name}").split("\n"):
        m = re.match(r"^([0-9a-f]+) \(.\) (\S+)(?: |$)", line)
        if m and m.group(2) == name:
            out.add(int(m.group(1), 16))
    return out


def syscall_entry(ctx, num):
    """sys_call_table[num] as kdive reads it (`rd sys_call_table N`: two words a line), or None."""
    words = []
    for line in ctx.query(f"rd sys_call_table {num + 1}").split("\n"):
        m = re.match(r"^[0-9a-f]+:\s+(.*)$", line)
        if m:
            words += [int(w, 16) for w in m.group(1).split()[:2] if QWORD.match(w)]
    return words[num] if len(words) == num + 1 else None


def sys_c_alias(crash, kdive, ctx):
    """
    sys -c names each system call by the symbol at its sys_call_table entry. Where several
    symbols share that address (__do_sys_pause, __ia32_sys_pause and __x64_sys_pause on 6.1),
    crash 8.0.6 takes the first one at or after a cursor that its symbol-value hash keeps per
    bucket (symbols.c symval_hash_search: val_hash_last, the place where the last lookup of a
    value in the same bucket, page number mod 512, ended). So its choice depends on what the
    session looked up before: the first alias in a fresh session or right after another sys -c,
    the last one after any lookup of an address inside the function (a bt through pause()).
    kdive names the first, as a fresh crash does. Each line the rule accepts must be a line of
    the same number and the same file and line on both sides, whose two names kdive's `sym`
    places at the same address, which is the table's entry of that number (kdive's `rd
    sys_call_table`); nothing else may differ.
    """
    if len(crash) != len(kdive):
        return crash, kdive
    out = list(kdive)
    for i, (c, k) in enumerate(zip(crash, kdive)):
        if c == k:
            continue
        mc, mk = SYSCALL_LINE.match(c), SYSCALL_LINE.match(k)
        if not mc or not mk or mc.group(1) != mk.group(1) or (mc.group(3) or "") != (mk.group(3) or ""):
            continue
        entry = syscall_entry(ctx, int(mc.group(1)))
        if entry is not None and entry in sym_addrs(ctx, mc.group(2)) and entry in sym_addrs(ctx, mk.group(2)):
            out[i] = c
    return crash, out


CRASH_VERSION = re.compile(r"^crash version: \S+ +gdb version: \S+$")
KDIVE_VERSION = re.compile(r"^kdive version: \S+$")


def help_version(crash, kdive, ctx):
    """
    help ends its command list with the program's version: crash's line names crash's and its
    gdb's versions ("crash version: 8.0.6    gdb version: 10.2"), kdive's names kdive's (it has
    no gdb). The rule accepts only that one line, at the same place on both sides.
    """
    if len(crash) != len(kdive):
        return crash, kdive
    out = list(kdive)
    for i, (c, k) in enumerate(zip(crash, kdive)):
        if c != k and CRASH_VERSION.match(c) and KDIVE_VERSION.match(k):
            out[i] = c
    return crash, out


LOAD_TIME = re.compile(r"^( +LOAD_TIME: )[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \d{4}$")


def bpf_host_load_time(crash, kdive, ctx):
    """
    bpf -p/-P: crash's LOAD_TIME is the program's load time (ns since boot) added to the boot
    time of the host crash runs on (CLOCK_REALTIME - CLOCK_BOOTTIME, as bpftool computes it on a
    live system), so it changes with the machine and the moment crash runs; kdive adds it to the
    dump's own boot time. The rule accepts only LOAD_TIME lines, both in that date format with
    the same indentation, at the same place.
    """
    if len(crash) != len(kdive):
        return crash, kdive
    out = list(kdive)
    for i, (c, k) in enumerate(zip(crash, kdive)):
        mc, mk = LOAD_TIME.match(c), LOAD_TIME.match(k)
        if c != k and mc and mk and mc.group(1) == mk.group(1):
            out[i] = c
    return crash, out


E820_EXCLUDED = re.compile(r'^mach: page excluded: kernel virtual address: ([0-9a-f]+)  type: "e820map"$')
E820_ROW = re.compile(r"^[0-9a-f]{16} - [0-9a-f]{16}  \S+$")


def _p_value(text):
    """The value of kdive's `p` or `p/x` output ("$1 = 0x..." or "$1 = 123"), or None."""
    m = re.match(r"^\$\d+ = (0x[0-9a-f]+|\d+)$", text.strip())
    return int(m.group(1), 0) if m else None


def mach_e820_overread(crash, kdive, ctx):
    """
    mach -m: crash 8.0.6 reads sizeof(struct e820_table) bytes at e820_table (x86_64.c,
    readmem of SIZE(e820map)): room for E820_MAX_ENTRIES entries, 64004 bytes on 6.12. Since
    4.12 e820_table points to a kmemdup() of only its nr_entries entries
    (e820__reallocate_tables), so crash reads other objects' memory after it, and when one of
    those pages is excluded from a filtered dump (a page-cache page, makedumpfile -d 31) the
    whole command fails. kdive reads the nr_entries entries. The rule accepts only crash's one
    'page excluded ... type: "e820map"' line for a page that starts past the table's last
    entry and lies inside those sizeof(struct e820_table) bytes, which kdive's rd also finds
    excluded, against a kdive table of exactly nr_entries rows.
    """
    c = [l for l in crash if l]
    m = E820_EXCLUDED.match(c[0]) if len(c) == 1 else None
    if not m:
        return crash, kdive
    addr = int(m.group(1), 16)
    table = _p_value(ctx.query("p/x e820_table"))
    nr = _p_value(ctx.query("p e820_table->nr_entries"))
    end = _p_value(ctx.query("p/x &e820_table->entries[e820_table->nr_entries]"))
    size = _p_value(ctx.query("p sizeof(struct e820_table)"))
    if None in (table, nr, end, size) or addr % 4096 or not end <= addr < table + size:
        return crash, kdive
    if "excluded" not in ctx.query(f"rd {addr:x}"):
        return crash, kdive
    k = [l for l in kdive if l]
    if len(k) != nr + 1 or k[0].split() != ["PHYSICAL", "ADDRESS", "RANGE", "TYPE"] or \
            not all(E820_ROW.match(l) for l in k[1:]):
        return crash, kdive
    return crash, list(crash)


RULES = {
    "mach-e820-overread": mach_e820_overread,
    "bpf-host-load-time": bpf_host_load_time,
    "help-version": help_version,
    "sys-c-alias": sys_c_alias,
    "vtop-page-header": vtop_page_header,
    "bt-stale-frames": bt_stale_frames,
    "ps-rss-shared-mm": ps_rss_shared_mm,
    "bt-tail-call-frame": bt_tail_call_frame,
    "bt-stale-panic-path": bt_stale_panic_path,
    "runq-released-task": runq_released_task,
    "bt-nested-exception-frame": bt_nested_exception_frame,
    "bt-unrun-task-frame": bt_unrun_task_frame,
    "bt-noreturn-frame": bt_noreturn_frame,
    "bt-stale-stop-frame": bt_stale_stop_frame,
    "user-page-excluded": user_page_excluded,
}


def explained(rules, crash, kdive, ctx, used=None):
    """True when the rules, applied in turn, explain every difference between the two outputs;
    the names of the rules that changed something are added to used."""
    c, k = crash.split("\n"), kdive.split("\n")
    changed = []
    for rule in rules:
        c2, k2 = RULES[rule](c, k, ctx)
        if (c2, k2) != (c, k):
            changed.append(rule)
        c, k = c2, k2
    if c == k and used is not None:
        used.update(changed)
    return c == k


# ---- self-test: every rule explains its own case and nothing beside it ----

class _FakeFacts:
    def __init__(self, syms):
        self.syms = syms

    def symbol_at(self, addr):
        return self.syms.get(addr)

    def query(self, cmd):
        return self.syms.get(cmd, "")


_NORETURN_CRASH = """PID: 173      TASK: ffff8c1dc38748c0  CPU: 1    COMMAND: "sh"
 #0 [ffffcdf2c047fb70] machine_kexec at ffffffffa5091521
 #1 [ffffcdf2c047fc90] vpanic at ffffffffa5cc15a0
 #2 [ffffcdf2c047fd18] sysrq_handle_crash at ffffffffa58a5d8a"""
_NORETURN_KDIVE = """PID: 173      TASK: ffff8c1dc38748c0  CPU: 1    COMMAND: "sh"
 #0 [ffffcdf2c047fb70] machine_kexec at ffffffffa5091521
 #1 [ffffcdf2c047fc90] vpanic at ffffffffa5cc15a0
 #2 [ffffcdf2c047fcb8] panic at ffffffffa5cc17dc
 #3 [ffffcdf2c047fd18] sysrq_handle_crash at ffffffffa58a5d8a"""
_STALE_KDIVE = """PID: 0        TASK: ffffffff8f20a940  CPU: 0    COMMAND: "swapper/0"
    [exception RIP: stop_this_cpu+107]
    RIP: ffffffff8e03d6fb  RSP: ffffa44b80003f40  RFLAGS: 00000046
    CS: 0010  SS: 0018
 #0 [ffffa44b80003f68] __sysvec_reboot at ffffffff8e06aa53"""
_STALE_CRASH = """PID: 0        TASK: ffffffff8f20a940  CPU: 0    COMMAND: "swapper/0"
    [exception RIP: stop_this_cpu+107]
    RIP: ffffffff8e03d6fb  RSP: ffffa44b80003f40  RFLAGS: 00000046
    CS: 0010  SS: 0018
 #0 [ffffa44b80003f48] sched_clock_idle_wakeup_event at ffffffff8e0f1d2a
 #1 [ffffa44b80003f68] __sysvec_reboot at ffffffff8e06aa53"""
_UNRUN_CRASH = """PID: 5        TASK: ff  CPU: 0    COMMAND: "x"
    RIP: 000000000047b7a0  RSP: 00007fffcf8a9d28  RFLAGS: 00000202
    ORIG_RAX: 0000000000000038  CS: 0033  SS: 002b"""
_UNRUN_KDIVE = """PID: 5        TASK: ff  CPU: 0    COMMAND: "x"
 #0 [ffffc90000a3ff58] ret_from_fork_asm at ffffffff81000100
    RIP: 000000000047b7a0  RSP: 00007fffcf8a9d28  RFLAGS: 00000202
    ORIG_RAX: 0000000000000038  CS: 0033  SS: 002b"""

_NORETURN_F_CRASH = """ #2 [ffffcdf2c047fc90] vpanic at ffffffffa5cc15a0
    ffffcdf2c047fc98: ffffffffa611c260 ffffcdf2c047fd10
    ffffcdf2c047fca8: 0000000000000000 0000000000000063
    ffffcdf2c047fcb8: ffffffffa5cc17dc 0000000000000008
    ffffcdf2c047fcc8: ffffcdf2c047fd20 ffffffffa58a5d8a
 #3 [ffffcdf2c047fcd0] sysrq_handle_crash at ffffffffa58a5d8a"""
_NORETURN_F_KDIVE = """ #2 [ffffcdf2c047fc90] vpanic at ffffffffa5cc15a0
    ffffcdf2c047fc98: ffffffffa611c260 ffffcdf2c047fd10
    ffffcdf2c047fca8: 0000000000000000 0000000000000063
    ffffcdf2c047fcb8: ffffffffa5cc17dc
 #3 [ffffcdf2c047fcb8] panic at ffffffffa5cc17dc
    ffffcdf2c047fcc0: 0000000000000008 ffffcdf2c047fd20
    ffffcdf2c047fcd0: ffffffffa58a5d8a
 #4 [ffffcdf2c047fcd0] sysrq_handle_crash at ffffffffa58a5d8a"""

_NESTED_CRASH = """ #3 [ffffcd7640003d90] asm_sysvec_reboot at ffffffffbc00166a
 #4 [ffffcd7640003e18] _raw_spin_unlock_irqrestore at ffffffffbbf2100d
 #5 [ffffcd7640003e40] try_to_wake_up at ffffffffbb315602"""
_NESTED_KDIVE = """ #3 [ffffcd7640003d90] asm_sysvec_reboot at ffffffffbc00166a
    [exception RIP: _raw_spin_unlock_irqrestore+29]
    RIP: ffffffffbbf2100d  RSP: ffffcd7640003e40  RFLAGS: 00000206
    RAX: 00000000001f5384  RBX: ffff8bd1812c3080  RCX: 000000000012dd9c
    RDX: 000000000063af46  RSI: 0000000000000283  RDI: ffff8bd1812c3d34
    RBP: ffff8bd19f236040   R8: 0000000000000000   R9: 0000000000000001
    R10: 0000000000000000  R11: 0000000000000001  R12: ffff8bd19f200000
    R13: ffff8bd1812c3d34  R14: 0000000000000088  R15: 0000000000000283
    ORIG_RAX: ffffffffffffffff  CS: 0010  SS: 0018
 #4 [ffffcd7640003e40] try_to_wake_up at ffffffffbb315602"""

_ENTRY_CRASH = """ #3 [ffffd110c0003d20] asm_sysvec_reboot at ffffffffb2800f86
 #4 [ffffd110c0003dd0] load_balance at ffffffffb1cf3abc"""
_ENTRY_KDIVE = """ #3 [ffffd110c0003d20] asm_sysvec_reboot at ffffffffb2800f86
    [exception RIP: __bitmap_and]
    RIP: ffffffffb2131d80  RSP: ffffd110c0003dd0  RFLAGS: 00000282
    RAX: ffff8bccc12927b0  RBX: ffffd110c0003f3c  RCX: 0000000000000002
    ORIG_RAX: ffffffffffffffff  CS: 0010  SS: 0018
 #4 [ffffd110c0003dd0] load_balance at ffffffffb1cf3abc"""
_ENTRY_FACTS = {"rd ffffd110c0003da8": "ffffd110c0003da8:  ffffffffb2131d80   ..."}

_RUNQ_CRASH = ("  CFS RB_ROOT: ffff89e21fc2b470\n"
               '     [120] PID: 152    TASK: ffff89e201f91840  COMMAND: "kdive-faulter"')
_RUNQ_KDIVE = _RUNQ_CRASH + '\n     [120] PID: 158    TASK: ffff89e202cb48c0  COMMAND: "kdive-proc"'
_RUNQ_FACTS = {"ps": "  152  146  1  ffff89e201f91840  RU ...", "struct task_struct.exit_state ffff89e202cb48c0":
               "  exit_state = 16,"}

_STOP_NESTED_CRASH = """PID: 0        TASK: ffffffffbce10940  CPU: 0    COMMAND: "swapper/0"
    [exception RIP: stop_this_cpu+119]
    RIP: ffffffffbb250b47  RSP: ffffcd7640003d48  RFLAGS: 00000046
    CS: 0010  SS: 0018
 #0 [ffffcd7640003d50] enqueue_entity at ffffffffbb32065b
 #1 [ffffcd7640003e18] _raw_spin_unlock_irqrestore at ffffffffbbf2100d
 #2 [ffffcd7640003e40] try_to_wake_up at ffffffffbb315602"""
_STOP_NESTED_KDIVE = """PID: 0        TASK: ffffffffbce10940  CPU: 0    COMMAND: "swapper/0"
    [exception RIP: stop_this_cpu+119]
    RIP: ffffffffbb250b47  RSP: ffffcd7640003d48  RFLAGS: 00000046
    CS: 0010  SS: 0018
 #0 [ffffcd7640003d70] __sysvec_reboot at ffffffffbb284a3a
 #1 [ffffcd7640003d78] sysvec_reboot at ffffffffbbf122a5
 #2 [ffffcd7640003d90] asm_sysvec_reboot at ffffffffbc00166a
    [exception RIP: _raw_spin_unlock_irqrestore+29]
    RIP: ffffffffbbf2100d  RSP: ffffcd7640003e40  RFLAGS: 00000206
    ORIG_RAX: ffffffffffffffff  CS: 0010  SS: 0018
 #3 [ffffcd7640003e40] try_to_wake_up at ffffffffbb315602"""

_RSS_CRASH = """      140     131   1  ffff88a6d5e0c8c0  UN   0.1     9456      268  kdive-vforker
      142     140   1  ffff88a6c2499840  IN   0.1     9456      436  kdive-vfchild"""
_RSS_KDIVE = _RSS_CRASH.replace("268", "628").replace("436", "628")
_RSS_MMS = """PID: 140      TASK: ffff88a6d5e0c8c0  CPU: 1    COMMAND: "kdive-vforker"
  mm = 0xffff88a6c1060000,
  tgid = 140,

PID: 142      TASK: ffff88a6c2499840  CPU: 1    COMMAND: "kdive-vfchild"
  mm = 0xffff88a6c1060000,
  tgid = 142,"""

_PANIC_CRASH = """PID: 141      TASK: ffff8d2d5feae100  CPU: 1    COMMAND: "sh"
 #0 [ffffcdde8051bad8] panic at ffffffff92e01f99
 #1 [ffffcdde8051bea8] handle_mm_fault at ffffffff926d2bcb
 #2 [ffffcdde8051bee0] do_user_addr_fault at ffffffff92487a50
 #3 [ffffcdde8051bf50] entry_SYSCALL_64_after_hwframe at ffffffff93000126
    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b"""
_PANIC_KDIVE = """PID: 141      TASK: ffff8d2d5feae100  CPU: 1    COMMAND: "sh"
 #0 [ffffcdde8051bad8] panic at ffffffff92e01f99
 #1 [ffffcdde8051bb58] sysrq_handle_crash at ffffffff92a90926
 #2 [ffffcdde8051bb90] write_sysrq_trigger at ffffffff92a91274
 #3 [ffffcdde8051bc50] ksys_write at ffffffff927676eb
 #4 [ffffcdde8051bc88] do_syscall_64 at ffffffff92e43e1d
 #5 [ffffcdde8051bf50] entry_SYSCALL_64_after_hwframe at ffffffff93000126
    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b"""

_PANIC_CRASH_S = re.sub(r"\] (\S+) at", r"] \1+5 at", _PANIC_CRASH)
_PANIC_KDIVE_S = re.sub(r"\] (\S+) at", r"] \1+5 at", _PANIC_KDIVE)
_PANIC_CRASH_L = re.sub(r"^( ?#\d+ \[\S+\] (\S+) at \S+)$", r"\1\n    src/\2.c: 10", _PANIC_CRASH, flags=re.M)
_PANIC_KDIVE_L = re.sub(r"^( ?#\d+ \[\S+\] (\S+) at \S+)$", r"\1\n    src/\2.c: 10", _PANIC_KDIVE, flags=re.M)
# bt -f: the same stack words from panic's frame to the entry frame, split among other frames
_PANIC_CRASH_F = """PID: 141      TASK: ffff8d2d5feae100  CPU: 1    COMMAND: "sh"
 #0 [ffffcdde8051bad8] panic at ffffffff92e01f99
    ffffcdde8051bae0: 0000000000000001 0000000000000002 
    ffffcdde8051baf0: ffffffff926d2bcb 
 #1 [ffffcdde8051baf0] handle_mm_fault at ffffffff926d2bcb
    ffffcdde8051baf8: 0000000000000003 0000000000000004 
 #2 [ffffcdde8051bb08] entry_SYSCALL_64_after_hwframe at ffffffff93000126
    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b"""
_PANIC_KDIVE_F = """PID: 141      TASK: ffff8d2d5feae100  CPU: 1    COMMAND: "sh"
 #0 [ffffcdde8051bad8] panic at ffffffff92e01f99
    ffffcdde8051bae0: 0000000000000001 
 #1 [ffffcdde8051bae0] sysrq_handle_crash at ffffffff92a90926
    ffffcdde8051bae8: 0000000000000002 ffffffff926d2bcb 
 #2 [ffffcdde8051baf0] write_sysrq_trigger at ffffffff92a91274
    ffffcdde8051baf8: 0000000000000003 
 #3 [ffffcdde8051baf8] ksys_write at ffffffff927676eb
    ffffcdde8051bb00: 0000000000000004 
 #4 [ffffcdde8051bb00] do_syscall_64 at ffffffff92e43e1d
 #5 [ffffcdde8051bb08] entry_SYSCALL_64_after_hwframe at ffffffff93000126
    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b"""

_TAIL_CRASH = """#10 [ffffd027805d3a88] udp_sendmsg at ffffffff948bb7fd
#11 [ffffd027805d3c30] __sys_sendto at ffffffff947b28d2"""
_TAIL_KDIVE = """#10 [ffffd027805d3a88] udp_sendmsg at ffffffff948bb7fd
#11 [ffffd027805d3c18] __sock_sendmsg at ffffffff947b02c8
#12 [ffffd027805d3c30] __sys_sendto at ffffffff947b28d2"""
_UDP = 0xffffffff948bb000  # udp_sendmsg's start in this example
_INET = 0xffffffff947b02c8 + 0x0011a798  # the call's target (inet_sendmsg)
_TAIL_FACTS = {
    0xffffffff948bb7fd: ("udp_sendmsg", 0xffffffff948bb7fd - _UDP),
    "rd -8 ffffffff947b02c3 5": "ffffffff947b02c3:  e8 98 a7 11 00                                    .....",
    f"rd -8 {_INET:x} 2048": f"{_INET:x}:  90 90 90 e9 "
    + " ".join(f"{b:02x}" for b in ((_UDP - (_INET + 3 + 5)) & 0xffffffff).to_bytes(4, "little")) + "  ....",
}

_SF_CRASH = """PID: 185      TASK: ffff8c16c2a79840  CPU: 0    COMMAND: "kdive-netflood"
 #7 [ffffcedd404cb7f8] ip_make_skb at ffffffff99d0a5e4
 #8 [ffffcedd404cb8a0] xfrm_lookup_route at ffffffff99d9c543
 #9 [ffffcedd404cbb80] __x64_sys_sendto at ffffffff99c15a84"""
_SF_KDIVE = """PID: 185      TASK: ffff8c16c2a79840  CPU: 0    COMMAND: "kdive-netflood"
 #7 [ffffcedd404cb7f8] ip_make_skb at ffffffff99d0a5e4
 #8 [ffffcedd404cb8a8] udp_sendmsg at ffffffff99d4ea29
 #9 [ffffcedd404cbb80] __x64_sys_sendto at ffffffff99c15a84"""
_IPM = 0xffffffff99d0a5e4 - 260  # ip_make_skb's start
_SF_FACTS = {
    0xffffffff99d0a5e4: ("ip_make_skb", 260),
    # xfrm_lookup_route's return address follows a call to another function (not ip_make_skb)
    "rd -8 ffffffff99d9c53c 7": "ffffffff99d9c53c:  ec 08 e8 ad ef ff ff                              .......",
    # udp_sendmsg's follows a direct call to ip_make_skb
    "rd -8 ffffffff99d4ea24 5": "ffffffff99d4ea24:  e8 "
    + " ".join(f"{b:02x}" for b in ((_IPM - 0xffffffff99d4ea29) & 0xffffffff).to_bytes(4, "little")),
}

_VTOP_CRASH = """VIRTUAL           PHYSICAL        
ffffffff8c890926  e490926         

PGD DIRECTORY: ffffffff8dc10000
PAGE DIRECTORY: f815067
   PUD: f815ff0 => f816063
   PMD: f816320 => e4001e1
  PAGE: e400000  (2MB)

  PTE    PHYSICAL  FLAGS
e4001e1   e400000  (PRESENT|ACCESSED|DIRTY|PSE|GLOBAL)

fffff6cf40392400  e490000                0        0  1 fffffc0001000 reserved"""
_VTOP_KDIVE = _VTOP_CRASH.replace("\n\nfffff6cf40392400", "\n\n" + PAGE_HEADER + "\nfffff6cf40392400")


_SYSC_CRASH = """NUM  SYSTEM CALL                FILE AND LINE NUMBER
 33  __x64_sys_dup2             ../fs/file.c: 1250
 34  __x64_sys_pause            ../kernel/signal.c: 4634
 35  __x64_sys_nanosleep        ../kernel/time/hrtimer.c: 2161"""
_SYSC_KDIVE = _SYSC_CRASH.replace("__x64_sys_pause ", "__do_sys_pause  ")


def _rd_words(base, words):
    """kdive's `rd` of 64-bit words: two a line, then the ASCII column."""
    return "\n".join(f"{base + 16 * n:x}:  " + " ".join(f"{w:016x}" for w in words[2 * n:2 * n + 2]) + "   ........"
                     for n in range((len(words) + 1) // 2))


_SYSC_TABLE = [0xffffffffb5e1f6d0 + 0x80 * n for n in range(34)] + [0xffffffffb5eba7a0]
_SYSC_FACTS = {
    "rd sys_call_table 35": _rd_words(0xffffffffb6e00360, _SYSC_TABLE),
    "sym __x64_sys_pause": "ffffffffb5eba7a0 (T) __x64_sys_pause debian/kernel/signal.c: 4634",
    "sym __do_sys_pause": "ffffffffb5eba7a0 (t) __do_sys_pause debian/kernel/signal.c: 4634",
}

_HELP_CRASH = "\n*              alias\n\ncrash version: 8.0.6    gdb version: 10.2\nFor help...\n"
_HELP_KDIVE = "\n*              alias\n\nkdive version: 0.1.0\nFor help...\n"

_BPF_CRASH = """ID      BPF_PROG       BPF_PROG_AUX   BPF_PROG_TYPE  TAG               USED_MAPS
 7  ffffa53b4016d000  ffff8f0c43a1b000  SOCKET_FILTER  b7f9d06ee0c7f9b4     -
     XLATED: 16  JITED: 48  MEMLOCK: 4096
     LOAD_TIME: Mon Nov 30 18:05:12 2026
     GPL_COMPATIBLE: yes  NAME: "kdive_prog"  UID: 0"""
_BPF_KDIVE = _BPF_CRASH.replace("Mon Nov 30 18:05:12 2026", "Mon Nov 30 16:41:07 2026")

_E820_CRASH = 'mach: page excluded: kernel virtual address: ffff8d4141f0d000  type: "e820map"'
_E820_KDIVE = """      PHYSICAL ADDRESS RANGE         TYPE
0000000000000000 - 0000000000001000  E820_RESERVED
0000000000001000 - 000000000009fc00  E820_RAM"""
_E820_FACTS = {
    "p/x e820_table": "$1 = 0xffff8d4141f04780",
    "p e820_table->nr_entries": "$1 = 2",
    "p/x &e820_table->entries[e820_table->nr_entries]": "$1 = 0xffff8d4141f047ac",
    "p sizeof(struct e820_table)": "$1 = 64004",
    "rd ffff8d4141f0d000": "rd: kernel virtual address ffff8d4141f0d000: physical address 0x1f0d000: page excluded by "
                           "makedumpfile -d 31",
}

SELFTEST = [
    # mach -m: crash failed on an excluded page past the kmemdup'd e820 table
    (["mach-e820-overread"], _E820_CRASH, _E820_KDIVE, _E820_FACTS, True),
    # ... but not a page kdive reads
    (["mach-e820-overread"], _E820_CRASH, _E820_KDIVE, dict(_E820_FACTS, **{"rd ffff8d4141f0d000": "ffff8d4141f0d000:  0"}),
     False),
    # ... nor a page inside the table's entries
    (["mach-e820-overread"], _E820_CRASH.replace("f0d000", "f04000"), _E820_KDIVE,
     dict(_E820_FACTS, **{"rd ffff8d4141f04000": _E820_FACTS["rd ffff8d4141f0d000"]}), False),
    # ... nor one past sizeof(struct e820_table)
    (["mach-e820-overread"], _E820_CRASH.replace("f0d000", "f15000"), _E820_KDIVE,
     dict(_E820_FACTS, **{"rd ffff8d4141f15000": _E820_FACTS["rd ffff8d4141f0d000"]}), False),
    # ... nor a kdive table with a row fewer than nr_entries
    (["mach-e820-overread"], _E820_CRASH, _E820_KDIVE.rsplit("\n", 1)[0], _E820_FACTS, False),
    # bpf -p: only the LOAD_TIME date differs
    (["bpf-host-load-time"], _BPF_CRASH, _BPF_KDIVE, {}, True),
    # another line differing too is not excused
    (["bpf-host-load-time"], _BPF_CRASH, _BPF_KDIVE.replace("JITED: 48", "JITED: 64"), {}, False),
    # a LOAD_TIME that is not a date is not excused
    (["bpf-host-load-time"], _BPF_CRASH, _BPF_CRASH.replace("Mon Nov 30 18:05:12 2026", "(unknown)"), {}, False),
    # help: only the version line differs
    (["help-version"], _HELP_CRASH, _HELP_KDIVE, {}, True),
    # a command missing from kdive's list is not excused
    (["help-version"], _HELP_CRASH, _HELP_KDIVE.replace("*              alias", "*"), {}, False),
    # sys -c: crash names another symbol at the table entry's address
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE, _SYSC_FACTS, True),
    # crash's name is a symbol at another address
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE,
     dict(_SYSC_FACTS, **{"sym __x64_sys_pause": "ffffffffb5eba7f0 (T) __x64_sys_pause debian/kernel/signal.c: 4640"}),
     False),
    # both names at one address, but the table's entry is another address
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE,
     dict(_SYSC_FACTS, **{"rd sys_call_table 35": _rd_words(0xffffffffb6e00360, _SYSC_TABLE[:34] + [0xffffffffb5eba7f0])}),
     False),
    # a name kdive does not know
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE,
     dict(_SYSC_FACTS, **{"sym __x64_sys_pause": "symbol not found: __x64_sys_pause"}), False),
    # the file and line differ too
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE.replace("signal.c: 4634", "signal.c: 4635"), _SYSC_FACTS, False),
    # another line differs beside it
    (["sys-c-alias"], _SYSC_CRASH, _SYSC_KDIVE.replace("__x64_sys_dup2", "__x64_sys_dup3"), _SYSC_FACTS, False),
    # a filtered ELF: crash read the dropped page as zeros
    (["user-page-excluded"], "PID: 1 TASK: ff\nARG:\nENV:", "PID: 1 TASK: ff\nps: cannot access user stack address: "
     "7ffcb7c34fd2 (physical address 0x22e2fd2: page excluded from the dump (filtered out by makedumpfile))", {}, True),
    (["user-page-excluded"], "PID: 1 TASK: ff\nARG:\nENV:", "PID: 1 TASK: ff\nps: cannot access user stack address: "
     "7ffcb7c34fd2 (physical address 0x22e2fd2: read error)", {}, False),
    # the only entry of its queue: crash says the queue is empty
    (["runq-released-task"], "  CFS RB_ROOT: ffff89e21fc2b470\n     [no tasks queued]",
     '  CFS RB_ROOT: ffff89e21fc2b470\n     [120] PID: 158    TASK: ffff89e202cb48c0  COMMAND: "kdive-proc"',
     _RUNQ_FACTS, True),
    (["runq-released-task"], "  CFS RB_ROOT: ffff89e21fc2b470\n     [no tasks queued]",
     '  CFS RB_ROOT: ffff89e21fc2b470\n     [120] PID: 158    TASK: ffff89e202cb48c0  COMMAND: "kdive-proc"',
     dict(_RUNQ_FACTS, ps="ffff89e202cb48c0"), False),
    (["bt-stale-frames"], _SF_CRASH, _SF_KDIVE, _SF_FACTS, True),
    # kdive's frame not proved a caller of the one below: not explained
    (["bt-stale-frames"], _SF_CRASH, _SF_KDIVE,
     dict(_SF_FACTS, **{"rd -8 ffffffff99d4ea24 5": "ffffffff99d4ea24:  e8 00 00 00 00"}), False),
    # crash's frame could be ip_make_skb's caller (a call to it): nothing proved stale
    (["bt-stale-frames"], _SF_CRASH, _SF_KDIVE,
     dict(_SF_FACTS, **{"rd -8 ffffffff99d9c53c 7": "ffffffff99d9c53c:  ec 08 e8 "
                        + " ".join(f"{b:02x}" for b in ((_IPM - 0xffffffff99d9c543) & 0xffffffff).to_bytes(4, "little"))}),
     False),
    (["ps-rss-shared-mm"], _RSS_CRASH, _RSS_KDIVE, {"foreach task -R mm,tgid": _RSS_MMS}, True),
    # not shared with another thread group: a real RSS difference
    (["ps-rss-shared-mm"], _RSS_CRASH, _RSS_KDIVE,
     {"foreach task -R mm,tgid": _RSS_MMS.replace("mm = 0xffff88a6c1060000,\n  tgid = 142", "mm = 0xffff88a6c1070000,\n  tgid = 142")},
     False),
    (["bt-stale-panic-path"], _PANIC_CRASH, _PANIC_KDIVE, {}, True),
    # kdive frames that are not the sysrq write path are no excuse
    (["bt-stale-panic-path"], _PANIC_CRASH, _PANIC_KDIVE.replace("ksys_write", "handle_mm_fault"), {}, False),
    (["bt-stale-panic-path"], _PANIC_CRASH_S, _PANIC_KDIVE_S, {}, True),
    (["bt-stale-panic-path"], _PANIC_CRASH_L, _PANIC_KDIVE_L, {}, True),
    # bt -l: panic's own source line is not part of the stale path
    (["bt-stale-panic-path"], _PANIC_CRASH_L, _PANIC_KDIVE_L.replace("src/panic.c: 10", "src/panic.c: 11", 1), {}, False),
    (["bt-stale-panic-path"], _PANIC_CRASH_F, _PANIC_KDIVE_F, {}, True),
    # bt -f: a stack word that differs between the two is no stale path
    (["bt-stale-panic-path"], _PANIC_CRASH_F, _PANIC_KDIVE_F.replace("0000000000000003", "0000000000000005"), {}, False),
    (["bt-tail-call-frame"], _TAIL_CRASH, _TAIL_KDIVE, _TAIL_FACTS, True),
    # the called function does not jump to the callee: not a tail call
    (["bt-tail-call-frame"], _TAIL_CRASH, _TAIL_KDIVE,
     dict(_TAIL_FACTS, **{f"rd -8 {_INET:x} 2048": f"{_INET:x}:  90 90 90 90 90 90 90 90"}), False),
    # crash's stale frame, the IPI entry it lost, and the nested exception frame, all at once
    (["bt-nested-exception-frame", "bt-stale-stop-frame"], _STOP_NESTED_CRASH, _STOP_NESTED_KDIVE, {}, True),
    # a kdive frame in that region that is not the reboot IPI's entry stays a difference
    (["bt-nested-exception-frame", "bt-stale-stop-frame"], _STOP_NESTED_CRASH,
     _STOP_NESTED_KDIVE.replace("] sysvec_reboot at", "] do_idle at"), {}, False),
    (["runq-released-task"], _RUNQ_CRASH, _RUNQ_KDIVE, _RUNQ_FACTS, True),
    # a task ps knows is no released task
    (["runq-released-task"], _RUNQ_CRASH, _RUNQ_KDIVE, dict(_RUNQ_FACTS, ps="ffff89e202cb48c0"), False),
    # nor is a task that has not exited
    (["runq-released-task"], _RUNQ_CRASH, _RUNQ_KDIVE,
     dict(_RUNQ_FACTS, **{"struct task_struct.exit_state ffff89e202cb48c0": "  exit_state = 0,"}), False),
    (["bt-nested-exception-frame"], _NESTED_CRASH, _NESTED_KDIVE, {}, True),
    # the RIP word must be where the CPU pushed it
    (["bt-nested-exception-frame"], _NESTED_CRASH.replace("[ffffcd7640003e18]", "[ffffcd7640003e20]"), _NESTED_KDIVE, {},
     False),
    # and name the same function
    (["bt-nested-exception-frame"], _NESTED_CRASH.replace("_raw_spin_unlock_irqrestore at", "_raw_spin_lock at"),
     _NESTED_KDIVE, {}, False),
    # an interrupt before the function's first instruction: crash skips a word with no offset
    (["bt-nested-exception-frame"], _ENTRY_CRASH, _ENTRY_KDIVE, _ENTRY_FACTS, True),
    # ... only when that word on the stack is the RIP
    (["bt-nested-exception-frame"], _ENTRY_CRASH, _ENTRY_KDIVE,
     {"rd ffffd110c0003da8": "ffffd110c0003da8:  ffffffffb2131d90   ..."}, False),
    # ... and crash prints no frame in that slot
    (["bt-nested-exception-frame"], _ENTRY_CRASH.replace("[ffffd110c0003dd0] load", "[ffffd110c0003da8] load"),
     _ENTRY_KDIVE.replace("[ffffd110c0003dd0] load", "[ffffd110c0003da8] load"), _ENTRY_FACTS, False),
    # ... and the RIP has no offset
    (["bt-nested-exception-frame"], _ENTRY_CRASH, _ENTRY_KDIVE.replace("__bitmap_and]", "__bitmap_and+4]"),
     _ENTRY_FACTS, False),
    # bt -f: the words around the dropped frame join; bt -l: its source line goes with it
    (["bt-noreturn-frame"], _NORETURN_F_CRASH, _NORETURN_F_KDIVE, {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, True),
    (["bt-noreturn-frame"], _NORETURN_F_CRASH, _NORETURN_F_KDIVE.replace("0000000000000008", "0000000000000009"),
     {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, False),
    (["bt-noreturn-frame"], _NORETURN_CRASH.replace("vpanic at ffffffffa5cc15a0", "vpanic at ffffffffa5cc15a0\n    kernel/panic.c: 312"),
     _NORETURN_KDIVE.replace("vpanic at ffffffffa5cc15a0", "vpanic at ffffffffa5cc15a0\n    kernel/panic.c: 312")
     .replace("panic at ffffffffa5cc17dc", "panic at ffffffffa5cc17dc\n    kernel/panic.c: 538"),
     {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, True),
    # (rules, crash, kdive, facts, explained?)
    (["bt-noreturn-frame"], _NORETURN_CRASH, _NORETURN_KDIVE, {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, True),
    # the address is inside a function: a real extra frame, not this case
    (["bt-noreturn-frame"], _NORETURN_CRASH, _NORETURN_KDIVE, {0xffffffffa5cc17dc: ("panic", 108)}, False),
    # another difference beside it still fails
    (["bt-noreturn-frame"], _NORETURN_CRASH, _NORETURN_KDIVE.replace("vpanic at", "vprintk at"),
     {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, False),
    (["bt-stale-stop-frame"], _STALE_CRASH, _STALE_KDIVE, {}, True),
    # a slot below the registers' RSP is not stop_this_cpu's frame
    (["bt-stale-stop-frame"], _STALE_CRASH.replace("[ffffa44b80003f48]", "[ffffa44b80003f38]"), _STALE_KDIVE, {}, False),
    # after another exception RIP it is not this case
    (["bt-stale-stop-frame"], _STALE_CRASH.replace("stop_this_cpu+107", "native_safe_halt+11"),
     _STALE_KDIVE.replace("stop_this_cpu+107", "native_safe_halt+11"), {}, False),
    (["bt-unrun-task-frame"], _UNRUN_CRASH, _UNRUN_KDIVE, {}, True),
    (["bt-unrun-task-frame"], _UNRUN_CRASH, _UNRUN_KDIVE.replace("ret_from_fork_asm", "schedule"), {}, False),
    (["bt-unrun-task-frame"], _UNRUN_CRASH.replace("CS: 0033", "CS: 0010"),
     _UNRUN_KDIVE.replace("CS: 0033", "CS: 0010"), {}, False),
    (["user-page-excluded"], "ps: cannot access user stack address: 7ffc",
     "ps: cannot access user stack address: 7ffc (physical page 1234 excluded by makedumpfile -d 31)", {}, True),
    (["user-page-excluded"], "ps: cannot access user stack address: 7ffc",
     "ps: cannot access user stack address: 7ffd (physical page 1234 excluded by makedumpfile -d 31)", {}, False),
    # vtop's page header, which crash's -i batch leaves out after an earlier header
    (["vtop-page-header"], _VTOP_CRASH, _VTOP_KDIVE, {}, True),
    # ... but not a page line that differs as well
    (["vtop-page-header"], _VTOP_CRASH.replace(" 1 fffffc0001000", " 2 fffffc0001000"), _VTOP_KDIVE, {}, False),
    # ... nor a header crash prints too
    (["vtop-page-header"], _VTOP_KDIVE, _VTOP_KDIVE.replace(PAGE_HEADER + "\n", PAGE_HEADER + "\n" + PAGE_HEADER + "\n"),
     {}, False),
    # two rules at once, each removing its own lines
    (["bt-noreturn-frame", "bt-stale-stop-frame"], _STALE_CRASH + "\n" + _NORETURN_CRASH,
     _STALE_KDIVE + "\n" + _NORETURN_KDIVE, {0xffffffffa5cc17dc: ("add_taint.cold", 0)}, True),
]


def selftest():
    """Problems with the rules themselves, as lines; [] when every case comes out as it should."""
    bad = []
    for n, (rules, crash, kdive, syms, want) in enumerate(SELFTEST):
        got = explained(rules, crash, kdive, _FakeFacts(syms))
        if got != want:
            bad.append(f"allow.py self-test case {n} ({', '.join(rules)}): explained={got}, expected {want}")
    return bad
