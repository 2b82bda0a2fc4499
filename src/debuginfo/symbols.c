#include "debuginfo/symbols.h"
#include "dump/dump.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static char symbol_letter(Elf *elf, const GElf_Sym *sym)
{
	int bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
	char c = '?';
	if (sym->st_shndx == SHN_ABS)
		c = 'a';
	else if (sym->st_shndx == SHN_UNDEF)
		c = 'u';
	else {
		Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
		GElf_Shdr sh;
		if (scn && gelf_getshdr(scn, &sh)) {
			if (sh.sh_flags & SHF_EXECINSTR)
				c = 't';
			else if (sh.sh_type == SHT_NOBITS)
				c = 'b';
			else if (sh.sh_flags & SHF_WRITE)
				c = 'd';
			else if (sh.sh_flags & SHF_ALLOC)
				c = 'r';
			else
				c = 'n';
		}
	}
	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	if (bind == STB_GLOBAL && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	return c;
}

int symbols_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool is_global(char type)
{
	return type >= 'A' && type <= 'Z';
}

static void index_names(struct symtab *t)
{
	strmap_free(&t->by_name);
	strmap_init(&t->by_name);
	strmap_reserve(&t->by_name, t->nsyms);
	for (size_t i = 0; i < t->nsyms; i++) {
		struct ksym *s = &t->syms[i];
		struct ksym *old = strmap_get(&t->by_name, s->name);
		if (!old || (!is_global(old->type) && is_global(s->type)))
			strmap_put(&t->by_name, s->name, s);
	}
}

/*
 * crash's listing. Every symbol, section symbols included, in the order of their link-time
 * address and raw name; then, as crash's x86_64 symbol filter, nothing before the first
 * _text or _stext but __per_cpu_start and the per-CPU variables after it (data, or named
 * per_cpu*, or __per_cpu_end): the absolute and other symbols below the kernel's text are left
 * out. Names are cut at gcc's clone suffix.
 */
static int listed_cmp(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym *const *)a, *y = *(const struct ksym *const *)b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool listed_before_text(const struct ksym *k, size_t stem, bool *percpu)
{
	if (strncmp(k->name, "__per_cpu_start", stem) == 0 && stem == strlen("__per_cpu_start")) {
		*percpu = true;
		return true;
	}
	if (!*percpu)
		return false;
	return strncmp(k->name, "per_cpu", 7) == 0 || (stem == strlen("__per_cpu_end") && strncmp(k->name, "__per_cpu_end", stem) == 0) ||
	       k->type == 'V' || k->type == 'd' || k->type == 'D';
}

static void build_listing(struct symtab *t, const struct ksym *secs, size_t nsecs, size_t secbytes)
{
	size_t n = t->nsyms + nsecs, bytes = secbytes + 1;
	const struct ksym **order = xmalloc((n ? n : 1) * sizeof(*order));
	for (size_t i = 0; i < t->nsyms; i++)
		order[i] = &t->syms[i];
	for (size_t i = 0; i < nsecs; i++)
		order[t->nsyms + i] = &secs[i];
	kd_qsort(order, n, sizeof(*order), listed_cmp);
	for (size_t i = 0; i < n; i++)
		if (symbol_clone_stem(order[i]->name) != strlen(order[i]->name))
			bytes += symbol_clone_stem(order[i]->name) + 1;
	t->listed = xmalloc((n ? n : 1) * sizeof(*t->listed));
	t->listed_strings = xmalloc(bytes);
	char *sp = t->listed_strings;
	bool text = false, percpu = false;
	for (size_t i = 0; i < n; i++) {
		const struct ksym *k = order[i];
		size_t stem = symbol_clone_stem(k->name);
		if (!text && stem == 5 && (strncmp(k->name, "_text", 5) == 0))
			text = true;
		else if (!text && stem == 6 && strncmp(k->name, "_stext", 6) == 0)
			text = true;
		else if (!text && !listed_before_text(k, stem, &percpu))
			continue;
		struct ksym *l = &t->listed[t->nlisted++];
		*l = *k;
		if (nsecs && k >= secs && k < secs + nsecs) { /* a section name: the listing owns it */
			size_t len = strlen(k->name);
			memcpy(sp, k->name, len + 1);
			l->name = sp;
			sp += len + 1;
		} else if (stem != strlen(k->name)) {
			memcpy(sp, k->name, stem);
			sp[stem] = '\0';
			l->name = sp;
			sp += stem + 1;
		}
	}
	free(order);
}

struct symtab *symtab_load(Elf *elf, struct kd_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	if (!scn) {
		kd_err_set(err, KD_EFORMAT, "vmlinux has no symbol table");
		return NULL;
	}
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || !sh.sh_entsize) {
		kd_err_set(err, KD_EFORMAT, "vmlinux symbol table is unreadable: %s", elf_errmsg(-1));
		return NULL;
	}
	size_t n = sh.sh_size / sh.sh_entsize, shstrndx = 0;
	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		shstrndx = 0;
	struct symtab *t = xcalloc(1, sizeof(*t));
	t->syms = xmalloc((n ? n : 1) * sizeof(*t->syms));
	/* Copy names into one block: the ELF data may be unmapped later. */
	size_t strbytes = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (name)
			strbytes += strlen(name) + 1;
	}
	t->strings = xmalloc(strbytes + 1);
	char *sp = t->strings;
	/* Section symbols are listed (crash lists them) but never looked up: names of their own. */
	VEC(struct ksym) secs = {0};
	size_t secbytes = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		int type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION && sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE && shstrndx) {
			Elf_Scn *sec = elf_getscn(elf, sym.st_shndx);
			GElf_Shdr ssh;
			const char *sname = sec && gelf_getshdr(sec, &ssh) ? elf_strptr(elf, shstrndx, ssh.sh_name) : NULL;
			if (sname && *sname) {
				VEC_PUSH(&secs, ((struct ksym){sym.st_value, 0, sname, symbol_letter(elf, &sym), NULL}));
				secbytes += strlen(sname) + 1;
			}
			continue;
		}
		if (type == STT_SECTION || type == STT_FILE || sym.st_shndx == SHN_UNDEF)
			continue;
		const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		size_t len = strlen(name);
		memcpy(sp, name, len + 1);
		struct ksym *k = &t->syms[t->nsyms++];
		k->addr = sym.st_value;
		k->size = sym.st_size;
		k->name = sp;
		k->type = symbol_letter(elf, &sym);
		k->module = NULL;
		sp += len + 1;
	}
	kd_qsort(t->syms, t->nsyms, sizeof(*t->syms), symbols_cmp);
	strmap_init(&t->by_name);
	index_names(t);
	build_listing(t, secs.items, secs.len, secbytes);
	/* The allocated sections, for sym -s. */
	VEC(struct symtab_section) sections = {0};
	for (Elf_Scn *sec = NULL; shstrndx && (sec = elf_nextscn(elf, sec));) {
		GElf_Shdr ssh;
		const char *sname = gelf_getshdr(sec, &ssh) ? elf_strptr(elf, shstrndx, ssh.sh_name) : NULL;
		if (sname && (ssh.sh_flags & SHF_ALLOC) && ssh.sh_addr && ssh.sh_size)
			VEC_PUSH(&sections, ((struct symtab_section){ssh.sh_addr, ssh.sh_size, xstrdup(sname)}));
	}
	t->sections = sections.items;
	t->nsections = sections.len;
	VEC_FREE(&secs);
	return t;
}

