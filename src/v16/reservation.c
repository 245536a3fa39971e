/**
 * @file reservation.c
 * @brief OCPP 1.6 Reservation profile: ReserveNow (§5.13), CancelReservation
 *        (§5.1), expiry, and the reservations persisted across a power cut.
 *
 * A reservation is the station's (ocpp_station_reserve(): the Reserved
 * status, the idTags it lets through, its end when a transaction starts for
 * it, with its id in StartTransaction.req); this module decides whether one
 * may be made, ends it at expiryDate or on CancelReservation, and persists
 * the station's reservations in record "reservation" (51 bytes per reserved
 * connector: connector u8, reservationId i32, expiryDate u32 unix s,
 * little-endian; idTag 21 and parentIdTag 21, NUL-padded, so that they are
 * used where they were read) whenever they change (ocpp_station_t.resv_dirty).
 *
 * Two choices where §5.13 and the §4.9 table disagree. §5.13 ends a
 * reservation "when the Charge Point or connector are set to Faulted or
 * Unavailable", while the table has Faulted -> Reserved (I7: "Fault is
 * resolved and status returns to the pre-fault state") and Reserved ->
 * Unavailable only when the reservation ends with the connector "scheduled
 * to become Unavailable" (G8). Here a fault does not end a reservation
 * (its expiryDate still does), and ChangeAvailability(Inoperative) of a
 * reserved connector answers Scheduled and takes effect when it ends.
 *
 * Bound: the reservation a transaction ends goes out of the record at the
 * next poll after the start (the start message itself is persisted at once,
 * with the outbox); a power cut in between brings the reservation back until
 * its expiryDate or a CancelReservation.
 */
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "station/station.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"

#if OCPP_CONFIG_PROFILE_RESERVATION

#define RECORD "reservation"
#define SLOT   51u

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4u; i++) {
        p[i] = (uint8_t)(v >> (8u * i));
    }
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/** Write the reservations (in the transmit buffer; not now if it is busy). */
static void resv_save(ocpp_v16_t *a)
{
    ocpp_station_t *st = a->st;
    size_t cap = 0;
    if (a->resv.save_failed &&
        a->ss->now_ms - a->resv.save_failed_ms < OCPP_STATION_SAVE_RETRY_MS) {
        return; /* waiting after a failed write */
    }
    if (st->storage != NULL) {
        uint8_t *b = (uint8_t *)ocpp_session_scratch(a->ss, &cap), *p = b;
        if (b == NULL) {
            return;
        }
        for (unsigned c = 0; c <= st->n; c++) {
            const ocpp_station_conn_t *k = &st->conns[c];
            if (!k->reserved || (size_t)(p - b) + SLOT > cap) {
                continue; /* the send buffer holds cap / 51 of them: 10 at its 512-byte minimum */
            }
            p[0] = (uint8_t)c;
            put32(p + 1, (uint32_t)k->resv_id);
            /* (beyond 2106 or before 1970: 0, expired) */
            put32(p + 5, (uint64_t)k->resv_expiry <= UINT32_MAX ? (uint32_t)k->resv_expiry : 0u);
            memcpy(p + 9, k->resv_tag,
                   sizeof k->resv_tag); /* (zero-padded: ocpp_station_reserve()) */
            memcpy(p + 30, k->resv_parent, sizeof k->resv_parent);
            p += SLOT;
        }
        a->resv.save_failed =
            st->storage->write(st->storage->ctx, RECORD, b, (size_t)(p - b)) != OCPP_OK;
        if (a->resv.save_failed) {
            st->outbox->store_errors++;
            a->resv.save_failed_ms = a->ss->now_ms;
            LOGE(&st->log, "reservations not saved");
            return;
        }
    }
    st->resv_dirty = false;
}

static void resv_init(ocpp_v16_t *a)
{
    ocpp_station_t *st = a->st;
    if (st->storage == NULL) {
        return;
    }
    size_t cap = 0;
    uint8_t *b = (uint8_t *)ocpp_session_scratch(a->ss, &cap);
    if (b == NULL) {
        return;
    }
    int32_t n = a->st->storage->read(a->st->storage->ctx, RECORD, b, cap);
    for (int32_t at = 0; at + (int32_t)SLOT <= n; at += (int32_t)SLOT) {
        uint8_t *p = &b[at];
        p[29] = 0; /* the idTag and the parentIdTag end there, whatever was read */
        p[50] = 0;
        if (p[0] <= st->n && p[9] != 0u) {
            ocpp_station_reserve(st, p[0], (int32_t)get32(p + 1), (int64_t)get32(p + 5),
                                 (const char *)p + 9, (const char *)p + 30);
        }
    }
    st->resv_dirty = false; /* what was loaded is what is stored */
}

