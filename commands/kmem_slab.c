/* kmem's slab views: -s, -S, -r, -I, and what an address in a slab is (SLUB, through <kdive/slab.h>). */
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

#include "kmem.h"

#define CACHE_HDR "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n"
#define SLAB_HDR "SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n"

struct view {
	kd_session *s;
	kd_slab_ctx *c;
	struct kmem_opts *o;
	const struct kd_slab_cache *k;
	int ncpus;
	struct kd_slab_cpu *cpu; /* the cache's kmem_cache_cpu on each CPU (cpu_ok: read) */
	bool *cpu_ok;
	bool *cpumask;           /* -S=CPUS, NULL: all */
	uint64_t spec;           /* an address asked about (0: none) */
	bool verbose;            /* every object of a slab (-S), not only the one holding spec */
	uint64_t *objs;          /* freelist scratch */
	size_t objs_max;
	bool *freemap;
	size_t freemap_max;
	bool stop;               /* a node list's slab failed: the rest of that node's lists is skipped */
};

/* A damaged structure: crash's one line, and the output goes on. */
static void report(struct view *v)
{
	kd_printf(v->s, "kmem: %s\n", kd_last_error(v->s));
	kd_clear_error(v->s);
}

static void load_cpus(struct view *v)
{
	for (int i = 0; i < v->ncpus; i++) {
		v->cpu_ok[i] = kd_slab_cpu(v->c, v->k, i, &v->cpu[i]) == 0;
		if (!v->cpu_ok[i])
			kd_clear_error(v->s);
	}
}

/* Objects on a freelist, counted as crash counts them: up to the damage, which is reported. */
static long count_free(struct view *v, uint64_t slab, uint64_t head, bool quiet)
{
	size_t found = 0;
	long n = kd_slab_freelist(v->c, v->k, slab, head, NULL, 0, &found);
	if (n >= 0)
		return n;
	if (quiet)
		kd_clear_error(v->s);
	else
		report(v);
	return (long)found; /* what was walked before the damage still counts */
}

struct counts {
	bool failed;
	uint64_t inuse, total, slabs;
};

static int partial_free(kd_session *s, uint64_t slab, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct view *v = ((void **)arg)[0];
	int64_t *free_objs = ((void **)arg)[1];
	struct kd_slab sl;
	if (kd_slab_read(v->c, v->k, slab, &sl) < 0 || !sl.objects)
		return -1;
	(void)s;
	*free_objs += (int64_t)sl.objects - (int64_t)sl.inuse;
	return 0;
}

/* ALLOCATED, TOTAL and SLABS as crash computes them from the per-CPU slabs, the partial lists
 * and each node's counters (the totals of slabinfo). */
static void gather(struct view *v, struct counts *out)
{
	kd_session *s = v->s;
	int nnodes = kd_slab_nr_nodes(v->c);
	uint64_t *per_cpu = kd_xcalloc((size_t)nnodes, sizeof(uint64_t));
	int64_t free_objs = 0;
	uint64_t cpu_slabs = 0, total_objects = 0, slabs = 0;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < v->ncpus; i++) {
		if (!v->cpu_ok[i] || !v->cpu[i].slab)
			continue;
		struct kd_slab sl;
		if (kd_slab_read(v->c, v->k, v->cpu[i].slab, &sl) < 0 || sl.node < 0 || sl.node >= nnodes || !sl.objects) {
			kd_clear_error(s);
			out->failed = true;
			goto done;
		}
		free_objs += (int64_t)sl.objects - (int64_t)sl.inuse;
		free_objs += count_free(v, sl.addr, v->cpu[i].freelist, false);
		if (v->cpu[i].partial) {
			int64_t f = 0;
			void *args[2] = {v, &f};
			if (kd_slab_walk_cpu_partial(v->c, v->k, v->cpu[i].partial, partial_free, args) < 0) {
				/* crash counts none of this list's free objects then */
				if (kd_last_code(s) != KD_OK && strstr(kd_last_error(s), "partial list"))
					report(v);
				kd_clear_error(s);
				f = 0;
			}
			free_objs += f;
		}
		cpu_slabs++;
		per_cpu[sl.node]++;
	}
	slabs = cpu_slabs;
	for (int n = 0; n < nnodes; n++) {
		struct kd_slab_node nd;
		if (kd_slab_node(v->c, v->k, n, &nd) < 0) {
			kd_clear_error(s);
			out->failed = true;
			goto done;
		}
		if (!nd.addr)
			continue;
		int64_t f = 0;
		void *args[2] = {v, &f};
		if (kd_slab_walk_node_list(v->c, v->k, &nd, false, partial_free, args) < 0) {
			report(v);
			out->failed = true;
			goto done;
		}
		free_objs += f;
		slabs += nd.nr_partial + (nd.nr_slabs - per_cpu[n] - nd.nr_partial);
		total_objects += nd.total_objects;
	}
	out->inuse = total_objects - (uint64_t)free_objs;
	out->total = total_objects;
	out->slabs = slabs;