struct symtab *symtab_from_vmcoreinfo(const struct dump *d, uint64_t kaslr_offset)
{
	struct symtab *t = xcalloc(1, sizeof(*t));
	strmap_init(&t->by_name);
	t->offset = kaslr_offset; /* the addresses are the running kernel's already */
	size_t pos = 0, klen, vlen, strbytes = 0, n = 0;
	const char *key, *val;
	while (dump_vmcoreinfo_next(d, &pos, &key, &klen, &val, &vlen))
		if (klen > 8 && !memcmp(key, "SYMBOL(", 7) && key[klen - 1] == ')') {
			strbytes += klen - 8 + 1;
			n++;
		}
	t->syms = xcalloc(n ? n : 1, sizeof(*t->syms));
	t->strings = xmalloc(strbytes + 1);
	char *sp = t->strings;
	pos = 0;
	while (dump_vmcoreinfo_next(d, &pos, &key, &klen, &val, &vlen) && t->nsyms < n) {
		if (klen <= 8 || memcmp(key, "SYMBOL(", 7) || key[klen - 1] != ')')
			continue;
		char num[24];
		char *end;
		if (!vlen || vlen >= sizeof(num))
			continue;
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		uint64_t addr = strtoull(num, &end, 16);
		if (*end)
			continue;
		memcpy(sp, key + 7, klen - 8);
		sp[klen - 8] = '\0';
		t->syms[t->nsyms++] = (struct ksym){.addr = addr, .name = sp, .type = 'D'};
		sp += klen - 8 + 1;
	}
	kd_qsort(t->syms, t->nsyms, sizeof(*t->syms), symbols_cmp);
	index_names(t);
	return t;
}

