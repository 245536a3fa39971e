/**
 * @file test_sim_gen.c
 * @brief ocpp-sim's transaction generator, its pure half (apps/simulator/gen.c):
 *        the profile parser, the PRNG, the distributions of the draws and their
 *        determinism. Issue 16: "A fixed --seed replays the same fleet
 *        behaviour exactly": the same seed gives the same decisions at every
 *        station, another seed (or another station) other decisions.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gen.h"

static sim_gen_profile_t profile(const char *text)
{
    sim_gen_profile_t p;
    char err[200] = "";
    sim_gen_defaults(&p);
    if (text != NULL && sim_gen_parse(&p, text, err, sizeof err) != 0) {
        fail_msg("%s: %s", text, err);
    }
    return p;
}

static void test_defaults_and_parse(void **state)
{
    (void)state;
    sim_gen_profile_t p = profile(NULL);
    assert_int_equal(p.idle_mean_ms, 600000);
    assert_int_equal(p.len_mean_ms, 1800000);
    assert_int_equal(p.cards, 100);
    assert_string_equal(p.prefix, "GEN");
    assert_int_equal(p.remote_permille, 0);
    assert_int_equal(p.n_ev, 1);
    assert_false(p.given);
    assert_true(p.seed == 1u);

    p = profile("idle=2.5,length=30:10:60,cards=7,prefix=RF-,remote=0.25,timeout=9,soc=5:95,"
                "ev=40:16:1+75.5:32:3");
    assert_int_equal(p.idle_mean_ms, 2500);
    assert_int_equal(p.len_mean_ms, 30000);
    assert_int_equal(p.len_min_ms, 10000);
    assert_int_equal(p.len_max_ms, 60000);
    assert_int_equal(p.cards, 7);
    assert_string_equal(p.prefix, "RF-");
    assert_int_equal(p.remote_permille, 250);
    assert_int_equal(p.timeout_ms, 9000);
    assert_int_equal(p.soc_min, 5);
    assert_int_equal(p.soc_max, 95);
    assert_int_equal(p.n_ev, 2);
    assert_int_equal(p.ev[0].battery_wh, 40000);
    assert_int_equal(p.ev[0].max_current_ma, 16000);
    assert_int_equal(p.ev[0].phases, 1);
    assert_int_equal(p.ev[1].battery_wh, 75500);
    assert_int_equal(p.ev[1].phases, 3);

    /* rate: sessions per hour per station; length MEAN alone: MIN = MEAN/10, MAX = 10 MEAN */
    p = profile("rate=4,length=100");
    assert_int_equal(p.idle_mean_ms, 900000);
    assert_int_equal(p.len_min_ms, 10000);
    assert_int_equal(p.len_max_ms, 1000000);

    char tag[24];
    sim_gen_card_tag(&p, 42, tag, sizeof tag);
    assert_string_equal(tag, "GEN000042");
}

static void test_bad_profiles(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "idle",
        "=5",
        "idle=",
        "idle=0",
        "idle=-1",
        "idle=1e3",
        "idle=0x10",
        "idle=604801",
        "idle=5,",
        "rate=0",
        "length=0",
        "length=10:20",
        "length=10:1:5",
        "length=10:1:5:6",
        "length=a",
        "cards=0",
        "cards=1.5",
        "cards=1000000",
        "prefix=",
        "prefix=THIRTEENCHARS",
        "prefix=A B",
        "prefix=A:B",
        "remote=1.01",
        "remote=-0.1",
        "timeout=0",
        "soc=80:10",
        "soc=10",
        "soc=0:101",
        "soc=1.5:10",
        "ev=40:16",
        "ev=40:16:4",
        "ev=40:0:3",
        "ev=40:81:3",
        "ev=0:16:3",
        "ev=1001:16:3",
        "ev=40:16:3+",
        "ev=1:6:1+2:6:1+3:6:1+4:6:1+5:6:1+6:6:1+7:6:1+8:6:1+9:6:1",
        "speed=2",
        "idle=5,bogus=1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_gen_profile_t p, before;
        char err[200] = "";
        sim_gen_defaults(&p);
        before = p;
        if (sim_gen_parse(&p, bad[i], err, sizeof err) != -1) {
            fail_msg("profile \"%s\" was taken", bad[i]);
        }
        assert_true(err[0] != '\0');
        assert_memory_equal(&p, &before, sizeof p); /* nothing changed */
    }
}

