/**
 * @file station.c
 * @brief The station model (see station.h): connector state machine (OCPP
 *        1.6 §4.9, §7.7), hardware inputs, authorization decisions (§3.5,
 *        §4.1) and the life cycle of transactions (§4.8, §4.10).
 */
#include <string.h>

#include "model/authcache.h"
#include "station/station.h"
#include "store/txqueue.h"
#include "util/log.h"
#include "util/text.h"

#define AVAIL_RECORD "availability"
#define CACHE_NAME   "authorization cache" /* in the log lines */

/* Reservations (OCPP 1.6 §5.13) and the Local Authorization List (§3.5.2)
 * are made only by the 1.6 modules of those profiles (ocpp_station_reserve(),
 * ocpp_station_set_list()). A build without a profile can have no reservation
 * or list, so its checks fold away at compile time (flash of the Core +
 * Remote Trigger build); a build with it is unchanged. */
#define HAVE_RESV   OCPP_CONFIG_PROFILE_RESERVATION
#define HAVE_LIST   OCPP_CONFIG_PROFILE_LOCAL_AUTH
#define RESERVED(k) (HAVE_RESV && (k)->reserved)

/* ------------------------------------------------------------------------ */
/* Events                                                                    */
/* ------------------------------------------------------------------------ */

void ocpp_station_app_event(const ocpp_station_t *st, ocpp_cp_event_kind_t kind, uint8_t c,
                            int32_t value, const char *text, size_t len)
{
    if (st->cb->on_event == NULL) {
        return;
    }
    ocpp_cp_event_t ev = {.kind = kind,
                          .conn = (ocpp_cp_conn_t)st->conn,
                          .connector = c,
                          .value = value,
                          .text = text,
                          .len = len};
    ev.unix_time = ocpp_station_time(st);
    st->cb->on_event(st->cb->ctx, &ev);
}

void ocpp_station_session_event(void *ctx, const ocpp_cp_event_t *ev)
{
    ocpp_station_t *st = ctx;
    st->conn = (uint8_t)ev->conn;
    if (ev->kind == OCPP_CP_EV_CONNECTION) {
        st->online = ev->conn == OCPP_CP_ACCEPTED;
    }
    if (st->cb->on_event != NULL) {
        ocpp_cp_event_t e = *ev;
        e.unix_time = ocpp_station_time(st);
        st->cb->on_event(st->cb->ctx, &e);
    }
}

/** The application's event for a station event (OCPP_CP_EV_ + 1: none).
 *  TX_STARTED (value -1) and TX_CONFIRMED (the id) come with the
 *  transaction's tag as text from tx_start() and ocpp_station_tx_confirmed(). */
static const uint8_t k_app_kind[] = {
    [OCPP_STATION_EV_STATUS] = OCPP_CP_EV_STATUS + 1,
    [OCPP_STATION_EV_AUTHORIZED] = OCPP_CP_EV_AUTHORIZED + 1,
    [OCPP_STATION_EV_AUTH_REJECTED] = OCPP_CP_EV_AUTH_REJECTED + 1,
    [OCPP_STATION_EV_TX_STARTED] = OCPP_CP_EV_TX_STARTED + 1,
    [OCPP_STATION_EV_TX_CONFIRMED] = OCPP_CP_EV_TX_STARTED + 1,
    [OCPP_STATION_EV_TX_STOPPED] = OCPP_CP_EV_TX_STOPPED + 1,
    [OCPP_STATION_EV_AUTH_NEEDED] = 0,
};

void ocpp_station_emit(ocpp_station_t *st, const ocpp_station_event_t *ev)
{
    uint8_t c = ev->connector;
    const ocpp_cp_callbacks_t *cb = st->cb;
    st->adapter(st->adapter_ctx, ev);
    if (ev->kind == OCPP_STATION_EV_PERMIT) {
        if (cb->permit != NULL) {
            cb->permit(cb->ctx, c, ev->value != 0);
        }
        return;
    }
    if (ev->kind == OCPP_STATION_EV_UNLOCK) {
        if (cb->unlock != NULL) {
            (void)cb->unlock(cb->ctx, c);
        }
        return;
    }
    _Static_assert(sizeof k_app_kind == OCPP_STATION_EV_AUTH_NEEDED + 1, "every kind");
    if (k_app_kind[ev->kind] == 0u) {
        return;
    }
    const char *text = ev->text;
    int32_t value = ev->value;
    if (ev->kind == OCPP_STATION_EV_STATUS) {
        text = ocpp_connector_status_str((ocpp_connector_status_t)value);
    } else if (ev->kind == OCPP_STATION_EV_TX_STOPPED) {
        text = st->conns[c].tag; /* the transaction's, not the one that stopped it */
    }
    ocpp_station_app_event(st, (ocpp_cp_event_kind_t)(k_app_kind[ev->kind] - 1u), c, value, text,
                           text != NULL ? strlen(text) : 0u);
}

static void emit(ocpp_station_t *st, ocpp_station_ev_kind_t kind, uint8_t c, int32_t value,
                 const char *text)
{
    ocpp_station_event_t ev = {.kind = kind, .connector = c, .value = value, .text = text};
    ev.unix_time = ocpp_station_time(st);
    ocpp_station_emit(st, &ev);
}

/* ------------------------------------------------------------------------ */
/* Clock                                                                     */
/* ------------------------------------------------------------------------ */

int64_t ocpp_station_time(const ocpp_station_t *st)
{
    if (st->clock_unix == 0) {
        return 0;
    }
    return st->clock_unix + (int64_t)((st->now_ms - st->clock_ms) / 1000u);
}

int64_t ocpp_station_time_ms(const ocpp_station_t *st)
{
    if (st->clock_unix == 0) {
        return 0;
    }
    return st->clock_unix * 1000 + (int64_t)(st->now_ms - st->clock_ms);
}

