/* extend: load C extension modules that register commands through the public API. */
#include <dlfcn.h>
#include <string.h>

#include "shell/shell.h"

static int load_module(kd_session *s, const char *path)
{
	for (size_t i = 0; i < s->module_names.len; i++)
		if (strcmp(s->module_names.items[i], path) == 0)
			return kd_fail(s, "%s: already loaded", path);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return kd_fail(s, "%s", dlerror());
	kd_module_info_fn info_fn = (kd_module_info_fn)dlsym(h, KDIVE_MODULE_SYMBOL);
	const struct kd_module_info *info = info_fn ? info_fn() : NULL;
	if (!info) {
		dlclose(h);
		return kd_fail(s, "%s: not a kdive module (no %s)", path, KDIVE_MODULE_SYMBOL);
	}
	if ((info->api_version >> 16) != KDIVE_API_MAJOR || (info->api_version & 0xffff) > KDIVE_API_MINOR) {
		dlclose(h);
		return kd_fail(s, "%s: built for API %u.%u, this kdive has %d.%d", path, info->api_version >> 16,
			       info->api_version & 0xffff, KDIVE_API_MAJOR, KDIVE_API_MINOR);
	}
	if (info->init && info->init(s) < 0) {
		dlclose(h);
		return -1;
	}
	int n = 0;
	for (const struct kd_command *c = info->commands; c && c->name; c++) {
		if (kd_register_command(s, c) < 0)
			kd_printf(s, "%s: %s\n", path, kd_last_error(s));
		else
			n++;
	}
	VEC_PUSH(&s->modules, h);
	VEC_PUSH(&s->module_names, xstrdup(path));
	kd_printf(s, "%s: shared object loaded (%d command%s)\n", path, n, n == 1 ? "" : "s");
	return 0;
}

static int cmd_extend(kd_session *s, int argc, char **argv)
{
	if (argc == 1) {
		if (!s->module_names.len)
			kd_printf(s, "extend: no extension modules loaded\n");
		for (size_t i = 0; i < s->module_names.len; i++)
			kd_printf(s, "%s\n", s->module_names.items[i]);
		return 0;
	}
	if (strcmp(argv[1], "-u") == 0)
		return kd_fail(s, "unloading modules is not supported yet");
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (load_module(s, argv[i]) < 0)
			rc = -1;
	return rc;
}

const struct kd_command kd_cmd_extend = {
	"extend", cmd_extend, "extend [shared-object ...]", "load extension modules",
	"Loads C extension modules. A module exports kdive_module_info() returning a\n"
	"struct kd_module_info (see <kdive/kdive.h>) whose commands join the command table.\n"
	"With no argument, lists the loaded modules.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> extend ./hello.so\n",
	0,
};
