/*
 * The type model's VMCOREINFO source: without a vmlinux, the structures a dump's VMCOREINFO
 * describes. The kernel writes SIZE(struct)=bytes, OFFSET(struct.member)=bytes and
 * LENGTH(array)=elements for what dump tools need (the printk ring buffer, the old log buffer,
 * pages, zones...); it does not write the members' types, which the kernel's declarations fix
 * and which makedumpfile and crash assume likewise: the table below gives them. A member the
 * table does not know is its bytes (unsigned char[], up to the next member), never a guess of
 * an integer's width. So the one printk reader (linux/printk.c) reads the log through the
 * same typed reads with or without a vmlinux.
 */
#include <stdlib.h>
#include <string.h>

#include "debuginfo/ctype_source.h"

/* The declared type of each member VMCOREINFO gives an offset of, for the structures read
 * without a vmlinux. An array's length is LENGTH(len_key). */
static const struct member_type {
	const char *member, *type, *len_key;
} member_types[] = {
	/* the lockless ring buffer (5.10+) */
	{"printk_ringbuffer.desc_ring", "struct prb_desc_ring", NULL},
	{"printk_ringbuffer.text_data_ring", "struct prb_data_ring", NULL},
	{"printk_ringbuffer.fail", "atomic_long_t", NULL},
	{"prb_desc_ring.count_bits", "unsigned int", NULL},
	{"prb_desc_ring.descs", "struct prb_desc *", NULL},
	{"prb_desc_ring.infos", "struct printk_info *", NULL},
	{"prb_desc_ring.head_id", "atomic_long_t", NULL},
	{"prb_desc_ring.tail_id", "atomic_long_t", NULL},
	{"prb_desc.state_var", "atomic_long_t", NULL},
	{"prb_desc.text_blk_lpos", "struct prb_data_blk_lpos", NULL},
	{"prb_data_blk_lpos.begin", "unsigned long", NULL},
	{"prb_data_blk_lpos.next", "unsigned long", NULL},
	{"printk_info.seq", "unsigned long long", NULL},
	{"printk_info.ts_nsec", "unsigned long long", NULL},
	{"printk_info.text_len", "unsigned short", NULL},
	{"printk_info.caller_id", "unsigned int", NULL},
	{"printk_info.dev_info", "struct dev_printk_info", NULL},
	{"dev_printk_info.subsystem", "char", "printk_info_subsystem"},
	{"dev_printk_info.device", "char", "printk_info_device"},
	{"prb_data_ring.size_bits", "unsigned int", NULL},
	{"prb_data_ring.data", "char *", NULL},
	{"prb_data_ring.head_lpos", "atomic_long_t", NULL},
	{"prb_data_ring.tail_lpos", "atomic_long_t", NULL},
	{"atomic_long_t.counter", "long", NULL},
	{"latched_seq.val", "unsigned long long", NULL},
	/* the variable-length records before 5.10: struct printk_log (struct log before 3.11) */
	{"printk_log.ts_nsec", "unsigned long long", NULL},
	{"printk_log.len", "unsigned short", NULL},
	{"printk_log.text_len", "unsigned short", NULL},
	{"printk_log.dict_len", "unsigned short", NULL},
	{"printk_log.caller_id", "unsigned int", NULL},
	{"log.ts_nsec", "unsigned long long", NULL},
	{"log.len", "unsigned short", NULL},
	{"log.text_len", "unsigned short", NULL},
	{"log.dict_len", "unsigned short", NULL},
	/* a few general ones */
	{"list_head.next", "struct list_head *", NULL},
	{"list_head.prev", "struct list_head *", NULL},
	{"page.flags", "unsigned long", NULL},
	{"page.mapping", "unsigned long", NULL},
	{"page.private", "unsigned long", NULL},
};

static bool vmci_u64(kd_session *s, const char *fmt, const char *name, uint64_t *v)
{
	char key[160];
	if ((size_t)snprintf(key, sizeof(key), fmt, name) >= sizeof(key))
		return false;
	return s->dump && dump_vmcoreinfo_u64(s->dump, key, 10, v);
}

