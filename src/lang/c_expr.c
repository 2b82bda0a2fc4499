/* C types from DWARF, typed values and the C expression evaluator (see cexpr.h). */
#include "lang/c_expr.h"

#include <ctype.h>
#include <dwarf.h>
#include <limits.h>
#include <string.h>

#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"
#include "debuginfo/types.h"

/* The session's type cache (kd_session.types). */
struct type_cache {
	struct u64map by_die;     /* DIE offset -> struct ctype * */
	VEC(struct ctype *) all;  /* every type allocated, for freeing */
	struct strmap builtins;   /* gdb name -> struct ctype * */
	cexpr_reader reader;
	void *reader_arg;
	int history;              /* last $N handed out */
	int noeval;               /* > 0: evaluating a branch that is not taken, read nothing */
	bool percpu_known;
	uint64_t percpu_start, percpu_end;
	void *print_state;
	void (*print_state_free)(void *);
};

static struct type_cache *cache(kd_session *s)
{
	if (!s->types) {
		struct type_cache *c = xcalloc(1, sizeof(*c));
		u64map_init(&c->by_die);
		strmap_init(&c->builtins);
		s->types = c;
	}
	return s->types;
}

void cexpr_free(kd_session *s)
{
	struct type_cache *c = s->types;
	if (!c)
		return;
	for (size_t i = 0; i < c->all.len; i++) {
		struct ctype *t = c->all.items[i];
		if (t->member_index) {
			strmap_free(t->member_index);
			free(t->member_index);
		}
		if (!t->borrowed) {
			free(t->members);
			free(t->enums);
			free(t->params);
		}
		free(t);
	}
	VEC_FREE(&c->all);
	if (c->print_state_free)
		c->print_state_free(c->print_state);
	u64map_free(&c->by_die);
	strmap_free(&c->builtins);
	free(c);
	s->types = NULL;
}

static struct ctype *new_type(kd_session *s, enum ctype_kind kind)
{
	struct ctype *t = xcalloc(1, sizeof(*t));
	t->kind = kind;
	VEC_PUSH(&cache(s)->all, t);
	return t;
}

void cexpr_set_reader(kd_session *s, cexpr_reader fn, void *arg)
{
	cache(s)->reader = fn;
	cache(s)->reader_arg = arg;
}

int kd_cexpr_read(kd_session *s, uint64_t addr, void *buf, size_t len)
{
	struct type_cache *c = cache(s);
	if (c->noeval) {
		memset(buf, 0, len);
		return 0;
	}
	if (c->reader) {
		if (c->reader(c->reader_arg, addr, buf, len) < 0)
			return kd_fail(s, "Cannot access memory at address 0x%llx", (unsigned long long)addr);
		return 0;
	}
	if (!s->dump)
		return kd_fail(s, "no dump is open");
	if (kd_read_kv(s, addr, buf, len) < 0)
		return kd_fail(s, "Cannot access memory at address 0x%llx", (unsigned long long)addr);
	return 0;
}

void *cexpr_print_state(kd_session *s)
{
	return cache(s)->print_state;
}

void cexpr_set_print_state(kd_session *s, void *state, void (*free_fn)(void *))
{
	struct type_cache *c = cache(s);
	if (c->print_state_free)
		c->print_state_free(c->print_state);
	c->print_state = state;
	c->print_state_free = free_fn;
}

int kd_cexpr_next_history(kd_session *s)
{
	return ++cache(s)->history;
}

/* ---- types ---- */

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

struct ctype *ctype_builtin(kd_session *s, const char *name)
{
	static const struct {
		const char *name;
		enum ctype_kind kind;
		uint8_t size;
		bool is_signed, is_char, is_bool;
	} builtins[] = {
		{"void", CT_VOID, 1, false, false, false},
		{"char", CT_INT, 1, true, true, false},
		{"signed char", CT_INT, 1, true, true, false},
		{"unsigned char", CT_INT, 1, false, true, false},
		{"short", CT_INT, 2, true, false, false},
		{"unsigned short", CT_INT, 2, false, false, false},
		{"int", CT_INT, 4, true, false, false},
		{"unsigned int", CT_INT, 4, false, false, false},
		{"long", CT_INT, 8, true, false, false},
		{"unsigned long", CT_INT, 8, false, false, false},
		{"long long", CT_INT, 8, true, false, false},
		{"unsigned long long", CT_INT, 8, false, false, false},
		{"_Bool", CT_INT, 1, false, false, true},
		{"__int128", CT_INT, 16, true, false, false},
		{"unsigned __int128", CT_INT, 16, false, false, false},
		{"double", CT_FLOAT, 8, true, false, false},
		{"float", CT_FLOAT, 4, true, false, false},
	};
	struct type_cache *c = cache(s);
	struct ctype *t = strmap_get(&c->builtins, name);
	if (t)
		return t;
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
		if (strcmp(builtins[i].name, name) != 0)
			continue;
		t = new_type(s, builtins[i].kind);
		t->name = builtins[i].name;
		t->size = builtins[i].size;
		t->has_size = builtins[i].kind != CT_VOID;
		t->is_signed = builtins[i].is_signed;
		t->is_char = builtins[i].is_char;
		t->is_bool = builtins[i].is_bool;
		t->complete = true;
		strmap_put(&c->builtins, builtins[i].name, t);
		return t;
	}
	return NULL;
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

struct ctype *ctype_from_die(kd_session *s, Dwarf_Die *die)
{
	struct type_cache *c = cache(s);
	uint64_t off = dwarf_dieoffset(die);
	struct ctype *t = u64map_get(&c->by_die, off);
	if (t)
		return t;
	int tag = dwarf_tag(die);
	uint64_t v;
	switch (tag) {
	case DW_TAG_base_type: {
		uint64_t enc = 0;
		die_udata(die, DW_AT_encoding, &enc);
		t = new_type(s, enc == DW_ATE_float ? CT_FLOAT : CT_INT);
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
		u64map_put(&c->by_die, off, t);
		return t;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		t = new_type(s, CT_PTR);
		t->size = 8;
		t->has_size = true;
		t->complete = true;
		break;
	case DW_TAG_typedef:
		t = new_type(s, CT_TYPEDEF);
		t->name = dwarf_diename(die);
		t->complete = true;
		break;
	case DW_TAG_const_type: t = new_type(s, CT_CONST); t->complete = true; break;
	case DW_TAG_volatile_type: t = new_type(s, CT_VOLATILE); t->complete = true; break;
	case DW_TAG_restrict_type: t = new_type(s, CT_RESTRICT); t->complete = true; break;
	case DW_TAG_atomic_type: t = new_type(s, CT_ATOMIC); t->complete = true; break;
	case DW_TAG_array_type:
		t = new_type(s, CT_ARRAY);
		t->complete = true;
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		t = new_type(s, tag == DW_TAG_union_type ? CT_UNION : CT_STRUCT);
		t->name = dwarf_diename(die);
		if (die_udata(die, DW_AT_byte_size, &v)) {
			t->size = v;
			t->has_size = true;
		}
		break;
	case DW_TAG_enumeration_type:
		t = new_type(s, CT_ENUM);
		t->name = dwarf_diename(die);
		if (die_udata(die, DW_AT_byte_size, &v)) {
			t->size = v;
			t->has_size = true;
		}
		break;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t = new_type(s, CT_FUNC);
		t->prototyped = die_flag(die, DW_AT_prototyped);
		break;
	default:
		t = new_type(s, CT_VOID);
		t->name = "void";
		t->complete = true;
		break;
	}
	t->die = off;
	u64map_put(&c->by_die, off, t);
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
			struct ctype *a = new_type(s, CT_ARRAY);
			a->complete = true;
			a->target = inner;
			a->nelem = counts[i];
			a->no_bound = unbounded[i];
			inner = a;
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

struct ctype *ctype_strip(struct ctype *t)
{
	for (int guard = 0; t && guard < 64; guard++) {
		if (t->kind != CT_TYPEDEF && t->kind != CT_CONST && t->kind != CT_VOLATILE && t->kind != CT_RESTRICT &&
		    t->kind != CT_ATOMIC)
			break;
		t = t->target;
	}
	return t;
}

static uint64_t ctype_sizeof_raw(kd_session *s, struct ctype *t);

static int read_members(kd_session *s, struct ctype *t, Dwarf_Die *die)
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
					unit = ctype_sizeof_raw(s, m.type);
				m.bitpos = off * 8 + unit * 8 - v - m.bitsize;
			} else {
				m.bitpos = off * 8;
			}
			VEC_PUSH(&ms, m);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	t->members = ms.items;
	t->nmembers = ms.len;
	t->member_index = xcalloc(1, sizeof(*t->member_index));
	strmap_init(t->member_index);
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].name)
			strmap_put(t->member_index, t->members[i].name, (void *)(uintptr_t)(i + 1));
	return 0;
}

