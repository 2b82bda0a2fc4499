#!/usr/bin/env bash
# A genuine kdump of the lab guest: the panicking kernel kexecs into a capture kernel,
# which saves /proc/vmcore.
#
# Usage: kdump.sh <bookworm|trixie|rt> [--force] [--dir DIR --states SPEC]
#
# Guest: 1 GiB, 2 CPUs, TCG, cmdline "console=ttyS0 panic=0 no_timer_check crashkernel=256M"
# (no_timer_check: see boot.sh), two virtio disks (serials kdive-kdump and kdive-raw), the
# lab's virtio NIC (LAB_QEMU_NIC). Its first kernel (initramfs-kdump.cpio.gz from
# guest.sh) loads the same kernel as capture kernel with kexec -p, runs the workload, prints
# the facts and panics on CPU 1. The capture kernel (capture.cpio.gz) writes
#   makedumpfile -c -d 31 /proc/vmcore   (kdump-compressed, zlib, dump level 31: no free,
#                                        zero, cache or user pages)  to the kdive-kdump disk
#   /proc/vmcore as is (ELF)             to the kdive-raw disk
# prints "KDIVE-KDUMP <file> <bytes>" for each and powers off. The host cuts the disk
# images to those sizes. makedumpfile is the trixie chroot's 1.7.6 if chroot.sh has built
# it, else the host's (see capture.info and facts.json "capture").
#
# Output in $LAB/dumps/<kernel>-kdump/: console.log (both kernels), facts.log, facts.json
# (the first kernel's workload), vmcore-kdump-zlib.kdump, vmcore-raw.elf.
# Skipped when facts.json and both dumps exist and were made from the current inputs
# (.boot-inputs, lab_boot_sig), unless --force.
#
# --states SPEC and --dir DIR are the soak's (tests/lab/soak): the first kernel runs the
# states workload (boot.sh describes it: cmdline "rdinit=/states-init kdive.states=SPEC",
# initramfs-kdump-states.cpio.gz from states.sh) and the boot goes to DIR, outside
# $LAB/dumps; facts.json gets boot "states-kdump" and "states"; a DIR whose facts.json
# has another spec is redone.
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

ARGS=("$@")
kernel= force=0 dir= spec=
while [ $# -gt 0 ]; do
	case "$1" in
	--force) force=1 ;;
	--dir) dir=${2:?}; shift ;;
	--states) spec=${2:?}; shift ;;
	-*) lab_die "usage: kdump.sh <bookworm|trixie|rt> [--force] [--dir DIR --states SPEC]" ;;
	*) kernel=$1 ;;
	esac
	shift
done
lab_check_kernel_name "${kernel:-}"

DIR="$LAB/dumps/$kernel-kdump"
[ -z "$dir" ] || DIR=$dir
boot=kdump
if [ -n "$spec" ]; then
	boot=states-kdump
	lab_states_json "$spec" >/dev/null # (checks it)
	if [ -s "$DIR/facts.json" ] && [ "$(lab_facts_states_spec "$DIR/facts.json")" != "$spec" ]; then
		force=1
	fi
fi
KD=vmcore-kdump-zlib.kdump
RAW=vmcore-raw.elf
TIMEOUT=${KDIVE_LAB_TIMEOUT:-900}
PY=$(lab_python)
# The capture initramfs first (cached): a dump captured with another makedumpfile than the
# one it now carries is redone (a cache built before the trixie chroot has the host's 1.7.2,
# which drops 6.12 slab pages as free ones).
"$LAB_SRC/guest.sh" "$kernel" kdump
KDIR=$(lab_kernel_dir "$kernel")
if [ "$force" = 0 ] && [ -s "$DIR/facts.json" ] && [ -s "$KDIR/capture.info" ]; then
	want=$(sed -n 's/^makedumpfile=//p' "$KDIR/capture.info")
	have=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("capture", {}).get("makedumpfile", ""))' \
		"$DIR/facts.json")
	if [ "$want" != "$have" ]; then
		lab_log "$kernel-$boot: captured with makedumpfile ${have:-?}, the capture kernel now has $want: redoing"
		force=1
	fi
fi

t0=$SECONDS
lab_need_pkgs qemu-system-x86
ACCEL=$(lab_qemu_accel)
INITRD="$KDIR/initramfs-kdump.cpio.gz"
cmdline="console=ttyS0 panic=0 no_timer_check crashkernel=256M"
extra=()
if [ -n "$spec" ]; then
	"$LAB_SRC/states.sh" "$kernel" kdump
	INITRD="$KDIR/initramfs-kdump-states.cpio.gz"
	cmdline="$cmdline rdinit=/states-init kdive.states=$spec"
	extra=(--set "states=$(lab_states_json "$spec")")
fi
# What this capture is made from (lab_boot_sig): one made from anything else is redone.
sig=$(lab_boot_sig "$cmdline" "${LAB_QEMU_NIC[@]}" -- "$INITRD.inputs" "$0" "$LAB_SRC/guest/facts.py" "$KDIR/capture.info")
if [ "$force" = 0 ] && [ -s "$DIR/facts.json" ] && [ -s "$DIR/$KD" ] && [ -s "$DIR/$RAW" ]; then
	if lab_boot_current "$DIR" "$sig"; then
		lab_log "$kernel-$boot: done already ($DIR)"
		exit 0
	fi
	lab_log "$kernel-$boot: made from other inputs (initramfs, workload, facts.py or this script): capturing again"
