/*
 * Smart Charging profile of the charge point (src/v16/smart.c): composite
 * schedules number by number (OCPP 1.6 §3.13, §5.7), SetChargingProfile and
 * ClearChargingProfile (§5.16, §5.5) with their bad input, the configuration
 * keys' limits (§9.4), persistence across a restart (errata 3.37), the
 * chargingProfile of RemoteStartTransaction (§5.16.2) and the limit output
 * (ocpp_cp_callbacks_t.set_limit) at period boundaries. A scripted message
 * port; time is passed in, nothing sleeps.
 */
#include "cp_fixture.h"
#include "rpc/rpc.h"

/* The fixture's BootNotification sets the clock to 2026-11-22T06:00:00Z. */
#define T0 1795327200LL

/* ------------------------------------------------------------------------ */
/* A storage port in RAM (persistence across an init)                        */
/* ------------------------------------------------------------------------ */

typedef struct {
    char key[32];
    uint8_t data[4096];
    size_t len;
    bool used;
} rec_t;

static rec_t g_recs[8];
static int g_writes;
static bool g_fail_writes;

static rec_t *rec_find(const char *key)
{
    for (size_t i = 0; i < 8u; i++) {
        if (g_recs[i].used && strcmp(g_recs[i].key, key) == 0) {
            return &g_recs[i];
        }
    }
    return NULL;
}

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    (void)ctx;
    const rec_t *r = rec_find(key);
    if (r == NULL) {
        return OCPP_ERR_NOT_FOUND;
    }
    if (r->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, r->data, r->len);
    return (int32_t)r->len;
}

static ocpp_status_t s_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    (void)ctx;
    if (g_fail_writes) {
        return OCPP_ERR_IO;
    }
    rec_t *r = rec_find(key);
    for (size_t i = 0; r == NULL && i < 8u; i++) {
        if (!g_recs[i].used) {
            r = &g_recs[i];
            r->used = true;
            snprintf(r->key, sizeof r->key, "%s", key);
        }
    }
    assert_non_null(r);
    assert_true(len <= sizeof r->data);
    memcpy(r->data, data, len);
    r->len = len;
    if (strcmp(key, "smartcharging") == 0) {
        g_writes++;
    }
    return OCPP_OK;
}

static ocpp_status_t s_remove(void *ctx, const char *key)
{
    (void)ctx;
    rec_t *r = rec_find(key);
    if (r != NULL) {
        r->used = false;
    }
    return OCPP_OK;
}

static const ocpp_storage_port_t g_storage = {NULL, s_read, s_write, s_remove};

/* ------------------------------------------------------------------------ */
/* Recording set_limit, in order with permit                                 */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint8_t c;
    bool permit; /* a permit call (value in limited), not a limit */
    ocpp_limit_t l;
    int64_t at; /* ocpp_cp_time() of the call */
} call_t;

static call_t g_calls[64];
static int g_n_calls;

static void cb_set_limit(void *ctx, uint8_t c, const ocpp_limit_t *l)
{
    fx_t *x = ctx;
    assert_true(g_n_calls < 64);
    g_calls[g_n_calls++] = (call_t){.c = c, .l = *l, .at = ocpp_cp_time(&x->cp)};
}

static void cb_permit_rec(void *ctx, uint8_t c, bool p)
{
    cb_permit(ctx, c, p);
    if (g_n_calls < 64) {
        g_calls[g_n_calls++] = (call_t){.c = c, .permit = true, .l = {.limited = p}};
    }
}

static void with_limit(ocpp_cp_callbacks_t *cb)
{
    cb->set_limit = cb_set_limit;
    cb->permit = cb_permit_rec;
}

static fx_t *boot(void)
{
    g_n_calls = 0;
    return fx_boot_with(with_limit);
}

/** On g_storage: set_limit recorded, permit not. */
static void with_limit_stored(ocpp_cp_callbacks_t *cb)
{
    cb->set_limit = cb_set_limit;
}

/** A booted charge point on g_storage (fresh: emptied first). */
static fx_t *boot_on(bool fresh)
{
    if (fresh) {
        memset(g_recs, 0, sizeof g_recs);
    }
    g_n_calls = 0;
    return fx_boot_on(&g_storage, with_limit_stored);
}

/** fx_boot_on() on g_storage (a restart keeps what it holds). */
static fx_t *boot_stored(void)
{
    return boot_on(false);
}

