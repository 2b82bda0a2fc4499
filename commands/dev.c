/* dev: character and block devices, I/O resources, PCI devices and disk I/O, as crash 8.0.6
 * prints them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>
#include <kdive/device.h>

/* "(none)", or the cdev/gendisk and what its operations are. */
static void ops_columns(kd_session *s, uint64_t obj, uint64_t fops)
{
	char b[256];
	if (!fops) {
		kd_printf(s, " %s\n", kd_format_centred(b, sizeof(b), "(none)", 16, false));
		return;
	}
	kd_printf(s, " %16llx  ", (unsigned long long)obj);
	if (kd_symbol_string(s, fops, b, sizeof(b)))
		kd_printf(s, "%s\n", b);
	else
		kd_printf(s, "%llx\n", (unsigned long long)fops);
}

/* JSON: a device major, its object (cdev, gendisk) and operations, null where crash says (none). */
static void dev_json(kd_session *s, int major, const char *name, const char *objkey, uint64_t obj, uint64_t fops)
{
	char b[256];
	kd_json_object_begin(s, NULL);
	kd_json_int(s, "major", major);
	kd_json_str(s, "name", name);
	if (fops) {
		kd_json_addr(s, objkey, obj);
		kd_json_addr(s, "operations", fops);
		kd_json_str(s, "operations_symbol", kd_symbol_string(s, fops, b, sizeof(b)));
	} else {
		kd_json_null(s, objkey);
		kd_json_null(s, "operations");
		kd_json_null(s, "operations_symbol");
	}
	kd_clear_error(s);
	kd_json_end(s);
}

static int chrdev_line(kd_session *s, const struct kd_chrdev *d, void *arg)
{
	(void)arg;
	if (kd_json_active(s)) {
		dev_json(s, d->major, d->name, "cdev", d->cdev, d->fops);
		return 0;
	}
	kd_printf(s, " %3d      %-13s ", d->major, d->name);
	ops_columns(s, d->cdev, d->fops);
	return 0;
}

static int blkdev_line(kd_session *s, const struct kd_blkdev *d, void *arg)
{
	(void)arg;
	if (kd_json_active(s)) {
		dev_json(s, d->major, d->name[0] ? d->name : NULL, "gendisk", d->gendisk, d->fops);
		return 0;
	}
	kd_printf(s, " %3d      %-13s ", d->major, d->name[0] ? d->name : "(unknown)");
	ops_columns(s, d->gendisk, d->fops);
	return 0;
}

static int show_devices(kd_session *s)
{
	char b1[64];
	if (kd_json_active(s)) { /* {chrdevs: [...], blkdevs: [...]}; dev's other views print text */
		kd_json_array_begin(s, "chrdevs");
		int rc = kd_chrdevs(s, chrdev_line, NULL) < 0 ? -1 : 0;
		kd_json_end(s);
		if (rc < 0)
			return -1;
		kd_json_array_begin(s, "blkdevs");
		rc = kd_blkdevs(s, blkdev_line, NULL) < 0 ? -1 : 0;
		kd_json_end(s);
		return rc;
	}
	kd_printf(s, "CHRDEV    NAME           %s  %-16s\n", kd_format_centred(b1, sizeof(b1), "CDEV", 16, false), "OPERATIONS");
	if (kd_chrdevs(s, chrdev_line, NULL) < 0)
		return -1;
	kd_printf(s, "\n");
	kd_printf(s, "BLKDEV    NAME           %s  %-16s\n", kd_format_centred(b1, sizeof(b1), "GENDISK", 16, true),
		  "OPERATIONS");
	return kd_blkdevs(s, blkdev_line, NULL) < 0 ? -1 : 0;
}

/* ---- -i ---- */

static int resource_line(kd_session *s, const struct kd_resource *r, void *arg)
{
	int size = *(int *)arg;
	int wrap = 16 + 2 + size * 2 + 1 + 2;
	char name[sizeof(r->name)];
	snprintf(name, sizeof(name), "%s", r->name);
	kd_printf(s, size == 4 ? "%8llx  %04llx-%04llx" : "%8llx  %08llx-%08llx", (unsigned long long)r->addr,
		  (unsigned long long)r->start, (unsigned long long)r->end);
	size_t len = strlen(name);
	if (wrap + len <= 80) {
		kd_printf(s, "  %s\n", name);
		return 0;
	}
	/* crash breaks a long name at the last blank that brings it within 80 columns */
	size_t over = wrap + len - 80, c = 0;
	char *p = len ? name + len - 1 : name;
	for (; p > name; p--, c++) {
		if (*p != ' ')
			continue;
		if (c >= over) {
			*p = '\0';
			break;
		}
	}
	kd_printf(s, "  %s\n", name);
	if (p > name && *p == '\0')
		kd_printf(s, "%*s%s\n", wrap, "", p + 1);
	return 0;
}

