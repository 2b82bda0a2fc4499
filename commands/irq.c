/* irq: the IRQ descriptors, their actions, counts and affinity, the softirq vectors and the
 * IDT, as crash 8.0.6 prints them (the 2.6.37+ layout: IRQ_DESC/_DATA, IRQACTION, NAME). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>
#include <kdive/irq.h>

/* An IRQ's actions, collected before they are printed. */
struct actions {
	uint64_t *v;
	size_t n;
};

static int add_action(kd_session *s, uint64_t action, const struct kd_walk_pos *pos, void *arg)
{
	(void)s;
	(void)pos;
	struct actions *a = arg;
	a->v = kd_xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = action;
	return 0;
}

/* JSON: an IRQ, its descriptor and actions (null where crash says "(unused)"). */
static int irq_json(kd_session *s, const struct kd_irq_list *l, int irq, bool in_use)
{
	uint64_t desc = l->desc[irq];
	if (!desc && in_use)
		return 0;
	struct kd_irq_info info = {0};
	if (desc && kd_irq_read(s, desc, &info) < 0)
		return -1;
	kd_json_object_begin(s, NULL);
	kd_json_int(s, "irq", irq);
	if (desc)
		kd_json_addr(s, "irq_desc", desc);
	else
		kd_json_null(s, "irq_desc");
	kd_json_array_begin(s, "actions");
	struct actions a = {0};
	int rc = info.action && kd_irq_actions(s, info.action, add_action, &a) < 0 ? -1 : 0;
	for (size_t i = 0; i < a.n; i++) {
		char name[256];
		kd_json_object_begin(s, NULL);
		kd_json_addr(s, "irqaction", a.v[i]);
		if (kd_irq_action_name(s, a.v[i], name, sizeof(name)) < 0) {
			kd_json_end(s);
			rc = -1;
			break;
		}
		kd_json_str(s, "name", name[0] ? name : NULL);
		kd_json_end(s);
	}
	free(a.v);
	kd_json_end(s);
	kd_json_end(s);
	return rc;
}

/* irq_data.irq's IRQ, its descriptor (or "(unused)") and each action's address and name. */
static int show_irq(kd_session *s, const struct kd_irq_list *l, int irq, bool in_use, bool *header)
{
	if (kd_json_active(s))
		return irq_json(s, l, irq, in_use);
	char b1[64], b2[64], name[256];
	if (!*header) {
		kd_printf(s, " IRQ  %s  %s  NAME\n", kd_format_centred(b1, sizeof(b1), "IRQ_DESC/_DATA", 16, false),
			  kd_format_centred(b2, sizeof(b2), "IRQACTION", 16, false));
		*header = true;
	}
	uint64_t desc = l->desc[irq];
	if (!desc && in_use)
		return 0;
	struct kd_irq_info info = {0};
	if (desc && kd_irq_read(s, desc, &info) < 0)
		return -1;
	char num[16], addr[32];
	snprintf(num, sizeof(num), "%d", irq);
	snprintf(addr, sizeof(addr), "%llx", (unsigned long long)desc);
	kd_printf(s, "%s  %s  ", kd_format_centred(b1, sizeof(b1), num, 4, true),
		  kd_format_centred(b2, sizeof(b2), desc ? addr : "(unused)", 16, false));
	if (!info.action) {
		kd_printf(s, "%s  \n", kd_format_centred(b1, sizeof(b1), "(unused)", 16, false));
		return 0;
	}
	struct actions a = {0};
	int rc = kd_irq_actions(s, info.action, add_action, &a) < 0 ? -1 : 0;
	for (size_t i = 0; i < a.n; i++) {
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)a.v[i]);
		kd_printf(s, "%s%s  ", i ? "\n                        " : "", kd_format_centred(b1, sizeof(b1), addr, 16, false));
		if (kd_irq_action_name(s, a.v[i], name, sizeof(name)) < 0) {
			rc = -1;
			break;
		}
		if (name[0])
			kd_printf(s, "\"%s\"", name);
	}
	free(a.v);
	kd_printf(s, "\n");
	return rc;
}

/* A CPU mask as crash's display_cpu_affinity writes it: "0-1", "0,2-3". */
static void cpu_list(kd_session *s, const bool *cpus, int n)
{
	int count = 0;
	for (int c = 0; c < n;) {
		if (!cpus[c]) {
			c++;
			continue;
		}
		int start = c;
		while (c < n && cpus[c])
			c++;
		if (c - 1 == start)
			kd_printf(s, "%s%d", count++ ? "," : "", start);
		else
			kd_printf(s, "%s%d-%d", count++ ? "," : "", start, c - 1);
	}
}

/* The broken walk of the descriptor tree: one error line after what was found. */
static int list_status(kd_session *s, const struct kd_irq_list *l)
{
	if (l->broken[0])
		return kd_error(s, KD_EFORMAT, l->broken_addr, "%s", l->broken);
	return 0;
}

typedef int (*irq_fn)(kd_session *s, int irq, const struct kd_irq_info *info, void *arg);

