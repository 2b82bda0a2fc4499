/* The ORC table and the unwinder on synthetic text, tables and stacks built here. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "tests.h"
#include "linux/unwind.h"

/* ---- a synthetic kernel: functions, their ORC entries, two stacks ---- */

enum {
	F_LEAF = 0x1000,   /* return address on top of the stack */
	F_MID = 0x2000,    /* two pushes; saves bp below its return address */
	F_ENTRY = 0x3000,  /* pt_regs at the stack pointer */
	F_IRQSW = 0x4000,  /* switched to an IRQ stack: the old stack pointer is at sp */
	F_END = 0x5000,    /* the bottom of the stack */
	F_UNDEF = 0x6000,  /* no unwind information */
	F_NOMOVE = 0x7000, /* a broken entry: the stack pointer does not move */
	F_NOORC = 0x8000,  /* text without ORC data: the frame-pointer guess */
	TEXT_END = 0x9000,
	TASK_BASE = 0x10000, TASK_TOP = 0x14000,
	IRQ_BASE = 0x20000, IRQ_TOP = 0x24000,
};

struct fake {
	uint8_t task[TASK_TOP - TASK_BASE];
	uint8_t irq[IRQ_TOP - IRQ_BASE];
	struct orc_table orc;
	int32_t ip[16];
	uint8_t ent[16 * 6];
	uint64_t calls[8][2]; /* return address -> call target (0: indirect) */
	int ncalls;
};

static uint8_t *mem_at(struct fake *f, uint64_t addr)
{
	if (addr >= TASK_BASE && addr + 8 <= TASK_TOP)
		return f->task + (addr - TASK_BASE);
	if (addr >= IRQ_BASE && addr + 8 <= IRQ_TOP)
		return f->irq + (addr - IRQ_BASE);
	return NULL;
}

static void put(struct fake *f, uint64_t addr, uint64_t v)
{
	uint8_t *p = mem_at(f, addr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, &v, 8);
}

static int fk_read(void *arg, uint64_t addr, uint64_t *val)
{
	uint8_t *p = mem_at(arg, addr);
	if (!p)
		return -1;
	memcpy(val, p, 8);
	return 0;
}

static bool fk_stack_of(void *arg, uint64_t addr, struct uw_stack *out)
{
	(void)arg;
	if (addr >= TASK_BASE && addr < TASK_TOP)
		*out = (struct uw_stack){.type = UW_STACK_TASK, .base = TASK_BASE, .top = TASK_TOP};
	else if (addr >= IRQ_BASE && addr < IRQ_TOP)
		*out = (struct uw_stack){.type = UW_STACK_IRQ, .base = IRQ_BASE, .top = IRQ_TOP};
	else
		return false;
	return true;
}

static int fk_orc(void *arg, uint64_t ip, struct orc_entry_n *out)
{
	struct fake *f = arg;
	if (ip < F_LEAF || ip >= TEXT_END)
		return -1;
	if (ip >= F_NOORC)
		return 0;
	return orc_lookup(&f->orc, ip, out) ? 1 : 0;
}

static uint64_t fk_func_start(void *arg, uint64_t ip)
{
	(void)arg;
	return ip >= F_LEAF && ip < TEXT_END ? ip & ~0xfffULL : 0;
}

static bool fk_call_before(void *arg, uint64_t ret, uint64_t *target)
{
	struct fake *f = arg;
	for (int i = 0; i < f->ncalls; i++)
		if (f->calls[i][0] == ret) {
			*target = f->calls[i][1];
			return true;
		}
	return false;
}

static const struct orc_format fmt_v3 = {.type_shift = 8, .type_bits = 3, .end_bit = -1, .signal_bit = 11};
static const struct orc_format fmt_v1 = {.type_shift = 8, .type_bits = 2, .end_bit = 10, .signal_bit = -1};

