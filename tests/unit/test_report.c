/*
 * The report's log classifier (commands/report.c): kernel messages of every kind the report
 * names, as the kernels print them (with their timestamps), and what it extracts from them.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "../../commands/report.h"
#include "tests.h"

static struct report_class classify(const char *log)
{
	struct report_class c;
	report_classify(log, &c);
	return c;
}

static void test_sysrq(void)
{
	struct report_class c = classify("[   25.229694] sysrq: Trigger a crash\n"
					 "[   25.231132] Kernel panic - not syncing: sysrq triggered crash\n"
					 "[   25.231616] CPU: 1 PID: 229 Comm: sh Not tainted 6.1.0-57-amd64 #1  Debian 6.1.192-3\n"
					 "[   25.234701] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\n");
	CU_ASSERT_EQUAL(c.kind, RK_SYSRQ);
	CU_ASSERT_STRING_EQUAL(report_kind_name(c.kind), "sysrq-triggered");
	CU_ASSERT_STRING_EQUAL(c.panic, "sysrq triggered crash");
	CU_ASSERT_FALSE(c.has_address);
}

static void test_null_deref(void)
{
	struct report_class c = classify(
		"[  102.441203] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
		"[  102.441567] #PF: supervisor read access in kernel mode\n"
		"[  102.441801] #PF: error_code(0x0000) - not-present page\n"
		"[  102.442020] PGD 0 P4D 0 \n"
		"[  102.442163] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[  102.442388] CPU: 0 PID: 1234 Comm: insmod Tainted: G           OE      6.1.0-57-amd64 #1\n"
		"[  102.442902] RIP: 0010:crash_init+0x15/0x1000 [crashme]\n"
		"[  102.443210] Code: Unable to access opcode bytes at 0xffffffffc0a12feb.\n"
		"[  102.447004] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_NULL_DEREF);
	CU_ASSERT_TRUE(c.has_address);
	CU_ASSERT_EQUAL(c.address, 0x8);
	CU_ASSERT_STRING_EQUAL(c.rip, "crash_init+0x15/0x1000");
	CU_ASSERT_STRING_EQUAL(c.panic, "Fatal exception");
}

static void test_paging(void)
{
	struct report_class c = classify(
		"[   88.100001] BUG: unable to handle page fault for address: ffffa5c2c0067ff8\n"
		"[   88.100002] #PF: supervisor write access in kernel mode\n"
		"[   88.100003] Oops: 0002 [#1] PREEMPT SMP NOPTI\n"
		"[   88.100004] RIP: 0010:memset_orig+0x72/0xb0\n"
		"[   88.100009] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_PAGING_REQUEST);
	CU_ASSERT_TRUE(c.has_address);
	CU_ASSERT_EQUAL(c.address, 0xffffa5c2c0067ff8ULL);
	CU_ASSERT_STRING_EQUAL(c.rip, "memset_orig+0x72/0xb0");
	/* the older wording */
	c = classify("[  1.0] BUG: unable to handle kernel paging request at ffffffffc0de0000\n"
		     "[  1.1] Oops: 0002 [#1] SMP\n[  1.2] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_PAGING_REQUEST);
	CU_ASSERT_EQUAL(c.address, 0xffffffffc0de0000ULL);
}

