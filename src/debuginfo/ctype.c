/* The type model (see ctype.h): types, members by name, sizes, names, variables and enumerators. */
#include "debuginfo/ctype.h"

#include <ctype.h>
#include <string.h>

#include "debuginfo/ctype_source.h"
#include "debuginfo/symbols.h"

/* The session's types (kd_session.types). */
struct type_cache {
	struct u64map by_src;       /* source id (DIE offset) -> struct ctype * */
	VEC(struct ctype *) all;    /* every type allocated, for freeing */
	struct strmap builtins;     /* gdb name -> struct ctype * */
	struct strmap by_spelling;  /* ctype_lookup's answers: spelling (owned) -> struct ctype * */
	bool percpu_known;
	uint64_t percpu_start, percpu_end;
	struct u64map plans;        /* typed reads: field table address -> struct read_plan * */
	bool from_vmcoreinfo;       /* no vmlinux: the dump's VMCOREINFO is the source (ctype_vmcoreinfo.c) */
	struct strmap vmci_types;   /* its types by name */
	VEC(char *) strings;        /* names the model owns (the VMCOREINFO source's) */
};

static void plan_free(void *p);

static struct type_cache *cache(kd_session *s)
{
	if (!s->types) {
		struct type_cache *c = xcalloc(1, sizeof(*c));
		u64map_init(&c->by_src);
		strmap_init(&c->builtins);
		strmap_init(&c->by_spelling);
		u64map_init(&c->plans);
		strmap_init(&c->vmci_types);
		s->types = c;
	}
	return s->types;
}

/* ctype_path's answer for a member a type does not have. */
static const struct cpath absent;

static void free_map(struct strmap *m, bool values)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		free((char *)m->slots[i].key);
		if (values && m->slots[i].value != &absent)
			free(m->slots[i].value);
	}
	strmap_free(m);
	free(m);
}

void ctype_free(kd_session *s)
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
		free_map(t->paths, true);
		if (!t->borrowed) {
			free(t->members);
			free(t->enums);
			free(t->params);
		}
		free(t);
	}
	VEC_FREE(&c->all);
	strmap_free(&c->vmci_types);
	for (size_t i = 0; i < c->strings.len; i++)
		free(c->strings.items[i]);
	VEC_FREE(&c->strings);
	for (size_t i = 0; i < c->plans.cap; i++)
		if (c->plans.slots[i].used)
			plan_free(c->plans.slots[i].value);
	u64map_free(&c->plans);
	u64map_free(&c->by_src);
	strmap_free(&c->builtins);
	for (size_t i = 0; i < c->by_spelling.cap; i++)
		free((char *)c->by_spelling.slots[i].key);
	strmap_free(&c->by_spelling);
	free(c);
	s->types = NULL;
}

void ctype_forget_names(kd_session *s)
{
	struct type_cache *c = s->types;
	if (!c)
		return;
	for (size_t i = 0; i < c->by_spelling.cap; i++)
		free((char *)c->by_spelling.slots[i].key);
	strmap_free(&c->by_spelling);
	strmap_init(&c->by_spelling);
}

struct ctype *ctype_new(kd_session *s, enum ctype_kind kind)
{
	struct ctype *t = xcalloc(1, sizeof(*t));
	t->kind = kind;
	VEC_PUSH(&cache(s)->all, t);
	return t;
}

struct u64map *ctype_by_src(kd_session *s)
{
	return &cache(s)->by_src;
}

const char *ctype_intern(kd_session *s, const char *str, size_t len)
{
	char *p = xstrndup(str, len);
	VEC_PUSH(&cache(s)->strings, p);
	return p;
}

struct strmap *ctype_vmci_types(kd_session *s)
{
	return &cache(s)->vmci_types;
}

void ctype_use_vmcoreinfo(kd_session *s)
{
	cache(s)->from_vmcoreinfo = true;
}

/* The source asked: DWARF when there is a vmlinux, else the dump's VMCOREINFO when chosen. */
static bool vmci(kd_session *s)
{
	return !s->dwi && s->types && s->types->from_vmcoreinfo;
}

static struct ctype *src_type_named(kd_session *s, enum ctype_ns ns, const char *name)
{
	return vmci(s) ? vmci_type_named(s, ns, name) : dwarf_type_named(s, ns, name);
}

