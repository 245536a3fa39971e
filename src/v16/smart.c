/**
 * @file smart.c
 * @brief OCPP 1.6 Smart Charging profile (§3.13): SetChargingProfile (§5.16),
 *        ClearChargingProfile (§5.5), GetCompositeSchedule (§5.7), the
 *        chargingProfile of RemoteStartTransaction (§5.16.2), and the limit
 *        of each connector as an output (ocpp_cp_callbacks_t.set_limit).
 *
 * Profiles live in ocpp_v16_smart_t.prof (OCPP_CONFIG_CHARGING_PROFILES_MAX
 * slots of OCPP_CONFIG_CHARGING_PERIODS_MAX periods) and are persisted as
 * that array, one atomic write of the record "smartcharging" per change
 * (errata 3.37: "ChargingProfiles set via SetChargingProfile.req SHALL be
 * persistent across reboots/power cycles"); a failed write is retried every
 * 10 s. TxProfiles end with their transaction, so none survives a restart
 * (a power cut stops the transaction, PowerLoss).
 *
 * The limit at a time t is evaluated from the profiles directly: per purpose
 * the valid profile with the highest stackLevel that has a period at t (a gap
 * falls through to the next level), TxProfile over TxDefaultProfile, both
 * capped by the ChargePointMaxProfile (§3.13.3). The evaluation also yields
 * the next time at which anything may change, so a composite schedule is
 * written period by period into the answer (streamed when larger than the
 * buffer) with O(1) stack: no buffer of periods. Its cost is
 * O(boundaries in the window x installed profiles x periods). The output
 * (set_limit) is evaluated again only at that next time, on a new or cleared
 * profile, a transaction start or stop, and a new clock.
 *
 * Conversion between A and W (§7.12): W = A x supply_voltage x phases, the
 * phases of the period (numberPhases, else supply_phases; capped to
 * supply_phases, errata 3.34), limits kept with one decimal (x 10).
 */
#include <string.h>

#include "session/session.h"
#include "util/log.h"
#include "v16/v16.h"

#if OCPP_CONFIG_PROFILE_SMART_CHARGING

#define answer_status ocpp_v16_answer_status

#define P_MAX   1u         /* ChargePointMaxProfile */
#define P_DEF   2u         /* TxDefaultProfile */
#define P_TX    3u         /* TxProfile */
#define K_REC   1u         /* Recurring */
#define K_REL   2u         /* Relative */
#define U_W     1u         /* unit W (0: A) */
#define NEVER   UINT32_MAX /* times: unix s as uint32 (until 2106) */
#define NONE    UINT32_MAX /* no limit */
#define FLOAT_T 0u         /* a Relative schedule without a transaction: it starts now */

static const char k_record[] = "smartcharging";
static const char *const k_purposes[] = {"ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"};
static const char *const k_kinds[] = {"Absolute", "Recurring", "Relative"};
static const char *const k_recur[] = {"Daily", "Weekly"};
static const char *const k_units[] = {"A", "W"};

/** A limit in one unit: value x 10 (NONE: no limit) and its phases. */
typedef struct {
    uint32_t v;
    uint8_t ph;
} lim_t;

/** Unix seconds as uint32: before 1970 0, after 2106 the last second. */
static uint32_t u32time(int64_t t)
{
    return t <= 0 ? 0u : (t >= (int64_t)NEVER ? NEVER - 1u : (uint32_t)t);
}

/** a + b, saturated at NEVER. */
static uint32_t add(uint32_t a, uint32_t b)
{
    return a + b >= a ? a + b : NEVER;
}

static void lower(uint32_t *next, uint32_t t)
{
    *next = t < *next ? t : *next;
}

static uint32_t volts(const ocpp_v16_t *a)
{
    return a->config->supply_voltage != 0u ? a->config->supply_voltage : 230u;
}

static uint8_t supply_phases(const ocpp_v16_t *a)
{
    uint8_t p = a->config->supply_phases;
    return p >= 1u && p <= 3u ? p : 3u;
}

static uint32_t rated_ma(const ocpp_v16_t *a)
{
    return a->config->max_current_ma != 0u ? a->config->max_current_ma : 32000u;
}

/** v x m, saturated below NONE. */
static uint32_t mul(uint32_t v, uint32_t m)
{
    uint64_t r = (uint64_t)v * m;
    return r < NONE ? (uint32_t)r : NONE - 1u;
}

