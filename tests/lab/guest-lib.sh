# Helpers shared by the guest side of the dump lab (kernels.sh, guest.sh, boot.sh,
# kdump.sh, guest-all.sh). Sourced, never run. Sources lib.sh for the cache layout.
# shellcheck shell=bash

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_KERNELS="bookworm trixie"
LAB_BOOTS="kaslr nokaslr novmcoreinfo"

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
