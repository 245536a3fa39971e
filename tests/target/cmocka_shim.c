/*
 * The runner and assertions of the cmocka subset in include/cmocka.h, for the
 * unit tests on the target (tests/target/). Output mimics cmocka's:
 *
 *   [==========] tests: Running 3 test(s).
 *   [ RUN      ] test_a
 *   [       OK ] test_a
 *   [ RUN      ] test_b
 *   5 != 6
 *   [   LINE   ] --- test_x.c:42: error: Failure!
 *   [  FAILED  ] test_b
 *   ...
 *   [==========] tests: 3 test(s) run.
 *   [  PASSED  ] 2 test(s).
 *   [  FAILED  ] 1 test(s), listed below:
 *   [  FAILED  ] test_b
 *
 * tests/target/run.sh and scripts/test.sh read the summary lines.
 * Integers are formatted here (newlib-nano's printf has no long long).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "target.h"

enum { R_OK, R_FAILED, R_SKIPPED, R_ERROR };

static jmp_buf *g_env;        /* where a failed assertion returns to */
static int g_why;             /* R_FAILED or R_SKIPPED, set before the longjmp */
static const char *g_current; /* the running test, for the fault handler */

const char *target_current_test(void)
{
    return g_current;
}

void print_message(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vprintf(format, ap);
    va_end(ap);
}

void print_error(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
}

/* Decimal text of v into buf (at least 24 bytes); negative when the top bit
 * is set and asked for, as cmocka shows a signed value cast to uintmax_t. */
static const char *fmt_int(char *buf, LargestIntegralType v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    int neg = (v >> (sizeof v * 8u - 1u)) != 0u;
    if (neg) {
        v = (LargestIntegralType)(0u - v);
    }
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    if (neg) {
        buf[k++] = '-';
    }
    while (n > 0) {
        buf[k++] = tmp[--n];
    }
    buf[k] = '\0';
    return buf;
}

static void end_test(int why, const char *file, int line) __attribute__((noreturn));
static void end_test(int why, const char *file, int line)
{
    if (why == R_FAILED) {
        fprintf(stderr, "[   LINE   ] --- %s:%d: error: Failure!\n", file, line);
    } else {
        fprintf(stderr, "[   LINE   ] --- %s:%d: skipped\n", file, line);
    }
    if (g_env == NULL) {
        fprintf(stderr, "[  ERROR   ] assertion outside a test\n");
        target_exit(99);
    }
    g_why = why;
    longjmp(*g_env, 1);
}

void _fail(const char *file, int line)
{
    end_test(R_FAILED, file, line);
}

void _skip(const char *file, int line)
{
    end_test(R_SKIPPED, file, line);
}

void _assert_true(LargestIntegralType result, const char *expression, const char *file, int line)
{
    if (!result) {
        fprintf(stderr, "%s\n", expression);
        end_test(R_FAILED, file, line);
    }
}

void _assert_int_equal(LargestIntegralType a, LargestIntegralType b, const char *file, int line)
{
    if (a != b) {
        char x[24], y[24];
        fprintf(stderr, "%s != %s\n", fmt_int(x, a), fmt_int(y, b));
        end_test(R_FAILED, file, line);
    }
}

void _assert_int_not_equal(LargestIntegralType a, LargestIntegralType b, const char *file, int line)
{
    if (a == b) {
        char x[24], y[24];
        fprintf(stderr, "%s == %s\n", fmt_int(x, a), fmt_int(y, b));
        end_test(R_FAILED, file, line);
    }
}

void _assert_return_code(LargestIntegralType result, size_t rlen, LargestIntegralType error,
                         const char *expression, const char *file, int line)
{
    LargestIntegralType sign = (LargestIntegralType)1u << (rlen * 8u - 1u);
    if (result & sign) {
        char x[24];
        fprintf(stderr, "%s < 0, errno(%s)\n", expression, fmt_int(x, error));
        end_test(R_FAILED, file, line);
    }
}

void _assert_string_equal(const char *a, const char *b, const char *file, int line)
{
    if (a == NULL || b == NULL ? a != b : strcmp(a, b) != 0) {
        fprintf(stderr, "\"%s\" != \"%s\"\n", a ? a : "(null)", b ? b : "(null)");
        end_test(R_FAILED, file, line);
    }
}

void _assert_string_not_equal(const char *a, const char *b, const char *file, int line)
{
    if (a == NULL || b == NULL ? a == b : strcmp(a, b) == 0) {
        fprintf(stderr, "\"%s\" == \"%s\"\n", a ? a : "(null)", b ? b : "(null)");
        end_test(R_FAILED, file, line);
    }
}

