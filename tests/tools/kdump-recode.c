/*
 * kdump-recode: copy a compressed kdump file, re-encoding every page with
 * another codec. No Debian makedumpfile writes snappy, so the tests make a
 * snappy dump from a real zlib one and check that kdive reads the same bytes.
 *
 *   kdump-recode -c snappy|zstd|lzo|zlib|none IN OUT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "base/util.h"

enum { F_ZLIB = 1, F_LZO = 2, F_SNAPPY = 4, F_ZSTD = 0x20 };

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "kdump-recode: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static int decode(uint32_t flags, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	if (!(flags & (F_ZLIB | F_LZO | F_SNAPPY | F_ZSTD))) {
		if (inlen != outlen)
			return -1;
		memcpy(out, in, outlen);
		return 0;
	}
	if (flags & F_ZLIB) {
		uLongf n = outlen;
		return uncompress(out, &n, in, inlen) == Z_OK && n == outlen ? 0 : -1;
	}
#ifdef HAVE_LZO
	if (flags & F_LZO) {
		lzo_uint n = outlen;
		return lzo1x_decompress_safe(in, inlen, out, &n, NULL) == LZO_E_OK && n == outlen ? 0 : -1;
	}
#endif
#ifdef HAVE_SNAPPY
	if (flags & F_SNAPPY) {
		size_t n = outlen;
		return snappy_uncompress((const char *)in, inlen, (char *)out, &n) == SNAPPY_OK && n == outlen ? 0 : -1;
	}
#endif
#ifdef HAVE_ZSTD
	if (flags & F_ZSTD)
		return ZSTD_decompress(out, outlen, in, inlen) == outlen ? 0 : -1;
#endif
	return -1;
}

/* Returns the encoded size and sets *flags; a page that does not shrink is stored plain. */
static size_t encode(const char *codec, const uint8_t *in, size_t len, uint8_t *out, size_t cap, uint32_t *flags)
{
	size_t n = cap;
	*flags = 0;
	if (strcmp(codec, "zlib") == 0) {
		uLongf zn = cap;
		if (compress2(out, &zn, in, len, Z_DEFAULT_COMPRESSION) == Z_OK)
			n = zn, *flags = F_ZLIB;
	}
#ifdef HAVE_SNAPPY
	else if (strcmp(codec, "snappy") == 0) {
		if (snappy_compress((const char *)in, len, (char *)out, &n) == SNAPPY_OK)
			*flags = F_SNAPPY;
	}
#endif
#ifdef HAVE_ZSTD
	else if (strcmp(codec, "zstd") == 0) {
		size_t r = ZSTD_compress(out, cap, in, len, 1);
		if (!ZSTD_isError(r))
			n = r, *flags = F_ZSTD;
	}
#endif
#ifdef HAVE_LZO
	else if (strcmp(codec, "lzo") == 0) {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint ln = cap;
		if (lzo_init() == LZO_E_OK && lzo1x_1_compress(in, len, out, &ln, wrk) == LZO_E_OK)
			n = ln, *flags = F_LZO;
	}
#endif
	else if (strcmp(codec, "none") != 0)
		die("codec %s is not available in this build", codec);
	if (!*flags || n >= len) {
		memcpy(out, in, len);
		*flags = 0;
		return len;
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[1], "-c") != 0)
		die("%s", "usage: kdump-recode -c snappy|zstd|lzo|zlib|none IN OUT");
	const char *codec = argv[2];
	int fd = open(argv[3], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open %s", argv[3]);
	size_t size = (size_t)st.st_size;
	const uint8_t *in = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (in == MAP_FAILED || size < 464 || memcmp(in, "KDUMP   ", 8) != 0)
		die("%s is not a plain (not flattened) kdump file", argv[3]);
	uint32_t block = rd32(in + 428), sub_blocks = rd32(in + 432), bitmap_blocks = rd32(in + 436);
	uint64_t bitmap_off = (1 + (uint64_t)sub_blocks) * block, half = (uint64_t)bitmap_blocks * block / 2;
	uint64_t desc_off = bitmap_off + 2 * half;
	if (block < 1024 || block > 65536 || desc_off > size)
		die("%s: header out of range", argv[3]);
	uint64_t ndesc = 0;
	for (uint64_t b = 0; b < half; b++)
		ndesc += (uint64_t)__builtin_popcount(in[bitmap_off + half + b]);
	if (desc_off + ndesc * 24 > size)
		die("%s: page descriptors run past the end", argv[3]);
	FILE *out = fopen(argv[4], "wb");
	if (!out)
		die("cannot create %s", argv[4]);
	fwrite(in, 1, desc_off, out); /* header, sub-header, VMCOREINFO, notes, bitmaps */
	uint8_t *descs = xcalloc(ndesc ? ndesc : 1, 24);
	uint64_t data = desc_off + ndesc * 24;
	fseek(out, (long)data, SEEK_SET);
	uint8_t *page = xmalloc(block), *enc = xmalloc(2 * block + 64);
	struct u64map done; /* makedumpfile shares one block between identical (zero) pages */
	u64map_init(&done);
	for (uint64_t i = 0; i < ndesc; i++) {
		const uint8_t *d = in + desc_off + i * 24;
		uint64_t off = rd64(d);
		uint32_t len = rd32(d + 8), flags = rd32(d + 12);
		uint8_t *nd = descs + i * 24;
		memcpy(nd + 16, d + 16, 8); /* page flags */
		uint64_t *prev = u64map_get(&done, off);
		if (prev) {
			memcpy(nd, prev, 16);
			continue;
		}
		if (off > size || len > size - off || len > block || decode(flags, in + off, len, page, block) < 0)
			die("%s: a page cannot be decoded", argv[3]);
		uint32_t nflags;
		size_t n = encode(codec, page, block, enc, 2 * block + 64, &nflags);
		uint32_t n32 = (uint32_t)n;
		memcpy(nd, &data, 8);
		memcpy(nd + 8, &n32, 4);
		memcpy(nd + 12, &nflags, 4);
		fwrite(enc, 1, n, out);
		data += n;
		uint64_t *keep = xmalloc(16);
		memcpy(keep, nd, 16);
		u64map_put(&done, off, keep);
	}
	fseek(out, (long)desc_off, SEEK_SET);
	fwrite(descs, 24, ndesc, out);
	if (fclose(out) != 0)
		die("cannot write %s", argv[4]);
	for (size_t i = 0; i < done.cap; i++)
		if (done.slots[i].used)
			free(done.slots[i].value);
	u64map_free(&done);
	return 0;
}
