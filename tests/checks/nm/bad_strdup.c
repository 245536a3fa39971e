/* Must fail check_nm: strdup returns heap memory. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

char *ocpp_selftest_bad_strdup(const char *s);

char *ocpp_selftest_bad_strdup(const char *s)
{
    return strdup(s);
}
