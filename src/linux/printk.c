#include "linux/printk.h"

#include <string.h>

#include "linux/kernel.h"
#include "debuginfo/types.h"

/* dataless went into the record's tail padding: modules built before it index the array with the same stride. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct kd_log_record) == 112, "struct kd_log_record changed size");

#define DESC_STATE_SHIFT 62
#define DESC_ID_MASK ((1ULL << DESC_STATE_SHIFT) - 1)
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

struct ring_layout {
	uint64_t descs, infos, data;
	uint64_t desc_count, data_size;
	uint64_t desc_size, info_size;
	uint64_t data_tail, data_head; /* text_data_ring's tail_lpos and head_lpos */
};

/* The ring buffer's header (struct printk_ringbuffer). */
struct prb_header {
	uint64_t count_bits, descs, infos, tail, head; /* tail_id, head_id: atomic_long_t, read as their bytes */
	uint64_t size_bits, data;
	uint64_t data_tail, data_head;
};
static const struct kd_field prb_fields[] = {
	KD_FIELD(struct prb_header, count_bits, "desc_ring.count_bits", 0),
	KD_FIELD(struct prb_header, descs, "desc_ring.descs", 0),
	KD_FIELD(struct prb_header, infos, "desc_ring.infos", 0),
	KD_FIELD(struct prb_header, tail, "desc_ring.tail_id", 0),
	KD_FIELD(struct prb_header, head, "desc_ring.head_id", 0),
	KD_FIELD(struct prb_header, size_bits, "text_data_ring.size_bits", 0),
	KD_FIELD(struct prb_header, data, "text_data_ring.data", 0),
	KD_FIELD(struct prb_header, data_tail, "text_data_ring.tail_lpos", 0),
	KD_FIELD(struct prb_header, data_head, "text_data_ring.head_lpos", 0),
};

/* A descriptor (struct prb_desc): its state and where its text lies. */
struct desc_view {
	uint64_t state_var, begin, next;
};
static const struct kd_field desc_fields[] = {
	KD_FIELD(struct desc_view, state_var, "state_var", 0),
	KD_FIELD(struct desc_view, begin, "text_blk_lpos.begin", 0),
	KD_FIELD(struct desc_view, next, "text_blk_lpos.next", 0),
};

/* A record's metadata (struct printk_info), straight into the record; text_len holds the
 * stored text's length until the text is read. */
static const struct kd_field info_fields[] = {
	KD_FIELD(struct log_record, seq, "seq", 0),
	KD_FIELD(struct log_record, ts_nsec, "ts_nsec", 0),
	KD_FIELD(struct log_record, text_len, "text_len", 0),
	KD_FIELD(struct log_record, facility, "facility", KD_FIELD_OPTIONAL), /* VMCOREINFO has no offset of these */
	KD_FIELD(struct log_record, level, "level", KD_FIELD_OPTIONAL), /* level:3 after flags:5 */
	KD_FIELD(struct log_record, caller_id, "caller_id", 0),
	KD_FIELD(struct log_record, subsystem, "dev_info.subsystem", KD_FIELD_OPTIONAL), /* char[16] */
	KD_FIELD(struct log_record, device, "dev_info.device", KD_FIELD_OPTIONAL),       /* char[48] */
};

