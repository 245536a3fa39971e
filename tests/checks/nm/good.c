/* Passes check_nm: prefixed externals, static functions, const tables only. */
#include <stddef.h>
#include <stdint.h>

int32_t ocpp_selftest_good(size_t i);

static const uint8_t table[4] = {1, 2, 3, 4};
static const char *const names[2] = {"a", "b"}; /* .data.rel.ro under PIC: fine */

static int32_t helper(size_t i)
{
    return (int32_t)table[i & 3u] + (int32_t)names[i & 1u][0];
}

int32_t ocpp_selftest_good(size_t i)
{
    return helper(i);
}
