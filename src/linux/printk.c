#include "linux/printk.h"

#include <string.h>

#include "linux/kernel.h"
#include "debuginfo/types.h"

#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ULL << DESC_STATE_SHIFT) - 1)
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

struct ring_layout {
	uint64_t descs, infos, data;
	uint64_t desc_count, data_size;
	uint64_t desc_size, info_size;
	uint64_t off_state, off_begin, off_next;
	uint64_t off_seq, off_ts, off_text_len, off_facility, off_flags_byte, off_caller, off_subsys, off_device;
};

static int layout(kd_session *s, uint64_t prb, struct ring_layout *l, uint64_t *tail, uint64_t *head)
{
	uint64_t count_bits, size_bits;
	if (kd_read_member(s, prb, "printk_ringbuffer", "desc_ring.count_bits", &count_bits) < 0 ||
	    kd_read_member_ptr(s, prb, "printk_ringbuffer", "desc_ring.descs", &l->descs) < 0 ||
	    kd_read_member_ptr(s, prb, "printk_ringbuffer", "desc_ring.infos", &l->infos) < 0 ||
	    kd_read_member(s, prb, "printk_ringbuffer", "desc_ring.tail_id", tail) < 0 ||
	    kd_read_member(s, prb, "printk_ringbuffer", "desc_ring.head_id", head) < 0 ||
	    kd_read_member(s, prb, "printk_ringbuffer", "text_data_ring.size_bits", &size_bits) < 0 ||
	    kd_read_member_ptr(s, prb, "printk_ringbuffer", "text_data_ring.data", &l->data) < 0)
		return -1;
	if (count_bits > 30 || size_bits > 40)
		return kd_fail(s, "printk ring buffer header is corrupt (count_bits %llu, size_bits %llu)",
			       (unsigned long long)count_bits, (unsigned long long)size_bits);
	l->desc_count = 1ULL << count_bits;
	l->data_size = 1ULL << size_bits;
	l->desc_size = type_size_opt(s, "prb_desc");
	l->info_size = type_size_opt(s, "printk_info");
	if (l->desc_size == UINT64_MAX || l->info_size == UINT64_MAX)
		return kd_fail(s, "this kernel has no struct prb_desc / printk_info");
	if (member_off(s, "prb_desc", "state_var", &l->off_state) < 0 ||
	    member_off(s, "prb_desc", "text_blk_lpos.begin", &l->off_begin) < 0 ||
	    member_off(s, "prb_desc", "text_blk_lpos.next", &l->off_next) < 0 ||
	    member_off(s, "printk_info", "seq", &l->off_seq) < 0 || member_off(s, "printk_info", "ts_nsec", &l->off_ts) < 0 ||
	    member_off(s, "printk_info", "text_len", &l->off_text_len) < 0 ||
	    member_off(s, "printk_info", "facility", &l->off_facility) < 0 ||
	    member_off(s, "printk_info", "caller_id", &l->off_caller) < 0)
		return -1;
	/* flags:5 and level:3 share the byte after facility. */
	l->off_flags_byte = l->off_facility + 1;
	l->off_subsys = member_off_opt(s, "printk_info", "dev_info.subsystem");
	l->off_device = member_off_opt(s, "printk_info", "dev_info.device");
	return 0;
}

static int read_text(kd_session *s, const struct ring_layout *l, uint64_t begin, uint64_t next, uint16_t text_len,
		     struct log_record *r)
{
	if (begin & 1) /* data-less record */
		return 0;
	uint64_t size = l->data_size;
	uint64_t b = begin % size, n = next % size;
	/* A block that wraps is stored whole at the start of the ring. */
	if (begin / size != next / size || n < b)
		b = 0;
	uint64_t end = (n == 0 && next != begin) ? size : n;
	if (end < b || end - b < 8)
		return 0;
	uint64_t avail = end - b - 8;
	size_t len = MIN((size_t)text_len, (size_t)avail);
	r->text = xmalloc(len + 1);
	if (len && kd_read_kv(s, l->data + b + 8, r->text, len) < 0) {
		free(r->text);
		r->text = NULL;
		return -1;
	}
	r->text[len] = '\0';
	r->text_len = len;
	return 0;
}

int kd_log_read(kd_session *s, struct log_records *out)
{
	out->items = NULL;
	out->len = 0;
	uint64_t prb_ptr_addr, prb;
	if (kd_symbol_addr(s, "prb", &prb_ptr_addr) < 0)
		return kd_fail(s, "this kernel has no lockless printk ring buffer (prb); older log buffers are not supported yet");
	if (kd_read_kv(s, prb_ptr_addr, &prb, 8) < 0)
		return -1;
	struct ring_layout l;
	uint64_t tail, head;
	if (layout(s, prb, &l, &tail, &head) < 0)
		return -1;
	tail &= DESC_ID_MASK;
	head &= DESC_ID_MASK;
	uint64_t span = (head - tail) & DESC_ID_MASK;
	if (span >= l.desc_count)
		span = l.desc_count - 1;
	size_t cap = 0;
	uint8_t desc[64], info[256];
	if (l.desc_size > sizeof(desc) || l.info_size > sizeof(info))
		return kd_fail(s, "printk descriptors are larger than expected (%llu, %llu bytes)",
			       (unsigned long long)l.desc_size, (unsigned long long)l.info_size);
	for (uint64_t k = 0; k <= span; k++) {
		uint64_t id = (tail + k) & DESC_ID_MASK, idx = id % l.desc_count;
		if (kd_read_kv(s, l.descs + idx * l.desc_size, desc, l.desc_size) < 0)
			return -1;
		uint64_t state_var, begin, next;
		memcpy(&state_var, desc + l.off_state, 8);
		memcpy(&begin, desc + l.off_begin, 8);
		memcpy(&next, desc + l.off_next, 8);
		unsigned state = (unsigned)(state_var >> DESC_STATE_SHIFT);
		if ((state_var & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
			continue;
		if (kd_read_kv(s, l.infos + idx * l.info_size, info, l.info_size) < 0)
			return -1;
		struct log_record r = {0};
		uint16_t text_len;
		memcpy(&r.seq, info + l.off_seq, 8);
		memcpy(&r.ts_nsec, info + l.off_ts, 8);
		memcpy(&text_len, info + l.off_text_len, 2);
		r.facility = info[l.off_facility];
		r.level = (uint8_t)(info[l.off_flags_byte] >> 5);
		memcpy(&r.caller_id, info + l.off_caller, 4);
		if (l.off_subsys != UINT64_MAX && l.off_subsys + 16 <= l.info_size)
			memcpy(r.subsystem, info + l.off_subsys, 16);
		if (l.off_device != UINT64_MAX && l.off_device + 48 <= l.info_size)
			memcpy(r.device, info + l.off_device, 48);
		if (read_text(s, &l, begin, next, text_len, &r) < 0) {
			kd_err_clear(&s->err); /* one unreadable record does not hide the rest */
			continue;
		}
		if (!r.text)
			r.text = xstrdup("");
		if (out->len == cap) {
			cap = cap ? cap * 2 : 1024;
			out->items = xrealloc(out->items, cap * sizeof(*out->items));
		}
		out->items[out->len++] = r;
	}
	return 0;
}

void kd_log_records_free(struct log_records *r)
{
	for (size_t i = 0; i < r->len; i++)
		free(r->items[i].text);
	free(r->items);
	r->items = NULL;
	r->len = 0;
}
