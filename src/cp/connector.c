/**
 * @file connector.c
 * @brief The connector state machine (OCPP 1.6 §4.9, §7.7), the hardware
 *        inputs, authorization decisions (§3.5, §4.1) and the life cycle of
 *        transactions (§4.8, §4.10).
 *
 * The status of a connector is derived, never set: ocpp_cp_update() computes
 * it from the inputs (plugged, EV ready, fault), the availability, the
 * authorization and the transaction, in this order of precedence:
 *   Faulted > (transaction) SuspendedEVSE > SuspendedEV > Charging >
 *   Unavailable > Finishing > Reserved > Preparing > Available.
 * Connector 0 is Faulted, Unavailable or Available (§4.9).
 */
#include <string.h>

#include "cp/cp_internal.h"
#include "model/authcache.h"
#include "model/txqueue.h"
#include "store/txstore.h"
#include "ws/ws_internal.h"

#define AVAIL_RECORD "availability"
#define EV_SIDE_INFO "EV side disconnected"

/** Copy src into dst[0..cap), cut (if it must be) at a UTF-8 character
 *  boundary so that the result stays valid UTF-8. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    if (src != NULL) {
        while (n + 1u < cap && src[n] != '\0') {
            dst[n] = src[n];
            n++;
        }
        if (src[n] != '\0') {
            while (n > 0u && ((uint8_t)src[n] & 0xC0u) == 0x80u) {
                n--; /* src[n] continues a character: drop its start too */
            }
        }
    }
    dst[n] = '\0';
}

bool ocpp_cp_utf8_ok(const char *s)
{
    ocpp_ws_utf8_t u;
    size_t n = strlen(s);
    ocpp_utf8_init(&u);
    return ocpp_utf8_feed(&u, (const uint8_t *)s, n) && ocpp_utf8_complete(&u);
}

bool ocpp_cp_text_ok(const char *s, size_t max_chars)
{
    size_t chars = 0;
    for (const char *p = s; *p != '\0'; p++) {
        uint8_t c = (uint8_t)*p;
        if (c < 0x20u || c == 0x7Fu) {
            return false;
        }
        chars += (c & 0xC0u) != 0x80u ? 1u : 0u;
    }
    return chars <= max_chars && ocpp_cp_utf8_ok(s);
}

bool ocpp_cp_is_fault(ocpp_cp_error_t e)
{
    switch (e) {
    case OCPP_ERROR_NO_ERROR:
    case OCPP_ERROR_EV_COMMUNICATION_ERROR:
    case OCPP_ERROR_LOCAL_LIST_CONFLICT:
    case OCPP_ERROR_READER_FAILURE:
    case OCPP_ERROR_RESET_FAILURE:
    case OCPP_ERROR_WEAK_SIGNAL: return false;
    default: return true;
    }
}

bool ocpp_cp_online(const ocpp_cp_t *cp)
{
    return cp->conn == OCPP_CP_ACCEPTED && cp->transport_open;
}

static bool bad_connector(const ocpp_cp_t *cp, uint8_t c)
{
    return cp == NULL || c == 0u || c > cp->config.connectors;
}

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

static ocpp_cp_status_t derive(const ocpp_cp_t *cp, uint8_t c)
{
    const ocpp_cp_connector_t *k = &cp->conns[c];
    if (ocpp_cp_is_fault(k->error)) {
        return OCPP_STATUS_FAULTED;
    }
    if (c == 0u) {
        return k->operative ? OCPP_STATUS_AVAILABLE : OCPP_STATUS_UNAVAILABLE;
    }
    if (k->tx) {
        /* §4.9: "If charging is suspended both by the EV and the EVSE, status
         * SuspendedEVSE SHALL have precedence over status SuspendedEV." */
        if (!k->tx_allowed || ocpp_cp_is_fault(cp->conns[0].error)) {
            return OCPP_STATUS_SUSPENDED_EVSE;
        }
        return (k->plugged && k->ev_ready) ? OCPP_STATUS_CHARGING : OCPP_STATUS_SUSPENDED_EV;
    }
    if (!k->operative || !cp->conns[0].operative) {
        return OCPP_STATUS_UNAVAILABLE;
    }
    if (k->finishing) {
        return OCPP_STATUS_FINISHING;
    }
    if (k->reserved && !k->plugged && !k->authorized) {
        return OCPP_STATUS_RESERVED;
    }
    return (k->plugged || k->authorized) ? OCPP_STATUS_PREPARING : OCPP_STATUS_AVAILABLE;
}

