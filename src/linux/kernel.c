#include "linux/kernel.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "target/arch.h"
#include "debuginfo/symbols.h"
#include "debuginfo/types.h"
#include "linux/walk.h"

#include <kdive/timer.h>

int kd_read_int(kd_session *s, uint64_t addr, unsigned size, uint64_t *val)
{
	uint8_t b[8] = {0};
	if (size == 0 || size > 8)
		return kd_fail(s, "bad integer size %u", size);
	if (kd_read_kv(s, addr, b, size) < 0)
		return -1;
	uint64_t v = 0;
	memcpy(&v, b, size); /* little-endian */
	*val = v;
	return 0;
}

int kd_read_member(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val)
{
	struct kd_member_info m;
	if (kd_member_info(s, type, member, &m) < 0) /* remembered by the type model: commands call this per task */
		return -1;
	if (m.size > 8)
		return kd_fail(s, "%s.%s is not an integer (%llu bytes)", type, member, (unsigned long long)m.size);
	return kd_read_int(s, base + m.offset, (unsigned)m.size, val);
}

int kd_read_member_ptr(kd_session *s, uint64_t base, const char *type, const char *member, uint64_t *val)
{
	uint64_t off;
	if (kd_member_offset(s, type, member, &off) < 0)
		return -1;
	return kd_read_kv(s, base + off, val, 8);
}

int kd_per_cpu_addr(kd_session *s, const char *name, int cpu, uint64_t *addr)
{
	uint64_t base;
	if (kd_symbol_addr(s, name, &base) < 0)
		return -1;
	if (cpu < 0 || cpu >= s->ki.nr_cpus)
		return kd_fail(s, "invalid cpu %d (the dump has %d)", cpu, s->ki.nr_cpus);
	*addr = base + s->ki.per_cpu_offset[cpu];
	return 0;
}

int kd_cpu_rq_clock(kd_session *s, int cpu, uint64_t *clock)
{
	uint64_t rq;
	*clock = 0;
	if (kd_per_cpu_addr(s, "runqueues", cpu, &rq) < 0 || kd_read_member(s, rq, "rq", "clock", clock) < 0)
		return kd_fail_prefix(s, "the run queue clock of cpu %d", cpu);
	return 0;
}

int64_t kd_kernel_crash_time(kd_session *s)
{
	uint64_t v, addr;
	if (s->dump && dump_vmcoreinfo_u64(s->dump, "CRASHTIME", 10, &v))
		return (int64_t)v;
	if (s->dump && s->dump->hdr_timestamp)
		return s->dump->hdr_timestamp;
	/* tk_core is a variable of an anonymous struct type: the member is found in its own type. */
	const kd_type *tk = kd_symbol_addr(s, "tk_core", &addr) == 0 ? kd_var_type(s, "tk_core") : NULL;
	struct kd_member_info m;
	if (tk && kd_type_member(s, tk, "timekeeper.xtime_sec", &m) == 0 && kd_read_int(s, addr + m.offset, 8, &v) == 0)
		return (int64_t)v;
	kd_err_clear(&s->err);
	return 0;
}

uint64_t kd_kernel_uptime(kd_session *s)
{
	uint64_t j = 0;
	if (kd_uptime_jiffies(s, &j) < 0) {
		kd_err_clear(&s->err);
		return 0;
	}
	return j / (uint64_t)kd_kernel_hz(s);
}

int vmlinux_banner(kd_session *s, char *buf, size_t size)
{
	const struct ksym *k = symtab_lookup(s->symtab, "linux_banner");
	if (!k)
		return kd_fail(s, "vmlinux has no linux_banner");
	uint64_t link_addr = k->addr - s->symtab->offset;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(s->vmlinux_elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (link_addr < sh.sh_addr || link_addr - sh.sh_addr >= sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || link_addr - sh.sh_addr >= d->d_size)
			break;
		size_t in = link_addr - sh.sh_addr, n = MIN(size - 1, d->d_size - in);
		memcpy(buf, (const char *)d->d_buf + in, n);
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		return 0;
	}
	return kd_fail(s, "vmlinux: cannot read linux_banner");
}

