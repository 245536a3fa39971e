/*
 * The charge point's wake-up (ocpp_cp_next_wakeup_ms()): an idle charge point
 * sleeps until its next real deadline, and every timed action happens exactly
 * on time.
 *
 * The charge point runs on the built-in WebSocket client (its message port
 * says when its pings are due: ocpp_msg_port_t.next_due) over a fake byte
 * stream, against a scripted CSMS that answers every CALL at once and every
 * ping with a pong. The loop polls ONLY at the times the charge point asked
 * for, or when bytes arrived (the CSMS's answers, at the same millisecond), or
 * after an input (plug, idTag), as an application's event loop does. Each
 * CALL is stamped with the time it went out, and each is checked against the
 * deadline of the clause that asks for it:
 *
 * - OCPP 1.6 §9.1.10 HeartbeatInterval: "Interval of inactivity (no OCPP
 *   exchanges) with central system after which the Charge Point should send a
 *   Heartbeat.req PDU" (§4.6: "a Charge Point sends a heartbeat after a
 *   configurable time interval");
 * - §9.1.34 WebSocketPingInterval: "Positive values are interpreted as number
 *   of seconds between pings" (and a ping without its pong for a whole
 *   interval ends the connection, which is opened again after the back-off);
 * - §9.1.19 MeterValueSampleInterval: "samples are acquired and transmitted
 *   periodically at this interval from the start of the charging transaction";
 * - §9.1.5 ClockAlignedDataInterval: "the set of evenly spaced aggregation
 *   intervals per day, starting at 00:00:00 (midnight)", "transmitted ... at
 *   the end of each interval", with or without a transaction;
 * - §9.1.6 ConnectionTimeOut: "Interval *from beginning of status:
 *   'Preparing' until incipient Transaction is automatically canceled";
 * - §5.13 ReserveNow: "When a reservation expires, the Charge Point SHALL
 *   terminate the reservation and make the connector available. The Charge
 *   Point SHALL send a status notification".
 *
 * Each scenario runs from a small uptime and from 200 s before the uint32
 * millisecond clock wraps (a first poll after 49.7 days).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_ws.h"
#include "ws/ws_internal.h"
#include "ws_peer.h"

#define IN_CAP    (16u * 1024u)
#define OUT_CAP   (512u * 1024u)
#define MAX_CALLS 200
#define MAX_STAMP 64

/** The uptimes each scenario starts at: early, and 200 s before the wrap. */
static const uint32_t k_starts[] = {1000u, 0xFFFFFFFFu - 200000u};

/** The CSMS's clock at the first poll: 2026-11-22T06:07:30.250Z. */
#define WALL0_MS 1795327650250LL

typedef struct {
    uint32_t at; /* when it went out (ms after the first poll) */
    char action[32];
    char text[512];
} call_t;

typedef struct {
    /* The byte stream of the current connection. */
    uint8_t in_buf[IN_CAP];
    ws_in_t in;
    uint8_t out[OUT_CAP];
    size_t out_len, rd;
    bool open, hs_done;
    int refuse; /* connection attempts still refused */
    uint32_t connect_at[MAX_STAMP], close_at[MAX_STAMP];
    int connects, closes;
    /* The CSMS. */
    bool pong; /* answer pings */
    uint32_t ping_at[MAX_STAMP];
    int pings;
    call_t calls[MAX_CALLS];
    int n_calls;
    int next_txid;
    int heartbeat_s; /* BootNotification.conf interval */
    /* The charge point. */
    ocpp_net_port_t np;
    ocpp_ws_t ws;
    ocpp_msg_port_t mp;
    uint8_t rx[2048];
    char tx[2048];
    ocpp_cp_t cp;
    uint32_t t0, now, next_at, rng;
    uint32_t wake; /* the last wake-up asked for */
    int polls;
} w_t;

static w_t g_w;

/** Milliseconds since the first poll. */
static uint32_t rel(const w_t *w, uint32_t t)
{
    return t - w->t0;
}

/* ------------------------------------------------------------------------ */
/* Fake byte stream                                                          */
/* ------------------------------------------------------------------------ */

