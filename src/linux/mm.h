/* The page allocator's view of memory: memory sections, the struct page array, page lines. */
#ifndef KDIVE_MM_H
#define KDIVE_MM_H

#include "target/session.h"

#include <kdive/mm.h>

/* Forget the layout read on first use (the session closes, or a test changed the kernel). */
void mm_free(kd_session *s);

#endif
