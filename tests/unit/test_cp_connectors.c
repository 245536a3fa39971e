/*
 * The charge point with TEST_CONNECTORS connectors (built for 1, 2 and 32,
 * tests/unit/CMakeLists.txt; 32 against a library built with
 * OCPP_CONFIG_MAX_CONNECTORS 32): the edges a charger maker reaches, not
 * only the default of two.
 *   - OCPP 1.6 §4.2: after Accepted, a StatusNotification for connector 0
 *     and every connector;
 *   - §4.8/§4.10: a session on the last connector;
 *   - §3.7 / issue "never lose a transaction": a power cut with transactions
 *     on the first, a middle and the last connector; each is stopped with
 *     reason PowerLoss (§7.39) after the restart (the persisted record once
 *     restored only 8 connector slots);
 *   - the clock set before the first poll, the first poll at 10 days of
 *     uptime: the clock is not moved by the poll's monotonic time;
 *   - callbacks that call back: a permit callback that stops the
 *     transaction (a relay weld) leaves no Charging status behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"

#ifndef TEST_CONNECTORS
#define TEST_CONNECTORS 2
#endif
#define N TEST_CONNECTORS

#if N > OCPP_CONFIG_MAX_CONNECTORS
#error "TEST_CONNECTORS exceeds the library's OCPP_CONFIG_MAX_CONNECTORS"
#endif

#define MAX_MSGS 256
#define MSG_CAP  1024
#define RECS     8
#define REC_CAP  8192

/* ---- storage in RAM (atomic records, as the port promises) ---- */

typedef struct {
    char key[32];
    uint8_t data[REC_CAP];
    size_t len;
    bool used;
} rec_t;

static rec_t g_recs[RECS];

static rec_t *find_rec(const char *key)
{
    for (int i = 0; i < RECS; i++) {
        if (g_recs[i].used && strcmp(g_recs[i].key, key) == 0) {
            return &g_recs[i];
        }
    }
    return NULL;
}

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    (void)ctx;
    rec_t *r = find_rec(key);
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
    (void)ctx;
    assert_true(len <= REC_CAP);
    rec_t *r = find_rec(key);
    for (int i = 0; r == NULL && i < RECS; i++) {
        if (!g_recs[i].used) {
            r = &g_recs[i];
            r->used = true;
            snprintf(r->key, sizeof r->key, "%s", key);
        }
    }
    assert_non_null(r);
    memcpy(r->data, data, len);
    r->len = len;
    return OCPP_OK;
}

static ocpp_status_t s_remove(void *ctx, const char *key)
{
    (void)ctx;
    rec_t *r = find_rec(key);
    if (r != NULL) {
        r->used = false;
    }
    return OCPP_OK;
}

static const ocpp_storage_port_t g_storage = {NULL, s_read, s_write, s_remove};

/* ---- message port, callbacks ---- */

typedef struct {
    ocpp_cp_t cp;
    ocpp_msg_port_t port;
    char tx[4096];
    char sent[MAX_MSGS][MSG_CAP];
    int n_sent;
    char inbox[8][MSG_CAP];
    int in_head, in_tail;
    uint32_t rng;
    uint32_t now;
    int64_t meter_wh[N + 1];
    bool permit[N + 1];
    int weld_on; /* the permit callback stops the transaction of this connector */
} fx_t;

static fx_t g_fx;

static ocpp_status_t f_open(void *ctx, const ocpp_msg_open_t *p)
{
    (void)ctx;
    (void)p;
    return OCPP_OK;
}

static ocpp_status_t f_send(void *ctx, char *msg, size_t len)
{
    fx_t *x = ctx;
    assert_true(x->n_sent < MAX_MSGS && len < MSG_CAP);
    memcpy(x->sent[x->n_sent], msg, len);
    x->sent[x->n_sent][len] = '\0';
    x->n_sent++;
    return OCPP_OK;
}

static ocpp_status_t f_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    fx_t *x = ctx;
    (void)now;
    if (x->in_head == x->in_tail) {
        x->in_head = x->in_tail = 0;
        return OCPP_PENDING;
    }
    *msg = x->inbox[x->in_head];
    *len = strlen(x->inbox[x->in_head]);
    x->in_head++;
    return OCPP_OK;
}

static void f_close(void *ctx)
{
    (void)ctx;
}

static uint32_t seq_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static void cb_permit(void *ctx, uint8_t c, bool p)
{
    fx_t *x = ctx;
    x->permit[c] = p;
    if (p && x->weld_on == c) {
        /* A relay weld is detected the moment the relay is told to close:
         * the application stops the transaction from inside the callback. */
        assert_int_equal(ocpp_cp_stop(&x->cp, c, OCPP_STOP_EMERGENCY_STOP), OCPP_OK);
    }
}

