/*
 * Golden-text tests of commands on the fake kernel (tests/unit/fake_kernel.c, opened by
 * fake_session.c): each case of the table below runs its command lines through the shell,
 * as typed at the prompt, and compares what they print with tests/unit/golden/<name>.out.
 * KDIVE_UPDATE_GOLDEN=1 rewrites the golden files instead; tests/unit/golden/README.md says
 * how to add a case.
 *
 * A golden file holds, for each line: "kdive> LINE", the command's output, what it wrote on
 * the error stream (each line marked "[stderr] ") and "[failed]" when the shell counted it a
 * failure. Addresses inside the fake kernel's image are written {symbol+0xoffset}, so that a
 * change to fake_kernel.c's layout does not rewrite every golden file; a command line may use
 * the same form, or {C expression} for the value of an expression.
 */
#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_session.h"
#include "lang/c_expr.h"
#include "shell/shell.h"
#include "tests.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/unit/golden"
#endif

struct golden {
	const char *name;   /* tests/unit/golden/NAME.out */
	const char *lines;  /* command lines, one per line, run in order in one session */
	const char *damage; /* optional: "LVALUE = VALUE; ..." (C expressions) written into the fake
			     * kernel before the lines run, and undone after */
	bool live;          /* run as on the running kernel (/proc/kcore) */
};

/*
 * The cases. Each starts from the same state: the panic task as context, radix 10, gdb's
 * value history at $1, the fake kernel undamaged.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* a case without damage: two fields */