static void set_permit(ocpp_cp_t *cp, uint8_t c, bool permit)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    if (k->permit_out != permit) {
        k->permit_out = permit;
        if (cp->cb.permit != NULL) {
            cp->cb.permit(cp->cb.ctx, c, permit);
        }
    }
}

void ocpp_cp_update(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    ocpp_cp_status_t st = derive(cp, c);
    if (c > 0u) {
        set_permit(cp, c,
                   k->tx && k->tx_allowed && !ocpp_cp_is_fault(k->error) &&
                       !ocpp_cp_is_fault(cp->conns[0].error));
    }
    if (st == k->status && k->error == k->reported_error && !k->report_needed &&
        st == k->reported) {
        return;
    }
    if (st != k->status) {
        k->status = st;
        k->changed_ms = cp->now_ms;
        k->changed_unix = ocpp_cp_time(cp);
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_STATUS, c, (int32_t)st, ocpp_cp_status_str(st));
    }
    /* §9.1 MinimumStatusDuration: a status that flips back before it was
     * reported is not reported at all. */
    k->report_needed = k->status != k->reported || k->error != k->reported_error;
}

static void update_all(ocpp_cp_t *cp)
{
    for (uint8_t c = 0; c <= cp->config.connectors; c++) {
        ocpp_cp_update(cp, c);
    }
}

ocpp_cp_status_t ocpp_cp_status(const ocpp_cp_t *cp, uint8_t connector)
{
    if (cp == NULL || connector > cp->config.connectors) {
        return OCPP_STATUS_UNAVAILABLE;
    }
    return cp->conns[connector].status;
}

/* ------------------------------------------------------------------------ */
/* Availability (ChangeAvailability, persisted)                              */
/* ------------------------------------------------------------------------ */

static void load_availability(ocpp_cp_t *cp)
{
    uint8_t buf[OCPP_CONFIG_MAX_CONNECTORS + 1];
    if (cp->ports.storage == NULL) {
        return;
    }
    int32_t n = cp->ports.storage->read(cp->ports.storage->ctx, AVAIL_RECORD, buf, sizeof buf);
    for (int32_t i = 0; i < n && i <= (int32_t)cp->config.connectors; i++) {
        cp->conns[i].operative = buf[i] != (uint8_t)'0';
    }
}

static void save_availability(ocpp_cp_t *cp)
{
    uint8_t buf[OCPP_CONFIG_MAX_CONNECTORS + 1];
    cp->avail_dirty = false;
    if (cp->ports.storage == NULL) {
        return;
    }
    size_t n = (size_t)cp->config.connectors + 1u;
    for (size_t i = 0; i < n; i++) {
        buf[i] = cp->conns[i].operative ? (uint8_t)'1' : (uint8_t)'0';
    }
    if (cp->ports.storage->write(cp->ports.storage->ctx, AVAIL_RECORD, buf, n) != OCPP_OK) {
        CP_LOGE(cp, "%s: saving availability failed", cp->config.identity);
    }
}

bool ocpp_cp_set_operative(ocpp_cp_t *cp, uint8_t c, bool operative)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    if (k->tx && !operative) {
        /* §5.2: "When a transaction is in progress Charge Point SHALL respond
         * with availability status 'Scheduled'". */
        k->sched_change = true;
        k->sched_operative = operative;
        return true;
    }
    k->sched_change = false;
    if (k->operative != operative) {
        k->operative = operative;
        cp->avail_dirty = true;
    }
    if (!operative && c > 0u) {
        k->authorized = false;
    }
    update_all(cp);
    return false;
}

