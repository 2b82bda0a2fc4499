/*
 * The report's log classifier (commands/report.c), apart from the session so that the unit
 * tests feed it kernel messages of every kind (tests/unit/test_report.c).
 */
#ifndef KDIVE_COMMANDS_REPORT_H
#define KDIVE_COMMANDS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What happened, as the report names it ("kind" in JSON, doc/report-schema.json). */
enum report_kind {
	RK_UNKNOWN,
	RK_PANIC,             /* a panic the classifier has no more specific name for */
	RK_OOPS,
	RK_BUG,
	RK_WARNING_PANIC,
	RK_NULL_DEREF,
	RK_PAGING_REQUEST,
	RK_GPF,
	RK_SOFT_LOCKUP,
	RK_HARD_LOCKUP,
	RK_HUNG_TASK,
	RK_RCU_STALL,
	RK_OOM,
	RK_SYSRQ,
	RK_MCE,
	RK_STACK_OVERFLOW,
	RK_LIST_CORRUPTION,
};

struct report_class {
	enum report_kind kind;
	char panic[256];    /* the panic string (after "Kernel panic - not syncing: "), "" if none */
	char evidence[256]; /* the log line that decided the kind, without its timestamp */
	bool has_address;
	uint64_t address;   /* the faulting (or corrupt) address */
	char where[128];    /* "mm/slub.c:123" of a BUG at / WARNING at, "" if none */
	char rip[128];      /* the log's kernel RIP, "func+0x16/0x20", "" if none */
	char task[64];      /* the task named by the message: "comm:pid" (lockups, hung task) */
	int victim_pid;     /* out of memory: the task the OOM killer chose, 0 if none */
	char victim_comm[64];
	int cpu;            /* soft lockup: CPU#N, else -1 */
};

/* A short machine name ("null-pointer-dereference") and a title for people. */
const char *report_kind_name(enum report_kind k);
const char *report_kind_title(enum report_kind k);
/* Classify from the kernel log as text (lines, each possibly with its "[   12.345678] " stamp). */
void report_classify(const char *log, struct report_class *out);
/* Without a telling log (none, or a bare panic), what the panic task's stack says: its frames'
 * function names, innermost first. Sets kind, evidence ("the panic stack: FUNC") and returns
 * true when a frame names the kind; leaves c unchanged otherwise. */
bool report_classify_stack(struct report_class *c, const char *const *frames, size_t n);
/* Whether a log line (stamp removed) is one of the messages the report collects: warnings,
 * BUGs, oopses, call traces, lockups, stalls, OOM kills, panics. */
bool report_notable_line(const char *line);

#endif
