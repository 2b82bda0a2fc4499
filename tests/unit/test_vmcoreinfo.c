/*
 * A dump without its vmlinux: the type model's VMCOREINFO source and the printk reader's
 * records before 5.10 (struct printk_log), on a synthetic ELF dump whose VMCOREINFO describes
 * an old log buffer at kernel-text addresses (translated by KERNELOFFSET and phys_base alone).
 */
#include <CUnit/CUnit.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/ctype.h"
#include "linux/printk.h"
#include "shell/shell.h"
#include "synth.h"
#include "tests.h"

static const char *OLD_VMCI = "OSRELEASE=4.19.0-synth\nPAGESIZE=4096\nKERNELOFFSET=0\nNUMBER(phys_base)=0\n"
			      "SYMBOL(init_top_pgt)=ffffffff80010000\n"
			      "SYMBOL(log_buf)=ffffffff80001000\nSYMBOL(log_buf_len)=ffffffff80001008\n"
			      "SYMBOL(log_first_idx)=ffffffff8000100c\nSYMBOL(clear_idx)=ffffffff80001014\n"
			      "SYMBOL(log_next_idx)=ffffffff80001010\n"
			      "SIZE(printk_log)=16\nOFFSET(printk_log.ts_nsec)=0\nOFFSET(printk_log.len)=8\n"
			      "OFFSET(printk_log.text_len)=10\nOFFSET(printk_log.dict_len)=12\n"
			      "OFFSET(printk_log.mystery)=14\n";

#define BUF_PA 0x2000
#define BUF_LEN 256

/* Bytes at a physical address of the dump's one PT_LOAD (at physical 0). */
static void poke(struct buf *b, uint64_t pa, const void *v, size_t n)
{
	Elf64_Phdr ph;
	memcpy(&ph, b->data + 64 + sizeof(Elf64_Phdr), sizeof(ph));
	memcpy(b->data + ph.p_offset + pa, v, n);
}

static void put_u32(struct buf *b, uint64_t pa, uint32_t v)
{
	poke(b, pa, &v, 4);
}

/* One record at idx of the log buffer: its header (struct printk_log), text and dictionary. */
static uint32_t record(struct buf *b, uint32_t idx, uint64_t ts, const char *text, const char *dict, size_t dict_len)
{
	uint8_t h[16] = {0};
	uint16_t tl = (uint16_t)strlen(text), dl = (uint16_t)dict_len, len = (uint16_t)((16 + tl + dl + 7) & ~7u);
	memcpy(h, &ts, 8);
	memcpy(h + 8, &len, 2);
	memcpy(h + 10, &tl, 2);
	memcpy(h + 12, &dl, 2);
	h[14] = 0xaa; /* the "mystery" member's bytes */
	poke(b, BUF_PA + idx, h, 16);
	poke(b, BUF_PA + idx + 16, text, tl);
	if (dl)
		poke(b, BUF_PA + idx + 16 + tl, dict, dl);
	return idx + len;
}

static const char DICT[] = "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0";

/* A wrapped buffer: "older" at 160, the end marker after it, then two records from 0 (the
 * second at 72, after the first's 16 + 11 + 38 bytes rounded up to 8). */
static struct buf old_log_dump(const char *vmci, bool corrupt_last)
{
	struct buf b = synth_elf(8, 8, vmci, 0);
	uint8_t zero[BUF_LEN] = {0};
	poke(&b, BUF_PA, zero, sizeof(zero));
	uint64_t buf_va = 0xffffffff80000000ULL + BUF_PA;
	poke(&b, 0x1000, &buf_va, 8);
	put_u32(&b, 0x1008, BUF_LEN);
	put_u32(&b, 0x100c, 160);
	uint32_t end = record(&b, 160, 1000, "older", NULL, 0);
	CU_ASSERT_EQUAL(end, 184); /* followed by a zero-length header: back to the start */
	uint32_t next = record(&b, 0, 2500000000ULL, "hello\nworld", DICT, sizeof(DICT) - 1);
	uint32_t last = record(&b, next, 3000000000ULL, "last", NULL, 0);
	if (corrupt_last) {
		uint16_t huge = 250;
		poke(&b, BUF_PA + next + 8, &huge, 2);
	}
	put_u32(&b, 0x1010, last);
	return b;
}

