#define _GNU_SOURCE /* fopencookie */
#include "shell/shell.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debuginfo/symbols.h"
#include "debuginfo/types.h"
#include "linux/tasks.h"

bool shell_quit_requested(kd_session *s)
{
	return s->quit;
}

void shell_free_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int shell_split(const char *line, char ***argv_out)
{
	VEC(char *) args = {0};
	const char *p = line;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		VEC(char) word = {0};
		/*
		 * A word that is one single-quoted string without blanks keeps its quotes, as crash
		 * passes it on: ps and foreach take 'regex' arguments by their quotes.
		 */
		if (*p == '\'') {
			const char *close = strchr(p + 1, '\'');
			if (close && close > p + 1 && (!close[1] || isspace((unsigned char)close[1]))) {
				const char *q = p + 1;
				while (q < close && !isspace((unsigned char)*q))
					q++;
				if (q == close) {
					VEC_PUSH(&args, kd_xstrndup(p, (size_t)(close - p) + 1));
					p = close + 1;
					continue;
				}
			}
		}
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q)
					VEC_PUSH(&word, *p++);
				if (*p)
					p++;
			} else {
				VEC_PUSH(&word, *p++);
			}
		}
		VEC_PUSH(&word, '\0');
		VEC_PUSH(&args, word.items);
	}
	VEC_PUSH(&args, NULL);
	*argv_out = args.items;
	return (int)args.len - 1;
}

/*
 * Position of the first unquoted occurrence of c, or NULL. As in crash, "->" and
 * anything inside parentheses belong to an expression: no redirection, no pipe.
 */
static char *find_unquoted(char *s, char c)
{
	char q = 0;
	int depth = 0;
	const char *start = s;
	for (; *s; s++) {
		if (q) {
			if (*s == q)
				q = 0;
		} else if (*s == '"' || *s == '\'') {
			q = *s;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')' && depth > 0) {
			depth--;
		} else if (*s == c && depth == 0 && !(c == '>' && s > start && s[-1] == '-')) {
			return s;
		}
	}
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	str_rstrip(s);
	return s;
}

struct output {
	FILE *fp;
	bool is_pipe;
	bool is_filter; /* the terminal filter over stdout, or over the pager */
	FILE *under;    /* what the filter writes to (stdout, or the pager's pipe) */
	char file[256]; /* a redirection's file, for its write error */
};

/*
 * Text from a dump (a task's comm, a log record, a file name) may hold any byte: an escape
 * sequence reaching the terminal would move the cursor, change its title or worse. Output
 * that ends on a terminal (directly or through the pager) goes through this filter, which
 * shows each control byte but tab and newline as '?', one column as the byte it replaces
 * took, so that tables stay aligned. A file or a pipe named on the command line gets the
 * bytes as they are.
 */
static ssize_t tty_filter_write(void *cookie, const char *buf, size_t len)
{
	FILE *under = cookie;
	char tmp[4096];
	size_t done = 0;
	while (done < len) {
		size_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[done + i];
			tmp[i] = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : (char)c;
		}
		if (fwrite(tmp, 1, n, under) != n)
			return done ? (ssize_t)done : -1;
		done += n;
	}
	return (ssize_t)len;
}

static int tty_filter_flush_close(void *cookie)
{
	return fflush((FILE *)cookie) == 0 ? 0 : -1;
}

static FILE *tty_filter_open(FILE *under)
{
	cookie_io_functions_t io = {.write = tty_filter_write, .close = tty_filter_flush_close};
	FILE *fp = fopencookie(under, "w", io);
	if (fp)
		setvbuf(fp, NULL, _IOLBF, 0); /* a line at a time, as on the terminal itself */
	return fp;
}

/* Where the output ends up is a terminal: stdout is one, and no file or pipe was named. */
static void filter_for_terminal(struct output *o)
{
	FILE *under = o->fp ? o->fp : stdout;
	if (!isatty(STDOUT_FILENO))
		return;
	FILE *fp = tty_filter_open(under);
	if (!fp)
		return; /* unfiltered output is better than none */
	o->under = o->fp;
	o->fp = fp;
	o->is_filter = true;
}

static size_t not_text_at(const unsigned char *t, size_t len);

/*
 * Take a command line apart, running nothing (see shell.h): blank or a comment, not text, a
 * shell escape, or a command with its pipe and redirection. The alias is replaced first: its
 * expansion may hold a pipe or a redirection.
 */
