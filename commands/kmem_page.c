/* kmem's page-allocator views and counters, and kmem ADDR ("what is this address"). */
#include <string.h>

#include <kdive/kdive.h>

#include "kmem.h"

/* kmem -m MEMBER,...: the members of struct page crash can show, each with how it prints. */
enum member_kind { PM_PTR, PM_INT, PM_STRUCT, PM_BOOL };
struct page_member {
	char name[64];
	enum member_kind kind;
	struct kd_member_info info;
	bool is_unsigned;
};
struct page_members {
	struct page_member m[100];
	size_t n;
};

static int page_members_parse(kd_session *s, const char *list, struct page_members *pm)
{
	size_t len = strlen(list);
	if (len && (list[len - 1] == ',' || list[len - 1] == '.'))
		return kd_fail(s, "invalid format: %s", list);
	pm->n = 0;
	const char *p = list;
	while (*p) {
		size_t l = strcspn(p, ", ");
		if (l) {
			if (pm->n == ARRAY_SIZE(pm->m))
				return kd_fail(s, "too many members in comma-separated list");
			struct page_member *m = &pm->m[pm->n];
			snprintf(m->name, sizeof(m->name), "%.*s", (int)l, p);
			if (!kd_member_find(s, "page", m->name, &m->info))
				return kd_fail(s, "invalid page struct member: %s", m->name);
			const kd_type *rt = kd_type_resolve(s, m->info.type);
			enum kd_type_kind k = rt ? kd_type_kind(rt) : KD_TYPE_VOID;
			const char *tn = rt ? kd_type_name(rt) : NULL;
			if (k == KD_TYPE_POINTER)
				m->kind = PM_PTR;
			else if (k == KD_TYPE_INT && tn && !strcmp(tn, "_Bool"))
				m->kind = PM_BOOL;
			else if (k == KD_TYPE_INT)
				m->kind = PM_INT;
			else if (k == KD_TYPE_STRUCT)
				m->kind = PM_STRUCT;
			else
				return kd_fail(s, "unsupported page member reference: page.%s", m->name);
			m->is_unsigned = tn && (strstr(tn, "unsigned") || !strcmp(tn, "_Bool"));
			pm->n++;
		}
		p += l;
		while (*p == ',' || *p == ' ')
			p++;
	}
	if (!pm->n)
		return kd_fail(s, "invalid page struct member list format: %s", list);
	return 0;
}

/* One page's members, as crash's show_page_member_data prints them (the odd spacing included). */
static void page_members_line(kd_session *s, const struct page_members *pm, uint64_t page, const uint8_t *raw,
			      struct kd_sbuf *out)
{
	int radix = kd_output_radix(s);
	kd_sbuf_printf(out, "%llx  ", (unsigned long long)page);
	for (size_t i = 0; i < pm->n; i++) {
		const struct page_member *m = &pm->m[i];
		const uint8_t *p = raw + m->info.offset;
		uint64_t size = m->info.size, v = 0;
		switch (m->kind) {
		case PM_PTR:
			memcpy(&v, p, 8);
			kd_sbuf_printf(out, "%016llx  ", (unsigned long long)v);
			break;
		case PM_BOOL:
			if (p[0] <= 1)
				kd_sbuf_printf(out, "%s  ", p[0] ? "true" : "false");
			else
				kd_sbuf_printf(out, radix == 10 ? "%d" : "%x  ", p[0]);
			break;
		case PM_INT: {
			if (size != 1 && size != 2 && size != 4 && size != 8)
				break;
			memcpy(&v, p, size);
			if (m->info.bitsize) {
				v >>= (m->info.bitpos - m->info.offset * 8);
				v &= m->info.bitsize >= 64 ? ~0ull : (1ull << m->info.bitsize) - 1;
			}
			int r = !strcmp(m->name, "flags") ? 16 : !strncmp(m->name, "_count", 6) || !strncmp(m->name, "_mapcount", 9) ? 10 : radix;
			if (m->is_unsigned) {
				if (size == 8)
					kd_sbuf_printf(out, r == 10 ? "%llu  " : "%016llx  ", (unsigned long long)v);
				else if (size == 4)
					kd_sbuf_printf(out, r == 10 ? "%u  " : "%08x  ", (unsigned)v);
				else if (size == 2)
					kd_sbuf_printf(out, r == 10 ? "%u  " : "%04x  ", (unsigned)(uint16_t)v);
				else
					kd_sbuf_printf(out, r == 10 ? "%u  " : "%02x  ", (unsigned)(uint8_t)v);
			} else {
				if (size == 8)
					kd_sbuf_printf(out, r == 10 ? "%lld  " : "%016llx", (long long)v);
				else if (size == 4)
					kd_sbuf_printf(out, r == 10 ? "%d  " : "%08x  ", (int32_t)v);
				else if (size == 2)
					kd_sbuf_printf(out, r == 10 ? "%d  " : "%04x  ", r == 10 ? (int)(int16_t)v : (int)(uint16_t)v);
				else
					kd_sbuf_printf(out, r == 10 ? "%d  " : "%02x  ", r == 10 ? (int)(int8_t)v : (int)(uint8_t)v);
			}
			break;
		}
		case PM_STRUCT:
			if (!strncmp(m->name, "_count", 6) || !strncmp(m->name, "_mapcount", 9)) {
				int32_t c;
				memcpy(&c, p, 4);
				kd_sbuf_printf(out, "%d  ", c);
			} else if (size % 8 == 0 && size <= 80) {
				for (uint64_t c = 0; c < size / 8; c++) {
					memcpy(&v, p + c * 8, 8);
					kd_sbuf_printf(out, "%016llx%s", (unsigned long long)v, c + 1 < size / 8 ? "," : "");
				}
				kd_sbuf_puts(out, "  ");
			} else if (size % 4 == 0 && size <= 40) {
				for (uint64_t c = 0; c < size / 4; c++) {
					uint32_t w;
					memcpy(&w, p + c * 4, 4);
					kd_sbuf_printf(out, "%08x%s", w, c + 1 < size / 4 ? "," : "");
				}
			} else if (size == 2) {
				uint16_t h;
				memcpy(&h, p, 2);
				kd_sbuf_printf(out, "%04x  ", h);
			}
			break;
		}
	}
	kd_sbuf_putc(out, '\n');
}

static void page_members_header(const struct page_members *pm, struct kd_sbuf *out)
{
	kd_sbuf_puts(out, "      PAGE      ");
	for (size_t i = 0; i < pm->n; i++)
		kd_sbuf_printf(out, "  %s", pm->m[i].name);
	kd_sbuf_putc(out, '\n');
}

/* kmem -p: every page of every present memory section, read in runs. */
struct pages_walk {
	struct kd_sbuf b;
	const struct page_members *pm;
};

