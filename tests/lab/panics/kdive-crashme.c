// SPDX-License-Identifier: GPL-2.0
/*
 * kdive-crashme: the dump lab's way to make the panics Debian's kernels have no test module
 * for (CONFIG_LKDTM and CONFIG_TEST_LOCKUP are off). Writing to /proc/kdive-crashme:
 *   null        reads a member of a NULL structure pointer in the writer's context:
 *               "BUG: kernel NULL pointer dereference, address: 0000000000000010"
 *               (kernel.panic_on_oops=1 makes the Oops a panic)
 *   softlockup  spins with preemption disabled for 60 s, interrupts on, so the soft-lockup
 *               watchdog fires (kernel.softlockup_panic=1 makes it a panic)
 *   dstate      sleeps uninterruptibly (D state) for 10 minutes, so the hung-task detector
 *               reports the writer (kernel.hung_task_panic=1 makes it a panic)
 * The lab's panic boots (boot.sh KERNEL panic --panic KIND, panic-init) load it; no other
 * boot does. Out of tree and unsigned, it taints the kernel with O and E, as a customer's
 * own module would.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/string.h>

struct kdive_crashme_victim {
	unsigned long a, b;
	unsigned long count; /* at offset 0x10: the faulting address */
};

/* NULL, and kept a variable the compiler cannot see through */
static struct kdive_crashme_victim *kdive_crashme_victim;

static noinline unsigned long kdive_crashme_null(void)
{
	struct kdive_crashme_victim *v = READ_ONCE(kdive_crashme_victim);

	return READ_ONCE(v->count);
}

static noinline void kdive_crashme_spin(void)
{
	unsigned long end = jiffies + 60 * HZ;

	preempt_disable();
	while (time_before(jiffies, end))
		mdelay(1);
	preempt_enable();
}

static noinline void kdive_crashme_dstate(void)
{
	msleep(600 * 1000); /* TASK_UNINTERRUPTIBLE */
}

static ssize_t kdive_crashme_write(struct file *f, const char __user *ubuf, size_t len, loff_t *pos)
{
	char buf[16] = {0};

	if (copy_from_user(buf, ubuf, min(len, sizeof(buf) - 1)))
		return -EFAULT;
	strim(buf);
	if (!strcmp(buf, "null"))
		pr_info("kdive-crashme: %lu\n", kdive_crashme_null());
	else if (!strcmp(buf, "softlockup"))
		kdive_crashme_spin();
	else if (!strcmp(buf, "dstate"))
		kdive_crashme_dstate();
	else
		return -EINVAL;
	return len;
}

static const struct proc_ops kdive_crashme_ops = {
	.proc_write = kdive_crashme_write,
};

static int __init kdive_crashme_init(void)
{
	return proc_create("kdive-crashme", 0200, NULL, &kdive_crashme_ops) ? 0 : -ENOMEM;
}

static void __exit kdive_crashme_exit(void)
{
	remove_proc_entry("kdive-crashme", NULL);
}

module_init(kdive_crashme_init);
module_exit(kdive_crashme_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdive dump lab: NULL pointer dereference, soft lockup, hung task on request");
