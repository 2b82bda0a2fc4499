/* The page allocator's view of memory: SPARSEMEM sections, the struct page array, page lines. */
#include "linux/mm.h"

#include <string.h>

#include "target/arch.h"

#define SECTIONS_MAX (1u << 20)    /* 128 TiB of 128 MiB sections: more is a corrupt count */
#define PAGE_FLAG_NAMES_MAX 128
#define RUN_PAGES 512
#define NODES_MAX 64

struct page_flag {
	uint64_t mask;
	char *name;
};

struct mm_state;
static struct mm_state *mm_get(kd_session *s);
static struct mm_state *mm_quiet(kd_session *s);

struct mm_state {
	int status; /* 0: not read yet, 1: ready, -1: no page array */
	char why[200];
	uint64_t page_size;    /* sizeof(struct page) */
	uint64_t flags_off, flags_size, ref_off, mapping_off, index_off;
	unsigned section_shift; /* SECTION_SIZE_BITS - PAGE_SHIFT */
	uint64_t pps;          /* pages per section */
	uint64_t nr_sections;
	uint64_t *sec_addr;    /* the struct mem_section of each, 0: none */
	uint64_t *sec_raw;     /* its section_mem_map word */
	uint64_t map_mask;
	struct page_flag *flags;
	size_t nflags;
	char broken[160];      /* the first section root that could not be read, "" if none */
	uint64_t broken_addr;
	int paddr_prlen;       /* hex digits of the memory size (crash's PADDR_PRLEN) */
	int paddr_width;       /* the page line's physical column: that, at least 8 */
	struct {
		char name[32];
		uint64_t off;
	} offs[16];
	size_t noffs;
	struct kd_mem_node nodes[NODES_MAX];
	size_t nnodes;
};

static uint64_t page_shift(kd_session *s)
{
	uint64_t ps = mem_page_size(s), sh = 0;
	while ((1ull << sh) < ps && sh < 63)
		sh++;
	return sh;
}

void mm_free(kd_session *s)
{
	struct mm_state *m = s->mm;
	if (!m)
		return;
	free(m->sec_addr);
	free(m->sec_raw);
	for (size_t i = 0; i < m->nflags; i++)
		free(m->flags[i].name);
	free(m->flags);
	free(m);
	s->mm = NULL;
}

/* The kernel's pageflag_names (struct trace_print_flags { unsigned long mask; const char *name; }),
 * ending at a NULL name. */
static void read_flag_names(kd_session *s, struct mm_state *m)
{
	uint64_t addr, mask_off = kd_member_offset_opt(s, "trace_print_flags", "mask"),
		       name_off = kd_member_offset_opt(s, "trace_print_flags", "name"),
		       esize = kd_type_size_opt(s, "trace_print_flags");
	const kd_type *t = kd_symbol_lookup(s, "pageflag_names") ? kd_var_type(s, "pageflag_names") : NULL;
	if (!t || mask_off == UINT64_MAX || name_off == UINT64_MAX || esize == UINT64_MAX || !esize || esize > 64) {
		kd_clear_error(s);
		return;
	}
	uint64_t total = kd_type_sizeof(s, t), n = total / esize;
	if (n > PAGE_FLAG_NAMES_MAX)
		n = PAGE_FLAG_NAMES_MAX;
	uint8_t *buf = kd_xmalloc(n * esize + 1);
	if (kd_symbol_addr(s, "pageflag_names", &addr) < 0 || kd_read_kv(s, addr, buf, n * esize) < 0) {
		kd_clear_error(s);
		free(buf);
		return;
	}
	m->flags = kd_xcalloc(n ? n : 1, sizeof(*m->flags));
	for (uint64_t i = 0; i < n; i++) {
		uint64_t mask, name;
		memcpy(&mask, buf + i * esize + mask_off, 8);
		memcpy(&name, buf + i * esize + name_off, 8);
		if (!name)
			break;
		char str[64];
		if (kd_read_string(s, name, str, sizeof(str)) < 0) {
			kd_clear_error(s);
			break;
		}
		m->flags[m->nflags].mask = mask;
		m->flags[m->nflags++].name = kd_xstrdup(str);
	}
	free(buf);
}

