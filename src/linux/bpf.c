/* BPF programs and maps: the entries of prog_idr and map_idr, read by member name. */
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

#include <kdive/bpf.h>
#include <kdive/memory.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/util.h>
#include <kdive/walk.h>

#define USED_MAPS_MAX 65536 /* MAX_USED_MAPS is 64 */

struct idr_entries {
	VEC(uint64_t) ids;
	VEC(uint64_t) ptrs;
};

static int idr_visit(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	struct idr_entries *e = arg;
	if (!entry)
		return 0;
	VEC_PUSH(&e->ids, pos ? pos->index : 0);
	VEC_PUSH(&e->ptrs, entry);
	return 0;
}

static int walk_idr(kd_session *s, const char *sym, struct idr_entries *e)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, sym);
	if (!k)
		return kd_error(s, KD_EUNSUPP, 0, "command not supported or applicable on this architecture or kernel");
	if (kd_walk_idr(s, k->addr, idr_visit, e) < 0)
		return kd_fail_prefix(s, "%s", sym);
	return 0;
}

struct prog_view {
	uint16_t pages;
	uint8_t gpl;
	int64_t type;
	uint8_t tag[8];
	uint32_t len, jited_len;
	uint64_t bpf_func, aux;
};
static const struct kd_field prog_fields[] = {
	KD_FIELD(struct prog_view, pages, "pages", KD_FIELD_OPTIONAL),
	KD_FIELD(struct prog_view, gpl, "gpl_compatible", KD_FIELD_OPTIONAL),
	KD_FIELD(struct prog_view, type, "type", 0),
	KD_FIELD(struct prog_view, tag, "tag", 0),
	KD_FIELD(struct prog_view, len, "len", 0),
	KD_FIELD(struct prog_view, jited_len, "jited_len", 0),
	KD_FIELD(struct prog_view, bpf_func, "bpf_func", 0),
	KD_FIELD(struct prog_view, aux, "aux", 0),
};
#define MISSING_PAGES 0x1
#define MISSING_GPL 0x2

struct aux_view {
	uint32_t used_map_cnt;
	uint64_t used_maps, load_time, user;
	char name[16];
};
static const struct kd_field aux_fields[] = {
	KD_FIELD(struct aux_view, used_map_cnt, "used_map_cnt", 0),
	KD_FIELD(struct aux_view, used_maps, "used_maps", 0),
	KD_FIELD(struct aux_view, load_time, "load_time", KD_FIELD_OPTIONAL),
	KD_FIELD(struct aux_view, user, "user", KD_FIELD_OPTIONAL),
	KD_FIELD(struct aux_view, name, "name", KD_FIELD_OPTIONAL),
};
#define MISSING_LOAD_TIME 0x4
#define MISSING_USER 0x8
#define MISSING_NAME 0x10

static int64_t user_uid(kd_session *s, uint64_t user)
{
	uint64_t off, uid;
	if (!user || kd_member_offset(s, "user_struct", "uid", &off) < 0 || kd_read_int(s, user + off, 4, &uid) < 0) {
		kd_clear_error(s);
		return -1;
	}
	return (int64_t)uid;
}

long kd_bpf_progs(kd_session *s, struct kd_bpf_prog **out)
{
	*out = NULL;
	struct idr_entries e = {0};
	uint64_t insnsi_off;
	if (!kd_symbol_lookup(s, "map_idr") || kd_struct_check(s, "bpf_prog", prog_fields, 8, NULL) < 0 ||
	    kd_struct_check(s, "bpf_prog_aux", aux_fields, 5, NULL) < 0 || kd_member_offset(s, "bpf_prog", "insnsi", &insnsi_off) < 0) {
		kd_clear_error(s);
		return kd_error(s, KD_EUNSUPP, 0, "command not supported or applicable on this architecture or kernel");
	}
	int rc = walk_idr(s, "prog_idr", &e);
	struct kd_bpf_prog *p = kd_xcalloc(e.ptrs.len ? e.ptrs.len : 1, sizeof(*p));
	size_t n = 0;
	for (size_t i = 0; i < e.ptrs.len && rc == 0; i++) {
		struct prog_view v = {0};
		struct aux_view a = {0};
		uint64_t miss = 0, amiss = 0;
		if (kd_read_struct(s, e.ptrs.items[i], "bpf_prog", prog_fields, 8, &v, &miss) < 0 ||
		    kd_read_struct(s, v.aux, "bpf_prog_aux", aux_fields, 5, &a, &amiss) < 0) {
			rc = kd_fail_prefix(s, "bpf program %llu at %llx", (unsigned long long)e.ids.items[i],
					    (unsigned long long)e.ptrs.items[i]);
			break;
		}
		struct kd_bpf_prog *q = &p[n++];
		q->id = e.ids.items[i];
		q->addr = e.ptrs.items[i];
		q->aux = v.aux;
		q->type = v.type;
		memcpy(q->tag, v.tag, 8);
		q->len = v.len;
		q->jited_len = v.jited_len;
		q->bpf_func = v.bpf_func;
		q->insnsi = q->addr + insnsi_off;
		q->used_maps = a.used_maps;
		q->used_map_cnt = a.used_map_cnt;
		q->pages = miss & MISSING_PAGES ? -1 : v.pages;
		q->gpl_compatible = miss & MISSING_GPL ? -1 : v.gpl & 1;
		q->load_time = amiss & MISSING_LOAD_TIME ? -1 : (int64_t)a.load_time;
		q->has_name = !(amiss & MISSING_NAME);
		memcpy(q->name, a.name, 16);
		q->name[16] = '\0';
		q->uid = amiss & MISSING_USER ? -1 : user_uid(s, a.user);
	}
	VEC_FREE(&e.ids);
	VEC_FREE(&e.ptrs);
	*out = p;
	return rc < 0 ? -1 : (long)n;
}

