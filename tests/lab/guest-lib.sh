# Helpers shared by the guest side of the dump lab (kernels.sh, guest.sh, boot.sh,
# kdump.sh, guest-all.sh). Sourced, never run. Sources lib.sh for the cache layout.
# shellcheck shell=bash

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_KERNELS="bookworm trixie rt"
LAB_BOOTS="kaslr nokaslr novmcoreinfo states"

# lab_boots KERNEL: the QEMU boots (boot.sh) of KERNEL in the regular lab. The PREEMPT_RT
# kernel (rt) has only the states boot, and no kdump (lab_has_kdump).
lab_boots() {
	case "$1" in rt) echo states ;; *) echo "$LAB_BOOTS" ;; esac
}
lab_has_kdump() { [ "$1" != rt ]; }
# The panic boots (boot.sh KERNEL panic --panic KIND, in $LAB/panics/): the kernels that
# have them and their kinds. The report's tests (tests/e2e/report.py) read them.
LAB_PANICS="oops softlockup oom hung"
lab_has_panics() { [ "$1" != rt ]; }

# The guest's NIC (every boot, kdump's too): virtio-net on a QEMU hub of its own (no host
# network, nothing on the wire but what the guest sends), MAC 52:54:00:6b:64:01 as
# workload/kdive-net.c expects; the guest configures it (kdive-net: eth0, static IPv4 and
# IPv6 addresses, a permanent ARP entry).
LAB_QEMU_NIC=(-netdev hubport,id=labnet,hubid=0 -device virtio-net-pci,netdev=labnet,mac=52:54:00:6b:64:01)

# The states boot's mix (kdive.states=, see states/states-init): panic on CPU 1, CPU 0 busy
# in user space under SCHED_FIFO (and a child that never ran), CPU 1 taking page faults.
LAB_STATES_SPEC="1:userspin:faults"
LAB_STATES_ACTIVITIES="userspin kernspin idle io netflood faults exiting zombies threads"

# lab_states_json SPEC: facts.json's "states" for SPEC (PANIC_CPU:CPU0:CPU1), checked.
lab_states_json() {
	local p a0 a1 rest
	IFS=: read -r p a0 a1 rest <<<"$1"
	case "$p" in 0 | 1) ;; *) lab_die "states spec '$1': panic CPU is not 0 or 1" ;; esac
	[ -z "$rest" ] && [[ " $LAB_STATES_ACTIVITIES " == *" $a0 "* ]] && [[ " $LAB_STATES_ACTIVITIES " == *" $a1 "* ]] ||
		lab_die "states spec '$1' is not PANIC_CPU:CPU0:CPU1 with activities of: $LAB_STATES_ACTIVITIES"
	[ "$a0" != "$a1" ] || [ "$a0" = idle ] || lab_die "states spec '$1': the CPUs' activities must differ"
	printf '{"spec":"%s","panic_cpu":%s,"cpu0":"%s","cpu1":"%s"}\n' "$1" "$p" "$a0" "$a1"
}

# lab_facts_states_spec FACTS_JSON: its states spec, empty if none.
lab_facts_states_spec() {
	"$(lab_python)" -c 'import json, sys
try:
    print(json.load(open(sys.argv[1])).get("states", {}).get("spec", ""))
except (OSError, ValueError):
    print("")' "$1"
}

# lab_boot_sig WORD... -- FILE...: the signature of what a boot (boot.sh, kdump.sh) was made
# from: the WORDs (its cmdline, memory, dumps) and the FILEs' contents (the initramfs'
# .inputs hashes, which cover guest/init, the workload, the kernel's stamp and modules;
# the boot script, facts.py). A boot directory holds it in .boot-inputs, written last; one
# without it, or with another, is booted again: its dumps and facts.json would describe an
# older workload (CI's cache kept pre-module boots whose facts.json an older facts.py had
# made, and e2e checked them against the new workload).
lab_boot_sig() {
	local f
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do printf 'w %s\n' "$1"; shift; done
		[ $# -eq 0 ] || shift
		for f in "$@"; do
			if [ -e "$f" ]; then printf 'f %s %s\n' "$(basename "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)"
			else printf 'missing %s\n' "$(basename "$f")"; fi
		done
	} | sha256sum | cut -d' ' -f1
}