static void encode_v3(uint8_t *raw, int16_t spo, int16_t bpo, unsigned spr, unsigned bpr, unsigned type, unsigned sig)
{
	uint16_t flags = (uint16_t)(spr | bpr << 4 | type << 8 | sig << 11);
	memcpy(raw, &spo, 2);
	memcpy(raw + 2, &bpo, 2);
	memcpy(raw + 4, &flags, 2);
}

static const uint64_t pt_off[UW_NREGS] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160};

static struct fake *fake_new(bool unsorted)
{
	struct fake *f = xcalloc(1, sizeof(*f));
	struct {
		uint64_t ip;
		int16_t spo, bpo;
		unsigned spr, bpr, type, sig;
	} e[] = {
		{F_LEAF, 8, 0, ORC_REG_SP, ORC_REG_UNDEFINED, ORC_TYPE_CALL, 0},
		{F_MID, 24, -16, ORC_REG_SP, ORC_REG_PREV_SP, ORC_TYPE_CALL, 0},
		{F_ENTRY, 0, 0, ORC_REG_SP, ORC_REG_UNDEFINED, ORC_TYPE_REGS, 1},
		{F_IRQSW, 8, 0, ORC_REG_SP_INDIRECT, ORC_REG_UNDEFINED, ORC_TYPE_CALL, 0},
		{F_END, 0, 0, ORC_REG_UNDEFINED, ORC_REG_UNDEFINED, ORC_TYPE_END_OF_STACK, 0},
		{F_UNDEF, 0, 0, ORC_REG_UNDEFINED, ORC_REG_UNDEFINED, ORC_TYPE_UNDEFINED, 0},
		{F_NOMOVE, 0, 0, ORC_REG_SP, ORC_REG_UNDEFINED, ORC_TYPE_CALL, 0},
		{F_NOORC, 0, 0, ORC_REG_UNDEFINED, ORC_REG_UNDEFINED, ORC_TYPE_UNDEFINED, 0},
	};
	size_t n = ARRAY_SIZE(e);
	uint64_t base = 0x100000; /* where .orc_unwind_ip would be */
	for (size_t k = 0; k < n; k++) {
		size_t i = unsorted ? n - 1 - k : k; /* reversed order exercises the sorted index */
		f->ip[i] = (int32_t)(int64_t)(e[k].ip - (base + 4 * i));
		encode_v3(f->ent + 6 * i, e[k].spo, e[k].bpo, e[k].spr, e[k].bpr, e[k].type, e[k].sig);
	}
	f->orc = (struct orc_table){.ip = f->ip, .entries = f->ent, .n = n, .ip_base = base, .fmt = fmt_v3,
				    .lo = F_LEAF, .hi = TEXT_END};
	char err[128];
	CU_ASSERT_EQUAL(orc_table_init(&f->orc, err, sizeof(err)), 0);
	return f;
}

static void fake_free(struct fake *f)
{
	orc_table_free(&f->orc);
	free(f);
}

static struct uw_memory mem_of(struct fake *f)
{
	return (struct uw_memory){.arg = f, .read = fk_read, .stack_of = fk_stack_of, .orc = fk_orc,
				  .func_start = fk_func_start, .call_before = fk_call_before,
				  .pt_regs_off = pt_off, .pt_regs_size = 8 * UW_NREGS};
}

/* Start from registers at ip/sp, as the unwinder's caller does, and walk. */
static void walk(struct fake *f, uint64_t ip, uint64_t sp, uint64_t bp, bool bp_known, struct uw_trace *tr)
{
	memset(tr, 0, sizeof(*tr));
	struct uw_memory m = mem_of(f);
	struct uw_stack st = {0};
	fk_stack_of(f, sp, &st);
	struct uw_frame first = {.ip = ip, .slot = sp, .sp = sp, .stack = st, .flags = UW_F_START};
	uw_push(tr, &first);
	struct uw_state s = {.ip = ip, .sp = sp, .bp = bp, .bp_known = bp_known, .signal = true};
	uw_walk(&m, &s, tr);
}

static bool one_line(const char *s)
{
	return !strchr(s, '\n');
}

/* ---- tests ---- */