void ocpp_cp_connectors_init(ocpp_cp_t *cp)
{
    for (uint8_t c = 0; c <= cp->config.connectors; c++) {
        ocpp_cp_connector_t *k = &cp->conns[c];
        k->status = OCPP_STATUS_AVAILABLE;
        k->operative = true;
        k->tx_id = -1;
        k->report_needed = true;
    }
    load_availability(cp);
    for (uint8_t c = 0; c <= cp->config.connectors; c++) {
        cp->conns[c].status = derive(cp, c);
    }
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                              */
/* ------------------------------------------------------------------------ */

bool ocpp_cp_can_start(const ocpp_cp_t *cp, uint8_t c)
{
    const ocpp_cp_connector_t *k = &cp->conns[c];
    return c > 0u && !k->tx && k->operative && cp->conns[0].operative && !cp->reset_pending &&
           !ocpp_cp_is_fault(k->error) && !ocpp_cp_is_fault(cp->conns[0].error) &&
           ocpp_v16_queue_has_room(cp);
}

static void tx_start(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    k->authorized = false;
    k->finishing = false;
    k->tx = true;
    k->tx_allowed = true;
    k->tx_id = -1;
    if (++cp->next_ref == 0u) {
        cp->next_ref = 1u;
    }
    k->tx_ref = cp->next_ref;
    k->meter_start = ocpp_v16_meter_wh(cp, c);
    k->tx_start_unix = ocpp_cp_time(cp);
    k->meter_last = k->meter_start;
    k->meter_last_unix = k->tx_start_unix;
    k->meter_saved_ms = cp->now_ms;
    k->sample_ms = cp->now_ms;
    k->n_aligned = 0;
    ocpp_v16_queue_start(cp, c);
    ocpp_cp_emit_conn(cp, OCPP_CP_EV_TX_STARTED, c, -1, k->tag);
    ocpp_cp_update(cp, c);
}

void ocpp_cp_tx_stop(ocpp_cp_t *cp, uint8_t c, ocpp_stop_reason_t reason, const char *tag)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    if (!k->tx) {
        return;
    }
    /* Not running any more in the same persisted write that queues its
     * StopTransaction (txstore.h). */
    k->tx = false;
    ocpp_v16_queue_stop(cp, c, reason, tag);
    k->tx_allowed = false;
    k->authorized = false; /* also the "limited by MaxEnergyOnInvalidId" mark */
    k->ev_disconnected = false;
    k->finishing = k->plugged;
    ocpp_cp_emit_conn(cp, OCPP_CP_EV_TX_STOPPED, c, (int32_t)reason, k->tag);
    k->tag[0] = '\0';
    k->parent[0] = '\0';
    /* §4.10: "As part of the normal transaction termination, the Charge
     * Point SHALL unlock the cable (if not permanently attached)." A
     * DeAuthorized stop keeps it locked (§3.5.4); EV-side disconnects follow
     * UnlockConnectorOnEVSideDisconnect (see ocpp_cp_plugged()). */
    if ((reason == OCPP_STOP_LOCAL || reason == OCPP_STOP_REMOTE) && cp->cb.unlock != NULL) {
        (void)cp->cb.unlock(cp->cb.ctx, c);
    }
    if (k->sched_change) {
        (void)ocpp_cp_set_operative(cp, c, k->sched_operative);
    }
    ocpp_cp_update(cp, c);
}

void ocpp_cp_tx_confirmed(ocpp_cp_t *cp, uint16_t ref, int32_t tx_id, ocpp_auth_status_t status,
                          const char *parent)
{
    for (uint8_t c = 1; c <= cp->config.connectors; c++) {
        ocpp_cp_connector_t *k = &cp->conns[c];
        if (!k->tx || k->tx_ref != ref) {
            continue;
        }
        k->tx_id = tx_id;
        if (parent != NULL && parent[0] != '\0') {
            copy_str(k->parent, sizeof k->parent, parent);
        }
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_TX_STARTED, c, tx_id, k->tag);
        if (status != OCPP_AUTH_ACCEPTED) {
            /* §4.8 (errata v4.0, 3.17): "when StopTransactionOnInvalidId is
             * set to true: stop the transaction ... Reason ... DeAuthorized
             * ... when ... false: only stop energy delivery". */
            if (cp->cfg.stop_transaction_on_invalid_id) {
                ocpp_cp_tx_stop(cp, c, OCPP_STOP_DEAUTHORIZED, NULL);
            } else if (cp->cfg.max_energy_on_invalid_id <= 0 ||
                       ocpp_v16_meter_wh(cp, c) - k->meter_start >=
                           cp->cfg.max_energy_on_invalid_id) {
                k->tx_allowed = false;
            } else {
                k->authorized = true; /* marks "limited by MaxEnergyOnInvalidId" */
            }
        }
        ocpp_cp_update(cp, c);
    }
}

