#include "debuginfo/dwarf_index.h"

#include <dwarf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sections {
	int fd;            /* >= 0: read .debug_info CUs with pread at info_foff (not the mapping) */
	uint64_t info_foff;
	const uint8_t *info, *abbrev, *str, *line_str, *str_offsets;
	size_t info_len, abbrev_len, str_len, line_str_len, str_offsets_len;
};

struct attr_spec {
	uint32_t at, form;
	int64_t implicit;
};

struct abbrev {
	uint64_t code;
	uint32_t tag;
	bool children;
	uint32_t first, nattrs; /* into abbrev_table.attrs */
};

struct abbrev_table {
	VEC(struct abbrev) abbrevs;
	VEC(struct attr_spec) attrs;
	VEC(uint32_t) by_code; /* code -> index+1 for small codes */
};

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t uleb(struct reader *r)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (r->p < r->end) {
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t sleb(struct reader *r)
{
	int64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;
	while (r->p < r->end) {
		b = *r->p++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= -((int64_t)1 << shift);
			return v;
		}
	}
	r->bad = true;
	return 0;
}

static uint64_t fixed(struct reader *r, unsigned n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static void skip(struct reader *r, uint64_t n)
{
	if ((uint64_t)(r->end - r->p) < n) {
		r->bad = true;
		r->p = r->end;
	} else {
		r->p += n;
	}
}

static bool parse_abbrevs(const struct sections *sec, uint64_t off, struct abbrev_table *t)
{
	t->abbrevs.len = t->attrs.len = t->by_code.len = 0;
	if (off >= sec->abbrev_len)
		return false;
	struct reader r = {sec->abbrev + off, sec->abbrev + sec->abbrev_len, false};
	for (;;) {
		uint64_t code = uleb(&r);
		if (r.bad)
			return false;
		if (code == 0)
			break;
		struct abbrev a = {.code = code};
		a.tag = (uint32_t)uleb(&r);
		a.children = fixed(&r, 1) != 0;
		a.first = (uint32_t)t->attrs.len;
		for (;;) {
			struct attr_spec s = {(uint32_t)uleb(&r), (uint32_t)uleb(&r), 0};
			if (r.bad)
				return false;
			if (s.at == 0 && s.form == 0)
				break;
			if (s.form == DW_FORM_implicit_const)
				s.implicit = sleb(&r);
			VEC_PUSH(&t->attrs, s);
		}
		a.nattrs = (uint32_t)t->attrs.len - a.first;
		VEC_PUSH(&t->abbrevs, a);
		if (code < 65536) {
			while (t->by_code.len <= code)
				VEC_PUSH(&t->by_code, 0);
			t->by_code.items[code] = (uint32_t)t->abbrevs.len;
		}
	}
	return true;
}

static const struct abbrev *find_abbrev(const struct abbrev_table *t, uint64_t code)
{
	if (code < t->by_code.len && t->by_code.items[code])
		return &t->abbrevs.items[t->by_code.items[code] - 1];
	for (size_t i = 0; i < t->abbrevs.len; i++)
		if (t->abbrevs.items[i].code == code)
			return &t->abbrevs.items[i];
	return NULL;
}

struct cu_ctx {
	const struct sections *sec;
	uint64_t cu_off;
	unsigned offset_size, addr_size, version;
	uint64_t str_offsets_base;
};

struct die_info {
	const char *name;
	uint64_t sibling; /* absolute, 0 if none */
	uint64_t specification; /* absolute, 0 if none */
	bool declaration, has_location, has_low_pc, has_type;
	uint64_t str_offsets_base;
};

/* String sections are checked once to end in NUL (see dwi_build), so any offset inside is a string. */
static const char *str_at(const uint8_t *base, size_t len, uint64_t off)
{
	if (off >= len)
		return NULL;
	return (const char *)base + off;
}

static const char *strx_name(const struct cu_ctx *cu, uint64_t idx)
{
	const struct sections *s = cu->sec;
	uint64_t pos = cu->str_offsets_base + idx * cu->offset_size;
	if (!s->str_offsets || pos + cu->offset_size > s->str_offsets_len)
		return NULL;
	struct reader r = {s->str_offsets + pos, s->str_offsets + s->str_offsets_len, false};
	return str_at(s->str, s->str_len, fixed(&r, cu->offset_size));
}

/* Decode one attribute value of the given form; returns it as an integer (or string via *str). */
static uint64_t read_form(struct reader *r, const struct cu_ctx *cu, uint32_t form, int64_t implicit, const char **str)
{
	switch (form) {
	case DW_FORM_addr: return fixed(r, cu->addr_size);
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1:
		return fixed(r, 1);
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2: return fixed(r, 2);
	case DW_FORM_strx3: case DW_FORM_addrx3: return fixed(r, 3);
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4: return fixed(r, 4);
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: return fixed(r, 8);
	case DW_FORM_data16: skip(r, 16); return 0;
	case DW_FORM_sdata: return (uint64_t)sleb(r);
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx:
	case DW_FORM_rnglistx: case DW_FORM_loclistx:
		return uleb(r);
	case DW_FORM_string: {
		const uint8_t *nul = memchr(r->p, 0, (size_t)(r->end - r->p));
		if (!nul) {
			r->bad = true;
			r->p = r->end;
			return 0;
		}
		if (str)
			*str = (const char *)r->p;
		r->p = nul + 1;
		return 0;
	}
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset: case DW_FORM_strp_sup:
	case DW_FORM_GNU_strp_alt: case DW_FORM_GNU_ref_alt:
		return fixed(r, cu->offset_size);
	case DW_FORM_ref_addr: return fixed(r, cu->version <= 2 ? cu->addr_size : cu->offset_size);
	case DW_FORM_flag_present: return 1;
	case DW_FORM_implicit_const: return (uint64_t)implicit;
	case DW_FORM_exprloc: case DW_FORM_block: skip(r, uleb(r)); return 0;
	case DW_FORM_block1: skip(r, fixed(r, 1)); return 0;
	case DW_FORM_block2: skip(r, fixed(r, 2)); return 0;
	case DW_FORM_block4: skip(r, fixed(r, 4)); return 0;
	case DW_FORM_indirect: {
		uint32_t f = (uint32_t)uleb(r);
		if (f == DW_FORM_indirect || r->bad) {
			r->bad = true;
			return 0;
		}
		return read_form(r, cu, f, 0, str);
	}
	default:
		r->bad = true; /* unknown form: we cannot know its size */
		return 0;
	}
}

static bool is_ref_form(uint32_t form)
{
	return form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 || form == DW_FORM_ref8 ||
	       form == DW_FORM_ref_udata;
}

static void read_die(struct reader *r, const struct cu_ctx *cu, const struct abbrev_table *t, const struct abbrev *a,
		     struct die_info *d)
{
	memset(d, 0, sizeof(*d));
	const struct sections *sec = cu->sec;
	for (uint32_t i = 0; i < a->nattrs && !r->bad; i++) {
		const struct attr_spec *s = &t->attrs.items[a->first + i];
		const char *str = NULL;
		uint64_t v = read_form(r, cu, s->form, s->implicit, &str);
		switch (s->at) {
		case DW_AT_name:
			if (s->form == DW_FORM_string)
				d->name = str;
			else if (s->form == DW_FORM_strp)
				d->name = str_at(sec->str, sec->str_len, v);
			else if (s->form == DW_FORM_line_strp)
				d->name = str_at(sec->line_str, sec->line_str_len, v);
			else if (s->form == DW_FORM_strx || (s->form >= DW_FORM_strx1 && s->form <= DW_FORM_strx4))
				d->name = strx_name(cu, v);
			break;
		case DW_AT_sibling:
			if (is_ref_form(s->form))
				d->sibling = cu->cu_off + v;
			else if (s->form == DW_FORM_ref_addr)
				d->sibling = v;
			break;
		case DW_AT_specification:
			if (is_ref_form(s->form))
				d->specification = cu->cu_off + v;
			else if (s->form == DW_FORM_ref_addr)
				d->specification = v;
			break;
		case DW_AT_declaration: d->declaration = v != 0; break;
		case DW_AT_location: d->has_location = true; break;
		case DW_AT_type: d->has_type = true; break;
		case DW_AT_low_pc: case DW_AT_ranges: d->has_low_pc = true; break;
		case DW_AT_str_offsets_base: d->str_offsets_base = v; break;
		default: break;
		}
	}
}

struct thread_result {
	VEC(struct dwi_entry) entries;
	VEC(char *) owned;   /* inline names copied out of the CU buffer */
	struct strmap interned;
	struct u64map seen; /* (name pointer, kind) -> entry index + 1 */
	uint64_t ncus, ndies;
	bool failed;
	char why[200];
};

struct thread_job {
	const struct sections *sec;
	uint64_t start, end; /* CU offsets: [start, end) */
	struct thread_result res;
};

static void add_entry(struct thread_result *res, enum dwi_kind kind, const char *name, uint64_t die, uint8_t quality)
{
	/* Names come from a merged string section: the same name is the same pointer, a cheap key. */
	uint64_t key = (uint64_t)(uintptr_t)name * 16 + kind;
	uintptr_t idx = (uintptr_t)u64map_get(&res->seen, key);
	if (idx) {
		struct dwi_entry *e = &res->entries.items[idx - 1];
		if (quality > e->quality) {
			e->die = die;
			e->quality = quality;
		}
		return;
	}
	VEC_PUSH(&res->entries, ((struct dwi_entry){name, die, UINT32_MAX, (uint8_t)kind, quality}));
	u64map_put(&res->seen, key, (void *)(uintptr_t)res->entries.len);
}

static void index_top_die(struct thread_result *res, uint32_t tag, uint64_t off, const struct die_info *d,
			  const struct u64map *decl_names)
{
	const char *name = d->name;
	if (!name && d->specification)
		name = u64map_get(decl_names, d->specification);
	if (!name || !*name)
		return;
	switch (tag) {
	case DW_TAG_structure_type:
		if (!d->declaration)
			add_entry(res, DWI_STRUCT, name, off, 2);
		break;
	case DW_TAG_union_type:
		if (!d->declaration)
			add_entry(res, DWI_UNION, name, off, 2);
		break;
	case DW_TAG_enumeration_type:
		if (!d->declaration)
			add_entry(res, DWI_ENUM, name, off, 2);
		break;
	case DW_TAG_typedef: add_entry(res, DWI_TYPEDEF, name, off, 2); break;
	case DW_TAG_base_type: add_entry(res, DWI_BASE, name, off, 2); break;
	case DW_TAG_variable:
		/* A definition that carries its own complete type (linux_banner's in version-timestamp.c)
		 * beats one whose type lives only on the declaration it specifies. */
		add_entry(res, DWI_VARIABLE, name, off, d->has_location ? (d->has_type ? 4 : 3) : d->declaration ? 1 : 2);
		break;
	case DW_TAG_subprogram:
		add_entry(res, DWI_FUNCTION, name, off, d->has_low_pc ? 3 : d->declaration ? 1 : 2);
		break;
	default: break;
	}
}

/* A DW_FORM_string name lives in the CU's bytes; when those are a reused buffer, keep a copy. */
static const char *keep_name(struct thread_job *job, const char *name, const uint8_t *bytes, uint64_t avail)
{
	if (!name || job->sec->fd < 0 || (const uint8_t *)name < bytes || (const uint8_t *)name >= bytes + avail)
		return name;
	char *copy = strmap_get(&job->res.interned, name);
	if (!copy) {
		copy = xstrdup(name);
		VEC_PUSH(&job->res.owned, copy);
		strmap_put(&job->res.interned, copy, copy);
	}
	return copy;
}

/* bytes holds .debug_info from section offset off on, avail bytes of it. */
static bool scan_cu(struct thread_job *job, uint64_t off, const uint8_t *bytes, uint64_t avail, uint64_t *next,
		    struct abbrev_table *abbrevs, struct u64map *decl_names)
{
	const struct sections *sec = job->sec;
	struct reader r = {bytes, bytes + avail, false};
	struct cu_ctx cu = {.sec = sec, .cu_off = off, .offset_size = 4};
	uint64_t len = fixed(&r, 4);
	if (len == 0xffffffff) {
		cu.offset_size = 8;
		len = fixed(&r, 8);
	}
	if (r.bad || len > (uint64_t)(r.end - r.p)) {
		snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: length runs past .debug_info", (unsigned long long)off);
		return false;
	}
	const uint8_t *end = r.p + len;
	*next = off + (uint64_t)(end - bytes);
	r.end = end;
	const uint64_t cu_end = *next;
	cu.version = (unsigned)fixed(&r, 2);
	uint64_t abbrev_off;
	if (cu.version >= 5) {
		unsigned unit_type = (unsigned)fixed(&r, 1);
		cu.addr_size = (unsigned)fixed(&r, 1);
		abbrev_off = fixed(&r, cu.offset_size);
		if (unit_type == DW_UT_skeleton || unit_type == DW_UT_split_compile)
			skip(&r, 8);
		else if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
			skip(&r, 8 + cu.offset_size);
	} else if (cu.version >= 2) {
		abbrev_off = fixed(&r, cu.offset_size);
		cu.addr_size = (unsigned)fixed(&r, 1);
	} else {
		return true; /* not something we can read; skip the unit */
	}
	if (r.bad || !parse_abbrevs(sec, abbrev_off, abbrevs)) {
		snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: bad abbreviation table", (unsigned long long)off);
		return false;
	}
	job->res.ncus++;
	u64map_clear(decl_names);
	int depth = 0;
	uint32_t top_tag = 0;
	while (r.p < r.end && !r.bad) {
		uint64_t die_off = off + (uint64_t)(r.p - bytes);
		uint64_t code = uleb(&r);
		if (code == 0) {
			if (--depth <= 0)
				break;
			continue;
		}
		const struct abbrev *a = find_abbrev(abbrevs, code);
		if (!a) {
			snprintf(job->res.why, sizeof(job->res.why), "DIE at %#llx: unknown abbreviation %llu",
				 (unsigned long long)die_off, (unsigned long long)code);
			return false;
		}
		struct die_info d;
		read_die(&r, &cu, abbrevs, a, &d);
		d.name = keep_name(job, d.name, bytes, avail);
		job->res.ndies++;
		if (depth == 0) { /* the CU DIE */
			cu.str_offsets_base = d.str_offsets_base;
			if (!a->children)
				break;
			depth = 1;
			continue;
		}
		if (depth == 1) {
			top_tag = a->tag;
			if (a->tag == DW_TAG_variable && d.declaration && d.name)
				u64map_put(decl_names, die_off, (void *)d.name);
			index_top_die(&job->res, a->tag, die_off, &d, decl_names);
			if (a->children) {
				if (a->tag != DW_TAG_enumeration_type && d.sibling > die_off && d.sibling < cu_end)
					r.p = bytes + (d.sibling - off);
				else
					depth++;
			}
			continue;
		}
		if (depth == 2 && top_tag == DW_TAG_enumeration_type && a->tag == DW_TAG_enumerator && d.name)
			add_entry(&job->res, DWI_ENUMERATOR, d.name, die_off, 2);
		if (a->children) {
			if (d.sibling > die_off && d.sibling < cu_end)
				r.p = bytes + (d.sibling - off);
			else
				depth++;
		}
	}
	if (r.bad) {
		snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: malformed DIE data", (unsigned long long)off);
		return false;
	}
	return true;
}

static void *scan_thread(void *arg)
{
	struct thread_job *job = arg;
	struct abbrev_table abbrevs = {0};
	struct u64map decl_names;
	u64map_init(&decl_names);
	u64map_init(&job->res.seen);
	strmap_init(&job->res.interned);
	const struct sections *sec = job->sec;
	VEC(uint8_t) buf = {0};
	for (uint64_t off = job->start; off < job->end;) {
		uint64_t next, avail = sec->info_len - off;
		const uint8_t *bytes = sec->info + off;
		if (sec->fd >= 0) {
			/* Read just this CU: its length comes first (4 bytes, or 12 for 64-bit DWARF). */
			uint8_t head[12];
			uint64_t len = 0, hdr = 4;
			if (avail < 4 || pread(sec->fd, head, MIN(avail, 12), (off_t)(sec->info_foff + off)) < 4) {
				snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: unreadable", (unsigned long long)off);
				job->res.failed = true;
				break;
			}
			memcpy(&len, head, 4);
			if (len == 0xffffffff) {
				memcpy(&len, head + 4, 8);
				hdr = 12;
			}
			if (len > avail - hdr) {
				snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: length runs past .debug_info", (unsigned long long)off);
				job->res.failed = true;
				break;
			}
			avail = hdr + len;
			buf.len = 0;
			VEC_RESERVE(&buf, avail);
			if (pread(sec->fd, buf.items, avail, (off_t)(sec->info_foff + off)) != (ssize_t)avail) {
				snprintf(job->res.why, sizeof(job->res.why), "CU at %#llx: short read", (unsigned long long)off);
				job->res.failed = true;
				break;
			}
			bytes = buf.items;
		}
		if (!scan_cu(job, off, bytes, avail, &next, &abbrevs, &decl_names)) {
			job->res.failed = true;
			break;
		}
		off = next;
	}
	VEC_FREE(&buf);
	strmap_free(&job->res.interned);
	VEC_FREE(&abbrevs.abbrevs);
	VEC_FREE(&abbrevs.attrs);
	VEC_FREE(&abbrevs.by_code);
	u64map_free(&decl_names);
	u64map_free(&job->res.seen);
	return NULL;
}

static const uint8_t *section_data(Elf *elf, size_t shstrndx, const char *want, size_t *len)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, want) != 0 || sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_flags & SHF_COMPRESSED)
			elf_compress(scn, 0, 0);
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		*len = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

