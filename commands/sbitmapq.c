/* sbitmapq: a struct sbitmap_queue, its bitmap of used bits, and the entries of an array those
 * bits index, as crash shows them. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kdive.h>

/* crash's bitmap_weight: the word's bits, plus again those within a short last word's depth */
static unsigned weight(uint64_t w, uint32_t bits)
{
	unsigned n = (unsigned)__builtin_popcountll(w);
	if (bits % 64)
		n += (unsigned)__builtin_popcountll(w & (~0ULL >> (64 - bits % 64)));
	return n;
}

/* One byte of the hex dump: 16 to a line after its offset, in pairs. */
static void emit_byte(kd_session *s, unsigned offset, uint8_t byte)
{
	if ((offset & 0xf) == 0)
		kd_printf(s, "%s%08x:", offset ? "\n" : "", offset);
	kd_printf(s, "%s%02x", (offset & 1) == 0 ? " " : "", byte);
}

static int show_queue(kd_session *s, const struct kd_sbitmap_queue *q)
{
	unsigned set = 0, cleared = 0;
	for (uint32_t i = 0; i < q->map_nr; i++) {
		uint64_t w, c;
		if (kd_sbitmap_word(s, q, i, &w, &c) < 0)
			return -1;
		set += weight(w, kd_sbitmap_word_depth(q, i));
		cleared += weight(c, kd_sbitmap_word_depth(q, i));
	}
	kd_printf(s, "depth = %u\n", q->depth);
	kd_printf(s, "busy = %u\n", set - cleared);
	if (q->has_cleared)
		kd_printf(s, "cleared = %u\n", cleared);
	kd_printf(s, "bits_per_word = %u\n", 1u << q->shift);
	kd_printf(s, "map_nr = %u\n", q->map_nr);
	kd_printf(s, "alloc_hint = {");
	const struct kd_target_info *ti = kd_target(s);
	for (int cpu = 0; cpu < ti->nr_cpus; cpu++) {
		uint32_t v = 0;
		if (!ti->per_cpu_offset || kd_read_u32(s, q->alloc_hint + ti->per_cpu_offset[cpu], &v) < 0) {
			kd_printf(s, "}\n");
			return -1;
		}
		kd_printf(s, "%s%u", cpu ? ", " : "", v);
	}
	kd_printf(s, "}\n");
	kd_printf(s, "wake_batch = %u\n", q->wake_batch);
	kd_printf(s, "wake_index = %d\n", q->wake_index);
	if (q->ws_active >= 0)
		kd_printf(s, "ws_active = %d\n", (int)q->ws_active);
	kd_printf(s, "ws = {\n");
	for (int i = 0; i < 8; i++) {
		int64_t cnt;
		bool active;
		if (kd_sbitmap_wait_state(s, q, i, &cnt, &active) < 0)
			return -1;
		/* the kernel dropped wait_cnt in 6.1: only the wait queue's state is left to show */
		if (cnt >= 0)
			kd_printf(s, "\t{ .wait_cnt = %" PRId64 ", .wait = %s },\n", cnt, active ? "active" : "inactive");
		else
			kd_printf(s, "\t{ .wait = %s },\n", active ? "active" : "inactive");
	}
	kd_printf(s, "}\n");
	if (q->round_robin >= 0)
		kd_printf(s, "round_robin = %d\n", q->round_robin);
	if (q->min_shallow_depth >= 0)
		kd_printf(s, "min_shallow_depth = %u\n", (unsigned)q->min_shallow_depth);
	kd_printf(s, "\n");
	/* the bits in use, eight to a byte, as a hex dump of 16 bytes a line */
	unsigned offset = 0, byte_bits = 0;
	uint8_t byte = 0;
	for (uint32_t i = 0; i < q->map_nr; i++) {
		uint64_t w, c;
		if (kd_sbitmap_word(s, q, i, &w, &c) < 0)
			return -1;
		w &= ~c;
		uint32_t bits = kd_sbitmap_word_depth(q, i);
		while (bits > 0) {
			unsigned take = 8 - byte_bits < bits ? 8 - byte_bits : bits;
			byte |= (uint8_t)((w & ((1ULL << take) - 1)) << byte_bits);
			byte_bits += take;
			if (byte_bits == 8) {
				emit_byte(s, offset++, byte);
				byte = 0;
				byte_bits = 0;
			}
			w >>= take;
			bits -= take;
		}
	}
	if (byte_bits)
		emit_byte(s, offset++, byte);
	if (offset)
		kd_printf(s, "\n");
	return 0;
}

struct data_dump {
	uint64_t base, stride;
	bool verbose, pointers;
	int radix;
	kd_struct_spec *sp;
};

static int print_entry(kd_session *s, uint32_t idx, void *arg)
{
	struct data_dump *d = arg;
	uint64_t addr = d->base + d->stride * idx;
	if (!d->verbose) {
		kd_printf(s, "%u: 0x%08" PRIx64 "\n", idx, addr);
		return 0;
	}
	kd_printf(s, "%u (0x%08" PRIx64 "):\n", idx, addr);
	if (d->pointers) {
		uint64_t p;
		if (kd_read_u64(s, addr, &p) < 0) {
			kd_clear_error(s);
			kd_printf(s, "sbitmapq: Failed to read the point of data: 0x%08" PRIx64 "\n", addr);
			return KD_WALK_STOP;
		}
		addr = p;
	}
	unsigned flags = d->radix == 16 || (d->radix == 0 && kd_output_radix(s) == 16) ? KD_PRINT_RADIX_HEX : 0;
	struct kd_sbuf b = {0};
	int rc = kd_print_struct(s, &b, d->sp, addr, flags);
	kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return rc < 0 ? -1 : 0;
}

