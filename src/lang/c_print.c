/* gdb-style value and type printing (see cprint.h). */
#include "lang/c_print.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "debuginfo/modobj.h"
#include "debuginfo/symbols.h"

#define PRINT_MAX 256 /* crash runs gdb with "set print elements 256" */
#define MAX_OBJECT (16u << 20)

/* ---- sbuf ---- */

void kd_sbuf_printf(struct kd_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 256;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
}

void kd_sbuf_puts(struct kd_sbuf *b, const char *str)
{
	size_t n = strlen(str);
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, str, n + 1);
	b->len += n;
}

void kd_sbuf_putc(struct kd_sbuf *b, char c)
{
	char t[2] = {c, 0};
	kd_sbuf_puts(b, t);
}

void sbuf_spaces(struct kd_sbuf *b, int n)
{
	for (int i = 0; i < n; i++)
		kd_sbuf_putc(b, ' ');
}

void kd_sbuf_free(struct kd_sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *kd_args_join(int argc, char **argv, int from)
{
	struct kd_sbuf b = {0};
	for (int i = from; i < argc; i++) {
		if (i > from)
			kd_sbuf_putc(&b, ' ');
		kd_sbuf_puts(&b, argv[i]);
	}
	char *r = xstrdup(kd_sbuf_str(&b));
	kd_sbuf_free(&b);
	return r;
}

const char *kd_sbuf_str(struct kd_sbuf *b)
{
	if (!b->s)
		kd_sbuf_puts(b, "");
	return b->s;
}

/* ---- gdb's minimal-symbol lookup for <symbol+offset> ---- */

struct msym_section {
	uint64_t start, end;  /* relocated, as gdb sees them */
	uint64_t raw_start;   /* where its symbols are in the symbol table */
	bool text;
};

struct print_state {
	struct msym_section *secs;
	size_t nsecs;
};

static void print_state_free(void *p)
{
	struct print_state *ps = p;
	if (!ps)
		return;
	free(ps->secs);
	free(ps);
}

static struct print_state *print_state(kd_session *s)
{
	struct print_state *ps = cexpr_print_state(s);
	if (ps)
		return ps;
	ps = xcalloc(1, sizeof(*ps));
	VEC(struct msym_section) secs = {0};
	size_t shstrndx;
	if (s->vmlinux_elf && elf_getshdrstrndx(s->vmlinux_elf, &shstrndx) == 0) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(s->vmlinux_elf, scn))) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
				continue;
			/* crash's gdb finds no symbol in the per-CPU section (linked at 0) */
			const char *nm = elf_strptr(s->vmlinux_elf, shstrndx, sh.sh_name);
			if (nm && strcmp(nm, ".data..percpu") == 0)
				continue;
			uint64_t off = s->symtab ? s->symtab->offset : s->ki.kaslr_offset;
			struct msym_section m = {sh.sh_addr + off, sh.sh_addr + off + sh.sh_size, sh.sh_addr + off,
						 (sh.sh_flags & SHF_EXECINSTR) != 0};
			VEC_PUSH(&secs, m);
		}
	}
	ps->secs = secs.items;
	ps->nsecs = secs.len;
	cexpr_set_print_state(s, ps, print_state_free);
	return ps;
}

/* gdb's minimal symbol for an address of vmlinux (its ELF symbols, in the address's section); *start relocated. */
static const struct ksym *vmlinux_msymbol(kd_session *s, uint64_t addr, uint64_t *start)
{
	struct symtab *t = s->symtab;
	if (!t || !t->nsyms)
		return NULL;
	struct print_state *ps = print_state(s);
	const struct msym_section *sec = NULL;
	for (size_t i = 0; i < ps->nsecs; i++)
		if (addr >= ps->secs[i].start && addr < ps->secs[i].end) {
			sec = &ps->secs[i];
			break;
		}
	if (!sec)
		return NULL;
	uint64_t raw = addr - sec->start + sec->raw_start;
	/* symbols are sorted by address, then name, as gdb sorts them */
	const struct ksym *k = symbols_gdb_choice(t->syms, symtab_lower_bound(t, raw + 1), raw, sec->raw_start,
						  sec->raw_start + (sec->end - sec->start), sec->text);
	if (k)
		*start = addr - (raw - k->addr);
	return k;
}

void cprint_symbolic(kd_session *s, struct kd_sbuf *out, uint64_t addr)
{
	const char *name;
	uint64_t off, start;
	if (!modobjs_symbolic(s, addr, &name, &off)) { /* a module's, once its object file is loaded */
		const struct ksym *k = vmlinux_msymbol(s, addr, &start);
		if (!k)
			return;
		name = k->name;
		off = addr - start;
	}
	if (off)
		kd_sbuf_printf(out, " <%s+%llu>", name, (unsigned long long)off);
	else
		kd_sbuf_printf(out, " <%s>", name);
}

const char *kd_symbol_gdb(kd_session *s, uint64_t addr, uint64_t *start, uint64_t *size)
{
	const char *name;
	uint64_t off, st = 0;
	if (modobjs_msymbol(s, addr, &name, &off, size)) { /* a module's, once its object file is loaded */
		*start = addr - off;
		return name;
	}
	const struct ksym *k = vmlinux_msymbol(s, addr, &st);
	if (!k)
		return NULL;
	*start = st;
	*size = k->size;
	return k->name;
}

void kd_print_symbolic(kd_session *s, struct kd_sbuf *out, uint64_t addr)
{
	cprint_symbolic(s, out, addr);
}

/* ---- characters and strings, as gdb's print_wchar ---- */

static void emit_char(struct kd_sbuf *b, unsigned c, char quoter, bool *need_escape)
{
	bool ne = *need_escape;
	*need_escape = false;
	switch (c) {
	case '\a': kd_sbuf_puts(b, "\\a"); return;
	case '\b': kd_sbuf_puts(b, "\\b"); return;
	case '\f': kd_sbuf_puts(b, "\\f"); return;
	case '\n': kd_sbuf_puts(b, "\\n"); return;
	case '\r': kd_sbuf_puts(b, "\\r"); return;
	case '\t': kd_sbuf_puts(b, "\\t"); return;
	case '\v': kd_sbuf_puts(b, "\\v"); return;
	default: break;
	}
	if (c >= 0x20 && c < 0x7f && !(ne && isdigit((int)c))) {
		if (c == (unsigned char)quoter || c == '\\')
			kd_sbuf_putc(b, '\\');
		kd_sbuf_putc(b, (char)c);
	} else {
		kd_sbuf_printf(b, "\\%.3o", c & 0777);
		*need_escape = true;
	}
}

