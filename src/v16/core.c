/**
 * @file core.c
 * @brief OCPP 1.6 Core profile, session part: BootNotification (§4.2),
 *        Heartbeat (§4.6), StatusNotification (§4.9), the trial of a raised
 *        SecurityProfile, and the Reset that waits for the StopTransactions
 *        (§5.14). The module's handler table (the CS-initiated CALLs) is in
 *        ops.c.
 */
#include <stddef.h>
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "store/txqueue.h"
#include "util/log.h"
#include "v16/v16.h"

/** Boot retry when the CSMS gives interval 0 or the CALL failed (§4.2: "the
 *  Charge Point chooses a waiting interval on its own"). */
#define BOOT_RETRY_DEFAULT_S 30u
/** Wait after a failed StatusNotification/Heartbeat before trying again. */
#define CALL_RETRY_MS 10000u

/** What a CALL of this module is (session kind). */
enum { K_BOOT = 1, K_HEARTBEAT, K_STATUS };

/* ------------------------------------------------------------------------ */
/* CP-initiated CALLs                                                        */
/* ------------------------------------------------------------------------ */

static void kv_opt(ocpp_jw_t *w, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        ocpp_jw_kv_str(w, key, value);
    }
}

/** BootNotification.req's fields (§6.2), in ocpp_cp_config_t's order from
 *  `vendor` on, one behind the other, and where each starts; the first two
 *  are required, the others sent when set. */
static const char k_boot_keys[] = "chargePointVendor\0chargePointModel\0chargePointSerialNumber\0"
                                  "chargeBoxSerialNumber\0firmwareVersion\0iccid\0imsi\0"
                                  "meterType\0meterSerialNumber";
static const uint8_t k_boot_at[] = {0, 18, 35, 59, 81, 97, 103, 108, 118};
_Static_assert(offsetof(ocpp_cp_config_t, meter_serial) - offsetof(ocpp_cp_config_t, vendor) ==
                   8u * sizeof(const char *),
               "the BootNotification fields of ocpp_cp_config_t follow each other");
_Static_assert(sizeof k_boot_keys == 136u, "k_boot_at");

/** A CALL of this module whose payload is the first n of BootNotification's
 *  fields: all of them, or none (Heartbeat, an empty object). */
static void send_fields(ocpp_v16_t *a, ocpp_rpc_action_t action, uint8_t kind, unsigned n)
{
    const char *fields = (const char *)a->config + offsetof(ocpp_cp_config_t, vendor);
    ocpp_jw_t w;
    ocpp_v16_call_begin(a, &w, action);
    ocpp_jw_obj_open(&w);
    for (unsigned i = 0; i < n; i++) {
        const char *v = *(const char *const *)(fields + i * sizeof v);
        if (i < 2u) {
            ocpp_jw_kv_str(&w, &k_boot_keys[k_boot_at[i]], v);
        } else {
            kv_opt(&w, &k_boot_keys[k_boot_at[i]], v);
        }
    }
    ocpp_jw_obj_close(&w);
    (void)ocpp_v16_call_end(a, &w, &ocpp_v16_core, kind);
}

static void send_boot(ocpp_v16_t *a)
{
    send_fields(a, OCPP_ACTION_BOOT_NOTIFICATION, K_BOOT, sizeof k_boot_at);
}

static void send_heartbeat(ocpp_v16_t *a)
{
    send_fields(a, OCPP_ACTION_HEARTBEAT, K_HEARTBEAT, 0u);
}

static void send_status(ocpp_v16_t *a, uint8_t i)
{
    const ocpp_station_conn_t *c = &a->st->conns[i];
    ocpp_jw_t w;
    ocpp_v16_call_begin(a, &w, OCPP_ACTION_STATUS_NOTIFICATION);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "connectorId", i);
    ocpp_jw_kv_str(&w, "errorCode", ocpp_fault_str(c->error));
    ocpp_jw_kv_str(&w, "status", ocpp_connector_status_str(c->status));
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
    /* The time of the change, to the millisecond (§4.9 "MUST be sent in the
     * order in which the events that they describe occurred"). */
    int64_t ts = c->changed_unix;
    uint16_t ms = c->changed_frac;
    if (ts == 0) {
        int64_t now = ocpp_station_time_ms(a->st);
        ts = now / 1000;
        ms = (uint16_t)(now % 1000);
    }
    if (ts > 0) {
        ocpp_v16_kv_time(&w, "timestamp", ts, ms);
    }
    ocpp_jw_obj_close(&w);
    if (ocpp_v16_call_end(a, &w, &ocpp_v16_core, K_STATUS) == OCPP_OK) {
        a->core.call_connector = i;
        a->core.call_status = c->status;
        a->core.call_error = c->error;
    }
}

