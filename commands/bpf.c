/* bpf: the loaded BPF programs and maps, as crash lists them (-p/-P with each program's sizes,
 * load time, licence, name and owner; -m/-M with each map's; -s their structures). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kdive/kdive.h>

#define F_PROG_ID 0x1
#define F_MAP_ID 0x2
#define F_STRUCT 0x4
#define F_JITED 0x8
#define F_XLATED 0x10
#define F_OPCODES 0x20
#define F_PROG_ALL 0x40
#define F_MAP_ALL 0x80

/* An enumerator's name without its prefix ("BPF_PROG_TYPE_KPROBE" -> "KPROBE"), "" when none
 * has that value; and the longest name of the enum. */
static const char *enum_name(kd_session *s, const char *type, size_t prefix, int64_t value, size_t *longest)
{
	const kd_type *t = kd_type_find(s, type);
	const char *name, *found = "";
	int64_t v;
	*longest = 0;
	for (size_t i = 0; t && kd_enum_at(s, t, i, &name, &v); i++) {
		size_t len = strlen(name);
		if (len > *longest)
			*longest = len;
		if (v == value && !found[0] && len >= prefix)
			found = name + prefix;
	}
	return found;
}

static size_t enum_longest(kd_session *s, const char *type)
{
	size_t l;
	enum_name(s, type, 0, INT64_MIN, &l);
	return l;
}

static void print_struct(kd_session *s, const char *type, uint64_t addr, int radix)
{
	unsigned flags = radix == 16 || (radix == 0 && kd_output_radix(s) == 16) ? KD_PRINT_RADIX_HEX : 0;
	kd_struct_spec *sp = kd_struct_spec_parse(s, type, "struct");
	if (!sp) {
		kd_printf(s, "bpf: %s\n", kd_last_error(s));
		kd_clear_error(s);
		return;
	}
	struct kd_sbuf b = {0};
	if (kd_print_struct(s, &b, sp, addr, flags) < 0) {
		kd_printf(s, "%sbpf: %s\n", kd_sbuf_str(&b), kd_last_error(s));
		kd_clear_error(s);
	} else
		kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	kd_struct_spec_free(sp);
}

