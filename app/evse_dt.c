/**
 * @file evse_dt.c
 * @brief CP-initiated DataTransfer (OCPP 1.6 §4.3) with the strings owned by
 *        the application (see evse_data_transfer() in evse.h).
 */
#include <string.h>

#include "evse_internal.h"

/**
 * Text for a JSON string (RFC 8259 §8.1: valid UTF-8), at most `max` bytes,
 * no control characters (tab, CR, LF allowed if `lines`). A strict UTF-8
 * check: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static bool text_ok(const char *s, size_t max, bool lines)
{
    size_t n = strlen(s);
    if (n > max) {
        return false;
    }
    for (size_t i = 0; i < n;) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x80u) {
            if ((c < 0x20u && !(lines && (c == '\t' || c == '\r' || c == '\n'))) || c == 0x7Fu) {
                return false;
            }
            i++;
            continue;
        }
        size_t len = c >= 0xF0u ? 4u : c >= 0xE0u ? 3u : c >= 0xC2u ? 2u : 0u;
        if (len == 0u || c > 0xF4u || i + len > n) {
            return false;
        }
        uint32_t cp = c & (0xFFu >> (len + 1u));
        for (size_t k = 1; k < len; k++) {
            uint8_t t = (uint8_t)s[i + k];
            if ((t & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (t & 0x3Fu);
        }
        if ((len == 3u && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) ||
            (len == 4u && (cp < 0x10000u || cp > 0x10FFFFu))) {
            return false;
        }
        i += len;
    }
    return true;
}

static void copy(char *dst, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n + 1u);
}

ocpp_status_t evse_data_transfer(evse_t *e, const char *vendor_id, const char *message_id,
                                 const char *data)
{
    if (e == NULL || vendor_id == NULL || vendor_id[0] == '\0' ||
        !text_ok(vendor_id, sizeof e->dt.vendor_id - 1u, false) ||
        (message_id != NULL && !text_ok(message_id, sizeof e->dt.message_id - 1u, false)) ||
        (data != NULL && !text_ok(data, EVSE_DT_DATA_MAX, true))) {
        return OCPP_ERR_PARAM;
    }
    if (e->ops == NULL || e->ops->data_transfer == NULL) {
        return OCPP_ERR_STATE;
    }
    if (e->dt.state == EVSE_DT_PENDING) {
        return OCPP_ERR_BUSY;
    }
    evse_dt_t *d = &e->dt;
    copy(d->vendor_id, vendor_id);
    copy(d->message_id, message_id != NULL ? message_id : "");
    copy(d->data, data != NULL ? data : "");
    d->has_message_id = message_id != NULL;
    d->has_data = data != NULL;
    ocpp_status_t st =
        e->ops->data_transfer(e->cp, d->vendor_id, d->has_message_id ? d->message_id : NULL,
                              d->has_data ? d->data : NULL);
    if (st == OCPP_OK) {
        d->state = EVSE_DT_PENDING;
        d->answer[0] = '\0';
        d->answer_truncated = false;
        d->status = OCPP_DT_REJECTED;
    }
    return st;
}

void evse_dt_event(evse_t *e, const ocpp_cp_event_t *ev)
{
    evse_dt_t *d = &e->dt;
    if (ev->kind != OCPP_CP_EV_DATA_TRANSFER_RESULT || d->state != EVSE_DT_PENDING) {
        return;
    }
    if (ev->value < 0 || ev->value > (int32_t)OCPP_DT_UNKNOWN_VENDOR_ID) {
        d->state = EVSE_DT_FAILED;
        return;
    }
    d->state = EVSE_DT_ANSWERED;
    d->status = (ocpp_dt_status_t)ev->value;
    size_t n = ev->text != NULL ? ev->len : 0u;
    d->answer_truncated = n > EVSE_DT_DATA_MAX;
    if (d->answer_truncated) {
        n = 0u; /* raw JSON cut short is no JSON: keep none */
    }
    if (n > 0u) {
        memcpy(d->answer, ev->text, n);
    }
    d->answer[n] = '\0';
}

const evse_dt_t *evse_data_transfer_last(const evse_t *e)
{
    return e != NULL ? &e->dt : NULL;
}