void _assert_memory_equal(const void *a, const void *b, size_t size, const char *file, int line)
{
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < size; i++) {
        if (p[i] != q[i]) {
            fprintf(stderr, "difference at offset %u 0x%02x 0x%02x (%u bytes compared)\n",
                    (unsigned)i, p[i], q[i], (unsigned)size);
            end_test(R_FAILED, file, line);
        }
    }
}

void _assert_memory_not_equal(const void *a, const void *b, size_t size, const char *file, int line)
{
    if (memcmp(a, b, size) == 0) {
        fprintf(stderr, "%u bytes of %p and %p are the same\n", (unsigned)size, a, b);
        end_test(R_FAILED, file, line);
    }
}

void _assert_in_range(LargestIntegralType value, LargestIntegralType minimum,
                      LargestIntegralType maximum, const char *file, int line)
{
    if (value < minimum || value > maximum) {
        char x[24], y[24], z[24];
        fprintf(stderr, "%s is not within the range %s-%s\n", fmt_int(x, value),
                fmt_int(y, minimum), fmt_int(z, maximum));
        end_test(R_FAILED, file, line);
    }
}

/* Runs fn (a test if test != NULL, else a fixture) with a landing place for
 * failed assertions. */
static int run_protected(CMUnitTestFunction test, CMFixtureFunction fixture, void **state)
{
    jmp_buf env;
    jmp_buf *saved = g_env;
    volatile int r = R_OK;
    g_env = &env;
    if (setjmp(env) == 0) {
        if (test != NULL) {
            test(state);
        } else if (fixture(state) != 0) {
            r = R_ERROR;
        }
    } else {
        r = g_why;
    }
    g_env = saved;
    return r;
}

int _cmocka_run_group_tests(const char *group_name, const struct CMUnitTest *tests, size_t count,
                            CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    size_t passed = 0, failed = 0, skipped = 0;
    void *group_state = NULL;
    /* Unbuffered: what was printed is out even if the test then hangs. */
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("[==========] %s: Running %u test(s).\n", group_name, (unsigned)count);
    if (group_setup != NULL && run_protected(NULL, group_setup, &group_state) != R_OK) {
        printf("[  ERROR   ] %s: group setup failed\n", group_name);
        printf("[==========] %s: 0 test(s) run.\n", group_name);
        printf("[  FAILED  ] %u test(s), listed below:\n", (unsigned)count);
        return count > 0 ? (int)count : 1;
    }
    /* Failed tests' names, listed at the end (as cmocka does). */
    static const char *failed_names[512];
    for (size_t i = 0; i < count; i++) {
        const struct CMUnitTest *t = &tests[i];
        void *state = t->initial_state != NULL ? t->initial_state : group_state;
        int r = R_OK;
        g_current = t->name;
        printf("[ RUN      ] %s\n", t->name);
        if (t->setup_func != NULL) {
            r = run_protected(NULL, t->setup_func, &state);
            if (r != R_OK) {
                printf("[  ERROR   ] %s: setup failed, test not run\n", t->name);
                r = R_ERROR;
            }
        }
        if (r == R_OK) {
            r = run_protected(t->test_func, NULL, &state);
        }
        if (t->teardown_func != NULL && (t->setup_func == NULL || r != R_ERROR)) {
            int rt = run_protected(NULL, t->teardown_func, &state);
            if (rt != R_OK && r != R_FAILED) {
                printf("[  ERROR   ] %s: teardown failed\n", t->name);
                r = R_FAILED;
            }
        }
        g_current = NULL;
        switch (r) {
        case R_OK:
            passed++;
            printf("[       OK ] %s\n", t->name);
            break;
        case R_SKIPPED:
            skipped++;
            printf("[  SKIPPED ] %s\n", t->name);
            break;
        default:
            if (failed < sizeof failed_names / sizeof failed_names[0]) {
                failed_names[failed] = t->name;
            }
            failed++;
            printf("[  FAILED  ] %s\n", t->name);
            break;
        }
    }
    if (group_teardown != NULL && run_protected(NULL, group_teardown, &group_state) != R_OK) {
        printf("[  ERROR   ] %s: group teardown failed\n", group_name);
        failed++;
    }
    printf("[==========] %s: %u test(s) run.\n", group_name, (unsigned)(passed + failed + skipped));
    printf("[  PASSED  ] %u test(s).\n", (unsigned)passed);
    if (skipped > 0) {
        printf("[  SKIPPED ] %u test(s).\n", (unsigned)skipped);
    }
    if (failed > 0) {
        printf("[  FAILED  ] %u test(s), listed below:\n", (unsigned)failed);
        for (size_t i = 0; i < failed && i < sizeof failed_names / sizeof failed_names[0]; i++) {
            if (failed_names[i] != NULL) {
                printf("[  FAILED  ] %s\n", failed_names[i]);
            }
        }
        printf("\n %u FAILED TEST(S)\n", (unsigned)failed);
    }
    return (int)failed;
}