static void test_orc_decode(void)
{
	struct orc_entry_n e;
	uint8_t raw[6];
	encode_v3(raw, 16, -8, ORC_REG_SP, ORC_REG_PREV_SP, ORC_TYPE_REGS_PARTIAL, 1);
	orc_decode(&fmt_v3, raw, &e);
	CU_ASSERT_EQUAL(e.sp_offset, 16);
	CU_ASSERT_EQUAL(e.bp_offset, -8);
	CU_ASSERT_EQUAL(e.sp_reg, ORC_REG_SP);
	CU_ASSERT_EQUAL(e.bp_reg, ORC_REG_PREV_SP);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_REGS_PARTIAL);
	CU_ASSERT_TRUE(e.signal);
	/* 6.1: type 2 bits (CALL 0, REGS 1, REGS_PARTIAL 2), `end` at bit 10, no signal bit. */
	uint16_t flags = ORC_REG_SP | 1 << 8; /* REGS */
	memcpy(raw + 4, &flags, 2);
	orc_decode(&fmt_v1, raw, &e);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_REGS);
	CU_ASSERT_TRUE(e.signal);
	flags = ORC_REG_SP; /* CALL */
	memcpy(raw + 4, &flags, 2);
	orc_decode(&fmt_v1, raw, &e);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_CALL);
	CU_ASSERT_FALSE(e.signal);
	flags = 1 << 10; /* sp undefined, end set */
	memcpy(raw + 4, &flags, 2);
	orc_decode(&fmt_v1, raw, &e);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_END_OF_STACK);
	flags = 0;
	memcpy(raw + 4, &flags, 2);
	orc_decode(&fmt_v1, raw, &e);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_UNDEFINED);
	/* A type value the format does not define is undefined, not trusted. */
	flags = ORC_REG_SP | 7 << 8;
	memcpy(raw + 4, &flags, 2);
	orc_decode(&fmt_v3, raw, &e);
	CU_ASSERT_EQUAL(e.type, ORC_TYPE_UNDEFINED);
}

static void test_orc_lookup(void)
{
	for (int unsorted = 0; unsorted < 2; unsorted++) {
		struct fake *f = fake_new(unsorted);
		CU_ASSERT_EQUAL(f->orc.order != NULL, unsorted);
		struct orc_entry_n e;
		CU_ASSERT_TRUE(orc_lookup(&f->orc, F_MID, &e));
		CU_ASSERT_EQUAL(e.sp_offset, 24);
		CU_ASSERT_TRUE(orc_lookup(&f->orc, F_MID + 0xfff, &e));
		CU_ASSERT_EQUAL(e.sp_offset, 24);
		CU_ASSERT_TRUE(orc_lookup(&f->orc, F_ENTRY, &e));
		CU_ASSERT_EQUAL(e.type, ORC_TYPE_REGS);
		CU_ASSERT_FALSE(orc_lookup(&f->orc, F_LEAF - 1, &e));
		CU_ASSERT_FALSE(orc_lookup(&f->orc, TEXT_END, &e));
		fake_free(f);
	}
	struct orc_table empty = {0};
	char err[128];
	CU_ASSERT_EQUAL(orc_table_init(&empty, err, sizeof(err)), -1);
	CU_ASSERT_TRUE(one_line(err) && err[0]);
}

