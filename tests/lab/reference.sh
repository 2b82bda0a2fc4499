#!/usr/bin/env bash
# reference.sh DUMP-ID: crash 8.0.6's reference output for one dump of the lab.
#
# DUMP-ID is a manifest id, <kernel>-<boot>-<format> (see LAB_FORMATS in tools.sh).
# Writes $LAB/ref/<dump-id>/:
#   <slug>.cmd   the exact crash command line (one line)
#   <slug>.out   what crash printed for it (crash's own "> file" redirection)
#   _run/        crash's own record of the runs: <run>.in (the -i file), <run>.stdout,
#                <run>.stderr, <run>.rc (exit status); phase2.cmds (the derived
#                commands); aux/ (helper outputs used to derive them, not references)
#   .stamp       written last: lab_sig of the dump, vmlinux, facts.json, commands.txt,
#                this script, the primary's phase2.cmds, and how tools.sh runs crash;
#                the directory is rebuilt when any of that changes.
# Phase 1 is every command of commands.txt; phase 2 the commands derived from
# facts.json and phase-1 output: for each workload pid its task (from ps) and per-task
# views, sym/rd of frame #1 of the panic task's bt, and the mapper's maple tree.
# Phase 2 depends only on the boot, not on the dump format, so it is derived once per
# boot, on the boot's primary dump (its first format in LAB_FORMATS order: qemu-elf,
# or kdump-zlib for the kdump boot), in a second crash start (runs phase1, phase2).
# Every other dump of the boot runs phase 1 followed by the primary's phase-2
# commands in one crash start (run phase12), which saves a crash start (10-20 s).
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
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

# One reference.sh per id at a time (a non-primary dump builds its primary on demand).
mkdir -p "$LAB/ref"
exec 9>"$LAB/ref/.$id.lock"
flock 9

primary=$(lab_dumps | awk -F'\t' -v kb="$kernel-$boot" '$2 "-" $3 == kb && !f {print $1; f = 1}')
deps=("$dump" "$vmlinux" "$facts" "$CMDS" "$LAB_SRC/reference.sh")
derived=""
if [ "$primary" != "$id" ]; then
	"$LAB_SRC/reference.sh" "$primary" || lab_die "$id: the boot's primary dump $primary has no reference"
	derived="$LAB/ref/$primary/_run/phase2.cmds"
	[ -f "$derived" ] || lab_die "$id: $derived missing"
	deps+=("$derived")
fi
# The signature is taken before crash runs: a dump replaced meanwhile shows up as stale.
# (of tools.sh only the way crash is run counts)
sig=$(lab_sig "${deps[@]}"; declare -f lab_chroot_exec lab_crash | md5sum)
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

# finish: complete the directory, move it in place and exit.
finish() {
	local c o
	# A command whose redirect file crash never created printed nothing: record that.
	for c in "$tmp"/*.cmd; do
		o="${c%.cmd}.out"
		[ -e "$o" ] || : >"$o"
	done
	rm -rf "$ref"
	printf '%s\n' "$sig" >"$tmp/.stamp"
	mv "$tmp" "$ref"
	trap - EXIT
	lab_log "$id: $(find "$ref" -maxdepth 1 -name '*.cmd' | wc -l) references in $((SECONDS - t0)) s"
	exit 0
}

# Workload pids and roles from facts.json ("pid role" lines).
workload=""
[ -f "$facts" ] && workload=$(lab_facts_workload "$facts")
mapper_pid=$(awk '$2 == "mapper" {print $1; exit}' <<<"$workload")

# add_cmds INFILE LISTFILE: add_cmd for every line of LISTFILE.
add_cmds() {
	local cmd
	while IFS= read -r cmd || [ -n "$cmd" ]; do
		case "$cmd" in '' | '#'*) continue ;; esac
		add_cmd "$1" "$cmd"
	done <"$2"
}

# ---- not the primary: phase 1 and the primary's phase 2 in one crash start
if [ -n "$derived" ]; then
	cp "$derived" "$tmp/_run/phase2.cmds"
	: >"$tmp/_run/phase12.in"
	add_cmds "$tmp/_run/phase12.in" "$CMDS"
	add_cmds "$tmp/_run/phase12.in" "$tmp/_run/phase2.cmds"
	run_crash phase12
	finish
fi

# ---- phase 1: the fixed commands, plus helpers for phase 2
in1="$tmp/_run/phase1.in"
: >"$in1"
add_cmds "$in1" "$CMDS"
if [ -n "$mapper_pid" ]; then
	add_aux "$in1" mapper_mm "task -R mm $mapper_pid"
	add_aux "$in1" mm_mt_offset "px &((struct mm_struct *)0)->mm_mt"
fi
run_crash phase1

# ---- phase 2: commands derived from facts.json and phase-1 output
list2="$tmp/_run/phase2.cmds"
: >"$list2"
emit() { printf '%s\n' "$1" >>"$list2"; }
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
		emit "struct task_struct.pid,comm $task"
	else
		lab_log "$id: pid $pid ($role) not in crash's ps: no struct command for it"
	fi
	emit "bt $pid"
	emit "files $pid"
	emit "vm $pid"
	emit "ps -a $pid"
	emit "ps -p $pid"
	emit "ps -c $pid"
	emit "ps -g $pid"
	emit "ps -r $pid"
	emit "ps -t $pid"
	emit "sig $pid"
	emit "sig -g $pid"
	emit "task -R pid,comm,tgid $pid"
done <<<"$workload"

# frame #1 of the panic task's bt: " #1 [STACK] FUNC at ADDR"
if [ -f "$tmp/bt.out" ]; then
	f1=$(sed -nE '/^ *#1 \[[0-9a-f]+\] [^ ]+ at [0-9a-f]+/{s/^ *#1 \[([0-9a-f]+)\] [^ ]+ at ([0-9a-f]+).*/\1 \2/p;q}' "$tmp/bt.out")
	read -r f1_stack f1_addr <<<"$f1" || true
	if [ -n "${f1_addr:-}" ]; then
		emit "sym $f1_addr"
		emit "rd -s $f1_stack 16"
	else
		lab_log "$id: no frame #1 in bt: no sym/rd commands"
	fi
fi

# the mapper's maple tree: mm (task -R mm) + offsetof(struct mm_struct, mm_mt)
if [ -n "$mapper_pid" ]; then
	mm=$(sed -nE '/\<mm = 0x[0-9a-f]+/{s/.*\<mm = (0x[0-9a-f]+).*/\1/p;q}' "$tmp/_run/aux/mapper_mm.out" 2>/dev/null || true)
	off=$(sed -nE '/\) 0x[0-9a-f]+$/{s/.*\) (0x[0-9a-f]+)$/\1/p;q}' "$tmp/_run/aux/mm_mt_offset.out" 2>/dev/null || true)
	if [ -n "$mm" ] && [ -n "$off" ] && [ "$((mm))" != 0 ]; then
		emit "tree -t maple $(printf '%x' $((mm + off)))"
	else
		lab_log "$id: mapper pid $mapper_pid: mm or mm_mt offset not found: no tree command"
	fi
fi
if [ -s "$list2" ]; then
	: >"$tmp/_run/phase2.in"
	add_cmds "$tmp/_run/phase2.in" "$list2"
	run_crash phase2
fi
finish
exit
}