static const struct golden cases[] = {
	/* ps */
	/* files, fuser, mount */
	/* irq and dev (issue 12) */
	{"irq", "irq\nirq -u\nirq 1 4\nirq -u 2\nirq 6\nirq x1\nirq -x"},
	{"irq-affinity-stats", "irq -a\nirq -s\nirq -s -c 1,3\nirq -s -c 0 -c 1\nirq -s -c 7\nirq -c 7"},
	{"irq-softirq", "irq -b"},
	{"irq-idt", "irq -d", "idt_table[0].offset_low = (unsigned long)&asm_exc_divide_error & 0xffff; idt_table[0].offset_middle = ((unsigned long)&asm_exc_divide_error >> 16) & 0xffff; idt_table[0].offset_high = (unsigned long)&asm_exc_divide_error >> 32; idt_table[12].offset_low = ((unsigned long)&asm_exc_debug + 4) & 0xffff; idt_table[12].offset_middle = (((unsigned long)&asm_exc_debug + 4) >> 16) & 0xffff; idt_table[12].offset_high = (unsigned long)&asm_exc_debug >> 32"},
	{"irq-desc-unreadable", "irq\nirq -s", "irq_descs[1].action = 0xdead0000"},
	{"irq-tree-corrupt", "irq -u", "irq_xa_leaf.slots[3] = 0xdead0000"},
	{"irq-action-cycle", "irq 1\nirq -a", "irqa_serio.next = &irqa_i8042"},
	{"dev", "dev\ndev -i\ndev -p\ndev -d\ndev -x\ndev 1\ndev -V\ndev -v 0\ndev -v 0 file extra"},
	{"dev-diskio", "dev -d\ndev -D"},
	{"dev-diskio-bad-request", "dev -d", "rqs_vda[7] = 0xffffc90000dead00"},
	{"dev-diskio-bad-sbitmap", "dev -d", "tags_vda.bitmap_tags.sb.shift = 9"},
	{"dev-chrdev-cycle", "dev", "cds_tty.next = &cds_vc0"},
	{"dev-resource-cycle", "dev -i", "res_kbd.sibling = &res_dma1"},
	{"dev-pci-unreadable", "dev -p", "pci_port.bus_list.next = 0xdead0000"},
	{"files", "files 100\nfiles -c 100\nfiles 1"},
	{"files-d-p", "files -d {&d_data}\nfiles -d {&d_pipe}\nfiles -d {&d_sock}\nfiles -d {&d_lab_mp}\nfiles -d {&d_gone}\nfiles -p {&ino_data}\nfiles -p {&ino_root}"},
	{"files-R", "files -R data 100\nfiles -R 4 100\nfiles -R FIFO 100\nfiles -R / 100\nfiles -R nothing 100\nforeach files -R TCP"},
	{"files-bad", "files -x\nfiles -d\nfiles -p zz\nfiles -d 0"},
	{"files-dentry-cycle", "files 100", "d_tmpfs_root.d_parent = &d_data"},
	{"files-dentry-unreadable", "files 100", "d_data.d_parent = 0xdead0000"},
	{"fuser", "fuser /lab/data.txt\nfuser /\nfuser {&sa_tcp.vfs_inode}\nfuser /lab\nfuser a\nfuser"},
	{"mount", "mount\nmount -n 100\nmount -f\nmount -i\nmount /lab\nmount -n 999\nmount -x"},
	{"mount-cycle", "mount", "mount_proc.mnt_list.next = &mount_lab.mnt_list"},
	{"files-fdtable-huge", "files 100", "fdt_worker.max_fds = 0x2000000"},
	{"files-fd-unreadable", "files 100\nfuser /", "fdt_worker.fd = 0xdead0000"},
	{"files-page-cache-corrupt", "files -p {&ino_data}", "data_pages.shift = 7"},
	/* net, ipcs (issue 12) */
	{"net", "net\nnet -n 200\nnet -n\nnet -a\nnet -N 16777343\nnet -N 0x0f02000a\nnet init_net"},
	{"net-s", "net -s 100\nnet -s 200\nnet -s 100 200\nnet -s 1\nnet -s\nnet -R 5 -s 200\nnet -s -R {&sk_udp6} 100 200\nnet -s -R {&sk_udp} 200 100 0\n"
		  "foreach net -s -R {&sa_udp}\nforeach rtd net"},
	{"net-S", "net -S -x 100\nnet -S 200 -R 1"},
	{"net-bad", "net -x\nnet -z\nnet -s 999\nnet -x -d\nnet -N\nnet -s -S 100\nnet -n 999\nforeach net -x -d"},
	{"net-device-cycle", "net", "dev_dummy0.dev_list.next = &dev_eth0.dev_list"},
	/* the corrupt-dump suite's mem-garbage2: a damaged device's name, its control bytes as '?',
	 * and its unreadable in_device naming it so */
	{"net-device-name-control-bytes", "net", "dev_eth0.name[1] = 27; dev_eth0.name[2] = 7; dev_eth0.ip_ptr = 0xdead0000"},
	{"net-ifa-cycle", "net", "ifa_eth0_b.ifa_next = &ifa_eth0_a"},
	{"net-neigh-cycle", "net -a", "neigh_3.next = &neigh_2"},
	{"net-neigh-self", "net -a", "neigh_3.next = &neigh_3"},
	{"net-neigh-bad-shift", "net -a", "arp_nht.hash_shift = 40"},
	{"net-sock-unreadable", "net -s 200", "sa_unix.socket.sk = 0xdead0000"},
	{"ipcs", "ipcs\nipcs -M\nipcs -s\nipcs -q\nipcs -m 32769\nipcs {&sem_a} 7\nipcs -n 200\nipcs -M 0\nipcs -z\nipcs -n 999\nipcs -n"},
	{"ipcs-idr-corrupt", "ipcs -m", "shm_idr_node.shift = 70"},
	{"ipcs-shm-file-unreadable", "ipcs -M", "file_shm_b.f_path.dentry = 0xdead0000"},
	{"ps", "ps"},
	{"ps-filters", "ps -k\nps -u\nps -G\nps -y FIFO\nps -A"},
	{"ps-select", "ps 100 rtd\nps {task_b2}\nps swapper/1"},
	{"ps-kstack", "ps -s"},
	{"ps-parents-children", "ps -p 101\nps -c 1"},
	{"ps-times", "ps -t\nps -t 200"},
	{"ps-last", "ps -l\nps -m"},
	{"ps-group", "ps -g 101"},
	{"ps-rlimits", "ps -r 1"},
	{"ps-summary", "ps -S"},
	/* RSS counters near INT64_MAX (a corrupt mm): the sum is held at its largest, no signed overflow */
	{"ps-rss-overflow", "ps 100", "mm_worker.rss_stat[0].count = 0x7fffffffffffffff; mm_worker.rss_stat[1].count = 0x7fffffffffffff00"},
	/* a comm holding ESC, BEL and a newline (issue 15): '?' for each, as ps(1) shows it, one row per task */
	{"ps-comm-control-bytes", "ps 100", "task_b.comm[0] = 0x1b; task_b.comm[1] = 7; task_b.comm[2] = 10"},
	{"ps-bad-option", "ps -Z"},
	{"ps-no-header-cpus-regex", "ps -H -u\nps -H -s 1\nps -l -C 0,1\nps -m -C 1\nps -C 0\nps 'work.*' '^r'\nps -G 'work.*'\nps '('"},
	{"ps-exclusive", "ps -k -u\nps -t -a\nps -A -l\nps -S -k\nps -G -m\nps -S 1\nps -C 0 -l 1"},
	{"ps-bad-policy", "ps -y SOMETIMES"},
	{"ps-no-such-pid", "ps 4242"},
	{"ps-task-list-broken", "ps", "init_task.tasks.next = 0xdead0000"},
	/* runq */
	{"vm", "vm 100\nvm -v 100\nvm -m 1\nvm -R {&mm_worker} 100\nvm 1"},
	{"vm-flags", "vm -f 8100073\nvm -f 100173\nvm -f zz\nvm -p -f 3"},
	{"vm-bad-options", "vm -p -m\nvm -x -d\nvm -R 1 -R 2\nvm -z\nvm 4242"},
	{"vm-maple-bad-slots", "vm 100", "mt_slots[3] = 200"},
	/* the corrupt-dump suite's mem-garbage3: a VMA of random bytes gave vm -p an area of 2^60
	 * bytes to walk page by page (a hang); a VMA that is not where the maple tree holds it, or
	 * ends before it starts, is refused with its address */
	{"vm-vma-not-where-the-tree-says", "vm 100", "vmas[1].vm_end = 0x2800"},
	{"vm-vma-no-area", "vm 100", "vmas[2].vm_start = 0x9000; vmas[2].vm_end = 0x4000"},
	{"swap", "swap\nswap -x"},
	{"kmem-vmalloc", "kmem -v\nkmem -v ffffc90000001000 ffffffffc0001000\nkmem -v 1000"},
	{"kmem-vmalloc-cycle", "kmem -v", "vas[2].list.next = &vas[1].list"},
	{"runq", "runq"},
	{"runq-cpu", "runq -c 1"},
	{"runq-timestamps", "runq -t"},
	{"runq-bad-cpu", "runq -c 9"},
	{"runq-bad-option", "runq -z"},
	{"runq-views", "runq -m\nrunq -T\nrunq -m -c 0,2\nrunq -c 1 -c 2\nrunq -g\nrunq -g -c 1"},
	{"runq-groups-cycle", "runq -g -c 3", "tg_kdive.children.next = &root_task_group.siblings"},
	{"runq-groups-bad-queue", "runq -g -c 0", "group_cfs.tasks_timeline.rb_root.rb_node = 0xdead0000"},
	{"runq-group-bad-pointer", "runq -c 0", "group_cfs.tasks_timeline.rb_root.rb_node = 0xdead0000"},
	/* an RT queue whose only entry links to itself: one line for the task, then the cycle is reported */
	{"runq-rt-self-loop", "runq -c 1", "task_d.rt.run_list.next = &task_d.rt.run_list"},
	/* list */
	{"list-head", "list -H ghead -o item.link -s item.v"},
	{"list-head-reverse", "list -r -H ghead -o item.link -s item.v"},
	{"list-h-entry", "list item.link -s item.v -h items"},
	{"list-chain", "list vm_area_struct.vm_next -s vm_area_struct.vm_start,vm_end vmas"},
	{"list-end", "list vm_area_struct.vm_next -e {&vmas[2]} vmas"},
	{"list-tasks", "list task_struct.tasks -s task_struct.pid,comm -h init_task"},
	{"list-modules", "list -H modules -o module.list -s module.name"},
	{"list-address", "list -H {ghead} -o 8\nlist {&vmas[1]} -o 16"},
	{"list-no-start", "list -H"},
	{"list-bad-pointer", "list -H ghead -o item.link", "items[1].link.next = 0xdead0000"},
	{"list-cycle", "list task_struct.tasks -h init_task", "task_d.tasks.next = &task_b.tasks"},
	/* tree */
	{"tree-rbtree", "tree -t rbtree -o item.rb -s item.v groot"},
	{"tree-rbtree-linear", "tree -o item.rb -l -p groot"},
	{"tree-address", "tree -o item.rb -N {&rbn[1].rb}\ntree -t xarray -r idr.idr_rt {gidr}"},
	{"tree-xarray", "tree -t xarray -p gxa"},
	{"tree-xarray-bad-node", "tree -t xarray gxa", "xa_top.slots[2] = 0xdead0002"},
	{"tree-radix-pids", "tree -t radix -s pid.nr init_pid_ns"},
	{"tree-maple", "tree -t maple -p -s vm_area_struct.vm_start,vm_end gmt"},
	{"tree-maple-verbose", "tree -t maple -v gmt"},
	{"tree-bad-type", "tree -t bush groot"},
	{"tree-verbose-rbtree", "tree -v groot"},
	{"tree-rbtree-cycle", "tree -o item.rb groot", "rbn[3].rb.rb_left = &rbn[2].rb"},
	{"tree-maple-bad-slots", "tree -t maple gmt", "mt_slots[3] = 200"},
	/* types and values */
	{"struct-definition", "struct list_head\nstruct -o item\nstruct item.v,rb"},
	{"struct-at-address", "struct item items\nstruct item.v,link items 3\nstruct -x rb_node {&rbn[1].rb}\n*rb_root groot\n"
			      "item.v {&items[2]}"},
	{"struct-offsets-at-address", "struct -o maple_tree gmt"},
	{"struct-list-offset", "struct item.v -l item.link {&items[1].link}"},
	{"struct-unreadable", "struct item 0xdead0000"},
	{"struct-no-such-type", "struct no_such_struct"},
	{"struct-name-of-a-command", "net init_net\nstruct net init_net\nnet.ifindex init_net\nitem.v items"},
	{"p", "p nr_cpu_ids\np init_uts_ns.name.release\np items[1]\np &items[1].link\np -x __per_cpu_offset\n"
	      "p jiffies_64\npx tick_nsec\npd 0x10\np/x items[2].v\np sizeof(struct task_struct)\np modules"},
	{"p-structures", "p init_uts_ns\np *task_b.mm\np group_cfs"},
	{"p-errors", "p items[1].nosuch\np no_such_symbol"},
	{"whatis", "whatis items\nwhatis struct item\nwhatis -o item.link\nwhatis nr_cpu_ids\nwhatis task_struct"},
	/* symbols and memory */
	{"sym", "sym linux_banner\nsym {items+0x8}\nsym -q mod_"},
	{"sym-not-found", "sym no_such_symbol"},
	/* modules: the list, and mod's refusals (the loading itself: test_moddebug.c) */
	{"mod", "mod\nmod -r\nmod -D\nmod -d fake\nmod -o"},
	{"mod-bad-input", "mod -s nosuch\nmod -d nosuch\nmod -s\nmod -x\nmod -s ext4 -d ext4\nmod -S /nonexistent\n"
			  "mod -S /tmp extra\nmod -s ext4 /dev/null\nmod -s ext4 /nonexistent/ext4.ko\nmod -s fake /dev/null extra"},
	{"sym-module", "sym fake_init\nsym ffffffffc0000020\nsym fake_helper\nsym fake_helper.part.0\nsym __this_module\nsym fake_data\n"
		       "sym -n fake_init\nsym -p ext4_fill_super\nsym -p -n fake_helper\nsym ffffffffc0100000 ffffffffc0000110\n"
		       "sym -q fake_\nsym -Q this_module\nsym -Q no_such\nsym fake_\nsym -s fake_init linux_banner"},
	{"sym-module-list", "sym -M\nsym -m fake\nsym -m no_such_module"},
	{"sym-module-expressions", "rd -s {&modules} 2\neval fake_init + 0x10\nrd fake_helper 1\nrd -s {&fake_symtab[1].st_value} 1\nwhatis fake_data\np fake_data"},
	{"sym-usage", "sym\nsym -x\nsym 12345678901234567"},
	{"sym-module-kallsyms-too-big", "sym -m fake\nsym fake_init", "fake_kallsyms.num_symtab = 0x7fffffff"},
	{"sym-module-kallsyms-bad-strtab", "sym -m fake", "fake_kallsyms.strtab = 0xdead0000"},
	/* a cycle in the module list (the corrupt-dump suite's mem-module-loop): the modules found, then one error */
	{"mod-list-cycle", "mod", "mod_fake.list.next = &mod_ext4.list"},
	{"mod-taints", "mod -t\nsys -t"},
	{"mod-taints-none", "mod -t\nsys -t", "mod_fake.taints = 0; tainted_mask = 0"},
	{"rd", "rd linux_banner 6\nrd -a linux_banner 60\nrd -32 objs 4\nrd -d -32 panic_cpu\nrd -s ghead 2"},
	{"rd-end", "rd -x -e {&vmas[2]} vmas"},
	/* translation: what needs no page table */
	{"pte", "pte 800000000f777867 0 100\npte 80000000000001e1 fff0000000000867"},
	{"pte-swap-entry", "pte 1 2e00"},
	{"btop-ptob", "btop 12345678 0x1000 2000\nptob 1234 10 0x10 a ffffffffffffffff"},
	{"translate-bad-input", "btop\nbtop xyz\nbtop 12345678901234567\nptob\nptob xyz\nptob 1 -1\npte xyz\nptov\nptov -x 1\n"
				"ptov xyz\nptov 1000:9\nptov 1000:x\nvtop\nvtop -u -k 1000\nvtop xyz\nvtop -c 4242 1000"},
	{"ptov-percpu", "ptov 1000:a\nptov 1000:0 2000:1,0\nptov 1000:"},
	{"rd-unreadable", "rd 0xdead0000"},
	{"rd-no-address", "rd"},
	{"rd-ascii", "rd -a linux_banner"},
	/* search: the fake kernel's image from _text to _end, unmapped pages between .data and .bss */
	{"search-value", "search -s _text -e _end ghead\nsearch -s _text -e _end {&items[1].link} (ghead)"},
	{"search-string", "search -c -s linux_banner -l 48 fake Linux\nsearch -c -s init_uts_ns -l 0x190 x86_64"},
	{"search-context", "search -w -x 2 -s init_uts_ns -l 0x190 5f363878\nsearch -h -x 3 -s init_uts_ns -l 0x190 5f36"},
	{"search-mask", "search -w -m ff -s init_uts_ns -l 0x190 5f363800\nsearch -m ffff -s init_uts_ns -l 0x40 0"},
	{"search-stacks", "search -t 5a5a5a5a12345678\nsearch -T 5a5a5a5a12345678\nsearch -t -x 1 -w -m ff 12345600",
	 "init_stack[100] = 0x5a5a5a5a12345678; init_stack[2000] = 0x5a5a5a5a12345678"},
	{"search-errors", "search 0\nsearch -t -k 0\nsearch -s _text -e _end -x 600 0\nsearch -s _text -e _end -w 123456789\n"
			  "search -s _text -e _end -c -x 1 a\nsearch -s _end -e _text 0\nsearch -e 0 1\nsearch -s _text -e _end zzz\n"
			  "search -s _text\nsearch -s _text -l 8 -e _end 0\nsearch -h -c -s init_uts_ns -l 8 -m 1 Linux"},
	{"sys", "sys"},
	/* The running kernel: no PANIC line, no panic task, an active task "(active)", a sleeping one unwound. */
	{"live-sys-bt", "sys\nbt 100\nbt 101\nbt -p\nbt -a\nbt -c 1\nset -p\nforeach worker bt", NULL, true},
	{"live-ps-task-list-broken", "ps", "init_task.tasks.next = 0xdead0000", true},
	{"log-options", "log\nlog -c\nlog -t -d\nlog -m -c -d\nlog -T -t\nlog -s\nlog -a\nlog -a -c -d"},
	{"log-safe-buffers", "log -s\nlog -s -m\nlog -s -t"},
	{"log-audit-empty", "log -a", "audit_queue.qlen = 0"},
	{"log-audit-bad-skb", "log -a", "audit_skb0.data = 0"},
	{"log-audit-cycle", "log -a", "audit_skb0.next = &audit_skb0"},
	{"log-audit-bad-length", "log -a", "audit_skb0.len = 4"},
	{"log-ring-corrupt", "log -c", "printk_rb_static.desc_ring.count_bits = 99"},
	{"log-record-bad-block", "log -t", "log_descs[3].text_blk_lpos.begin = 0xdead0000"},
	/* the descriptor array ends in unmapped memory after the five records: they, then one error */
	{"log-ring-broken-midway", "log -t", "printk_rb_static.desc_ring.count_bits = 24; printk_rb_static.desc_ring.head_id.counter = 0xfffff"},
	{"sys-config-bad-magic", "sys config", "kernel_config_data[0] = 0"},
	{"sys-config-bad-data", "sys config", "kernel_config_data[20] = 0x55; kernel_config_data[21] = 0x55"},
	{"sys-calls-bad-entry", "sys -c", "sys_call_table[1] = 0xdead0000"},
	{"sys-calls", "sys -c\nsys -c write\nsys -c 2 1 read\nsys -c nosuch\nsys config\nsys -x"},
	{"ps-args", "ps -a 1"},
	/* context */
	{"set", "set\nset 1\nset\nset -c 1\nset -p\nset -v"},
	{"set-radix", "set radix 16\np nr_cpu_ids\nstruct item.v items\nset radix 10\np nr_cpu_ids"},
	{"set-bad", "set 4242\nset radix 7\nset -c 9"},
	{"foreach", "foreach ps\nforeach kernel ps\nforeach worker ps -p\nforeach 101 200 task -R pid,comm,prio"},
	{"foreach-no-such-task", "foreach 4242 ps"},
	{"foreach-no-command", "foreach 1 set"},
	/* kmem: the page allocator (fake_mem_map.pages, node 0's zones) */
	{"kmem-p", "kmem -p {&fake_mem_map.pages[2]}\nkmem -p 3000\nkmem -P 6000\nkmem -p 100000000\nkmem -p 100000000 4000 5000"},
	{"kmem-p-members", "kmem -p -m flags,_refcount,_mapcount,lru,mapping {&fake_mem_map.pages[6]}\nkmem -m index,nosuch\nkmem -m flags,"},
	{"kmem-free", "kmem -f\nkmem -F"},
	{"kmem-free-addr", "kmem -f {&fake_mem_map.pages[10]}\nkmem -f 1000 2000"},
	{"kmem-free-cycle", "kmem -f", "fake_mem_map.pages[8].lru.next = &fake_mem_map.pages[8].lru"},
	{"kmem-section-root-unreadable", "kmem -p\nkmem -p {&fake_mem_map.pages[2]}", "fake_section_roots[0] = 0xdead0000"},
	{"kmem-zones", "kmem -z"},
	{"kmem-vm-stat", "kmem -V"},
	{"kmem-nodes", "kmem -n"},
	{"kmem-flags", "kmem -g\nkmem -g 1004\nkmem -g 800000"},
	{"kmem-misc", "kmem -h\nkmem -o\nkmem -c\nkmem -C"},
	{"kmem-addr", "kmem {&fake_mem_map.pages[9]}\nkmem {&fake_mem_map.pages[4]}"},
	{"kmem-info", "kmem -i"},
	{"report", "report\nreport -f markdown"},
	{"report-damaged", "report", "init_task.tasks.next = 0xdead0000; log_descs[3].text_blk_lpos.begin = 0xdead0000; ino_bdev1.i_sb_list.next = 0xdead0000"},
	{"report-blocked", "report\nps -m", "task_a.__state = 2; task_b2.__state = 2; task_d.__state = 2"},
	{"kmem-info-bdev-unreadable", "kmem -i", "ino_bdev1.i_sb_list.next = 0xdead0000"},
	{"kmem-info-bdev-cycle", "kmem -i", "ino_bdev1.i_sb_list.next = &ino_bdev0.i_sb_list"},
	{"kmem-info-bdev-mapping-unreadable", "kmem -i", "ino_bdev1.i_mapping = 0xdead0000"},
	{"kmem-info-cached-negative", "kmem -i", "vm_node_stat[2].counter = 10"},
	/* the corrupt-dump suite's mem-counters: a memory total of 0 said as such (was: "cannot read") */
	{"kmem-info-no-total", "kmem -i", "_totalram_pages.counter = 0"},
	/* kmem: the slab allocator */
	{"kmem-s", "kmem -s\nkmem -s kmalloc-64\nkmem -s list\nkmem -s \\list\nkmem -s -I task_struct\nkmem -s no_such_cache"},
	{"kmem-S", "kmem -S kmalloc-64\nkmem -S task_struct\nkmem -S=1 task_struct"},
	{"kmem-s-address", "kmem -s {&slab_mem[2].words[13]}\nkmem -S {&slab_mem[4].words[200]}\nkmem -s {&fake_mem_map.slabs[1]}\n"
			   "kmem -s {&kmalloc_64_cache}\nkmem -s {&items[1]}"},
	{"kmem-r", "kmem -r"},
	{"kmem-S-bad-cpus", "kmem -S=7 kmalloc-64"},
	{"kmem-freelist-cycle", "kmem -S kmalloc-64\nkmem -s kmalloc-64", "slab_mem[1].words[160] = &slab_mem[1].words[80]"},
	{"kmem-freelist-unreadable", "kmem -S kmalloc-64\nkmem -s kmalloc-64", "slab_mem[0].words[8] = 0xdead0000"},
	{"kmem-partial-cycle", "kmem -S kmalloc-64\nkmem -s kmalloc-64", "fake_mem_map.slabs[2].slab_list.next = &fake_mem_map.slabs[2].slab_list"},
	/* the corrupt-dump suite's mem-garbage: a kmem_cache whose order is absurd (the slab size
	 * shifted by 37463 bits, UBSan's report) is one that cannot be gathered; a module whose
	 * name holds control bytes is listed with '?' for them */
	{"kmem-cache-bad-order", "kmem -s", "kmalloc_64_cache.oo.x = 0x92570040"},
	{"mod-name-control-bytes", "mod", "mod_fake.name[1] = 27; mod_fake.name[2] = 7"},
	{"kmem-cpu-partial-cycle", "kmem -S kmalloc-64\nkmem -s kmalloc-64", "fake_mem_map.slabs[1].next = &fake_mem_map.slabs[1]"},
	/* issue 12, kmisc: timer, waitq, mach, bpf, sbitmapq */
	{"timer", "timer\ntimer -C 1\ntimer -C 5\ntimer -x\ntimer -C"},
	{"timer-r", "timer -r -C 0\ntimer -C 0,2 -r"},
	{"timer-vector-cycle", "timer -C 0", "fk_timers[1].entry.next = &fk_timers[0].entry"},
	{"timer-unreadable", "timer -C 0", "fk_timers[1].entry.next = 0xdead0000"},
	{"timer-r-node-unreadable", "timer -r -C 0", "fk_hrt[0].node.node.rb_right = 0xdead0000"},
	{"waitq", "waitq fk_waitq\nwaitq {&fk_waitq}\nwaitq wait_queue_entry.entry {&fk_waiters[1]}\nwaitq fk_empty_waitq\n"
		  "waitq wait_queue_head.head\nwaitq task_struct.nosuch {&fk_waitq}\nwaitq nosuchsym\nwaitq 0\nwaitq\nwaitq a b c"},
	{"waitq-cycle", "waitq fk_waitq", "fk_waiters[1].entry.next = &fk_waiters[0].entry"},
	{"waitq-unreadable", "waitq fk_waitq\nwaitq 0xffffffffffffff00", "fk_waiters[0].entry.next = 0xdead0000"},
	{"mach", "mach -m\nmach -c\nmach -c -x\nmach -x -d\nmach -o"},
	{"mach-e820-corrupt", "mach -m", "fk_e820.nr_entries = 5000"},
	{"bpf", "bpf\nbpf -p 1\nbpf -P\nbpf -m 1\nbpf -M\nbpf -p 2\nbpf -m 9\nbpf -t\nbpf -s\nbpf -x\nbpf x\nbpf -p z\nbpf -p 1 -t"},
	{"bpf-s", "bpf -p 1 -s\nbpf -m 1 -s -x"},
	{"bpf-t", "bpf -p 1 -t\nbpf -P -T"},
	{"bpf-prog-unreadable", "bpf", "prog_idr.idr_rt.xa_head = 0xdead0000"},
	{"sbitmapq", "sbitmapq {&fk_sbq}\nsbitmapq -s item -a {&items} {&fk_sbq}\nsbitmapq -s item.v -a {&items} -v {&fk_sbq}"},
	{"sbitmapq-bad", "sbitmapq\nsbitmapq 0\nsbitmapq zz\nsbitmapq -s item {&fk_sbq}\nsbitmapq -a {&items} {&fk_sbq}\n"
			 "sbitmapq -p {&fk_sbq}\nsbitmapq -x -d {&fk_sbq}\nsbitmapq -s nosuch -a {&items} {&fk_sbq}\nsbitmapq 1 2"},
	{"sbitmapq-corrupt", "sbitmapq {&fk_sbq}", "fk_sbq.sb.map_nr = 0x7fffffff"},
	/* issue 12, shell: alias, ascii, repeat, wr, exit, gdb, help pages, registers without a source */
	{"alias", "alias\nalias kl \"p jiffies_64 | cat\"\nkl\nalias kl\nalias ps ps -a\nalias zz nosuch\nalias kl \"\"\n"
		  "alias kl\nalias nothere\nalias kl \"\"\npx jiffies_64\npd 0x10\nhex\np 16\ndec\np 16\nalias -x"},
	{"ascii", "ascii\nascii 62696c2f7273752f 0x41 00007f0a41\nascii ffffffffffffffff\nascii zz\nascii 123456789abcdef012"},
	{"repeat", "repeat -0 p 1\nrepeat p nosuch\nrepeat\nrepeat -x p 1\nrepeat -5"},
	{"wr", "wr\nwr -8 jiffies_64 1"},
	{"help-pages", "help nosuchcommand\nhelp -x\nhelp man\nhelp exit"},
	{"gdb", "gdb p jiffies_64\ngdb p/x jiffies_64\ngdb whatis jiffies_64\ngdb whatis struct list_head\ngdb ptype struct list_head\n"
		"gdb x/1xg &jiffies_64\ngdb x/2xw &jiffies_64\ngdb x/4d &objs\ngdb x/3 &objs\ngdb x/8xb &objs\ngdb x/2a &ghead\ngdb x/s linux_banner\n"
		"gdb x/2c linux_banner\ngdb x/i &objs\ngdb x/4q &objs\ngdb info symbol &objs[1]\ngdb info symbol 16\ngdb bt\ngdb\n"
		"gdb p nosuch"},
	{"gdb-unreadable", "gdb x/2xg 0xdead0000\ngdb x/s 0xdead0000"},
	/* x/i through kd_disasm_one: gdb's layout, operands named; then an address the dump lacks */
	{"gdb-x-insns", "gdb x/4i dis_caller\ngdb x/2i dis_caller+4\ngdb x/2i 0xdead0000"},
	{"registers-sleeping", "set 0\np $rip\np $sp\np $rbx\np $ebp\np $rax\ngdb info registers",
	 "init_stack[0x3e70 / 8] = 15; init_stack[0x3e70 / 8 + 3] = 12; init_stack[0x3e70 / 8 + 4] = 0xb0;"
	 "init_stack[0x3e70 / 8 + 5] = 0xffffffff92345678; init_stack[0x3e70 / 8 + 6] = (unsigned long)&items[1]"},
	{"registers-unavailable", "p $rip\np $eflags\np $xyz\np $fp\np $rip + 1\neval $rax + 8\ngdb info registers rip\ngdb info registers xyz"},
	/* dis (issue 12): the fake kernel's code in tests/unit/fake_text.c */
	{"dis-function", "dis dis_caller\ndis dis_switch\ndis dis_trap\ndis dis_traced\ndis dis_leaf"},
	{"dis-count", "dis dis_caller 3\ndis dis_caller+4\ndis dis_caller+4 2\ndis {dis_caller+0x20} 2\ndis {dis_caller}\n"
		      "dis (dis_caller+0x20)\ndis dis_caller 0x3\ndis dis_counter\ndis dis_caller+0x4e 4"},
	{"dis-radix", "dis -x dis_caller 4\ndis -d dis_caller 4\nset radix 16\ndis dis_caller 4\ndis -d dis_caller 2\ndis -h dis_switch+14"},
	{"dis-reverse-forward", "dis -r dis_caller+37\ndis -r dis_caller+37 3\ndis -r dis_caller+36\ndis -r dis_caller\n"
				"dis -r {dis_caller+0x25} 1\ndis -f dis_caller+65\ndis -f dis_caller+65 2\ndis -f dis_caller+66"},
	{"dis-lines", "dis -l dis_caller\ndis -l dis_caller+37 2\ndis -l -r dis_leaf+16"},
	{"dis-source", "dis -s dis_caller\ndis -s dis_caller+37\ndis -s dis_caller 2\ndis -s dis_counter"},
	{"dis-user-raw", "dis -u {dis_caller} 3\ndis -U dis_leaf 2\ndis 12345\ndis -u 0 2"},
	{"dis-bug-bytes", "dis -b\ndis -b 2\ndis -b\ndis dis_trap+13 2\ndis -b 0 dis_trap+13 2\ndis -b"},
	{"dis-errors", "dis\ndis -z dis_caller\ndis no_such_fn_zz\ndis dis_\ndis dis_caller 0\ndis -r -f dis_caller\n"
		       "dis -f -r dis_caller\ndis -x -d dis_caller\ndis -d -x dis_caller\ndis -r -s dis_caller\ndis -s -f dis_caller\n"
		       "dis -u -s dis_caller\ndis -s -u dis_caller\ndis dis_caller zz\ndis ffff888000000000\ndis 0"},
	{"dis-bad-bytes", "dis dis_leaf 3", "*(unsigned char *)dis_leaf = 6"},
};
#pragma GCC diagnostic pop

