#include "linux/fs.h"

#include <limits.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/mm.h"
#include "debuginfo/types.h"

#define PATH_DEPTH_MAX 256

/* A dentry's link to its parent and its name (struct dentry). */
struct dentry_view {
	uint64_t parent, name;
	uint32_t len;
};
static const struct kd_field dentry_fields[] = {
	KD_FIELD(struct dentry_view, parent, "d_parent", 0),
	KD_FIELD(struct dentry_view, name, "d_name.name", 0),
	KD_FIELD(struct dentry_view, len, "d_name.len", 0),
};

/* A mount: where it is mounted (struct mount, around its struct vfsmount mnt). */
struct mount_view {
	uint64_t parent, mountpoint;
};
static const struct kd_field mount_fields[] = {
	KD_FIELD(struct mount_view, parent, "mnt_parent", 0),
	KD_FIELD(struct mount_view, mountpoint, "mnt_mountpoint", 0),
};

/*
 * The path of a dentry as crash builds it (its get_pathname): each dentry's name is put before
 * the path so far, up to the root of its filesystem (a dentry that is its own parent); there the
 * walk goes on from the mount point of the mount, in the parent mount, until a mount that is its
 * own parent. A name that cannot be read, or is empty, ends the walk (a pipe's dentry: no path).
 */
int kd_fs_path(kd_session *s, uint64_t vfsmount, uint64_t dentry, char *out, size_t size)
{
	struct kd_member_info mnt;
	if (kd_member_info(s, "mount", "mnt", &mnt) < 0 ||
	    kd_struct_check(s, "mount", mount_fields, ARRAY_SIZE(mount_fields), NULL) < 0 ||
	    kd_struct_check(s, "dentry", dentry_fields, ARRAY_SIZE(dentry_fields), NULL) < 0)
		return -1;
	char buf[PATH_MAX + 2]; /* the kernel's own bound on a path */
	size_t pos = sizeof(buf) - 1;
	buf[pos] = '\0';
	uint64_t start = dentry, parent = dentry;
	int depth = 0;
	for (; parent; depth++) {
		if (depth == PATH_DEPTH_MAX)
			return kd_error(s, KD_EFORMAT, parent, "dentry %llx: path deeper than %d levels (a cycle in its d_parent or mount chain?)",
					(unsigned long long)start, PATH_DEPTH_MAX);
		uint64_t cur = parent;
		struct dentry_view d;
		char name[NAME_MAX + 2];
		if (kd_read_struct(s, cur, "dentry", dentry_fields, ARRAY_SIZE(dentry_fields), &d, NULL) < 0)
			return -1;
		if (!d.len || !d.name || d.len > NAME_MAX)
			break;
		if (kd_read_string(s, d.name, name, sizeof(name)) < 0 || strlen(name) != d.len) {
			kd_clear_error(s);
			break;
		}
		size_t len = d.len;
		/* "name/" before a path not starting with '/'; the root's "/" (or a name before a path
		   that starts with '/') goes in as it is */
		bool slash = cur != start && (len > 1 || name[0] != '/') && buf[pos] != '/';
		if (len + slash > pos)
			return kd_fail(s, "path of dentry %llx too long", (unsigned long long)start);
		if (slash)
			buf[--pos] = '/';
		pos -= len;
		memcpy(buf + pos, name, len);
		parent = d.parent;
		if (parent != cur)
			continue;
		if (!vfsmount)
			break;
		if (buf[pos] == '/' && buf[pos + 1] == '/')
			pos++;
		uint64_t mount = vfsmount - mnt.offset;
		struct mount_view m;
		if (kd_read_struct(s, mount, "mount", mount_fields, ARRAY_SIZE(mount_fields), &m, NULL) < 0)
			return -1;
		if (m.parent == mount)
			break;
		parent = m.mountpoint;
		vfsmount = m.parent + mnt.offset;
	}
	size_t n = strlen(buf + pos);
	if (n > 1 && buf[pos + n - 1] == '/')
		buf[pos + n - 1] = '\0';
	snprintf(out, size, "%s", buf + pos);
	return 0;
}

