/*
 * Harness 7: crash's integer expressions (kd_eval_int: numbers, symbols, operators) and the
 * number arguments commands take (kd_parse_hex_arg, kd_parse_num_arg), on the fake kernel's
 * session, whose symbols the expressions name.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "../unit/fake_session.h"
#include "target/session.h"
#include <kdive/expr.h>

static kd_session *S;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	S = fake_session();
	if (!S) {
		fprintf(stderr, "fuzz_crash_expr: no fake kernel session\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return -1;
	uint64_t v;
	kd_eval_int(S, text, &v);
	kd_parse_hex_arg(S, text, &v);
	kd_parse_num_arg(S, text, &v);
	kd_clear_error(S);
	free(text);
	return 0;
}
