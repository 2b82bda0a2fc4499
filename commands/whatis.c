/* whatis and ptype: declarations of symbols, types and expressions, as crash and its gdb print them. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

#define WHATIS_USAGE                                                                                               \
	"whatis [[-o] [struct | union | typedef | symbol]] | \n         [[-r [size|range]] [-m member]]"

static bool is_tag_word(const char *w)
{
	return strcmp(w, "struct") == 0 || strcmp(w, "union") == 0 || strcmp(w, "enum") == 0;
}

/* crash's own layout of an enum: one enumerator per line with its value. */
static void print_enum_crash(kd_session *s, struct kd_sbuf *b, const kd_type *e)
{
	const char *name;
	int64_t value;
	kd_sbuf_printf(b, "enum %s {\n", kd_type_name(e) ? kd_type_name(e) : "");
	for (size_t i = 0; kd_enum_at(s, e, i, &name, &value); i++)
		kd_sbuf_printf(b, "  %s = %lld\n", name, (long long)value);
	kd_sbuf_puts(b, "};\n");
}

/* crash: "typedef " + what ptype prints for it + " " + its name. */
static void print_typedef_crash(kd_session *s, struct kd_sbuf *b, const kd_type *td)
{
	kd_sbuf_puts(b, "typedef ");
	kd_print_type(s, b, td, "", 1);
	kd_sbuf_printf(b, " %s;\n", kd_type_name(td));
}

static bool is_aggregate(const kd_type *t)
{
	return t && (kd_type_kind(t) == KD_TYPE_STRUCT || kd_type_kind(t) == KD_TYPE_UNION);
}

/* The SIZE: line's number: sizeof, except that a function type counts 0 here (gdb's sizeof says 1). */
static uint64_t size_of(kd_session *s, const kd_type *t)
{
	const kd_type *st = kd_type_resolve(s, t);
	if (!st || kd_type_kind(st) == KD_TYPE_FUNCTION)
		return 0;
	return kd_type_sizeof(s, t);
}

/* A type named by whatis's argument ("task_struct", "struct pid", "pid_t"); NULL if none. */
static const kd_type *named_type(kd_session *s, const char *arg, bool *is_base)
{
	*is_base = false;
	const char *sp = strchr(arg, ' ');
	if (sp) {
		char w[16];
		snprintf(w, sizeof(w), "%.*s", (int)(sp - arg), arg);
		if (is_tag_word(w)) {
			const kd_type *t = kd_type_find(s, arg);
			/* crash's whatis accepts "struct X" for a union X too */
			if (!t && strcmp(w, "struct") == 0) {
				char buf[300];
				snprintf(buf, sizeof(buf), "union %s", sp + 1);
				t = kd_type_find(s, buf);
			}
			return t;
		}
	}
	if (kd_name_exists(s, KD_NAME_STRUCT, arg) || kd_name_exists(s, KD_NAME_UNION, arg) ||
	    kd_name_exists(s, KD_NAME_ENUM, arg) || kd_name_exists(s, KD_NAME_TYPEDEF, arg))
		return kd_type_find(s, arg);
	const kd_type *t = kd_type_find(s, arg);
	const kd_type *st = t ? kd_type_resolve(s, t) : NULL;
	if (st && kd_type_kind(st) == KD_TYPE_INT)
		*is_base = true;
	return t;
}

