/*
 * x86_64 unwinding on a dump: where each task's stack starts (the registers the
 * dump's notes saved for a CPU, the switch frame a sleeping task left), which
 * stacks exist (task, IRQ and exception stacks, found through the type model), and
 * the kernel's ORC tables for vmlinux and modules. The walk itself is in
 * orc.c beside it.
 *
 * For tasks that were running, the starting frame is chosen as crash does
 * (a search of the task's stacks for the panic path or the stop-IPI handler),
 * so that `bt` starts where users of crash expect; the frames after it are the
 * ORC unwinder's.
 */
#include <stdio.h>
#include <string.h>

#include "target/arch.h"
#include "linux/kernel.h"
#include "linux/modules.h"
#include "debuginfo/symbols.h"
#include "linux/tasks.h"
#include "debuginfo/types.h"
#include "linux/unwind.h"

#define NR_ESTACKS 6
#define X86_PAGE_SIZE 4096u /* the base page (arch_x86_64.page_shift): stacks are read a page at a time */
#define X86_PAGE_MASK (~(uint64_t)(X86_PAGE_SIZE - 1))

/* A module's ORC table, read from its struct module when an address in its code is first unwound. */
struct mod_orc {
	struct orc_table orc;
	int32_t *orc_ip;
	uint8_t *orc_entries;
};

struct unwind_ctx {
	bool ready;
	char error[256];
	struct orc_table orc;
	uint64_t text_lo, text_hi, init_lo, init_hi; /* runtime addresses */
	uint64_t pt_off[UW_NREGS], pt_size;
	bool have_pt;
	uint64_t itf_size, itf_ret, itf_bp;
	uint64_t thread_size, irq_size;
	uint64_t *irq_top;   /* per CPU, 0 unknown */
	uint64_t *cea;       /* per CPU: struct cea_exception_stacks */
	uint64_t est_off[NR_ESTACKS], est_size[NR_ESTACKS];
	bool est_present[NR_ESTACKS];
	uint64_t ret_from_fork;
	struct u64map mod_orcs;          /* struct module address -> struct mod_orc * */
	VEC(struct mod_orc *) mod_orc_list; /* owns them */
	FILE *record;               /* tests: every walk is written here (unwind_record) */
	struct u64map clean_names; /* symbol name pointer -> the name crash shows (clone suffix cut off) */
	VEC(char *) clean_strings;
};

static const char *const estack_member[NR_ESTACKS] = {"DF_stack", "NMI_stack", "DB_stack", "MCE_stack", "VC_stack", "VC2_stack"};
static const char *const estack_name[NR_ESTACKS] = {"DOUBLEFAULT", "NMI", "DEBUG", "MCE", "VC", "VC"};

const char *kd_unwind_exception_stack_name(int index)
{
	return index >= 0 && index < NR_ESTACKS ? estack_name[index] : "(unknown)";
}

static void free_mods(struct unwind_ctx *c)
{
	for (size_t i = 0; i < c->mod_orc_list.len; i++) {
		struct mod_orc *o = c->mod_orc_list.items[i];
		orc_table_free(&o->orc);
		free(o->orc_ip);
		free(o->orc_entries);
		free(o);
	}
	VEC_FREE(&c->mod_orc_list);
	u64map_free(&c->mod_orcs);
}

void unwind_free(kd_session *s)
{
	struct unwind_ctx *c = s->unwind;
	if (!c)
		return;
	orc_table_free(&c->orc);
	free(c->irq_top);
	free(c->cea);
	free_mods(c);
	u64map_free(&c->clean_names);
	for (size_t i = 0; i < c->clean_strings.len; i++)
		free(c->clean_strings.items[i]);
	VEC_FREE(&c->clean_strings);
	free(c);
	s->unwind = NULL;
}

/* ---- ORC tables from vmlinux ---- */

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && strcmp(n, name) == 0)
			return scn;
	}
	return NULL;
}

/* Bit position of a bit field inside struct orc_entry, relative to its flags word at byte 4,
 * from the type model; -1 if there is no such bit field. */
static int bitfield(kd_session *s, const char *name, unsigned *bits)
{
	struct kd_member_info i;
	if (!kd_member_find(s, "struct orc_entry", name, &i) || !i.bitsize)
		return -1;
	*bits = i.bitsize;
	return (int)i.bitpos - 32;
}

static void orc_format_of(kd_session *s, Elf *elf, struct orc_format *fmt)
{
	unsigned bits = 0, b2;
	int type_at = bitfield(s, "type", &bits);
	if (type_at >= 0) {
		fmt->type_shift = (unsigned)type_at;
		fmt->type_bits = bits;
		fmt->end_bit = bitfield(s, "end", &b2);
		fmt->signal_bit = bitfield(s, "signal", &b2);
		return;
	}
	/* No type for it: .orc_header exists from 6.4 (6.3.10) on; before, the release tells. */
	GElf_Shdr sh;
	int major = 0, minor = 0;
	sscanf(s->ki.release, "%d.%d", &major, &minor);
	if (find_section(elf, ".orc_header", &sh) || major > 6 || (major == 6 && minor >= 4))
		*fmt = (struct orc_format){.type_shift = 8, .type_bits = 3, .end_bit = -1, .signal_bit = 11};
	else if (major == 6 && minor == 3)
		*fmt = (struct orc_format){.type_shift = 8, .type_bits = 2, .end_bit = 11, .signal_bit = 10};
	else
		*fmt = (struct orc_format){.type_shift = 8, .type_bits = 2, .end_bit = 10, .signal_bit = -1};
}

static int load_vmlinux_orc(kd_session *s, struct unwind_ctx *c)
{
	GElf_Shdr ship, sh;
	Elf_Scn *sip = find_section(s->vmlinux_elf, ".orc_unwind_ip", &ship);
	Elf_Scn *su = find_section(s->vmlinux_elf, ".orc_unwind", &sh);
	if (!sip || !su) {
		snprintf(c->error, sizeof(c->error), "vmlinux has no ORC tables (.orc_unwind_ip/.orc_unwind)");
		return -1;
	}
	Elf_Data *dip = elf_getdata(sip, NULL), *du = elf_getdata(su, NULL);
	if (!dip || !du || !dip->d_buf || !du->d_buf || dip->d_size % 4 || du->d_size % 6 || dip->d_size / 4 != du->d_size / 6) {
		snprintf(c->error, sizeof(c->error), "vmlinux's ORC tables are malformed (%zu ip bytes, %zu entry bytes)",
			 dip ? (size_t)dip->d_size : 0, du ? (size_t)du->d_size : 0);
		return -1;
	}
	c->orc.ip = dip->d_buf;
	c->orc.entries = du->d_buf;
	c->orc.n = dip->d_size / 4;
	c->orc.ip_base = ship.sh_addr;
	c->orc.reloc = s->ki.kaslr_offset;
	orc_format_of(s, s->vmlinux_elf, &c->orc.fmt);
	return orc_table_init(&c->orc, c->error, sizeof(c->error));
}