static int show_resources(kd_session *s)
{
	static const char *const roots[] = {"ioport_resource", "iomem_resource"};
	char b1[64], b2[64];
	for (int i = 0; i < 2; i++) {
		const struct kd_symbol *k = kd_symbol_lookup(s, roots[i]);
		if (!k)
			return 0; /* crash prints nothing without both trees */
		uint64_t end;
		if (kd_read_member(s, k->addr, "resource", "end", &end) < 0)
			return -1;
		int size = end > 0xffff ? 8 : 4;
		kd_printf(s, "%s%s  %s  NAME\n", i ? "\n" : "", kd_format_centred(b1, sizeof(b1), "RESOURCE", 16, false),
			  kd_format_centred(b2, sizeof(b2), "RANGE", size * 2 + 1, false));
		/* crash's CENTER|LJUST pads its columns on the right as well: keep them as they are */
		if (kd_walk_resources(s, k->addr, resource_line, &size) < 0)
			return -1;
	}
	return 0;
}

/* ---- -p ---- */

static const char *pcie_type(const struct kd_pci_dev *d, char *buf, size_t size)
{
	static const char *const types[] = {"ENDPOINT", "LEG_END", "", "", "ROOT_PORT", "UPSTREAM", "DOWNSTREAM",
					    "PCI_BRIDGE", "PCIE_BRIDGE", "RC_END", "RC_EC"};
	unsigned t = (d->pcie_flags & 0xf0) >> 4;
	const char *name = d->has_pcie_flags && t < sizeof(types) / sizeof(types[0]) ? types[t] : "";
	snprintf(buf, size, "%s%s", name, d->hdr_type == 1 || d->hdr_type == 2 ? " [BRIDGE]" : "");
	return buf;
}

static int pci_dev_line(kd_session *s, uint64_t dev, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	(void)arg;
	struct kd_pci_dev d;
	char b1[64], b2[64], b3[64], b4[64], t[64], cls[16], id[16];
	if (kd_pci_dev_read(s, dev, &d) < 0)
		return -1;
	snprintf(cls, sizeof(cls), "%04x", d.pci_class >> 8);
	snprintf(id, sizeof(id), "%x:%x", d.vendor, d.device);
	kd_printf(s, "  %-16llx %s %s %s %s\n", (unsigned long long)dev, kd_format_centred(b1, sizeof(b1), d.name, 12, false),
		  kd_format_centred(b2, sizeof(b2), cls, 6, false), kd_format_centred(b3, sizeof(b3), id, 9, false),
		  kd_format_centred(b4, sizeof(b4), pcie_type(&d, t, sizeof(t)), 10, false));
	return 0;
}

static int pci_devices(kd_session *s, uint64_t bus)
{
	char b1[64], b2[64], b3[64], b4[64], b5[64];
	uint64_t self;
	kd_printf(s, "  %s %s %s %s", kd_format_centred(b1, sizeof(b1), "PCI DEV", 16, false),
		  kd_format_centred(b2, sizeof(b2), "DO:BU:SL.FN", 12, false), kd_format_centred(b3, sizeof(b3), "CLASS", 6, false),
		  kd_format_centred(b4, sizeof(b4), "PCI_ID", 9, false));
	if (kd_member_exists(s, "pci_dev", "pcie_flags_reg"))
		kd_printf(s, " %s", kd_format_centred(b5, sizeof(b5), "TYPE", 10, false));
	kd_printf(s, "\n");
	if (kd_pci_bus_read(s, bus, NULL, 0, NULL, &self) < 0)
		return -1;
	if (self && pci_dev_line(s, self, NULL, NULL) < 0)
		return -1;
	return kd_pci_bus_devices(s, bus, pci_dev_line, NULL) < 0 ? -1 : 0;
}

static int pci_child_bus(kd_session *s, uint64_t bus, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	int depth = *(int *)arg + 1;
	char b1[64], b2[64];
	uint64_t parent;
	if (depth > 64)
		return kd_error(s, KD_EFORMAT, bus, "pci_bus %llx: buses nested deeper than 64 (a cycle?)",
				(unsigned long long)bus);
	if (kd_pci_bus_read(s, bus, NULL, 0, &parent, NULL) < 0)
		return -1;
	kd_printf(s, "  %s %s\n", kd_format_centred(b1, sizeof(b1), "PCI BUS", 16, false),
		  kd_format_centred(b2, sizeof(b2), "PARENT BUS", 16, false));
	kd_printf(s, "  %-16llx %-16llx\n", (unsigned long long)bus, (unsigned long long)parent);
	if (pci_devices(s, bus) < 0)
		return -1;
	kd_printf(s, "\n");
	return kd_pci_bus_children(s, bus, pci_child_bus, &depth) < 0 ? -1 : 0;
}

static int pci_root_bus(kd_session *s, uint64_t bus, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	(void)arg;
	char b1[64], b2[64], name[64];
	int depth = 0;
	kd_printf(s, "%s %s\n", kd_format_centred(b1, sizeof(b1), "ROOT BUS", 16, false),
		  kd_format_centred(b2, sizeof(b2), "BUSNAME", 7, false));
	if (kd_pci_bus_read(s, bus, name, sizeof(name), NULL, NULL) < 0)
		return -1;
	kd_printf(s, "%-16llx %s\n", (unsigned long long)bus, kd_format_centred(b2, sizeof(b2), name, 7, false));
	if (pci_devices(s, bus) < 0 || kd_pci_bus_children(s, bus, pci_child_bus, &depth) < 0)
		return -1;
	kd_printf(s, "\n");
	return 0;
}

