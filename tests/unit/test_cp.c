/*
 * Charge-point session engine: boot, heartbeat, status notifications,
 * reconnect, the one outstanding CALL, Rejected/Pending rules. Runs against
 * a scripted message port; time is passed in, so nothing sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"

/* ------------------------------------------------------------------------ */
/* Fake message port                                                         */
/* ------------------------------------------------------------------------ */

#define MAX_MSGS 64
#define MSG_CAP  4096

typedef struct {
    ocpp_status_t open_result;
    int opens, closes;
    char sent[MAX_MSGS][MSG_CAP];
    int n_sent;
    char inbox[MAX_MSGS][MSG_CAP];
    size_t inbox_len[MAX_MSGS];
    ocpp_status_t inbox_status[MAX_MSGS];
    int in_head, in_tail;
    ocpp_status_t recv_error; /* returned once when the inbox is empty */
    char last_user[64];
    size_t last_pass_len;
} fake_t;

static ocpp_status_t f_open(void *ctx, const ocpp_msg_open_t *p)
{
    fake_t *f = ctx;
    f->opens++;
    snprintf(f->last_user, sizeof f->last_user, "%s", p->basic_user ? p->basic_user : "");
    f->last_pass_len = p->basic_pass_len;
    return f->open_result;
}

static ocpp_status_t f_send(void *ctx, char *msg, size_t len)
{
    fake_t *f = ctx;
    assert_true(f->n_sent < MAX_MSGS);
    assert_true(len < MSG_CAP);
    memcpy(f->sent[f->n_sent], msg, len);
    f->sent[f->n_sent][len] = '\0';
    f->n_sent++;
    return OCPP_OK;
}

static ocpp_status_t f_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    fake_t *f = ctx;
    (void)now;
    if (f->in_head == f->in_tail) {
        ocpp_status_t e = f->recv_error;
        f->recv_error = OCPP_PENDING;
        return e;
    }
    int i = f->in_head++;
    *msg = f->inbox[i];
    *len = f->inbox_len[i];
    return f->inbox_status[i];
}

static void f_close(void *ctx)
{
    ((fake_t *)ctx)->closes++;
}

static void push_status(fake_t *f, ocpp_status_t st, const char *text)
{
    assert_true(f->in_tail < MAX_MSGS);
    snprintf(f->inbox[f->in_tail], MSG_CAP, "%s", text);
    f->inbox_len[f->in_tail] = strlen(text);
    f->inbox_status[f->in_tail] = st;
    f->in_tail++;
}

static void push(fake_t *f, const char *text)
{
    push_status(f, OCPP_OK, text);
}

static uint32_t seq_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    fake_t f;
    ocpp_msg_port_t port;
    uint32_t rng;
    ocpp_cp_t cp;
    char tx[4096];
    uint32_t now;
} fx_t;

static fx_t fx_storage;

static fx_t *fx_new(void)
{
    fx_t *x = &fx_storage;
    memset(x, 0, sizeof *x);
    x->f.open_result = OCPP_OK;
    x->f.recv_error = OCPP_PENDING;
    x->port = (ocpp_msg_port_t){&x->f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    x->rng = 42;
    ocpp_cp_config_t c = {.identity = "CP-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .connectors = 2};
    ocpp_cp_ports_t p = {.msg = &x->port, .random = seq_random, .random_ctx = &x->rng};
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, NULL, x->tx, sizeof x->tx), OCPP_OK);
    x->now = 1000;
    return x;
}

static void step(fx_t *x, uint32_t ms)
{
    x->now += ms;
    ocpp_cp_poll(&x->cp, x->now);
}

static const char *last(fx_t *x)
{
    assert_true(x->f.n_sent > 0);
    return x->f.sent[x->f.n_sent - 1];
}

/** The message id of sent message i (its second array element). */
static void id_of(const char *msg, char *id, size_t cap)
{
    const char *p = strchr(msg, '"');
    assert_non_null(p);
    const char *e = strchr(p + 1, '"');
    assert_non_null(e);
    size_t n = (size_t)(e - p - 1);
    assert_true(n < cap);
    memcpy(id, p + 1, n);
    id[n] = '\0';
}