/* ---- layouts, by member name ---- */

static void layout(kd_session *s, struct unwind_ctx *c)
{
	static const char *const names[UW_NREGS][2] = {
		{"r15", NULL}, {"r14", NULL}, {"r13", NULL}, {"r12", NULL}, {"bp", "rbp"}, {"bx", "rbx"}, {"r11", NULL},
		{"r10", NULL}, {"r9", NULL}, {"r8", NULL}, {"ax", "rax"}, {"cx", "rcx"}, {"dx", "rdx"}, {"si", "rsi"},
		{"di", "rdi"}, {"orig_ax", "orig_rax"}, {"ip", "rip"}, {"cs", NULL}, {"flags", "eflags"}, {"sp", "rsp"},
		{"ss", NULL},
	};
	c->have_pt = true;
	for (int i = 0; i < UW_NREGS; i++) {
		uint64_t off = kd_member_offset_opt(s, "pt_regs", names[i][0]);
		if (off == UINT64_MAX && names[i][1])
			off = kd_member_offset_opt(s, "pt_regs", names[i][1]);
		if (off == UINT64_MAX)
			c->have_pt = false;
		c->pt_off[i] = off;
	}
	c->pt_size = kd_type_size_opt(s, "pt_regs");
	if (c->pt_size == UINT64_MAX || c->pt_size > X86_PAGE_SIZE)
		c->have_pt = false;
	if (!c->have_pt) /* the x86_64 layout, which has not changed since 2.6 */
		for (int i = 0; i < UW_NREGS; i++)
			c->pt_off[i] = 8 * (uint64_t)i, c->pt_size = 8 * UW_NREGS;
	c->itf_size = kd_type_size_opt(s, "inactive_task_frame");
	c->itf_ret = kd_member_offset_opt(s, "inactive_task_frame", "ret_addr");
	c->itf_bp = kd_member_offset_opt(s, "inactive_task_frame", "bp");
	/* THREAD_SIZE: the size of init_stack. */
	c->thread_size = 0;
	const kd_type *init_stack = kd_var_type(s, "init_stack");
	uint64_t sz = init_stack ? kd_type_sizeof(s, init_stack) : 0;
	if (sz >= X86_PAGE_SIZE && sz <= (1u << 20))
		c->thread_size = sz;
	kd_err_clear(&s->err); /* a kernel without init_stack's type: its symbols tell */
	if (!c->thread_size) {
		const struct ksym *a1 = symtab_lookup(s->symtab, "init_stack"), *a2 = symtab_lookup(s->symtab, "__end_init_task");
		c->thread_size = a1 && a2 && a2->addr > a1->addr && a2->addr - a1->addr <= (1u << 20) ? a2->addr - a1->addr : 16384;
	}
	c->irq_size = kd_type_size_opt(s, "irq_stack");
	if (c->irq_size == UINT64_MAX || c->irq_size < X86_PAGE_SIZE || c->irq_size > (1u << 20))
		c->irq_size = c->thread_size;
	for (int i = 0; i < NR_ESTACKS; i++) {
		struct kd_member_info m;
		c->est_present[i] = kd_member_find(s, "struct cea_exception_stacks", estack_member[i], &m) && m.size;
		if (c->est_present[i]) {
			c->est_off[i] = m.offset;
			c->est_size[i] = m.size;
		}
	}
	const struct ksym *k = symtab_lookup(s->symtab, "ret_from_fork_asm");
	if (!k)
		k = symtab_lookup(s->symtab, "ret_from_fork");
	c->ret_from_fork = k ? k->addr : 0;
	const struct ksym *a1 = symtab_lookup(s->symtab, "_stext"), *a2 = symtab_lookup(s->symtab, "_etext");
	if (!a1)
		a1 = symtab_lookup(s->symtab, "_text");
	c->text_lo = a1 ? a1->addr : 0;
	c->text_hi = a2 ? a2->addr : 0;
	a1 = symtab_lookup(s->symtab, "_sinittext");
	a2 = symtab_lookup(s->symtab, "_einittext");
	c->init_lo = a1 ? a1->addr : 0;
	c->init_hi = a2 ? a2->addr : 0;
}

static void per_cpu_stacks(kd_session *s, struct unwind_ctx *c)
{
	int n = s->ki.nr_cpus > 0 ? s->ki.nr_cpus : 1;
	c->irq_top = xcalloc((size_t)n, sizeof(uint64_t));
	c->cea = xcalloc((size_t)n, sizeof(uint64_t));
	uint64_t hot_off = kd_member_offset_opt(s, "pcpu_hot", "hardirq_stack_ptr");
	for (int cpu = 0; cpu < s->ki.nr_cpus; cpu++) {
		uint64_t addr, v = 0;
		if (symtab_lookup(s->symtab, "hardirq_stack_ptr") && kd_per_cpu_addr(s, "hardirq_stack_ptr", cpu, &addr) == 0)
			kd_read_kv(s, addr, &v, 8);
		else if (hot_off != UINT64_MAX && kd_per_cpu_addr(s, "pcpu_hot", cpu, &addr) == 0)
			kd_read_kv(s, addr + hot_off, &v, 8);
		/* The pointer is the top of the stack less one word (where the old stack pointer goes). */
		if (v && s->arch->is_kvaddr(s, v))
			c->irq_top[cpu] = (v + 8) & ~7ULL;
		v = 0;
		if (symtab_lookup(s->symtab, "cea_exception_stacks") && kd_per_cpu_addr(s, "cea_exception_stacks", cpu, &addr) == 0)
			kd_read_kv(s, addr, &v, 8);
		if (v && s->arch->is_kvaddr(s, v))
			c->cea[cpu] = v;
		kd_err_clear(&s->err);
	}
}

static struct unwind_ctx *ctx(kd_session *s)
{
	if (s->unwind)
		return s->unwind;
	struct unwind_ctx *c = xcalloc(1, sizeof(*c));
	s->unwind = c;
	u64map_init(&c->clean_names);
	u64map_init(&c->mod_orcs);
	layout(s, c);
	if (load_vmlinux_orc(s, c) == 0)
		c->ready = true;
	per_cpu_stacks(s, c);
	kd_err_clear(&s->err);
	return c;
}