static int show_pci(kd_session *s)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, "pci_root_buses");
	uint64_t first;
	if (!k)
		return kd_fail(s, "-p option not supported or applicable on this architecture or kernel");
	if (kd_read_u64(s, k->addr, &first) < 0)
		return -1;
	if (first == k->addr)
		return kd_fail(s, "no PCI devices found on this system.");
	return kd_pci_root_buses(s, pci_root_bus, NULL) < 0 ? -1 : 0;
}

/* ---- -d, -D ---- */

struct diskio {
	bool nonzero, drv;
};

static int disk_line(kd_session *s, const struct kd_disk *d, void *arg)
{
	const struct diskio *o = arg;
	if (!strncmp(d->name, "ram", 3) || !strncmp(d->name, "loop", 4))
		return 0; /* crash leaves RAM disks and loop devices out */
	if (o->nonzero && d->read + d->write == 0)
		return 0;
	kd_printf(s, "%5d %-16llx   %-10s %-16llx   %5d %5d %5d ", d->major, (unsigned long long)d->gendisk, d->name,
		  (unsigned long long)d->queue, (int)(d->read + d->write), (int)d->read, (int)d->write);
	if (d->has_drv)
		kd_printf(s, "%5u\n", d->drv);
	else
		kd_printf(s, "%s\n", o->drv && d->mq ? "N/A(MQ)" : "");
	return 0;
}

static int show_diskio(kd_session *s, bool nonzero)
{
	int64_t v;
	bool sync = kd_enum_find(s, "BLK_RW_SYNC", &v);
	struct diskio o = {nonzero, kd_member_exists(s, "request_queue", "in_flight")};
	kd_printf(s, "MAJOR %-18s NAME       %-18s TOTAL %5s %5s %s\n", "GENDISK", "REQUEST_QUEUE", sync ? "ASYNC" : "READ",
		  sync ? "SYNC" : "WRITE", o.drv ? "  DRV" : "");
	return kd_disks(s, disk_line, &o) < 0 ? -1 : 0;
}

/* -V, -v: the device dumps a kdump may carry; kdive lists none it cannot show. */
static int device_dumps(kd_session *s)
{
	if (!kd_device_dump_count(s))
		return kd_fail(s, "no device dumps found in this dumpfile");
	return kd_error(s, KD_EUNSUPP, 0, "this dumpfile's %zu device dumps (vmcoredd) are not supported",
			kd_device_dump_count(s));
}

static int cmd_dev(kd_session *s, int argc, char **argv)
{
	int c;
	bool bad = false, dump_index = false;
	while ((c = getopt(argc, argv, "dDpiVv:")) != -1) {
		switch (c) {
		case 'd': return show_diskio(s, false);
		case 'D': return show_diskio(s, true);
		case 'i': return show_resources(s);
		case 'p': return show_pci(s);
		case 'V': return device_dumps(s);
		case 'v': dump_index = true; break;
		default: bad = true; break;
		}
	}
	if (bad || optind + (dump_index ? 1 : 0) < argc)
		return kd_usage(s);
	if (dump_index)
		return device_dumps(s);
	return show_devices(s);
}

const struct kd_command kd_cmd_dev = {
	"dev", cmd_dev, "dev [-i | -p | -d | -D ] [-V | -v index [file]]", "device data",
	"Lists the character devices (chrdevs[]: each region's major, name, its cdev and\n"
	"the cdev's file operations), then the block devices (major_names[]: each major,\n"
	"name, the first disk registered with it and the disk's block operations).\n"
	"\n"
	"  -i   the I/O port and I/O memory resource trees (ioport_resource and\n"
	"       iomem_resource), each resource before the ones it contains.\n"
	"  -p   the PCI buses and devices: each device's name (domain:bus:slot.function),\n"
	"       class, vendor:device id and PCI Express port type.\n"
	"  -d   the disks and the requests their drivers hold in flight: read and write\n"
	"       (blk-mq: the tags in use whose request is in flight; bio-based: the\n"
	"       per-CPU disk statistics). RAM disks and loop devices are left out.\n"
	"  -D   the same, only disks with requests in flight.\n"
	"  -V, -v index [file]\n"
	"       the device dumps a kdump may carry (vmcoredd): kdive says when the dump\n"
	"       has none, and does not show them yet.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> dev\n"
	"  CHRDEV    NAME                 CDEV        OPERATIONS\n"
	"     1      mem            ffff8e80dbfd5380  memory_fops\n"
	"    13      input               (none)\n"
	"  ...\n"
	"  kdive> dev -d\n"
	"  MAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL  READ WRITE\n"
	"    254 ffff8a77c4767000   vda        ffff8a77c4739f00       0     0     0\n"
	"  kdive> dev -p\n"
	"  kdive> dev -i\n",
	KD_CMD_NEEDS_DUMP,
};
