/*
 * kdive public API, common part: the session handle, the export marker, errors and output.
 * Every function of the API is declared with KD_API and named kd_*: kdive is built with
 * -fvisibility=hidden, so exactly these are visible to extension modules (`nm -D kdive`).
 */
#ifndef KDIVE_PUBLIC_COMMON_H
#define KDIVE_PUBLIC_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
#define KD_BEGIN_DECLS extern "C" {
#define KD_END_DECLS }
#else
#define KD_BEGIN_DECLS
#define KD_END_DECLS
#endif

#define KD_API __attribute__((visibility("default")))

/*
 * The API version: a module records the one it was built against (struct kd_module_info) and
 * kdive loads it when the major is its own and the minor not newer. Within a major version,
 * functions and appended structure members are only ever added.
 * 1.1: module lifecycle (sizes in kd_module_info, kd_module_load/unload, kd_command_at/owner);
 *      the API the built-in commands use (session, tasks, linux, unwind, walk, types, cvalue,
 *      print, expr, util, log headers) and error codes (kd_error, kd_usage, kd_last_code).
 * 1.2: memory: mm.h (sections, struct pages, nodes, the page line), slab.h (the SLUB walker),
 *      vmalloc.h, swap.h; the page-table trace, PTE decoding and bulk page runs (memory.h);
 *      the VMA walk and cpuspec parsing (linux.h); kd_task_print_context (tasks.h).
 * 1.3: files and modules: fs.h (a task's files, mounts, the page cache), moddebug.h (module
 *      object files); module symbols as ordinary symbols (struct kd_symbol.module appended,
 *      kd_symbol_section, kd_symbol_index_from), kd_module_find/at and kd_taint_flags,
 *      kd_kernel_config and kd_cpu_rq_clock (linux.h), kd_format_ns_dhms (util.h).
 * 1.4: issue 12's kernel walkers: net.h (namespaces, devices, neighbours, sockets), ipc.h
 *      (System V IPC); kd_info (common.h), kd_parse_ref_number (util.h); interrupts and
 *      devices: irq.h (IRQ descriptors, actions, counts, affinity, softirqs,
 *      the IDT), device.h (chrdevs, block majors, resource trees, PCI, disks in flight).
 *      timer.h (timer wheels, hrtimers, jiffies, HZ), waitq.h, machine.h (machine data, e820),
 *      bpf.h, sbitmap.h; kd_unwind_cpu_stacks_all and kd_unwind_thread_size (unwind.h).
 *      The rest of crash's command set: aliases and kd_run_command (session.h), the current
 *      context's registers by name (unwind.h: kd_context_regs, cvalue.h:
 *      kd_register_value), gdb's line-table entry (symbols.h: kd_addr_line_entry).
 *      disasm.h (kd_disasm_one); crash's value search and naming of an address
 *      (kd_symbol_search_value, kd_symbol_describe), source lines with their parts
 *      (kd_addr_to_line_parts), gdb's minimal symbol (kd_print_symbolic, kd_symbol_gdb), sym's
 *      symbol line and query (kd_symbol_show, kd_symbol_query).
 * 1.5: kd_out_elsewhere, kd_interrupted and KD_EINTR (common.h); kd_run_capture (session.h),
 *      kd_json_in_array and kd_json_document (json.h), kd_json_depth and kd_json_error (json.h),
 *      kd_module_taint_letters (linux.h).
 * 1.6: kd_target_info.truncated (session.h): what a dump file shorter than its headers lacks.
 * 1.7: kd_target_info.live (session.h): the target is the running kernel (/proc/kcore).
 */
#define KDIVE_API_MAJOR 1
#define KDIVE_API_MINOR 7
#define KDIVE_API_VERSION ((KDIVE_API_MAJOR << 16) | KDIVE_API_MINOR)
#define KDIVE_API_VERSION_MAJOR(v) ((unsigned)(v) >> 16)
#define KDIVE_API_VERSION_MINOR(v) ((unsigned)(v)&0xffffu)

KD_BEGIN_DECLS

typedef struct kd_session kd_session;

/*
 * Errors. A failing function returns -1 (or NULL) and leaves in the session a code, the
 * address involved (0 if none) and a one-line message; the shell prints the message. A lookup
 * that is allowed to miss says so by its return value and sets nothing.
 */
enum kd_errcode {
	KD_OK = 0,
	KD_EINVAL,      /* bad argument from the user */
	KD_EIO,         /* a file could not be read */
	KD_EFORMAT,     /* a file or a kernel structure is not what it claims, or is corrupt */
	KD_ENOTFOUND,   /* symbol, type, member or task not found */
	KD_EEXCLUDED,   /* page deliberately left out of the dump */
	KD_ENOMEM_DUMP, /* address not backed by the dump */
	KD_EFAULT,      /* address not mapped */
	KD_EUNSUPP,     /* valid, but not something kdive handles (yet) */
	KD_EUSAGE,      /* the command was called wrongly: the shell prints its synopsis */
	KD_EFAIL,       /* any other failure, described by its message */
	KD_EINTR,       /* the user interrupted the command (Ctrl-C): no message is shown (API 1.5) */
};
/* Fail with an explicit code and the address involved (0 if none). Returns -1. */
KD_API int kd_error(kd_session *s, enum kd_errcode code, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Fail with KD_EFAIL and no address. Returns -1. */
KD_API int kd_fail(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put context in front of the last failure's message ("context: message"), keeping its code
 * and address. Returns -1. */
KD_API int kd_fail_prefix(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A command called wrongly: returns -1 with KD_EUSAGE; the shell prints crash's usage block
 * (the command's synopsis). */
KD_API int kd_usage(kd_session *s);
KD_API const char *kd_last_error(const kd_session *s);
KD_API enum kd_errcode kd_last_code(const kd_session *s);
KD_API uint64_t kd_last_addr(const kd_session *s);
/* Forget a failure that was handled (the command goes on with partial output). */
KD_API void kd_clear_error(kd_session *s);

/* Output: everything a command prints goes here (terminal, pipe or file). */
KD_API FILE *kd_out(kd_session *s);
KD_API int kd_printf(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* crash's error(INFO) and error(WARNING): a message line (fmt without its newline) where the output
 * goes, and on the error stream too when the output goes elsewhere (a file, a pipe), as the shell
 * shows a command's error; the command goes on. */
KD_API void kd_info(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ctrl-C at the prompt: true once the user interrupted the running command. Memory reads and
 * kd_printf fail (KD_EINTR) from then on until the command ends, so that every command stops
 * soon; a loop that neither reads nor prints (a scan that skips what is not mapped) asks. */
KD_API bool kd_interrupted(const kd_session *s);
/* Whether the output goes to a file or a pipe named on the command line (`> FILE`, `| CMD`),
 * rather than to the terminal where errors show (directly or through the pager). */
KD_API bool kd_out_elsewhere(const kd_session *s);

KD_END_DECLS

#endif
