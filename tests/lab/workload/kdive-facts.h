/* Facts printing shared by the dump lab's guest workload programs.
 *
 * Every program prints one line per fact on stdout:
 *     KDIVE-FACT {"role":...,"pid":...,...}
 * followed, once all its facts are out, by
 *     KDIVE-DONE <role>
 * and, when $KDIVE_DONE_DIR is set, by creating the empty file $KDIVE_DONE_DIR/<role>,
 * which the guest's /init waits for before it panics the kernel. The guest points
 * stdout at a serial port of its own (one write(2) per line keeps lines whole).
 *
 * The facts of a process are read back from /proc, so they say what the kernel
 * has, not what the program meant to do.
 */
#ifndef KDIVE_FACTS_H
#define KDIVE_FACTS_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static inline void die(const char *what)
{
	fprintf(stderr, "kdive workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A growable string buffer. */
struct sb {
	char *s;
	size_t len, cap;
};

static inline void sb_printf(struct sb *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		size_t room = b->cap - b->len;
		int n;
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("vsnprintf");
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			die("realloc");
	}
}

/* A JSON string. */
static inline void sb_str(struct sb *b, const char *v)
{
	sb_printf(b, "\"");
	for (; *v; v++) {
		unsigned char c = *v;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

/* Write the buffer with one write(2) and wipe it: the buffer may hold a marker that
 * must stay unique in the process's user memory. */
static inline void sb_emit(struct sb *b)
{
	size_t off = 0;
	const char *to = getenv("KDIVE_FACTS");
	int fd = 1;
	/* $KDIVE_FACTS: write there (opened for this line only) instead of stdout, so the
	 * caller needs no redirection (busybox ash redirects its own fds for a command). */
	if (to && (fd = open(to, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
		die(to);
	while (off < b->len) {
		ssize_t n = write(fd, b->s + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write facts");
		off += n;
	}
	/* A serial port: wait until the line is out, the caller may panic the kernel next. */
	if (isatty(fd))
		tcdrain(fd);
	if (fd != 1)
		close(fd);
	memset(b->s, 0, b->cap);
	__asm__ volatile("" ::: "memory");
	b->len = 0;
}

static inline int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

static inline int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* The numeric entries of a /proc directory, sorted; skip is a number to leave out. */
static inline int proc_numbers(const char *dir, int *out, int max, int skip)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		die(dir);
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name)
			continue;
		if (v == dirfd(d) && skip == -2)
			continue;
		if (v == skip)
			continue;
		if (n < max)
			out[n++] = (int)v;
	}
	closedir(d);
	qsort(out, n, sizeof(int), cmp_int);
	return n;
}

static const char *mode_type(mode_t m)
{
	if (S_ISREG(m)) return "REG";
	if (S_ISDIR(m)) return "DIR";
	if (S_ISCHR(m)) return "CHR";
	if (S_ISBLK(m)) return "BLK";
	if (S_ISFIFO(m)) return "FIFO";
	if (S_ISSOCK(m)) return "SOCK";
	if (S_ISLNK(m)) return "LNK";
	return "UNKN";
}

/* "key":"addr","key_port":port of an AF_INET or AF_INET6 address. */
static inline void sb_inaddr(struct sb *b, const char *key, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN] = "";
	int port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		port = ntohs(in6->sin6_port);
	}
	sb_printf(b, ",\"%saddr\":\"%s\",\"%sport\":%d", key, a, key, port);
}

/* Extra facts of a socket of this process: family, socktype; for an IP socket its proto
 * (the kernel's name of it, sk_prot->name: TCP, UDP, TCPv6, UDPv6), local address and
 * port, and the peer's (raddr, rport) when it is connected. */
static inline void sock_facts(struct sb *b, int fd)
{
	int dom = 0, type = 0, proto = 0, acc = 0;
	socklen_t l = sizeof(int);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l);
	l = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l);
	l = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
	l = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l);
	sb_printf(b, ",\"family\":\"%s\",\"socktype\":\"%s\"",
		  dom == AF_INET ? "AF_INET" : dom == AF_INET6 ? "AF_INET6" : dom == AF_UNIX ? "AF_UNIX" : "OTHER",
		  type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM ? "SOCK_DGRAM" : "OTHER");
	if ((dom == AF_INET || dom == AF_INET6) && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		sb_printf(b, ",\"proto\":\"%s%s\"",
			  proto == IPPROTO_TCP ? "TCP" : proto == IPPROTO_UDP ? "UDP" : "OTHER",
			  dom == AF_INET6 ? "v6" : "");
		sb_inaddr(b, "l", &ss);
		sl = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
			sb_inaddr(b, "r", &ss);
	}
	if (type == SOCK_STREAM)
		sb_printf(b, ",\"listening\":%s", acc ? "true" : "false");
}

