#include "debuginfo/modobj.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"

#define MODOBJ_MAX ((size_t)1 << 30) /* no module object file is 1 GiB, compressed or not */

static int read_file(const char *path, uint8_t **out, size_t *len, struct kd_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return kd_err_set(err, errno == ENOENT ? KD_ENOTFOUND : KD_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MODOBJ_MAX) {
		close(fd);
		return kd_err_set(err, KD_EFORMAT, "%s: not an ELF format object file", path);
	}
	size_t n = (size_t)st.st_size, got = 0;
	uint8_t *buf = xmalloc(n ? n : 1);
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0) {
			close(fd);
			free(buf);
			return kd_err_set(err, KD_EIO, "%s: read error", path);
		}
		got += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

/* Decompress a whole .xz or .zst file in memory; 0 with the image, or -1. */
static int decompress(const char *path, const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen, struct kd_err *err)
{
	bool xz = inlen >= 6 && memcmp(in, "\xfd" "7zXZ\0", 6) == 0;
	bool zst = inlen >= 4 && memcmp(in, "\x28\xb5\x2f\xfd", 4) == 0;
	size_t cap = inlen * 4 + 4096, len = 0;
	uint8_t *buf = NULL;
	if (xz) {
#ifdef HAVE_LZMA
		lzma_stream st = LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&st, UINT64_MAX, 0) != LZMA_OK)
			return kd_err_set(err, KD_EIO, "%s: cannot start the xz decoder", path);
		buf = xmalloc(cap);
		st.next_in = in;
		st.avail_in = inlen;
		lzma_ret r = LZMA_OK;
		while (r == LZMA_OK) {
			if (len == cap) {
				if (cap >= MODOBJ_MAX)
					break;
				cap = MIN(cap * 2, MODOBJ_MAX);
				buf = xrealloc(buf, cap);
			}
			st.next_out = buf + len;
			st.avail_out = cap - len;
			r = lzma_code(&st, LZMA_FINISH);
			len = cap - st.avail_out;
		}
		lzma_end(&st);
		if (r != LZMA_STREAM_END) {
			free(buf);
			return kd_err_set(err, KD_EFORMAT, "%s: corrupt or truncated xz data", path);
		}
#else
		return kd_err_set(err, KD_EINVAL, "%s: kdive was built without liblzma (.ko.xz)", path);
#endif
	} else if (zst) {
#ifdef HAVE_ZSTD
		ZSTD_DStream *ds = ZSTD_createDStream();
		if (!ds)
			return kd_err_set(err, KD_EIO, "%s: cannot start the zstd decoder", path);
		ZSTD_initDStream(ds);
		buf = xmalloc(cap);
		ZSTD_inBuffer ib = {in, inlen, 0};
		size_t r = 1;
		while (r != 0) {
			if (len == cap) {
				if (cap >= MODOBJ_MAX)
					break;
				cap = MIN(cap * 2, MODOBJ_MAX);
				buf = xrealloc(buf, cap);
			}
			ZSTD_outBuffer ob = {buf, cap, len};
			r = ZSTD_decompressStream(ds, &ob, &ib);
			len = ob.pos;
			if (ZSTD_isError(r) || (ib.pos == ib.size && r != 0 && ob.pos < ob.size))
				break;
		}
		ZSTD_freeDStream(ds);
		if (r != 0) {
			free(buf);
			return kd_err_set(err, KD_EFORMAT, "%s: corrupt or truncated zstd data", path);
		}
#else
		return kd_err_set(err, KD_EINVAL, "%s: kdive was built without libzstd (.ko.zst)", path);
#endif
	} else {
		return kd_err_set(err, KD_EFORMAT, "%s: not an ELF format object file", path);
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static bool is_elf_rel(const uint8_t *p, size_t n)
{
	if (n < sizeof(Elf64_Ehdr) || memcmp(p, ELFMAG, SELFMAG) != 0)
		return false;
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)p;
	return h->e_ident[EI_CLASS] == ELFCLASS64 && h->e_ident[EI_DATA] == ELFDATA2LSB && h->e_type == ET_REL &&
	       h->e_machine == EM_X86_64;
}

