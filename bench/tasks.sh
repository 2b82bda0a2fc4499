#!/usr/bin/env bash
# bench/tasks.sh [-n RUNS] [-k KDIVE] [-K bookworm|trixie] [-q]
#
# Issue 5's benchmark: ps and foreach bt (and ps -a, foreach files) of kdive against
# crash 8.0.6 on a dump with a few thousand tasks, where start-up no longer hides the
# commands. Steps:
#   1. the lab's kernel and crash chroot (cached), and the benchmark dump: boot.sh KERNEL
#      many, built on demand into $LAB/bench/KERNEL-many/ (1500 sleeping processes and one
#      process of 1500 threads besides the usual workload; see tests/lab/boot.sh). It is
#      not in the lab's manifest, so no test sees it.
#   2. parity: each command once in kdive and in crash, outputs kept in
#      $LAB/bench/KERNEL-many/out/{kdive,crash}/ and compared (a difference is reported,
#      not fatal), and the number of tasks ps shows against the dump's facts.json.
#   3. timing: bench/compare.sh on that dump, RUNS runs (default 5) of each tool,
#      alternating; each command file repeats its command (ps 50 times, foreach bt 5,
#      ps -a 5, foreach files 20) so that net of start-up ((file - `q` alone) / repeats)
#      is well above the noise of crash's start-up. Medians of wall and CPU time and of
#      peak RSS.
#   4. the verdict of issue 5: kdive at least 5x faster than crash for ps and foreach bt,
#      per command without start-up, as measured inside the tools (wall and CPU time; see
#      compare.sh), with the net-of-start-up ratios beside it.
# -q: quick (1 run, fewer repeats), to try the script. The machine may be shared: prefer
# the CPU-time ratios when the wall times are noisy.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$top/tests/lab/tools.sh"
export LAB_CRASH_GDB_INDEX=0 # crash as users run it: Debian's vmlinux has no gdb index
runs=5 kdive="$top/build/normal/kdive" kernel=bookworm quick=0
while getopts n:k:K:q o; do
	case $o in
	n) runs=$OPTARG ;;
	k) kdive=$OPTARG ;;
	K) kernel=$OPTARG ;;
	q) quick=1 ;;
	*) sed -n '2,23p' "$0"; exit 2 ;;
	esac
done
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal, or -k)"
kdive=$(realpath "$kdive")
lab_apt jq time
reps=("50*ps" "5*foreach bt" "5*ps -a" "20*foreach files")
if [ "$quick" = 1 ]; then
	runs=1
	reps=("10*ps" "2*foreach bt" "2*ps -a" "5*foreach files")
fi

# ---- 1. the dump
"$top/tests/lab/kernels.sh" "$kernel"
"$top/tests/lab/chroot.sh" >/dev/null
dir="$LAB/bench/$kernel-many"
t0=$SECONDS
"$top/tests/lab/boot.sh" "$kernel" many
[ "$((SECONDS - t0))" -lt 5 ] || lab_log "benchmark dump built in $((SECONDS - t0)) s"
dump="$dir/qemu.elf" vmlinux="$LAB/kernels/$kernel/vmlinux"
sleepers=$(jq -r '.many.sleepers' "$dir/facts.json")
threads=$(jq -r '.many.threads' "$dir/facts.json")
echo "dump: $dump ($(du -h "$dump" | cut -f1)), $(jq -r .release "$dir/facts.json")"
echo "  kdive-many: $sleepers sleeping processes and one process of $threads threads (facts.json)"
echo "kdive: $kdive"

# ---- 2. parity
out="$dir/out"
rm -rf "$out"
mkdir -p "$out/kdive" "$out/crash"
cmds=("ps" "ps -a" "foreach bt" "foreach files")
slug() { printf '%s' "$1" | tr -c 'A-Za-z0-9' '_'; }
for c in "${cmds[@]}"; do printf '%s > %s.out\n' "$c" "$(slug "$c")"; done >"$out/cmds"
echo q >>"$out/cmds"
(cd "$out/kdive" && KDIVE_HISTFILE=/dev/null "$kdive" -s -i ../cmds "$vmlinux" "$dump" </dev/null >stdout 2>stderr) ||
	echo "kdive exited with status $? (see $out/kdive/stderr)"
(cd "$out/crash" && lab_crash -s --no_crashrc "$vmlinux" "$dump" -i ../cmds </dev/null >stdout 2>stderr) ||
	echo "crash exited with status $? (see $out/crash/stderr)"
tasks=$(($(wc -l <"$out/crash/ps.out") - 1))
echo "parity (outputs in $out/):"
echo "  crash's ps shows $tasks tasks; kdive's $(($(wc -l <"$out/kdive/ps.out") - 1))"
for c in "${cmds[@]}"; do
	f=$(slug "$c").out
	if cmp -s "$out/kdive/$f" "$out/crash/$f"; then
		printf '  %-14s same (%d lines)\n' "$c" "$(wc -l <"$out/crash/$f")"
	else
		d=$(diff "$out/kdive/$f" "$out/crash/$f" || true)
		printf '  %-14s DIFFERS: %d lines only in kdive, %d only in crash (diff %s/{kdive,crash}/%s)\n' "$c" \
			"$(grep -c '^<' <<<"$d" || true)" "$(grep -c '^>' <<<"$d" || true)" "$out" "$f"
	fi
done
for t in kdive crash; do
	[ ! -s "$out/$t/stderr" ] || { echo "  $t's stderr:"; head -n 5 "$out/$t/stderr" | sed 's/^/    /'; }
done

# ---- 3. timing
echo
"$top/bench/compare.sh" -n "$runs" -k "$kdive" -D "$dump" -V "$vmlinux" "${reps[@]}" | tee "$out/timing.txt"

# ---- 4. verdict: the "in-process" (and "net") lines after the ps and foreach bt lines
echo
awk 'function x(a, b) { return (a > 0) ? b / a : 0 }
	$1 == "net," || $1 == "in-process," {
		if (cmd == "ps" || cmd == "foreach bt") {
			w[$1] = x($3, $4)
			c[$1] = x($6, $7)
		}
		if ($1 == "in-process," && (cmd == "ps" || cmd == "foreach bt")) {
			v = (w[$1] >= 5 && c[$1] >= 5) ? "ok (>= 5x)" : "BELOW 5x"
			printf("issue 5, %-10s kdive vs crash 8.0.6, in-process: %5.1fx (wall) %5.1fx (cpu): %s", cmd, w[$1], c[$1], v)
			printf("   [net of start-up: %.1fx wall, %.1fx cpu]\n", w["net,"], c["net,"])
		}
		next
	}
	NR > 3 { cmd = substr($0, 1, 24); sub(/ +$/, "", cmd) }' "$out/timing.txt"
