/**
 * @file v16.h
 * @brief The OCPP 1.6 adapter (layer "v16"): the profile interface, the
 *        host that registers the profiles with the session, and the helpers
 *        the profiles share.
 *
 * A profile module (src/v16/<module>.c) is a const ocpp_v16_profile_t: the
 * CALLs it answers (handler table) and its hooks. The host (v16.c) lists the
 * registered modules in one table, ocpp_v16_modules[]; it is the only file
 * that knows them. Adding a profile: its files, one line in that table and
 * its OCPP_CONFIG_PROFILE_* option; the station model, the session and the
 * facade do not change. Modules never call each other: they share the
 * services of ocpp_v16_t (station, session, outbox, configuration) and ask
 * each other through the hooks (TriggerMessage asks every module's
 * `trigger`).
 *
 * Objects in this folder form a DAG (check.layers): v16.c -> modules ->
 * common.c, meter.c.
 */
#ifndef OCPP_V16_H
#define OCPP_V16_H

#include "ocpp/ocpp_cp.h"
#include "rpc/rpc.h"
#include "station/station.h"

/** A profile module. Hooks may be NULL. */
typedef struct ocpp_v16_profile {
    const ocpp_rpc_handler_entry_t *handlers; /**< CS-initiated CALLs it answers. */
    uint8_t n_handlers;
    uint8_t profile; /**< OCPP_CFG_PROFILE_* of the feature profile it belongs to: what
                          SupportedFeatureProfiles lists and whose keys exist. */
    /** At init, after the configuration is loaded: load what it persisted,
     *  register with the station. */
    void (*init)(ocpp_v16_t *a);
    /** A station event (before the application sees it). */
    void (*on_event)(ocpp_v16_t *a, const ocpp_station_event_t *ev);
    /** Every poll, online or not. */
    void (*tick)(ocpp_v16_t *a);
    /** How long until its tick has something to do, online or not
     *  (UINT32_MAX: nothing); every timed action of `tick` has its term here,
     *  so that a charge point sleeps until the first of them
     *  (ocpp_cp_next_wakeup_ms()). What a tick queues kicks the send pass
     *  itself, so these need not be in next_due. */
    uint32_t (*tick_due)(const ocpp_v16_t *a, uint32_t now_ms);
    /** Send one CALL if due. @return true if sent, or if nothing else may be
     *  sent now (the modules after it are not asked). */
    bool (*send_due)(ocpp_v16_t *a);
    /** The same, for background messages (Heartbeat), asked after every
     *  module's send_due. */
    bool (*send_idle)(ocpp_v16_t *a);
    /** The answer to a CALL it sent with `kind`. */
    void (*on_result)(ocpp_v16_t *a, uint8_t kind, const ocpp_json_value_t *payload);
    /** Its CALL failed (OCPP_ERR_PROTOCOL: CALLERROR; timeout; connection lost). */
    void (*on_failed)(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why);
    /** How long until it has something to send (UINT32_MAX: nothing),
     *  asked while online. */
    uint32_t (*next_due)(const ocpp_v16_t *a, uint32_t now_ms);
    /** The connection state changed. */
    void (*on_conn)(ocpp_v16_t *a, ocpp_cp_conn_t conn);
    /** TriggerMessage (§5.17): `action` for `connector`, or for every
     *  connector 0..n if it is negative (connectorId absent). A module that
     *  sends it per connector marks it with ocpp_v16_trig_mark().
     *  @return true if this module sends it. */
    bool (*trigger)(ocpp_v16_t *a, ocpp_rpc_action_t action, int connector);
    /** RemoteStartTransaction's chargingProfile (§5.16.2), the JSON object
     *  `profile`: with connector 0 only checked, else installed for the
     *  transaction about to start there. @return a CALLERROR code for a
     *  malformed profile, else OCPP_RPC_OK and *ok (false: Rejected). */
    ocpp_rpc_err_t (*tx_profile)(ocpp_v16_t *a, uint8_t connector, const ocpp_json_value_t *profile,
                                 bool *ok, const char **desc);
} ocpp_v16_profile_t;

/* ---- the host (v16.c): called by the facade ---- */

/** The shared services (pointers into ocpp_cp_t). The station's own
 *  services are reached through it: the outbox (a->st->outbox), the
 *  application's callbacks (a->st->cb) and the storage port
 *  (a->st->storage, NULL without storage). */
typedef struct {
    ocpp_station_t *st;
    ocpp_session_t *ss;
    ocpp_cfg_t *cfg;
    const ocpp_cp_config_t *config;
    const ocpp_transfer_port_t *transfer; /**< Firmware Management; may be NULL. */
} ocpp_v16_services_t;

/** The session's hooks into the adapter (ctx: the ocpp_v16_t). */
extern const ocpp_session_proto_t ocpp_v16_session_proto;

/** Set up the adapter, load the outbox and hand the station the
 *  transactions a power cut interrupted (their stops are queued). The
 *  session must be initialised (with ocpp_v16_session_proto) before.
 *  @pre *a is zeroed (the facade zeroes the whole ocpp_cp_t once). */
void ocpp_v16_init(ocpp_v16_t *a, const ocpp_v16_services_t *s);

/** The first poll: anchor the adapter's timers to its clock. */
void ocpp_v16_start(ocpp_v16_t *a, uint32_t now_ms);

/** The station's adapter hook (ctx: the ocpp_v16_t): every station event,
 *  before the application sees it. */
