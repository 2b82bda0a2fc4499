/*
 * Compressed kdump / diskdump files as written by makedumpfile and QEMU:
 * header, sub-header (VMCOREINFO, notes), two bitmaps, page descriptors and
 * page data compressed with zlib, lzo, snappy or zstd, or stored plain.
 */
#include <stdlib.h>
#include <string.h>
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

#include "dump/dump.h"
#include "base/util.h"

#define DUMP_DH_COMPRESSED_ZLIB 0x1
#define DUMP_DH_COMPRESSED_LZO 0x2
#define DUMP_DH_COMPRESSED_SNAPPY 0x4
#define DUMP_DH_COMPRESSED_INCOMPLETE 0x8
#define DUMP_DH_EXCLUDED_VMEMMAP 0x10
#define DUMP_DH_COMPRESSED_ZSTD 0x20

/* On-disk layout (x86_64): struct disk_dump_header and struct kdump_sub_header. */
enum {
	HDR_VERSION = 8,
	HDR_UTSNAME = 12, /* 6 fields of 65 bytes: sysname nodename release version machine domainname */
	HDR_TIMESTAMP = 408,
	HDR_STATUS = 424,
	HDR_BLOCK_SIZE = 428,
	HDR_SUB_HDR_SIZE = 432,
	HDR_BITMAP_BLOCKS = 436,
	HDR_MAX_MAPNR = 440,
	HDR_NR_CPUS = 460,
	HDR_SIZE = 464,
	SUB_PHYS_BASE = 0,
	SUB_DUMP_LEVEL = 8,
	SUB_OFFSET_VMCOREINFO = 32,
	SUB_SIZE_VMCOREINFO = 40,
	SUB_OFFSET_NOTE = 48,
	SUB_SIZE_NOTE = 56,
	SUB_MAX_MAPNR_64 = 96,
	SUB_SIZE = 104,
	PAGE_DESC_SIZE = 24,
};

struct kdump_priv {
	uint32_t block_size;
	uint64_t max_mapnr;
	const uint8_t *bitmap1, *bitmap2; /* into bitmap_buf */
	uint8_t *bitmap_buf;
	uint64_t bitmap_len; /* bytes in each bitmap */
	uint64_t *rank;      /* set bits of bitmap2 before each 4096-pfn chunk */
	uint64_t desc_off;   /* file offset of the first page descriptor */
	uint64_t nr_dumped;
	int dump_level;
	uint8_t *cbuf; /* compressed-page buffer */
};

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

static bool bit(const uint8_t *bm, uint64_t pfn)
{
	return bm[pfn >> 3] & (1u << (pfn & 7));
}

#define RANK_CHUNK 4096 /* pfns per rank entry */

static void build_rank(struct kdump_priv *p)
{
	uint64_t chunks = (p->max_mapnr + RANK_CHUNK - 1) / RANK_CHUNK + 1;
	p->rank = xcalloc(chunks, sizeof(*p->rank));
	uint64_t count = 0;
	for (uint64_t c = 0; c + 1 < chunks; c++) {
		p->rank[c] = count;
		uint64_t start = c * RANK_CHUNK / 8, end = MIN((c + 1) * RANK_CHUNK / 8, p->bitmap_len);
		for (uint64_t b = start; b < end; b++)
			count += (uint64_t)__builtin_popcount(p->bitmap2[b]);
	}
	p->rank[chunks - 1] = count;
	p->nr_dumped = count;
}

/* The pfn of the idx-th dumped page (idx < nr_dumped): the idx-th set bit of bitmap2. */
static uint64_t dumped_pfn(const struct kdump_priv *p, uint64_t idx)
{
	uint64_t lo = 0, hi = (p->max_mapnr + RANK_CHUNK - 1) / RANK_CHUNK; /* rank[hi] = nr_dumped > idx */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (p->rank[mid] <= idx)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t left = idx - p->rank[lo];
	for (uint64_t pfn = lo * RANK_CHUNK; pfn < p->max_mapnr; pfn++)
		if (bit(p->bitmap2, pfn) && left-- == 0)
			return pfn;
	return p->max_mapnr;
}

/* Whether the idx-th page descriptor and the data it points to lie within the file: 1 yes,
 * 0 no, -1 it is a page of zeroes (all of them share the first block of data, whatever their pfn). */
