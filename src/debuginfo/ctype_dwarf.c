/*
 * The type model's DWARF source: types made from DIEs, found through our index and read
 * lazily with libdw. This file is the only place where a DIE becomes a struct ctype; a
 * second source (BTF) goes beside it, behind the same functions of ctype_source.h.
 */
#include <dwarf.h>
#include <string.h>

#include "debuginfo/ctype_source.h"
#include "debuginfo/dwarf_index.h"
#include "debuginfo/modobj.h"

/*
 * A type's source id: the DIE offset in vmlinux's .debug_info, or, for a module object
 * file's DIE, the unit's id above bit 48 (no .debug_info is 256 TiB).
 */
#define UNIT_SHIFT 48
#define DIE_MASK ((1ULL << UNIT_SHIFT) - 1)

static uint64_t die_key(kd_session *s, Dwarf_Die *die)
{
	uint64_t off = dwarf_dieoffset(die);
	Dwarf *dw = die->cu ? dwarf_cu_getdwarf(die->cu) : NULL;
	struct modobj *o;
	if (!dw || dw == s->dwarf || !(o = modobjs_by_dwarf(s, dw)))
		return off;
	o->ntypes++;
	return (uint64_t)o->id << UNIT_SHIFT | off;
}

/* The Dwarf of a source id and the DIE offset in it. */
static Dwarf *key_dwarf(kd_session *s, uint64_t key, uint64_t *off)
{
	*off = key & DIE_MASK;
	if (!(key >> UNIT_SHIFT))
		return s->dwarf;
	struct modobj *o = modobjs_by_id(s, (uint32_t)(key >> UNIT_SHIFT));
	return o ? o->dwarf : NULL;
}

static const enum dwi_kind ns_kind[] = {
	[CNS_STRUCT] = DWI_STRUCT, [CNS_UNION] = DWI_UNION, [CNS_ENUM] = DWI_ENUM, [CNS_TYPEDEF] = DWI_TYPEDEF,
	[CNS_BASE] = DWI_BASE, [CNS_VARIABLE] = DWI_VARIABLE, [CNS_FUNCTION] = DWI_FUNCTION,
	[CNS_ENUMERATOR] = DWI_ENUMERATOR,
};

/* vmlinux first, then the module object files in the order they were loaded, as gdb searches its objfiles. */
bool dwarf_find_die(kd_session *s, enum ctype_ns ns, const char *name, Dwarf_Die *out)
{
	uint64_t off;
	if (s->dwi && s->dwarf && dwi_find(s->dwi, ns_kind[ns], name, &off) && dwarf_offdie(s->dwarf, off, out))
		return true;
	for (size_t i = 0; s->modobjs && i < s->modobjs->all.len; i++) {
		struct modobj *o = s->modobjs->all.items[i];
		if (o->active && o->dwarf && dwi_find(o->dwi, ns_kind[ns], name, &off) && dwarf_offdie(o->dwarf, off, out))
			return true;
	}
	return false;
}

bool dwarf_has_name(kd_session *s, enum ctype_ns ns, const char *name)
{
	uint64_t off;
	if (s->dwi && dwi_find(s->dwi, ns_kind[ns], name, &off))
		return true;
	for (size_t i = 0; s->modobjs && i < s->modobjs->all.len; i++) {
		struct modobj *o = s->modobjs->all.items[i];
		if (o->active && o->dwi && dwi_find(o->dwi, ns_kind[ns], name, &off))
			return true;
	}
	return false;
}

bool ctype_die(kd_session *s, const struct ctype *t, Dwarf_Die *out)
{
	uint64_t off;
	Dwarf *dw = t && t->src ? key_dwarf(s, t->src, &off) : NULL;
	return dw && dwarf_offdie(dw, off, out);
}

struct ctype *dwarf_type_named(kd_session *s, enum ctype_ns ns, const char *name)
{
	Dwarf_Die d;
	return dwarf_find_die(s, ns, name, &d) ? ctype_from_die(s, &d) : NULL;
}