/* An open file's path (struct file's f_path). */
struct path_view {
	uint64_t mnt, dentry;
};
static const struct kd_field file_path_fields[] = {
	KD_FIELD(struct path_view, mnt, "f_path.mnt", 0),
	KD_FIELD(struct path_view, dentry, "f_path.dentry", 0),
};

int kd_fs_file_path(kd_session *s, uint64_t file, char *buf, size_t size)
{
	struct path_view p;
	if (kd_read_struct(s, file, "file", file_path_fields, ARRAY_SIZE(file_path_fields), &p, NULL) < 0)
		return -1;
	return kd_fs_path(s, p.mnt, p.dentry, buf, size);
}

const char *kd_fs_inode_type(kd_session *s, uint64_t inode)
{
	uint64_t mode;
	if (!inode || kd_read_member(s, inode, "inode", "i_mode", &mode) < 0) {
		kd_err_clear(&s->err);
		return "UNKN";
	}
	switch (mode & 0170000) {
	case 0100000: return "REG";
	case 0040000: return "DIR";
	case 0020000: return "CHR";
	case 0060000: return "BLK";
	case 0010000: return "FIFO";
	case 0120000: return "LNK";
	case 0140000: return "SOCK";
	default: return "UNKN";
	}
}

/* ---- a task's root, working directory and open files ---- */

struct fs_view {
	uint64_t root_mnt, root_dentry, pwd_mnt, pwd_dentry;
};
static const struct kd_field fs_fields[] = {
	KD_FIELD(struct fs_view, root_mnt, "root.mnt", 0),
	KD_FIELD(struct fs_view, root_dentry, "root.dentry", 0),
	KD_FIELD(struct fs_view, pwd_mnt, "pwd.mnt", 0),
	KD_FIELD(struct fs_view, pwd_dentry, "pwd.dentry", 0),
};

int kd_task_fs(kd_session *s, uint64_t task, struct kd_task_fs *out)
{
	memset(out, 0, sizeof(*out));
	if (kd_read_member_ptr(s, task, "task_struct", "fs", &out->fs) < 0)
		return -1;
	if (!out->fs)
		return 0;
	struct fs_view v;
	if (kd_read_struct(s, out->fs, "fs_struct", fs_fields, ARRAY_SIZE(fs_fields), &v, NULL) < 0)
		return -1;
	out->root_mnt = v.root_mnt;
	out->root_dentry = v.root_dentry;
	out->pwd_mnt = v.pwd_mnt;
	out->pwd_dentry = v.pwd_dentry;
	return 0;
}

#define FDS_MAX (1u << 24) /* far beyond any real fdtable (the kernel's sysctl_nr_open bound is 2^30, its default 2^20) */

struct fdtable_view {
	uint32_t max_fds;
	uint64_t fd, open_fds;
};
static const struct kd_field fdtable_fields[] = {
	KD_FIELD(struct fdtable_view, max_fds, "max_fds", 0),
	KD_FIELD(struct fdtable_view, fd, "fd", 0),
	KD_FIELD(struct fdtable_view, open_fds, "open_fds", 0),
};

