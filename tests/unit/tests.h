#ifndef KDIVE_TESTS_H
#define KDIVE_TESTS_H
#include <CUnit/CUnit.h>
void add_util_tests(void);
void add_dump_tests(void);
void add_shell_tests(void);
void add_index_tests(void);
/* Suites of later layers: weak, so a suite exists when its file defines it. */
void add_types_tests(void) __attribute__((weak));
void add_unwind_tests(void) __attribute__((weak));
void add_tasks_tests(void) __attribute__((weak));
void add_uw_fixture_tests(void) __attribute__((weak));
void add_walk_tests(void) __attribute__((weak));
void add_command_tests(void) __attribute__((weak));
void add_vtop_tests(void) __attribute__((weak));
void add_mm_tests(void) __attribute__((weak));
void add_slab_tests(void) __attribute__((weak));
void add_vmem_tests(void) __attribute__((weak));
void add_moddebug_tests(void) __attribute__((weak));
void add_report_tests(void) __attribute__((weak));
void add_vmcoreinfo_tests(void) __attribute__((weak));
#endif
