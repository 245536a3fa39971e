/**
 * @file provisioning.c
 * @brief The CALLs the OCPP 2.0.1 charging station sends on its own:
 *        BootNotification (B01-B03), StatusNotification (B01.FR.05, G01)
 *        and Heartbeat (G02), and what their answers do.
 *
 * Registration. On every new connection until the CSMS accepted the
 * station once (the session's `registered`: a reconnect is no reboot), a
 * BootNotificationRequest is the only request sent (B01.FR.08, B02.FR.02;
 * TriggerMessage, GetBaseReport and GetReport are not implemented, so
 * nothing is ever triggered). Pending or Rejected: the next one after the
 * answer's interval, or after V201_BOOT_RETRY_S for interval 0 (B02.FR.04,
 * .07, .08; B03.FR.02, .05, .06); the same wait after a timeout or a
 * CALLERROR (B01 error handling 2). While Rejected the session answers
 * nothing (see the report in v201.c for B03.FR.08).
 *
 * Status. An EVSE here is one station connector c (1..n) with a single
 * connector, connectorId 1. The station's 1.6-style status is projected on
 * ConnectorStatusEnumType (ocpp_v201_connector_status()). After Accepted
 * every EVSE is reported (B01.FR.05), then every change of the projection
 * (G01.FR.03/04/07): a station event marks the EVSE, and it is reported if
 * its connectorStatus differs from the one the CSMS last confirmed.
 */
#include <string.h>

#include "session/session.h"
#include "station/station.h"
#include "util/log.h"
#include "v201/v201_internal.h"

#if OCPP_CONFIG_OCPP201

/** ConnectorStatusEnumType names, indexed by V201_CS_*. */
static const char *const cs_names[] = {"",         "Available",   "Occupied",
                                       "Reserved", "Unavailable", "Faulted"};

/* ------------------------------------------------------------------------ */
/* Status projection                                                         */
/* ------------------------------------------------------------------------ */

uint8_t ocpp_v201_connector_status(const ocpp_station_t *st, uint8_t c)
{
    const ocpp_station_conn_t *k = &st->conns[c];
    /* B01 remark: "When something is wrong with the Charging Station or
     * EVSE, the status SHALL be set to Faulted": a fault of the whole
     * station (connector 0) faults every EVSE. */
    if (k->status == OCPP_CONNECTOR_FAULTED || st->conns[0].status == OCPP_CONNECTOR_FAULTED) {
        return V201_CS_FAULTED;
    }
    switch (k->status) {
    case OCPP_CONNECTOR_AVAILABLE: return V201_CS_AVAILABLE;
    case OCPP_CONNECTOR_PREPARING:
        /* G01.FR.03: Occupied when an EV connects; authorized but not
         * plugged in yet is still Available. */
        return k->plugged ? V201_CS_OCCUPIED : V201_CS_AVAILABLE;
    case OCPP_CONNECTOR_RESERVED: return V201_CS_RESERVED;
    case OCPP_CONNECTOR_UNAVAILABLE: return V201_CS_UNAVAILABLE;
    default: return V201_CS_OCCUPIED; /* Charging, SuspendedEV/EVSE, Finishing */
    }
}

void ocpp_v201_status_event(ocpp_v201_t *a, uint8_t connector)
{
    if (connector == 0u) {
        /* Connector 0 is the station: its fault reaches every EVSE. */
        for (uint8_t c = 1; c <= a->st->n; c++) {
            a->status_due |= (uint64_t)1u << c;
        }
    } else if (connector <= a->st->n) {
        a->status_due |= (uint64_t)1u << connector;
    }
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

static void kv_opt(ocpp_jw_t *w, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        ocpp_jw_kv_str(w, key, value);
    }
}

