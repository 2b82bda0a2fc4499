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

/*
 * A hexadecimal argument as crash's htol reads an address: "0x" optional, x, X and h ignored,
 * at most 16 digits. Fails with crash's message: invalid input: "zz", or input string too
 * large: "..." (17 vs 16).
 */
KD_API int kd_parse_hex_arg(kd_session *s, const char *text, uint64_t *value);
/* A number as crash's stoll reads one: decimal when all digits, else hexadecimal (as
 * kd_parse_hex_arg); anything else fails with "not a valid number: TEXT". */
KD_API int kd_parse_num_arg(kd_session *s, const char *text, uint64_t *value);

KD_END_DECLS

#endif
