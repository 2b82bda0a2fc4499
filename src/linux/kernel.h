/* Kernel-structure helpers: the layer between symbols/types and commands. */
#ifndef KDIVE_KERNEL_H
#define KDIVE_KERNEL_H

#include "target/session.h"

#include <kdive/linux.h>

int kernel_init(kd_session *s);
void kernel_free(kd_session *s);

/* vmlinux's own banner, read from the file (not the dump). */
int vmlinux_banner(kd_session *s, char *buf, size_t size);

/* A global array variable: its address and element count (of a declared bound); false, with no
 * error, when sym is no such array. */
bool kernel_array_var(kd_session *s, const char *sym, uint64_t *addr, uint64_t *len);

#endif
