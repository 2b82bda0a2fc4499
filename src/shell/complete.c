/*
 * Tab completion by context, for the REPL (readline): what the word under the cursor can be
 * depends on the command and on the word itself.
 *   first word                      command names
 *   after `help`                    command names and help's topics (input, output)
 *   a word starting with '-'        the command's options, read from its synopsis
 *   after `>`, `>>`, or `extend`    file names
 *   TYPE.partial, EXPR.partial,     the members of that structure or union (of the type the
 *   EXPR->partial                   expression has, through one pointer)
 *   after `struct`, `union`, `*`    structure (union) tags and typedefs
 *   after `ptype`, `whatis`         every type name, and symbols
 *   after a task-taking command     PIDs and command names of the task table
 *   anything else                   symbols
 * Every candidate list is built whole on the first call (readline's state 0), sorted and
 * without duplicates, then handed out one by one.
 */
#include <ctype.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/ctype.h"
#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"
#include "lang/c_expr.h"
#include "shell/shell.h"
#include "target/session.h"

/* readline's callbacks take no user pointer: the REPL lends them its session. */
static kd_session *completion_session;

/* The candidates of the current completion, sorted and unique. */
static VEC(char *) cands;
static size_t cand_next;

static void cands_clear(void)
{
	for (size_t i = 0; i < cands.len; i++)
		free(cands.items[i]);
	cands.len = 0;
	cand_next = 0;
}

static void cand_add(const char *prefix, const char *name, size_t plen)
{
	VEC_PUSH(&cands, xasprintf("%.*s%s", (int)plen, prefix, name));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cands_finish(void)
{
	kd_qsort(cands.items, cands.len, sizeof(*cands.items), cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < cands.len; i++) {
		if (n && strcmp(cands.items[n - 1], cands.items[i]) == 0) {
			free(cands.items[i]);
			continue;
		}
		cands.items[n++] = cands.items[i];
	}
	cands.len = n;
}

static char *cand_generator(const char *text, int state)
{
	(void)text;
	(void)state;
	return cand_next < cands.len ? xstrdup(cands.items[cand_next++]) : NULL;
}

/* ---- the kinds of candidates ---- */

static void add_commands(kd_session *s, const char *text)
{
	size_t len = strlen(text);
	for (size_t i = 0; i < s->commands.len; i++) {
		const struct kd_command *c = &s->commands.items[i].cmd;
		if (!(c->flags & KD_CMD_HIDDEN) && strncmp(c->name, text, len) == 0)
			cand_add("", c->name, 0);
	}
}

static void add_symbols(kd_session *s, const char *text)
{
	size_t len = strlen(text);
	if (!s->symtab || len == 0)
		return;
	for (size_t i = 0; i < s->symtab->nsyms; i++) {
		const struct ksym *k = &s->symtab->syms[i];
		if (strncmp(k->name, text, len) == 0)
			cand_add("", k->name, 0);
	}
}

struct name_match {
	const char *text;
	size_t len;
};

static bool on_name(const char *name, void *arg)
{
	const struct name_match *m = arg;
	if (strncmp(name, m->text, m->len) == 0)
		cand_add("", name, 0);
	return true;
}

static void add_type_names(kd_session *s, const char *text, const enum dwi_kind *kinds, size_t nkinds)
{
	if (!s->dwi)
		return;
	struct name_match m = {text, strlen(text)};
	for (size_t i = 0; i < nkinds; i++)
		dwi_foreach(s->dwi, kinds[i], on_name, &m);
}

/* The members of a structure or union, those of its anonymous members inlined, as C names them. */
static void add_members(kd_session *s, struct ctype *t, const char *prefix, size_t plen, const char *partial, int depth)
{
	t = ctype_resolve(s, t);
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION) || depth > 8)
		return;
	ctype_complete(s, t);
	size_t len = strlen(partial);
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		if (!m->name)
			add_members(s, m->type, prefix, plen, partial, depth + 1);
		else if (strncmp(m->name, partial, len) == 0)
			cand_add(prefix, m->name, plen);
	}
}

/* TYPE.partial (after struct/union), or EXPR.partial / EXPR->partial: the members. */
static bool add_member_path(kd_session *s, const char *text, bool type_first)
{
	const char *dot = strrchr(text, '.'), *arrow = NULL;
	for (const char *p = text; (p = strstr(p, "->")); p += 2)
		arrow = p;
	const char *sep = dot && (!arrow || dot > arrow) ? dot : arrow;
	if (!sep)
		return false;
	size_t seplen = sep == arrow && sep != dot ? 2 : 1;
	char *base = xasprintf("%.*s", (int)(sep - text), text);
	const char *partial = sep + seplen;
	struct ctype *t = NULL;
	if (type_first && !strpbrk(base, "-(*[")) {
		/* TYPE or TYPE.member.path */
		char *first = xstrdup(base), *rest = strchr(first, '.');
		if (rest)
			*rest++ = '\0';
		const kd_type *kt = kd_type_find(s, first);
		struct kd_member_info mi;
		if (kt && rest && kd_type_member(s, kt, rest, &mi) == 0)
			kt = mi.type;
		else if (rest)
			kt = NULL;
		kd_clear_error(s);
		t = (struct ctype *)kt;
		free(first);
	} else {
		struct cvalue v;
		if (cexpr_eval(s, base, &v) == 0)
			t = v.type;
		kd_clear_error(s);
	}
	t = t ? ctype_resolve(s, t) : NULL;
	if (t && t->kind == CT_PTR) /* p->member, and crash's p.member through a pointer */
		t = ctype_resolve(s, t->target);
	if (t)
		add_members(s, t, text, (size_t)(partial - text), partial, 0);
	free(base);
	return true;
}

