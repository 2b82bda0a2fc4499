/*
 * x86_64 ORC: the kernel's own unwind tables (.orc_unwind_ip / .orc_unwind)
 * and the walker that follows them, on an abstract memory so that tests can
 * feed it synthetic stacks. The walker mirrors the kernel's unwind_orc.c:
 * ORC_TYPE_CALL frames, pt_regs (full and iret-only) frames, indirect stack
 * switches to and from IRQ stacks, and a frame-pointer guess where no ORC
 * entry exists. Everything read is bounds-checked by the memory callbacks;
 * every loop is capped.
 */
#include <stdio.h>
#include <string.h>

#include "linux/unwind.h"

/* Entry layout: s16 sp_offset, s16 bp_offset, then a 16-bit word of bit fields. */
void orc_decode(const struct orc_format *fmt, const uint8_t raw[6], struct orc_entry_n *out)
{
	int16_t spo, bpo;
	uint16_t flags;
	memcpy(&spo, raw, 2);
	memcpy(&bpo, raw + 2, 2);
	memcpy(&flags, raw + 4, 2);
	out->sp_offset = spo;
	out->bp_offset = bpo;
	out->sp_reg = flags & 0xf;
	out->bp_reg = (flags >> 4) & 0xf;
	unsigned type = (flags >> fmt->type_shift) & ((1u << fmt->type_bits) - 1);
	out->signal = fmt->signal_bit >= 0 && (flags >> fmt->signal_bit) & 1;
	if (fmt->end_bit < 0) {
		/* 6.4+: UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4. */
		out->type = type <= ORC_TYPE_REGS_PARTIAL ? (uint8_t)type : ORC_TYPE_UNDEFINED;
		return;
	}
	/* Before 6.4: CALL 0, REGS 1, REGS_PARTIAL 2; an undefined sp_reg with `end` ends the stack. */
	bool end = (flags >> fmt->end_bit) & 1;
	if (out->sp_reg == ORC_REG_UNDEFINED)
		out->type = end ? ORC_TYPE_END_OF_STACK : ORC_TYPE_UNDEFINED;
	else if (type == 0)
		out->type = ORC_TYPE_CALL;
	else if (type == 1)
		out->type = ORC_TYPE_REGS;
	else if (type == 2)
		out->type = ORC_TYPE_REGS_PARTIAL;
	else
		out->type = ORC_TYPE_UNDEFINED;
	if (fmt->signal_bit < 0) /* 6.1/6.2: pt_regs entries are exact ips, calls are return addresses */
		out->signal = out->type == ORC_TYPE_REGS || out->type == ORC_TYPE_REGS_PARTIAL;
}

static uint64_t raw_ip(const struct orc_table *t, size_t i)
{
	int32_t off;
	memcpy(&off, &t->ip[i], 4);
	return t->ip_base + 4 * (uint64_t)i + (uint64_t)(int64_t)off + t->reloc;
}

static uint64_t sorted_ip(const struct orc_table *t, size_t i)
{
	return raw_ip(t, t->order ? t->order[i] : i);
}

struct ip_index {
	uint64_t ip;
	uint32_t idx;
};

