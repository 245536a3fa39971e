/*
 * Messages larger than the send buffer (issue 12, defect 11).
 *
 * OCPP 1.6 §5.8 GetConfiguration: "If the list does not contain any key, the
 * Charge Point SHALL return a list of all configuration settings": about
 * 2.9 KB, more than the 2 KiB send buffer of the reference firmware, which
 * answered CALLERROR InternalError. The charge point now writes a message
 * larger than its send buffer out as WebSocket fragments (RFC 6455 §5.4: "a
 * single frame with the FIN bit clear and an opcode other than 0, followed by
 * zero or more frames with the FIN bit clear and the opcode set to 0, and
 * terminated by a single frame with the FIN bit set and an opcode of 0"), so
 * the send buffer bounds a fragment, not a message.
 *
 * The charge point runs here on the built-in WebSocket client over a fake
 * byte stream; a scripted CSMS parses every frame (FIN, RSV, opcode, mask:
 * §5.3 "a client MUST mask all frames", a fresh key per frame), puts the
 * messages together and answers every CALL. Each scenario runs with a 4 KiB
 * send buffer and with the 512-byte minimum that ocpp_cp_init() accepts: the
 * messages on the wire must be the same, byte for byte, and the application's
 * OCPP_CP_EV_MSG_OUT events must add up to them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_ws.h"
#include "ws/ws_internal.h"
#include "ws_peer.h"

#define MIN_CAP    512u  /* the smallest send buffer ocpp_cp_init() accepts */
#define BIG_CAP    4096u /* the reference run */
#define PIECE      (MIN_CAP - OCPP_MSG_HEADROOM) /* payload bytes of a fragment */
#define OUT_CAP    (256u * 1024u)
#define IN_CAP     (32u * 1024u)
#define MSG_MAX    8192u
#define MAX_MSGS   48
#define MAX_FRAMES 400
#define UNLIMITED  ((size_t)-1)

/** s starts with the string literal lit. */
#define assert_starts(s, lit) assert_memory_equal((s), (lit), strlen(lit))

typedef struct {
    uint8_t op;
    bool fin;
    uint8_t key[4];
    size_t len;
} frame_t;

typedef struct {
    /* The byte stream. */
    uint8_t in_buf[IN_CAP];
    ws_in_t in;
    uint8_t out[OUT_CAP];
    size_t out_len, rd;
    size_t send_k;       /* most bytes per send call (0: any) */
    size_t budget;       /* bytes send still takes */
    unsigned zero_every; /* every n-th send call takes nothing (0: never) */
    unsigned send_calls;
    int closes;
    bool hs_done;
    /* The charge point. */
    ocpp_net_port_t np;
    ocpp_ws_t ws;
    ocpp_msg_port_t mp;
    uint8_t rx[4096];
    char tx[BIG_CAP];
    ocpp_cp_t cp;
    uint32_t now, rng;
    uint8_t n_samples;
    const char *signed_data;
    char dt_answer[2048];
    /* What the CSMS received. */
    frame_t frames[MAX_FRAMES];
    int n_frames;
    char msgs[MAX_MSGS][MSG_MAX];
    size_t msg_len[MAX_MSGS];
    int msg_frames[MAX_MSGS];
    int n_msgs;
    char cur[MSG_MAX];
    size_t cur_len;
    int cur_frames;
    bool in_msg;
    char pong[126];
    int pongs;
    bool auto_answer;
    int next_txid;
    /* What the application saw (OCPP_CP_EV_MSG_OUT). */
    char seen[MAX_MSGS][MSG_MAX];
    size_t seen_len[MAX_MSGS];
    int seen_pieces[MAX_MSGS];
    int n_seen;
    bool seen_open;
    int dt_results;
    int32_t dt_value;
} h_t;

static h_t g_h[2];

/* ------------------------------------------------------------------------ */
/* Fake byte stream                                                          */
/* ------------------------------------------------------------------------ */

static ocpp_status_t n_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    (void)ep;
    h_t *h = ctx;
    ws_in_reset(&h->in);
    h->hs_done = false;
    h->in_msg = false;
    return OCPP_OK;
}

static int32_t n_send(void *ctx, const uint8_t *data, size_t len)
{
    h_t *h = ctx;
    h->send_calls++;
    if (h->zero_every != 0u && h->send_calls % h->zero_every == 0u) {
        return 0; /* EAGAIN */
    }
    size_t n = len;
    if (h->send_k != 0u && n > h->send_k) {
        n = h->send_k;
    }
    if (n > h->budget) {
        n = h->budget;
    }
    if (h->budget != UNLIMITED) {
        h->budget -= n;
    }
    assert_true(h->out_len + n <= OUT_CAP);
    memcpy(h->out + h->out_len, data, n);
    h->out_len += n;
    return (int32_t)n;
}

