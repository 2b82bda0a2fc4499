/* Loaded kernel modules and their symbols (from each module's own kallsyms). */
#ifndef KDIVE_MODULES_H
#define KDIVE_MODULES_H

#include "target/session.h"

#include <kdive/linux.h>

void modules_free(kd_session *s);
/* The module symbol containing addr: its name, offset and module; NULL if none. */
const struct module_sym *module_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset, const struct kmodule **mod);

#endif
