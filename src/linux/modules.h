/* Loaded kernel modules and their symbols (from each module's own kallsyms). */
#ifndef KDIVE_MODULES_H
#define KDIVE_MODULES_H

#include "target/session.h"

#include <kdive/linux.h>

void modules_free(kd_session *s);
/* The module symbol containing addr (the closest at or below it, in the module whose memory
 * holds addr) and the offset into it; NULL if none. No error is set. */
const struct kd_symbol *module_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset);
/* A module symbol by name (the first module in address order that has it); NULL if none. */
const struct kd_symbol *module_symbol_lookup(kd_session *s, const char *name);

/*
 * Replace a loaded module's symbols, as crash does when the module's object file is loaded
 * (mod -s/-S): syms[0..n) in any order, relocated to where the module sits in the dump,
 * with crash's names and letters (->module is ignored: the module's name is set). The
 * symbols and their names are copied. From then on kd_symbol_lookup, kd_symbol_containing,
 * kd_symbol_at, sym and bt see these instead of the module's kallsyms; n == 0 goes back to
 * them (the object file unloaded). Returns 0, or -1 with an error when there is no module of
 * that name (or no module list).
 */
int modules_replace_symbols(kd_session *s, const char *module, const struct kd_symbol *syms, size_t n);

#endif
