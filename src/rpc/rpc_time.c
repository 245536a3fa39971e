/**
 * @file rpc_time.c
 * @brief RFC 3339 date-time <-> unix seconds, without libc time functions
 *        (no time_t, no locale, no time zone database, no floating point).
 *
 * No 64-bit division (a libgcc call on 32-bit targets): the years are
 * 0000..9999 (four digits), so every day count fits in 32 bits and the
 * calendar is 32-bit arithmetic; 64 bits only for days * 86400 (one multiply)
 * and to clamp and shift the seconds given to ocpp_rpc_format_datetime().
 *
 * Days <-> year, month, day after Neri & Schneider, "Euclidean affine
 * functions and their application to calendar algorithms" (Software:
 * Practice and Experience, 2022): on a year that starts on March 1 (so that
 * February's leap day comes last), (979 * m - 2919) / 32 is the day of the
 * year where month m (3..14, January and February counted as 13 and 14)
 * begins, and the inverse, (2141 * d + 197913) / 2^16, the month of day d
 * of the year, with the remainder / 2141 its day of the month.
 */
#include "rpc/rpc.h"

#define ERA_DAYS   146097u /* days in 400 years */
#define EPOCH_DAYS 719468u /* days from 0000-03-01 to 1970-01-01 */

/** Separators before the month, the day, ... the second ('T' also as 't'). */
static const char k_sep[] = "--T::";

/** Two digits at p as 0..99; 128 or more if they are not both digits. */
static unsigned two(const char *p)
{
    unsigned a = (unsigned char)p[0] - (unsigned)'0';
    unsigned b = (unsigned char)p[1] - (unsigned)'0';
    return a > 9u || b > 9u ? 128u : a * 10u + b;
}

ocpp_status_t ocpp_rpc_parse_datetime_text(const char *s, size_t len, int64_t *unix_s, uint16_t *ms)
{
    /* century, year of century, month, day, hour, minute, second */
    unsigned v[7];
    unsigned frac = 0, scale = 100u;
    int32_t off = 0; /* local time minus UTC, minutes; then seconds of the day */
    if (s == NULL || unix_s == NULL) {
        return OCPP_ERR_PARAM;
    }
    const char *p = s, *end = s + len;
    if (len < 19u) {
        return OCPP_ERR_PARSE;
    }
    /* "YYYY-MM-DDThh:mm:ss": seven two-digit fields, k_sep before the last
     * five. Malformed text is OCPP_ERR_PARSE before any range check. */
    for (unsigned k = 0; k < 7u; k++, p += 2) {
        if (k >= 2u) {
            unsigned c = (unsigned char)*p++, l = (unsigned char)k_sep[k - 2u];
            unsigned fold = (l & 0x40u) >> 1; /* 0x20 for 'T' */
            if ((c | fold) != (l | fold)) {
                return OCPP_ERR_PARSE;
            }
        }
        if ((v[k] = two(p)) > 99u) {
            return OCPP_ERR_PARSE;
        }
    }
    /* RFC 3339: time-secfrac = "." 1*DIGIT; milliseconds from the first
     * three digits. */
    if (p < end && *p == '.') {
        const char *start = ++p;
        unsigned c;
        while (p < end && (c = (unsigned char)*p - (unsigned)'0') <= 9u) {
            frac += c * scale;
            scale = scale * 205u >> 11; /* scale / 10 for scale <= 100 */
            p++;
        }
        if (p == start) {
            return OCPP_ERR_PARSE;
        }
    }
    /* "Z", "+hh:mm", "-hh:mm" (RFC 3339), also ISO 8601's "+hhmm" and "+hh",
     * or nothing (taken as UTC). OCPP 1.6 §3.14: "Message receivers must be
     * able to handle fractional seconds and time zone offsets". */
    if (p < end) {
        unsigned c = (unsigned char)*p++;
        size_t n = (size_t)(end - p);
        int32_t sgn = ',' - (int32_t)c; /* '+': 1, '-': -1 */
        if ((c | 0x20u) != 'z' || n != 0u) {
            if (sgn * sgn != 1 || (n != 2u && (n < 4u || n - (p[2] == ':') != 4u))) {
                return OCPP_ERR_PARSE;
            }
            unsigned oh = two(p), om = n > 2u ? two(end - 2) : 0u;
            if (oh > 23u || om > 59u) {
                return OCPP_ERR_PARSE;
            }
            off = sgn * (int32_t)(oh * 60u + om);
        }
    }
    /* RFC 3339 §5.7: date-mday 01-28/29/30/31 by month and year; time-hour
     * 00-23 (no 24:00); time-second 00-60 (a leap second, taken as :59). The
     * century is shifted by one era (400 years) to keep the year positive. */
    unsigned cent = v[0] + 4u, yy = v[1], mon = v[2], day = v[3];
    if (mon - 1u > 11u || v[4] > 23u || v[5] > 59u || v[6] > 60u) {
        return OCPP_ERR_RANGE;
    }
    /* Days in the month: 31 in the months of bits 0x15AA, else 30; February
     * 29 in a leap year (divisible by 4; a century only if divisible by 400),
     * else 28. January and February count as months 13, 14 of the year
     * before. */
    unsigned y = cent * 100u + yy;
    unsigned dim = 30u + (0x15AAu >> mon & 1u);
    if (mon <= 2u) {
        if (mon == 2u) {
            dim = 28u + (((yy != 0u ? yy : cent) & 3u) == 0u);
        }
        mon += 12u;
        y--;
    }
    if (day - 1u >= dim) {
        return OCPP_ERR_RANGE;
    }
    /* Days since 0000-03-01 minus one era: 365 a year, a leap day every 4
     * years, none every 100, one every 400; then the day of the year. */
    cent = y / 100u;
    int32_t days = (int32_t)((1461u * y >> 2) - cent + (cent >> 2) + ((979u * mon - 2919u) >> 5) +
                             day - 1u - (EPOCH_DAYS + ERA_DAYS));
    off = ((int32_t)(v[4] * 60u + v[5]) - off) * 60 + (int32_t)(v[6] - (v[6] == 60u));
    *unix_s = (int64_t)days * 86400 + off;
    if (ms != NULL) {
        *ms = (uint16_t)frac;
    }
    return OCPP_OK;
}