static int print_run(kd_session *s, uint64_t pfn, size_t count, const uint8_t *pages, void *arg)
{
	struct pages_walk *w = arg;
	uint64_t psz = kd_page_struct_size(s), ps = kd_target(s)->page_size;
	for (size_t i = 0; i < count; i++) {
		uint64_t page;
		if (!kd_phys_to_page(s, (pfn + i) * ps, &page))
			continue;
		if (w->pm)
			page_members_line(s, w->pm, page, pages + i * psz, &w->b);
		else
			kd_page_line(s, page, (pfn + i) * ps, pages + i * psz, &w->b);
	}
	if (w->b.len > (1u << 20)) {
		kd_printf(s, "%s", kd_sbuf_str(&w->b));
		w->b.len = 0;
		w->b.s[0] = 0;
	}
	return 0;
}

/* One page (the struct page at `page`, of the frame at phys), under the header that crash prints
 * once per command line (kmem -p A B: one header). */
static int print_one_page(kd_session *s, struct kmem_opts *o, const struct page_members *pm, uint64_t page, uint64_t phys)
{
	uint8_t raw[1024];
	uint64_t psz = kd_page_struct_size(s);
	if (psz > sizeof(raw))
		return kd_fail(s, "struct page of %llu bytes", (unsigned long long)psz);
	if (kd_pages_read(s, phys / kd_target(s)->page_size, 1, raw) < 0)
		return -1;
	struct kd_sbuf b = {0};
	if (!o->calls++) {
		if (pm)
			page_members_header(pm, &b);
		else
			kd_page_header(s, &b);
	}
	if (pm)
		page_members_line(s, pm, page, raw, &b);
	else
		kd_page_line(s, page, phys, raw, &b);
	kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return 0;
}

int kmem_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	if (!kd_page_struct_size(s))
		return -1;
	struct page_members *pm = NULL;
	if (o->members) {
		pm = kd_xmalloc(sizeof(*pm));
		if (page_members_parse(s, o->members, pm) < 0) {
			free(pm);
			return -1;
		}
	}
	int rc = 0;
	if (!addr) {
		struct pages_walk w = {{0}, pm};
		if (pm)
			page_members_header(pm, &w.b);
		else
			kd_page_header(s, &w.b);
		rc = kd_walk_pages(s, print_run, &w);
		kd_printf(s, "%s", kd_sbuf_str(&w.b));
		kd_sbuf_free(&w.b);
		free(pm);
		return rc;
	}
	uint64_t phys = *addr, page;
	if (!o->physical && kd_is_kvaddr(s, *addr)) {
		if (kd_page_to_phys(s, *addr, &phys)) {
			rc = print_one_page(s, o, pm, *addr, phys);
			free(pm);
			return rc;
		}
		if (kd_kvtop(s, *addr, &phys) < 0) {
			kd_clear_error(s); /* crash prints nothing for an address it cannot translate */
			free(pm);
			return 0;
		}
	}
	phys &= ~(kd_target(s)->page_size - 1);
	if (kd_phys_to_page(s, phys, &page)) /* nothing for an address in no memory section, as crash */
		rc = print_one_page(s, o, pm, page, phys);
	free(pm);
	return rc;
}

/* The names of an enum's counters by value, up to its count enumerator (NR_VM_..._ITEMS); a later
 * alias of a value replaces the earlier name, as crash's table does. */
static size_t counter_names(kd_session *s, const char *enum_name, const char *count_name, const char **names, size_t max)
{
	const kd_type *t = kd_type_find(s, enum_name);
	int64_t count;
	if (!t || !kd_enum_find(s, count_name, &count) || count <= 0)
		return 0;
	size_t n = MIN((size_t)count, max);
	for (size_t i = 0; i < n; i++)
		names[i] = "";
	const char *name;
	int64_t v;
	for (size_t i = 0; kd_enum_at(s, t, i, &name, &v); i++)
		if (v >= 0 && (uint64_t)v < n && strcmp(name, count_name))
			names[v] = name;
	return n;
}

#define COUNTERS_MAX 512

struct counters {
	const char *names[COUNTERS_MAX];
	int64_t vals[COUNTERS_MAX];
	size_t zone, node, numa; /* how many of each: the names follow one another */
};

/* The vmstat counters' names (zone, node and numa items), and the global values unless zone is
 * given (then that zone's vm_stat, zone items only). */
static int read_vm_stat(kd_session *s, struct counters *c, uint64_t zone)
{
	memset(c, 0, sizeof(*c));
	c->zone = counter_names(s, "enum zone_stat_item", "NR_VM_ZONE_STAT_ITEMS", c->names, COUNTERS_MAX);
	if (!c->zone)
		return kd_fail(s, "vm_stat not available in this kernel");
	uint64_t addr;
	if (zone)
		addr = zone;
	else if (kd_symbol_addr(s, "vm_zone_stat", &addr) < 0)
		return -1;
	if (kd_read_kv(s, addr, c->vals, c->zone * 8) < 0)
		return kd_fail_prefix(s, "vm_zone_stat");
	if (zone)
		return 0;
	c->node = counter_names(s, "enum node_stat_item", "NR_VM_NODE_STAT_ITEMS", c->names + c->zone, COUNTERS_MAX - c->zone);
	if (c->node && (kd_symbol_addr(s, "vm_node_stat", &addr) < 0 || kd_read_kv(s, addr, c->vals + c->zone, c->node * 8) < 0))
		return kd_fail_prefix(s, "vm_node_stat");
	if (kd_symbol_lookup(s, "vm_numa_stat")) {
		size_t at = c->zone + c->node;
		c->numa = counter_names(s, "enum numa_stat_item", "NR_VM_NUMA_STAT_ITEMS", c->names + at, COUNTERS_MAX - at);
		if (c->numa && (kd_symbol_addr(s, "vm_numa_stat", &addr) < 0 || kd_read_kv(s, addr, c->vals + at, c->numa * 8) < 0))
			return kd_fail_prefix(s, "vm_numa_stat");
	}
	return 0;
}

static void print_counters(kd_session *s, const char *const *names, const int64_t *vals, size_t n, int width, bool is_unsigned)
{
	for (size_t i = 0; i < n; i++) {
		if (is_unsigned)
			kd_printf(s, "%*s: %llu\n", width, names[i], (unsigned long long)vals[i]);
		else
			kd_printf(s, "%*s: %lld\n", width, names[i], (long long)vals[i]);
	}
}

static int longest(const char *const *names, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++)
		w = MAX(w, (int)strlen(names[i]));
	return w;
}

/* crash's mkstring: str in width columns, centred (an odd space to the right, or with RJUST to the
 * left), or justified. */
#define MK_CENTER 1
#define MK_LJUST 2
#define MK_RJUST 4
static const char *mkstr(char *buf, size_t size, int width, int flags, const char *str)
{
	int len = (int)strlen(str), extra = width - len;
	if (extra <= 0) {
		snprintf(buf, size, "%s", str);
		return buf;
	}
	int left = 0, right = 0;
	if (flags & MK_CENTER) {
		left = right = extra / 2;
		if (extra % 2) {
			if (flags & MK_RJUST)
				left++;
			else
				right++;
		}
	} else if (flags & MK_LJUST)
		right = extra;
	else if (flags & MK_RJUST)
		left = extra;
	snprintf(buf, size, "%*s%s%*s", left, "", str, right, "");
	return buf;
}

static const char *mkhex(char *buf, size_t size, int width, int flags, uint64_t v)
{
	char h[24];
	snprintf(h, sizeof(h), "%llx", (unsigned long long)v);
	return mkstr(buf, size, width, flags, h);
}