/* ---- running a case ---- */

static kd_session *S;

/* Text built on a memory stream: text_new(&t), fprintf(t.f, ...), text_end(&t) gives the string. */
struct text {
	FILE *f;
	char *buf;
	size_t size;
};

static void text_new(struct text *t)
{
	t->buf = NULL;
	t->f = open_memstream(&t->buf, &t->size);
	if (!t->f)
		abort();
}

static char *text_end(struct text *t)
{
	fclose(t->f);
	return t->buf;
}

static char *slurp(FILE *f)
{
	struct text t;
	char buf[4096];
	size_t n;
	text_new(&t);
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, t.f);
	return text_end(&t);
}

/* Where a sanitizer report goes while the error stream is captured: the real stderr. */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
static int real_stderr = -1;

/* One line through the shell: its output (to a memory stream) and its error stream. */
static int run_line(const char *line, char **out, char **err)
{
	struct text o;
	FILE *tmp = tmpfile();
	if (!tmp)
		abort();
	text_new(&o);
	fflush(stdout);
	fflush(stderr);
	if (real_stderr < 0) {
		real_stderr = dup(STDERR_FILENO);
		if (__sanitizer_set_report_fd)
			__sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
	}
	dup2(fileno(tmp), STDERR_FILENO);
	FILE *saved = S->out;
	S->out = o.f;
	int rc = shell_run_line(S, line);
	S->out = saved;
	fflush(stderr);
	dup2(real_stderr, STDERR_FILENO);
	*out = text_end(&o);
	*err = slurp(tmp);
	fclose(tmp);
	return rc;
}

