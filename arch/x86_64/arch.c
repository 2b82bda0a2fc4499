/* x86_64: KASLR discovery, kernel layout and 4/5-level page-table walks. */
#include <stdio.h>
#include <string.h>

#include "target/arch.h"
#include "debuginfo/symbols.h"

#define PTE_PRESENT 0x1ULL
#define PTE_PSE 0x80ULL
#define PTE_PROTNONE 0x100ULL /* _PAGE_GLOBAL's bit: PROT_NONE in an entry that is not present */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define DEFAULT_PAGE_OFFSET_L4 0xffff888000000000ULL
#define DEFAULT_PAGE_OFFSET_L5 0xff11000000000000ULL
#define DEFAULT_VMALLOC_L4 0xffffc90000000000ULL
#define DEFAULT_VMEMMAP_L4 0xffffea0000000000ULL
#define DEFAULT_KERNEL_IMAGE_SIZE (512ULL << 20)
#define USER_TOP_L4 0x0000800000000000ULL
#define USER_TOP_L5 0x0100000000000000ULL
#define VMALLOC_SIZE_L4 (32ULL << 40)
#define VMALLOC_SIZE_L5 (1280ULL << 40)
#define VMEMMAP_SIZE (1ULL << 40)
#define MODULES_END 0xffffffffff000000ULL
#define VSYSCALL_START 0xffffffffff600000ULL
#define CPU_ENTRY_AREA_START 0xfffffe0000000000ULL
#define CPU_ENTRY_AREA_END 0xfffffe7fffffffffULL

/* QEMU's "QEMU" CPU-state note (struct QEMUCPUState): offsets of what we need. */
enum { QEMU_CPU_IDT_BASE = 384, QEMU_CPU_CR3 = 416, QEMU_CPU_CR4 = 424, QEMU_CPU_MIN_SIZE = 432 };

struct x86_state {
	uint64_t kernel_image_size;
};

static int read_entry(kd_session *s, uint64_t table, unsigned idx, uint64_t *entry)
{
	return kd_read_phys(s, (table & PTE_ADDR_MASK) + idx * 8ULL, entry, 8);
}

/*
 * The page-table walk, the one translation of the arch: every entry read goes into t (the
 * trace vtop prints); kd_vtop, kd_kvtop's fallback and the KASLR discovery read its result.
 * Returns 0 when the walk ended (t->present says whether in a page), -1 when a table could
 * not be read (t holds the entries read before it).
 */
static int walk(kd_session *s, uint64_t pgd, bool l5, uint64_t vaddr, unsigned flags, struct kd_pt_trace *t)
{
	static const int shifts5[] = {48, 39, 30, 21, 12};
	static const char *const names5[] = {"PGD", "P4D", "PUD", "PMD", "PTE"}, *const names4[] = {"PGD", "PUD", "PMD", "PTE"};
	const int *shift = l5 ? shifts5 : shifts5 + 1;
	const char *const *names = l5 ? names5 : names4;
	int levels = l5 ? 5 : 4;
	uint64_t table = pgd;
	memset(t, 0, sizeof(*t));
	t->vaddr = vaddr;
	t->top = pgd & PTE_ADDR_MASK;
	for (int lvl = 0; lvl < levels; lvl++) {
		uint64_t e;
		unsigned idx = (unsigned)((vaddr >> shift[lvl]) & 511);
		if (read_entry(s, table, idx, &e) < 0) {
			kd_fail_prefix(s, "address %llx: page table unreadable", (unsigned long long)vaddr);
			s->err.addr = vaddr; /* the reader's code stays (an excluded page is not an unmapped one) */
			return -1;
		}
		struct kd_pt_level *l = &t->level[t->nr_levels++];
		l->name = names[lvl];
		l->entry = (table & PTE_ADDR_MASK) + idx * 8ULL;
		l->value = e;
		/* A user page at the PMD and PTE levels is there when PROT_NONE (NUMA hinting, mprotect). */
		uint64_t present = (flags & KD_PT_USER) && shift[lvl] <= 21 ? PTE_PRESENT | PTE_PROTNONE : PTE_PRESENT;
		if (!(e & present)) {
			if (lvl == levels - 1) {
				t->pte = e;
				t->swap = e != 0;
			}
			return 0;
		}
		bool leaf = lvl == levels - 1 || ((e & PTE_PSE) && shift[lvl] <= 30);
		if (leaf) {
			uint64_t size = 1ULL << shift[lvl];
			t->present = true;
			t->huge = lvl != levels - 1;
			t->page_size = size;
			t->page = e & PTE_ADDR_MASK & ~(size - 1);
			t->paddr = t->page | (vaddr & (size - 1));
			t->pte = e;
			return 0;
		}
		table = e;
	}
	return kd_error(s, KD_EFORMAT, vaddr, "address %llx: page-table walk failed", (unsigned long long)vaddr);
}

