# Reference tools of the dump lab: crash 8.0.6 and makedumpfile 1.7.6 from the
# trixie chroot that chroot.sh builds. Sourced, never run.
#
#   lab_crash ARGS...         the chroot's crash, on host paths
#   lab_makedumpfile ARGS...  the chroot's makedumpfile, on host paths
#   lab_apt PKG...            install host packages that are missing
#
# Both tools run on the host through the chroot's own dynamic loader with the
# chroot's library directories, so no mount, no chroot(2) and no cleanup are
# needed and every host path works as is. The host's own crash/makedumpfile
# (bookworm: 8.0.2 and 1.7.2) are never used.

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAB_CHROOT="$LAB/chroot/trixie"
LAB_CRASH_VERSION=8.0.6
LAB_MAKEDUMPFILE_VERSION=1.7.6
export LAB_CHROOT

# Install missing host packages: apt-get update at most once per process tree.
lab_apt() {
	local p missing=()
	for p in "$@"; do
		dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	lab_log "installing host packages: ${missing[*]}"
	if [ -z "${LAB_APT_UPDATED:-}" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq || lab_die "apt-get update failed"
		LAB_APT_UPDATED=1
		export LAB_APT_UPDATED
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		lab_die "apt-get install ${missing[*]} failed"
}

# Run a binary of the chroot on the host through the chroot's loader.
lab_chroot_exec() {
	local bin="$1"; shift
	local ch="$LAB_CHROOT"
	[ -x "$ch$bin" ] || lab_die "$ch$bin missing: run tests/lab/chroot.sh"
	LC_ALL=C LANG=C TZ=UTC \
		"$ch/lib64/ld-linux-x86-64.so.2" \
		--library-path "$ch/lib/x86_64-linux-gnu:$ch/usr/lib/x86_64-linux-gnu" \
		--argv0 "$(basename "$bin")" \
		"$ch$bin" "$@"
}

lab_crash() { lab_chroot_exec /usr/bin/crash "$@"; }
lab_makedumpfile() { lab_chroot_exec /usr/bin/makedumpfile "$@"; }
