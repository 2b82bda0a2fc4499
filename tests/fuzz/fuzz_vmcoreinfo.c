/*
 * Harness 5: VMCOREINFO text, as it reaches kdive in a note: parsed out of the note
 * (dump_parse_notes), then looked up as the layers above do, for the keys kdive reads and for
 * every key of the text itself, as text and as numbers in base 10 and 16.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return -1;
	/* One ELF note named VMCOREINFO, the input its descriptor. */
	size_t len = 12 + 12 + ((size + 3) & ~(size_t)3);
	uint8_t *note = calloc(1, len);
	uint32_t hdr[3] = {11, (uint32_t)size, 0};
	memcpy(note, hdr, 12);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, data, size);
	struct dump d = {0};
	struct kd_err err = {0};
	if (dump_parse_notes(&d, note, len, &err) == 0 && d.vmcoreinfo) {
		static const char *const keys[] = {
			"OSRELEASE", "PAGESIZE", "CRASHTIME", "KERNELOFFSET", "NUMBER(phys_base)",
			"NUMBER(KERNEL_IMAGE_SIZE)", "NUMBER(pgtable_l5_enabled)", "NUMBER(SECTION_SIZE_BITS)",
			"SYMBOL(init_task)", "SYMBOL(swapper_pg_dir)", "SIZE(page)", "OFFSET(page.flags)", "",
		};
		uint64_t v;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t l;
			dump_vmcoreinfo(&d, keys[i], &l);
			dump_vmcoreinfo_u64(&d, keys[i], 10, &v);
			dump_vmcoreinfo_u64(&d, keys[i], 16, &v);
		}
		/* Every key the text has, up to its '=' (or its whole line). */
		for (const char *line = d.vmcoreinfo; *line;) {
			size_t ll = strcspn(line, "\n"), kl = strcspn(line, "=\n");
			char key[256];
			if (kl < sizeof(key)) {
				memcpy(key, line, kl);
				key[kl] = '\0';
				dump_vmcoreinfo(&d, key, NULL);
				dump_vmcoreinfo_u64(&d, key, 10, &v);
				dump_vmcoreinfo_u64(&d, key, 16, &v);
			}
			line += ll + (line[ll] == '\n');
		}
	}
	free(d.notes);
	free(d.vmcoreinfo);
	free(note);
	return 0;
}
