/*
 * OCPP 1.6 security whitepaper edition 3 at the charge point: the
 * AuthorizationKey never shown (A01.FR.12), SecurityProfile raised only,
 * only when its prerequisites are met (A05.FR.01-05), reconnected with
 * (A05.FR.06/07) and taken back when that fails (A05.FR.08); profiles 2 and
 * 3 never over ws:// (§2.4, §2.5). Scripted message port and storage; time
 * is passed in, nothing sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"

#define MAX_MSGS 64
#define MSG_CAP  1024
#define KEY      "0123456789abcdef0123" /* 20 characters: a plain password */

typedef struct {
    ocpp_status_t open_result;
    int opens;
    bool last_tls;
    size_t last_pass_len;
    char sent[MAX_MSGS][MSG_CAP];
    int n_sent;
    char inbox[MAX_MSGS][MSG_CAP];
    int in_head, in_tail;
    /* what the application saw */
    char seen_in[MAX_MSGS][MSG_CAP];
    int n_seen_in;
    int connect_failed;
    ocpp_status_t last_failure;
    /* the storage: one record */
    char record[2048];
    int record_len; /* -1: none */
} fake_t;

typedef struct {
    fake_t f;
    ocpp_msg_port_t port;
    ocpp_storage_port_t store;
    uint32_t rng;
    ocpp_cp_t cp;
    char tx[2048];
    uint32_t now;
} fx_t;

static fx_t fx_storage;

static ocpp_status_t f_open(void *ctx, const ocpp_msg_open_t *p)
{
    fake_t *f = ctx;
    f->opens++;
    f->last_tls = p->ep.tls;
    f->last_pass_len = p->basic_pass_len;
    return f->open_result;
}

static ocpp_status_t f_send(void *ctx, char *msg, size_t len)
{
    fake_t *f = ctx;
    assert_true(f->n_sent < MAX_MSGS && len < MSG_CAP);
    memcpy(f->sent[f->n_sent], msg, len);
    f->sent[f->n_sent++][len] = '\0';
    return OCPP_OK;
}

static ocpp_status_t f_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    fake_t *f = ctx;
    (void)now;
    if (f->in_head == f->in_tail) {
        return OCPP_PENDING;
    }
    *msg = f->inbox[f->in_head];
    *len = strlen(f->inbox[f->in_head]);
    f->in_head++;
    return OCPP_OK;
}

static void f_close(void *ctx)
{
    (void)ctx;
}

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    fake_t *f = ctx;
    if (strcmp(key, "config") != 0 || f->record_len < 0) {
        return OCPP_ERR_NOT_FOUND;
    }
    if ((size_t)f->record_len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, f->record, (size_t)f->record_len);
    return f->record_len;
}

static ocpp_status_t s_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    fake_t *f = ctx;
    if (strcmp(key, "config") == 0) {
        assert_true(len < sizeof f->record);
        memcpy(f->record, data, len);
        f->record[len] = '\0';
        f->record_len = (int)len;
    }
    return OCPP_OK;
}

static ocpp_status_t s_remove(void *ctx, const char *key)
{
    (void)ctx;
    (void)key;
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
    fake_t *f = ctx;
    if (ev->kind == OCPP_CP_EV_MSG_IN && f->n_seen_in < MAX_MSGS) {
        assert_true(ev->len < MSG_CAP);
        memcpy(f->seen_in[f->n_seen_in], ev->text, ev->len);
        f->seen_in[f->n_seen_in++][ev->len] = '\0';
    } else if (ev->kind == OCPP_CP_EV_CONNECT_FAILED) {
        f->connect_failed++;
        f->last_failure = ev->status;
    }
}

static void step(fx_t *x, uint32_t ms)
{
    x->now += ms;
    ocpp_cp_poll(&x->cp, x->now);
}

/** A charge point on `url`, not polled yet; `record` the persisted configuration or NULL. */
static fx_t *fx_new(const char *url, bool client_cert, const char *record)
{
    fx_t *x = &fx_storage;
    memset(x, 0, sizeof *x);
    x->f.open_result = OCPP_OK;
    x->f.record_len = -1;
    if (record != NULL) {
        x->f.record_len = (int)strlen(record);
        memcpy(x->f.record, record, strlen(record));
    }
    x->port = (ocpp_msg_port_t){&x->f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    x->store = (ocpp_storage_port_t){&x->f, s_read, s_write, s_remove};
    x->rng = 7;
    ocpp_cp_config_t c = {.identity = "CP-1",
                          .csms_url = url,
                          .vendor = "V",
                          .model = "M",
                          .connectors = 1,
                          .client_certificate = client_cert};
    ocpp_cp_ports_t p = {
        .msg = &x->port, .storage = &x->store, .random = seq_random, .random_ctx = &x->rng};
    ocpp_cp_callbacks_t cb = {.ctx = &x->f, .on_event = on_event};
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, &cb, x->tx, sizeof x->tx), OCPP_OK);
    x->now = 1000;
    return x;
}

