/**
 * @file txstore.h
 * @brief Persistence of the outbox (OCPP 1.6 §3.7, §4.10): one storage
 *        record, "txstate", holding the running transaction of each
 *        connector (opaque slots, written by the station model,
 *        src/station/station_store.c) and the queue of transaction-related
 *        messages (txqueue.h).
 *
 * The record is the RAM image ocpp_txq_t.buf (see ocpp_cp_layout.h), written
 * with one atomic storage write (ocpp_storage_port_t: all-or-nothing, also
 * across a power cut) after every change: a message queued, a message
 * confirmed (removed), a transactionId learnt, a meter reading to keep. So
 * after a power cut the record holds exactly what was true after the last
 * completed change:
 *   - a message the CSMS confirmed was removed in the same write that
 *     recorded the confirmation's effects, so it is never sent again; only
 *     a message whose answer was lost in flight (power cut between the CSMS
 *     receiving it and that write) is sent a second time;
 *   - a transaction is recorded together with its start message before the
 *     energy is switched on, and ends together with its end message;
 *   - a transaction still running at the power cut is handed to the
 *     station at the next start (ocpp_station_restore()), which has it
 *     stopped with reason PowerLoss at its last persisted meter reading.
 *
 * Format (little-endian), head of OCPP_TXS_HEAD_SIZE bytes then the queue
 * entries (txqueue.h):
 *   0  'T' 'X', version 1, number of connector slots n, 4 bytes of the
 *      station (next transaction reference u16, 2 spare);
 *   8  n slots of OCPP_TXS_SLOT_SIZE bytes, the station's (station_store.c).
 * A record written by a build with another OCPP_CONFIG_MAX_CONNECTORS is
 * read: its n slots are moved into this build's head (slots beyond this
 * build's connectors cannot be restored and are logged); one larger than this
 * build's OCPP_CONFIG_TXQ_SIZE cannot be read (logged): keep or grow the
 * queue size across firmware updates.
 */
#ifndef OCPP_TXSTORE_H
#define OCPP_TXSTORE_H

#include "ocpp/ocpp_cp.h"

/** Name of the storage record. */
#define OCPP_TXS_RECORD "txstate"

/** Offset of the station's bytes in the head, and of slot c (1..). */
#define OCPP_TXS_USER    4u
#define OCPP_TXS_SLOT(c) (8u + ((unsigned)(c)-1u) * OCPP_TXS_SLOT_SIZE)

/** @brief Write the record (no-op without a storage port); a failed write is
 *         logged and counted in q->store_errors. */
void ocpp_txs_save(ocpp_txq_t *q, const ocpp_storage_port_t *st, const ocpp_logger_t *log);

/**
 * @brief At init: load the record into q (head and queue); classify() as in
 *        ocpp_txq_adopt().
 * @return OCPP_OK (loaded, or none stored: an empty head); OCPP_ERR_PARSE
 *         when it was unusable (q is empty then) or entries were dropped.
 */
ocpp_status_t ocpp_txs_load(ocpp_txq_t *q, const ocpp_storage_port_t *st, const ocpp_logger_t *log,
                            uint8_t (*classify)(uint8_t kind));

#endif /* OCPP_TXSTORE_H */
