/**
 * @file txqueue.h
 * @brief The queue of transaction-related messages (OCPP 1.6 §3.7):
 *        StartTransaction, StopTransaction and periodic / clock-aligned
 *        MeterValues, kept in order until the CSMS answered them.
 *
 * An entry is the CALL's action, a local transaction reference, and the
 * payload object as finished JSON text. A payload that refers to a
 * transaction carries `"transactionId":-1` until the CSMS tells the id
 * (StartTransaction.conf); ocpp_txq_set_txid() then rewrites the number in
 * every entry of that reference. If the id never comes (the StartTransaction
 * was dropped after TransactionMessageAttempts), -1 stays, as the errata
 * sheet (v4.0, 3.18) prescribes: "the Charge Point SHALL send any Transaction
 * related messages for this transaction to the Central System with a
 * transactionId = -1".
 *
 * Interface contract, kept narrow for a persistent back end (one storage
 * record per entry, or a ring in flash):
 *   - push: begin() gives a JSON writer over free room; the caller writes
 *     the payload object; commit() appends it as the newest entry. A failed
 *     commit leaves the queue unchanged.
 *   - peek()/pop(): the oldest entry only; pop() after the CSMS answered it
 *     (or after its last failed attempt).
 *   - set_txid(): an in-place edit of the entries of one reference.
 *   - drop_oldest_meter(): frees room when a new message does not fit.
 * Every operation either completes or leaves the queue as it was, so a
 * power-loss-safe version can map each call to one atomic storage write.
 *
 * Layout in RAM: entries back to back from buf[0], each an 8-byte header
 * (payload length u16, action u8, spare u8, reference u16, offset of the
 * transactionId number in the payload u16 or 0xFFFF) and the payload.
 */
#ifndef OCPP_TXQUEUE_H
#define OCPP_TXQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_cp.h"
#include "rpc/rpc.h"

/** No transactionId in this payload. */
#define OCPP_TXQ_NO_TXID 0xFFFFu

/** The oldest entry, as peek() shows it. The pointer is valid until the
 *  next call that changes the queue. */
typedef struct {
    ocpp_rpc_action_t action;
    uint16_t ref;
    const char *payload;
    size_t len;
} ocpp_txq_entry_t;

/** @brief Empty the queue. */
void ocpp_txq_init(ocpp_txq_t *q);

/** @brief Number of entries. */
size_t ocpp_txq_count(const ocpp_txq_t *q);

/**
 * @brief Start a new entry: `w` writes into the free room. Write one
 *        object; if it refers to a transaction, write the key
 *        "transactionId" with the value -1 (see ocpp_txq_set_txid()).
 */
void ocpp_txq_begin(ocpp_txq_t *q, ocpp_jw_t *w);

/**
 * @brief Append the object written into `w` as the newest entry. The first
 *        `"transactionId":-1` in it (if any) is what set_txid() patches.
 * @return OCPP_OK; OCPP_ERR_NOMEM if it did not fit (queue unchanged);
 *         OCPP_ERR_STATE if `w` holds no complete object.
 */
ocpp_status_t ocpp_txq_commit(ocpp_txq_t *q, ocpp_jw_t *w, ocpp_rpc_action_t action, uint16_t ref);

/** @brief The oldest entry. @return false if the queue is empty. */
bool ocpp_txq_peek(const ocpp_txq_t *q, ocpp_txq_entry_t *out);

/** @brief Remove the oldest entry (no-op if empty). */
void ocpp_txq_pop(ocpp_txq_t *q);

/**
 * @brief Put `txid` into every entry of reference `ref` that still carries
 *        -1. Entries that no longer fit after the edit are left with -1.
 */
void ocpp_txq_set_txid(ocpp_txq_t *q, uint16_t ref, int32_t txid);

/**
 * @brief Drop the oldest MeterValues entry (never the head if `keep_head`:
 *        it may be on the wire). @return true if one was dropped.
 */
bool ocpp_txq_drop_oldest_meter(ocpp_txq_t *q, bool keep_head);

#endif /* OCPP_TXQUEUE_H */
