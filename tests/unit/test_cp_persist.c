/*
 * Never lose a transaction (issue #6): the transaction state persisted in
 * the record "txstate" (src/store/txstore.c) across power cuts, delivered in
 * order after restart (OCPP 1.6 §3.7), transactions interrupted by a power
 * cut stopped with reason PowerLoss (§7.39 Reason "PowerLoss: Complete loss
 * of power"), nothing confirmed sent twice; availability (§4.9 "the
 * 'Unavailable' status MUST be persistent across reboot") and the
 * Authorization Cache (§3.5.1, errata 3.4: "persisted across reboots, resets
 * and power outages") across init; the queue's fill level and thinning.
 *
 * A power cut is simulated by freezing the fake storage after its N-th
 * write (later writes do not happen) and initialising a new charge point
 * from it; the storage port promises atomic records, so that is exactly
 * what survives a real cut.
 */
#include <stdlib.h>

#include "cp_fixture.h"
#include "store/txstore.h"

#define RECS    8
#define REC_CAP 4096

typedef struct {
    char key[32];
    uint8_t data[REC_CAP];
    size_t len;
    bool used;
} rec_t;

typedef struct {
    rec_t r[RECS];
    int writes;     /* successful writes so far */
    int freeze_at;  /* writes after this many are lost (0: never) */
    bool fail;      /* writes fail with OCPP_ERR_IO */
    int txs_writes; /* writes of "txstate" */
    bool dead;      /* a write after freeze_at was attempted: the power is gone */
} store_t;

static store_t st;
static ocpp_storage_port_t st_port;

static rec_t *find(store_t *s, const char *key)
{
    for (int i = 0; i < RECS; i++) {
        if (s->r[i].used && strcmp(s->r[i].key, key) == 0) {
            return &s->r[i];
        }
    }
    return NULL;
}

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    rec_t *r = find(ctx, key);
    if (r == NULL) {
        return (int32_t)OCPP_ERR_NOT_FOUND;
    }
    if (r->len > cap) {
        return (int32_t)OCPP_ERR_NOMEM;
    }
    memcpy(buf, r->data, r->len);
    return (int32_t)r->len;
}

static ocpp_status_t s_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    store_t *s = ctx;
    if (s->fail) {
        return OCPP_ERR_IO;
    }
    assert_true(len <= REC_CAP);
    if (s->dead || (s->freeze_at > 0 && s->writes >= s->freeze_at)) {
        s->dead = true; /* the power went just before this write */
        return OCPP_OK;
    }
    rec_t *r = find(s, key);
    for (int i = 0; r == NULL && i < RECS; i++) {
        if (!s->r[i].used) {
            r = &s->r[i];
            r->used = true;
            snprintf(r->key, sizeof r->key, "%s", key);
        }
    }
    assert_non_null(r);
    memcpy(r->data, data, len);
    r->len = len;
    s->writes++;
    s->txs_writes += strcmp(key, OCPP_TXS_RECORD) == 0 ? 1 : 0;
    return OCPP_OK;
}

static ocpp_status_t s_remove(void *ctx, const char *key)
{
    rec_t *r = find(ctx, key);
    if (r != NULL) {
        r->used = false;
    }
    return OCPP_OK;
}

/** The power is gone (the storage froze). */
static bool px_dead(void)
{
    return st.dead;
}

#define PX_STORAGE (&st_port)
#include "persist_fixture.h"

static void fresh_store(void)
{
    memset(&st, 0, sizeof st);
    st_port = (ocpp_storage_port_t){&st, s_read, s_write, s_remove};
}

/* §3.7: "When offline, the Charge Point MUST queue any transaction-related
 * messages"; the queue survives a power cut and goes out in order after the
 * restart, the late transactionId applied (errata v4.0, 3.18). */
