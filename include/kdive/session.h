/*
 * kdive public API: what the session knows about the dump and the kernel in it, the shell's
 * options, the context task, and the command table.
 */
#ifndef KDIVE_PUBLIC_SESSION_H
#define KDIVE_PUBLIC_SESSION_H

#include <kdive/common.h>
#include <kdive/module.h>

KD_BEGIN_DECLS

/*
 * The dump and the kernel's memory layout. kdive owns the structure; fields are only ever
 * added at the end, so a module built against an older header reads the ones it knows.
 */
struct kd_target_info {
	const char *vmlinux_path;
	const char *dump_path;     /* NULL when no dump is open */
	const char *dump_format;   /* "ELF", "KDUMP", ... */
	int dump_level;            /* makedumpfile's -d level; > 0: pages were left out */
	uint64_t page_size;        /* the dump's page size, else the architecture's base page */
	uint64_t max_pfn;          /* highest page frame number + 1 the dump covers */
	uint64_t kaslr_offset;
	uint64_t phys_base;
	uint64_t page_offset;      /* start of the direct map; UINT64_MAX if unknown */
	uint64_t vmalloc_start;
	uint64_t vmemmap_start;    /* the struct page array */
	const char *release;       /* utsname release, "" if unknown */
	int nr_cpus;               /* possible CPUs with a per-CPU offset */
	const uint64_t *per_cpu_offset; /* nr_cpus entries, NULL if unknown */
	int panic_cpu;             /* -1 if unknown */
	const char *arch;          /* "x86_64" */
	/* API 1.6: NULL, or why the dump file is shorter than its headers describe and which memory
	 * is missing (what the WARNING at start-up says) */
	const char *truncated;
	bool live;                 /* API 1.7: the running kernel (/proc/kcore): no panic task, values
				    * may change between reads, the active tasks run on */
};
/* Never NULL; without a dump, the dump fields are empty. */
KD_API const struct kd_target_info *kd_target(kd_session *s);

/* A kernel virtual address (as the architecture defines the kernel's half). */
KD_API bool kd_is_kvaddr(kd_session *s, uint64_t addr);
/* Translate through the page table whose top level is at pgd (physical; 0 = the kernel's). */
KD_API int kd_vtop(kd_session *s, uint64_t pgd, uint64_t vaddr, uint64_t *paddr, uint64_t *page_size);
/* A VMCOREINFO value by key (not NUL-terminated: *len bytes); NULL if the dump has none. */
KD_API const char *kd_vmcoreinfo(kd_session *s, const char *key, size_t *len);

/* The shell's options, as `set` shows them: "scroll", "silent" and "echo" (0/1), "radix" (10/16); and
 * gdb's x state (API 1.4): "gdb_x_format" (its last format letter) and "gdb_x_size" (1, 2, 4, 8);
 * "dis_bug_bytes" (0-64), crash's dis -b: bytes skipped after a ud2 instruction. */
KD_API bool kd_option_get(kd_session *s, const char *name, long *value);
KD_API int kd_option_set(kd_session *s, const char *name, long value);
/* The output radix (10 or 16), which p and rd follow. */
KD_API int kd_output_radix(kd_session *s);

/* The context task (`set`, `foreach`): a task_struct address; 0 means the panic task. */
KD_API uint64_t kd_context_task(kd_session *s);
KD_API void kd_set_context_task(kd_session *s, uint64_t task);

/* The command table: every command, built-in or from a module, in registration order. */
KD_API size_t kd_command_count(kd_session *s);
KD_API const struct kd_command *kd_command_at(kd_session *s, size_t i);
KD_API const struct kd_command *kd_command_find(kd_session *s, const char *name);

/*
 * Aliases (API 1.4), as crash keeps them: a word typed first on a command line stands for a
 * command line ("px" for "p -x"). The built-in ones are crash's; the shell expands an alias
 * before it looks for redirection, so an alias may hold "| cmd" or "> file".
 */
enum kd_alias_origin { KD_ALIAS_BUILTIN, KD_ALIAS_RUNTIME };
struct kd_alias {
	const char *name;
	const char *expansion; /* the words it stands for, separated by single spaces */
	enum kd_alias_origin origin;
};
/* The i-th alias in definition order; false past the last. */
KD_API bool kd_alias_at(kd_session *s, size_t i, struct kd_alias *out);
/* What an alias stands for; NULL if name is none. */
KD_API const char *kd_alias_find(kd_session *s, const char *name);
/*
 * Define (or redefine) an alias at run time. The expansion's first word must be a command
 * (crash's messages otherwise: "cannot alias existing command name: NAME" when name is a
 * command, "invalid alias attempt on non-existent command: WORD"). An empty expansion
 * deletes the alias: returns 1 if there was one, 0 if not.
 */
KD_API int kd_alias_define(kd_session *s, const char *name, const char *expansion);
/*
 * Run one command line within the current command, as repeat does: aliases expanded, its
 * output where the current command's goes (no redirection or pipe of its own). Returns 0 or
 * -1 with the command's error in the session.
 */
KD_API int kd_run_command(kd_session *s, const char *line);
/*
 * Run one command line as kd_run_command does, its text output captured into *text (malloc'd,
 * NUL-terminated; "" when it printed nothing; free it) instead of printed (API 1.5). In JSON
 * mode the command's result is written into the JSON tree where the caller is writing (an
 * object's member or an array's elements), and what it left open is closed. Returns 0 or -1
 * with the command's error in the session.
 */
KD_API int kd_run_capture(kd_session *s, const char *line, char **text);

KD_END_DECLS

#endif
