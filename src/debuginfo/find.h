/* Finding a dump's debug vmlinux when the user did not name it (find.c). */
#ifndef KDIVE_DEBUGINFO_FIND_H
#define KDIVE_DEBUGINFO_FIND_H

#include <stddef.h>

/*
 * The path of the vmlinux of build ID (lowercase hex, may be NULL) and release (may be NULL),
 * malloc'd, with *how saying how it was found ("by its build ID", "by its release", "through
 * debuginfod"); NULL with a one-line reason in msg.
 */
char *debuginfo_find_vmlinux(const char *build_id, const char *release, const char **how, char *msg, size_t msgsize);

#endif
