/*
 * Finding a kernel's debug vmlinux when the user gave only the dump: by the build ID in its
 * VMCOREINFO under /usr/lib/debug/.build-id/ ($KDIVE_DEBUG_FILE_DIRECTORY instead of
 * /usr/lib/debug, as gdb's debug-file-directory), then by its release in the places crash looks
 * (Debian's -dbg layout first), then through debuginfod (libdebuginfod: DEBUGINFOD_URLS and
 * its cache, as every elfutils tool honours them). A file found by release is taken only
 * when its build ID is the dump's (when the dump names one).
 */
#include "debuginfo/find.h"

#include <elfutils/debuginfod.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "debuginfo/modobj.h"

/* The GNU build ID note of an ELF file, as lowercase hex; false when it has none or is no ELF. */
static bool file_build_id(const char *path, char *hex, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const uint8_t *b;
	size_t n;
	bool found = elf_gnu_build_id(e, &b, &n) && n * 2 < size;
	for (size_t i = 0; found && i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	elf_end(e);
	close(fd);
	return found;
}

static bool is_hex_id(const char *id)
{
	size_t n = strlen(id);
	return n >= 8 && n <= 128 && n % 2 == 0 && strspn(id, "0123456789abcdef") == n;
}

static int progress(debuginfod_client *c, long done, long total)
{
	const char *what = debuginfod_get_user_data(c);
	if (isatty(STDERR_FILENO)) {
		if (total > 0)
			fprintf(stderr, "\rkdive: downloading %s through debuginfod: %ld of %ld MB", what, done >> 20, total >> 20);
		else
			fprintf(stderr, "\rkdive: downloading %s through debuginfod: %ld MB", what, done >> 20);
	}
	return 0;
}

/* gdb's debug-file-directory: where the -dbg packages put their files */
static const char *debug_dir(void)
{
	const char *dbg = getenv("KDIVE_DEBUG_FILE_DIRECTORY");
	return dbg && *dbg ? dbg : "/usr/lib/debug";
}

/* DEBUG-DIR/.build-id/xx/rest.debug when it is there */
static char *build_id_dir_file(const char *build_id)
{
	char *p = xasprintf("%s/.build-id/%.2s/%s.debug", debug_dir(), build_id, build_id + 2);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* debuginfod, as every elfutils tool asks it (DEBUGINFOD_URLS, its cache reused); NULL with the
 * reason in msg */
static char *from_debuginfod(const char *build_id, const char *what, char *msg, size_t msgsize)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	if (!urls || !*urls) {
		snprintf(msg, msgsize, "no debug file of build ID %s (DEBUGINFOD_URLS is not set)", build_id);
		return NULL;
	}
	debuginfod_client *c = debuginfod_begin();
	if (!c) {
		snprintf(msg, msgsize, "debuginfod: no client");
		return NULL;
	}
	debuginfod_set_user_data(c, (void *)what);
	debuginfod_set_progressfn(c, progress);
	char *path = NULL;
	int fd = debuginfod_find_debuginfo(c, (const unsigned char *)build_id, 0, &path);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\n");
	debuginfod_end(c);
	if (fd >= 0) {
		close(fd);
		return path;
	}
	free(path);
	snprintf(msg, msgsize, "debuginfod (%s) has no debug file of build ID %s: %s", urls, build_id, strerror(-fd));
	return NULL;
}

char *debuginfo_find_by_build_id(const char *build_id, const char *what, const char **how, char *msg, size_t msgsize)
{
	*how = NULL;
	if (!build_id || !is_hex_id(build_id)) {
		snprintf(msg, msgsize, "no build ID");
		return NULL;
	}
	char *p = build_id_dir_file(build_id);
	if (p) {
		*how = "by its build ID";
		return p;
	}
	if ((p = from_debuginfod(build_id, what, msg, msgsize)))
		*how = "through debuginfod";
	return p;
}

char *debuginfo_find_vmlinux(const char *build_id, const char *release, const char **how, char *msg, size_t msgsize)
{
	char have[260], idmsg[400] = "";
	*how = NULL;
	msg[0] = '\0';
	bool id_ok = build_id && is_hex_id(build_id);
	const char *dbg = debug_dir();
	/* 1. the build-ID directory (debuginfod comes last: a download) */
	char *found = id_ok ? build_id_dir_file(build_id) : NULL;
	if (found) {
		*how = "by its build ID";
		return found;
	}
	/* 2. by release, where crash looks, when the build ID agrees */
	if (release && *release && !strchr(release, '/')) {
		const char *const fmts[] = {"%s/boot/vmlinux-%s", "%s/lib/modules/%s/vmlinux", "/boot/vmlinux-%s%s",
					    "/lib/modules/%s%s/build/vmlinux"};
		for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
			char *p = i < 2 ? xasprintf(fmts[i], dbg, release) : xasprintf(fmts[i], release, "");
			if (access(p, R_OK) == 0) {
				if (!id_ok || (file_build_id(p, have, sizeof(have)) && strcmp(have, build_id) == 0)) {
					*how = "by its release";
					return p;
				}
				snprintf(msg, msgsize, "%s is of another build than the dump", p);
			}
			free(p);
		}
	}
	/* 3. debuginfod */
	if (id_ok && getenv("DEBUGINFOD_URLS") && *getenv("DEBUGINFOD_URLS")) {
		if ((found = from_debuginfod(build_id, "the vmlinux", idmsg, sizeof(idmsg)))) {
			*how = "through debuginfod";
			return found;
		}
		snprintf(msg, msgsize, "%s", idmsg);
	}
	if (!msg[0])
		snprintf(msg, msgsize, "no vmlinux found for %s%s%s%s: give it on the command line%s",
			 release && *release ? "release " : "", release && *release ? release : "the dump",
			 id_ok ? ", build ID " : "", id_ok ? build_id : "",
			 id_ok ? ", install its -dbg package, or set DEBUGINFOD_URLS" : " (the dump has no VMCOREINFO build ID)");
	return NULL;
}

bool debuginfo_notes_build_id(const uint8_t *buf, size_t len, char *hex, size_t size)
{
	size_t off = 0;
	while (len - off >= 12) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, buf + off, 4);
		memcpy(&descsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		off += 12;
		size_t nlen = ((size_t)namesz + 3) & ~(size_t)3, dlen = ((size_t)descsz + 3) & ~(size_t)3;
		if (nlen > len - off || dlen > len - off - nlen)
			return false;
		const uint8_t *name = buf + off, *desc = buf + off + nlen;
		off += nlen + dlen;
		if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 && memcmp(name, "GNU", 4) == 0) {
			if (descsz == 0 || (size_t)descsz * 2 >= size)
				return false;
			for (uint32_t i = 0; i < descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return true;
		}
	}
	return false;
}

bool debuginfo_running_build_id(char *hex, size_t size)
{
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	uint8_t buf[4096]; /* the kernel's notes are a few hundred bytes */
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	return debuginfo_notes_build_id(buf, len, hex, size);
}