void ctype_index_members(struct ctype *t)
{
	t->member_index = xcalloc(1, sizeof(*t->member_index));
	strmap_init(t->member_index);
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].name)
			strmap_put(t->member_index, t->members[i].name, (void *)(uintptr_t)(i + 1));
}

/* A miss of something asked by name: code KD_ENOTFOUND. */
__attribute__((format(printf, 2, 3))) static int notfound(kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kd_err_vset(&s->err, KD_ENOTFOUND, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- types ---- */

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
		t = ctype_new(s, builtins[i].kind);
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

int ctype_complete(kd_session *s, struct ctype *t)
{
	if (!t || t->complete)
		return 0;
	if (vmci(s))
		vmci_type_complete(s, t);
	else
		dwarf_type_complete(s, t);
	return 0;
}

struct ctype *ctype_resolve(kd_session *s, struct ctype *t)
{
	t = ctype_strip(t);
	if (t && !t->complete)
		ctype_complete(s, t);
	return t;
}

uint64_t ctype_sizeof(kd_session *s, struct ctype *t)
{
	/* Nested arrays are a chain of targets: bounded, as every walk over the types is. */
	uint64_t mult = 1;
	for (int guard = 0; guard < 64; guard++) {
		t = ctype_resolve(s, t);
		if (!t)
			return 0;
		switch (t->kind) {
		case CT_ARRAY:
			mult *= t->nelem;
			t = t->target;
			continue;
		case CT_VOID:
		case CT_FUNC: return mult;
		default: return mult * t->size;
		}
	}
	return 0;
}

struct ctype *ctype_pointer_to(kd_session *s, struct ctype *t)
{
	if (t->pointer)
		return t->pointer;
	struct ctype *p = ctype_new(s, CT_PTR);
	p->size = 8;
	p->has_size = true;
	p->complete = true;
	p->target = t;
	t->pointer = p;
	return p;
}

struct ctype *ctype_qualified(kd_session *s, struct ctype *t, enum ctype_kind q)
{
	struct ctype *c = ctype_new(s, q);
	c->target = t;
	c->complete = true;
	return c;
}

struct ctype *ctype_array_of(kd_session *s, struct ctype *elem, uint64_t nelem)
{
	struct ctype *a = ctype_new(s, CT_ARRAY);
	a->complete = true;
	a->target = elem;
	a->nelem = nelem;
	return a;
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

/* ---- members ---- */

static const struct cmember *member_in(kd_session *s, struct ctype *t, const char *name, uint64_t *bitpos, int depth)
{
	t = ctype_resolve(s, t);
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION) || depth > 32)
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
		const struct cmember *r = member_in(s, m->type, name, &inner, depth + 1);
		if (r) {
			*bitpos = m->bitpos + inner;
			return r;
		}
	}
	return NULL;
}

const struct cmember *ctype_member(kd_session *s, struct ctype *t, const char *name, uint64_t *bitpos)
{
	return member_in(s, t, name, bitpos, 0);
}

const char *ctype_tag_name(struct ctype *t)
{
	struct ctype *st = ctype_strip(t);
	return st && st->name ? st->name : "type";
}

/* "a.b[2].c" inside t; on failure the reason in why (the session untouched). */
static int walk_path(kd_session *s, struct ctype *t, const char *path, uint64_t *bitpos, uint32_t *bitsize,
		     struct ctype **mtype, char *why, size_t whysize)
{
	uint64_t total = 0;
	uint32_t bsize = 0;
	struct ctype *cur = t;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, ".[");
		char name[256];
		if (len == 0 || len >= sizeof(name)) {
			snprintf(why, whysize, "invalid member name in \"%s\"", path);
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		uint64_t bp;
		const struct cmember *m = ctype_member(s, cur, name, &bp);
		if (!m) {
			snprintf(why, whysize, "%s has no member \"%s\"", ctype_tag_name(cur), name);
			return -1;
		}
		total += bp;
		bsize = m->bitsize;
		cur = m->type;
		p += len;
		while (*p == '[') {
			char *end;
			unsigned long long idx = strtoull(p + 1, &end, 0);
			struct ctype *at = ctype_resolve(s, cur);
			if (*end != ']' || !at || at->kind != CT_ARRAY) {
				snprintf(why, whysize, "invalid array index in \"%s\"", path);
				return -1;
			}
			total += idx * ctype_sizeof(s, at->target) * 8;
			cur = at->target;
			bsize = 0;
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p) {
			snprintf(why, whysize, "invalid member reference \"%s\"", path);
			return -1;
		}
	}
	*bitpos = total;
	if (bitsize)
		*bitsize = bsize;
	if (mtype)
		*mtype = cur;
	return 0;
}