/** Connector i's status differs from what the CSMS confirmed, or must be
 *  sent anyway (after boot). §9.1 MinimumStatusDuration: a status that flips
 *  back before it was reported is not reported at all. */
static bool report_needed(const ocpp_v16_t *a, uint8_t i)
{
    const ocpp_station_conn_t *c = &a->st->conns[i];
    const ocpp_v16_conn_t *r = &a->conns[i];
    return r->report || c->status != r->reported || c->error != r->reported_error;
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
 *
 * The same holds at the start: the status the start of a transaction brought
 * about (Charging, SuspendedEV, SuspendedEVSE) describes an event after the
 * StartTransaction, and sent first it shows the Central System a charging
 * connector without a transaction (issue 18). So while the connector's
 * StartTransaction is queued (until its answer), its status waits too.
 */
static bool status_held(const ocpp_v16_t *a, uint8_t i)
{
    const ocpp_station_conn_t *c = &a->st->conns[i];
    if (i == 0u || ocpp_station_is_fault(c->error) || c->tx_ref == 0u) {
        return false;
    }
    return c->tx
               ? ocpp_txq_has_kind(a->st->outbox, c->tx_ref, (uint8_t)OCPP_ACTION_START_TRANSACTION)
               : ocpp_txq_has_end(a->st->outbox, c->tx_ref);
}

/**
 * The next connector whose status must be reported now (stable for
 * MinimumStatusDuration and not held, or triggered), -1 if none; *wait_ms:
 * how long until the next one may be due (V16_IDLE_MS for held ones), or
 * UINT32_MAX if no status waits to be reported.
 */
static int status_scan(const ocpp_v16_t *a, uint32_t now_ms, uint32_t *wait_ms)
{
    uint32_t min_ms = (uint32_t)a->cfg->minimum_status_duration * 1000u;
    *wait_ms = UINT32_MAX;
    int t = ocpp_v16_trig_first(a, V16_TRIG_STATUS);
    if (t >= 0) {
        *wait_ms = 0u;
        return t; /* triggered ones first */
    }
    if (a->core.status_quiet) {
        return -1; /* nothing changed since a scan found nothing to report */
    }
    for (uint8_t i = 0; i <= a->st->n; i++) {
        if (!report_needed(a, i)) {
            continue;
        }
        /* a held status follows its StopTransaction's answer */
        uint32_t left = V16_IDLE_MS;
        if (!status_held(a, i)) {
            uint32_t since = now_ms - a->st->conns[i].changed_ms;
            if (since >= min_ms) {
                *wait_ms = 0u;
                return i;
            }
            left = min_ms - since;
        }
        *wait_ms = left < *wait_ms ? left : *wait_ms;
    }
    return -1;
}

static bool heartbeat_due(const ocpp_v16_t *a)
{
    uint32_t iv = (uint32_t)a->cfg->heartbeat_interval;
    return iv > 0u && a->ss->now_ms - a->ss->last_call_ms >= iv * 1000u;
}

static bool core_send_due(ocpp_v16_t *a)
{
    ocpp_cp_conn_t conn = a->ss->conn;
    uint32_t now = a->ss->now_ms;
    bool pending = conn == OCPP_CP_PENDING;
    if (conn != OCPP_CP_ACCEPTED) {
        /* §4.2: until Accepted, nothing but BootNotification, and only after
         * the interval of the last answer; §4.2 / §5.17: while Pending, also
         * what the CSMS triggered. Nothing else may go out. */
        if (conn < OCPP_CP_BOOTING) {
            return true;
        }
        if ((pending && a->core.trig_boot) || V16_DUE(now, a->core.boot_at_ms)) {
            if (pending) {
                a->core.trig_boot = false;
            }
            send_boot(a);
            return true;
        }
        if (!pending) {
            return true;
        }
    } else if (!V16_DUE(now, a->core.call_fail_at_ms)) {
        return true;
    }
    /* While Pending every connector still waits for its first report: look
     * for the trigger itself, not for the next due status. */
    uint32_t wait;
    int i = pending ? ocpp_v16_trig_first(a, V16_TRIG_STATUS) : status_scan(a, now, &wait);
    if (!pending) {
        a->core.status_quiet = wait == UINT32_MAX;
    }
    if (i >= 0) {
        send_status(a, (uint8_t)i);
    } else if (a->core.trig_heartbeat) {
        a->core.trig_heartbeat = false;
        send_heartbeat(a);
    } else {
        return pending;
    }
    return true;
}

/** Background: the Heartbeat (§4.6), after everything else. */
static bool core_send_idle(ocpp_v16_t *a)
{
    if (heartbeat_due(a)) {
        send_heartbeat(a);
        return true;
    }
    return false;
}

static uint32_t core_next_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    uint32_t wake = V16_IDLE_MS;
    if (a->ss->conn != OCPP_CP_ACCEPTED || !V16_DUE(now_ms, a->core.call_fail_at_ms)) {
        /* Before Accepted: the next BootNotification; after a failed CALL:
         * the end of the wait (core_send_due sends nothing before). */
        uint32_t at =
            a->ss->conn != OCPP_CP_ACCEPTED ? a->core.boot_at_ms : a->core.call_fail_at_ms;
        return ocpp_v16_until(at, now_ms);
    }
    if (a->core.trig_heartbeat) {
        return 0u;
    }
    if (a->cfg->heartbeat_interval > 0) {
        uint32_t iv = (uint32_t)a->cfg->heartbeat_interval * 1000u;
        uint32_t since = now_ms - a->ss->last_call_ms;
        uint32_t left = since >= iv ? 0u : iv - since;
        wake = left < wake ? left : wake;
    }
    uint32_t st;
    (void)status_scan(a, now_ms, &st);
    return st < wake ? st : wake;
}

