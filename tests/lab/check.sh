#!/usr/bin/env bash
# check.sh [ID-PREFIX...]: for every dump in $LAB/manifest.tsv (or those whose id starts
# with one of the prefixes), assert that crash 8.0.6 opened it
# (exit status 0 of every crash start its references come from, its own or its boot's
# primary dump's, and a "sys" reference with
# the dump's KERNEL/DUMPFILE) and that
# its "ps" reference lists every workload PID of facts.json. For the states boot also that
# the states were there: crash's ps shows each process whose fact has a "state" in that
# state (the zombie ZO, the never-run child RU, ...), and "bt -a" shows the SCHED_FIFO
# userspin task on its CPU interrupted in user mode (CS 0033, no system call frame).
# On every dump, issue 12's workload in crash's references of net, net -a, net -s, ipcs,
# waitq, timer, timer -r and bpf (tests/e2e/run.py --check-refs: tests/e2e/lab_checks.py).
# Prints a table; exits non-zero if any dump fails.
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

manifest="$LAB/manifest.tsv"
[ -f "$manifest" ] || lab_die "$manifest missing: run tests/lab/manifest.sh"

# ref_out REFDIR COMMAND: the output file of COMMAND's reference (from REFDIR/index).
ref_out() {
	awk -F'\t' -v d="$1/" -v c="$2" '$3 == c && !f {print d $1 ".out"; f = 1}' "$1/index" 2>/dev/null || true
}

# states_problems FACTS REFDIR: what the states boot's references lack, one line each.
states_problems() {
	local pid want got cpu sect ps bta
	ps=$(ref_out "$2" ps)
	bta=$(ref_out "$2" "bt -a")
	while read -r pid want; do
		got=$(sed 's/^>//' "${ps:-/dev/null}" 2>/dev/null | awk -v p="$pid" '$1 == p && !f {print $5; f = 1}')
		[ "$got" = "$want" ] || echo "ps shows pid $pid as ${got:-nothing}, not $want"
	done < <(jq -r '.processes[] | select(.state != null) | "\(.pid) \(.state)"' "$1")
	while read -r pid cpu; do
		sect=$(awk -v p="$pid" '/^PID: / {f = ($2 == p)} f' "${bta:-/dev/null}" 2>/dev/null)
		if ! grep -q "CPU: $cpu " <<<"$sect"; then
			echo "bt -a shows no pid $pid (userspin) on CPU $cpu"
		elif ! grep -q 'CS: 0033' <<<"$sect" || grep -q entry_SYSCALL <<<"$sect"; then
			echo "bt -a does not show pid $pid (userspin) interrupted in user mode"
		fi
	done < <(jq -r '.processes[] | select(.role == "userspin" and .policy == "SCHED_FIFO") | "\(.pid) \(.cpu)"' "$1")
}

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
	# every crash start the current references come from (reference.sh's index)
	sys=$(ref_out "$refdir" sys)
	ps=$(ref_out "$refdir" ps)
	if [ ! -e "$refdir/.stamp" ] || [ ! -e "$refdir/index" ]; then
		why="no reference (run reference.sh $id)"
	else
		# (PRIMARY:RUN: an output linked from the boot's primary dump, run there)
		for run in $(cut -f2 "$refdir/index" | sort -u); do
			rundir="$refdir/_run"
			if [[ "$run" == *:* ]]; then
				rundir="$LAB/ref/${run%%:*}/_run"
				run=${run#*:}
			fi
			rc=$(cat "$rundir/$run.rc" 2>/dev/null || echo none)
			if [ "$rc" != 0 ]; then
				why="crash exit $rc ($run): $(grep -m1 -v '^$' "$rundir/$run.stderr" 2>/dev/null | cut -c1-100)"
				break
			fi
		done
		if [ -n "$why" ]; then
			:
		elif [ -z "$sys" ] || ! grep -q '^ *KERNEL:' "$sys" || ! grep -q '^ *DUMPFILE:' "$sys"; then
			why="sys printed no KERNEL/DUMPFILE"
		else
			opened=yes
		fi
	fi
	want=() missing=()
	if [ -f "$facts" ]; then
		mapfile -t want < <(lab_facts_workload "$facts" | awk '{print $1}')
	else
		why="${why:+$why; }no facts.json"
	fi
	[ -f "$facts" ] && [ ${#want[@]} -eq 0 ] && why="${why:+$why; }no workload pid in facts.json"
	got=$(sed 's/^>//' "${ps:-/dev/null}" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -u)
	for p in "${want[@]}"; do
		grep -qx "$p" <<<"$got" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] || why="${why:+$why; }ps lacks pid ${missing[*]}"
	if [ "$boot" = states ] && [ -f "$facts" ] && [ -e "$refdir/index" ]; then
		while IFS= read -r p; do why="${why:+$why; }$p"; done < <(states_problems "$facts" "$refdir")
	fi
	# issue 12's workload as crash shows it (tests/e2e/lab_checks.py on the references)
	if [ -f "$facts" ] && [ -e "$refdir/index" ]; then
		while IFS= read -r p; do why="${why:+$why; }$p"; done < <("$(lab_python3)" "$LAB_SRC/../e2e/run.py" \
			--check-refs --only "$id" | sed -n 's/^FAIL: [^:]*: //p')
	fi
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
