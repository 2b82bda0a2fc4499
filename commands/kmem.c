/* kmem: kernel memory. The options are parsed here, as crash parses them; each view lives
 * in its own file (kmem.h says which). -i, the summary, is here. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#include "kmem.h"

/* One counter of a global vmstat array (vm_zone_stat, vm_node_stat), by enumerator name. */
static uint64_t vmstat(kd_session *s, const char *array, const char *item)
{
	uint64_t addr, v = 0;
	int64_t idx;
	if (kd_symbol_addr(s, array, &addr) == 0 && kd_enum_value(s, item, &idx) == 0 && idx >= 0 && idx < 256)
		kd_read_int(s, addr + (uint64_t)idx * 8, 8, &v);
	kd_clear_error(s);
	return (int64_t)v < 0 ? 0 : v;
}

static uint64_t global_u64(kd_session *s, const char *name)
{
	uint64_t addr, v = 0;
	if (kd_symbol_addr(s, name, &addr) == 0)
		kd_read_int(s, addr, 8, &v);
	kd_clear_error(s);
	return v;
}

/* A percpu_counter as the kernel reads it cheaply (percpu_counter_read_positive): the count alone. */
static uint64_t percpu_counter_read(kd_session *s, const char *name)
{
	uint64_t addr, count = 0;
	if (kd_symbol_addr(s, name, &addr) == 0)
		kd_read_member(s, addr, "percpu_counter", "count", &count);
	kd_clear_error(s);
	return (int64_t)count < 0 ? 0 : count;
}

/* crash counts, over the whole mem_map, pages in use more than once that are not reserved. */
struct shared_count {
	uint64_t ref_off, flags_off, reserved, shared;
};

static int count_shared(kd_session *s, uint64_t pfn, size_t count, const uint8_t *pages, void *arg)
{
	(void)pfn;
	struct shared_count *c = arg;
	uint64_t size = kd_page_struct_size(s);
	for (size_t i = 0; i < count; i++) {
		int32_t ref;
		uint64_t flags;
		memcpy(&ref, pages + i * size + c->ref_off, 4);
		memcpy(&flags, pages + i * size + c->flags_off, 8);
		c->shared += ref > 1 && !((flags >> c->reserved) & 1);
	}
	return 0;
}

static uint64_t shared_pages(kd_session *s)
{
	struct shared_count c = {kd_page_member_offset(s, "_refcount"), kd_page_member_offset(s, "flags"), 0, 0};
	int64_t pg_reserved;
	if (!kd_page_struct_size(s) || c.ref_off == UINT64_MAX || c.flags_off == UINT64_MAX ||
	    kd_enum_value(s, "PG_reserved", &pg_reserved) < 0 || pg_reserved < 0 || pg_reserved > 63) {
		kd_clear_error(s);
		return 0;
	}
	c.reserved = (uint64_t)pg_reserved;
	if (kd_walk_pages(s, count_shared, &c) < 0) /* the page array in runs of 512 struct pages */
		kd_clear_error(s);
	return c.shared;
}

static void row(kd_session *s, const char *label, uint64_t pages, uint64_t of, const char *of_name)
{
	if (kd_json_active(s)) { /* "TOTAL MEM" -> "total_mem": {pages, bytes, percent} */
		char key[32];
		size_t i = 0;
		for (; label[i] && i + 1 < sizeof(key); i++)
			key[i] = label[i] == ' ' ? '_' : (char)tolower((unsigned char)label[i]);
		key[i] = '\0';
		kd_json_object_begin(s, key);
		kd_json_uint(s, "pages", pages);
		kd_json_uint(s, "bytes", pages * kd_target(s)->page_size);
		if (of_name)
			kd_json_int(s, "percent", of ? (int)(pages * 100 / of) : 0);
		kd_json_end(s);
		return;
	}
	char sz[32];
	kd_format_size(pages * kd_target(s)->page_size, sz, sizeof(sz));
	kd_printf(s, "%13s %8llu  %11s  ", label, (unsigned long long)pages, sz);
	if (!of_name)
		kd_printf(s, "       ----\n");
	else
		kd_printf(s, "%3d%% of %s\n", of ? (int)(pages * 100 / of) : 0, of_name);
}

