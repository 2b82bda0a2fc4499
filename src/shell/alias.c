/*
 * Command aliases, as crash keeps them: a list in definition order, crash's built-in ones
 * first, expanded as the first word of a command line (before redirection is looked for).
 */
#include <ctype.h>
#include <string.h>

#include "shell/shell.h"

struct alias_entry {
	char *name;
	char *expansion;
	enum kd_alias_origin origin;
};

struct kd_aliases {
	VEC(struct alias_entry) items;
};

/* crash 8.0.6's built-in aliases, in its order. */
static const char *const builtin_aliases[][2] = {
	{"man", "help"},   {"?", "help"},        {"quit", "q"},          {"sf", "set scroll off"},
	{"sn", "set scroll on"}, {"hex", "set radix 16"}, {"dec", "set radix 10"}, {"g", "gdb"},
	{"px", "p -x"},    {"pd", "p -d"},       {"for", "foreach"},     {"size", "*"},
	{"dmesg", "log"},  {"lsmod", "mod"},
};

static void add(struct kd_aliases *a, const char *name, const char *expansion, enum kd_alias_origin origin)
{
	struct alias_entry e = {xstrdup(name), xstrdup(expansion), origin};
	VEC_PUSH(&a->items, e);
}

static struct kd_aliases *aliases(kd_session *s)
{
	if (s->aliases)
		return s->aliases;
	struct kd_aliases *a = xcalloc(1, sizeof(*a));
	s->aliases = a;
	for (size_t i = 0; i < ARRAY_SIZE(builtin_aliases); i++)
		add(a, builtin_aliases[i][0], builtin_aliases[i][1], KD_ALIAS_BUILTIN);
	/* crash adds "last" (ps -l) when tasks record when they last ran, as every kernel it reads does. */
	if (s->dwi && (kd_member_exists(s, "sched_info", "last_arrival") || kd_member_exists(s, "task_struct", "last_run") ||
		       kd_member_exists(s, "task_struct", "timestamp")))
		add(a, "last", "ps -l", KD_ALIAS_BUILTIN);
	return a;
}

void aliases_free(kd_session *s)
{
	struct kd_aliases *a = s->aliases;
	if (!a)
		return;
	for (size_t i = 0; i < a->items.len; i++) {
		free(a->items.items[i].name);
		free(a->items.items[i].expansion);
	}
	VEC_FREE(&a->items);
	free(a);
	s->aliases = NULL;
}

static struct alias_entry *find(struct kd_aliases *a, const char *name, size_t len)
{
	for (size_t i = 0; i < a->items.len; i++)
		if (strlen(a->items.items[i].name) == len && strncmp(a->items.items[i].name, name, len) == 0)
			return &a->items.items[i];
	return NULL;
}

bool kd_alias_at(kd_session *s, size_t i, struct kd_alias *out)
{
	struct kd_aliases *a = aliases(s);
	if (i >= a->items.len)
		return false;
	const struct alias_entry *e = &a->items.items[i];
	*out = (struct kd_alias){e->name, e->expansion, e->origin};
	return true;
}

const char *kd_alias_find(kd_session *s, const char *name)
{
	const struct alias_entry *e = find(aliases(s), name, strlen(name));
	return e ? e->expansion : NULL;
}

/* The words of text separated by single spaces (quotes kept as typed). */
static char *normalise(const char *text)
{
	VEC(char) b = {0};
	const char *p = text;
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (b.len)
			VEC_PUSH(&b, ' ');
		while (*p && !isspace((unsigned char)*p))
			VEC_PUSH(&b, *p++);
	}
	VEC_PUSH(&b, '\0');
	return b.items;
}

int kd_alias_define(kd_session *s, const char *name, const char *expansion)
{
	struct kd_aliases *a = aliases(s);
	if (kd_command_find(s, name))
		return kd_fail(s, "cannot alias existing command name: %s", name);
	char *words = normalise(expansion);
	size_t first = strcspn(words, " ");
	struct alias_entry *e = find(a, name, strlen(name));
	if (!*words) {
		free(words);
		if (!e)
			return 0;
		free(e->name);
		free(e->expansion);
		size_t i = (size_t)(e - a->items.items);
		memmove(e, e + 1, (a->items.len - i - 1) * sizeof(*e));
		a->items.len--;
		return 1;
	}
	char *cmd = kd_xstrndup(words, first);
	bool ok = kd_command_find(s, cmd) != NULL || strcmp(cmd, "clear") == 0;
	if (!ok) {
		kd_fail(s, "invalid alias attempt on non-existent command: %s", cmd);
		free(cmd);
		free(words);
		return -1;
	}
	free(cmd);
	if (e) {
		/* crash replaces it: the new definition goes to the end of the list */
		free(e->name);
		free(e->expansion);
		size_t i = (size_t)(e - a->items.items);
		memmove(e, e + 1, (a->items.len - i - 1) * sizeof(*e));
		a->items.len--;
	}
	add(a, name, words, KD_ALIAS_RUNTIME);
	free(words);
	return 0;
}

char *aliases_expand(kd_session *s, const char *line)
{
	struct kd_aliases *a = aliases(s);
	char *cur = NULL;
	for (int depth = 0; depth < ALIAS_DEPTH; depth++) {
		const char *text = cur ? cur : line;
		while (isspace((unsigned char)*text))
			text++;
		size_t len = strcspn(text, " \t\n");
		const struct alias_entry *e = len ? find(a, text, len) : NULL;
		if (!e)
			break;
		char *next = xasprintf("%s%s", e->expansion, text + len);
		free(cur);
		cur = next;
		/* an alias whose expansion begins with its own name stops here (crash expands once) */
		if (strncmp(e->expansion, e->name, len) == 0 && (!e->expansion[len] || e->expansion[len] == ' '))
			break;
	}
	return cur;
}
