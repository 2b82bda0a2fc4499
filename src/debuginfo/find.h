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

/*
 * The debug file of build ID (lowercase hex): under $KDIVE_DEBUG_FILE_DIRECTORY (else
 * /usr/lib/debug)/.build-id/, else through debuginfod when DEBUGINFOD_URLS is set, with a
 * progress line naming what (e.g. "module ext4") on a terminal. malloc'd, *how saying which;
 * NULL with a one-line reason in msg. The vmlinux's search and mod -S's use it.
 */
char *debuginfo_find_by_build_id(const char *build_id, const char *what, const char **how, char *msg, size_t msgsize);

/*
 * The GNU build ID among ELF notes (the contents of /sys/kernel/notes: 4-byte aligned
 * Elf64_Nhdr records), as lowercase hex; false when there is none or a record runs past len.
 */
#include <stdbool.h>
#include <stdint.h>
bool debuginfo_notes_build_id(const uint8_t *buf, size_t len, char *hex, size_t size);
/* The running kernel's build ID from /sys/kernel/notes; false when it cannot be read. */
bool debuginfo_running_build_id(char *hex, size_t size);

#endif
