/**
 * @file stats.h
 * @brief ocpp-sim's live figures of a fleet (issue 16, load-test mode): stations
 *        connected, booted and charging, messages in and out, the CSMS's response
 *        time per action (p50/p95/p99 from a fixed log-scale histogram, no
 *        per-sample storage), CALLERRORs by errorCode and CALL timeouts, and a
 *        bounded time series of them for the reports.
 *
 * Two layers:
 * - the figures themselves (sim_hist_t, sim_series_t, sim_stats_t and the
 *   sim_stats_* functions taking them): plain C on caller-owned memory, no I/O,
 *   unit-tested in tests/unit/test_sim_stats.c;
 * - the glue to the simulator (report.c): the message and event hooks, the
 *   per-loop tick with the status line, the REST endpoints under /api/fleet/
 *   and the JSON and HTML reports.
 *
 * Cost: every hook is O(1) (an action name is looked up among at most
 * SIM_STATS_ACTIONS); the tick is O(1) unless a second passed, then it closes
 * the second in O(1) amortised (the series halves itself when full). Nothing
 * walks the stations.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Histogram of response times (ms)                                          */
/* ------------------------------------------------------------------------ */

/** Sub-buckets per power of two: a bucket's width is 1/8 of its lower bound, so
 *  a percentile read from it is at most 12.5 % above the sample it stands for. */
#define SIM_HIST_SUB 8u
/** Buckets: 0..7 ms one each, then 8 per power of two up to 2^32 - 1 ms. */
#define SIM_HIST_BUCKETS (SIM_HIST_SUB + (32u - 3u) * SIM_HIST_SUB)

/** Response times in ms, log scale; zero-initialised is empty. */
typedef struct {
    uint32_t n[SIM_HIST_BUCKETS];
    uint64_t count;
    uint64_t sum_ms;
    uint32_t min_ms; /**< Valid when count > 0. */
    uint32_t max_ms;
} sim_hist_t;

/** The bucket of `ms` (0..SIM_HIST_BUCKETS-1). */
unsigned sim_hist_bucket(uint32_t ms);
/** The smallest and largest value of bucket `b`. */
void sim_hist_bounds(unsigned b, uint32_t *lo, uint32_t *hi);
/** Count one sample. */
void sim_hist_add(sim_hist_t *h, uint32_t ms);
/** Add all of `from` to `to`. */
void sim_hist_merge(sim_hist_t *to, const sim_hist_t *from);
/**
 * The q-th permille (500: p50, 950: p95, 990: p99, 1000: max): the upper bound
 * of the bucket that holds the sample of rank ceil(q/1000 × count), clamped to
 * [min, max] seen (so it is exact below 8 ms, for one sample and for the max).
 * @return false (and *out 0) when the histogram is empty.
 */
bool sim_hist_quantile(const sim_hist_t *h, unsigned permille, uint32_t *out);

/* ------------------------------------------------------------------------ */
/* Time series                                                               */
/* ------------------------------------------------------------------------ */

/** Points kept: one per second for the first hour, then the series halves its
 *  resolution each time it fills (2 s up to two hours, 4 s up to four...). */
#define SIM_SERIES_CAP 3600u

/** The figures of one span of time. */
typedef struct {
    uint32_t t_s;       /**< Start, seconds since the statistics started. */
    uint32_t span_s;    /**< Length in seconds (≥ 1). */
    uint32_t connected; /**< Gauges at the end of the span. */
    uint32_t booted;
    uint32_t charging;
    uint32_t msgs_in; /**< Counts during the span. */
    uint32_t msgs_out;
    uint32_t call_errors; /**< CALLERRORs the CSMS answered to our CALLs. */
    uint32_t timeouts;
    uint32_t responses; /**< Answers to our CALLs (CALLRESULT or CALLERROR). */
    uint64_t rt_sum_ms;
    uint32_t rt_max_ms;
    /** p95 of the span's response times; a point merged from two when the
     *  series coarsened keeps the higher of their p95s. */
    uint32_t rt_p95_ms;
} sim_point_t;

