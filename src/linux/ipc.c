/* System V IPC: the ids of an IPC namespace, and what ipcs shows of each object. */
#include <string.h>

#include "linux/fs.h"
#include "linux/kernel.h"
#include "debuginfo/types.h"

#include <kdive/kdive.h>

static const char *const kind_type[] = {"sem_array", "msg_queue", "shmid_kernel"};
static const char *const kind_perm[] = {"sem_perm", "q_perm", "shm_perm"};

int kd_task_ipc_ns(kd_session *s, uint64_t task, uint64_t *ns)
{
	if (!kd_member_exists(s, "nsproxy", "ipc_ns")) {
		const struct kd_symbol *sym = kd_symbol_lookup(s, "init_ipc_ns");
		if (!sym)
			return kd_error(s, KD_ENOTFOUND, 0, "neither nsproxy.ipc_ns nor init_ipc_ns exist");
		*ns = sym->addr;
		return 0;
	}
	uint64_t nsproxy;
	if (kd_read_member_ptr(s, task, "task_struct", "nsproxy", &nsproxy) < 0)
		return -1;
	if (!nsproxy)
		return kd_error(s, KD_ENOTFOUND, task, "cannot determine %s_namespace location!", "ipc");
	if (kd_read_member_ptr(s, nsproxy, "nsproxy", "ipc_ns", ns) < 0)
		return kd_error(s, kd_last_code(s), nsproxy, "cannot determine ipc_namespace location!");
	return 0;
}

int kd_ipc_ids(kd_session *s, uint64_t ns, enum kd_ipc_kind kind, uint64_t *ids, int *in_use)
{
	struct kd_member_info m;
	uint64_t size;
	if ((unsigned)kind > KD_IPC_SHM)
		return kd_error(s, KD_EINVAL, 0, "no IPC kind %d", (int)kind);
	if (kd_member_info(s, "ipc_namespace", "ids", &m) < 0 || kd_type_size(s, "ipc_ids", &size) < 0)
		return -1;
	if (m.size == 3 * size)
		*ids = ns + m.offset + (uint64_t)kind * size;
	else if (m.size == 3 * 8) { /* an array of pointers (2.6.19-2.6.23) */
		if (kd_read_kv(s, ns + m.offset + (uint64_t)kind * 8, ids, 8) < 0)
			return kd_error(s, kd_last_code(s), ns, "ipc_namespace %llx unreadable", (unsigned long long)ns);
	} else
		return kd_error(s, KD_EFORMAT, 0, "ipc_namespace.ids: %llu bytes for 3 ipc_ids of %llu", (unsigned long long)m.size,
				(unsigned long long)size);
	uint64_t v;
	if (kd_read_member(s, *ids, "ipc_ids", "in_use", &v) < 0)
		return kd_error(s, kd_last_code(s), *ids, "ipc_ids %llx unreadable", (unsigned long long)*ids);
	*in_use = (int)v;
	return 0;
}

struct ipc_walk_ctx {
	kd_walk_fn fn;
	void *arg;
	uint64_t perm_off;
};

static int ipc_entry(kd_session *s, uint64_t perm, const struct kd_walk_pos *pos, void *arg)
{
	struct ipc_walk_ctx *c = arg;
	return c->fn(s, perm - c->perm_off, pos, c->arg);
}

long kd_walk_ipc(kd_session *s, uint64_t ns, enum kd_ipc_kind kind, kd_walk_fn fn, void *arg)
{
	uint64_t ids, idr_off;
	int in_use;
	if (kd_ipc_ids(s, ns, kind, &ids, &in_use) < 0)
		return -1;
	struct ipc_walk_ctx c = {fn, arg, 0};
	if (kd_member_offset(s, kind_type[kind], kind_perm[kind], &c.perm_off) < 0 ||
	    kd_member_offset(s, "ipc_ids", "ipcs_idr", &idr_off) < 0)
		return -1;
	return kd_walk_idr(s, ids + idr_off, ipc_entry, &c);
}

struct perm_view {
	int32_t key, id;
	uint32_t uid;
	uint32_t mode;
	uint8_t deleted;
};
static const struct kd_field perm_fields[] = {
	KD_FIELD(struct perm_view, key, "key", 0),
	KD_FIELD(struct perm_view, id, "id", 0),
	KD_FIELD(struct perm_view, uid, "uid.val", KD_FIELD_OPTIONAL),
	KD_FIELD(struct perm_view, uid, "uid", KD_FIELD_OPTIONAL),
	KD_FIELD(struct perm_view, mode, "mode", 0),
	KD_FIELD(struct perm_view, deleted, "deleted", KD_FIELD_OPTIONAL),
};

struct obj_view {
	uint64_t a, b;
	uint64_t file;
};
static const struct kd_field shm_fields[] = {
	KD_FIELD(struct obj_view, a, "shm_segsz", 0),
	KD_FIELD(struct obj_view, b, "shm_nattch", 0),
	KD_FIELD(struct obj_view, file, "shm_file", 0),
};
static const struct kd_field sem_fields[] = {
	KD_FIELD(struct obj_view, a, "sem_nsems", 0),
};
static const struct kd_field msg_fields[] = {
	KD_FIELD(struct obj_view, a, "q_cbytes", 0),
	KD_FIELD(struct obj_view, b, "q_qnum", 0),
};