/** Answer the last sent CALL with a CALLRESULT carrying `payload`. */
static void reply(fx_t *x, const char *payload)
{
    char id[40], buf[MSG_CAP];
    id_of(last(x), id, sizeof id);
    snprintf(buf, sizeof buf, "[3,\"%s\",%s]", id, payload);
    push(&x->f, buf);
}

static bool sent_action(const char *msg, const char *action)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\",", action);
    return strncmp(msg, "[2,", 3) == 0 && strstr(msg, pat) != NULL;
}

#define ACCEPTED                                                         \
    "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\"," \
    "\"interval\":60}"

/** Boot and confirm the three initial StatusNotifications. */
static void boot_accepted(fx_t *x)
{
    step(x, 0);
    assert_int_equal(x->f.n_sent, 1);
    assert_true(sent_action(last(x), "BootNotification"));
    reply(x, ACCEPTED);
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    for (int i = 0; i <= 2; i++) {
        assert_true(sent_action(last(x), "StatusNotification"));
        reply(x, "{}");
        step(x, 0);
    }
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

/* OCPP 1.6 §4.2: "After the Central System accepts a Charge Point by sending a
 * BootNotification.conf with a status Accepted, the Charge Point SHALL send a
 * StatusNotification.req PDU for connectorId 0 and all connectors". */
static void test_boot_accepted_then_status_for_all_connectors(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    step(x, 0);
    assert_true(strstr(last(x), "\"chargePointVendor\":\"V\"") != NULL);
    assert_true(strstr(last(x), "\"chargePointModel\":\"M\"") != NULL);
    reply(x, ACCEPTED);
    for (int i = 0; i <= 2; i++) {
        step(x, 0);
        char pat[32];
        snprintf(pat, sizeof pat, "\"connectorId\":%d", i);
        assert_true(sent_action(last(x), "StatusNotification"));
        assert_non_null(strstr(last(x), pat));
        assert_non_null(strstr(last(x), "\"status\":\"Available\""));
        assert_non_null(strstr(last(x), "\"errorCode\":\"NoError\""));
        assert_non_null(strstr(last(x), "\"timestamp\":\"2026-11-22T06:00:00"));
        reply(x, "{}");
    }
    step(x, 0);
    assert_int_equal(x->f.n_sent, 4);
    /* §4.2: currentTime sets the clock. 2026-11-22T06:00:00Z = 1795327200. */
    assert_true(ocpp_cp_time(&x->cp) == 1795327200);
}

/* OCPP 1.6 §4.6 / §9.1 HeartbeatInterval: with Accepted, interval is the
 * heartbeat interval; a Heartbeat goes out when nothing was sent for it. */
static void test_heartbeat_at_interval(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    int n = x->f.n_sent;
    step(x, 59000);
    assert_int_equal(x->f.n_sent, n);
    step(x, 1000);
    assert_int_equal(x->f.n_sent, n + 1);
    assert_true(sent_action(last(x), "Heartbeat"));
    reply(x, "{\"currentTime\":\"2026-11-22T07:00:00.000Z\"}");
    step(x, 0);
    assert_true(ocpp_cp_time(&x->cp) == 1795330800);
    assert_int_equal(x->cp.cfg.heartbeat_interval, 60);
}

/* OCPP 1.6 §4.2: Pending → "The Charge Point SHALL NOT send request messages
 * to the Central System unless it has been instructed ... The Charge Point
 * SHOULD respond to these messages"; the next BootNotification after interval.
 */
static void test_boot_pending_answers_calls_and_retries(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    step(x, 0);
    reply(x, "{\"status\":\"Pending\",\"currentTime\":\"2026-11-22T06:00:00Z\","
             "\"interval\":5}");
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_PENDING);
    assert_int_equal(x->f.n_sent, 1);
    push(&x->f, "[2,\"g1\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]");
    step(x, 1000);
    assert_int_equal(x->f.n_sent, 2);
    assert_true(strncmp(last(x), "[3,\"g1\",", 8) == 0);
    step(x, 3000);
    assert_int_equal(x->f.n_sent, 2); /* no request before the interval */
    step(x, 1000);
    assert_int_equal(x->f.n_sent, 3);
    assert_true(sent_action(last(x), "BootNotification"));
    reply(x, ACCEPTED);
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/* OCPP 1.6 §4.2: "While Rejected, the Charge Point SHALL NOT respond to any
 * Central System initiated message" and sends nothing until the interval. */
static void test_boot_rejected_is_silent_until_interval(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    step(x, 0);
    reply(x, "{\"status\":\"Rejected\",\"currentTime\":\"2026-11-22T06:00:00Z\","
             "\"interval\":10}");
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_REJECTED);
    push(&x->f, "[2,\"g1\",\"GetConfiguration\",{}]");
    push(&x->f, "[2,\"g2\",\"NoSuchAction\",{}]");
    step(x, 9000);
    assert_int_equal(x->f.n_sent, 1);
    step(x, 1000);
    assert_int_equal(x->f.n_sent, 2);
    assert_true(sent_action(last(x), "BootNotification"));
}

