/*
 * Self-test of the cmocka subset (include/cmocka.h, cmocka_shim.c) on the
 * target: a group with tests that pass, fail in different assertions, fail in
 * their teardown or setup, and skip. The runner must count each correctly,
 * end a failing test at its assertion, still run its teardown, go on with the
 * next test, and return the number of failed tests. Exits 0 only if it did.
 * (6 of the 9 fail). Its output shows FAILED lines on purpose; the last line says whether the
 * runner behaved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static int g_after_failure; /* code after a failed assertion ran */
static int g_teardowns;     /* teardowns run */
static int g_body_after_setup_failure;
static int g_last_ran;

static void test_pass(void **state)
{
    (void)state;
    assert_int_equal(7, 7);
    assert_true(1);
    assert_string_equal("a", "a");
}

static void test_fail_int(void **state)
{
    (void)state;
    assert_int_equal(-1, 1);
    g_after_failure = 1;
}

static void test_fail_string(void **state)
{
    (void)state;
    assert_string_equal("abc", "abd");
    g_after_failure = 1;
}

static void test_fail_memory(void **state)
{
    (void)state;
    static const uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 9, 4};
    assert_memory_equal(a, b, sizeof a);
    g_after_failure = 1;
}

static void test_fail_then_teardown(void **state)
{
    (void)state;
    assert_null(&g_teardowns);
    g_after_failure = 1;
}

static int teardown_counts(void **state)
{
    (void)state;
    g_teardowns++;
    return 0;
}

static void test_pass_teardown_fails(void **state)
{
    (void)state;
}

static int teardown_fails(void **state)
{
    (void)state;
    assert_int_equal(1, 2);
    return 0;
}

static int setup_fails(void **state)
{
    (void)state;
    return -1;
}

static void test_never_runs(void **state)
{
    (void)state;
    g_body_after_setup_failure = 1;
}

static void test_skips(void **state)
{
    (void)state;
    skip();
}

static void test_last(void **state)
{
    (void)state;
    g_last_ran = 1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass),
        cmocka_unit_test(test_fail_int),
        cmocka_unit_test(test_fail_string),
        cmocka_unit_test(test_fail_memory),
        cmocka_unit_test_teardown(test_fail_then_teardown, teardown_counts),
        cmocka_unit_test_teardown(test_pass_teardown_fails, teardown_fails),
        cmocka_unit_test_setup(test_never_runs, setup_fails),
        cmocka_unit_test(test_skips),
        cmocka_unit_test(test_last),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    int good = failed == 6 && !g_after_failure && g_teardowns == 1 && !g_body_after_setup_failure &&
               g_last_ran;
    printf("shim self-test: %s (failed %d of 9, expected 6; after-failure %d, teardowns %d, "
           "body after failed setup %d, last ran %d)\n",
           good ? "ok" : "WRONG", failed, g_after_failure, g_teardowns, g_body_after_setup_failure,
           g_last_ran);
    return good ? 0 : 1;
}