/* {symbol}, {symbol+0xoffset} or {C expression} in a command line: the address, in hex. */
static char *expand(const char *line)
{
	struct text b;
	text_new(&b);
	for (const char *p = line; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			fputc(*p++, b.f);
			continue;
		}
		char *inner = xstrndup(p + 1, (size_t)(close - p - 1)), *plus = strchr(inner, '+');
		uint64_t v = 0, off = 0;
		const struct kd_symbol *k = NULL;
		if (plus) {
			*plus = '\0';
			k = kd_symbol_lookup(S, inner);
			*plus = '+';
			char *end;
			off = strtoull(plus + 1, &end, 0);
			if (*end)
				k = NULL;
		} else
			k = kd_symbol_lookup(S, inner);
		if (k)
			v = k->addr + off;
		else if (kd_cexpr_eval_u64(S, inner, &v) < 0)
			CU_FAIL_FATAL("a {...} in a command line is neither symbol+offset nor an expression");
		fprintf(b.f, "%llx", (unsigned long long)v);
		free(inner);
		p = close + 1;
	}
	return text_end(&b);
}

/* The first symbol above addr, or NULL. */
static const struct kd_symbol *symbol_above(uint64_t addr)
{
	size_t i = kd_symbol_index_from(S, addr + 1);
	return i < kd_symbol_count(S) ? kd_symbol_index(S, i) : NULL;
}

