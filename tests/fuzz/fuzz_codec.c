/*
 * Harness 4: the page codecs (zlib, lzo, snappy, zstd) as the kdump reader calls them: the
 * input, past its first byte (which picks the codec), is the compressed data of the one page of
 * a kdump file built around it in memory, which is opened and read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { BS = 4096, HDR_BLOCKS = 1, BITMAP_BLOCKS = 2 };

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t codecs[] = {0x1 /* zlib */, 0x2 /* lzo */, 0x4 /* snappy */, 0x20 /* zstd */};
	if (size < 1 || size - 1 > BS)
		return -1;
	uint32_t flags = codecs[data[0] % 4];
	size_t clen = size - 1;
	size_t desc = (size_t)(HDR_BLOCKS + BITMAP_BLOCKS) * BS, pdata = desc + 24, total = pdata + clen;
	uint8_t *f = calloc(1, total);
	memcpy(f, "KDUMP   ", 8);
	put32(f + 8, 6);           /* header version */
	put32(f + 428, BS);        /* block size */
	put32(f + 432, 0);         /* no sub-header */
	put32(f + 436, BITMAP_BLOCKS);
	put32(f + 440, 1);         /* max_mapnr: one page */
	f[HDR_BLOCKS * BS] = 1;    /* bitmap 1: pfn 0 is RAM */
	f[HDR_BLOCKS * BS + BS] = 1; /* bitmap 2: and dumped */
	put64(f + desc, pdata);
	put32(f + desc + 8, (uint32_t)clen);
	put32(f + desc + 12, flags);
	memcpy(f + pdata, data + 1, clen);
	struct kd_err err = {0};
	struct dump *d = dump_open_mem(f, total, "fuzz", &err);
	if (d) {
		uint8_t page[BS];
		struct kd_err e = {0};
		d->ops->read_phys(d, 0, page, BS, &e);
		dump_close(d);
	}
	free(f);
	return 0;
}
