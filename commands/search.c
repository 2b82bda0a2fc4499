/*
 * search: memory for values, strings or expressions, as crash's search walks and prints it.
 *
 * Kernel virtual memory is searched in crash's ranges (the direct map, vmalloc space up to the
 * last vmap area, the vmemmap, the kernel image, modules outside vmalloc space), user memory
 * VMA by VMA, physical memory node by node, kernel stacks task by task. Memory is read in large
 * runs straight from the dump's pages (kd_translate_run, kd_read_phys_run); a page that is not
 * mapped, has no struct page, or is not in the dump is skipped without a message, and the walk
 * goes on where crash's would: the next page, or the next vmap area, VMA or node.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

/* An address range [start, end): a vmap area or a VMA. */
struct kd_range {
	uint64_t start, end;
};

/* The vmap areas crash searches (those with a vm_struct), sorted by start. On a broken list,
 * those found before the break, with *broken set and the error in the session. */
static long vmap_ranges(kd_session *s, struct kd_range **out, bool *broken)
{
	struct kd_vmap_area *a = NULL;
	size_t n = 0;
	*broken = kd_vmap_areas(s, &a, &n) < 0;
	struct kd_range *r = kd_xcalloc(n ? n : 1, sizeof(*r));
	size_t k = 0;
	for (size_t i = 0; a && i < n; i++)
		if (a[i].has_vm)
			r[k++] = (struct kd_range){a[i].start, a[i].end};
	free(a);
	*out = r;
	return (long)k;
}

/* A user address space's VMAs, in address order; -1 with an error. */
static long vma_ranges(kd_session *s, uint64_t mm, struct kd_range **out)
{
	struct kd_vma *v;
	long n = kd_mm_vmas(s, mm, &v);
	*out = NULL;
	if (n < 0)
		return -1;
	struct kd_range *r = kd_xcalloc(n ? (size_t)n : 1, sizeof(*r));
	for (long i = 0; i < n; i++)
		r[i] = (struct kd_range){v[i].start, v[i].end};
	free(v);
	*out = r;
	return n;
}

#define RUN_BYTES (1u << 20) /* read this much at a time */
#define CHARS_CTX 56         /* bytes shown of a string hit and what follows it */
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define USERSPACE_TOP_L4 0x0000800000000000ULL
#define USERSPACE_TOP_L5 0x0100000000000000ULL

enum mode { S_ULONG, S_UINT, S_USHORT, S_CHARS };

/* crash's error(INFO, ...) */
#define info(s, fmt, ...) kd_info(s, "search: " fmt, ##__VA_ARGS__)
enum range_type { R_NONE, R_UNITY, R_START_MAP, R_VMALLOC, R_MODULES, R_VMEMMAP, R_USER, R_STACK };

struct krange {
	uint64_t start, end;
	enum range_type type;
};

struct target {
	uint64_t value;      /* values */
	const char *opt;     /* the argument as typed, shown after a hit; NULL: nothing */
	const char *str;     /* strings */
	size_t len;
	/* a string's match begun at the end of the previous page: hit[i] for the i+1 bytes it lacks */
	uint8_t *hit;
	size_t cross_cnt;
	uint64_t cross_addr;
};

struct search {
	kd_session *s;
	enum mode mode;
	enum kd_addr_space space;
	uint64_t mask;
	int context;
	struct target *t;
	size_t n;
	uint64_t page;
	/* strings: where the next page must start for a match begun on this one to go on */
	bool started;
	uint64_t cross_next;
	/* -t/-T: the task whose stack is searched, its header printed before its first hit */
	const struct task_info *task;
	bool header_due;
	int tasks_found;
	/* the walk */
	uint64_t pgd;                    /* -u */
	struct kd_range *areas;          /* vmap areas (vmalloc range) or VMAs (-u) */
	long nareas;
	const struct kd_mem_node *nodes;
	size_t nnodes;
	const struct module_table *mods;
	uint64_t page_offset;
	uint8_t *buf;
	bool no_dump; /* memory from a reader of kernel addresses (the unit tests' fake kernel) */
};

/* ---- output ---- */

static const char *opt_string(const struct target *t, char *buf, size_t size)
{
	if (!t->opt)
		return "";
	if (t->opt[0] == '(')
		return t->opt;
	snprintf(buf, size, "(%s)", t->opt);
	return buf;
}

static void task_header(struct search *sr)
{
	if (!sr->header_due)
		return;
	const struct task_info *t = sr->task;
	kd_printf(sr->s, "%sPID: %-7d  TASK: %-16llx  CPU: %-3d  COMMAND: \"%s\"\n", sr->tasks_found ? "\n" : "", t->pid,
		  (unsigned long long)t->task, t->cpu, t->comm);
	sr->header_due = false;
	sr->tasks_found++;
}

