/* Must fail check_nm: references malloc and free (the pointer escapes, so no
 * compiler can elide the calls). */
#include <stdlib.h>

void *ocpp_selftest_bad_malloc(size_t n, void *old);

void *ocpp_selftest_bad_malloc(size_t n, void *old)
{
    free(old);
    return malloc(n);
}