/* CU boundaries, so that threads get contiguous, similarly sized ranges. */
static void split_cus(const struct sections *sec, int n, uint64_t *bounds)
{
	uint64_t target = sec->info_len / (uint64_t)n, off = 0;
	int k = 1;
	bounds[0] = 0;
	while (off < sec->info_len && k < n) {
		struct reader r = {sec->info + off, sec->info + sec->info_len, false};
		uint64_t len = fixed(&r, 4);
		if (len == 0xffffffff)
			len = fixed(&r, 8);
		if (r.bad || len > (uint64_t)(r.end - r.p))
			break;
		off = (uint64_t)(r.p - sec->info) + len;
		if (off >= target * (uint64_t)k)
			bounds[k++] = off;
	}
	while (k <= n)
		bounds[k++] = sec->info_len;
}

static void merge(struct dwarf_index *x, struct thread_result *res)
{
	for (size_t i = 0; i < res->entries.len; i++) {
		struct dwi_entry *e = &res->entries.items[i];
		uint64_t h = hash_str(e->name);
		uintptr_t head = (uintptr_t)u64map_get(&x->maps[e->kind], h);
		struct dwi_entry *found = NULL;
		for (uintptr_t j = head; j; j = x->entries[j - 1].next == UINT32_MAX ? 0 : x->entries[j - 1].next + 1)
			if (strcmp(x->entries[j - 1].name, e->name) == 0) {
				found = &x->entries[j - 1];
				break;
			}
		if (found) {
			if (e->quality > found->quality) {
				found->die = e->die;
				found->quality = e->quality;
			}
			continue;
		}
		struct dwi_entry ne = *e;
		ne.next = head ? (uint32_t)(head - 1) : UINT32_MAX;
		x->entries[x->nentries++] = ne;
		u64map_put(&x->maps[e->kind], h, (void *)(uintptr_t)x->nentries);
	}
}

