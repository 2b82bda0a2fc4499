/* vm: a task's address space: mm, page table, and each VMA, as crash prints them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

struct vm_opts {
	bool phys; /* -p: each page of each VMA, with its physical address */
};

struct vma_ctx {
	const struct vm_opts *o;
	uint64_t pgd_phys;
	uint64_t start_off, end_off, flags_off, file_off;
};

static void centred(kd_session *s, const char *text, int width)
{
	int len = (int)strlen(text), left = (width - len) / 2;
	if (left < 0)
		left = 0;
	kd_printf(s, "%*s%s%*s", left, "", text, width - len - left > 0 ? width - len - left : 0, "");
}

static void show_pages(kd_session *s, const struct vma_ctx *c, uint64_t start, uint64_t end)
{
	kd_printf(s, "%-10s  %8s\n", "VIRTUAL", "PHYSICAL");
	uint64_t page = kd_target(s)->page_size;
	for (uint64_t va = start; va < end && va >= start; va += page) {
		uint64_t pa;
		if (kd_vtop(s, c->pgd_phys, va, &pa, NULL) == 0)
			kd_printf(s, "%-10llx  %8llx\n", (unsigned long long)va, (unsigned long long)pa);
		else
			kd_printf(s, "%-10llx  (not mapped)\n", (unsigned long long)va);
		kd_clear_error(s);
	}
}

static int show_vma(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	const struct vma_ctx *c = arg;
	uint64_t start = 0, end = 0, flags = 0, file = 0;
	if (kd_read_kv(s, vma + c->start_off, &start, 8) < 0 || kd_read_kv(s, vma + c->end_off, &end, 8) < 0 ||
	    kd_read_kv(s, vma + c->flags_off, &flags, 8) < 0 || kd_read_kv(s, vma + c->file_off, &file, 8) < 0)
		return -1;
	char path[1024] = "";
	if (file && kd_fs_file_path(s, file, path, sizeof(path)) < 0) {
		kd_clear_error(s);
		path[0] = '\0';
	}
	if (c->o->phys)
		kd_printf(s, "      VMA           START       END     FLAGS FILE\n");
	kd_printf(s, "%016llx %10llx %10llx %llx %s\n", (unsigned long long)vma, (unsigned long long)start, (unsigned long long)end,
		  (unsigned long long)flags, path);
	if (c->o->phys)
		show_pages(s, c, start, end);
	return 0;
}

/* Older kernels chain VMAs through mm->mmap and vm_next. */
static int walk_vma_list(kd_session *s, uint64_t mm, struct vma_ctx *c)
{
	uint64_t vma, next_off;
	if (kd_read_member_ptr(s, mm, "mm_struct", "mmap", &vma) < 0 || kd_member_offset(s, "vm_area_struct", "vm_next", &next_off) < 0)
		return -1;
	if (!vma)
		return 0;
	return kd_walk_chain(s, vma, next_off, 0, 0, 0, show_vma, c) < 0 ? -1 : 0;
}

static int show_vm(kd_session *s, const struct task_info *t, const struct vm_opts *o)
{
	kd_task_print_header(s, t, 0);
	centred(s, "MM", 16);
	kd_printf(s, "  ");
	centred(s, "PGD", 16);
	kd_printf(s, "  ");
	centred(s, "RSS", 6);
	kd_printf(s, "  TOTAL_VM\n");
	if (!t->mm || kd_task_is_kthread(t)) {
		centred(s, "0", 16);
		kd_printf(s, "  ");
		centred(s, "0", 16);
		kd_printf(s, "  ");
		centred(s, "0k", 6);
		kd_printf(s, "  ");
		centred(s, "0k", 8);
		kd_printf(s, "\n");
		return 0;
	}
	uint64_t pgd = 0, rss, vm;
	kd_read_member_ptr(s, t->mm, "mm_struct", "pgd", &pgd);
	kd_task_mem(s, t, &rss, &vm);
	kd_clear_error(s);
	char rs[32], vs[32];
	snprintf(rs, sizeof(rs), "%lluk", (unsigned long long)(rss * 4));
	snprintf(vs, sizeof(vs), "%lluk", (unsigned long long)(vm * 4));
	kd_printf(s, "%016llx  %016llx  ", (unsigned long long)t->mm, (unsigned long long)pgd);
	centred(s, rs, 6);
	kd_printf(s, "  ");
	centred(s, vs, 8);
	kd_printf(s, "\n");
	struct vma_ctx c = {.o = o};
	if (kd_member_offset(s, "vm_area_struct", "vm_start", &c.start_off) < 0 || kd_member_offset(s, "vm_area_struct", "vm_end", &c.end_off) < 0 ||
	    kd_member_offset(s, "vm_area_struct", "vm_flags", &c.flags_off) < 0 || kd_member_offset(s, "vm_area_struct", "vm_file", &c.file_off) < 0)
		return -1;
	if (o->phys && kd_task_pgd(s, t->task, &c.pgd_phys) < 0)
		return -1;
	if (!o->phys)
		kd_printf(s, "      VMA           START       END     FLAGS FILE\n");
	uint64_t mt = kd_member_offset_opt(s, "mm_struct", "mm_mt");
	if (mt != UINT64_MAX)
		return kd_walk_maple(s, t->mm + mt, 0, show_vma, &c) < 0 ? -1 : 0;
	return walk_vma_list(s, t->mm, &c);
}

static int cmd_vm(kd_session *s, int argc, char **argv)
{
	struct vm_opts o = {0};
	int ch;
	while ((ch = getopt(argc, argv, "p")) != -1) {
		if (ch == 'p')
			o.phys = true;
		else
			return kd_usage(s);
	}
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		return t ? show_vm(s, t, &o) : -1;
	}
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		const struct task_info *t = kd_task_from_arg(s, argv[i]);
		if (i > optind)
			kd_printf(s, "\n");
		if (!t || show_vm(s, t, &o) < 0)
			rc = -1;
	}
	return rc;
}

const struct kd_command kd_cmd_vm = {
	"vm", cmd_vm, "vm [-p] [pid | taskp]...", "virtual memory",
	"Shows a task's mm_struct, page directory, resident and total size, then each\n"
	"VMA with its start, end, flags and mapped file (VMAs are read from the mm's\n"
	"maple tree, or from the mmap list on kernels before 6.1).\n"
	"  -p  also every page of each VMA with its physical address, or (not mapped)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> vm 1\n"
	"  kdive> vm -p\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
