/* kdive public API: symbols. */
#ifndef KDIVE_PUBLIC_SYMBOLS_H
#define KDIVE_PUBLIC_SYMBOLS_H

#include <kdive/common.h>

KD_BEGIN_DECLS

KD_API int kd_symbol_addr(kd_session *s, const char *name, uint64_t *addr);
/* Name of the symbol containing addr (NULL if none) and the offset into it. */
KD_API const char *kd_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset);

KD_END_DECLS

#endif
