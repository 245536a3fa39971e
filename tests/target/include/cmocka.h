/*
 * A cmocka-compatible subset for running the unit tests on a microcontroller
 * (tests/target/), where cmocka itself is not available.
 *
 * Implemented: the test table (cmocka_unit_test, _setup, _teardown,
 * _setup_teardown, _prestate), cmocka_run_group_tests with group
 * setup/teardown, the assert_* macros below, fail(), fail_msg(), skip(),
 * print_message() and print_error(). Not implemented: mocks (will_return,
 * expect_*, check_expected), test_malloc leak checks, signal catching.
 *
 * Semantics as in cmocka: a failed assertion prints its message and file:line
 * and ends the current test (longjmp back to the runner), the teardown still
 * runs, then the next test; cmocka_run_group_tests returns the number of
 * failed tests (0: all passed), which main returns as the exit status.
 */
#ifndef OCPP_TARGET_CMOCKA_H
#define OCPP_TARGET_CMOCKA_H

#include <stddef.h>
#include <stdint.h>

typedef uintmax_t LargestIntegralType;

#define cast_to_largest_integral_type(value)     ((LargestIntegralType)(value))
#define cast_ptr_to_largest_integral_type(value) ((LargestIntegralType)(uintptr_t)(value))

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};

/* clang-format off */
#define cmocka_unit_test(f) {#f, f, NULL, NULL, NULL}
#define cmocka_unit_test_setup(f, setup) {#f, f, setup, NULL, NULL}
#define cmocka_unit_test_teardown(f, teardown) {#f, f, NULL, teardown, NULL}
#define cmocka_unit_test_setup_teardown(f, setup, teardown) {#f, f, setup, teardown, NULL}
#define cmocka_unit_test_prestate(f, state) {#f, f, NULL, NULL, state}
#define cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, state) \
    {#f, f, setup, teardown, state}
/* clang-format on */

#define cmocka_run_group_tests(group_tests, group_setup, group_teardown)                 \
    _cmocka_run_group_tests(#group_tests, group_tests,                                   \
                            sizeof(group_tests) / sizeof((group_tests)[0]), group_setup, \
                            group_teardown)
#define cmocka_run_group_tests_name(group_name, group_tests, group_setup, group_teardown) \
    _cmocka_run_group_tests(group_name, group_tests,                                      \
                            sizeof(group_tests) / sizeof((group_tests)[0]), group_setup,  \
                            group_teardown)

#define assert_true(c)  _assert_true(cast_to_largest_integral_type(c), #c, __FILE__, __LINE__)
#define assert_false(c) _assert_true(!(cast_to_largest_integral_type(c)), #c, __FILE__, __LINE__)
#define assert_non_null(c) \
    _assert_true(cast_ptr_to_largest_integral_type(c), #c, __FILE__, __LINE__)
#define assert_null(c) _assert_true(!(cast_ptr_to_largest_integral_type(c)), #c, __FILE__, __LINE__)
#define assert_ptr_equal(a, b)                                                                    \
    _assert_int_equal(cast_ptr_to_largest_integral_type(a), cast_ptr_to_largest_integral_type(b), \
                      __FILE__, __LINE__)
#define assert_ptr_not_equal(a, b)                              \
    _assert_int_not_equal(cast_ptr_to_largest_integral_type(a), \
                          cast_ptr_to_largest_integral_type(b), __FILE__, __LINE__)
#define assert_int_equal(a, b)                                                            \
    _assert_int_equal(cast_to_largest_integral_type(a), cast_to_largest_integral_type(b), \
                      __FILE__, __LINE__)
#define assert_int_not_equal(a, b)                                                            \
    _assert_int_not_equal(cast_to_largest_integral_type(a), cast_to_largest_integral_type(b), \
                          __FILE__, __LINE__)
#define assert_return_code(rc, error)                                  \
    _assert_return_code(cast_to_largest_integral_type(rc), sizeof(rc), \
                        cast_to_largest_integral_type(error), #rc, __FILE__, __LINE__)
#define assert_string_equal(a, b) \
    _assert_string_equal((const char *)(a), (const char *)(b), __FILE__, __LINE__)
#define assert_string_not_equal(a, b) \
    _assert_string_not_equal((const char *)(a), (const char *)(b), __FILE__, __LINE__)
#define assert_memory_equal(a, b, size) \
    _assert_memory_equal((const void *)(a), (const void *)(b), size, __FILE__, __LINE__)
#define assert_memory_not_equal(a, b, size) \
    _assert_memory_not_equal((const void *)(a), (const void *)(b), size, __FILE__, __LINE__)
#define assert_in_range(value, minimum, maximum)                                                   \
    _assert_in_range(cast_to_largest_integral_type(value), cast_to_largest_integral_type(minimum), \
                     cast_to_largest_integral_type(maximum), __FILE__, __LINE__)

#define fail() _fail(__FILE__, __LINE__)
#define skip() _skip(__FILE__, __LINE__)
#define fail_msg(msg, ...)                              \
    do {                                                \
        print_error("ERROR: " msg "\n", ##__VA_ARGS__); \
        fail();                                         \
    } while (0)

#if defined(__GNUC__)
#define CMOCKA_SHIM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CMOCKA_SHIM_NORETURN     __attribute__((noreturn))
#else
#define CMOCKA_SHIM_PRINTF(a, b)
#define CMOCKA_SHIM_NORETURN
#endif

void print_message(const char *format, ...) CMOCKA_SHIM_PRINTF(1, 2);
void print_error(const char *format, ...) CMOCKA_SHIM_PRINTF(1, 2);

void _assert_true(LargestIntegralType result, const char *expression, const char *file, int line);
void _assert_int_equal(LargestIntegralType a, LargestIntegralType b, const char *file, int line);
void _assert_int_not_equal(LargestIntegralType a, LargestIntegralType b, const char *file,
                           int line);
void _assert_return_code(LargestIntegralType result, size_t rlen, LargestIntegralType error,
                         const char *expression, const char *file, int line);
void _assert_string_equal(const char *a, const char *b, const char *file, int line);
void _assert_string_not_equal(const char *a, const char *b, const char *file, int line);
void _assert_memory_equal(const void *a, const void *b, size_t size, const char *file, int line);
void _assert_memory_not_equal(const void *a, const void *b, size_t size, const char *file,
                              int line);
void _assert_in_range(LargestIntegralType value, LargestIntegralType minimum,
                      LargestIntegralType maximum, const char *file, int line);
void _fail(const char *file, int line) CMOCKA_SHIM_NORETURN;
void _skip(const char *file, int line) CMOCKA_SHIM_NORETURN;
int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *tests, size_t count,
                            CMFixtureFunction group_setup, CMFixtureFunction group_teardown);

#endif /* OCPP_TARGET_CMOCKA_H */