static void read_enumerators(kd_session *s, struct ctype *t, Dwarf_Die *die)
{
	(void)s;
	VEC(struct cenumerator) es = {0};
	Dwarf_Die child;
	bool flag = true;
	uint64_t mask = 0;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_enumerator)
				continue;
			struct cenumerator e = {dwarf_diename(&child), 0};
			Dwarf_Attribute a;
			if (dwarf_attr(&child, DW_AT_const_value, &a)) {
				Dwarf_Sword sv;
				Dwarf_Word uv;
				int form = dwarf_whatform(&a);
				if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
					if (dwarf_formsdata(&a, &sv) == 0)
						e.value = sv;
				} else if (t->is_signed && dwarf_formsdata(&a, &sv) == 0) {
					e.value = sv;
				} else if (dwarf_formudata(&a, &uv) == 0) {
					e.value = (int64_t)uv;
				}
			}
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

int ctype_complete(kd_session *s, struct ctype *t)
{
	if (!t || t->complete)
		return 0;
	Dwarf_Die die;
	if (!s->dwarf || !t->die || !dwarf_offdie(s->dwarf, t->die, &die)) {
		t->complete = true;
		return 0;
	}
	if ((t->kind == CT_STRUCT || t->kind == CT_UNION || t->kind == CT_ENUM) && die_flag(&die, DW_AT_declaration)) {
		/* A declaration: find the definition by name and share its contents. */
		t->complete = true;
		uint64_t def;
		enum dwi_kind k = t->kind == CT_STRUCT ? DWI_STRUCT : t->kind == CT_UNION ? DWI_UNION : DWI_ENUM;
		if (t->name && s->dwi && dwi_find(s->dwi, k, t->name, &def) && def != t->die) {
			Dwarf_Die d;
			if (dwarf_offdie(s->dwarf, def, &d)) {
				struct ctype *full = ctype_from_die(s, &d);
				if (full->kind == t->kind && ctype_complete(s, full) == 0) {
					t->size = full->size;
					t->has_size = full->has_size;
					t->members = full->members;
					t->nmembers = full->nmembers;
					t->enums = full->enums;
					t->nenums = full->nenums;
					t->flag_enum = full->flag_enum;
					t->is_signed = full->is_signed;
					t->borrowed = true;
					if (full->member_index) {
						t->member_index = xcalloc(1, sizeof(*t->member_index));
						strmap_init(t->member_index);
						for (size_t i = 0; i < t->nmembers; i++)
							if (t->members[i].name)
								strmap_put(t->member_index, t->members[i].name, (void *)(uintptr_t)(i + 1));
					}
				}
			}
		}
		return 0;
	}
	t->complete = true;
	switch (t->kind) {
	case CT_STRUCT:
	case CT_UNION: read_members(s, t, &die); break;
	case CT_ENUM: read_enumerators(s, t, &die); break;
	case CT_FUNC: read_params(s, t, &die); break;
	default: break;
	}
	return 0;
}

struct ctype *ctype_resolve(kd_session *s, struct ctype *t)
{
	t = ctype_strip(t);
	if (t && !t->complete)
		ctype_complete(s, t);
	return t;
}

static uint64_t ctype_sizeof_raw(kd_session *s, struct ctype *t)
{
	t = ctype_resolve(s, t);
	if (!t)
		return 0;
	switch (t->kind) {
	case CT_ARRAY: return t->nelem * ctype_sizeof_raw(s, t->target);
	case CT_VOID:
	case CT_FUNC: return 1;
	default: return t->size;
	}
}

struct ctype *ctype_pointer_to(kd_session *s, struct ctype *t)
{
	if (t->pointer)
		return t->pointer;
	struct ctype *p = new_type(s, CT_PTR);
	p->size = 8;
	p->has_size = true;
	p->complete = true;
	p->target = t;
	t->pointer = p;
	return p;
}

bool ctype_is_integer(struct ctype *t)
{
	t = ctype_strip(t);
	return t && (t->kind == CT_INT || t->kind == CT_ENUM);
}

bool ctype_is_scalar(struct ctype *t)
{
	t = ctype_strip(t);
	return t && (t->kind == CT_INT || t->kind == CT_ENUM || t->kind == CT_PTR || t->kind == CT_FLOAT);
}

const struct cmember *ctype_member(kd_session *s, struct ctype *t, const char *name, uint64_t *bitpos)
{
	t = ctype_resolve(s, t);
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION))
		return NULL;
	if (t->member_index) {
		uintptr_t i = (uintptr_t)strmap_get(t->member_index, name);
		if (i) {
			*bitpos = t->members[i - 1].bitpos;
			return &t->members[i - 1];
		}
	}
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		if (m->name)
			continue;
		uint64_t inner;
		const struct cmember *r = ctype_member(s, m->type, name, &inner);
		if (r) {
			*bitpos = m->bitpos + inner;
			return r;
		}
	}
	return NULL;
}

static const char *type_tag_name(struct ctype *t)
{
	struct ctype *st = ctype_strip(t);
	return st && st->name ? st->name : "type";
}

