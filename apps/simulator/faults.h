/**
 * @file faults.h
 * @brief Fleet faults of ocpp-sim's load-test mode (issue 16): what a CSMS must survive,
 *        fired on a timer (--fault SPEC@TIME) or through REST (POST /api/fleet/faults).
 *
 * A fault spec is `KIND[:ARG]...[@TIME]` (docs/simulator.md, "Fleet faults"):
 *
 *   boot-storm[:SHARE][:OUTAGE][:backoff]  the power returns after an outage: the stations
 *                                          restart at the same instant and send a
 *                                          BootNotification each (OCPP 1.6 §4.2)
 *   power-cut:SHARE[:OUTAGE][:backoff]     the same for a share of the fleet
 *   flap:SHARE:OUTAGE[:backoff]            the network of a share goes away for OUTAGE
 *   meter-burst:DURATION[:SHARE]           MeterValues every second for DURATION
 *
 * SHARE is `P%` (0.01..100, two decimals at most); OUTAGE, DURATION and TIME are a
 * number with a unit, `ms`, `s`, `m` or `h` (`1500ms`, `30s`, `2m`); `seed=N` picks the
 * stations of that fault (default: --fault-seed plus the fault's number). The order of the
 * arguments after the kind does not matter: each is known by its form.
 *
 * Without `backoff` the stations of an outage do not try to connect until it ends, and then
 * all connect at the same instant. With `backoff` the CSMS refuses their connections during
 * the outage and every station retries on the library's reconnect back-off (src/session:
 * half to all of a delay that starts at 1 s and doubles up to 60 s, with per-station
 * jitter); when the outage ends each comes back when its next retry falls due.
 *
 * The parsing and the choice of stations (this file's first half, faults_spec.c) use the C
 * library only: the unit tests (tests/unit/test_sim_faults.c) link them alone. Acting on
 * the fleet (second half, faults.c) needs the simulator.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_FAULTS_MAX      32u    /**< Faults kept (scheduled, running and done). */
#define SIM_FAULT_TEXT      64u    /**< Longest spec accepted, NUL included. */
#define SIM_FAULT_SHARE_ALL 10000u /**< share_bp of the whole fleet. */

/** What a fault does. */
typedef enum {
    SIM_FAULT_BOOT_STORM = 0,
    SIM_FAULT_POWER_CUT,
    SIM_FAULT_FLAP,
    SIM_FAULT_METER_BURST
} sim_fault_kind_t;

/** A parsed fault spec. */
typedef struct {
    sim_fault_kind_t kind;
    uint16_t share_bp;    /**< Share of the fleet in hundredths of a percent, 1..10000. */
    bool backoff;         /**< Outage: refused connections, the library's back-off. */
    uint32_t duration_ms; /**< Outage (boot-storm, power-cut, flap; 0: none) or burst length. */
    bool has_at;          /**< `@TIME` given. */
    uint32_t at_ms;       /**< Delay from the start of the loop (option) or the request. */
    bool has_seed;        /**< `seed=N` given. */
    uint32_t seed;
} sim_fault_spec_t;

/**
 * Parse a fault spec (see the file comment).
 * @param text the spec, NUL-terminated.
 * @param out  the spec on success (untouched fields are zero on failure too).
 * @param err  on failure, a message naming what is wrong and the accepted forms.
 * @return 0, or -1 with the message in err.
 */
int sim_fault_parse(const char *text, sim_fault_spec_t *out, char *err, size_t err_cap);

/** The spec in its canonical form (what GET /api/fleet/faults shows), NUL-terminated. */
void sim_fault_format(const sim_fault_spec_t *f, char *buf, size_t cap);

/** The name of a kind ("boot-storm", ...). */
const char *sim_fault_kind_name(sim_fault_kind_t k);

/** How many of n stations a share of share_bp takes: rounded, at least 1 if n > 0. */
unsigned sim_fault_share_count(uint16_t share_bp, unsigned n);

/**
 * Which stations a fault takes: exactly k of n, in ascending order, the same for the same
 * seed (selection sampling, Knuth's Algorithm S, on splitmix64). O(1) state, one call per
 * station: for (i = 0; i < n; i++) if (sim_pick_next(&p)) act(i);
 */