static int cmp_ip_index(const void *a, const void *b)
{
	const struct ip_index *x = a, *y = b;
	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int orc_table_init(struct orc_table *t, char *err, size_t errsize)
{
	t->order = NULL;
	if (!t->ip || !t->entries || t->n == 0) {
		snprintf(err, errsize, "the ORC table is empty");
		return -1;
	}
	if (t->n > (1u << 28)) {
		snprintf(err, errsize, "the ORC table has %zu entries: corrupt?", t->n);
		return -1;
	}
	bool sorted = true;
	for (size_t i = 1; i < t->n && sorted; i++)
		sorted = raw_ip(t, i - 1) <= raw_ip(t, i);
	if (!sorted) {
		struct ip_index *tmp = xmalloc(t->n * sizeof(*tmp));
		for (size_t i = 0; i < t->n; i++)
			tmp[i] = (struct ip_index){raw_ip(t, i), (uint32_t)i};
		kd_qsort(tmp, t->n, sizeof(*tmp), cmp_ip_index);
		t->order = xmalloc(t->n * sizeof(uint32_t));
		for (size_t i = 0; i < t->n; i++)
			t->order[i] = tmp[i].idx;
		free(tmp);
	}
	if (!t->lo && !t->hi) {
		t->lo = sorted_ip(t, 0);
		t->hi = sorted_ip(t, t->n - 1) + 1;
	}
	return 0;
}

void orc_table_free(struct orc_table *t)
{
	free(t->order);
	t->order = NULL;
}

bool orc_lookup(const struct orc_table *t, uint64_t ip, struct orc_entry_n *out)
{
	if (!t->n || ip < t->lo || ip >= t->hi || ip < sorted_ip(t, 0))
		return false;
	/* Last entry whose ip is <= the target. */
	size_t lo = 0, hi = t->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted_ip(t, mid) <= ip)
			lo = mid;
		else
			hi = mid;
	}
	size_t idx = t->order ? t->order[lo] : lo;
	orc_decode(&t->fmt, t->entries + 6 * idx, out);
	return true;
}

void uw_push(struct uw_trace *trace, const struct uw_frame *f)
{
	if (trace->len == trace->cap) {
		trace->cap = trace->cap ? trace->cap * 2 : 32;
		trace->frames = xrealloc(trace->frames, trace->cap * sizeof(*trace->frames));
	}
	trace->frames[trace->len++] = *f;
}

static bool same_stack(const struct uw_stack *a, const struct uw_stack *b)
{
	return a->type == b->type && a->base == b->base && a->top == b->top;
}

/* Read a word that must lie inside the stack st (the kernel's stack_access_ok). */
static bool deref_on(const struct uw_memory *m, const struct uw_stack *st, uint64_t addr, uint64_t *val)
{
	if (addr < st->base || addr > st->top - 8 || (addr & 7))
		return false;
	return m->read(m->arg, addr, val) == 0;
}

/* Read a word on whatever known stack holds it. */
static bool deref_any(const struct uw_memory *m, uint64_t addr, uint64_t *val, struct uw_stack *where)
{
	struct uw_stack st;
	if (!m->stack_of(m->arg, addr, &st))
		return false;
	if (where)
		*where = st;
	return deref_on(m, &st, addr, val);
}

static int read_regs(const struct uw_memory *m, uint64_t addr, struct uw_regs *r, bool partial)
{
	struct uw_stack st;
	memset(r, 0, sizeof(*r));
	uint64_t ipoff = m->pt_regs_off[UW_IP];
	uint64_t first = partial ? addr + ipoff : addr;
	if (!m->stack_of(m->arg, first, &st) || m->pt_regs_size > st.top - st.base || addr + m->pt_regs_size > st.top ||
	    first < st.base)
		return -1;
	for (int i = 0; i < UW_NREGS; i++) {
		uint64_t a = addr + m->pt_regs_off[i];
		if (partial && m->pt_regs_off[i] < ipoff)
			continue;
		if (!deref_on(m, &st, a, &r->r[i]))
			return -1;
	}
	return 0;
}

static bool get_reg(const struct uw_state *st, enum uw_reg reg, uint64_t *val)
{
	if (st->full_regs) {
		*val = st->regs.r[reg];
		return true;
	}
	if (st->prev_regs_addr) {
		*val = st->prev_regs.r[reg];
		return true;
	}
	return false;
}

#define FAIL(...) do { snprintf(trace->error, sizeof(trace->error), __VA_ARGS__); return; } while (0)

#define SCAN_LIMIT 2048 /* how far up the stack a guess may look for the caller */

/*
 * No ORC answer for this frame: look up the stack for a return address whose call
 * instruction called this function (else any call), as crash's scanning tracer
 * does. The frame found is marked as a guess.
 */