int ctype_member_path(kd_session *s, struct ctype *t, const char *path, uint64_t *bitpos, uint32_t *bitsize,
		      struct ctype **mtype)
{
	uint64_t total = 0;
	uint32_t bsize = 0;
	struct ctype *cur = t;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, ".[");
		char name[256];
		if (len == 0 || len >= sizeof(name))
			return kd_fail(s, "invalid member name in \"%s\"", path);
		memcpy(name, p, len);
		name[len] = '\0';
		uint64_t bp;
		const struct cmember *m = ctype_member(s, cur, name, &bp);
		if (!m)
			return kd_fail(s, "%s has no member \"%s\"", type_tag_name(cur), name);
		total += bp;
		bsize = m->bitsize;
		cur = m->type;
		p += len;
		while (*p == '[') {
			char *end;
			unsigned long long idx = strtoull(p + 1, &end, 0);
			struct ctype *at = ctype_resolve(s, cur);
			if (*end != ']' || !at || at->kind != CT_ARRAY)
				return kd_fail(s, "invalid array index in \"%s\"", path);
			total += idx * ctype_sizeof_raw(s, at->target) * 8;
			cur = at->target;
			bsize = 0;
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p)
			return kd_fail(s, "invalid member reference \"%s\"", path);
	}
	*bitpos = total;
	if (bitsize)
		*bitsize = bsize;
	if (mtype)
		*mtype = cur;
	return 0;
}

/* Base type words in any order: "unsigned long", "long unsigned int", "short", "unsigned". */
static struct ctype *base_from_words(kd_session *s, const char *text, size_t len)
{
	int nlong = 0, nshort = 0, nsigned = 0, nunsigned = 0, nint = 0, nchar = 0, nbool = 0, nvoid = 0, ni128 = 0,
	    nother = 0, ndouble = 0, nfloat = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		const char *w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - w);
		if (!n)
			break;
#define IS(word) (n == strlen(word) && strncmp(w, word, n) == 0)
		if (IS("long")) nlong++;
		else if (IS("short")) nshort++;
		else if (IS("signed") || IS("__signed__")) nsigned++;
		else if (IS("unsigned")) nunsigned++;
		else if (IS("int")) nint++;
		else if (IS("char")) nchar++;
		else if (IS("_Bool")) nbool++;
		else if (IS("void")) nvoid++;
		else if (IS("__int128")) ni128++;
		else if (IS("double")) ndouble++;
		else if (IS("float")) nfloat++;
		else nother++;
#undef IS
	}
	if (nother || (nsigned && nunsigned))
		return NULL;
	const char *name = NULL;
	if (nvoid && !(nlong | nshort | nsigned | nunsigned | nint | nchar | nbool))
		name = "void";
	else if (nbool)
		name = "_Bool";
	else if (nchar)
		name = nunsigned ? "unsigned char" : nsigned ? "signed char" : "char";
	else if (nshort)
		name = nunsigned ? "unsigned short" : "short";
	else if (ni128)
		name = nunsigned ? "unsigned __int128" : "__int128";
	else if (nlong >= 2)
		name = nunsigned ? "unsigned long long" : "long long";
	else if (nlong == 1 && ndouble)
		name = "double";
	else if (nlong == 1)
		name = nunsigned ? "unsigned long" : "long";
	else if (ndouble)
		name = "double";
	else if (nfloat)
		name = "float";
	else if (nint || nunsigned || nsigned)
		name = nunsigned ? "unsigned int" : "int";
	if (!name)
		return NULL;
	/* Prefer the DWARF's own base type (same spelling once canonicalised) */
	static const struct {
		const char *gdb, *dwarf;
	} dw[] = {
		{"unsigned long", "long unsigned int"}, {"long", "long int"}, {"short", "short int"},
		{"unsigned short", "short unsigned int"}, {"long long", "long long int"},
		{"unsigned long long", "long long unsigned int"},
	};
	const char *dname = name;
	for (size_t i = 0; i < ARRAY_SIZE(dw); i++)
		if (strcmp(dw[i].gdb, name) == 0)
			dname = dw[i].dwarf;
	uint64_t off;
	Dwarf_Die d;
	if (s->dwi && s->dwarf && dwi_find(s->dwi, DWI_BASE, dname, &off) && dwarf_offdie(s->dwarf, off, &d))
		return ctype_from_die(s, &d);
	return ctype_builtin(s, name);
}

static struct ctype *qualified(kd_session *s, struct ctype *t, enum ctype_kind q)
{
	struct ctype *c = new_type(s, q);
	c->target = t;
	c->complete = true;
	return c;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

struct ctype *ctype_lookup(kd_session *s, const char *spelling)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", spelling);
	char *p = buf;
	while (isspace((unsigned char)*p))
		p++;
	str_rstrip(p);
	/* Trailing declarator: '*' and "const" after the base. */
	size_t len = strlen(p);
	int nptr = 0;
	bool cptr[16] = {0};
	for (;;) {
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len && p[len - 1] == '*') {
			if (nptr < 16)
				nptr++;
			len--;
			continue;
		}
		if (nptr && len >= 5 && strncmp(p + len - 5, "const", 5) == 0 && (len == 5 || !is_ident_char(p[len - 6]))) {
			cptr[nptr - 1] = true;
			len -= 5;
			continue;
		}
		break;
	}
	p[len] = '\0';
	bool is_const = false, is_volatile = false;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "const", 5) == 0 && !is_ident_char(p[5])) {
			is_const = true;
			p += 5;
		} else if (strncmp(p, "volatile", 8) == 0 && !is_ident_char(p[8])) {
			is_volatile = true;
			p += 8;
		} else
			break;
	}
	/* "const" may also follow the base: "char const *" */
	len = strlen(p);
	while (len >= 6 && strcmp(p + len - 6, " const") == 0) {
		is_const = true;
		len -= 6;
		p[len] = '\0';
		str_rstrip(p);
		len = strlen(p);
	}
	if (!*p) {
		kd_fail(s, "no type name in \"%s\"", spelling);
		return NULL;
	}
	struct ctype *t = NULL;
	if (strncmp(p, "struct ", 7) == 0 || strncmp(p, "union ", 6) == 0 || strncmp(p, "enum ", 5) == 0 ||
	    strchr(p, ' ') == NULL) {
		t = base_from_words(s, p, strlen(p));
		if (!t) {
			Dwarf_Die d;
			if (type_lookup(s, p, &d) < 0)
				return NULL;
			t = ctype_from_die(s, &d);
		}
	} else {
		t = base_from_words(s, p, strlen(p));
		if (!t) {
			kd_fail(s, "no type \"%s\" in vmlinux's debug information", p);
			return NULL;
		}
	}
	if (is_volatile)
		t = qualified(s, t, CT_VOLATILE);
	if (is_const)
		t = qualified(s, t, CT_CONST);
	for (int i = 0; i < nptr; i++) {
		t = ctype_pointer_to(s, t);
		if (cptr[i])
			t = qualified(s, t, CT_CONST);
	}
	return t;
}

/* ---- per-CPU symbols ---- */

bool kd_cexpr_is_percpu(kd_session *s, const char *name, uint64_t *offset)
{
	struct type_cache *c = cache(s);
	if (!s->symtab)
		return false;
	if (!c->percpu_known) {
		c->percpu_known = true;
		const struct ksym *a = symtab_lookup(s->symtab, "__per_cpu_start");
		const struct ksym *b = symtab_lookup(s->symtab, "__per_cpu_end");
		if (a && b && b->addr > a->addr && b->addr < KERNEL_MAP_START) {
			c->percpu_start = a->addr;
			c->percpu_end = b->addr;
		}
	}
	if (c->percpu_end == 0)
		return false;
	const struct ksym *k = symtab_lookup(s->symtab, name);
	if (!k || k->addr < c->percpu_start || k->addr >= c->percpu_end)
		return false;
	if (offset)
		*offset = k->addr;
	return true;
}

