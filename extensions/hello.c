/*
 * The template extension module: `extend hello` adds the `hello` command.
 * doc/extensions.md walks through it. Build it as any module is built:
 *     cc -shared -fPIC $(pkg-config --cflags kdive) hello.c -o hello.so
 * It uses only <kdive/kdive.h>: a symbol's address, a kernel string, a member offset by name.
 */
#include <kdive/kdive.h>
#include <string.h>

static unsigned long greeted; /* module state: lives from init to fini */

static int hello(kd_session *s, int argc, char **argv)
{
	const char *sym = argc > 1 ? argv[1] : "linux_banner";
	uint64_t addr, off;
	char text[80];
	if (kd_symbol_addr(s, sym, &addr) < 0 || kd_read_string(s, addr, text, sizeof(text)) < 0)
		return -1; /* the failing function said why (kd_last_error) */
	text[strcspn(text, "\n")] = '\0';
	kd_printf(s, "hello from an extension: %s at %llx reads \"%s\"\n", sym, (unsigned long long)addr, text);
	if (kd_member_offset(s, "task_struct", "comm", &off) == 0)
		kd_printf(s, "task_struct.comm is at offset %llu\n", (unsigned long long)off);
	greeted++;
	return 0;
}

/* Optional: runs when the module is loaded; returning -1 (after kd_fail) refuses it. */
static int hello_init(kd_session *s)
{
	(void)s;
	greeted = 0;
	return 0;
}

/* Optional: runs on `extend -u` and when kdive exits. */
static void hello_fini(kd_session *s)
{
	(void)s;
}

static const struct kd_command commands[] = {
	{"hello", hello, "hello [symbol]", "an example extension command",
	 "Reads the string at a symbol (default linux_banner) through the public API and\n"
	 "prints the offset of task_struct.comm found by name.\n"
	 "\n"
	 "EXAMPLES\n"
	 "  kdive> extend hello\n"
	 "  kdive> hello\n",
	 KD_CMD_NEEDS_DUMP},
	{0},
};

KD_MODULE("hello", commands, hello_init, hello_fini);
