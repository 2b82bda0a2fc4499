/* CUnit runner for kdive's unit tests: pure logic on inputs the tests build themselves. */
#include <CUnit/Basic.h>

#include "tests.h"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	add_util_tests();
	add_dump_tests();
	add_shell_tests();
	add_index_tests();
	if (add_types_tests)
		add_types_tests();
	if (add_unwind_tests)
		add_unwind_tests();
	if (add_tasks_tests)
		add_tasks_tests();
	if (add_uw_fixture_tests)
		add_uw_fixture_tests();
	if (add_walk_tests)
		add_walk_tests();
	if (add_command_tests)
		add_command_tests();
	if (add_vtop_tests)
		add_vtop_tests();
	if (add_mm_tests)
		add_mm_tests();
	if (add_slab_tests)
		add_slab_tests();
	if (add_vmem_tests)
		add_vmem_tests();
	if (add_moddebug_tests)
		add_moddebug_tests();
	if (add_report_tests)
		add_report_tests();
	if (add_vmcoreinfo_tests)
		add_vmcoreinfo_tests();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* a suite whose set-up failed (the fake kernel did not build) ran none of its tests: a failure */
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