/* ---- values ---- */

void cvalue_at(struct cvalue *v, struct ctype *t, uint64_t addr)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->where = CV_LVALUE;
	v->addr = addr;
}

static void cvalue_int(struct cvalue *v, struct ctype *t, uint64_t x)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->where = CV_RVALUE;
	memcpy(v->bytes, &x, 8);
}

static uint64_t sign_extend(uint64_t v, unsigned bits, bool is_signed)
{
	if (bits >= 64)
		return v;
	v &= (1ULL << bits) - 1;
	if (is_signed && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return v;
}

int cvalue_to_u64(kd_session *s, const struct cvalue *v, uint64_t *out)
{
	struct ctype *t = ctype_resolve(s, v->type);
	if (!t)
		return kd_fail(s, "value has no type");
	uint64_t size = t->kind == CT_PTR ? 8 : t->size;
	if (t->kind == CT_ARRAY || t->kind == CT_FUNC) {
		if (v->where != CV_LVALUE)
			return kd_fail(s, "Attempt to take address of value not located in memory.");
		*out = v->addr;
		return 0;
	}
	if (t->kind != CT_INT && t->kind != CT_ENUM && t->kind != CT_PTR)
		return kd_fail(s, "Value can't be converted to integer.");
	if (v->bitsize) {
		uint64_t nbytes = (v->bitpos + v->bitsize + 7) / 8;
		uint8_t buf[16] = {0};
		if (nbytes > 9)
			return kd_fail(s, "bitfield too wide");
		if (v->where == CV_LVALUE) {
			if (kd_cexpr_read(s, v->addr, buf, nbytes) < 0)
				return -1;
		} else
			memcpy(buf, v->bytes, MIN(nbytes, sizeof(v->bytes)));
		unsigned __int128 raw = 0;
		for (uint64_t i = 0; i < nbytes; i++)
			raw |= (unsigned __int128)buf[i] << (8 * i);
		uint64_t x = (uint64_t)(raw >> v->bitpos);
		*out = sign_extend(x, v->bitsize, t->is_signed);
		return 0;
	}
	if (size == 0 || size > 8) {
		if (size == 16 && t->kind == CT_INT) { /* __int128: the low half */
			size = 8;
		} else
			return kd_fail(s, "Value can't be converted to integer.");
	}
	uint8_t buf[8] = {0};
	if (v->where == CV_LVALUE) {
		if (kd_cexpr_read(s, v->addr, buf, size) < 0)
			return -1;
	} else
		memcpy(buf, v->bytes, size);
	uint64_t x = 0;
	memcpy(&x, buf, 8);
	*out = sign_extend(x, (unsigned)size * 8, t->is_signed);
	return 0;
}

/* DWARF variable or function address, relocated as gdb relocates vmlinux. */
static int die_address(kd_session *s, Dwarf_Die *d, const char *name, uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Addr lo;
	if (dwarf_tag(d) == DW_TAG_subprogram) {
		if (dwarf_lowpc(d, &lo) == 0) {
			*addr = lo + s->ki.kaslr_offset;
			return 0;
		}
	} else if (dwarf_attr(d, DW_AT_location, &a)) {
		Dwarf_Op *ops;
		size_t n;
		if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_addr) {
			*addr = ops[0].number + s->ki.kaslr_offset;
			return 0;
		}
	}
	uint64_t off;
	if (kd_cexpr_is_percpu(s, name, &off)) {
		*addr = off + s->ki.kaslr_offset;
		return 0;
	}
	const struct ksym *k = s->symtab ? symtab_lookup(s->symtab, name) : NULL;
	if (k) {
		*addr = k->addr;
		return 0;
	}
	return kd_fail(s, "Cannot access \"%s\": it has no address (optimized out)", name);
}

/*
 * `extern char x[];` seen from a unit that does not define x: when the DIE we
 * found has an array type without a bound, the ELF symbol's size gives it back,
 * as the defining unit's own type would.
 */
static struct ctype *complete_array_type(kd_session *s, struct ctype *t, const char *name)
{
	struct ctype *quals[8];
	int nq = 0;
	struct ctype *a = t;
	while (a && nq < 8 && (a->kind == CT_CONST || a->kind == CT_VOLATILE)) {
		quals[nq++] = a;
		a = a->target;
	}
	if (!a || a->kind != CT_ARRAY || !a->no_bound || !s->symtab)
		return t;
	const struct ksym *k = symtab_lookup(s->symtab, name);
	uint64_t esize = ctype_sizeof_raw(s, a->target);
	if (!k || !k->size || !esize)
		return t;
	struct ctype *full = new_type(s, CT_ARRAY);
	full->complete = true;
	full->target = a->target;
	full->nelem = k->size / esize;
	for (int i = nq - 1; i >= 0; i--)
		full = qualified(s, full, quals[i]->kind);
	return full;
}

int cvalue_of_symbol(kd_session *s, const char *name, struct cvalue *out)
{
	uint64_t off;
	Dwarf_Die d;
	if (s->dwi && s->dwarf &&
	    ((dwi_find(s->dwi, DWI_VARIABLE, name, &off) && dwarf_offdie(s->dwarf, off, &d)) ||
	     (dwi_find(s->dwi, DWI_FUNCTION, name, &off) && dwarf_offdie(s->dwarf, off, &d)))) {
		struct ctype *t = dwarf_tag(&d) == DW_TAG_subprogram ? ctype_from_die(s, &d) : type_attr(s, &d);
		uint64_t addr = 0;
		if (die_address(s, &d, name, &addr) < 0)
			return -1;
		t = complete_array_type(s, t, name);
		cvalue_at(out, t, addr);
		out->symbol = NULL;
		return 0;
	}
	return kd_fail(s, "No symbol \"%s\" in current context.", name);
}

/* ---- the parser/evaluator ---- */

struct parser {
	kd_session *s;
	const char *text, *p;
	int depth;
};