/* Each IRQ that has a descriptor and an action, in order (what -a and -s list). */
static int each_active_irq(kd_session *s, irq_fn fn, void *arg)
{
	struct kd_irq_list l;
	if (kd_irq_list(s, &l) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < l.nr && rc == 0; i++) {
		struct kd_irq_info info;
		if (!l.desc[i])
			continue;
		if (kd_irq_read(s, l.desc[i], &info) < 0)
			rc = -1;
		else if (info.action)
			rc = fn(s, i, &info, arg);
	}
	if (rc == 0)
		rc = list_status(s, &l);
	kd_irq_list_free(&l);
	return rc;
}

struct cpu_set {
	bool *cpus;
	int n;
};

static int affinity_line(kd_session *s, int irq, const struct kd_irq_info *info, void *arg)
{
	struct cpu_set *c = arg;
	char names[1024];
	if (kd_irq_affinity(s, info, c->cpus, c->n) < 0)
		return -1;
	int rc = kd_irq_action_names(s, info->action, names, sizeof(names));
	kd_printf(s, "%3d %-20s ", irq, names);
	cpu_list(s, c->cpus, c->n);
	kd_printf(s, "\n");
	return rc;
}

static int show_affinity(kd_session *s)
{
	struct cpu_set c = {NULL, kd_target(s)->nr_cpus > 0 ? kd_target(s)->nr_cpus : 1};
	c.cpus = kd_xcalloc((size_t)c.n, sizeof(*c.cpus));
	kd_printf(s, "IRQ NAME                 AFFINITY\n");
	int rc = each_active_irq(s, affinity_line, &c);
	free(c.cpus);
	return rc;
}

/* A string the kernel points at, or "" when it cannot be read (crash leaves such names out). */
static const char *kernel_string(kd_session *s, uint64_t addr, char *buf, size_t size)
{
	buf[0] = '\0';
	if (addr && kd_read_string(s, addr, buf, size) < 0) {
		buf[0] = '\0';
		kd_clear_error(s);
	}
	return buf;
}

static int stats_line(kd_session *s, int irq, const struct kd_irq_info *info, void *arg)
{
	const struct cpu_set *c = arg;
	uint32_t counts[c->n];
	char names[1024], text[256];
	for (int i = 0; i < c->n; i++)
		if (c->cpus[i] && kd_irq_count(s, info, i, &counts[i]) < 0)
			return -1;
	kd_printf(s, "%3d: ", irq);
	for (int i = 0; i < c->n; i++)
		if (c->cpus[i])
			kd_printf(s, "%10u ", counts[i]);
	/* the chip's name and the flow handler's, as /proc/interrupts shows them */
	if (info->chip) {
		uint64_t chip_name;
		if (kd_read_member_ptr(s, info->chip, "irq_chip", "name", &chip_name) < 0) {
			kd_printf(s, "\n");
			return kd_fail_prefix(s, "irq %d: irq_chip %llx", irq, (unsigned long long)info->chip);
		}
		if (kernel_string(s, chip_name, text, sizeof(text))[0])
			kd_printf(s, "%8s", text);
		if (kernel_string(s, info->name, text, sizeof(text))[0])
			kd_printf(s, "-%-8s", text);
	}
	int rc = kd_irq_action_names(s, info->action, names, sizeof(names));
	kd_printf(s, " %s\n", names);
	return rc;
}

static int show_stats(kd_session *s, bool *cpus, int ncpus)
{
	struct cpu_set c = {cpus, ncpus};
	char buf[32];
	kd_printf(s, "     ");
	for (int i = 0; i < ncpus; i++) {
		if (!cpus[i])
			continue;
		snprintf(buf, sizeof(buf), "CPU%d", i);
		kd_printf(s, "%10s ", buf);
	}
	kd_printf(s, "\n");
	return each_active_irq(s, stats_line, &c);
}

static int show_softirqs(kd_session *s)
{
	uint64_t *a;
	size_t n;
	if (kd_softirq_actions(s, &a, &n) < 0)
		return -1;
	char b1[64], hex[32];
	kd_printf(s, "SOFTIRQ_VEC %s\n", kd_format_centred(b1, sizeof(b1), "ACTION", 16, true));
	for (size_t i = 0; i < n; i++) {
		if (!a[i])
			continue;
		uint64_t off = 0;
		const char *name = kd_symbol_at(s, a[i], &off);
		snprintf(hex, sizeof(hex), "%llx", (unsigned long long)a[i]);
		kd_printf(s, "    [%zu]%s %s  <%s>", i, i < 10 ? "    " : "   ", kd_format_centred(b1, sizeof(b1), hex, 16, true),
			  name && !off ? name : "(null)");
		const struct kd_symbol *k = kd_symbol_containing(s, a[i]);
		if (k && k->module)
			kd_printf(s, "  [%s]", k->module);
		kd_printf(s, "\n");
	}
	free(a);
	return 0;
}