static int desc_whole1(const struct dump *d, const struct kdump_priv *p, uint64_t idx)
{
	uint8_t desc[PAGE_DESC_SIZE];
	struct kd_err e = {0};
	if (dfile_read(&d->file, p->desc_off + idx * PAGE_DESC_SIZE, desc, sizeof(desc), &e) < 0)
		return 0;
	uint64_t off = rd64(desc);
	uint32_t size = rd32(desc + 8);
	if (off == p->desc_off + p->nr_dumped * PAGE_DESC_SIZE)
		return -1;
	return off <= d->file.size && size <= d->file.size - off;
}

/* The same for the nearest page at or after idx (else before it) that is not a page of zeroes,
 * looking at no more than a few thousand descriptors. */
static bool desc_whole(const struct dump *d, const struct kdump_priv *p, uint64_t idx)
{
	for (uint64_t i = idx, n = 0; i < p->nr_dumped && n < 4096; i++, n++) {
		int w = desc_whole1(d, p, i);
		if (w >= 0)
			return w;
	}
	for (uint64_t i = idx, n = 0; i-- > 0 && n < 4096; n++) {
		int w = desc_whole1(d, p, i);
		if (w >= 0)
			return w;
	}
	return true;
}

/*
 * A file cut short (a copy that stopped, a full disk): makedumpfile writes the descriptors, then
 * the pages in pfn order, so the data of the last descriptor ends the file. When it is missing,
 * the first page whose descriptor or data is past the end (found by bisection over the
 * descriptors, their data offsets rising with them) says from where memory is missing.
 */
static void find_cut(struct dump *d, const struct kdump_priv *p)
{
	if (!p->nr_dumped || desc_whole(d, p, p->nr_dumped - 1))
		return;
	uint64_t lo = 0, hi = p->nr_dumped - 1; /* the first bad one is in (lo-1, hi] */
	if (!desc_whole(d, p, 0))
		hi = 0;
	else
		while (hi - lo > 1) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (desc_whole(d, p, mid))
				lo = mid;
			else
				hi = mid;
		}
	d->truncated = xasprintf("the file ends at %llu bytes: %llu of its %llu pages are missing, from physical address %#llx on",
				 (unsigned long long)d->file.size, (unsigned long long)(p->nr_dumped - hi),
				 (unsigned long long)p->nr_dumped, (unsigned long long)(dumped_pfn(p, hi) * p->block_size));
}

enum page_state { PAGE_DUMPED, PAGE_BEYOND, PAGE_NO_RAM, PAGE_EXCLUDED };

/* From the bitmaps alone: cheap enough for scans to ask of every page. */
static enum page_state page_state(const struct kdump_priv *p, uint64_t pfn)
{
	if (pfn >= p->max_mapnr)
		return PAGE_BEYOND;
	if (!bit(p->bitmap2, pfn))
		return bit(p->bitmap1, pfn) ? PAGE_EXCLUDED : PAGE_NO_RAM;
	return PAGE_DUMPED;
}

static uint64_t desc_index(const struct kdump_priv *p, uint64_t pfn)
{
	uint64_t c = pfn / RANK_CHUNK, idx = p->rank[c];
	uint64_t b = c * RANK_CHUNK / 8;
	for (; b < pfn / 8; b++)
		idx += (uint64_t)__builtin_popcount(p->bitmap2[b]);
	idx += (uint64_t)__builtin_popcount(p->bitmap2[pfn / 8] & ((1u << (pfn & 7)) - 1));
	return idx;
}

static int decompress(const struct kdump_priv *p, uint32_t flags, const uint8_t *in, uint32_t inlen, uint8_t *out,
		      uint64_t pfn, struct kd_err *err)
{
	size_t outlen = p->block_size;
	if (flags & DUMP_DH_COMPRESSED_ZLIB) {
		uLongf zl = outlen;
		if (uncompress(out, &zl, in, inlen) != Z_OK || zl != outlen)
			goto corrupt;
		return 0;
	}
	if (flags & DUMP_DH_COMPRESSED_LZO) {
#ifdef HAVE_LZO
		lzo_uint ll = outlen;
		if (lzo1x_decompress_safe(in, inlen, out, &ll, NULL) != LZO_E_OK || ll != outlen)
			goto corrupt;
		return 0;
#else
		return kd_err_set(err, KD_EUNSUPP, "page %#llx is lzo-compressed: this kdive was built without liblzo2",
				  (unsigned long long)pfn);
#endif
	}
	if (flags & DUMP_DH_COMPRESSED_SNAPPY) {
#ifdef HAVE_SNAPPY
		size_t ulen;
		if (snappy_uncompressed_length((const char *)in, inlen, &ulen) != SNAPPY_OK || ulen != outlen ||
		    snappy_uncompress((const char *)in, inlen, (char *)out, &outlen) != SNAPPY_OK || outlen != p->block_size)
			goto corrupt;
		return 0;
#else
		return kd_err_set(err, KD_EUNSUPP, "page %#llx is snappy-compressed: this kdive was built without libsnappy",
				  (unsigned long long)pfn);
#endif
	}
	if (flags & DUMP_DH_COMPRESSED_ZSTD) {
#ifdef HAVE_ZSTD
		size_t r = ZSTD_decompress(out, outlen, in, inlen);
		if (ZSTD_isError(r) || r != outlen)
			goto corrupt;
		return 0;
#else
		return kd_err_set(err, KD_EUNSUPP, "page %#llx is zstd-compressed: this kdive was built without libzstd",
				  (unsigned long long)pfn);
#endif
	}
	return kd_err_set(err, KD_EFORMAT, "page %#llx: unknown compression flags %#x", (unsigned long long)pfn, flags);
corrupt:
	err->addr = pfn * p->block_size;
	return kd_err_set(err, KD_EFORMAT, "physical page %#llx: compressed data is corrupt", (unsigned long long)(pfn * p->block_size));
}

