/*
 * report: the first page of a crash investigation (issue 13). Identity, the panic and what
 * caused it, the panic task's and the other CPUs' backtraces, tasks blocked in D state,
 * memory, suspicious modules, the log's notable messages and its tail, a stable crash
 * signature and the commands to type next; as text (80 columns), markdown or JSON
 * (doc/report-schema.json).
 *
 * The sections that show what a command shows (sys, bt, kmem -i) run that command and
 * include its output (kd_run_capture), so that they cannot differ from it; in JSON the
 * commands' own JSON results are embedded. A section that fails says why and the report goes on.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <kdive/kdive.h>

#include "report.h"

#define REPORT_VERSION "1.0"
#define LOG_TAIL 100
#define NOTABLE_MAX 200
#define TOP_N 10
#define SIG_FRAMES 5

/* ---------------------------------------------------------------------------------------- */
/* The classifier: kernel messages only, no session.                                         */

static const struct {
	const char *name, *title;
} kinds[] = {
	[RK_UNKNOWN] = {"unknown", "unknown (no panic or oops message in the log)"},
	[RK_PANIC] = {"panic", "kernel panic"},
	[RK_OOPS] = {"oops", "kernel oops"},
	[RK_BUG] = {"bug", "kernel BUG"},
	[RK_WARNING_PANIC] = {"warning-panic", "WARNING turned into a panic (panic_on_warn)"},
	[RK_NULL_DEREF] = {"null-pointer-dereference", "NULL pointer dereference"},
	[RK_PAGING_REQUEST] = {"paging-request", "unable to handle paging request"},
	[RK_GPF] = {"general-protection-fault", "general protection fault"},
	[RK_SOFT_LOCKUP] = {"soft-lockup", "soft lockup"},
	[RK_HARD_LOCKUP] = {"hard-lockup", "hard lockup (NMI watchdog)"},
	[RK_HUNG_TASK] = {"hung-task", "hung task"},
	[RK_RCU_STALL] = {"rcu-stall", "RCU stall"},
	[RK_OOM] = {"out-of-memory", "out of memory"},
	[RK_SYSRQ] = {"sysrq-triggered", "crash triggered by sysrq"},
	[RK_MCE] = {"machine-check", "machine check exception"},
	[RK_STACK_OVERFLOW] = {"stack-overflow", "kernel stack overflow"},
	[RK_LIST_CORRUPTION] = {"list-corruption", "list corruption detected"},
};

const char *report_kind_name(enum report_kind k)
{
	return (size_t)k < ARRAY_SIZE(kinds) ? kinds[k].name : "unknown";
}

const char *report_kind_title(enum report_kind k)
{
	return (size_t)k < ARRAY_SIZE(kinds) ? kinds[k].title : "unknown";
}

/* The text after a "[   12.345678] " stamp (and a "<4>" level some logs keep). */
static const char *unstamp(const char *l)
{
	const char *p = l;
	if (*p == '<' && isdigit((unsigned char)p[1]) && p[2] == '>')
		p += 3;
	if (*p == '[') {
		const char *q = strchr(p, ']');
		if (q && q - p < 24) {
			bool stamp = true;
			for (const char *c = p + 1; c < q; c++)
				if (!isdigit((unsigned char)*c) && *c != '.' && *c != ' ')
					stamp = false;
			if (stamp)
				p = q[1] == ' ' ? q + 2 : q + 1;
		}
	}
	return p;
}

/* A hex number after marker in line (with or without 0x); false if none. */
static bool hex_after(const char *line, const char *marker, uint64_t *val)
{
	const char *p = strstr(line, marker);
	if (!p)
		return false;
	p += strlen(marker);
	while (*p == ' ' || *p == '(')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!isxdigit((unsigned char)*p))
		return false;
	*val = strtoull(p, NULL, 16);
	return true;
}

/* The first 16-hex-digit word of p (a kernel pointer as %px and list_debug print it). */
static bool first_pointer(const char *p, uint64_t *val)
{
	for (; *p; p++) {
		if (p[0] == '0' && p[1] == 'x')
			p += 2;
		size_t n = 0;
		while (isxdigit((unsigned char)p[n]))
			n++;
		if (n == 16 && (p == 0 || !isalnum((unsigned char)p[-1]))) {
			*val = strtoull(p, NULL, 16);
			return true;
		}
		if (n)
			p += n - 1;
	}
	return false;
}

static void copy_word(char *dst, size_t size, const char *src, const char *stop)
{
	size_t n = strcspn(src, stop);
	snprintf(dst, size, "%.*s", (int)(n < size ? n : size - 1), src);
}

/* Markers of the start of an incident, in the order of specificity: the first that a line holds names it. */
static const struct marker {
	const char *text;
	enum report_kind kind;
} markers[] = {
	{"Trigger a crash", RK_SYSRQ},
	{"sysrq triggered crash", RK_SYSRQ},
	{"Hardware Error", RK_MCE},
	{"Machine check", RK_MCE},
	{"machine check", RK_MCE},
	{"stack guard page was hit", RK_STACK_OVERFLOW},
	{"kernel stack overflow", RK_STACK_OVERFLOW},
	{"corrupted stack end", RK_STACK_OVERFLOW},
	{"list_add corruption", RK_LIST_CORRUPTION},
	{"list_del corruption", RK_LIST_CORRUPTION},
	{"list_add_rcu corruption", RK_LIST_CORRUPTION},
	{"list corruption", RK_LIST_CORRUPTION},
	{"kernel NULL pointer dereference", RK_NULL_DEREF},
	{"unable to handle page fault", RK_PAGING_REQUEST},
	{"unable to handle kernel paging request", RK_PAGING_REQUEST},
	{"general protection fault", RK_GPF},
	{"soft lockup", RK_SOFT_LOCKUP},
	{"softlockup: hung tasks", RK_SOFT_LOCKUP},
	{"hard LOCKUP", RK_HARD_LOCKUP},
	{"Hard LOCKUP", RK_HARD_LOCKUP},
	{"blocked for more than", RK_HUNG_TASK},
	{"hung_task: blocked tasks", RK_HUNG_TASK},
	{"detected stalls on CPU", RK_RCU_STALL},
	{"self-detected stall on CPU", RK_RCU_STALL},
	{"RCU Stall", RK_RCU_STALL},
	{"Out of memory", RK_OOM},
	{"System is deadlocked on memory", RK_OOM},
	{"invoked oom-killer", RK_OOM},
	{"panic_on_warn set", RK_WARNING_PANIC},
	{"kernel BUG at", RK_BUG},
	{"BUG: ", RK_BUG},
	{"Oops: ", RK_OOPS},
};

static enum report_kind line_kind(const char *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (strstr(l, markers[i].text))
			return markers[i].kind;
	return RK_UNKNOWN;
}

bool report_notable_line(const char *l)
{
	static const char *const extra[] = {"WARNING:", "Call Trace:", "Kernel panic", "oom-kill:", "Killed process", "RIP: "};
	if (line_kind(l) != RK_UNKNOWN)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (strstr(l, extra[i]))
			return true;
	return false;
}

/* The details a message of its kind carries. */
static void extract(struct report_class *c, enum report_kind k, const char *l)
{
	uint64_t v;
	switch (k) {
	case RK_NULL_DEREF:
	case RK_PAGING_REQUEST:
		if (!c->has_address && (hex_after(l, "address: ", &v) || hex_after(l, "paging request at ", &v)))
			c->has_address = true, c->address = v;
		break;
	case RK_GPF:
		if (!c->has_address && hex_after(l, "non-canonical address ", &v))
			c->has_address = true, c->address = v;
		break;
	case RK_STACK_OVERFLOW:
		if (!c->has_address && (hex_after(l, "was hit at ", &v) || hex_after(l, "stack overflow (double-fault): guard page at ", &v)))
			c->has_address = true, c->address = v;
		break;
	case RK_LIST_CORRUPTION: {
		const char *p = strstr(l, "corruption");
		if (!c->has_address && p && first_pointer(p, &v))
			c->has_address = true, c->address = v;
		break;
	}
	case RK_SOFT_LOCKUP: {
		const char *p = strstr(l, "CPU#");
		if (p && c->cpu < 0)
			c->cpu = atoi(p + 4);
		if (!c->task[0] && (p = strstr(l, "! [")))
			copy_word(c->task, sizeof(c->task), p + 3, "]");
		break;
	}
	case RK_HARD_LOCKUP: {
		const char *p = strstr(l, "on cpu ");
		if (p && c->cpu < 0)
			c->cpu = atoi(p + 7);
		break;
	}
	case RK_HUNG_TASK: {
		const char *p = strstr(l, "INFO: task ");
		if (p && !c->task[0])
			p += 6;
		else
			p = NULL;
		if (p)
			copy_word(c->task, sizeof(c->task), p + 5, " ");
		break;
	}
	case RK_BUG: {
		const char *p = strstr(l, "kernel BUG at ");
		if (p && !c->where[0])
			copy_word(c->where, sizeof(c->where), p + 14, "!");
		break;
	}
	default: break;
	}
}

