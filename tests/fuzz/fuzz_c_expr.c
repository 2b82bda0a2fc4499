/*
 * Harness 8: C expressions (cexpr_eval: casts, members, indexing, sizeof, operators over the
 * fake kernel's DWARF types and symbols), and the value printed as `p` prints it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "../unit/fake_session.h"
#include "lang/c_expr.h"
#include "lang/c_print.h"

static kd_session *S;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	S = fake_session();
	if (!S) {
		fprintf(stderr, "fuzz_c_expr: no fake kernel session\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return -1;
	struct cvalue v;
	if (cexpr_eval(S, text, &v) == 0) {
		uint64_t u;
		cvalue_to_u64(S, &v, &u);
		struct kd_sbuf b = {0};
		struct cprint_opts o = {0, 0};
		cprint_value(S, &b, &v, &o);
		kd_sbuf_free(&b);
	}
	kd_clear_error(S);
	free(text);
	return 0;
}
