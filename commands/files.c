/* files: a task's root, working directory and open files, a dentry, an inode's page cache, as crash prints them. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#include "files.h"

bool files_root_cwd(kd_session *s, uint64_t task, char *root, char *cwd, size_t size, uint64_t *root_inode, uint64_t *cwd_inode)
{
	struct kd_task_fs fs;
	root[0] = cwd[0] = '\0';
	if (kd_task_fs(s, task, &fs) < 0 || !fs.fs) {
		kd_clear_error(s);
		return false; /* an exited task (a zombie) has no fs_struct: crash prints no ROOT/CWD line */
	}
	if (fs.root_dentry && kd_fs_path(s, fs.root_mnt, fs.root_dentry, root, size) < 0)
		root[0] = '\0';
	if (fs.pwd_dentry && kd_fs_path(s, fs.pwd_mnt, fs.pwd_dentry, cwd, size) < 0)
		cwd[0] = '\0';
	if (root_inode && cwd_inode) {
		*root_inode = *cwd_inode = 0;
		if (fs.root_dentry)
			kd_read_member_ptr(s, fs.root_dentry, "dentry", "d_inode", root_inode);
		if (fs.pwd_dentry)
			kd_read_member_ptr(s, fs.pwd_dentry, "dentry", "d_inode", cwd_inode);
	}
	kd_clear_error(s);
	return true;
}

const char *files_type(kd_session *s, uint64_t inode, char *path)
{
	const char *type = kd_fs_inode_type(s, inode);
	if (strcmp(type, "FIFO") == 0) {
		/* crash names a FIFO whose operations are the pipe's a PIPE, where the kernel has the symbol */
		const struct kd_symbol *ops = kd_symbol_lookup(s, "pipe_inode_operations");
		uint64_t iop;
		if (ops && kd_read_member_ptr(s, inode, "inode", "i_op", &iop) == 0 && iop == ops->addr) {
			path[0] = '\0';
			type = "PIPE";
		}
		kd_clear_error(s); /* an unreadable inode stays a FIFO */
	} else if (strcmp(type, "SOCK") == 0 && strcmp(path, "/") == 0)
		path[0] = '\0';
	return type;
}

int files_line(kd_session *s, const struct kd_open_file *f, bool nrpages, struct kd_sbuf *out)
{
	if (!f->dentry || !f->inode) {
		/* crash's line for a file without a dentry or inode: what is known, '?' for the rest */
		char q[20];
		kd_format_centred(q, sizeof(q), "?", 16, false);
		if (!f->dentry)
			kd_sbuf_printf(out, "%3u %16llx %s %s ?    ?\n", f->fd, (unsigned long long)f->file, "0000000000000000", q);
		else
			kd_sbuf_printf(out, "%3u %16llx %16llx %s ?    ?\n", f->fd, (unsigned long long)f->file,
				       (unsigned long long)f->dentry, "0000000000000000");
		return 0;
	}
	char path[4096];
	int rc = kd_fs_open_file_path(s, f->file, path, sizeof(path));
	if (rc < 0)
		path[0] = '\0'; /* the line without its path; the error stays for the caller to show */
	const char *type = files_type(s, f->inode, path);
	if (nrpages) {
		uint64_t mapping = 0, pages = 0;
		if (kd_inode_mapping(s, f->inode, &mapping, &pages) < 0 && rc == 0)
			rc = -1;
		kd_sbuf_printf(out, "%3u %16llx %16llx %7llu %-4s %s\n", f->fd, (unsigned long long)f->inode,
			       (unsigned long long)mapping, (unsigned long long)pages, type, path);
	} else
		kd_sbuf_printf(out, "%3u %16llx %16llx %16llx %-4s %s\n", f->fd, (unsigned long long)f->file,
			       (unsigned long long)f->dentry, (unsigned long long)f->inode, type, path);
	return rc;
}

static const char files_header[] = " FD       FILE            DENTRY           INODE       TYPE PATH\n";
static const char nrpages_header[] = " FD      INODE          I_MAPPING     NRPAGES TYPE PATH\n";

/* -R: crash's reference, matched against each line as files prints it. */
struct files_ref {
	const char *str;
	struct kd_ref_number num;
	bool found;
};

/* crash's FILENAME_COMPONENT: "/" matches only "/" itself; anything else any part of the path. */
static bool filename_component(const char *path, const char *ref)
{
	if (strcmp(ref, "/") == 0)
		return strcmp(path, "/") == 0;
	return strstr(path, ref) != NULL;
}

