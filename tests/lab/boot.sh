#!/usr/bin/env bash
# Boot the lab guest under QEMU until it panics, and dump it with QEMU's dump-guest-memory.
#
# Usage: boot.sh <bookworm|trixie|rt> <kaslr|nokaslr|novmcoreinfo|states|many> [--force]
#        boot.sh <kernel> states --dir DIR --states SPEC [--force]      (the soak's boots)
#        boot.sh <bookworm|trixie> panic --panic oops|softlockup|oom|hung [--force]
#        boot.sh <bookworm|trixie> live --kdive PATH [--force]
#
# Guest: 512 MiB, 2 CPUs, TCG (KVM only with KDIVE_LAB_KVM=1 and a working /dev/kvm),
# cmdline "console=ttyS0 panic=0 no_timer_check" (+ "nokaslr" for nokaslr; no_timer_check:
# the early check that the IO-APIC delivers the timer fails when TCG's vCPU is starved on a
# loaded host, and the kernel panics, "IO-APIC + timer doesn't work"), -device vmcoreinfo except for
# novmcoreinfo, a virtio NIC (LAB_QEMU_NIC, guest-lib.sh). With panic=0 the panicked guest stays stopped. Its /init (guest/init) runs
# the workload, prints facts on the second serial port and panics on CPU 1 (sysrq c).
#
# Output in $LAB/dumps/<kernel>-<boot>/:
#   console.log            the guest's console (ttyS0)
#   facts.log              the guest's KDIVE-FACT lines (ttyS1)
#   facts.json             what the dumps must show (guest/facts.py describes it)
#   qemu.elf               dump-guest-memory paging=false, ELF
#   qemu-kdump-zlib.flat   dump-guest-memory format kdump-zlib (makedumpfile's flattened format)
# A boot whose facts.json and dumps exist and were made from the current inputs (.boot-inputs,
# lab_boot_sig: initramfs, workload, cmdline, this script, facts.py) is skipped unless --force.
#
# many: the benchmark boot (bench/tasks.sh builds it on demand; no test, manifest or
# guest-all.sh run uses it). Like kaslr, plus a few thousand sleeping tasks: the cmdline
# adds "rdinit=/many-init kdive.many=N kdive.many_threads=M" (KDIVE_LAB_MANY_SLEEPERS,
# default 1500; KDIVE_LAB_MANY_THREADS, default 1500), and the initramfs is
# initramfs-many.cpio.gz: the lab's initramfs.cpio.gz followed by a second cpio archive
# with /many-init and /bin/kdive-many (tests/lab/many/), so the other boots' initramfs and
# its inputs stay as they are. /many-init starts kdive-many (N sleeping processes and one
# process of M threads), then execs the usual /init. Its directory is
# $LAB/bench/<kernel>-many/ (outside $LAB/dumps/, so lab_dumps, the lab's build and the
# manifest never see it), with qemu.elf only; facts.json has "many" (kdive-many's fact:
# sleepers, sleeper_pids, threads, tids).
#
# states: like kaslr (KASLR on, -device vmcoreinfo, qemu.elf and qemu-kdump-zlib.flat),
# plus states the other boots never have: the cmdline adds "rdinit=/states-init
# kdive.states=SPEC" and the initramfs is initramfs-states.cpio.gz (states.sh: the lab's
# initramfs.cpio.gz followed by a cpio of /states-init and /bin/kdive-states, so the other
# boots' initramfs stays as it is). /states-init runs /init's workload and facts, then
# kdive-states (tests/lab/states/kdive-states.c), then panics. SPEC (PANIC_CPU:CPU0:CPU1,
# the activity of each CPU, see kdive-states.c) is the lab's own mix here: CPU 0 busy
# in user space (SCHED_FIFO, interrupted there by the panic's stop IPI) with a forked
# child that never ran, a zombie, a process taking page faults on CPU 1, the panic on
# CPU 1 (SPEC 1:userspin:faults, LAB_STATES_SPEC). facts.json gets their processes (roles zparent,
# zombie, userspin, unrun, faulter) and "states" {spec, panic_cpu, cpu0, cpu1}.
# --dir DIR and --states SPEC (states only) are the soak's: another directory (outside
# $LAB/dumps) and another mix; a directory whose facts.json has another spec is redone.
#
# panic: like kaslr, but the kernel panics in another way than sysrq, on CPU 1: KIND oops
# (a NULL pointer dereference in the lab's module kdive-crashme, kernel.panic_on_oops=1),
# softlockup (kdive-crashme spinning with preemption off, kernel.softlockup_panic=1), oom
# (vm.panic_on_oom=1 after one hog was killed by the OOM killer) or hung (three tasks in D
# state, kernel.hung_task_panic=1: khungtaskd panics). The cmdline adds
# "rdinit=/panic-init kdive.panic=KIND" and the initramfs is initramfs-panic.cpio.gz
# (panics.sh: the lab's initramfs.cpio.gz followed by a cpio of /panic-init, the module
# and /bin/kdive-hog; see tests/lab/panics/panic-init). Its directory is
# $LAB/panics/<kernel>-<KIND>/ (outside $LAB/dumps: no makedumpfile variants and no crash
# references; tests/e2e/report.py checks its report), with qemu.elf only; facts.json has
# "panic_kind", for oom "oom_victim" {pid, comm}, for hung "dstate" {pids, comm, timeout_s}.
#
# live: kdive run inside the guest on its own running kernel (/proc/kcore). The cmdline adds
# "rdinit=/live-init", the initramfs is initramfs-live.cpio.gz and a raw ext4 disk is
# attached read-only as a virtio disk (serial kdive-live), both made by live.sh from the
# kdive given (tests/lab/live/live-init says what the guest runs). The guest has 1024 MiB
# (kdive maps the vmlinux). Its directory is $LAB/live/<kernel>/ (outside $LAB/dumps), with
# qemu.elf only; facts.log has kdive's outputs as "KDIVE-LIVE NAME|LINE" lines
# (tests/e2e/live.py checks them). The signature holds the disk's inputs: a new kdive boots
# again, an unchanged one is cached.
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