/* ------------------------------------------------------------------------ */
/* ReserveNow (§5.13), CancelReservation (§5.1)                              */
/* ------------------------------------------------------------------------ */

/** ReserveNow's answers; the refusals in the order connector 0 takes them
 *  (refusal0()). */
enum { R_ACCEPTED, R_FAULTED, R_UNAVAILABLE, R_OCCUPIED, R_REJECTED };
static const char *const k_answer[] = {"Accepted", "Faulted", "Unavailable", "Occupied",
                                       "Rejected"};

/** Why connector c > 0 cannot be reserved now (R_ACCEPTED: it can);
 *  `ignore`: a connector whose reservation the new one replaces. */
static unsigned refusal(const ocpp_station_t *st, uint8_t c, uint8_t ignore)
{
    const ocpp_station_conn_t *k = &st->conns[c], *z = &st->conns[0];
    /* §5.13: "'Faulted' if the Charge Point or the connector are in the
     * Faulted state ... 'Unavailable' if the Charge Point or connector are in
     * the Unavailable state ... 'Occupied' if the Charge Point or the
     * specified connector are occupied ... also ... when the Charge Point or
     * connector has been reserved for the same or another idTag." */
    if (ocpp_station_is_fault(k->error) || ocpp_station_is_fault(z->error)) {
        return R_FAULTED;
    }
    if (!k->operative || !z->operative || (k->sched_change && !k->sched_operative)) {
        return R_UNAVAILABLE;
    }
    if (k->tx || k->plugged || k->authorized || k->finishing || (k->reserved && c != ignore) ||
        (st->auth != OCPP_STATION_AUTH_NONE && st->auth_connector == c)) {
        return R_OCCUPIED;
    }
    return R_ACCEPTED;
}

/** The same for connector 0: §5.13 "the Charge Point SHALL NOT reserve a
 *  specific connector, but SHALL make sure that at any time during the
 *  validity of the reservation, one connector remains available": a free
 *  connector, else the refusal of the others (Occupied before Unavailable
 *  before Faulted). */
static unsigned refusal0(const ocpp_v16_t *a, uint8_t ignore)
{
    const ocpp_station_t *st = a->st;
    unsigned why = R_FAULTED;
    if (!a->cfg->reserve_connector_zero_supported) {
        /* §5.13: "If the configuration key: ReserveConnectorZeroSupported is
         * not set or set to false, the Charge Point SHALL return 'Rejected'" */
        return R_REJECTED;
    }
    if (st->conns[0].reserved && ignore != 0u) {
        return R_OCCUPIED;
    }
    for (unsigned c = 1; c <= st->n; c++) {
        unsigned r = refusal(st, (uint8_t)c, 0xFFu);
        if (r == R_ACCEPTED) {
            return r;
        }
        why = r > why ? r : why;
    }
    return why;
}

/** The request's reservationId into *id, and the connector holding that
 *  reservation into *c (0xFF: none). */
static ocpp_rpc_err_t get_id(const ocpp_station_t *st, const ocpp_json_value_t *p, int32_t *id,
                             uint8_t *c, const char **desc)
{
    int64_t v = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, "reservationId", true, INT32_MIN, INT32_MAX, &v, desc);
    int32_t i = (int32_t)v;
    *id = i;
    *c = 0xFFu;
    for (unsigned k = 0; k <= st->n; k++) {
        if (st->conns[k].reserved && st->conns[k].resv_id == i) {
            *c = (uint8_t)k;
        }
    }
    return e;
}