static const char *mkdec(char *buf, size_t size, int width, int flags, uint64_t v)
{
	char h[24];
	snprintf(h, sizeof(h), "%llu", (unsigned long long)v);
	return mkstr(buf, size, width, flags, h);
}

/* A zone of a node (struct zone in pglist_data.node_zones[]). */
struct zone_view {
	uint64_t addr;
	int index;
	uint64_t name_ptr, spanned, present, start_pfn;
	uint64_t wmark[3];
	char name[32];
	uint64_t free;       /* vm_stat[NR_FREE_PAGES] */
	uint64_t free_area;  /* &zone->free_area[0] */
};

struct zone_layout {
	uint64_t zone_size, node_zones_off, nr_zones, free_area_off, nr_orders, free_area_size, nr_lists,
		vm_stat_off, lru_off;
	int64_t nr_free, wmark[3];
	bool watermarks;
};

static int zone_layout(kd_session *s, struct zone_layout *l)
{
	struct kd_member_info nz, fa, fl, vs;
	memset(l, 0, sizeof(*l));
	l->zone_size = kd_type_size_opt(s, "zone");
	if (l->zone_size == UINT64_MAX || !l->zone_size || kd_member_info(s, "pglist_data", "node_zones", &nz) < 0 ||
	    kd_member_info(s, "zone", "free_area", &fa) < 0 || kd_member_info(s, "free_area", "free_list", &fl) < 0)
		return -1;
	l->node_zones_off = nz.offset;
	l->nr_zones = MIN(nz.size / l->zone_size, 16);
	l->free_area_off = fa.offset;
	l->free_area_size = kd_type_size_opt(s, "free_area");
	l->nr_orders = l->free_area_size && l->free_area_size != UINT64_MAX ? MIN(fa.size / l->free_area_size, 32) : 0;
	l->nr_lists = MIN(fl.size / 16, 16);
	l->vm_stat_off = kd_member_find(s, "zone", "vm_stat", &vs) ? vs.offset : UINT64_MAX;
	l->lru_off = kd_page_member_offset(s, "lru");
	if (l->lru_off == UINT64_MAX)
		return kd_fail(s, "invalid structure member offset: page.lru");
	if (!kd_enum_find(s, "NR_FREE_PAGES", &l->nr_free))
		l->nr_free = 0;
	static const char *const wm[3] = {"WMARK_MIN", "WMARK_LOW", "WMARK_HIGH"};
	for (int i = 0; i < 3; i++)
		if (!kd_enum_find(s, wm[i], &l->wmark[i]) || l->wmark[i] < 0 || l->wmark[i] > 8)
			l->wmark[i] = i;
	return 0;
}

static int zone_read(kd_session *s, const struct zone_layout *l, uint64_t pgdat, int i,
		     struct zone_view *z)
{
	static const struct kd_field f[] = {
		KD_FIELD(struct zone_view, name_ptr, "name", 0),
		KD_FIELD(struct zone_view, spanned, "spanned_pages", 0),
		KD_FIELD(struct zone_view, present, "present_pages", 0),
		KD_FIELD(struct zone_view, start_pfn, "zone_start_pfn", 0),
		KD_FIELD(struct zone_view, wmark, "_watermark", KD_FIELD_OPTIONAL),
		KD_FIELD(struct zone_view, wmark, "watermark", KD_FIELD_OPTIONAL),
	};
	memset(z, 0, sizeof(*z));
	z->addr = pgdat + l->node_zones_off + (uint64_t)i * l->zone_size;
	z->index = i;
	if (kd_read_struct(s, z->addr, "zone", f, ARRAY_SIZE(f), z, NULL) < 0)
		return -1;
	uint64_t wm[8] = {0};
	memcpy(wm, z->wmark, sizeof(z->wmark));
	struct kd_member_info wi;
	if (kd_member_find(s, "zone", "_watermark", &wi) || kd_member_find(s, "zone", "watermark", &wi)) {
		if (kd_read_kv(s, z->addr + wi.offset, wm, MIN(wi.size, sizeof(wm))) < 0)
			return -1;
		for (int k = 0; k < 3; k++)
			z->wmark[k] = wm[l->wmark[k]];
	}
	if (kd_read_string(s, z->name_ptr, z->name, sizeof(z->name)) < 0) {
		kd_clear_error(s);
		snprintf(z->name, sizeof(z->name), "(unknown)");
	}
	if (l->vm_stat_off != UINT64_MAX && kd_read_u64(s, z->addr + l->vm_stat_off + (uint64_t)l->nr_free * 8, &z->free) < 0)
		return -1;
	z->free_area = z->addr + l->free_area_off;
	return 0;
}

/* kmem -z: each zone's sizes, watermarks and vm_stat counters. */
int kmem_zones(kd_session *s, struct kmem_opts *o)
{
	(void)o;
	struct zone_layout l;
	if (zone_layout(s, &l) < 0)
		return -1;
	const struct kd_mem_node *nodes;
	size_t nn = kd_mem_nodes(s, &nodes);
	struct counters *c = kd_xmalloc(sizeof(*c));
	for (size_t n = 0; n < nn; n++) {
		for (uint64_t i = 0; i < l.nr_zones; i++) {
			struct zone_view z;
			if (zone_read(s, &l, nodes[n].pgdat, (int)i, &z) < 0) {
				free(c);
				return -1;
			}
			kd_printf(s, "NODE: %d  ZONE: %d  ADDR: %llx  NAME: \"%s\"\n", (int)n, (int)i,
				  (unsigned long long)z.addr, z.name);
			if (!z.spanned) {
				kd_printf(s, "  [unpopulated]\n\n");
				continue;
			}
			kd_printf(s, "  SIZE: %lld", (long long)z.spanned);
			if (z.present < z.spanned)
				kd_printf(s, "  PRESENT: %lld", (long long)z.present);
			kd_printf(s, "  MIN/LOW/HIGH: %lld/%lld/%lld", (long long)z.wmark[0], (long long)z.wmark[1],
				  (long long)z.wmark[2]);
			if (l.vm_stat_off != UINT64_MAX && read_vm_stat(s, c, z.addr + l.vm_stat_off) == 0) {
				kd_printf(s, "\n  VM_STAT:\n");
				print_counters(s, c->names, c->vals, c->zone, longest(c->names, c->zone), false);
			} else {
				kd_clear_error(s);
				kd_printf(s, "  FREE: %lld\n", (long long)z.free);
			}
			kd_printf(s, "\n\n");
		}
	}
	free(c);
	return 0;
}

/* The free lists: kmem -f (counts), -F (every block), -f ADDR and kmem ADDR (the block holding a page). */
struct free_walk {
	bool verbose;          /* print each block's first page */
	uint64_t search_page;  /* a page to find, or 0 */
	uint64_t chunk;        /* pages per block of this order */
	uint64_t found_page;
	long count;
	struct kd_sbuf *out;
};

