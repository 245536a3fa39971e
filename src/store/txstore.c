/**
 * @file txstore.c
 * @brief Persistence of the transaction state (see txstore.h).
 */
#include <string.h>

#include "cp/cp_internal.h"
#include "model/txqueue.h"
#include "store/txstore.h"

#define HEAD    8u
#define SLOT    OCPP_TXS_SLOT_SIZE
#define VERSION 1u

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

static uint32_t unix32(int64_t t)
{
    return t > 0 && t <= (int64_t)UINT32_MAX ? (uint32_t)t : 0u;
}

static void put_slot(uint8_t *p, const ocpp_cp_connector_t *k)
{
    memset(p, 0, SLOT);
    if (!k->tx) {
        return;
    }
    p[0] = 1u;
    p[1] = (uint8_t)(k->tx_ref & 0xFFu);
    p[2] = (uint8_t)(k->tx_ref >> 8);
    put32(p + 3, (uint32_t)k->tx_id);
    put32(p + 7, (uint32_t)k->meter_start);
    put32(p + 11, (uint32_t)k->meter_last);
    put32(p + 15, unix32(k->tx_start_unix));
    put32(p + 19, unix32(k->meter_last_unix));
}

void ocpp_txs_save(ocpp_cp_t *cp)
{
    uint8_t *b = cp->txq.buf;
    if (cp->ports.storage == NULL) {
        return;
    }
    b[0] = (uint8_t)'T';
    b[1] = (uint8_t)'X';
    b[2] = VERSION;
    b[3] = (uint8_t)OCPP_CONFIG_MAX_CONNECTORS;
    b[4] = (uint8_t)(cp->next_ref & 0xFFu);
    b[5] = (uint8_t)(cp->next_ref >> 8);
    b[6] = 0;
    b[7] = 0;
    for (unsigned c = 1; c <= (unsigned)OCPP_CONFIG_MAX_CONNECTORS; c++) {
        put_slot(&b[HEAD + (c - 1u) * SLOT], &cp->conns[c]);
    }
    size_t len = OCPP_TXS_HEAD_SIZE + ocpp_txq_used(&cp->txq);
    if (cp->ports.storage->write(cp->ports.storage->ctx, OCPP_TXS_RECORD, b, len) != OCPP_OK) {
        cp->store_errors++;
        CP_LOGE(cp, "%s: writing the transaction state failed (%u queued)", cp->config.identity,
                (unsigned)ocpp_txq_count(&cp->txq));
    }
}

/** A transaction that was running at the power cut: running again, in RAM,
 *  until stop_lost() (unless its StopTransaction is queued already). */
static bool restore(ocpp_cp_t *cp, uint8_t c, const uint8_t *p)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    uint16_t ref = (uint16_t)(p[1] | (p[2] << 8));
    if (ocpp_txq_has_stop(&cp->txq, ref)) {
        return false; /* stopped, and its StopTransaction queued, in the same write */
    }
    k->tx = true;
    k->tx_ref = ref;
    k->tx_id = (int32_t)get32(p + 3);
    k->meter_start = (int32_t)get32(p + 7);
    k->meter_last = (int32_t)get32(p + 11);
    k->tx_start_unix = get32(p + 15);
    k->meter_last_unix = get32(p + 19);
    return true;
}

/** Stop a restored transaction (PowerLoss). The others stay running until
 *  their turn, so that every write in between still records them. */
static void stop_lost(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    CP_LOGW(cp,
            "%s: transaction on connector %u (ref %u, id %ld) interrupted by a power loss: "
            "stopped at %ld Wh",
            cp->config.identity, (unsigned)c, (unsigned)k->tx_ref, (long)k->tx_id,
            (long)k->meter_last);
    k->tx = false;
    ocpp_v16_queue_stop_lost(cp, c);
    k->tx_id = -1;
    k->n_aligned = 0;
}

void ocpp_txs_load(ocpp_cp_t *cp)
{
    const ocpp_storage_port_t *st = cp->ports.storage;
    uint8_t *b = cp->txq.buf;
    if (st == NULL) {
        return;
    }
    int32_t n = st->read(st->ctx, OCPP_TXS_RECORD, b, sizeof cp->txq.buf);
    if (n == (int32_t)OCPP_ERR_NOT_FOUND) {
        return;
    }
    unsigned slots = n >= (int32_t)HEAD ? b[3] : 0u;
    size_t at = HEAD + (size_t)slots * SLOT; /* where this record's queue begins */
    if (n < (int32_t)HEAD || b[0] != (uint8_t)'T' || b[1] != (uint8_t)'X' || b[2] != VERSION ||
        (size_t)n < at || (size_t)n - at > sizeof cp->txq.buf - OCPP_TXS_HEAD_SIZE) {
        CP_LOGE(cp, "%s: stored transaction state unusable (%ld): not loaded", cp->config.identity,
                (long)n);
        ocpp_txq_init(&cp->txq);
        return;
    }
    uint8_t head[HEAD + SLOT * 8u];
    size_t keep = slots < 8u ? slots : 8u; /* slots beyond 8: unusable anyway */
    memcpy(head, b, HEAD + keep * SLOT);
    memmove(&b[OCPP_TXS_HEAD_SIZE], &b[at], (size_t)n - at);
    if (ocpp_txq_adopt(&cp->txq, (size_t)n - at) != OCPP_OK) {
        CP_LOGE(cp, "%s: stored transaction queue damaged: damaged entries dropped",
                cp->config.identity);
    }
    cp->next_ref = (uint16_t)(head[4] | (head[5] << 8));
    bool stopped = false;
    for (unsigned c = 1; c <= keep; c++) {
        const uint8_t *p = &head[HEAD + (c - 1u) * SLOT];
        if ((p[0] & 1u) != 0u && c <= (unsigned)OCPP_CONFIG_MAX_CONNECTORS) {
            stopped = restore(cp, (uint8_t)c, p) || stopped;
        }
    }
    for (uint8_t c = 1; c <= (uint8_t)OCPP_CONFIG_MAX_CONNECTORS; c++) {
        if (cp->conns[c].tx) {
            stop_lost(cp, c);
        }
    }
    if (stopped || slots != (unsigned)OCPP_CONFIG_MAX_CONNECTORS) {
        ocpp_txs_save(cp);
    }
    CP_LOGI(cp, "%s: %u transaction messages restored", cp->config.identity,
            (unsigned)ocpp_txq_count(&cp->txq));
}
