/*
 * sym: symbol to address and back, listings and searches, as crash prints them.
 *
 * The symbols are vmlinux's as crash lists them (kd_symbol_index: section symbols in,
 * nothing below _text but the per-CPU variables, names without gcc's clone suffix), then
 * each loaded module's (kd_modules_get: from its kallsyms, or its object file once loaded),
 * between crash's MODULE START and MODULE END lines.
 */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define SHOW_LINE KD_SYMBOL_LINE
#define SHOW_MODULE KD_SYMBOL_MODULE
#define SHOW_SECTION KD_SYMBOL_SECTION

/* A symbol of the listing: a vmlinux one (mod NULL) or the index of one of mod's. */
struct sym_ref {
	const struct kd_symbol *k;
	const struct kmodule *mod;
	size_t index; /* into kd_symbol_index, or into mod->syms */
};

/* crash's names of a module's memory regions (mem[MOD_TEXT] .. mem[MOD_INIT_RODATA]), as sym -l prints them. */
static const char *const region_tag[KD_MODULE_REGIONS] = {"TEXT", "DATA", "RODATA", "RO_AFTER_INIT", "INIT_TEXT", "INIT_DATA", "INIT_RODATA"};

static void show_symbol(kd_session *s, const struct kd_symbol *k, uint64_t off, int flags)
{
	kd_symbol_show(s, k, off, (unsigned)flags);
}

/* ---- listings ---- */

static bool in_region(const struct kd_module_region *r, uint64_t addr)
{
	return r->size && addr >= r->base && addr - r->base < r->size;
}

/* One region of a module between its start and end lines; tag NULL: crash's MODULE START/END of older kernels. */
static void dump_region(kd_session *s, const struct kmodule *m, const struct kd_module_region *r, const char *tag, bool init)
{
	char start[48], end[48];
	if (tag) {
		snprintf(start, sizeof(start), "MODULE %s START", tag);
		snprintf(end, sizeof(end), "MODULE %s END", tag);
	} else {
		snprintf(start, sizeof(start), "MODULE %sSTART", init ? "INIT " : "");
		snprintf(end, sizeof(end), "MODULE %sEND", init ? "INIT " : "");
	}
	kd_printf(s, "%llx %s: %s\n", (unsigned long long)r->base, start, m->name);
	for (size_t i = 0; i < m->nsyms; i++)
		if (in_region(r, m->syms[i].addr))
			show_symbol(s, &m->syms[i], 0, 0);
	kd_printf(s, "%llx %s: %s\n", (unsigned long long)(r->base + r->size), end, m->name);
}

/* The symbols of every module (name NULL) or of the one named, as crash's sym -M and -m list them. */
static void dump_modules(kd_session *s, const char *name)
{
	const struct module_table *mt = kd_modules_get(s);
	if (!mt) {
		kd_clear_error(s);
		return;
	}
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		if (name && strcmp(name, m->name) != 0)
			continue;
		for (int r = 0; r < m->nregions; r++) {
			if (m->memory_regions && m->regions[r].size)
				dump_region(s, m, &m->regions[r], region_tag[r], false);
			else if (!m->memory_regions && (r == 0 || m->regions[r].size))
				dump_region(s, m, &m->regions[r], NULL, r > 0);
		}
		if (m->kallsyms_error[0]) /* what of the module could not be listed, and why */
			kd_printf(s, "sym: %s: %s\n", m->name, m->kallsyms_error);
	}
}

static void dump_kernel(kd_session *s)
{
	for (size_t i = 0, n = kd_symbol_count(s); i < n; i++)
		show_symbol(s, kd_symbol_index(s, i), 0, 0);
}

static size_t query(kd_session *s, const char *str, const char *pad, const struct kd_symbol **last)
{
	return kd_symbol_query(s, str, pad, last);
}

/* ---- one symbol, its neighbours ---- */

/* The first module symbol after (mod, index), in module order; mod NULL: the first of all. */
static bool module_next(const struct module_table *mt, const struct kmodule *mod, size_t index, struct sym_ref *out)
{
	size_t i = 0, j = 0;
	if (mod) {
		i = (size_t)(mod - mt->mods);
		j = index + 1;
	}
	for (; i < mt->len; i++, j = 0)
		if (j < mt->mods[i].nsyms) {
			*out = (struct sym_ref){&mt->mods[i].syms[j], &mt->mods[i], j};
			return true;
		}
	return false;
}