int ctype_member_path(kd_session *s, struct ctype *t, const char *path, uint64_t *bitpos, uint32_t *bitsize,
		      struct ctype **mtype)
{
	char why[320];
	if (walk_path(s, t, path, bitpos, bitsize, mtype, why, sizeof(why)) < 0)
		return kd_fail(s, "%s", why);
	return 0;
}

const struct cpath *ctype_path(kd_session *s, struct ctype *t, const char *path)
{
	t = ctype_resolve(s, t);
	if (!t)
		return NULL;
	if (!t->paths) {
		t->paths = xcalloc(1, sizeof(*t->paths));
		strmap_init(t->paths);
	}
	const struct cpath *p = strmap_get(t->paths, path);
	if (!p) {
		struct cpath found = {0};
		char why[320];
		if (walk_path(s, t, path, &found.bitpos, &found.bitsize, &found.type, why, sizeof(why)) < 0) {
			p = &absent;
		} else {
			found.size = ctype_sizeof(s, found.type);
			struct cpath *np = xmalloc(sizeof(*np));
			*np = found;
			p = np;
		}
		strmap_put(t->paths, xstrdup(path), (void *)p);
	}
	return p == &absent ? NULL : p;
}

const struct cpath *ctype_member_find(kd_session *s, const char *type, const char *path)
{
	struct ctype *t = ctype_find(s, type);
	return t ? ctype_path(s, t, path) : NULL;
}

const struct cpath *ctype_member_get(kd_session *s, const char *type, const char *path)
{
	const struct cpath *p = ctype_member_find(s, type, path);
	if (!p)
		notfound(s, "this kernel has no member %s.%s (invalid structure member offset)", type, path);
	return p;
}

/* ---- typed reads ---- */

/* How a field table resolves on this kernel: which member fills each field, and the bytes they span. */
struct read_plan {
	char *type;                  /* copies of what it was made from, to tell a table changed at the same address */
	struct kd_field *fields;
	size_t n;
	const struct cpath *paths[KD_READ_STRUCT_MAX_FIELDS]; /* NULL: absent, or an earlier alternative fills it */
	uint64_t missing, lo, hi;
};

static void plan_free(void *p)
{
	struct read_plan *pl = p;
	for (size_t i = 0; i < pl->n; i++)
		free((char *)pl->fields[i].member);
	free(pl->fields);
	free(pl->type);
	free(pl);
}

static bool plan_matches(const struct read_plan *pl, const char *type, const struct kd_field *f, size_t n)
{
	if (pl->n != n || strcmp(pl->type, type) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pl->fields[i].offset != f[i].offset || pl->fields[i].size != f[i].size || pl->fields[i].flags != f[i].flags ||
		    strcmp(pl->fields[i].member, f[i].member) != 0)
			return false;
	return true;
}

/* The bytes a member occupies, from its first byte. */
static uint64_t member_bytes(const struct cpath *p)
{
	return p->bitsize ? (p->bitpos % 8 + p->bitsize + 7) / 8 : p->size;
}