static void test_options(void **state)
{
    (void)state;
    sim_gen_profile_t p;
    char err[200];
    sim_gen_defaults(&p);
    assert_int_equal(sim_gen_option(&p, "--stations", "5", err, sizeof err), 1);
    assert_int_equal(sim_gen_option(&p, "--seed", "18446744073709551615", err, sizeof err), 0);
    assert_true(p.seed == UINT64_MAX);
    assert_int_equal(sim_gen_option(&p, "--seed", "0", err, sizeof err), 0);
    assert_true(p.seed == 0u);
    static const char *const bad_seeds[] = {"",    "-1", "+1", " 1", "1x", "18446744073709551616",
                                            "0x10"};
    for (size_t i = 0; i < sizeof bad_seeds / sizeof bad_seeds[0]; i++) {
        if (sim_gen_option(&p, "--seed", bad_seeds[i], err, sizeof err) != -1) {
            fail_msg("--seed \"%s\" was taken", bad_seeds[i]);
        }
    }
    assert_false(p.given);
    assert_int_equal(sim_gen_option(&p, "--gen", "idle=", err, sizeof err), -1);
    assert_false(p.given);
    assert_int_equal(sim_gen_option(&p, "--gen", "idle=3", err, sizeof err), 0);
    assert_true(p.given);
    assert_int_equal(p.idle_mean_ms, 3000);
}

/** splitmix64's reference output (seed 0: first value 0xE220A8397B1DCDAF): a replay across
 *  versions of ocpp-sim needs the same generator. */
static void test_prng_reference(void **state)
{
    (void)state;
    uint64_t s = 0;
    assert_true(sim_gen_next(&s) == 0xE220A8397B1DCDAFull);
    assert_true(sim_gen_next(&s) == 0x6E789E6AA1B965F4ull);
    assert_true(sim_gen_next(&s) == 0x06C45D188009454Full);
    for (int i = 0; i < 1000; i++) {
        double u = sim_gen_unit(&s);
        assert_true(u >= 0.0 && u < 1.0);
    }
}

typedef struct {
    uint32_t idle;
    sim_gen_session_t d;
} decision_t;

static void run(const sim_gen_profile_t *p, uint64_t seed, unsigned index, decision_t *out,
                size_t n)
{
    uint64_t s = sim_gen_seed_station(seed, index);
    for (size_t i = 0; i < n; i++) {
        out[i].idle = sim_gen_draw_idle(p, &s);
        sim_gen_draw_session(p, &s, 4, &out[i].d);
    }
}

static bool same(const decision_t *a, const decision_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].idle != b[i].idle || a[i].d.connector != b[i].d.connector ||
            a[i].d.remote != b[i].d.remote || a[i].d.card != b[i].d.card ||
            a[i].d.ev != b[i].d.ev || a[i].d.soc != b[i].d.soc || a[i].d.len_ms != b[i].d.len_ms) {
            return false;
        }
    }
    return true;
}

static void test_determinism(void **state)
{
    (void)state;
    enum { N = 500 };
    static decision_t a[N], b[N];
    sim_gen_profile_t p = profile("idle=30,length=60:5:600,remote=0.3,cards=50,ev=40:16:1+60:32:3");
    run(&p, 42, 7, a, N);
    run(&p, 42, 7, b, N);
    assert_true(same(a, b, N)); /* same seed, same station: the same decisions */
    run(&p, 43, 7, b, N);
    assert_false(same(a, b, 1)); /* another seed: others from the first one */
    run(&p, 42, 8, b, N);
    assert_false(same(a, b, 1)); /* another station */
    /* station i's stream does not depend on how many stations there are */
    assert_true(sim_gen_seed_station(42, 7) == sim_gen_seed_station(42, 7));
    assert_true(sim_gen_seed_station(42, 7) != sim_gen_seed_station(42, 6));
    assert_true(sim_gen_seed_station(0, 0) != sim_gen_seed_station(1, 0));
}