/** A charge point on an empty storage. */
static fx_t *boot_fresh(void)
{
    return boot_on(true);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/** Send a CALL from the CSMS; return the answer. */
static const char *csms(fx_t *x, const char *action, const char *payload)
{
    static int n;
    char buf[MSG_CAP];
    char pat[32];
    snprintf(buf, sizeof buf, "[2,\"c%d\",\"%s\",%s]", ++n, action, payload);
    push(x, buf);
    step(x, 0);
    int k = snprintf(pat, sizeof pat, "\"c%d\",", n);
    for (int i = x->f.n_sent - 1; i >= 0; i--) {
        if ((x->f.sent[i][1] == '3' || x->f.sent[i][1] == '4') &&
            strncmp(x->f.sent[i] + 3, pat, (size_t)k) == 0) {
            return x->f.sent[i];
        }
    }
    fail_msg("no answer to %s", action);
    return "";
}

/** The status of an answer ({"status":"..."}), or the CALLERROR code. */
static const char *status_of(const char *ans)
{
    static char out[64];
    const char *p =
        ans[1] == '4' ? strchr(strchr(ans + 4, ',') + 1, '"') : strstr(ans, "\"status\":\"");
    assert_non_null(p);
    p = ans[1] == '4' ? p + 1 : p + 10;
    size_t n = (size_t)(strchr(p, '"') - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static const char *set_profile(fx_t *x, int connector, const char *profile)
{
    char buf[MSG_CAP];
    snprintf(buf, sizeof buf, "{\"connectorId\":%d,\"csChargingProfiles\":%s}", connector, profile);
    return status_of(csms(x, "SetChargingProfile", buf));
}

/** A profile: id, stack, purpose, kind, extra fields ("" or ending in ','),
 *  unit, periods, schedule extra ("" or ending in ','). */
static const char *prof(int id, int stack, const char *purpose, const char *kind, const char *extra,
                        const char *sched_extra, const char *unit, const char *periods)
{
    static char buf[2][1024];
    static int i;
    i ^= 1;
    snprintf(buf[i], sizeof buf[i],
             "{\"chargingProfileId\":%d,\"stackLevel\":%d,\"chargingProfilePurpose\":\"%s\","
             "\"chargingProfileKind\":\"%s\",%s\"chargingSchedule\":{%s\"chargingRateUnit\":"
             "\"%s\",\"chargingSchedulePeriod\":[%s]}}",
             id, stack, purpose, kind, extra, sched_extra, unit, periods);
    return buf[i];
}

static const char *iso(int64_t off)
{
    static char buf[4][OCPP_RPC_DATETIME_LEN + 1];
    static int i;
    i = (i + 1) & 3;
    ocpp_rpc_format_datetime(T0 + off, 0, buf[i]);
    return buf[i];
}

/** "\"startSchedule\":\"<T0 + off>\"," */
static const char *start_at(int64_t off)
{
    static char buf[2][64];
    static int i;
    i ^= 1;
    snprintf(buf[i], sizeof buf[i], "\"startSchedule\":\"%s\",", iso(off));
    return buf[i];
}

/** GetCompositeSchedule: the periods array of the answer, "" if Rejected. */
static const char *composite(fx_t *x, int connector, int duration, const char *unit)
{
    static char out[MSG_CAP];
    char req[128];
    snprintf(req, sizeof req, "{\"connectorId\":%d,\"duration\":%d%s%s%s}", connector, duration,
             unit != NULL ? ",\"chargingRateUnit\":\"" : "", unit != NULL ? unit : "",
             unit != NULL ? "\"" : "");
    const char *ans = csms(x, "GetCompositeSchedule", req);
    assert_true(ans[1] == '3');
    if (strcmp(status_of(ans), "Accepted") != 0) {
        return "";
    }
    char head[160];
    snprintf(head, sizeof head, "\"connectorId\":%d,\"scheduleStart\":\"%s\"", connector,
             iso(ocpp_cp_time(&x->cp) - T0));
    assert_non_null(strstr(ans, head));
    const char *p = strstr(ans, "\"chargingSchedulePeriod\":[");
    assert_non_null(p);
    p += strlen("\"chargingSchedulePeriod\":");
    size_t n = (size_t)(strchr(p, ']') - p) + 1u;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/** Plug in, present `tag`, accept Authorize and StartTransaction (id). */
static void start_tx(fx_t *x, uint8_t c, const char *tag, int id)
{
    char buf[128];
    assert_int_equal(ocpp_cp_plugged(&x->cp, c, true), OCPP_OK);
    assert_int_equal(ocpp_cp_present_id(&x->cp, c, tag), OCPP_OK);
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_true(is_call(last(x), "StartTransaction"));
    snprintf(buf, sizeof buf, "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}", id);
    reply(x, buf);
    ack_status(x);
}

/** Move the clock on by `s` seconds, answering what goes out. */
static void wait_s(fx_t *x, uint32_t s)
{
    for (uint32_t i = 0; i < s; i++) {
        step(x, 1000);
        if (x->f.n_sent > x->seen && is_call(last(x), "Heartbeat")) {
            x->seen = x->f.n_sent;
            char buf[64];
            snprintf(buf, sizeof buf, "{\"currentTime\":\"%s\"}", iso(ocpp_cp_time(&x->cp) - T0));
            reply(x, buf);
        }
        x->seen = x->f.n_sent;
    }
}

#define P(start, limit) "{\"startPeriod\":" #start ",\"limit\":" #limit "}"
#define PP(start, limit, phase) \
    "{\"startPeriod\":" #start ",\"limit\":" #limit ",\"numberPhases\":" #phase "}"
#define R(start, limit, phase) \
    "{\"startPeriod\":" #start ",\"limit\":" #limit ",\"numberPhases\":" #phase "}"

/* ------------------------------------------------------------------------ */
/* GetCompositeSchedule, number by number                                    */
/* ------------------------------------------------------------------------ */

/* §3.13.2: "At any point in time the prevailing charging profile SHALL be the
 * charging profile with the highest stackLevel among the profiles that are
 * valid at that point in time"; errata 3.43: after a schedule's duration "the
 * Charge Point SHALL use a ChargingProfile with a lower stackLevel if
 * available". Two TxDefault levels: level 1 for an hour (10 A, then 8 A),
 * level 0 (16 A) below it. */
static void test_stacked_tx_default_levels(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(
        set_profile(x, 0,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    assert_string_equal(
        set_profile(x, 0,
                    prof(2, 1, "TxDefaultProfile", "Absolute", "",
                         "\"duration\":3600,\"startSchedule\":\"2026-11-22T06:00:00Z\",", "A",
                         P(0, 10) "," P(1800, 8))),
        "Accepted");
    assert_string_equal(composite(x, 1, 7200, "A"),
                        "[" R(0, 10.0, 3) "," R(1800, 8.0, 3) "," R(3600, 16.0, 3) "]");
    /* The same for connector 2 (a TxDefaultProfile of connector 0 "is
     * applicable to all Connectors", §3.13.1). */
    assert_string_equal(composite(x, 2, 7200, "A"),
                        "[" R(0, 10.0, 3) "," R(1800, 8.0, 3) "," R(3600, 16.0, 3) "]");
    /* "In the event a TxDefaultProfile for connector 0 is installed, and the
     * Central System sends a new profile with ConnectorId >0, the
     * TxDefaultProfile SHALL be replaced only for that specific connector." */
    assert_string_equal(
        set_profile(x, 2,
                    prof(3, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 12))),
        "Accepted");
    assert_string_equal(composite(x, 2, 7200, "A"), "[" R(0, 12.0, 3) "]");
    assert_string_equal(composite(x, 1, 7200, "A"),
                        "[" R(0, 10.0, 3) "," R(1800, 8.0, 3) "," R(3600, 16.0, 3) "]");
}

/* §3.13.1: TxProfile "SHALL overrule the default charging profile with purpose
 * TxDefaultProfile for the duration of the current transaction"; §3.13.3:
 * "The Composite Schedule ... is calculated by taking the minimum value for
 * each time interval" of it and the ChargePointMaxProfile. */
static void test_tx_over_default_under_cp_max(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(set_profile(x, 0,
                                    prof(1, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0),
                                         "A", P(0, 32) "," P(1800, 12))),
                        "Accepted");
    assert_string_equal(
        set_profile(x, 1,
                    prof(2, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    /* Without a transaction: TxDefault under ChargePointMax. */
    assert_string_equal(composite(x, 1, 3600, "A"), "[" R(0, 16.0, 3) "," R(1800, 12.0, 3) "]");
    start_tx(x, 1, "TAG1", 7);
    assert_string_equal(set_profile(x, 1,
                                    prof(3, 0, "TxProfile", "Absolute", "\"transactionId\":7,",
                                         start_at(0), "A", P(0, 20) "," P(2700, 6))),
                        "Accepted");
    assert_string_equal(composite(x, 1, 3600, "A"),
                        "[" R(0, 20.0, 3) "," R(1800, 12.0, 3) "," R(2700, 6.0, 3) "]");
    /* Connector 0: what the charge point takes from the grid, connector 1's. */
    assert_string_equal(composite(x, 0, 3600, "A"),
                        "[" R(0, 20.0, 3) "," R(1800, 12.0, 3) "," R(2700, 6.0, 3) "]");
    /* Two transactions share the ChargePointMaxProfile ("the limit for all
     * connectors combined"): 12 A becomes 6 A each. */
    start_tx(x, 2, "TAG2", 8);
    assert_string_equal(composite(x, 1, 3600, "A"), "[" R(0, 16.0, 3) "," R(1800, 6.0, 3) "]");
    assert_string_equal(composite(x, 0, 3600, "A"), "[" R(0, 32.0, 3) "," R(1800, 12.0, 3) "]");
}

/* §7.9 Recurring: "The schedule restarts periodically at the first schedule
 * period"; errata 3.43: after the duration the charge point falls back "as if
 * no ChargingProfile is installed". Daily from 20:00 for 8 hours: 6 A, then
 * 10 A from 23:00 across midnight to 04:00; no limit (the rating, 32 A)
 * otherwise. */
static void test_daily_recurring_across_midnight(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(
        set_profile(x, 0,
                    prof(1, 0, "TxDefaultProfile", "Recurring", "\"recurrencyKind\":\"Daily\",",
                         "\"duration\":28800,\"startSchedule\":\"2026-11-20T20:00:00Z\",", "A",
                         P(0, 6) "," P(10800, 10))),
        "Accepted");
    /* From 06:00 for 24 h: 20:00 = +50400, 23:00 = +61200, 04:00 = +79200. */
    assert_string_equal(composite(x, 1, 86400, "A"), "[" R(0, 32.0, 3) "," R(50400, 6.0, 3) "," R(
                                                         61200, 10.0, 3) "," R(79200, 32.0, 3) "]");
    /* At 02:00 the next day (within the recurrence that began at 20:00). */
    wait_s(x, 72000);
    assert_string_equal(composite(x, 1, 10800, "A"), "[" R(0, 10.0, 3) "," R(7200, 32.0, 3) "]");
}

/* §7.9 Relative: "Schedule periods are relative to a situation-specific start
 * point (such as the start of a Transaction)". A TxProfile set 10 minutes
 * into the transaction counts from its start. */
static void test_relative_from_transaction_start(void **s)
{
    (void)s;
    fx_t *x = boot();
    start_tx(x, 1, "TAG1", 7);
    wait_s(x, 600);
    assert_string_equal(set_profile(x, 1,
                                    prof(1, 0, "TxProfile", "Relative", "", "", "A",
                                         P(0, 16) "," P(1200, 8) "," P(2400, 10))),
                        "Accepted");
    assert_string_equal(composite(x, 1, 3000, "A"),
                        "[" R(0, 16.0, 3) "," R(600, 8.0, 3) "," R(1800, 10.0, 3) "]");
}

/* §7.12 W: "Current per phase = Power / (Line Voltage * Number of Phases)",
 * the line voltage "the set voltage for the area" (230 V here), "if
 * numberPhases in a ChargingSchedulePeriod is absent, 3 SHALL be assumed".
 * A profile in W read in A, and in W; a profile in A read in W. */
static void test_w_read_in_a_and_reverse(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(set_profile(x, 1,
                                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "W",
                                         P(0, 11040) "," P(1800, 4140))),
                        "Accepted");
    /* 11040 / (230 * 3) = 16 A; 4140 / 690 = 6 A. */
    assert_string_equal(composite(x, 1, 3600, "A"), "[" R(0, 16.0, 3) "," R(1800, 6.0, 3) "]");
    assert_string_equal(composite(x, 1, 3600, "W"),
                        "[" R(0, 11040.0, 3) "," R(1800, 4140.0, 3) "]");
    /* One phase: 7360 W / 230 V = 32 A on it. */
    assert_string_equal(
        set_profile(
            x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "W", PP(0, 7360, 1))),
        "Accepted");
    assert_string_equal(composite(x, 1, 600, "A"), "[" R(0, 32.0, 1) "]");
    /* The reverse: 10.5 A on 3 phases = 10.5 * 230 * 3 = 7245 W. */
    assert_string_equal(
        set_profile(x, 2,
                    prof(3, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 10.5))),
        "Accepted");
    assert_string_equal(composite(x, 2, 600, "W"), "[" R(0, 7245.0, 3) "]");
    assert_string_equal(composite(x, 2, 600, "A"), "[" R(0, 10.5, 3) "]");
    /* W and A mixed: the minimum in the unit asked (ChargePointMax 20 A =
     * 13800 W over TxDefault 11040 W). */
    assert_string_equal(set_profile(x, 0,
                                    prof(4, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0),
                                         "A", P(0, 20) "," P(1200, 5))),
                        "Accepted");
    assert_string_equal(composite(x, 1, 3600, "W"), "[" R(0, 7360.0, 1) "," R(1200, 3450.0, 3) "]");
}

/* §7.8 validFrom: "Point in time at which the profile starts to be valid";
 * validTo: "Point in time at which the profile stops to be valid"; §3.13.2:
 * the prevailing profile is the highest stackLevel "among the profiles that
 * are valid at that point in time". */
static void test_valid_from_to_cut(void **s)
{
    (void)s;
    fx_t *x = boot();
    char extra[128];
    snprintf(extra, sizeof extra, "\"validFrom\":\"%s\",\"validTo\":\"%s\",", iso(600), iso(1800));
    assert_string_equal(
        set_profile(x, 0,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    assert_string_equal(set_profile(x, 0,
                                    prof(2, 1, "TxDefaultProfile", "Absolute", extra, start_at(0),
                                         "A", P(0, 8) "," P(900, 7))),
                        "Accepted");
    assert_string_equal(composite(x, 1, 3600, "A"), "[" R(0, 16.0, 3) "," R(600, 8.0, 3) "," R(
                                                        900, 7.0, 3) "," R(1800, 16.0, 3) "]");
    /* A window that ends inside: duration 700 s. */
    assert_string_equal(composite(x, 1, 700, "A"), "[" R(0, 16.0, 3) "," R(600, 8.0, 3) "]");
}

/* §5.7: "If the Charge Point is not able to report the requested schedule,
 * for instance if the connectorId is unknown, it SHALL respond with a status
 * Rejected."; errata 3.24: another chargingRateUnit is a
 * PropertyConstraintViolation. Without a profile: the rating. */
static void test_composite_rejected_and_empty(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(composite(x, 3, 600, "A"), "");
    assert_string_equal(
        status_of(csms(x, "GetCompositeSchedule",
                       "{\"connectorId\":1,\"duration\":60,\"chargingRateUnit\":\"kW\"}")),
        "PropertyConstraintViolation");
    assert_string_equal(status_of(csms(x, "GetCompositeSchedule", "{\"connectorId\":1}")),
                        "OccurenceConstraintViolation");
    assert_string_equal(composite(x, 1, 600, NULL), "[" R(0, 32.0, 3) "]");
    assert_string_equal(composite(x, 0, 600, "A"), "[" R(0, 0.0, 3) "]");
    assert_string_equal(composite(x, 1, 0, "W"), "[" R(0, 22080.0, 3) "]");
}

/* §5.7: "If the ConnectorId in the request is set to '0', the Charge Point
 * SHALL report the total expected power or current the Charge Point expects
 * to consume from the grid during the requested time period" (§6.21: "the
 * expected consumption for the grid connection"). Per
 * time slot the sum of the connectors' limits (each one's share of the
 * ChargePointMaxProfile, §3.13.3 "the limit for all connectors combined"),
 * a connector without a transaction taking nothing, in the unit asked,
 * merged. ChargePointMaxProfile 40 A, from 1200 s 20 A. */
static void test_composite_connector0_total(void **s)
{
    (void)s;
    fx_t *x = boot();
    /* Bad input for connector 0 as for any other. */
    assert_string_equal(
        status_of(csms(x, "GetCompositeSchedule", "{\"connectorId\":0,\"duration\":-1}")),
        "PropertyConstraintViolation");
    assert_string_equal(status_of(csms(x, "GetCompositeSchedule",
                                       "{\"connectorId\":0,\"duration\":60,"
                                       "\"chargingRateUnit\":\"kW\"}")),
                        "PropertyConstraintViolation");
    /* No transaction at all: 0, in A and in W, with or without a profile. */
    assert_string_equal(composite(x, 0, 600, "A"), "[" R(0, 0.0, 3) "]");
    assert_string_equal(set_profile(x, 0,
                                    prof(1, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0),
                                         "A", P(0, 40) "," P(1200, 20))),
                        "Accepted");
    assert_string_equal(composite(x, 0, 1800, "A"), "[" R(0, 0.0, 3) "]");
    assert_string_equal(composite(x, 0, 1800, "W"), "[" R(0, 0.0, 3) "]");
    /* Connector 1 in a transaction (10 A, from 600 s 20 A), connector 2 idle:
     * 0 from connector 2, although its own limit is 40 A then 20 A. */
    start_tx(x, 1, "TAG1", 7);
    assert_string_equal(set_profile(x, 1,
                                    prof(2, 0, "TxProfile", "Absolute", "", start_at(0), "A",
                                         P(0, 10) "," P(600, 20))),
                        "Accepted");
    assert_string_equal(composite(x, 2, 1800, "A"), "[" R(0, 40.0, 3) "," R(1200, 20.0, 3) "]");
    assert_string_equal(composite(x, 0, 1800, "A"), "[" R(0, 10.0, 3) "," R(600, 20.0, 3) "]");
    /* Both in a transaction, connector 2 with 16 A, 6 A from 600 s, 18 A
     * from 900 s: 10 + 16, 20 + 6 (the same 26 A: merged), 20 + 18, then
     * from 1200 s each its share of 20 A: the sum is the cap, 20 A. */
    start_tx(x, 2, "TAG2", 8);
    assert_string_equal(set_profile(x, 2,
                                    prof(3, 0, "TxProfile", "Absolute", "", start_at(0), "A",
                                         P(0, 16) "," P(600, 6) "," P(900, 18))),
                        "Accepted");
    assert_string_equal(composite(x, 0, 1800, "A"),
                        "[" R(0, 26.0, 3) "," R(900, 38.0, 3) "," R(1200, 20.0, 3) "]");
    /* In W: 230 V x 3 phases x A. */
    assert_string_equal(composite(x, 0, 1800, "W"),
                        "[" R(0, 17940.0, 3) "," R(900, 26220.0, 3) "," R(1200, 13800.0, 3) "]");
    /* Connectors in a transaction without any limit: each its rating, 32 A. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{}")), "Accepted");
    assert_string_equal(composite(x, 0, 600, "A"), "[" R(0, 64.0, 3) "]");
    assert_string_equal(composite(x, 0, 600, "W"), "[" R(0, 44160.0, 3) "]");
}

/* ------------------------------------------------------------------------ */
/* SetChargingProfile: replacement, bad input, the keys' limits               */
/* ------------------------------------------------------------------------ */

/* §5.16.4: "If a charging profile with the same chargingProfileId, or the
 * same combination of stackLevel / ChargingProfilePurpose, exists on the
 * Charge Point, the new charging profile SHALL replace the existing charging
 * profile, otherwise it SHALL be added." */
static void test_replace_by_id_and_by_level(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    /* Same id, another level: replaced. */
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 2, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 14))),
        "Accepted");
    /* Another id, the same level and purpose: replaced. */
    assert_string_equal(
        set_profile(x, 1,
                    prof(5, 2, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 12))),
        "Accepted");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 12.0, 3) "]");
    /* Only one is left: clearing id 5 leaves none (id 1 was replaced). */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":5}")), "Accepted");
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":1}")), "Unknown");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 32.0, 3) "]");
}