static size_t cb_read_meter(void *ctx, uint8_t c, ocpp_sample_t *out, size_t cap)
{
    fx_t *x = ctx;
    if (cap < 1u || c == 0u || c > N) {
        return 0;
    }
    out[0] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                             .value = x->meter_wh[c]};
    return 1;
}

/* ---- helpers ---- */

static void step(fx_t *x, uint32_t ms)
{
    x->now += ms;
    ocpp_cp_poll(&x->cp, x->now);
}

static const char *last(fx_t *x)
{
    assert_true(x->n_sent > 0);
    return x->sent[x->n_sent - 1];
}

static bool is_call(const char *msg, const char *action)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\",", action);
    return strncmp(msg, "[2,", 3) == 0 && strstr(msg, pat) != NULL;
}

static void reply(fx_t *x, const char *payload)
{
    char id[40];
    const char *p = strchr(last(x), '"');
    const char *e = strchr(p + 1, '"');
    memcpy(id, p + 1, (size_t)(e - p - 1));
    id[e - p - 1] = '\0';
    assert_true(x->in_tail < 8);
    snprintf(x->inbox[x->in_tail++], MSG_CAP, "[3,\"%s\",%s]", id, payload);
    step(x, 0);
}

static int g_txid;

/** Answer what the charge point sends, as a CSMS would, until it is quiet. */
static void answer_all(fx_t *x)
{
    int seen = x->n_sent;
    for (int i = 0; i < 400; i++) {
        if (x->n_sent == seen) {
            step(x, 10);
        }
        if (x->n_sent == seen) {
            return;
        }
        const char *m = last(x);
        seen = x->n_sent;
        char conf[128];
        if (is_call(m, "StartTransaction")) {
            snprintf(conf, sizeof conf,
                     "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}", ++g_txid);
            reply(x, conf);
        } else if (is_call(m, "Authorize") || is_call(m, "StopTransaction")) {
            reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
        } else if (is_call(m, "BootNotification")) {
            reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\","
                     "\"interval\":3600}");
        } else {
            reply(x, "{}");
        }
    }
    fail_msg("the charge point never went quiet");
}

static int count(fx_t *x, const char *action, const char *with)
{
    int n = 0;
    for (int i = 0; i < x->n_sent; i++) {
        n += is_call(x->sent[i], action) && (with == NULL || strstr(x->sent[i], with)) ? 1 : 0;
    }
    return n;
}

/** A charge point on the persisted state; not polled yet. */
static fx_t *power_on(void)
{
    fx_t *x = &g_fx;
    memset(x, 0, sizeof *x);
    x->port = (ocpp_msg_port_t){x, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    x->rng = 7;
    ocpp_cp_config_t c = {.identity = "CP-N",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .connectors = N};
    ocpp_cp_ports_t p = {
        .msg = &x->port, .storage = &g_storage, .random = seq_random, .random_ctx = &x->rng};
    ocpp_cp_callbacks_t cb = {.ctx = x, .permit = cb_permit, .read_meter = cb_read_meter};
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, &cb, x->tx, sizeof x->tx), OCPP_OK);
    for (int i = 1; i <= N; i++) {
        x->meter_wh[i] = 1000 * i;
    }
    x->now = 1000;
    return x;
}

static void reset_all(void)
{
    memset(g_recs, 0, sizeof g_recs);
    g_txid = 0;
}

/* ---- tests ---- */

/* OCPP 1.6 §4.2: "After the Central System accepts a Charge Point by sending
 * a BootNotification.conf with a status Accepted, the Charge Point SHALL send
 * a StatusNotification.req PDU for connectorId 0 and all connectors". */
static void test_boot_reports_every_connector(void **state)
{
    (void)state;
    reset_all();
    fx_t *x = power_on();
    answer_all(x);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    assert_int_equal(count(x, "StatusNotification", NULL), N + 1);
    for (int c = 0; c <= N; c++) {
        char with[32];
        snprintf(with, sizeof with, "\"connectorId\":%d,", c);
        assert_int_equal(count(x, "StatusNotification", with), 1);
    }
}

/* §4.8, §4.10: a whole session on the last connector, with a periodic
 * MeterValues of it (§4.7, MeterValueSampleInterval). */
