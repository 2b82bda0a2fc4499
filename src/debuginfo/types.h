/* Types from DWARF, found through our index and read lazily with libdw. */
#ifndef KDIVE_TYPES_H
#define KDIVE_TYPES_H

#include <elfutils/libdw.h>

#include "target/session.h"

/*
 * Find a type by C spelling: "task_struct" (struct, union, enum or typedef,
 * in that order), "struct task_struct", "union thread_union", "enum pid_type",
 * "unsigned long".
 */
int type_lookup(kd_session *s, const char *name, Dwarf_Die *out);
/* A member's byte offset (DW_AT_data_member_location as a constant or DW_OP_plus_uconst); 0 for union members. */
int member_location(Dwarf_Die *m, uint64_t *off);
/* Strip typedefs and qualifiers. */
Dwarf_Die *type_strip(Dwarf_Die *die, Dwarf_Die *mem);
int type_size(kd_session *s, Dwarf_Die *type, uint64_t *size);
/* "a.b.c" inside a struct/union type, looking through anonymous members. */
int type_member(kd_session *s, Dwarf_Die *type, const char *path, uint64_t *offset, Dwarf_Die *member_type);
/* The die of a global variable (or function) by name. */
int var_lookup(kd_session *s, const char *name, Dwarf_Die *out);
/* The value of an enumerator. */
int enum_value(kd_session *s, const char *name, int64_t *value);

/* Cached "type.member" offsets for kernel helpers: fails with a clear message naming both. */
int member_off(kd_session *s, const char *type, const char *member, uint64_t *off);
/* Same, or UINT64_MAX without error when this kernel lacks the member. */
uint64_t member_off_opt(kd_session *s, const char *type, const char *member);
/* Offset and byte size of "type.member" (a path like member_off's), cached once found; a
 * failure is not cached and fails as type_lookup/type_member/type_size do. */
int member_off_size(kd_session *s, const char *type, const char *member, uint64_t *off, uint64_t *size);
uint64_t type_size_opt(kd_session *s, const char *type);



/* Offset of a member inside a global variable's own type (for variables of anonymous struct type). */
int var_member_off(kd_session *s, const char *var, const char *member, uint64_t *off);

/* Source file and line of a (relocated) kernel text address, from the DWARF line tables. */
/* gdb's choice among the line rows (per-file tables, statement rows, discriminator repeats); the file
 * is joined with the CU's compilation directory when relative, as gdb shows it. */
int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line);
#endif
