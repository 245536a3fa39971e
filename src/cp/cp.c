/**
 * @file cp.c
 * @brief The facade (layer "cp", the top): the public API of ocpp_cp.h. It
 *        wires the layers at init (station model, session, the protocol
 *        adapter of the configured OCPP version: the station's events go to
 *        the adapter, then to the application's callbacks; the session's to
 *        the station), turns the hardware inputs into station calls, and
 *        runs one poll.
 */
#include <stddef.h>
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "station/station.h"
#include "store/txqueue.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"
#if OCPP_CONFIG_OCPP201
#include "v201/v201.h"
#endif

static bool is_v201(const ocpp_cp_t *cp)
{
    return OCPP_CONFIG_OCPP201 && cp->config.version == OCPP_VERSION_201;
}

/* ------------------------------------------------------------------------ */
/* Init                                                                      */
/* ------------------------------------------------------------------------ */

/* ocpp_cp_init zeroes the context by ranges (see there): the members in
 * this order, a new one inside a zeroed range (not in a gap left here). */
#define CP_OFF(m)     offsetof(ocpp_cp_t, m)
#define CP_END(m)     (offsetof(ocpp_cp_t, m) + sizeof(((ocpp_cp_t *)0)->m))
#define CP_NEXT(a, b) (CP_END(a) <= CP_OFF(b) && CP_OFF(b) - CP_END(a) < _Alignof(ocpp_cp_t))
_Static_assert(CP_OFF(outbox) == 0u && CP_NEXT(outbox, st) && CP_NEXT(st, proto) &&
                   CP_NEXT(proto, started) && CP_NEXT(started, ss) && CP_NEXT(ss, cfg) &&
                   CP_NEXT(cfg, config) && CP_NEXT(config, ports) && CP_NEXT(ports, cb) &&
                   sizeof(ocpp_cp_t) - CP_END(cb) < _Alignof(ocpp_cp_t),
               "ocpp_cp_t: members as ocpp_cp_init zeroes them");

static bool config_valid(const ocpp_cp_config_t *c)
{
    /* (identity: 1..OCPP_CP_IDENTITY_MAX characters; 0 wraps around) */
    return c->identity != NULL && strlen(c->identity) - 1u < OCPP_CP_IDENTITY_MAX &&
           c->csms_url != NULL && c->vendor != NULL && c->model != NULL && c->connectors >= 1u &&
           c->connectors <= OCPP_CONFIG_MAX_CONNECTORS &&
           (c->version == OCPP_VERSION_16 ||
            (OCPP_CONFIG_OCPP201 && c->version == OCPP_VERSION_201));
}

/* The fields: the members vendor .. meter_serial of ocpp_cp_config_t, one
 * after the other (checked here), and the longest each may be. */
#define CP_FIELD(m)      offsetof(ocpp_cp_config_t, m)
#define CP_FOLLOWS(a, b) (CP_FIELD(b) == CP_FIELD(a) + sizeof(const char *))
_Static_assert(CP_FOLLOWS(vendor, model) && CP_FOLLOWS(model, serial_number) &&
                   CP_FOLLOWS(serial_number, charge_box_serial) &&
                   CP_FOLLOWS(charge_box_serial, firmware_version) &&
                   CP_FOLLOWS(firmware_version, iccid) && CP_FOLLOWS(iccid, imsi) &&
                   CP_FOLLOWS(imsi, meter_type) && CP_FOLLOWS(meter_type, meter_serial),
               "the BootNotification fields are consecutive");
static const uint8_t k_boot_max[] = {20u, 20u, 25u, 25u, 50u, 20u, 20u, 25u, 25u};
/* Their names for the log, in the same order. */
static const char k_boot_names[] = "chargePointVendor\0chargePointModel\0chargePointSerialNumber\0"
                                   "chargeBoxSerialNumber\0firmwareVersion\0iccid\0imsi\0"
                                   "meterType\0meterSerialNumber";

/**
 * The BootNotification fields against their OCPP types (OCPP 1.6 §6.2: the
 * vendor and model CiString20Type, serial numbers CiString25Type, firmware
 * version CiString50Type, ...; §2: "CiString: Case Insensitive String. Only
 * printable ASCII allowed."). A field that breaks them would make every
 * BootNotification a schema violation and the charge point would never be
 * accepted, so init refuses it and says which (2.0.1: vendorName
 * string[50], UTF-8; the others as in 1.6).
 */