void cprint_string(struct kd_sbuf *out, const uint8_t *str, size_t len, bool ellipsis)
{
	bool ne = false;
	kd_sbuf_putc(out, '"');
	for (size_t i = 0; i < len; i++)
		emit_char(out, str[i], '"', &ne);
	kd_sbuf_putc(out, '"');
	if (ellipsis)
		kd_sbuf_puts(out, "...");
}

/* ---- types ---- */

enum { Q_CONST = 1, Q_VOLATILE = 2, Q_RESTRICT = 4, Q_ATOMIC = 8 };

static struct ctype *peel(struct ctype *t, unsigned *q)
{
	*q = 0;
	for (int guard = 0; t && guard < 32; guard++) {
		if (t->kind == CT_CONST)
			*q |= Q_CONST;
		else if (t->kind == CT_VOLATILE)
			*q |= Q_VOLATILE;
		else if (t->kind == CT_RESTRICT)
			*q |= Q_RESTRICT;
		else if (t->kind == CT_ATOMIC)
			*q |= Q_ATOMIC;
		else
			break;
		t = t->target;
	}
	return t;
}

struct tctx {
	kd_session *s;
	struct kd_sbuf *b;
	/* struct -o: which line declares which member */
	VEC(size_t) mark_lines;
	VEC(const char *) mark_names;
	bool marking;
	size_t scan_pos, nl; /* newline count up to scan_pos, from mark_base */
	size_t mark_base;
};

static size_t current_line(struct tctx *c)
{
	for (; c->scan_pos < c->b->len; c->scan_pos++)
		if (c->b->s[c->scan_pos] == '\n')
			c->nl++;
	return c->nl;
}

static void modifier(struct tctx *c, unsigned q, bool pre_space, bool post_space)
{
	bool did = false;
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {{Q_CONST, "const"}, {Q_VOLATILE, "volatile"}, {Q_RESTRICT, "restrict"}, {Q_ATOMIC, "_Atomic"}};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (!(q & words[i].bit))
			continue;
		if (did || pre_space)
			kd_sbuf_putc(c->b, ' ');
		kd_sbuf_puts(c->b, words[i].word);
		did = true;
	}
	if (did && post_space)
		kd_sbuf_putc(c->b, ' ');
}

static void print_type_1(struct tctx *c, struct ctype *t, const char *name, int show, int level);

static void print_args(struct tctx *c, struct ctype *f)
{
	ctype_complete(c->s, f);
	kd_sbuf_putc(c->b, '(');
	for (size_t i = 0; i < f->nparams; i++) {
		if (i)
			kd_sbuf_puts(c->b, ", ");
		print_type_1(c, f->params[i], "", 0, 0);
	}
	if (f->nparams && f->varargs)
		kd_sbuf_puts(c->b, ", ...");
	else if (!f->nparams && f->prototyped)
		kd_sbuf_puts(c->b, "void");
	kd_sbuf_putc(c->b, ')');
}

static void varspec_prefix(struct tctx *c, struct ctype *t, int show, bool passed_ptr, bool post_space)
{
	unsigned q;
	struct ctype *tt = peel(t, &q);
	if (!tt || (tt->name && show <= 0))
		return;
	switch (tt->kind) {
	case CT_PTR:
		varspec_prefix(c, tt->target, show, true, true);
		kd_sbuf_putc(c->b, '*');
		modifier(c, q, true, post_space);
		break;
	case CT_FUNC:
		varspec_prefix(c, tt->target, show, false, false);
		if (passed_ptr)
			kd_sbuf_putc(c->b, '(');
		break;
	case CT_ARRAY:
		varspec_prefix(c, tt->target, show, false, post_space);
		if (passed_ptr)
			kd_sbuf_putc(c->b, '(');
		break;
	case CT_TYPEDEF:
		varspec_prefix(c, tt->target, show, passed_ptr, false);
		break;
	default: break;
	}
}

static void varspec_suffix(struct tctx *c, struct ctype *t, int show, bool passed_ptr)
{
	unsigned q;
	struct ctype *tt = peel(t, &q);
	if (!tt || (tt->name && show <= 0))
		return;
	switch (tt->kind) {
	case CT_ARRAY:
		if (passed_ptr)
			kd_sbuf_putc(c->b, ')');
		if (tt->no_bound)
			kd_sbuf_puts(c->b, "[]");
		else
			kd_sbuf_printf(c->b, "[%llu]", (unsigned long long)tt->nelem);
		varspec_suffix(c, tt->target, show, false);
		break;
	case CT_PTR: varspec_suffix(c, tt->target, show, true); break;
	case CT_FUNC:
		if (passed_ptr)
			kd_sbuf_putc(c->b, ')');
		print_args(c, tt);
		varspec_suffix(c, tt->target, show, passed_ptr);
		break;
	case CT_TYPEDEF: varspec_suffix(c, tt->target, show, passed_ptr); break;
	default: break;
	}
}

static void struct_body(struct tctx *c, struct ctype *t, int show, int level)
{
	if (level > 4 * 64) { /* only a corrupt DWARF nests this deep */
		kd_sbuf_puts(c->b, "{...}");
		return;
	}
	ctype_complete(c->s, t);
	kd_sbuf_puts(c->b, "{\n");
	if (t->nmembers == 0) {
		sbuf_spaces(c->b, level + 4);
		kd_sbuf_puts(c->b, t->has_size || t->borrowed ? "<no data fields>\n" : "<incomplete type>\n");
	}
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		sbuf_spaces(c->b, level + 4);
		/* gdb's show - 1 for a member; crash's gdb keeps show for an unnamed struct or union */
		print_type_1(c, m->type, m->name, m->name && *m->name ? show - 1 : show, level + 4);
		if (m->bitsize)
			kd_sbuf_printf(c->b, " : %u", m->bitsize);
		if (c->marking && m->name) {
			VEC_PUSH(&c->mark_lines, current_line(c));
			VEC_PUSH(&c->mark_names, m->name);
		}
		kd_sbuf_puts(c->b, ";\n");
	}
	sbuf_spaces(c->b, level);
	kd_sbuf_putc(c->b, '}');
}