int shell_parse_line(kd_session *s, const char *line, struct shell_line *l)
{
	memset(l, 0, sizeof(*l));
	l->buf = xstrdup(line);
	l->cmd = trim(l->buf);
	if (!*l->cmd || *l->cmd == '#') {
		*l->cmd = '\0';
		l->typed = xstrdup("");
		return 0;
	}
	l->typed = xstrdup(l->cmd);
	/* Binary bytes (a dump piped in by mistake, line noise) are no command: nothing of such a
	 * line runs, not even its redirection, which would create a file of a garbage name. */
	size_t clen = strlen(l->cmd), bad = not_text_at((const unsigned char *)l->cmd, clen);
	if (bad < clen) {
		l->not_text_col = bad + 1;
		l->not_text_byte = (unsigned char)l->cmd[bad];
		return -1;
	}
	if (*l->cmd != '!') {
		char *expanded = aliases_expand(s, l->cmd);
		if (expanded) {
			free(l->buf);
			l->buf = expanded;
			l->cmd = trim(l->buf);
		}
	}
	if (*l->cmd == '!') {
		l->shell_escape = true;
		return 0;
	}
	char *bar = find_unquoted(l->cmd, '|');
	if (bar) {
		*bar = '\0';
		l->pipe_cmd = trim(bar + 1);
		if (!*l->pipe_cmd)
			return kd_fail(s, "pipe without a command");
	}
	char *redir = find_unquoted(l->cmd, '>');
	if (redir) {
		l->append = redir[1] == '>';
		*redir = '\0';
		l->redir = trim(redir + (l->append ? 2 : 1));
		if (!*l->redir)
			return kd_fail(s, "redirection without a file name");
	}
	return 0;
}

void shell_line_free(struct shell_line *l)
{
	free(l->buf);
	free(l->typed);
	memset(l, 0, sizeof(*l));
}

static int open_output(kd_session *s, const struct shell_line *l, struct output *o)
{
	o->fp = NULL;
	o->is_pipe = false;
	o->is_filter = false;
	o->under = NULL;
	/* a program that set the output itself (an embedder, the unit tests) chose somewhere else */
	s->out_elsewhere = s->out != stdout;
	const char *pipe_cmd = l->pipe_cmd;
	if (l->redir) {
		bool append = l->append;
		const char *file = l->redir;
		/* opened without truncating, so that a file the session reads (the dump, vmlinux...) is
		 * refused before anything is written to it, whatever name or link it is reached by */
		int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : 0), 0666);
		if (fd < 0)
			return kd_fail(s, "%s: %s", file, strerror(errno));
		struct stat st;
		const char *what = fstat(fd, &st) == 0 ? session_input_what(s, st.st_dev, st.st_ino) : NULL;
		if (what) {
			close(fd);
			return kd_fail(s, "%s: the session's %s: not overwritten", file, what);
		}
		if (!append && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
			int e = errno;
			close(fd);
			return kd_fail(s, "%s: %s", file, strerror(e));
		}
		snprintf(o->file, sizeof(o->file), "%s", file);
		o->fp = fdopen(fd, append ? "a" : "w");
		if (!o->fp) {
			int e = errno;
			close(fd);
			return kd_fail(s, "%s: %s", file, strerror(e));
		}
		s->out_elsewhere = true;
		return 0;
	}
	if (pipe_cmd) {
		fflush(stdout);
		o->fp = popen(pipe_cmd, "w");
		if (!o->fp)
			return kd_fail(s, "cannot run \"%s\": %s", pipe_cmd, strerror(errno));
		o->is_pipe = true;
		s->out_elsewhere = true;
		return 0;
	}
	if (s->interactive && s->scroll && isatty(STDOUT_FILENO)) {
		const char *pager = getenv("KDIVE_PAGER");
		fflush(stdout);
		o->fp = popen(pager && *pager ? pager : "less -E -X", "w");
		o->is_pipe = o->fp != NULL;
	}
	if (s->out == stdout)
		filter_for_terminal(o);
	return 0;
}

/* Closes the command's output; a redirection's file that could not be written (a full disk,
 * /dev/full) fails the command, as a lost output must not pass for a good one. */
static int close_output(kd_session *s, struct output *o)
{
	s->out = stdout;
	s->out_elsewhere = false;
	if (!o->fp)
		return 0;
	if (o->is_filter) {
		fclose(o->fp); /* flushes into what it filters for */
		o->fp = o->under;
		if (!o->fp)
			return 0;
	}
	if (o->is_pipe) {
		pclose(o->fp); /* a reader that stops early (head) is no error */
		return 0;
	}
	int bad = ferror(o->fp) ? (errno ? errno : EIO) : 0;
	if (fclose(o->fp) != 0 && !bad)
		bad = errno ? errno : EIO;
	return bad ? kd_fail(s, "%s: write error: %s", o->file, strerror(bad)) : 0;
}

