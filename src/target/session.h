/*
 * The session: one object that owns the open dump, memory, symbols, types and
 * arch state. Passed explicitly everywhere; there are no hidden globals.
 */
#ifndef KDIVE_SESSION_H
#define KDIVE_SESSION_H

#include <signal.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdio.h>
#include <sys/types.h>

#include <kdive/kdive.h>
#include "dump/dump.h"
#include "base/err.h"
#include "base/util.h"

struct symtab;
struct dwarf_index;
struct type_cache;
struct cexpr_state;
struct arch_ops;
struct task_table;
struct module_table;
struct kd_taint_flag;
struct unwind_ctx;
struct kd_extensions;
struct kd_aliases;
struct mm_state;
struct modobjs;

/* Memory layer: page cache for slow (compressed) readers. */
struct page_cache {
	uint64_t *pfns;  /* UINT64_MAX = empty slot */
	uint8_t *pages;
	size_t nslots;
	uint64_t hits, misses;
};

/*
 * Memory layer: where kernel memory comes from. Normally the dump (through the arch's
 * translation and the page cache); a test installs a reader of its own, so that kernel
 * helpers, walkers and whole commands run on a fake kernel (tests/unit/test_walk.c).
 * fn returns 0 with len bytes at the kernel virtual address addr, or -1 if any is missing.
 */
typedef int (*kd_mem_reader)(void *arg, uint64_t addr, void *buf, size_t len);
struct mem_source {
	kd_mem_reader read; /* NULL: the dump */
	void *arg;
};
/*
 * A mutation overlay (the fuzzing harnesses, tests/fuzz/): len bytes at addr replaced in
 * whatever the memory source returns, addressed as the source is (physical for a dump, the
 * reader's kernel virtual addresses for a test's reader); below the page cache's users, so every
 * helper, walker and command sees the mutated memory. None installed: one test per read.
 */
struct mem_patch {
	uint64_t addr;
	uint32_t len;
	const uint8_t *bytes;
};
struct mem_overlay {
	const struct mem_patch *patches; /* the caller's, alive while installed */
	size_t n;
};

/* What we learn about the kernel once the dump is open. */
struct kernel_info {
	uint64_t kaslr_offset;
	bool kaslr_from_vmcoreinfo;
	uint64_t phys_base;
	uint64_t page_offset;  /* start of the direct map */
	uint64_t vmalloc_start;
	uint64_t vmemmap_start;
	uint64_t kernel_image_size; /* the kernel image mapping's reach; 0 until the arch works it out */
	uint64_t modules_vaddr;     /* where crash's module space starts (past KERNEL_IMAGE_SIZE); 0 until worked out */
	uint64_t kernel_pgd;   /* physical address of init_top_pgt */
	bool l5;               /* 5-level paging */
	char release[65];
	int nr_cpus;           /* possible CPUs with a per-cpu offset */
	uint64_t *per_cpu_offset;
	int panic_cpu;         /* -1 if unknown */
	bool live;             /* the running kernel through /proc/kcore (kd_target_info.live) */
};

struct command_entry {
	struct kd_command cmd;
	char *owner; /* module that registered it; NULL for built-ins */
};

/* A file the session reads: a redirection never writes over it. */
struct session_input {
	dev_t dev;
	ino_t ino;
	const char *what; /* "dump file", "vmlinux", ... */
};

/* Set by the shell's SIGINT handler (Ctrl-C while a command runs), cleared before each command. */
extern volatile sig_atomic_t session_sigint;
/* KD_EINTR's failure, with no message: the shell shows none. Returns -1. */
int session_interrupted(kd_session *s);

/* JSON output (json.c): the version of the documents' schema, the result's tree. */
#define KDIVE_JSON_VERSION "1.0"
void session_json_reset(kd_session *s);
void session_json_free(kd_session *s);
/* The document of one command (a malloc'd line): its result, or its text output, and its error. */
char *session_json_document(kd_session *s, const char *command, int rc, const char *text);