/* "Killed process 1234 (stress)" or "oom-kill:...,task=stress,pid=1234,...". */
static void oom_victim(struct report_class *c, const char *l)
{
	const char *p = strstr(l, "Killed process ");
	if (p) {
		c->victim_pid = atoi(p + 15);
		const char *o = strchr(p, '(');
		if (o)
			copy_word(c->victim_comm, sizeof(c->victim_comm), o + 1, ")");
		return;
	}
	if ((p = strstr(l, "oom-kill:"))) {
		const char *t = strstr(p, ",task=");
		const char *q = strstr(p, ",pid=");
		if (t && q) {
			copy_word(c->victim_comm, sizeof(c->victim_comm), t + 6, ",");
			c->victim_pid = atoi(q + 5);
		}
	}
}

/* "WARNING: CPU: 1 PID: 123 at drivers/foo.c:45 func+0x12/0x30 [mod]" */
static void warning_where(struct report_class *c, const char *l)
{
	const char *p = strstr(l, " at ");
	if (strstr(l, "WARNING:") && p)
		copy_word(c->where, sizeof(c->where), p + 4, " ");
}

void report_classify(const char *log, struct report_class *c)
{
	memset(c, 0, sizeof(*c));
	c->cpu = -1;
	/* the lines, stamps removed */
	size_t n = 0, cap = 64;
	char **lines = kd_xcalloc(cap, sizeof(*lines));
	for (const char *p = log ? log : ""; *p;) {
		size_t len = strcspn(p, "\n");
		if (n == cap)
			lines = kd_xrealloc(lines, (cap *= 2) * sizeof(*lines));
		char *raw = kd_xstrndup(p, len);
		lines[n++] = kd_xstrdup(unstamp(raw));
		free(raw);
		p += len;
		if (*p)
			p++;
	}
	/* The last panic line: what the kernel died of. */
	ssize_t panic_at = -1;
	for (size_t i = n; i-- > 0;) {
		const char *m = strstr(lines[i], "Kernel panic - not syncing: ");
		if (m && !strstr(lines[i], "---[ end ")) {
			panic_at = (ssize_t)i;
			snprintf(c->panic, sizeof(c->panic), "%s", m + 28);
			break;
		}
	}
	size_t end = panic_at >= 0 ? (size_t)panic_at : n;
	enum report_kind k = RK_UNKNOWN;
	ssize_t at = -1;
	if (panic_at >= 0) {
		k = line_kind(c->panic);
		if (k != RK_UNKNOWN)
			at = panic_at;
	}
	/* The incident that led to it: the last message of a specific kind before the panic line
	 * (an oops block is "BUG: ..." or "general protection fault" then "Oops: ..."; a BUG: line
	 * of a more specific kind wins over the "Oops:" line that follows it). */
	if (k == RK_UNKNOWN || k == RK_OOM || k == RK_WARNING_PANIC || k == RK_BUG || k == RK_OOPS) {
		enum report_kind best = RK_UNKNOWN;
		ssize_t best_at = -1;
		for (size_t i = end; i-- > 0;) {
			enum report_kind lk = line_kind(lines[i]);
			if (lk == RK_UNKNOWN)
				continue;
			if (best == RK_UNKNOWN) {
				best = lk, best_at = (ssize_t)i;
				if (lk != RK_OOPS && lk != RK_BUG)
					break;
				continue;
			}
			/* within a few lines before an Oops: its cause ("BUG: kernel NULL pointer ...") */
			if (best_at - (ssize_t)i > 8)
				break;
			if (lk != RK_OOPS && (best == RK_OOPS || (best == RK_BUG && lk != RK_BUG)))
				best = lk, best_at = (ssize_t)i;
			else if (lk == RK_BUG && best == RK_OOPS)
				best = lk, best_at = (ssize_t)i;
		}
		if (k == RK_UNKNOWN || (k == RK_OOPS && best != RK_UNKNOWN) || (k == RK_BUG && best != RK_UNKNOWN && best != RK_OOPS)) {
			if (best != RK_UNKNOWN)
				k = best, at = best_at;
		}
		if (k == RK_UNKNOWN && panic_at >= 0)
			k = RK_PANIC, at = panic_at;
	}
	/* An oops without its cause: "Oops: 0000 [#1]" */
	if (k == RK_OOPS && at >= 0 && strstr(lines[at], "general protection fault"))
		k = RK_GPF;
	c->kind = k;
	if (at == panic_at && at >= 0 && k != RK_PANIC) /* "softlockup: hung tasks": the message it summarises */
		for (size_t i = end; i-- > 0;)
			if (line_kind(lines[i]) == k) {
				at = (ssize_t)i;
				break;
			}
	if (at >= 0) {
		snprintf(c->evidence, sizeof(c->evidence), "%s", lines[at]);
		extract(c, k, lines[at]);
		/* the incident's other lines of its kind, just before or after it, for what it lacks */
		for (size_t i = at > 8 ? (size_t)at - 8 : 0; i < end && i <= (size_t)at + 8; i++)
			if (line_kind(lines[i]) == k)
				extract(c, k, lines[i]);
	}
	/* details from the lines around the incident */
	for (size_t i = 0; i < end; i++) {
		if (k == RK_OOM)
			oom_victim(c, lines[i]);
		if (k == RK_WARNING_PANIC)
			warning_where(c, lines[i]);
		if (k == RK_LIST_CORRUPTION && !c->has_address && strstr(lines[i], "corruption")) {
			uint64_t v;
			if (first_pointer(strstr(lines[i], "corruption"), &v))
				c->has_address = true, c->address = v;
		}
	}
	/* the last kernel-mode RIP before the panic: "RIP: 0010:func+0x16/0x20" */
	for (size_t i = end; i-- > 0;) {
		const char *r = strstr(lines[i], "RIP: 0010:");
		if (r) {
			copy_word(c->rip, sizeof(c->rip), r + 10, " ");
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Functions whose presence on the panic stack names what happened (the kernel's handlers). */
static const struct {
	const char *fn;
	enum report_kind kind;
} stack_marks[] = {
	{"sysrq_handle_crash", RK_SYSRQ},
	{"do_machine_check", RK_MCE},
	{"handle_stack_overflow", RK_STACK_OVERFLOW},
	{"__list_del_entry_valid", RK_LIST_CORRUPTION},
	{"__list_del_entry_valid_or_report", RK_LIST_CORRUPTION},
	{"__list_add_valid", RK_LIST_CORRUPTION},
	{"__list_add_valid_or_report", RK_LIST_CORRUPTION},
	{"watchdog_timer_fn", RK_SOFT_LOCKUP},
	{"watchdog_overflow_callback", RK_HARD_LOCKUP},
	{"check_hung_uninterruptible_tasks", RK_HUNG_TASK},
	{"rcu_sched_clock_irq", RK_RCU_STALL},
	{"out_of_memory", RK_OOM},
	{"exc_general_protection", RK_GPF},
	{"page_fault_oops", RK_PAGING_REQUEST},
	{"exc_page_fault", RK_PAGING_REQUEST},
	{"do_error_trap", RK_BUG},
	{"exc_invalid_op", RK_BUG},
	{"oops_end", RK_OOPS},
};

bool report_classify_stack(struct report_class *c, const char *const *frames, size_t n)
{
	if (c->kind != RK_UNKNOWN && c->kind != RK_PANIC)
		return false;
	for (size_t m = 0; m < ARRAY_SIZE(stack_marks); m++)
		for (size_t i = 0; i < n; i++) {
			size_t len = strcspn(frames[i], ".");
			if (strlen(stack_marks[m].fn) == len && !strncmp(frames[i], stack_marks[m].fn, len)) {
				c->kind = stack_marks[m].kind;
				snprintf(c->evidence, sizeof(c->evidence), "the panic stack: %s", frames[i]);
				return true;
			}
		}
	return false;
}

/* ---------------------------------------------------------------------------------------- */
/* Output in three formats.                                                                   */

enum fmt { F_TEXT, F_MD, F_JSON };

struct rep {
	kd_session *s;
	enum fmt f;
	int failed; /* sections that failed */
	char next[16][64]; /* the commands suggested so far (each once) */
	size_t nnext;
};

static bool json(const struct rep *r)
{
	return r->f == F_JSON;
}

/* A line of text folded at 80 columns (continuations indented by 4). */
/* A part of a section that could not be read: its error, as a member or a line; -1. */
static int part_error(struct rep *r, const char *key)
{
	kd_session *s = r->s;
	if (json(r))
		kd_json_str(s, key, kd_last_error(s));
	else
		kd_printf(s, "error: %s\n", kd_last_error(s));
	kd_clear_error(s);
	return -1;
}

static void text_line(struct rep *r, const char *indent, const char *l)
{
	size_t w = 80 - strlen(indent);
	size_t len = strlen(l);
	bool first = true;
	do {
		size_t take = len;
		size_t avail = first ? w : w - 4;
		if (take > avail) {
			/* at the last space in the second half; else after its last '/', so a long
			 * source path breaks between directories, not inside a name */
			size_t slash = 0;
			take = avail;
			for (size_t b = avail; b > avail / 2; b--) {
				if (l[b] == ' ') {
					take = b;
					slash = 0;
					break;
				}
				if (!slash && l[b - 1] == '/')
					slash = b;
			}
			if (slash)
				take = slash;
		}
		kd_printf(r->s, "%s%s%.*s\n", indent, first ? "" : "    ", (int)take, l);
		l += take;
		len -= take;
		while (*l == ' ' && len)
			l++, len--;
		first = false;
	} while (len);
}

static void section(struct rep *r, const char *key, const char *title)
{
	if (json(r)) {
		kd_json_object_begin(r->s, key);
	} else if (r->f == F_MD) {
		kd_printf(r->s, "\n## %s\n\n", title);
	} else {
		char dash[81];
		size_t n = strlen(title);
		memset(dash, '-', n < 80 ? n : 80);
		dash[n < 80 ? n : 80] = '\0';
		kd_printf(r->s, "\n%s\n%s\n", title, dash);
	}
}

static void section_end(struct rep *r, int rc)
{
	if (rc < 0) {
		r->failed++;
		const char *m = kd_last_error(r->s);
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", m && *m ? m : "failed");
		if (json(r)) {
			kd_json_str(r->s, "error", msg);
		} else if (r->f == F_MD) {
			kd_printf(r->s, "\n> **error:** %s\n", msg);
		} else {
			char l[600];
			snprintf(l, sizeof(l), "error: %s", msg);
			text_line(r, "", l);
		}
		kd_clear_error(r->s);
	}
	if (json(r))
		kd_json_end(r->s);
}

/* "label: value" */
static void field(struct rep *r, const char *key, const char *label, const char *val)
{
	if (json(r)) {
		kd_json_str(r->s, key, val);
	} else if (r->f == F_MD) {
		kd_printf(r->s, "- **%s:** %s\n", label, val ? val : "-");
	} else {
		char l[600];
		snprintf(l, sizeof(l), "%-14s %s", label, val ? val : "-");
		text_line(r, "", l);
	}
}

static void subheading(struct rep *r, const char *title)
{
	if (r->f == F_MD)
		kd_printf(r->s, "\n### %s\n\n", title);
	else if (r->f == F_TEXT)
		kd_printf(r->s, "\n%s:\n", title);
}

/* A command's output as it printed it: fenced in markdown. */
static void block(struct rep *r, const char *text)
{
	if (json(r))
		return;
	if (r->f == F_MD)
		kd_printf(r->s, "```\n");
	kd_printf(r->s, "%s", text);
	if (*text && text[strlen(text) - 1] != '\n')
		kd_printf(r->s, "\n");
	if (r->f == F_MD)
		kd_printf(r->s, "```\n");
}

/* A command's text with JSON off (for figures the report reads from it). */
static int capture_text(kd_session *s, const char *line, char **text)
{
	long j = 0;
	kd_option_get(s, "json", &j);
	kd_option_set(s, "json", 0);
	int rc = kd_run_capture(s, line, text);
	kd_option_set(s, "json", j);
	return rc;
}

/* Runs a command for a section: its text printed in a block, or its JSON result embedded under
 * key (an object member; NULL: into the open container). A failure goes into the section. */
static int run_embedded(struct rep *r, const char *key, const char *line)
{
	char *text = NULL;
	int rc;
	if (json(r)) {
		if (key)
			kd_json_object_begin(r->s, key);
		kd_json_str(r->s, "command", line);
		rc = kd_run_capture(r->s, line, &text);
		if (*text) /* a view of the command without a JSON form */
			kd_json_str(r->s, "text", text);
		if (rc < 0) {
			kd_json_str(r->s, "error", kd_last_error(r->s));
			kd_clear_error(r->s);
		}
		if (key)
			kd_json_end(r->s);
	} else {
		rc = kd_run_capture(r->s, line, &text);
		block(r, text);
		if (rc < 0) {
			char l[600];
			snprintf(l, sizeof(l), "%s: %s", line, kd_last_error(r->s));
			if (r->f == F_MD)
				kd_printf(r->s, "\n> **error:** %s\n", l);
			else
				text_line(r, "", l);
			kd_clear_error(r->s);
		}
	}
	free(text);
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* What the sections share.                                                                   */

struct ctx {
	struct report_class cls;
	char *log;               /* the log command's text */
	const struct task_info *panic_task;
	char *panic_bt;          /* bt of the panic task, text */
	char rip_sym[160];       /* symbol of the faulting RIP or of the panic stack's top */
	char rip_source[300];
	uint64_t rip_addr;
	bool rip_is_caller;      /* rip_addr is a return address (the frame that called panic) */
	char signature[17];
	char sig_input[512];
	uint64_t total_pages, free_pages; /* from kmem -i, 0 if unknown */
	bool low_free;
	char dominant_cache[KD_SLAB_NAME_MAX];
	uint64_t dominant_bytes;
	int nr_blocked;
	int nr_suspect_modules;
	bool taint_known;
	uint64_t taint_mask;
};

/* The kernel's taint letters (Documentation/admin-guide/tainted-kernels.rst), explained. */
static const char *taint_meaning(char c)
{
	switch (c) {
	case 'P': return "a proprietary module was loaded";
	case 'F': return "a module was force-loaded";
	case 'S': return "the kernel runs on hardware or firmware out of specification";
	case 'R': return "a module was force-unloaded";
	case 'M': return "a machine check exception occurred";
	case 'B': return "bad page references or unexpected page flags were seen";
	case 'U': return "taint requested by a user-space program";
	case 'D': return "the kernel died recently (an oops or a BUG)";
	case 'A': return "an ACPI table was overridden";
	case 'W': return "a warning was issued by the kernel";
	case 'C': return "a staging driver was loaded";
	case 'I': return "a platform firmware bug is being worked around";
	case 'O': return "an out-of-tree module was loaded";
	case 'E': return "an unsigned module was loaded";
	case 'L': return "a soft lockup occurred";
	case 'K': return "the kernel was live-patched";
	case 'X': return "an auxiliary (distribution-defined) taint";
	case 'T': return "the kernel was built with the struct randomization plugin";
	case 'N': return "an in-kernel test (such as a KUnit test) was run";
	case 'J': return "userspace used a mutating debug operation in fwctl";
	default: return "an unknown taint";
	}
}

/* The function names of a bt text's frames: " #0 [ffff...] panic at ffffffff..." */
static size_t bt_functions(const char *bt, char names[][96], size_t max)
{
	size_t n = 0;
	for (const char *p = bt; p && *p && n < max;) {
		size_t len = strcspn(p, "\n");
		const char *h = p;
		while (*h == ' ')
			h++;
		if (*h == '#' && isdigit((unsigned char)h[1])) {
			const char *b = strstr(h, "] ");
			if (b && b < p + len) {
				b += 2;
				size_t w = strcspn(b, " \n");
				snprintf(names[n++], 96, "%.*s", (int)(w < 95 ? w : 95), b);
			}
		}
		p += len;
		if (*p)
			p++;
	}
	return n;
}

/* A frame's function without the compiler's suffixes (".cold", ".isra.0", ".constprop.0"). */
static void base_name(char *name)
{
	char *d = strchr(name, '.');
	if (d && d != name)
		*d = '\0';
}

/* The machinery of dying, above the frames that tell what happened. */
static bool crash_machinery(const char *f)
{
	static const char *const names[] = {"machine_kexec", "__crash_kexec", "crash_kexec", "vpanic", "panic",
					    "nmi_panic", "crash_setup_regs", "native_machine_crash_shutdown",
					    "oops_end", "die", "__die", "die_body", "oops_begin", "dump_stack",
					    "dump_stack_lvl", "show_stack", "__warn", "report_bug", "handle_bug",
					    "exc_invalid_op", "asm_exc_invalid_op", "do_trap", "do_error_trap"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(f, names[i]))
			return true;
	return false;
}

static void make_signature(struct ctx *c)
{
	char frames[64][96];
	size_t n = c->panic_bt ? bt_functions(c->panic_bt, frames, 64) : 0;
	size_t i = 0;
	for (size_t k = 0; k < n; k++)
		base_name(frames[k]);
	/* skip the dying (machine_kexec ... panic) down to the first frame that is not part of it */
	size_t last_machinery = 0;
	bool any = false;
	for (size_t k = 0; k < n && k < 12; k++)
		if (crash_machinery(frames[k]))
			last_machinery = k, any = true;
	i = any ? last_machinery + 1 : 0;
	int len = snprintf(c->sig_input, sizeof(c->sig_input), "%s", report_kind_name(c->cls.kind));
	for (size_t k = 0; i < n && k < SIG_FRAMES; i++, k++)
		if (len >= 0 && (size_t)len < sizeof(c->sig_input))
			len += snprintf(c->sig_input + len, sizeof(c->sig_input) - (size_t)len, "|%s", frames[i]);
	const Bytef *b = (const Bytef *)c->sig_input;
	uInt blen = (uInt)strlen(c->sig_input);
	unsigned long h1 = crc32(0L, b, blen), h2 = adler32(1L, b, blen);
	snprintf(c->signature, sizeof(c->signature), "%08lx%08lx", h1 & 0xffffffffUL, h2 & 0xffffffffUL);
}

/* "func+0x16/0x20" -> its address and source line */
static void locate_rip(kd_session *s, struct ctx *c)
{
	char name[128];
	uint64_t off = 0, addr = 0;
	bool found = false;
	if (c->cls.rip[0]) {
		copy_word(name, sizeof(name), c->cls.rip, "+");
		const char *plus = strchr(c->cls.rip, '+');
		if (plus)
			off = strtoull(plus + 1, NULL, 16);
		const struct kd_symbol *k = kd_symbol_lookup(s, name);
		if (k)
			addr = k->addr + off, found = true;
	} else if (c->panic_bt) {
		/* no oops RIP: where the panic was called, the first frame below the panic machinery
		 * (" #1 [sp] sysrq_handle_crash at addr"), else the top of the stack */
		char frames[64][96];
		size_t n = bt_functions(c->panic_bt, frames, 64), pick = 0;
		for (size_t k = 0; k < n && k < 12; k++) {
			char b[96];
			memcpy(b, frames[k], sizeof(b));
			b[sizeof(b) - 1] = '\0';
			base_name(b);
			if (crash_machinery(b))
				pick = k + 1 < n ? k + 1 : k;
		}
		size_t k = 0;
		for (const char *p = c->panic_bt; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			const char *h = p;
			while (*h == ' ')
				h++;
			if (*h != '#' || !isdigit((unsigned char)h[1]))
				continue;
			if (k++ != pick)
				continue;
			const char *at = strstr(h, " at ");
			char hex[32];
			if (at && at < strchr(h, '\n')) {
				copy_word(hex, sizeof(hex), at + 4, " \n");
				found = kd_parse_hex_u64(hex, &addr);
			}
			break;
		}
		c->rip_is_caller = found && pick > 0;
	}
	kd_clear_error(s);
	if (!found)
		return;
	c->rip_addr = addr;
	const char *sym = kd_symbol_at(s, addr, &off);
	if (sym)
		snprintf(c->rip_sym, sizeof(c->rip_sym), off ? "%s+%llu" : "%s", sym, (unsigned long long)off);
	char file[256];
	int line = 0;
	/* a return address's line is the call's: look one byte back unless it is the exact fault RIP */
	if (kd_addr_to_line(s, c->rip_is_caller ? addr - 1 : addr, file, sizeof(file), &line) == 0)
		snprintf(c->rip_source, sizeof(c->rip_source), "%s: %d", file, line);
	kd_clear_error(s);
}

/* ---------------------------------------------------------------------------------------- */
/* The sections.                                                                              */

static int sec_identity(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	const struct kd_target_info *ti = kd_target(s);
	char buf[256];
	field(r, "release", "release", ti->release && *ti->release ? ti->release : "(unknown)");
	field(r, "dump_format", "dump format", ti->dump_format ? ti->dump_format : "(none)");
	if (ti->truncated) /* what is read past the end reads as not in the dump; the report says so */
		field(r, "truncated", "truncated", ti->truncated);
	if (json(r)) {
		kd_json_int(s, "dump_level", ti->dump_level);
		kd_json_int(s, "cpus", ti->nr_cpus);
	} else {
		snprintf(buf, sizeof(buf), "%d%s", ti->dump_level, ti->dump_level > 0 ? " (pages were left out)" : "");
		field(r, NULL, "dump level", buf);
		snprintf(buf, sizeof(buf), "%d", ti->nr_cpus);
		field(r, NULL, "cpus", buf);
	}
	int64_t t = kd_kernel_crash_time(s);
	kd_clear_error(s);
	if (t > 0) {
		struct tm tm;
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		field(r, "capture_time", "captured", buf);
	} else if (json(r)) {
		kd_json_null(s, "capture_time");
	}
	uint64_t up = kd_kernel_uptime(s);
	kd_clear_error(s);
	if (json(r)) {
		kd_json_uint(s, "uptime_seconds", up);
	} else {
		snprintf(buf, sizeof(buf), "%llu s (%02llu:%02llu:%02llu)", (unsigned long long)up, (unsigned long long)(up / 3600),
			 (unsigned long long)(up / 60 % 60), (unsigned long long)(up % 60));
		field(r, NULL, "uptime", buf);
	}
	/* taint */
	const struct kd_taint_flag *tf;
	size_t ntf;
	uint64_t addr, mask = 0;
	int trc = 0;
	if (kd_taint_flags(s, &tf, &ntf) < 0 || kd_symbol_addr(s, "tainted_mask", &addr) < 0 ||
	    kd_read_kv(s, addr, &mask, sizeof(mask)) < 0) {
		trc = -1;
	} else {
		c->taint_known = true;
		c->taint_mask = mask;
		char letters[70];
		size_t nl = 0;
		for (size_t i = 0; i < ntf && i < 64; i++)
			if (mask >> i & 1)
				letters[nl++] = tf[i].c_true;
		letters[nl] = '\0';
		if (json(r)) {
			kd_json_addr(s, "taint_mask", mask);
			kd_json_array_begin(s, "taints");
		} else {
			snprintf(buf, sizeof(buf), "%s%s(mask 0x%llx)", letters, nl ? " " : "not tainted ", (unsigned long long)mask);
			field(r, NULL, "taint", buf);
		}
		for (size_t i = 0; i < ntf && i < 64; i++) {
			if (!(mask >> i & 1))
				continue;
			if (json(r)) {
				kd_json_object_begin(s, NULL);
				char l[2] = {tf[i].c_true, 0};
				kd_json_str(s, "letter", l);
				kd_json_int(s, "bit", (int64_t)i);
				kd_json_str(s, "meaning", taint_meaning(tf[i].c_true));
				kd_json_end(s);
			} else {
				snprintf(buf, sizeof(buf), "%c  %s", tf[i].c_true, taint_meaning(tf[i].c_true));
				if (r->f == F_MD)
					kd_printf(s, "  - `%c` %s\n", tf[i].c_true, taint_meaning(tf[i].c_true));
				else
					text_line(r, "               ", buf);
			}
		}
		if (json(r))
			kd_json_end(s);
	}
	if (trc < 0) {
		if (json(r))
			kd_json_str(s, "taint_error", kd_last_error(s));
		else
			field(r, NULL, "taint", kd_last_error(s));
		kd_clear_error(s);
	}
	subheading(r, "sys");
	return run_embedded(r, "sys", "sys");
}

static int sec_panic(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	char buf[320];
	const struct report_class *k = &c->cls;
	field(r, "classification", "classification", report_kind_name(k->kind));
	field(r, "title", "what", report_kind_title(k->kind));
	field(r, "panic_string", "panic string", k->panic[0] ? k->panic : NULL);
	if (k->evidence[0])
		field(r, "evidence", "log line", k->evidence);
	if (k->has_address) {
		snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)k->address);
		field(r, "address", "address", buf);
	} else if (json(r)) {
		kd_json_null(s, "address");
	}
	if (k->where[0])
		field(r, "where", "where", k->where);
	if (k->task[0])
		field(r, "message_task", "named task", k->task);
	if (k->victim_pid) {
		snprintf(buf, sizeof(buf), "%d (%s)", k->victim_pid, k->victim_comm);
		if (json(r)) {
			kd_json_object_begin(s, "oom_victim");
			kd_json_int(s, "pid", k->victim_pid);
			kd_json_str(s, "comm", k->victim_comm);
			kd_json_end(s);
		} else {
			field(r, NULL, "OOM victim", buf);
		}
	}
	if (c->rip_sym[0]) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)c->rip_addr);
		field(r, "rip", k->rip[0] ? "RIP" : c->rip_is_caller ? "panic from" : "stack top", buf);
		field(r, "rip_symbol", "symbol", c->rip_sym);
		field(r, "rip_source", "source", c->rip_source[0] ? c->rip_source : NULL);
	}
	const struct task_info *t = c->panic_task;
	if (!t) {
		if (json(r))
			kd_json_null(s, "task");
		return kd_fail(s, "the panic task was not found: %s", kd_last_error(s));
	}
	if (json(r)) {
		kd_json_int(s, "cpu", t->cpu);
		kd_json_object_begin(s, "task");
		kd_json_int(s, "pid", t->pid);
		kd_json_str(s, "comm", t->comm);
		kd_json_addr(s, "task", t->task);
		kd_json_int(s, "cpu", t->cpu);
		kd_json_end(s);
	} else {
		snprintf(buf, sizeof(buf), "%d", t->cpu);
		field(r, NULL, "cpu", buf);
		snprintf(buf, sizeof(buf), "PID %d \"%s\" (task %llx)", t->pid, t->comm, (unsigned long long)t->task);
		field(r, NULL, "task", buf);
	}
	return 0;
}

