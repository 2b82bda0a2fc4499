/* Typed values and the C expression evaluator (see c_expr.h); the types are debuginfo/ctype.h's.
 * The public API of <kdive/cvalue.h> is at the end. */
#include "lang/c_expr.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "debuginfo/ctype_source.h"
#include "debuginfo/symbols.h"

/* The evaluator's per-session state (kd_session.cexpr). */
struct cexpr_state {
	int history;              /* last $N handed out */
	int noeval;               /* > 0: evaluating a branch that is not taken, read nothing */
	void *print_state;
	void (*print_state_free)(void *);
	int (*registers)(kd_session *s, struct kd_context_regs *out); /* cexpr_set_registers */
	struct ctype *code_ptr;    /* void (*)(): gdb's type of $rip and $pc */
	struct ctype *int8;        /* int8_t: gdb's type of $al, an integer printed without its character */
	struct ctype *unavailable; /* the type of the last value cexpr_eval gave that is <unavailable> (NULL: none) */
};

static struct cexpr_state *cache(kd_session *s)
{
	if (!s->cexpr)
		s->cexpr = xcalloc(1, sizeof(*s->cexpr));
	return s->cexpr;
}

void cexpr_free(kd_session *s)
{
	struct cexpr_state *c = s->cexpr;
	if (c) {
		if (c->print_state_free)
			c->print_state_free(c->print_state);
		free(c);
		s->cexpr = NULL;
	}
	ctype_free(s); /* the printer's state above may refer to types: freed after it */
}

int cexpr_read(kd_session *s, uint64_t addr, void *buf, size_t len)
{
	struct cexpr_state *c = cache(s);
	if (c->noeval) {
		memset(buf, 0, len);
		return 0;
	}
	if (!mem_available(s))
		return kd_fail(s, "no dump is open");
	if (kd_read_kv(s, addr, buf, len) < 0)
		return kd_fail(s, "Cannot access memory at address 0x%llx", (unsigned long long)addr);
	return 0;
}

void *cexpr_print_state(kd_session *s)
{
	return cache(s)->print_state;
}

void cexpr_set_print_state(kd_session *s, void *state, void (*free_fn)(void *))
{
	struct cexpr_state *c = cache(s);
	if (c->print_state_free)
		c->print_state_free(c->print_state);
	c->print_state = state;
	c->print_state_free = free_fn;
}

void cexpr_set_registers(kd_session *s, int (*fn)(kd_session *s, struct kd_context_regs *out))
{
	cache(s)->registers = fn;
}

int kd_value_history_next(kd_session *s)
{
	return ++cache(s)->history;
}

/* ---- values ---- */

void cvalue_at(struct cvalue *v, struct ctype *t, uint64_t addr)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->where = CV_LVALUE;
	v->addr = addr;
}

static void cvalue_int(struct cvalue *v, struct ctype *t, uint64_t x)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->where = CV_RVALUE;
	memcpy(v->bytes, &x, 8);
}

