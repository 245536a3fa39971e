/**
 * @file test_sim_faults.c
 * @brief ocpp-sim's fleet faults (apps/simulator/faults_spec.c, issue 16 "Faults"): the spec
 *        parser (good and bad forms), its canonical form, the share of the fleet, the
 *        deterministic choice of stations and the fault table with its timer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "faults.h"

static sim_fault_spec_t parse_ok(const char *text)
{
    sim_fault_spec_t f;
    char err[200] = "";
    int r = sim_fault_parse(text, &f, err, sizeof err);
    if (r != 0) {
        fail_msg("%s: %s", text, err);
    }
    return f;
}

static void test_parse_good(void **state)
{
    (void)state;
    sim_fault_spec_t f = parse_ok("boot-storm");
    assert_int_equal(f.kind, SIM_FAULT_BOOT_STORM);
    assert_int_equal(f.share_bp, 10000); /* the whole fleet by default */
    assert_int_equal(f.duration_ms, 0);
    assert_false(f.backoff);
    assert_false(f.has_at);
    assert_false(f.has_seed);

    f = parse_ok("boot-storm@120s");
    assert_true(f.has_at);
    assert_int_equal(f.at_ms, 120000);

    f = parse_ok("flap:25%:30s@60s");
    assert_int_equal(f.kind, SIM_FAULT_FLAP);
    assert_int_equal(f.share_bp, 2500);
    assert_int_equal(f.duration_ms, 30000);
    assert_int_equal(f.at_ms, 60000);

    /* the arguments are known by their form: any order */
    sim_fault_spec_t g = parse_ok("flap:30s:25%@1m");
    assert_memory_equal(&f, &g, sizeof f);

    f = parse_ok("power-cut:0.5%:10s:backoff:seed=42@1h");
    assert_int_equal(f.kind, SIM_FAULT_POWER_CUT);
    assert_int_equal(f.share_bp, 50);
    assert_int_equal(f.duration_ms, 10000);
    assert_true(f.backoff);
    assert_true(f.has_seed);
    assert_int_equal(f.seed, 42);
    assert_int_equal(f.at_ms, 3600000);

    f = parse_ok("meter-burst:1500ms:12.25%");
    assert_int_equal(f.kind, SIM_FAULT_METER_BURST);
    assert_int_equal(f.duration_ms, 1500);
    assert_int_equal(f.share_bp, 1225);

    f = parse_ok("meter-burst:1s");
    assert_int_equal(f.share_bp, 10000);

    f = parse_ok("boot-storm:100%:2m:backoff@0ms");
    assert_int_equal(f.duration_ms, 120000);
    assert_true(f.has_at);
    assert_int_equal(f.at_ms, 0);

    f = parse_ok("flap:0.01%:24h:seed=4294967295@24h");
    assert_int_equal(f.share_bp, 1);
    assert_int_equal(f.duration_ms, 86400000);
    assert_int_equal(f.seed, UINT32_MAX);
}

static void test_parse_bad(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *why; /* part of the message */
    } bad[] = {
        {"", "empty fault"},
        {"flop", "unknown kind flop"},
        {"Boot-storm", "unknown kind"},
        {"boot-storm:x", "unknown argument x"},
        {"flap", "flap needs a share"},
        {"flap:25%", "flap needs a share and how long"},
        {"flap:30s", "flap needs a share"},
        {"flap:25%:30s:31s", "two durations"},
        {"flap:25%:26%:1s", "two shares"},
        {"flap:0%:1s", "bad share 0%"},
        {"flap:100.01%:1s", "bad share"},
        {"flap:101%:1s", "bad share"},
        {"flap:1.234%:1s", "bad share"},
        {"flap:1.%:1s", "bad share"},
        {"flap:-1%:1s", "bad share"},
        {"flap:%:1s", "bad share"},
        {"flap:25%:1.5s", "bad duration 1.5s"}, /* whole numbers only */
        {"flap:25%:30", "bad duration 30"},
        {"flap:25%:30x", "bad duration"},
        {"flap:25%:0s", "bad duration 0s"},
        {"flap:25%:25h", "bad duration"},
        {"flap:25%:99999999999999999999s", "bad duration"},
        {"power-cut", "power-cut needs a share"},
        {"power-cut:5s", "power-cut needs a share"},
        {"boot-storm:backoff", "backoff needs an outage"},
        {"boot-storm:backoff:backoff:1s", "backoff given twice"},
        {"meter-burst", "meter-burst needs how long"},
        {"meter-burst:999ms", "at least 1s"},
        {"meter-burst:10s:backoff", "backoff goes with an outage"},
        {"boot-storm@", "bad time @"},
        {"boot-storm@10", "bad time @10"},
        {"boot-storm@25h", "bad time"},
        {"boot-storm@1s@2s", "two '@'"},
        {"boot-storm:", "an empty argument"},
        {"boot-storm::10s", "an empty argument"},
        {"boot-storm:seed=", "unknown argument"},
        {"boot-storm:seed=x", "bad seed=x"},
        {"boot-storm:seed=4294967296", "bad seed"},
        {"boot-storm:seed=1:seed=2", "two seeds"},
        {"boot-storm:10%:seed=1:1s:backoff:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@1s", "longer than"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_fault_spec_t f;
        char err[200] = "";
        if (sim_fault_parse(bad[i].text, &f, err, sizeof err) != -1) {
            fail_msg("accepted: %s", bad[i].text);
        }
        if (strstr(err, bad[i].why) == NULL) {
            fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].text, err, bad[i].why);
        }
    }
}