void ocpp_v16_on_event(void *ctx, const ocpp_station_event_t *ev);

/** Every poll, online or not. */
void ocpp_v16_tick(ocpp_v16_t *a);

/** How long until a module's tick has something to do (the first of their
 *  tick_due hooks), at most V16_IDLE_MS. */
uint32_t ocpp_v16_tick_due(const ocpp_v16_t *a, uint32_t now_ms);

/** ocpp_cp_key_set(): a key set locally, applied and persisted. */
ocpp_key_result_t ocpp_v16_set_local(ocpp_v16_t *a, const char *key, const char *value);

/* ---- modules (each file's descriptor) ---- */

extern const ocpp_v16_profile_t ocpp_v16_core;        /**< core.c: boot, heartbeat, status; and
                                                           ops.c: the CS-initiated CALLs */
extern const ocpp_v16_profile_t ocpp_v16_core_tx;     /**< tx.c: authorize, transactions, meter */
extern const ocpp_v16_profile_t ocpp_v16_trigger;     /**< trigger.c: Remote Trigger */
extern const ocpp_v16_profile_t ocpp_v16_locallist;   /**< locallist.c: Local Auth List */
extern const ocpp_v16_profile_t ocpp_v16_reservation; /**< reservation.c: Reservation */
extern const ocpp_v16_profile_t ocpp_v16_smart;       /**< smart.c: Smart Charging */
extern const ocpp_v16_profile_t ocpp_v16_firmware;    /**< firmware.c: Firmware Management */

/** ops.c: the Core profile's CS-initiated CALLs (remote operations,
 *  configuration; GetLocalListVersion without Local Auth List Management),
 *  the handler table of ocpp_v16_core. */
#define OCPP_V16_CORE_HANDLERS (OCPP_CONFIG_PROFILE_LOCAL_AUTH ? 9u : 10u)
extern const ocpp_rpc_handler_entry_t ocpp_v16_core_handlers[OCPP_V16_CORE_HANDLERS];

/** Where a raised SecurityProfile is (ocpp_v16_core_t.sp_state): raised by
 *  ChangeConfiguration (ops.c), on trial in core.c. */
enum { V16_SP_NONE = 0, V16_SP_RAISED, V16_SP_CONNECTING, V16_SP_FAILED };

/** tx.c: CP-initiated DataTransfer (ocpp_cp_data_transfer()). */
ocpp_status_t ocpp_v16_data_transfer(ocpp_v16_t *a, const char *vendor_id, const char *message_id,
                                     const char *data);

/** tx.c: the outbox flags of a queued action (ocpp_txq_adopt()). */
uint8_t ocpp_v16_outbox_classify(uint8_t kind);

/* ---- shared helpers (common.c) ---- */

/** A key changed (remotely or locally): settings of the station and the
 *  session follow, the application is told. */
void ocpp_v16_config_applied(ocpp_v16_t *a, const char *key);

/** Copy the configuration keys the station and session run on. */
void ocpp_v16_sync(ocpp_v16_t *a);

/** Save the configuration if it changed and the transmit buffer is free. */
void ocpp_v16_save_config(ocpp_v16_t *a);

/** `{"status":"<status>"}` */
void ocpp_v16_answer_status(ocpp_jw_t *w, const char *status);

/** ocpp_rpc_get_int() of an integer in [min, INT32_MAX]; *out is kept if
 *  the field is absent (and not required). */
ocpp_rpc_err_t ocpp_v16_get_int(const ocpp_json_value_t *p, const char *key, bool required,
                                int32_t min, int32_t *out, const char **desc);

/** `"<key>":"<date-time>"` (1970 if unset). */
void ocpp_v16_kv_time(ocpp_jw_t *w, const char *key, int64_t t, uint16_t ms);

/** Start a CALL of `action`; finish with ocpp_v16_call_end(). */
void ocpp_v16_call_begin(ocpp_v16_t *a, ocpp_jw_t *w, ocpp_rpc_action_t action);
/** Send it; the answer goes to module `owner`'s hooks with `kind`. */
ocpp_status_t ocpp_v16_call_end(ocpp_v16_t *a, ocpp_jw_t *w, const ocpp_v16_profile_t *owner,
                                uint8_t kind);

/** TriggerMessage requests per connector (ocpp_v16_conn_t.trig). */
#define V16_TRIG_STATUS 0x01u /**< StatusNotification (core.c) */
#define V16_TRIG_METER  0x02u /**< MeterValues (tx.c) */

/** Mark `bit` on `connector`, or on every connector 0..n if it is negative. */
void ocpp_v16_trig_mark(ocpp_v16_t *a, int connector, uint8_t bit);

/** The lowest connector with `bit` marked, -1 if none. */
int ocpp_v16_trig_first(const ocpp_v16_t *a, uint8_t bit);

/** The request `bit` of `connector` was served. */
void ocpp_v16_trig_clear(ocpp_v16_t *a, uint8_t connector, uint8_t bit);

/** "a is at or after b" for uint32 ms stamps. */
#define V16_DUE(now, at) ((int32_t)((now) - (at)) >= 0)

/** Longest wait next_due reports. */
#define V16_IDLE_MS 60000u

/** Milliseconds from now_ms until the stamp `at` (0 if it has passed). */
static inline uint32_t ocpp_v16_until(uint32_t at, uint32_t now_ms)
{
    int32_t d = (int32_t)(at - now_ms);
    return d > 0 ? (uint32_t)d : 0u;
}

#endif /* OCPP_V16_H */
