/**
 * @file core.c
 * @brief OCPP 1.6 Core profile, session part: BootNotification (§4.2),
 *        Heartbeat (§4.6), StatusNotification (§4.9), GetConfiguration
 *        (§5.10) and ChangeConfiguration (§5.8).
 */
#include <string.h>

#include "cp/cp_internal.h"
#include "model/txqueue.h"

/** Boot retry when the CSMS gives interval 0 or the CALL failed (§4.2: "the
 *  Charge Point chooses a waiting interval on its own"). */
#define BOOT_RETRY_DEFAULT_S 30u
/** Wait after a failed StatusNotification/Heartbeat before trying again. */
#define CALL_RETRY_MS 10000u

/* ------------------------------------------------------------------------ */
/* CP-initiated CALLs                                                        */
/* ------------------------------------------------------------------------ */

static void kv_opt(ocpp_jw_t *w, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        ocpp_jw_kv_str(w, key, value);
    }
}

static void send_boot(ocpp_cp_t *cp)
{
    const ocpp_cp_config_t *c = &cp->config;
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_BOOT_NOTIFICATION);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "chargePointVendor", c->vendor);
    ocpp_jw_kv_str(&w, "chargePointModel", c->model);
    kv_opt(&w, "chargePointSerialNumber", c->serial_number);
    kv_opt(&w, "chargeBoxSerialNumber", c->charge_box_serial);
    kv_opt(&w, "firmwareVersion", c->firmware_version);
    kv_opt(&w, "iccid", c->iccid);
    kv_opt(&w, "imsi", c->imsi);
    kv_opt(&w, "meterType", c->meter_type);
    kv_opt(&w, "meterSerialNumber", c->meter_serial);
    ocpp_jw_obj_close(&w);
    (void)ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_BOOT);
}

static void send_heartbeat(ocpp_cp_t *cp)
{
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_HEARTBEAT);
    ocpp_jw_obj_open(&w);
    ocpp_jw_obj_close(&w);
    (void)ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_HEARTBEAT);
}

static void send_status(ocpp_cp_t *cp, uint8_t i)
{
    const ocpp_cp_connector_t *c = &cp->conns[i];
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_STATUS_NOTIFICATION);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "connectorId", i);
    ocpp_jw_kv_str(&w, "errorCode", ocpp_cp_error_str(c->error));
    ocpp_jw_kv_str(&w, "status", ocpp_cp_status_str(c->status));
    /* §7.6 / §6.47: info and vendorErrorCode are optional: sent when set.
     * §4.9: with StopTransactionOnEVSideDisconnect false, an EV-side
     * disconnect is SuspendedEV "with the 'errorCode' field set to: 'NoError'
     * ... additional information in the 'info' field ... 'EV side
     * disconnected'". */
    if (c->info[0] != '\0') {
        ocpp_jw_kv_str(&w, "info", c->info);
    } else if (c->ev_disconnected && c->tx) {
        ocpp_jw_kv_str(&w, "info", "EV side disconnected");
    }
    kv_opt(&w, "vendorErrorCode", c->vendor_error);
    int64_t ts = c->changed_unix != 0 ? c->changed_unix : ocpp_cp_time(cp);
    if (ts > 0) {
        char buf[OCPP_RPC_DATETIME_LEN + 1];
        ocpp_rpc_format_datetime(ts, 0, buf);
        ocpp_jw_kv_str(&w, "timestamp", buf);
    }
    ocpp_jw_obj_close(&w);
    if (ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_STATUS) == OCPP_OK) {
        cp->call_connector = i;
        cp->call_status = c->status;
        cp->call_error = c->error;
    }
}

/**
 * A status that must wait for the StopTransaction queued before it.
 *
 * §3.7 lets messages that are not transaction-related overtake the queue
 * ("new messages that are not transaction-related MAY be delivered
 * immediately without waiting for the queue to be emptied ... urgent
 * notifications are not delayed"), but a status that the end of a
 * transaction brought about (Finishing, Available, or Unavailable by a
 * Scheduled ChangeAvailability, §5.2: "scheduled to occur after the
 * transaction has finished") describes an event that happened after that
 * StopTransaction: sent first, it would tell the Central System that the
 * connector is free while, for the Central System, the transaction still
 * runs. So while the StopTransaction of the connector's last transaction is
 * queued, its status report waits (§4.9: StatusNotifications "MUST be sent
 * in the order in which the events that they describe occurred"; §4.10:
 * "When a transaction is stopped, the Charge Point SHALL send a
 * StopTransaction.req"). A fault is not held (an urgent notification,
 * §3.7), nor is a status the Central System asked for (TriggerMessage).
 */