static int32_t n_recv(void *ctx, uint8_t *buf, size_t cap)
{
    return ws_in_recv(&((h_t *)ctx)->in, buf, cap);
}

static void n_close(void *ctx)
{
    ((h_t *)ctx)->closes++;
}

/* ------------------------------------------------------------------------ */
/* The CSMS: handshake, frames, messages, answers                            */
/* ------------------------------------------------------------------------ */

/** The action of a CALL ("" for other messages). */
static void action_of(const char *m, char *out, size_t cap)
{
    out[0] = '\0';
    if (strncmp(m, "[2,\"", 4) != 0) {
        return;
    }
    const char *a = strchr(m + 4, '"'); /* end of the id */
    const char *e = a != NULL ? strchr(a + 3, '"') : NULL;
    if (e != NULL && (size_t)(e - a - 3) < cap) {
        memcpy(out, a + 3, (size_t)(e - a - 3));
        out[e - a - 3] = '\0';
    }
}

static void auto_answer(h_t *h, const char *m)
{
    char action[40];
    action_of(m, action, sizeof action);
    if (action[0] == '\0' || !h->auto_answer) {
        return;
    }
    if (strcmp(action, "BootNotification") == 0) {
        ws_in_answer(&h->in, m,
                     "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\","
                     "\"interval\":3600}");
    } else if (strcmp(action, "StartTransaction") == 0) {
        char p[96];
        snprintf(p, sizeof p, "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}",
                 ++h->next_txid);
        ws_in_answer(&h->in, m, p);
    } else if (strcmp(action, "Authorize") == 0 || strcmp(action, "StopTransaction") == 0) {
        ws_in_answer(&h->in, m, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    } else if (strcmp(action, "DataTransfer") == 0) {
        ws_in_answer(&h->in, m, "{\"status\":\"Accepted\",\"data\":\"ok\"}");
    } else {
        ws_in_answer(&h->in, m, "{}");
    }
}

/** A whole data message arrived. */
static void message_done(h_t *h)
{
    assert_true(h->n_msgs < MAX_MSGS);
    memcpy(h->msgs[h->n_msgs], h->cur, h->cur_len);
    h->msgs[h->n_msgs][h->cur_len] = '\0';
    h->msg_len[h->n_msgs] = h->cur_len;
    h->msg_frames[h->n_msgs] = h->cur_frames;
    h->n_msgs++;
    h->in_msg = false;
    auto_answer(h, h->msgs[h->n_msgs - 1]);
}

/** One whole frame at rd, checked (§5.2, §5.3, §5.4, §5.5) and consumed;
 *  false if it is not all there yet. */
static bool frame(h_t *h)
{
    ws_frame_t w;
    char payload[MSG_MAX + 1u];
    if (!ws_out_frame(h->out, h->out_len, &h->rd, &w, payload, sizeof payload)) {
        return false;
    }
    assert_int_equal(w.b0 & 0x70u, 0); /* RSV1-3 */
    assert_true(h->n_frames < MAX_FRAMES);
    frame_t *f = &h->frames[h->n_frames++];
    f->op = w.op;
    f->fin = w.fin;
    f->len = w.len;
    size_t len = w.len;
    memcpy(f->key, w.key, 4);
    if (h->n_frames > 1) {
        /* §5.3: a fresh masking key for every frame */
        assert_memory_not_equal(f->key, h->frames[h->n_frames - 2].key, 4);
    }
    if (f->op >= 0x8u) {
        assert_true(f->fin); /* §5.5: control frames are not fragmented */
        if (f->op == 0xAu) {
            memcpy(h->pong, payload, len);
            h->pong[len] = '\0';
            h->pongs++;
        }
        return true;
    }
    if (f->op == 0x1u) {
        assert_false(h->in_msg); /* no text frame inside a message */
        h->in_msg = true;
        h->cur_len = 0;
        h->cur_frames = 0;
    } else {
        assert_int_equal(f->op, 0x0u);
        assert_true(h->in_msg); /* a continuation continues something */
    }
    assert_true(h->cur_len + len < MSG_MAX);
    memcpy(h->cur + h->cur_len, payload, len);
    h->cur_len += len;
    h->cur_frames++;
    if (f->fin) {
        message_done(h);
    }
    return true;
}

static void parse(h_t *h)
{
    if (!h->hs_done) {
        if (!ws_in_handshake(&h->in, h->out, h->out_len, &h->rd, h->cp.ss.open.subprotocol)) {
            return;
        }
        h->hs_done = true;
    }
    while (frame(h)) {
    }
}

/** Poll n times at the same time, the CSMS answering as it goes. */
static void run(h_t *h, int n)
{
    for (int i = 0; i < n; i++) {
        ocpp_cp_poll(&h->cp, h->now);
        parse(h);
    }
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

static void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    h_t *h = ctx;
    if (ev->kind == OCPP_CP_EV_DATA_TRANSFER_RESULT) {
        h->dt_results++;
        h->dt_value = ev->value;
    }
    if (ev->kind != OCPP_CP_EV_MSG_OUT) {
        return;
    }
    /* value: the offset of this piece; status OCPP_PENDING: more follow. */
    if (ev->value == 0) {
        assert_true(h->n_seen < MAX_MSGS);
        h->seen_len[h->n_seen] = 0;
        h->seen_pieces[h->n_seen] = 0;
        h->n_seen++;
    }
    int i = h->n_seen - 1;
    assert_int_equal((size_t)ev->value, h->seen_len[i]);
    assert_true(ev->status == OCPP_OK || ev->status == OCPP_PENDING);
    assert_true(h->seen_len[i] + ev->len < MSG_MAX);
    memcpy(h->seen[i] + h->seen_len[i], ev->text, ev->len);
    h->seen_len[i] += ev->len;
    h->seen[i][h->seen_len[i]] = '\0';
    h->seen_pieces[i]++;
    h->seen_open = ev->status == OCPP_PENDING;
}

static const ocpp_measurand_t k_measurands[] = {
    OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
    OCPP_MEASURAND_POWER_ACTIVE_IMPORT,
    OCPP_MEASURAND_CURRENT_IMPORT,
    OCPP_MEASURAND_CURRENT_IMPORT,
    OCPP_MEASURAND_CURRENT_IMPORT,
    OCPP_MEASURAND_VOLTAGE,
    OCPP_MEASURAND_VOLTAGE,
    OCPP_MEASURAND_VOLTAGE,
    OCPP_MEASURAND_CURRENT_OFFERED,
    OCPP_MEASURAND_FREQUENCY,
    OCPP_MEASURAND_TEMPERATURE,
    OCPP_MEASURAND_SOC,
};
static const ocpp_phase_t k_phases[] = {0,
                                        0,
                                        OCPP_PHASE_L1,
                                        OCPP_PHASE_L2,
                                        OCPP_PHASE_L3,
                                        OCPP_PHASE_L1_N,
                                        OCPP_PHASE_L2_N,
                                        OCPP_PHASE_L3_N,
                                        0,
                                        0,
                                        0,
                                        0};

static size_t cb_meter(void *ctx, uint8_t c, ocpp_sample_t *out, size_t cap)
{
    h_t *h = ctx;
    size_t n = h->n_samples < cap ? h->n_samples : cap;
    if (c == 0u) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (ocpp_sample_t){.measurand = k_measurands[i],
                                 .phase = k_phases[i],
                                 .value = 123456 + (int64_t)i * 1111,
                                 .scale = 1,
                                 .signed_data = i == 0u ? h->signed_data : NULL};
    }
    return n;
}