static int sec_backtrace(struct rep *r, struct ctx *c)
{
	if (!c->panic_task)
		return kd_fail(r->s, "no panic task");
	char line[64];
	snprintf(line, sizeof(line), "bt -l %llx", (unsigned long long)c->panic_task->task);
	return run_embedded(r, "bt", line);
}

static int sec_other_cpus(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	int shown = 0, rc = 0;
	if (json(r))
		kd_json_array_begin(s, "cpus");
	for (int cpu = 0; cpu < tt->nr_cpus; cpu++) {
		if (!tt->cpu_curr[cpu] || (c->panic_task && c->panic_task->task == tt->cpu_curr[cpu]))
			continue;
		char line[32];
		snprintf(line, sizeof(line), "bt -c %d", cpu);
		if (shown++ && !json(r))
			kd_printf(s, "\n");
		if (json(r)) {
			kd_json_object_begin(s, NULL);
			kd_json_int(s, "cpu", cpu);
			if (run_embedded(r, "bt", line) < 0)
				rc = -1;
			kd_json_end(s);
		} else if (run_embedded(r, NULL, line) < 0) {
			rc = -1;
		}
	}
	if (json(r))
		kd_json_end(s);
	if (!shown && !json(r))
		kd_printf(s, "(no other CPU had an active task)\n");
	if (rc < 0)
		kd_fail(s, "some CPUs' backtraces failed");
	return rc;
}

