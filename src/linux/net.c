/* Networking: namespaces, net devices and their addresses, the neighbour table, a task's sockets. */
#include <string.h>

#include "linux/fs.h"
#include "linux/kernel.h"
#include "debuginfo/types.h"

#include <kdive/kdive.h>

#define NEIGH_BUCKETS_MAX (1u << 24)
#define NEIGH_CHAIN_MAX 100000

int kd_task_net_ns(kd_session *s, uint64_t task, uint64_t *net)
{
	if (!kd_member_exists(s, "nsproxy", "net_ns")) {
		const struct kd_symbol *sym = kd_symbol_lookup(s, "init_net");
		if (!sym)
			return kd_error(s, KD_ENOTFOUND, 0, "neither nsproxy.net_ns nor init_net exist");
		*net = sym->addr;
		return 0;
	}
	uint64_t nsproxy;
	if (kd_read_member_ptr(s, task, "task_struct", "nsproxy", &nsproxy) < 0)
		return -1;
	if (!nsproxy)
		return kd_error(s, KD_ENOTFOUND, task, "cannot determine %s_namespace location!", "net");
	if (kd_read_member_ptr(s, nsproxy, "nsproxy", "net_ns", net) < 0)
		return kd_error(s, kd_last_code(s), nsproxy, "cannot determine net_namespace location!");
	return 0;
}

long kd_walk_net_devices(kd_session *s, uint64_t net, kd_walk_fn fn, void *arg)
{
	uint64_t head_off, list_off;
	if (kd_member_offset(s, "net", "dev_base_head", &head_off) < 0 ||
	    kd_member_offset(s, "net_device", "dev_list", &list_off) < 0)
		return -1;
	return kd_walk_list(s, net + head_off, list_off, 0, fn, arg);
}

struct net_device_view {
	char name[32];
	uint16_t type;
	uint8_t addr_len;
	uint64_t ip_ptr, ip6_ptr;
};
static const struct kd_field net_device_fields[] = {
	KD_FIELD(struct net_device_view, name, "name", 0),
	KD_FIELD(struct net_device_view, type, "type", 0),
	KD_FIELD(struct net_device_view, addr_len, "addr_len", 0),
	KD_FIELD(struct net_device_view, ip_ptr, "ip_ptr", KD_FIELD_OPTIONAL),
	KD_FIELD(struct net_device_view, ip6_ptr, "ip6_ptr", KD_FIELD_OPTIONAL),
};

int kd_net_device_read(kd_session *s, uint64_t dev, struct kd_net_device *out)
{
	struct net_device_view v = {0};
	memset(out, 0, sizeof(*out));
	if (kd_read_struct(s, dev, "net_device", net_device_fields, ARRAY_SIZE(net_device_fields), &v, NULL) < 0)
		return kd_error(s, kd_last_code(s), dev, "net_device %llx unreadable", (unsigned long long)dev);
	out->addr = dev;
	memcpy(out->name, v.name, sizeof(out->name) - 1);
	out->name[sizeof(out->name) - 1] = '\0';
	/* a name in tables and messages: a control byte a damaged net_device holds is shown as
	 * '?', as a task's comm is */
	str_mask_controls(out->name);
	out->type = v.type;
	out->addr_len = v.addr_len;
	out->ip_ptr = v.ip_ptr;
	out->ip6_ptr = v.ip6_ptr;
	return 0;
}

struct addr_ctx {
	kd_inet_addr_fn fn;
	void *arg;
	uint64_t addr_off, plen_off;
	long count;
};

static int inet6_visit(kd_session *s, uint64_t ifa, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct addr_ctx *c = arg;
	struct kd_inet_addr a = {.family = 10, .ifa = ifa};
	if (kd_read_kv(s, ifa + c->addr_off, a.addr, 16) < 0)
		return kd_error(s, kd_last_code(s), ifa + c->addr_off, "inet6_ifaddr %llx unreadable", (unsigned long long)ifa);
	uint64_t plen = 0;
	if (c->plen_off != UINT64_MAX && kd_read_int(s, ifa + c->plen_off, 4, &plen) == 0)
		a.prefixlen = (uint8_t)plen;
	kd_clear_error(s);
	if (++c->count > KD_NET_ADDRS_MAX)
		return kd_error(s, KD_EFORMAT, ifa, "inet6_dev address list: more than %d addresses", KD_NET_ADDRS_MAX);
	return c->fn(s, &a, c->arg);
}

