/**
 * @file posix_clock.c
 * @brief Monotonic and wall clocks of the POSIX port.
 */
#define _POSIX_C_SOURCE 200809L

#include "ocpp/ocpp_posix.h"

#include <time.h>

uint32_t ocpp_posix_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return (uint32_t)ms; /* wraps modulo 2^32 by design */
}

int64_t ocpp_posix_unix_time(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return (int64_t)time(NULL);
    }
    return (int64_t)ts.tv_sec;
}