static ocpp_status_t n_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    w_t *w = ctx;
    (void)ep;
    assert_true(w->connects < MAX_STAMP);
    w->connect_at[w->connects++] = rel(w, w->now);
    /* never later than the back-off said (drive_connect: only once it is due) */
    assert_int_equal(w->now, w->cp.ss.retry_at_ms);
    if (w->refuse > 0) {
        w->refuse--;
        return OCPP_ERR_IO;
    }
    w->open = true;
    w->hs_done = false;
    ws_in_reset(&w->in);
    w->rd = w->out_len;
    return OCPP_OK;
}

static int32_t n_send(void *ctx, const uint8_t *data, size_t len)
{
    w_t *w = ctx;
    assert_true(w->open);
    assert_true(w->out_len + len <= OUT_CAP);
    memcpy(w->out + w->out_len, data, len);
    w->out_len += len;
    return (int32_t)len;
}

static int32_t n_recv(void *ctx, uint8_t *buf, size_t cap)
{
    return ws_in_recv(&((w_t *)ctx)->in, buf, cap);
}

static void n_close(void *ctx)
{
    w_t *w = ctx;
    assert_true(w->closes < MAX_STAMP);
    w->close_at[w->closes++] = rel(w, w->now);
    w->open = false;
}

/* ------------------------------------------------------------------------ */
/* The CSMS                                                                  */
/* ------------------------------------------------------------------------ */

