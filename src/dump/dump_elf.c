/*
 * ELF core dumps: kdump's /proc/vmcore, QEMU dump-guest-memory (PT_LOADs with
 * p_vaddr 0, program headers wherever e_phoff says) and makedumpfile -E, where
 * p_filesz < p_memsz marks memory that was filtered out.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"
#include "base/util.h"

struct elf_load {
	uint64_t paddr, memsz, filesz, offset;
	uint64_t filesz_hdr; /* as the header says: more than filesz in a truncated file */
};

struct elf_priv {
	struct elf_load *loads; /* sorted by paddr */
	size_t nloads;
	size_t last; /* the segment of the previous read: reads cluster */
};

static const struct elf_load *find_load(struct elf_priv *p, uint64_t paddr)
{
	if (p->nloads && p->loads[p->last].paddr <= paddr && paddr - p->loads[p->last].paddr < p->loads[p->last].memsz)
		return &p->loads[p->last];
	size_t lo = 0, hi = p->nloads;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct elf_load *l = &p->loads[mid];
		if (paddr < l->paddr)
			hi = mid;
		else if (paddr - l->paddr >= l->memsz)
			lo = mid + 1;
		else {
			p->last = mid;
			return l;
		}
	}
	return NULL;
}

enum elf_where { ELF_IN_FILE, ELF_ABSENT, ELF_FILTERED };

/*
 * Where paddr's bytes are: at *off in the file, *avail of them (at most len, within the
 * segment's file part); or absent (no segment), or filtered out (in a segment, not in the file).
 */
static enum elf_where elf_locate(struct elf_priv *p, uint64_t paddr, size_t len, uint64_t *off, size_t *avail)
{
	const struct elf_load *l = find_load(p, paddr);
	if (!l)
		return ELF_ABSENT;
	uint64_t in = paddr - l->paddr;
	if (in >= l->filesz)
		return ELF_FILTERED;
	*off = l->offset + in;
	*avail = (size_t)MIN((uint64_t)len, l->filesz - in);
	return ELF_IN_FILE;
}

static int elf_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len, struct kd_err *err)
{
	struct elf_priv *p = d->priv;
	uint64_t off;
	size_t avail;
	enum elf_where w = elf_locate(p, paddr, len, &off, &avail);
	err->addr = paddr;
	if (w == ELF_ABSENT)
		return kd_err_set(err, KD_ENOMEM_DUMP, "physical address %#llx is not in the dump", (unsigned long long)paddr);
	const struct elf_load *l = &p->loads[p->last];
	if (len > l->memsz - (paddr - l->paddr))
		len = (size_t)(l->memsz - (paddr - l->paddr)); /* caller splits at pages; segments are page-aligned in practice */
	if ((w == ELF_FILTERED || avail < len) && paddr - l->paddr + len <= l->filesz_hdr)
		return kd_err_set(err, KD_EEXCLUDED, "physical address %#llx: its data is past the end of the truncated dump file",
				  (unsigned long long)paddr);
	if (w == ELF_FILTERED || avail < len)
		return kd_err_set(err, KD_EEXCLUDED, "physical address %#llx: page excluded from the dump (filtered out by makedumpfile)",
				  (unsigned long long)paddr);
	return dfile_read(&d->file, off, buf, len, err);
}

static size_t elf_read_run(struct dump *d, uint64_t paddr, size_t len, uint8_t *buf, const uint8_t **data)
{
	uint64_t off;
	size_t avail;
	if (elf_locate(d->priv, paddr, len, &off, &avail) != ELF_IN_FILE)
		return 0;
	const uint8_t *ptr = dfile_ptr(&d->file, off, avail);
	if (ptr) {
		*data = ptr;
		return avail;
	}
	struct kd_err e = {0};
	if (dfile_read(&d->file, off, buf, avail, &e) < 0)
		return 0;
	*data = buf;
	return avail;
}

static void elf_close(struct dump *d)
{
	struct elf_priv *p = d->priv;
	if (p)
		free(p->loads);
	free(p);
}