static bool status_held(const ocpp_cp_t *cp, uint8_t i)
{
    const ocpp_cp_connector_t *c = &cp->conns[i];
    return i > 0u && !c->tx && !ocpp_cp_is_fault(c->error) && c->tx_ref != 0u &&
           ocpp_txq_has_stop(&cp->txq, c->tx_ref);
}

/**
 * The next connector whose status must be reported now (stable for
 * MinimumStatusDuration, not held, or triggered; only triggered ones if
 * `trig_only`), -1 if none; *wait_ms: how long until the next one may be
 * due (at most 60000).
 */
static int status_scan(const ocpp_cp_t *cp, uint32_t now_ms, bool trig_only, uint32_t *wait_ms)
{
    uint32_t min_ms = (uint32_t)cp->cfg.minimum_status_duration * 1000u;
    *wait_ms = 60000u;
    for (uint8_t i = 0; i <= cp->config.connectors; i++) {
        const ocpp_cp_connector_t *c = &cp->conns[i];
        if (((cp->trig_status >> i) & 1u) != 0u) {
            *wait_ms = 0u;
            return i;
        }
        if (trig_only || !c->report_needed || status_held(cp, i)) {
            continue; /* a held status follows its StopTransaction's answer */
        }
        uint32_t since = now_ms - c->changed_ms;
        if (since >= min_ms) {
            *wait_ms = 0u;
            return i;
        }
        *wait_ms = min_ms - since < *wait_ms ? min_ms - since : *wait_ms;
    }
    return -1;
}

static bool heartbeat_due(const ocpp_cp_t *cp)
{
    uint32_t iv = (uint32_t)cp->cfg.heartbeat_interval;
    return iv > 0u && cp->now_ms - cp->last_call_ms >= iv * 1000u;
}

/** §4.2 / §5.17: while Pending, only what the CSMS triggered. (Every
 *  connector still waits for its first report, so look for the trigger
 *  itself, not for the next due status.) */
static void send_triggered_pending(ocpp_cp_t *cp)
{
    uint32_t wait;
    int i = status_scan(cp, cp->now_ms, true, &wait);
    if (cp->trig_boot || ocpp_cp_due(cp->now_ms, cp->retry_at_ms)) {
        cp->trig_boot = false;
        send_boot(cp);
    } else if (i >= 0) {
        send_status(cp, (uint8_t)i);
    } else if (cp->trig_heartbeat) {
        cp->trig_heartbeat = false;
        send_heartbeat(cp);
    }
}

void ocpp_v16_send_due(ocpp_cp_t *cp)
{
    if (cp->conn == OCPP_CP_PENDING) {
        send_triggered_pending(cp);
        return;
    }
    if (cp->conn == OCPP_CP_BOOTING || cp->conn == OCPP_CP_REJECTED) {
        /* §4.2: until Accepted, nothing but BootNotification, and only after
         * the interval of the last answer. */
        if (ocpp_cp_due(cp->now_ms, cp->retry_at_ms)) {
            send_boot(cp);
        }
        return;
    }
    if (cp->conn != OCPP_CP_ACCEPTED || !ocpp_cp_due(cp->now_ms, cp->call_fail_at_ms)) {
        return;
    }
    uint32_t wait;
    int i = status_scan(cp, cp->now_ms, false, &wait);
    if (i >= 0) {
        send_status(cp, (uint8_t)i);
    } else if (cp->trig_heartbeat) {
        cp->trig_heartbeat = false;
        send_heartbeat(cp);
    } else if (ocpp_v16_send_tx_due(cp)) {
        return;
    } else if (heartbeat_due(cp)) {
        send_heartbeat(cp);
    }
}

uint32_t ocpp_v16_next_due_ms(const ocpp_cp_t *cp, uint32_t now_ms)
{
    uint32_t wake = 60000u;
    if (cp->conn != OCPP_CP_ACCEPTED) {
        int32_t d = (int32_t)(cp->retry_at_ms - now_ms);
        return d > 0 ? (uint32_t)d : 0u;
    }
    if (cp->cfg.heartbeat_interval > 0) {
        uint32_t iv = (uint32_t)cp->cfg.heartbeat_interval * 1000u;
        uint32_t since = now_ms - cp->last_call_ms;
        uint32_t left = since >= iv ? 0u : iv - since;
        wake = left < wake ? left : wake;
    }
    uint32_t st;
    (void)status_scan(cp, now_ms, false, &st);
    wake = st < wake ? st : wake;
    if (cp->trig_heartbeat || cp->trig_meter != 0u || cp->dt_pending ||
        (cp->auth != OCPP_CP_AUTH_NONE && !cp->auth_sent) || cp->reset_pending) {
        return 0u;
    }
    if (ocpp_txq_count(&cp->txq) > 0u) {
        int32_t d = (int32_t)(cp->txq_retry_at_ms - now_ms);
        uint32_t left = d > 0 ? (uint32_t)d : 0u;
        wake = left < wake ? left : wake;
    }
    return wake;
}