/** The CSMS's clock now, as an OCPP dateTime with milliseconds. */
static void wall_text(const w_t *w, int64_t add_ms, char *out, size_t cap)
{
    int64_t ms = WALL0_MS + rel(w, w->now) + add_ms;
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    assert_non_null(gmtime_r(&s, &tm));
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/** A CALL arrived: stamp it and answer it at once. */
static void on_call(w_t *w, const char *m)
{
    assert_true(w->n_calls < MAX_CALLS);
    call_t *c = &w->calls[w->n_calls++];
    c->at = rel(w, w->now);
    snprintf(c->text, sizeof c->text, "%s", m);
    const char *a = strchr(m + 4, '"'); /* end of the id */
    const char *e = strchr(a + 3, '"');
    snprintf(c->action, sizeof c->action, "%.*s", (int)(e - a - 3), a + 3);
    char p[160], now[40];
    wall_text(w, 0, now, sizeof now);
    if (strcmp(c->action, "BootNotification") == 0) {
        snprintf(p, sizeof p, "{\"status\":\"Accepted\",\"currentTime\":\"%s\",\"interval\":%d}",
                 now, w->heartbeat_s);
    } else if (strcmp(c->action, "Heartbeat") == 0) {
        snprintf(p, sizeof p, "{\"currentTime\":\"%s\"}", now);
    } else if (strcmp(c->action, "StartTransaction") == 0) {
        snprintf(p, sizeof p, "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}",
                 ++w->next_txid);
    } else if (strcmp(c->action, "Authorize") == 0) {
        snprintf(p, sizeof p, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    } else {
        snprintf(p, sizeof p, "{}");
    }
    ws_in_answer(&w->in, m, p);
}

/** One whole client frame at rd (masked, §5.3), handled; false if not all there. */
static bool frame(w_t *w)
{
    ws_frame_t f;
    char payload[126u * 16u];
    if (!ws_out_frame(w->out, w->out_len, &w->rd, &f, payload, sizeof payload)) {
        return false;
    }
    assert_true(f.fin); /* whole (masked: ws_out_frame) */
    size_t len = f.len;
    uint8_t op = f.op;
    if (op == 0x9u) { /* a ping: pong (§5.5.3) if the CSMS is alive */
        assert_true(w->pings < MAX_STAMP);
        w->ping_at[w->pings++] = rel(w, w->now);
        if (w->pong) {
            ws_in_frame(&w->in, 0x8A, payload, len);
        }
    } else if (op == 0x1u && strncmp(payload, "[2,", 3) == 0) {
        on_call(w, payload);
    }
    return true;
}

static void csms(w_t *w)
{
    if (!w->open) {
        return;
    }
    if (!w->hs_done) {
        if (!ws_in_handshake(&w->in, w->out, w->out_len, &w->rd, "ocpp1.6")) {
            return;
        }
        w->hs_done = true;
    }
    while (frame(w)) {
    }
}

/* ------------------------------------------------------------------------ */
/* The event loop                                                            */
/* ------------------------------------------------------------------------ */

/** Poll at w->now, and again at once while bytes arrived (the socket is
 *  readable); then ask for the next wake-up. */
static void poll_io(w_t *w)
{
    for (int i = 0;; i++) {
        assert_true(i < 64); /* no busy loop */
        ocpp_cp_poll(&w->cp, w->now);
        w->polls++;
        csms(w);
        if (!w->open || ws_in_drained(&w->in)) {
            break;
        }
    }
    w->wake = ocpp_cp_next_wakeup_ms(&w->cp, w->now);
    assert_true(w->wake <= 60000u); /* V16_IDLE_MS, the upper bound */
    w->next_at = w->now + w->wake;
}

/** Sleep from wake-up to wake-up up to `until` ms after the first poll: the
 *  charge point is polled at no other time. */
static void run_to(w_t *w, uint32_t until)
{
    int zeros = 0;
    while (rel(w, w->next_at) <= until) {
        zeros = w->next_at == w->now ? zeros + 1 : 0;
        assert_true(zeros < 16); /* a wake-up of 0 is acted on */
        w->now = w->next_at;
        poll_io(w);
    }
}

/** Run to `t` (ms after the first poll) and set the clock there, for an
 *  input (ocpp_cp_set_now(): the input is stamped with its time). */
static void at(w_t *w, uint32_t t)
{
    run_to(w, t);
    w->now = w->t0 + t;
    ocpp_cp_set_now(&w->cp, w->now);
}

/* ------------------------------------------------------------------------ */
/* The charge point                                                          */
/* ------------------------------------------------------------------------ */

static uint32_t lcg(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static void cb_permit(void *ctx, uint8_t c, bool p)
{
    (void)ctx;
    (void)c;
    (void)p;
}

static size_t cb_meter(void *ctx, uint8_t c, ocpp_sample_t *out, size_t cap)
{
    const w_t *w = ctx;
    if (cap < 1u) {
        return 0;
    }
    out[0] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                             .value = 1000 * (int64_t)(c + 1u) + rel(w, w->now) / 1000u};
    return 1;
}

typedef struct {
    int heartbeat_s, ping_s, sample_s, aligned_s, timeout_s;
} cfg_t;

/** A charge point with 2 connectors, booted and Accepted at `t0` (the CSMS's
 *  clock then: WALL0_MS); its keys set before the first poll. */
static w_t *boot(uint32_t t0, const cfg_t *k)
{
    w_t *w = &g_w;
    memset(w, 0, sizeof *w);
    w->in = (ws_in_t){.buf = w->in_buf, .cap = sizeof w->in_buf};
    w->rng = 7;
    w->pong = true;
    w->heartbeat_s = k->heartbeat_s;
    w->np = (ocpp_net_port_t){w, n_connect, n_send, n_recv, n_close};
    ocpp_ws_config_t wc = {.net = &w->np,
                           .rx_buf = w->rx,
                           .rx_cap = sizeof w->rx,
                           .random = lcg,
                           .random_ctx = &w->rng};
    assert_int_equal(ocpp_ws_init(&w->ws, &wc), OCPP_OK);
    ocpp_ws_msg_port(&w->ws, &w->mp);
    ocpp_cp_config_t c = {.identity = "CP-W",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .connectors = 2};
    ocpp_cp_ports_t p = {.msg = &w->mp, .random = lcg, .random_ctx = &w->rng};
    ocpp_cp_callbacks_t cb = {.ctx = w, .permit = cb_permit, .read_meter = cb_meter};
    assert_int_equal(ocpp_cp_init(&w->cp, &c, &p, &cb, w->tx, sizeof w->tx), OCPP_OK);
    char v[16];
    snprintf(v, sizeof v, "%d", k->ping_s);
    assert_int_equal(ocpp_cp_key_set(&w->cp, "WebSocketPingInterval", v), OCPP_KEY_ACCEPTED);
    snprintf(v, sizeof v, "%d", k->sample_s);
    assert_int_equal(ocpp_cp_key_set(&w->cp, "MeterValueSampleInterval", v), OCPP_KEY_ACCEPTED);
    snprintf(v, sizeof v, "%d", k->aligned_s);
    assert_int_equal(ocpp_cp_key_set(&w->cp, "ClockAlignedDataInterval", v), OCPP_KEY_ACCEPTED);
    snprintf(v, sizeof v, "%d", k->timeout_s);
    assert_int_equal(ocpp_cp_key_set(&w->cp, "ConnectionTimeOut", v), OCPP_KEY_ACCEPTED);
    /* Before the first poll: poll now (the timers are anchored to it). */
    assert_int_equal(ocpp_cp_next_wakeup_ms(&w->cp, 0), 0u);
    w->t0 = w->now = w->next_at = t0;
    poll_io(w);
    assert_int_equal(ocpp_cp_connection(&w->cp), OCPP_CP_ACCEPTED);
    return w;
}

/** The times of the CALLs of `action` (containing `with` and `with2`, each if
 *  not NULL) after `from`, into at[]; returns how many. */
static int times_with(const w_t *w, const char *action, const char *with, const char *with2,
                      uint32_t from, uint32_t *out, int cap)
{
    int n = 0;
    for (int i = 0; i < w->n_calls; i++) {
        const call_t *c = &w->calls[i];
        if (c->at >= from && strcmp(c->action, action) == 0 &&
            (with == NULL || strstr(c->text, with) != NULL) &&
            (with2 == NULL || strstr(c->text, with2) != NULL)) {
            assert_true(n < cap);
            out[n++] = c->at;
        }
    }
    return n;
}

/** The times of the CALLs of `action` (and containing `with`, if not NULL)
 *  after `from`, into at[]; returns how many. */
static int times_of(const w_t *w, const char *action, const char *with, uint32_t from,
                    uint32_t *out, int cap)
{
    return times_with(w, action, with, NULL, from, out, cap);
}

/* ------------------------------------------------------------------------ */
/* Scenarios                                                                 */
/* ------------------------------------------------------------------------ */

/** Idle: nothing but the heartbeat is due, and the charge point sleeps until
 *  it (§9.1.10, §4.6), far longer than the 1 s the transport used to need. */
static void idle_heartbeat(uint32_t t0)
{
    cfg_t k = {.heartbeat_s = 300, .ping_s = 0, .sample_s = 0, .aligned_s = 0, .timeout_s = 60};
    w_t *w = boot(t0, &k);
    /* The heartbeat is 300 s after the last CALL (a StatusNotification);
     * the wake-up is at most 60 s. */
    assert_int_equal(w->wake, 60000u);
    int polls = w->polls;
    run_to(w, 1000000u);
    uint32_t at_ms[8];
    assert_int_equal(times_of(w, "Heartbeat", NULL, 1u, at_ms, 8), 3);
    assert_int_equal(at_ms[0], 300000u);
    assert_int_equal(at_ms[1], 600000u);
    assert_int_equal(at_ms[2], 900000u);
    /* A poll per heartbeat and one for its answer, one a minute between:
     * 16 wake-ups in 1000 s, not one a second. */
    assert_int_equal(w->polls - polls, 16 + 3);
    assert_int_equal(w->wake, 60000u);
}

static void test_idle_sleeps_until_the_heartbeat(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof k_starts / sizeof k_starts[0]; i++) {
        idle_heartbeat(k_starts[i]);
    }
}

/** §9.1.34: a ping every interval from the opening, each answered; a ping
 *  without its pong for a whole interval ends the connection, and the
 *  reconnect follows the back-off (with refused attempts: growing) to the
 *  millisecond; then the pings start again. */
static void pings_and_timeout(uint32_t t0)
{
    cfg_t k = {.heartbeat_s = 3600, .ping_s = 40, .sample_s = 0, .aligned_s = 0, .timeout_s = 60};
    w_t *w = boot(t0, &k);
    assert_int_equal(w->wake, 40000u);
    run_to(w, 130000u);
    assert_int_equal(w->pings, 3);
    assert_int_equal(w->ping_at[0], 40000u);
    assert_int_equal(w->ping_at[1], 80000u);
    assert_int_equal(w->ping_at[2], 120000u);
    assert_int_equal(w->closes, 0);
    w->pong = false; /* the CSMS stops answering: the ping at 160 s gets no pong */
    w->refuse = 3;
    run_to(w, 199999u);
    assert_int_equal(w->pings, 4);
    assert_int_equal(w->ping_at[3], 160000u);
    assert_int_equal(w->closes, 0);
    assert_int_equal(rel(w, w->next_at), 200000u);
    run_to(w, 200000u);
    assert_int_equal(w->closes, 1);
    assert_int_equal(w->close_at[0], 200000u); /* no pong for a whole interval */
    assert_int_equal(ocpp_cp_connection(&w->cp), OCPP_CP_OFFLINE);
    w->pong = true;
    /* Three refused attempts, then the connection: each attempt on time
     * (n_connect checks it against the back-off), the waits growing. */
    run_to(w, 260000u);
    assert_int_equal(w->connects, 5);
    for (int i = 2; i < 5; i++) {
        assert_true(w->connect_at[i] > w->connect_at[i - 1]);
    }
    assert_true(w->connect_at[4] - w->connect_at[3] > w->connect_at[2] - w->connect_at[1]);
    assert_int_equal(ocpp_cp_connection(&w->cp), OCPP_CP_ACCEPTED);
    /* The period starts again with the new connection (opened at most
     * 15 s after the loss: 40 s later is before 260 s). */
    uint32_t opened = w->connect_at[4];
    assert_int_equal(w->pings, 5);
    assert_int_equal(w->ping_at[4], opened + 40000u);
    assert_int_equal(rel(w, w->next_at), opened + 80000u);
}

static void test_pings_pong_timeout_and_backoff(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof k_starts / sizeof k_starts[0]; i++) {
        pings_and_timeout(k_starts[i]);
    }
}