static int parse_expr(struct parser *ps, struct cvalue *out);
static int parse_assign(struct parser *ps, struct cvalue *out);
static int parse_unary(struct parser *ps, struct cvalue *out);

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool accept(struct parser *ps, const char *tok)
{
	skip_ws(ps);
	size_t n = strlen(tok);
	if (strncmp(ps->p, tok, n) != 0)
		return false;
	if (is_ident_char(tok[n - 1]) && is_ident_char(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static int fail_at(struct parser *ps, const char *what)
{
	if (!*ps->p)
		return kd_fail(ps->s, "A syntax error in expression, near `'.");
	(void)what;
	return kd_fail(ps->s, "A syntax error in expression, near `%.40s'.", ps->p);
}

static bool read_ident(struct parser *ps, char *buf, size_t size)
{
	skip_ws(ps);
	const char *st = ps->p;
	if (!isalpha((unsigned char)*st) && *st != '_')
		return false;
	while (is_ident_char(*ps->p))
		ps->p++;
	size_t n = (size_t)(ps->p - st);
	if (n >= size) {
		ps->p = st;
		return false;
	}
	memcpy(buf, st, n);
	buf[n] = '\0';
	return true;
}

static bool is_type_keyword(const char *w)
{
	static const char *const kw[] = {"struct", "union", "enum", "unsigned", "signed", "int", "char", "short",
					 "long", "void", "_Bool", "const", "volatile", "__int128", "double", "float"};
	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strcmp(w, kw[i]) == 0)
			return true;
	return false;
}

/* Is the text at p (after '(') a type name? A typedef only when no variable has the name. */
static bool looks_like_type(struct parser *ps)
{
	const char *save = ps->p;
	char w[256];
	bool r = false;
	if (read_ident(ps, w, sizeof(w))) {
		if (is_type_keyword(w))
			r = true;
		else {
			uint64_t off;
			kd_session *s = ps->s;
			if (s->dwi && dwi_find(s->dwi, DWI_TYPEDEF, w, &off) && !dwi_find(s->dwi, DWI_VARIABLE, w, &off) &&
			    !dwi_find(s->dwi, DWI_FUNCTION, w, &off)) {
				skip_ws(ps);
				r = *ps->p == ')' || *ps->p == '*';
			}
		}
	}
	ps->p = save;
	return r;
}

/* A type name up to the closing ')' (not consumed). Abstract declarators: '*'s, "(*)[N]" is not supported. */
static struct ctype *parse_type_name(struct parser *ps)
{
	skip_ws(ps);
	const char *st = ps->p;
	int depth = 0;
	while (*ps->p && !(*ps->p == ')' && depth == 0)) {
		if (*ps->p == '(')
			depth++;
		else if (*ps->p == ')')
			depth--;
		ps->p++;
	}
	size_t n = (size_t)(ps->p - st);
	char buf[512];
	if (n >= sizeof(buf)) {
		kd_fail(ps->s, "type name too long");
		return NULL;
	}
	memcpy(buf, st, n);
	buf[n] = '\0';
	if (strchr(buf, '(') || strchr(buf, '[')) {
		kd_fail(ps->s, "unsupported type name \"%s\"", buf);
		return NULL;
	}
	struct ctype *t = ctype_lookup(ps->s, buf);
	if (!t) {
		/* gdb's wording */
		char *sp = strrchr(buf, ' ');
		const char *tag = sp ? sp + 1 : buf;
		while (*tag == '*')
			tag++;
		kd_fail(ps->s, "No %s type named %.*s.", strncmp(buf, "union ", 6) == 0 ? "union" : strncmp(buf, "enum ", 5) == 0 ? "enum" : "struct",
			(int)strcspn(tag, " *"), tag);
	}
	return t;
}

static struct ctype *builtin(struct parser *ps, const char *name)
{
	return ctype_builtin(ps->s, name);
}

/* Integer promotion (C): the arithmetic type an operand takes part in. */
static struct ctype *promote(struct parser *ps, struct ctype *t)
{
	struct ctype *st = ctype_resolve(ps->s, t);
	if (st->kind == CT_PTR)
		return st;
	uint64_t size = st->size;
	bool uns = !st->is_signed;
	if (st->kind == CT_ENUM)
		uns = !st->is_signed;
	if (size < 4 || st->is_bool)
		return builtin(ps, "int");
	if (size == 4)
		return builtin(ps, uns ? "unsigned int" : "int");
	if (st->kind == CT_INT && st->name && strstr(st->name, "long long"))
		return builtin(ps, uns ? "unsigned long long" : "long long");
	return builtin(ps, uns ? "unsigned long" : "long");
}

static struct ctype *arith_type(struct parser *ps, struct ctype *a, struct ctype *b)
{
	struct ctype *pa = promote(ps, a), *pb = promote(ps, b);
	if (pa->size == 8 || pb->size == 8) {
		bool uns = (pa->size == 8 && !pa->is_signed) || (pb->size == 8 && !pb->is_signed);
		return builtin(ps, uns ? "unsigned long" : "long");
	}
	return builtin(ps, (!pa->is_signed || !pb->is_signed) ? "unsigned int" : "int");
}

/* An rvalue: arrays and functions decay to pointers, scalars are read. */
static int rvalue(struct parser *ps, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	if (!t)
		return kd_fail(s, "value has no type");
	if (t->kind == CT_ARRAY && v->where == CV_LVALUE) {
		uint64_t a = v->addr;
		cvalue_int(v, ctype_pointer_to(s, t->target), a);
		return 0;
	}
	if (t->kind == CT_FUNC && v->where == CV_LVALUE) {
		uint64_t a = v->addr;
		cvalue_int(v, ctype_pointer_to(s, v->type), a);
		return 0;
	}
	if (v->where == CV_RVALUE && !v->bitsize)
		return 0;
	if (t->kind != CT_INT && t->kind != CT_ENUM && t->kind != CT_PTR)
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	uint64_t x;
	if (cvalue_to_u64(s, v, &x) < 0)
		return -1;
	cvalue_int(v, v->type, x);
	return 0;
}

static int get_int(struct parser *ps, struct cvalue *v, uint64_t *x)
{
	if (rvalue(ps, v) < 0)
		return -1;
	return cvalue_to_u64(ps->s, v, x);
}

static bool is_ptr(kd_session *s, struct cvalue *v)
{
	struct ctype *t = ctype_strip(v->type);
	(void)s;
	return t && t->kind == CT_PTR;
}

static uint64_t target_size(kd_session *s, struct ctype *ptr)
{
	struct ctype *t = ctype_strip(ptr);
	uint64_t n = ctype_sizeof_raw(s, t->target);
	return n ? n : 1;
}

static int deref(struct parser *ps, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	if (t->kind == CT_FUNC)
		return 0; /* *func is func */
	if (t->kind == CT_ARRAY && v->where == CV_LVALUE) {
		cvalue_at(v, t->target, v->addr);
		return 0;
	}
	if (t->kind != CT_PTR)
		return kd_fail(s, "Attempt to take contents of a non-pointer value.");
	struct ctype *target = t->target;
	uint64_t a;
	if (get_int(ps, v, &a) < 0)
		return -1;
	if (ctype_strip(target)->kind == CT_VOID)
		return kd_fail(s, "Attempt to take contents of a non-pointer value.");
	cvalue_at(v, target, a);
	return 0;
}

static int member_of(struct parser *ps, struct cvalue *v, const char *name)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	for (int guard = 0; t && t->kind == CT_PTR && guard < 8; guard++) {
		if (deref(ps, v) < 0)
			return -1;
		t = ctype_resolve(s, v->type);
	}
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION))
		return kd_fail(s, "Attempt to extract a component of a value that is not a structure.");
	uint64_t bitpos;
	const struct cmember *m = ctype_member(s, t, name, &bitpos);
	if (!m)
		return kd_fail(s, "There is no member named %s.", name);
	if (v->where == CV_LVALUE) {
		v->addr += bitpos / 8;
		v->bitpos = m->bitsize ? (uint32_t)(bitpos % 8) : 0;
	} else {
		if (bitpos / 8 + (m->bitsize ? 8 : ctype_sizeof_raw(s, m->type)) > sizeof(v->bytes))
			return kd_fail(s, "member outside of the value");
		memmove(v->bytes, v->bytes + bitpos / 8, sizeof(v->bytes) - bitpos / 8);
		v->bitpos = m->bitsize ? (uint32_t)(bitpos % 8) : 0;
	}
	v->bitsize = m->bitsize;
	v->type = m->type;
	v->symbol = NULL;
	return 0;
}

