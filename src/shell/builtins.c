/*
 * The built-in commands, registered through the same API as extension modules.
 * Declarations are weak so that a command exists exactly when its file in
 * commands/ defines it: adding a command touches its own file and Makefile.am.
 */
#include "shell/shell.h"

#define COMMANDS(X)                                                                                \
	X(bt) X(eval) X(exit) X(extend) X(files) X(foreach) X(help) X(list) X(log) X(mod) X(p) X(ps)   \
	X(ptype) X(q) X(rd) X(runq) X(set) X(sig) X(struct) X(sym) X(sys) X(task) X(tree)      \
	X(union) X(vm) X(whatis) X(kmem) X(star) X(vtop) X(ptov) X(pte) X(btop) X(ptob)     \
	X(search) X(swap) X(mount) X(fuser)                                                           \
	X(net) X(ipcs) X(irq) X(dev) X(timer) X(mach) X(waitq) X(bpf) X(sbitmapq)                    \
	X(alias) X(ascii) X(repeat) X(wr) X(gdb) X(dis) X(report)

#define DECLARE(name) extern const struct kd_command kd_cmd_##name __attribute__((weak));
COMMANDS(DECLARE)

void builtins_register(kd_session *s)
{
#define REGISTER(name)                                                                              \
	if (&kd_cmd_##name)                                                                             \
		kd_register_command(s, &kd_cmd_##name);
	COMMANDS(REGISTER)
}
