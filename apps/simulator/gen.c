/**
 * @file gen.c
 * @brief The transaction generator's pure half (gen.h): the profile, its
 *        parser, the per-station PRNG and the draws. No station, no I/O.
 */
#include "gen.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15ull

void sim_gen_defaults(sim_gen_profile_t *p)
{
    *p = (sim_gen_profile_t){.idle_mean_ms = 600000u,
                             .len_mean_ms = 1800000u,
                             .len_min_ms = 60000u,
                             .len_max_ms = 14400000u,
                             .cards = 100u,
                             .prefix = "GEN",
                             .remote_permille = 0u,
                             .timeout_ms = 60000u,
                             .soc_min = 10u,
                             .soc_max = 80u,
                             .n_ev = 1u,
                             .ev = {{.battery_wh = 60000u, .max_current_ma = 16000u, .phases = 3u}},
                             .seed = 1u};
}

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom       */
/* number generators", 2014); 8 bytes of state per station                   */
/* ------------------------------------------------------------------------ */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t sim_gen_seed_station(uint64_t seed, unsigned index)
{
    return mix64(mix64(seed) + ((uint64_t)index + 1u) * GOLDEN);
}

uint64_t sim_gen_next(uint64_t *state)
{
    *state += GOLDEN;
    return mix64(*state);
}

double sim_gen_unit(uint64_t *state)
{
    return (double)(sim_gen_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------------ */
/* Draws                                                                     */
/* ------------------------------------------------------------------------ */

uint32_t sim_gen_draw_idle(const sim_gen_profile_t *p, uint64_t *state)
{
    double mean = (double)p->idle_mean_ms;
    double x = -mean * log1p(-sim_gen_unit(state)); /* exponential: Poisson arrivals */
    double cap = mean * 20.0;
    return (uint32_t)(x < cap ? x : cap);
}

/** Truncated exponential on [min, max] with scale mean - min. */
static uint32_t draw_length(const sim_gen_profile_t *p, uint64_t *state)
{
    double u = sim_gen_unit(state);
    double beta = (double)p->len_mean_ms - (double)p->len_min_ms;
    double range = (double)p->len_max_ms - (double)p->len_min_ms;
    if (beta <= 0.0 || range <= 0.0) {
        return p->len_min_ms;
    }
    double x = -beta * log1p(-u * -expm1(-range / beta));
    x = x < range ? x : range;
    return p->len_min_ms + (uint32_t)x;
}

void sim_gen_draw_session(const sim_gen_profile_t *p, uint64_t *state, uint8_t connectors,
                          sim_gen_session_t *out)
{
    /* always every draw, in this order: one decision never shifts the others */
    uint64_t c = sim_gen_next(state);
    double r = sim_gen_unit(state);
    uint64_t card = sim_gen_next(state);
    uint64_t ev = sim_gen_next(state);
    uint64_t soc = sim_gen_next(state);
    out->connector = (uint8_t)(1u + c % (connectors > 0u ? connectors : 1u));
    out->remote = r * 1000.0 < (double)p->remote_permille;
    out->card = 1u + (uint32_t)(card % p->cards);
    out->ev = (uint8_t)(ev % p->n_ev);
    out->soc = (uint8_t)(p->soc_min + soc % (uint64_t)(p->soc_max - p->soc_min + 1u));
    out->len_ms = draw_length(p, state);
}

void sim_gen_card_tag(const sim_gen_profile_t *p, uint32_t n, char *out, size_t cap)
{
    snprintf(out, cap, "%s%06u", p->prefix, (unsigned)n);
}

/* ------------------------------------------------------------------------ */
/* Profile parser                                                            */
/* ------------------------------------------------------------------------ */

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/** A decimal number in [lo, hi] from s[0..n) (no sign, no exponent, no hex). */
static bool number(const char *s, size_t n, double lo, double hi, double *out)
{
    char buf[32];
    if (n == 0u || n >= sizeof buf) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((s[i] < '0' || s[i] > '9') && s[i] != '.') {
            return false;
        }
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno != 0 || *end != '\0' || !(v >= lo && v <= hi)) {
        return false;
    }
    *out = v;
    return true;
}

/** Up to `max` numbers separated by ':' in [lo, hi]: how many, or -1. */
static int numbers(const char *s, size_t n, double lo, double hi, double *out, int max)
{
    int k = 0;
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < n && s[j] != ':') {
            j++;
        }
        if (k == max || !number(s + i, j - i, lo, hi, &out[k])) {
            return -1;
        }
        k++;
        if (j == n) {
            return k;
        }
        i = j + 1u;
    }
}