static unsigned unit(enum mode m)
{
	return m == S_USHORT ? 2 : m == S_UINT ? 4 : 8;
}

/* crash's display_memory in hexadecimal with the ASCII column, skipping what cannot be read. */
static void display(struct search *sr, uint64_t addr, int count)
{
	unsigned size = unit(sr->mode), per_line = 16 / size;
	int shown = 0;
	char ascii[17];
	size_t nascii = 0;
	size_t linelen = 0;
	for (int i = 0; i < count; i++, addr += size) {
		uint64_t v = 0;
		if (kd_read(sr->s, addr, sr->space, &v, size) < 0) {
			kd_clear_error(sr->s);
			continue;
		}
		if (shown % per_line == 0) {
			if (shown)
				kd_printf(sr->s, "  %.*s\n", (int)nascii, ascii);
			kd_printf(sr->s, "%16llx:  ", (unsigned long long)addr);
			nascii = 0;
			linelen = 19;
		}
		kd_printf(sr->s, "%0*llx ", (int)size * 2, (unsigned long long)v);
		linelen += size * 2 + 1;
		for (unsigned j = 0; j < size; j++) {
			uint8_t c = (uint8_t)(v >> (8 * j));
			ascii[nascii++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		shown++;
	}
	if (nascii) {
		size_t start = size == 8 ? 53 : size == 4 ? 55 : 59;
		kd_printf(sr->s, "%*s  %.*s", (int)(start > linelen ? start - linelen : 0), "", (int)nascii, ascii);
	}
	if (shown)
		kd_printf(sr->s, "\n");
}

static void report_value(struct search *sr, const struct target *t, uint64_t addr, uint64_t v)
{
	char buf[512];
	task_header(sr);
	if (!sr->context) {
		kd_printf(sr->s, "%llx: %llx %s\n", (unsigned long long)addr, (unsigned long long)v, opt_string(t, buf, sizeof(buf)));
		return;
	}
	unsigned size = unit(sr->mode);
	display(sr, addr - (uint64_t)sr->context * size, sr->context);
	kd_printf(sr->s, "%16llx:  %llx %s\n", (unsigned long long)addr, (unsigned long long)v, opt_string(t, buf, sizeof(buf)));
	display(sr, addr + size, sr->context);
	kd_printf(sr->s, "\n");
}

static void put_printable(struct kd_sbuf *b, const uint8_t *p, long n)
{
	for (long i = 0; i < n; i++)
		kd_sbuf_putc(b, isprint(p[i]) && p[i] < 0x80 ? (char)p[i] : '.');
}

static void report_string(struct search *sr, uint64_t addr, const uint8_t *p1, long n1, const uint8_t *p2, long n2)
{
	struct kd_sbuf b = {0};
	task_header(sr);
	kd_sbuf_printf(&b, "%llx: ", (unsigned long long)addr);
	put_printable(&b, p1, n1);
	put_printable(&b, p2, n2);
	kd_printf(sr->s, "%s\n", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
}

/* ---- matching: one page (or the part of it in range) at a time, as crash does ---- */

/* One loop per width, each word loaded with a fixed-size memcpy the compiler turns into a load. */
#define SCAN_WIDTH(type, sr, addr, p, bytes)                                                   \
	do {                                                                                   \
		type m_ = (type)(sr)->mask;                                                        \
		size_t cnt_ = (bytes) / sizeof(type);                                              \
		if ((sr)->n == 1) {                                                                \
			type want_ = (type)((sr)->t[0].value | m_);                                    \
			for (size_t i_ = 0; i_ < cnt_; i_++) {                                         \
				type w_;                                                                   \
				memcpy(&w_, (p) + i_ * sizeof(type), sizeof(type));                        \
				if ((type)(w_ | m_) == want_)                                              \
					report_value(sr, &(sr)->t[0], (addr) + i_ * sizeof(type), w_);         \
			}                                                                              \
			break;                                                                         \
		}                                                                                  \
		for (size_t i_ = 0; i_ < cnt_; i_++) {                                             \
			type w_;                                                                       \
			memcpy(&w_, (p) + i_ * sizeof(type), sizeof(type));                            \
			for (size_t j_ = 0; j_ < (sr)->n; j_++)                                        \
				if ((type)(w_ | m_) == (type)((sr)->t[j_].value | m_))                     \
					report_value(sr, &(sr)->t[j_], (addr) + i_ * sizeof(type), w_);        \
		}                                                                                  \
	} while (0)

static void scan_values(struct search *sr, uint64_t addr, const uint8_t *p, size_t bytes)
{
	if (sr->mode == S_ULONG)
		SCAN_WIDTH(uint64_t, sr, addr, p, bytes);
	else if (sr->mode == S_UINT)
		SCAN_WIDTH(uint32_t, sr, addr, p, bytes);
	else
		SCAN_WIDTH(uint16_t, sr, addr, p, bytes);
}

/* avail: the bytes of the page from p on, which a match crossing into this page shows after it */
static void scan_chars(struct search *sr, uint64_t addr, const uint8_t *p, size_t charcnt, size_t avail)
{
	if (!sr->started) {
		for (size_t j = 0; j < sr->n; j++)
			sr->t[j].cross_cnt = 0;
		sr->cross_next = UINT64_MAX;
		sr->started = true;
	}
	/* Matches that began at the end of the previous page, if this page follows it. */
	if (sr->cross_next == addr)
		for (size_t j = 0; j < sr->n; j++) {
			struct target *t = &sr->t[j];
			if (!t->cross_cnt)
				continue;
			for (size_t i = 0; i + 1 < t->len; i++)
				if (t->hit[i] && i + 1 <= charcnt && memcmp(t->str + t->len - 1 - i, p, i + 1) == 0)
					report_string(sr, t->cross_addr + i, (const uint8_t *)t->str, (long)t->len, p + i + 1,
						      MIN((long)CHARS_CTX - (long)t->len, (long)avail - (long)i - 1));
		}
	sr->cross_next = addr + charcnt;
	for (size_t j = 0; j < sr->n; j++) {
		struct target *t = &sr->t[j];
		t->cross_cnt = 0;
		t->cross_addr = addr + charcnt - (t->len - 1);
		memset(t->hit, 0, t->len);
	}
	for (size_t i = 0; i < charcnt; i++) {
		if (sr->n == 1) { /* to the next place the one string's first byte is */
			const uint8_t *q = memchr(p + i, (uint8_t)sr->t[0].str[0], charcnt - i);
			if (!q)
				break;
			i = (size_t)(q - p);
		}
		for (size_t j = 0; j < sr->n; j++) {
			struct target *t = &sr->t[j];
			if (p[i] != (uint8_t)t->str[0])
				continue;
			if (i + t->len > charcnt) {
				if (memcmp(t->str, p + i, charcnt - i) == 0) {
					t->hit[t->len + i - charcnt - 1] = 1;
					t->cross_cnt++;
				}
			} else if (memcmp(t->str, p + i, t->len) == 0) {
				size_t slen = i + CHARS_CTX > charcnt ? charcnt - i : CHARS_CTX;
				report_string(sr, addr + i, p + i, (long)slen, NULL, 0);
			}
		}
	}
}

static void scan(struct search *sr, uint64_t addr, const uint8_t *p, size_t bytes)
{
	size_t avail = (size_t)(sr->page - (addr & (sr->page - 1)));
	bytes &= ~(size_t)7; /* crash counts whole longs */
	if (sr->mode == S_CHARS)
		scan_chars(sr, addr, p, bytes, avail);
	else
		scan_values(sr, addr, p, bytes);
}

/* ---- walking ---- */

/* Where the walk goes on after the page at pp, found unmapped; false: nothing more to search. */
static bool next_page(struct search *sr, enum range_type type, uint64_t pp, uint64_t *next)
{
	uint64_t v = pp + sr->page;
	if (v < pp)
		return false;
	switch (type) {
	case R_UNITY: {
		/* the next node's memory, if this address is below it */
		uint64_t pa = v - sr->page_offset, best = 0;
		bool found = false;
		for (size_t n = 0; n < sr->nnodes; n++) {
			uint64_t ps = sr->nodes[n].start_pfn * sr->page, pe = ps + sr->nodes[n].spanned * sr->page;
			if (pa >= pe)
				continue;
			if (pa < ps) {
				if (found && best < ps)
					continue;
				best = ps;
				*next = sr->page_offset + ps;
				found = true;
				continue;
			}
			*next = v;
			return true;
		}
		return found;
	}
	case R_VMALLOC:
	case R_USER:
		for (long i = 0; i < sr->nareas; i++) {
			if (v <= sr->areas[i].start) {
				*next = sr->areas[i].start;
				return true;
			}
			if (v < sr->areas[i].end) {
				*next = v;
				return true;
			}
		}
		return false;
	case R_MODULES: {
		uint64_t min = UINT64_MAX;
		for (size_t i = 0; sr->mods && i < sr->mods->len; i++) {
			const struct kmodule *m = &sr->mods->mods[i];
			if (v >= m->base + m->size)
				continue;
			if (v < m->base) {
				min = MIN(min, m->base);
				continue;
			}
			*next = v;
			return true;
		}
		*next = min;
		return min != UINT64_MAX;
	}
	case R_VMEMMAP:
	case R_START_MAP:
		*next = v;
		return true;
	default:
		return false;
	}
}

/* The bytes from pa, at most n, whose page frames have struct pages; *bad: when none do, the
 * bytes from pa (at most n) that do not, to the end of pa's memory section. */
static size_t valid_run(struct search *sr, uint64_t pa, size_t n, size_t *bad)
{
	uint64_t section = kd_pages_per_section(sr->s) * sr->page, done = 0, page;
	if (!section)
		section = 1ULL << 27;
	while (done < n) {
		uint64_t at = pa + done;
		if (!kd_phys_to_page(sr->s, at, &page))
			break;
		done += section - at % section;
	}
	*bad = done ? 0 : (size_t)MIN((uint64_t)n, section - pa % section);
	return (size_t)MIN((uint64_t)n, done);
}

/*
 * Scan the pages of a readable run: data holds the pages from pp, got bytes; next is where in
 * the first page the search stands. Returns where it stands after them.
 */
static uint64_t scan_run(struct search *sr, uint64_t pp, uint64_t next, uint64_t end, const uint8_t *data, uint64_t got)
{
	uint64_t page = sr->page, endpage = end & ~(page - 1);
	for (uint64_t q = pp; q < pp + got && next < end; q += page) {
		size_t bytes = q == endpage ? (size_t)(end - next) : (size_t)(page - (next - q));
		scan(sr, next, data + (next - pp), bytes);
		next = q + page;
	}
	return pp + got;
}

/*
 * Search from start to end, crash's search_virtual: page by page, each page translated (or
 * walked past as the range's type says) and read, here in runs of mapped, physically
 * contiguous pages with struct pages, read straight from the dump.
 */
static void search_virtual(struct search *sr, uint64_t start, uint64_t end, enum range_type type)
{
	kd_session *s = sr->s;
	uint64_t page = sr->page;
	if (start & 7) {
		start &= ~7ULL;
		info(s, "rounding down start address to: %llx", (unsigned long long)start);
	}
	uint64_t next = start, pp = start & ~(page - 1), endpage = end & ~(page - 1);
	while (next < end && !kd_interrupted(s)) {
		size_t want = (size_t)MIN((uint64_t)RUN_BYTES, (endpage - pp) + page);
		if (sr->no_dump) {
			/* a reader of kernel addresses: page by page, what it has */
			if (kd_read_kv(s, pp, sr->buf, page) < 0) {
				kd_clear_error(s);
				if (!next_page(sr, type, pp, &pp))
					return;
				next = pp;
				continue;
			}
			next = pp = scan_run(sr, pp, next, end, sr->buf, page);
			continue;
		}
		uint64_t pa;
		size_t bad = page;
		size_t n = kd_translate_run(s, sr->space, sr->pgd, pp, want, &pa);
		if (n)
			n = valid_run(sr, pa, n, &bad);
		if (!n) {
			/* Not mapped (one page) or without struct pages (to its section's end): crash
			 * asks where to go on after each page; here without translating them again. */
			uint64_t from = pp;
			do {
				if (!next_page(sr, type, pp, &pp))
					return;
			} while (pp == from + page && (from = pp) < end && (bad -= page) > 0);
			next = pp;
			continue;
		}
		for (size_t off = 0; off < n && next < end;) {
			const void *data = NULL;
			int64_t got = kd_read_phys_run(s, pa + off, n - off, sr->buf, &data);
			if (got <= 0) { /* not in the dump: the next page */
				kd_clear_error(s);
				off += page;
				next = pp + off;
				continue;
			}
			next = scan_run(sr, pp + off, next, end, data, (uint64_t)got);
			off += (size_t)got;
		}
		pp += n;
		next = pp;
	}
}

/* crash's next_physpage: the next page in a node after paddr, or the next node's first. */
static bool next_physpage(struct search *sr, uint64_t paddr, uint64_t *next)
{
	for (size_t i = 0; i < sr->nnodes; i++) {
		uint64_t ns = sr->nodes[i].start_pfn * sr->page, ne = ns + sr->nodes[i].spanned * sr->page;
		if (paddr >= ne)
			continue;
		*next = paddr < ns ? ns : paddr + sr->page;
		return true;
	}
	return false;
}

/* crash's search_physical: node by node, pages with a struct page that the dump has. */
static void search_physical(struct search *sr, uint64_t start, uint64_t end)
{
	kd_session *s = sr->s;
	uint64_t page = sr->page;
	if (start & 7) {
		start &= ~7ULL;
		info(s, "rounding down start address to: %llx", (unsigned long long)start);
	}
	uint64_t next = start, pp = start & ~(page - 1), endpage = end & ~(page - 1);
	while (next < end && !kd_interrupted(s)) {
		size_t want = (size_t)MIN((uint64_t)RUN_BYTES, (endpage - pp) + page), bad;
		size_t n = valid_run(sr, pp, want, &bad), off = 0;
		if (!n) {
			uint64_t from = pp;
			do {
				if (!next_physpage(sr, pp, &pp))
					return;
			} while (pp == from + page && (from = pp) < end && (bad -= page) > 0);
			next = pp;
			continue;
		}
		while (off < n && next < end) {
			const void *data = NULL;
			int64_t got = kd_read_phys_run(s, pp + off, n - off, sr->buf, &data);
			if (got > 0) {
				next = scan_run(sr, pp + off, next, end, data, (uint64_t)got);
				off += (size_t)got;
				continue;
			}
			/* not in the dump: where crash goes on, the next page or the next node */
			kd_clear_error(s);
			uint64_t at = pp + off, to;
			if (!next_physpage(sr, at, &to))
				return;
			if (to != at + page) {
				pp = to;
				break;
			}
			off += page;
			next = pp + off;
		}
		if (off >= n || next >= end) {
			pp += off;
		}
		next = pp;
	}
}

/* ---- crash's kernel virtual ranges ---- */

static int range_cmp(const void *a, const void *b)
{
	const struct krange *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static bool in_areas(const struct search *sr, uint64_t v)
{
	for (long i = 0; i < sr->nareas; i++)
		if (v <= sr->areas[i].start || v < sr->areas[i].end)
			return v >= sr->areas[i].start;
	return false;
}

/* The direct map to high_memory, the kernel image to _end, vmalloc space to its last area,
 * modules (when outside vmalloc space) and the vmemmap to the last node's struct pages;
 * sorted by address. */
static int kernel_ranges(struct search *sr, struct krange *r)
{
	kd_session *s = sr->s;
	const struct kd_target_info *ti = kd_target(s);
	int n = 0;
	uint64_t addr, high = 0, kend = 0;
	if (kd_symbol_addr(s, "high_memory", &addr) == 0)
		kd_read_kv(s, addr, &high, 8);
	kd_symbol_addr(s, "_end", &kend);
	kd_clear_error(s);
	r[n++] = (struct krange){ti->page_offset, high, R_UNITY};
	r[n++] = (struct krange){START_KERNEL_MAP, kend, R_START_MAP};
	uint64_t vend = sr->nareas ? sr->areas[sr->nareas - 1].end : 0;
	r[n++] = (struct krange){ti->vmalloc_start, vend, R_VMALLOC};
	if (sr->mods && sr->mods->len) {
		uint64_t lo = UINT64_MAX, hi = 0;
		for (size_t i = 0; i < sr->mods->len; i++) {
			lo = MIN(lo, sr->mods->mods[i].base);
			hi = MAX(hi, sr->mods->mods[i].base + sr->mods->mods[i].size);
		}
		if (!in_areas(sr, lo))
			r[n++] = (struct krange){lo, (hi + sr->page - 1) & ~(sr->page - 1), R_MODULES};
	}
	uint64_t psize = kd_type_size_opt(s, "page");
	if (ti->vmemmap_start && psize != UINT64_MAX && sr->nnodes && !in_areas(sr, ti->vmemmap_start)) {
		const struct kd_mem_node *last = &sr->nodes[sr->nnodes - 1];
		r[n++] = (struct krange){ti->vmemmap_start, ti->vmemmap_start + (last->start_pfn + last->spanned) * psize, R_VMEMMAP};
	}
	kd_qsort(r, (size_t)n, sizeof(*r), range_cmp);
	return n;
}

/* ---- arguments ---- */

/* crash's htol: hex digits, "0x" ignored in front, x and h ignored anywhere, at most 16 digits. */
static int crash_htol(kd_session *s, const char *arg, uint64_t *out)
{
	const char *p = arg;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (strlen(p) > 16)
		return kd_fail(s, "input string too large: \"%s\" (%zu vs 16)", p, strlen(p));
	uint64_t n = 0;
	for (; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else if (*p == 'x' || *p == 'X' || *p == 'h')
			continue;
		else
			return kd_fail(s, "invalid input: \"%s\"", arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X') ? arg + 2 : arg);
		n = n * 16 + (uint64_t)d;
	}
	*out = n;
	return 0;
}

static bool all_digits(const char *p, bool hex)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (!(hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
			return false;
	return true;
}

/* crash's stol: decimal, else hexadecimal (0x allowed). */
static int crash_stol(kd_session *s, const char *arg, uint64_t *out)
{
	if (all_digits(arg, false))
		return kd_parse_u64(arg, out) ? 0 : kd_fail(s, "not a valid number: %s", arg);
	const char *h = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X') ? arg + 2 : arg;
	if (all_digits(h, true))
		return crash_htol(s, arg, out);
	return kd_fail(s, "not a valid number: %s", arg);
}

/* crash's can_eval: a parenthesised expression, or an operator with something on both sides. */
static bool can_eval(const char *a)
{
	size_t len = strlen(a);
	if (a[0] == '(' && len > 2 && a[len - 1] == ')' && strchr(a, '(') == strrchr(a, '(') && strchr(a, ')') == strrchr(a, ')'))
		return true;
	const char *op = strpbrk(a, "><+-&|*/%^");
	return op && op != a && op[1];
}

/* An address option: a symbol, else hexadecimal. */
static int addr_arg(kd_session *s, const char *arg, uint64_t *out)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, arg);
	if (k) {
		*out = k->addr;
		return 0;
	}
	return crash_htol(s, arg, out);
}

static int usage_with(kd_session *s, const char *fmt, unsigned long long a, unsigned long long b)
{
	char line[256];
	snprintf(line, sizeof(line), fmt, a, b);
	info(s, "%s", line);
	return kd_usage(s);
}

static int value_arg(kd_session *s, struct search *sr, const char *arg, struct target *t)
{
	uint64_t v;
	if (can_eval(arg)) {
		if (kd_eval_int(s, arg, &v) < 0)
			return -1;
		t->opt = sr->mask ? NULL : arg;
	} else if (kd_symbol_lookup(s, arg)) {
		v = kd_symbol_lookup(s, arg)->addr;
		t->opt = sr->mask ? NULL : arg;
	} else if (crash_htol(s, arg, &v) < 0) {
		return -1;
	}
	t->value = v;
	char buf[512];
	if (sr->mode == S_UINT && v > 0xffffffffULL)
		return kd_fail(s, "value too large for -w option: %llx %s", (unsigned long long)v, opt_string(t, buf, sizeof(buf)));
	if (sr->mode == S_USHORT && v > 0xffffULL)
		return kd_fail(s, "value too large for -h option: %llx %s", (unsigned long long)v, opt_string(t, buf, sizeof(buf)));
	return 0;
}

static void search_stacks(struct search *sr, bool active_only)
{
	kd_session *s = sr->s;
	const struct kd_task_table *tt = kd_tasks_get(s);
	uint64_t size = kd_type_size_opt(s, "thread_union");
	if (!tt)
		return;
	if (size == UINT64_MAX || !size)
		size = 16384;
	sr->tasks_found = 0;
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		if (active_only && !t->active)
			continue;
		if (!t->stack)
			continue;
		sr->task = t;
		sr->header_due = true;
		search_virtual(sr, t->stack, t->stack + size, R_STACK);
	}
	sr->header_due = false;
}

static int cmd_search(kd_session *s, int argc, char **argv)
{
	struct search sr = {.s = s, .mode = S_ULONG, .space = KD_KVADDR};
	const struct kd_target_info *ti = kd_target(s);
	uint64_t start = 0, end = 0, len = 0;
	int sflag = 0, c;
	bool kflag = false, Kflag = false, Vflag = false, tflag = false, Tflag = false, uflag = false, pflag = false;
	const struct task_info *cur = NULL;
	sr.page = ti->page_size ? ti->page_size : 4096;
	sr.no_dump = !ti->dump_path;
	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "Ttl:ukKVps:e:v:m:hwcx:")) != -1) {
		switch (c) {
		case 'u':
			cur = kd_task_current(s);
			if (!cur || !cur->mm || kd_task_is_kthread(cur))
				return kd_fail(s, "current context has no user address space");
			if (!sflag) {
				struct kd_range *vmas = NULL;
				long nv = vma_ranges(s, cur->mm, &vmas);
				kd_clear_error(s);
				start = nv > 0 ? vmas[0].start : 0;
				free(vmas);
			}
			uflag = true, pflag = kflag = false;
			sflag++;
			break;
		case 'p':
			pflag = true, uflag = kflag = false;
			if (!sflag) {
				const struct kd_mem_node *nd;
				start = kd_mem_nodes(s, &nd) > 0 ? nd[0].start_pfn * sr.page : 0;
			}
			sflag++;
			break;
		case 'V':
		case 'K':
		case 'k':
			kflag = true, uflag = pflag = false;
			if (!sflag)
				start = UINT64_MAX; /* the first range's start, once the ranges are known */
			sflag++;
			if (c == 'K')
				Kflag = true;
			else if (c == 'V')
				Vflag = true;
			break;
		case 's':
			if (addr_arg(s, optarg, &start) < 0)
				return -1;
			sflag++;
			break;
		case 'e':
			if (addr_arg(s, optarg, &end) < 0)
				return -1;
			if (!end)
				return kd_fail(s, "invalid ending address: 0");
			break;
		case 'l':
			if (crash_stol(s, optarg, &len) < 0)
				return -1;
			break;
		case 'm':
			if (crash_htol(s, optarg, &sr.mask) < 0)
				return -1;
			break;
		case 'h':
		case 'w':
		case 'c':
			if (sr.mode != S_ULONG)
				info(s, "WARNING: overriding previously set search %s with \"%c\"", c == 'c' ? "type" : "mode", c);
			sr.mode = c == 'h' ? S_USHORT : c == 'w' ? S_UINT : S_CHARS;
			break;
		case 'x': {
			const char *p = optarg;
			while (*p == ' ')
				p++;
			size_t k = strspn(p, "0123456789");
			if (!*p || p[k])
				return kd_fail(s, "%s: \"%c\" is not a digit 0 - 9", p, p[k]);
			sr.context = atoi(p);
			break;
		}
		case 'T':
		case 't':
			if (c == 'T')
				Tflag = true;
			else
				tflag = true;
			if (tflag && Tflag)
				return kd_fail(s, "-t and -T options are mutually exclusive");
			break;
		default:
			return kd_usage(s);
		}
	}
	bool memtype = kflag || uflag || pflag;
	if ((tflag || Tflag) && (memtype || (start && start != UINT64_MAX) || end || len))
		return kd_fail(s, "-%c option cannot be used with other memory-selection options", tflag ? 't' : 'T');
	if (!memtype) {
		kflag = true;
		if (!tflag && !Tflag && !sflag++)
			start = UINT64_MAX;
	}
	if ((!sflag && !tflag && !Tflag) || optind >= argc || (len && end))
		return kd_usage(s);
	sr.space = uflag ? KD_UVADDR : pflag ? KD_PHYSADDR : KD_KVADDR;

	/* What the walk needs to know of the kernel's memory. */
	if (!sr.no_dump)
		sr.nnodes = kd_mem_nodes(s, &sr.nodes);
	sr.page_offset = ti->page_offset;
	struct krange ranges[8];
	int nranges = 0;
	if (kflag && !tflag && !Tflag) {
		if (!sr.no_dump) {
			bool broken;
			sr.nareas = vmap_ranges(s, &sr.areas, &broken);
			if (broken) /* vmalloc space up to the break is searched, and the other ranges */
				info(s, "%s", kd_last_error(s));
			sr.mods = kd_modules_get(s);
			kd_clear_error(s);
			nranges = kernel_ranges(&sr, ranges);
		}
		if (start == UINT64_MAX)
			start = nranges ? ranges[0].start : 0;
		bool kv = sr.no_dump || ti->page_offset == UINT64_MAX ? kd_is_kvaddr(s, start) : start >= ti->page_offset;
		if (!kv) {
			free(sr.areas);
			return usage_with(s, "invalid kernel virtual address: %llx", (unsigned long long)start, 0);
		}
	}
	uint64_t utop = USERSPACE_TOP_L4;
	if (uflag) {
		const char *l5 = kd_vmcoreinfo(s, "NUMBER(pgtable_l5_enabled)", NULL);
		if (l5 && l5[0] == '1')
			utop = USERSPACE_TOP_L5;
		if (start >= utop)
			return usage_with(s, "invalid user virtual address: %llx", (unsigned long long)start, 0);
	}

	/* The end. */
	if (!end && !len && !tflag && !Tflag) {
		if (uflag) {
			end = ti->page_offset;
		} else if (kflag) {
			for (int i = 0; i < nranges; i++)
				end = MAX(end, ranges[i].end);
		} else {
			const struct kd_mem_node *last = sr.nnodes ? &sr.nodes[sr.nnodes - 1] : NULL;
			end = last ? (last->start_pfn + last->spanned) * sr.page : 0;
		}
	} else if (len) {
		end = start + len;
	}
	if (uflag) {
		if (end > ti->page_offset)
			return usage_with(s, "ending address %llx is in kernel space: %llx", (unsigned long long)end,
					  (unsigned long long)end);
		if (end < start)
			return usage_with(s, "ending address %llx is below starting address %llx", (unsigned long long)end,
					  (unsigned long long)start);
	} else if (!tflag && !Tflag && end < start) {
		free(sr.areas);
		return usage_with(s, "ending address %llx is below starting address %llx", (unsigned long long)end,
				  (unsigned long long)start);
	}

	if (sr.mask && sr.mode == S_CHARS)
		info(s, "mask ignored on string search");
	if (sr.context) {
		if (sr.mode == S_CHARS) {
			free(sr.areas);
			return kd_fail(s, "-x option is not allowed with -c");
		}
		int max = (int)(sr.page / unit(sr.mode));
		if (sr.context > max) {
			free(sr.areas);
			return kd_fail(s, "context value %d is too large: maximum is %d", sr.context, max);
		}
	}

	/* The values or strings. */
	sr.t = kd_xcalloc((size_t)(argc - optind), sizeof(*sr.t));
	int rc = 0;
	for (int i = optind; i < argc && rc == 0; i++) {
		struct target *t = &sr.t[sr.n];
		if (sr.mode == S_CHARS) {
			if (!argv[i][0])
				continue;
			t->str = argv[i];
			t->len = strlen(argv[i]);
			t->hit = kd_xcalloc(t->len, 1);
			sr.n++;
		} else if ((rc = value_arg(s, &sr, argv[i], t)) == 0) {
			sr.n++;
		}
	}
	if (rc == 0 && !sr.n)
		rc = kd_usage(s);
	if (rc == 0) {
		sr.buf = kd_xmalloc(RUN_BYTES);
		if (tflag || Tflag) {
			search_stacks(&sr, Tflag);
		} else if (pflag) {
			search_physical(&sr, start, end);
		} else if (uflag) {
			if (kd_task_pgd(s, cur->task, &sr.pgd) == 0 && (sr.nareas = vma_ranges(s, cur->mm, &sr.areas)) >= 0)
				search_virtual(&sr, start, end, R_USER);
			else
				rc = -1;
		} else if (sr.no_dump) {
			search_virtual(&sr, start, end, R_START_MAP);
		} else {
			for (int i = 0; i < nranges; i++) {
				const struct krange *r = &ranges[i];
				if (start >= r->end || end <= r->start)
					continue;
				if ((Vflag && (r->type == R_UNITY || r->type == R_START_MAP)) ||
				    (Kflag && (r->type == R_VMALLOC || r->type == R_MODULES || r->type == R_VMEMMAP)))
					continue;
				search_virtual(&sr, MAX(start, r->start), MIN(end, r->end), r->type);
			}
		}
	}
	for (size_t i = 0; i < sr.n; i++)
		free(sr.t[i].hit);
	free(sr.t);
	free(sr.buf);
	free(sr.areas);
	return rc;
}