bool kd_unwind_pt_regs_layout(kd_session *s, const uint64_t **offsets, uint64_t *size)
{
	struct unwind_ctx *c = ctx(s);
	*offsets = c->pt_off;
	*size = c->pt_size;
	return c->have_pt;
}

/* ---- modules: the module table (linux/modules.c) and each module's ORC table, read from the dump ---- */

static bool read_u64(kd_session *s, uint64_t addr, uint64_t *v)
{
	if (kd_read_kv(s, addr, v, 8) < 0) {
		kd_err_clear(&s->err);
		return false;
	}
	return true;
}

/* Everything the module occupies (its ORC table's range): [*lo, *hi) over its memory regions. */
static void module_span(const struct kmodule *m, uint64_t *lo, uint64_t *hi)
{
	*lo = *hi = 0;
	for (int i = 0; i < m->nregions; i++) {
		const struct kd_module_region *r = &m->regions[i];
		if (!r->size)
			continue;
		if (!*lo || r->base < *lo)
			*lo = r->base;
		if (r->base + r->size > *hi)
			*hi = r->base + r->size;
	}
}

static void read_mod_orc(kd_session *s, struct mod_orc *o, const struct kmodule *m)
{
	uint64_t arch = kd_member_offset_opt(s, "module", "arch");
	uint64_t o_num = kd_member_offset_opt(s, "mod_arch_specific", "num_orcs"),
		 o_ip = kd_member_offset_opt(s, "mod_arch_specific", "orc_unwind_ip"),
		 o_u = kd_member_offset_opt(s, "mod_arch_specific", "orc_unwind");
	if (arch == UINT64_MAX || o_num == UINT64_MAX || o_ip == UINT64_MAX || o_u == UINT64_MAX)
		return;
	uint64_t num = 0, ip, u, mod = m->addr;
	if (kd_read_int(s, mod + arch + o_num, 4, &num) < 0 || !read_u64(s, mod + arch + o_ip, &ip) ||
	    !read_u64(s, mod + arch + o_u, &u) || !num || num > 1000000) {
		kd_err_clear(&s->err);
		return;
	}
	o->orc_ip = xmalloc(num * 4);
	o->orc_entries = xmalloc(num * 6);
	if (kd_read_kv(s, ip, o->orc_ip, num * 4) < 0 || kd_read_kv(s, u, o->orc_entries, num * 6) < 0) {
		kd_err_clear(&s->err);
		free(o->orc_ip);
		free(o->orc_entries);
		o->orc_ip = NULL;
		o->orc_entries = NULL;
		return;
	}
	o->orc.ip = o->orc_ip;
	o->orc.entries = o->orc_entries;
	o->orc.n = num;
	o->orc.ip_base = ip;
	o->orc.reloc = 0;
	o->orc.fmt = s->unwind->orc.fmt;
	module_span(m, &o->orc.lo, &o->orc.hi);
	char err[128];
	if (orc_table_init(&o->orc, err, sizeof(err)) < 0)
		o->orc.n = 0;
}

/* The module's ORC table (n == 0 when it has none the dump lets us read), read once. */
static const struct orc_table *module_orc(kd_session *s, struct unwind_ctx *c, const struct kmodule *m)
{
	struct mod_orc *o = u64map_get(&c->mod_orcs, m->addr);
	if (!o) {
		o = xcalloc(1, sizeof(*o));
		read_mod_orc(s, o, m);
		u64map_put(&c->mod_orcs, m->addr, o);
		VEC_PUSH(&c->mod_orc_list, o);
	}
	return &o->orc;
}

static bool in_vmlinux_text(const struct unwind_ctx *c, uint64_t addr)
{
	return (addr >= c->text_lo && addr < c->text_hi) || (addr >= c->init_lo && addr < c->init_hi);
}

bool kd_unwind_is_text(kd_session *s, uint64_t addr)
{
	struct unwind_ctx *c = ctx(s);
	if (in_vmlinux_text(c, addr))
		return true;
	return addr >= 0xffffffff80000000ULL && kd_module_text_at(s, addr);
}

/* The name crash shows for a symbol (symbol_clone_stem), cached per symbol. */
static const char *clean_name(struct unwind_ctx *c, const char *name)
{
	size_t stem = name ? symbol_clone_stem(name) : 0;
	if (!name || stem == strlen(name) || stem == 0)
		return name;
	const char *cut = name + stem;
	char *clean = u64map_get(&c->clean_names, (uint64_t)(uintptr_t)name);
	if (!clean) {
		clean = xstrndup(name, (size_t)(cut - name));
		u64map_put(&c->clean_names, (uint64_t)(uintptr_t)name, clean);
		VEC_PUSH(&c->clean_strings, clean);
	}
	return clean;
}

static const char *symbol_raw(kd_session *s, uint64_t addr, uint64_t *offset, const char **module);

const char *kd_unwind_symbol(kd_session *s, uint64_t addr, uint64_t *offset, const char **module)
{
	return clean_name(ctx(s), symbol_raw(s, addr, offset, module));
}

const char *kd_unwind_return_symbol(kd_session *s, uint64_t ret, uint64_t *offset, const char **module)
{
	uint64_t off = 0;
	const char *name = kd_unwind_symbol(s, ret, &off, module);
	/*
	 * A return address at the very start of a symbol belongs to the function before it:
	 * its last instruction was a call that never returns (panic's call to vpanic, a
	 * noreturn call before a .cold part). The frame is the caller's, as gdb names it
	 * (by the call site, ret - 1).
	 */
	if (name && off == 0 && ret > 0) {
		uint64_t off1 = 0;
		const char *mod1 = NULL;
		const char *prev = kd_unwind_symbol(s, ret - 1, &off1, &mod1);
		if (prev) {
			name = prev;
			off = off1 + 1;
			if (module)
				*module = mod1;
		}
	}
	if (offset)
		*offset = off;
	return name;
}

static const char *symbol_raw(kd_session *s, uint64_t addr, uint64_t *offset, const char **module)
{
	struct unwind_ctx *c = ctx(s);
	if (module)
		*module = NULL;
	if (in_vmlinux_text(c, addr) || addr < 0xffffffffa0000000ULL || !kd_module_at(s, addr)) {
		const struct ksym *k = symtab_at(s->symtab, addr);
		if (k) {
			if (offset)
				*offset = addr - k->addr;
			return k->name;
		}
	}
	uint64_t off = 0;
	const struct kd_symbol *ms = module_symbol_at(s, addr, &off);
	if (!ms)
		return NULL;
	if (offset)
		*offset = off;
	if (module)
		*module = ms->module;
	return ms->name;
}

