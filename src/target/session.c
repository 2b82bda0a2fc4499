/* The session's error and output, and reads of kernel memory: what every layer above the target uses. */
#include "target/session.h"

#include <string.h>
#include <sys/stat.h>

#include "target/arch.h"

void session_note_input(kd_session *s, const char *path, const char *what)
{
	struct stat st;
	if (!path || stat(path, &st) < 0)
		return;
	if (session_input_what(s, st.st_dev, st.st_ino))
		return;
	struct session_input in = {st.st_dev, st.st_ino, what};
	VEC_PUSH(&s->inputs, in);
}

const char *session_input_what(const kd_session *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->inputs.len; i++)
		if (s->inputs.items[i].dev == dev && s->inputs.items[i].ino == ino)
			return s->inputs.items[i].what;
	return NULL;
}

int session_fail_from(kd_session *s, const struct kd_err *e)
{
	if (e != &s->err)
		s->err = *e;
	return -1;
}

int kd_error(kd_session *s, enum kd_errcode code, uint64_t addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[sizeof(s->err.msg)];
	vsnprintf(tmp, sizeof(tmp), fmt, ap); /* fmt may quote s->err.msg itself */
	va_end(ap);
	kd_err_set(&s->err, code, "%s", tmp);
	s->err.addr = addr;
	return -1;
}

int kd_fail(kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[sizeof(s->err.msg)];
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	kd_err_set(&s->err, KD_EFAIL, "%s", tmp);
	s->err.addr = 0;
	return -1;
}

int kd_fail_prefix(kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[sizeof(s->err.msg)];
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (s->err.code == KD_OK)
		s->err.code = KD_EFAIL;
	if (!s->err.msg[0])
		return kd_err_set(&s->err, s->err.code, "%s", tmp);
	kd_err_prefix(&s->err, tmp);
	return -1;
}

int kd_usage(kd_session *s)
{
	kd_err_clear(&s->err);
	s->err.code = KD_EUSAGE;
	return -1;
}

enum kd_errcode kd_last_code(const kd_session *s)
{
	return s->err.code;
}

uint64_t kd_last_addr(const kd_session *s)
{
	return s->err.addr;
}

void kd_clear_error(kd_session *s)
{
	kd_err_clear(&s->err);
}

const char *kd_last_error(const kd_session *s)
{
	return s->err.msg;
}

FILE *kd_out(kd_session *s)
{
	return s->out;
}

volatile sig_atomic_t session_sigint;

bool kd_interrupted(const kd_session *s)
{
	(void)s;
	return session_sigint != 0;
}

int session_interrupted(kd_session *s)
{
	kd_err_clear(&s->err);
	s->err.code = KD_EINTR;
	return -1;
}

bool kd_out_elsewhere(const kd_session *s)
{
	return s->out_elsewhere;
}

int kd_printf(kd_session *s, const char *fmt, ...)
{
	if (session_sigint)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(s->out, fmt, ap);
	va_end(ap);
	return n;
}

void kd_info(kd_session *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(s->out, "%s\n", line);
	if (s->out_elsewhere) {
		fflush(stdout);
		fprintf(stderr, "%s\n", line);
	}
}

int kd_read_u64(kd_session *s, uint64_t kvaddr, uint64_t *val)
{
	return kd_read_kv(s, kvaddr, val, 8);
}

int kd_read_u32(kd_session *s, uint64_t kvaddr, uint32_t *val)
{
	return kd_read_kv(s, kvaddr, val, 4);
}

int kd_read_string(kd_session *s, uint64_t kvaddr, char *buf, size_t size)
{
	if (!size)
		return 0;
	size_t got = 0;
	while (got + 1 < size) {
		/* page by page: a string that runs into an unreadable page keeps what came before */
		uint64_t pg = mem_page_size(s);
		size_t chunk = MIN(size - 1 - got, pg - ((kvaddr + got) & (pg - 1)));
		if (kd_read_kv(s, kvaddr + got, buf + got, chunk) < 0) {
			if (got) /* a string that ends at an unreadable page is still a string */
				break;
			return -1;
		}
		char *nul = memchr(buf + got, 0, chunk);
		if (nul)
			return 0;
		got += chunk;
	}
	buf[got] = '\0';
	return 0;
}