static int do_cast(struct parser *ps, struct ctype *to, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *tt = ctype_resolve(s, to);
	struct ctype *ft = ctype_resolve(s, v->type);
	if (tt->kind == CT_STRUCT || tt->kind == CT_UNION) {
		if (ft == tt || (ft->name && tt->name && ft->kind == tt->kind && strcmp(ft->name, tt->name) == 0)) {
			v->type = to;
			return 0;
		}
		return kd_fail(s, "Invalid cast.");
	}
	if (tt->kind == CT_ARRAY || tt->kind == CT_FUNC)
		return kd_fail(s, "Invalid cast.");
	if (tt->kind == CT_VOID) {
		cvalue_int(v, to, 0);
		return 0;
	}
	uint64_t x;
	if (get_int(ps, v, &x) < 0)
		return -1;
	if (tt->kind == CT_INT && tt->is_bool)
		x = x != 0;
	else if (tt->kind == CT_INT || tt->kind == CT_ENUM)
		x = sign_extend(x, (unsigned)MIN(tt->size, 8) * 8, tt->is_signed);
	cvalue_int(v, to, x);
	return 0;
}

static int parse_number(struct parser *ps, struct cvalue *out)
{
	const char *st = ps->p;
	uint64_t v = 0;
	bool overflow = false;
	int base = 10;
	if (st[0] == '0' && (st[1] == 'x' || st[1] == 'X')) {
		base = 16;
		ps->p += 2;
		if (!isxdigit((unsigned char)*ps->p))
			return kd_fail(ps->s, "Invalid number \"%.*s\".", 2, st);
	} else if (st[0] == '0' && isdigit((unsigned char)st[1]))
		base = 8;
	while (isxdigit((unsigned char)*ps->p)) {
		int d = isdigit((unsigned char)*ps->p) ? *ps->p - '0' : tolower((unsigned char)*ps->p) - 'a' + 10;
		if (d >= base)
			break;
		uint64_t nv = v * (uint64_t)base + (uint64_t)d;
		if ((nv - (uint64_t)d) / (uint64_t)base != v)
			overflow = true;
		v = nv;
		ps->p++;
	}
	bool uns = false;
	int nlong = 0;
	while (*ps->p == 'u' || *ps->p == 'U' || *ps->p == 'l' || *ps->p == 'L') {
		if (*ps->p == 'u' || *ps->p == 'U')
			uns = true;
		else
			nlong++;
		ps->p++;
	}
	if (is_ident_char(*ps->p) || *ps->p == '.')
		return kd_fail(ps->s, "Invalid number \"%.*s\".", (int)(strcspn(st, " \t)+-*/%&|^<>=!,]")), st);
	if (overflow)
		return kd_fail(ps->s, "Numeric constant too large.");
	/* gdb: an int-sized constant is int or unsigned int by its top bit, a long one likewise */
	const char *tn;
	if (nlong == 0 && (v >> 32) == 0)
		tn = (uns || (v & 0x80000000ULL)) ? "unsigned int" : "int";
	else
		tn = (uns || (v >> 63)) ? "unsigned long" : "long";
	cvalue_int(out, builtin(ps, tn), v);
	return 0;
}

static int parse_char(struct parser *ps, struct cvalue *out)
{
	const char *st = ps->p;
	ps->p++; /* ' */
	int c;
	if (*ps->p == '\\') {
		ps->p++;
		switch (*ps->p) {
		case 'n': c = '\n'; ps->p++; break;
		case 't': c = '\t'; ps->p++; break;
		case 'r': c = '\r'; ps->p++; break;
		case 'a': c = '\a'; ps->p++; break;
		case 'b': c = '\b'; ps->p++; break;
		case 'f': c = '\f'; ps->p++; break;
		case 'v': c = '\v'; ps->p++; break;
		case 'e': c = 27; ps->p++; break;
		case 'x': {
			ps->p++;
			c = 0;
			while (isxdigit((unsigned char)*ps->p)) {
				c = c * 16 + (isdigit((unsigned char)*ps->p) ? *ps->p - '0' : tolower((unsigned char)*ps->p) - 'a' + 10);
				ps->p++;
			}
			break;
		}
		default:
			if (*ps->p >= '0' && *ps->p <= '7') {
				c = 0;
				for (int i = 0; i < 3 && *ps->p >= '0' && *ps->p <= '7'; i++)
					c = c * 8 + (*ps->p++ - '0');
			} else if (*ps->p) {
				c = (unsigned char)*ps->p++;
			} else
				return kd_fail(ps->s, "Unmatched single quote.");
		}
	} else if (*ps->p && *ps->p != '\'') {
		c = (unsigned char)*ps->p++;
	} else
		return kd_fail(ps->s, "Empty character constant.");
	if (*ps->p != '\'')
		return kd_fail(ps->s, "Unmatched single quote.");
	ps->p++;
	(void)st;
	cvalue_int(out, builtin(ps, "char"), (uint64_t)(int64_t)(signed char)c);
	return 0;
}

/* The enum type an enumerator DIE belongs to: the enumeration_type DIE that contains it. */
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

static int parse_identifier(struct parser *ps, const char *name, struct cvalue *out)
{
	kd_session *s = ps->s;
	uint64_t off;
	Dwarf_Die d;
	if (cvalue_of_symbol(s, name, out) == 0) {
		out->symbol = NULL;
		return 0;
	}
	if (s->dwi && s->dwarf && dwi_find(s->dwi, DWI_ENUMERATOR, name, &off) && dwarf_offdie(s->dwarf, off, &d)) {
		struct ctype *et = enumerator_type(s, &d);
		Dwarf_Attribute a;
		Dwarf_Sword sv = 0;
		if (et && dwarf_attr(&d, DW_AT_const_value, &a) && dwarf_formsdata(&a, &sv) == 0) {
			kd_err_clear(&s->err);
			cvalue_int(out, et, (uint64_t)sv);
			return 0;
		}
	}
	if (s->symtab && symtab_lookup(s->symtab, name))
		return kd_fail(s, "'%s' has unknown type; cast it to its declared type", name);
	return kd_fail(s, "No symbol \"%s\" in current context.", name);
}

static int parse_primary(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	char c = *ps->p;
	if (c == '(') {
		ps->p++;
		if (parse_expr(ps, out) < 0)
			return -1;
		skip_ws(ps);
		if (*ps->p != ')')
			return fail_at(ps, ")");
		ps->p++;
		return 0;
	}
	if (isdigit((unsigned char)c))
		return parse_number(ps, out);
	if (c == '\'')
		return parse_char(ps, out);
	if (c == '"')
		return kd_fail(ps->s, "string literals are not supported in expressions");
	if (c == '$')
		return kd_fail(ps->s, "value history ($) is not supported");
	char name[256];
	if (read_ident(ps, name, sizeof(name)))
		return parse_identifier(ps, name, out);
	return fail_at(ps, "primary");
}