done:
	free(per_cpu);
}

/* JSON: a cache, as kmem -s shows it; counts null when they cannot be gathered. */
static void cache_json(struct view *v, const struct kd_slab_cache *k, const char *why)
{
	kd_session *s = v->s;
	kd_json_object_begin(s, NULL);
	kd_json_addr(s, "cache", k->addr);
	kd_json_str(s, "name", k->name);
	kd_json_uint(s, "objsize", k->object_size);
	struct counts ct = {.failed = true};
	if (!why)
		gather(v, &ct);
	if (ct.failed) {
		kd_json_null(s, "allocated");
		kd_json_null(s, "total");
		kd_json_null(s, "slabs");
	} else {
		kd_json_int(s, "allocated", (int64_t)ct.inuse);
		kd_json_int(s, "total", (int64_t)ct.total);
		kd_json_int(s, "slabs", (int64_t)ct.slabs);
	}
	kd_json_uint(s, "slab_size", kd_target(s)->page_size << k->order);
	if (why || ct.failed)
		kd_json_str(s, "error", why ? why : "cannot gather relevant slab data");
	kd_json_end(s);
}

static void cache_line(struct view *v)
{
	struct counts ct;
	gather(v, &ct);
	if (ct.failed)
		kd_printf(v->s, "kmem: %s: cannot gather relevant slab data\n", v->k->name);
	kd_printf(v->s, "%-16llx %8u  ", (unsigned long long)v->k->addr, v->k->object_size);
	if (ct.failed)
		kd_printf(v->s, "%9s  %8s  %5s  ", "?", "?", "?");
	else
		kd_printf(v->s, "%9lld  %8lld  %5lld  ", (long long)ct.inuse, (long long)ct.total, (long long)ct.slabs);
	kd_printf(v->s, "%4lluk  %s\n", (unsigned long long)((kd_target(v->s)->page_size << v->k->order) / 1024),
		  v->k->name);
}

/* Mark the objects of the slab at mem that a freelist holds; -1 when the list is damaged. */
static int mark_free(struct view *v, uint64_t slab, uint64_t mem, uint32_t objects, uint64_t head)
{
	size_t got = 0;
	long n = kd_slab_freelist(v->c, v->k, slab, head, v->objs, v->objs_max, &got);
	if (n < 0)
		return -1;
	for (size_t i = 0; i < MIN(got, v->objs_max); i++) {
		uint64_t p = v->objs[i] - v->k->red_left_pad;
		if (p >= mem && v->k->size && (p - mem) % v->k->size == 0 && (p - mem) / v->k->size < objects)
			v->freemap[(p - mem) / v->k->size] = true;
	}
	return 0;
}

/* One slab, as crash's do_slab_slub: its line (and, verbose, its objects). false: it failed
 * (the reason reported). */
