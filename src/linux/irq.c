/*
 * Interrupts: the IRQ descriptors (irq_desc[], the irq_desc_tree radix tree / XArray, or the
 * sparse_irqs maple tree), their actions, counts and affinity; softirq_vec[]; the IDT.
 * Everything by member name, every walk bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "linux/kernel.h"
#include "target/arch.h"
#include "target/session.h"

#include <kdive/irq.h>
#include <kdive/linux.h>
#include <kdive/memory.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/util.h>
#include <kdive/walk.h>

#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))
#define MAX_ACTIONS 1024 /* shared IRQs chain a handful of actions */

struct collect {
	struct kd_irq_list *l;
	uint64_t irq_off; /* irq_desc.irq_data.irq */
	bool maple;
};

static int collect_desc(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct collect *c = arg;
	if (!entry)
		return 0;
	uint64_t irq = pos->index;
	if (c->maple) {
		/* crash numbers the maple tree's descriptors by their own irq_data.irq */
		uint32_t v;
		if (kd_read_u32(s, entry + c->irq_off, &v) < 0)
			return kd_fail_prefix(s, "irq_desc %llx", (unsigned long long)entry);
		irq = v;
	}
	if (irq < (uint64_t)c->l->nr)
		c->l->desc[irq] = entry;
	return 0;
}

int kd_irq_list(kd_session *s, struct kd_irq_list *out)
{
	memset(out, 0, sizeof(*out));
	const struct kd_symbol *arr = kd_symbol_lookup(s, "irq_desc");
	const struct kd_symbol *tree = kd_symbol_lookup(s, "sparse_irqs");
	const struct kd_symbol *radix = tree ? NULL : kd_symbol_lookup(s, "irq_desc_tree");
	const struct kd_symbol *nr = kd_symbol_lookup(s, "nr_irqs");
	uint64_t count = 224; /* crash's NR_IRQS "at least" */
	uint64_t arr_addr;
	if (arr && !kernel_array_var(s, "irq_desc", &arr_addr, &count))
		count = 0;
	else if (nr) {
		uint32_t v;
		if (kd_read_u32(s, nr->addr, &v) < 0)
			return -1;
		count = v;
	}
	if (count > KD_IRQ_MAX)
		return kd_error(s, KD_EFORMAT, nr ? nr->addr : 0, "nr_irqs: %llu, more IRQs than a kernel has",
				(unsigned long long)count);
	if (!arr && !tree && !radix)
		return kd_error(s, KD_ENOTFOUND, 0,
				"neither irq_desc, _irq_desc, irq_desc_ptrs, irq_desc_tree or sparse_irqs symbols exist");
	out->nr = (int)count;
	out->desc = kd_xcalloc(count ? count : 1, sizeof(*out->desc));
	if (arr) {
		uint64_t size;
		if (kd_type_size(s, "irq_desc", &size) < 0) {
			kd_irq_list_free(out);
			return -1;
		}
		for (uint64_t i = 0; i < count; i++)
			out->desc[i] = arr->addr + i * size;
		return 0;
	}
	struct collect c = {out, 0, tree != NULL};
	if (c.maple) {
		struct kd_member_info mi;
		if (kd_member_info(s, "irq_desc", "irq_data.irq", &mi) < 0) {
			kd_irq_list_free(out);
			return -1;
		}
		c.irq_off = mi.offset;
	}
	long n = c.maple ? kd_walk_maple(s, tree->addr, 0, collect_desc, &c)
			 : kd_walk_xarray(s, radix->addr, 0, collect_desc, &c);
	if (n < 0) {
		snprintf(out->broken, sizeof(out->broken), "%s: %s", c.maple ? "sparse_irqs" : "irq_desc_tree",
			 kd_last_error(s));
		out->broken_addr = kd_last_addr(s);
		kd_clear_error(s);
	}
	return 0;
}

void kd_irq_list_free(struct kd_irq_list *l)
{
	free(l->desc);
	l->desc = NULL;
	l->nr = 0;
}

