/*
 * Harness 6: the DWARF index cache loader (dwi_load). The input's first byte is a mode, the rest
 * the cache file. The loader trusts a file only when its build ID and .debug_info size match
 * the vmlinux and its checksum matches its contents, which a mutated file almost never does;
 * so the harness takes the expected build ID and size from the file's own header, and with
 * mode bit 0 repairs the counts and the checksum, letting the fuzzer reach the entry checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "debuginfo/dwarf_index.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/dev/shm/kdive-fuzz-dwi-%d.idx", (int)getpid());
	if (access("/dev/shm", W_OK) != 0)
		snprintf(path, sizeof(path), "/tmp/kdive-fuzz-dwi-%d.idx", (int)getpid());
	return 0;
}

static bool count_name(const char *name, void *arg)
{
	(void)name;
	return ++*(size_t *)arg < 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (4u << 20))
		return -1;
	uint8_t mode = data[0];
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	struct dwi_cache_header h = {0};
	const size_t hs = sizeof(h), es = sizeof(struct dwi_cache_entry);
	if (len >= hs) {
		memcpy(&h, buf, hs);
		if ((mode & 1) && h.nentries <= (len - hs) / es) {
			h.names_size = len - hs - h.nentries * es;
			h.checksum = dwi_cache_checksum(buf + hs, h.nentries * es, buf + hs + h.nentries * es, h.names_size);
			memcpy(buf, &h, hs);
		}
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(buf, 1, len, f);
	fclose(f);
	struct kd_err err = {0};
	size_t idlen = h.build_id_len <= sizeof(h.build_id) ? h.build_id_len : 0;
	struct dwarf_index *x = dwi_load(path, h.build_id, idlen, h.info_size, &err);
	if (x) {
		uint64_t die;
		static const char *const names[] = {"task_struct", "init_task", "list_head", "main", ""};
		for (int k = 0; k < DWI_NKINDS; k++) {
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				dwi_find(x, (enum dwi_kind)k, names[i], &die);
			size_t n = 0;
			dwi_foreach(x, (enum dwi_kind)k, count_name, &n);
		}
		dwi_free(x);
	}
	unlink(path);
	free(buf);
	return 0;
}