static bool show_slab(struct view *v, uint64_t slab, bool verbose)
{
	kd_session *s = v->s;
	struct kd_slab sl;
	if (!kd_slab_is_page_ptr(v->c, slab)) {
		kd_printf(s, "kmem: %s: invalid slab address: %llx\n", v->k->name, (unsigned long long)slab);
		return false;
	}
	if (verbose)
		kd_printf(s, "  " SLAB_HDR);
	if (kd_slab_read(v->c, v->k, slab, &sl) < 0) {
		report(v);
		return false;
	}
	if (!sl.objects)
		return false;
	int64_t inuse = sl.inuse;
	int cpu_slab = -1;
	uint64_t cpu_freelist = 0;
	if (verbose) {
		for (int i = 0; i < v->ncpus; i++) {
			if (!v->cpu_ok[i])
				continue;
			cpu_freelist = v->cpu[i].freelist;
			if (!v->cpu[i].slab || v->cpu[i].slab != slab)
				continue;
			cpu_slab = i;
			int64_t f = count_free(v, slab, cpu_freelist, true); /* a damaged list is reported with the objects */
			if (sl.freelist)
				f += (int64_t)sl.objects - (int64_t)sl.inuse;
			inuse = (int64_t)sl.objects - f;
			break;
		}
	}
	kd_printf(s, "  %-16llx  %-16llx  %4d  %5u  %9lld  %4lld\n", (unsigned long long)slab, (unsigned long long)sl.mem,
		  sl.node, sl.objects, (long long)inuse, (long long)sl.objects - inuse);
	if (!verbose)
		return true;
	kd_printf(s, "  FREE / [ALLOCATED]\n");
	if (sl.objects > v->freemap_max) {
		v->freemap_max = sl.objects;
		free(v->freemap);
		v->freemap = kd_xcalloc(sl.objects, sizeof(bool));
	}
	memset(v->freemap, 0, sl.objects * sizeof(bool));
	if (mark_free(v, slab, sl.mem, sl.objects, sl.freelist) < 0 ||
	    mark_free(v, slab, sl.mem, sl.objects, cpu_freelist) < 0) {
		report(v);
		return false;
	}
	for (uint32_t i = 0; i < sl.objects; i++) {
		uint64_t p = sl.mem + (uint64_t)i * v->k->size;
		if (v->spec && !v->verbose && (v->spec < p || v->spec >= p + v->k->size))
			continue;
		bool is_free = v->freemap[i];
		kd_printf(s, "  %s%llx%s", is_free ? " " : "[", (unsigned long long)(p + v->k->red_left_pad),
			  is_free ? "  " : "]");
		if (is_free && cpu_slab >= 0)
			kd_printf(s, "(cpu %d cache)", cpu_slab);
		kd_printf(s, "\n");
	}
	return true;
}

static int cpu_partial_slab(kd_session *s, uint64_t slab, const struct kd_walk_pos *pos, void *arg)
{
	(void)s, (void)pos;
	return show_slab(arg, slab, true) ? 0 : KD_WALK_STOP;
}

static int node_slab(kd_session *s, uint64_t slab, const struct kd_walk_pos *pos, void *arg)
{
	struct view *v = arg;
	if (pos->index == 0)
		kd_printf(s, "  " SLAB_HDR);
	if (!show_slab(v, slab, false)) {
		v->stop = true;
		return KD_WALK_STOP;
	}
	return 0;
}

static void node_lists(struct view *v, const struct kd_slab_node *nd, int n)
{
	kd_session *s = v->s;
	uint64_t next = 0;
	if (!nd->addr)
		return;
	if (kd_read_u64(s, nd->partial_head, &next) < 0) {
		kd_clear_error(s);
		return;
	}
	kd_printf(s, "NODE %d PARTIAL:\n%s", n, next == nd->partial_head ? "  (empty)\n" : "");
	v->stop = false;
	if (kd_slab_walk_node_list(v->c, v->k, nd, false, node_slab, v) < 0) {
		report(v);
		return;
	}
	if (v->stop)
		return;
	if (!nd->has_full || !(v->k->flags & KD_SLAB_STORE_USER)) {
		kd_printf(s, "NODE %d FULL:\n  (not tracked)\n", n);
		return;
	}
	if (kd_read_u64(s, nd->full_head, &next) < 0) {
		kd_clear_error(s);
		return;
	}
	kd_printf(s, "NODE %d FULL:\n%s", n, next == nd->full_head ? "  (empty)\n" : "");
	if (kd_slab_walk_node_list(v->c, v->k, nd, true, node_slab, v) < 0)
		report(v);
}

/* -S: every CPU's slab and partial list, then each node's lists. */
static void cache_slabs(struct view *v)
{
	kd_session *s = v->s;
	int nnodes = kd_slab_nr_nodes(v->c);
	uint64_t *per_cpu = kd_xcalloc((size_t)nnodes, sizeof(uint64_t));
	for (int i = 0; i < v->ncpus; i++) {
		if (v->cpumask && !v->cpumask[i])
			continue;
		kd_printf(s, "CPU %d KMEM_CACHE_CPU:\n  %llx\n", i, (unsigned long long)v->cpu[i].addr);
		uint64_t slab = v->cpu_ok[i] ? v->cpu[i].slab : 0;
		kd_printf(s, "CPU %d SLAB:\n%s", i, slab ? "" : "  (empty)\n");
		if (slab) {
			struct kd_slab sl;
			if (kd_slab_read(v->c, v->k, slab, &sl) == 0 && sl.node >= 0 && sl.node < nnodes)
				per_cpu[sl.node]++;
			kd_clear_error(s);
			show_slab(v, slab, true); /* crash skips the partial list after a damaged slab; the rest stands here */
		}
		if (v->cpu_ok[i] && v->cpu[i].has_partial) {
			kd_printf(s, "CPU %d PARTIAL:\n%s", i, v->cpu[i].partial ? "" : "  (empty)\n");
			if (v->cpu[i].partial && kd_slab_walk_cpu_partial(v->c, v->k, v->cpu[i].partial, cpu_partial_slab, v) < 0)
				report(v);
		}
	}
	for (int n = 0; n < nnodes; n++) {
		struct kd_slab_node nd;
		if (kd_slab_node(v->c, v->k, n, &nd) < 0) {
			report(v);
			break;
		}
		kd_printf(s, "KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  PER-CPU\n");
		kd_printf(s, "%llx  %4d  %5lld  %7lld  %7lld\n", (unsigned long long)nd.addr, n, (long long)nd.nr_slabs,
			  (long long)nd.nr_partial, (long long)per_cpu[n]);
		node_lists(v, &nd, n);
	}
	kd_printf(s, "\n");
	free(per_cpu);
}