/* ---- stacks ---- */

static bool stack_of(kd_session *s, struct unwind_ctx *c, const struct task_info *t, uint64_t addr, struct uw_stack *out)
{
	if (t && t->stack && addr >= t->stack && addr - t->stack < c->thread_size) {
		*out = (struct uw_stack){.type = UW_STACK_TASK, .cpu = t->cpu, .base = t->stack, .top = t->stack + c->thread_size};
		return true;
	}
	int cpu = t ? t->cpu : -1;
	for (int pass = 0; pass < 2; pass++) {
		/* the task's CPU comes from the dump: checked before cpu + 1 (INT_MAX overflowed,
		 * found by fuzz_commands) */
		if (pass == 0 && (cpu < 0 || cpu >= s->ki.nr_cpus))
			continue;
		int from = pass == 0 ? cpu : 0, to = pass == 0 ? cpu + 1 : s->ki.nr_cpus;
		for (int k = from; k < to; k++) {
			if (pass == 1 && k == cpu)
				continue;
			uint64_t top = c->irq_top[k];
			if (top && addr < top && addr >= top - c->irq_size) {
				*out = (struct uw_stack){.type = UW_STACK_IRQ, .cpu = k, .base = top - c->irq_size, .top = top};
				return true;
			}
			for (int i = 0; c->cea[k] && i < NR_ESTACKS; i++) {
				uint64_t base = c->cea[k] + c->est_off[i];
				if (c->est_present[i] && addr >= base && addr < base + c->est_size[i]) {
					*out = (struct uw_stack){.type = UW_STACK_EXCEPTION, .cpu = k, .index = i, .base = base,
								 .top = base + c->est_size[i]};
					return true;
				}
			}
		}
		if (pass == 0 && t)
			break; /* a task's frames are on its own CPU's stacks */
	}
	return false;
}

bool kd_unwind_stack_of(kd_session *s, const struct task_info *t, uint64_t addr, struct uw_stack *out)
{
	return stack_of(s, ctx(s), t, addr, out);
}

int kd_unwind_cpu_stacks_all(kd_session *s, int cpu, struct uw_stack *out, bool *mapped, int max)
{
	struct unwind_ctx *c = ctx(s);
	int n = 0;
	if (cpu < 0 || cpu >= s->ki.nr_cpus)
		return 0;
	if (c->irq_top[cpu] && n < max) {
		mapped[n] = true;
		out[n++] = (struct uw_stack){.type = UW_STACK_IRQ, .cpu = cpu, .base = c->irq_top[cpu] - c->irq_size, .top = c->irq_top[cpu]};
	}
	for (int i = 0; c->cea[cpu] && i < NR_ESTACKS && n < max; i++) {
		if (!c->est_present[i])
			continue;
		uint64_t base = c->cea[cpu] + c->est_off[i], v;
		/* The VC stacks exist only under SEV: their pages are not mapped without it. */
		mapped[n] = kd_read_kv(s, base + c->est_size[i] - 8, &v, 8) == 0;
		kd_err_clear(&s->err);
		out[n++] = (struct uw_stack){.type = UW_STACK_EXCEPTION, .cpu = cpu, .index = i, .base = base, .top = base + c->est_size[i]};
	}
	return n;
}

int kd_unwind_cpu_stacks(kd_session *s, int cpu, struct uw_stack *out, int max)
{
	struct uw_stack all[1 + NR_ESTACKS];
	bool mapped[1 + NR_ESTACKS];
	int n = kd_unwind_cpu_stacks_all(s, cpu, all, mapped, 1 + NR_ESTACKS), k = 0;
	for (int i = 0; i < n && k < max; i++)
		if (mapped[i])
			out[k++] = all[i];
	return k;
}

uint64_t kd_unwind_thread_size(kd_session *s)
{
	return ctx(s)->thread_size;
}

/* ---- the memory the walker sees ---- */

struct dump_mem {
	kd_session *s;
	struct unwind_ctx *c;
	const struct task_info *t;
	struct uw_stack last;
	uint64_t page;     /* cached page (kernel virtual), or 1 when empty */
	uint8_t buf[X86_PAGE_SIZE];
};

static int dm_read(void *arg, uint64_t addr, uint64_t *val)
{
	struct dump_mem *dm = arg;
	uint64_t page = addr & X86_PAGE_MASK;
	if ((addr & 7) || addr + 8 < addr)
		return -1;
	if (page != dm->page) {
		if (kd_read_kv(dm->s, page, dm->buf, X86_PAGE_SIZE) < 0) {
			kd_err_clear(&dm->s->err);
			dm->page = 1;
			return -1;
		}
		dm->page = page;
	}
	memcpy(val, dm->buf + (addr & ~X86_PAGE_MASK), 8);
	return 0;
}

static bool dm_stack_of(void *arg, uint64_t addr, struct uw_stack *out)
{
	struct dump_mem *dm = arg;
	if (dm->last.type != UW_STACK_NONE && addr >= dm->last.base && addr < dm->last.top) {
		*out = dm->last;
		return true;
	}
	if (!stack_of(dm->s, dm->c, dm->t, addr, out))
		return false;
	dm->last = *out;
	return true;
}

static int dm_orc(void *arg, uint64_t ip, struct orc_entry_n *out)
{
	struct dump_mem *dm = arg;
	struct unwind_ctx *c = dm->c;
	if (ip == 0) {
		/* A call through a NULL pointer: the return address is on top of the stack. */
		*out = (struct orc_entry_n){.sp_offset = 8, .sp_reg = ORC_REG_SP, .bp_reg = ORC_REG_UNDEFINED, .type = ORC_TYPE_CALL};
		return 1;
	}
	if (in_vmlinux_text(c, ip))
		return c->ready && orc_lookup(&c->orc, ip, out) ? 1 : 0;
	const struct kmodule *m = ip >= 0xffffffff80000000ULL ? kd_module_text_at(dm->s, ip) : NULL;
	if (!m)
		return -1;
	const struct orc_table *orc = module_orc(dm->s, c, m);
	return orc->n && orc_lookup(orc, ip, out) ? 1 : 0;
}

