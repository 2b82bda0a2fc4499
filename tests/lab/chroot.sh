#!/usr/bin/env bash
# Build $LAB/chroot/trixie: a minbase trixie with crash 8.0.6 and makedumpfile 1.7.6,
# the lab's reference tools (run them through lab_crash / lab_makedumpfile from tools.sh).
# Cached: stamps in the chroot; a second run only re-checks the versions.
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

CH="$LAB_CHROOT"
STAMP_BASE="$CH/.kdive-debootstrap.stamp"
STAMP_TOOLS="$CH/.kdive-tools.stamp"

lab_apt debootstrap

if [ ! -e "$STAMP_BASE" ]; then
	mirror=$(lab_mirror)
	tmp="$CH.tmp"
	rm -rf "$tmp"
	mkdir -p "$(dirname "$CH")"
	lab_log "debootstrap trixie (minbase) into $CH"
	t0=$(date +%s)
	debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$LAB/chroot/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$LAB/chroot/debootstrap.log" >&2; lab_die "debootstrap failed (log: $LAB/chroot/debootstrap.log)"; }
	rm -rf "$CH"
	mv "$tmp" "$CH"
	touch "$STAMP_BASE"
	lab_log "debootstrap done in $(($(date +%s) - t0)) s"
fi

if [ ! -e "$STAMP_TOOLS" ]; then
	lab_log "installing crash and makedumpfile in the chroot"
	cp -L /etc/resolv.conf "$CH/etc/resolv.conf" 2>/dev/null || true
	# apt and dpkg only need /proc and /dev inside; bind them for this step alone.
	cleanup() {
		umount "$CH/proc" 2>/dev/null || true
		umount "$CH/dev" 2>/dev/null || true
	}
	trap cleanup EXIT
	mount --bind /proc "$CH/proc"
	mount --bind /dev "$CH/dev"
	chroot "$CH" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		apt-get update -qq
	chroot "$CH" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		apt-get install -y -qq --no-install-recommends crash makedumpfile >"$LAB/chroot/apt.log" 2>&1 ||
		{ tail -n 30 "$LAB/chroot/apt.log" >&2; lab_die "apt-get install in the chroot failed"; }
	chroot "$CH" apt-get clean
	cleanup
	trap - EXIT
	touch "$STAMP_TOOLS"
fi

# Verify the versions, running the binaries the way the lab does (host paths, chroot loader).
cv=$({ lab_crash --version 2>&1 || true; } | awk '/^crash /{print $2; exit}')
mv_=$({ lab_makedumpfile -v 2>&1 || true; } | awk '/^makedumpfile: version/{print $3; exit}')
[ "$cv" = "$LAB_CRASH_VERSION" ] || lab_die "chroot crash is '$cv', want $LAB_CRASH_VERSION"
[ "$mv_" = "$LAB_MAKEDUMPFILE_VERSION" ] || lab_die "chroot makedumpfile is '$mv_', want $LAB_MAKEDUMPFILE_VERSION"
# (no grep -q at the end of a pipe: under pipefail its early exit can fail the pipe)
mdv=$(lab_makedumpfile -v 2>&1 || true)
grep -q '^zstd[[:space:]]*enabled' <<<"$mdv" || lab_die "chroot makedumpfile lacks zstd"
lab_log "chroot ok: crash $cv, makedumpfile $mv_ (zstd enabled)"
exit
}