/** §9.1.5 clock-aligned readings (idle: every connector; in a transaction
 *  too) and §9.1.19 samples every interval from the start of the
 *  transaction. The clock: 06:07:30.250 at the first poll, so the
 *  boundaries of 900 s are at 449.750 s (06:15) and 1349.750 s (06:30). */
static void meter_values(uint32_t t0)
{
    cfg_t k = {.heartbeat_s = 3600, .ping_s = 0, .sample_s = 60, .aligned_s = 900, .timeout_s = 60};
    w_t *w = boot(t0, &k);
    assert_int_equal(w->wake, 60000u); /* (the first boundary is at 449.750 s) */
    run_to(w, 500000u);
    uint32_t t[32];
    assert_int_equal(times_of(w, "MeterValues", "Sample.Clock", 0u, t, 32), 3); /* 0, 1, 2 */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(t[i], 449750u);
    }
    assert_non_null(strstr(w->calls[w->n_calls - 1].text, "\"timestamp\":\"2026-11-22T06:15:00"));
    /* A transaction on connector 1 from 500 s on. */
    at(w, 500000u);
    assert_int_equal(ocpp_cp_plugged(&w->cp, 1, true), OCPP_OK);
    assert_int_equal(ocpp_cp_present_id(&w->cp, 1, "TAG-1"), OCPP_OK);
    poll_io(w);
    assert_int_equal(times_of(w, "StartTransaction", NULL, 0u, t, 32), 1);
    assert_int_equal(t[0], 500000u);
    int polls = w->polls;
    run_to(w, 1390000u);
    int n = times_of(w, "MeterValues", "Sample.Periodic", 0u, t, 32);
    assert_int_equal(n, 14); /* 560 s .. 1340 s */
    for (int i = 0; i < n; i++) {
        assert_int_equal(t[i], 500000u + 60000u * (uint32_t)(i + 1));
    }
    n = times_of(w, "MeterValues", "Sample.Clock", 500000u, t, 32);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(t[i], 1349750u);
    }
    /* Only polls with something to do: a sample (and the reading that a
     * power cut would stop the transaction with) each minute, a boundary;
     * each with the answer. Not one a second. */
    assert_true(w->polls - polls < 60);
}

