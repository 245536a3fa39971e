/**
 * @file v16.c
 * @brief The OCPP 1.6 adapter's host: the table of registered modules, the
 *        session's hooks (dispatch of CS-initiated CALLs to the module that
 *        handles the action, answers to the module that sent the CALL, the
 *        send priority), station events to the modules.
 */
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "store/txqueue.h"
#include "store/txstore.h"
#include "util/text.h"
#include "v16/v16.h"

/** The registered modules, in send priority order. One line per module. */
/* clang-format off */
static const ocpp_v16_profile_t *const k_modules[] = {
    &ocpp_v16_core,
    &ocpp_v16_core_tx,
#if OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
    &ocpp_v16_trigger,
#endif
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    &ocpp_v16_locallist, /* compiled out: Core answers GetLocalListVersion with -1 (§5.10) */
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION
    &ocpp_v16_reservation,
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    &ocpp_v16_smart,
#endif
#if OCPP_CONFIG_PROFILE_FIRMWARE
    &ocpp_v16_firmware,
#endif
};
/* clang-format on */

#define N_MODULES ((uint8_t)(sizeof k_modules / sizeof k_modules[0]))
_Static_assert(sizeof k_modules / sizeof k_modules[0] <= 8u, "hook masks are 8 bits");

/** The module of the lowest bit set in a hook mask m != 0. With a
 *  count-trailing-zeros instruction (x86 TZCNT/BSF, RBIT + CLZ from Armv7-M
 *  on) a walk visits only the modules that have the hook. */
static inline const ocpp_v16_profile_t *low_module(unsigned m)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__) || defined(__ARM_FEATURE_CLZ))
    return k_modules[__builtin_ctz(m)];
#else
    uint8_t i = 0;
    for (; (m & 1u) == 0u; m >>= 1) {
        i++;
    }
    return k_modules[i];
#endif
}

/* ------------------------------------------------------------------------ */
/* Session hooks                                                             */
/* ------------------------------------------------------------------------ */

static void answer(void *ctx, const ocpp_rpc_frame_t *f, ocpp_jw_t *w)
{
    ocpp_v16_t *a = ctx;
    a->kick = true;
    for (uint8_t i = 0; i < N_MODULES; i++) {
        const ocpp_v16_profile_t *p = k_modules[i];
        for (uint8_t h = 0; h < p->n_handlers; h++) {
            if (p->handlers[h].action == f->action) {
                (void)ocpp_rpc_dispatch(p->handlers, p->n_handlers, a, f, w);
                return;
            }
        }
    }
    /* No module: NotImplemented (no 1.6 action) or NotSupported. */
    (void)ocpp_rpc_dispatch(NULL, 0u, a, f, w);
}

static uint32_t next_due(const void *ctx, uint32_t now_ms);

/** Ask the modules in priority order, then their background messages. A
 *  pass that sends nothing knows when the next message is due (next_due):
 *  until then, polls skip the pass unless something happened (a->kick: an
 *  event, a message, a connection change, a local input), so an idle poll
 *  costs one comparison here. */
static void send_due(void *ctx)
{
    ocpp_v16_t *a = ctx;
    uint32_t now = a->ss->now_ms;
    if (!a->kick && !V16_DUE(now, a->quiet_until_ms)) {
        return;
    }
    a->kick = false;
    /* every module's send_due, then every module's send_idle */
    bool sent = false;
    for (uint8_t bg = 0; !sent && bg < 2u; bg++) {
        for (uint8_t i = 0; !sent && i < N_MODULES; i++) {
            const ocpp_v16_profile_t *p = k_modules[i];
            sent = bg == 0u ? p->send_due != NULL && p->send_due(a)
                            : p->send_idle != NULL && p->send_idle(a);
        }
    }
    if (!ocpp_session_busy(a->ss)) {
        a->quiet_until_ms = now + next_due(a, now);
    }
}

static void idle(void *ctx)
{
    ocpp_v16_save_config(ctx);
}

static void on_result(void *ctx, uint8_t owner, uint8_t kind, const ocpp_json_value_t *payload)
{
    ocpp_v16_t *a = ctx;
    a->kick = true;
    if (owner < N_MODULES && k_modules[owner]->on_result != NULL) {
        k_modules[owner]->on_result(a, kind, payload);
    }
}

static void on_failed(void *ctx, uint8_t owner, uint8_t kind, ocpp_status_t why)
{
    ocpp_v16_t *a = ctx;
    a->kick = true;
    if (owner < N_MODULES && k_modules[owner]->on_failed != NULL) {
        k_modules[owner]->on_failed(a, kind, why);
    }
}

static uint32_t next_due(const void *ctx, uint32_t now_ms)
{
    const ocpp_v16_t *a = ctx;
    uint32_t wake = V16_IDLE_MS;
    if (a->cfg->dirty && a->save_failed) {
        /* the idle hook retries a failed write of the configuration */
        wake = ocpp_v16_until(a->save_failed_ms + OCPP_STATION_SAVE_RETRY_MS, now_ms);
    }
    for (uint8_t i = 0; i < N_MODULES; i++) {
        const ocpp_v16_profile_t *p = k_modules[i];
        if (p->next_due != NULL) {
            uint32_t w = p->next_due(a, now_ms);
            wake = w < wake ? w : wake;
        }
    }
    return wake;
}

