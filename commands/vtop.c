/*
 * vtop, ptov, pte, btop, ptob: address translation as crash prints it. The page-table walk is
 * the arch's (kd_vtop_trace: one walk gives the translation and every entry it read), the
 * entry decoding too (kd_pte_decode); this file only lays them out as crash 8.0.6 does.
 */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define VADDR_W 16  /* crash's VADDR_PRLEN: a kernel address column */
#define UVADDR_W 10 /* crash's UVADDR_PRLEN: a user address column */

/*
 * The rest of a swap entry's table after its PTE heading: SWAP and OFFSET, the device and the
 * offset in pages. crash splits "DEVICE  OFFSET: N" into its words and gives up unless there are
 * three: a kernel with swap_info but no device of the entry's type gives "(unknown swap location)",
 * five words, and crash fails after the PTE heading (so do the lab's kernels, which have no swap).
 */
static int print_swap(kd_session *s, uint64_t pte, const char *ptebuf, int len1)
{
	char loc[640], *words[4], *save = NULL;
	int n = 0;
	if (kd_swap_location(s, pte, loc, sizeof(loc)))
		for (char *w = strtok_r(loc, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
			if (n++ < 4)
				words[n - 1] = w;
	if (n != 3)
		return kd_fail(s, "cannot determine swap location");
	int len2 = (int)MAX(strlen(words[0]), strlen("SWAP")), len3 = (int)MAX(strlen(words[2]), strlen("OFFSET"));
	char c1[680], c2[680], c3[680];
	kd_printf(s, "%s  %s\n", kd_format_centred(c1, sizeof(c1), "SWAP", len2, false),
		  kd_format_centred(c2, sizeof(c2), "OFFSET", len3, false));
	kd_printf(s, "%s  %s  %s\n", kd_format_centred(c1, sizeof(c1), ptebuf, len1, true),
		  kd_format_centred(c2, sizeof(c2), words[0], len2, true),
		  kd_format_centred(c3, sizeof(c3), words[2], len3, true));
	return 0;
}

/* One page-table entry as crash's translate_pte prints it: PTE, PHYSICAL and FLAGS, or for a
 * swap entry the swap device and offset (print_swap). */
static int print_pte(kd_session *s, uint64_t pte)
{
	struct kd_pte_info pi;
	if (kd_pte_decode(s, pte, &pi) < 0)
		return -1;
	char ptebuf[24], physbuf[24], c1[32], c2[32];
	snprintf(ptebuf, sizeof(ptebuf), "%llx", (unsigned long long)pte);
	int len1 = (int)MAX(strlen(ptebuf), strlen("PTE"));
	kd_printf(s, "%s  ", kd_format_centred(c1, sizeof(c1), "PTE", len1, false));
	if (pi.swap)
		return print_swap(s, pte, ptebuf, len1);
	snprintf(physbuf, sizeof(physbuf), "%llx", (unsigned long long)pi.paddr);
	int len2 = (int)MAX(strlen(physbuf), strlen("PHYSICAL"));
	kd_printf(s, "%s  FLAGS\n", kd_format_centred(c1, sizeof(c1), "PHYSICAL", len2, false));
	kd_printf(s, "%s  %s  (%s)\n", kd_format_centred(c1, sizeof(c1), ptebuf, len1, true),
		  kd_format_centred(c2, sizeof(c2), physbuf, len2, true), pi.flags);
	return 0;
}

/* log2 of the page size */
static int page_shift(kd_session *s)
{
	int shift = 0;
	for (uint64_t page = kd_target(s)->page_size; page > 1; page >>= 1)
		shift++;
	return shift;
}

/* The physical pages of the zero page and the huge zero page (crash's IS_ZEROPAGE), ~0 when unknown. */
struct zero_pages {
	uint64_t small, huge;
};

static void zero_pages(kd_session *s, struct zero_pages *z)
{
	static const char *const names[] = {"zero_pfn", "huge_zero_pfn"};
	uint64_t *out[] = {&z->small, &z->huge};
	int shift = page_shift(s);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct kd_symbol *k = kd_symbol_lookup(s, names[i]);
		uint64_t pfn;
		*out[i] = UINT64_MAX;
		if (!k)
			continue;
		if (kd_read_u64(s, k->addr, &pfn) < 0)
			kd_clear_error(s); /* crash reads it quietly, and goes without */
		else if (pfn != UINT64_MAX)
			*out[i] = pfn << shift;
	}
}

/*
 * The walk as crash prints it: for a kernel address the kernel's page directory and its entry,
 * then each level's "NAME: entry => value"; for a user address every level so. Then the page
 * (with its size when huge) and its entry decoded, or a last entry that is not present but not
 * empty (a swap entry) decoded.
 */
static int print_walk(kd_session *s, const struct kd_pt_trace *t, bool user, const struct zero_pages *z)
{
	unsigned first = 0;
	if (!user && t->nr_levels) {
		kd_printf(s, "PGD DIRECTORY: %llx\n", (unsigned long long)t->top_kvaddr);
		kd_printf(s, "PAGE DIRECTORY: %llx\n", (unsigned long long)t->level[0].value);
		first = 1;
	}
	for (unsigned i = first; i < t->nr_levels; i++)
		kd_printf(s, "   %s: %llx => %llx\n", t->level[i].name, (unsigned long long)t->level[i].entry,
			  (unsigned long long)t->level[i].value);
	if (!t->present) {
		if (!t->pte)
			return 0;
		kd_printf(s, "\n");
		return print_pte(s, t->pte);
	}
	struct kd_pte_info pi;
	if (kd_pte_decode(s, t->pte, &pi) < 0)
		return -1;
	bool zero = pi.paddr == z->small || pi.paddr == z->huge;
	unsigned long long page = (unsigned long long)pi.paddr;
	if (t->huge && t->page_size >= (1ULL << 30))
		kd_printf(s, "  PAGE: %llx  (1GB)\n\n", page);
	else if (t->huge)
		kd_printf(s, "  PAGE: %llx  (2MB%s)\n\n", page, user && zero ? ", ZERO PAGE" : "");
	else if (user)
		kd_printf(s, "  PAGE: %llx  %s\n\n", page, zero ? "(ZERO PAGE)" : "");
	else
		kd_printf(s, "  PAGE: %llx\n\n", page);
	return print_pte(s, t->pte);
}

/* The struct page of a physical address under its header, as kmem -p shows it, when a memory
 * section holds it (nothing otherwise, as crash). */
static int print_page(kd_session *s, uint64_t paddr)
{
	return kd_page_print(s, paddr) < 0 ? -1 : 0;
}

struct vtop_ctx {
	const struct task_info *task; /* the context for user addresses */
	struct zero_pages zero;
};

static int vtop_kernel(kd_session *s, struct vtop_ctx *c, uint64_t va)
{
	kd_printf(s, "%-*s  %-*s\n", VADDR_W, "VIRTUAL", VADDR_W, "PHYSICAL");
	const struct kd_target_info *ti = kd_target(s);
	if (ti->page_offset == UINT64_MAX || va < ti->page_offset) {
		kd_printf(s, "%-8llx  (not a kernel virtual address)\n\n", (unsigned long long)va);
		return 0;
	}
	struct kd_pt_trace t;
	int rc = kd_vtop_trace(s, 0, va, 0, &t);
	/* A linearly mapped address is translated by arithmetic, as crash does, whatever the walk finds. */
	uint64_t pa = t.paddr;
	bool mapped = kd_kvaddr_linear(s, va, &pa) || (rc == 0 && t.present);
	if (mapped)
		kd_printf(s, "%-*llx  %-*llx\n\n", VADDR_W, (unsigned long long)va, VADDR_W, (unsigned long long)pa);
	else
		kd_printf(s, "%-*llx  (not mapped)\n\n", VADDR_W, (unsigned long long)va);
	if (print_walk(s, &t, false, &c->zero) < 0 || rc < 0)
		return -1;
	kd_printf(s, "\n");
	return mapped ? print_page(s, pa) : 0;
}

static int vtop_user(kd_session *s, struct vtop_ctx *c, uint64_t va)
{
	kd_printf(s, "%-*s  %-*s\n", UVADDR_W, "VIRTUAL", VADDR_W, "PHYSICAL");
	struct kd_vma vma;
	int found = kd_vma_find(s, c->task->mm, va, &vma);
	if (found < 0)
		return -1;
	if (!found) {
		kd_printf(s, "%-*llx  (not accessible)\n\n", UVADDR_W, (unsigned long long)va);
		return 0;
	}
	uint64_t pgd;
	if (kd_task_pgd(s, c->task->task, &pgd) < 0)
		return -1;
	struct kd_pt_trace t;
	int rc = kd_vtop_trace(s, pgd, va, KD_PT_USER, &t);
	bool mapped = rc == 0 && t.present;
	if (mapped)
		kd_printf(s, "%-*llx  %-*llx\n\n", UVADDR_W, (unsigned long long)va, VADDR_W, (unsigned long long)t.paddr);
	else
		kd_printf(s, "%-*llx  (not mapped)\n\n", UVADDR_W, (unsigned long long)va);
	if (print_walk(s, &t, true, &c->zero) < 0 || rc < 0)
		return -1;
	kd_printf(s, "\n");
	char path[1024] = "";
	if (vma.file && kd_fs_file_path(s, vma.file, path, sizeof(path)) < 0) {
		kd_clear_error(s); /* crash shows such a VMA without a name */
		path[0] = '\0';
	}
	kd_printf(s, "      VMA           START       END     FLAGS FILE\n");
	kd_printf(s, "%016llx %10llx %10llx %6llx %s\n", (unsigned long long)vma.addr, (unsigned long long)vma.start,
		  (unsigned long long)vma.end, (unsigned long long)vma.flags, path);
	char where[640];
	if (!mapped && t.pte && kd_swap_location(s, t.pte, where, sizeof(where))) {
		kd_printf(s, "\nSWAP: %s\n", where);
	} else if (!mapped && path[0]) {
		int shift = page_shift(s);
		uint64_t offset = (((va - vma.start) >> shift) + vma.pgoff) << shift;
		kd_printf(s, "\nFILE: %s  OFFSET: %llx\n", path, (unsigned long long)offset);
	}
	kd_printf(s, "\n");
	return mapped ? print_page(s, t.paddr) : 0;
}

enum vtop_space { VTOP_AUTO, VTOP_USER = 1, VTOP_KERNEL = 2 };

static int cmd_vtop(kd_session *s, int argc, char **argv)
{
	struct vtop_ctx c = {0};
	unsigned space = VTOP_AUTO;
	int ch;
	while ((ch = getopt(argc, argv, "c:uk")) != -1) {
		switch (ch) {
		case 'c':
			c.task = kd_task_from_arg(s, optarg);
			if (!c.task)
				return kd_error(s, KD_EINVAL, 0, "invalid task or pid value: %s", optarg);
			break;
		case 'u':
			space |= VTOP_USER;
			break;
		case 'k':
			space |= VTOP_KERNEL;
			break;
		default:
			return kd_usage(s);
		}
	}
	if (optind >= argc)
		return kd_usage(s);
	if (space == (VTOP_USER | VTOP_KERNEL))
		return kd_fail(s, "-u and -k options are mutually exclusive");
	if (!c.task && !(c.task = kd_task_current(s)))
		return -1;
	zero_pages(s, &c.zero);
	for (int i = optind; i < argc; i++) {
		uint64_t va;
		if (kd_parse_hex_arg(s, argv[i], &va) < 0)
			return -1;
		unsigned as = space;
		if (as == VTOP_AUTO) {
			bool user = kd_is_uvaddr(s, va), kernel = va >= kd_target(s)->page_offset;
			if (user == kernel)
				return kd_error(s, KD_EINVAL, va, "ambiguous address: %llx  (requires -u or -k)",
						(unsigned long long)va);
			as = user ? VTOP_USER : VTOP_KERNEL;
		}
		if (i > optind)
			kd_printf(s, "\n");
		if ((as == VTOP_USER ? vtop_user(s, &c, va) : vtop_kernel(s, &c, va)) < 0)
			return -1;
	}
	return 0;
}

const struct kd_command kd_cmd_vtop = {
	"vtop", cmd_vtop, "vtop [-c [pid | taskp]] [-u|-k] address ...", "virtual to physical",
	"Translates each address to its physical address, showing the page-table walk: for a\n"
	"kernel address the kernel's page directory and each entry below it, for a user address\n"
	"(in the current context, or another task's) each entry from the task's PGD; then the\n"
	"page's entry decoded, the VMA holding a user address, and the page's struct page line.\n"
	"A user page not present shows its swap entry or its file and offset.\n"
	"  -c pid | taskp  translate a user address in this task's address space.\n"
	"  -u              the address is a user address (when it could be either).\n"
	"  -k              the address is a kernel address.\n"
	"\n"
	"EXAMPLES\n"
	"  Translate a kernel text address (mapped by a 2 MB page):\n"
	"    kdive> vtop ffffffff81690926\n"
	"    VIRTUAL           PHYSICAL        \n"
	"    ffffffff81690926  1690926         \n"
	"\n"
	"    PGD DIRECTORY: ffffffff82a10000\n"
	"    PAGE DIRECTORY: 2a15067\n"
	"       PUD: 2a15ff0 => 2a16063\n"
	"       PMD: 2a16058 => 16001e1\n"
	"      PAGE: 1600000  (2MB)\n"
	"\n"
	"      PTE    PHYSICAL  FLAGS\n"
	"    16001e1   1600000  (PRESENT|ACCESSED|DIRTY|PSE|GLOBAL)\n"
	"\n"
	"  Translate a user address of pid 101:\n"
	"    kdive> vtop -c 101 7f58eeb4b000\n",
	KD_CMD_NEEDS_DUMP,
};

static int cmd_ptov(kd_session *s, int argc, char **argv)
{
	int ch;
	while ((ch = getopt(argc, argv, "")) != -1)
		return kd_usage(s);
	if (optind >= argc)
		return kd_usage(s);
	const struct kd_target_info *ti = kd_target(s);
	int others = 0;
	for (int i = optind; i < argc; i++) {
		char arg[128];
		snprintf(arg, sizeof(arg), "%s", argv[i]);
		char *spec = strchr(arg, ':');
		bool *cpus = NULL;
		if (spec) {
			*spec++ = '\0';
			int n = ti->nr_cpus > 0 ? ti->nr_cpus : 1;
			cpus = kd_xcalloc((size_t)n, sizeof(*cpus));
			if (!*spec) {
				const struct task_info *t = kd_task_current(s);
				if (!t) {
					free(cpus);
					return -1;
				}
				if (t->cpu >= 0 && t->cpu < n)
					cpus[t->cpu] = true;
			} else if (kd_parse_cpuspec(s, spec, cpus, ti->nr_cpus) < 0) {
				free(cpus);
				return -1;
			}
		}
		uint64_t pa;
		if (kd_parse_hex_arg(s, arg, &pa) < 0) {
			free(cpus);
			return -1;
		}
		if (cpus) {
			char head[16];
			snprintf(head, sizeof(head), "[%d]", ti->nr_cpus - 1);
			int len = (int)strlen(head) + 2;
			kd_printf(s, "%sPER-CPU OFFSET: %llx\n", others++ ? "\n" : "", (unsigned long long)pa);
			kd_printf(s, "  %-*s  %-*s\n", len, "CPU", VADDR_W, "VIRTUAL");
			for (int cpu = 0; cpu < ti->nr_cpus; cpu++) {
				if (!cpus[cpu])
					continue;
				snprintf(head, sizeof(head), "[%d]", cpu);
				uint64_t off = ti->per_cpu_offset ? ti->per_cpu_offset[cpu] : 0;
				kd_printf(s, "  %-*s%llx\n", len, head, (unsigned long long)(pa + off));
			}
			free(cpus);
			continue;
		}
		kd_printf(s, "%s%-*s  %-*s\n", others++ ? "\n" : "", VADDR_W, "VIRTUAL", VADDR_W, "PHYSICAL");
		kd_printf(s, "%-*llx  %-*llx\n", VADDR_W, (unsigned long long)(pa + ti->page_offset), VADDR_W,
			  (unsigned long long)pa);
	}
	return 0;
}

const struct kd_command kd_cmd_ptov = {
	"ptov", cmd_ptov, "ptov [address | offset:cpuspec]", "physical to virtual",
	"Translates a physical address to its kernel virtual address in the direct map; or, given\n"
	"a per-CPU offset and the CPUs (a list such as 0,2-3, \"a\" for all, nothing for the\n"
	"current context's CPU), that offset's address in each CPU's per-CPU area.\n"
	"\n"
	"EXAMPLES\n"
	"    kdive> ptov 1e08000\n"
	"    VIRTUAL           PHYSICAL        \n"
	"    ffff888001e08000  1e08000         \n"
	"\n"
	"    kdive> ptov 1000:a\n"
	"    PER-CPU OFFSET: 1000\n"
	"      CPU    VIRTUAL         \n"
	"      [0]  ffff88801f201000\n"
	"      [1]  ffff88801f301000\n",
	KD_CMD_NEEDS_DUMP,
};

static int cmd_pte(kd_session *s, int argc, char **argv)
{
	int ch;
	while ((ch = getopt(argc, argv, "")) != -1)
		return kd_usage(s);
	for (int i = optind; i < argc; i++) {
		uint64_t pte;
		if (kd_parse_hex_arg(s, argv[i], &pte) < 0 || print_pte(s, pte) < 0)
			return -1;
	}
	return 0;
}

const struct kd_command kd_cmd_pte = {
	"pte", cmd_pte, "pte contents ...", "translate a page table entry",
	"Decodes page-table entries: the physical page each maps and its flags, or for a swap\n"
	"entry the swap device and offset.\n"
	"\n"
	"EXAMPLE\n"
	"    kdive> pte 800000000f777867\n"
	"          PTE         PHYSICAL  FLAGS\n"
	"    800000000f777867   f777000  (PRESENT|RW|USER|ACCESSED|DIRTY|NX)\n",
	0,
};

static int cmd_btop(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_usage(s);
	for (int i = 1; i < argc; i++) {
		uint64_t v;
		if (kd_parse_hex_arg(s, argv[i], &v) < 0)
			return -1;
		kd_printf(s, "%llx: %llx\n", (unsigned long long)v, (unsigned long long)(v >> page_shift(s)));
	}
	return 0;
}

const struct kd_command kd_cmd_btop = {
	"btop", cmd_btop, "btop address ...", "bytes to page",
	"The page frame number of each (hexadecimal) address.\n"
	"\n"
	"EXAMPLE\n"
	"    kdive> btop 12345678\n"
	"    12345678: 12345\n",
	0,
};

static int cmd_ptob(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_usage(s);
	for (int i = 1; i < argc; i++) {
		uint64_t v;
		if (kd_parse_num_arg(s, argv[i], &v) < 0)
			return -1;
		kd_printf(s, "%llx: %llx\n", (unsigned long long)v, (unsigned long long)(v << page_shift(s)));
	}
	return 0;
}

const struct kd_command kd_cmd_ptob = {
	"ptob", cmd_ptob, "ptob page_number ...", "page to bytes",
	"The physical address of each page frame number (decimal, or hexadecimal with 0x or\n"
	"hex digits).\n"
	"\n"
	"EXAMPLE\n"
	"    kdive> ptob 1234\n"
	"    4d2: 4d2000\n",
	0,
};