static int on_free_block(kd_session *s, uint64_t page, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	(void)pos;
	struct free_walk *w = arg;
	w->count++;
	if (w->search_page) {
		/* crash's test takes the page just past the block too */
		if (w->search_page >= page && w->search_page <= page + w->chunk * kd_page_struct_size(s)) {
			w->found_page = page;
			return KD_WALK_STOP;
		}
	} else if (w->verbose)
		kd_sbuf_printf(w->out, "%llx\n", (unsigned long long)page);
	return 0;
}

/* One zone's free areas, as crash's dump_zone_free_area: returns the free pages found, or -1. */
static long zone_free_areas(kd_session *s, const struct zone_layout *l, const struct zone_view *z, struct free_walk *w,
			    struct kd_sbuf *out, uint64_t *found_chunk, char *area_line, size_t area_size)
{
	long total = 0;
	bool verbose = w->verbose || w->search_page;
	if (!verbose)
		kd_sbuf_printf(out, "AREA    SIZE  FREE_AREA_STRUCT  BLOCKS  PAGES\n");
	uint64_t ps = kd_target(s)->page_size;
	for (uint64_t order = 0; order < l->nr_orders; order++) {
		for (uint64_t j = 0; j < l->nr_lists; j++) {
			uint64_t head = z->free_area + order * l->free_area_size + j * 16, next;
			char sz[32], a[40], line[96];
			snprintf(sz, sizeof(sz), "%lluk", (unsigned long long)((ps << order) / 1024));
			snprintf(line, sizeof(line), "%3d  %7s  %s  ", (int)order, sz, mkhex(a, sizeof(a), 16, MK_CENTER, head));
			if (verbose)
				kd_sbuf_printf(out, "AREA    SIZE  FREE_AREA_STRUCT\n");
			kd_sbuf_puts(out, line);
			if (kd_read_u64(s, head, &next) < 0)
				return -1;
			if (next == head) {
				kd_sbuf_puts(out, verbose ? "\n" : "     0      0\n");
				continue;
			}
			if (verbose)
				kd_sbuf_puts(out, "\n");
			w->count = 0;
			w->chunk = 1ull << order;
			w->out = out;
			long rc = kd_walk_list(s, head, l->lru_off, 0, on_free_block, w);
			if (rc < 0) {
				if (!verbose)
					kd_sbuf_puts(out, "\n"); /* end the list's line before the error */
				return kd_fail(s, "corrupted free list %d from free_area struct: %llx", (int)j,
					       (unsigned long long)(z->free_area + order * l->free_area_size));
			}
			if (w->found_page) {
				*found_chunk = w->chunk;
				snprintf(area_line, area_size, "%s", line);
				return total;
			}
			if (!verbose)
				kd_sbuf_printf(out, "%6ld %6lld\n", w->count, (long long)(w->count << order));
			total += w->count << order;
		}
	}
	return total;
}

static void zone_row(kd_session *s, const struct zone_view *z, uint64_t node_map, struct kd_sbuf *out)
{
	char b1[40], b2[40], b3[40];
	uint64_t map = 0, ps = kd_target(s)->page_size, psz = kd_page_struct_size(s);
	if (z->spanned && !kd_phys_to_page(s, z->start_pfn * ps, &map))
		map = 0;
	uint64_t mapnr = map && psz ? (map - node_map) / psz : 0;
	kd_sbuf_printf(out, "%3d   %-9s %6lld  %6lld  %s  %s  %s\n", z->index, z->name, (long long)z->spanned,
		       (long long)z->free, mkhex(b1, sizeof(b1), 16, MK_CENTER, map),
		       mkhex(b2, sizeof(b2), 11, MK_CENTER | MK_RJUST, z->start_pfn * ps),
		       mkdec(b3, sizeof(b3), 11, MK_CENTER | MK_RJUST, mapnr));
}

#define ZONE_HDR "ZONE  NAME        SIZE    FREE      MEM_MAP       START_PADDR  START_MAPNR\n"

/* Walk every zone's free areas. search_phys: the page to find (kmem -f ADDR, kmem ADDR), or
 * UINT64_MAX. Returns 1 when the page was found (and printed), 0 when not (or listing), -1. */
