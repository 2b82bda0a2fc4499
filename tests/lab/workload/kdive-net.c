/* kdive-net: the lab's network: the virtio NIC configured by hand (no DHCP, no host
 * network: QEMU's NIC is on a hub of its own), and a process holding IP sockets, then
 * asleep forever.
 *
 * The NIC (the interface whose driver is virtio_net, eth0): up, MAC NET_MAC (QEMU's
 * -device mac=), IPv4 NET_IPV4/24, IPv6 NET_IPV6/64 (duplicate address detection off, so
 * it is usable at once; the kernel adds the link-local fe80:: address from the MAC), and a
 * permanent ARP entry NET_PEER4 -> NET_PEER_MAC.
 * Sockets (ports apart from kdive-files' 40400 and the states boot's 40500/40501):
 *   fd 3  TCP listening on 0.0.0.0:NET_LISTEN_PORT
 *   fd 4  TCP client 127.0.0.1:NET_CLIENT_PORT -> 127.0.0.1:NET_LISTEN_PORT, established,
 *         with SO_KEEPALIVE (its keepalive timer, tcp_keepalive_timer, is in the wheel)
 *   fd 5  the accepted end, 127.0.0.1:NET_LISTEN_PORT -> 127.0.0.1:NET_CLIENT_PORT
 *   fd 6  UDP bound to NET_IPV4:NET_UDP_PORT
 *   fd 7  UDP over IPv6 bound to [NET_IPV6]:NET_UDP6_PORT
 * Facts: KDIVE-FACT {"role":"net",...,"fds":[...],"nic":{...},"sockets":[...]}, read back
 * from the kernel (getsockname/getpeername, /proc/net/if_inet6, /proc/net/arp).
 */
#include "kdive-facts.h"
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#define NET_MAC "52:54:00:6b:64:01"
#define NET_IPV4 "192.168.100.2"
#define NET_PREFIX4 24
#define NET_IPV6 "fd00:6b64::2"
#define NET_PREFIX6 64
#define NET_PEER4 "192.168.100.1"
#define NET_PEER_MAC "52:54:00:6b:64:02"
#define NET_LISTEN_PORT 40600
#define NET_UDP_PORT 40601
#define NET_UDP6_PORT 40602
#define NET_CLIENT_PORT 40610

/* struct in6_ifreq of <linux/ipv6.h>, which does not mix with glibc's <netinet/in.h>. */
struct kdive_in6_ifreq {
	struct in6_addr addr;
	unsigned int prefixlen;
	int ifindex;
};

/* The interface whose driver is virtio_net. */
static void find_nic(char *name, size_t size)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	int n;
	for (n = 0; n < 100; n++) {
		while (d && (e = readdir(d))) {
			char p[512], link[512];
			ssize_t l;
			snprintf(p, sizeof(p), "/sys/class/net/%s/device/driver", e->d_name);
			l = readlink(p, link, sizeof(link) - 1);
			if (l <= 0)
				continue;
			link[l] = 0;
			if (!strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "virtio_net")) {
				snprintf(name, size, "%.*s", (int)size - 1, e->d_name);
				closedir(d);
				return;
			}
		}
		if (d)
			closedir(d);
		usleep(100000); /* the module's probe may still be adding it */
		d = opendir("/sys/class/net");
	}
	errno = ENODEV;
	die("no virtio_net interface");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void set_sin(struct sockaddr *sa, const char *addr)
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
		die(addr);
}

static void parse_mac(const char *mac, unsigned char *out)
{
	unsigned int v[6];
	int i;
	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		die(mac);
	for (i = 0; i < 6; i++)
		out[i] = (unsigned char)v[i];
}

static void configure(const char *dev)
{
	struct ifreq ifr;
	struct arpreq arp;
	struct kdive_in6_ifreq r6;
	char p[256];
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), s6;
	if (s < 0)
		die("socket");
	/* no duplicate address detection: the address is not "tentative" in the dump */
	snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/accept_dad", dev);
	write_file(p, "0\n");
	snprintf(p, sizeof(p), "/proc/sys/net/ipv6/conf/%s/dad_transmits", dev);
	write_file(p, "0\n");

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	set_sin(&ifr.ifr_addr, NET_IPV4);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		die("SIOCSIFADDR");
	set_sin(&ifr.ifr_netmask, "255.255.255.0");
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		die("SIOCSIFNETMASK");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("SIOCSIFFLAGS");

	s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s6 < 0)
		die("socket AF_INET6");
	memset(&r6, 0, sizeof(r6));
	if (inet_pton(AF_INET6, NET_IPV6, &r6.addr) != 1)
		die(NET_IPV6);
	r6.prefixlen = NET_PREFIX6;
	r6.ifindex = (int)if_nametoindex(dev);
	if (ioctl(s6, SIOCSIFADDR, &r6) < 0)
		die("SIOCSIFADDR inet6");
	close(s6);

	memset(&arp, 0, sizeof(arp));
	set_sin(&arp.arp_pa, NET_PEER4);
	arp.arp_ha.sa_family = ARPHRD_ETHER;
	parse_mac(NET_PEER_MAC, (unsigned char *)arp.arp_ha.sa_data);
	arp.arp_flags = ATF_PERM | ATF_COM;
	snprintf(arp.arp_dev, sizeof(arp.arp_dev), "%s", dev);
	if (ioctl(s, SIOCSARP, &arp) < 0)
		die("SIOCSARP");
	close(s);
}

