/**
 * @file faults_spec.c
 * @brief Fleet faults (faults.h): the spec parser, its canonical form, the deterministic
 *        choice of stations and the fault table. The C library only, so that the unit
 *        tests link this file alone; acting on the fleet is faults.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"

/** The longest OUTAGE, DURATION or TIME: one day (due times are compared in int32 ms). */
#define MAX_MS 86400000u

static const char *const k_kinds[] = {"boot-storm", "power-cut", "flap", "meter-burst"};

const char *sim_fault_kind_name(sim_fault_kind_t k)
{
    return (unsigned)k < sizeof k_kinds / sizeof k_kinds[0] ? k_kinds[k] : "?";
}

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cap > 0u) {
        (void)vsnprintf(err, cap, fmt, ap);
    }
    va_end(ap);
    return -1;
}

/** Decimal digits [s, end) into *v (no sign, no overflow): @return 0 or -1. */
static int digits(const char *s, const char *end, uint64_t limit, uint64_t *v)
{
    if (s == end) {
        return -1;
    }
    uint64_t x = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        x = x * 10u + (uint64_t)(*p - '0');
        if (x > limit) {
            return -1;
        }
    }
    *v = x;
    return 0;
}

/** "NNN(ms|s|m|h)" into ms, up to MAX_MS: @return 0 or -1. */
static int parse_ms(const char *s, size_t n, uint32_t *out)
{
    static const struct {
        const char *unit;
        uint32_t ms;
    } units[] = {{"ms", 1u}, {"s", 1000u}, {"m", 60000u}, {"h", 3600000u}};
    size_t d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9') {
        d++;
    }
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ul = strlen(units[u].unit);
        uint64_t v = 0;
        if (n - d == ul && memcmp(s + d, units[u].unit, ul) == 0 &&
            digits(s, s + d, MAX_MS, &v) == 0 && v * units[u].ms <= MAX_MS) {
            *out = (uint32_t)(v * units[u].ms);
            return 0;
        }
    }
    return -1;
}

/** "P%" or "P.PP%" into hundredths of a percent, 1..10000: @return 0 or -1. */
static int parse_share(const char *s, size_t n, uint16_t *out)
{
    if (n < 2u || s[n - 1u] != '%') {
        return -1;
    }
    const char *end = s + n - 1u;
    const char *dot = memchr(s, '.', (size_t)(end - s));
    uint64_t whole = 0;
    uint64_t frac = 0;
    if (digits(s, dot != NULL ? dot : end, 100u, &whole) != 0) {
        return -1;
    }
    if (dot != NULL) {
        size_t fd = (size_t)(end - dot - 1);
        if (fd < 1u || fd > 2u || digits(dot + 1, end, 99u, &frac) != 0) {
            return -1;
        }
        frac = fd == 1u ? frac * 10u : frac;
    }
    uint64_t bp = whole * 100u + frac;
    if (bp < 1u || bp > SIM_FAULT_SHARE_ALL) {
        return -1;
    }
    *out = (uint16_t)bp;
    return 0;
}

