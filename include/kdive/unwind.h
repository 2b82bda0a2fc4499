/*
 * kdive public API: stack unwinding. Registers from the dump's notes or a sleeping task's
 * switch frame, then the kernel's unwind tables, across exception frames, IRQ and exception
 * stacks, down to the user-mode registers. The unwinder produces frames; commands decide how
 * to print them (commands/bt.c as crash does). An unwind that cannot continue keeps the frames
 * it found and says why in trace->error (one line).
 */
#ifndef KDIVE_PUBLIC_UNWIND_H
#define KDIVE_PUBLIC_UNWIND_H

#include <kdive/common.h>
#include <kdive/tasks.h>

KD_BEGIN_DECLS

#define UW_MAX_FRAMES 512 /* no real kernel stack is deeper; a loop or garbage is */

/* Registers in struct pt_regs order (the kernel's, read through DWARF member names). */
enum uw_reg {
	UW_R15, UW_R14, UW_R13, UW_R12, UW_BP, UW_BX, UW_R11, UW_R10, UW_R9, UW_R8, UW_AX, UW_CX,
	UW_DX, UW_SI, UW_DI, UW_ORIG_AX, UW_IP, UW_CS, UW_FLAGS, UW_SP, UW_SS, UW_NREGS
};

struct uw_regs {
	uint64_t r[UW_NREGS];
};

enum uw_stack_type { UW_STACK_NONE, UW_STACK_TASK, UW_STACK_IRQ, UW_STACK_EXCEPTION, UW_STACK_ENTRY };

struct uw_stack {
	enum uw_stack_type type;
	int cpu;         /* IRQ and exception stacks */
	int index;       /* exception stack: 0 DF, 1 NMI, 2 DB, 3 MCE, 4 VC, 5 VC2 */
	uint64_t base, top; /* [base, top) */
};

enum uw_frame_flags {
	UW_F_START = 1u << 0,      /* from registers: ip is where the CPU was, slot is the stack pointer */
	UW_F_AFTER_REGS = 1u << 1, /* ip and slot come from the pt_regs of the previous frame */
	UW_F_GUESS = 1u << 2,      /* found by a frame-pointer or stack-scan guess: may be wrong */
	UW_F_EXACT = 1u << 3,      /* ip is where the task resumes (ret_from_fork of a task that never ran), not a return address */
};

struct uw_frame {
	uint64_t ip;     /* return address, or the exact ip for START/AFTER_REGS frames */
	uint64_t slot;   /* where ip was found (the stack pointer for START/AFTER_REGS frames) */
	uint64_t sp;     /* stack pointer after popping the return address */
	uint64_t bp;     /* frame pointer at this point, when bp_known */
	bool bp_known;
	struct uw_stack stack; /* the stack slot lies on */
	unsigned flags;
	/* The caller's state came from a pt_regs (exception or interrupt entry) that follows this frame. */
	bool has_regs;
	bool regs_partial; /* only the hardware iret frame is meaningful */
	uint64_t regs_addr;
	struct uw_regs regs;
};

/* How a trace begins, as crash shows it. */
enum uw_begin {
	UW_BEGIN_FRAME,       /* frames[0] is an ordinary first frame */
	UW_BEGIN_KERNEL_REGS, /* the CPU's registers are shown first ("[exception RIP: ...]"); frames[0] is where they point */
	UW_BEGIN_USER_REGS,   /* the CPU was in user mode: only its registers */
	UW_BEGIN_NONE,        /* nothing could be found */
};

struct uw_trace {
	struct uw_frame *frames;
	size_t len, cap;
	char error[256]; /* why the unwind stopped early; "" when it reached the bottom */
	bool user_mode;  /* ended at user-mode registers (the last frame has them) */
	enum uw_begin begin;
	struct uw_regs begin_regs;   /* UW_BEGIN_KERNEL_REGS / UW_BEGIN_USER_REGS */
	bool begin_regs_no_orig_ax;  /* crash shows these registers without ORIG_RAX (a compressed dump's notes; a QEMU ELF dump's for a stopped CPU) */
	uint64_t stack_base, stack_top; /* the task's own kernel stack */
	uint64_t start_ip, start_sp; /* where a text scan (bt -t) starts */
};

