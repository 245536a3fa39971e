/**
 * @file ocpp_cp_layout.h
 * @brief The layout of ocpp_cp_t and of the layers inside it. PRIVATE: not
 *        part of the API; every field may change in any release. It is in a
 *        header only so that you can allocate the context (no heap); use the
 *        functions of ocpp_cp.h.
 *
 * The library is layered, calls go down only (docs/architecture.md; the
 * order is in src/layers.txt and checked by the test check.layers):
 *
 *   ocpp_cp_t (src/cp)        facade: the public API, wires the layers
 *   ocpp_v16_t (src/v16)      OCPP 1.6 adapter: one module per profile
 *   ocpp_v201_t (src/v201)    OCPP 2.0.1 adapter (instead of ocpp_v16_t)
 *   ocpp_station_t (src/station)  station model: connectors, transactions,
 *                             authorization; emits events, knows no message
 *   ocpp_session_t (src/session)  OCPP-J session: connection, framing, the
 *                             one outstanding CALL
 *   ocpp_txq_t (src/store)    durable outbox: queued messages, opaque
 *   ocpp_cfg_t, ocpp_auth_cache_t (src/model)
 *
 * Upward traffic goes through the function pointers registered here (the
 * session's protocol table, the station's event hook), never by a call.
 */
#ifndef OCPP_CP_LAYOUT_H
#define OCPP_CP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_config_layout.h"
#include "ocpp_config_defaults.h"
#include "ocpp_json.h"
#include "ocpp_port.h"
#include "ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A log sink and its context (private). */
typedef struct {
    ocpp_log_fn fn; /**< NULL: no logging. */
    void *ctx;      /**< Identifies the charge point (ocpp_cp_ports_t.log_ctx). */
} ocpp_logger_t;

/* ------------------------------------------------------------------------ */
/* model: Authorization Cache (src/model/authcache.c)                        */
/* ------------------------------------------------------------------------ */

/** One Authorization Cache entry. */
typedef struct {
    int64_t expiry;                   /**< expiryDate, unix s; 0: none. */
    uint32_t stamp;                   /**< Update order (eviction). */
    char tag[OCPP_ID_TAG_MAX + 1];    /**< "" = free slot. */
    char parent[OCPP_ID_TAG_MAX + 1]; /**< parentIdTag, "" if none. */
    uint8_t status;                   /**< ocpp_auth_status_t */
} ocpp_auth_entry_t;

/** The Authorization Cache. */
typedef struct {
    ocpp_auth_entry_t e[OCPP_CONFIG_AUTH_CACHE_SIZE > 0 ? OCPP_CONFIG_AUTH_CACHE_SIZE : 1];
    uint32_t stamp; /**< Last stamp given. */
    bool dirty;     /**< Changed since persisted. */
} ocpp_auth_cache_t;

/* ------------------------------------------------------------------------ */
/* store: the durable outbox (src/store/txqueue.c, txstore.c)                */
/* ------------------------------------------------------------------------ */

/** Bytes per connector of the station's transaction record (the outbox keeps
 *  them opaque; src/station/station_store.c owns the format). */
#define OCPP_TXS_SLOT_SIZE 23u
/** Bytes before the first queue entry in the persisted record. */
#define OCPP_TXS_HEAD_SIZE (8u + OCPP_TXS_SLOT_SIZE * (unsigned)OCPP_CONFIG_MAX_CONNECTORS)

/**
 * The outbox: buf is the image of the storage record "txstate", kept in RAM
 * so that a change is persisted with one atomic write and no scratch buffer:
 * a head of OCPP_TXS_HEAD_SIZE bytes (the running transaction of each
 * connector, written by the station), then the queue of messages whose
 * payloads are opaque to it (src/store/txqueue.h).
 */
