#include "debuginfo/types.h"

#include <dwarf.h>
#include <string.h>

#include "debuginfo/dwarf_index.h"

static int die_at(kd_session *s, uint64_t off, Dwarf_Die *out)
{
	if (!s->dwarf || !dwarf_offdie(s->dwarf, off, out))
		return kd_fail(s, "DWARF entry %#llx is unreadable: %s", (unsigned long long)off, dwarf_errmsg(-1));
	return 0;
}

static bool find_kind(kd_session *s, enum dwi_kind k, const char *name, Dwarf_Die *out)
{
	uint64_t off;
	return dwi_find(s->dwi, k, name, &off) && die_at(s, off, out) == 0;
}

int type_lookup(kd_session *s, const char *name, Dwarf_Die *out)
{
	if (!s->dwi)
		return kd_fail(s, "no debug information is loaded");
	while (*name == ' ')
		name++;
	static const struct {
		const char *prefix;
		enum dwi_kind kind;
	} tagged[] = {{"struct ", DWI_STRUCT}, {"union ", DWI_UNION}, {"enum ", DWI_ENUM}};
	for (size_t i = 0; i < ARRAY_SIZE(tagged); i++) {
		size_t pl = strlen(tagged[i].prefix);
		if (strncmp(name, tagged[i].prefix, pl) == 0) {
			const char *rest = name + pl;
			while (*rest == ' ')
				rest++;
			if (find_kind(s, tagged[i].kind, rest, out))
				return 0;
			return kd_fail(s, "no type \"%s\" in vmlinux's debug information", name);
		}
	}
	static const enum dwi_kind order[] = {DWI_STRUCT, DWI_UNION, DWI_ENUM, DWI_TYPEDEF, DWI_BASE};
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (find_kind(s, order[i], name, out))
			return 0;
	return kd_fail(s, "no type \"%s\" in vmlinux's debug information", name);
}

Dwarf_Die *type_strip(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Die cur = *die;
	for (int guard = 0; guard < 64; guard++) {
		int tag = dwarf_tag(&cur);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type)
			break;
		Dwarf_Attribute a;
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &a) || !dwarf_formref_die(&a, &cur))
			break; /* typedef of void */
	}
	*mem = cur;
	return mem;
}

int type_size(kd_session *s, Dwarf_Die *type, uint64_t *size)
{
	Dwarf_Die t;
	type_strip(type, &t);
	int tag = dwarf_tag(&t);
	if (tag == DW_TAG_pointer_type) {
		*size = 8;
		return 0;
	}
	if (tag == DW_TAG_array_type) {
		Dwarf_Die elem, child;
		Dwarf_Attribute a;
		uint64_t esize, count = 1;
		if (!dwarf_attr_integrate(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &elem) || type_size(s, &elem, &esize) < 0)
			return kd_fail(s, "array type without element size");
		if (dwarf_child(&t, &child) == 0) {
			do {
				if (dwarf_tag(&child) != DW_TAG_subrange_type)
					continue;
				Dwarf_Word n;
				if (dwarf_attr(&child, DW_AT_count, &a) && dwarf_formudata(&a, &n) == 0)
					count *= n;
				else if (dwarf_attr(&child, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &n) == 0)
					count *= n + 1;
				else
					count = 0; /* flexible array */
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		*size = esize * count;
		return 0;
	}
	Dwarf_Word sz;
	Dwarf_Attribute a;
	if (dwarf_attr_integrate(&t, DW_AT_byte_size, &a) && dwarf_formudata(&a, &sz) == 0) {
		*size = sz;
		return 0;
	}
	const char *n = dwarf_diename(&t);
	return kd_fail(s, "type %s has no size", n ? n : "(anonymous)");
}

int member_location(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a)) {
		*off = 0; /* union members */
		return 0;
	}
	if (dwarf_formudata(&a, &w) == 0) {
		*off = w;
		return 0;
	}
	Dwarf_Op *ops;
	size_t n;
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return 0;
	}
	return -1;
}