/* Whether a shm segment's file is hugetlbfs's: its f_op is hugetlbfs_file_operations, or
 * shm_file_operations_huge (the shm file over a hugetlbfs one). */
static bool shm_file_huge(kd_session *s, uint64_t file)
{
	uint64_t fop;
	if (kd_read_member_ptr(s, file, "file", "f_op", &fop) < 0) {
		kd_clear_error(s);
		return false;
	}
	static const char *const huge_ops[] = {"hugetlbfs_file_operations", "shm_file_operations_huge"};
	for (size_t i = 0; i < ARRAY_SIZE(huge_ops); i++) {
		const struct kd_symbol *sym = kd_symbol_lookup(s, huge_ops[i]);
		if (sym && sym->addr == fop)
			return true;
	}
	return false;
}

/* Resident and swapped pages of a segment, as crash counts them: the inode's page cache (for
 * hugetlbfs, its huge pages in base pages) and shmem_inode_info.swapped. */
static int shm_pages(kd_session *s, uint64_t file, uint64_t inode, uint64_t *rss, uint64_t *swap)
{
	uint64_t mapping, nrpages;
	if (kd_inode_mapping(s, inode, &mapping, &nrpages) < 0)
		return -1;
	if (shm_file_huge(s, file)) {
		uint64_t sb, hsb, hstate, order = 9;
		if (kd_read_member_ptr(s, inode, "inode", "i_sb", &sb) == 0 &&
		    kd_read_member_ptr(s, sb, "super_block", "s_fs_info", &hsb) == 0 &&
		    kd_read_member_ptr(s, hsb, "hugetlbfs_sb_info", "hstate", &hstate) == 0 &&
		    kd_read_member(s, hstate, "hstate", "order", &order) == 0 && order < 32)
			;
		else
			order = 9; /* HPAGE_SHIFT 21 over 4k pages */
		kd_clear_error(s);
		*rss = nrpages << order;
		*swap = 0;
		return 0;
	}
	*rss = nrpages;
	uint64_t off, swapped;
	if (kd_member_offset(s, "shmem_inode_info", "vfs_inode", &off) < 0 ||
	    kd_read_member(s, inode - off, "shmem_inode_info", "swapped", &swapped) < 0)
		return -1;
	*swap = swapped;
	return 0;
}

int kd_ipc_read(kd_session *s, enum kd_ipc_kind kind, uint64_t obj, bool pages, struct kd_ipc_object *out)
{
	memset(out, 0, sizeof(*out));
	if ((unsigned)kind > KD_IPC_SHM)
		return kd_error(s, KD_EINVAL, 0, "no IPC kind %d", (int)kind);
	out->kind = kind;
	out->addr = obj;
	uint64_t perm_off;
	if (kd_member_offset(s, kind_type[kind], kind_perm[kind], &perm_off) < 0)
		return -1;
	struct perm_view p = {0};
	if (kd_read_struct(s, obj + perm_off, "kern_ipc_perm", perm_fields, ARRAY_SIZE(perm_fields), &p, NULL) < 0)
		return kd_error(s, kd_last_code(s), obj, "%s %llx unreadable", kind_type[kind], (unsigned long long)obj);
	out->key = p.key;
	out->id = p.id;
	out->uid = p.uid;
	out->mode = p.mode;
	out->deleted = p.deleted;
	struct obj_view v = {0};
	const struct kd_field *f = kind == KD_IPC_SHM ? shm_fields : kind == KD_IPC_SEM ? sem_fields : msg_fields;
	size_t n = kind == KD_IPC_SHM ? ARRAY_SIZE(shm_fields) : kind == KD_IPC_SEM ? ARRAY_SIZE(sem_fields) : ARRAY_SIZE(msg_fields);
	if (kd_read_struct(s, obj, kind_type[kind], f, n, &v, NULL) < 0)
		return kd_error(s, kd_last_code(s), obj, "%s %llx unreadable", kind_type[kind], (unsigned long long)obj);
	switch (kind) {
	case KD_IPC_SHM:
		out->bytes = v.a;
		out->nattch = v.b;
		if (pages && v.file) {
			uint64_t dentry;
			if (kd_read_member_ptr(s, v.file, "file", "f_path.dentry", &dentry) < 0 ||
			    kd_read_member_ptr(s, dentry, "dentry", "d_inode", &out->shm_inode) < 0)
				return kd_error(s, kd_last_code(s), v.file, "shmid_kernel %llx: shm_file %llx unreadable",
						(unsigned long long)obj, (unsigned long long)v.file);
			if (out->shm_inode && shm_pages(s, v.file, out->shm_inode, &out->rss, &out->swap) < 0)
				return kd_error(s, kd_last_code(s), out->shm_inode, "shmid_kernel %llx: inode %llx unreadable",
						(unsigned long long)obj, (unsigned long long)out->shm_inode);
		}
		break;
	case KD_IPC_SEM:
		out->nsems = v.a;
		break;
	case KD_IPC_MSG:
		out->bytes = v.a;
		out->messages = v.b;
		break;
	}
	return 0;
}
