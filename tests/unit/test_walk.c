/*
 * Walkers, kernel helpers and commands on a fake kernel: tests/unit/fake_kernel.c compiled with
 * -g (fake_session.c). Its DWARF and symbols stand in for vmlinux, its data for the dump's memory,
 * served through the memory layer's reader (mem_set_reader). The memory is a writable copy, so each
 * test corrupts what it needs (a cycle, a count out of range, a bad pointer) and puts it back.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/symbols.h"
#include "debuginfo/types.h"
#include "linux/kernel.h"
#include "linux/modules.h"
#include "linux/tasks.h"
#include "linux/walk.h"
#include "shell/shell.h"
#include "fake_session.h"
#include "tests.h"

#define BAD 0xdead0000ULL /* an address the fake kernel does not map */

static kd_session *S; /* the fake kernel's session (fake_session.c), which the command tests share */

/* Write into the fake memory; returns what was there, to put it back. */
static uint64_t poke(uint64_t addr, uint64_t val, size_t size)
{
	return fake_poke(addr, val, size);
}

static uint64_t off(const char *type, const char *member)
{
	uint64_t o = 0;
	CU_ASSERT_EQUAL_FATAL(kd_member_offset(S, type, member, &o), 0);
	return o;
}

static uint64_t size_of(const char *type)
{
	uint64_t n = kd_type_size_opt(S, type);
	CU_ASSERT_NOT_EQUAL_FATAL(n, UINT64_MAX);
	return n;
}

static int setup(void)
{
	S = fake_session();
	return S ? 0 : 1;
}

static int teardown(void)
{
	fake_session_forget(); /* the task and module tables it built: later suites start afresh */
	return 0;
}

/* A visitor that records what it is given. */
struct seen {
	uint64_t entry[64];
	struct kd_walk_pos pos[64];
	char path[64][32];
	int n;
	int stop_after; /* > 0: KD_WALK_STOP on that visit; < 0: fail on visit -stop_after */
};

static int record(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct seen *v = arg;
	if (v->n < 64) {
		v->entry[v->n] = entry;
		if (pos) {
			v->pos[v->n] = *pos;
			snprintf(v->path[v->n], sizeof(v->path[0]), "%s", pos->path ? pos->path : "");
		}
	}
	v->n++;
	if (v->stop_after > 0 && v->n == v->stop_after)
		return KD_WALK_STOP;
	if (v->stop_after < 0 && v->n == -v->stop_after)
		return kd_fail(s, "the visitor failed");
	return 0;
}

/* The walk failed with this code, at this address. */
static void failed(long rc, enum kd_errcode code, uint64_t addr)
{
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(S->err.code, code);
	CU_ASSERT_EQUAL(S->err.addr, addr);
	CU_ASSERT_NOT_EQUAL(S->err.msg[0], '\0');
	kd_err_clear(&S->err);
}

static uint64_t item(int i)
{
	return fake_sym("items") + (uint64_t)i * size_of("item");
}