/* The wall-clock time of a load, from the dump's own clock: its crash time less its uptime. */
static void load_time(kd_session *s, int64_t ns, char *buf, size_t size)
{
	uint64_t j;
	if (ns < 0) {
		snprintf(buf, size, "(unknown)");
		return;
	}
	int64_t boot = kd_kernel_crash_time(s);
	if (kd_uptime_jiffies(s, &j) == 0)
		boot -= (int64_t)(j / (uint64_t)kd_kernel_hz(s));
	kd_clear_error(s);
	time_t t = (time_t)(boot + ns / 1000000000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%a %b %d %H:%M:%S %Y", &tm))
		snprintf(buf, size, "%" PRId64, ns / 1000000000);
}

/* ---- -t, -T: the verified bytecode, one instruction a line as the kernel's verifier log writes it ---- */

struct insn {
	uint8_t code, dst, src;
	int16_t off;
	int32_t imm;
};

static struct insn decode(const uint8_t *b)
{
	struct insn i = {b[0], (uint8_t)(b[1] & 0xf), (uint8_t)(b[1] >> 4), (int16_t)(b[2] | b[3] << 8),
			 (int32_t)((uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24)};
	return i;
}

static const char *alu_op(unsigned op)
{
	static const char *const ops[16] = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian"};
	return ops[op & 0xf] ? ops[op & 0xf] : "(null)";
}

static const char *jmp_op(unsigned op)
{
	static const char *const ops[16] = {"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<="};
	return ops[op & 0xf] ? ops[op & 0xf] : "(null)";
}

static const char *size_name(unsigned code)
{
	static const char *const sz[4] = {"u32", "u16", "u8", "u64"};
	return sz[(code >> 3) & 3];
}

/* A helper's name: func_id_str[imm] for an ordinary helper, else the function at __bpf_call_base + imm. */
static void helper_name(kd_session *s, const struct insn *in, char *buf, size_t size)
{
	int64_t max;
	if (!kd_enum_find(s, "__BPF_FUNC_MAX_ID", &max))
		return;
	const struct kd_symbol *k;
	uint64_t p;
	if (in->src != 1 && in->imm >= 0 && in->imm < max && (k = kd_symbol_lookup(s, "func_id_str")) &&
	    kd_read_u64(s, k->addr + (uint64_t)in->imm * 8, &p) == 0 && kd_read_string(s, p, buf, size) == 0)
		return;
	kd_clear_error(s);
	if (in->src != 1 && (k = kd_symbol_lookup(s, "__bpf_call_base"))) {
		const struct kd_symbol *f = kd_symbol_containing(s, k->addr + (uint64_t)(int64_t)in->imm);
		if (f && f->addr == k->addr + (uint64_t)(int64_t)in->imm) {
			snprintf(buf, size, "%s", f->name);
			return;
		}
	}
	if (in->src == 1)
		snprintf(buf, size, "%+d", in->imm);
}

static void print_insn(kd_session *s, const struct insn *in, const struct insn *next, const struct kd_bpf_map *maps, long nmaps)
{
	unsigned cls = in->code & 7, op = in->code >> 4, mode = in->code & 0xe0;
	bool x = in->code & 8;
	const char *u32 = cls == 4 ? "(u32) " : "";
	if (cls == 4 || cls == 7) {
		if (op == 0xd) {
			if (cls == 7)
				kd_printf(s, "BUG_alu64_%02x\n", in->code);
			else
				kd_printf(s, "(%02x) r%d = %s%d r%d\n", in->code, in->dst, x ? "be" : "le", in->imm, in->dst);
		} else if (op == 0x8)
			kd_printf(s, "(%02x) r%d = %s-r%d\n", in->code, in->dst, u32, in->dst);
		else if (x)
			kd_printf(s, "(%02x) %sr%d %s %sr%d\n", in->code, u32, in->dst, alu_op(op), u32, in->src);
		else
			kd_printf(s, "(%02x) %sr%d %s %s%d\n", in->code, u32, in->dst, alu_op(op), u32, in->imm);
	} else if (cls == 3) {
		if (mode == 0x60)
			kd_printf(s, "(%02x) *(%s *)(r%d %+d) = r%d\n", in->code, size_name(in->code), in->dst, in->off, in->src);
		else if (mode == 0xc0)
			kd_printf(s, "(%02x) lock *(%s *)(r%d %+d) += r%d\n", in->code, size_name(in->code), in->dst, in->off, in->src);
		else
			kd_printf(s, "BUG_%02x\n", in->code);
	} else if (cls == 2) {
		if (mode != 0x60)
			kd_printf(s, "BUG_st_%02x\n", in->code);
		else
			kd_printf(s, "(%02x) *(%s *)(r%d %+d) = %d\n", in->code, size_name(in->code), in->dst, in->off, in->imm);
	} else if (cls == 1) {
		if (mode != 0x60)
			kd_printf(s, "BUG_ldx_%02x\n", in->code);
		else
			kd_printf(s, "(%02x) r%d = *(%s *)(r%d %+d)\n", in->code, in->dst, size_name(in->code), in->src, in->off);
	} else if (cls == 0) {
		if (mode == 0x20)
			kd_printf(s, "(%02x) r0 = *(%s *)skb[%d]\n", in->code, size_name(in->code), in->imm);
		else if (mode == 0x40)
			kd_printf(s, "(%02x) r0 = *(%s *)skb[r%d + %d]\n", in->code, size_name(in->code), in->src, in->imm);
		else if (mode == 0 && (in->code & 0x18) == 0x18) {
			uint64_t imm = (uint64_t)(uint32_t)(next ? next->imm : 0) << 32 | (uint32_t)in->imm;
			char what[64];
			snprintf(what, sizeof(what), "0x%" PRIx64, imm);
			for (long m = 0; m < nmaps; m++)
				if (maps[m].addr == imm) {
					snprintf(what, sizeof(what), "map[id:%" PRIu64 "]", maps[m].id);
					break;
				}
			kd_printf(s, "(%02x) r%d = %s\n", in->code, in->dst, what);
		} else
			kd_printf(s, "BUG_ld_%02x\n", in->code);
	} else if (cls == 5) {
		char name[128] = "";
		if (op == 0x8) {
			if (in->src == 1) {
				helper_name(s, in, name, sizeof(name));
				kd_printf(s, "(%02x) call pc%s\n", in->code, name);
			} else {
				snprintf(name, sizeof(name), "unknown");
				helper_name(s, in, name, sizeof(name));
				kd_printf(s, "(%02x) call %s#%d\n", in->code, name, in->imm);
			}
		} else if (in->code == 0x05)
			kd_printf(s, "(%02x) goto pc%+d\n", in->code, in->off);
		else if (in->code == 0x95)
			kd_printf(s, "(%02x) exit\n", in->code);
		else if (x)
			kd_printf(s, "(%02x) if r%d %s r%d goto pc%+d\n", in->code, in->dst, jmp_op(op), in->src, in->off);
		else
			kd_printf(s, "(%02x) if r%d %s 0x%x goto pc%+d\n", in->code, in->dst, jmp_op(op), (unsigned)in->imm, in->off);
	} else
		kd_printf(s, "(%02x) %s\n", in->code, "BUG"); /* class 6: classic BPF's RET, eBPF's JMP32 */
}

static void hex8(kd_session *s, const uint8_t *b)
{
	for (int i = 0; i < 8; i++)
		kd_printf(s, "%s%02x", i ? " " : "", b[i]);
}

/* The program's instructions (prog->len of them, at insnsi); -1 with an error when unreadable. */
static int translate(kd_session *s, const struct kd_bpf_prog *p, bool opcodes, const struct kd_bpf_map *maps, long nmaps)
{
	uint32_t n = p->len > 1000000 ? 1000000 : p->len; /* BPF_COMPLEXITY_LIMIT_INSNS */
	uint8_t *buf = kd_xmalloc((size_t)n * 8 + 8);
	if (kd_read_kv(s, p->insnsi, buf, (size_t)n * 8) < 0) {
		free(buf);
		return kd_fail_prefix(s, "bpf_prog.insnsi contents at %" PRIx64, p->insnsi);
	}
	bool second = false;
	for (uint32_t i = 0; i < n; i++) {
		if (second) { /* the upper half of a 64-bit immediate load */
			second = false;
			continue;
		}
		struct insn in = decode(buf + (size_t)i * 8), nx;
		second = in.code == 0x18;
		if (second && i + 1 < n)
			nx = decode(buf + (size_t)(i + 1) * 8);
		kd_printf(s, "% 4d: ", (int)i);
		print_insn(s, &in, second && i + 1 < n ? &nx : NULL, maps, nmaps);
		if (opcodes) {
			kd_printf(s, "       ");
			hex8(s, buf + (size_t)i * 8);
			if (second && i + 1 < n) {
				kd_printf(s, " ");
				hex8(s, buf + (size_t)(i + 1) * 8);
			}
			kd_printf(s, "\n");
		}
	}
	free(buf);
	return 0;
}

static int show(kd_session *s, unsigned flags, uint64_t prog_id, uint64_t map_id, int radix)
{
	struct kd_bpf_prog *p;
	struct kd_bpf_map *m;
	long np = kd_bpf_progs(s, &p);
	if (np < 0) {
		free(p);
		return -1;
	}
	long nm = kd_bpf_maps(s, &m);
	if (nm < 0) {
		free(p);
		free(m);
		return -1;
	}
	int rc = 0;
	char b1[64], b2[64], b3[64], b4[64];
	if (flags & F_PROG_ID) {
		long i = 0;
		while (i < np && p[i].id != prog_id)
			i++;
		if (i == np) {
			rc = kd_fail(s, "invalid program ID: %" PRIu64, prog_id);
			goto out;
		}
	}
	if (flags & F_MAP_ID) {
		long i = 0;
		while (i < nm && m[i].id != map_id)
			i++;
		if (i == nm) {
			rc = kd_fail(s, "invalid map ID: %" PRIu64, map_id);
			goto out;
		}
	}
	bool do_progs = true, do_maps = true;
	if (flags & (F_PROG_ID | F_PROG_ALL | F_MAP_ID | F_MAP_ALL)) {
		do_progs = flags & (F_PROG_ID | F_PROG_ALL);
		do_maps = flags & (F_MAP_ID | F_MAP_ALL);
	}
	/* column widths from the enums, as crash sizes them (its map width takes the longer prefix off) */
	size_t ptw = enum_longest(s, "enum bpf_prog_type"), mtw = enum_longest(s, "enum bpf_map_type");
	int prog_type_w = ptw > 14 ? (int)(ptw - 14) : 0, map_type_w = mtw > 14 ? (int)(mtw - 14) : 0;
	if (prog_type_w > 13)
		prog_type_w = 13;
	char prog_hdr[160], map_hdr[160];
	snprintf(prog_hdr, sizeof(prog_hdr), "%s %s %s %s       TAG        USED_MAPS", kd_format_centred(b1, sizeof(b1), "ID", 4, false),
		 kd_format_centred(b2, sizeof(b2), "BPF_PROG", 16, false), kd_format_centred(b3, sizeof(b3), "BPF_PROG_AUX", 16, false),
		 kd_format_centred(b4, sizeof(b4), "BPF_PROG_TYPE", prog_type_w, false));
	snprintf(map_hdr, sizeof(map_hdr), "%s %s %s MAP_FLAGS", kd_format_centred(b1, sizeof(b1), "ID", 4, false),
		 kd_format_centred(b2, sizeof(b2), "BPF_MAP", 16, false), kd_format_centred(b3, sizeof(b3), "BPF_MAP_TYPE", map_type_w, false));
	if (do_progs) {
		int entries = 0;
		for (long i = 0; i < np; i++) {
			const struct kd_bpf_prog *q = &p[i];
			if ((flags & (F_PROG_ID | F_PROG_ALL)) == F_PROG_ID && q->id != prog_id)
				continue;
			if (entries && (flags & F_PROG_ALL))
				kd_printf(s, "\n%s\n", prog_hdr);
			if (entries++ == 0)
				kd_printf(s, "%s\n", prog_hdr);
			char id[32], a[32], x[32], used[512] = "", tag[17];
			size_t l;
			snprintf(id, sizeof(id), "%" PRIu64, q->id);
			snprintf(a, sizeof(a), "%" PRIx64, q->addr);
			snprintf(x, sizeof(x), "%" PRIx64, q->aux);
			kd_printf(s, "%s %s %s ", kd_format_centred(b1, sizeof(b1), id, 4, false), kd_format_centred(b2, sizeof(b2), a, 16, false),
				  kd_format_centred(b3, sizeof(b3), x, 16, false));
			kd_printf(s, "%s ", kd_format_centred(b1, sizeof(b1), enum_name(s, "enum bpf_prog_type", 14, q->type, &l), prog_type_w, false));
			for (int k = 0; k < 8; k++)
				snprintf(tag + 2 * k, 3, "%02x", q->tag[k]);
			kd_printf(s, "%s ", tag);
			uint64_t *maps;
			long nu = kd_bpf_prog_used_maps(s, q, &maps);
			kd_clear_error(s);
			for (long k = 0; k < nu; k++)
				for (long j = 0; j < nm; j++)
					if (maps[k] == m[j].addr && strlen(used) + 24 < sizeof(used))
						snprintf(used + strlen(used), sizeof(used) - strlen(used), "%s%" PRIu64, used[0] ? "," : "", m[j].id);
			free(maps);
			kd_printf(s, "%s \n", kd_format_centred(b1, sizeof(b1), used, 9, false));
			if (flags & (F_PROG_ID | F_PROG_ALL)) {
				uint64_t page = kd_target(s)->page_size;
				kd_printf(s, "     XLATED: %" PRIu64 "  JITED: %u  MEMLOCK: ", (uint64_t)q->len * 8, q->jited_len);
				if (q->pages >= 0)
					kd_printf(s, "%u\n", (unsigned)(uint16_t)((uint64_t)q->pages * page));
				else
					kd_printf(s, "(unknown)\n");
				char when[64];
				load_time(s, q->load_time, when, sizeof(when));
				kd_printf(s, "     LOAD_TIME: %s\n", when);
				kd_printf(s, "     GPL_COMPATIBLE: %s", q->gpl_compatible < 0 ? "(unknown)" : q->gpl_compatible ? "yes" : "no");
				if (!q->has_name)
					kd_printf(s, "  NAME: (unknown)");
				else if (q->name[0])
					kd_printf(s, "  NAME: \"%s\"", q->name);
				else
					kd_printf(s, "  NAME: (unused)");
				if (q->uid >= 0)
					kd_printf(s, "  UID: %" PRId64 "\n", q->uid);
				else
					kd_printf(s, "  UID: (unknown)\n");
			}
			if (flags & F_JITED) {
				kd_printf(s, "\n");
				if (!q->jited_len)
					kd_printf(s, "(program not jited)\n");
				else {
					rc = kd_error(s, KD_EUNSUPP, q->bpf_func, "-j: disassembling JITed BPF code is not supported yet");
					goto out;
				}
			}
			if (flags & F_XLATED) {
				kd_printf(s, "\n");
				if (translate(s, q, flags & F_OPCODES, m, nm) < 0) {
					rc = -1;
					goto out;
				}
			}
			if (flags & F_STRUCT) {
				kd_printf(s, "\n");
				print_struct(s, "bpf_prog", q->addr, radix);
				kd_printf(s, "\n");
				print_struct(s, "bpf_prog_aux", q->aux, radix);
			}
		}
		if (!do_maps)
			goto out;
		kd_printf(s, "\n");
	}
	int entries = 0;
	for (long i = 0; i < nm; i++) {
		const struct kd_bpf_map *q = &m[i];
		if ((flags & (F_MAP_ID | F_MAP_ALL)) == F_MAP_ID && q->id != map_id)
			continue;
		if (entries && (flags & F_MAP_ALL))
			kd_printf(s, "\n%s\n", map_hdr);
		if (entries++ == 0)
			kd_printf(s, "%s\n", map_hdr);
		char id[32], a[32];
		size_t l;
		snprintf(id, sizeof(id), "%" PRIu64, q->id);
		snprintf(a, sizeof(a), "%" PRIx64, q->addr);
		kd_printf(s, "%s %s ", kd_format_centred(b1, sizeof(b1), id, 4, false), kd_format_centred(b2, sizeof(b2), a, 16, false));
		kd_printf(s, "%s ", kd_format_centred(b1, sizeof(b1), enum_name(s, "enum bpf_map_type", 13, q->type, &l), map_type_w, false));
		kd_printf(s, " %08x \n", q->flags);
		if (flags & (F_MAP_ID | F_MAP_ALL)) {
			kd_printf(s, "     KEY_SIZE: ");
			q->key_size >= 0 ? kd_printf(s, "%" PRId64, q->key_size) : kd_printf(s, "(unknown)");
			kd_printf(s, "  VALUE_SIZE: ");
			q->value_size >= 0 ? kd_printf(s, "%" PRId64, q->value_size) : kd_printf(s, "(unknown)");
			kd_printf(s, "  MAX_ENTRIES: ");
			q->max_entries >= 0 ? kd_printf(s, "%" PRId64, q->max_entries) : kd_printf(s, "(unknown)");
			kd_printf(s, "  MEMLOCK: ");
			uint64_t page = kd_target(s)->page_size;
			if (q->pages >= 0)
				kd_printf(s, "%u\n", (unsigned)((uint64_t)q->pages * page));
			else {
				/* what the map's entries take, as crash estimates it */
				uint64_t t = (uint64_t)q->type, val = q->value_size > 0 ? (uint64_t)q->value_size : 0;
				uint64_t key = q->key_size > 0 ? (uint64_t)q->key_size : 0, max = q->max_entries > 0 ? (uint64_t)q->max_entries : 0;
				int cpus = kd_target(s)->nr_cpus;
				if (t == 5 || t == 6 || t == 10 || t == 21) /* per-CPU maps */
					val = ((val + 7) & ~7ULL) * (uint64_t)cpus;
				else if (t == 3 || t == 4 || t == 8 || t == 12 || t == 13) /* maps of fds */
					val = 4;
				uint64_t entry = (key + val + 7) & ~7ULL, size = (max * entry + page - 1) / page * page;
				if (size)
					kd_printf(s, "%" PRIu64 "\n", size);
				else
					kd_printf(s, "(unknown)");
			}
			if (!q->has_name)
				kd_printf(s, "     NAME: (unknown)\n");
			else if (q->name[0])
				kd_printf(s, "     NAME: \"%s\"", q->name);
			else
				kd_printf(s, "     NAME: (unused)");
			if (q->uid >= 0)
				kd_printf(s, "  UID: %" PRId64 "\n", q->uid);
			else
				kd_printf(s, "  UID: (unused)\n");
		}
		if (flags & F_STRUCT) {
			kd_printf(s, "\n");
			print_struct(s, "bpf_map", q->addr, radix);
		}
	}
out:
	free(p);
	free(m);
	return rc;
}

static int cmd_bpf(kd_session *s, int argc, char **argv)
{
	int c, radix = 0;
	unsigned flags = 0;
	uint64_t prog_id = 0, map_id = 0;
	bool usage = false;
	while ((c = getopt(argc, argv, "PMtTjsxdm:p:")) != -1) {
		switch (c) {
		case 'j': flags |= F_JITED; break;
		case 'T': flags |= F_XLATED | F_OPCODES; break;
		case 't': flags |= F_XLATED; break;
		case 'm':
		case 'p':
			if (!kd_parse_u64(optarg, c == 'm' ? &map_id : &prog_id))
				return kd_fail(s, "not a valid number: %s", optarg);
			flags |= c == 'm' ? F_MAP_ID : F_PROG_ID;
			break;
		case 's': flags |= F_STRUCT; break;
		case 'P': flags |= F_PROG_ALL; break;
		case 'M': flags |= F_MAP_ALL; break;
		case 'x':
		case 'd':
			/* crash takes -d for hexadecimal too: only -x after -d passes the check */
			if (c == 'd' && radix == 16)
				return kd_fail(s, "-d and -x are mutually exclusive");
			radix = 16;
			break;
		default: usage = true; break;
		}
	}
	if (usage)
		return kd_usage(s);
	if ((flags & F_JITED) && !(flags & (F_PROG_ID | F_PROG_ALL)))
		return kd_fail(s, "-j option only applicable with -p or -P");
	if ((flags & F_XLATED) && !(flags & (F_PROG_ID | F_PROG_ALL)))
		return kd_fail(s, "-t option only applicable with -p or -P");
	if ((flags & F_STRUCT) && !(flags & (F_PROG_ID | F_PROG_ALL | F_MAP_ID | F_MAP_ALL)))
		return kd_fail(s, "-s option requires either -p, -P, -m or -M");
	if (radix && !(flags & (F_PROG_ID | F_PROG_ALL | F_MAP_ID | F_MAP_ALL)))
		return kd_fail(s, "-x option requires -s");
	if (optind < argc)
		return kd_fail(s, "invalid argument: %s", argv[optind]);
	return show(s, flags, prog_id, map_id, radix);
}

const struct kd_command kd_cmd_bpf = {
	"bpf", cmd_bpf, "bpf [[-p ID | -P] [-tTj]] [[-m ID] | -M] [-s] [-xd]", "extended Berkeley Packet Filter (eBPF)",
	"Without options: every loaded BPF program (ID, its bpf_prog and bpf_prog_aux, its type,\n"
	"tag and the IDs of the maps it uses), then every map (ID, its bpf_map, type and flags).\n"
	"  -p ID    one program, with its translated and JITed sizes, locked memory, load time\n"
	"           (the dump's wall clock), GPL compatibility, name and owner's UID\n"
	"  -P       the same for every program\n"
	"  -m ID    one map, with its key and value sizes, capacity, locked memory, name and UID\n"
	"  -M       the same for every map\n"
	"  -s       with -p, -P, -m or -M: the bpf_prog and bpf_prog_aux (or bpf_map) structures\n"
	"  -x, -d   with -s: integers in hexadecimal (crash takes -d the same way)\n"
	"  -t       with -p or -P: the program's verified bytecode, one instruction a line\n"
	"  -T       the same with each instruction's bytes\n"
	"  -j       disassemble the program's JITed code (not supported yet)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> bpf\n"
	"   ID      BPF_PROG         BPF_PROG_AUX    BPF_PROG_TYPE       TAG        USED_MAPS\n"
	"   1  ffffb5d9c0061000 ffff8b99c3a5e400 SOCKET_FILTER 1a2b3c4d5e6f7a8b     1\n"
	"\n"
	"   ID      BPF_MAP       BPF_MAP_TYPE     MAP_FLAGS\n"
	"   1  ffff8b99c2f1d000     ARRAY         00000000\n"
	"  kdive> bpf -p 1\n"
	"  kdive> bpf -M -s\n",
	KD_CMD_NEEDS_DUMP,
};