long kd_task_files(kd_session *s, uint64_t task, kd_file_fn fn, void *arg)
{
	uint64_t files, fdt, dentry_off, mnt_off, inode_off;
	if (kd_read_member_ptr(s, task, "task_struct", "files", &files) < 0)
		return -1;
	if (!files)
		return 0;
	if (kd_read_member_ptr(s, files, "files_struct", "fdt", &fdt) < 0 ||
	    kd_member_offset(s, "file", "f_path.dentry", &dentry_off) < 0 ||
	    kd_member_offset(s, "file", "f_path.mnt", &mnt_off) < 0 ||
	    kd_member_offset(s, "dentry", "d_inode", &inode_off) < 0)
		return -1;
	if (!fdt)
		return 0;
	struct fdtable_view t;
	if (kd_read_struct(s, fdt, "fdtable", fdtable_fields, ARRAY_SIZE(fdtable_fields), &t, NULL) < 0)
		return -1;
	if (t.max_fds > FDS_MAX)
		return kd_error(s, KD_EFORMAT, fdt, "fdtable %llx claims %u descriptors", (unsigned long long)fdt, t.max_fds);
	if (!t.max_fds || !t.open_fds || !t.fd)
		return 0;
	size_t words = (t.max_fds + 63) / 64;
	uint64_t *bits = kd_xcalloc(words, 8);
	long count = 0;
	if (kd_read_kv(s, t.open_fds, bits, (t.max_fds + 7) / 8) < 0) {
		free(bits);
		return kd_error(s, kd_last_code(s), t.open_fds, "fdtable %llx: open_fds unreadable at %llx", (unsigned long long)fdt,
				(unsigned long long)t.open_fds);
	}
	for (uint32_t fd = 0; fd < t.max_fds; fd++) {
		if (!(bits[fd / 64] >> (fd % 64) & 1))
			continue;
		struct kd_open_file f = {.fd = fd, .max_fds = t.max_fds};
		if (kd_read_kv(s, t.fd + (uint64_t)fd * 8, &f.file, 8) < 0) {
			count = kd_error(s, kd_last_code(s), t.fd + (uint64_t)fd * 8, "fdtable %llx: fd %u unreadable at %llx",
					 (unsigned long long)fdt, fd, (unsigned long long)(t.fd + (uint64_t)fd * 8));
			break;
		}
		if (!f.file)
			continue;
		/* a file whose dentry or inode cannot be read is still an open file: shown with what is known */
		if (kd_read_kv(s, f.file + dentry_off, &f.dentry, 8) < 0 || kd_read_kv(s, f.file + mnt_off, &f.vfsmount, 8) < 0 ||
		    (f.dentry && kd_read_kv(s, f.dentry + inode_off, &f.inode, 8) < 0))
			kd_clear_error(s);
		count++;
		int r = fn(s, &f, arg);
		if (r < 0) {
			count = -1;
			break;
		}
		if (r == KD_WALK_STOP)
			break;
	}
	free(bits);
	return count;
}

/* ---- mounts ---- */

uint64_t kd_mount_vfsmount_offset(kd_session *s)
{
	uint64_t off = kd_member_offset_opt(s, "mount", "mnt");
	return off == UINT64_MAX ? 0 : off;
}

struct mount_collect {
	VEC(uint64_t) v;
	uint64_t sb_off, flags_off;
};

#define MNT_CURSOR 0x10000000 /* the kernel's cursor entries in a namespace's list, 5.8-6.7 */

static int collect_mount(kd_session *s, uint64_t mount, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct mount_collect *c = arg;
	uint64_t sb = 0;
	uint32_t flags = 0;
	if (c->flags_off != UINT64_MAX && kd_read_kv(s, mount + c->sb_off, &sb, 8) == 0 && !sb &&
	    kd_read_kv(s, mount + c->flags_off, &flags, 4) == 0 && flags == MNT_CURSOR)
		return 0;
	kd_clear_error(s);
	VEC_PUSH(&c->v, mount);
	return 0;
}

long kd_mount_list(kd_session *s, uint64_t task, uint64_t **out)
{
	*out = NULL;
	uint64_t nsproxy, mnt_ns;
	if (kd_read_member_ptr(s, task, "task_struct", "nsproxy", &nsproxy) < 0)
		return -1;
	if (!nsproxy || kd_read_member_ptr(s, nsproxy, "nsproxy", "mnt_ns", &mnt_ns) < 0 || !mnt_ns)
		return kd_error(s, KD_ENOTFOUND, nsproxy, "cannot determine mount list location!");
	struct mount_collect c = {.sb_off = kd_member_offset_opt(s, "mount", "mnt.mnt_sb"),
				  .flags_off = kd_member_offset_opt(s, "mount", "mnt.mnt_flags")};
	if (c.sb_off == UINT64_MAX)
		c.flags_off = UINT64_MAX;
	long n;
	uint64_t node_off = kd_member_offset_opt(s, "mount", "mnt_node");
	uint64_t mounts_off = kd_member_offset_opt(s, "mnt_namespace", "mounts");
	if (node_off != UINT64_MAX && mounts_off != UINT64_MAX) {
		/* 6.8+: an rbtree in mount order */
		n = kd_walk_rbtree(s, mnt_ns + mounts_off, node_off, KD_WALK_INORDER, collect_mount, &c);
	} else {
		uint64_t list_off, head_off;
		if (kd_member_offset(s, "mount", "mnt_list", &list_off) < 0 ||
		    kd_member_offset(s, "mnt_namespace", "list", &head_off) < 0)
			return -1;
		/* the namespace's list (the root mount first); a broken one is walked back from its head too */
		n = kd_walk_list(s, mnt_ns + head_off, list_off, KD_WALK_BOTH, collect_mount, &c);
	}
	if (n < 0 && !c.v.len) {
		VEC_FREE(&c.v);
		return -1;
	}
	*out = c.v.items;
	return (long)c.v.len;
}

