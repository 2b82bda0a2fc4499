#!/usr/bin/env bash
# The initramfs of the panic boots (boot.sh <kernel> panic --panic KIND): the lab's
# initramfs followed by a second cpio archive with
#   /panic-init               tests/lab/panics/panic-init (the boot's rdinit)
#   /lib/kdive/kdive-crashme.ko  tests/lab/panics/kdive-crashme.c, built against the
#                             kernel's own headers (Debian's linux-headers-<release>)
#   /bin/kdive-hog            tests/lab/panics/kdive-hog.c, static
# so the other boots' initramfs, its /init and their inputs stay as they are.
# Output: $LAB/kernels/<kernel>/initramfs-panic.cpio.gz (rebuilt when its inputs changed:
# <output>.inputs holds their hash).
#
# The module is built with the compiler Debian built the kernel with: bookworm's (gcc 12)
# is the host's; trixie's (gcc 14) is not, so trixie's module is built in the lab's trixie
# chroot (chroot.sh) with gcc-14 and the headers installed there.
#
# Usage: panics.sh <bookworm|trixie>
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# shellcheck source=tools.sh
. "$(dirname "$0")/tools.sh" # LAB_CHROOT

[ $# -eq 1 ] || lab_die "usage: panics.sh <bookworm|trixie>"
kernel=$1
case "$kernel" in bookworm | trixie) ;; *) lab_die "panics.sh: no panic boots for kernel '$kernel'" ;; esac
KDIR=$(lab_kernel_dir "$kernel")
base="$KDIR/initramfs.cpio.gz"
out="$KDIR/initramfs-panic.cpio.gz"
[ -s "$base" ] || lab_die "$base missing: run guest.sh $kernel normal"
rel=$(cat "$KDIR/release")
src="$LAB_SRC/panics"
B="$LAB/build/panics/$kernel"
mkdir -p "$B"

# chroot_install PKG...: install PKGs in the lab's trixie chroot (chroot.sh), as chroot.sh
# installs crash there: apt and dpkg with /proc and /dev bound for this step alone.
chroot_install() {
	local CH="$LAB_CHROOT" missing=() p
	for p; do
		# shellcheck disable=SC2016 # ${Status} is dpkg-query's
		[ "$(chroot "$CH" dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	lab_log "$kernel: installing ${missing[*]} in the trixie chroot"
	cp -L /etc/resolv.conf "$CH/etc/resolv.conf" 2>/dev/null || true
	mount --bind /proc "$CH/proc"
	mount --bind /dev "$CH/dev"
	# kernels.sh's sources for trixie (with its updates and security suites, where a
	# kernel's headers may be), not the chroot's own (trixie main alone)
	[ -s "$LAB/apt-trixie/sources.list" ] || lab_die "$LAB/apt-trixie/sources.list missing: run kernels.sh trixie"
	cp "$LAB/apt-trixie/sources.list" "$CH/etc/apt/sources.list.d/kdive-kernels.list"
	local rc=0
	{ chroot "$CH" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get update -qq &&
		chroot "$CH" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
			apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$B/apt.log" 2>&1 || rc=$?
	chroot "$CH" apt-get clean || true
	umount "$CH/proc" 2>/dev/null || true
	umount "$CH/dev" 2>/dev/null || true
	[ "$rc" = 0 ] || { tail -n 30 "$B/apt.log" >&2; lab_die "$kernel: apt-get install in the chroot failed"; }
}

lab_need_pkgs gcc libc6-dev cpio gzip make kmod
hog="$LAB/build/panics/kdive-hog"
if [ ! -x "$hog" ] || [ "$src/kdive-hog.c" -nt "$hog" ] || [ "$LAB_SRC/workload/kdive-facts.h" -nt "$hog" ]; then
	lab_log "building kdive-hog"
	gcc -static -O2 -Wall -Wextra -I"$LAB_SRC/workload" -o "$hog.tmp.$$" "$src/kdive-hog.c"
	mv "$hog.tmp.$$" "$hog"
fi

# The module, rebuilt when its source or the kernel changed.
ko="$B/kdive-crashme.ko"
kh=$(cat "$src/kdive-crashme.c" "$src/Kbuild" "$KDIR/release" "$KDIR/vmlinuz" | sha256sum | cut -d' ' -f1)
if [ ! -s "$ko" ] || [ "$(cat "$ko.inputs" 2>/dev/null)" != "$kh" ]; then
	rm -rf "$B/mod"
	mkdir -p "$B/mod"
	cp "$src/kdive-crashme.c" "$src/Kbuild" "$B/mod/"
	if [ "$kernel" = bookworm ]; then
		lab_need_pkgs "linux-headers-$rel"
		lab_log "$kernel: building kdive-crashme.ko against linux-headers-$rel"
		make -s -C "/usr/src/linux-headers-$rel" M="$B/mod" modules >"$B/build.log" 2>&1 ||
			{ tail -n 30 "$B/build.log" >&2; lab_die "$kernel: kdive-crashme.ko did not build"; }
	else
		"$LAB_SRC/chroot.sh" >/dev/null
		chroot_install gcc-14 make "linux-headers-$rel"
		rm -rf "$LAB_CHROOT/tmp/kdive-crashme"
		cp -r "$B/mod" "$LAB_CHROOT/tmp/kdive-crashme"
		lab_log "$kernel: building kdive-crashme.ko against linux-headers-$rel (trixie chroot)"
		chroot "$LAB_CHROOT" /usr/bin/env LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			make -s -C "/usr/src/linux-headers-$rel" M=/tmp/kdive-crashme modules >"$B/build.log" 2>&1 ||
			{ tail -n 30 "$B/build.log" >&2; lab_die "$kernel: kdive-crashme.ko did not build"; }
		cp "$LAB_CHROOT/tmp/kdive-crashme/kdive-crashme.ko" "$B/mod/"
		rm -rf "$LAB_CHROOT/tmp/kdive-crashme"
	fi
	# the module must be for this kernel: its vermagic names the release
	modinfo -F vermagic "$B/mod/kdive-crashme.ko" | grep -q "^$rel " ||
		lab_die "$kernel: kdive-crashme.ko is not for $rel ($(modinfo -F vermagic "$B/mod/kdive-crashme.ko"))"
	mv "$B/mod/kdive-crashme.ko" "$ko"
	echo "$kh" >"$ko.inputs"
fi

h=$(cat "$0" "$base" "$src/panic-init" "$hog" "$ko" | sha256sum | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$h" ]; then
	lab_log "$kernel: $(basename "$out") is up to date"
	exit 0
fi
r=$(mktemp -d "$B/root.XXXXXX")
trap 'rm -rf "$r"' EXIT
mkdir -p "$r/bin" "$r/lib/kdive"
cp "$hog" "$r/bin/kdive-hog"
cp "$ko" "$r/lib/kdive/kdive-crashme.ko"
install -m 755 "$src/panic-init" "$r/panic-init"
lab_initramfs_layer "$base" "$r" "$out"
echo "$h" >"$out.inputs"
lab_log "$kernel: $(basename "$out") $(du -k "$out" | cut -f1) KiB"