static uint64_t huge_pages(kd_session *s, const char *member)
{
	uint64_t hstates, nr = 0, order = 0, total = 0, max = 0, size = kd_type_size_opt(s, "hstate");
	if (kd_symbol_addr(s, "hstates", &hstates) < 0 || size == UINT64_MAX) {
		kd_clear_error(s);
		return 0;
	}
	uint64_t addr;
	if (kd_symbol_addr(s, "hugetlb_max_hstate", &addr) == 0)
		kd_read_int(s, addr, 4, &max);
	for (uint64_t i = 0; i < max && i < 8; i++) {
		if (kd_read_member(s, hstates + i * size, "hstate", member, &nr) == 0 &&
		    kd_read_member(s, hstates + i * size, "hstate", "order", &order) == 0 && order < 32)
			total += nr << order;
	}
	kd_clear_error(s);
	return total;
}

static int kmem_info(kd_session *s)
{
	uint64_t addr, total = 0;
	if (kd_symbol_addr(s, "_totalram_pages", &addr) < 0 || kd_read_int(s, addr, 8, &total) < 0) {
		char why[256];
		snprintf(why, sizeof(why), "%s", kd_last_error(s));
		return kd_fail(s, "cannot read _totalram_pages: %s", why);
	}
	if (!total) /* a damaged counter: every percentage would divide by it */
		return kd_error(s, KD_EFORMAT, addr, "_totalram_pages at %llx is 0: the dump's memory total is damaged",
				(unsigned long long)addr);
	uint64_t free_pages = vmstat(s, "vm_zone_stat", "NR_FREE_PAGES");
	uint64_t shared = shared_pages(s);
	uint64_t swapcache = vmstat(s, "vm_node_stat", "NR_SWAPCACHE");
	uint64_t file = vmstat(s, "vm_node_stat", "NR_FILE_PAGES");
	uint64_t slab = vmstat(s, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B") + vmstat(s, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B");
	uint64_t huge_total = huge_pages(s, "nr_huge_pages"), huge_free = huge_pages(s, "free_huge_pages");
	uint64_t swap_total = global_u64(s, "total_swap_pages"), swap_free = global_u64(s, "nr_swap_pages");
	uint64_t ratio = 50;
	if (kd_symbol_addr(s, "sysctl_overcommit_ratio", &addr) == 0)
		kd_read_int(s, addr, 4, &ratio);
	kd_clear_error(s);
	uint64_t limit = (total - huge_total) * ratio / 100 + swap_total;
	uint64_t committed = percpu_counter_read(s, "vm_committed_as");

	bool text = !kd_json_active(s); /* JSON: only the rows' members (text would show up where kmem -i is nested, as in report) */
	if (text)
		kd_printf(s, "                 PAGES        TOTAL      PERCENTAGE\n");
	row(s, "TOTAL MEM", total, 0, NULL);
	row(s, "FREE", free_pages, total, "TOTAL MEM");
	row(s, "USED", total - MIN(free_pages, total), total, "TOTAL MEM");
	row(s, "SHARED", shared, total, "TOTAL MEM");
	/* BUFFERS: the block devices' page cache, counted as the kernel's nr_blockdev_pages() counts
	 * it where the kernel has that function (crash's condition). A list that breaks ends the
	 * summary there, with its error, as crash stops at it. */
	uint64_t buffers = 0;
	if (kd_symbol_lookup(s, "nr_blockdev_pages") && kd_blockdev_pages(s, &buffers) < 0)
		return -1;
	row(s, "BUFFERS", buffers, total, "TOTAL MEM");
	int64_t cached = (int64_t)(file - swapcache - buffers);
	if (cached < 0) {
		kd_printf(s, "kmem: page_cache_size went negative (%lld), setting to 0\n", (long long)cached);
		cached = 0;
	}
	row(s, "CACHED", (uint64_t)cached, total, "TOTAL MEM");
	row(s, "SLAB", slab, total, "TOTAL MEM");
	if (text)
		kd_printf(s, "\n");
	row(s, "TOTAL HUGE", huge_total, 0, NULL);
	row(s, "HUGE FREE", huge_free, huge_total, "TOTAL HUGE");
	if (text)
		kd_printf(s, "\n");
	row(s, "TOTAL SWAP", swap_total, 0, NULL);
	row(s, "SWAP USED", swap_total - MIN(swap_free, swap_total), swap_total, "TOTAL SWAP");
	row(s, "SWAP FREE", swap_free, swap_total, "TOTAL SWAP");
	if (text)
		kd_printf(s, "\n");
	row(s, "COMMIT LIMIT", limit, 0, NULL);
	row(s, "COMMITTED", committed, limit, "TOTAL LIMIT");
	return 0;
}