static void test_session_on_last_connector(void **state)
{
    (void)state;
    reset_all();
    fx_t *x = power_on();
    answer_all(x);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "60"), OCPP_KEY_ACCEPTED);
    ocpp_cp_plugged(&x->cp, N, true);
    assert_int_equal(ocpp_cp_present_id(&x->cp, N, "LAST"), OCPP_OK);
    answer_all(x);
    char with[32];
    snprintf(with, sizeof with, "\"connectorId\":%d,", N);
    assert_int_equal(count(x, "StartTransaction", with), 1);
    assert_true(x->permit[N]);
    assert_int_equal(count(x, "MeterValues", NULL), 0);
    step(x, 60000);
    assert_true(is_call(last(x), "MeterValues"));
    assert_int_equal(count(x, "MeterValues", with), 1);
    assert_int_equal(count(x, "MeterValues", NULL), 1);
    reply(x, "{}");
    x->meter_wh[N] += 250;
    ocpp_cp_plugged(&x->cp, N, false);
    answer_all(x);
    char stop[48];
    snprintf(stop, sizeof stop, "\"meterStop\":%d,", 1000 * N + 250);
    assert_int_equal(count(x, "StopTransaction", stop), 1);
    assert_false(x->permit[N]);
}

/* §3.7 (transaction messages are delivered after a restart) and §7.39
 * "PowerLoss: Complete loss of power": transactions running on the first,
 * a middle and the last connector when the power goes are stopped with
 * reason PowerLoss after the restart, each with its transaction id. */
static void test_power_cut_every_connector(void **state)
{
    (void)state;
    reset_all();
    fx_t *x = power_on();
    answer_all(x);
    const int on[] = {1, N / 2 + 1, N};
    for (size_t i = 0; i < 3; i++) {
        if (i > 0 && on[i] == on[i - 1]) {
            continue;
        }
        ocpp_cp_plugged(&x->cp, (uint8_t)on[i], true);
        assert_int_equal(ocpp_cp_present_id(&x->cp, (uint8_t)on[i], "CUT"), OCPP_OK);
        answer_all(x);
    }
    int started = g_txid;
    assert_true(started >= 1);
    /* The power goes: a new charge point on what was persisted. */
    x = power_on();
    answer_all(x);
    assert_int_equal(count(x, "StopTransaction", "\"reason\":\"PowerLoss\""), started);
    for (int id = 1; id <= started; id++) {
        char with[40];
        snprintf(with, sizeof with, "\"transactionId\":%d,", id);
        assert_int_equal(count(x, "StopTransaction", with), 1);
    }
    /* §7.7 Finishing: "the Connector is not yet available for a new user,
     * e.g. the cable has not been removed": the board reports the cable of
     * the last connector still in after the restart. */
    ocpp_cp_plugged(&x->cp, N, true);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, N), OCPP_CONNECTOR_FINISHING);
    ocpp_cp_plugged(&x->cp, N, false);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, N), OCPP_CONNECTOR_AVAILABLE);
    ocpp_cp_plugged(&x->cp, N, true); /* a new user: Preparing */
    assert_int_equal(ocpp_cp_connector_status(&x->cp, N), OCPP_CONNECTOR_PREPARING);
}

/* The clock set from an RTC before the first poll, and the first poll at 10
 * days of uptime: the poll's monotonic time must not move the clock. */
static void test_clock_set_before_first_poll(void **state)
{
    (void)state;
    reset_all();
    fx_t *x = power_on();
    ocpp_cp_set_time(&x->cp, 1800000000);
    x->now = 864000000u; /* 10 days */
    step(x, 0);
    assert_int_equal(ocpp_cp_time(&x->cp), 1800000000);
    step(x, 5000);
    assert_int_equal(ocpp_cp_time(&x->cp), 1800000005);
}

/* Callbacks may call back into the library: a permit callback that stops
 * the transaction (a relay weld) leaves no transaction, no permission and
 * no Charging status (which would be reported to the CSMS). */
static void test_permit_callback_stops(void **state)
{
    (void)state;
    reset_all();
    fx_t *x = power_on();
    answer_all(x);
    x->weld_on = N;
    ocpp_cp_plugged(&x->cp, N, true);
    ocpp_cp_ev_ready(&x->cp, N, true);
    assert_int_equal(ocpp_cp_present_id(&x->cp, N, "WELD"), OCPP_OK);
    answer_all(x);
    ocpp_cp_connector_info_t info;
    assert_int_equal(ocpp_cp_connector_info(&x->cp, N, &info), OCPP_OK);
    assert_false(info.in_transaction);
    assert_false(info.permitted);
    assert_false(x->permit[N]);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, N), OCPP_CONNECTOR_FINISHING);
    assert_int_equal(count(x, "StopTransaction", "\"reason\":\"EmergencyStop\""), 1);
    assert_int_equal(count(x, "StatusNotification", "\"status\":\"Charging\""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boot_reports_every_connector),
        cmocka_unit_test(test_session_on_last_connector),
        cmocka_unit_test(test_power_cut_every_connector),
        cmocka_unit_test(test_clock_set_before_first_poll),
        cmocka_unit_test(test_permit_callback_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
