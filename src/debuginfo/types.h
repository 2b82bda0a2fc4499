/*
 * Types by name for the kernel helpers: the public API of include/kdive/types.h (kd_type_*,
 * kd_member_*, kd_enum_*, kd_read_struct) over the one type model of debuginfo/ctype.h,
 * and source lines of text addresses.
 */
#ifndef KDIVE_TYPES_H
#define KDIVE_TYPES_H

#include <kdive/types.h>
#include "debuginfo/ctype.h"
#include "target/session.h"

/* Source file and line of a (relocated) kernel text address, from the DWARF line tables. */
/* gdb's choice among the line rows (per-file tables, statement rows, discriminator repeats); the file
 * is joined with the CU's compilation directory when relative, as gdb shows it. */
int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line);
#endif
