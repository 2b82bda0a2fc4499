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

/*
 * Before 5.10: one buffer of variable-length records (struct printk_log, struct log before
 * 3.11), each a header, its text and its dictionary ("SUBSYSTEM=...\0DEVICE=..."), from
 * log_first_idx to log_next_idx; a header of length 0 sends the reader back to the start.
 */
struct old_header {
	uint64_t ts_nsec;
	uint16_t len, text_len, dict_len;
	uint8_t facility, level;
	uint32_t caller_id;
};
static const struct kd_field old_fields[] = {
	KD_FIELD(struct old_header, ts_nsec, "ts_nsec", 0),
	KD_FIELD(struct old_header, len, "len", 0),
	KD_FIELD(struct old_header, text_len, "text_len", 0),
	KD_FIELD(struct old_header, dict_len, "dict_len", KD_FIELD_OPTIONAL),
	KD_FIELD(struct old_header, facility, "facility", KD_FIELD_OPTIONAL), /* VMCOREINFO has no offset of these */
	KD_FIELD(struct old_header, level, "level", KD_FIELD_OPTIONAL),
	KD_FIELD(struct old_header, caller_id, "caller_id", KD_FIELD_OPTIONAL), /* CONFIG_PRINTK_CALLER, 5.1+ */
};
#define OLD_LOG_MAX (1ULL << 31) /* log_buf_len= takes at most 2 GiB */

/* dev_printk()'s SUBSYSTEM= and DEVICE= out of a record's dictionary. */
static void old_dict(const char *dict, size_t len, struct log_record *r)
{
	for (size_t i = 0; i < len;) {
		const char *kv = dict + i;
		size_t n = strnlen(kv, len - i);
		if (n > 10 && !strncmp(kv, "SUBSYSTEM=", 10))
			snprintf(r->subsystem, sizeof(r->subsystem), "%.*s", (int)(n - 10), kv + 10);
		else if (n > 7 && !strncmp(kv, "DEVICE=", 7))
			snprintf(r->device, sizeof(r->device), "%.*s", (int)(n - 7), kv + 7);
		i += n + 1;
	}
}

static int log_read_old(kd_session *s, struct log_records *out)
{
	const char *type = kd_type_size_opt(s, "printk_log") != UINT64_MAX ? "printk_log" : "log";
	uint64_t hsize = kd_type_size_opt(s, type), a_buf, a_len, a_first, a_next, buf = 0, first_seq = 0, a;
	uint32_t len = 0, first = 0, next = 0;
	if (hsize == UINT64_MAX || !hsize || hsize > 64)
		return kd_fail(s, "this kernel has neither the lockless printk ring buffer (prb) nor a struct printk_log");
	if (kd_symbol_addr(s, "log_buf", &a_buf) < 0 || kd_symbol_addr(s, "log_buf_len", &a_len) < 0 ||
	    kd_symbol_addr(s, "log_first_idx", &a_first) < 0 || kd_symbol_addr(s, "log_next_idx", &a_next) < 0)
		return -1;
	if (kd_read_kv(s, a_buf, &buf, 8) < 0 || kd_read_kv(s, a_len, &len, 4) < 0 || kd_read_kv(s, a_first, &first, 4) < 0 ||
	    kd_read_kv(s, a_next, &next, 4) < 0)
		return -1;
	if (kd_struct_check(s, type, old_fields, ARRAY_SIZE(old_fields), NULL) < 0)
		return -1;
	if (!len || len > OLD_LOG_MAX || first >= len || next > len)
		return kd_error(s, KD_EFORMAT, a_len, "log buffer is corrupt (log_buf_len %u, log_first_idx %u, log_next_idx %u)",
				len, first, next);
	/* the first record's sequence number, where the kernel's symbols say it (not VMCOREINFO) */
	if (kd_symbol_lookup(s, "log_first_seq") && kd_symbol_addr(s, "log_first_seq", &a) == 0 &&
	    kd_read_kv(s, a, &first_seq, 8) < 0)
		first_seq = 0;
	kd_clear_error(s);
	size_t cap = 0;
	uint64_t idx = first, limit = len / hsize + 2; /* every record is at least a header: no more than this */
	for (uint64_t k = 0; idx != next; k++) {
		if (k > limit)
			return kd_error(s, KD_EFORMAT, buf + idx, "log buffer records run in a cycle (log_next_idx %u never reached)", next);
		struct old_header h = {0};
		if (idx + hsize > len || kd_read_struct(s, buf + idx, type, old_fields, ARRAY_SIZE(old_fields), &h, NULL) < 0)
			return idx + hsize > len ? kd_error(s, KD_EFORMAT, buf + idx, "log record at index %llu runs past the log buffer (%u bytes)",
							    (unsigned long long)idx, len)
						 : -1;
		if (h.len == 0) { /* the rest of the buffer is unused: the next record is at its start */
			if (idx == 0)
				return kd_error(s, KD_EFORMAT, buf, "log record at index 0 has length 0");
			idx = 0;
			continue;
		}
		if (h.len < hsize || idx + h.len > len || hsize + h.text_len + h.dict_len > h.len)
			return kd_error(s, KD_EFORMAT, buf + idx, "log record at index %llu is corrupt (len %u, text_len %u, dict_len %u)",
					(unsigned long long)idx, h.len, h.text_len, h.dict_len);
		struct log_record r = {.seq = first_seq + out->len, .ts_nsec = h.ts_nsec, .facility = h.facility,
				       .level = h.level, .caller_id = h.caller_id};
		r.text = xmalloc((size_t)h.text_len + h.dict_len + 1);
		if (kd_read_kv(s, buf + idx + hsize, r.text, (size_t)h.text_len + h.dict_len) < 0) {
			free(r.text);
			return -1;
		}
		old_dict(r.text + h.text_len, h.dict_len, &r);
		r.text[h.text_len] = '\0';
		r.text_len = h.text_len;
		if (out->len == cap) {
			cap = cap ? cap * 2 : 1024;
			out->items = xrealloc(out->items, cap * sizeof(*out->items));
		}
		out->items[out->len++] = r;
		idx += h.len;
	}
	return 0;
}

int kd_log_read(kd_session *s, struct log_records *out)
{
	out->items = NULL;
	out->len = 0;
	uint64_t prb_ptr_addr, prb;
	if (!kd_symbol_lookup(s, "prb"))
		return log_read_old(s, out);
	if (kd_symbol_addr(s, "prb", &prb_ptr_addr) < 0)
		return -1;
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