/* The walk's result as a translation: an address it did not end in a page for is not mapped. */
static int walk_result(kd_session *s, const struct kd_pt_trace *t, uint64_t *paddr, uint64_t *page_size)
{
	if (!t->present)
		return kd_error(s, KD_EFAULT, t->vaddr, "address %llx is not mapped", (unsigned long long)t->vaddr);
	*paddr = t->paddr;
	if (page_size)
		*page_size = t->page_size;
	return 0;
}

static int translate(kd_session *s, uint64_t pgd, bool l5, uint64_t vaddr, uint64_t *paddr, uint64_t *page_size)
{
	struct kd_pt_trace t;
	if (walk(s, pgd, l5, vaddr, 0, &t) < 0)
		return -1;
	return walk_result(s, &t, paddr, page_size);
}

static int x86_vtop(kd_session *s, uint64_t pgd, uint64_t vaddr, uint64_t *paddr, uint64_t *page_size)
{
	return translate(s, pgd ? pgd : s->ki.kernel_pgd, s->ki.l5, vaddr, paddr, page_size);
}

static int x86_vtop_trace(kd_session *s, uint64_t pgd, uint64_t vaddr, unsigned flags, struct kd_pt_trace *t)
{
	if (walk(s, pgd ? pgd : s->ki.kernel_pgd, s->ki.l5, vaddr, flags, t) < 0)
		return -1;
	if (!pgd || (pgd & PTE_ADDR_MASK) == s->ki.kernel_pgd)
		t->top_kvaddr = s->ki.kernel_pgd - s->ki.phys_base + KERNEL_MAP_START;
	return 0;
}

/* The user half: below the top of user space, 47 or 56 bits. */
static bool x86_is_uvaddr(kd_session *s, uint64_t vaddr)
{
	return vaddr < (s->ki.l5 ? USER_TOP_L5 : USER_TOP_L4);
}

/* Where crash's module space starts: past KERNEL_IMAGE_SIZE (VMCOREINFO, else 1 GiB) from
 * __START_KERNEL_map. Worked out once per session: a VMCOREINFO lookup per translation cost every scan. */
static uint64_t modules_vaddr(kd_session *s)
{
	if (!s->ki.modules_vaddr) {
		uint64_t image_size = 0;
		if (!s->dump || !dump_vmcoreinfo_u64(s->dump, "NUMBER(KERNEL_IMAGE_SIZE)", 10, &image_size) || !image_size)
			image_size = 1ULL << 30;
		s->ki.modules_vaddr = KERNEL_MAP_START + image_size;
	}
	return s->ki.modules_vaddr;
}

/* The kernel image mapping's start (__START_KERNEL_map) and the module space's (MODULES_VADDR). */
static void x86_kernel_map(kd_session *s, uint64_t *start_map, uint64_t *modules)
{
	*start_map = KERNEL_MAP_START;
	*modules = modules_vaddr(s);
}

/*
 * Whether the kernel maps vaddr linearly (the direct map, the kernel image) rather than through
 * page tables it changes (vmalloc and modules, the vmemmap, the cpu_entry_area, vsyscall), with
 * the physical address by arithmetic. The regions are crash's, which vtop reports the same way.
 */
static bool x86_kvaddr_linear(kd_session *s, uint64_t vaddr, uint64_t *paddr)
{
	const struct kernel_info *ki = &s->ki;
	if (ki->page_offset == UINT64_MAX || vaddr < ki->page_offset)
		return false;
	uint64_t vmalloc_end = ki->vmalloc_start + (ki->l5 ? VMALLOC_SIZE_L5 : VMALLOC_SIZE_L4) - 1;
	uint64_t modules = modules_vaddr(s);
	if ((vaddr >= ki->vmalloc_start && vaddr <= vmalloc_end) ||
	    (vaddr >= ki->vmemmap_start && vaddr <= ki->vmemmap_start + VMEMMAP_SIZE - 1) ||
	    (vaddr >= modules && vaddr <= MODULES_END) || (vaddr >= VSYSCALL_START && vaddr < VSYSCALL_START + 4096) ||
	    (vaddr >= CPU_ENTRY_AREA_START && vaddr <= CPU_ENTRY_AREA_END) ||
	    (ki->l5 && vaddr > vmalloc_end && vaddr < ki->vmemmap_start))
		return false;
	*paddr = vaddr >= KERNEL_MAP_START ? vaddr - KERNEL_MAP_START + ki->phys_base : vaddr - ki->page_offset;
	return true;
}