static int free_pages(kd_session *s, bool verbose, uint64_t search_phys, uint64_t spec_addr, bool spec_phys)
{
	struct zone_layout l;
	if (zone_layout(s, &l) < 0)
		return -1;
	const struct kd_mem_node *nodes;
	size_t nn = kd_mem_nodes(s, &nodes);
	bool search = search_phys != UINT64_MAX;
	struct free_walk w = {verbose, 0, 0, 0, 0, NULL};
	if (search && !kd_phys_to_page(s, search_phys, &w.search_page)) {
		kd_printf(s, "kmem: cannot determine page for %llx\n", (unsigned long long)spec_addr);
		return 0;
	}
	struct kd_sbuf out = {0};
	long sum = 0, found = 0;
	uint64_t ps = kd_target(s)->page_size;
	char node_line[32] = "", zone_line[160] = "", area_line[96] = "";
	int rc = 0;
	for (size_t n = 0; n < nn && !w.found_page; n++) {
		uint64_t node_map = 0;
		if (!kd_phys_to_page(s, nodes[n].start_pfn * ps, &node_map))
			node_map = 0;
		for (uint64_t i = 0; i < l.nr_zones && !w.found_page; i++) {
			struct zone_view z;
			if (zone_read(s, &l, nodes[n].pgdat, (int)i, &z) < 0) {
				rc = -1;
				goto out;
			}
			if (i == 0 && nn > 1) {
				if (n)
					kd_sbuf_printf(&out, "\n%.74s\n", "------------------------------------------------------------"
									     "--------------");
				kd_sbuf_printf(&out, "%sNODE\n %2d\n", n ? "\n" : "", nodes[n].id);
				snprintf(node_line, sizeof(node_line), " %2d", nodes[n].id);
			}
			kd_sbuf_printf(&out, "%s" ZONE_HDR, i > 0 ? "\n" : "");
			size_t at = out.len;
			zone_row(s, &z, node_map, &out);
			snprintf(zone_line, sizeof(zone_line), "%.*s", (int)(out.len - at - 1), out.s + at);
			sum += (long)z.free;
			if (!z.free)
				continue;
			if (search && !(search_phys >= nodes[n].start_pfn * ps &&
					search_phys < (nodes[n].start_pfn + nodes[n].spanned) * ps))
				continue;
			uint64_t chunk = 0;
			long f = zone_free_areas(s, &l, &z, &w, &out, &chunk, area_line, sizeof(area_line));
			if (f < 0) {
				rc = -1;
				goto out;
			}
			found += f;
		}
	}
	if (!search) {
		kd_sbuf_printf(&out, "\nnr_free_pages: %ld  ", sum);
		if (sum == found)
			kd_sbuf_printf(&out, "(verified)\n");
		else
			kd_sbuf_printf(&out, "(found %ld)\n", found);
		kd_printf(s, "%s", kd_sbuf_str(&out));
		goto out;
	}
	/* crash prints only the block that holds the page: its zone, its area and its first page */
	uint64_t block_phys;
	if (!w.found_page || !kd_page_to_phys(s, w.found_page, &block_phys) ||
	    !(search_phys >= block_phys && search_phys < block_phys + w.chunk * ps))
		goto out;
	if (node_line[0])
		kd_printf(s, "NODE\n%s\n", node_line);
	kd_printf(s, ZONE_HDR "%s\nAREA    SIZE  FREE_AREA_STRUCT\n%s\n%llx  ", zone_line, area_line,
		  (unsigned long long)w.found_page);
	if (w.chunk > 1) {
		char ord[32];
		uint64_t offset = (search_phys - block_phys) / ps + 1;
		const char *suf = offset % 10 == 1 ? "st" : offset % 10 == 2 ? "nd" : offset % 10 == 3 ? "rd" : "th";
		snprintf(ord, sizeof(ord), "%llu%s", (unsigned long long)offset, suf);
		if (spec_phys)
			kd_printf(s, "(%llx is %s", (unsigned long long)spec_addr, spec_addr % ps ? "in " : "");
		else
			kd_printf(s, "(%llx is ", (unsigned long long)spec_addr);
		kd_printf(s, "%s of %llu pages)", ord, (unsigned long long)w.chunk);
	}
	kd_printf(s, "\n");
	rc = 1;
out:
	if (rc < 0 && !search) /* what was walked before the damage stands */
		kd_printf(s, "%s", kd_sbuf_str(&out));
	kd_sbuf_free(&out);
	return rc;
}
/* kmem -V: the global vmstat counters, then the vm_event counters summed over the CPUs. */
int kmem_vm_stat(kd_session *s, struct kmem_opts *o)
{
	(void)o;
	struct counters *c = kd_xmalloc(sizeof(*c));
	if (read_vm_stat(s, c, 0) == 0) {
		int w = longest(c->names, c->zone + c->node + c->numa);
		kd_printf(s, "  VM_ZONE_STAT:\n");
		print_counters(s, c->names, c->vals, c->zone, w, false);
		if (c->node) {
			kd_printf(s, "\n  VM_NODE_STAT:\n");
			print_counters(s, c->names + c->zone, c->vals + c->zone, c->node, w, false);
		}
		if (c->numa) {
			kd_printf(s, "\n  VM_NUMA_STAT:\n");
			print_counters(s, c->names + c->zone + c->node, c->vals + c->zone + c->node, c->numa, w, false);
		}
	} else
		kd_clear_error(s); /* crash goes on without them */
	/* vm_event_states: a per-CPU array of unsigned long */
	size_t n = kd_symbol_lookup(s, "vm_event_states") ? counter_names(s, "enum vm_event_item", "NR_VM_EVENT_ITEMS", c->names, COUNTERS_MAX) : 0;
	if (n) {
		memset(c->vals, 0, sizeof(c->vals));
		uint64_t ev[COUNTERS_MAX];
		for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
			uint64_t addr;
			if (kd_per_cpu_addr(s, "vm_event_states", cpu, &addr) < 0 || kd_read_kv(s, addr, ev, n * 8) < 0) {
				free(c);
				return kd_fail_prefix(s, "vm_event_states");
			}
			for (size_t i = 0; i < n; i++)
				c->vals[i] += (int64_t)ev[i];
		}
		kd_printf(s, "\n  VM_EVENT_STATES:\n");
		print_counters(s, c->names, c->vals, n, longest(c->names, n), true);
	}
	free(c);
	return 0;
}
/* The subsys_private of a bus, found by name in bus_kset's list (struct kobject entries, each the
 * subsys.kobj of a subsys_private); 0 when none. */
struct bus_query {
	const char *name;
	uint64_t found;
};

static int on_bus_kobj(kd_session *s, uint64_t kobj, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct bus_query *q = arg;
	uint64_t name;
	char buf[32];
	if (kd_read_member(s, kobj, "kobject", "name", &name) < 0 || kd_read_string(s, name, buf, sizeof(buf)) < 0) {
		kd_clear_error(s);
		return 0;
	}
	if (strcmp(buf, q->name))
		return 0;
	q->found = kobj;
	return KD_WALK_STOP;
}

static uint64_t bus_private(kd_session *s, const char *name)
{
	uint64_t kset, entry_off = kd_member_offset_opt(s, "kobject", "entry"),
		       list_off = kd_member_offset_opt(s, "kset", "list"), kobj_off = kd_member_offset_opt(s, "kset", "kobj"),
		       subsys_off = kd_member_offset_opt(s, "subsys_private", "subsys"), at;
	if (entry_off == UINT64_MAX || list_off == UINT64_MAX || kobj_off == UINT64_MAX || subsys_off == UINT64_MAX ||
	    !kd_symbol_lookup(s, "bus_kset") || kd_symbol_addr(s, "bus_kset", &at) < 0 || kd_read_u64(s, at, &kset) < 0) {
		kd_clear_error(s);
		return 0;
	}
	struct bus_query q = {name, 0};
	kd_walk_list(s, kset + list_off, entry_off, 0, on_bus_kobj, &q);
	kd_clear_error(s);
	return q.found ? q.found - kobj_off - subsys_off : 0;
}

/* The memory blocks (struct memory_block) of the memory bus: its devices' klist. */
struct mem_blocks {
	VEC(uint64_t) blocks;
	uint64_t dev_off, device_off;
};

static int on_memory_device(kd_session *s, uint64_t priv, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct mem_blocks *mb = arg;
	uint64_t dev;
	if (kd_read_u64(s, priv + mb->device_off, &dev) < 0)
		return -1;
	VEC_PUSH(&mb->blocks, dev - mb->dev_off);
	return 0;
}

