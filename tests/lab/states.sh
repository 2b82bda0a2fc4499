#!/usr/bin/env bash
# The initramfs of the states boot (boot.sh <kernel> states, and the soak's boots): the
# lab's initramfs followed by a second cpio archive with
#   /states-init         tests/lab/states/states-init (the boot's rdinit)
#   /bin/kdive-states    tests/lab/states/kdive-states.c, static, built in $LAB/build/states/
# so the other boots' initramfs, its /init and their inputs stay as they are.
#   normal  $LAB/kernels/<kernel>/initramfs-states.cpio.gz        from initramfs.cpio.gz
#   kdump   $LAB/kernels/<kernel>/initramfs-kdump-states.cpio.gz  from initramfs-kdump.cpio.gz
# The base initramfs must exist (guest.sh <kernel> normal|kdump). An output is rebuilt
# when its inputs changed (<output>.inputs holds their hash).
#
# Usage: states.sh <kernel> <normal|kdump>
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

[ $# -eq 2 ] || lab_die "usage: states.sh <kernel> <normal|kdump>"
kernel=$1
lab_check_kernel_name "$kernel"
KDIR=$(lab_kernel_dir "$kernel")
case "$2" in
normal) base="$KDIR/initramfs.cpio.gz" out="$KDIR/initramfs-states.cpio.gz" ;;
kdump) base="$KDIR/initramfs-kdump.cpio.gz" out="$KDIR/initramfs-kdump-states.cpio.gz" ;;
*) lab_die "usage: states.sh <kernel> <normal|kdump>" ;;
esac
[ -s "$base" ] || lab_die "$base missing: run guest.sh $kernel $2"
lab_need_pkgs gcc libc6-dev cpio gzip

src="$LAB_SRC/states"
bin="$LAB/build/states/kdive-states"
mkdir -p "$LAB/build/states"
if [ ! -x "$bin" ] || [ "$src/kdive-states.c" -nt "$bin" ] || [ "$LAB_SRC/workload/kdive-facts.h" -nt "$bin" ]; then
	lab_log "building kdive-states"
	gcc -static -O2 -Wall -Wextra -pthread -o "$bin.tmp.$$" "$src/kdive-states.c"
	mv "$bin.tmp.$$" "$bin"
fi

h=$(cat "$0" "$base" "$src/states-init" "$bin" | sha256sum | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$h" ]; then
	lab_log "$kernel: $(basename "$out") is up to date"
	exit 0
fi
r=$(mktemp -d "$LAB/build/states/root.XXXXXX")
trap 'rm -rf "$r"' EXIT
mkdir -p "$r/bin"
cp "$bin" "$r/bin/kdive-states"
install -m 755 "$src/states-init" "$r/states-init"
lab_initramfs_layer "$base" "$r" "$out"
echo "$h" >"$out.inputs"
lab_log "$kernel: $(basename "$out") $(du -k "$out" | cut -f1) KiB"
