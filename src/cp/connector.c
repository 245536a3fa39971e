/**
 * @file connector.c
 * @brief Connector status as set by the application; reported by
 *        StatusNotification (OCPP 1.6 §4.9) from src/v16/core.c.
 */
#include "cp/cp_internal.h"

ocpp_status_t ocpp_cp_set_status(ocpp_cp_t *cp, uint8_t connector, ocpp_cp_status_t status,
                                 ocpp_cp_error_t error)
{
    if (cp == NULL || connector > cp->config.connectors ||
        (unsigned)status > (unsigned)OCPP_STATUS_FAULTED ||
        (unsigned)error > (unsigned)OCPP_ERROR_WEAK_SIGNAL) {
        return OCPP_ERR_PARAM;
    }
    ocpp_cp_connector_t *c = &cp->conns[connector];
    if (c->status == status && c->error == error) {
        return OCPP_OK;
    }
    c->status = status;
    c->error = error;
    c->changed_ms = cp->now_ms;
    c->changed_unix = ocpp_cp_time(cp);
    /* §9.1 MinimumStatusDuration: a status that flips back before it was
     * reported is not reported at all. */
    c->report_needed = status != c->reported || error != c->reported_error;
    return OCPP_OK;
}

ocpp_cp_status_t ocpp_cp_status(const ocpp_cp_t *cp, uint8_t connector)
{
    if (cp == NULL || connector > cp->config.connectors) {
        return OCPP_STATUS_UNAVAILABLE;
    }
    return cp->conns[connector].status;
}
