/*
 * A session on the fake kernel (tests/unit/fake_kernel.c), for tests of whole commands:
 * the program compiled with -g once per test run, its symbols and DWARF loaded as a
 * vmlinux's, its initialised data served as the kernel's memory through the memory
 * layer's reader (mem_set_reader), the kernel layer started and the built-in commands
 * registered. The memory is a writable copy: a test damages what it needs and puts it back.
 */
#ifndef KDIVE_TESTS_FAKE_SESSION_H
#define KDIVE_TESTS_FAKE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "target/session.h"

/* The session, opened on first use and closed at exit; NULL (with the reason on stderr) if
 * the fake kernel cannot be built or opened. */
kd_session *fake_session(void);

/* Write size (1..8) bytes of val at addr in the fake kernel's memory; returns what was there
 * (put it back with another fake_poke). Fails the current test if addr is not mapped. */
uint64_t fake_poke(uint64_t addr, uint64_t val, size_t size);

/* The address of a symbol of the fake kernel; fails (and ends) the current test if it has none. */
uint64_t fake_sym(const char *name);

/* Forget what the session derived from memory (the task table, the module table), after a poke. */
void fake_session_forget(void);

#endif