/* Finds one name among members, descending into anonymous structs/unions. */
static bool find_member(Dwarf_Die *type, const char *name, size_t len, uint64_t *off, Dwarf_Die *mtype, int depth)
{
	Dwarf_Die t, child;
	type_strip(type, &t);
	if (depth > 8 || dwarf_child(&t, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *n = dwarf_diename(&child);
		uint64_t moff;
		Dwarf_Attribute a;
		Dwarf_Die ct;
		if (member_location(&child, &moff) < 0 || !dwarf_attr_integrate(&child, DW_AT_type, &a) || !dwarf_formref_die(&a, &ct))
			continue;
		if (n && strlen(n) == len && strncmp(n, name, len) == 0) {
			*off = moff;
			*mtype = ct;
			return true;
		}
		if (!n) {
			uint64_t inner;
			if (find_member(&ct, name, len, &inner, mtype, depth + 1)) {
				*off = moff + inner;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int type_member(kd_session *s, Dwarf_Die *type, const char *path, uint64_t *offset, Dwarf_Die *member_type)
{
	Dwarf_Die cur = *type;
	uint64_t total = 0;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, ".");
		uint64_t off;
		Dwarf_Die mt;
		if (!find_member(&cur, p, len, &off, &mt, 0)) {
			const char *tn = dwarf_diename(&cur);
			return kd_fail(s, "%s has no member \"%.*s\"", tn ? tn : "type", (int)len, p);
		}
		total += off;
		cur = mt;
		p += len;
		if (*p == '.')
			p++;
	}
	*offset = total;
	if (member_type)
		*member_type = cur;
	return 0;
}

int var_lookup(kd_session *s, const char *name, Dwarf_Die *out)
{
	if (find_kind(s, DWI_VARIABLE, name, out) || find_kind(s, DWI_FUNCTION, name, out))
		return 0;
	return kd_fail(s, "no symbol \"%s\" in vmlinux's debug information", name);
}

int enum_value(kd_session *s, const char *name, int64_t *value)
{
	Dwarf_Die d;
	Dwarf_Attribute a;
	Dwarf_Sword v;
	Dwarf_Word u;
	if (!find_kind(s, DWI_ENUMERATOR, name, &d) || !dwarf_attr(&d, DW_AT_const_value, &a))
		return kd_fail(s, "no enumerator \"%s\"", name);
	/* Compilers write negative values as sdata; a data1..data8 constant is the value's bits, so
	 * PGTY_slab = 0xf5 must not read as -11. */
	if (dwarf_whatform(&a) == DW_FORM_sdata || dwarf_whatform(&a) == DW_FORM_implicit_const) {
		if (dwarf_formsdata(&a, &v) != 0)
			return kd_fail(s, "enumerator \"%s\" has no value", name);
		*value = v;
	} else {
		if (dwarf_formudata(&a, &u) != 0)
			return kd_fail(s, "enumerator \"%s\" has no value", name);
		*value = (int64_t)u;
	}
	return 0;
}

static const uint64_t MISSING = UINT64_MAX - 1;

static uint64_t cached_member(kd_session *s, const char *type, const char *member, bool *found)
{
	char key[256];
	snprintf(key, sizeof(key), "%s.%s", type, member);
	void *v = strmap_get(&s->member_cache, key);
	if (v) {
		*found = true;
		return (uint64_t)(uintptr_t)v - 1;
	}
	*found = false;
	Dwarf_Die t;
	uint64_t off;
	if (type_lookup(s, type, &t) < 0 || type_member(s, &t, member, &off, NULL) < 0)
		off = MISSING;
	char *k = xstrdup(key);
	VEC_PUSH(&s->member_cache_keys, k);
	strmap_put(&s->member_cache, k, (void *)(uintptr_t)(off + 1));
	return off;
}

int member_off(kd_session *s, const char *type, const char *member, uint64_t *off)
{
	bool cached;
	uint64_t v = cached_member(s, type, member, &cached);
	if (v == MISSING)
		return kd_fail(s, "this kernel has no member %s.%s (invalid structure member offset)", type, member);
	*off = v;
	return 0;
}

uint64_t member_off_opt(kd_session *s, const char *type, const char *member)
{
	bool cached;
	uint64_t v = cached_member(s, type, member, &cached);
	kd_err_clear(&s->err);
	return v == MISSING ? UINT64_MAX : v;
}

int member_off_size(kd_session *s, const char *type, const char *member, uint64_t *off, uint64_t *size)
{
	/* In the member cache under a key no "type.member" has: "sizeof " + type.member holds the
	 * size + 1; the offset is the member's own entry. */
	char key[256];
	snprintf(key, sizeof(key), "sizeof %s.%s", type, member);
	void *v = strmap_get(&s->member_cache, key);
	if (v) {
		bool cached;
		uint64_t o = cached_member(s, type, member, &cached);
		if (o != MISSING) {
			*off = o;
			*size = (uint64_t)(uintptr_t)v - 1;
			return 0;
		}
	}
	Dwarf_Die t, mt;
	if (type_lookup(s, type, &t) < 0 || type_member(s, &t, member, off, &mt) < 0 || type_size(s, &mt, size) < 0)
		return -1;
	char *k = xstrdup(key);
	VEC_PUSH(&s->member_cache_keys, k);
	strmap_put(&s->member_cache, k, (void *)(uintptr_t)(*size + 1));
	return 0;
}

uint64_t type_size_opt(kd_session *s, const char *type)
{
	Dwarf_Die t;
	uint64_t size;
	if (type_lookup(s, type, &t) < 0 || type_size(s, &t, &size) < 0) {
		kd_err_clear(&s->err);
		return UINT64_MAX;
	}
	return size;
}

/*
 * Source file and line of a text address, as crash shows them through gdb,
 * whose line tables differ from the DWARF rows libdw returns: gdb keeps one
 * table per source file, ends a file's entries at an address where another file
 * takes over (dropping its earlier entries there), skips non-statement rows at
 * such switches, drops repeats of a line that had a discriminator, and answers
 * with the last statement entry at the closest address at or below the one asked.
 */
struct gdb_line {
	const char *file;
	uint64_t pc;
	int line; /* 0: end of the file's entries */
	bool stmt;
};

int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line)
{
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n;
	uint64_t link = addr - s->ki.kaslr_offset;
	if (!s->dwarf || !dwarf_addrdie(s->dwarf, link, &cu) || dwarf_getsrclines(&cu, &lines, &n) != 0 || !n)
		return -1;
	/* The rows at or below the address, from the start of their sequence. */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		Dwarf_Addr a = 0;
		dwarf_lineaddr(dwarf_onesrcline(lines, mid), &a);
		if (a <= link)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	size_t end = lo, start = lo - 1;
	bool eos = false;
	dwarf_lineendsequence(dwarf_onesrcline(lines, start), &eos);
	if (eos)
		return -1; /* between sequences */
	while (start > 0) {
		dwarf_lineendsequence(dwarf_onesrcline(lines, start - 1), &eos);
		if (eos)
			break;
		start--;
	}
	VEC(struct gdb_line) tab = {0};
	const char *last_file = NULL;
	int last_line = 0, prev_row_line = -1;
	bool disc_line = false, stmt_at_address = false;
	uint64_t last_address = UINT64_MAX;
	for (size_t i = start; i < end; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a = 0;
		int line = 0;
		unsigned disc = 0;
		bool stmt = false;
		dwarf_lineaddr(l, &a);
		dwarf_lineno(l, &line);
		dwarf_linebeginstatement(l, &stmt);
		dwarf_linediscriminator(l, &disc);
		const char *file = dwarf_linesrc(l, NULL, NULL);
		if (!file)
			file = "";
		disc_line = line != prev_row_line ? disc != 0 : (disc_line || disc != 0);
		prev_row_line = line;
		bool file_changed = !last_file || strcmp(file, last_file) != 0;
		bool ignore = (file_changed && a == last_address && !stmt && stmt_at_address) || line == 0;
		if (file_changed && !ignore && last_file) {
			/* End of the previous file's entries here: its entries at this address go. */
			while (tab.len && tab.items[tab.len - 1].pc == a && strcmp(tab.items[tab.len - 1].file, last_file) == 0)
				tab.len--;
			struct gdb_line mark = {last_file, a, 0, false};
			VEC_PUSH(&tab, mark);
		}
		if (!ignore) {
			if (file_changed || line != last_line || !disc_line) {
				struct gdb_line e = {file, a, line, stmt};
				VEC_PUSH(&tab, e);
			}
			last_file = file;
			last_line = line;
		}
		if (last_address != a) {
			stmt_at_address = false;
			last_address = a;
		}
		stmt_at_address |= stmt;
	}
	/* Per file, the last entry at or below the address (its statement entry if it has one there). */
	const struct gdb_line *best = NULL;
	VEC(const char *) seen = {0};
	for (size_t i = tab.len; i-- > 0;) {
		const struct gdb_line *e = &tab.items[i];
		bool later_same_file = false;
		for (size_t j = 0; j < seen.len && !later_same_file; j++)
			later_same_file = seen.items[j] == e->file || strcmp(seen.items[j], e->file) == 0;
		if (later_same_file)
			continue;
		VEC_PUSH(&seen, e->file);
		if (e->line == 0)
			continue;
		const struct gdb_line *pick = e;
		for (size_t j = i; !pick->stmt && j-- > 0;) {
			const struct gdb_line *p = &tab.items[j];
			if (p->pc != e->pc || p->line == 0)
				break;
			if (strcmp(p->file, e->file) == 0 && p->stmt)
				pick = p;
		}
		if (!best || pick->pc > best->pc)
			best = pick;
	}
	VEC_FREE(&seen);
	int rc = -1;
	if (best) {
		/* Relative names are joined with the CU's compilation directory, as gdb shows them. */
		Dwarf_Attribute at;
		const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
		if (best->file[0] != '/' && dir && *dir)
			snprintf(file, size, "%s/%s", dir, best->file);
		else
			snprintf(file, size, "%s", best->file);
		*line = best->line;
		rc = 0;
	}
	VEC_FREE(&tab);
	return rc;
}

int var_member_off(kd_session *s, const char *var, const char *member, uint64_t *off)
{
	Dwarf_Die v, t;
	Dwarf_Attribute a;
	if (var_lookup(s, var, &v) < 0)
		return -1;
	if (!dwarf_attr_integrate(&v, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return kd_fail(s, "%s has no type", var);
	return type_member(s, &t, member, off, NULL);
}