#define REQ 1u /* get_i32: required */
#define POS 2u /* get_i32: >= 0 */

/** An integer field in int32 range (ocpp_rpc_get_int()), unless e is an
 *  error already: then e. */
static ocpp_rpc_err_t get_i32(ocpp_rpc_err_t e, const ocpp_json_value_t *j, const char *key,
                              unsigned how, int64_t *out, const char **desc)
{
    return e != OCPP_RPC_OK
               ? e
               : ocpp_rpc_get_int(j, key, (how & REQ) != 0u, (how & POS) != 0u ? 0 : INT32_MIN,
                                  INT32_MAX, out, desc);
}

/* ------------------------------------------------------------------------ */
/* Evaluation                                                                */
/* ------------------------------------------------------------------------ */

/**
 * Profile p at time t (origin: the start of a Relative schedule): true and
 * its period's raw limit if one applies. Lowers *next to the next time at
 * which that may change (§3.13.2; errata 3.43/3.44: a recurring schedule
 * ends at its duration or at the recurrence, whichever comes first; it
 * begins at its startSchedule).
 */
static bool prof_at(const ocpp_sc_profile_t *p, uint32_t t, uint32_t origin, uint32_t *raw,
                    uint32_t *next)
{
    bool floating = p->kind == K_REL && origin == FLOAT_T;
    uint32_t s0 = p->kind == K_REL ? (floating ? t : origin) : p->start;
    if (p->valid_to != 0 && t >= p->valid_to) {
        return false;
    }
    if (p->valid_to != 0) {
        lower(next, p->valid_to);
    }
    if (t < p->valid_from || t < s0) {
        lower(next, t < p->valid_from ? p->valid_from : s0);
        return false;
    }
    uint32_t off = t - s0;
    uint32_t end = p->duration >= 0 ? (uint32_t)p->duration : NONE;
    if (p->kind == K_REC) {
        uint32_t r = p->recur == 2u ? 7u * 86400u : 86400u;
        off %= r;
        s0 = t - off;
        lower(next, add(s0, r));
        end = end < r ? end : r;
    }
    if (off >= end) {
        return false;
    }
    uint8_t i = 0;
    while (i + 1u < p->n && p->p[i + 1u].start <= off) {
        i++;
    }
    uint32_t pend = i + 1u < p->n && p->p[i + 1u].start < end ? p->p[i + 1u].start : end;
    if (pend != NONE && !floating) {
        lower(next, add(s0, pend));
    }
    *raw = p->p[i].limit;
    return true;
}

/** Does profile p of purpose `pur` apply to connector c (and how closely)? */
static int applies(const ocpp_v16_t *a, const ocpp_sc_profile_t *p, uint8_t c, uint8_t pur)
{
    if (p->purpose != pur) {
        return 0;
    }
    if (pur == P_TX) {
        const ocpp_station_conn_t *k = &a->st->conns[c];
        return p->connector == c && k->tx && (!p->has_tx || p->tx_id == k->tx_id) ? 2 : 0;
    }
    /* §3.13.1: a TxDefaultProfile of connector 0 "is applicable to all
     * Connectors"; one of a connector replaces it "only for that specific
     * connector" (at the same stackLevel). */
    return p->connector == c ? 2 : (p->connector == 0u ? 1 : 0);
}

/** The limit of purpose `pur` on connector c at t in unit u (§3.13.2: "the
 *  prevailing charging profile SHALL be the charging profile with the
 *  highest stackLevel among the profiles that are valid at that point"). */
static lim_t purpose_at(const ocpp_v16_t *a, uint8_t c, uint8_t pur, uint32_t t, uint32_t origin,
                        uint8_t u, uint32_t *next)
{
    const ocpp_sc_profile_t *best = NULL;
    uint32_t raw = 0, best_raw = 0;
    int best_fit = 0;
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        const ocpp_sc_profile_t *p = &a->smart.prof[i];
        int fit = applies(a, p, c, pur);
        if (fit != 0 && prof_at(p, t, origin, &raw, next) &&
            (best == NULL || p->stack > best->stack ||
             (p->stack == best->stack && fit > best_fit))) {
            best = p;
            best_raw = raw;
            best_fit = fit;
        }
    }
    uint8_t sp = supply_phases(a);
    uint8_t ph = (uint8_t)(best_raw & 3u);
    lim_t l = {best_raw >> 2, ph == 0u || ph > sp ? sp : ph};
    uint32_t vp = volts(a) * l.ph;
    if (best == NULL) {
        l.v = NONE;
    } else if (best->unit != u) {
        l.v = u == U_W ? mul(l.v, vp) : l.v / vp;
    }
    return l;
}

