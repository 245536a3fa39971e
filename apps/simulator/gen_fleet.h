/**
 * @file gen_fleet.h
 * @brief The transaction generator's fleet side (gen_fleet.c): the hook of
 *        station_poll(), its start with the fleet, its REST routes. See gen.h.
 */
#ifndef SIM_GEN_FLEET_H
#define SIM_GEN_FLEET_H

#include "sim.h"

/**
 * @brief The per-station hook, from station_poll() (main.c) before the
 *        application's poll: carries out what is due (plug the EV, present a
 *        card, present it again to stop, unplug), notices a start or a stop.
 *        O(1).
 * @return ms until it must run again (UINT32_MAX: nothing pending).
 */
uint32_t sim_gen_poll(sim_station_t *s, uint32_t now);

/**
 * @brief Once the stations are set up (main.c): seed every station's PRNG from
 *        the profile's seed and start the generator if `--gen` was given.
 */
void sim_gen_init(sim_t *sim, const sim_gen_profile_t *profile);

/**
 * @brief REST under /api/fleet/generator (api.c's router): GET the state and
 *        counters; POST .../start, .../stop, .../drain.
 * @return false if `url` is not one of its paths (out untouched).
 */
bool sim_gen_route(sim_t *sim, const char *method, const char *url, sim_reply_t *out);

#endif /* SIM_GEN_FLEET_H */