/* The region of m holding addr, or NULL. */
static const struct kd_module_region *region_of(const struct kmodule *m, uint64_t addr)
{
	for (int i = 0; i < m->nregions; i++)
		if (in_region(&m->regions[i], addr))
			return &m->regions[i];
	return NULL;
}

/*
 * Kernels with module_memory: crash steps from region to region by address. The first symbol
 * of the lowest region above addr (next), or the last one of the highest region below it (prev),
 * over every module; regions without symbols are passed over.
 */
static bool region_step(const struct module_table *mt, uint64_t addr, bool next, struct sym_ref *out)
{
	const struct kmodule *best_m = NULL;
	const struct kd_module_region *best = NULL;
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		for (int r = 0; r < m->nregions; r++) {
			const struct kd_module_region *g = &m->regions[r];
			bool has = false;
			for (size_t j = 0; j < m->nsyms && !has; j++)
				has = in_region(g, m->syms[j].addr);
			if (!g->size || !has)
				continue;
			if (next ? g->base > addr && (!best || g->base < best->base) : g->base + g->size <= addr && (!best || g->base > best->base)) {
				best = g;
				best_m = m;
			}
		}
	}
	if (!best)
		return false;
	for (size_t j = 0; j < best_m->nsyms; j++) {
		size_t k = next ? j : best_m->nsyms - 1 - j;
		if (in_region(best, best_m->syms[k].addr)) {
			*out = (struct sym_ref){&best_m->syms[k], best_m, k};
			return true;
		}
	}
	return false;
}

static bool memory_regions(const struct module_table *mt)
{
	return mt && mt->len && mt->mods[0].memory_regions;
}

/* crash's next symbol: in vmlinux the first above this address, then (older kernels) the modules' in their order. */
static bool next_symbol(kd_session *s, const struct sym_ref *r, struct sym_ref *out)
{
	const struct module_table *mt = kd_modules_get(s);
	if (!mt)
		kd_clear_error(s);
	if (!r->mod) {
		for (size_t i = r->index + 1, n = kd_symbol_count(s); i < n; i++) {
			const struct kd_symbol *k = kd_symbol_index(s, i);
			if (k->addr > r->k->addr) {
				*out = (struct sym_ref){k, NULL, i};
				return true;
			}
		}
		return mt && !memory_regions(mt) && module_next(mt, NULL, 0, out);
	}
	if (memory_regions(mt)) {
		const struct kd_module_region *g = region_of(r->mod, r->k->addr);
		if (g && r->index + 1 < r->mod->nsyms && in_region(g, r->mod->syms[r->index + 1].addr)) {
			*out = (struct sym_ref){&r->mod->syms[r->index + 1], r->mod, r->index + 1};
			return true;
		}
		return region_step(mt, r->k->addr, true, out);
	}
	return mt && module_next(mt, r->mod, r->index, out);
}

/* crash's previous symbol: the one before in vmlinux's listing; before a module's first, the previous module's last, or (older kernels) vmlinux's last. */
static bool prev_symbol(kd_session *s, const struct sym_ref *r, struct sym_ref *out)
{
	if (!r->mod) {
		if (!r->index)
			return false;
		*out = (struct sym_ref){kd_symbol_index(s, r->index - 1), NULL, r->index - 1};
		return true;
	}
	const struct module_table *mt = kd_modules_get(s);
	if (memory_regions(mt)) {
		const struct kd_module_region *g = region_of(r->mod, r->k->addr);
		if (g && r->index && in_region(g, r->mod->syms[r->index - 1].addr)) {
			*out = (struct sym_ref){&r->mod->syms[r->index - 1], r->mod, r->index - 1};
			return true;
		}
		return region_step(mt, r->k->addr, false, out);
	}
	if (r->index) {
		*out = (struct sym_ref){&r->mod->syms[r->index - 1], r->mod, r->index - 1};
		return true;
	}
	for (size_t i = (size_t)(r->mod - mt->mods); i-- > 0;)
		if (mt->mods[i].nsyms) {
			*out = (struct sym_ref){&mt->mods[i].syms[mt->mods[i].nsyms - 1], &mt->mods[i], mt->mods[i].nsyms - 1};
			return true;
		}
	size_t n = kd_symbol_count(s);
	if (!n)
		return false;
	*out = (struct sym_ref){kd_symbol_index(s, n - 1), NULL, n - 1};
	return true;
}