usage() { lab_die "usage: boot.sh <bookworm|trixie|rt> <kaslr|nokaslr|novmcoreinfo|states|many> [--force] [--dir DIR --states SPEC]"; }
kernel= boot= force=0 dir= spec= kind= live_kdive=
while [ $# -gt 0 ]; do
	case "$1" in
	--force) force=1 ;;
	--dir) dir=${2:?}; shift ;;
	--states) spec=${2:?}; shift ;;
	--panic) kind=${2:?}; shift ;;
	--kdive) live_kdive=${2:?}; shift ;;
	-*) usage ;;
	*) if [ -z "$kernel" ]; then kernel=$1; else boot=$1; fi ;;
	esac
	shift
done
lab_check_kernel_name "${kernel:-}"
case "${boot:-}" in kaslr | nokaslr | novmcoreinfo | states | many | panic | live) ;; *) lab_die "unknown boot '${boot:-}' (kaslr | nokaslr | novmcoreinfo | states | many | panic | live)" ;; esac
{ [ "$boot" = live ] && [ -n "$live_kdive" ]; } || { [ "$boot" != live ] && [ -z "$live_kdive" ]; } ||
	lab_die "the live boot needs --kdive PATH, and only it takes one"
{ [ -z "$dir$spec" ] || [ "$boot" = states ]; } || lab_die "--dir and --states are for the states boot"
if [ "$boot" = panic ]; then
	case "$kind" in oops | softlockup | oom | hung) ;; *) lab_die "panic boot: --panic oops|softlockup|oom|hung" ;; esac
else
	[ -z "$kind" ] || lab_die "--panic is for the panic boot"
fi