/* The swap entry of a PTE that is not present: since the L1TF mitigation (4.19), the type in
 * bits 59-63 and the offset inverted in bits 9-58. */
static void swap_entry(uint64_t pte, uint64_t *type, uint64_t *offset)
{
	*type = pte >> 59;
	*offset = (~pte << 5) >> 14;
}

static void x86_pte_decode(kd_session *s, uint64_t pte, struct kd_pte_info *out)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{PTE_PRESENT, "PRESENT"}, {0x2, "RW"}, {0x4, "USER"}, {0x8, "PWT"}, {0x10, "PCD"},
		{0x20, "ACCESSED"}, {0x40, "DIRTY"}, {PTE_PSE, "PSE"}, {PTE_PROTNONE, "PROTNONE"},
		{PTE_PROTNONE, "GLOBAL"}, {PTE_NX, "NX"},
	};
	memset(out, 0, sizeof(*out));
	/* crash's physical mask: 46 bits with 4-level paging, 52 with 5-level */
	out->paddr = pte & PTE_ADDR_MASK & ((1ULL << (s->ki.l5 ? 52 : 46)) - 1);
	out->present = (pte & (PTE_PRESENT | PTE_PROTNONE)) != 0;
	out->swap = !out->present && pte;
	if (out->swap)
		swap_entry(pte, &out->swap_type, &out->swap_offset);
	if (!pte) {
		snprintf(out->flags, sizeof(out->flags), "no mapping");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(pte & bits[i].bit))
			continue;
		/* PSE means a large page only in a present entry; the same bit as GLOBAL is PROTNONE in one
		 * that is not */
		if ((bits[i].bit == PTE_PSE && !(pte & PTE_PRESENT)) ||
		    (strcmp(bits[i].name, "PROTNONE") == 0 && (pte & PTE_PRESENT)))
			continue;
		n += (size_t)snprintf(out->flags + n, sizeof(out->flags) - n, "%s%s", n ? "|" : "", bits[i].name);
		if (n >= sizeof(out->flags))
			break;
	}
}

static bool x86_is_kvaddr(kd_session *s, uint64_t vaddr)
{
	(void)s;
	return vaddr >= (s->ki.l5 ? 0xff00000000000000ULL : 0xffff800000000000ULL);
}

/*
 * How far the kernel image mapping reaches from __START_KERNEL_map: KERNEL_IMAGE_SIZE from
 * VMCOREINFO (1 GiB with KASLR), else 512 MiB; never short of _end, which a KASLR kernel
 * without VMCOREINFO can place past 512 MiB (modules start past the image, so past _end).
 */
static uint64_t kernel_image_size(kd_session *s)
{
	struct kernel_info *ki = &s->ki;
	if (!ki->kernel_image_size) {
		uint64_t size = DEFAULT_KERNEL_IMAGE_SIZE;
		dump_vmcoreinfo_u64(s->dump, "NUMBER(KERNEL_IMAGE_SIZE)", 10, &size);
		const struct ksym *end = s->symtab ? symtab_lookup(s->symtab, "_end") : NULL;
		if (end && end->addr > KERNEL_MAP_START && end->addr - KERNEL_MAP_START > size)
			size = (end->addr - KERNEL_MAP_START + 0x1fffff) & ~0x1fffffULL;
		ki->kernel_image_size = size;
	}
	return ki->kernel_image_size;
}

static int x86_kvtop(kd_session *s, uint64_t vaddr, uint64_t *paddr)
{
	const struct kernel_info *ki = &s->ki;
	if (!x86_is_kvaddr(s, vaddr))
		return kd_fail(s, "%llx is not a kernel virtual address", (unsigned long long)vaddr);
	if (!s->dump) /* memory from a reader of kernel virtual addresses (the unit tests' fake kernel) */
		return kd_error(s, KD_ENOMEM_DUMP, vaddr, "address %llx: no dump to translate it into", (unsigned long long)vaddr);
	if (vaddr >= KERNEL_MAP_START && vaddr - KERNEL_MAP_START < kernel_image_size(s)) {
		*paddr = vaddr - KERNEL_MAP_START + ki->phys_base;
		return 0;
	}
	/* The direct map covers the dump's memory, and never reaches the vmalloc area: a segment
	 * claiming more memory than that (a corrupt header) must not swallow other addresses. */
	uint64_t ram_end = s->dump->max_pfn > UINT64_MAX / s->dump->page_size ? UINT64_MAX
										: s->dump->max_pfn * s->dump->page_size;
	if (ki->vmalloc_start > ki->page_offset && ram_end > ki->vmalloc_start - ki->page_offset)
		ram_end = ki->vmalloc_start - ki->page_offset;
	if (vaddr >= ki->page_offset && vaddr - ki->page_offset < ram_end) {
		*paddr = vaddr - ki->page_offset;
		return 0;
	}
	return translate(s, ki->kernel_pgd, ki->l5, vaddr, paddr, NULL);
}

