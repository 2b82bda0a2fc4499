/*
 * The unwinder on stacks captured from real lab dumps (the .uw files of tests/unit/stacks/, written by
 * tests/tools/uw-capture): each fixture holds every answer the dump gave the walker (stack
 * words, stacks, ORC entries, calls) and the frames it produced. The replay asks the walker
 * again, answering from the fixture only, and the frames must be the same. A question the
 * fixture cannot answer means the walker now walks differently on that real stack: it fails.
 */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "linux/unwind.h"

#ifndef UW_FIXTURES
#define UW_FIXTURES "tests/unit/stacks"
#endif

struct answer {
	uint64_t key;
	int rc;
	uint64_t v[8];
};

typedef VEC(struct answer) answer_vec;

struct replay {
	answer_vec reads, stacks, orcs, funcs, calls;
	int unknown; /* questions the fixture could not answer */
	char what[160];
	uint64_t pt_off[UW_NREGS], pt_size, ret_from_fork;
};

static const struct answer *find(const struct answer *a, size_t n, uint64_t key)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].key == key)
			return &a[i];
	return NULL;
}

static int rp_read(void *arg, uint64_t addr, uint64_t *val)
{
	struct replay *r = arg;
	const struct answer *a = find(r->reads.items, r->reads.len, addr);
	if (!a) {
		r->unknown++;
		return -1;
	}
	*val = a->v[0];
	return a->rc;
}

static bool rp_stack_of(void *arg, uint64_t addr, struct uw_stack *out)
{
	struct replay *r = arg;
	const struct answer *a = find(r->stacks.items, r->stacks.len, addr);
	if (!a) {
		r->unknown++;
		return false;
	}
	if (a->rc)
		return false;
	*out = (struct uw_stack){.type = (enum uw_stack_type)a->v[0], .cpu = (int)a->v[1], .index = (int)a->v[2],
				 .base = a->v[3], .top = a->v[4]};
	return true;
}

static int rp_orc(void *arg, uint64_t ip, struct orc_entry_n *out)
{
	struct replay *r = arg;
	const struct answer *a = find(r->orcs.items, r->orcs.len, ip);
	if (!a) {
		r->unknown++;
		return -1;
	}
	if (a->rc > 0)
		*out = (struct orc_entry_n){.sp_offset = (int16_t)a->v[0], .bp_offset = (int16_t)a->v[1],
					    .sp_reg = (uint8_t)a->v[2], .bp_reg = (uint8_t)a->v[3], .type = (uint8_t)a->v[4],
					    .signal = a->v[5] != 0};
	return a->rc;
}

static uint64_t rp_func_start(void *arg, uint64_t ip)
{
	struct replay *r = arg;
	const struct answer *a = find(r->funcs.items, r->funcs.len, ip);
	if (!a) {
		r->unknown++;
		return 0;
	}
	return a->v[0];
}

static bool rp_call_before(void *arg, uint64_t ret, uint64_t *target)
{
	struct replay *r = arg;
	const struct answer *a = find(r->calls.items, r->calls.len, ret);
	if (!a) {
		r->unknown++;
		return false;
	}
	*target = a->v[0];
	return a->rc != 0;
}

/* Up to n hex numbers after the tag; returns how many were read. */
static int hexes(const char *p, uint64_t *v, int n)
{
	int k = 0;
	while (k < n) {
		char *end;
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		v[k] = strtoull(p, &end, 16);
		if (end == p)
			break;
		k++;
		p = end;
	}
	return k;
}

static void add(answer_vec *a, uint64_t key, int rc, const uint64_t *v, int n)
{
	struct answer x = {.key = key, .rc = rc};
	for (int i = 0; i < n && i < 8; i++)
		x.v[i] = v[i];
	if (!find(a->items, a->len, key))
		VEC_PUSH(a, x);
}

typedef VEC(struct uw_frame) frame_vec;

struct walk {
	struct uw_state st;
	frame_vec first, want;
	bool want_user;
	char want_error[256];
};