/* ------------------------------------------------------------------------ */
/* Answers to our CALLs                                                      */
/* ------------------------------------------------------------------------ */

static void take_current_time(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    ocpp_json_value_t v;
    int64_t t;
    if (ocpp_json_get(payload, "currentTime", &v) == OCPP_OK &&
        ocpp_rpc_parse_datetime(&v, &t) == OCPP_OK) {
        ocpp_cp_clock_set(cp, t);
    }
}

static void on_boot_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    ocpp_json_value_t v;
    int64_t interval = 0;
    if (ocpp_json_get(payload, "interval", &v) == OCPP_OK) {
        (void)ocpp_json_as_int(&v, &interval);
    }
    if (interval < 0 || interval > (int64_t)86400 * 7) {
        interval = 0;
    }
    take_current_time(cp, payload);
    if (ocpp_json_get(payload, "status", &v) != OCPP_OK) {
        ocpp_v16_on_call_failed(cp, OCPP_ERR_PROTOCOL);
        return;
    }
    if (ocpp_json_string_eq(&v, "Accepted")) {
        /* §4.2: with Accepted, interval is the heartbeat interval. */
        if (interval > 0) {
            cp->cfg.heartbeat_interval = (int32_t)interval;
        }
        cp->booted = true;
        cp->backoff_ms = cp->config.backoff_min_ms;
        /* §4.2: after Accepted, a StatusNotification for connector 0 and
         * every connector with its current status. */
        for (uint8_t i = 0; i <= cp->config.connectors; i++) {
            cp->conns[i].report_needed = true;
        }
        ocpp_cp_set_conn(cp, OCPP_CP_ACCEPTED);
        return;
    }
    uint32_t wait_s = interval > 0 ? (uint32_t)interval : BOOT_RETRY_DEFAULT_S;
    cp->retry_at_ms = cp->now_ms + wait_s * 1000u;
    if (ocpp_json_string_eq(&v, "Pending")) {
        ocpp_cp_set_conn(cp, OCPP_CP_PENDING);
    } else if (ocpp_json_string_eq(&v, "Rejected")) {
        ocpp_cp_set_conn(cp, OCPP_CP_REJECTED);
    } else {
        ocpp_v16_on_call_failed(cp, OCPP_ERR_PROTOCOL);
    }
}

static void on_status_result(ocpp_cp_t *cp)
{
    ocpp_cp_connector_t *c = &cp->conns[cp->call_connector];
    cp->trig_status &= ~((uint64_t)1u << cp->call_connector);
    c->reported = cp->call_status;
    c->reported_error = cp->call_error;
    c->report_needed = c->status != cp->call_status || c->error != cp->call_error;
}

void ocpp_v16_on_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    switch (cp->call) {
    case OCPP_CP_CALL_BOOT: on_boot_result(cp, payload); break;
    case OCPP_CP_CALL_HEARTBEAT: take_current_time(cp, payload); break;
    case OCPP_CP_CALL_STATUS: on_status_result(cp); break;
    case OCPP_CP_CALL_NONE: break;
    default: ocpp_v16_tx_result(cp, payload); break;
    }
}

void ocpp_v16_on_call_failed(ocpp_cp_t *cp, ocpp_status_t why)
{
    if (cp->call == OCPP_CP_CALL_AUTHORIZE || cp->call == OCPP_CP_CALL_TXQ ||
        cp->call == OCPP_CP_CALL_DATA_TRANSFER || cp->call == OCPP_CP_CALL_METER) {
        ocpp_v16_tx_failed(cp, why);
        return;
    }
    if (cp->call == OCPP_CP_CALL_BOOT) {
        cp->retry_at_ms = cp->now_ms + BOOT_RETRY_DEFAULT_S * 1000u;
    } else {
        /* The status stays flagged and is sent again later. */
        cp->call_fail_at_ms = cp->now_ms + CALL_RETRY_MS;
    }
}

