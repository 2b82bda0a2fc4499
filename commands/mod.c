/* mod: the loaded modules, and loading their object files' debug information, as crash does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kdive/kdive.h>

/* The module table: every module, or only the one at address (a struct module or its base). */
static void list_modules(kd_session *s, const struct module_table *mt, uint64_t only, bool header)
{
	/* The name column is as wide as the longest name, the size column as the longest size;
	 * 6.4+ kernels (mem[] regions) say TEXT_BASE. */
	int width = 0, swidth = 0;
	for (size_t i = 0; i < mt->len; i++) {
		char b[24];
		width = MAX(width, (int)strlen(mt->mods[i].name));
		swidth = MAX(swidth, snprintf(b, sizeof(b), "%llu", (unsigned long long)mt->mods[i].size));
	}
	if (kd_json_active(s)) { /* {modules: [...]} */
		kd_json_array_begin(s, "modules");
		for (size_t i = 0; i < mt->len; i++) {
			const struct kmodule *m = &mt->mods[i];
			if (only && m->addr != only && m->base != only)
				continue;
			kd_json_object_begin(s, NULL);
			kd_json_addr(s, "module", m->addr);
			kd_json_str(s, "name", m->name);
			kd_json_addr(s, "base", m->base);
			kd_json_uint(s, "size", m->size);
			kd_json_str(s, "object_file", kd_module_objfile(s, m->name));
			kd_json_end(s);
		}
		kd_json_end(s);
		return;
	}
	if (header) {
		const char *base = kd_member_offset_opt(s, "module", "mem") != UINT64_MAX ? "TEXT_BASE" : "BASE";
		int pad = (16 - (int)strlen(base)) / 2;
		kd_printf(s, "     MODULE       %-*s  %*s%s%*s  %*s  OBJECT FILE\n", width, "NAME", pad, "", base,
			  16 - pad - (int)strlen(base), "", swidth, "SIZE");
	}
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		if (only && m->addr != only && m->base != only)
			continue;
		kd_printf(s, "%016llx  %-*s  %016llx  %*llu  ", (unsigned long long)m->addr, width, m->name,
			  (unsigned long long)m->base, swidth, (unsigned long long)m->size);
		const char *obj = kd_module_objfile(s, m->name);
		if (obj)
			kd_printf(s, "%s \n", obj); /* crash leaves room for " (temporary)" */
		else
			kd_printf(s, "(not loaded)  [CONFIG_KALLSYMS]\n");
	}
}

/* crash's module reference: a name, or a 16-digit module base address. */
static const struct kmodule *module_ref(kd_session *s, const struct module_table *mt, const char *arg)
{
	size_t n = strlen(arg);
	bool hex = n == 16 && strspn(arg, "0123456789abcdefABCDEF") == n;
	uint64_t addr = hex ? strtoull(arg, NULL, 16) : 0;
	for (size_t i = 0; i < mt->len; i++)
		if (hex ? mt->mods[i].base == addr : strcmp(mt->mods[i].name, arg) == 0)
			return &mt->mods[i];
	return NULL;
}

static bool is_directory(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* crash's is_elf_file, and the compressed forms kdive reads: ELF, xz or zstd magic. */
static bool is_object_file(const char *path)
{
	unsigned char m[6] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(m, 1, sizeof(m), f) : 0;
	if (f)
		fclose(f);
	return (n >= 4 && memcmp(m, "\x7f" "ELF", 4) == 0) || (n >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0) ||
	       (n >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0);
}

enum mod_flag { LIST, LOAD_ONE, LOAD_ALL, DELETE_ONE, DELETE_ALL, REINIT, TAINT, OLD_ADD_SYM };

/* Load one module's object file and show its line, as mod -s does; -1 with an error. */
static int load_one(kd_session *s, const struct module_table *mt, const struct kmodule *m, const char *path)
{
	if (kd_module_objfile_load(s, m->name, path) < 0) {
		if (kd_last_code(s) == KD_EFORMAT && strstr(kd_last_error(s), ": not an ELF format object file")) {
			kd_printf(s, "mod: %s\n", kd_last_error(s));
			return kd_usage(s);
		}
		return -1;
	}
	list_modules(s, mt, m->base, true);
	return 0;
}

/* mod -S: every module whose object file is found (under tree, or where crash looks). */
static int load_all(kd_session *s, const struct module_table *mt, const char *tree)
{
	int shown = 0, rc = 0;
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		char *path = kd_module_objfile_search(s, m->name, NULL, tree);
		if (path) {
			if (kd_module_objfile_load(s, m->name, path) < 0) {
				kd_printf(s, "mod: %s\n", kd_last_error(s));
				kd_clear_error(s);
				rc = -1;
			}
			free(path);
		} else if (!kd_module_objfile(s, m->name)) {
			kd_printf(s, "mod: cannot find or load object file for %s module\n", m->name);
			continue;
		}
		list_modules(s, mt, m->base, shown++ == 0);
	}
	return rc < 0 ? kd_fail(s, "some object files could not be loaded") : 0;
}