static void test_idle_exponential(void **state)
{
    (void)state;
    enum { N = 200000 };
    sim_gen_profile_t p = profile("idle=10");
    uint64_t s = sim_gen_seed_station(1, 0);
    double sum = 0;
    unsigned below_mean = 0;
    uint32_t max = 0;
    for (int i = 0; i < N; i++) {
        uint32_t x = sim_gen_draw_idle(&p, &s);
        sum += x;
        below_mean += x < 10000u;
        max = x > max ? x : max;
    }
    double mean = sum / N;
    assert_true(fabs(mean - 10000.0) < 10000.0 * 0.02);
    /* P(X < mean) = 1 - 1/e = 0.632 for an exponential */
    double share = (double)below_mean / N;
    assert_true(fabs(share - 0.632) < 0.01);
    assert_true(max <= 200000u); /* cut at 20 means */
}

static void test_session_distributions(void **state)
{
    (void)state;
    enum { N = 100000 };
    sim_gen_profile_t p =
        profile("length=20:5:40,remote=0.2,cards=10,soc=30:40,ev=40:16:1+60:32:3+80:11:3");
    uint64_t s = sim_gen_seed_station(9, 3);
    unsigned remote = 0, conn[5] = {0}, cards[11] = {0}, ev[3] = {0};
    double len_sum = 0;
    for (int i = 0; i < N; i++) {
        sim_gen_session_t d;
        sim_gen_draw_session(&p, &s, 4, &d);
        assert_true(d.connector >= 1 && d.connector <= 4);
        assert_true(d.card >= 1 && d.card <= 10);
        assert_true(d.ev < 3);
        assert_true(d.soc >= 30 && d.soc <= 40);
        assert_true(d.len_ms >= 5000 && d.len_ms <= 40000);
        remote += d.remote;
        conn[d.connector]++;
        cards[d.card]++;
        ev[d.ev]++;
        len_sum += d.len_ms;
    }
    assert_true(fabs((double)remote / N - 0.2) < 0.01);
    for (int c = 1; c <= 4; c++) {
        assert_true(fabs((double)conn[c] / N - 0.25) < 0.01);
    }
    for (int c = 1; c <= 10; c++) {
        assert_true(fabs((double)cards[c] / N - 0.1) < 0.01);
    }
    for (int e = 0; e < 3; e++) {
        assert_true(fabs((double)ev[e] / N - 1.0 / 3) < 0.01);
    }
    /* exponential of scale 15 s above 5 s, truncated at 40 s: mean 5 + 15 - 35 q / (1 - q),
     * q = e^(-35/15) */
    double q = exp(-35.0 / 15.0);
    double expect = 5000.0 + 15000.0 - 35000.0 * q / (1.0 - q);
    assert_true(fabs(len_sum / N - expect) < expect * 0.02);

    /* MIN = MEAN: every session has that length; remote 0 and 1 are never / always */
    p = profile("length=7:7:7,remote=1");
    sim_gen_session_t d;
    sim_gen_draw_session(&p, &s, 1, &d);
    assert_int_equal(d.len_ms, 7000);
    assert_int_equal(d.connector, 1);
    assert_true(d.remote);
    p = profile("remote=0");
    for (int i = 0; i < 1000; i++) {
        sim_gen_draw_session(&p, &s, 2, &d);
        assert_false(d.remote);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_parse),
        cmocka_unit_test(test_bad_profiles),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_prng_reference),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_idle_exponential),
        cmocka_unit_test(test_session_distributions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
