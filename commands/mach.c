/* mach: machine data (type, memory, CPUs, speed, the kernel's address-space layout, per-CPU
 * stacks), the e820 memory map (-m) and each CPU's cpuinfo_x86 (-c), as crash prints them. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

#define STACKS_MAX 16

static int show_stats(kd_session *s)
{
	struct kd_machine_info m;
	char buf[64];
	if (kd_machine_info(s, &m) < 0)
		return -1;
	kd_format_size(m.memory, buf, sizeof(buf));
	kd_printf(s, "          MACHINE TYPE: %s\n", m.machine);
	kd_printf(s, "           MEMORY SIZE: %s\n", buf);
	if (m.offline)
		kd_printf(s, "                  CPUS: %d [OFFLINE: %d]\n", m.cpus, m.offline);
	else
		kd_printf(s, "                  CPUS: %d\n", m.cpus);
	if (m.hypervisor[0] && strcmp(m.hypervisor, "bare hardware") != 0)
		kd_printf(s, "            HYPERVISOR: %s\n", m.hypervisor);
	if (m.mhz)
		kd_printf(s, "       PROCESSOR SPEED: %" PRIu64 " Mhz\n", m.mhz);
	else
		kd_printf(s, "       PROCESSOR SPEED: (unknown)\n");
	kd_printf(s, "                    HZ: %d\n", m.hz);
	kd_printf(s, "             PAGE SIZE: %" PRIu64 "\n", m.page_size);
	kd_printf(s, "   KERNEL VIRTUAL BASE: %" PRIx64 "\n", m.kernel_virtual_base);
	kd_printf(s, "   KERNEL VMALLOC BASE: %" PRIx64 "\n", m.vmalloc_base);
	if (m.vmemmap_base)
		kd_printf(s, "   KERNEL VMEMMAP BASE: %" PRIx64 "\n", m.vmemmap_base);
	kd_printf(s, "      KERNEL START MAP: %" PRIx64 "\n", m.kernel_start_map);
	kd_printf(s, "   KERNEL MODULES BASE: %" PRIx64 "\n", m.modules_base);
	kd_printf(s, "     KERNEL STACK SIZE: %" PRIu64 "\n", m.stack_size);

	/* per CPU: the IRQ stack, then each exception stack in IST order (DOUBLEFAULT, NMI, DEBUG, MCE, VC) */
	int ncpus = m.cpus > 0 ? m.cpus : 0;
	struct uw_stack *st = kd_xcalloc((size_t)(ncpus ? ncpus : 1) * STACKS_MAX, sizeof(*st));
	bool *mapped = kd_xcalloc((size_t)(ncpus ? ncpus : 1) * STACKS_MAX, sizeof(bool));
	int *n = kd_xcalloc((size_t)(ncpus ? ncpus : 1), sizeof(int));
	for (int c = 0; c < ncpus; c++)
		n[c] = kd_unwind_cpu_stacks_all(s, c, st + c * STACKS_MAX, mapped + c * STACKS_MAX, STACKS_MAX);
	uint64_t irq_size = 0;
	for (int c = 0; c < ncpus && !irq_size; c++)
		for (int i = 0; i < n[c]; i++)
			if (st[c * STACKS_MAX + i].type == UW_STACK_IRQ)
				irq_size = st[c * STACKS_MAX + i].top - st[c * STACKS_MAX + i].base;
	kd_printf(s, "        IRQ STACK SIZE: %" PRIu64 "\n", irq_size);
	kd_printf(s, "            IRQ STACKS:\n");
	for (int c = 0; c < ncpus; c++) {
		uint64_t base = 0;
		for (int i = 0; i < n[c]; i++)
			if (st[c * STACKS_MAX + i].type == UW_STACK_IRQ)
				base = st[c * STACKS_MAX + i].base;
		snprintf(buf, sizeof(buf), "CPU %d", c);
		kd_printf(s, "%22s: %016" PRIx64 "\n", buf, base);
	}
	/* the exception stacks CPU 0 has, by kind; a name shown once (the second VC stack is not in the IST) */
	const char *seen[STACKS_MAX];
	int nseen = 0;
	for (int i = 0; ncpus && i < n[0]; i++) {
		const struct uw_stack *e = &st[i];
		if (e->type != UW_STACK_EXCEPTION)
			continue;
		const char *name = kd_unwind_exception_stack_name(e->index);
		bool dup = false;
		for (int k = 0; k < nseen; k++)
			dup |= strcmp(seen[k], name) == 0;
		if (dup)
			continue;
		seen[nseen++] = name;
		kd_printf(s, "%11s STACK SIZE: %" PRIu64 "\n", name, e->top - e->base);
		snprintf(buf, sizeof(buf), "%s STACKS:\n", name);
		kd_printf(s, "%24s", buf);
		for (int c = 0; c < ncpus; c++) {
			const struct uw_stack *x = NULL;
			bool ok = false;
			for (int j = 0; j < n[c]; j++)
				if (st[c * STACKS_MAX + j].type == UW_STACK_EXCEPTION && st[c * STACKS_MAX + j].index == e->index) {
					x = &st[c * STACKS_MAX + j];
					ok = mapped[c * STACKS_MAX + j];
				}
			if (!x)
				break;
			snprintf(buf, sizeof(buf), "CPU %d", c);
			kd_printf(s, "%22s: %016" PRIx64 "%s\n", buf, x->base, ok ? "" : " [unavailable]");
		}
	}
	free(st);
	free(mapped);
	free(n);
	return 0;
}

