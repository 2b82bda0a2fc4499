/* The one command table: built-ins and extension modules register the same way. */
#include <string.h>

#include "shell/shell.h"

int command_table_add(kd_session *s, const struct kd_command *cmd, const char *owner)
{
	if (!cmd || !cmd->name || !*cmd->name || !cmd->run)
		return kd_fail(s, "a command needs a name and a handler");
	if (strmap_get(&s->command_index, cmd->name))
		return kd_fail(s, "command \"%s\" is already registered", cmd->name);
	struct command_entry e = {.cmd = *cmd, .owner = owner ? xstrdup(owner) : NULL};
	VEC_PUSH(&s->commands, e);
	/* Index by position: the vector may move, the position does not. */
	strmap_put(&s->command_index, s->commands.items[s->commands.len - 1].cmd.name, (void *)(uintptr_t)s->commands.len);
	return 0;
}

int kd_register_command(kd_session *s, const struct kd_command *cmd)
{
	size_t size;
	const char *owner = extensions_loading(s, &size);
	if (!owner || !cmd)
		return command_table_add(s, cmd, NULL);
	/* A module's init: its struct kd_command may be an older, shorter layout. */
	struct kd_command c = {0};
	memcpy(&c, cmd, MIN(size, sizeof(c)));
	return command_table_add(s, &c, owner);
}

void command_table_remove_owner(kd_session *s, const char *owner)
{
	size_t kept = 0;
	for (size_t i = 0; i < s->commands.len; i++) {
		struct command_entry *e = &s->commands.items[i];
		if (e->owner && strcmp(e->owner, owner) == 0)
			free(e->owner);
		else
			s->commands.items[kept++] = *e;
	}
	if (kept == s->commands.len)
		return;
	s->commands.len = kept;
	/* Positions moved: index them again. */
	strmap_free(&s->command_index); /* empties it */
	for (size_t i = 0; i < s->commands.len; i++)
		strmap_put(&s->command_index, s->commands.items[i].cmd.name, (void *)(uintptr_t)(i + 1));
}

const char *kd_command_owner(kd_session *s, const char *name)
{
	uintptr_t i = (uintptr_t)strmap_get(&s->command_index, name);
	return i ? s->commands.items[i - 1].owner : NULL;
}

size_t kd_command_count(kd_session *s)
{
	return s->commands.len;
}

const struct kd_command *kd_command_at(kd_session *s, size_t i)
{
	return i < s->commands.len ? &s->commands.items[i].cmd : NULL;
}

const struct kd_command *kd_command_find(kd_session *s, const char *name)
{
	uintptr_t i = (uintptr_t)strmap_get(&s->command_index, name);
	return i ? &s->commands.items[i - 1].cmd : NULL;
}