DIR="$LAB/dumps/$kernel-$boot"
TIMEOUT=${KDIVE_LAB_TIMEOUT:-300}
FLAT=qemu-kdump-zlib.flat
MEM=512
if [ "$boot" = many ]; then
	DIR="$LAB/bench/$kernel-many"
	TIMEOUT=${KDIVE_LAB_TIMEOUT:-900}
	FLAT= # the benchmark reads the ELF dump only
	MANY_SLEEPERS=${KDIVE_LAB_MANY_SLEEPERS:-1500}
	MANY_THREADS=${KDIVE_LAB_MANY_THREADS:-1500}
fi
if [ "$boot" = panic ]; then
	DIR="$LAB/panics/$kernel-$kind"
	FLAT= # the report reads the ELF dump
fi
if [ "$boot" = live ]; then
	case "$kernel" in bookworm | trixie) ;; *) lab_die "no live boot for kernel $kernel" ;; esac
	DIR="$LAB/live/$kernel"
	FLAT= # facts.log is what is checked; qemu.elf as every boot
	MEM=1024
	TIMEOUT=${KDIVE_LAB_TIMEOUT:-900}
fi
if [ "$boot" = states ]; then
	[ -z "$dir" ] || DIR=$dir
	spec=${spec:-$LAB_STATES_SPEC}
	lab_states_json "$spec" >/dev/null # (checks it)
	if [ -s "$DIR/facts.json" ] && [ "$(lab_facts_states_spec "$DIR/facts.json")" != "$spec" ]; then
		force=1
	fi
fi
t0=$SECONDS
lab_need_pkgs qemu-system-x86 binutils
PY=$(lab_python)
"$LAB_SRC/guest.sh" "$kernel" normal
KDIR=$(lab_kernel_boot_dir "$kernel")
ACCEL=$(lab_qemu_accel)
INITRD="$KDIR/initramfs.cpio.gz"

# many: initramfs-many.cpio.gz = initramfs.cpio.gz + a cpio of /many-init and /bin/kdive-many.
many_initramfs() {
	local bin="$LAB/build/many/kdive-many" r
	mkdir -p "$LAB/build/many"
	if [ ! -x "$bin" ] || [ "$LAB_SRC/many/kdive-many.c" -nt "$bin" ] ||
		[ "$LAB_SRC/workload/kdive-facts.h" -nt "$bin" ]; then
		lab_log "building kdive-many"
		gcc -static -O2 -Wall -Wextra -pthread -o "$bin.tmp" "$LAB_SRC/many/kdive-many.c"
		mv "$bin.tmp" "$bin"
	fi
	r=$(mktemp -d "$LAB/build/many/root.XXXXXX")
	mkdir -p "$r/bin"
	cp "$bin" "$r/bin/kdive-many"
	install -m 755 "$LAB_SRC/many/many-init" "$r/many-init"
	lab_initramfs_layer "$KDIR/initramfs.cpio.gz" "$r" "$KDIR/initramfs-many.cpio.gz"
	rm -rf "$r"
}
if [ "$boot" = states ]; then
	"$LAB_SRC/states.sh" "$kernel" normal
	INITRD="$KDIR/initramfs-states.cpio.gz"
fi
if [ "$boot" = panic ]; then
	"$LAB_SRC/panics.sh" "$kernel"
	INITRD="$KDIR/initramfs-panic.cpio.gz"
fi
if [ "$boot" = live ]; then
	"$LAB_SRC/live.sh" "$kernel" "$live_kdive"
	INITRD="$LAB/build/live/$kernel/initramfs-live.cpio.gz"
fi

cmdline="console=ttyS0 panic=0 no_timer_check"
dev=()
case "$boot" in
nokaslr)
	cmdline="$cmdline nokaslr"
	dev=(-device vmcoreinfo)
	;;
kaslr) dev=(-device vmcoreinfo) ;;
novmcoreinfo) ;;
many)
	cmdline="$cmdline rdinit=/many-init kdive.many=$MANY_SLEEPERS kdive.many_threads=$MANY_THREADS"
	dev=(-device vmcoreinfo)
	;;
states)
	cmdline="$cmdline rdinit=/states-init kdive.states=$spec"
	dev=(-device vmcoreinfo)
	;;