static uint64_t dm_func_start(void *arg, uint64_t ip)
{
	struct dump_mem *dm = arg;
	uint64_t off;
	if (!symbol_raw(dm->s, ip, &off, NULL))
		return 0;
	return ip - off;
}

/* Is the instruction that ends at ret a call? Direct (e8 rel32) or one of the indirect forms (ff /2). */
static bool dm_call_before(void *arg, uint64_t ret, uint64_t *target)
{
	struct dump_mem *dm = arg;
	uint8_t b[7];
	if (kd_read_kv(dm->s, ret - 7, b, 7) < 0) {
		kd_err_clear(&dm->s->err);
		return false;
	}
	*target = 0;
	if (b[2] == 0xe8) {
		int32_t rel;
		memcpy(&rel, b + 3, 4);
		*target = ret + (uint64_t)(int64_t)rel;
		return true;
	}
	if (b[5] == 0xff && (b[6] & 0xf8) == 0xd0)                      /* call *%reg */
		return true;
	if (b[4] == 0x41 && b[5] == 0xff && (b[6] & 0xf8) == 0xd0)     /* call *%r8-15 */
		return true;
	if (b[1] == 0xff && (b[2] == 0x15 || (b[2] & 0xf8) == 0x90))   /* call *disp32(%rip), *disp32(%reg) */
		return true;
	if (b[4] == 0xff && (b[5] & 0xf8) == 0x50)                      /* call *disp8(%reg) */
		return true;
	return false;
}

static void dm_init(struct dump_mem *dm, kd_session *s, const struct task_info *t)
{
	memset(dm, 0, offsetof(struct dump_mem, buf));
	dm->s = s;
	dm->c = ctx(s);
	dm->t = t;
	dm->page = 1;
}

static struct uw_memory dm_memory(struct dump_mem *dm)
{
	return (struct uw_memory){.arg = dm, .read = dm_read, .stack_of = dm_stack_of, .orc = dm_orc,
				  .func_start = dm_func_start, .call_before = dm_call_before,
				  .pt_regs_off = dm->c->pt_off, .pt_regs_size = dm->c->pt_size,
				  .ret_from_fork = dm->c->ret_from_fork};
}

/* ---- registers from the dump ---- */

#define PRSTATUS_REGS 112 /* offset of pr_reg in struct elf_prstatus on x86_64 */

static bool regs_from_prstatus(const uint8_t *desc, size_t size, struct uw_regs *r)
{
	if (size < PRSTATUS_REGS + UW_NREGS * 8)
		return false;
	/* user_regs_struct has the pt_regs order for its first 21 registers. */
	memcpy(r->r, desc + PRSTATUS_REGS, UW_NREGS * 8);
	return true;
}

static bool genuine_kdump(kd_session *s)
{
	return dump_vmcoreinfo(s->dump, "CRASHTIME", NULL) != NULL;
}

/* The PRSTATUS descriptor of a CPU in the kernel's crash_notes, copied into buf (512 bytes): its offset there. */
static bool crash_note_desc(kd_session *s, int cpu, uint8_t *buf, size_t *desc_out, uint32_t *descsz_out)
{
	uint64_t var, ptr;
	if (kd_symbol_addr(s, "crash_notes", &var) < 0 || !read_u64(s, var, &ptr) || !ptr) {
		kd_err_clear(&s->err);
		return false;
	}
	uint64_t addr = ptr + s->ki.per_cpu_offset[cpu];
	if (kd_read_kv(s, addr, buf, 512) < 0) {
		kd_err_clear(&s->err);
		return false;
	}
	uint32_t namesz, descsz, type;
	memcpy(&namesz, buf, 4);
	memcpy(&descsz, buf + 4, 4);
	memcpy(&type, buf + 8, 4);
	size_t desc = 12 + ((namesz + 3) & ~3u);
	if (type != 1 || namesz != 5 || memcmp(buf + 12, "CORE", 4) != 0 || desc + descsz > 512)
		return false;
	*desc_out = desc;
	*descsz_out = descsz;
	return true;
}

/* user_regs_struct goes on after ss with fs_base and gs_base. */
static bool bases_from_prstatus(const uint8_t *desc, size_t size, uint64_t *fs_base, uint64_t *gs_base)
{
	if (size < PRSTATUS_REGS + (UW_NREGS + 2) * 8)
		return false;
	memcpy(fs_base, desc + PRSTATUS_REGS + UW_NREGS * 8, 8);
	memcpy(gs_base, desc + PRSTATUS_REGS + (UW_NREGS + 1) * 8, 8);
	return true;
}

static bool regs_from_crash_notes(kd_session *s, int cpu, struct uw_regs *r, uint64_t *fs_base, uint64_t *gs_base,
				  bool *bases)
{
	uint8_t buf[512];
	size_t desc;
	uint32_t descsz;
	if (!crash_note_desc(s, cpu, buf, &desc, &descsz) || !regs_from_prstatus(buf + desc, descsz, r))
		return false;
	*bases = bases_from_prstatus(buf + desc, descsz, fs_base, gs_base);
	return true;
}

/* QEMU's "QEMU" note (struct QEMUCPUState): version, size, then rax rbx rcx rdx rsi rdi rsp rbp r8-r15 rip rflags, cs... */
static bool regs_from_qemu(const struct dump_note *n, struct uw_regs *r)
{
	if (n->descsz < 8 + 18 * 8 + 24)
		return false;
	uint64_t v[18];
	memcpy(v, n->desc + 8, sizeof(v));
	memset(r, 0, sizeof(*r));
	r->r[UW_AX] = v[0], r->r[UW_BX] = v[1], r->r[UW_CX] = v[2], r->r[UW_DX] = v[3], r->r[UW_SI] = v[4];
	r->r[UW_DI] = v[5], r->r[UW_SP] = v[6], r->r[UW_BP] = v[7], r->r[UW_R8] = v[8], r->r[UW_R9] = v[9];
	r->r[UW_R10] = v[10], r->r[UW_R11] = v[11], r->r[UW_R12] = v[12], r->r[UW_R13] = v[13], r->r[UW_R14] = v[14];
	r->r[UW_R15] = v[15], r->r[UW_IP] = v[16], r->r[UW_FLAGS] = v[17];
	uint32_t sel;
	memcpy(&sel, n->desc + 8 + 18 * 8, 4);
	r->r[UW_CS] = sel;
	memcpy(&sel, n->desc + 8 + 18 * 8 + 24 * 5, 4); /* ss: the sixth segment (cs ds es fs gs ss) */
	r->r[UW_SS] = sel;
	return true;
}

