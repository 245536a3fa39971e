/**
 * @file txqueue.h
 * @brief The durable outbox (layer "store"): the queue of transaction-related
 *        messages (OCPP 1.6 §3.7: StartTransaction, StopTransaction and
 *        periodic / clock-aligned MeterValues; OCPP 2.0.1 E: TransactionEvent),
 *        kept in order until the CSMS answered them. The payloads are opaque
 *        to it: the protocol adapter gives each entry a kind (its own action
 *        number) and flags (OCPP_TXQ_F_*: may be thinned, ends a transaction).
 *
 * An entry is its kind and flags, a local transaction reference, and the
 * payload object as finished JSON text. A payload that refers to a
 * transaction carries `"transactionId":-1` until the CSMS tells the id
 * (StartTransaction.conf); ocpp_txq_set_txid() then rewrites the number in
 * every entry of that reference. If the id never comes (the StartTransaction
 * was dropped after TransactionMessageAttempts), -1 stays, as the errata
 * sheet (v4.0, 3.18) prescribes: "the Charge Point SHALL send any Transaction
 * related messages for this transaction to the Central System with a
 * transactionId = -1".
 *
 * Interface contract (each call either completes or leaves the queue as it
 * was, so that the caller can persist the result with one atomic write of
 * the record image, see src/store/txstore.h):
 *   - push: begin() gives a JSON writer over free room; the caller writes
 *     the payload object; commit() appends it as the newest entry. A failed
 *     commit leaves the queue unchanged.
 *   - peek()/pop(): the oldest entry only; pop() after the CSMS answered it
 *     (or after its last failed attempt).
 *   - set_txid(): an in-place edit of the entries of one reference.
 *   - thin(): frees room for a new message when the queue is full.
 *
 * Layout: ocpp_txq_t.buf is the image of the persisted record; entries lie
 * back to back from buf[OCPP_TXS_HEAD_SIZE], each a 12-byte header
 * (little-endian: payload length u16, kind u8, flags u8, reference u16,
 * offset of the transactionId number in the payload u16 or 0xFFFF, time of
 * the message in unix seconds u32) and the payload.
 */
#ifndef OCPP_TXQUEUE_H
#define OCPP_TXQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_cp.h"

/** No transactionId in this payload. */
#define OCPP_TXQ_NO_TXID 0xFFFFu

/**
 * Queue bytes (header included) that the longest StopTransaction without
 * transactionData can take: 20-character idTag of 4-byte UTF-8 characters,
 * extreme numbers, the longest reason. Reserved for every running
 * transaction so that its StopTransaction always finds room.
 */
#define OCPP_TXQ_STOP_ROOM 224u
/** The same for StartTransaction (with a reservationId). */
#define OCPP_TXQ_START_ROOM 208u

/** Entry flags. */
#define OCPP_TXQ_F_VALID 0x01u /**< A kind the adapter queues (see ocpp_txq_adopt()). */
#define OCPP_TXQ_F_THIN  0x02u /**< May be removed to make room (intermediate meter values). */
#define OCPP_TXQ_F_END   0x04u /**< Ends its transaction (StopTransaction). */

/** The oldest entry, as peek() shows it. The pointer is valid until the
 *  next call that changes the queue. */
typedef struct {
    uint8_t kind;  /**< The adapter's action number. */
    uint8_t flags; /**< OCPP_TXQ_F_* */
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
 *        `unix_time` is the message's time (its timestamp), for thin().
 * @return OCPP_OK; OCPP_ERR_NOMEM if it did not fit with `keep_free` bytes
 *         left over (queue unchanged);
 *         OCPP_ERR_STATE if `w` holds no complete object.
 */
ocpp_status_t ocpp_txq_commit(ocpp_txq_t *q, ocpp_jw_t *w, uint8_t kind, uint8_t flags,
                              uint16_t ref, int64_t unix_time, size_t keep_free);

/** @brief The oldest entry. @return false if the queue is empty. */
bool ocpp_txq_peek(const ocpp_txq_t *q, ocpp_txq_entry_t *out);

/** @brief Remove the oldest entry (no-op if empty). */
void ocpp_txq_pop(ocpp_txq_t *q);

/**
 * @brief Put `txid` into every entry of reference `ref` that still carries
 *        -1. Entries that no longer fit after the edit are left with -1.
 */
void ocpp_txq_set_txid(ocpp_txq_t *q, uint16_t ref, int32_t txid);

/** @brief Queue bytes in use (headers included). */
size_t ocpp_txq_used(const ocpp_txq_t *q);

/** @brief Free queue bytes: a payload of n bytes fits if n + 12 <= this. */
size_t ocpp_txq_room(const ocpp_txq_t *q);

/**
 * @brief Remove one entry flagged OCPP_TXQ_F_THIN to make room (never the head if
 *        `keep_head`: it may be on the wire). The one removed is the one
 *        whose neighbours of the same reference (any action; `now` stands
 *        for the message about to be added after the newest) are closest in
 *        time, the oldest on a tie, so that repeated thinning leaves an even
 *        spread between a transaction's StartTransaction and StopTransaction.
 * @return true if one was removed (its reference and time in *ref / *when).
 */
bool ocpp_txq_thin(ocpp_txq_t *q, bool keep_head, int64_t now, uint16_t *ref, int64_t *when);

/** @brief Bytes (headers included) of the thinnable entries after the head:
 *         what thin() can free. */
size_t ocpp_txq_thin_bytes(const ocpp_txq_t *q);

/** @brief True if an entry that ends transaction `ref` is queued. */
bool ocpp_txq_has_end(const ocpp_txq_t *q, uint16_t ref);

/** @brief True if an entry of `kind` for transaction `ref` is queued. */
bool ocpp_txq_has_kind(const ocpp_txq_t *q, uint16_t ref, uint8_t kind);

/**
 * @brief True if the queue can take the start and end messages of one more
 *        transaction, with the end of each of the `running` ones kept
 *        (OCPP_TXQ_STOP_ROOM each), counting what thinning can free.
 */
bool ocpp_txq_tx_room(const ocpp_txq_t *q, size_t running);

/**
 * @brief Adopt `len` queue bytes loaded into buf[OCPP_TXS_HEAD_SIZE...]
 *        after checking every entry: header, kind, payload (one valid JSON
 *        object). `classify(kind)` gives the flags of a kind (the adapter's
 *        table; it also sets them on records written before flags were
 *        stored); a kind without OCPP_TXQ_F_VALID, or any other damage,
 *        removes the entry; entries after a damaged length are cut off.
 * @return OCPP_OK; OCPP_ERR_PARSE if something was removed (the queue holds
 *         the entries that passed).
 */
ocpp_status_t ocpp_txq_adopt(ocpp_txq_t *q, size_t len, uint8_t (*classify)(uint8_t kind));

#endif /* OCPP_TXQUEUE_H */