enum uw_start_mode {
	UW_START_AUTO,     /* notes for active tasks (crash's choice of starting frame), switch frame otherwise */
	UW_START_REGS,     /* the given registers */
	UW_START_SLOT,     /* a return address at a stack slot */
};

struct uw_start {
	enum uw_start_mode mode;
	struct uw_regs regs; /* UW_START_REGS */
	uint64_t slot;       /* UW_START_SLOT */
	uint64_t bp;         /* UW_START_SLOT: frame pointer, 0 if unknown */
};

/* Unwind a task. The trace is always filled as far as possible; returns -1 only when nothing could be found. */
KD_API int kd_unwind_task(kd_session *s, const struct task_info *t, const struct uw_start *start, struct uw_trace *trace);
KD_API void kd_unwind_trace_free(struct uw_trace *trace);

/* The stack an address lies on, for a task (its own stack, its CPU's IRQ and exception stacks). */
KD_API bool kd_unwind_stack_of(kd_session *s, const struct task_info *t, uint64_t addr, struct uw_stack *out);
/* crash's name of an exception stack: "NMI", "DEBUG", "DOUBLEFAULT", "MCE", "VC", ... */
KD_API const char *kd_unwind_exception_stack_name(int index);
/* Kernel text (vmlinux or a module's): what crash calls is_kernel_text(). */
KD_API bool kd_unwind_is_text(kd_session *s, uint64_t addr);
/* Symbol for a text address in vmlinux or a module; *module gets the module name or NULL. */
KD_API const char *kd_unwind_symbol(kd_session *s, uint64_t addr, uint64_t *offset, const char **module);
/* The same for a return address: the function that made the call (ret - 1), as gdb names a frame. */
KD_API const char *kd_unwind_return_symbol(kd_session *s, uint64_t ret, uint64_t *offset, const char **module);
/* Offsets of struct pt_regs members by register and its size; false if the kernel has no pt_regs. */
KD_API bool kd_unwind_pt_regs_layout(kd_session *s, const uint64_t **offsets, uint64_t *size);
/* Per-CPU stacks, for `bt -E`: count is 0 when the CPU has none of that kind. */
KD_API int kd_unwind_cpu_stacks(kd_session *s, int cpu, struct uw_stack *out, int max);
/* The same with the stacks whose pages are not mapped (a VC stack without SEV), mapped[i] false
 * for those (mach lists them as unavailable). */
KD_API int kd_unwind_cpu_stacks_all(kd_session *s, int cpu, struct uw_stack *out, bool *mapped, int max);
/* THREAD_SIZE: the size of a task's kernel stack. */
KD_API uint64_t kd_unwind_thread_size(kd_session *s);

/*
 * The current context's registers (API 1.4), as crash's gdb sees them ($rip, $sp, info
 * registers): for a task that was running on a CPU, that CPU's registers from the dump's notes
 * (crash_notes on a genuine kdump), with the user segment bases; for a sleeping task, what its
 * switch frame saved (rbx, rbp, r12-r15 of struct inactive_task_frame), its return address as
 * rip and the stack pointer above that frame. valid has bit UW_xx for each register known,
 * KD_CREG_FS_BASE and KD_CREG_GS_BASE for the bases. -1 when the context task has neither.
 */
#define KD_CREG_FS_BASE (1u << UW_NREGS)
#define KD_CREG_GS_BASE (1u << (UW_NREGS + 1))
struct kd_context_regs {
	struct uw_regs regs;
	uint64_t fs_base, gs_base;
	uint32_t valid;
};
KD_API int kd_context_regs(kd_session *s, struct kd_context_regs *out);

KD_END_DECLS

#endif