/* gdb spells base types the way C programmers do. */
static const char *canon_base_name(const char *n)
{
	static const struct {
		const char *dwarf, *gdb;
	} names[] = {
		{"long unsigned int", "unsigned long"},
		{"long int", "long"},
		{"short int", "short"},
		{"short unsigned int", "unsigned short"},
		{"long long int", "long long"},
		{"long long unsigned int", "unsigned long long"},
		{"__int128 unsigned", "unsigned __int128"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(n, names[i].dwarf) == 0)
			return names[i].gdb;
	return n;
}

static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

static struct ctype *type_attr(kd_session *s, Dwarf_Die *die)
{
	Dwarf_Die t;
	if (!die_type(die, &t))
		return ctype_builtin(s, "void");
	return ctype_from_die(s, &t);
}

static bool die_udata(Dwarf_Die *die, unsigned at, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(die, at, &a) || dwarf_formudata(&a, &w) != 0)
		return false;
	*v = w;
	return true;
}

static bool die_flag(Dwarf_Die *die, unsigned at)
{
	Dwarf_Attribute a;
	bool f = false;
	return dwarf_attr_integrate(die, at, &a) && dwarf_formflag(&a, &f) == 0 && f;
}

/*
 * A constant as compilers write it: a negative value as sdata (or an implicit constant), any
 * other in a data1..data8 form that holds the value's bits, so PGTY_slab = 0xf5 is not -11.
 */
static bool die_const(Dwarf_Die *die, int64_t *value)
{
	Dwarf_Attribute a;
	if (!dwarf_attr(die, DW_AT_const_value, &a))
		return false;
	int form = dwarf_whatform(&a);
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
		Dwarf_Sword v;
		if (dwarf_formsdata(&a, &v) != 0)
			return false;
		*value = v;
		return true;
	}
	Dwarf_Word u;
	if (dwarf_formudata(&a, &u) != 0)
		return false;
	*value = (int64_t)u;
	return true;
}

