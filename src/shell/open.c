/* The session: created, opened (every layer brought up in order) and freed; the API functions that need the upper layers. */
#include "target/session.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "target/arch.h"
#include "lang/c_expr.h"
#include "debuginfo/dwarf_index.h"
#include "debuginfo/modobj.h"
#include "linux/kernel.h"
#include "debuginfo/symbols.h"
#include "linux/tasks.h"
#include "linux/modules.h"
#include "linux/mm.h"
#include "debuginfo/types.h"
#include "debuginfo/ctype.h"
#include "linux/unwind.h"
#include "shell/shell.h"

kd_session *session_new(void)
{
	kd_session *s = xcalloc(1, sizeof(*s));
	s->out = stdout;
	s->progname = "kdive";
	s->vmlinux_fd = -1;
	s->scroll = true;
	s->output_radix = 10;
	s->ki.panic_cpu = -1;
	strmap_init(&s->command_index);
	cexpr_set_registers(s, kd_context_regs); /* $rip in expressions: the unwinder's registers */
	elf_version(EV_CURRENT);
	return s;
}

void session_free(kd_session *s)
{
	if (!s)
		return;
	extensions_free(s); /* first: each module's fini may still use the session */
	aliases_free(s);
	tasks_free(s);
	modules_free(s);
	mm_free(s);
	unwind_free(s);
	cexpr_free(s);
	session_json_free(s);
	kernel_free(s);
	mem_free(s);
	dump_close(s->dump);
	if (s->dwarf)
		dwarf_end(s->dwarf);
	modobjs_free(s); /* after cexpr_free: values may hold its types */
	dwi_free(s->dwi);
	symtab_free(s->symtab);
	if (s->vmlinux_elf)
		elf_end(s->vmlinux_elf);
	if (s->vmlinux_fd >= 0)
		close(s->vmlinux_fd);
	free(s->vmlinux_path);
	VEC_FREE(&s->inputs);
	for (size_t i = 0; i < s->commands.len; i++)
		free(s->commands.items[i].owner);
	VEC_FREE(&s->commands);
	strmap_free(&s->command_index);
	free(s->ki.per_cpu_offset);
	free(s);
}

int kd_read(kd_session *s, uint64_t addr, enum kd_addr_space space, void *buf, size_t len)
{
	switch (space) {
	case KD_KVADDR: return kd_read_kv(s, addr, buf, len);
	case KD_PHYSADDR: return kd_read_phys(s, addr, buf, len);
	case KD_UVADDR: {
		uint64_t pgd;
		const struct task_info *t = kd_task_current(s);
		if (!t || kd_task_pgd(s, t->task, &pgd) < 0)
			return -1;
		return kd_read_uv(s, pgd, addr, buf, len);
	}
	}
	return kd_fail(s, "bad address space");
}

int kd_symbol_addr(kd_session *s, const char *name, uint64_t *addr)
{
	const struct ksym *k = kd_symbol_lookup(s, name);
	if (!k)
		return kd_fail(s, "no symbol \"%s\" in vmlinux", name);
	*addr = k->addr;
	return 0;
}

const char *kd_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset)
{
	const struct ksym *k = kd_symbol_containing(s, addr);
	if (k && offset)
		*offset = addr - k->addr;
	return k ? k->name : NULL;
}

