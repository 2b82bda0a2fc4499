/*
 * Dump readers: the bottom layer. A reader knows a file format and nothing of
 * kernel structures; it hands out physical pages, the VMCOREINFO text, raw ELF
 * notes (CPU states) and whatever the format's header says.
 */
#ifndef KDIVE_DUMP_H
#define KDIVE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct dump;

/*
 * The bytes of a dump file as readers see them: a mapped file, or the
 * reassembled view of makedumpfile's flattened format (read in place, through
 * an index of its data blocks, so the user needs no `makedumpfile -R` step).
 */
struct dfile_seg {
	uint64_t off, len, fpos; /* logical offset, length, position in the real file */
};
struct dfile {
	int fd;             /* read with pread when map is NULL (/proc/kcore cannot be mapped) */
	const uint8_t *map; /* the whole real file, read-only */
	uint64_t map_size;
	uint64_t size; /* logical size */
	struct dfile_seg *segs; /* flattened only; sorted, non-overlapping */
	size_t nsegs;
	uint64_t flat_cut; /* flattened only: the file position where the stream ends within a block (0: whole) */
	bool borrowed; /* map is the caller's buffer (dump_open_mem): never unmapped */
};
int dfile_read(const struct dfile *f, uint64_t off, void *buf, size_t len, struct kd_err *err);
/* Whether every byte of [off, off+len) is in the file (a flattened file's blocks may leave holes
 * and claim a logical size far beyond its data): ask before allocating what a header claims. */
bool dfile_holds(const struct dfile *f, uint64_t off, uint64_t len);
/* Direct pointer to [off, off+len) when the file is plain and the range inside it; else NULL. */
const uint8_t *dfile_ptr(const struct dfile *f, uint64_t off, size_t len);
/* Builds the segment index of a flattened file; returns 1 if it is not flattened. */
int dfile_flat_init(struct dfile *f, struct kd_err *err);


struct dump_ops {
	/* Copy len bytes of physical memory at paddr; never crosses a page boundary. */
	int (*read_phys)(struct dump *d, uint64_t paddr, void *buf, size_t len, struct kd_err *err);
	/*
	 * Bulk reads (scans): the run of pages present in the dump from paddr (page-aligned), at most
	 * len bytes. Returns the bytes available (> 0), with *data pointing at them: into the mapped
	 * file where the format stores them plainly, else into buf (len bytes); 0 when the page at
	 * paddr is not in the dump, was excluded or cannot be read (no message: the caller skips it).
	 */
	size_t (*read_run)(struct dump *d, uint64_t paddr, size_t len, uint8_t *buf, const uint8_t **data);
	void (*close)(struct dump *d);
	/* The compressions (DUMP_CODEC_*) the page descriptors name, at most max of them looked at,
	 * spread over the file; *looked: how many were. NULL for formats without per-page codecs. */
	unsigned (*codecs)(struct dump *d, uint64_t max, uint64_t *looked);
};

struct dump_note {
	uint32_t type;
	char name[32];
	const uint8_t *desc; /* points into dump-owned memory */
	uint32_t descsz;
};

struct dump {
	const struct dump_ops *ops;
	void *priv;
	const char *format; /* "ELF", "KDUMP", "DISKDUMP", "KCORE" */
	char *path;
	uint32_t page_size;
	/* Reads are slow (decompression): the memory layer keeps a page cache. */
	bool wants_cache;
	/* Virtual-addressed segments (kcore): physical reads are not available for all memory. */
	bool is_live;
	char *vmcoreinfo; /* NUL-terminated, or NULL */
	size_t vmcoreinfo_len;
	struct dump_note *notes;
	uint8_t *note_buf; /* owns what notes[].desc point to */
	size_t nr_notes;
	/* What the header says, where the format has it (kdump). */
	char hdr_release[65];
	char hdr_nodename[65];
	char hdr_machine[65];
	int64_t hdr_timestamp; /* seconds, 0 if unknown */
	uint32_t hdr_nr_cpus;
	int dump_level; /* makedumpfile's -d level of a kdump file; 0 if none or unknown */
	uint64_t max_pfn; /* one past the highest physical page the dump describes */
	/* A file shorter than its headers describe (a copy cut short, a full disk): what is
	 * missing, in one line; NULL when the file is complete. The memory whose data is missing
	 * reads as not in the dump. */
	char *truncated;
	const char *compression; /* human-readable summary for `help -D` */
	bool flattened;
	struct dfile file;
	struct dump_stats { uint64_t pages_read, bytes_decompressed; } stats;
};

/* Opens any supported format, detected from its contents. */
struct dump *dump_open(const char *path, struct kd_err *err);
/* The same, never mapping the file (as for /proc/kcore); for tests of that path. */
struct dump *dump_open_pread(const char *path, struct kd_err *err);
/* A dump held in memory (len bytes at buf, which must outlive the dump), read as a mapped file
 * is: for the fuzzing harnesses and tests, which have no file. name stands for the path. */
struct dump *dump_open_mem(const uint8_t *buf, size_t len, const char *name, struct kd_err *err);
void dump_close(struct dump *d);
/* True if the file looks like a dump (used to accept `kdive vmcore vmlinux`). */
bool dump_probe(const char *path);

/* Per-format openers, tried in turn by dump_open. They return 1 if the format is not theirs. */
int dump_elf_open(struct dump *d, struct dfile *f, struct kd_err *err);
int dump_kdump_open(struct dump *d, struct dfile *f, struct kd_err *err);

/* Shared by readers: parse an ELF note blob into d->notes (VMCOREINFO is also extracted). */
int dump_parse_notes(struct dump *d, const uint8_t *buf, size_t len, struct kd_err *err);

/* What a dump says of itself without a vmlinux (kdive --identify): its page compressions,
 * CPU states and writer, from the format alone. */
enum { DUMP_CODEC_NONE = 1, DUMP_CODEC_ZLIB = 2, DUMP_CODEC_LZO = 4, DUMP_CODEC_SNAPPY = 8, DUMP_CODEC_ZSTD = 16 };
/* The DUMP_CODEC_* bits seen over at most max page descriptors (0 for an ELF dump: no codec). */
unsigned dump_codecs(struct dump *d, uint64_t max, uint64_t *looked);
/* The CPU states the dump holds (PRSTATUS notes); 0 when it has none. */
int dump_cpu_notes(const struct dump *d);
/* Whether QEMU wrote it (dump-guest-memory's "QEMU" CPU notes). */
bool dump_from_qemu(const struct dump *d);
/* Each VMCOREINFO line in turn: *pos 0 to start; false at the end. key and value are not
 * NUL-terminated (klen, vlen); a line without '=' is skipped. */
bool dump_vmcoreinfo_next(const struct dump *d, size_t *pos, const char **key, size_t *klen, const char **val,
			  size_t *vlen);

/* VMCOREINFO lookups: "OSRELEASE", "SYMBOL(init_task)", "NUMBER(phys_base)", ... */
const char *dump_vmcoreinfo(const struct dump *d, const char *key, size_t *len);
bool dump_vmcoreinfo_u64(const struct dump *d, const char *key, int base, uint64_t *val);

#endif
