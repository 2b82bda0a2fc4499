/*
 * vm: a task's address space as crash prints it: the mm, its page table, RSS and size, then
 * each VMA (-p: with each page's physical address, swap location or file offset); -m the
 * mm_struct, -v every vm_area_struct, -P one VMA's pages, -R only what refers to a number or
 * a file name, -f a vm_flags value decoded.
 */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

enum vm_mode {
	VM_LIST,   /* the VMA table */
	VM_PHYS,   /* -p (and -R): each page too */
	VM_MM,     /* -m */
	VM_VMAS,   /* -v */
	VM_SINGLE, /* -P VMA */
};

/* -R: what is searched for, and how far the search has printed (per task). */
struct vm_ref {
	const char *str;
	bool number;         /* str is a number: hexval (and decval, when decimal) compare */
	bool decimal;
	uint64_t hexval, decval;
	bool header_done;    /* the task header and its mm line are out */
	bool vma_done;       /* a VMA line is out... */
	bool page_since_vma; /* ...and pages have been printed after it */
	uint64_t vma_printed; /* the VMA of that line */
	uint64_t from;       /* the first page that matched: display resumes there */
};

struct vm_opts {
	enum vm_mode mode;
	unsigned print_flags; /* -m, -v: KD_PRINT_RADIX_HEX or not */
	uint64_t single_vma;  /* -P */
	uint64_t force_mm;    /* -M: the mm of a task whose task_struct lost it */
	struct vm_ref *ref;   /* -R */
};

/* What a task's address space shows before its VMAs. */
struct mm_summary {
	uint64_t mm, pgd;  /* mm_struct and its page directory (kernel virtual), 0 for a kernel thread */
	uint64_t rss_kb, total_kb;
};

struct vma_ctx {
	kd_session *s;
	const struct vm_opts *o;
	const struct task_info *t;
	const struct mm_summary *m;
	uint64_t pgd_phys;     /* the task's page table, for the page translations */
	uint64_t init_mm;      /* a VMA of init_mm has no user pages to show */
	bool single_found;
	/* The first page-table read that failed: its pages show as not mapped, the error comes last. */
	enum kd_errcode pt_code;
	uint64_t pt_addr;
	char pt_msg[256];
};

/* The MM/PGD/RSS/TOTAL_VM header and line. */
static void print_mm_line(kd_session *s, const struct mm_summary *m)
{
	char a[32], b[32], c[32], d[32], mm[24], pgd[24], rss[24], total[24];
	snprintf(mm, sizeof(mm), "%llx", (unsigned long long)m->mm);
	snprintf(pgd, sizeof(pgd), "%llx", (unsigned long long)m->pgd);
	snprintf(rss, sizeof(rss), "%lluk", (unsigned long long)m->rss_kb);
	snprintf(total, sizeof(total), "%lluk", (unsigned long long)m->total_kb);
	kd_printf(s, "%s  %s  %s  TOTAL_VM\n", kd_format_centred(a, sizeof(a), "MM", 16, false),
		  kd_format_centred(b, sizeof(b), "PGD", 16, false), kd_format_centred(c, sizeof(c), "RSS", 6, false));
	kd_printf(s, "%s  %s  %s  %s\n", kd_format_centred(a, sizeof(a), mm, 16, false),
		  kd_format_centred(b, sizeof(b), pgd, 16, false), kd_format_centred(c, sizeof(c), rss, 6, false),
		  kd_format_centred(d, sizeof(d), total, 8, false));
}

static void print_vma_header(kd_session *s)
{
	kd_printf(s, "      VMA           START       END     FLAGS FILE\n");
}

static void print_vma_line(kd_session *s, uint64_t vma, const struct kd_vma *v, const char *path)
{
	kd_printf(s, "%016llx %10llx %10llx %6llx %s\n", (unsigned long long)vma, (unsigned long long)v->start,
		  (unsigned long long)v->end, (unsigned long long)v->flags, path);
}

