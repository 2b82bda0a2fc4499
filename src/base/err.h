/* The one error type: a code and a one-line message. Fallible functions return -1. */
#ifndef KDIVE_ERR_H
#define KDIVE_ERR_H

#include <stdarg.h>
#include <stdint.h>

#include <kdive/common.h> /* enum kd_errcode */


struct kd_err {
	enum kd_errcode code;
	uint64_t addr; /* the address involved, where there is one */
	char msg[512];
};

int kd_err_set(struct kd_err *e, enum kd_errcode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kd_err_vset(struct kd_err *e, enum kd_errcode code, const char *fmt, va_list ap);
void kd_err_clear(struct kd_err *e);
/* Put context in front of the message: "prefix: message". */
void kd_err_prefix(struct kd_err *e, const char *prefix);

#endif