/* ------------------------------------------------------------------------ */
/* CS-initiated CALLs                                                        */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t check_key_list(const ocpp_cp_t *cp, const ocpp_json_value_t *keys,
                                     const char **desc)
{
    if (keys->type != OCPP_JSON_ARRAY) {
        *desc = "key must be an array";
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    if (ocpp_json_count(keys) > (size_t)cp->cfg.get_configuration_max_keys) {
        *desc = "more keys than GetConfigurationMaxKeys";
        return OCPP_RPC_ERR_OCCURENCE_CONSTRAINT;
    }
    ocpp_json_iter_t it;
    ocpp_json_value_t k;
    (void)ocpp_json_iter_init(&it, keys);
    while (ocpp_json_iter_next(&it, NULL, &k)) {
        if (k.type != OCPP_JSON_STRING) {
            *desc = "key entries must be strings";
            return OCPP_RPC_ERR_TYPE_CONSTRAINT;
        }
        if (ocpp_json_string_len(&k) > 50u) {
            *desc = "key longer than 50 characters";
            return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
        }
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_get_configuration(void *ctx, const ocpp_json_value_t *payload,
                                           ocpp_jw_t *w, const char **desc)
{
    const ocpp_cp_t *cp = ctx;
    ocpp_json_value_t keys;
    const ocpp_json_value_t *sel = NULL;
    if (ocpp_json_get(payload, "key", &keys) == OCPP_OK) {
        ocpp_rpc_err_t e = check_key_list(cp, &keys, desc);
        if (e != OCPP_RPC_OK) {
            return e;
        }
        sel = &keys;
    }
    if (ocpp_cfg_write_get_configuration(&cp->cfg, sel, w) != OCPP_OK) {
        *desc = "answer does not fit the transmit buffer";
        return OCPP_RPC_ERR_INTERNAL;
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_change_configuration(void *ctx, const ocpp_json_value_t *payload,
                                              ocpp_jw_t *w, const char **desc)
{
    ocpp_cp_t *cp = ctx;
    /* Sized for what a key can hold, not for the schema's CiString50/500:
     * a valid key or value that does not fit here cannot match any key
     * (OCPP_CFG_KEY_MAX, OCPP_CFG_VALUE_MAX), so it is answered without being
     * decoded; this keeps ~300 bytes off the stack. */
    char key[OCPP_CFG_KEY_MAX + 1];
    char value[OCPP_CFG_VALUE_MAX + 1];
    ocpp_cfg_result_t r = OCPP_CFG_REJECTED;
    ocpp_rpc_err_t ek = ocpp_rpc_get_string(payload, "key", true, 50u, key, sizeof key, desc);
    ocpp_rpc_err_t ev =
        ocpp_rpc_get_string(payload, "value", true, 500u, value, sizeof value, desc);
    if (ek != OCPP_RPC_OK && ek != OCPP_RPC_ERR_INTERNAL) {
        return ek; /* missing, wrong type, longer than 50 characters */
    }
    if (ev != OCPP_RPC_OK && ev != OCPP_RPC_ERR_INTERNAL) {
        return ev;
    }
    if (ek == OCPP_RPC_ERR_INTERNAL) {
        r = OCPP_CFG_NOT_SUPPORTED; /* 50 multi-byte characters: no such key */
    } else if (ev == OCPP_RPC_OK) {
        r = ocpp_cfg_change(&cp->cfg, key, value);
    } /* else a value longer than any key accepts: Rejected */
    if (r == OCPP_CFG_ACCEPTED || r == OCPP_CFG_REBOOT_REQUIRED) {
        ocpp_cp_config_applied(cp, key);
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", ocpp_cfg_result_str(r));
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

const ocpp_rpc_handler_entry_t ocpp_v16_handlers[] = {
    {OCPP_ACTION_CHANGE_AVAILABILITY, ocpp_v16_on_change_availability},
    {OCPP_ACTION_CHANGE_CONFIGURATION, on_change_configuration},
    {OCPP_ACTION_CLEAR_CACHE, ocpp_v16_on_clear_cache},
    {OCPP_ACTION_DATA_TRANSFER, ocpp_v16_on_data_transfer},
    {OCPP_ACTION_GET_CONFIGURATION, on_get_configuration},
    {OCPP_ACTION_REMOTE_START_TRANSACTION, ocpp_v16_on_remote_start},
    {OCPP_ACTION_REMOTE_STOP_TRANSACTION, ocpp_v16_on_remote_stop},
    {OCPP_ACTION_RESET, ocpp_v16_on_reset},
#if OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
    {OCPP_ACTION_TRIGGER_MESSAGE, ocpp_v16_on_trigger},
#endif
    {OCPP_ACTION_UNLOCK_CONNECTOR, ocpp_v16_on_unlock},
};
const size_t ocpp_v16_handler_count = sizeof ocpp_v16_handlers / sizeof ocpp_v16_handlers[0];