/* A CPU's registers from the dump, and the segment bases where the note has them. */
static int cpu_regs(kd_session *s, int cpu, struct uw_regs *regs, const char **source, uint64_t *fs_base,
		    uint64_t *gs_base, bool *bases)
{
	*bases = false;
	if (cpu < 0 || cpu >= s->ki.nr_cpus)
		return kd_fail(s, "invalid cpu %d", cpu);
	if (genuine_kdump(s) && regs_from_crash_notes(s, cpu, regs, fs_base, gs_base, bases)) {
		if (source)
			*source = "crash_notes";
		return 0;
	}
	int np = 0, nq = 0;
	const struct dump_note *qemu = NULL;
	for (size_t i = 0; i < s->dump->nr_notes; i++) {
		const struct dump_note *n = &s->dump->notes[i];
		if (n->type == 1 && strcmp(n->name, "CORE") == 0 && np++ == cpu) {
			if (regs_from_prstatus(n->desc, n->descsz, regs)) {
				*bases = bases_from_prstatus(n->desc, n->descsz, fs_base, gs_base);
				if (source)
					*source = "PRSTATUS";
				return 0;
			}
		}
		if (strcmp(n->name, "QEMU") == 0 && nq++ == cpu)
			qemu = n;
	}
	if (qemu && regs_from_qemu(qemu, regs)) {
		if (source)
			*source = "QEMU";
		return 0;
	}
	return kd_fail(s, "the dump has no saved registers for cpu %d", cpu);
}

int unwind_cpu_regs(kd_session *s, int cpu, struct uw_regs *regs, const char **source)
{
	uint64_t fs_base, gs_base;
	bool bases;
	return cpu_regs(s, cpu, regs, source, &fs_base, &gs_base, &bases);
}

/* ---- starting points ---- */

void kd_unwind_trace_free(struct uw_trace *trace)
{
	free(trace->frames);
	memset(trace, 0, sizeof(*trace));
}

static void walk_from(kd_session *s, const struct task_info *t, struct uw_state *st, struct uw_trace *trace)
{
	struct dump_mem *dm = xmalloc(sizeof(*dm));
	dm_init(dm, s, t);
	struct uw_memory m = dm_memory(dm);
	FILE *rec = dm->c->record;
	if (rec) {
		struct uw_recorder r = {.inner = &m, .out = rec};
		struct uw_memory rm = uw_recording(&r);
		uw_record_walk(rec, &rm, st, trace);
		uw_walk(&rm, st, trace);
		uw_record_result(rec, trace);
	} else {
		uw_walk(&m, st, trace);
	}
	free(dm);
}

void unwind_record(kd_session *s, FILE *out)
{
	ctx(s)->record = out;
}

static bool read_task_word(kd_session *s, uint64_t addr, uint64_t *v)
{
	return read_u64(s, addr, v);
}

/* A sleeping task: the frame __switch_to_asm pushed, at thread.sp. */
static int start_switch_frame(kd_session *s, struct unwind_ctx *c, const struct task_info *t, struct uw_trace *trace)
{
	uint64_t sp = t->thread_sp, ret, bp = 0;
	if (c->itf_ret == UINT64_MAX || c->itf_size == UINT64_MAX) {
		snprintf(trace->error, sizeof(trace->error), "this kernel has no struct inactive_task_frame: cannot find where the task stopped");
		return -1;
	}
	struct uw_stack where;
	if (!sp || !stack_of(s, c, t, sp, &where)) {
		snprintf(trace->error, sizeof(trace->error), "saved stack pointer %llx is not on the task's stack",
			 (unsigned long long)sp);
		return -1;
	}
	/* on the stack, but its page is not in the dump (a truncated one, a filtered page) */
	if (kd_read_kv(s, sp + c->itf_ret, &ret, 8) < 0) {
		snprintf(trace->error, sizeof(trace->error), "the task's stack at %llx cannot be read: %.160s",
			 (unsigned long long)(sp + c->itf_ret), s->err.msg);
		kd_err_clear(&s->err);
		return -1;
	}
	bool bp_ok = c->itf_bp != UINT64_MAX && read_task_word(s, sp + c->itf_bp, &bp);
	bool never_ran = ret == c->ret_from_fork && c->ret_from_fork;
	struct uw_frame f = {.ip = ret, .slot = sp + c->itf_ret, .sp = sp + c->itf_size, .stack = where, .bp = bp, .bp_known = bp_ok,
			     .flags = never_ran ? UW_F_EXACT : 0};
	uw_push(trace, &f);
	trace->start_ip = ret;
	trace->start_sp = f.slot;
	struct uw_state st = {.ip = ret, .sp = f.sp, .bp = bp, .bp_known = bp_ok, .signal = never_ran};
	walk_from(s, t, &st, trace);
	return 0;
}

/* Registers: the CPU was in the kernel at regs.ip with regs.sp (only those two when !full). */
static void start_regs(kd_session *s, const struct task_info *t, const struct uw_regs *r, bool full, struct uw_trace *trace)
{
	struct uw_stack where = {0};
	stack_of(s, ctx(s), t, r->r[UW_SP], &where);
	struct uw_frame f = {.ip = r->r[UW_IP], .slot = r->r[UW_SP], .sp = r->r[UW_SP], .stack = where,
			     .flags = UW_F_START, .bp = r->r[UW_BP], .bp_known = full};
	uw_push(trace, &f);
	trace->start_ip = f.ip;
	trace->start_sp = f.sp;
	struct uw_state st = {.ip = f.ip, .sp = f.sp, .bp = f.bp, .bp_known = full, .signal = true,
			      .full_regs = full, .regs = *r};
	walk_from(s, t, &st, trace);
}

