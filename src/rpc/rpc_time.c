/**
 * @file rpc_time.c
 * @brief RFC 3339 date-time <-> unix seconds, without libc time functions
 *        (no time_t, no locale, no time zone database, no floating point).
 */
#include <string.h>

#include "rpc/rpc.h"

/*
 * Days since 1970-01-01 of a proleptic Gregorian date and back (era-based
 * algorithm). Only years 0000..9999 occur (four digits), so 32-bit unsigned
 * arithmetic is exact: the year is shifted by one era (400 years) to stay
 * positive, and no 64-bit division is needed (it is a library call on
 * 32-bit targets).
 */
#define ERA_DAYS   146097u /* days in 400 years */
#define EPOCH_DAYS 719468u /* days from 0000-03-01 to 1970-01-01 */

static int32_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    y = y + 400u - (m <= 2u ? 1u : 0u);
    unsigned era = y / 400u;
    unsigned yoe = y - era * 400u;
    unsigned doy = (153u * (m > 2u ? m - 3u : m + 9u) + 2u) / 5u + d - 1u;
    unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * ERA_DAYS + doe) - (int32_t)(EPOCH_DAYS + ERA_DAYS);
}

/** z: days since 1970-01-01 (two's complement), from 0000-01-01 on. */
static void civil_from_days(uint32_t z, unsigned *y, unsigned *m, unsigned *d)
{
    z += EPOCH_DAYS + ERA_DAYS; /* shifted by one era, as in days_from_civil() */
    unsigned era = z / ERA_DAYS;
    unsigned doe = z - era * ERA_DAYS;
    unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    unsigned mp = (5u * doy + 2u) / 153u;
    *d = doy - (153u * mp + 2u) / 5u + 1u;
    *m = mp < 10u ? mp + 3u : mp - 9u;
    *y = yoe + era * 400u + (*m <= 2u ? 1u : 0u) - 400u;
}

/** Read exactly n digits at s[*i]. @return false if they are not all there. */
static bool digits(const char *s, size_t len, size_t *i, unsigned n, unsigned *out)
{
    unsigned v = 0;
    if (len - *i < n) {
        return false;
    }
    for (unsigned k = 0; k < n; k++) {
        char c = s[*i + k];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10u + (unsigned)(c - '0');
    }
    *i += n;
    *out = v;
    return true;
}

static bool expect(const char *s, size_t len, size_t *i, char a, char b)
{
    if (*i < len && (s[*i] == a || s[*i] == b)) {
        (*i)++;
        return true;
    }
    return false;
}

/** Broken-down fields as read, before range checks. */
typedef struct {
    unsigned year, mon, day, hour, min, sec, ms;
    int32_t offset_s; /**< local time minus UTC */
} dt_fields_t;

/** Optional ".fraction": milliseconds from the first three digits. */
static bool fraction(const char *s, size_t len, size_t *i, unsigned *ms)
{
    unsigned scale = 100u;
    size_t start;
    *ms = 0;
    if (*i >= len || s[*i] != '.') {
        return true;
    }
    start = ++(*i);
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        *ms += (unsigned)(s[*i] - '0') * scale;
        scale /= 10u;
        (*i)++;
    }
    return *i > start; /* RFC 3339: time-secfrac = "." 1*DIGIT */
}

/**
 * "Z", "+hh:mm", "-hh:mm" (RFC 3339), also ISO 8601's "+hhmm" and "+hh", or
 * nothing (taken as UTC). OCPP 1.6 §3.14: "Message receivers must be able to
 * handle fractional seconds and time zone offsets".
 */
static bool offset(const char *s, size_t len, size_t *i, int32_t *off)
{
    unsigned oh, om = 0;
    *off = 0;
    if (*i == len || expect(s, len, i, 'Z', 'z')) {
        return true;
    }
    if (s[*i] != '+' && s[*i] != '-') {
        return false;
    }
    int32_t sign = s[(*i)++] == '-' ? -1 : 1;
    if (!digits(s, len, i, 2, &oh)) {
        return false;
    }
    if (*i < len) {
        (void)expect(s, len, i, ':', ':');
        if (!digits(s, len, i, 2, &om)) {
            return false;
        }
    }
    if (oh > 23u || om > 59u) {
        return false;
    }
    *off = sign * (int32_t)(oh * 3600u + om * 60u);
    return true;
}

