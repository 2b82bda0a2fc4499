/* kdive public API: crash's integer expressions, as eval and address arguments take them. */
#ifndef KDIVE_PUBLIC_EXPR_H
#define KDIVE_PUBLIC_EXPR_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/*
 * Numbers: 0x hex, or decimal, or hex when it has hex letters; a k/m/g suffix
 * multiplies by 1024, 1 MiB or 1 GiB; symbols stand for their address.
 * Operators, C precedence: unary - ~ !, * / %, + -, << >>, &, ^, |.
 */
KD_API int kd_eval_int(kd_session *s, const char *text, uint64_t *value);

KD_END_DECLS

#endif
