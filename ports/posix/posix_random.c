/**
 * @file posix_random.c
 * @brief OS randomness and a deterministic xorshift64* generator.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* getrandom() */

#include "ocpp/ocpp_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h>
#define OCPP_POSIX_HAVE_GETRANDOM 1
#endif

/** Fill buf[0..len) from /dev/urandom. @return true on success. */
static bool read_urandom(void *buf, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0) {
        return false;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, (uint8_t *)buf + got, len - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    (void)close(fd);
    return got == len;
}

/** SplitMix64 finaliser: a well-mixed 64-bit value from any input. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

bool ocpp_posix_random_bytes(void *buf, size_t len)
{
    if (buf == NULL) {
        return len == 0u;
    }
#if defined(OCPP_POSIX_HAVE_GETRANDOM)
    uint8_t *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = getrandom(p + got, len - got, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    if (got == len) {
        return true;
    }
#endif
    return read_urandom(buf, len);
}

uint32_t ocpp_posix_random(void *ctx)
{
    (void)ctx;
    uint8_t b[4] = {0, 0, 0, 0};
    if (!ocpp_posix_random_bytes(b, sizeof b)) {
        /* Degraded: documented as predictable. */
        struct timespec ts = {0, 0};
        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t z = mix64((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
        return (uint32_t)(z >> 32);
    }
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

void ocpp_posix_rng_seed(ocpp_posix_rng_t *r, uint64_t seed)
{
    if (r == NULL) {
        return;
    }
    r->state = mix64(seed);
    if (r->state == 0) { /* xorshift's one forbidden state */
        r->state = 0x9E3779B97F4A7C15u;
    }
}

uint32_t ocpp_posix_rng_next(void *ctx)
{
    ocpp_posix_rng_t *r = ctx;
    if (r == NULL) {
        return 0;
    }
    if (r->state == 0) {
        r->state = 0x9E3779B97F4A7C15u;
    }
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1Du) >> 32);
}