static void test_offline_session_survives_power_cut(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "true");
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "10");
    ocpp_cp_set_time(&x->cp, 1795000000);
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    assert_int_equal(ocpp_cp_plugged(&x->cp, 1, true), OCPP_OK);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "CARD-1"), OCPP_OK);
    assert_true(x->permit[1]);
    for (int i = 0; i < 3; i++) {
        x->meter_wh[1] += 100;
        step(x, 10000);
    }
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "CARD-1"), OCPP_OK);
    ocpp_cp_queue_info_t qi;
    assert_int_equal(ocpp_cp_queue_info(&x->cp, &qi), OCPP_OK);
    assert_int_equal(qi.entries, 5); /* Start, 3 MeterValues, Stop */
    assert_int_equal(qi.capacity_bytes, OCPP_CONFIG_TXQ_SIZE);
    assert_true(qi.used_bytes > 0);
    assert_int_equal(qi.lost, 0);
    assert_int_equal(x->f.n_sent, 0);

    /* Power cut, power back, network back. */
    x = power_on();
    assert_int_equal(ocpp_cp_queue_info(&x->cp, &qi), OCPP_OK);
    assert_int_equal(qi.entries, 5);
    boot(x);
    csms_txid = 40;
    answer_all(x);
    int order[5], k = 0;
    for (int i = 0; i < x->f.n_sent; i++) {
        const char *m = x->f.sent[i];
        if (is_call(m, "StartTransaction")) {
            order[k++] = 0;
            assert_non_null(strstr(m, "\"meterStart\":1000"));
            assert_non_null(strstr(m, "\"timestamp\":\"2026-11-18T")); /* the offline time */
        } else if (is_call(m, "MeterValues")) {
            order[k++] = 1;
            assert_non_null(strstr(m, "\"transactionId\":41"));
        } else if (is_call(m, "StopTransaction")) {
            order[k++] = 2;
            assert_non_null(strstr(m, "\"transactionId\":41"));
            assert_non_null(strstr(m, "\"meterStop\":1300"));
            assert_null(strstr(m, "PowerLoss")); /* it ended before the cut */
        }
    }
    assert_int_equal(k, 5);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1] + order[2] + order[3], 3);
    assert_int_equal(order[4], 2);
    assert_int_equal(ocpp_cp_queue_info(&x->cp, &qi), OCPP_OK);
    assert_int_equal(qi.entries, 0);

    /* Delivered and confirmed: nothing is sent again after another restart. */
    x = power_on();
    boot(x);
    answer_all(x);
    assert_int_equal(count_calls(x, "StartTransaction", NULL), 0);
    assert_int_equal(count_calls(x, "StopTransaction", NULL), 0);
}

/* A power cut during a transaction: after the restart it is stopped with
 * reason PowerLoss, meterStop the last persisted reading, at its time; the
 * confirmed StartTransaction is not sent again, and the StopTransaction
 * carries the transactionId the CSMS gave. */
static void test_power_loss_stops_running_transaction(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "60");
    ocpp_cp_plugged(&x->cp, 2, true);
    ocpp_cp_present_id(&x->cp, 2, "CARD-2");
    csms_txid = 6;
    answer_all(x); /* Authorize, StartTransaction (id 7), statuses */
    assert_true(x->permit[2]);
    x->meter_wh[2] += 250;
    step(x, 60000); /* a sampled MeterValues: 2250 Wh persisted */
    answer_all(x);
    x->meter_wh[2] += 40; /* not persisted before the cut (under a minute) */
    step(x, 1000);

    x = power_on();
    assert_false(x->permit[2]);
    ocpp_cp_connector_info_t ci;
    ocpp_cp_connector_info(&x->cp, 2, &ci);
    assert_false(ci.in_transaction);
    boot(x);
    answer_all(x);
    assert_int_equal(count_calls(x, "StartTransaction", NULL), 0);
    assert_int_equal(count_calls(x, "StopTransaction", NULL), 1);
    const char *stop = find_call(x, "StopTransaction");
    assert_non_null(strstr(stop, "\"transactionId\":7"));
    assert_non_null(strstr(stop, "\"reason\":\"PowerLoss\""));
    assert_non_null(strstr(stop, "\"meterStop\":2250"));
    assert_non_null(strstr(stop, "\"timestamp\":\"2026-11-22T06:01:")); /* the reading's time */
}

