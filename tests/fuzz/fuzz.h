/* What the fuzzing harnesses share (tests/fuzz/, doc/fuzzing.md). */
#ifndef KDIVE_FUZZ_H
#define KDIVE_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (malloc'ed); NULL when it holds a NUL byte, which no
 * command line or expression can (the shell reads lines of text). */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