static bool boot_fields_ok(const ocpp_cp_config_t *c, const ocpp_logger_t *log)
{
    const char *const *fields = (const char *const *)((const char *)c + CP_FIELD(vendor));
    for (size_t i = 0; i < sizeof k_boot_max; i++) {
        const char *value = fields[i];
        if (value == NULL) {
            continue;
        }
        unsigned max = k_boot_max[i];
        bool ok;
        if (OCPP_CONFIG_OCPP201 && i == 0u && c->version == OCPP_VERSION_201) {
            max = 50u; /* 2.0.1 vendorName: string[50], UTF-8 */
            ok = ocpp_text_ok(value, max);
        } else {
            ok = ocpp_cistring_ok(value, max);
        }
        if (!ok || value[0] == '\0') {
            const char *name = k_boot_names;
            for (size_t k = 0; k < i; k++) {
                name += strlen(name) + 1u;
            }
            LOGE(log,
                 "init: BootNotification %s \"%.60s\" refused: not 1..%u printable ASCII "
                 "(CiString%uType)",
                 name, value, max, max);
            return false;
        }
    }
    return true;
}

static ocpp_status_t init_session(ocpp_cp_t *cp,
                                  char *send_buf, // NOLINT(readability-non-const-parameter)
                                  size_t send_cap)
{
    ocpp_session_init_t in = {.proto = &ocpp_v16_session_proto,
                              .proto_ctx = &cp->proto.v16,
                              .notify = ocpp_station_session_event,
                              .notify_ctx = &cp->st,
                              /* (the station only forwards them to the application) */
                              .msg_events = cp->cb.on_event != NULL,
                              .ports = &cp->ports,
                              .config = &cp->config,
                              /* (the logger of the ports, one copy: the station's) */
                              .log = &cp->st.log,
                              .send_buf = send_buf,
                              .send_cap = send_cap};
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        in.proto = &ocpp_v201_session_proto;
        in.proto_ctx = &cp->proto.v201;
    }
#endif
    return ocpp_session_init(&cp->ss, &in);
}

static void init_adapter(ocpp_cp_t *cp, ocpp_logger_t log)
{
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        ocpp_v201_services_t s = {.st = &cp->st,
                                  .ss = &cp->ss,
                                  .cb = &cp->cb,
                                  .config = &cp->config,
                                  .storage = cp->ports.storage,
                                  .log = log};
        ocpp_v201_init(&cp->proto.v201, &s);
        return;
    }
#endif
    (void)log;
    ocpp_v16_services_t s = {.st = &cp->st,
                             .ss = &cp->ss,
                             .cfg = &cp->cfg,
                             .config = &cp->config,
                             .transfer = cp->ports.transfer};
    ocpp_v16_init(&cp->proto.v16, &s);
}