struct dwarf_index *dwi_build(Elf *elf, int nthreads, struct kd_err *err)
{
	return dwi_build_fd(elf, -1, nthreads, err);
}

/* File offset of an uncompressed section, or UINT64_MAX. */
static uint64_t section_file_offset(Elf *elf, size_t shstrndx, const char *want)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) && strcmp(name, want) == 0)
			return (sh.sh_flags & SHF_COMPRESSED) || sh.sh_type == SHT_NOBITS ? UINT64_MAX : sh.sh_offset;
	}
	return UINT64_MAX;
}

struct dwarf_index *dwi_build_fd(Elf *elf, int fd, int nthreads, struct kd_err *err)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) < 0) {
		kd_err_set(err, KD_EFORMAT, "vmlinux: %s", elf_errmsg(-1));
		return NULL;
	}
	struct sections sec = {.fd = -1};
	if (fd >= 0 && (sec.info_foff = section_file_offset(elf, shstrndx, ".debug_info")) != UINT64_MAX)
		sec.fd = fd; /* decided before section_data, which may decompress the section in place */
	sec.info = section_data(elf, shstrndx, ".debug_info", &sec.info_len);
	sec.abbrev = section_data(elf, shstrndx, ".debug_abbrev", &sec.abbrev_len);
	sec.str = section_data(elf, shstrndx, ".debug_str", &sec.str_len);
	sec.line_str = section_data(elf, shstrndx, ".debug_line_str", &sec.line_str_len);
	sec.str_offsets = section_data(elf, shstrndx, ".debug_str_offsets", &sec.str_offsets_len);
	if (sec.str && (!sec.str_len || sec.str[sec.str_len - 1]))
		sec.str = NULL;
	if (sec.line_str && (!sec.line_str_len || sec.line_str[sec.line_str_len - 1]))
		sec.line_str = NULL;
	if (!sec.info || !sec.abbrev) {
		kd_err_set(err, KD_ENOTFOUND, "vmlinux has no DWARF debug information (.debug_info); use the -dbg vmlinux");
		return NULL;
	}
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 64)
		nthreads = 64;
	uint64_t bounds[65];
	split_cus(&sec, nthreads, bounds);
	struct thread_job *jobs = xcalloc((size_t)nthreads, sizeof(*jobs));
	pthread_t *tids = xcalloc((size_t)nthreads, sizeof(*tids));
	for (int i = 0; i < nthreads; i++) {
		jobs[i].sec = &sec;
		jobs[i].start = bounds[i];
		jobs[i].end = bounds[i + 1];
		if (i > 0 && pthread_create(&tids[i], NULL, scan_thread, &jobs[i]) != 0) {
			tids[i] = 0;
			scan_thread(&jobs[i]);
		}
	}
	scan_thread(&jobs[0]);
	for (int i = 1; i < nthreads; i++)
		if (tids[i])
			pthread_join(tids[i], NULL);
	struct dwarf_index *x = xcalloc(1, sizeof(*x));
	x->info_size = sec.info_len;
	size_t total = 0;
	for (int i = 0; i < nthreads; i++) {
		total += jobs[i].res.entries.len;
		x->ncus += jobs[i].res.ncus;
		x->ndies_seen += jobs[i].res.ndies;
	}
	x->entries = xmalloc(total * sizeof(*x->entries));
	for (int k = 0; k < DWI_NKINDS; k++)
		u64map_init(&x->maps[k]);
	int failed = -1;
	for (int i = 0; i < nthreads; i++) {
		if (jobs[i].res.failed && failed < 0)
			failed = i;
		merge(x, &jobs[i].res);
		VEC_FREE(&jobs[i].res.entries);
		for (size_t k = 0; k < jobs[i].res.owned.len; k++)
			VEC_PUSH(&x->owned, jobs[i].res.owned.items[k]);
		VEC_FREE(&jobs[i].res.owned);
	}
	if (failed >= 0)
		kd_err_set(err, KD_EFORMAT, "vmlinux DWARF: %s", jobs[failed].res.why);
	free(jobs);
	free(tids);
	if (failed >= 0) {
		dwi_free(x);
		return NULL;
	}
	return x;
}