static void test_call_chain(void)
{
	struct fake *f = fake_new(false);
	/* leaf (exact ip) -> mid -> end */
	put(f, 0x13000, F_MID + 0x20);
	put(f, 0x13010, 0xbbbb); /* mid's saved bp */
	put(f, 0x13018, F_END + 0x10);
	struct uw_trace tr;
	walk(f, F_LEAF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_EQUAL_FATAL(tr.len, 3);
	CU_ASSERT_EQUAL(tr.frames[1].ip, F_MID + 0x20);
	CU_ASSERT_EQUAL(tr.frames[1].slot, 0x13000);
	CU_ASSERT_EQUAL(tr.frames[2].ip, F_END + 0x10);
	CU_ASSERT_EQUAL(tr.frames[2].slot, 0x13018);
	CU_ASSERT_TRUE(tr.frames[2].bp_known);
	CU_ASSERT_EQUAL(tr.frames[2].bp, 0xbbbb);
	kd_unwind_trace_free(&tr);
	fake_free(f);
}

static void test_pt_regs(void)
{
	struct fake *f = fake_new(false);
	/* leaf returns into an entry stub whose pt_regs say user mode: the end. */
	put(f, 0x13000, F_ENTRY + 0x10);
	uint64_t regs = 0x13008;
	put(f, regs + pt_off[UW_IP], 0x401000);
	put(f, regs + pt_off[UW_CS], 0x33);
	put(f, regs + pt_off[UW_SP], 0x7ffc0000);
	put(f, regs + pt_off[UW_SS], 0x2b);
	struct uw_trace tr;
	walk(f, F_LEAF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_TRUE(tr.user_mode);
	CU_ASSERT_EQUAL_FATAL(tr.len, 2);
	CU_ASSERT_TRUE(tr.frames[1].has_regs);
	CU_ASSERT_EQUAL(tr.frames[1].regs_addr, regs);
	CU_ASSERT_EQUAL(tr.frames[1].regs.r[UW_IP], 0x401000);
	kd_unwind_trace_free(&tr);
	/* Kernel mode: the interrupted ip continues the trace. */
	put(f, regs + pt_off[UW_IP], F_LEAF + 0x40);
	put(f, regs + pt_off[UW_CS], 0x10);
	put(f, regs + pt_off[UW_SP], 0x13200);
	put(f, 0x13200, F_END + 0x8);
	walk(f, F_LEAF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_FALSE(tr.user_mode);
	CU_ASSERT_EQUAL_FATAL(tr.len, 4);
	CU_ASSERT_TRUE(tr.frames[2].flags & UW_F_AFTER_REGS);
	CU_ASSERT_EQUAL(tr.frames[2].ip, F_LEAF + 0x40);
	CU_ASSERT_EQUAL(tr.frames[3].ip, F_END + 0x8);
	CU_ASSERT_EQUAL(tr.frames[3].slot, 0x13200);
	kd_unwind_trace_free(&tr);
	fake_free(f);
}

static void test_irq_stack(void)
{
	struct fake *f = fake_new(false);
	/* On the IRQ stack: leaf -> the stack switch -> back on the task stack. */
	put(f, 0x23f00, F_IRQSW + 0x20);
	put(f, 0x23f08, 0x13100); /* the task stack pointer saved at the IRQ stack's top */
	put(f, 0x13100, F_END + 0x4);
	struct uw_trace tr;
	walk(f, F_LEAF + 0x10, 0x23f00, 0, false, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_EQUAL_FATAL(tr.len, 3);
	CU_ASSERT_EQUAL(tr.frames[1].stack.type, UW_STACK_IRQ);
	CU_ASSERT_EQUAL(tr.frames[2].stack.type, UW_STACK_TASK);
	CU_ASSERT_EQUAL(tr.frames[2].slot, 0x13100);
	kd_unwind_trace_free(&tr);
	/* A saved pointer leading back to the IRQ stack itself is a loop, not a trace. */
	put(f, 0x23f08, 0x23e00);
	put(f, 0x23e00, F_IRQSW + 0x20);
	walk(f, F_LEAF + 0x10, 0x23f00, 0, false, &tr);
	CU_ASSERT_NOT_EQUAL(tr.error[0], '\0');
	CU_ASSERT_TRUE(one_line(tr.error));
	kd_unwind_trace_free(&tr);
	fake_free(f);
}

static void test_malformed(void)
{
	struct fake *f = fake_new(false);
	struct uw_trace tr;
	/* A stack pointer on no stack. */
	walk(f, F_LEAF + 0x10, 0xdead0000, 0, false, &tr);
	CU_ASSERT_NOT_EQUAL(tr.error[0], '\0');
	CU_ASSERT_TRUE(one_line(tr.error));
	CU_ASSERT_EQUAL(tr.len, 1);
	kd_unwind_trace_free(&tr);
	/* A return address that is not text. */
	put(f, 0x13000, 0x4141414141414141ULL);
	walk(f, F_LEAF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_NOT_EQUAL(tr.error[0], '\0');
	CU_ASSERT_TRUE(one_line(tr.error));
	CU_ASSERT_EQUAL(tr.len, 2); /* the frames found are kept */
	kd_unwind_trace_free(&tr);
	/* A frame that does not move the stack pointer: a cycle. */
	put(f, 0x12ff8, F_NOMOVE + 0x10);
	walk(f, F_NOMOVE + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.error, "wrong direction"));
	CU_ASSERT_TRUE(one_line(tr.error));
	kd_unwind_trace_free(&tr);
	/* The whole stack full of return addresses: capped, not endless. */
	for (uint64_t a = TASK_BASE; a < TASK_TOP; a += 8)
		put(f, a, F_LEAF + 0x10);
	walk(f, F_LEAF + 0x10, TASK_BASE, 0, false, &tr);
	CU_ASSERT_TRUE(tr.len <= UW_MAX_FRAMES);
	CU_ASSERT_NOT_EQUAL(tr.error[0], '\0');
	CU_ASSERT_TRUE(one_line(tr.error));
	kd_unwind_trace_free(&tr);
	/* No unwind information and nothing on the stack that called us. */
	memset(f->task, 0, sizeof(f->task));
	walk(f, F_UNDEF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.error, "no unwind information"));
	CU_ASSERT_EQUAL(tr.len, 1);
	kd_unwind_trace_free(&tr);
	fake_free(f);
}

static void test_guesses(void)
{
	struct fake *f = fake_new(false);
	struct uw_trace tr;
	/* Text without ORC data: the frame-pointer chain. */
	put(f, 0x13100, 0x13200);        /* saved bp */
	put(f, 0x13108, F_END + 0x30);   /* return address above it */
	walk(f, F_NOORC + 0x10, 0x13000, 0x13100, true, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_EQUAL_FATAL(tr.len, 2);
	CU_ASSERT_EQUAL(tr.frames[1].ip, F_END + 0x30);
	CU_ASSERT_TRUE(tr.frames[1].flags & UW_F_GUESS);
	kd_unwind_trace_free(&tr);
	/* Undefined ORC: the stack is searched for a call to this function, a stale one skipped. */
	memset(f->task, 0, sizeof(f->task));
	put(f, 0x13008, F_MID + 0x44);   /* returns after a call to something else */
	put(f, 0x13020, F_END + 0x50);   /* returns after a call to F_UNDEF */
	f->calls[0][0] = F_MID + 0x44, f->calls[0][1] = F_LEAF;
	f->calls[1][0] = F_END + 0x50, f->calls[1][1] = F_UNDEF;
	f->ncalls = 2;
	walk(f, F_UNDEF + 0x10, 0x13000, 0, false, &tr);
	CU_ASSERT_STRING_EQUAL(tr.error, "");
	CU_ASSERT_EQUAL_FATAL(tr.len, 2);
	CU_ASSERT_EQUAL(tr.frames[1].slot, 0x13020);
	CU_ASSERT_TRUE(tr.frames[1].flags & UW_F_GUESS);
	kd_unwind_trace_free(&tr);
	fake_free(f);
}

void add_unwind_tests(void)
{
	CU_pSuite s = CU_add_suite("unwinder", NULL, NULL);
	CU_add_test(s, "ORC entry encodings", test_orc_decode);
	CU_add_test(s, "ORC lookup, sorted and not", test_orc_lookup);
	CU_add_test(s, "call frames and the frame pointer", test_call_chain);
	CU_add_test(s, "pt_regs: user and kernel mode", test_pt_regs);
	CU_add_test(s, "IRQ stack switch", test_irq_stack);
	CU_add_test(s, "malformed stacks end in one line", test_malformed);
	CU_add_test(s, "frame-pointer and stack-scan guesses", test_guesses);
}