/** A bad SetChargingProfile gets `want` and changes nothing. */
static void bad(fx_t *x, int connector, const char *profile, const char *want)
{
    const char *before = "[" R(0, 10.0, 3) "]";
    assert_string_equal(composite(x, 1, 60, "A"), before);
    int writes = g_writes;
    assert_string_equal(set_profile(x, connector, profile), want);
    assert_string_equal(composite(x, 1, 60, "A"), before);
    assert_int_equal(g_writes, writes);
}

/* The bad input of SetChargingProfile: each gets the answer of the spec or
 * the schema and changes nothing. */
static void test_set_profile_bad_input(void **s)
{
    (void)s;
    fx_t *x = boot_fresh();
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 10))),
        "Accepted");
    /* §7.14: "The value of StartPeriod also defines the stop time of the
     * previous period": unsorted or overlapping periods are Rejected. */
    bad(x, 1,
        prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A",
             P(0, 8) "," P(1800, 6) "," P(900, 7)),
        "Rejected");
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 8) "," P(0, 6)),
        "Rejected");
    /* errata 3.45: "The startPeriod of the first ChargingSchedulePeriod in a
     * ChargingSchedule SHALL always be 0." */
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(60, 8)),
        "Rejected");
    /* A negative limit is no valid value (OCPP-J §4.2.3
     * PropertyConstraintViolation: "at least one field contains an invalid
     * value"). */
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, -8)),
        "PropertyConstraintViolation");
    /* errata 3.38: "If an invalid value is used for an enumeration in
     * ChargingProfile or ChargingSchedule ... CALLERROR:
     * PropertyConstraintViolation" */
    bad(x, 1, prof(2, 1, "TxSuperProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "PropertyConstraintViolation");
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "kW", P(0, 8)),
        "PropertyConstraintViolation");
    /* §3.13.1: TxProfile: "If there is no transaction active on the connector
     * ... the Charge Point SHALL discard it and return an error status" */
    bad(x, 1, prof(2, 1, "TxProfile", "Relative", "", "", "A", P(0, 8)), "Rejected");
    /* "ChargePointMaxProfile can only be set at Charge Point ConnectorId 0" */
    bad(x, 1, prof(2, 1, "ChargePointMaxProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "Rejected");
    /* "TxProfile SHALL only be set at Charge Point ConnectorId >0" */
    bad(x, 0, prof(2, 1, "TxProfile", "Relative", "", "", "A", P(0, 8)), "Rejected");
    /* errata 3.39: an invalid connectorId: PropertyConstraintViolation. */
    bad(x, 3, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "PropertyConstraintViolation");
    /* §7.8 stackLevel "integer >= 0" */
    bad(x, 1, prof(2, -1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "PropertyConstraintViolation");
    /* errata 3.56: recurrencyKind "SHALL only be used when" Recurring; a
     * Recurring one needs it and its start. */
    bad(x, 1,
        prof(2, 1, "TxDefaultProfile", "Absolute", "\"recurrencyKind\":\"Daily\",", start_at(0),
             "A", P(0, 8)),
        "Rejected");
    bad(x, 1,
        prof(2, 1, "TxDefaultProfile", "Recurring", "\"recurrencyKind\":\"Daily\",", "", "A",
             P(0, 8)),
        "Rejected");
    /* §7.13 chargingSchedulePeriod 1..*: none is an occurrence violation. */
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", ""),
        "OccurenceConstraintViolation");
    /* validTo before validFrom. */
    char extra[128];
    snprintf(extra, sizeof extra, "\"validFrom\":\"%s\",\"validTo\":\"%s\",", iso(600), iso(60));
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", extra, start_at(0), "A", P(0, 8)),
        "Rejected");
}

