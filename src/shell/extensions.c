/*
 * Extension modules: finding one (the search path), checking everything about it before
 * anything changes (ELF shared object, symbols, API version, the layouts of older minors,
 * command names), its lifecycle (init, the commands it owns, fini) and unloading.
 * `extend` (commands/extend.c) is the command on top; this is the API it uses.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/shell.h"

#ifndef KDIVE_EXTENSIONS_DIR /* Makefile.am: $(pkglibdir)/extensions */
#define KDIVE_EXTENSIONS_DIR "/usr/local/lib/kdive/extensions"
#endif

/* The layouts of API 1.0, which had no size members: a module whose api_version says 1.0 is
 * read as these. Later layouts state their sizes (struct kd_module_info since 1.1). */
struct kd_command_1_0 {
	const char *name;
	kd_command_fn run;
	const char *synopsis, *summary, *help;
	unsigned flags;
};
struct kd_module_info_1_0 {
	unsigned api_version;
	const char *name;
	const struct kd_command *commands;
	int (*init)(kd_session *s);
	void (*fini)(kd_session *s);
};

/* Bounds on what a module states about itself. */
#define MAX_STRUCT_SIZE 4096
#define MAX_COMMANDS 1024
#define MAX_NAME 64

struct extension {
	char *name;     /* from its kd_module_info, unique among loaded modules */
	char *path;     /* as found: what `extend` lists */
	char *realpath; /* a file is loaded once */
	void *handle;
	void (*fini)(kd_session *s);
};

struct kd_extensions {
	VEC(struct extension) mods;
	const char *loading; /* the module whose init runs: it owns what it registers */
	size_t loading_command_size;
};

static struct kd_extensions *table(kd_session *s)
{
	if (!s->extensions)
		s->extensions = xcalloc(1, sizeof(*s->extensions));
	return s->extensions;
}

const char *extensions_loading(kd_session *s, size_t *command_size)
{
	if (!s->extensions || !s->extensions->loading)
		return NULL;
	*command_size = s->extensions->loading_command_size;
	return s->extensions->loading;
}

/* ---- finding the file ---- */

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* NAME in DIR (NULL: NAME as given), then with ".so" appended; NULL if neither is a file. */
static char *try_in(const char *dir, const char *name)
{
	size_t n = strlen(name);
	bool has_so = n > 3 && strcmp(name + n - 3, ".so") == 0;
	for (int so = 0; so <= !has_so; so++) {
		char *p = dir ? xasprintf("%s/%s%s", dir, name, so ? ".so" : "") : xasprintf("%s%s", name, so ? ".so" : "");
		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* The given path, then $KDIVE_EXTENSIONS, then the installed directory (a bare name only). */
static char *search(const char *name)
{
	char *p = try_in(NULL, name);
	if (p) {
		if (!strchr(p, '/')) { /* dlopen would search its own path for a name without '/' */
			char *q = xasprintf("./%s", p);
			free(p);
			p = q;
		}
		return p;
	}
	if (strchr(name, '/') || !*name)
		return NULL;
	const char *env = getenv("KDIVE_EXTENSIONS");
	if (env) {
		char *dirs = xstrdup(env), *save = NULL;
		for (char *d = strtok_r(dirs, ":", &save); d && !p; d = strtok_r(NULL, ":", &save))
			p = try_in(d, name);
		free(dirs);
		if (p)
			return p;
	}
	return try_in(KDIVE_EXTENSIONS_DIR, name);
}

/* A one-line refusal for what dlopen would answer with a less helpful message, or not survive: a
 * file of another machine, a world-writable one (anybody could change what runs in kdive), and a
 * truncated one (dlopen maps the segments its headers promise and dies of SIGBUS touching what the
 * file does not have). */
static int check_elf(kd_session *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return kd_fail(s, "%s: %s", path, strerror(errno));
	struct stat st;
	Elf *e = NULL;
	int rc = 0;
	GElf_Ehdr eh;
	size_t nph = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = kd_fail(s, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & S_IWOTH) {
		rc = kd_fail(s, "%s: writable by anyone: not loaded (chmod o-w it)", path);
		goto out;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		rc = kd_fail(s, "%s: not an ELF file; a kdive module is a shared object (cc -shared -fPIC)", path);
		goto out;
	}
	if (eh.e_type != ET_DYN) {
		rc = kd_fail(s, "%s: an ELF file but not a shared object; build it with cc -shared -fPIC", path);
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		rc = kd_fail(s, "%s: built for another machine (ELF class %u, machine %u); this kdive is x86_64", path,
			     eh.e_ident[EI_CLASS], eh.e_machine);
		goto out;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (elf_getphdrnum(e, &nph) < 0 || nph == 0) {
		rc = kd_fail(s, "%s: a shared object without program headers: truncated or damaged", path);
		goto out;
	}
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
			rc = kd_fail(s, "%s: truncated or damaged: program header %zu wants bytes past the file's end (%llu bytes)",
				     path, i, (unsigned long long)size);
			goto out;
		}
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

/* ---- reading what the module states ---- */

/* The module's kd_module_info in this kdive's layout; refuses another major or a newer minor. */
static int read_info(kd_session *s, const char *path, const struct kd_module_info *raw, struct kd_module_info *info)
{
	unsigned v = raw->api_version, major = KDIVE_API_VERSION_MAJOR(v), minor = KDIVE_API_VERSION_MINOR(v);
	if (major != KDIVE_API_MAJOR || minor > KDIVE_API_MINOR)
		return kd_fail(s, "%s: built for kdive API %u.%u, this kdive has %u.%u", path, major, minor,
			       (unsigned)KDIVE_API_MAJOR, (unsigned)KDIVE_API_MINOR);
	memset(info, 0, sizeof(*info));
	if (minor == 0) {
		memcpy(info, raw, sizeof(struct kd_module_info_1_0));
		info->info_size = sizeof(struct kd_module_info_1_0);
		info->command_size = sizeof(struct kd_command_1_0);
		return 0;
	}
	if (raw->info_size < offsetof(struct kd_module_info, command_size) + sizeof(raw->command_size) ||
	    raw->info_size > MAX_STRUCT_SIZE || raw->command_size < sizeof(struct kd_command_1_0) ||
	    raw->command_size > MAX_STRUCT_SIZE)
		return kd_fail(s, "%s: its kd_module_info states sizes (%u, %u) that no kdive API %u.%u layout has",
			       path, raw->info_size, raw->command_size, major, minor);
	memcpy(info, raw, MIN((size_t)raw->info_size, sizeof(*info)));
	return 0;
}

/* The module's name: its own, or the file's name without ".so". */
static char *module_name(const char *stated, const char *path)
{
	if (stated && *stated)
		return xstrdup(stated);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);
	return xstrndup(base, n > 3 && strcmp(base + n - 3, ".so") == 0 ? n - 3 : n);
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] >= 0x7f)
			return false;
	return true;
}