static int show_idt(kd_session *s)
{
	uint64_t *h;
	size_t n;
	if (kd_idt_handlers(s, &h, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char buf[256];
		if (!kd_symbol_string(s, h[i], buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h[i]);
		kd_printf(s, "%s[%zu] %s\n", i < 10 ? "  " : i < 100 ? " " : "", i, buf);
	}
	free(h);
	return 0;
}

/* crash's dtoi: decimal digits only. */
static bool parse_irq(kd_session *s, const char *arg, int *irq)
{
	while (*arg == ' ')
		arg++;
	size_t j = 0;
	while (arg[j] >= '0' && arg[j] <= '9')
		j++;
	if (arg[j] || !j || j > 9) {
		kd_error(s, KD_EINVAL, 0, "%s: \"%c\" is not a digit 0 - 9", arg, arg[j] ? arg[j] : ' ');
		return false;
	}
	*irq = atoi(arg);
	return true;
}

static int cmd_irq(kd_session *s, int argc, char **argv)
{
	int c, ncpus = kd_target(s)->nr_cpus > 0 ? kd_target(s)->nr_cpus : 1;
	bool in_use = false, stats = false, have_cpus = false, bad = false;
	const char *cpuspec = NULL;
	while ((c = getopt(argc, argv, "dbuasc:")) != -1) {
		switch (c) {
		case 'd': return show_idt(s);
		case 'b': return show_softirqs(s);
		case 'a': return show_affinity(s);
		case 'u': in_use = true; break;
		case 's': stats = true; break;
		case 'c':
			if (have_cpus) {
				/* crash's INFO line: in the output, and on the terminal when the output goes elsewhere */
				kd_info(s, "irq: only one -c option allowed");
				bad = true;
			} else {
				have_cpus = true;
				cpuspec = optarg;
			}
			break;
		default: bad = true; break;
		}
	}
	if (bad)
		return kd_usage(s);
	if (stats) {
		bool *cpus = kd_xcalloc((size_t)ncpus, sizeof(*cpus));
		if (cpuspec) {
			if (kd_parse_cpuspec(s, cpuspec, cpus, ncpus) < 0) {
				free(cpus);
				return -1;
			}
		} else {
			for (int i = 0; i < ncpus; i++)
				cpus[i] = true;
		}
		int rc = show_stats(s, cpus, ncpus);
		free(cpus);
		return rc;
	}
	struct kd_irq_list l;
	if (kd_irq_list(s, &l) < 0)
		return -1;
	bool header = false;
	int rc = 0;
	if (kd_json_active(s)) /* {irqs: [...]}; irq's other views print text */
		kd_json_array_begin(s, "irqs");
	if (optind >= argc) {
		for (int i = 0; i < l.nr && rc == 0; i++)
			rc = show_irq(s, &l, i, in_use, &header);
	} else {
		for (int a = optind; a < argc && rc == 0; a++) {
			int irq;
			if (!parse_irq(s, argv[a], &irq))
				rc = -1;
			else if (irq >= l.nr)
				rc = kd_error(s, KD_EINVAL, 0, "invalid IRQ value: %d  (%d max)", irq, l.nr - 1);
			else
				rc = show_irq(s, &l, irq, false, &header);
		}
	}
	if (rc == 0)
		rc = list_status(s, &l);
	kd_irq_list_free(&l);
	return rc;
}

const struct kd_command kd_cmd_irq = {
	"irq", cmd_irq, "irq [[[index ...] | -u ] | -d | -b | -a | -s [-c cpu]]", "IRQ data",
	"Shows each IRQ's descriptor (struct irq_desc, whose irq_data it begins with), its\n"
	"irqaction structures and their names, wherever the kernel keeps its descriptors: the\n"
	"irq_desc[] array, the irq_desc_tree radix tree (SPARSE_IRQ before 6.5) or the\n"
	"sparse_irqs maple tree. IRQs without a descriptor or an action show \"(unused)\".\n"
	"\n"
	"  index ...  only these IRQs (decimal).\n"
	"  -u         only IRQs that have a descriptor.\n"
	"  -d         the interrupt descriptor table: each vector's handler.\n"
	"  -b         the softirq vectors (bottom halves) and their actions.\n"
	"  -a         the CPU affinity of each IRQ with an action.\n"
	"  -s         per-CPU counts of each IRQ with an action, as /proc/interrupts shows\n"
	"             them, with the chip and flow handler names.\n"
	"  -c cpus    with -s, only these CPUs: \"1,3\", \"0-1\", \"all\" or \"a\".\n"
	"\n"
	"-d, -b and -a act at once, so the options after them are not looked at.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> irq 1\n"
	"   IRQ   IRQ_DESC/_DATA      IRQACTION      NAME\n"
	"    1   ffff8e80c1126a00  ffff8e80c1b6b800  \"i8042\"\n"
	"  kdive> irq -u\n"
	"  kdive> irq -s -c 1\n"
	"             CPU1\n"
	"    0:          0  IO-APIC-edge     timer\n"
	"    1:          9  IO-APIC-edge     i8042\n"
	"  kdive> irq -b\n"
	"  kdive> irq -d\n",
	KD_CMD_NEEDS_DUMP,
};
