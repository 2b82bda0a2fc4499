#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/crash_expr.h"
#include "shell/shell.h"
#include "tests.h"

static void test_split(void)
{
	char **argv;
	int argc = shell_split("  struct  task_struct.pid,comm 'a b' \"c d\"x  ", &argv);
	CU_ASSERT_EQUAL_FATAL(argc, 4);
	CU_ASSERT_STRING_EQUAL(argv[0], "struct");
	CU_ASSERT_STRING_EQUAL(argv[1], "task_struct.pid,comm");
	CU_ASSERT_STRING_EQUAL(argv[2], "a b");
	CU_ASSERT_STRING_EQUAL(argv[3], "c dx");
	CU_ASSERT_PTR_NULL(argv[4]);
	shell_free_argv(argc, argv);
	/* a single-quoted word without blanks is passed on with its quotes, as crash does ('regex') */
	argc = shell_split("ps 'kworker.*' x'y'", &argv);
	CU_ASSERT_EQUAL_FATAL(argc, 3);
	CU_ASSERT_STRING_EQUAL(argv[1], "'kworker.*'");
	CU_ASSERT_STRING_EQUAL(argv[2], "xy");
	shell_free_argv(argc, argv);
	argc = shell_split("", &argv);
	CU_ASSERT_EQUAL(argc, 0);
	shell_free_argv(argc, argv);
}

static void test_expr(void)
{
	kd_session *s = session_new();
	uint64_t v;
	CU_ASSERT_EQUAL(kd_eval_int(s, "(1 << 27)", &v), 0);
	CU_ASSERT_EQUAL(v, 1ULL << 27);
	CU_ASSERT_EQUAL(kd_eval_int(s, "128 * 1m", &v), 0);
	CU_ASSERT_EQUAL(v, 128ULL << 20);
	CU_ASSERT_EQUAL(kd_eval_int(s, "ff + 1", &v), 0);
	CU_ASSERT_EQUAL(v, 256);
	CU_ASSERT_EQUAL(kd_eval_int(s, "2 + 3 * 4", &v), 0);
	CU_ASSERT_EQUAL(v, 14);
	CU_ASSERT_EQUAL(kd_eval_int(s, "~0 & 0xf0 | 1", &v), 0);
	CU_ASSERT_EQUAL(v, 0xf1);
	/* malformed: one clear error each */
	const char *bad[] = {"1 +", "(1", "1 / 0", "4x", "1 2", "$", "", "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(kd_eval_int(s, bad[i], &v), -1);
		CU_ASSERT_TRUE(strlen(kd_last_error(s)) > 0);
		CU_ASSERT_PTR_NULL(strchr(kd_last_error(s), '\n'));
	}
	session_free(s);
}

static int hello_calls;
static int hello(kd_session *s, int argc, char **argv)
{
	hello_calls++;
	kd_printf(s, "hello %d\n", argc);
	return argc > 1 && strcmp(argv[1], "fail") == 0 ? kd_fail(s, "asked to fail") : 0;
}

static void test_command_table(void)
{
	kd_session *s = session_new();
	builtins_register(s);
	static const struct kd_command c = {"hello", hello, "hello", "test", "", 0};
	CU_ASSERT_EQUAL(kd_register_command(s, &c), 0);
	CU_ASSERT_EQUAL(kd_register_command(s, &c), -1); /* duplicate */
	CU_ASSERT_PTR_NOT_NULL(kd_command_find(s, "sym"));
	char path[] = "/tmp/kdive-unit-out-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	char *line = xasprintf("hello a b > %s", path);
	CU_ASSERT_EQUAL(shell_run_line(s, line), 0);
	free(line);
	FILE *f = fopen(path, "r");
	char buf[64] = "";
	CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof(buf), f));
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "hello 3\n");
	unlink(path);
	CU_ASSERT_EQUAL(shell_run_line(s, "hello fail"), -1);
	CU_ASSERT_EQUAL(shell_run_line(s, "nosuchcommand"), -1);
	CU_ASSERT_EQUAL(shell_run_line(s, "sym schedule"), -1); /* no dump: an error, not a crash */
	CU_ASSERT_EQUAL(shell_run_line(s, "# comment"), 0);
	CU_ASSERT_EQUAL(shell_run_line(s, "hello | cat > /dev/null"), 0);
	CU_ASSERT_EQUAL(hello_calls, 3);
	/* output that could not be written fails the command */
	CU_ASSERT_EQUAL(shell_run_line(s, "hello > /dev/full"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "/dev/full: write error: No space left on device"));
	session_free(s);
}

/* Errors carry an explicit code: kd_fail never inherits the last failure's; kd_fail_prefix keeps it. */
static void test_error_codes(void)
{
	kd_session *s = session_new();
	CU_ASSERT_EQUAL(kd_error(s, KD_EFAULT, 0x1000, "address %x is not mapped", 0x1000), -1);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_EFAULT);
	CU_ASSERT_EQUAL(kd_last_addr(s), 0x1000);
	CU_ASSERT_EQUAL(kd_fail_prefix(s, "reading %s", "task"), -1);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_EFAULT);
	CU_ASSERT_EQUAL(kd_last_addr(s), 0x1000);
	CU_ASSERT_STRING_EQUAL(kd_last_error(s), "reading task: address 1000 is not mapped");
	CU_ASSERT_EQUAL(kd_fail(s, "something else"), -1);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_EFAIL);
	CU_ASSERT_EQUAL(kd_last_addr(s), 0);
	kd_clear_error(s);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_OK);
	CU_ASSERT_STRING_EQUAL(kd_last_error(s), "");
	/* a lookup allowed to miss sets nothing */
	CU_ASSERT_PTR_NULL(kd_symbol_lookup(s, "schedule"));
	CU_ASSERT_EQUAL(kd_last_code(s), KD_OK);
	session_free(s);
}

