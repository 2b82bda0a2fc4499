/*
 * kdive public API: devices (API 1.4): the character and block device majors, the I/O port and
 * memory resource trees, the PCI buses and devices, and the disks with the requests their
 * drivers hold in flight. What crash's dev command reads, for dev and for anything else that
 * wants the same walks. Every structure by member name, every walk bounded.
 */
#ifndef KDIVE_PUBLIC_DEVICE_H
#define KDIVE_PUBLIC_DEVICE_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/* A character device region (struct char_device_struct of chrdevs[]). */
struct kd_chrdev {
	uint64_t addr;      /* the char_device_struct */
	int major, baseminor, minorct;
	char name[65];
	uint64_t cdev;      /* its cdev, else the cdev cdev_map's probes register for (major, baseminor); 0 if none */
	uint64_t fops;      /* that cdev's file operations (cdev.ops), 0 if none was found */
};
typedef int (*kd_chrdev_fn)(kd_session *s, const struct kd_chrdev *d, void *arg);
/* Every region of chrdevs[] (bucket by bucket, each bucket's chain in order); 0 to go on,
 * KD_WALK_STOP, -1 to fail. Returns the count, or -1 with an error (the regions before it were
 * visited). */
KD_API long kd_chrdevs(kd_session *s, kd_chrdev_fn fn, void *arg);

/* A block device major (struct blk_major_name of major_names[]) and a disk registered with it. */
struct kd_blkdev {
	uint64_t addr;      /* the blk_major_name */
	int major;
	char name[17];
	uint64_t gendisk;   /* the first disk of this major with block operations (on the bdev filesystem's
			       inode list, 5.11+), 0 if none */
	uint64_t fops;      /* its gendisk.fops */
};
typedef int (*kd_blkdev_fn)(kd_session *s, const struct kd_blkdev *d, void *arg);
/* Every entry of major_names[] (bucket by bucket, each chain in order). As kd_chrdevs. */
KD_API long kd_blkdevs(kd_session *s, kd_blkdev_fn fn, void *arg);

/* A struct resource of the ioport_resource or iomem_resource tree. */
struct kd_resource {
	uint64_t addr;
	uint64_t start, end;
	char name[128];     /* "(unknown)" when it cannot be read */
	int depth;          /* 0 for the root */
};
typedef int (*kd_resource_fn)(kd_session *s, const struct kd_resource *r, void *arg);
/* The tree under root (a struct resource: the root itself first), each resource before its
 * children, then its next sibling. Bounded (at most 100000 resources, 64 levels). */
KD_API long kd_walk_resources(kd_session *s, uint64_t root, kd_resource_fn fn, void *arg);

/* A struct pci_dev. */
struct kd_pci_dev {
	uint64_t addr;
	char name[32];      /* its device's name: "0000:00:01.1" */
	uint32_t pci_class; /* pci_dev.class: class, subclass and programming interface */
	uint16_t vendor, device;
	uint8_t hdr_type;
	bool has_pcie_flags;
	uint16_t pcie_flags; /* pcie_flags_reg: the PCI Express capability's flags, 0 for a plain PCI device */
};
KD_API int kd_pci_dev_read(kd_session *s, uint64_t dev, struct kd_pci_dev *out);
/* The PCI root buses (struct pci_bus on pci_root_buses); -1 with KD_ENOTFOUND without that list. */
KD_API long kd_pci_root_buses(kd_session *s, kd_walk_fn fn, void *arg);
/* A bus's devices (struct pci_dev on its devices list) and its child buses (on children). */
KD_API long kd_pci_bus_devices(kd_session *s, uint64_t bus, kd_walk_fn fn, void *arg);
KD_API long kd_pci_bus_children(kd_session *s, uint64_t bus, kd_walk_fn fn, void *arg);
/* A bus's name ("0000:00"), its parent bus and the bridge device leading to it (pci_bus.self). */
KD_API int kd_pci_bus_read(kd_session *s, uint64_t bus, char *name, size_t size, uint64_t *parent, uint64_t *self);

/* A disk (struct gendisk) of the block class, with the requests in flight in its driver. */
struct kd_disk {
	uint64_t gendisk, queue;
	int major;
	char name[33];
	bool mq;            /* a blk-mq queue (its requests counted from the tags in use), else
			       bio-based (counted in its per-CPU disk_stats) */
	uint32_t read, write; /* requests in flight */
	bool has_drv;         /* the queue counts the requests its driver holds (request_queue.in_flight,
				 kernels before 5.0) and the disk is not blk-mq: */
	uint32_t drv;         /* that count (both directions) */
};
typedef int (*kd_disk_fn)(kd_session *s, const struct kd_disk *d, void *arg);
/* Every disk on the block class's device list, in its order (partitions left out). A disk whose
 * in-flight requests cannot be counted fails the walk. As kd_chrdevs. */
KD_API long kd_disks(kd_session *s, kd_disk_fn fn, void *arg);

/* How many device dumps (vmcoredd: ELF notes of type NT_VMCOREDD that drivers add to a kdump)
 * the dump file carries; 0 without a dump. */
KD_API size_t kd_device_dump_count(kd_session *s);

KD_END_DECLS

#endif
