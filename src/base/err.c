#include "base/err.h"

#include <stdio.h>
#include <string.h>

int kd_err_vset(struct kd_err *e, enum kd_errcode code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	/* One line, always: dumps can put anything into strings we quote. */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return -1;
}

int kd_err_set(struct kd_err *e, enum kd_errcode code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kd_err_vset(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

void kd_err_prefix(struct kd_err *e, const char *prefix)
{
	char tmp[sizeof(e->msg)];
	size_t pl = strlen(prefix);
	if (pl > sizeof(tmp) / 2)
		pl = sizeof(tmp) / 2;
	memcpy(tmp, prefix, pl);
	tmp[pl] = ':';
	tmp[pl + 1] = ' ';
	size_t ml = strnlen(e->msg, sizeof(tmp) - pl - 3);
	memcpy(tmp + pl + 2, e->msg, ml);
	tmp[pl + 2 + ml] = '\0';
	memcpy(e->msg, tmp, sizeof(tmp));
}

void kd_err_clear(struct kd_err *e)
{
	e->code = KD_OK;
	e->addr = 0;
	e->msg[0] = '\0';
}
