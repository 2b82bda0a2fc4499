#!/usr/bin/env bash
# reference.sh DUMP-ID: crash 8.0.6's reference output for one dump of the lab.
#
# DUMP-ID is a manifest id, <kernel>-<boot>-<format> (see LAB_FORMATS in tools.sh).
# Writes $LAB/ref/<dump-id>/:
#   <slug>.cmd   the exact crash command line (one line)
#   <slug>.out   what crash printed for it (crash's own "> file" redirection)
#   _run/        crash's own record of the runs: phase{1,2}.in (the -i file),
#                phase{1,2}.stdout, phase{1,2}.stderr, phase{1,2}.rc (exit status),
#                aux/ (helper outputs used to derive phase 2, not references)
#   .stamp       written last: lab_sig of the dump, vmlinux, facts.json, commands.txt
#                and the scripts; the directory is rebuilt when that changes.
# Phase 1 runs every command of commands.txt in one crash start; phase 2 runs the
# commands derived from facts.json and phase-1 output in a second one.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

[ $# -eq 1 ] || lab_die "usage: reference.sh DUMP-ID"
id="$1"
# (pipelines here never stop reading early: with pipefail a SIGPIPE would be fatal)
row=$(lab_dumps | awk -F'\t' -v id="$id" '$1 == id && !f {print; f = 1}')
[ -n "$row" ] || lab_die "no dump with id $id in $LAB/dumps"
IFS=$'\t' read -r _ kernel boot format dump <<<"$row"
vmlinux="$LAB/kernels/$kernel/vmlinux"
facts="$LAB/dumps/$kernel-$boot/facts.json"
[ -f "$vmlinux" ] || lab_die "$vmlinux missing"
ref="$LAB/ref/$id"
CMDS="$LAB_SRC/commands.txt"

deps=("$dump" "$vmlinux" "$facts" "$CMDS" "$LAB_SRC/reference.sh" "$LAB_SRC/tools.sh")
# The signature is taken before crash runs: a dump replaced meanwhile shows up as stale.
sig=$(lab_sig "${deps[@]}")
if [ -f "$ref/.stamp" ] && [ "$(cat "$ref/.stamp")" = "$sig" ]; then
	lab_log "$id: reference up to date"
	exit 0
fi

tmp="$ref.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/_run/aux"
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS

# slug COMMAND: non-alphanumerics to '_', squeezed, at most 80 characters, unique in $tmp.
slug() {
	local s n=2
	s=$(printf '%s' "$1" | tr -c 'A-Za-z0-9' '_' | tr -s '_' | sed 's/^_//; s/_$//' | cut -c1-80)
	[ -n "$s" ] || s=cmd
	local base="$s"
	while [ -e "$tmp/$s.cmd" ]; do s="${base}_$n"; n=$((n + 1)); done
	printf '%s' "$s"
}

# add_cmd INFILE COMMAND: record COMMAND as a reference and append it to the -i file.
add_cmd() {
	local in="$1" cmd="$2" s
	s=$(slug "$cmd")
	printf '%s\n' "$cmd" >"$tmp/$s.cmd"
	printf '%s > %s\n' "$cmd" "$s.out" >>"$in"
}

# add_aux INFILE NAME COMMAND: a helper command whose output only feeds phase 2.
add_aux() { printf '%s > %s\n' "$3" "_run/aux/$2.out" >>"$1"; }

# run_crash PHASE: one crash start on the dump with _run/PHASE.in.
run_crash() {
	local ph="$1" rc=0
	printf 'q\n' >>"$tmp/_run/$ph.in"
	# crash runs in the output directory: the -i file redirects to relative names.
	(cd "$tmp" && timeout 900 bash -c '. "$1/tools.sh"; shift; lab_crash "$@"' _ "$LAB_SRC" \
		-s --no_crashrc "$vmlinux" "$dump" -i "_run/$ph.in" \
		</dev/null >"_run/$ph.stdout" 2>"_run/$ph.stderr") || rc=$?
	echo "$rc" >"$tmp/_run/$ph.rc"
	lab_log "$id: $ph: crash exit $rc ($((SECONDS - t0)) s)"
}

# Workload pids and roles from facts.json ("pid role" lines).
workload=""
[ -f "$facts" ] && workload=$(lab_facts_workload "$facts")
mapper_pid=$(awk '$2 == "mapper" {print $1; exit}' <<<"$workload")

# ---- phase 1: the fixed commands, plus helpers for phase 2
in1="$tmp/_run/phase1.in"
: >"$in1"
while IFS= read -r cmd || [ -n "$cmd" ]; do
	case "$cmd" in '' | '#'*) continue ;; esac
	add_cmd "$in1" "$cmd"
