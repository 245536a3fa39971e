/*
 * libFuzzer target for the recovery of the persisted transaction state
 * (src/store/txstore.c, src/store/txqueue.c): the input is the stored record
 * "txstate" as a power cut, a bug or a worn flash might leave it. A charge
 * point is initialised on it, boots against a fake CSMS that accepts
 * everything, and drains its queue.
 *
 * Invariants (abort() on violation):
 *   - ocpp_cp_init() succeeds, whatever the record holds;
 *   - every message sent is one valid JSON array;
 *   - the queue drains completely (entries reported by ocpp_cp_queue_info()
 *     reach 0) within a bounded number of polls, and nothing is lost;
 *   - the record the charge point writes back is loaded again by a fresh
 *     charge point to the same queue.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_json.h"

#define FZ_REC_MAX 4096u

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

typedef struct {
    uint8_t rec[FZ_REC_MAX];
    size_t len;
    bool present;
    char last_id[40];
    char last_action[32];
    bool answer_due;
    char inbox[256];
    bool inbox_full;
    ocpp_cp_t cp;
    char tx[4096];
    uint32_t rng;
} fz_t;

static int32_t st_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    fz_t *f = ctx;
    if (!f->present || strcmp(key, "txstate") != 0) {
        return OCPP_ERR_NOT_FOUND;
    }
    if (f->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, f->rec, f->len);
    return (int32_t)f->len;
}

static ocpp_status_t st_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    fz_t *f = ctx;
    if (strcmp(key, "txstate") == 0) {
        check(len <= FZ_REC_MAX);
        memcpy(f->rec, data, len);
        f->len = len;
        f->present = true;
    }
    return OCPP_OK;
}

static ocpp_status_t st_remove(void *ctx, const char *key)
{
    fz_t *f = ctx;
    if (strcmp(key, "txstate") == 0) {
        f->present = false;
    }
    return OCPP_OK;
}

static ocpp_status_t m_open(void *ctx, const ocpp_msg_open_t *p)
{
    (void)ctx;
    (void)p;
    return OCPP_OK;
}

/** Remember the CALL so that the next recv() answers it. */
static ocpp_status_t m_send(void *ctx, char *msg, size_t len)
{
    fz_t *f = ctx;
    ocpp_json_value_t root, v[3];
    ocpp_json_iter_t it;
    int n = 0;
    check(ocpp_json_validate(msg, len) == OCPP_OK);
    check(ocpp_json_root(msg, len, &root) == OCPP_OK && root.type == OCPP_JSON_ARRAY);
    check(ocpp_json_iter_init(&it, &root) == OCPP_OK);
    while (n < 3 && ocpp_json_iter_next(&it, NULL, &v[n])) {
        n++;
    }
    if (n == 3 && v[0].len == 1u && v[0].ptr[0] == '2') {
        /* v[1]/v[2]: the id and action, with their quotes */
        check(v[1].len < sizeof f->last_id && v[2].len < sizeof f->last_action);
        memcpy(f->last_id, v[1].ptr, v[1].len);
        f->last_id[v[1].len] = '\0';
        memcpy(f->last_action, v[2].ptr, v[2].len);
        f->last_action[v[2].len] = '\0';
        f->answer_due = true;
    }
    return OCPP_OK;
}

static ocpp_status_t m_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    fz_t *f = ctx;
    (void)now;
    if (!f->answer_due) {
        return OCPP_PENDING;
    }
    f->answer_due = false;
    const char *p = "{}";
    if (strstr(f->last_action, "BootNotification") != NULL) {
        p = "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":300}";
    } else if (strstr(f->last_action, "StartTransaction") != NULL) {
        p = "{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Accepted\"}}";
    }
    int n = snprintf(f->inbox, sizeof f->inbox, "[3,%s,%s]", f->last_id, p);
    check(n > 0 && (size_t)n < sizeof f->inbox);
    *msg = f->inbox;
    *len = (size_t)n;
    return OCPP_OK;
}

static void m_close(void *ctx)
{
    (void)ctx;
}

static uint32_t rnd(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static fz_t fz;
static ocpp_storage_port_t st_port;
static ocpp_msg_port_t msg_port;

static void power_on(void)
{
    ocpp_cp_config_t c = {.identity = "CP-F",
                          .csms_url = "ws://127.0.0.1:9/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .connectors = 2};
    ocpp_cp_ports_t p = {
        .msg = &msg_port, .storage = &st_port, .random = rnd, .random_ctx = &fz.rng};
    fz.answer_due = false;
    fz.rng = 1;
    check(ocpp_cp_init(&fz.cp, &c, &p, NULL, fz.tx, sizeof fz.tx) == OCPP_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_REC_MAX) {
        return 0;
    }
    st_port = (ocpp_storage_port_t){&fz, st_read, st_write, st_remove};
    msg_port = (ocpp_msg_port_t){&fz, m_open, m_send, m_recv, m_close, NULL, NULL, NULL};
    memcpy(fz.rec, data, size);
    fz.len = size;
    fz.present = true;
    power_on();
    ocpp_cp_queue_info_t qi;
    check(ocpp_cp_queue_info(&fz.cp, &qi) == OCPP_OK);
    check(qi.used_bytes <= qi.capacity_bytes);
    size_t restored = qi.entries;

    /* Written back (PowerLoss stops queued, or the record normalised): a
     * fresh charge point loads the same queue. */
    if (fz.present) {
        power_on();
        check(ocpp_cp_queue_info(&fz.cp, &qi) == OCPP_OK && qi.entries == restored);
    }
    /* Boot and drain: every entry goes out once and is confirmed. */
    uint32_t now = 1000;
    for (int i = 0; i < 400 && (qi.entries > 0u || i < 8); i++) {
        now += 100;
        check(ocpp_cp_poll(&fz.cp, now) == OCPP_OK);
        check(ocpp_cp_queue_info(&fz.cp, &qi) == OCPP_OK);
    }
    check(qi.entries == 0u && qi.lost == 0u);
    return 0;
}
