#!/usr/bin/env bash
# The live boot's inputs (boot.sh <bookworm|trixie> live --kdive PATH): kdive run inside the
# guest on its own running kernel, through /proc/kcore.
#
#   initramfs-live.cpio.gz  the lab's initramfs followed by a second cpio archive with
#                           /live-init (tests/lab/live/live-init, the boot's rdinit), as
#                           panics.sh adds /panic-init, so the other boots' initramfs stays
#   live-disk.img           a raw ext4 image (mkfs.ext4 -d), attached read-only as a virtio
#                           disk, holding
#                             bin/kdive             the kdive given
#                             lib/                  every shared library ldd lists, and the
#                                                   dynamic loader
#                             vmlinux               the kernel's debug vmlinux
#                             cache/kdive/index/    kdive's DWARF index of it, made here on
#                                                   the host, so the TCG guest only reads it
#                                                   (XDG_CACHE_HOME=<disk>/cache)
# Both in $LAB/build/live/<kernel>/, rebuilt when their inputs changed (<output>.inputs: the hash
# of kdive, its libraries, the vmlinux's stamp, live-init, this script and the base
# initramfs). boot.sh puts those hashes in the boot's signature: a new kdive boots again.
#
# Usage: live.sh <bookworm|trixie> KDIVE
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

[ $# -eq 2 ] || lab_die "usage: live.sh <bookworm|trixie> KDIVE"
kernel=$1
KDIVE=$(readlink -f "$2")
case "$kernel" in bookworm | trixie) ;; *) lab_die "live.sh: no live boot for kernel '$kernel'" ;; esac
[ -x "$KDIVE" ] || lab_die "live.sh: $2 is not an executable"
KDIR=$(lab_kernel_dir "$kernel")
base="$KDIR/initramfs.cpio.gz"
[ -s "$base" ] || lab_die "$base missing: run guest.sh $kernel normal"
OUT="$LAB/build/live/$kernel"
mkdir -p "$OUT"
lab_need_pkgs cpio gzip e2fsprogs

# The libraries kdive loads: ldd's "name => /path" and the loader's own line.
mapfile -t libs < <(ldd "$KDIVE" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
[ "${#libs[@]}" -gt 0 ] || lab_die "live.sh: ldd lists no library of $KDIVE"
loader=$(ldd "$KDIVE" | awk '$1 ~ /^\/.*ld-linux/ {print $1}')
[ -n "$loader" ] || lab_die "live.sh: no dynamic loader in ldd's output"

# The disk: rebuilt when kdive, a library, the kernel or this script changed.
disk="$OUT/live-disk.img"
dh=$({
	sha256sum <"$KDIVE"
	for l in "${libs[@]}"; do printf '%s ' "$l"; sha256sum <"$l"; done
	cat "$KDIR/.stamp" "$0"
	stat -c '%s %Y' "$KDIR/vmlinux"
} | sha256sum | cut -d' ' -f1)
if [ -s "$disk" ] && [ "$(cat "$disk.inputs" 2>/dev/null)" = "$dh" ]; then
	lab_log "$kernel: live-disk.img is up to date"
else
	st=$(mktemp -d "$OUT/stage.XXXXXX")
	trap 'rm -rf "$st"' EXIT
	mkdir -p "$st/bin" "$st/lib" "$st/cache"
	cp "$KDIVE" "$st/bin/kdive"
	for l in "${libs[@]}"; do cp -L "$l" "$st/lib/"; done
	cp "$KDIR/vmlinux" "$st/vmlinux"
	# The DWARF index, made by this kdive on the host from a dump of the same kernel.
	dump="$LAB/dumps/$kernel-kaslr/qemu.elf"
	[ -s "$dump" ] || lab_die "$dump missing: run boot.sh $kernel kaslr"
	lab_log "$kernel: indexing the vmlinux for the live disk"
	echo "sys" | XDG_CACHE_HOME="$st/cache" "$st/bin/kdive" -s "$st/vmlinux" "$dump" >/dev/null ||
		lab_die "$kernel: kdive did not open $dump"
	ls "$st/cache/kdive/index/"*.idx >/dev/null 2>&1 || lab_die "$kernel: kdive wrote no index cache"
	mb=$(($(du -sm "$st" | cut -f1) * 11 / 10 + 64))
	rm -f "$disk.tmp"
	mkfs.ext4 -q -F -L kdive-live -d "$st" "$disk.tmp" "${mb}M" || lab_die "$kernel: mkfs.ext4 failed"
	mv "$disk.tmp" "$disk"
	echo "$dh" >"$disk.inputs"
	rm -rf "$st"
	trap - EXIT
	lab_log "$kernel: live-disk.img $mb MiB"
fi

out="$OUT/initramfs-live.cpio.gz"
h=$(cat "$0" "$base" "$LAB_SRC/live/live-init" | sha256sum | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$h" ]; then
	lab_log "$kernel: initramfs-live.cpio.gz is up to date"
	exit 0
fi
r=$(mktemp -d "$OUT/root.XXXXXX")
trap 'rm -rf "$r"' EXIT
install -m 755 "$LAB_SRC/live/live-init" "$r/live-init"
printf '%s\n' "$loader" >"$r/live-loader"
{
	cat "$base"
	(cd "$r" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n
} >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$h" >"$out.inputs"
lab_log "$kernel: initramfs-live.cpio.gz $(du -k "$out" | cut -f1) KiB"