static bool token_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/** One argument after the kind, known by its form. */
static int parse_arg(const char *s, size_t n, sim_fault_spec_t *f, bool *has_share, bool *has_time,
                     char *err, size_t cap)
{
    uint64_t v = 0;
    uint32_t ms = 0;
    const char *kind = sim_fault_kind_name(f->kind);
    if (n == 0u) {
        return fail(err, cap, "an empty argument (two ':' in a row, or one at the end)");
    }
    if (s[n - 1u] == '%') {
        if (*has_share) {
            return fail(err, cap, "two shares of the fleet");
        }
        if (parse_share(s, n, &f->share_bp) != 0) {
            return fail(err, cap,
                        "bad share %.*s: a percentage above 0 and up to 100, at most two "
                        "decimals (25%%, 0.5%%)",
                        (int)n, s);
        }
        *has_share = true;
    } else if (token_is(s, n, "backoff")) {
        if (f->kind == SIM_FAULT_METER_BURST) {
            return fail(err, cap, "backoff goes with an outage (boot-storm, power-cut, flap)");
        }
        if (f->backoff) {
            return fail(err, cap, "backoff given twice");
        }
        f->backoff = true;
    } else if (n > 5u && memcmp(s, "seed=", 5) == 0) {
        if (f->has_seed) {
            return fail(err, cap, "two seeds");
        }
        if (digits(s + 5, s + n, UINT32_MAX, &v) != 0) {
            return fail(err, cap, "bad %.*s: seed=N with N in 0..4294967295", (int)n, s);
        }
        f->has_seed = true;
        f->seed = (uint32_t)v;
    } else if (s[0] >= '0' && s[0] <= '9') {
        if (*has_time) {
            return fail(err, cap, "two durations (%s takes one)", kind);
        }
        if (parse_ms(s, n, &ms) != 0 || ms == 0u) {
            return fail(err, cap,
                        "bad duration %.*s: a whole number above 0 with a unit ms, s, m or h, "
                        "up to 24h (30s, 1500ms)",
                        (int)n, s);
        }
        f->duration_ms = ms;
        *has_time = true;
    } else {
        return fail(err, cap,
                    "unknown argument %.*s (a share P%%, a duration with ms/s/m/h, backoff, "
                    "seed=N)",
                    (int)n, s);
    }
    return 0;
}

/** What each kind needs, once its arguments are read. */
static int check_kind(sim_fault_spec_t *f, bool has_share, char *err, size_t cap)
{
    switch (f->kind) {
    case SIM_FAULT_BOOT_STORM:
        if (!has_share) {
            f->share_bp = SIM_FAULT_SHARE_ALL;
        }
        break;
    case SIM_FAULT_POWER_CUT:
        if (!has_share) {
            return fail(err, cap, "power-cut needs a share of the fleet (power-cut:10%%)");
        }
        break;
    case SIM_FAULT_FLAP:
        if (!has_share || f->duration_ms == 0u) {
            return fail(err, cap,
                        "flap needs a share and how long the network is away "
                        "(flap:25%%:30s)");
        }
        break;
    case SIM_FAULT_METER_BURST:
        if (f->duration_ms < 1000u) {
            return fail(err, cap,
                        "meter-burst needs how long it lasts, at least 1s (samples come once "
                        "a second): meter-burst:30s");
        }
        if (!has_share) {
            f->share_bp = SIM_FAULT_SHARE_ALL;
        }
        break;
    }
    if (f->backoff && f->duration_ms == 0u) {
        return fail(err, cap,
                    "backoff needs an outage to back off from (%s:backoff:10s: connections "
                    "are refused for 10 s)",
                    sim_fault_kind_name(f->kind));
    }
    return 0;
}

int sim_fault_parse(const char *text, sim_fault_spec_t *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    if (len == 0u) {
        return fail(err, err_cap,
                    "an empty fault (kinds: boot-storm, power-cut, flap, "
                    "meter-burst)");
    }
    if (len >= SIM_FAULT_TEXT) {
        return fail(err, err_cap, "longer than %u characters", SIM_FAULT_TEXT - 1u);
    }
    const char *at = strchr(text, '@');
    const char *end = at != NULL ? at : text + len;
    if (at != NULL) {
        if (strchr(at + 1, '@') != NULL) {
            return fail(err, err_cap, "two '@'");
        }
        if (parse_ms(at + 1, strlen(at + 1), &out->at_ms) != 0) {
            return fail(err, err_cap,
                        "bad time @%s: a whole number with a unit ms, s, m or h, up to 24h "
                        "(@60s, @2m)",
                        at + 1);
        }
        out->has_at = true;
    }
    size_t kn = strcspn(text, ":@");
    unsigned k = 0;
    while (k < sizeof k_kinds / sizeof k_kinds[0] && !token_is(text, kn, k_kinds[k])) {
        k++;
    }
    if (k == sizeof k_kinds / sizeof k_kinds[0]) {
        return fail(err, err_cap,
                    "unknown kind %.*s (kinds: boot-storm, power-cut, flap, meter-burst)", (int)kn,
                    text);
    }
    out->kind = (sim_fault_kind_t)k;
    bool has_share = false;
    bool has_time = false;
    const char *p = text + kn;
    while (p < end) { /* *p == ':' */
        const char *a = p + 1;
        const char *q = memchr(a, ':', (size_t)(end - a));
        q = q != NULL ? q : end;
        if (parse_arg(a, (size_t)(q - a), out, &has_share, &has_time, err, err_cap) != 0) {
            return -1;
        }
        p = q;
    }
    return check_kind(out, has_share, err, err_cap);
}