long kd_net_device_addrs(kd_session *s, const struct kd_net_device *dev, kd_inet_addr_fn fn, void *arg)
{
	struct addr_ctx c = {.fn = fn, .arg = arg};
	if (dev->ip_ptr) {
		uint64_t ifa, next_off, addr_off;
		if (kd_member_offset(s, "in_ifaddr", "ifa_next", &next_off) < 0 ||
		    kd_member_offset(s, "in_ifaddr", "ifa_address", &addr_off) < 0)
			return -1;
		uint64_t plen_off = kd_member_offset_opt(s, "in_ifaddr", "ifa_prefixlen");
		if (kd_read_member_ptr(s, dev->ip_ptr, "in_device", "ifa_list", &ifa) < 0)
			return kd_error(s, kd_last_code(s), dev->ip_ptr, "%s: in_device %llx unreadable", dev->name,
					(unsigned long long)dev->ip_ptr);
		uint64_t first = ifa, slow = ifa; /* and a second pointer at half speed: the list ends at NULL */
		for (long k = 0; ifa; k++) {
			struct kd_inet_addr a = {.family = 2, .ifa = ifa};
			if (kd_read_kv(s, ifa + addr_off, a.addr, 4) < 0)
				return kd_error(s, kd_last_code(s), ifa, "%s: in_ifaddr %llx unreadable (ifa_list)", dev->name,
						(unsigned long long)ifa);
			uint64_t plen = 0;
			if (plen_off != UINT64_MAX && kd_read_int(s, ifa + plen_off, 1, &plen) == 0)
				a.prefixlen = (uint8_t)plen;
			kd_clear_error(s);
			if (++c.count > KD_NET_ADDRS_MAX)
				return kd_error(s, KD_EFORMAT, ifa, "%s: ifa_list longer than %d entries (a cycle?)", dev->name,
						KD_NET_ADDRS_MAX);
			int r = fn(s, &a, arg);
			if (r < 0)
				return -1;
			if (r == KD_WALK_STOP)
				return c.count;
			if (kd_read_kv(s, ifa + next_off, &ifa, 8) < 0)
				return kd_error(s, kd_last_code(s), ifa, "%s: in_ifaddr %llx unreadable (ifa_list)", dev->name,
						(unsigned long long)ifa);
			if (k & 1 && kd_read_kv(s, slow + next_off, &slow, 8) < 0)
				return -1;
			if (ifa && (ifa == first || ifa == slow))
				return kd_error(s, KD_EFORMAT, ifa, "%s: ifa_list cycles at %llx", dev->name, (unsigned long long)ifa);
		}
	}
	if (dev->ip6_ptr) {
		uint64_t head_off, link_off;
		if (kd_member_offset(s, "inet6_dev", "addr_list", &head_off) < 0 ||
		    kd_member_offset(s, "inet6_ifaddr", "if_list", &link_off) < 0 ||
		    kd_member_offset(s, "inet6_ifaddr", "addr", &c.addr_off) < 0)
			return -1;
		c.plen_off = kd_member_offset_opt(s, "inet6_ifaddr", "prefix_len");
		if (kd_walk_list(s, dev->ip6_ptr + head_off, link_off, 0, inet6_visit, &c) < 0)
			return -1;
	}
	return c.count;
}

/* ---- neighbours ---- */

/* An hlist bucket's entries, with the bucket's index. */
struct bucket_ctx {
	kd_walk_fn fn;
	void *arg;
	uint32_t index;
};

static int bucket_visit(kd_session *s, uint64_t neigh, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct bucket_ctx *b = arg;
	struct kd_walk_pos p = {.index = b->index};
	return b->fn(s, neigh, &p, b->arg);
}

struct neigh_layout {
	uint64_t next_off;  /* neighbour.next (chains), or UINT64_MAX */
	uint64_t hash_off;  /* neighbour.hash (hlist, 6.13+), or UINT64_MAX */
};