static void show_ref(kd_session *s, const struct sym_ref *r, uint64_t off, bool prev, bool next, bool section)
{
	int flags = (section ? SHOW_SECTION : SHOW_LINE) | (r->mod ? SHOW_MODULE : 0);
	struct sym_ref o;
	if (prev && prev_symbol(s, r, &o))
		show_symbol(s, o.k, 0, flags);
	show_symbol(s, r->k, off, flags);
	if (next && next_symbol(s, r, &o))
		show_symbol(s, o.k, 0, flags);
}

/* Every symbol of that name, vmlinux's in address order then the modules'; 0 if none. */
static size_t find_name(kd_session *s, const char *name, struct sym_ref *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0, c = kd_symbol_count(s); i < c; i++) {
		const struct kd_symbol *k = kd_symbol_index(s, i);
		if (strcmp(k->name, name) == 0 && n < max)
			out[n++] = (struct sym_ref){k, NULL, i};
	}
	const struct module_table *mt = kd_symbol_lookup(s, name) ? kd_modules_get(s) : NULL;
	for (size_t i = 0; mt && i < mt->len; i++)
		for (size_t j = 0; j < mt->mods[i].nsyms; j++)
			if (strcmp(mt->mods[i].syms[j].name, name) == 0 && n < max)
				out[n++] = (struct sym_ref){&mt->mods[i].syms[j], &mt->mods[i], j};
	return n;
}

/* crash's value search (kd_symbol_search_value) as a reference into the listing or a module's symbols. */
static bool find_addr(kd_session *s, uint64_t addr, struct sym_ref *out, uint64_t *off)
{
	const struct kd_symbol *k = kd_symbol_search_value(s, addr, off);
	if (!k)
		return false;
	if (!k->module) {
		*out = (struct sym_ref){k, NULL, (size_t)(k - kd_symbol_index(s, 0))};
		return true;
	}
	const struct kmodule *m = kd_module_at(s, addr);
	if (!m || k < m->syms || k >= m->syms + m->nsyms)
		return false;
	*out = (struct sym_ref){k, m, (size_t)(k - m->syms)};
	return true;
}

