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

/** A DataTransfer of the CSMS to the charger's vendorId (config.vendor_id). */
ocpp_dt_status_t evse_dt_handle(evse_t *e, const char *message_id, const char *data,
                                ocpp_jw_t *resp);

/* evse_power.c */

/** Settings: the defaults, or what config.storage holds. */
void evse_power_init(evse_t *e);
/** Read the temperatures of connector c: its derating and the
 *  EVSE_FAULT_TEMP bit of `faults` (with the hysteresis). @return the faults. */
uint32_t evse_power_temperature(evse_t *e, uint8_t c, uint32_t faults);
/** The current connector k may offer now (0 below 6 A) and why it is below the rating. */
uint32_t evse_power_offer(const evse_t *e, const evse_connector_t *k, evse_limit_reason_t *why);
/** Show connector c's light (0: the charger's) if it changed. */
void evse_power_led(evse_t *e, uint8_t c);
/** The charge point's events: statuses (lights), authorizations (signals). */
void evse_power_event(evse_t *e, const ocpp_cp_event_t *ev);
/** Blink a card's outcome BlinkRepeat times on light c (0: the charger's). */
void evse_power_signal(evse_t *e, uint8_t c, bool accepted);

#endif /* EVSE_INTERNAL_H */