/* ------------------------------------------------------------------------ */
/* Authorization                                                             */
/* ------------------------------------------------------------------------ */

static bool entry_valid(const ocpp_auth_entry_t *e, int64_t now)
{
    return e->status == (uint8_t)OCPP_AUTH_ACCEPTED && !(e->expiry > 0 && now > e->expiry);
}

static const ocpp_auth_entry_t *cache_find(ocpp_cp_t *cp, const char *tag)
{
    if (!cp->cfg.authorization_cache_enabled) {
        return NULL;
    }
    return ocpp_auth_cache_lookup(&cp->cache, tag, ocpp_cp_time(cp));
}

void ocpp_cp_set_authorized(ocpp_cp_t *cp, uint8_t c, const char *tag, const char *parent)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    copy_str(k->tag, sizeof k->tag, tag);
    copy_str(k->parent, sizeof k->parent, parent);
    k->authorized = true;
    k->authorized_ms = cp->now_ms;
    if (k->plugged && ocpp_cp_can_start(cp, c)) {
        tx_start(cp, c);
    } else {
        ocpp_cp_update(cp, c);
    }
}

void ocpp_cp_auth_decided(ocpp_cp_t *cp, ocpp_auth_status_t status, const char *parent)
{
    uint8_t c = cp->auth_connector;
    ocpp_cp_auth_purpose_t purpose = cp->auth;
    ocpp_cp_connector_t *k = &cp->conns[c];
    cp->auth = OCPP_CP_AUTH_NONE;
    cp->auth_sent = false;
    cp->last_auth = status;
    bool ok = status == OCPP_AUTH_ACCEPTED;
    if (purpose == OCPP_CP_AUTH_STOP) {
        /* §3.10 / §4.1: another card may stop the transaction when it has the
         * same parentIdTag. */
        ok = ok && k->tx && parent != NULL && parent[0] != '\0' && k->parent[0] != '\0' &&
             ocpp_id_tag_eq(parent, k->parent);
    } else if (purpose == OCPP_CP_AUTH_START) {
        ok = ok && ocpp_cp_can_start(cp, c);
    } else {
        return;
    }
    if (!ok) {
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_AUTH_REJECTED, c, (int32_t)status, cp->auth_tag);
        return;
    }
    ocpp_cp_emit_conn(cp, OCPP_CP_EV_AUTHORIZED, c, (int32_t)status, cp->auth_tag);
    if (purpose == OCPP_CP_AUTH_STOP) {
        ocpp_cp_tx_stop(cp, c, OCPP_STOP_LOCAL, cp->auth_tag);
    } else {
        ocpp_cp_set_authorized(cp, c, cp->auth_tag, parent);
    }
}

void ocpp_cp_auth_offline(ocpp_cp_t *cp)
{
    /* §3.5: LocalAuthorizeOffline lets the cache decide; §3.5.4: an unknown
     * id may be allowed with AllowOfflineTxForUnknownId, but "Identifiers
     * that were valid but are apparently expired due to passage of time MUST
     * also be rejected". */
    const ocpp_auth_entry_t *e = cache_find(cp, cp->auth_tag);
    if (e != NULL && cp->cfg.local_authorize_offline) {
        ocpp_cp_auth_decided(cp,
                             entry_valid(e, ocpp_cp_time(cp)) ? OCPP_AUTH_ACCEPTED
                                                              : (ocpp_auth_status_t)e->status,
                             e->parent);
    } else if (cp->auth == OCPP_CP_AUTH_START && cp->cfg.allow_offline_tx_for_unknown_id) {
        ocpp_cp_auth_decided(cp, OCPP_AUTH_ACCEPTED, "");
    } else {
        ocpp_cp_auth_decided(cp, OCPP_AUTH_INVALID, "");
    }
}