typedef struct {
    uint8_t buf[OCPP_TXS_HEAD_SIZE + OCPP_CONFIG_TXQ_SIZE];
    uint16_t used;         /**< Queue bytes in use after the head. */
    uint16_t count;        /**< Queue entries. */
    uint32_t thinned;      /**< Entries removed to make room, since init. */
    uint32_t lost;         /**< Messages that found no room at all, since init. */
    uint32_t store_errors; /**< Failed writes of the record, since init. */
} ocpp_txq_t;

/* ------------------------------------------------------------------------ */
/* session: OCPP-J (src/session/session.c)                                   */
/* ------------------------------------------------------------------------ */

struct ocpp_rpc_frame; /* src/rpc/rpc.h */

/**
 * What a protocol adapter registers with the session: its subprotocol and
 * the hooks through which the session reaches it (upward). `ctx` is the
 * adapter. Every hook is required.
 */
typedef struct {
    const char *subprotocol; /**< "ocpp1.6", "ocpp2.0.1". */
    uint8_t dialect;         /**< ocpp_rpc_dialect_t: how CALLERROR codes are spelled. */
    /** Answer a CALL: write a complete CALLRESULT or CALLERROR into w. */
    void (*answer)(void *ctx, const struct ocpp_rpc_frame *f, ocpp_jw_t *w);
    /** Nothing outstanding and the transmit buffer free: send one CALL if due. */
    void (*send_due)(void *ctx);
    /** The transmit buffer is free (after receiving): persist what waits. */
    void (*idle)(void *ctx);
    /** The CALL sent with (owner, kind) got its CALLRESULT. */
    void (*on_result)(void *ctx, uint8_t owner, uint8_t kind, const ocpp_json_value_t *payload);
    /** It failed: CALLERROR (OCPP_ERR_PROTOCOL), timeout, connection lost. */
    void (*on_failed)(void *ctx, uint8_t owner, uint8_t kind, ocpp_status_t why);
    /** How long until the adapter has something to send (0: now). */
    uint32_t (*next_due)(const void *ctx, uint32_t now_ms);
    /** The connection state changed (to OFFLINE, BOOTING or ACCEPTED). */
    void (*on_conn)(void *ctx, ocpp_cp_conn_t conn);
} ocpp_session_proto_t;

/** The OCPP-J session. */
typedef struct {
    const ocpp_session_proto_t *proto;
    void *proto_ctx;
    /** Events for the application (connection, messages in and out). */
    void (*notify)(void *ctx, const ocpp_cp_event_t *ev);
    void *notify_ctx;
    const ocpp_msg_port_t *msg;
    ocpp_random_fn random;
    void *random_ctx;
    ocpp_logger_t log;
    char *send_buf; /**< The caller's send buffer. */
    size_t send_cap;
    size_t send_len; /**< Length of the message in send_buf (after the headroom). */
    ocpp_msg_open_t open;
    ocpp_cp_conn_t conn;
    uint32_t now_ms;
    uint32_t conn_since_ms; /**< When the current connection state began. */
    uint32_t backoff_ms;    /**< Current reconnect delay. */
    uint32_t backoff_min_ms, backoff_max_ms, connect_timeout_ms;
    uint32_t retry_at_ms;     /**< Next connection attempt. */
    uint32_t last_call_ms;    /**< When the last CALL was sent. */
    uint32_t call_sent_ms;    /**< The outstanding CALL: when sent, */
    uint32_t call_timeout_ms; /**<   how long to wait for it. */
    uint32_t keepalive_s;     /**< WebSocket ping interval. */
    uint32_t id_prefix, id_counter;
    uint8_t call_owner, call_kind; /**< Who sent it, and what it is (theirs). */
    bool call_active;
    bool send_busy;    /**< send_buf holds a message being sent. */
    bool piece_failed; /**< The port did not take a piece of the message being written. */
    bool network_enabled;
    bool reconnect_pending; /**< Reconnect once the current answer is sent. */
    bool transport_open;
    bool registered;   /**< Accepted at least once since init (no new boot on reconnect). */
    bool tls_required; /**< Security profile 2 or 3: no connection over ws://. */
    bool msg_events;   /**< Someone takes OCPP_CP_EV_MSG_IN/OUT (else they are not built). */
    char url[OCPP_CONFIG_URL_MAX]; /**< host NUL path NUL */
    char call_id[OCPP_MSG_ID_MAX + 1];
} ocpp_session_t;

