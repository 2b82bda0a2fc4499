/* mount: the mounts of a mount namespace, as crash prints them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

static const char mount_header[] = "     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n";

static void mount_line(kd_session *s, uint64_t mount)
{
	struct kd_mount_info m;
	bool json = kd_json_active(s);
	if (kd_mount_read(s, mount, &m) < 0) {
		if (json) {
			kd_json_object_begin(s, NULL);
			kd_json_addr(s, "mount", mount);
			kd_json_error(s, "error");
			kd_json_end(s);
			return;
		}
		kd_printf(s, "mount: %s\n", kd_last_error(s));
		kd_clear_error(s);
		return;
	}
	if (!m.sb && json) {
		kd_json_object_begin(s, NULL);
		kd_json_addr(s, "mount", mount);
		kd_json_str(s, "error", "cannot get super_block from vfsmnt");
		kd_json_end(s);
		return;
	}
	if (!m.sb) {
		kd_printf(s, "mount: WARNING: cannot get super_block from vfsmnt: 0x%llx\n", (unsigned long long)mount);
		return;
	}
	char cols[600], dev[300];
	snprintf(dev, sizeof(dev), "%-9s", m.devname_ok ? m.devname : "(unknown)");
	if (m.type_ok)
		snprintf(cols, sizeof(cols), "%-6s %s ", m.type, dev);
	else
		snprintf(cols, sizeof(cols), "unknown %s ", dev);
	/* crash trims the padding of long type and device names down to one space */
	size_t len = strlen(cols);
	while (len > 17 && cols[len - 2] == ' ')
		cols[--len] = 0;
	char dir[4096] = "";
	if (kd_fs_path(s, m.parent + kd_mount_vfsmount_offset(s), m.mountpoint, dir, sizeof(dir)) < 0) {
		dir[0] = '\0';
		kd_clear_error(s);
	}
	if (json) {
		kd_json_object_begin(s, NULL);
		kd_json_addr(s, "mount", mount);
		kd_json_addr(s, "superblock", m.sb);
		kd_json_str(s, "type", m.type_ok ? m.type : NULL);
		kd_json_str(s, "devname", m.devname_ok ? m.devname : NULL);
		kd_json_str(s, "dirname", dir);
		kd_json_end(s);
		return;
	}
	kd_printf(s, "%16llx %16llx %s%-10s\n", (unsigned long long)mount, (unsigned long long)m.sb, cols, dir);
}

static int cmd_mount(kd_session *s, int argc, char **argv)
{
	int c;
	const struct task_info *ns = NULL;
	bool files = false, inodes = false;
	while ((c = getopt(argc, argv, "ifn:")) != -1) {
		switch (c) {
		case 'i':
			inodes = true;
			break;
		case 'f':
			files = true;
			break;
		case 'n':
			if (!(ns = kd_task_from_arg(s, optarg))) {
				kd_clear_error(s);
				return kd_fail(s, "invalid task or pid value: %s", optarg);
			}
			break;
		default:
			return kd_usage(s);
		}
	}
	/* Since 2.6.x the superblock keeps neither an open-file list (s_files) nor a dirty-inode
	 * list (s_dirty): crash refuses -f and -i, and an argument (whose search lists both where
	 * they exist) fails on the same check. */
	if (inodes && !kd_member_exists(s, "super_block", "s_dirty")) {
		kd_printf(s, "mount: the super_block.s_dirty linked list does not exist in this kernel\n");
		return kd_fail(s, "-i option not supported or applicable on this architecture or kernel");
	}
	if ((files || optind < argc) && !kd_member_exists(s, "super_block", "s_files")) {
		static const char info[] = "mount: the super_block.s_files linked list does not exist in this kernel\n",
				  refusal[] = "-f option not supported or applicable on this architecture or kernel";
		if (files) {
			kd_printf(s, "%s", info);
			return kd_fail(s, "%s", refusal);
		}
		/* An argument: crash lists the mounts with their files into a scratch file to search it,
		   and refuses there, so its output stays empty and the refusal reaches only the terminal.
		   A failure with no message: the shell prints nothing more. */
		fprintf(stderr, "%smount: %s\n", info, refusal);
		return kd_error(s, KD_EUNSUPP, 0, "%s", "");
	}
	if (files || inodes || optind < argc)
		return kd_fail(s, "this kernel's super_block lists are not supported");
	if (!ns) {
		/* crash's default: the namespace of the lowest pid above 0 (init) */
		const struct kd_task_table *tt = kd_tasks_get(s);
		if (!tt)
			return -1;
		for (size_t i = 0; i < tt->len; i++)
			if (tt->tasks[i].pid > 0 && (!ns || tt->tasks[i].pid < ns->pid))
				ns = &tt->tasks[i];
		if (!ns)
			return kd_fail(s, "no task with a mount namespace");
	}
	uint64_t *mounts;
	long n = kd_mount_list(s, ns->task, &mounts);
	if (n < 0)
		return -1;
	char broken[512] = ""; /* a broken list: the mounts found, then why */
	uint64_t broken_at = kd_last_addr(s);
	enum kd_errcode code = kd_last_code(s);
	if (code != KD_OK)
		snprintf(broken, sizeof(broken), "%s", kd_last_error(s));
	kd_clear_error(s);
	if (kd_json_active(s)) /* {mounts: [...]} */
		kd_json_array_begin(s, "mounts");
	else
		kd_printf(s, "%s", mount_header);
	for (long i = 0; i < n; i++)
		mount_line(s, mounts[i]);
	if (kd_json_active(s))
		kd_json_end(s);
	free(mounts);
	return broken[0] ? kd_error(s, code, broken_at, "%s", broken) : 0;
}

const struct kd_command kd_cmd_mount = {
	"mount", cmd_mount, "mount [-f][-i] [-n pid|task] [mount|vfsmount|superblock|dev|dir|dentry|inode]", "mounted filesystems",
	"Lists the mounts of a mount namespace (init's, or that of the task given with -n):\n"
	"each struct mount, its superblock, the filesystem type, the device name and where\n"
	"it is mounted.\n"
	"\n"
	"  -n pid|task  the mount namespace of another task.\n"
	"  -f           each mount's open files, from the superblock's s_files list, and\n"
	"  -i           its dirty inodes, from s_dirty: kernels since 2.6.x keep neither\n"
	"               list, and crash (and kdive) refuse both there; so is a mount,\n"
	"               superblock, device or directory argument, whose search lists them.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> mount\n"
	"  kdive> mount -n 99\n",
	KD_CMD_NEEDS_DUMP,
};