/* The periodic save (OCPP_CONFIG_TX_METER_SAVE_S) keeps the reading fresh
 * without sampled MeterValues. */
static void test_power_loss_reading_saved_periodically(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "0");
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CARD-1");
    answer_all(x);
    int before = st.txs_writes;
    step(x, 1000u * OCPP_CONFIG_TX_METER_SAVE_S); /* unchanged: no write */
    assert_int_equal(st.txs_writes, before);
    x->meter_wh[1] += 77;
    step(x, 1000u * OCPP_CONFIG_TX_METER_SAVE_S);
    assert_int_equal(st.txs_writes, before + 1);
    x = power_on();
    boot(x);
    answer_all(x);
    const char *stop = find_call(x, "StopTransaction");
    assert_non_null(stop);
    assert_non_null(strstr(stop, "\"meterStop\":1077"));
    assert_non_null(strstr(stop, "PowerLoss"));
}

/**
 * The scripted session with the storage freezing just before write `cut`
 * (0: never), then a restart that drains everything. @return the number of
 * writes of the session, -1 if a transaction was lost.
 */
static int run_with_cut(int cut, int *dup)
{
    fresh_store();
    st.freeze_at = cut;
    fx_t *x = px_session();
    int writes = st.writes;
    px_keep(x);
    st.freeze_at = 0; /* power back */
    st.dead = false;
    x = power_on();
    boot(x);
    answer_all(x);
    px_keep(x);
    int groups = px_check_ledger(dup);
    if (groups < 0) {
        print_message("cut before write %d: a transaction has no StopTransaction\n", cut);
        return -1;
    }
    assert_true(groups <= 2); /* 0, 1 or 2 had started (durably) before the cut */
    if (cut == 0) {
        assert_int_equal(groups, 2);
    }
    return writes;
}

/* Cut the power just before each storage write of the session (one run per
 * write; the charge point talks to the CSMS until then): no transaction is
 * ever without its StopTransaction; what is sent twice is only what was sent
 * but whose answer had not been persisted yet. */
static void test_power_cut_at_every_write(void **s)
{
    (void)s;
    int dup = 0;
    int total = run_with_cut(0, &dup);
    assert_true(total > 10);
    assert_int_equal(dup, 0);
    int dups = 0;
    for (int cut = 1; cut <= total; cut++) {
        assert_true(run_with_cut(cut, &dup) >= 0);
        dups += dup;
    }
    print_message("%d power cuts, 0 lost, %d sent twice\n", total, dups);
    assert_true(dups > 0); /* the "answer lost in flight" case was reached */
}

/* A second power cut during the recovery from the first (a charge point
 * whose power flickers): cut before each write that the start-up makes
 * while it stops the two interrupted transactions; after the next start both
 * are stopped, each once (found by the kill torture: the first PowerLoss
 * stop's write recorded the second connector as idle). */
static void test_power_cut_during_recovery(void **s)
{
    (void)s;
    static store_t snap;
    int recovery_writes = 0;
    for (int k = 1; k <= 8; k++) {
        fresh_store();
        csms_txid = 0;
        fx_t *x = power_on();
        boot(x);
        ocpp_cp_plugged(&x->cp, 1, true);
        ocpp_cp_present_id(&x->cp, 1, "ONE");
        answer_all(x);
        ocpp_cp_plugged(&x->cp, 2, true);
        ocpp_cp_present_id(&x->cp, 2, "TWO");
        answer_all(x);
        assert_true(x->permit[1] && x->permit[2]);
        snap = st;
        st.freeze_at = st.writes + k - 1; /* the k-th write of the start-up does not happen */
        (void)power_on();
        int done = st.writes - snap.writes;
        st.freeze_at = 0;
        st.dead = false;
        x = power_on();
        boot(x);
        answer_all(x);
        assert_int_equal(count_calls(x, "StopTransaction", "PowerLoss"), 2);
        assert_int_equal(count_calls(x, "StopTransaction", "\"transactionId\":1,"), 1);
        assert_int_equal(count_calls(x, "StopTransaction", "\"transactionId\":2,"), 1);
        if (done == k - 1 && !snap.dead) {
            recovery_writes = k;
        }
    }
    assert_true(recovery_writes >= 2); /* the cuts fell between the recovery's writes */
}