/* ------------------------------------------------------------------------ */
/* station: the station model (src/station/)                                 */
/* ------------------------------------------------------------------------ */

/** What the station tells the layers above (ocpp_station_event_t.kind). */
typedef enum {
    OCPP_STATION_EV_STATUS,         /**< Status changed (value: ocpp_connector_status_t). */
    OCPP_STATION_EV_ERROR,          /**< The error code changed (value: ocpp_fault_t). */
    OCPP_STATION_EV_PERMIT,         /**< Energy may flow (value 1) or must stop (0). */
    OCPP_STATION_EV_UNLOCK,         /**< Unlock the connector (a transaction ended). */
    OCPP_STATION_EV_AUTHORIZED,     /**< tag accepted (value: ocpp_auth_status_t). */
    OCPP_STATION_EV_AUTH_REJECTED,  /**< tag refused (value: ocpp_auth_status_t). */
    OCPP_STATION_EV_TX_STARTED,     /**< A transaction started; its record is in the outbox
                                         head: queue its start message, then persist. */
    OCPP_STATION_EV_TX_CONFIRMED,   /**< The CSMS gave its id (value). */
    OCPP_STATION_EV_TX_STOPPED,     /**< It ended (value: ocpp_stop_reason_t; text: the tag
                                         that stopped it or NULL; samples: the final
                                         reading; meter_wh, unix_time). */
    OCPP_STATION_EV_TX_INTERRUPTED, /**< At init: it was cut by a power loss (meter_wh and
                                         unix_time: its last persisted reading). */
    OCPP_STATION_EV_AUTH_NEEDED     /**< An id tag waits for the CSMS (text: the tag). */
} ocpp_station_ev_kind_t;

/** An event of the station. Pointers are valid during the hook only. */
typedef struct {
    ocpp_station_ev_kind_t kind;
    uint8_t connector;
    int32_t value;
    int32_t meter_wh;
    int64_t unix_time;
    uint16_t unix_ms; /**< Milliseconds within unix_time's second. */
    const char *text;
    const ocpp_sample_t *samples;
    size_t n_samples;
} ocpp_station_event_t;

/** The settings the station runs on, given by the protocol adapter from its
 *  configuration (1.6 keys, 2.0.1 variables). */
typedef struct {
    uint32_t connection_timeout_s;    /**< 0: none. */
    int32_t max_energy_on_invalid_id; /**< Wh; <= 0: none. */
    bool stop_on_ev_disconnect;
    bool unlock_on_ev_disconnect;
    bool stop_on_invalid_id;
    bool cache_enabled;
    bool local_pre_authorize;
    bool local_authorize_offline;
    bool allow_offline_unknown;
} ocpp_station_settings_t;

/** What an authorization in progress is for. */
typedef enum {
    OCPP_STATION_AUTH_NONE = 0,
    OCPP_STATION_AUTH_START, /**< Start a transaction (local card or remote start). */
    OCPP_STATION_AUTH_STOP   /**< Stop with another card: compare parentIdTag. */
} ocpp_station_auth_t;

