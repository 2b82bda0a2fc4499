#!/usr/bin/env bash
# tests/lab/corrupt.sh [KERNEL...]: the corrupt-dump suite's dumps (issue 15), derived from
# each kernel's kaslr boot by corrupt.py into $LAB/corrupt/<kernel>/ with cases.json, which
# tests/e2e/corrupt.py runs. Default kernels: bookworm and trixie (the bit flips shared
# between them: bookworm the even fields, trixie the odd ones). Each directory is cached
# under the signature of its inputs (.corrupt-inputs, as lab_boot_sig does for boots: the
# boot's .boot-inputs and .mdf.stamp, which change whenever its dumps do, and corrupt.py
# and this script); a current one is kept, another rebuilt from nothing.
# Translating kernel addresses needs a kdive: $KDIVE, or build/normal/kdive of this
# checkout (built with scripts/build normal when missing). About 2 GB and 20 s a kernel.
{
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/tools.sh"
. "$here/guest-lib.sh"
top="$(cd "$here/../.." && pwd)"

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(bookworm trixie)
kdive="${KDIVE:-$top/build/normal/kdive}"

for k in "${kernels[@]}"; do
	boot="$LAB/dumps/$k-kaslr"
	out="$LAB/corrupt/$k"
	vmlinux="$LAB/kernels/$k/vmlinux"
	[ -f "$boot/.boot-inputs" ] && [ -f "$boot/.mdf.stamp" ] || lab_die "corrupt: $boot has no finished boot and makedumpfile variants"
	# the bit flips shared: bookworm the even fields, trixie the odd ones, any other kernel all
	case "$k" in bookworm) part=0/2 ;; trixie) part=1/2 ;; *) part=0/1 ;; esac
	sig=$(lab_boot_sig "$k" "$part" -- "$here/corrupt.sh" "$here/corrupt.py" "$boot/.boot-inputs" "$boot/.mdf.stamp")
	if [ "$(cat "$out/.corrupt-inputs" 2>/dev/null)" = "$sig" ]; then
		lab_log "corrupt: $k is current ($(jq length "$out/cases.json") dumps)"
		continue
	fi
	if [ ! -x "$kdive" ]; then
		lab_log "corrupt: building kdive to translate addresses ($kdive)"
		"$top/scripts/build" normal >&2
	fi
	lab_log "corrupt: deriving $k's corrupted dumps into $out"
	rm -rf "$out" "$out.tmp"
	mkdir -p "$out.tmp"
	# corrupt.py writes the final paths into cases.json: build in place, then move
	python3 "$here/corrupt.py" --kdive "$kdive" --vmlinux "$vmlinux" --boot "$boot" --kernel "$k" \
		--part "$part" --out "$out.tmp"
	sed -i "s#$out.tmp/#$out/#g" "$out.tmp/cases.json"
	mv "$out.tmp" "$out"
	echo "$sig" >"$out/.corrupt-inputs"
	lab_log "corrupt: $k: $(jq length "$out/cases.json") dumps, $(du -sh "$out" | cut -f1)"
done
exit 0
}
