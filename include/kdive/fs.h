/*
 * kdive public API: files and filesystems: a task's open files, the mounts of a mount namespace,
 * an inode's page cache. One walker of each, shared by files, fuser, mount and foreach.
 * (Paths of dentries and files, and crash's inode type, are in <kdive/linux.h>.)
 */
#ifndef KDIVE_PUBLIC_FS_H
#define KDIVE_PUBLIC_FS_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/* A task's root and working directory (task_struct.fs); all 0 for a task without an fs_struct. */
struct kd_task_fs {
	uint64_t fs;                      /* the fs_struct, 0 for an exited task */
	uint64_t root_mnt, root_dentry;   /* fs_struct.root: vfsmount, dentry */
	uint64_t pwd_mnt, pwd_dentry;     /* fs_struct.pwd */
};
/* -1 with an error naming the task or fs_struct when they cannot be read. */
KD_API int kd_task_fs(kd_session *s, uint64_t task, struct kd_task_fs *out);

/* One open file descriptor of a task. */
struct kd_open_file {
	unsigned fd;
	unsigned max_fds;  /* the fdtable's size */
	uint64_t file;     /* struct file (never 0) */
	uint64_t dentry;   /* f_path.dentry (may be 0) */
	uint64_t vfsmount; /* f_path.mnt */
	uint64_t inode;    /* the dentry's d_inode (0 without a dentry) */
};
typedef int (*kd_file_fn)(kd_session *s, const struct kd_open_file *f, void *arg);
/*
 * Each open file of a task, in descriptor order, as the fdtable's open_fds bitmap and fd array
 * hold them (a descriptor whose bit is clear, or whose file is NULL, is not open). fn returns
 * 0 to go on, KD_WALK_STOP to stop, -1 to fail the walk. Returns the number of files visited
 * (0 for a task without files_struct), or -1 with an error naming the fdtable when it is
 * unreadable or claims more than 2^24 descriptors.
 */
KD_API long kd_task_files(kd_session *s, uint64_t task, kd_file_fn fn, void *arg);

/* The mounts of a task's mount namespace (nsproxy->mnt_ns), as struct mount addresses in the
 * namespace's order (its list, the root mount first, or its rbtree on 6.8+); *out is allocated
 * (free() it). Cursor entries (no superblock, MNT_CURSOR) are skipped. Returns the count, or -1
 * with an error naming the namespace. A broken list gives the mounts found walking it both ways
 * (KD_WALK_BOTH) with its error left in the session (kd_last_code() != KD_OK) and the count. */
KD_API long kd_mount_list(kd_session *s, uint64_t task, uint64_t **out);
/* The offset of struct vfsmount mnt in struct mount (vfsmount = mount + this). */
KD_API uint64_t kd_mount_vfsmount_offset(kd_session *s);

/* What mount prints of one mount: struct mount members, the superblock's type name, the device
 * name and the mount point's path. */
struct kd_mount_info {
	uint64_t mount, vfsmount, sb, parent, mountpoint, root;
	char type[64];      /* "" when unreadable */
	char devname[256];  /* "" when unreadable */
	bool type_ok, devname_ok;
};
KD_API int kd_mount_read(kd_session *s, uint64_t mount, struct kd_mount_info *out);

/* An inode's page cache: i_mapping, its nrpages, and each page (struct page of a page or a
 * folio's head) from the address space's XArray, shadow entries left out. fn as the walkers call
 * it: pos->index the page index, pos->min..pos->max the indexes a folio covers (min == max for a
 * single page). kd_inode_mapping: -1 with an error when the inode cannot be read. */
KD_API int kd_inode_mapping(kd_session *s, uint64_t inode, uint64_t *mapping, uint64_t *nrpages);
KD_API long kd_walk_page_cache(kd_session *s, uint64_t mapping, kd_walk_fn fn, void *arg);

/*
 * The block devices' page cache, as the kernel's nr_blockdev_pages() counts it (/proc/meminfo's
 * Buffers, kmem -i's BUFFERS): the sum of i_mapping->nrpages over the block-device inodes, the
 * inodes of blockdev_superblock's s_inodes list (5.9+), or each block_device's bd_inode on the
 * all_bdevs list before. -1 with KD_ENOTFOUND when the kernel has neither, or with an error
 * naming the list and where it broke (*pages then holds the pages counted before the break).
 */
KD_API int kd_blockdev_pages(kd_session *s, uint64_t *pages);

/* The path files shows for an open file: kd_fs_file_path, with crash's devpts and devtmpfs
 * adjustments ("/dev" before a devpts "/pts/..."). */
KD_API int kd_fs_open_file_path(kd_session *s, uint64_t file, char *buf, size_t size);

KD_END_DECLS

#endif