static int kdump_read_page(struct dump *d, uint64_t pfn, uint8_t *out, struct kd_err *err)
{
	struct kdump_priv *p = d->priv;
	uint64_t paddr = pfn * p->block_size;
	err->addr = paddr;
	switch (page_state(p, pfn)) {
	case PAGE_BEYOND:
		return kd_err_set(err, KD_ENOMEM_DUMP, "physical address %#llx is beyond the end of the dump's memory",
				  (unsigned long long)paddr);
	case PAGE_NO_RAM:
		return kd_err_set(err, KD_ENOMEM_DUMP, "physical address %#llx is not in the dump (no RAM there)",
				  (unsigned long long)paddr);
	case PAGE_EXCLUDED:
		return kd_err_set(err, KD_EEXCLUDED, "physical address %#llx: page excluded by makedumpfile -d %d",
				  (unsigned long long)paddr, p->dump_level);
	case PAGE_DUMPED:
		break;
	}
	uint8_t desc[PAGE_DESC_SIZE];
	uint64_t idx = desc_index(p, pfn);
	if (idx >= p->nr_dumped || dfile_read(&d->file, p->desc_off + idx * PAGE_DESC_SIZE, desc, sizeof(desc), err) < 0)
		return kd_err_set(err, KD_EFORMAT, "physical address %#llx: page descriptor is past the end of the file (truncated dump?)",
				  (unsigned long long)paddr);
	uint64_t off = rd64(desc);
	uint32_t size = rd32(desc + 8), flags = rd32(desc + 12);
	if (size > p->block_size || size == 0 || off > d->file.size || size > d->file.size - off)
		return kd_err_set(err, KD_EFORMAT,
				  "physical address %#llx: page descriptor points past the end of the file (offset %#llx, size %u)",
				  (unsigned long long)paddr, (unsigned long long)off, size);
	d->stats.pages_read++;
	if (flags & DUMP_DH_COMPRESSED_INCOMPLETE)
		return kd_err_set(err, KD_EEXCLUDED, "physical address %#llx: page was not written (incomplete dump)",
				  (unsigned long long)paddr);
	uint32_t cflags = flags & (DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD);
	if (!cflags) {
		if (size != p->block_size)
			return kd_err_set(err, KD_EFORMAT, "physical address %#llx: uncompressed page of %u bytes",
					  (unsigned long long)paddr, size);
		return dfile_read(&d->file, off, out, size, err);
	}
	const uint8_t *in = dfile_ptr(&d->file, off, size);
	if (!in) {
		if (dfile_read(&d->file, off, p->cbuf, size, err) < 0)
			return -1;
		in = p->cbuf;
	}
	d->stats.bytes_decompressed += p->block_size;
	return decompress(p, flags, in, size, out, pfn, err);
}

static int kdump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len, struct kd_err *err)
{
	/* The memory layer caches pages for us (wants_cache) and always asks for whole pages. */
	struct kdump_priv *p = d->priv;
	uint64_t pfn = paddr / p->block_size, in = paddr % p->block_size;
	if (in == 0 && len == p->block_size)
		return kdump_read_page(d, pfn, buf, err);
	uint8_t *page = xmalloc(p->block_size);
	int rc = kdump_read_page(d, pfn, page, err);
	if (rc == 0)
		memcpy(buf, page + in, MIN(len, p->block_size - in));
	free(page);
	return rc;
}