/* The plan of a field table, made on first use; NULL with an error when a required member is missing. */
static const struct read_plan *plan_for(kd_session *s, const char *type, const struct kd_field *fields, size_t n)
{
	if (n > KD_READ_STRUCT_MAX_FIELDS) {
		kd_err_set(&s->err, KD_EINVAL, "%s: %zu fields to read (at most %d)", type, n, KD_READ_STRUCT_MAX_FIELDS);
		return NULL;
	}
	struct type_cache *c = cache(s);
	struct read_plan *pl = u64map_get(&c->plans, (uint64_t)(uintptr_t)fields);
	if (pl && plan_matches(pl, type, fields, n))
		return pl;
	struct ctype *t = ctype_lookup(s, type);
	if (!t)
		return NULL;
	struct read_plan np = {.n = n, .missing = 0, .lo = UINT64_MAX, .hi = 0};
	for (size_t i = 0; i < n; i++) {
		bool taken = false;
		for (size_t j = 0; j < i && !taken; j++)
			taken = np.paths[j] && fields[j].offset == fields[i].offset;
		if (taken)
			continue;
		const struct cpath *p = ctype_path(s, t, fields[i].member);
		if (!p) {
			if (!(fields[i].flags & KD_FIELD_OPTIONAL)) {
				notfound(s, "this kernel has no member %s.%s (invalid structure member offset)", type,
					 fields[i].member);
				return NULL;
			}
			np.missing |= 1ULL << i;
			continue;
		}
		if (!fields[i].size) {
			kd_err_set(&s->err, KD_EINVAL, "%s.%s: no room to read it into", type, fields[i].member);
			return NULL;
		}
		np.paths[i] = p;
		np.lo = MIN(np.lo, p->bitpos / 8);
		np.hi = MAX(np.hi, p->bitpos / 8 + member_bytes(p));
	}
	np.type = xstrdup(type);
	np.fields = xcalloc(n ? n : 1, sizeof(*np.fields));
	for (size_t i = 0; i < n; i++) {
		np.fields[i] = fields[i];
		np.fields[i].member = xstrdup(fields[i].member);
	}
	if (pl)
		plan_free(pl);
	pl = xmalloc(sizeof(*pl));
	*pl = np;
	u64map_put(&c->plans, (uint64_t)(uintptr_t)fields, pl);
	return pl;
}

/* One member from the structure's bytes (data starts at the member's first byte) into the caller's field. */
static int store(kd_session *s, const char *type, const struct kd_field *f, const struct cpath *p, const uint8_t *data,
		 uint8_t *out)
{
	uint8_t *dst = out + f->offset;
	struct ctype *mt = ctype_strip(p->type);
	bool integer = p->bitsize || (mt && (mt->kind == CT_INT || mt->kind == CT_ENUM || mt->kind == CT_PTR) && p->size &&
				      p->size <= 8);
	if (!integer) {
		size_t n = (size_t)MIN((uint64_t)f->size, p->size);
		memcpy(dst, data, n);
		memset(dst + n, 0, f->size - n);
		return 0;
	}
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return kd_err_set(&s->err, KD_EINVAL, "%s.%s is an integer; it cannot be read into %zu bytes", type,
				  f->member, f->size);
	bool sgn = mt && mt->kind != CT_PTR && mt->is_signed;
	uint64_t v = 0;
	unsigned bits;
	if (p->bitsize) {
		unsigned __int128 raw = 0;
		for (uint64_t i = 0; i < member_bytes(p); i++)
			raw |= (unsigned __int128)data[i] << (8 * i);
		v = (uint64_t)(raw >> (p->bitpos % 8));
		bits = MIN(p->bitsize, 64u);
	} else {
		memcpy(&v, data, (size_t)p->size); /* little-endian, as the kernels kdive reads */
		bits = (unsigned)p->size * 8;
	}
	if (bits < 64) {
		v &= (1ULL << bits) - 1;
		if (sgn && (v >> (bits - 1)) & 1)
			v |= ~0ULL << bits;
	}
	memcpy(dst, &v, f->size);
	return 0;
}

int ctype_read_struct(kd_session *s, uint64_t addr, const char *type, const struct kd_field *fields, size_t n,
		      void *out, uint64_t *missing)
{
	if (missing)
		*missing = 0;
	const struct read_plan *pl = plan_for(s, type, fields, n);
	if (!pl)
		return -1;
	if (missing)
		*missing = pl->missing;
	if (!out || pl->lo >= pl->hi)
		return 0; /* only looking; or nothing to read: every member asked for is absent, or empty */
	/* One read, of the members' span. A type's own layout bounds it, but a structure larger
	 * than any the kernel has is refused rather than allocated. */
	uint64_t span = pl->hi - pl->lo;
	if (span > (1u << 20) || addr + pl->lo < addr)
		return kd_err_set(&s->err, KD_EINVAL, "%s at %#llx: %llu bytes to read", type, (unsigned long long)addr,
				  (unsigned long long)span);
	uint8_t small[512];
	uint8_t *buf = span <= sizeof(small) ? small : xmalloc((size_t)span);
	int rc = kd_read_kv(s, addr + pl->lo, buf, (size_t)span);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (pl->paths[i])
			rc = store(s, type, &fields[i], pl->paths[i], buf + (pl->paths[i]->bitpos / 8 - pl->lo), out);
	if (buf != small)
		free(buf);
	return rc;
}