struct blocked {
	const struct task_info *t;
	uint64_t blocked_ns;
	bool known;
	char *bt;
	char key[512]; /* the stack's function names */
};

/* Tasks of one stack together, the longest blocked first within it. */
static int cmp_blocked(const void *a, const void *b)
{
	const struct blocked *x = a, *y = b;
	int k = strcmp(x->key, y->key);
	if (k)
		return k;
	if (x->known != y->known)
		return x->known ? -1 : 1;
	return x->blocked_ns < y->blocked_ns ? 1 : x->blocked_ns > y->blocked_ns ? -1 : 0;
}

/* A run of tasks with one stack: [first, first + count) of the sorted tasks. */
struct blocked_group {
	size_t first, count;
	const struct blocked *top; /* its longest blocked task */
};

/* The largest groups first; among equal ones, the longest blocked first. */
static int cmp_group(const void *a, const void *b)
{
	const struct blocked_group *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	int k = cmp_blocked(&(struct blocked){.known = x->top->known, .blocked_ns = x->top->blocked_ns},
			    &(struct blocked){.known = y->top->known, .blocked_ns = y->top->blocked_ns});
	/* then in stack order, so that equal groups come out the same on every run */
	return k ? k : x->first < y->first ? -1 : x->first > y->first;
}

static int sec_blocked(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	VEC(struct blocked) v = {0};
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		if (strcmp(kd_task_state_name(t), "UN"))
			continue;
		struct blocked b = {.t = t};
		uint64_t clock;
		if (kd_cpu_rq_clock(s, t->cpu, &clock) == 0 && clock >= t->last_arrival)
			b.blocked_ns = clock - t->last_arrival, b.known = true;
		kd_clear_error(s);
		char line[64];
		snprintf(line, sizeof(line), "bt %llx", (unsigned long long)t->task);
		capture_text(s, line, &b.bt);
		kd_clear_error(s);
		char frames[16][96];
		size_t n = bt_functions(b.bt, frames, 16);
		size_t len = 0;
		for (size_t k = 0; k < n && len < sizeof(b.key) - 100; k++)
			len += (size_t)snprintf(b.key + len, sizeof(b.key) - len, "%s%s", k ? " < " : "", frames[k]);
		if (!n) /* no frames (the unwind failed): a group of its own, never lumped with others */
			snprintf(b.key, sizeof(b.key), "(no frames: task %llx)", (unsigned long long)t->task);
		VEC_PUSH(&v, b);
	}
	c->nr_blocked = (int)v.len;
	kd_qsort(v.items, v.len, sizeof(v.items[0]), cmp_blocked);
	if (json(r)) {
		kd_json_int(s, "count", (int64_t)v.len);
		kd_json_array_begin(s, "groups");
	} else if (!v.len) {
		kd_printf(s, "(no task in uninterruptible sleep)\n");
	}
	VEC(struct blocked_group) groups = {0};
	for (size_t i = 0; i < v.len;) {
		size_t j = i;
		while (j < v.len && !strcmp(v.items[j].key, v.items[i].key))
			j++;
		VEC_PUSH(&groups, ((struct blocked_group){.first = i, .count = j - i, .top = &v.items[i]}));
		i = j;
	}
	kd_qsort(groups.items, groups.len, sizeof(groups.items[0]), cmp_group);
	for (size_t g = 0; g < groups.len; g++) {
		size_t i = groups.items[g].first, j = i + groups.items[g].count;
		if (json(r)) {
			kd_json_object_begin(s, NULL);
			kd_json_int(s, "count", (int64_t)(j - i));
			kd_json_str(s, "stack", v.items[i].key);
			kd_json_array_begin(s, "tasks");
			for (size_t k = i; k < j; k++) {
				kd_json_object_begin(s, NULL);
				kd_json_int(s, "pid", v.items[k].t->pid);
				kd_json_str(s, "comm", v.items[k].t->comm);
				kd_json_addr(s, "task", v.items[k].t->task);
				if (v.items[k].known)
					kd_json_uint(s, "blocked_ns", v.items[k].blocked_ns);
				else
					kd_json_null(s, "blocked_ns");
				kd_json_end(s);
			}
			kd_json_end(s);
			kd_json_str(s, "backtrace", v.items[i].bt);
			kd_json_end(s);
		} else {
			char l[200];
			snprintf(l, sizeof(l), "%zu task%s with this stack:", j - i, j - i > 1 ? "s" : "");
			if (r->f == F_MD)
				kd_printf(s, "\n**%s**\n\n| PID | COMM | blocked for |\n|---:|---|---|\n", l);
			else
				kd_printf(s, "\n%s\n", l);
			for (size_t k = i; k < j; k++) {
				char d[48] = "unknown";
				if (v.items[k].known)
					kd_format_ns_dhms(v.items[k].blocked_ns, d, sizeof(d));
				if (r->f == F_MD)
					kd_printf(s, "| %d | %s | %s |\n", v.items[k].t->pid, v.items[k].t->comm, d);
				else
					kd_printf(s, "  PID %-7d %-16s blocked for %s\n", v.items[k].t->pid, v.items[k].t->comm, d);
			}
			if (r->f == F_MD)
				kd_printf(s, "\n");
			block(r, v.items[i].bt);
		}
	}
	VEC_FREE(&groups);
	if (json(r))
		kd_json_end(s);
	for (size_t i = 0; i < v.len; i++)
		free(v.items[i].bt);
	VEC_FREE(&v);
	return 0;
}

