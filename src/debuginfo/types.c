/*
 * The public face of the type model (include/kdive/types.h): types, members and enumerators
 * by name, and typed reads; DWARF line tables.
 */
#include "debuginfo/types.h"

#include <elfutils/libdw.h>

#include <dwarf.h>
#include <string.h>

#include "debuginfo/ctype_source.h"
#include "debuginfo/modobj.h"

/* The public handle is the model's type. */
static struct ctype *CT(const kd_type *t)
{
	return (struct ctype *)t;
}

static const kd_type *KT(const struct ctype *t)
{
	return (const kd_type *)t;
}

const kd_type *kd_type_lookup(kd_session *s, const char *name)
{
	return KT(ctype_lookup(s, name));
}

const kd_type *kd_type_find(kd_session *s, const char *name)
{
	return KT(ctype_find(s, name));
}

const kd_type *kd_var_type(kd_session *s, const char *var)
{
	struct ctype *t;
	if (ctype_var(s, var, &t, NULL) <= 0) {
		kd_err_set(&s->err, KD_ENOTFOUND, "no symbol \"%s\" in vmlinux's debug information", var);
		return NULL;
	}
	return KT(t);
}

uint64_t kd_type_sizeof(kd_session *s, const kd_type *t)
{
	return ctype_sizeof(s, CT(t));
}

const char *kd_type_name(const kd_type *t)
{
	const struct ctype *c = CT(t);
	switch (c->kind) {
	case CT_PTR:
	case CT_ARRAY:
	case CT_FUNC:
	case CT_CONST:
	case CT_VOLATILE:
	case CT_RESTRICT:
	case CT_ATOMIC: return NULL;
	default: return c->name;
	}
}

static void fill_info(const struct cpath *p, struct kd_member_info *info)
{
	if (!info)
		return;
	info->offset = p->bitpos / 8;
	info->size = p->size;
	info->bitpos = p->bitpos;
	info->bitsize = p->bitsize;
	info->type = KT(p->type);
}

int kd_type_member(kd_session *s, const kd_type *t, const char *member, struct kd_member_info *info)
{
	const struct cpath *p = ctype_path(s, CT(t), member);
	if (!p) {
		struct ctype *st = ctype_strip(CT(t));
		return kd_err_set(&s->err, KD_ENOTFOUND, "%s has no member \"%s\"", st && st->name ? st->name : "type", member);
	}
	fill_info(p, info);
	return 0;
}

int kd_member_info(kd_session *s, const char *type, const char *member, struct kd_member_info *info)
{
	const struct cpath *p = ctype_member_get(s, type, member);
	if (!p)
		return -1;
	fill_info(p, info);
	return 0;
}

bool kd_member_find(kd_session *s, const char *type, const char *member, struct kd_member_info *info)
{
	const struct cpath *p = ctype_member_find(s, type, member);
	if (p)
		fill_info(p, info);
	return p != NULL;
}

int kd_member_offset(kd_session *s, const char *type, const char *member, uint64_t *offset)
{
	struct kd_member_info i;
	if (kd_member_info(s, type, member, &i) < 0)
		return -1;
	*offset = i.offset;
	return 0;
}

bool kd_member_exists(kd_session *s, const char *type, const char *member)
{
	return kd_member_find(s, type, member, NULL);
}

int kd_type_size(kd_session *s, const char *type, uint64_t *size)
{
	struct ctype *t = ctype_lookup(s, type);
	if (!t)
		return -1;
	*size = ctype_sizeof(s, t);
	return 0;
}

bool kd_type_exists(kd_session *s, const char *type)
{
	return ctype_find(s, type) != NULL;
}

int kd_enum_value(kd_session *s, const char *name, int64_t *value)
{
	if (!ctype_enumerator(s, name, value, NULL))
		return kd_err_set(&s->err, KD_ENOTFOUND, "no enumerator \"%s\"", name);
	return 0;
}

bool kd_enum_find(kd_session *s, const char *name, int64_t *value)
{
	return ctype_enumerator(s, name, value, NULL);
}

bool kd_enum_at(kd_session *s, const kd_type *t, size_t i, const char **name, int64_t *value)
{
	struct ctype *e = ctype_resolve(s, CT(t));
	if (!e || e->kind != CT_ENUM || i >= e->nenums)
		return false;
	*name = e->enums[i].name;
	*value = e->enums[i].value;
	return true;
}

/* ---- typed reads (the model's ctype_read_struct) ---- */

int kd_read_struct(kd_session *s, uint64_t addr, const char *type, const struct kd_field *fields, size_t n, void *out,
		   uint64_t *missing)
{
	return ctype_read_struct(s, addr, type, fields, n, out, missing);
}

int kd_struct_check(kd_session *s, const char *type, const struct kd_field *fields, size_t n, uint64_t *missing)
{
	return ctype_read_struct(s, 0, type, fields, n, NULL, missing);
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

static int line_lookup(kd_session *s, uint64_t addr, char *file, size_t size, char *comp_dir, size_t dir_size, int *line,
		       uint64_t *pc);

static int addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line, bool joined, uint64_t *pc)
{
	char name[1024], dir[1024];
	if (line_lookup(s, addr, name, sizeof(name), dir, sizeof(dir), line, pc) < 0)
		return -1;
	/* Relative names are joined with the CU's compilation directory, as gdb shows them. */
	if (joined && name[0] != '/' && dir[0])
		snprintf(file, size, "%s/%s", dir, name);
	else
		snprintf(file, size, "%s", name);
	return 0;
}

int kd_addr_to_line_parts(kd_session *s, uint64_t addr, char *file, size_t size, char *comp_dir, size_t dir_size, int *line)
{
	return line_lookup(s, addr, file, size, comp_dir, dir_size, line, NULL);
}

static int line_lookup(kd_session *s, uint64_t addr, char *file, size_t size, char *comp_dir, size_t dir_size, int *line,
		       uint64_t *pc)
{
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n;
	/* A module's text, once its object file is loaded, is in that unit, relocated to the dump's addresses. */
	struct modobj *o = modobjs_at(s, addr);
	Dwarf *dw = o ? o->dwarf : s->dwarf;
	uint64_t link = o ? addr : addr - s->ki.kaslr_offset;
	if (!dw || !dwarf_addrdie(dw, link, &cu) || dwarf_getsrclines(&cu, &lines, &n) != 0 || !n)
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
		Dwarf_Attribute at;
		const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
		snprintf(comp_dir, dir_size, "%s", dir ? dir : "");
		snprintf(file, size, "%s", best->file);
		*line = best->line;
		if (pc)
			*pc = best->pc + (o ? 0 : s->ki.kaslr_offset);
		rc = 0;
	}
	VEC_FREE(&tab);
	return rc;
}

int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line)
{
	return addr_to_line(s, addr, file, size, line, true, NULL);
}

int kd_addr_line_entry(kd_session *s, uint64_t addr, char *file, size_t size, int *line, uint64_t *start)
{
	return addr_to_line(s, addr, file, size, line, false, start);
}

