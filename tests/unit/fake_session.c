/* The fake kernel as a session, once per test run (see fake_session.h). */
#include "fake_session.h"

#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"
#include "linux/kernel.h"
#include "linux/modules.h"
#include "linux/mm.h"
#include "linux/tasks.h"
#include "shell/shell.h"
#include "target/arch.h"

#ifndef FAKE_KERNEL
#define FAKE_KERNEL "tests/unit/fake_kernel.c"
#endif

static struct {
	kd_session *s;
	bool tried;
	char bin[64];
	struct u64map pages; /* page number -> a writable copy of its 4096 bytes */
} fk;

static uint8_t *page_of(uint64_t addr)
{
	return u64map_get(&fk.pages, addr / 4096);
}

static int read_mem(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	for (size_t done = 0; done < len;) {
		uint64_t a = addr + done;
		size_t n = MIN(len - done, 4096 - a % 4096);
		uint8_t *p = page_of(a);
		if (!p)
			return -1;
		memcpy((uint8_t *)buf + done, p + a % 4096, n);
		done += n;
	}
	return 0;
}

uint64_t fake_sym(const char *name)
{
	uint64_t a = 0;
	kd_session *s = fake_session();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(kd_symbol_addr(s, name, &a), 0);
	return a;
}

uint64_t fake_poke(uint64_t addr, uint64_t val, size_t size)
{
	uint64_t old = 0;
	CU_ASSERT_FATAL(size >= 1 && size <= 8);
	for (size_t i = 0; i < size; i++) {
		uint8_t *p = page_of(addr + i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		old |= (uint64_t)p[(addr + i) % 4096] << (8 * i);
		p[(addr + i) % 4096] = (uint8_t)(val >> (8 * i));
	}
	return old;
}

void fake_session_forget(void)
{
	if (!fk.s)
		return;
	tasks_free(fk.s);
	modules_free(fk.s);
	mm_free(fk.s);
}

static void close_session(void)
{
	session_free(fk.s); /* closes the ELF and its descriptor */
	fk.s = NULL;
	for (size_t i = 0; i < fk.pages.cap; i++)
		if (fk.pages.slots[i].used)
			free(fk.pages.slots[i].value);
	u64map_free(&fk.pages);
	if (fk.bin[0])
		unlink(fk.bin);
}

/* The allocated sections' contents, page by page, at their link addresses (.bss as zeroes). */
static void load_memory(Elf *elf)
{
	u64map_init(&fk.pages);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
			continue;
		for (uint64_t pg = sh.sh_addr / 4096; pg <= (sh.sh_addr + sh.sh_size - 1) / 4096; pg++)
			if (!u64map_has(&fk.pages, pg))
				u64map_put(&fk.pages, pg, xcalloc(1, 4096));
		Elf_Data *d = elf_getdata(scn, NULL);
		if (sh.sh_type == SHT_NOBITS || !d || !d->d_buf)
			continue;
		for (uint64_t i = 0; i < MIN(sh.sh_size, d->d_size); i++)
			page_of(sh.sh_addr + i)[(sh.sh_addr + i) % 4096] = ((const uint8_t *)d->d_buf)[i];
	}
}

static kd_session *open_session(void)
{
	snprintf(fk.bin, sizeof(fk.bin), "/tmp/kdive-fake-kernel-XXXXXX");
	int bfd = mkstemp(fk.bin);
	if (bfd < 0) {
		fk.bin[0] = '\0';
		return NULL;
	}
	close(bfd);
	char cmd[1024];
	/* linked where a kernel is, with nothing but its own code and data */
	snprintf(cmd, sizeof(cmd),
		 "cc -g -O0 -mcmodel=kernel -fno-pie -no-pie -nostdlib -static -Wl,-Ttext-segment=0xffffffff81000000 "
		 "-Wl,-e,main -o %s %s",
		 fk.bin, FAKE_KERNEL);
	if (system(cmd) != 0) {
		fprintf(stderr, "fake kernel: cannot build it: %s\n", cmd);
		return NULL;
	}
	kd_session *s = fk.s = session_new();
	/* Linked where an x86_64 kernel is: its kernel addresses are the arch's (kd_is_kvaddr). Only
	 * that: without a dump there is no translation (kd_kvtop) to ask it for. */
	s->arch = &arch_x86_64;
	s->vmlinux_fd = open(fk.bin, O_RDONLY);
	s->vmlinux_elf = s->vmlinux_fd >= 0 ? elf_begin(s->vmlinux_fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!s->vmlinux_elf)
		return NULL;
	struct kd_err err = {0};
	s->symtab = symtab_load(s->vmlinux_elf, &err);
	s->dwi = dwi_build(s->vmlinux_elf, 2, &err);
	s->dwarf = dwarf_begin_elf(s->vmlinux_elf, DWARF_C_READ, NULL);
	if (!s->symtab || !s->dwi || !s->dwarf) {
		fprintf(stderr, "fake kernel: cannot read its symbols or DWARF: %s\n", err.msg);
		return NULL;
	}
	load_memory(s->vmlinux_elf);
	mem_set_reader(s, read_mem, NULL);
	/* The kernel layer's start: version check against the "vmlinux", CPUs and per-CPU offsets. */
	if (kernel_init(s) < 0) {
		fprintf(stderr, "fake kernel: %s\n", kd_last_error(s));
		return NULL;
	}
	/* The direct map and the struct page array where the fake kernel says they are, as the
	 * arch reads them from a dump (page_offset_base, vmemmap_base); no translation behind them. */
	const struct ksym *po = symtab_lookup(s->symtab, "page_offset_base"), *vm = symtab_lookup(s->symtab, "vmemmap_base");
	if (po && vm && (kd_read_kv(s, po->addr, &s->ki.page_offset, 8) < 0 || kd_read_kv(s, vm->addr, &s->ki.vmemmap_start, 8) < 0)) {
		fprintf(stderr, "fake kernel: %s\n", kd_last_error(s));
		return NULL;
	}
	builtins_register(s);
	s->scroll = false; /* no pager, even on a terminal */
	return s;
}

kd_session *fake_session(void)
{
	if (fk.tried)
		return fk.s;
	fk.tried = true;
	atexit(close_session);
	if (!open_session()) {
		close_session();
		return NULL;
	}
	return fk.s;
}