static void test_list(void)
{
	uint64_t head = fake_sym("ghead"), link = off("item", "link"), next = off("list_head", "next");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, 0, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[0], item(0));
	CU_ASSERT_EQUAL(v.entry[1], item(1));
	CU_ASSERT_EQUAL(v.entry[2], item(2));
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, KD_WALK_REVERSE, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[0], item(2));
	CU_ASSERT_EQUAL(v.entry[2], item(0));
	/* from an entry, round the ring back to it (the head is on the ring too) */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_list(S, item(1) + link, link, KD_WALK_ENTRY, record, &v), 4);
	CU_ASSERT_EQUAL(v.entry[0], item(1));
	CU_ASSERT_EQUAL(v.entry[1], item(2));
	CU_ASSERT_EQUAL(v.entry[2], head - link);
	CU_ASSERT_EQUAL(v.entry[3], item(0));
	/* the visitor stops the walk quietly, or fails it */
	v = (struct seen){.stop_after = 2};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, 0, record, &v), 1);
	v = (struct seen){.stop_after = -2};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, 0, record, &v), -1);
	CU_ASSERT_STRING_EQUAL(kd_last_error(S), "the visitor failed");
	kd_err_clear(&S->err);

	/* a cycle that does not come back to the head */
	uint64_t saved = poke(item(1) + link + next, item(0) + link, 8);
	v = (struct seen){0};
	failed(kd_walk_list(S, head, link, 0, record, &v), KD_EFORMAT, item(0) + link);
	CU_ASSERT_EQUAL(v.n, 2);
	/* a bad pointer: the entries before it, then KD_EFAULT at the address it holds */
	poke(item(1) + link + next, BAD, 8);
	v = (struct seen){0};
	failed(kd_walk_list(S, head, link, 0, record, &v), KD_EFAULT, BAD);
	CU_ASSERT_EQUAL(v.n, 2);
	/* both ways: the rest of the list from its other end, the break left in the session */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, KD_WALK_BOTH, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[2], item(2));
	CU_ASSERT_EQUAL(S->err.code, KD_EFAULT);
	CU_ASSERT_EQUAL(S->err.addr, BAD);
	kd_err_clear(&S->err);
	/* a NULL link in a circular list */
	poke(item(1) + link + next, 0, 8);
	failed(kd_walk_list(S, head, link, 0, record, &v), KD_EFAULT, 0);
	poke(item(1) + link + next, saved, 8);
	/* an unreadable head */
	failed(kd_walk_list(S, BAD, link, 0, record, &v), KD_EFAULT, BAD);
	/* a list longer than the walk limit */
	S->walk_limit = 2;
	v = (struct seen){0};
	failed(kd_walk_list(S, head, link, 0, record, &v), KD_EFORMAT, item(2) + link);
	CU_ASSERT_EQUAL(v.n, 2);
	S->walk_limit = 3;
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, 0, record, &v), 3);
	S->walk_limit = 0;
	/* after all that, the same list again */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_list(S, head, link, KD_WALK_BOTH, record, &v), 3);
	CU_ASSERT_EQUAL(S->err.code, KD_OK);
}

static void test_chain(void)
{
	/* crash's list: any next pointer; a NULL ends it */
	uint64_t vmas = fake_sym("vmas"), next = off("vm_area_struct", "vm_next"), sz = size_of("vm_area_struct");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_chain(S, vmas, next, 0, 0, 0, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[2], vmas + 2 * sz);
	/* ... or end: stop before it */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_chain(S, vmas, next, 0, vmas + 2 * sz, 0, record, &v), 2);
	/* a link pointing to itself ends it quietly, as crash's list does */
	uint64_t saved = poke(vmas + sz + next, vmas + sz, 8);
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_chain(S, vmas, next, 0, 0, 0, record, &v), 2);
	poke(vmas + sz + next, saved, 8);
	/* a cycle that comes back neither to the start, nor to the first link, nor to the last: an error */
	uint64_t link = off("item", "link"), head = fake_sym("ghead");
	uint64_t hsaved = poke(head + off("list_head", "next"), item(2) + link, 8);
	failed(kd_walk_chain(S, item(0) + link, 0, link, 0, 0, record, &v), KD_EFORMAT, item(2) + link);
	poke(head + off("list_head", "next"), hsaved, 8);
	poke(vmas + sz + next, BAD, 8);
	failed(kd_walk_chain(S, vmas, next, 0, 0, 0, record, &v), KD_EFAULT, BAD);
	poke(vmas + sz + next, saved, 8);
	/* a NULL in a list that is circular */
	failed(kd_walk_chain(S, vmas, next, 0, 0, KD_WALK_CIRCULAR, record, &v), KD_EFAULT, 0);
	S->walk_limit = 1;
	failed(kd_walk_chain(S, vmas, next, 0, 0, 0, record, &v), KD_EFORMAT, vmas + sz);
	S->walk_limit = 0;
}

