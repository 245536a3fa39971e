/* The OCPP 2.0.1 adapter (src/v201/) through the charge point facade with
 * ocpp_cp_config_t.version = OCPP_VERSION_201, against the real session and
 * station model, with a scripted message port and an in-memory storage
 * port. Requirement ids are from OCPP 2.0.1 edition 3 Part 2 (B01-B12, G01,
 * G02, referenced components and variables) and Part 4 (OCPP-J 2.0.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_json.h"
#include "session/session.h"
#include "station/station.h"
#include "v201/v201_internal.h"

#define MAX_MSGS 256
#define MSG_CAP  4096
#define N_RECS   8

/* ------------------------------------------------------------------------ */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    char key[32];
    uint8_t data[512];
    size_t len;
    bool used;
} rec_t;

typedef struct {
    char sent[MAX_MSGS][MSG_CAP];
    int n_sent;
    char inbox[MAX_MSGS][MSG_CAP];
    int in_head, in_tail;
    char subprotocol[16];
    uint32_t keepalive;
    int keepalive_calls;
    rec_t recs[N_RECS];
    int writes;
    ocpp_msg_port_t port;
    ocpp_storage_port_t store;
    uint32_t rng;
    ocpp_cp_t cp;
    char tx[4096];
    uint32_t now;
    int events[16];
    char changed[64]; /* name of the last OCPP_CP_EV_CONFIG_CHANGED */
    int64_t time_set;
    int resets;
    bool reset_hard;
    int sent_at_reset; /* messages sent when the reset callback ran */
    bool no_reset_cb;
    uint32_t call_timeout_ms; /* ocpp_cp_config_t.call_timeout_ms of the next start */
} fx_t;

static fx_t fx;

static ocpp_status_t f_open(void *ctx, const ocpp_msg_open_t *p)
{
    fx_t *x = ctx;
    snprintf(x->subprotocol, sizeof x->subprotocol, "%s", p->subprotocol);
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

static void f_keepalive(void *ctx, uint32_t s)
{
    fx_t *x = ctx;
    x->keepalive = s;
    x->keepalive_calls++;
}

static rec_t *rec_find(fx_t *x, const char *key)
{
    for (int i = 0; i < N_RECS; i++) {
        if (x->recs[i].used && strcmp(x->recs[i].key, key) == 0) {
            return &x->recs[i];
        }
    }
    return NULL;
}

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    rec_t *r = rec_find(ctx, key);
    if (r == NULL) {
        return OCPP_ERR_NOT_FOUND;
    }
    if (r->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, r->data, r->len);
    return (int32_t)r->len;
}

static ocpp_status_t s_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    fx_t *x = ctx;
    rec_t *r = rec_find(x, key);
    for (int i = 0; r == NULL && i < N_RECS; i++) {
        r = x->recs[i].used ? NULL : &x->recs[i];
    }
    assert_non_null(r);
    assert_true(len <= sizeof r->data);
    snprintf(r->key, sizeof r->key, "%s", key);
    memcpy(r->data, data, len);
    r->len = len;
    r->used = true;
    x->writes++;
    return OCPP_OK;
}

static ocpp_status_t s_remove(void *ctx, const char *key)
{
    rec_t *r = rec_find(ctx, key);
    if (r != NULL) {
        r->used = false;
    }
    return OCPP_OK;
}

static uint32_t seq_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    fx_t *x = ctx;
    if ((unsigned)ev->kind < 16u) {
        x->events[ev->kind]++;
    }
    if (ev->kind == OCPP_CP_EV_CONFIG_CHANGED) {
        snprintf(x->changed, sizeof x->changed, "%.*s", (int)ev->len, ev->text);
    }
    if (ev->kind == OCPP_CP_EV_TIME_SET) {
        x->time_set = ev->unix_time;
    }
}

static void cb_reset(void *ctx, bool hard)
{
    fx_t *x = ctx;
    x->resets++;
    x->reset_hard = hard;
    x->sent_at_reset = x->n_sent;
}

static void step(fx_t *x, uint32_t ms)
{
    x->now += ms;
    ocpp_cp_poll(&x->cp, x->now);
}

/** Start a charging station (a "power-up") on the storage kept in fx; the
 *  first poll connects and sends the BootNotificationRequest. */
static fx_t *start(uint8_t connectors)
{
    fx_t *x = &fx;
    memset(x->sent, 0, sizeof x->sent);
    x->n_sent = x->in_head = x->in_tail = 0;
    memset(x->events, 0, sizeof x->events);
    x->resets = 0;
    x->port = (ocpp_msg_port_t){x, f_open, f_send, f_recv, f_close, f_keepalive, NULL, NULL};
    x->store = (ocpp_storage_port_t){x, s_read, s_write, s_remove};
    x->rng = 7;
    ocpp_cp_config_t c = {.identity = "CS-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "Vendor",
                          .model = "Model",
                          .serial_number = "SN-1",
                          .firmware_version = "1.2.3",
                          .connectors = connectors,
                          .call_timeout_ms = x->call_timeout_ms,
                          .version = OCPP_VERSION_201};
    ocpp_cp_ports_t p = {
        .msg = &x->port, .storage = &x->store, .random = seq_random, .random_ctx = &x->rng};
    ocpp_cp_callbacks_t cb = {
        .ctx = x, .on_event = on_event, .reset = x->no_reset_cb ? NULL : cb_reset};
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, &cb, x->tx, sizeof x->tx), OCPP_OK);
    x->now = 1000;
    step(x, 0);
    return x;
}

/** A fresh storage, then start(). */
static fx_t *power_up(uint8_t connectors)
{
    memset(&fx, 0, sizeof fx);
    return start(connectors);
}