static bool ref_matches_line(const struct files_ref *r, const char *line)
{
	char buf[4200], *words[8];
	int n = 0;
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " \n"); t && n < 8; t = strtok(NULL, " \n"))
		words[n++] = t;
	if (n < 5)
		return false;
	if (r->num.hex || r->num.dec) {
		uint64_t fd = strtoull(words[0], NULL, 10);
		if ((r->num.hex && fd == r->num.hexval) || (r->num.dec && fd == r->num.decval))
			return true;
		for (int i = 1; i < 4; i++)
			if (strcmp(words[i], "?") != 0 && strtoull(words[i], NULL, 16) == r->num.hexval)
				return true;
	}
	if (strcmp(r->str, words[4]) == 0)
		return true;
	return n == 6 && filename_component(words[5], r->str);
}

struct files_ctx {
	const struct task_info *t;
	bool nrpages;
	struct files_ref *ref;
	char root[4096], cwd[4096];
	bool root_printed, header;
	bool ref_checked;
	struct kd_sbuf out;
};

static void ref_task_header(kd_session *s, struct files_ctx *c)
{
	if (c->root_printed)
		return;
	kd_task_print_header(s, c->t, 0);
	kd_printf(s, "ROOT: %s    CWD: %s \n", c->root, c->cwd);
	c->root_printed = true;
}

static int file_visit(kd_session *s, const struct kd_open_file *f, void *arg)
{
	struct files_ctx *c = arg;
	c->out.len = 0;
	if (c->out.s)
		c->out.s[0] = '\0';
	char err[512] = "";
	if (files_line(s, f, c->nrpages, &c->out) < 0) {
		snprintf(err, sizeof(err), "%s", kd_last_error(s));
		kd_clear_error(s);
	}
	if (c->ref) {
		if (!c->ref_checked) {
			kd_parse_ref_number(c->ref->str, f->max_fds, &c->ref->num);
			c->ref_checked = true;
		}
		if (!ref_matches_line(c->ref, kd_sbuf_str(&c->out)))
			return 0;
		ref_task_header(s, c);
		c->ref->found = true;
	}
	if (!c->header) {
		kd_printf(s, "%s", c->nrpages ? nrpages_header : files_header);
		c->header = true;
	}
	kd_printf(s, "%s", kd_sbuf_str(&c->out));
	if (err[0])
		kd_printf(s, "files: %s\n", err); /* a damaged dentry chain: the line without its path, then why */
	return 0;
}

/* JSON: one open file, with what files shows of it (-c: its page cache too). */
static int file_json(kd_session *s, const struct kd_open_file *f, void *arg)
{
	bool nrpages = *(bool *)arg;
	kd_json_object_begin(s, NULL);
	kd_json_int(s, "fd", f->fd);
	kd_json_addr(s, "file", f->file);
	kd_json_addr(s, "dentry", f->dentry);
	kd_json_addr(s, "inode", f->inode);
	if (f->dentry && f->inode) {
		char path[4096];
		const char *err = NULL;
		char ebuf[512];
		if (kd_fs_open_file_path(s, f->file, path, sizeof(path)) < 0) {
			snprintf(ebuf, sizeof(ebuf), "%s", kd_last_error(s));
			err = ebuf;
			kd_clear_error(s);
			path[0] = '\0';
		}
		kd_json_str(s, "type", files_type(s, f->inode, path));
		kd_json_str(s, "path", path);
		if (nrpages) {
			uint64_t mapping = 0, pages = 0;
			if (kd_inode_mapping(s, f->inode, &mapping, &pages) == 0) {
				kd_json_addr(s, "i_mapping", mapping);
				kd_json_uint(s, "nrpages", pages);
			}
			kd_clear_error(s);
		}
		if (err)
			kd_json_str(s, "error", err);
	} else {
		kd_json_null(s, "type");
		kd_json_null(s, "path");
	}
	kd_json_end(s);
	return 0;
}

/* JSON: a task's root, working directory and open files. */
static int show_files_json(kd_session *s, const struct task_info *t, bool nrpages)
{
	char root[4096], cwd[4096];
	kd_json_object_begin(s, NULL);
	kd_json_int(s, "pid", t->pid);
	kd_json_addr(s, "task", t->task);
	kd_json_str(s, "comm", t->comm);
	if (files_root_cwd(s, t->task, root, cwd, sizeof(root), NULL, NULL)) {
		kd_json_str(s, "root", root);
		kd_json_str(s, "cwd", cwd);
	} else {
		kd_json_null(s, "root");
		kd_json_null(s, "cwd");
	}
	kd_json_array_begin(s, "files");
	long n = kd_task_files(s, t->task, file_json, &nrpages);
	kd_json_end(s);
	if (n < 0)
		kd_json_error(s, "error");
	kd_json_end(s);
	return 0;
}

