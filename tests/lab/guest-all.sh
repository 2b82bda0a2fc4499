#!/usr/bin/env bash
# The guest side of the dump lab, all of it: kernels, then the QEMU boots of both kernels
# (kaslr, nokaslr, novmcoreinfo), then the genuine kdump of both kernels. Every step is
# skipped when its output exists; --force redoes the boots and kdumps (not the kernels:
# run kernels.sh --force for that).
#
# Usage: guest-all.sh [--force] [bookworm|trixie]...     (default: both kernels)
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

force=()
kernels=()
for a; do
	case "$a" in
	--force) force=(--force) ;;
	bookworm | trixie) kernels+=("$a") ;;
	*) lab_die "usage: guest-all.sh [--force] [bookworm|trixie]..." ;;
	esac
done
# shellcheck disable=SC2206
[ "${#kernels[@]}" -gt 0 ] || kernels=($LAB_KERNELS)

t0=$SECONDS
"$LAB_SRC/kernels.sh" "${kernels[@]}"
for k in "${kernels[@]}"; do
	for b in $LAB_BOOTS; do
		"$LAB_SRC/boot.sh" "$k" "$b" "${force[@]}"
	done
done
for k in "${kernels[@]}"; do
	"$LAB_SRC/kdump.sh" "$k" "${force[@]}"
done
lab_log "guest lab done in $(lab_elapsed "$t0"): $(du -sh "$LAB/dumps" | cut -f1) in $LAB/dumps"