static void print_base(struct tctx *c, struct ctype *t, int show, int level)
{
	unsigned q;
	struct ctype *tt = peel(t, &q);
	if (!tt) {
		kd_sbuf_puts(c->b, "void");
		return;
	}
	if (show <= 0 && tt->name) {
		modifier(c, q, false, true);
		if (tt->kind == CT_STRUCT)
			kd_sbuf_puts(c->b, "struct ");
		else if (tt->kind == CT_UNION)
			kd_sbuf_puts(c->b, "union ");
		else if (tt->kind == CT_ENUM)
			kd_sbuf_puts(c->b, "enum ");
		kd_sbuf_puts(c->b, tt->name);
		return;
	}
	/* check_typedef: through typedefs, keeping their qualifiers */
	for (int guard = 0; tt->kind == CT_TYPEDEF && guard < 32; guard++) {
		unsigned q2;
		tt = peel(tt->target, &q2);
		q |= q2;
		if (!tt) {
			modifier(c, q, false, true);
			kd_sbuf_puts(c->b, "void");
			return;
		}
	}
	switch (tt->kind) {
	case CT_FUNC:
	case CT_PTR:
	case CT_ARRAY: print_base(c, tt->target, show, level); break;
	case CT_STRUCT:
	case CT_UNION:
		modifier(c, q, false, true);
		kd_sbuf_puts(c->b, tt->kind == CT_UNION ? "union " : "struct ");
		if (tt->name) {
			kd_sbuf_puts(c->b, tt->name);
			if (show > 0)
				kd_sbuf_putc(c->b, ' ');
		}
		if (show < 0) {
			if (!tt->name)
				kd_sbuf_puts(c->b, "{...}");
		} else if (show > 0 || !tt->name)
			struct_body(c, tt, show, level);
		break;
	case CT_ENUM:
		modifier(c, q, false, true);
		kd_sbuf_puts(c->b, "enum ");
		if (tt->name) {
			kd_sbuf_puts(c->b, tt->name);
			if (show > 0)
				kd_sbuf_putc(c->b, ' ');
		}
		if (show < 0) {
			if (!tt->name)
				kd_sbuf_puts(c->b, "{...}");
		} else if (show > 0 || !tt->name) {
			ctype_complete(c->s, tt);
			int64_t last = 0;
			kd_sbuf_putc(c->b, '{');
			for (size_t i = 0; i < tt->nenums; i++) {
				if (i)
					kd_sbuf_puts(c->b, ", ");
				kd_sbuf_puts(c->b, tt->enums[i].name);
				if (tt->enums[i].value != last) {
					kd_sbuf_printf(c->b, " = %lld", (long long)tt->enums[i].value);
					last = tt->enums[i].value;
				}
				last++;
			}
			kd_sbuf_putc(c->b, '}');
		}
		break;
	default:
		modifier(c, q, false, true);
		kd_sbuf_puts(c->b, tt->name ? tt->name : "void");
		break;
	}
}

static void print_type_1(struct tctx *c, struct ctype *t, const char *name, int show, int level)
{
	struct ctype qual = {0};
	if (show > 0) {
		/* gdb's check_typedef at the top: through typedefs, keeping their qualifiers */
		unsigned q = 0, q2;
		struct ctype *tt = peel(t, &q2);
		q |= q2;
		bool stripped = false;
		for (int guard = 0; tt && tt->kind == CT_TYPEDEF && guard < 32; guard++) {
			tt = peel(tt->target, &q2);
			q |= q2;
			stripped = true;
		}
		if (stripped && tt) {
			t = tt;
			if (q) {
				qual.kind = q & Q_CONST ? CT_CONST : CT_VOLATILE;
				qual.target = tt;
				qual.complete = true;
				t = &qual;
			}
		}
	}
	print_base(c, t, show, level);
	unsigned q;
	struct ctype *tt = peel(t, &q);
	bool has_name = name && *name;
	if (tt && (has_name || ((show > 0 || !tt->name) && (tt->kind == CT_PTR || tt->kind == CT_FUNC || tt->kind == CT_ARRAY))))
		kd_sbuf_putc(c->b, ' ');
	if (!tt)
		return;
	varspec_prefix(c, t, show, false, has_name);
	if (has_name)
		kd_sbuf_puts(c->b, name);
	varspec_suffix(c, t, show, false);
}

void cprint_type(kd_session *s, struct kd_sbuf *out, struct ctype *t, const char *name, int show, int level)
{
	struct tctx c = {.s = s, .b = out};
	print_type_1(&c, t, name, show, level);
}

void cprint_type_lines(kd_session *s, struct ctype *t, struct type_lines *out)
{
	struct kd_sbuf b = {0};
	struct tctx c = {.s = s, .b = &b, .marking = true};
	print_type_1(&c, t, "", 1, 0);
	const char *p = kd_sbuf_str(&b);
	size_t line = 0, m = 0;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		VEC_PUSH(&out->lines, xstrndup(p, n));
		const char *name = NULL;
		while (m < c.mark_lines.len && c.mark_lines.items[m] < line)
			m++;
		if (m < c.mark_lines.len && c.mark_lines.items[m] == line)
			name = c.mark_names.items[m];
		VEC_PUSH(&out->members, name);
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
	VEC_FREE(&c.mark_lines);
	VEC_FREE(&c.mark_names);
	kd_sbuf_free(&b);
}

void type_lines_free(struct type_lines *tl)
{
	for (size_t i = 0; i < tl->lines.len; i++)
		free(tl->lines.items[i]);
	VEC_FREE(&tl->lines);
	VEC_FREE(&tl->members);
}

void cprint_crash_decl(struct kd_sbuf *out, const char *str, const char *name)
{
	const char *paren = strstr(str, "(*)");
	const char *open = strchr(str, '(');
	const char *bracket = strchr(str, '[');
	size_t n = strlen(str);
	if (paren)
		kd_sbuf_printf(out, "%.*s%s%s", (int)(paren - str + 2), str, name, paren + 2);
	else if (open && (!bracket || open < bracket))
		kd_sbuf_printf(out, "%.*s%s%s", (int)(open - str), str, name, open);
	else if (bracket)
		kd_sbuf_printf(out, "%.*s%s%s", (int)(bracket - str), str, name, bracket);
	else if (n && str[n - 1] == '*')
		kd_sbuf_printf(out, "%s%s", str, name);
	else
		kd_sbuf_printf(out, "%s %s", str, name);
}

