/* The command shell: registry, line parsing (pipes, redirection), readline REPL. */
#ifndef KDIVE_SHELL_H
#define KDIVE_SHELL_H

#include "target/session.h"

void builtins_register(kd_session *s);
/* Run one command line; returns 0, or -1 if the command failed. */
int shell_run_line(kd_session *s, const char *line);
/* Run a command file; returns the number of failed commands, or -1 if unreadable or not text. */
int shell_run_file(kd_session *s, const char *path);
/* A command file's whole text (malloc'ed), or NULL with why in msg: unreadable, a directory, larger
 * than 64 MiB, or not text (a NUL byte, a control character other than tab, CR, FF and VT, or
 * invalid UTF-8), so that a dump given as the command file runs nothing. */
char *shell_read_command_file(const char *path, char *msg, size_t msgsize);
/* Run the lines of text, a command file's (read by shell_read_command_file from path, which the
 * session notes as an input); returns the number of failed commands. */
int shell_run_text(kd_session *s, const char *path, const char *text);
/* Lines from stdin (terminal: readline; otherwise plain). Returns the number of failures. */
int shell_repl(kd_session *s);
/* Tab completion by context (complete.c), for the REPL's readline. */
void shell_completion_begin(kd_session *s);
void shell_completion_end(void);
/* A command line taken apart by shell_parse_line, nothing run: for shell_run_line, and for
 * the fuzzing harness of the parser (tests/fuzz/), which must never fork or write a file. */
struct shell_line {
	char *buf;         /* owned: the pointers below point into it */
	char *typed;       /* owned: the line as typed, trimmed (before its alias is replaced) */
	char *cmd;         /* the command, its alias replaced, trimmed; "" for a blank line or comment */
	bool shell_escape; /* cmd is "!...": the rest is for /bin/sh */
	char *pipe_cmd;    /* after the first unquoted |, or NULL */
	char *redir;       /* the file after the first unquoted > (or >>) before any |, or NULL */
	bool append;       /* >> */
	size_t not_text_col; /* not 0: the line is not text (a control byte, invalid UTF-8) from here, 1-based */
	unsigned char not_text_byte;
};
/* Returns 0, or -1: a line that is not text (not_text_col), or (the session's error says why) a
 * pipe without a command or a redirection without a file name; free l with shell_line_free
 * either way. */
int shell_parse_line(kd_session *s, const char *line, struct shell_line *l);
void shell_line_free(struct shell_line *l);
/* Split a command line into argv (quotes honoured). Caller frees argv[0..argc-1] and argv. */
int shell_split(const char *line, char ***argv_out);
void shell_free_argv(int argc, char **argv);
/* kdive --group [--json] REPORT.json|DIRECTORY... (group.c): many dumps' JSON reports grouped by
 * crash signature (doc/triage.md); argv as main's. Returns the exit status. */
int group_main(int argc, char **argv);
/* Set when `q` was run: the loop stops. */
bool shell_quit_requested(kd_session *s);

/* The command table (commands_table.c): add a command in kdive's own layout, owned by a
 * module (owner: its name) or built in (NULL); remove every command a module owns. */
int command_table_add(kd_session *s, const struct kd_command *cmd, const char *owner);
void command_table_remove_owner(kd_session *s, const char *owner);

/* Extension modules (extensions.c; the API is kd_module_load/unload). While a module's init
 * runs, the commands it registers are its own, in the layout of its API version: returns
 * its name and sets *command_size, or NULL outside any module's init. */
const char *extensions_loading(kd_session *s, size_t *command_size);
/* Load every *.so of ${XDG_CONFIG_HOME:-~/.config}/kdive/extensions, in name order; a line
 * each on stdout unless silent, failures on stderr. Returns the number that failed. */
int extensions_load_startup(kd_session *s);
/* Unload every module (each fini runs) and free the table: at exit. */
void extensions_free(kd_session *s);

/* Aliases (alias.c; the API is kd_alias_*): the command line with its first word replaced by
 * what that alias stands for, again while the new first word is an alias (at most
 * ALIAS_DEPTH times); NULL when the first word is no alias. The caller frees it. */
/* One of crash 8.0.6's command names (its help list): such a word is never a structure name. */
bool shell_crash_command_name(const char *name);

#define ALIAS_DEPTH 8
char *aliases_expand(kd_session *s, const char *line);
void aliases_free(kd_session *s);

#endif