long kd_walk_neighbours(kd_session *s, uint64_t tbl, kd_walk_fn fn, void *arg)
{
	uint64_t nht;
	if (kd_read_member_ptr(s, tbl, "neigh_table", "nht", &nht) < 0)
		return -1;
	if (!nht)
		return 0;
	uint64_t shift = 0, buckets = 0;
	if (kd_read_member(s, nht, "neigh_hash_table", "hash_shift", &shift) < 0)
		return kd_error(s, kd_last_code(s), nht, "neigh_hash_table %llx unreadable", (unsigned long long)nht);
	if (shift > 24)
		return kd_error(s, KD_EFORMAT, nht, "neigh_hash_table %llx: hash_shift %llu out of range", (unsigned long long)nht,
				(unsigned long long)shift);
	uint32_t n = 1u << shift;
	struct neigh_layout l = {kd_member_offset_opt(s, "neighbour", "next"), kd_member_offset_opt(s, "neighbour", "hash")};
	bool hlist = false;
	if (kd_member_exists(s, "neigh_hash_table", "hash_buckets")) {
		if (kd_read_member_ptr(s, nht, "neigh_hash_table", "hash_buckets", &buckets) < 0)
			return -1;
		if (l.next_off == UINT64_MAX)
			return kd_error(s, KD_ENOTFOUND, 0, "neighbour has no next member");
	} else if (kd_member_exists(s, "neigh_hash_table", "hash_heads") && l.hash_off != UINT64_MAX) {
		if (kd_read_member_ptr(s, nht, "neigh_hash_table", "hash_heads", &buckets) < 0)
			return -1;
		hlist = true;
	} else
		return kd_error(s, KD_ENOTFOUND, 0, "neigh_hash_table: no hash_buckets or hash_heads");
	if (!buckets)
		return 0;
	long count = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (hlist) {
			struct bucket_ctx b = {fn, arg, i};
			long r = kd_walk_hlist(s, buckets + (uint64_t)i * 8, l.hash_off, 0, bucket_visit, &b);
			if (r < 0)
				return -1;
			count += r;
			continue;
		}
		uint64_t neigh;
		if (kd_read_kv(s, buckets + (uint64_t)i * 8, &neigh, 8) < 0)
			return kd_error(s, kd_last_code(s), buckets + (uint64_t)i * 8, "neigh_hash_table %llx: bucket %u unreadable",
					(unsigned long long)nht, i);
		uint64_t first = neigh, slow = neigh; /* and a second pointer at half speed: chains end at NULL */
		for (long k = 0; neigh; k++) {
			if (k >= NEIGH_CHAIN_MAX)
				return kd_error(s, KD_EFORMAT, neigh, "neighbour chain of bucket %u: more than %d entries (a cycle?)", i,
						NEIGH_CHAIN_MAX);
			struct kd_walk_pos pos = {.index = i};
			int r = fn(s, neigh, &pos, arg);
			if (r < 0)
				return -1;
			count++;
			if (r == KD_WALK_STOP)
				return count;
			uint64_t next;
			if (kd_read_kv(s, neigh + l.next_off, &next, 8) < 0)
				return kd_error(s, kd_last_code(s), neigh, "invalid neighbour entry: %llx (bucket %u)", (unsigned long long)neigh,
						i);
			if (k & 1 && kd_read_kv(s, slow + l.next_off, &slow, 8) < 0)
				return -1;
			if (next && (next == first || next == slow))
				return kd_error(s, KD_EFORMAT, next, "neighbour chain of bucket %u cycles at %llx", i,
						(unsigned long long)next);
			neigh = next;
		}
	}
	return count;
}

struct neighbour_view {
	uint64_t dev;
	uint8_t ha[32];
	uint8_t nud_state;
};
static const struct kd_field neighbour_fields[] = {
	KD_FIELD(struct neighbour_view, dev, "dev", 0),
	KD_FIELD(struct neighbour_view, ha, "ha", 0),
	KD_FIELD(struct neighbour_view, nud_state, "nud_state", 0),
};

int kd_neighbour_read(kd_session *s, uint64_t neigh, struct kd_neighbour *out)
{
	struct neighbour_view v = {0};
	memset(out, 0, sizeof(*out));
	uint64_t key_off;
	if (kd_member_offset(s, "neighbour", "primary_key", &key_off) < 0)
		return -1;
	if (kd_read_struct(s, neigh, "neighbour", neighbour_fields, ARRAY_SIZE(neighbour_fields), &v, NULL) < 0 ||
	    kd_read_kv(s, neigh + key_off, out->key, 16) < 0)
		return kd_error(s, kd_last_code(s), neigh, "invalid neighbour entry: %llx", (unsigned long long)neigh);
	out->addr = neigh;
	out->dev = v.dev;
	memcpy(out->ha, v.ha, sizeof(out->ha));
	out->nud_state = v.nud_state;
	return 0;
}

