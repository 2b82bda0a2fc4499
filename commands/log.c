/* log: the kernel message buffer, the audit records still queued, as crash prints them. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include <kdive/kdive.h>

#define AUDIT_QUEUE_MAX 100000 /* audit_backlog_limit is 64 by default; a bigger qlen is corrupt */
#define AUDIT_RECORD_MAX 65536 /* an audit record is at most MAX_AUDIT_MESSAGE_LENGTH (8970) */

struct log_opts {
	bool no_time, wall_time, level, dict, caller, audit, safe;
	int caller_width; /* the caller id's column, from pid_max */
};

/* Wall-clock time of boot, for -T: the crash time minus the uptime. */
static int64_t boot_time(kd_session *s)
{
	return kd_kernel_crash_time(s) - (int64_t)kd_kernel_uptime(s);
}

/* The caller id column is as wide as the largest PID can be: 6 for pid_max up to 99999, 7 up to 999999, else 8. */
static int caller_width(kd_session *s)
{
	uint64_t addr, pid_max = 0;
	if (kd_symbol_addr(s, "pid_max", &addr) < 0 || kd_read_int(s, addr, 4, &pid_max) < 0) {
		kd_clear_error(s);
		return 8;
	}
	return pid_max <= 99999 ? 6 : pid_max <= 999999 ? 7 : 8;
}

/* One record: the prefixes (time, caller, level), the text with each line after the first
 * under the first, non-printing bytes as '.', then the dev_printk() properties likewise. */
static void print_record(kd_session *s, const struct log_opts *o, const struct kd_log_record *r, int64_t boot)
{
	if (r->dataless) { /* no text block: an empty line, nothing else */
		kd_printf(s, "\n");
		return;
	}
	char prefix[160] = "";
	size_t pl = 0;
	if (!o->no_time && o->wall_time) {
		time_t t = (time_t)(boot + (int64_t)(r->ts_nsec / 1000000000ULL));
		struct tm tm;
		char buf[64];
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Z %Y", &tm);
		pl = (size_t)snprintf(prefix, sizeof(prefix), "[%s] ", buf);
	} else if (!o->no_time) {
		pl = (size_t)snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ", (unsigned long long)(r->ts_nsec / 1000000000ULL),
				      (unsigned long long)(r->ts_nsec % 1000000000ULL / 1000));
	}
	pl = MIN(pl, sizeof(prefix) - 1);
	if (o->caller) {
		/* bit 31: a CPU (printk outside task context), else a thread id */
		char id[24];
		snprintf(id, sizeof(id), "%c%u", (r->caller_id & 0x80000000u) ? 'C' : 'T', r->caller_id & 0x7fffffffu);
		pl += (size_t)snprintf(prefix + pl, sizeof(prefix) - pl, "[%*s] ", o->caller_width, id);
		pl = MIN(pl, sizeof(prefix) - 1);
	}
	if (o->level) {
		pl += (size_t)snprintf(prefix + pl, sizeof(prefix) - pl, "<%x>", r->level);
		pl = MIN(pl, sizeof(prefix) - 1);
	}
	FILE *out = kd_out(s);
	fputs(prefix, out);
	for (size_t i = 0; i < r->text_len; i++) {
		unsigned char ch = (unsigned char)r->text[i];
		if (ch == '\n')
			fprintf(out, "\n%*s", (int)pl, "");
		else
			fputc(isprint(ch) || isspace(ch) ? ch : '.', out);
	}
	if (o->dict) {
		if (r->subsystem[0])
			fprintf(out, "\n%*sSUBSYSTEM=%.16s", (int)pl, "", r->subsystem);
		if (r->device[0])
			fprintf(out, "\n%*sDEVICE=%.48s", (int)pl, "", r->device);
	}
	fputc('\n', out);
}

/* The audit records (netlink messages in sk_buffs) queued for auditd and not yet read. */
struct audit_walk {
	uint64_t len_off, data_off, type_off, hdr_size;
};

