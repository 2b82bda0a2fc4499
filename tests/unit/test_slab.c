/*
 * The slab walker (<kdive/slab.h>, src/linux/slab.c) on the fake kernel's SLUB caches
 * (tests/unit/fake_kernel.c): caches, per-CPU and per-node parts, slabs with their bitfield
 * counters, freelists, the slab of an address, and the damage each walk must survive: a freelist
 * that loops or points at unmapped memory, a partial list that loops, a slab pointer outside the
 * struct page array.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "fake_session.h"
#include "tests.h"

#include <kdive/kdive.h>

static kd_session *S;

/* slab_mem[i] and fake_mem_map.slabs[i] (4096 and 64 bytes each) */
static uint64_t mem(int slab, uint64_t off)
{
	return fake_sym("slab_mem") + 4096 * (uint64_t)slab + off;
}

static uint64_t slab_at(int i)
{
	return fake_sym("fake_mem_map") + 64 * (0x100 + (uint64_t)i); /* fake_mem_map.slabs[i] */
}

static int setup(void)
{
	S = fake_session();
	return S ? 0 : 1;
}

static int count_visit(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)s, (void)pos;
	uint64_t *v = arg;
	v[++v[0]] = entry;
	return v[0] < 15 ? 0 : KD_WALK_STOP;
}

static void test_caches(void)
{
	kd_slab_ctx *c = kd_slab_open(S);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(kd_slab_cache_count(c), 2);
	CU_ASSERT_PTR_NULL(kd_slab_cache_list_error(c));
	const struct kd_slab_cache *k = kd_slab_cache_find(c, "kmalloc-64"), *t = kd_slab_cache_find(c, "task_struct");
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NULL(kd_slab_cache_find(c, "no-such-cache"));
	CU_ASSERT_PTR_EQUAL(kd_slab_cache_by_addr(c, fake_sym("task_struct_cache")), t);
	CU_ASSERT_EQUAL(k->addr, fake_sym("kmalloc_64_cache"));
	CU_ASSERT_EQUAL(k->objects, 64);
	CU_ASSERT_EQUAL(k->order, 0);
	CU_ASSERT_EQUAL(t->size, 1024);
	CU_ASSERT_EQUAL(t->object_size, 1000);
	CU_ASSERT_EQUAL(t->offset, 512);
	CU_ASSERT_EQUAL(t->flags, KD_SLAB_STORE_USER);
	CU_ASSERT_EQUAL(kd_slab_nr_cpus(c), 4);
	CU_ASSERT_EQUAL(kd_slab_nr_nodes(c), 1);

	struct kd_slab_cpu cpu;
	CU_ASSERT_EQUAL_FATAL(kd_slab_cpu(c, k, 0, &cpu), 0);
	CU_ASSERT_EQUAL(cpu.slab, slab_at(0));
	CU_ASSERT_EQUAL(cpu.freelist, mem(0, 3 * 64));
	CU_ASSERT_EQUAL(cpu.partial, slab_at(1));
	CU_ASSERT_TRUE(cpu.has_partial);
	CU_ASSERT_EQUAL_FATAL(kd_slab_cpu(c, t, 1, &cpu), 0);
	CU_ASSERT_EQUAL(cpu.slab, slab_at(4));
	CU_ASSERT_EQUAL(kd_slab_cpu(c, t, 4, &cpu), -1);
	kd_clear_error(S);

	struct kd_slab_node nd;
	CU_ASSERT_EQUAL_FATAL(kd_slab_node(c, k, 0, &nd), 0);
	CU_ASSERT_EQUAL(nd.addr, fake_sym("kmalloc_64_node"));
	CU_ASSERT_EQUAL(nd.nr_partial, 1);
	CU_ASSERT_EQUAL(nd.nr_slabs, 4);
	CU_ASSERT_EQUAL(nd.total_objects, 256);
	CU_ASSERT_TRUE(nd.has_counts && nd.has_full);
	uint64_t seen[16] = {0};
	CU_ASSERT_EQUAL(kd_slab_walk_node_list(c, k, &nd, false, count_visit, seen), 1);
	CU_ASSERT_EQUAL(seen[1], slab_at(2));
	CU_ASSERT_EQUAL_FATAL(kd_slab_node(c, t, 0, &nd), 0);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL(kd_slab_walk_node_list(c, t, &nd, true, count_visit, seen), 1);
	CU_ASSERT_EQUAL(seen[1], slab_at(5));
	CU_ASSERT_EQUAL(kd_slab_walk_node_list(c, t, &nd, false, count_visit, seen), 0);
	kd_slab_close(c);
}