void cprint_symbol_decl(kd_session *s, struct kd_sbuf *out, struct ctype *t, const char *name)
{
	struct kd_sbuf ty = {0};
	cprint_type(s, &ty, t, "", -1, 0);
	cprint_crash_decl(out, kd_sbuf_str(&ty), name);
	kd_sbuf_free(&ty);
}

static bool textual(struct ctype *t, char format);

/* ---- crash's struct_name.member arguments ---- */

/* The struct or union named by a crash argument ("task_struct"), trying the command's own kind first. */
static struct ctype *find_aggregate(kd_session *s, const char *name, const char *kind)
{
	const char *order[2] = {kind, strcmp(kind, "union") == 0 ? "struct" : "union"};
	for (int i = 0; i < 2; i++) {
		char buf[300];
		snprintf(buf, sizeof(buf), "%s %s", order[i], name);
		struct ctype *t = ctype_lookup(s, buf);
		kd_err_clear(&s->err);
		if (t) {
			struct ctype *st = ctype_resolve(s, t);
			if (st && (st->kind == CT_STRUCT || st->kind == CT_UNION))
				return st;
		}
	}
	return NULL;
}

/* The struct/union that directly holds member name (through anonymous members), and its index there. */
static bool member_container(kd_session *s, struct ctype *t, const char *name, struct ctype **container, size_t *index)
{
	t = ctype_resolve(s, t);
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION))
		return false;
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct cmember *m = &t->members[i];
		if (m->name && strcmp(m->name, name) == 0) {
			*container = t;
			*index = i;
			return true;
		}
	}
	for (size_t i = 0; i < t->nmembers; i++)
		if (!t->members[i].name && member_container(s, t->members[i].type, name, container, index))
			return true;
	return false;
}

/* How many anonymous structs/unions lie between t and its member name (-1 if none has it). */
static int anon_depth(kd_session *s, struct ctype *t, const char *name, size_t len)
{
	t = ctype_resolve(s, t);
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION))
		return -1;
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].name && strlen(t->members[i].name) == len && strncmp(t->members[i].name, name, len) == 0)
			return 0;
	for (size_t i = 0; i < t->nmembers; i++) {
		if (t->members[i].name)
			continue;
		int d = anon_depth(s, t->members[i].type, name, len);
		if (d >= 0)
			return d + 1;
	}
	return -1;
}

static int resolve_member(kd_session *s, struct ctype *t, const char *path, struct struct_member_sel *r)
{
	r->path = xstrdup(path);
	if (ctype_member_path(s, t, path, &r->bitpos, &r->bitsize, &r->type) < 0)
		return -1;
	r->size = ctype_sizeof(s, r->type);
	/* crash indents a direct member as gdb does inside the whole structure; a nested path at one level */
	int d = strpbrk(path, ".[") ? 0 : anon_depth(s, t, path, strlen(path));
	r->depth = 1 + (d > 0 ? d : 0);
	/* the container of the last component */
	struct ctype *cur = t;
	char *copy = xstrdup(path), *save = NULL;
	char *tok = strtok_r(copy, ".", &save);
	r->last_in_container = false;
	r->m = NULL;
	while (tok) {
		char *br = strchr(tok, '[');
		if (br)
			*br = '\0';
		struct ctype *container;
		size_t idx;
		if (!member_container(s, cur, tok, &container, &idx))
			break;
		r->m = &container->members[idx];
		r->last_in_container = idx + 1 == container->nmembers;
		cur = r->m->type;
		if (br) {
			struct ctype *at = ctype_resolve(s, cur);
			while (at && at->kind == CT_ARRAY) {
				cur = at->target;
				at = ctype_resolve(s, cur);
			}
			r->last_in_container = false;
		}
		tok = strtok_r(NULL, ".", &save);
	}
	free(copy);
	return 0;
}


int struct_spec_parse(kd_session *s, const char *spec, const char *kind, struct kd_struct_spec *out)
{
	memset(out, 0, sizeof(*out));
	size_t tl = strcspn(spec, ".");
	out->name = xstrndup(spec, tl);
	out->type = find_aggregate(s, out->name, kind);
	if (!out->type) {
		int rc = kd_fail(s, "invalid data structure reference: %s", out->name);
		struct_spec_clear(out);
		return rc;
	}
	if (spec[tl] != '.')
		return 0;
	VEC(struct struct_member_sel) ms = {0};
	char *list = xstrdup(spec + tl + 1), *save = NULL;
	int rc = 0;
	for (char *m = strtok_r(list, ",", &save); m && rc == 0; m = strtok_r(NULL, ",", &save)) {
		struct struct_member_sel r = {0};
		if (resolve_member(s, out->type, m, &r) < 0) {
			rc = kd_fail(s, "invalid data structure reference: %s.%s", out->name, m);
			free(r.path);
		} else
			VEC_PUSH(&ms, r);
	}
	free(list);
	out->members = ms.items;
	out->nmembers = ms.len;
	if (rc == 0 && ms.len == 0)
		rc = kd_fail(s, "invalid data structure reference: %s", spec);
	if (rc < 0)
		struct_spec_clear(out);
	return rc;
}

void struct_spec_clear(struct kd_struct_spec *sp)
{
	for (size_t i = 0; i < sp->nmembers; i++)
		free(sp->members[i].path);
	free(sp->members);
	free(sp->name);
	memset(sp, 0, sizeof(*sp));
}

int cprint_struct_at(kd_session *s, struct kd_sbuf *out, const struct kd_struct_spec *sp, uint64_t addr,
		     const struct cprint_opts *o)
{
	struct ctype *t = sp->type;
	if (sp->nmembers == 0) {
		struct cvalue v;
		cvalue_at(&v, t, addr);
		kd_sbuf_printf(out, "%s %s ", t->kind == CT_UNION ? "union" : "struct", t->name ? t->name : "");
		if (cprint_value_at_depth(s, out, &v, 0, o) < 0)
			return -1;
		kd_sbuf_putc(out, '\n');
		return 0;
	}
	for (size_t i = 0; i < sp->nmembers; i++) {
		const struct struct_member_sel *m = &sp->members[i];
		struct cvalue v;
		cvalue_at(&v, m->type, addr + m->bitpos / 8);
		v.bitpos = m->bitsize ? (uint32_t)(m->bitpos % 8) : 0;
		v.bitsize = m->bitsize;
		sbuf_spaces(out, 2 * m->depth);
		kd_sbuf_printf(out, "%s = ", m->path);
		if (cprint_value_at_depth(s, out, &v, m->depth, o) < 0)
			return -1;
		kd_sbuf_puts(out, m->last_in_container ? "\n" : ",\n");
	}
	return 0;
}