/* Refuse a vmlinux that is not the dumped kernel, naming both versions. */
static int check_match(kd_session *s)
{
	char want[512], have[512];
	if (vmlinux_banner(s, want, sizeof(want)) < 0)
		return -1;
	uint64_t addr;
	if (kd_symbol_addr(s, "linux_banner", &addr) < 0)
		return -1;
	if (kd_read_string(s, addr, have, sizeof(have)) < 0 || strncmp(want, have, strlen(want)) != 0) {
		size_t rl;
		const char *rel = s->dump ? dump_vmcoreinfo(s->dump, "OSRELEASE", &rl) : NULL;
		/* "Linux version REL (...": the same release on both sides is no mismatch of files, but
		 * a dump whose memory is damaged, or laid out otherwise than its headers say */
		static const char pfx[] = "Linux version ";
		if (rel && strncmp(want, pfx, sizeof(pfx) - 1) == 0 && strlen(want) > sizeof(pfx) - 1 + rl &&
		    memcmp(want + sizeof(pfx) - 1, rel, rl) == 0 && want[sizeof(pfx) - 1 + rl] == ' ') {
			if (have[0] == '\0' && s->err.msg[0] && s->dump->truncated)
				return kd_error(s, KD_EFORMAT, addr,
						"the dump is truncated, and the kernel's own memory (its linux_banner at %llx) is in "
						"the part that is missing: %s", (unsigned long long)addr, s->err.msg);
			if (have[0] == '\0' && s->err.msg[0])
				return kd_error(s, KD_EFORMAT, addr,
						"the dump is of release %.*s as the vmlinux, but its linux_banner at %llx is unreadable (%s): "
						"the dump is damaged, or its memory is not where its headers say",
						(int)rl, rel, (unsigned long long)addr, s->err.msg);
			have[strcspn(have, "\n")] = '\0';
			for (char *c = have; *c; c++) /* bytes of a damaged page: none reaches the terminal raw */
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					*c = '.';
			return kd_error(s, KD_EFORMAT, addr,
					"the dump is of release %.*s as the vmlinux, but its linux_banner at %llx reads \"%.60s\": "
					"the dump is damaged, or its memory is not where its headers say",
					(int)rl, rel, (unsigned long long)addr, have);
		}
		if (rel)
			return kd_fail(s, "vmlinux and dump do not match: vmlinux is \"%s\", the dump is of release %.*s", want, (int)rl, rel);
		if (s->err.msg[0] && have[0] == '\0')
			return kd_fail(s, "vmlinux and dump do not match: vmlinux is \"%s\", and its banner is unreadable in the dump (%s)",
				       want, s->err.msg);
		have[strcspn(have, "\n")] = '\0';
		return kd_fail(s, "vmlinux and dump do not match: vmlinux is \"%s\", the dump has \"%.200s\"", want, have);
	}
	return 0;
}

static int read_uts_release(kd_session *s)
{
	uint64_t base, off;
	if (kd_symbol_addr(s, "init_uts_ns", &base) < 0 ||
	    kd_member_offset(s, "uts_namespace", "name.release", &off) < 0)
		return -1;
	return kd_read_string(s, base + off, s->ki.release, sizeof(s->ki.release));
}

static int read_cpus(kd_session *s)
{
	uint64_t addr, nr = 1;
	if (kd_symbol_addr(s, "nr_cpu_ids", &addr) == 0)
		kd_read_int(s, addr, 4, &nr);
	if (nr == 0 || nr > 8192)
		return kd_fail(s, "nr_cpu_ids is %llu: corrupt dump?", (unsigned long long)nr);
	s->ki.nr_cpus = (int)nr;
	s->ki.per_cpu_offset = xcalloc(nr, sizeof(uint64_t));
	if (kd_symbol_addr(s, "__per_cpu_offset", &addr) < 0)
		return -1;
	if (kd_read_kv(s, addr, s->ki.per_cpu_offset, nr * 8) < 0)
		return -1;
	uint64_t pc;
	s->ki.panic_cpu = -1;
	if (kd_symbol_addr(s, "panic_cpu", &addr) == 0 && kd_read_int(s, addr, 4, &pc) == 0 && (int32_t)pc >= 0 && (int32_t)pc < (int)nr)
		s->ki.panic_cpu = (int)(int32_t)pc;
	kd_err_clear(&s->err);
	return 0;
}