static uint64_t sign_extend(uint64_t v, unsigned bits, bool is_signed)
{
	if (bits >= 64)
		return v;
	v &= (1ULL << bits) - 1;
	if (is_signed && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return v;
}

int cvalue_to_u64(kd_session *s, const struct cvalue *v, uint64_t *out)
{
	struct ctype *t = ctype_resolve(s, v->type);
	if (!t)
		return kd_fail(s, "value has no type");
	uint64_t size = t->kind == CT_PTR ? 8 : t->size;
	if (t->kind == CT_ARRAY || t->kind == CT_FUNC) {
		if (v->where != CV_LVALUE)
			return kd_fail(s, "Attempt to take address of value not located in memory.");
		*out = v->addr;
		return 0;
	}
	if (t->kind != CT_INT && t->kind != CT_ENUM && t->kind != CT_PTR)
		return kd_fail(s, "Value can't be converted to integer.");
	if (v->bitsize) {
		uint64_t nbytes = (v->bitpos + v->bitsize + 7) / 8;
		uint8_t buf[16] = {0};
		if (nbytes > 9)
			return kd_fail(s, "bitfield too wide");
		if (v->where == CV_LVALUE) {
			if (cexpr_read(s, v->addr, buf, nbytes) < 0)
				return -1;
		} else
			memcpy(buf, v->bytes, MIN(nbytes, sizeof(v->bytes)));
		unsigned __int128 raw = 0;
		for (uint64_t i = 0; i < nbytes; i++)
			raw |= (unsigned __int128)buf[i] << (8 * i);
		uint64_t x = (uint64_t)(raw >> v->bitpos);
		*out = sign_extend(x, v->bitsize, t->is_signed);
		return 0;
	}
	if (size == 0 || size > 8) {
		if (size == 16 && t->kind == CT_INT) { /* __int128: the low half */
			size = 8;
		} else
			return kd_fail(s, "Value can't be converted to integer.");
	}
	uint8_t buf[8] = {0};
	if (v->where == CV_LVALUE) {
		if (cexpr_read(s, v->addr, buf, size) < 0)
			return -1;
	} else
		memcpy(buf, v->bytes, size);
	uint64_t x = 0;
	memcpy(&x, buf, 8);
	*out = sign_extend(x, (unsigned)size * 8, t->is_signed);
	return 0;
}

int cvalue_of_symbol(kd_session *s, const char *name, struct cvalue *out)
{
	struct ctype *t;
	uint64_t addr = 0;
	int found = ctype_var(s, name, &t, &addr);
	if (found < 0)
		return -1;
	if (!found)
		return kd_fail(s, "No symbol \"%s\" in current context.", name);
	cvalue_at(out, t, addr);
	return 0;
}

/* ---- the parser/evaluator ---- */

struct parser {
	kd_session *s;
	const char *text, *p;
	int depth;
	bool unavailable, void_value; /* a register crash's gdb does not have, an unset $name */
};

static int parse_expr(struct parser *ps, struct cvalue *out);
static int parse_assign(struct parser *ps, struct cvalue *out);
static int parse_unary(struct parser *ps, struct cvalue *out);

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool accept(struct parser *ps, const char *tok)
{
	skip_ws(ps);
	size_t n = strlen(tok);
	if (strncmp(ps->p, tok, n) != 0)
		return false;
	if (is_ident_char(tok[n - 1]) && is_ident_char(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static int fail_at(struct parser *ps, const char *what)
{
	if (!*ps->p)
		return kd_fail(ps->s, "A syntax error in expression, near `'.");
	(void)what;
	return kd_fail(ps->s, "A syntax error in expression, near `%.40s'.", ps->p);
}

static bool read_ident(struct parser *ps, char *buf, size_t size)
{
	skip_ws(ps);
	const char *st = ps->p;
	if (!isalpha((unsigned char)*st) && *st != '_')
		return false;
	while (is_ident_char(*ps->p))
		ps->p++;
	size_t n = (size_t)(ps->p - st);
	if (n >= size) {
		ps->p = st;
		return false;
	}
	memcpy(buf, st, n);
	buf[n] = '\0';
	return true;
}

static bool is_type_keyword(const char *w)
{
	static const char *const kw[] = {"struct", "union", "enum", "unsigned", "signed", "int", "char", "short",
					 "long", "void", "_Bool", "const", "volatile", "__int128", "double", "float"};
	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strcmp(w, kw[i]) == 0)
			return true;
	return false;
}

/* Is the text at p (after '(') a type name? A typedef only when no variable has the name. */
static bool looks_like_type(struct parser *ps)
{
	const char *save = ps->p;
	char w[256];
	bool r = false;
	if (read_ident(ps, w, sizeof(w))) {
		if (is_type_keyword(w))
			r = true;
		else {
			if (ctype_is_typedef_name(ps->s, w)) {
				skip_ws(ps);
				r = *ps->p == ')' || *ps->p == '*';
			}
		}
	}
	ps->p = save;
	return r;
}

/* A type name up to the closing ')' (not consumed). Abstract declarators: '*'s, "(*)[N]" is not supported. */
static struct ctype *parse_type_name(struct parser *ps)
{
	skip_ws(ps);
	const char *st = ps->p;
	int depth = 0;
	while (*ps->p && !(*ps->p == ')' && depth == 0)) {
		if (*ps->p == '(')
			depth++;
		else if (*ps->p == ')')
			depth--;
		ps->p++;
	}
	size_t n = (size_t)(ps->p - st);
	char buf[512];
	if (n >= sizeof(buf)) {
		kd_fail(ps->s, "type name too long");
		return NULL;
	}
	memcpy(buf, st, n);
	buf[n] = '\0';
	if (strchr(buf, '(') || strchr(buf, '[')) {
		kd_fail(ps->s, "unsupported type name \"%s\"", buf);
		return NULL;
	}
	struct ctype *t = ctype_lookup(ps->s, buf);
	if (!t) {
		/* gdb's wording */
		char *sp = strrchr(buf, ' ');
		const char *tag = sp ? sp + 1 : buf;
		while (*tag == '*')
			tag++;
		kd_fail(ps->s, "No %s type named %.*s.", strncmp(buf, "union ", 6) == 0 ? "union" : strncmp(buf, "enum ", 5) == 0 ? "enum" : "struct",
			(int)strcspn(tag, " *"), tag);
	}
	return t;
}

static struct ctype *builtin(struct parser *ps, const char *name)
{
	return ctype_builtin(ps->s, name);
}

/* Integer promotion (C): the arithmetic type an operand takes part in. */
static struct ctype *promote(struct parser *ps, struct ctype *t)
{
	struct ctype *st = ctype_resolve(ps->s, t);
	if (st->kind == CT_PTR)
		return st;
	uint64_t size = st->size;
	bool uns = !st->is_signed;
	if (st->kind == CT_ENUM)
		uns = !st->is_signed;
	if (size < 4 || st->is_bool)
		return builtin(ps, "int");
	if (size == 4)
		return builtin(ps, uns ? "unsigned int" : "int");
	if (st->kind == CT_INT && st->name && strstr(st->name, "long long"))
		return builtin(ps, uns ? "unsigned long long" : "long long");
	return builtin(ps, uns ? "unsigned long" : "long");
}

static struct ctype *arith_type(struct parser *ps, struct ctype *a, struct ctype *b)
{
	struct ctype *pa = promote(ps, a), *pb = promote(ps, b);
	if (pa->size == 8 || pb->size == 8) {
		bool uns = (pa->size == 8 && !pa->is_signed) || (pb->size == 8 && !pb->is_signed);
		return builtin(ps, uns ? "unsigned long" : "long");
	}
	return builtin(ps, (!pa->is_signed || !pb->is_signed) ? "unsigned int" : "int");
}

/* An rvalue: arrays and functions decay to pointers, scalars are read. */
static int rvalue(struct parser *ps, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	if (!t)
		return kd_fail(s, "value has no type");
	if (t->kind == CT_ARRAY && v->where == CV_LVALUE) {
		uint64_t a = v->addr;
		cvalue_int(v, ctype_pointer_to(s, t->target), a);
		return 0;
	}
	if (t->kind == CT_FUNC && v->where == CV_LVALUE) {
		uint64_t a = v->addr;
		cvalue_int(v, ctype_pointer_to(s, v->type), a);
		return 0;
	}
	if (v->where == CV_RVALUE && !v->bitsize)
		return 0;
	if (t->kind != CT_INT && t->kind != CT_ENUM && t->kind != CT_PTR)
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	uint64_t x;
	if (cvalue_to_u64(s, v, &x) < 0)
		return -1;
	cvalue_int(v, v->type, x);
	return 0;
}

static int get_int(struct parser *ps, struct cvalue *v, uint64_t *x)
{
	if (rvalue(ps, v) < 0)
		return -1;
	return cvalue_to_u64(ps->s, v, x);
}

static bool is_ptr(kd_session *s, struct cvalue *v)
{
	struct ctype *t = ctype_strip(v->type);
	(void)s;
	return t && t->kind == CT_PTR;
}

static uint64_t target_size(kd_session *s, struct ctype *ptr)
{
	struct ctype *t = ctype_strip(ptr);
	uint64_t n = ctype_sizeof(s, t->target);
	return n ? n : 1;
}

static int deref(struct parser *ps, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	if (t->kind == CT_FUNC)
		return 0; /* *func is func */
	if (t->kind == CT_ARRAY && v->where == CV_LVALUE) {
		cvalue_at(v, t->target, v->addr);
		return 0;
	}
	if (t->kind != CT_PTR)
		return kd_fail(s, "Attempt to take contents of a non-pointer value.");
	struct ctype *target = t->target;
	uint64_t a;
	if (get_int(ps, v, &a) < 0)
		return -1;
	if (ctype_strip(target)->kind == CT_VOID)
		return kd_fail(s, "Attempt to take contents of a non-pointer value.");
	cvalue_at(v, target, a);
	return 0;
}

static int member_of(struct parser *ps, struct cvalue *v, const char *name)
{
	kd_session *s = ps->s;
	struct ctype *t = ctype_resolve(s, v->type);
	for (int guard = 0; t && t->kind == CT_PTR && guard < 8; guard++) {
		if (deref(ps, v) < 0)
			return -1;
		t = ctype_resolve(s, v->type);
	}
	if (!t || (t->kind != CT_STRUCT && t->kind != CT_UNION))
		return kd_fail(s, "Attempt to extract a component of a value that is not a structure.");
	uint64_t bitpos;
	const struct cmember *m = ctype_member(s, t, name, &bitpos);
	if (!m)
		return kd_fail(s, "There is no member named %s.", name);
	if (v->where == CV_LVALUE) {
		v->addr += bitpos / 8;
		v->bitpos = m->bitsize ? (uint32_t)(bitpos % 8) : 0;
	} else {
		if (bitpos / 8 + (m->bitsize ? 8 : ctype_sizeof(s, m->type)) > sizeof(v->bytes))
			return kd_fail(s, "member outside of the value");
		memmove(v->bytes, v->bytes + bitpos / 8, sizeof(v->bytes) - bitpos / 8);
		v->bitpos = m->bitsize ? (uint32_t)(bitpos % 8) : 0;
	}
	v->bitsize = m->bitsize;
	v->type = m->type;
	return 0;
}

static int do_cast(struct parser *ps, struct ctype *to, struct cvalue *v)
{
	kd_session *s = ps->s;
	struct ctype *tt = ctype_resolve(s, to);
	struct ctype *ft = ctype_resolve(s, v->type);
	if (tt->kind == CT_STRUCT || tt->kind == CT_UNION) {
		if (ft == tt || (ft->name && tt->name && ft->kind == tt->kind && strcmp(ft->name, tt->name) == 0)) {
			v->type = to;
			return 0;
		}
		return kd_fail(s, "Invalid cast.");
	}
	if (tt->kind == CT_ARRAY || tt->kind == CT_FUNC)
		return kd_fail(s, "Invalid cast.");
	if (tt->kind == CT_VOID) {
		cvalue_int(v, to, 0);
		return 0;
	}
	uint64_t x;
	if (get_int(ps, v, &x) < 0)
		return -1;
	if (tt->kind == CT_INT && tt->is_bool)
		x = x != 0;
	else if (tt->kind == CT_INT || tt->kind == CT_ENUM)
		x = sign_extend(x, (unsigned)MIN(tt->size, 8) * 8, tt->is_signed);
	cvalue_int(v, to, x);
	return 0;
}

static int parse_number(struct parser *ps, struct cvalue *out)
{
	const char *st = ps->p;
	uint64_t v = 0;
	bool overflow = false;
	int base = 10;
	if (st[0] == '0' && (st[1] == 'x' || st[1] == 'X')) {
		base = 16;
		ps->p += 2;
		if (!isxdigit((unsigned char)*ps->p))
			return kd_fail(ps->s, "Invalid number \"%.*s\".", 2, st);
	} else if (st[0] == '0' && isdigit((unsigned char)st[1]))
		base = 8;
	while (isxdigit((unsigned char)*ps->p)) {
		int d = isdigit((unsigned char)*ps->p) ? *ps->p - '0' : tolower((unsigned char)*ps->p) - 'a' + 10;
		if (d >= base)
			break;
		uint64_t nv = v * (uint64_t)base + (uint64_t)d;
		if ((nv - (uint64_t)d) / (uint64_t)base != v)
			overflow = true;
		v = nv;
		ps->p++;
	}
	bool uns = false;
	int nlong = 0;
	while (*ps->p == 'u' || *ps->p == 'U' || *ps->p == 'l' || *ps->p == 'L') {
		if (*ps->p == 'u' || *ps->p == 'U')
			uns = true;
		else
			nlong++;
		ps->p++;
	}
	if (is_ident_char(*ps->p) || *ps->p == '.')
		return kd_fail(ps->s, "Invalid number \"%.*s\".", (int)(strcspn(st, " \t)+-*/%&|^<>=!,]")), st);
	if (overflow)
		return kd_fail(ps->s, "Numeric constant too large.");
	/* gdb: an int-sized constant is int or unsigned int by its top bit, a long one likewise */
	const char *tn;
	if (nlong == 0 && (v >> 32) == 0)
		tn = (uns || (v & 0x80000000ULL)) ? "unsigned int" : "int";
	else
		tn = (uns || (v >> 63)) ? "unsigned long" : "long";
	cvalue_int(out, builtin(ps, tn), v);
	return 0;
}

static int parse_char(struct parser *ps, struct cvalue *out)
{
	const char *st = ps->p;
	ps->p++; /* ' */
	int c;
	if (*ps->p == '\\') {
		ps->p++;
		switch (*ps->p) {
		case 'n': c = '\n'; ps->p++; break;
		case 't': c = '\t'; ps->p++; break;
		case 'r': c = '\r'; ps->p++; break;
		case 'a': c = '\a'; ps->p++; break;
		case 'b': c = '\b'; ps->p++; break;
		case 'f': c = '\f'; ps->p++; break;
		case 'v': c = '\v'; ps->p++; break;
		case 'e': c = 27; ps->p++; break;
		case 'x': {
			ps->p++;
			c = 0;
			while (isxdigit((unsigned char)*ps->p)) {
				/* a char keeps the low 8 bits of however many digits: no int overflow on the way */
				c = (c * 16 + (isdigit((unsigned char)*ps->p) ? *ps->p - '0' : tolower((unsigned char)*ps->p) - 'a' + 10)) & 0xff;
				ps->p++;
			}
			break;
		}
		default:
			if (*ps->p >= '0' && *ps->p <= '7') {
				c = 0;
				for (int i = 0; i < 3 && *ps->p >= '0' && *ps->p <= '7'; i++)
					c = c * 8 + (*ps->p++ - '0');
			} else if (*ps->p) {
				c = (unsigned char)*ps->p++;
			} else
				return kd_fail(ps->s, "Unmatched single quote.");
		}
	} else if (*ps->p && *ps->p != '\'') {
		c = (unsigned char)*ps->p++;
	} else
		return kd_fail(ps->s, "Empty character constant.");
	if (*ps->p != '\'')
		return kd_fail(ps->s, "Unmatched single quote.");
	ps->p++;
	(void)st;
	cvalue_int(out, builtin(ps, "char"), (uint64_t)(int64_t)(signed char)c);
	return 0;
}

static int parse_identifier(struct parser *ps, const char *name, struct cvalue *out)
{
	kd_session *s = ps->s;
	int64_t value;
	struct ctype *et = NULL;
	if (cvalue_of_symbol(s, name, out) == 0)
		return 0;
	if (ctype_enumerator(s, name, &value, &et) && et) {
		kd_err_clear(&s->err);
		cvalue_int(out, et, (uint64_t)value);
		return 0;
	}
	if (s->symtab && symtab_lookup(s->symtab, name))
		return kd_fail(s, "'%s' has unknown type; cast it to its declared type", name);
	return kd_fail(s, "No symbol \"%s\" in current context.", name);
}

/*
 * ---- register names: $rip, $sp, $eax... as gdb's amd64 target names them ----
 * gdb types rip (and $pc) void (*)(), rsp and rbp (and $sp) void *, the other 64-bit
 * registers long; the 32-, 16- and 8-bit parts are int, short and char. crash's gdb gets a
 * register only when the unwinder has it, and eflags and the segment selectors never
 * (crash hands gdb 8 bytes where gdb wants 4): those are <unavailable>, as there.
 */
enum reg_type { RT_LONG, RT_DATA_PTR, RT_CODE_PTR, RT_NEVER };
static const struct {
	const char *name;
	int reg; /* UW_xx, or UW_NREGS / UW_NREGS + 1 for fs_base / gs_base */
	enum reg_type type;
} amd64_regs[] = {
	{"rax", UW_AX, RT_LONG},    {"rbx", UW_BX, RT_LONG},    {"rcx", UW_CX, RT_LONG},     {"rdx", UW_DX, RT_LONG},
	{"rsi", UW_SI, RT_LONG},    {"rdi", UW_DI, RT_LONG},    {"rbp", UW_BP, RT_DATA_PTR}, {"rsp", UW_SP, RT_DATA_PTR},
	{"r8", UW_R8, RT_LONG},     {"r9", UW_R9, RT_LONG},     {"r10", UW_R10, RT_LONG},    {"r11", UW_R11, RT_LONG},
	{"r12", UW_R12, RT_LONG},   {"r13", UW_R13, RT_LONG},   {"r14", UW_R14, RT_LONG},    {"r15", UW_R15, RT_LONG},
	{"rip", UW_IP, RT_CODE_PTR}, {"eflags", UW_FLAGS, RT_NEVER}, {"cs", UW_CS, RT_NEVER}, {"ss", UW_SS, RT_NEVER},
	{"ds", -1, RT_NEVER},       {"es", -1, RT_NEVER},       {"fs", -1, RT_NEVER},        {"gs", -1, RT_NEVER},
	{"fs_base", UW_NREGS, RT_LONG}, {"gs_base", UW_NREGS + 1, RT_LONG}, {"orig_rax", UW_ORIG_AX, RT_LONG},
	{"pc", UW_IP, RT_CODE_PTR}, {"sp", UW_SP, RT_DATA_PTR}, {"fp", -2, RT_DATA_PTR},
};
/* The parts of the general registers: eax/ax/al, r8d/r8w/r8l, ... */
static const struct {
	const char *d, *w, *l, *h;
	int reg;
} amd64_parts[] = {
	{"eax", "ax", "al", "ah", UW_AX}, {"ebx", "bx", "bl", "bh", UW_BX}, {"ecx", "cx", "cl", "ch", UW_CX},
	{"edx", "dx", "dl", "dh", UW_DX}, {"esi", "si", "sil", NULL, UW_SI}, {"edi", "di", "dil", NULL, UW_DI},
	{"ebp", "bp", "bpl", NULL, UW_BP}, {"esp", "sp", "spl", NULL, UW_SP}, {"r8d", "r8w", "r8l", NULL, UW_R8},
	{"r9d", "r9w", "r9l", NULL, UW_R9}, {"r10d", "r10w", "r10l", NULL, UW_R10}, {"r11d", "r11w", "r11l", NULL, UW_R11},
	{"r12d", "r12w", "r12l", NULL, UW_R12}, {"r13d", "r13w", "r13l", NULL, UW_R13},
	{"r14d", "r14w", "r14l", NULL, UW_R14}, {"r15d", "r15w", "r15l", NULL, UW_R15},
};

static bool reg_known(const struct kd_context_regs *r, int reg)
{
	return reg >= 0 && (r->valid >> reg) & 1;
}

static uint64_t reg_value(const struct kd_context_regs *r, int reg)
{
	return reg == UW_NREGS ? r->fs_base : reg == UW_NREGS + 1 ? r->gs_base : r->regs.r[reg];
}

/* $name: 1 with the register's value in out, 0 when it is unavailable, -1 when no register has that name. */
static int register_lookup(kd_session *s, const char *name, struct cvalue *out, bool *unavailable)
{
	struct cexpr_state *c = cache(s);
	struct kd_context_regs r = {0};
	*unavailable = false;
	bool have = c->registers && c->registers(s, &r) == 0;
	kd_err_clear(&s->err);
	for (size_t i = 0; i < ARRAY_SIZE(amd64_regs); i++) {
		if (strcmp(name, amd64_regs[i].name) != 0)
			continue;
		int reg = amd64_regs[i].reg;
		struct ctype *t = ctype_builtin(s, "long");
		if (reg == -2) {
			/* $fp is gdb's frame base of the selected frame, which crash's gdb never finds: 0 */
			cvalue_int(out, ctype_pointer_to(s, ctype_builtin(s, "void")), 0);
			return 0;
		}
		if (amd64_regs[i].type == RT_NEVER) {
			t = ctype_builtin(s, "int");
			reg = -1;
		} else if (amd64_regs[i].type == RT_DATA_PTR) {
			t = ctype_pointer_to(s, ctype_builtin(s, "void"));
		} else if (amd64_regs[i].type == RT_CODE_PTR) {
			if (!c->code_ptr) {
				struct ctype *f = ctype_new(s, CT_FUNC);
				f->target = ctype_builtin(s, "void");
				f->complete = true;
				c->code_ptr = ctype_pointer_to(s, f);
			}
			t = c->code_ptr;
		}
		cvalue_int(out, t, have && reg_known(&r, reg) ? reg_value(&r, reg) : 0);
		*unavailable = !have || !reg_known(&r, reg);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(amd64_parts); i++) {
		int reg = amd64_parts[i].reg, shift = 0;
		const char *type;
		uint64_t mask;
		if (strcmp(name, amd64_parts[i].d) == 0)
			type = "int", mask = 0xffffffffu;
		else if (strcmp(name, amd64_parts[i].w) == 0)
			type = "short", mask = 0xffff;
		else if (strcmp(name, amd64_parts[i].l) == 0)
			type = "int8_t", mask = 0xff;
		else if (amd64_parts[i].h && strcmp(name, amd64_parts[i].h) == 0)
			type = "int8_t", mask = 0xff, shift = 8;
		else
			continue;
		*unavailable = !have || !reg_known(&r, reg);
		uint64_t v = *unavailable ? 0 : (r.regs.r[reg] >> shift) & mask;
		struct ctype *t;
		if (mask == 0xff) {
			if (!c->int8) {
				c->int8 = ctype_new(s, CT_INT);
				c->int8->name = "int8_t";
				c->int8->size = 1;
				c->int8->is_signed = c->int8->has_size = c->int8->complete = true;
			}
			t = c->int8;
		} else {
			t = ctype_builtin(s, type);
		}
		cvalue_int(out, t, sign_extend(v, (unsigned)(t->size * 8), true));
		return 0;
	}
	return -1;
}

static int parse_register(struct parser *ps, const char *name, struct cvalue *out, bool *unavailable)
{
	return register_lookup(ps->s, name, out, unavailable);
}

int kd_register_value(kd_session *s, const char *name, uint64_t *value)
{
	struct cvalue v;
	bool unavailable;
	*value = 0;
	if (register_lookup(s, name, &v, &unavailable) < 0)
		return -1;
	if (unavailable)
		return 0;
	uint64_t x = 0;
	memcpy(&x, v.bytes, sizeof(x));
	*value = x;
	return 1;
}

static int parse_primary(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	char c = *ps->p;
	if (c == '(') {
		ps->p++;
		if (parse_expr(ps, out) < 0)
			return -1;
		skip_ws(ps);
		if (*ps->p != ')')
			return fail_at(ps, ")");
		ps->p++;
		return 0;
	}
	if (isdigit((unsigned char)c))
		return parse_number(ps, out);
	if (c == '\'')
		return parse_char(ps, out);
	if (c == '"')
		return kd_fail(ps->s, "string literals are not supported in expressions");
	char name[256];
	if (c == '$' && (isalpha((unsigned char)ps->p[1]) || ps->p[1] == '_')) {
		ps->p++;
		read_ident(ps, name, sizeof(name));
		bool unavailable;
		if (parse_register(ps, name, out, &unavailable) < 0) {
			/* gdb: a convenience variable never set is void */
			cvalue_int(out, builtin(ps, "void"), 0);
			ps->unavailable = true;
			ps->void_value = true;
			return 0;
		}
		if (unavailable)
			ps->unavailable = true;
		return 0;
	}
	if (c == '$')
		return kd_fail(ps->s, "value history ($) is not supported");
	if (read_ident(ps, name, sizeof(name)))
		return parse_identifier(ps, name, out);
	return fail_at(ps, "primary");
}

static int parse_postfix(struct parser *ps, struct cvalue *out)
{
	if (parse_primary(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (*ps->p == '[') {
			ps->p++;
			struct cvalue idx;
			if (parse_expr(ps, &idx) < 0)
				return -1;
			skip_ws(ps);
			if (*ps->p != ']')
				return fail_at(ps, "]");
			ps->p++;
			uint64_t i;
			if (get_int(ps, &idx, &i) < 0)
				return -1;
			struct ctype *t = ctype_resolve(ps->s, out->type);
			if (t->kind == CT_ARRAY && out->where == CV_LVALUE) {
				uint64_t es = ctype_sizeof(ps->s, t->target);
				cvalue_at(out, t->target, out->addr + i * es);
			} else if (t->kind == CT_PTR) {
				uint64_t base;
				if (get_int(ps, out, &base) < 0)
					return -1;
				uint64_t es = target_size(ps->s, t);
				if (ctype_strip(t->target)->kind == CT_VOID)
					return kd_fail(ps->s, "Attempt to take contents of a non-pointer value.");
				cvalue_at(out, t->target, base + i * es);
			} else
				return kd_fail(ps->s, "cannot subscript something of type `%s'", ctype_tag_name(out->type));
		} else if (*ps->p == '.' || (ps->p[0] == '-' && ps->p[1] == '>')) {
			ps->p += *ps->p == '.' ? 1 : 2;
			char name[256];
			if (!read_ident(ps, name, sizeof(name)))
				return fail_at(ps, "member");
			if (member_of(ps, out, name) < 0)
				return -1;
		} else if (*ps->p == '(') {
			return kd_fail(ps->s, "function calls are not supported");
		} else if ((ps->p[0] == '+' && ps->p[1] == '+') || (ps->p[0] == '-' && ps->p[1] == '-')) {
			return kd_fail(ps->s, "increment and decrement are not supported");
		} else
			return 0;
	}
}

static int parse_sizeof(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	struct ctype *t;
	const char *save = ps->p;
	if (*ps->p == '(') {
		ps->p++;
		if (looks_like_type(ps)) {
			t = parse_type_name(ps);
			if (!t)
				return -1;
			skip_ws(ps);
			if (*ps->p != ')')
				return fail_at(ps, ")");
			ps->p++;
			goto have;
		}
		ps->p = save;
	}
	struct cvalue v;
	cache(ps->s)->noeval++;
	int rc = parse_unary(ps, &v);
	cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	t = v.type;
have:
	cvalue_int(out, builtin(ps, "unsigned long"), ctype_sizeof(ps->s, t));
	return 0;
}

static int parse_unary(struct parser *ps, struct cvalue *out)
{
	skip_ws(ps);
	if (++ps->depth > 200)
		return kd_fail(ps->s, "expression nests too deeply");
	int rc = 0;
	char c = *ps->p;
	if (accept(ps, "sizeof")) {
		rc = parse_sizeof(ps, out);
	} else if ((c == '+' && ps->p[1] == '+') || (c == '-' && ps->p[1] == '-')) {
		rc = kd_fail(ps->s, "increment and decrement are not supported");
	} else if (c == '-' || c == '+' || c == '~' || c == '!') {
		ps->p++;
		if (parse_unary(ps, out) < 0)
			rc = -1;
		else {
			uint64_t x;
			struct ctype *t = out->type;
			if (c == '!') {
				if (get_int(ps, out, &x) < 0)
					rc = -1;
				else
					cvalue_int(out, builtin(ps, "int"), !x);
			} else if (!ctype_is_integer(t) && ctype_strip(t)->kind != CT_FLOAT) {
				rc = kd_fail(ps->s, "Argument to arithmetic operation not a number or boolean.");
			} else if (get_int(ps, out, &x) < 0) {
				rc = -1;
			} else {
				struct ctype *pt = promote(ps, t);
				uint64_t r = c == '-' ? (uint64_t)0 - x : c == '~' ? ~x : x;
				r = sign_extend(r, (unsigned)pt->size * 8, pt->is_signed);
				cvalue_int(out, pt, r);
			}
		}
	} else if (c == '*') {
		ps->p++;
		if (parse_unary(ps, out) < 0 || deref(ps, out) < 0)
			rc = -1;
	} else if (c == '&' && ps->p[1] != '&') {
		ps->p++;
		if (parse_unary(ps, out) < 0)
			rc = -1;
		else if (out->where != CV_LVALUE)
			rc = kd_fail(ps->s, "Attempt to take address of value not located in memory.");
		else if (out->bitsize)
			rc = kd_fail(ps->s, "Attempt to take address of value not located in memory.");
		else {
			uint64_t a = out->addr;
			cvalue_int(out, ctype_pointer_to(ps->s, out->type), a);
		}
	} else if (c == '(') {
		const char *save = ps->p;
		ps->p++;
		if (looks_like_type(ps)) {
			struct ctype *t = parse_type_name(ps);
			if (!t)
				rc = -1;
			else {
				skip_ws(ps);
				if (*ps->p != ')')
					rc = fail_at(ps, ")");
				else {
					ps->p++;
					if (parse_unary(ps, out) < 0 || do_cast(ps, t, out) < 0)
						rc = -1;
				}
			}
		} else {
			ps->p = save;
			rc = parse_postfix(ps, out);
		}
	} else {
		rc = parse_postfix(ps, out);
	}
	ps->depth--;
	return rc;
}

enum {
	OP_MUL, OP_DIV, OP_MOD, OP_ADD, OP_SUB, OP_SHL, OP_SHR, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
	OP_AND, OP_XOR, OP_OR, OP_LAND, OP_LOR, OP_AT
};

static int binop_at(const char *p, int *op, int *len)
{
	static const struct {
		const char *tok;
		int op, prec;
	} ops[] = {
		{"||", OP_LOR, 1}, {"&&", OP_LAND, 2}, {"<<", OP_SHL, 8}, {">>", OP_SHR, 8}, {"<=", OP_LE, 7},
		{">=", OP_GE, 7},  {"==", OP_EQ, 6},   {"!=", OP_NE, 6},  {"|", OP_OR, 3},   {"^", OP_XOR, 4},
		{"&", OP_AND, 5},  {"<", OP_LT, 7},    {">", OP_GT, 7},   {"@", OP_AT, 9},   {"+", OP_ADD, 10},
		{"-", OP_SUB, 10}, {"*", OP_MUL, 11},  {"/", OP_DIV, 11}, {"%", OP_MOD, 11},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].tok);
		if (strncmp(p, ops[i].tok, n) == 0) {
			if (n == 1 && (p[1] == '=' && ops[i].op != OP_LT && ops[i].op != OP_GT))
				return -1; /* assignment operators */
			if (ops[i].op == OP_SUB && p[1] == '>')
				return -1;
			*op = ops[i].op;
			*len = (int)n;
			return ops[i].prec;
		}
	}
	return -1;
}

/* gdb's artificial array: x@n is n objects like x, from x's address on. */
static int artificial_array(struct parser *ps, struct cvalue *l, struct cvalue *r)
{
	kd_session *s = ps->s;
	uint64_t n;
	if (get_int(ps, r, &n) < 0)
		return -1;
	if (l->where != CV_LVALUE || l->bitsize)
		return kd_fail(s, "Only values in memory can be extended with '@'.");
	if ((int64_t)n <= 0)
		return kd_fail(s, "Non-positive repeat count.");
	l->type = ctype_array_of(s, l->type, n);
	return 0;
}

static int apply_binop(struct parser *ps, int op, struct cvalue *l, struct cvalue *r)
{
	kd_session *s = ps->s;
	if (op == OP_AT)
		return artificial_array(ps, l, r);
	if (rvalue(ps, l) < 0 || rvalue(ps, r) < 0)
		return -1;
	bool lp = is_ptr(s, l), rp = is_ptr(s, r);
	uint64_t a, b;
	if (cvalue_to_u64(s, l, &a) < 0 || cvalue_to_u64(s, r, &b) < 0)
		return -1;
	struct ctype *lt = ctype_resolve(s, l->type), *rt = ctype_resolve(s, r->type);
	if ((lt->kind != CT_INT && lt->kind != CT_ENUM && lt->kind != CT_PTR) ||
	    (rt->kind != CT_INT && rt->kind != CT_ENUM && rt->kind != CT_PTR))
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	if (op == OP_LAND || op == OP_LOR) {
		cvalue_int(l, builtin(ps, "int"), op == OP_LAND ? (a && b) : (a || b));
		return 0;
	}
	if ((op == OP_ADD || op == OP_SUB) && (lp || rp)) {
		if (lp && rp) {
			if (op == OP_ADD)
				return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
			uint64_t es = target_size(s, l->type);
			cvalue_int(l, builtin(ps, "long"), (uint64_t)((int64_t)(a - b) / (int64_t)es));
			return 0;
		}
		if (rp) { /* int + ptr */
			uint64_t es = target_size(s, r->type);
			cvalue_int(l, r->type, b + a * es);
			return 0;
		}
		uint64_t es = target_size(s, l->type);
		cvalue_int(l, l->type, op == OP_ADD ? a + b * es : a - b * es);
		return 0;
	}
	if (op >= OP_LT && op <= OP_NE) {
		bool sgn;
		if (lp || rp)
			sgn = false;
		else {
			struct ctype *ct = arith_type(ps, l->type, r->type);
			sgn = ct->is_signed;
			unsigned bits = (unsigned)ct->size * 8;
			a = sign_extend(a, bits, sgn);
			b = sign_extend(b, bits, sgn);
		}
		int64_t sa = (int64_t)a, sb = (int64_t)b;
		int res = 0;
		switch (op) {
		case OP_LT: res = sgn ? sa < sb : a < b; break;
		case OP_LE: res = sgn ? sa <= sb : a <= b; break;
		case OP_GT: res = sgn ? sa > sb : a > b; break;
		case OP_GE: res = sgn ? sa >= sb : a >= b; break;
		case OP_EQ: res = a == b; break;
		case OP_NE: res = a != b; break;
		}
		cvalue_int(l, builtin(ps, "int"), (uint64_t)res);
		return 0;
	}
	if (lp || rp)
		return kd_fail(s, "Argument to arithmetic operation not a number or boolean.");
	struct ctype *ct = (op == OP_SHL || op == OP_SHR) ? promote(ps, l->type) : arith_type(ps, l->type, r->type);
	unsigned bits = (unsigned)ct->size * 8;
	bool sgn = ct->is_signed;
	a = sign_extend(a, bits, sgn);
	b = sign_extend(b, bits, op == OP_SHL || op == OP_SHR ? ctype_strip(r->type)->is_signed : sgn);
	uint64_t x = 0;
	switch (op) {
	case OP_MUL: x = a * b; break;
	case OP_DIV:
	case OP_MOD:
		if (b == 0 && cache(s)->noeval)
			break; /* a branch not taken */
		if (b == 0)
			return kd_fail(s, "Division by zero");
		if (sgn) {
			if ((int64_t)b == -1)
				x = op == OP_DIV ? (uint64_t)0 - a : 0;
			else
				x = op == OP_DIV ? (uint64_t)((int64_t)a / (int64_t)b) : (uint64_t)((int64_t)a % (int64_t)b);
		} else
			x = op == OP_DIV ? a / b : a % b;
		break;
	case OP_ADD: x = a + b; break;
	case OP_SUB: x = a - b; break;
	case OP_SHL: x = b >= bits ? 0 : a << b; break;
	case OP_SHR:
		if (b >= bits)
			x = sgn && (int64_t)a < 0 ? ~0ULL : 0;
		else
			x = sgn ? (uint64_t)((int64_t)a >> b) : a >> b;
		break;
	case OP_AND: x = a & b; break;
	case OP_XOR: x = a ^ b; break;
	case OP_OR: x = a | b; break;
	}
	cvalue_int(l, ct, sign_extend(x, bits, sgn));
	return 0;
}

static int parse_binary(struct parser *ps, int min_prec, struct cvalue *out)
{
	if (parse_unary(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		int op, len;
		int prec = binop_at(ps->p, &op, &len);
		if (prec < 0 || prec < min_prec)
			return 0;
		ps->p += len;
		struct cvalue rhs;
		int rc;
		if (op == OP_LAND || op == OP_LOR) {
			uint64_t a;
			if (get_int(ps, out, &a) < 0)
				return -1;
			bool skip = op == OP_LAND ? !a : !!a;
			if (skip)
				cache(ps->s)->noeval++;
			rc = parse_binary(ps, prec + 1, &rhs);
			if (skip)
				cache(ps->s)->noeval--;
		} else
			rc = parse_binary(ps, prec + 1, &rhs);
		if (rc < 0 || apply_binop(ps, op, out, &rhs) < 0)
			return -1;
	}
}

static int parse_cond(struct parser *ps, struct cvalue *out)
{
	if (parse_binary(ps, 1, out) < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p != '?')
		return 0;
	ps->p++;
	uint64_t c;
	if (get_int(ps, out, &c) < 0)
		return -1;
	struct cvalue a, b;
	if (!c)
		cache(ps->s)->noeval++;
	int rc = parse_expr(ps, &a);
	if (!c)
		cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p != ':')
		return fail_at(ps, ":");
	ps->p++;
	if (c)
		cache(ps->s)->noeval++;
	rc = parse_cond(ps, &b);
	if (c)
		cache(ps->s)->noeval--;
	if (rc < 0)
		return -1;
	*out = c ? a : b;
	return 0;
}

static int parse_assign(struct parser *ps, struct cvalue *out)
{
	if (parse_cond(ps, out) < 0)
		return -1;
	skip_ws(ps);
	if (*ps->p == '=' && ps->p[1] != '=')
		return kd_fail(ps->s, "assignment is not supported: the dump is read-only");
	return 0;
}

static int parse_expr(struct parser *ps, struct cvalue *out)
{
	if (parse_assign(ps, out) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (*ps->p != ',')
			return 0;
		ps->p++;
		if (parse_assign(ps, out) < 0)
			return -1;
	}
}

/* The expression is one $name and nothing else. */
static bool lone_register(const char *text)
{
	while (isspace((unsigned char)*text))
		text++;
	if (*text++ != '$')
		return false;
	while (is_ident_char(*text))
		text++;
	while (isspace((unsigned char)*text))
		text++;
	return !*text;
}

int cexpr_eval(kd_session *s, const char *text, struct cvalue *out)
{
	struct parser ps = {s, text, text, 0, false, false};
	int saved_noeval = cache(s)->noeval;
	cache(s)->unavailable = NULL;
	memset(out, 0, sizeof(*out));
	skip_ws(&ps);
	if (!*ps.p)
		return kd_fail(s, "empty expression");
	int rc = parse_expr(&ps, out);
	cache(s)->noeval = saved_noeval;
	if (rc < 0)
		return -1;
	skip_ws(&ps);
	if (*ps.p)
		return fail_at(&ps, "end");
	if (ps.unavailable) {
		/* gdb prints a lone register it lacks as <unavailable>, an unset variable as void,
		 * and refuses to compute with either */
		if (!lone_register(text))
			return kd_fail(s, ps.void_value ? "Argument to arithmetic operation not a number or boolean."
							 : "value is not available");
		if (!ps.void_value)
			cache(s)->unavailable = out->type;
	}
	return 0;
}

bool cexpr_value_unavailable(kd_session *s, const struct cvalue *v)
{
	struct cexpr_state *c = cache(s);
	bool r = c->unavailable && v->type == c->unavailable && v->where == CV_RVALUE;
	c->unavailable = NULL;
	return r;
}

int kd_cexpr_eval_u64(kd_session *s, const char *text, uint64_t *out)
{
	struct cvalue v;
	if (cexpr_eval(s, text, &v) < 0)
		return -1;
	struct parser ps = {s, text, text, 0, false, false};
	return get_int(&ps, &v, out);
}

/* ---- the public API (include/kdive/cvalue.h) ---- */

int kd_cexpr_eval(kd_session *s, const char *expr, struct kd_value *out)
{
	struct cvalue v;
	int rc = cexpr_eval(s, expr, &v);
	cvalue_to_kd(out, &v);
	return rc;
}

void kd_value_at(struct kd_value *v, const kd_type *t, uint64_t addr)
{
	struct cvalue c;
	cvalue_at(&c, (struct ctype *)t, addr);
	cvalue_to_kd(v, &c);
}

int kd_value_of_symbol(kd_session *s, const char *name, struct kd_value *out)
{
	struct cvalue c;
	memset(&c, 0, sizeof(c));
	int rc = cvalue_of_symbol(s, name, &c);
	cvalue_to_kd(out, &c);
	return rc;
}

int kd_value_to_u64(kd_session *s, const struct kd_value *v, uint64_t *out)
{
	struct cvalue c;
	cvalue_from_kd(&c, v);
	return cvalue_to_u64(s, &c, out);
}