/* The path of a VMA's file, "" for an anonymous one (or one whose path cannot be read). */
static void vma_path(kd_session *s, const struct kd_vma *v, char *path, size_t size)
{
	path[0] = '\0';
	if (v->file && kd_fs_file_path(s, v->file, path, size) < 0) {
		kd_clear_error(s); /* crash shows such a VMA without a name */
		path[0] = '\0';
	}
}

static bool ref_hex(const struct vm_ref *r, uint64_t v)
{
	return r && r->number && r->hexval == v;
}

static bool ref_dec(const struct vm_ref *r, uint64_t v)
{
	return r && r->number && r->decimal && r->decval == v;
}

/* A file name matches a reference naming any part of it ("/" only the root itself). */
static bool ref_name(const struct vm_ref *r, const char *path)
{
	if (!r)
		return false;
	if (strcmp(r->str, "/") == 0)
		return strcmp(path, "/") == 0;
	return strstr(path, r->str) != NULL;
}

/*
 * One page of a VMA: its line ("VIRTUAL  PHYSICAL", "SWAP: ...", "FILE: ...", "(not mapped)")
 * into line, and whether it refers to r.
 */
static bool page_line(struct vma_ctx *c, const struct kd_vma *v, const char *path, uint64_t va, char *line,
		      size_t size, const struct vm_ref *r)
{
	kd_session *s = c->s;
	struct kd_pt_trace tr;
	if (kd_vtop_trace(s, c->pgd_phys, va, KD_PT_USER, &tr) < 0) { /* an unreadable page table: not mapped */
		if (c->pt_code == KD_OK) {
			c->pt_code = kd_last_code(s);
			c->pt_addr = kd_last_addr(s);
			snprintf(c->pt_msg, sizeof(c->pt_msg), "%s", kd_last_error(s));
		}
		kd_clear_error(s);
		tr.present = tr.swap = false;
	}
	bool hit = ref_hex(r, va);
	char where[600];
	if (tr.present) {
		snprintf(line, size, "%-10llx  %8llx\n", (unsigned long long)va, (unsigned long long)tr.paddr);
		return hit || ref_hex(r, tr.paddr);
	}
	if (tr.swap && kd_swap_location(s, tr.pte, where, sizeof(where))) {
		snprintf(line, size, "%-10llx  SWAP: %s\n", (unsigned long long)va, where);
		if (r) {
			struct kd_pte_info pi;
			kd_pte_decode(s, tr.pte, &pi);
			char *dev_end = strstr(where, "  OFFSET:");
			if (dev_end)
				*dev_end = '\0';
			hit = hit || ref_dec(r, pi.swap_offset) || ref_name(r, where);
		}
		return hit;
	}
	if (v->file && path[0]) {
		uint64_t offset = (((va - v->start) >> 12) + v->pgoff) << 12;
		snprintf(line, size, "%-10llx  FILE: %s  OFFSET: %llx\n", (unsigned long long)va, path,
			 (unsigned long long)offset);
		return hit || ref_hex(r, offset);
	}
	snprintf(line, size, "%-10llx  (not mapped)\n", (unsigned long long)va);
	return hit;
}

/*
 * The pages of a VMA. Without a reference, all of them. With one, first a search (display false):
 * true at the first page that refers to it (remembered in r->from); then a display from there of
 * the pages that refer to it.
 */
static bool vma_pages(struct vma_ctx *c, const struct kd_vma *v, const char *path, bool display)
{
	kd_session *s = c->s;
	struct vm_ref *r = c->o->ref;
	if (v->mm == c->init_mm)
		return false;
	if (!r || display)
		kd_printf(s, "%-10s  %-8s\n", "VIRTUAL", "PHYSICAL");
	uint64_t page = kd_target(s)->page_size;
	uint64_t va = r && display ? r->from : v->start;
	for (; va < v->end && va >= v->start; va += page) {
		char line[1024];
		bool hit = page_line(c, v, path, va, line, sizeof(line), r);
		if (r && !display && hit) {
			r->page_since_vma = true;
			r->from = va;
			return true;
		}
		if (!r || hit)
			kd_printf(s, "%s", line);
	}
	return false;
}