int kernel_init(kd_session *s)
{
	if (check_match(s) < 0 || read_uts_release(s) < 0 || read_cpus(s) < 0)
		return -1;
	s->kernel_ready = true;
	return 0;
}

void kernel_free(kd_session *s)
{
	(void)s;
}

void kd_task_list_free(struct task_list *l)
{
	free(l->tasks);
	l->tasks = NULL;
	l->len = 0;
}

struct collect {
	struct task_list *out;
	size_t cap;
	struct u64map *seen;
	char broken[256]; /* why a walk broke, "" if none did */
	uint64_t pid_tasks_off, pid_links_off;
};

static void push_task(struct collect *c, uint64_t task)
{
	if (u64map_has(c->seen, task))
		return;
	u64map_put(c->seen, task, NULL);
	if (c->out->len == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->out->tasks = xrealloc(c->out->tasks, c->cap * sizeof(uint64_t));
	}
	c->out->tasks[c->out->len++] = task;
}

/* A walk repaired by going backwards leaves why it broke in the session: keep the first reason. */
static void note_break(kd_session *s, struct collect *c)
{
	if (s->err.code != KD_OK && !c->broken[0])
		snprintf(c->broken, sizeof(c->broken), "%s", kd_last_error(s));
	kd_err_clear(&s->err);
}

static int on_thread(kd_session *s, uint64_t task, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	(void)pos;
	push_task(arg, task);
	return 0;
}

static int on_process(kd_session *s, uint64_t task, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct collect *c = arg;
	push_task(c, task);
	kd_walk_threads(s, task, on_thread, c); /* a dead task's thread list may be gone: keep the process */
	note_break(s, c);
	return 0;
}

/* A struct pid from the IDR: the task it names (pid->tasks[PIDTYPE_PID]), if any. */
static int on_pid(kd_session *s, uint64_t pid, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct collect *c = arg;
	uint64_t first = 0;
	if (kd_read_kv(s, pid + c->pid_tasks_off, &first, 8) == 0 && first)
		push_task(c, first - c->pid_links_off);
	kd_err_clear(&s->err);
	return 0; /* an unreadable pid loses only its own task */
}

/* Every task with a PID in the initial namespace (init_pid_ns.idr), added to what the lists gave. */
static void tasks_from_pids(kd_session *s, struct collect *c)
{
	uint64_t ns, idr_off = kd_member_offset_opt(s, "pid_namespace", "idr");
	c->pid_tasks_off = kd_member_offset_opt(s, "pid", "tasks");     /* tasks[PIDTYPE_PID].first */
	c->pid_links_off = kd_member_offset_opt(s, "task_struct", "pid_links"); /* pid_links[PIDTYPE_PID] */
	if (kd_symbol_addr(s, "init_pid_ns", &ns) == 0 && idr_off != UINT64_MAX && c->pid_tasks_off != UINT64_MAX &&
	    c->pid_links_off != UINT64_MAX)
		kd_walk_idr(s, ns + idr_off, on_pid, c);
	kd_err_clear(&s->err);
}

/* The idle task of each CPU but the first (init_task), from its runqueue. */
static int on_runqueue(kd_session *s, uint64_t rq, const struct kd_walk_pos *pos, void *arg)
{
	struct collect *c = arg;
	uint64_t idle_off = kd_member_offset_opt(s, "rq", "idle"), idle;
	if (pos->index == 0 || idle_off == UINT64_MAX)
		return 0;
	if (kd_read_kv(s, rq + idle_off, &idle, 8) == 0 && idle)
		push_task(c, idle);
	kd_err_clear(&s->err);
	return 0;
}

