/*
 * Shared by the power-cut tests (test_cp_persist.c: cuts between storage
 * records; test_flash_cp_power.c: cuts inside the programs and erases of the
 * flash store): a charge point on the fixture's message port and a storage
 * port, a CSMS that answers everything, one scripted two-connector session
 * (online and offline parts), and the check of the CSMS ledger.
 *
 * The including file defines PX_STORAGE (an ocpp_storage_port_t *) and
 * bool px_dead(void) (the power is gone: nothing is sent any more).
 */
#ifndef OCPP_TEST_PERSIST_FIXTURE_H
#define OCPP_TEST_PERSIST_FIXTURE_H

#include <stdlib.h>

#include "cp_fixture.h"

/** After the cut, nothing leaves the charge point either. */
static inline ocpp_status_t p_send(void *ctx, char *msg, size_t len)
{
    if (px_dead()) {
        return OCPP_OK;
    }
    return f_send(ctx, msg, len);
}

/** Power on: a charge point on the persisted state (no network yet), whose
 *  message port sends nothing after the cut (the library reads the port
 *  through the pointer it was given, so the send can be swapped after init). */
static inline fx_t *power_on(void)
{
    fx_t *x = fx_init_on(PX_STORAGE, NULL);
    x->port.send = p_send;
    return x;
}

/** Connect and boot (the CSMS accepts). */
static inline void boot(fx_t *x)
{
    if (px_dead()) {
        return; /* the rest of the scenario happens in the dark */
    }
    step(x, 0);
    assert_true(is_call(last(x), "BootNotification"));
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\","
             "\"interval\":3600}");
    ack_status(x);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}
/** The id of the last StartTransaction.conf given by answer_all(). */
static int csms_txid;

/** Answer everything the charge point sends (as a CSMS would) until it is quiet. */
static inline void answer_all(fx_t *x)
{
    for (int i = 0; i < 200; i++) {
        step(x, 100);
        if (px_dead()) {
            return;
        }
        if (x->f.n_sent == x->seen) {
            step(x, 20000); /* retry timers */
            if (x->f.n_sent == x->seen) {
                return;
            }
        }
        const char *m = last(x);
        x->seen = x->f.n_sent;
        if (is_call(m, "StartTransaction")) {
            char conf[160];
            snprintf(conf, sizeof conf,
                     "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}", ++csms_txid);
            reply(x, conf);
        } else if (is_call(m, "StopTransaction")) {
            reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
        } else if (is_call(m, "Authorize")) {
            reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
        } else if (strncmp(m, "[2,", 3) == 0) {
            reply(x, "{}");
        }
    }
    fail_msg("the charge point never went quiet");
}

static inline int count_calls(fx_t *x, const char *action, const char *with)
{
    int n = 0;
    for (int i = 0; i < x->f.n_sent; i++) {
        n += is_call(x->f.sent[i], action) && (with == NULL || strstr(x->f.sent[i], with)) ? 1 : 0;
    }
    return n;
}

static inline const char *find_call(fx_t *x, const char *action)
{
    for (int i = 0; i < x->f.n_sent; i++) {
        if (is_call(x->f.sent[i], action)) {
            return x->f.sent[i];
        }
    }
    return NULL;
}

/** The scripted session: start on 1, a sample, network down, start on 2,
 *  stop 1 offline, network up, stop 2 by unplugging. Goes on in the dark
 *  if the power goes (px_dead()). */
static inline fx_t *px_session(void)
{
    csms_txid = 0;
    fx_t *x = power_on();
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "true");
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "30");
    boot(x);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "A");
    answer_all(x);
    x->meter_wh[1] += 100;
    step(x, 30000);
    answer_all(x);
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    ocpp_cp_plugged(&x->cp, 2, true);
    ocpp_cp_present_id(&x->cp, 2, "B");
    x->meter_wh[1] += 100;
    x->meter_wh[2] += 50;
    step(x, 30000);
    ocpp_cp_present_id(&x->cp, 1, "A"); /* stop 1 offline */
    step(x, 1000);
    ocpp_cp_set_network(&x->cp, true);
    answer_all(x);
    ocpp_cp_plugged(&x->cp, 2, false); /* stop 2 online */
    answer_all(x);
    return x;
}

/** The CSMS ledger: what every charge point instance sent, in order. */
static char px_ledger[2 * MAX_MSGS][MSG_CAP];
static int px_n;

/** Add what x sent to the ledger. */
static inline void px_keep(fx_t *x)
{
    for (int i = 0; i < x->f.n_sent && px_n < 2 * MAX_MSGS; i++) {
        memcpy(px_ledger[px_n++], x->f.sent[i], MSG_CAP);
    }
}

/**
 * Check and empty the ledger: never a Stop without its Start, and every
 * transaction has a StopTransaction. @return the number of transactions,
 * -1 if one has no Stop; *dup: messages sent twice (answer lost in flight).
 */
static inline int px_check_ledger(int *dup)
{
    int n = px_n;
    px_n = 0;
    /* The CSMS gave ids 1, 2, ... in the order the Starts arrived. Starts
     * with the same payload are one transaction sent twice (its answer lost
     * in flight); each transaction needs a Stop for one of its ids. */
    int group[64] = {0}, stops[64] = {0}, id = 0, groups = 0;
    const char *first[64] = {NULL};
    *dup = 0;
    for (int i = 0; i < n; i++) {
        const char *m = px_ledger[i];
        if (is_call(m, "StartTransaction")) {
            assert_true(++id < 64);
            group[id] = 0;
            for (int g = 1; g <= groups; g++) {
                if (strcmp(strchr(first[g], '{'), strchr(m, '{')) == 0) {
                    group[id] = g;
                    (*dup)++;
                }
            }
            if (group[id] == 0) {
                group[id] = ++groups;
                first[groups] = m;
            }
        } else if (is_call(m, "StopTransaction")) {
            const char *t = strstr(m, "\"transactionId\":");
            assert_non_null(t);
            int tid = atoi(t + 16);
            assert_true(tid >= 1 && tid <= id); /* never a Stop without its Start */
            if (stops[group[tid]]++ > 0) {
                (*dup)++; /* the same Stop again (its answer lost) */
            }
        }
    }
    for (int g = 1; g <= groups; g++) {
        if (stops[g] == 0) {
            return -1;
        }
    }
    return groups;
}

#endif /* OCPP_TEST_PERSIST_FIXTURE_H */
