/* tree: red-black trees, radix trees/XArrays and maple trees, as crash prints them. */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define TREE_USAGE                                                                                                 \
	"tree [-t [radix|xarray|rbtree|maple]] [-r offset] [-[s|S] struct[.member[,member]]]\n"                    \
	"       -[x|d] [-o offset] [-l] [-p] [-v] [-N] start"

enum tree_type { T_RBTREE, T_RADIX, T_XARRAY, T_MAPLE };

struct tree_print {
	enum tree_type type;
	uint64_t node_offset; /* rbtree: the rb_node's offset in the structure */
	bool position, verbose;
	kd_struct_spec **specs;
	size_t nspecs;
	unsigned flags; /* KD_PRINT_RADIX_HEX, KD_PRINT_READ_DIRECT (-S) */
};

static int print_entry(kd_session *s, uint64_t entry, const struct kd_walk_pos *pos, void *arg)
{
	struct tree_print *tp = arg;
	uint64_t addr = tp->type == T_RBTREE ? entry - tp->node_offset : entry;
	if (!tp->verbose)
		kd_printf(s, "%llx\n", (unsigned long long)addr);
	if (tp->position && pos) {
		switch (tp->type) {
		case T_RBTREE: kd_printf(s, "  position: %s\n", pos->path); break;
		case T_RADIX:
		case T_XARRAY:
			kd_printf(s, "  index: %llu  position: %s/%llu\n", (unsigned long long)pos->index, pos->path,
				  (unsigned long long)(pos->index & 63));
			break;
		case T_MAPLE:
			kd_printf(s, "  index: %llu  position: %s\n", (unsigned long long)pos->index, pos->path);
			break;
		}
	}
	for (size_t i = 0; i < tp->nspecs; i++) {
		struct kd_sbuf b = {0};
		int rc = kd_print_struct(s, &b, tp->specs[i], addr, tp->flags);
		kd_printf(s, "%s", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static bool offset_arg(kd_session *s, const char *arg, uint64_t *off)
{
	if (isdigit((unsigned char)arg[0])) {
		char *end;
		*off = strtoull(arg, &end, 0);
		return *end == '\0';
	}
	return kd_struct_member_offset_find(s, arg, off);
}

/* The pointer at a root's member (rb_root.rb_node, xarray.xa_head), failing as gdb does. */
static int read_root(kd_session *s, uint64_t root, const char *type, const char *member, uint64_t *out)
{
	uint64_t off;
	if (kd_member_offset(s, type, member, &off) < 0)
		return -1;
	if (kd_read_u64(s, root + off, out) < 0)
		return kd_error(s, kd_last_code(s), root + off, "Cannot access memory at address 0x%llx",
				(unsigned long long)(root + off));
	return 0;
}

static int cmd_tree(kd_session *s, int argc, char **argv)
{
	struct tree_print tp = {.type = T_RBTREE, .flags = kd_output_radix(s) == 16 ? KD_PRINT_RADIX_HEX : 0};
	bool type_set = false, root_set = false, node_set = false, node_ptr = false, linear = false;
	uint64_t root_offset = 0;
	VEC(const char *) specs = {0};
	int c, rc = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "t:r:o:s:S:pNxdlv")) != -1) {
		switch (c) {
		case 't':
			if (type_set) {
				kd_printf(s, "tree: multiple tree types may not be entered\n");
				rc = kd_usage(s);
				goto out;
			}
			type_set = true;
			if (strncmp(optarg, "ra", 2) == 0)
				tp.type = T_RADIX;
			else if (strncmp(optarg, "rb", 2) == 0)
				tp.type = T_RBTREE;
			else if (optarg[0] == 'x')
				tp.type = T_XARRAY;
			else if (optarg[0] == 'm')
				tp.type = T_MAPLE;
			else {
				kd_printf(s, "tree: invalid tree type: %s\n", optarg);
				rc = kd_usage(s);
				goto out;
			}
			break;
		case 'r':
			if (!offset_arg(s, optarg, &root_offset)) {
				rc = kd_fail(s, "invalid -r argument: %s", optarg);
				goto out;
			}
			root_set = true;
			break;
		case 'o':
			if (!offset_arg(s, optarg, &tp.node_offset)) {
				rc = kd_fail(s, "invalid -o argument: %s", optarg);
				goto out;
			}
			node_set = true;
			break;
		case 'S': tp.flags |= KD_PRINT_READ_DIRECT; /* fall through */
		case 's': VEC_PUSH(&specs, optarg); break;
		case 'p': tp.position = true; break;
		case 'N': node_ptr = true; break;
		case 'x': tp.flags |= KD_PRINT_RADIX_HEX; break;
		case 'd': tp.flags &= ~KD_PRINT_RADIX_HEX; break;
		case 'l': linear = true; break;
		case 'v': tp.verbose = true; break;
		default: rc = kd_usage(s); goto out;
		}
	}
	opterr = 1;
	if (tp.type != T_RBTREE && node_set) {
		rc = kd_fail(s, "-o option is not applicable to %s trees", tp.type == T_MAPLE ? "maple" : "radix");
		goto out;
	}
	if (linear && tp.type != T_RBTREE) {
		rc = kd_fail(s, "-l option is not applicable to %s trees", tp.type == T_MAPLE ? "maple" : "radix");
		goto out;
	}
	if (tp.verbose && tp.type != T_MAPLE) {
		rc = kd_fail(s, "-v option is only applicable to maple trees");
		goto out;
	}
	if (root_set && node_ptr)
		kd_printf(s, "tree: -r and -N options are mutually exclusive\n");
	if (optind >= argc) {
		kd_printf(s, "tree: a starting address is required\n");
		rc = kd_usage(s);
		goto out;
	}
	if (optind + 1 < argc) {
		kd_printf(s, "tree: too many arguments entered\n");
		rc = kd_usage(s);
		goto out;
	}
	/* the start: a symbol, an expression, or a hex address */
	const char *a = argv[optind];
	uint64_t start;
	const struct kd_symbol *k = kd_symbol_lookup(s, a);
	if (k)
		start = k->addr;
	else if (!(kd_parse_hex_u64(a, &start) && kd_is_kvaddr(s, start)) &&
		 !(kd_cexpr_eval_u64(s, a, &start) == 0 && kd_is_kvaddr(s, start))) {
		rc = kd_fail(s, "invalid start argument: %s", a);
		goto out;
	}
	kd_clear_error(s);
	tp.specs = kd_xcalloc(specs.len ? specs.len : 1, sizeof(*tp.specs));
	for (size_t i = 0; i < specs.len; i++) {
		if (!(tp.specs[i] = kd_struct_spec_parse(s, specs.items[i], "struct"))) {
			rc = -1;
			goto out;
		}
		tp.nspecs++;
	}
	if (!node_ptr)
		start += root_offset;
	long n = 0;
	switch (tp.type) {
	case T_RBTREE: {
		uint64_t node = start;
		if (!node_ptr && read_root(s, start, "rb_root", "rb_node", &node) < 0) {
			rc = -1;
			goto out;
		}
		n = kd_walk_rbtree(s, node, 0, KD_WALK_NODE | (linear ? KD_WALK_INORDER : 0), print_entry, &tp);
		break;
	}
	case T_RADIX:
	case T_XARRAY: {
		/* since 4.20 a radix_tree_root is an XArray */
		uint64_t head = start;
		if (!node_ptr && read_root(s, start, "xarray", "xa_head", &head) < 0) {
			rc = -1;
			goto out;
		}
		n = kd_walk_xarray(s, head, KD_WALK_NODE, print_entry, &tp);
		break;
	}
	case T_MAPLE:
		n = kd_walk_maple(s, start, (node_ptr ? KD_WALK_NODE : 0) | (tp.verbose ? KD_WALK_VERBOSE : 0), print_entry, &tp);
		break;
	}
	if (n < 0) {
		if (strstr(kd_last_error(s), "duplicate"))
			kd_printf(s, "\n"); /* as crash's "\nduplicate tree entry" */
		rc = -1;
	}
out:
	opterr = 1;
	for (size_t i = 0; i < tp.nspecs; i++)
		kd_struct_spec_free(tp.specs[i]);
	free(tp.specs);
	VEC_FREE(&specs);
	return rc;
}