/** A bounded series: `points` has SIM_SERIES_CAP entries, owned by the caller. */
typedef struct {
    sim_point_t *points;
    uint32_t n;       /**< Points kept. */
    uint32_t res_s;   /**< The current resolution (1, 2, 4... seconds). */
    sim_point_t open; /**< The span being filled (span_s 0: empty). */
} sim_series_t;

/** An empty series at 1 s on `points[SIM_SERIES_CAP]`. */
void sim_series_init(sim_series_t *s, sim_point_t *points);
/**
 * Add `p` (a span of p->span_s seconds starting at p->t_s, right after the last
 * one) to the open point; once the open point covers the resolution it is
 * kept, and a full series first merges its points pairwise (resolution × 2).
 */
void sim_series_add(sim_series_t *s, const sim_point_t *p);
/** Merge `b` (the later span) into `a`: counts add up, gauges are b's. */
void sim_point_merge(sim_point_t *a, const sim_point_t *b);

/* ------------------------------------------------------------------------ */
/* The fleet's figures                                                       */
/* ------------------------------------------------------------------------ */

#define SIM_STATS_ACTIONS 48u /**< Distinct CALL actions tracked; more go to "(other)". */
#define SIM_STATS_CODES   16u /**< Distinct CALLERROR codes; more go to "(other)". */
#define SIM_STATS_NAME    40u

/** Per action: the CALLs we sent and what became of them. */
typedef struct {
    char name[SIM_STATS_NAME];
    uint64_t calls;
    uint64_t call_errors; /**< Answered with a CALLERROR. */
    uint64_t timeouts;    /**< No answer within the library's call timeout. */
    uint64_t lost;        /**< The connection closed before the answer. */
    sim_hist_t rt;        /**< Response times of the answered ones. */
} sim_action_stats_t;

/** A CALLERROR code and how often it came. */
typedef struct {
    char code[SIM_STATS_NAME];
    uint64_t count;
} sim_code_count_t;

/**
 * The per-station part (a field of sim_station_t, 16 bytes): our outstanding
 * CALL (OCPP-J has one at a time per station) and what the station counts for
 * in the gauges.
 */
typedef struct {
    uint32_t sent_ms; /**< When the outstanding CALL went out. */
    uint32_t id_hash; /**< Its message id, hashed (a late answer to an older one is not it). */
    uint32_t charging_mask; /**< Bit c: connector c is Charging. */
    uint8_t action;         /**< Index into sim_stats_t.actions + 1 (0: no CALL outstanding). */
    uint8_t flags;          /**< SIM_STATS_F_*: counted as connected, booted, charging. */
} sim_stats_station_t;

#define SIM_STATS_F_CONNECTED 1u
#define SIM_STATS_F_BOOTED    2u
#define SIM_STATS_F_CHARGING  4u

/** The process's figures (sim_t.stats, allocated with the fleet). */
typedef struct sim_stats {
    uint32_t stations;
    uint32_t connected, booted, charging; /**< Stations. */
    uint32_t connectors_charging;
    uint64_t msgs_in, msgs_out;
    uint64_t call_errors_in;  /**< CALLERRORs the CSMS sent us (answers to our CALLs or not). */
    uint64_t call_errors_out; /**< CALLERRORs we sent the CSMS. */
    uint64_t timeouts;
    uint64_t lost;
    uint64_t answers_unmatched; /**< Answers to no outstanding CALL (e.g. after a timeout). */
    sim_hist_t all;             /**< Response times of every action. */
    sim_action_stats_t actions[SIM_STATS_ACTIONS];
    unsigned n_actions;
    sim_code_count_t codes[SIM_STATS_CODES];
    unsigned n_codes;
    /* the time series */
    uint32_t start_ms;     /**< Monotonic ms when the statistics started. */
    int64_t start_unix_ms; /**< The same instant, wall clock. */
    uint32_t sec_start_ms; /**< Start of the second being counted. */
    uint32_t seconds;      /**< Whole seconds counted into the series. */
    sim_point_t cur;       /**< Counts of the second being counted. */
    sim_hist_t cur_rt;     /**< Response times since the last kept point. */
    sim_point_t last;      /**< The last closed second(s): the rates. */
    sim_series_t series;
    sim_point_t points[SIM_SERIES_CAP];
    /* the status line (report.c) */
    uint32_t status_period_s; /**< 0: none. */
    uint32_t status_at_s;     /**< seconds at the last line. */
    bool status_tty;          /**< \r-updated. */
    bool status_shown;        /**< A \r line is on the terminal. */
    const char *report_path;  /**< --report, or NULL. */
} sim_stats_t;

