/**
 * @file stats.c
 * @brief The fleet's live figures (stats.h): the response-time histogram, the
 *        bounded time series and the counters the hooks of report.c feed.
 *        Plain C on caller-owned memory, no I/O (tests/unit/test_sim_stats.c).
 */
#include "stats.h"

#include <string.h>

/* ------------------------------------------------------------------------ */
/* Histogram                                                                 */
/* ------------------------------------------------------------------------ */

/** floor(log2(v)) of v > 0. */
static unsigned log2_floor(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

unsigned sim_hist_bucket(uint32_t ms)
{
    if (ms < SIM_HIST_SUB) {
        return ms;
    }
    unsigned e = log2_floor(ms); /* 3..31 */
    unsigned shift = e - 3u;     /* 8 sub-buckets: the 3 bits below the top one */
    return SIM_HIST_SUB + shift * SIM_HIST_SUB + ((ms >> shift) - SIM_HIST_SUB);
}

void sim_hist_bounds(unsigned b, uint32_t *lo, uint32_t *hi)
{
    if (b < SIM_HIST_SUB) {
        *lo = *hi = b;
        return;
    }
    unsigned shift = (b - SIM_HIST_SUB) / SIM_HIST_SUB;
    uint64_t sub = (b - SIM_HIST_SUB) % SIM_HIST_SUB;
    uint64_t low = (SIM_HIST_SUB + sub) << shift;
    *lo = (uint32_t)low;
    *hi = (uint32_t)(low + ((uint64_t)1 << shift) - 1u);
}

void sim_hist_add(sim_hist_t *h, uint32_t ms)
{
    h->n[sim_hist_bucket(ms)]++;
    if (h->count == 0u || ms < h->min_ms) {
        h->min_ms = ms;
    }
    if (h->count == 0u || ms > h->max_ms) {
        h->max_ms = ms;
    }
    h->count++;
    h->sum_ms += ms;
}

void sim_hist_merge(sim_hist_t *to, const sim_hist_t *from)
{
    if (from->count == 0u) {
        return;
    }
    for (unsigned b = 0; b < SIM_HIST_BUCKETS; b++) {
        to->n[b] += from->n[b];
    }
    if (to->count == 0u || from->min_ms < to->min_ms) {
        to->min_ms = from->min_ms;
    }
    if (to->count == 0u || from->max_ms > to->max_ms) {
        to->max_ms = from->max_ms;
    }
    to->count += from->count;
    to->sum_ms += from->sum_ms;
}

bool sim_hist_quantile(const sim_hist_t *h, unsigned permille, uint32_t *out)
{
    *out = 0;
    if (h->count == 0u) {
        return false;
    }
    if (permille > 1000u) {
        permille = 1000u;
    }
    uint64_t rank = (h->count * permille + 999u) / 1000u; /* ceil, 1-based */
    if (rank == 0u) {
        rank = 1u;
    }
    uint64_t seen = 0;
    unsigned b = 0;
    for (; b < SIM_HIST_BUCKETS - 1u; b++) {
        seen += h->n[b];
        if (seen >= rank) {
            break;
        }
    }
    uint32_t lo = 0;
    uint32_t hi = 0;
    sim_hist_bounds(b, &lo, &hi);
    hi = hi > h->max_ms ? h->max_ms : hi;
    *out = hi < h->min_ms ? h->min_ms : hi;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Series                                                                    */
/* ------------------------------------------------------------------------ */

void sim_series_init(sim_series_t *s, sim_point_t *points)
{
    memset(s, 0, sizeof *s);
    s->points = points;
    s->res_s = 1;
}

void sim_point_merge(sim_point_t *a, const sim_point_t *b)
{
    a->span_s += b->span_s;
    a->connected = b->connected;
    a->booted = b->booted;
    a->charging = b->charging;
    a->msgs_in += b->msgs_in;
    a->msgs_out += b->msgs_out;
    a->call_errors += b->call_errors;
    a->timeouts += b->timeouts;
    a->responses += b->responses;
    a->rt_sum_ms += b->rt_sum_ms;
    a->rt_max_ms = b->rt_max_ms > a->rt_max_ms ? b->rt_max_ms : a->rt_max_ms;
    a->rt_p95_ms = b->rt_p95_ms > a->rt_p95_ms ? b->rt_p95_ms : a->rt_p95_ms;
}

/** A full series: every two neighbours become one, the resolution doubles. */
static void series_halve(sim_series_t *s)
{
    size_t half = s->n / 2u;
    for (size_t i = 0; i < half; i++) {
        sim_point_t p = s->points[2u * i];
        sim_point_merge(&p, &s->points[2u * i + 1u]);
        s->points[i] = p;
    }
    if (s->n % 2u != 0u) { /* (SIM_SERIES_CAP is even: not reached) */
        s->points[half] = s->points[s->n - 1u];
        half++;
    }
    s->n = (uint32_t)half;
    s->res_s *= 2u;
}

void sim_series_add(sim_series_t *s, const sim_point_t *p)
{
    if (s->open.span_s == 0u) {
        s->open = *p;
    } else {
        sim_point_merge(&s->open, p);
    }
    if (s->open.span_s < s->res_s) {
        return;
    }
    if (s->n == SIM_SERIES_CAP) {
        series_halve(s);
        if (s->open.span_s < s->res_s) {
            return; /* it fills up to the new resolution first */
        }
    }
    s->points[s->n++] = s->open;
    s->open.span_s = 0;
}

/* ------------------------------------------------------------------------ */
/* The fleet's counters                                                      */
/* ------------------------------------------------------------------------ */

void sim_stats_init(sim_stats_t *st, uint32_t stations, uint32_t now_ms, int64_t unix_ms)
{
    memset(st, 0, sizeof *st);
    st->stations = stations;
    st->start_ms = now_ms;
    st->sec_start_ms = now_ms;
    st->start_unix_ms = unix_ms;
    sim_series_init(&st->series, st->points);
}

/** FNV-1a of a message id (the outstanding CALL's, compared with an answer's). */
static uint32_t id_hash(const char *id, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len && id[i] != '\0'; i++) {
        h = (h ^ (uint8_t)id[i]) * 16777619u;
    }
    return h;
}

static void copy_name(char *dst, const char *src)
{
    size_t n = strlen(src);
    n = n < SIM_STATS_NAME - 1u ? n : SIM_STATS_NAME - 1u;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool same_name(const char *a, const char *b)
{
    return strncmp(a, b, SIM_STATS_NAME - 1u) == 0;
}

/** The entry of `action`, added if new; the last one collects the overflow. */
static unsigned action_index(sim_stats_t *st, const char *action)
{
    for (unsigned i = 0; i < st->n_actions; i++) {
        if (same_name(st->actions[i].name, action)) {
            return i;
        }
    }
    if (st->n_actions < SIM_STATS_ACTIONS - 1u) {
        copy_name(st->actions[st->n_actions].name, action);
        return st->n_actions++;
    }
    if (st->n_actions == SIM_STATS_ACTIONS - 1u) {
        copy_name(st->actions[st->n_actions++].name, "(other)");
    }
    return SIM_STATS_ACTIONS - 1u;
}

static void count_code(sim_stats_t *st, const char *code)
{
    for (unsigned i = 0; i < st->n_codes; i++) {
        if (same_name(st->codes[i].code, code)) {
            st->codes[i].count++;
            return;
        }
    }
    unsigned i = st->n_codes;
    if (i < SIM_STATS_CODES - 1u) {
        copy_name(st->codes[i].code, code);
        st->n_codes++;
    } else {
        i = SIM_STATS_CODES - 1u;
        if (st->n_codes == i) {
            copy_name(st->codes[i].code, "(other)");
            st->n_codes++;
        }
    }
    st->codes[i].count++;
}

/** The answer (CALLRESULT or CALLERROR) to the outstanding CALL of ss. */
static void answered(sim_stats_t *st, sim_stats_station_t *ss, bool error, uint32_t now_ms)
{
    sim_action_stats_t *a = &st->actions[ss->action - 1u];
    uint32_t ms = now_ms - ss->sent_ms; /* modulo 2^32: right across the wrap */
    sim_hist_add(&a->rt, ms);
    sim_hist_add(&st->all, ms);
    sim_hist_add(&st->cur_rt, ms);
    st->cur.responses++;
    st->cur.rt_sum_ms += ms;
    st->cur.rt_max_ms = ms > st->cur.rt_max_ms ? ms : st->cur.rt_max_ms;
    if (error) {
        a->call_errors++;
    }
    ss->action = 0;
}

/** The outstanding CALL ended without an answer: the connection went. */
static void call_lost(sim_stats_t *st, sim_stats_station_t *ss)
{
    if (ss->action != 0u) {
        st->actions[ss->action - 1u].lost++;
        st->lost++;
        ss->action = 0;
    }
}

void sim_stats_on_message(sim_stats_t *st, sim_stats_station_t *ss, bool out, unsigned type,
                          const char *msg_id, const char *action, const char *error_code,
                          uint32_t now_ms)
{
    if (out) {
        st->msgs_out++;
        st->cur.msgs_out++;
    } else {
        st->msgs_in++;
        st->cur.msgs_in++;
    }
    if (type == 4u) {
        if (out) {
            st->call_errors_out++;
        } else {
            st->call_errors_in++;
            st->cur.call_errors++;
            count_code(st, error_code);
        }
    }
    if (out && type == 2u) {
        call_lost(st, ss); /* (never: the library waits for the end of the previous one) */
        unsigned i = action_index(st, action);
        st->actions[i].calls++;
        ss->action = (uint8_t)(i + 1u);
        ss->sent_ms = now_ms;
        ss->id_hash = id_hash(msg_id, SIZE_MAX);
    } else if (!out && (type == 3u || type == 4u)) {
        if (ss->action != 0u && ss->id_hash == id_hash(msg_id, SIZE_MAX)) {
            answered(st, ss, type == 4u, now_ms);
        } else {
            st->answers_unmatched++;
        }
    }
}

void sim_stats_on_timeout(sim_stats_t *st, sim_stats_station_t *ss, const char *msg_id, size_t len)
{
    st->timeouts++;
    st->cur.timeouts++;
    if (ss->action != 0u && ss->id_hash == id_hash(msg_id, len)) {
        st->actions[ss->action - 1u].timeouts++;
        ss->action = 0;
    }
}

static unsigned popcount32(uint32_t v)
{
    unsigned n = 0;
    for (; v != 0u; v &= v - 1u) {
        n++;
    }
    return n;
}

/** +1 / -1 on *counter as `now` differs from `was`. */
static void gauge(uint32_t *counter, bool was, bool now)
{
    if (now && !was) {
        (*counter)++;
    } else if (was && !now && *counter > 0u) {
        (*counter)--;
    }
}

void sim_stats_on_station(sim_stats_t *st, sim_stats_station_t *ss, bool connected, bool booted,
                          uint32_t charging_mask)
{
    uint8_t f =
        (uint8_t)((connected ? SIM_STATS_F_CONNECTED : 0u) | (booted ? SIM_STATS_F_BOOTED : 0u) |
                  (charging_mask != 0u ? SIM_STATS_F_CHARGING : 0u));
    gauge(&st->connected, (ss->flags & SIM_STATS_F_CONNECTED) != 0u, connected);
    gauge(&st->booted, (ss->flags & SIM_STATS_F_BOOTED) != 0u, booted);
    gauge(&st->charging, (ss->flags & SIM_STATS_F_CHARGING) != 0u, charging_mask != 0u);
    st->connectors_charging += popcount32(charging_mask);
    st->connectors_charging -= popcount32(ss->charging_mask);
    ss->flags = f;
    ss->charging_mask = charging_mask;
    if (!connected) {
        call_lost(st, ss);
    }
}

bool sim_stats_advance(sim_stats_t *st, uint32_t now_ms)
{
    uint32_t elapsed = now_ms - st->sec_start_ms;
    if (elapsed < 1000u || elapsed > UINT32_MAX / 2u) {
        return false; /* (the second half of the range: a time before the start) */
    }
    uint32_t k = elapsed / 1000u;
    st->cur.t_s = st->seconds;
    st->cur.span_s = k;
    st->cur.connected = st->connected;
    st->cur.booted = st->booted;
    st->cur.charging = st->charging;
    (void)sim_hist_quantile(&st->cur_rt, 950u, &st->cur.rt_p95_ms);
    memset(&st->cur_rt, 0, sizeof st->cur_rt);
    st->seconds += k;
    st->sec_start_ms += k * 1000u;
    st->last = st->cur;
    sim_series_add(&st->series, &st->cur);
    memset(&st->cur, 0, sizeof st->cur);
    return true;
}

uint32_t sim_stats_due_ms(const sim_stats_t *st, uint32_t now_ms)
{
    uint32_t elapsed = now_ms - st->sec_start_ms;
    return elapsed >= 1000u ? 0u : 1000u - elapsed;
}