static void test_hlist(void)
{
	uint64_t head = fake_sym("hhead"), hnode = off("item", "hnode"), next = off("hlist_node", "next");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_hlist(S, head, hnode, 0, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[0], item(0));
	CU_ASSERT_EQUAL(v.entry[2], item(2));
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_hlist(S, item(1) + hnode, hnode, KD_WALK_ENTRY, record, &v), 2);
	CU_ASSERT_EQUAL(v.entry[0], item(1));
	/* backwards from an entry, through pprev, to the head */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_hlist(S, item(2) + hnode, hnode, KD_WALK_ENTRY | KD_WALK_REVERSE, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[0], item(2));
	CU_ASSERT_EQUAL(v.entry[1], item(1));
	CU_ASSERT_EQUAL(v.entry[2], item(0));
	uint64_t saved = poke(item(2) + hnode + next, item(0) + hnode, 8);
	failed(kd_walk_hlist(S, head, hnode, 0, record, &v), KD_EFORMAT, item(0) + hnode);
	poke(item(2) + hnode + next, BAD, 8);
	failed(kd_walk_hlist(S, head, hnode, 0, record, &v), KD_EFAULT, BAD);
	poke(item(2) + hnode + next, saved, 8);
	S->walk_limit = 2;
	failed(kd_walk_hlist(S, head, hnode, 0, record, &v), KD_EFORMAT, item(2) + hnode);
	S->walk_limit = 0;
}

static void test_rbtree(void)
{
	uint64_t root = fake_sym("groot"), rb = off("item", "rb"), left = off("rb_node", "rb_left"), sz = size_of("item");
	uint64_t n[5];
	for (int i = 0; i < 5; i++)
		n[i] = fake_sym("rbn") + i * sz;
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_rbtree(S, root, rb, 0, record, &v), 5);
	const int pre[5] = {2, 1, 0, 4, 3};
	const char *paths[5] = {"root", "root/l", "root/l/l", "root/r", "root/r/l"};
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(v.entry[i], n[pre[i]]);
		CU_ASSERT_STRING_EQUAL(v.path[i], paths[i]);
	}
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_rbtree(S, n[2] + rb, rb, KD_WALK_NODE | KD_WALK_INORDER, record, &v), 5);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(v.entry[i], n[i]);
	/* a cycle: a leaf's child is the root */
	uint64_t saved = poke(n[3] + rb + left, n[2] + rb, 8);
	failed(kd_walk_rbtree(S, root, rb, KD_WALK_INORDER, record, &v), KD_EFORMAT, n[2] + rb);
	poke(n[3] + rb + left, BAD, 8);
	failed(kd_walk_rbtree(S, root, rb, KD_WALK_INORDER, record, &v), KD_EFAULT, BAD);
	poke(n[3] + rb + left, saved, 8);
	failed(kd_walk_rbtree(S, BAD, rb, 0, record, &v), KD_EFAULT, BAD);
	S->walk_limit = 4;
	failed(kd_walk_rbtree(S, root, rb, 0, record, &v), KD_EFORMAT, n[3] + rb);
	S->walk_limit = 0;
}