/** Start counting `stations` stations at monotonic `now_ms`, wall clock `unix_ms`. */
void sim_stats_init(sim_stats_t *st, uint32_t stations, uint32_t now_ms, int64_t unix_ms);
/**
 * One OCPP-J message of station `ss` (type 2 CALL, 3 CALLRESULT, 4 CALLERROR, 0
 * not a frame), `out` if we sent it; `msg_id`, `action` (of a CALL) and
 * `error_code` (of a CALLERROR) as parsed, "" if none.
 */
void sim_stats_on_message(sim_stats_t *st, sim_stats_station_t *ss, bool out, unsigned type,
                          const char *msg_id, const char *action, const char *error_code,
                          uint32_t now_ms);
/** The library gave up the outstanding CALL with id `msg_id` (its call timeout). */
void sim_stats_on_timeout(sim_stats_t *st, sim_stats_station_t *ss, const char *msg_id, size_t len);
/**
 * The station's gauges now: `connected` (transport open), `booted` (Accepted)
 * and its connectors in Charging (bit c). A station that lost its connection
 * also loses its outstanding CALL (counted as lost).
 */
void sim_stats_on_station(sim_stats_t *st, sim_stats_station_t *ss, bool connected, bool booted,
                          uint32_t charging_mask);
/**
 * Close the seconds that passed by `now_ms` into the series. @return true if
 * at least one closed (then st->last holds it).
 */
bool sim_stats_advance(sim_stats_t *st, uint32_t now_ms);
/** ms until the current second closes. */
uint32_t sim_stats_due_ms(const sim_stats_t *st, uint32_t now_ms);

/* ------------------------------------------------------------------------ */
/* The simulator's hooks (report.c)                                          */
/* ------------------------------------------------------------------------ */

struct sim;
struct sim_station;
struct sim_opts;

/** Command-line options of this module: --status-line S, --report PATH. */
typedef struct {
    int status_period_s; /**< -1: the default. */
    const char *report;
} sim_stats_opts_t;

/** An option `a` with value `v` of this module: 1 taken, 0 not ours, -1 bad value (printed). */
int sim_stats_option(sim_stats_opts_t *o, const char *a, const char *v);
/** Its usage lines. */
extern const char sim_stats_help[];
/** Allocate sim->stats for sim->n stations and check that --report can be written (a
 *  directory PATH/ is created). @return 0, or the exit status (printed why): 2 for a
 *  --report nowhere to write, 1 out of memory. */
int sim_stats_start(struct sim *sim, const sim_stats_opts_t *o);
/** Free sim->stats (after sim_stats_finish). */
void sim_stats_free(struct sim *sim);
/** The message hook: one call in sim_log_message() (api.c), the frame parsed. */
void sim_stats_message(struct sim_station *s, bool out, unsigned type, const char *msg_id,
                       const char *action, const char *error_code, uint32_t now_ms);
/* sim_stats_event() takes a library event: declared in sim.h. */
/** Once per loop turn: the series and the status line. @return ms until due again. */
uint32_t sim_stats_tick(struct sim *sim, uint32_t now_ms);
/** At exit: the last status line ended, the reports written if --report. */
void sim_stats_finish(struct sim *sim);
/* sim_stats_route(), the REST endpoints, is declared in sim.h (it answers a sim_reply_t). */

#endif /* SIM_STATS_H */