static void ref_header(struct vma_ctx *c)
{
	struct vm_ref *r = c->o->ref;
	if (r->header_done)
		return;
	kd_task_print_header(c->s, c->t, 0);
	print_mm_line(c->s, c->m);
	r->header_done = true;
}

/* -R: a VMA whose address, flags or file refer to the reference is shown; then its pages are searched. */
static void vma_ref(struct vma_ctx *c, uint64_t vma, const struct kd_vma *v, const char *path)
{
	kd_session *s = c->s;
	struct vm_ref *r = c->o->ref;
	if (ref_hex(r, vma) || ref_hex(r, v->flags) || ref_name(r, path)) {
		ref_header(c);
		if (!r->vma_done || r->page_since_vma) {
			print_vma_header(s);
			r->vma_done = true;
			r->page_since_vma = false;
			r->vma_printed = vma;
		}
		print_vma_line(s, vma, v, path);
	}
	if (vma_pages(c, v, path, false)) {
		ref_header(c);
		if (!r->vma_done || r->vma_printed != vma) {
			print_vma_header(s);
			print_vma_line(s, vma, v, path);
			r->vma_done = true;
			r->vma_printed = vma;
		}
		vma_pages(c, v, path, true);
	}
}

static int show_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct vma_ctx *c = arg;
	const struct vm_opts *o = c->o;
	if (!vma)
		return 0;
	if (o->mode == VM_PHYS && !o->ref)
		print_vma_header(s);
	struct kd_vma v;
	if (kd_vma_read(s, vma, &v) < 0)
		return -1;
	if (o->mode == VM_SINGLE) {
		if (vma != o->single_vma)
			return 0;
		print_vma_header(s);
		c->single_found = true;
	}
	if (o->mode == VM_VMAS) {
		struct kd_sbuf b = {0};
		kd_struct_spec *sp = kd_struct_spec_parse(s, "vm_area_struct", "struct");
		int rc = sp ? kd_print_struct(s, &b, sp, vma, o->print_flags) : -1;
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
		kd_struct_spec_free(sp);
		return rc;
	}
	char path[1024];
	vma_path(s, &v, path, sizeof(path));
	if (o->ref) {
		vma_ref(c, vma, &v, path);
		return 0;
	}
	print_vma_line(s, vma, &v, path);
	if (o->mode == VM_PHYS || o->mode == VM_SINGLE)
		vma_pages(c, &v, path, false);
	return 0;
}


static void mm_summary(kd_session *s, const struct task_info *t, struct mm_summary *m)
{
	memset(m, 0, sizeof(*m));
	if (!t->mm || kd_task_is_kthread(t))
		return;
	uint64_t rss = 0, vm = 0, page_kb = kd_target(s)->page_size / 1024;
	m->mm = t->mm;
	if (kd_read_member_ptr(s, t->mm, "mm_struct", "pgd", &m->pgd) < 0 || kd_task_mem(s, t, &rss, &vm) < 0)
		kd_clear_error(s); /* the line shows what could be read */
	m->rss_kb = rss * page_kb;
	m->total_kb = vm * page_kb;
}

/* -M: the mm must be an object of the mm_struct slab cache, and still in use. */
static int check_forced_mm(kd_session *s, uint64_t mm)
{
	kd_slab_ctx *c = kd_slab_open(s);
	const struct kd_slab_cache *k = NULL;
	uint64_t slab, count;
	bool in_cache = c && kd_slab_of_addr(c, mm, &slab, &k) && k && strncmp(k->name, "mm_struct", 9) == 0;
	if (c)
		kd_slab_close(c);
	kd_clear_error(s); /* not SLUB, or not a slab object: either way not an mm_struct */
	if (!in_cache || kd_read_member(s, mm, "mm_struct", "mm_count", &count) < 0) {
		kd_clear_error(s);
		return kd_fail(s, "invalid mm_struct address");
	}
	if ((uint32_t)count == 0)
		return kd_fail(s, "stale mm_struct address");
	return 0;
}