static int sym_arg(kd_session *s, const char *arg, bool prev, bool next, bool section)
{
	uint64_t addr = 0;
	struct sym_ref refs[64];
	size_t n = find_name(s, arg, refs, 64);
	const char *digits = strncmp(arg, "0x", 2) == 0 || strncmp(arg, "0X", 2) == 0 ? arg + 2 : arg;
	/* Not a symbol's name and all hexadecimal digits: an address (crash's htol: at most 16 digits). */
	if (!n && *digits && strspn(digits, "0123456789abcdefABCDEF") == strlen(digits)) {
		uint64_t off = 0;
		struct sym_ref r;
		if (strlen(digits) > 16 || !kd_parse_hex_u64(arg, &addr) || !find_addr(s, addr, &r, &off))
			return kd_fail(s, "invalid address: %s", arg);
		show_ref(s, &r, off, prev, next, section);
		return 0;
	}
	if (!n) {
		const struct kd_symbol *last = NULL;
		kd_printf(s, "symbol not found: %s\npossible alternatives:\n", arg);
		if (!query(s, arg, "  ", &last))
			kd_printf(s, "  (none found)\n");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		show_ref(s, &refs[i], 0, prev, next, section);
	return 0;
}

static int cmd_sym(kd_session *s, int argc, char **argv)
{
	int c, others = 0;
	bool next = false, prev = false, section = false, bad = false;
	const struct kd_symbol *last = NULL;
	optind = 0;
	/* As crash: the listings are printed as their options come, -n and -p apply to the arguments. */
	while ((c = getopt(argc, argv, "lLQ:q:npsMm:")) != -1) {
		switch (c) {
		case 'n': next = true; break;
		case 'p': prev = true; break;
		case 'Q': {
			size_t found = query(s, optarg, NULL, &last);
			kd_printf(s, "%zu found ", found);
			if (found)
				kd_printf(s, "(%s)", last->name);
			kd_printf(s, "\n");
			others++;
			break;
		}
		case 'q':
			if (!query(s, optarg, "", &last))
				kd_printf(s, "(none found)\n");
			others++;
			break;
		case 'm': dump_modules(s, optarg); others++; break;
		case 'M': dump_modules(s, NULL); others++; break;
		case 'L':
		case 'l':
			dump_kernel(s);
			dump_modules(s, NULL);
			others++;
			break;
		case 's': section = true; break;
		default: bad = true; break;
		}
	}
	if (bad || (optind >= argc && !others))
		return kd_usage(s);
	int rc = 0;
	for (int i = optind; i < argc; i++)
		if (sym_arg(s, argv[i], prev, next, section) < 0) {
			/* As crash, an argument's error is reported and the next one is still looked at. */
			kd_printf(s, "sym: %s\n", kd_last_error(s));
			kd_clear_error(s);
			rc = -1;
		}
	return rc;
}

const struct kd_command kd_cmd_sym = {
	"sym", cmd_sym, "sym [-l] | [-M] | [-m module] | [-p|-n] | [-q string] | [symbol | vaddr]",
	"translate a symbol to its virtual address, or vice-versa",
	"Prints the address, the type letter and the name of each symbol, with the\n"
	"source file and line of text symbols; an address prints as symbol+offset. A\n"
	"module's symbol is followed by its module's name in brackets; without the\n"
	"module's object file its symbols come from the module's own kallsyms in the\n"
	"dump (functions t or T, everything else ?); once mod -s or mod -S has loaded\n"
	"it, they are the object file's (with nm's letters, and file and line for its\n"
	"functions), as crash lists them, until mod -d or mod -D.\n"
	"  -l         list every symbol, vmlinux's sorted by address, then each module's.\n"
	"  -M         list the symbols of every module, between MODULE START and END lines\n"
	"             (one pair per memory region on kernels with module_memory).\n"
	"  -m module  list the symbols of one module.\n"
	"  -p         show the symbol before each one given too.\n"
	"  -n         show the symbol after each one given too.\n"
	"  -s         the section of each one given instead of its line (a module's\n"
	"             from its object file, else \"in MODULE module\").\n"
	"  -q string  list every symbol whose name contains string.\n"
	"  symbol     a kernel or module symbol (every one of that name).\n"
	"  vaddr      a kernel or module address.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> sym schedule\n"
	"  ffffffff81c3b9a0 (T) schedule /build/linux/kernel/sched/core.c: 6624\n"
	"  kdive> sym ffffffff81c3b9c5\n"
	"  ffffffff81c3b9c5 (T) schedule+37 /build/linux/kernel/sched/core.c: 6629\n"
	"  kdive> sym -n virtqueue_add_sgs\n"
	"  ffffffffc043d180 (T) virtqueue_add_sgs [virtio_ring] \n"
	"  ffffffffc043d250 (T) virtqueue_add_inbuf_ctx [virtio_ring] \n"
	"  kdive> mod -s virtio_blk /usr/lib/debug/lib/modules/6.1.0-57-amd64/kernel/drivers/block/virtio_blk.ko\n"
	"  ...\n"
	"  kdive> sym virtblk_probe\n"
	"  ffffffffc046be90 (t) virtblk_probe [virtio_blk] debian/build/build_amd64_none_amd64/drivers/block/virtio_blk.c: 888\n"
	"  kdive> mod -d virtio_blk\n"
	"  kdive> sym -m virtio_blk\n"
	"  ffffffffc046b000 MODULE START: virtio_blk\n"
	"  ffffffffc046b000 (t) virtblk_done\n"
	"  ffffffffc046b100 (t) virtblk_freeze\n"
	"  ...\n"
	"  ffffffffc0472000 MODULE END: virtio_blk\n",
	KD_CMD_NEEDS_DUMP,
};