static void test_xarray(void)
{
	uint64_t objs = fake_sym("objs"), top = fake_sym("xa_top"), leaf2 = fake_sym("xa_leaf2"), shift = off("xa_node", "shift"),
		 slots = off("xa_node", "slots");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), 3);
	CU_ASSERT_EQUAL(v.entry[0], objs);
	CU_ASSERT_EQUAL(v.pos[0].index, 1);
	CU_ASSERT_EQUAL(v.entry[1], objs + 4);
	CU_ASSERT_EQUAL(v.pos[1].index, 5);
	CU_ASSERT_EQUAL(v.entry[2], objs + 8);
	CU_ASSERT_EQUAL(v.pos[2].index, 131);
	CU_ASSERT_STRING_EQUAL(v.path[2], "root/2");
	/* shifts out of range: a leaf that claims a level of its own, a top beyond 64 bits */
	uint64_t saved = poke(leaf2 + shift, 3, 1);
	failed(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), KD_EFORMAT, leaf2);
	poke(leaf2 + shift, saved, 1);
	saved = poke(top + shift, 66, 1);
	failed(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), KD_EFORMAT, top);
	poke(top + shift, saved, 1);
	/* a node that holds itself; a node that cannot be read */
	poke(top + slots + 3 * 8, top + 2, 8);
	failed(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), KD_EFORMAT, top);
	poke(top + slots + 3 * 8, BAD + 2, 8);
	failed(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), KD_EFAULT, BAD);
	poke(top + slots + 3 * 8, 0, 8);
	S->walk_limit = 2;
	failed(kd_walk_xarray(S, fake_sym("gxa"), 0, record, &v), KD_EFORMAT, leaf2);
	S->walk_limit = 0;
	/* an entry in the head itself */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_xarray(S, objs, KD_WALK_NODE, record, &v), 1);
	CU_ASSERT_STRING_EQUAL(v.path[0], "direct");
}

static void test_idr(void)
{
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_idr(S, fake_sym("gidr"), record, &v), 2);
	CU_ASSERT_EQUAL(v.entry[0], fake_sym("objs"));
	CU_ASSERT_EQUAL(v.pos[0].index, 1); /* idr_base 1 */
	CU_ASSERT_EQUAL(v.entry[1], fake_sym("objs") + 12);
	CU_ASSERT_EQUAL(v.pos[1].index, 3);
	/* the same through its name */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk(S, "idr", fake_sym("gidr"), record, &v), 2);
	failed(kd_walk(S, "nosuch", 0, record, &v), KD_ENOTFOUND, 0);
	bool idr = false;
	for (const char *const *n = kd_walker_names(); *n; n++)
		idr |= !strcmp(*n, "idr");
	CU_ASSERT_TRUE(idr);
}

static void test_maple(void)
{
	uint64_t vmas = fake_sym("vmas"), sz = size_of("vm_area_struct"), gmt = fake_sym("gmt"), slots = fake_sym("mt_slots");
	uint64_t root = fake_sym("mt_root_node"), a_slot = off("maple_node", "ma64") + off("maple_arange_64", "slot");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_maple(S, gmt, 0, record, &v), 3);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(v.entry[i], vmas + i * sz);
		CU_ASSERT_EQUAL(v.pos[i].min, 0x1000 * (i + 1));
		CU_ASSERT_EQUAL(v.pos[i].max, 0x1000 * (i + 2) - 1);
		CU_ASSERT_EQUAL(v.pos[i].index, (uint64_t)i + 1);
	}
	CU_ASSERT_STRING_EQUAL(v.path[0], "root/0/1");
	CU_ASSERT_STRING_EQUAL(v.path[2], "root/1/1");
	/*
	 * mt_slots[] comes from the dump: a count larger than a node's arrays was read past the
	 * node (a 512-byte buffer on the stack) before it was checked. Now each is refused.
	 */
	for (unsigned t = 0; t < 4; t++) {
		uint64_t saved = poke(slots + t, 200, 1);
		failed(kd_walk_maple(S, gmt, KD_WALK_VERBOSE, record, &v), KD_EFORMAT, slots + t);
		poke(slots + t, 255, 1);
		failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, slots + t);
		poke(slots + t, 0, 1);
		failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, slots + t);
		poke(slots + t, saved, 1);
	}
	/* a node reached twice; a node that cannot be read; a node of no known type */
	uint64_t leaf_a = fake_sym("mt_leaf_a"), leaf_b = fake_sym("mt_leaf_b");
	uint64_t saved = poke(root + a_slot + 8, leaf_a | (1 << 3) | 4, 8);
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, leaf_a);
	poke(root + a_slot + 8, BAD | (1 << 3) | 4, 8);
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFAULT, BAD);
	poke(root + a_slot + 8, leaf_b | (9 << 3) | 4, 8);
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, leaf_b);
	poke(root + a_slot + 8, saved, 8);
	/* an arange node whose metadata ends past its slots; a pivot below the slot's first
	 * index (the corrupt-dump suite's mem-maple: a walk that went on over both, quietly) */
	uint64_t meta = root + off("maple_node", "ma64") + off("maple_arange_64", "meta") + off("maple_metadata", "end");
	saved = poke(meta, 254, 1);
	v = (struct seen){0};
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, root);
	poke(meta, saved, 1);
	uint64_t b_pivot = leaf_b + off("maple_node", "mr64") + off("maple_range_64", "pivot");
	saved = poke(b_pivot + 8, 0x1000, 8);
	v = (struct seen){0};
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, leaf_b);
	CU_ASSERT_EQUAL(v.n, 2); /* what came before the bad pivot was visited */
	poke(b_pivot + 8, saved, 8);
	failed(kd_walk_maple(S, BAD, 0, record, &v), KD_EFAULT, BAD + off("maple_tree", "ma_root"));
	S->walk_limit = 2;
	failed(kd_walk_maple(S, gmt, 0, record, &v), KD_EFORMAT, vmas + 2 * sz);
	S->walk_limit = 0;
	/* from an encoded node */
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_maple(S, leaf_b | (1 << 3) | 4, KD_WALK_NODE, record, &v), 2);
}