/* The online nodes: node_states[N_ONLINE] (or node_online_map) says which, node_data[] holds each
 * one's pglist_data; a kernel without NUMA has the one contig_page_data. */
static void read_nodes(kd_session *s, struct mm_state *m)
{
	uint64_t online[NODES_MAX / 64] = {0}, addr, nd;
	int64_t n_online;
	uint64_t mask_size = kd_type_size_opt(s, "nodemask_t");
	if (mask_size == UINT64_MAX || mask_size > sizeof(online))
		mask_size = sizeof(online);
	if (kd_symbol_lookup(s, "node_states") && kd_enum_find(s, "N_ONLINE", &n_online) && n_online >= 0 &&
	    n_online < 16 && kd_symbol_addr(s, "node_states", &addr) == 0) {
		if (kd_read_kv(s, addr + (uint64_t)n_online * kd_type_size_opt(s, "nodemask_t"), online, mask_size) < 0)
			online[0] = 1;
	} else if (kd_symbol_lookup(s, "node_online_map") && kd_symbol_addr(s, "node_online_map", &addr) == 0) {
		if (kd_read_kv(s, addr, online, mask_size) < 0)
			online[0] = 1;
	} else
		online[0] = 1;
	kd_clear_error(s);
	const kd_type *t = kd_symbol_lookup(s, "node_data") ? kd_var_type(s, "node_data") : NULL;
	uint64_t len = t && kd_type_kind(kd_type_resolve(s, t)) == KD_TYPE_ARRAY ? kd_type_sizeof(s, t) / 8 : 0;
	bool have_nd = len && kd_symbol_addr(s, "node_data", &nd) == 0;
	for (int id = 0; id < NODES_MAX; id++) {
		if (!((online[id / 64] >> (id % 64)) & 1))
			continue;
		uint64_t pgdat = 0;
		if (have_nd) {
			if ((uint64_t)id >= len || kd_read_u64(s, nd + (uint64_t)id * 8, &pgdat) < 0)
				pgdat = 0;
		} else if (id == 0 && kd_symbol_addr(s, "contig_page_data", &addr) == 0)
			pgdat = addr;
		kd_clear_error(s);
		if (!pgdat)
			continue;
		struct kd_mem_node *n = &m->nodes[m->nnodes];
		static const struct kd_field f[] = {
			KD_FIELD(struct kd_mem_node, start_pfn, "node_start_pfn", 0),
			KD_FIELD(struct kd_mem_node, spanned, "node_spanned_pages", 0),
			KD_FIELD(struct kd_mem_node, present, "node_present_pages", KD_FIELD_OPTIONAL),
		};
		memset(n, 0, sizeof(*n));
		if (kd_read_struct(s, pgdat, "pglist_data", f, ARRAY_SIZE(f), n, NULL) < 0) {
			kd_clear_error(s);
			continue;
		}
		n->id = id;
		n->pgdat = pgdat;
		m->nnodes++;
	}
}

size_t kd_mem_nodes(kd_session *s, const struct kd_mem_node **nodes)
{
	struct mm_state *m = s->mm && s->mm->status == 1 ? s->mm : NULL;
	if (!m && !(m = mm_get(s))) {
		kd_clear_error(s);
		return 0;
	}
	*nodes = m->nodes;
	return m->nnodes;
}

/* The section roots: mem_section is a pointer to (SPARSEMEM_EXTREME, 4.15+) or an array of
 * root pointers, each root a page of struct mem_section; or a two-dimensional array. */