static void push(fx_t *x, const char *text)
{
    assert_true(x->in_tail < MAX_MSGS);
    snprintf(x->inbox[x->in_tail++], MSG_CAP, "%s", text);
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

/** Answer the last sent CALL with `payload` and poll. */
static void reply(fx_t *x, const char *payload)
{
    char id[40], buf[MSG_CAP];
    const char *p = strchr(last(x), '"');
    const char *e = strchr(p + 1, '"');
    memcpy(id, p + 1, (size_t)(e - p - 1));
    id[e - p - 1] = '\0';
    snprintf(buf, sizeof buf, "[3,\"%s\",%s]", id, payload);
    push(x, buf);
    step(x, 0);
}

/** Answer every StatusNotificationRequest that goes out. */
static void ack_status(fx_t *x)
{
    for (int i = 0; i < 40 && x->n_sent > 0 && is_call(last(x), "StatusNotification"); i++) {
        reply(x, "{}");
    }
}

#define BOOT_ACCEPTED \
    "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":3600}"

/** power_up() and Accepted, statuses acknowledged. */
static fx_t *accepted(uint8_t connectors)
{
    fx_t *x = power_up(connectors);
    reply(x, BOOT_ACCEPTED);
    ack_status(x);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    return x;
}

/** A CALL from the CSMS; returns the answer. */
static const char *csms_call(fx_t *x, const char *action, const char *payload)
{
    char buf[MSG_CAP];
    int before = x->n_sent;
    snprintf(buf, sizeof buf, "[2,\"c-%d\",\"%s\",%s]", x->in_tail, action, payload);
    push(x, buf);
    step(x, 0);
    assert_true(x->n_sent > before);
    for (int i = before; i < x->n_sent; i++) {
        if (x->sent[i][1] == '3' || x->sent[i][1] == '4') {
            return x->sent[i];
        }
    }
    fail_msg("no answer to %s", action);
    return NULL;
}

/** The JSON value at `path` of message `msg`. */
static ocpp_json_value_t jv(const char *msg, const char *path)
{
    ocpp_json_value_t root, v = {0};
    assert_int_equal(ocpp_json_root(msg, strlen(msg), &root), OCPP_OK);
    if (ocpp_json_find(&root, path, &v) != OCPP_OK) {
        v.type = OCPP_JSON_INVALID;
    }
    return v;
}

/** The string at `path` ("" if absent). */
static const char *js(const char *msg, const char *path)
{
    static char buf[256];
    ocpp_json_value_t v = jv(msg, path);
    buf[0] = '\0';
    if (v.type == OCPP_JSON_STRING) {
        assert_int_equal(ocpp_json_as_string(&v, buf, sizeof buf, NULL), OCPP_OK);
    }
    return buf;
}

static int64_t ji(const char *msg, const char *path)
{
    int64_t n = -999;
    ocpp_json_value_t v = jv(msg, path);
    assert_int_equal(ocpp_json_as_int(&v, &n), OCPP_OK);
    return n;
}

static bool has(const char *msg, const char *path)
{
    return jv(msg, path).type != OCPP_JSON_INVALID;
}

static int count(fx_t *x, int from, const char *action)
{
    int n = 0;
    for (int i = from; i < x->n_sent; i++) {
        n += is_call(x->sent[i], action) ? 1 : 0;
    }
    return n;
}

/** GetVariables of one element; returns the answer. */
static const char *get_var(fx_t *x, const char *data)
{
    char p[1024];
    snprintf(p, sizeof p, "{\"getVariableData\":[%s]}", data);
    return csms_call(x, "GetVariables", p);
}

static const char *set_var(fx_t *x, const char *data)
{
    char p[1024];
    snprintf(p, sizeof p, "{\"setVariableData\":[%s]}", data);
    return csms_call(x, "SetVariables", p);
}

#define HB \
    "\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"}"
#define PING \
    "\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"WebSocketPingInterval\"}"
#define MT                                                                                  \
    "\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"MessageTimeout\"," \
    "\"instance\":\"Default\"}"

/* ------------------------------------------------------------------------ */
/* B01-B03: registration                                                     */
/* ------------------------------------------------------------------------ */

/* OCPP-J 2.0.1 §3.1.2 subprotocol; B01.FR.01, B01.FR.09 (PowerUp), B01.FR.08. */
static void test_b01_boot_notification_first(void **state)
{
    (void)state;
    fx_t *x = power_up(2);
    assert_string_equal(x->subprotocol, "ocpp2.0.1");
    assert_int_equal(x->n_sent, 1);
    const char *m = last(x);
    assert_true(is_call(m, "BootNotification"));
    assert_string_equal(js(m, "[3].reason"), "PowerUp");
    assert_string_equal(js(m, "[3].chargingStation.model"), "Model");
    assert_string_equal(js(m, "[3].chargingStation.vendorName"), "Vendor");
    assert_string_equal(js(m, "[3].chargingStation.serialNumber"), "SN-1");
    assert_string_equal(js(m, "[3].chargingStation.firmwareVersion"), "1.2.3");
    assert_false(has(m, "[3].chargingStation.modem"));
    /* No busy polling while the answer is awaited. */
    assert_true(ocpp_cp_next_wakeup_ms(&x->cp, x->now) >= 1000u);
    /* B01.FR.08: nothing else before the answer, not even after a while. */
    step(x, 20000);
    assert_int_equal(x->n_sent, 1);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_BOOTING);
}

/* B01.FR.04 (interval), B01.FR.05 (a StatusNotificationRequest per connector),
 * B01.FR.06 (clock), G01.FR.01 (valid ConnectorStatus), G02.FR.02. */