# lab_boot_current DIR SIG: DIR holds a boot made from SIG.
lab_boot_current() { [ "$(cat "$1/.boot-inputs" 2>/dev/null)" = "$2" ]; }

_lab_apt_updated=0
# Run apt-get update at most once per script run.
lab_apt_update_once() {
	[ "$_lab_apt_updated" = 1 ] && return 0
	lab_log "apt-get update"
	apt-get update -qq >&2 || lab_die "apt-get update failed"
	_lab_apt_updated=1
}

# lab_need_pkgs PKG...: install the Debian packages that are not installed yet.
lab_need_pkgs() {
	local p missing=()
	for p; do
		# (not dpkg -s | grep -q: with pipefail, grep's early exit fails the pipe)
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	lab_apt_update_once
	lab_log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		lab_die "apt-get install ${missing[*]} failed"
}

# lab_initramfs_layer BASE ROOT OUT: OUT is the initramfs BASE (a file; /dev/null for none)
# followed by a gzip'd cpio archive of the tree ROOT (newc, owned by root, in sorted order,
# so the same tree gives the same bytes). The kernel unpacks the archives in order: the
# states, panic and many boots add their own files to the lab's initramfs this way, so its
# other boots and their inputs stay as they are. Written whole, then renamed.
lab_initramfs_layer() {
	{
		cat "$1"
		(cd "$2" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n
	} >"$3.tmp.$$"
	mv "$3.tmp.$$" "$3"
}

# lab_kernel_boot_dir KERNEL: the unpacked kernel, as far as a boot needs it: its image
# part (vmlinuz, config, modules, release: .image-stamp, which kernels.sh writes before it
# extracts the debug vmlinux, so scripts/demo boots while that goes on) or all of it.
lab_kernel_boot_dir() {
	local d="$LAB/kernels/$1"
	[ -f "$d/.stamp" ] || [ -f "$d/.image-stamp" ] || lab_die "kernel $1 not unpacked: run tests/lab/kernels.sh $1"
	printf '%s\n' "$d"
}

# lab_kernel_stamp KDIR: the kernel's stamp (release and module lists), from either stamp:
# both hold the same text, so a boot made during the debug extraction stays current after it.
lab_kernel_stamp() {
	if [ -f "$1/.stamp" ]; then cat "$1/.stamp"; else cat "$1/.image-stamp"; fi
}

# lab_kernel_dir KERNEL: the unpacked kernel, checked to be complete.
lab_kernel_dir() {
	local d="$LAB/kernels/$1"
	[ -f "$d/.stamp" ] || lab_die "kernel $1 not unpacked: run tests/lab/kernels.sh $1"
	printf '%s\n' "$d"
}

lab_check_kernel_name() {
	case "$1" in bookworm | trixie | rt) ;; *) lab_die "unknown kernel '$1' (bookworm | trixie | rt)" ;; esac
}

# QEMU accelerator: TCG unless KDIVE_LAB_KVM=1 and KVM really works here.
lab_qemu_accel() {
	if [ "${KDIVE_LAB_KVM:-0}" = 1 ] && [ -w /dev/kvm ] &&
		printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 20 qemu-system-x86_64 -accel kvm -machine none -display none -nodefaults \
			-S -qmp stdio >/dev/null 2>&1; then
		echo kvm
	else
		echo tcg
	fi
}

# The python3 that runs the QMP client and writes facts.json (Debian's, not a shim).
lab_python() {
	if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else
		lab_need_pkgs python3-minimal
		echo /usr/bin/python3
	fi
}

# lab_elapsed START: seconds since START (from $SECONDS).
lab_elapsed() { echo "$((SECONDS - $1))s"; }