static void cb_permit(void *ctx, uint8_t c, bool on)
{
    (void)ctx;
    (void)c;
    (void)on;
}

/** Answers vendor "acme" with its own long string (dt_answer). */
static ocpp_dt_status_t cb_dt(void *ctx, const char *vendor, const char *msg, const char *data,
                              ocpp_jw_t *resp)
{
    h_t *h = ctx;
    (void)msg;
    if (strcmp(vendor, "acme") != 0) {
        return OCPP_DT_UNKNOWN_VENDOR_ID;
    }
    assert_non_null(data);
    snprintf(h->dt_answer, sizeof h->dt_answer, "echo of %zu bytes:", strlen(data));
    size_t n = strlen(h->dt_answer);
    while (n + 1u < 1500u) {
        h->dt_answer[n] = data[n % strlen(data)];
        n++;
    }
    h->dt_answer[n] = '\0';
    ocpp_jw_str(resp, h->dt_answer);
    return OCPP_DT_ACCEPTED;
}

/** A charge point with every BootNotification field at its longest. */
static h_t *h_new(int which, size_t tx_cap, ocpp_version_t version)
{
    h_t *h = &g_h[which];
    memset(h, 0, sizeof *h);
    h->in = (ws_in_t){.buf = h->in_buf, .cap = sizeof h->in_buf};
    h->budget = UNLIMITED;
    h->auto_answer = true;
    h->rng = 7;
    h->now = 1000;
    h->np = (ocpp_net_port_t){h, n_connect, n_send, n_recv, n_close};
    ocpp_ws_config_t wc = {.net = &h->np,
                           .rx_buf = h->rx,
                           .rx_cap = sizeof h->rx,
                           .random = lcg,
                           .random_ctx = &h->rng};
    assert_int_equal(ocpp_ws_init(&h->ws, &wc), OCPP_OK);
    ocpp_ws_msg_port(&h->ws, &h->mp);
    ocpp_cp_config_t c = {.identity = "CP-FRAG",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "VendorVendorVendor20",
                          .model = "ModelModelModelModel",
                          .serial_number = "SN-0123456789012345678901",
                          .charge_box_serial = "CB-0123456789012345678901",
                          .firmware_version = "fw-01234567890123456789012345678901234567890123456",
                          .iccid = "89014103211118510720",
                          .imsi = "310150123456789",
                          .meter_type = "MeterType-012345678901234",
                          .meter_serial = "MS-0123456789012345678901",
                          .connectors = 2,
                          .version = version};
    ocpp_cp_ports_t p = {.msg = &h->mp, .random = lcg, .random_ctx = &h->rng};
    ocpp_cp_callbacks_t cb = {.ctx = h,
                              .on_event = on_event,
                              .permit = cb_permit,
                              .read_meter = cb_meter,
                              .data_transfer = cb_dt};
    assert_int_equal(ocpp_cp_init(&h->cp, &c, &p, &cb, h->tx, tx_cap), OCPP_OK);
    return h;
}