typedef struct {
    uint64_t rng;
    unsigned left_n; /**< Stations not looked at yet. */
    unsigned left_k; /**< Of them still to take. */
} sim_pick_t;

void sim_pick_init(sim_pick_t *p, uint32_t seed, unsigned n, unsigned k);
/** @return whether the next station (in index order) is taken. */
bool sim_pick_next(sim_pick_t *p);

/** State of a fault. */
typedef enum { SIM_FAULT_SCHEDULED = 0, SIM_FAULT_RUNNING, SIM_FAULT_DONE } sim_fault_state_t;

/** A fault of the fleet: its spec, when it runs, what it did. */
typedef struct {
    sim_fault_spec_t spec;
    unsigned id;             /**< 1, 2, ... in the order given. */
    uint8_t state;           /**< sim_fault_state_t */
    bool from_rest;          /**< POST /api/fleet/faults, else --fault. */
    uint32_t seed;           /**< The seed of its choice of stations. */
    uint32_t start_at;       /**< Monotonic ms (once the loop started, for an option). */
    uint32_t end_at;         /**< Monotonic ms, while running. */
    int64_t started_unix_ms; /**< Wall clock, 0 until it fires. */
    int64_t ended_unix_ms;   /**< Wall clock, 0 until it ends. */
    unsigned stations;       /**< Stations it acted on. */
    unsigned transactions;   /**< Transactions running on them when it fired. */
    unsigned refused;        /**< meter-burst: stations that refused the interval. */
} sim_fleet_fault_t;

/** The faults of the process (one field of sim_t). */
typedef struct {
    sim_fleet_fault_t f[SIM_FAULTS_MAX];
    unsigned count;
    unsigned next_id;
    uint32_t seed;    /**< --fault-seed (default 1). */
    bool started;     /**< The loop has run: option faults have their start times. */
    bool pending;     /**< A fault is scheduled or running (next_at is valid). */
    uint32_t next_at; /**< Monotonic ms of the next start or end. */
} sim_faults_t;

/** Per station (one field of sim_station_t). */
typedef struct {
    int32_t interval_saved; /**< meter-burst: MeterValueSampleInterval before it. */
    uint8_t outages;        /**< Outages (flap, power-cut) running on the station. */
    uint8_t bursts;         /**< meter-burst faults running on the station. */
} sim_fault_station_t;

/**
 * A command-line option starting with --fault: `--fault SPEC@TIME` (the @TIME is
 * required: a fault on the command line runs on a timer) or `--fault-seed N`.
 * @return 0, or -1 after printing why to stderr.
 */
int sim_faults_option(sim_faults_t *fl, const char *opt, const char *value);

/**
 * Add a fault to the table, as scheduled (a full table drops the oldest finished one).
 * @param now monotonic ms; only used when the loop has started (then start = now + at).
 * @return the fault, or NULL if the table holds SIM_FAULTS_MAX unfinished faults.
 */
sim_fleet_fault_t *sim_faults_add(sim_faults_t *fl, const sim_fault_spec_t *spec, bool from_rest,
                                  uint32_t now);

/** The loop starts: the command line's faults get their start times (now + TIME) and
 *  their seeds (--fault-seed may come after them). */
void sim_faults_start(sim_faults_t *fl, uint32_t now);

/** Recompute fl->pending and fl->next_at (after a change), O(SIM_FAULTS_MAX). */
void sim_faults_schedule(sim_faults_t *fl);

/* ------------------------------------------------------------------------ */
/* faults.c: acting on the fleet                                             */
/* ------------------------------------------------------------------------ */

struct sim;

/**
 * Once per loop turn: fire the faults that are due, end those whose time is over.
 * O(1) when nothing is due; a fault that fires walks the fleet once.
 * @return ms until the next fault starts or ends (UINT32_MAX: none).
 */
uint32_t sim_faults_poll(struct sim *sim, uint32_t now);

/** At exit: end the running faults (a meter burst's interval is persisted: put it back). */
void sim_faults_stop(struct sim *sim);

/* The REST routes, GET and POST /api/fleet/faults: sim_faults_api() in sim.h (it needs
 * sim_reply_t). */

#endif /* SIM_FAULTS_H */
