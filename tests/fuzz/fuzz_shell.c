/*
 * Harness 9: the shell's line parser: aliases, the shell escape, pipes, redirections and quotes
 * (shell_parse_line), and the words of the command and of the pipe's command (shell_split).
 * Nothing runs: no command table, no fork, no file. Each input line is parsed; a line starting
 * with 0x01 defines an alias first (its first word the name, the rest the expansion), so that
 * expansions reach the parser too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shell/shell.h"

static kd_session *S;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	S = session_new();
	return 0;
}

static void split(const char *text)
{
	char **argv;
	int argc = shell_split(text, &argv);
	shell_free_argv(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return -1;
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '\x01') {
			char *sp = strchr(line + 1, ' ');
			if (sp)
				*sp++ = '\0';
			kd_alias_define(S, line + 1, sp ? sp : "");
			continue;
		}
		struct shell_line l;
		if (shell_parse_line(S, line, &l) == 0 && !l.shell_escape) {
			split(l.cmd);
			if (l.pipe_cmd)
				split(l.pipe_cmd);
		}
		shell_line_free(&l);
	}
	aliases_free(S); /* the built-in ones again */
	kd_clear_error(S);
	free(text);
	return 0;
}