/** B01.FR.01, B01.FR.09: BootNotificationRequest {reason, chargingStation}. */
static void send_boot(ocpp_v201_t *a)
{
    static const char *const reasons[] = {"PowerUp", "RemoteReset"};
    const ocpp_cp_config_t *c = a->config;
    ocpp_jw_t w;
    ocpp_session_call_begin(a->ss, &w, "BootNotification");
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "reason", reasons[a->boot_reason]);
    ocpp_jw_key(&w, "chargingStation");
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "model", c->model);
    ocpp_jw_kv_str(&w, "vendorName", c->vendor);
    /* serialNumber string[25]: the charge point's serial number, else the
     * charge box's (both at most 25 characters, ocpp_cp_config_t). */
    kv_opt(&w, "serialNumber", c->serial_number != NULL ? c->serial_number : c->charge_box_serial);
    kv_opt(&w, "firmwareVersion", c->firmware_version);
    if ((c->iccid != NULL && c->iccid[0] != '\0') || (c->imsi != NULL && c->imsi[0] != '\0')) {
        ocpp_jw_key(&w, "modem");
        ocpp_jw_obj_open(&w);
        kv_opt(&w, "iccid", c->iccid);
        kv_opt(&w, "imsi", c->imsi);
        ocpp_jw_obj_close(&w);
    }
    ocpp_jw_obj_close(&w);
    ocpp_jw_obj_close(&w);
    (void)ocpp_session_call_end(a->ss, &w, 0, V201_CALL_BOOT);
}

/** G02.FR.02: HeartbeatRequest {}. */
static void send_heartbeat(ocpp_v201_t *a)
{
    ocpp_jw_t w;
    ocpp_session_call_begin(a->ss, &w, "Heartbeat");
    ocpp_jw_obj_open(&w);
    ocpp_jw_obj_close(&w);
    (void)ocpp_session_call_end(a->ss, &w, 0, V201_CALL_HEARTBEAT);
}

/** A connector's last change in unix ms (0: the clock was not set then). */
static int64_t changed_ms(const ocpp_station_conn_t *k)
{
    return k->changed_unix != 0 ? k->changed_unix * 1000 + (int64_t)k->changed_frac : 0;
}

/** When EVSE c got its current status (the later of its own change and the
 *  station's), in unix ms, or now if the clock was not set then. */
static int64_t status_time(const ocpp_v201_t *a, uint8_t c)
{
    int64_t t = changed_ms(&a->st->conns[c]);
    int64_t t0 = changed_ms(&a->st->conns[0]);
    t = t0 > t ? t0 : t;
    return t > 0 ? t : ocpp_station_time_ms(a->st);
}

/** G01: StatusNotificationRequest {timestamp, connectorStatus, evseId, connectorId}. */
static void send_status(ocpp_v201_t *a, uint8_t c, uint8_t cs)
{
    char ts[OCPP_RPC_DATETIME_LEN + 1];
    ocpp_jw_t w;
    int64_t t = status_time(a, c);
    ocpp_rpc_format_datetime(t / 1000, (uint16_t)(t % 1000), ts);
    ocpp_session_call_begin(a->ss, &w, "StatusNotification");
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "timestamp", ts);
    ocpp_jw_kv_str(&w, "connectorStatus", cs_names[cs]);
    ocpp_jw_kv_int(&w, "evseId", c);
    ocpp_jw_kv_int(&w, "connectorId", 1);
    ocpp_jw_obj_close(&w);
    if (ocpp_session_call_end(a->ss, &w, 0, V201_CALL_STATUS) == OCPP_OK) {
        a->call_evse = c;
        a->call_status = cs;
    }
}

/**
 * The next EVSE whose connectorStatus differs from the one last confirmed,
 * 0 if none. With `drop`, marks of EVSEs whose projection did not change
 * (e.g. Charging -> SuspendedEV, both Occupied) are cleared on the way.
 */
static uint8_t status_next(ocpp_v201_t *a, bool drop)
{
    for (uint8_t c = 1; c <= a->st->n; c++) {
        uint64_t bit = (uint64_t)1u << c;
        if ((a->status_due & bit) == 0u) {
            continue;
        }
        if (ocpp_v201_connector_status(a->st, c) != a->reported[c]) {
            return c;
        }
        if (drop) {
            a->status_due &= ~bit;
        }
    }
    return 0;
}