static int read_sections(kd_session *s, struct mm_state *m)
{
	uint64_t sym, ms_size = kd_type_size_opt(s, "mem_section"),
		      map_off = kd_member_offset_opt(s, "mem_section", "section_mem_map");
	const kd_type *t = kd_symbol_lookup(s, "mem_section") ? kd_var_type(s, "mem_section") : NULL;
	if (!t || ms_size == UINT64_MAX || !ms_size || ms_size > 4096 || map_off == UINT64_MAX)
		return kd_fail(s, "no SPARSEMEM mem_section in this kernel");
	if (kd_symbol_addr(s, "mem_section", &sym) < 0)
		return -1;
	const kd_type *rt = kd_type_resolve(s, t);
	bool extreme = true;
	uint64_t roots_at = sym, per_root = mem_page_size(s) / ms_size;
	if (rt && kd_type_kind(rt) == KD_TYPE_POINTER) {
		if (kd_read_u64(s, sym, &roots_at) < 0)
			return kd_fail_prefix(s, "mem_section");
	} else if (rt && kd_type_kind(rt) == KD_TYPE_ARRAY) {
		const kd_type *el = kd_type_resolve(s, kd_type_target(rt));
		if (el && kd_type_kind(el) == KD_TYPE_ARRAY) {
			extreme = false;
			per_root = kd_type_sizeof(s, el) / ms_size;
		}
	}
	if (!per_root)
		return kd_fail(s, "mem_section: bad section size %llu", (unsigned long long)ms_size);
	uint64_t max_pfn = kd_target(s)->max_pfn;
	uint64_t nr = max_pfn ? (max_pfn + m->pps - 1) / m->pps : per_root;
	if (nr > SECTIONS_MAX)
		nr = SECTIONS_MAX;
	m->nr_sections = nr;
	m->sec_addr = kd_xcalloc(nr ? nr : 1, 8);
	m->sec_raw = kd_xcalloc(nr ? nr : 1, 8);
	uint8_t *buf = kd_xmalloc(per_root * ms_size);
	for (uint64_t r = 0; r * per_root < nr; r++) {
		uint64_t root;
		if (extreme) {
			if (kd_read_u64(s, roots_at + r * 8, &root) < 0) {
				if (!m->broken[0]) {
					snprintf(m->broken, sizeof(m->broken), "mem_section root table: %s", kd_last_error(s));
					m->broken_addr = roots_at + r * 8;
				}
				kd_clear_error(s);
				continue;
			}
		} else
			root = sym + r * per_root * ms_size;
		if (!root)
			continue;
		uint64_t n = MIN(per_root, nr - r * per_root);
		if (kd_read_kv(s, root, buf, n * ms_size) < 0) {
			/* a damaged root: its sections are missing, the others stand */
			if (!m->broken[0]) {
				snprintf(m->broken, sizeof(m->broken), "memory section root %llu at %llx: %s", (unsigned long long)r,
					 (unsigned long long)root, kd_last_error(s));
				m->broken_addr = root;
			}
			kd_clear_error(s);
			continue;
		}
		for (uint64_t i = 0; i < n; i++) {
			uint64_t raw;
			memcpy(&raw, buf + i * ms_size + map_off, 8);
			m->sec_addr[r * per_root + i] = root + i * ms_size;
			m->sec_raw[r * per_root + i] = raw;
		}
	}
	free(buf);
	return 0;
}