const char *kd_symbol_string(kd_session *s, uint64_t addr, char *buf, size_t size)
{
	uint64_t off;
	const char *name = kd_symbol_at(s, addr, &off);
	if (!name)
		return NULL;
	if (off)
		snprintf(buf, size, kd_output_radix(s) == 16 ? "%s+0x%llx" : "%s+%llu", name, (unsigned long long)off);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

const struct kd_symbol *kd_symbol_lookup(kd_session *s, const char *name)
{
	const struct ksym *k = s->symtab ? symtab_lookup(s->symtab, name) : NULL;
	/* Then a loaded module's (the table is built on first use, once the kernel layer is up). */
	return k ? k : module_symbol_lookup(s, name);
}

const struct kd_symbol *kd_symbol_containing(kd_session *s, uint64_t addr)
{
	const struct ksym *k = s->symtab ? symtab_at(s->symtab, addr) : NULL;
	return k ? k : module_symbol_at(s, addr, NULL);
}

const char *kd_symbol_section(kd_session *s, uint64_t addr)
{
	const char *sec = s->symtab ? symtab_section_at(s->symtab, addr) : NULL;
	return sec ? sec : modobjs_section_at(s, addr); /* a module's, once its object file is loaded */
}

size_t kd_symbol_count(kd_session *s)
{
	return s->symtab ? s->symtab->nlisted : 0;
}

const struct kd_symbol *kd_symbol_index(kd_session *s, size_t i)
{
	return s->symtab && i < s->symtab->nlisted ? &s->symtab->listed[i] : NULL;
}

size_t kd_symbol_index_from(kd_session *s, uint64_t addr)
{
	size_t lo = 0, hi = kd_symbol_count(s);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->symtab->listed[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* mkdir -p: every missing directory of path, each 0755 (the user's umask applies). */
static void mkdir_parents(const char *path)
{
	char *p = xstrdup(path);
	for (char *c = p + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(p, 0755);
			*c = '/';
		}
	mkdir(p, 0755);
	free(p);
}

/* ${XDG_CACHE_HOME:-$HOME/.cache}/kdive/index/<build-id>.idx, creating the directory and its
 * parents (a fresh HOME has no ~/.cache: without it every start would be a cold one); NULL if
 * there is no home. */
static char *index_cache_path(const uint8_t *id, size_t len)
{
	const char *env = getenv("KDIVE_INDEX_CACHE");
	if (env && strcmp(env, "0") == 0)
		return NULL;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base = xdg && *xdg ? xasprintf("%s/kdive", xdg) : home ? xasprintf("%s/.cache/kdive", home) : NULL;
	if (!base)
		return NULL;
	char *dir = xasprintf("%s/index", base);
	mkdir_parents(dir);
	char hex[129];
	for (size_t i = 0; i < len && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	char *path = xasprintf("%s/%s.idx", dir, hex);
	free(base);
	free(dir);
	return path;
}

/* The DWARF index: from the cache file when it matches this vmlinux, else scanned and saved. */
static int load_index(kd_session *s, const char *path)
{
	const void *id = NULL;
	ssize_t idlen = dwelf_elf_gnu_build_id(s->vmlinux_elf, &id);
	char *cache = idlen > 0 ? index_cache_path(id, (size_t)idlen) : NULL;
	struct kd_err e = {0};
	if (cache) {
		s->dwi = dwi_load(cache, id, (size_t)idlen, dwi_info_size(s->vmlinux_elf), &e);
		if (s->dwi) {
			free(cache);
			return 0;
		}
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	s->dwi = dwi_build_fd(s->vmlinux_elf, s->vmlinux_fd, ncpu > 0 ? (int)MIN(ncpu, 16) : 1, &e);
	if (!s->dwi) {
		free(cache);
		return kd_fail(s, "%s: %s", path, e.msg);
	}
	if (cache)
		dwi_save(s->dwi, cache, id, (size_t)idlen, &e); /* a cache we cannot write only costs time */
	free(cache);
	return 0;
}

static int open_vmlinux(kd_session *s, const char *path)
{
	s->vmlinux_path = xstrdup(path);
	s->vmlinux_fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (s->vmlinux_fd < 0)
		return kd_fail(s, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(s->vmlinux_fd, &st) < 0 || !S_ISREG(st.st_mode))
		return kd_fail(s, "%s: not a regular file", path);
	session_note_input(s, path, "vmlinux");
	s->vmlinux_elf = elf_begin(s->vmlinux_fd, ELF_C_READ_MMAP, NULL);
	GElf_Ehdr eh;
	if (!s->vmlinux_elf || elf_kind(s->vmlinux_elf) != ELF_K_ELF || !gelf_getehdr(s->vmlinux_elf, &eh))
		return kd_fail(s, "%s: not an ELF file", path);
	if (eh.e_type != ET_EXEC)
		return kd_fail(s, "%s: not a kernel image (ELF type %u; is this the dump?)", path, eh.e_type);
	if (eh.e_machine != EM_X86_64)
		return kd_fail(s, "%s: kernel for machine %u; only x86_64 is supported", path, eh.e_machine);
	struct kd_err e = {0};
	s->symtab = symtab_load(s->vmlinux_elf, &e);
	if (!s->symtab)
		return kd_fail(s, "%s: %s", path, e.msg);
	if (load_index(s, path) < 0)
		return -1;
	s->dwarf = dwarf_begin_elf(s->vmlinux_elf, DWARF_C_READ, NULL);
	if (!s->dwarf)
		return kd_fail(s, "%s: DWARF: %s", path, dwarf_errmsg(-1));
	return 0;
}

int session_open(kd_session *s, const char *vmlinux, const char *dumpfile)
{
	if (open_vmlinux(s, vmlinux) < 0)
		return -1;
	struct kd_err e = {0};
	s->dump = dump_open(dumpfile, &e);
	if (!s->dump)
		return session_fail_from(s, &e);
	session_note_input(s, dumpfile, "dump file");
	s->ki.live = s->dump->is_live;
	if (s->dump->truncated) /* as crash warns of it, silent or not; what the file has stays readable */
		fprintf(stderr, "WARNING: %s: truncated or incomplete: %s\n", dumpfile, s->dump->truncated);
	if (mem_init(s) < 0)
		return -1;
	s->arch = &arch_x86_64;
	if (s->arch->init(s) < 0)
		return -1;
	return kernel_init(s);
}

int session_attach_vmcoreinfo(kd_session *s, struct dump *d)
{
	s->dump = d;
	if (!d->vmcoreinfo)
		return kd_fail(s, "%s: the dump has no VMCOREINFO: without a vmlinux nothing says where the kernel's "
			       "structures are or how they are laid out (give the vmlinux)", d->path ? d->path : "dump");
	size_t n;
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE", &n);
	if (rel)
		snprintf(s->ki.release, sizeof(s->ki.release), "%.*s", (int)MIN(n, sizeof(s->ki.release) - 1), rel);
	uint64_t off = 0;
	dump_vmcoreinfo_u64(d, "KERNELOFFSET", 16, &off);
	s->symtab = symtab_from_vmcoreinfo(d, off);
	ctype_use_vmcoreinfo(s);
	if (mem_init(s) < 0)
		return -1;
	s->arch = &arch_x86_64;
	return s->arch->init(s);
}

int session_open_vmcoreinfo(kd_session *s, const char *dumpfile)
{
	struct kd_err e = {0};
	struct dump *d = dump_open(dumpfile, &e);
	if (!d)
		return session_fail_from(s, &e);
	session_note_input(s, dumpfile, "dump file");
	return session_attach_vmcoreinfo(s, d);
}