/* OCPP 1.6 §4.2: a BootNotification is sent "each time it boots or reboots"
 * — a reconnect is neither; a status changed while offline is sent after. */
static void test_reconnect_without_new_boot(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    x->f.recv_error = OCPP_ERR_CLOSED;
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_OFFLINE);
    assert_int_equal(ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_GROUND_FAILURE, NULL, NULL), OCPP_OK);
    int n = x->f.n_sent;
    step(x, 1000); /* first back-off is at most 1 s */
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    step(x, 0);
    assert_int_equal(x->f.n_sent, n + 1);
    assert_true(sent_action(last(x), "StatusNotification"));
    assert_non_null(strstr(last(x), "\"errorCode\":\"GroundFailure\""));
    assert_non_null(strstr(last(x), "\"status\":\"Faulted\""));
}

/* A StatusNotification on the wire when the connection drops has no answer
 * and no error: it is sent again as soon as the new connection is up (OCPP
 * 1.6 §4.9 the CSMS must learn the status), not after the wait that follows a
 * failed CALL on a working connection; nor does it hold back other messages. */
static void test_status_in_flight_resent_after_reconnect(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    int n = x->f.n_sent;
    assert_int_equal(ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_GROUND_FAILURE, NULL, NULL), OCPP_OK);
    step(x, 0);
    assert_int_equal(x->f.n_sent, n + 1);
    assert_true(sent_action(last(x), "StatusNotification"));
    x->f.recv_error = OCPP_ERR_CLOSED; /* lost with its answer */
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_OFFLINE);
    uint32_t waited = 0;
    while (x->f.n_sent == n + 1) {
        step(x, 100);
        waited += 100;
        assert_true(waited <= 1100); /* back-off (<= 1 s) + one poll */
    }
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    assert_true(sent_action(last(x), "StatusNotification"));
    assert_non_null(strstr(last(x), "\"errorCode\":\"GroundFailure\""));
}

/* Exponential back-off with jitter: each wait lies in [b/2, b], b doubling
 * from backoff_min_ms up to backoff_max_ms. */
static void test_backoff_doubles_with_jitter(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    x->f.open_result = OCPP_ERR_IO;
    step(x, 0);
    assert_int_equal(x->f.opens, 1);
    uint32_t b = 1000;
    for (int attempt = 2; attempt < 12; attempt++) {
        uint32_t waited = 0;
        while (x->f.opens < attempt) {
            step(x, 10);
            waited += 10;
            assert_true(waited <= b + 10);
        }
        assert_true(waited + 10 >= b / 2);
        b = b * 2 > 60000 ? 60000 : b * 2;
    }
}

/* OCPP 1.6 §9.1 MinimumStatusDuration: "The minimum duration that a Charge
 * Point or Connector status is stable before a StatusNotification.req PDU is
 * sent to the Central System." */
static void test_minimum_status_duration(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "MinimumStatusDuration", "5"), OCPP_KEY_ACCEPTED);
    int n = x->f.n_sent;
    ocpp_cp_plugged(&x->cp, 1, true); /* Preparing */
    step(x, 2000);
    ocpp_cp_plugged(&x->cp, 1, false); /* Available again */
    step(x, 10000);
    assert_int_equal(x->f.n_sent, n); /* flip-flop never reported */
    ocpp_cp_plugged(&x->cp, 2, true);
    step(x, 4000);
    assert_int_equal(x->f.n_sent, n);
    step(x, 1000);
    assert_int_equal(x->f.n_sent, n + 1);
    assert_non_null(strstr(last(x), "\"status\":\"Preparing\""));
}

/* OCPP-J 1.6 §4.1.1: at most one outstanding CALL; no answer in time → the
 * CALL failed (a BootNotification is retried later). */