static void memory_blocks(kd_session *s)
{
	if (!kd_type_exists(s, "memory_block"))
		return;
	uint64_t priv = 0, at;
	if (kd_member_exists(s, "bus_type", "p")) {
		if (kd_symbol_lookup(s, "memory_subsys") && kd_symbol_addr(s, "memory_subsys", &at) == 0)
			kd_read_member(s, at, "bus_type", "p", &priv);
	} else
		priv = bus_private(s, "memory");
	kd_clear_error(s);
	uint64_t klist_off = kd_member_offset_opt(s, "subsys_private", "klist_devices"),
		 klist_list = kd_member_offset_opt(s, "klist", "k_list"), node_off = kd_member_offset_opt(s, "klist_node", "n_node"),
		 knode_off = kd_member_offset_opt(s, "device_private", "knode_bus");
	struct mem_blocks mb = {{0}, kd_member_offset_opt(s, "memory_block", "dev"),
				kd_member_offset_opt(s, "device_private", "device")};
	if (!priv || klist_off == UINT64_MAX || klist_list == UINT64_MAX || node_off == UINT64_MAX ||
	    knode_off == UINT64_MAX || mb.dev_off == UINT64_MAX || mb.device_off == UINT64_MAX) {
		kd_printf(s, "kmem: cannot determine subsys_private for memory.\n");
		return;
	}
	bool has_nid = kd_member_exists(s, "memory_block", "nid");
	uint64_t probed = 0;
	bool have_probed = kd_symbol_lookup(s, "memory_block_size_probed") != NULL,
	     have_end = kd_member_exists(s, "memory_block", "end_section_nr");
	if (have_probed && (kd_symbol_addr(s, "memory_block_size_probed", &at) < 0 || kd_read_u64(s, at, &probed) < 0))
		probed = 0;
	kd_clear_error(s);
	int w = kd_paddr_prlen(s);
	char b1[64], b2[64], b3[64], b4[64], b5[64], b6[64];
	const char *range = have_probed || have_end ? "PHYSICAL RANGE" : "PHYSICAL START";
	if (has_nid)
		kd_printf(s, "\n%s %s   %s   %s  %s %s\n", mkstr(b1, 64, 16, MK_CENTER | MK_LJUST, "MEM_BLOCK"),
			  mkstr(b2, 64, 10, MK_CENTER, "NAME"), mkstr(b3, 64, w * 2 + 2, MK_CENTER, range),
			  mkstr(b4, 64, 4, MK_CENTER, "NODE"), mkstr(b5, 64, 7, MK_LJUST, "STATE"),
			  mkstr(b6, 64, 12, MK_LJUST, "START_SECTION_NO"));
	else
		kd_printf(s, "\n%s %s   %s    %s %s\n", mkstr(b1, 64, 16, MK_CENTER | MK_LJUST, "MEM_BLOCK"),
			  mkstr(b2, 64, 10, MK_CENTER, "NAME"), mkstr(b3, 64, w * 2, MK_CENTER, range),
			  mkstr(b4, 64, 7, MK_LJUST, "STATE"), mkstr(b5, 64, 12, MK_LJUST, "START_SECTION_NO"));
	if (kd_walk_list(s, priv + klist_off + klist_list, node_off + knode_off, 0, on_memory_device, &mb) < 0) {
		kd_printf(s, "kmem: %s\n", kd_last_error(s));
		kd_clear_error(s);
	}
	uint64_t pps = kd_pages_per_section(s), ps = kd_target(s)->page_size;
	for (size_t i = 0; i < mb.blocks.len; i++) {
		struct {
			uint64_t start, end, state, name;
			int32_t nid;
		} b = {0};
		static const struct kd_field f[] = {
			{"start_section_nr", 0, 8, 0},
			{"end_section_nr", 8, 8, KD_FIELD_OPTIONAL},
			{"state", 16, 8, 0},
			{"dev.kobj.name", 24, 8, 0},
			{"nid", 32, 4, KD_FIELD_OPTIONAL},
		};
		if (kd_read_struct(s, mb.blocks.items[i], "memory_block", f, ARRAY_SIZE(f), &b, NULL) < 0) {
			kd_printf(s, "kmem: %s\n", kd_last_error(s));
			kd_clear_error(s);
			break;
		}
		uint64_t start = b.start * pps * ps, end = UINT64_MAX;
		if (have_probed)
			end = start + probed - 1;
		else if (have_end)
			end = (b.end + 1) * pps * ps - 1;
		static const char *const states[] = {"ONLINE", "GOING_OFFLINE", "OFFLINE", "GOING_ONLINE", "CANCEL_ONLINE",
						     "CANCEL_OFFLINE"};
		const char *state = "UNKNOWN";
		for (int k = 0; k < 6; k++)
			if (b.state == 1ull << k)
				state = states[k];
		char name[64] = "", pr[160], srange[32];
		if (kd_read_string(s, b.name, name, sizeof(name)) < 0)
			kd_clear_error(s);
		if (end == UINT64_MAX)
			mkhex(pr, sizeof(pr), w * 2 + 3, MK_CENTER, start);
		else
			snprintf(pr, sizeof(pr), "%s - %s", mkhex(b1, 64, w, MK_RJUST, start), mkhex(b2, 64, w, MK_RJUST, end));
		snprintf(srange, sizeof(srange), "%llu", (unsigned long long)b.start);
		if (has_nid)
			kd_printf(s, " %s %s %s %s  %s %s\n", mkhex(b1, 64, 16, MK_LJUST, mb.blocks.items[i]),
				  mkstr(b2, 64, 12, MK_CENTER, name), pr, mkdec(b3, 64, 4, MK_CENTER, (uint32_t)b.nid),
				  mkstr(b4, 64, 7, MK_LJUST, state), mkstr(b5, 64, 12, MK_LJUST, srange));
		else
			kd_printf(s, " %s %s %s  %s %s\n", mkhex(b1, 64, 16, MK_LJUST, mb.blocks.items[i]),
				  mkstr(b2, 64, 10, MK_CENTER, name), pr, mkstr(b4, 64, 7, MK_LJUST, state),
				  mkstr(b5, 64, 12, MK_LJUST, srange));
	}
	VEC_FREE(&mb.blocks);
}

static const char dashes[] = "--------------------------------------------------------------------------------";