static const struct dump_ops elf_ops = {
	.read_phys = elf_read_phys,
	.read_run = elf_read_run,
	.close = elf_close,
};

static int load_cmp(const void *a, const void *b)
{
	const struct elf_load *x = a, *y = b;
	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->memsz < y->memsz ? 1 : x->memsz > y->memsz ? -1 : 0;
}

/* Drop the first d bytes of a segment (d < its memsz). */
static void load_trim_front(struct elf_load *l, uint64_t d)
{
	l->paddr += d;
	l->memsz -= d;
	if (d >= l->filesz_hdr) {
		l->filesz = l->filesz_hdr = 0;
	} else {
		l->offset += d;
		l->filesz_hdr -= d;
		l->filesz = d >= l->filesz ? 0 : l->filesz - d;
	}
}

/*
 * Segments sorted by paddr made disjoint, for find_load's binary search; returns how many
 * are left. Where two overlap, bytes the file holds win over bytes only in a segment's
 * memsz (filtered out): kdump's vmcore repeats the kernel text inside a RAM segment (the
 * copy is dropped), and a p_memsz too large (a flipped bit) must not hide the segments
 * after it behind "excluded" memory (the larger segment's filtered tail is cut where the
 * next one starts). The file parts as the header gives them (filesz_hdr) decide, so a
 * truncated file keeps its segments as the header laid them out.
 */
static size_t loads_disjoint(struct elf_load *l, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct elf_load s = l[i];
		if (out) {
			struct elf_load *last = &l[out - 1];
			uint64_t lm = last->paddr + last->memsz, lf = last->paddr + last->filesz_hdr;
			uint64_t sm = s.paddr + s.memsz, sf = s.paddr + s.filesz_hdr;
			if (s.paddr < lm) {
				if (sf <= lf) {
					/* its file part adds nothing: keep only what lies past the last segment */
					if (sm <= lm)
						continue;
					load_trim_front(&s, lm - s.paddr);
				} else if (s.paddr >= lf) {
					last->memsz = s.paddr - last->paddr; /* filtered tail, where s has data */
					if (!last->memsz)
						out--;
				} else {
					last->memsz = lf - last->paddr;
					load_trim_front(&s, lf - s.paddr);
				}
			}
		}
		l[out++] = s;
	}
	return out;
}

