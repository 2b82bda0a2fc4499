/*
 * logf: the kernel log records of chosen severities or facilities, or a count of each.
 * `extend logf` adds the command. Built against <kdive/kdive.h> only, like any module:
 * the records come from kd_log_read(), which reads the printk ring buffer.
 */
#include <kdive/kdive.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[8] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
/* syslog's facility codes (the record stores the code; LOG_USER is 1, not 1 << 3). */
static const char *const facilities[24] = {
	"kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
	"uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
};

static int parse_name(const char *word, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(word, names[i]) == 0)
			return i;
	if (n == 8 && strcmp(word, "warn") == 0)
		return 4;
	if (n == 8 && strcmp(word, "error") == 0)
		return 3;
	char *end;
	long v = strtol(word, &end, 10);
	return *word && !*end && v >= 0 && v < n ? (int)v : -1;
}

/*
 * A comma-separated list into a bit set: names or numbers; for levels, NAME+ also takes every
 * more severe level and NAME- every less severe one.
 */
static int parse_set(kd_session *s, const char *arg, const char *const *names, int n, uint32_t *set, const char *what)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return kd_fail(s, "out of memory");
	int rc = 0;
	for (char *w = strtok_r(copy, ",", &save); w && rc == 0; w = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(w);
		char range = n == 8 && len > 1 && (w[len - 1] == '+' || w[len - 1] == '-') ? w[len - 1] : 0;
		if (range)
			w[len - 1] = '\0';
		int v = parse_name(w, names, n);
		if (v < 0) {
			rc = kd_fail(s, "unknown %s \"%s\" (%s ... %s, or 0 to %d)", what, w, names[0], names[n - 1], n - 1);
			break;
		}
		for (int i = range == '+' ? 0 : v; i <= (range == '-' ? n - 1 : v); i++)
			*set |= 1u << i;
	}
	free(copy);
	return rc;
}

static void print_record(kd_session *s, const struct kd_log_record *r, bool no_time, bool names)
{
	char prefix[96] = "";
	int pl = 0;
	if (!no_time)
		pl = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ", (unsigned long long)(r->ts_nsec / 1000000000ULL),
			      (unsigned long long)(r->ts_nsec % 1000000000ULL / 1000));
	if (names && pl >= 0 && (size_t)pl < sizeof(prefix))
		pl += snprintf(prefix + pl, sizeof(prefix) - (size_t)pl, "%s.%s: ",
			       r->facility < 24 ? facilities[r->facility] : "?", levels[r->level & 7]);
	if (pl < 0 || (size_t)pl >= sizeof(prefix))
		pl = (int)sizeof(prefix) - 1;
	kd_printf(s, "%s", prefix);
	/* Continuation lines of a multi-line record line up under its first line, as `log` does. */
	for (const char *t = r->text;;) {
		const char *nl = strchr(t, '\n');
		if (!nl) {
			kd_printf(s, "%s\n", t);
			break;
		}
		kd_printf(s, "%.*s\n%*s", (int)(nl - t), t, pl, "");
		t = nl + 1;
	}
}

static int cmd_logf(kd_session *s, int argc, char **argv)
{
	uint32_t lset = 0, fset = 0;
	bool no_time = false, names = false, count = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "-l") == 0 || strcmp(a, "-f") == 0) && i + 1 < argc) {
			bool lv = a[1] == 'l';
			if (parse_set(s, argv[++i], lv ? levels : facilities, lv ? 8 : 24, lv ? &lset : &fset,
				      lv ? "level" : "facility") < 0)
				return -1;
		} else if (strcmp(a, "-t") == 0) {
			no_time = true;
		} else if (strcmp(a, "-m") == 0) {
			names = true;
		} else if (strcmp(a, "-c") == 0) {
			count = true;
		} else {
			return kd_usage(s); /* the shell prints the synopsis */
		}
	}
	struct kd_log_records r;
	if (kd_log_read(s, &r) < 0)
		return -1;
	unsigned long counts[24][8] = {{0}};
	for (size_t i = 0; i < r.len; i++) {
		const struct kd_log_record *rec = &r.items[i];
		unsigned lv = rec->level & 7, fa = rec->facility;
		if ((lset && !(lset >> lv & 1)) || (fset && (fa >= 24 || !(fset >> fa & 1))))
			continue;
		if (count && fa < 24)
			counts[fa][lv]++;
		else if (!count)
			print_record(s, rec, no_time, names);
	}
	kd_log_records_free(&r);
	if (count) {
		kd_printf(s, "%-12s %-8s %8s\n", "FACILITY", "LEVEL", "RECORDS");
		for (int f = 0; f < 24; f++)
			for (int l = 0; l < 8; l++)
				if (counts[f][l])
					kd_printf(s, "%-12s %-8s %8lu\n", facilities[f], levels[l], counts[f][l]);
	}
	return 0;
}

static const struct kd_command commands[] = {
	{"logf", cmd_logf, "logf [-l level[,level...]] [-f facility[,facility...]] [-t] [-m] [-c]",
	 "kernel log records of chosen severities or facilities",
	 "Prints the kernel log records whose severity and facility are among those given\n"
	 "(all of them when none is), timestamped as `log` prints them.\n"
	 "  -l  severities: emerg alert crit err warning notice info debug, or 0 to 7;\n"
	 "      LEVEL+ adds every more severe one (err+ = emerg to err), LEVEL- every\n"
	 "      less severe one\n"
	 "  -f  facilities: kern user mail daemon auth syslog lpr news uucp cron authpriv\n"
	 "      ftp ntp security console solaris-cron local0 ... local7, or 0 to 23\n"
	 "      (the kernel's own records are kern; /dev/kmsg writers give theirs)\n"
	 "  -t  no timestamps\n"
	 "  -m  each record's facility and severity, as \"kern.err: \"\n"
	 "  -c  instead of the records, how many there are of each facility and severity\n"
	 "\n"
	 "EXAMPLES\n"
	 "  Records of severity err or worse:\n"
	 "    kdive> logf -l err+\n"
	 "    [  160.318470] Kernel panic - not syncing: sysrq triggered crash\n"
	 "  Messages from user space through /dev/kmsg:\n"
	 "    kdive> logf -f user,daemon -m\n",
	 KD_CMD_NEEDS_DUMP},
	{0},
};

KD_MODULE("logf", commands, NULL, NULL);
