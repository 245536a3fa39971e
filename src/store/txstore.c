/**
 * @file txstore.c
 * @brief Persistence of the outbox (see txstore.h).
 */
#include <string.h>

#include "store/txqueue.h"
#include "store/txstore.h"
#include "util/log.h"

#define HEAD    8u
#define VERSION 1u

void ocpp_txs_save(ocpp_txq_t *q, const ocpp_storage_port_t *st, const ocpp_logger_t *log)
{
    uint8_t *b = q->buf;
    if (st == NULL) {
        return;
    }
    b[0] = (uint8_t)'T';
    b[1] = (uint8_t)'X';
    b[2] = VERSION;
    b[3] = (uint8_t)OCPP_CONFIG_MAX_CONNECTORS;
    size_t len = OCPP_TXS_HEAD_SIZE + q->used;
    if (st->write(st->ctx, OCPP_TXS_RECORD, b, len) != OCPP_OK) {
        q->store_errors++;
        LOGE(log, "transaction state not written (%u queued)", (unsigned)q->count);
    }
}

ocpp_status_t ocpp_txs_load(ocpp_txq_t *q, const ocpp_storage_port_t *st, const ocpp_logger_t *log,
                            uint8_t (*classify)(uint8_t kind))
{
    uint8_t *b = q->buf;
    ocpp_txq_init(q);
    if (st == NULL) {
        return OCPP_OK;
    }
    int32_t n = st->read(st->ctx, OCPP_TXS_RECORD, b, sizeof q->buf);
    bool none = n == (int32_t)OCPP_ERR_NOT_FOUND;
    size_t slots = n >= (int32_t)HEAD ? b[3] : 0u;
    size_t at = HEAD + slots * OCPP_TXS_SLOT_SIZE; /* where this record's queue begins */
    if (none || n < (int32_t)HEAD || b[0] != (uint8_t)'T' || b[1] != (uint8_t)'X' ||
        b[2] != VERSION || (size_t)n < at || (size_t)n - at > sizeof q->buf - OCPP_TXS_HEAD_SIZE) {
        ocpp_txq_init(q); /* (what the read left in the head goes) */
        if (none) {
            return OCPP_OK;
        }
        LOGE(log, "stored transaction state unusable (%ld): not loaded", (long)n);
        return OCPP_ERR_PARSE;
    }
    if (slots > (size_t)OCPP_CONFIG_MAX_CONNECTORS) {
        LOGE(log, "stored transaction state: %u connectors, this build %u: others not restored",
             (unsigned)slots, (unsigned)OCPP_CONFIG_MAX_CONNECTORS);
    }
    /* The queue moves to where this build's head ends; slots this build has
     * and the record did not are empty. */
    memmove(&b[OCPP_TXS_HEAD_SIZE], &b[at], (size_t)n - at);
    if (at < OCPP_TXS_HEAD_SIZE) {
        memset(&b[at], 0, OCPP_TXS_HEAD_SIZE - at);
    }
    ocpp_status_t r = ocpp_txq_adopt(q, (size_t)n - at, classify);
    if (r != OCPP_OK) {
        LOGE(log, "stored transaction queue: damaged entries dropped");
    }
    LOGI(log, "%u transaction messages restored", (unsigned)q->count);
    return r;
}
