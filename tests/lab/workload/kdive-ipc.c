/* kdive-ipc: System V IPC objects with known keys, then asleep forever.
 *   shared memory  key IPC_SHM_KEY, IPC_SHM_SIZE bytes, mode 0600, attached (every page
 *                  written, so the segment has its pages)
 *   semaphores     key IPC_SEM_KEY, IPC_SEM_NSEMS semaphores, mode 0600, values 1, 2, 3
 *   message queue  key IPC_MSG_KEY, mode 0600, one message of type 1: IPC_MSG_TEXT
 * Facts: KDIVE-FACT {"role":"ipc",...,"shm":{...},"sem":{...},"msg":{...}}, read back with
 * IPC_STAT.
 */
#include "kdive-facts.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define IPC_SHM_KEY 0x6b640001
#define IPC_SHM_SIZE (64 * 1024)
#define IPC_SEM_KEY 0x6b640002
#define IPC_SEM_NSEMS 3
#define IPC_MSG_KEY 0x6b640003
#define IPC_MSG_TEXT "KDIVE-MSG"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

int main(void)
{
	struct sb b = {0};
	struct shmid_ds shm;
	struct semid_ds sem;
	struct msqid_ds msq;
	struct {
		long mtype;
		char mtext[32];
	} m = {1, IPC_MSG_TEXT};
	union semun arg;
	int shmid, semid, msqid, i;
	char *addr;

	shmid = shmget(IPC_SHM_KEY, IPC_SHM_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (shmid < 0)
		die("shmget");
	addr = shmat(shmid, NULL, 0);
	if (addr == (void *)-1)
		die("shmat");
	for (i = 0; i < IPC_SHM_SIZE; i += 4096)
		snprintf(addr + i, 4096, "KDIVE-SHM page %d", i / 4096);

	semid = semget(IPC_SEM_KEY, IPC_SEM_NSEMS, IPC_CREAT | IPC_EXCL | 0600);
	if (semid < 0)
		die("semget");
	for (i = 0; i < IPC_SEM_NSEMS; i++) {
		arg.val = i + 1;
		if (semctl(semid, i, SETVAL, arg) < 0)
			die("semctl SETVAL");
	}

	msqid = msgget(IPC_MSG_KEY, IPC_CREAT | IPC_EXCL | 0600);
	if (msqid < 0)
		die("msgget");
	if (msgsnd(msqid, &m, strlen(IPC_MSG_TEXT), 0) < 0)
		die("msgsnd");

	if (shmctl(shmid, IPC_STAT, &shm) < 0)
		die("shmctl IPC_STAT");
	arg.buf = &sem;
	if (semctl(semid, 0, IPC_STAT, arg) < 0)
		die("semctl IPC_STAT");
	if (msgctl(msqid, IPC_STAT, &msq) < 0)
		die("msgctl IPC_STAT");

	fact_begin(&b, "ipc", getpid());
	sb_printf(&b, ",\"shm\":{\"key\":\"0x%08x\",\"id\":%d,\"size\":%zu,\"nattch\":%lu,\"perms\":\"%o\",\"addr\":\"%p\"}",
		  IPC_SHM_KEY, shmid, (size_t)shm.shm_segsz, (unsigned long)shm.shm_nattch, shm.shm_perm.mode & 0777,
		  (void *)addr);
	sb_printf(&b, ",\"sem\":{\"key\":\"0x%08x\",\"id\":%d,\"nsems\":%lu,\"perms\":\"%o\"}", IPC_SEM_KEY, semid,
		  (unsigned long)sem.sem_nsems, sem.sem_perm.mode & 0777);
	sb_printf(&b, ",\"msg\":{\"key\":\"0x%08x\",\"id\":%d,\"messages\":%lu,\"bytes\":%lu,\"perms\":\"%o\",\"text\":",
		  IPC_MSG_KEY, msqid, (unsigned long)msq.msg_qnum, (unsigned long)msq.__msg_cbytes,
		  msq.msg_perm.mode & 0777);
	sb_str(&b, IPC_MSG_TEXT);
	sb_printf(&b, "}");
	fact_end(&b);
	facts_done("ipc");
	sleep_forever();
	return 0;
}