/* addr as {symbol+0xoffset}, or {symbol-0xoffset} when it lies past the end of the object below it
 * (a list head's "entry", for one), so that it does not name an unrelated neighbour. */
static int print_symbolic(FILE *b, const struct kd_symbol *k, uint64_t v)
{
	const struct kd_symbol *above = k->size && v >= k->addr + k->size ? symbol_above(v) : NULL;
	if (above)
		return fprintf(b, "{%s-0x%llx}", above->name, (unsigned long long)(above->addr - v));
	if (v == k->addr)
		return fprintf(b, "{%s}", k->name);
	return fprintf(b, "{%s+0x%llx}", k->name, (unsigned long long)(v - k->addr));
}

/*
 * Addresses in the fake kernel's image, [_text, _end], as {symbol+0xoffset}. One that a space or a
 * colon follows is padded to the 16 columns of the address, so that tables keep their columns;
 * one written 0x... is C's (p, tree -v) and is not.
 */
static void symbolize(FILE *b, const char *text)
{
	const struct kd_symbol *lo = kd_symbol_lookup(S, "_text"), *hi = kd_symbol_lookup(S, "_end");
	CU_ASSERT_FATAL(lo && hi);
	for (const char *p = text; *p;) {
		size_t n = 0;
		while (n < 17 && isxdigit((unsigned char)p[n]))
			n++;
		bool hex_prefix = p - text >= 2 && p[-1] == 'x' && p[-2] == '0';
		bool word_start = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_') || hex_prefix;
		if (n == 16 && word_start && !isalnum((unsigned char)p[16]) && p[16] != '_') {
			uint64_t v = strtoull(p, NULL, 16);
			const struct kd_symbol *k = v >= lo->addr && v <= hi->addr ? kd_symbol_containing(S, v) : NULL;
			if (k) {
				int w = print_symbolic(b, k, v);
				if ((p[16] == ' ' || p[16] == ':') && !hex_prefix && w < 16)
					fprintf(b, "%*s", 16 - w, "");
				p += 16;
				continue;
			}
		}
		if (n) {
			fwrite(p, 1, n, b);
			p += n;
		} else
			fputc(*p++, b);
	}
}

