#!/usr/bin/env bash
# Boot the lab guest under QEMU until it panics, and dump it with QEMU's dump-guest-memory.
#
# Usage: boot.sh <bookworm|trixie> <kaslr|nokaslr|novmcoreinfo> [--force]
#
# Guest: 512 MiB, 2 CPUs, TCG (KVM only with KDIVE_LAB_KVM=1 and a working /dev/kvm),
# cmdline "console=ttyS0 panic=0" (+ "nokaslr" for nokaslr), -device vmcoreinfo except for
# novmcoreinfo. With panic=0 the panicked guest stays stopped. Its /init (guest/init) runs
# the workload, prints facts on the second serial port and panics on CPU 1 (sysrq c).
#
# Output in $LAB/dumps/<kernel>-<boot>/:
#   console.log            the guest's console (ttyS0)
#   facts.log              the guest's KDIVE-FACT lines (ttyS1)
#   facts.json             what the dumps must show (guest/facts.py describes it)
#   qemu.elf               dump-guest-memory paging=false, ELF
#   qemu-kdump-zlib.flat   dump-guest-memory format kdump-zlib (makedumpfile's flattened format)
# A boot whose facts.json and dumps exist is skipped unless --force.
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

kernel= boot= force=0
for a; do
	case "$a" in
	--force) force=1 ;;
	-*) lab_die "usage: boot.sh <bookworm|trixie> <kaslr|nokaslr|novmcoreinfo> [--force]" ;;
	*) if [ -z "$kernel" ]; then kernel=$a; else boot=$a; fi ;;
	esac
done
lab_check_kernel_name "${kernel:-}"
case "${boot:-}" in kaslr | nokaslr | novmcoreinfo) ;; *) lab_die "unknown boot '${boot:-}' (kaslr | nokaslr | novmcoreinfo)" ;; esac

DIR="$LAB/dumps/$kernel-$boot"
TIMEOUT=${KDIVE_LAB_TIMEOUT:-300}
if [ "$force" = 0 ] && [ -s "$DIR/facts.json" ] && [ -s "$DIR/qemu.elf" ] && [ -s "$DIR/qemu-kdump-zlib.flat" ]; then
	lab_log "$kernel-$boot: done already ($DIR)"
	exit 0
fi

t0=$SECONDS
lab_need_pkgs qemu-system-x86 binutils
PY=$(lab_python)
"$LAB_SRC/guest.sh" "$kernel" normal
KDIR=$(lab_kernel_dir "$kernel")
ACCEL=$(lab_qemu_accel)

rm -rf "$DIR"
mkdir -p "$DIR"
RUN=$(mktemp -d /tmp/kdive-lab-boot.XXXXXX) # short path for the QMP socket
QPID=
cleanup() {
	[ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true
	rm -rf "$RUN"
}
trap cleanup EXIT

cmdline="console=ttyS0 panic=0"
dev=()
case "$boot" in
nokaslr)
	cmdline="$cmdline nokaslr"
	dev=(-device vmcoreinfo)
	;;
kaslr) dev=(-device vmcoreinfo) ;;
novmcoreinfo) ;;
esac

lab_log "$kernel-$boot: booting $(cat "$KDIR/release") ($ACCEL, cmdline: $cmdline)"
qemu-system-x86_64 -machine pc -accel "$ACCEL" -m 512 -smp 2 \
	-nodefaults -no-user-config -display none \
	-kernel "$KDIR/vmlinuz" -initrd "$KDIR/initramfs.cpio.gz" -append "$cmdline" \
	-serial "file:$DIR/console.log" -serial "file:$DIR/facts.log" \
	-qmp "unix:$RUN/qmp.sock,server=on,wait=off" "${dev[@]}" \
	>"$RUN/qemu.out" 2>&1 &
QPID=$!

# Wait for the end of the panic report.
n=0
while ! grep -q -- '---\[ end Kernel panic' "$DIR/console.log" 2>/dev/null; do
	if ! kill -0 "$QPID" 2>/dev/null; then
		cat "$RUN/qemu.out" >&2
		tail -n 30 "$DIR/console.log" >&2 || true
		lab_die "$kernel-$boot: QEMU exited before the panic"
	fi
	if grep -q KDIVE-FAILED "$DIR/console.log" 2>/dev/null || [ "$n" -ge "$((TIMEOUT * 2))" ]; then
		tail -n 30 "$DIR/console.log" >&2 || true
		lab_die "$kernel-$boot: no panic (see $DIR/console.log)"
	fi
	sleep 0.5
	n=$((n + 1))
done
lab_log "$kernel-$boot: panicked after $(lab_elapsed "$t0"); dumping"
sleep 1 # the other CPU is stopped by now; let the last lines reach the log

"$PY" "$LAB_SRC/guest/qmp.py" "$RUN/qmp.sock" \
	'{"execute":"stop"}' \
	"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$DIR/qemu.elf.tmp\"}}" \
	"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"format\":\"kdump-zlib\",\"protocol\":\"file:$DIR/qemu-kdump-zlib.flat.tmp\"}}" \
	'{"execute":"quit"}' >/dev/null
for _ in $(seq 100); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.2; done
kill -0 "$QPID" 2>/dev/null && lab_die "$kernel-$boot: QEMU did not quit"
wait "$QPID" || true
QPID=

# The VMCOREINFO note comes from the guest's qemu_fw_cfg through -device vmcoreinfo.
vmci=false
# (grep -c reads all: grep -q would exit early and fail the pipe under pipefail)
if [ "$(readelf -n "$DIR/qemu.elf.tmp" | grep -c '^ *VMCOREINFO ')" -gt 0 ]; then vmci=true; fi
case "$boot:$vmci" in
novmcoreinfo:true) lab_die "$kernel-$boot: qemu.elf has a VMCOREINFO note" ;;
novmcoreinfo:false) ;;
*:false) lab_die "$kernel-$boot: qemu.elf has no VMCOREINFO note" ;;
esac
chmod 644 "$DIR/qemu.elf.tmp" "$DIR/qemu-kdump-zlib.flat.tmp" # QEMU writes them 0400
mv "$DIR/qemu.elf.tmp" "$DIR/qemu.elf"
mv "$DIR/qemu-kdump-zlib.flat.tmp" "$DIR/qemu-kdump-zlib.flat"

qver=$(qemu-system-x86_64 --version | awk '/version/{print $4; exit}')
"$PY" "$LAB_SRC/guest/facts.py" "$kernel" "$boot" "$DIR/facts.log" "$DIR/console.log" "$DIR/facts.json" \
	--dump qemu-elf=qemu.elf --dump qemu-kdump-zlib-flat=qemu-kdump-zlib.flat \
	--set "vmcoreinfo=$vmci" \
	--set "qemu={\"version\":\"$qver\",\"accel\":\"$ACCEL\",\"machine\":\"pc\",\"mem_mib\":512,\"smp\":2}"
lab_log "$kernel-$boot: done in $(lab_elapsed "$t0"): $(cd "$DIR" && du -sh qemu.elf qemu-kdump-zlib.flat | tr '\n\t' '  ')"