/** One connector (0: the whole charge point). Members ordered by alignment. */
typedef struct {
    int64_t changed_unix;    /**< Wall-clock time of the last status change (0: unknown). */
    int64_t tx_start_unix;   /**< Transaction: its start time, */
    int64_t meter_last_unix; /**<   time of meter_last. */
    /* The reservation members: only with the Reservation profile. */
#if OCPP_CONFIG_PROFILE_RESERVATION
    int64_t resv_expiry; /**< Reservation (OCPP 1.6 §5.13, if `reserved`): expiryDate (unix s), */
#endif
    ocpp_connector_status_t status;
    ocpp_fault_t error;
    uint32_t changed_ms;     /**< When status/error last changed. */
    uint16_t changed_frac;   /**< Milliseconds within changed_unix's second. */
    uint16_t tx_start_frac;  /**< Milliseconds within tx_start_unix's second. */
    uint32_t authorized_ms;  /**< Authorization waiting for the plug (ConnectionTimeOut). */
    int32_t tx_id;           /**< The CSMS's id of the transaction, -1 until known. */
    int32_t meter_start;     /**< Wh. */
    int32_t meter_last;      /**< Last meter register reading persisted (Wh), */
    uint32_t meter_saved_ms; /**<   and when it was persisted. */
#if OCPP_CONFIG_PROFILE_RESERVATION
    int32_t resv_id;    /**< The reservation's id, */
    int32_t tx_resv_id; /**< The reservation the transaction ended (if tx_resv). */
#endif
    uint16_t tx_ref; /**< Local reference of the (last) transaction. */
#if OCPP_CONFIG_PROFILE_RESERVATION
    char resv_tag[OCPP_ID_TAG_MAX + 1];    /**< The reservation's idTag, */
    char resv_parent[OCPP_ID_TAG_MAX + 1]; /**<   its parentIdTag ("" if none). */
    bool tx_resv;                          /**< The transaction ended a reservation. */
#endif
    char info[OCPP_CONFIG_STATUS_INFO_MAX + 1];
    char vendor_error[OCPP_CONFIG_STATUS_INFO_MAX + 1];
    char tag[OCPP_ID_TAG_MAX + 1];    /**< idTag of the authorization / transaction. */
    char parent[OCPP_ID_TAG_MAX + 1]; /**< Its parentIdTag, "" if unknown. */
    bool plugged;
    bool ev_ready;
    bool operative;       /**< Availability (persisted). */
    bool sched_change;    /**< A change of availability waits for the transaction's end, */
    bool sched_operative; /**<   to this value. */
    bool reserved;        /**< Reserved (ocpp_station_reserve()); on connector 0: for
                               any connector, one must stay free for it. */
    bool ev_disconnected; /**< Unplugged during a transaction that goes on. */
    bool authorized;      /**< Authorized, waiting for the plug; during a transaction:
                               limited by MaxEnergyOnInvalidId. */
    bool tx;              /**< A transaction runs. */
    bool tx_allowed;      /**< Energy allowed (false after a refused start). */
    bool evse_paused;     /**< The application offers no energy (ocpp_cp_evse_suspended()). */
    bool finishing;       /**< Stopped, waiting for the user (unplug). */
    bool interrupted;     /**< Its transaction was stopped by a power loss: a cable
                               found plugged in after the restart is Finishing. */
    bool permit_out;      /**< Last permission given. */
} ocpp_station_conn_t;

/** The station model. */
typedef struct {
    ocpp_station_conn_t conns[OCPP_CONFIG_MAX_CONNECTORS + 1];
    ocpp_auth_cache_t cache;
    int64_t clock_unix; /**< Unix time at clock_ms (0: not set). */
    ocpp_station_settings_t set;
    /** Upward: every event goes first to the protocol adapter's hook, */
    void (*adapter)(void *ctx, const ocpp_station_event_t *ev);
    void *adapter_ctx;
    /**   then to the application (outputs, meter, events; never NULL). */
    const ocpp_cp_callbacks_t *cb;
    const ocpp_storage_port_t *storage;
    ocpp_txq_t *outbox;
    ocpp_logger_t log;
    uint32_t now_ms;
    uint32_t clock_ms;
    uint32_t persist_failed_ms;   /**< When a write of availability/cache failed last. */
    ocpp_station_auth_t auth;     /**< Authorization in progress (one at a time). */
    ocpp_auth_status_t last_auth; /**< Outcome of the last authorization. */
    uint16_t next_ref;
    uint8_t n;              /**< Connectors. */
    uint8_t auth_connector; /**< The authorization's connector. */
    uint8_t floating;       /**< A card presented for any connector while none was
                                 plugged in: its authorization moves to the first
                                 connector plugged in (0: none). */
    uint8_t conn;           /**< ocpp_cp_conn_t, from the session's events. */
    bool online;            /**< The CSMS can be asked (registration Accepted). */
    bool closing;           /**< No new transaction (a reset is under way). */
    bool avail_dirty;       /**< Availability to persist. */
    bool persist_failed;    /**< The last such write failed: the next waits 10 s. */
    bool resv_dirty;        /**< A reservation began or ended (the adapter persists them). */
    char auth_tag[OCPP_ID_TAG_MAX + 1];
    /** The Local Authorization List (OCPP 1.6 §3.5.2), asked before the cache:
     *  copies the entry of `tag` into *out; false if not listed (or the list is
     *  disabled). NULL: no list. Registered by the adapter
     *  (ocpp_station_set_list()). */
    bool (*list_find)(void *ctx, const char *tag, ocpp_auth_entry_t *out);
    void *list_ctx;
} ocpp_station_t;

