#!/usr/bin/env bash
# bench/search.sh [-n RUNS] [-d DUMP-ID] [-k KDIVE] [VALUE]
#
# search's throughput: `search -k -s PAGE_OFFSET -e HIGH_MEMORY VALUE`, the whole direct map,
# in kdive and crash 8.0.6 on the same lab dump (bench/compare.sh: alternating, RUNS each,
# default 3, medians, the time inside each tool between two marks, start-up excluded), and
# `dd` of as many bytes of the dump file, RUNS times; prints the MB/s of each and the ratios.
# VALUE defaults to the first 8 bytes of the mapper's anonymous marker (facts.json), else a
# value that is nowhere. The dump file is read through the page cache by all three: the first
# run warms it (run once more if the machine was cold). Not a test: it asserts nothing.
#   bench/search.sh -d bookworm-kaslr-qemu-elf
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=3 id=bookworm-kaslr-qemu-elf kdive="$top/build/normal/kdive"
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
row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
[ -n "$row" ] || lab_die "no dump $id in $LAB/manifest.tsv"
dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row") facts=$(cut -f7 <<<"$row")

value=${1:-}
if [ -z "$value" ]; then
	marker=$(jq -r '[.processes[]?.maps[]? | select(.kind == "anon") | .marker][0] // empty' "$facts" 2>/dev/null || true)
	if [ -n "$marker" ]; then
		value=$(printf '%s' "${marker:0:8}" | od -An -tx1 | awk '{for (i = NF; i >= 1; i--) printf "%s", $i}')
	else
		value=5a3c96e1f00dd00d
	fi
fi

# The direct map: page_offset_base to high_memory, as kdive reads them.
read -r start end < <(printf 'rd page_offset_base\nrd high_memory\n' |
	"$kdive" -s "$vmlinux" "$dump" 2>/dev/null | awk '{v[NR] = $2} END {print v[1], v[2]}')
[ -n "$start" ] && [ -n "$end" ] || lab_die "cannot read page_offset_base and high_memory from $dump"
bytes=$((0x$end - 0x$start))
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')
cmd="search -k -s $start -e $end $value"
printf 'dump %s (%s)\n%s: %s MB of direct map\n\n' "$id" "$dump" "$cmd" "$mb"

out=$("$top/bench/compare.sh" -n "$runs" -d "$id" -k "$kdive" "$cmd")
printf '%s\n\n' "$out"
read -r k_s c_s < <(awk '/^  in-process, each/ {print $3, $4}' <<<"$out")

# dd of the same number of bytes of the dump file, 1 MiB blocks, from its start.
count=$(((bytes + 1048575) / 1048576))
for ((i = 0; i < runs; i++)); do
	s=$(date +%s.%N)
	dd if="$dump" of=/dev/null bs=1M count="$count" status=none
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f\n", e - s}'
done | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}' >"${TMPDIR:-/tmp}/search-bench-dd.$$"
d_s=$(cat "${TMPDIR:-/tmp}/search-bench-dd.$$")
rm -f "${TMPDIR:-/tmp}/search-bench-dd.$$"

awk -v mb="$mb" -v k="$k_s" -v c="$c_s" -v d="$d_s" 'function rate(t) { return t > 0 ? mb / t : 0 }
BEGIN {
	printf "%-8s %10s %10s\n", "what", "seconds", "MB/s"
	printf "%-8s %10.4f %10.1f\n", "kdive", k, rate(k)
	printf "%-8s %10.4f %10.1f\n", "crash", c, rate(c)
	printf "%-8s %10.4f %10.1f\n", "dd", d, rate(d)
	if (k > 0) printf "kdive/dd throughput: %.2f (dd reads %.2fx as fast as kdive searches); kdive is %.1fx faster than crash\n",
		rate(k) / rate(d), rate(d) / rate(k), c / k
}'