/* kmem -n: the memory nodes with their zones, the memory sections, the memory blocks. */
int kmem_nodes(kd_session *s, struct kmem_opts *o)
{
	(void)o;
	struct zone_layout l;
	if (zone_layout(s, &l) < 0)
		return -1;
	const struct kd_mem_node *nodes;
	size_t nn = kd_mem_nodes(s, &nodes);
	uint64_t ps = kd_target(s)->page_size;
	char b1[64], b2[64], b3[64], b4[64], b5[64];
	int slen = 0;
	for (size_t n = 0; n < nn; n++) {
		if (n)
			kd_printf(s, "\n%.*s", slen, dashes);
		kd_printf(s, "%sNODE  %s  %s  %s  %s\n", n ? "\n\n" : "", mkstr(b1, 64, 8, MK_CENTER, "SIZE"),
			  mkstr(b2, 64, 16, MK_CENTER | MK_LJUST, "PGLIST_DATA"),
			  mkstr(b3, 64, 16, MK_CENTER | MK_LJUST, "BOOTMEM_DATA"),
			  mkstr(b4, 64, 16, MK_CENTER | MK_LJUST, "NODE_ZONES"));
		uint64_t zones = nodes[n].pgdat + l.node_zones_off;
		kd_printf(s, " %2d   %s  %s  %s  %s\n", nodes[n].id, mkdec(b1, 64, 8, MK_CENTER | MK_LJUST, nodes[n].spanned),
			  mkhex(b2, 64, 16, MK_CENTER | MK_LJUST, nodes[n].pgdat), mkstr(b3, 64, 16, MK_CENTER, "----"),
			  mkhex(b4, 64, 16, MK_CENTER | MK_LJUST, zones));
		int indent = 12 + (int)strlen(b1) + (int)strlen(b2) + (int)strlen(b3);
		for (uint64_t i = 1; i < l.nr_zones; i++)
			kd_printf(s, "%*s%llx\n", indent, "", (unsigned long long)(zones + i * l.zone_size));
		uint64_t node_map = 0;
		if (!kd_phys_to_page(s, nodes[n].start_pfn * ps, &node_map))
			node_map = 0;
		kd_printf(s, "%s     START_PADDR    START_MAPNR\n", mkstr(b1, 64, 16, MK_CENTER | MK_LJUST, "MEM_MAP"));
		kd_printf(s, "%s  %s  %s\n", mkhex(b1, 64, 16, MK_CENTER, node_map),
			  mkhex(b2, 64, 16, MK_CENTER | MK_RJUST, nodes[n].start_pfn * ps),
			  mkdec(b3, 64, 11, MK_CENTER | MK_RJUST, nodes[n].start_pfn));
		char hdr[160];
		snprintf(hdr, sizeof(hdr), "ZONE  NAME         SIZE  %s  START_PADDR  START_MAPNR",
			 mkstr(b1, 64, 16, MK_CENTER | MK_RJUST, "MEM_MAP"));
		slen = (int)strlen(hdr);
		kd_printf(s, "\n%s\n", hdr);
		for (uint64_t i = 0; i < l.nr_zones; i++) {
			struct zone_view z;
			if (zone_read(s, &l, nodes[n].pgdat, (int)i, &z) < 0)
				return -1;
			uint64_t map = 0;
			if (z.spanned && !kd_phys_to_page(s, z.start_pfn * ps, &map))
				map = 0;
			kd_printf(s, " %2d   %-9s %7lld  %s  %s  %s\n", (int)i, z.name, (long long)z.spanned,
				  mkhex(b1, 64, 16, MK_RJUST, map), mkhex(b2, 64, 11, MK_RJUST, z.start_pfn * ps),
				  mkdec(b3, 64, 11, MK_RJUST, z.spanned ? z.start_pfn : 0));
		}
	}
	/* the memory sections */
	kd_printf(s, "\n%.67s\n\nNR  %s  %s  %s  %s PFN\n", dashes, mkstr(b1, 64, 16, MK_CENTER | MK_LJUST, "SECTION"),
		  mkstr(b2, 64, 16, MK_CENTER | MK_LJUST, "CODED_MEM_MAP"), mkstr(b3, 64, 16, MK_CENTER | MK_LJUST, "MEM_MAP"),
		  "STATE");
	uint64_t pps = kd_pages_per_section(s);
	for (uint64_t nr = 0, total = kd_nr_mem_sections(s); nr < total; nr++) {
		uint64_t addr, raw, map;
		if (!kd_mem_section(s, nr, &addr, &raw, &map))
			continue;
		char state[8] = "", pfn[32];
		static const char letters[] = "PMOED";
		for (int k = 0, j = 0; k < 5; k++)
			if (raw & (1ull << k))
				state[j++] = letters[k];
		snprintf(pfn, sizeof(pfn), kd_output_radix(s) == 16 ? "%llx" : "%llu", (unsigned long long)(nr * pps));
		kd_printf(s, "%2llu  %s  %s  %s  %s %s\n", (unsigned long long)nr, mkhex(b1, 64, 16, MK_CENTER, addr),
			  mkhex(b2, 64, 16, MK_CENTER | MK_RJUST, map - nr * pps * kd_page_struct_size(s)),
			  mkhex(b3, 64, 16, MK_CENTER | MK_RJUST, map), mkstr(b4, 64, 5, MK_CENTER, state),
			  mkstr(b5, 64, 16, MK_LJUST, pfn));
	}
	memory_blocks(s);
	return 0;
}
static int not_supported(kd_session *s, char c)
{
	return kd_fail(s, "-%c option not supported or applicable on this architecture or kernel", c);
}

/* kmem -h: the huge page pools (hstates[]), those with an order. */
int kmem_hstates(kd_session *s, struct kmem_opts *o)
{
	(void)o;
	uint64_t base, size = kd_type_size_opt(s, "hstate");
	const kd_type *t = kd_symbol_lookup(s, "hstates") ? kd_var_type(s, "hstates") : NULL;
	if (!t || kd_symbol_addr(s, "hstates", &base) < 0) {
		kd_clear_error(s);
		kd_printf(s, "kmem: hstates[] array does not exist\n");
		return not_supported(s, 'h');
	}
	struct hstate_view {
		int32_t order;
		uint64_t nr, free;
		char name[32];
	};
	static const struct kd_field f[] = {
		KD_FIELD(struct hstate_view, order, "order", 0),
		KD_FIELD(struct hstate_view, nr, "nr_huge_pages", 0),
		KD_FIELD(struct hstate_view, free, "free_huge_pages", 0),
		KD_FIELD(struct hstate_view, name, "name", 0),
	};
	if (size == UINT64_MAX || !size || kd_struct_check(s, "hstate", f, ARRAY_SIZE(f), NULL) < 0) {
		kd_clear_error(s);
		kd_printf(s, "kmem: hstate structure or members have changed\n");
		return not_supported(s, 'h');
	}
	uint64_t len = kd_type_sizeof(s, t) / size;
	kd_printf(s, "     HSTATE        SIZE    FREE   TOTAL  NAME\n");
	for (uint64_t i = 0; i < len && i < 64; i++) {
		struct hstate_view h = {0};
		if (kd_read_struct(s, base + i * size, "hstate", f, ARRAY_SIZE(f), &h, NULL) < 0)
			return -1;
		if (!h.order)
			continue;
		char sz[32];
		kd_format_size(kd_target(s)->page_size << (h.order & 63), sz, sizeof(sz));
		char *sp = strchr(sz, ' ');
		if (sp)
			memmove(sp, sp + 1, strlen(sp));
		h.name[sizeof(h.name) - 1] = 0;
		kd_printf(s, "%llx  %5s  %6lld  %6lld  %s\n", (unsigned long long)(base + i * size), sz, (long long)h.free,
			  (long long)h.nr, h.name);
	}
	return 0;
}

/* kmem -o: each CPU's per-CPU offset. */
int kmem_percpu_offsets(kd_session *s, struct kmem_opts *o)
{
	(void)o;
	const struct kd_target_info *ti = kd_target(s);
	kd_printf(s, "PER-CPU OFFSET VALUES:\n");
	for (int c = 0; c < ti->nr_cpus && ti->per_cpu_offset; c++) {
		char cpu[16];
		snprintf(cpu, sizeof(cpu), "CPU %d", c);
		kd_printf(s, "%7s: %llx\n", cpu, (unsigned long long)ti->per_cpu_offset[c]);
	}
	return 0;
}

/* kmem -g [FLAGS]: the enum pageflags bits, or those set in FLAGS. */
int kmem_page_flags(kd_session *s, struct kmem_opts *o, const uint64_t *flags)
{
	(void)o;
	const kd_type *t = kd_type_find(s, "enum pageflags");
	if (!t)
		return kd_fail(s, "enum pageflags does not exist in this kernel");
	const char *name;
	int64_t v;
	int longest = 0, largest = 0;
	for (size_t i = 0; kd_enum_at(s, t, i, &name, &v); i++) {
		if ((int)strlen(name) > longest)
			longest = (int)strlen(name);
		if (strstr(name, "PG_") && v > largest && v < 64)
			largest = (int)v;
	}
	largest = (largest + 1) / 4 + 1;
	uint64_t f = flags ? *flags : 0;
	const char *in = f ? "  " : "";
	if (f)
		kd_printf(s, "FLAGS: %llx\n", (unsigned long long)f);
	kd_printf(s, "%s%-*s BIT  VALUE\n", in, longest, "PAGE-FLAG");
	int found = 0;
	for (size_t i = 0; kd_enum_at(s, t, i, &name, &v); i++) {
		if (!strstr(name, "PG_") || v < 0 || v > 63)
			continue;
		uint64_t bit = 1ull << v;
		if (f && !(f & bit))
			continue;
		found++;
		kd_printf(s, "%s%-*s  %2d  %.*llx\n", in, longest, name, (int)v, largest, (unsigned long long)bit);
	}
	if (f && !found)
		kd_printf(s, "  (none found)\n");
	return 0;
}