static int show_files(kd_session *s, const struct task_info *t, bool nrpages, struct files_ref *ref)
{
	if (kd_json_active(s) && !ref)
		return show_files_json(s, t, nrpages);
	struct files_ctx c = {.t = t, .nrpages = nrpages, .ref = ref};
	if (ref)
		ref->found = false;
	else
		kd_task_print_header(s, t, 0);
	if (files_root_cwd(s, t->task, c.root, c.cwd, sizeof(c.root), NULL, NULL)) {
		if (!ref)
			kd_printf(s, "ROOT: %s    CWD: %s\n", c.root, c.cwd);
		else if (filename_component(c.root, ref->str) || filename_component(c.cwd, ref->str)) {
			ref_task_header(s, &c);
			ref->found = true;
		}
	}
	long n = kd_task_files(s, t->task, file_visit, &c);
	kd_sbuf_free(&c.out);
	if (n < 0)
		return -1;
	if (!c.header && !ref)
		kd_printf(s, "No open files\n");
	if (ref && ref->found)
		kd_printf(s, "\n");
	return 0;
}

/* -d: a dentry, its inode, superblock, type and path (through a mount of its superblock). */
static int show_dentry(kd_session *s, uint64_t dentry)
{
	char a[20], b[20], c[20];
	kd_printf(s, "%s %s %s TYPE PATH\n", kd_format_centred(a, sizeof(a), "DENTRY", 16, false),
		  kd_format_centred(b, sizeof(b), "INODE", 16, false), kd_format_centred(c, sizeof(c), "SUPERBLK", 16, false));
	uint64_t inode, sb = 0;
	if (kd_read_member_ptr(s, dentry, "dentry", "d_inode", &inode) < 0)
		return kd_error(s, kd_last_code(s), dentry, "invalid kernel virtual address: %llx  type: \"fill_dentry_cache\"",
				(unsigned long long)dentry);
	if (inode ? kd_read_member_ptr(s, inode, "inode", "i_sb", &sb) < 0 : kd_read_member_ptr(s, dentry, "dentry", "d_sb", &sb) < 0)
		return -1;
	char path[4096] = "";
	if (sb) {
		uint64_t *mounts = NULL;
		const struct task_info *init = NULL;
		const struct kd_task_table *tt = kd_tasks_get(s);
		for (size_t i = 0; tt && i < tt->len && !init; i++)
			if (tt->tasks[i].pid == 1)
				init = &tt->tasks[i];
		long n = init ? kd_mount_list(s, init->task, &mounts) : 0;
		bool found = false;
		struct kd_mount_info m;
		for (long i = 0; i < n; i++)
			if (kd_mount_read(s, mounts[i], &m) == 0 && m.sb == sb &&
			    kd_fs_path(s, m.vfsmount, dentry, path, sizeof(path)) == 0)
				found = true; /* the last mount of the superblock, as crash */
		free(mounts);
		/* pipes and sockets: the kernel's internal mounts, in no namespace */
		static const char *const internal[] = {"pipe_mnt", "sock_mnt"};
		for (size_t k = 0; k < 2 && !found; k++) {
			const struct kd_symbol *sym = kd_symbol_lookup(s, internal[k]);
			uint64_t vfs;
			if (sym && kd_read_kv(s, sym->addr, &vfs, 8) == 0 &&
			    kd_mount_read(s, vfs - kd_mount_vfsmount_offset(s), &m) == 0 && m.sb == sb &&
			    kd_fs_path(s, vfs, dentry, path, sizeof(path)) == 0)
				found = true;
		}
		kd_clear_error(s); /* no path: crash prints the line without one */
	}
	const char *type = inode ? files_type(s, inode, path) : "N/A";
	char sbhex[20];
	snprintf(sbhex, sizeof(sbhex), "%llx", (unsigned long long)sb);
	kd_printf(s, "%16llx %16llx %s %-*s %s\n", (unsigned long long)dentry, (unsigned long long)inode,
		  kd_format_centred(c, sizeof(c), sbhex, 16, false), inode ? 4 : 3, type, path); /* "N/A" unpadded */
	return 0;
}

struct page_cache_ctx {
	long count;
	bool header;
};

