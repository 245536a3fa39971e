/**
 * @file station.h
 * @brief The station model (layer "station", below the protocol adapters,
 *        above the session and the outbox): connectors and their state,
 *        the life cycle of transactions, the authorization pipeline
 *        (cache, offline rules), the clock. It knows no OCPP message: what
 *        the layers above must act on comes out as events through the hook
 *        ocpp_station_t.emit (the facade forwards them to the protocol
 *        adapter, then to the application). Adapters call down into it.
 *
 * Status. The status of a connector is derived, never set:
 * ocpp_station_update() computes it from the inputs (plugged, EV ready,
 * fault), the availability, the authorization and the transaction, in this
 * order of precedence (OCPP 1.6 §4.9, the richest status set; an OCPP 2.0.1
 * adapter projects it onto ConnectorStatus: Preparing, Charging,
 * SuspendedEV/EVSE and Finishing are Occupied):
 *   Faulted > (transaction) SuspendedEVSE > SuspendedEV > Charging >
 *   Unavailable > Finishing > Reserved > Preparing > Available.
 * Connector 0 is Faulted, Unavailable or Available.
 *
 * Transactions. Each one has a local reference (tx_ref) and a record in the
 * outbox head (persisted with the outbox: station_store.c); it is recorded
 * running before the permission to charge, and not running any more in the
 * same write that queues its end message (the adapter queues it on
 * OCPP_STATION_EV_TX_STOPPED and persists). At init,
 * ocpp_station_restore() hands every transaction that was running at a power
 * cut to the adapter as OCPP_STATION_EV_TX_INTERRUPTED.
 *
 * Reentrancy: the hook may call back into the station (an application that
 * stops a transaction from its permit callback): the station re-derives the
 * state after every event it emits, so no stale status is written back.
 */
#ifndef OCPP_STATION_H
#define OCPP_STATION_H

#include "ocpp/ocpp_cp.h"

/** Wait after a failed write of the availability or the cache before the
 *  next attempt (the change stays pending, nothing is dropped). */
#define OCPP_STATION_SAVE_RETRY_MS 10000u
/** While a transaction runs on a refused card, its energy is checked against
 *  MaxEnergyOnInvalidId this often (it is read, not timed). */
#define OCPP_STATION_ENERGY_POLL_MS 1000u

/** What the station starts with. */
typedef struct {
    uint8_t connectors;
    /** The protocol adapter's hook: every event, before the application. */
    void (*adapter)(void *ctx, const ocpp_station_event_t *ev);
    void *adapter_ctx;
    const ocpp_cp_callbacks_t *cb;      /**< The application (not NULL; members may be). */
    const ocpp_storage_port_t *storage; /**< NULL: nothing persisted. */
    ocpp_txq_t *outbox;
    ocpp_logger_t log;
    char *scratch; /**< For loading the cache (the transmit buffer). */
    size_t scratch_cap;
} ocpp_station_init_t;

/** Power-on state: every connector operative and Available; loads the
 *  availability and the authorization cache. @pre *st is zeroed (the
 *  facade zeroes the whole ocpp_cp_t once). */
void ocpp_station_init(ocpp_station_t *st, const ocpp_station_init_t *in);

/** Take the outbox record loaded at init: transactions that were running
 *  become OCPP_STATION_EV_TX_INTERRUPTED events, one by one. Without a
 *  storage port nothing was loaded and nothing is done. */
void ocpp_station_restore(ocpp_station_t *st);

/** Wall-clock time in unix milliseconds (0: the clock is not set). */
int64_t ocpp_station_time_ms(const ocpp_station_t *st);

/** Set the wall clock to unix_s + ms / 1000 (the CSMS's currentTime with its
 *  fraction, RFC 3339 time-secfrac). */
void ocpp_station_set_time_ms(ocpp_station_t *st, int64_t unix_s, uint16_t ms);

/** The time (monotonic ms) of the current poll or input. */
void ocpp_station_set_now(ocpp_station_t *st, uint32_t now_ms);

/** The first poll: stamps taken before it (now 0) move to its clock. */
void ocpp_station_start(ocpp_station_t *st, uint32_t now_ms);

/** Timers: ConnectionTimeOut, MaxEnergyOnInvalidId, the periodic save of
 *  the meter reading. */
void ocpp_station_tick(ocpp_station_t *st);

