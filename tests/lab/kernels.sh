#!/usr/bin/env bash
# Fetch and unpack the lab's guest kernels into $LAB/kernels/<kernel>/:
#   vmlinuz        the bootable image (from linux-image-<rel>-unsigned, else the signed one)
#   vmlinux        the debug vmlinux (from linux-image-<rel>-dbg: only ./usr/lib/debug/boot/)
#   release        uname -r of the kernel, e.g. 6.1.0-56-amd64
#   config         the kernel configuration
#   modules/       the guest's modules, decompressed, and load.order (one name a line,
#                  dependencies first, per modules.dep); load.capture, the same for the
#                  kdump capture kernel, which loads only CAPTURE_MODULES
#   debug-modules/ the -dbg package's module files (with DWARF) of the modules in
#                  load.order, at their paths under /usr/lib/debug/lib/modules/<release>/
#                  (kernel/fs/ext4/ext4.ko...): the directory of `mod -S DIR` in the lab's
#                  references (commands.txt's @MODDIR@)
#   packages       the .deb files it came from
#   .image-stamp   what .stamp holds, written once vmlinuz, config, modules/ and release are
#                  in place, before the debug package is extracted: boot.sh and guest.sh
#                  (lab_kernel_boot_dir) need no more, so scripts/demo boots meanwhile
#   .stamp         written last: the release, then the module lists it was unpacked for; a
#                  kernel with a stamp for the current lists is never fetched again (--force does)
#
# Usage: kernels.sh [--force] [--image-ready FILE] [bookworm|trixie|rt|all]...  (default: all)
#   --image-ready FILE: (for one kernel) touch FILE as soon as it can boot: its image part is
#              unpacked, or it was complete already (scripts/demo boots meanwhile)
#   bookworm = the current bookworm linux-image-amd64 from the system's apt sources (6.1)
#   trixie   = the current trixie linux-image-amd64 (6.12), through a private apt
#              configuration under $LAB/apt-trixie/ (the system's sources are untouched)
#   rt       = the current bookworm linux-image-rt-amd64 (6.1 PREEMPT_RT), from the
#              system's apt sources like bookworm; its vmlinux from linux-image-rt-amd64-dbg
set -euo pipefail
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"

# Modules the capture kernel needs: virtio disks for kdump and qemu_fw_cfg, which hands
# the guest's VMCOREINFO to QEMU's -device vmcoreinfo. Their dependencies come along.
CAPTURE_MODULES="virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk qemu_fw_cfg"
# The first kernel (every boot) loads those and real modules beyond them, so the dumps
# have module code on a stack, a module filesystem mounted and a module network device
# (guest/init): loop (the ext4 image's device), crc32c_generic (ext4 asks the crypto API
# for crc32c at every mount, and the guest has no modprobe), ext4 (with jbd2, mbcache, crc16 per
# modules.dep; its journal thread kjournald2 is jbd2 code), dummy (dummy0, up), virtio_net
# (with failover, net_failover: the virtio NIC eth0 with its IPv4 and IPv6 addresses).
GUEST_MODULES="$CAPTURE_MODULES loop crc32c_generic ext4 dummy virtio_net"
# The stamp's second line: a kernel unpacked for other module lists is unpacked again.
MODULES_SIG="modules: $GUEST_MODULES; capture: $CAPTURE_MODULES; debug-modules"

force=0
targets=()
image_ready=
while [ $# -gt 0 ]; do
	a=$1
	shift
	case "$a" in
	--force) force=1 ;;
	--image-ready) image_ready=${1:?--image-ready FILE}; shift ;;
	bookworm | trixie | rt) targets+=("$a") ;;
	all) targets+=(bookworm trixie rt) ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) lab_die "usage: kernels.sh [--force] [--image-ready FILE] [bookworm|trixie|rt|all]" ;;
	esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(bookworm trixie rt)

APT=()            # extra apt options for the kernel being fetched
_trixie_updated=0