static void test_b01_accepted(void **state)
{
    (void)state;
    fx_t *x = power_up(2);
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":7}");
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    assert_int_equal(ocpp_cp_time(&x->cp), 1795327200); /* 2026-11-22T06:00:00Z */
    assert_int_equal(x->time_set, 1795327200);
    assert_int_equal(x->events[OCPP_CP_EV_TIME_SET], 1);
    for (int c = 1; c <= 2; c++) {
        const char *m = last(x);
        assert_true(is_call(m, "StatusNotification"));
        assert_int_equal(ji(m, "[3].evseId"), c);
        assert_int_equal(ji(m, "[3].connectorId"), 1);
        assert_string_equal(js(m, "[3].connectorStatus"), "Available");
        assert_string_equal(js(m, "[3].timestamp"), "2026-11-22T06:00:00.000Z");
        reply(x, "{}");
    }
    assert_int_equal(x->n_sent, 3);
    assert_string_equal(x->changed, "OCPPCommCtrlr.HeartbeatInterval");
    /* B01.FR.04, G02.FR.01/02: a HeartbeatRequest 7 s after the last CALL. */
    step(x, 6900);
    assert_int_equal(x->n_sent, 3);
    assert_int_equal(ocpp_cp_next_wakeup_ms(&x->cp, x->now), 100);
    step(x, 100);
    assert_true(is_call(last(x), "Heartbeat"));
    assert_true(ocpp_cp_next_wakeup_ms(&x->cp, x->now + 8000u) >= 1000u); /* awaiting */
    assert_int_equal(jv(last(x), "[3]").type, OCPP_JSON_OBJECT);
    /* G02.FR.06: the answer's currentTime sets the clock. */
    reply(x, "{\"currentTime\":\"2026-11-22T07:00:00Z\"}");
    assert_int_equal(ocpp_cp_time(&x->cp), 1795330800);
    assert_int_equal(x->events[OCPP_CP_EV_TIME_SET], 2);
}

/* G01 StatusNotificationRequest.timestamp to the millisecond, the time of the
 * change (issue 18): the clock keeps the fraction of currentTime (B01.FR.06). */
static void test_g01_status_time_in_milliseconds(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    reply(
        x,
        "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00.250Z\",\"interval\":3600}");
    assert_string_equal(js(last(x), "[3].timestamp"), "2026-11-22T06:00:00.250Z");
    reply(x, "{}");
    step(x, 1853);
    assert_int_equal(ocpp_cp_plugged(&x->cp, 1, true), OCPP_OK);
    step(x, 0);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Occupied");
    assert_string_equal(js(last(x), "[3].timestamp"), "2026-11-22T06:00:02.103Z");
}

/* G02.FR.05: every CALL sent restarts the heartbeat interval. */
static void test_g02_heartbeat_timer_restarts(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":10}");
    ack_status(x);
    int n = x->n_sent;
    step(x, 6000);
    ocpp_cp_plugged(&x->cp, 1, true); /* a StatusNotificationRequest at 6 s */
    step(x, 0);
    assert_true(is_call(last(x), "StatusNotification"));
    reply(x, "{}");
    step(x, 9900);
    assert_int_equal(count(x, n, "Heartbeat"), 0);
    step(x, 100);
    assert_int_equal(count(x, n, "Heartbeat"), 1);
}

/* B02.FR.01 (answers while Pending), B02.FR.02 (no other CALL), B02.FR.04/08
 * (the next BootNotificationRequest after the interval). */
static void test_b02_pending(void **state)
{
    (void)state;
    fx_t *x = power_up(2);
    reply(x, "{\"status\":\"Pending\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":5}");
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_PENDING);
    assert_int_equal(ocpp_cp_time(&x->cp), 1795327200); /* B01.FR.06 */
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 4999);
    assert_int_equal(x->n_sent, 1);
    const char *a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "Accepted");
    assert_int_equal(x->n_sent, 2);
    step(x, 1);
    assert_int_equal(x->n_sent, 3);
    assert_true(is_call(last(x), "BootNotification"));
    assert_string_equal(js(last(x), "[3].reason"), "PowerUp");
    reply(x, BOOT_ACCEPTED);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Occupied");
}

/* B02.FR.07: interval 0 -> a waiting interval of our own (30 s). */
static void test_b02_fr07_interval_zero(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    reply(x, "{\"status\":\"Pending\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":0}");
    step(x, V201_BOOT_RETRY_S * 1000u - 1u);
    assert_int_equal(x->n_sent, 1);
    step(x, 1);
    assert_int_equal(count(x, 0, "BootNotification"), 2);
}

/* B03.FR.02, B03.FR.06: Rejected -> nothing until the interval has passed. */
static void test_b03_rejected(void **state)
{
    (void)state;
    fx_t *x = power_up(2);
    reply(x, "{\"status\":\"Rejected\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":10}");
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_REJECTED);
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 9999);
    assert_int_equal(x->n_sent, 1);
    assert_true(ocpp_cp_next_wakeup_ms(&x->cp, x->now) <= 1u);
    step(x, 1);
    assert_int_equal(count(x, 0, "BootNotification"), 2);
}

/* B03.FR.08: while Rejected, a request is answered CALLERROR SecurityError
 * (the adapter's answer hook; see the report on the session). */