static void push(fx_t *x, const char *text)
{
    assert_true(x->f.in_tail < MAX_MSGS);
    snprintf(x->f.inbox[x->f.in_tail++], MSG_CAP, "%s", text);
}

static const char *last(const fx_t *x)
{
    assert_true(x->f.n_sent > 0);
    return x->f.sent[x->f.n_sent - 1];
}

/** Answer the last CALL sent with `payload`. */
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

/** Connect, boot Accepted, confirm the status notifications. */
static void boot(fx_t *x)
{
    step(x, 0);
    assert_true(strstr(last(x), "\"BootNotification\"") != NULL);
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":600}");
    for (int i = 0; i < 4 && strstr(last(x), "\"StatusNotification\"") != NULL; i++) {
        reply(x, "{}");
    }
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/** ChangeConfiguration key=value from the CSMS; @return the status answered. */
static const char *change(fx_t *x, const char *key, const char *value)
{
    static char status[32];
    char buf[MSG_CAP];
    snprintf(buf, sizeof buf,
             "[2,\"cc\",\"ChangeConfiguration\",{\"key\":\"%s\",\"value\":\"%s\"}]", key, value);
    push(x, buf);
    step(x, 0);
    const char *s = strstr(last(x), "\"status\":\"");
    assert_non_null(s);
    assert_true(strncmp(last(x), "[3,\"cc\",", 8) == 0);
    s += 10;
    size_t n = strcspn(s, "\"");
    assert_true(n < sizeof status);
    memcpy(status, s, n);
    status[n] = '\0';
    return status;
}

static int profile(const fx_t *x)
{
    char v[8];
    assert_int_equal(ocpp_cp_key_get(&x->cp, "SecurityProfile", v, sizeof v), OCPP_OK);
    return v[0] - '0';
}

/** Poll until the charge point has opened the transport `opens` times in all. */
static void until_opens(fx_t *x, int opens)
{
    for (int i = 0; i < 600 && x->f.opens < opens; i++) {
        step(x, 500);
    }
    assert_int_equal(x->f.opens, opens);
}

/* ------------------------------------------------------------------------ */
/* A01.FR.12: the AuthorizationKey is never disclosed                        */
/* ------------------------------------------------------------------------ */

/* A01.FR.12 "The Charge Point SHALL NOT disclose the content of the
 * AuthorizationKey in its logging": the message event (what the application
 * logs, prints at debug level and shows in the simulator's /api/log) shows
 * "****"; the key itself is applied as received. */
static void test_authorization_key_masked(void **s)
{
    (void)s;
    fx_t *x = fx_new("ws://csms.example/ocpp", false, NULL);
    boot(x);
    int seen = x->f.n_seen_in;
    assert_string_equal(change(x, "AuthorizationKey", KEY), "Accepted");
    assert_string_equal(x->f.seen_in[seen], "[2,\"cc\",\"ChangeConfiguration\",{\"key\":"
                                            "\"AuthorizationKey\",\"value\":\"****\"}]");
    /* the real frame was parsed: the next connection uses the key (A00.FR.203) */
    until_opens(x, 2);
    assert_int_equal(x->f.last_pass_len, 20);
    /* any case, an escaped key name, whitespace around the payload */
    static const char *const frames[] = {
        "[2,\"a\",\"ChangeConfiguration\",{\"key\":\"authorizationkey\",\"value\":\"" KEY "\"}]",
        "[2,\"b\",\"ChangeConfiguration\",{\"value\":\"" KEY
        "\",\"key\":\"Authorization\\u004bey\"}]",
        "[2,\"c\",\"ChangeConfiguration\", {\"key\":\"AuthorizationKey\",\"value\":\"" KEY "\"} ]",
        /* wrong: a duplicate value, a value of the wrong type, a frame that does not parse */
        "[2,\"d\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"x\","
        "\"value\":\"" KEY "\"}]",
        "[2,\"e\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":"
        "123456789012345678}]",
        "[2,\"f\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"" KEY "\"},1]",
        "[2,\"g\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"" KEY "\"}",
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        seen = x->f.n_seen_in;
        push(x, frames[i]);
        step(x, 0);
        assert_int_equal(x->f.n_seen_in, seen + 1);
        const char *t = x->f.seen_in[seen];
        assert_null(strstr(t, KEY));
        assert_null(strstr(t, "123456789012345678"));
        assert_non_null(strstr(t, "****"));
    }
    assert_string_equal(x->f.seen_in[seen - 4], "[2,\"c\",\"ChangeConfiguration\", {\"key\":"
                                                "\"AuthorizationKey\",\"value\":\"****\"} ]");
    /* other messages are shown as they are, other keys too */
    seen = x->f.n_seen_in;
    assert_string_equal(change(x, "HeartbeatInterval", "77"), "Accepted");
    assert_string_equal(x->f.seen_in[seen], "[2,\"cc\",\"ChangeConfiguration\",{\"key\":"
                                            "\"HeartbeatInterval\",\"value\":\"77\"}]");
    push(x, "[2,\"gc\",\"GetConfiguration\",{\"key\":[\"AuthorizationKey\"]}]");
    step(x, 0);
    assert_string_equal(x->f.seen_in[seen + 1],
                        "[2,\"gc\",\"GetConfiguration\",{\"key\":[\"AuthorizationKey\"]}]");
    /* §7.2 write-only: reported as unknown, never with a value */
    assert_string_equal(last(x), "[3,\"gc\",{\"unknownKey\":[\"AuthorizationKey\"]}]");
}