static bool scan_for_caller(const struct uw_memory *m, const struct uw_state *st, const struct uw_stack *cur,
			    uint64_t *slot, uint64_t *ret)
{
	if (!m->func_start || !m->call_before)
		return false;
	uint64_t fn = m->func_start(m->arg, st->signal ? st->ip : st->ip - 1);
	uint64_t from = (st->sp + 7) & ~7ULL, to = cur->top;
	if (to - from > SCAN_LIMIT)
		to = from + SCAN_LIMIT;
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t a = from; a + 8 <= to; a += 8) {
			uint64_t v, target;
			struct orc_entry_n e;
			if (!deref_on(m, cur, a, &v) || v < 8 || m->orc(m->arg, v - 1, &e) < 0 || !m->call_before(m->arg, v, &target))
				continue;
			if (pass == 0 && (!fn || target != fn))
				continue;
			*slot = a;
			*ret = v;
			return true;
		}
	}
	return false;
}

void uw_walk(const struct uw_memory *m, struct uw_state *st, struct uw_trace *trace)
{
	struct uw_stack visited[8];
	int nvisited = 0;
	struct uw_stack cur;
	trace->error[0] = '\0';
	if (!m->stack_of(m->arg, st->sp, &cur))
		FAIL("stack pointer %llx is not on a stack of this task", (unsigned long long)st->sp);
	visited[nvisited++] = cur;
	for (int steps = 0; steps < UW_MAX_FRAMES; steps++) {
		if (trace->len >= UW_MAX_FRAMES)
			FAIL("more than %d frames: a loop in the stack?", UW_MAX_FRAMES);
		/* User-mode registers: the bottom of the kernel stack. */
		if (st->full_regs && st->regs_addr && (st->regs.r[UW_CS] & 3)) {
			trace->user_mode = true;
			return;
		}
		if (!st->ip)
			return; /* a kernel thread's zeroed pt_regs, or the end of the chain */
		if (st->signal && m->ret_from_fork && st->ip == m->ret_from_fork && trace->len == 1) {
			/*
			 * A task forked and never run: copy_thread left a switch frame whose return address
			 * is ret_from_fork (where the kernel's own unwinder starts such a task) and the
			 * registers it will return to user space with at the top of its stack. ORC ends the
			 * stack at ret_from_fork's entry; the entry code finds the pt_regs at the top, and so
			 * does this walk: user registers end the trace as at a syscall entry, a kernel
			 * thread's zeroed ones end it quietly.
			 */
			struct uw_regs r;
			uint64_t at = cur.top - m->pt_regs_size;
			if (m->pt_regs_size <= cur.top - cur.base && read_regs(m, at, &r, false) == 0 && (r.r[UW_CS] & 3)) {
				struct uw_frame *last = &trace->frames[trace->len - 1];
				last->has_regs = true;
				last->regs_addr = at;
				last->regs = r;
				trace->user_mode = true;
			}
			return;
		}
		struct orc_entry_n orc;
		bool guess = false;
		int found = m->orc(m->arg, st->signal ? st->ip : st->ip - 1, &orc);
		if (found < 0)
			FAIL("%llx is not kernel text: cannot unwind further", (unsigned long long)st->ip);
		if (found == 0) {
			/* No ORC data (generated code, a module without tables): assume a frame pointer. */
			orc = (struct orc_entry_n){.sp_offset = 16, .bp_offset = -16, .sp_reg = ORC_REG_BP,
						   .bp_reg = ORC_REG_PREV_SP, .type = ORC_TYPE_CALL};
			guess = true;
		}
		if (orc.type == ORC_TYPE_END_OF_STACK)
			return;
		bool needs_bp = orc.sp_reg == ORC_REG_BP || orc.sp_reg == ORC_REG_BP_INDIRECT;
		if (orc.type == ORC_TYPE_UNDEFINED || (needs_bp && !st->bp_known)) {
			uint64_t slot, ret;
			if (!scan_for_caller(m, st, &cur, &slot, &ret)) {
				if (orc.type == ORC_TYPE_UNDEFINED)
					FAIL("no unwind information at %llx", (unsigned long long)st->ip);
				FAIL("cannot unwind past %llx: it needs the frame pointer, which is unknown here",
				     (unsigned long long)st->ip);
			}
			struct uw_frame g = {.ip = ret, .slot = slot, .sp = slot + 8, .stack = cur, .flags = UW_F_GUESS,
					     .bp = st->bp, .bp_known = st->bp_known};
			st->ip = ret;
			st->sp = slot + 8;
			st->signal = false;
			st->regs_addr = 0;
			st->full_regs = false;
			st->prev_regs_addr = 0;
			uw_push(trace, &g);
			continue;
		}
		uint64_t sp = 0, tmp;
		bool indirect = false;
		switch (orc.sp_reg) {
		case ORC_REG_SP: sp = st->sp + (uint64_t)(int64_t)orc.sp_offset; break;
		case ORC_REG_BP:
			if (!st->bp_known)
				FAIL("cannot unwind past %llx: it needs the frame pointer, which is unknown here",
				     (unsigned long long)st->ip);
			sp = st->bp + (uint64_t)(int64_t)orc.sp_offset;
			break;
		case ORC_REG_SP_INDIRECT: sp = st->sp; indirect = true; break;
		case ORC_REG_BP_INDIRECT:
			if (!st->bp_known)
				FAIL("cannot unwind past %llx: it needs the frame pointer, which is unknown here",
				     (unsigned long long)st->ip);
			sp = st->bp + (uint64_t)(int64_t)orc.sp_offset;
			indirect = true;
			break;
		case ORC_REG_R10: case ORC_REG_R13: case ORC_REG_DI: case ORC_REG_DX: {
			enum uw_reg r = orc.sp_reg == ORC_REG_R10 ? UW_R10 : orc.sp_reg == ORC_REG_R13 ? UW_R13
				      : orc.sp_reg == ORC_REG_DI ? UW_DI : UW_DX;
			if (!st->full_regs)
				FAIL("cannot unwind past %llx: its stack pointer is in a register that was not saved",
				     (unsigned long long)st->ip);
			sp = st->regs.r[r];
			break;
		}
		default: FAIL("cannot unwind past %llx: unknown ORC stack register %u", (unsigned long long)st->ip, orc.sp_reg);
		}
		if (indirect) {
			if (!deref_any(m, sp, &sp, NULL))
				FAIL("cannot unwind past %llx: indirect stack pointer at %llx is unreadable",
				     (unsigned long long)st->ip, (unsigned long long)sp);
			if (orc.sp_reg == ORC_REG_SP_INDIRECT)
				sp += (uint64_t)(int64_t)orc.sp_offset;
		}
		struct uw_frame f = {0};
		struct uw_stack where;
		uint64_t prev_sp = st->sp;
		switch (orc.type) {
		case ORC_TYPE_CALL: {
			uint64_t ip;
			if (!deref_any(m, sp - 8, &ip, &where))
				FAIL("cannot unwind past %llx: return address at %llx is not on the stack",
				     (unsigned long long)st->ip, (unsigned long long)(sp - 8));
			f.ip = ip;
			f.slot = sp - 8;
			f.sp = sp;
			f.stack = where;
			f.flags = guess ? UW_F_GUESS : 0;
			st->ip = ip;
			st->sp = sp;
			st->regs_addr = 0;
			st->full_regs = false;
			st->prev_regs_addr = 0;
			break;
		}
		case ORC_TYPE_REGS:
		case ORC_TYPE_REGS_PARTIAL: {
			bool partial = orc.type == ORC_TYPE_REGS_PARTIAL;
			uint64_t addr = partial ? sp - m->pt_regs_off[UW_IP] : sp;
			struct uw_regs r;
			if (read_regs(m, addr, &r, partial) < 0)
				FAIL("cannot unwind past %llx: exception frame at %llx is unreadable", (unsigned long long)st->ip,
				     (unsigned long long)addr);
			if (trace->len) {
				struct uw_frame *last = &trace->frames[trace->len - 1];
				last->has_regs = true;
				last->regs_partial = partial;
				last->regs_addr = addr;
				last->regs = r;
			}
			if (partial) {
				st->prev_regs_addr = st->full_regs ? st->regs_addr : 0;
				st->prev_regs = st->regs;
			} else {
				st->prev_regs_addr = 0;
			}
			st->regs_addr = addr;
			st->regs = r;
			st->full_regs = !partial;
			st->ip = r.r[UW_IP];
			st->sp = r.r[UW_SP];
			if (r.r[UW_CS] & 3) {
				/* Entered from user mode: the end of the kernel stack. */
				trace->user_mode = true;
				return;
			}
			if (!st->ip)
				return;
			f.ip = st->ip;
			f.slot = st->sp;
			f.sp = st->sp;
			f.flags = UW_F_AFTER_REGS;
			if (!m->stack_of(m->arg, st->sp, &where))
				FAIL("exception frame at %llx: its stack pointer %llx is not on a stack of this task",
				     (unsigned long long)addr, (unsigned long long)st->sp);
			f.stack = where;
			break;
		}
		default: FAIL("cannot unwind past %llx: unknown ORC type %u", (unsigned long long)st->ip, orc.type);
		}
		/* The caller's frame pointer. */
		switch (orc.bp_reg) {
		case ORC_REG_UNDEFINED:
			if (get_reg(st, UW_BP, &tmp)) {
				st->bp = tmp;
				st->bp_known = true;
			}
			break;
		case ORC_REG_PREV_SP:
			if (deref_any(m, sp + (uint64_t)(int64_t)orc.bp_offset, &tmp, NULL)) {
				st->bp = tmp;
				st->bp_known = true;
			} else if (guess) {
				FAIL("frame-pointer guess at %llx failed: no frame at %llx", (unsigned long long)prev_sp,
				     (unsigned long long)sp);
			} else {
				st->bp_known = false;
			}
			break;
		case ORC_REG_BP:
			if (st->bp_known && deref_any(m, st->bp + (uint64_t)(int64_t)orc.bp_offset, &tmp, NULL))
				st->bp = tmp;
			else
				st->bp_known = false;
			break;
		default: st->bp_known = false; break;
		}
		st->signal = orc.signal || orc.type == ORC_TYPE_REGS || orc.type == ORC_TYPE_REGS_PARTIAL;
		/* The stack must move up, and may only switch to a stack not visited yet. */
		struct uw_stack next;
		if (!m->stack_of(m->arg, st->sp, &next))
			FAIL("stack pointer %llx is not on a stack of this task", (unsigned long long)st->sp);
		if (same_stack(&next, &cur)) {
			if (st->sp <= prev_sp && !(f.flags & UW_F_AFTER_REGS))
				FAIL("stack going in the wrong direction at %llx (%llx after %llx)", (unsigned long long)f.ip,
				     (unsigned long long)st->sp, (unsigned long long)prev_sp);
			if (st->sp < prev_sp)
				FAIL("stack going in the wrong direction at %llx (%llx after %llx)", (unsigned long long)f.ip,
				     (unsigned long long)st->sp, (unsigned long long)prev_sp);
		} else {
			for (int i = 0; i < nvisited; i++)
				if (same_stack(&visited[i], &next))
					FAIL("unwind loops back to a stack already left (%llx)", (unsigned long long)st->sp);
			if (nvisited == (int)ARRAY_SIZE(visited))
				FAIL("too many stack switches");
			visited[nvisited++] = next;
			cur = next;
		}
		f.bp = st->bp;
		f.bp_known = st->bp_known;
		uw_push(trace, &f);
	}
	FAIL("more than %d frames: a loop in the stack?", UW_MAX_FRAMES);
}

