/* Wait queues: a wait_queue_head's list of entries, by member name (wait_queue_entry since 4.13,
 * __wait_queue before). */
#include "linux/kernel.h"

#include <kdive/linux.h>
#include <kdive/types.h>
#include <kdive/waitq.h>

struct waitq_layout {
	uint64_t head_off;  /* the list_head in wait_queue_head */
	uint64_t entry_off; /* the list_head in the entry */
	const char *entry_type;
};

static int layout(kd_session *s, struct waitq_layout *l)
{
	if (kd_type_exists(s, "wait_queue_entry")) {
		l->entry_type = "wait_queue_entry";
		if (kd_member_offset(s, "wait_queue_head", "head", &l->head_off) < 0 ||
		    kd_member_offset(s, "wait_queue_entry", "entry", &l->entry_off) < 0)
			return -1;
		return 0;
	}
	if (kd_type_exists(s, "__wait_queue")) {
		l->entry_type = "__wait_queue";
		if (kd_member_offset(s, "__wait_queue_head", "task_list", &l->head_off) < 0 ||
		    kd_member_offset(s, "__wait_queue", "task_list", &l->entry_off) < 0)
			return -1;
		return 0;
	}
	return kd_error(s, KD_ENOTFOUND, 0, "cannot determine wait queue structures");
}

struct skip_head {
	bool head_seen;
	kd_walk_fn fn;
	void *arg;
};

static int skip_head_visit(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct skip_head *c = arg;
	if (!c->head_seen) {
		c->head_seen = true;
		return 0;
	}
	return c->fn(s, entry, pos, c->arg);
}

long kd_walk_waitq(kd_session *s, uint64_t head, kd_walk_fn fn, void *arg)
{
	struct waitq_layout l;
	if (layout(s, &l) < 0)
		return -1;
	/* As crash follows it: from the head's list_head round to it, a NULL next ending the queue
	 * too (a head never initialised); the head itself is not an entry. */
	struct skip_head c = {false, fn, arg};
	long n = kd_walk_chain(s, head + l.head_off, 0, l.entry_off, 0, 0, skip_head_visit, &c);
	return n < 0 ? -1 : n - 1;
}

int kd_waitq_entry_private(kd_session *s, uint64_t entry, uint64_t *private_data)
{
	struct waitq_layout l;
	if (layout(s, &l) < 0)
		return -1;
	return kd_read_member_ptr(s, entry, l.entry_type, "private", private_data);
}
