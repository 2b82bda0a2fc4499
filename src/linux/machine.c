/* The machine: what crash's mach shows, read by member name (utsname, cpu_khz, pv_info, the
 * online mask, e820_table), with the address-space layout from the architecture. */
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "target/arch.h"

#include <kdive/machine.h>
#include <kdive/memory.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/tasks.h>
#include <kdive/timer.h>
#include <kdive/types.h>
#include <kdive/unwind.h>
#include <kdive/util.h>

#define E820_MAX 4096 /* E820_MAX_ENTRIES is 128 + 3 * MAX_NUMNODES */

int kd_cpus_offline(kd_session *s)
{
	uint64_t addr;
	int offline = 0;
	const struct kd_symbol *k = kd_symbol_lookup(s, "__cpu_online_mask");
	if (!k)
		k = kd_symbol_lookup(s, "cpu_online_mask");
	if (!k)
		return 0;
	addr = k->addr;
	for (int cpu = 0; cpu < kd_target(s)->nr_cpus; cpu++) {
		uint64_t word;
		if (kd_read_kv(s, addr + (uint64_t)(cpu / 64) * 8, &word, 8) < 0) {
			kd_clear_error(s);
			return 0;
		}
		if (!((word >> (cpu % 64)) & 1))
			offline++;
	}
	return offline;
}

static void read_string_at_ptr(kd_session *s, uint64_t ptr_addr, char *buf, size_t size)
{
	uint64_t p;
	buf[0] = '\0';
	if (kd_read_u64(s, ptr_addr, &p) < 0 || !p || kd_read_string(s, p, buf, size) < 0)
		buf[0] = '\0';
	kd_clear_error(s);
}

int kd_machine_info(kd_session *s, struct kd_machine_info *out)
{
	memset(out, 0, sizeof(*out));
	const struct kd_target_info *ti = kd_target(s);
	if (!s->kernel_ready)
		return kd_fail(s, "no kernel to describe");
	const struct kd_symbol *k = kd_symbol_lookup(s, "init_uts_ns");
	uint64_t off, v = 0;
	if (k && kd_member_offset(s, "uts_namespace", "name.machine", &off) == 0)
		kd_read_string(s, k->addr + off, out->machine, sizeof(out->machine));
	kd_clear_error(s);
	out->memory = kd_total_pages(s) * ti->page_size;
	kd_clear_error(s);
	out->cpus = ti->nr_cpus;
	out->offline = kd_cpus_offline(s);
	if ((k = kd_symbol_lookup(s, "pv_info")) && kd_member_offset(s, "pv_info", "name", &off) == 0)
		read_string_at_ptr(s, k->addr + off, out->hypervisor, sizeof(out->hypervisor));
	kd_clear_error(s);
	if ((k = kd_symbol_lookup(s, "cpu_khz")) && kd_read_int(s, k->addr, 4, &v) == 0)
		out->mhz = v / 1000;
	kd_clear_error(s);
	out->hz = kd_kernel_hz(s);
	out->page_size = ti->page_size;
	out->kernel_virtual_base = ti->page_offset;
	out->vmalloc_base = ti->vmalloc_start;
	out->vmemmap_base = ti->vmemmap_start;
	if (s->arch && s->arch->kernel_map)
		s->arch->kernel_map(s, &out->kernel_start_map, &out->modules_base);
	out->stack_size = kd_unwind_thread_size(s);
	return 0;
}

long kd_e820_table(kd_session *s, struct kd_e820_entry **out)
{
	*out = NULL;
	uint64_t table;
	const struct kd_symbol *k;
	const char *type;
	if ((k = kd_symbol_lookup(s, "e820_table"))) { /* 4.12+: a pointer to the table */
		type = "e820_table";
		if (kd_read_u64(s, k->addr, &table) < 0)
			return kd_fail_prefix(s, "e820_table");
	} else if ((k = kd_symbol_lookup(s, "e820"))) {
		type = "e820map";
		table = k->addr;
		const kd_type *t = kd_var_type(s, "e820");
		kd_clear_error(s);
		if (t && kd_type_kind(kd_type_resolve(s, t)) == KD_TYPE_POINTER && kd_read_u64(s, k->addr, &table) < 0)
			return kd_fail_prefix(s, "e820");
	} else
		return kd_error(s, KD_ENOTFOUND, 0, "neither e820 or e820_table symbols exist");
	struct kd_member_info nr, entries;
	uint64_t esize, a_off, s_off, t_off;
	bool modern = strcmp(type, "e820_table") == 0;
	if (kd_member_info(s, type, modern ? "nr_entries" : "nr_map", &nr) < 0 ||
	    kd_member_info(s, type, modern ? "entries" : "map", &entries) < 0 ||
	    kd_type_size(s, modern ? "e820_entry" : "e820entry", &esize) < 0 ||
	    kd_member_offset(s, modern ? "e820_entry" : "e820entry", "addr", &a_off) < 0 ||
	    kd_member_offset(s, modern ? "e820_entry" : "e820entry", "size", &s_off) < 0 ||
	    kd_member_offset(s, modern ? "e820_entry" : "e820entry", "type", &t_off) < 0)
		return -1;
	uint64_t n;
	if (kd_read_int(s, table + nr.offset, (unsigned)(nr.size <= 8 ? nr.size : 4), &n) < 0)
		return kd_fail_prefix(s, "%s at %llx", type, (unsigned long long)table);
	uint64_t cap = esize ? entries.size / esize : 0;
	if (cap > E820_MAX)
		cap = E820_MAX;
	if (n > cap)
		return kd_error(s, KD_EFORMAT, table, "%s at %llx: %llu entries, more than its %llu slots: corrupt", type,
				(unsigned long long)table, (unsigned long long)n, (unsigned long long)cap);
	if (!n)
		return 0;
	uint8_t *buf = kd_xmalloc(n * esize);
	if (kd_read_kv(s, table + entries.offset, buf, n * esize) < 0) {
		free(buf);
		return kd_fail_prefix(s, "%s at %llx", type, (unsigned long long)table);
	}
	struct kd_e820_entry *e = kd_xcalloc(n, sizeof(*e));
	for (uint64_t i = 0; i < n; i++) {
		memcpy(&e[i].addr, buf + i * esize + a_off, 8);
		memcpy(&e[i].size, buf + i * esize + s_off, 8);
		memcpy(&e[i].type, buf + i * esize + t_off, 4);
	}
	free(buf);
	*out = e;
	return (long)n;
}