static void test_format(void **state)
{
    (void)state;
    static const struct {
        const char *in, *canonical;
    } cases[] = {
        {"boot-storm", "boot-storm"},
        {"boot-storm:100%@120000ms", "boot-storm@2m"},
        {"flap:30s:25%@60s", "flap:25%:30s@1m"},
        {"flap:25.5%:1500ms", "flap:25.5%:1500ms"},
        {"power-cut:backoff:0.05%:3600s:seed=9@0s", "power-cut:0.05%:1h:backoff:seed=9@0s"},
        {"meter-burst:10s:50%", "meter-burst:50%:10s"},
        {"meter-burst:90s", "meter-burst:90s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_fault_spec_t f = parse_ok(cases[i].in);
        char buf[SIM_FAULT_TEXT];
        sim_fault_format(&f, buf, sizeof buf);
        assert_string_equal(buf, cases[i].canonical);
        sim_fault_spec_t g = parse_ok(buf); /* the canonical form reads back the same */
        assert_memory_equal(&f, &g, sizeof f);
    }
    char small[6];
    sim_fault_spec_t f = parse_ok("flap:25%:30s@60s");
    sim_fault_format(&f, small, sizeof small);
    assert_string_equal(small, "flap:"); /* cut, NUL-terminated */
    assert_string_equal(sim_fault_kind_name((sim_fault_kind_t)9), "?");
}

static void test_share_count(void **state)
{
    (void)state;
    assert_int_equal(sim_fault_share_count(10000, 10), 10);
    assert_int_equal(sim_fault_share_count(5000, 10), 5);
    assert_int_equal(sim_fault_share_count(2500, 10), 3); /* 2.5 rounds up */
    assert_int_equal(sim_fault_share_count(2400, 10), 2);
    assert_int_equal(sim_fault_share_count(1, 10), 1); /* at least one station */
    assert_int_equal(sim_fault_share_count(1, 0), 0);
    assert_int_equal(sim_fault_share_count(3333, 3), 1);
    assert_int_equal(sim_fault_share_count(10000, 100000), 100000);
    assert_int_equal(sim_fault_share_count(1, 100000), 10);
}

/** The stations a draw takes, as a bit mask (n <= 64). */
static uint64_t draw(uint32_t seed, unsigned n, unsigned k)
{
    sim_pick_t p;
    sim_pick_init(&p, seed, n, k);
    uint64_t m = 0;
    for (unsigned i = 0; i < n; i++) {
        if (sim_pick_next(&p)) {
            m |= 1ull << i;
        }
    }
    assert_false(sim_pick_next(&p)); /* nothing after the last station */
    return m;
}

static unsigned bits(uint64_t m)
{
    unsigned c = 0;
    for (; m != 0u; m &= m - 1u) {
        c++;
    }
    return c;
}

static void test_pick_exact_and_deterministic(void **state)
{
    (void)state;
    for (unsigned n = 0; n <= 64; n += 7) {
        for (unsigned k = 0; k <= n; k++) {
            for (uint32_t seed = 0; seed < 5; seed++) {
                uint64_t m = draw(seed, n, k);
                assert_int_equal(bits(m), k);       /* exactly k */
                assert_true(m == draw(seed, n, k)); /* the same seed, the same stations */
            }
        }
    }
    assert_true(draw(1, 64, 64) == UINT64_MAX);
    assert_true(draw(1, 10, 99) == 0x3FFu); /* k above n: all */
    /* other seeds, other stations */
    assert_true(draw(1, 64, 32) != draw(2, 64, 32));
    assert_true(draw(7, 10, 5) != draw(8, 10, 5));
    /* fixed answers: the same stations on every machine and build (integer arithmetic) */
    assert_true(draw(8, 10, 2) == 0x110u);
    assert_true(draw(12345, 64, 20) == 0x7410082df0044full);
}

static void test_pick_even(void **state)
{
    (void)state;
    /* every station is taken about as often: 2000 seeds, 5 of 10: 1000 each */
    unsigned hits[10] = {0};
    for (uint32_t seed = 0; seed < 2000; seed++) {
        uint64_t m = draw(seed, 10, 5);
        for (unsigned i = 0; i < 10; i++) {
            hits[i] += (unsigned)((m >> i) & 1u);
        }
    }
    for (unsigned i = 0; i < 10; i++) {
        if (hits[i] < 900 || hits[i] > 1100) {
            fail_msg("station %u taken %u times of 2000 (expected about 1000)", i, hits[i]);
        }
    }
}

static void test_option_and_table(void **state)
{
    (void)state;
    sim_faults_t fl;
    memset(&fl, 0, sizeof fl);
    assert_int_equal(sim_faults_option(&fl, "--fault", "flap:25%:30s@60s"), 0);
    assert_int_equal(sim_faults_option(&fl, "--fault", "boot-storm:seed=5@10s"), 0);
    assert_int_equal(sim_faults_option(&fl, "--fault-seed", "100"), 0); /* after them: applies */
    /* bad forms: refused, nothing added */
    assert_int_equal(sim_faults_option(&fl, "--fault", "flap:25%:30s"), -1); /* no @TIME */
    assert_int_equal(sim_faults_option(&fl, "--fault", "flop@1s"), -1);
    assert_int_equal(sim_faults_option(&fl, "--fault-seed", "-1"), -1);
    assert_int_equal(sim_faults_option(&fl, "--fault-seed", "4294967296"), -1);
    assert_int_equal(sim_faults_option(&fl, "--faults", "x"), -1);
    assert_int_equal(fl.count, 2);
    assert_int_equal(fl.seed, 100);
    assert_false(fl.pending); /* no start time before the loop runs */

    uint32_t t0 = UINT32_MAX - 5000u; /* the monotonic clock wraps during the test */
    sim_faults_start(&fl, t0);
    assert_true(fl.started);
    assert_int_equal(fl.f[0].id, 1);
    assert_int_equal(fl.f[0].seed, 101); /* --fault-seed + the fault's number */
    assert_int_equal(fl.f[1].seed, 5);   /* its own */
    assert_int_equal(fl.f[0].start_at, t0 + 60000u);
    assert_true(fl.pending);
    assert_int_equal(fl.next_at, t0 + 10000u); /* the earlier one, across the wrap */

    /* running: its end counts */
    fl.f[1].state = SIM_FAULT_RUNNING;
    fl.f[1].end_at = t0 + 3000u;
    sim_faults_schedule(&fl);
    assert_int_equal(fl.next_at, t0 + 3000u);
    fl.f[1].state = SIM_FAULT_DONE;
    sim_faults_schedule(&fl);
    assert_int_equal(fl.next_at, t0 + 60000u);

    /* REST: at once, or in TIME */
    sim_fault_spec_t now = parse_ok("power-cut:10%");
    sim_fleet_fault_t *f = sim_faults_add(&fl, &now, true, t0 + 100u);
    assert_non_null(f);
    assert_int_equal(f->id, 3);
    assert_true(f->from_rest);
    assert_int_equal(fl.next_at, t0 + 100u);

    /* full: the oldest finished fault makes room, the order stays */
    while (fl.count < SIM_FAULTS_MAX) {
        assert_non_null(sim_faults_add(&fl, &now, true, t0));
    }
    f = sim_faults_add(&fl, &now, true, t0);
    assert_non_null(f);
    assert_int_equal(fl.count, SIM_FAULTS_MAX);
    assert_int_equal(fl.f[0].id, 1);
    assert_int_equal(fl.f[1].id, 3); /* 2 (done) is gone */
    assert_int_equal(f->id, SIM_FAULTS_MAX + 1u);
    assert_ptr_equal(f, &fl.f[SIM_FAULTS_MAX - 1u]);
    /* none finished: no room */
    assert_null(sim_faults_add(&fl, &now, true, t0));
    memset(&fl, 0, sizeof fl);
    for (unsigned i = 0; i < SIM_FAULTS_MAX; i++) {
        assert_int_equal(sim_faults_option(&fl, "--fault", "boot-storm@1s"), 0);
    }
    assert_int_equal(sim_faults_option(&fl, "--fault", "boot-storm@1s"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_share_count),
        cmocka_unit_test(test_pick_exact_and_deterministic),
        cmocka_unit_test(test_pick_even),
        cmocka_unit_test(test_option_and_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
