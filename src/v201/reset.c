/**
 * @file reset.c
 * @brief Reset (OCPP 2.0.1 B11 without, B12 with an ongoing transaction).
 *
 * The station resets through the application's callback
 * ocpp_cp_callbacks_t.reset, called once the ResetResponse is out (the
 * session's idle hook): Immediate is a hard reset (reboot now), OnIdle a
 * soft one (restart the application). 2.0.1 has no hard/soft distinction;
 * both reboot, and the BootNotificationRequest of the next start says
 * RemoteReset (B01.FR.09, B11.FR.04): the reason is persisted in the
 * record "v201vars" before the callback.
 *
 *   - evseId given: Rejected (B11.FR.09, B12.FR.09: resetting one EVSE is
 *     not supported);
 *   - no reset callback: Rejected (B11.FR.06: "not able to perform a reset");
 *   - OnIdle while a transaction runs in the station model: Scheduled
 *     (B12.FR.01); the reset follows when none runs any more. OCPP 2.0.1
 *     transactions (TransactionEvent) are not implemented, so in 2.0.1 mode
 *     none normally runs;
 *   - Immediate while a transaction runs: Accepted (B12.FR.02), the
 *     station stops them (ocpp_station_close(), reason HardReset: energy
 *     stops) before the reset; the TransactionEventRequest (Ended) of
 *     B12.FR.04 is not sent (not implemented);
 *   - otherwise Accepted (B11.FR.01, B11.FR.03).
 */
#include "session/session.h"
#include "station/station.h"
#include "util/log.h"
#include "v201/v201_internal.h"

#if OCPP_CONFIG_OCPP201

static void answer(ocpp_jw_t *w, const char *status)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", status);
    ocpp_jw_obj_close(w);
}

ocpp_rpc_err_t ocpp_v201_reset(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                               const char **desc)
{
    static const char *const types[] = {"Immediate", "OnIdle"};
    ocpp_v201_t *a = ctx;
    size_t type = 0;
    int64_t evse = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(payload, "type", true, types, 2u, &type, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_int(payload, "evseId", false, INT32_MIN, INT32_MAX, &evse, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    if (ocpp_rpc_has(payload, "evseId") || a->cb == NULL || a->cb->reset == NULL) {
        answer(w, "Rejected");
        return OCPP_RPC_OK;
    }
    bool running = ocpp_station_running(a->st) > 0u;
    if (type == 1u && running) {
        a->reset = V201_RESET_ON_IDLE;
        answer(w, "Scheduled");
        return OCPP_RPC_OK;
    }
    if (running) {
        ocpp_station_close(a->st, OCPP_STOP_HARD_RESET);
    }
    a->reset = type == 0u ? V201_RESET_HARD : V201_RESET_SOFT;
    answer(w, "Accepted");
    return OCPP_RPC_OK;
}

void ocpp_v201_reset_run(ocpp_v201_t *a)
{
    if (a->reset == V201_RESET_ON_IDLE && ocpp_station_running(a->st) == 0u) {
        a->reset = V201_RESET_SOFT; /* B12.FR.01: the transactions have ended */
    }
    if (a->reset != V201_RESET_SOFT && a->reset != V201_RESET_HARD) {
        return;
    }
    bool hard = a->reset == V201_RESET_HARD;
    a->reset = V201_RESET_NONE;
    LOGI(&a->log, "%s reset", hard ? "hard" : "soft");
    (void)ocpp_v201_vars_save(a, true); /* the next boot says RemoteReset */
    if (a->cb != NULL && a->cb->reset != NULL) {
        a->cb->reset(a->cb->ctx, hard);
    }
}

#endif /* OCPP_CONFIG_OCPP201 */