ocpp_status_t ocpp_cp_init(ocpp_cp_t *cp, const ocpp_cp_config_t *config,
                           const ocpp_cp_ports_t *ports, const ocpp_cp_callbacks_t *callbacks,
                           char *send_buf, size_t send_cap)
{
    if (cp == NULL || config == NULL || ports == NULL || send_buf == NULL || send_cap < 512u ||
        ports->msg == NULL || ports->random == NULL || !config_valid(config)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_logger_t init_log = {.fn = ports->log, .ctx = ports->log_ctx};
    if (!boot_fields_ok(config, &init_log)) {
        return OCPP_ERR_PARAM;
    }
    /* Once: every layer's init takes zeroed memory. All but what is written
     * whole before it is read: the outbox's queue bytes (OCPP_CONFIG_TXQ_SIZE:
     * an entry is written before it is read, and only the bytes in use are
     * persisted), the session's members that ocpp_session_init() writes (its
     * URL and wiring, after OCPP_SESSION_ZEROED), then the configuration keys
     * (ocpp_cfg_init copies the defaults) and the copies of the caller's
     * config, ports and callbacks: two ranges, the outbox's head and the rest
     * (`started` included) up to the session's wiring. */
    uint8_t *b = (uint8_t *)cp;
    size_t q0 = offsetof(ocpp_cp_t, outbox.buf) + OCPP_TXS_HEAD_SIZE;
    size_t q1 = q0 + OCPP_CONFIG_TXQ_SIZE;
    memset(b, 0, q0);
    memset(b + q1, 0, offsetof(ocpp_cp_t, ss) + OCPP_SESSION_ZEROED - q1);
    cp->config = *config;
    cp->ports = *ports;
    if (callbacks != NULL) {
        cp->cb = *callbacks;
    } else {
        memset(&cp->cb, 0, sizeof cp->cb);
    }
    ocpp_logger_t log = {.fn = ports->log, .ctx = ports->log_ctx};
    ocpp_cfg_init(&cp->cfg, config->connectors);
    ocpp_cfg_set_meter(&cp->cfg, cp->cb.meter_supply, cp->cb.meter_supply_count);
    if (ports->storage != NULL) {
        ocpp_status_t st = ocpp_cfg_load(&cp->cfg, ports->storage, send_buf, send_cap);
        if (st != OCPP_OK && st != OCPP_ERR_NOT_FOUND) {
            LOGW(&log, "stored configuration unusable (%s), using defaults", ocpp_status_str(st));
        }
    }
    ocpp_station_init_t si = {.connectors = config->connectors,
                              .adapter = ocpp_v16_on_event,
                              .adapter_ctx = &cp->proto.v16,
                              .cb = &cp->cb,
                              .storage = ports->storage,
                              .outbox = &cp->outbox,
                              .log = log,
                              .scratch = send_buf,
                              .scratch_cap = send_cap};
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        si.adapter = ocpp_v201_on_event;
        si.adapter_ctx = &cp->proto.v201;
    }
#endif
    ocpp_station_init(&cp->st, &si);
    if (init_session(cp, send_buf, send_cap) != OCPP_OK) {
        return OCPP_ERR_PARAM;
    }
    init_adapter(cp, log);
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */
/* ------------------------------------------------------------------------ */

ocpp_status_t ocpp_cp_poll(ocpp_cp_t *cp, uint32_t now_ms)
{
    if (cp == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (!cp->started) {
        cp->started = true;
        ocpp_session_start(&cp->ss, now_ms);
        ocpp_station_start(&cp->st, now_ms);
        if (!is_v201(cp)) {
            ocpp_v16_start(&cp->proto.v16, now_ms);
        }
    }
    ocpp_station_set_now(&cp->st, now_ms);
    ocpp_session_set_now(&cp->ss, now_ms);
    ocpp_station_tick(&cp->st);
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        ocpp_v201_tick(&cp->proto.v201);
    } else
#endif
    {
        ocpp_v16_tick(&cp->proto.v16);
    }
    ocpp_session_poll(&cp->ss, now_ms);
    if (cp->st.avail_dirty || cp->st.cache.dirty) {
        size_t cap = 0;
        char *scratch = ocpp_session_scratch(&cp->ss, &cap);
        ocpp_station_persist(&cp->st, scratch, cap);
    }
    return OCPP_OK;
}

uint32_t ocpp_cp_next_wakeup_ms(const ocpp_cp_t *cp, uint32_t now_ms)
{
    if (cp == NULL || !cp->started) {
        return 0u;
    }
    /* The first deadline of the session (connection, CALL, what is due to
     * be sent, the transport's pings) and of the timers the poll runs
     * online or not (the station's, the adapter's ticks); at most
     * V16_IDLE_MS. */
    uint32_t wake = ocpp_session_next_wakeup_ms(&cp->ss, now_ms);
    uint32_t t = wake > 0u ? ocpp_station_next_due(&cp->st, now_ms) : 0u;
    wake = t < wake ? t : wake;
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        t = wake > 0u ? ocpp_v201_tick_due(&cp->proto.v201) : 0u;
    } else
#endif
    {
        t = wake > 0u ? ocpp_v16_tick_due(&cp->proto.v16, now_ms) : 0u;
    }
    wake = t < wake ? t : wake;
    return wake < V16_IDLE_MS ? wake : V16_IDLE_MS;
}