ocpp_status_t ocpp_rpc_parse_datetime(const ocpp_json_value_t *v, int64_t *unix_s)
{
    char buf[40];
    size_t n = 0;
    if (v == NULL || unix_s == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (v->type != OCPP_JSON_STRING) {
        return OCPP_ERR_TYPE;
    }
    if (ocpp_json_as_string(v, buf, sizeof buf, &n) != OCPP_OK) {
        return OCPP_ERR_PARSE; /* longer than any date-time we accept */
    }
    return ocpp_rpc_parse_datetime_text(buf, n, unix_s, NULL);
}

/** v (0..99) as two digits at p, then sep. @return p + 3. */
static char *put2(char *p, unsigned v, unsigned sep)
{
    unsigned t = v * 205u >> 11; /* v / 10 for v < 1029 */
    p[2] = (char)sep;
    p[1] = (char)('0' + v - t * 10u);
    p[0] = (char)('0' + t);
    return p + 3;
}

#define DT_MAX_UNIX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

void ocpp_rpc_format_datetime(int64_t unix_s, uint16_t ms, char out[OCPP_RPC_DATETIME_LEN + 1])
{
    if (out == NULL) {
        return;
    }
    uint64_t u = unix_s < 0 ? 0u : (uint64_t)unix_s;
    u = u > (uint64_t)DT_MAX_UNIX ? (uint64_t)DT_MAX_UNIX : u;
    /* u < 2^38: u / 86400 = (u / 128) / 675 in 32 bits; 0 .. 2932896 days. */
    uint32_t days = (uint32_t)(u >> 7) / 675u;
    uint32_t sec = (uint32_t)u - days * 86400u;
    /* n = 4 * (days since 0000-03-01) + 3: n / 146097 the century; 4 * (day
     * of the century) + 3 over 1461 the year of the century; then the month
     * and day of the day of that year (see the top). */
    uint32_t n = 4u * days + (4u * EPOCH_DAYS + 3u);
    uint32_t cent = n / ERA_DAYS;
    n = (n - cent * ERA_DAYS) | 3u;
    uint32_t yoc = n / 1461u;
    n = 2141u * ((n - yoc * 1461u) >> 2) + 197913u;
    uint32_t mon = n >> 16;
    if (mon > 12u) { /* January, February: of the next year */
        mon -= 12u;
        if (++yoc == 100u) {
            yoc = 0;
            cent++;
        }
    }
    char *p = put2(out, cent, 0) - 1; /* the 0 overwritten next */
    p = put2(p, yoc, '-');
    p = put2(p, mon, '-');
    p = put2(p, (n & 0xFFFFu) / 2141u + 1u, 'T');
    uint32_t mins = sec / 60u;
    p = put2(p, mins / 60u, ':');
    p = put2(p, mins % 60u, ':');
    p = put2(p, sec - mins * 60u, '.');
    ms = ms > 999u ? 999u : ms;
    p = put2(p, ms / 10u, '0' + ms % 10u);
    p[0] = 'Z';
    p[1] = '\0';
}
