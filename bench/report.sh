#!/usr/bin/env bash
# bench/report.sh [-n RUNS] [-k KDIVE] [-d DUMP-ID]... [-f FORMAT]
#
# Issue 13's report benchmark: `kdive --report` on lab dumps, with a warm DWARF index (a
# cache directory of this run's own, filled by one untimed run per dump). The report has no
# crash counterpart: kdive is timed alone. RUNS runs (default 5) per dump and format; prints
# the median wall time, CPU time (user + system) and peak RSS of each, and the verdict of
# issue 13: at most 2 seconds per report. Default dumps: one per kernel and a compressed
# kdump (bookworm-kaslr-qemu-elf, trixie-kaslr-mdf-zlib, rt-states-qemu-elf,
# trixie-states-qemu-elf), and two panic boots ($LAB/panics/: bookworm-oops-qemu-elf,
# trixie-hung-qemu-elf); default formats: text, markdown and json. Not a test.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=5 kdive="$top/build/normal/kdive" ids=() formats=()
while getopts n:k:d:f: o; do
	case $o in
	n) runs=$OPTARG ;;
	k) kdive=$OPTARG ;;
	d) ids+=("$OPTARG") ;;
	f) formats+=("$OPTARG") ;;
	*) sed -n '2,10p' "$0"; exit 2 ;;
	esac
done
[ ${#ids[@]} -gt 0 ] || ids=(bookworm-kaslr-qemu-elf trixie-kaslr-mdf-zlib rt-states-qemu-elf trixie-states-qemu-elf
	bookworm-oops-qemu-elf trixie-hung-qemu-elf)
[ ${#formats[@]} -gt 0 ] || formats=(text markdown json)
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal, or -k)"
kdive=$(realpath "$kdive")
[ -x /usr/bin/time ] || lab_apt time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cache"
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
worst=0
printf '%-28s %-9s %8s %8s %9s\n' DUMP FORMAT WALL_S CPU_S PEAK_MB
for id in "${ids[@]}"; do
	row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
	if [ -n "$row" ]; then
		dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row")
	elif [ -f "$LAB/panics/${id%-qemu-elf}/qemu.elf" ]; then # a panic boot's (boot.sh KERNEL panic)
		dump="$LAB/panics/${id%-qemu-elf}/qemu.elf" vmlinux="$LAB/kernels/${id%%-*}/vmlinux"
	else
		echo "no dump $id in $LAB/manifest.tsv or $LAB/panics: skipped" >&2
		continue
	fi
	[ -f "$dump" ] || { echo "$id: $dump is missing: skipped" >&2; continue; }
	XDG_CACHE_HOME="$work/cache" "$kdive" --report "$vmlinux" "$dump" >/dev/null 2>&1 || true # the index, and the page cache
	for fmt in "${formats[@]}"; do
		: >"$work/times"
		for _ in $(seq "$runs"); do
			/usr/bin/time -f '%e %U %S %M' -o "$work/t" env XDG_CACHE_HOME="$work/cache" \
				"$kdive" --report --format "$fmt" "$vmlinux" "$dump" >/dev/null 2>&1 || true
			cat "$work/t" >>"$work/times"
		done
		wall=$(awk '{print $1}' "$work/times" | median)
		cpu=$(awk '{print $2 + $3}' "$work/times" | median)
		rss=$(awk '{print $4 / 1024}' "$work/times" | median)
		printf '%-28s %-9s %8s %8s %9.1f\n' "$id" "$fmt" "$wall" "$cpu" "$rss"
		worst=$(awk -v a="$worst" -v b="$wall" 'BEGIN {print (b > a) ? b : a}')
	done
done
echo "slowest median: ${worst} s per report; issue 13's goal: at most 2 s ($(awk -v w="$worst" 'BEGIN {print (w <= 2) ? "met" : "NOT met"}'))"
