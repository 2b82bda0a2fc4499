/* Helpers shared by the harnesses on the fake kernel's session (fuzz.h). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

char *fuzz_text(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return NULL;
	char *t = malloc(size + 1);
	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}