static void auth_begin(ocpp_cp_t *cp, uint8_t c, const char *tag, ocpp_cp_auth_purpose_t p)
{
    cp->auth = p;
    cp->auth_sent = false;
    cp->auth_connector = c;
    copy_str(cp->auth_tag, sizeof cp->auth_tag, tag);
}

ocpp_status_t ocpp_cp_authorize_start(ocpp_cp_t *cp, uint8_t c, const char *tag)
{
    if (cp->auth != OCPP_CP_AUTH_NONE) {
        return OCPP_ERR_BUSY;
    }
    auth_begin(cp, c, tag, OCPP_CP_AUTH_START);
    const ocpp_auth_entry_t *e = cache_find(cp, tag);
    if (!ocpp_cp_online(cp)) {
        ocpp_cp_auth_offline(cp);
    } else if (e != NULL && cp->cfg.local_pre_authorize && entry_valid(e, ocpp_cp_time(cp))) {
        /* §3.5: LocalPreAuthorize: start "without waiting for an
         * authorization response from the Central System". */
        ocpp_cp_auth_decided(cp, OCPP_AUTH_ACCEPTED, e->parent);
    }
    /* else: Authorize.req goes out from ocpp_v16_send_tx_due(). */
    return OCPP_OK;
}

static ocpp_status_t present_for_stop(ocpp_cp_t *cp, uint8_t c, const char *tag)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    if (ocpp_id_tag_eq(tag, k->tag)) {
        /* §4.1: "the Charge Point SHALL only send an Authorization.req when
         * the identifier used for stopping the transaction is different from
         * the identifier that started the transaction." */
        cp->last_auth = OCPP_AUTH_ACCEPTED;
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_AUTHORIZED, c, OCPP_AUTH_ACCEPTED, tag);
        ocpp_cp_tx_stop(cp, c, OCPP_STOP_LOCAL, tag);
        return OCPP_OK;
    }
    if (cp->auth != OCPP_CP_AUTH_NONE) {
        return OCPP_ERR_BUSY;
    }
    auth_begin(cp, c, tag, OCPP_CP_AUTH_STOP);
    const ocpp_auth_entry_t *e = cache_find(cp, tag);
    if (e != NULL && entry_valid(e, ocpp_cp_time(cp)) && e->parent[0] != '\0' &&
        ocpp_id_tag_eq(e->parent, k->parent)) {
        ocpp_cp_auth_decided(cp, OCPP_AUTH_ACCEPTED, e->parent);
    } else if (!ocpp_cp_online(cp)) {
        ocpp_cp_auth_decided(cp, e != NULL ? (ocpp_auth_status_t)e->status : OCPP_AUTH_INVALID, "");
    }
    return OCPP_OK;
}

