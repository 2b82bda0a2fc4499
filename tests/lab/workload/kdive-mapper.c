/* kdive-mapper: a process with two known mappings, locked in memory, then asleep.
 *   file: /lab/map/data.bin (FILE_LEN bytes) mapped MAP_SHARED read-write; the file
 *         starts with "KDIVE-FILE-MARKER-<pid>\n", the rest is 0x5a bytes
 *   anon: ANON_LEN bytes MAP_PRIVATE|MAP_ANONYMOUS; starts with "KDIVE-MARKER-<pid>"
 *         (NUL-terminated), the rest zero
 * The anonymous marker is written straight into the mapping and every buffer that held
 * it is wiped, so within this process's user memory it occurs only at the anon address.
 * Facts: KDIVE-FACT {"role":"mapper",...,"maps":[{"kind":"anon",...},{"kind":"file",...}]}
 * with each mapping's virtual address, length, marker and the physical frame of its
 * first page (from /proc/self/pagemap).
 */
#include "kdive-facts.h"
#include <stdint.h>
#include <sys/mman.h>

#define MAP_PATH "/lab/map/data.bin"
#define FILE_LEN (64 * 1024)
#define ANON_LEN (256 * 1024)

static uint64_t pfn_of(void *addr)
{
	uint64_t e = 0;
	long ps = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		die("pagemap");
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / ps) * 8) != 8)
		die("pread pagemap");
	close(fd);
	if (!(e & (1ULL << 63)))
		return 0; /* not present */
	return e & ((1ULL << 55) - 1);
}

static void map_fact(struct sb *b, const char *kind, const char *path, void *addr, size_t len,
		     const char *marker, int first)
{
	uint64_t pfn = pfn_of(addr);
	sb_printf(b, "%s{\"kind\":\"%s\",", first ? "" : ",", kind);
	if (path) {
		sb_printf(b, "\"path\":");
		sb_str(b, path);
		sb_printf(b, ",");
	}
	sb_printf(b, "\"addr\":\"0x%lx\",\"len\":%zu,\"marker\":", (unsigned long)(uintptr_t)addr, len);
	sb_str(b, marker);
	sb_printf(b, ",\"pfn\":%llu,\"phys\":\"0x%llx\"}", (unsigned long long)pfn,
		  (unsigned long long)pfn * (unsigned long long)sysconf(_SC_PAGESIZE));
}

int main(void)
{
	struct sb b = {0};
	static char page[FILE_LEN];
	char fmarker[64];
	char *file, *anon;
	int fd, pid = getpid();

	/* One buffer for the facts, big enough never to be realloc'd: a moved buffer
	 * would leave a copy of the marker behind in freed heap memory. */
	b.cap = 1 << 16;
	b.s = malloc(b.cap);
	if (!b.s)
		die("malloc");
	mkdirs("/lab/map");
	memset(page, 0x5a, sizeof(page));
	snprintf(fmarker, sizeof(fmarker), "KDIVE-FILE-MARKER-%d\n", pid);
	memcpy(page, fmarker, strlen(fmarker));
	fd = open(MAP_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page))
		die(MAP_PATH);
	file = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (file == MAP_FAILED)
		die("mmap file");
	close(fd);

	anon = mmap(NULL, ANON_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anon");
	/* Written in pieces, so no other buffer ever holds the whole marker. */
	memcpy(anon, "KDIVE-", 6);
	memcpy(anon + 6, "MARKER-", 7);
	snprintf(anon + 13, 32, "%d", pid);

	if (mlock(file, FILE_LEN) < 0 || mlock(anon, ANON_LEN) < 0)
		die("mlock");

	fact_begin(&b, "mapper", pid);
	sb_printf(&b, ",\"maps\":[");
	map_fact(&b, "anon", NULL, anon, ANON_LEN, anon, 1);
	fmarker[strcspn(fmarker, "\n")] = 0;
	map_fact(&b, "file", MAP_PATH, file, FILE_LEN, fmarker, 0);
	sb_printf(&b, "]");
	fact_end(&b);
	memset(page, 0, sizeof(page));
	facts_done("mapper");
	sleep_forever();
	return 0;
}