static void set_cache(struct view *v, const struct kd_slab_cache *k)
{
	v->k = k;
	if (k->objects > v->objs_max) {
		free(v->objs);
		v->objs_max = k->objects + 1;
		v->objs = kd_xcalloc(v->objs_max, sizeof(uint64_t));
	}
	load_cpus(v);
}

/* A CACHE[,CACHE...] list of -I, as crash splits it (commas and blanks). */
static bool ignored(const char *list, const char *name)
{
	if (!list)
		return false;
	size_t len = strlen(name);
	for (const char *p = list; *p;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, ", \t");
		if (n && n == len && strncmp(p, name, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static int view_open(kd_session *s, struct kmem_opts *o, struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->s = s;
	v->o = o;
	v->c = kd_slab_open(s);
	if (!v->c)
		return -1;
	v->ncpus = kd_slab_nr_cpus(v->c);
	v->cpu = kd_xcalloc((size_t)v->ncpus + 1, sizeof(*v->cpu));
	v->cpu_ok = kd_xcalloc((size_t)v->ncpus + 1, sizeof(bool));
	if (o->cpus) {
		v->cpumask = kd_xcalloc((size_t)v->ncpus + 1, sizeof(bool));
		if (kd_parse_cpuspec(s, o->cpus, v->cpumask, v->ncpus) < 0)
			return -1;
	}
	if (kd_slab_cache_list_error(v->c))
		kd_printf(s, "kmem: slab_caches: %s\n", kd_slab_cache_list_error(v->c));
	return 0;
}

static void view_close(struct view *v)
{
	kd_slab_close(v->c);
	free(v->cpu);
	free(v->cpu_ok);
	free(v->cpumask);
	free(v->objs);
	free(v->freemap);
}

/* crash's dump_kmem_cache for SLUB: the header, each cache's line, -S its slabs. */
static void dump_caches(struct view *v, const char *reqname, bool verbose)
{
	kd_session *s = v->s;
	size_t n = kd_slab_cache_count(v->c);
	if (kd_json_active(s) && !verbose) { /* {caches: [...]}; -S and kmem's other views print text */
		kd_json_array_begin(s, "caches");
		for (size_t i = 0; i < n; i++) {
			const struct kd_slab_cache *k = kd_slab_cache_at(v->c, i);
			if (reqname && strcmp(reqname, k->name))
				continue;
			if (ignored(v->o->ignore, k->name)) {
				cache_json(v, k, "ignored (-I)");
				continue;
			}
			if (!k->readable) {
				cache_json(v, k, "cannot gather relevant slab data");
				continue;
			}
			set_cache(v, k);
			cache_json(v, k, NULL);
		}
		kd_json_end(s);
		return;
	}
	if (!reqname)
		kd_printf(s, CACHE_HDR);
	for (size_t i = 0; i < n; i++) {
		const struct kd_slab_cache *k = kd_slab_cache_at(v->c, i);
		if (reqname) {
			if (strcmp(reqname, k->name))
				continue;
			kd_printf(s, CACHE_HDR);
		}
		if (ignored(v->o->ignore, k->name)) {
			kd_printf(s, "%llx %-43s  %s\n", (unsigned long long)k->addr, "[IGNORED]", k->name);
		} else if (!k->readable) {
			kd_printf(s, "kmem: %s: cannot gather relevant slab data\n", k->name);
		} else {
			set_cache(v, k);
			cache_line(v);
			if (verbose) {
				cache_slabs(v);
				if (!reqname && i + 1 < n)
					kd_printf(s, CACHE_HDR);
			}
		}
		if (reqname)
			break;
	}
}

int kmem_slab_caches(kd_session *s, struct kmem_opts *o)
{
	if (o->flag == 'r' && !(kd_symbol_lookup(s, "slab_root_caches") && kd_member_exists(s, "kmem_cache", "memcg_params")))
		return kd_fail(s, "-r option not supported or applicable on this architecture or kernel");
	kd_clear_error(s);
	if (o->flag == 'r')
		return kd_error(s, KD_EUNSUPP, 0, "-r: root caches of memcg_params kernels (before 5.9) are not supported");
	struct view v;
	int rc = view_open(s, o, &v);
	if (rc == 0) {
		if (o->cache && !o->cache_escaped && strcmp(o->cache, "list") == 0) {
			for (size_t i = 0; i < kd_slab_cache_count(v.c); i++) {
				const struct kd_slab_cache *k = kd_slab_cache_at(v.c, i);
				kd_printf(s, "%llx %s\n", (unsigned long long)k->addr, k->name);
			}
		} else {
			dump_caches(&v, o->cache, o->flag == 'S');
		}
	}
	view_close(&v);
	return rc;
}

/* A physical address given where crash takes one: its direct-map address, or 0 beyond RAM. */
static uint64_t phys_to_virt(kd_session *s, uint64_t addr)
{
	const struct kd_target_info *ti = kd_target(s);
	if (ti->page_offset == UINT64_MAX || (ti->max_pfn && addr >= ti->max_pfn * ti->page_size))
		return 0;
	return ti->page_offset + addr;
}

int kmem_slab_at(kd_session *s, struct kmem_opts *o, uint64_t addr, bool verbose)
{
	bool slab_option = o->flag == 's' || o->flag == 'S';
	if (!slab_option && !kd_is_kvaddr(s, addr))
		return 0; /* kmem ADDR asks with the virtual address of a physical one */
	if (slab_option && (o->physical || !kd_is_kvaddr(s, addr))) {
		uint64_t v = phys_to_virt(s, addr);
		if (!v)
			kd_printf(s, "WARNING: cannot make virtual-to-physical translation: %llx\n", (unsigned long long)addr);
		else
			addr = v;
	}
	struct view v;
	int rc = view_open(s, o, &v);
	if (rc < 0) {
		view_close(&v);
		return slab_option ? -1 : (kd_clear_error(s), 0);
	}
	const struct kd_slab_cache *k = NULL;
	uint64_t slab = 0;
	bool all = verbose;
	if (slab_option && (k = kd_slab_cache_by_addr(v.c, addr))) {
		/* a kmem_cache: that cache, as if named */
		if (o->cache) {
			view_close(&v);
			return kd_fail(s, "only one kmem_cache reference is allowed");
		}
		if (o->calls++)
			kd_printf(s, "\n");
		dump_caches(&v, k->name, o->flag == 'S');
		view_close(&v);
		return 1;
	}
	if (kd_slab_of_page(v.c, addr, &k)) {
		slab = addr;
		all = true;
	} else if (!kd_slab_of_addr(v.c, addr, &slab, &k)) {
		uint64_t paddr;
		const struct kd_target_info *ti = kd_target(s);
		bool direct = ti->page_offset != UINT64_MAX && addr >= ti->page_offset &&
			      (!ti->max_pfn || addr - ti->page_offset < ti->max_pfn * ti->page_size);
		if (slab_option && !direct && kd_kvtop(s, addr, &paddr) < 0) {
			kd_clear_error(s);
			kd_printf(s, "WARNING: cannot make virtual-to-physical translation: %llx\n", (unsigned long long)addr);
		}
		if (slab_option) {
			if (o->calls++)
				kd_printf(s, "\n");
			kd_printf(s, "kmem: address is not allocated in slab subsystem: %llx\n", (unsigned long long)addr);
		}
		view_close(&v);
		return 0;
	}
	if (slab_option) {
		if (o->calls++)
			kd_printf(s, "\n");
		if (o->cache)
			kd_printf(s, "kmem: ignoring pre-selected %s cache for address: %llx\n", o->cache,
				  (unsigned long long)addr);
	}
	kd_printf(s, CACHE_HDR);
	if (ignored(o->ignore, k->name)) {
		kd_printf(s, "%llx %-43s  %s\n", (unsigned long long)k->addr, "[IGNORED]", k->name);
	} else {
		set_cache(&v, k);
		cache_line(&v);
		v.spec = addr;
		v.verbose = all;
		show_slab(&v, slab, true);
	}
	view_close(&v);
	return 1;
}
