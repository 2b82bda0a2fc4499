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
		case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" in
		"install ok installed") ;;
		*) missing+=("$p") ;;
		esac
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

# crash's embedded gdb (10.2) builds partial symbol tables of the whole vmlinux at every
# start and again for each type it looks up; with a .gdb_index section it reads the index
# instead. The lab keeps, per kernel, an indexed copy of the vmlinux (lab_gdb_index: the
# host's gdb-add-index on a copy, the same DWARF plus the index) outside the kernels
# directory, and lab_crash shows it to crash at the vmlinux's own path (a bind mount in a
# private mount namespace), so crash's output names the same file and is the same: measured
# on trixie's 305 reference commands, byte-identical output, 154 s without the index, 39 s
# with it (its start 33 s -> 16 s; list -s task_struct.comm 56 s -> 5 s). Where no index
# is current or the namespace cannot be made (not root), crash reads the vmlinux itself.
# LAB_CRASH_GDB_INDEX=0 turns it off: bench/ times crash as its users run it, on Debian's
# vmlinux, which has no index.
LAB_GDB_INDEX="$LAB/gdb-index"
lab_gdb_index_of() { # VMLINUX -> its index's path, when VMLINUX is a lab kernel's vmlinux
	case "$1" in
	"$LAB"/kernels/*/vmlinux) printf '%s/%s.vmlinux\n' "$LAB_GDB_INDEX" "$(basename "$(dirname "$1")")" ;;
	*) return 1 ;;
	esac
}
lab_gdb_index_current() { # VMLINUX: true when its index exists and was made from it as it is
	local idx
	[ "${LAB_CRASH_GDB_INDEX:-1}" != 0 ] || return 1
	idx=$(lab_gdb_index_of "$1") && [ -f "$idx" ] && [ "$(cat "$idx.src" 2>/dev/null)" = "$(lab_sig "$1")" ]
}
# lab_gdb_index VMLINUX...: make or refresh each one's index (about 8 s and 400 MB each).
lab_gdb_index() {
	local v idx tmp
	lab_apt gdb binutils
	mkdir -p "$LAB_GDB_INDEX"
	for v; do
		idx=$(lab_gdb_index_of "$v") || continue
		lab_gdb_index_current "$v" && continue
		tmp="$idx.tmp.$$"
		rm -f "$idx" "$idx.src"
		cp "$v" "$tmp"
		if gdb-add-index "$tmp" >"$tmp.log" 2>&1 && readelf -S -W "$tmp" | grep -q '\.gdb_index'; then
			mv -f "$tmp" "$idx"
			lab_sig "$v" >"$idx.src"
			lab_log "$(basename "$(dirname "$v")"): gdb index for crash, $(($(stat -c %s "$idx") >> 20)) MiB"
		else
			lab_log "$(basename "$(dirname "$v")"): gdb-add-index failed, crash reads the vmlinux itself: $(tail -1 "$tmp.log")"
			rm -f "$tmp"
		fi
		rm -f "$tmp.log"
	done
}
lab_crash() {
	local a n=0 binds=()
	for a; do
		if lab_gdb_index_current "$a"; then binds+=("$a" "$(lab_gdb_index_of "$a")"); n=$((n + 1)); fi
	done
	if [ "$n" = 0 ] || [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		lab_chroot_exec /usr/bin/crash "$@"
		return
	fi
	unshare --mount --propagation private bash -c '
		. "$1"; shift; n=$1; shift
		for ((i = 0; i < n; i++)); do mount --bind "$2" "$1" 2>/dev/null || true; shift 2; done
		lab_chroot_exec /usr/bin/crash "$@"' _ "$LAB_SRC/tools.sh" "$n" "${binds[@]}" "$@"
}
lab_makedumpfile() { lab_chroot_exec /usr/bin/makedumpfile "$@"; }

# Dump formats: "<format> <file in $LAB/dumps/<kernel>-<boot>/>", in manifest order.
LAB_FORMATS="qemu-elf qemu.elf
qemu-kdump-zlib-flat qemu-kdump-zlib.flat
mdf-zlib mdf-zlib.kdump
mdf-lzo mdf-lzo.kdump
mdf-zstd mdf-zstd.kdump
mdf-raw mdf-raw.kdump
mdf-filtered-elf mdf-filtered.elf
mdf-zlib-flat mdf-zlib.flat
kdump-zlib vmcore-kdump-zlib.kdump
kdump-raw-elf vmcore-raw.elf"

# Every dump that exists, one per line: id kernel boot format dumpfile (tab separated).
# A boot dir is <kernel>-<boot>; a file counts once it is complete (no .tmp names).
lab_dumps() {
	local d base kernel boot format file
	for d in "$LAB"/dumps/*-*/; do
		[ -d "$d" ] || continue
		base=${d%/}
		base=${base##*/}
		kernel=${base%%-*}
		boot=${base#*-}
		while read -r format file; do
			[ -s "$d$file" ] || continue
			printf '%s\t%s\t%s\t%s\t%s\n' "$kernel-$boot-$format" "$kernel" "$boot" "$format" "$d$file"
		done <<<"$LAB_FORMATS"
	done
}

# lab_sig FILE...: a signature of files for cache stamps. Small files (scripts, facts)
# by content and file name, so a checkout of the same scripts at another path keeps the
# cache valid; large ones (dumps, vmlinux, under $LAB) by size, mtime, inode and path.
lab_sig() {
	local f
	for f in "$@"; do
		if [ ! -e "$f" ]; then
			printf 'missing %s\n' "$f"
		elif [ "$(stat -L -c %s "$f")" -lt 1048576 ]; then
			# by name, not path: checkouts elsewhere (CI's fresh clone) share the cache
			printf '%s %s\n' "$(md5sum <"$f" | cut -d' ' -f1)" "$(basename "$f")"
		else
			stat -L -c '%s %Y %i %n' "$f"
		fi
	done
}

# lab_fresh STAMP FILE...: true if STAMP holds the current lab_sig of the FILEs.
lab_fresh() {
	local stamp="$1"; shift
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(lab_sig "$@")" ]
}

# Workload processes of a boot's facts.json, one "pid role" line each.
lab_facts_workload() {
	jq -r '(.workload // .workloads // .processes // [])
		| if type == "object" then to_entries | map(.value + {role: (.value.role // .key)}) else . end
		| .[] | select(.pid != null) | "\(.pid) \(.role // "-")"' "$1"
}

# Debian's python3 (the lab's small helpers need nothing beyond the standard library).
lab_python3() {
	[ -x /usr/bin/python3 ] || lab_apt python3-minimal
	echo /usr/bin/python3
}
