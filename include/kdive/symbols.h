/* kdive public API: symbols. */
#ifndef KDIVE_PUBLIC_SYMBOLS_H
#define KDIVE_PUBLIC_SYMBOLS_H

#include <kdive/common.h>

KD_BEGIN_DECLS

/*
 * A symbol of vmlinux or of a loaded module (relocated: runtime addresses). A module's
 * symbols come from its own kallsyms in the dump (or from its object file once loaded),
 * named as crash names them (without gcc's clone suffix), with crash's type letter: T or t
 * for functions, '?' for everything else.
 */
struct kd_symbol {
	uint64_t addr;
	uint64_t size;
	const char *name;
	char type;          /* nm-style letter: T t D d B b R r A W w V v, '?' for a module's data */
	const char *module; /* the module's name; NULL for vmlinux */
};

/* The address of a symbol (vmlinux, then loaded modules); fails with a message when there is none. */
KD_API int kd_symbol_addr(kd_session *s, const char *name, uint64_t *addr);
/* Name of the symbol containing addr (vmlinux, then loaded modules; NULL if none) and the offset into it. */
KD_API const char *kd_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset);

/* addr as crash's value_to_symstr writes it: "name" or "name+OFFSET" (the offset in the output
 * radix: "+16" or "+0x10"), into buf; NULL (buf untouched) when no symbol contains addr. */
KD_API const char *kd_symbol_string(kd_session *s, uint64_t addr, char *buf, size_t size);
/* The vmlinux ELF section holding a (runtime) address, ".text" for one, or a loaded module object file's; NULL if none does. */
KD_API const char *kd_symbol_section(kd_session *s, uint64_t addr);

/* Source file and line of a kernel text address, from the DWARF line tables, as gdb shows them. */
KD_API int kd_addr_to_line(kd_session *s, uint64_t addr, char *file, size_t size, int *line);
/* The same line-table entry as gdb's info line names it (API 1.4): the file as the line table
 * has it (relative to the compilation directory, "kernel/sched/core.c"), its line, and the
 * address where the entry starts. */
KD_API int kd_addr_line_entry(kd_session *s, uint64_t addr, char *file, size_t size, int *line, uint64_t *start);
/* The same line with its file name as the line table records it (gdb's symtab name, as "list"
 * and dis -s show it: "kernel/sched/core.c") and the unit's compilation directory ("" if none). */
KD_API int kd_addr_to_line_parts(kd_session *s, uint64_t addr, char *file, size_t size, char *comp_dir, size_t dir_size,
				 int *line);

/* Lookups allowed to miss: NULL when there is no such symbol (no error is set). vmlinux's
 * symbols first, then the loaded modules' (in module address order). */
KD_API const struct kd_symbol *kd_symbol_lookup(kd_session *s, const char *name);
/* The symbol at or before addr that contains it (or is the closest below it): vmlinux's,
 * else the symbol of the module whose memory holds addr (its ->module says which). */
KD_API const struct kd_symbol *kd_symbol_containing(kd_session *s, uint64_t addr);
/* A per-CPU variable (its symbol's value is an offset into each CPU's per-CPU area, not an
 * address; kd_per_cpu_addr gives a CPU's copy): true with that offset in *offset (may be NULL),
 * false for any other name. */
KD_API bool kd_symbol_is_percpu(kd_session *s, const char *name, uint64_t *offset);
/*
 * vmlinux's symbols as crash lists them (sym -l), in address order: the section symbols
 * included, nothing before _text but the per-CPU variables, names without gcc's clone
 * suffix. Entries are the listing's own (kd_symbol_lookup's may differ in name).
 */
KD_API size_t kd_symbol_count(kd_session *s);
KD_API const struct kd_symbol *kd_symbol_index(kd_session *s, size_t i);
/* The index in that listing of the first symbol at or above addr; kd_symbol_count if none is. */
KD_API size_t kd_symbol_index_from(kd_session *s, uint64_t addr);

/*
 * An address as crash names it in dis output and in gdb's <...>: "schedule", "schedule+45"
 * (radix 16: "schedule+0x2d"), a module's symbol by its kallsyms (or object file) name.
 * crash's value search: vmlinux from _text to its last symbol (the first symbol at the
 * address, else the last below), else the symbol of the module whose memory holds it.
 * False (buf empty) when neither has one.
 */
KD_API bool kd_symbol_describe(kd_session *s, uint64_t addr, int radix, char *buf, size_t size);

/*
 * The symbol crash's value search finds for addr (kd_symbol_describe) and the offset into it; NULL
 * (nothing set) when there is none. A vmlinux symbol is an entry of kd_symbol_index's listing
 * (its index: the difference from kd_symbol_index(s, 0)), a module's one of its kmodule.syms.
 */
KD_API const struct kd_symbol *kd_symbol_search_value(kd_session *s, uint64_t addr, uint64_t *offset);

/* What kd_symbol_show adds to "ADDR (TYPE) NAME[+OFF]": */
#define KD_SYMBOL_LINE 0x1    /* a text symbol's " FILE: LINE" (crash's sym default; the space even with no line) */
#define KD_SYMBOL_MODULE 0x2  /* " [module]" after a module's symbol */
#define KD_SYMBOL_SECTION 0x4 /* " [section]" instead of the line (sym -s) */
/* A symbol's line as crash's sym prints it, with its newline. */
KD_API void kd_symbol_show(kd_session *s, const struct kd_symbol *k, uint64_t off, unsigned flags);
/*
 * crash's symbol query: every symbol whose name contains str, vmlinux's in listing order then
 * the modules' ("[module]" after them); each printed after pad as kd_symbol_show prints it
 * without a line (pad NULL: nothing printed). The count, and the last one in *last (may be NULL).
 */
KD_API size_t kd_symbol_query(kd_session *s, const char *str, const char *pad, const struct kd_symbol **last);

KD_END_DECLS

#endif