static int cmd_sbitmapq(kd_session *s, int argc, char **argv)
{
	int c, radix = 0;
	const char *name = NULL;
	uint64_t array = 0;
	bool have_array = false, pointers = false, verbose = false, usage = false;
	while ((c = getopt(argc, argv, "s:a:pxdv")) != -1) {
		switch (c) {
		case 's':
			if (name)
				return kd_fail(s, "-s option (%s) already entered", name);
			name = optarg;
			break;
		case 'a':
			if (have_array)
				return kd_fail(s, "-a option (0x%" PRIx64 ") already entered", array);
			if (!kd_parse_hex_u64(optarg, &array))
				return kd_fail(s, "invalid -a option: %s", optarg);
			if (!kd_is_kvaddr(s, array))
				return kd_fail(s, "invalid kernel virtual address: %s", optarg);
			have_array = true;
			break;
		case 'p': pointers = true; break;
		case 'v': verbose = true; break;
		case 'x':
		case 'd':
			if (radix == (c == 'x' ? 10 : 16))
				return kd_fail(s, "-d and -x are mutually exclusive");
			radix = c == 'x' ? 16 : 10;
			break;
		default: usage = true; break;
		}
	}
	if (usage)
		return kd_usage(s);
	if (optind >= argc) {
		kd_printf(s, "sbitmapq: command argument is required\n");
		return kd_usage(s);
	}
	if (optind + 1 < argc) {
		kd_printf(s, "sbitmapq: too many arguments\n");
		return kd_usage(s);
	}
	uint64_t addr;
	if (!kd_parse_hex_u64(argv[optind], &addr))
		return kd_fail(s, "invalid command argument: %s", argv[optind]);
	if (!kd_is_kvaddr(s, addr))
		return kd_fail(s, "invalid kernel virtual address: %s", argv[optind]);
	if (name && !have_array) {
		kd_printf(s, "sbitmapq: -s option requires -a option\n");
		return kd_usage(s);
	}
	if (have_array && !name) {
		kd_printf(s, "sbitmapq: -a option is used with -s option only\n");
		return kd_usage(s);
	}
	if (pointers && !have_array) {
		kd_printf(s, "sbitmapq: -p option requires -a option\n");
		return kd_usage(s);
	}
	struct data_dump d = {array, 0, verbose, pointers, radix, NULL};
	if (name) {
		d.sp = kd_struct_spec_parse(s, name, "struct");
		if (!d.sp) {
			kd_clear_error(s);
			return kd_fail(s, "invalid data structure reference: %s", name);
		}
		d.stride = pointers ? 8 : kd_type_sizeof(s, kd_struct_spec_type(d.sp));
	}
	struct kd_sbitmap_queue q;
	int rc;
	if (kd_sbitmap_queue_read(s, addr, &q) < 0) {
		if (kd_last_code(s) == KD_EFORMAT)
			rc = -1;
		else {
			/* crash's two lines: the read that failed, then what could not be read */
			kd_printf(s, "sbitmapq: read error: kernel virtual address: %" PRIx64 "  type: \"sbitmap_queue\"\n", addr);
			rc = kd_fail(s, "cannot read sbitmap_queue");
		}
	} else if (name)
		rc = kd_sbitmap_for_each_set(s, &q, print_entry, &d) < 0 ? -1 : 0;
	else
		rc = show_queue(s, &q);
	if (d.sp)
		kd_struct_spec_free(d.sp);
	return rc;
}

const struct kd_command kd_cmd_sbitmapq = {
	"sbitmapq", cmd_sbitmapq, "sbitmapq [-s struct[.member[,member]] -a address [-p] [-v]] -[x|d] address",
	"sbitmap_queue struct contents",
	"Shows a struct sbitmap_queue (at a hex address): its depth, the bits in use (busy) and\n"
	"cleared, bits per word, words, each CPU's allocation hint, the wake batch and index, the\n"
	"active wait states, each of its 8 wait states, round robin and the minimum shallow depth,\n"
	"then the bits in use as a hex dump.\n"
	"  -s struct[.member[,member]]  with -a: instead, the entries of an array that the bits in\n"
	"                               use index: \"N: address\" for each, or with -v the structure\n"
	"                               (or the members named) at that address\n"
	"  -a address                   the array (of structures, or with -p of pointers to them)\n"
	"  -p                           the array holds pointers to the structures\n"
	"  -v                           print each structure, not only its address\n"
	"  -x, -d                       integers in hexadecimal, or decimal\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> struct blk_mq_tags.static_rqs ffff8e80c256e6c0\n"
	"    static_rqs = 0xffff8e80c2432c00,\n"
	"  kdive> sbitmapq ffff8e80c256e6d0\n"
	"  depth = 128\n"
	"  busy = 0\n"
	"  ...\n"
	"  kdive> sbitmapq -s request.tag,state -a ffff8e80c2432c00 -p -v ffff8e80c256e6d0\n",
	KD_CMD_NEEDS_DUMP,
};
