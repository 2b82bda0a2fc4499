/* repeat: run a command again and again, at most REPEAT_MAX times on a dump. */
#include <ctype.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <kdive/kdive.h>

/*
 * crash repeats until Ctrl-C, which on a live system shows memory changing. A dump never
 * changes, and a batch run (-i) has no Ctrl-C to stop it: crash would loop for ever there.
 * kdive stops after this many runs, at Ctrl-C, at the first failure, or when its output closed.
 */
#define REPEAT_MAX 10

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int cmd_repeat(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_usage(s);
	unsigned long delay = 0;
	int first = 1;
	if (argv[1][0] == '-') {
		if (!isdigit((unsigned char)argv[1][1]))
			return kd_usage(s);
		uint64_t v;
		if (kd_parse_num_arg(s, argv[1] + 1, &v) < 0)
			return -1;
		if (v > 3600)
			return kd_fail(s, "invalid delay: %s (at most 3600 seconds)", argv[1] + 1);
		delay = (unsigned long)v;
		first = 2;
		if (argc < 3)
			return kd_usage(s);
	}
	struct kd_sbuf line = {0};
	for (int i = first; i < argc; i++) {
		if (i > first)
			kd_sbuf_putc(&line, ' ');
		kd_sbuf_puts(&line, argv[i]);
	}
	struct sigaction sa = {0}, old;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old);
	int rc = 0;
	for (int n = 0; n < REPEAT_MAX && !interrupted; n++) {
		if (n && delay)
			sleep((unsigned)delay); /* Ctrl-C cuts the sleep short */
		if (interrupted)
			break;
		rc = kd_run_command(s, kd_sbuf_str(&line));
		/* as crash, stop when nobody reads the output any more (a pipe that closed) */
		bool closed = fflush(kd_out(s)) != 0 || ferror(kd_out(s));
		if (rc == 0 && closed)
			break;
		if (rc < 0) {
			/* The command's own error, under its own name, as the shell reports one; repeat has nothing to add. */
			const char *msg = kd_last_error(s);
			if (*msg) {
				const char *cmd = kd_sbuf_str(&line);
				int n = (int)strcspn(cmd, " \t");
				if (kd_out_elsewhere(s))
					fprintf(kd_out(s), "%.*s: %s\n", n, cmd, msg);
				fprintf(stderr, "%.*s: %s\n", n, cmd, msg);
				kd_clear_error(s);
			}
			break;
		}
	}
	sigaction(SIGINT, &old, NULL);
	kd_sbuf_free(&line);
	return rc;
}

const struct kd_command kd_cmd_repeat = {
	"repeat", cmd_repeat, "repeat [-seconds] command", "repeat a command",
	"Runs a command line repeatedly, optionally waiting a number of seconds between\n"
	"runs. crash repeats until Ctrl-C, to watch a live system change; a dump never\n"
	"changes, so kdive runs the command at most 10 times, and stops earlier at\n"
	"Ctrl-C or when the command fails (a batch run of crash would never end).\n"
	"\n"
	"  -seconds   the delay between two runs; it must come before the command.\n"
	"\n"
	"The command line may begin with an alias; its output goes where repeat's goes\n"
	"(repeat -1 p jiffies > file puts every run in the file).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> repeat -1 p jiffies\n"
	"  jiffies = $1 = 4294895443\n"
	"  jiffies = $2 = 4294895443\n"
	"  ...\n",
	0,
};