# The private apt configuration for trixie: same mirror as the system, suite trixie.
setup_trixie_apt() {
	local d="$LAB/apt-trixie" mirror sec
	mirror=$(lab_mirror)
	# The security archive, if the system uses one (same host naming as the system's).
	sec=$(grep -hoE '^URIs:[[:space:]]*[^[:space:]]+/debian-security/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		head -n1 | awk '{print $2}') || true
	[ -n "$sec" ] || sec=$(grep -hoE '^deb[[:space:]]+[^[:space:]]+/debian-security/?[[:space:]]' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | awk '{print $2}') || true
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	{
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-updates main"
		[ -z "$sec" ] || echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${sec%/} trixie-security main"
	} >"$d/sources.list.new"
	mv "$d/sources.list.new" "$d/sources.list"
	APT=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
	if [ "$_trixie_updated" = 0 ]; then
		lab_log "trixie: apt-get update (private lists in $d)"
		apt-get "${APT[@]}" -o APT::Sandbox::User=root update -qq >&2 || lab_die "apt-get update for trixie failed"
		_trixie_updated=1
	fi
}

# The bookworm kernels come from the system's sources; update them once if the lists lack
# META (the metapackage that depends on the versioned image).
setup_bookworm_apt() {
	APT=()
	if [ "$(apt-cache depends "$1" 2>/dev/null | grep -c 'Depends: linux-image-[0-9]')" = 0 ]; then
		lab_apt_update_once
	fi
}

# pkg_version PKG: the candidate version of PKG, empty when unknown.
pkg_version() {
	apt-cache "${APT[@]}" policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" {print $2; exit}'
}

# fetch_deb PKG: print the path of PKG's candidate .deb in $LAB/debs, downloading it if absent.
fetch_deb() {
	local pkg=$1 ver f part
	ver=$(pkg_version "$pkg")
	[ -n "$ver" ] || lab_die "no candidate for $pkg"
	f="$LAB/debs/${pkg}_${ver//:/%3a}_amd64.deb"
	if [ -s "$f" ]; then
		lab_log "have $(basename "$f")"
	else
		part="$LAB/debs/.partial"
		rm -rf "$part" && mkdir -p "$part"
		lab_log "downloading $pkg $ver"
		(cd "$part" && apt-get "${APT[@]}" -o APT::Sandbox::User=root -qq download "$pkg=$ver" >&2) ||
			lab_die "apt-get download $pkg failed"
		mv "$part/$(basename "$f")" "$f" || lab_die "download of $pkg did not produce $(basename "$f")"
		rm -rf "$part"
	fi
	printf '%s\n' "$f"
}

# modules_for MODDIR OUTDIR LIST MODULES...: copy MODULES and their dependencies,
# decompressed, to OUTDIR and write OUTDIR/LIST (dependencies first); MODPATHS gets the
# modules.dep path of each (kernel/fs/ext4/ext4.ko.xz...), one a line.
MODPATHS=
modules_for() {
	local moddir=$1 out=$2 list=$3 line path deps name d
	shift 3
	declare -A DEP=() PATHOF=() SEEN=() BUILTIN=()
	local -a ORDER=()
	while IFS= read -r line; do
		path=${line%%:*}
		deps=${line#*:}
		name=${path##*/}
		name=${name%%.ko*}
		name=${name//-/_}
		PATHOF[$name]=$path
		DEP[$name]=$deps
	done <"$moddir/modules.dep"
	if [ -f "$moddir/modules.builtin" ]; then
		while IFS= read -r path; do
			name=${path##*/}
			name=${name%%.ko*}
			BUILTIN[${name//-/_}]=1
		done <"$moddir/modules.builtin"
	fi
	visit() {
		local n=$1 p i
		[ -z "${SEEN[$n]:-}" ] || return 0
		SEEN[$n]=1
		# modprobe loads the listed dependencies last-first.
		local -a ds=()
		read -r -a ds <<<"${DEP[$n]:-}"
		for ((i = ${#ds[@]} - 1; i >= 0; i--)); do
			p=${ds[i]##*/}
			p=${p%%.ko*}
			visit "${p//-/_}"
		done
		ORDER+=("$n")
	}
	for name; do
		if [ -n "${PATHOF[$name]:-}" ]; then
			visit "$name"
		elif [ -n "${BUILTIN[$name]:-}" ]; then
			lab_log "module $name is built in"
		else
			lab_log "warning: module $name is neither a module nor built in"
		fi
	done
	mkdir -p "$out"
	: >"$out/$list"
	MODPATHS=
	for name in "${ORDER[@]}"; do
		MODPATHS+="${PATHOF[$name]}"$'\n'
		path="$moddir/${PATHOF[$name]}"
		case "$path" in
		*.ko.xz) xz -dc "$path" >"$out/$name.ko" ;;
		*.ko.zst) zstd -q -dc "$path" >"$out/$name.ko" ;;
		*.ko.gz) gzip -dc "$path" >"$out/$name.ko" ;;
		*.ko) cp "$path" "$out/$name.ko" ;;
		*) lab_die "unknown module file $path" ;;
		esac
		echo "$name" >>"$out/$list"
	done
	lab_log "modules ($list): $(tr '\n' ' ' <"$out/$list")"
}

# The lists of the labs whose stamps had one line (issue 11's: ext4, loop, dummy).
ONE_LINE_STAMP_SIG="modules: $CAPTURE_MODULES loop crc32c_generic ext4 dummy; capture: $CAPTURE_MODULES; debug-modules"

# stamp_current KDIR: the kernel was unpacked for the current module lists. A stamp of one
# line (the release alone) comes from before the lists were recorded: it has the debug
# modules when it was unpacked for ONE_LINE_STAMP_SIG's lists (current only while those are
# still the lists: issue 12 added virtio_net), else it is from a lab whose guests loaded only
# the virtio modules; either way not current for other lists.
stamp_current() {
	local sig
	sig=$(sed -n 2p "$1/.stamp")
	if [ -z "$sig" ]; then
		[ -d "$1/debug-modules" ] && [ "$ONE_LINE_STAMP_SIG" = "$MODULES_SIG" ]
	else
		[ "$sig" = "$MODULES_SIG" ]
	fi
}

# deb_data_tar DEB: the package's data tar on stdout. An xz member is decompressed by xz on
# every core (Debian's packages are written in many xz blocks: the 860 MB debug package
# takes half the time it takes dpkg-deb's own single thread).
deb_data_tar() {
	if ar t "$1" | grep -qx 'data.tar.xz'; then
		ar p "$1" data.tar.xz | xz -T0 -dc
	else
		dpkg-deb --fsys-tarfile "$1"
	fi
}

fetch_kernel() {
	local k=$1 kdir="$LAB/kernels/$1" tmp rel img_pkg dbg_pkg img dbg moddir t0=$SECONDS lockfd
	# one fetch of a kernel at a time (a demo and another lab build may share the cache);
	# the second finds it made
	mkdir -p "$LAB/kernels"
	exec {lockfd}>"$LAB/kernels/.$k.lock"
	flock "$lockfd"
	if [ -f "$kdir/.stamp" ] && [ "$force" = 0 ] && stamp_current "$kdir"; then
		lab_log "$k: have $(cat "$kdir/release") in $kdir"
		[ -z "$image_ready" ] || touch "$image_ready"
		return 0
	fi
	# meta: the metapackage naming the current kernel (its -dbg twin names the debug package)
	local meta=linux-image-amd64
	case "$k" in
	bookworm) setup_bookworm_apt "$meta" ;;
	rt)
		meta=linux-image-rt-amd64
		setup_bookworm_apt "$meta"
		;;
	trixie) setup_trixie_apt ;;
	esac
	rel=$(apt-cache "${APT[@]}" depends "$meta" |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
	rel=${rel#linux-image-}
	[ -n "$rel" ] || lab_die "$k: cannot resolve $meta"
	lab_log "$k: kernel $rel"

	img_pkg="linux-image-$rel-unsigned"
	[ -n "$(pkg_version "$img_pkg")" ] || img_pkg="linux-image-$rel"
	dbg_pkg="linux-image-$rel-dbg"
	if [ -z "$(pkg_version "$dbg_pkg")" ]; then
		dbg_pkg=$(apt-cache "${APT[@]}" depends "$meta-dbg" |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-dbg$/ {print $2; exit}')
		[ -n "$dbg_pkg" ] || lab_die "$k: no debug package for $rel"
	fi
	mkdir -p "$LAB/debs" "$LAB/kernels"
	img=$(fetch_deb "$img_pkg")
	# The debug package (the larger by far) downloads while the image unpacks.
	local dbgpath="$LAB/debs/.dbg-path.$k" dbg_pid
	rm -f "$dbgpath"
	(fetch_deb "$dbg_pkg" >"$dbgpath") &
	dbg_pid=$!

	tmp="$kdir.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp/img"
	lab_log "$k: unpacking $(basename "$img")"
	dpkg-deb -x "$img" "$tmp/img"
	cp "$tmp/img/boot/vmlinuz-$rel" "$tmp/vmlinuz"
	cp "$tmp/img/boot/config-$rel" "$tmp/config" 2>/dev/null || true
	# The package ships no modules.dep (depmod runs at install): make it here.
	if [ ! -d "$tmp/img/lib/modules/$rel" ] && [ -d "$tmp/img/usr/lib/modules/$rel" ]; then
		mkdir -p "$tmp/img/lib/modules"
		ln -s "../../usr/lib/modules/$rel" "$tmp/img/lib/modules/$rel"
	fi
	moddir="$tmp/img/lib/modules/$rel"
	[ -d "$moddir" ] || lab_die "$k: no modules in $(basename "$img")"
	/sbin/depmod -b "$tmp/img" "$rel" || lab_die "$k: depmod failed"
	[ -f "$moddir/modules.dep" ] || lab_die "$k: depmod wrote no modules.dep"
	# shellcheck disable=SC2086
	modules_for "$moddir" "$tmp/modules" load.capture $CAPTURE_MODULES
	# shellcheck disable=SC2086
	modules_for "$moddir" "$tmp/modules" load.order $GUEST_MODULES
	rm -rf "$tmp/img"
	# The image part is complete: a boot can start (lab_kernel_boot_dir) while the debug
	# vmlinux is extracted. .image-stamp holds what .stamp will.
	echo "$rel" >"$tmp/release"
	printf '%s\n%s\n' "$rel" "$MODULES_SIG" >"$tmp/.image-stamp"
	rm -rf "$kdir"
	mv "$tmp" "$kdir"
	lab_log "$k: image part ready in $kdir ($(lab_elapsed "$t0")); boots can start"
	[ -z "$image_ready" ] || touch "$image_ready"
	wait "$dbg_pid" || lab_die "$k: download of $dbg_pkg failed"
	dbg=$(cat "$dbgpath")
	rm -f "$dbgpath"
	tmp="$kdir/.dbg.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp/dbg"

	# The vmlinux and the loaded modules' debug files, in one pass over the package: each
	# member once (tar stops after the last, which ends the pipe early: dpkg-deb then
	# fails on SIGPIPE; the checks below are what counts). The -dbg package has them
	# uncompressed, at the image's paths.
	local -a members=("./usr/lib/debug/boot/vmlinux-$rel")
	while IFS= read -r path; do
		if [ -n "$path" ]; then members+=("./usr/lib/debug/lib/modules/$rel/${path%%.ko*}.ko"); fi
	done <<<"$MODPATHS"
	lab_log "$k: extracting vmlinux and $((${#members[@]} - 1)) debug modules from $(basename "$dbg")"
	{ deb_data_tar "$dbg" 2>/dev/null || true; } |
		tar -x -C "$tmp/dbg" --occurrence=1 "${members[@]}" || true
	[ -s "$tmp/dbg/usr/lib/debug/boot/vmlinux-$rel" ] || lab_die "$k: no vmlinux in $(basename "$dbg")"
	[ "$(head -c4 "$tmp/dbg/usr/lib/debug/boot/vmlinux-$rel" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		lab_die "$k: vmlinux is not ELF"
	for path in "${members[@]:1}"; do
		[ -s "$tmp/dbg/$path" ] || lab_die "$k: no ${path##*/} in $(basename "$dbg")"
	done
	mkdir -p "$tmp/dbg/usr/lib/debug/lib/modules/$rel"
	rm -rf "$kdir/debug-modules"
	mv "$tmp/dbg/usr/lib/debug/lib/modules/$rel" "$kdir/debug-modules"
	mv "$tmp/dbg/usr/lib/debug/boot/vmlinux-$rel" "$kdir/vmlinux"
	rm -rf "$tmp"

	printf '%s\n%s\n' "$(basename "$img")" "$(basename "$dbg")" >"$kdir/packages"
	printf '%s\n%s\n' "$rel" "$MODULES_SIG" >"$kdir/.stamp" # last: the kernel is complete
	lab_log "$k: $rel ready in $kdir ($(lab_elapsed "$t0"))"
}

lab_need_pkgs dpkg tar xz-utils zstd gzip kmod binutils
for k in "${targets[@]}"; do
	fetch_kernel "$k"
done
