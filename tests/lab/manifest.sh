#!/usr/bin/env bash
# manifest.sh: write $LAB/manifest.tsv, one line per dump that exists (columns in lib.sh):
#   id  kernel  boot  format  dump  vmlinux  facts  refdir
# refdir is $LAB/ref/<id> (filled by reference.sh).
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

out="$LAB/manifest.tsv"
tmp="$out.tmp.$$"
mkdir -p "$LAB"
{
	printf 'id\tkernel\tboot\tformat\tdump\tvmlinux\tfacts\trefdir\n'
	lab_dumps | while IFS=$'\t' read -r id kernel boot format dump; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$kernel" "$boot" "$format" "$dump" \
			"$LAB/kernels/$kernel/vmlinux" "$LAB/dumps/$kernel-$boot/facts.json" "$LAB/ref/$id"
	done
} >"$tmp"
mv "$tmp" "$out"
lab_log "manifest: $(($(wc -l <"$out") - 1)) dumps in $out"
exit
}
