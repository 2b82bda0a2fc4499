/* whatis and ptype: declarations of symbols, types and expressions, as crash and its gdb print them. */
#include <getopt.h>
#include <string.h>

#include "lang/c_expr.h"
#include "lang/c_print.h"
#include "debuginfo/dwarf_index.h"
#include "debuginfo/symbols.h"

#define WHATIS_USAGE                                                                                               \
	"whatis [[-o] [struct | union | typedef | symbol]] | \n         [[-r [size|range]] [-m member]]"

static bool is_tag_word(const char *w)
{
	return strcmp(w, "struct") == 0 || strcmp(w, "union") == 0 || strcmp(w, "enum") == 0;
}

/* crash's own layout of an enum: one enumerator per line with its value. */
static void print_enum_crash(kd_session *s, struct sbuf *b, struct ctype *e)
{
	ctype_complete(s, e);
	sbuf_printf(b, "enum %s {\n", e->name ? e->name : "");
	for (size_t i = 0; i < e->nenums; i++)
		sbuf_printf(b, "  %s = %lld\n", e->enums[i].name, (long long)e->enums[i].value);
	sbuf_puts(b, "};\n");
}

/* crash: "typedef " + what ptype prints for it + " " + its name. */
static void print_typedef_crash(kd_session *s, struct sbuf *b, struct ctype *td)
{
	sbuf_puts(b, "typedef ");
	kd_cprint_type(s, b, td, "", 1, 0);
	sbuf_printf(b, " %s;\n", td->name);
}

static uint64_t size_of(kd_session *s, struct ctype *t)
{
	struct ctype *st = ctype_resolve(s, t);
	if (!st)
		return 0;
	if (st->kind == CT_ARRAY) {
		uint64_t n = 1;
		while (st && st->kind == CT_ARRAY) {
			n *= st->nelem;
			st = ctype_resolve(s, st->target);
		}
		return st ? n * st->size : 0;
	}
	return st->size;
}

/* A type named by whatis's argument ("task_struct", "struct pid", "pid_t"); NULL if none. */
static struct ctype *named_type(kd_session *s, const char *arg, bool *is_base)
{
	*is_base = false;
	uint64_t off;
	if (!s->dwi)
		return NULL;
	const char *sp = strchr(arg, ' ');
	if (sp) {
		char w[16];
		snprintf(w, sizeof(w), "%.*s", (int)(sp - arg), arg);
		if (is_tag_word(w)) {
			struct ctype *t = ctype_lookup(s, arg);
			kd_err_clear(&s->err);
			/* crash's whatis accepts "struct X" for a union X too */
			if (!t && strcmp(w, "struct") == 0) {
				char buf[300];
				snprintf(buf, sizeof(buf), "union %s", sp + 1);
				t = ctype_lookup(s, buf);
				kd_err_clear(&s->err);
			}
			return t;
		}
	}
	if (dwi_find(s->dwi, DWI_STRUCT, arg, &off) || dwi_find(s->dwi, DWI_UNION, arg, &off) ||
	    dwi_find(s->dwi, DWI_ENUM, arg, &off) || dwi_find(s->dwi, DWI_TYPEDEF, arg, &off)) {
		struct ctype *t = ctype_lookup(s, arg);
		kd_err_clear(&s->err);
		return t;
	}
	struct ctype *t = ctype_lookup(s, arg);
	kd_err_clear(&s->err);
	if (t && ctype_strip(t)->kind == CT_INT)
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
			kd_err_clear(&s->err);
			return -1;
		}
	}
	opterr = 1;
	if (optind >= argc) {
		kd_printf(s, "Usage:\n  " WHATIS_USAGE "\nEnter \"help whatis\" for details.\n");
		kd_err_clear(&s->err);
		return -1;
	}
	/* "struct X" takes two words; anything else only the first, as crash reads it */
	char arg[512];
	if (is_tag_word(argv[optind]) && optind + 1 < argc)
		snprintf(arg, sizeof(arg), "%s %s", argv[optind], argv[optind + 1]);
	else
		snprintf(arg, sizeof(arg), "%s", argv[optind]);
	struct sbuf b = {0};
	int rc = 0;
	bool is_base;
	char *dot = strchr(arg, '.');
	struct ctype *t = NULL;
	if (dot && offsets) {
		/* whatis -o task_struct.pid: the member's line, as struct -o prints it */
		*dot = '\0';
		t = named_type(s, arg, &is_base);
		struct ctype *st = t ? ctype_resolve(s, t) : NULL;
		*dot = '.';
		uint64_t bp;
		if (st && (st->kind == CT_STRUCT || st->kind == CT_UNION)) {
			sbuf_printf(&b, "%s %s {\n", st->kind == CT_UNION ? "union" : "struct", st->name ? st->name : "");
			char *list = xstrdup(dot + 1), *save = NULL;
			for (char *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
				const struct cmember *cm = ctype_member(s, st, m, &bp);
				if (cm)
					kd_cprint_member_offset_line(s, &b, st, cm, bp, false, 0, false);
			}
			free(list);
			sbuf_puts(&b, "}\n");
			goto out;
		}
	}
	t = dot ? NULL : named_type(s, arg, &is_base);
	if (t) {
		struct ctype *st = ctype_resolve(s, t);
		if (is_base) {
			sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
		} else if (t->kind == CT_TYPEDEF) {
			if (offsets && st && (st->kind == CT_STRUCT || st->kind == CT_UNION))
				kd_cprint_struct_offsets(s, &b, st, false, 0, false);
			else {
				print_typedef_crash(s, &b, t);
				sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
			}
		} else if (st && st->kind == CT_ENUM) {
			print_enum_crash(s, &b, st);
		} else if (st && (st->kind == CT_STRUCT || st->kind == CT_UNION)) {
			if (offsets)
				kd_cprint_struct_offsets(s, &b, st, false, 0, false);
			else {
				kd_cprint_type(s, &b, st, "", 1, 0);
				sbuf_printf(&b, "\nSIZE: %llu\n", (unsigned long long)st->size);
			}
		} else {
			sbuf_printf(&b, "SIZE: %llu\n", (unsigned long long)size_of(s, t));
		}
		goto out;
	}
	/* a symbol: its declaration */
	struct cvalue v;
	if (!dot && cvalue_of_symbol(s, arg, &v) == 0) {
		kd_cprint_symbol_decl(s, &b, v.type, arg);
		sbuf_puts(&b, ";\n");
		goto out;
	}
	kd_err_clear(&s->err);
	/* an expression: its type (crash, given a.b.c, reports the type of a) */
	const char *d1 = strchr(arg, '.');
	if (d1 && strchr(d1 + 1, '.') && !strpbrk(arg, "->[(*&"))
		arg[d1 - arg] = '\0';
	if (kd_cexpr_eval(s, arg, &v) == 0) {
		kd_cprint_type(s, &b, v.type, "", -1, 0);
		sbuf_putc(&b, '\n');
		goto out;
	}
	kd_printf(s, "whatis: cannot resolve: %s\nUsage:\n  " WHATIS_USAGE "\nEnter \"help whatis\" for details.\n", arg);
	kd_err_clear(&s->err);
	rc = -1;