static struct mm_state *mm_get(kd_session *s)
{
	struct mm_state *m = s->mm;
	if (m && m->status == 1)
		return m;
	if (m) {
		kd_fail(s, "%s", m->why);
		return NULL;
	}
	m = s->mm = kd_xcalloc(1, sizeof(*m));
	m->page_size = kd_type_size_opt(s, "page");
	m->flags_off = kd_member_offset_opt(s, "page", "flags");
	m->ref_off = kd_member_offset_opt(s, "page", "_refcount");
	if (m->ref_off == UINT64_MAX)
		m->ref_off = kd_member_offset_opt(s, "page", "_count");
	m->mapping_off = kd_member_offset_opt(s, "page", "mapping");
	m->index_off = kd_member_offset_opt(s, "page", "index");
	struct kd_member_info fi;
	m->flags_size = kd_member_find(s, "page", "flags", &fi) ? fi.size : 8;
	if (m->page_size == UINT64_MAX || !m->page_size || m->page_size > 1024 || m->flags_off == UINT64_MAX ||
	    m->ref_off == UINT64_MAX) {
		kd_fail(s, "struct page: not in this kernel's debug information");
		goto fail;
	}
	uint64_t bits = 0;
	if (!(s->dump && dump_vmcoreinfo_u64(s->dump, "NUMBER(SECTION_SIZE_BITS)", 10, &bits)) || bits < 12 || bits > 40)
		bits = s->arch && s->arch->section_size_bits ? s->arch->section_size_bits : 27;
	uint64_t psh = page_shift(s);
	m->section_shift = bits > psh ? (unsigned)(bits - psh) : 0;
	m->pps = 1ull << m->section_shift;
	/* The low bits of section_mem_map are the section's state (SECTION_MARKED_PRESENT, ...). */
	int64_t last;
	m->map_mask = ~((1ull << (kd_enum_find(s, "SECTION_MAP_LAST_BIT", &last) && last > 0 && last < 12 ? last : 5)) - 1);
	if (read_sections(s, m) < 0)
		goto fail;
	read_flag_names(s, m);
	read_nodes(s, m);
	/* crash's physical column: as wide as the memory size (present pages, else spanned, of every node) */
	char hex[32];
	uint64_t top = 0;
	for (size_t i = 0; i < m->nnodes; i++)
		top += (m->nodes[i].present ? m->nodes[i].present : m->nodes[i].spanned) << psh;
	m->paddr_prlen = snprintf(hex, sizeof(hex), "%llx", (unsigned long long)top);
	m->paddr_width = MAX(m->paddr_prlen, 8);
	m->status = 1;
	return m;
fail:
	m->status = -1;
	snprintf(m->why, sizeof(m->why), "%s", kd_last_error(s));
	return NULL;
}

uint64_t kd_page_struct_size(kd_session *s)
{
	struct mm_state *m = mm_get(s);
	return m ? m->page_size : 0;
}

int kd_paddr_prlen(kd_session *s)
{
	struct mm_state *m = mm_quiet(s);
	return m ? m->paddr_prlen : 8;
}

uint64_t kd_pages_per_section(kd_session *s)
{
	struct mm_state *m = mm_get(s);
	return m ? m->pps : 0;
}

uint64_t kd_nr_mem_sections(kd_session *s)
{
	struct mm_state *m = mm_get(s);
	return m ? m->nr_sections : 0;
}

#define SECTION_MARKED_PRESENT 1ull
#define SECTION_HAS_MEM_MAP 2ull

static bool section_valid(const struct mm_state *m, uint64_t nr)
{
	return nr < m->nr_sections && m->sec_addr[nr] && (m->sec_raw[nr] & SECTION_MARKED_PRESENT);
}

/* The struct page of the section's first frame: the coded map plus the section's first pfn. */
static uint64_t section_map(const struct mm_state *m, uint64_t nr)
{
	return (m->sec_raw[nr] & m->map_mask) + nr * m->pps * m->page_size;
}

bool kd_mem_section(kd_session *s, uint64_t nr, uint64_t *addr, uint64_t *coded, uint64_t *map)
{
	struct mm_state *m = s->mm && s->mm->status == 1 ? s->mm : NULL;
	if (!m && !(m = mm_get(s))) {
		kd_clear_error(s);
		return false;
	}
	if (!section_valid(m, nr))
		return false;
	if (addr)
		*addr = m->sec_addr[nr];
	if (coded)
		*coded = m->sec_raw[nr];
	if (map)
		*map = section_map(m, nr);
	return true;
}

