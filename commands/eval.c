/* eval: an integer expression in hexadecimal, decimal, octal and binary. */
#include <getopt.h>
#include <string.h>

#include <kdive/kdive.h>

static void print_value(kd_session *s, uint64_t v, bool bits)
{
	const char *unit = NULL;
	uint64_t scaled = 0;
	if (v && (v & ((1ULL << 30) - 1)) == 0)
		unit = "GB", scaled = v >> 30;
	else if (v && (v & ((1ULL << 20) - 1)) == 0)
		unit = "MB", scaled = v >> 20;
	else if (v && (v & ((1ULL << 10) - 1)) == 0)
		unit = "KB", scaled = v >> 10;
	kd_printf(s, "hexadecimal: %llx", (unsigned long long)v);
	if (unit)
		kd_printf(s, "  (%llu%s)", (unsigned long long)scaled, unit);
	kd_printf(s, "\n    decimal: %llu", (unsigned long long)v);
	if ((int64_t)v < 0)
		kd_printf(s, "  (%lld)", (long long)v);
	kd_printf(s, "\n      octal: %llo\n     binary: ", (unsigned long long)v);
	for (int i = 63; i >= 0; i--)
		kd_printf(s, "%c", (v >> i) & 1 ? '1' : '0');
	kd_printf(s, "\n");
	if (bits) {
		kd_printf(s, "   bits set:");
		for (int i = 63; i >= 0; i--)
			if ((v >> i) & 1)
				kd_printf(s, " %d", i);
		kd_printf(s, "\n");
	}
}

static int cmd_eval(kd_session *s, int argc, char **argv)
{
	bool bits = false;
	int c;
	while ((c = getopt(argc, argv, "+bl")) != -1) {
		if (c == 'b')
			bits = true;
		else if (c != 'l')
			return kd_usage(s);
	}
	if (optind >= argc)
		return kd_usage(s);
	char *text = NULL;
	size_t len = 0;
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = kd_xmalloc(len + 1);
	text[0] = '\0';
	for (int i = optind; i < argc; i++) {
		strcat(text, argv[i]);
		strcat(text, " ");
	}
	uint64_t v;
	int rc = kd_eval_int(s, text, &v);
	free(text);
	if (rc == 0)
		print_value(s, v, bits);
	return rc;
}

const struct kd_command kd_cmd_eval = {
	"eval", cmd_eval, "eval [-b][-l] (expression) | value", "evaluate an expression",
	"Evaluates an integer expression and prints it in hexadecimal, decimal, octal\n"
	"and binary, with KB/MB/GB short-hand for round values. Numbers are decimal,\n"
	"or hexadecimal when written with 0x or hex letters; k, m and g multiply by\n"
	"1024, 1 MiB and 1 GiB. Symbols stand for their address.\n"
	"Operators: + - * / % << >> & | ^ ~ and parentheses.\n"
	"  -b  also list the bit positions that are set\n"
	"  -l  accepted for crash compatibility (values are always 64-bit)\n"
	"\n"
	"EXAMPLES\n"
	"  kdive> eval (1 << 27)\n"
	"  hexadecimal: 8000000  (128MB)\n"
	"  kdive> eval jiffies + 8\n",
	0,
};