static void test_b03_fr08_security_error(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    reply(x, "{\"status\":\"Rejected\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":10}");
    const char *msg = "[2,\"r1\",\"GetVariables\",{\"getVariableData\":[{" HB "}]}]";
    ocpp_rpc_frame_t f;
    char buf[512];
    ocpp_jw_t w;
    size_t n;
    assert_int_equal(ocpp_rpc_parse_d(msg, strlen(msg), OCPP_RPC_DIALECT_201, &f), OCPP_OK);
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_v201_session_proto.answer(&x->cp.proto.v201, &f, &w);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    buf[n] = '\0';
    assert_string_equal(buf, "[4,\"r1\",\"SecurityError\",\"not accepted by the CSMS\",{}]");
}

/* B01 error handling 2: no answer -> the next BootNotificationRequest after
 * a waiting interval of our own; a CALLERROR the same. */
static void test_b01_boot_retry_after_timeout(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    step(x, 30000); /* MessageTimeout[Default] 30 s */
    assert_int_equal(x->n_sent, 1);
    step(x, V201_BOOT_RETRY_S * 1000u - 1u);
    assert_int_equal(x->n_sent, 1);
    step(x, 1);
    assert_int_equal(count(x, 0, "BootNotification"), 2);
    char buf[128];
    const char *p = strchr(last(x), '"');
    snprintf(buf, sizeof buf, "[4,\"%.*s\",\"InternalError\",\"\",{}]",
             (int)(strchr(p + 1, '"') - p - 1), p + 1);
    push(x, buf);
    step(x, 0);
    step(x, V201_BOOT_RETRY_S * 1000u - 1u);
    assert_int_equal(count(x, 0, "BootNotification"), 2);
    step(x, 1);
    assert_int_equal(count(x, 0, "BootNotification"), 3);
}

/* ------------------------------------------------------------------------ */
/* G01: StatusNotification                                                   */
/* ------------------------------------------------------------------------ */

/* G01: the projection of the station's status on ConnectorStatusEnumType. */
static void test_g01_status_projection(void **state)
{
    (void)state;
    ocpp_station_t st;
    memset(&st, 0, sizeof st);
    st.n = 1;
    static const struct {
        ocpp_connector_status_t s;
        bool plugged;
        uint8_t cs;
    } cases[] = {
        {OCPP_CONNECTOR_AVAILABLE, false, V201_CS_AVAILABLE},
        {OCPP_CONNECTOR_PREPARING, false, V201_CS_AVAILABLE}, /* authorized, no cable */
        {OCPP_CONNECTOR_PREPARING, true, V201_CS_OCCUPIED},   /* G01.FR.03 */
        {OCPP_CONNECTOR_CHARGING, true, V201_CS_OCCUPIED},
        {OCPP_CONNECTOR_SUSPENDED_EV, true, V201_CS_OCCUPIED},
        {OCPP_CONNECTOR_SUSPENDED_EVSE, true, V201_CS_OCCUPIED},
        {OCPP_CONNECTOR_FINISHING, true, V201_CS_OCCUPIED},
        {OCPP_CONNECTOR_RESERVED, false, V201_CS_RESERVED},
        {OCPP_CONNECTOR_UNAVAILABLE, false, V201_CS_UNAVAILABLE},
        {OCPP_CONNECTOR_FAULTED, false, V201_CS_FAULTED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st.conns[1].status = cases[i].s;
        st.conns[1].plugged = cases[i].plugged;
        assert_int_equal(ocpp_v201_connector_status(&st, 1), cases[i].cs);
    }
    /* A fault of the whole station faults every EVSE. */
    st.conns[1].status = OCPP_CONNECTOR_AVAILABLE;
    st.conns[0].status = OCPP_CONNECTOR_FAULTED;
    assert_int_equal(ocpp_v201_connector_status(&st, 1), V201_CS_FAULTED);
}

/* G01.FR.03 (plug in: Occupied), G01.FR.04 (unplug: Available), a change that
 * does not change the connectorStatus is not reported, faults (B01 remark). */
static void test_g01_status_changes(void **state)
{
    (void)state;
    fx_t *x = accepted(2);
    int n = x->n_sent;
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_int_equal(ji(last(x), "[3].evseId"), 1);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Occupied");
    reply(x, "{}");
    ocpp_cp_plugged(&x->cp, 1, false);
    step(x, 0);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Available");
    reply(x, "{}");
    assert_int_equal(x->n_sent, n + 2);
    /* Authorized without a cable: Preparing in the station, still Available. */
    ocpp_station_set_authorized(&x->cp.st, 2, "TAG", NULL);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 2), OCPP_CONNECTOR_PREPARING);
    step(x, 0);
    assert_int_equal(x->n_sent, n + 2);
    /* A fault of connector 2, then of the whole station (connector 0). */
    assert_int_equal(ocpp_cp_fault(&x->cp, 2, OCPP_FAULT_GROUND_FAILURE, NULL, NULL), OCPP_OK);
    step(x, 0);
    assert_int_equal(ji(last(x), "[3].evseId"), 2);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Faulted");
    reply(x, "{}");
    assert_int_equal(ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_OTHER_ERROR, NULL, NULL), OCPP_OK);
    step(x, 0);
    assert_int_equal(ji(last(x), "[3].evseId"), 1);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Faulted");
    reply(x, "{}");
    assert_int_equal(x->n_sent, n + 4); /* EVSE 2 was Faulted already */
    /* Unavailable (an inoperative EVSE). */
    assert_int_equal(ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_NONE, NULL, NULL), OCPP_OK);
    step(x, 0);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Available");
    reply(x, "{}");
    (void)ocpp_station_set_operative(&x->cp.st, 1, false);
    step(x, 0);
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Unavailable");
    reply(x, "{}");
}

/* A StatusNotificationRequest that failed (CALLERROR) is sent again after
 * V201_CALL_RETRY_MS, with the status of then. */