static void test_percpu(void)
{
	uint64_t rq = fake_sym("runqueues"), sz = size_of("rq");
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_percpu(S, rq, record, &v), 4);
	for (int cpu = 0; cpu < 4; cpu++) {
		CU_ASSERT_EQUAL(v.entry[cpu], rq + cpu * sz);
		CU_ASSERT_EQUAL(v.pos[cpu].index, (uint64_t)cpu);
	}
}

static int task_pid(uint64_t task)
{
	const struct task_info *t = kd_task_find(S, task);
	return t ? t->pid : -1;
}

static bool has(const struct task_list *l, uint64_t task)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->tasks[i] == task)
			return true;
	return false;
}

static void test_tasks(void)
{
	const char *names[] = {"init_task", "idle1", "idle2", "idle3", "task_a", "task_b", "task_b2", "task_d"};
	struct task_list l;
	CU_ASSERT_EQUAL_FATAL(kd_tasks_collect(S, &l), 0);
	CU_ASSERT_EQUAL(l.len, 8);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		CU_ASSERT_TRUE(has(&l, fake_sym(names[i])));
	CU_ASSERT_STRING_EQUAL(l.broken, "");
	kd_task_list_free(&l);
	/* the table, in ps's order */
	struct seen v = {0};
	CU_ASSERT_EQUAL(kd_walk_tasks(S, record, &v), 8);
	const int pids[8] = {0, 0, 0, 0, 1, 100, 101, 200};
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL((int)v.pos[i].index, pids[i]);
		CU_ASSERT_EQUAL(task_pid(v.entry[i]), pids[i]);
	}
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_threads(S, fake_sym("task_b"), record, &v), 2);
	CU_ASSERT_EQUAL(v.entry[1], fake_sym("task_b2"));
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk(S, "threads", fake_sym("task_a"), record, &v), 1);
	/*
	 * A task list broken in two places: forward it stops after 1, backward after 200; 100 and
	 * its thread 101 are between the breaks, and the PID allocator finds them.
	 */
	uint64_t tasks = off("task_struct", "tasks"), next = off("list_head", "next"), prev = off("list_head", "prev");
	uint64_t s1 = poke(fake_sym("task_a") + tasks + next, BAD, 8), s2 = poke(fake_sym("task_d") + tasks + prev, BAD + 64, 8);
	CU_ASSERT_EQUAL_FATAL(kd_tasks_collect(S, &l), 0);
	CU_ASSERT_EQUAL(l.len, 8);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		CU_ASSERT_TRUE(has(&l, fake_sym(names[i])));
	CU_ASSERT_PTR_NOT_NULL(strstr(l.broken, "dead0000"));
	kd_task_list_free(&l);
	/* a thread list broken: the threads found from its other end */
	uint64_t tn = off("task_struct", "thread_node");
	uint64_t s3 = poke(fake_sym("task_b") + tn + next, BAD, 8);
	v = (struct seen){0};
	CU_ASSERT_EQUAL(kd_walk_threads(S, fake_sym("task_b"), record, &v), 2);
	CU_ASSERT_EQUAL(S->err.code, KD_EFAULT);
	kd_err_clear(&S->err);
	poke(fake_sym("task_b") + tn + next, s3, 8);
	poke(fake_sym("task_a") + tasks + next, s1, 8);
	poke(fake_sym("task_d") + tasks + prev, s2, 8);
	/* the first link bad: every process found from the other end, and said so */
	s1 = poke(fake_sym("init_task") + tasks + next, BAD, 8);
	CU_ASSERT_EQUAL_FATAL(kd_tasks_collect(S, &l), 0);
	CU_ASSERT_EQUAL(l.len, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(l.broken, "dead0000"));
	kd_task_list_free(&l);
	poke(fake_sym("init_task") + tasks + next, s1, 8);
}