static int parse_postfix(struct parser *ps, struct cvalue *out)
{
	if (parse_primary(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (*ps->p == '[') {
			ps->p++;
			struct cvalue idx;
			if (parse_expr(ps, &idx) < 0)
				return -1;
			skip_ws(ps);
			if (*ps->p != ']')
				return fail_at(ps, "]");
			ps->p++;
			uint64_t i;
			if (get_int(ps, &idx, &i) < 0)
				return -1;
			struct ctype *t = ctype_resolve(ps->s, out->type);
			if (t->kind == CT_ARRAY && out->where == CV_LVALUE) {
				uint64_t es = ctype_sizeof_raw(ps->s, t->target);
				cvalue_at(out, t->target, out->addr + i * es);
			} else if (t->kind == CT_PTR) {
				uint64_t base;
				if (get_int(ps, out, &base) < 0)
					return -1;
				uint64_t es = target_size(ps->s, t);
				if (ctype_strip(t->target)->kind == CT_VOID)
					return kd_fail(ps->s, "Attempt to take contents of a non-pointer value.");
				cvalue_at(out, t->target, base + i * es);
			} else
				return kd_fail(ps->s, "cannot subscript something of type `%s'", type_tag_name(out->type));
		} else if (*ps->p == '.' || (ps->p[0] == '-' && ps->p[1] == '>')) {
			ps->p += *ps->p == '.' ? 1 : 2;
			char name[256];
			if (!read_ident(ps, name, sizeof(name)))
				return fail_at(ps, "member");
			if (member_of(ps, out, name) < 0)
				return -1;
		} else if (*ps->p == '(') {
			return kd_fail(ps->s, "function calls are not supported");
		} else if ((ps->p[0] == '+' && ps->p[1] == '+') || (ps->p[0] == '-' && ps->p[1] == '-')) {
			return kd_fail(ps->s, "increment and decrement are not supported");
		} else
			return 0;
	}
}

static int parse_sizeof(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	struct ctype *t;
	const char *save = ps->p;
	if (*ps->p == '(') {
		ps->p++;
		if (looks_like_type(ps)) {
			t = parse_type_name(ps);
			if (!t)
				return -1;
			skip_ws(ps);
			if (*ps->p != ')')
				return fail_at(ps, ")");
			ps->p++;
			goto have;
		}
		ps->p = save;
	}
	struct cvalue v;
	cache(ps->s)->noeval++;
	int rc = parse_unary(ps, &v);
	cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	t = v.type;
have:
	cvalue_int(out, builtin(ps, "unsigned long"), ctype_sizeof_raw(ps->s, t));
	return 0;
}

static int parse_unary(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	if (++ps->depth > 200)
		return kd_fail(ps->s, "expression nests too deeply");
	int rc = 0;
	char c = *ps->p;
	if (accept(ps, "sizeof")) {
		rc = parse_sizeof(ps, out);
	} else if ((c == '+' && ps->p[1] == '+') || (c == '-' && ps->p[1] == '-')) {
		rc = kd_fail(ps->s, "increment and decrement are not supported");
	} else if (c == '-' || c == '+' || c == '~' || c == '!') {
		ps->p++;
		if (parse_unary(ps, out) < 0)
			rc = -1;
		else {
			uint64_t x;
			struct ctype *t = out->type;
			if (c == '!') {
				if (get_int(ps, out, &x) < 0)
					rc = -1;
				else
					cvalue_int(out, builtin(ps, "int"), !x);
			} else if (!ctype_is_integer(t) && ctype_strip(t)->kind != CT_FLOAT) {
				rc = kd_fail(ps->s, "Argument to arithmetic operation not a number or boolean.");
			} else if (get_int(ps, out, &x) < 0) {
				rc = -1;
			} else {
				struct ctype *pt = promote(ps, t);
				uint64_t r = c == '-' ? (uint64_t)0 - x : c == '~' ? ~x : x;
				r = sign_extend(r, (unsigned)pt->size * 8, pt->is_signed);
				cvalue_int(out, pt, r);
			}
		}
	} else if (c == '*') {
		ps->p++;
		if (parse_unary(ps, out) < 0 || deref(ps, out) < 0)
			rc = -1;
	} else if (c == '&' && ps->p[1] != '&') {
		ps->p++;
		if (parse_unary(ps, out) < 0)
			rc = -1;
		else if (out->where != CV_LVALUE)
			rc = kd_fail(ps->s, "Attempt to take address of value not located in memory.");
		else if (out->bitsize)
			rc = kd_fail(ps->s, "Attempt to take address of value not located in memory.");
		else {
			uint64_t a = out->addr;
			cvalue_int(out, ctype_pointer_to(ps->s, out->type), a);
		}
	} else if (c == '(') {
		const char *save = ps->p;
		ps->p++;
		if (looks_like_type(ps)) {
			struct ctype *t = parse_type_name(ps);
			if (!t)
				rc = -1;
			else {
				skip_ws(ps);
				if (*ps->p != ')')
					rc = fail_at(ps, ")");
				else {
					ps->p++;
					if (parse_unary(ps, out) < 0 || do_cast(ps, t, out) < 0)
						rc = -1;
				}
			}
		} else {
			ps->p = save;
			rc = parse_postfix(ps, out);
		}
	} else {
		rc = parse_postfix(ps, out);
	}
	ps->depth--;
	return rc;
}

enum {
	OP_MUL, OP_DIV, OP_MOD, OP_ADD, OP_SUB, OP_SHL, OP_SHR, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
	OP_AND, OP_XOR, OP_OR, OP_LAND, OP_LOR, OP_AT
};

static int binop_at(const char *p, int *op, int *len)
{
	static const struct {
		const char *tok;
		int op, prec;
	} ops[] = {
		{"||", OP_LOR, 1}, {"&&", OP_LAND, 2}, {"<<", OP_SHL, 8}, {">>", OP_SHR, 8}, {"<=", OP_LE, 7},
		{">=", OP_GE, 7},  {"==", OP_EQ, 6},   {"!=", OP_NE, 6},  {"|", OP_OR, 3},   {"^", OP_XOR, 4},
		{"&", OP_AND, 5},  {"<", OP_LT, 7},    {">", OP_GT, 7},   {"@", OP_AT, 9},   {"+", OP_ADD, 10},
		{"-", OP_SUB, 10}, {"*", OP_MUL, 11},  {"/", OP_DIV, 11}, {"%", OP_MOD, 11},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].tok);
		if (strncmp(p, ops[i].tok, n) == 0) {
			if (n == 1 && (p[1] == '=' && ops[i].op != OP_LT && ops[i].op != OP_GT))
				return -1; /* assignment operators */
			if (ops[i].op == OP_SUB && p[1] == '>')
				return -1;
			*op = ops[i].op;
			*len = (int)n;
			return ops[i].prec;
		}
	}
	return -1;
}

/* gdb's artificial array: x@n is n objects like x, from x's address on. */
static int artificial_array(struct parser *ps, struct cvalue *l, struct cvalue *r)
{
	kd_session *s = ps->s;
	uint64_t n;
	if (get_int(ps, r, &n) < 0)
		return -1;
	if (l->where != CV_LVALUE || l->bitsize)
		return kd_fail(s, "Only values in memory can be extended with '@'.");
	if ((int64_t)n <= 0)
		return kd_fail(s, "Non-positive repeat count.");
	struct ctype *a = new_type(s, CT_ARRAY);
	a->complete = true;
	a->target = l->type;
	a->nelem = n;
	l->type = a;
	l->symbol = NULL;
	return 0;
}