/** How long from now_ms until ocpp_station_tick() or ocpp_station_persist()
 *  has something to do (0: now; UINT32_MAX: nothing): the ConnectionTimeOut
 *  of each connector, the energy check of MaxEnergyOnInvalidId, the periodic
 *  save of the meter reading, a pending or retried save. */
uint32_t ocpp_station_next_due(const ocpp_station_t *st, uint32_t now_ms);

/** Persist the availability and the authorization cache if they changed;
 *  scratch (NULL: not now) holds the cache's record while it is written. */
void ocpp_station_persist(ocpp_station_t *st, char *scratch, size_t cap);

/* ---- events ---- */

/** Hand a station event to the adapter, then to the application (its
 *  outputs: permit, unlock; and on_event). */
void ocpp_station_emit(ocpp_station_t *st, const ocpp_station_event_t *ev);

/** Tell the application (ocpp_cp_callbacks_t.on_event), stamped with the
 *  time and the connection state. The adapters' events go here too. */
void ocpp_station_app_event(const ocpp_station_t *st, ocpp_cp_event_kind_t kind, uint8_t c,
                            int32_t value, const char *text, size_t len);

/** The session's notify hook (ctx: the station): the connection state
 *  decides whether the CSMS can be asked; the application sees the event. */
void ocpp_station_session_event(void *ctx, const ocpp_cp_event_t *ev);

/* ---- clock ---- */

/** Wall-clock unix seconds, 0 if not set. */
int64_t ocpp_station_time(const ocpp_station_t *st);
/** Set the wall clock (ignored if <= 0). */
void ocpp_station_set_time(ocpp_station_t *st, int64_t unix_s);
/** Milliseconds from the monotonic now_ms until the wall-clock time unix_s
 *  (0 if it has come; UINT32_MAX if the clock is not set, or beyond). */
uint32_t ocpp_station_ms_until(const ocpp_station_t *st, int64_t unix_s, uint32_t now_ms);

/* ---- status ---- */

/** Re-derive the status and permission of connector c; emit changes. */
void ocpp_station_update(ocpp_station_t *st, uint8_t c);
/** True if error code e is a fault (not a warning), see ocpp_cp_fault(). */
bool ocpp_station_is_fault(ocpp_fault_t e);

/* ---- inputs (connector 1..n; checked by the caller) ---- */

void ocpp_station_plugged(ocpp_station_t *st, uint8_t c, bool plugged);
void ocpp_station_ev_ready(ocpp_station_t *st, uint8_t c, bool ready);
/** The application offers no energy (SuspendedEVSE while a transaction runs). */
void ocpp_station_evse_paused(ocpp_station_t *st, uint8_t c, bool paused);
/** A fault or its end; c may be 0. info and vendor code are checked by the caller. */
void ocpp_station_fault(ocpp_station_t *st, uint8_t c, ocpp_fault_t error, const char *info,
                        const char *vendor_error_code);
/** An id tag presented; connector 0: the station chooses.
 *  @return OCPP_OK, OCPP_ERR_BUSY, OCPP_ERR_STATE (see ocpp_cp_present_id()). */
ocpp_status_t ocpp_station_present_id(ocpp_station_t *st, uint8_t connector, const char *tag);

/* ---- transactions ---- */

/** Can a transaction start on c (operative, no fault, none running, room
 *  in the outbox for its messages, no reset under way)? */
bool ocpp_station_can_start(const ocpp_station_t *st, uint8_t c);
/** Connector for a tag when the caller gave 0 (tag NULL: any free one); 0 if none. */
uint8_t ocpp_station_pick_connector(const ocpp_station_t *st, const char *tag);
/** `tag` is authorized on c: start now if plugged, else wait for the plug. */
void ocpp_station_set_authorized(ocpp_station_t *st, uint8_t c, const char *tag,
                                 const char *parent);
/** Stop the transaction on c, if one runs. tag: who stopped it, or NULL. */
void ocpp_station_tx_stop(ocpp_station_t *st, uint8_t c, ocpp_stop_reason_t reason,
                          const char *tag);
/** The CSMS answered the start of transaction `ref`: its id, and the
 *  authorization of its tag (parent may be NULL). */
void ocpp_station_tx_confirmed(ocpp_station_t *st, uint16_t ref, int32_t tx_id,
                               ocpp_auth_status_t status, const char *parent);
