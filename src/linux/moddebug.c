/*
 * Module object files for the kernel's loaded modules (include/kdive/moddebug.h): where
 * crash looks for them, and where each section of a module sits in the dump (struct
 * module's sect_attrs), which the debuginfo layer (debuginfo/modobj.c) relocates the
 * object's DWARF against.
 */
#include <kdive/moddebug.h>

#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/ctype.h"
#include "debuginfo/find.h"
#include "debuginfo/modobj.h"
#include "debuginfo/symbols.h"
#include "linux/modules.h"

#define SECTIONS_MAX 4096   /* a module has a few dozen sections */
#define SEARCH_DEPTH_MAX 32 /* directories deep */
#define SEARCH_ENTRIES_MAX 2000000

static const struct kmodule *module_named(kd_session *s, const char *name)
{
	const struct module_table *mt = kd_modules_get(s);
	for (size_t i = 0; mt && i < mt->len; i++)
		if (strcmp(mt->mods[i].name, name) == 0)
			return &mt->mods[i];
	return NULL;
}

/* ---- where the sections are ---- */

struct section_addr {
	char name[64];
	uint64_t addr;
};

struct sections {
	VEC(struct section_addr) v;
	uint64_t percpu;
};

/* struct module's sect_attrs: each allocated section's name and address, as /sys/module/M/sections shows them. */
static int read_sections(kd_session *s, const struct kmodule *m, struct sections *out)
{
	uint64_t attrs, n = 0;
	uint64_t esize = kd_type_size_opt(s, "module_sect_attr"), arr = kd_member_offset_opt(s, "module_sect_attrs", "attrs"),
		 name_off = kd_member_offset_opt(s, "module_sect_attr", "battr.attr.name"),
		 addr_off = kd_member_offset_opt(s, "module_sect_attr", "address");
	if (addr_off == UINT64_MAX) /* later kernels keep the address in the attribute's private pointer */
		addr_off = kd_member_offset_opt(s, "module_sect_attr", "battr.private");
	if (esize == UINT64_MAX || arr == UINT64_MAX || name_off == UINT64_MAX || addr_off == UINT64_MAX)
		return kd_fail(s, "%s: this kernel has no module_sect_attr name and address to find the sections by", m->name);
	if (kd_read_member_ptr(s, m->addr, "module", "sect_attrs", &attrs) < 0 ||
	    kd_read_member(s, attrs, "module_sect_attrs", "nsections", &n) < 0)
		return -1;
	if (n > SECTIONS_MAX)
		return kd_fail(s, "%s: module_sect_attrs at %llx counts %llu sections", m->name, (unsigned long long)attrs,
			       (unsigned long long)n);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = attrs + arr + i * esize, name_ptr, addr;
		struct section_addr sa = {{0}, 0};
		if (kd_read_kv(s, e + name_off, &name_ptr, 8) < 0 || kd_read_kv(s, e + addr_off, &addr, 8) < 0 ||
		    kd_read_string(s, name_ptr, sa.name, sizeof(sa.name)) < 0)
			return -1;
		sa.addr = addr;
		VEC_PUSH(&out->v, sa);
	}
	uint64_t percpu = 0;
	if (kd_member_offset_opt(s, "module", "percpu") != UINT64_MAX && kd_read_member_ptr(s, m->addr, "module", "percpu", &percpu) == 0)
		out->percpu = percpu;
	kd_clear_error(s);
	return 0;
}

static uint64_t section_addr(void *arg, const char *name)
{
	struct sections *secs = arg;
	for (size_t i = 0; i < secs->v.len; i++)
		if (strcmp(secs->v.items[i].name, name) == 0)
			return secs->v.items[i].addr;
	if (strcmp(name, ".data..percpu") == 0 || strcmp(name, ".data.percpu") == 0)
		return secs->percpu; /* not an allocated section once loaded: the module's per-CPU area */
	return 0;
}

