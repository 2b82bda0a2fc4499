/* The session's error and output, and reads of kernel memory: what every layer above the target uses. */
#include "target/session.h"

#include <string.h>

int session_fail_from(kd_session *s, const struct kd_err *e)
{
	if (e != &s->err)
		s->err = *e;
	return -1;
}

int kd_fail(kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[sizeof(s->err.msg)];
	vsnprintf(tmp, sizeof(tmp), fmt, ap); /* fmt may quote s->err.msg itself */
	va_end(ap);
	return kd_err_set(&s->err, s->err.code && s->err.code != KD_OK ? s->err.code : KD_EINVAL, "%s", tmp);
}

const char *kd_last_error(const kd_session *s)
{
	return s->err.msg;
}

FILE *kd_out(kd_session *s)
{
	return s->out;
}

int kd_printf(kd_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(s->out, fmt, ap);
	va_end(ap);
	return n;
}

int kd_read_u64(kd_session *s, uint64_t kvaddr, uint64_t *val)
{
	return kd_read_kv(s, kvaddr, val, 8);
}

int kd_read_u32(kd_session *s, uint64_t kvaddr, uint32_t *val)
{
	return kd_read_kv(s, kvaddr, val, 4);
}

int kd_read_string(kd_session *s, uint64_t kvaddr, char *buf, size_t size)
{
	if (!size)
		return 0;
	size_t got = 0;
	while (got + 1 < size) {
		size_t chunk = MIN(size - 1 - got, 4096 - ((kvaddr + got) & 4095));
		if (kd_read_kv(s, kvaddr + got, buf + got, chunk) < 0) {
			if (got) /* a string that ends at an unreadable page is still a string */
				break;
			return -1;
		}
		char *nul = memchr(buf + got, 0, chunk);
		if (nul)
			return 0;
		got += chunk;
	}
	buf[got] = '\0';
	return 0;
}