int kd_tasks_collect(kd_session *s, struct task_list *out)
{
	struct u64map seen;
	u64map_init(&seen);
	struct collect c = {.out = out, .seen = &seen};
	out->tasks = NULL;
	out->len = 0;
	out->broken[0] = '\0';
	uint64_t init_task, tasks_off, rq;
	long rc = -1;
	if (kd_symbol_addr(s, "init_task", &init_task) < 0 ||
	    kd_member_offset(s, "task_struct", "tasks", &tasks_off) < 0)
		goto out;
	/* Idle tasks first, one per CPU, from the runqueues (init_task is CPU 0's). */
	push_task(&c, init_task);
	if (kd_symbol_addr(s, "runqueues", &rq) == 0)
		kd_walk_percpu(s, rq, on_runqueue, &c);
	kd_err_clear(&s->err);
	/* Processes on init_task.tasks, walked from both ends if it is damaged, and their threads. */
	rc = kd_walk_list(s, init_task + tasks_off, tasks_off, KD_WALK_BOTH, on_process, &c);
	if (rc < 0 && s->err.addr == init_task + tasks_off)
		goto out; /* not even the list's head could be read */
	note_break(s, &c);
	rc = 0;
	if (c.broken[0]) {
		snprintf(out->broken, sizeof(out->broken), "%s", c.broken);
		/* A damaged list hides the tasks between two breaks: the PID allocator knows them too. */
		tasks_from_pids(s, &c);
	}
out:
	u64map_free(&seen);
	if (rc < 0)
		kd_task_list_free(out);
	return rc < 0 ? -1 : 0;
}

int kd_task_pgd(kd_session *s, uint64_t task, uint64_t *pgd)
{
	uint64_t mm, pgd_va, paddr;
	if (!task)
		return kd_fail(s, "no current task context");
	if (kd_read_member_ptr(s, task, "task_struct", "mm", &mm) < 0)
		return -1;
	if (!mm)
		return kd_fail(s, "task %llx is a kernel thread: it has no user address space", (unsigned long long)task);
	if (kd_read_member_ptr(s, mm, "mm_struct", "pgd", &pgd_va) < 0 || kd_kvtop(s, pgd_va, &paddr) < 0)
		return -1;
	*pgd = paddr;
	return 0;
}

/* crash's dtoi on one number of a CPU list */
static int cpu_number(kd_session *s, const char *text, int *out)
{
	long v = 0;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return kd_error(s, KD_EINVAL, 0, "%s: \"%c\" is not a digit 0 - 9", text, *c);
		if (v < 1000000)
			v = v * 10 + (*c - '0');
	}
	*out = (int)v;
	return 0;
}

int kd_parse_cpuspec(kd_session *s, const char *spec, bool *cpus, int nr_cpus)
{
	memset(cpus, 0, (size_t)(nr_cpus > 0 ? nr_cpus : 0) * sizeof(*cpus));
	char *copy = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		int start = -1, end = -1;
		if (strcmp(tok, "a") == 0 || strcmp(tok, "all") == 0) {
			start = 0;
			end = nr_cpus - 1;
		} else {
			char *dsave = NULL, *a = strtok_r(tok, "-", &dsave), *b = a ? strtok_r(NULL, "-", &dsave) : NULL;
			if (a && cpu_number(s, a, &start) < 0)
				rc = -1;
			else if (b && cpu_number(s, b, &end) < 0)
				rc = -1;
			if (end == -1)
				end = start;
		}
		if (rc == 0 && (start < 0 || start >= nr_cpus || end < 0 || end >= nr_cpus))
			rc = kd_error(s, KD_EINVAL, 0, "invalid cpu specification: %s", spec);
		for (int i = start; rc == 0 && i <= end; i++)
			cpus[i] = true;
	}
	free(copy);
	return rc;
}

