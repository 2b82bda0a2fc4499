#include "linux/fs.h"

#include <string.h>

#include "linux/kernel.h"
#include "debuginfo/types.h"

#define PATH_DEPTH_MAX 256

struct fs_offsets {
	uint64_t d_parent, d_name_name, d_name_len, mnt_in_mount, mnt_parent, mnt_mountpoint, mnt_root;
};

static int offsets(kd_session *s, struct fs_offsets *o)
{
	if (member_off(s, "dentry", "d_parent", &o->d_parent) < 0 || member_off(s, "dentry", "d_name.name", &o->d_name_name) < 0 ||
	    member_off(s, "dentry", "d_name.len", &o->d_name_len) < 0 || member_off(s, "mount", "mnt", &o->mnt_in_mount) < 0 ||
	    member_off(s, "mount", "mnt_parent", &o->mnt_parent) < 0 ||
	    member_off(s, "mount", "mnt_mountpoint", &o->mnt_mountpoint) < 0 ||
	    member_off(s, "vfsmount", "mnt_root", &o->mnt_root) < 0)
		return -1;
	return 0;
}

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

int kd_fs_path(kd_session *s, uint64_t vfsmount, uint64_t dentry, char *out, size_t size)
{
	struct fs_offsets o;
	if (offsets(s, &o) < 0)
		return -1;
	char buf[4096];
	size_t pos = sizeof(buf) - 1;
	buf[pos] = '\0';
	uint64_t mount = vfsmount ? vfsmount - o.mnt_in_mount : 0;
	for (int depth = 0; depth < PATH_DEPTH_MAX && dentry; depth++) {
		uint64_t root = 0, parent;
		if (vfsmount)
			kd_read_kv(s, vfsmount + o.mnt_root, &root, 8);
		if (dentry == root) {
			uint64_t pm, mp;
			if (kd_read_kv(s, mount + o.mnt_parent, &pm, 8) < 0 || pm == mount || !pm)
				break; /* the namespace root */
			if (kd_read_kv(s, mount + o.mnt_mountpoint, &mp, 8) < 0)
				return -1;
			mount = pm;
			vfsmount = pm + o.mnt_in_mount;
			dentry = mp;
			continue;
		}
		if (kd_read_kv(s, dentry + o.d_parent, &parent, 8) < 0)
			return -1;
		uint64_t name_ptr, len = 0;
		char name[256];
		if (kd_read_kv(s, dentry + o.d_name_name, &name_ptr, 8) < 0 || kd_read_int(s, dentry + o.d_name_len, 4, &len) < 0)
			return -1;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		if (len && kd_read_kv(s, name_ptr, name, len) < 0)
			return -1;
		if (parent == dentry)
			break; /* root of a filesystem that is not mounted here */
		if (prepend(s, buf, &pos, name, len) < 0)
			return -1;
		dentry = parent;
	}
	if (buf[pos] == '\0')
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%s", buf + pos);
	return 0;
}

int kd_fs_file_path(kd_session *s, uint64_t file, char *buf, size_t size)
{
	uint64_t mnt, dentry;
	if (kd_read_member_ptr(s, file, "file", "f_path.mnt", &mnt) < 0 || kd_read_member_ptr(s, file, "file", "f_path.dentry", &dentry) < 0)
		return -1;
	return kd_fs_path(s, mnt, dentry, buf, size);
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