/* Its command table in this kdive's layout, every name checked against the table and itself. */
static int read_commands(kd_session *s, const char *path, const struct kd_module_info *info, struct kd_command **out,
			 size_t *count)
{
	VEC(struct kd_command) v = {0};
	const char *p = (const char *)info->commands;
	for (size_t i = 0; p; i++, p += info->command_size) {
		if (i == MAX_COMMANDS) {
			kd_fail(s, "%s: its command table has no end within %d entries", path, MAX_COMMANDS);
			goto fail;
		}
		struct kd_command c = {0};
		memcpy(&c, p, MIN((size_t)info->command_size, sizeof(c)));
		if (!c.name)
			break;
		if (!valid_name(c.name) || !c.run) {
			kd_fail(s, "%s: its command %zu has no valid name or no handler", path, i);
			goto fail;
		}
		if (kd_command_find(s, c.name)) {
			const char *owner = kd_command_owner(s, c.name);
			kd_fail(s, "%s: command \"%s\" is already defined by %s%s; module not loaded", path, c.name,
				owner ? "module " : "kdive", owner ? owner : "");
			goto fail;
		}
		for (size_t j = 0; j < v.len; j++)
			if (strcmp(v.items[j].name, c.name) == 0) {
				kd_fail(s, "%s: command \"%s\" is listed twice; module not loaded", path, c.name);
				goto fail;
			}
		VEC_PUSH(&v, c);
	}
	*out = v.items;
	*count = v.len;
	return 0;
fail:
	VEC_FREE(&v);
	return -1;
}

/* ---- loading and unloading ---- */

