/**
 * @file test_sim_stats.c
 * @brief ocpp-sim's fleet figures (apps/simulator/stats.c, issue 16 "Live
 *        figures"): the log-scale response-time histogram and its percentiles,
 *        the counters fed by the message hook (OCPP-J 1.6 §4.1.1: one
 *        outstanding CALL per station, so an answer is matched to it by its
 *        message id, §4.2.2/§4.2.3), and the bounded time series.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

static sim_stats_t *new_stats(uint32_t stations, uint32_t now)
{
    sim_stats_t *st = calloc(1, sizeof *st);
    assert_non_null(st);
    sim_stats_init(st, stations, now, 0);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Histogram                                                                 */
/* ------------------------------------------------------------------------ */

/* 0..7 ms have a bucket each; above, 8 buckets per power of two whose width is
 * 1/8 of their lower bound; the buckets tile 0..2^32-1 without gap or overlap. */
static void test_bucket_math(void **state)
{
    (void)state;
    for (uint32_t v = 0; v < 16u; v++) {
        assert_int_equal(sim_hist_bucket(v), v); /* exact up to 15 */
    }
    assert_int_equal(sim_hist_bucket(16), 16);
    assert_int_equal(sim_hist_bucket(17), 16);
    assert_int_equal(sim_hist_bucket(18), 17);
    assert_int_equal(sim_hist_bucket(1000), sim_hist_bucket(1023));
    assert_int_equal(sim_hist_bucket(1024), sim_hist_bucket(1023) + 1u);
    assert_int_equal(sim_hist_bucket(UINT32_MAX), SIM_HIST_BUCKETS - 1u);
    assert_int_equal(sim_hist_bucket(1u << 31), SIM_HIST_BUCKETS - 8u);
    uint32_t next = 0;
    for (unsigned b = 0; b < SIM_HIST_BUCKETS; b++) {
        uint32_t lo = 0;
        uint32_t hi = 0;
        sim_hist_bounds(b, &lo, &hi);
        assert_int_equal(lo, next); /* contiguous */
        assert_true(hi >= lo);
        assert_int_equal(sim_hist_bucket(lo), b);
        assert_int_equal(sim_hist_bucket(hi), b);
        if (lo >= 8u) {
            uint64_t width = (uint64_t)hi - lo + 1u;
            assert_int_equal(width & (width - 1u), 0);         /* a power of two */
            assert_true(width * 8u <= lo && width * 16u > lo); /* 1/16 < width/lo ≤ 1/8 */
        }
        next = hi + 1u;
        if (b == SIM_HIST_BUCKETS - 1u) {
            assert_int_equal(hi, UINT32_MAX);
        }
    }
}

static void test_empty_histogram(void **state)
{
    (void)state;
    sim_hist_t h = {0};
    uint32_t v = 77;
    assert_false(sim_hist_quantile(&h, 500, &v));
    assert_int_equal(v, 0);
    assert_false(sim_hist_quantile(&h, 1000, &v));
    sim_hist_t g = {0};
    sim_hist_merge(&g, &h); /* merging nothing leaves it empty */
    assert_int_equal(g.count, 0);
    assert_false(sim_hist_quantile(&g, 990, &v));
}

/* One sample: every percentile is that sample (clamped to [min, max]). */
static void test_one_sample(void **state)
{
    (void)state;
    sim_hist_t h = {0};
    sim_hist_add(&h, 1234);
    uint32_t v = 0;
    for (unsigned q = 0; q <= 1000u; q += 10u) {
        assert_true(sim_hist_quantile(&h, q, &v));
        assert_int_equal(v, 1234);
    }
    assert_int_equal(h.min_ms, 1234);
    assert_int_equal(h.max_ms, 1234);
}

/* 1..100 ms once each: p50 is the sample of rank 50, read as its bucket's upper
 * bound (48..51 → 51), p95 rank 95 (88..95 → 95), p99 rank 99 (96..103, clamped
 * to the max 100). Never below the true sample, at most 12.5 % above. */