struct map_view {
	int64_t type;
	uint32_t flags, key_size, value_size, max_entries;
	uint32_t pages, mem_pages;
	uint64_t user, mem_user;
	char name[16];
};
static const struct kd_field map_fields[] = {
	KD_FIELD(struct map_view, type, "map_type", 0),
	KD_FIELD(struct map_view, flags, "map_flags", 0),
	KD_FIELD(struct map_view, key_size, "key_size", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, value_size, "value_size", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, max_entries, "max_entries", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, pages, "pages", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, mem_pages, "memory.pages", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, user, "user", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, mem_user, "memory.user", KD_FIELD_OPTIONAL),
	KD_FIELD(struct map_view, name, "name", KD_FIELD_OPTIONAL),
};
#define NMAP_FIELDS 10

long kd_bpf_maps(kd_session *s, struct kd_bpf_map **out)
{
	*out = NULL;
	struct idr_entries e = {0};
	if (!kd_symbol_lookup(s, "prog_idr") || kd_struct_check(s, "bpf_map", map_fields, NMAP_FIELDS, NULL) < 0) {
		kd_clear_error(s);
		return kd_error(s, KD_EUNSUPP, 0, "command not supported or applicable on this architecture or kernel");
	}
	int rc = walk_idr(s, "map_idr", &e);
	struct kd_bpf_map *m = kd_xcalloc(e.ptrs.len ? e.ptrs.len : 1, sizeof(*m));
	size_t n = 0;
	for (size_t i = 0; i < e.ptrs.len && rc == 0; i++) {
		struct map_view v = {0};
		uint64_t miss = 0;
		if (kd_read_struct(s, e.ptrs.items[i], "bpf_map", map_fields, NMAP_FIELDS, &v, &miss) < 0) {
			rc = kd_fail_prefix(s, "bpf map %llu at %llx", (unsigned long long)e.ids.items[i], (unsigned long long)e.ptrs.items[i]);
			break;
		}
		struct kd_bpf_map *q = &m[n++];
		q->id = e.ids.items[i];
		q->addr = e.ptrs.items[i];
		q->type = v.type;
		q->flags = v.flags;
		q->key_size = miss & (1u << 2) ? -1 : (int64_t)v.key_size;
		q->value_size = miss & (1u << 3) ? -1 : (int64_t)v.value_size;
		q->max_entries = miss & (1u << 4) ? -1 : (int64_t)v.max_entries;
		q->pages = !(miss & (1u << 6)) ? (int64_t)v.mem_pages : !(miss & (1u << 5)) ? (int64_t)v.pages : -1;
		uint64_t user = !(miss & (1u << 8)) ? v.mem_user : !(miss & (1u << 7)) ? v.user : 0;
		q->uid = user ? user_uid(s, user) : -1;
		q->has_name = !(miss & (1u << 9));
		memcpy(q->name, v.name, 16);
		q->name[16] = '\0';
	}
	VEC_FREE(&e.ids);
	VEC_FREE(&e.ptrs);
	*out = m;
	return rc < 0 ? -1 : (long)n;
}

long kd_bpf_prog_used_maps(kd_session *s, const struct kd_bpf_prog *p, uint64_t **out)
{
	*out = NULL;
	uint32_t n = p->used_map_cnt > USED_MAPS_MAX ? USED_MAPS_MAX : p->used_map_cnt;
	if (!n)
		return 0;
	uint64_t *v = kd_xcalloc(n, 8);
	if (kd_read_kv(s, p->used_maps, v, (size_t)n * 8) < 0) {
		free(v);
		return kd_fail_prefix(s, "bpf_prog_aux.used_maps at %llx", (unsigned long long)p->used_maps);
	}
	*out = v;
	return n;
}