/* §9.4 keys "with their limits enforced": ChargeProfileMaxStackLevel,
 * ChargingScheduleMaxPeriods, MaxChargingProfilesInstalled,
 * ChargingScheduleAllowedChargingRateUnit, ConnectorSwitch3to1PhaseSupported:
 * beyond them Rejected, nothing changed. */
static void test_key_limits(void **s)
{
    (void)s;
    fx_t *x = boot_fresh();
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 10))),
        "Accepted");
    /* §9.4.1 ChargeProfileMaxStackLevel 8 */
    bad(x, 1, prof(2, 9, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "Rejected");
    /* §9.4.3 ChargingScheduleMaxPeriods 24: 25 periods. */
    char periods[1024] = "";
    for (int i = 0; i < 25; i++) {
        size_t n = strlen(periods);
        snprintf(periods + n, sizeof periods - n, "%s{\"startPeriod\":%d,\"limit\":8}",
                 i ? "," : "", i * 60);
    }
    bad(x, 1, prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", periods),
        "Rejected");
    periods[strlen(periods) - strlen(",{\"startPeriod\":1440,\"limit\":8}")] = '\0';
    assert_string_equal(
        set_profile(x, 2,
                    prof(2, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", periods)),
        "Accepted");
    /* §9.4.4 ConnectorSwitch3to1PhaseSupported false: no switch of phases
     * within a schedule. */
    bad(x, 1,
        prof(3, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A",
             PP(0, 8, 3) "," PP(60, 8, 1)),
        "Rejected");
    /* §9.4.5 MaxChargingProfilesInstalled 4: two more fit, the fifth not;
     * a replacement still does. */
    assert_string_equal(
        set_profile(x, 2,
                    prof(3, 2, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 9))),
        "Accepted");
    assert_string_equal(
        set_profile(
            x, 0, prof(4, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0), "A", P(0, 40))),
        "Accepted");
    bad(x, 1, prof(5, 3, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 8)),
        "Rejected");
    assert_string_equal(
        set_profile(x, 0,
                    prof(4, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0), "A", P(0, 8))),
        "Accepted");
    assert_string_equal(composite(x, 2, 60, "A"), "[" R(0, 8.0, 3) "]");
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":4}")), "Accepted");
    /* §9.4.2 ChargingScheduleAllowedChargingRateUnit "Current" only: W is Rejected. */
    assert_int_equal(ocpp_cp_key_set(&x->cp, "ChargingScheduleAllowedChargingRateUnit", "Current"),
                     OCPP_KEY_ACCEPTED);
    bad(x, 1, prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "W", P(0, 6900)),
        "Rejected");
    /* Set lower locally, the limit follows the key. */
    assert_int_equal(ocpp_cp_key_set(&x->cp, "ChargeProfileMaxStackLevel", "1"), OCPP_KEY_ACCEPTED);
    bad(x, 2, prof(3, 2, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 9)),
        "Rejected");
}

