#!/usr/bin/env bash
# bench/startup.sh [-n RUNS] [-d DUMP-ID | -D DUMP -V VMLINUX] [-k KDIVE]
#
# Issue 4's benchmark: start-up to the first prompt of kdive and crash 8.0.6 (the
# lab's reference) on the same lab dump, as a command file holding only `q`:
#   cold   kdive without its DWARF index cache (a fresh, empty cache directory each
#          run: it scans the DWARF and writes the cache, as on a first start)
#   warm   kdive with the index cache of an earlier start (crash has no cache: its
#          start is the same in both rows)
# RUNS runs of each (default 5), kdive and crash alternating, after one untimed run of
# each so that both find vmlinux and the dump in the page cache. Prints the medians of
# wall time, CPU time (user + system) and peak RSS (/usr/bin/time), the ratios
# crash/kdive, and how they compare with the issue's goals (cold start at most a tenth
# of crash's, peak memory at most a third). Not a test: it asserts nothing.
# The dump: -d a manifest id (default bookworm-kaslr-qemu-elf), or -D/-V any dump file
# and its vmlinux. KDIVE: default build/normal/kdive.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=5 id=bookworm-kaslr-qemu-elf kdive="$top/build/normal/kdive" dump='' vmlinux=''
while getopts n:d:D:V:k: o; do
	case $o in
	n) runs=$OPTARG ;;
	d) id=$OPTARG ;;
	D) dump=$OPTARG ;;
	V) vmlinux=$OPTARG ;;
	k) kdive=$OPTARG ;;
	*) sed -n '2,18p' "$0"; exit 2 ;;
	esac
done
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal, or -k)"
kdive=$(realpath "$kdive")
[ -x /usr/bin/time ] || lab_apt time
if [ -n "$dump$vmlinux" ]; then
	{ [ -f "$dump" ] && [ -f "$vmlinux" ]; } || lab_die "-D and -V need an existing dump and vmlinux"
	id=$dump
else
	row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
	[ -n "$row" ] || lab_die "no dump $id in $LAB/manifest.tsv"
	dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'q\n' >"$work/q.cmd"
mkdir -p "$work/warm"

# run TOOL MODE: prints "wall_seconds cpu_seconds kilobytes" of one start
run() {
	local tool=$1 mode=$2 cache
	if [ "$tool" = kdive ]; then
		if [ "$mode" = cold ]; then
			rm -rf "$work/cold" && mkdir "$work/cold"
			cache=$work/cold
		else
			cache=$work/warm
		fi
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" env XDG_CACHE_HOME="$cache" KDIVE_HISTFILE=/dev/null \
			"$kdive" -s -i "$work/q.cmd" "$vmlinux" "$dump" </dev/null >"$work/out" 2>&1 ||
			lab_die "kdive failed on $dump: $(tail -n3 "$work/out")"
	else
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" bash -c '. "$1/tests/lab/tools.sh"; shift; lab_crash "$@"' _ "$top" \
			-s --no_crashrc "$vmlinux" "$dump" -i "$work/q.cmd" </dev/null >"$work/out" 2>&1 ||
			lab_die "crash failed on $dump: $(tail -n3 "$work/out")"
	fi
	tail -n1 "$work/t" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$work/$1" | median; }

echo "dump: $id"
echo "kdive: $kdive"
echo "warming the page cache (one untimed start of each; kdive's also writes the warm index cache)"
run kdive warm >/dev/null
run crash - >/dev/null
: >"$work/kcold" && : >"$work/kwarm" && : >"$work/crash"
for ((i = 1; i <= runs; i++)); do
	run kdive cold >>"$work/kcold"
	run crash - >>"$work/crash"
	run kdive warm >>"$work/kwarm"
	printf 'run %d of %d done\n' "$i" "$runs" >&2
done

printf '%d runs each, alternating; medians. wall and cpu (user+sys) in seconds, peak RSS in MB\n' "$runs"
fmt='%-6s %9s %9s %8s %9s %9s %8s %9s %9s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" start kdive_s crash_s ratio kdive_cpu crash_cpu ratio kdive_MB crash_MB ratio
report() { # MODE FILE
	awk -v m="$1" -v ks="$(col "$2" 1)" -v cs="$(col crash 1)" -v kc="$(col "$2" 2)" -v cc="$(col crash 2)" \
		-v km="$(col "$2" 3)" -v cm="$(col crash 3)" 'function q(a, b) { return a > 0 ? sprintf("%.1fx", b / a) : "-" }
	BEGIN { printf "%-6s %9.3f %9.3f %8s %9.3f %9.3f %8s %9.1f %9.1f %8s\n", m, ks, cs, q(ks, cs), kc, cc, q(kc, cc),
		km / 1024, cm / 1024, q(km, cm) }'
}
report cold kcold
report warm kwarm
awk -v ks="$(col kcold 1)" -v cs="$(col crash 1)" -v km="$(col kcold 3)" -v cm="$(col crash 3)" 'BEGIN {
	printf "issue 4 goals: cold start <= 1/10 of crash: %s (%.1fx); peak memory <= 1/3 of crash: %s (%.1fx)\n",
		(ks * 10 <= cs) ? "met" : "NOT met", cs / ks, (km * 3 <= cm) ? "met" : "NOT met", cm / km }'