static int page_visit(kd_session *s, uint64_t page, const struct kd_walk_pos *pos, void *arg)
{
	struct page_cache_ctx *c = arg;
	uint64_t phys;
	if (!kd_page_to_phys(s, page, &phys))
		return 0; /* not a struct page: crash's callback skips it */
	struct kd_sbuf b = {0};
	if (!c->header)
		kd_page_header(s, &b);
	c->header = true;
	int rc = kd_page_line(s, page, phys, NULL, &b);
	kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	if (rc < 0)
		return -1;
	c->count += (long)(pos->max - pos->min + 1); /* every page of a folio, as nrpages counts them */
	return 0;
}

/* -p: an inode's page cache. */
static int show_page_cache(kd_session *s, uint64_t inode)
{
	uint64_t mapping, nrpages;
	if (kd_inode_mapping(s, inode, &mapping, &nrpages) < 0)
		return -1;
	char a[20];
	kd_printf(s, "%s  NRPAGES\n", kd_format_centred(a, sizeof(a), "INODE", 16, false));
	kd_printf(s, "%16llx  %7llu\n\n", (unsigned long long)inode, (unsigned long long)nrpages);
	if (!nrpages)
		return 0;
	struct page_cache_ctx c = {0};
	if (kd_walk_page_cache(s, mapping, page_visit, &c) < 0)
		return -1;
	if ((uint64_t)c.count != nrpages)
		kd_printf(s, "files: xarray page count: %ld  nrpages: %llu\n", c.count, (unsigned long long)nrpages);
	return 0;
}

static int cmd_files(kd_session *s, int argc, char **argv)
{
	int c;
	bool nrpages = false;
	struct files_ref ref = {0}, *refp = NULL;
	uint64_t v;
	while ((c = getopt(argc, argv, "d:R:p:c")) != -1) {
		switch (c) {
		case 'd':
			if (kd_parse_hex_arg(s, optarg, &v) < 0)
				return -1;
			return show_dentry(s, v);
		case 'p':
			if (kd_parse_hex_arg(s, optarg, &v) < 0)
				return -1;
			return show_page_cache(s, v);
		case 'c':
			nrpages = true;
			break;
		case 'R':
			if (refp) {
				kd_printf(s, "files: only one -R option allowed\n");
				return kd_usage(s);
			}
			refp = &ref;
			ref.str = optarg;
			break;
		default:
			return kd_usage(s);
		}
	}
	if (kd_json_active(s) && !refp && !kd_json_in_array(s)) /* {tasks: [...]}; -R, -d, -p print text */
		kd_json_array_begin(s, "tasks");
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		return t ? show_files(s, t, nrpages, refp) : -1;
	}
	int rc = 0, subsequent = 0;
	for (int i = optind; i < argc; i++) {
		size_t n;
		const struct task_info *t = kd_tasks_from_arg(s, argv[i], &n);
		if (!t) {
			rc = -1;
			continue;
		}
		if (refp)
			ref = (struct files_ref){.str = ref.str};
		uint64_t pid;
		bool by_pid = kd_parse_u64(argv[i], &pid) && (uint64_t)t->pid == pid;
		for (size_t k = 0; k < n; k++) { /* a PID names every task that has it */
			if (subsequent && !refp) /* crash's task header after the first argument's */
				kd_printf(s, "\n");
			if (show_files(s, &t[k], nrpages, refp) < 0)
				rc = -1;
			if (by_pid)
				kd_printf(s, "\n");
		}
		subsequent++;
	}
	return rc;
}

const struct kd_command kd_cmd_files = {
	"files", cmd_files, "files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ... ", "open files",
	"Shows a task's root and current directory, then each open file descriptor with\n"
	"its struct file, dentry and inode addresses, the file type and its path (a socket's\n"
	"protocol, nothing for a pipe).\n"
	"\n"
	"  -d dentry     the dentry's inode, superblock, type and full path.\n"
	"  -p inode      the inode's page-cache pages, as kmem -p prints them, after its\n"
	"                number of pages (NRPAGES).\n"
	"  -c            each open file's inode, address_space (I_MAPPING) and number of\n"
	"                page-cache pages instead of the file and dentry.\n"
	"  -R reference  only the files that refer to the reference: a descriptor number,\n"
	"                a file, dentry or inode address, a type (REG, SOCK...) or any part\n"
	"                of a path; tasks without one print nothing (with foreach too).\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> files 1\n"
	"  kdive> files -c 99\n"
	"  kdive> files -d ffff8b99c207c540\n"
	"  kdive> files -p ffff8b99c18503a0\n"
	"  kdive> foreach files -R /dev/console\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