fi

rm -rf "$DIR"
mkdir -p "$DIR"
QPID=
cleanup() { [ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true; }
trap cleanup EXIT

# Sparse disk images, cut to size once the capture kernel has written them.
truncate -s 512M "$DIR/$KD.tmp"
truncate -s 1280M "$DIR/$RAW.tmp"

lab_log "$kernel-$boot: booting $(cat "$KDIR/release") ($ACCEL, cmdline: $cmdline)"
qemu-system-x86_64 -machine pc -accel "$ACCEL" -m 1024 -smp 2 \
	-nodefaults -no-user-config -display none \
	-kernel "$KDIR/vmlinuz" -initrd "$INITRD" -append "$cmdline" \
	-serial "file:$DIR/console.log" -serial "file:$DIR/facts.log" \
	-drive "file=$DIR/$KD.tmp,format=raw,if=none,id=kd,cache=unsafe" \
	-device virtio-blk-pci,drive=kd,serial=kdive-kdump \
	-drive "file=$DIR/$RAW.tmp,format=raw,if=none,id=raw,cache=unsafe" \
	-device virtio-blk-pci,drive=raw,serial=kdive-raw "${LAB_QEMU_NIC[@]}" \
	>"$DIR/qemu.out" 2>&1 &
QPID=$!

# The capture kernel powers the guest off when it is done; QEMU then exits.
n=0 panicked=0
while kill -0 "$QPID" 2>/dev/null; do
	if [ "$panicked" = 0 ] && grep -q 'Kernel panic - not syncing' "$DIR/console.log" 2>/dev/null; then
		panicked=1
		# a panic before the workload was ready is the kernel's own (a TCG guest on a loaded
		# machine can die in early boot, before kexec -p): up to three boots, as boot.sh
		if ! grep -q KDIVE-READY "$DIR/facts.log" 2>/dev/null; then
			kill "$QPID" 2>/dev/null || true
			wait "$QPID" 2>/dev/null || true
			QPID=
			attempt=${KDIVE_LAB_KDUMP_ATTEMPT:-1}
			lab_log "$kernel-$boot: the kernel panicked before the workload was ready: $(grep -m1 -o 'Kernel panic - not syncing: .*' "$DIR/console.log" | cut -c1-120)"
			[ "$attempt" -lt 3 ] || lab_die "$kernel-$boot: three boots died before the workload (see $DIR/console.log)"
			KDIVE_LAB_KDUMP_ATTEMPT=$((attempt + 1)) exec "$0" "${ARGS[@]}"
		fi
		lab_log "$kernel-$boot: panicked after $(lab_elapsed "$t0"); capturing"
	fi
	if grep -q KDIVE-FAILED "$DIR/console.log" 2>/dev/null || [ "$n" -ge "$((TIMEOUT * 2))" ]; then
		tail -n 30 "$DIR/console.log" >&2 || true
		lab_die "$kernel-$boot: failed (see $DIR/console.log)"
	fi
	sleep 0.5
	n=$((n + 1))
done
wait "$QPID" || true
QPID=
grep -q KDIVE-KDUMP-DONE "$DIR/console.log" || {
	cat "$DIR/qemu.out" >&2
	tail -n 30 "$DIR/console.log" >&2
	lab_die "$kernel-$boot: the capture kernel did not finish"
}
rm -f "$DIR/qemu.out"

for f in "$KD" "$RAW"; do
	size=$(tr -d '\r' <"$DIR/console.log" | awk -v f="$f" '$1 == "KDIVE-KDUMP" && $2 == f {print $3}' | tail -n1)
	[ -n "$size" ] && [ "$size" -gt 0 ] || lab_die "$kernel-$boot: no size printed for $f"
	truncate -s "$size" "$DIR/$f.tmp"
done
[ "$(head -c 8 "$DIR/$KD.tmp")" = "KDUMP   " ] || lab_die "$kernel-$boot: $KD is not kdump-compressed"
[ "$(head -c 4 "$DIR/$RAW.tmp" | od -An -c | tr -d ' ')" = '177ELF' ] || lab_die "$kernel-$boot: $RAW is not ELF"
mv "$DIR/$KD.tmp" "$DIR/$KD"
mv "$DIR/$RAW.tmp" "$DIR/$RAW"

qver=$(qemu-system-x86_64 --version | awk '/version/{print $4; exit}')
"$PY" "$LAB_SRC/guest/facts.py" "$kernel" "$boot" "$DIR/facts.log" "$DIR/console.log" "$DIR/facts.json" \
	--dump "kdump-zlib=$KD" --dump "kdump-raw-elf=$RAW" \
	--info "capture=$KDIR/capture.info" --set 'capture_dump={"dump_level":31,"compression":"zlib"}' \
	--set "qemu={\"version\":\"$qver\",\"accel\":\"$ACCEL\",\"machine\":\"pc\",\"mem_mib\":1024,\"smp\":2}" \
	"${extra[@]}"
echo "$sig" >"$DIR/.boot-inputs"
lab_log "$kernel-$boot: done in $(lab_elapsed "$t0"): $(cd "$DIR" && du -sh "$KD" "$RAW" | tr '\n\t' '  ')"
