/**
 * @file api_power.h
 * @brief ocpp-sim's REST routes of the connector's power and light
 *        (api_power.c), called by api.c.
 */
#ifndef SIM_API_POWER_H
#define SIM_API_POWER_H

#include "sim.h"

/**
 * @brief The actions of api_power.c on connector c (checked by the caller):
 *        `act` "temperature" or "limit" (the path after /connectors/{n}/).
 * @return true if answered (out set), false: not one of them.
 */
bool sim_api_power(sim_station_t *s, uint8_t c, const char *act, const char *method,
                   const char *body, size_t len, sim_reply_t *out);

/** @brief Members of connector c in /api/state: led, limitReason, deratingA, evseSuspended,
 *         temperatureHeld. */
void sim_power_write_connector(ocpp_jw_t *w, const sim_station_t *s, uint8_t c);

#endif /* SIM_API_POWER_H */