static int cmd_whatis(kd_session *s, int argc, char **argv)
{
	bool offsets = false;
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "orm:")) != -1) {
		switch (c) {
		case 'o': offsets = true; break;
		case 'r':
		case 'm':
			opterr = 1;
			return kd_fail(s, "whatis -%c is not supported", c);
		default:
			opterr = 1;
			kd_printf(s, "Usage:\n  " WHATIS_USAGE "\nEnter \"help whatis\" for details.\n");
			kd_clear_error(s);
			return -1;
		}
	}
	opterr = 1;
	if (optind >= argc) {
		kd_printf(s, "Usage:\n  " WHATIS_USAGE "\nEnter \"help whatis\" for details.\n");
		kd_clear_error(s);
		return -1;
	}
	/* "struct X" takes two words; anything else only the first, as crash reads it */
	char arg[512];
	if (is_tag_word(argv[optind]) && optind + 1 < argc)
		snprintf(arg, sizeof(arg), "%s %s", argv[optind], argv[optind + 1]);
	else
		snprintf(arg, sizeof(arg), "%s", argv[optind]);
	struct kd_sbuf b = {0};
	int rc = 0;
	bool is_base;
	char *dot = strchr(arg, '.');
	const kd_type *t = NULL;
	if (dot && offsets) {
		/* whatis -o task_struct.pid,comm: the members' lines, as struct -o prints them; members are
		 * names here (found through anonymous members), not paths */
		*dot = '\0';
		t = named_type(s, arg, &is_base);
		const kd_type *st = t ? kd_type_resolve(s, t) : NULL;
		*dot = '.';
		if (is_aggregate(st)) {
			kd_sbuf_printf(&b, "%s %s {\n", kd_type_kind(st) == KD_TYPE_UNION ? "union" : "struct",
				       kd_type_name(st) ? kd_type_name(st) : "");
			char *list = kd_xstrdup(dot + 1), *save = NULL;
			for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save))
				if (strpbrk(m, ".[") || kd_print_member_offset(s, &b, st, m, 0, 0) < 0)
					kd_clear_error(s); /* a member it does not have: no line */
			free(list);
			kd_sbuf_puts(&b, "}\n");
			goto out;
		}
	}
	t = dot ? NULL : named_type(s, arg, &is_base);
	if (t) {
		const kd_type *st = kd_type_resolve(s, t);
		if (is_base) {
			kd_sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
		} else if (kd_type_kind(t) == KD_TYPE_TYPEDEF) {
			if (offsets && is_aggregate(st))
				kd_print_offsets(s, &b, st, 0, 0);
			else {
				print_typedef_crash(s, &b, t);
				kd_sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
			}
		} else if (st && kd_type_kind(st) == KD_TYPE_ENUM) {
			print_enum_crash(s, &b, st);
		} else if (is_aggregate(st)) {
			if (offsets)
				kd_print_offsets(s, &b, st, 0, 0);
			else {
				kd_print_type(s, &b, st, "", 1);
				kd_sbuf_printf(&b, "\nSIZE: %llu\n", (unsigned long long)kd_type_sizeof(s, st));
			}
		} else {
			kd_sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
		}
		goto out;
	}
	/* a symbol: its declaration */
	struct kd_value v;
	if (!dot && kd_value_of_symbol(s, arg, &v) == 0) {
		kd_print_decl(s, &b, v.type, arg);
		kd_sbuf_puts(&b, ";\n");
		goto out;
	}
	kd_clear_error(s);
	/* an expression: its type (crash, given a.b.c, reports the type of a) */
	const char *d1 = strchr(arg, '.');
	if (d1 && strchr(d1 + 1, '.') && !strpbrk(arg, "->[(*&"))
		arg[d1 - arg] = '\0';
	if (kd_cexpr_eval(s, arg, &v) == 0) {
		kd_print_type(s, &b, v.type, "", -1);
		kd_sbuf_putc(&b, '\n');
		goto out;
	}
	/* A module's symbol without its object file: crash knows the name, gdb does not. */
	const struct kd_symbol *ms = kd_symbol_lookup(s, arg);
	if (ms && ms->module)
		kd_printf(s, "whatis: gdb request failed: whatis %s\n", arg);
	else
		kd_printf(s, "whatis: cannot resolve: %s\nUsage:\n  " WHATIS_USAGE "\nEnter \"help whatis\" for details.\n", arg);
	kd_clear_error(s);
	rc = -1;
out:
	if (rc == 0)
		kd_printf(s, "%s", kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return rc;
}

