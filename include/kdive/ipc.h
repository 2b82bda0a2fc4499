/*
 * kdive public API: System V IPC: the shared memory segments, semaphore arrays and message
 * queues of an IPC namespace (ipc_namespace.ids[], each an IDR of kern_ipc_perm), as ipcs shows
 * them. Members are found by name; the IDR walk is kd_walk_idr's (bounded, cycle-checked).
 */
#ifndef KDIVE_PUBLIC_IPC_H
#define KDIVE_PUBLIC_IPC_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

/* The kinds, as the kernel indexes ipc_namespace.ids[] (IPC_SEM_IDS, IPC_MSG_IDS, IPC_SHM_IDS). */
enum kd_ipc_kind { KD_IPC_SEM = 0, KD_IPC_MSG = 1, KD_IPC_SHM = 2 };

/* A task's IPC namespace: task->nsproxy->ipc_ns (init_ipc_ns without nsproxy.ipc_ns). -1 with an
 * error when it cannot be read (an exited task has no nsproxy: KD_ENOTFOUND, with crash's "cannot determine ..._namespace location!"). */
KD_API int kd_task_ipc_ns(kd_session *s, uint64_t task, uint64_t *ns);

/* A namespace's struct ipc_ids of one kind and its in_use count. */
KD_API int kd_ipc_ids(kd_session *s, uint64_t ns, enum kd_ipc_kind kind, uint64_t *ids, int *in_use);

/* The objects of one kind in a namespace, in id order: entries are the struct shmid_kernel,
 * sem_array or msg_queue (the kern_ipc_perm the IDR holds, less its offset), pos->index the IDR
 * index. Returns the count, or -1 with an error. */
KD_API long kd_walk_ipc(kd_session *s, uint64_t ns, enum kd_ipc_kind kind, kd_walk_fn fn, void *arg);

/* What ipcs prints of one object. */
struct kd_ipc_object {
	enum kd_ipc_kind kind;
	uint64_t addr;      /* shmid_kernel, sem_array or msg_queue */
	int key, id;
	unsigned uid;
	unsigned mode;      /* kern_ipc_perm.mode: permissions, SHM_DEST (01000), SHM_LOCKED (02000) */
	bool deleted;
	uint64_t bytes;     /* shm: shm_segsz; msg: q_cbytes */
	uint64_t nattch;    /* shm */
	uint64_t nsems;     /* sem */
	uint64_t messages;  /* msg: q_qnum */
	/* shm: the segment's inode (shm_file's), its resident pages (hugetlb pages counted in base
	   pages) and swapped pages */
	uint64_t shm_inode, rss, swap;
};
/* Read one object; the shm pages are counted only with shm_pages (they need the file and inode). */
KD_API int kd_ipc_read(kd_session *s, enum kd_ipc_kind kind, uint64_t obj, bool shm_pages, struct kd_ipc_object *out);

KD_END_DECLS

#endif