uint32_t ocpp_station_ms_until(const ocpp_station_t *st, int64_t unix_s, uint32_t now_ms)
{
    if (st->clock_unix == 0) {
        return UINT32_MAX;
    }
    /* (now_ms - clock_ms: the uint32 difference, as in ocpp_station_time_ms()) */
    int64_t left = (unix_s - st->clock_unix) * 1000 - (int64_t)(uint32_t)(now_ms - st->clock_ms);
    return left <= 0 ? 0u : (left >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)left);
}

void ocpp_station_set_time_ms(ocpp_station_t *st, int64_t unix_s, uint16_t ms)
{
    if (unix_s > 0) {
        /* clock_unix is the second that began ms ago: the fraction is kept */
        st->clock_unix = unix_s;
        st->clock_ms = st->now_ms - (ms > 999u ? 999u : ms);
    }
}

void ocpp_station_set_time(ocpp_station_t *st, int64_t unix_s)
{
    ocpp_station_set_time_ms(st, unix_s, 0);
}

/** Now as unix seconds and their milliseconds (0, 0: clock not set). */
static void time_parts(const ocpp_station_t *st, int64_t *unix_s, uint16_t *ms)
{
    int64_t t = ocpp_station_time_ms(st);
    *unix_s = t / 1000;
    *ms = (uint16_t)(t % 1000);
}

void ocpp_station_set_now(ocpp_station_t *st, uint32_t now_ms)
{
    st->now_ms = now_ms;
    /* Keep clock_ms recent so that the uint32 wrap never matters. */
    uint32_t elapsed = now_ms - st->clock_ms;
    if (st->clock_unix != 0 && elapsed >= 1000u) {
        uint32_t s = elapsed / 1000u;
        st->clock_unix += (int64_t)s;
        st->clock_ms += s * 1000u;
    }
}

void ocpp_station_start(ocpp_station_t *st, uint32_t now_ms)
{
    /* Before the first poll the time was 0: what was stamped then happened
     * at the first poll's time (a first poll may come after days of uptime). */
    st->clock_ms += now_ms;
    for (ocpp_station_conn_t *k = st->conns, *end = &st->conns[st->n]; k <= end; k++) {
        k->changed_ms += now_ms;
        k->authorized_ms += now_ms;
        k->meter_saved_ms += now_ms;
    }
    st->now_ms = now_ms;
}

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

bool ocpp_station_is_fault(ocpp_fault_t e)
{
    switch (e) {
    case OCPP_FAULT_NONE:
    case OCPP_FAULT_EV_COMMUNICATION_ERROR:
    case OCPP_FAULT_LOCAL_LIST_CONFLICT:
    case OCPP_FAULT_READER_FAILURE:
    case OCPP_FAULT_RESET_FAILURE:
    case OCPP_FAULT_WEAK_SIGNAL: return false;
    default: return true;
    }
}

static ocpp_connector_status_t derive(const ocpp_station_t *st, uint8_t c)
{
    const ocpp_station_conn_t *k = &st->conns[c];
    if (ocpp_station_is_fault(k->error)) {
        return OCPP_CONNECTOR_FAULTED;
    }
    if (c == 0u) {
        return k->operative ? OCPP_CONNECTOR_AVAILABLE : OCPP_CONNECTOR_UNAVAILABLE;
    }
    if (k->tx) {
        /* §4.9: "If charging is suspended both by the EV and the EVSE, status
         * SuspendedEVSE SHALL have precedence over status SuspendedEV." */
        if (!k->tx_allowed || k->evse_paused || ocpp_station_is_fault(st->conns[0].error)) {
            return OCPP_CONNECTOR_SUSPENDED_EVSE;
        }
        return (k->plugged && k->ev_ready) ? OCPP_CONNECTOR_CHARGING : OCPP_CONNECTOR_SUSPENDED_EV;
    }
    if (!k->operative || !st->conns[0].operative) {
        return OCPP_CONNECTOR_UNAVAILABLE;
    }
    if (k->finishing) {
        return OCPP_CONNECTOR_FINISHING;
    }
    if (RESERVED(k) && !k->plugged && !k->authorized) {
        return OCPP_CONNECTOR_RESERVED;
    }
    return (k->plugged || k->authorized) ? OCPP_CONNECTOR_PREPARING : OCPP_CONNECTOR_AVAILABLE;
}

static bool permitted(const ocpp_station_t *st, uint8_t c)
{
    const ocpp_station_conn_t *k = &st->conns[c];
    return c > 0u && k->tx && k->tx_allowed && !ocpp_station_is_fault(k->error) &&
           !ocpp_station_is_fault(st->conns[0].error);
}

void ocpp_station_update(ocpp_station_t *st, uint8_t c)
{
    ocpp_station_conn_t *k = &st->conns[c];
    bool p = permitted(st, c);
    if (c > 0u && k->permit_out != p) {
        k->permit_out = p;
        /* The application may call back into the station from here (a relay
         * weld stops the transaction): everything below is derived afresh
         * after the event, never from a value computed before it. */
        emit(st, OCPP_STATION_EV_PERMIT, c, p ? 1 : 0, NULL);
    }
    ocpp_connector_status_t s = derive(st, c);
    if (s != k->status) {
        k->status = s;
        k->changed_ms = st->now_ms;
        time_parts(st, &k->changed_unix, &k->changed_frac);
        emit(st, OCPP_STATION_EV_STATUS, c, (int32_t)s, NULL);
    }
}

static void update_all(ocpp_station_t *st)
{
    for (unsigned c = 0; c <= st->n; c++) {
        ocpp_station_update(st, (uint8_t)c);
    }
}

/* ------------------------------------------------------------------------ */
/* Availability (persisted)                                                  */
/* ------------------------------------------------------------------------ */

static void load_availability(ocpp_station_t *st)
{
    uint8_t buf[OCPP_CONFIG_MAX_CONNECTORS + 1];
    if (st->storage == NULL) {
        return;
    }
    int32_t n = st->storage->read(st->storage->ctx, AVAIL_RECORD, buf, sizeof buf);
    for (int32_t i = 0; i < n && i <= (int32_t)st->n; i++) {
        st->conns[i].operative = buf[i] != (uint8_t)'0';
    }
    /* Only what was loaded can make a status other than Available. */
    for (unsigned c = 0; c <= st->n; c++) {
        st->conns[c].status = derive(st, (uint8_t)c);
    }
}