int cprint_struct_members_fast(kd_session *s, struct kd_sbuf *out, const struct kd_struct_spec *sp, uint64_t addr,
			       const struct cprint_opts *o)
{
	if (sp->nmembers == 0)
		return cprint_struct_at(s, out, sp, addr, o);
	for (size_t i = 0; i < sp->nmembers; i++) {
		const struct struct_member_sel *m = &sp->members[i];
		struct ctype *t = ctype_resolve(s, m->type);
		struct cvalue v;
		cvalue_at(&v, m->type, addr + m->bitpos / 8);
		v.bitpos = m->bitsize ? (uint32_t)(m->bitpos % 8) : 0;
		v.bitsize = m->bitsize;
		kd_sbuf_printf(out, "  %s = ", m->path);
		if (t && t->kind == CT_ARRAY && !t->no_bound && textual(t->target, 0) && t->nelem <= 4096) {
			/* crash reads a char array as a C string */
			uint8_t buf[4097];
			if (cexpr_read(s, v.addr, buf, t->nelem) < 0)
				return -1;
			buf[t->nelem] = 0;
			kd_sbuf_printf(out, "\"%s\"\n", (char *)buf);
			continue;
		}
		if (t && (t->kind == CT_INT || t->kind == CT_ENUM || t->kind == CT_PTR) && (t->kind == CT_PTR || t->size <= 8)) {
			uint64_t x;
			if (cvalue_to_u64(s, &v, &x) < 0)
				return -1;
			if (t->kind == CT_PTR || (o && o->output_format == 'x'))
				kd_sbuf_printf(out, "0x%llx\n", (unsigned long long)x);
			else if (t->is_signed)
				kd_sbuf_printf(out, "%lld\n", (long long)x);
			else
				kd_sbuf_printf(out, "%llu\n", (unsigned long long)x);
			continue;
		}
		if (cprint_value_at_depth(s, out, &v, 1, o) < 0)
			return -1;
		kd_sbuf_putc(out, '\n');
	}
	return 0;
}

/* ---- struct -o ---- */

static int offset_width(kd_session *s, struct ctype *t, bool hex)
{
	char digits[32];
	uint64_t size = ctype_resolve(s, t) ? ctype_resolve(s, t)->size : 0;
	return 2 + 2 + snprintf(digits, sizeof(digits), hex ? "0x%llx" : "%llu", (unsigned long long)size);
}

static void offset_prefix(struct kd_sbuf *out, int width, bool found, uint64_t off, bool has_addr, uint64_t addr, bool hex)
{
	char col[64];
	if (found && has_addr) {
		kd_sbuf_printf(out, "  [%llx]", (unsigned long long)(addr + off));
	} else if (found) {
		snprintf(col, sizeof(col), hex ? "[0x%llx]" : "[%llu]", (unsigned long long)off);
		kd_sbuf_printf(out, "%*s", width, col);
	} else
		sbuf_spaces(out, width);
}

void cprint_struct_offsets(kd_session *s, struct kd_sbuf *out, struct ctype *t, bool has_addr, uint64_t addr, bool hex)
{
	struct type_lines tl = {0};
	struct ctype *st = ctype_resolve(s, t);
	cprint_type_lines(s, st, &tl);
	int width = offset_width(s, st, hex);
	for (size_t i = 0; i < tl.lines.len; i++) {
		const char *line = tl.lines.items[i];
		if (i == 0 || i + 1 == tl.lines.len || strlen(line) < 3) {
			kd_sbuf_printf(out, "%s\n", line);
			continue;
		}
		uint64_t bitpos = 0;
		const char *name = tl.members.items[i];
		bool found = name && ctype_member(s, st, name, &bitpos);
		offset_prefix(out, width, found, bitpos / 8, has_addr, addr, hex);
		kd_sbuf_printf(out, "%s\n", line + 3);
	}
	kd_sbuf_printf(out, hex ? "SIZE: 0x%llx\n" : "SIZE: %llu\n", (unsigned long long)st->size);
	type_lines_free(&tl);
}

void cprint_member_offset_line(kd_session *s, struct kd_sbuf *out, struct ctype *top, const struct cmember *m,
			       uint64_t bitpos, bool has_addr, uint64_t addr, bool hex)
{
	offset_prefix(out, offset_width(s, top, hex), true, bitpos / 8, has_addr, addr, hex);
	kd_sbuf_putc(out, ' ');
	cprint_type(s, out, m->type, m->name, 0, 4);
	if (m->bitsize)
		kd_sbuf_printf(out, " : %u", m->bitsize);
	kd_sbuf_puts(out, ";\n");
}

/* ---- values ---- */

struct pctx {
	kd_session *s;
	struct kd_sbuf *b;
	const struct cprint_opts *o;
};

static uint64_t extract(const uint8_t *data, size_t avail, uint64_t size, uint32_t bitpos, uint32_t bitsize, bool sgn)
{
	if (bitsize) {
		size_t nbytes = (bitpos + bitsize + 7) / 8;
		unsigned __int128 raw = 0;
		for (size_t i = 0; i < nbytes && i < avail && i < 16; i++)
			raw |= (unsigned __int128)data[i] << (8 * i);
		uint64_t v = (uint64_t)(raw >> bitpos);
		if (bitsize < 64) {
			v &= (1ULL << bitsize) - 1;
			if (sgn && (v >> (bitsize - 1)) & 1)
				v |= ~0ULL << bitsize;
		}
		return v;
	}
	uint64_t v = 0;
	memcpy(&v, data, MIN(MIN(size, 8), avail));
	if (size < 8 && sgn && size && (v >> (size * 8 - 1)) & 1)
		v |= ~0ULL << (size * 8);
	return v;
}

static void print_hex(struct kd_sbuf *b, uint64_t v, uint64_t size)
{
	if (size < 8 && size)
		v &= (1ULL << (size * 8)) - 1;
	kd_sbuf_printf(b, "0x%llx", (unsigned long long)v);
}

