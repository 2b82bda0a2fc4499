#include "types.h"

#include <dwarf.h>
#include <string.h>

#include "dwarf_index.h"

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

static int member_location(Dwarf_Die *m, uint64_t *off)
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

int addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line)
{
	Dwarf_Die cu;
	uint64_t link = addr - s->ki.kaslr_offset;
	if (!s->dwarf || !dwarf_addrdie(s->dwarf, link, &cu))
		return -1;
	Dwarf_Line *l = dwarf_getsrc_die(&cu, link);
	const char *name = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
	if (!name || dwarf_lineno(l, line) != 0)
		return -1;
	Dwarf_Attribute a;
	const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &a));
	if (name[0] != '/' && dir && *dir)
		snprintf(file, size, "%s/%s", dir, name);
	else
		snprintf(file, size, "%s", name);
	return 0;
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
