#!/usr/bin/env bash
# Build the lab guest's initramfs for a kernel unpacked by kernels.sh, in $LAB/kernels/<kernel>/:
#   initramfs.cpio.gz        busybox-static, the workload (tests/lab/workload/*.c, static),
#                            the kernel's guest modules and /init (tests/lab/guest/init)
#   capture.cpio.gz          kdump capture kernel: busybox, modules, /init, makedumpfile
#   initramfs-kdump.cpio.gz  initramfs.cpio.gz plus kexec (and its libraries), the kernel
#                            image and capture.cpio.gz under /kdump/
#
# makedumpfile in the capture initramfs: the trixie chroot's 1.7.6 ($LAB/chroot/trixie,
# built by chroot.sh) when it is there, with its own loader and libraries under
# /opt/mdf/ (run as /opt/mdf/ld-linux-x86-64.so.2 --library-path /opt/mdf /opt/mdf/makedumpfile),
# otherwise the host's (bookworm 1.7.2). KDIVE_LAB_MAKEDUMPFILE=host forces the host's.
# The choice is written to capture.info.
#
# Each output is rebuilt only when its inputs changed (<output>.inputs holds their hash).
#
# Usage: guest.sh <bookworm|trixie|rt> [normal|kdump|all] [--force]     (default: normal)
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

kernel= what=normal force=0
for a; do
	case "$a" in
	--force) force=1 ;;
	normal | kdump | all) what=$a ;;
	bookworm | trixie | rt) kernel=$a ;;
	*) lab_die "usage: guest.sh <bookworm|trixie|rt> [normal|kdump|all] [--force]" ;;
	esac
done
[ -n "$kernel" ] || lab_die "usage: guest.sh <bookworm|trixie|rt> [normal|kdump|all] [--force]"
KDIR=$(lab_kernel_dir "$kernel")
CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices nousb panic=0 rdinit=/init"
WORKLOAD="kdive-files kdive-threads kdive-mapper kdive-proc"
CHROOT="$LAB/chroot/trixie"

lab_need_pkgs busybox-static cpio gzip gcc libc6-dev
[ "$what" = normal ] || lab_need_pkgs kexec-tools

# ---------------------------------------------------------------------------------
# The workload, built once for all kernels in $LAB/build/workload/.
build_workload() {
	local out="$LAB/build/workload" p
	mkdir -p "$out"
	for p in $WORKLOAD; do
		if [ ! -x "$out/$p" ] || [ "$LAB_SRC/workload/$p.c" -nt "$out/$p" ] ||
			[ "$LAB_SRC/workload/kdive-facts.h" -nt "$out/$p" ]; then
			lab_log "building $p"
			gcc -static -O2 -Wall -Wextra -pthread -o "$out/$p.tmp" "$LAB_SRC/workload/$p.c"
			mv "$out/$p.tmp" "$out/$p"
		fi
	done
}