static kd_session *open_vmci(struct buf *b, char **path)
{
	*path = synth_write(b);
	kd_session *s = session_new();
	builtins_register(s);
	int rc = session_open_vmcoreinfo(s, *path);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc < 0)
		fprintf(stderr, "session_open_vmcoreinfo: %s\n", kd_last_error(s));
	return s;
}

static void finish(kd_session *s, char *path, struct buf *b)
{
	session_free(s);
	unlink(path);
	free(path);
	free(b->data);
}

static void test_vmci_types(void)
{
	struct buf b = old_log_dump(OLD_VMCI, false);
	char *path;
	kd_session *s = open_vmci(&b, &path);
	CU_ASSERT_EQUAL(kd_type_size_opt(s, "printk_log"), 16);
	CU_ASSERT_EQUAL(kd_type_size_opt(s, "struct printk_log"), 16);
	const struct cpath *p = ctype_member_find(s, "printk_log", "text_len");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->bitpos, 80);
	CU_ASSERT_EQUAL(p->size, 2); /* the kernel's u16, not the 2-byte gap it happens to fill */
	p = ctype_member_find(s, "printk_log", "ts_nsec");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->size, 8);
	/* a member the table does not know: its bytes, up to the structure's end */
	p = ctype_member_find(s, "printk_log", "mystery");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->bitpos, 112);
	CU_ASSERT_EQUAL(p->size, 2);
	CU_ASSERT_EQUAL(ctype_strip(p->type)->kind, CT_ARRAY);
	CU_ASSERT_PTR_NULL(ctype_member_find(s, "printk_log", "facility"));
	CU_ASSERT_PTR_NULL(ctype_find(s, "struct task_struct"));
	CU_ASSERT_EQUAL(kd_type_size_opt(s, "task_struct"), UINT64_MAX);
	/* symbols: VMCOREINFO's, already at the running kernel's addresses */
	uint64_t a = 0;
	CU_ASSERT_EQUAL(kd_symbol_addr(s, "log_next_idx", &a), 0);
	CU_ASSERT_EQUAL(a, 0xffffffff80001010ULL);
	CU_ASSERT_NOT_EQUAL(kd_symbol_addr(s, "init_task", &a), 0);
	CU_ASSERT_STRING_EQUAL(s->ki.release, "4.19.0-synth");
	finish(s, path, &b);
}

static void test_old_log_records(void)
{
	struct buf b = old_log_dump(OLD_VMCI, false);
	char *path;
	kd_session *s = open_vmci(&b, &path);
	struct kd_log_records r;
	CU_ASSERT_EQUAL(kd_log_read(s, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.len, 3);
	CU_ASSERT_STRING_EQUAL(r.items[0].text, "older");
	CU_ASSERT_EQUAL(r.items[0].ts_nsec, 1000);
	CU_ASSERT_STRING_EQUAL(r.items[1].text, "hello\nworld");
	CU_ASSERT_EQUAL(r.items[1].text_len, 11);
	CU_ASSERT_STRING_EQUAL(r.items[1].subsystem, "pci");
	CU_ASSERT_STRING_EQUAL(r.items[1].device, "+pci:0000:00:01.0");
	CU_ASSERT_STRING_EQUAL(r.items[2].text, "last");
	CU_ASSERT_EQUAL(r.items[2].seq, 2);
	kd_log_records_free(&r);
	/* the log command prints them as crash's log does */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	s->out = f;
	CU_ASSERT_EQUAL(shell_run_line(s, "log"), 0);
	s->out = f;
	CU_ASSERT_EQUAL(shell_run_line(s, "log -d"), 0);
	s->out = stdout;
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text, "[    0.000001] older\n[    2.500000] hello\n               world\n[    3.000000] last\n"
				     "[    0.000001] older\n[    2.500000] hello\n               world\n"
				     "               SUBSYSTEM=pci\n               DEVICE=+pci:0000:00:01.0\n[    3.000000] last\n");
	free(text);
	finish(s, path, &b);
}