/** The outcome r of a write of the availability or the cache (its dirty
 *  flag): on a failure kept dirty (a change answered Accepted is not lost)
 *  and retried in 10 s, not on every poll; counted in
 *  ocpp_cp_queue_info().store_errors. */
static void saved(ocpp_station_t *st, ocpp_status_t r, bool *dirty, const char *what)
{
    if (r == OCPP_OK) {
        *dirty = false;
        return;
    }
    st->outbox->store_errors++;
    st->persist_failed_ms = st->now_ms;
    st->persist_failed = true;
    LOGE(&st->log, "saving %s failed: retried in 10 s", what);
}

bool ocpp_station_set_operative(ocpp_station_t *st, uint8_t c, bool operative)
{
    ocpp_station_conn_t *k = &st->conns[c];
    if ((k->tx || (RESERVED(k) && c > 0u)) && !operative) {
        /* §5.2: "When a transaction is in progress Charge Point SHALL respond
         * with availability status 'Scheduled'". A reserved connector too:
         * it becomes Unavailable when the reservation ends (§4.9 G8). */
        k->sched_change = true;
        k->sched_operative = operative;
        return true;
    }
    k->sched_change = false;
    if (k->operative != operative) {
        k->operative = operative;
        st->avail_dirty = true;
    }
    if (!operative && c > 0u) {
        k->authorized = false;
    }
    update_all(st);
    return false;
}

void ocpp_station_init(ocpp_station_t *st, const ocpp_station_init_t *in)
{
    st->n = in->connectors;
    st->adapter = in->adapter;
    st->adapter_ctx = in->adapter_ctx;
    st->cb = in->cb;
    st->storage = in->storage;
    st->outbox = in->outbox;
    st->log = in->log;
    st->last_auth = OCPP_AUTH_INVALID;
    _Static_assert(OCPP_CONNECTOR_AVAILABLE == 0, "zeroed connectors are Available");
    for (unsigned c = 0; c <= st->n; c++) {
        ocpp_station_conn_t *k = &st->conns[c];
        k->operative = true;
        k->tx_id = -1;
    }
    load_availability(st);
    if (st->storage != NULL && ocpp_auth_cache_load(&st->cache, st->storage, in->scratch,
                                                    in->scratch_cap) == OCPP_ERR_PARSE) {
        LOGW(&st->log, "stored %s unusable", CACHE_NAME);
    }
}

/* ------------------------------------------------------------------------ */
/* Meter                                                                     */
/* ------------------------------------------------------------------------ */

size_t ocpp_station_read_meter(const ocpp_station_t *st, uint8_t c, ocpp_sample_t *s)
{
    if (st->cb->read_meter == NULL) {
        return 0u;
    }
    size_t n = st->cb->read_meter(st->cb->ctx, c, s, OCPP_CONFIG_METER_SAMPLES_MAX);
    return n > OCPP_CONFIG_METER_SAMPLES_MAX ? OCPP_CONFIG_METER_SAMPLES_MAX : n;
}

static int32_t to_wh(const ocpp_sample_t *s)
{
    if (s->value < 0) {
        return 0;
    }
    uint64_t v = (uint64_t)s->value;
    for (uint8_t i = 0; i < s->scale && i < 9u; i++) {
        (void)ocpp_u64_divmod(&v, 10u);
    }
    return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

int32_t ocpp_station_samples_wh(const ocpp_sample_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i].measurand == OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER &&
            s[i].phase == OCPP_PHASE_NONE) {
            return to_wh(&s[i]);
        }
    }
    return -1;
}

int32_t ocpp_station_meter_wh(const ocpp_station_t *st, uint8_t c)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    size_t n = ocpp_station_read_meter(st, c, s);
    int32_t wh = ocpp_station_samples_wh(s, n);
    return wh >= 0 ? wh : 0;
}

void ocpp_station_note_reading(ocpp_station_t *st, uint8_t c, const ocpp_sample_t *s, size_t n)
{
    ocpp_station_conn_t *k = &st->conns[c];
    int32_t wh = ocpp_station_samples_wh(s, n);
    if (c > 0u && k->tx && wh >= 0) {
        k->meter_last = wh;
        k->meter_last_unix = ocpp_station_time(st);
        k->meter_saved_ms = st->now_ms;
    }
}

/* ------------------------------------------------------------------------ */
/* Reservations (OCPP 1.6 §5.13)                                             */
/* ------------------------------------------------------------------------ */

#if HAVE_RESV
static bool tag_is(const char *a, const char *b)
{
    return a != NULL && b != NULL && a[0] != '\0' && b[0] != '\0' && ocpp_id_tag_eq(a, b);
}
#endif

/** §5.13: "the incoming idTag or the parent idTag match the idTag or parent
 *  idTag of the reservation" (parent may be NULL: not known). */
static bool resv_match(const ocpp_station_conn_t *r, const char *tag, const char *parent)
{
#if HAVE_RESV
    return tag_is(tag, r->resv_tag) || tag_is(tag, r->resv_parent) || tag_is(parent, r->resv_tag) ||
           tag_is(parent, r->resv_parent);
#else
    (void)r;
    (void)tag;
    (void)parent;
    return false;
#endif
}

void ocpp_station_reserve(ocpp_station_t *st, uint8_t c, int32_t id, int64_t expiry,
                          const char *tag, const char *parent)
{
#if HAVE_RESV
    ocpp_station_conn_t *k = &st->conns[c];
    k->reserved = true;
    k->resv_id = id;
    k->resv_expiry = expiry;
    memset(k->resv_tag, 0, sizeof k->resv_tag); /* zero-padded: stored as they are */
    memset(k->resv_parent, 0, sizeof k->resv_parent);
    ocpp_text_copy(k->resv_tag, sizeof k->resv_tag, tag);
    ocpp_text_copy(k->resv_parent, sizeof k->resv_parent, parent);
    st->resv_dirty = true;
    ocpp_station_update(st, c);
#else
    (void)st;
    (void)c;
    (void)id;
    (void)expiry;
    (void)tag;
    (void)parent;
#endif
}