/**
 * The limit of connector c (0: the charge point) at t in unit u, NONE if no
 * profile limits it (§3.13.3: "taking the minimum value for each time
 * interval"; TxProfile overrules TxDefaultProfile, §3.13.1; "the limit value
 * of ChargePointMaxProfile is the limit for all connectors combined": each
 * connector in a transaction gets an equal share of it).
 */
static lim_t limit_at(const ocpp_v16_t *a, uint8_t c, uint32_t t, uint32_t origin, uint8_t u,
                      uint32_t *next)
{
    lim_t cp = purpose_at(a, 0, P_MAX, t, origin, u, next);
    if (c == 0u) {
        return cp;
    }
    const ocpp_station_conn_t *k = &a->st->conns[c];
    uint32_t o = k->tx ? u32time(k->tx_start_unix) : origin;
    lim_t tx = purpose_at(a, c, P_TX, t, o, u, next);
    if (tx.v == NONE) {
        tx = purpose_at(a, c, P_DEF, t, o, u, next);
    }
    uint32_t n = 0;
    for (uint8_t i = 1; i <= a->st->n; i++) {
        n += a->st->conns[i].tx ? 1u : 0u;
    }
    cp.v = cp.v != NONE && n > 1u ? cp.v / n : cp.v;
    return cp.v < tx.v ? cp : tx;
}

/* ------------------------------------------------------------------------ */
/* The output                                                                */
/* ------------------------------------------------------------------------ */

/** Evaluate every connector now; tell the application what changed. */
static void update(ocpp_v16_t *a)
{
    ocpp_v16_smart_t *sm = &a->smart;
    uint32_t now = u32time(ocpp_station_time(a->st));
    sm->clock_unix = (uint32_t)a->st->clock_unix;
    sm->clock_ms = a->st->clock_ms;
    sm->next = 0;
    if (now == 0) {
        return; /* profiles need the time */
    }
    uint32_t next = NEVER;
    for (uint8_t c = 1; c <= a->st->n; c++) {
        lim_t l = limit_at(a, c, now, FLOAT_T, 0u, &next);
        ocpp_limit_t o = {.limited = l.v != NONE, .phases = l.ph};
        o.current_ma = o.limited ? mul(l.v, 100u) : rated_ma(a);
        o.power_w = (uint32_t)((uint64_t)o.current_ma * volts(a) * o.phases / 1000u);
        ocpp_limit_t *was = &sm->out[c]; /* power_w follows from the others */
        if (o.limited != was->limited || o.current_ma != was->current_ma ||
            o.phases != was->phases) {
            *was = o;
            if (a->st->cb->set_limit != NULL) {
                a->st->cb->set_limit(a->st->cb->ctx, c, &o);
            }
        }
    }
    sm->next = next != NEVER ? next : 0;
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

static void save(ocpp_v16_t *a)
{
    ocpp_v16_smart_t *sm = &a->smart;
    sm->dirty = false;
    if (a->st->storage == NULL) {
        return;
    }
    ocpp_status_t r = a->st->storage->write(a->st->storage->ctx, k_record,
                                            (const uint8_t *)sm->prof, sizeof sm->prof);
    if (r != OCPP_OK) {
        sm->dirty = true;
        sm->save_failed_ms = a->ss->now_ms;
        a->st->outbox->store_errors++;
        LOGE(&a->st->log, "saving charging profiles: %s", ocpp_status_str(r));
    }
}

/** Remove the TxProfiles of connector c (0: all). @return true if any. */
static bool drop_tx(ocpp_v16_t *a, uint8_t c)
{
    bool any = false;
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        ocpp_sc_profile_t *p = &a->smart.prof[i];
        if (p->purpose == P_TX && (c == 0u || p->connector == c)) {
            memset(p, 0, sizeof *p);
            any = true;
        }
    }
    return any;
}