/** Boot: BootNotification, StatusNotification for connectors 0..2. */
static h_t *h_boot(int which, size_t tx_cap)
{
    h_t *h = h_new(which, tx_cap, OCPP_VERSION_16);
    run(h, 10);
    assert_int_equal(ocpp_cp_connection(&h->cp), OCPP_CP_ACCEPTED);
    return h;
}

/** The last message the CSMS received. */
static const char *last(const h_t *h)
{
    assert_true(h->n_msgs > 0);
    return h->msgs[h->n_msgs - 1];
}

/**
 * The same conversation at 4 KiB and at 512 bytes: the same messages, byte
 * for byte; at 512 bytes at least one went out in fragments, at 4 KiB none;
 * and the application saw every message whole, in as many pieces as frames.
 */
static void same_messages(const h_t *big, const h_t *small)
{
    assert_int_equal(small->n_msgs, big->n_msgs);
    int fragmented = 0;
    for (int i = 0; i < big->n_msgs; i++) {
        assert_int_equal(small->msg_len[i], big->msg_len[i]);
        assert_string_equal(small->msgs[i], big->msgs[i]);
        assert_int_equal(big->msg_frames[i], 1);
        assert_true(small->msg_frames[i] >= (int)((small->msg_len[i] + PIECE - 1u) / PIECE));
        fragmented += small->msg_frames[i] > 1 ? 1 : 0;
    }
    assert_true(fragmented > 0);
    for (const h_t *h = big; h != NULL; h = h == big ? small : NULL) {
        assert_int_equal(h->n_seen, h->n_msgs);
        assert_false(h->seen_open);
        for (int i = 0; i < h->n_msgs; i++) {
            assert_string_equal(h->seen[i], h->msgs[i]);
            assert_int_equal(h->seen_pieces[i], h->msg_frames[i]);
        }
    }
    /* No fragment is larger than the buffer, none empty. */
    for (int i = 0; i < small->n_frames; i++) {
        const frame_t *f = &small->frames[i];
        if (f->op < 0x8u) {
            assert_true(f->len <= PIECE && f->len > 0u);
        }
    }
}

typedef void (*scenario_fn)(h_t *h);

/** Run a scenario at 4 KiB and at 512 bytes and compare. */
static void both(scenario_fn sc)
{
    h_t *big = h_boot(0, BIG_CAP);
    sc(big);
    h_t *small = h_boot(1, MIN_CAP);
    sc(small);
    same_messages(big, small);
}

/* ------------------------------------------------------------------------ */
/* Scenarios                                                                  */
/* ------------------------------------------------------------------------ */

/* OCPP 1.6 §5.8: "If the list does not contain any key, the Charge Point
 * SHALL return a list of all configuration settings". */
