#!/usr/bin/env bash
# check.sh [ID-PREFIX...]: for every dump in $LAB/manifest.tsv (or those whose id starts
# with one of the prefixes), assert that crash 8.0.6 opened it
# (exit status 0 of its first crash start and a "sys" reference with the dump's KERNEL/DUMPFILE) and that
# its "ps" reference lists every workload PID of facts.json. Prints a table; exits
# non-zero if any dump fails.
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

manifest="$LAB/manifest.tsv"
[ -f "$manifest" ] || lab_die "$manifest missing: run tests/lab/manifest.sh"

fail=0 n=0
printf '%-44s %-6s %-9s %s\n' ID OPENED PIDS RESULT
while IFS=$'\t' read -r id kernel boot format dump vmlinux facts refdir; do
	[ "$id" = id ] && continue
	if [ $# -gt 0 ]; then
		m=0
		for pre in "$@"; do case "$id" in "$pre"*) m=1 ;; esac; done
		[ "$m" = 1 ] || continue
	fi
	n=$((n + 1))
	opened=no why=""
	# the first crash start: phase1 (a boot's primary dump) or phase12 (the others)
	run=phase1
	[ -e "$refdir/_run/phase12.rc" ] && run=phase12
	rc=$(cat "$refdir/_run/$run.rc" 2>/dev/null || echo none)
	if [ ! -e "$refdir/.stamp" ]; then
		why="no reference (run reference.sh $id)"
	elif [ "$rc" != 0 ]; then
		why="crash exit $rc: $(grep -m1 -v '^$' "$refdir/_run/$run.stderr" 2>/dev/null | cut -c1-100)"
	elif ! grep -q '^ *KERNEL:' "$refdir/sys.out" || ! grep -q '^ *DUMPFILE:' "$refdir/sys.out"; then
		why="sys printed no KERNEL/DUMPFILE"
	else
		opened=yes
	fi
	want=() missing=()
	if [ -f "$facts" ]; then
		mapfile -t want < <(lab_facts_workload "$facts" | awk '{print $1}')
	else
		why="${why:+$why; }no facts.json"
	fi
	[ -f "$facts" ] && [ ${#want[@]} -eq 0 ] && why="${why:+$why; }no workload pid in facts.json"
	got=$(sed 's/^>//' "$refdir/ps.out" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -u)
	for p in "${want[@]}"; do
		grep -qx "$p" <<<"$got" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] || why="${why:+$why; }ps lacks pid ${missing[*]}"
	pids="$((${#want[@]} - ${#missing[@]}))/${#want[@]}"
	if [ -z "$why" ]; then
		res=ok
	else
		res="FAIL: $why"
		fail=$((fail + 1))
	fi
	printf '%-44s %-6s %-9s %s\n' "$id" "$opened" "$pids" "$res"
done <"$manifest"
echo "check: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
exit
}