bool elf_gnu_build_id(Elf *e, const uint8_t **id, size_t *len)
{
	Elf_Scn *scn = NULL;
	while (e && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0 &&
			    nh.n_descsz > 0) {
				*id = (const uint8_t *)d->d_buf + desc_off;
				*len = nh.n_descsz;
				return true;
			}
		}
	}
	return false;
}

static void read_build_id(struct modobj *o, size_t shstrndx)
{
	const uint8_t *id;
	size_t len;
	if (elf_gnu_build_id(o->elf, &id, &len) && len <= sizeof(o->build_id)) {
		memcpy(o->build_id, id, len);
		o->build_id_len = len;
	}
	(void)shstrndx;
}

struct modobj *modobj_open(const char *path, struct kd_err *err)
{
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	if (read_file(path, &raw, &rawlen, err) < 0)
		return NULL;
	uint8_t *image = raw;
	size_t len = rawlen;
	if (rawlen < SELFMAG || memcmp(raw, ELFMAG, SELFMAG) != 0) {
		/* Not ELF itself: an .xz or .zst compressed one, or not an object file at all. */
		int rc = decompress(path, raw, rawlen, &image, &len, err);
		free(raw);
		if (rc < 0)
			return NULL;
	}
	if (!is_elf_rel(image, len)) {
		free(image);
		kd_err_set(err, KD_EFORMAT, "%s: not an ELF format object file", path);
		return NULL;
	}
	struct modobj *o = xcalloc(1, sizeof(*o));
	o->path = xstrdup(path);
	o->image = image;
	o->len = len;
	o->elf = elf_memory((char *)image, len);
	size_t shstrndx;
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || elf_getshdrstrndx(o->elf, &shstrndx) < 0) {
		kd_err_set(err, KD_EFORMAT, "%s: not an ELF format object file", path);
		modobj_free(o);
		return NULL;
	}
	read_build_id(o, shstrndx);
	return o;
}

