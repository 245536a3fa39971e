/* Every status has a distinct printable name (STYLE: every status enum has a *_str()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_status.h"

static void test_names_are_distinct(void **state)
{
    (void)state;
    for (int a = -19; a <= 1; a++) {
        const char *na = ocpp_status_str((ocpp_status_t)a);
        assert_true(strncmp(na, "OCPP_", 5) == 0);
        assert_string_not_equal(na, "OCPP_ERR_?");
        for (int b = a + 1; b <= 1; b++) {
            assert_string_not_equal(na, ocpp_status_str((ocpp_status_t)b));
        }
    }
    assert_string_equal(ocpp_status_str(OCPP_OK), "OCPP_OK");
    assert_string_equal(ocpp_status_str(OCPP_PENDING), "OCPP_PENDING");
    assert_string_equal(ocpp_status_str(OCPP_ERR_PARAM), "OCPP_ERR_PARAM");
    assert_string_equal(ocpp_status_str(OCPP_ERR_TOO_LARGE), "OCPP_ERR_TOO_LARGE");
    assert_string_equal(ocpp_status_str((ocpp_status_t)-100), "OCPP_ERR_?");
    assert_string_equal(ocpp_status_str((ocpp_status_t)-20), "OCPP_ERR_?");
    assert_string_equal(ocpp_status_str((ocpp_status_t)2), "OCPP_ERR_?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_names_are_distinct)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