/* kmem -c/-C: the page hash table is gone since 2.6; crash says so. */
int kmem_page_hash(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	(void)addr;
	if (kd_symbol_lookup(s, "page_hash_table"))
		return kd_fail(s, "kmem -%c: the page hash table is not supported", o->flag);
	return not_supported(s, o->flag == 'C' ? 'C' : 'c');
}

/* The physical address an address argument names: a struct page's frame, a kernel virtual
 * address's, or a physical address (-P, or not a kernel address); false if none. */
static bool arg_phys(kd_session *s, const struct kmem_opts *o, uint64_t addr, uint64_t *phys)
{
	if (o->physical || !kd_is_kvaddr(s, addr)) {
		*phys = addr;
		return true;
	}
	if (kd_page_to_phys(s, addr, phys))
		return true;
	if (kd_kvtop(s, addr, phys) == 0)
		return true;
	kd_clear_error(s);
	return false;
}

int kmem_free_pages(kd_session *s, struct kmem_opts *o, const uint64_t *addr)
{
	if (!kd_page_struct_size(s))
		return -1;
	if (!addr)
		return free_pages(s, o->flag == 'F', UINT64_MAX, 0, false) < 0 ? -1 : 0;
	if (o->calls++)
		kd_printf(s, "\n");
	uint64_t phys;
	if (!arg_phys(s, o, *addr, &phys))
		return 0;
	return free_pages(s, true, phys, *addr, o->physical || !kd_is_kvaddr(s, *addr)) < 0 ? -1 : 0;
}

/* The task whose task_struct holds addr, or whose kernel stack does (stack set), or NULL. */
static const struct task_info *task_holding(kd_session *s, uint64_t addr, bool stack)
{
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt) {
		kd_clear_error(s);
		return NULL;
	}
	/* the task_struct's real size: arch_task_struct_size (the FPU state at its end varies), as crash takes it */
	uint64_t size = kd_type_size_opt(s, "task_struct"), at, v;
	if (kd_symbol_lookup(s, "arch_task_struct_size") && kd_symbol_addr(s, "arch_task_struct_size", &at) == 0 &&
	    kd_read_int(s, at, 4, &v) == 0 && v && v < (1u << 20))
		size = v;
	kd_clear_error(s);
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		if (!stack) {
			if (size != UINT64_MAX && addr >= t->task && addr < t->task + size)
				return t;
			continue;
		}
		struct uw_stack st;
		if (t->stack && addr >= t->stack && kd_unwind_stack_of(s, t, addr, &st) && st.type == UW_STACK_TASK)
			return t;
	}
	return NULL;
}

static bool in_kernel_image(kd_session *s, uint64_t addr)
{
	const struct kd_symbol *a = kd_symbol_lookup(s, "_stext"), *b = kd_symbol_lookup(s, "_end");
	if (!a)
		a = kd_symbol_lookup(s, "_text");
	return a && b && addr >= a->addr && addr <= b->addr;
}

/* kmem ADDR: what the address is, each part as crash asks in turn: a symbol, a vmalloc area (and
 * whose stack it is), a slab object, a free block, a task_struct or kernel stack, and its page. */
int kmem_search(kd_session *s, struct kmem_opts *o, uint64_t addr)
{
	if (o->calls++)
		kd_printf(s, "\n");
	const struct kd_target_info *ti = kd_target(s);
	bool phys_arg = o->physical || !kd_is_kvaddr(s, addr);
	uint64_t vaddr = addr, phys = 0;
	bool have_vaddr = true, context_shown = false, have_phys = false;
	if (phys_arg) {
		/* a physical address below the end of the direct map is looked at through it */
		have_vaddr = ti->page_offset != UINT64_MAX && (addr >> 12) < ti->max_pfn;
		vaddr = have_vaddr ? ti->page_offset + addr : 0;
		phys = addr;
		have_phys = true;
	}
	if (have_vaddr && in_kernel_image(s, vaddr)) {
		uint64_t off;
		const struct kd_symbol *k = kd_symbol_containing(s, vaddr);
		const struct kd_command *sym = kd_command_find(s, "sym");
		if (k && sym && kd_symbol_at(s, vaddr, &off)) {
			char hex[24], *argv[3] = {"sym", hex, NULL};
			snprintf(hex, sizeof(hex), "%llx", (unsigned long long)vaddr);
			if (sym->run(s, 2, argv) < 0)
				kd_clear_error(s);
			kd_printf(s, "\n");
		}
	}
	if (!phys_arg && ti->vmalloc_start && addr >= ti->vmalloc_start && !in_kernel_image(s, addr)) {
		const struct task_info *t = task_holding(s, addr, true);
		if (t) {
			kd_task_print_context(s, t);
			kd_printf(s, "\n");
			context_shown = true;
		}
		uint64_t pa;
		if (kd_kvtop(s, addr, &pa) == 0) {
			int rc = kmem_vmalloc_at(s, o, addr);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				kd_printf(s, "\n");
				phys = pa;
				have_phys = true;
				goto mem_map;
			}
		} else
			kd_clear_error(s);
	}
	if (have_vaddr) {
		int rc = kmem_slab_at(s, o, vaddr, false);
		if (rc < 0)
			return -1;
		if (rc > 0)
			kd_printf(s, "\n");
	}
	uint64_t fphys = phys;
	if (phys_arg || kd_page_to_phys(s, addr, &fphys) || kd_kvtop(s, addr, &fphys) == 0) {
		int rc = free_pages(s, true, fphys, addr, phys_arg);
		if (rc < 0)
			return -1;
		if (rc > 0)
			kd_printf(s, "\n");
	} else
		kd_clear_error(s);
	if (have_vaddr && !context_shown) {
		const struct task_info *t = task_holding(s, vaddr, false);
		if (!t)
			t = task_holding(s, vaddr, true);
		if (t) {
			kd_task_print_context(s, t);
			kd_printf(s, "\n");
		}
	}
mem_map:;
	int printed = 0;
	if (have_vaddr || have_phys) {
		if (!have_phys && kd_page_to_phys(s, addr, &phys)) {
			struct kd_sbuf b = {0};
			kd_page_header(s, &b);
			if (kd_page_line(s, addr, phys, NULL, &b) == 0) {
				kd_printf(s, "%s", kd_sbuf_str(&b));
				printed = 1;
			} else
				kd_clear_error(s);
			kd_sbuf_free(&b);
		} else if (have_phys || kd_kvtop(s, addr, &phys) == 0) {
			if ((printed = kd_page_print(s, phys)) < 0)
				return -1;
		} else
			kd_clear_error(s);
	}
	if (!printed)
		kd_printf(s, "%llx: %s address not found in mem map\n", (unsigned long long)addr,
			  phys_arg ? "physical" : "kernel virtual");
	return 0;
}
