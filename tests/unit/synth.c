#include "synth.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void put(struct buf *b, size_t off, const void *src, size_t n)
{
	if (off + n > b->len) {
		b->data = realloc(b->data, off + n);
		memset(b->data + b->len, 0, off + n - b->len);
		b->len = off + n;
	}
	memcpy(b->data + off, src, n);
}

void synth_page(uint64_t pfn, uint8_t *out)
{
	for (unsigned i = 0; i < SYNTH_PAGE; i++)
		out[i] = (uint8_t)((pfn * 7 + i / 64) & 0xff);
	memcpy(out, &pfn, 8);
}

static size_t compress_page(enum synth_codec codec, const uint8_t *in, uint8_t *out, size_t cap, uint32_t *flags)
{
	switch (codec) {
	case SYNTH_ZLIB: {
		uLongf n = cap;
		compress2(out, &n, in, SYNTH_PAGE, 6);
		*flags = 0x1;
		return n;
	}
#ifdef HAVE_LZO
	case SYNTH_LZO: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;
		lzo_init();
		lzo1x_1_compress(in, SYNTH_PAGE, out, &n, wrk);
		*flags = 0x2;
		return n;
	}
#endif
#ifdef HAVE_SNAPPY
	case SYNTH_SNAPPY: {
		size_t n = cap;
		snappy_compress((const char *)in, SYNTH_PAGE, (char *)out, &n);
		*flags = 0x4;
		return n;
	}
#endif
#ifdef HAVE_ZSTD
	case SYNTH_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, SYNTH_PAGE, 1);
		*flags = 0x20;
		return n;
	}
#endif
	default:
		memcpy(out, in, SYNTH_PAGE);
		*flags = 0;
		return SYNTH_PAGE;
	}
}

