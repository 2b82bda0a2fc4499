/* kdive-bpf: a BPF map and program loaded through the bpf(2) system call (no bpftool),
 * kept open while the process sleeps forever.
 *   fd 3  map: BPF_MAP_TYPE_ARRAY "kdive_map", key 4 bytes, value 8 bytes, 4 entries
 *         (entry 1 holds BPF_MAP_VALUE)
 *   fd 4  program: BPF_PROG_TYPE_SOCKET_FILTER "kdive_prog", GPL, 2 instructions
 *         (r0 = 0; exit)
 * A kernel that refuses either (no CONFIG_BPF_SYSCALL, a lockdown) gives the fact
 * "error" instead of "map"/"prog" (the guest runs as root, so unprivileged BPF being off
 * does not matter).
 * Facts: KDIVE-FACT {"role":"bpf",...,"map":{...},"prog":{...}}, the ids and types as
 * BPF_OBJ_GET_INFO_BY_FD returns them.
 */
#include "kdive-facts.h"
#include <linux/bpf.h>
#include <sys/syscall.h>

#define BPF_MAP_VALUE 0x6b646976656d6170ULL /* "kdivemap" */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(void)
{
	struct sb b = {0};
	union bpf_attr a;
	struct bpf_insn insns[2];
	struct bpf_map_info mi;
	struct bpf_prog_info pi;
	unsigned int key = 1;
	unsigned long long value = BPF_MAP_VALUE;
	char log[4096] = "";
	int map, prog;
	const char *err = NULL;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 4;
	snprintf(a.map_name, sizeof(a.map_name), "kdive_map");
	map = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (map < 0)
		err = "BPF_MAP_CREATE";
	else {
		map = place_fd(map, 3);
		memset(&a, 0, sizeof(a));
		a.map_fd = map;
		a.key = (unsigned long)&key;
		a.value = (unsigned long)&value;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0)
			die("BPF_MAP_UPDATE_ELEM");
	}
	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = 0 */
	insns[1].code = BPF_JMP | BPF_EXIT;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)insns;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	a.log_buf = (unsigned long)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	snprintf(a.prog_name, sizeof(a.prog_name), "kdive_prog");
	prog = err ? -1 : (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (!err && prog < 0)
		err = "BPF_PROG_LOAD";
	if (!err)
		prog = place_fd(prog, 4);

	fact_begin(&b, "bpf", getpid());
	if (err) {
		sb_printf(&b, ",\"error\":\"%s: %s\"", err, strerror(errno));
	} else {
		memset(&mi, 0, sizeof(mi));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = map;
		a.info.info_len = sizeof(mi);
		a.info.info = (unsigned long)&mi;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
			die("BPF_OBJ_GET_INFO_BY_FD map");
		memset(&pi, 0, sizeof(pi));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = prog;
		a.info.info_len = sizeof(pi);
		a.info.info = (unsigned long)&pi;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
			die("BPF_OBJ_GET_INFO_BY_FD prog");
		sb_printf(&b, ",\"map\":{\"fd\":%d,\"id\":%u,\"type\":\"%s\",\"name\":", map, mi.id,
			  mi.type == BPF_MAP_TYPE_ARRAY ? "ARRAY" : "OTHER");
		sb_str(&b, mi.name);
		sb_printf(&b, ",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"value\":\"0x%llx\"}",
			  mi.key_size, mi.value_size, mi.max_entries, value);
		sb_printf(&b, ",\"prog\":{\"fd\":%d,\"id\":%u,\"type\":\"%s\",\"name\":", prog, pi.id,
			  pi.type == BPF_PROG_TYPE_SOCKET_FILTER ? "SOCKET_FILTER" : "OTHER");
		sb_str(&b, pi.name);
		sb_printf(&b, ",\"insns\":2,\"xlated_len\":%u,\"jited_len\":%u,\"tag\":\"", pi.xlated_prog_len,
			  pi.jited_prog_len);
		for (int i = 0; i < BPF_TAG_SIZE; i++)
			sb_printf(&b, "%02x", pi.tag[i]);
		sb_printf(&b, "\"}");
	}
	fact_end(&b);
	facts_done("bpf");
	sleep_forever();
	return 0;
}