static void test_g01_status_retry(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    const char *p = strchr(last(x), '"');
    char buf[128];
    snprintf(buf, sizeof buf, "[4,\"%.*s\",\"InternalError\",\"\",{}]",
             (int)(strchr(p + 1, '"') - p - 1), p + 1);
    int n = x->n_sent;
    push(x, buf);
    step(x, V201_CALL_RETRY_MS - 1u);
    assert_int_equal(x->n_sent, n);
    step(x, 1);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_string_equal(js(last(x), "[3].connectorStatus"), "Occupied");
}

/* ------------------------------------------------------------------------ */
/* B06: GetVariables                                                         */
/* ------------------------------------------------------------------------ */

/* B06.FR.01/02/03/04/10/11/14/15, the referenced variables and their values. */
static void test_b06_get_variables(void **state)
{
    (void)state;
    fx_t *x = accepted(2);
    const char *a = csms_call(
        x, "GetVariables",
        "{\"getVariableData\":[{" HB "},{" MT ",\"attributeType\":\"Actual\"},"
        "{\"component\":{\"name\":\"ocppcommctrlr\"},\"variable\":{\"name\":"
        "\"websocketpinginterval\"}},"
        "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"MessageTimeout\"}},"
        "{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"ItemsPerMessage\","
        "\"instance\":\"GetVariables\"}},"
        "{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"BytesPerMessage\","
        "\"instance\":\"SetVariables\"}},"
        "{\"component\":{\"name\":\"ChargingStation\"},\"variable\":{\"name\":\"Model\"}},"
        "{\"component\":{\"name\":\"ClockCtrlr\"},\"variable\":{\"name\":\"DateTime\"}}]}");
    assert_true(strncmp(a, "[3,", 3) == 0);
    ocpp_json_value_t list = jv(a, "[2].getVariableResult");
    assert_int_equal(ocpp_json_count(&list), 8); /* B06.FR.01 */
    const char *r = "[2].getVariableResult";
    char p[96];
    static const char *const want[8][2] = {
        {"Accepted", "3600"},  {"Accepted", "30"},
        {"Accepted", "60"},    {"UnknownVariable", ""},
        {"Accepted", "8"},     {"Accepted", "4082"},
        {"Accepted", "Model"}, {"Accepted", "2026-11-22T06:00:00.000Z"},
    };
    for (int i = 0; i < 8; i++) {
        snprintf(p, sizeof p, "%s[%d].attributeStatus", r, i);
        assert_string_equal(js(a, p), want[i][0]);
        snprintf(p, sizeof p, "%s[%d].attributeValue", r, i);
        assert_int_equal(has(a, p), want[i][1][0] != '\0'); /* B06.FR.07: omitted */
        assert_string_equal(js(a, p), want[i][1]);
        snprintf(p, sizeof p, "%s[%d].attributeType", r, i); /* B06.FR.03, B06.FR.11 */
        assert_string_equal(js(a, p), "Actual");
    }
    /* B06.FR.02: the component and variable as requested (case kept). */
    assert_string_equal(js(a, "[2].getVariableResult[2].component.name"), "ocppcommctrlr");
    assert_string_equal(js(a, "[2].getVariableResult[2].variable.name"), "websocketpinginterval");
    assert_string_equal(js(a, "[2].getVariableResult[1].variable.instance"), "Default");
    assert_false(has(a, "[2].getVariableResult[0].variable.instance"));
}

/* B06.FR.06 (unknown component; an instance or an EVSE none of ours has),
 * B06.FR.07, B06.FR.08 (attributeType other than Actual). */
