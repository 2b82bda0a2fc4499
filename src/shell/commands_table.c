/* The one command table: built-ins and extension modules register the same way. */
#include <string.h>

#include "shell/shell.h"

int kd_register_command(kd_session *s, const struct kd_command *cmd)
{
	if (!cmd || !cmd->name || !*cmd->name || !cmd->run)
		return kd_fail(s, "a command needs a name and a handler");
	if (strmap_get(&s->command_index, cmd->name))
		return kd_fail(s, "command \"%s\" is already registered", cmd->name);
	struct command_entry e = {.cmd = *cmd};
	VEC_PUSH(&s->commands, e);
	/* Index by position: the vector may move, the position does not. */
	strmap_put(&s->command_index, s->commands.items[s->commands.len - 1].cmd.name, (void *)(uintptr_t)s->commands.len);
	return 0;
}

const struct kd_command *kd_command_find(kd_session *s, const char *name)
{
	uintptr_t i = (uintptr_t)strmap_get(&s->command_index, name);
	return i ? &s->commands.items[i - 1].cmd : NULL;
}