static void test_modules(void)
{
	const struct module_table *mt = kd_modules_get(S);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mt);
	CU_ASSERT_EQUAL(mt->len, 2);
	/* in crash's order: by text base (fake's is the lower) */
	CU_ASSERT_STRING_EQUAL(mt->mods[0].name, "fake");
	CU_ASSERT_STRING_EQUAL(mt->mods[1].name, "ext4");
	/* code: the core layout's first text_size bytes (0x1000 of 0x3000); the init layout is empty */
	const struct kmodule *fake = &mt->mods[0], *ext4 = &mt->mods[1];
	CU_ASSERT_EQUAL(fake->text[0].base, fake->base);
	CU_ASSERT_EQUAL(fake->text[0].size, 0x1000);
	CU_ASSERT_EQUAL(fake->text[1].size, 0);
	CU_ASSERT_PTR_EQUAL(kd_module_text_at(S, fake->base), fake);
	CU_ASSERT_PTR_EQUAL(kd_module_text_at(S, fake->base + 0xfff), fake);
	CU_ASSERT_PTR_EQUAL(kd_module_text_at(S, ext4->base + 0x10), ext4);
	CU_ASSERT_PTR_NULL(kd_module_text_at(S, fake->base + 0x1000)); /* the module's data: its memory, not its code */
	CU_ASSERT_PTR_EQUAL(kd_module_at(S, fake->base + 0x1000), fake);
	CU_ASSERT_PTR_NULL(kd_module_text_at(S, fake->base - 1));
}

