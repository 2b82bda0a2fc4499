/*
 * kdive public API: commands and extension modules.
 *
 * A module is a shared object exporting kdive_module_info() (write KD_MODULE(...) once, at
 * the end of the file). `extend NAME` loads it, `extend -u NAME` unloads it; doc/extensions.md
 * walks through writing, building (pkg-config kdive), loading and testing one.
 *
 * Layouts that grow: struct kd_module_info starts with the API version the module was built
 * against and, since API 1.1, states its own size and the size of its struct kd_command (the
 * stride of its command table). kdive reads a module's structures with the module's sizes, so
 * members appended in a later minor version read as zero for a module built before them, and
 * a module built against 1.0 (which had no size members: its version says so) still loads.
 * New members are only ever appended, never inserted or reordered.
 */
#ifndef KDIVE_PUBLIC_MODULE_H
#define KDIVE_PUBLIC_MODULE_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Command flags */
enum {
	KD_CMD_NEEDS_DUMP = 1u << 0, /* refuses to run without an open dump */
	KD_CMD_TAKES_TASK = 1u << 1, /* may be used under `foreach` */
	KD_CMD_HIDDEN = 1u << 2,     /* not listed by `help` */
};

typedef int (*kd_command_fn)(kd_session *s, int argc, char **argv);

struct kd_command {
	const char *name;
	kd_command_fn run;
	const char *synopsis; /* e.g. "sym [-l] | [-q string] | [symbol | vaddr]..." */
	const char *summary;  /* one line for `help` */
	const char *help;     /* description, options and examples */
	unsigned flags;
	/* Members added in later API versions go here; struct kd_module_info.command_size says
	 * how many of them a module's table has. */
};

/* What an extension module's kdive_module_info() returns; fill it with KD_MODULE(). */
struct kd_module_info {
	unsigned api_version; /* KDIVE_API_VERSION at build time; first in every layout */
	const char *name;     /* module name, as `extend` lists it and `extend -u` takes it */
	const struct kd_command *commands; /* terminated by an entry whose name is NULL */
	int (*init)(kd_session *s);        /* optional: 0, or -1 with kd_fail(): module refused */
	void (*fini)(kd_session *s);       /* optional: called on `extend -u` and when kdive exits */
	/* since API 1.1 */
	unsigned info_size;    /* sizeof(struct kd_module_info) */
	unsigned command_size; /* sizeof(struct kd_command): the stride of commands[] */
};
#define KDIVE_MODULE_SYMBOL "kdive_module_info"
typedef const struct kd_module_info *(*kd_module_info_fn)(void);

#define KD_MODULE_INFO_INIT(name, commands, init, fini)                                             \
	{KDIVE_API_VERSION, (name), (commands), (init), (fini), (unsigned)sizeof(struct kd_module_info), \
	 (unsigned)sizeof(struct kd_command)}

/*
 * The module's one export. At file scope in one source file of the module:
 *     KD_MODULE("hello", commands, NULL, NULL);
 */
#define KD_MODULE(name, commands, init, fini)                                                       \
	static const struct kd_module_info kd_module_info_ = KD_MODULE_INFO_INIT(name, commands, init, fini); \
	KD_BEGIN_DECLS                                                                                 \
	KD_API const struct kd_module_info *kdive_module_info(void);                                   \
	const struct kd_module_info *kdive_module_info(void) { return &kd_module_info_; }             \
	KD_END_DECLS                                                                                   \
	struct kd_module_semicolon_

/*
 * Adds a command to the table. Modules list their commands in kd_module_info.commands; a
 * module that registers more from its init owns them too (they go when it is unloaded).
 * A name already in the table is refused.
 */
KD_API int kd_register_command(kd_session *s, const struct kd_command *cmd);
/* The name of the module that registered the command, or NULL for a built-in (or no such
 * command). kd_command_find, kd_command_count and kd_command_at are in <kdive/session.h>. */
KD_API const char *kd_command_owner(kd_session *s, const char *name);

/*
 * Loads a module (what `extend NAME` does). NAME with a '/' is a path; a bare name is looked
 * for as given (relative to the working directory), then in each directory of
 * $KDIVE_EXTENSIONS (colon-separated), then in the installed extensions directory, each time
 * also with ".so" appended. Everything is checked before anything changes: a file that is not
 * an ELF shared object, a missing symbol, another API major (or a newer minor), a command
 * name already taken, a module already loaded, or an init that fails all leave the session
 * as it was. Returns the new module's index (see kd_module_name), or -1.
 */
KD_API int kd_module_load(kd_session *s, const char *name);
/* Unloads the module of that name (or path, as loaded or as listed): its fini runs, its
 * commands go. NULL unloads every module, the last loaded first. Not from the module's own
 * command or fini. */
KD_API int kd_module_unload(kd_session *s, const char *name);
/* The i-th loaded module's name and the path it was loaded from; NULL past the end. */
KD_API const char *kd_module_name(kd_session *s, size_t i);
KD_API const char *kd_module_path(kd_session *s, size_t i);

KD_END_DECLS

#endif