/** The connector whose transaction has the CSMS id tx_id, 0 if none. */
uint8_t ocpp_station_find_tx(const ocpp_station_t *st, int32_t tx_id);
/** Change the availability of c. @return true if scheduled after the transaction. */
bool ocpp_station_set_operative(ocpp_station_t *st, uint8_t c, bool operative);
/** A reset is under way: no new transaction (closing), every transaction stopped. */
void ocpp_station_close(ocpp_station_t *st, ocpp_stop_reason_t reason);
/** Running transactions. */
uint8_t ocpp_station_running(const ocpp_station_t *st);

/* ---- authorization ---- */

/** Begin authorizing `tag` for a start on c (cache, offline rules; else
 *  OCPP_STATION_EV_AUTH_NEEDED: the adapter asks the CSMS).
 *  @return OCPP_OK or OCPP_ERR_BUSY (one is in progress). */
ocpp_status_t ocpp_station_authorize_start(ocpp_station_t *st, uint8_t c, const char *tag);
/** The CSMS's answer for st->auth_tag: status and parentIdTag ("" if none). */
void ocpp_station_auth_decided(ocpp_station_t *st, ocpp_auth_status_t status, const char *parent);
/** The CSMS could not be asked (no answer): decide as offline. */
void ocpp_station_auth_offline(ocpp_station_t *st);
/** An idTagInfo from the CSMS: into the cache (if enabled), unless the tag
 *  is on the Local Authorization List; if it is and the statuses differ,
 *  connector 0 gets the warning LocalListConflict (§3.5.2). */
void ocpp_station_cache_update(ocpp_station_t *st, const char *tag, ocpp_auth_status_t status,
                               const char *parent, int64_t expiry);
/** Clear the cache. */
void ocpp_station_cache_clear(ocpp_station_t *st);

/** Register the Local Authorization List (OCPP 1.6 §3.5.2): asked before
 *  the cache for every authorization (§3.5.3: "Local Authorization List
 *  entries as having priority over Authorization Cache entries"), and a tag
 *  it knows never goes into the cache. list_find may be NULL (no list). */
void ocpp_station_set_list(ocpp_station_t *st,
                           bool (*list_find)(void *ctx, const char *tag, ocpp_auth_entry_t *out),
                           void *ctx);

/* ---- reservations (OCPP 1.6 §5.13) ----
 * Compiled in with OCPP_CONFIG_PROFILE_RESERVATION (the module that makes
 * them); without it nothing is reserved (ocpp_station_reserve() does
 * nothing, ocpp_station_resv_allows() allows). Likewise the list of
 * ocpp_station_set_list() with OCPP_CONFIG_PROFILE_LOCAL_AUTH. */

/** Reserve c (0: any connector, one stays free for it) for `tag` (or a tag
 *  with parentIdTag `parent`, may be NULL) until `expiry` (unix s). The
 *  caller checked that c may be reserved. Sets resv_dirty. */
void ocpp_station_reserve(ocpp_station_t *st, uint8_t c, int32_t id, int64_t expiry,
                          const char *tag, const char *parent);
/** End the reservation of c (expired, cancelled): a change of availability
 *  that waited for it happens now (§4.9 G8). Sets resv_dirty. */
void ocpp_station_unreserve(ocpp_station_t *st, uint8_t c);
/** May `tag` (parentIdTag `parent`, may be NULL or "") start on c, given
 *  the reservations: c's own, and one of connector 0 that needs a free
 *  connector? */
bool ocpp_station_resv_allows(const ocpp_station_t *st, uint8_t c, const char *tag,
                              const char *parent);

/* ---- meter ---- */

/** Read the meter of c into s[0..OCPP_CONFIG_METER_SAMPLES_MAX). @return count. */
size_t ocpp_station_read_meter(const ocpp_station_t *st, uint8_t c, ocpp_sample_t *s);
/** Energy.Active.Import.Register of c in Wh, 0 if unknown. */
int32_t ocpp_station_meter_wh(const ocpp_station_t *st, uint8_t c);
/** The register of a sample set in Wh, or -1 if it has none. */
int32_t ocpp_station_samples_wh(const ocpp_sample_t *s, size_t n);
/** A reading of c was sent: it is what a power loss would stop the
 *  transaction with (persisted with the adapter's next outbox write). */
void ocpp_station_note_reading(ocpp_station_t *st, uint8_t c, const ocpp_sample_t *s, size_t n);

/* ---- persistence (station_store.c) ---- */

/** Write the outbox record with the transaction records of every connector. */
void ocpp_station_save(ocpp_station_t *st);

#endif /* OCPP_STATION_H */
