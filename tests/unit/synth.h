/* Synthetic dumps built in memory and written to temporary files. */
#ifndef KDIVE_SYNTH_H
#define KDIVE_SYNTH_H
#include <stddef.h>
#include <stdint.h>

#define SYNTH_PAGE 4096
enum synth_codec { SYNTH_RAW, SYNTH_ZLIB, SYNTH_LZO, SYNTH_SNAPPY, SYNTH_ZSTD };

struct buf {
	uint8_t *data;
	size_t len;
};

/* Page content for pfn: a recognisable pattern. */
void synth_page(uint64_t pfn, uint8_t *out);
/* kdump file with npages pages; pages listed in excluded[] are filtered out. */
struct buf synth_kdump(unsigned npages, enum synth_codec codec, const unsigned *excluded, size_t nexcluded,
		       const char *vmcoreinfo);
/* ELF core with one PT_LOAD at paddr 0 (filesz may be less than memsz) and a VMCOREINFO note. */
struct buf synth_elf(unsigned npages, unsigned file_pages, const char *vmcoreinfo, uint64_t phoff_extra);
/* makedumpfile's flattened format around any file, in blocks of blk bytes, written out of order. */
struct buf synth_flatten(const struct buf *in, size_t blk);
/* Write to a temporary file; returns its malloc'd path. */
char *synth_write(const struct buf *b);
#endif
