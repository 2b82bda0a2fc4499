/*
 * Our own index over .debug_info: name -> DIE offset for the top-level DIEs a
 * debugger needs (types, variables, functions, enumerators). Built by a fast
 * scanner that reads only what it needs and jumps over the rest with
 * DW_AT_sibling; CUs are split across threads. DIEs become types lazily, via
 * libdw, when a command asks for them.
 */
#ifndef KDIVE_DWARF_INDEX_H
#define KDIVE_DWARF_INDEX_H

#include <gelf.h>
#include <stdint.h>

#include "base/err.h"
#include "base/util.h"

enum dwi_kind {
	DWI_STRUCT,
	DWI_UNION,
	DWI_ENUM,
	DWI_TYPEDEF,
	DWI_BASE,
	DWI_VARIABLE,
	DWI_FUNCTION,
	DWI_ENUMERATOR,
	DWI_NKINDS
};

struct dwarf_index {
	struct u64map maps[DWI_NKINDS]; /* hash_str(name) -> entry list head */
	struct dwi_entry *entries;
	size_t nentries;
	uint64_t ncus, ndies_seen;
	uint64_t info_size; /* of the .debug_info indexed, checked when a cache file is loaded */
	char *names;        /* owns the names when loaded from a cache file */
	VEC(char *) owned;  /* names copied out of .debug_info (DW_FORM_string) when it is read, not mapped */
	bool from_cache;
};

struct dwi_entry {
	const char *name; /* into the vmlinux mapping */
	uint64_t die;     /* offset in .debug_info */
	uint32_t next;    /* next entry with the same hash+kind, or UINT32_MAX */
	uint8_t kind;
	uint8_t quality;  /* higher wins: a definition beats a declaration */
};

/* Build from the vmlinux ELF (kept open by the caller while the index lives). */
struct dwarf_index *dwi_build(Elf *elf, int nthreads, struct kd_err *err);
/*
 * The same, reading .debug_info from fd one CU at a time instead of through the
 * mapping: the scan then leaves no resident file pages behind (a cold start's peak
 * memory would otherwise include all of .debug_info). Falls back to the mapping
 * when the section is compressed.
 */
struct dwarf_index *dwi_build_fd(Elf *elf, int fd, int nthreads, struct kd_err *err);
void dwi_free(struct dwarf_index *x);

/*
 * The index persisted in a cache file keyed by the vmlinux build ID, so that a
 * second start needs no DWARF scan. A file that does not match (other build ID,
 * other .debug_info size, bad checksum, out-of-range entries) is never trusted:
 * dwi_load fails and the caller rebuilds.
 */
/* The cache file: this header, nentries entries, then names_size bytes of NUL-terminated names
 * (what the entries' name_off index); checksum covers entries and names (dwi_cache_checksum). */
struct dwi_cache_header {
	char magic[8];
	uint32_t version, build_id_len;
	uint8_t build_id[64];
	uint64_t info_size, nentries, names_size, checksum;
};
struct dwi_cache_entry {
	uint64_t die;
	uint32_t name_off;
	uint8_t kind, quality, pad[2];
};
uint64_t dwi_cache_checksum(const void *entries, size_t entries_len, const void *names, size_t names_len);
int dwi_save(const struct dwarf_index *x, const char *path, const uint8_t *build_id, size_t build_id_len, struct kd_err *err);
struct dwarf_index *dwi_load(const char *path, const uint8_t *build_id, size_t build_id_len, uint64_t info_size,
			     struct kd_err *err);
/* Size of .debug_info in this ELF (0 if none). */
uint64_t dwi_info_size(Elf *elf);
/* DIE offset of the best entry of that kind and name; false if none. */
bool dwi_find(const struct dwarf_index *x, enum dwi_kind kind, const char *name, uint64_t *die);
/* Iterate over all names of one kind (for tab completion); stops when fn returns false. */
void dwi_foreach(const struct dwarf_index *x, enum dwi_kind kind, bool (*fn)(const char *name, void *arg), void *arg);

#endif