static void sc_get_configuration(h_t *h)
{
    ws_in_text(&h->in, "[2,\"gc-all\",\"GetConfiguration\",{}]");
    run(h, 2);

    assert_starts(last(h), "[3,\"gc-all\",{\"configurationKey\":[");
    assert_true(h->msg_len[h->n_msgs - 1] > 2048u); /* more than the reference firmware's buffer */
    assert_int_equal(ocpp_json_validate(last(h), h->msg_len[h->n_msgs - 1]), OCPP_OK);
    assert_non_null(strstr(last(h), "\"key\":\"SupportedFeatureProfiles\""));
    assert_non_null(strstr(last(h), "\"key\":\"HeartbeatInterval\",\"readonly\":false,"
                                    "\"value\":\"3600\""));
}

static void test_get_configuration_all_keys_at_512(void **s)
{
    (void)s;
    both(sc_get_configuration);

    /* RFC 6455 §5.4: text FIN=0, continuation FIN=0 ..., continuation FIN=1. */
    const h_t *h = &g_h[1];
    int first = h->n_frames - h->msg_frames[h->n_msgs - 1];
    assert_true(h->msg_frames[h->n_msgs - 1] >= 5);
    for (int i = first; i < h->n_frames; i++) {
        assert_int_equal(h->frames[i].op, i == first ? 0x1 : 0x0);
        assert_int_equal(h->frames[i].fin, i == h->n_frames - 1);
    }
}

/* OCPP 1.6 §4.3 / §5.6 DataTransfer: "data: Data without specified length
 * or format" - both ways, larger than the send buffer. */
static void sc_data_transfer(h_t *h)
{
    static char big[2001];
    for (size_t i = 0; i < sizeof big - 1u; i++) {
        big[i] = (char)('a' + i % 26u);
    }
    assert_int_equal(ocpp_cp_data_transfer(&h->cp, "acme", "m1", big), OCPP_OK);
    run(h, 3);
    assert_int_equal(h->dt_results, 1);
    assert_int_equal(h->dt_value, OCPP_DT_ACCEPTED);
    assert_non_null(strstr(h->msgs[h->n_msgs - 1], big));
    /* From the CSMS: a data field of 300 bytes, answered with 1500. */
    char req[512];
    snprintf(req, sizeof req,
             "[2,\"dt-in\",\"DataTransfer\",{\"vendorId\":\"acme\",\"data\":\"%.300s\"}]", big);
    ws_in_text(&h->in, req);
    run(h, 2);
    char want[sizeof h->dt_answer + 64];
    snprintf(want, sizeof want, "[3,\"dt-in\",{\"data\":\"%s\",\"status\":\"Accepted\"}]",
             h->dt_answer);
    assert_string_equal(last(h), want);
    ws_in_text(&h->in,
               "[2,\"dt-other\",\"DataTransfer\",{\"vendorId\":\"other\",\"messageId\":\"x\"}]");
    run(h, 2);
    assert_string_equal(last(h), "[3,\"dt-other\",{\"status\":\"UnknownVendorId\"}]");
}

static void test_data_transfer_larger_than_buffer(void **s)
{
    (void)s;
    both(sc_data_transfer);
}

/* OCPP 1.6 §6.31 MeterValues with every measurand the meter has (the
 * MeterValuesSampledData of a three-phase meter), triggered (§5.17; not with Remote Trigger
 * compiled out), and
 * §6.51 StopTransaction with transactionData (StopTxnSampledData) and a
 * signed reading (§7.43 SignedData). */