/* A return address at a stack slot; take the frame pointer from a register walk through it if there is one. */
static void start_slot(kd_session *s, const struct task_info *t, uint64_t slot, const struct uw_trace *regs_walk,
		       const struct uw_regs *r, struct uw_trace *trace)
{
	if (regs_walk) {
		for (size_t i = 0; i < regs_walk->len; i++) {
			const struct uw_frame *f = &regs_walk->frames[i];
			if (f->slot != slot || (f->flags & (UW_F_START | UW_F_AFTER_REGS)))
				continue;
			for (size_t j = i; j < regs_walk->len; j++)
				uw_push(trace, &regs_walk->frames[j]);
			trace->frames[0].flags &= ~UW_F_GUESS;
			trace->user_mode = regs_walk->user_mode;
			memcpy(trace->error, regs_walk->error, sizeof(trace->error));
			trace->start_ip = f->ip;
			trace->start_sp = slot;
			return;
		}
	}
	struct unwind_ctx *c = ctx(s);
	uint64_t ip = 0;
	struct uw_stack where = {0};
	if (!stack_of(s, c, t, slot, &where) || !read_task_word(s, slot, &ip)) {
		snprintf(trace->error, sizeof(trace->error), "stack slot %llx is unreadable", (unsigned long long)slot);
		return;
	}
	struct uw_frame f = {.ip = ip, .slot = slot, .sp = slot + 8, .stack = where, .bp = r ? r->r[UW_BP] : 0, .bp_known = r != NULL};
	uw_push(trace, &f);
	trace->start_ip = ip;
	trace->start_sp = slot;
	struct uw_state st = {.ip = ip, .sp = slot + 8, .bp = f.bp, .bp_known = f.bp_known};
	walk_from(s, t, &st, trace);
}

/* The function a call instruction ending at ret (a return address) called, if it is a direct call. */
static const char *called_by(kd_session *s, uint64_t ret)
{
	uint8_t insn[5];
	if (kd_read_kv(s, ret - 5, insn, 5) < 0) {
		kd_err_clear(&s->err);
		return NULL;
	}
	if (insn[0] != 0xe8)
		return NULL;
	int32_t rel;
	memcpy(&rel, insn + 1, 4);
	const struct ksym *k = symtab_at(s->symtab, ret + (uint64_t)(int64_t)rel);
	return k ? k->name : NULL;
}

static const char *sym_name(kd_session *s, uint64_t v)
{
	if (v < 0xffff800000000000ULL)
		return NULL;
	const struct ksym *k = symtab_at(s->symtab, v);
	return k ? k->name : NULL;
}

struct search {
	uint64_t rip, rsp;    /* result */
	bool found;
	uint64_t panic_slot, kexec_slot, sysrq_slot, callfn_slot, notify_slot;
	bool panic, kexec, sysrq, callfn, notify;
};

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* One stack of crash's x86_64_get_dumpfile_stack_frame() search. Returns true when a start is final. */
static bool search_stack(kd_session *s, uint64_t base, uint64_t top, int stage, bool in_nmi, bool panic_task,
			 bool text_symbols, struct search *r)
{
	uint64_t page = 1;
	uint8_t buf[X86_PAGE_SIZE];
	for (uint64_t a = base; a + 8 <= top; a += 8) {
		if ((a & X86_PAGE_MASK) != page) {
			page = a & X86_PAGE_MASK;
			if (kd_read_kv(s, page, buf, X86_PAGE_SIZE) < 0) {
				kd_err_clear(&s->err);
				a = page + X86_PAGE_SIZE - 8;
				page = 1;
				continue;
			}
		}
		uint64_t v;
		memcpy(&v, buf + (a & ~X86_PAGE_MASK), 8);
		const char *sym = sym_name(s, v);
		if (!sym)
			continue;
		if (streq(sym, "netconsole_netdump") || streq(sym, "netpoll_start_netdump") || streq(sym, "start_disk_dump") ||
		    streq(sym, "disk_dump") || streq(sym, "crash_kexec") || streq(sym, "machine_kexec") ||
		    streq(sym, "try_crashdump")) {
			if (streq(sym, "crash_kexec") && streq(called_by(s, v), "machine_kexec")) {
				r->rip = v, r->rsp = a, r->found = true;
				return true;
			}
			if (!text_symbols && streq(sym, "crash_kexec") && !r->kexec) {
				r->kexec = true;
				r->kexec_slot = a;
				continue;
			}
			r->rip = v, r->rsp = a, r->found = true;
			return true;
		}
		if (streq(sym, "panic")) {
			r->panic = true;
			r->panic_slot = a;
			continue;
		}
		if (streq(sym, "die")) {
			bool sysrq_after = false;
			for (uint64_t b = a + 8; b + 8 <= top && !sysrq_after; b += 8) {
				uint64_t w;
				if (read_u64(s, b, &w) && streq(sym_name(s, w), "sysrq_handle_crash")) {
					sysrq_after = true;
					r->sysrq = true;
					r->sysrq_slot = b;
				}
			}
			if (!sysrq_after) {
				r->rip = v, r->rsp = a, r->found = true;
				return true;
			}
			continue;
		}
		if (streq(sym, "sysrq_handle_crash")) {
			r->sysrq = true;
			r->sysrq_slot = a;
		}
		if (!panic_task && stage > 0 && (streq(sym, "smp_call_function_interrupt") || streq(sym, "stop_this_cpu"))) {
			r->callfn = true;
			r->callfn_slot = a;
		}
		if (!panic_task && streq(sym, "crash_nmi_callback")) {
			r->rip = v, r->rsp = a, r->found = true;
			return true;
		}
		if (!panic_task && in_nmi && streq(sym, "notify_die")) {
			r->notify = true;
			r->notify_slot = a;
		}
	}
	return false;
}

/* The dump saved every CPU's state in QEMU notes (QEMU's dump-guest-memory). */
static bool qemu_cpu_notes(kd_session *s)
{
	for (size_t i = 0; i < s->dump->nr_notes; i++)
		if (strcmp(s->dump->notes[i].name, "QEMU") == 0)
			return true;
	return false;
}

static bool regs_on_stacks(kd_session *s, const struct task_info *t, const struct uw_regs *r)
{
	struct uw_stack st;
	return stack_of(s, ctx(s), t, r->r[UW_SP], &st);
}

/*
 * crash's choice of a running task's first frame (x86_64_get_dumpfile_stack_frame):
 * the panic path or the stop IPI found on its stacks, else the registers of the
 * notes (compressed dumps, and the panic task), else the last switch frame.
 */