/* Whether VMCOREINFO has a member of name: an OFFSET(name.x) line. */
static bool has_members(kd_session *s, const char *name)
{
	size_t pos = 0, klen, vlen, nl = strlen(name);
	const char *key, *val;
	while (s->dump && dump_vmcoreinfo_next(s->dump, &pos, &key, &klen, &val, &vlen))
		if (klen > 7 + nl + 2 && !memcmp(key, "OFFSET(", 7) && !memcmp(key + 7, name, nl) && key[7 + nl] == '.')
			return true;
	return false;
}

struct ctype *vmci_type_named(kd_session *s, enum ctype_ns ns, const char *name)
{
	/* VMCOREINFO names a structure as the kernel's code does: a struct tag, or a typedef
	 * of one (atomic_long_t); both are asked for as structures here. */
	if (ns != CNS_STRUCT && ns != CNS_TYPEDEF)
		return NULL;
	struct strmap *m = ctype_vmci_types(s);
	struct ctype *t = strmap_get(m, name);
	if (t)
		return t->kind == CT_STRUCT && ns == CNS_STRUCT ? t : NULL;
	uint64_t size = 0;
	bool sized = vmci_u64(s, "SIZE(%s)", name, &size) && size < (1u << 30);
	if (!sized && !has_members(s, name))
		return NULL;
	t = ctype_new(s, CT_STRUCT);
	t->name = ctype_intern(s, name, strlen(name));
	t->size = size;
	t->has_size = sized;
	strmap_put(m, t->name, t);
	return ns == CNS_STRUCT ? t : NULL;
}

static int cmp_members(const void *a, const void *b)
{
	const struct cmember *x = a, *y = b;
	return x->bitpos < y->bitpos ? -1 : x->bitpos > y->bitpos;
}

static struct ctype *member_type(kd_session *s, const char *sname, const char *member)
{
	char full[200];
	snprintf(full, sizeof(full), "%s.%s", sname, member);
	for (size_t i = 0; i < ARRAY_SIZE(member_types); i++) {
		const struct member_type *mt = &member_types[i];
		if (strcmp(mt->member, full))
			continue;
		struct ctype *t = ctype_find(s, mt->type);
		uint64_t n;
		if (t && mt->len_key) {
			if (!vmci_u64(s, "LENGTH(%s)", mt->len_key, &n) || n > (1u << 20))
				return NULL;
			t = ctype_array_of(s, t, n);
		}
		return t;
	}
	return NULL;
}

void vmci_type_complete(kd_session *s, struct ctype *t)
{
	t->complete = true;
	if (t->kind != CT_STRUCT || !t->name || !s->dump)
		return;
	size_t nl = strlen(t->name), pos = 0, klen, vlen;
	const char *key, *val;
	VEC(struct cmember) members = {0};
	while (dump_vmcoreinfo_next(s->dump, &pos, &key, &klen, &val, &vlen)) {
		if (klen <= 7 + nl + 2 || memcmp(key, "OFFSET(", 7) || memcmp(key + 7, t->name, nl) || key[7 + nl] != '.' ||
		    key[klen - 1] != ')')
			continue;
		const char *mname = key + 7 + nl + 1;
		size_t mlen = klen - 1 - (size_t)(mname - key);
		char num[24], *end;
		if (!vlen || vlen >= sizeof(num) || memchr(mname, '.', mlen))
			continue;
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		uint64_t off = strtoull(num, &end, 10);
		if (*end || off >= (1u << 30) || (t->has_size && off >= t->size))
			continue;
		struct cmember m = {.name = ctype_intern(s, mname, mlen), .bitpos = off * 8};
		VEC_PUSH(&members, m);
	}
	kd_qsort(members.items, members.len, sizeof(*members.items), cmp_members);
	for (size_t i = 0; i < members.len; i++) {
		struct cmember *m = &members.items[i];
		struct ctype *mt = member_type(s, t->name, m->name);
		uint64_t end = i + 1 < members.len ? members.items[i + 1].bitpos / 8 : t->has_size ? t->size : m->bitpos / 8;
		if (mt && t->has_size && m->bitpos / 8 + ctype_sizeof(s, mt) > t->size)
			mt = NULL; /* a member the structure cannot hold: its bytes, as an unknown one */
		if (!mt) /* unknown: the bytes up to the next member */
			mt = ctype_array_of(s, ctype_builtin(s, "unsigned char"), end - m->bitpos / 8);
		m->type = mt;
	}
	t->members = members.items;
	t->nmembers = members.len;
	ctype_index_members(t);
}
