/*
 * kdive --group [--json] REPORT.json|DIRECTORY...: the JSON reports of many dumps (kdive --report
 * --format json, one file per dump, as doc/triage.md makes them) grouped by crash signature, most
 * frequent first: each signature's count, first and last capture time, classifications, kernel
 * releases and an example dump. A report whose dump could not be opened (its result has an
 * "error") counts in an "error" row, and a file that is not a kdive report in an "unreadable"
 * row, so that every input is counted once. --json prints one document in the envelope of
 * --json, whose result follows doc/json-schema/group.json.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/shell.h"

#define REPORT_FILE_MAX (256u << 20) /* far above any report; a larger file is not one */

enum group_kind { GROUP_SIGNATURE, GROUP_ERROR, GROUP_UNREADABLE };
static const char *const kind_names[] = {"signature", "error", "unreadable"};

/* One input file: what the grouping needs of its report. */
struct member {
	size_t index; /* the order given, for ties */
	enum group_kind kind;
	char *report, *dump, *time, *release, *classification, *input, *error, *signature;
	char *truncated; /* the report's identity.truncated: the dump file lacks memory */
};

struct group {
	struct member *m; /* members m[0..n-1], the example first */
	size_t n, truncated;
	const char *first, *last; /* capture times, NULL when none had one */
	VEC(const char *) releases;
	VEC(const char *) classes;
};

/* A string member of obj, or NULL (a missing member, another type). */
static const char *str_of(json_object *obj, const char *key)
{
	json_object *v;
	return obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static json_object *obj_of(json_object *obj, const char *key)
{
	json_object *v;
	return obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_object) ? v : NULL;
}

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *d = xstrdup(s);
	str_mask_controls(d); /* text from a file that came with a dump: shown on a terminal */
	return d;
}