/* ---- recording a walk as a fixture (see unwind.h) ---- */

static int rec_read(void *arg, uint64_t addr, uint64_t *val)
{
	struct uw_recorder *r = arg;
	int rc = r->inner->read(r->inner->arg, addr, val);
	if (rc == 0)
		fprintf(r->out, "read %llx %llx\n", (unsigned long long)addr, (unsigned long long)*val);
	else
		fprintf(r->out, "noread %llx\n", (unsigned long long)addr);
	return rc;
}

static bool rec_stack_of(void *arg, uint64_t addr, struct uw_stack *out)
{
	struct uw_recorder *r = arg;
	bool ok = r->inner->stack_of(r->inner->arg, addr, out);
	if (ok)
		fprintf(r->out, "stack %llx %d %d %d %llx %llx\n", (unsigned long long)addr, out->type, out->cpu, out->index,
			(unsigned long long)out->base, (unsigned long long)out->top);
	else
		fprintf(r->out, "nostack %llx\n", (unsigned long long)addr);
	return ok;
}

static int rec_orc(void *arg, uint64_t ip, struct orc_entry_n *out)
{
	struct uw_recorder *r = arg;
	int rc = r->inner->orc(r->inner->arg, ip, out);
	if (rc > 0)
		fprintf(r->out, "orc %llx 1 %d %d %u %u %u %d\n", (unsigned long long)ip, out->sp_offset, out->bp_offset,
			out->sp_reg, out->bp_reg, out->type, out->signal);
	else
		fprintf(r->out, "orc %llx %d\n", (unsigned long long)ip, rc);
	return rc;
}

