/**
 * @file v201.c
 * @brief The OCPP 2.0.1 adapter's entry points (v201.h): the session's
 *        hooks, the dispatch of CSMS requests, station events, init.
 *
 * Requests from the CSMS are dispatched by action name over the OCPP 2.0.1
 * action list (ocpp_rpc_dispatch_named(), OCPP-J 2.0.1 spellings):
 * GetVariables (B06), SetVariables (B05) and Reset (B11, B12) are handled;
 * any other 2.0.1 action is answered NotSupported, a name that is no 2.0.1
 * action NotImplemented (OCPP-J 2.0.1 §4.3 Table 8). While the CSMS has
 * Rejected the station, every request gets CALLERROR SecurityError
 * (B03.FR.08) - provided the session passes it on (see session.h).
 */
#include <string.h>

#include "session/session.h"
#include "station/station.h"
#include "v201/v201_internal.h"

#if OCPP_CONFIG_OCPP201

/** The requests answered (sorted by name). */
static const ocpp_rpc_named_handler_t handlers[] = {
    {"GetVariables", ocpp_v201_get_variables},
    {"Reset", ocpp_v201_reset},
    {"SetVariables", ocpp_v201_set_variables},
};

static void answer(void *ctx, const struct ocpp_rpc_frame *f, ocpp_jw_t *w)
{
    ocpp_v201_t *a = ctx;
    if (a->ss->conn == OCPP_CP_REJECTED) {
        /* B03.FR.08: "Charging Station SHALL respond with RPC Framework:
         * CALLERROR:SecurityError". */
        (void)ocpp_rpc_write_error_d(w, f->id, f->id_len, OCPP_RPC_ERR_SECURITY,
                                     "not accepted by the CSMS", OCPP_RPC_DIALECT_201);
        return;
    }
    (void)ocpp_rpc_dispatch_named(handlers, sizeof handlers / sizeof handlers[0], a, f, w,
                                  OCPP_RPC_DIALECT_201);
}

static void send_due(void *ctx)
{
    ocpp_v201_send_due(ctx);
}

static void idle(void *ctx)
{
    /* The transmit buffer is free: a ResetResponse is out. */
    ocpp_v201_reset_run(ctx);
}

static void on_result(void *ctx, uint8_t owner, uint8_t kind, const ocpp_json_value_t *payload)
{
    (void)owner;
    ocpp_v201_on_result(ctx, kind, payload);
}

static void on_failed(void *ctx, uint8_t owner, uint8_t kind, ocpp_status_t why)
{
    (void)owner;
    ocpp_v201_on_failed(ctx, kind, why);
}

static uint32_t next_due(const void *ctx, uint32_t now_ms)
{
    return ocpp_v201_next_due(ctx, now_ms);
}

static void on_conn(void *ctx, ocpp_cp_conn_t conn)
{
    ocpp_v201_on_conn(ctx, conn);
}

const ocpp_session_proto_t ocpp_v201_session_proto = {
    .subprotocol = "ocpp2.0.1", /* OCPP-J 2.0.1 §3.1.2 */
    .dialect = (uint8_t)OCPP_RPC_DIALECT_201,
    .answer = answer,
    .send_due = send_due,
    .idle = idle,
    .on_result = on_result,
    .on_failed = on_failed,
    .next_due = next_due,
    .on_conn = on_conn,
};

void ocpp_v201_init(ocpp_v201_t *a, const ocpp_v201_services_t *s)
{
    a->st = s->st;
    a->ss = s->ss;
    a->cb = s->cb;
    a->config = s->config;
    a->storage = s->storage;
    a->log = s->log;
    ocpp_v201_vars_init(a);
}

void ocpp_v201_on_event(void *ctx, const ocpp_station_event_t *ev)
{
    ocpp_v201_t *a = ctx;
    if (ev->kind == OCPP_STATION_EV_STATUS) {
        ocpp_v201_status_event(a, ev->connector);
    } else if (ev->kind == OCPP_STATION_EV_AUTH_NEEDED) {
        /* Authorize (C01) is not implemented for 2.0.1: the station decides
         * as when the CSMS cannot be asked, rather than wait forever. */
        ocpp_station_auth_offline(a->st);
    }
}

void ocpp_v201_tick(ocpp_v201_t *a)
{
    /* B12.FR.01: an OnIdle reset waits for the transactions' end. */
    if (a->reset == V201_RESET_ON_IDLE && !ocpp_session_busy(a->ss)) {
        ocpp_v201_reset_run(a);
    }
}

uint32_t ocpp_v201_tick_due(const ocpp_v201_t *a)
{
    /* An OnIdle reset runs once no CALL is out and the transactions are
     * over; the last one may have ended after this poll's tick. */
    return a->reset == V201_RESET_ON_IDLE && !ocpp_session_busy(a->ss) &&
                   ocpp_station_running(a->st) == 0u
               ? 0u
               : UINT32_MAX;
}

#endif /* OCPP_CONFIG_OCPP201 */