static int cmd_ptype(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_fail(s, "usage: ptype [struct | union | enum] name | expression");
	struct kd_sbuf text = {0};
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			kd_sbuf_putc(&text, ' ');
		kd_sbuf_puts(&text, argv[i]);
	}
	const char *arg = kd_sbuf_str(&text);
	const kd_type *t = NULL;
	int rc = 0;
	bool tagged = strncmp(arg, "struct ", 7) == 0 || strncmp(arg, "union ", 6) == 0 || strncmp(arg, "enum ", 5) == 0;
	/* a typedef that no variable or function shadows names a type */
	bool typedef_name = !tagged && kd_name_exists(s, KD_NAME_TYPEDEF, arg) &&
			    !kd_name_exists(s, KD_NAME_VARIABLE, arg) && !kd_name_exists(s, KD_NAME_FUNCTION, arg);
	if (tagged || typedef_name) {
		t = kd_type_find(s, arg);
		if (!t) {
			const char *sp = strchr(arg, ' ');
			rc = kd_fail(s, "No %.*s type named %s.", sp ? (int)(sp - arg) : 6, sp ? arg : "struct", sp ? sp + 1 : arg);
		}
	} else {
		/* base type names ("unsigned long") or an expression */
		t = kd_type_find(s, arg);
		const kd_type *st = t ? kd_type_resolve(s, t) : NULL;
		if (!st || (kd_type_kind(st) != KD_TYPE_INT && kd_type_kind(st) != KD_TYPE_VOID &&
			    kd_type_kind(st) != KD_TYPE_FLOAT))
			t = NULL;
		if (!t) {
			struct kd_value v;
			if (kd_cexpr_eval(s, arg, &v) < 0)
				rc = -1;
			else
				t = v.type;
		}
	}
	if (rc < 0) {
		/* crash passes ptype to gdb: gdb's message on the error stream, crash's on the output */
		fflush(kd_out(s));
		fprintf(stderr, "%s\n", kd_last_error(s));
		kd_printf(s, "gdb: gdb request failed: ptype %s\n", arg);
		kd_clear_error(s);
	}
	if (rc == 0) {
		struct kd_sbuf b = {0};
		kd_sbuf_puts(&b, "type = ");
		kd_print_type(s, &b, t, "", 1);
		kd_printf(s, "%s\n", kd_sbuf_str(&b));
		kd_sbuf_free(&b);
	}
	kd_sbuf_free(&text);
	return rc;
}

const struct kd_command kd_cmd_whatis = {
	"whatis", cmd_whatis, "whatis [-o] [struct | union | typedef | symbol]",
	"search symbol table for data or type information",
	"Prints the definition of a structure, union, enum or typedef with its size,\n"
	"the declaration of a symbol, or the type of an expression.\n"
	"  -o  show the offset of each member of a structure or union.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> whatis init_task\n"
	"  struct task_struct init_task;\n"
	"  kdive> whatis pid_t\n"
	"  typedef int pid_t;\n"
	"  SIZE: 4\n"
	"  kdive> whatis -o list_head\n"
	"  struct list_head {\n"
	"     [0] struct list_head *next;\n"
	"     [8] struct list_head *prev;\n"
	"  }\n"
	"  SIZE: 16\n",
	KD_CMD_NEEDS_DUMP,
};

const struct kd_command kd_cmd_ptype = {
	"ptype", cmd_ptype, "ptype [struct | union | enum] name | expression",
	"print a type definition, as gdb's ptype does",
	"Prints the type of an expression or a named type with its members expanded,\n"
	"as gdb's ptype does (\"type = ...\"). Structure tags need their keyword.\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> ptype struct list_head\n"
	"  type = struct list_head {\n"
	"      struct list_head *next;\n"
	"      struct list_head *prev;\n"
	"  }\n"
	"  kdive> ptype pid_t\n"
	"  type = int\n",
	KD_CMD_NEEDS_DUMP | KD_CMD_HIDDEN, /* gdb's command, which crash passes on: not in its list */
};