static uint64_t rec_func_start(void *arg, uint64_t ip)
{
	struct uw_recorder *r = arg;
	uint64_t v = r->inner->func_start ? r->inner->func_start(r->inner->arg, ip) : 0;
	fprintf(r->out, "func %llx %llx\n", (unsigned long long)ip, (unsigned long long)v);
	return v;
}

static bool rec_call_before(void *arg, uint64_t ret, uint64_t *target)
{
	struct uw_recorder *r = arg;
	uint64_t t = 0;
	bool ok = r->inner->call_before && r->inner->call_before(r->inner->arg, ret, &t);
	fprintf(r->out, "call %llx %d %llx\n", (unsigned long long)ret, ok, (unsigned long long)t);
	*target = t;
	return ok;
}

struct uw_memory uw_recording(struct uw_recorder *r)
{
	struct uw_memory m = *r->inner;
	m.arg = r;
	m.read = rec_read;
	m.stack_of = rec_stack_of;
	m.orc = rec_orc;
	m.func_start = rec_func_start;
	m.call_before = rec_call_before;
	return m;
}

static void rec_frame(FILE *out, const char *tag, const struct uw_frame *f)
{
	fprintf(out, "%s %llx %llx %llx %llx %d %d %u %d %d %llx", tag, (unsigned long long)f->ip, (unsigned long long)f->slot,
		(unsigned long long)f->sp, (unsigned long long)f->bp, f->bp_known, f->stack.type, f->flags, f->has_regs,
		f->regs_partial, (unsigned long long)f->regs_addr);
	for (int i = 0; f->has_regs && i < UW_NREGS; i++)
		fprintf(out, " %llx", (unsigned long long)f->regs.r[i]);
	fprintf(out, "\n");
}