static const struct dump_note *qemu_cpu_note(const struct dump *d, int cpu)
{
	int n = 0;
	for (size_t i = 0; i < d->nr_notes; i++) {
		const struct dump_note *note = &d->notes[i];
		if (strcmp(note->name, "QEMU") == 0 && note->descsz >= QEMU_CPU_MIN_SIZE && n++ == cpu)
			return note;
	}
	return NULL;
}

static uint64_t note_u64(const struct dump_note *n, size_t off)
{
	uint64_t v;
	memcpy(&v, n->desc + off, 8);
	return v;
}

/*
 * A QEMU dump without VMCOREINFO: find KASLR the way the hardware sees it.
 * CR3 gives the page tables, the IDT base gives the divide-error handler's
 * runtime address; its link-time address in vmlinux gives the offset.
 */
int x86_64_kaslr_from_cpu_state(kd_session *s, uint64_t *offset, uint64_t *phys_base)
{
	const struct dump_note *n = qemu_cpu_note(s->dump, 0);
	if (!n)
		return kd_fail(s, "the dump has no VMCOREINFO and no QEMU CPU state: cannot find the KASLR offset");
	/* Kernel half of a PTI page-table pair; drop PCID bits. */
	uint64_t pgd = note_u64(n, QEMU_CPU_CR3) & PTE_ADDR_MASK & ~0x1000ULL;
	bool l5 = note_u64(n, QEMU_CPU_CR4) & (1ULL << 12);
	uint64_t idt = note_u64(n, QEMU_CPU_IDT_BASE), idt_pa = 0;
	if (translate(s, pgd, l5, idt, &idt_pa, NULL) < 0)
		return kd_fail(s, "cannot find the KASLR offset: IDT at %llx: %s", (unsigned long long)idt, s->err.msg);
	uint8_t gate[16];
	if (kd_read_phys(s, idt_pa, gate, sizeof(gate)) < 0)
		return -1;
	uint64_t handler = (uint64_t)(gate[0] | gate[1] << 8) | (uint64_t)(gate[6] | gate[7] << 8) << 16 |
			   (uint64_t)(gate[8] | gate[9] << 8 | gate[10] << 16 | (uint32_t)gate[11] << 24) << 32;
	static const char *const names[] = {"asm_exc_divide_error", "divide_error"};
	const struct ksym *k = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names) && !k; i++)
		k = symtab_lookup(s->symtab, names[i]);
	if (!k)
		return kd_fail(s, "cannot find the KASLR offset: vmlinux has no divide-error handler symbol");
	uint64_t off = handler - (k->addr - s->symtab->offset);
	if (off & 0xfffff || off >= (1ULL << 30))
		return kd_fail(s, "cannot find the KASLR offset: IDT handler %llx does not match vmlinux's %s",
			       (unsigned long long)handler, k->name);
	const struct ksym *text = symtab_lookup(s->symtab, "_text");
	if (!text)
		return kd_fail(s, "vmlinux has no _text symbol");
	uint64_t text_va = text->addr - s->symtab->offset + off, text_pa = 0;
	if (translate(s, pgd, l5, text_va, &text_pa, NULL) < 0)
		return -1;
	*offset = off;
	*phys_base = text_pa - (text_va - KERNEL_MAP_START);
	s->ki.l5 = l5;
	return 0;
}

static uint64_t read_base_var(kd_session *s, const char *name, uint64_t fallback)
{
	const struct ksym *k = symtab_lookup(s->symtab, name);
	uint64_t v;
	if (k && kd_read_kv(s, k->addr, &v, 8) == 0 && v)
		return v;
	kd_err_clear(&s->err);
	return fallback;
}