/* ------------------------------------------------------------------------ */
/* Answers to our CALLs                                                      */
/* ------------------------------------------------------------------------ */

static void take_current_time(ocpp_v16_t *a, const ocpp_json_value_t *payload)
{
    ocpp_json_value_t v;
    int64_t t;
    uint16_t ms = 0;
    char text[40];
    size_t n = 0;
    /* With its milliseconds (§3.14: "Message receivers must be able to
     * handle fractional seconds"): whole seconds put the clock up to 1 s
     * behind the Central System's. */
    if (ocpp_json_get(payload, "currentTime", &v) == OCPP_OK &&
        ocpp_json_as_string(&v, text, sizeof text, &n) == OCPP_OK &&
        ocpp_rpc_parse_datetime_text(text, n, &t, &ms) == OCPP_OK && t > 0) {
        ocpp_station_set_time_ms(a->st, t, ms);
        ocpp_station_app_event(a->st, OCPP_CP_EV_TIME_SET, 0, 0, NULL, 0u);
    }
}

static void core_on_failed(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why);

/** RegistrationStatus (§7.45), in the order of the connection states. */
static const char *const k_registration[] = {"Pending", "Accepted", "Rejected"};
_Static_assert(OCPP_CP_ACCEPTED == OCPP_CP_PENDING + 1 && OCPP_CP_REJECTED == OCPP_CP_PENDING + 2,
               "k_registration");

