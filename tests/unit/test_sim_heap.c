/**
 * @file test_sim_heap.c
 * @brief ocpp-sim's timer heap (apps/simulator/heap.c), the event loop's
 *        record of every station's next wake-up: order, moves, removal,
 *        deadlines across the wrap of the uint32_t millisecond clock, many
 *        equal deadlines (a fleet booted in the same millisecond), bad ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heap.h"

/** Pop everything due at `now` into out; @return how many. */
static uint32_t drain(sim_heap_t *h, uint32_t now, uint32_t *out, uint32_t max)
{
    uint32_t k = 0;
    uint32_t id;
    while (k < max && sim_heap_pop_due(h, now, &id)) {
        out[k++] = id;
    }
    return k;
}

static void test_order_and_due(void **state)
{
    (void)state;
    sim_heap_t h;
    assert_int_equal(sim_heap_init(&h, 8), 0);
    uint32_t at;
    uint32_t id;
    assert_false(sim_heap_first(&h, &at));
    assert_false(sim_heap_pop_due(&h, 0, &id));
    sim_heap_set(&h, 3, 500);
    sim_heap_set(&h, 1, 100);
    sim_heap_set(&h, 7, 300);
    sim_heap_set(&h, 0, 200);
    assert_true(sim_heap_first(&h, &at));
    assert_int_equal(at, 100);
    assert_false(sim_heap_pop_due(&h, 99, &id)); /* nothing due before 100 */
    uint32_t out[8] = {0};
    assert_int_equal(drain(&h, 300, out, 8), 3);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 7);
    assert_false(sim_heap_contains(&h, 7));
    assert_true(sim_heap_contains(&h, 3));
    assert_int_equal(drain(&h, 1000, out, 8), 1);
    assert_int_equal(out[0], 3);
    assert_false(sim_heap_first(&h, &at));
    sim_heap_free(&h);
    sim_heap_free(&h); /* idempotent */
}

static void test_move_sooner_remove(void **state)
{
    (void)state;
    sim_heap_t h;
    assert_int_equal(sim_heap_init(&h, 4), 0);
    sim_heap_set(&h, 0, 100);
    sim_heap_set(&h, 1, 200);
    sim_heap_set(&h, 2, 300);
    sim_heap_set(&h, 0, 400); /* later */
    sim_heap_set(&h, 2, 50);  /* sooner */
    uint32_t at;
    assert_true(sim_heap_first(&h, &at));
    assert_int_equal(at, 50);
    sim_heap_sooner(&h, 1, 250); /* later than its 200: stays */
    sim_heap_sooner(&h, 0, 150); /* sooner than its 400: moves */
    sim_heap_sooner(&h, 3, 999); /* absent: goes in */
    sim_heap_remove(&h, 2);
    sim_heap_remove(&h, 2); /* absent: nothing */
    uint32_t out[4] = {0};
    assert_int_equal(drain(&h, 2000, out, 4), 3);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 3);
    sim_heap_free(&h);
}