static bool is_signature(const char *s)
{
	if (!s || strlen(s) != 16)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* Reads one report; a file that is not a kdive report becomes an unreadable member saying why. */
static void read_report(const char *path, struct member *m)
{
	m->report = dup_or_null(path);
	m->kind = GROUP_UNREADABLE;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		m->error = xasprintf("%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > REPORT_FILE_MAX) {
		m->error = xstrdup(S_ISREG(st.st_mode) ? "larger than any report" : "not a regular file");
		close(fd);
		return;
	}
	json_object *doc = json_object_from_fd_ex(fd, JSON_TOKENER_DEFAULT_DEPTH);
	close(fd);
	json_object *res = obj_of(doc, "result");
	const char *cmd = str_of(doc, "command");
	if (!doc || !res || !cmd || strncmp(cmd, "report", 6) || !str_of(res, "report_version")) {
		m->error = xstrdup(!doc ? "not JSON" : "not a kdive report (kdive --report --format json)");
		json_object_put(doc);
		return;
	}
	json_object *id = obj_of(res, "identity"), *pan = obj_of(res, "panic"), *sig = obj_of(res, "signature");
	m->dump = dup_or_null(str_of(res, "dump"));
	m->time = dup_or_null(str_of(id, "capture_time"));
	m->release = dup_or_null(str_of(id, "release"));
	m->classification = dup_or_null(str_of(pan, "classification"));
	m->input = dup_or_null(str_of(sig, "input"));
	m->truncated = dup_or_null(str_of(id, "truncated"));
	const char *s = str_of(sig, "signature");
	if (str_of(res, "error")) {
		m->kind = GROUP_ERROR; /* the dump could not be opened */
		m->error = dup_or_null(str_of(res, "error"));
	} else if (is_signature(s)) {
		m->kind = GROUP_SIGNATURE;
		m->signature = xstrdup(s);
	} else {
		m->error = xstrdup("the report has no signature");
	}
	json_object_put(doc);
}

static void member_free(struct member *m)
{
	free(m->report);
	free(m->dump);
	free(m->time);
	free(m->release);
	free(m->classification);
	free(m->input);
	free(m->error);
	free(m->signature);
	free(m->truncated);
}

static int cmp_str_null_last(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* Members of a group together, each group's earliest capture first (its example). */
static int cmp_member(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c = cmp_str_null_last(a->signature, b->signature);
	if (!c)
		c = cmp_str_null_last(a->time, b->time);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Most frequent first; then signatures before errors before unreadable files, then by name. */
static int cmp_group(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if (a->m->kind != b->m->kind)
		return a->m->kind < b->m->kind ? -1 : 1;
	return cmp_str_null_last(a->m->signature, b->m->signature);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct strings of v, sorted, in place. */
static void sort_unique(const char **items, size_t *len)
{
	kd_qsort(items, *len, sizeof(*items), cmp_strp);
	size_t out = 0;
	for (size_t i = 0; i < *len; i++)
		if (!out || strcmp(items[out - 1], items[i]))
			items[out++] = items[i];
	*len = out;
}

static void join(char *buf, size_t size, const char *const *items, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "", items[i]);
	if (!n)
		snprintf(buf, size, "-");
}

static const char *group_name(const struct group *g)
{
	return g->m->kind == GROUP_SIGNATURE ? g->m->signature : kind_names[g->m->kind];
}

static const char *example_of(const struct member *m)
{
	return m->dump ? m->dump : m->report;
}

/* One line of the table: columns padded to their width, the numbers (columns 1 to last_number)
 * right-aligned, the last column as it is. */
static void print_row(kd_session *s, const char *const *cells, const int *width, int ncol, int last_number)
{
	for (int c = 0; c < ncol - 1; c++)
		kd_printf(s, c >= 1 && c <= last_number ? "%*s  " : "%-*s  ", width[c], cells[c]);
	kd_printf(s, "%s\n", cells[ncol - 1]);
}

static void print_text(kd_session *s, struct group *g, size_t ng, size_t total, size_t per_kind[3])
{
	enum { C_SIG, C_COUNT, C_TRUNC, C_FIRST, C_LAST, C_CLASS, C_REL, C_EX, NCOL };
	static const char *const heads[NCOL] = {"SIGNATURE", "COUNT", "TRUNCATED", "FIRST SEEN", "LAST SEEN",
						"CLASSIFICATION", "RELEASES", "EXAMPLE"};
	char (*cells)[NCOL][512] = xcalloc(ng ? ng : 1, sizeof(*cells));
	int width[NCOL];
	for (int c = 0; c < NCOL; c++)
		width[c] = (int)strlen(heads[c]);
	for (size_t i = 0; i < ng; i++) {
		snprintf(cells[i][C_SIG], sizeof(cells[i][C_SIG]), "%s", group_name(&g[i]));
		snprintf(cells[i][C_COUNT], sizeof(cells[i][C_COUNT]), "%zu", g[i].n);
		snprintf(cells[i][C_TRUNC], sizeof(cells[i][C_TRUNC]), "%zu", g[i].truncated);
		snprintf(cells[i][C_FIRST], sizeof(cells[i][C_FIRST]), "%s", g[i].first ? g[i].first : "-");
		snprintf(cells[i][C_LAST], sizeof(cells[i][C_LAST]), "%s", g[i].last ? g[i].last : "-");
		join(cells[i][C_CLASS], sizeof(cells[i][C_CLASS]), g[i].classes.items, g[i].classes.len);
		join(cells[i][C_REL], sizeof(cells[i][C_REL]), g[i].releases.items, g[i].releases.len);
		snprintf(cells[i][C_EX], sizeof(cells[i][C_EX]), "%s", example_of(g[i].m));
		for (int c = 0; c < NCOL; c++)
			width[c] = MAX(width[c], (int)strlen(cells[i][c]));
	}
	print_row(s, heads, width, NCOL, C_TRUNC);
	for (size_t i = 0; i < ng; i++) {
		const char *row[NCOL];
		for (int c = 0; c < NCOL; c++)
			row[c] = cells[i][c];
		print_row(s, row, width, NCOL, C_TRUNC);
	}
	size_t nsig = ng - (per_kind[GROUP_ERROR] > 0) - (per_kind[GROUP_UNREADABLE] > 0);
	kd_printf(s, "%zu report%s: %zu in %zu signature%s, %zu whose dump could not be opened, %zu unreadable\n", total,
		  total == 1 ? "" : "s", per_kind[GROUP_SIGNATURE], nsig, nsig == 1 ? "" : "s", per_kind[GROUP_ERROR],
		  per_kind[GROUP_UNREADABLE]);
	free(cells);
}

static void json_member(kd_session *s, const char *key, const struct member *m)
{
	kd_json_object_begin(s, key);
	kd_json_str(s, "report", m->report);
	kd_json_str(s, "dump", m->dump);
	kd_json_str(s, "capture_time", m->time);
	kd_json_str(s, "release", m->release);
	if (m->error)
		kd_json_str(s, "error", m->error);
	if (m->truncated)
		kd_json_str(s, "truncated", m->truncated);
	kd_json_end(s);
}

static void print_json(kd_session *s, struct group *g, size_t ng, size_t total, int rc)
{
	kd_json_str(s, "group_version", "1.0");
	kd_json_int(s, "reports", (int64_t)total);
	kd_json_array_begin(s, "groups");
	for (size_t i = 0; i < ng; i++) {
		kd_json_object_begin(s, NULL);
		kd_json_str(s, "kind", kind_names[g[i].m->kind]);
		kd_json_str(s, "signature", g[i].m->signature);
		kd_json_int(s, "count", (int64_t)g[i].n);
		kd_json_int(s, "truncated", (int64_t)g[i].truncated);
		kd_json_str(s, "first_seen", g[i].first);
		kd_json_str(s, "last_seen", g[i].last);
		kd_json_array_begin(s, "classifications");
		for (size_t k = 0; k < g[i].classes.len; k++)
			kd_json_str(s, NULL, g[i].classes.items[k]);
		kd_json_end(s);
		kd_json_array_begin(s, "releases");
		for (size_t k = 0; k < g[i].releases.len; k++)
			kd_json_str(s, NULL, g[i].releases.items[k]);
		kd_json_end(s);
		kd_json_str(s, "input", g[i].m->input);
		json_member(s, "example", g[i].m);
		kd_json_array_begin(s, "members");
		for (size_t k = 0; k < g[i].n; k++)
			json_member(s, NULL, &g[i].m[k]);
		kd_json_end(s);
		kd_json_end(s);
	}
	kd_json_end(s);
	char *doc = session_json_document(s, "group", rc, "");
	kd_printf(s, "%s\n", doc);
	free(doc);
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

static void group_usage(FILE *f)
{
	fprintf(f, "usage: kdive --group [--json] REPORT.json|DIRECTORY...\n"
		   "  the reports of kdive --report --format json (a directory: its *.json files) grouped by\n"
		   "  crash signature, most frequent first (doc/triage.md); --json: one document,\n"
		   "  doc/json-schema/group.json. The exit status is 1 if a file was not a readable report.\n");
}

int group_main(int argc, char **argv)
{
	bool json = false;
	static const struct option longopts[] = {{"group", no_argument, NULL, 'G'}, {"json", no_argument, NULL, 'J'},
						    {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'G': break;
		case 'J': json = true; break;
		case 'h': group_usage(stdout); return 0;
		default: group_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		group_usage(stderr);
		return 2;
	}
	VEC(struct member) ms = {0};
	for (int i = optind; i < argc; i++) {
		struct stat st;
		struct dirent **names = NULL;
		int n = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? scandir(argv[i], &names, json_file, alphasort) : -1;
		if (n < 0) {
			struct member m = {.index = ms.len};
			read_report(argv[i], &m);
			VEC_PUSH(&ms, m);
			continue;
		}
		for (int k = 0; k < n; k++) {
			char *path = xasprintf("%s/%s", argv[i], names[k]->d_name);
			struct member m = {.index = ms.len};
			read_report(path, &m);
			VEC_PUSH(&ms, m);
			free(path);
			free(names[k]);
		}
		free(names);
	}
	kd_qsort(ms.items, ms.len, sizeof(*ms.items), cmp_member);
	VEC(struct group) gs = {0};
	size_t per_kind[3] = {0};
	for (size_t i = 0; i < ms.len;) {
		struct group g = {.m = &ms.items[i]};
		while (i < ms.len && ms.items[i].kind == g.m->kind && !cmp_str_null_last(ms.items[i].signature, g.m->signature)) {
			struct member *m = &ms.items[i++];
			g.n++;
			per_kind[m->kind]++;
			g.truncated += m->truncated != NULL;
			if (m->time && (!g.first || strcmp(m->time, g.first) < 0))
				g.first = m->time;
			if (m->time && (!g.last || strcmp(m->time, g.last) > 0))
				g.last = m->time;
			if (m->release)
				VEC_PUSH(&g.releases, m->release);
			if (m->classification)
				VEC_PUSH(&g.classes, m->classification);
		}
		sort_unique(g.releases.items, &g.releases.len);
		sort_unique(g.classes.items, &g.classes.len);
		VEC_PUSH(&gs, g);
	}
	kd_qsort(gs.items, gs.len, sizeof(*gs.items), cmp_group);
	int rc = per_kind[GROUP_UNREADABLE] ? 1 : 0;
	kd_session *s = session_new();
	if (json) {
		s->json_mode = true;
		session_json_reset(s);
		if (rc)
			kd_fail(s, "%zu of %zu files are not readable kdive reports", per_kind[GROUP_UNREADABLE], ms.len);
		print_json(s, gs.items, gs.len, ms.len, rc ? -1 : 0);
	} else {
		print_text(s, gs.items, gs.len, ms.len, per_kind);
		for (size_t i = 0; i < ms.len; i++)
			if (ms.items[i].kind == GROUP_UNREADABLE)
				fprintf(stderr, "kdive: %s: %s\n", ms.items[i].report, ms.items[i].error);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kdive: write error on standard output: %s\n", strerror(errno ? errno : EIO));
		rc = 1;
	}
	session_free(s);
	for (size_t i = 0; i < gs.len; i++) {
		VEC_FREE(&gs.items[i].releases);
		VEC_FREE(&gs.items[i].classes);
	}
	VEC_FREE(&gs);
	for (size_t i = 0; i < ms.len; i++)
		member_free(&ms.items[i]);
	VEC_FREE(&ms);
	return rc;
}