static void on_boot_result(ocpp_v16_t *a, const ocpp_json_value_t *payload)
{
    /* (absent, no integer or out of range: none, the Charge Point chooses) */
    int32_t interval = 0;
    size_t reg = 0;
    if (ocpp_v16_get_int(payload, "interval", false, 0, &interval, NULL) != OCPP_RPC_OK ||
        interval > 86400 * 7) {
        interval = 0;
    }
    take_current_time(a, payload);
    if (ocpp_rpc_get_enum(payload, "status", true, k_registration, 3u, &reg, NULL) != OCPP_RPC_OK) {
        core_on_failed(a, K_BOOT, OCPP_ERR_PROTOCOL);
        return;
    }
    ocpp_cp_conn_t conn = (ocpp_cp_conn_t)(OCPP_CP_PENDING + reg);
    if (conn == OCPP_CP_ACCEPTED) {
        /* §4.2: with Accepted, interval is the heartbeat interval. */
        if (interval > 0) {
            a->cfg->heartbeat_interval = interval;
        }
        /* §4.2: after Accepted, a StatusNotification for connector 0 and
         * every connector with its current status. */
        for (uint8_t i = 0; i <= a->st->n; i++) {
            a->conns[i].report = true;
        }
        a->core.status_quiet = false;
    } else {
        uint32_t wait_s = interval > 0 ? (uint32_t)interval : BOOT_RETRY_DEFAULT_S;
        a->core.boot_at_ms = a->ss->now_ms + wait_s * 1000u;
    }
    ocpp_session_set_conn(a->ss, conn);
}

static void on_status_result(ocpp_v16_t *a)
{
    uint8_t i = a->core.call_connector;
    ocpp_v16_conn_t *r = &a->conns[i];
    /* (status_quiet is false: it is set only by a send pass of Accepted that
     * found nothing, and cleared by the boot's Accepted) */
    ocpp_v16_trig_clear(a, i, V16_TRIG_STATUS);
    r->reported = a->core.call_status;
    r->reported_error = a->core.call_error;
    r->report = false;
}

static void core_on_result(ocpp_v16_t *a, uint8_t kind, const ocpp_json_value_t *payload)
{
    switch (kind) {
    case K_BOOT: on_boot_result(a, payload); break;
    case K_HEARTBEAT: take_current_time(a, payload); break;
    default: on_status_result(a); break;
    }
}

static void core_on_failed(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why)
{
    (void)why;
    if (kind == K_BOOT) {
        a->core.boot_at_ms = a->ss->now_ms + BOOT_RETRY_DEFAULT_S * 1000u;
    } else {
        /* The status stays flagged and is sent again later. */
        a->core.call_fail_at_ms = a->ss->now_ms + CALL_RETRY_MS;
    }
}

/**
 * A05.FR.07: "The Charge Point SHALL reconnect the Central System with the
 * new Security Profile"; A05.FR.08: if it "was unable to connect ... The
 * Charge Point SHOULD fallback to its previous security profile setting".
 * The first connection attempt after the raise decides: open (TLS and HTTP
 * authentication passed) keeps the new profile; a failure restores the
 * previous one, at the next tick (persisted at once: a power cut keeps it).
 */
static void security_profile_trial(ocpp_v16_t *a, ocpp_cp_conn_t conn)
{
    uint8_t *st = &a->core.sp_state;
    if (*st == V16_SP_NONE || *st == V16_SP_FAILED) {
        return;
    }
    if (conn == OCPP_CP_CONNECTING) {
        *st = V16_SP_CONNECTING;
    } else if (conn != OCPP_CP_OFFLINE) {
        *st = V16_SP_NONE; /* connected with it */
    } else if (*st == V16_SP_CONNECTING) {
        *st = V16_SP_FAILED; /* (not the disconnect before the attempt, A05.FR.06) */
    }
}

static void security_profile_fallback(ocpp_v16_t *a)
{
    char prev[2] = {(char)('0' + a->core.sp_prev), '\0'};
    a->core.sp_state = V16_SP_NONE;
    LOGW(&a->st->log, "SecurityProfile %u failed to connect: back to %s (A05.FR.08)",
         (unsigned)a->cfg->security_profile, prev);
    (void)ocpp_v16_set_local(a, "SecurityProfile", prev);
}

static void core_on_conn(ocpp_v16_t *a, ocpp_cp_conn_t conn)
{
    security_profile_trial(a, conn);
    if (conn == OCPP_CP_OFFLINE) {
        /* The wait after a failed CALL is for a peer that answered badly or
         * not at all; a new connection may send at once (it has its own
         * back-off). */
        a->core.call_fail_at_ms = a->ss->now_ms;
    } else if (conn == OCPP_CP_BOOTING) {
        a->core.boot_at_ms = a->ss->now_ms;
    }
}