/* Issue 15: a line holding binary bytes (a dump piped in by mistake) runs nothing, not even its
 * redirection; a line of UTF-8 text runs. */
static void test_binary_line(void)
{
	kd_session *s = session_new();
	builtins_register(s);
	static const struct kd_command c = {"hello", hello, "hello", "test", "", 0};
	CU_ASSERT_EQUAL(kd_register_command(s, &c), 0);
	char path[] = "/tmp/kdive-unit-binXXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	close(fd);
	unlink(path);
	char *line = xasprintf("hello \x01\x02 > %s", path);
	CU_ASSERT_EQUAL(shell_run_line(s, line), -1);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	free(line);
	line = xasprintf("hello \xff\xfe > %s", path); /* not UTF-8 */
	CU_ASSERT_EQUAL(shell_run_line(s, line), -1);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	free(line);
	line = xasprintf("hello caf\xc3\xa9 > %s", path);
	CU_ASSERT_EQUAL(shell_run_line(s, line), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	unlink(path);
	free(line);
	session_free(s);
}

/* A command called wrongly returns kd_usage(); the shell prints crash's usage block from its synopsis. */
static void test_usage(void)
{
	kd_session *s = session_new();
	builtins_register(s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	s->out = f;
	CU_ASSERT_EQUAL(shell_run_line(s, "eval"), -1);
	CU_ASSERT_EQUAL(kd_last_code(s), KD_EUSAGE);
	fclose(f);
	s->out = stdout;
	CU_ASSERT_STRING_EQUAL(buf, "Usage:\n  eval [-b][-l] (expression) | value\nEnter \"help eval\" for details.\n");
	free(buf);
	session_free(s);
}

/* A redirection onto a file the session reads (the dump, vmlinux, a command file; by any name or
 * hard link) is refused and the file is left as it was; another file is written as before. */
static void test_redirect_onto_input(void)
{
	kd_session *s = session_new();
	builtins_register(s);
	static const struct kd_command c = {"hello", hello, "hello", "test", "", 0};
	CU_ASSERT_EQUAL(kd_register_command(s, &c), 0);
	char dump[] = "/tmp/kdive-unit-dump-XXXXXX";
	int fd = mkstemp(dump);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "KDUMP   data", 12), 12);
	close(fd);
	char *lnk = xasprintf("%s.link", dump);
	CU_ASSERT_EQUAL(link(dump, lnk), 0);
	session_note_input(s, dump, "dump file");
	char *line = xasprintf("hello > %s", lnk);
	CU_ASSERT_EQUAL(shell_run_line(s, line), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "the session's dump file: not overwritten"));
	free(line);
	line = xasprintf("hello >> %s", dump);
	CU_ASSERT_EQUAL(shell_run_line(s, line), -1);
	free(line);
	struct stat st;
	CU_ASSERT_EQUAL(stat(dump, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 12);
	unlink(lnk);
	free(lnk);
	unlink(dump);
	session_free(s);
}

/* A command file that is not text (a dump given as -i, a directory) is refused before a line runs. */
static void test_command_file_not_text(void)
{
	char path[] = "/tmp/kdive-unit-cmds-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	static const char bin[] = "sys\n!touch /tmp/x\n\177ELF\2\1\1\0\0";
	CU_ASSERT_EQUAL(write(fd, bin, sizeof(bin) - 1), (ssize_t)(sizeof(bin) - 1));
	close(fd);
	char msg[512];
	CU_ASSERT_PTR_NULL(shell_read_command_file(path, msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a command file: byte 0x7f at offset 18"));
	fd = open(path, O_WRONLY | O_TRUNC);
	static const char text[] = "sys\r\n\tps -a # caf\xc3\xa9\n";
	CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	char *t = shell_read_command_file(path, msg, sizeof(msg));
	CU_ASSERT_PTR_NOT_NULL(t);
	CU_ASSERT_STRING_EQUAL(t, text);
	free(t);
	fd = open(path, O_WRONLY | O_TRUNC);
	static const char bad_utf8[] = "sys \xc3(\n";
	CU_ASSERT_EQUAL(write(fd, bad_utf8, sizeof(bad_utf8) - 1), (ssize_t)(sizeof(bad_utf8) - 1));
	close(fd);
	CU_ASSERT_PTR_NULL(shell_read_command_file(path, msg, sizeof(msg)));
	unlink(path);
	CU_ASSERT_PTR_NULL(shell_read_command_file("/tmp", msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Is a directory"));
}

void add_shell_tests(void)
{
	CU_pSuite s = CU_add_suite("shell", NULL, NULL);
	CU_add_test(s, "split", test_split);
	CU_add_test(s, "integer expressions", test_expr);
	CU_add_test(s, "command table, redirection, errors", test_command_table);
	CU_add_test(s, "error codes", test_error_codes);
	CU_add_test(s, "usage block", test_usage);
	CU_add_test(s, "redirection onto an input", test_redirect_onto_input);
	CU_add_test(s, "command file that is not text", test_command_file_not_text);
	CU_add_test(s, "a line of binary bytes runs nothing", test_binary_line);
}
