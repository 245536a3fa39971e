/**
 * @file gen.h
 * @brief ocpp-sim's automatic transaction generator (docs/simulator.md,
 *        "Transaction generator"): per station, charging sessions start, run
 *        and stop from a profile (`--gen PROFILE`, `--seed N`), driven through
 *        the simulated board as a driver would (plug the EV, present a card,
 *        present it again, unplug), or started by the CSMS
 *        (RemoteStartTransaction) for a share of them.
 *
 * Two halves:
 *  - gen.c, pure (no station, no I/O): the profile and its parser, the
 *    per-station PRNG (splitmix64) and the draws of a session. Unit tested.
 *  - gen_fleet.c: the per-station state machine run from station_poll()
 *    (sim_gen_poll()), the fleet's counters and the REST routes under
 *    /api/fleet/generator.
 *
 * Determinism: station i's generator is seeded from (seed, i) only, and
 * every session draws its decisions in one fixed order (idle time, then
 * connector, remote or not, card, EV, initial SoC, length), so a run with
 * the same `--seed`, profile and station count makes the same decisions in
 * the same order at every station. The times are offsets in the station's
 * own monotonic ms clock from the generator's start; when a decision is
 * carried out depends on the network and the CSMS (a session waits for the
 * station to be Accepted, for the CSMS's answers), which no seed fixes.
 */
#ifndef SIM_GEN_H
#define SIM_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_GEN_EV_MAX      8u  /**< EV types in a profile's mix. */
#define SIM_GEN_PREFIX_MAX  12u /**< Card prefix; the tag is prefix + 6 digits (CiString20). */
#define SIM_GEN_CARDS_MAX   999999u
#define SIM_GEN_SECONDS_MAX 604800u /**< A week: the largest time a profile takes. */

/** One EV type of the battery mix. */
typedef struct {
    uint32_t battery_wh;     /**< Capacity. */
    uint32_t max_current_ma; /**< Onboard charger limit per phase. */
    uint8_t phases;          /**< 1..3. */
} sim_gen_ev_t;

/** A generator profile (`--gen`); times in ms. */
typedef struct {
    uint32_t idle_mean_ms; /**< Mean idle time between sessions (exponential). */
    uint32_t len_mean_ms;  /**< Session length: mean ... */
    uint32_t len_min_ms;   /**< ... at least ... */
    uint32_t len_max_ms;   /**< ... at most (truncated exponential above min). */
    uint32_t cards;        /**< Card pool size: tags prefix000001 .. prefixNNNNNN. */
    char prefix[SIM_GEN_PREFIX_MAX + 1];
    uint16_t remote_permille; /**< Share of sessions started by the CSMS. */
    uint32_t timeout_ms;      /**< Wait for a start (card or remote) / a stop before giving up. */
    uint8_t soc_min, soc_max; /**< Initial state of charge, % (uniform). */
    uint8_t n_ev;             /**< EV types (uniform pick), >= 1. */
    sim_gen_ev_t ev[SIM_GEN_EV_MAX];
    bool given; /**< --gen was on the command line: the generator starts with the fleet. */
    uint64_t seed;
} sim_gen_profile_t;

/** One session's decisions, drawn when a station's idle time ends. */
typedef struct {
    uint8_t connector; /**< 1..connectors. */
    bool remote;       /**< Wait for the CSMS's RemoteStartTransaction. */
    uint32_t card;     /**< 1..cards. */
    uint8_t ev;        /**< Index into the profile's mix. */
    uint8_t soc;       /**< Initial SoC, %. */
    uint32_t len_ms;   /**< How long it charges once started. */
} sim_gen_session_t;

/** @brief The defaults (docs/simulator.md): idle 600 s, length 1800 s (min 60 s, max 4 h),
 *         100 cards "GEN", no remote starts, timeout 60 s, SoC 10..80 %, one EV of 60 kWh,
 *         16 A, 3 phases; seed 1. */
void sim_gen_defaults(sim_gen_profile_t *p);

/**
 * @brief Parse a profile: comma-separated `key=value` over the current profile
 *        (keys: idle, rate, length, cards, prefix, remote, timeout, soc, ev;
 *        docs/simulator.md). Nothing changes when it fails.
 * @param err a reason on failure (NUL-terminated, cut to cap).
 * @return 0, or -1 with err set.
 */
int sim_gen_parse(sim_gen_profile_t *p, const char *text, char *err, size_t cap);

/**
 * @brief The command-line options of the generator: `--gen PROFILE` (starts it
 *        with the fleet) and `--seed N` (0..2^64-1).
 * @return 1 if `opt` is not one of them, 0 taken, -1 a bad value (err set).
 */
int sim_gen_option(sim_gen_profile_t *p, const char *opt, const char *value, char *err, size_t cap);

/** @brief The PRNG state of station `index` for `seed` (splitmix64 of both). */
uint64_t sim_gen_seed_station(uint64_t seed, unsigned index);

/** @brief Next 64 random bits (splitmix64). */
uint64_t sim_gen_next(uint64_t *state);

/** @brief A uniform double in [0, 1) (53 bits). */
double sim_gen_unit(uint64_t *state);

/** @brief An idle time, ms: exponential with the profile's mean, at most 20 means. */
uint32_t sim_gen_draw_idle(const sim_gen_profile_t *p, uint64_t *state);

/** @brief A session's decisions, in their fixed order, for a station of `connectors`. */
void sim_gen_draw_session(const sim_gen_profile_t *p, uint64_t *state, uint8_t connectors,
                          sim_gen_session_t *out);

/** @brief The idTag of card `n` (1..cards) into out (>= 21 bytes). */
void sim_gen_card_tag(const sim_gen_profile_t *p, uint32_t n, char *out, size_t cap);

/** A station's generator (sim_station_t.gen): 32 bytes. */
typedef struct {
    uint64_t rng;      /**< splitmix64 state. */
    uint32_t tx_sig;   /**< The session's transaction: a hash of its idTag and meterStart. */
    uint32_t due;      /**< Station ms clock: the next thing to do, or a wait's deadline. */
    uint32_t len_ms;   /**< The session's length, until it starts. */
    uint32_t meter_wh; /**< Meter register at the start (the energy counter). */
    uint8_t phase;     /**< What it waits for (gen_fleet.c). */
    uint8_t connector; /**< The session's connector. */
    uint8_t remote;    /**< The session waits for a RemoteStartTransaction. */
    uint8_t epoch;     /**< sim_gen_t.epoch when its idle time was drawn. */
} sim_gen_station_t;

/** The fleet's generator (sim_t.gen): the profile, the run state, the counters. */
typedef struct {
    sim_gen_profile_t profile;
    bool running;      /**< New sessions start. */
    bool draining;     /**< Stop the running sessions, start none. */
    uint8_t epoch;     /**< Bumped at each start: idle stations draw their idle time afresh. */
    uint32_t active;   /**< Stations in a session now (waiting, charging or stopping). */
    uint32_t charging; /**< ... of which in a transaction. */
    uint64_t started, stopped, refused;
    uint64_t remote_requested, remote_received, remote_timed_out;
    uint64_t energy_wh;
} sim_gen_t;

#endif /* SIM_GEN_H */