void symtab_free(struct symtab *t)
{
	if (!t)
		return;
	strmap_free(&t->by_name);
	free(t->syms);
	free(t->strings);
	free(t->listed);
	free(t->listed_strings);
	for (size_t i = 0; i < t->nsections; i++)
		free(t->sections[i].name);
	free(t->sections);
	free(t);
}

/* Kernel-map symbols move with the kernel, absolute ones among them (init_per_cpu__*, as crash
 * relocates what lies in the kernel's sections); per-CPU offsets and small constants do not. */
static void relocate_array(struct ksym *syms, size_t n, uint64_t old, uint64_t delta)
{
	for (size_t i = 0; i < n; i++)
		if (syms[i].addr - old >= KERNEL_MAP_START)
			syms[i].addr += delta;
}

void symtab_relocate(struct symtab *t, uint64_t off)
{
	uint64_t delta = off - t->offset;
	if (!delta)
		return;
	relocate_array(t->syms, t->nsyms, t->offset, delta);
	relocate_array(t->listed, t->nlisted, t->offset, delta);
	for (size_t i = 0; i < t->nsections; i++)
		if (t->sections[i].addr - t->offset >= KERNEL_MAP_START)
			t->sections[i].addr += delta;
	t->offset = off;
	/* Every kernel-map symbol moves by the same delta and stays above the per-CPU ones:
	 * the order by address holds, and the name index points at the same entries. */
}

const struct ksym *symtab_lookup(const struct symtab *t, const char *name)
{
	return strmap_get(&t->by_name, name);
}

const char *symtab_section_at(const struct symtab *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nsections; i++)
		if (addr >= t->sections[i].addr && addr - t->sections[i].addr < t->sections[i].size)
			return t->sections[i].name;
	return NULL;
}

size_t symtab_lower_bound(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nsyms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct ksym *symbols_gdb_choice(const struct ksym *syms, size_t n, uint64_t raw, uint64_t lo, uint64_t hi, bool text)
{
	ssize_t i = (ssize_t)n - 1, zero = -1; /* the sized candidate, the highest size-less one */
	for (; i >= 0; i--) {
		const struct ksym *k = &syms[i];
		if (k->addr < lo || k->addr >= hi) {
			i = -1; /* below the section: nothing of it before raw */
			break;
		}
		if (k->type == 'a' || k->type == 'A')
			continue;
		if (k->size)
			break;
		if (zero == -1)
			zero = i;
	}
	if (i < 0 || raw >= syms[i].addr + syms[i].size)
		i = zero; /* no sized symbol, or raw lies past its end */
	if (i < 0 || (syms[i].size == 0 && !text))
		return NULL; /* gdb ignores size-less data symbols */
	return &syms[i];
}

static bool is_marker(const struct ksym *k)
{
	/* Zero-size section markers and absolute symbols do not name code or data. */
	return k->type == 'A' || k->type == 'a';
}

const struct ksym *symtab_at(const struct symtab *t, uint64_t addr)
{
	size_t i = symtab_lower_bound(t, addr + 1);
	while (i > 0) {
		const struct ksym *k = &t->syms[i - 1];
		if (!is_marker(k)) {
			if (k->addr < KERNEL_MAP_START && addr >= KERNEL_MAP_START)
				return NULL;
			/* The nearest symbol below, within 1 MiB, as crash resolves addresses. */
			if (addr - k->addr > (1u << 20))
				return NULL;
			/* Among several symbols at the same address, pick the global one. */
			size_t j = i - 1;
			const struct ksym *best = k;
			while (j > 0 && t->syms[j - 1].addr == k->addr) {
				j--;
				if (is_global(t->syms[j].type) && !is_global(best->type))
					best = &t->syms[j];
			}
			return best;
		}
		i--;
	}
	return NULL;
}

size_t symbol_clone_stem(const char *name)
{
	static const char *const strip[] = {".isra.", ".part.", ".llvm."};
	for (size_t i = 0; i < ARRAY_SIZE(strip); i++) {
		const char *cut = strstr(name, strip[i]);
		if (cut)
			return (size_t)(cut - name);
	}
	return strlen(name);
}
