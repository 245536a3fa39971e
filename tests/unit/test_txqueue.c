/*
 * The durable outbox (src/store/txqueue.c), OCPP 1.6 §3.7: in order,
 * transactionId patched in place, thinning of the entries flagged thinnable
 * (MeterValues) when full, and the checks applied to a queue loaded from
 * storage. The kinds and flags are the OCPP 1.6 adapter's (as in
 * ocpp_v16_outbox_classify()); the outbox itself knows no action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/rpc.h"
#include "store/txqueue.h"

static ocpp_txq_t q;

/** Flags of a kind, as the OCPP 1.6 adapter gives them. */
static uint8_t classify(uint8_t kind)
{
    switch (kind) {
    case OCPP_ACTION_START_TRANSACTION: return OCPP_TXQ_F_VALID;
    case OCPP_ACTION_STOP_TRANSACTION: return OCPP_TXQ_F_VALID | OCPP_TXQ_F_END;
    case OCPP_ACTION_METER_VALUES: return OCPP_TXQ_F_VALID | OCPP_TXQ_F_THIN;
    default: return 0u;
    }
}

/** Queue {"transactionId":-1,"n":<n>} as `action` of `ref` at time t. */
static ocpp_status_t add(ocpp_rpc_action_t action, uint16_t ref, int64_t t, int n, size_t keep)
{
    ocpp_jw_t w;
    ocpp_txq_begin(&q, &w);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "transactionId", -1);
    ocpp_jw_kv_int(&w, "n", n);
    ocpp_jw_obj_close(&w);
    return ocpp_txq_commit(&q, &w, (uint8_t)action, classify((uint8_t)action), ref, t, keep);
}

/** The "n" of every entry, oldest first, into out; @return the count. */
static int numbers(int *out)
{
    ocpp_txq_t copy = q;
    ocpp_txq_entry_t e;
    int k = 0;
    while (ocpp_txq_peek(&copy, &e)) {
        const char *p = strstr(e.payload, "\"n\":");
        assert_non_null(p);
        out[k++] = atoi(p + 4);
        ocpp_txq_pop(&copy);
    }
    return k;
}

/* §3.7 with the late transactionId (errata v4.0, 3.18): entries of the
 * reference get the id in place; others keep -1. */
static void test_patch_txid(void **s)
{
    (void)s;
    ocpp_txq_entry_t e;
    ocpp_txq_init(&q);
    assert_int_equal(add(OCPP_ACTION_METER_VALUES, 5, 100, 1, 0), OCPP_OK);
    assert_int_equal(add(OCPP_ACTION_STOP_TRANSACTION, 6, 100, 2, 0), OCPP_OK);
    ocpp_txq_set_txid(&q, 5, -2147483647 - 1);
    ocpp_txq_set_txid(&q, 5, 7); /* already patched: no change */
    assert_true(ocpp_txq_peek(&q, &e));
    assert_int_equal(e.kind, OCPP_ACTION_METER_VALUES);
    assert_int_equal(e.len, strlen("{\"transactionId\":-2147483648,\"n\":1}"));
    assert_memory_equal(e.payload, "{\"transactionId\":-2147483648,\"n\":1}", e.len);
    ocpp_txq_pop(&q);
    assert_true(ocpp_txq_peek(&q, &e));
    assert_memory_equal(e.payload, "{\"transactionId\":-1,\"n\":2}", e.len);
    assert_true(ocpp_txq_has_end(&q, 6));
    assert_false(ocpp_txq_has_end(&q, 5));
    /* ocpp_txq_has_kind (Core holds a status while its StartTransaction is queued) */
    assert_true(ocpp_txq_has_kind(&q, 6, (uint8_t)OCPP_ACTION_STOP_TRANSACTION));
    assert_false(ocpp_txq_has_kind(&q, 6, (uint8_t)OCPP_ACTION_START_TRANSACTION));
    assert_false(ocpp_txq_has_kind(&q, 5, (uint8_t)OCPP_ACTION_METER_VALUES)); /* popped */
    ocpp_txq_pop(&q);
    assert_int_equal(ocpp_txq_count(&q), 0);
    assert_int_equal(ocpp_txq_used(&q), 0);
    assert_false(ocpp_txq_peek(&q, &e));
}

/* The policy: when full, meter values are thinned to an even spread
 * (Start and Stop stay); the head on the wire stays. */