void ocpp_station_unreserve(ocpp_station_t *st, uint8_t c)
{
    ocpp_station_conn_t *k = &st->conns[c];
    if (!k->reserved) {
        return;
    }
    k->reserved = false;
    st->resv_dirty = true;
    if (k->sched_change && !k->tx) {
        (void)ocpp_station_set_operative(st, c, k->sched_operative); /* §4.9 G8 */
    }
    ocpp_station_update(st, c);
}

bool ocpp_station_resv_allows(const ocpp_station_t *st, uint8_t c, const char *tag,
                              const char *parent)
{
    const ocpp_station_conn_t *z = &st->conns[0];
    if (!HAVE_RESV) {
        return true; /* nothing can be reserved */
    }
    if (st->conns[c].reserved) {
        return resv_match(&st->conns[c], tag, parent);
    }
    if (!z->reserved || resv_match(z, tag, parent)) {
        return true;
    }
    /* §5.13, connector 0: "make sure that at any time during the validity of
     * the reservation, one connector remains available for the reserved
     * idTag". */
    for (unsigned j = 1; j <= st->n; j++) {
        if (j != c && st->conns[j].status == OCPP_CONNECTOR_AVAILABLE) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                              */
/* ------------------------------------------------------------------------ */

uint8_t ocpp_station_running(const ocpp_station_t *st)
{
    uint8_t n = 0;
    for (unsigned c = 1; c <= st->n; c++) {
        n = (uint8_t)(n + (st->conns[c].tx ? 1u : 0u));
    }
    return n;
}

bool ocpp_station_can_start(const ocpp_station_t *st, uint8_t c)
{
    const ocpp_station_conn_t *k = &st->conns[c];
    return c > 0u && !k->tx && k->operative && st->conns[0].operative && !st->closing &&
           !ocpp_station_is_fault(k->error) && !ocpp_station_is_fault(st->conns[0].error) &&
           ocpp_txq_tx_room(st->outbox, ocpp_station_running(st));
}

static void tx_start(ocpp_station_t *st, uint8_t c)
{
    ocpp_station_conn_t *k = &st->conns[c];
    k->authorized = false;
    k->finishing = false;
    k->interrupted = false;
    k->tx = true;
    k->tx_allowed = true;
    k->tx_id = -1;
    if (++st->next_ref == 0u) {
        st->next_ref = 1u;
    }
    k->tx_ref = st->next_ref;
    /* §5.13: "A reservation SHALL be terminated on the Charge Point when ...
     * a transaction is started for the reserved idTag or parent idTag and on
     * the reserved connector or any connector when the reserved connectorId
     * is 0"; its id goes into StartTransaction.req. */
#if HAVE_RESV
    uint8_t r = k->reserved ? c : 0u;
    k->tx_resv = r != 0u || (st->conns[0].reserved && resv_match(&st->conns[0], k->tag, k->parent));
    if (k->tx_resv) {
        k->tx_resv_id = st->conns[r].resv_id;
        st->conns[r].reserved = false;
        st->resv_dirty = true;
    }
#endif
    k->meter_start = ocpp_station_meter_wh(st, c);
    time_parts(st, &k->tx_start_unix, &k->tx_start_frac);
    k->meter_last = k->meter_start;
    k->meter_last_unix = k->tx_start_unix;
    k->meter_saved_ms = st->now_ms;
    /* The adapter queues the start message and persists the record with the
     * transaction running, before the permission below (station.h). */
    emit(st, OCPP_STATION_EV_TX_STARTED, c, -1, k->tag);
    ocpp_station_update(st, c);
}

void ocpp_station_tx_stop(ocpp_station_t *st, uint8_t c, ocpp_stop_reason_t reason, const char *tag)
{
    ocpp_station_conn_t *k = &st->conns[c];
    if (!k->tx) {
        return;
    }
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    ocpp_station_event_t ev = {.kind = OCPP_STATION_EV_TX_STOPPED,
                               .connector = c,
                               .value = (int32_t)reason,
                               .text = tag,
                               .samples = s};
    ev.n_samples = ocpp_station_read_meter(st, c, s);
    ev.meter_wh = ocpp_station_samples_wh(s, ev.n_samples);
    ev.meter_wh = ev.meter_wh >= 0 ? ev.meter_wh : 0;
    time_parts(st, &ev.unix_time, &ev.unix_ms);
    /* Not running any more in the same persisted write that queues the end
     * message (the adapter's, on this event). */
    k->tx = false;
    k->tx_allowed = false;
    k->ev_disconnected = false;
    k->finishing = k->plugged;
    ocpp_station_emit(st, &ev);
    k->authorized = false; /* also the "limited by MaxEnergyOnInvalidId" mark */
    k->tag[0] = '\0';
    k->parent[0] = '\0';
    /* §4.10: "As part of the normal transaction termination, the Charge
     * Point SHALL unlock the cable (if not permanently attached)." A
     * DeAuthorized stop keeps it locked (§3.5.4); EV-side disconnects follow
     * UnlockConnectorOnEVSideDisconnect (see ocpp_station_plugged()). */
    if (reason == OCPP_STOP_LOCAL || reason == OCPP_STOP_REMOTE) {
        emit(st, OCPP_STATION_EV_UNLOCK, c, 0, NULL);
    }
    if (k->sched_change) {
        (void)ocpp_station_set_operative(st, c, k->sched_operative);
    }
    ocpp_station_update(st, c);
}

void ocpp_station_tx_confirmed(ocpp_station_t *st, uint16_t ref, int32_t tx_id,
                               ocpp_auth_status_t status, const char *parent)
{
    for (unsigned c = 1; c <= st->n; c++) {
        ocpp_station_conn_t *k = &st->conns[c];
        if (!k->tx || k->tx_ref != ref) {
            continue;
        }
        k->tx_id = tx_id;
        if (parent != NULL && parent[0] != '\0') {
            ocpp_text_copy(k->parent, sizeof k->parent, parent);
        }
        emit(st, OCPP_STATION_EV_TX_CONFIRMED, (uint8_t)c, tx_id, k->tag);
        if (status != OCPP_AUTH_ACCEPTED) {
            /* §4.8 (errata v4.0, 3.17): "when StopTransactionOnInvalidId is
             * set to true: stop the transaction ... Reason ... DeAuthorized
             * ... when ... false: only stop energy delivery". */
            if (st->set.stop_on_invalid_id) {
                ocpp_station_tx_stop(st, (uint8_t)c, OCPP_STOP_DEAUTHORIZED, NULL);
            } else if (st->set.max_energy_on_invalid_id <= 0 ||
                       ocpp_station_meter_wh(st, (uint8_t)c) - k->meter_start >=
                           st->set.max_energy_on_invalid_id) {
                k->tx_allowed = false;
            } else {
                k->authorized = true; /* marks "limited by MaxEnergyOnInvalidId" */
            }
        }
        ocpp_station_update(st, (uint8_t)c);
    }
}

uint8_t ocpp_station_find_tx(const ocpp_station_t *st, int32_t tx_id)
{
    for (unsigned c = 1; c <= st->n; c++) {
        if (st->conns[c].tx && st->conns[c].tx_id != -1 && st->conns[c].tx_id == tx_id) {
            return (uint8_t)c;
        }
    }
    return 0u;
}

void ocpp_station_close(ocpp_station_t *st, ocpp_stop_reason_t reason)
{
    st->closing = true;
    for (unsigned c = 1; c <= st->n; c++) {
        ocpp_station_tx_stop(st, (uint8_t)c, reason, NULL);
    }
}

/* ------------------------------------------------------------------------ */
/* Authorization                                                             */
/* ------------------------------------------------------------------------ */

/** A cache entry is valid: Accepted and not expired. With the clock not
 *  set, an entry with an expiryDate cannot be shown to be valid. */
static bool entry_valid(const ocpp_auth_entry_t *e, int64_t now)
{
    return e->status == (uint8_t)OCPP_AUTH_ACCEPTED &&
           !(e->expiry > 0 && (now <= 0 || now > e->expiry));
}

/** The status a cache entry stands for now (Expired when its time passed). */
static ocpp_auth_status_t entry_status(const ocpp_auth_entry_t *e, int64_t now)
{
    if (entry_valid(e, now)) {
        return OCPP_AUTH_ACCEPTED;
    }
    return e->status == (uint8_t)OCPP_AUTH_ACCEPTED ? OCPP_AUTH_EXPIRED
                                                    : (ocpp_auth_status_t)e->status;
}

static const ocpp_auth_entry_t *cache_find(ocpp_station_t *st, const char *tag)
{
    if (!st->set.cache_enabled) {
        return NULL;
    }
    return ocpp_auth_cache_lookup(&st->cache, tag, ocpp_station_time(st));
}

/** The list's entry of tag (copied into *tmp), else the cache's; NULL if neither. */
static const ocpp_auth_entry_t *local_find(ocpp_station_t *st, const char *tag,
                                           ocpp_auth_entry_t *tmp)
{
    if (HAVE_LIST && st->list_find != NULL && st->list_find(st->list_ctx, tag, tmp)) {
        return tmp;
    }
    return cache_find(st, tag);
}

void ocpp_station_set_list(ocpp_station_t *st,
                           bool (*list_find)(void *ctx, const char *tag, ocpp_auth_entry_t *out),
                           void *ctx)
{
    st->list_find = HAVE_LIST ? list_find : NULL;
    st->list_ctx = ctx;
}

void ocpp_station_cache_update(ocpp_station_t *st, const char *tag, ocpp_auth_status_t status,
                               const char *parent, int64_t expiry)
{
    ocpp_auth_entry_t listed;
    if (tag == NULL || tag[0] == '\0') {
        return;
    }
    if (HAVE_LIST && st->list_find != NULL && st->list_find(st->list_ctx, tag, &listed)) {
        /* §3.5.3: "Identifiers known in the Local Authorization List SHALL NOT
         * be added to the Authorization Cache." §3.5.2: "Conflicts between the
         * local authorization list and the validity reported in, for
         * instance, a StartTransaction.conf ... the Charge Point SHALL inform
         * the Central System by sending a StatusNotification with ConnectorId
         * set to 0, and ErrorCode set to 'LocalListConflict'" (a warning:
         * not over a fault of connector 0; the next list update clears it). */
        if (entry_status(&listed, ocpp_station_time(st)) != status &&
            st->conns[0].error == OCPP_FAULT_NONE) {
            ocpp_station_fault(st, 0, OCPP_FAULT_LOCAL_LIST_CONFLICT, NULL, NULL);
        }
    } else if (st->set.cache_enabled) {
        ocpp_auth_cache_update(&st->cache, tag, status, parent, expiry);
    }
}

void ocpp_station_cache_clear(ocpp_station_t *st)
{
    ocpp_auth_cache_clear(&st->cache);
}

void ocpp_station_set_authorized(ocpp_station_t *st, uint8_t c, const char *tag, const char *parent)
{
    ocpp_station_conn_t *k = &st->conns[c];
    ocpp_text_copy(k->tag, sizeof k->tag, tag);
    ocpp_text_copy(k->parent, sizeof k->parent, parent);
    k->authorized = true;
    k->authorized_ms = st->now_ms;
    if (k->plugged && ocpp_station_can_start(st, c)) {
        tx_start(st, c);
    } else {
        ocpp_station_update(st, c);
    }
}

void ocpp_station_auth_decided(ocpp_station_t *st, ocpp_auth_status_t status, const char *parent)
{
    uint8_t c = st->auth_connector;
    ocpp_station_auth_t purpose = st->auth;
    ocpp_station_conn_t *k = &st->conns[c];
    st->auth = OCPP_STATION_AUTH_NONE;
    st->last_auth = status;
    bool ok = status == OCPP_AUTH_ACCEPTED;
    if (purpose == OCPP_STATION_AUTH_STOP) {
        /* §3.10 / §4.1: another card may stop the transaction when it has the
         * same parentIdTag. */
        ok = ok && k->tx && parent != NULL && parent[0] != '\0' && k->parent[0] != '\0' &&
             ocpp_id_tag_eq(parent, k->parent);
    } else if (purpose == OCPP_STATION_AUTH_START) {
        /* §5.13: "refuse charging for all incoming idTags on the reserved
         * connector, except when the incoming idTag or the parent idTag match
         * the idTag or parent idTag of the reservation." */
        ok = ok && ocpp_station_can_start(st, c) &&
             ocpp_station_resv_allows(st, c, st->auth_tag, parent);
    } else {
        return;
    }
    if (!ok) {
        emit(st, OCPP_STATION_EV_AUTH_REJECTED, c, (int32_t)status, st->auth_tag);
        return;
    }
    emit(st, OCPP_STATION_EV_AUTHORIZED, c, (int32_t)status, st->auth_tag);
    if (purpose == OCPP_STATION_AUTH_STOP) {
        ocpp_station_tx_stop(st, c, OCPP_STOP_LOCAL, st->auth_tag);
    } else {
        ocpp_station_set_authorized(st, c, st->auth_tag, parent);
    }
}

/** Decide offline, with the list's or the cache's entry e of the tag (NULL: unknown). */
static void decide_offline(ocpp_station_t *st, const ocpp_auth_entry_t *e)
{
    /* §3.5: LocalAuthorizeOffline lets the list and the cache decide; §3.5.4:
     * an unknown id may be allowed with AllowOfflineTxForUnknownId, but
     * "Identifiers that are present in a Local Authorization List that have a
     * status other than "Accepted" ... MUST be rejected. Identifiers that were
     * valid but are apparently expired due to passage of time MUST also be
     * rejected". */
    int64_t now = ocpp_station_time(st);
    if (e != NULL && (st->set.local_authorize_offline || !entry_valid(e, now))) {
        /* A tag the cache knows as not valid (Blocked, Invalid, Expired, or
         * past its expiryDate) is no "unknown" tag: refused whatever
         * AllowOfflineTxForUnknownId says (issue 12 defect 9). */
        ocpp_station_auth_decided(st, entry_status(e, now), e->parent);
    } else if (st->auth == OCPP_STATION_AUTH_START && st->set.allow_offline_unknown) {
        ocpp_station_auth_decided(st, OCPP_AUTH_ACCEPTED, "");
    } else {
        ocpp_station_auth_decided(st, OCPP_AUTH_INVALID, "");
    }
}

void ocpp_station_auth_offline(ocpp_station_t *st)
{
    ocpp_auth_entry_t tmp;
    decide_offline(st, local_find(st, st->auth_tag, &tmp));
}

static void auth_begin(ocpp_station_t *st, uint8_t c, const char *tag, ocpp_station_auth_t p)
{
    st->auth = p;
    st->auth_connector = c;
    ocpp_text_copy(st->auth_tag, sizeof st->auth_tag, tag);
}

/** The CSMS is to decide: the adapter sends its request. */
static void auth_ask(ocpp_station_t *st)
{
    emit(st, OCPP_STATION_EV_AUTH_NEEDED, st->auth_connector, 0, st->auth_tag);
}

/**
 * Begin the authorization of tag on c for p: the list's or the cache's entry
 * decides when it may (start: LocalPreAuthorize; stop with another card: the
 * same parentIdTag), offline the offline rules, else the CSMS.
 */
static ocpp_status_t authorize(ocpp_station_t *st, uint8_t c, const char *tag,
                               ocpp_station_auth_t p)
{
    if (st->auth != OCPP_STATION_AUTH_NONE) {
        return OCPP_ERR_BUSY;
    }
    auth_begin(st, c, tag, p);
    ocpp_auth_entry_t tmp;
    const ocpp_auth_entry_t *e = local_find(st, tag, &tmp);
    bool valid = e != NULL && entry_valid(e, ocpp_station_time(st));
    bool stop = p == OCPP_STATION_AUTH_STOP;
    if (valid && (stop ? e->parent[0] != '\0' && ocpp_id_tag_eq(e->parent, st->conns[c].parent)
                       : st->online && st->set.local_pre_authorize)) {
        /* §3.5: LocalPreAuthorize: start "without waiting for an
         * authorization response from the Central System". */
        ocpp_station_auth_decided(st, OCPP_AUTH_ACCEPTED, e->parent);
    } else if (st->online) {
        auth_ask(st);
    } else if (stop) {
        ocpp_station_auth_decided(st, e != NULL ? (ocpp_auth_status_t)e->status : OCPP_AUTH_INVALID,
                                  "");
    } else {
        decide_offline(st, e);
    }
    return OCPP_OK;
}

ocpp_status_t ocpp_station_authorize_start(ocpp_station_t *st, uint8_t c, const char *tag)
{
    return authorize(st, c, tag, OCPP_STATION_AUTH_START);
}

static ocpp_status_t present_for_stop(ocpp_station_t *st, uint8_t c, const char *tag)
{
    ocpp_station_conn_t *k = &st->conns[c];
    if (ocpp_id_tag_eq(tag, k->tag)) {
        /* §4.1: "the Charge Point SHALL only send an Authorization.req when
         * the identifier used for stopping the transaction is different from
         * the identifier that started the transaction." */
        st->last_auth = OCPP_AUTH_ACCEPTED;
        emit(st, OCPP_STATION_EV_AUTHORIZED, c, OCPP_AUTH_ACCEPTED, tag);
        ocpp_station_tx_stop(st, c, OCPP_STOP_LOCAL, tag);
        return OCPP_OK;
    }
    return authorize(st, c, tag, OCPP_STATION_AUTH_STOP);
}

uint8_t ocpp_station_pick_connector(const ocpp_station_t *st, const char *tag)
{
    uint8_t plugged = 0, free_c = 0;
    for (unsigned c = 1; c <= st->n; c++) {
        const ocpp_station_conn_t *k = &st->conns[c];
        if (k->tx && tag != NULL && ocpp_id_tag_eq(tag, k->tag)) {
            return (uint8_t)c;
        }
        if (RESERVED(k) && tag != NULL && resv_match(k, tag, NULL) &&
            ocpp_station_can_start(st, (uint8_t)c)) {
            return (uint8_t)c; /* the connector reserved for this tag */
        }
        if (ocpp_station_can_start(st, (uint8_t)c) && !k->finishing && !k->authorized) {
            if (k->plugged && plugged == 0u) {
                plugged = (uint8_t)c;
            } else if (!k->plugged && !RESERVED(k) && free_c == 0u) {
                free_c = (uint8_t)c;
            }
        }
    }
    return plugged != 0u ? plugged : free_c;
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

ocpp_status_t ocpp_station_present_id(ocpp_station_t *st, uint8_t connector, const char *tag)
{
    uint8_t c = connector != 0u ? connector : ocpp_station_pick_connector(st, tag);
    if (c == 0u) {
        return OCPP_ERR_STATE;
    }
    if (st->conns[c].tx) {
        return present_for_stop(st, c, tag);
    }
    if (!ocpp_station_can_start(st, c)) {
        return OCPP_ERR_STATE;
    }
    ocpp_status_t r = ocpp_station_authorize_start(st, c, tag);
    if (r == OCPP_OK && st->auth != OCPP_STATION_AUTH_NONE && st->conns[c].finishing) {
        /* §4.9 F2 (Finishing -> Preparing): "User restart charging session
         * (e.g. reconnects cable, presents idTag again), thereby creating a
         * new Transaction". */
        st->conns[c].finishing = false;
        ocpp_station_update(st, c);
    }
    if (r == OCPP_OK) {
        /* A card for "any connector" while none is plugged in: the user has
         * not chosen yet; the first connector plugged in takes it. */
        st->floating = (connector == 0u && !st->conns[c].plugged) ? c : 0u;
    }
    return r;
}

/**
 * Connector `to` was plugged in: if a floating authorization waits on another
 * connector that is still unplugged, move it (pending or decided) to `to`.
 */
static void take_floating(ocpp_station_t *st, uint8_t to)
{
    uint8_t from = st->floating;
    st->floating = 0u;
    ocpp_station_conn_t *f = &st->conns[from];
    ocpp_station_conn_t *t = &st->conns[to];
    if (from == 0u || from == to || f->plugged || f->tx || t->authorized || t->tx ||
        !ocpp_station_can_start(st, to)) {
        return;
    }
    if (st->auth == OCPP_STATION_AUTH_START && st->auth_connector == from) {
        st->auth_connector = to; /* the answer is still to come */
    } else if (f->authorized) {
        ocpp_text_copy(t->tag, sizeof t->tag, f->tag);
        ocpp_text_copy(t->parent, sizeof t->parent, f->parent);
        t->authorized = true;
        t->authorized_ms = f->authorized_ms;
        f->authorized = false;
        f->tag[0] = '\0';
        f->parent[0] = '\0';
        ocpp_station_update(st, from);
    }
}

void ocpp_station_plugged(ocpp_station_t *st, uint8_t c, bool plugged)
{
    ocpp_station_conn_t *k = &st->conns[c];
    if (k->plugged == plugged) {
        return;
    }
    k->plugged = plugged;
    if (!plugged || k->tx) {
        k->interrupted = false;
    }
    if (!plugged) {
        k->ev_ready = false;
        k->finishing = false;
        if (k->tx && st->set.stop_on_ev_disconnect) {
            /* §4.10: "By setting StopTransactionOnEVSideDisconnect to true,
             * the transaction SHALL be stopped when the cable is disconnected
             * from the EV. ... If UnlockConnectorOnEVSideDisconnect is set to
             * true, also the Connector on the Charge Point will be unlocked." */
            ocpp_station_tx_stop(st, c, OCPP_STOP_EV_DISCONNECTED, NULL);
            if (st->set.unlock_on_ev_disconnect) {
                emit(st, OCPP_STATION_EV_UNLOCK, c, 0, NULL);
            }
        } else if (k->tx) {
            k->ev_disconnected = true;
        }
    } else {
        k->ev_disconnected = false;
        /* §7.7 Finishing: "When a Transaction has stopped at a Connector, but
         * the Connector is not yet available for a new user, e.g. the cable
         * has not been removed": the cable of a transaction a power loss
         * stopped is still in after the restart. */
        k->finishing = k->finishing || k->interrupted;
        take_floating(st, c);
        if (k->authorized && !k->tx && ocpp_station_can_start(st, c)) {
            tx_start(st, c);
            return;
        }
    }
    ocpp_station_update(st, c);
}

void ocpp_station_ev_ready(ocpp_station_t *st, uint8_t c, bool ready)
{
    st->conns[c].ev_ready = ready && st->conns[c].plugged;
    ocpp_station_update(st, c);
}

void ocpp_station_evse_paused(ocpp_station_t *st, uint8_t c, bool paused)
{
    st->conns[c].evse_paused = paused;
    ocpp_station_update(st, c);
}

void ocpp_station_fault(ocpp_station_t *st, uint8_t c, ocpp_fault_t error, const char *info,
                        const char *vendor_error_code)
{
    ocpp_station_conn_t *k = &st->conns[c];
    bool clear = error == OCPP_FAULT_NONE;
    ocpp_text_copy(k->info, sizeof k->info, clear ? NULL : info);
    ocpp_text_copy(k->vendor_error, sizeof k->vendor_error, clear ? NULL : vendor_error_code);
    if (k->error != error) {
        k->error = error;
        k->changed_ms = st->now_ms;
        time_parts(st, &k->changed_unix, &k->changed_frac);
        emit(st, OCPP_STATION_EV_ERROR, c, (int32_t)error, NULL);
    }
    update_all(st);
}

/* ------------------------------------------------------------------------ */
/* Timers                                                                    */
/* ------------------------------------------------------------------------ */

static void tick_connector(ocpp_station_t *st, uint8_t c)
{
    ocpp_station_conn_t *k = &st->conns[c];
    uint32_t timeout = st->set.connection_timeout_s * 1000u;
    if (!k->tx) {
        if (timeout == 0u) {
            return; /* no timer runs (the caller checked that one may) */
        }
        if (k->authorized && st->now_ms - k->authorized_ms >= timeout) {
            /* §9.1.6 ConnectionTimeOut (errata 3.77): "Interval from beginning
             * of status: 'Preparing' until incipient session is automatically
             * canceled ... The Charge Point SHALL go back to the original
             * state". */
            k->authorized = false;
            k->tag[0] = '\0';
            ocpp_station_update(st, c);
        }
        bool auth_here = st->auth != OCPP_STATION_AUTH_NONE && st->auth_connector == c;
        if (k->status == OCPP_CONNECTOR_PREPARING && k->plugged && !k->authorized && !k->tx &&
            !auth_here && st->now_ms - k->changed_ms >= timeout) {
            /* §4.9 B6 (Preparing -> Finishing): "Timed out. Usage was
             * initiated (e.g. insert plug ...), but idTag not presented
             * within timeout." Finishing until the cable is removed (F1). */
            k->finishing = true;
            ocpp_station_update(st, c);
        }
        return;
    }
    /* A transaction: one meter reading serves both checks. */
    int32_t wh = -1;
    if (k->authorized && k->tx_allowed) {
        wh = ocpp_station_meter_wh(st, c);
        if (wh - k->meter_start >= st->set.max_energy_on_invalid_id) {
            k->tx_allowed = false; /* §3.5.4 MaxEnergyOnInvalidId reached */
            ocpp_station_update(st, c);
        }
    }
    if (OCPP_CONFIG_TX_METER_SAVE_S > 0 && k->tx &&
        st->now_ms - k->meter_saved_ms >= (uint32_t)OCPP_CONFIG_TX_METER_SAVE_S * 1000u) {
        /* The reading a power loss would stop the transaction with (txstore.h). */
        if (wh < 0) {
            wh = ocpp_station_meter_wh(st, c);
        }
        k->meter_saved_ms = st->now_ms;
        if (wh != k->meter_last) {
            k->meter_last = wh;
            k->meter_last_unix = ocpp_station_time(st);
            ocpp_station_save(st);
        }
    }
}

void ocpp_station_tick(ocpp_station_t *st)
{
    const ocpp_station_conn_t *k = &st->conns[1];
    for (unsigned c = 1, n = st->n; c <= n; c++, k++) {
        if (k->tx || k->authorized || k->status == OCPP_CONNECTOR_PREPARING) {
            tick_connector(st, (uint8_t)c); /* a timer may run */
        }
    }
}

/** Milliseconds from now_ms until `period` after the stamp `since`. */
static uint32_t left_of(uint32_t since, uint32_t period, uint32_t now_ms)
{
    uint32_t gone = now_ms - since;
    return gone >= period ? 0u : period - gone;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Every timer of tick_connector() and ocpp_station_persist(), with the same
 * conditions. */
uint32_t ocpp_station_next_due(const ocpp_station_t *st, uint32_t now_ms)
{
    uint32_t wake = UINT32_MAX;
    if (st->avail_dirty || st->cache.dirty) {
        wake = st->persist_failed
                   ? left_of(st->persist_failed_ms, OCPP_STATION_SAVE_RETRY_MS, now_ms)
                   : 0u;
    }
    uint32_t timeout = st->set.connection_timeout_s * 1000u;
    const ocpp_station_conn_t *k = &st->conns[1];
    for (unsigned c = 1, n = st->n; c <= n; c++, k++) {
        if (k->tx) {
            if (k->authorized && k->tx_allowed) {
                wake = min_u32(wake, OCPP_STATION_ENERGY_POLL_MS);
            }
            if (OCPP_CONFIG_TX_METER_SAVE_S > 0) {
                wake =
                    min_u32(wake, left_of(k->meter_saved_ms,
                                          (uint32_t)OCPP_CONFIG_TX_METER_SAVE_S * 1000u, now_ms));
            }
            continue;
        }
        if (timeout == 0u) {
            continue;
        }
        if (k->authorized) {
            /* §9.1.6 ConnectionTimeOut after the authorization */
            wake = min_u32(wake, left_of(k->authorized_ms, timeout, now_ms));
        }
        bool auth_here = st->auth != OCPP_STATION_AUTH_NONE && st->auth_connector == c;
        if (k->status == OCPP_CONNECTOR_PREPARING && k->plugged && !k->authorized && !auth_here) {
            /* §4.9 B6: Preparing, no idTag presented in time */
            wake = min_u32(wake, left_of(k->changed_ms, timeout, now_ms));
        }
    }
    return wake;
}

void ocpp_station_persist(ocpp_station_t *st, char *scratch, size_t cap)
{
    if (st->persist_failed && st->now_ms - st->persist_failed_ms < OCPP_STATION_SAVE_RETRY_MS) {
        return; /* waiting after a failed write */
    }
    if (!st->avail_dirty && !st->cache.dirty) {
        return; /* nothing changed (the facade calls only after a change) */
    }
    st->persist_failed = false;
    const ocpp_storage_port_t *sp = st->storage; /* NULL: nothing persisted */
    for (uint8_t rec = 0; rec < 2u; rec++) {     /* the availability, then the cache */
        bool *dirty = rec == 0u ? &st->avail_dirty : &st->cache.dirty;
        if (!*dirty || (rec != 0u && scratch == NULL)) {
            continue;
        }
        ocpp_status_t r = OCPP_OK;
        if (sp != NULL && rec == 0u) {
            uint8_t buf[OCPP_CONFIG_MAX_CONNECTORS + 1];
            size_t n = (size_t)st->n + 1u;
            for (size_t i = 0; i < n; i++) {
                buf[i] = st->conns[i].operative ? (uint8_t)'1' : (uint8_t)'0';
            }
            r = st->storage->write(st->storage->ctx, AVAIL_RECORD, buf, n);
        } else if (sp != NULL) {
            r = ocpp_auth_cache_save(&st->cache, sp, scratch, cap);
        }
        saved(st, r, dirty, rec == 0u ? AVAIL_RECORD : CACHE_NAME);
    }
}