panic)
	cmdline="$cmdline rdinit=/panic-init kdive.panic=$kind"
	dev=(-device vmcoreinfo)
	;;
live)
	cmdline="$cmdline rdinit=/live-init"
	dev=(-device vmcoreinfo -drive "file=$LAB/build/live/$kernel/live-disk.img,format=raw,if=none,id=live,readonly=on"
		-device virtio-blk-pci,drive=live,serial=kdive-live)
	;;
esac

# What this boot is made from (lab_boot_sig): a boot made from anything else is redone.
inputs=("$KDIR/initramfs.cpio.gz.inputs" "$0" "$LAB_SRC/guest/facts.py" "$LAB_SRC/guest/qmp.py")
case "$boot" in
states) inputs+=("$KDIR/initramfs-states.cpio.gz.inputs") ;;
panic) inputs+=("$KDIR/initramfs-panic.cpio.gz.inputs") ;;
live) inputs+=("$LAB/build/live/$kernel/initramfs-live.cpio.gz.inputs" "$LAB/build/live/$kernel/live-disk.img.inputs") ;;
many) inputs+=("$LAB_SRC/many/kdive-many.c" "$LAB_SRC/many/many-init" "$LAB_SRC/workload/kdive-facts.h") ;;
esac
sig=$(lab_boot_sig "$cmdline" "${dev[@]}" "${LAB_QEMU_NIC[@]}" "mem=$MEM" "flat=$FLAT" -- "${inputs[@]}")
if [ "$force" = 0 ] && [ -s "$DIR/facts.json" ] && [ -s "$DIR/qemu.elf" ] && { [ -z "$FLAT" ] || [ -s "$DIR/$FLAT" ]; }; then
	if lab_boot_current "$DIR" "$sig"; then
		lab_log "$kernel-$boot: done already ($DIR)"
		exit 0
	fi
	lab_log "$kernel-$boot: made from other inputs (initramfs, workload, facts.py or this script): booting again"
fi
if [ "$boot" = many ]; then
	lab_need_pkgs gcc libc6-dev cpio gzip
	many_initramfs
	INITRD="$KDIR/initramfs-many.cpio.gz"
fi

rm -rf "$DIR"
mkdir -p "$DIR"
RUN=$(mktemp -d /tmp/kdive-lab-boot.XXXXXX) # short path for the QMP socket
QPID=
cleanup() {
	[ -z "$QPID" ] || kill "$QPID" 2>/dev/null || true
	rm -rf "$RUN"
}
trap cleanup EXIT

# boot_once ATTEMPT: start the guest and wait for the end of its panic report. 0 when it
# panicked, 2 when the guest printed nothing for TIMEOUT seconds without KDIVE-FAILED (a TCG
# guest can stall early in boot: seen once in "pnp: PnP ACPI init" on a loaded machine);
# dies on a real failure.
boot_once() {
	lab_log "$kernel-$boot: booting $(cat "$KDIR/release") ($ACCEL, cmdline: $cmdline)${1:+, attempt $1}"
	: >"$DIR/console.log"
	: >"$DIR/facts.log"
	qemu-system-x86_64 -machine pc -accel "$ACCEL" -m "$MEM" -smp 2 \
		-nodefaults -no-user-config -display none \
		-kernel "$KDIR/vmlinuz" -initrd "$INITRD" -append "$cmdline" \
		-serial "file:$DIR/console.log" -serial "file:$DIR/facts.log" \
		-qmp "unix:$RUN/qmp.sock,server=on,wait=off" "${dev[@]}" "${LAB_QEMU_NIC[@]}" \
		>"$RUN/qemu.out" 2>&1 &
	QPID=$!
	local n=0
	while ! grep -q -- '---\[ end Kernel panic' "$DIR/console.log" 2>/dev/null; do
		if ! kill -0 "$QPID" 2>/dev/null; then
			cat "$RUN/qemu.out" >&2
			tail -n 30 "$DIR/console.log" >&2 || true
			lab_die "$kernel-$boot: QEMU exited before the panic"
		fi
		if grep -q KDIVE-FAILED "$DIR/console.log" 2>/dev/null; then
			tail -n 30 "$DIR/console.log" >&2 || true
			lab_die "$kernel-$boot: the guest failed (see $DIR/console.log)"
		fi
		if [ "$n" -ge "$((TIMEOUT * 2))" ]; then
			tail -n 30 "$DIR/console.log" >&2 || true
			kill "$QPID" 2>/dev/null || true
			wait "$QPID" 2>/dev/null || true
			QPID=
			return 2
		fi
		sleep 0.5
		n=$((n + 1))
	done
	# A panic before the workload was ready is the kernel's own (a TCG guest on a loaded
	# machine once died in early boot with "IO-APIC + timer doesn't work"): boot again.
	if ! grep -q KDIVE-READY "$DIR/facts.log" 2>/dev/null; then
		lab_log "$kernel-$boot: the kernel panicked before the workload was ready: $(grep -m1 -o 'Kernel panic - not syncing: .*' "$DIR/console.log" | cut -c1-120)"
		kill "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
		QPID=
		return 2
	fi
	return 0
}