static int cmd_kmem(kd_session *s, int argc, char **argv)
{
	struct kmem_opts o = {0};
	int c, nflags = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "gI:sS::rFfm:pvczCi::nPVoh")) != -1) {
		switch (c) {
		case 'I':
			o.ignore = optarg;
			break;
		case 'P':
			o.physical = true;
			break;
		case 'm':
			o.members = optarg;
			if (o.flag != 'p')
				nflags++;
			o.flag = 'p';
			break;
		case 'S':
			if (optarg) {
				if (optarg[0] != '=')
					return kd_fail(s, "CPU-specific slab data to be displayed must be written as expected only e.g. -S=1,45.");
				o.cpus = optarg + 1;
			}
			/* fall through */
		case 's':
		case 'r':
			/* -s, -S and -r replace one another */
			if (!(o.flag == 's' || o.flag == 'S' || o.flag == 'r'))
				nflags++;
			o.flag = (char)c;
			break;
		case 'f':
		case 'F':
			if (!(o.flag == 'f' || o.flag == 'F'))
				nflags++;
			o.flag = (char)c;
			break;
		case 'c':
		case 'C':
			if (!(o.flag == 'c' || o.flag == 'C'))
				nflags++;
			o.flag = (char)c;
			break;
		case 'i':
			if (optarg && strcmp(optarg, "=shared"))
				return kd_usage(s);
			/* fall through */
		case 'g': case 'p': case 'v': case 'z': case 'n': case 'V': case 'o': case 'h':
			if (o.flag != c)
				nflags++;
			o.flag = (char)c;
			break;
		default:
			return kd_usage(s);
		}
	}
	if (nflags > 1) {
		kd_printf(s, "kmem: only one flag allowed!\n");
		return kd_usage(s);
	}
	uint64_t addrs[64];
	int naddr = 0;
	for (int i = optind; i < argc; i++) {
		uint64_t v;
		if (kd_parse_hex_u64(argv[i], &v)) { /* crash's hexadecimal(): an address, else a cache name */
			if (naddr == (int)(sizeof(addrs) / sizeof(addrs[0])))
				return kd_fail(s, "too many address arguments");
			addrs[naddr++] = v;
			continue;
		}
		if (o.cache)
			return kd_fail(s, "only one kmem_cache reference is allowed");
		o.cache_escaped = argv[i][0] == '\\';
		o.cache = o.cache_escaped ? argv[i] + 1 : argv[i];
		if (!(o.flag == 's' || o.flag == 'S' || o.flag == 'r'))
			return kd_usage(s);
	}
	if (naddr && strchr("znFCVohri", o.flag ? o.flag : 'x')) {
		kd_printf(s, "kmem: no address arguments allowed with this option\n");
		return kd_usage(s);
	}
	int rc = 0;
	for (int i = 0; i < naddr && rc == 0; i++) {
		switch (o.flag) {
		case 'f':
			rc = kmem_free_pages(s, &o, &addrs[i]);
			break;
		case 'p':
			rc = kmem_pages(s, &o, &addrs[i]);
			break;
		case 's':
		case 'S':
			rc = kmem_slab_at(s, &o, addrs[i], o.flag == 'S') < 0 ? -1 : 0;
			break;
		case 'v':
			rc = kmem_vmalloc(s, &o, &addrs[i]);
			break;
		case 'c':
			rc = kmem_page_hash(s, &o, &addrs[i]);
			break;
		case 'g':
			if (i)
				kd_printf(s, "\n");
			rc = kmem_page_flags(s, &o, &addrs[i]);
			break;
		default:
			rc = kmem_search(s, &o, addrs[i]);
			break;
		}
	}
	if (naddr)
		return rc;
	switch (o.flag) {
	case 'i':
		return kmem_info(s);
	case 'p':
		return kmem_pages(s, &o, NULL);
	case 'f':
	case 'F':
		return kmem_free_pages(s, &o, NULL);
	case 'h':
		return kmem_hstates(s, &o);
	case 's':
	case 'S':
	case 'r':
		return kmem_slab_caches(s, &o);
	case 'v':
		return kmem_vmalloc(s, &o, NULL);
	case 'c':
	case 'C':
		return kmem_page_hash(s, &o, NULL);
	case 'n':
		return kmem_nodes(s, &o);
	case 'z':
		return kmem_zones(s, &o);
	case 'V':
		return kmem_vm_stat(s, &o);
	case 'o':
		return kmem_percpu_offsets(s, &o);
	case 'g':
		return kmem_page_flags(s, &o, NULL);
	default:
		return kd_usage(s);
	}
}