/* A member's byte offset: DW_AT_data_member_location as a constant or DW_OP_plus_uconst; 0 for union members. */
static int member_location(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a)) {
		*off = 0;
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

struct ctype *ctype_from_die(kd_session *s, Dwarf_Die *die)
{
	struct u64map *by_die = ctype_by_src(s);
	uint64_t off = die_key(s, die);
	struct ctype *t = u64map_get(by_die, off);
	if (t)
		return t;
	int tag = dwarf_tag(die);
	uint64_t v;
	switch (tag) {
	case DW_TAG_base_type: {
		uint64_t enc = 0;
		die_udata(die, DW_AT_encoding, &enc);
		t = ctype_new(s, enc == DW_ATE_float ? CT_FLOAT : CT_INT);
		const char *n = dwarf_diename(die);
		t->name = n ? canon_base_name(n) : "?";
		if (die_udata(die, DW_AT_byte_size, &v))
			t->size = v;
		t->has_size = true;
		t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char || enc == DW_ATE_float;
		t->is_char = enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
		t->is_bool = enc == DW_ATE_boolean;
		t->complete = true;
		break;
	}
	case DW_TAG_unspecified_type:
		t = ctype_builtin(s, "void");
		u64map_put(by_die, off, t);
		return t;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		t = ctype_new(s, CT_PTR);
		t->size = 8;
		t->has_size = true;
		t->complete = true;
		break;
	case DW_TAG_typedef:
		t = ctype_new(s, CT_TYPEDEF);
		t->name = dwarf_diename(die);
		t->complete = true;
		break;
	case DW_TAG_const_type: t = ctype_new(s, CT_CONST); t->complete = true; break;
	case DW_TAG_volatile_type: t = ctype_new(s, CT_VOLATILE); t->complete = true; break;
	case DW_TAG_restrict_type: t = ctype_new(s, CT_RESTRICT); t->complete = true; break;
	case DW_TAG_atomic_type: t = ctype_new(s, CT_ATOMIC); t->complete = true; break;
	case DW_TAG_array_type:
		t = ctype_new(s, CT_ARRAY);
		t->complete = true;
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		t = ctype_new(s, tag == DW_TAG_union_type ? CT_UNION : CT_STRUCT);
		t->name = dwarf_diename(die);
		if (die_udata(die, DW_AT_byte_size, &v)) {
			t->size = v;
			t->has_size = true;
		}
		break;
	case DW_TAG_enumeration_type:
		t = ctype_new(s, CT_ENUM);
		t->name = dwarf_diename(die);
		if (die_udata(die, DW_AT_byte_size, &v)) {
			t->size = v;
			t->has_size = true;
		}
		break;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t = ctype_new(s, CT_FUNC);
		t->prototyped = die_flag(die, DW_AT_prototyped);
		break;
	default:
		t = ctype_new(s, CT_VOID);
		t->name = "void";
		t->complete = true;
		break;
	}
	t->src = off;
	u64map_put(by_die, off, t);
	/* Now the parts that may refer back to this type. */
	switch (t->kind) {
	case CT_PTR:
	case CT_TYPEDEF:
	case CT_CONST:
	case CT_VOLATILE:
	case CT_RESTRICT:
	case CT_ATOMIC:
	case CT_FUNC:
		t->target = type_attr(s, die);
		if (t->kind == CT_TYPEDEF && !t->name)
			t->name = "?";
		break;
	case CT_ARRAY: {
		struct ctype *elem = type_attr(s, die);
		uint64_t counts[16];
		bool unbounded[16];
		int n = 0;
		Dwarf_Die child;
		if (dwarf_child(die, &child) == 0) {
			do {
				if (dwarf_tag(&child) != DW_TAG_subrange_type || n == 16)
					continue;
				uint64_t cnt;
				unbounded[n] = false;
				Dwarf_Attribute ua;
				if (die_udata(&child, DW_AT_count, &cnt))
					counts[n] = cnt;
				else if (dwarf_attr(&child, DW_AT_upper_bound, &ua)) {
					int form = dwarf_whatform(&ua);
					Dwarf_Sword sv = 0;
					Dwarf_Word uv = 0;
					if (form == DW_FORM_sdata || form == DW_FORM_implicit_const)
						counts[n] = dwarf_formsdata(&ua, &sv) == 0 && sv >= 0 ? (uint64_t)sv + 1 : 0;
					else if (dwarf_formudata(&ua, &uv) == 0)
						counts[n] = uv == ~0ULL ? 0 : uv + 1;
					else
						counts[n] = 0; /* a variable bound: treat as unknown */
				} else {
					counts[n] = 0;
					unbounded[n] = true;
				}
				n++;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (n == 0) {
			counts[0] = 0;
			unbounded[0] = true;
			n = 1;
		}
		struct ctype *inner = elem;
		for (int i = n - 1; i >= 1; i--) {
			inner = ctype_array_of(s, inner, counts[i]);
			inner->no_bound = unbounded[i];
		}
		t->target = inner;
		t->nelem = counts[0];
		t->no_bound = unbounded[0];
		break;
	}
	case CT_ENUM: {
		Dwarf_Die u;
		if (die_type(die, &u)) {
			struct ctype *ut = ctype_strip(ctype_from_die(s, &u));
			t->is_signed = ut->is_signed;
		}
		break;
	}
	default:
		break;
	}
	return t;
}

static void read_members(kd_session *s, struct ctype *t, Dwarf_Die *die)
{
	VEC(struct cmember) ms = {0};
	Dwarf_Die child;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			struct cmember m = {0};
			m.name = dwarf_diename(&child);
			uint64_t off = 0, bs = 0, v;
			if (member_location(&child, &off) < 0)
				continue;
			m.type = type_attr(s, &child);
			if (die_udata(&child, DW_AT_bit_size, &bs))
				m.bitsize = (uint32_t)bs;
			if (die_udata(&child, DW_AT_data_bit_offset, &v)) {
				m.bitpos = v;
			} else if (m.bitsize && die_udata(&child, DW_AT_bit_offset, &v)) {
				/* DWARF 2/3: bits from the most significant end of a storage unit */
				uint64_t unit = 0;
				if (!die_udata(&child, DW_AT_byte_size, &unit))
					unit = ctype_sizeof(s, m.type);
				m.bitpos = off * 8 + unit * 8 - v - m.bitsize;
			} else {
				m.bitpos = off * 8;
			}
			VEC_PUSH(&ms, m);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->members = ms.items;
	t->nmembers = ms.len;
	ctype_index_members(t);
}

static void read_enumerators(struct ctype *t, Dwarf_Die *die)
{
	VEC(struct cenumerator) es = {0};
	Dwarf_Die child;
	bool flag = true;
	uint64_t mask = 0;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_enumerator)
				continue;
			struct cenumerator e = {dwarf_diename(&child), 0};
			die_const(&child, &e.value);
			if (e.value < 0)
				flag = false;
			else if (e.value && ((uint64_t)e.value & ((uint64_t)e.value - 1)))
				flag = false;
			else if ((uint64_t)e.value & mask)
				flag = false;
			else
				mask |= (uint64_t)e.value;
			if (e.name)
				VEC_PUSH(&es, e);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->enums = es.items;
	t->nenums = es.len;
	t->flag_enum = flag;
}

static void read_params(kd_session *s, struct ctype *t, Dwarf_Die *die)
{
	VEC(struct ctype *) ps = {0};
	Dwarf_Die child;
	if (dwarf_child(die, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);
			if (tag == DW_TAG_formal_parameter)
				VEC_PUSH(&ps, type_attr(s, &child));
			else if (tag == DW_TAG_unspecified_parameters)
				t->varargs = true;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->params = ps.items;
	t->nparams = ps.len;
}

void dwarf_type_complete(kd_session *s, struct ctype *t)
{
	Dwarf_Die die;
	t->complete = true;
	if (!ctype_die(s, t, &die))
		return;
	if ((t->kind == CT_STRUCT || t->kind == CT_UNION || t->kind == CT_ENUM) && die_flag(&die, DW_AT_declaration)) {
		/* A declaration: find the definition by name and share its contents. */
		enum ctype_ns ns = t->kind == CT_STRUCT ? CNS_STRUCT : t->kind == CT_UNION ? CNS_UNION : CNS_ENUM;
		struct ctype *full = t->name ? dwarf_type_named(s, ns, t->name) : NULL;
		if (full && full != t && full->kind == t->kind && ctype_complete(s, full) == 0) {
			t->size = full->size;
			t->has_size = full->has_size;
			t->members = full->members;
			t->nmembers = full->nmembers;
			t->enums = full->enums;
			t->nenums = full->nenums;
			t->flag_enum = full->flag_enum;
			t->is_signed = full->is_signed;
			t->borrowed = true;
			if (full->member_index)
				ctype_index_members(t);
		}
		return;
	}
	switch (t->kind) {
	case CT_STRUCT:
	case CT_UNION: read_members(s, t, &die); break;
	case CT_ENUM: read_enumerators(t, &die); break;
	case CT_FUNC: read_params(s, t, &die); break;
	default: break;
	}
}

/* DWARF variable or function address, as the DWARF gives it (link time). */
static bool die_address(Dwarf_Die *d, uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Addr lo;
	if (dwarf_tag(d) == DW_TAG_subprogram) {
		if (dwarf_lowpc(d, &lo) == 0) {
			*addr = lo;
			return true;
		}
	} else if (dwarf_attr(d, DW_AT_location, &a)) {
		Dwarf_Op *ops;
		size_t n;
		if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_addr) {
			*addr = ops[0].number;
			return true;
		}
	}
	return false;
}

bool dwarf_var(kd_session *s, const char *name, struct ctype **type, uint64_t *addr, bool *has_addr)
{
	Dwarf_Die d;
	if (!dwarf_find_die(s, CNS_VARIABLE, name, &d) && !dwarf_find_die(s, CNS_FUNCTION, name, &d))
		return false;
	*type = dwarf_tag(&d) == DW_TAG_subprogram ? ctype_from_die(s, &d) : type_attr(s, &d);
	*has_addr = die_address(&d, addr);
	/* vmlinux's DWARF has link-time addresses; a module's was relocated to the dump's when loaded. */
	if (*has_addr && (!d.cu || dwarf_cu_getdwarf(d.cu) == s->dwarf))
		*addr += s->ki.kaslr_offset;
	return true;
}

/* The enum type an enumerator DIE belongs to: the unit-level enumeration_type DIE that contains it. */
static struct ctype *enumerator_type(kd_session *s, Dwarf_Die *en)
{
	Dwarf_Die cu, child;
	uint8_t asz, osz;
	if (!dwarf_diecu(en, &cu, &asz, &osz) || dwarf_child(&cu, &child) != 0)
		return NULL;
	uint64_t target = dwarf_dieoffset(en);
	Dwarf_Die prev;
	bool have = false;
	do {
		if (dwarf_dieoffset(&child) > target)
			break;
		prev = child;
		have = true;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (!have || dwarf_tag(&prev) != DW_TAG_enumeration_type)
		return NULL;
	return ctype_from_die(s, &prev);
}

bool dwarf_enumerator(kd_session *s, const char *name, int64_t *value, struct ctype **type)
{
	Dwarf_Die d;
	if (!dwarf_find_die(s, CNS_ENUMERATOR, name, &d) || !die_const(&d, value))
		return false;
	if (type)
		*type = enumerator_type(s, &d);
	return true;
}