/*
 * Words crash accepts in command position that are not command names: p/x (a
 * command with gdb's print format), *type (the pointer-to short-cut) and a bare
 * structure or union name (task_struct ADDR). The command sees argv[0] as typed.
 */
/* crash 8.0.6's command names: a word that names one of them is that command or not
 * found, never a structure of the same name (mount, net, timer are structures too). */
bool shell_crash_command_name(const char *name)
{
	static const char *const names[] = {
		"alias", "ascii", "bpf", "bt", "btop", "dev", "dis", "eval", "exit", "extend", "files",
		"foreach", "fuser", "gdb", "help", "ipcs", "irq", "kmem", "list", "log", "mach", "mod",
		"mount", "net", "p", "ps", "pte", "ptob", "ptov", "q", "rd", "repeat", "runq", "sbitmapq",
		"search", "set", "sig", "struct", "swap", "sym", "sys", "task", "timer", "tree", "union",
		"vm", "vtop", "waitq", "whatis", "wr",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static const struct kd_command *implied_command(kd_session *s, const char *name)
{
	char buf[256];
	const char *slash = strchr(name, '/');
	if (slash && slash != name && (size_t)(slash - name) < sizeof(buf)) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(slash - name), name);
		return kd_command_find(s, buf);
	}
	if (name[0] == '*')
		return kd_command_find(s, "*");
	if (!s->dwi || (!isalpha((unsigned char)name[0]) && name[0] != '_') || shell_crash_command_name(name))
		return NULL;
	static const char *const kinds[] = {"struct", "union"};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(buf, sizeof(buf), "%s %.*s", kinds[i], (int)strcspn(name, ".,"), name);
		if (kd_type_exists(s, buf))
			return kd_command_find(s, kinds[i]);
	}
	return NULL;
}

static int run_argv(kd_session *s, int argc, char **argv)
{
	const struct kd_command *cmd = kd_command_find(s, argv[0]);
	if (!cmd)
		cmd = implied_command(s, argv[0]);
	if (!cmd) {
		return kd_fail(s, "command not found: %s", argv[0]);
	}
	if ((cmd->flags & KD_CMD_NEEDS_DUMP) && !mem_available(s))
		return kd_fail(s, "no dump is open");
	optind = 0; /* commands parse options with getopt: reset it (GNU: 0 reinitialises) */
	opterr = 1; /* getopt's own message for a bad option, as crash's, unless the command turns it off */
	return cmd->run(s, argc, argv);
}