static const struct kd_field mount_info_fields[] = {
	KD_FIELD(struct kd_mount_info, parent, "mnt_parent", 0),
	KD_FIELD(struct kd_mount_info, mountpoint, "mnt_mountpoint", 0),
	KD_FIELD(struct kd_mount_info, sb, "mnt.mnt_sb", 0),
	KD_FIELD(struct kd_mount_info, root, "mnt.mnt_root", 0),
};

int kd_mount_read(kd_session *s, uint64_t mount, struct kd_mount_info *out)
{
	memset(out, 0, sizeof(*out));
	out->mount = mount;
	out->vfsmount = mount + kd_mount_vfsmount_offset(s);
	if (kd_read_struct(s, mount, "mount", mount_info_fields, ARRAY_SIZE(mount_info_fields), out, NULL) < 0)
		return -1;
	out->mount = mount;
	uint64_t devp, type, name;
	if (kd_read_member_ptr(s, mount, "mount", "mnt_devname", &devp) == 0 &&
	    kd_read_string(s, devp, out->devname, sizeof(out->devname)) == 0)
		out->devname_ok = true;
	kd_clear_error(s);
	if (out->sb && kd_read_member_ptr(s, out->sb, "super_block", "s_type", &type) == 0 &&
	    kd_read_member_ptr(s, type, "file_system_type", "name", &name) == 0 &&
	    kd_read_string(s, name, out->type, sizeof(out->type)) == 0)
		out->type_ok = true;
	kd_clear_error(s);
	return 0;
}

/* ---- an inode's page cache ---- */

int kd_inode_mapping(kd_session *s, uint64_t inode, uint64_t *mapping, uint64_t *nrpages)
{
	if (kd_read_member_ptr(s, inode, "inode", "i_mapping", mapping) < 0)
		return -1;
	*nrpages = 0;
	return *mapping ? kd_read_member(s, *mapping, "address_space", "nrpages", nrpages) : 0;
}

struct page_cache_walk {
	kd_walk_fn fn;
	void *arg;
};

#define FOLIO_ORDER_MAX 20 /* beyond any folio (1 GB pages are order 18) */

/* The order of the folio whose head is page (0 for a page that is no head): the head's PG_head
 * flag, then the order where this kernel keeps it (folio._flags_1's low byte since 6.6,
 * folio._folio_order in 6.1, page[1].compound_order before folios). */
static unsigned folio_order(kd_session *s, uint64_t page)
{
	int64_t head_bit;
	uint64_t flags, off, size = kd_page_struct_size(s);
	uint8_t order = 0;
	if (!size || !kd_enum_find(s, "PG_head", &head_bit) || head_bit < 0 || head_bit > 63 ||
	    kd_read_member(s, page, "page", "flags", &flags) < 0 || !(flags >> head_bit & 1)) {
		kd_clear_error(s);
		return 0;
	}
	if ((off = kd_member_offset_opt(s, "folio", "_flags_1")) != UINT64_MAX ||
	    (off = kd_member_offset_opt(s, "folio", "_folio_order")) != UINT64_MAX)
		kd_read_kv(s, page + off, &order, 1);
	else if ((off = kd_member_offset_opt(s, "page", "compound_order")) != UINT64_MAX)
		kd_read_kv(s, page + size + off, &order, 1);
	kd_clear_error(s);
	return order <= FOLIO_ORDER_MAX ? order : 0;
}