/* mod -t: each tainted module's taint letters (the flags of the kernel's taint_flags[] that apply to modules), as crash lists them. */
static int mod_taints(kd_session *s)
{
	const struct module_table *mt = kd_modules_get(s);
	const struct kd_taint_flag *tf;
	size_t ntf;
	if (!mt)
		return -1;
	int width = 0;
	for (size_t i = 0; i < mt->len; i++)
		if (mt->mods[i].taints)
			width = MAX(width, (int)strlen(mt->mods[i].name));
	if (!width) {
		kd_printf(s, "no tainted modules\n");
		return 0;
	}
	if (kd_taint_flags(s, &tf, &ntf) < 0)
		return -1;
	kd_printf(s, "%-*s  TAINTS\n", width, "NAME");
	for (size_t i = 0; i < mt->len; i++) {
		const struct kmodule *m = &mt->mods[i];
		char letters[65];
		kd_module_taint_letters(s, m->taints, letters);
		if (m->taints)
			kd_printf(s, "%-*s  %s\n", width, m->name, letters);
	}
	return 0;
}

static int cmd_mod(kd_session *s, int argc, char **argv)
{
	/* -r (gdb's -readnow) and -g (section symbols) are flags anywhere, also inside other
	 * options ("-sr"), as crash takes them out before parsing the rest; both change nothing here. */
	char **args = kd_xcalloc((size_t)argc + 1, sizeof(*args));
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && argv[i][0] == '-') {
			char *a = kd_xstrdup(argv[i]), *w = a;
			for (char *r = a; *r; r++)
				if (r == a || (*r != 'r' && *r != 'g'))
					*w++ = *r;
			*w = '\0';
			if (strcmp(a, "-") == 0) {
				free(a);
				continue;
			}
			args[n++] = a;
		} else {
			args[n++] = kd_xstrdup(argv[i]);
		}
	}
	int rc = 0;
	enum mod_flag flag = LIST;
	const char *ref = NULL;
	bool bad = false;
	int optind = 1;
	for (; optind < n && args[optind][0] == '-' && args[optind][1]; optind++) {
		if (strcmp(args[optind], "--") == 0) {
			optind++;
			break;
		}
		for (char *o = args[optind] + 1; *o && !bad; o++) {
			enum mod_flag want;
			switch (*o) {
			case 'R': want = REINIT; break;
			case 'D': want = DELETE_ALL; break;
			case 'S': want = LOAD_ALL; break;
			case 't': want = TAINT; break;
			case 'o': want = OLD_ADD_SYM; break;
			case 'd': want = DELETE_ONE; break;
			case 's': want = LOAD_ONE; break;
			default: bad = true; continue;
			}
			if (flag != LIST) {
				bad = true;
				break;
			}
			flag = want;
			if (want == DELETE_ONE || want == LOAD_ONE) {
				if (o[1])
					ref = o + 1;
				else if (optind + 1 < n)
					ref = args[++optind];
				else
					bad = true;
				break;
			}
		}
		if (bad)
			break;
	}
	/* getopt permutes: the operands are what is left, options or not. */
	const char *operands[4];
	int nops = 0;
	for (int i = optind; i < n && !bad; i++) {
		if (nops == 4)
			bad = true;
		else
			operands[nops++] = args[i];
	}
	const struct module_table *mt = NULL;
	const struct kmodule *m = NULL;
	if (bad) {
		rc = kd_usage(s);
		goto out;
	}
	if (!(mt = kd_modules_get(s))) {
		rc = -1;
		goto out;
	}
	if (!mt->len && flag == LIST && kd_json_active(s)) {
		list_modules(s, mt, 0, true); /* an empty list */
		goto out;
	}
	if (!mt->len) {
		kd_printf(s, "mod: no modules loaded in this kernel\n");
		rc = flag != LIST ? kd_usage(s) : 0;
		goto out;
	}
	if ((flag == DELETE_ONE || flag == LOAD_ONE) && !(m = module_ref(s, mt, ref))) {
		rc = kd_usage(s);
		goto out;
	}
	switch (flag) {
	case LIST:
		list_modules(s, mt, 0, true);
		if (mt->broken[0])
			rc = kd_fail(s, "the module list is broken (%s): %zu modules found walking it from both ends", mt->broken,
				     mt->len);
		break;
	case OLD_ADD_SYM:
		break; /* crash's old add-symbol-file mechanism: nothing to choose here */
	case TAINT:
		rc = mod_taints(s);
		break;
	case REINIT:
		kd_modules_reinit(s);
		if ((mt = kd_modules_get(s)))
			list_modules(s, mt, 0, true);
		else
			rc = -1;
		break;
	case DELETE_ALL:
		kd_module_objfile_unload(s, NULL);
		break;
	case DELETE_ONE:
		kd_module_objfile_unload(s, m->name);
		break;
	case LOAD_ALL:
		if (nops > 1) {
			rc = kd_usage(s);
		} else if (nops == 1 && !is_directory(operands[0])) {
			kd_printf(s, "mod: %s is not a directory\n", operands[0]);
			rc = kd_usage(s);
		} else {
			rc = load_all(s, mt, nops ? operands[0] : NULL);
		}
		break;
	case LOAD_ONE: {
		char *path = NULL;
		if (nops > 1) {
			rc = kd_usage(s);
			break;
		}
		if (nops == 1) {
			path = file_exists(operands[0]) ? kd_xstrdup(operands[0]) : kd_module_objfile_search(s, m->name, operands[0], NULL);
			if (!path) {
				rc = kd_fail(s, "%s: cannot find or load object file: %s", m->name, operands[0]);
				break;
			}
		} else if (!(path = kd_module_objfile_search(s, m->name, NULL, NULL))) {
			rc = kd_fail(s, "cannot find or load object file for %s module", m->name);
			break;
		}
		if (!is_object_file(path)) {
			kd_printf(s, "mod: %s: not an ELF format object file\n", path);
			rc = kd_usage(s);
		} else if (kd_module_objfile(s, m->name)) {
			list_modules(s, mt, m->base, true); /* already loaded: shown as it is */
		} else {
			rc = load_one(s, mt, m, path);
		}
		free(path);
		break;
	}
	}