void uw_record_walk(FILE *out, const struct uw_memory *m, const struct uw_state *st, const struct uw_trace *before)
{
	fprintf(out, "walk\n");
	fprintf(out, "ptregs %llx", (unsigned long long)m->pt_regs_size);
	for (int i = 0; i < UW_NREGS; i++)
		fprintf(out, " %llx", (unsigned long long)m->pt_regs_off[i]);
	fprintf(out, "\nretfork %llx\n", (unsigned long long)m->ret_from_fork);
	fprintf(out, "state %llx %llx %llx %d %d %d", (unsigned long long)st->ip, (unsigned long long)st->sp,
		(unsigned long long)st->bp, st->bp_known, st->signal, st->full_regs);
	for (int i = 0; st->full_regs && i < UW_NREGS; i++)
		fprintf(out, " %llx", (unsigned long long)st->regs.r[i]);
	fprintf(out, "\n");
	for (size_t i = 0; i < before->len; i++) {
		rec_frame(out, "first", &before->frames[i]);
		fprintf(out, "firststack %d %d %d %llx %llx\n", before->frames[i].stack.type, before->frames[i].stack.cpu,
			before->frames[i].stack.index, (unsigned long long)before->frames[i].stack.base,
			(unsigned long long)before->frames[i].stack.top);
	}
}

void uw_record_result(FILE *out, const struct uw_trace *after)
{
	for (size_t i = 0; i < after->len; i++)
		rec_frame(out, "frame", &after->frames[i]);
	fprintf(out, "end %d %s\n", after->user_mode, after->error);
}