done <"$CMDS"
if [ -n "$mapper_pid" ]; then
	add_aux "$in1" mapper_mm "task -R mm $mapper_pid"
	add_aux "$in1" mm_mt_offset "px &((struct mm_struct *)0)->mm_mt"
fi
run_crash phase1

# ---- phase 2: commands derived from facts.json and phase-1 output
in2="$tmp/_run/phase2.in"
: >"$in2"
ps_out="$tmp/ps.out"
# task address of PID from crash's ps: [>] PID PPID CPU TASK ST %MEM VSZ RSS COMM
task_of() {
	[ -f "$ps_out" ] || return 0
	awk -v p="$1" '{sub(/^>/, "")} $1 == p && $4 ~ /^[0-9a-f]+$/ && !f {print $4; f = 1}' "$ps_out"
}
while read -r pid role; do
	[ -n "$pid" ] || continue
	task=$(task_of "$pid")
	if [ -n "$task" ]; then
		add_cmd "$in2" "struct task_struct.pid,comm $task"
	else
		lab_log "$id: pid $pid ($role) not in crash's ps: no struct command for it"
	fi
	add_cmd "$in2" "bt $pid"
	add_cmd "$in2" "files $pid"
	add_cmd "$in2" "vm $pid"
	add_cmd "$in2" "ps -a $pid"
	add_cmd "$in2" "ps -p $pid"
	add_cmd "$in2" "ps -c $pid"
	add_cmd "$in2" "ps -g $pid"
	add_cmd "$in2" "ps -r $pid"
	add_cmd "$in2" "ps -t $pid"
	add_cmd "$in2" "sig $pid"
	add_cmd "$in2" "sig -g $pid"
	add_cmd "$in2" "task -R pid,comm,tgid $pid"
done <<<"$workload"

# frame #1 of the panic task's bt: " #1 [STACK] FUNC at ADDR"
if [ -f "$tmp/bt.out" ]; then
	f1=$(sed -nE '/^ *#1 \[[0-9a-f]+\] [^ ]+ at [0-9a-f]+/{s/^ *#1 \[([0-9a-f]+)\] [^ ]+ at ([0-9a-f]+).*/\1 \2/p;q}' "$tmp/bt.out")
	read -r f1_stack f1_addr <<<"$f1" || true
	if [ -n "${f1_addr:-}" ]; then
		add_cmd "$in2" "sym $f1_addr"
		add_cmd "$in2" "rd -s $f1_stack 16"
	else
		lab_log "$id: no frame #1 in bt: no sym/rd commands"
	fi
fi

# the mapper's maple tree: mm (task -R mm) + offsetof(struct mm_struct, mm_mt)
if [ -n "$mapper_pid" ]; then
	mm=$(sed -nE '/\<mm = 0x[0-9a-f]+/{s/.*\<mm = (0x[0-9a-f]+).*/\1/p;q}' "$tmp/_run/aux/mapper_mm.out" 2>/dev/null || true)
	off=$(sed -nE '/\) 0x[0-9a-f]+$/{s/.*\) (0x[0-9a-f]+)$/\1/p;q}' "$tmp/_run/aux/mm_mt_offset.out" 2>/dev/null || true)
	if [ -n "$mm" ] && [ -n "$off" ] && [ "$((mm))" != 0 ]; then
		add_cmd "$in2" "tree -t maple $(printf '%x' $((mm + off)))"
	else
		lab_log "$id: mapper pid $mapper_pid: mm or mm_mt offset not found: no tree command"
	fi
fi
[ -s "$in2" ] && run_crash phase2

# A command whose redirect file crash never created printed nothing: record that as such.
for c in "$tmp"/*.cmd; do
	o="${c%.cmd}.out"
	[ -e "$o" ] || : >"$o"
done

rm -rf "$ref"
printf '%s\n' "$sig" >"$tmp/.stamp"
mv "$tmp" "$ref"
trap - EXIT
lab_log "$id: $(find "$ref" -maxdepth 1 -name '*.cmd' | wc -l) references in $((SECONDS - t0)) s"
