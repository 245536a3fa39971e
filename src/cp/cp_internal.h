/**
 * @file cp_internal.h
 * @brief Private interface between the charge-point session engine
 *        (src/cp/) and the OCPP 1.6 message handlers (src/v16/).
 */
#ifndef OCPP_CP_INTERNAL_H
#define OCPP_CP_INTERNAL_H

#include "ocpp/ocpp_config_defaults.h"
#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_port.h"
#include "rpc/rpc.h"

/**
 * Forward a printf-style message to the charge point's log port (none: dropped).
 * The library never formats text itself (the port's log function does), so a
 * port without logging pulls in no printf. One call passes `cp` instead of
 * the port and its context (smaller code per message); CP_LOG* above
 * OCPP_CONFIG_LOG_LEVEL cost no code.
 */
void ocpp_cp_log(const ocpp_cp_t *cp, ocpp_log_level_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#if OCPP_CONFIG_LOG_LEVEL >= 1
#define CP_LOGE(cp, ...) ocpp_cp_log((cp), OCPP_LOG_ERROR, __VA_ARGS__)
#else
#define CP_LOGE(cp, ...) ((void)(cp))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 2
#define CP_LOGW(cp, ...) ocpp_cp_log((cp), OCPP_LOG_WARN, __VA_ARGS__)
#else
#define CP_LOGW(cp, ...) ((void)(cp))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 3
#define CP_LOGI(cp, ...) ocpp_cp_log((cp), OCPP_LOG_INFO, __VA_ARGS__)
#else
#define CP_LOGI(cp, ...) ((void)(cp))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 4
#define CP_LOGD(cp, ...) ocpp_cp_log((cp), OCPP_LOG_DEBUG, __VA_ARGS__)
#else
#define CP_LOGD(cp, ...) ((void)(cp))
#endif

/** Wrap-safe "a is at or after b" for uint32 millisecond stamps. */
static inline int ocpp_cp_due(uint32_t now, uint32_t at)
{
    return (int32_t)(now - at) >= 0;
}

/** Emit an event to the application, if it listens. */
void ocpp_cp_emit(ocpp_cp_t *cp, ocpp_cp_event_kind_t kind, const char *text, size_t len);

/** Change the connection state (and tell the application). */
void ocpp_cp_set_conn(ocpp_cp_t *cp, ocpp_cp_conn_t conn);

/** A configuration key changed (remotely or locally): tell the application
 *  and apply side effects (keep-alive, reconnect for new credentials). */
void ocpp_cp_config_applied(ocpp_cp_t *cp, const char *key);

/** Set the wall clock from a CSMS timestamp (unix seconds). */
void ocpp_cp_clock_set(ocpp_cp_t *cp, int64_t unix_s);

/**
 * Start a CALL: writes `[2,"<new id>","<action>",` into the transmit buffer
 * and returns the writer positioned for the payload object.
 */
void ocpp_cp_call_begin(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_rpc_action_t action);

/** Finish the message in `w` and queue it for sending as CALL `kind`. */
ocpp_status_t ocpp_cp_call_end(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_cp_call_t kind);

/** Emit an event about a connector (value: kind-specific). */
void ocpp_cp_emit_conn(ocpp_cp_t *cp, ocpp_cp_event_kind_t kind, uint8_t connector, int32_t value,
                       const char *text);

/** True when requests may go to the CSMS (registration Accepted, link up). */
bool ocpp_cp_online(const ocpp_cp_t *cp);

/* ---- src/cp/connector.c: connector state machine, authorization, transactions ---- */

/** Set every connector to its power-on state (operative, Available). */
void ocpp_cp_connectors_init(ocpp_cp_t *cp);

/** Derive the status and permission of connector c from its state; report changes. */
void ocpp_cp_update(ocpp_cp_t *cp, uint8_t c);

/** Timers (ConnectionTimeOut, metering, MaxEnergyOnInvalidId), persistence, reset. */
void ocpp_cp_tick(ocpp_cp_t *cp);

/** Can a new transaction start on connector c (operative, no fault, none running)? */
bool ocpp_cp_can_start(const ocpp_cp_t *cp, uint8_t c);

/** Connector for an idTag when the caller gave 0; 0 if none fits. */
uint8_t ocpp_cp_pick_connector(const ocpp_cp_t *cp, const char *tag);

/** Begin authorizing `tag` for starting on c (cache, offline rules, Authorize.req). */
ocpp_status_t ocpp_cp_authorize_start(ocpp_cp_t *cp, uint8_t c, const char *tag);

/** `tag` is authorized for connector c: start now if plugged, else wait for the plug. */
void ocpp_cp_set_authorized(ocpp_cp_t *cp, uint8_t c, const char *tag, const char *parent);

/** Stop the transaction on c (queue StopTransaction). tag may be NULL. */
void ocpp_cp_tx_stop(ocpp_cp_t *cp, uint8_t c, ocpp_stop_reason_t reason, const char *tag);

/**
 * The answer to our Authorize.req (from_csms) or the offline decision:
 * status and parentIdTag ("" if none) of cp->auth_tag.
 */
void ocpp_cp_auth_decided(ocpp_cp_t *cp, ocpp_auth_status_t status, const char *parent);

/** Our Authorize.req failed (no answer): decide as offline. */
void ocpp_cp_auth_offline(ocpp_cp_t *cp);

/** The idTagInfo of a StartTransaction.conf for transaction `ref`. */
void ocpp_cp_tx_confirmed(ocpp_cp_t *cp, uint16_t ref, int32_t tx_id, ocpp_auth_status_t status,
                          const char *parent);

/** Apply a ChangeAvailability to connector c. @return true if scheduled. */
bool ocpp_cp_set_operative(ocpp_cp_t *cp, uint8_t c, bool operative);

/** s is valid UTF-8 (RFC 8259 §8.1: JSON text is UTF-8). */
bool ocpp_cp_utf8_ok(const char *s);

/** Text that goes into a message as a CiStringN: valid UTF-8, no control
 *  characters, at most max_chars characters. */
bool ocpp_cp_text_ok(const char *s, size_t max_chars);

/** True if error code e is a fault (not a warning), see ocpp_cp_fault(). */
bool ocpp_cp_is_fault(ocpp_cp_error_t e);

/* ---- src/v16/tx.c: transaction-related messages, Authorize, metering ---- */

/** Queue StartTransaction for the transaction just started on c. */
void ocpp_v16_queue_start(ocpp_cp_t *cp, uint8_t c);

/** Queue StopTransaction for the transaction on c. tag may be NULL. */
void ocpp_v16_queue_stop(ocpp_cp_t *cp, uint8_t c, ocpp_stop_reason_t reason, const char *tag);

/** Queue StopTransaction (PowerLoss) for the transaction of c restored from
 *  storage: meterStop and time of its last persisted reading. */
void ocpp_v16_queue_stop_lost(ocpp_cp_t *cp, uint8_t c);

/** True if the queue can take the StartTransaction and StopTransaction of
 *  one more transaction (with the room of the running ones kept). */
bool ocpp_v16_queue_has_room(const ocpp_cp_t *cp);

/** Metering contexts used by the library (ReadingContext, OCPP 1.6 §7.33). */
typedef enum {
    OCPP_V16_CTX_PERIODIC = 0,
    OCPP_V16_CTX_CLOCK,
    OCPP_V16_CTX_TRIGGER,
    OCPP_V16_CTX_BEGIN,
    OCPP_V16_CTX_END
} ocpp_v16_ctx_t;

/** Queue a MeterValues of connector c (measurands `mask`) as transaction-related. */
void ocpp_v16_queue_meter(ocpp_cp_t *cp, uint8_t c, uint32_t mask, ocpp_v16_ctx_t ctx);
/** A clock-aligned reading of connector c (0..n): MeterValues of
 *  MeterValuesAlignedData, and the StopTxnAlignedData values kept for the
 *  running transaction's StopTransaction. */
void ocpp_v16_queue_aligned(ocpp_cp_t *cp, uint8_t c);

/** Meter register (Energy.Active.Import.Register) of c in Wh, 0 if unknown. */
int32_t ocpp_v16_meter_wh(ocpp_cp_t *cp, uint8_t c);

/** Send the next CP-initiated CALL of tx.c, if one is due. @return true if sent. */
bool ocpp_v16_send_tx_due(ocpp_cp_t *cp);

/** Result/failure of a CALL of tx.c (Authorize, queue head, triggered MeterValues, DataTransfer).
 */
void ocpp_v16_tx_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload);
void ocpp_v16_tx_failed(ocpp_cp_t *cp, ocpp_status_t why);