/* JSON: one VMA of the list. */
static int vma_json(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	(void)arg;
	struct kd_vma v;
	if (!vma)
		return 0;
	if (kd_vma_read(s, vma, &v) < 0)
		return -1;
	char path[1024];
	vma_path(s, &v, path, sizeof(path));
	kd_json_object_begin(s, NULL);
	kd_json_addr(s, "vma", vma);
	kd_json_addr(s, "start", v.start);
	kd_json_addr(s, "end", v.end);
	kd_json_addr(s, "flags", v.flags);
	kd_json_str(s, "file", path[0] ? path : NULL);
	kd_json_end(s);
	return 0;
}

/* JSON: a task's address space, as vm lists it. */
static void vm_json(kd_session *s, const struct task_info *t)
{
	struct mm_summary m;
	mm_summary(s, t, &m);
	kd_json_object_begin(s, NULL);
	kd_json_int(s, "pid", t->pid);
	kd_json_addr(s, "task", t->task);
	kd_json_str(s, "comm", t->comm);
	if (!m.mm) { /* a kernel thread */
		kd_json_null(s, "mm");
		kd_json_array_begin(s, "vmas");
		kd_json_end(s);
		kd_json_end(s);
		return;
	}
	kd_json_addr(s, "mm", m.mm);
	kd_json_addr(s, "pgd", m.pgd);
	kd_json_uint(s, "rss_kb", m.rss_kb);
	kd_json_uint(s, "total_vm_kb", m.total_kb);
	kd_json_array_begin(s, "vmas");
	int rc = kd_walk_vmas(s, m.mm, vma_json, NULL);
	kd_json_end(s);
	if (rc < 0)
		kd_json_error(s, "error");
	kd_json_end(s);
}

static int vm_dump(kd_session *s, const struct task_info *t, const struct vm_opts *o)
{
	struct mm_summary m;
	mm_summary(s, t, &m);
	struct vm_ref *r = o->ref;
	if (r) {
		r->header_done = r->vma_done = r->page_since_vma = false;
		r->vma_printed = r->from = 0;
		if (ref_hex(r, m.mm) || ref_hex(r, m.pgd)) {
			kd_task_print_header(s, t, 0);
			print_mm_line(s, &m);
			kd_printf(s, "\n");
			return 0;
		}
	}
	if (o->mode == VM_LIST || (o->mode == VM_PHYS && !r))
		print_mm_line(s, &m);
	if (!m.mm) {
		if (!o->force_mm)
			return 0;
		if (check_forced_mm(s, o->force_mm) < 0)
			return -1;
		m.mm = o->force_mm;
	}
	if (o->mode == VM_MM) {
		struct kd_sbuf b = {0};
		kd_struct_spec *sp = kd_struct_spec_parse(s, "mm_struct", "struct");
		int rc = sp ? kd_print_struct(s, &b, sp, m.mm, o->print_flags) : -1;
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
		kd_struct_spec_free(sp);
		return rc;
	}
	if (o->mode == VM_LIST)
		print_vma_header(s);
	struct vma_ctx c = {.s = s, .o = o, .t = t, .m = &m};
	const struct kd_symbol *init_mm = kd_symbol_lookup(s, "init_mm");
	c.init_mm = init_mm ? init_mm->addr : 0;
	if ((o->mode == VM_PHYS || o->mode == VM_SINGLE) && kd_task_pgd(s, t->task, &c.pgd_phys) < 0)
		return -1;
	int rc = kd_walk_vmas(s, m.mm, show_vma, &c);
	if (o->mode == VM_SINGLE && !c.single_found)
		kd_printf(s, "(not found)\n");
	if (r && r->header_done)
		kd_printf(s, "\n");
	if (rc == 0 && c.pt_code != KD_OK)
		return kd_error(s, c.pt_code, c.pt_addr, "%s", c.pt_msg);
	return rc;
}