#define IKCFG_MAGIC_START "IKCFG_ST"
#define IKCFG_MAGIC_END "IKCFG_ED"
#define IKCFG_MAX (1u << 20)      /* compressed; a kernel's .config is some 60 KiB gzipped */
#define IKCFG_TEXT_MAX (16u << 20) /* uncompressed */

int kd_kernel_config(kd_session *s, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	const struct ksym *k = s->symtab ? symtab_lookup(s->symtab, "kernel_config_data") : NULL;
	if (!k)
		return kd_error(s, KD_ENOTFOUND, 0, "kernel_config_data does not exist in this kernel");
	/* The magic before the data (5.0+: kernel_config_data is the gzip stream) or at its start. */
	uint64_t start = k->addr;
	char magic[8];
	if (kd_read_kv(s, start, magic, sizeof(magic)) == 0 && memcmp(magic, IKCFG_MAGIC_START, 8) == 0)
		start += 8;
	else if (kd_read_kv(s, k->addr - 8, magic, sizeof(magic)) < 0 || memcmp(magic, IKCFG_MAGIC_START, 8) != 0)
		return kd_error(s, KD_EFORMAT, k->addr, "could not find MAGIC_START!");
	kd_clear_error(s);
	/* Its end: kernel_config_data_end where the kernel has it, else the end magic. */
	const struct ksym *e = symtab_lookup(s->symtab, "kernel_config_data_end");
	uint64_t size = e && e->addr > start && e->addr - start <= IKCFG_MAX ? e->addr - start : IKCFG_MAX;
	unsigned char *in = xmalloc(size);
	uint64_t got = 0;
	while (got < size) { /* read what is readable: the data may end before a page that is not */
		uint64_t chunk = MIN(size - got, 4096 - ((start + got) & 4095));
		if (kd_read_kv(s, start + got, in + got, chunk) < 0) {
			kd_clear_error(s);
			break;
		}
		got += chunk;
	}
	size_t n = got;
	if (!e || size == IKCFG_MAX) {
		n = 0;
		for (uint64_t i = 0; i + 8 <= got; i++)
			if (memcmp(in + i, IKCFG_MAGIC_END, 8) == 0) {
				n = i;
				break;
			}
		if (!n) {
			free(in);
			return kd_error(s, KD_EFORMAT, start, "could not find MAGIC_END!");
		}
	}
	z_stream z = {0};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) { /* a gzip stream */
		free(in);
		return kd_fail(s, "IKCONFIG: zlib cannot initialize");
	}
	size_t cap = 256 * 1024, out_len = 0;
	char *out = xmalloc(cap + 1);
	z.next_in = in;
	z.avail_in = (uInt)n;
	int rc;
	do {
		if (out_len == cap) {
			if (cap >= IKCFG_TEXT_MAX)
				break;
			cap *= 2;
			out = xrealloc(out, cap + 1);
		}
		z.next_out = (Bytef *)out + out_len;
		z.avail_out = (uInt)(cap - out_len);
		rc = inflate(&z, Z_NO_FLUSH);
		out_len = cap - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	free(in);
	if (rc != Z_STREAM_END) {
		free(out);
		return kd_error(s, KD_EFORMAT, start, "IKCONFIG: cannot uncompress kernel_config_data (zlib: %s)",
				rc == Z_OK ? "too large" : zError(rc));
	}
	out[out_len] = '\0';
	*text = out;
	*len = out_len;
	return 0;
}

bool kernel_array_var(kd_session *s, const char *sym, uint64_t *addr, uint64_t *len)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, sym);
	if (!k || !kd_name_exists(s, KD_NAME_VARIABLE, sym))
		return false;
	const kd_type *t = kd_var_type(s, sym);
	t = t ? kd_type_resolve(s, t) : NULL;
	if (!t || kd_type_kind(t) != KD_TYPE_ARRAY)
		return false;
	const kd_type *el = kd_type_target(t);
	uint64_t esz = el ? kd_type_sizeof(s, el) : 0;
	*addr = k->addr;
	*len = esz ? kd_type_sizeof(s, t) / esz : 0;
	return *len > 0;
}