static int layout(kd_session *s, uint64_t prb, struct ring_layout *l, uint64_t *tail, uint64_t *head)
{
	struct prb_header h;
	if (kd_read_struct(s, prb, "printk_ringbuffer", prb_fields, ARRAY_SIZE(prb_fields), &h, NULL) < 0)
		return -1;
	if (h.count_bits > 30 || h.size_bits > 40)
		return kd_fail(s, "printk ring buffer header is corrupt (count_bits %llu, size_bits %llu)",
			       (unsigned long long)h.count_bits, (unsigned long long)h.size_bits);
	l->descs = h.descs;
	l->infos = h.infos;
	l->data = h.data;
	l->data_tail = h.data_tail;
	l->data_head = h.data_head;
	*tail = h.tail;
	*head = h.head;
	l->desc_count = 1ULL << h.count_bits;
	l->data_size = 1ULL << h.size_bits;
	l->desc_size = kd_type_size_opt(s, "prb_desc");
	l->info_size = kd_type_size_opt(s, "printk_info");
	if (l->desc_size == UINT64_MAX || l->info_size == UINT64_MAX)
		return kd_fail(s, "this kernel has no struct prb_desc / printk_info");
	if (kd_struct_check(s, "prb_desc", desc_fields, ARRAY_SIZE(desc_fields), NULL) < 0 ||
	    kd_struct_check(s, "printk_info", info_fields, ARRAY_SIZE(info_fields), NULL) < 0)
		return -1;
	return 0;
}

static int read_text(kd_session *s, const struct ring_layout *l, uint64_t begin, uint64_t next, uint16_t text_len,
		     struct log_record *r)
{
	if (begin & 1) { /* data-less record */
		r->dataless = true;
		return 0;
	}
	uint64_t size = l->data_size;
	/* A record's text lies between the text ring's tail and head (logical positions, which
	 * wrap around 2^64), at most the ring's size long: anything else is a descriptor out of
	 * range, and the text it would give is some other record's or none. */
	uint64_t room = l->data_head - l->data_tail;
	if (begin - l->data_tail > room || next - l->data_tail > room || next - begin > size)
		return kd_err_set(&s->err, KD_EFORMAT, "printk descriptor's text_blk_lpos %#llx-%#llx lies outside the text ring (%#llx-%#llx)",
				  (unsigned long long)begin, (unsigned long long)next, (unsigned long long)l->data_tail,
				  (unsigned long long)l->data_head);
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
	struct ring_layout l = {0};
	uint64_t tail = 0, head = 0;
	if (layout(s, prb, &l, &tail, &head) < 0)
		return -1;
	tail &= DESC_ID_MASK;
	head &= DESC_ID_MASK;
	uint64_t span = (head - tail) & DESC_ID_MASK;
	if (span >= l.desc_count)
		span = l.desc_count - 1;
	size_t cap = 0, bad = 0;
	int rc = 0;
	char first_bad[200] = "";
	uint64_t first_bad_id = 0;
	for (uint64_t k = 0; k <= span; k++) {
		uint64_t id = (tail + k) & DESC_ID_MASK, idx = id % l.desc_count;
		struct desc_view d;
		if (kd_read_struct(s, l.descs + idx * l.desc_size, "prb_desc", desc_fields, ARRAY_SIZE(desc_fields), &d,
				   NULL) < 0) {
			rc = -1; /* the records read so far stay in out */
			break;
		}
		unsigned state = (unsigned)(d.state_var >> DESC_STATE_SHIFT);
		if ((d.state_var & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
			continue;
		struct log_record r = {0};
		if (kd_read_struct(s, l.infos + idx * l.info_size, "printk_info", info_fields, ARRAY_SIZE(info_fields), &r,
				   NULL) < 0) {
			rc = -1;
			break;
		}
		uint16_t text_len = (uint16_t)r.text_len;
		r.text_len = 0;
		if (read_text(s, &l, d.begin, d.next, text_len, &r) < 0) {
			/* one bad record does not hide the rest; it is counted and said at the end */
			if (!bad++) {
				snprintf(first_bad, sizeof(first_bad), "%.160s", s->err.msg);
				first_bad_id = id;
			}
			kd_err_clear(&s->err);
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
	if (bad && rc == 0)
		rc = kd_fail(s, "%zu printk record%s left out: the first, descriptor id %llu: %s", bad, bad == 1 ? "" : "s",
			     (unsigned long long)first_bad_id, first_bad);
	return rc;
}

void kd_log_records_free(struct log_records *r)
{
	for (size_t i = 0; i < r->len; i++)
		free(r->items[i].text);
	free(r->items);
	r->items = NULL;
	r->len = 0;
}
