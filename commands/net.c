/* net: network devices, the ARP cache and a task's sockets, as crash prints them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <kdive/kdive.h>

#define OPT_s 0x1
#define OPT_S 0x2
#define OPT_x 0x4
#define OPT_d 0x8

static const char *ipv4(const uint8_t *a, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

/* ---- devices ---- */

struct addrs_ctx {
	struct kd_sbuf *out;
	int n;
};

static int addr_visit(kd_session *s, const struct kd_inet_addr *a, void *arg)
{
	(void)s;
	struct addrs_ctx *c = arg;
	char buf[64];
	if (a->family == 2)
		ipv4(a->addr, buf, sizeof(buf));
	else if (!inet_ntop(AF_INET6, a->addr, buf, sizeof(buf)))
		buf[0] = '\0';
	kd_sbuf_printf(c->out, "%s%s", c->n++ ? ", " : "", buf);
	return 0;
}

/* JSON: one address of a device. */
static int addr_json(kd_session *s, const struct kd_inet_addr *a, void *arg)
{
	(void)arg;
	char buf[64];
	if (a->family == 2)
		ipv4(a->addr, buf, sizeof(buf));
	else if (!inet_ntop(AF_INET6, a->addr, buf, sizeof(buf)))
		buf[0] = '\0';
	kd_json_object_begin(s, NULL);
	kd_json_str(s, "family", a->family == 2 ? "inet" : "inet6");
	kd_json_str(s, "address", buf);
	kd_json_int(s, "prefixlen", a->prefixlen);
	kd_json_end(s);
	return 0;
}

static int device_visit(kd_session *s, uint64_t dev, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	(void)arg;
	struct kd_net_device d;
	if (kd_net_device_read(s, dev, &d) < 0)
		return -1;
	if (kd_json_active(s)) {
		kd_json_object_begin(s, NULL);
		kd_json_addr(s, "net_device", dev);
		kd_json_str(s, "name", d.name);
		kd_json_int(s, "type", d.type);
		kd_json_array_begin(s, "addresses");
		long n = kd_net_device_addrs(s, &d, addr_json, NULL);
		kd_json_end(s);
		if (n < 0)
			kd_json_error(s, "error");
		kd_json_end(s);
		return 0;
	}
	struct kd_sbuf line = {0};
	kd_sbuf_printf(&line, "%16llx  %-10s ", (unsigned long long)dev, d.name);
	struct addrs_ctx c = {&line, 0};
	long n = kd_net_device_addrs(s, &d, addr_visit, &c);
	kd_printf(s, "%s\n", kd_sbuf_str(&line));
	kd_sbuf_free(&line);
	return n < 0 ? -1 : 0;
}

