/**
 * @file evse_internal.h
 * @brief Private interface between the parts of the EVSE application
 *        (evse.c: inputs, outputs, the cable lock; evse_cb.c: the charge
 *        point callbacks; evse_dt.c: CP-initiated DataTransfer).
 */
#ifndef EVSE_INTERNAL_H
#define EVSE_INTERNAL_H

#include "ocpp/evse.h"
#include "ui_internal.h"

/** The charge point reported a transaction event (started / stopped): keep
 *  the lock state of its connector (see evse.h). */
void evse_lock_event(evse_t *e, const ocpp_cp_event_t *ev);

/** Open the cable lock of connector c (the charge point's unlock callback). */
ocpp_unlock_result_t evse_lock_open(evse_t *e, uint8_t c);

/** The charge point reported the result of a DataTransfer (evse_data_transfer()). */
void evse_dt_event(evse_t *e, const ocpp_cp_event_t *ev);

#endif /* EVSE_INTERNAL_H */