/* A section's bytes, decompressed when the file compressed it; NULL when it has none. */
static Elf_Data *section_bytes(Elf_Scn *scn, const GElf_Shdr *sh)
{
	if (sh->sh_type == SHT_NOBITS)
		return NULL;
	if ((sh->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return NULL;
	Elf_Data *d = elf_getdata(scn, NULL);
	return d && d->d_buf ? d : NULL;
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Apply one SHT_RELA section to its (non-allocated) target. */
static int apply_rela(struct modobj *o, Elf_Scn *rscn, const GElf_Shdr *rsh, const uint64_t *secaddr, size_t nsec,
		      struct kd_err *err)
{
	Elf_Scn *tscn = elf_getscn(o->elf, rsh->sh_info), *symscn = elf_getscn(o->elf, rsh->sh_link);
	GElf_Shdr tsh, symsh;
	if (!tscn || !symscn || !gelf_getshdr(tscn, &tsh) || !gelf_getshdr(symscn, &symsh) || symsh.sh_type != SHT_SYMTAB)
		return kd_err_set(err, KD_EFORMAT, "%s: relocation section %zu has no target or symbol table", o->path,
				  elf_ndxscn(rscn));
	if (tsh.sh_flags & SHF_ALLOC)
		return 0; /* code and data are in the dump already, relocated by the kernel */
	Elf_Data *t = section_bytes(tscn, &tsh), *r = elf_getdata(rscn, NULL), *sd = elf_getdata(symscn, NULL);
	if (!t || !r || !sd)
		return 0;
	size_t nrel = rsh->sh_entsize ? r->d_size / rsh->sh_entsize : 0, nsyms = symsh.sh_entsize ? sd->d_size / symsh.sh_entsize : 0;
	for (size_t i = 0; i < nrel; i++) {
		GElf_Rela rel;
		GElf_Sym sym;
		if (!gelf_getrela(r, (int)i, &rel))
			return kd_err_set(err, KD_EFORMAT, "%s: unreadable relocation %zu of section %zu", o->path, i, elf_ndxscn(rscn));
		unsigned type = GELF_R_TYPE(rel.r_info);
		size_t si = GELF_R_SYM(rel.r_info);
		if (type == R_X86_64_NONE)
			continue;
		if (si >= nsyms || !gelf_getsym(sd, (int)si, &sym))
			return kd_err_set(err, KD_EFORMAT, "%s: relocation %zu of section %zu names symbol %zu of %zu", o->path, i,
					  elf_ndxscn(rscn), si, nsyms);
		uint64_t S = sym.st_value;
		if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE)
			S += sym.st_shndx < nsec ? secaddr[sym.st_shndx] : 0;
		uint64_t v = S + (uint64_t)rel.r_addend;
		unsigned size;
		switch (type) {
		case R_X86_64_64: size = 8; break;
		case R_X86_64_32:
		case R_X86_64_32S: size = 4; break;
		case R_X86_64_PC32: size = 4; v -= rel.r_offset; break;
		case R_X86_64_PC64: size = 8; v -= rel.r_offset; break;
		default:
			return kd_err_set(err, KD_EFORMAT, "%s: relocation type %u in section %zu is not supported", o->path, type,
					  elf_ndxscn(rscn));
		}
		if (rel.r_offset > t->d_size || t->d_size - rel.r_offset < size)
			return kd_err_set(err, KD_EFORMAT, "%s: relocation at %#llx runs past its section (%zu bytes)", o->path,
					  (unsigned long long)rel.r_offset, t->d_size);
		put((uint8_t *)t->d_buf + rel.r_offset, v, size);
	}
	return 0;
}

int modobj_relocate(struct modobj *o, modobj_section_addr addr_of, void *arg, struct kd_err *err)
{
	size_t shstrndx, nsec;
	if (elf_getshdrstrndx(o->elf, &shstrndx) < 0 || elf_getshdrnum(o->elf, &nsec) < 0)
		return kd_err_set(err, KD_EFORMAT, "%s: %s", o->path, elf_errmsg(-1));
	uint64_t *secaddr = xcalloc(nsec ? nsec : 1, sizeof(*secaddr));
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		size_t i = elf_ndxscn(scn);
		if (i >= nsec || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || !(name = elf_strptr(o->elf, shstrndx, sh.sh_name)))
			continue;
		secaddr[i] = addr_of(arg, name);
		if (!secaddr[i] || !sh.sh_size)
			continue;
		struct modobj_range r = {secaddr[i], secaddr[i] + sh.sh_size, i, (sh.sh_flags & SHF_EXECINSTR) != 0};
		VEC_PUSH(&o->sections, r);
		if (r.text)
			VEC_PUSH(&o->ranges, r);
	}
	int rc = 0;
	bool has_info = false;
	scn = NULL;
	while (rc == 0 && (scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if ((name = elf_strptr(o->elf, shstrndx, sh.sh_name)) && strcmp(name, ".debug_info") == 0)
			has_info = true;
		if (sh.sh_type == SHT_RELA)
			rc = apply_rela(o, scn, &sh, secaddr, nsec, err);
		else if (sh.sh_type == SHT_REL)
			rc = kd_err_set(err, KD_EFORMAT, "%s: SHT_REL relocations are not supported", o->path);
	}
	free(secaddr);
	if (rc < 0 || !has_info)
		return rc;
	struct kd_err e = {0};
	o->dwi = dwi_build(o->elf, 1, &e);
	if (!o->dwi)
		return kd_err_set(err, KD_EFORMAT, "%s: %s", o->path, e.msg);
	o->dwarf = dwarf_begin_elf(o->elf, DWARF_C_READ, NULL);
	if (!o->dwarf) {
		dwi_free(o->dwi);
		o->dwi = NULL;
		return kd_err_set(err, KD_EFORMAT, "%s: %s", o->path, dwarf_errmsg(-1));
	}
	return 0;
}

void modobj_free(struct modobj *o)
{
	if (!o)
		return;
	if (o->dwarf)
		dwarf_end(o->dwarf);
	dwi_free(o->dwi);
	if (o->elf)
		elf_end(o->elf);
	VEC_FREE(&o->ranges);
	VEC_FREE(&o->sections);
	free(o->image);
	free(o->path);
	free(o->module);
	free(o);
}

/* nm's letter for a defined symbol of section sh (binutils' classes for ELF sections). */
static char nm_letter(const GElf_Sym *sym, const GElf_Shdr *sh)
{
	int bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	char c = sh->sh_type == SHT_NOBITS ? 'b' : (sh->sh_flags & SHF_EXECINSTR) ? 't' : !(sh->sh_flags & SHF_WRITE) ? 'r' : 'd';
	return bind == STB_GLOBAL ? (char)(c - 'a' + 'A') : c;
}

/* The file's symbol table (the first SHT_SYMTAB section): its data, its header and its
 * number of entries; NULL when it has none. */
static Elf_Data *symtab_data(struct modobj *o, GElf_Shdr *symsh, size_t *n)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(o->elf, scn))) {
		if (!gelf_getshdr(scn, symsh) || symsh->sh_type != SHT_SYMTAB || !symsh->sh_entsize)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		*n = d ? d->d_size / symsh->sh_entsize : 0;
		return d;
	}
	*n = 0;
	return NULL;
}

