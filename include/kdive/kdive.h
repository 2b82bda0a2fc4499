/*
 * kdive public API: what commands, built-in or loaded with `extend`, may use.
 *
 * Stability: a module states the KDIVE_API_VERSION it was built against; kdive
 * loads modules whose major version matches and whose minor is not newer than
 * its own. Functions are only ever added within a major version.
 *
 * Error convention: every fallible function returns 0 on success and -1 on
 * failure, leaving a one-line reason in the session (kd_last_error()).
 */
#ifndef KDIVE_KDIVE_H
#define KDIVE_KDIVE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KDIVE_API_MAJOR 1
#define KDIVE_API_MINOR 0
#define KDIVE_API_VERSION ((KDIVE_API_MAJOR << 16) | KDIVE_API_MINOR)

typedef struct kd_session kd_session;

/* Command flags */
enum {
	KD_CMD_NEEDS_DUMP = 1u << 0, /* refuses to run without an open dump */
	KD_CMD_TAKES_TASK = 1u << 1, /* may be used under `foreach` */
	KD_CMD_HIDDEN = 1u << 2,     /* not listed by `help` */
};

typedef int (*kd_command_fn)(kd_session *s, int argc, char **argv);

struct kd_command {
	const char *name;
	kd_command_fn run;
	const char *synopsis; /* e.g. "sym [-l] | [-q string] | [symbol | vaddr]..." */
	const char *summary;  /* one line for `help` */
	const char *help;     /* description, options and examples */
	unsigned flags;
};

/* What an extension module exports under the name KDIVE_MODULE_SYMBOL. */
struct kd_module_info {
	unsigned api_version; /* KDIVE_API_VERSION at build time */
	const char *name;
	const struct kd_command *commands; /* terminated by an entry whose name is NULL */
	int (*init)(kd_session *s);        /* optional */
	void (*fini)(kd_session *s);       /* optional */
};
#define KDIVE_MODULE_SYMBOL "kdive_module_info"
typedef const struct kd_module_info *(*kd_module_info_fn)(void);

int kd_register_command(kd_session *s, const struct kd_command *cmd);

/* Errors */
int kd_fail(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *kd_last_error(const kd_session *s);

/* Output: everything a command prints goes here (terminal, pipe or file). */
FILE *kd_out(kd_session *s);
int kd_printf(kd_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Memory */
enum kd_addr_space { KD_KVADDR, KD_UVADDR, KD_PHYSADDR };
int kd_read(kd_session *s, uint64_t addr, enum kd_addr_space space, void *buf, size_t len);
int kd_read_u64(kd_session *s, uint64_t kvaddr, uint64_t *val);
int kd_read_u32(kd_session *s, uint64_t kvaddr, uint32_t *val);
int kd_read_string(kd_session *s, uint64_t kvaddr, char *buf, size_t size);

/* Symbols */
int kd_symbol_addr(kd_session *s, const char *name, uint64_t *addr);
/* Name of the symbol containing addr (NULL if none) and the offset into it. */
const char *kd_symbol_at(kd_session *s, uint64_t addr, uint64_t *offset);

/* Types, always by name, so modules survive layout changes between kernels. */
int kd_member_offset(kd_session *s, const char *type, const char *member, uint64_t *offset);
bool kd_member_exists(kd_session *s, const char *type, const char *member);
int kd_type_size(kd_session *s, const char *type, uint64_t *size);

#endif