static int page_cache_entry(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct page_cache_walk *w = arg;
	if (entry & 3)
		return 0; /* a value entry: a shadow of an evicted page, or a swap entry */
	struct kd_walk_pos p = *pos;
	p.min = pos->index;
	p.max = pos->index + (1ull << folio_order(s, entry)) - 1;
	return w->fn(s, entry, &p, w->arg);
}

long kd_walk_page_cache(kd_session *s, uint64_t mapping, kd_walk_fn fn, void *arg)
{
	uint64_t off;
	if (kd_member_offset(s, "address_space", "i_pages", &off) < 0)
		return -1;
	struct page_cache_walk w = {fn, arg};
	return kd_walk_xarray(s, mapping + off, 0, page_cache_entry, &w);
}

/* ---- the block devices' page cache ---- */

static int add_inode_pages(kd_session *s, uint64_t inode, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	uint64_t mapping, nrpages;
	if (kd_inode_mapping(s, inode, &mapping, &nrpages) < 0)
		return kd_fail_prefix(s, "inode %llx", (unsigned long long)inode);
	*(uint64_t *)arg += nrpages;
	return 0;
}

static int add_bdev_pages(kd_session *s, uint64_t bdev, const struct kd_walk_pos *pos, void *arg)
{
	uint64_t inode;
	if (kd_read_member_ptr(s, bdev, "block_device", "bd_inode", &inode) < 0)
		return kd_fail_prefix(s, "block_device %llx", (unsigned long long)bdev);
	return add_inode_pages(s, inode, pos, arg);
}

int kd_blockdev_pages(kd_session *s, uint64_t *pages)
{
	*pages = 0;
	const struct kd_symbol *all = kd_symbol_lookup(s, "all_bdevs");
	uint64_t off;
	if (all) { /* before 5.9: every block_device on one list */
		if (kd_member_offset(s, "block_device", "bd_list", &off) < 0)
			return -1;
		if (kd_walk_list(s, all->addr, off, 0, add_bdev_pages, pages) < 0)
			return kd_fail_prefix(s, "the block devices (all_bdevs)");
		return 0;
	}
	const struct kd_symbol *bsb = kd_symbol_lookup(s, "blockdev_superblock");
	if (!bsb)
		return kd_error(s, KD_ENOTFOUND, 0, "neither all_bdevs nor blockdev_superblock: no block devices to count");
	uint64_t sb, head_off;
	if (kd_read_u64(s, bsb->addr, &sb) < 0 || kd_member_offset(s, "super_block", "s_inodes", &head_off) < 0 ||
	    kd_member_offset(s, "inode", "i_sb_list", &off) < 0)
		return -1;
	if (!sb)
		return 0; /* not set up yet: no block devices */
	if (kd_walk_list(s, sb + head_off, off, 0, add_inode_pages, pages) < 0)
		return kd_fail_prefix(s, "the block devices' inodes (blockdev_superblock's s_inodes)");
	return 0;
}

/* ---- the path files shows ---- */

int kd_fs_open_file_path(kd_session *s, uint64_t file, char *buf, size_t size)
{
	struct path_view p;
	if (kd_read_struct(s, file, "file", file_path_fields, ARRAY_SIZE(file_path_fields), &p, NULL) < 0)
		return -1;
	if (kd_fs_path(s, p.mnt, p.dentry, buf, size) < 0)
		return -1;
	struct kd_mount_info m;
	if (strncmp(buf, "/pts/", 5) == 0 && kd_mount_read(s, p.mnt - kd_mount_vfsmount_offset(s), &m) == 0) {
		if (m.devname_ok && strcmp(m.devname, "devpts") == 0 && strlen(buf) + 5 <= size) {
			memmove(buf + 4, buf, strlen(buf) + 1);
			memcpy(buf, "/dev", 4);
		}
	}
	kd_clear_error(s); /* a mount that cannot be read: the path as it is */
	return 0;
}
