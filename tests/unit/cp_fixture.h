/*
 * The fixture of the charge-point profile tests (test_cp_core.c,
 * test_cp_states.c, test_cp_locallist.c, test_cp_reservation.c,
 * test_cp_smart.c, ...): a scripted message port, recording callbacks, a fake
 * meter, a booted charge point with or without a storage port, and helpers to
 * step time and answer CALLs. Functions are static
 * inline so that each test file uses what it needs.
 */
#ifndef OCPP_TEST_CP_FIXTURE_H
#define OCPP_TEST_CP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/authcache.h"
#include "store/txqueue.h"
#include "ocpp/ocpp_cp.h"

#define MAX_MSGS 128
#define MSG_CAP  2048

typedef struct {
    char sent[MAX_MSGS][MSG_CAP];
    int n_sent;
    char inbox[MAX_MSGS][MSG_CAP];
    int in_head, in_tail;
} fake_t;

typedef struct {
    fake_t f;
    ocpp_msg_port_t port;
    uint32_t rng;
    ocpp_cp_t cp;
    char tx[4096];
    uint32_t now;
    bool permit[3];
    int64_t meter_wh[3];        /* register per connector; [0]: the main meter, 0 = none */
    const char *signed_data[3]; /* a signed reading to pass with the register, or NULL */
    int unlocks, resets;
    int unlock_result; /* what the unlock callback answers (ocpp_unlock_result_t) */
    bool reset_hard;
    int events[16];
    int32_t last_value[16];
    int seen;         /* messages of f.sent already looked at by pump() */
    int next_txid;    /* transactionId of the next StartTransaction.conf */
    char prev[3][16]; /* per connector: the status reported before cur */
    char cur[3][16];  /* per connector: the last status reported */
} fx_t;

static fx_t fx_storage;

static inline ocpp_status_t f_open(void *ctx, const ocpp_msg_open_t *p)
{
    (void)ctx;
    (void)p;
    return OCPP_OK;
}

static inline ocpp_status_t f_send(void *ctx, char *msg, size_t len)
{
    fake_t *f = ctx;
    assert_true(f->n_sent < MAX_MSGS && len < MSG_CAP);
    memcpy(f->sent[f->n_sent], msg, len);
    f->sent[f->n_sent][len] = '\0';
    f->n_sent++;
    return OCPP_OK;
}

static inline ocpp_status_t f_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
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

static inline void f_close(void *ctx)
{
    (void)ctx;
}

static inline uint32_t seq_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static inline void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    fx_t *x = ctx;
    if ((unsigned)ev->kind < 16u) {
        x->events[ev->kind]++;
        x->last_value[ev->kind] = ev->value;
    }
}

static inline void cb_permit(void *ctx, uint8_t c, bool p)
{
    ((fx_t *)ctx)->permit[c] = p;
}

static inline size_t cb_read_meter(void *ctx, uint8_t c, ocpp_sample_t *out, size_t cap)
{
    fx_t *x = ctx;
    if (cap < 1u || c > 2u || (c == 0u && x->meter_wh[0] == 0)) {
        return 0;
    }
    out[0] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                             .value = x->meter_wh[c] * 10 + 5,
                             .scale = 1,
                             .signed_data = x->signed_data[c]};
    return 1;
}

static inline ocpp_unlock_result_t cb_unlock(void *ctx, uint8_t c)
{
    (void)c;
    ((fx_t *)ctx)->unlocks++;
    return (ocpp_unlock_result_t)((fx_t *)ctx)->unlock_result;
}

static inline void cb_reset(void *ctx, bool hard)
{
    fx_t *x = ctx;
    x->resets++;
    x->reset_hard = hard;
}

static inline ocpp_dt_status_t cb_dt(void *ctx, const char *vendor, const char *msg,
                                     const char *data, ocpp_jw_t *resp)
{
    (void)ctx;
    (void)msg;
    if (strcmp(vendor, "acme") != 0) {
        return OCPP_DT_UNKNOWN_VENDOR_ID;
    }
    ocpp_jw_str(resp, data != NULL ? data : "none");
    return OCPP_DT_ACCEPTED;
}

static inline void push(fx_t *x, const char *text)
{
    assert_true(x->f.in_tail < MAX_MSGS);
    snprintf(x->f.inbox[x->f.in_tail++], MSG_CAP, "%s", text);
}

static inline void step(fx_t *x, uint32_t ms)
{
    x->now += ms;
    ocpp_cp_poll(&x->cp, x->now);
}