/** The clock wraps every 49.7 days: deadlines just before and just after 2^32 keep their order. */
static void test_wrap(void **state)
{
    (void)state;
    sim_heap_t h;
    assert_int_equal(sim_heap_init(&h, 4), 0);
    uint32_t now = 0xFFFFFF00u;
    sim_heap_set(&h, 0, now + 0x200u); /* 0x100 after the wrap */
    sim_heap_set(&h, 1, now + 0x80u);  /* before the wrap */
    sim_heap_set(&h, 2, now + 0x100u); /* exactly 0 */
    sim_heap_set(&h, 3, now + SIM_HEAP_MAX_WAIT);
    uint32_t at;
    assert_true(sim_heap_first(&h, &at));
    assert_int_equal(at, 0xFFFFFF80u);
    uint32_t out[4] = {0};
    assert_int_equal(drain(&h, now, out, 4), 0);
    assert_int_equal(drain(&h, 0xFFFFFFFFu, out, 4), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(drain(&h, 0u, out, 4), 1); /* after the wrap: 0 is due, 0x100 not */
    assert_int_equal(out[0], 2);
    assert_int_equal(drain(&h, 0xFFu, out, 4), 0);
    assert_int_equal(drain(&h, 0x100u, out, 4), 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(drain(&h, 0x100u + SIM_HEAP_MAX_WAIT, out, 4), 1);
    assert_int_equal(out[0], 3);
    assert_true(sim_ms_before(0xFFFFFFF0u, 0x10u));
    assert_false(sim_ms_before(0x10u, 0xFFFFFFF0u));
    sim_heap_free(&h);
}

/** A fleet booted in one millisecond: many equal deadlines come out all, once each, by id. */
static void test_many_equal(void **state)
{
    (void)state;
    enum { N = 10000 };
    sim_heap_t h;
    assert_int_equal(sim_heap_init(&h, N), 0);
    for (uint32_t i = N; i-- > 0;) {
        sim_heap_set(&h, i, 0xFFFFFFF0u);
    }
    sim_heap_set(&h, 42, 0xFFFFFFF0u + 32u); /* one later, across the wrap */
    uint32_t *out = malloc(N * sizeof *out);
    assert_non_null(out);
    assert_int_equal(drain(&h, 0xFFFFFFEFu, out, N), 0);
    assert_int_equal(drain(&h, 0xFFFFFFF0u, out, N), N - 1);
    for (uint32_t k = 0, want = 0; k < N - 1u; k++, want++) {
        want += want == 42u;
        assert_int_equal(out[k], want);
    }
    assert_int_equal(drain(&h, 0x0Fu, out, N), 0);
    assert_int_equal(drain(&h, 0x10u, out, N), 1);
    assert_int_equal(out[0], 42);
    free(out);
    sim_heap_free(&h);
}

/** Random moves and removals against a plain array: the heap always yields the minimum. */
static void test_random_against_scan(void **state)
{
    (void)state;
    enum { N = 257 };
    sim_heap_t h;
    uint32_t at[N];
    int in[N] = {0};
    assert_int_equal(sim_heap_init(&h, N), 0);
    uint32_t seed = 12345u;
    uint32_t base = 0xFFFF0000u; /* runs across the wrap */
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t id = (seed >> 8) % N;
        uint32_t op = (seed >> 20) % 4u;
        if (op == 0u) {
            sim_heap_remove(&h, id);
            in[id] = 0;
        } else {
            at[id] = base + (seed >> 4) % 100000u;
            sim_heap_set(&h, id, at[id]);
            in[id] = 1;
        }
        int best = -1;
        for (int i = 0; i < N; i++) {
            if (in[i] &&
                (best < 0 || sim_ms_before(at[i], at[best]) || (at[i] == at[best] && i < best))) {
                best = i;
            }
        }
        uint32_t first;
        if (best < 0) {
            assert_false(sim_heap_first(&h, &first));
            continue;
        }
        assert_true(sim_heap_first(&h, &first));
        assert_int_equal(first, at[best]);
        if (step % 7 == 0) {
            uint32_t got;
            assert_true(sim_heap_pop_due(&h, at[best], &got));
            assert_int_equal(got, best);
            in[best] = 0;
        }
    }
    sim_heap_free(&h);
}

static void test_bad_ids(void **state)
{
    (void)state;
    sim_heap_t h;
    assert_int_equal(sim_heap_init(&h, 2), 0);
    sim_heap_set(&h, 2, 5);    /* out of range: ignored */
    sim_heap_sooner(&h, 9, 5); /* too */
    sim_heap_remove(&h, 7);
    assert_false(sim_heap_contains(&h, 2));
    uint32_t at;
    assert_false(sim_heap_first(&h, &at));
    sim_heap_free(&h);
    assert_int_equal(sim_heap_init(&h, 0), 0); /* an empty fleet */
    sim_heap_set(&h, 0, 1);
    assert_false(sim_heap_first(&h, &at));
    sim_heap_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_due),
        cmocka_unit_test(test_move_sooner_remove),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_many_equal),
        cmocka_unit_test(test_random_against_scan),
        cmocka_unit_test(test_bad_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