static bool heartbeat_due(const ocpp_v201_t *a)
{
    uint32_t iv = (uint32_t)a->heartbeat_interval * 1000u;
    return a->heartbeat_interval > 0 && a->ss->now_ms - a->ss->last_call_ms >= iv;
}

void ocpp_v201_send_due(ocpp_v201_t *a)
{
    ocpp_cp_conn_t conn = a->ss->conn;
    uint32_t now = a->ss->now_ms;
    if (conn == OCPP_CP_BOOTING || conn == OCPP_CP_PENDING || conn == OCPP_CP_REJECTED) {
        /* B01.FR.08, B02.FR.02, B02.FR.04, B03.FR.02: only
         * BootNotificationRequest, and not before the interval. */
        if (!a->boot_wait || ocpp_due(now, a->boot_at_ms)) {
            send_boot(a);
        }
        return;
    }
    if (conn != OCPP_CP_ACCEPTED || (a->retry_wait && !ocpp_due(now, a->retry_at_ms))) {
        return;
    }
    a->retry_wait = false;
    uint8_t c = status_next(a, true);
    if (c != 0u) {
        send_status(a, c, ocpp_v201_connector_status(a->st, c));
    } else if (heartbeat_due(a)) {
        /* G02.FR.02; G02.FR.05: any CALL sent restarts the interval
         * (the session's last_call_ms). */
        send_heartbeat(a);
    }
}

uint32_t ocpp_v201_next_due(const ocpp_v201_t *a, uint32_t now_ms)
{
    ocpp_cp_conn_t conn = a->ss->conn;
    if (a->reset == V201_RESET_SOFT || a->reset == V201_RESET_HARD) {
        return 0u; /* the idle hook runs it */
    }
    if (ocpp_session_busy(a->ss)) {
        return V201_IDLE_MS; /* nothing goes out before the answer (the session
                                bounds the wait by the CALL's timeout) */
    }
    if (conn == OCPP_CP_BOOTING || conn == OCPP_CP_PENDING || conn == OCPP_CP_REJECTED) {
        int32_t d = a->boot_wait ? (int32_t)(a->boot_at_ms - now_ms) : 0;
        return d > 0 ? (uint32_t)d : 0u;
    }
    if (conn != OCPP_CP_ACCEPTED) {
        return V201_IDLE_MS;
    }
    if (a->retry_wait) {
        int32_t d = (int32_t)(a->retry_at_ms - now_ms);
        if (d > 0) {
            return (uint32_t)d;
        }
    }
    /* status_next() without clearing: a const scan. */
    for (uint8_t c = 1; c <= a->st->n; c++) {
        if ((a->status_due & ((uint64_t)1u << c)) != 0u &&
            ocpp_v201_connector_status(a->st, c) != a->reported[c]) {
            return 0u;
        }
    }
    uint32_t wake = V201_IDLE_MS;
    if (a->heartbeat_interval > 0) {
        uint32_t iv = (uint32_t)a->heartbeat_interval * 1000u;
        uint32_t since = now_ms - a->ss->last_call_ms;
        wake = since >= iv ? 0u : (iv - since < wake ? iv - since : wake);
    }
    return wake;
}

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */
/* ------------------------------------------------------------------------ */

/** B01.FR.06, G02.FR.06: the clock follows the CSMS's currentTime. */
static void take_time(ocpp_v201_t *a, const ocpp_json_value_t *payload)
{
    ocpp_json_value_t v;
    int64_t t;
    uint16_t ms = 0;
    char text[40];
    size_t n = 0;
    /* with its milliseconds: the status timestamps carry them */
    if (ocpp_json_get(payload, "currentTime", &v) == OCPP_OK && v.type == OCPP_JSON_STRING &&
        ocpp_json_as_string(&v, text, sizeof text, &n) == OCPP_OK &&
        ocpp_rpc_parse_datetime_text(text, n, &t, &ms) == OCPP_OK && t > 0) {
        ocpp_station_set_time_ms(a->st, t, ms);
        ocpp_station_app_event(a->st, OCPP_CP_EV_TIME_SET, 0, 0, NULL, 0u);
    }
}

