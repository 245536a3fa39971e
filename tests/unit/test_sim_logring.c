/**
 * @file test_sim_logring.c
 * @brief ocpp-sim's shared message log ring (apps/simulator/logring.c):
 *        records of several stations, wrap at the end of the buffer,
 *        eviction of the oldest, a station's walk back after eviction, bad
 *        sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "logring.h"

/** A CALL of `len` text bytes (filled with 'a' + seq % 26). */
static sim_log_rec_t rec(uint32_t seq, char *text, uint16_t len)
{
    memset(text, 'a' + (int)(seq % 26u), len);
    return (sim_log_rec_t){.seq = seq,
                           .unix_ms = 1000 + seq,
                           .out = seq % 2u == 0u,
                           .frame_ok = true,
                           .type = 2,
                           .answer_to = -1,
                           .msg_id = "id",
                           .action = "Heartbeat",
                           .error_code = "",
                           .text = text,
                           .len = len};
}

/** How many records of `station` a walk back from `last` finds; checks they count down. */
static unsigned walk(const sim_logring_t *r, uint32_t station, uint64_t last, uint32_t newest)
{
    unsigned n = 0;
    sim_log_rec_t e;
    uint64_t pos = last;
    while (sim_logring_get(r, pos, station, &e, &pos)) {
        assert_int_equal(e.seq, newest - n);
        n++;
    }
    return n;
}

static void test_put_get_fields(void **state)
{
    (void)state;
    sim_logring_t r;
    assert_int_equal(sim_logring_init(&r, 8192), 0);
    uint64_t last = SIM_LOGRING_NONE;
    sim_log_rec_t e = {.seq = 7,
                       .unix_ms = 1234567890123,
                       .out = false,
                       .truncated = true,
                       .frame_ok = false,
                       .type = 4,
                       .answer_to = 6,
                       .msg_id = "m-1",
                       .action = "StartTransaction",
                       .error_code = "FormationViolation",
                       .text = "[4,\"m-1\"",
                       .len = 8};
    assert_true(sim_logring_put(&r, 3, &last, &e));
    assert_int_equal(last, 0);
    /* 40-byte header, strings with their NULs, text, rounded up to 8 */
    assert_int_equal(sim_logring_size(&e), (40 + 4 + 17 + 19 + 8 + 7) & ~7);
    sim_log_rec_t g;
    uint64_t prev = 0;
    assert_true(sim_logring_get(&r, last, 3, &g, &prev));
    assert_int_equal(prev, SIM_LOGRING_NONE);
    assert_int_equal(g.seq, 7);
    assert_int_equal(g.unix_ms, 1234567890123);
    assert_false(g.out);
    assert_true(g.truncated);
    assert_false(g.frame_ok);
    assert_int_equal(g.type, 4);
    assert_int_equal(g.answer_to, 6);
    assert_string_equal(g.msg_id, "m-1");
    assert_string_equal(g.action, "StartTransaction");
    assert_string_equal(g.error_code, "FormationViolation");
    assert_int_equal(g.len, 8);
    assert_memory_equal(g.text, "[4,\"m-1\"", 8);
    /* another station's record is not this one's; a position never written is none */
    assert_false(sim_logring_get(&r, last, 4, &g, NULL));
    assert_false(sim_logring_get(&r, 8, 3, &g, NULL));
    assert_false(sim_logring_get(&r, SIM_LOGRING_NONE, 3, &g, NULL));
    sim_logring_free(&r);
}

/** Two stations interleaved: each walks back its own records only, newest first. */
static void test_stations_interleaved(void **state)
{
    (void)state;
    sim_logring_t r;
    assert_int_equal(sim_logring_init(&r, (size_t)64 * 1024), 0);
    uint64_t last[2] = {SIM_LOGRING_NONE, SIM_LOGRING_NONE};
    char text[100];
    for (uint32_t i = 0; i < 100; i++) {
        sim_log_rec_t e = rec(i / 2u, text, (uint16_t)(10 + i % 50u));
        assert_true(sim_logring_put(&r, i % 2u, &last[i % 2u], &e));
    }
    assert_int_equal(walk(&r, 0, last[0], 49), 50);
    assert_int_equal(walk(&r, 1, last[1], 49), 50);
    assert_int_equal(r.evicted, 0);
    sim_logring_free(&r);
}

/**
 * The ring wraps many times: the oldest records go first, a station whose
 * records were all pushed out by another has none left, and the survivors
 * read back whole (no record straddles the end of the buffer).
 */