/* ------------------------------------------------------------------------ */
/* v16: the OCPP 1.6 adapter (src/v16/)                                      */
/* ------------------------------------------------------------------------ */

/** A value kept for StopTransaction's transactionData. */
typedef struct {
    int64_t value;
    uint8_t measurand; /**< ocpp_measurand_t */
    uint8_t phase;     /**< ocpp_phase_t */
    uint8_t location;  /**< ocpp_location_t */
    uint8_t scale;
} ocpp_kept_sample_t;

/** A clock-aligned reading kept for StopTxnAlignedData. */
typedef struct {
    int64_t unix_time;
    ocpp_kept_sample_t s[OCPP_CONFIG_STOP_ALIGNED_SAMPLES];
    uint8_t n;
} ocpp_aligned_reading_t;

/** Per connector (0..n): what the Core profile reported and metered. */
typedef struct {
    ocpp_connector_status_t reported; /**< Last status the CSMS confirmed, */
    ocpp_fault_t reported_error;
    uint32_t sample_ms; /**< Last periodic sample. */
    bool report;        /**< Report even if unchanged (after boot). */
    uint8_t trig;       /**< TriggerMessage requests for it: V16_TRIG_* bits (src/v16/v16.h). */
} ocpp_v16_conn_t;

/** Per connector 1..n (connector 0 has no transactions): the clock-aligned
 *  readings of its transaction (StopTxnAlignedData), oldest first. */
typedef struct {
    ocpp_aligned_reading_t
        aligned[OCPP_CONFIG_STOP_ALIGNED_READINGS > 0 ? OCPP_CONFIG_STOP_ALIGNED_READINGS : 1];
    uint8_t n_aligned;
} ocpp_v16_kept_t;

/** State of the Core profile: session messages (src/v16/core.c). */
typedef struct {
    uint32_t boot_at_ms;                 /**< Next BootNotification. */
    uint32_t call_fail_at_ms;            /**< After a failed CALL, do not send before this. */
    uint32_t reset_at_ms;                /**< When the pending Reset was accepted. */
    ocpp_connector_status_t call_status; /**< StatusNotification in flight: status, */
    ocpp_fault_t call_error;             /**<   error code, */
    uint8_t call_connector;              /**<   connector. */
    bool trig_boot, trig_heartbeat;
    bool reset_pending, reset_hard;
    bool status_quiet; /**< No status to report: nothing changed since a scan found none. */
    uint8_t sp_state;  /**< A raised SecurityProfile on trial: raised, connecting, failed */
    uint8_t sp_prev;   /**<   and the one before, restored if the first connection fails. */
} ocpp_v16_core_t;

/** State of the Core profile: transactions and metering (src/v16/tx.c). */
typedef struct {
    int64_t aligned_last; /**< Last clock-aligned boundary passed (unix s), */
    int64_t aligned_next; /**<   the next one, */
    int32_t aligned_iv;   /**<   for this ClockAlignedDataInterval. */
    uint32_t sampling;    /**< Bit c - 1: a transaction runs on c (periodic samples). */
    const char *dt_vendor, *dt_message, *dt_data; /**< Outgoing DataTransfer. */
    uint32_t txq_retry_at_ms;                     /**< Outbox head not before this. */
    uint8_t txq_attempts;                         /**< Failed attempts of the head. */
    bool auth_sent;
    bool dt_pending;
    ocpp_v16_kept_t kept[OCPP_CONFIG_MAX_CONNECTORS]; /**< Connector c: kept[c - 1]. */
} ocpp_v16_tx_t;

