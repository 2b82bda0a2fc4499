# Shared paths and helpers for the dump lab. Sourced, never run.
#
# Layout of the cache (never inside the checkout):
#   $LAB/debs/                      downloaded .deb files
#   $LAB/kernels/<kernel>/          vmlinuz, vmlinux, release, modules/, debug-modules/ (the loaded
#                                   modules' .ko files with DWARF, for mod -S; kernel = bookworm | trixie | rt)
#   $LAB/chroot/trixie/             debootstrap'd trixie with crash 8.0.6 and makedumpfile 1.7.6
#   $LAB/dumps/<kernel>-<boot>/     one guest boot: console.log, facts.json and its dump files
#                                   (boot = kaslr | nokaslr | novmcoreinfo | states | kdump;
#                                   the rt kernel has the states boot only)
#   $LAB/ref/<dump-id>/             crash 8.0.6 reference: <slug>.cmd (one command), <slug>.out and
#                                   <slug>.key (what it is valid for); index lists the current ones
#   $LAB/bench/<kernel>-many/       the benchmark boot (boot.sh <kernel> many, for bench/tasks.sh):
#                                   like a dump directory, but outside dumps/ so that no manifest,
#                                   reference or test ever sees it
#   $LAB/soak/<kernel>-<n>/         the soak's boots (tests/lab/soak, never part of the build):
#                                   dumps, crash/ and kdive/ outputs; $LAB/soak/report.txt
#   $LAB/manifest.tsv               one line per dump (see below); the e2e harness iterates it
#
# manifest.tsv columns (tab separated, header line first):
#   id  kernel  boot  format  dump  vmlinux  facts  refdir
# id is "<kernel>-<boot>-<format>", e.g. bookworm-kaslr-qemu-elf.

KDIVE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kdive"
LAB="$KDIVE_CACHE/lab"
LAB_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export KDIVE_CACHE LAB LAB_SRC

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "error: $*"; exit 1; }

# The Debian mirror as configured on this machine; never written into the repository.
lab_mirror() {
	local uri
	uri=$(grep -hoE '^URIs:[[:space:]]*[^[:space:]]+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
	[ -n "$uri" ] || uri=$(grep -hoE '^deb[[:space:]]+[^[:space:]]+/debian/?[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | awk '{print $2}')
	[ -n "$uri" ] || lab_die "no Debian mirror configured in /etc/apt"
	printf '%s\n' "${uri%/}"
}
