#include "linux/modules.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "debuginfo/symbols.h"
#include "debuginfo/types.h"

#define MODULES_MAX 65536
#define MODULE_SYMS_MAX (1u << 20)
#define MODULE_REGION_MAX (1ULL << 32) /* no module region is 4 GiB */
#define TAINT_FLAGS_MAX 64
#define KSYM_NAME_MAX 512 /* the kernel's own bound on a symbol name */

/* Address order; among symbols at one address, the order they were given in (kallsyms' order, as crash keeps it). */
struct sym_sort {
	struct kd_symbol sym;
	size_t seq;
};

static int sym_cmp(const void *a, const void *b)
{
	const struct sym_sort *x = a, *y = b;
	if (x->sym.addr != y->sym.addr)
		return x->sym.addr < y->sym.addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool in_regions(const struct kd_module_region *r, int n, uint64_t addr)
{
	for (int i = 0; i < n; i++)
		if (r[i].size && addr >= r[i].base && addr - r[i].base < r[i].size)
			return true;
	return false;
}

static struct kd_module_region region_of(uint64_t base, uint64_t size)
{
	if (!base || size > MODULE_REGION_MAX)
		size = 0; /* unreadable or nonsense: an empty region */
	return (struct kd_module_region){base, size};
}

static void add_region(struct kmodule *m, uint64_t base, uint64_t size)
{
	if (m->nregions >= KD_MODULE_REGIONS)
		return;
	m->regions[m->nregions++] = region_of(base, size);
}

/* Core memory of a module: mem[] regions (6.4+) or core_layout/init_layout (older). */
static void read_layout(kd_session *s, struct kmodule *m)
{
	uint64_t mem_off = kd_member_offset_opt(s, "module", "mem");
	if (mem_off != UINT64_MAX) {
		uint64_t region = kd_type_size_opt(s, "module_memory"),
			 base_off = kd_member_offset_opt(s, "module_memory", "base"),
			 size_off = kd_member_offset_opt(s, "module_memory", "size");
		int64_t text = 0, init_text = 4, nr = 7; /* MOD_TEXT .. MOD_RO_AFTER_INIT are core, MOD_INIT_* are not */
		kd_enum_find(s, "MOD_INIT_TEXT", &init_text);
		kd_enum_find(s, "MOD_TEXT", &text);
		kd_enum_find(s, "MOD_MEM_NUM_TYPES", &nr);
		nr = MIN(MAX(nr, 0), KD_MODULE_REGIONS);
		m->memory_regions = true;
		m->start = UINT64_MAX;
		for (int64_t i = 0; i < nr && region != UINT64_MAX && base_off != UINT64_MAX && size_off != UINT64_MAX; i++) {
			uint64_t base = 0, size = 0;
			if (kd_read_kv(s, m->addr + mem_off + (uint64_t)i * region + base_off, &base, 8) < 0 ||
			    kd_read_int(s, m->addr + mem_off + (uint64_t)i * region + size_off, 4, &size) < 0)
				kd_err_clear(&s->err);
			add_region(m, base, size);
			if (i == text || i == init_text)
				m->text[i != text] = region_of(base, size);
			if (i >= init_text)
				continue;
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
		uint64_t ib = 0, is = 0, ct = 0, it = 0;
		kd_read_member(s, m->addr, "module", "core_layout.base", &m->base);
		kd_read_member(s, m->addr, "module", "core_layout.size", &m->size);
		kd_err_clear(&s->err);
		kd_read_member(s, m->addr, "module", "init_layout.base", &ib);
		kd_read_member(s, m->addr, "module", "init_layout.size", &is);
		kd_err_clear(&s->err);
		kd_read_member(s, m->addr, "module", "core_layout.text_size", &ct);
		kd_err_clear(&s->err);
		kd_read_member(s, m->addr, "module", "init_layout.text_size", &it);
		m->start = m->base;
		m->end = m->base + m->size;
		add_region(m, m->base, m->size);
		add_region(m, ib, is);
		m->text[0] = region_of(m->base, MIN(ct, m->size));
		m->text[1] = region_of(ib, MIN(it, is));
	}
	kd_err_clear(&s->err);
	uint64_t taints = 0;
	if (kd_member_offset_opt(s, "module", "taints") != UINT64_MAX && kd_read_member(s, m->addr, "module", "taints", &taints) == 0)
		m->taints = taints;
	kd_err_clear(&s->err);
}

/* crash's letter for a module symbol: the ELF st_info byte when it is printable (old kernels
 * stored the kallsyms letter there), 't'/'T' for a local/global function, else '?'. */
static char kallsyms_letter(unsigned char info)
{
	if (info >= ' ' && info < 0x7f)
		return (char)info;
	if (info == ((STB_LOCAL << 4) | STT_FUNC))
		return 't';
	if (info == ((STB_GLOBAL << 4) | STT_FUNC))
		return 'T';
	return '?';
}

/* Install syms (copied, names included) as m's symbols, in address order. */
static void set_symbols(struct kmodule *m, const struct kd_symbol *syms, size_t n)
{
	free(m->syms);
	free(m->strings);
	size_t bytes = 1;
	for (size_t i = 0; i < n; i++)
		bytes += strlen(syms[i].name) + 1;
	struct sym_sort *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));
	char *strings = xmalloc(bytes), *sp = strings;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(syms[i].name);
		memcpy(sp, syms[i].name, len + 1);
		tmp[i] = (struct sym_sort){syms[i], i};
		tmp[i].sym.name = sp;
		sp += len + 1;
	}
	kd_qsort(tmp, n, sizeof(*tmp), sym_cmp);
	m->syms = xmalloc((n ? n : 1) * sizeof(*m->syms));
	for (size_t i = 0; i < n; i++)
		m->syms[i] = tmp[i].sym;
	m->nsyms = n;
	m->strings = strings;
	free(tmp);
}

