/**
 * @file common.c
 * @brief What the OCPP 2.0.1 adapter's files share: events for the
 *        application.
 */
#include <string.h>

#include "session/session.h"
#include "station/station.h"
#include "v201/v201_internal.h"

#if OCPP_CONFIG_OCPP201

void ocpp_v201_emit(ocpp_v201_t *a, ocpp_cp_event_kind_t kind, uint8_t connector, const char *text,
                    int64_t unix_time)
{
    if (a->cb == NULL || a->cb->on_event == NULL) {
        return;
    }
    ocpp_cp_event_t ev = {.kind = kind,
                          .conn = a->ss->conn,
                          .connector = connector,
                          .text = text,
                          .len = text != NULL ? strlen(text) : 0u,
                          .unix_time = unix_time};
    a->cb->on_event(a->cb->ctx, &ev);
}

#endif /* OCPP_CONFIG_OCPP201 */
