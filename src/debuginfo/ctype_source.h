/*
 * Inside the type model: what a source of types (ctype_dwarf.c; BTF later) gets from the
 * model (ctype.c), and what the model asks of its source. Nothing outside src/debuginfo
 * includes this header: it is the one place where DWARF and the model meet.
 */
#ifndef KDIVE_CTYPE_SOURCE_H
#define KDIVE_CTYPE_SOURCE_H

#include <elfutils/libdw.h>

#include "debuginfo/ctype.h"

/* ---- the model, for its sources ---- */

/* A new type, freed with the session's types. */
struct ctype *ctype_new(kd_session *s, enum ctype_kind kind);
/* The source's map from its ids (DWARF: DIE offsets) to the types made from them. */
struct u64map *ctype_by_src(kd_session *s);
/* After a source filled t->members: the index of the named ones. */
void ctype_index_members(struct ctype *t);
/* A copy of str[0..len) that lives as long as the session's types. */
const char *ctype_intern(kd_session *s, const char *str, size_t len);
/* The VMCOREINFO source's map from names to the types made from them. */
struct strmap *ctype_vmci_types(kd_session *s);

/* ---- the DWARF source ---- */

/* The type of a DIE (cached by DIE offset). */
struct ctype *ctype_from_die(kd_session *s, Dwarf_Die *die);
/* The DIE a type was made from; false for synthesised types. */
bool ctype_die(kd_session *s, const struct ctype *t, Dwarf_Die *out);
/* A struct/union/enum/typedef/base type by its name: NULL without an error when absent. */
struct ctype *dwarf_type_named(kd_session *s, enum ctype_ns ns, const char *name);
/* Members, enumerators or parameters of t (made from a DIE); a declaration borrows its definition's. */
void dwarf_type_complete(kd_session *s, struct ctype *t);
bool dwarf_has_name(kd_session *s, enum ctype_ns ns, const char *name);
/* A variable or function DIE by name: false without an error when absent. */
bool dwarf_find_die(kd_session *s, enum ctype_ns ns, const char *name, Dwarf_Die *out);
/*
 * A variable or function: its type, and its runtime address where the DWARF has one
 * (vmlinux's relocated for KASLR, a module's as loaded; *has_addr false when it has none).
 * False without an error when absent.
 */
bool dwarf_var(kd_session *s, const char *name, struct ctype **type, uint64_t *addr, bool *has_addr);
/* An enumerator's value, and the enum type that holds it when that is a unit-level type (else NULL). */
bool dwarf_enumerator(kd_session *s, const char *name, int64_t *value, struct ctype **type);

/* ---- the VMCOREINFO source (ctype_vmcoreinfo.c): no vmlinux, the dump's SIZE(), OFFSET() and
 * LENGTH() lines (ctype_use_vmcoreinfo) ---- */

/* A structure VMCOREINFO describes (SIZE(name) or OFFSET(name.member)); NULL for other names. */
struct ctype *vmci_type_named(kd_session *s, enum ctype_ns ns, const char *name);
/* Its members: each OFFSET(name.member), typed as the kernel declares it. */
void vmci_type_complete(kd_session *s, struct ctype *t);

#endif