static void test_old_log_corrupt(void)
{
	/* the last record's length runs past the buffer: the records before it, and the error */
	struct buf b = old_log_dump(OLD_VMCI, true);
	char *path;
	kd_session *s = open_vmci(&b, &path);
	struct kd_log_records r;
	CU_ASSERT_EQUAL(kd_log_read(s, &r), -1);
	CU_ASSERT_EQUAL(r.len, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "log record at index 72 is corrupt (len 250"));
	kd_log_records_free(&r);
	/* log_next_idx never reached: a cycle, bounded */
	kd_clear_error(s);
	uint32_t bad = 100; /* within no record */
	struct mem_patch patch = {0x1010, 4, (const uint8_t *)&bad}; /* log_next_idx, at physical 0x1010 */
	mem_set_overlay(s, &patch, 1);
	CU_ASSERT_EQUAL(kd_log_read(s, &r), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "log"));
	kd_log_records_free(&r);
	mem_set_overlay(s, NULL, 0);
	finish(s, path, &b);
}

static void test_no_vmcoreinfo(void)
{
	struct buf b = synth_elf(4, 4, NULL, 0);
	char *path = synth_write(&b);
	kd_session *s = session_new();
	CU_ASSERT_EQUAL(session_open_vmcoreinfo(s, path), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kd_last_error(s), "no VMCOREINFO"));
	finish(s, path, &b);
}

static void test_vmci_lockless_types(void)
{
	/* the lockless ring's structures as a 6.1 kernel describes them: nested members typed */
	static const char *v = "OSRELEASE=6.1.0-synth\nKERNELOFFSET=0\nNUMBER(phys_base)=0\nSYMBOL(init_top_pgt)=ffffffff80010000\n"
			       "SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
			       "SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\nOFFSET(prb_data_blk_lpos.next)=8\n"
			       "SIZE(atomic_long_t)=8\nOFFSET(atomic_long_t.counter)=0\n"
			       "SIZE(printk_info)=88\nOFFSET(printk_info.dev_info)=24\nSIZE(dev_printk_info)=64\n"
			       "OFFSET(dev_printk_info.subsystem)=0\nLENGTH(printk_info_subsystem)=16\n"
			       "OFFSET(dev_printk_info.device)=16\nLENGTH(printk_info_device)=48\n";
	struct buf b = synth_elf(4, 4, v, 0);
	char *path;
	kd_session *s = open_vmci(&b, &path);
	const struct cpath *p = ctype_member_find(s, "prb_desc", "text_blk_lpos.next");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->bitpos, 128);
	CU_ASSERT_EQUAL(p->size, 8);
	p = ctype_member_find(s, "prb_desc", "state_var");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->size, 8);
	p = ctype_member_find(s, "printk_info", "dev_info.device");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->bitpos, (24 + 16) * 8);
	CU_ASSERT_EQUAL(p->size, 48);
	finish(s, path, &b);
}

void add_vmcoreinfo_tests(void)
{
	CU_pSuite s = CU_add_suite("without a vmlinux (VMCOREINFO)", NULL, NULL);
	CU_add_test(s, "VMCOREINFO type source", test_vmci_types);
	CU_add_test(s, "VMCOREINFO: the lockless ring's types", test_vmci_lockless_types);
	CU_add_test(s, "old log buffer records", test_old_log_records);
	CU_add_test(s, "old log buffer, corrupt", test_old_log_corrupt);
	CU_add_test(s, "no VMCOREINFO", test_no_vmcoreinfo);
}
