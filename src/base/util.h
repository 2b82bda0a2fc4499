/* Small containers used everywhere: growable vectors and open-addressing hash maps. */
#ifndef KDIVE_UTIL_H
#define KDIVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/util.h>

/* The allocation helpers under their short names, inside kdive. */
#define xmalloc kd_xmalloc
#define xcalloc kd_xcalloc
#define xrealloc kd_xrealloc
#define xstrdup kd_xstrdup
#define xstrndup kd_xstrndup
#define xasprintf kd_xasprintf

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
void str_rstrip(char *s);
/* Each control byte of s (below 0x20, and DEL) replaced by '?', in place: text from a dump
 * (a name, a message quoting it) that goes into a table or onto a terminal. */
void str_mask_controls(char *s);

#endif