static void test_call_timeout_and_single_outstanding(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    step(x, 0);
    assert_int_equal(x->f.n_sent, 1);
    step(x, 29000);
    assert_int_equal(x->f.n_sent, 1);
    step(x, 1000); /* timeout at 30 s */
    step(x, 29000);
    assert_int_equal(x->f.n_sent, 1);
    step(x, 1000); /* boot retried 30 s after the failure */
    assert_int_equal(x->f.n_sent, 2);
    assert_true(sent_action(last(x), "BootNotification"));
}

/* OCPP-J: a CALLRESULT whose id matches no outstanding CALL is ignored. */
static void test_unknown_reply_ignored(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    step(x, 0);
    push(&x->f, "[3,\"not-ours\"," ACCEPTED "]");
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_BOOTING);
    assert_int_equal(x->f.n_sent, 1);
    push(&x->f, "[4,\"not-ours\",\"GenericError\",\"\",{}]");
    step(x, 0);
    assert_int_equal(x->f.n_sent, 1);
}

/* OCPP-J 1.6 §4.2.3: a CALL that cannot be handled is answered with a
 * CALLERROR, and the connection stays up. */
static void test_unknown_action_gets_callerror(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    push(&x->f, "[2,\"u1\",\"FlyToTheMoon\",{}]");
    step(x, 0);
    assert_true(strncmp(last(x), "[4,\"u1\",\"NotImplemented\"", 24) == 0);
    push(&x->f, "[2,\"u2\",\"GetConfiguration\",{\"key\":5}]");
    step(x, 0);
    assert_true(strncmp(last(x), "[4,\"u2\",\"TypeConstraintViolation\"", 33) == 0);
    push(&x->f, "[2,\"u3\",\"GetConfiguration\",{}]");
    step(x, 0);
    assert_true(strncmp(last(x), "[3,\"u3\",{\"configurationKey\":[", 29) == 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/* A message larger than the receive buffer is refused with a CALLERROR that
 * names its id (recovered from the prefix the transport kept). */
static void test_too_large_message_answered(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    push_status(&x->f, OCPP_ERR_TOO_LARGE,
                "[2,\"big-1\",\"DataTransfer\",{\"vendorId\":\"xxxxxxxx");
    step(x, 0);
    assert_true(strncmp(last(x), "[4,\"big-1\",", 11) == 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/* OCPP 1.6 §5.8: ChangeConfiguration answers Accepted / Rejected /
 * NotSupported, and an accepted HeartbeatInterval takes effect. */
static void test_change_configuration(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    boot_accepted(x);
    push(&x->f, "[2,\"c1\",\"ChangeConfiguration\",{\"key\":"
                "\"HeartbeatInterval\",\"value\":\"7\"}]");
    step(x, 0);
    assert_string_equal(last(x), "[3,\"c1\",{\"status\":\"Accepted\"}]");
    char v[16];
    assert_int_equal(ocpp_cp_key_get(&x->cp, "heartbeatinterval", v, sizeof v), OCPP_OK);
    assert_string_equal(v, "7");
    /* ocpp_cp_key_get(): unknown, write-only, too small, bad arguments */
    assert_int_equal(ocpp_cp_key_get(&x->cp, "NoSuchKey", v, sizeof v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_cp_key_get(&x->cp, "AuthorizationKey", v, sizeof v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_cp_key_get(&x->cp, "HeartbeatInterval", v, 1), OCPP_ERR_NOMEM);
    assert_string_equal(v, "");
    assert_int_equal(ocpp_cp_key_get(&x->cp, NULL, v, sizeof v), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cp_key_get(NULL, "HeartbeatInterval", v, sizeof v), OCPP_ERR_PARAM);
    push(&x->f, "[2,\"c2\",\"ChangeConfiguration\",{\"key\":\"NoSuchKey\","
                "\"value\":\"1\"}]");
    step(x, 0);
    assert_string_equal(last(x), "[3,\"c2\",{\"status\":\"NotSupported\"}]");
    push(&x->f, "[2,\"c3\",\"ChangeConfiguration\",{\"key\":"
                "\"HeartbeatInterval\",\"value\":\"x\"}]");
    step(x, 0);
    assert_string_equal(last(x), "[3,\"c3\",{\"status\":\"Rejected\"}]");
    push(&x->f, "[2,\"c4\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\"}]");
    step(x, 0);
    assert_true(strncmp(last(x), "[4,\"c4\",", 8) == 0);
    /* §6.9 value is CiString500: 300 characters are valid but no key takes
     * them (Rejected); 501 are a PropertyConstraintViolation. */
    char big[700];
    memset(big, 0, sizeof big);
    strcpy(big, "[2,\"c5\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":\"");
    memset(big + strlen(big), '7', 300);
    strcat(big, "\"}]");
    push(&x->f, big);
    step(x, 0);
    assert_string_equal(last(x), "[3,\"c5\",{\"status\":\"Rejected\"}]");
    memset(big, 0, sizeof big);
    strcpy(big, "[2,\"c6\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":\"");
    memset(big + strlen(big), '7', 501);
    strcat(big, "\"}]");
    push(&x->f, big);
    step(x, 0);
    assert_true(strncmp(last(x), "[4,\"c6\",\"PropertyConstraintViolation\"", 37) == 0);
    int n = x->f.n_sent;
    step(x, 7000);
    assert_int_equal(x->f.n_sent, n + 1);
    assert_true(sent_action(last(x), "Heartbeat"));
}

/* ocpp_cp_poll() takes a wrapping monotonic clock: a charge point that is
 * (re)initialised after 2^31 ms (24.8 days) of uptime, e.g. after a soft
 * reset, must connect, boot and report at once, not 24 days later. */
static void test_init_late_in_the_clock(void **s)
{
    (void)s;
    fx_t *x = fx_new();
    x->now = 0x90000000u;
    step(x, 0);
    assert_int_equal(x->f.n_sent, 1);
    assert_true(sent_action(last(x), "BootNotification"));
    reply(x, ACCEPTED);
    step(x, 0);
    assert_true(sent_action(last(x), "StatusNotification"));
    x->now = 0xFFFFFF00u; /* and across the wrap */
    for (int i = 0; i < 2; i++) {
        reply(x, "{}");
        step(x, 200);
    }
    assert_int_equal(x->f.n_sent, 4);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/* Init validates its input: bad URLs and missing fields are OCPP_ERR_PARAM. */
static void test_init_rejects_bad_config(void **s)
{
    (void)s;
    static ocpp_cp_t cp;
    static char tx[1024];
    fake_t f = {0};
    uint32_t rng = 1;
    ocpp_msg_port_t port = {&f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    ocpp_cp_ports_t p = {.msg = &port, .random = seq_random, .random_ctx = &rng};
    const char *bad_urls[] = {"http://x/",  "ws://",       "ws://h:0/", "ws://h:70000/",
                              "ws://[::1/", "ws://h:12a/", "wss://h:/"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        ocpp_cp_config_t c = {.identity = "CP",
                              .csms_url = bad_urls[i],
                              .vendor = "V",
                              .model = "M",
                              .connectors = 1};
        assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_ERR_PARAM);
    }
    ocpp_cp_config_t c = {.identity = "CP 1/é",
                          .csms_url = "wss://[::1]:8443/a/b",
                          .vendor = "V",
                          .model = "M",
                          .connectors = 1};
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_OK);
    assert_string_equal(cp.ss.open.ep.host, "::1");
    assert_int_equal(cp.ss.open.ep.port, 8443);
    assert_true(cp.ss.open.ep.tls);
    assert_string_equal(cp.ss.open.path, "/a/b/CP%201%2F%C3%A9");
    c.connectors = OCPP_CONFIG_MAX_CONNECTORS + 1;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_ERR_PARAM);
    c.connectors = 1;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, 100), OCPP_ERR_PARAM);
    /* An OCPP version that does not exist, or is not compiled in. */
    c.version = (ocpp_version_t)7;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_ERR_PARAM);
    c.version = OCPP_VERSION_201;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx),
                     OCPP_CONFIG_OCPP201 ? OCPP_OK : OCPP_ERR_PARAM);
    c.version = OCPP_VERSION_16;
    c.vendor = NULL;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_ERR_PARAM);
}