static void sc_meter_values_and_stop(h_t *h)
{
    static const char ocmf[] =
        "OCMF|{\"FV\":\"1.0\",\"GI\":\"ACME Meter\",\"GS\":\"0123456789\",\"GV\":\"1.2.3\","
        "\"PG\":\"T1\",\"RD\":[{\"TM\":\"2026-11-22T06:00:00,000+0000 S\",\"TX\":\"B\","
        "\"RV\":12345.6,\"RI\":\"1-b:1.8.0\",\"RU\":\"kWh\"}]}|{\"SD\":\"304502210...\"}";
    h->n_samples = 12;
    h->signed_data = ocmf;
    assert_int_equal(ocpp_cp_key_set(&h->cp, "MeterValuesSampledData",
                                     "Energy.Active.Import.Register,Power.Active.Import,"
                                     "Current.Import,Voltage,Current.Offered,Frequency,"
                                     "Temperature,SoC"),
                     OCPP_KEY_ACCEPTED);
    assert_int_equal(ocpp_cp_key_set(&h->cp, "StopTxnSampledData",
                                     "Energy.Active.Import.Register,Power.Active.Import"),
                     OCPP_KEY_ACCEPTED);
    ocpp_cp_plugged(&h->cp, 1, true);
    ocpp_cp_present_id(&h->cp, 1, "TAG-FRAG-1");
    run(h, 8);
/* Without Remote Trigger: the StopTransaction only. A periodic sample of this size is not
   queued (the default 1 KiB outbox keeps OCPP_TXQ_STOP_ROOM for the StopTransaction: "outbox
   full: MeterValues not queued"); only a triggered MeterValues, sent at once, is this long. */
#if OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
    ws_in_text(&h->in, "[2,\"tm\",\"TriggerMessage\",{\"requestedMessage\":\"MeterValues\","
                       "\"connectorId\":1}]");
#endif
    run(h, 4);
    assert_int_equal(ocpp_cp_stop(&h->cp, 1, OCPP_STOP_LOCAL), OCPP_OK);
    run(h, 8);
    char action[40];
    int meter = 0, stop = 0;
    for (int i = 0; i < h->n_msgs; i++) {
        action_of(h->msgs[i], action, sizeof action);
        meter += strcmp(action, "MeterValues") == 0 && h->msg_len[i] > PIECE ? 1 : 0;
        stop += strcmp(action, "StopTransaction") == 0 && h->msg_len[i] > PIECE &&
                        strstr(h->msgs[i], "\"transactionData\"") != NULL
                    ? 1
                    : 0;
    }
    assert_int_equal(meter, OCPP_CONFIG_PROFILE_REMOTE_TRIGGER ? 1 : 0);
    assert_int_equal(stop, 1);
}

static void test_meter_values_and_stop_transaction_at_512(void **s)
{
    (void)s;
    both(sc_meter_values_and_stop);
}

/* OCPP 1.6 §4.2 BootNotification with every optional field at its longest
 * (CiString20/25/50): it fits, as do the StatusNotifications. */
static void test_boot_with_all_fields_at_512(void **s)
{
    (void)s;
    h_t *big = h_boot(0, BIG_CAP);
    h_t *small = h_boot(1, MIN_CAP);
    assert_int_equal(small->n_msgs, big->n_msgs);
    for (int i = 0; i < big->n_msgs; i++) {
        assert_string_equal(small->msgs[i], big->msgs[i]);
    }
    assert_non_null(strstr(big->msgs[0], "\"firmwareVersion\":\"fw-0123456789"));
}

#if OCPP_CONFIG_OCPP201
/* OCPP 2.0.1 B06 GetVariables with ItemsPerMessage elements: the answer
 * (B06.FR.01 one result per element, each echoing component and variable)
 * is larger than 512 bytes. */
static void sc_get_variables(h_t *h)
{
    char req[2048];
    size_t n =
        (size_t)snprintf(req, sizeof req, "[2,\"gv\",\"GetVariables\",{\"getVariableData\":[");
    static const char *const v[] = {
        "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"}"
        "}",
        "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":"
        "\"WebSocketPingInterval\"}}",
        "{\"component\":{\"name\":\"ChargingStation\"},\"variable\":{\"name\":\"Model\"}}",
        "{\"component\":{\"name\":\"ChargingStation\"},\"variable\":{\"name\":\"VendorName\"}}",
        "{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":"
        "\"BytesPerMessage\",\"instance\":\"GetVariables\"}}",
        "{\"component\":{\"name\":\"DeviceDataCtrlr\"},\"variable\":{\"name\":"
        "\"ItemsPerMessage\",\"instance\":\"GetVariables\"}}",
        "{\"component\":{\"name\":\"NoSuchComponent\"},\"variable\":{\"name\":\"X\"}}",
        "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"NoSuchVariable\"}}",
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        n += (size_t)snprintf(req + n, sizeof req - n, "%s%s", i > 0u ? "," : "", v[i]);
    }
    snprintf(req + n, sizeof req - n, "]}]");
    ws_in_text(&h->in, req);
    run(h, 2);
    assert_starts(last(h), "[3,\"gv\",{\"getVariableResult\":[");
    assert_true(h->msg_len[h->n_msgs - 1] > PIECE);
}

static void test_v201_get_variables_at_512(void **s)
{
    (void)s;
    h_t *hs[2];
    for (int i = 0; i < 2; i++) {
        hs[i] = h_new(i, i == 0 ? BIG_CAP : MIN_CAP, OCPP_VERSION_201);
        run(hs[i], 10);
        assert_int_equal(ocpp_cp_connection(&hs[i]->cp), OCPP_CP_ACCEPTED);
        sc_get_variables(hs[i]);
    }
    /* BytesPerMessage reports the send buffer: the two differ there only. */
    const char *a = strstr(last(hs[0]), "\"attributeValue\":\"4082\"");
    const char *b = strstr(last(hs[1]), "\"attributeValue\":\"498\"");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(hs[1]->msg_len[hs[1]->n_msgs - 1] + 1u, hs[0]->msg_len[hs[0]->n_msgs - 1]);
    assert_true(hs[1]->msg_frames[hs[1]->n_msgs - 1] > 1);
}
#endif