static void test_slabs(void)
{
	kd_slab_ctx *c = kd_slab_open(S);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	const struct kd_slab_cache *k = kd_slab_cache_find(c, "kmalloc-64");
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	struct kd_slab sl;
	CU_ASSERT_EQUAL_FATAL(kd_slab_read(c, k, slab_at(1), &sl), 0);
	CU_ASSERT_EQUAL(sl.inuse, 62);
	CU_ASSERT_EQUAL(sl.objects, 64);
	CU_ASSERT_TRUE(sl.frozen);
	CU_ASSERT_EQUAL(sl.mem, mem(1, 0));
	CU_ASSERT_EQUAL(sl.cache, k->addr);
	CU_ASSERT_EQUAL(sl.freelist, mem(1, 10 * 64));
	CU_ASSERT_EQUAL(sl.node, 0);
	uint64_t objs[8];
	size_t found = 0;
	CU_ASSERT_EQUAL(kd_slab_freelist(c, k, sl.addr, sl.freelist, objs, 8, &found), 2);
	CU_ASSERT_EQUAL(objs[0], mem(1, 10 * 64));
	CU_ASSERT_EQUAL(objs[1], mem(1, 20 * 64));
	CU_ASSERT_EQUAL(kd_slab_read(c, k, slab_at(1) + 8, &sl), -1); /* not a struct page */
	kd_clear_error(S);

	/* the slab of an address, of a struct page; not of kernel data */
	uint64_t slab = 0;
	const struct kd_slab_cache *of = NULL;
	CU_ASSERT_TRUE(kd_slab_of_addr(c, mem(2, 13 * 8), &slab, &of));
	CU_ASSERT_EQUAL(slab, slab_at(2));
	CU_ASSERT_PTR_EQUAL(of, k);
	CU_ASSERT_TRUE(kd_slab_of_addr(c, mem(4, 200 * 8), &slab, &of));
	CU_ASSERT_STRING_EQUAL(of->name, "task_struct");
	CU_ASSERT_FALSE(kd_slab_of_addr(c, fake_sym("items"), &slab, &of));
	CU_ASSERT_TRUE(kd_slab_of_page(c, slab_at(3), &of));
	CU_ASSERT_FALSE(kd_slab_of_page(c, slab_at(3) + 64 * 6, &of));
	CU_ASSERT_EQUAL(kd_last_code(S), KD_OK);
	kd_slab_close(c);
}

/* Bad input: each damage gives -1 with a message naming the cache, the walk and the address. */
/* A context reads each page once: after damaging the memory, a new one. */
static void reopen(kd_slab_ctx **c, const struct kd_slab_cache **k)
{
	kd_slab_close(*c);
	*c = kd_slab_open(S);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*c);
	*k = kd_slab_cache_find(*c, "kmalloc-64");
	CU_ASSERT_PTR_NOT_NULL_FATAL(*k);
}

static void test_damage(void)
{
	kd_slab_ctx *c = NULL;
	const struct kd_slab_cache *k = NULL;
	uint64_t objs[8];
	size_t found = 0;

	/* a freelist that loops back: object 20 -> object 10 */
	uint64_t old = fake_poke(mem(1, 20 * 64), mem(1, 10 * 64), 8);
	reopen(&c, &k);
	CU_ASSERT_EQUAL(kd_slab_freelist(c, k, slab_at(1), mem(1, 10 * 64), objs, 8, &found), -1);
	CU_ASSERT_EQUAL(found, 2);
	CU_ASSERT_EQUAL(kd_last_code(S), KD_EFORMAT);
	CU_ASSERT_EQUAL(kd_last_addr(S), mem(1, 10 * 64));
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "kmalloc-64: slab: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "duplicate freelist object"));
	kd_clear_error(S);
	fake_poke(mem(1, 20 * 64), old, 8);

	/* a free pointer into unmapped memory */
	old = fake_poke(mem(1, 20 * 64), 0xdead0000, 8);
	reopen(&c, &k);
	CU_ASSERT_EQUAL(kd_slab_freelist(c, k, slab_at(1), mem(1, 10 * 64), objs, 8, &found), -1);
	CU_ASSERT_EQUAL(found, 3);
	CU_ASSERT_EQUAL(kd_last_addr(S), 0xdead0000);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "invalid freepointer: dead0000"));
	kd_clear_error(S);
	fake_poke(mem(1, 20 * 64), old, 8);

	/* a node partial list that loops on its slab */
	uint64_t link = slab_at(2) + 16; /* slab_list */
	old = fake_poke(link, link, 8);
	reopen(&c, &k);
	struct kd_slab_node nd;
	CU_ASSERT_EQUAL_FATAL(kd_slab_node(c, k, 0, &nd), 0);
	uint64_t seen[16] = {0};
	CU_ASSERT_EQUAL(kd_slab_walk_node_list(c, k, &nd, false, count_visit, seen), -1);
	CU_ASSERT_EQUAL(seen[0], 1);
	CU_ASSERT_EQUAL(kd_last_code(S), KD_EFORMAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "kmalloc-64: partial list"));
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "duplicate slab entry"));
	kd_clear_error(S);
	fake_poke(link, old, 8);

	/* a per-CPU partial list that loops, and one that leaves the struct page array */
	uint64_t next = slab_at(1) + 16;
	old = fake_poke(next, slab_at(1), 8);
	reopen(&c, &k);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL(kd_slab_walk_cpu_partial(c, k, slab_at(1), count_visit, seen), -1);
	CU_ASSERT_EQUAL(seen[0], 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "cpu partial list"));
	kd_clear_error(S);
	fake_poke(next, slab_at(1) + 3, 8);
	reopen(&c, &k);
	memset(seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL(kd_slab_walk_cpu_partial(c, k, slab_at(1), count_visit, seen), -1);
	CU_ASSERT_EQUAL(kd_last_addr(S), slab_at(1) + 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(S), "invalid cpu partial list slab pointer"));
	kd_clear_error(S);
	fake_poke(next, old, 8);
	kd_slab_close(c);
}

void add_slab_tests(void)
{
	CU_pSuite s = CU_add_suite("the slab walker on a fake kernel", setup, NULL);
	CU_add_test(s, "caches, CPUs and nodes", test_caches);
	CU_add_test(s, "slabs, freelists, the slab of an address", test_slabs);
	CU_add_test(s, "damaged freelists and slab lists", test_damage);
}