static void parse_frame(const char *p, struct uw_frame *f)
{
	uint64_t v[10 + UW_NREGS];
	int n = hexes(p, v, 10 + UW_NREGS);
	memset(f, 0, sizeof(*f));
	if (n < 10)
		return;
	f->ip = v[0], f->slot = v[1], f->sp = v[2], f->bp = v[3], f->bp_known = v[4];
	f->stack.type = (enum uw_stack_type)v[5];
	f->flags = (unsigned)v[6], f->has_regs = v[7], f->regs_partial = v[8], f->regs_addr = v[9];
	for (int i = 0; f->has_regs && i < UW_NREGS && 10 + i < n; i++)
		f->regs.r[i] = v[10 + i];
}

static void check_walk(struct replay *r, struct walk *w, const char *name, int nth)
{
	struct uw_memory m = {.arg = r, .read = rp_read, .stack_of = rp_stack_of, .orc = rp_orc,
			      .func_start = rp_func_start, .call_before = rp_call_before, .pt_regs_off = r->pt_off,
			      .pt_regs_size = r->pt_size, .ret_from_fork = r->ret_from_fork};
	struct uw_trace tr = {0};
	for (size_t i = 0; i < w->first.len; i++)
		uw_push(&tr, &w->first.items[i]);
	struct uw_state st = w->st;
	r->unknown = 0;
	uw_walk(&m, &st, &tr);
	size_t got = tr.len;
	bool ok = r->unknown == 0 && got == w->want.len && tr.user_mode == w->want_user &&
		  strcmp(tr.error, w->want_error) == 0;
	for (size_t i = 0; ok && i < got; i++) {
		const struct uw_frame *a = &tr.frames[i], *b = &w->want.items[i];
		ok = a->ip == b->ip && a->slot == b->slot && a->sp == b->sp && a->flags == b->flags &&
		     a->has_regs == b->has_regs && a->regs_addr == b->regs_addr && a->stack.type == b->stack.type &&
		     (!a->has_regs || memcmp(a->regs.r, b->regs.r, sizeof(a->regs.r)) == 0);
	}
	if (!ok)
		fprintf(stderr, "\n%s walk %d: %zu frames (want %zu), user %d (want %d), error \"%s\" (want \"%s\"), "
			"%d questions not in the fixture\n", name, nth, got, w->want.len, tr.user_mode, w->want_user,
			tr.error, w->want_error, r->unknown);
	CU_ASSERT_TRUE(ok);
	kd_unwind_trace_free(&tr);
}