/* The module's own kallsyms: every defined, named symbol inside the module's memory, as crash keeps them. */
static void read_kallsyms(kd_session *s, struct kmodule *m)
{
	uint64_t ks = 0, symtab, num = 0, strtab;
	if (kd_read_member_ptr(s, m->addr, "module", "kallsyms", &ks) < 0 || !ks ||
	    kd_read_member_ptr(s, ks, "mod_kallsyms", "symtab", &symtab) < 0 || kd_read_member(s, ks, "mod_kallsyms", "num_symtab", &num) < 0 ||
	    kd_read_member_ptr(s, ks, "mod_kallsyms", "strtab", &strtab) < 0) {
		if (ks)
			snprintf(m->kallsyms_error, sizeof(m->kallsyms_error), "kallsyms at %llx: %.80s", (unsigned long long)ks, s->err.msg);
		kd_err_clear(&s->err);
		return;
	}
	if (num > MODULE_SYMS_MAX) {
		snprintf(m->kallsyms_error, sizeof(m->kallsyms_error), "kallsyms at %llx: %llu symbols (more than %u)", (unsigned long long)ks,
			 (unsigned long long)num, MODULE_SYMS_MAX);
		return;
	}
	Elf64_Sym *raw = xmalloc((num ? num : 1) * sizeof(*raw));
	if (kd_read_kv(s, symtab, raw, num * sizeof(*raw)) < 0) {
		snprintf(m->kallsyms_error, sizeof(m->kallsyms_error), "kallsyms symbol table at %llx: %.80s", (unsigned long long)symtab, s->err.msg);
		kd_err_clear(&s->err);
		free(raw);
		return;
	}
	size_t unreadable = 0;
	VEC(char) strs = {0};
	VEC(struct kd_symbol) syms = {0};
	VEC(size_t) name_at = {0};
	for (uint64_t i = 1; i < num; i++) { /* entry 0 is ELF's null symbol */
		if (raw[i].st_shndx == SHN_UNDEF || !in_regions(m->regions, m->nregions, raw[i].st_value))
			continue;
		char name[KSYM_NAME_MAX];
		if (kd_read_string(s, strtab + raw[i].st_name, name, sizeof(name)) < 0) {
			kd_err_clear(&s->err);
			unreadable++;
			continue;
		}
		if (!name[0])
			continue;
		name[symbol_clone_stem(name)] = '\0';
		VEC_PUSH(&name_at, strs.len);
		for (char *c = name; *c; c++)
			VEC_PUSH(&strs, *c);
		VEC_PUSH(&strs, '\0');
		VEC_PUSH(&syms, ((struct kd_symbol){raw[i].st_value, raw[i].st_size, NULL, kallsyms_letter(raw[i].st_info), NULL}));
	}
	if (unreadable)
		snprintf(m->kallsyms_error, sizeof(m->kallsyms_error), "kallsyms string table at %llx: %zu of %llu names unreadable",
			 (unsigned long long)strtab, unreadable, (unsigned long long)num - 1);
	for (size_t i = 0; i < syms.len; i++)
		syms.items[i].name = strs.items + name_at.items[i];
	set_symbols(m, syms.items, syms.len);
	VEC_FREE(&syms);
	VEC_FREE(&strs);
	VEC_FREE(&name_at);
	free(raw);
}