/* A figure of kmem -i's text: the PAGES column of its row. */
static bool kmem_pages(const char *text, const char *row, uint64_t *pages)
{
	for (const char *p = text; p && *p;) {
		const char *l = p;
		while (*l == ' ')
			l++;
		size_t rl = strlen(row);
		if (!strncmp(l, row, rl) && l[rl] == ' ') {
			*pages = strtoull(l + rl, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

struct proc {
	const struct task_info *t;
	uint64_t rss;
};

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;
	return x->rss < y->rss ? 1 : x->rss > y->rss ? -1 : x->t->pid - y->t->pid;
}

struct cache_use {
	const struct kd_slab_cache *k;
	uint64_t bytes;
};

static int cmp_cache(const void *a, const void *b)
{
	const struct cache_use *x = a, *y = b;
	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : strcmp(x->k->name, y->k->name);
}

static int sec_memory(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	int rc = 0;
	char *kt = NULL;
	const struct kd_target_info *ti = kd_target(s);
	uint64_t page = ti->page_size ? ti->page_size : 4096;
	/* kmem -i: its figures for the warnings, then its output or its JSON */
	int krc = capture_text(s, "kmem -i", &kt);
	char kerr[512] = "";
	if (krc < 0)
		snprintf(kerr, sizeof(kerr), "kmem -i: %s", kd_last_error(s));
	uint64_t total = 0, freep = 0; /* also from a kmem -i that stopped part way */
	if (kmem_pages(kt, "TOTAL MEM", &total) && kmem_pages(kt, "FREE", &freep)) {
		c->total_pages = total, c->free_pages = freep;
		c->low_free = total && freep * 100 < total * 5;
	}
	kd_clear_error(s);
	subheading(r, "kmem -i");
	if (json(r)) {
		if (run_embedded(r, "kmem_i", "kmem -i") < 0)
			rc = -1;
	} else {
		block(r, kt);
		if (krc < 0) {
			rc = -1;
			if (r->f == F_MD)
				kd_printf(s, "\n> **error:** %s\n", kerr);
			else
				text_line(r, "", kerr);
		}
	}
	free(kt);
	/* processes by RSS */
	subheading(r, "largest processes by RSS");
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt) {
		rc = part_error(r, "processes_error");
	} else {
		VEC(struct proc) v = {0};
		for (size_t i = 0; i < tt->len; i++) {
			const struct task_info *t = &tt->tasks[i];
			if (!t->mm || t->idle || t->pid != t->tgid)
				continue;
			uint64_t rss = 0, vm = 0;
			if (kd_task_mem(s, t, &rss, &vm) == 0)
				VEC_PUSH(&v, ((struct proc){t, rss}));
			kd_clear_error(s);
		}
		kd_qsort(v.items, v.len, sizeof(v.items[0]), cmp_proc);
		if (json(r))
			kd_json_array_begin(s, "processes");
		else if (r->f == F_MD)
			kd_printf(s, "| PID | COMM | RSS |\n|---:|---|---:|\n");
		else
			kd_printf(s, "      PID  COMM                    RSS\n");
		for (size_t i = 0; i < v.len && i < TOP_N; i++) {
			char sz[32];
			kd_format_size(v.items[i].rss * page, sz, sizeof(sz));
			if (json(r)) {
				kd_json_object_begin(s, NULL);
				kd_json_int(s, "pid", v.items[i].t->pid);
				kd_json_str(s, "comm", v.items[i].t->comm);
				kd_json_uint(s, "rss_kb", v.items[i].rss * page / 1024);
				kd_json_end(s);
			} else if (r->f == F_MD) {
				kd_printf(s, "| %d | %s | %s |\n", v.items[i].t->pid, v.items[i].t->comm, sz);
			} else {
				kd_printf(s, "  %7d  %-16s %10s\n", v.items[i].t->pid, v.items[i].t->comm, sz);
			}
		}
		if (json(r))
			kd_json_end(s);
		VEC_FREE(&v);
	}
	/* slab caches by their slabs' memory */
	subheading(r, "largest slab caches");
	kd_slab_ctx *sc = kd_slab_open(s);
	if (!sc) {
		rc = part_error(r, "slab_error");
	} else {
		VEC(struct cache_use) v = {0};
		int nodes = kd_slab_nr_nodes(sc);
		for (size_t i = 0; i < kd_slab_cache_count(sc); i++) {
			const struct kd_slab_cache *k = kd_slab_cache_at(sc, i);
			if (!k || !k->readable)
				continue;
			uint64_t slabs = 0;
			for (int n = 0; n < nodes; n++) {
				struct kd_slab_node node;
				if (kd_slab_node(sc, k, n, &node) == 0 && node.has_counts)
					slabs += node.nr_slabs;
				kd_clear_error(s);
			}
			VEC_PUSH(&v, ((struct cache_use){k, slabs * (page << k->order)}));
		}
		kd_qsort(v.items, v.len, sizeof(v.items[0]), cmp_cache);
		if (json(r))
			kd_json_array_begin(s, "slab_caches");
		else if (r->f == F_MD)
			kd_printf(s, "| cache | name | memory |\n|---|---|---:|\n");
		else
			kd_printf(s, "  %-16s  %-28s  %10s\n", "CACHE", "NAME", "MEMORY");
		for (size_t i = 0; i < v.len && i < TOP_N; i++) {
			char sz[32];
			kd_format_size(v.items[i].bytes, sz, sizeof(sz));
			if (json(r)) {
				kd_json_object_begin(s, NULL);
				kd_json_addr(s, "cache", v.items[i].k->addr);
				kd_json_str(s, "name", v.items[i].k->name);
				kd_json_uint(s, "bytes", v.items[i].bytes);
				kd_json_end(s);
			} else if (r->f == F_MD) {
				kd_printf(s, "| %llx | %s | %s |\n", (unsigned long long)v.items[i].k->addr, v.items[i].k->name, sz);
			} else {
				kd_printf(s, "  %-16llx  %-28.28s  %10s\n", (unsigned long long)v.items[i].k->addr, v.items[i].k->name, sz);
			}
		}
		if (json(r))
			kd_json_end(s);
		if (v.len && c->total_pages && v.items[0].bytes * 100 > c->total_pages * page * 20) {
			snprintf(c->dominant_cache, sizeof(c->dominant_cache), "%s", v.items[0].k->name);
			c->dominant_bytes = v.items[0].bytes;
		}
		VEC_FREE(&v);
		kd_slab_close(sc);
	}
	/* warnings */
	if (json(r))
		kd_json_array_begin(s, "warnings");
	else
		subheading(r, "warnings");
	int nw = 0;
	char w[256];
	if (c->low_free) {
		snprintf(w, sizeof(w), "free memory is low: %llu of %llu pages (under 5%%)", (unsigned long long)c->free_pages,
			 (unsigned long long)c->total_pages);
		json(r) ? kd_json_str(s, NULL, w) : (void)kd_printf(s, "%s%s\n", r->f == F_MD ? "- " : "  ", w);
		nw++;
	}
	if (c->dominant_cache[0]) {
		char sz[32];
		kd_format_size(c->dominant_bytes, sz, sizeof(sz));
		snprintf(w, sizeof(w), "slab cache %s holds %s, over 20%% of memory", c->dominant_cache, sz);
		json(r) ? kd_json_str(s, NULL, w) : (void)kd_printf(s, "%s%s\n", r->f == F_MD ? "- " : "  ", w);
		nw++;
	}
	if (json(r))
		kd_json_end(s);
	else if (!nw)
		kd_printf(s, "%s(none: free memory is not low and no slab cache dominates)\n", r->f == F_MD ? "- " : "  ");
	if (rc < 0)
		kd_fail(s, "part of the memory section could not be read");
	return rc;
}

static int sec_modules(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	const struct module_table *mt = kd_modules_get(s);
	const struct kd_taint_flag *tf;
	size_t ntf;
	if (!mt || kd_taint_flags(s, &tf, &ntf) < 0)
		return -1;
	if (json(r)) {
		kd_json_int(s, "loaded", (int64_t)mt->len);
		kd_json_array_begin(s, "suspect");
	} else {
		kd_printf(s, "%zu modules loaded.\n", mt->len);
	}
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		char letters[65];
		int n = kd_module_taint_letters(s, m->taints, letters);
		if (n <= 0)
			continue;
		char why[256] = "";
		size_t wl = 0;
		for (size_t j = 0; j < (size_t)n && wl < sizeof(why) - 80; j++)
			wl += (size_t)snprintf(why + wl, sizeof(why) - wl, "%s%s", j ? "; " : "", taint_meaning(letters[j]));
		if (!c->nr_suspect_modules++ && !json(r)) {
			if (r->f == F_MD)
				kd_printf(s, "\n| module | taints | meaning |\n|---|---|---|\n");
			else
				kd_printf(s, "\n  %-20s %-7s %s\n", "MODULE", "TAINTS", "MEANING");
		}
		if (json(r)) {
			kd_json_object_begin(s, NULL);
			kd_json_str(s, "name", m->name);
			kd_json_addr(s, "module", m->addr);
			kd_json_str(s, "taints", letters);
			kd_json_str(s, "meaning", why);
			kd_json_end(s);
		} else if (r->f == F_MD) {
			kd_printf(s, "| %s | %s | %s |\n", m->name, letters, why);
		} else {
			char l[400];
			snprintf(l, sizeof(l), "  %-20s %-7s %s", m->name, letters, why);
			text_line(r, "", l);
		}
	}
	if (json(r))
		kd_json_end(s);
	else if (!c->nr_suspect_modules)
		kd_printf(s, "No module is out-of-tree, unsigned, proprietary or force-loaded.\n");
	return 0;
}

/* One log line: a JSON string, a line of a markdown fence, or folded at 80 columns. */
static void log_line(struct rep *r, const char *l)
{
	if (json(r))
		kd_json_str(r->s, NULL, l);
	else if (r->f == F_MD)
		kd_printf(r->s, "%s\n", l);
	else
		text_line(r, "", l);
}

static int sec_log(struct rep *r, struct ctx *c)
{
	kd_session *s = r->s;
	if (!c->log)
		return kd_fail(s, "the log could not be read");
	/* split into lines */
	size_t n = 0, cap = 256;
	char **lines = kd_xcalloc(cap, sizeof(*lines));
	for (char *p = c->log; *p;) {
		size_t len = strcspn(p, "\n");
		if (n == cap)
			lines = kd_xrealloc(lines, (cap *= 2) * sizeof(*lines));
		lines[n++] = kd_xstrndup(p, len);
		p += len;
		if (*p)
			p++;
	}
	size_t tail = n > LOG_TAIL ? n - LOG_TAIL : 0;
	size_t nn = 0, omitted = 0;
	if (json(r))
		kd_json_array_begin(s, "notable");
	else
		subheading(r, "warnings, BUGs, oopses, call traces and lockups before the last 100 lines");
	if (r->f == F_MD)
		kd_printf(s, "```\n");
	for (size_t i = 0; i < tail; i++) {
		if (!report_notable_line(unstamp(lines[i])))
			continue;
		if (nn++ >= NOTABLE_MAX) {
			omitted++;
			continue;
		}
		log_line(r, lines[i]);
	}
	if (r->f == F_MD)
		kd_printf(s, "```\n");
	if (json(r)) {
		kd_json_end(s);
		kd_json_uint(s, "notable_omitted", omitted);
		kd_json_uint(s, "lines", n);
		kd_json_array_begin(s, "tail");
	} else {
		if (!nn)
			kd_printf(s, "(none)\n");
		if (omitted)
			kd_printf(s, "(%zu more not shown)\n", omitted);
		subheading(r, "the last 100 lines");
	}
	if (r->f == F_MD)
		kd_printf(s, "```\n");
	for (size_t i = tail; i < n; i++) {
		log_line(r, lines[i]);
	}
	if (r->f == F_MD)
		kd_printf(s, "```\n");
	if (json(r))
		kd_json_end(s);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return 0;
}

static int sec_signature(struct rep *r, struct ctx *c)
{
	field(r, "signature", "signature", c->signature);
	field(r, "input", "from", c->sig_input);
	return c->panic_bt ? 0 : kd_fail(r->s, "no panic backtrace: the signature has the classification only");
}

static void next_cmd(struct rep *r, const char *cmd, const char *why)
{
	for (size_t i = 0; i < r->nnext; i++)
		if (!strcmp(r->next[i], cmd)) /* suggested already, for another reason */
			return;
	if (r->nnext < sizeof(r->next) / sizeof(r->next[0]))
		snprintf(r->next[r->nnext++], sizeof(r->next[0]), "%s", cmd);
	if (json(r)) {
		kd_json_object_begin(r->s, NULL);
		kd_json_str(r->s, "command", cmd);
		kd_json_str(r->s, "why", why);
		kd_json_end(r->s);
	} else if (r->f == F_MD) {
		kd_printf(r->s, "- `%s` — %s\n", cmd, why);
	} else {
		char l[400];
		snprintf(l, sizeof(l), "  %-24s %s", cmd, why);
		text_line(r, "", l);
	}
}

/* The OOM victim is still in the task list (not yet reaped). */
static bool victim_alive(kd_session *s, int pid)
{
	const struct kd_task_table *tt = kd_tasks_get(s);
	for (size_t i = 0; tt && i < tt->len; i++)
		if (tt->tasks[i].pid == pid)
			return true;
	kd_clear_error(s);
	return false;
}

static int sec_next(struct rep *r, struct ctx *c)
{
	char cmd[200];
	const char *sym = c->rip_sym;
	char fn[160];
	copy_word(fn, sizeof(fn), sym, "+");
	if (json(r))
		kd_json_array_begin(r->s, "commands");
	if (c->panic_task) {
		snprintf(cmd, sizeof(cmd), "bt -f %d", c->panic_task->pid);
		next_cmd(r, cmd, "the panic task's stack frames with their contents");
	}
	switch (c->cls.kind) {
	case RK_NULL_DEREF:
	case RK_PAGING_REQUEST:
	case RK_GPF:
	case RK_OOPS:
	case RK_BUG:
	case RK_WARNING_PANIC:
		if (fn[0]) {
			snprintf(cmd, sizeof(cmd), "dis -l %s", fn);
			next_cmd(r, cmd, "the faulting function's code with source lines");
		}
		if (c->cls.has_address) {
			snprintf(cmd, sizeof(cmd), "kmem %llx", (unsigned long long)c->cls.address);
			next_cmd(r, cmd, "what the faulting address is");
		}
		break;
	case RK_LIST_CORRUPTION:
		if (c->cls.has_address) {
			snprintf(cmd, sizeof(cmd), "kmem %llx", (unsigned long long)c->cls.address);
			next_cmd(r, cmd, "which object holds the corrupt list entry");
			snprintf(cmd, sizeof(cmd), "rd %llx 4", (unsigned long long)c->cls.address);
			next_cmd(r, cmd, "the list_head's next and prev pointers");
		}
		break;
	case RK_SOFT_LOCKUP:
	case RK_HARD_LOCKUP:
	case RK_RCU_STALL:
		next_cmd(r, "bt -a", "what every CPU was running");
		next_cmd(r, "runq", "each CPU's run queue");
		next_cmd(r, "timer -r", "pending high-resolution timers");
		break;
	case RK_HUNG_TASK:
		next_cmd(r, "foreach UN bt", "every task in uninterruptible sleep");
		next_cmd(r, "ps -m UN", "how long each has waited");
		break;
	case RK_OOM:
		next_cmd(r, "kmem -i", "memory use at the time");
		next_cmd(r, "kmem -s", "every slab cache");
		next_cmd(r, "ps -G", "the processes' memory");
		if (c->cls.victim_pid && victim_alive(r->s, c->cls.victim_pid)) { /* a killed one has no mm left */
			snprintf(cmd, sizeof(cmd), "vm %d", c->cls.victim_pid);
			next_cmd(r, cmd, "the OOM victim's address space");
		}
		break;
	case RK_MCE:
		next_cmd(r, "log | grep -i 'hardware error'", "the machine check records");
		next_cmd(r, "mach", "the machine and its CPUs");
		break;
	case RK_STACK_OVERFLOW:
		next_cmd(r, "bt -v", "every task's stack end magic");
		if (c->panic_task) {
			snprintf(cmd, sizeof(cmd), "bt -T %d", c->panic_task->pid);
			next_cmd(r, cmd, "every text address on the panic stack");
		}
		break;
	case RK_SYSRQ:
		next_cmd(r, "ps -m", "what ran last on each CPU, and for how long tasks have waited");
		break;
	default:
		next_cmd(r, "log", "the whole kernel log");
		break;
	}
	if (c->nr_blocked)
		next_cmd(r, "foreach UN bt", "the tasks in uninterruptible sleep");
	if (c->nr_suspect_modules)
		next_cmd(r, "mod -t", "the tainted modules");
	if (c->low_free || c->dominant_cache[0])
		next_cmd(r, "kmem -s", "the slab caches in full");
	if (json(r))
		kd_json_end(r->s);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

static int cmd_report(kd_session *s, int argc, char **argv)
{
	struct rep r = {.s = s, .f = kd_json_active(s) ? F_JSON : F_TEXT};
	int opt;
	while ((opt = getopt(argc, argv, "f:")) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "text"))
				r.f = F_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				r.f = F_MD;
			else if (!strcmp(optarg, "json"))
				r.f = F_JSON;
			else
				return kd_fail(s, "report: unknown format \"%s\" (text, markdown or json)", optarg);
			break;
		default: return kd_usage(s);
		}
	}
	if (optind < argc)
		return kd_usage(s);
	long was_json = 0;
	kd_option_get(s, "json", &was_json);
	bool own_json = r.f == F_JSON && !was_json; /* report -f json in a text session: its own document */
	if (own_json)
		kd_option_set(s, "json", 1);
	if (r.f != F_JSON && was_json)
		return kd_fail(s, "report -f %s in JSON mode: \"set output text\" first", r.f == F_MD ? "markdown" : "text");
	struct ctx c = {0};
	/* what several sections need: the log, the panic task and its backtrace */
	if (capture_text(s, "log", &c.log) < 0) {
		if (!c.log || !*c.log) {
			free(c.log);
			c.log = NULL;
		}
	}
	kd_clear_error(s);
	report_classify(c.log, &c.cls);
	c.panic_task = kd_task_panic(s);
	kd_clear_error(s);
	if (c.panic_task) {
		char line[64];
		snprintf(line, sizeof(line), "bt %llx", (unsigned long long)c.panic_task->task);
		capture_text(s, line, &c.panic_bt);
		kd_clear_error(s);
	}
	if (c.panic_bt) { /* no telling log: what the panic stack says */
		char frames[64][96];
		const char *fp[64];
		size_t n = bt_functions(c.panic_bt, frames, 64);
		for (size_t i = 0; i < n; i++)
			fp[i] = frames[i];
		report_classify_stack(&c.cls, fp, n);
	}
	locate_rip(s, &c);
	make_signature(&c);

	const struct kd_target_info *ti = kd_target(s);
	if (json(&r)) {
		kd_json_str(s, "report_version", REPORT_VERSION);
		kd_json_str(s, "vmlinux", ti->vmlinux_path);
		kd_json_str(s, "dump", ti->dump_path);
	} else if (r.f == F_MD) {
		kd_printf(s, "# kdive report: %s\n\n", report_kind_title(c.cls.kind));
		kd_printf(s, "- **dump:** `%s`\n- **vmlinux:** `%s`\n- **signature:** `%s`\n", ti->dump_path ? ti->dump_path : "",
			  ti->vmlinux_path ? ti->vmlinux_path : "", c.signature);
	} else {
		char l[600];
		snprintf(l, sizeof(l), "kdive report: %s", report_kind_title(c.cls.kind));
		text_line(&r, "", l);
		snprintf(l, sizeof(l), "dump %s", ti->dump_path ? ti->dump_path : "");
		text_line(&r, "", l);
		snprintf(l, sizeof(l), "vmlinux %s", ti->vmlinux_path ? ti->vmlinux_path : "");
		text_line(&r, "", l);
	}
	static const struct {
		const char *key, *title;
		int (*fn)(struct rep *, struct ctx *);
	} secs[] = {
		{"identity", "Identity", sec_identity},
		{"panic", "Panic", sec_panic},
		{"backtrace", "Panic task backtrace", sec_backtrace},
		{"other_cpus", "Other active CPUs", sec_other_cpus},
		{"blocked", "Tasks in uninterruptible sleep", sec_blocked},
		{"memory", "Memory", sec_memory},
		{"modules", "Modules", sec_modules},
		{"log", "Kernel log", sec_log},
		{"signature", "Crash signature", sec_signature},
		{"next", "Next commands", sec_next},
	};
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		if (kd_interrupted(s))
			break;
		section(&r, secs[i].key, secs[i].title);
		kd_clear_error(s);
		int rc = secs[i].fn(&r, &c);
		section_end(&r, rc);
	}
	if (json(&r))
		kd_json_int(s, "failed_sections", r.failed);
	free(c.log);
	free(c.panic_bt);
	int rc = kd_interrupted(s) ? kd_error(s, KD_EINTR, 0, "interrupted") : 0;
	if (own_json) {
		char *doc = kd_json_document(s, "report -f json", rc);
		kd_option_set(s, "json", 0);
		kd_printf(s, "%s\n", doc);
		free(doc);
	}
	return rc;
}

