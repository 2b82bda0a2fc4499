/*
 * Module object files (.ko, .ko.xz, .ko.zst) as additional units of debug information
 * beside vmlinux: the file read into memory (decompressed there), its DWARF relocated to
 * where the module's sections sit in the dump, indexed by our own scanner and opened
 * with libdw. The type model (ctype_dwarf.c) looks names up in vmlinux first and then in
 * each active unit; the line lookup (kd_addr_to_line) asks the unit whose sections hold
 * the address. Nothing here knows a kernel structure: the section addresses come from
 * the caller (linux/moddebug.c reads them from the dump's struct module).
 */
#ifndef KDIVE_MODOBJ_H
#define KDIVE_MODOBJ_H

#include <elfutils/libdw.h>
#include <gelf.h>

#include "base/err.h"
#include "base/util.h"
#include "target/session.h"

struct dwarf_index;

struct modobj_range {
	uint64_t start, end; /* runtime addresses of one allocated section */
	size_t shndx;        /* its index in the file */
	bool text;           /* executable */
};

struct modobj {
	uint32_t id;          /* > 0, never reused in a session: the high bits of its DIEs' type ids */
	char *path;           /* as given */
	char *module;         /* the module it was loaded for */
	uint8_t *image;       /* the (decompressed) file */
	size_t len;
	Elf *elf;
	Dwarf *dwarf;         /* NULL when the file has no DWARF */
	struct dwarf_index *dwi;
	uint8_t build_id[64];
	size_t build_id_len;  /* 0: the file has no .note.gnu.build-id */
	VEC(struct modobj_range) ranges;   /* the executable sections placed in the dump */
	VEC(struct modobj_range) sections; /* every allocated section placed in the dump */
	bool active;          /* in the lookups; false once unloaded (kept while types made from it live) */
	size_t ntypes;        /* types of the model made from its DIEs */
};

/* Every unit a session has loaded (active or not), in load order. */
struct modobjs {
	VEC(struct modobj *) all;
	uint32_t next_id;
};

/*
 * Read a module object file: .ko, or .ko.xz / .ko.zst decompressed in memory. Fails with
 * KD_EFORMAT and "PATH: not an ELF format object file" when it is not a relocatable ELF
 * object, KD_ENOTFOUND/KD_EIO when it cannot be read.
 */
struct modobj *modobj_open(const char *path, struct kd_err *err);
/* An ELF file's GNU build ID note: its bytes (inside the ELF's data) and length; false if none. */
bool elf_gnu_build_id(Elf *e, const uint8_t **id, size_t *len);
/* Where a section of the object sits in the dump (0: not loaded there). */
typedef uint64_t (*modobj_section_addr)(void *arg, const char *name);
/*
 * Relocate the object's DWARF (.rela.debug_*) against the sections'
 * runtime addresses, then index and open the DWARF (a file without DWARF is still
 * loaded, as crash loads it). -1 with an error for malformed relocations.
 */
int modobj_relocate(struct modobj *o, modobj_section_addr addr_of, void *arg, struct kd_err *err);
void modobj_free(struct modobj *o);
/*
 * The object's symbols as crash takes them from a module's object file: each symbol
 * defined in a section the module has in the dump (addr_of non-zero), a section symbol
 * named after its section, those whose name starts with '.' left out; its section's name,
 * its value in the file (raw), its runtime address, and nm's letter for it (t/T code,
 * r/R read-only data, d/D data, b/B bss, W/V weak), in symbol table order.
 */
typedef void (*modobj_symbol_fn)(void *arg, const char *name, const char *section, uint64_t raw, uint64_t addr, char letter);
void modobj_symbols(struct modobj *o, modobj_section_addr addr_of, void *addr_arg, modobj_symbol_fn fn, void *arg);

/*
 * gdb's minimal symbol for <symbol+offset> at addr in an active unit's allocated section:
 * the last of the file's symbols of that section at or below it (by value, then name),
 * a sized one that holds addr preferred to a size-less one after it, none for a
 * size-less data symbol. False if none; *name points into the unit.
 */
bool modobjs_symbolic(kd_session *s, uint64_t addr, const char **name, uint64_t *off);
/* The same with the symbol's ELF size (0: size-less). */
bool modobjs_msymbol(kd_session *s, uint64_t addr, const char **name, uint64_t *off, uint64_t *size);

/* The name of the active unit's allocated section that holds addr; NULL if none does. */
const char *modobjs_section_at(kd_session *s, uint64_t addr);

/* The session's units: register an opened, relocated object (it gets its id and becomes active). */
void modobjs_add(kd_session *s, struct modobj *o);
/* Take a unit out of the lookups; freed at once unless types were made from it. */
void modobjs_remove(kd_session *s, struct modobj *o);
void modobjs_free(kd_session *s);
/* The active unit loaded for a module, or NULL. */
struct modobj *modobjs_for_module(kd_session *s, const char *module);
/* The active unit whose allocated sections hold addr, or NULL. */
struct modobj *modobjs_at(kd_session *s, uint64_t addr);
/* The unit (active or not) of that id, or NULL. */
struct modobj *modobjs_by_id(kd_session *s, uint32_t id);
/* The unit (active or not) whose Dwarf is dw, or NULL. */
struct modobj *modobjs_by_dwarf(kd_session *s, Dwarf *dw);

#endif