const char *evse_dt_status_str(ocpp_dt_status_t s)
{
    static const char *const names[] = {"Accepted", "Rejected", "UnknownMessageId",
                                        "UnknownVendorId"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* ------------------------------------------------------------------------ */
/* DataTransfer of the CSMS to the charger's vendorId (OCPP 1.6 §5.6)        */
/* ------------------------------------------------------------------------ */

/** "DisplayMessage": data is the text to show (≤ EVSE_MESSAGE_MAX, "" clears). */
static ocpp_dt_status_t dt_display(evse_t *e, const char *data)
{
    if (data == NULL || !text_ok(data, EVSE_MESSAGE_MAX, false)) {
        return OCPP_DT_REJECTED;
    }
    copy(e->message, data);
    e->message_seq++;
    return OCPP_DT_ACCEPTED;
}

/** "GetTemperatures": {"charger": °C|null, "connectors": [°C|null, ...]}. */
static ocpp_dt_status_t dt_temperatures(const evse_t *e, ocpp_jw_t *resp)
{
    const evse_board_t *b = e->board;
    char buf[48 + 10 * OCPP_CONFIG_MAX_CONNECTORS];
    ocpp_jw_t w;
    int32_t t;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    for (uint8_t c = 0; c <= e->config.connectors; c++) {
        if (c <= 1u) {
            ocpp_jw_key(&w, c == 0u ? "charger" : "connectors");
        }
        if (c == 1u) {
            ocpp_jw_arr_open(&w);
        }
        if (b->temperature_read != NULL && b->temperature_read(b->ctx, c, &t)) {
            ocpp_jw_decimal(&w, t, 1);
        } else {
            ocpp_jw_null(&w);
        }
    }
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    size_t n = 0;
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        return OCPP_DT_REJECTED;
    }
    ocpp_jw_strn(resp, buf, n);
    return OCPP_DT_ACCEPTED;
}

/** A connector id as text ("1".."connectors", digits only). @return it, 0 if bad. */
static uint8_t parse_connector(const evse_t *e, const char *data)
{
    unsigned c = 0;
    const char *p = data;
    for (; p != NULL && *p >= '0' && *p <= '9' && c <= 255u; p++) {
        c = c * 10u + (unsigned)(*p - '0');
    }
    bool ok = p != NULL && p != data && *p == '\0' && c >= 1u && c <= e->config.connectors;
    return ok ? (uint8_t)c : 0u;
}

/** "GetCounters", data = a connector id: its meter register and counters since start. */
static void dt_counters_answer(const evse_t *e, uint8_t c, ocpp_jw_t *resp)
{
    const evse_board_t *b = e->board;
    const evse_connector_t *k = &e->conn[c];
    evse_meter_reading_t r = {0};
    char buf[192];
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "connectorId", c);
    ocpp_jw_key(&w, "energyWh");
    if (b->meter_read(b->ctx, c, &r)) {
        ocpp_jw_int(&w, r.energy_wh);
    } else {
        ocpp_jw_null(&w);
    }
    ocpp_jw_kv_int(&w, "sessions", k->sessions);
    ocpp_jw_kv_int(&w, "relayCycles", k->relay_cycles);
    ocpp_jw_kv_int(&w, "offeredCurrentMa", k->offered_ma);
    ocpp_jw_kv_str(&w, "limitReason", evse_limit_reason_str(k->limit_reason));
    ocpp_jw_obj_close(&w);
    if (ocpp_jw_finish(&w, &n) == OCPP_OK) {
        ocpp_jw_strn(resp, buf, n);
    }
}

ocpp_dt_status_t evse_dt_handle(evse_t *e, const char *message_id, const char *data,
                                ocpp_jw_t *resp)
{
    if (message_id == NULL) {
        return OCPP_DT_UNKNOWN_MESSAGE_ID;
    }
    if (strcmp(message_id, "DisplayMessage") == 0) {
        return dt_display(e, data);
    }
    if (strcmp(message_id, "GetTemperatures") == 0) {
        return dt_temperatures(e, resp);
    }
    if (strcmp(message_id, "GetCounters") == 0) {
        uint8_t c = parse_connector(e, data);
        if (c == 0u) {
            return OCPP_DT_REJECTED;
        }
        dt_counters_answer(e, c, resp);
        return OCPP_DT_ACCEPTED;
    }
    return OCPP_DT_UNKNOWN_MESSAGE_ID;
}

const char *evse_message(const evse_t *e, uint32_t *seq)
{
    if (e == NULL) {
        return "";
    }
    if (seq != NULL) {
        *seq = e->message_seq;
    }
    return e->message;
}
