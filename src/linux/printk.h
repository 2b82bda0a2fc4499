/* The kernel log: the lockless printk ring buffer (5.10+). */
#ifndef KDIVE_PRINTK_H
#define KDIVE_PRINTK_H

#include "target/session.h"

struct log_record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint8_t level, facility;
	uint32_t caller_id;
	char *text; /* owned; may contain newlines */
	size_t text_len;
	char subsystem[17];
	char device[49];
};

struct log_records {
	struct log_record *items;
	size_t len;
};

int kd_log_read(kd_session *s, struct log_records *out);
void kd_log_records_free(struct log_records *r);

#endif