static void test_percentiles_exact_buckets(void **state)
{
    (void)state;
    sim_hist_t h = {0};
    for (uint32_t v = 1; v <= 100u; v++) {
        sim_hist_add(&h, v);
    }
    uint32_t v = 0;
    assert_true(sim_hist_quantile(&h, 500, &v));
    assert_int_equal(v, 51);
    assert_true(sim_hist_quantile(&h, 950, &v));
    assert_int_equal(v, 95);
    assert_true(sim_hist_quantile(&h, 990, &v));
    assert_int_equal(v, 100);
    assert_true(sim_hist_quantile(&h, 1000, &v));
    assert_int_equal(v, 100);
    assert_true(sim_hist_quantile(&h, 0, &v)); /* rank 1 */
    assert_int_equal(v, 1);
    assert_int_equal(h.sum_ms, 5050);
    for (unsigned q = 1; q <= 1000u; q++) {
        uint32_t rank = (100u * q + 999u) / 1000u; /* the sample of that rank is `rank` ms */
        assert_true(sim_hist_quantile(&h, q, &v));
        assert_true(v >= rank);
        assert_true((uint64_t)v * 8u <= (uint64_t)rank * 9u);
    }
    /* below 8 ms, exact: 3 ms ×9, 7 ms ×1 */
    sim_hist_t s = {0};
    for (int i = 0; i < 9; i++) {
        sim_hist_add(&s, 3);
    }
    sim_hist_add(&s, 7);
    assert_true(sim_hist_quantile(&s, 900, &v));
    assert_int_equal(v, 3);
    assert_true(sim_hist_quantile(&s, 901, &v));
    assert_int_equal(v, 7);
}

/* Huge values: 2^32-1 ms lands in the last bucket, sums do not overflow. */
static void test_huge_values(void **state)
{
    (void)state;
    sim_hist_t h = {0};
    sim_hist_add(&h, 0);
    sim_hist_add(&h, UINT32_MAX);
    sim_hist_add(&h, UINT32_MAX);
    uint32_t v = 1;
    assert_true(sim_hist_quantile(&h, 300, &v));
    assert_int_equal(v, 0);
    assert_true(sim_hist_quantile(&h, 500, &v));
    assert_int_equal(v, UINT32_MAX);
    assert_true(sim_hist_quantile(&h, 990, &v));
    assert_int_equal(v, UINT32_MAX);
    assert_int_equal(h.sum_ms, 2u * (uint64_t)UINT32_MAX);
    sim_hist_t g = {0};
    sim_hist_merge(&g, &h);
    sim_hist_merge(&g, &h);
    assert_int_equal(g.count, 6);
    assert_int_equal(g.min_ms, 0);
    assert_int_equal(g.max_ms, UINT32_MAX);
    assert_int_equal(g.n[SIM_HIST_BUCKETS - 1u], 4);
}

/* ------------------------------------------------------------------------ */
/* Counters                                                                  */
/* ------------------------------------------------------------------------ */

/* §4.1.1: our CALL and its CALLRESULT (same message id): a response time for
 * the action; across the wrap of the 32-bit millisecond clock too. */
static void test_response_time_and_wrap(void **state)
{
    (void)state;
    sim_stats_t *st = new_stats(1, 0xFFFFF000u);
    sim_stats_station_t ss = {0};
    sim_stats_on_message(st, &ss, true, 2, "id-1", "Heartbeat", "", 0xFFFFFF00u);
    assert_int_equal(ss.action, 1);
    sim_stats_on_message(st, &ss, false, 3, "id-1", "", "", 0x10u);
    assert_int_equal(ss.action, 0);
    assert_int_equal(st->n_actions, 1);
    assert_string_equal(st->actions[0].name, "Heartbeat");
    assert_int_equal(st->actions[0].calls, 1);
    assert_int_equal(st->actions[0].rt.count, 1);
    assert_int_equal(st->actions[0].rt.max_ms, 0x110); /* 272 ms, not 4 billion */
    assert_int_equal(st->all.max_ms, 0x110);
    assert_int_equal(st->msgs_out, 1);
    assert_int_equal(st->msgs_in, 1);
    assert_int_equal(st->cur.responses, 1);
    free(st);
}

/* §4.2.3 CALLERROR: counted by errorCode, and as the action's answer; an answer
 * to no outstanding CALL (a late one) is not a response time; the CSMS's own
 * CALLs and our answers are messages only. */