const struct kd_command kd_cmd_report = {
	"report", cmd_report, "report [-f text|markdown|json]", "pre-analysis report of the dump",
	"Prints the first page of a crash investigation: the kernel and the dump (sys, dump\n"
	"format and level, capture time, uptime, taint flags explained); the panic with its\n"
	"classification (sysrq, oops, BUG, WARNING turned panic, NULL pointer dereference,\n"
	"paging request, general protection fault, soft or hard lockup, hung task, RCU\n"
	"stall, out of memory with its victim, machine check, stack overflow, list\n"
	"corruption), the faulting address and the RIP's symbol and source line; the panic\n"
	"task's backtrace (bt -l) and every other active CPU's (bt -c); tasks in\n"
	"uninterruptible sleep, grouped by stack, with how long each has been blocked;\n"
	"memory (kmem -i, the largest processes and slab caches, warnings); tainting\n"
	"modules; the log's warnings and oopses and its last 100 lines; a crash signature\n"
	"(a hash of the classification and the panic stack's top functions, the same for\n"
	"two dumps of one bug); and the commands to type next.\n"
	"  -f text       80 columns (the default in a text session)\n"
	"  -f markdown   for a ticket: headings, tables, fenced backtraces\n"
	"  -f json       one document, doc/report-schema.json (the default in JSON mode)\n"
	"A section that cannot be read says why, and the report goes on.\n"
	"From the shell's command line: kdive --report [--format F] [-o FILE] vmlinux dump\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> report\n"
	"  kdive> report -f markdown > ticket.md\n"
	"  $ kdive --report --format json -o report.json vmlinux vmcore\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_HIDDEN, /* help's list is crash's; help report shows this page */
};