static bool textual(struct ctype *t, char format)
{
	t = ctype_strip(t);
	return t && t->kind == CT_INT && t->is_char && t->size == 1 && !format;
}

/* A C string read from the kernel: up to PRINT_MAX characters. */
static void print_string_at(struct pctx *c, uint64_t addr)
{
	uint8_t buf[PRINT_MAX];
	size_t got = 0;
	bool nul = false, err = false;
	while (got < PRINT_MAX) {
		size_t chunk = MIN((size_t)PRINT_MAX - got, 4096 - ((addr + got) & 4095));
		if (cexpr_read(c->s, addr + got, buf + got, chunk) < 0) {
			/* byte by byte up to the failure */
			size_t i;
			for (i = 0; i < chunk; i++)
				if (cexpr_read(c->s, addr + got + i, buf + got + i, 1) < 0)
					break;
			void *z = memchr(buf + got, 0, i);
			if (z) {
				got = (size_t)((uint8_t *)z - buf);
				nul = true;
				break;
			}
			got += i;
			err = true;
			break;
		}
		void *z = memchr(buf + got, 0, chunk);
		if (z) {
			got = (size_t)((uint8_t *)z - buf);
			nul = true;
			break;
		}
		got += chunk;
	}
	kd_err_clear(&c->s->err);
	if (err && got == 0) {
		kd_sbuf_printf(c->b, "<error: Cannot access memory at address 0x%llx>", (unsigned long long)addr);
		return;
	}
	cprint_string(c->b, buf, got, !nul && !err);
	if (err)
		kd_sbuf_printf(c->b, "<error: Cannot access memory at address 0x%llx>", (unsigned long long)(addr + got));
}

static void print_pointer_value(struct pctx *c, struct ctype *target, uint64_t v)
{
	kd_sbuf_printf(c->b, "0x%llx", (unsigned long long)v);
	struct ctype *tt = ctype_strip(target);
	if (tt && tt->kind == CT_FUNC) {
		cprint_symbolic(c->s, c->b, v);
		return;
	}
	cprint_symbolic(c->s, c->b, v);
	if (textual(target, c->o->format) && v != 0) {
		kd_sbuf_putc(c->b, ' ');
		print_string_at(c, v);
	}
}

static int print_data(struct pctx *c, struct ctype *t, const uint8_t *data, size_t avail, uint64_t addr, uint32_t bitpos,
		      uint32_t bitsize, int depth);

static int print_array(struct pctx *c, struct ctype *at, const uint8_t *data, size_t avail, uint64_t addr, int depth)
{
	struct ctype *et = at->target;
	uint64_t esize = ctype_sizeof(c->s, et);
	uint64_t n = at->nelem;
	if (at->no_bound || n == 0 || esize == 0) {
		/* an array of unknown length prints like a pointer to its first element */
		print_pointer_value(c, et, addr);
		return 0;
	}
	if (textual(et, c->o->format)) {
		uint64_t len = n;
		if (len > avail)
			len = avail;
		if (len > 0 && data[len - 1] == 0)
			len--; /* gdb drops one trailing NUL */
		if (len == 0) {
			kd_sbuf_puts(c->b, "\"\"");
			return 0;
		}
		/* gdb counts a run of one character as one step towards print elements */
		uint64_t pos = 0, steps = 0;
		while (pos < len && steps < PRINT_MAX) {
			uint64_t run = 1;
			while (pos + run < len && data[pos + run] == data[pos])
				run++;
			pos += run;
			steps += run;
		}
		cprint_string(c->b, data, pos, pos < len);
		return 0;
	}
	kd_sbuf_putc(c->b, '{');
	uint64_t i;
	for (i = 0; i < n && i < PRINT_MAX; i++) {
		if (i)
			kd_sbuf_puts(c->b, ", ");
		uint64_t off = i * esize;
		if (off + esize > avail)
			return kd_fail(c->s, "array element outside the object");
		if (print_data(c, et, data + off, avail - off, addr + off, 0, 0, depth + 1) < 0)
			return -1;
	}
	if (i < n)
		kd_sbuf_puts(c->b, "...");
	kd_sbuf_putc(c->b, '}');
	return 0;
}

static int print_struct(struct pctx *c, struct ctype *st, const uint8_t *data, size_t avail, uint64_t addr, int depth)
{
	if (st->nmembers == 0) {
		kd_sbuf_puts(c->b, "{<No data fields>}");
		return 0;
	}
	kd_sbuf_puts(c->b, "{\n");
	for (size_t i = 0; i < st->nmembers; i++) {
		const struct cmember *m = &st->members[i];
		sbuf_spaces(c->b, 2 + 2 * depth);
		if (m->name)
			kd_sbuf_printf(c->b, "%s = ", m->name);
		uint64_t off = m->bitpos / 8;
		if (off > avail)
			return kd_fail(c->s, "member %s outside the object", m->name ? m->name : "(anonymous)");
		if (print_data(c, m->type, data + off, avail - off, addr + off, m->bitsize ? (uint32_t)(m->bitpos % 8) : 0,
			       m->bitsize, depth + 1) < 0)
			return -1;
		kd_sbuf_puts(c->b, i + 1 < st->nmembers ? ",\n" : "\n");
	}
	sbuf_spaces(c->b, 2 * depth);
	kd_sbuf_putc(c->b, '}');
	return 0;
}

static void print_enum(struct pctx *c, struct ctype *et, uint64_t v)
{
	ctype_complete(c->s, et);
	for (size_t i = 0; i < et->nenums; i++)
		if ((uint64_t)et->enums[i].value == v) {
			kd_sbuf_puts(c->b, et->enums[i].name);
			return;
		}
	if (et->flag_enum) {
		bool first = true;
		for (size_t i = 0; i < et->nenums; i++) {
			uint64_t ev = (uint64_t)et->enums[i].value;
			if (ev && (v & ev)) {
				kd_sbuf_puts(c->b, first ? "(" : " | ");
				first = false;
				v &= ~ev;
				kd_sbuf_puts(c->b, et->enums[i].name);
			}
		}
		if (v) {
			kd_sbuf_puts(c->b, first ? "(unknown: " : " | unknown: ");
			kd_sbuf_printf(c->b, "0x%llx)", (unsigned long long)v);
		} else if (first)
			kd_sbuf_puts(c->b, "0");
		else
			kd_sbuf_putc(c->b, ')');
		return;
	}
	if (et->is_signed)
		kd_sbuf_printf(c->b, "%lld", (long long)v);
	else
		kd_sbuf_printf(c->b, "%llu", (unsigned long long)v);
}