/* Where text stops being text a command file may hold: its offset, or len when all of it is. */
static size_t not_text_at(const unsigned char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = t[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f)
				return i;
			i++;
			continue;
		}
		/* UTF-8: a lead byte and its continuation bytes, no overlong forms, no surrogates */
		size_t n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
		if (!n || n >= len - i)
			return i;
		unsigned char c1 = t[i + 1];
		if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
			return i;
		for (size_t k = 1; k <= n; k++)
			if ((t[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

int kd_run_command(kd_session *s, const char *line_in)
{
	char *expanded = aliases_expand(s, line_in);
	char **argv;
	int argc = shell_split(expanded ? expanded : line_in, &argv);
	int rc = 0;
	if (argc > 0) {
		kd_err_clear(&s->err);
		rc = run_argv(s, argc, argv);
		const struct kd_command *cmd = rc < 0 && s->err.code == KD_EUSAGE ? kd_command_find(s, argv[0]) : NULL;
		if (cmd)
			fprintf(s->out, "Usage:\n  %s\nEnter \"help %s\" for details.\n", cmd->synopsis ? cmd->synopsis : cmd->name,
				cmd->name);
	}
	shell_free_argv(argc, argv);
	free(expanded);
	return rc;
}

/*
 * kd_run_capture (API 1.5): a nested command's text output into memory, so that a command
 * built on others (report) shows exactly what they print. In JSON mode the nested command's
 * result goes into the open JSON tree as usual (its text, if any, is captured); whatever it
 * left open when it failed is closed, so the caller's tree stays balanced.
 */
int kd_run_capture(kd_session *s, const char *line, char **text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem) {
		if (text)
			*text = xstrdup("");
		return kd_fail(s, "cannot capture output: %s", strerror(errno));
	}
	FILE *saved = s->out;
	int depth = kd_json_depth(s);
	s->out = mem;
	int rc = kd_run_command(s, line);
	fflush(mem);
	s->out = saved;
	while (kd_json_depth(s) > depth)
		kd_json_end(s);
	fclose(mem);
	if (text)
		*text = buf ? buf : xstrdup("");
	else
		free(buf);
	return rc;
}

int shell_run_line(kd_session *s, const char *line_in)
{
	struct shell_line l;
	int rc = shell_parse_line(s, line_in, &l);
	if (rc == 0 && !*l.cmd)
		goto out;
	session_sigint = 0; /* a Ctrl-C at the prompt is no interruption of this command */
	if (s->echo && !s->interactive) { /* set echo on: a batch run's output reads as a session */
		fflush(stdout);
		printf("%s> %s\n", s->progname ? s->progname : "kdive", l.typed);
	}
	if (l.not_text_col) {
		fflush(stdout);
		fprintf(stderr, "not a command: byte 0x%02x at column %zu is not text; the line was not run\n",
			l.not_text_byte, l.not_text_col);
		goto out;
	}
	if (rc < 0)
		goto report;
	if (l.shell_escape) {
		fflush(stdout);
		int st = system(l.cmd + 1);
		rc = st == 0 ? 0 : -1;
		if (rc)
			kd_fail(s, "shell command exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : st);
		goto report;
	}
	struct output o;
	kd_err_clear(&s->err);
	if (open_output(s, &l, &o) < 0) {
		rc = -1;
		goto report;
	}
	char **argv;
	int argc = shell_split(l.cmd, &argv);
	/* JSON: the command's text is captured; its document goes where its output would have */
	char *jtext = NULL;
	size_t jlen = 0;
	FILE *jcap = s->json_mode && argc > 0 ? open_memstream(&jtext, &jlen) : NULL;
	FILE *jreal = o.fp ? o.fp : s->out;
	if (jcap)
		session_json_reset(s);
	if (argc > 0 && kd_target(s)->live)
		tasks_free(s); /* the running kernel: each command reads the tasks as they are now, as crash does */
	if (argc > 0) {
		if (o.fp)
			s->out = o.fp;
		if (jcap)
			s->out = jcap;
		kd_err_clear(&s->err);
		rc = run_argv(s, argc, argv);
		/* kd_usage(): crash's usage block, where the output goes. */
		const struct kd_command *cmd = rc < 0 && s->err.code == KD_EUSAGE ? kd_command_find(s, argv[0]) : NULL;
		if (cmd)
			fprintf(s->out, "Usage:\n  %s\nEnter \"help %s\" for details.\n", cmd->synopsis ? cmd->synopsis : cmd->name,
				cmd->name);
		/* Like crash, an error goes where the output goes (a file or a pipe), and to the terminal. */
		if (rc < 0 && s->out_elsewhere && s->err.msg[0] && !jcap)
			fprintf(s->out, "%s: %s\n", argv[0], s->err.msg);
		fflush(s->out);
	}
	if (jcap) {
		fclose(jcap);
		if (rc < 0 && s->err.code == KD_EUSAGE && !s->err.msg[0]) { /* the usage block is in the text */
			const struct kd_command *uc = kd_command_find(s, argv[0]);
			kd_err_set(&s->err, KD_EUSAGE, "usage: %s", uc && uc->synopsis ? uc->synopsis : argv[0]);
		}
		char *cmdline = xstrdup(l.cmd);
		str_rstrip(cmdline);
		char *doc = session_json_document(s, cmdline, rc, jtext);
		free(cmdline);
		s->out = jreal;
		fprintf(jreal, "%s\n", doc);
		fflush(jreal);
		free(doc);
		free(jtext);
	}
	shell_free_argv(argc, argv);
	if (close_output(s, &o) < 0)
		rc = -1;
report:
	/* Ctrl-C: the command stopped where it was; nothing more to say than the prompt. */
	if (session_sigint || s->err.code == KD_EINTR) {
		session_sigint = 0;
		kd_err_clear(&s->err);
		rc = -1;
		goto out;
	}
	/* A failure without a message has said what it had to (crash's usage text, for one). */
	if (rc < 0 && s->err.msg[0]) {
		fflush(stdout);
		char *sp = strpbrk(l.cmd, " \t");
		int n = sp ? (int)(sp - l.cmd) : (int)strlen(l.cmd);
		/* the message may quote the dump or the user: no control byte reaches the terminal */
		char *msg = xasprintf("%.*s: %s", n, l.cmd, s->err.msg);
		str_mask_controls(msg);
		fprintf(stderr, "%s\n", msg);
		free(msg);
	}
out:
	shell_line_free(&l);
	return rc;
}

#define COMMAND_FILE_MAX (64u << 20)


char *shell_read_command_file(const char *path, char *msg, size_t msgsize)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t len = 0, cap = 4096;
	char *text = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > COMMAND_FILE_MAX) {
				snprintf(msg, msgsize, "%s: larger than %u MiB: not a command file", path, COMMAND_FILE_MAX >> 20);
				goto fail;
			}
			cap *= 2;
			text = xrealloc(text, cap);
		}
		size_t n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		goto fail;
	}
	text[len] = '\0';
	size_t at = not_text_at((const unsigned char *)text, len);
	if (at < len) {
		snprintf(msg, msgsize, "%s: not a command file: byte 0x%02x at offset %zu is not text", path,
			 (unsigned char)text[at], at);
		goto fail;
	}
	fclose(f);
	return text;
