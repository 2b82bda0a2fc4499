#!/usr/bin/env bash
# reference.sh [--plan] DUMP-ID: crash 8.0.6's reference output for one dump of the lab.
#
# DUMP-ID is a manifest id, <kernel>-<boot>-<format> (see LAB_FORMATS in tools.sh).
# --plan only prints what a run would do (the commands crash would run, "context: CMD"
# for a command replayed only to set up the session); it runs nothing and writes nothing.
# The command list is tests/lab/commands.txt, or $KDIVE_LAB_COMMANDS.
#
# Writes $LAB/ref/<dump-id>/:
#   index        the current references in session order, "slug<TAB>run<TAB>command"
#   <slug>.cmd   the exact crash command line (one line)
#   <slug>.out   what crash printed for it (crash's own "> file" redirection)
#   <slug>.key   "run<TAB>context<TAB>command": what the output is valid for; written
#                after the .out is in place and removed before it is replaced
#   _run/        crash's own record of the runs: <run>.in (the -i file), <run>.stdout,
#                <run>.stderr, <run>.rc (exit status), kept while an output comes from
#                the run; a primary's phase2.cmds (the derived commands), phase2.from
#                (what they were derived from) and workload (facts.json's pids);
#                aux/ (helper outputs used to derive them, not references)
#   .stamp       the base signature: lab_sig of the dump, vmlinux and facts.json, how
#                crash is run (tools.sh's lab_crash, ref_crash here) and REF_FORMAT.
#                When it changes the directory is rebuilt from nothing.
# Within one base every output is cached per command: its key is the command text and its
# context, the state that earlier commands of the session left (set PID, set -c CPU,
# set VAR VALUE, hex/dec; set -p returns to the panic task, the state crash starts in).
# A run plans every wanted command (helpers, commands.txt, phase 2), looks each key up,
# and runs only the missing ones, in order, in one crash start, replaying the context a
# command needs ("context" lines) before it. A command removed from commands.txt keeps its
# output (only the index forgets it), so adding it back runs nothing.
# Phase 1 is every command of commands.txt; phase 2 the commands derived from
# facts.json and phase-1 output: for each workload pid its task (from ps) and per-task
# views (issue 12's processes: bt and files only), sym/rd/dis -r of frame #1 of the panic
# task's bt, the mapper's maple tree, net -s of the net process, bpf -p/-m of the BPF
# program and map (their ids), and waitq of the blocked reader's pipe (rd_wait: the helper
# files of the reader gives the pipe's struct file, a second helper its private_data, the
# pipe_inode_info; a helper of a helper, planned by the run after the one that printed the
# first, so a primary without cached helpers takes three crash starts instead of two).
# Phase 2 depends only on the boot, not on the dump format, so it is derived once per
# boot, on the boot's primary dump (its first format in LAB_FORMATS order: qemu-elf,
# or kdump-zlib for the kdump boot), from its helper outputs (ps, bt and the mapper's mm);
# every other dump of the boot reads the primary's _run/phase2.cmds. A primary whose
# helpers are cached runs phase 1 and 2 together; otherwise phase 2 is a second crash start.
# Module debuginfo: commands.txt's "#== late" line starts its late part, run after phase 2
# (whose own late part, after its "#== late" line, comes last): "mod -S @MODDIR@" and the
# commands that need the modules' debuginfo (sym of a module function with its file and
# line, bt -l of the jbd2 thread). @MODDIR@ is the kernel's debug-modules directory
# (kernels.sh: the -dbg package's .ko files of the loaded modules), the same path for
# crash and kdive: the .cmd files and the index hold it expanded. mod -S/-s is a context
# ("var mod") like set VAR: the late commands' keys carry it, and no other key does.
# Per format or per boot: a command that FORMAT_CMDS_RE names (its output depends on the
# dump's format) runs on every dump; any other runs on the boot's primary only, and the
# boot's other dumps link the primary's output (import_from_primary), so each of them
# still has the full index for kdive to be compared with; --plan imports nothing.
# A directory built by the previous format (one .stamp over all of commands.txt) is
# adopted without running crash when its dump, vmlinux, facts and crash are unchanged: the
# keys are recovered from its _run/*.in files.
# The whole script is one compound command: bash parses it all before running it, so
# an edit of this file (git checkout, a concurrent commit) cannot corrupt a running copy.
{
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
shopt -s nullglob

plan_only=0
if [ "${1:-}" = --plan ]; then plan_only=1; shift; fi
[ $# -eq 1 ] || lab_die "usage: reference.sh [--plan] DUMP-ID"
id="$1"
# (pipelines here never stop reading early: with pipefail a SIGPIPE would be fatal)
dumps=$(lab_dumps)
row=$(awk -F'\t' -v id="$id" '$1 == id && !f {print; f = 1}' <<<"$dumps")
[ -n "$row" ] || lab_die "no dump with id $id in $LAB/dumps"
IFS=$'\t' read -r _ kernel boot format dump <<<"$row"
vmlinux="$LAB/kernels/$kernel/vmlinux"
facts="$LAB/dumps/$kernel-$boot/facts.json"
[ -f "$vmlinux" ] || lab_die "$vmlinux missing"
ref="$LAB/ref/$id"
CMDS="${KDIVE_LAB_COMMANDS:-$LAB_SRC/commands.txt}"
[ -f "$CMDS" ] || lab_die "$CMDS missing"
# Bump when the layout or the meaning of the outputs changes: every directory is rebuilt.
REF_FORMAT=2
# md5 of the reference.sh versions whose directories (format 1) are adopted.
LEGACY_SCRIPTS="e3a3da6477b5b29d20e95b96ed6ae6ff"

# The commands whose crash output depends on the dump's format (ERE on the command line),
# run on every dump; every other command runs once per boot, on its primary dump, and the
# boot's other dumps take that output (a hard link, key run "PRIMARY:RUN"), so kdive is
# still compared on every format with the boot's reference. Found on the whole lab
# built with every command on every format (each command's outputs compared across the
# formats of each boot): sys prints the dump file (sys -c, -t, -i do not: sys -c even
# names some system calls by another alias at the same address after a short session than
# after the primary's whole list, so it must come from the primary); ps -a reads user stacks and search
# all memory, both missing from makedumpfile's -d 31 dumps; bt -a and foreach bt take
# the active tasks' registers from the format's own notes (ELF PRSTATUS or the kdump
# header), which differ. rd and help (-D, -n) read or describe the dump itself. Every
# other command read only kernel memory that -d 31 keeps (text, data, slab, page
# tables, struct pages) and printed the same on every format of every boot.
FORMAT_CMDS_RE='^sys$|^(search|help|rd)( |$)|^ps( .*)? -a|^bt( .*)? -[a-z]*[ac]|^foreach( .*)? bt( |$)'
# An output of the primary in which crash says a page is excluded depends on the primary's
# filtering whatever its command: it is not taken, and crash runs on this dump.
EXCLUDED_RE='page excluded'

# ref_crash DIR INFILE STDOUT STDERR: one crash start in DIR (the -i file redirects to
# names relative to it). The timeout catches a hung crash only: on the shared 2-core
# machine with a load of 18, a primary's first start (loading the vmlinux, then about 130
# commands) got 6% of a CPU and needed more than the 15 minutes this once allowed.
ref_crash() {
	(cd "$1" && timeout 3600 bash -c '. "$1/tools.sh"; shift; lab_crash "$@"' _ "$LAB_SRC" \
		-s --no_crashrc "$vmlinux" "$dump" -i "$2" </dev/null >"$3" 2>"$4")
}

# One reference.sh per id at a time (a non-primary dump builds its primary on demand).
mkdir -p "$LAB/ref"
if [ "$plan_only" = 0 ]; then
	exec 9>"$LAB/ref/.$id.lock"
	flock 9
fi

primary=$(awk -F'\t' -v kb="$kernel-$boot" '$2 "-" $3 == kb && !f {print $1; f = 1}' <<<"$dumps")
derived=""
if [ "$primary" != "$id" ]; then
	if [ "$plan_only" = 0 ]; then
		"$LAB_SRC/reference.sh" "$primary" || lab_die "$id: the boot's primary dump $primary has no reference"
	fi
	derived="$LAB/ref/$primary/_run/phase2.cmds"
	[ -f "$derived" ] || lab_die "$id: $derived missing (run reference.sh $primary)"
fi

# The signature is taken before crash runs: a dump replaced meanwhile shows up as stale.
# (of tools.sh only the way crash is run counts)
crash_sig=$(declare -f lab_chroot_exec lab_crash | md5sum)
# (a dump of a boot takes outputs from the boot's primary: its dump counts too)
primary_dump=$(awk -F'\t' -v p="$primary" '$1 == p && !f {print $5; f = 1}' <<<"$dumps")
base=$(lab_sig "$dump" "$vmlinux" "$facts"; echo "$crash_sig"; declare -f ref_crash | md5sum
	echo "reference.sh format $REF_FORMAT"
	if [ "$primary" != "$id" ]; then lab_sig "$primary_dump"; echo "per format: $FORMAT_CMDS_RE"; echo "not taken: $EXCLUDED_RE"; fi)

plan=$(mktemp -d "${TMPDIR:-/tmp}/kdive-ref.XXXXXX")
cleanup=("$plan")
trap 'rm -rf "${cleanup[@]}"' EXIT
t0=$SECONDS

# The session context of crash, shared by the planner and the adoption (mawk-safe awk):
# kind(CMD): "" (changes nothing), "reset" (set -p), "task" (set PID|ADDR, set -c/-a X),
# "var NAME" (set NAME VALUE, hex, dec; "var mod" for mod -S/-s: module debuginfo loaded,
# which changes what sym, bt -l... print); a context is its canonical string: the task
# entry, then the variable entries by name, " ; " between them.
CTX_AWK='
function kind(cmd,   w, n) {
	sub(/^[ \t]+/, "", cmd); sub(/[ \t]+$/, "", cmd)
	n = split(cmd, w, /[ \t]+/)
	if (n == 1 && (w[1] == "hex" || w[1] == "dec")) return "var radix"
	if (w[1] == "mod" && n >= 2 && (w[2] == "-S" || w[2] == "-s")) return "var mod"
	if (w[1] != "set" || n == 1) return ""
	if (n == 2 && w[2] == "-p") return "reset"
	if (n == 3 && (w[2] == "-c" || w[2] == "-a")) return "task"
	if (n == 2 && w[2] ~ /^(0x)?[0-9a-fA-F]+$/) return "task"
	if (n >= 3 && w[2] !~ /^-/) return "var " w[2]
	return ""
}
function ctx_parse(c, T, V,   e, n, i, k) {
	for (k in V) delete V[k]
	T[0] = ""
	if (c == "") return
	n = split(c, e, / ; /)
	for (i = 1; i <= n; i++) {
		k = kind(e[i])
		if (k == "task") T[0] = e[i]
		else if (k ~ /^var /) V[substr(k, 5)] = e[i]
	}
}
function ctx_str(T, V,   names, n, i, j, t, s, k) {
	n = 0
	for (k in V) names[++n] = k
	for (i = 2; i <= n; i++) {
		t = names[i]
		for (j = i - 1; j >= 1 && names[j] > t; j--) names[j + 1] = names[j]
		names[j + 1] = t
	}
	s = T[0]
	for (i = 1; i <= n; i++) s = (s == "" ? "" : s " ; ") V[names[i]]
	return s
}
function ctx_apply(c, cmd,   T, V, k) {
	k = kind(cmd)
	if (k == "") return c
	ctx_parse(c, T, V)
	if (k == "reset") T[0] = ""
	else if (k == "task") T[0] = cmd
	else V[substr(k, 5)] = cmd
	return ctx_str(T, V)
}
'

# legacy_ok: $ref was built by a format-1 reference.sh for this very dump, vmlinux, facts
# and crash. Its .stamp: lab_sig of dump, vmlinux, facts.json, commands.txt, reference.sh
# [, phase2.cmds], then the md5 of lab_chroot_exec and lab_crash.
legacy_ok() {
	local L W n
	[ -f "$ref/.stamp" ] && [ -d "$ref/_run" ] || return 1
	mapfile -t L <"$ref/.stamp"
	mapfile -t W < <(lab_sig "$dump" "$vmlinux" "$facts")
	n=${#L[@]}
	{ [ "$n" = 6 ] || [ "$n" = 7 ]; } || return 1
	[ "${L[0]}" = "${W[0]}" ] && [ "${L[1]}" = "${W[1]}" ] && [ "${L[2]}" = "${W[2]}" ] || return 1
	[[ "${L[3]}" == *" commands.txt" ]] || return 1
	[[ "${L[4]}" == *" reference.sh" && " $LEGACY_SCRIPTS " == *" ${L[4]% reference.sh} "* ]] || return 1
	[ "$n" = 6 ] || [[ "${L[5]}" == *" phase2.cmds" ]] || return 1
	[ "${L[n - 1]}" = "$crash_sig" ]
}

# legacy_store: "prefix<TAB>run<TAB>context<TAB>command" for every output of a format-1
# directory, from the -i files of its runs (each a fresh crash session).
legacy_store() {
	local ins=("$ref"/_run/*.in)
	[ ${#ins[@]} -gt 0 ] || return 0
	awk -v d="$ref/" "$CTX_AWK"'
	FNR == 1 { c = ""; r = FILENAME; sub(/.*\//, "", r); sub(/\.in$/, "", r) }
	{
		line = $0
		if (match(line, / > [^ ]+\.out$/)) {
			cmd = substr(line, 1, RSTART - 1); p = substr(line, RSTART + 3, RLENGTH - 7)
			f = d p ".out"
			ok = (getline junk < f) >= 0; close(f)
			if (ok) print p "\t" r "\t" c "\t" cmd
		} else cmd = line
		c = ctx_apply(c, cmd)
	}' "${ins[@]}"
}

# store DIR: the same lines from the .key files of DIR and DIR/_run/aux.
store() {
	local keys=("$1"/*.key "$1"/_run/aux/*.key)
	[ ${#keys[@]} -gt 0 ] || return 0
	# a key of a crash start that did not end by itself (killed by the timeout or a signal:
	# its _run/RUN.rc is not 0) vouches for nothing: the command is planned again
	awk -v d="$1/" 'FNR == 1 {
		run = $0; sub(/\t.*/, "", run)
		if (!(run in ok)) {
			rc = "0"; f = d "_run/" run ".rc"
			if ((getline rc < f) < 0) rc = "0"
			close(f); ok[run] = (rc == "0")
		}
		if (!ok[run]) next
		p = substr(FILENAME, length(d) + 1); sub(/\.key$/, "", p); print p "\t" $0}' "${keys[@]}"
}

# names DIR: every output name in use in DIR (slugs of new commands avoid them).
names() {
	local f
	for f in "$1"/*.cmd "$1"/*.out "$1"/*.key "$1"/_run/aux/*.out "$1"/_run/aux/*.key; do
		f=${f#"$1/"}
		printf '%s\n' "${f%.*}"
	done
}

# ---- where this run writes: in place, or a new directory moved in place at the end
mode=fresh
if [ -f "$ref/.stamp" ] && [ "$(cat "$ref/.stamp")" = "$base" ]; then
	mode=inplace
elif legacy_ok; then
	mode=adopt
fi
if [ "$plan_only" = 1 ]; then
	dest="$ref"
	case "$mode" in
	inplace) store "$ref" >"$plan/store" ;;
	adopt) echo "adopt: $(legacy_store | wc -l) outputs of the previous format"; legacy_store >"$plan/store" ;;
	fresh) echo "rebuild: no reference for this dump, vmlinux, facts and crash"; : >"$plan/store" ;;
	esac
	[ "$mode" != fresh ] || dest="$plan/empty"
	names "$dest" >"$plan/names"
else
	if [ "$mode" = adopt ]; then
		# the keys first, the new stamp last: an interrupted adoption is done again
		legacy_store | awk -F'\t' -v d="$ref/" '{
			f = d $1 ".key"; print $2 "\t" $3 "\t" $4 > f; close(f)
			f = d $1 ".cmd"; if ((getline junk < f) < 0) { print $4 > f }; close(f)
		}'
		printf '%s\n' "$base" >"$ref/.stamp.tmp"
		mv -f "$ref/.stamp.tmp" "$ref/.stamp"
		lab_log "$id: adopted $(store "$ref" | wc -l) outputs of the previous reference format"
		mode=inplace
	fi
	if [ "$mode" = inplace ]; then
		dest="$ref"
	else
		dest="$ref.tmp.$$"
		rm -rf "$dest"
		cleanup+=("$dest")
	fi
	mkdir -p "$dest/_run/aux"
	work="$dest/_run/work.$$"
	cleanup+=("$work")
	store "$dest" >"$plan/store"
	names "$dest" >"$plan/names"
fi

# Workload pids and roles from facts.json ("pid role" lines): a primary's helpers and
# phase 2 (others take the primary's list). Kept in _run/workload (jq takes a tenth of
# a second), under the md5 of lab_facts_workload; facts.json itself is in the base.
workload="" mapper_pid="" ext4_pid="" waiter_pid=""
if [ -z "$derived" ] && [ -f "$facts" ]; then
	wsig=$(declare -f lab_facts_workload | md5sum | cut -d' ' -f1)
	wfile="$dest/_run/workload"
	if [ -f "$wfile" ] && IFS= read -r l <"$wfile" && [ "$l" = "$wsig" ]; then
		workload=$(tail -n +2 "$wfile")
	else
		workload=$(lab_facts_workload "$facts")
		if [ "$plan_only" = 0 ]; then
			printf '%s\n%s\n' "$wsig" "$workload" >"$wfile.tmp"
			mv -f "$wfile.tmp" "$wfile"
		fi
	fi
	mapper_pid=$(awk '$2 == "mapper" {print $1; exit}' <<<"$workload")
	ext4_pid=$(awk '$2 == "ext4" {print $1; exit}' <<<"$workload")
	waiter_pid=$(awk '$2 == "waiter" {print $1; exit}' <<<"$workload")
fi

# list_cmds FILE PART: "ref<TAB>command" for every command line of FILE in PART: "early",
# the lines before its "#== late" line (all of them if it has none), or "late", those after.
# @MODDIR@ in a command becomes $MODDIR, the kernel's debug-modules directory (kernels.sh):
# the .cmd, the key and the index hold the path itself, so the e2e harness runs kdive
# with the very command crash ran.
MODDIR="$LAB/kernels/$kernel/debug-modules"
list_cmds() {
	local cmd part=early
	while IFS= read -r cmd || [ -n "$cmd" ]; do
		case "$cmd" in
		'#== late'*) part=late; continue ;;
		'' | '#'*) continue ;;
		*$'\t'*) lab_die "$1: a command with a tab: $cmd" ;;
		esac
		[ "$part" = "$2" ] || continue
		printf 'ref\t%s\n' "${cmd//@MODDIR@/$MODDIR}"
	done <"$1"
}

# waiter_pipe_file: the struct file of the blocked reader's pipe (facts.json's pipe read_fd)
# from crash's files of it (FD FILE DENTRY INODE TYPE PATH), when that helper output is stored.
waiter_pipe_file() {
	local l fd
	l=$(awk -F'\t' -v c="files $waiter_pid" '$3 == "" && $4 == c && !f {print $1; f = 1}' "$plan/store")
	[ -n "$l" ] && [ -f "$dest/$l.out" ] || return 0
	fd=$(jq -r --argjson p "$waiter_pid" '.processes[]? | select(.pid == $p) | .pipe.read_fd // empty' "$facts" 2>/dev/null || true)
	[ -n "$fd" ] || return 0
	awk -v fd="$fd" '$1 == fd && $2 ~ /^[0-9a-f]+$/ && $5 == "FIFO" && !f {print $2; f = 1}' "$dest/$l.out"
}

# wanted PHASE2: every command of this dump in session order: the helpers that derive
# phase 2 (a primary only; first, so that they see crash's initial context), commands.txt,
# then phase 2 (the list PHASE2, if any), each up to its "#== late" line; then the late
# part of commands.txt and of phase 2: the commands that need module debuginfo loaded
# (mod -S @MODDIR@ and what follows it), last so that no other key carries that context.
wanted() {
	if [ -z "$derived" ]; then
		printf 'helper\t%s\n' ps bt "foreach task -R stack" "kmem -F"
		if [ -n "$mapper_pid" ]; then
			printf 'helper\t%s\n' "task -R mm $mapper_pid" "px &((struct mm_struct *)0)->mm_mt"
		fi
		if [ -n "$ext4_pid" ]; then printf 'helper\t%s\n' "files $ext4_pid"; fi
		# the blocked reader's pipe: its files (the pipe's struct file, fd 3), then, once
		# that output is there, the file's private_data (the pipe_inode_info): a helper of a
		# helper, planned by the run after the one that printed the files
		if [ -n "$waiter_pid" ]; then
			printf 'helper\t%s\n' "files $waiter_pid" "px &((struct pipe_inode_info *)0)->rd_wait"
			waiter_file=$(waiter_pipe_file)
			if [ -n "$waiter_file" ]; then printf 'helper\t%s\n' "struct file.private_data $waiter_file"; fi
		fi
	fi
	list_cmds "$CMDS" early
	[ -z "$1" ] || list_cmds "$1" early
	list_cmds "$CMDS" late
	[ -z "$1" ] || list_cmds "$1" late
}

# plan PHASE2 RUN: look up every wanted command in $plan/store; writes $plan/in (the -i
# file of the missing ones, context replays included), $plan/commit
# ("prefix<TAB>context<TAB>command" of each output to keep), $plan/show (what --plan
# prints), $plan/index and $plan/helpers ("command<TAB>prefix<TAB>present|planned<TAB>run").
plan() {
	wanted "$1" >"$plan/wanted"
	: >"$plan/in"; : >"$plan/commit"; : >"$plan/show"; : >"$plan/index"; : >"$plan/helpers"
	awk -F'\t' -v storef="$plan/store" -v namesf="$plan/names" -v wantf="$plan/wanted" \
		-v inf="$plan/in" -v commitf="$plan/commit" -v showf="$plan/show" -v indexf="$plan/index" \
		-v helpf="$plan/helpers" -v run="$2" "$CTX_AWK"'
	function slug(cmd,   s) {
		s = cmd
		gsub(/[^A-Za-z0-9]/, "_", s); gsub(/_+/, "_", s); sub(/^_/, "", s); sub(/_$/, "", s)
		s = substr(s, 1, 80)
		return s == "" ? "cmd" : s
	}
	function fresh(base, dir,   s, j) {
		s = dir base; j = 2
		while (s in taken) s = dir base "_" j++
		return s
	}
	function replay(cmd) {
		print cmd " > _run/replay.out" > inf
		print "context: " cmd > showf
	}
	function reach(from, to,   FT, FV, TT, TV, k) {
		ctx_parse(from, FT, FV); ctx_parse(to, TT, TV)
		for (k in FV) if (!(k in TV)) { bad = "cannot reach context [" to "] from [" from "]"; return }
		if (FT[0] != TT[0]) replay(TT[0] == "" ? "set -p" : TT[0])
		for (k in TV) if (!(k in FV) || FV[k] != TV[k]) replay(TV[k])
	}
	FILENAME == storef {
		k = $3 SUBSEP $4
		if (!(k in have)) { have[k] = $1; hrun[k] = $2 }
		taken[$1] = 1
		if ($1 !~ /\//) bycmd[$4] = bycmd[$4] " " $1
		next
	}
	FILENAME == namesf { taken[$0] = 1; next }
	FILENAME == wantf { n++; wk[n] = $1; wc[n] = $2; next }
	END {
		c = ""
		for (i = 1; i <= n; i++) {
			ctx[i] = c; key[i] = c SUBSEP wc[i]; c = ctx_apply(c, wc[i])
			if (wk[i] == "ref") isref[key[i]] = 1
		}
		for (i = 1; i <= n; i++)
			if (!(key[i] in loc) && (key[i] in have)) { loc[key[i]] = have[key[i]]; krun[key[i]] = hrun[key[i]]; used[have[key[i]]] = 1 }
		bc = ""
		for (i = 1; i <= n; i++) {
			k = key[i]
			if (k in loc) continue
			l = ""
			if (k in isref) {
				m = split(bycmd[wc[i]], cand, " ")
				for (j = 1; j <= m; j++) if (!(cand[j] in used)) { l = cand[j]; break }
				if (l == "") l = fresh(slug(wc[i]), "")
			} else l = fresh(slug(wc[i]), "_run/aux/")
			loc[k] = l; used[l] = 1; taken[l] = 1; krun[k] = run
			if (bc != ctx[i]) { reach(bc, ctx[i]); bc = ctx[i] }
			print wc[i] " > " l ".out" > inf
			print l "\t" ctx[i] "\t" wc[i] > commitf
			print wc[i] > showf
			bc = ctx_apply(bc, wc[i])
		}
		for (i = 1; i <= n; i++)
			if (wk[i] == "ref" && !(key[i] in listed)) { listed[key[i]] = 1; print loc[key[i]] "\t" krun[key[i]] "\t" wc[i] > indexf }
			else if (wk[i] == "helper") print wc[i] "\t" loc[key[i]] "\t" ((key[i] in have) ? "present" : "planned") "\t" krun[key[i]] > helpf
		if (bad != "") { print bad > "/dev/stderr"; exit 1 }
	}' "$plan/store" "$plan/names" "$plan/wanted" || lab_die "$id: planning failed"
}

# helpers_present: every helper of the plan is stored (phase 2 can be derived now).
helpers_present() { ! awk -F'\t' '$3 != "present" {f = 1} END {exit !f}' "$plan/helpers"; }

# derive OUT: the phase-2 commands from facts.json and the helper outputs; notes on what
# could not be derived go to $plan/notes.
derive() {
	local out="$1" c l ps_out="" bt_out="" mm_out="" off_out="" stack_out="" free_out="" pid role task stack f1 f1_stack f1_addr mm off
	local maps kind addr phys marker value free files_out="" ext4_path dentry inode jbd2
	local pipe_out="" rdwait_out="" pipe rdwait net_pid id
	while IFS=$'\t' read -r c l _; do
		case "$c" in
		"files $ext4_pid") files_out="$dest/$l.out" ;;
		"struct file.private_data "*) pipe_out="$dest/$l.out" ;;
		"px &((struct pipe_inode_info *)0)->rd_wait") rdwait_out="$dest/$l.out" ;;
		ps) ps_out="$dest/$l.out" ;;
		bt) bt_out="$dest/$l.out" ;;
		"foreach task -R stack") stack_out="$dest/$l.out" ;;
		"kmem -F") free_out="$dest/$l.out" ;;
		"task -R mm "*) mm_out="$dest/$l.out" ;;
		"px &((struct mm_struct *)0)->mm_mt") off_out="$dest/$l.out" ;;
		esac
	done <"$plan/helpers"
	: >"$out"; : >"$plan/notes"
	note() { printf '%s\n' "$*" >>"$plan/notes"; }
	emit() { printf '%s\n' "$1" >>"$out"; }
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
			note "pid $pid ($role) not in crash's ps: no struct command for it"
		fi
		emit "bt $pid"
		emit "files $pid"
		# issue 12's workload processes: the task and its files (their own views below)
		case "$role" in net | ipc | waiter | timers | bpf) continue ;; esac
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
		emit "vm -m $pid"
		emit "vm -v $pid"
		emit "vm -p $pid"
		# kmem of the task_struct (a slab object) and of its kernel stack
		[ -z "$task" ] || emit "kmem $task"
		stack=$(awk -v p="$pid" '/^PID:/ {cur = $2} cur == p && /^ +stack = 0x[0-9a-f]+,?$/ && !f {
			s = $3; sub(/^0x/, "", s); sub(/,$/, "", s); print s; f = 1}' "$stack_out" 2>/dev/null || true)
		if [ -n "$stack" ]; then
			emit "kmem $stack"
		else
			note "pid $pid ($role): no stack in crash's foreach task -R stack: no kmem of it"
		fi
	done <<<"$workload"

	# the mapper's mappings (facts.json): the page-table walk of each marker page, the
	# physical page back to the direct map and its struct page, the anonymous marker's
	# first 8 bytes searched in kernel memory and its text in the task's user memory
	if [ -n "$mapper_pid" ]; then
		maps=$(jq -r --argjson p "$mapper_pid" '.processes[]? | select(.pid == $p) | .maps[]?
			| "\(.kind) \(.addr) \(.phys) \(.marker)"' "$facts" 2>/dev/null || true)
		while read -r kind addr phys marker; do
			[ -n "$kind" ] || continue
			emit "vtop -c $mapper_pid ${addr#0x}"
			emit "ptov ${phys#0x}"
			emit "kmem -p ${phys#0x}"
			if [ "$kind" = anon ]; then
				value=$(printf '%s' "${marker:0:8}" | od -An -tx1 | awk '{for (i = NF; i >= 1; i--) printf "%s", $i}')
				emit "search -k $value"
				emit "set $mapper_pid"
				emit "search -u -c $marker"
				emit "set -p"
			fi
		done <<<"$maps"
	fi

	# a free page: the first page kmem -F lists
	free=$(awk 'NF == 1 && $1 ~ /^[0-9a-f]+$/ && length($1) == 16 && !f {print $1; f = 1}' "$free_out" 2>/dev/null || true)
	if [ -n "$free" ]; then
		emit "kmem $free"
	else
		note "no page in crash's kmem -F: no kmem of a free page"
	fi

	# frame #1 of the panic task's bt: " #1 [STACK] FUNC at ADDR"
	if [ -f "$bt_out" ]; then
		f1=$(sed -nE '/^ *#1 \[[0-9a-f]+\] [^ ]+ at [0-9a-f]+/{s/^ *#1 \[([0-9a-f]+)\] [^ ]+ at ([0-9a-f]+).*/\1 \2/p;q}' "$bt_out")
		read -r f1_stack f1_addr <<<"$f1" || true
		if [ -n "${f1_addr:-}" ]; then
			emit "sym $f1_addr"
			emit "rd -s $f1_stack 16"
			emit "kmem $f1_addr"
			emit "vtop $f1_addr"
			emit "vtop $f1_stack"
			emit "dis -r $f1_addr"
		else
			note "no frame #1 in bt: no sym/rd commands"
		fi
	fi

	# the ext4 file (facts.json ext4_file, fd 0 of the ext4 process): its dentry and inode
	# from crash's files (FD FILE DENTRY INODE TYPE PATH), who uses it and its directory
	if [ -n "$ext4_pid" ]; then
		ext4_path=$(jq -r --argjson p "$ext4_pid" '.processes[]? | select(.pid == $p) | .ext4_file.path // empty' "$facts" 2>/dev/null || true)
		read -r dentry inode < <(awk -v p="$ext4_path" '$1 == "0" && $5 == "REG" && $6 == p && !f {print $3, $4; f = 1}' \
			"$files_out" 2>/dev/null || true) || true
		if [ -n "${dentry:-}" ] && [ -n "${inode:-}" ]; then
			emit "files -d $dentry"
			emit "files -p $inode"
		else
			note "ext4 pid $ext4_pid: fd 0 ($ext4_path) not in crash's files: no files -d/-p"
		fi
		if [ -n "$ext4_path" ]; then
			emit "fuser $ext4_path"
			emit "fuser ${ext4_path%/*}"
		fi
	fi

	# the mapper's maple tree: mm (task -R mm) + offsetof(struct mm_struct, mm_mt)
	if [ -n "$mapper_pid" ]; then
		mm=$(sed -nE '/\<mm = 0x[0-9a-f]+/{s/.*\<mm = (0x[0-9a-f]+).*/\1/p;q}' "$mm_out" 2>/dev/null || true)
		off=$(sed -nE '/\) 0x[0-9a-f]+$/{s/.*\) (0x[0-9a-f]+)$/\1/p;q}' "$off_out" 2>/dev/null || true)
		if [ -n "$mm" ] && [ -n "$off" ] && [ "$((mm))" != 0 ]; then
			emit "tree -t maple $(printf '%x' $((mm + off)))"
		else
			note "mapper pid $mapper_pid: mm or mm_mt offset not found: no tree command"
		fi
	fi

	# issue 12's workload (facts.json): the net process's sockets, the blocked reader's wait
	# queue (the pipe's rd_wait: struct file.private_data of its read end, the helpers, plus
	# the offset of rd_wait), the BPF program and map by id
	net_pid=$(awk '$2 == "net" {print $1; exit}' <<<"$workload")
	if [ -n "$net_pid" ]; then
		emit "net -s $net_pid"
	else
		note "no net process in facts.json: no net -s"
	fi
	if [ -n "$waiter_pid" ]; then
		pipe=$(sed -nE '/^ *private_data = 0x[0-9a-f]+,?$/{s/^ *private_data = 0x([0-9a-f]+),?$/\1/p;q}' "$pipe_out" 2>/dev/null || true)
		off=$(sed -nE '/\) 0x[0-9a-f]+$/{s/.*\) (0x[0-9a-f]+)$/\1/p;q}' "$rdwait_out" 2>/dev/null || true)
		if [ -n "$pipe" ] && [ -n "$off" ] && [ "$((0x$pipe))" != 0 ]; then
			rdwait=$(printf '%x' $((0x$pipe + off)))
			emit "waitq $rdwait"
			emit "waitq pipe_inode_info.rd_wait $pipe"
			emit "struct pipe_inode_info $pipe"
		else
			note "waiter pid $waiter_pid: its pipe (struct file.private_data) or rd_wait's offset not found: no waitq"
		fi
	fi
	for kind in prog map; do
		id=$(jq -r --arg k "$kind" '.processes[]? | select(.role == "bpf") | .[$k].id // empty' "$facts" 2>/dev/null || true)
		if [ -n "$id" ]; then emit "bpf -${kind:0:1} $id"; fi
	done

	# the ext4 journal thread (facts.json jbd2): its stack runs through the jbd2 module
	jbd2=$(jq -r '.jbd2.pid // empty' "$facts" 2>/dev/null || true)
	if [ -n "$jbd2" ]; then
		emit "bt $jbd2"
		emit "#== late: with the modules' debuginfo (after commands.txt's mod -S)"
		emit "bt -l $jbd2"
	else
		note "no jbd2 thread in facts.json: no bt of it"
	fi
}

# use_phase2: phase2= the primary's phase-2 list: _run/phase2.cmds when _run/phase2.from
# shows it was derived from the same workload, helper outputs (their runs) and derive
# code; derived again otherwise. $plan/phase2.from is what the list is derived from.
use_phase2() {
	local from
	from=$(printf '%s\n' "$workload"; cut -f1,2,4 "$plan/helpers"; declare -f derive)
	printf '%s\n' "$from" >"$plan/phase2.from"
	if [ -f "$dest/_run/phase2.cmds" ] && cmp -s "$plan/phase2.from" "$dest/_run/phase2.from"; then
		phase2="$dest/_run/phase2.cmds"
		: >"$plan/notes"
	else
		phase2="$plan/phase2.cmds"
		derive "$phase2"
	fi
}

# run_batch RUN: one crash start with $plan/in, then every output moved in place.
run_batch() {
	local r="$1" rc=0 line loc ctx cmd o
	rm -rf "$work"
	mkdir -p "$work/_run/aux"
	{ cat "$plan/in"; printf 'q\n'; } >"$work/_run/$r.in"
	lab_log "$id: $r: crash runs $(wc -l <"$plan/commit") commands"
	ref_crash "$work" "_run/$r.in" "$dest/_run/$r.stdout" "$dest/_run/$r.stderr" || rc=$?
	echo "$rc" >"$dest/_run/$r.rc"
	mv -f "$work/_run/$r.in" "$dest/_run/$r.in"
	lab_log "$id: $r: crash exit $rc ($((SECONDS - t0)) s)"
	if [ "$rc" != 0 ]; then
		# killed (timeout 124, or a signal): the outputs stop somewhere in the batch and the
		# rest are empty files; none is kept as a reference (store skips this run's keys)
		lab_log "$id: $r: crash did not finish: no output of this run is kept; the next run plans them again"
	fi
	# the key goes last: a .key vouches for its .out (a command whose redirect file crash
	# never created printed nothing)
	# (split by hand: read would merge the two tabs around an empty context)
	while IFS= read -r line; do
		loc=${line%%$'\t'*}
		line=${line#*$'\t'}
		ctx=${line%%$'\t'*}
		cmd=${line#*$'\t'}
		rm -f "$dest/$loc.key"
		# a killed crash vouches for none of its outputs (and its logs go once nothing
		# refers to them, so a key written now would outlive the evidence)
		[ "$rc" = 0 ] || continue
		o="$work/$loc.out"
		[ -e "$o" ] || : >"$o"
		mv -f "$o" "$dest/$loc.out"
		printf '%s\n' "$cmd" >"$dest/$loc.cmd"
		printf '%s\t%s\t%s\n' "$r" "$ctx" "$cmd" >"$dest/$loc.key.tmp"
		mv -f "$dest/$loc.key.tmp" "$dest/$loc.key"
	done <"$plan/commit"
	rm -rf "$work"
	ran=$((ran + 1))
	store "$dest" >"$plan/store"
	names "$dest" >"$plan/names"
}

# import: every planned command of $plan/commit that does not depend on the format
# (FORMAT_CMDS_RE) and that the boot's primary has for the same context, linked from the
# primary's reference directory instead of run; prints how many.
import_from_primary() {
	local src loc run ctx cmd n=0
	store "$LAB/ref/$primary" >"$plan/pstore"
	awk -F'\t' -v re="$FORMAT_CMDS_RE" -v pdir="$LAB/ref/$primary/" -v pid="$primary" '
	FILENAME == ARGV[1] { k = $3 SUBSEP $4; if (!(k in have)) { have[k] = $1; hrun[k] = $2 }; next }
	$3 !~ re && (($2 SUBSEP $3) in have) {
		k = $2 SUBSEP $3
		print pdir have[k] ".out\t" $1 "\t" pid ":" hrun[k] "\t" $2 "\t" $3
	}' "$plan/pstore" "$plan/commit" >"$plan/import"
	while IFS= read -r src; do
		loc=${src#*$'\t'}
		src=${src%%$'\t'*}
		run=${loc#*$'\t'}
		loc=${loc%%$'\t'*}
		ctx=${run#*$'\t'}
		run=${run%%$'\t'*}
		cmd=${ctx#*$'\t'}
		ctx=${ctx%%$'\t'*}
		[ -f "$src" ] || continue
		# crash met a page the primary's dump left out: this dump may have it, so crash
		# runs here (mach -m read past the kmemdup'd e820 table into a page cache page a
		# filtered primary dropped; the boot's unfiltered ELF has the page)
		! grep -q "$EXCLUDED_RE" "$src" || continue
		rm -f "$dest/$loc.key"
		ln -f "$src" "$dest/$loc.out" 2>/dev/null || cp "$src" "$dest/$loc.out"
		printf '%s\n' "$cmd" >"$dest/$loc.cmd"
		printf '%s\t%s\t%s\n' "$run" "$ctx" "$cmd" >"$dest/$loc.key.tmp"
		mv -f "$dest/$loc.key.tmp" "$dest/$loc.key"
		n=$((n + 1))
	done <"$plan/import"
	echo "$n"
}

# ---- plan, run what is missing; a primary whose helpers were missing derives phase 2
# after the first run and runs again for it; another dump of the boot first takes what
# it can from the primary (import_from_primary), then runs the rest
ran=0 pass=1 imported=0
phase2="$derived"
stamp=$(date -u +%Y%m%d-%H%M%S)-$$
while :; do
	plan "$phase2" "run-$stamp-$pass"
	if [ -z "$derived" ] && [ -z "$phase2" ] && helpers_present; then
		use_phase2
		continue
	fi
	if [ "$plan_only" = 1 ]; then
		cat "$plan/show"
		[ -n "$phase2" ] || echo "phase 2: derived after this run"
		exit 0
	fi
	if [ -n "$derived" ] && [ "$imported" = 0 ] && [ -s "$plan/commit" ]; then
		imported=$(import_from_primary)
		lab_log "$id: $imported outputs from $primary (the same for every format)"
		if [ "$imported" != 0 ]; then
			store "$dest" >"$plan/store"
			names "$dest" >"$plan/names"
			continue
		fi
		imported=1
	fi
	[ ! -s "$plan/commit" ] || run_batch "run-$stamp-$pass"
	if [ -z "$phase2" ]; then
		pass=$((pass + 1))
		# planned again first: a helper of a helper (the blocked reader's pipe) is wanted
		# only now, and gets a run of its own before phase 2 is derived (the loop's first
		# branch derives it once every helper is there; a third pass derives it anyway)
		[ -n "$derived" ] || [ "$pass" -gt 3 ] || continue
		use_phase2
		continue
	fi
	break
done
if [ "$ran" -gt 0 ] && [ -s "$plan/notes" ]; then
	while IFS= read -r l; do lab_log "$id: $l"; done <"$plan/notes"
fi

# ---- the primary's phase-2 list (then what it is derived from) and the index, each
# replaced only when it changed
if [ -z "$derived" ]; then
	for f in phase2.cmds phase2.from; do
		[ "$f" = phase2.cmds ] && src="$phase2" || src="$plan/$f"
		if ! cmp -s "$src" "$dest/_run/$f"; then
			cp "$src" "$dest/_run/$f.tmp"
			mv -f "$dest/_run/$f.tmp" "$dest/_run/$f"
		fi
	done
fi
if ! cmp -s "$plan/index" "$dest/index"; then
	cp "$plan/index" "$dest/index.tmp"
	mv -f "$dest/index.tmp" "$dest/index"
fi
if [ "$ran" = 0 ] && [ "$mode" = inplace ]; then
	lab_log "$id: reference up to date"
	exit 0
fi
# the logs of runs no output comes from any more
store "$dest" | cut -f2 | sort -u >"$plan/runs"
for f in "$dest"/_run/*.in "$dest"/_run/*.stdout "$dest"/_run/*.stderr "$dest"/_run/*.rc; do
	r=${f##*/}
	r=${r%.*}
	grep -qxF "$r" "$plan/runs" || rm -f "$f"
done
if [ "$mode" = fresh ]; then
	printf '%s\n' "$base" >"$dest/.stamp"
	rm -rf "$ref"
	mv "$dest" "$ref"
fi
lab_log "$id: $(wc -l <"$ref/index") references, $ran crash start(s) in $((SECONDS - t0)) s"
exit 0
exit
}
