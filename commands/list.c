/* list: follow a linked list and print its entries, as crash does. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define LIST_USAGE                                                                                                 \
	"list [[-o] offset][-e end][-[s|S] struct[.member[,member] [-l offset]] -[x|d]]\n"                         \
	"       [-r|-B] [-h [-O head_offset]|-H] start"

struct list_print {
	kd_struct_spec **specs;
	size_t nspecs;
	unsigned flags; /* KD_PRINT_RADIX_HEX, KD_PRINT_READ_DIRECT (-S) */
};

static int print_entry(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	(void)pos;
	struct list_print *lp = arg;
	kd_printf(s, "%llx\n", (unsigned long long)entry);
	for (size_t i = 0; i < lp->nspecs; i++) {
		struct kd_sbuf b = {0};
		int rc = kd_print_struct(s, &b, lp->specs[i], entry, lp->flags);
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A symbol's value as crash's symbol_search gives it (per-CPU symbols: their offset). */
static bool symbol_value(kd_session *s, const char *name, uint64_t *v)
{
	const struct kd_symbol *k = kd_symbol_lookup(s, name);
	if (!k)
		return false;
	*v = k->addr;
	return true;
}

static int cmd_list(kd_session *s, int argc, char **argv)
{
	bool head = false, head_ptr = false, reverse = false, offset_set = false, start_set = false;
	uint64_t offset = 0, start = 0, end = 0, l_offset = 0;
	bool l_set = false;
	VEC(const char *) specs = {0};
	struct list_print lp = {.flags = kd_output_radix(s) == 16 ? KD_PRINT_RADIX_HEX : 0};
	int c, rc = 0;
	char *endp;
	opterr = 0;
	while ((c = getopt(argc, argv, "Hhrs:S:e:o:xdl:O:B")) != -1) {
		switch (c) {
		case 'H': head = head_ptr = true; break;
		case 'h': head = true; break;
		case 'r': reverse = true; break;
		case 'B': break; /* another cycle detector: the walk always detects cycles */
		case 'S': lp.flags |= KD_PRINT_READ_DIRECT; /* fall through */
		case 's': VEC_PUSH(&specs, optarg); break;
		case 'e':
			if (!kd_parse_hex_u64(optarg, &end) && !symbol_value(s, optarg, &end)) {
				rc = kd_fail(s, "invalid -e argument: %s", optarg);
				goto out;
			}
			break;
		case 'o':
			if (offset_set) {
				rc = kd_fail(s, "offset value %llu (0x%llx) already entered", (unsigned long long)offset,
					     (unsigned long long)offset);
				goto out;
			}
			if (isdigit((unsigned char)optarg[0]))
				offset = strtoull(optarg, &endp, 0);
			else if (!kd_struct_member_offset_find(s, optarg, &offset)) {
				rc = kd_fail(s, "invalid -o argument: %s", optarg);
				goto out;
			}
			offset_set = true;
			break;
		case 'l':
			if (isdigit((unsigned char)optarg[0]))
				l_offset = strtoull(optarg, &endp, 0);
			else if (!kd_struct_member_offset_find(s, optarg, &l_offset)) {
				rc = kd_fail(s, "invalid -l option: %s", optarg);
				goto out;
			}
			l_set = true;
			break;
		case 'x': lp.flags |= KD_PRINT_RADIX_HEX; break;
		case 'd': lp.flags &= ~KD_PRINT_RADIX_HEX; break;
		case 'O': rc = kd_fail(s, "list -O is not supported"); goto out;
		default: rc = kd_usage(s); goto out;
		}
	}
	opterr = 1;
	/* Arguments in crash's order of guessing: struct.member is an offset, a symbol is the start, ... */
	for (int i = optind; i < argc; i++) {
		const char *a = argv[i];
		uint64_t v;
		if (strchr(a, '.') && kd_struct_member_offset_find(s, a, &v)) {
			if (offset_set) {
				rc = kd_fail(s, "offset value %llu (0x%llx) already entered", (unsigned long long)offset,
					     (unsigned long long)offset);
				goto out;
			}
			offset = v;
			offset_set = true;
			continue;
		}
		if (symbol_value(s, a, &v)) {
			if (start_set) {
				rc = kd_fail(s, "list start already entered");
				goto out;
			}
			start = v;
			start_set = true;
			continue;
		}
		if (!kd_parse_hex_u64(a, &v)) {
			if (kd_cexpr_eval_u64(s, a, &v) == 0 && kd_is_kvaddr(s, v) && !start_set) {
				start = v;
				start_set = true;
				continue;
			}
			rc = kd_fail(s, "invalid argument: %s", a);
			goto out;
		}
		if (start_set) {
			offset = strtoull(a, &endp, 0);
			offset_set = true;
			continue;
		}
		if (offset_set || i + 1 >= argc || kd_is_kvaddr(s, v)) {
			if (!kd_is_kvaddr(s, v)) {
				rc = kd_fail(s, "invalid kernel virtual address: %s", a);
				goto out;
			}
			start = v;
			start_set = true;
			continue;
		}
		offset = strtoull(a, &endp, 0);
		offset_set = true;
	}
	if (!start_set) {
		kd_printf(s, "list: starting address required\n");
		rc = kd_usage(s);
		goto out;
	}
	lp.specs = kd_xcalloc(specs.len ? specs.len : 1, sizeof(*lp.specs));
	for (size_t i = 0; i < specs.len; i++) {
		if (!(lp.specs[i] = kd_struct_spec_parse(s, specs.items[i], "struct"))) {
			rc = -1;
			goto out;
		}
		lp.nspecs++;
	}
	/* crash's list: from a link, through the pointer at next_offset in each, entries at link - entry_offset */
	uint64_t link = start, next_offset = offset, entry_offset = 0;
	unsigned flags = 0;
	if (head) {
		flags = KD_WALK_CIRCULAR;
		entry_offset = offset;
		if (kd_member_offset(s, "list_head", reverse ? "prev" : "next", &next_offset) < 0) {
			rc = -1;
			goto out;
		}
		if (head_ptr) {
			if (!end)
				end = start;
			if (kd_read_u64(s, start + next_offset, &link) < 0) {
				rc = kd_error(s, kd_last_code(s), start + next_offset, "Cannot access memory at address 0x%llx",
					      (unsigned long long)(start + next_offset));
				goto out;
			}
			if (link == end) {
				kd_printf(s, "(empty)\n");
				goto out;
			}
		} else
			link = start + offset;
	} else if (l_set) {
		entry_offset = l_offset;
	}
	if (kd_walk_chain(s, link, next_offset, entry_offset, end, flags, print_entry, &lp) < 0) {
		kd_printf(s, "\n"); /* crash's walk errors begin with a blank line */
		rc = -1;
	}
out:
	opterr = 1;
	for (size_t i = 0; i < lp.nspecs; i++)
		kd_struct_spec_free(lp.specs[i]);
	free(lp.specs);
	VEC_FREE(&specs);
	return rc;
}

const struct kd_command kd_cmd_list = {
	"list", cmd_list, LIST_USAGE, "linked list",
	"Follows a linked list from a start address and prints each entry's address,\n"
	"as crash does; -s prints each entry's structure or some of its members.\n"
	"  start       an address, a symbol or an expression: the first entry, or with\n"
	"              -h the structure holding the list_head, with -H the list head.\n"
	"  [-o] offset where the next pointer (or list_head) is in each entry: a number\n"
	"              or struct.member.\n"
	"  -h, -H      the entries are linked by list_head structures (see start).\n"
	"  -r          with -h/-H, follow the prev pointers.\n"
	"  -e end      stop at this link address.\n"
	"  -s struct[.member[,member]]  print each entry (several -s allowed); -S reads\n"
	"              the members directly.\n"
	"  -l offset   with -s and without -h/-H: where the link is in each structure.\n"
	"  -x, -d      integers in hexadecimal or decimal.\n"
	"The walk stops with an error at an entry seen twice or an unreadable pointer.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> list task_struct.tasks -s task_struct.pid,comm -h init_task\n"
	"  ffffffffada1aa40\n"
	"    pid = 0,\n"
	"    comm = \"swapper/0\\000\\000\\000\\000\\000\\000\",\n"
	"  ffff8dea81210000\n"
	"    pid = 1,\n"
	"    comm = \"init\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\",\n"
	"  ...\n",
	KD_CMD_NEEDS_DUMP,
};