/* crash's names of the vm_flags bits, lowest first (as its vm -f decodes them on these kernels). */
static void print_vm_flags(kd_session *s, uint64_t flags)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{0x1, "READ"}, {0x2, "WRITE"}, {0x4, "EXEC"}, {0x8, "SHARED"},
		{0x10, "MAYREAD"}, {0x20, "MAYWRITE"}, {0x40, "MAYEXEC"}, {0x80, "MAYSHARE"},
		{0x100, "GROWSDOWN"}, {0x200, NULL /* GROWSUP or NOHUGEPAGE */}, {0x400, "PFNMAP"},
		{0x800, "DENYWRITE"}, {0x1000, "EXECUTABLE"}, {0x2000, "LOCKED"}, {0x4000, "IO"},
		{0x8000, "SEQ_READ"}, {0x10000, "RAND_READ"}, {0x20000, "DONTCOPY"}, {0x40000, "DONTEXPAND"},
		{0x80000, "RESERVED"}, {0x400000, "HUGETLB"}, {0x100000, "ACCOUNT"}, {0x800000, "NONLINEAR"},
		{0x1000000, NULL /* HUGEPAGE or MAPPED_COPY */}, {0x2000000, "INSERTPAGE"}, {0x4000000, "ALWAYSDUMP"},
		{0x8000000, "CAN_NONLINEAR"}, {0x10000000, "MIXEDMAP"}, {0x20000000, "SAO"},
		{0x40000000, "PFN_AT_MMAP"}, {0x80000000ULL, "MERGEABLE"},
	};
	/* Architectures whose stacks grow up have expand_upwards; the others use the bit for NOHUGEPAGE. */
	const char *bit9 = kd_symbol_lookup(s, "expand_upwards") ? "GROWSUP" : "NOHUGEPAGE";
	const char *bit24 = kd_member_exists(s, "mm_struct", "pmd_huge_pte") ? "HUGEPAGE" : "MAPPED_COPY";
	int n = 0;
	kd_printf(s, "%llx: (", (unsigned long long)flags);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].bit))
			continue;
		const char *name = names[i].name ? names[i].name : names[i].bit == 0x200 ? bit9 : bit24;
		kd_printf(s, "%s%s", n++ ? "|" : "", name);
	}
	kd_printf(s, ")\n");
}

/* crash's test of a number: all decimal digits, or all hexadecimal (with x/X), at least one digit. */
static bool all_of(const char *str, const char *chars)
{
	bool digit = false;
	for (const char *p = str; *p; p++) {
		if (!strchr(chars, *p))
			return false;
		if (*p != 'x' && *p != 'X')
			digit = true;
	}
	return digit;
}

static void ref_init(struct vm_ref *r, const char *str)
{
	memset(r, 0, sizeof(*r));
	r->str = str;
	r->decimal = all_of(str, "0123456789");
	r->number = r->decimal || all_of(str, "0123456789abcdefABCDEFxX");
	if (r->number && !kd_parse_hex_u64(str, &r->hexval))
		r->number = false; /* digits and x's that make no number */
	if (r->number && r->decimal)
		kd_parse_u64(str, &r->decval);
}

