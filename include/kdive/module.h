/* kdive public API: commands and extension modules. */
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
};

/* What an extension module exports under the name KDIVE_MODULE_SYMBOL. */
struct kd_module_info {
	unsigned api_version; /* KDIVE_API_VERSION at build time */
	const char *name;
	const struct kd_command *commands; /* terminated by an entry whose name is NULL */
	int (*init)(kd_session *s);        /* optional */
	void (*fini)(kd_session *s);       /* optional */
};
#define KDIVE_MODULE_SYMBOL "kdive_module_info"
typedef const struct kd_module_info *(*kd_module_info_fn)(void);

KD_API int kd_register_command(kd_session *s, const struct kd_command *cmd);

KD_END_DECLS

#endif