/* Replays every walk of one fixture; returns the number of walks. */
static int replay_file(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	struct replay *r = xcalloc(1, sizeof(*r));
	VEC(struct walk) walks = {0};
	char *line = NULL;
	size_t cap = 0;
	struct walk *w = NULL;
	while (getline(&line, &cap, f) > 0) {
		uint64_t v[8 + UW_NREGS];
		char tag[16];
		int off = 0;
		if (line[0] == '#' || sscanf(line, "%15s %n", tag, &off) < 1)
			continue;
		const char *p = line + off;
		if (strcmp(tag, "walk") == 0) {
			VEC_PUSH(&walks, (struct walk){0});
			w = &walks.items[walks.len - 1];
		} else if (strcmp(tag, "ptregs") == 0 && hexes(p, v, 1 + UW_NREGS) == 1 + UW_NREGS) {
			r->pt_size = v[0];
			memcpy(r->pt_off, v + 1, sizeof(r->pt_off));
		} else if (strcmp(tag, "retfork") == 0 && hexes(p, v, 1) == 1) {
			r->ret_from_fork = v[0];
		} else if (strcmp(tag, "state") == 0 && w) {
			int n = hexes(p, v, 6 + UW_NREGS);
			if (n >= 6) {
				w->st = (struct uw_state){.ip = v[0], .sp = v[1], .bp = v[2], .bp_known = v[3], .signal = v[4],
							  .full_regs = v[5]};
				for (int i = 0; w->st.full_regs && i < UW_NREGS && 6 + i < n; i++)
					w->st.regs.r[i] = v[6 + i];
			}
		} else if (strcmp(tag, "first") == 0 && w) {
			struct uw_frame fr;
			parse_frame(p, &fr);
			VEC_PUSH(&w->first, fr);
		} else if (strcmp(tag, "firststack") == 0 && w && w->first.len && hexes(p, v, 5) == 5) {
			struct uw_frame *fr = &w->first.items[w->first.len - 1];
			fr->stack = (struct uw_stack){.type = (enum uw_stack_type)v[0], .cpu = (int)v[1], .index = (int)v[2],
						      .base = v[3], .top = v[4]};
		} else if (strcmp(tag, "frame") == 0 && w) {
			struct uw_frame fr;
			parse_frame(p, &fr);
			VEC_PUSH(&w->want, fr);
		} else if (strcmp(tag, "end") == 0 && w) {
			w->want_user = p[0] == '1';
			const char *e = p + 1;
			while (*e == ' ')
				e++;
			snprintf(w->want_error, sizeof(w->want_error), "%s", e);
			w->want_error[strcspn(w->want_error, "\n")] = '\0';
		} else if (strcmp(tag, "read") == 0 && hexes(p, v, 2) == 2) {
			add(&r->reads, v[0], 0, v + 1, 1);
		} else if (strcmp(tag, "noread") == 0 && hexes(p, v, 1) == 1) {
			add(&r->reads, v[0], -1, v, 0);
		} else if (strcmp(tag, "stack") == 0 && hexes(p, v, 6) == 6) {
			add(&r->stacks, v[0], 0, v + 1, 5);
		} else if (strcmp(tag, "nostack") == 0 && hexes(p, v, 1) == 1) {
			add(&r->stacks, v[0], 1, v, 0);
		} else if (strcmp(tag, "orc") == 0) {
			/* orc IP RC [spo bpo spr bpr type signal], signed decimals after the ip */
			unsigned long long ip;
			int rc, spo, bpo, spr, bpr, type, sig;
			int n = sscanf(p, "%llx %d %d %d %d %d %d %d", &ip, &rc, &spo, &bpo, &spr, &bpr, &type, &sig);
			if (n == 8) {
				uint64_t e[6] = {(uint64_t)(int64_t)spo, (uint64_t)(int64_t)bpo, (uint64_t)spr, (uint64_t)bpr,
						 (uint64_t)type, (uint64_t)sig};
				add(&r->orcs, ip, rc, e, 6);
			} else if (n == 2) {
				add(&r->orcs, ip, rc, v, 0);
			}
		} else if (strcmp(tag, "func") == 0 && hexes(p, v, 2) == 2) {
			add(&r->funcs, v[0], 0, v + 1, 1);
		} else if (strcmp(tag, "call") == 0 && hexes(p, v, 3) == 3) {
			add(&r->calls, v[0], (int)v[1], v + 2, 1);
		}
	}
	free(line);
	fclose(f);
	for (size_t i = 0; i < walks.len; i++) {
		check_walk(r, &walks.items[i], name, (int)i);
		VEC_FREE(&walks.items[i].first);
		VEC_FREE(&walks.items[i].want);
	}
	int n = (int)walks.len;
	VEC_FREE(&walks);
	VEC_FREE(&r->reads);
	VEC_FREE(&r->stacks);
	VEC_FREE(&r->orcs);
	VEC_FREE(&r->funcs);
	VEC_FREE(&r->calls);
	free(r);
	return n;
}

static void test_fixtures(void)
{
	DIR *d = opendir(UW_FIXTURES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".uw") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", UW_FIXTURES, e->d_name);
		CU_ASSERT(replay_file(path, e->d_name) > 0);
		files++;
	}
	closedir(d);
	CU_ASSERT(files > 0);
}

void add_uw_fixture_tests(void)
{
	CU_pSuite s = CU_add_suite("unwinder on captured lab stacks", NULL, NULL);
	CU_add_test(s, "every captured walk replays to the same frames", test_fixtures);
}