void modobj_symbols(struct modobj *o, modobj_section_addr addr_of, void *addr_arg, modobj_symbol_fn fn, void *arg)
{
	size_t shstrndx, n;
	GElf_Shdr symsh;
	Elf_Data *d;
	if (elf_getshdrstrndx(o->elf, &shstrndx) < 0 || !(d = symtab_data(o, &symsh, &n)))
		return;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Shdr sh;
		Elf_Scn *sec;
		int type;
		if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE ||
		    (type = GELF_ST_TYPE(sym.st_info)) == STT_FILE || !(sec = elf_getscn(o->elf, sym.st_shndx)) ||
		    !gelf_getshdr(sec, &sh))
			continue;
		const char *secname = elf_strptr(o->elf, shstrndx, sh.sh_name);
		const char *name = type == STT_SECTION ? secname : elf_strptr(o->elf, symsh.sh_link, sym.st_name);
		uint64_t base = secname ? addr_of(addr_arg, secname) : 0;
		if (!name || !*name || *name == '.' || !base)
			continue;
		fn(arg, name, secname, sym.st_value, base + sym.st_value, nm_letter(&sym, &sh));
	}
}

/* ---- the session's units ---- */

static struct modobjs *units(kd_session *s)
{
	if (!s->modobjs)
		s->modobjs = xcalloc(1, sizeof(*s->modobjs));
	return s->modobjs;
}

void modobjs_add(kd_session *s, struct modobj *o)
{
	struct modobjs *u = units(s);
	o->id = ++u->next_id;
	o->active = true;
	VEC_PUSH(&u->all, o);
}

void modobjs_remove(kd_session *s, struct modobj *o)
{
	struct modobjs *u = units(s);
	o->active = false;
	if (o->ntypes)
		return; /* the model's types point into it: kept until the session ends */
	for (size_t i = 0; i < u->all.len; i++)
		if (u->all.items[i] == o) {
			memmove(&u->all.items[i], &u->all.items[i + 1], (u->all.len - i - 1) * sizeof(*u->all.items));
			u->all.len--;
			break;
		}
	modobj_free(o);
}

void modobjs_free(kd_session *s)
{
	struct modobjs *u = s->modobjs;
	if (!u)
		return;
	for (size_t i = 0; i < u->all.len; i++)
		modobj_free(u->all.items[i]);
	VEC_FREE(&u->all);
	free(u);
	s->modobjs = NULL;
}

struct modobj *modobjs_for_module(kd_session *s, const char *module)
{
	struct modobjs *u = s->modobjs;
	for (size_t i = 0; u && i < u->all.len; i++)
		if (u->all.items[i]->active && strcmp(u->all.items[i]->module, module) == 0)
			return u->all.items[i];
	return NULL;
}

