/*
 * kdive public API: interrupts (API 1.4): the IRQ descriptors wherever the kernel keeps them
 * (the irq_desc[] array, the irq_desc_tree radix tree / XArray of SPARSE_IRQ kernels before
 * 6.5, the sparse_irqs maple tree since), their actions, per-CPU counts and affinity; the
 * softirq vectors; the interrupt descriptor table. What crash's irq command reads, for irq and
 * for anything else that wants the same walks (reports, JSON output, extensions).
 */
#ifndef KDIVE_PUBLIC_IRQ_H
#define KDIVE_PUBLIC_IRQ_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/*
 * The IRQ numbers crash considers: desc[irq] for irq 0 .. nr - 1, 0 where the kernel has no
 * descriptor. nr is crash's count: the length of irq_desc[] when the kernel has that array,
 * else the kernel's nr_irqs variable (at most KD_IRQ_MAX), else 224.
 */
#define KD_IRQ_MAX (1 << 20)
struct kd_irq_list {
	uint64_t *desc;
	int nr;
	char broken[256];     /* why the descriptor tree's walk broke ("" if it did not): the rest is missing */
	uint64_t broken_addr; /* the address it broke at */
};
/* Fill *out (free it with kd_irq_list_free): 0, also when the walk broke part-way (out->broken says
 * so); -1 with an error when the kernel keeps its descriptors in no way kdive knows. */
KD_API int kd_irq_list(kd_session *s, struct kd_irq_list *out);
KD_API void kd_irq_list_free(struct kd_irq_list *l);

/* One descriptor, read by member name (struct irq_desc and its irq_data, irq_common_data). */
struct kd_irq_info {
	uint64_t desc;
	int irq;             /* irq_data.irq */
	uint64_t chip;       /* irq_data.chip: the struct irq_chip */
	uint64_t action;     /* the first struct irqaction, 0 when none is installed */
	uint64_t kstat_irqs; /* the per-CPU counts (a __percpu pointer), 0 if none */
	uint64_t name;       /* irq_desc.name: the flow handler's name ("edge", "fasteoi"), 0 if none */
	uint64_t affinity;   /* the address of the affinity cpumask (through cpumask_var_t's pointer), 0 if unknown */
};
KD_API int kd_irq_read(kd_session *s, uint64_t desc, struct kd_irq_info *out);
/* Each irqaction of a chain (from kd_irq_info.action, through ->next), bounded and stopped at a cycle. */
KD_API long kd_irq_actions(kd_session *s, uint64_t action, kd_walk_fn fn, void *arg);
/* An irqaction's name (irqaction.name), "" when it has none; -1 when it cannot be read. */
KD_API int kd_irq_action_name(kd_session *s, uint64_t action, char *buf, size_t size);
/* The names of a chain's actions joined with commas, as /proc/interrupts and crash show them;
 * -1 (buf holding the names read so far) when the chain is broken. */
KD_API int kd_irq_action_names(kd_session *s, uint64_t action, char *buf, size_t size);
/* How many times the IRQ was handled on a CPU (its kstat_irqs counter there). */
KD_API int kd_irq_count(kd_session *s, const struct kd_irq_info *irq, int cpu, uint32_t *count);
/* The IRQ's affinity: cpus[c] for each of the first ncpus CPUs in its mask. */
KD_API int kd_irq_affinity(kd_session *s, const struct kd_irq_info *irq, bool *cpus, int ncpus);

/* The softirq vectors: softirq_vec[i].action for each i (0 where none), *n of them; *actions is
 * allocated (free() it). -1 with an error when the kernel has no softirq_vec[] array. */
KD_API int kd_softirq_actions(kd_session *s, uint64_t **actions, size_t *n);

/* The interrupt descriptor table (idt_table): the handler address of each of its *n gates
 * (256 on x86_64), decoded as the architecture lays a gate out; *handlers is allocated (free()
 * it). -1 with an error when the kernel has no idt_table or the architecture no gate layout. */
KD_API int kd_idt_handlers(kd_session *s, uint64_t **handlers, size_t *n);

KD_END_DECLS

#endif