/* The log of init, for the test below. */
typedef struct {
    char line[256];
    ocpp_log_level_t level;
} init_log_t;

static void capture_log(void *ctx, ocpp_log_level_t level, const char *fmt, va_list ap)
{
    init_log_t *l = ctx;
    l->level = level;
    vsnprintf(l->line, sizeof l->line, fmt, ap);
}

/* OCPP 1.6 §6.2 BootNotification.req: chargePointVendor and chargePointModel
 * are CiString20Type, the serial numbers and meterType CiString25Type,
 * firmwareVersion CiString50Type, iccid and imsi CiString20Type; §2: "CiString:
 * Case Insensitive String. Only printable ASCII allowed." A field that breaks
 * that would make every BootNotification a schema violation (issue 18: a
 * 26-character serial looped in "connecting"), so init refuses it and names
 * it in an error line; the limits themselves are accepted. */
static void test_init_checks_boot_fields(void **s)
{
    (void)s;
    static ocpp_cp_t cp;
    static char tx[1024];
    fake_t f = {0};
    uint32_t rng = 1;
    init_log_t lg = {0};
    ocpp_msg_port_t port = {&f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    ocpp_cp_ports_t p = {
        .msg = &port, .random = seq_random, .random_ctx = &rng, .log = capture_log, .log_ctx = &lg};
    const char *s20 = "12345678901234567890";
    const char *s25 = "1234567890123456789012345";
    const char *s50 = "12345678901234567890123456789012345678901234567890";
    ocpp_cp_config_t ok = {.identity = "CP",
                           .csms_url = "ws://h/",
                           .vendor = s20,
                           .model = s20,
                           .serial_number = s25,
                           .charge_box_serial = s25,
                           .firmware_version = s50,
                           .iccid = s20,
                           .imsi = s20,
                           .meter_type = s25,
                           .meter_serial = s25,
                           .connectors = 1};
    assert_int_equal(ocpp_cp_init(&cp, &ok, &p, NULL, tx, sizeof tx), OCPP_OK);
    assert_string_equal(lg.line, "");
    const struct {
        const char **field;
        const char *value;
        const char *name;
    } bad[] = {
        {&ok.vendor, "123456789012345678901", "chargePointVendor"},
        {&ok.model, "123456789012345678901", "chargePointModel"},
        {&ok.serial_number, "12345678901234567890123456", "chargePointSerialNumber"},
        {&ok.charge_box_serial, "CP-WITH-A-VERY-LONG-NAME-1", "chargeBoxSerialNumber"},
        {&ok.firmware_version, "123456789012345678901234567890123456789012345678901",
         "firmwareVersion"},
        {&ok.iccid, "123456789012345678901", "iccid"},
        {&ok.imsi, "123456789012345678901", "imsi"},
        {&ok.meter_type, "12345678901234567890123456", "meterType"},
        {&ok.meter_serial, "12345678901234567890123456", "meterSerialNumber"},
        {&ok.model, "M\xc3\xbc", "chargePointModel"},       /* not ASCII */
        {&ok.firmware_version, "1.0\t", "firmwareVersion"}, /* a control character */
        {&ok.charge_box_serial, "", "chargeBoxSerialNumber"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *saved = *bad[i].field;
        *bad[i].field = bad[i].value;
        ocpp_cp_config_t c = ok;
        *bad[i].field = saved;
        lg.line[0] = '\0';
        assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_ERR_PARAM);
        assert_int_equal(lg.level, OCPP_LOG_ERROR);
        assert_non_null(strstr(lg.line, bad[i].name));
        assert_non_null(strstr(lg.line, "printable ASCII"));
    }
}

/* ocpp_cp_key_list(): every key as GetConfiguration.conf lists it (§5.8),
 * write-only AuthorizationKey left out; a writer too small says so. */
static void test_key_list(void **s)
{
    (void)s;
    static ocpp_cp_t cp;
    static char tx[1024];
    static char out[8192];
    fake_t f = {0};
    uint32_t rng = 1;
    ocpp_msg_port_t port = {&f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    ocpp_cp_ports_t p = {.msg = &port, .random = seq_random, .random_ctx = &rng};
    ocpp_cp_config_t c = {
        .identity = "CP", .csms_url = "ws://h/", .vendor = "V", .model = "M", .connectors = 1};
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_OK);
    assert_int_equal(ocpp_cp_key_set(&cp, "HeartbeatInterval", "77"), OCPP_KEY_ACCEPTED);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, out, sizeof out);
    assert_int_equal(ocpp_cp_key_list(&cp, &w), OCPP_OK);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    assert_non_null(strstr(out, "{\"configurationKey\":[{\"key\":"));
    assert_non_null(
        strstr(out, "{\"key\":\"HeartbeatInterval\",\"readonly\":false,\"value\":\"77\"}"));
    assert_non_null(strstr(out, "\"key\":\"NumberOfConnectors\",\"readonly\":true"));
    assert_null(strstr(out, "AuthorizationKey"));
    ocpp_jw_init(&w, out, 40);
    assert_int_not_equal(ocpp_cp_key_list(&cp, &w), OCPP_OK);
    assert_int_equal(ocpp_cp_key_list(NULL, &w), OCPP_ERR_PARAM);
#if OCPP_CONFIG_OCPP201
    c.version = OCPP_VERSION_201;
    assert_int_equal(ocpp_cp_init(&cp, &c, &p, NULL, tx, sizeof tx), OCPP_OK);
    ocpp_jw_init(&w, out, sizeof out);
    assert_int_equal(ocpp_cp_key_list(&cp, &w), OCPP_ERR_STATE);
#endif
}

