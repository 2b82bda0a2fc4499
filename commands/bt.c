/*
 * bt: kernel stack backtraces, printed as crash 8.0.6 prints them. The frames
 * come from the ORC unwinder (src/unwind.h); this file only chooses tasks and
 * prints: frame lines, exception frames, stack switches, frame contents (-f,
 * -F), source lines (-l), text-symbol scans (-t, -T), raw stacks (-r) and
 * exception-frame searches (-e, -E).
 */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

enum { SCAN_NONE, SCAN_FROM_START, SCAN_ALL };

struct bt_opts {
	bool all, cpus_given, full, line, symoff, raw, eframe_search, eframe_all, old, panic_only, group, overflow;
	int symbolic;       /* -F count */
	int scan;           /* -t / -T */
	int radix;          /* offsets with -s */
	bool *cpus;         /* -c */
	const char *ref;    /* -R */
	uint64_t ip, sp;    /* -I, -S */
	bool has_ip, has_sp;
};

/* ---- small helpers ---- */

static const char *symstr(kd_session *s, uint64_t addr, bool with_offset, int radix, char *buf, size_t size)
{
	uint64_t off;
	const char *mod;
	const char *name = kd_unwind_symbol(s, addr, &off, &mod);
	if (!name)
		return NULL;
	if (with_offset && off)
		snprintf(buf, size, radix == 16 ? "%s+0x%llx" : "%s+%llu", name, (unsigned long long)off);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

static void print_header(kd_session *s, const struct task_info *t)
{
	if (kd_json_active(s)) { /* the task's object, closed by bt_task */
		kd_json_object_begin(s, NULL);
		kd_json_int(s, "pid", t->pid);
		kd_json_addr(s, "task", t->task);
		kd_json_int(s, "cpu", t->cpu);
		kd_json_str(s, "comm", t->comm);
		kd_json_bool(s, "active", t->active);
		return;
	}
	char cpu[16];
	if (t->cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	else
		snprintf(cpu, sizeof(cpu), "?");
	kd_printf(s, "PID: %-7d  TASK: %llx  CPU: %-3s  COMMAND: \"%s\"\n", t->pid, (unsigned long long)t->task, cpu, t->comm);
}

static void print_line(kd_session *s, uint64_t addr)
{
	char file[1024];
	int line;
	if (kd_addr_to_line(s, addr, file, sizeof(file), &line) == 0)
		kd_printf(s, "    %s: %d\n", file, line);
}

static const char *exception_rip(kd_session *s, uint64_t rip, char *buf, size_t size)
{
	if (symstr(s, rip, true, kd_output_radix(s) == 16 ? 16 : 10, buf, size))
		return buf;
	uint64_t pa;
	if (kd_is_kvaddr(s, rip) && rip >= kd_target(s)->vmalloc_start && kd_kvtop(s, rip, &pa) == 0)
		return "no symbolic reference";
	kd_clear_error(s);
	return "unknown or invalid address";
}

/* JSON: an exception frame's registers, by their names, and where it was taken. */
static void regs_json(kd_session *s, const char *key, const struct uw_regs *r, bool with_orig_ax)
{
	static const char *const names[UW_NREGS] = {
		[UW_R15] = "r15", [UW_R14] = "r14", [UW_R13] = "r13", [UW_R12] = "r12", [UW_BP] = "rbp",
		[UW_BX] = "rbx",  [UW_R11] = "r11", [UW_R10] = "r10", [UW_R9] = "r9",   [UW_R8] = "r8",
		[UW_AX] = "rax",  [UW_CX] = "rcx",  [UW_DX] = "rdx",  [UW_SI] = "rsi",  [UW_DI] = "rdi",
		[UW_ORIG_AX] = "orig_rax", [UW_IP] = "rip", [UW_CS] = "cs", [UW_FLAGS] = "rflags",
		[UW_SP] = "rsp",  [UW_SS] = "ss",
	};
	char buf[512];
	kd_json_object_begin(s, key);
	bool kernel = !(r->r[UW_CS] & 3);
	kd_json_str(s, "mode", kernel ? "kernel" : "user");
	if (kernel)
		kd_json_str(s, "rip_symbol", exception_rip(s, r->r[UW_IP], buf, sizeof(buf)));
	kd_json_object_begin(s, "registers");
	for (int i = 0; i < UW_NREGS; i++)
		if (i != UW_ORIG_AX || with_orig_ax)
			kd_json_addr(s, names[i], r->r[i]);
	kd_json_end(s);
	kd_json_end(s);
}

/* An exception frame, as crash's x86_64_exception_frame() prints it. */
static void print_regs(kd_session *s, const struct uw_regs *r, bool with_orig_ax, bool line)
{
	const uint64_t *v = r->r;
	char buf[512];
	bool kernel = !(v[UW_CS] & 3);
	if (kd_json_active(s)) {
		regs_json(s, "exception_frame", r, with_orig_ax);
		return;
	}
	if (kernel)
		kd_printf(s, "    [exception RIP: %s]\n", exception_rip(s, v[UW_IP], buf, sizeof(buf)));
	kd_printf(s, "    RIP: %016llx  RSP: %016llx  RFLAGS: %08llx\n", (unsigned long long)v[UW_IP],
		  (unsigned long long)v[UW_SP], (unsigned long long)v[UW_FLAGS]);
	kd_printf(s, "    RAX: %016llx  RBX: %016llx  RCX: %016llx\n", (unsigned long long)v[UW_AX],
		  (unsigned long long)v[UW_BX], (unsigned long long)v[UW_CX]);
	kd_printf(s, "    RDX: %016llx  RSI: %016llx  RDI: %016llx\n", (unsigned long long)v[UW_DX],
		  (unsigned long long)v[UW_SI], (unsigned long long)v[UW_DI]);
	kd_printf(s, "    RBP: %016llx   R8: %016llx   R9: %016llx\n", (unsigned long long)v[UW_BP],
		  (unsigned long long)v[UW_R8], (unsigned long long)v[UW_R9]);
	kd_printf(s, "    R10: %016llx  R11: %016llx  R12: %016llx\n", (unsigned long long)v[UW_R10],
		  (unsigned long long)v[UW_R11], (unsigned long long)v[UW_R12]);
	kd_printf(s, "    R13: %016llx  R14: %016llx  R15: %016llx\n", (unsigned long long)v[UW_R13],
		  (unsigned long long)v[UW_R14], (unsigned long long)v[UW_R15]);
	if (with_orig_ax)
		kd_printf(s, "    ORIG_RAX: %016llx  CS: %04llx  SS: %04llx\n", (unsigned long long)v[UW_ORIG_AX],
			  (unsigned long long)v[UW_CS], (unsigned long long)v[UW_SS]);
	else
		kd_printf(s, "    CS: %04llx  SS: %04llx\n", (unsigned long long)v[UW_CS], (unsigned long long)v[UW_SS]);
	if (line && kernel && kd_unwind_symbol(s, v[UW_IP], NULL, NULL))
		print_line(s, v[UW_IP]);
}

/* ---- symbolic stack words (-F): kernel symbols and slab objects ---- */

static bool in_kernel_image(kd_session *s, uint64_t v)
{
	uint64_t start, end;
	if (kd_symbol_addr(s, "_text", &start) < 0 || kd_symbol_addr(s, "_end", &end) < 0) {
		kd_clear_error(s);
		return false;
	}
	return v >= start && v < end;
}

struct printer {
	kd_session *s;
	const struct bt_opts *o;
	const struct task_info *t;
	int level;
	uint64_t frameptr;          /* -f: the next word to show */
	struct uw_stack fstack;     /* the stack frameptr is on */
	kd_slab_ctx *slab;          /* -F: the slab caches, opened on the first word that needs them */
	bool slab_tried;
	bool in_frame;              /* JSON: a frame's object is open (its exception frame goes into it) */
};

/* The name of the slab cache an address is in (crash's vaddr_to_kmem_cache()). */
static const char *slab_cache_of(struct printer *p, uint64_t v)
{
	if (!p->slab_tried) {
		p->slab_tried = true;
		if (!(p->slab = kd_slab_open(p->s)))
			kd_clear_error(p->s);
	}
	const struct kd_slab_cache *k;
	return p->slab && kd_slab_of_addr(p->slab, v, NULL, &k) ? k->name : NULL;
}

/* One stack word, as crash's format_stack_entry() shows it. */
static void format_word(struct printer *p, uint64_t v, char *out, size_t size)
{
	kd_session *s = p->s;
	if (p->o->symbolic) {
		uint64_t tmp;
		bool readable = kd_is_kvaddr(s, v) && kd_read_kv(s, v, &tmp, 8) == 0;
		/* crash reads a page a filtered ELF dump left out (inside a segment, beyond its file data) as zeroes. */
		if (!readable && kd_last_code(s) == KD_EEXCLUDED && strcmp(kd_target(s)->dump_format, "ELF") == 0)
			readable = true;
		kd_clear_error(s);
		char buf[512];
		const char *name;
		if (readable && (in_kernel_image(s, v) || kd_unwind_is_text(s, v)) && symstr(s, v, true, 10, buf, sizeof(buf))) {
			snprintf(out, size, "%-16s", buf);
			return;
		}
		if (readable && (name = slab_cache_of(p, v))) {
			if (p->o->symbolic > 1)
				snprintf(buf, sizeof(buf), "[%llx:%s]", (unsigned long long)v, name);
			else
				snprintf(buf, sizeof(buf), "[%s]", name);
			snprintf(out, size, "%-16s", buf);
			return;
		}
	}
	snprintf(out, size, "%016llx", (unsigned long long)v);
}

/* -f: the words between the previous frame and this one (x86_64_display_full_frame). */
static void show_frame_words(struct printer *p, uint64_t rsp, const struct uw_stack *st)
{
	if (!p->frameptr || rsp < p->frameptr || st->type != p->fstack.type || st->base != p->fstack.base)
		return;
	uint64_t words = (rsp - p->frameptr) / 8 + 1;
	if (words > (st->top - st->base) / 8)
		return;
	uint64_t addr = p->frameptr;
	for (uint64_t i = 0; i < words; i++, addr += 8) {
		if (!(i & 1))
			kd_printf(p->s, "%s    %llx: ", i ? "\n" : "", (unsigned long long)addr);
		uint64_t v = 0;
		if (kd_read_kv(p->s, addr, &v, 8) < 0)
			kd_clear_error(p->s);
		char buf[600];
		format_word(p, v, buf, sizeof(buf));
		kd_printf(p->s, "%s ", buf);
	}
	kd_printf(p->s, "\n");
}

/* A frame whose ip is a return address (named by its call site), not where a CPU stopped or a task resumes. */
static bool frame_is_return(const struct uw_frame *f)
{
	return !(f->flags & (UW_F_START | UW_F_AFTER_REGS | UW_F_EXACT));
}

/* ret: ip is a return address (frame_is_return). */
static void print_frame(struct printer *p, uint64_t rsp, uint64_t ip, bool ret, const struct uw_stack *st)
{
	kd_session *s = p->s;
	if (p->o->full)
		show_frame_words(p, rsp, st);
	char buf[512];
	const char *mod = NULL;
	uint64_t off = 0;
	const char *name = ret ? kd_unwind_return_symbol(s, ip, &off, &mod) : kd_unwind_symbol(s, ip, &off, &mod);
	if (kd_json_active(s)) {
		if (p->in_frame)
			kd_json_end(s); /* the previous frame: its exception frame, if any, went into it */
		kd_json_object_begin(s, NULL);
		p->in_frame = true;
		kd_json_int(s, "level", p->level);
		kd_json_addr(s, "sp", rsp);
		kd_json_addr(s, "ip", ip);
		kd_json_str(s, "function", name);
		kd_json_uint(s, "offset", name ? off : 0);
		kd_json_str(s, "module", mod);
		static const char *const stacks[] = {[UW_STACK_TASK] = "task", [UW_STACK_IRQ] = "irq", [UW_STACK_EXCEPTION] = "exception"};
		kd_json_str(s, "stack", st->type == UW_STACK_EXCEPTION ? kd_unwind_exception_stack_name(st->index)
					: (size_t)st->type < ARRAY_SIZE(stacks) && stacks[st->type] ? stacks[st->type] : "other");
		char file[1024];
		int line;
		uint64_t o0 = 1;
		uint64_t at = ret && kd_unwind_symbol(s, ip, &o0, NULL) && o0 == 0 ? ip - 1 : ip;
		if (kd_addr_to_line(s, at, file, sizeof(file), &line) == 0) {
			kd_json_str(s, "file", file);
			kd_json_int(s, "line", line);
		}
		kd_clear_error(s);
		p->level++;
		p->frameptr = rsp + 8;
		p->fstack = *st;
		return;
	}
	if (name && p->o->symoff && off)
		snprintf(buf, sizeof(buf), p->o->radix == 16 ? "%s+0x%llx" : "%s+%llu", name, (unsigned long long)off);
	else
		snprintf(buf, sizeof(buf), "%s", name ? name : "(unknown)");
	kd_printf(s, "%s#%d [%8llx] %s at %llx", p->level < 10 ? " " : "", p->level, (unsigned long long)rsp, buf,
		  (unsigned long long)ip);
	if (mod)
		kd_printf(s, " [%s]", mod);
	kd_printf(s, "\n");
	if (p->o->line) {
		uint64_t o0 = 1;
		/* A call that ended its function: the line is the call's, not the next function's. */
		print_line(s, ret && kd_unwind_symbol(s, ip, &o0, NULL) && o0 == 0 ? ip - 1 : ip);
	}
	p->level++;
	p->frameptr = rsp + 8;
	p->fstack = *st;
}

static bool on_stack(const struct uw_stack *a, const struct uw_stack *b)
{
	return a->type == b->type && a->base == b->base;
}

static void print_stack_marker(kd_session *s, const struct uw_stack *st)
{
	if (kd_json_active(s))
		return; /* each frame names its stack */
	if (st->type == UW_STACK_IRQ)
		kd_printf(s, "--- <IRQ stack> ---\n");
	else if (st->type == UW_STACK_EXCEPTION)
		kd_printf(s, "--- <%s exception stack> ---\n", kd_unwind_exception_stack_name(st->index));
}

/* The pt_regs at the top of a user task's stack (crash prints them even when the walk stopped early). */
static bool user_regs_at_top(kd_session *s, const struct task_info *t, const struct uw_trace *tr, struct uw_regs *r,
			     uint64_t *addr)
{
	const uint64_t *off;
	uint64_t size;
	kd_unwind_pt_regs_layout(s, &off, &size);
	if (kd_task_is_kthread(t) || !tr->stack_top)
		return false;
	*addr = tr->stack_top - size;
	for (int i = 0; i < UW_NREGS; i++)
		if (kd_read_kv(s, *addr + off[i], &r->r[i], 8) < 0) {
			kd_clear_error(s);
			return false;
		}
	return true;
}

static void print_trace(struct printer *p, const struct uw_trace *tr)
{
	kd_session *s = p->s;
	size_t i = 0;
	if (tr->begin == UW_BEGIN_USER_REGS) {
		if (kd_json_active(s)) { /* the CPU was running user code: no kernel frames */
			regs_json(s, "exception_frame", &tr->begin_regs, !tr->begin_regs_no_orig_ax);
			kd_json_array_begin(s, "frames");
			kd_json_end(s);
			kd_json_null(s, "error");
			return;
		}
		kd_printf(s, "    [exception RIP: user space]\n");
		print_regs(s, &tr->begin_regs, !tr->begin_regs_no_orig_ax, false);
		return;
	}
	if (tr->begin == UW_BEGIN_KERNEL_REGS) {
		print_regs(s, &tr->begin_regs, !tr->begin_regs_no_orig_ax, false);
		i = 1; /* frames[0] is where the registers point: shown as the exception RIP */
	}
	struct uw_stack cur = tr->len ? tr->frames[0].stack : (struct uw_stack){0};
	bool last_stack_was_irq = false, after_exception_stack = false;
	if (kd_json_active(s))
		kd_json_array_begin(s, "frames");
	for (; i < tr->len; i++) {
		const struct uw_frame *f = &tr->frames[i];
		bool after_regs = f->flags & UW_F_AFTER_REGS;
		if (!on_stack(&f->stack, &cur)) {
			if (cur.type == UW_STACK_IRQ) {
				print_stack_marker(s, &cur);
				last_stack_was_irq = true;
			}
			p->frameptr = 0;
			cur = f->stack;
		}
		if (after_regs && !after_exception_stack)
			continue; /* the interrupted ip was shown as "[exception RIP: ...]" */
		uint64_t rsp = f->slot;
		/* crash shows the entry frame that follows an IRQ stack at its pt_regs. */
		if (last_stack_was_irq && f->has_regs && !after_regs)
			rsp = f->regs_addr;
		last_stack_was_irq = false;
		after_exception_stack = false;
		print_frame(p, rsp, f->ip, frame_is_return(f), &f->stack);
		if (f->has_regs) {
			print_regs(s, &f->regs, true, p->o->line);
			if (f->stack.type == UW_STACK_EXCEPTION) {
				print_stack_marker(s, &f->stack);
				after_exception_stack = true;
				p->frameptr = 0;
			}
		}
	}
	if (!tr->user_mode && tr->len && tr->begin != UW_BEGIN_NONE) {
		struct uw_regs r;
		uint64_t addr;
		const struct uw_frame *last = &tr->frames[tr->len - 1];
		if (last->stack.type == UW_STACK_TASK && !last->has_regs && tr->error[0] && user_regs_at_top(s, p->t, tr, &r, &addr))
			print_regs(s, &r, true, false);
	}
	if (kd_json_active(s)) {
		if (p->in_frame)
			kd_json_end(s);
		p->in_frame = false;
		kd_json_end(s); /* frames */
		kd_json_str(s, "error", tr->error[0] ? tr->error : NULL);
		return;
	}
	if (tr->error[0])
		kd_printf(s, "bt: %s\n", tr->error);
}

/* ---- -t / -T / -o: every kernel text address on the stack ---- */

static bool eframe_ok(kd_session *s, uint64_t at, const struct uw_regs *r);

/* crash's exception_functions_5_8: entry points whose pt_regs follow their return address. */
static bool exception_entry(const char *name)
{
	static const char *const names[] = {"asm_exc_invalid_tss", "asm_exc_segment_not_present", "asm_exc_alignment_check",
		"asm_exc_general_protection", "asm_exc_page_fault", "asm_exc_divide_error", "asm_exc_overflow", "asm_exc_bounds",
		"asm_exc_invalid_op", "asm_exc_device_not_available", "asm_exc_coproc_segment_overrun",
		"asm_exc_spurious_interrupt_bug", "asm_exc_coprocessor_error", "asm_exc_simd_coprocessor_error", "asm_exc_debug",
		"xen_asm_exc_stack_segment", "xen_asm_exc_xen_hypervisor_callback", "xen_asm_exc_int3"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool read_regs_at(kd_session *s, uint64_t addr, struct uw_regs *r)
{
	const uint64_t *off;
	uint64_t size;
	kd_unwind_pt_regs_layout(s, &off, &size);
	for (int i = 0; i < UW_NREGS; i++)
		if (kd_read_kv(s, addr + off[i], &r->r[i], 8) < 0) {
			kd_clear_error(s);
			return false;
		}
	return true;
}

/* Print the text addresses in [from, to): "  [slot] sym at addr" (-t/-T), or as numbered frames (-o). */
static void scan_range(struct printer *p, uint64_t from, uint64_t to)
{
	kd_session *s = p->s;
	uint8_t buf[4096];
	uint64_t page = 1;
	const uint64_t *offs;
	uint64_t ptsize;
	kd_unwind_pt_regs_layout(s, &offs, &ptsize);
	for (uint64_t a = from & ~7ULL; a + 8 <= to; a += 8) {
		if ((a & ~4095ULL) != page) {
			page = a & ~4095ULL;
			if (kd_read_kv(s, page, buf, 4096) < 0) {
				kd_clear_error(s);
				a = page + 4096 - 8;
				page = 1;
				continue;
			}
		}
		uint64_t v;
		memcpy(&v, buf + (a & 4095), 8);
		if (!kd_unwind_is_text(s, v))
			continue;
		char name[512];
		const char *mod;
		uint64_t off;
		const char *sym = kd_unwind_symbol(s, v, &off, &mod);
		if (!sym || (p->o->old && !off))
			continue; /* the old tracer skips function starts: they are not return addresses */
		if (p->o->symoff && off)
			snprintf(name, sizeof(name), p->o->radix == 16 ? "%s+0x%llx" : "%s+%llu", sym, (unsigned long long)off);
		else
			snprintf(name, sizeof(name), "%s", sym);
		if (p->o->old) {
			kd_printf(s, "%s#%d [%8llx] %s at %llx", p->level < 10 ? " " : "", p->level, (unsigned long long)a, name,
				  (unsigned long long)v);
			p->level++;
		} else {
			kd_printf(s, "  [%016llx] %s at %llx", (unsigned long long)a, name, (unsigned long long)v);
		}
		if (mod)
			kd_printf(s, " [%s]", mod);
		kd_printf(s, "\n");
		if (p->o->line)
			print_line(s, v);
		struct uw_regs r;
		if (p->o->old && exception_entry(sym) && a + 8 + ptsize <= to && read_regs_at(s, a + 8, &r) && eframe_ok(s, a + 8, &r)) {
			print_regs(s, &r, true, p->o->line);
			a += ptsize;
			page = 1;
		}
	}
}

static void text_scan(struct printer *p, const struct uw_trace *tr)
{
	kd_session *s = p->s;
	const uint64_t *off;
	uint64_t ptsize;
	kd_unwind_pt_regs_layout(s, &off, &ptsize);
	if (p->o->scan == SCAN_ALL) {
		if (tr->stack_base)
			scan_range(p, tr->stack_base, tr->stack_top);
	} else {
		if (!p->o->old) {
			char buf[512];
			const char *name = symstr(s, tr->start_ip, false, 10, buf, sizeof(buf));
			kd_printf(s, "%sSTART: %s%s at %llx\n", "              ", name ? name : "(unknown)",
				  name && strcmp(name, "thread_return") == 0 ? " (schedule)" : "", (unsigned long long)tr->start_ip);
		}
		uint64_t rsp = tr->start_sp;
		struct uw_stack st;
		/* Off the IRQ or exception stack first, as far as the unwinder found the way back. */
		for (int hops = 0; hops < 4 && kd_unwind_stack_of(s, p->t, rsp, &st) && st.type != UW_STACK_TASK; hops++) {
			uint64_t top = st.type == UW_STACK_EXCEPTION ? st.top - ptsize : st.top;
			scan_range(p, rsp, top);
			const struct uw_frame *entry = NULL;
			for (size_t i = 1; i < tr->len && !entry; i++)
				if (!on_stack(&tr->frames[i].stack, &st) && on_stack(&tr->frames[i - 1].stack, &st))
					entry = &tr->frames[i];
			const struct uw_frame *last = entry ? entry - 1 : NULL;
			if (st.type == UW_STACK_EXCEPTION && last && last->has_regs)
				print_regs(s, &last->regs, true, p->o->line);
			print_stack_marker(s, &st);
			if (!entry)
				return;
			if (st.type == UW_STACK_IRQ && entry->has_regs) {
				const char *mod;
				uint64_t o2;
				const char *sym = kd_unwind_symbol(s, entry->ip, &o2, &mod);
				kd_printf(s, "  [%016llx] %s at %llx\n", (unsigned long long)entry->regs_addr, sym ? sym : "(unknown)",
					  (unsigned long long)entry->ip);
				print_regs(s, &entry->regs, true, p->o->line);
				if (entry->regs.r[UW_CS] & 3)
					return;
				rsp = entry->regs_addr + ptsize;
			} else if (entry->flags & UW_F_AFTER_REGS) {
				/* Back from an exception stack: where the CPU was, then the stack above it. */
				const char *mod;
				uint64_t o2;
				const char *sym = kd_unwind_symbol(s, entry->ip, &o2, &mod);
				kd_printf(s, "  [%016llx] %s at %llx\n", (unsigned long long)entry->slot, sym ? sym : "(unknown)",
					  (unsigned long long)entry->ip);
				rsp = entry->slot;
			} else {
				rsp = entry->slot;
			}
		}
		if (tr->stack_base && rsp >= tr->stack_base && rsp < tr->stack_top)
			scan_range(p, rsp, tr->stack_top);
	}
	struct uw_regs r;
	uint64_t addr;
	if (user_regs_at_top(s, p->t, tr, &r, &addr))
		print_regs(s, &r, true, false);
}

/* ---- -e / -E: search for exception frames ---- */

#define RAZ_MASK 0xffffffffffc08028ULL /* RFLAGS bits that read as zero */

static bool uaddr(uint64_t v)
{
	return v < 0x0000800000000000ULL;
}

/* crash's x86_64_eframe_verify(), for the cases that apply to current kernels. */
static bool eframe_ok(kd_session *s, uint64_t at, const struct uw_regs *r)
{
	uint64_t cs = r->r[UW_CS], ss = r->r[UW_SS], rip = r->r[UW_IP], rsp = r->r[UW_SP], fl = r->r[UW_FLAGS];
	const uint64_t *off;
	uint64_t size;
	kd_unwind_pt_regs_layout(s, &off, &size);
	if ((fl & RAZ_MASK) || !(fl & 2))
		return false;
	bool kv = kd_is_kvaddr(s, rsp);
	if (cs == 0x10 && ss == 0x18) {
		if (kd_unwind_is_text(s, rip) && kv)
			return true;
		if (at + size == rsp)
			return true;
	}
	if (cs == 0x10 && kd_unwind_is_text(s, rip) && kv && (rsp == at + size + 8 || rsp == at + size))
		return true;
	if ((cs == 0x33 || cs == 0x23) && ss == 0x2b && uaddr(rip) && uaddr(rsp))
		return true;
	return false;
}

static int eframe_search_range(kd_session *s, uint64_t from, uint64_t base, uint64_t top)
{
	const uint64_t *off;
	uint64_t size;
	kd_unwind_pt_regs_layout(s, &off, &size);
	if (top - base < size)
		return 0;
	int found = 0;
	for (uint64_t a = from; a <= top - size; a += 8) {
		struct uw_regs r;
		bool ok = true;
		for (int i = 0; i < UW_NREGS && ok; i++)
			ok = kd_read_kv(s, a + off[i], &r.r[i], 8) == 0;
		kd_clear_error(s);
		if (!ok || !eframe_ok(s, a, &r))
			continue;
		bool kernel = !(r.r[UW_CS] & 3);
		kd_printf(s, "\n  %s-MODE EXCEPTION FRAME AT: %llx\n", kernel ? "KERNEL" : "USER", (unsigned long long)a);
		print_regs(s, &r, true, false);
		found++;
	}
	return found;
}

static int search_all_stacks(kd_session *s, const struct bt_opts *o)
{
	struct uw_stack st[8];
	/* IRQ stacks of every CPU first, then the exception stacks, as crash does. */
	for (int pass = 0; pass < 2; pass++) {
		for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
			if (o->cpus_given && !o->cpus[cpu])
				continue;
			int n = kd_unwind_cpu_stacks(s, cpu, st, 8);
			for (int i = 0; i < n; i++) {
				if ((pass == 0) != (st[i].type == UW_STACK_IRQ))
					continue;
				if (st[i].type == UW_STACK_IRQ)
					kd_printf(s, "CPU %d IRQ STACK:", cpu);
				else
					kd_printf(s, "CPU %d %s EXCEPTION STACK:", cpu, kd_unwind_exception_stack_name(st[i].index));
				kd_printf(s, "\n");
				if (eframe_search_range(s, st[i].base, st[i].base, st[i].top))
					kd_printf(s, "\n");
				else
					kd_printf(s, "(none found)\n\n");
			}
		}
	}
	return 0;
}

/* ---- -r: the raw stack, symbolically, as rd -s shows memory ---- */

static void raw_stack(kd_session *s, uint64_t base, uint64_t top)
{
	uint8_t buf[4096];
	for (uint64_t a = base; a < top; a += 16) {
		kd_printf(s, "%llx:  ", (unsigned long long)a);
		for (int k = 0; k < 2; k++) {
			uint64_t v = 0, addr = a + 8 * k;
			if ((addr & 4095) == 0 || addr == base)
				if (kd_read_kv(s, addr & ~4095ULL, buf, 4096) < 0) {
					kd_clear_error(s);
					memset(buf, 0, sizeof(buf));
				}
			memcpy(&v, buf + (addr & 4095), 8);
			char name[512];
			if (in_kernel_image(s, v) && symstr(s, v, true, 10, name, sizeof(name)))
				kd_printf(s, "%-16s ", name);
			else
				kd_printf(s, "%016llx ", (unsigned long long)v);
		}
		kd_printf(s, "\n");
	}
}

/* ---- one task ---- */

static bool references(kd_session *s, const struct uw_trace *tr, const char *ref)
{
	uint64_t v;
	bool hex = kd_parse_hex_u64(ref, &v);
	for (size_t i = 0; i < tr->len; i++) {
		const struct uw_frame *f = &tr->frames[i];
		uint64_t off;
		const char *name = frame_is_return(f) ? kd_unwind_return_symbol(s, f->ip, &off, NULL) : kd_unwind_symbol(s, f->ip, &off, NULL);
		if ((name && strcmp(name, ref) == 0) || (hex && (f->ip == v || (name && f->ip - off == v))))
			return true;
		for (int r = 0; f->has_regs && r < UW_NREGS; r++)
			if (hex && f->regs.r[r] == v)
				return true;
	}
	return false;
}

/* A task with nothing to unwind: its header and crash's one word for why ("no stack",
 * "active"), in parentheses; in JSON, no frames and the word as its error. */
static int bt_nothing(kd_session *s, const struct bt_opts *o, const struct task_info *t, const char *why)
{
	if (o->ref)
		return 0;
	print_header(s, t);
	if (kd_json_active(s)) {
		kd_json_null(s, "frames");
		kd_json_str(s, "error", why);
		kd_json_end(s);
		return 0;
	}
	kd_printf(s, "(%s)\n", why);
	return 0;
}

static int bt_task(kd_session *s, const struct bt_opts *o, const struct task_info *t)
{
	/* A dead task whose kernel stack is already freed (a zombie): nothing to walk, as crash says. */
	if (!t->stack && !t->idle)
		return bt_nothing(s, o, t, "no stack");
	/* A task running on a CPU of the live kernel: its registers are nowhere to read, and its
	 * stack changes as we read it; crash says so and shows nothing more. */
	if (kd_target(s)->live && t->active && o->scan == SCAN_NONE && !o->raw && !o->has_sp && !o->has_ip)
		return bt_nothing(s, o, t, "active");
	struct uw_trace tr;
	struct uw_start start = {.mode = UW_START_AUTO};
	if (o->has_sp || o->has_ip) {
		if (o->has_ip && o->has_sp) {
			start.mode = UW_START_REGS;
			start.regs.r[UW_IP] = o->ip;
			start.regs.r[UW_SP] = o->sp;
			start.regs.r[UW_CS] = 0x10;
		} else if (o->has_sp) {
			start.mode = UW_START_SLOT;
			start.slot = o->sp;
		}
	}
	kd_unwind_task(s, t, &start, &tr);
	if (o->ref && !references(s, &tr, o->ref)) {
		kd_unwind_trace_free(&tr);
		return 0;
	}
	print_header(s, t);
	struct printer p = {.s = s, .o = o, .t = t};
	if (kd_json_active(s)) {
		print_trace(&p, &tr);
		kd_json_end(s);
	} else if (o->raw) {
		if (tr.stack_base)
			raw_stack(s, tr.stack_base, tr.stack_top);
	} else if (o->eframe_search) {
		if (tr.stack_base)
			eframe_search_range(s, tr.stack_base, tr.stack_base, tr.stack_top);
	} else if (o->scan != SCAN_NONE || o->old) {
		text_scan(&p, &tr);
	} else {
		print_trace(&p, &tr);
	}
	kd_slab_close(p.slab);
	kd_unwind_trace_free(&tr);
	return 0;
}

/* ---- options ---- */

static int stack_overflow_check(kd_session *s)
{
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	int bad = 0;
	for (size_t i = 0; i < tt->len; i++) {
		uint64_t magic = 0;
		const struct task_info *t = &tt->tasks[i];
		if (!t->stack)
			continue;
		if (kd_read_kv(s, t->stack, &magic, 8) < 0) {
			kd_clear_error(s);
			continue;
		}
		if ((uint32_t)magic != 0x57AC6E9DU) {
			print_header(s, t);
			kd_printf(s, "  possible stack overflow: %llx: %llx != STACK_END_MAGIC\n", (unsigned long long)t->stack,
				  (unsigned long long)magic);
			bad++;
		}
	}
	if (!bad)
		kd_printf(s, "No stack overflows detected\n");
	return 0;
}

static int cmd_bt(kd_session *s, int argc, char **argv)
{
	struct bt_opts o = {.radix = kd_output_radix(s) == 16 ? 16 : 10};
	bool cpus_buf[8192] = {0}; /* -c: at most 8192 CPUs, as the parse below is told */
	o.cpus = cpus_buf;
	int c, rc = 0;
	optind = 0;
	while ((c = getopt(argc, argv, "ac:fFlsxdtTreEoOpgvR:I:S:n:A")) != -1) {
		switch (c) {
		case 'a': o.all = true; break;
		case 'c':
			/* a previous -c's CPUs are replaced, as crash's make_cpumask does */
			if (kd_parse_cpuspec(s, optarg, o.cpus, MIN(kd_target(s)->nr_cpus, 8192)) < 0)
				return -1;
			o.cpus_given = true;
			break;
		case 'f': o.full = true; break;
		case 'F': o.full = true; o.symbolic++; break;
		case 'l': o.line = true; break;
		case 's': o.symoff = true; break;
		case 'x': o.radix = 16; break;
		case 'd': o.radix = 10; break;
		case 't': o.scan = SCAN_FROM_START; break;
		case 'T': o.scan = SCAN_ALL; break;
		case 'r': o.raw = true; break;
		case 'e': o.eframe_search = true; break;
		case 'E': o.eframe_all = true; break;
		case 'o': case 'O': o.old = true; break;
		case 'p': o.panic_only = true; break;
		case 'g': o.group = true; break;
		case 'v': o.overflow = true; break;
		case 'n': break; /* idle filtering: idle stacks are short on these kernels */
		case 'R': o.ref = optarg; break;
		case 'I':
			if (!kd_parse_hex_u64(optarg, &o.ip) && kd_symbol_addr(s, optarg, &o.ip) < 0)
				return kd_fail(s, "invalid -I argument: %s", optarg);
			o.has_ip = true;
			break;
		case 'S':
			if (!kd_parse_hex_u64(optarg, &o.sp))
				return kd_fail(s, "invalid -S argument: %s", optarg);
			o.has_sp = true;
			break;
		case 'A': return kd_fail(s, "-A option not supported or applicable on this architecture or kernel");
		default: return kd_usage(s);
		}
	}
	if (kd_target(s)->live && (o.panic_only || o.all || o.cpus_given)) /* no CPU is stopped to look at */
		return kd_fail(s, "-%c option not supported on a live system", o.panic_only ? 'p' : o.all ? 'a' : 'c');
	if (o.overflow)
		return stack_overflow_check(s);
	if (o.eframe_all)
		return search_all_stacks(s, &o);
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	VEC(const struct task_info *) list = {0};
	int unknown_cpu = -1, nunknown = 0; /* CPUs whose run queue gave no current task */
	if (o.all || o.cpus_given) {
		for (int cpu = 0; cpu < tt->nr_cpus; cpu++) {
			if (o.cpus_given && !o.cpus[cpu])
				continue;
			const struct task_info *t = tt->cpu_curr[cpu] ? kd_task_find(s, tt->cpu_curr[cpu]) : NULL;
			kd_clear_error(s);
			if (t)
				VEC_PUSH(&list, t);
			else if (!nunknown++)
				unknown_cpu = cpu;
		}
	} else if (o.panic_only) {
		const struct task_info *t = kd_task_panic(s);
		if (!t) {
			VEC_FREE(&list);
			return kd_fail(s, "no panic task found");
		}
		VEC_PUSH(&list, t);
	} else if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			size_t n;
			const struct task_info *t = kd_tasks_from_arg(s, argv[i], &n);
			if (!t) {
				kd_clear_error(s);
				kd_fail(s, "invalid task or pid value: %s", argv[i]);
				rc = -1;
				continue;
			}
			for (size_t k = 0; k < n; k++) /* a PID names every task that has it */
				VEC_PUSH(&list, &t[k]);
		}
	} else {
		const struct task_info *t = kd_task_current(s);
		if (!t) {
			VEC_FREE(&list);
			return kd_fail(s, "no current task");
		}
		VEC_PUSH(&list, t);
	}
	if (o.group) {
		/* -g: every thread of each task's group, the leader first. */
		VEC(const struct task_info *) g = {0};
		for (size_t i = 0; i < list.len; i++) {
			int tgid = list.items[i]->tgid;
			for (size_t k = 0; k < tt->len; k++)
				if (tt->tasks[k].tgid == tgid && tt->tasks[k].pid == tgid && !tt->tasks[k].idle)
					VEC_PUSH(&g, &tt->tasks[k]);
			for (size_t k = 0; k < tt->len; k++)
				if (tt->tasks[k].tgid == tgid && tt->tasks[k].pid != tgid && !tt->tasks[k].idle)
					VEC_PUSH(&g, &tt->tasks[k]);
			if (list.items[i]->idle)
				VEC_PUSH(&g, list.items[i]);
		}
		VEC_FREE(&list);
		list.items = g.items, list.len = g.len, list.cap = g.cap;
	}
	bool json = kd_json_active(s);
	if (json && (o.raw || o.eframe_search || o.scan != SCAN_NONE || o.old || o.full)) {
		VEC_FREE(&list);
		return kd_error(s, KD_EUNSUPP, 0, "this view of bt has no JSON form: set output text");
	}
	if (json && !kd_json_in_array(s)) /* {tasks: [...]}; within foreach (or report), its array */
		kd_json_array_begin(s, "tasks");
	for (size_t i = 0; i < list.len; i++) {
		if (i && !json)
			kd_printf(s, "\n");
		bt_task(s, &o, list.items[i]);
	}
	VEC_FREE(&list);
	if (nunknown) /* after the CPUs that could be shown, one line for those that could not */
		return kd_error(s, KD_EFORMAT, 0, "the active task of cpu %d%s is unknown: its run queue could not be read",
				unknown_cpu, nunknown > 1 ? " and others" : "");
	return rc;
}

const struct kd_command kd_cmd_bt = {
	"bt", cmd_bt,
	"bt [-a|-c cpu(s)|-g|-r|-t|-T|-l|-e|-E|-f|-F|-o|-O|-v|-p] [-R ref] [-s [-x|d]] [-I ip] [-S sp] [pid | task]",
	"backtrace",
	"Displays a kernel stack backtrace of the current context, or of the tasks given\n"
	"by PID or task address. Frames come from the kernel's own ORC unwind tables;\n"
	"exception frames show their registers, IRQ and exception stacks are crossed,\n"
	"and a user task's trace ends with its user-mode registers.\n"
	"  -a        the active task on each CPU\n"
	"  -c cpus   the active task on these CPUs: \"3\", \"1,8,9\", \"1-23\"\n"
	"  -p        the panic task\n"
	"  -g        every thread in the task's thread group, the leader first\n"
	"  -f        the stack words of each frame\n"
	"  -F[F]     the same, symbolically: symbols and [slab cache] names (-FF: [address:cache])\n"
	"  -l        the source file and line of each frame\n"
	"  -s        symbol offsets (-x hexadecimal, -d decimal)\n"
	"  -t        every text address from the starting frame up; -T from the stack's bottom\n"
	"  -r        the raw stack\n"
	"  -e        search the stack for exception frames; -E every IRQ and exception stack\n"
	"  -v        check every task's stack for an overflow (STACK_END_MAGIC)\n"
	"  -R ref    only traces that reference this symbol or address\n"
	"  -S sp     start from this stack address; -I ip -S sp from these registers\n"
	"When an unwind cannot continue, the frames found are kept and a last line says why.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> bt\n"
	"  PID: 127      TASK: ffff8c6482801840  CPU: 1    COMMAND: \"sh\"\n"
	"   #0 [ffffcf6a804eb9d0] panic at ffffffffa4e01f99\n"
	"   #1 [ffffcf6a804eba50] sysrq_handle_crash at ffffffffa4a90926\n"
	"   ...\n"
	"  kdive> bt -a\n"
	"  kdive> bt -sx 1\n"
	"  kdive> foreach UN bt\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