static size_t put_ms(char *buf, size_t cap, uint32_t ms)
{
    int n;
    if (ms != 0u && ms % 3600000u == 0u) {
        n = snprintf(buf, cap, "%luh", (unsigned long)(ms / 3600000u));
    } else if (ms != 0u && ms % 60000u == 0u) {
        n = snprintf(buf, cap, "%lum", (unsigned long)(ms / 60000u));
    } else if (ms % 1000u == 0u) {
        n = snprintf(buf, cap, "%lus", (unsigned long)(ms / 1000u));
    } else {
        n = snprintf(buf, cap, "%lums", (unsigned long)ms);
    }
    return n < 0 ? 0u : (size_t)n < cap ? (size_t)n : cap - 1u;
}

void sim_fault_format(const sim_fault_spec_t *f, char *buf, size_t cap)
{
    if (cap == 0u) {
        return;
    }
    size_t n = (size_t)snprintf(buf, cap, "%s", sim_fault_kind_name(f->kind));
    bool default_share = f->share_bp == SIM_FAULT_SHARE_ALL &&
                         (f->kind == SIM_FAULT_BOOT_STORM || f->kind == SIM_FAULT_METER_BURST);
    if (!default_share && n < cap) {
        char tmp[32];
        unsigned whole = f->share_bp / 100u;
        unsigned frac = f->share_bp % 100u;
        if (frac == 0u) {
            (void)snprintf(tmp, sizeof tmp, ":%u%%", whole);
        } else if (frac % 10u == 0u) {
            (void)snprintf(tmp, sizeof tmp, ":%u.%u%%", whole, frac / 10u);
        } else {
            (void)snprintf(tmp, sizeof tmp, ":%u.%02u%%", whole, frac);
        }
        n += (size_t)snprintf(buf + n, cap - n, "%s", tmp);
    }
    if (f->duration_ms != 0u && n + 1u < cap) {
        buf[n++] = ':';
        n += put_ms(buf + n, cap - n, f->duration_ms);
    }
    if (f->backoff && n < cap) {
        n += (size_t)snprintf(buf + n, cap - n, ":backoff");
    }
    if (f->has_seed && n < cap) {
        n += (size_t)snprintf(buf + n, cap - n, ":seed=%lu", (unsigned long)f->seed);
    }
    if (f->has_at && n + 1u < cap) {
        buf[n++] = '@';
        n += put_ms(buf + n, cap - n, f->at_ms);
    }
    buf[n < cap ? n : cap - 1u] = '\0';
}

unsigned sim_fault_share_count(uint16_t share_bp, unsigned n)
{
    uint64_t k = ((uint64_t)n * share_bp + SIM_FAULT_SHARE_ALL / 2u) / SIM_FAULT_SHARE_ALL;
    if (k == 0u && n > 0u && share_bp > 0u) {
        k = 1u;
    }
    return k > n ? n : (unsigned)k;
}

/** splitmix64 (Steele, Lea, Flood 2014): a good 64-bit stream from any seed. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void sim_pick_init(sim_pick_t *p, uint32_t seed, unsigned n, unsigned k)
{
    p->rng = seed;
    p->left_n = n;
    p->left_k = k < n ? k : n;
}

bool sim_pick_next(sim_pick_t *p)
{
    if (p->left_n == 0u) {
        return false;
    }
    /* Take this one with probability left_k / left_n (Algorithm S): exactly k in all. */
    uint64_t u = ((splitmix64(&p->rng) >> 32) * (uint64_t)p->left_n) >> 32;
    bool take = u < p->left_k;
    p->left_n--;
    if (take) {
        p->left_k--;
    }
    return take;
}

