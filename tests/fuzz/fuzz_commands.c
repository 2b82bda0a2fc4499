/*
 * Harness 10: a fixed list of commands (sys, bt -a, ps, log, files, vm, mod, kmem -i, list,
 * tree) over the fake kernel of the unit tests (tests/unit/fake_kernel.c), whose memory the
 * input mutates through the memory layer's overlay (mem_set_overlay). The fake kernel rather
 * than a lab dump: it starts in about a second and runs the list in milliseconds, where a lab
 * dump's session takes seconds to open and the list seconds per input; and its structures
 * (tasks, lists, trees, maple trees, the printk ring, modules, files) are the ones the commands
 * walk, named by symbols, so that mutations land on them.
 *
 * The input is a list of patches, each either
 *   0x00..0x7f: [op][sym:2][off:2][len:1][len bytes]  bytes written into data symbol sym at off
 *   0x80..0xff: [op][sym:2][off:2][to:2][delta:1]     the address of symbol `to` plus delta*8
 *                                                      written (8 bytes) at sym+off: a pointer
 *                                                      redirected, as a cycle or a stray link is
 * sym indexes the fake kernel's data symbols (modulo their number), off its bytes (modulo size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../unit/fake_session.h"
#include "debuginfo/symbols.h"
#include "lang/c_expr.h"
#include "shell/shell.h"
#include "target/session.h"

static kd_session *S;
static const struct ksym **targets;
static size_t ntargets;
static FILE *devnull;

static const char *const commands[] = {
	"sys",
	"bt -a",
	"ps",
	"log",
	"files 100",
	"vm 100",
	"mod",
	"kmem -i",
	"list task_struct.tasks -s task_struct.pid,comm -h init_task",
	"list -H modules -o module.list -s module.name",
	"tree -t rbtree -o item.rb -s item.v groot",
	"tree -t maple -p gmt",
	"tree -t xarray -p gxa",
	"tree -t radix -s pid.nr init_pid_ns",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	S = fake_session();
	devnull = fopen("/dev/null", "w");
	if (!S || !devnull) {
		fprintf(stderr, "fuzz_commands: no fake kernel session\n");
		exit(1);
	}
	/* The data symbols whose bytes are in memory. */
	targets = calloc(S->symtab->nsyms, sizeof(*targets));
	for (size_t i = 0; i < S->symtab->nsyms; i++) {
		const struct ksym *k = &S->symtab->syms[i];
		uint8_t b;
		if (k->size && k->size < (1u << 20) && strchr("DdBbRr", k->type) && kd_read_kv(S, k->addr, &b, 1) == 0)
			targets[ntargets++] = k;
	}
	kd_clear_error(S);
	if (!ntargets) {
		fprintf(stderr, "fuzz_commands: the fake kernel has no data symbols\n");
		exit(1);
	}
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The session's state derived from memory, forgotten: the next command reads memory afresh. */
static void reset(void)
{
	S->cur_task = 0;
	cexpr_free(S);
	cexpr_set_registers(S, kd_context_regs);
	fake_session_forget();
	kd_clear_error(S);
}

#define MAX_PATCHES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_patch patches[MAX_PATCHES];
	uint8_t ptrs[MAX_PATCHES][8];
	size_t n = 0, pos = 0;
	while (n < MAX_PATCHES && pos + 6 <= size) {
		uint8_t op = data[pos];
		const struct ksym *k = targets[rd16(data + pos + 1) % ntargets];
		uint64_t off = rd16(data + pos + 3) % k->size;
		if (op & 0x80) {
			if (pos + 8 > size)
				break;
			const struct ksym *to = targets[rd16(data + pos + 5) % ntargets];
			uint64_t v = to->addr + 8u * data[pos + 7];
			memcpy(ptrs[n], &v, 8);
			patches[n] = (struct mem_patch){k->addr + off, 8, ptrs[n]};
			n++;
			pos += 8;
		} else {
			size_t len = data[pos + 5];
			if (pos + 6 + len > size)
				len = size - pos - 6;
			if (len)
				patches[n++] = (struct mem_patch){k->addr + off, (uint32_t)len, data + pos + 6};
			pos += 6 + len;
		}
	}
	mem_set_overlay(S, patches, n);
	reset();
	FILE *out = S->out;
	S->out = devnull;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		kd_run_command(S, commands[i]);
		kd_clear_error(S);
	}
	S->out = out;
	mem_set_overlay(S, NULL, 0);
	reset();
	return 0;
}