/* Writes that fail are counted (ocpp_cp_queue_info) and logged; charging goes on. */
static void test_store_errors_counted(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    st.fail = true;
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CARD-1");
    answer_all(x);
    assert_true(x->permit[1]);
    ocpp_cp_queue_info_t qi;
    ocpp_cp_queue_info(&x->cp, &qi);
    assert_true(qi.store_errors >= 1);
    assert_int_equal(ocpp_cp_queue_info(NULL, &qi), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cp_queue_info(&x->cp, NULL), OCPP_ERR_PARAM);
}

/* A failed write of the configuration or the authorization cache loses
 * nothing: the change stays pending and is written again 10 s later (not on
 * every poll), and the failure is counted (issue 12 defect 4: a
 * ChangeConfiguration answered Accepted was lost without a trace). */
static void test_failed_saves_retried(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    st.fail = true;
    push(x, "[2,\"cc1\",\"ChangeConfiguration\",{\"key\":\"MeterValueSampleInterval\","
            "\"value\":\"42\"}]");
    step(x, 0);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CACHED");
    answer_all(x); /* Authorize.conf: into the cache; its write fails too */
    ocpp_cp_queue_info_t qi;
    ocpp_cp_queue_info(&x->cp, &qi);
    uint32_t errors = qi.store_errors;
    assert_true(errors >= 2);
    step(x, 1000);
    step(x, 1000);
    ocpp_cp_queue_info(&x->cp, &qi);
    assert_int_equal(qi.store_errors, errors); /* not retried on every poll */
    st.fail = false;
    step(x, 10000);
    step(x, 0);
    /* A restart finds both. */
    x = power_on();
    char v[16];
    assert_int_equal(ocpp_cp_key_get(&x->cp, "MeterValueSampleInterval", v, sizeof v), OCPP_OK);
    assert_string_equal(v, "42");
    assert_non_null(ocpp_auth_cache_lookup(&x->cp.st.cache, "CACHED", 0));
}

/* A stored record that is not a transaction state this code wrote is not
 * used (logged), and nothing crashes. */
static void test_bad_record_ignored(void **s)
{
    (void)s;
    static const uint8_t bad[][12] = {
        {'T', 'X', 2, 2, 0, 0, 0, 0},      /* other version */
        {'X', 'X', 1, 2, 0, 0, 0, 0},      /* not ours */
        {'T', 'X', 1, 200, 0, 0, 0, 0, 1}, /* slots beyond the record */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fresh_store();
        s_write(&st, OCPP_TXS_RECORD, bad[i], sizeof bad[i]);
        fx_t *x = power_on();
        ocpp_cp_queue_info_t qi;
        ocpp_cp_queue_info(&x->cp, &qi);
        assert_int_equal(qi.entries, 0);
        boot(x);
        answer_all(x);
        assert_int_equal(count_calls(x, "StopTransaction", NULL), 0);
    }
    /* A valid head with a damaged queue: the running transaction is still stopped. */
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "true");
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CARD-1");
    rec_t *r = find(&st, OCPP_TXS_RECORD);
    assert_non_null(r);
    r->data[OCPP_TXS_HEAD_SIZE + 2] = 99; /* the queued Start's action */
    x = power_on();
    boot(x);
    answer_all(x);
    assert_int_equal(count_calls(x, "StopTransaction", "PowerLoss"), 1);
}

/* Full queue (the policy): MeterValues are thinned and counted, Start
 * and Stop never dropped, and no new transaction starts without room. */