static void test_b06_unknown(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    const char *a = get_var(x, "{\"component\":{\"name\":\"NoSuchCtrlr\"},\"variable\":{\"name\":"
                               "\"HeartbeatInterval\"}}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "UnknownComponent");
    assert_false(has(a, "[2].getVariableResult[0].attributeValue"));
    a = get_var(x, "{\"component\":{\"name\":\"OCPPCommCtrlr\",\"instance\":\"x\"},\"variable\":{"
                   "\"name\":\"HeartbeatInterval\"}}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "UnknownComponent");
    assert_string_equal(js(a, "[2].getVariableResult[0].component.instance"), "x");
    a = get_var(x, "{\"component\":{\"name\":\"OCPPCommCtrlr\",\"evse\":{\"id\":1,\"connectorId\":"
                   "1}},\"variable\":{\"name\":\"HeartbeatInterval\"}}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "UnknownComponent");
    assert_int_equal(ji(a, "[2].getVariableResult[0].component.evse.id"), 1);
    assert_int_equal(ji(a, "[2].getVariableResult[0].component.evse.connectorId"), 1);
    a = get_var(x, "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":"
                   "\"HeartbeatInterval\",\"instance\":\"x\"}}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "UnknownVariable");
    a = get_var(x, "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":"
                   "\"AVariableNameLongerThanAnyWeKnowButFine\"}}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"), "UnknownVariable");
    a = get_var(x, "{" HB ",\"attributeType\":\"Target\"}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeStatus"),
                        "NotSupportedAttributeType");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeType"), "Target");
    assert_false(has(a, "[2].getVariableResult[0].attributeValue"));
}

/* B06.FR.16: more elements than ItemsPerMessageGetVariables -> CALLERROR
 * OccurrenceConstraintViolation (2.0.1 spelling); malformed requests. */
static void test_b06_fr16_and_bad_requests(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    char p[2048] = "{\"getVariableData\":[";
    for (int i = 0; i <= OCPP_CONFIG_V201_ITEMS_PER_MESSAGE; i++) {
        strcat(p, i > 0 ? ",{" HB "}" : "{" HB "}");
    }
    strcat(p, "]}");
    const char *a = csms_call(x, "GetVariables", p);
    assert_string_equal(js(a, "[2]"), "OccurrenceConstraintViolation");
    assert_int_equal(a[1], '4');
    static const char *const bad[][2] = {
        {"{\"getVariableData\":[]}", "OccurrenceConstraintViolation"},
        {"{}", "OccurrenceConstraintViolation"},
        {"{\"getVariableData\":{}}", "TypeConstraintViolation"},
        {"{\"getVariableData\":[1]}", "TypeConstraintViolation"},
        {"{\"getVariableData\":[{\"variable\":{\"name\":\"A\"}}]}",
         "OccurrenceConstraintViolation"},
        {"{\"getVariableData\":[{\"component\":{\"name\":5},\"variable\":{\"name\":\"A\"}}]}",
         "TypeConstraintViolation"},
        {"{\"getVariableData\":[{\"component\":{\"name\":\"123456789012345678901234567890123456"
         "789012345678901\"},\"variable\":{\"name\":\"A\"}}]}",
         "PropertyConstraintViolation"},
        {"{\"getVariableData\":[{" HB ",\"attributeType\":\"Foo\"}]}",
         "PropertyConstraintViolation"},
        {"{\"getVariableData\":[{\"component\":{\"name\":\"A\",\"evse\":{}},\"variable\":{\"name\":"
         "\"A\"}}]}",
         "OccurrenceConstraintViolation"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = csms_call(x, "GetVariables", bad[i][0]);
        assert_int_equal(a[1], '4');
        assert_string_equal(js(a, "[2]"), bad[i][1]);
    }
}

/* ------------------------------------------------------------------------ */
/* B05: SetVariables                                                         */
/* ------------------------------------------------------------------------ */

/* B05.FR.01/02/03/10/12: Accepted, applied (heartbeat), persisted, the
 * application told; WebSocketPingInterval reaches the transport. */
static void test_b05_set_accepted(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    int n = x->n_sent;
    int writes = x->writes;
    const char *a = csms_call(x, "SetVariables",
                              "{\"setVariableData\":[{" HB ",\"attributeValue\":\"20\"},{" PING
                              ",\"attributeValue\":\"15\",\"attributeType\":\"Actual\"}]}");
    assert_string_equal(js(a, "[2].setVariableResult[0].attributeStatus"), "Accepted");
    assert_string_equal(js(a, "[2].setVariableResult[0].attributeType"), "Actual"); /* FR.12 */
    assert_string_equal(js(a, "[2].setVariableResult[0].component.name"), "OCPPCommCtrlr");
    assert_string_equal(js(a, "[2].setVariableResult[0].variable.name"), "HeartbeatInterval");
    assert_string_equal(js(a, "[2].setVariableResult[1].attributeStatus"), "Accepted");
    assert_false(has(a, "[2].setVariableResult[0].attributeValue"));
    assert_int_equal(x->writes, writes + 1); /* one write for the request */
    assert_int_equal(x->keepalive, 15);
    assert_string_equal(x->changed, "OCPPCommCtrlr.WebSocketPingInterval");
    assert_int_equal(x->events[OCPP_CP_EV_CONFIG_CHANGED], 3); /* + boot's interval */
    a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "20");
    /* The heartbeat follows (G02.FR.02). */
    n = x->n_sent;
    step(x, 19999);
    assert_int_equal(count(x, n, "Heartbeat"), 0);
    step(x, 1);
    assert_int_equal(count(x, n, "Heartbeat"), 1);
}

/* B05.FR.04/05/06/07/08/09: UnknownComponent, UnknownVariable,
 * NotSupportedAttributeType, Rejected (format, range, ReadOnly). */
static void test_b05_set_refused(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    static const char *const cases[][2] = {
        {"{\"component\":{\"name\":\"NoSuchCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"},"
         "\"attributeValue\":\"5\"}",
         "UnknownComponent"},
        {"{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"NoSuchVariable\"},"
         "\"attributeValue\":\"5\"}",
         "UnknownVariable"},
        {"{" HB ",\"attributeType\":\"MaxSet\",\"attributeValue\":\"5\"}",
         "NotSupportedAttributeType"},
        {"{" HB ",\"attributeValue\":\"abc\"}", "Rejected"},
        {"{" HB ",\"attributeValue\":\"2.5\"}", "Rejected"},
        {"{" HB ",\"attributeValue\":\"\"}", "Rejected"},
        {"{" HB ",\"attributeValue\":\" 5\"}", "Rejected"},
        {"{" HB ",\"attributeValue\":\"0\"}", "Rejected"},           /* minLimit 1 */
        {"{" HB ",\"attributeValue\":\"99999999999\"}", "Rejected"}, /* too large */
        {"{" HB ",\"attributeValue\":\"12345678901234567890123\"}", "Rejected"},
        {"{" PING ",\"attributeValue\":\"-1\"}", "Rejected"}, /* Part 4 §8.4 */
        {"{" MT ",\"attributeValue\":\"10\"}", "Rejected"},   /* ReadOnly (2.1.3) */
        {"{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":\"ItemsPerMessage\","
         "\"instance\":\"SetVariables\"},\"attributeValue\":\"2\"}",
         "Rejected"},
    };
    int writes = x->writes;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *a = set_var(x, cases[i][0]);
        assert_string_equal(js(a, "[2].setVariableResult[0].attributeStatus"), cases[i][1]);
    }
    const char *a = set_var(x, "{" HB ",\"attributeType\":\"MaxSet\",\"attributeValue\":\"5\"}");
    assert_string_equal(js(a, "[2].setVariableResult[0].attributeType"), "MaxSet"); /* FR.03 */
    a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "3600");
    a = get_var(x, "{" MT "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "30");
    assert_int_equal(x->writes, writes);
}