/* ------------------------------------------------------------------------ */
/* ClearChargingProfile                                                      */
/* ------------------------------------------------------------------------ */

/* errata 3.25: "If no fields are specified ... the Charge Point SHALL clear
 * all ChargingProfiles. If one or more fields are specified ... clear all
 * ChargingProfiles that match (logical AND) all of the provided fields";
 * §7.21 Unknown: "No Charging Profile(s) were found matching the request." */
static void test_clear_combinations(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(
        set_profile(
            x, 0, prof(1, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0), "A", P(0, 30))),
        "Accepted");
    assert_string_equal(
        set_profile(x, 1,
                    prof(2, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    assert_string_equal(
        set_profile(x, 1,
                    prof(3, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 12))),
        "Accepted");
    assert_string_equal(
        set_profile(x, 2,
                    prof(4, 1, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 11))),
        "Accepted");
    /* Nothing matches all fields: Unknown, nothing cleared. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":2,\"stackLevel\":1}")),
                        "Unknown");
    assert_string_equal(
        status_of(csms(x, "ClearChargingProfile",
                       "{\"connectorId\":2,\"chargingProfilePurpose\":\"ChargePointMaxProfile\"}")),
        "Unknown");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 12.0, 3) "]");
    /* Connector 1 and stack level 1: id 3 only. */
    assert_string_equal(
        status_of(csms(x, "ClearChargingProfile", "{\"connectorId\":1,\"stackLevel\":1}")),
        "Accepted");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 16.0, 3) "]");
    assert_string_equal(composite(x, 2, 60, "A"), "[" R(0, 11.0, 3) "]");
    /* By purpose: both TxDefaultProfiles left. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile",
                                       "{\"chargingProfilePurpose\":\"TxDefaultProfile\"}")),
                        "Accepted");
    assert_string_equal(composite(x, 2, 60, "A"), "[" R(0, 30.0, 3) "]");
    /* All. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{}")), "Accepted");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 32.0, 3) "]");
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{}")), "Unknown");
    /* An unknown purpose: PropertyConstraintViolation. */
    assert_string_equal(
        status_of(csms(x, "ClearChargingProfile", "{\"chargingProfilePurpose\":\"Tx\"}")),
        "PropertyConstraintViolation");
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