static int apply_binop(struct parser *ps, int op, struct cvalue *l, struct cvalue *r)
{
	kd_session *s = ps->s;
	if (op == OP_AT)
		return artificial_array(ps, l, r);
	if (rvalue(ps, l) < 0 || rvalue(ps, r) < 0)
		return -1;
	bool lp = is_ptr(s, l), rp = is_ptr(s, r);
	uint64_t a, b;
	if (cvalue_to_u64(s, l, &a) < 0 || cvalue_to_u64(s, r, &b) < 0)
		return -1;
	struct ctype *lt = ctype_resolve(s, l->type), *rt = ctype_resolve(s, r->type);
	if ((lt->kind != CT_INT && lt->kind != CT_ENUM && lt->kind != CT_PTR) ||
	    (rt->kind != CT_INT && rt->kind != CT_ENUM && rt->kind != CT_PTR))
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	if (op == OP_LAND || op == OP_LOR) {
		cvalue_int(l, builtin(ps, "int"), op == OP_LAND ? (a && b) : (a || b));
		return 0;
	}
	if ((op == OP_ADD || op == OP_SUB) && (lp || rp)) {
		if (lp && rp) {
			if (op == OP_ADD)
				return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
			uint64_t es = target_size(s, l->type);
			cvalue_int(l, builtin(ps, "long"), (uint64_t)((int64_t)(a - b) / (int64_t)es));
			return 0;
		}
		if (rp) { /* int + ptr */
			uint64_t es = target_size(s, r->type);
			cvalue_int(l, r->type, b + a * es);
			return 0;
		}
		uint64_t es = target_size(s, l->type);
		cvalue_int(l, l->type, op == OP_ADD ? a + b * es : a - b * es);
		return 0;
	}
	if (op >= OP_LT && op <= OP_NE) {
		bool sgn;
		if (lp || rp)
			sgn = false;
		else {
			struct ctype *ct = arith_type(ps, l->type, r->type);
			sgn = ct->is_signed;
			unsigned bits = (unsigned)ct->size * 8;
			a = sign_extend(a, bits, sgn);
			b = sign_extend(b, bits, sgn);
		}
		int64_t sa = (int64_t)a, sb = (int64_t)b;
		int res = 0;
		switch (op) {
		case OP_LT: res = sgn ? sa < sb : a < b; break;
		case OP_LE: res = sgn ? sa <= sb : a <= b; break;
		case OP_GT: res = sgn ? sa > sb : a > b; break;
		case OP_GE: res = sgn ? sa >= sb : a >= b; break;
		case OP_EQ: res = a == b; break;
		case OP_NE: res = a != b; break;
		}
		cvalue_int(l, builtin(ps, "int"), (uint64_t)res);
		return 0;
	}
	if (lp || rp)
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	struct ctype *ct = (op == OP_SHL || op == OP_SHR) ? promote(ps, l->type) : arith_type(ps, l->type, r->type);
	unsigned bits = (unsigned)ct->size * 8;
	bool sgn = ct->is_signed;
	a = sign_extend(a, bits, sgn);
	b = sign_extend(b, bits, op == OP_SHL || op == OP_SHR ? ctype_strip(r->type)->is_signed : sgn);
	uint64_t x = 0;
	switch (op) {
	case OP_MUL: x = a * b; break;
	case OP_DIV:
	case OP_MOD:
		if (b == 0 && cache(s)->noeval)
			break; /* a branch not taken */
		if (b == 0)
			return kd_fail(s, "Division by zero");
		if (sgn) {
			if ((int64_t)b == -1)
				x = op == OP_DIV ? (uint64_t)0 - a : 0;
			else
				x = op == OP_DIV ? (uint64_t)((int64_t)a / (int64_t)b) : (uint64_t)((int64_t)a % (int64_t)b);
		} else
			x = op == OP_DIV ? a / b : a % b;
		break;
	case OP_ADD: x = a + b; break;
	case OP_SUB: x = a - b; break;
	case OP_SHL: x = b >= bits ? 0 : a << b; break;
	case OP_SHR:
		if (b >= bits)
			x = sgn && (int64_t)a < 0 ? ~0ULL : 0;
		else
			x = sgn ? (uint64_t)((int64_t)a >> b) : a >> b;
		break;
	case OP_AND: x = a & b; break;
	case OP_XOR: x = a ^ b; break;
	case OP_OR: x = a | b; break;
	}
	cvalue_int(l, ct, sign_extend(x, bits, sgn));
	return 0;
}

static int parse_binary(struct parser *ps, int min_prec, struct cvalue *out)
{
	if (parse_unary(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		int op, len;
		int prec = binop_at(ps->p, &op, &len);
		if (prec < 0 || prec < min_prec)
			return 0;
		ps->p += len;
		struct cvalue rhs;
		int rc;
		if (op == OP_LAND || op == OP_LOR) {
			uint64_t a;
			if (get_int(ps, out, &a) < 0)
				return -1;
			bool skip = op == OP_LAND ? !a : !!a;
			if (skip)
				cache(ps->s)->noeval++;
			rc = parse_binary(ps, prec + 1, &rhs);
			if (skip)
				cache(ps->s)->noeval--;
		} else
			rc = parse_binary(ps, prec + 1, &rhs);
		if (rc < 0 || apply_binop(ps, op, out, &rhs) < 0)
			return -1;
	}
}

static int parse_cond(struct parser *ps, struct cvalue *out)
{
	if (parse_binary(ps, 1, out) < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p != '?')
		return 0;
	ps->p++;
	uint64_t c;
	if (get_int(ps, out, &c) < 0)
		return -1;
	struct cvalue a, b;
	if (!c)
		cache(ps->s)->noeval++;
	int rc = parse_expr(ps, &a);
	if (!c)
		cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p != ':')
		return fail_at(ps, ":");
	ps->p++;
	if (c)
		cache(ps->s)->noeval++;
	rc = parse_cond(ps, &b);
	if (c)
		cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	*out = c ? a : b;
	return 0;
}

static int parse_assign(struct parser *ps, struct cvalue *out)
{
	if (parse_cond(ps, out) < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p == '=' && ps->p[1] != '=')
		return kd_fail(ps->s, "assignment is not supported: the dump is read-only");
	return 0;
}

static int parse_expr(struct parser *ps, struct cvalue *out)
{
	if (parse_assign(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (*ps->p != ',')
			return 0;
		ps->p++;
		if (parse_assign(ps, out) < 0)
			return -1;
	}
}

int kd_cexpr_eval(kd_session *s, const char *text, struct cvalue *out)
{
	struct parser ps = {s, text, text, 0};
	int saved_noeval = cache(s)->noeval;
	memset(out, 0, sizeof(*out));
	skip_ws(&ps);
	if (!*ps.p)
		return kd_fail(s, "empty expression");
	int rc = parse_expr(&ps, out);
	cache(s)->noeval = saved_noeval;
	if (rc < 0)
		return -1;
	skip_ws(&ps);
	if (*ps.p)
		return fail_at(&ps, "end");
	return 0;
}

int kd_cexpr_eval_u64(kd_session *s, const char *text, uint64_t *out)
{
	struct cvalue v;
	if (kd_cexpr_eval(s, text, &v) < 0)
		return -1;
	struct parser ps = {s, text, text, 0};
	return get_int(&ps, &v, out);
}
