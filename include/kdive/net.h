/*
 * kdive public API: networking: network namespaces, their devices with their IPv4 and
 * IPv6 addresses, the ARP (neighbour) table, and the sockets a task has open with their family,
 * type, addresses and ports. The walkers behind net, foreach net and the JSON output.
 *
 * Members are found by name (kernel 6.1 and 6.12 differ: the inet6 address list, the neighbour
 * hash, where a socket's ports live); what is read from the dump is bounded: address lists stop
 * at a cycle or after KD_NET_ADDRS_MAX entries, hash tables have at most 2^24 buckets.
 */
#ifndef KDIVE_PUBLIC_NET_H
#define KDIVE_PUBLIC_NET_H

#include <kdive/common.h>
#include <kdive/walk.h>

KD_BEGIN_DECLS

#define KD_NET_ADDRS_MAX 4096 /* addresses on one device: more is a corrupt (or cyclic) list */

/* A task's network namespace: task->nsproxy->net_ns, or init_net on a kernel without
 * nsproxy.net_ns. -1 with an error naming what could not be read (an exited task has no nsproxy:
 * KD_ENOTFOUND). */
KD_API int kd_task_net_ns(kd_session *s, uint64_t task, uint64_t *net);

/* The net devices of a namespace (struct net), in its dev_base_head list order: each entry a
 * struct net_device. Bounded as kd_walk_list. */
KD_API long kd_walk_net_devices(kd_session *s, uint64_t net, kd_walk_fn fn, void *arg);

/* What net prints of a device. */
struct kd_net_device {
	uint64_t addr;
	char name[32];     /* net_device.name (IFNAMSIZ 16) */
	unsigned type;     /* ARPHRD_* (1: Ethernet, 772: loopback) */
	unsigned addr_len; /* of the hardware address */
	uint64_t ip_ptr;   /* struct in_device, 0 without IPv4 */
	uint64_t ip6_ptr;  /* struct inet6_dev, 0 without IPv6 */
};
KD_API int kd_net_device_read(kd_session *s, uint64_t dev, struct kd_net_device *out);

/* One address of a device: family 2 (AF_INET, 4 bytes of addr) or 10 (AF_INET6, 16 bytes), in
 * network order, and the in_ifaddr or inet6_ifaddr holding it. */
struct kd_inet_addr {
	int family;
	uint8_t addr[16];
	uint8_t prefixlen;
	uint64_t ifa;
};
typedef int (*kd_inet_addr_fn)(kd_session *s, const struct kd_inet_addr *a, void *arg);
/* The device's IPv4 addresses (in_device.ifa_list, newest first as the kernel keeps them), then its
 * IPv6 addresses (inet6_dev.addr_list). fn returns 0, KD_WALK_STOP or -1. Returns the count, or -1
 * with an error naming the list and the address where it broke. */
KD_API long kd_net_device_addrs(kd_session *s, const struct kd_net_device *dev, kd_inet_addr_fn fn, void *arg);

/* ---- the neighbour (ARP) table ---- */

/* Each neighbour of a neigh_table (arp_tbl, nd_tbl), bucket by bucket of its hash table and along
 * each bucket's chain: entries are struct neighbour addresses, pos->index the bucket. -1 with
 * KD_ENOTFOUND when the kernel's neigh_table has no hash table kdive knows. */
KD_API long kd_walk_neighbours(kd_session *s, uint64_t tbl, kd_walk_fn fn, void *arg);

struct kd_neighbour {
	uint64_t addr;
	uint64_t dev;           /* struct net_device */
	uint8_t key[16];        /* primary_key: the protocol address (4 bytes for ARP) */
	uint8_t ha[32];         /* the hardware address (the device's addr_len of it is used) */
	unsigned nud_state;     /* NUD_* flags */
};
KD_API int kd_neighbour_read(kd_session *s, uint64_t neigh, struct kd_neighbour *out);

/* ---- sockets ---- */

/* A socket as net -s shows it. family and type as in struct sock (AF_*, SOCK_*); for AF_INET and
 * AF_INET6 the local (rcv_saddr, sport) and remote (daddr, dport) ends, ports in host order,
 * IPv4 addresses in the first 4 bytes. */
struct kd_sock_info {
	uint64_t sock;
	unsigned family, type, protocol, state;
	uint8_t saddr[16], daddr[16];
	unsigned sport, dport;
	bool v6_addrs; /* saddr, daddr hold IPv6 addresses (sock_common.skc_v6_*) */
};
KD_API int kd_sock_read(kd_session *s, uint64_t sock, struct kd_sock_info *out);

/* One socket among a task's open files. */
struct kd_task_socket {
	unsigned fd;
	uint64_t file, inode;
	uint64_t socket; /* struct socket: the inode's socket_alloc */
	uint64_t sock;   /* socket.sk (may be 0) */
};
typedef int (*kd_socket_fn)(kd_session *s, const struct kd_task_socket *so, void *arg);
/* Whether an inode is a socket's (S_IFSOCK): 1 with its struct socket and struct sock, 0 if not a
 * socket, -1 with an error when the inode or the socket cannot be read. */
KD_API int kd_inode_socket(kd_session *s, uint64_t inode, uint64_t *socket, uint64_t *sock);
/* The sockets among a task's open files (kd_task_files), in descriptor order. fn returns 0,
 * KD_WALK_STOP or -1. Returns the number of sockets, or -1 with an error. */
KD_API long kd_task_sockets(kd_session *s, uint64_t task, kd_socket_fn fn, void *arg);

KD_END_DECLS

#endif
