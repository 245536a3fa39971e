/**
 * @file v201_internal.h
 * @brief What the files of the OCPP 2.0.1 adapter share (src/v201/).
 *
 * Objects in this folder form a DAG (check.layers):
 *   v201.c (session hooks, dispatch, init) -> provisioning.c (boot,
 *   heartbeat, status), reset.c -> devmodel.c (variables, persistence)
 *   -> common.c (events, CALL framing).
 */
#ifndef OCPP_V201_INTERNAL_H
#define OCPP_V201_INTERNAL_H

#include "rpc/rpc.h"
#include "v201/v201.h"

#if OCPP_CONFIG_OCPP201

/**
 * Most GetVariableData / SetVariableData elements in one request
 * (DeviceDataCtrlr.ItemsPerMessage[GetVariables|SetVariables]). Every
 * result must fit the transmit buffer in one answer: about 150 bytes each
 * for names of normal length (a larger request is answered with
 * InternalError if its answer does not fit). Possible values: 1..255.
 * Default: 8.
 */
#ifndef OCPP_CONFIG_V201_ITEMS_PER_MESSAGE
#define OCPP_CONFIG_V201_ITEMS_PER_MESSAGE 8
#endif
#if OCPP_CONFIG_V201_ITEMS_PER_MESSAGE < 1 || OCPP_CONFIG_V201_ITEMS_PER_MESSAGE > 255
#error "OCPP_CONFIG_V201_ITEMS_PER_MESSAGE must be 1..255"
#endif

/** What the outstanding CALL is (the session's `kind`). */
enum { V201_CALL_BOOT = 1, V201_CALL_HEARTBEAT, V201_CALL_STATUS };

/** BootReasonEnumType values used (ocpp_v201_t.boot_reason). */
enum {
    V201_BOOT_POWER_UP = 0, /**< "PowerUp" */
    V201_BOOT_REMOTE_RESET  /**< "RemoteReset" */
};

/** A Reset under way (ocpp_v201_t.reset). */
enum {
    V201_RESET_NONE = 0,
    V201_RESET_ON_IDLE, /**< OnIdle answered Scheduled: waits for the transactions. */
    V201_RESET_SOFT,    /**< Accepted OnIdle: reset (soft) once the answer is out. */
    V201_RESET_HARD     /**< Accepted Immediate: reset (hard) once the answer is out. */
};

/** ConnectorStatusEnumType (OCPP 2.0.1 Part 2 §3 "ConnectorStatusEnumType");
 *  0 stands for "not reported yet". */
enum {
    V201_CS_AVAILABLE = 1,
    V201_CS_OCCUPIED,
    V201_CS_RESERVED,
    V201_CS_UNAVAILABLE,
    V201_CS_FAULTED
};

/** Wait after a failed Heartbeat/StatusNotification before the next CALL. */
#define V201_CALL_RETRY_MS 10000u
/** Boot retry when the CSMS gives interval 0 or the CALL failed (B02.FR.07,
 *  B03.FR.05: "choose a waiting interval on its own"). */
#define V201_BOOT_RETRY_S 30u
/** Longest wait next_due reports. */
#define V201_IDLE_MS 60000u

/* ---- devmodel.c ---- */

/** Set the device model to its defaults and load the record "v201vars";
 *  a stored boot reason (a Reset was executed) becomes this boot's and is
 *  cleared in the record. */
void ocpp_v201_vars_init(ocpp_v201_t *a);

/** Write the record "v201vars" (the RW variables; the boot reason of the
 *  next boot when `reset_next` is true). @return OCPP_OK or the port's error. */
ocpp_status_t ocpp_v201_vars_save(ocpp_v201_t *a, bool reset_next);

/** Hand the variables the session runs on to the session. */
void ocpp_v201_vars_apply(ocpp_v201_t *a);

/** GetVariables (B06), SetVariables (B05): handlers. */
ocpp_rpc_err_t ocpp_v201_get_variables(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                                       const char **desc);
ocpp_rpc_err_t ocpp_v201_set_variables(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                                       const char **desc);

/** OCPPCommCtrlr.HeartbeatInterval from a BootNotificationResponse
 *  (B01.FR.04): applied and persisted if it changed. */
void ocpp_v201_set_heartbeat(ocpp_v201_t *a, int32_t interval_s);

/* ---- provisioning.c ---- */

/** Send one CALL if due (BootNotification, StatusNotification, Heartbeat). */
void ocpp_v201_send_due(ocpp_v201_t *a);
void ocpp_v201_on_result(ocpp_v201_t *a, uint8_t kind, const ocpp_json_value_t *payload);
void ocpp_v201_on_failed(ocpp_v201_t *a, uint8_t kind, ocpp_status_t why);
uint32_t ocpp_v201_next_due(const ocpp_v201_t *a, uint32_t now_ms);
void ocpp_v201_on_conn(ocpp_v201_t *a, ocpp_cp_conn_t conn);
/** A station status event: mark the EVSEs whose connectorStatus may change. */
void ocpp_v201_status_event(ocpp_v201_t *a, uint8_t connector);
/** The ConnectorStatusEnumType of EVSE c (1..n) now (V201_CS_*). */
uint8_t ocpp_v201_connector_status(const ocpp_station_t *st, uint8_t c);

/* ---- reset.c ---- */

/** Reset (B11, B12): handler. */
ocpp_rpc_err_t ocpp_v201_reset(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                               const char **desc);
/** The answer is out (or the station is idle): execute a reset under way. */
void ocpp_v201_reset_run(ocpp_v201_t *a);

#endif /* OCPP_CONFIG_OCPP201 */

#endif /* OCPP_V201_INTERNAL_H */
