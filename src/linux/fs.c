#include "linux/fs.h"

#include <limits.h>
#include <string.h>

#include "linux/kernel.h"
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

/* A mount: where it is mounted, and its own root (struct mount, around its struct vfsmount mnt). */
struct mount_view {
	uint64_t parent, mountpoint, root;
};
static const struct kd_field mount_fields[] = {
	KD_FIELD(struct mount_view, parent, "mnt_parent", 0),
	KD_FIELD(struct mount_view, mountpoint, "mnt_mountpoint", 0),
	KD_FIELD(struct mount_view, root, "mnt.mnt_root", 0),
};

/* Prepend "/name" to the path being built right-to-left in buf[0..*pos). */
static int prepend(kd_session *s, char *buf, size_t *pos, const char *name, size_t len)
{
	if (len + 1 > *pos)
		return kd_fail(s, "path too long");
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
	return 0;
}

/* The mount around a vfsmount; false (its root unknown) when it cannot be read. */
static bool read_mount(kd_session *s, uint64_t mount, struct mount_view *m)
{
	if (kd_read_struct(s, mount, "mount", mount_fields, ARRAY_SIZE(mount_fields), m, NULL) == 0)
		return true;
	memset(m, 0, sizeof(*m));
	return false;
}

int kd_fs_path(kd_session *s, uint64_t vfsmount, uint64_t dentry, char *out, size_t size)
{
	struct kd_member_info mnt;
	if (kd_member_info(s, "mount", "mnt", &mnt) < 0 ||
	    kd_struct_check(s, "mount", mount_fields, ARRAY_SIZE(mount_fields), NULL) < 0 ||
	    kd_struct_check(s, "dentry", dentry_fields, ARRAY_SIZE(dentry_fields), NULL) < 0)
		return -1;
	char buf[PATH_MAX]; /* the kernel's own bound on a path */
	size_t pos = sizeof(buf) - 1;
	buf[pos] = '\0';
	uint64_t mount = vfsmount ? vfsmount - mnt.offset : 0;
	struct mount_view m = {0};
	bool have_mount = vfsmount && read_mount(s, mount, &m);
	for (int depth = 0; depth < PATH_DEPTH_MAX && dentry; depth++) {
		if (have_mount && dentry == m.root) {
			if (m.parent == mount || !m.parent)
				break; /* the namespace root */
			mount = m.parent;
			dentry = m.mountpoint;
			have_mount = read_mount(s, mount, &m);
			continue;
		}
		struct dentry_view d;
		char name[256];
		if (kd_read_struct(s, dentry, "dentry", dentry_fields, ARRAY_SIZE(dentry_fields), &d, NULL) < 0)
			return -1;
		size_t len = MIN((size_t)d.len, sizeof(name) - 1);
		if (len && kd_read_kv(s, d.name, name, len) < 0)
			return -1;
		if (d.parent == dentry)
			break; /* root of a filesystem that is not mounted here */
		if (prepend(s, buf, &pos, name, len) < 0)
			return -1;
		dentry = d.parent;
	}
	if (buf[pos] == '\0')
		snprintf(out, size, "/");
	else
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