static uint32_t ms_of(double seconds)
{
    return (uint32_t)(seconds * 1000.0 + 0.5);
}

static int parse_length(sim_gen_profile_t *p, const char *v, size_t n, char *err, size_t cap)
{
    double t[3];
    int k = numbers(v, n, 0.0, SIM_GEN_SECONDS_MAX, t, 3);
    if (k < 1 || t[0] <= 0.0) {
        return fail(err, cap, "length must be MEAN[:MIN[:MAX]] seconds (MEAN > 0, up to %u)",
                    SIM_GEN_SECONDS_MAX);
    }
    double lo = k >= 2 ? t[1] : t[0] / 10.0;
    double hi = k >= 3 ? t[2] : t[0] * 10.0;
    hi = hi < SIM_GEN_SECONDS_MAX ? hi : SIM_GEN_SECONDS_MAX;
    if (!(lo <= t[0] && t[0] <= hi)) {
        return fail(err, cap, "length: MIN <= MEAN <= MAX needed, got %.*s", (int)n, v);
    }
    p->len_mean_ms = ms_of(t[0]);
    p->len_min_ms = ms_of(lo);
    p->len_max_ms = ms_of(hi);
    return 0;
}

static int parse_ev(sim_gen_profile_t *p, const char *v, size_t n, char *err, size_t cap)
{
    sim_gen_profile_t q = *p;
    q.n_ev = 0;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && v[j] != '+') {
            j++;
        }
        double t[3];
        if (q.n_ev == SIM_GEN_EV_MAX || numbers(v + i, j - i, 0.0, 1000.0, t, 3) != 3 ||
            t[0] < 1.0 || t[1] < 1.0 || t[1] > 80.0 ||
            (t[2] != 1.0 && t[2] != 2.0 && t[2] != 3.0)) {
            return fail(err, cap,
                        "ev must be KWH:AMPS:PHASES[+KWH:AMPS:PHASES...] (at most %u types; "
                        "1..1000 kWh, 1..80 A, 1..3 phases), got %.*s",
                        SIM_GEN_EV_MAX, (int)n, v);
        }
        q.ev[q.n_ev++] = (sim_gen_ev_t){.battery_wh = (uint32_t)(t[0] * 1000.0 + 0.5),
                                        .max_current_ma = (uint32_t)(t[1] * 1000.0 + 0.5),
                                        .phases = (uint8_t)t[2]};
        i = j + 1u;
    }
    *p = q;
    return 0;
}

static int parse_prefix(sim_gen_profile_t *p, const char *v, size_t n, char *err, size_t cap)
{
    bool ok = n >= 1u && n <= SIM_GEN_PREFIX_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] > 0x20 && v[i] < 0x7F && v[i] != ':' && v[i] != '+';
    }
    if (!ok) {
        return fail(err, cap,
                    "prefix must be 1..%u printable ASCII characters without spaces (the "
                    "idTag is the prefix and 6 digits, a CiString20)",
                    SIM_GEN_PREFIX_MAX);
    }
    memcpy(p->prefix, v, n);
    p->prefix[n] = '\0';
    return 0;
}

