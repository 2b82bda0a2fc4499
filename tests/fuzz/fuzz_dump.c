/*
 * Harnesses 1-3: the dump readers on a file held in memory (dump_open_mem), as kdive opens a
 * dump: format detection, the flattened index, headers, notes, VMCOREINFO, bitmaps and page
 * descriptors; then the reads a session makes (pages at the start of memory, a bulk run).
 * Built three times, each keeping only the inputs of its format (FUZZ_MAGIC), so that each
 * corpus stays on its own reader: fuzz_elf, fuzz_kdump, fuzz_flat.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"

#ifndef FUZZ_MAGIC
#error "FUZZ_MAGIC: the prefix of this harness's format"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const magics[] = {FUZZ_MAGIC};
	bool ours = false;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		ours |= size >= strlen(magics[i]) && memcmp(data, magics[i], strlen(magics[i])) == 0;
	if (!ours)
		return -1; /* not added to the corpus */
	/* A copy of exactly size bytes: a read past the end is the sanitizer's to see. */
	uint8_t *buf = malloc(size);
	memcpy(buf, data, size);
	struct kd_err err = {0};
	struct dump *d = dump_open_mem(buf, size, "fuzz", &err);
	if (d) {
		for (size_t i = 0; i < d->nr_notes; i++) {
			volatile uint8_t sink = 0;
			for (uint32_t k = 0; k < d->notes[i].descsz; k += 64)
				sink ^= d->notes[i].desc[k];
			(void)sink;
		}
		dump_vmcoreinfo_u64(d, "NUMBER(phys_base)", 10, &(uint64_t){0});
		dump_vmcoreinfo(d, "OSRELEASE", NULL);
		/* what kdive --identify asks of it */
		uint64_t looked;
		dump_codecs(d, 256, &looked);
		dump_cpu_notes(d);
		dump_from_qemu(d);
		const char *key, *val;
		size_t pos = 0, kl, vl, nkeys = 0;
		while (dump_vmcoreinfo_next(d, &pos, &key, &kl, &val, &vl))
			nkeys += kl + vl > 0;
		(void)nkeys;
		uint32_t psz = d->page_size ? d->page_size : 4096;
		uint8_t *page = malloc(psz * 8);
		/* The first pages of memory, and the first 16 the dump holds (read_run finds them
		 * without an error message for the others), whole and in part. */
		uint64_t limit = d->max_pfn < 2048 ? d->max_pfn : 2048;
		const uint8_t *run = NULL;
		for (uint64_t pfn = 0, found = 0; pfn < limit && found < 16; pfn++) {
			if (pfn >= 4 && d->ops->read_run(d, pfn * psz, psz, page, &run) == 0)
				continue;
			struct kd_err e = {0};
			d->ops->read_phys(d, pfn * psz, page, psz, &e);
			d->ops->read_phys(d, pfn * psz + 8, page, 16, &e);
			found++;
		}
		struct kd_err e = {0};
		d->ops->read_phys(d, d->max_pfn * (uint64_t)psz, page, psz, &e);
		d->ops->read_run(d, 0, (size_t)psz * 8, page, &run);
		free(page);
		dump_close(d);
	}
	free(buf);
	return 0;
}
