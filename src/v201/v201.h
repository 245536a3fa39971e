/**
 * @file v201.h
 * @brief The OCPP 2.0.1 protocol adapter (layer "v201", beside "v16"):
 *        provisioning (BootNotification with its reason, Heartbeat,
 *        StatusNotification per EVSE and connector, Get/SetVariables on a
 *        small device model, Reset) on the same station model and session
 *        as OCPP 1.6. The facade (src/cp) calls these; the session reaches
 *        the adapter through ocpp_v201_session_proto.
 */
#ifndef OCPP_V201_H
#define OCPP_V201_H

#include "ocpp/ocpp_cp.h"

#if OCPP_CONFIG_OCPP201

/** The shared services the adapter works with (pointers into ocpp_cp_t). */
typedef struct {
    ocpp_station_t *st;
    ocpp_session_t *ss;
    const ocpp_cp_callbacks_t *cb;
    const ocpp_cp_config_t *config;
    const ocpp_storage_port_t *storage; /**< NULL: nothing persisted. */
    ocpp_logger_t log;
} ocpp_v201_services_t;

/** The session's hooks into the adapter (ctx: the ocpp_v201_t). */
extern const ocpp_session_proto_t ocpp_v201_session_proto;

/** Set up the adapter (before the session is initialised with its proto).
 *  @pre *a is zeroed (the facade zeroes the whole ocpp_cp_t once). */
void ocpp_v201_init(ocpp_v201_t *a, const ocpp_v201_services_t *s);

/** The station's adapter hook (ctx: the ocpp_v201_t): every station event,
 *  before the application sees it. */
void ocpp_v201_on_event(void *ctx, const ocpp_station_event_t *ev);

/** Every poll, online or not (timers). */
void ocpp_v201_tick(ocpp_v201_t *a);

/** How long until ocpp_v201_tick() has something to do (0: now;
 *  UINT32_MAX: nothing). */
uint32_t ocpp_v201_tick_due(const ocpp_v201_t *a);

/**
 * Set a device-model variable locally ("Component.Variable" or
 * "Component.Variable[Instance]", value as on the wire): ocpp_cp_key_set()
 * in 2.0.1 mode (the simulator's --config).
 * @return OCPP_KEY_ACCEPTED, OCPP_KEY_REJECTED (bad value, read-only) or
 *         OCPP_KEY_NOT_SUPPORTED (unknown variable).
 */
ocpp_key_result_t ocpp_v201_set_local(ocpp_v201_t *a, const char *name, const char *value);

/**
 * The Actual value of a device-model variable ("Component.Variable" or
 * "Component.Variable[Instance]"): ocpp_cp_key_get() in 2.0.1 mode.
 * @return OCPP_OK; OCPP_ERR_NOT_FOUND (unknown); OCPP_ERR_NOMEM (does not fit cap).
 */
ocpp_status_t ocpp_v201_get_local(const ocpp_v201_t *a, const char *name, char *out, size_t cap);

#endif /* OCPP_CONFIG_OCPP201 */

#endif /* OCPP_V201_H */