static int x86_init(kd_session *s)
{
	struct kernel_info *ki = &s->ki;
	struct dump *d = s->dump;
	uint64_t v;
	if (dump_vmcoreinfo_u64(d, "NUMBER(pgtable_l5_enabled)", 10, &v))
		ki->l5 = v != 0;
	if (d->vmcoreinfo) {
		ki->kaslr_offset = 0;
		if (dump_vmcoreinfo_u64(d, "KERNELOFFSET", 16, &v))
			ki->kaslr_offset = v;
		ki->kaslr_from_vmcoreinfo = true;
		ki->phys_base = 0;
		if (dump_vmcoreinfo_u64(d, "NUMBER(phys_base)", 10, &v))
			ki->phys_base = v;
	} else if (d->is_live) {
		/* Every kernel since 4.19 puts VMCOREINFO in /proc/kcore; before it, the CPU state that
		 * would say where KASLR put the kernel is not there either. */
		return kd_fail(s, "/proc/kcore has no VMCOREINFO note (a kernel before 4.19): where KASLR put the "
				  "kernel is unknown");
	} else {
		/* Page-table walks need kernel_pgd only from CR3 here; symbols are still unrelocated. */
		if (x86_64_kaslr_from_cpu_state(s, &ki->kaslr_offset, &ki->phys_base) < 0)
			return -1;
	}
	symtab_relocate(s->symtab, ki->kaslr_offset);
	ki->kernel_image_size = 0; /* worked out again from the relocated _end */
	ki->modules_vaddr = 0;
	const struct ksym *pgt = symtab_lookup(s->symtab, "init_top_pgt");
	if (!pgt)
		pgt = symtab_lookup(s->symtab, "init_level4_pgt");
	if (!pgt)
		return kd_fail(s, "vmlinux has no init_top_pgt symbol");
	ki->kernel_pgd = pgt->addr - KERNEL_MAP_START + ki->phys_base;
	/* Until page_offset_base is known, only the kernel-text shortcut and walks work. */
	ki->page_offset = UINT64_MAX;
	if (symtab_lookup(s->symtab, "__pgtable_l5_enabled") && !dump_vmcoreinfo(d, "NUMBER(pgtable_l5_enabled)", NULL)) {
		uint32_t l5;
		if (kd_read_kv(s, symtab_lookup(s->symtab, "__pgtable_l5_enabled")->addr, &l5, 4) == 0)
			ki->l5 = l5 != 0;
		kd_err_clear(&s->err);
	}
	ki->page_offset = read_base_var(s, "page_offset_base", ki->l5 ? DEFAULT_PAGE_OFFSET_L5 : DEFAULT_PAGE_OFFSET_L4);
	uint64_t ms, ms_pa = 0;
	if (!symtab_lookup(s->symtab, "page_offset_base") && dump_vmcoreinfo_u64(d, "SYMBOL(mem_section)", 16, &ms) &&
	    ms < KERNEL_MAP_START && translate(s, ki->kernel_pgd, ki->l5, ms, &ms_pa, NULL) == 0 && !((ms - ms_pa) & 0x3fffffff))
		ki->page_offset = ms - ms_pa; /* no vmlinux: the direct map's base from an address in it that VMCOREINFO names */
	kd_err_clear(&s->err);
	ki->vmalloc_start = read_base_var(s, "vmalloc_base", DEFAULT_VMALLOC_L4);
	ki->vmemmap_start = read_base_var(s, "vmemmap_base", DEFAULT_VMEMMAP_L4);
	return 0;
}

/* A 64-bit interrupt gate: offset bits 0-15 in bytes 0-1, 16-31 in bytes 6-7, 32-63 in bytes 8-11. */
static uint64_t x86_idt_gate_handler(const uint8_t *g)
{
	uint64_t lo = (uint64_t)g[0] | (uint64_t)g[1] << 8, mid = (uint64_t)g[6] | (uint64_t)g[7] << 8;
	uint64_t hi = (uint64_t)g[8] | (uint64_t)g[9] << 8 | (uint64_t)g[10] << 16 | (uint64_t)g[11] << 24;
	return hi << 32 | mid << 16 | lo;
}

const struct arch_ops arch_x86_64 = {
	.name = "x86_64",
	.page_shift = 12,
	.init = x86_init,
	.vtop = x86_vtop,
	.kvtop = x86_kvtop,
	.is_kvaddr = x86_is_kvaddr,
	.section_size_bits = 27,
	.vtop_trace = x86_vtop_trace,
	.is_uvaddr = x86_is_uvaddr,
	.kvaddr_linear = x86_kvaddr_linear,
	.pte_decode = x86_pte_decode,
	.idt_gates = 256,
	.idt_gate_size = 16,
	.idt_gate_handler = x86_idt_gate_handler,
	.kernel_map = x86_kernel_map,
	.disasm = x86_64_disasm,
};