/* ------------------------------------------------------------------------ */
/* Edges                                                                      */
/* ------------------------------------------------------------------------ */

/* A message that fills the buffer exactly is one frame; one byte more is two
 * (RFC 6455 §5.4), the second carrying that byte. */
static void test_buffer_boundary_frames(void **s)
{
    (void)s;
    static char d1[600], d2[600], d3[600];
    h_t *h = h_boot(1, MIN_CAP);
    for (size_t total = PIECE - 1u; total <= PIECE + 1u; total++) {
        char *data = total == PIECE - 1u ? d1 : (total == PIECE ? d2 : d3);
        size_t overhead = strlen("[2,\"0123456789abcdef0\",\"DataTransfer\",{\"vendorId\":\"acme\","
                                 "\"data\":\"\"}]");
        memset(data, 'd', total - overhead);
        data[total - overhead] = '\0';
        int f0 = h->n_frames, m0 = h->n_msgs;
        assert_int_equal(ocpp_cp_data_transfer(&h->cp, "acme", NULL, data), OCPP_OK);
        run(h, 3);
        assert_int_equal(h->msg_len[m0], total);
        assert_int_equal(h->frames[f0].op, 0x1);
        if (total <= PIECE) {
            assert_int_equal(h->msg_frames[m0], 1);
            assert_true(h->frames[f0].fin);
            assert_int_equal(h->frames[f0].len, total);
        } else {
            assert_int_equal(h->msg_frames[m0], 2);
            assert_false(h->frames[f0].fin);
            assert_int_equal(h->frames[f0].len, PIECE);
            assert_int_equal(h->frames[f0 + 1].op, 0x0);
            assert_true(h->frames[f0 + 1].fin);
            assert_int_equal(h->frames[f0 + 1].len, 1);
        }
        assert_int_equal(h->dt_value, OCPP_DT_ACCEPTED);
    }
}

/* Partial writes: the byte stream takes 7 bytes per call (the client goes on
 * while it makes progress), or every other call takes nothing (EAGAIN: the
 * piece is offered again at once). Each fragment is still taken whole, in
 * order, and nothing is lost. */
static void test_partial_writes(void **s)
{
    (void)s;
    h_t *big = h_boot(0, BIG_CAP);
    sc_get_configuration(big);
    for (int mode = 0; mode < 2; mode++) {
        h_t *h = h_boot(1, MIN_CAP);
        h->send_k = mode == 0 ? 7u : 0u;
        h->zero_every = mode == 0 ? 0u : 2u;
        h->send_calls = 0;
        sc_get_configuration(h);
        assert_string_equal(last(h), last(big));
        assert_true(h->msg_frames[h->n_msgs - 1] > 1);
        assert_int_equal(h->closes, 0);
        assert_true(h->send_calls > (mode == 0 ? 300u : 8u));
    }
}

/* The last fragment is taken in part only: it stays in the send buffer and
 * goes on at later polls, as any message does. A ping from the CSMS arriving
 * meanwhile is answered after it: control frames may come between fragments
 * (RFC 6455 §5.4), never inside a frame. */
static void test_last_fragment_pending_and_ping(void **s)
{
    (void)s;
    h_t *big = h_boot(0, BIG_CAP);
    sc_get_configuration(big);
    size_t total = big->msg_len[big->n_msgs - 1];
    size_t pieces = (total + PIECE - 1u) / PIECE;
    h_t *h = h_boot(1, MIN_CAP);
    /* Every fragment but the last whole (8-byte headers), then 3 bytes. */
    h->budget = (pieces - 1u) * (PIECE + 8u) + 3u;
    ws_in_text(&h->in, "[2,\"gc-all\",\"GetConfiguration\",{}]");
    ws_in_frame(&h->in, 0x89, "mid", 3); /* ping */
    run(h, 4);
    assert_true(h->in_msg);
    assert_int_equal(h->pongs, 0);
    assert_true(ocpp_cp_next_wakeup_ms(&h->cp, h->now) == 0u); /* still sending */
    h->budget = UNLIMITED;
    run(h, 2);
    assert_false(h->in_msg);
    assert_string_equal(h->msgs[h->n_msgs - 1], last(big));
    assert_int_equal(h->pongs, 1);
    assert_string_equal(h->pong, "mid");
    const frame_t *f = &h->frames[h->n_frames - 1];
    assert_int_equal(f->op, 0xA);
    assert_int_equal(f[-1].op, 0x0);
    assert_true(f[-1].fin);
    assert_int_equal(h->closes, 0);
}

