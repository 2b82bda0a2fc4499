#!/usr/bin/env bash
# bench/compare.sh [-n RUNS] [-r REPEAT] [-d DUMP-ID | -D DUMP -V VMLINUX] [-k KDIVE] COMMAND...
#
# Runs kdive and crash 8.0.6 (the lab's reference) on the same lab dump, alternating,
# RUNS times each (default 5), and prints the median wall time, CPU time (user + system)
# and peak memory of:
#   start  a command file holding only `q` (start-up to the first prompt)
#   each COMMAND, as a command file of REPEAT lines `COMMAND > /dev/null` then `q`
#          (REPEAT: -r, default 1; an argument "N*COMMAND" repeats that one N times),
#          and the time of one COMMAND, two ways:
#            net of start-up   (command file - start) / REPEAT, medians of whole runs
#            in-process        the time inside the tool from before the first COMMAND to
#                              after the last, / REPEAT: the file brackets the COMMANDs with
#                              `!echo ...` lines (both tools run `!` lines through the shell)
#                              that note the date and the tool's own utime+stime from
#                              /proc/$PPID/stat; no start-up noise (10 ms CPU ticks)
# The dump: -d a manifest id (default bookworm-kaslr-qemu-elf), or -D/-V any dump file and
# its vmlinux (the benchmark dumps of bench/tasks.sh are not in the manifest).
# Not a test: it asserts nothing. Example:
#   bench/compare.sh -d bookworm-kdump-kdump-zlib ps 'foreach bt' 'log'
#   bench/compare.sh -D dump.elf -V vmlinux '50*ps' '5*foreach bt'
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=5 repeat=1 id=bookworm-kaslr-qemu-elf kdive="$top/build/normal/kdive" dump='' vmlinux=''
while getopts n:r:d:D:V:k: o; do
	case $o in
	n) runs=$OPTARG ;;
	r) repeat=$OPTARG ;;
	d) id=$OPTARG ;;
	D) dump=$OPTARG ;;
	V) vmlinux=$OPTARG ;;
	k) kdive=$OPTARG ;;
	*) sed -n '2,22p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal)"
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

tck=$(getconf CLK_TCK)
# The bracket line of a command file: appends "date utime stime" of the tool to $work/marks.
mark="!echo \"\$(date +%s.%N) \$(cut -d' ' -f14,15 /proc/\$PPID/stat)\" >> $work/marks"

# measure TOOL CMDFILE: prints "wall_seconds cpu_seconds kilobytes in_wall in_cpu" (in_*: "-"
# without two marks)
measure() {
	local tool=$1 file=$2
	rm -f "$work/marks"
	if [ "$tool" = kdive ]; then
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" env KDIVE_HISTFILE=/dev/null "$kdive" -s -i "$file" "$vmlinux" "$dump" </dev/null >/dev/null 2>&1 || true
	else
		/usr/bin/time -f '%e %U %S %M' -o "$work/t" bash -c '. "$1/tests/lab/tools.sh"; shift; lab_crash "$@"' _ "$top" \
			-s --no_crashrc "$vmlinux" "$dump" -i "$file" </dev/null >/dev/null 2>&1 || true
	fi
	{
		tail -n1 "$work/t"
		cat "$work/marks" 2>/dev/null || true
	} | awk -v tck="$tck" 'NR == 1 {w = $1; c = $2 + $3; m = $4} NR > 1 {t[NR - 1] = $1; u[NR - 1] = $2 + $3}
		END {if (NR == 3) printf "%s %.2f %s %.4f %.4f\n", w, c, m, t[2] - t[1], (u[2] - u[1]) / tck
			else printf "%s %.2f %s - -\n", w, c, m}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

bench_one() { # CMDFILE -> sets k_s k_c k_m c_s c_c c_m (wall, cpu, KiB), k_iw k_ic c_iw c_ic (in-process)
	local file=$1 i
	: >"$work/k" && : >"$work/c"
	for ((i = 0; i < runs; i++)); do
		measure kdive "$file" >>"$work/k"
		measure crash "$file" >>"$work/c"
	done
	k_s=$(cut -d' ' -f1 "$work/k" | median) k_c=$(cut -d' ' -f2 "$work/k" | median) k_m=$(cut -d' ' -f3 "$work/k" | median)
	c_s=$(cut -d' ' -f1 "$work/c" | median) c_c=$(cut -d' ' -f2 "$work/c" | median) c_m=$(cut -d' ' -f3 "$work/c" | median)
	k_iw=$(cut -d' ' -f4 "$work/k" | median) k_ic=$(cut -d' ' -f5 "$work/k" | median)
	c_iw=$(cut -d' ' -f4 "$work/c" | median) c_ic=$(cut -d' ' -f5 "$work/c" | median)
}

printf 'dump %s\n%d runs each, alternating, medians; wall and cpu (user+sys) in seconds, peak RSS in MB\n' "$id" "$runs"
fmt='%-24s %6s %9s %9s %7s %9s %9s %7s %9s %9s %7s\n'
# shellcheck disable=SC2059
printf "$fmt" what repeat kdive_s crash_s ratio kdive_cpu crash_cpu ratio kdive_MB crash_MB ratio
row() { # NAME REPEAT K_S C_S K_C C_C [K_M C_M]
	awk -v n="$1" -v r="$2" -v k="$3" -v c="$4" -v kc="$5" -v cc="$6" -v km="${7:-}" -v cm="${8:-}" 'function q(a, b) {
		return (a > 0) ? sprintf("%.1fx", b / a) : "-" } BEGIN {
		line = sprintf("%-24s %6s %9.4f %9.4f %7s %9.4f %9.4f %7s", n, r, k, c, q(k, c), kc, cc, q(kc, cc))
		if (km != "") line = line sprintf(" %9.1f %9.1f %7s", km / 1024, cm / 1024, q(km, cm))
		print line }'
}
# net of start-up, per command: (TOTAL - START) / REPEAT (a negative difference, noise, is 0)
net() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN {d = (a - b) / r; printf "%.4f", (d > 0 ? d : 0)}'; }
printf 'q\n' >"$work/start.cmd"
bench_one "$work/start.cmd"
ks0=$k_s cs0=$c_s kc0=$k_c cc0=$c_c
row start - "$k_s" "$c_s" "$k_c" "$c_c" "$k_m" "$c_m"
for arg in "$@"; do
	r=$repeat cmd=$arg
	if [[ "$arg" =~ ^([0-9]+)\*(.+)$ ]]; then r=${BASH_REMATCH[1]} cmd=${BASH_REMATCH[2]}; fi
	[ "$r" -ge 1 ] || lab_die "bad repeat count in '$arg'"
	printf '%s\n' "$mark" >"$work/cmd.cmd"
	for ((i = 0; i < r; i++)); do printf '%s > /dev/null\n' "$cmd" >>"$work/cmd.cmd"; done
	printf '%s\nq\n' "$mark" >>"$work/cmd.cmd"
	bench_one "$work/cmd.cmd"
	row "$cmd" "$r" "$k_s" "$c_s" "$k_c" "$c_c" "$k_m" "$c_m"
	row "  net, each" "" "$(net "$k_s" "$ks0" "$r")" "$(net "$c_s" "$cs0" "$r")" "$(net "$k_c" "$kc0" "$r")" "$(net "$c_c" "$cc0" "$r")"
	row "  in-process, each" "" "$(net "$k_iw" 0 "$r")" "$(net "$c_iw" 0 "$r")" "$(net "$k_ic" 0 "$r")" "$(net "$c_ic" 0 "$r")"
done