/* The session as each case starts: the panic task, radix 10, $1 next, nothing cached from memory. */
static void reset_session(void)
{
	S->cur_task = 0;
	S->output_radix = 10;
	S->gdb_x_format = S->gdb_x_size = 0;
	aliases_free(S); /* the built-in ones again */
	cexpr_free(S);
	cexpr_set_registers(S, kd_context_regs); /* as session_new installs it */
	fake_session_forget();
	kd_clear_error(S);
}

struct poke {
	uint64_t addr, old;
	size_t size;
};

/* "LVALUE = VALUE; ...": each written into the fake kernel; returns how many. */
static size_t damage(const char *spec, struct poke *pokes, size_t max)
{
	size_t n = 0;
	char *copy = xstrdup(spec), *save = NULL;
	for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(item, '=');
		CU_ASSERT_FATAL(eq && n < max);
		*eq = '\0';
		char *lhs = xasprintf("&(%s)", item), *size = xasprintf("sizeof(%s)", item);
		uint64_t addr, sz, val;
		bool ok = kd_cexpr_eval_u64(S, lhs, &addr) == 0 && kd_cexpr_eval_u64(S, size, &sz) == 0 &&
			  kd_cexpr_eval_u64(S, eq + 1, &val) == 0 && sz >= 1 && sz <= 8;
		if (!ok)
			fprintf(stderr, "damage \"%s=%s\": %s\n", item, eq + 1, kd_last_error(S));
		free(lhs);
		free(size);
		CU_ASSERT_FATAL(ok);
		pokes[n] = (struct poke){addr, fake_poke(addr, val, sz), sz};
		n++;
	}
	free(copy);
	kd_clear_error(S);
	return n;
}

