/* Dump readers on synthetic files: good ones read back exactly, bad ones fail with one line. */
#include <CUnit/CUnit.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/dump.h"
#include "target/session.h"
#include "synth.h"
#include "tests.h"

static const char *VMCI = "OSRELEASE=6.1.0-synth\nPAGESIZE=4096\nKERNELOFFSET=1c000000\nNUMBER(phys_base)=-2147483648\n";

static struct dump *open_buf(const struct buf *b, struct kd_err *err, char **path)
{
	*path = synth_write(b);
	return dump_open(*path, err);
}

static void done(struct dump *d, char *path, struct buf *b)
{
	dump_close(d);
	unlink(path);
	free(path);
	free(b->data);
}

static void check_pages(struct dump *d, unsigned npages, const unsigned *excluded, size_t nex)
{
	uint8_t want[SYNTH_PAGE], got[SYNTH_PAGE];
	for (unsigned p = 0; p < npages; p++) {
		struct kd_err err = {0};
		int ex = 0;
		for (size_t i = 0; i < nex; i++)
			ex |= excluded[i] == p;
		int rc = d->ops->read_phys(d, (uint64_t)p * SYNTH_PAGE, got, SYNTH_PAGE, &err);
		if (ex) {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_EQUAL(err.code, KD_EEXCLUDED);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "excluded"));
		} else {
			CU_ASSERT_EQUAL_FATAL(rc, 0);
			synth_page(p, want);
			CU_ASSERT_EQUAL(memcmp(want, got, SYNTH_PAGE), 0);
		}
	}
	/* Runs (scans): from each page, the pages up to the next excluded one, none from an excluded one. */
	uint8_t *run = malloc((size_t)npages * SYNTH_PAGE);
	for (unsigned p = 0; p < npages; p++) {
		unsigned stop = p;
		bool ex = false;
		while (stop < npages) {
			bool x = false;
			for (size_t i = 0; i < nex; i++)
				x |= excluded[i] == stop;
			if (x)
				break;
			stop++;
		}
		ex = stop == p;
		const uint8_t *data = NULL;
		size_t n = d->ops->read_run(d, (uint64_t)p * SYNTH_PAGE, (size_t)(npages - p) * SYNTH_PAGE, run, &data);
		CU_ASSERT_EQUAL(n, ex ? 0 : (size_t)(stop - p) * SYNTH_PAGE);
		for (unsigned q = p; !ex && data && q < stop && q < p + n / SYNTH_PAGE; q++) {
			synth_page(q, want);
			CU_ASSERT_EQUAL(memcmp(want, data + (size_t)(q - p) * SYNTH_PAGE, SYNTH_PAGE), 0);
		}
	}
	const uint8_t *none = NULL;
	CU_ASSERT_EQUAL(d->ops->read_run(d, (uint64_t)(npages + 1) * SYNTH_PAGE, SYNTH_PAGE, run, &none), 0);
	free(run);
	/* Partial reads inside a page. */
	struct kd_err err = {0};
	uint64_t v = 0;
	if (!nex) {
		CU_ASSERT_EQUAL(d->ops->read_phys(d, 3 * SYNTH_PAGE, &v, 8, &err), 0);
		CU_ASSERT_EQUAL(v, 3);
	}
}

static void kdump_codec(enum synth_codec codec)
{
	const unsigned ex[] = {5, 17};
	struct buf b = synth_kdump(40, codec, ex, 2, VMCI);
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(&b, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->format, "KDUMP");
	CU_ASSERT_STRING_EQUAL(d->hdr_release, "6.1.0-synth");
	size_t len;
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE", &len);
	CU_ASSERT_PTR_NOT_NULL(rel);
	CU_ASSERT_EQUAL(len, 11);
	uint64_t off;
	CU_ASSERT_TRUE(dump_vmcoreinfo_u64(d, "KERNELOFFSET", 16, &off));
	CU_ASSERT_EQUAL(off, 0x1c000000);
	CU_ASSERT_TRUE(dump_vmcoreinfo_u64(d, "NUMBER(phys_base)", 10, &off));
	CU_ASSERT_EQUAL((int64_t)off, -2147483648LL);
	check_pages(d, 40, ex, 2);
	struct kd_err e2 = {0};
	uint8_t page[SYNTH_PAGE];
	CU_ASSERT_EQUAL(d->ops->read_phys(d, 41ULL * SYNTH_PAGE, page, SYNTH_PAGE, &e2), -1);
	CU_ASSERT_EQUAL(e2.code, KD_ENOMEM_DUMP);
	done(d, path, &b);
}