static void start_active(kd_session *s, struct unwind_ctx *c, const struct task_info *t, bool panic_task, bool text_symbols,
			 struct uw_trace *trace)
{
	struct uw_regs regs;
	bool have_regs = unwind_cpu_regs(s, t->cpu, &regs, NULL) == 0 && regs_on_stacks(s, t, &regs) && !(regs.r[UW_CS] & 3);
	bool have_user_regs = false;
	if (!have_regs) {
		have_user_regs = unwind_cpu_regs(s, t->cpu, &regs, NULL) == 0 && (regs.r[UW_CS] & 3);
		kd_err_clear(&s->err);
	}
	bool diskdump = strcmp(s->dump->format, "ELF") != 0;
	/* crash takes the notes' registers as a fallback for every running task of a compressed dump,
	 * and for the panic task of an ELF dump. */
	bool use_regs = (have_regs || have_user_regs) && (diskdump || panic_task);
	struct search r = {0};
	bool done = false;
	if (t->stack)
		done = search_stack(s, t->stack, t->stack + c->thread_size, 0, false, panic_task, text_symbols, &r);
	if (!done && !r.panic && !r.kexec && t->cpu >= 0 && t->cpu < s->ki.nr_cpus) {
		if (c->irq_top[t->cpu])
			done = search_stack(s, c->irq_top[t->cpu] - c->irq_size, c->irq_top[t->cpu], 1, false, panic_task,
					    text_symbols, &r);
		for (int i = 0; !done && !r.panic && !r.kexec && c->cea[t->cpu] && i < NR_ESTACKS; i++) {
			if (!c->est_present[i])
				continue;
			uint64_t base = c->cea[t->cpu] + c->est_off[i];
			done = search_stack(s, base, base + c->est_size[i], 1, i == 1, panic_task, text_symbols, &r);
		}
	}
	uint64_t slot = 0;
	if (r.found)
		slot = r.rsp;
	else if (r.panic)
		slot = r.panic_slot;
	else if (r.kexec)
		slot = r.kexec_slot;
	else if (r.sysrq)
		slot = r.sysrq_slot;
	else if (r.notify)
		slot = r.notify_slot;
	if (!slot && use_regs) {
		trace->begin_regs = regs;
		trace->begin_regs_no_orig_ax = diskdump;
		if (have_user_regs) {
			trace->begin = UW_BEGIN_USER_REGS;
			trace->user_mode = true;
			return;
		}
		trace->begin = UW_BEGIN_KERNEL_REGS;
		start_regs(s, t, &regs, true, trace);
		return;
	}
	if (!slot && r.callfn)
		slot = r.callfn_slot;
	/*
	 * Nothing on the stacks says where the CPU stopped. On a QEMU ELF dump every CPU's
	 * registers were saved, and crash falls back to them (BT_KDUMP_ELF_REGS) when their
	 * stack pointer lies on the task's stacks: a CPU that took the stop IPI while in user
	 * mode ran the handler on the task stack, where the search never looks for
	 * stop_this_cpu, and halted there.
	 */
	if (!slot && have_regs && !diskdump && qemu_cpu_notes(s)) {
		trace->begin_regs = regs;
		trace->begin_regs_no_orig_ax = true; /* shown without ORIG_RAX, as crash shows note registers */
		trace->begin = UW_BEGIN_KERNEL_REGS;
		start_regs(s, t, &regs, true, trace);
		return;
	}
	if (slot) {
		struct uw_trace rw = {0};
		if (have_regs)
			start_regs(s, t, &regs, true, &rw);
		start_slot(s, t, slot, have_regs ? &rw : NULL, have_regs ? &regs : NULL, trace);
		kd_unwind_trace_free(&rw);
		return;
	}
	start_switch_frame(s, c, t, trace);
}

int kd_unwind_task(kd_session *s, const struct task_info *t, const struct uw_start *start, struct uw_trace *trace)
{
	struct unwind_ctx *c = ctx(s);
	memset(trace, 0, sizeof(*trace));
	trace->stack_base = t->stack;
	trace->stack_top = t->stack ? t->stack + c->thread_size : 0;
	/* Without ORC tables every frame is a frame-pointer guess (a kernel built with frame pointers). */
	enum uw_start_mode mode = start ? start->mode : UW_START_AUTO;
	switch (mode) {
	case UW_START_REGS:
		start_regs(s, t, &start->regs, false, trace);
		break;
	case UW_START_SLOT:
		start_slot(s, t, start->slot, NULL, NULL, trace);
		break;
	case UW_START_AUTO:
		if (t->active && s->dump)
			start_active(s, c, t, t == kd_task_panic(s), false, trace);
		else
			start_switch_frame(s, c, t, trace);
		break;
	}
	kd_err_clear(&s->err);
	if (!c->ready && trace->error[0]) {
		char e[2 * sizeof(trace->error) + 64];
		snprintf(e, sizeof(e), "%s; with frame pointers only: %s", c->error, trace->error);
		size_t len = MIN(strlen(e), sizeof(trace->error) - 1);
		memcpy(trace->error, e, len);
		trace->error[len] = '\0';
	}
	if (!trace->len && trace->begin != UW_BEGIN_USER_REGS) {
		trace->begin = UW_BEGIN_NONE;
		return -1;
	}
	return 0;
}

/* ---- the current context's registers, as crash's gdb sees them ---- */

int kd_context_regs(kd_session *s, struct kd_context_regs *out)
{
	memset(out, 0, sizeof(*out));
	const struct task_info *t = kd_task_current(s);
	if (!t)
		return -1;
	struct unwind_ctx *c = ctx(s);
	if (t->active && s->dump) {
		bool bases;
		if (cpu_regs(s, t->cpu, &out->regs, NULL, &out->fs_base, &out->gs_base, &bases) < 0)
			return -1;
		out->valid = (1u << UW_NREGS) - 1;
		if (bases)
			out->valid |= KD_CREG_FS_BASE | KD_CREG_GS_BASE;
		return 0;
	}
	/* A sleeping task: struct inactive_task_frame at thread.sp, as __switch_to_asm pushed it. */
	uint64_t sp = t->thread_sp, v;
	if (!sp || c->itf_ret == UINT64_MAX || c->itf_size == UINT64_MAX || !read_task_word(s, sp + c->itf_ret, &v))
		return kd_fail(s, "no saved registers for task %llx", (unsigned long long)t->task);
	out->regs.r[UW_IP] = v;
	out->regs.r[UW_SP] = sp + c->itf_size;
	out->valid = 1u << UW_IP | 1u << UW_SP;
	static const struct {
		const char *member;
		enum uw_reg reg;
	} saved[] = {{"r15", UW_R15}, {"r14", UW_R14}, {"r13", UW_R13}, {"r12", UW_R12}, {"bx", UW_BX}, {"bp", UW_BP}};
	for (size_t i = 0; i < ARRAY_SIZE(saved); i++) {
		uint64_t off = kd_member_offset_opt(s, "inactive_task_frame", saved[i].member);
		if (off != UINT64_MAX && off + 8 <= c->itf_size && read_task_word(s, sp + off, &v)) {
			out->regs.r[saved[i].reg] = v;
			out->valid |= 1u << saved[i].reg;
		}
	}
	return 0;
}