struct desc_view {
	int32_t irq;
	uint64_t chip, action, kstat_irqs, name;
};
static const struct kd_field desc_fields[] = {
	KD_FIELD(struct desc_view, irq, "irq_data.irq", KD_FIELD_OPTIONAL),
	KD_FIELD(struct desc_view, chip, "irq_data.chip", KD_FIELD_OPTIONAL),
	KD_FIELD(struct desc_view, chip, "chip", KD_FIELD_OPTIONAL), /* before irq_data (2.6.37) */
	KD_FIELD(struct desc_view, action, "action", 0),
	KD_FIELD(struct desc_view, kstat_irqs, "kstat_irqs", KD_FIELD_OPTIONAL),
	KD_FIELD(struct desc_view, name, "name", KD_FIELD_OPTIONAL),
};

int kd_irq_read(kd_session *s, uint64_t desc, struct kd_irq_info *out)
{
	memset(out, 0, sizeof(*out));
	struct desc_view v = {0};
	if (kd_read_struct(s, desc, "irq_desc", desc_fields, NFIELDS(desc_fields), &v, NULL) < 0)
		return kd_fail_prefix(s, "irq_desc %llx", (unsigned long long)desc);
	out->desc = desc;
	out->irq = v.irq;
	out->chip = v.chip;
	out->action = v.action;
	out->kstat_irqs = v.kstat_irqs;
	out->name = v.name;
	/* The affinity mask: irq_common_data's (4.3+), else irq_data's, else the descriptor's own; a
	 * cpumask_var_t is a pointer with CONFIG_CPUMASK_OFFSTACK, else the mask itself. */
	static const char *const paths[] = {"irq_common_data.affinity", "irq_data.affinity", "affinity"};
	for (size_t i = 0; i < 3; i++) {
		struct kd_member_info mi;
		if (!kd_member_find(s, "irq_desc", paths[i], &mi))
			continue;
		const kd_type *t = kd_type_resolve(s, mi.type);
		if (t && kd_type_kind(t) == KD_TYPE_POINTER) {
			if (kd_read_u64(s, desc + mi.offset, &out->affinity) < 0)
				return kd_fail_prefix(s, "irq_desc %llx affinity", (unsigned long long)desc);
		} else {
			out->affinity = desc + mi.offset;
		}
		break;
	}
	return 0;
}

long kd_irq_actions(kd_session *s, uint64_t action, kd_walk_fn fn, void *arg)
{
	uint64_t next_off;
	if (!action)
		return 0;
	if (kd_member_offset(s, "irqaction", "next", &next_off) < 0)
		return -1;
	struct u64map seen;
	u64map_init(&seen);
	long n = 0;
	while (action) {
		if (u64map_has(&seen, action) || n == MAX_ACTIONS) {
			u64map_free(&seen);
			return kd_error(s, KD_EFORMAT, action, "irqaction %llx: %s", (unsigned long long)action,
					n == MAX_ACTIONS ? "too many actions on one IRQ" : "the action list loops back to it");
		}
		u64map_put(&seen, action, (void *)1);
		n++;
		int r = fn(s, action, &(struct kd_walk_pos){.index = (uint64_t)n - 1}, arg);
		uint64_t next = 0;
		if (r == 0 && kd_read_u64(s, action + next_off, &next) < 0)
			r = kd_fail_prefix(s, "irqaction %llx", (unsigned long long)action);
		if (r) {
			u64map_free(&seen);
			return r < 0 ? -1 : n;
		}
		action = next;
	}
	u64map_free(&seen);
	return n;
}

int kd_irq_action_name(kd_session *s, uint64_t action, char *buf, size_t size)
{
	uint64_t name;
	buf[0] = '\0';
	if (kd_read_member_ptr(s, action, "irqaction", "name", &name) < 0)
		return kd_fail_prefix(s, "irqaction %llx", (unsigned long long)action);
	if (name && kd_read_string(s, name, buf, size) < 0) {
		buf[0] = '\0';
		kd_clear_error(s); /* crash leaves a name it cannot read out */
	}
	return 0;
}

struct names {
	char *buf;
	size_t size, len;
};

static int add_name(kd_session *s, uint64_t action, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct names *n = arg;
	char name[256];
	if (kd_irq_action_name(s, action, name, sizeof(name)) < 0)
		return -1;
	if (!name[0])
		return 0;
	int w = snprintf(n->buf + n->len, n->size - n->len, "%s%s", n->len ? "," : "", name);
	if (w > 0)
		n->len = n->len + (size_t)w < n->size ? n->len + (size_t)w : n->size - 1;
	return 0;
}