const struct kd_command kd_cmd_tree = {
	"tree", cmd_tree, TREE_USAGE, "display radix tree, XArray, red-black tree or maple tree",
	"Walks a tree from its root and prints each entry's address, as crash does;\n"
	"-s prints each entry's structure or some of its members.\n"
	"  -t rbtree  a red-black tree (the default): start is a struct rb_root.\n"
	"  -t radix, -t xarray  a radix tree or XArray: start is the root (an xarray).\n"
	"  -t maple   a maple tree: start is a struct maple_tree (an mm_struct's mm_mt).\n"
	"  -N         start is a node rather than a root.\n"
	"  -r offset  the root is at this offset (number or struct.member) in start.\n"
	"  -o offset  rbtree: the rb_node's offset (number or struct.member) in each entry.\n"
	"  -s struct[.member[,member]]  print each entry; -S reads members directly.\n"
	"  -p         show each entry's position (and index).\n"
	"  -l         rbtree: in order (linear) rather than root first.\n"
	"  -v         maple: dump every node and range.\n"
	"  -x, -d     integers in hexadecimal or decimal.\n"
	"The walk stops with an error at an entry seen twice or an unreadable node.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> tree -t maple -s vm_area_struct.vm_start,vm_end ffff8c6482267180\n"
	"  ffff8c64822d3850\n"
	"    vm_start = 4194304,\n"
	"    vm_end = 4198400,\n"
	"  ...\n"
	"  kdive> tree -t rbtree -o vmap_area.rb_node vmap_area_root\n",
	KD_CMD_NEEDS_DUMP,
};