/* ------------------------------------------------------------------------ */
/* Reset (§5.14): once the StopTransactions are out                          */
/* ------------------------------------------------------------------------ */

/**
 * §5.14: "After receipt of a Reset.req, The Charge Point SHALL send a
 * StopTransaction.req for any ongoing transaction before performing the
 * reset". Sent, not answered: the reset waits for the queue to drain while
 * online, but not longer than one MessageTimeout after it was accepted (and
 * never while a CALL is on the wire). A StopTransaction that keeps timing
 * out no longer blocks the reset; it stays persisted in the outbox and goes
 * out after the reboot.
 */
/** How long the accepted Reset still waits for the StopTransactions (0:
 *  now), UINT32_MAX if none is pending or a CALL is on the wire (its answer
 *  or its timeout wakes the session). */
static uint32_t reset_wait(const ocpp_v16_t *a, uint32_t now_ms)
{
    if (!a->core.reset_pending || ocpp_session_busy(a->ss)) {
        return UINT32_MAX;
    }
    uint32_t waited = now_ms - a->core.reset_at_ms;
    if (ocpp_txq_count(a->st->outbox) > 0u && ocpp_session_online(a->ss) &&
        waited < a->ss->call_timeout_ms) {
        return a->ss->call_timeout_ms - waited; /* the StopTransactions go out first */
    }
    return 0u;
}

static void core_tick(ocpp_v16_t *a)
{
    /* A "not before" deadline that has passed is moved to now: deadlines
     * are compared wrap-safely, so one left 2^31 ms (24.8 days) behind would
     * read as being in the future again, and nothing would be sent. */
    uint32_t now = a->ss->now_ms;
    if (V16_DUE(now, a->core.call_fail_at_ms)) {
        a->core.call_fail_at_ms = now;
    }
    if (V16_DUE(now, a->core.boot_at_ms)) {
        a->core.boot_at_ms = now;
    }
    if (a->core.sp_state == V16_SP_FAILED) {
        security_profile_fallback(a);
    }
    if (a->core.reset_pending && reset_wait(a, now) == 0u) {
        a->core.reset_pending = false;
        if (a->st->cb->reset != NULL) {
            a->st->cb->reset(a->st->cb->ctx, a->core.reset_hard);
        }
    }
}

/** core_tick's timers: a SecurityProfile to fall back from at once; a
 *  reset that waits for the StopTransactions at most one MessageTimeout. */
static uint32_t core_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    return a->core.sp_state == V16_SP_FAILED ? 0u : reset_wait(a, now_ms);
}

/** A status or an error code changed: scan again. */
static void core_on_event(ocpp_v16_t *a, const ocpp_station_event_t *ev)
{
    if (ev->kind == OCPP_STATION_EV_STATUS || ev->kind == OCPP_STATION_EV_ERROR) {
        a->core.status_quiet = false;
    }
}

/* ------------------------------------------------------------------------ */
/* TriggerMessage targets (§5.17)                                            */
/* ------------------------------------------------------------------------ */

static bool core_trigger(ocpp_v16_t *a, ocpp_rpc_action_t action, int connector)
{
    switch (action) {
    case OCPP_ACTION_BOOT_NOTIFICATION: a->core.trig_boot = true; return true;
    case OCPP_ACTION_HEARTBEAT: a->core.trig_heartbeat = true; return true;
    case OCPP_ACTION_STATUS_NOTIFICATION:
        /* (status_scan looks at the trigger bits before status_quiet) */
        ocpp_v16_trig_mark(a, connector, V16_TRIG_STATUS);
        return true;
    default: return false;
    }
}

const ocpp_v16_profile_t ocpp_v16_core = {
    .profile = OCPP_CFG_PROFILE_CORE,
    .handlers = ocpp_v16_core_handlers, /* ops.c */
    .n_handlers = OCPP_V16_CORE_HANDLERS,
    .on_event = core_on_event,
    .tick = core_tick,
    .tick_due = core_tick_due,
    .send_due = core_send_due,
    .send_idle = core_send_idle,
    .on_result = core_on_result,
    .on_failed = core_on_failed,
    .next_due = core_next_due,
    .on_conn = core_on_conn,
    .trigger = core_trigger,
};