static int audit_skb(kd_session *s, uint64_t skb, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	const struct audit_walk *w = arg;
	uint64_t len, data, type;
	if (kd_read_int(s, skb + w->len_off, 4, &len) < 0 || kd_read_kv(s, skb + w->data_off, &data, 8) < 0)
		return -1;
	if (!data)
		return kd_error(s, KD_EFORMAT, skb, "sk_buff %llx has no data", (unsigned long long)skb);
	if (len < w->hdr_size || len - w->hdr_size > AUDIT_RECORD_MAX)
		return kd_error(s, KD_EFORMAT, skb, "sk_buff %llx: implausible length %llu",
				(unsigned long long)skb, (unsigned long long)len);
	if (kd_read_int(s, data + w->type_off, 2, &type) < 0)
		return -1;
	size_t n = (size_t)(len - w->hdr_size);
	char *buf = kd_xmalloc(n + 1);
	if (n && kd_read_kv(s, data + w->hdr_size, buf, n) < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	kd_printf(s, "type=%u %s\n", (unsigned)type, buf); /* the text ends at its first NUL, as crash prints it */
	free(buf);
	return 0;
}

static int show_audit(kd_session *s)
{
	/* 2.6.x-4.x kept audit_skb_hold_queue and audit_skb_queue; later kernels these three. */
	static const char *const old_queues[] = {"audit_skb_hold_queue", "audit_skb_queue"};
	static const char *const new_queues[] = {"audit_hold_queue", "audit_retry_queue", "audit_queue"};
	const char *const *queues;
	size_t nq;
	uint64_t addr;
	if (kd_symbol_addr(s, "audit_skb_queue", &addr) == 0) {
		queues = old_queues;
		nq = ARRAY_SIZE(old_queues);
	} else if (kd_symbol_addr(s, "audit_queue", &addr) == 0) {
		queues = new_queues;
		nq = ARRAY_SIZE(new_queues);
	} else {
		kd_clear_error(s);
		return kd_error(s, KD_EUNSUPP, 0, "-a option not supported or applicable on this architecture or kernel");
	}
	struct audit_walk w;
	uint64_t qlen_off, next_off, skb_next_off, nlmsg_size;
	if (kd_member_offset(s, "sk_buff_head", "qlen", &qlen_off) < 0 ||
	    kd_member_offset(s, "sk_buff_head", "next", &next_off) < 0 ||
	    kd_member_offset(s, "sk_buff", "next", &skb_next_off) < 0 ||
	    kd_member_offset(s, "sk_buff", "len", &w.len_off) < 0 ||
	    kd_member_offset(s, "sk_buff", "data", &w.data_off) < 0 ||
	    kd_member_offset(s, "nlmsghdr", "nlmsg_type", &w.type_off) < 0)
		return -1;
	nlmsg_size = kd_type_size_opt(s, "nlmsghdr");
	if (nlmsg_size == UINT64_MAX)
		return kd_fail(s, "this kernel has no struct nlmsghdr");
	if (next_off != 0 || skb_next_off != 0)
		return kd_fail(s, "sk_buff_head.next and sk_buff.next are not the first members: not a list kdive can walk");
	w.hdr_size = (nlmsg_size + 3) & ~3ULL; /* NLMSG_ALIGN */
	uint64_t total = 0;
	for (size_t i = 0; i < nq; i++) {
		uint64_t qlen;
		if (kd_symbol_addr(s, queues[i], &addr) < 0) {
			kd_clear_error(s);
			continue;
		}
		if (kd_read_int(s, addr + qlen_off, 4, &qlen) < 0)
			return -1;
		if (!qlen)
			continue;
		if (qlen > AUDIT_QUEUE_MAX)
			return kd_error(s, KD_EFORMAT, addr, "%s.qlen is %llu: corrupt", queues[i], (unsigned long long)qlen);
		/* the sk_buff_head is the list's head: its next and prev lead round the sk_buffs back to it */
		if (kd_walk_list(s, addr, 0, 0, audit_skb, &w) < 0)
			return kd_fail_prefix(s, "%s", queues[i]);
		total += qlen;
	}
	if (!total)
		kd_printf(s, "log: kernel audit log is empty\n");
	return 0;
}

/*
 * The printk safe per-CPU buffers (struct printk_safe_seq_buf: nmi_print_seq, safe_print_seq),
 * 4.11 to 5.14: messages printed in NMI or with the log locked, not yet flushed to the log.
 * After the log, each line is prefixed "[nmi_print_seq] "; with -s, each buffer and CPU gets a
 * header. Kernels without them print nothing, as crash.
 */
#define SAFE_BUF_MAX (1 << 20) /* the kernel's are a few KiB (SAFE_LOG_BUF_LEN) */

static int show_safe_buffer(kd_session *s, const struct log_opts *o, const char *name, uint64_t len_off, uint64_t lost_off,
			    uint64_t buf_off, uint64_t buf_size)
{
	if (!kd_symbol_lookup(s, name))
		return 0;
	bool header = o->safe;
	FILE *out = kd_out(s);
	if (header)
		fprintf(out, "PRINTK_SAFE_SEQ_BUF: %s\n", name);
	unsigned char *buf = kd_xmalloc(buf_size ? buf_size : 1);
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		uint64_t base, len, lost = 0;
		if (kd_per_cpu_addr(s, name, cpu, &base) < 0 || kd_read_int(s, base + len_off, 4, &len) < 0) {
			free(buf);
			return -1;
		}
		int ilen = (int)(int32_t)len;
		if (header) {
			if (kd_read_int(s, base + lost_off, 4, &lost) < 0) {
				free(buf);
				return -1;
			}
			fprintf(out, "CPU: %d  ADDR: %llx LEN: %d  MESSAGE_LOST: %d\n", cpu, (unsigned long long)base, ilen,
				(int)(int32_t)lost);
		}
		if (ilen <= 0) {
			if (header)
				fprintf(out, "  (empty)\n\n");
			continue;
		}
		int indent = header ? 2 : o->no_time ? 0 : (int)strlen(name) + 3;
		if (o->level)
			indent += 3;
		if (kd_read_kv(s, base + buf_off, buf, buf_size) < 0) {
			free(buf);
			return -1;
		}
		size_t n = MIN((size_t)ilen, (size_t)buf_size);
		bool sol = true;
		for (size_t i = 0; i < n; i++) {
			bool was_sol = sol;
			sol = false;
			if (buf[i] == 1) { /* KERN_SOH and the level character after it */
				i++;
				if (!was_sol)
					fputc('\n', out);
				if (header)
					fputs("  ", out);
				else if (!o->no_time)
					fprintf(out, "[%s] ", name);
				if (o->level && i < n && ((buf[i] >= '0' && buf[i] <= '7') || buf[i] == 'c'))
					fprintf(out, "<%c>", buf[i]);
				continue;
			}
			if (was_sol)
				fprintf(out, "%*s", indent, "");
			fputc(isprint(buf[i]) || isspace(buf[i]) ? buf[i] : '.', out);
			if (buf[i] == '\n')
				sol = true;
		}
		if (!sol)
			fputc('\n', out);
		if (header)
			fputc('\n', out);
	}
	free(buf);
	return 0;
}