static int print_data(struct pctx *c, struct ctype *t, const uint8_t *data, size_t avail, uint64_t addr, uint32_t bitpos,
		      uint32_t bitsize, int depth)
{
	struct ctype *st = ctype_resolve(c->s, t);
	if (!st) {
		kd_sbuf_puts(c->b, "void");
		return 0;
	}
	if (depth > 128)
		return kd_fail(c->s, "value nests more than 128 levels deep");
	char fmt = c->o->format;
	char ofmt = fmt ? fmt : c->o->output_format;
	switch (st->kind) {
	case CT_STRUCT:
	case CT_UNION: return print_struct(c, st, data, avail, addr, depth);
	case CT_ARRAY: return print_array(c, st, data, avail, addr, depth);
	case CT_PTR: {
		if (avail < 8)
			return kd_fail(c->s, "pointer outside the object");
		uint64_t v = extract(data, avail, 8, 0, 0, false);
		if (fmt == 'x')
			print_hex(c->b, v, 8);
		else if (fmt == 'd')
			kd_sbuf_printf(c->b, "%lld", (long long)v);
		else
			print_pointer_value(c, st->target, v);
		return 0;
	}
	case CT_ENUM: {
		uint64_t v = extract(data, avail, st->size, bitpos, bitsize, st->is_signed);
		if (fmt == 'x')
			print_hex(c->b, v, bitsize ? 8 : st->size);
		else if (fmt == 'd')
			kd_sbuf_printf(c->b, "%lld", (long long)v);
		else
			print_enum(c, st, v);
		return 0;
	}
	case CT_INT: {
		uint64_t size = st->size;
		if (size > 8 && !bitsize) { /* __int128 */
			uint64_t lo = extract(data, avail, 8, 0, 0, false), hi = avail >= 16 ? extract(data + 8, avail - 8, 8, 0, 0, false) : 0;
			if (hi == 0 || (st->is_signed && hi == ~0ULL && (int64_t)lo < 0))
				kd_sbuf_printf(c->b, st->is_signed ? "%lld" : "%llu", (long long)lo);
			else
				kd_sbuf_printf(c->b, "0x%llx%016llx", (unsigned long long)hi, (unsigned long long)lo);
			return 0;
		}
		if (!bitsize && avail < size)
			return kd_fail(c->s, "integer outside the object");
		uint64_t v = extract(data, avail, size, bitpos, bitsize, st->is_signed);
		if (ofmt == 'x') {
			if (bitsize && bitsize < 64)
				v &= (1ULL << bitsize) - 1;
			print_hex(c->b, v, bitsize ? 8 : size);
			return 0;
		}
		if (fmt == 'd' || ofmt == 'd') {
			uint64_t sv = v;
			if (!bitsize && size < 8 && (v >> (size * 8 - 1)) & 1)
				sv = v | (~0ULL << (size * 8));
			kd_sbuf_printf(c->b, "%lld", (long long)sv);
			return 0;
		}
		if (st->is_bool) {
			if (v == 0)
				kd_sbuf_puts(c->b, "false");
			else if (v == 1)
				kd_sbuf_puts(c->b, "true");
			else
				kd_sbuf_printf(c->b, "%llu", (unsigned long long)v);
			return 0;
		}
		if (st->is_signed)
			kd_sbuf_printf(c->b, "%lld", (long long)v);
		else
			kd_sbuf_printf(c->b, "%llu", (unsigned long long)v);
		if (st->is_char && size == 1) {
			bool ne = false;
			kd_sbuf_puts(c->b, " '");
			emit_char(c->b, (unsigned)(v & 0xff), '\'', &ne);
			kd_sbuf_putc(c->b, '\'');
		}
		return 0;
	}
	case CT_FLOAT: {
		if (st->size == 8 && avail >= 8) {
			double d;
			memcpy(&d, data, 8);
			kd_sbuf_printf(c->b, "%.17g", d);
		} else if (st->size == 4 && avail >= 4) {
			float f;
			memcpy(&f, data, 4);
			kd_sbuf_printf(c->b, "%.9g", (double)f);
		} else
			kd_sbuf_puts(c->b, "<unsupported float>");
		return 0;
	}
	case CT_FUNC: {
		kd_sbuf_putc(c->b, '{');
		cprint_type(c->s, c->b, t, "", -1, 0);
		kd_sbuf_printf(c->b, "} 0x%llx", (unsigned long long)addr);
		cprint_symbolic(c->s, c->b, addr);
		return 0;
	}
	case CT_VOID: kd_sbuf_puts(c->b, "void"); return 0;
	default: kd_sbuf_puts(c->b, "?"); return 0;
	}
}

int cprint_data(kd_session *s, struct kd_sbuf *out, struct ctype *t, const uint8_t *data, size_t len, uint64_t addr,
		int depth, const struct cprint_opts *o)
{
	static const struct cprint_opts none = {0, 0};
	struct pctx c = {s, out, o ? o : &none};
	return print_data(&c, t, data, len, addr, 0, 0, depth);
}

/* Read the bytes of a value (lvalues from memory). */
static int value_bytes(kd_session *s, const struct cvalue *v, uint8_t **buf, size_t *len, uint8_t *small)
{
	struct ctype *st = ctype_resolve(s, v->type);
	uint64_t size = ctype_sizeof(s, v->type);
	if (st && st->kind == CT_FUNC)
		size = 0;
	if (st && st->kind == CT_ARRAY && st->no_bound)
		size = 0;
	if (v->bitsize)
		size = (v->bitpos + v->bitsize + 7) / 8;
	if (v->where == CV_RVALUE) {
		memcpy(small, v->bytes, sizeof(v->bytes));
		*buf = small;
		*len = sizeof(v->bytes);
		return 0;
	}
	if (size > MAX_OBJECT)
		return kd_fail(s, "value of %llu bytes is too large to print", (unsigned long long)size);
	*buf = size <= 16 ? small : xmalloc(size);
	*len = size;
	if (size && cexpr_read(s, v->addr, *buf, size) < 0) {
		if (*buf != small)
			free(*buf);
		return -1;
	}
	return 0;
}