uint8_t ocpp_cp_pick_connector(const ocpp_cp_t *cp, const char *tag)
{
    uint8_t plugged = 0, free_c = 0;
    for (uint8_t c = 1; c <= cp->config.connectors; c++) {
        const ocpp_cp_connector_t *k = &cp->conns[c];
        if (k->tx && tag != NULL && ocpp_id_tag_eq(tag, k->tag)) {
            return c;
        }
        if (ocpp_cp_can_start(cp, c) && !k->finishing && !k->authorized) {
            if (k->plugged && plugged == 0u) {
                plugged = c;
            } else if (!k->plugged && !k->reserved && free_c == 0u) {
                free_c = c;
            }
        }
    }
    return plugged != 0u ? plugged : free_c;
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

static bool tag_ok(const char *tag)
{
    size_t n = tag != NULL ? strlen(tag) : 0u;
    return n >= 1u && n <= OCPP_ID_TAG_MAX && ocpp_cp_text_ok(tag, OCPP_ID_TAG_MAX);
}

ocpp_status_t ocpp_cp_present_id(ocpp_cp_t *cp, uint8_t connector, const char *id_tag)
{
    if (cp == NULL || connector > cp->config.connectors || !tag_ok(id_tag)) {
        return OCPP_ERR_PARAM;
    }
    uint8_t c = connector != 0u ? connector : ocpp_cp_pick_connector(cp, id_tag);
    if (c == 0u) {
        return OCPP_ERR_STATE;
    }
    if (cp->conns[c].tx) {
        return present_for_stop(cp, c, id_tag);
    }
    if (!ocpp_cp_can_start(cp, c)) {
        return OCPP_ERR_STATE;
    }
    ocpp_status_t st = ocpp_cp_authorize_start(cp, c, id_tag);
    if (st == OCPP_OK && cp->auth != OCPP_CP_AUTH_NONE && cp->conns[c].finishing) {
        /* §4.9 F2 (Finishing -> Preparing): "User restart charging session
         * (e.g. reconnects cable, presents idTag again), thereby creating a
         * new Transaction". */
        cp->conns[c].finishing = false;
        ocpp_cp_update(cp, c);
    }
    if (st == OCPP_OK) {
        /* A card for "any connector" while none is plugged in: the user has
         * not chosen yet; the first connector plugged in takes it. */
        cp->floating = (connector == 0u && !cp->conns[c].plugged) ? c : 0u;
    }
    return st;
}

/**
 * Connector `to` was plugged in: if a floating authorization waits on another
 * connector that is still unplugged, move it (pending or decided) to `to`.
 */
static void take_floating(ocpp_cp_t *cp, uint8_t to)
{
    uint8_t from = cp->floating;
    cp->floating = 0u;
    ocpp_cp_connector_t *f = &cp->conns[from];
    ocpp_cp_connector_t *t = &cp->conns[to];
    if (from == 0u || from == to || f->plugged || f->tx || t->authorized || t->tx ||
        !ocpp_cp_can_start(cp, to)) {
        return;
    }
    if (cp->auth == OCPP_CP_AUTH_START && cp->auth_connector == from) {
        cp->auth_connector = to; /* the answer is still to come */
    } else if (f->authorized) {
        copy_str(t->tag, sizeof t->tag, f->tag);
        copy_str(t->parent, sizeof t->parent, f->parent);
        t->authorized = true;
        t->authorized_ms = f->authorized_ms;
        f->authorized = false;
        f->tag[0] = '\0';
        f->parent[0] = '\0';
        ocpp_cp_update(cp, from);
    }
}

ocpp_status_t ocpp_cp_plugged(ocpp_cp_t *cp, uint8_t connector, bool plugged)
{
    if (bad_connector(cp, connector)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_cp_connector_t *k = &cp->conns[connector];
    if (k->plugged == plugged) {
        return OCPP_OK;
    }
    k->plugged = plugged;
    if (!plugged) {
        k->ev_ready = false;
        k->finishing = false;
        if (k->tx && cp->cfg.stop_transaction_on_ev_side_disconnect) {
            /* §4.10: "By setting StopTransactionOnEVSideDisconnect to true,
             * the transaction SHALL be stopped when the cable is disconnected
             * from the EV. ... If UnlockConnectorOnEVSideDisconnect is set to
             * true, also the Connector on the Charge Point will be unlocked." */
            ocpp_cp_tx_stop(cp, connector, OCPP_STOP_EV_DISCONNECTED, NULL);
            if (cp->cfg.unlock_connector_on_ev_side_disconnect && cp->cb.unlock != NULL) {
                (void)cp->cb.unlock(cp->cb.ctx, connector);
            }
        } else if (k->tx) {
            k->ev_disconnected = true;
        }
    } else {
        k->ev_disconnected = false;
        take_floating(cp, connector);
        if (k->authorized && !k->tx && ocpp_cp_can_start(cp, connector)) {
            tx_start(cp, connector);
            return OCPP_OK;
        }
    }
    ocpp_cp_update(cp, connector);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_ev_ready(ocpp_cp_t *cp, uint8_t connector, bool ready)
{
    if (bad_connector(cp, connector)) {
        return OCPP_ERR_PARAM;
    }
    cp->conns[connector].ev_ready = ready && cp->conns[connector].plugged;
    ocpp_cp_update(cp, connector);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_stop(ocpp_cp_t *cp, uint8_t connector, ocpp_stop_reason_t reason)
{
    if (bad_connector(cp, connector) || (unsigned)reason > (unsigned)OCPP_STOP_UNLOCK_COMMAND) {
        return OCPP_ERR_PARAM;
    }
    if (!cp->conns[connector].tx) {
        return OCPP_ERR_STATE;
    }
    ocpp_cp_tx_stop(cp, connector, reason, NULL);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_fault(ocpp_cp_t *cp, uint8_t connector, ocpp_cp_error_t error,
                            const char *info, const char *vendor_error_code)
{
    if (cp == NULL || connector > cp->config.connectors ||
        (unsigned)error > (unsigned)OCPP_ERROR_WEAK_SIGNAL ||
        (info != NULL && !ocpp_cp_text_ok(info, 50u)) ||
        (vendor_error_code != NULL && !ocpp_cp_text_ok(vendor_error_code, 50u))) {
        return OCPP_ERR_PARAM; /* §6.47: info and vendorErrorCode are CiString50 */
    }
    ocpp_cp_connector_t *k = &cp->conns[connector];
    copy_str(k->info, sizeof k->info, error == OCPP_ERROR_NO_ERROR ? NULL : info);
    copy_str(k->vendor_error, sizeof k->vendor_error,
             error == OCPP_ERROR_NO_ERROR ? NULL : vendor_error_code);
    if (k->error != error) {
        k->error = error;
        k->changed_ms = cp->now_ms;
        k->changed_unix = ocpp_cp_time(cp);
        k->report_needed = true;
    }
    update_all(cp);
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_connector_info(const ocpp_cp_t *cp, uint8_t connector,
                                     ocpp_cp_connector_info_t *out)
{
    if (cp == NULL || out == NULL || connector > cp->config.connectors) {
        return OCPP_ERR_PARAM;
    }
    const ocpp_cp_connector_t *k = &cp->conns[connector];
    memset(out, 0, sizeof *out);
    out->status = k->status;
    out->error = k->error;
    out->plugged = k->plugged;
    out->ev_ready = k->ev_ready;
    out->permitted = k->permit_out;
    out->in_transaction = k->tx;
    out->transaction_id = k->tx ? k->tx_id : -1;
    copy_str(out->id_tag, sizeof out->id_tag, k->tag);
    out->meter_start_wh = k->tx ? k->meter_start : 0;
    return OCPP_OK;
}

ocpp_status_t ocpp_cp_queue_info(const ocpp_cp_t *cp, ocpp_cp_queue_info_t *out)
{
    if (cp == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    out->entries = ocpp_txq_count(&cp->txq);
    out->used_bytes = ocpp_txq_used(&cp->txq);
    out->capacity_bytes = OCPP_CONFIG_TXQ_SIZE;
    out->thinned = cp->txq.thinned;
    out->lost = cp->txq.lost;
    out->store_errors = cp->store_errors;
    return OCPP_OK;
}

ocpp_auth_status_t ocpp_cp_last_auth(const ocpp_cp_t *cp)
{
    return cp != NULL ? cp->last_auth : OCPP_AUTH_INVALID;
}

/* ------------------------------------------------------------------------ */
/* Timers                                                                    */
/* ------------------------------------------------------------------------ */

static void tick_connector(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    uint32_t timeout = (uint32_t)cp->cfg.connection_time_out * 1000u;
    if (k->authorized && !k->tx && timeout > 0u && cp->now_ms - k->authorized_ms >= timeout) {
        /* §9.1.6 ConnectionTimeOut (errata 3.77): "Interval from beginning of
         * status: 'Preparing' until incipient session is automatically
         * canceled ... The Charge Point SHALL go back to the original state". */
        k->authorized = false;
        k->tag[0] = '\0';
        ocpp_cp_update(cp, c);
    }
    bool auth_here = cp->auth != OCPP_CP_AUTH_NONE && cp->auth_connector == c;
    if (k->status == OCPP_STATUS_PREPARING && k->plugged && !k->authorized && !k->tx &&
        !auth_here && timeout > 0u && cp->now_ms - k->changed_ms >= timeout) {
        /* §4.9 B6 (Preparing -> Finishing): "Timed out. Usage was initiated
         * (e.g. insert plug ...), but idTag not presented within timeout."
         * Finishing until the cable is removed (F1). */
        k->finishing = true;
        ocpp_cp_update(cp, c);
    }
    uint32_t iv = (uint32_t)cp->cfg.meter_value_sample_interval * 1000u;
    if (k->tx && iv > 0u && cp->now_ms - k->sample_ms >= iv) {
        k->sample_ms += iv;
        ocpp_v16_queue_meter(cp, c, cp->cfg.meter_values_sampled_data, OCPP_V16_CTX_PERIODIC);
    }
    if (k->tx && k->authorized && k->tx_allowed &&
        ocpp_v16_meter_wh(cp, c) - k->meter_start >= cp->cfg.max_energy_on_invalid_id) {
        k->tx_allowed = false; /* §3.5.4 MaxEnergyOnInvalidId reached */
        ocpp_cp_update(cp, c);
    }
    if (OCPP_CONFIG_TX_METER_SAVE_S > 0 && k->tx &&
        cp->now_ms - k->meter_saved_ms >= (uint32_t)OCPP_CONFIG_TX_METER_SAVE_S * 1000u) {
        /* The reading a power loss would stop the transaction with (txstore.h). */
        int32_t wh = ocpp_v16_meter_wh(cp, c);
        k->meter_saved_ms = cp->now_ms;
        if (wh != k->meter_last) {
            k->meter_last = wh;
            k->meter_last_unix = ocpp_cp_time(cp);
            ocpp_txs_save(cp);
        }
    }
}

static void tick_aligned(ocpp_cp_t *cp)
{
    int64_t now = ocpp_cp_time(cp);
    int32_t iv = cp->cfg.clock_aligned_data_interval;
    if (now <= 0 || iv <= 0) {
        return;
    }
    /* §3.16.2: "evenly spaced meter data aggregation intervals per day,
     * starting at 00:00:00 (midnight)" (UTC). The second of the day in one
     * 32-bit division, on every poll: 86400 = 128 * 675, and now / 128 fits
     * in 32 bits until the year 19000. */
    uint32_t sod = ((uint32_t)((uint64_t)now >> 7) % 675u << 7) | ((uint32_t)now & 127u);
    int64_t boundary = now - sod + (int64_t)(sod / (uint32_t)iv * (uint32_t)iv);
    if (boundary <= cp->aligned_last) {
        return;
    }
    bool first = cp->aligned_last == 0;
    cp->aligned_last = boundary;
    if (first) {
        return;
    }
    for (uint8_t c = 0; c <= cp->config.connectors; c++) {
        ocpp_v16_queue_aligned(cp, c);
    }
}

static void tick_reset(ocpp_cp_t *cp)
{
    if (!cp->reset_pending || cp->tx_busy || cp->call != OCPP_CP_CALL_NONE) {
        return;
    }
    if (ocpp_txq_count(&cp->txq) > 0u && ocpp_cp_online(cp)) {
        return; /* the StopTransactions go out first (§5.14) */
    }
    cp->reset_pending = false;
    if (cp->cb.reset != NULL) {
        cp->cb.reset(cp->cb.ctx, cp->reset_hard);
    }
}

static void tick_save(ocpp_cp_t *cp)
{
    if (cp->avail_dirty) {
        save_availability(cp);
    }
    if (cp->cache.dirty && !cp->tx_busy) {
        if (cp->ports.storage == NULL) {
            cp->cache.dirty = false;
        } else if (ocpp_auth_cache_save(&cp->cache, cp->ports.storage, cp->tx, cp->tx_cap) !=
                   OCPP_OK) {
            CP_LOGE(cp, "%s: saving the authorization cache failed", cp->config.identity);
            cp->cache.dirty = false;
        }
    }
}

void ocpp_cp_tick(ocpp_cp_t *cp)
{
    for (uint8_t c = 1; c <= cp->config.connectors; c++) {
        tick_connector(cp, c);
    }
    tick_aligned(cp);
    tick_save(cp);
    tick_reset(cp);
}
