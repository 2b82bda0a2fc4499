/* Loaded kernel modules and their symbols (from each module's own kallsyms). */
#ifndef KDIVE_MODULES_H
#define KDIVE_MODULES_H

#include "target/session.h"

struct module_sym {
	uint64_t addr, size;
	const char *name; /* into the module's string block */
	char type;
};

struct kmodule {
	uint64_t addr;   /* struct module */
	char name[64];
	uint64_t base;   /* text (core) base */
	uint64_t size;   /* core size, as crash shows it */
	uint64_t start, end; /* span of every core section, for address lookups */
	struct module_sym *syms; /* sorted by address */
	size_t nsyms;
	char *strings;
};

struct module_table {
	struct kmodule *mods;
	size_t len;
};

/* Read once per session; NULL with an error if the module list is unreadable. */
const struct module_table *kd_modules_get(kd_session *s);
void modules_free(kd_session *s);
/* The module symbol containing addr: its name, offset and module; NULL if none. */
const struct module_sym *module_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset, const struct kmodule **mod);

#endif