static struct mm_state *mm_quiet(kd_session *s)
{
	if (s->mm && s->mm->status == 1)
		return s->mm;
	struct mm_state *m = mm_get(s);
	if (!m)
		kd_clear_error(s);
	return m;
}

bool kd_phys_to_page(kd_session *s, uint64_t phys, uint64_t *page)
{
	struct mm_state *m = mm_quiet(s);
	if (!m)
		return false;
	uint64_t pfn = phys >> page_shift(s), nr = pfn >> m->section_shift;
	if (!section_valid(m, nr) || !(m->sec_raw[nr] & SECTION_HAS_MEM_MAP))
		return false;
	*page = section_map(m, nr) + (pfn - nr * m->pps) * m->page_size;
	return true;
}

bool kd_page_to_phys(kd_session *s, uint64_t page, uint64_t *phys)
{
	struct mm_state *m = mm_quiet(s);
	if (!m)
		return false;
	for (uint64_t nr = 0; nr < m->nr_sections; nr++) {
		if (!section_valid(m, nr))
			continue;
		uint64_t map = section_map(m, nr);
		if (page < map || page >= map + m->pps * m->page_size)
			continue;
		if ((page - map) % m->page_size)
			return false;
		if (phys)
			*phys = (nr * m->pps + (page - map) / m->page_size) << page_shift(s);
		return true;
	}
	return false;
}

uint64_t kd_page_member_offset(kd_session *s, const char *member)
{
	struct mm_state *m = mm_quiet(s);
	if (!m)
		return kd_member_offset_opt(s, "page", member);
	for (size_t i = 0; i < m->noffs; i++)
		if (!strcmp(m->offs[i].name, member))
			return m->offs[i].off;
	uint64_t off = kd_member_offset_opt(s, "page", member);
	if (m->noffs < ARRAY_SIZE(m->offs) && strlen(member) < sizeof(m->offs[0].name)) {
		snprintf(m->offs[m->noffs].name, sizeof(m->offs[0].name), "%s", member);
		m->offs[m->noffs++].off = off;
	}
	return off;
}

void kd_page_flags_format(kd_session *s, uint64_t flags, struct kd_sbuf *out)
{
	struct mm_state *m = mm_quiet(s);
	kd_sbuf_printf(out, "%llx", (unsigned long long)flags);
	if (!m || !flags)
		return;
	int n = 0;
	for (size_t i = 0; i < m->nflags; i++)
		if (flags & m->flags[i].mask)
			kd_sbuf_printf(out, "%s%s", n++ ? "," : " ", m->flags[i].name);
}

bool kd_page_flag_name(kd_session *s, size_t i, const char **name, uint64_t *mask)
{
	struct mm_state *m = mm_quiet(s);
	if (!m || i >= m->nflags)
		return false;
	*name = m->flags[i].name;
	*mask = m->flags[i].mask;
	return true;
}

void kd_page_header(kd_session *s, struct kd_sbuf *out)
{
	struct mm_state *m = mm_quiet(s);
	int w = m ? m->paddr_width : 8;
	kd_sbuf_printf(out, "      PAGE       %*s      MAPPING       INDEX CNT FLAGS\n", w, "PHYSICAL");
}

