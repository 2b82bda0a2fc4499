/*
 * kdive public API: kernel helpers: reading members by name, per-CPU variables, the task
 * list, the crash time, paths of files and dentries, and the loaded modules.
 */
#ifndef KDIVE_PUBLIC_LINUX_H
#define KDIVE_PUBLIC_LINUX_H

#include <kdive/common.h>
#include <kdive/symbols.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/* Read an integer of the given size (1, 2, 4, 8) at a kernel address. */
KD_API int kd_read_int(kd_session *s, uint64_t addr, unsigned size, uint64_t *val);
/* Read a member of a structure at base, by name: "task_struct", "pid". */
KD_API int kd_read_member(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val);
KD_API int kd_read_member_ptr(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val);
/* Address of a per-CPU variable (symbol) on one CPU. */
KD_API int kd_per_cpu_addr(kd_session *s, const char *name, int cpu, uint64_t *addr);
/* A CPU's run queue clock (runqueues' rq.clock, ns since boot), the time sched_info.last_arrival
 * counts in; -1 with the error when it cannot be read. */
KD_API int kd_cpu_rq_clock(kd_session *s, int cpu, uint64_t *clock);

/* When the kernel crashed (seconds since the epoch) and how long it had been up. */
KD_API int64_t kd_kernel_crash_time(kd_session *s);
KD_API uint64_t kd_kernel_uptime(kd_session *s);
/* The kernel's own .config (CONFIG_IKCONFIG: kernel_config_data, gzip between "IKCFG_ST" and
 * "IKCFG_ED"), uncompressed into *text (NUL-terminated, *len bytes; free() it). Fails with
 * KD_ENOTFOUND "kernel_config_data does not exist in this kernel" when it was built without,
 * KD_EFORMAT when the data is not what it should be. */
KD_API int kd_kernel_config(kd_session *s, char **text, size_t *len);

/* Tasks */
struct task_list {
	uint64_t *tasks;
	size_t len;
	char broken[256]; /* why a list walk broke (the rest was found walking it backwards), "" if none did */
};
/* Every task: processes through init_task.tasks and each one's threads; idle tasks first. */
KD_API int kd_tasks_collect(kd_session *s, struct task_list *out);
KD_API void kd_task_list_free(struct task_list *l);
KD_API int kd_task_pgd(kd_session *s, uint64_t task, uint64_t *pgd);

/* A CPU list as crash's make_cpumask reads one: "a" or "all", N, N-M, separated by commas.
 * Sets cpus[i] (nr_cpus entries, cleared first) for each CPU named; fails with crash's
 * messages: "invalid cpu specification: SPEC", "N: "x" is not a digit 0 - 9". */
KD_API int kd_parse_cpuspec(kd_session *s, const char *spec, bool *cpus, int nr_cpus);

/* Memory areas (vm_area_struct) */
struct kd_vma {
	uint64_t addr;  /* the vm_area_struct */
	uint64_t start, end, flags;
	uint64_t file;  /* vm_file, 0 for an anonymous area */
	uint64_t pgoff; /* vm_pgoff: the file offset of start, in pages */
	uint64_t mm;    /* vm_mm: the mm_struct it belongs to */
};
/* One vm_area_struct, read by member name; -1 with an error naming it when it cannot be read. */
KD_API int kd_vma_read(kd_session *s, uint64_t vma, struct kd_vma *out);
/* The VMA of mm (an mm_struct) that holds vaddr, from its maple tree (6.1+) or mmap list: 1 found,
 * 0 none (or mm 0), -1 with an error naming the mm when its VMAs cannot be walked. */
KD_API int kd_vma_find(kd_session *s, uint64_t mm, uint64_t vaddr, struct kd_vma *out);
/* Every VMA (vm_area_struct address) of mm in address order, from its maple tree (6.1+) or mmap
 * list, through fn as the walkers of <kdive/walk.h> call it (a maple walk may pass 0: skip it). */