static size_t kdump_read_run(struct dump *d, uint64_t paddr, size_t len, uint8_t *buf, const uint8_t **data)
{
	struct kdump_priv *p = d->priv;
	uint64_t pfn = paddr / p->block_size;
	size_t n = 0;
	if (paddr % p->block_size)
		return 0;
	/* Page by page, each decompressed into its place: a run ends at the first page not dumped. */
	while (len - n >= p->block_size && page_state(p, pfn) == PAGE_DUMPED) {
		struct kd_err e = {0};
		if (kdump_read_page(d, pfn, buf + n, &e) < 0)
			break;
		n += p->block_size;
		pfn++;
	}
	*data = buf;
	return n;
}

static void kdump_close(struct dump *d)
{
	struct kdump_priv *p = d->priv;
	if (p) {
		free(p->bitmap_buf);
		free(p->rank);
		free(p->cbuf);
	}
	free(p);
}

/* The codecs named by the page descriptors: every one when there are at most max, else max
 * spread evenly over the file; a descriptor the file does not hold ends the look. */
static unsigned kdump_codecs(struct dump *d, uint64_t max, uint64_t *looked)
{
	struct kdump_priv *p = d->priv;
	uint64_t n = p->nr_dumped, step = max && n > max ? n / max : 1;
	unsigned mask = 0;
	struct kd_err e = {0};
	for (uint64_t i = 0; i < n && *looked < max; i += step) {
		uint8_t desc[PAGE_DESC_SIZE];
		if (dfile_read(&d->file, p->desc_off + i * PAGE_DESC_SIZE, desc, sizeof(desc), &e) < 0)
			break;
		uint32_t flags = rd32(desc + 12);
		mask |= flags & DUMP_DH_COMPRESSED_ZLIB ? DUMP_CODEC_ZLIB
			: flags & DUMP_DH_COMPRESSED_LZO ? DUMP_CODEC_LZO
			: flags & DUMP_DH_COMPRESSED_SNAPPY ? DUMP_CODEC_SNAPPY
			: flags & DUMP_DH_COMPRESSED_ZSTD ? DUMP_CODEC_ZSTD : DUMP_CODEC_NONE;
		++*looked;
	}
	return mask;
}

static const struct dump_ops kdump_ops = {
	.read_phys = kdump_read_phys,
	.read_run = kdump_read_run,
	.close = kdump_close,
	.codecs = kdump_codecs,
};

static void copy_field(char *dst, const uint8_t *src)
{
	memcpy(dst, src, 64);
	dst[64] = '\0';
}