/* ---- src/v16/ops.c: CS-initiated operations ---- */

ocpp_rpc_err_t ocpp_v16_on_remote_start(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                        const char **desc);
ocpp_rpc_err_t ocpp_v16_on_remote_stop(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                       const char **desc);
ocpp_rpc_err_t ocpp_v16_on_reset(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                 const char **desc);
ocpp_rpc_err_t ocpp_v16_on_unlock(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                  const char **desc);
ocpp_rpc_err_t ocpp_v16_on_change_availability(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                               const char **desc);
ocpp_rpc_err_t ocpp_v16_on_clear_cache(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                       const char **desc);
ocpp_rpc_err_t ocpp_v16_on_data_transfer(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc);
ocpp_rpc_err_t ocpp_v16_on_trigger(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                   const char **desc);

/* ---- src/v16/core.c: Core profile messages ---- */

/** Send the next due CP-initiated CALL, if any (called when none is outstanding). */
void ocpp_v16_send_due(ocpp_cp_t *cp);

/** A CALLRESULT for our outstanding CALL arrived. */
void ocpp_v16_on_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload);

/** Our outstanding CALL failed (CALLERROR, timeout, or connection lost). */
void ocpp_v16_on_call_failed(ocpp_cp_t *cp, ocpp_status_t why);

/** The handler table for CS-initiated CALLs, and its length. */
extern const ocpp_rpc_handler_entry_t ocpp_v16_handlers[];
extern const size_t ocpp_v16_handler_count;

/** Earliest time something in v16 needs a poll (for ocpp_cp_next_wakeup_ms). */
uint32_t ocpp_v16_next_due_ms(const ocpp_cp_t *cp, uint32_t now_ms);

#endif /* OCPP_CP_INTERNAL_H */
