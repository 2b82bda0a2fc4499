#include "linux/modules.h"

#include <elf.h>
#include <string.h>

#include "linux/kernel.h"
#include "debuginfo/types.h"

#define MODULES_MAX 65536
#define MODULE_SYMS_MAX (1u << 20)

static int sym_cmp(const void *a, const void *b)
{
	const struct module_sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Core memory of a module: mem[] regions (6.4+) or core_layout (older). */
static void read_layout(kd_session *s, struct kmodule *m)
{
	uint64_t mem_off = kd_member_offset_opt(s, "module", "mem");
	if (mem_off != UINT64_MAX) {
		uint64_t region = kd_type_size_opt(s, "module_memory"),
			 base_off = kd_member_offset_opt(s, "module_memory", "base"),
			 size_off = kd_member_offset_opt(s, "module_memory", "size");
		int64_t text = 0, init_text = 4; /* MOD_TEXT .. MOD_RO_AFTER_INIT are core, MOD_INIT_* are not */
		if (kd_enum_value(s, "MOD_INIT_TEXT", &init_text) < 0)
			kd_err_clear(&s->err);
		kd_enum_value(s, "MOD_TEXT", &text);
		kd_err_clear(&s->err);
		m->start = UINT64_MAX;
		for (int64_t i = 0; i < init_text && region != UINT64_MAX; i++) {
			uint64_t base = 0, size = 0;
			kd_read_kv(s, m->addr + mem_off + (uint64_t)i * region + base_off, &base, 8);
			kd_read_int(s, m->addr + mem_off + (uint64_t)i * region + size_off, 4, &size);
			if (i == text)
				m->base = base;
			m->size += size;
			if (base && size) {
				m->start = MIN(m->start, base);
				m->end = MAX(m->end, base + size);
			}
		}
		if (m->start == UINT64_MAX)
			m->start = m->end = 0;
	} else {
		kd_read_member(s, m->addr, "module", "core_layout.base", &m->base);
		kd_read_member(s, m->addr, "module", "core_layout.size", &m->size);
		m->start = m->base;
		m->end = m->base + m->size;
	}
	kd_err_clear(&s->err);
}

static void read_kallsyms(kd_session *s, struct kmodule *m)
{
	uint64_t ks, symtab, num = 0, strtab, typetab = 0;
	if (kd_read_member_ptr(s, m->addr, "module", "kallsyms", &ks) < 0 || !ks ||
	    kd_read_member_ptr(s, ks, "mod_kallsyms", "symtab", &symtab) < 0 || kd_read_member(s, ks, "mod_kallsyms", "num_symtab", &num) < 0 ||
	    kd_read_member_ptr(s, ks, "mod_kallsyms", "strtab", &strtab) < 0 || num > MODULE_SYMS_MAX) {
		kd_err_clear(&s->err);
		return;
	}
	kd_read_member_ptr(s, ks, "mod_kallsyms", "typetab", &typetab);
	kd_err_clear(&s->err);
	Elf64_Sym *raw = xmalloc((num ? num : 1) * sizeof(*raw));
	char *types = xcalloc(num ? num : 1, 1);
	if (kd_read_kv(s, symtab, raw, num * sizeof(*raw)) < 0 || (typetab && kd_read_kv(s, typetab, types, num) < 0)) {
		kd_err_clear(&s->err);
		free(raw);
		free(types);
		return;
	}
	/* Names: read each one (they are short) into one block. */
	VEC(char) strs = {0};
	VEC(struct module_sym) syms = {0};
	VEC(size_t) name_at = {0};
	for (uint64_t i = 0; i < num; i++) {
		if (!raw[i].st_name || !raw[i].st_value)
			continue;
		char name[128];
		if (kd_read_string(s, strtab + raw[i].st_name, name, sizeof(name)) < 0 || !name[0]) {
			kd_err_clear(&s->err);
			continue;
		}
		VEC_PUSH(&name_at, strs.len);
		for (char *c = name; *c; c++)
			VEC_PUSH(&strs, *c);
		VEC_PUSH(&strs, '\0');
		VEC_PUSH(&syms, ((struct module_sym){raw[i].st_value, raw[i].st_size, NULL, types[i] ? types[i] : '?'}));
	}
	for (size_t i = 0; i < syms.len; i++)
		syms.items[i].name = strs.items + name_at.items[i];
	qsort(syms.items, syms.len, sizeof(*syms.items), sym_cmp);
	m->syms = syms.items;
	m->nsyms = syms.len;
	m->strings = strs.items;
	VEC_FREE(&name_at);
	free(raw);
	free(types);
}

static int mod_cmp(const void *a, const void *b)
{
	const struct kmodule *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct module_walk {
	struct module_table *mt;
	uint64_t name_off;
};

static int on_module(kd_session *s, uint64_t addr, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct module_walk *w = arg;
	struct module_table *mt = w->mt;
	struct kmodule m = {.addr = addr};
	if (mt->len >= MODULES_MAX || kd_read_kv(s, m.addr + w->name_off, m.name, sizeof(m.name) - 1) < 0)
		return KD_WALK_STOP;
	read_layout(s, &m);
	read_kallsyms(s, &m);
	mt->mods = xrealloc(mt->mods, (mt->len + 1) * sizeof(*mt->mods));
	mt->mods[mt->len++] = m;
	return 0;
}

const struct module_table *kd_modules_get(kd_session *s)
{
	if (s->module_table)
		return s->module_table;
	uint64_t head, list_off, next;
	struct module_walk w;
	if (kd_symbol_addr(s, "modules", &head) < 0 || kd_member_offset(s, "module", "list", &list_off) < 0 ||
	    kd_member_offset(s, "module", "name", &w.name_off) < 0 || kd_read_kv(s, head, &next, 8) < 0)
		return NULL;
	w.mt = xcalloc(1, sizeof(*w.mt));
	/* What could be read, up to an unreadable module or a broken link. */
	kd_walk_list(s, head, list_off, 0, on_module, &w);
	kd_err_clear(&s->err);
	qsort(w.mt->mods, w.mt->len, sizeof(*w.mt->mods), mod_cmp); /* crash lists them by address */
	s->module_table = w.mt;
	return w.mt;
}

void modules_free(kd_session *s)
{
	struct module_table *mt = s->module_table;
	if (!mt)
		return;
	for (size_t i = 0; i < mt->len; i++) {
		free(mt->mods[i].syms);
		free(mt->mods[i].strings);
	}
	free(mt->mods);
	free(mt);
	s->module_table = NULL;
}

const struct module_sym *module_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset, const struct kmodule **mod)
{
	const struct module_table *mt = kd_modules_get(s);
	if (!mt)
		return NULL;
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		if (addr < m->start || addr >= m->end || !m->nsyms)
			continue;
		size_t lo = 0, hi = m->nsyms;
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (m->syms[mid].addr <= addr)
				lo = mid;
			else
				hi = mid;
		}
		if (m->syms[lo].addr > addr)
			return NULL;
		if (offset)
			*offset = addr - m->syms[lo].addr;
		if (mod)
			*mod = m;
		return &m->syms[lo];
	}
	return NULL;
}