static void test_full_queue_thins_meter_values(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "true");
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "10");
    ocpp_cp_key_set(&x->cp, "StopTxnSampledData", "Energy.Active.Import.Register");
    ocpp_cp_set_time(&x->cp, 1795000000);
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CARD-1");
    for (int i = 0; i < 60; i++) { /* 10 minutes of samples: more than fits */
        x->meter_wh[1] += 10;
        step(x, 10000);
    }
    ocpp_cp_queue_info_t qi;
    ocpp_cp_queue_info(&x->cp, &qi);
    assert_true(qi.thinned > 0);
    assert_int_equal(qi.lost, 0);
    assert_true(qi.used_bytes + OCPP_TXQ_STOP_ROOM <= OCPP_CONFIG_TXQ_SIZE); /* the Stop's room */
    /* No room for a second transaction's Start + Stop next to the meter values?
     * Thinning makes it: the second connector may still start. */
    ocpp_cp_plugged(&x->cp, 2, true);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 2, "CARD-2"), OCPP_OK);
    assert_true(x->permit[2]);
    ocpp_cp_present_id(&x->cp, 1, "CARD-1");
    ocpp_cp_present_id(&x->cp, 2, "CARD-2");
    ocpp_cp_queue_info(&x->cp, &qi);
    assert_int_equal(qi.lost, 0);
    ocpp_cp_set_network(&x->cp, true);
    boot(x);
    answer_all(x);
    assert_int_equal(count_calls(x, "StartTransaction", NULL), 2);
    assert_int_equal(count_calls(x, "StopTransaction", NULL), 2);
    assert_non_null(strstr(find_call(x, "StopTransaction"), "\"meterStop\":1600"));
    /* The kept MeterValues are in time order (§3.7 chronological order). */
    char prev[32] = "";
    for (int i = 0; i < x->f.n_sent; i++) {
        if (is_call(x->f.sent[i], "MeterValues")) {
            const char *t = strstr(x->f.sent[i], "\"timestamp\":\"");
            assert_non_null(t);
            assert_true(strncmp(prev, t + 13, 24) <= 0);
            memcpy(prev, t + 13, 24);
        }
    }
}

/* §4.9: "the 'Unavailable' status MUST be persistent across reboot";
 * §3.5.1 / errata 3.4: the cache "persisted across reboots, resets and power
 * outages". */
static void test_availability_and_cache_persist(void **s)
{
    (void)s;
    fresh_store();
    fx_t *x = power_on();
    boot(x);
    push(x, "[2,\"ca\",\"ChangeAvailability\",{\"connectorId\":2,\"type\":\"Inoperative\"}]");
    step(x, 0);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "CACHED");
    answer_all(x); /* Authorize.conf Accepted -> cache */
    ocpp_cp_present_id(&x->cp, 1, "CACHED");
    answer_all(x);
    x = power_on();
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 2), OCPP_CONNECTOR_UNAVAILABLE);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 1), OCPP_CONNECTOR_AVAILABLE);
    /* Offline with LocalAuthorizeOffline: the cached card starts. */
    ocpp_cp_key_set(&x->cp, "LocalAuthorizeOffline", "true");
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    ocpp_cp_plugged(&x->cp, 1, true);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "CACHED"), OCPP_OK);
    assert_true(x->permit[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offline_session_survives_power_cut),
        cmocka_unit_test(test_power_loss_stops_running_transaction),
        cmocka_unit_test(test_power_loss_reading_saved_periodically),
        cmocka_unit_test(test_power_cut_at_every_write),
        cmocka_unit_test(test_power_cut_during_recovery),
        cmocka_unit_test(test_store_errors_counted),
        cmocka_unit_test(test_bad_record_ignored),
        cmocka_unit_test(test_failed_saves_retried),
        cmocka_unit_test(test_full_queue_thins_meter_values),
        cmocka_unit_test(test_availability_and_cache_persist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