KD_API int kd_walk_vmas(kd_session *s, uint64_t mm, kd_walk_fn fn, void *arg);
/* Every VMA of mm, in address order: *out is allocated (free() it); returns the count, or -1 with
 * an error naming the mm. */
KD_API long kd_mm_vmas(kd_session *s, uint64_t mm, struct kd_vma **out);

/* Files */
/* The path of a (vfsmount, dentry) pair, crossing mount points up to the namespace root. */
KD_API int kd_fs_path(kd_session *s, uint64_t vfsmount, uint64_t dentry, char *buf, size_t size);
/* The path of an open struct file (f_path). */
KD_API int kd_fs_file_path(kd_session *s, uint64_t file, char *buf, size_t size);
/* crash's four-letter type of an inode: REG DIR CHR BLK FIFO LNK SOCK, or "UNKN". */
KD_API const char *kd_fs_inode_type(kd_session *s, uint64_t inode);

/* Loaded modules, read once per session */
struct kd_module_region {
	uint64_t base, size;
};

#define KD_MODULE_REGIONS 7

struct kmodule {
	uint64_t addr;   /* struct module */
	char name[64];
	uint64_t base;   /* text (core) base */
	uint64_t size;   /* core size, as crash shows it */
	uint64_t start, end; /* span of every core section, for address lookups */
	struct kd_symbol *syms; /* sorted by address; ->module is name */
	size_t nsyms;
	char *strings;
	/* The module's memory: on kernels with module_memory (6.4+) mem[MOD_TEXT ..
	 * MOD_INIT_RODATA] in the kernel's order (nregions of them, memory_regions true);
	 * before, [0] the core layout and [1] the init layout. Empty regions have size 0. */
	struct kd_module_region regions[KD_MODULE_REGIONS];
	int nregions;
	bool memory_regions;
	uint64_t taints; /* module.taints: bit i is taint_flags[i] */
	char kallsyms_error[128]; /* why the module's kallsyms were not (all) read; "" when they were */
	/* The module's code: [0] mem[MOD_TEXT] and [1] mem[MOD_INIT_TEXT] (6.4+), or the first
	 * text_size bytes of the core and of the init layout (before). Empty ones have size 0. */
	struct kd_module_region text[2];
};

struct module_table {
	struct kmodule *mods; /* in address order, as crash lists them */
	size_t len;
	void *index; /* internal: every module symbol by name */
	/* why the module list's walk broke ("" if it did not): the modules found walking it from
	 * both ends are in mods, the damaged one and any cut off between the two breaks are not */
	char broken[256];
};

/* Read once per session; NULL with an error if the module list is unreadable. */
KD_API const struct module_table *kd_modules_get(kd_session *s);
/* The loaded module of that name, or NULL (no error is set). */
KD_API const struct kmodule *kd_module_find(kd_session *s, const char *name);
/* The loaded module whose memory (any region) holds addr, or NULL (no error is set). */
KD_API const struct kmodule *kd_module_at(kd_session *s, uint64_t addr);
/* The loaded module whose code (kmodule.text) holds addr, or NULL (no error is set). */
KD_API const struct kmodule *kd_module_text_at(kd_session *s, uint64_t addr);

/* The kernel's taint flags, from its taint_flags[] array (bit i of tainted_mask and of a
 * module's taints is entry i): the letters shown when set and when clear, and whether the
 * flag applies to modules. */
struct kd_taint_flag {
	char c_true, c_false;
	bool module;
};
/* The table (read once per session) and its length; -1 with an error when the kernel has
 * no taint_flags[] the type model can read. */
KD_API int kd_taint_flags(kd_session *s, const struct kd_taint_flag **flags, size_t *n);
/* The letters of the taints a module set (its taints bits that taint_flags[] marks as module
 * taints), NUL-terminated in out[65]; their count, or -1 with an error without the table. */
KD_API int kd_module_taint_letters(kd_session *s, uint64_t taints, char out[65]);
KD_END_DECLS

#endif
