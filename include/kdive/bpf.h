/*
 * kdive public API: BPF (API 1.4): the loaded programs (prog_idr) and maps (map_idr), with what
 * crash's bpf command shows of each.
 */
#ifndef KDIVE_PUBLIC_BPF_H
#define KDIVE_PUBLIC_BPF_H

#include <kdive/common.h>

KD_BEGIN_DECLS

struct kd_bpf_prog {
	uint64_t id;          /* its index in prog_idr */
	uint64_t addr;        /* struct bpf_prog */
	uint64_t aux;         /* struct bpf_prog_aux */
	int64_t type;         /* enum bpf_prog_type */
	uint8_t tag[8];
	uint32_t len;         /* instructions (struct bpf_insn) after verification */
	uint32_t jited_len;   /* bytes of JITed code, 0 when not JITed */
	uint64_t bpf_func;    /* the JITed code (or the interpreter) */
	uint64_t insnsi;      /* address of its instructions (bpf_prog.insnsi) */
	uint64_t used_maps;   /* bpf_prog_aux.used_maps: array of struct bpf_map * */
	uint32_t used_map_cnt;
	int64_t pages;        /* bpf_prog.pages; -1 when the kernel has none */
	int64_t load_time;    /* ns since boot; -1 unknown */
	int gpl_compatible;   /* 1, 0, or -1 unknown */
	char name[17];        /* bpf_prog_aux.name; "" unused */
	bool has_name;
	int64_t uid;          /* bpf_prog_aux.user->uid; -1 unknown */
};

struct kd_bpf_map {
	uint64_t id;          /* its index in map_idr */
	uint64_t addr;        /* struct bpf_map */
	int64_t type;         /* enum bpf_map_type */
	uint32_t flags;       /* map_flags */
	int64_t key_size, value_size, max_entries; /* -1 unknown */
	int64_t pages;        /* bpf_map.memory.pages or bpf_map.pages (before 5.11); -1 when neither */
	char name[17];
	bool has_name;
	int64_t uid;          /* the charged user's uid; -1 when the map records none */
};

/* The programs in prog_idr, by id: *out allocated (free() it). The count, or -1 with an error
 * (KD_EUNSUPP when the kernel has no prog_idr or its types lack what is needed). */
KD_API long kd_bpf_progs(kd_session *s, struct kd_bpf_prog **out);
/* The maps in map_idr, by id; as kd_bpf_progs. */
KD_API long kd_bpf_maps(kd_session *s, struct kd_bpf_map **out);
/* The maps a program uses (struct bpf_map addresses): *out allocated (free() it); the count
 * (bounded by used_map_cnt, at most 64 Ki), or -1 with an error when the array is unreadable. */
KD_API long kd_bpf_prog_used_maps(kd_session *s, const struct kd_bpf_prog *p, uint64_t **out);

KD_END_DECLS

#endif