/** One key=value into p (a copy: the caller keeps it only if all of them pass). */
static int parse_pair(sim_gen_profile_t *p, const char *k, size_t kn, const char *v, size_t n,
                      char *err, size_t cap)
{
    double t[2];
#define KEY(name) (kn == sizeof(name) - 1u && memcmp(k, name, kn) == 0)
    if (KEY("idle")) {
        if (numbers(v, n, 0.001, SIM_GEN_SECONDS_MAX, t, 1) != 1) {
            return fail(err, cap, "idle must be the mean idle time in seconds, 0.001..%u",
                        SIM_GEN_SECONDS_MAX);
        }
        p->idle_mean_ms = ms_of(t[0]) > 0u ? ms_of(t[0]) : 1u;
    } else if (KEY("rate")) {
        if (numbers(v, n, 0.01, 3600000.0, t, 1) != 1) {
            return fail(err, cap, "rate must be sessions per hour per station, 0.01..3600000");
        }
        double ms = 3600000.0 / t[0];
        p->idle_mean_ms = ms >= 1.0 ? (uint32_t)(ms + 0.5) : 1u;
    } else if (KEY("length")) {
        return parse_length(p, v, n, err, cap);
    } else if (KEY("cards")) {
        if (numbers(v, n, 1.0, SIM_GEN_CARDS_MAX, t, 1) != 1 || t[0] != (double)(uint32_t)t[0]) {
            return fail(err, cap, "cards must be an integer 1..%u", SIM_GEN_CARDS_MAX);
        }
        p->cards = (uint32_t)t[0];
    } else if (KEY("prefix")) {
        return parse_prefix(p, v, n, err, cap);
    } else if (KEY("remote")) {
        if (numbers(v, n, 0.0, 1.0, t, 1) != 1) {
            return fail(err, cap, "remote must be the share of remote starts, 0..1");
        }
        p->remote_permille = (uint16_t)(t[0] * 1000.0 + 0.5);
    } else if (KEY("timeout")) {
        if (numbers(v, n, 1.0, SIM_GEN_SECONDS_MAX, t, 1) != 1) {
            return fail(err, cap, "timeout must be seconds, 1..%u", SIM_GEN_SECONDS_MAX);
        }
        p->timeout_ms = ms_of(t[0]);
    } else if (KEY("soc")) {
        if (numbers(v, n, 0.0, 100.0, t, 2) != 2 || t[0] > t[1] || t[0] != (double)(uint8_t)t[0] ||
            t[1] != (double)(uint8_t)t[1]) {
            return fail(err, cap,
                        "soc must be MIN:MAX initial state of charge, integers 0..100 %%");
        }
        p->soc_min = (uint8_t)t[0];
        p->soc_max = (uint8_t)t[1];
    } else if (KEY("ev")) {
        return parse_ev(p, v, n, err, cap);
    } else {
        return fail(err, cap,
                    "unknown key \"%.*s\" (idle, rate, length, cards, prefix, remote, timeout, "
                    "soc, ev)",
                    (int)(kn < 32u ? kn : 32u), k);
    }
#undef KEY
    return 0;
}

int sim_gen_parse(sim_gen_profile_t *p, const char *text, char *err, size_t cap)
{
    sim_gen_profile_t q = *p;
    size_t i = 0, n = strlen(text);
    if (n == 0u) {
        return fail(err, cap, "empty profile");
    }
    while (i <= n) {
        size_t j = i;
        while (j < n && text[j] != ',') {
            j++;
        }
        const char *eq = memchr(text + i, '=', j - i);
        if (eq == NULL || eq == text + i) {
            return fail(err, cap, "\"%.*s\" is not key=value", (int)(j - i < 40u ? j - i : 40u),
                        text + i);
        }
        size_t kn = (size_t)(eq - (text + i));
        if (parse_pair(&q, text + i, kn, eq + 1, j - i - kn - 1u, err, cap) != 0) {
            return -1;
        }
        i = j + 1u;
    }
    *p = q;
    return 0;
}

int sim_gen_option(sim_gen_profile_t *p, const char *opt, const char *value, char *err, size_t cap)
{
    if (strcmp(opt, "--gen") == 0) {
        if (sim_gen_parse(p, value, err, cap) != 0) {
            return -1;
        }
        p->given = true;
        return 0;
    }
    if (strcmp(opt, "--seed") == 0) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (value[0] < '0' || value[0] > '9' || errno != 0 || *end != '\0') {
            return fail(err, cap, "--seed must be an integer 0..18446744073709551615, got %s",
                        value);
        }
        p->seed = (uint64_t)v;
        return 0;
    }
    return 1;
}
