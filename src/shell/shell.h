/* The command shell: registry, line parsing (pipes, redirection), readline REPL. */
#ifndef KDIVE_SHELL_H
#define KDIVE_SHELL_H

#include "target/session.h"

void builtins_register(kd_session *s);
const struct kd_command *kd_command_find(kd_session *s, const char *name);
/* Run one command line; returns 0, or -1 if the command failed. */
int shell_run_line(kd_session *s, const char *line);
/* Run a command file; returns the number of failed commands, or -1 if unreadable. */
int shell_run_file(kd_session *s, const char *path);
/* Lines from stdin (terminal: readline; otherwise plain). Returns the number of failures. */
int shell_repl(kd_session *s);
/* Split a command line into argv (quotes honoured). Caller frees argv[0..argc-1] and argv. */
int shell_split(const char *line, char ***argv_out);
void shell_free_argv(int argc, char **argv);
/* Set when `q` was run: the loop stops. */
bool shell_quit_requested(kd_session *s);

#endif