/** State of the Local Auth List Management profile (src/v16/locallist.c):
 *  the index of the list in storage (the entries stay there). */
typedef struct {
    int32_t version; /**< listVersion of the last update (0: none). */
    uint16_t count;  /**< Entries. */
    uint8_t gen;     /**< Which of the two sets of page records is current. */
} ocpp_v16_list_t;

/** State of the Reservation profile (src/v16/reservation.c); the
 *  reservations themselves are the station's (ocpp_station_conn_t). */
typedef struct {
    uint32_t save_failed_ms; /**< When a write of the reservations failed last, */
    bool save_failed;        /**<   the next waits 10 s. */
} ocpp_v16_resv_t;

#if OCPP_CONFIG_PROFILE_SMART_CHARGING
/** A period of a charging schedule (OCPP 1.6 §7.14). */
typedef struct {
    uint32_t start; /**< startPeriod, s from the start of the schedule. */
    uint32_t limit; /**< limit x 10 (A or W) << 2 | numberPhases (0: absent). */
} ocpp_sc_period_t;

/** An installed charging profile (§7.8, §7.13); purpose 0: a free slot.
 *  Persisted as it is (the record "smartcharging"). */
typedef struct {
    uint32_t valid_from; /**< unix s; 0: none. */
    uint32_t valid_to;   /**< unix s; 0: none. */
    uint32_t start;      /**< startSchedule, unix s (Absolute without it: when received). */
    int32_t id;          /**< chargingProfileId. */
    int32_t tx_id;       /**< transactionId (has_tx). */
    int32_t duration;    /**< s; -1: none. */
    int32_t min_rate;    /**< minChargingRate x 10; -1: none. */
    int32_t stack;       /**< stackLevel. */
    uint8_t connector;
    uint8_t purpose; /**< 1 ChargePointMaxProfile, 2 TxDefaultProfile, 3 TxProfile. */
    uint8_t kind;    /**< 0 Absolute, 1 Recurring, 2 Relative. */
    uint8_t recur;   /**< 0 none, 1 Daily, 2 Weekly. */
    uint8_t unit;    /**< 0 A, 1 W. */
    uint8_t n;       /**< Periods. */
    bool has_tx;
    uint8_t pad_;
    ocpp_sc_period_t p[OCPP_CONFIG_CHARGING_PERIODS_MAX];
} ocpp_sc_profile_t;

/** State of the Smart Charging profile (src/v16/smart.c). */
typedef struct {
    ocpp_sc_profile_t prof[OCPP_CONFIG_CHARGING_PROFILES_MAX];
    ocpp_limit_t out[OCPP_CONFIG_MAX_CONNECTORS + 1]; /**< Last limit given, connector c. */
    uint32_t next;           /**< Next time (unix s) a limit may change; 0: none. */
    uint32_t clock_unix;     /**< The station's clock at the last evaluation */
    uint32_t clock_ms;       /**<   (a new time evaluates again). */
    uint32_t save_failed_ms; /**< When a write of the record failed last. */
    bool loaded;             /**< The record was read (first tick). */
    bool dirty;              /**< To persist: a write failed, retried every 10 s. */
} ocpp_v16_smart_t;
#endif

#if OCPP_CONFIG_PROFILE_FIRMWARE
/** The persisted part of a firmware update (record "firmware", written as
 *  is: the same firmware reads it back, or it is dropped by its size). */