void dwi_free(struct dwarf_index *x)
{
	if (!x)
		return;
	for (int k = 0; k < DWI_NKINDS; k++)
		u64map_free(&x->maps[k]);
	free(x->entries);
	free(x->names);
	for (size_t i = 0; i < x->owned.len; i++)
		free(x->owned.items[i]);
	VEC_FREE(&x->owned);
	free(x);
}

uint64_t dwi_info_size(Elf *elf)
{
	size_t shstrndx, len = 0;
	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) && strcmp(name, ".debug_info") == 0) {
			if (sh.sh_flags & SHF_COMPRESSED)
				return section_data(elf, shstrndx, ".debug_info", &len) ? len : 0;
			return sh.sh_size;
		}
	}
	return 0;
}

#define IDX_MAGIC "KDIVEIDX"
#define IDX_VERSION 2 /* 2: variables with their own type rank higher */

uint64_t dwi_cache_checksum(const void *a, size_t alen, const void *b, size_t blen)
{
	return hash_bytes(a, alen) ^ (hash_bytes(b, blen) * 31);
}

int dwi_save(const struct dwarf_index *x, const char *path, const uint8_t *build_id, size_t build_id_len, struct kd_err *err)
{
	if (build_id_len == 0 || build_id_len > 64)
		return kd_err_set(err, KD_EINVAL, "no usable build ID");
	size_t names_size = 0;
	for (size_t i = 0; i < x->nentries; i++)
		names_size += strlen(x->entries[i].name) + 1;
	struct dwi_cache_entry *ents = xcalloc(x->nentries ? x->nentries : 1, sizeof(*ents));
	char *names = xmalloc(names_size + 1), *p = names;
	for (size_t i = 0; i < x->nentries; i++) {
		size_t l = strlen(x->entries[i].name) + 1;
		memcpy(p, x->entries[i].name, l);
		ents[i] = (struct dwi_cache_entry){x->entries[i].die, (uint32_t)(p - names), x->entries[i].kind, x->entries[i].quality, {0}};
		p += l;
	}
	struct dwi_cache_header h = {.version = IDX_VERSION, .build_id_len = (uint32_t)build_id_len, .info_size = x->info_size,
			       .nentries = x->nentries, .names_size = names_size};
	memcpy(h.magic, IDX_MAGIC, 8);
	memcpy(h.build_id, build_id, build_id_len);
	h.checksum = dwi_cache_checksum(ents, x->nentries * sizeof(*ents), names, names_size);
	char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	int rc = 0;
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 || (x->nentries && fwrite(ents, sizeof(*ents), x->nentries, f) != x->nentries) ||
	    (names_size && fwrite(names, 1, names_size, f) != names_size))
		rc = kd_err_set(err, KD_EIO, "cannot write %s", tmp);
	if (f && fclose(f) != 0 && rc == 0)
		rc = kd_err_set(err, KD_EIO, "cannot write %s", tmp);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = kd_err_set(err, KD_EIO, "cannot rename %s", tmp);
	if (rc)
		unlink(tmp);
	free(tmp);
	free(ents);
	free(names);
	return rc;
}

