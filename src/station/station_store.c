/**
 * @file station_store.c
 * @brief The station's transaction records in the outbox head (persisted
 *        with the outbox, src/store/txstore.h), and the restore at init.
 *
 * Slot format (OCPP_TXS_SLOT_SIZE = 23 bytes, little-endian): flags u8
 * (bit 0: running), reference u16, the CSMS's transaction id i32 (-1: not
 * known yet), meterStart i32, last meter reading i32 (Wh), start time u32,
 * time of the last meter reading u32 (unix seconds). The 4 station bytes of
 * the head hold the next transaction reference (u16).
 */
#include <string.h>

#include "station/station.h"
#include "store/txqueue.h"
#include "store/txstore.h"
#include "util/log.h"

/** Write the n low bytes of v at p, little-endian. @return p + n. */
static uint8_t *put_le(uint8_t *p, uint32_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        *p++ = (uint8_t)(v >> (8u * i));
    }
    return p;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/** t if it fits 1..UINT32_MAX, else 0 (0 itself, before 1970, after 2106). */
static uint32_t unix32(int64_t t)
{
    return ((uint64_t)t >> 32) == 0u ? (uint32_t)t : 0u;
}

static void put_slot(uint8_t *p, const ocpp_station_conn_t *k)
{
    memset(p, 0, OCPP_TXS_SLOT_SIZE);
    if (!k->tx) {
        return;
    }
    p = put_le(p, 1u | ((uint32_t)k->tx_ref << 8), 3u); /* running, reference */
    p = put_le(p, (uint32_t)k->tx_id, 4u);
    p = put_le(p, (uint32_t)k->meter_start, 4u);
    p = put_le(p, (uint32_t)k->meter_last, 4u);
    p = put_le(p, unix32(k->tx_start_unix), 4u);
    (void)put_le(p, unix32(k->meter_last_unix), 4u);
}

void ocpp_station_save(ocpp_station_t *st)
{
    uint8_t *b = st->outbox->buf;
    if (st->storage == NULL) {
        return;
    }
    (void)put_le(&b[OCPP_TXS_USER], st->next_ref, 2u);
    for (unsigned c = 1; c <= (unsigned)OCPP_CONFIG_MAX_CONNECTORS; c++) {
        put_slot(&b[OCPP_TXS_SLOT(c)], &st->conns[c]);
    }
    ocpp_txs_save(st->outbox, st->storage, &st->log);
}

/** A transaction that was running at the power cut: running again, in RAM,
 *  until it is stopped below (unless its end message is queued already). */
static void restore_slot(ocpp_station_t *st, uint8_t c, const uint8_t *p)
{
    ocpp_station_conn_t *k = &st->conns[c];
    uint16_t ref = (uint16_t)(p[1] | (p[2] << 8));
    if ((p[0] & 1u) == 0u || ocpp_txq_has_end(st->outbox, ref)) {
        return; /* stopped, and its end message queued, in the same write */
    }
    k->tx = true;
    k->tx_ref = ref;
    k->tx_id = (int32_t)get32(p + 3);
    k->meter_start = (int32_t)get32(p + 7);
    k->meter_last = (int32_t)get32(p + 11);
    k->tx_start_unix = get32(p + 15);
    k->meter_last_unix = get32(p + 19);
}

/** Stop a restored transaction (PowerLoss): the adapter queues its end
 *  message and persists. The others stay running until their turn, so
 *  that every write in between still records them. */
static void stop_lost(ocpp_station_t *st, uint8_t c)
{
    ocpp_station_conn_t *k = &st->conns[c];
    LOGW(&st->log, "power loss: transaction on connector %u (ref %u, id %ld) stopped at %ld Wh",
         (unsigned)c, (unsigned)k->tx_ref, (long)k->tx_id, (long)k->meter_last);
    k->tx = false;
    k->interrupted = true;
    ocpp_station_event_t ev = {.kind = OCPP_STATION_EV_TX_INTERRUPTED,
                               .connector = c,
                               .value = (int32_t)OCPP_STOP_POWER_LOSS,
                               .meter_wh = k->meter_last,
                               .unix_time = k->meter_last_unix,
                               /* The record keeps whole seconds, the messages
                                * milliseconds: the end of that second, so that
                                * the stop is never stamped before the start or
                                * a reading of the same second (the power went
                                * after the last saved reading anyway). */
                               .unix_ms = (uint16_t)(k->meter_last_unix > 0 ? 999u : 0u)};
    st->adapter(st->adapter_ctx, &ev); /* the adapter's alone: no application event */
    k->tx_id = -1;
}

void ocpp_station_restore(ocpp_station_t *st)
{
    if (st->storage == NULL) {
        return; /* nothing was loaded: the head is as init zeroed it */
    }
    const uint8_t *b = st->outbox->buf;
    st->next_ref = (uint16_t)(b[OCPP_TXS_USER] | (b[OCPP_TXS_USER + 1u] << 8));
    /* Every slot of the build, also of connectors this configuration does
     * not use: a transaction is never dropped. */
    for (unsigned c = 1; c <= OCPP_CONFIG_MAX_CONNECTORS; c++) {
        restore_slot(st, (uint8_t)c, &b[OCPP_TXS_SLOT(c)]);
    }
    bool any = false; /* a slot was restored (none was running before) */
    for (unsigned c = 1; c <= OCPP_CONFIG_MAX_CONNECTORS; c++) {
        if (st->conns[c].tx) {
            stop_lost(st, (uint8_t)c);
            any = true;
        }
    }
    if (any) {
        ocpp_station_save(st);
    }
}