struct buf synth_kdump(unsigned npages, enum synth_codec codec, const unsigned *excluded, size_t nexcluded,
		       const char *vmcoreinfo)
{
	struct buf b = {0};
	uint8_t hdr[464] = {0};
	memcpy(hdr, "KDUMP   ", 8);
	uint32_t v32;
	v32 = 6; memcpy(hdr + 8, &v32, 4);
	memcpy(hdr + 12 + 65, "synthnode", 9);
	memcpy(hdr + 12 + 130, "6.1.0-synth", 11);
	memcpy(hdr + 12 + 260, "x86_64", 6);
	uint64_t ts = 1700000000; memcpy(hdr + 408, &ts, 8);
	v32 = SYNTH_PAGE; memcpy(hdr + 428, &v32, 4);
	v32 = 1; memcpy(hdr + 432, &v32, 4); /* sub header: 1 block */
	unsigned bitmap_bytes = (npages + 7) / 8;
	unsigned bitmap_blocks = 2 * ((bitmap_bytes + SYNTH_PAGE - 1) / SYNTH_PAGE);
	memcpy(hdr + 436, &bitmap_blocks, 4);
	v32 = npages; memcpy(hdr + 440, &v32, 4);
	v32 = 1; memcpy(hdr + 460, &v32, 4);
	put(&b, 0, hdr, sizeof(hdr));
	/* sub-header */
	uint8_t sub[104] = {0};
	uint64_t vlen = vmcoreinfo ? strlen(vmcoreinfo) : 0;
	uint64_t half = (uint64_t)bitmap_blocks / 2 * SYNTH_PAGE;
	uint64_t bitmap_off = 2ULL * SYNTH_PAGE;
	uint64_t desc_off = bitmap_off + 2 * half;
	unsigned ndumped = npages - (unsigned)nexcluded;
	uint64_t data_off = desc_off + (uint64_t)ndumped * 24;
	uint64_t vmci_off = data_off;
	data_off += vlen;
	uint64_t max64 = npages;
	memcpy(sub + 32, &vmci_off, 8);
	memcpy(sub + 40, &vlen, 8);
	memcpy(sub + 96, &max64, 8);
	put(&b, SYNTH_PAGE, sub, sizeof(sub));
	if (vlen)
		put(&b, vmci_off, vmcoreinfo, vlen);
	uint8_t *bm1 = calloc(1, half), *bm2 = calloc(1, half);
	for (unsigned p = 0; p < npages; p++) {
		bm1[p / 8] |= (uint8_t)(1u << (p % 8));
		int ex = 0;
		for (size_t i = 0; i < nexcluded; i++)
			ex |= excluded[i] == p;
		if (!ex)
			bm2[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	put(&b, bitmap_off, bm1, half);
	put(&b, bitmap_off + half, bm2, half);
	unsigned d = 0;
	for (unsigned p = 0; p < npages; p++) {
		if (!(bm2[p / 8] & (1u << (p % 8))))
			continue;
		uint8_t page[SYNTH_PAGE], out[2 * SYNTH_PAGE];
		synth_page(p, page);
		uint32_t flags;
		size_t n = compress_page(codec, page, out, sizeof(out), &flags);
		if (n >= SYNTH_PAGE) { /* makedumpfile stores incompressible pages plain */
			memcpy(out, page, SYNTH_PAGE);
			n = SYNTH_PAGE;
			flags = 0;
		}
		uint8_t desc[24] = {0};
		uint32_t size = (uint32_t)n;
		memcpy(desc, &data_off, 8);
		memcpy(desc + 8, &size, 4);
		memcpy(desc + 12, &flags, 4);
		put(&b, desc_off + (uint64_t)d * 24, desc, 24);
		put(&b, data_off, out, n);
		data_off += n;
		d++;
	}
	free(bm1);
	free(bm2);
	return b;
}

static void put_note(struct buf *notes, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint32_t h[3] = {namesz, descsz, type};
	size_t off = notes->len;
	put(notes, off, h, 12);
	put(notes, off + 12, name, namesz);
	size_t doff = off + 12 + ((namesz + 3) & ~3u);
	put(notes, doff, desc, descsz);
	size_t end = doff + ((descsz + 3) & ~3u);
	if (notes->len < end)
		put(notes, end - 1, "", 1);
}

struct buf synth_elf(unsigned npages, unsigned file_pages, const char *vmcoreinfo, uint64_t phoff_extra)
{
	struct buf b = {0}, notes = {0};
	if (vmcoreinfo)
		put_note(&notes, "VMCOREINFO", 0, vmcoreinfo, (uint32_t)strlen(vmcoreinfo));
	uint8_t prstatus[336] = {0};
	put_note(&notes, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	Elf64_Ehdr eh = {0};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh) + phoff_extra; /* QEMU puts them after section headers */
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	put(&b, 0, &eh, sizeof(eh));
	uint64_t note_off = eh.e_phoff + 2 * sizeof(Elf64_Phdr);
	uint64_t load_off = (note_off + notes.len + SYNTH_PAGE - 1) / SYNTH_PAGE * SYNTH_PAGE;
	Elf64_Phdr ph[2] = {0};
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = note_off;
	ph[0].p_filesz = notes.len;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = load_off;
	ph[1].p_paddr = 0;
	ph[1].p_filesz = (uint64_t)file_pages * SYNTH_PAGE;
	ph[1].p_memsz = (uint64_t)npages * SYNTH_PAGE;
	put(&b, eh.e_phoff, ph, sizeof(ph));
	put(&b, note_off, notes.data, notes.len);
	for (unsigned p = 0; p < file_pages; p++) {
		uint8_t page[SYNTH_PAGE];
		synth_page(p, page);
		put(&b, load_off + (uint64_t)p * SYNTH_PAGE, page, SYNTH_PAGE);
	}
	free(notes.data);
	return b;
}

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

struct buf synth_flatten(const struct buf *in, size_t blk)
{
	struct buf b = {0};
	uint8_t hdr[4096] = {0};
	memcpy(hdr, "makedumpfile", 12);
	be64(hdr + 16, 1);
	be64(hdr + 24, 1);
	put(&b, 0, hdr, sizeof(hdr));
	size_t nblocks = (in->len + blk - 1) / blk;
	/* Odd blocks first, then even ones: readers must honour the offsets, not the order. */
	for (int pass = 1; pass >= 0; pass--) {
		for (size_t i = (size_t)pass; i < nblocks; i += 2) {
			size_t off = i * blk, n = in->len - off < blk ? in->len - off : blk;
			uint8_t dh[16];
			be64(dh, off);
			be64(dh + 8, n);
			put(&b, b.len, dh, 16);
			put(&b, b.len, in->data + off, n);
		}
	}
	uint8_t end[16];
	be64(end, (uint64_t)-1);
	be64(end + 8, 0);
	put(&b, b.len, end, 16);
	return b;
}

char *synth_write(const struct buf *b)
{
	char *path = strdup("/tmp/kdive-unit-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, b->data, b->len) != (ssize_t)b->len) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}