/* "fds":[...] of process pid (this process: its own /proc/<pid>/fd scan fd left out). */
static inline void fds_facts(struct sb *b, int pid)
{
	char dir[64], p[128], link[4096], info[512];
	int fds[256], n, i, self = pid == getpid();
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	n = proc_numbers(dir, fds, 256, self ? -2 : -1);
	sb_printf(b, ",\"fds\":[");
	for (i = 0; i < n; i++) {
		struct stat st;
		ssize_t l;
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", pid, fds[i]);
		l = readlink(p, link, sizeof(link) - 1);
		if (l < 0)
			continue; /* closed meanwhile */
		link[l] = 0;
		if (stat(p, &st) < 0)
			die(p);
		sb_printf(b, "%s{\"fd\":%d,\"type\":\"%s\",\"path\":", i ? "," : "", fds[i], mode_type(st.st_mode));
		sb_str(b, link);
		sb_printf(b, ",\"inode\":%llu", (unsigned long long)st.st_ino);
		if (S_ISREG(st.st_mode)) {
			char *pos;
			sb_printf(b, ",\"size\":%lld", (long long)st.st_size);
			snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", pid, fds[i]);
			if (read_small(p, info, sizeof(info)) > 0 && (pos = strstr(info, "pos:")))
				sb_printf(b, ",\"pos\":%lld", atoll(pos + 4));
		}
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			sb_printf(b, ",\"rdev\":\"%u:%u\"", major(st.st_rdev), minor(st.st_rdev));
		if (S_ISSOCK(st.st_mode) && self)
			sock_facts(b, fds[i]);
		sb_printf(b, "}");
	}
	sb_printf(b, "]");
}

/* Start a fact line for process pid with the facts every process has:
 *   role, pid, comm, ppid, threads, tids, fds
 * The caller appends its own ,"key":value pairs and ends with fact_end(). */
static inline void fact_begin(struct sb *b, const char *role, int pid)
{
	char p[64], stat[1024], comm[64];
	char *rp, state;
	int ppid = 0, tids[1024], n, i;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	if (read_small(p, stat, sizeof(stat)) <= 0)
		die(p);
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	if (read_small(p, comm, sizeof(comm)) <= 0)
		die(p);
	comm[strcspn(comm, "\n")] = 0;
	rp = strrchr(stat, ')');
	if (rp)
		sscanf(rp + 1, " %c %d", &state, &ppid);
	snprintf(p, sizeof(p), "/proc/%d/task", pid);
	n = proc_numbers(p, tids, 1024, -1);
	sb_printf(b, "KDIVE-FACT {\"role\":");
	sb_str(b, role);
	sb_printf(b, ",\"pid\":%d,\"comm\":", pid);
	sb_str(b, comm);
	sb_printf(b, ",\"ppid\":%d,\"threads\":%d,\"tids\":[", ppid, n);
	for (i = 0; i < n; i++)
		sb_printf(b, "%s%d", i ? "," : "", tids[i]);
	sb_printf(b, "]");
	fds_facts(b, pid);
}

static inline void fact_end(struct sb *b)
{
	sb_printf(b, "}\n");
	sb_emit(b);
}

static inline void facts_done(const char *role)
{
	struct sb b = {0};
	const char *dir = getenv("KDIVE_DONE_DIR");
	sb_printf(&b, "KDIVE-DONE %s\n", role);
	sb_emit(&b);
	free(b.s);
	if (dir) {
		char p[4096];
		int fd;
		snprintf(p, sizeof(p), "%s/%s", dir, role);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die(p);
		close(fd);
	}
}

/* mkdir -p */
static inline void mkdirs(const char *path)
{
	char tmp[4096], *s;
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			die(tmp);
		*s = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		die(tmp);
}

/* Move fd to number want. */
static inline int place_fd(int fd, int want)
{
	if (fd == want)
		return fd;
	if (dup2(fd, want) < 0)
		die("dup2");
	close(fd);
	return want;
}

/* The state letter and the wchan (/proc/<pid>/wchan: where it sleeps) of pid. */
static inline char proc_state(int pid, char *wchan, size_t size)
{
	char p[64], stat[1024], *rp, st = '?';
	snprintf(p, sizeof(p), "/proc/%d/wchan", pid);
	if (read_small(p, wchan, size) < 0)
		wchan[0] = 0;
	wchan[strcspn(wchan, "\n")] = 0;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	if (read_small(p, stat, sizeof(stat)) > 0 && (rp = strrchr(stat, ')')))
		sscanf(rp + 1, " %c", &st);
	return st;
}

/* Wait (up to 60 s) until pid sleeps (state S) in one of the kernel functions of want
 * ("f1|f2": its wchan); copies the wchan to got; dies otherwise. */
static inline void wait_blocked(int pid, const char *want, char *got, size_t size)
{
	int i;
	for (i = 0; i < 6000; i++) {
		char alt[256], *w, *save;
		if (proc_state(pid, got, size) == 'S') {
			snprintf(alt, sizeof(alt), "%s", want);
			for (w = strtok_r(alt, "|", &save); w; w = strtok_r(NULL, "|", &save))
				if (!strcmp(got, w))
					return;
		}
		usleep(10000);
	}
	fprintf(stderr, "kdive workload: pid %d is not asleep in %s (wchan %s)\n", pid, want, got);
	exit(1);
}

static inline void sleep_forever(void)
{
	for (;;)
		pause();
}

#endif
