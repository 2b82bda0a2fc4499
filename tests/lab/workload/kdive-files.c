/* kdive-files: a process with known open files, then asleep forever.
 *   fd 3  /lab/dir1/dir2/known.txt, read-only, file position KNOWN_POS
 *   fd 4  read end of a pipe, fd 5 its write end (KNOWN_PIPE bytes unread in it)
 *   fd 6  TCP socket listening on 127.0.0.1:KNOWN_PORT (the program brings lo up)
 * Facts: KDIVE-FACT {"role":"files",...,"fds":[...],"known_file":...,"port":...}
 */
#include "kdive-facts.h"
#include <net/if.h>
#include <sys/ioctl.h>

#define KNOWN_PATH "/lab/dir1/dir2/known.txt"
#define KNOWN_TEXT "KDIVE known file: " KNOWN_PATH "\n"
#define KNOWN_POS 6
#define KNOWN_PIPE "KDIVE-PIPE\n"
#define KNOWN_PORT 40400

static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS lo");
	close(s);
}

int main(void)
{
	struct sb b = {0};
	struct sockaddr_in sin;
	int fd, p[2], s, one = 1;
	char buf[KNOWN_POS];

	lo_up();
	mkdirs("/lab/dir1/dir2");
	fd = open(KNOWN_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, KNOWN_TEXT, strlen(KNOWN_TEXT)) != (ssize_t)strlen(KNOWN_TEXT))
		die(KNOWN_PATH);
	close(fd);

	fd = place_fd(open(KNOWN_PATH, O_RDONLY), 3);
	if (read(fd, buf, KNOWN_POS) != KNOWN_POS)
		die("read known");
	if (pipe(p) < 0)
		die("pipe");
	/* pipe() may hand out 4,5 already; place_fd copes either way. */
	if (p[0] != 4 && p[1] == 4) {
		int t = dup(p[1]);
		close(p[1]);
		p[1] = t;
	}
	place_fd(p[0], 4);
	place_fd(p[1], 5);
	if (write(5, KNOWN_PIPE, strlen(KNOWN_PIPE)) != (ssize_t)strlen(KNOWN_PIPE))
		die("write pipe");

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(KNOWN_PORT);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind 127.0.0.1");
	if (listen(s, 8) < 0)
		die("listen");
	place_fd(s, 6);

	fact_begin(&b, "files", getpid());
	sb_printf(&b, ",\"known_file\":{\"fd\":3,\"path\":");
	sb_str(&b, KNOWN_PATH);
	sb_printf(&b, ",\"content\":");
	sb_str(&b, KNOWN_TEXT);
	sb_printf(&b, ",\"pos\":%d},\"pipe\":{\"read_fd\":4,\"write_fd\":5,\"unread\":", KNOWN_POS);
	sb_str(&b, KNOWN_PIPE);
	sb_printf(&b, "},\"socket\":{\"fd\":6,\"family\":\"AF_INET\",\"proto\":\"TCP\","
		      "\"laddr\":\"127.0.0.1\",\"lport\":%d,\"state\":\"LISTEN\"}", KNOWN_PORT);
	fact_end(&b);
	facts_done("files");
	sleep_forever();
	return 0;
}