static int cmd_vm(kd_session *s, int argc, char **argv)
{
	struct vm_opts o = {.mode = VM_LIST};
	struct vm_ref ref;
	bool flag = false, errs = false;
	int radix = 0, ch;
	optind = 0;
	while ((ch = getopt(argc, argv, "f:pmvR:P:xdM:")) != -1) {
		switch (ch) {
		case 'M':
			if (kd_parse_hex_arg(s, optarg, &o.force_mm) < 0)
				return -1;
			if (!kd_is_kvaddr(s, o.force_mm))
				return kd_fail(s, "invalid mm_struct address: %s", optarg);
			break;
		case 'f': {
			if (flag) {
				errs = true;
				break;
			}
			uint64_t flags;
			if (kd_parse_hex_arg(s, optarg, &flags) < 0)
				return -1;
			print_vm_flags(s, flags);
			return 0;
		}
		case 'p':
			if (flag)
				errs = true;
			flag = true;
			o.mode = VM_PHYS;
			break;
		case 'm':
		case 'v':
			if (flag)
				errs = true;
			flag = true;
			o.mode = ch == 'm' ? VM_MM : VM_VMAS;
			break;
		case 'R':
			if (o.ref) {
				kd_printf(s, "vm: only one -R option allowed\n");
				errs = true;
			} else if (flag && o.mode != VM_PHYS) {
				errs = true;
			} else {
				ref_init(&ref, optarg);
				o.ref = &ref;
				flag = true;
				o.mode = VM_PHYS;
			}
			break;
		case 'P':
			if (flag) {
				errs = true;
				break;
			}
			flag = true;
			o.mode = VM_SINGLE;
			if (kd_parse_hex_arg(s, optarg, &o.single_vma) < 0)
				return -1;
			break;
		case 'x':
		case 'd':
			if (radix && radix != (ch == 'x' ? 16 : 10))
				return kd_fail(s, "-d and -x are mutually exclusive");
			radix = ch == 'x' ? 16 : 10;
			break;
		default:
			errs = true;
			break;
		}
	}
	if (errs)
		return kd_usage(s);
	o.print_flags = (radix ? radix : kd_output_radix(s)) == 16 ? KD_PRINT_RADIX_HEX : 0;
	/* JSON: {tasks: [...]} of vm's VMA list; its other views print text */
	bool json = kd_json_active(s) && o.mode == VM_LIST && !o.ref && !o.force_mm;
	bool own = json && !kd_json_in_array(s);
	if (own)
		kd_json_array_begin(s, "tasks");
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		if (!t)
			return -1;
		if (json) {
			vm_json(s, t);
			return 0;
		}
		if (!o.ref)
			kd_task_print_header(s, t, 0);
		return vm_dump(s, t, &o);
	}
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	int rc = 0, shown = 0;
	for (int i = optind; i < argc; i++) {
		size_t n;
		const struct task_info *t = kd_tasks_from_arg(s, argv[i], &n);
		if (!t) {
			kd_clear_error(s);
			rc = kd_fail(s, "invalid task or pid value: %s", argv[i]);
			shown++; /* crash's message took the place of a task: a blank line before the next */
			continue;
		}
		for (size_t k = 0; k < n; k++) { /* a PID names every task that has it */
			const struct task_info *u = &t[k];
			if (json) {
				vm_json(s, u);
				continue;
			}
			if (!o.ref) {
				if (shown++)
					kd_printf(s, "\n");
				kd_task_print_header(s, u, 0);
			}
			if (vm_dump(s, u, &o) < 0)
				rc = -1;
		}
	}
	if (own)
		kd_json_end(s);
	return rc;
}

const struct kd_command kd_cmd_vm = {
	"vm", cmd_vm, "vm [-p | -P vma | -M mm | -v | -m | -x | -d | [-R reference] [pid | task]]\n     [-f vm_flags]",
	"virtual memory",
	"Shows a task's mm_struct, page directory, resident and total size, then each\n"
	"VMA with its start, end, flags and mapped file (VMAs are read from the mm's\n"
	"maple tree, or from the mmap list on kernels before 6.1). Without a task, the\n"
	"current context.\n"
	"            -p  also every page of each VMA: its physical address or, when it is\n"
	"                not present, its swap device and offset, or its file and offset.\n"
	"        -P vma  the same for one VMA of the task only.\n"
	"         -M mm  the mm_struct to use for a task whose task_struct no longer\n"
	"                points to one (an exiting task).\n"
	"  -R reference  only what refers to this number (a VMA, mm, page table, virtual\n"
	"                or physical address, vm_flags value, file offset) or file name,\n"
	"                headed by the task (as foreach vm -R uses it).\n"
	"            -m  the task's mm_struct, every member.\n"
	"            -v  each of its vm_area_structs, every member.\n"
	"            -x  -m and -v in hexadecimal.\n"
	"            -d  -m and -v in decimal.\n"
	"   -f vm_flags  the names of the bits of a vm_flags value.\n"
	"  -p, -P, -m, -v, -R and -f exclude each other (-R may follow -p).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> vm 1\n"
	"  kdive> vm -p\n"
	"  kdive> vm -P ffff8b99c24a9720 100\n"
	"  kdive> vm -m -x 100\n"
	"  kdive> vm -R /bin/busybox 1\n"
	"  kdive> vm -f 8100073\n"
	"    8100073: (READ|WRITE|MAYREAD|MAYWRITE|MAYEXEC|ACCOUNT|CAN_NONLINEAR)\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