/* Every element is checked before any is set: a malformed request answered
 * with a CALLERROR changes nothing; too many elements (as B06.FR.16). */
static void test_b05_checked_before_set(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    const char *a = csms_call(
        x, "SetVariables", "{\"setVariableData\":[{" HB ",\"attributeValue\":\"20\"},{" HB "}]}");
    assert_int_equal(a[1], '4');
    assert_string_equal(js(a, "[2]"), "OccurrenceConstraintViolation");
    a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "3600");
    char p[2048] = "{\"setVariableData\":[";
    for (int i = 0; i <= OCPP_CONFIG_V201_ITEMS_PER_MESSAGE; i++) {
        strcat(p,
               i > 0 ? ",{" HB ",\"attributeValue\":\"9\"}" : "{" HB ",\"attributeValue\":\"9\"}");
    }
    strcat(p, "]}");
    a = csms_call(x, "SetVariables", p);
    assert_string_equal(js(a, "[2]"), "OccurrenceConstraintViolation");
    a = set_var(x, "{" HB ",\"attributeValue\":1}");
    assert_string_equal(js(a, "[2]"), "TypeConstraintViolation");
}

/* Part 2 §2 "Referenced Components and Variables": writable variables are
 * persistent (record "v201vars"): they survive a restart. */
static void test_variables_persist(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    (void)set_var(x, "{" HB ",\"attributeValue\":\"20\"}");
    (void)set_var(x, "{" PING ",\"attributeValue\":\"0\"}");
    assert_int_equal(ocpp_cp_key_set(&x->cp, "OCPPCommCtrlr.MessageTimeout[Default]", "12"),
                     OCPP_KEY_ACCEPTED);
    x = start(1); /* a restart on the same storage */
    assert_string_equal(js(last(x), "[3].reason"), "PowerUp");
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":0}");
    ack_status(x);
    const char *a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "20");
    a = get_var(x, "{" PING "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "0");
    assert_int_equal(x->cp.ss.call_timeout_ms, 12000);
    assert_int_equal(x->keepalive, 0);
}

/* ocpp_cp_key_set() in 2.0.1 mode (ocpp_v201_set_local()). */
static void test_set_local(void **state)
{
    (void)state;
    fx_t *x = power_up(1);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "OCPPCommCtrlr.HeartbeatInterval", "9"),
                     OCPP_KEY_ACCEPTED);
    assert_string_equal(x->changed, "OCPPCommCtrlr.HeartbeatInterval");
    assert_int_equal(ocpp_cp_key_set(&x->cp, "ocppcommctrlr.messagetimeout[default]", "12"),
                     OCPP_KEY_ACCEPTED);
    assert_int_equal(x->cp.ss.call_timeout_ms, 12000);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "OCPPCommCtrlr.HeartbeatInterval", "x"),
                     OCPP_KEY_REJECTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "DeviceDataCtrlr.ItemsPerMessage[GetVariables]", "4"),
                     OCPP_KEY_REJECTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "OCPPCommCtrlr.MessageTimeout", "5"),
                     OCPP_KEY_NOT_SUPPORTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "HeartbeatInterval", "5"), OCPP_KEY_NOT_SUPPORTED);
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":0}");
    ack_status(x);
    const char *a = get_var(x, "{" HB "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "9");
}

/* The application's call_timeout_ms wins over MessageTimeout, which reports it. */
static void test_message_timeout_from_config(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof fx);
    fx.call_timeout_ms = 4500;
    fx_t *x = start(1);
    assert_int_equal(x->cp.ss.call_timeout_ms, 4500);
    reply(x, BOOT_ACCEPTED);
    ack_status(x);
    const char *a = get_var(x, "{" MT "}");
    assert_string_equal(js(a, "[2].getVariableResult[0].attributeValue"), "5");
}

/* ------------------------------------------------------------------------ */
/* B11, B12: Reset                                                           */
/* ------------------------------------------------------------------------ */

/* B11.FR.01/03/04, B01.FR.03/09: Accepted; the reset (soft for OnIdle) once
 * the answer is out; the next boot says RemoteReset, the one after PowerUp. */
static void test_b11_reset_on_idle(void **state)
{
    (void)state;
    fx_t *x = accepted(2);
    const char *a = csms_call(x, "Reset", "{\"type\":\"OnIdle\"}");
    assert_string_equal(js(a, "[2].status"), "Accepted");
    assert_int_equal(x->resets, 1);
    assert_false(x->reset_hard);
    assert_int_equal(x->sent_at_reset, x->n_sent); /* after the answer */
    step(x, 1000);
    assert_int_equal(x->resets, 1);
    x = start(2); /* the application restarts the library */
    assert_true(is_call(last(x), "BootNotification"));
    assert_string_equal(js(last(x), "[3].reason"), "RemoteReset");
    reply(x, BOOT_ACCEPTED);
    ack_status(x);
    x = start(2);
    assert_string_equal(js(last(x), "[3].reason"), "PowerUp");
}

/* Immediate: a hard reset. */
static void test_b11_reset_immediate(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    const char *a = csms_call(x, "Reset", "{\"type\":\"Immediate\"}");
    assert_string_equal(js(a, "[2].status"), "Accepted");
    assert_int_equal(x->resets, 1);
    assert_true(x->reset_hard);
}

/* B11.FR.09: evseId given (resetting one EVSE is not supported) -> Rejected;
 * B11.FR.06: no reset callback -> Rejected; bad requests. */