/* ---- sockets ---- */

#define S_IFMT_ 0170000
#define S_IFSOCK_ 0140000

int kd_inode_socket(kd_session *s, uint64_t inode, uint64_t *socket, uint64_t *sock)
{
	uint64_t mode, off;
	*socket = *sock = 0;
	if (kd_read_member(s, inode, "inode", "i_mode", &mode) < 0)
		return -1;
	if ((mode & S_IFMT_) != S_IFSOCK_)
		return 0;
	if (kd_member_offset(s, "socket_alloc", "vfs_inode", &off) < 0)
		return -1;
	*socket = inode - off;
	if (kd_read_member_ptr(s, *socket, "socket", "sk", sock) < 0)
		return kd_error(s, kd_last_code(s), *socket, "socket %llx unreadable", (unsigned long long)*socket);
	return 1;
}

struct sock_view {
	uint16_t family, type, protocol;
	uint8_t state;
	uint32_t daddr, rcv_saddr;
	uint16_t dport;
	uint8_t v6_daddr[16], v6_saddr[16];
};
static const struct kd_field sock_fields[] = {
	KD_FIELD(struct sock_view, family, "__sk_common.skc_family", 0),
	KD_FIELD(struct sock_view, state, "__sk_common.skc_state", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, type, "sk_type", 0),
	KD_FIELD(struct sock_view, protocol, "sk_protocol", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, daddr, "__sk_common.skc_daddr", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, rcv_saddr, "__sk_common.skc_rcv_saddr", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, dport, "__sk_common.skc_dport", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, v6_daddr, "__sk_common.skc_v6_daddr", KD_FIELD_OPTIONAL),
	KD_FIELD(struct sock_view, v6_saddr, "__sk_common.skc_v6_rcv_saddr", KD_FIELD_OPTIONAL),
};
#define SOCK_V6_DADDR_BIT (1u << 7)
#define SOCK_V6_SADDR_BIT (1u << 8)

static unsigned be16(uint16_t v)
{
	return (unsigned)((v >> 8) | ((v & 0xff) << 8));
}

int kd_sock_read(kd_session *s, uint64_t sock, struct kd_sock_info *out)
{
	struct sock_view v = {0};
	uint64_t missing = 0;
	memset(out, 0, sizeof(*out));
	out->sock = sock;
	if (kd_read_struct(s, sock, "sock", sock_fields, ARRAY_SIZE(sock_fields), &v, &missing) < 0)
		return kd_error(s, kd_last_code(s), sock, "sock %llx unreadable", (unsigned long long)sock);
	out->family = v.family;
	out->type = v.type;
	out->protocol = v.protocol;
	out->state = v.state;
	out->dport = be16(v.dport);
	if (v.family == 2 || v.family == 10) {
		uint64_t sport = 0;
		if (kd_read_member(s, sock, "inet_sock", "inet_sport", &sport) < 0)
			return kd_error(s, kd_last_code(s), sock, "inet_sock %llx unreadable", (unsigned long long)sock);
		out->sport = be16((uint16_t)sport);
	}
	if (v.family == 10 && !(missing & (SOCK_V6_DADDR_BIT | SOCK_V6_SADDR_BIT))) {
		memcpy(out->saddr, v.v6_saddr, 16);
		memcpy(out->daddr, v.v6_daddr, 16);
		out->v6_addrs = true;
	} else {
		memcpy(out->saddr, &v.rcv_saddr, 4);
		memcpy(out->daddr, &v.daddr, 4);
	}
	return 0;
}

struct sockets_ctx {
	kd_socket_fn fn;
	void *arg;
	long count;
};

static int socket_file(kd_session *s, const struct kd_open_file *f, void *arg)
{
	struct sockets_ctx *c = arg;
	if (!f->inode)
		return 0;
	struct kd_task_socket so = {.fd = f->fd, .file = f->file, .inode = f->inode};
	int r = kd_inode_socket(s, f->inode, &so.socket, &so.sock);
	if (r <= 0)
		return r;
	c->count++;
	return c->fn(s, &so, c->arg);
}

long kd_task_sockets(kd_session *s, uint64_t task, kd_socket_fn fn, void *arg)
{
	struct sockets_ctx c = {fn, arg, 0};
	if (kd_task_files(s, task, socket_file, &c) < 0)
		return -1;
	return c.count;
}
