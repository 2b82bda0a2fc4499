#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static void out_of_memory(void)
{
	/* Nothing sensible can continue without memory; this is the one place we exit. */
	fputs("kdive: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

uint64_t hash_bytes(const void *p, size_t n)
{
	/* FNV-1a, then a final mix so that low bits are well distributed. */
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return hash_u64(h);
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = m->len = 0;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

static void strmap_grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap_entry *ns = xcalloc(ncap, sizeof(*ns));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

static struct strmap_entry *strmap_find(const struct strmap *m, const char *key, size_t keylen, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		struct strmap_entry *e = &m->slots[j];
		if (!e->key)
			return e;
		if (e->hash == h && strncmp(e->key, key, keylen) == 0 && e->key[keylen] == '\0')
			return e;
	}
}

void strmap_reserve(struct strmap *m, size_t n)
{
	while ((n + 1) * 4 >= m->cap * 3)
		strmap_grow(m);
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	if ((m->len + 1) * 4 >= m->cap * 3)
		strmap_grow(m);
	uint64_t h = hash_str(key);
	struct strmap_entry *e = strmap_find(m, key, strlen(key), h);
	if (e->key) {
		void *old = e->value;
		e->value = value;
		return old;
	}
	e->key = key;
	e->hash = h;
	e->value = value;
	m->len++;
	return NULL;
}

void *strmap_getn(const struct strmap *m, const char *key, size_t keylen)
{
	struct strmap_entry *e = strmap_find(m, key, keylen, hash_bytes(key, keylen));
	return e && e->key ? e->value : NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

void u64map_init(struct u64map *m)
{
	m->slots = NULL;
	m->cap = m->len = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	u64map_init(m);
}

void u64map_clear(struct u64map *m)
{
	if (m->slots)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->len = 0;
}

static struct u64map_entry *u64map_find(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t j = hash_u64(key) & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		struct u64map_entry *e = &m->slots[j];
		if (!e->used || e->key == key)
			return e;
	}
}

static void u64map_grow(struct u64map *m)
{
	struct u64map old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->len = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			u64map_put(m, old.slots[i].key, old.slots[i].value);
	free(old.slots);
}

void *u64map_put(struct u64map *m, uint64_t key, void *value)
{
	if ((m->len + 1) * 4 >= m->cap * 3)
		u64map_grow(m);
	struct u64map_entry *e = u64map_find(m, key);
	if (e->used) {
		void *old = e->value;
		e->value = value;
		return old;
	}
	e->used = true;
	e->key = key;
	e->value = value;
	m->len++;
	return NULL;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	struct u64map_entry *e = u64map_find(m, key);
	return e && e->used ? e->value : NULL;
}

bool u64map_has(const struct u64map *m, uint64_t key)
{
	struct u64map_entry *e = u64map_find(m, key);
	return e && e->used;
}

bool kd_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s || *s == '-')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool kd_parse_ref_number(const char *s, uint64_t max, struct kd_ref_number *r)
{
	const char *q = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? s + 2 : s;
	bool letters = q != s;
	if (!*q)
		return false;
	for (const char *c = q; *c; c++) {
		if (!isxdigit((unsigned char)*c))
			return false;
		if (!isdigit((unsigned char)*c))
			letters = true;
	}
	if (!letters && strtoull(q, NULL, 10) <= max) {
		r->dec = true;
		r->decval = strtoull(q, NULL, 10);
		return true;
	}
	r->hex = true;
	r->hexval = strtoull(q, NULL, 16);
	return true;
}

bool kd_parse_hex_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || strlen(s) > 16)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (!isxdigit((unsigned char)*s))
			return false;
		v = v * 16 + (uint64_t)(isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
	}
	*out = v;
	return true;
}

char *kd_format_centred(char *buf, size_t size, const char *text, int width, bool rjust)
{
	int len = (int)strlen(text), extra = width > len ? width - len : 0;
	int left = extra / 2 + (rjust && extra % 2);
	snprintf(buf, size, "%*s%s%*s", left, "", text, extra - left, "");
	return buf;
}

void kd_format_size(uint64_t bytes, char *buf, size_t size)
{
	double mb = (double)bytes / (1 << 20);
	if (!bytes)
		snprintf(buf, size, "0");
	else if (bytes < (1u << 20))
		snprintf(buf, size, "%llu KB", (unsigned long long)(bytes >> 10));
	else if (mb < 1000)
		snprintf(buf, size, "%.1f MB", mb);
	else
		snprintf(buf, size, "%.1f GB", mb / 1024);
	char *dot0 = strstr(buf, ".0 ");
	if (dot0)
		memmove(dot0, dot0 + 2, strlen(dot0 + 2) + 1);
}

void str_mask_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void str_rstrip(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int kd_format_ns_dhms(uint64_t ns, char *buf, size_t size)
{
	uint64_t ms = ns / 1000000, sec = ms / 1000;
	snprintf(buf, size, "%llu %02llu:%02llu:%02llu.%03llu", (unsigned long long)(sec / 86400),
		 (unsigned long long)(sec / 3600 % 24), (unsigned long long)(sec / 60 % 60), (unsigned long long)(sec % 60),
		 (unsigned long long)(ms % 1000));
	return (int)strcspn(buf, " ");
}