int kd_irq_action_names(kd_session *s, uint64_t action, char *buf, size_t size)
{
	struct names n = {buf, size, 0};
	if (!size)
		return 0;
	buf[0] = '\0';
	return kd_irq_actions(s, action, add_name, &n) < 0 ? -1 : 0;
}

int kd_irq_count(kd_session *s, const struct kd_irq_info *irq, int cpu, uint32_t *count)
{
	const struct kd_target_info *ti = kd_target(s);
	*count = 0;
	if (!irq->kstat_irqs)
		return 0;
	if (cpu < 0 || cpu >= ti->nr_cpus || !ti->per_cpu_offset)
		return kd_error(s, KD_EINVAL, 0, "no per-CPU offset for CPU %d", cpu);
	if (kd_read_u32(s, irq->kstat_irqs + ti->per_cpu_offset[cpu], count) < 0)
		return kd_fail_prefix(s, "irq %d kstat_irqs", irq->irq);
	return 0;
}

int kd_irq_affinity(kd_session *s, const struct kd_irq_info *irq, bool *cpus, int ncpus)
{
	memset(cpus, 0, (size_t)ncpus * sizeof(*cpus));
	if (!irq->affinity || ncpus <= 0)
		return 0;
	size_t words = ((size_t)ncpus + 63) / 64;
	uint64_t mask_size = kd_type_size_opt(s, "cpumask");
	if (mask_size != UINT64_MAX && mask_size && words * 8 > mask_size)
		words = (size_t)(mask_size / 8) ? (size_t)(mask_size / 8) : 1;
	uint64_t *bits = kd_xcalloc(words, sizeof(*bits));
	if (kd_read_kv(s, irq->affinity, bits, words * 8) < 0) {
		free(bits);
		return kd_fail_prefix(s, "irq %d affinity", irq->irq);
	}
	for (int c = 0; c < ncpus && (size_t)c / 64 < words; c++)
		cpus[c] = (bits[c / 64] >> (c % 64)) & 1;
	free(bits);
	return 0;
}

int kd_softirq_actions(kd_session *s, uint64_t **actions, size_t *n)
{
	*actions = NULL;
	*n = 0;
	uint64_t addr, len;
	if (!kernel_array_var(s, "softirq_vec", &addr, &len))
		return kd_error(s, KD_ENOTFOUND, 0, "cannot determine softirq_vec array length");
	if (len > 64)
		return kd_error(s, KD_EFORMAT, addr, "softirq_vec: %llu vectors", (unsigned long long)len);
	uint64_t size, off;
	if (kd_type_size(s, "softirq_action", &size) < 0 || kd_member_offset(s, "softirq_action", "action", &off) < 0)
		return -1;
	uint64_t *a = kd_xcalloc(len, sizeof(*a));
	for (uint64_t i = 0; i < len; i++) {
		if (kd_read_u64(s, addr + i * size + off, &a[i]) < 0) {
			free(a);
			return kd_fail_prefix(s, "softirq_vec[%llu]", (unsigned long long)i);
		}
	}
	*actions = a;
	*n = len;
	return 0;
}

int kd_idt_handlers(kd_session *s, uint64_t **handlers, size_t *n)
{
	*handlers = NULL;
	*n = 0;
	if (!s->arch || !s->arch->idt_gate_handler)
		return kd_error(s, KD_EUNSUPP, 0, "no interrupt descriptor table on this architecture");
	const struct kd_symbol *sym = kd_symbol_lookup(s, "idt_table");
	if (!sym)
		return kd_error(s, KD_ENOTFOUND, 0, "idt_table does not exist in this kernel");
	uint64_t gate = kd_type_size_opt(s, "gate_struct");
	if (gate == UINT64_MAX || gate != s->arch->idt_gate_size)
		return kd_error(s, KD_EUNSUPP, 0, "unknown gate_struct layout");
	size_t len = s->arch->idt_gates;
	uint8_t *raw = kd_xmalloc(len * gate);
	if (kd_read_kv(s, sym->addr, raw, len * gate) < 0) {
		free(raw);
		return kd_fail_prefix(s, "idt_table");
	}
	uint64_t *h = kd_xcalloc(len, sizeof(*h));
	for (size_t i = 0; i < len; i++)
		h[i] = s->arch->idt_gate_handler(raw + i * gate);
	free(raw);
	*handlers = h;
	*n = len;
	return 0;
}
