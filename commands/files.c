/* files: a task's root, working directory and open files, as crash prints them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

static void fs_struct_paths(kd_session *s, const struct task_info *t)
{
	uint64_t fs = 0;
	char root[1024] = "", cwd[1024] = "";
	if (kd_read_member_ptr(s, t->task, "task_struct", "fs", &fs) == 0 && !fs) {
		kd_clear_error(s);
		return; /* an exited task (a zombie) has no fs_struct: crash prints no ROOT/CWD line */
	}
	if (fs) {
		uint64_t rm, rd, pm, pd;
		if (kd_read_member_ptr(s, fs, "fs_struct", "root.mnt", &rm) == 0 && kd_read_member_ptr(s, fs, "fs_struct", "root.dentry", &rd) == 0)
			kd_fs_path(s, rm, rd, root, sizeof(root));
		if (kd_read_member_ptr(s, fs, "fs_struct", "pwd.mnt", &pm) == 0 && kd_read_member_ptr(s, fs, "fs_struct", "pwd.dentry", &pd) == 0)
			kd_fs_path(s, pm, pd, cwd, sizeof(cwd));
	}
	kd_clear_error(s);
	kd_printf(s, "ROOT: %s    CWD: %s\n", root, cwd);
}

/* What crash shows as PATH: the path, the protocol of a socket, nothing for a pipe. */
static void file_path(kd_session *s, uint64_t file, const char *type, char *buf, size_t size)
{
	buf[0] = '\0';
	if (strcmp(type, "SOCK") == 0) {
		uint64_t sock, sk, prot;
		if (kd_read_member_ptr(s, file, "file", "private_data", &sock) == 0 && sock &&
		    kd_read_member_ptr(s, sock, "socket", "sk", &sk) == 0 && sk &&
		    kd_read_member_ptr(s, sk, "sock", "__sk_common.skc_prot", &prot) == 0 && prot) {
			uint64_t off;
			if (kd_member_offset(s, "proto", "name", &off) == 0)
				kd_read_string(s, prot + off, buf, MIN(size, 32));
		}
	} else {
		kd_fs_file_path(s, file, buf, size);
		if (strcmp(type, "FIFO") == 0 && strcmp(buf, "/") == 0)
			buf[0] = '\0'; /* pipefs: crash leaves it blank */
	}
	kd_clear_error(s);
}

static int show_files(kd_session *s, const struct task_info *t)
{
	kd_task_print_header(s, t, 0);
	fs_struct_paths(s, t);
	uint64_t files, fdt, max_fds = 0, fd_array, dentry_off, inode_off;
	if (kd_read_member_ptr(s, t->task, "task_struct", "files", &files) < 0)
		return -1;
	if (!files) {
		kd_printf(s, "No open files\n");
		return 0;
	}
	if (kd_read_member_ptr(s, files, "files_struct", "fdt", &fdt) < 0 || kd_read_member(s, fdt, "fdtable", "max_fds", &max_fds) < 0 ||
	    kd_read_member_ptr(s, fdt, "fdtable", "fd", &fd_array) < 0 || kd_member_offset(s, "file", "f_path.dentry", &dentry_off) < 0 ||
	    kd_member_offset(s, "file", "f_inode", &inode_off) < 0)
		return -1;
	if (max_fds > (1u << 24))
		return kd_fail(s, "fdtable of pid %d claims %llu descriptors", t->pid, (unsigned long long)max_fds);
	bool header = false;
	for (uint64_t fd = 0; fd < max_fds; fd++) {
		uint64_t file, dentry = 0, inode = 0;
		if (kd_read_kv(s, fd_array + fd * 8, &file, 8) < 0)
			return -1;
		if (!file)
			continue;
		kd_read_kv(s, file + dentry_off, &dentry, 8);
		kd_read_kv(s, file + inode_off, &inode, 8);
		kd_clear_error(s);
		if (!header) {
			kd_printf(s, " FD       FILE            DENTRY           INODE       TYPE PATH\n");
			header = true;
		}
		const char *type = kd_fs_inode_type(s, inode);
		char path[1024];
		file_path(s, file, type, path, sizeof(path));
		kd_printf(s, "%3llu %016llx %016llx %016llx %-4s %s\n", (unsigned long long)fd, (unsigned long long)file,
			  (unsigned long long)dentry, (unsigned long long)inode, type, path);
	}
	if (!header)
		kd_printf(s, "No open files\n");
	return 0;
}

static int cmd_files(kd_session *s, int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "")) != -1)
		return kd_usage(s);
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		return t ? show_files(s, t) : -1;
	}
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		const struct task_info *t = kd_task_from_arg(s, argv[i]);
		if (!t || show_files(s, t) < 0)
			rc = -1;
		kd_printf(s, "\n"); /* named tasks: each block ends with a blank line, as in crash */
	}
	return rc;
}

const struct kd_command kd_cmd_files = {
	"files", cmd_files, "files [pid | taskp]...", "open files",
	"Shows a task's root and current directory, then each open file descriptor with\n"
	"its struct file, dentry and inode addresses, the file type and its path (the\n"
	"protocol for a socket).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> files 1\n"
	"  kdive> foreach files\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