static void load(ocpp_v16_t *a)
{
    ocpp_v16_smart_t *sm = &a->smart;
    sm->loaded = true;
    if (a->st->storage == NULL) {
        return;
    }
    int32_t n =
        a->st->storage->read(a->st->storage->ctx, k_record, (uint8_t *)sm->prof, sizeof sm->prof);
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        ocpp_sc_profile_t *p = &sm->prof[i];
        if (n != (int32_t)sizeof sm->prof || p->purpose > P_TX || p->n == 0u ||
            p->n > OCPP_CONFIG_CHARGING_PERIODS_MAX) {
            memset(p, 0, sizeof *p); /* no record, another layout, a free slot */
        }
    }
    /* The transactions of TxProfiles were stopped by the power cut. */
    if (drop_tx(a, 0)) {
        save(a);
    }
}

/** A change of the profiles: persist, evaluate. */
static void changed(ocpp_v16_t *a)
{
    save(a);
    update(a);
}

/* ------------------------------------------------------------------------ */
/* SetChargingProfile (§5.16, §6.43, §7.8)                                   */
/* ------------------------------------------------------------------------ */

/** Periods of the schedule object `s` (§7.14). *ok false: Rejected. */
static ocpp_rpc_err_t parse_periods(const ocpp_v16_t *a, const ocpp_json_value_t *s,
                                    ocpp_sc_profile_t *p, bool *ok, const char **desc)
{
    ocpp_json_value_t arr, el;
    ocpp_rpc_err_t e =
        ocpp_rpc_get_container(s, "chargingSchedulePeriod", true, OCPP_JSON_ARRAY, &arr, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    size_t n = ocpp_json_count(&arr);
    if (n == 0u) {
        *desc = "no period"; /* §7.13: 1..* */
        return OCPP_RPC_ERR_OCCURENCE_CONSTRAINT;
    }
    /* §9.4.3 ChargingScheduleMaxPeriods: "Maximum number of periods that may
     * be defined per ChargingSchedule." */
    size_t max = a->cfg->charging_schedule_max_periods;
    max = max < OCPP_CONFIG_CHARGING_PERIODS_MAX ? max : OCPP_CONFIG_CHARGING_PERIODS_MAX;
    *ok = *ok && n <= max;
    ocpp_json_iter_t it;
    (void)ocpp_json_iter_init(&it, &arr);
    for (size_t i = 0; ocpp_json_iter_next(&it, NULL, &el); i++) {
        int64_t start = 0, lim = 0, ph = 0;
        if (el.type != OCPP_JSON_OBJECT) {
            *desc = "period: no object";
            return OCPP_RPC_ERR_TYPE_CONSTRAINT;
        }
        /* A negative startPeriod, limit or numberPhases is no valid value;
         * "limit ... Accepts at most one digit fraction" (§7.14): more
         * digits are rounded. */
        e = get_i32(OCPP_RPC_OK, &el, "startPeriod", REQ | POS, &start, desc);
        if (e == OCPP_RPC_OK) {
            e = ocpp_rpc_get_decimal(&el, "limit", true, 1u, 0, 100000000, &lim, desc);
        }
        if (e == OCPP_RPC_OK) {
            e = ocpp_rpc_get_int(&el, "numberPhases", false, 1, 3, &ph, desc);
        }
        if (e != OCPP_RPC_OK) {
            return e;
        }
        /* errata 3.45: "The startPeriod of the first ChargingSchedulePeriod
         * in a ChargingSchedule SHALL always be 0"; §7.14: "The value of
         * StartPeriod also defines the stop time of the previous period":
         * periods in increasing order, none overlapping. */
        *ok = *ok && (i == 0u ? start == 0 : start > p->p[i - 1u].start);
        /* §9.4.4: without ConnectorSwitch3to1PhaseSupported the phases do not
         * switch during a transaction: one numberPhases per schedule. */
        *ok = *ok && (i == 0u || a->cfg->connector_switch_3to1_phase_supported ||
                      (int64_t)(p->p[0].limit & 3u) == ph);
        if (i < max && *ok) {
            p->p[i].start = (uint32_t)start;
            p->p[i].limit = (uint32_t)lim << 2 | (uint32_t)ph;
            p->n = (uint8_t)(i + 1u);
        }
    }
    return OCPP_RPC_OK;
}

/** chargingSchedule (§7.13). */
static ocpp_rpc_err_t parse_schedule(const ocpp_v16_t *a, const ocpp_json_value_t *s,
                                     ocpp_sc_profile_t *p, int64_t *start, bool *ok,
                                     const char **desc)
{
    int64_t dur = -1, rate = -1;
    size_t unit = 0;
    ocpp_rpc_err_t e = get_i32(OCPP_RPC_OK, s, "duration", POS, &dur, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(s, "startSchedule", false, start, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(s, "chargingRateUnit", true, k_units, 2u, &unit, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_decimal(s, "minChargingRate", false, 1u, 0, 1000000000, &rate, desc);
    }
    if (e == OCPP_RPC_OK) {
        p->duration = (int32_t)dur;
        p->min_rate = (int32_t)rate;
        p->unit = (uint8_t)unit;
        /* §9.4.2 ChargingScheduleAllowedChargingRateUnit: Current, Power. */
        *ok = (a->cfg->charging_schedule_allowed_charging_rate_unit & (1u << unit)) != 0u;
        e = parse_periods(a, s, p, ok, desc);
    }
    return e;
}

/**
 * A ChargingProfile (§7.8) for connector c into *p. remote: the profile of
 * a RemoteStartTransaction (no transaction yet, §5.16.2). @return a
 * CALLERROR code, or OCPP_RPC_OK with *ok false when it is to be Rejected.
 */
static ocpp_rpc_err_t parse(const ocpp_v16_t *a, const ocpp_json_value_t *j, uint8_t c, bool remote,
                            ocpp_sc_profile_t *p, bool *ok, const char **desc)
{
    int64_t id = 0, tx = INT64_MIN, stack = 0;
    int64_t tm[4] = {0, 0, 0,
                     ocpp_station_time(a->st)}; /* validFrom, validTo, startSchedule, now */
    size_t pur = 0, kind = 0, rec = 2;          /* 2: absent */
    ocpp_json_value_t s;
    memset(p, 0, sizeof *p);
    *ok = true;
    ocpp_rpc_err_t e = get_i32(OCPP_RPC_OK, j, "chargingProfileId", REQ, &id, desc);
    e = get_i32(e, j, "transactionId", 0u, &tx, desc);
    e = get_i32(e, j, "stackLevel", REQ | POS, &stack, desc); /* §7.8: "integer >= 0" */
    if (e == OCPP_RPC_OK) { /* errata 3.38: an invalid enumeration value is a
                               PropertyConstraintViolation (ocpp_rpc_get_enum) */
        e = ocpp_rpc_get_enum(j, "chargingProfilePurpose", true, k_purposes, 3u, &pur, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(j, "chargingProfileKind", true, k_kinds, 3u, &kind, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(j, "recurrencyKind", false, k_recur, 2u, &rec, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(j, "validFrom", false, &tm[0], desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(j, "validTo", false, &tm[1], desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(j, "chargingSchedule", true, OCPP_JSON_OBJECT, &s, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = parse_schedule(a, &s, p, &tm[2], ok, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    uint32_t v[4];
    for (uint8_t i = 0; i < 4u; i++) {
        v[i] = u32time(tm[i]);
    }
    p->valid_from = v[0];
    p->valid_to = v[1];
    p->id = (int32_t)id;
    p->tx_id = (int32_t)tx;
    p->has_tx = tx != INT64_MIN;
    p->stack = (int32_t)stack;
    p->connector = c;
    p->purpose = (uint8_t)(pur + 1u);
    p->kind = (uint8_t)kind;
    p->recur = (uint8_t)(rec + 1u) % 3u; /* absent: 2 + 1 -> 0 */
    const ocpp_station_conn_t *k = &a->st->conns[c];
    /* Absolute without startSchedule: from its receipt. */
    p->start = v[2] == 0u && p->kind == 0u ? v[3] : v[2];
    bool tx_ok =
        p->purpose == P_TX
            /* §3.13.1 TxProfile: "If there is no transaction active on the
             * connector specified in a charging profile of type TxProfile,
             * then the Charge Point SHALL discard it and return an error
             * status"; "TxProfile SHALL only be set at Charge Point
             * ConnectorId >0"; §5.16.2: in RemoteStartTransaction "the
             * transactionId SHALL NOT be set" */
            ? (remote ? !p->has_tx : c != 0u && k->tx && (!p->has_tx || p->tx_id == k->tx_id))
            /* §5.16.2: there "the ChargingProfilePurpose MUST be set to
             * TxProfile"; §7.8 transactionId "Only valid if
             * ChargingProfilePurpose is set to TxProfile"; §3.13.1
             * "ChargePointMaxProfile can only be set at Charge Point
             * ConnectorId 0" */
            : !remote && !p->has_tx && (p->purpose != P_MAX || c == 0u);
    bool good = tx_ok &&
                /* §9.4.1 ChargeProfileMaxStackLevel */
                p->stack <= (int32_t)a->cfg->charge_profile_max_stack_level &&
                /* errata 3.56: recurrencyKind "SHALL only be used when"
                 * Recurring; a recurrence needs its startSchedule (§7.8 "the
                 * start point of a recurrence"), so does an Absolute one
                 * without a clock */
                (p->kind == K_REC) == (p->recur != 0u) &&
                (p->valid_to == 0u || p->valid_to > p->valid_from) &&
                (p->kind == K_REL || p->start != 0u);
    *ok = *ok && good;
    return OCPP_RPC_OK;
}

/** *np replaces p: the same id, or the same stackLevel and purpose on the
 *  same connector (§3.13.2, §5.16.3, errata 3.42). */
static bool replaces(const ocpp_sc_profile_t *p, const ocpp_sc_profile_t *np)
{
    return p->purpose != 0u &&
           (p->id == np->id ||
            (p->stack == np->stack && p->purpose == np->purpose && p->connector == np->connector));
}

/** Install *np in place of those it replaces. @return false if there is no
 *  room (MaxChargingProfilesInstalled): nothing changed. */
static bool install(ocpp_v16_t *a, const ocpp_sc_profile_t *np)
{
    ocpp_sc_profile_t *prof = a->smart.prof;
    size_t max = a->cfg->max_charging_profiles_installed, used = 0;
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        used += prof[i].purpose != 0u && !replaces(&prof[i], np) ? 1u : 0u;
    }
    if (used >= max || used >= OCPP_CONFIG_CHARGING_PROFILES_MAX) {
        return false; /* §9.4.5 MaxChargingProfilesInstalled */
    }
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        if (replaces(&prof[i], np)) {
            memset(&prof[i], 0, sizeof prof[i]);
        }
    }
    uint8_t slot = 0;
    while (prof[slot].purpose != 0u) {
        slot++; /* there is one: used < OCPP_CONFIG_CHARGING_PROFILES_MAX */
    }
    prof[slot] = *np;
    return true;
}

static ocpp_rpc_err_t on_set_profile(void *ctx, const ocpp_json_value_t *j, ocpp_jw_t *w,
                                     const char **desc)
{
    ocpp_v16_t *a = ctx;
    int64_t c = 0;
    ocpp_json_value_t prof;
    ocpp_sc_profile_t np;
    bool ok = false;
    ocpp_rpc_err_t e = get_i32(OCPP_RPC_OK, j, "connectorId", REQ | POS, &c, desc);
    if (e == OCPP_RPC_OK && c > (int64_t)a->st->n) {
        /* errata 3.39: "If an invalid value for connectorId is used in
         * SetChargingProfile.req, then the Charge Point SHALL respond with
         * RPC Framework CALLERROR: PropertyConstraintViolation" */
        *desc = "connectorId: no such connector";
        e = OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(j, "csChargingProfiles", true, OCPP_JSON_OBJECT, &prof, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = parse(a, &prof, (uint8_t)c, false, &np, &ok, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ok = ok && install(a, &np);
    answer_status(w, ok ? "Accepted" : "Rejected");
    if (ok) {
        changed(a);
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t tx_profile(ocpp_v16_t *a, uint8_t c, const ocpp_json_value_t *j, bool *ok,
                                 const char **desc)
{
    ocpp_sc_profile_t np;
    ocpp_rpc_err_t e = parse(a, j, c, true, &np, ok, desc);
    if (e == OCPP_RPC_OK && *ok && c != 0u) {
        /* §5.16.2: "The Charge Point SHALL apply the given profile to the
         * newly started transaction." */
        *ok = install(a, &np);
        if (*ok) {
            changed(a);
        }
    }
    return e;
}

/* ------------------------------------------------------------------------ */
/* ClearChargingProfile (§5.5, §6.13)                                        */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_clear_profile(void *ctx, const ocpp_json_value_t *j, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_v16_t *a = ctx;
    const int64_t ANY = INT64_MIN; /* a field that is absent matches any */
    int64_t id = ANY, c = ANY, stack = ANY;
    size_t pur = 3;
    ocpp_rpc_err_t e = get_i32(OCPP_RPC_OK, j, "id", 0u, &id, desc);
    e = get_i32(e, j, "connectorId", POS, &c, desc);
    e = get_i32(e, j, "stackLevel", 0u, &stack, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(j, "chargingProfilePurpose", false, k_purposes, 3u, &pur, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    bool any = false, all_id = id == ANY, all_c = c == ANY, all_s = stack == ANY;
    /* errata 3.25: "If no fields are specified in the ClearChargingProfile.req
     * message, then Charge Point SHALL clear all ChargingProfiles. If one or
     * more fields are specified ..., then Charge Point SHALL clear all
     * ChargingProfiles that match (logical AND) all of the provided fields." */
    for (uint8_t i = 0; i < OCPP_CONFIG_CHARGING_PROFILES_MAX; i++) {
        ocpp_sc_profile_t *p = &a->smart.prof[i];
        if (p->purpose != 0u && (all_id || p->id == (int32_t)id) &&
            (all_c || p->connector == (int32_t)c) && (pur == 3u || p->purpose == pur + 1u) &&
            (all_s || p->stack == (int32_t)stack)) {
            memset(p, 0, sizeof *p);
            any = true;
        }
    }
    /* §7.21: "Unknown: No Charging Profile(s) were found matching the request." */
    answer_status(w, any ? "Accepted" : "Unknown");
    if (any) {
        changed(a);
    }
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* GetCompositeSchedule (§5.7, §6.21, §6.22)                                 */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_get_composite(void *ctx, const ocpp_json_value_t *j, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_v16_t *a = ctx;
    int64_t c = 0, d = 0;
    /* Without chargingRateUnit: A, unless only Power is allowed (§9.4.2). */
    size_t u = a->cfg->charging_schedule_allowed_charging_rate_unit == OCPP_CFG_RATE_UNIT_POWER;
    ocpp_rpc_err_t e = get_i32(OCPP_RPC_OK, j, "connectorId", REQ | POS, &c, desc);
    e = get_i32(e, j, "duration", REQ | POS, &d, desc);
    if (e == OCPP_RPC_OK) { /* errata 3.24: another unit: PropertyConstraintViolation */
        e = ocpp_rpc_get_enum(j, "chargingRateUnit", false, k_units, 2u, &u, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    uint32_t x = u32time(ocpp_station_time(a->st));
    /* §5.7: "If the Charge Point is not able to report the requested
     * schedule, for instance if the connectorId is unknown, it SHALL respond
     * with a status Rejected." (Also without a clock.) */
    if (c > (int64_t)a->st->n || x == 0) {
        answer_status(w, "Rejected");
        return OCPP_RPC_OK;
    }
    /* No limit: the connector's rating. */
    uint32_t none = mul(rated_ma(a) / 100u, u == U_W ? volts(a) * supply_phases(a) : 1u);
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", "Accepted");
    ocpp_jw_kv_int(w, "connectorId", c);
    /* §5.7: "from the moment the request PDU is received: Time X, up to X +
     * Duration"; errata 3.57: the schedule's startSchedule "must be omitted". */
    ocpp_v16_kv_time(w, "scheduleStart", x, 0u);
    ocpp_jw_key(w, "chargingSchedule");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "duration", d);
    ocpp_jw_kv_str(w, "chargingRateUnit", k_units[u]);
    ocpp_jw_key(w, "chargingSchedulePeriod");
    ocpp_jw_arr_open(w);
    /* One period per change of the limit: equal neighbours are merged.
     * Connector 0 (§5.7: "If the ConnectorId in the request is set to '0',
     * the Charge Point SHALL report the total expected power or current the
     * Charge Point expects to consume from the grid during the requested
     * time period"; §6.21: "the expected consumption for the grid
     * connection"): the sum of the limits of the connectors in a
     * transaction (one without a transaction consumes nothing), each its
     * own as above, so the sum stays within the ChargePointMaxProfile: each
     * has its share of it. Phases: the most of them; none: the supply's. */
    lim_t prev = {NONE, 0};
    uint32_t t = x, end = add(x, (uint32_t)d);
    uint8_t lo = c == 0 ? 1u : (uint8_t)c, hi = c == 0 ? a->st->n : (uint8_t)c;
    do {
        uint32_t next = end;
        lim_t l = {0, 0};
        for (uint8_t k = lo; k <= hi; k++) {
            if (c != 0 || a->st->conns[k].tx) {
                lim_t m = limit_at(a, k, t, x, (uint8_t)u, &next);
                l.v = add(l.v, m.v == NONE ? none : m.v);
                l.ph = m.ph > l.ph ? m.ph : l.ph;
            }
        }
        l.ph = l.ph != 0u ? l.ph : supply_phases(a);
        if (l.v != prev.v || l.ph != prev.ph) {
            ocpp_jw_obj_open(w);
            ocpp_jw_kv_int(w, "startPeriod", t - x);
            ocpp_jw_key(w, "limit");
            ocpp_jw_decimal(w, l.v, 1u);
            ocpp_jw_kv_int(w, "numberPhases", l.ph);
            ocpp_jw_obj_close(w);
            prev = l;
        }
        t = next;
    } while (t < end);
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* Hooks                                                                     */
/* ------------------------------------------------------------------------ */

static void smart_on_event(ocpp_v16_t *a, const ocpp_station_event_t *ev)
{
    const ocpp_station_conn_t *k = &a->st->conns[ev->connector];
    switch (ev->kind) {
    case OCPP_STATION_EV_TX_STARTED:
        update(a); /* before the permission: the limit is set first */
        break;
    case OCPP_STATION_EV_TX_STOPPED:
    case OCPP_STATION_EV_AUTH_REJECTED:
    case OCPP_STATION_EV_STATUS:
        /* §3.13.1 TxProfile: "After the transaction is stopped, the profile
         * SHOULD be deleted"; §7.10: it "SHALL cease to be valid when the
         * transaction terminates". One given with a RemoteStartTransaction
         * goes when its transaction does not come (refused, or the
         * connector is Available again). */
        if (ev->connector == 0u || (ev->kind != OCPP_STATION_EV_TX_STOPPED &&
                                    (k->tx || (ev->kind == OCPP_STATION_EV_STATUS &&
                                               ev->value != OCPP_CONNECTOR_AVAILABLE)))) {
            break; /* a refused card during a transaction: its TxProfile stays */
        }
        if (drop_tx(a, ev->connector)) {
            save(a);
        }
        update(a);
        break;
    default: break;
    }
}

static void smart_tick(ocpp_v16_t *a)
{
    ocpp_v16_smart_t *sm = &a->smart;
    bool first = !sm->loaded;
    if (first) {
        load(a); /* then evaluated, also if an event before did with none */
    }
    if (sm->dirty && a->ss->now_ms - sm->save_failed_ms >= OCPP_STATION_SAVE_RETRY_MS) {
        save(a);
    }
    if (first || (uint32_t)a->st->clock_unix != sm->clock_unix || a->st->clock_ms != sm->clock_ms ||
        (sm->next != 0 && ocpp_station_time(a->st) >= sm->next)) {
        update(a);
    }
}

/** smart_tick's timers: the next limit boundary (the tick evaluates it;
 *  this wakes the application in time, ocpp_cp_next_wakeup_ms()), the retry
 *  of a failed write; the first tick (the record is read) and a clock that
 *  was set since the last evaluation at once. ocpp_station_set_now() carries
 *  clock_unix forward with clock_ms, which keeps clock_unix * 1000 - clock_ms
 *  (mod 2^32): that moves only when the clock is set. */
static uint32_t smart_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    const ocpp_v16_smart_t *sm = &a->smart;
    if (!sm->loaded || sm->clock_unix * 1000u - sm->clock_ms !=
                           (uint32_t)a->st->clock_unix * 1000u - a->st->clock_ms) {
        return 0u;
    }
    uint32_t wake = sm->dirty
                        ? ocpp_v16_until(sm->save_failed_ms + OCPP_STATION_SAVE_RETRY_MS, now_ms)
                        : UINT32_MAX;
    if (sm->next != 0u) {
        uint32_t left = ocpp_station_ms_until(a->st, sm->next, now_ms);
        wake = left < wake ? left : wake;
    }
    return wake;
}

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_CLEAR_CHARGING_PROFILE, on_clear_profile},
    {OCPP_ACTION_GET_COMPOSITE_SCHEDULE, on_get_composite},
    {OCPP_ACTION_SET_CHARGING_PROFILE, on_set_profile},
};

const ocpp_v16_profile_t ocpp_v16_smart = {
    .profile = OCPP_CFG_PROFILE_SMART_CHARGING,
    .handlers = k_handlers,
    .n_handlers = (uint8_t)(sizeof k_handlers / sizeof k_handlers[0]),
    .on_event = smart_on_event,
    .tick = smart_tick,
    .tick_due = smart_tick_due,
    .tx_profile = tx_profile,
};

#endif /* OCPP_CONFIG_PROFILE_SMART_CHARGING */