static uint64_t get_le(const uint8_t *p, uint64_t size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

int kd_page_line(kd_session *s, uint64_t page, uint64_t phys, const void *raw, struct kd_sbuf *out)
{
	struct mm_state *m = mm_get(s);
	if (!m)
		return -1;
	uint8_t local[1024];
	const uint8_t *p = raw;
	if (!p) {
		if (kd_read_kv(s, page, local, m->page_size) < 0)
			return kd_fail_prefix(s, "struct page %llx", (unsigned long long)page);
		p = local;
	}
	uint64_t flags = get_le(p + m->flags_off, m->flags_size);
	uint32_t count = (uint32_t)get_le(p + m->ref_off, 4);
	uint64_t mapping = m->mapping_off != UINT64_MAX ? get_le(p + m->mapping_off, 8) : 0;
	uint64_t index = m->index_off != UINT64_MAX ? get_le(p + m->index_off, 8) : 0;
	kd_sbuf_printf(out, "%-16llx %*llx %16llx %8llx %2d ", (unsigned long long)page, m->paddr_width,
		       (unsigned long long)phys, (unsigned long long)mapping, (unsigned long long)index, (int)count);
	kd_page_flags_format(s, flags, out);
	kd_sbuf_putc(out, '\n');
	return 0;
}

int kd_page_print(kd_session *s, uint64_t phys)
{
	uint64_t page;
	if (!mm_get(s))
		return -1;
	uint64_t base = phys & ~(mem_page_size(s) - 1);
	if (!kd_phys_to_page(s, base, &page))
		return 0;
	struct kd_sbuf b = {0};
	kd_page_header(s, &b);
	uint8_t raw[1024];
	struct mm_state *m = s->mm;
	if (kd_read_kv(s, page, raw, m->page_size) < 0) {
		kd_clear_error(s); /* crash shows an unreadable struct page as zeros */
		memset(raw, 0, m->page_size);
	}
	kd_page_line(s, page, base, raw, &b);
	kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return 1;
}

long kd_pages_read(kd_session *s, uint64_t pfn, size_t count, void *buf)
{
	struct mm_state *m = mm_get(s);
	if (!m)
		return -1;
	uint8_t *out = buf;
	long good = 0;
	size_t i = 0;
	while (i < count) {
		uint64_t nr = (pfn + i) >> m->section_shift;
		uint64_t in_sec = MIN(count - i, (nr + 1) * m->pps - (pfn + i));
		size_t len = in_sec * m->page_size;
		if (!section_valid(m, nr)) {
			memset(out + i * m->page_size, 0, len);
			i += in_sec;
			continue;
		}
		uint64_t addr = section_map(m, nr) + (pfn + i - nr * m->pps) * m->page_size;
		if (kd_read_kv(s, addr, out + i * m->page_size, len) == 0) {
			good += (long)in_sec;
		} else {
			/* piece by piece within memory pages, zeroing what cannot be read */
			kd_clear_error(s);
			uint64_t ps = mem_page_size(s), a = addr;
			uint8_t *o = out + i * m->page_size;
			while (a < addr + len) {
				uint64_t n = MIN(ps - (a % ps), addr + len - a);
				if (kd_read_kv(s, a, o, n) < 0) {
					kd_clear_error(s);
					memset(o, 0, n);
				} else
					good += (long)(n / m->page_size);
				a += n;
				o += n;
			}
		}
		i += in_sec;
	}
	return good;
}

int kd_walk_pages(kd_session *s, kd_page_run_fn fn, void *arg)
{
	struct mm_state *m = mm_get(s);
	if (!m)
		return -1;
	uint8_t *buf = kd_xmalloc(RUN_PAGES * m->page_size);
	int rc = 0;
	for (uint64_t nr = 0; nr < m->nr_sections && rc == 0; nr++) {
		if (!section_valid(m, nr))
			continue;
		for (uint64_t i = 0; i < m->pps && rc == 0; i += RUN_PAGES) {
			uint64_t pfn = nr * m->pps + i, n = MIN(RUN_PAGES, m->pps - i);
			if (kd_pages_read(s, pfn, n, buf) < 0) {
				rc = -1;
				break;
			}
			rc = fn(s, pfn, n, buf, arg);
		}
	}
	free(buf);
	if (rc == 0 && m->broken[0]) /* every readable section was walked; name the one that was not */
		return kd_error(s, KD_EFORMAT, m->broken_addr, "%s", m->broken);
	return rc < 0 ? -1 : 0;
}