typedef struct {
    int64_t retrieve_unix; /**< retrieveDate, unix s. */
    uint32_t interval_s;   /**< retryInterval. */
    uint8_t state;         /**< src/v16/firmware.c FW_*; 0: idle. */
    uint8_t tries_left;    /**< Download attempts left. */
    uint8_t report;        /**< After a reboot: the status to report (Installed). */
    uint8_t version;       /**< Record format. */
    char url[OCPP_CONFIG_TRANSFER_URL_MAX]; /**< location. */
} ocpp_v16_fw_rec_t;

/** State of the Firmware Management profile (src/v16/firmware.c). */
typedef struct {
    ocpp_v16_fw_rec_t rec;                       /**< The update (persisted). */
    char diag_url[OCPP_CONFIG_TRANSFER_URL_MAX]; /**< Upload target (location + fileName). */
    uint32_t fw_at_ms;                           /**< Download (re)try not before this. */
    uint32_t diag_at_ms;                         /**< Upload (re)try not before this. */
    uint32_t diag_interval_s;                    /**< retryInterval of the upload. */
    uint8_t queue[6];                            /**< Status notifications to send, oldest first. */
    uint8_t n_queue;
    uint8_t diag_state; /**< DG_*; 0: idle. */
    uint8_t diag_tries_left;
    bool inflight; /**< queue[0] is on the wire. */
    bool loaded;   /**< The record was read (first tick). */
    bool rebooted; /**< The reboot hook was called. */
} ocpp_v16_fw_t;
#endif

struct ocpp_v16_profile; /* src/v16/v16.h */

/** The OCPP 1.6 adapter: the shared services, then each profile's state. */
typedef struct {
    ocpp_station_t *st;
    ocpp_session_t *ss;
    ocpp_cfg_t *cfg;
    const ocpp_cp_config_t *config;
    const struct ocpp_v16_profile *const *profiles; /**< Registered (src/v16/v16.c). */
    ocpp_v16_conn_t conns[OCPP_CONFIG_MAX_CONNECTORS + 1];
    ocpp_v16_core_t core;
    ocpp_v16_tx_t tx;
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    ocpp_v16_list_t list;
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION
    ocpp_v16_resv_t resv;
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    ocpp_v16_smart_t smart;
#endif
#if OCPP_CONFIG_PROFILE_FIRMWARE
    const ocpp_transfer_port_t *transfer; /**< NULL: no file transfer. */
    ocpp_v16_fw_t fw;
#endif
    uint32_t save_failed_ms; /**< When a write of the configuration failed last, */
    uint32_t quiet_until_ms; /**< A send pass found nothing due before this, */
    bool kick;               /**<   unless something happened since (an event, a
                                    message, a connection change, a local input). */
    bool save_failed; /**< The last write of the configuration failed: the next waits 10 s. */
    uint8_t n_profiles;
    uint8_t tick_mask, event_mask; /**< Bit i: module i has a tick / on_event hook. */
    uint8_t conn_mask;             /**< Bit i: module i has an on_conn hook. */
    uint8_t trig_any;              /**< V16_TRIG_* bits that may be set on some connector. */
} ocpp_v16_t;

#if OCPP_CONFIG_OCPP201
#include "ocpp_v201_layout.h"
#endif

/* ------------------------------------------------------------------------ */
/* cp: the facade (src/cp/)                                                  */
/* ------------------------------------------------------------------------ */

/** The charge point context. Allocate it yourself; all fields are private. */
typedef struct ocpp_cp {
    ocpp_txq_t outbox;
    ocpp_station_t st;
    ocpp_cfg_t cfg; /**< OCPP 1.6 configuration keys. */
    union {
        ocpp_v16_t v16;
#if OCPP_CONFIG_OCPP201
        ocpp_v201_t v201;
#endif
    } proto;
    ocpp_session_t ss;
    ocpp_cp_config_t config;
    ocpp_cp_ports_t ports;
    ocpp_cp_callbacks_t cb;
    bool started; /**< The first poll anchored the timers to its clock. */
} ocpp_cp_t;

#ifdef __cplusplus
}
#endif

#endif /* OCPP_CP_LAYOUT_H */