out:
	if (rc == 0)
		kd_printf(s, "%s", sbuf_str(&b));
	sbuf_free(&b);
	return rc;
}

static int cmd_ptype(kd_session *s, int argc, char **argv)
{
	if (argc < 2)
		return kd_fail(s, "usage: ptype [struct | union | enum] name | expression");
	struct sbuf text = {0};
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sbuf_putc(&text, ' ');
		sbuf_puts(&text, argv[i]);
	}
	const char *arg = sbuf_str(&text);
	struct ctype *t = NULL;
	int rc = 0;
	uint64_t off;
	bool tagged = strncmp(arg, "struct ", 7) == 0 || strncmp(arg, "union ", 6) == 0 || strncmp(arg, "enum ", 5) == 0;
	bool typedef_name = !tagged && s->dwi && dwi_find(s->dwi, DWI_TYPEDEF, arg, &off) &&
			    !dwi_find(s->dwi, DWI_VARIABLE, arg, &off) && !dwi_find(s->dwi, DWI_FUNCTION, arg, &off);
	if (tagged || typedef_name) {
		t = ctype_lookup(s, arg);
		if (!t) {
			const char *sp = strchr(arg, ' ');
			rc = kd_fail(s, "No %.*s type named %s.", sp ? (int)(sp - arg) : 6, sp ? arg : "struct", sp ? sp + 1 : arg);
		}
	} else {
		/* base type names ("unsigned long") or an expression */
		t = ctype_lookup(s, arg);
		kd_err_clear(&s->err);
		if (t && ctype_strip(t)->kind != CT_INT && ctype_strip(t)->kind != CT_VOID && ctype_strip(t)->kind != CT_FLOAT)
			t = NULL;
		if (!t) {
			struct cvalue v;
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
		kd_err_clear(&s->err);
	}
	if (rc == 0) {
		struct sbuf b = {0};
		sbuf_puts(&b, "type = ");
		kd_cprint_type(s, &b, t, "", 1, 0);
		kd_printf(s, "%s\n", sbuf_str(&b));
		sbuf_free(&b);
	}
	sbuf_free(&text);
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
	KD_CMD_NEEDS_DUMP,
};
