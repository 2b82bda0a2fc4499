/*
 * kdive public API: small helpers for commands: allocation that cannot return NULL, a
 * growable vector, number parsing as crash takes numbers, sizes as crash prints them.
 */
#ifndef KDIVE_PUBLIC_UTIL_H
#define KDIVE_PUBLIC_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <kdive/common.h>

KD_BEGIN_DECLS

/* Allocation: these print a message and exit when memory runs out, so they never return NULL. */
KD_API void *kd_xmalloc(size_t n);
KD_API void *kd_xcalloc(size_t n, size_t size);
KD_API void *kd_xrealloc(void *p, size_t n);
KD_API char *kd_xstrdup(const char *s);
KD_API char *kd_xstrndup(const char *s, size_t n);
KD_API char *kd_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* A growable array: VEC(int) v = {0}; VEC_PUSH(&v, 3); VEC_FREE(&v); */
#define VEC(type) struct { type *items; size_t len, cap; }
#define VEC_RESERVE(v, n)                                                              \
	do {                                                                               \
		if ((v)->len + (n) > (v)->cap) {                                               \
			size_t vec_cap_ = (v)->cap ? (v)->cap * 2 : 16;                            \
			while (vec_cap_ < (v)->len + (n))                                          \
				vec_cap_ *= 2;                                                         \
			(v)->items = kd_xrealloc((v)->items, vec_cap_ * sizeof(*(v)->items));      \
			(v)->cap = vec_cap_;                                                       \
		}                                                                              \
	} while (0)
#define VEC_PUSH(v, x)                                                                 \
	do {                                                                               \
		VEC_RESERVE(v, 1);                                                             \
		(v)->items[(v)->len++] = (x);                                                  \
	} while (0)
#define VEC_FREE(v)                                                                    \
	do {                                                                               \
		free((v)->items);                                                              \
		(v)->items = NULL;                                                             \
		(v)->len = (v)->cap = 0;                                                       \
	} while (0)

/* qsort that takes an empty array, whose pointer may be NULL (qsort(NULL, 0, ...) is undefined
 * behaviour, and a list read from a corrupt dump is often empty). */
static inline void kd_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Numbers as crash takes them: decimal, 0x hex, 0 octal; or hex with or without 0x. */
KD_API bool kd_parse_u64(const char *s, uint64_t *out);
KD_API bool kd_parse_hex_u64(const char *s, uint64_t *out);
/* crash's -R reference read as a number (files -R, net -R): hexadecimal (an address) when it has
 * a letter a-f or 0x, or when its decimal value is above max (the task's descriptor count); else
 * decimal (a descriptor). The reading is added to r (hex or dec set, its value stored; what r held
 * stays, as crash's flags add up); false, r unchanged, when s is not made of hexadecimal digits. */
struct kd_ref_number {
	bool hex, dec;
	uint64_t hexval, decval;
};
KD_API bool kd_parse_ref_number(const char *s, uint64_t max, struct kd_ref_number *r);
/* A byte count as crash shows sizes: "0", "12 KB", "457.2 MB", "1 GB" (one decimal, ".0" dropped;
 * four-digit megabytes are shown as gigabytes). */
KD_API void kd_format_size(uint64_t bytes, char *buf, size_t size);
/* A duration in nanoseconds as crash shows how long a task has (not) run: "D HH:MM:SS.mmm"
 * ("0 00:00:04.122"), days unpadded. Returns the length of the days part (up to the space). */
KD_API int kd_format_ns_dhms(uint64_t ns, char *buf, size_t size);
/* text centred in a column of width characters as crash's mkstring(CENTER) pads it: as it is when it
 * is longer; an odd spare column goes to the right, or with rjust to the left. Returns buf. */
KD_API char *kd_format_centred(char *buf, size_t size, const char *text, int width, bool rjust);

KD_END_DECLS

#endif