const struct kd_command kd_cmd_search = {
	"search", cmd_search,
	"search [-s start] [ -[kKV] | -u | -p | -t | -T ] [-e end | -l length] [-m mask]\n"
	"         [-x count] -[cwh] [value | (expression) | symbol | string] ...",
	"search memory",
	"Searches memory for one or more values, expressions, symbol values or strings, and prints\n"
	"each address where one is found with what is there. Pages that are not mapped or not in\n"
	"the dump (excluded by makedumpfile) are skipped without a message.\n"
	"  -s start   where to start: an address or a symbol (default: the start of the memory\n"
	"             searched)\n"
	"  -e end     where to stop (not included): an address or a symbol\n"
	"  -l length  how many bytes from start (instead of -e)\n"
	"  -k         kernel virtual memory (default): the direct map to high_memory, vmalloc space,\n"
	"             the vmemmap, the kernel image to _end, and modules outside vmalloc space\n"
	"  -K         kernel virtual memory without vmalloc space, modules and the vmemmap\n"
	"  -V         kernel virtual memory without the direct map and the kernel image\n"
	"  -u         the user memory of the current context, VMA by VMA\n"
	"  -p         physical memory, node by node\n"
	"  -t         the kernel stack of every task, each hit under its task's header\n"
	"  -T         the kernel stack of each task active on a CPU\n"
	"  -m mask    ignore these bits: a value matches when (memory | mask) == (value | mask)\n"
	"  -x count   show count values before and after each hit (not with -c)\n"
	"  -w / -h    search for 4-byte / 2-byte values\n"
	"  -c         search for strings: each hit is shown with the 56 bytes from it\n"
	"A value is hexadecimal, a symbol (its address), or an expression in parentheses.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> search -k 414d2d455649444b\n"
	"  ffff8b99cf777000: 414d2d455649444b \n"
	"  ffffffff8db77000: 414d2d455649444b \n"
	"  kdive> search -T -x 1 init_task\n"
	"  PID: 0        TASK: ffffffff8dc1aa40  CPU: 0    COMMAND: \"swapper/0\"\n"
	"  ffffffff8dc03e00:  0000000000000000                    ........\n"
	"  ffffffff8dc03e08:  ffffffff8dc1aa40 (init_task)\n"
	"  ffffffff8dc03e10:  0000000000000000                    ........\n"
	"\n"
	"  kdive> set 101\n"
	"  kdive> search -u -c KDIVE-MARKER\n"
	"  7ff106321000: KDIVE-MARKER-101........................................\n",
	KD_CMD_NEEDS_DUMP,
};
