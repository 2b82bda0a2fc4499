#!/usr/bin/env bash
# bench/slab.sh [-n RUNS] [-k KDIVE] [-d DUMP-ID] [-q]
#
# Issue 10's slab benchmark: `kmem -s` and `kmem -S kmalloc-64` in kdive against crash 8.0.6 on
# one lab dump (default bookworm-kaslr-qemu-elf; -d trixie-kaslr-qemu-elf for 6.12).
#   1. parity: each command once in both tools, outputs kept in a temporary directory and
#      compared (a difference is reported, not fatal).
#   2. timing: bench/compare.sh, RUNS runs (default 5) of each tool, alternating; each command
#      file repeats its command (kmem -s 20 times, kmem -S kmalloc-64 20 times) so that the
#      time per command stands well above crash's start-up noise.
#   3. the verdict of issue 10: kdive at least 10x faster than crash per command, as measured
#      inside the tools (wall and CPU; see compare.sh), with the net-of-start-up ratios beside.
# -q: quick (1 run, fewer repeats), to try the script. The machine may be shared: prefer the
# CPU-time ratios when the wall times are noisy.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=5 kdive="$top/build/normal/kdive" id=bookworm-kaslr-qemu-elf quick=0
while getopts n:k:d:q o; do
	case $o in
	n) runs=$OPTARG ;;
	k) kdive=$OPTARG ;;
	d) id=$OPTARG ;;
	q) quick=1 ;;
	*) sed -n '2,15p' "$0"; exit 2 ;;
	esac
done
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal, or -k)"
kdive=$(realpath "$kdive")
reps=("20*kmem -s" "20*kmem -S kmalloc-64")
if [ "$quick" = 1 ]; then
	runs=1
	reps=("5*kmem -s" "5*kmem -S kmalloc-64")
fi
row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
[ -n "$row" ] || lab_die "no dump $id in $LAB/manifest.tsv"
dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row")
echo "dump: $id ($dump)"
echo "kdive: $kdive"

# ---- 1. parity
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/kdive" "$out/crash"
cmds=("kmem -s" "kmem -S kmalloc-64")
slug() { printf '%s' "$1" | tr -c 'A-Za-z0-9' '_'; }
for c in "${cmds[@]}"; do printf '%s > %s.out\n' "$c" "$(slug "$c")"; done >"$out/cmds"
echo q >>"$out/cmds"
(cd "$out/kdive" && KDIVE_HISTFILE=/dev/null "$kdive" -s -i ../cmds "$vmlinux" "$dump" </dev/null >stdout 2>stderr) ||
	echo "kdive exited with status $?"
(cd "$out/crash" && lab_crash -s --no_crashrc "$vmlinux" "$dump" -i ../cmds </dev/null >stdout 2>stderr) ||
	echo "crash exited with status $?"
echo "parity:"
for c in "${cmds[@]}"; do
	f=$(slug "$c").out
	if cmp -s "$out/kdive/$f" "$out/crash/$f"; then
		printf '  %-20s same (%d lines)\n' "$c" "$(wc -l <"$out/crash/$f")"
	else
		d=$(diff "$out/kdive/$f" "$out/crash/$f" || true)
		printf '  %-20s DIFFERS: %d lines only in kdive, %d only in crash\n' "$c" \
			"$(grep -c '^<' <<<"$d" || true)" "$(grep -c '^>' <<<"$d" || true)"
	fi
done

# ---- 2. timing
echo
"$top/bench/compare.sh" -n "$runs" -k "$kdive" -d "$id" "${reps[@]}" | tee "$out/timing.txt"

# ---- 3. verdict: the "in-process" (and "net") lines after each command's line
echo
awk 'function x(a, b) { return (a > 0) ? b / a : 0 }
	$1 == "net," || $1 == "in-process," {
		w[$1] = x($3, $4)
		c[$1] = x($6, $7)
		if ($1 == "in-process," && cmd != "start") {
			v = (w[$1] >= 10 && c[$1] >= 10) ? "ok (>= 10x)" : "BELOW 10x"
			printf("issue 10, %-20s kdive vs crash 8.0.6, in-process: %6.1fx (wall) %6.1fx (cpu): %s", cmd, w[$1], c[$1], v)
			printf("   [net of start-up: %.1fx wall, %.1fx cpu]\n", w["net,"], c["net,"])
		}
		next
	}
	NR > 3 { cmd = substr($0, 1, 24); sub(/ +$/, "", cmd) }' "$out/timing.txt"
