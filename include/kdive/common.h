/*
 * kdive public API, common part: the session handle, the export marker, errors and output.
 * Every function of the API is declared with KD_API and named kd_*: kdive is built with
 * -fvisibility=hidden, so exactly these are visible to extension modules (`nm -D kdive`).
 */
#ifndef KDIVE_PUBLIC_COMMON_H
#define KDIVE_PUBLIC_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
#define KD_BEGIN_DECLS extern "C" {
#define KD_END_DECLS }
#else
#define KD_BEGIN_DECLS
#define KD_END_DECLS
#endif

#define KD_API __attribute__((visibility("default")))

/*
 * The API version: a module records the one it was built against (struct kd_module_info) and
 * kdive loads it when the major is its own and the minor not newer. Within a major version,
 * functions and appended structure members are only ever added.
 * 1.1: module lifecycle (sizes in kd_module_info, kd_module_load/unload, kd_command_at/owner).
 */
#define KDIVE_API_MAJOR 1
#define KDIVE_API_MINOR 1
#define KDIVE_API_VERSION ((KDIVE_API_MAJOR << 16) | KDIVE_API_MINOR)
#define KDIVE_API_VERSION_MAJOR(v) ((unsigned)(v) >> 16)
#define KDIVE_API_VERSION_MINOR(v) ((unsigned)(v)&0xffffu)

KD_BEGIN_DECLS

typedef struct kd_session kd_session;

/* Errors */
KD_API int kd_fail(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
KD_API const char *kd_last_error(const kd_session *s);

/* Output: everything a command prints goes here (terminal, pipe or file). */
KD_API FILE *kd_out(kd_session *s);
KD_API int kd_printf(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

KD_END_DECLS

#endif