struct dwarf_index *dwi_load(const char *path, const uint8_t *build_id, size_t build_id_len, uint64_t info_size,
			     struct kd_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		kd_err_set(err, KD_ENOTFOUND, "no index cache %s", path);
		return NULL;
	}
	struct dwi_cache_header h;
	struct dwarf_index *x = NULL;
	struct dwi_cache_entry *ents = NULL;
	char *names = NULL;
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, IDX_MAGIC, 8) != 0 || h.version != IDX_VERSION ||
	    h.build_id_len != build_id_len || build_id_len > 64 || memcmp(h.build_id, build_id, build_id_len) != 0 ||
	    h.info_size != info_size || h.nentries > (64u << 20) || h.names_size > (1u << 30)) {
		kd_err_set(err, KD_EFORMAT, "index cache %s is stale or not ours", path);
		goto out;
	}
	ents = xmalloc((h.nentries ? h.nentries : 1) * sizeof(*ents));
	names = xmalloc(h.names_size + 1);
	if ((h.nentries && fread(ents, sizeof(*ents), h.nentries, f) != h.nentries) ||
	    (h.names_size && fread(names, 1, h.names_size, f) != h.names_size) || fgetc(f) != EOF ||
	    dwi_cache_checksum(ents, h.nentries * sizeof(*ents), names, h.names_size) != h.checksum) {
		kd_err_set(err, KD_EFORMAT, "index cache %s is truncated or corrupt", path);
		goto out;
	}
	names[h.names_size] = '\0';
	x = xcalloc(1, sizeof(*x));
	x->entries = xmalloc((h.nentries ? h.nentries : 1) * sizeof(*x->entries));
	x->info_size = info_size;
	x->from_cache = true;
	for (int k = 0; k < DWI_NKINDS; k++)
		u64map_init(&x->maps[k]);
	struct thread_result res = {0};
	for (uint64_t i = 0; i < h.nentries; i++) {
		const struct dwi_cache_entry *e = &ents[i];
		if (e->name_off >= h.names_size || e->kind >= DWI_NKINDS || e->die >= info_size ||
		    !memchr(names + e->name_off, 0, h.names_size - e->name_off)) {
			kd_err_set(err, KD_EFORMAT, "index cache %s has an entry out of range", path);
			VEC_FREE(&res.entries);
			dwi_free(x);
			x = NULL;
			goto out;
		}
		VEC_PUSH(&res.entries, ((struct dwi_entry){names + e->name_off, e->die, UINT32_MAX, e->kind, e->quality}));
	}
	merge(x, &res);
	VEC_FREE(&res.entries);
	x->names = names;
	names = NULL;
out:
	fclose(f);
	free(ents);
	free(names);
	return x;
}

bool dwi_find(const struct dwarf_index *x, enum dwi_kind kind, const char *name, uint64_t *die)
{
	if (!x)
		return false;
	uintptr_t j = (uintptr_t)u64map_get(&x->maps[kind], hash_str(name));
	while (j) {
		const struct dwi_entry *e = &x->entries[j - 1];
		if (strcmp(e->name, name) == 0) {
			*die = e->die;
			return true;
		}
		j = e->next == UINT32_MAX ? 0 : e->next + 1;
	}
	return false;
}

void dwi_foreach(const struct dwarf_index *x, enum dwi_kind kind, bool (*fn)(const char *name, void *arg), void *arg)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nentries; i++)
		if (x->entries[i].kind == kind && !fn(x->entries[i].name, arg))
			return;
}