static void add_tasks(kd_session *s, const char *text)
{
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt) {
		kd_clear_error(s);
		return;
	}
	size_t len = strlen(text);
	char pid[24];
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		snprintf(pid, sizeof(pid), "%d", t->pid);
		if (strncmp(pid, text, len) == 0)
			cand_add("", pid, 0);
		if (len && strncmp(t->comm, text, len) == 0 && !strpbrk(t->comm, " \t'\""))
			cand_add("", t->comm, 0);
	}
}

/* The options a command's synopsis shows: "[-a|-c cpu]", "-[kKV]", "[-s [-x|d]]". */
static void add_options(const struct kd_command *c, const char *text)
{
	if (!c || !c->synopsis)
		return;
	size_t len = strlen(text);
	const char *p = c->synopsis;
	while ((p = strchr(p, '-'))) {
		p++;
		char opt[8] = "-";
		if (*p == '[') { /* -[kKV]: each letter */
			for (p++; *p && *p != ']'; p++)
				if (isalnum((unsigned char)*p)) {
					opt[1] = *p;
					opt[2] = '\0';
					if (strncmp(opt, text, len) == 0)
						cand_add("", opt, 0);
				}
			continue;
		}
		if (!isalnum((unsigned char)*p) || (p >= c->synopsis + 2 && isalnum((unsigned char)p[-2])))
			continue; /* a dash inside a word ("per-cpu") */
		size_t n = 0;
		while (isalnum((unsigned char)p[n]) && n < 3)
			n++;
		if (isalnum((unsigned char)p[n]))
			continue; /* a word, not an option */
		memcpy(opt + 1, p, n);
		opt[n + 1] = '\0';
		if (strncmp(opt, text, len) == 0)
			cand_add("", opt, 0);
	}
}

static bool is_one_of(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

static const char *const TASK_COMMANDS[] = {"bt", "ps", "set", "files", "vm", "task", "sig", "net", "foreach", "fuser", NULL};

static char **complete(const char *text, int start, int end)
{
	(void)end;
	kd_session *s = completion_session;
	rl_attempted_completion_over = 1;
	cands_clear();
	/* the words before the cursor's */
	char *before = xasprintf("%.*s", start, rl_line_buffer);
	char **argv = NULL;
	int argc = shell_split(before, &argv);
	const char *cmdname = argc > 0 ? argv[0] : NULL;
	const char *prev = argc > 0 ? argv[argc - 1] : NULL;
	bool redirect = prev && (strcmp(prev, ">") == 0 || strcmp(prev, ">>") == 0);
	size_t blen = strlen(before);
	while (blen && isspace((unsigned char)before[blen - 1]))
		blen--;
	if (blen && before[blen - 1] == '>')
		redirect = true;
	char **matches = NULL;
	if (!cmdname) {
		add_commands(s, text);
	} else if (redirect || strcmp(cmdname, "extend") == 0) {
		rl_attempted_completion_over = 0; /* readline's file names */
		shell_free_argv(argc, argv);
		free(before);
		return NULL;
	} else if (text[0] == '-' && !strpbrk(text, ">.")) {
		add_options(kd_command_find(s, cmdname), text);
	} else if (strcmp(cmdname, "help") == 0) {
		add_commands(s, text);
		static const char *const topics[] = {"input", "output", NULL};
		for (const char *const *t = topics; *t; t++)
			if (strncmp(*t, text, strlen(text)) == 0)
				cand_add("", *t, 0);
	} else if (strcmp(cmdname, "struct") == 0 || strcmp(cmdname, "union") == 0 || strcmp(cmdname, "*") == 0) {
		if (!add_member_path(s, text, true)) {
			static const enum dwi_kind st[] = {DWI_STRUCT, DWI_TYPEDEF}, un[] = {DWI_UNION, DWI_TYPEDEF};
			add_type_names(s, text, strcmp(cmdname, "union") == 0 ? un : st, 2);
		}
	} else if (strcmp(cmdname, "ptype") == 0 || strcmp(cmdname, "whatis") == 0) {
		if (!add_member_path(s, text, false)) {
			static const enum dwi_kind all[] = {DWI_STRUCT, DWI_UNION, DWI_ENUM, DWI_TYPEDEF, DWI_BASE};
			add_type_names(s, text, all, sizeof(all) / sizeof(all[0]));
			add_symbols(s, text);
		}
	} else if (is_one_of(cmdname, TASK_COMMANDS) && !strpbrk(text, ".>")) {
		add_tasks(s, text);
	} else if (!add_member_path(s, text, false)) {
		add_symbols(s, text);
	}
	shell_free_argv(argc, argv);
	free(before);
	cands_finish();
	if (cands.len)
		matches = rl_completion_matches(text, cand_generator);
	return matches;
}

void shell_completion_begin(kd_session *s)
{
	completion_session = s;
	rl_attempted_completion_function = complete;
	/* '.' and "->" stay inside a word (init_task.pid, p->comm): no break at '>' or '-' */
	rl_completer_word_break_characters = " \t\n\"\\'`@$<=;|&{(";
}

void shell_completion_end(void)
{
	cands_clear();
	VEC_FREE(&cands);
	completion_session = NULL;
}