static void test_kdump_zlib(void) { kdump_codec(SYNTH_ZLIB); }
static void test_kdump_raw(void) { kdump_codec(SYNTH_RAW); }
#ifdef HAVE_LZO
static void test_kdump_lzo(void) { kdump_codec(SYNTH_LZO); }
#endif
#ifdef HAVE_SNAPPY
static void test_kdump_snappy(void) { kdump_codec(SYNTH_SNAPPY); }
#endif
#ifdef HAVE_ZSTD
static void test_kdump_zstd(void) { kdump_codec(SYNTH_ZSTD); }
#endif

static void test_flattened(void)
{
	struct buf k = synth_kdump(24, SYNTH_ZLIB, NULL, 0, VMCI);
	struct buf f = synth_flatten(&k, 1000);
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(&f, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_TRUE(d->flattened);
	check_pages(d, 24, NULL, 0);
	done(d, path, &f);
	free(k.data);
}

static void test_pread_path(void)
{
	/* /proc/kcore cannot be mapped: the same reads must work through pread. */
	struct buf k = synth_kdump(24, SYNTH_ZLIB, NULL, 0, VMCI);
	char *path = synth_write(&k);
	struct kd_err err = {0};
	struct dump *d = dump_open_pread(path, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	check_pages(d, 24, NULL, 0);
	dump_close(d);
	unlink(path);
	free(path);
	struct buf e = synth_elf(8, 8, VMCI, 0);
	path = synth_write(&e);
	d = dump_open_pread(path, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	check_pages(d, 8, NULL, 0);
	done(d, path, &e);
	free(k.data);
}

static void test_elf_qemu_layout(void)
{
	/* Program headers after 128 bytes of section headers, as QEMU writes them. */
	struct buf b = synth_elf(16, 12, VMCI, 128);
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(&b, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->format, "ELF");
	CU_ASSERT_PTR_NOT_NULL(dump_vmcoreinfo(d, "OSRELEASE", NULL));
	CU_ASSERT_EQUAL(d->nr_notes, 2);
	const unsigned ex[] = {12, 13, 14, 15}; /* filesz < memsz: excluded */
	check_pages(d, 16, ex, 4);
	done(d, path, &b);
}

/*
 * synth_elf's 16 pages, with its PT_LOAD replaced by the n given (paddr, filesz, memsz in
 * pages; each segment's file data is the synthetic pages at its paddr), in a program
 * header table appended to the file.
 */
static struct buf elf_with_loads(const uint64_t (*segs)[3], size_t n)
{
	struct buf b = synth_elf(16, 16, VMCI, 0);
	Elf64_Ehdr eh;
	memcpy(&eh, b.data, sizeof(eh));
	Elf64_Phdr old[2];
	memcpy(old, b.data + eh.e_phoff, sizeof(old));
	uint64_t data = old[1].p_offset, at = b.len;
	b.data = realloc(b.data, b.len + (n + 1) * sizeof(Elf64_Phdr));
	memcpy(b.data + at, &old[0], sizeof(Elf64_Phdr));
	for (size_t i = 0; i < n; i++) {
		Elf64_Phdr ph = {0};
		ph.p_type = PT_LOAD;
		ph.p_paddr = segs[i][0] * SYNTH_PAGE;
		ph.p_offset = data + ph.p_paddr;
		ph.p_filesz = segs[i][1] * SYNTH_PAGE;
		ph.p_memsz = segs[i][2] * SYNTH_PAGE;
		memcpy(b.data + at + (i + 1) * sizeof(Elf64_Phdr), &ph, sizeof(ph));
	}
	b.len = at + (n + 1) * sizeof(Elf64_Phdr);
	eh.e_phoff = at;
	eh.e_phnum = (uint16_t)(n + 1);
	memcpy(b.data, &eh, sizeof(eh));
	return b;
}

/* want: one letter per page, d its data, x excluded (filtered out), a not in the dump */
static void elf_loads_case(const uint64_t (*segs)[3], size_t n, const char *want, uint64_t max_pfn)
{
	struct buf b = elf_with_loads(segs, n);
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(&b, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	uint8_t page[SYNTH_PAGE], got[SYNTH_PAGE];
	for (unsigned p = 0; p < 16; p++) {
		struct kd_err e = {0};
		int rc = d->ops->read_phys(d, (uint64_t)p * SYNTH_PAGE, got, SYNTH_PAGE, &e);
		char c = rc == 0 ? 'd' : e.code == KD_EEXCLUDED ? 'x' : e.code == KD_ENOMEM_DUMP ? 'a' : '?';
		if (c != want[p])
			fprintf(stderr, "\n   page %u: '%c', expected '%c'\n", p, c, want[p]);
		CU_ASSERT_EQUAL(c, want[p]);
		synth_page(p, page);
		if (rc == 0)
			CU_ASSERT_EQUAL(memcmp(page, got, SYNTH_PAGE), 0);
	}
	CU_ASSERT_EQUAL(d->max_pfn, max_pfn);
	done(d, path, &b);
}

static void test_elf_overlapping_loads(void)
{
	/* kdump's vmcore: the kernel text again inside a RAM segment; the copy adds nothing */
	const uint64_t dup[][3] = {{0, 16, 16}, {2, 2, 2}};
	elf_loads_case(dup, 2, "dddddddddddddddd", 16);
	/* a p_memsz with a high bit flipped: its filtered tail must not hide the next segment's data */
	const uint64_t huge[][3] = {{0, 6, 1ull << 46}, {8, 8, 8}};
	elf_loads_case(huge, 2, "ddddddxxdddddddd", 16);
	/* a segment starting inside another's file data and going on past it */
	const uint64_t inside[][3] = {{0, 6, 10}, {4, 12, 12}};
	elf_loads_case(inside, 2, "dddddddddddddddd", 16);
	/* one whose file part lies within another's, its filtered part past it */
	const uint64_t past[][3] = {{0, 12, 12}, {4, 4, 12}};
	elf_loads_case(past, 2, "ddddddddddddxxxx", 16);
	/* a filtered segment at the same address as a file-backed one: the data wins; what the
	   filtered one covered past it is not in the dump */
	const uint64_t same[][3] = {{0, 0, 16}, {0, 8, 8}};
	elf_loads_case(same, 2, "ddddddddaaaaaaaa", 8);
}

/* Every malformed input: NULL dump, a one-line message, nothing else. */
static void expect_error(struct buf *b, const char *needle)
{
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(b, &err, &path);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
	if (!strstr(err.msg, needle))
		fprintf(stderr, "\n   message \"%s\" lacks \"%s\"\n", err.msg, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
	dump_close(d);
	unlink(path);
	free(path);
	free(b->data);
}

static void test_truncated_header(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	b.len = 300;
	expect_error(&b, "header truncated");
}

static void test_bitmap_past_end(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint32_t huge = 100000;
	memcpy(b.data + 436, &huge, 4);
	expect_error(&b, "bitmaps");
}

static void test_bad_version(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint32_t v = 99;
	memcpy(b.data + 8, &v, 4);
	expect_error(&b, "version 99");
}

static void test_vmcoreinfo_past_end(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint64_t off = 1ULL << 40;
	memcpy(b.data + SYNTH_PAGE + 32, &off, 8);
	expect_error(&b, "VMCOREINFO");
}

static uint64_t first_desc_off(const struct buf *b)
{
	uint32_t bitmap_blocks;
	memcpy(&bitmap_blocks, b->data + 436, 4);
	return (2ULL + bitmap_blocks) * SYNTH_PAGE;
}

static void read_error(struct buf *b, uint64_t paddr, const char *needle)
{
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(b, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	uint8_t page[SYNTH_PAGE];
	CU_ASSERT_EQUAL(d->ops->read_phys(d, paddr, page, SYNTH_PAGE, &err), -1);
	CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
	if (!strstr(err.msg, needle))
		fprintf(stderr, "\n   message \"%s\" lacks \"%s\"\n", err.msg, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
	done(d, path, b);
}

static void test_desc_past_end(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint64_t bad = 1ULL << 40;
	memcpy(b.data + first_desc_off(&b) + 24, &bad, 8); /* page 1 */
	read_error(&b, SYNTH_PAGE, "past the end");
}

static void test_corrupt_page(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint64_t data;
	memcpy(&data, b.data + first_desc_off(&b) + 2 * 24, 8); /* page 2 */
	memset(b.data + data, 0x5a, 16);
	read_error(&b, 2 * SYNTH_PAGE, "corrupt");
}

static void test_truncated_data(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint64_t data;
	memcpy(&data, b.data + first_desc_off(&b) + 7 * 24, 8); /* last page */
	b.len = data + 3;
	read_error(&b, 7 * SYNTH_PAGE, "past the end");
}

static void test_elf_truncated_phdrs(void)
{
	struct buf b = synth_elf(4, 4, VMCI, 0);
	b.len = 80;
	expect_error(&b, "program headers");
}

static void test_elf_bad_note(void)
{
	struct buf b = synth_elf(4, 4, VMCI, 0);
	uint32_t huge = 0x7fffffff;
	memcpy(b.data + 64 + 2 * 56 + 4, &huge, 4); /* first note's descsz */
	expect_error(&b, "note");
}

static void test_elf_no_notes_ok(void)
{
	/* Missing notes are not an error for the reader: the layers above decide. */
	struct buf b = synth_elf(4, 4, NULL, 0);
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(&b, &err, &path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NULL(d->vmcoreinfo);
	done(d, path, &b);
}

static void test_not_a_dump(void)
{
	struct buf b = {0};
	b.data = malloc(64);
	memset(b.data, 'x', 64);
	b.len = 64;
	expect_error(&b, "not a dump");
}

/* Opens b cut to len bytes: it must open, say it is truncated (naming needle), read every page
 * before first_missing and refuse every page from it on with a message naming the cut. */
static void expect_truncated(struct buf *b, size_t len, unsigned npages, unsigned first_missing, const char *needle)
{
	b->len = len;
	struct kd_err err = {0};
	char *path;
	struct dump *d = open_buf(b, &err, &path);
	if (!d)
		fprintf(stderr, "\n   truncated to %zu: %s\n", len, err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->truncated);
	if (!strstr(d->truncated, needle))
		fprintf(stderr, "\n   \"%s\" lacks \"%s\"\n", d->truncated, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(d->truncated, needle));
	uint8_t page[SYNTH_PAGE], want[SYNTH_PAGE];
	for (unsigned pfn = 0; pfn < npages; pfn++) {
		struct kd_err e = {0};
		int rc = d->ops->read_phys(d, (uint64_t)pfn * SYNTH_PAGE, page, SYNTH_PAGE, &e);
		if (first_missing == ~0u) { /* a page reads whole, or says it is past the end */
			synth_page(pfn, want);
			CU_ASSERT(rc == 0 ? memcmp(page, want, SYNTH_PAGE) == 0 : strstr(e.msg, "past the end") != NULL);
		} else if (pfn < first_missing) {
			synth_page(pfn, want);
			CU_ASSERT(rc == 0 && memcmp(page, want, SYNTH_PAGE) == 0);
		} else {
			CU_ASSERT(rc < 0 && strstr(e.msg, "past the end"));
		}
	}
	done(d, path, b);
}

/* Issue 15: a dump cut short opens, with what is missing named, instead of being refused. */
static void test_elf_truncated_data(void)
{
	struct buf b = synth_elf(8, 8, VMCI, 0);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	memcpy(&eh, b.data, sizeof(eh));
	memcpy(&ph, b.data + eh.e_phoff + sizeof(ph), sizeof(ph)); /* the memory segment */
	char want[64];
	snprintf(want, sizeof(want), "physical address %#x on is missing", 5 * SYNTH_PAGE + 100);
	expect_truncated(&b, ph.p_offset + 5 * SYNTH_PAGE + 100, 8, 5, want);
}

static void test_kdump_truncated_pages(void)
{
	struct buf b = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	uint64_t data;
	memcpy(&data, b.data + first_desc_off(&b) + 6 * 24, 8); /* page 6's data */
	char want[64];
	snprintf(want, sizeof(want), "2 of its 8 pages are missing, from physical address %#x on", 6 * SYNTH_PAGE);
	expect_truncated(&b, data + 10, 8, 6, want);
}

static void test_flat_truncated(void)
{
	struct buf k = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	/* blocks written odd ones first: cut within the last one, holding the end of the page data */
	struct buf f = synth_flatten(&k, 1000);
	free(k.data);
	expect_truncated(&f, f.len - 16 - 200, 8, ~0u, "missing");
	/* cut within the end marker: every block stands, yet the stream was cut */
	k = synth_kdump(8, SYNTH_ZLIB, NULL, 0, VMCI);
	f = synth_flatten(&k, 1000);
	free(k.data);
	expect_truncated(&f, f.len - 8, 8, ~0u, "flattened stream ends");
}

/* A dump held in memory reads as its file does (the fuzzing harnesses' way in), and the memory
 * layer's overlay patches what reads return, across a page boundary, until it is removed. */
static void test_open_mem_and_overlay(void)
{
	struct buf k = synth_kdump(24, SYNTH_ZLIB, NULL, 0, VMCI);
	struct buf f = synth_flatten(&k, 1000);
	struct kd_err err = {0};
	struct dump *d = dump_open_mem(f.data, f.len, "flat-in-memory", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_TRUE(d->flattened);
	check_pages(d, 24, NULL, 0);
	dump_close(d); /* the buffer is the caller's: still there */
	d = dump_open_mem(k.data, k.len, "in-memory", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	check_pages(d, 24, NULL, 0);
	CU_ASSERT_PTR_NULL(dump_open_mem(k.data, 0, "empty", &err));

	kd_session *s = xcalloc(1, sizeof(*s));
	s->dump = d;
	mem_init(s);
	uint8_t want[2 * SYNTH_PAGE], got[16];
	synth_page(0, want);
	synth_page(1, want + SYNTH_PAGE);
	static const uint8_t patch[] = {0xa1, 0xa2, 0xa3, 0xa4}, edge[] = {0xee};
	const struct mem_patch patches[] = {{SYNTH_PAGE - 2, sizeof(patch), patch}, {SYNTH_PAGE + 9, 1, edge}};
	mem_set_overlay(s, patches, 2);
	CU_ASSERT_EQUAL_FATAL(kd_read_phys(s, SYNTH_PAGE - 4, got, 16), 0);
	CU_ASSERT_EQUAL(memcmp(got, want + SYNTH_PAGE - 4, 2), 0);
	CU_ASSERT_EQUAL(memcmp(got + 2, patch, 4), 0);
	CU_ASSERT_EQUAL(memcmp(got + 6, want + SYNTH_PAGE + 2, 7), 0);
	CU_ASSERT_EQUAL(got[13], 0xee);
	CU_ASSERT_EQUAL(memcmp(got + 14, want + SYNTH_PAGE + 10, 2), 0);
	mem_set_overlay(s, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(kd_read_phys(s, SYNTH_PAGE - 4, got, 16), 0);
	CU_ASSERT_EQUAL(memcmp(got, want + SYNTH_PAGE - 4, 16), 0);
	mem_free(s);
	free(s);
	dump_close(d);
	free(k.data);
	free(f.data);
}

void add_dump_tests(void)
{
	CU_pSuite s = CU_add_suite("dump readers", NULL, NULL);
	CU_add_test(s, "kdump zlib", test_kdump_zlib);
	CU_add_test(s, "kdump uncompressed", test_kdump_raw);
#ifdef HAVE_LZO
	CU_add_test(s, "kdump lzo", test_kdump_lzo);
#endif
#ifdef HAVE_SNAPPY
	CU_add_test(s, "kdump snappy", test_kdump_snappy);
#endif
#ifdef HAVE_ZSTD
	CU_add_test(s, "kdump zstd", test_kdump_zstd);
#endif
	CU_add_test(s, "flattened kdump", test_flattened);
	CU_add_test(s, "ELF, QEMU layout, filtered tail", test_elf_qemu_layout);
	CU_add_test(s, "ELF, overlapping PT_LOADs: file data wins over a filtered tail", test_elf_overlapping_loads);
	CU_add_test(s, "ELF without notes", test_elf_no_notes_ok);
	CU_add_test(s, "read through pread (kcore path)", test_pread_path);
	CU_add_test(s, "a dump in memory; the memory overlay", test_open_mem_and_overlay);
	CU_pSuite bad = CU_add_suite("malformed dumps", NULL, NULL);
	CU_add_test(bad, "truncated kdump header", test_truncated_header);
	CU_add_test(bad, "bitmap past end of file", test_bitmap_past_end);
	CU_add_test(bad, "unknown header version", test_bad_version);
	CU_add_test(bad, "VMCOREINFO past end of file", test_vmcoreinfo_past_end);
	CU_add_test(bad, "page descriptor past end", test_desc_past_end);
	CU_add_test(bad, "corrupt compressed page", test_corrupt_page);
	CU_add_test(bad, "truncated page data", test_truncated_data);
	CU_add_test(bad, "ELF program headers truncated", test_elf_truncated_phdrs);
	CU_add_test(bad, "ELF note too large", test_elf_bad_note);
	CU_add_test(bad, "not a dump", test_not_a_dump);
	CU_add_test(bad, "flattened truncated: opened, the missing pages named", test_flat_truncated);
	CU_add_test(bad, "ELF truncated in page data: opened, the missing memory named", test_elf_truncated_data);
	CU_add_test(bad, "kdump truncated in page data: opened, the missing pages named", test_kdump_truncated_pages);
}