/* The source tree's tests/unit directory (where fake_kernel.c is) written {srcdir}: source
 * paths in output (dis -l, dis -s) do not depend on where the tree is checked out. */
static char *unpath(const char *text)
{
	const char *dir_end = strrchr(FAKE_KERNEL, '/');
	size_t dlen = dir_end ? (size_t)(dir_end - FAKE_KERNEL) : 0;
	struct text b;
	text_new(&b);
	for (const char *p = text; *p;) {
		if (dlen && strncmp(p, FAKE_KERNEL, dlen) == 0) {
			fputs("{srcdir}", b.f);
			p += dlen;
		} else
			fputc(*p++, b.f);
	}
	return text_end(&b);
}

static char *run_case(const struct golden *g)
{
	struct text b;
	struct poke pokes[8];
	size_t npokes = 0;
	text_new(&b);
	reset_session();
	S->ki.live = g->live;
	if (g->damage) {
		fprintf(b.f, "# damaged: %s\n", g->damage);
		npokes = damage(g->damage, pokes, 8);
	}
	char *lines = xstrdup(g->lines), *save = NULL;
	for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *expanded = expand(line), *out = NULL, *err = NULL;
		int rc = run_line(expanded, &out, &err);
		fprintf(b.f, "kdive> %s\n", line);
		char *o = unpath(out), *e = unpath(err);
		free(out);
		free(err);
		out = o;
		err = e;
		symbolize(b.f, out);
		for (char *e = err, *nl; *e; e = nl) {
			nl = e + strcspn(e, "\n");
			char *one = xstrndup(e, (size_t)(nl - e));
			fputs("[stderr] ", b.f);
			symbolize(b.f, one);
			fputc('\n', b.f);
			free(one);
			if (*nl)
				nl++;
		}
		if (rc < 0)
			fputs("[failed]\n", b.f);
		free(out);
		free(err);
		free(expanded);
	}
	free(lines);
	S->ki.live = false;
	while (npokes--)
		fake_poke(pokes[npokes].addr, pokes[npokes].old, pokes[npokes].size);
	reset_session();
	return text_end(&b);
}

/* ---- golden files ---- */

static bool updating(void)
{
	const char *u = getenv("KDIVE_UPDATE_GOLDEN");
	return u && *u && strcmp(u, "0") != 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *r = slurp(f);
	fclose(f);
	return r;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Where the outputs that differ are kept for a look: one directory, each run overwriting its files. */
static const char *mismatch_dir(void)
{
	static char dir[256];
	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/kdive-golden-actual", tmp && *tmp ? tmp : "/tmp");
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			snprintf(dir, sizeof(dir), "%s", tmp && *tmp ? tmp : "/tmp");
	}
	return dir;
}

/* "line N: expected ... got ...", for the first line that differs. */
static void first_difference(const char *want, const char *got, char *msg, size_t size)
{
	int line = 1;
	const char *w = want, *g = got;
	for (;;) {
		size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");
		if (wl != gl || memcmp(w, g, wl) != 0 || !w[wl] != !g[gl]) {
			snprintf(msg, size, "line %d:\n  expected: %.*s%s\n  got:      %.*s%s", line, (int)wl, w,
				 *w ? "" : "(end of file)", (int)gl, g, *g ? "" : "(end of output)");
			return;
		}
		if (!w[wl])
			break;
		w += wl + 1;
		g += gl + 1;
		line++;
	}
	snprintf(msg, size, "(no difference)");
}

static void check_golden(const struct golden *g, const char *got)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s.out", GOLDEN_DIR, g->name);
	char *want = read_file(path);
	if (updating()) {
		if (!want || strcmp(want, got) != 0) {
			CU_ASSERT_EQUAL(write_file(path, got), 0);
			fprintf(stderr, "\n  golden %s: %s\n", want ? "updated" : "created", path);
		}
		free(want);
		return;
	}
	if (want && strcmp(want, got) == 0) {
		free(want);
		return;
	}
	char diff[2048], actual[1024];
	snprintf(actual, sizeof(actual), "%s/%s.out", mismatch_dir(), g->name);
	write_file(actual, got);
	if (want)
		first_difference(want, got, diff, sizeof(diff));
	else
		snprintf(diff, sizeof(diff), "no golden file (%s)", strerror(errno));
	char *msg = xasprintf("golden %s differs, %s\n  all of it: diff -u %s %s\n"
			      "  if the new output is right: KDIVE_UPDATE_GOLDEN=1 build/normal/tests/unit/run_unit",
			      path, diff, path, actual);
	CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
	free(msg);
	free(want);
}

/* Each case is a test of its own, named after it: the test finds its case by its name. */
static void test_golden(void)
{
	const char *name = CU_get_current_test()->pName;
	const struct golden *g = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(cases) && !g; i++)
		if (strcmp(cases[i].name, name) == 0)
			g = &cases[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	char *got = run_case(g);
	check_golden(g, got);
	free(got);
}

/* A golden file without a case is left over from a renamed or removed one. */
static void test_no_stale_golden(void)
{
	DIR *d = opendir(GOLDEN_DIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".out") != 0)
			continue;
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(cases) && !known; i++)
			known = strlen(cases[i].name) == len - 4 && strncmp(cases[i].name, e->d_name, len - 4) == 0;
		if (known)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, e->d_name);
		if (updating() && unlink(path) == 0) {
			fprintf(stderr, "\n  golden removed: %s (no case of that name)\n", path);
			continue;
		}
		fprintf(stderr, "\n  %s: no case of that name in test_commands.c\n", path);
		CU_FAIL("a golden file without a case");
	}
	closedir(d);
}

/* Registers from a stub: an active task's full set, fs_base but no gs_base. */
static int stub_registers(kd_session *s, struct kd_context_regs *out)
{
	(void)s;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < UW_NREGS; i++)
		out->regs.r[i] = 0x1000 + (uint64_t)i;
	out->regs.r[UW_AX] = 0xffffffff80000001ULL;
	out->regs.r[UW_IP] = fake_sym("items") + 8;
	out->regs.r[UW_SP] = 0xffffc90000013f00ULL;
	out->fs_base = 0x7f0000001000ULL;
	out->valid = ((1u << UW_NREGS) - 1) | KD_CREG_FS_BASE;
	return 0;
}

static void expect_line(const char *line, const char *want)
{
	char *out, *err;
	run_line(line, &out, &err);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "\n%s: got \"%s\" want \"%s\" (stderr \"%s\")\n", line, out, want, err);
	CU_ASSERT_STRING_EQUAL(out, want);
	free(out);
	free(err);
}