/* The GNU build ID note the module carries in the dump (its .note.gnu.build-id section); 0 bytes if none. */
static size_t dump_build_id(kd_session *s, const struct sections *secs, uint8_t *id, size_t size)
{
	uint64_t at = section_addr((void *)secs, ".note.gnu.build-id");
	uint32_t hdr[3];
	char name[4];
	if (!at || kd_read_kv(s, at, hdr, sizeof(hdr)) < 0 || hdr[0] != 4 || hdr[2] != 3 /* NT_GNU_BUILD_ID */ ||
	    !hdr[1] || hdr[1] > size || kd_read_kv(s, at + 12, name, 4) < 0 || memcmp(name, "GNU", 4) != 0 ||
	    kd_read_kv(s, at + 16, id, hdr[1]) < 0) {
		kd_clear_error(s);
		return 0;
	}
	return hdr[1];
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* ---- the object file's symbols ---- */

/*
 * Where a loaded module's symbols go: crash takes them from the object file once it is loaded
 * (the module table's modules_replace_symbols). n == 0: back to the module's kallsyms.
 */
static void give_symbols(kd_session *s, const char *module, const struct kd_symbol *syms, size_t n)
{
	if (modules_replace_symbols(s, module, syms, n) < 0)
		kd_err_clear(&s->err); /* no such module: nothing to replace */
}

/* A symbol of the object file: its name, section, value in the file and runtime address. */
struct ko_sym {
	char *name;
	const char *section; /* the file's section name string */
	uint64_t raw, addr;
	char letter;
};

struct ko_syms {
	VEC(struct ko_sym) v;
};

static void on_ko_symbol(void *arg, const char *name, const char *section, uint64_t raw, uint64_t addr, char letter)
{
	struct ko_syms *k = arg;
	VEC_PUSH(&k->v, ((struct ko_sym){.name = xstrdup(name), .section = section, .raw = raw, .addr = addr, .letter = letter}));
}

/* crash's order of the file's symbols before it places them (binutils' numeric sort): by value in the file, then by name. */
static int ko_sym_cmp(const void *a, const void *b)
{
	const struct ko_sym *x = a, *y = b;
	if (x->raw != y->raw)
		return x->raw < y->raw ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The first symbol of the file (in that order) with this name; NULL if none. */
static const struct ko_sym *ko_named(const struct ko_syms *k, const char *name)
{
	for (size_t i = 0; i < k->v.len; i++)
		if (strcmp(k->v.items[i].name, name) == 0)
			return &k->v.items[i];
	return NULL;
}

static bool section_in(const char *const *found, size_t n, const char *section)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(found[i], section) == 0)
			return true;
	return false;
}

/*
 * crash's symbols of a module whose object file is loaded. crash knows where a section of the
 * file sits only through a kallsyms symbol of the module that the file defines in it; the
 * file's symbols of the sections it found (section symbols among them; __mcount_loc,
 * __bug_table and the like, which no kallsyms symbol lies in, are left out) in the file's
 * value-then-name order, each at kallsyms' address for its name (the first entry not taken
 * yet) or at its section's; then the kallsyms symbols the file has no name for. The module
 * table sorts them by address and keeps this order among equal addresses, as crash's sort does.
 */
static void hand_over_symbols(kd_session *s, const struct kmodule *m, struct modobj *o, struct sections *secs)
{
	struct ko_syms k = {0};
	modobj_symbols(o, section_addr, secs, on_ko_symbol, &k);
	if (k.v.len)
		kd_qsort(k.v.items, k.v.len, sizeof(*k.v.items), ko_sym_cmp);
	VEC(const char *) found = {0};
	for (size_t i = 0; i < m->nsyms; i++) {
		const struct ko_sym *f = ko_named(&k, m->syms[i].name);
		if (f && !section_in(found.items, found.len, f->section))
			VEC_PUSH(&found, f->section);
	}
	bool *used = xcalloc(m->nsyms ? m->nsyms : 1, sizeof(bool)); /* kallsyms entries a symbol of the file took its value from */
	VEC(struct kd_symbol) out = {0};
	VEC(char *) names = {0};
	for (size_t j = 0; j < k.v.len; j++) {
		const struct ko_sym *f = &k.v.items[j];
		if (!section_in(found.items, found.len, f->section))
			continue;
		uint64_t addr = f->addr;
		for (size_t i = 0; i < m->nsyms; i++)
			if (!used[i] && strcmp(m->syms[i].name, f->name) == 0) {
				used[i] = true;
				addr = m->syms[i].addr;
				break;
			}
		char *n = xstrndup(f->name, symbol_clone_stem(f->name));
		VEC_PUSH(&names, n);
		VEC_PUSH(&out, ((struct kd_symbol){.addr = addr, .name = n, .type = f->letter}));
	}
	size_t from_file = out.len;
	for (size_t i = 0; i < m->nsyms; i++) {
		bool named = false;
		for (size_t j = 0; j < from_file && !named; j++)
			named = strcmp(out.items[j].name, m->syms[i].name) == 0;
		if (named)
			continue;
		/* A copy: the module's own names go when its symbols are replaced. */
		char *n = xstrdup(m->syms[i].name);
		VEC_PUSH(&names, n);
		VEC_PUSH(&out, ((struct kd_symbol){.addr = m->syms[i].addr, .size = m->syms[i].size, .name = n, .type = m->syms[i].type}));
	}
	give_symbols(s, m->name, out.items, out.len);
	for (size_t i = 0; i < names.len; i++)
		free(names.items[i]);
	for (size_t i = 0; i < k.v.len; i++)
		free(k.v.items[i].name);
	VEC_FREE(&names);
	VEC_FREE(&out);
	VEC_FREE(&found);
	VEC_FREE(&k.v);
	free(used);
}