int dump_elf_open(struct dump *d, struct dfile *f, struct kd_err *err)
{
	Elf64_Ehdr eh;
	if (f->size < sizeof(eh))
		return 1;
	if (dfile_read(f, 0, &eh, sizeof(eh), err) < 0)
		return -1;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return 1;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return kd_err_set(err, KD_EUNSUPP, "only 64-bit little-endian ELF dumps are supported");
	if (eh.e_type != ET_CORE)
		return kd_err_set(err, KD_EFORMAT, "ELF file is not a core dump (e_type %u); is this the vmlinux?", eh.e_type);
	if (eh.e_machine != EM_X86_64)
		return kd_err_set(err, KD_EUNSUPP, "ELF dump for machine %u: only x86_64 is supported", eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
		return kd_err_set(err, KD_EFORMAT, "ELF dump has %u program headers of size %u", eh.e_phnum, eh.e_phentsize);
	uint64_t phsize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (eh.e_phoff > f->size || phsize > f->size - eh.e_phoff)
		return kd_err_set(err, KD_EFORMAT, "ELF program headers at %#llx run past the end of the file (truncated dump?)",
				  (unsigned long long)eh.e_phoff);
	Elf64_Phdr *ph = xmalloc(phsize);
	if (dfile_read(f, eh.e_phoff, ph, phsize, err) < 0) {
		free(ph);
		return -1;
	}
	struct elf_priv *p = xcalloc(1, sizeof(*p));
	d->priv = p;
	d->ops = &elf_ops;
	d->format = d->is_live ? "KCORE" : "ELF";
	snprintf(d->hdr_machine, sizeof(d->hdr_machine), "x86_64"); /* e_machine, checked above */
	d->page_size = 4096;
	/* summed with a bound on each step: two sizes that wrap around 2^64 to a small total
	 * made a small buffer for a first note segment larger than it (found by fuzz_elf) */
	uint64_t note_total = 0;
	const uint64_t note_max = 256u << 20;
	for (unsigned i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_NOTE) {
			if (ph[i].p_filesz > note_max - note_total) {
				uint64_t claim = ph[i].p_filesz;
				free(ph);
				return kd_err_set(err, KD_EFORMAT, "ELF notes claim more than %llu bytes (segment %u: %#llx)",
						  (unsigned long long)note_max, i, (unsigned long long)claim);
			}
			note_total += ph[i].p_filesz;
		}
	d->note_buf = xmalloc(note_total + 1);
	uint64_t note_len = 0, need = 0, cut_paddr = 0;
	int rc = 0;
	for (unsigned i = 0; i < eh.e_phnum && rc == 0; i++) {
		const Elf64_Phdr *h = &ph[i];
		if (h->p_type == PT_NOTE) {
			if (h->p_offset > f->size || h->p_filesz > f->size - h->p_offset) {
				rc = kd_err_set(err, KD_EFORMAT, "ELF note segment at %#llx runs past the end of the file",
						(unsigned long long)h->p_offset);
				break;
			}
			rc = dfile_read(f, h->p_offset, d->note_buf + note_len, h->p_filesz, err);
			note_len += h->p_filesz;
		} else if (h->p_type == PT_LOAD && h->p_memsz && h->p_paddr != UINT64_MAX) {
			/* /proc/kcore marks segments without a physical address (vmalloc, modules) with -1;
			 * those are read through the page tables instead. */
			if (h->p_filesz > h->p_memsz || h->p_offset > UINT64_MAX - h->p_filesz) {
				rc = kd_err_set(err, KD_EFORMAT, "ELF segment %u: offset %#llx / size %#llx are not possible", i,
						(unsigned long long)h->p_offset, (unsigned long long)h->p_filesz);
				break;
			}
			struct elf_load l = {h->p_paddr, h->p_memsz, h->p_filesz, h->p_offset, h->p_filesz};
			/* A truncated file keeps what it has; the rest reads as "not in the dump", and the
			 * session says which memory that is. */
			uint64_t have = l.offset >= f->size ? 0 : f->size - l.offset;
			if (l.filesz > have) {
				if (!need || l.paddr + have < cut_paddr)
					cut_paddr = l.paddr + have;
				if (l.offset + l.filesz > need)
					need = l.offset + l.filesz;
				l.filesz = have;
			}
			if (l.paddr + l.memsz < l.paddr) {
				rc = kd_err_set(err, KD_EFORMAT, "ELF segment %u wraps around the address space", i);
				break;
			}
			p->loads = xrealloc(p->loads, (p->nloads + 1) * sizeof(*p->loads));
			p->loads[p->nloads++] = l;
		}
	}
	free(ph);
	if (rc < 0)
		return -1;
	kd_qsort(p->loads, p->nloads, sizeof(*p->loads), load_cmp);
	p->nloads = loads_disjoint(p->loads, p->nloads);
	for (size_t i = 0; i < p->nloads; i++)
		if ((p->loads[i].paddr + p->loads[i].memsz + 4095) / 4096 > d->max_pfn)
			d->max_pfn = (p->loads[i].paddr + p->loads[i].memsz + 4095) / 4096;
	if (!p->nloads)
		return kd_err_set(err, KD_EFORMAT, "ELF dump has no memory segments");
	if (need)
		d->truncated = xasprintf("the file has %llu bytes, its program headers describe %llu: the memory from physical "
					 "address %#llx on is missing",
					 (unsigned long long)f->size, (unsigned long long)need, (unsigned long long)cut_paddr);
	return dump_parse_notes(d, d->note_buf, note_len, err);
}