# copy_libs BIN DESTROOT [LIBDIR]: copy BIN's shared libraries and loader (per the loader's
# --list) into DESTROOT at their own paths, or all into DESTROOT/LIBDIR when given.
# BIN may be inside the trixie chroot: then the chroot's loader and library path resolve it.
copy_libs() {
	local bin=$1 dest=$2 libdir=${3:-} ld lp=() p
	if [[ "$bin" == "$CHROOT"/* ]]; then
		ld="$CHROOT/lib64/ld-linux-x86-64.so.2"
		lp=(--library-path "$CHROOT/lib/x86_64-linux-gnu:$CHROOT/usr/lib/x86_64-linux-gnu")
	else
		ld=/lib64/ld-linux-x86-64.so.2
	fi
	"$ld" "${lp[@]}" --list "$bin" >/dev/null || lab_die "cannot resolve the libraries of $bin"
	while read -r p; do
		if [ -n "$libdir" ]; then
			mkdir -p "$dest/$libdir"
			cp -L "$p" "$dest/$libdir/$(basename "$p")"
		else
			mkdir -p "$dest$(dirname "${p#"$CHROOT"}")"
			cp -L "$p" "$dest${p#"$CHROOT"}"
		fi
	done < <(
		"$ld" "${lp[@]}" --list "$bin" |
			awk '$2 == "=>" && $3 ~ /^\// {print $3} $2 != "=>" && $1 ~ /^\// && $1 !~ /ld-linux/ {print $1}'
		echo "$ld"
	)
}

# base_root DIR: busybox with its applets, /dev/console, modules, /init.
base_root() {
	local r=$1 a
	mkdir -p "$r"/{bin,dev,proc,sys,tmp,etc,lib/modules}
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	mknod -m 600 "$r/dev/console" c 5 1
	mknod -m 666 "$r/dev/null" c 1 3
	cp "$KDIR"/modules/*.ko "$KDIR/modules/load.order" "$r/lib/modules/" 2>/dev/null ||
		cp "$KDIR/modules/load.order" "$r/lib/modules/"
	install -m 755 "$LAB_SRC/guest/init" "$r/init"
	echo "$kernel" >"$r/etc/kdive-kernel"
}

# pack DIR OUT: a newc cpio, gzip'd, owned by root, in a stable order.
pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$2.tmp"
	mv "$2.tmp" "$2"
	lab_log "$kernel: $(basename "$2") $(du -k "$2" | cut -f1) KiB"
}

# inputs_hash FILE...: hash of the named inputs' contents (and of this script and init).
inputs_hash() {
	cat "$0" "$LAB_SRC/guest-lib.sh" "$LAB_SRC/guest/init" "$LAB_SRC"/workload/*.[ch] "$KDIR/.stamp" \
		"$KDIR"/modules/* /bin/busybox "$@" | sha256sum | cut -d' ' -f1
}

# fresh OUT HASH: true if OUT exists and was built from HASH.
fresh() {
	[ "$force" = 0 ] && [ -s "$1" ] && [ "$(cat "$1.inputs" 2>/dev/null)" = "$2" ]
}

build_normal() {
	local out="$KDIR/initramfs.cpio.gz" h r
	build_workload
	h=$(inputs_hash "$LAB"/build/workload/*)
	if fresh "$out" "$h"; then lab_log "$kernel: initramfs.cpio.gz is up to date"; return 0; fi
	r=$(mktemp -d "$LAB/build/root.XXXXXX")
	base_root "$r"
	cp "$LAB"/build/workload/* "$r/bin/"
	pack "$r" "$out"
	rm -rf "$r"
	echo "$h" >"$out.inputs"
}

# The makedumpfile of the capture kernel: "path description".
makedumpfile_choice() {
	if [ "${KDIVE_LAB_MAKEDUMPFILE:-}" != host ] && [ -e "$CHROOT/.kdive-tools.stamp" ] &&
		[ -x "$CHROOT/usr/bin/makedumpfile" ]; then
		echo "$CHROOT/usr/bin/makedumpfile trixie-chroot"
	else
		lab_need_pkgs makedumpfile
		echo "$(command -v makedumpfile) host"
	fi
}

build_capture() {
	local out="$KDIR/capture.cpio.gz" h r mdf src ver
	read -r mdf src < <(makedumpfile_choice)
	h=$(inputs_hash "$mdf")
	if fresh "$out" "$h"; then lab_log "$kernel: capture.cpio.gz is up to date"; return 0; fi
	r=$(mktemp -d "$LAB/build/root.XXXXXX")
	base_root "$r"
	mkdir -p "$r/opt/mdf"
	cp -L "$mdf" "$r/opt/mdf/makedumpfile"
	copy_libs "$mdf" "$r" opt/mdf
	echo 'MAKEDUMPFILE="/opt/mdf/ld-linux-x86-64.so.2 --library-path /opt/mdf /opt/mdf/makedumpfile"' \
		>"$r/etc/kdive-makedumpfile"
	ver=$("$r/opt/mdf/ld-linux-x86-64.so.2" --library-path "$r/opt/mdf" "$r/opt/mdf/makedumpfile" -v 2>&1 |
		awk '/^makedumpfile: version/{print $3; exit}')
	[ -n "$ver" ] || lab_die "the capture initramfs's makedumpfile does not run"
	pack "$r" "$out"
	rm -rf "$r"
	printf 'makedumpfile=%s\nsource=%s\ncmdline=%s\n' "$ver" "$src" "$CAPTURE_CMDLINE" >"$KDIR/capture.info"
	echo "$h" >"$out.inputs"
}

build_kdump() {
	local out="$KDIR/initramfs-kdump.cpio.gz" h r kexec
	build_capture
	build_workload
	kexec=$(command -v kexec || echo /usr/sbin/kexec)
	h=$(inputs_hash "$LAB"/build/workload/* "$kexec" "$KDIR/vmlinuz" "$KDIR/capture.cpio.gz")
	if fresh "$out" "$h"; then lab_log "$kernel: initramfs-kdump.cpio.gz is up to date"; return 0; fi
	r=$(mktemp -d "$LAB/build/root.XXXXXX")
	base_root "$r"
	cp "$LAB"/build/workload/* "$r/bin/"
	cp -L "$kexec" "$r/bin/kexec"
	copy_libs "$kexec" "$r"
	mkdir -p "$r/kdump"
	cp "$KDIR/vmlinuz" "$r/kdump/vmlinuz"
	cp "$KDIR/capture.cpio.gz" "$r/kdump/capture.cpio.gz"
	echo "$CAPTURE_CMDLINE" >"$r/kdump/cmdline"
	pack "$r" "$out"
	rm -rf "$r"
	echo "$h" >"$out.inputs"
}

mkdir -p "$LAB/build"
case "$what" in
normal) build_normal ;;
kdump) build_kdump ;;
all) build_normal && build_kdump ;;
esac