static int show_safe(kd_session *s, const struct log_opts *o)
{
	if (!kd_type_exists(s, "printk_safe_seq_buf"))
		return 0;
	uint64_t len_off = kd_member_offset_opt(s, "printk_safe_seq_buf", "len.counter");
	uint64_t lost_off = kd_member_offset_opt(s, "printk_safe_seq_buf", "message_lost.counter");
	struct kd_member_info buffer;
	if (len_off == UINT64_MAX || lost_off == UINT64_MAX || !kd_member_find(s, "printk_safe_seq_buf", "buffer", &buffer) ||
	    !buffer.size) {
		if (o->safe)
			kd_printf(s, "log: -s not supported with this kernel version\n");
		return 0;
	}
	if (buffer.size > SAFE_BUF_MAX)
		return kd_fail(s, "printk_safe_seq_buf.buffer is %llu bytes: not a kernel's", (unsigned long long)buffer.size);
	if (show_safe_buffer(s, o, "nmi_print_seq", len_off, lost_off, buffer.offset, buffer.size) < 0 ||
	    show_safe_buffer(s, o, "safe_print_seq", len_off, lost_off, buffer.offset, buffer.size) < 0)
		return -1;
	return 0;
}

static int cmd_log(kd_session *s, int argc, char **argv)
{
	struct log_opts o = {0};
	int c;
	while ((c = getopt(argc, argv, "Ttdmasc")) != -1) {
		switch (c) {
		case 't': o.no_time = true; break;
		case 'T': o.wall_time = true; break;
		case 'm': o.level = true; break;
		case 'd': o.dict = true; break;
		case 'a': o.audit = true; break;
		case 's': o.safe = true; break;
		case 'c': o.caller = true; break;
		default: return kd_usage(s);
		}
	}
	/* crash ignores arguments after the options */
	if (o.audit)
		return show_audit(s);
	if (o.safe)
		return show_safe(s, &o);
	struct kd_log_records r;
	if (kd_log_read(s, &r) < 0 && !r.len)
		return -1;
	/* a ring broken part way: its records first, then the error */
	enum kd_errcode broken = kd_last_code(s);
	uint64_t broken_addr = kd_last_addr(s);
	char *broken_msg = kd_xstrdup(kd_last_error(s));
	kd_clear_error(s);
	o.caller_width = o.caller ? caller_width(s) : 8;
	int64_t boot = o.wall_time ? boot_time(s) : 0;
	if (kd_json_active(s)) {
		/* {records: [...]}: every record with all it holds, whatever the options */
		kd_json_array_begin(s, "records");
		for (size_t i = 0; i < r.len; i++) {
			const struct kd_log_record *x = &r.items[i];
			kd_json_object_begin(s, NULL);
			kd_json_uint(s, "seq", x->seq);
			kd_json_uint(s, "ts_nsec", x->ts_nsec);
			kd_json_int(s, "level", x->level);
			kd_json_int(s, "facility", x->facility);
			/* the caller: a task's PID, or a CPU (the top bit) */
			if (x->caller_id & 0x80000000u)
				kd_json_int(s, "caller_cpu", x->caller_id & 0x7fffffffu);
			else
				kd_json_int(s, "caller_pid", x->caller_id);
			kd_json_str(s, "text", x->dataless ? "" : x->text);
			if (x->subsystem[0])
				kd_json_str(s, "subsystem", x->subsystem);
			if (x->device[0])
				kd_json_str(s, "device", x->device);
			kd_json_end(s);
		}
		kd_json_end(s);
	} else {
		for (size_t i = 0; i < r.len; i++)
			print_record(s, &o, &r.items[i], boot);
	}
	kd_log_records_free(&r);
	/* then the safe buffers, as for a whole ring, and the ring's damage last, the one error said */
	int rc = show_safe(s, &o);
	if (broken != KD_OK) {
		kd_clear_error(s);
		kd_error(s, broken, broken_addr, "%s", broken_msg);
		rc = -1;
	}
	free(broken_msg);
	return rc;
}