static inline const char *last(fx_t *x)
{
    assert_true(x->f.n_sent > 0);
    return x->f.sent[x->f.n_sent - 1];
}

static inline bool is_call(const char *msg, const char *action)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\",", action);
    return strncmp(msg, "[2,", 3) == 0 && strstr(msg, pat) != NULL;
}

/** Answer the last sent CALL with `payload`; poll until nothing more goes out. */
static inline void reply(fx_t *x, const char *payload)
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

/** Send a CALL of the CSMS (`payload` must fit the inbox); return the charge
 *  point's answer to it (CALLRESULT or CALLERROR with uniqueId `id`). */
static inline const char *fx_csms(fx_t *x, const char *id, const char *action, const char *payload)
{
    char buf[MSG_CAP];
    char pat[48];
    int n = snprintf(buf, sizeof buf, "[2,\"%s\",\"%s\",%s]", id, action, payload);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    push(x, buf);
    step(x, 0);
    snprintf(pat, sizeof pat, "\"%s\",", id);
    for (int i = x->f.n_sent - 1; i >= 0; i--) {
        if ((strncmp(x->f.sent[i], "[3,", 3) == 0 || strncmp(x->f.sent[i], "[4,", 3) == 0) &&
            strstr(x->f.sent[i], pat) == x->f.sent[i] + 3) {
            return x->f.sent[i];
        }
    }
    fail_msg("no answer to %s", id);
    return NULL;
}

/** Answer every StatusNotification that goes out. */
static inline void ack_status(fx_t *x)
{
    for (int i = 0; i < 8 && x->f.n_sent > 0 && is_call(last(x), "StatusNotification"); i++) {
        reply(x, "{}");
    }
}

/** The fixture's charge point (2 connectors, meters at 1000 and 2000 Wh),
 *  initialized on `storage` (NULL: nothing persisted) with the fixture's
 *  callbacks as `adjust` (may be NULL) changes them before init; not polled
 *  yet. */
static inline fx_t *fx_init_on(const ocpp_storage_port_t *storage,
                               void (*adjust)(ocpp_cp_callbacks_t *cb))
{
    fx_t *x = &fx_storage;
    memset(x, 0, sizeof *x);
    x->port = (ocpp_msg_port_t){&x->f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    x->rng = 42;
    ocpp_cp_config_t c = {.identity = "CP-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .connectors = 2};
    ocpp_cp_ports_t p = {
        .msg = &x->port, .storage = storage, .random = seq_random, .random_ctx = &x->rng};
    ocpp_cp_callbacks_t cb = {.ctx = x,
                              .on_event = on_event,
                              .permit = cb_permit,
                              .read_meter = cb_read_meter,
                              .unlock = cb_unlock,
                              .reset = cb_reset,
                              .data_transfer = cb_dt};
    if (adjust != NULL) {
        adjust(&cb);
    }
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, &cb, x->tx, sizeof x->tx), OCPP_OK);
    x->meter_wh[1] = 1000;
    x->meter_wh[2] = 2000;
    x->now = 1000;
    return x;
}

/** The first poll of fx_init_on()'s charge point: its BootNotification
 *  answered Accepted (clock 2026-11-22T06:00:00Z, interval 3600), its
 *  StatusNotifications answered; asserts it is Accepted. */
static inline void fx_accept_boot(fx_t *x)
{
    step(x, 0);
    reply(x, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\","
             "\"interval\":3600}");
    ack_status(x);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/** A booted charge point on `storage` (NULL: none), the configuration keys
 *  at their defaults (or as the storage holds them); `adjust` as for
 *  fx_init_on(). */
static inline fx_t *fx_boot_on(const ocpp_storage_port_t *storage,
                               void (*adjust)(ocpp_cp_callbacks_t *cb))
{
    fx_t *x = fx_init_on(storage, adjust);
    fx_accept_boot(x);
    return x;
}

/** A booted charge point (2 connectors, Accepted, clock set), no storage,
 *  no periodic meter values (MeterValueSampleInterval and
 *  ClockAlignedDataInterval 0); `adjust` (may be NULL) changes the callbacks
 *  before init. */
static inline fx_t *fx_boot_with(void (*adjust)(ocpp_cp_callbacks_t *cb))
{
    fx_t *x = fx_init_on(NULL, adjust);
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "0");
    ocpp_cp_key_set(&x->cp, "ClockAlignedDataInterval", "0");
    fx_accept_boot(x);
    return x;
}

static inline fx_t *fx_boot(void)
{
    return fx_boot_with(NULL);
}

#endif /* OCPP_TEST_CP_FIXTURE_H */
