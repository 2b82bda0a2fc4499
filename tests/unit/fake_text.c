/*
 * Code for dis (commands/dis.c) on the fake kernel, #included at the end of fake_kernel.c: its
 * own file, so that the source lines dis -l and dis -s show do not move when fake_kernel.c
 * grows. Compiled -O0 as the rest: a call, a RIP-relative operand, a loop, a switch through a
 * jump table, a ud2, and (in assembly) a function that starts with ftrace's 5-byte nop. The
 * RIP-relative operand is a word in this code (dis_word, after dis_traced), so that its
 * displacement does not change when the fake kernel's data grows.
 */
__attribute__((used)) unsigned long dis_counter; /* a data symbol */
#define DIS_WORD_ADD(v) __asm__ volatile("addq %0, dis_word(%%rip)" : : "r"((unsigned long)(v)) : "memory")

__attribute__((used, noinline)) int dis_leaf(int x)
{
	return x * 3 + 1;
}

__attribute__((used, noinline)) int dis_caller(int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += dis_leaf(i);
	DIS_WORD_ADD(sum);
	return sum;
}

__attribute__((used, noinline)) int dis_switch(int op, int a)
{
	switch (op) {
	case 0: return a + 1;
	case 1: return a - 7;
	case 2: return a * 5;
	case 3: return a << 2;
	case 4: return a ^ 0x55;
	case 5: return a | 8;
	case 6: return -a;
	default: return 0;
	}
}

__attribute__((used, noinline)) void dis_trap(int bad)
{
	if (bad)
		__builtin_trap();
	DIS_WORD_ADD(1);
}

/* ftrace's patched-out call at a function's start, then a return */
__asm__(".text\n"
	".globl dis_traced\n"
	".type dis_traced, @function\n"
	"dis_traced:\n"
	"\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n" /* nopl 0x0(%rax,%rax,1) */
	"\tpushq %rbp\n"
	"\tpopq %rbp\n"
	"\tret\n"
	".size dis_traced, .-dis_traced\n"
	".type dis_word, @object\n"
	"dis_word:\n"
	"\t.quad 0\n"
	".size dis_word, 8\n");
