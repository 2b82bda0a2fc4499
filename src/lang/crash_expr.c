#include "lang/crash_expr.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	kd_session *s;
	const char *p;
	int depth;
	const char *text; /* the whole expression */
};

static int parse_binary(struct parser *ps, int min_prec, uint64_t *out);

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static int parse_number(struct parser *ps, uint64_t *out)
{
	const char *start = ps->p;
	bool hex = false;
	if (start[0] == '0' && (start[1] == 'x' || start[1] == 'X')) {
		hex = true;
		ps->p += 2;
	}
	const char *digits = ps->p;
	while (isxdigit((unsigned char)*ps->p))
		ps->p++;
	size_t n = (size_t)(ps->p - digits);
	if (n == 0 || n > 16)
		return kd_fail(ps->s, "invalid number: %.*s", (int)(ps->p - start + 1), start);
	for (size_t i = 0; i < n && !hex; i++)
		if (!isdigit((unsigned char)digits[i]))
			hex = true;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = isdigit((unsigned char)digits[i]) ? digits[i] - '0' : tolower((unsigned char)digits[i]) - 'a' + 10;
		v = hex ? v * 16 + (uint64_t)d : v * 10 + (uint64_t)d;
	}
	switch (*ps->p) {
	case 'k': case 'K': v <<= 10; ps->p++; break;
	case 'm': case 'M': v <<= 20; ps->p++; break;
	case 'g': case 'G': v <<= 30; ps->p++; break;
	default: break;
	}
	if (isalnum((unsigned char)*ps->p) || *ps->p == '_')
		return kd_fail(ps->s, "invalid number: %.*s", (int)(ps->p - start + 1), start);
	*out = v;
	return 0;
}

static int parse_primary(struct parser *ps, uint64_t *out)
{
	skip_ws(ps);
	if (++ps->depth > 200)
		return kd_fail(ps->s, "expression nests too deeply");
	char c = *ps->p;
	int rc;
	if (c == '(') {
		ps->p++;
		rc = parse_binary(ps, 0, out);
		skip_ws(ps);
		if (rc == 0 && *ps->p != ')')
			rc = kd_fail(ps->s, "missing ')'");
		else if (rc == 0)
			ps->p++;
	} else if (c == '-' || c == '~' || c == '!' || c == '+') {
		ps->p++;
		rc = parse_primary(ps, out);
		if (rc == 0)
			*out = c == '-' ? (uint64_t)0 - *out : c == '~' ? ~*out : c == '!' ? !*out : *out;
	} else if (isalpha((unsigned char)c) || c == '_') {
		const char *start = ps->p;
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
			ps->p++;
		char name[256];
		size_t n = (size_t)(ps->p - start);
		if (n >= sizeof(name))
			return kd_fail(ps->s, "name too long");
		memcpy(name, start, n);
		name[n] = '\0';
		if (ps->s->symtab && kd_symbol_addr(ps->s, name, out) == 0)
			rc = 0;
		else {
			ps->p = start; /* maybe a hex number such as "ffffffff81000000" or "abc" */
			rc = parse_number(ps, out);
			if (rc < 0)
				rc = kd_fail(ps->s, "unknown symbol or invalid number: %s", name);
		}
	} else if (isdigit((unsigned char)c)) {
		rc = parse_number(ps, out);
	} else if (!c) {
		rc = kd_fail(ps->s, "expression ends too early");
	} else if (c == '$') {
		/* A register ($rax) is gdb's, which crash's eval does not ask: crash's message, the whole expression */
		const char *t = ps->text;
		while (isspace((unsigned char)*t))
			t++;
		size_t n = strlen(t);
		while (n && isspace((unsigned char)t[n - 1]))
			n--;
		rc = kd_fail(ps->s, "invalid expression: (%.*s)", (int)n, t);
	} else {
		rc = kd_fail(ps->s, "unexpected '%c' in expression", c);
	}
	ps->depth--;
	return rc;
}

static int op_prec(const char *p, int *len)
{
	*len = 1;
	switch (p[0]) {
	case '*': case '/': case '%': return 5;
	case '+': case '-': return 4;
	case '<': if (p[1] == '<') { *len = 2; return 3; } return -1;
	case '>': if (p[1] == '>') { *len = 2; return 3; } return -1;
	case '&': return 2;
	case '^': return 1;
	case '|': return 0;
	default: return -1;
	}
}

static int parse_binary(struct parser *ps, int min_prec, uint64_t *out)
{
	uint64_t lhs;
	if (parse_primary(ps, &lhs) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		int len, prec = op_prec(ps->p, &len);
		if (prec < 0 || prec < min_prec)
			break;
		char op = *ps->p;
		ps->p += len;
		uint64_t rhs;
		if (parse_binary(ps, prec + 1, &rhs) < 0)
			return -1;
		switch (op) {
		case '*': lhs *= rhs; break;
		case '/': case '%':
			if (!rhs)
				return kd_fail(ps->s, "division by zero");
			lhs = op == '/' ? lhs / rhs : lhs % rhs;
			break;
		case '+': lhs += rhs; break;
		case '-': lhs -= rhs; break;
		case '<': lhs = rhs >= 64 ? 0 : lhs << rhs; break;
		case '>': lhs = rhs >= 64 ? 0 : lhs >> rhs; break;
		case '&': lhs &= rhs; break;
		case '^': lhs ^= rhs; break;
		case '|': lhs |= rhs; break;
		default: break;
		}
	}
	*out = lhs;
	return 0;
}

int kd_eval_int(kd_session *s, const char *text, uint64_t *value)
{
	struct parser ps = {s, text, 0, text};
	if (parse_binary(&ps, 0, value) < 0)
		return -1;
	skip_ws(&ps);
	if (*ps.p)
		return kd_fail(s, "unexpected \"%s\" at the end of the expression", ps.p);
	return 0;
}

int kd_parse_hex_arg(kd_session *s, const char *text, uint64_t *value)
{
	const char *p = text;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (strlen(p) > 16)
		return kd_error(s, KD_EINVAL, 0, "input string too large: \"%s\" (%zu vs 16)", p, strlen(p));
	uint64_t v = 0;
	for (const char *c = p; *c; c++) {
		if (*c == 'x' || *c == 'X' || *c == 'h')
			continue;
		if (!isxdigit((unsigned char)*c))
			return kd_error(s, KD_EINVAL, 0, "invalid input: \"%s\"", p);
		v = v * 16 + (uint64_t)(isdigit((unsigned char)*c) ? *c - '0' : tolower((unsigned char)*c) - 'a' + 10);
	}
	*value = v;
	return 0;
}

/* crash's decimal() and hexadecimal() tests: only such characters, at least one digit. */
static bool all_digits(const char *text, bool hex)
{
	size_t digits = 0;
	for (const char *c = text; *c; c++) {
		if (hex ? isxdigit((unsigned char)*c) : isdigit((unsigned char)*c))
			digits++;
		else if (!(hex && (*c == 'x' || *c == 'X')))
			return false;
	}
	return digits > 0;
}

int kd_parse_num_arg(kd_session *s, const char *text, uint64_t *value)
{
	if (all_digits(text, false)) {
		errno = 0;
		unsigned long long v = strtoull(text, NULL, 10);
		if (errno)
			return kd_error(s, KD_EINVAL, 0, "invalid expression");
		*value = v;
		return 0;
	}
	if (all_digits(text, true))
		return kd_parse_hex_arg(s, text, value);
	return kd_error(s, KD_EINVAL, 0, "not a valid number: %s", text);
}