/* $rip, $sp, the 32/16/8-bit parts and gdb's info registers, with registers the unwinder gave. */
static void test_registers(void)
{
	reset_session();
	cexpr_set_registers(S, stub_registers);
	char want[256];
	snprintf(want, sizeof(want), "$1 = (void (*)()) 0x%llx <items+8>\n", (unsigned long long)fake_sym("items") + 8);
	expect_line("p $rip", want);
	expect_line("p $sp", "$2 = (void *) 0xffffc90000013f00\n");
	expect_line("p $rax", "$3 = -2147483647\n");
	expect_line("p/x $rax", "$4 = 0xffffffff80000001\n");
	expect_line("p $eax", "$5 = -2147483647\n");
	expect_line("p $ax", "$6 = 1\n");
	expect_line("p/x $ah", "$7 = 0x0\n");
	expect_line("p $rbx + 1", "$8 = 4102\n");
	expect_line("p $fs_base", "$9 = 139637976731648\n");
	expect_line("p $gs_base", "$10 = <unavailable>\n");
	expect_line("p $cs", "$11 = <unavailable>\n");
	expect_line("gdb info registers rax rsp", "rax            0xffffffff80000001  -2147483647\n"
						   "rsp            0xffffc90000013f00  0xffffc90000013f00\n");
	expect_line("gdb info registers eflags", "eflags         <unavailable>\n");
	reset_session();
}

/* One line through the shell with stdout a pseudo-terminal, as a user at a terminal has it:
 * what reached the terminal (termios' ONLCR turns each \n into \r\n). */
static char *run_on_terminal(const char *line)
{
	int master, slave;
	CU_ASSERT_FATAL(openpty(&master, &slave, NULL, NULL, NULL) == 0);
	fflush(stdout);
	int saved_fd = dup(STDOUT_FILENO);
	dup2(slave, STDOUT_FILENO);
	FILE *saved = S->out;
	S->out = stdout;
	shell_run_line(S, line);
	fflush(stdout);
	S->out = saved;
	dup2(saved_fd, STDOUT_FILENO);
	close(saved_fd);
	close(slave);
	fcntl(master, F_SETFL, O_NONBLOCK);
	struct text b;
	text_new(&b);
	char buf[4096];
	ssize_t n;
	while ((n = read(master, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, b.f);
	close(master);
	return text_end(&b);
}

/* Issue 15: control bytes in text from the dump (a file name holding ESC and BEL) reach a
 * terminal as '?', one column each; a file named on the command line gets them as they are. */
static void test_terminal_escapes(void)
{
	reset_session();
	struct poke pokes[2];
	size_t n = damage("d_data.d_iname[0] = 0x1b; d_data.d_iname[2] = 7", pokes, 2);
	char *cmd = xasprintf("files -d %llx", (unsigned long long)fake_sym("d_data"));
	char *tty = run_on_terminal(cmd);
	CU_ASSERT(strchr(tty, 0x1b) == NULL && strchr(tty, 7) == NULL);
	CU_ASSERT(strstr(tty, "/lab/?a?a.txt") != NULL);
	if (!strstr(tty, "/lab/?a?a.txt"))
		fprintf(stderr, "\nterminal got: %s\n", tty);
	free(tty);
	char path[] = "/tmp/kdive-unit-escXXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *line = xasprintf("%s > %s", cmd, path);
	char *out, *err;
	run_line(line, &out, &err);
	free(out);
	free(err);
	free(line);
	free(cmd);
	FILE *f = fopen(path, "r");
	char *file = f ? slurp(f) : xstrdup("");
	if (f)
		fclose(f);
	unlink(path);
	CU_ASSERT(strstr(file, "/lab/\x1b" "a\a" "a.txt") != NULL);
	free(file);
	for (size_t i = 0; i < n; i++)
		fake_poke(pokes[i].addr, pokes[i].old, pokes[i].size);
	reset_session();
}

/* JSON mode (issue 13): one valid document per command, a result for ps, the text for a command
 * without JSON, an error member for a failure, and a command that leaves containers open (or
 * nests past the limit) still gives a valid document. */
static void test_json_documents(void)
{
	reset_session();
	S->json_mode = true;
	char *out, *err;
	run_line("ps", &out, &err);
	json_object *doc = json_tokener_parse(out), *v, *r;
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(json_object_object_get_ex(doc, "result", &r) && json_object_object_get_ex(r, "tasks", &v) &&
		  json_object_array_length(v) >= 4);
	json_object_put(doc);
	free(out);
	free(err);
	run_line("rd 0", &out, &err);
	doc = json_tokener_parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(json_object_object_get_ex(doc, "status", &v) && json_object_get_int(v) == 1);
	CU_ASSERT(json_object_object_get_ex(doc, "error", &v) && json_object_object_get_ex(v, "message", &r) &&
		  json_object_get_string_len(r) > 0);
	json_object_put(doc);
	free(out);
	free(err);
	run_line("help", &out, &err); /* no JSON: the text */
	doc = json_tokener_parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(json_object_object_get_ex(doc, "text", &v) && json_object_get_string_len(v) > 0);
	json_object_put(doc);
	free(out);
	free(err);
	/* containers left open, nesting past the limit, a string needing escapes */
	session_json_reset(S);
	for (int i = 0; i < 100; i++)
		kd_json_object_begin(S, "x");
	kd_json_str(S, "s", "quote \" backslash \\ newline \n esc \x1b");
	kd_json_end(S);
	char *line = session_json_document(S, "test", -1, "");
	doc = json_tokener_parse(line);
	CU_ASSERT_PTR_NOT_NULL(doc);
	json_object_put(doc);
	free(line);
	S->json_mode = false;
	reset_session();
}

/* Every command has a page (help CMD) with examples, and help's list holds crash's commands only. */
static void test_help_pages(void)
{
	const struct kd_command *c;
	for (size_t i = 0; (c = kd_command_at(S, i)); i++) {
		bool page = c->summary && *c->summary && c->synopsis && *c->synopsis && c->help && strstr(c->help, "EXAMPLE");
		if (!page)
			fprintf(stderr, "\ncommand %s has no help page with examples\n", c->name);
		CU_ASSERT(page);
		bool listed = !(c->flags & KD_CMD_HIDDEN);
		if (listed && !shell_crash_command_name(c->name) && strcmp(c->name, "*") != 0)
			fprintf(stderr, "\nhelp lists %s, which crash 8.0.6 does not have\n", c->name);
		CU_ASSERT(!listed || shell_crash_command_name(c->name) || strcmp(c->name, "*") == 0);
	}
}

static int suite_init(void)
{
	S = fake_session();
	return S ? 0 : 1;
}

void add_command_tests(void)
{
	CU_pSuite s = CU_add_suite("commands on the fake kernel, against tests/unit/golden", suite_init, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CU_add_test(s, cases[i].name, test_golden);
	CU_add_test(s, "every golden file has its case", test_no_stale_golden);
	CU_add_test(s, "registers in expressions and gdb's info registers", test_registers);
	CU_add_test(s, "control bytes from the dump reach a terminal as '?', a file as they are", test_terminal_escapes);
	CU_add_test(s, "JSON documents: a result, the text, an error, left-open containers", test_json_documents);
	CU_add_test(s, "every command has a help page; help lists crash's commands only", test_help_pages);
}