/* errata 3.37: "ChargingProfiles set via SetChargingProfile.req SHALL be
 * persistent across reboots/power cycles." A TxProfile "SHALL cease to be
 * valid when the transaction terminates" (§7.10): the power cut ends it. */
static void test_profiles_survive_restart(void **s)
{
    (void)s;
    memset(g_recs, 0, sizeof g_recs);
    fx_t *x = boot_fresh();
    assert_string_equal(set_profile(x, 0,
                                    prof(1, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0),
                                         "A", P(0, 30) "," P(600, 12))),
                        "Accepted");
    assert_string_equal(
        set_profile(x, 2,
                    prof(2, 3, "TxDefaultProfile", "Recurring", "\"recurrencyKind\":\"Weekly\",",
                         start_at(-3600), "W", P(0, 6900))),
        "Accepted");
    assert_string_equal(
        set_profile(x, 1, prof(3, 0, "TxDefaultProfile", "Relative", "", "", "A", P(0, 16))),
        "Accepted");
    start_tx(x, 1, "TAG1", 7);
    assert_string_equal(
        set_profile(x, 1, prof(4, 0, "TxProfile", "Relative", "", "", "A", P(0, 6))), "Accepted");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 6.0, 3) "]");
    /* Power cut, restart on the same storage. */
    x = boot_stored();
    assert_string_equal(composite(x, 1, 1200, "A"), "[" R(0, 16.0, 3) "," R(600, 12.0, 3) "]");
    assert_string_equal(composite(x, 2, 60, "W"), "[" R(0, 6900.0, 3) "]");
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 16.0, 3) "]");
    /* The TxProfile went with its transaction: id 4 is unknown. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":4}")), "Unknown");
    /* A clear is persisted too. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":1}")), "Accepted");
    x = boot_stored();
    assert_string_equal(composite(x, 1, 1200, "A"), "[" R(0, 16.0, 3) "]");
    assert_string_equal(composite(x, 2, 60, "W"), "[" R(0, 6900.0, 3) "]");
}

static const call_t *last_limit(uint8_t c)
{
    for (int i = g_n_calls - 1; i >= 0; i--) {
        if (!g_calls[i].permit && g_calls[i].c == c) {
            return &g_calls[i];
        }
    }
    return NULL;
}

/* A failed write keeps the profile in force and is retried every 10 s. */
static void test_failed_write_is_retried(void **s)
{
    (void)s;
    memset(g_recs, 0, sizeof g_recs);
    fx_t *x = boot_fresh();
    g_fail_writes = true;
    assert_string_equal(
        set_profile(
            x, 0, prof(1, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0), "A", P(0, 30))),
        "Accepted");
    assert_null(rec_find("smartcharging"));
    g_fail_writes = false;
    wait_s(x, 9);
    assert_null(rec_find("smartcharging"));
    wait_s(x, 1);
    assert_non_null(rec_find("smartcharging"));
    x = boot_stored();
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 30.0, 3) "]");
}