int kd_module_load(kd_session *s, const char *name)
{
	struct kd_extensions *t = table(s);
	if (t->loading)
		return kd_fail(s, "%s: a module cannot be loaded while module %s initialises", name, t->loading);
	char *path = search(name), *real = NULL, *mname = NULL;
	struct kd_command *cmds = NULL;
	size_t ncmds = 0;
	void *h = NULL;
	if (!path) {
		if (strchr(name, '/'))
			kd_fail(s, "%s: no such file", name);
		else
			kd_fail(s, "%s: no such module here, in $KDIVE_EXTENSIONS or in %s", name, KDIVE_EXTENSIONS_DIR);
		goto fail;
	}
	if (!(real = realpath(path, NULL))) {
		kd_fail(s, "%s: %s", path, strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < t->mods.len; i++)
		if (strcmp(t->mods.items[i].realpath, real) == 0) {
			kd_fail(s, "%s: already loaded (module %s)", path, t->mods.items[i].name);
			goto fail;
		}
	if (check_elf(s, path) < 0)
		goto fail;
	/* RTLD_LOCAL: a module's symbols stay its own; kdive exports only the API (kd_*), so a
	 * module's function named like a kdive internal binds to the module's own. */
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		kd_fail(s, "%s", dlerror());
		goto fail;
	}
	session_note_input(s, path, "extension");
	kd_module_info_fn fn = (kd_module_info_fn)dlsym(h, KDIVE_MODULE_SYMBOL);
	const struct kd_module_info *raw = fn ? fn() : NULL;
	if (!raw) {
		kd_fail(s, "%s: not a kdive module: it exports no %s() (KD_MODULE defines it)", path, KDIVE_MODULE_SYMBOL);
		goto fail;
	}
	struct kd_module_info info;
	if (read_info(s, path, raw, &info) < 0)
		goto fail;
	mname = module_name(info.name, path);
	if (!valid_name(mname)) {
		kd_fail(s, "%s: the module name \"%s\" is empty, too long or has blanks", path, mname);
		goto fail;
	}
	for (size_t i = 0; i < t->mods.len; i++)
		if (strcmp(t->mods.items[i].name, mname) == 0) {
			kd_fail(s, "%s: a module named %s is already loaded (from %s)", path, mname, t->mods.items[i].path);
			goto fail;
		}
	if (read_commands(s, path, &info, &cmds, &ncmds) < 0)
		goto fail;

	/* Its init: what it registers is its own and in its layout; a failure takes it all back. */
	if (info.init) {
		kd_err_clear(&s->err);
		t->loading = mname;
		t->loading_command_size = info.command_size;
		int rc = info.init(s);
		t->loading = NULL;
		if (rc < 0) {
			command_table_remove_owner(s, mname);
			const char *why = kd_last_error(s);
			kd_fail(s, "%s: its init failed: %s", path, *why ? why : "(no reason given)");
			goto fail;
		}
	}
	for (size_t i = 0; i < ncmds; i++)
		if (command_table_add(s, &cmds[i], mname) < 0) { /* a name its init registered too */
			if (info.fini)
				info.fini(s);
			command_table_remove_owner(s, mname);
			kd_fail(s, "%s: command \"%s\" is registered twice; module not loaded", path, cmds[i].name);
			goto fail;
		}
	free(cmds);
	struct extension m = {.name = mname, .path = path, .realpath = real, .handle = h, .fini = info.fini};
	VEC_PUSH(&t->mods, m);
	return (int)(t->mods.len - 1);
fail:
	if (h)
		dlclose(h);
	free(cmds);
	free(mname);
	free(real);
	free(path);
	return -1;
}

static void unload_at(kd_session *s, size_t i)
{
	struct kd_extensions *t = s->extensions;
	struct extension m = t->mods.items[i];
	memmove(&t->mods.items[i], &t->mods.items[i + 1], (t->mods.len - i - 1) * sizeof(m));
	t->mods.len--;
	if (m.fini)
		m.fini(s);
	command_table_remove_owner(s, m.name);
	dlclose(m.handle);
	free(m.name);
	free(m.path);
	free(m.realpath);
}

/* By module name, by path as listed, or by the file the name finds. */
static long find_loaded(struct kd_extensions *t, const char *name)
{
	for (size_t i = 0; i < t->mods.len; i++)
		if (strcmp(t->mods.items[i].name, name) == 0 || strcmp(t->mods.items[i].path, name) == 0)
			return (long)i;
	char *path = search(name), *real = path ? realpath(path, NULL) : NULL;
	long found = -1;
	for (size_t i = 0; real && i < t->mods.len && found < 0; i++)
		if (strcmp(t->mods.items[i].realpath, real) == 0)
			found = (long)i;
	free(real);
	free(path);
	return found;
}

int kd_module_unload(kd_session *s, const char *name)
{
	struct kd_extensions *t = table(s);
	if (t->loading)
		return kd_fail(s, "modules cannot be unloaded while module %s initialises", t->loading);
	if (!name) {
		while (t->mods.len)
			unload_at(s, t->mods.len - 1);
		return 0;
	}
	long i = find_loaded(t, name);
	if (i < 0)
		return kd_fail(s, "%s: no such module is loaded", name);
	unload_at(s, (size_t)i);
	return 0;
}

const char *kd_module_name(kd_session *s, size_t i)
{
	return s->extensions && i < s->extensions->mods.len ? s->extensions->mods.items[i].name : NULL;
}

const char *kd_module_path(kd_session *s, size_t i)
{
	return s->extensions && i < s->extensions->mods.len ? s->extensions->mods.items[i].path : NULL;
}

void extensions_free(kd_session *s)
{
	if (!s->extensions)
		return;
	kd_module_unload(s, NULL);
	VEC_FREE(&s->extensions->mods);
	free(s->extensions);
	s->extensions = NULL;
}

/* ---- start-up ---- */

static int is_module_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

int extensions_load_startup(kd_session *s)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *dir = xdg && *xdg ? xasprintf("%s/kdive/extensions", xdg)
		    : home && *home ? xasprintf("%s/.config/kdive/extensions", home) : NULL;
	struct dirent **names = NULL;
	int n = dir ? scandir(dir, &names, is_module_file, alphasort) : -1, failed = 0;
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		int m = kd_module_load(s, path);
		if (m < 0) {
			fprintf(stderr, "kdive: %s\n", kd_last_error(s));
			failed++;
		} else if (!s->silent) {
			size_t nc = 0;
			for (size_t c = 0; c < s->commands.len; c++)
				nc += s->commands.items[c].owner && strcmp(s->commands.items[c].owner, kd_module_name(s, m)) == 0;
			kd_printf(s, "%s: shared object loaded (module %s, %zu command%s)\n", path, kd_module_name(s, m), nc,
				  nc == 1 ? "" : "s");
		}
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	return failed;
}