static void test_meter_values_on_time(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof k_starts / sizeof k_starts[0]; i++) {
        meter_values(k_starts[i]);
    }
}

/** The times of the StatusNotifications of `connector` with `status` from `from` on. */
static int status_times(const w_t *w, int connector, const char *status, uint32_t from,
                        uint32_t *out, int cap)
{
    char c_id[32], st[40];
    snprintf(c_id, sizeof c_id, "\"connectorId\":%d,", connector);
    snprintf(st, sizeof st, "\"status\":\"%s\"", status);
    return times_with(w, "StatusNotification", c_id, st, from, out, cap);
}

/** §9.1.6 ConnectionTimeOut: a cable plugged in without an idTag (§4.9 B6:
 *  Preparing to Finishing, "idTag not presented within timeout"), and an
 *  idTag presented without a cable (back to Available), each exactly one
 *  ConnectionTimeOut after. §5.13: a reservation ends at its expiryDate. */
static void timeouts(uint32_t t0)
{
    cfg_t k = {.heartbeat_s = 3600, .ping_s = 0, .sample_s = 0, .aligned_s = 0, .timeout_s = 45};
    w_t *w = boot(t0, &k);
    uint32_t t[8];
    at(w, 5000u);
    assert_int_equal(ocpp_cp_plugged(&w->cp, 1, true), OCPP_OK);
    poll_io(w);
    assert_int_equal(status_times(w, 1, "Preparing", 1u, t, 8), 1);
    assert_int_equal(t[0], 5000u);
    assert_int_equal(w->wake, 45000u);
    run_to(w, 60000u);
    assert_int_equal(status_times(w, 1, "Finishing", 1u, t, 8), 1);
    assert_int_equal(t[0], 50000u);

    at(w, 100000u);
    assert_int_equal(ocpp_cp_present_id(&w->cp, 2, "TAG-2"), OCPP_OK);
    poll_io(w);
    assert_int_equal(status_times(w, 2, "Preparing", 1u, t, 8), 1);
    assert_int_equal(t[0], 100000u);
    run_to(w, 200000u);
    assert_int_equal(status_times(w, 2, "Available", 1u, t, 8), 1);
    assert_int_equal(t[0], 145000u);

#if OCPP_CONFIG_PROFILE_RESERVATION
    /* ReserveNow at 210 s until 06:12:00Z, 269.750 s after the first poll. */
    at(w, 210000u);
    ws_in_text(&w->in, "[2,\"r1\",\"ReserveNow\",{\"connectorId\":2,\"expiryDate\":"
                       "\"2026-11-22T06:12:00Z\",\"idTag\":\"TAG-3\",\"reservationId\":7}]");
    poll_io(w);
    assert_int_equal(status_times(w, 2, "Reserved", 1u, t, 8), 1);
    assert_int_equal(t[0], 210000u);
    assert_int_equal(w->wake, 59750u);
    run_to(w, 400000u);
    assert_int_equal(status_times(w, 2, "Available", 200000u, t, 8), 1);
    assert_int_equal(t[0], 269750u);
#endif /* (without the Reservation profile, ReserveNow is NotImplemented: nothing expires) */
}

