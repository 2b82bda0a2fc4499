/*
 * Harness 5: VMCOREINFO text, as it reaches kdive in a note: parsed out of the note
 * (dump_parse_notes), then looked up as the layers above do, for the keys kdive reads and for
 * every key of the text itself, as text and as numbers in base 10 and 16; then, as kdive --log
 * reads a dump without its vmlinux, a session over an ELF dump holding the note and a few pages
 * of memory: the symbols and types VMCOREINFO gives (the type model's VMCOREINFO source) and
 * the printk reader on them, whatever addresses, sizes and offsets the text claims.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <elf.h>

#include "dump/dump.h"
#include "debuginfo/ctype.h"
#include "linux/printk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_PAGES 16

/* An ELF dump of the note and MEM_PAGES pages at physical 0, each 8-byte word a kernel-text
 * address into those pages (so pointers read from it lead somewhere readable). */
static void session_on(const uint8_t *note, size_t len)
{
	size_t mem = MEM_PAGES * 4096, off_note = 64 + 2 * sizeof(Elf64_Phdr), off_load = (off_note + len + 4095) & ~(size_t)4095;
	uint8_t *f = calloc(1, off_load + mem);
	Elf64_Ehdr eh = {.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT, .e_phoff = 64,
			 .e_ehsize = 64, .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	Elf64_Phdr ph[2] = {{.p_type = PT_NOTE, .p_offset = off_note, .p_filesz = len},
			    {.p_type = PT_LOAD, .p_offset = off_load, .p_filesz = mem, .p_memsz = mem}};
	memcpy(f, &eh, sizeof(eh));
	memcpy(f + 64, ph, sizeof(ph));
	memcpy(f + off_note, note, len);
	for (size_t i = 0; i < mem; i += 8) {
		uint64_t v = 0xffffffff80000000ULL + (i * 40 + 8) % mem;
		memcpy(f + off_load + i, &v, 8);
	}
	struct kd_err err = {0};
	struct dump *d = dump_open_mem(f, off_load + mem, "fuzz", &err);
	if (d) {
		kd_session *s = session_new();
		if (session_attach_vmcoreinfo(s, d) == 0) {
			static const char *const types[] = {"printk_ringbuffer", "prb_desc", "printk_info", "printk_log", "log",
							    "atomic_long_t", "page", "list_head"};
			for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
				kd_type_size_opt(s, types[i]);
				ctype_member_find(s, types[i], "text_len");
				ctype_member_find(s, types[i], "desc_ring.descs");
			}
			struct kd_log_records r;
			kd_log_read(s, &r);
			kd_log_records_free(&r);
		}
		session_free(s); /* closes d */
	}
	free(f);
}

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
	if (d.vmcoreinfo)
		session_on(note, len);
	free(d.notes);
	free(d.vmcoreinfo);
	free(note);
	return 0;
}
