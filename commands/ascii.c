/* ascii: the ASCII chart, or the characters of hexadecimal values. */
#include <string.h>

#include <kdive/kdive.h>

/*
 * The chart as crash 8.0.6 prints it, byte for byte: rows are the low nibble, columns the
 * high one. crash's chart has '_' at 0x2d and '-' at 0x5f (the two swapped); users compare
 * with it, so kdive keeps that.
 */
static const char *const chart[] = {
	"",
	"      0    1   2   3   4   5   6   7",
	"    +-------------------------------",
	"  0 | NUL DLE  SP  0   @   P   '   p",
	"  1 | SOH DC1  !   1   A   Q   a   q",
	"  2 | STX DC2  \"   2   B   R   b   r",
	"  3 | ETX DC3  #   3   C   S   c   s",
	"  4 | EOT DC4  $   4   D   T   d   t",
	"  5 | ENQ NAK  %   5   E   U   e   u",
	"  6 | ACK SYN  &   6   F   V   f   v",
	"  7 | BEL ETB  `   7   G   W   g   w",
	"  8 |  BS CAN  (   8   H   X   h   x",
	"  9 |  HT  EM  )   9   I   Y   i   y",
	"  A |  LF SUB  *   :   J   Z   j   z",
	"  B |  VT ESC  +   ;   K   [   k   {",
	"  C |  FF  FS  ,   <   L   \\   l   |",
	"  D |  CR  GS  _   =   M   ]   m   }",
	"  E |  SO  RS  .   >   N   ^   n   ~",
	"  F |  SI  US  /   ?   O   -   o  DEL",
	"",
};

/* Names of the control characters 0x00-0x1f. */
static const char *const control[32] = {
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
	"VT",  "FF",  "CR",  "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
	"SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US",
};

static int cmd_ascii(kd_session *s, int argc, char **argv)
{
	if (argc < 2) {
		for (size_t i = 0; i < sizeof(chart) / sizeof(chart[0]); i++)
			kd_printf(s, "%s\n", chart[i]);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t v;
		if (kd_parse_hex_arg(s, argv[i], &v) < 0)
			return -1;
		/* Eight bytes, least significant first: the order they sit in memory. */
		kd_printf(s, "%016llx: ", (unsigned long long)v);
		for (int b = 0; b < 8; b++) {
			unsigned c = (unsigned)(v >> (8 * b)) & 0xff;
			if (c >= 0x20 && c < 0x7f)
				kd_printf(s, "%c", (char)c);
			else if (c < 0x20)
				kd_printf(s, "<%s>", control[c]);
			else if (c == 0x7f)
				kd_printf(s, "<DEL>");
			else
				kd_printf(s, "<%02x>", c);
		}
		kd_printf(s, "\n");
	}
	return 0;
}

const struct kd_command kd_cmd_ascii = {
	"ascii", cmd_ascii, "ascii [value ...]", "translate a hexadecimal string to ASCII",
	"With no argument, prints an ASCII chart: the row is a character's low hexadecimal\n"
	"digit, the column its high one (the chart is crash's, which shows '_' and '-'\n"
	"in each other's place).\n"
	"\n"
	"Each value, hexadecimal with or without 0x (at most 16 digits), is shown as the\n"
	"eight bytes it holds in memory, lowest address first: printable characters as\n"
	"they are, control characters by name (<NUL>, <LF>, <DEL>), others as <hex>.\n"
	"\n"
	"EXAMPLES\n"
	"  Read a string out of a word that rd printed:\n"
	"\n"
	"  kdive> ascii 62696c2f7273752f\n"
	"  62696c2f7273752f: /usr/lib\n"
	"\n"
	"  kdive> ascii 41424344\n"
	"  0000000041424344: DCBA<NUL><NUL><NUL><NUL>\n",
	0,
};