out:
	for (int i = 0; i < n; i++)
		free(args[i]);
	free(args);
	return rc;
}

const struct kd_command kd_cmd_mod = {
	"mod", cmd_mod, "mod -s module [objfile] | -d module | -S [directory] [-D|-t|-r|-R|-o|-g]",
	"module information and loading of symbols and debugging data",
	"Lists the loaded modules: the struct module address, name, base of the module's text,\n"
	"its core size and the object file whose debug information is loaded, if any. Module\n"
	"symbols are read from each module's own kallsyms, so backtraces and sym name module\n"
	"functions without the module's object file.\n"
	"\n"
	"  -s module [objfile]  Loads the debug information of the module's object file (.ko,\n"
	"                       .ko.xz or .ko.zst): its types, variables and source lines, relocated\n"
	"                       to where the module sits in the dump. Without objfile the file is\n"
	"                       looked for as NAME.o, NAME.ko or NAME.ko.debug (the name's\n"
	"                       underscores may be dashes) under /usr/lib/debug/lib/modules/RELEASE\n"
	"                       (Debian's -dbg package), $CRASH_MODULE_PATH, /lib/modules/RELEASE/updates,\n"
	"                       /lib/modules/RELEASE, then the directory of vmlinux, then by the\n"
	"                       build ID the module carries in the dump: under\n"
	"                       /usr/lib/debug/.build-id ($KDIVE_DEBUG_FILE_DIRECTORY) and through\n"
	"                       debuginfod ($DEBUGINFOD_URLS), as the vmlinux is found. A file whose\n"
	"                       build ID differs from the module's in the dump is refused.\n"
	"            -d module  Forgets the module's debug information.\n"
	"       -S [directory]  Loads the object file of every module, found as -s finds it, or\n"
	"                       only under directory (searched recursively).\n"
	"                   -D  Forgets the debug information of every module.\n"
	"                   -t  Shows the modules' taint flags.\n"
	"                   -r  Accepted for crash's gdb -readnow; everything is read at once.\n"
	"                   -R  Forgets every module's debug information and reads the module\n"
	"                       list again.\n"
	"                   -g  Accepted with -s/-S, as crash takes it.\n"
	"                   -o  Accepted: crash's old loading mechanism.\n"
	"  A module is named by its name or by its 16-digit base address.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> mod\n"
	"  kdive> mod -S /usr/lib/debug/lib/modules/6.1.0-57-amd64\n"
	"  kdive> mod -s virtio_ring\n"
	"  kdive> sym virtqueue_add_sgs\n"
	"  kdive> struct vring_virtqueue\n"
	"  kdive> mod -d virtio_ring\n",
	KD_CMD_NEEDS_DUMP,
};