/* A command's output, run as the shell runs it. */
static char *run(const char *line)
{
	char *text = NULL, **argv;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size), *saved = S->out;
	int argc = shell_split(line, &argv);
	const struct kd_command *cmd = kd_command_find(S, argv[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
	S->out = out;
	optind = 0;
	if (cmd->run(S, argc, argv) < 0)
		fprintf(out, "%s: %s\n", argv[0], kd_last_error(S));
	kd_err_clear(&S->err);
	S->out = saved;
	fclose(out);
	shell_free_argv(argc, argv);
	return text;
}

static void test_commands(void)
{
	if (!kd_command_find(S, "runq"))
		builtins_register(S);
	char want[4096], *got = run("runq");
	uint64_t rq = fake_sym("runqueues"), sz = size_of("rq"), cfs = off("rq", "cfs") + off("cfs_rq", "tasks_timeline"),
		 rt = off("rq", "rt") + off("rt_rq", "active");
	snprintf(want, sizeof(want),
		 "CPU 0 RUNQUEUE: %lx\n"
		 "  CURRENT: PID: 100    TASK: %lx  COMMAND: \"worker\"\n"
		 "  RT PRIO_ARRAY: %lx\n"
		 "     [no tasks queued]\n"
		 "  CFS RB_ROOT: %lx\n"
		 "     [120] PID: 1      TASK: %lx  COMMAND: \"init\"\n"
		 "     [110] PID: 101    TASK: %lx  COMMAND: \"worker2\"\n"
		 "\n"
		 "CPU 1 RUNQUEUE: %lx\n"
		 "  CURRENT: PID: 0      TASK: %lx  COMMAND: \"swapper/1\"\n"
		 "  RT PRIO_ARRAY: %lx\n"
		 "     [ 49] PID: 200    TASK: %lx  COMMAND: \"rtd\"\n"
		 "  CFS RB_ROOT: %lx\n"
		 "     [no tasks queued]\n",
		 rq, fake_sym("task_b"), rq + rt, rq + cfs, fake_sym("task_a"), fake_sym("task_b2"), rq + sz, fake_sym("idle1"), rq + sz + rt, fake_sym("task_d"), rq + sz + cfs);
	CU_ASSERT_EQUAL(strncmp(got, want, strlen(want)), 0);
	if (strncmp(got, want, strlen(want)))
		fprintf(stderr, "runq:\n%s\nwanted:\n%s\n", got, want);
	free(got);
	/* task groups that hold themselves: a bounded error, not a stack overflow */
	uint64_t my_q = off("sched_entity", "my_q"), gse = fake_sym("group_se");
	uint64_t saved = poke(gse + my_q, rq + off("rq", "cfs"), 8);
	got = run("runq -c 0");
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "runq: task groups nested deeper than 64 levels"));
	free(got);
	poke(gse + my_q, saved, 8);
	/* tree -t maple -v: the nodes as crash dumps them */
	char arg[64];
	snprintf(arg, sizeof(arg), "tree -t maple -v %lx", fake_sym("gmt"));
	got = run(arg);
	snprintf(want, sizeof(want), "maple_tree(%lx) flags 30B, height 2 root 0x%lx\n\n0-18446744073709551615: node 0x%lx depth 0 type 3 parent (nil) contents: 4095 49152 0 0 0 0 0 0 0 0 | 01 01| 0x%lx 8191 0x%lx 18446744073709551615 (nil) 0 ",
		 fake_sym("gmt"), fake_sym("mt_root_node") + 0x1e, fake_sym("mt_root_node"), fake_sym("mt_leaf_a") + 0xc, fake_sym("mt_leaf_b") + 0xc);
	CU_ASSERT_EQUAL(strncmp(got, want, strlen(want)), 0);
	if (strncmp(got, want, strlen(want)))
		fprintf(stderr, "tree -v:\n%s\nwanted:\n%s\n", got, want);
	snprintf(want, sizeof(want), "    4096-8191: 0x%lx\n", fake_sym("vmas"));
	CU_ASSERT_PTR_NOT_NULL(strstr(got, want));
	free(got);
	/* list: crash's list command over the fake kernel's list */
	snprintf(arg, sizeof(arg), "list -H %lx -o item.link -s item.v", fake_sym("ghead"));
	got = run(arg);
	snprintf(want, sizeof(want), "%lx\n  v = 10,\n%lx\n  v = 20,\n%lx\n  v = 30,\n", item(0), item(1), item(2));
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

void add_walk_tests(void)
{
	CU_pSuite s = CU_add_suite("walkers on a fake kernel (a program compiled with -g)", setup, teardown);
	CU_add_test(s, "list_head lists", test_list);
	CU_add_test(s, "crash's list: any next pointer", test_chain);
	CU_add_test(s, "hlists", test_hlist);
	CU_add_test(s, "red-black trees", test_rbtree);
	CU_add_test(s, "XArrays", test_xarray);
	CU_add_test(s, "IDRs and walkers by name", test_idr);
	CU_add_test(s, "maple trees, mt_slots out of range", test_maple);
	CU_add_test(s, "per-CPU addresses", test_percpu);
	CU_add_test(s, "tasks and threads, a broken task list", test_tasks);
	CU_add_test(s, "modules", test_modules);
	CU_add_test(s, "runq, tree and list on the fake kernel", test_commands);
}
