/* kdive public API: the kernel log (the lockless printk ring buffer of 5.10 and later, the log buffer of records before). */
#ifndef KDIVE_PUBLIC_LOG_H
#define KDIVE_PUBLIC_LOG_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* One record, as the kernel stored it. */
struct kd_log_record {
	uint64_t seq;
	uint64_t ts_nsec;  /* local_clock() when it was logged */
	uint8_t level;     /* syslog severity: 0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug */
	uint8_t facility;  /* syslog facility: 0 kern, 1 user, ... (messages written to /dev/kmsg carry theirs) */
	uint32_t caller_id;
	char *text;        /* NUL-terminated; may contain newlines (and other bytes: text_len is its length) */
	size_t text_len;
	char subsystem[17]; /* dev_printk()'s SUBSYSTEM= and DEVICE=, "" if none */
	char device[49];
	/* Added after API 1.2, in what was padding (the size is unchanged): the record has no text block
	 * at all (an empty message, or one whose space could not be allocated), as opposed to
	 * an empty text; crash prints such a record as an empty line, without its timestamp. */
	bool dataless;
};

struct kd_log_records {
	struct kd_log_record *items;
	size_t len;
};

/* Every record still in the ring, oldest first; free them with kd_log_records_free(), also after a
 * failure: a ring that breaks part way (a descriptor that cannot be read) returns -1 with the records
 * read before it in out. */
KD_API int kd_log_read(kd_session *s, struct kd_log_records *out);
KD_API void kd_log_records_free(struct kd_log_records *r);

KD_END_DECLS

#endif