/* ------------------------------------------------------------------------ */
/* The table                                                                 */
/* ------------------------------------------------------------------------ */

static bool due_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

void sim_faults_schedule(sim_faults_t *fl)
{
    fl->pending = false;
    for (unsigned i = 0; i < fl->count; i++) {
        const sim_fleet_fault_t *f = &fl->f[i];
        uint32_t t;
        if (f->state == SIM_FAULT_SCHEDULED && fl->started) {
            t = f->start_at;
        } else if (f->state == SIM_FAULT_RUNNING) {
            t = f->end_at;
        } else {
            continue;
        }
        if (!fl->pending || due_before(t, fl->next_at)) {
            fl->next_at = t;
        }
        fl->pending = true;
    }
}

sim_fleet_fault_t *sim_faults_add(sim_faults_t *fl, const sim_fault_spec_t *spec, bool from_rest,
                                  uint32_t now)
{
    if (fl->count == SIM_FAULTS_MAX) {
        unsigned i = 0;
        while (i < fl->count && fl->f[i].state != SIM_FAULT_DONE) {
            i++;
        }
        if (i == fl->count) {
            return NULL;
        }
        /* the oldest finished fault makes room; the others keep their order */
        memmove(&fl->f[i], &fl->f[i + 1u], (fl->count - i - 1u) * sizeof fl->f[0]);
        fl->count--;
    }
    sim_fleet_fault_t *f = &fl->f[fl->count++];
    memset(f, 0, sizeof *f);
    f->spec = *spec;
    f->id = ++fl->next_id;
    f->from_rest = from_rest;
    f->seed = spec->has_seed ? spec->seed : fl->seed + f->id; /* (again at the start) */
    f->state = SIM_FAULT_SCHEDULED;
    if (fl->started) {
        f->start_at = now + spec->at_ms;
        sim_faults_schedule(fl);
    }
    return f;
}

void sim_faults_start(sim_faults_t *fl, uint32_t now)
{
    for (unsigned i = 0; i < fl->count; i++) {
        sim_fleet_fault_t *f = &fl->f[i];
        f->seed = f->spec.has_seed ? f->spec.seed : fl->seed + f->id; /* --fault-seed may
                                                                         come after */
        f->start_at = now + f->spec.at_ms;
    }
    fl->started = true;
    sim_faults_schedule(fl);
}

int sim_faults_option(sim_faults_t *fl, const char *opt, const char *value)
{
    if (strcmp(opt, "--fault-seed") == 0) {
        uint64_t v = 0;
        if (digits(value, value + strlen(value), UINT32_MAX, &v) != 0) {
            fprintf(stderr, "ocpp-sim: --fault-seed must be a number 0..4294967295, got %s\n",
                    value);
            return -1;
        }
        fl->seed = (uint32_t)v;
        return 0;
    }
    if (strcmp(opt, "--fault") != 0) {
        fprintf(stderr, "ocpp-sim: bad option %s (--fault SPEC@TIME or --fault-seed N)\n", opt);
        return -1;
    }
    sim_fault_spec_t spec;
    char err[200];
    if (sim_fault_parse(value, &spec, err, sizeof err) != 0) {
        fprintf(stderr, "ocpp-sim: --fault %s: %s\n", value, err);
        return -1;
    }
    if (!spec.has_at) {
        fprintf(stderr,
                "ocpp-sim: --fault %s: when? add @TIME after the start (--fault %s@60s); "
                "POST /api/fleet/faults runs a fault at once\n",
                value, value);
        return -1;
    }
    if (sim_faults_add(fl, &spec, false, 0u) == NULL) {
        fprintf(stderr, "ocpp-sim: at most %u --fault options\n", SIM_FAULTS_MAX);
        return -1;
    }
    return 0;
}
