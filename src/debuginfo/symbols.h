/* The vmlinux ELF symbol table, relocated for KASLR; lookup by name and by address. */
#ifndef KDIVE_SYMBOLS_H
#define KDIVE_SYMBOLS_H

#include <gelf.h>
#include <stdint.h>

#include "base/err.h"
#include "base/util.h"

#include <kdive/symbols.h>

/* struct kd_symbol is the public view of a symbol (<kdive/symbols.h>). */
#define ksym kd_symbol

struct symtab {
	struct ksym *syms; /* sorted by address */
	size_t nsyms;
	struct strmap by_name; /* name -> ksym* (globals win over locals) */
	char *strings;       /* owns the names */
	uint64_t offset;     /* KASLR offset applied */
	/* crash's listing (sym -l): the symbols above and the section symbols, sorted by
	 * address and raw name, none before _text but the per-CPU ones, names without gcc's
	 * clone suffix (symbol_clone_stem). Copies, relocated with the rest. */
	struct ksym *listed;
	size_t nlisted;
	char *listed_strings; /* owns the section names and the cut names */
	struct symtab_section *sections; /* vmlinux's allocated sections, in header order, relocated */
	size_t nsections;
};

struct symtab_section {
	uint64_t addr, size;
	char *name;
};

#define KERNEL_MAP_START 0xffffffff80000000ULL

struct symtab *symtab_load(Elf *elf, struct kd_err *err);
/* Without a vmlinux: the symbols a dump's VMCOREINFO names (SYMBOL(name)=address), at the
 * running kernel's addresses (kaslr_offset, KERNELOFFSET, is already applied to them). */
struct dump;
struct symtab *symtab_from_vmcoreinfo(const struct dump *d, uint64_t kaslr_offset);
void symtab_free(struct symtab *t);
/* Shift every kernel-text symbol (not the per-CPU ones, which are offsets) by off. */
void symtab_relocate(struct symtab *t, uint64_t off);
const struct ksym *symtab_lookup(const struct symtab *t, const char *name);
/* The symbol containing addr, or the nearest one below it within a sane distance. */
const struct ksym *symtab_at(const struct symtab *t, uint64_t addr);
/* The name of the allocated vmlinux section holding addr (a runtime address), or NULL. */
const char *symtab_section_at(const struct symtab *t, uint64_t addr);
/* Index of the first symbol with address >= addr. */
size_t symtab_lower_bound(const struct symtab *t, uint64_t addr);

/* qsort's order of struct ksym as gdb sorts its minimal symbols: by address, then name. */
int symbols_cmp(const void *a, const void *b);

/*
 * The symbol gdb names an address by in <symbol+offset> (its minimal-symbol choice), over a
 * symbol table given to it: syms[0..n) sorted by address then name, each at or below raw
 * (the address as the table has it), the table's section holding raw spanning addresses
 * [lo, hi), code when text. The last symbol of the section at or below raw, absolute ones
 * ('a', 'A') skipped: a sized one if it contains raw, else the highest size-less one below
 * raw (which a data section does not take). NULL when there is none. vmlinux's symbols
 * (cprint_symbolic) and a module object file's (modobjs_symbolic) are chosen here.
 */
const struct ksym *symbols_gdb_choice(const struct ksym *syms, size_t n, uint64_t raw, uint64_t lo, uint64_t hi, bool text);

/*
 * The length of a symbol name without gcc's clone suffix, as crash shows names: cut at
 * the first ".isra.", else at the first ".part.", else at the first ".llvm.", with
 * everything after the cut ("link_path_walk.part.0.constprop.0" -> "link_path_walk").
 * Other suffixes (".constprop.N" alone, ".cold") stay. strlen(name) when nothing is cut.
 */
size_t symbol_clone_stem(const char *name);

#endif