static ocpp_rpc_err_t on_reserve_now(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                     const char **desc)
{
    ocpp_v16_t *a = ctx;
    ocpp_station_t *st = a->st;
    int64_t c = 0, expiry = 0;
    int32_t id = 0;
    uint8_t old = 0xFFu;
    char tag[OCPP_ID_TAG_MAX + 1], parent[OCPP_ID_TAG_MAX + 1];
    parent[0] = '\0'; /* (absent: stays empty) */
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, "connectorId", true, 0, INT32_MAX, &c, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(p, "expiryDate", true, &expiry, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_string(p, "idTag", true, OCPP_ID_TAG_MAX, tag, sizeof tag, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_string(p, "parentIdTag", false, OCPP_ID_TAG_MAX, parent, sizeof parent,
                                desc);
    }
    /* §5.13: "If the reservationId in the request matches a reservation in
     * the Charge Point, then the Charge Point SHALL replace that reservation
     * with the new reservation in the request." */
    if (e == OCPP_RPC_OK) {
        e = get_id(st, p, &id, &old, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e; /* bad input changes nothing */
    }
    int64_t now = ocpp_station_time(st);
    uint32_t cn = (uint32_t)c; /* 0..INT32_MAX */
    unsigned why = R_REJECTED; /* an unknown connector, or an expiryDate passed */
    if (cn <= st->n && !(now > 0 && expiry <= now)) {
        why = cn == 0u ? refusal0(a, old) : refusal(st, (uint8_t)cn, old);
    }
    if (why == R_ACCEPTED) {
        if (old != 0xFFu && old != cn) {
            ocpp_station_unreserve(st, old);
        }
        ocpp_station_reserve(st, (uint8_t)cn, id, expiry, tag, parent);
    }
    ocpp_v16_answer_status(w, k_answer[why]);
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_cancel_reservation(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                            const char **desc)
{
    ocpp_v16_t *a = ctx;
    int32_t id = 0;
    uint8_t c = 0xFFu;
    ocpp_rpc_err_t e = get_id(a->st, p, &id, &c, desc);
    if (e == OCPP_RPC_OK) {
        /* §5.1: "If the Charge Point has a reservation matching the
         * reservationId in the request PDU, it SHALL return status
         * 'Accepted'. Otherwise it SHALL return 'Rejected'." */
        if (c != 0xFFu) {
            ocpp_station_unreserve(a->st, c); /* §4.9 G1 / G8 */
        }
        ocpp_v16_answer_status(w, k_answer[c != 0xFFu ? R_ACCEPTED : R_REJECTED]);
    }
    return e;
}

/* ------------------------------------------------------------------------ */
/* Expiry                                                                    */
/* ------------------------------------------------------------------------ */

static void resv_tick(ocpp_v16_t *a)
{
    ocpp_station_t *st = a->st;
    const ocpp_station_conn_t *k = st->conns;
    for (uint8_t c = 0, n = st->n; c <= n; c++, k++) {
        if (!k->reserved) {
            continue; /* (the clock only when a reservation runs: an idle poll stays cheap) */
        }
        int64_t now = ocpp_station_time(st);
        if (now > 0 && now >= k->resv_expiry) {
            /* §5.13: "When a reservation expires, the Charge Point SHALL
             * terminate the reservation and make the connector available." */
            LOGI(&st->log, "reservation %ld expired", (long)st->conns[c].resv_id);
            ocpp_station_unreserve(st, (uint8_t)c);
        }
    }
    if (st->resv_dirty) {
        resv_save(a);
    }
}

/** resv_tick's timers: the expiry of each reservation (§5.13, on the
 *  station's clock); a pending write now, or after the wait of a failed one. */
static uint32_t resv_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    const ocpp_station_t *st = a->st;
    uint32_t wake = UINT32_MAX;
    if (st->resv_dirty) {
        wake = a->resv.save_failed
                   ? ocpp_v16_until(a->resv.save_failed_ms + OCPP_STATION_SAVE_RETRY_MS, now_ms)
                   : 0u;
    }
    for (unsigned c = 0; c <= st->n; c++) {
        if (st->conns[c].reserved) {
            uint32_t left = ocpp_station_ms_until(st, st->conns[c].resv_expiry, now_ms);
            wake = left < wake ? left : wake;
        }
    }
    return wake;
}

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_CANCEL_RESERVATION, on_cancel_reservation},
    {OCPP_ACTION_RESERVE_NOW, on_reserve_now},
};

const ocpp_v16_profile_t ocpp_v16_reservation = {
    .profile = OCPP_CFG_PROFILE_RESERVATION,
    .handlers = k_handlers,
    .n_handlers = (uint8_t)(sizeof k_handlers / sizeof k_handlers[0]),
    .init = resv_init,
    .tick = resv_tick,
    .tick_due = resv_tick_due,
};

#endif /* OCPP_CONFIG_PROFILE_RESERVATION */