/** Wait `s` seconds before the next BootNotificationRequest. */
static void boot_later(ocpp_v201_t *a, uint32_t s)
{
    a->boot_wait = true;
    a->boot_at_ms = a->ss->now_ms + s * 1000u;
}

static void boot_accepted(ocpp_v201_t *a, int64_t interval)
{
    a->boot_wait = false;
    if (interval > 0) {
        ocpp_v201_set_heartbeat(a, (int32_t)interval); /* B01.FR.04, G02.FR.01 */
    }
    /* B01.FR.05: a StatusNotificationRequest for each connector. */
    memset(a->reported, 0, sizeof a->reported);
    ocpp_v201_status_event(a, 0);
    ocpp_session_set_conn(a->ss, OCPP_CP_ACCEPTED);
}

static void on_boot(ocpp_v201_t *a, const ocpp_json_value_t *payload)
{
    ocpp_json_value_t v;
    int64_t interval = 0;
    if (ocpp_json_get(payload, "interval", &v) != OCPP_OK ||
        ocpp_json_as_int(&v, &interval) != OCPP_OK || interval < 0 ||
        interval > (int64_t)86400 * 7) {
        interval = 0;
    }
    take_time(a, payload);
    bool found = ocpp_json_get(payload, "status", &v) == OCPP_OK;
    if (found && ocpp_json_string_eq(&v, "Accepted")) {
        boot_accepted(a, interval);
        return;
    }
    /* B02.FR.07/08, B03.FR.05/06: the interval, or our own if it is 0. */
    boot_later(a, interval > 0 ? (uint32_t)interval : V201_BOOT_RETRY_S);
    if (found && ocpp_json_string_eq(&v, "Pending")) {
        ocpp_session_set_conn(a->ss, OCPP_CP_PENDING);
    } else if (found && ocpp_json_string_eq(&v, "Rejected")) {
        ocpp_session_set_conn(a->ss, OCPP_CP_REJECTED);
    } else {
        LOGW(&a->log, "BootNotificationResponse without a valid status");
    }
}

static void on_status(ocpp_v201_t *a)
{
    uint8_t c = a->call_evse;
    a->reported[c] = a->call_status;
    if (ocpp_v201_connector_status(a->st, c) == a->call_status) {
        a->status_due &= ~((uint64_t)1u << c);
    }
}

void ocpp_v201_on_result(ocpp_v201_t *a, uint8_t kind, const ocpp_json_value_t *payload)
{
    switch (kind) {
    case V201_CALL_BOOT: on_boot(a, payload); break;
    case V201_CALL_HEARTBEAT: take_time(a, payload); break; /* G02.FR.06 */
    case V201_CALL_STATUS: on_status(a); break;
    default: break;
    }
}

void ocpp_v201_on_failed(ocpp_v201_t *a, uint8_t kind, ocpp_status_t why)
{
    LOGW(&a->log, "CALL failed: %s", ocpp_status_str(why));
    if (!a->ss->transport_open) {
        return; /* connection lost: a new connection starts over */
    }
    if (kind == V201_CALL_BOOT) {
        /* B01 error handling 2: "resends BootNotificationRequest after a
         * waiting interval" that it chooses itself. */
        boot_later(a, V201_BOOT_RETRY_S);
    } else {
        /* The status stays marked; nothing is sent for a while. */
        a->retry_wait = true;
        a->retry_at_ms = a->ss->now_ms + V201_CALL_RETRY_MS;
    }
}

void ocpp_v201_on_conn(ocpp_v201_t *a, ocpp_cp_conn_t conn)
{
    if (conn == OCPP_CP_CONNECTING) {
        /* The session settings of the device model, before anything is sent. */
        ocpp_v201_vars_apply(a);
    }
}

#endif /* OCPP_CONFIG_OCPP201 */