static int show_devices(kd_session *s, uint64_t task)
{
	uint64_t net;
	if (kd_task_net_ns(s, task, &net) < 0)
		return -1;
	if (kd_json_active(s)) { /* {devices: [...]}; net's other views print text */
		kd_json_array_begin(s, "devices");
		int rc = kd_walk_net_devices(s, net, device_visit, NULL) < 0 ? -1 : 0;
		kd_json_end(s);
		return rc;
	}
	kd_printf(s, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n");
	return kd_walk_net_devices(s, net, device_visit, NULL) < 0 ? -1 : 0;
}

/* ---- the ARP cache ---- */

struct arp_ctx {
	bool header;
};

static const char *hw_type_name(unsigned type)
{
	switch (type) {
	case 0: return "NETROM";
	case 1: return "ETHER";
	case 2: return "EETHER";
	case 3: return "AX25";
	case 4: return "PRONET";
	case 5: return "CHAOS";
	case 6: return "IEEE802";
	case 7: return "ARCNET";
	case 8: return "APPLETLK";
	case 15: return "DLCI";
	case 23: return "METRICOM";
	default: return "UNKNOWN";
	}
}

static int neigh_visit(kd_session *s, uint64_t addr, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct arp_ctx *c = arg;
	struct kd_neighbour n;
	struct kd_net_device d;
	if (kd_neighbour_read(s, addr, &n) < 0 || kd_net_device_read(s, n.dev, &d) < 0)
		return -1;
	if (!c->header)
		kd_printf(s, "NEIGHBOUR        IP ADDRESS      HW TYPE    HW ADDRESS         DEVICE  STATE\n");
	c->header = true;
	char ip[32];
	struct kd_sbuf line = {0};
	kd_sbuf_printf(&line, "%-16llx %-16s%-10s ", (unsigned long long)addr, ipv4(n.key, ip, sizeof(ip)), hw_type_name(d.type));
	unsigned len = d.addr_len > sizeof(n.ha) ? (unsigned)sizeof(n.ha) : d.addr_len;
	for (unsigned i = 0; i < len; i++) {
		if (d.type == 1)
			kd_sbuf_printf(&line, "%02x%c", n.ha[i], i + 1 == len ? ' ' : ':');
		else
			kd_sbuf_printf(&line, "%02x ", n.ha[i]);
	}
	kd_sbuf_printf(&line, " %-6s  ", d.name);
	static const char *const states[] = {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};
	bool any = false;
	for (int i = 0; i < 8; i++)
		if (n.nud_state & (1u << i)) {
			kd_sbuf_printf(&line, "%s%s", any ? "|" : "", states[i]);
			any = true;
		}
	kd_printf(s, "%s\n", kd_sbuf_str(&line));
	kd_sbuf_free(&line);
	return 0;
}

static int show_arp(kd_session *s)
{
	const struct kd_symbol *tbl = kd_symbol_lookup(s, "arp_tbl");
	if (!tbl)
		return kd_fail(s, "arp_tbl does not exist in this kernel");
	struct arp_ctx c = {0};
	return kd_walk_neighbours(s, tbl->addr, neigh_visit, &c) < 0 ? -1 : 0;
}

/* ---- sockets ---- */

/* -R: a socket or sock address, or a descriptor, as crash matches it. */
struct net_ref {
	const char *str;
	struct kd_ref_number num;
	bool found, task_header, sock_header;
};

static const char *family_name(unsigned f, char *buf, size_t size)
{
	static const char *const names[] = {"UNSPEC", "UNIX", "INET", "AX25", "IPX", "APPLETALK", "NETROM", "BRIDGE", "ATMPVC",
					    "X25", "INET6", "ROSE", "DECnet", "NETBEUI", "SECURITY/KEY", NULL, "NETLINK/ROUTE",
					    "PACKET", "ASH", "ECONET", "ATMSVC", NULL, "SNA", "IRDA", "PPPOX"};
	if (f < sizeof(names) / sizeof(names[0]) && names[f])
		snprintf(buf, size, "%s:", names[f]);
	else
		snprintf(buf, size, "%u:", f);
	return buf;
}

static const char *type_name(unsigned t, char *buf, size_t size)
{
	static const char *const names[] = {NULL, "STREAM", "DGRAM ", "RAW", "RDM", "SEQPACKET"};
	if (t >= 1 && t <= 5)
		snprintf(buf, size, "%s", names[t]);
	else if (t == 10)
		snprintf(buf, size, "PACKET");
	else
		snprintf(buf, size, "%u", t);
	return buf;
}

static void in6_port(const uint8_t *a, unsigned port, char *buf, size_t size)
{
	snprintf(buf, size, "%x:%x:%x:%x:%x:%x:%x:%x-%u", a[0] << 8 | a[1], a[2] << 8 | a[3], a[4] << 8 | a[5], a[6] << 8 | a[7],
		 a[8] << 8 | a[9], a[10] << 8 | a[11], a[12] << 8 | a[13], a[14] << 8 | a[15], port);
}

/* FAMILY:TYPE and, for INET and INET6, the two ends, as crash's -s line has them. */
static int sock_info(kd_session *s, uint64_t sock, struct kd_sbuf *out)
{
	struct kd_sock_info si;
	if (kd_sock_read(s, sock, &si) < 0)
		return -1;
	char f[32], t[32], a[64], b[64];
	kd_sbuf_printf(out, "%s%s ", family_name(si.family, f, sizeof(f)), type_name(si.type, t, sizeof(t)));
	if (si.family == 2)
		kd_sbuf_printf(out, " %s-%u %s-%u", ipv4(si.saddr, a, sizeof(a)), si.sport, ipv4(si.daddr, b, sizeof(b)), si.dport);
	else if (si.family == 10) {
		if (!si.v6_addrs) {
			kd_sbuf_printf(out, "(cannot get IPv6 addresses)");
			return 0;
		}
		in6_port(si.saddr, si.sport, a, sizeof(a));
		in6_port(si.daddr, si.dport, b, sizeof(b));
		char c[96];
		kd_sbuf_printf(out, "%12s %s", a, kd_format_centred(c, sizeof(c), b, (int)strlen(a), false));
	}
	return 0;
}

struct sockets_ctx {
	const struct task_info *t;
	unsigned flags;
	struct net_ref *ref;
	unsigned max_fds;
	int found;
};

static int socket_visit(kd_session *s, const struct kd_task_socket *so, void *arg)
{
	struct sockets_ctx *c = arg;
	if (c->ref) {
		struct net_ref *r = c->ref;
		const struct kd_ref_number *n = &r->num;
		bool hit = (n->hex && (n->hexval == so->sock || n->hexval == so->socket || n->hexval == so->fd)) ||
			   (n->dec && n->decval == so->fd);
		if (!hit)
			return 0;
		r->found = true;
		if (!r->task_header) {
			kd_task_print_header(s, c->t, 0);
			r->task_header = true;
		}
		if (!r->sock_header) {
			c->found = 0;
			r->sock_header = true;
		}
	}
	if (c->flags & OPT_S) {
		char a[20], b[20];
		kd_printf(s, "%sFD  %s  %s\n", c->found ? "\n" : "", kd_format_centred(a, sizeof(a), "SOCKET", 16, false),
			  kd_format_centred(b, sizeof(b), "SOCK", 16, false));
		kd_printf(s, "%2u  %16llx  %16llx\n\n", so->fd, (unsigned long long)so->socket, (unsigned long long)so->sock);
		c->found++;
		unsigned pf = 0;
		int radix = (c->flags & OPT_x) ? 16 : (c->flags & OPT_d) ? 10 : kd_output_radix(s);
		if (radix == 16)
			pf |= KD_PRINT_RADIX_HEX;
		static const char *const types[] = {"socket", "inet_sock"};
		const uint64_t addrs[] = {so->socket, so->sock};
		for (int i = 0; i < 2; i++) {
			kd_struct_spec *sp = kd_struct_spec_parse(s, types[i], "struct");
			if (!sp)
				return -1;
			struct kd_sbuf out = {0};
			int rc = kd_print_struct(s, &out, sp, addrs[i], pf);
			kd_printf(s, "%s", kd_sbuf_str(&out));
			kd_sbuf_free(&out);
			kd_struct_spec_free(sp);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	if (!c->found)
		kd_printf(s, "FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT\n");
	c->found++;
	struct kd_sbuf line = {0};
	kd_sbuf_printf(&line, "%2u %16llx %16llx ", so->fd, (unsigned long long)so->socket, (unsigned long long)so->sock);
	int rc = sock_info(s, so->sock, &line);
	kd_printf(s, "%s\n", kd_sbuf_str(&line));
	kd_sbuf_free(&line);
	return rc;
}

static int fd_count(kd_session *s, const struct kd_open_file *f, void *arg)
{
	(void)s;
	*(unsigned *)arg = f->max_fds;
	return KD_WALK_STOP;
}

/* One task's sockets (crash's dump_sockets_workhorse); the task header is the caller's. */
static int task_sockets(kd_session *s, const struct task_info *t, unsigned flags, struct net_ref *ref)
{
	struct sockets_ctx c = {.t = t, .flags = flags, .ref = ref};
	uint64_t files = 0;
	if (ref) {
		/* crash keeps the reference's state over the tasks of one command (a task header once,
		   a blank line after each task with files once something matched); foreach starts afresh */
		unsigned max_fds = 0;
		if (kd_read_member_ptr(s, t->task, "task_struct", "files", &files) < 0 ||
		    kd_task_files(s, t->task, fd_count, &max_fds) < 0)
			return -1;
		if (files)
			kd_parse_ref_number(ref->str, max_fds, &ref->num); /* crash's flags add up over a command's tasks */
	}
	long n = kd_task_sockets(s, t->task, socket_visit, &c);
	if (n < 0)
		return -1;
	if (!n && !ref)
		kd_printf(s, "No open sockets.\n");
	if (ref && files && ref->found)
		kd_printf(s, "\n");
	return 0;
}

static int show_sockets(kd_session *s, int argc, char **argv, unsigned flags, struct net_ref *ref)
{
	if (optind >= argc) {
		const struct task_info *t = kd_task_current(s);
		if (!t)
			return -1;
		if (!ref)
			kd_task_print_header(s, t, 0);
		return task_sockets(s, t, flags, ref);
	}
	int rc = 0, subsequent = 0;
	for (int i = optind; i < argc; i++) {
		size_t n;
		const struct task_info *t = kd_tasks_from_arg(s, argv[i], &n);
		if (!t) {
			kd_info(s, "%snet: invalid task or pid value: %s", subsequent++ ? "\n" : "", argv[i]);
			kd_clear_error(s);
			continue;
		}
		for (size_t k = 0; k < n; k++) { /* a PID names every task that has it */
			const struct task_info *u = &t[k];
			if (!ref) {
				if (subsequent++)
					kd_printf(s, "\n");
				kd_task_print_header(s, u, 0);
			}
			if (task_sockets(s, u, flags, ref) < 0)
				rc = -1;
		}
	}
	return rc;
}

/* crash's stol: decimal digits are a decimal number, anything else hexadecimal. */
static bool parse_number(const char *w, uint64_t *v)
{
	return kd_parse_u64(w, v) || kd_parse_hex_u64(w, v);
}

static int cmd_net(kd_session *s, int argc, char **argv)
{
	int c;
	unsigned flags = 0;
	bool nflag = false, aflag = false;
	struct net_ref ref = {0}, *refp = NULL;
	const struct kd_task_table *tt = kd_tasks_get(s);
	if (!tt || !tt->len)
		return -1;
	uint64_t task = tt->tasks[0].task; /* crash's pid_to_task(0): CPU 0's idle task */
	while ((c = getopt(argc, argv, "N:asSR:xdn")) != -1) {
		switch (c) {
		case 'R':
			if (refp)
				kd_info(s, "net: only one -R option allowed");
			else {
				refp = &ref;
				ref.str = optarg;
			}
			break;
		case 'a':
			if (show_arp(s) < 0)
				return -1;
			aflag = true;
			break;
		case 'N': {
			uint64_t v;
			if (!parse_number(optarg, &v))
				return kd_error(s, KD_EINVAL, 0, "not a valid number: %s", optarg);
			uint8_t a[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
			char buf[32];
			kd_printf(s, "%s\n", ipv4(a, buf, sizeof(buf)));
			return 0;
		}
		case 's':
			if (flags & OPT_S)
				kd_info(s, "net: only one -s or -S option allowed");
			else
				flags |= OPT_s;
			break;
		case 'S':
			if (flags & OPT_s)
				kd_info(s, "net: only one -s or -S option allowed");
			else
				flags |= OPT_S;
			break;
		case 'x':
			if (flags & OPT_d)
				return kd_fail(s, "-d and -x are mutually exclusive");
			flags |= OPT_x;
			break;
		case 'd':
			if (flags & OPT_x)
				return kd_fail(s, "-d and -x are mutually exclusive");
			flags |= OPT_d;
			break;
		case 'n': {
			nflag = true;
			const struct task_info *cur = kd_task_current(s);
			if (!cur)
				return -1;
			task = cur->task;
			if (optind < argc) {
				const struct task_info *t = kd_task_from_arg(s, argv[optind]);
				if (!t)
					return kd_fail(s, "invalid task or pid value: %s", argv[optind]);
				task = t->task;
			}
			break;
		}
		default:
			return kd_usage(s);
		}
	}
	if (flags & (OPT_s | OPT_S))
		return show_sockets(s, argc, argv, flags, refp);
	if (argc == 1 || nflag)
		return show_devices(s, task);
	if (!aflag)
		return kd_usage(s);
	return 0;
}

const struct kd_command kd_cmd_net = {
	"net", cmd_net, "net [[-s | -S] [-xd] [-R ref] [pid | task]] [-a] [ -n [pid | task]] [-N addr]",
	"network command",
	"Without options, lists the network devices of the initial network namespace: each\n"
	"struct net_device, its name and its IPv4 then IPv6 addresses.\n"
	"\n"
	"  -n [pid | task]  the devices of the network namespace of a task (the current\n"
	"                   context without one).\n"
	"  -a               the ARP cache (arp_tbl's neighbours): address, hardware type and\n"
	"                   address, device and NUD state.\n"
	"  -s [pid | task]  the sockets among a task's open files (the current context's\n"
	"                   without one): descriptor, struct socket, struct sock, family and\n"
	"                   type, and for INET and INET6 the local and remote address-port.\n"
	"  -S [pid | task]  the same sockets, each followed by its struct socket and its\n"
	"                   struct inet_sock in full.\n"
	"  -x, -d           -S's structures in hexadecimal or in decimal.\n"
	"  -R ref           with -s or -S: only the socket whose socket or sock address, or\n"
	"                   descriptor, is ref (tasks without one print nothing); typically\n"
	"                   under foreach.\n"
	"  -N addr          an IPv4 address held as a number (decimal, or hexadecimal) in\n"
	"                   dotted-decimal notation, as a struct's __be32 member shows it.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> net\n"
	"  kdive> net -n 2618\n"
	"  kdive> net -a\n"
	"  kdive> net -s 116\n"
	"  kdive> net -S -x 116\n"
	"  kdive> net -N 16777343\n"
	"  kdive> foreach net -s -R ffff8e80dbd3b600\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_TAKES_TASK,
};