static void test_connection_timeout_and_reservation_expiry(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof k_starts / sizeof k_starts[0]; i++) {
        timeouts(k_starts[i]);
    }
}

/** The message port of the WebSocket client on its own: what it says is due
 *  (the pings of §9.1.34) and what a port without next_due still gets. */
static void test_ws_next_due(void **s)
{
    (void)s;
    assert_int_equal(ocpp_ws_next_due(NULL, 0), UINT32_MAX);
    w_t *w = &g_w;
    memset(w, 0, sizeof *w);
    w->in = (ws_in_t){.buf = w->in_buf, .cap = sizeof w->in_buf};
    w->np = (ocpp_net_port_t){w, n_connect, n_send, n_recv, n_close};
    ocpp_ws_config_t wc = {.net = &w->np,
                           .rx_buf = w->rx,
                           .rx_cap = sizeof w->rx,
                           .random = lcg,
                           .random_ctx = &w->rng,
                           .ping_interval_s = 30};
    assert_int_equal(ocpp_ws_init(&w->ws, &wc), OCPP_OK);
    assert_int_equal(ocpp_ws_next_due(&w->ws, 5), UINT32_MAX); /* not open */
    ocpp_ws_msg_port(&w->ws, &w->mp);
    assert_ptr_equal(w->mp.next_due, ocpp_ws_next_due);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_sleeps_until_the_heartbeat),
        cmocka_unit_test(test_pings_pong_timeout_and_backoff),
        cmocka_unit_test(test_meter_values_on_time),
        cmocka_unit_test(test_connection_timeout_and_reservation_expiry),
        cmocka_unit_test(test_ws_next_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