/* A ping that arrives before the CALL is answered first; its pong goes out
 * before the first fragment. */
static void test_ping_before_call(void **s)
{
    (void)s;
    h_t *h = h_boot(1, MIN_CAP);
    ws_in_frame(&h->in, 0x89, "p1", 2);
    ws_in_text(&h->in, "[2,\"gc-all\",\"GetConfiguration\",{}]");
    run(h, 2);
    assert_int_equal(h->pongs, 1);
    int m = h->n_msgs - 1;
    int first = h->n_frames - h->msg_frames[m];
    assert_int_equal(h->frames[first - 1].op, 0xA);
    assert_true(h->msg_frames[m] > 1);
}

/* A fragment the byte stream does not take at all, call after call: the
 * message cannot be completed nor withdrawn, so the connection is given up
 * (like any failed send) and the charge point reconnects; nothing half-sent
 * is followed by another message on that connection. */
static void test_fragment_never_taken(void **s)
{
    (void)s;
    h_t *h = h_boot(1, MIN_CAP);
    h->budget = PIECE + 8u + 10u; /* the first fragment and 10 bytes */
    ws_in_text(&h->in, "[2,\"gc-all\",\"GetConfiguration\",{}]");
    int msgs = h->n_msgs;
    run(h, 1);
    assert_int_equal(h->closes, 1);
    assert_int_equal(ocpp_cp_connection(&h->cp), OCPP_CP_OFFLINE);
    assert_int_equal(h->n_msgs, msgs);
    /* Back after the back-off; the CSMS asks again and gets all of it. */
    h->budget = UNLIMITED;
    h->rd = h->out_len;
    h->now += 2000;
    run(h, 4);
    assert_int_equal(ocpp_cp_connection(&h->cp), OCPP_CP_ACCEPTED);
    sc_get_configuration(h);
    assert_true(h->msg_frames[h->n_msgs - 1] > 1);
}

/* A message port without send_part (a platform's own WebSocket client that
 * takes whole messages only): a message must fit the send buffer, and an
 * answer that does not is a CALLERROR InternalError, as documented. */
static void test_port_without_pieces(void **s)
{
    (void)s;
    h_t *h = h_new(1, MIN_CAP, OCPP_VERSION_16);
    h->mp.send_part = NULL;
    run(h, 10);
    assert_int_equal(ocpp_cp_connection(&h->cp), OCPP_CP_ACCEPTED);
    ws_in_text(&h->in, "[2,\"gc-all\",\"GetConfiguration\",{}]");
    run(h, 2);
    assert_starts(last(h), "[4,\"gc-all\",\"InternalError\",");
}

/* RFC 6455 §5.4 the other way: a CALL from the CSMS in three fragments with
 * a ping between them is put together and answered. */
static void test_incoming_fragments(void **s)
{
    (void)s;
    h_t *h = h_boot(1, MIN_CAP);
    ws_in_frame(&h->in, 0x01, "[2,\"gc-2\",\"GetConf", 18);
    ws_in_frame(&h->in, 0x89, "x", 1);
    ws_in_frame(&h->in, 0x00, "iguration\",{\"key\":[\"Heartbe", 27);
    ws_in_frame(&h->in, 0x80, "atInterval\"]}]", 14);
    run(h, 2);
    assert_int_equal(h->pongs, 1);
    assert_string_equal(last(h),
                        "[3,\"gc-2\",{\"configurationKey\":[{\"key\":\"HeartbeatInterval\","
                        "\"readonly\":false,\"value\":\"3600\"}]}]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_configuration_all_keys_at_512),
        cmocka_unit_test(test_data_transfer_larger_than_buffer),
        cmocka_unit_test(test_meter_values_and_stop_transaction_at_512),
        cmocka_unit_test(test_boot_with_all_fields_at_512),
#if OCPP_CONFIG_OCPP201
        cmocka_unit_test(test_v201_get_variables_at_512),
#endif
        cmocka_unit_test(test_buffer_boundary_frames),
        cmocka_unit_test(test_partial_writes),
        cmocka_unit_test(test_last_fragment_pending_and_ping),
        cmocka_unit_test(test_ping_before_call),
        cmocka_unit_test(test_fragment_never_taken),
        cmocka_unit_test(test_port_without_pieces),
        cmocka_unit_test(test_incoming_fragments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