/* ------------------------------------------------------------------------ */
/* A05: SecurityProfile                                                      */
/* ------------------------------------------------------------------------ */

/* A05.FR.01 (a value "lower or equal to the current value": Rejected),
 * A05.FR.02 (1 or 2 without an AuthorizationKey: Rejected), A05.FR.03 (2 or 3
 * without the prerequisites of TLS: on ws:// there is no TLS endpoint),
 * §7.6 (an integer 0..3), A05.FR.05-07 (accepted, then reconnected with). */
static void security_profile_over_ws(void)
{
    fx_t *x = fx_new("ws://csms.example/ocpp", false, NULL);
    boot(x);
    static const char *const bad[] = {"abc", "", "-1", "4", "1.5", "0", " 1", "10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_string_equal(change(x, "SecurityProfile", bad[i]), "Rejected");
    }
    assert_string_equal(change(x, "SecurityProfile", "1"), "Rejected"); /* A05.FR.02 */
    assert_string_equal(change(x, "SecurityProfile", "2"), "Rejected"); /* A05.FR.03 */
    assert_string_equal(change(x, "SecurityProfile", "3"), "Rejected");
    /* AuthorizationKey length (A00.FR.205): 16..20 characters, or 32..40 hex digits */
    assert_string_equal(change(x, "AuthorizationKey", "fifteen-chars!!"), "Rejected");
    assert_string_equal(change(x, "AuthorizationKey", "twenty-one-chars-long"), "Rejected");
    assert_string_equal(change(x, "AuthorizationKey", "000102030405060708090a0b0c0d0e0f1011121314"),
                        "Rejected"); /* 42 hex digits: 21 bytes */
    assert_int_equal(x->f.opens, 1);
    assert_string_equal(change(x, "AuthorizationKey", KEY), "Accepted");
    until_opens(x, 2);
    step(x, 0);
    assert_string_equal(change(x, "SecurityProfile", "1"), "Accepted"); /* A05.FR.05 */
    assert_int_equal(profile(x), 1);
    until_opens(x, 3); /* A05.FR.06/07: disconnect, reconnect with it */
    assert_false(x->f.last_tls);
    step(x, 0);
    assert_string_equal(change(x, "SecurityProfile", "1"), "Rejected");
    assert_string_equal(change(x, "SecurityProfile", "0"), "Rejected");
    assert_string_equal(change(x, "SecurityProfile", "2"), "Rejected");
    assert_int_equal(profile(x), 1);
    for (int i = 0; i < 20; i++) {
        step(x, 500);
    }
    assert_int_equal(x->f.opens, 3); /* A05.FR.01: no reconnect for a Rejected value */
}

/* The same over ws:// (above), then over wss://: 2 is Accepted there and
 * reconnected with (A05.FR.05-07); 3 needs a client certificate (A05.FR.04). */