static int ip_socket(int family, int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int s = socket(family, type, 0), one = 1;
	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
			die(addr);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &in6->sin6_addr) != 1)
			die(addr);
		len = sizeof(*in6);
	}
	/* an address just added is tentative until the kernel's address work has run (DAD
	 * off or not): up to a minute of EADDRNOTAVAIL on a loaded TCG guest */
	for (int i = 0; bind(s, (struct sockaddr *)&ss, len) < 0; i++) {
		if (errno != EADDRNOTAVAIL || i == 600)
			die(addr);
		usleep(100000);
	}
	return s;
}

/* The NIC as the kernel has it: ,"nic":{dev, driver, mac, ipv4, prefix4, ipv6 [every
 * address of /proc/net/if_inet6 for it: addr, prefix, scope], arp [/proc/net/arp]}. */
static void nic_facts(struct sb *b, const char *dev)
{
	char buf[8192], mac[64], p[256], *line, *save;
	int first = 1;
	snprintf(p, sizeof(p), "/sys/class/net/%s/address", dev);
	if (read_small(p, mac, sizeof(mac)) <= 0)
		die(p);
	mac[strcspn(mac, "\n")] = 0;
	sb_printf(b, ",\"nic\":{\"dev\":");
	sb_str(b, dev);
	sb_printf(b, ",\"driver\":\"virtio_net\",\"ifindex\":%u,\"mac\":", if_nametoindex(dev));
	sb_str(b, mac);
	sb_printf(b, ",\"ipv4\":\"%s\",\"prefix4\":%d,\"ipv6\":[", NET_IPV4, NET_PREFIX4);
	/* /proc/net/if_inet6: address (32 hex digits) ifindex prefix scope flags name */
	if (read_small("/proc/net/if_inet6", buf, sizeof(buf)) < 0)
		die("/proc/net/if_inet6");
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char hex[33], name[IFNAMSIZ + 1], text[INET6_ADDRSTRLEN];
		unsigned int idx, plen, scope, flags, i;
		struct in6_addr a;
		if (sscanf(line, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags, name) != 6 ||
		    strcmp(name, dev))
			continue;
		for (i = 0; i < 16; i++) {
			unsigned int v;
			sscanf(hex + 2 * i, "%2x", &v);
			a.s6_addr[i] = (unsigned char)v;
		}
		inet_ntop(AF_INET6, &a, text, sizeof(text));
		sb_printf(b, "%s{\"addr\":\"%s\",\"prefix\":%u,\"scope\":\"%s\"}", first ? "" : ",", text, plen,
			  scope == 0x20 ? "link" : scope == 0 ? "global" : "other");
		first = 0;
	}
	sb_printf(b, "],\"arp\":[");
	/* /proc/net/arp: IP address, HW type, Flags, HW address, Mask, Device */
	if (read_small("/proc/net/arp", buf, sizeof(buf)) < 0)
		die("/proc/net/arp");
	first = 1;
	line = strtok_r(buf, "\n", &save); /* the header */
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ip[64], hw[64], name[64];
		unsigned int type, flags;
		if (sscanf(line, "%63s %x %x %63s %*s %63s", ip, &type, &flags, hw, name) != 5)
			continue;
		sb_printf(b, "%s{\"ip\":\"%s\",\"mac\":\"%s\",\"dev\":\"%s\",\"flags\":\"0x%x\"}", first ? "" : ",", ip,
			  hw, name, flags);
		first = 0;
	}
	sb_printf(b, "]}");
}

int main(void)
{
	struct sb b = {0};
	struct sockaddr_in sin;
	char dev[IFNAMSIZ];
	int lis, cli, acc, one = 1, i;
	static const char *const what[] = {"listen", "client", "accepted", "udp", "udp6"};

	find_nic(dev, sizeof(dev));
	configure(dev);

	lis = place_fd(ip_socket(AF_INET, SOCK_STREAM, "0.0.0.0", NET_LISTEN_PORT), 3);
	if (listen(lis, 8) < 0)
		die("listen");
	cli = place_fd(ip_socket(AF_INET, SOCK_STREAM, "127.0.0.1", NET_CLIENT_PORT), 4);
	setsockopt(cli, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	set_sin((struct sockaddr *)&sin, "127.0.0.1");
	sin.sin_port = htons(NET_LISTEN_PORT);
	if (connect(cli, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("connect 127.0.0.1");
	acc = accept(lis, NULL, NULL);
	if (acc < 0)
		die("accept");
	place_fd(acc, 5);
	place_fd(ip_socket(AF_INET, SOCK_DGRAM, NET_IPV4, NET_UDP_PORT), 6);
	place_fd(ip_socket(AF_INET6, SOCK_DGRAM, NET_IPV6, NET_UDP6_PORT), 7);

	fact_begin(&b, "net", getpid());
	nic_facts(&b, dev);
	/* the sockets by what they are for (their addresses are in fds[]) */
	sb_printf(&b, ",\"sockets\":{");
	for (i = 0; i < 5; i++)
		sb_printf(&b, "%s\"%s\":%d", i ? "," : "", what[i], 3 + i);
	sb_printf(&b, "},\"keepalive_fd\":4");
	fact_end(&b);
	facts_done("net");
	sleep_forever();
	return 0;
}
