#!/usr/bin/env bash
# bench/compare.sh [-n RUNS] [-d DUMP-ID] [-k KDIVE] COMMAND...
#
# Runs kdive and crash 8.0.6 (the lab's reference) on the same lab dump, alternating,
# RUNS times each (default 5), and prints the median wall time and peak memory of:
#   start  a command file holding only `q` (start-up to the first prompt)
#   each COMMAND, as a command file `COMMAND > /dev/null` then `q`, and net of start-up.
# Not a test: it asserts nothing. Example:
#   bench/compare.sh -d bookworm-kdump-kdump-zlib ps 'foreach bt' 'log'
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
runs=5 id=bookworm-kaslr-qemu-elf kdive="$top/build/normal/kdive"
while getopts n:d:k: o; do
	case $o in
	n) runs=$OPTARG ;;
	d) id=$OPTARG ;;
	k) kdive=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal)"
[ -x /usr/bin/time ] || lab_apt time
row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
[ -n "$row" ] || lab_die "no dump $id in $LAB/manifest.tsv"
dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure TOOL CMDFILE: prints "seconds kilobytes"
measure() {
	local tool=$1 file=$2
	if [ "$tool" = kdive ]; then
		/usr/bin/time -f '%e %M' -o "$work/t" env KDIVE_HISTFILE=/dev/null "$kdive" -s -i "$file" "$vmlinux" "$dump" </dev/null >/dev/null 2>&1 || true
	else
		/usr/bin/time -f '%e %M' -o "$work/t" bash -c '. "$1/tests/lab/tools.sh"; shift; lab_crash "$@"' _ "$top" \
			-s --no_crashrc "$vmlinux" "$dump" -i "$file" </dev/null >/dev/null 2>&1 || true
	fi
	tail -n1 "$work/t"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

bench_one() { # NAME CMDFILE -> sets k_s k_m c_s c_m
	local name=$1 file=$2 i
	: >"$work/k" && : >"$work/c"
	for ((i = 0; i < runs; i++)); do
		measure kdive "$file" >>"$work/k"
		measure crash "$file" >>"$work/c"
	done
	k_s=$(cut -d' ' -f1 "$work/k" | median) k_m=$(cut -d' ' -f2 "$work/k" | median)
	c_s=$(cut -d' ' -f1 "$work/c" | median) c_m=$(cut -d' ' -f2 "$work/c" | median)
}

printf 'dump %s, %d runs each, medians\n' "$id" "$runs"
printf '%-22s %10s %10s %8s %12s %12s %8s\n' what kdive_s crash_s ratio kdive_MB crash_MB ratio
printf 'q\n' >"$work/start.cmd"
bench_one start "$work/start.cmd"
ks0=$k_s cs0=$c_s
awk -v n=start -v k="$k_s" -v c="$c_s" -v km="$k_m" -v cm="$c_m" 'BEGIN {
	printf "%-22s %10.3f %10.3f %7.1fx %12.1f %12.1f %7.1fx\n", n, k, c, c / (k > 0 ? k : 0.001), km / 1024, cm / 1024, cm / km }'
for cmd in "$@"; do
	printf '%s > /dev/null\nq\n' "$cmd" >"$work/cmd.cmd"
	bench_one "$cmd" "$work/cmd.cmd"
	awk -v n="$cmd" -v k="$k_s" -v c="$c_s" -v k0="$ks0" -v c0="$cs0" -v km="$k_m" -v cm="$c_m" 'BEGIN {
		kn = k - k0; cn = c - c0; if (kn < 0.001) kn = 0.001; if (cn < 0) cn = 0
		printf "%-22s %10.3f %10.3f %7.1fx %12.1f %12.1f %7.1fx\n", n, k, c, c / (k > 0 ? k : 0.001), km / 1024, cm / 1024, cm / km
		printf "%-22s %10.3f %10.3f %7.1fx   (net of start-up)\n", "  " n, kn, cn, cn / kn }'
done