static void test_security_profile_raised_only(void **s)
{
    (void)s;
    security_profile_over_ws();
    fx_t *x = fx_new("wss://csms.example/ocpp", false, NULL);
    boot(x);
    assert_true(x->f.last_tls);
    assert_string_equal(change(x, "SecurityProfile", "2"), "Rejected"); /* A05.FR.02: no key */
    assert_string_equal(change(x, "AuthorizationKey", KEY), "Accepted");
    until_opens(x, 2);
    step(x, 0);
    assert_string_equal(change(x, "SecurityProfile", "2"), "Accepted");
    assert_int_equal(profile(x), 2);
    until_opens(x, 3);
    assert_true(x->f.last_tls);
    assert_int_equal(x->f.last_pass_len, 20);
    step(x, 0);
    assert_string_equal(change(x, "SecurityProfile", "3"), "Rejected"); /* A05.FR.04 */
    assert_string_equal(change(x, "SecurityProfile", "1"), "Rejected"); /* A05.FR.01 */
    assert_non_null(strstr(x->f.record, "\"SecurityProfile\":2"));

    x = fx_new("wss://csms.example/ocpp", true, NULL);
    boot(x);
    assert_string_equal(change(x, "SecurityProfile", "3"), "Accepted");
    until_opens(x, 2);
    step(x, 0);
    assert_int_equal(profile(x), 3);
}

/* §2.4/§2.5: profiles 2 and 3 are TLS profiles; a charge point configured
 * with one (by its installer, or persisted while it had another URL) and
 * given a ws:// URL does not connect at all, and says why. */
static void test_profile_2_never_over_ws(void **s)
{
    (void)s;
    fx_t *x = fx_new("ws://csms.example/ocpp", false, "{\"SecurityProfile\":2}");
    assert_int_equal(profile(x), 2);
    for (int i = 0; i < 200; i++) {
        step(x, 500);
    }
    assert_int_equal(x->f.opens, 0);
    assert_true(x->f.connect_failed >= 3); /* retried with the back-off, refused each time */
    assert_int_equal(x->f.last_failure, OCPP_ERR_TLS);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_OFFLINE);

    x = fx_new("ws://csms.example/ocpp", false, NULL);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "AuthorizationKey", KEY), OCPP_KEY_ACCEPTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "SecurityProfile", "3"), OCPP_KEY_ACCEPTED);
    step(x, 0);
    step(x, 1000);
    assert_int_equal(x->f.opens, 0);
    assert_int_equal(x->f.last_failure, OCPP_ERR_TLS);
    /* the installer lowers it (A00.FR.005: not via OCPP): it connects */
    assert_int_equal(ocpp_cp_key_set(&x->cp, "SecurityProfile", "1"), OCPP_KEY_ACCEPTED);
    until_opens(x, 1);
    assert_false(x->f.last_tls);
}

/* A05.FR.08: "A05.FR.07 AND The Charge Point was unable to connect to the
 * Central System" -> "The Charge Point SHOULD fallback to its previous
 * security profile setting." The fallback is persisted. */
static void test_raised_profile_falls_back(void **s)
{
    (void)s;
    fx_t *x = fx_new("wss://csms.example/ocpp", false, NULL);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "AuthorizationKey", KEY), OCPP_KEY_ACCEPTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "SecurityProfile", "1"), OCPP_KEY_ACCEPTED);
    boot(x);
    assert_string_equal(change(x, "SecurityProfile", "2"), "Accepted");
    x->f.open_result = OCPP_ERR_AUTH; /* the CSMS refuses the connection */
    until_opens(x, 2);
    step(x, 0); /* taken back at the next poll */
    assert_int_equal(profile(x), 1);
    assert_non_null(strstr(x->f.record, "\"SecurityProfile\":1"));
    x->f.open_result = OCPP_OK;
    until_opens(x, 3);
    step(x, 0);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    assert_int_equal(profile(x), 1);

    /* raised again, and connected with it: kept, also when a later connection fails */
    assert_string_equal(change(x, "SecurityProfile", "2"), "Accepted");
    until_opens(x, 4);
    step(x, 0);
    assert_int_equal(profile(x), 2);
    push(x,
         "[2,\"r\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"" KEY "\"}]");
    x->f.open_result = OCPP_ERR_IO;
    until_opens(x, 5);
    until_opens(x, 6);
    assert_int_equal(profile(x), 2);
    assert_non_null(strstr(x->f.record, "\"SecurityProfile\":2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authorization_key_masked),
        cmocka_unit_test(test_security_profile_raised_only),
        cmocka_unit_test(test_profile_2_never_over_ws),
        cmocka_unit_test(test_raised_profile_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
