#!/usr/bin/env bash
# formats.sh DUMP-DIR: makedumpfile 1.7.6 (the trixie chroot's) variants of a boot's qemu.elf.
#
#   mdf-zlib.kdump     -c -d 31        mdf-lzo.kdump   -l -d 31
#   mdf-zstd.kdump     -z -d 31        mdf-raw.kdump   -d 31
#   mdf-filtered.elf   -E -d 31        mdf-zlib.flat   -F -c -d 31 (flattened, stdout)
#
# Which variants per boot (DUMP-DIR is $LAB/dumps/<kernel>-<boot>):
#   kaslr         all six
#   nokaslr       mdf-zlib only
#   states        mdf-zlib only
#   novmcoreinfo  none: makedumpfile -d needs VMCOREINFO, and -x vmlinux cannot
#                 recover the KASLR offset / phys_base that VMCOREINFO carries
#   kdump         none (the guest's own kdump already wrote vmcores)
# QEMU 7.2 writes qemu.elf with its program headers after two section headers
# (e_phoff 192); makedumpfile 1.7.6, like 1.7.2, fails on that ("Can't get the number
# of PT_LOAD"). So makedumpfile reads a temporary sparse copy normalised by
# elf-phdrs-first.py (program headers right after the ELF header, no section headers,
# segments untouched); qemu.elf itself is never modified.
# Each output is written to a .tmp name and renamed; all are remade when qemu.elf, the
# options or elf-phdrs-first.py change (.mdf.stamp), and a remade file identical to the
# old one is not replaced. makedumpfile's messages: <output>.log.
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

[ $# -eq 1 ] || lab_die "usage: formats.sh DUMP-DIR"
dir="${1%/}"
[ -d "$dir" ] || lab_die "$dir: no such directory"
base=$(basename "$dir")
boot=${base#*-}
elf="$dir/qemu.elf"

case "$boot" in
kaslr) variants="zlib lzo zstd raw filtered-elf zlib-flat" ;;
nokaslr | states) variants="zlib" ;;
novmcoreinfo)
	lab_log "$base: no makedumpfile variants (no VMCOREINFO in the dump)"
	exit 0
	;;
*)
	lab_log "$base: no makedumpfile variants for boot '$boot'"
	exit 0
	;;
esac
[ -s "$elf" ] || lab_die "$elf missing"

variant_file() {
	case "$1" in
	zlib) echo mdf-zlib.kdump ;; lzo) echo mdf-lzo.kdump ;; zstd) echo mdf-zstd.kdump ;;
	raw) echo mdf-raw.kdump ;; filtered-elf) echo mdf-filtered.elf ;; zlib-flat) echo mdf-zlib.flat ;;
	esac
}
variant_opts() {
	case "$1" in
	zlib) echo "-c -d 31" ;; lzo) echo "-l -d 31" ;; zstd) echo "-z -d 31" ;;
	raw) echo "-d 31" ;; filtered-elf) echo "-E -d 31" ;; zlib-flat) echo "-F -c -d 31" ;;
	esac
}

# One formats.sh per boot at a time (two builds may share the cache).
exec 9>"$dir/.mdf.lock"
flock 9

# Cache: .mdf.stamp holds lab_sig of qemu.elf and the scripts, taken before the run.
stamp="$dir/.mdf.stamp"
# (of this script only the variants and their options count)
sig=$(for v in $variants; do printf '%s: makedumpfile %s\n' "$(variant_file "$v")" "$(variant_opts "$v")"; done
	lab_sig "$elf" "$LAB_SRC/elf-phdrs-first.py")
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sig" ]; then
	ok=1
	for v in $variants; do [ -s "$dir/$(variant_file "$v")" ] || ok=0; done
	if [ "$ok" = 1 ]; then
		lab_log "$base: makedumpfile variants up to date"
		exit 0
	fi
fi
rm -f "$stamp"

t0=$SECONDS
input=""
cleanup() { [ -z "$input" ] || rm -f "$input"; }
trap cleanup EXIT
# make_input: the normalised copy of qemu.elf, made once, when a variant is needed.
make_input() {
	[ -z "$input" ] || return 0
	input="$dir/.mdf-input.elf.$$"
	cp --sparse=always "$elf" "$input"
	"$(lab_python3)" "$LAB_SRC/elf-phdrs-first.py" "$input" || lab_die "$base: cannot normalise $elf"
}
for v in $variants; do
	out=$(variant_file "$v")
	opts=$(variant_opts "$v")
	rm -f "$dir/$out.tmp"
	make_input
	rc=0
	# shellcheck disable=SC2086 # opts are words
	case "$v" in
	zlib-flat) lab_makedumpfile $opts "$input" >"$dir/$out.tmp" 2>"$dir/$out.log" || rc=$? ;;
	*) lab_makedumpfile $opts "$input" "$dir/$out.tmp" >"$dir/$out.log" 2>&1 || rc=$? ;;
	esac
	if [ "$rc" != 0 ] || [ ! -s "$dir/$out.tmp" ]; then
		tail -n 5 "$dir/$out.log" >&2
		rm -f "$dir/$out.tmp"
		lab_die "$base: makedumpfile $opts failed (exit $rc, log $dir/$out.log)"
	fi
	# makedumpfile's output is deterministic: an unchanged file is kept as it is, so
	# the references made from it stay valid.
	if cmp -s "$dir/$out.tmp" "$dir/$out"; then
		rm -f "$dir/$out.tmp"
		lab_log "$base: $out unchanged"
	else
		mv "$dir/$out.tmp" "$dir/$out"
		lab_log "$base: $out ($(du -h "$dir/$out" | cut -f1))"
	fi
done
printf '%s\n' "$sig" >"$stamp"
lab_log "$base: makedumpfile variants done in $((SECONDS - t0)) s"
exit
}