struct modobj *modobjs_at(kd_session *s, uint64_t addr)
{
	struct modobjs *u = s->modobjs;
	for (size_t i = 0; u && i < u->all.len; i++) {
		struct modobj *o = u->all.items[i];
		for (size_t j = 0; o->active && j < o->ranges.len; j++)
			if (addr >= o->ranges.items[j].start && addr < o->ranges.items[j].end)
				return o;
	}
	return NULL;
}

struct modobj *modobjs_by_id(kd_session *s, uint32_t id)
{
	struct modobjs *u = s->modobjs;
	for (size_t i = 0; u && i < u->all.len; i++)
		if (u->all.items[i]->id == id)
			return u->all.items[i];
	return NULL;
}

struct modobj *modobjs_by_dwarf(kd_session *s, Dwarf *dw)
{
	struct modobjs *u = s->modobjs;
	for (size_t i = 0; u && i < u->all.len; i++)
		if (u->all.items[i]->dwarf == dw)
			return u->all.items[i];
	return NULL;
}

/* The file's named symbols of section shndx at or below raw, sorted as gdb sorts its minimal symbols. */
static void section_msyms(struct modobj *o, size_t shndx, uint64_t raw, struct ksym **out, size_t *n)
{
	VEC(struct ksym) v = {0};
	GElf_Shdr symsh;
	size_t count;
	Elf_Data *d = symtab_data(o, &symsh, &count);
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		const char *name;
		int type;
		if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx != shndx || sym.st_value > raw ||
		    (type = GELF_ST_TYPE(sym.st_info)) == STT_SECTION || type == STT_FILE ||
		    !(name = elf_strptr(o->elf, symsh.sh_link, sym.st_name)) || !*name)
			continue;
		VEC_PUSH(&v, ((struct ksym){.addr = sym.st_value, .size = sym.st_size, .name = name, .type = '?'}));
	}
	if (v.len)
		kd_qsort(v.items, v.len, sizeof(*v.items), symbols_cmp);
	*out = v.items;
	*n = v.len;
}

/* The active unit's allocated section holding addr (and its unit); NULL if none. */
static const struct modobj_range *section_at(kd_session *s, uint64_t addr, struct modobj **unit)
{
	struct modobjs *u = s->modobjs;
	for (size_t i = 0; u && i < u->all.len; i++) {
		struct modobj *o = u->all.items[i];
		for (size_t j = 0; o->active && j < o->sections.len; j++)
			if (addr >= o->sections.items[j].start && addr < o->sections.items[j].end) {
				*unit = o;
				return &o->sections.items[j];
			}
	}
	return NULL;
}

const char *modobjs_section_at(kd_session *s, uint64_t addr)
{
	struct modobj *o;
	const struct modobj_range *r = section_at(s, addr, &o);
	size_t shstrndx;
	GElf_Shdr sh;
	Elf_Scn *scn;
	if (!r || elf_getshdrstrndx(o->elf, &shstrndx) < 0 || !(scn = elf_getscn(o->elf, r->shndx)) || !gelf_getshdr(scn, &sh))
		return NULL;
	return elf_strptr(o->elf, shstrndx, sh.sh_name);
}

bool modobjs_symbolic(kd_session *s, uint64_t addr, const char **name, uint64_t *off)
{
	uint64_t size;
	return modobjs_msymbol(s, addr, name, off, &size);
}

bool modobjs_msymbol(kd_session *s, uint64_t addr, const char **name, uint64_t *off, uint64_t *size)
{
	struct modobj *o;
	const struct modobj_range *r = section_at(s, addr, &o);
	if (!r)
		return false;
	uint64_t raw = addr - r->start;
	struct ksym *v;
	size_t n;
	section_msyms(o, r->shndx, raw, &v, &n);
	const struct ksym *k = symbols_gdb_choice(v, n, raw, 0, UINT64_MAX, r->text);
	bool found = k != NULL;
	if (found) {
		*name = k->name;
		*off = raw - k->addr;
		*size = k->size;
	}
	free(v);
	return found;
}
