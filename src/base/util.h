/* Small containers used everywhere: growable vectors and open-addressing hash maps. */
#ifndef KDIVE_UTIL_H
#define KDIVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable array: VEC(int) v = {0}; VEC_PUSH(&v, 3); free(v.items); */
#define VEC(type) struct { type *items; size_t len, cap; }
#define VEC_RESERVE(v, n)                                                              \
	do {                                                                               \
		if ((v)->len + (n) > (v)->cap) {                                               \
			size_t vec_cap_ = (v)->cap ? (v)->cap * 2 : 16;                            \
			while (vec_cap_ < (v)->len + (n))                                          \
				vec_cap_ *= 2;                                                         \
			(v)->items = xrealloc((v)->items, vec_cap_ * sizeof(*(v)->items));         \
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

uint64_t hash_bytes(const void *p, size_t n);
static inline uint64_t hash_str(const char *s) { return hash_bytes(s, strlen(s)); }
static inline uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* String-keyed map. Keys are not copied: the caller keeps them alive. */
struct strmap_entry {
	const char *key;
	uint64_t hash;
	void *value;
};
struct strmap {
	struct strmap_entry *slots;
	size_t cap, len;
};
void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Size the table for n keys up front (no rehashing while filling). */
void strmap_reserve(struct strmap *m, size_t n);
/* Returns the previous value, or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
void *strmap_get(const struct strmap *m, const char *key);
void *strmap_getn(const struct strmap *m, const char *key, size_t keylen);
/* Iteration: for (size_t i = 0; i < m.cap; i++) if (m.slots[i].key) ... */

/* u64-keyed map. */
struct u64map_entry {
	uint64_t key;
	void *value;
	bool used;
};
struct u64map {
	struct u64map_entry *slots;
	size_t cap, len;
};
void u64map_init(struct u64map *m);
void u64map_free(struct u64map *m);
void *u64map_put(struct u64map *m, uint64_t key, void *value);
void *u64map_get(const struct u64map *m, uint64_t key);
bool u64map_has(const struct u64map *m, uint64_t key);
void u64map_clear(struct u64map *m);

/* Parsing helpers shared by commands */
bool kd_parse_u64(const char *s, uint64_t *out);     /* decimal, 0x hex, 0 octal */
bool kd_parse_hex_u64(const char *s, uint64_t *out); /* hex with or without 0x */
void str_rstrip(char *s);
/* A byte count as crash shows sizes: "0", "12 KB", "457.2 MB", "1 GB" (one decimal, ".0" dropped;
 * four-digit megabytes are shown as gigabytes). */
void kd_format_size(uint64_t bytes, char *buf, size_t size);

#endif