/* ---- loading ---- */

int kd_module_objfile_load(kd_session *s, const char *module, const char *path)
{
	const struct kmodule *m = module_named(s, module);
	if (!m)
		return kd_fail(s, "%s: not a loaded module name", module);
	if (modobjs_for_module(s, module))
		return 0; /* already loaded, as crash leaves it */
	struct kd_err e = {0};
	struct modobj *o = modobj_open(path, &e);
	if (!o)
		return session_fail_from(s, &e);
	session_note_input(s, path, "module object file");
	struct sections secs = {0};
	int rc = read_sections(s, m, &secs);
	uint8_t id[64];
	size_t idlen = rc == 0 ? dump_build_id(s, &secs, id, sizeof(id)) : 0;
	if (rc == 0 && idlen && o->build_id_len && (idlen != o->build_id_len || memcmp(id, o->build_id, idlen) != 0)) {
		char want[129], got[129];
		hex(id, idlen, want);
		hex(o->build_id, o->build_id_len, got);
		rc = kd_fail(s, "%s: build ID %s does not match the %s module's in the dump (%s)", path, got, module, want);
	}
	if (rc == 0 && modobj_relocate(o, section_addr, &secs, &e) < 0)
		rc = session_fail_from(s, &e);
	if (rc == 0)
		hand_over_symbols(s, m, o, &secs);
	VEC_FREE(&secs.v);
	if (rc < 0) {
		modobj_free(o);
		return -1;
	}
	o->module = xstrdup(module);
	modobjs_add(s, o);
	ctype_forget_names(s);
	return 0;
}

const char *kd_module_objfile(kd_session *s, const char *module)
{
	struct modobj *o = modobjs_for_module(s, module);
	return o ? o->path : NULL;
}

void kd_module_objfile_unload(kd_session *s, const char *module)
{
	struct modobj *o;
	if (module) {
		if ((o = modobjs_for_module(s, module))) {
			modobjs_remove(s, o);
			give_symbols(s, module, NULL, 0);
		}
	} else {
		for (size_t i = s->modobjs ? s->modobjs->all.len : 0; i-- > 0;)
			if (i < s->modobjs->all.len && (o = s->modobjs->all.items[i])->active) {
				char *name = xstrdup(o->module);
				modobjs_remove(s, o);
				give_symbols(s, name, NULL, 0);
				free(name);
			}
	}
	ctype_forget_names(s);
}

void kd_modules_reinit(kd_session *s)
{
	kd_module_objfile_unload(s, NULL);
	modules_free(s);
}

/* ---- searching ---- */

struct walk {
	const char *pattern;
	bool follow;
	size_t entries;
	char *found;
};

/* find DIR [-L] -name PATTERN: the first match in the walk's order (each directory's entries as read, depth first). */
static void walk_dir(struct walk *w, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while (!w->found && (de = readdir(d)) && w->entries++ < SEARCH_ENTRIES_MAX) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		if (fnmatch(w->pattern, de->d_name, 0) == 0) {
			w->found = path;
			break;
		}
		struct stat st;
		if (depth < SEARCH_DEPTH_MAX && (w->follow ? stat(path, &st) : lstat(path, &st)) == 0 && S_ISDIR(st.st_mode))
			walk_dir(w, path, depth + 1);
		free(path);
	}
	closedir(d);
}

static char *tree_find(const char *dir, const char *pattern, bool follow)
{
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	struct walk w = {pattern, follow, 0, NULL};
	walk_dir(&w, dir, 0);
	return w.found;
}