static void test_callerror_timeout_lost(void **state)
{
    (void)state;
    sim_stats_t *st = new_stats(1, 0);
    sim_stats_station_t ss = {0};
    sim_stats_on_message(st, &ss, true, 2, "a", "StatusNotification", "", 100);
    sim_stats_on_message(st, &ss, false, 4, "a", "", "InternalError", 130);
    assert_int_equal(st->call_errors_in, 1);
    assert_int_equal(st->n_codes, 1);
    assert_string_equal(st->codes[0].code, "InternalError");
    assert_int_equal(st->codes[0].count, 1);
    assert_int_equal(st->actions[0].call_errors, 1);
    assert_int_equal(st->actions[0].rt.count, 1);
    assert_int_equal(st->actions[0].rt.max_ms, 30);
    /* timeout: the library gives the CALL up; its late answer is unmatched */
    sim_stats_on_message(st, &ss, true, 2, "b", "Heartbeat", "", 200);
    sim_stats_on_timeout(st, &ss, "b", 1);
    assert_int_equal(st->timeouts, 1);
    assert_int_equal(st->actions[1].timeouts, 1);
    assert_int_equal(ss.action, 0);
    sim_stats_on_message(st, &ss, false, 3, "b", "", "", 40000);
    assert_int_equal(st->answers_unmatched, 1);
    assert_int_equal(st->actions[1].rt.count, 0);
    /* an answer with another id does not end the outstanding CALL */
    sim_stats_on_message(st, &ss, true, 2, "c", "Heartbeat", "", 50000);
    sim_stats_on_message(st, &ss, false, 3, "old", "", "", 50001);
    assert_int_equal(ss.action, 2);
    assert_int_equal(st->answers_unmatched, 2);
    /* the connection goes: the CALL is lost */
    sim_stats_on_station(st, &ss, true, true, 0);
    sim_stats_on_station(st, &ss, false, false, 0);
    assert_int_equal(st->lost, 1);
    assert_int_equal(st->actions[1].lost, 1);
    assert_int_equal(ss.action, 0);
    /* the CSMS's CALL and our CALLERROR to it */
    sim_stats_on_message(st, &ss, false, 2, "x", "Reset", "", 60000);
    sim_stats_on_message(st, &ss, true, 4, "x", "", "NotImplemented", 60001);
    assert_int_equal(st->call_errors_out, 1);
    assert_int_equal(st->call_errors_in, 1);
    assert_int_equal(st->n_actions, 2);
    assert_int_equal(st->msgs_in, 4);
    assert_int_equal(st->msgs_out, 4);
    /* a timeout the library reports for a CALL we did not see still counts */
    sim_stats_on_timeout(st, &ss, "zz", 2);
    assert_int_equal(st->timeouts, 2);
    free(st);
}

static void test_action_and_code_overflow(void **state)
{
    (void)state;
    sim_stats_t *st = new_stats(1, 0);
    sim_stats_station_t ss = {0};
    char name[16];
    for (unsigned i = 0; i < SIM_STATS_ACTIONS + 5u; i++) {
        snprintf(name, sizeof name, "A%u", i);
        sim_stats_on_message(st, &ss, true, 2, name, name, "", i);
        sim_stats_on_message(st, &ss, false, 4, name, "", name, i + 1u);
    }
    assert_int_equal(st->n_actions, SIM_STATS_ACTIONS);
    assert_string_equal(st->actions[SIM_STATS_ACTIONS - 1u].name, "(other)");
    assert_int_equal(st->actions[SIM_STATS_ACTIONS - 1u].calls, 6);
    assert_int_equal(st->n_codes, SIM_STATS_CODES);
    assert_string_equal(st->codes[SIM_STATS_CODES - 1u].code, "(other)");
    assert_int_equal(st->codes[SIM_STATS_CODES - 1u].count, SIM_STATS_ACTIONS + 5u - 15u);
    /* a long name is cut, not overrun */
    char longname[100];
    memset(longname, 'x', sizeof longname - 1u);
    longname[sizeof longname - 1u] = '\0';
    st->n_actions = 0;
    sim_stats_on_message(st, &ss, true, 2, "l", longname, "", 0);
    assert_int_equal(strlen(st->actions[0].name), SIM_STATS_NAME - 1u);
    free(st);
}

/* Gauges follow each station's state incrementally, never counted twice. */
static void test_gauges(void **state)
{
    (void)state;
    sim_stats_t *st = new_stats(3, 0);
    sim_stats_station_t a = {0};
    sim_stats_station_t b = {0};
    sim_stats_on_station(st, &a, true, false, 0);
    sim_stats_on_station(st, &a, true, false, 0);
    sim_stats_on_station(st, &b, true, true, 0);
    assert_int_equal(st->connected, 2);
    assert_int_equal(st->booted, 1);
    sim_stats_on_station(st, &a, true, true, 1u << 1 | 1u << 2);
    sim_stats_on_station(st, &b, true, true, 1u << 1);
    assert_int_equal(st->booted, 2);
    assert_int_equal(st->charging, 2);
    assert_int_equal(st->connectors_charging, 3);
    sim_stats_on_station(st, &a, true, true, 1u << 2);
    assert_int_equal(st->charging, 2);
    assert_int_equal(st->connectors_charging, 2);
    sim_stats_on_station(st, &a, false, false, 0);
    assert_int_equal(st->connected, 1);
    assert_int_equal(st->booted, 1);
    assert_int_equal(st->charging, 1);
    assert_int_equal(st->connectors_charging, 1);
    free(st);
}

/* ------------------------------------------------------------------------ */
/* Series                                                                    */
/* ------------------------------------------------------------------------ */

static sim_point_t second(uint32_t t, uint32_t in, uint32_t p95)
{
    return (sim_point_t){.t_s = t,
                         .span_s = 1,
                         .connected = t,
                         .msgs_in = in,
                         .responses = 1,
                         .rt_sum_ms = p95,
                         .rt_max_ms = p95,
                         .rt_p95_ms = p95};
}

