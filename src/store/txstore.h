/**
 * @file txstore.h
 * @brief Persistence of the transaction state (OCPP 1.6 §3.7, §4.10): the
 *        running transaction of each connector and the queue of
 *        transaction-related messages, in one storage record, "txstate".
 *
 * The record is the RAM image ocpp_txq_t.buf (see ocpp_cp.h), written with
 * one atomic storage write (ocpp_storage_port_t: all-or-nothing, also across
 * a power cut) after every change: a message queued, a message confirmed
 * (removed), a transactionId learnt, a meter reading to keep. So after a
 * power cut the record holds exactly what was true after the last completed
 * change:
 *   - a message the CSMS confirmed was removed in the same write that
 *     recorded the confirmation's effects, so it is never sent again; only
 *     a message whose answer was lost in flight (power cut between the CSMS
 *     receiving it and that write) is sent a second time;
 *   - a transaction is recorded together with its StartTransaction before
 *     the energy is switched on (the permit callback), and ends together with
 *     its StopTransaction;
 *   - a transaction still running at the power cut is stopped when the
 *     charge point starts again, reason PowerLoss, with the last persisted
 *     meter reading (taken with every sampled MeterValues, and at least every
 *     OCPP_CONFIG_TX_METER_SAVE_S seconds while it changes) and its time.
 *
 * Format (little-endian), head of OCPP_TXS_HEAD_SIZE bytes then the queue
 * entries (txqueue.h):
 *   0  'T' 'X', version 1, number of connector slots n, next reference u16,
 *      2 spare bytes;
 *   8  n slots of OCPP_TXS_SLOT_SIZE bytes: flags u8 (bit 0: running),
 *      reference u16, transactionId i32 (-1: not known yet), meterStart i32,
 *      last meter reading i32 (Wh), start time u32, time of the last meter
 *      reading u32 (unix seconds).
 * A record written by a build with another OCPP_CONFIG_MAX_CONNECTORS is
 * read (slots moved, extra slots stopped too); one larger than this build's
 * OCPP_CONFIG_TXQ_SIZE cannot be read (logged): keep or grow the queue size
 * across firmware updates.
 */
#ifndef OCPP_TXSTORE_H
#define OCPP_TXSTORE_H

#include "ocpp/ocpp_cp.h"

/** Name of the storage record. */
#define OCPP_TXS_RECORD "txstate"

/** @brief Write the transaction state (no-op without a storage port). */
void ocpp_txs_save(ocpp_cp_t *cp);

/**
 * @brief At init: load the transaction state; queue a StopTransaction
 *        (PowerLoss) for every transaction that was running and has none.
 */
void ocpp_txs_load(ocpp_cp_t *cp);

#endif /* OCPP_TXSTORE_H */
