/**
 * @file ui_internal.h
 * @brief The display's hooks in the EVSE application (evse.c, evse_cb.c).
 */
#ifndef EVSE_UI_INTERNAL_H
#define EVSE_UI_INTERNAL_H

#include "ocpp/evse.h"

/** evse_init(): bind the driver to the board's I2C write (nothing is sent yet). */
void evse_ui_init(evse_t *e);

/** evse_poll(): buttons, timers, meter; redraw the display if its view changed. */
void evse_ui_poll(evse_t *e);

/** A charge point event (connection, status, authorization, transaction, time). */
void evse_ui_event(evse_t *e, const ocpp_cp_event_t *ev);

/** A card was read at connector `at` (0: unknown) and goes to the charge point. */
void evse_ui_card(evse_t *e, uint8_t at, const char *uid);

#endif /* EVSE_UI_INTERNAL_H */