const struct kd_command kd_cmd_log = {
	"log", cmd_log, "log [-Ttdmasc]", "dump system message buffer",
	"Prints the kernel log in order, each message with its timestamp.\n"
	"  -T  human-readable wall-clock timestamps (boot time + local_clock: may drift)\n"
	"  -t  no timestamps\n"
	"  -d  also the SUBSYSTEM= and DEVICE= properties of dev_printk() messages,\n"
	"      each on its own line under the message text\n"
	"  -m  the log level, in hexadecimal, in angle brackets\n"
	"  -c  the caller id: [T<pid>] for the thread that called printk(), [C<cpu>]\n"
	"      when it was called outside task context\n"
	"  -a  the audit records still queued in the kernel for the audit daemon\n"
	"      (audit_hold_queue, audit_retry_queue, audit_queue), or \"kernel audit log\n"
	"      is empty\"\n"
	"  -s  the printk safe per-CPU buffers not yet flushed to the log (kernels\n"
	"      before 5.15; later kernels have none and nothing is printed)\n"
	"Options combine as in crash: -t wins over -T; -a and -s print only their buffers.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> log | tail\n"
	"  kdive> log -T > dmesg.txt\n"
	"  kdive> log -t -d | grep -A2 virtio\n"
	"  kdive> log -c -m | grep '\\[ *C[0-9]'\n"
	"  kdive> log -a\n",
	KD_CMD_NEEDS_DUMP,
};