static int mod_cmp(const void *a, const void *b)
{
	const struct kmodule *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
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
	/* A name in every table and message a module is in: a byte a damaged struct module holds
	 * that is no text (a control byte, not ASCII) is shown as '?', as a task's comm is. */
	for (char *c = m.name; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	read_layout(s, &m);
	read_kallsyms(s, &m);
	mt->mods = xrealloc(mt->mods, (mt->len + 1) * sizeof(*mt->mods));
	mt->mods[mt->len++] = m;
	return 0;
}

/* Each symbol's module name, and the name index over every module (the first module in address order wins). */
static void index_symbols(struct module_table *mt)
{
	struct strmap *ix = mt->index;
	if (!ix) {
		ix = xcalloc(1, sizeof(*ix));
		mt->index = ix;
	} else
		strmap_free(ix);
	strmap_init(ix);
	for (size_t i = 0; i < mt->len; i++) {
		struct kmodule *m = &mt->mods[i];
		for (size_t j = 0; j < m->nsyms; j++) {
			m->syms[j].module = m->name;
			if (!strmap_get(ix, m->syms[j].name))
				strmap_put(ix, m->syms[j].name, &m->syms[j]);
		}
	}
}

const struct module_table *kd_modules_get(kd_session *s)
{
	if (s->module_table)
		return s->module_table;
	uint64_t head, list_off, next;
	struct module_walk w;
	/* vmlinux's own symbol: a miss must not come back here through the module symbols. */
	const struct ksym *list = s->symtab ? symtab_lookup(s->symtab, "modules") : NULL;
	if (!list)
		return kd_fail(s, "no symbol \"modules\" in vmlinux"), NULL;
	head = list->addr;
	if (kd_member_offset(s, "module", "list", &list_off) < 0 ||
	    kd_member_offset(s, "module", "name", &w.name_off) < 0 || kd_read_kv(s, head, &next, 8) < 0)
		return NULL;
	w.mt = xcalloc(1, sizeof(*w.mt));
	/* Installed before the walk: a symbol lookup made while reading finds no module rather than coming back here. */
	s->module_table = w.mt;
	/* What could be read: forward up to an unreadable module or a broken link (a cycle),
	 * then backward from the head up to the break; why it broke is kept for the commands. */
	kd_err_clear(&s->err);
	kd_walk_list(s, head, list_off, KD_WALK_BOTH, on_module, &w);
	if (s->err.code)
		snprintf(w.mt->broken, sizeof(w.mt->broken), "%.200s", s->err.msg);
	kd_err_clear(&s->err);
	kd_qsort(w.mt->mods, w.mt->len, sizeof(*w.mt->mods), mod_cmp); /* crash lists them by text base */
	index_symbols(w.mt);
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
	if (mt->index) {
		strmap_free(mt->index);
		free(mt->index);
	}
	free(mt->mods);
	free(mt);
	s->module_table = NULL;
	free(s->taint_flags);
	s->taint_flags = NULL;
	s->ntaint_flags = 0;
}

/* The module table when there is one to read; a missing one is no lookup's failure. */
static const struct module_table *modules_quiet(kd_session *s)
{
	if (s->module_table)
		return s->module_table;
	if (!s->kernel_ready || !s->symtab)
		return NULL;
	struct kd_err saved = s->err;
	const struct module_table *mt = kd_modules_get(s);
	s->err = saved;
	return mt;
}

const struct kmodule *kd_module_find(kd_session *s, const char *name)
{
	const struct module_table *mt = modules_quiet(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		if (strcmp(mt->mods[i].name, name) == 0)
			return &mt->mods[i];
	return NULL;
}

const struct kmodule *kd_module_at(kd_session *s, uint64_t addr)
{
	const struct module_table *mt = modules_quiet(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		if (in_regions(mt->mods[i].regions, mt->mods[i].nregions, addr))
			return &mt->mods[i];
	return NULL;
}

const struct kmodule *kd_module_text_at(kd_session *s, uint64_t addr)
{
	const struct module_table *mt = modules_quiet(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		if (in_regions(mt->mods[i].text, 2, addr))
			return &mt->mods[i];
	return NULL;
}

const struct kd_symbol *module_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset)
{
	const struct kmodule *m = kd_module_at(s, addr);
	if (!m || !m->nsyms)
		return NULL;
	size_t lo = 0, hi = m->nsyms; /* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct kd_symbol *k = &m->syms[lo - 1];
	/* As crash's value search: of several symbols at addr the first, of several below it the last. */
	while (k > m->syms && k->addr == addr && k[-1].addr == addr)
		k--;
	if (offset)
		*offset = addr - k->addr;
	return k;
}

const struct kd_symbol *module_symbol_lookup(kd_session *s, const char *name)
{
	const struct module_table *mt = modules_quiet(s);
	return mt && mt->index ? strmap_get(mt->index, name) : NULL;
}

int modules_replace_symbols(kd_session *s, const char *module, const struct kd_symbol *syms, size_t n)
{
	const struct module_table *mt = kd_modules_get(s);
	if (!mt)
		return -1;
	struct kmodule *m = (struct kmodule *)kd_module_find(s, module);
	if (!m)
		return kd_fail(s, "%s: no such module", module);
	m->kallsyms_error[0] = '\0';
	if (n)
		set_symbols(m, syms, n);
	else
		read_kallsyms(s, m); /* none: back to the module's own kallsyms */
	index_symbols((struct module_table *)mt);
	return 0;
}

/* ---- taint flags ---- */

int kd_module_taint_letters(kd_session *s, uint64_t taints, char out[65])
{
	const struct kd_taint_flag *tf;
	size_t ntf, n = 0;
	out[0] = '\0';
	if (kd_taint_flags(s, &tf, &ntf) < 0)
		return -1;
	for (size_t j = 0; j < ntf && j < 64; j++)
		if (tf[j].module && (taints >> j & 1))
			out[n++] = tf[j].c_true;
	out[n] = '\0';
	return (int)n;
}

int kd_taint_flags(kd_session *s, const struct kd_taint_flag **flags, size_t *n)
{
	if (s->taint_flags) {
		*flags = s->taint_flags;
		*n = s->ntaint_flags;
		return 0;
	}
	uint64_t addr, esize = kd_type_size_opt(s, "taint_flag"), t_off = kd_member_offset_opt(s, "taint_flag", "c_true"),
		       f_off = kd_member_offset_opt(s, "taint_flag", "c_false"), m_off = kd_member_offset_opt(s, "taint_flag", "module");
	if (t_off == UINT64_MAX) { /* before 4.16 the members were "true" and "false" */
		t_off = kd_member_offset_opt(s, "taint_flag", "true");
		f_off = kd_member_offset_opt(s, "taint_flag", "false");
	}
	const kd_type *t = kd_symbol_lookup(s, "taint_flags") ? kd_var_type(s, "taint_flags") : NULL;
	uint64_t len = t && esize && esize != UINT64_MAX ? kd_type_sizeof(s, t) / esize : 0;
	if (!t || !len || t_off == UINT64_MAX || f_off == UINT64_MAX || len > TAINT_FLAGS_MAX)
		return kd_fail(s, "this kernel has no taint_flags[] table");
	if (kd_symbol_addr(s, "taint_flags", &addr) < 0)
		return -1;
	uint8_t buf[TAINT_FLAGS_MAX * 16];
	if (esize > 16 || kd_read_kv(s, addr, buf, len * esize) < 0)
		return kd_fail(s, "taint_flags[] at %llx is unreadable", (unsigned long long)addr);
	struct kd_taint_flag *tf = xcalloc(len, sizeof(*tf));
	for (size_t i = 0; i < len; i++) {
		tf[i].c_true = (char)buf[i * esize + t_off];
		tf[i].c_false = (char)buf[i * esize + f_off];
		tf[i].module = m_off != UINT64_MAX && buf[i * esize + m_off];
	}
	s->taint_flags = tf;
	s->ntaint_flags = len;
	*flags = tf;
	*n = len;
	return 0;
}

/* ---- crash's value search over vmlinux and the modules (symbols.h) ---- */

const struct kd_symbol *kd_symbol_search_value(kd_session *s, uint64_t addr, uint64_t *offset)
{
	size_t n = kd_symbol_count(s);
	const struct kd_symbol *text = kd_symbol_lookup(s, "_text");
	if (n && text && addr >= text->addr && addr <= kd_symbol_index(s, n - 1)->addr) {
		/* vmlinux, in sym -l's listing: the first symbol at addr, else the last one below it */
		size_t lo = kd_symbol_index_from(s, addr);
		const struct kd_symbol *k = lo < n && kd_symbol_index(s, lo)->addr == addr ? kd_symbol_index(s, lo)
				: lo ? kd_symbol_index(s, lo - 1) : NULL;
		if (k && k->addr == addr && lo + 1 < n && kd_symbol_index(s, lo + 1)->addr == addr) {
			/* crash passes over a ".text.*" section name, a SyS_ alias and a region's
			 * *_text_start marker to the real symbol at the same address */
			const char *nm = k->name;
			if (strncmp(nm, ".text.", 6) == 0 || strncmp(nm, "SyS_", 4) == 0 || strncmp(nm, "compat_SyS_", 11) == 0 ||
			    strstr(nm, "_text_start"))
				k = kd_symbol_index(s, lo + 1);
		}
		if (k && offset)
			*offset = addr - k->addr;
		return k;
	}
	return module_symbol_at(s, addr, offset);
}

bool kd_symbol_describe(kd_session *s, uint64_t addr, int radix, char *buf, size_t size)
{
	uint64_t off = 0;
	const struct kd_symbol *k = kd_symbol_search_value(s, addr, &off);
	if (size)
		buf[0] = '\0';
	if (!k)
		return false;
	if (off)
		snprintf(buf, size, radix == 16 ? "%s+0x%llx" : "%s+%llu", k->name, (unsigned long long)off);
	else
		snprintf(buf, size, "%s", k->name);
	return true;
}

/* ---- a symbol's line as crash's sym shows it, and crash's symbol query (symbols.h) ---- */

static bool symbol_is_text(const struct kd_symbol *k)
{
	return k->type == 'T' || k->type == 't' || k->type == 'W';
}

void kd_symbol_show(kd_session *s, const struct kd_symbol *k, uint64_t off, unsigned flags)
{
	kd_printf(s, "%llx (%c) %s", (unsigned long long)(k->addr + off), k->type, k->name);
	if (off)
		kd_printf(s, "+%llu", (unsigned long long)off);
	if (k->module && (flags & KD_SYMBOL_MODULE))
		kd_printf(s, " [%s]", k->module);
	if (flags & KD_SYMBOL_SECTION) {
		const char *sec = kd_symbol_section(s, k->addr + off); /* a module's from its object file, once loaded */
		if (k->module && !sec)
			kd_printf(s, " [in %s module]", k->module);
		else
			kd_printf(s, " [%s]", sec ? sec : "");
	}
	if ((flags & KD_SYMBOL_LINE) && !(flags & KD_SYMBOL_SECTION) && symbol_is_text(k)) {
		char file[1024];
		int line;
		/* crash: the space is there even when no line is known (a module without its object file, __pfx_ padding) */
		kd_printf(s, " ");
		if (kd_addr_to_line(s, k->addr + off, file, sizeof(file), &line) == 0)
			kd_printf(s, "%s: %d", file, line);
	}
	kd_printf(s, "\n");
}

size_t kd_symbol_query(kd_session *s, const char *str, const char *pad, const struct kd_symbol **last)
{
	size_t found = 0;
	for (size_t i = 0, n = kd_symbol_count(s); i < n; i++) {
		const struct kd_symbol *k = kd_symbol_index(s, i);
		if (!strstr(k->name, str))
			continue;
		if (pad) {
			kd_printf(s, "%s", pad);
			kd_symbol_show(s, k, 0, 0);
		}
		if (last)
			*last = k;
		found++;
	}
	const struct module_table *mt = modules_quiet(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		for (size_t j = 0; j < mt->mods[i].nsyms; j++) {
			const struct kd_symbol *k = &mt->mods[i].syms[j];
			if (!strstr(k->name, str))
				continue;
			if (pad) {
				kd_printf(s, "%s", pad);
				kd_symbol_show(s, k, 0, KD_SYMBOL_MODULE);
			}
			if (last)
				*last = k;
			found++;
		}
	return found;
}