int cprint_value_at_depth(kd_session *s, struct kd_sbuf *out, const struct cvalue *v, int depth, const struct cprint_opts *o)
{
	static const struct cprint_opts none = {0, 0};
	uint8_t small[16] = {0}, *buf = NULL;
	size_t len = 0;
	if (value_bytes(s, v, &buf, &len, small) < 0)
		return -1;
	struct pctx c = {s, out, o ? o : &none};
	int rc = print_data(&c, v->type, buf, len, v->where == CV_LVALUE ? v->addr : 0, v->bitpos, v->bitsize, depth);
	if (buf != small)
		free(buf);
	return rc;
}

int cprint_value(kd_session *s, struct kd_sbuf *out, const struct cvalue *v, const struct cprint_opts *o)
{
	static const struct cprint_opts none = {0, 0};
	if (!o)
		o = &none;
	struct ctype *st = ctype_strip(v->type);
	if (st && st->kind == CT_PTR && !o->format) {
		/* gdb: "(type) " before a pointer, unless it is a plain char pointer */
		unsigned q;
		struct ctype *target = peel(st->target, &q), *orig = peel(v->type, &q);
		bool plain_char = orig && orig->kind == CT_PTR && target && target->kind == CT_INT && target->name &&
				  strcmp(target->name, "char") == 0;
		if (!plain_char) {
			kd_sbuf_putc(out, '(');
			cprint_type(s, out, v->type, "", -1, 0);
			kd_sbuf_puts(out, ") ");
		}
	}
	return cprint_value_at_depth(s, out, v, 0, o);
}

/* ---- the public API (include/kdive/print.h) ---- */

static struct ctype *CT(const kd_type *t)
{
	return (struct ctype *)t;
}

int kd_print_value(kd_session *s, struct kd_sbuf *out, const struct kd_value *v, unsigned flags)
{
	struct cprint_opts o = cprint_opts_of(flags);
	struct cvalue c;
	cvalue_from_kd(&c, v);
	if (cexpr_value_unavailable(s, &c)) {
		kd_sbuf_puts(out, "<unavailable>");
		return 0;
	}
	if (c.type && c.type->kind == CT_VOID) {
		kd_sbuf_puts(out, "void"); /* gdb's unset convenience variable */
		return 0;
	}
	return cprint_value(s, out, &c, &o);
}

void kd_print_type(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *name, int show)
{
	cprint_type(s, out, CT(t), name ? name : "", show, 0);
}

void kd_print_decl(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *name)
{
	cprint_symbol_decl(s, out, CT(t), name);
}

/* The struct or union t names (through typedefs), or NULL with KD_EINVAL. */
static struct ctype *aggregate(kd_session *s, const kd_type *t)
{
	struct ctype *st = ctype_resolve(s, CT(t));
	if (!st || (st->kind != CT_STRUCT && st->kind != CT_UNION)) {
		kd_err_set(&s->err, KD_EINVAL, "%s is not a struct or union", ctype_tag_name(CT(t)));
		return NULL;
	}
	return st;
}

int kd_print_offsets(kd_session *s, struct kd_sbuf *out, const kd_type *t, uint64_t addr, unsigned flags)
{
	struct ctype *st = aggregate(s, t);
	if (!st)
		return -1;
	cprint_struct_offsets(s, out, st, flags & KD_PRINT_ADDRESSES, addr, flags & KD_PRINT_RADIX_HEX);
	return 0;
}

int kd_print_member_offset(kd_session *s, struct kd_sbuf *out, const kd_type *t, const char *member, uint64_t addr,
			   unsigned flags)
{
	struct ctype *st = aggregate(s, t);
	if (!st)
		return -1;
	struct struct_member_sel r = {0};
	int rc = 0;
	if (!ctype_path(s, st, member) || resolve_member(s, st, member, &r) < 0 || !r.m)
		rc = kd_err_set(&s->err, KD_ENOTFOUND, "%s has no member \"%s\"", ctype_tag_name(st), member);
	else
		cprint_member_offset_line(s, out, st, r.m, r.bitpos, flags & KD_PRINT_ADDRESSES, addr,
					  flags & KD_PRINT_RADIX_HEX);
	free(r.path);
	return rc;
}

kd_struct_spec *kd_struct_spec_parse(kd_session *s, const char *spec, const char *kind)
{
	kd_struct_spec *sp = xmalloc(sizeof(*sp));
	if (struct_spec_parse(s, spec, kind, sp) < 0) {
		free(sp);
		return NULL;
	}
	return sp;
}

bool kd_struct_member_offset_find(kd_session *s, const char *spec, uint64_t *offset)
{
	size_t tl = strcspn(spec, ".");
	if (spec[tl] != '.' || !spec[tl + 1] || strchr(spec + tl + 1, ','))
		return false;
	char *name = xstrndup(spec, tl);
	struct ctype *t = find_aggregate(s, name, "struct");
	free(name);
	uint64_t bitpos;
	uint32_t bitsize;
	struct ctype *mt;
	if (!t)
		return false;
	if (ctype_member_path(s, t, spec + tl + 1, &bitpos, &bitsize, &mt) < 0) {
		kd_err_clear(&s->err); /* a miss, as find_aggregate's lookups are */
		return false;
	}
	*offset = bitpos / 8;
	return true;
}

void kd_struct_spec_free(kd_struct_spec *sp)
{
	if (!sp)
		return;
	struct_spec_clear(sp);
	free(sp);
}

const kd_type *kd_struct_spec_type(const kd_struct_spec *sp)
{
	return (const kd_type *)sp->type;
}

size_t kd_struct_spec_count(const kd_struct_spec *sp)
{
	return sp->nmembers;
}

const char *kd_struct_spec_member(const kd_struct_spec *sp, size_t i, struct kd_member_info *info)
{
	if (i >= sp->nmembers)
		return NULL;
	const struct struct_member_sel *m = &sp->members[i];
	if (info) {
		info->offset = m->bitpos / 8;
		info->bitpos = m->bitpos;
		info->bitsize = m->bitsize;
		info->type = (const kd_type *)m->type;
		info->size = m->size;
	}
	return m->path;
}

int kd_print_struct(kd_session *s, struct kd_sbuf *out, const kd_struct_spec *sp, uint64_t addr, unsigned flags)
{
	struct cprint_opts o = cprint_opts_of(flags);
	if (flags & KD_PRINT_READ_DIRECT)
		return cprint_struct_members_fast(s, out, sp, addr, &o);
	return cprint_struct_at(s, out, sp, addr, &o);
}
