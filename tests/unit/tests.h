#ifndef KDIVE_TESTS_H
#define KDIVE_TESTS_H
#include <CUnit/CUnit.h>
void add_util_tests(void);
void add_dump_tests(void);
void add_shell_tests(void);
#endif
