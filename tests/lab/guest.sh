#!/usr/bin/env bash
# Build the lab guest's initramfs for a kernel unpacked by kernels.sh, in $LAB/kernels/<kernel>/:
#   initramfs.cpio.gz        busybox-static, the workload (tests/lab/workload/*.c, static),
#                            the kernel's guest modules, /init (tests/lab/guest/init) and
#                            /images/lab-ext4.img (below)
#   capture.cpio.gz          kdump capture kernel: busybox, its modules only (load.capture:
#                            virtio, qemu_fw_cfg), /init, makedumpfile
#   initramfs-kdump.cpio.gz  initramfs.cpio.gz plus kexec (and its libraries), the kernel
#                            image and capture.cpio.gz under /kdump/
#
# makedumpfile in the capture initramfs: the trixie chroot's 1.7.6 ($LAB/chroot/trixie,
# built by chroot.sh) when it is there, with its own loader and libraries under
# /opt/mdf/ (run as /opt/mdf/ld-linux-x86-64.so.2 --library-path /opt/mdf /opt/mdf/makedumpfile),
# otherwise the host's (bookworm 1.7.2). KDIVE_LAB_MAKEDUMPFILE=host forces the host's.
# The choice is written to capture.info.
#
# /images/lab-ext4.img: an 8 MiB ext4 image made here with mke2fs -d (e2fsprogs), the
# same for every kernel ($LAB/build/lab-ext4.img, reproducible: fixed UUID, hash seed and
# time), which /init loop-mounts on /lab/ext4: a module filesystem with a journal thread.
# Its files (EXT4_FILES below): /lab/ext4/dir/known-ext4.txt, 3 pages and a bit of known
# text. No metadata_csum (nor orphan_file, metadata_csum_seed): crc32c would be one more
# module.
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
KDIR=$(lab_kernel_boot_dir "$kernel")
CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices nousb panic=0 no_timer_check rdinit=/init"
WORKLOAD="kdive-files kdive-threads kdive-mapper kdive-proc kdive-net kdive-ipc kdive-waiter kdive-timers kdive-bpf"
CHROOT="$LAB/chroot/trixie"

lab_need_pkgs busybox-static cpio gzip gcc libc6-dev e2fsprogs
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

# The ext4 image of /lab/ext4, made once for all kernels; remade when this script changes.
EXT4_IMG="$LAB/build/lab-ext4.img"
build_ext4_image() {
	local h d i
	h=$(cat "$0" /sbin/mke2fs 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ -s "$EXT4_IMG" ] && [ "$(cat "$EXT4_IMG.inputs" 2>/dev/null)" = "$h" ]; then return 0; fi
	lab_log "making $(basename "$EXT4_IMG")"
	d=$(mktemp -d "$LAB/build/ext4.XXXXXX")
	mkdir -p "$d/dir"
	for i in $(seq 1 200); do
		printf 'KDIVE ext4 file: /lab/ext4/dir/known-ext4.txt, line %03d of 200 ........\n' "$i"
	done >"$d/dir/known-ext4.txt"
	find "$d" -exec touch -h -d @1700000000 {} +
	rm -f "$EXT4_IMG.tmp"
	E2FSPROGS_FAKE_TIME=1700000000 /sbin/mke2fs -q -F -t ext4 -b 1024 -L kdive-lab \
		-O ^metadata_csum,^metadata_csum_seed,^orphan_file \
		-U 6b646976-6500-4000-8000-000000000001 -E hash_seed=6b646976-6500-4000-8000-000000000002,root_owner=0:0 \
		-d "$d" "$EXT4_IMG.tmp" 8M >&2 || lab_die "mke2fs failed"
	rm -rf "$d"
	mv "$EXT4_IMG.tmp" "$EXT4_IMG"
	echo "$h" >"$EXT4_IMG.inputs"
}

# base_root DIR [capture]: busybox with its applets, /dev/console, modules (the capture
# kernel's only, as its load.order, with "capture"), /init.
base_root() {
	local r=$1 a m
	mkdir -p "$r"/{bin,dev,proc,sys,tmp,etc,lib/modules}
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	mknod -m 600 "$r/dev/console" c 5 1
	mknod -m 666 "$r/dev/null" c 1 3
	if [ "${2:-}" = capture ]; then
		while read -r m; do cp "$KDIR/modules/$m.ko" "$r/lib/modules/"; done <"$KDIR/modules/load.capture"
		cp "$KDIR/modules/load.capture" "$r/lib/modules/load.order"
	else
		cp "$KDIR"/modules/*.ko "$KDIR/modules/load.order" "$r/lib/modules/" 2>/dev/null ||
			cp "$KDIR/modules/load.order" "$r/lib/modules/"
		mkdir -p "$r/images"
		cp "$EXT4_IMG" "$r/images/lab-ext4.img"
	fi
	install -m 755 "$LAB_SRC/guest/init" "$r/init"
	echo "$kernel" >"$r/etc/kdive-kernel"
}

# pack DIR OUT: a newc cpio, gzip'd, owned by root, in a stable order.
pack() {
	lab_initramfs_layer /dev/null "$1" "$2"
	lab_log "$kernel: $(basename "$2") $(du -k "$2" | cut -f1) KiB"
}

# inputs_hash FILE...: hash of the named inputs' contents (and of this script and init).
inputs_hash() {
	cat "$0" "$LAB_SRC/guest-lib.sh" "$LAB_SRC/guest/init" "$LAB_SRC"/workload/*.[ch] <(lab_kernel_stamp "$KDIR") \
		"$KDIR"/modules/* /bin/busybox "$@" | sha256sum | cut -d' ' -f1
}

# fresh OUT HASH: true if OUT exists and was built from HASH.
fresh() {
	[ "$force" = 0 ] && [ -s "$1" ] && [ "$(cat "$1.inputs" 2>/dev/null)" = "$2" ]
}

build_normal() {
	local out="$KDIR/initramfs.cpio.gz" h r
	build_workload
	build_ext4_image
	h=$(inputs_hash "$LAB"/build/workload/* "$EXT4_IMG")
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
	base_root "$r" capture
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
	build_ext4_image
	kexec=$(command -v kexec || echo /usr/sbin/kexec)
	h=$(inputs_hash "$LAB"/build/workload/* "$EXT4_IMG" "$kexec" "$KDIR/vmlinuz" "$KDIR/capture.cpio.gz")
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