static int read_subheader(struct dump *d, struct kdump_priv *p, int version, uint8_t *sub, struct kd_err *err)
{
	struct dfile *f = &d->file;
	p->dump_level = (int)rd32(sub + SUB_DUMP_LEVEL);
	if (version >= 6 && rd64(sub + SUB_MAX_MAPNR_64))
		p->max_mapnr = rd64(sub + SUB_MAX_MAPNR_64);
	if (version >= 3) {
		uint64_t off = rd64(sub + SUB_OFFSET_VMCOREINFO), size = rd64(sub + SUB_SIZE_VMCOREINFO);
		if (size) {
			if (size > (16u << 20) || off > f->size || size > f->size - off)
				return kd_err_set(err, KD_EFORMAT, "VMCOREINFO at %#llx (%llu bytes) lies past the end of the file",
						  (unsigned long long)off, (unsigned long long)size);
			d->vmcoreinfo = xmalloc(size + 1);
			if (dfile_read(f, off, d->vmcoreinfo, size, err) < 0)
				return -1;
			d->vmcoreinfo[size] = '\0';
			d->vmcoreinfo_len = strlen(d->vmcoreinfo);
		}
	}
	if (version >= 4) {
		uint64_t off = rd64(sub + SUB_OFFSET_NOTE), size = rd64(sub + SUB_SIZE_NOTE);
		if (size) {
			if (size > (64u << 20) || off > f->size || size > f->size - off)
				return kd_err_set(err, KD_EFORMAT, "ELF notes at %#llx (%llu bytes) lie past the end of the file",
						  (unsigned long long)off, (unsigned long long)size);
			d->note_buf = xmalloc(size);
			if (dfile_read(f, off, d->note_buf, size, err) < 0)
				return -1;
			char *keep = d->vmcoreinfo; /* the sub-header's own copy wins over the note's */
			d->vmcoreinfo = NULL;
			int rc = dump_parse_notes(d, d->note_buf, size, err);
			if (keep) {
				free(d->vmcoreinfo);
				d->vmcoreinfo = keep;
				d->vmcoreinfo_len = strlen(keep);
			}
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int dump_kdump_open(struct dump *d, struct dfile *f, struct kd_err *err)
{
	uint8_t hdr[HDR_SIZE];
	if (f->size < 8)
		return 1;
	if (dfile_read(f, 0, hdr, 8, err) < 0)
		return -1;
	bool is_kdump = memcmp(hdr, "KDUMP   ", 8) == 0, is_diskdump = memcmp(hdr, "DISKDUMP", 8) == 0;
	if (!is_kdump && !is_diskdump)
		return 1;
	if (f->size < HDR_SIZE || dfile_read(f, 0, hdr, HDR_SIZE, err) < 0)
		return kd_err_set(err, KD_EFORMAT, "kdump header truncated (file has %llu bytes)", (unsigned long long)f->size);
	int version = (int)rd32(hdr + HDR_VERSION);
	uint32_t block_size = rd32(hdr + HDR_BLOCK_SIZE);
	uint32_t sub_blocks = rd32(hdr + HDR_SUB_HDR_SIZE), bitmap_blocks = rd32(hdr + HDR_BITMAP_BLOCKS);
	if (version < 0 || version > 6)
		return kd_err_set(err, KD_EUNSUPP, "kdump header version %d is not supported (0 to 6 are)", version);
	if (block_size < 1024 || block_size > (1u << 16) || (block_size & (block_size - 1)))
		return kd_err_set(err, KD_EFORMAT, "kdump header: block size %u is not possible", block_size);
	struct kdump_priv *p = xcalloc(1, sizeof(*p));
	d->priv = p;
	d->ops = &kdump_ops;
	d->format = is_kdump ? "KDUMP" : "DISKDUMP";
	d->page_size = block_size;
	d->wants_cache = true;
	p->block_size = block_size;
	p->max_mapnr = rd32(hdr + HDR_MAX_MAPNR);
	p->cbuf = xmalloc(block_size);
	copy_field(d->hdr_nodename, hdr + HDR_UTSNAME + 65);
	copy_field(d->hdr_release, hdr + HDR_UTSNAME + 2 * 65);
	copy_field(d->hdr_machine, hdr + HDR_UTSNAME + 4 * 65);
	d->hdr_timestamp = (int64_t)rd64(hdr + HDR_TIMESTAMP);
	d->hdr_nr_cpus = rd32(hdr + HDR_NR_CPUS);

	if (is_kdump && sub_blocks) {
		uint8_t sub[SUB_SIZE] = {0};
		uint64_t sub_off = block_size;
		if (sub_off + SUB_SIZE > f->size)
			return kd_err_set(err, KD_EFORMAT, "kdump sub-header lies past the end of the file");
		if (dfile_read(f, sub_off, sub, SUB_SIZE, err) < 0 || read_subheader(d, p, version, sub, err) < 0)
			return -1;
	}
	uint64_t bitmap_off = (1 + (uint64_t)sub_blocks) * block_size;
	uint64_t bitmap_total = (uint64_t)bitmap_blocks * block_size;
	if (bitmap_total == 0 || bitmap_off > f->size || bitmap_total > f->size - bitmap_off)
		return kd_err_set(err, KD_EFORMAT, "kdump bitmaps (%llu bytes at %#llx) lie past the end of the file (truncated dump?)",
				  (unsigned long long)bitmap_total, (unsigned long long)bitmap_off);
	/* a flattened file may claim any logical size: the bitmaps must be there before we allocate them */
	if (!dfile_holds(f, bitmap_off, bitmap_total))
		return kd_err_set(err, KD_EFORMAT, "kdump bitmaps (%llu bytes at %#llx) are not all in the file (corrupt flattened dump?)",
				  (unsigned long long)bitmap_total, (unsigned long long)bitmap_off);
	p->bitmap_len = bitmap_total / 2;
	if (p->max_mapnr > p->bitmap_len * 8)
		p->max_mapnr = p->bitmap_len * 8; /* never index past the bitmap, whatever the header says */
	p->bitmap_buf = xmalloc(bitmap_total);
	if (dfile_read(f, bitmap_off, p->bitmap_buf, bitmap_total, err) < 0)
		return -1;
	p->bitmap1 = p->bitmap_buf;
	p->bitmap2 = p->bitmap_buf + p->bitmap_len;
	p->desc_off = bitmap_off + bitmap_total;
	build_rank(p);
	find_cut(d, p);
	d->max_pfn = p->max_mapnr;
	d->dump_level = p->dump_level;
	d->compression = "per-page (zlib/lzo/snappy/zstd)";
	return 0;
}