/* ------------------------------------------------------------------------ */
/* The limit output                                                          */
/* ------------------------------------------------------------------------ */

/* §3.13.4 Central Smart Charging: "While charging is in progress the
 * connector will continuously adapt the maximum current or power according to
 * the charging profile": set_limit at every boundary, exactly on time, and
 * not in between. */
static void test_set_limit_at_boundaries(void **s)
{
    (void)s;
    fx_t *x = boot();
    /* The clock was set: "no limit" for both connectors once. */
    assert_int_equal(g_n_calls, 2);
    assert_false(g_calls[0].l.limited);
    assert_int_equal(g_calls[0].l.current_ma, 32000);
    assert_int_equal(g_calls[0].l.power_w, 22080);
    assert_int_equal(g_calls[0].l.phases, 3);
    char extra[64];
    snprintf(extra, sizeof extra, "\"validTo\":\"%s\",", iso(300));
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 0, "TxDefaultProfile", "Absolute", extra,
                         "\"duration\":200,\"startSchedule\":\"2026-11-22T06:00:00Z\",", "A",
                         P(0, 16) "," P(60, 10))),
        "Accepted");
    assert_string_equal(set_profile(x, 0,
                                    prof(2, 0, "ChargePointMaxProfile", "Absolute", "", start_at(0),
                                         "W", P(0, 50000) "," P(250, 4140))),
                        "Accepted");
    /* Connector 1: 16 A; connector 2: 50 kW / 690 V = 72.4 A (a profile
     * applies, the application caps it at its rating). */
    assert_int_equal(g_n_calls, 4);
    const call_t *l = last_limit(1);
    assert_true(l->l.limited);
    assert_int_equal(l->l.current_ma, 16000);
    assert_true(last_limit(2)->l.limited);
    assert_int_equal(last_limit(2)->l.current_ma, 72400);
    assert_int_equal(l->l.power_w, 11040);
    /* Just before the boundary: nothing; at it: 10 A. */
    x->now += 59999 - (uint32_t)(x->now - 1000) % 1000u;
    step(x, 0);
    assert_int_equal(g_n_calls, 4);
    /* The module's next_due is exact: the application is woken for it. */
    assert_int_equal(ocpp_cp_next_wakeup_ms(&x->cp, x->now), 1);
    step(x, 1);
    assert_int_equal(g_n_calls, 5);
    assert_int_equal(last_limit(1)->l.current_ma, 10000);
    assert_int_equal(last_limit(1)->at, T0 + 60);
    /* Polls in between change nothing. */
    for (int i = 0; i < 100; i++) {
        step(x, 100);
    }
    assert_int_equal(g_n_calls, 5);
    /* The duration ends at 200 s (errata 3.43: fall back): connector 1 is
     * left with the ChargePointMax's 72.4 A. */
    wait_s(x, 150);
    assert_int_equal(g_n_calls, 6);
    assert_int_equal(last_limit(1)->l.current_ma, 72400);
    assert_int_equal(last_limit(1)->at, T0 + 200);
    /* At 250 s the ChargePointMax drops to 4140 W = 6 A: both connectors. */
    wait_s(x, 50);
    assert_int_equal(g_n_calls, 8);
    assert_int_equal(last_limit(1)->l.current_ma, 6000);
    assert_int_equal(last_limit(2)->l.current_ma, 6000);
    assert_int_equal(last_limit(2)->l.power_w, 4140);
    assert_int_equal(last_limit(2)->at, T0 + 250);
    /* validTo (300 s) ended profile 1, which no longer applied: no call. */
    wait_s(x, 60);
    assert_int_equal(g_n_calls, 8);
    /* Clearing gives the rating back: no limit. */
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{}")), "Accepted");
    assert_int_equal(g_n_calls, 10);
    assert_false(last_limit(1)->l.limited);
    assert_false(last_limit(2)->l.limited);
}

/* §5.16.2: "The Charge Point SHALL apply the given profile to the newly
 * started transaction"; §7.10 TxProfile "SHALL cease to be valid when the
 * transaction terminates". The limit is given before the permission. */