# Up to two more boots when one stalls or panics early: a new boot is a new random state,
# as every lab boot is.
rc=0
boot_once "" || rc=$?
for attempt in 2 3; do
	[ "$rc" = 2 ] || break
	lab_log "$kernel-$boot: no panic of the workload within ${TIMEOUT}s (the guest stalled or died early); booting again"
	rc=0
	boot_once "$attempt" || rc=$?
done
[ "$rc" = 0 ] || lab_die "$kernel-$boot: no panic of the workload (see $DIR/console.log)"
lab_log "$kernel-$boot: panicked after $(lab_elapsed "$t0"); dumping"
sleep 1 # the other CPU is stopped by now; let the last lines reach the log

qmp=('{"execute":"stop"}'
	"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$DIR/qemu.elf.tmp\"}}")
[ -z "$FLAT" ] ||
	qmp+=("{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"format\":\"kdump-zlib\",\"protocol\":\"file:$DIR/$FLAT.tmp\"}}")
"$PY" "$LAB_SRC/guest/qmp.py" "$RUN/qmp.sock" "${qmp[@]}" '{"execute":"quit"}' >/dev/null
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
chmod 644 "$DIR/qemu.elf.tmp" # QEMU writes its dumps 0400
mv "$DIR/qemu.elf.tmp" "$DIR/qemu.elf"
dumps=(--dump qemu-elf=qemu.elf)
if [ -n "$FLAT" ]; then
	chmod 644 "$DIR/$FLAT.tmp"
	mv "$DIR/$FLAT.tmp" "$DIR/$FLAT"
	dumps+=(--dump qemu-kdump-zlib-flat="$FLAT")
fi
extra=()
if [ "$boot" = many ]; then
	many=$(tr -d '\r' <"$DIR/facts.log" |
		awk '!f && index($0, "KDIVE-FACT {\"role\":\"many\",") {sub(/^.*KDIVE-FACT /, ""); print; f = 1}')
	[ -n "$many" ] || lab_die "$kernel-$boot: no fact of kdive-many in facts.log"
	extra=(--set "many=$many")
fi
if [ "$boot" = states ]; then
	extra=(--set "states=$(lab_states_json "$spec")")
fi

qver=$(qemu-system-x86_64 --version | awk '/version/{print $4; exit}')
"$PY" "$LAB_SRC/guest/facts.py" "$kernel" "$boot" "$DIR/facts.log" "$DIR/console.log" "$DIR/facts.json" \
	"${dumps[@]}" --set "vmcoreinfo=$vmci" "${extra[@]}" \
	--set "qemu={\"version\":\"$qver\",\"accel\":\"$ACCEL\",\"machine\":\"pc\",\"mem_mib\":$MEM,\"smp\":2}"
echo "$sig" >"$DIR/.boot-inputs"
lab_log "$kernel-$boot: done in $(lab_elapsed "$t0"): $(cd "$DIR" && du -sh qemu.elf $FLAT | tr '\n\t' '  ')"
