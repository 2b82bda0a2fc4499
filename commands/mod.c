/* mod: the loaded modules, as crash lists them. */
#include <string.h>

#include <kdive/kdive.h>

static int cmd_mod(kd_session *s, int argc, char **argv)
{
	if (argc > 1)
		return kd_fail(s, "mod %s: loading module debuginfo is not supported yet; use plain mod", argv[1]);
	const struct module_table *mt = kd_modules_get(s);
	if (!mt)
		return -1;
	/* The name column is as wide as the longest name; 6.4+ kernels (mem[] regions) say TEXT_BASE. */
	int width = 4;
	for (size_t i = 0; i < mt->len; i++)
		width = MAX(width, (int)strlen(mt->mods[i].name));
	const char *base = kd_member_offset_opt(s, "module", "mem") != UINT64_MAX ? "TEXT_BASE" : "BASE";
	int pad = (16 - (int)strlen(base)) / 2;
	kd_printf(s, "     MODULE       %-*s  %*s%s%*s %6s  OBJECT FILE\n", width, "NAME", pad, "", base,
		  16 - pad - (int)strlen(base), "", "SIZE");
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		kd_printf(s, "%016llx  %-*s  %016llx %6llu  (not loaded)  [CONFIG_KALLSYMS]\n", (unsigned long long)m->addr, width,
			  m->name, (unsigned long long)m->base, (unsigned long long)m->size);
	}
	return 0;
}

const struct kd_command kd_cmd_mod = {
	"mod", cmd_mod, "mod", "module information",
	"Lists the loaded modules: the struct module address, name, base of the module's\n"
	"text and its core size. Module symbols are read from each module's own kallsyms,\n"
	"so backtraces and sym name module functions without the module's object file.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> mod\n",
	KD_CMD_NEEDS_DUMP,
};