/* One directory: FILE (or NAME.o), then NAME.ko, NAME.ko.debug where crash tries it, then the compressed forms. */
static char *search_dir(const char *dir, const char *name, const char *file, bool follow, bool debug_suffix)
{
	char *p, *pat = file ? xstrdup(file) : xasprintf("%s.o", name);
	p = tree_find(dir, pat, follow);
	free(pat);
	static const char *const suffixes[] = {".ko", ".ko.debug", ".ko.xz", ".ko.zst"};
	for (size_t i = 0; !p && i < ARRAY_SIZE(suffixes); i++) {
		if (i == 1 && !debug_suffix)
			continue;
		pat = xasprintf("%s%s", name, suffixes[i]);
		p = tree_find(dir, pat, follow);
		free(pat);
	}
	return p;
}

static char *search_name(kd_session *s, const char *name, const char *file, const char *tree)
{
	if (tree)
		return search_dir(tree, name, file, true, true);
	const char *rel = s->ki.release;
	char *dirs[5] = {0};
	bool debug_suffix[5] = {true, true, false, false, true};
	dirs[0] = xasprintf("/usr/lib/debug/lib/modules/%s", rel);
	const char *env = getenv("CRASH_MODULE_PATH");
	dirs[1] = env ? xstrdup(env) : NULL;
	dirs[2] = xasprintf("/lib/modules/%s/updates", rel);
	dirs[3] = xasprintf("/lib/modules/%s", rel);
	char *real = s->vmlinux_path ? realpath(s->vmlinux_path, NULL) : NULL;
	if (real) {
		char *slash = strrchr(real, '/');
		if (slash)
			*(slash == real ? slash + 1 : slash) = '\0';
		dirs[4] = real;
	}
	char *p = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!p && dirs[i])
			p = search_dir(dirs[i], name, file, false, debug_suffix[i]);
		free(dirs[i]);
	}
	return p;
}

/* The debug file of the build ID the module carries in the dump: ROOT/.build-id/xx/rest.debug
 * (the layout of /usr/lib/debug that debuginfo packages install) when mod -S names ROOT, else
 * the debug-file directory and then debuginfod, as for the vmlinux; NULL when the dump has no
 * ID or nothing has the file. */
static char *search_build_id(kd_session *s, const char *module, const char *root)
{
	const struct kmodule *m = module_named(s, module);
	struct sections secs = {0};
	uint8_t id[64];
	size_t n = 0;
	if (m && read_sections(s, m, &secs) == 0)
		n = dump_build_id(s, &secs, id, sizeof(id));
	kd_clear_error(s); /* allowed to miss: no module, no sections, no note */
	VEC_FREE(&secs.v);
	if (n < 2)
		return NULL;
	char hx[129];
	hex(id, n, hx);
	if (!root) {
		char what[96], msg[400];
		const char *how;
		snprintf(what, sizeof(what), "module %s", module);
		return debuginfo_find_by_build_id(hx, what, &how, msg, sizeof(msg));
	}
	char *p = xasprintf("%s/.build-id/%.2s/%s.debug", root, hx, hx + 2);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

static char *search_names(kd_session *s, const char *module, const char *file, const char *tree);

char *kd_module_objfile_search(kd_session *s, const char *module, const char *file, const char *tree)
{
	char *p = search_names(s, module, file, tree);
	if (!p && !file)
		p = search_build_id(s, module, tree);
	return p;
}

static char *search_names(kd_session *s, const char *module, const char *file, const char *tree)
{
	char *p = search_name(s, module, file, tree);
	if (p || !strchr(module, '_'))
		return p;
	char *dashed = xstrdup(module);
	for (char *c = dashed; *c; c++)
		if (*c == '_')
			*c = '-';
	p = search_name(s, dashed, file, tree);
	free(dashed);
	if (p || !strchr(strchr(module, '_') + 1, '_'))
		return p;
	/* Both at once ("dm-region_hash.ko"): a class for each underscore. */
	VEC(char) pat = {0};
	for (const char *c = module; *c; c++) {
		if (*c == '_') {
			for (const char *k = "[_-]"; *k; k++)
				VEC_PUSH(&pat, *k);
		} else if (*c == '*' || *c == '?' || *c == '[' || *c == '\\') {
			VEC_PUSH(&pat, '\\');
			VEC_PUSH(&pat, *c);
		} else
			VEC_PUSH(&pat, *c);
	}
	VEC_PUSH(&pat, '\0');
	p = search_name(s, pat.items, file, tree);
	VEC_FREE(&pat);
	return p;
}
