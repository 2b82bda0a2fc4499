/* Integer expressions over numbers and symbols, as crash's eval and address arguments take them. */
#ifndef KDIVE_EXPR_H
#define KDIVE_EXPR_H

#include "target/session.h"

/*
 * Numbers: 0x hex, or decimal, or hex when it has hex letters; a k/m/g suffix
 * multiplies by 1024, 1 MiB or 1 GiB; symbols stand for their address.
 * Operators, C precedence: unary - ~ !, * / %, + -, << >>, &, ^, |.
 */
int kd_eval_int(kd_session *s, const char *text, uint64_t *value);

#endif