/* ---- types by name ---- */

static bool have_types(kd_session *s)
{
	return s->dwi != NULL || vmci(s);
}

/* A type by name: "task_struct" (struct, union, enum, typedef or base type, in that order), "struct x". */
static struct ctype *type_named(kd_session *s, const char *name, bool quiet)
{
	if (!have_types(s)) {
		if (!quiet)
			kd_fail(s, "no debug information is loaded");
		return NULL;
	}
	while (*name == ' ')
		name++;
	static const struct {
		const char *prefix;
		enum ctype_ns ns;
	} tagged[] = {{"struct ", CNS_STRUCT}, {"union ", CNS_UNION}, {"enum ", CNS_ENUM}};
	struct ctype *t = NULL;
	bool was_tagged = false;
	for (size_t i = 0; i < ARRAY_SIZE(tagged) && !was_tagged; i++) {
		size_t pl = strlen(tagged[i].prefix);
		if (strncmp(name, tagged[i].prefix, pl) == 0) {
			const char *rest = name + pl;
			while (*rest == ' ')
				rest++;
			t = src_type_named(s, tagged[i].ns, rest);
			was_tagged = true;
		}
	}
	static const enum ctype_ns order[] = {CNS_STRUCT, CNS_UNION, CNS_ENUM, CNS_TYPEDEF, CNS_BASE};
	for (size_t i = 0; i < ARRAY_SIZE(order) && !t && !was_tagged; i++)
		t = src_type_named(s, order[i], name);
	if (!t && !quiet)
		notfound(s, "no type \"%s\" in vmlinux's debug information", name);
	return t;
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
	/* Prefer the debug information's own base type (same spelling once canonicalised) */
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
	struct ctype *t = src_type_named(s, CNS_BASE, dname);
	return t ? t : ctype_builtin(s, name);
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static struct ctype *lookup(kd_session *s, const char *spelling, bool quiet)
{
	struct type_cache *c = cache(s);
	struct ctype *t = strmap_get(&c->by_spelling, spelling);
	if (t)
		return t;
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
		if (!quiet)
			kd_fail(s, "no type name in \"%s\"", spelling);
		return NULL;
	}
	t = base_from_words(s, p, strlen(p));
	if (!t) {
		if (strncmp(p, "struct ", 7) == 0 || strncmp(p, "union ", 6) == 0 || strncmp(p, "enum ", 5) == 0 ||
		    strchr(p, ' ') == NULL)
			t = type_named(s, p, quiet);
		else if (!quiet)
			notfound(s, "no type \"%s\" in vmlinux's debug information", p);
		if (!t)
			return NULL;
	}
	if (is_volatile)
		t = ctype_qualified(s, t, CT_VOLATILE);
	if (is_const)
		t = ctype_qualified(s, t, CT_CONST);
	for (int i = 0; i < nptr; i++) {
		t = ctype_pointer_to(s, t);
		if (cptr[i])
			t = ctype_qualified(s, t, CT_CONST);
	}
	strmap_put(&c->by_spelling, xstrdup(spelling), t);
	return t;
}

struct ctype *ctype_lookup(kd_session *s, const char *spelling)
{
	return lookup(s, spelling, false);
}

struct ctype *ctype_find(kd_session *s, const char *spelling)
{
	return lookup(s, spelling, true);
}

/* ---- names, variables, enumerators ---- */

bool ctype_has_name(kd_session *s, enum ctype_ns ns, const char *name)
{
	return vmci(s) ? vmci_type_named(s, ns, name) != NULL : dwarf_has_name(s, ns, name);
}

bool ctype_is_typedef_name(kd_session *s, const char *name)
{
	return ctype_has_name(s, CNS_TYPEDEF, name) && !ctype_has_name(s, CNS_VARIABLE, name) &&
	       !ctype_has_name(s, CNS_FUNCTION, name);
}

/* ---- the public accessors of <kdive/types.h> (a kd_type is a struct ctype) ---- */