/** The fixed part, "YYYY-MM-DDThh:mm:ss": 'D' is a digit, 'T' also matches 't'. */
static const char k_layout[] = "DDDD-DD-DDTDD:DD:DD";
#define LAYOUT_LEN (sizeof k_layout - 1u)

static bool read_fields(const char *s, size_t len, dt_fields_t *f)
{
    unsigned v[6] = {0}; /* year, month, day, hour, minute, second */
    unsigned k = 0;      /* the field being read: one more after each separator */
    if (len < LAYOUT_LEN) {
        return false;
    }
    for (size_t i = 0; i < LAYOUT_LEN; i++) {
        char c = s[i];
        char l = k_layout[i];
        if (l == 'D' && c >= '0' && c <= '9') {
            v[k] = v[k] * 10u + (unsigned)(c - '0');
        } else if (l != 'D' && (c == l || (l == 'T' && c == 't'))) {
            k++;
        } else {
            return false;
        }
    }
    f->year = v[0];
    f->mon = v[1];
    f->day = v[2];
    f->hour = v[3];
    f->min = v[4];
    f->sec = v[5];
    size_t i = LAYOUT_LEN;
    return fraction(s, len, &i, &f->ms) && offset(s, len, &i, &f->offset_s) && i == len;
}

ocpp_status_t ocpp_rpc_parse_datetime_text(const char *s, size_t len, int64_t *unix_s, uint16_t *ms)
{
    dt_fields_t f;
    if (s == NULL || unix_s == NULL) {
        return OCPP_ERR_PARAM;
    }
    memset(&f, 0, sizeof f);
    if (!read_fields(s, len, &f)) {
        return OCPP_ERR_PARSE;
    }
    /* RFC 3339 §5.7: date-mday 01-28/29/30/31 by month and year; time-hour
     * 00-23 (no 24:00); time-second 00-60 (a leap second, taken as :59). */
    if (f.mon < 1u || f.mon > 12u || f.day < 1u || f.day > 31u || f.hour > 23u || f.min > 59u ||
        f.sec > 60u) {
        return OCPP_ERR_RANGE;
    }
    int32_t days = days_from_civil(f.year, f.mon, f.day);
    unsigned y, m, d;
    /* A day past the end of its month (04-31, 02-29 of a common year) comes
     * back as a day of the next month. */
    civil_from_days((uint32_t)days, &y, &m, &d);
    if (d != f.day) {
        return OCPP_ERR_RANGE;
    }
    unsigned sec = f.sec == 60u ? 59u : f.sec;
    *unix_s = (int64_t)days * 86400 + (int64_t)(f.hour * 3600u + f.min * 60u + sec) - f.offset_s;
    if (ms != NULL) {
        *ms = (uint16_t)f.ms;
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

static void put_dec(char *out, unsigned v, unsigned n)
{
    while (n-- > 0u) {
        out[n] = (char)('0' + v % 10u);
        v /= 10u;
    }
}

#define DT_MAX_UNIX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

void ocpp_rpc_format_datetime(int64_t unix_s, uint16_t ms, char out[OCPP_RPC_DATETIME_LEN + 1])
{
    unsigned y, m, d;
    if (out == NULL) {
        return;
    }
    unix_s = unix_s < 0 ? 0 : (unix_s > DT_MAX_UNIX ? DT_MAX_UNIX : unix_s);
    ms = ms > 999u ? 999u : ms;
    /* 0 <= unix_s < 2^38: unix_s / 86400 = (unix_s / 128) / 675 in 32 bits
     * (a 64-bit division is a library call on 32-bit targets). */
    uint32_t days = (uint32_t)((uint64_t)unix_s >> 7) / 675u;
    unsigned sod = (uint32_t)unix_s - days * 86400u;
    civil_from_days(days, &y, &m, &d);
    memcpy(out, "0000-00-00T00:00:00.000Z", OCPP_RPC_DATETIME_LEN + 1u);
    put_dec(out, y, 4);
    put_dec(out + 5, m, 2);
    put_dec(out + 8, d, 2);
    put_dec(out + 11, sod / 3600u, 2);
    put_dec(out + 14, sod / 60u % 60u, 2);
    put_dec(out + 17, sod % 60u, 2);
    put_dec(out + 20, ms, 3);
}
