/*
 * An example extension module: `extend hello.so` adds the `hello` command.
 * Build: cc -shared -fPIC -I include -o hello.so extensions/hello.c
 * It uses only <kdive/kdive.h>: symbols, memory and member offsets by name.
 */
#include <kdive/kdive.h>
#include <string.h>

static int hello(kd_session *s, int argc, char **argv)
{
	const char *sym = argc > 1 ? argv[1] : "linux_banner";
	uint64_t addr, off;
	char text[80];
	if (kd_symbol_addr(s, sym, &addr) < 0 || kd_read_string(s, addr, text, sizeof(text)) < 0)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	kd_printf(s, "hello from an extension: %s at %llx reads \"%s\"\n", sym, (unsigned long long)addr, text);
	if (kd_member_offset(s, "task_struct", "comm", &off) == 0)
		kd_printf(s, "task_struct.comm is at offset %llu\n", (unsigned long long)off);
	return 0;
}

static const struct kd_command commands[] = {
	{"hello", hello, "hello [symbol]", "an example extension command",
	 "Reads the string at a symbol (default linux_banner) through the public API and\n"
	 "prints the offset of task_struct.comm found by name.\n"
	 "\n"
	 "EXAMPLES\n"
	 "  kdive> extend extensions/hello.so\n"
	 "  kdive> hello\n",
	 KD_CMD_NEEDS_DUMP},
	{0},
};

static const struct kd_module_info info = {KDIVE_API_VERSION, "hello", commands, NULL, NULL};

const struct kd_module_info *kdive_module_info(void)
{
	return &info;
}
