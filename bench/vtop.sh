#!/usr/bin/env bash
# bench/vtop.sh [-n RUNS] [-d DUMP-ID] [-k KDIVE]
#
# vtop of 10,000 addresses in kdive and in crash 8.0.6 (issue 10), through bench/compare.sh
# on one lab dump (default bookworm-kaslr-qemu-elf), alternating, RUNS runs each (default 3):
#   kernel  100 x `vtop` of 50 kernel addresses: pages spread over the direct map (ptov of
#           physical addresses across memory), kernel text and data (symbols), the panic
#           task's stack (vmalloc) and the vmemmap (struct pages);
#   user    100 x `vtop -c PID` of 50 pages of the mapper's anonymous marker mapping (facts.json).
# Each line is a full vtop: the walk, the entry decoded, the VMA, the struct page line. Both
# tools print the same text for these (the e2e tests compare them); output goes to /dev/null.
# compare.sh's "in-process, each" row is the time of one line of 50 translations.
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
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
[ -x "$kdive" ] || lab_die "no kdive at $kdive (scripts/build normal, or -k)"
lab_apt jq
row=$(awk -F'\t' -v id="$id" '$1 == id' "$LAB/manifest.tsv")
[ -n "$row" ] || lab_die "no dump $id in $LAB/manifest.tsv"
dump=$(cut -f5 <<<"$row") vmlinux=$(cut -f6 <<<"$row") facts=$(cut -f7 <<<"$row")
pid=$(jq -r '.processes[] | select(.role == "mapper") | .pid' "$facts")
anon=$(jq -r '.processes[] | select(.role == "mapper") | .maps[] | select(.kind == "anon") | .addr' "$facts")
mem_kb=$(jq -r '.mem_total_kb' "$facts")
[ -n "$pid" ] && [ -n "$anon" ] || lab_die "$facts names no mapper with an anonymous mapping"

# Kernel addresses, found with kdive itself: the direct map's base (ptov 0), symbols, the panic
# task's stack (bt's frames) and a struct page in the middle of the vmemmap.
q() { printf '%s\n' "$@" | "$kdive" -s "$vmlinux" "$dump" 2>/dev/null || true; }
base=$(q 'ptov 0' | awk 'NR == 2 {print $1}')
addrs=()
for i in $(seq 0 29); do
	addrs+=("$(printf '%x' $((0x$base + (mem_kb * 1024 / 30) * i + i * 8)))")
done
for s in init_task jiffies linux_banner schedule panic do_syscall_64 vfs_read vfs_write kmalloc_caches init_mm; do
	a=$(q "sym $s" | awk '{print $1; exit}')
	[ -n "$a" ] && addrs+=("$a")
done
for a in $(q 'bt' | sed -n 's/^ *#[0-9]* \[\([0-9a-f]*\)\].*/\1/p' | head -5); do addrs+=("$a"); done
vmemmap=$(q 'rd vmemmap_base 1' | awk '{print $2; exit}')
[ -n "$vmemmap" ] && addrs+=("$(printf '%x' $((0x$vmemmap + (mem_kb / 8) * 64)))")
while [ "${#addrs[@]}" -lt 50 ]; do addrs+=("${addrs[${#addrs[@]} % 30]}"); done
kline="vtop ${addrs[*]:0:50}"
uaddrs=()
for i in $(seq 0 49); do uaddrs+=("$(printf '%x' $((anon + (i % 64) * 4096 + i * 16)))"); done
uline="vtop -c $pid ${uaddrs[*]}"
printf 'kernel addresses: %s\nuser addresses (pid %s): %s ...\n\n' "${addrs[*]:0:50}" "$pid" "${uaddrs[*]:0:4}"
"$top/bench/compare.sh" -n "$runs" -d "$id" -k "$kdive" "100*$kline" "100*$uline"