static void test_gpf(void)
{
	struct report_class c = classify(
		"[  301.512002] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[  301.512400] CPU: 1 PID: 77 Comm: kworker/1:2 Not tainted 6.12.9-amd64 #1  Debian 6.12.9-1\n"
		"[  301.512700] RIP: 0010:__list_del_entry_valid_or_report+0x1b/0xd0\n"
		"[  301.520000] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_GPF);
	CU_ASSERT_TRUE(c.has_address);
	CU_ASSERT_EQUAL(c.address, 0xdead000000000122ULL);
	/* 6.12 prefixes "Oops: " */
	c = classify("[  3.0] Oops: general protection fault, probably for non-canonical address 0x6b6b6b6b6b6b6b6b: 0000 [#1] PREEMPT SMP\n"
		     "[  3.1] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_GPF);
	CU_ASSERT_EQUAL(c.address, 0x6b6b6b6b6b6b6b6bULL);
}

static void test_soft_lockup(void)
{
	struct report_class c = classify(
		"[  148.216011] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:412]\n"
		"[  148.216190] Modules linked in: spin(OE) loop dummy\n"
		"[  148.216800] RIP: 0010:spin_forever+0x9/0x10 [spin]\n"
		"[  148.217500] Kernel panic - not syncing: softlockup: hung tasks\n");
	CU_ASSERT_EQUAL(c.kind, RK_SOFT_LOCKUP);
	CU_ASSERT_EQUAL(c.cpu, 1);
	CU_ASSERT_STRING_EQUAL(c.task, "spin:412");
	CU_ASSERT_STRING_EQUAL(c.rip, "spin_forever+0x9/0x10");
}

static void test_hard_lockup(void)
{
	struct report_class c = classify(
		"[  210.000100] watchdog: Watchdog detected hard LOCKUP on cpu 0\n"
		"[  210.000200] RIP: 0010:native_queued_spin_lock_slowpath+0x5d/0x1d0\n"
		"[  210.000900] Kernel panic - not syncing: Hard LOCKUP\n");
	CU_ASSERT_EQUAL(c.kind, RK_HARD_LOCKUP);
	CU_ASSERT_STRING_EQUAL(report_kind_name(c.kind), "hard-lockup");
}

static void test_hung_task(void)
{
	struct report_class c = classify(
		"[  245.712001] INFO: task kworker/u4:2:61 blocked for more than 120 seconds.\n"
		"[  245.712300]       Not tainted 6.1.0-57-amd64 #1 Debian 6.1.192-3\n"
		"[  245.712500] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
		"[  245.713800] Kernel panic - not syncing: hung_task: blocked tasks\n");
	CU_ASSERT_EQUAL(c.kind, RK_HUNG_TASK);
	CU_ASSERT_STRING_EQUAL(c.task, "kworker/u4:2:61");
}

static void test_rcu_stall(void)
{
	struct report_class c = classify(
		"[   84.020001] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
		"[   84.020200] rcu:     1-...!: (1 GPs behind) idle=8f4/1/0x4000000000000000 softirq=1412/1413 fqs=0\n"
		"[   84.020900] Kernel panic - not syncing: RCU Stall\n");
	CU_ASSERT_EQUAL(c.kind, RK_RCU_STALL);
	c = classify("[ 9.0] rcu: INFO: rcu_sched self-detected stall on CPU\n[ 9.1] Kernel panic - not syncing: RCU Stall\n");
	CU_ASSERT_EQUAL(c.kind, RK_RCU_STALL);
}

static void test_oom(void)
{
	struct report_class c = classify(
		"[  502.110001] stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n"
		"[  502.119900] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=stress,pid=655,uid=0\n"
		"[  502.120000] Out of memory: Killed process 655 (stress) total-vm:466124kB, anon-rss:420012kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:872kB oom_score_adj:0\n"
		"[  503.000000] Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled\n");
	CU_ASSERT_EQUAL(c.kind, RK_OOM);
	CU_ASSERT_EQUAL(c.victim_pid, 655);
	CU_ASSERT_STRING_EQUAL(c.victim_comm, "stress");
	/* no killable process: the oom-kill line alone names none */
	c = classify("[ 1.0] Out of memory and no killable processes...\n"
		     "[ 1.1] Kernel panic - not syncing: System is deadlocked on memory\n");
	CU_ASSERT_EQUAL(c.kind, RK_OOM);
	CU_ASSERT_EQUAL(c.victim_pid, 0);
}

static void test_bug_at(void)
{
	struct report_class c = classify(
		"[   61.302001] ------------[ cut here ]------------\n"
		"[   61.302100] kernel BUG at mm/slub.c:432!\n"
		"[   61.302300] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[   61.302500] RIP: 0010:__slab_free+0x2e1/0x330\n"
		"[   61.303100] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_BUG);
	CU_ASSERT_STRING_EQUAL(c.where, "mm/slub.c:432");
	CU_ASSERT_STRING_EQUAL(c.rip, "__slab_free+0x2e1/0x330");
}

static void test_warning_panic(void)
{
	struct report_class c = classify(
		"[   12.100001] ------------[ cut here ]------------\n"
		"[   12.100100] WARNING: CPU: 0 PID: 301 at drivers/misc/lkdtm/bugs.c:98 lkdtm_WARNING+0x9/0x10 [lkdtm]\n"
		"[   12.100300] RIP: 0010:lkdtm_WARNING+0x9/0x10 [lkdtm]\n"
		"[   12.100900] Kernel panic - not syncing: kernel: panic_on_warn set ...\n");
	CU_ASSERT_EQUAL(c.kind, RK_WARNING_PANIC);
	CU_ASSERT_STRING_EQUAL(c.where, "drivers/misc/lkdtm/bugs.c:98");
	CU_ASSERT_STRING_EQUAL(report_kind_name(c.kind), "warning-panic");
}

static void test_mce(void)
{
	struct report_class c = classify(
		"[  700.000001] mce: [Hardware Error]: CPU 1: Machine Check Exception: 5 Bank 4: b200000000070005\n"
		"[  700.000002] mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff8105c3f0> {intel_idle+0x70/0x120}\n"
		"[  700.000003] mce: [Hardware Error]: Run the above through 'mcelog --ascii'\n"
		"[  700.000004] Kernel panic - not syncing: Fatal machine check\n");
	CU_ASSERT_EQUAL(c.kind, RK_MCE);
	CU_ASSERT_STRING_EQUAL(report_kind_name(c.kind), "machine-check");
}

static void test_stack_overflow(void)
{
	struct report_class c = classify(
		"[   33.000001] BUG: stack guard page was hit at 00000000a9b3a2f6 (stack is 0000000062c4e5b1..00000000e4e1c1a3)\n"
		"[   33.000002] kernel stack overflow (double-fault): 0000 [#1] PREEMPT SMP NOPTI\n"
		"[   33.000003] RIP: 0010:recurse+0x12/0x30 [deep]\n"
		"[   33.000009] Kernel panic - not syncing: Fatal exception in interrupt\n");
	CU_ASSERT_EQUAL(c.kind, RK_STACK_OVERFLOW);
	CU_ASSERT_TRUE(c.has_address);
	CU_ASSERT_EQUAL(c.address, 0xa9b3a2f6);
}

static void test_list_corruption(void)
{
	struct report_class c = classify(
		"[   77.000001] list_del corruption, ffff8b7b9fd8b100->next is LIST_POISON1 (dead000000000100)\n"
		"[   77.000002] ------------[ cut here ]------------\n"
		"[   77.000003] kernel BUG at lib/list_debug.c:56!\n"
		"[   77.000004] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[   77.000005] RIP: 0010:__list_del_entry_valid.cold+0x31/0x51\n"
		"[   77.000009] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_LIST_CORRUPTION);
	CU_ASSERT_TRUE(c.has_address);
	CU_ASSERT_EQUAL(c.address, 0xffff8b7b9fd8b100ULL);
	c = classify("[ 5.0] list_add corruption. prev->next should be next (ffff9d3a41c3e0d8), but was 0000000000000000. (prev=ffff9d3a41c3e0d8).\n"
		     "[ 5.1] kernel BUG at lib/list_debug.c:30!\n[ 5.2] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_LIST_CORRUPTION);
	CU_ASSERT_EQUAL(c.address, 0xffff9d3a41c3e0d8ULL);
}

static void test_other(void)
{
	/* an oops whose cause the log does not name, a bare panic, and nothing at all */
	struct report_class c = classify("[ 1.0] Oops: 0000 [#1] SMP\n[ 1.1] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_EQUAL(c.kind, RK_OOPS);
	c = classify("[ 1.0] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n");
	CU_ASSERT_EQUAL(c.kind, RK_PANIC);
	CU_ASSERT_STRING_EQUAL(c.panic, "VFS: Unable to mount root fs on unknown-block(0,0)");
	c = classify("");
	CU_ASSERT_EQUAL(c.kind, RK_UNKNOWN);
	c = classify(NULL);
	CU_ASSERT_EQUAL(c.kind, RK_UNKNOWN);
	/* a WARNING long before a sysrq crash does not make the crash a warning */
	c = classify("[ 1.0] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2\n"
		     "[ 9.0] sysrq: Trigger a crash\n[ 9.1] Kernel panic - not syncing: sysrq triggered crash\n");
	CU_ASSERT_EQUAL(c.kind, RK_SYSRQ);
	CU_ASSERT_TRUE(report_notable_line("WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2"));
	CU_ASSERT_TRUE(report_notable_line("Call Trace:"));
	CU_ASSERT_FALSE(report_notable_line("loop: module loaded"));
}

/* no telling log: the panic stack's handlers name it */
static void test_stack(void)
{
	struct report_class c = classify("");
	const char *sysrq[] = {"machine_kexec", "__crash_kexec", "panic", "sysrq_handle_crash", "__handle_sysrq.cold"};
	CU_ASSERT_TRUE(report_classify_stack(&c, sysrq, 5));
	CU_ASSERT_EQUAL(c.kind, RK_SYSRQ);
	CU_ASSERT_STRING_EQUAL(c.evidence, "the panic stack: sysrq_handle_crash");
	c = classify("[ 1.0] Kernel panic - not syncing: Fatal exception\n");
	const char *gpf[] = {"panic", "oops_end", "die_addr", "exc_general_protection", "asm_exc_general_protection"};
	CU_ASSERT_TRUE(report_classify_stack(&c, gpf, 5));
	CU_ASSERT_EQUAL(c.kind, RK_GPF);
	c = classify("");
	const char *soft[] = {"panic", "watchdog_timer_fn.cold", "__hrtimer_run_queues"};
	CU_ASSERT_TRUE(report_classify_stack(&c, soft, 3));
	CU_ASSERT_EQUAL(c.kind, RK_SOFT_LOCKUP);
	c = classify("");
	const char *plain[] = {"panic", "do_exit", "do_group_exit"};
	CU_ASSERT_FALSE(report_classify_stack(&c, plain, 3));
	CU_ASSERT_EQUAL(c.kind, RK_UNKNOWN);
	/* a log that names the kind wins over the stack */
	c = classify("[ 1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n[ 1.1] Kernel panic - not syncing: Fatal exception\n");
	CU_ASSERT_FALSE(report_classify_stack(&c, gpf, 5));
	CU_ASSERT_EQUAL(c.kind, RK_NULL_DEREF);
}

void add_report_tests(void)
{
	CU_pSuite s = CU_add_suite("report classifier", NULL, NULL);
	CU_add_test(s, "sysrq", test_sysrq);
	CU_add_test(s, "NULL pointer dereference", test_null_deref);
	CU_add_test(s, "paging request", test_paging);
	CU_add_test(s, "general protection fault", test_gpf);
	CU_add_test(s, "soft lockup", test_soft_lockup);
	CU_add_test(s, "hard lockup", test_hard_lockup);
	CU_add_test(s, "hung task", test_hung_task);
	CU_add_test(s, "RCU stall", test_rcu_stall);
	CU_add_test(s, "out of memory and its victim", test_oom);
	CU_add_test(s, "BUG at", test_bug_at);
	CU_add_test(s, "WARNING with panic_on_warn", test_warning_panic);
	CU_add_test(s, "machine check", test_mce);
	CU_add_test(s, "stack overflow", test_stack_overflow);
	CU_add_test(s, "list corruption", test_list_corruption);
	CU_add_test(s, "others", test_other);
	CU_add_test(s, "from the panic stack", test_stack);
}