/* One point per second up to SIM_SERIES_CAP; then every two become one (2 s),
 * totals kept, gauges of the later, the higher p95; and again at 4 s. */
static void test_series_downsampling(void **state)
{
    (void)state;
    sim_point_t *pts = calloc(SIM_SERIES_CAP, sizeof *pts);
    assert_non_null(pts);
    sim_series_t s;
    sim_series_init(&s, pts);
    uint64_t total = 0;
    uint32_t t = 0;
    for (; t < SIM_SERIES_CAP; t++) {
        sim_point_t p = second(t, t % 7u, t % 5u);
        total += p.msgs_in;
        sim_series_add(&s, &p);
    }
    assert_int_equal(s.n, SIM_SERIES_CAP);
    assert_int_equal(s.res_s, 1);
    assert_int_equal(s.open.span_s, 0);
    sim_point_t p = second(t++, 3, 0);
    total += 3;
    sim_series_add(&s, &p); /* full: halve, the new second waits for a second one */
    assert_int_equal(s.n, SIM_SERIES_CAP / 2u);
    assert_int_equal(s.res_s, 2);
    assert_int_equal(s.open.span_s, 1);
    assert_int_equal(pts[0].t_s, 0);
    assert_int_equal(pts[0].span_s, 2);
    assert_int_equal(pts[0].connected, 1);     /* the later gauge */
    assert_int_equal(pts[1].rt_p95_ms, 3);     /* max(2, 3) */
    assert_int_equal(pts[1].msgs_in, 2u + 3u); /* 2 + 3 */
    assert_int_equal(pts[1].responses, 2);
    p = second(t++, 1, 0);
    total += 1;
    sim_series_add(&s, &p);
    assert_int_equal(s.n, SIM_SERIES_CAP / 2u + 1u);
    assert_int_equal(s.open.span_s, 0);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        sum += pts[i].msgs_in;
        assert_int_equal(pts[i].span_s, 2);
        assert_int_equal(pts[i].t_s, 2u * i); /* contiguous */
    }
    assert_int_equal(sum, total);
    /* up to the next halving: 4 s points, still within SIM_SERIES_CAP */
    while (s.res_s == 2u) {
        p = second(t++, 1, 0);
        sim_series_add(&s, &p);
        assert_true(s.n <= SIM_SERIES_CAP);
    }
    assert_int_equal(s.res_s, 4);
    assert_int_equal(s.n, SIM_SERIES_CAP / 2u);
    assert_int_equal(pts[1].t_s, 4);
    assert_int_equal(pts[1].span_s, 4);
    free(pts);
}

/* The per-second counting: each whole second closes one point; a loop that
 * stalled for 3 s closes one point of 3 s; the rest of a second is kept. */
static void test_advance(void **state)
{
    (void)state;
    sim_stats_t *st = new_stats(2, 5000);
    sim_stats_station_t ss = {0};
    assert_false(sim_stats_advance(st, 5999));
    assert_int_equal(sim_stats_due_ms(st, 5999), 1);
    sim_stats_on_message(st, &ss, true, 2, "1", "Heartbeat", "", 5100);
    sim_stats_on_message(st, &ss, false, 3, "1", "", "", 5104);
    assert_true(sim_stats_advance(st, 6000));
    assert_int_equal(st->seconds, 1);
    assert_int_equal(st->series.n, 1);
    assert_int_equal(st->points[0].msgs_out, 1);
    assert_int_equal(st->points[0].rt_p95_ms, 4);
    assert_int_equal(st->last.msgs_in, 1);
    assert_int_equal(st->cur.msgs_in, 0);
    assert_int_equal(sim_stats_due_ms(st, 6250), 750);
    assert_true(sim_stats_advance(st, 9500)); /* 3.5 s later */
    assert_int_equal(st->seconds, 4);
    assert_int_equal(st->points[1].t_s, 1);
    assert_int_equal(st->points[1].span_s, 3);
    assert_int_equal(st->points[1].responses, 0);
    assert_int_equal(sim_stats_due_ms(st, 9500), 500);
    assert_false(sim_stats_advance(st, 4000)); /* a time before the start: nothing */
    free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_math),
        cmocka_unit_test(test_empty_histogram),
        cmocka_unit_test(test_one_sample),
        cmocka_unit_test(test_percentiles_exact_buckets),
        cmocka_unit_test(test_huge_values),
        cmocka_unit_test(test_response_time_and_wrap),
        cmocka_unit_test(test_callerror_timeout_lost),
        cmocka_unit_test(test_action_and_code_overflow),
        cmocka_unit_test(test_gauges),
        cmocka_unit_test(test_series_downsampling),
        cmocka_unit_test(test_advance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
