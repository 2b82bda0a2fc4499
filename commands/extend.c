/* extend: load, list and unload extension modules (the lifecycle is src/shell/extensions.c). */
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

#ifndef KDIVE_EXTENSIONS_DIR
#define KDIVE_EXTENSIONS_DIR "$(pkglibdir)/extensions"
#endif

static size_t module_count(kd_session *s)
{
	size_t n = 0;
	while (kd_module_name(s, n))
		n++;
	return n;
}

/* The module's commands, blank-separated, into buf. */
static size_t module_commands(kd_session *s, const char *module, char *buf, size_t size)
{
	size_t n = 0, len = 0;
	buf[0] = '\0';
	const struct kd_command *c;
	for (size_t i = 0; (c = kd_command_at(s, i)); i++) {
		const char *owner = kd_command_owner(s, c->name);
		if (!owner || strcmp(owner, module) != 0)
			continue;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", n ? " " : "", c->name);
		n++;
	}
	return n;
}

static void list_modules(kd_session *s)
{
	size_t n = module_count(s);
	if (!n) {
		kd_printf(s, "extend: no extension modules loaded\n");
		return;
	}
	int wn = (int)strlen("MODULE"), wp = (int)strlen("SHARED OBJECT");
	for (size_t i = 0; i < n; i++) {
		int a = (int)strlen(kd_module_name(s, i)), b = (int)strlen(kd_module_path(s, i));
		wn = a > wn ? a : wn;
		wp = b > wp ? b : wp;
	}
	kd_printf(s, "%-*s  %-*s  COMMANDS\n", wn, "MODULE", wp, "SHARED OBJECT");
	for (size_t i = 0; i < n; i++) {
		char cmds[1024];
		module_commands(s, kd_module_name(s, i), cmds, sizeof(cmds));
		kd_printf(s, "%-*s  %-*s  %s\n", wn, kd_module_name(s, i), wp, kd_module_path(s, i), cmds);
	}
}

static int load(kd_session *s, const char *name)
{
	int m = kd_module_load(s, name);
	if (m < 0)
		return -1;
	char cmds[1024];
	size_t n = module_commands(s, kd_module_name(s, (size_t)m), cmds, sizeof(cmds));
	kd_printf(s, "%s: shared object loaded (module %s, %zu command%s)\n", kd_module_path(s, (size_t)m),
		  kd_module_name(s, (size_t)m), n, n == 1 ? "" : "s");
	return 0;
}

/* Unload one module (name NULL: all, last loaded first), saying which file each was. */
static int unload(kd_session *s, const char *name)
{
	size_t before = module_count(s);
	char **paths = calloc(before + 1, sizeof(*paths));
	for (size_t i = 0; paths && i < before; i++)
		paths[i] = strdup(kd_module_path(s, i));
	int rc = kd_module_unload(s, name);
	for (size_t i = before; rc == 0 && paths && i-- > 0;) {
		bool kept = false;
		for (size_t j = 0; kd_module_path(s, j) && !kept; j++)
			kept = paths[i] && strcmp(paths[i], kd_module_path(s, j)) == 0;
		if (!kept)
			kd_printf(s, "%s: shared object unloaded\n", paths[i] ? paths[i] : "?");
	}
	for (size_t i = 0; paths && i < before; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

static int cmd_extend(kd_session *s, int argc, char **argv)
{
	if (argc == 1) {
		list_modules(s);
		return 0;
	}
	int rc = 0;
	if (strcmp(argv[1], "-u") == 0) {
		if (argc == 2)
			return unload(s, NULL);
		for (int i = 2; i < argc; i++)
			if (unload(s, argv[i]) < 0)
				rc = -1;
		return rc;
	}
	for (int i = 1; i < argc; i++)
		if (load(s, argv[i]) < 0)
			rc = -1;
	return rc;
}

const struct kd_command kd_cmd_extend = {
	"extend", cmd_extend, "extend [module ...] | -u [module ...]", "load or unload extension modules",
	"Loads C extension modules: shared objects that export kdive_module_info() (see\n"
	"<kdive/module.h> and doc/extensions.md), whose commands join the command table.\n"
	"With no argument, lists the loaded modules and their commands.\n"
	"\n"
	"  module  a path (with a '/'), or a bare name looked for as given, then in each\n"
	"          directory of $KDIVE_EXTENSIONS (colon-separated), then in\n"
	"          " KDIVE_EXTENSIONS_DIR ",\n"
	"          each time also with \".so\" appended.\n"
	"      -u  unload the named modules (by module name or path), or all of them;\n"
	"          each module's fini runs and its commands go.\n"
	"\n"
	"A module that is not an ELF shared object, lacks a symbol, was built for another\n"
	"major version of the API (or a newer minor), would redefine a command, or whose\n"
	"init fails is refused and changes nothing. Modules in\n"
	"${XDG_CONFIG_HOME:-~/.config}/kdive/extensions/*.so are loaded at start-up.\n"
	"\n"
	"EXAMPLES\n"
	"  Load the block-layer module shipped with kdive, found by its name:\n"
	"\n"
	"    kdive> extend disks\n"
	"    " KDIVE_EXTENSIONS_DIR "/disks.so: shared object loaded (module disks, 1 command)\n"
	"\n"
	"  Load a module by its path, list the modules, unload one:\n"
	"\n"
	"    kdive> extend ./hello.so\n"
	"    ./hello.so: shared object loaded (module hello, 1 command)\n"
	"    kdive> extend\n"
	"    MODULE  SHARED OBJECT                             COMMANDS\n"
	"    disks   " KDIVE_EXTENSIONS_DIR "/disks.so  disks\n"
	"    hello   ./hello.so                                hello\n"
	"    kdive> extend -u hello\n"
	"    ./hello.so: shared object unloaded\n",
	0,
};