_Static_assert(KD_TYPE_VOID == (int)CT_VOID && KD_TYPE_INT == (int)CT_INT && KD_TYPE_FLOAT == (int)CT_FLOAT &&
		       KD_TYPE_POINTER == (int)CT_PTR && KD_TYPE_ARRAY == (int)CT_ARRAY &&
		       KD_TYPE_STRUCT == (int)CT_STRUCT && KD_TYPE_UNION == (int)CT_UNION && KD_TYPE_ENUM == (int)CT_ENUM &&
		       KD_TYPE_FUNCTION == (int)CT_FUNC && KD_TYPE_TYPEDEF == (int)CT_TYPEDEF &&
		       KD_TYPE_CONST == (int)CT_CONST && KD_TYPE_VOLATILE == (int)CT_VOLATILE &&
		       KD_TYPE_RESTRICT == (int)CT_RESTRICT && KD_TYPE_ATOMIC == (int)CT_ATOMIC,
	       "enum kd_type_kind mirrors enum ctype_kind");
_Static_assert(KD_NAME_STRUCT == (int)CNS_STRUCT && KD_NAME_UNION == (int)CNS_UNION && KD_NAME_ENUM == (int)CNS_ENUM &&
		       KD_NAME_TYPEDEF == (int)CNS_TYPEDEF && KD_NAME_BASE == (int)CNS_BASE &&
		       KD_NAME_VARIABLE == (int)CNS_VARIABLE && KD_NAME_FUNCTION == (int)CNS_FUNCTION &&
		       KD_NAME_ENUMERATOR == (int)CNS_ENUMERATOR,
	       "enum kd_name_kind mirrors enum ctype_ns");

enum kd_type_kind kd_type_kind(const kd_type *t)
{
	return (enum kd_type_kind)((const struct ctype *)t)->kind;
}

const kd_type *kd_type_resolve(kd_session *s, const kd_type *t)
{
	return (const kd_type *)ctype_resolve(s, (struct ctype *)t);
}

const kd_type *kd_type_target(const kd_type *t)
{
	const struct ctype *c = (const struct ctype *)t;
	switch (c->kind) {
	case CT_PTR:
	case CT_ARRAY:
	case CT_TYPEDEF:
	case CT_CONST:
	case CT_VOLATILE:
	case CT_RESTRICT:
	case CT_ATOMIC:
	case CT_FUNC: return (const kd_type *)c->target;
	default: return NULL;
	}
}

bool kd_name_exists(kd_session *s, enum kd_name_kind kind, const char *name)
{
	if ((unsigned)kind > KD_NAME_ENUMERATOR)
		return false;
	return ctype_has_name(s, (enum ctype_ns)kind, name);
}

bool kd_symbol_is_percpu(kd_session *s, const char *name, uint64_t *offset)
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

/*
 * `extern char x[];` seen from a unit that does not define x: when the type we found is an
 * array without a bound, the ELF symbol's size gives it back, as the defining unit's own
 * type would.
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
	uint64_t esize = ctype_sizeof(s, a->target);
	if (!k || !k->size || !esize)
		return t;
	struct ctype *full = ctype_array_of(s, a->target, k->size / esize);
	for (int i = nq - 1; i >= 0; i--)
		full = ctype_qualified(s, full, quals[i]->kind);
	return full;
}

int ctype_var(kd_session *s, const char *name, struct ctype **type, uint64_t *addr)
{
	struct ctype *t;
	uint64_t link = 0, off;
	bool has_addr;
	if (vmci(s) || !dwarf_var(s, name, &t, &link, &has_addr)) /* VMCOREINFO gives symbols, not their types */
		return 0;
	if (addr) {
		/* Relocated as gdb relocates vmlinux (or as the module was loaded); else the per-CPU offset or the ELF symbol. */
		const struct ksym *k;
		if (has_addr)
			*addr = link;
		else if (kd_symbol_is_percpu(s, name, &off))
			*addr = off + s->ki.kaslr_offset;
		else if (s->symtab && (k = symtab_lookup(s->symtab, name)))
			*addr = k->addr;
		else
			return kd_fail(s, "Cannot access \"%s\": it has no address (optimized out)", name);
	}
	*type = complete_array_type(s, t, name);
	return 1;
}

bool ctype_enumerator(kd_session *s, const char *name, int64_t *value, struct ctype **type)
{
	return !vmci(s) && dwarf_enumerator(s, name, value, type);
}