static void test_thin_even_spread(void **s)
{
    (void)s;
    int n[64];
    uint16_t ref = 0;
    int64_t when = 0;
    ocpp_txq_init(&q);
    assert_int_equal(add(OCPP_ACTION_START_TRANSACTION, 1, 0, 0, 0), OCPP_OK);
    for (int i = 1; i <= 16; i++) { /* a MeterValues every 10 s */
        assert_int_equal(add(OCPP_ACTION_METER_VALUES, 1, i * 10, i, 0), OCPP_OK);
    }
    /* Thin 8 of 16, the next message due at t = 170: every other one goes. */
    for (int i = 0; i < 8; i++) {
        assert_true(ocpp_txq_thin(&q, true, 170, &ref, &when));
        assert_int_equal(ref, 1);
    }
    assert_int_equal(q.thinned, 8);
    int k = numbers(n);
    assert_int_equal(k, 9);
    assert_int_equal(n[0], 0); /* the StartTransaction */
    for (int i = 2; i < k; i++) {
        assert_int_equal(n[i] - n[i - 1], 2); /* evenly spread */
    }
    /* Only MeterValues go: with none left, nothing more is thinned. */
    while (ocpp_txq_thin(&q, false, 170, &ref, &when)) {
    }
    assert_int_equal(ocpp_txq_count(&q), 1);
    assert_int_equal(ocpp_txq_thin_bytes(&q), 0);
}

/* keep_free: a MeterValues may not take the room kept for StopTransactions. */
static void test_commit_keeps_room(void **s)
{
    (void)s;
    ocpp_txq_init(&q);
    size_t room = ocpp_txq_room(&q);
    assert_int_equal(room, OCPP_CONFIG_TXQ_SIZE);
    assert_int_equal(add(OCPP_ACTION_METER_VALUES, 1, 1, 1, room), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_txq_count(&q), 0);
    assert_int_equal(add(OCPP_ACTION_METER_VALUES, 1, 1, 1, room - 40u), OCPP_OK);
    size_t one = room - ocpp_txq_room(&q);
    assert_int_equal(one, 12u + strlen("{\"transactionId\":-1,\"n\":1}"));
    while (add(OCPP_ACTION_METER_VALUES, 1, 2, 2, 0) == OCPP_OK) {
    }
    assert_true(ocpp_txq_room(&q) < one); /* full: the failed commit changed nothing */
    size_t used = ocpp_txq_used(&q), count = ocpp_txq_count(&q);
    assert_int_equal(add(OCPP_ACTION_STOP_TRANSACTION, 1, 3, 3, 0), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_txq_used(&q), used);
    assert_int_equal(ocpp_txq_count(&q), count);
}

/* A queue read back from storage is checked entry by entry (txstore.h). */
static void test_adopt(void **s)
{
    (void)s;
    ocpp_txq_entry_t e;
    ocpp_txq_init(&q);
    assert_int_equal(add(OCPP_ACTION_START_TRANSACTION, 1, 5, 1, 0), OCPP_OK);
    assert_int_equal(add(OCPP_ACTION_METER_VALUES, 1, 6, 2, 0), OCPP_OK);
    size_t used = ocpp_txq_used(&q);
    ocpp_txq_t saved = q;

    q = saved;
    assert_int_equal(ocpp_txq_adopt(&q, used, classify), OCPP_OK);
    assert_int_equal(ocpp_txq_count(&q), 2);
    q = saved;
    assert_int_equal(ocpp_txq_adopt(&q, 0, classify), OCPP_OK);
    assert_int_equal(ocpp_txq_count(&q), 0);

    /* A length past the end: cut there, the entries before it kept. */
    q = saved;
    assert_int_equal(ocpp_txq_adopt(&q, used - 1u, classify), OCPP_ERR_PARSE);
    assert_int_equal(ocpp_txq_count(&q), 1);
    assert_true(ocpp_txq_peek(&q, &e));
    assert_int_equal(e.kind, OCPP_ACTION_START_TRANSACTION);
    q = saved;
    q.buf[OCPP_TXS_HEAD_SIZE] = 0xFF;
    q.buf[OCPP_TXS_HEAD_SIZE + 1] = 0xFF;
    assert_int_equal(ocpp_txq_adopt(&q, used, classify), OCPP_ERR_PARSE);
    assert_int_equal(ocpp_txq_count(&q), 0);
    /* A damaged entry (action, payload, transactionId offset) is removed,
     * the next one kept. */
    static const size_t at[] = {2, 12, 6, 20};
    static const uint8_t val[] = {(uint8_t)OCPP_ACTION_AUTHORIZE, '[', 0xFE, 0xC0};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        q = saved;
        q.buf[OCPP_TXS_HEAD_SIZE + at[i]] = val[i];
        assert_int_equal(ocpp_txq_adopt(&q, used, classify), OCPP_ERR_PARSE);
        assert_int_equal(ocpp_txq_count(&q), 1);
        assert_true(ocpp_txq_peek(&q, &e));
        assert_int_equal(e.kind, OCPP_ACTION_METER_VALUES);
        assert_memory_equal(e.payload, "{\"transactionId\":-1,\"n\":2}", e.len);
    }
    q = saved;
    assert_int_equal(ocpp_txq_adopt(&q, OCPP_CONFIG_TXQ_SIZE + 1u, classify), OCPP_ERR_PARSE);
    assert_int_equal(ocpp_txq_used(&q), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patch_txid),
        cmocka_unit_test(test_thin_even_spread),
        cmocka_unit_test(test_commit_keeps_room),
        cmocka_unit_test(test_adopt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
