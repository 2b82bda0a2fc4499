/* Opening a dump: format detection, ELF notes and VMCOREINFO, shared by all readers. */
#include "dump/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* The last of the sorted segments that starts at or before off (0 when none does). */
static size_t seg_at(const struct dfile *f, uint64_t off)
{
	size_t lo = 0, hi = f->nsegs;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->segs[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int dfile_read(const struct dfile *f, uint64_t off, void *buf, size_t len, struct kd_err *err)
{
	if (off > f->size || len > f->size - off)
		return kd_err_set(err, KD_EFORMAT, "read of %zu bytes at offset %#llx is past the end of the dump file (%llu bytes)",
				  len, (unsigned long long)off, (unsigned long long)f->size);
	if (!f->map) {
		uint8_t *out = buf;
		while (len) {
			ssize_t n = pread(f->fd, out, len, (off_t)off);
			if (n <= 0)
				return kd_err_set(err, KD_EIO, "read of %zu bytes at offset %#llx failed: %s", len,
						  (unsigned long long)off, n < 0 ? strerror(errno) : "end of file");
			out += n;
			off += (uint64_t)n;
			len -= (size_t)n;
		}
		return 0;
	}
	if (!f->segs) {
		memcpy(buf, f->map + off, len);
		return 0;
	}
	uint8_t *out = buf;
	while (len) {
		const struct dfile_seg *sg = &f->segs[seg_at(f, off)];
		if (f->nsegs == 0 || sg->off > off || off - sg->off >= sg->len)
			return kd_err_set(err, f->flat_cut ? KD_EEXCLUDED : KD_EFORMAT, "flattened dump has no data at offset %#llx%s",
					  (unsigned long long)off, f->flat_cut ? ": past the end of the stream, which was cut short" : "");
		uint64_t in = off - sg->off;
		size_t n = (size_t)MIN((uint64_t)len, sg->len - in);
		memcpy(out, f->map + sg->fpos + in, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

bool dfile_holds(const struct dfile *f, uint64_t off, uint64_t len)
{
	if (off > f->size || len > f->size - off)
		return false;
	if (!f->segs)
		return true;
	/* the segments are sorted and do not overlap: [off, off+len) must run through abutting ones */
	for (size_t i = seg_at(f, off); len && i < f->nsegs; i++) {
		const struct dfile_seg *sg = &f->segs[i];
		if (sg->off > off || off - sg->off >= sg->len)
			return false;
		uint64_t n = MIN(len, sg->len - (off - sg->off));
		off += n;
		len -= n;
	}
	return len == 0;
}

const uint8_t *dfile_ptr(const struct dfile *f, uint64_t off, size_t len)
{
	if (!f->map || f->segs || off > f->size || len > f->size - off)
		return NULL;
	return f->map + off;
}

/* makedumpfile's flattened format: a 4 KiB header, then (offset, size) blocks, big-endian. */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_TYPE 1

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct dfile_seg *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* Same start: the later write (higher file position) must win, keep it last. */
	return x->fpos < y->fpos ? -1 : x->fpos > y->fpos;
}

int dfile_flat_init(struct dfile *f, struct kd_err *err)
{
	if (!f->map || f->map_size < FLAT_HEADER_SIZE || memcmp(f->map, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) != 0)
		return 1;
	if (be64(f->map + 16) != FLAT_TYPE)
		return kd_err_set(err, KD_EFORMAT, "flattened dump: unknown type %llu", (unsigned long long)be64(f->map + 16));
	VEC(struct dfile_seg) segs = {0};
	uint64_t pos = FLAT_HEADER_SIZE;
	for (;;) {
		if (pos + 16 > f->map_size) {
			/* a stream cut short (a copy that stopped): the blocks before stand */
			f->flat_cut = pos;
			break;
		}
		int64_t off = (int64_t)be64(f->map + pos), len = (int64_t)be64(f->map + pos + 8);
		if (off == -1)
			break; /* end marker */
		if (off < 0 || len < 0 || (uint64_t)off > INT64_MAX - (uint64_t)len) {
			VEC_FREE(&segs);
			return kd_err_set(err, KD_EFORMAT, "flattened dump corrupt: block at %#llx has offset %lld, size %lld",
					  (unsigned long long)pos, (long long)off, (long long)len);
		}
		if ((uint64_t)len > f->map_size - pos - 16) {
			/* cut short within this block: keep what it has */
			f->flat_cut = pos;
			len = (int64_t)(f->map_size - pos - 16);
			if (len)
				VEC_PUSH(&segs, ((struct dfile_seg){(uint64_t)off, (uint64_t)len, pos + 16}));
			break;
		}
		if (len)
			VEC_PUSH(&segs, ((struct dfile_seg){(uint64_t)off, (uint64_t)len, pos + 16}));
		pos += 16 + (uint64_t)len;
	}
	kd_qsort(segs.items, segs.len, sizeof(*segs.items), seg_cmp);
	/* Resolve overlaps: a later block overwrites what an earlier one wrote there. */
	size_t n = 0;
	for (size_t i = 0; i < segs.len; i++) {
		struct dfile_seg cur = segs.items[i];
		while (n && segs.items[n - 1].off + segs.items[n - 1].len > cur.off) {
			struct dfile_seg *prev = &segs.items[n - 1];
			if (prev->fpos > cur.fpos) { /* previous block was written later: trim the current one */
				uint64_t end = prev->off + prev->len;
				if (end >= cur.off + cur.len) {
					cur.len = 0;
					break;
				}
				cur.fpos += end - cur.off;
				cur.len -= end - cur.off;
				cur.off = end;
				break;
			}
			if (prev->off + prev->len > cur.off + cur.len) {
				/* cur sits inside prev: this rarely happens; give up rather than guess. */
				VEC_FREE(&segs);
				return kd_err_set(err, KD_EUNSUPP, "flattened dump: nested rewritten blocks at %#llx are not supported",
						  (unsigned long long)cur.off);
			}
			prev->len = cur.off - prev->off;
			if (!prev->len)
				n--;
			else
				break;
		}
		if (cur.len)
			segs.items[n++] = cur;
	}
	f->segs = segs.items;
	f->nsegs = n;
	f->size = n ? f->segs[n - 1].off + f->segs[n - 1].len : 0;
	return 0;
}

static uint32_t align4(uint32_t x)
{
	return (x + 3u) & ~3u;
}

int dump_parse_notes(struct dump *d, const uint8_t *buf, size_t len, struct kd_err *err)
{
	size_t pos = 0;
	while (pos + 12 <= len) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, buf + pos, 4);
		memcpy(&descsz, buf + pos + 4, 4);
		memcpy(&type, buf + pos + 8, 4);
		if (namesz == 0 && descsz == 0 && type == 0)
			break; /* padding at the end of a note segment */
		size_t name_off = pos + 12;
		if (namesz > len - name_off || align4(namesz) > len - name_off)
			return kd_err_set(err, KD_EFORMAT, "ELF note at offset %zu: name size %u runs past the note data", pos, namesz);
		size_t desc_off = name_off + align4(namesz);
		if (descsz > len - desc_off)
			return kd_err_set(err, KD_EFORMAT, "ELF note at offset %zu: descriptor size %u runs past the note data", pos, descsz);
		struct dump_note note = {.type = type, .desc = buf + desc_off, .descsz = descsz};
		size_t nl = namesz ? namesz - 1 : 0;
		if (nl >= sizeof(note.name))
			nl = sizeof(note.name) - 1;
		memcpy(note.name, buf + name_off, nl);
		note.name[nl] = '\0';
		d->notes = xrealloc(d->notes, (d->nr_notes + 1) * sizeof(*d->notes));
		d->notes[d->nr_notes++] = note;
		if (strcmp(note.name, "VMCOREINFO") == 0 && !d->vmcoreinfo) {
			d->vmcoreinfo = xstrndup((const char *)note.desc, descsz);
			d->vmcoreinfo_len = strlen(d->vmcoreinfo);
		}
		size_t next = desc_off + align4(descsz);
		if (next <= pos || next > len + 3)
			break;
		pos = next;
	}
	return 0;
}

const char *dump_vmcoreinfo(const struct dump *d, const char *key, size_t *len)
{
	if (!d->vmcoreinfo)
		return NULL;
	size_t kl = strlen(key);
	for (const char *line = d->vmcoreinfo; *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		if (ll > kl && memcmp(line, key, kl) == 0 && line[kl] == '=') {
			if (len)
				*len = ll - kl - 1;
			return line + kl + 1;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	return NULL;
}

bool dump_vmcoreinfo_next(const struct dump *d, size_t *pos, const char **key, size_t *klen, const char **val,
			  size_t *vlen)
{
	while (d->vmcoreinfo && *pos < d->vmcoreinfo_len) {
		const char *line = d->vmcoreinfo + *pos, *end = d->vmcoreinfo + d->vmcoreinfo_len;
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t ll = eol ? (size_t)(eol - line) : (size_t)(end - line);
		*pos += ll + 1;
		const char *eq = memchr(line, '=', ll);
		if (!eq || eq == line)
			continue;
		*key = line;
		*klen = (size_t)(eq - line);
		*val = eq + 1;
		*vlen = ll - *klen - 1;
		return true;
	}
	return false;
}

unsigned dump_codecs(struct dump *d, uint64_t max, uint64_t *looked)
{
	*looked = 0;
	return d->ops && d->ops->codecs ? d->ops->codecs(d, max, looked) : 0;
}

int dump_cpu_notes(const struct dump *d)
{
	int n = 0;
	for (size_t i = 0; i < d->nr_notes; i++)
		if (d->notes[i].type == 1 && strcmp(d->notes[i].name, "CORE") == 0) /* NT_PRSTATUS */
			n++;
	return n;
}

bool dump_from_qemu(const struct dump *d)
{
	for (size_t i = 0; i < d->nr_notes; i++)
		if (strcmp(d->notes[i].name, "QEMU") == 0)
			return true;
	return false;
}

bool dump_vmcoreinfo_u64(const struct dump *d, const char *key, int base, uint64_t *val)
{
	size_t len;
	const char *v = dump_vmcoreinfo(d, key, &len);
	if (!v || !len || len > 40)
		return false;
	char tmp[48];
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	char *end;
	errno = 0;
	long long sv = 0;
	unsigned long long uv;
	if (tmp[0] == '-') {
		sv = strtoll(tmp, &end, base);
		uv = (unsigned long long)sv;
	} else {
		uv = strtoull(tmp, &end, base);
	}
	if (errno || *end)
		return false;
	*val = uv;
	return true;
}

bool dump_probe(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	unsigned char buf[20] = {0};
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 8)
		return false;
	if (memcmp(buf, "KDUMP   ", 8) == 0 || memcmp(buf, "DISKDUMP", 8) == 0 || memcmp(buf, FLAT_SIGNATURE, 12) == 0)
		return true;
	/* An ELF core file (ET_CORE) is a dump; vmlinux is ET_EXEC. */
	return n >= 18 && memcmp(buf, "\177ELF", 4) == 0 && buf[16] == 4 && buf[17] == 0;
}

/* The format of d->file, which is open: its reader's dump, or NULL (d freed) with why in err. */
static struct dump *open_formats(struct dump *d, struct kd_err *err)
{
	const char *path = d->path;
	int rc = dfile_flat_init(&d->file, err);
	if (rc < 0)
		goto fail;
	d->flattened = rc == 0;
	rc = dump_kdump_open(d, &d->file, err);
	if (rc == 1)
		rc = dump_elf_open(d, &d->file, err);
	if (rc == 1) {
		kd_err_set(err, KD_EFORMAT, "%s: not a dump: neither an ELF core file nor a kdump/diskdump file", path);
		goto fail;
	}
	if (rc < 0) {
		/* Prefix the file name once, so the user knows which argument was bad. */
		if (d->file.flat_cut)
			kd_err_prefix(err, "flattened stream cut short (truncated file?)");
		kd_err_prefix(err, path);
		goto fail;
	}
	if (d->file.flat_cut && !d->truncated)
		d->truncated = xasprintf("the flattened stream ends within a block at file offset %#llx: the memory written after "
					 "it is missing", (unsigned long long)d->file.flat_cut);
	return d;
fail:
	dump_close(d);
	return NULL;
}

static struct dump *open_common(const char *path, bool allow_mmap, struct kd_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		kd_err_set(err, KD_EIO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		kd_err_set(err, KD_EIO, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_size == 0) {
		kd_err_set(err, KD_EFORMAT, "%s: empty file", path);
		close(fd);
		return NULL;
	}
	void *map = allow_mmap ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	d->file.fd = -1;
	if (map != MAP_FAILED) {
		close(fd);
		madvise(map, (size_t)st.st_size, MADV_RANDOM);
		d->file.map = map;
	} else {
		d->file.fd = fd; /* /proc/kcore and the like: read with pread */
		d->is_live = strcmp(path, "/proc/kcore") == 0;
	}
	d->file.map_size = d->file.size = (uint64_t)st.st_size;
	return open_formats(d, err);
}

struct dump *dump_open(const char *path, struct kd_err *err)
{
	return open_common(path, true, err);
}

struct dump *dump_open_pread(const char *path, struct kd_err *err)
{
	return open_common(path, false, err);
}

struct dump *dump_open_mem(const uint8_t *buf, size_t len, const char *name, struct kd_err *err)
{
	if (!len) {
		kd_err_set(err, KD_EFORMAT, "%s: empty file", name);
		return NULL;
	}
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(name);
	d->file.fd = -1;
	d->file.map = buf;
	d->file.borrowed = true;
	d->file.map_size = d->file.size = len;
	return open_formats(d, err);
}

void dump_close(struct dump *d)
{
	if (!d)
		return;
	if (d->ops && d->ops->close)
		d->ops->close(d);
	if (d->file.map && !d->file.borrowed)
		munmap((void *)d->file.map, d->file.map_size);
	if (d->file.fd >= 0)
		close(d->file.fd);
	free(d->file.segs);
	free(d->notes);
	free(d->note_buf);
	free(d->vmcoreinfo);
	free(d->truncated);
	free(d->path);
	free(d);
}