fail:
	fclose(f);
	free(text);
	return NULL;
}

int shell_run_text(kd_session *s, const char *path, const char *text)
{
	session_note_input(s, path, "command file");
	int failures = 0;
	const char *p = text;
	while (!s->quit && *p) {
		size_t n = strcspn(p, "\n");
		char *line = kd_xstrndup(p, n);
		if (shell_run_line(s, line) < 0)
			failures++;
		free(line);
		p += n + (p[n] == '\n');
	}
	return failures;
}

int shell_run_file(kd_session *s, const char *path)
{
	char msg[512];
	char *text = shell_read_command_file(path, msg, sizeof(msg));
	if (!text) {
		fprintf(stderr, "%s: %s\n", s->progname, msg);
		return -1;
	}
	int failures = shell_run_text(s, path, text);
	free(text);
	return failures;
}

static char *history_path(void)
{
	const char *h = getenv("KDIVE_HISTFILE");
	if (h)
		return xstrdup(h);
	const char *home = getenv("HOME");
	return home ? xasprintf("%s/.kdive_history", home) : NULL;
}

/* True while readline waits for a line: Ctrl-C there starts a fresh, empty one. */
static volatile sig_atomic_t at_prompt;

/* Ctrl-C: at the prompt, drop what was typed and prompt again (as a shell does); while a
 * command runs, interrupt it (session_sigint: memory reads and output fail from then on, so
 * that every command returns soon, to the prompt). readline's calls here are the ones its
 * manual gives for this, from a handler: the prompt is all that runs then. */
static void on_sigint(int sig)
{
	(void)sig;
	if (at_prompt) {
		if (write(STDOUT_FILENO, "\n", 1) < 0) {
			/* nothing to do: the terminal is gone */
		}
		rl_on_new_line();
		rl_replace_line("", 0);
		rl_redisplay();
		return;
	}
	session_sigint = 1;
}

int shell_repl(kd_session *s)
{
	int failures = 0;
	if (!isatty(STDIN_FILENO)) {
		char *line = NULL;
		size_t cap = 0;
		while (!s->quit && getline(&line, &cap, stdin) >= 0)
			if (shell_run_line(s, line) < 0)
				failures++;
		free(line);
		return failures;
	}
	s->interactive = true;
	rl_readline_name = "kdive";
	shell_completion_begin(s);
	char *hist = history_path();
	if (hist)
		read_history(hist);
	char *prompt = xasprintf("%s> ", s->progname);
	signal(SIGPIPE, SIG_IGN);
	rl_catch_signals = 0; /* SIGINT is ours (on_sigint); readline keeps SIGWINCH */
	struct sigaction sa = {0}, old_int;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	while (!s->quit) {
		at_prompt = 1;
		char *line = readline(prompt);
		at_prompt = 0;
		if (!line) {
			putchar('\n');
			break;
		}
		if (*line) {
			HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, line) != 0) {
				add_history(line);
				/* each line as it is entered: a session that ends badly keeps its history */
				if (hist && append_history(1, hist) != 0)
					write_history(hist);
			}
		}
		if (shell_run_line(s, line) < 0)
			failures++;
		free(line);
	}
	sigaction(SIGINT, &old_int, NULL);
	if (hist) {
		history_truncate_file(hist, 1000);
		free(hist);
	}
	free(prompt);
	shell_completion_end();
	return failures;
}

/* `q`, `quit`, `exit` */
static int cmd_quit(kd_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	s->quit = true;
	return 0;
}

const struct kd_command kd_cmd_q = {"q", cmd_quit, "q", "exit this session",
				    "Leaves kdive. exit does the same, and so does quit, crash's built-in alias of q.\n"
				    "In a command file (-i) the commands after it are not run.\n"
				    "\n"
				    "EXAMPLES\n"
				    "  kdive> q\n",
				    0};
const struct kd_command kd_cmd_exit = {"exit", cmd_quit, "exit", "exit this session",
				       "Leaves kdive, as q does.\n"
				       "\n"
				       "EXAMPLES\n"
				       "  kdive> exit\n",
				       0};