static void on_conn(void *ctx, ocpp_cp_conn_t conn)
{
    ocpp_v16_t *a = ctx;
    a->kick = true;
    for (unsigned m = a->conn_mask; m != 0u; m &= m - 1u) {
        const ocpp_v16_profile_t *p = low_module(m);
        p->on_conn(a, conn);
    }
}

const ocpp_session_proto_t ocpp_v16_session_proto = {
    .subprotocol = "ocpp1.6",
    .dialect = (uint8_t)OCPP_RPC_DIALECT_16,
    .answer = answer,
    .send_due = send_due,
    .idle = idle,
    .on_result = on_result,
    .on_failed = on_failed,
    .next_due = next_due,
    .on_conn = on_conn,
};

/* ------------------------------------------------------------------------ */
/* Facade entry points                                                       */
/* ------------------------------------------------------------------------ */

void ocpp_v16_init(ocpp_v16_t *a, const ocpp_v16_services_t *s)
{
    a->st = s->st;
    a->ss = s->ss;
    a->cfg = s->cfg;
    a->config = s->config;
#if OCPP_CONFIG_PROFILE_FIRMWARE
    a->transfer = s->transfer;
    a->cfg->file_transfer_protocols = s->transfer != NULL ? s->transfer->protocols : NULL;
#endif
    a->profiles = k_modules;
    a->n_profiles = N_MODULES;
    a->kick = true;
    /* (in locals: a byte store through a would reload the table each turn) */
    unsigned registered = 0u, tick = 0u, event = 0u, conn = 0u, init = 0u;
    unsigned bit = 1u;
    for (const ocpp_v16_profile_t *const *m = k_modules; m < &k_modules[N_MODULES];
         m++, bit <<= 1) {
        const ocpp_v16_profile_t *p = *m;
        registered |= p->profile;
        tick |= p->tick != NULL ? bit : 0u;
        event |= p->on_event != NULL ? bit : 0u;
        conn |= p->on_conn != NULL ? bit : 0u;
        init |= p->init != NULL ? bit : 0u;
    }
    a->tick_mask = (uint8_t)tick;
    a->event_mask = (uint8_t)event;
    a->conn_mask = (uint8_t)conn;
    /* SupportedFeatureProfiles and the keys that exist follow what is
     * registered here (OCPP 1.6 §3.1, §9). */
    ocpp_cfg_set_profiles(a->cfg, (uint8_t)registered);
    /* Without storage nothing was loaded: every status is Available, as
     * zeroed (OCPP_CONNECTOR_AVAILABLE is 0). */
    const ocpp_station_conn_t *k = a->st->conns;
    for (ocpp_v16_conn_t *r = a->conns, *end = &a->conns[a->st->n];
         a->st->storage != NULL && r <= end; r++, k++) {
        r->reported = k->status;
    }
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0) {
        a->cfg->authorization_cache_enabled = false;
    }
    ocpp_v16_sync(a);
    for (unsigned m = init; m != 0u; m &= m - 1u) {
        const ocpp_v16_profile_t *p = low_module(m);
        p->init(a);
    }
    /* The outbox, and the transactions a power cut interrupted: the station
     * hands them back as events (ocpp_v16_on_event queues their stops). */
    (void)ocpp_txs_load(a->st->outbox, a->st->storage, &a->st->log, ocpp_v16_outbox_classify);
    ocpp_station_restore(a->st);
}

void ocpp_v16_start(ocpp_v16_t *a, uint32_t now_ms)
{
    /* Deadlines are compared wrap-safely, so a deadline of 0 lies in the
     * future whenever now_ms >= 2^31 (after 24.8 days of uptime). Stamps of
     * inputs before the first poll (time 0) move to its time. */
    a->core.boot_at_ms = now_ms;
    a->core.call_fail_at_ms = now_ms;
    a->tx.txq_retry_at_ms = now_ms;
    for (ocpp_v16_conn_t *r = a->conns, *end = &a->conns[a->st->n]; r <= end; r++) {
        r->sample_ms += now_ms;
    }
}

void ocpp_v16_on_event(void *ctx, const ocpp_station_event_t *ev)
{
    ocpp_v16_t *a = ctx;
    a->kick = true;
    for (unsigned m = a->event_mask; m != 0u; m &= m - 1u) {
        const ocpp_v16_profile_t *p = low_module(m);
        p->on_event(a, ev);
    }
}

void ocpp_v16_tick(ocpp_v16_t *a)
{
    for (unsigned m = a->tick_mask; m != 0u; m &= m - 1u) {
        const ocpp_v16_profile_t *p = low_module(m);
        p->tick(a); /* what it queues kicks the send pass */
    }
}

uint32_t ocpp_v16_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    uint32_t wake = V16_IDLE_MS;
    for (uint8_t i = 0; i < N_MODULES; i++) {
        const ocpp_v16_profile_t *p = k_modules[i];
        if (p->tick_due != NULL) {
            uint32_t w = p->tick_due(a, now_ms);
            wake = w < wake ? w : wake;
        }
    }
    return wake;
}
