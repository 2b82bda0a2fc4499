/* The built-in commands, registered through the same API as extension modules. */
#include "shell.h"

extern const struct kd_command kd_cmd_help, kd_cmd_sym, kd_cmd_rd, kd_cmd_eval, kd_cmd_sys, kd_cmd_log, kd_cmd_set,
	kd_cmd_extend, kd_cmd_q, kd_cmd_quit, kd_cmd_exit;

void builtins_register(kd_session *s)
{
	const struct kd_command *all[] = {
		&kd_cmd_eval, &kd_cmd_extend, &kd_cmd_help, &kd_cmd_log, &kd_cmd_q, &kd_cmd_rd,
		&kd_cmd_set, &kd_cmd_sym, &kd_cmd_sys, &kd_cmd_quit, &kd_cmd_exit,
	};
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		kd_register_command(s, all[i]);
}