static void test_b11_reset_rejected(void **state)
{
    (void)state;
    fx_t *x = accepted(2);
    const char *a = csms_call(x, "Reset", "{\"type\":\"Immediate\",\"evseId\":1}");
    assert_string_equal(js(a, "[2].status"), "Rejected");
    a = csms_call(x, "Reset", "{\"type\":\"Later\"}");
    assert_string_equal(js(a, "[2]"), "PropertyConstraintViolation");
    a = csms_call(x, "Reset", "{}");
    assert_string_equal(js(a, "[2]"), "OccurrenceConstraintViolation");
    a = csms_call(x, "Reset", "{\"type\":\"OnIdle\",\"evseId\":\"1\"}");
    assert_string_equal(js(a, "[2]"), "TypeConstraintViolation");
    step(x, 1000);
    assert_int_equal(x->resets, 0);
    memset(&fx, 0, sizeof fx);
    fx.no_reset_cb = true;
    x = start(1);
    reply(x, BOOT_ACCEPTED);
    ack_status(x);
    a = csms_call(x, "Reset", "{\"type\":\"OnIdle\"}");
    assert_string_equal(js(a, "[2].status"), "Rejected");
}

/* B12.FR.01: OnIdle while a transaction runs -> Scheduled; the reset when
 * it has ended. B12.FR.02: Immediate -> Accepted, the transaction stopped
 * (energy off) before the reset. */
static void test_b12_reset_with_transaction(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    ocpp_station_set_authorized(&x->cp.st, 1, "TAG", NULL);
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    ack_status(x);
    assert_int_equal(ocpp_station_running(&x->cp.st), 1);
    const char *a = csms_call(x, "Reset", "{\"type\":\"OnIdle\"}");
    assert_string_equal(js(a, "[2].status"), "Scheduled");
    step(x, 5000);
    assert_int_equal(x->resets, 0);
    assert_int_equal(ocpp_cp_stop(&x->cp, 1, OCPP_STOP_LOCAL), OCPP_OK);
    step(x, 0);
    ack_status(x);
    assert_int_equal(x->resets, 1);
    assert_false(x->reset_hard);

    x = accepted(1);
    ocpp_station_set_authorized(&x->cp.st, 1, "TAG", NULL);
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    ack_status(x);
    a = csms_call(x, "Reset", "{\"type\":\"Immediate\"}");
    assert_string_equal(js(a, "[2].status"), "Accepted");
    assert_int_equal(ocpp_station_running(&x->cp.st), 0);
    assert_int_equal(x->resets, 1);
    assert_true(x->reset_hard);
}

/* ------------------------------------------------------------------------ */
/* Dispatch, station events                                                  */
/* ------------------------------------------------------------------------ */

/* OCPP-J 2.0.1 §4.3: NotImplemented for a name that is no 2.0.1 action (1.6
 * names included), NotSupported for a 2.0.1 action without a handler. */
static void test_dispatch_201(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    const char *a = csms_call(x, "NoSuchAction", "{}");
    assert_string_equal(js(a, "[2]"), "NotImplemented");
    a = csms_call(x, "ChangeConfiguration", "{\"key\":\"a\",\"value\":\"b\"}");
    assert_string_equal(js(a, "[2]"), "NotImplemented");
    a = csms_call(x, "ClearCache", "{}");
    assert_string_equal(js(a, "[2]"), "NotSupported");
    a = csms_call(x, "getvariables", "{}");
    assert_string_equal(js(a, "[2]"), "NotImplemented"); /* case-sensitive */
}

/* An authorization the station would ask the CSMS for is decided as offline
 * (Authorize is not implemented for 2.0.1): it does not hang. */
static void test_auth_needed_decided_offline(void **state)
{
    (void)state;
    fx_t *x = accepted(1);
    assert_true(x->cp.st.online);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "TAG"), OCPP_OK);
    step(x, 0);
    assert_int_equal(x->events[OCPP_CP_EV_AUTH_REJECTED], 1);
    assert_int_equal(count(x, 0, "Authorize"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b01_boot_notification_first),
        cmocka_unit_test(test_b01_accepted),
        cmocka_unit_test(test_g01_status_time_in_milliseconds),
        cmocka_unit_test(test_g02_heartbeat_timer_restarts),
        cmocka_unit_test(test_b02_pending),
        cmocka_unit_test(test_b02_fr07_interval_zero),
        cmocka_unit_test(test_b03_rejected),
        cmocka_unit_test(test_b03_fr08_security_error),
        cmocka_unit_test(test_b01_boot_retry_after_timeout),
        cmocka_unit_test(test_g01_status_projection),
        cmocka_unit_test(test_g01_status_changes),
        cmocka_unit_test(test_g01_status_retry),
        cmocka_unit_test(test_b06_get_variables),
        cmocka_unit_test(test_b06_unknown),
        cmocka_unit_test(test_b06_fr16_and_bad_requests),
        cmocka_unit_test(test_b05_set_accepted),
        cmocka_unit_test(test_b05_set_refused),
        cmocka_unit_test(test_b05_checked_before_set),
        cmocka_unit_test(test_variables_persist),
        cmocka_unit_test(test_set_local),
        cmocka_unit_test(test_message_timeout_from_config),
        cmocka_unit_test(test_b11_reset_on_idle),
        cmocka_unit_test(test_b11_reset_immediate),
        cmocka_unit_test(test_b11_reset_rejected),
        cmocka_unit_test(test_b12_reset_with_transaction),
        cmocka_unit_test(test_dispatch_201),
        cmocka_unit_test(test_auth_needed_decided_offline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