const struct kd_target_info *kd_target(kd_session *s)
{
	struct kd_target_info *v = &s->target_view;
	*v = (struct kd_target_info){
		.vmlinux_path = s->vmlinux_path,
		.page_offset = s->ki.page_offset,
		.kaslr_offset = s->ki.kaslr_offset,
		.phys_base = s->ki.phys_base,
		.vmalloc_start = s->ki.vmalloc_start,
		.vmemmap_start = s->ki.vmemmap_start,
		.release = s->ki.release,
		.nr_cpus = s->ki.nr_cpus,
		.per_cpu_offset = s->ki.per_cpu_offset,
		.panic_cpu = s->ki.panic_cpu,
		.live = s->ki.live,
		.arch = s->arch ? s->arch->name : NULL,
		.page_size = mem_page_size(s),
	};
	if (s->dump) {
		v->dump_path = s->dump->path;
		v->dump_format = s->dump->format;
		v->dump_level = s->dump->dump_level;
		if (s->dump->page_size) /* else the arch's base page */
			v->page_size = s->dump->page_size;
		v->max_pfn = s->dump->max_pfn;
		v->truncated = s->dump->truncated;
	}
	return v;
}

bool kd_is_kvaddr(kd_session *s, uint64_t addr)
{
	return s->arch && s->arch->is_kvaddr(s, addr);
}

int kd_vtop(kd_session *s, uint64_t pgd, uint64_t vaddr, uint64_t *paddr, uint64_t *page_size)
{
	if (!s->arch || !s->dump)
		return kd_fail(s, "no dump is open");
	uint64_t psz;
	return s->arch->vtop(s, pgd, vaddr, paddr, page_size ? page_size : &psz);
}

const char *kd_vmcoreinfo(kd_session *s, const char *key, size_t *len)
{
	return s->dump ? dump_vmcoreinfo(s->dump, key, len) : NULL;
}

bool kd_option_get(kd_session *s, const char *name, long *value)
{
	if (strcmp(name, "scroll") == 0)
		*value = s->scroll;
	else if (strcmp(name, "silent") == 0)
		*value = s->silent;
	else if (strcmp(name, "echo") == 0)
		*value = s->echo;
	else if (strcmp(name, "json") == 0)
		*value = s->json_mode;
	else if (strcmp(name, "radix") == 0)
		*value = s->output_radix;
	else if (strcmp(name, "gdb_x_format") == 0)
		*value = s->gdb_x_format;
	else if (strcmp(name, "gdb_x_size") == 0)
		*value = s->gdb_x_size;
	else if (strcmp(name, "dis_bug_bytes") == 0)
		*value = s->dis_bug_bytes;
	else
		return false;
	return true;
}

int kd_option_set(kd_session *s, const char *name, long value)
{
	if (strcmp(name, "scroll") == 0)
		s->scroll = value != 0;
	else if (strcmp(name, "silent") == 0)
		s->silent = value != 0;
	else if (strcmp(name, "echo") == 0)
		s->echo = value != 0;
	else if (strcmp(name, "json") == 0)
		s->json_mode = value != 0;
	else if (strcmp(name, "radix") == 0 && (value == 10 || value == 16))
		s->output_radix = (int)value;
	else if (strcmp(name, "gdb_x_format") == 0 && value >= 0 && value < 128)
		s->gdb_x_format = (int)value;
	else if (strcmp(name, "gdb_x_size") == 0 && (value == 1 || value == 2 || value == 4 || value == 8))
		s->gdb_x_size = (int)value;
	else if (strcmp(name, "dis_bug_bytes") == 0 && value >= 0 && value <= 64)
		s->dis_bug_bytes = (int)value;
	else
		return kd_fail(s, "invalid option %s=%ld", name, value);
	return 0;
}

int kd_output_radix(kd_session *s)
{
	return s->output_radix;
}

uint64_t kd_context_task(kd_session *s)
{
	return s->cur_task;
}

void kd_set_context_task(kd_session *s, uint64_t task)
{
	s->cur_task = task;
}

int kd_disasm_one(kd_session *s, uint64_t addr, const uint8_t *bytes, size_t len, kd_disasm_symbolizer sym, void *arg,
		  struct kd_insn *out)
{
	if (!s->arch || !s->arch->disasm)
		return kd_error(s, KD_EUNSUPP, addr, "no disassembler for this architecture");
	return s->arch->disasm(s, addr, bytes, len, sym, arg, out);
}
