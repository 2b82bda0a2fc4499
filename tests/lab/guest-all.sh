#!/usr/bin/env bash
# The guest side of the dump lab, all of it: kernels, then the QEMU boots of every kernel
# (bookworm and trixie: kaslr, nokaslr, novmcoreinfo, states; rt, the PREEMPT_RT kernel:
# states only), then the genuine kdump of bookworm and trixie, then their panic boots
# (oops, softlockup, oom: $LAB/panics/). Every step is skipped when
# its output exists; --force redoes the boots and kdumps (not the kernels: run
# kernels.sh --force for that).
#
# Usage: guest-all.sh [--force] [bookworm|trixie|rt]...     (default: all three kernels)
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

force=()
kernels=()
for a; do
	case "$a" in
	--force) force=(--force) ;;
	bookworm | trixie | rt) kernels+=("$a") ;;
	*) lab_die "usage: guest-all.sh [--force] [bookworm|trixie|rt]..." ;;
	esac
done
# shellcheck disable=SC2206
[ "${#kernels[@]}" -gt 0 ] || kernels=($LAB_KERNELS)

# With LAB_BOOTS_DONE=FILE, the dump directory of each boot (not the panic boots) is
# appended to FILE as soon as it is complete, so that tests/lab/build can make its
# variants and crash's references while the next boot runs.
boot_done() {
	if [ -n "${LAB_BOOTS_DONE:-}" ]; then printf '%s\n' "$LAB/dumps/$1" >>"$LAB_BOOTS_DONE"; fi
}

t0=$SECONDS
"$LAB_SRC/kernels.sh" "${kernels[@]}"
for k in "${kernels[@]}"; do
	for b in $(lab_boots "$k"); do
		"$LAB_SRC/boot.sh" "$k" "$b" "${force[@]}"
		boot_done "$k-$b"
	done
done
for k in "${kernels[@]}"; do
	if lab_has_kdump "$k"; then
		"$LAB_SRC/kdump.sh" "$k" "${force[@]}"
		boot_done "$k-kdump"
	fi
done
# A panic boot needs the kernel's headers from Debian's archive (panics.sh), which drops a
# kernel's packages some time after a newer one: a cached older kernel may have none. Its
# failure is reported, not fatal; tests/e2e/report.py says which panic boots it lacks.
for k in "${kernels[@]}"; do
	if lab_has_panics "$k"; then
		for p in $LAB_PANICS; do
			"$LAB_SRC/boot.sh" "$k" panic --panic "$p" "${force[@]}" ||
				lab_log "warning: the $k $p panic boot failed (above); the report's tests go without it"
		done
	fi
done
lab_log "guest lab done in $(lab_elapsed "$t0"): $(du -sh "$LAB/dumps" | cut -f1) in $LAB/dumps"