static void test_wrap_and_eviction(void **state)
{
    (void)state;
    sim_logring_t r;
    assert_int_equal(sim_logring_init(&r, 4096 + 5), 0); /* rounded down to 4096 */
    assert_int_equal(r.cap, 4096);
    uint64_t quiet = SIM_LOGRING_NONE, busy = SIM_LOGRING_NONE;
    char text[300];
    sim_log_rec_t q = rec(0, text, 100);
    assert_true(sim_logring_put(&r, 1, &quiet, &q));
    assert_int_equal(walk(&r, 1, quiet, 0), 1);
    uint32_t n = 0;
    for (; n < 200; n++) { /* odd sizes: the end of the buffer falls inside records */
        sim_log_rec_t e = rec(n, text, (uint16_t)(37 + (n * 53u) % 250u));
        assert_true(sim_logring_put(&r, 2, &busy, &e));
        assert_true(r.head - r.tail <= r.cap);
    }
    assert_true(r.head > 10u * r.cap);
    /* the quiet station's only record was evicted: its walk finds nothing */
    sim_log_rec_t g;
    assert_false(sim_logring_get(&r, quiet, 1, &g, NULL));
    assert_int_equal(walk(&r, 1, quiet, 0), 0);
    /* the busy one keeps its newest records, contiguous, each whole */
    unsigned kept = walk(&r, 2, busy, n - 1u);
    assert_true(kept >= 10u && kept < 40u);
    uint64_t pos = busy;
    while (sim_logring_get(&r, pos, 2, &g, &pos)) {
        assert_int_equal(g.len, 37 + (g.seq * 53u) % 250u);
        for (unsigned k = 0; k < g.len; k++) {
            assert_int_equal(g.text[k], 'a' + (int)(g.seq % 26u));
        }
        assert_string_equal(g.action, "Heartbeat");
    }
    assert_int_equal(r.evicted, 201u - kept);
    /* a new record of the quiet station starts a new chain (its old predecessor is gone) */
    q = rec(1, text, 20);
    assert_true(sim_logring_put(&r, 1, &quiet, &q));
    assert_int_equal(walk(&r, 1, quiet, 1), 1);
    sim_logring_free(&r);
}

/** A station's walk stops where eviction cut its chain, even mid-way. */
static void test_walk_after_partial_eviction(void **state)
{
    (void)state;
    sim_logring_t r;
    assert_int_equal(sim_logring_init(&r, 8192), 0);
    uint64_t a = SIM_LOGRING_NONE, b = SIM_LOGRING_NONE;
    char text[200];
    for (uint32_t i = 0; i < 20; i++) { /* station 0: 20 records of 248 bytes */
        sim_log_rec_t e = rec(i, text, 190);
        assert_true(sim_logring_put(&r, 0, &a, &e));
    }
    assert_int_equal(walk(&r, 0, a, 19), 20);
    for (uint32_t i = 0; i < 16; i++) { /* station 1 pushes out the oldest of station 0 */
        sim_log_rec_t e = rec(i, text, 190);
        assert_true(sim_logring_put(&r, 1, &b, &e));
    }
    unsigned left = walk(&r, 0, a, 19);
    assert_int_equal(left + walk(&r, 1, b, 15), 8192 / 248);
    assert_true(left > 0u && left < 20u);
    sim_logring_free(&r);
}

/** Bad sizes: a ring too small, a record larger than the ring, the reserved station. */
static void test_bad_sizes(void **state)
{
    (void)state;
    sim_logring_t r;
    assert_int_equal(sim_logring_init(&r, 0), -1);
    assert_int_equal(sim_logring_init(&r, SIM_LOGRING_MIN - 1u), -1);
    assert_null(r.buf);
    sim_logring_free(&r); /* after a failed init: harmless */
    uint64_t last = SIM_LOGRING_NONE;
    char text[8000];
    sim_log_rec_t e = rec(0, text, 100);
    assert_false(sim_logring_put(&r, 0, &last, &e)); /* no buffer */
    assert_int_equal(sim_logring_init(&r, SIM_LOGRING_MIN), 0);
    e = rec(0, text, (uint16_t)SIM_LOGRING_MIN); /* header + text > the ring */
    assert_false(sim_logring_put(&r, 0, &last, &e));
    assert_int_equal(last, SIM_LOGRING_NONE);
    assert_int_equal(r.head, 0);
    e = rec(0, text, (uint16_t)(SIM_LOGRING_MIN - 40u - 14u)); /* exactly the ring */
    assert_int_equal(sim_logring_size(&e), SIM_LOGRING_MIN);
    assert_true(sim_logring_put(&r, 0, &last, &e));
    assert_int_equal(walk(&r, 0, last, 0), 1);
    e = rec(1, text, 10); /* evicts the whole-ring record */
    assert_true(sim_logring_put(&r, 0, &last, &e));
    assert_int_equal(walk(&r, 0, last, 1), 1);
    assert_false(sim_logring_put(&r, UINT32_MAX, &last, &e)); /* reserved for padding */
    /* strings longer than SIM_LOGRING_STR_MAX are cut */
    char id[400];
    memset(id, 'x', sizeof id - 1u);
    id[sizeof id - 1u] = '\0';
    e.msg_id = id;
    assert_true(sim_logring_put(&r, 0, &last, &e));
    sim_log_rec_t g;
    assert_true(sim_logring_get(&r, last, 0, &g, NULL));
    assert_int_equal(strlen(g.msg_id), SIM_LOGRING_STR_MAX);
    assert_false(sim_logring_get(&r, last + 4u, 0, &g, NULL)); /* not a record's start */
    sim_logring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_fields),
        cmocka_unit_test(test_stations_interleaved),
        cmocka_unit_test(test_wrap_and_eviction),
        cmocka_unit_test(test_walk_after_partial_eviction),
        cmocka_unit_test(test_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