static const char *const e820_names[] = {"(invalid type)", "E820_RAM", "E820_RESERVED", "E820_ACPI", "E820_NVS", "E820_UNUSABLE"};

static int show_memmap(kd_session *s)
{
	struct kd_e820_entry *e;
	long n = kd_e820_table(s, &e);
	if (n < 0)
		return -1;
	kd_printf(s, "      PHYSICAL ADDRESS RANGE         TYPE\n");
	for (long i = 0; i < n; i++) {
		kd_printf(s, "%016" PRIx64 " - %016" PRIx64 "  ", e[i].addr, e[i].addr + e[i].size);
		if (e[i].type < sizeof(e820_names) / sizeof(e820_names[0]))
			kd_printf(s, "%s\n", e820_names[e[i].type]);
		else if (e[i].type == 12)
			kd_printf(s, "E820_PRAM\n");
		else if (e[i].type == 128)
			kd_printf(s, "E820_RESERVED_KERN\n");
		else
			kd_printf(s, "type %u\n", e[i].type);
	}
	free(e);
	return 0;
}

/* -c: each CPU's struct cpuinfo_x86 (the per-CPU cpu_info, or boot_cpu_data alone). */
static int show_cpuinfo(kd_session *s, int radix)
{
	unsigned flags = radix == 16 || (radix == 0 && kd_output_radix(s) == 16) ? KD_PRINT_RADIX_HEX : 0;
	kd_struct_spec *sp = kd_struct_spec_parse(s, "cpuinfo_x86", "struct");
	if (!sp)
		return -1;
	bool percpu = kd_symbol_lookup(s, "cpu_info") != NULL;
	int ncpus = percpu ? kd_target(s)->nr_cpus : 1;
	int rc = 0;
	for (int cpu = 0; cpu < ncpus && rc == 0; cpu++) {
		uint64_t addr;
		if (percpu) {
			kd_printf(s, "%sCPU %d:\n", cpu ? "\n" : "", cpu);
			rc = kd_per_cpu_addr(s, "cpu_info", cpu, &addr);
		} else {
			kd_printf(s, "BOOT CPU:\n");
			rc = kd_symbol_addr(s, "boot_cpu_data", &addr);
		}
		if (rc < 0)
			break;
		struct kd_sbuf b = {0};
		rc = kd_print_struct(s, &b, sp, addr, flags);
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
	}
	kd_struct_spec_free(sp);
	return rc;
}

static int cmd_mach(kd_session *s, int argc, char **argv)
{
	int c, radix = 0;
	bool cpus = false, memmap = false;
	while ((c = getopt(argc, argv, "cmxd")) != -1) {
		switch (c) {
		case 'c':
			cpus = true;
			break;
		case 'm':
			memmap = true;
			if (show_memmap(s) < 0) /* crash shows the map as soon as it meets -m */
				return -1;
			break;
		case 'x':
		case 'd':
			if (radix == (c == 'x' ? 10 : 16))
				return kd_fail(s, "-d and -x are mutually exclusive");
			radix = c == 'x' ? 16 : 10;
			break;
		default:
			return kd_usage(s);
		}
	}
	if (cpus)
		return show_cpuinfo(s, radix);
	if (!memmap)
		return show_stats(s);
	return 0;
}

const struct kd_command kd_cmd_mach = {
	"mach", cmd_mach, "mach [-m | -c -[xd] | -o]", "machine specific data",
	"Without options: the machine type, memory size, CPUs (and how many are offline), the\n"
	"hypervisor when there is one, the processor speed, HZ, the page size, where the kernel\n"
	"maps the direct map, vmalloc space, the struct page array, its own image and modules, the\n"
	"kernel stack size, and each CPU's IRQ stack and exception stacks (a stack whose pages are\n"
	"not mapped, such as the VC stack without SEV, is marked [unavailable]).\n"
	"  -m    the physical memory map the firmware handed over (e820): each range and its type\n"
	"  -c    each CPU's struct cpuinfo_x86\n"
	"  -x    with -c: integers in hexadecimal\n"
	"  -d    with -c: integers in decimal\n"
	"  (-o, the OPAL console log, exists on ppc64 only.)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> mach\n"
	"            MACHINE TYPE: x86_64\n"
	"             MEMORY SIZE: 511.5 MB\n"
	"                    CPUS: 2 [OFFLINE: 1]\n"
	"         PROCESSOR SPEED: 2445 Mhz\n"
	"                      HZ: 250\n"
	"  ...\n"
	"  kdive> mach -m\n"
	"        PHYSICAL ADDRESS RANGE         TYPE\n"
	"  0000000000000000 - 0000000000001000  E820_RESERVED\n"
	"  0000000000001000 - 000000000009fc00  E820_RAM\n"
	"  ...\n"
	"  kdive> mach -c -x\n",
	KD_CMD_NEEDS_DUMP,
};