static void test_remote_start_with_profile(void **s)
{
    (void)s;
    fx_t *x = boot();
    assert_string_equal(
        set_profile(x, 0,
                    prof(1, 0, "TxDefaultProfile", "Absolute", "", start_at(0), "A", P(0, 16))),
        "Accepted");
    /* A chargingProfile that is no TxProfile, or with a transactionId: Rejected. */
    assert_string_equal(
        status_of(
            csms(x, "RemoteStartTransaction",
                 "{\"idTag\":\"R1\",\"connectorId\":1,\"chargingProfile\":{\"chargingProfileId\":9,"
                 "\"stackLevel\":0,\"chargingProfilePurpose\":\"TxDefaultProfile\","
                 "\"chargingProfileKind\":"
                 "\"Relative\",\"chargingSchedule\":{\"chargingRateUnit\":\"A\","
                 "\"chargingSchedulePeriod\":"
                 "[{\"startPeriod\":0,\"limit\":10}]}}}")),
        "Rejected");
    assert_string_equal(
        status_of(csms(
            x, "RemoteStartTransaction",
            "{\"idTag\":\"R1\",\"connectorId\":1,\"chargingProfile\":{\"chargingProfileId\":9,"
            "\"transactionId\":3,\"stackLevel\":0,\"chargingProfilePurpose\":\"TxProfile\","
            "\"chargingProfileKind\":\"Relative\",\"chargingSchedule\":{\"chargingRateUnit\":\"A\","
            "\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":10}]}}}")),
        "Rejected");
    /* A malformed one: its CALLERROR. */
    assert_string_equal(
        status_of(csms(
            x, "RemoteStartTransaction",
            "{\"idTag\":\"R1\",\"connectorId\":1,\"chargingProfile\":{\"chargingProfileId\":9,"
            "\"stackLevel\":0,\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":"
            "\"Relative\",\"chargingSchedule\":{\"chargingRateUnit\":\"A\","
            "\"chargingSchedulePeriod\":"
            "[{\"startPeriod\":0,\"limit\":-10}]}}}")),
        "PropertyConstraintViolation");
    int before = g_n_calls;
    assert_string_equal(
        status_of(csms(
            x, "RemoteStartTransaction",
            "{\"idTag\":\"R1\",\"connectorId\":1,\"chargingProfile\":{\"chargingProfileId\":9,"
            "\"stackLevel\":0,\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":"
            "\"Relative\",\"chargingSchedule\":{\"chargingRateUnit\":\"A\","
            "\"chargingSchedulePeriod\":"
            "[{\"startPeriod\":0,\"limit\":10},{\"startPeriod\":120,\"limit\":8}]}}}")),
        "Accepted");
    ack_status(x);
    /* No transaction yet: still the TxDefault's 16 A. */
    assert_int_equal(g_n_calls, before);
    assert_int_equal(last_limit(1)->l.current_ma, 16000);
    /* Plugged in: the transaction starts at 10 A, limit before permit. */
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    assert_int_equal(g_n_calls, before + 2);
    assert_false(g_calls[before].permit);
    assert_int_equal(g_calls[before].l.current_ma, 10000);
    assert_true(g_calls[before + 1].permit && g_calls[before + 1].l.limited);
    ack_status(x);
    assert_true(is_call(last(x), "StartTransaction"));
    reply(x, "{\"transactionId\":41,\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_string_equal(composite(x, 1, 300, "A"), "[" R(0, 10.0, 3) "," R(120, 8.0, 3) "]");
    /* errata 3.42: a SetChargingProfile with this transactionId and the same
     * stackLevel replaces it. */
    assert_string_equal(
        set_profile(
            x, 1, prof(10, 0, "TxProfile", "Relative", "\"transactionId\":41,", "", "A", P(0, 7))),
        "Accepted");
    assert_string_equal(composite(x, 1, 300, "A"), "[" R(0, 7.0, 3) "]");
    assert_int_equal(last_limit(1)->l.current_ma, 7000);
    /* Another transactionId: Rejected. */
    assert_string_equal(
        set_profile(
            x, 1, prof(11, 1, "TxProfile", "Relative", "\"transactionId\":40,", "", "A", P(0, 7))),
        "Rejected");
    /* The transaction stops: back to the TxDefault's 16 A, the TxProfile gone. */
    push(x, "[2,\"rs\",\"RemoteStopTransaction\",{\"transactionId\":41}]");
    step(x, 0);
    ack_status(x);
    assert_int_equal(last_limit(1)->l.current_ma, 16000);
    assert_string_equal(
        status_of(csms(x, "ClearChargingProfile", "{\"chargingProfilePurpose\":\"TxProfile\"}")),
        "Unknown");
}

/* §7.10 TxProfile: "A profile with this purpose SHALL cease to be valid when
 * the transaction terminates" - not before: a card refused during the
 * transaction leaves it. One given with a RemoteStartTransaction whose start
 * is refused (AuthorizeRemoteTxRequests, Authorize Invalid) never applies to
 * a later transaction. */
static void test_tx_profile_lifetime(void **s)
{
    (void)s;
    fx_t *x = boot();
    start_tx(x, 1, "TAG1", 7);
    assert_string_equal(
        set_profile(x, 1,
                    prof(1, 0, "TxProfile", "Relative", "\"transactionId\":7,", "", "A", P(0, 6))),
        "Accepted");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "OTHER"), OCPP_OK);
    step(x, 0);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Invalid\"}}");
    assert_int_equal(x->events[OCPP_CP_EV_AUTH_REJECTED], 1);
    assert_string_equal(composite(x, 1, 60, "A"), "[" R(0, 6.0, 3) "]");
    assert_int_equal(last_limit(1)->l.current_ma, 6000);
    /* A refused remote start with a profile on connector 2. */
    assert_int_equal(ocpp_cp_key_set(&x->cp, "AuthorizeRemoteTxRequests", "true"),
                     OCPP_KEY_ACCEPTED);
    assert_string_equal(
        status_of(csms(x, "RemoteStartTransaction",
                       "{\"idTag\":\"BAD\",\"connectorId\":2,\"chargingProfile\":{"
                       "\"chargingProfileId\":9,\"stackLevel\":0,\"chargingProfilePurpose\":"
                       "\"TxProfile\",\"chargingProfileKind\":\"Relative\",\"chargingSchedule\":{"
                       "\"chargingRateUnit\":\"A\",\"chargingSchedulePeriod\":[{\"startPeriod\":0,"
                       "\"limit\":9}]}}}")),
        "Accepted");
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Invalid\"}}");
    ack_status(x);
    assert_int_equal(x->events[OCPP_CP_EV_AUTH_REJECTED], 2);
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":9}")), "Unknown");
    start_tx(x, 2, "TAG2", 8);
    assert_string_equal(composite(x, 2, 60, "A"), "[" R(0, 32.0, 3) "]");
    /* The transaction of connector 1 ends: its TxProfile with it. */
    push(x, "[2,\"rs\",\"RemoteStopTransaction\",{\"transactionId\":7}]");
    step(x, 0);
    ack_status(x);
    assert_string_equal(status_of(csms(x, "ClearChargingProfile", "{\"id\":1}")), "Unknown");
    assert_false(last_limit(1)->l.limited);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stacked_tx_default_levels),
        cmocka_unit_test(test_tx_over_default_under_cp_max),
        cmocka_unit_test(test_daily_recurring_across_midnight),
        cmocka_unit_test(test_relative_from_transaction_start),
        cmocka_unit_test(test_w_read_in_a_and_reverse),
        cmocka_unit_test(test_valid_from_to_cut),
        cmocka_unit_test(test_composite_rejected_and_empty),
        cmocka_unit_test(test_composite_connector0_total),
        cmocka_unit_test(test_replace_by_id_and_by_level),
        cmocka_unit_test(test_set_profile_bad_input),
        cmocka_unit_test(test_key_limits),
        cmocka_unit_test(test_clear_combinations),
        cmocka_unit_test(test_profiles_survive_restart),
        cmocka_unit_test(test_failed_write_is_retried),
        cmocka_unit_test(test_set_limit_at_boundaries),
        cmocka_unit_test(test_remote_start_with_profile),
        cmocka_unit_test(test_tx_profile_lifetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