struct kd_session {
	struct kd_err err;
	FILE *out;
	/* the command's output goes to a file or a pipe named on its command line, not to the
	 * terminal (directly or through the pager) where errors are shown: kd_info copies to stderr */
	bool out_elsewhere;
	const char *progname;
	/* command table */
	VEC(struct command_entry) commands;
	struct strmap command_index;
	/* files */
	char *vmlinux_path;
	int vmlinux_fd;
	Elf *vmlinux_elf;
	Dwarf *dwarf;
	struct dump *dump;
	VEC(struct session_input) inputs; /* every file read: vmlinux, dump, command files, module objects, extensions */
	/* layers */
	struct page_cache cache;
	struct mem_source mem_source;
	struct mem_overlay overlay;
	uint64_t walk_limit; /* most entries one walk visits (linux/walk.c); 0: WALK_MAX */
	struct symtab *symtab;
	struct dwarf_index *dwi;
	struct type_cache *types;      /* the type model (debuginfo/ctype.c) */
	struct cexpr_state *cexpr;     /* the C expression evaluator's state (lang/c_expr.c) */
	const struct arch_ops *arch;
	struct kernel_info ki;
	/* options */
	bool silent;
	bool echo; /* batch runs: each command line echoed after the prompt before its output */
	bool json_mode;          /* set output json, --json: one JSON document per command (json.c) */
	struct json_state *json; /* the command's result being built */
	bool scroll; /* page output through a pager when on a terminal */
	bool interactive;
	bool quit; /* `q` was run */
	int output_radix; /* 10 or 16 */
	int gdb_x_format, gdb_x_size; /* gdb's x remembers its last format letter and unit size (0: none yet) */
	int dis_bug_bytes; /* crash's dis -b: bytes skipped after a ud2 (0 since 2.6.20's __bug_table) */
	/* context: current task (0 = the panic task) */
	uint64_t cur_task;
	struct task_table *task_table; /* built on first use (tasks.c) */
	bool kernel_ready; /* kernel_init done: memory, KASLR and types usable; module symbols are looked at only then */
	struct module_table *module_table; /* built on first use (modules.c) */
	struct kd_taint_flag *taint_flags; /* the kernel's taint_flags[], read on first use (modules.c) */
	size_t ntaint_flags;
	struct unwind_ctx *unwind;     /* ORC tables, stack layout; built on first use (arch/x86_64_unwind.c) */
	struct kd_extensions *extensions; /* loaded extension modules (src/shell/extensions.c) */
	struct kd_aliases *aliases;    /* command aliases, made on first use (src/shell/alias.c) */
	struct mm_state *mm;           /* memory sections, struct page layout; read on first use (linux/mm.c) */
	struct modobjs *modobjs;       /* module object files loaded for their debug information (debuginfo/modobj.c) */
	struct kd_target_info target_view; /* what kd_target() returns, refreshed on each call */
};

kd_session *session_new(void);
void session_free(kd_session *s);
/* Open vmlinux and dump and bring up all layers. */
int session_open(kd_session *s, const char *vmlinux, const char *dumpfile);
/* A dump alone, without a vmlinux (kdive --log): its VMCOREINFO gives the symbols it names,
 * the structures it describes (the type model's VMCOREINFO source) and the kernel's place
 * (KERNELOFFSET, phys_base); no task, module or other kernel state is read. Fails, saying
 * why, on a dump without VMCOREINFO. */
int session_open_vmcoreinfo(kd_session *s, const char *dumpfile);
/* The same on a dump already open (dump_open_mem: the fuzzing harness), which the session owns from now on. */
int session_attach_vmcoreinfo(kd_session *s, struct dump *d);

/* Note path (what: "dump file", "vmlinux", ...) as a file the session reads, so that no redirection
 * writes over it; a path that cannot be stat'ed is not noted. */
void session_note_input(kd_session *s, const char *path, const char *what);
/* What the file (dev, ino) is to the session, or NULL when it is none of its inputs. */
const char *session_input_what(const kd_session *s, dev_t dev, ino_t ino);

/* Copy a lower layer's error into the session; returns -1. */
int session_fail_from(kd_session *s, const struct kd_err *e);

/* Memory layer */
int mem_init(kd_session *s);
void mem_free(kd_session *s);
/* Kernel virtual reads from fn instead of the dump (NULL: the dump again). */
void mem_set_reader(kd_session *s, kd_mem_reader fn, void *arg);
/* Install n patches over the memory source (n 0: remove them); see struct mem_patch. */
void mem_set_overlay(kd_session *s, const struct mem_patch *patches, size_t n);
/* Is there memory to read: an open dump or a reader? */
bool mem_available(const kd_session *s);
/* The base page size: the arch's (page_shift), or 4 KiB for a test's reader without one. */
uint64_t mem_page_size(const kd_session *s);

#endif
