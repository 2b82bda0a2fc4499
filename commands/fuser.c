/*
 * fuser: which tasks use a file, and how (root, cwd, fd, mmap), as crash finds them: its search
 * string (a path or an inode address) matched against what `foreach files -i` and `foreach vm -i`
 * print, a match being the string's first occurrence in a line followed by a space or the line's
 * end. The lines are built here from the same walkers (kd_task_files, kd_walk_vmas) and the
 * same formatting as files.
 */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#include "files.h"

/* crash's test: the first occurrence of spec in line, followed by a space or the end of the line. */
static const char *first_match(const char *line, const char *spec)
{
	const char *t = strstr(line, spec);
	size_t len = strlen(spec);
	return t && (t[len] == ' ' || t[len] == '\n' || t[len] == '\0') ? t : NULL;
}

struct fuser_ctx {
	const char *spec;
	bool found;
	struct kd_sbuf line;
};

static int fd_visit(kd_session *s, const struct kd_open_file *f, void *arg)
{
	struct fuser_ctx *c = arg;
	c->line.len = 0;
	if (c->line.s)
		c->line.s[0] = '\0';
	if (files_line(s, f, false, &c->line) < 0)
		kd_clear_error(s); /* matched as crash would, on the line without a path */
	if (first_match(kd_sbuf_str(&c->line), c->spec)) {
		c->found = true;
		return KD_WALK_STOP;
	}
	return 0;
}

static int vma_visit(kd_session *s, uint64_t vma, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct fuser_ctx *c = arg;
	struct kd_vma v;
	if (!vma || kd_vma_read(s, vma, &v) < 0) {
		kd_clear_error(s);
		return 0;
	}
	char path[4096] = "";
	uint64_t dentry = 0, inode = 0;
	if (v.file) {
		if (kd_read_member_ptr(s, v.file, "file", "f_path.dentry", &dentry) == 0 && dentry &&
		    kd_fs_file_path(s, v.file, path, sizeof(path)) == 0)
			kd_read_member_ptr(s, dentry, "dentry", "d_inode", &inode);
		kd_clear_error(s);
	}
	c->line.len = 0;
	if (c->line.s)
		c->line.s[0] = '\0';
	/* vm -i's line: the inode before the path of a file mapping */
	if (inode)
		kd_sbuf_printf(&c->line, "%llx %16llx %16llx %6llx %llx %s\n", (unsigned long long)vma, (unsigned long long)v.start,
			       (unsigned long long)v.end, (unsigned long long)v.flags, (unsigned long long)inode, path);
	else
		kd_sbuf_printf(&c->line, "%llx %16llx %16llx %6llx %s\n", (unsigned long long)vma, (unsigned long long)v.start,
			       (unsigned long long)v.end, (unsigned long long)v.flags, path);
	if (first_match(kd_sbuf_str(&c->line), c->spec)) {
		c->found = true;
		return KD_WALK_STOP;
	}
	return 0;
}

static void fuser_line(kd_session *s, const struct task_info *t, const char *uses, bool *header)
{
	char task[20];
	if (!*header) {
		char b[20];
		kd_printf(s, " PID   %s  COMM             USAGE\n", kd_format_centred(b, sizeof(b), "TASK", 16, false));
		*header = true;
	}
	/* the command as crash copies it from the task header: the quoted name and its newline, cut
	   at 16 columns, the last character kept replaced by a space, padded to 16 */
	char col[40];
	snprintf(col, sizeof(col), "\"%s\"\n", t->comm);
	size_t n = strlen(col) > 16 ? 16 : strlen(col);
	memset(col + n - 1, ' ', 17 - n);
	col[16] = '\0';
	snprintf(task, sizeof(task), "%16llx", (unsigned long long)t->task);
	kd_printf(s, "%5d  %s  %s %s\n", t->pid, task, col, uses);
}

static int fuser_one(kd_session *s, const char *arg)
{
	uint64_t addr;
	const char *spec = arg;
	if (arg[0] != '/') {
		if (kd_parse_hex_arg(s, arg, &addr) < 0 || kd_is_uvaddr(s, addr) || addr < (1ull << 47)) {
			kd_clear_error(s);
			return kd_fail(s, "invalid argument: %s", arg);
		}
		if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
			spec = arg + 2;
	}
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt)
		return -1;
	bool header = false;
	struct fuser_ctx c = {.spec = spec};
	for (size_t i = 0; i < tt->len; i++) {
		const struct task_info *t = &tt->tasks[i];
		char uses[32] = "";
		/* files: root and cwd from the ROOT line ("ROOT: inode path    CWD: inode path"), then the fds */
		char root[4096], cwd[4096];
		uint64_t ri, ci;
		if (files_root_cwd(s, t->task, root, cwd, sizeof(root), &ri, &ci)) {
			char line[8300];
			snprintf(line, sizeof(line), "ROOT: %llx %s    CWD: %llx %s\n", (unsigned long long)ri, root,
				 (unsigned long long)ci, cwd);
			const char *m = first_match(line, spec);
			if (m && strstr(m, "CWD:")) {
				strcat(uses, "root ");
				if (first_match(m + strlen(spec), spec))
					strcat(uses, "cwd ");
			} else if (m)
				strcat(uses, "cwd ");
		}
		c.found = false;
		if (kd_task_files(s, t->task, fd_visit, &c) < 0)
			kd_clear_error(s);
		if (c.found)
			strcat(uses, "fd ");
		if (uses[0])
			fuser_line(s, t, uses, &header);
		/* vm: a mapping of the file, on a line of its own (crash's vm output is a second block) */
		c.found = false;
		if (t->mm && kd_walk_vmas(s, t->mm, vma_visit, &c) < 0)
			kd_clear_error(s);
		if (c.found)
			fuser_line(s, t, "mmap ", &header);
	}
	kd_sbuf_free(&c.line);
	if (!header)
		kd_printf(s, "No users of %s found\n", spec);
	return 0;
}

static int cmd_fuser(kd_session *s, int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "")) != -1)
		return kd_usage(s);
	if (optind >= argc)
		return kd_usage(s);
	for (int i = optind; i < argc; i++)
		if (fuser_one(s, argv[i]) < 0)
			return -1;
	return 0;
}

const struct kd_command kd_cmd_fuser = {
	"fuser", cmd_fuser, "fuser [pathname | inode]", "file users",
	"Lists the tasks that use a file, named by its full path or by its inode address:\n"
	"as their root or current directory (root, cwd), through an open descriptor (fd), or\n"
	"mapped into memory (mmap, on a line of its own). The path must be written as files\n"
	"shows it, and match a whole path (\"/lab\" does not find \"/lab/file\").\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> fuser /dev/console\n"
	"  kdive> fuser ffff8b99c18503a0\n",
	KD_CMD_NEEDS_DUMP,
};