const struct kd_command kd_cmd_kmem = {
	"kmem", cmd_kmem,
	"kmem [-f|-F|-c|-C|-i|-v|-V|-n|-z|-o|-h] [-p | -m member[,member]]\n"
	"       [[-s|-S|-S=cpu[s]|-r] [slab] [-I slab[,slab]]] [-g [flags]] [[-P] address]]",
	"kernel memory",
	"  One display flag at a time; address arguments are hexadecimal, kernel virtual or\n"
	"  physical (-P: physical).\n"
	"\n"
	"  -i          memory usage summary: total, free, used, shared, buffers, cached and\n"
	"              slab pages, huge pages, swap, and the commit limit.\n"
	"  -f [ADDR]   the free lists of each zone by order and migrate type, with blocks and\n"
	"              pages; with ADDR, the free block holding it.\n"
	"  -F          as -f, and the first page of each free block.\n"
	"  -p [ADDR]   struct pages (PAGE PHYSICAL MAPPING INDEX CNT FLAGS): all, or ADDR's.\n"
	"  -m MEMBER[,MEMBER]  as -p, showing those struct page members instead.\n"
	"  -z          each zone's size, watermarks and vm_stat counters.\n"
	"  -V          the vm_stat, vm_numa_stat and vm_event counters.\n"
	"  -n          nodes, their zones, the memory sections and the memory blocks.\n"
	"  -g [FLAGS]  the page flag bits, or the names of the bits set in FLAGS.\n"
	"  -h          the huge page pools (hstates).\n"
	"  -o          each CPU's per-CPU offset.\n"
	"  -c, -C      the page hash table (kernels without one: crash's message).\n"
	"  -v [ADDR]   the vmalloc areas (VMAP_AREA VM_STRUCT ADDRESS RANGE SIZE), or ADDR's.\n"
	"  -s [CACHE|ADDR]     SLUB caches: OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME; with ADDR,\n"
	"              the cache, slab and object holding it (a kmem_cache address is a cache).\n"
	"  -S [CACHE|ADDR]     as -s, with every slab and object, free or [allocated], walking\n"
	"              the per-CPU slab and partial lists and each node's partial and full lists.\n"
	"  -S=CPUS     as -S, the per-CPU data of those CPUs only (e.g. -S=0,2-3).\n"
	"  -r          the root caches only (kernels with memcg child caches).\n"
	"  -I CACHE[,CACHE]    with -s/-S: skip those caches.\n"
	"  list        with -s/-S: the caches' names and addresses only.\n"
	"  ADDR        what ADDR is: a slab object (allocated or free), a task_struct or a\n"
	"              kernel stack (whose task), a vmalloc area, a free page, kernel text or\n"
	"              data (the symbol), and the struct page that holds it.\n"
	"\n"
	"  Corrupt lists (a freelist or partial list that loops or points outside memory)\n"
	"  end that walk with one error line naming the address; the rest is still printed.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> kmem -s kmalloc-64\n"
	"  kdive> kmem -S task_struct\n"
	"  kdive> kmem -p 1000000\n"
	"  kdive> kmem ffff8b99c2499840\n",
	KD_CMD_NEEDS_DUMP,
};