/* No globals: 100 charge points in one process, each with its own context,
 * boot and report independently. */
static void test_hundred_independent_charge_points(void **s)
{
    (void)s;
    enum { N = 100 };
    static fake_t f[N];
    static ocpp_msg_port_t port[N];
    static ocpp_cp_t cp[N];
    static char tx[N][1024];
    static char ids[N][16];
    uint32_t rng = 7;
    for (int i = 0; i < N; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].recv_error = OCPP_PENDING;
        port[i] = (ocpp_msg_port_t){&f[i], f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
        snprintf(ids[i], sizeof ids[i], "CP-%04d", i);
        ocpp_cp_config_t c = {.identity = ids[i],
                              .csms_url = "ws://h/ocpp",
                              .vendor = "V",
                              .model = "M",
                              .connectors = 1};
        ocpp_cp_ports_t p = {.msg = &port[i], .random = seq_random, .random_ctx = &rng};
        assert_int_equal(ocpp_cp_init(&cp[i], &c, &p, NULL, tx[i], sizeof tx[i]), OCPP_OK);
        ocpp_cp_poll(&cp[i], 0);
    }
    for (int i = 0; i < N; i += 2) { /* accept every other one */
        char id[40], buf[256];
        id_of(f[i].sent[0], id, sizeof id);
        snprintf(buf, sizeof buf, "[3,\"%s\"," ACCEPTED "]", id);
        push(&f[i], buf);
    }
    for (int i = 0; i < N; i++) {
        ocpp_cp_poll(&cp[i], 10);
        assert_int_equal(ocpp_cp_connection(&cp[i]),
                         i % 2 == 0 ? OCPP_CP_ACCEPTED : OCPP_CP_BOOTING);
        char path[32];
        snprintf(path, sizeof path, "/ocpp/%.15s", ids[i]); /* ids[i] holds <= 15 chars */
        assert_string_equal(cp[i].ss.open.path, path);
        assert_int_equal(f[i].n_sent, i % 2 == 0 ? 2 : 1); /* boot + first status, or boot */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boot_accepted_then_status_for_all_connectors),
        cmocka_unit_test(test_heartbeat_at_interval),
        cmocka_unit_test(test_boot_pending_answers_calls_and_retries),
        cmocka_unit_test(test_boot_rejected_is_silent_until_interval),
        cmocka_unit_test(test_reconnect_without_new_boot),
        cmocka_unit_test(test_status_in_flight_resent_after_reconnect),
        cmocka_unit_test(test_backoff_doubles_with_jitter),
        cmocka_unit_test(test_minimum_status_duration),
        cmocka_unit_test(test_call_timeout_and_single_outstanding),
        cmocka_unit_test(test_unknown_reply_ignored),
        cmocka_unit_test(test_unknown_action_gets_callerror),
        cmocka_unit_test(test_too_large_message_answered),
        cmocka_unit_test(test_change_configuration),
        cmocka_unit_test(test_init_late_in_the_clock),
        cmocka_unit_test(test_init_rejects_bad_config),
        cmocka_unit_test(test_init_checks_boot_fields),
        cmocka_unit_test(test_key_list),
        cmocka_unit_test(test_hundred_independent_charge_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