void ocpp_cp_set_now(ocpp_cp_t *cp, uint32_t now_ms)
{
    if (cp != NULL && cp->started) {
        ocpp_station_set_now(&cp->st, now_ms);
        ocpp_session_set_now(&cp->ss, now_ms);
    }
}

ocpp_cp_conn_t ocpp_cp_connection(const ocpp_cp_t *cp)
{
    return cp != NULL ? cp->ss.conn : OCPP_CP_OFFLINE;
}

void ocpp_cp_set_network(ocpp_cp_t *cp, bool enabled)
{
    if (cp != NULL) {
        ocpp_session_set_network(&cp->ss, enabled);
    }
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

static bool bad_connector(const ocpp_cp_t *cp, uint8_t c)
{
    return cp == NULL || c == 0u || c > cp->config.connectors;
}

ocpp_status_t ocpp_cp_plugged(ocpp_cp_t *cp, uint8_t connector, bool plugged)
{
    if (bad_connector(cp, connector)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_station_plugged(&cp->st, connector, plugged);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_ev_ready(ocpp_cp_t *cp, uint8_t connector, bool ready)
{
    if (bad_connector(cp, connector)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_station_ev_ready(&cp->st, connector, ready);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_evse_suspended(ocpp_cp_t *cp, uint8_t connector, bool suspended)
{
    if (bad_connector(cp, connector)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_station_evse_paused(&cp->st, connector, suspended);
    return OCPP_OK;
}

static bool tag_ok(const char *tag)
{
    /* IdToken is a CiString20Type (OCPP 1.6 §7.28); §2: "CiString: Case
     * Insensitive String. Only printable ASCII allowed." */
    return tag != NULL && tag[0] != '\0' && ocpp_cistring_ok(tag, OCPP_ID_TAG_MAX);
}

ocpp_status_t ocpp_cp_present_id(ocpp_cp_t *cp, uint8_t connector, const char *id_tag)
{
    if (cp == NULL || connector > cp->config.connectors || !tag_ok(id_tag)) {
        return OCPP_ERR_PARAM;
    }
    return ocpp_station_present_id(&cp->st, connector, id_tag);
}

ocpp_status_t ocpp_cp_stop(ocpp_cp_t *cp, uint8_t connector, ocpp_stop_reason_t reason)
{
    if (bad_connector(cp, connector) || (unsigned)reason > (unsigned)OCPP_STOP_UNLOCK_COMMAND) {
        return OCPP_ERR_PARAM;
    }
    if (!cp->st.conns[connector].tx) {
        return OCPP_ERR_STATE;
    }
    ocpp_station_tx_stop(&cp->st, connector, reason, NULL);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_fault(ocpp_cp_t *cp, uint8_t connector, ocpp_fault_t error, const char *info,
                            const char *vendor_error_code)
{
    if (cp == NULL || connector > cp->config.connectors ||
        (unsigned)error > (unsigned)OCPP_FAULT_WEAK_SIGNAL ||
        (info != NULL && !ocpp_text_ok(info, 50u)) ||
        (vendor_error_code != NULL && !ocpp_text_ok(vendor_error_code, 50u))) {
        return OCPP_ERR_PARAM; /* §6.47: info and vendorErrorCode are CiString50 */
    }
    ocpp_station_fault(&cp->st, connector, error, info, vendor_error_code);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_data_transfer(ocpp_cp_t *cp, const char *vendor_id, const char *message_id,
                                    const char *data)
{
    /* §6.17: vendorId CiString255, messageId CiString50; data any text
     * (control characters are escaped), but valid UTF-8 to be JSON. */
    if (cp == NULL || vendor_id == NULL || vendor_id[0] == '\0' || !ocpp_text_ok(vendor_id, 255u) ||
        (message_id != NULL && !ocpp_text_ok(message_id, 50u)) ||
        (data != NULL && !ocpp_utf8_ok(data))) {
        return OCPP_ERR_PARAM;
    }
    if (is_v201(cp)) {
        return OCPP_ERR_STATE; /* 2.0.1 DataTransfer: not yet */
    }
    return ocpp_v16_data_transfer(&cp->proto.v16, vendor_id, message_id, data);
}

/* ------------------------------------------------------------------------ */
/* State                                                                     */
/* ------------------------------------------------------------------------ */

ocpp_connector_status_t ocpp_cp_connector_status(const ocpp_cp_t *cp, uint8_t connector)
{
    if (cp == NULL || connector > cp->config.connectors) {
        return OCPP_CONNECTOR_UNAVAILABLE;
    }
    return cp->st.conns[connector].status;
}

ocpp_auth_status_t ocpp_cp_last_auth(const ocpp_cp_t *cp)
{
    return cp != NULL ? cp->st.last_auth : OCPP_AUTH_INVALID;
}

ocpp_status_t ocpp_cp_connector_info(const ocpp_cp_t *cp, uint8_t connector,
                                     ocpp_cp_connector_info_t *out)
{
    if (cp == NULL || out == NULL || connector > cp->config.connectors) {
        return OCPP_ERR_PARAM;
    }
    const ocpp_station_conn_t *k = &cp->st.conns[connector];
    memset(out, 0, sizeof *out);
    out->status = k->status;
    out->error = k->error;
    out->plugged = k->plugged;
    out->ev_ready = k->ev_ready;
    out->permitted = k->permit_out;
    out->transaction_id = -1;
    if (k->tx) {
        out->in_transaction = true;
        out->transaction_id = k->tx_id;
        out->meter_start_wh = k->meter_start;
    }
    ocpp_text_copy(out->id_tag, sizeof out->id_tag, k->tag);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_queue_info(const ocpp_cp_t *cp, ocpp_cp_queue_info_t *out)
{
    if (cp == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    out->entries = ocpp_txq_count(&cp->outbox);
    out->used_bytes = ocpp_txq_used(&cp->outbox);
    out->capacity_bytes = OCPP_CONFIG_TXQ_SIZE;
    out->thinned = cp->outbox.thinned;
    out->lost = cp->outbox.lost;
    out->store_errors = cp->outbox.store_errors;
    return OCPP_OK;
}

int64_t ocpp_cp_time(const ocpp_cp_t *cp)
{
    return cp != NULL ? ocpp_station_time(&cp->st) : 0;
}

void ocpp_cp_set_time(ocpp_cp_t *cp, int64_t unix_s)
{
    if (cp != NULL) {
        ocpp_station_set_time(&cp->st, unix_s);
    }
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

ocpp_status_t ocpp_cp_key_get(const ocpp_cp_t *cp, const char *key, char *out, size_t cap)
{
    if (cp == NULL || key == NULL || out == NULL || cap == 0u) {
        return OCPP_ERR_PARAM;
    }
    out[0] = '\0';
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        return ocpp_v201_get_local(&cp->proto.v201, key, out, cap);
    }
#endif
    /* ocpp_cfg_get() fails for an unknown key and for a value that does not
     * fit; tell them apart with a buffer that holds any value. */
    if (ocpp_cfg_get(&cp->cfg, key, out, cap, NULL)) {
        return OCPP_OK;
    }
    char any[OCPP_CFG_VALUE_MAX + 1];
    return ocpp_cfg_get(&cp->cfg, key, any, sizeof any, NULL) ? OCPP_ERR_NOMEM : OCPP_ERR_NOT_FOUND;
}

ocpp_key_result_t ocpp_cp_key_set(ocpp_cp_t *cp, const char *key, const char *value)
{
    if (cp == NULL || key == NULL || value == NULL) {
        return OCPP_KEY_REJECTED;
    }
#if OCPP_CONFIG_OCPP201
    if (is_v201(cp)) {
        return ocpp_v201_set_local(&cp->proto.v201, key, value);
    }
#endif
    return ocpp_v16_set_local(&cp->proto.v16, key, value);
}

ocpp_status_t ocpp_cp_key_list(const ocpp_cp_t *cp, ocpp_jw_t *w)
{
    if (cp == NULL || w == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (is_v201(cp)) {
        return OCPP_ERR_STATE;
    }
    return ocpp_cfg_write_get_configuration(&cp->cfg, NULL, w);
}

ocpp_status_t ocpp_cp_key_register(ocpp_cp_t *cp, const ocpp_vendor_key_t *key)
{
    if (cp == NULL) {
        return OCPP_ERR_PARAM;
    }
    return ocpp_cfg_register(&cp->cfg, key);
}
