/**
 * @file tx.c
 * @brief OCPP 1.6 Core profile, transaction part: Authorize (§4.1),
 *        StartTransaction (§4.8), StopTransaction (§4.10), MeterValues
 *        (§4.7, §3.16), the transaction-related message queue (§3.7) and the
 *        CP-initiated DataTransfer (§4.3). The station model's events
 *        (transaction started, stopped, interrupted) become queued messages
 *        here, persisted in the same write as the station's record.
 *
 * Metering bounds: a MeterValues carries the samples read_meter() returns
 * (at most OCPP_CONFIG_METER_SAMPLES_MAX) that the key's list takes: their
 * measurand, or their measurand on their phase (ocpp_cfg_meas_selects()).
 * StopTransaction.transactionData holds at most two meterValues: the Transaction.Begin register
 * reading (meterStart, if Energy.Active.Import.Register is in StopTxnSampledData) and the
 * Transaction.End samples of StopTxnSampledData (errata v4.0, 3.14: "always
 * provide the start (Transaction.Begin) and stop (Transaction.End) values");
 * intermediate samples are not kept (errata 3.91 allows dropping them).
 * Between the two, the clock-aligned readings of StopTxnAlignedData taken
 * during the transaction (context Sample.Clock): the last
 * OCPP_CONFIG_STOP_ALIGNED_READINGS of them, each with at most
 * OCPP_CONFIG_STOP_ALIGNED_SAMPLES values (kept in the connector's RAM).
 */
#include <string.h>

#include "model/authcache.h"
#include "model/config.h"
#include "session/session.h"
#include "station/station.h"
#include "store/txqueue.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"

/** Wait after a failed (timed out) transaction message before resending. */
#define TXQ_TIMEOUT_RETRY_MS 10000u

/** What a CALL of this module is (session kind). */
enum { K_AUTHORIZE = 1, K_TXQ, K_DATA_TRANSFER, K_METER };

/** Metering contexts used by the library (ReadingContext, OCPP 1.6 §7.33). */
typedef enum { CTX_PERIODIC = 0, CTX_CLOCK, CTX_TRIGGER, CTX_BEGIN, CTX_END } meter_ctx_t;

/* ------------------------------------------------------------------------ */
/* Samples                                                                   */
/* ------------------------------------------------------------------------ */

/* The wire names of a sampled value's fields (ReadingContext §7.33, Phase
 * §7.31, Location §7.30, UnitOfMeasure §7.45) as one packed string, each
 * table holding where its names start: no pointer tables (4 bytes an entry),
 * no walk. Offset 0 is "": the field is left out. */
#define N_PERIODIC "Sample.Periodic"
#define N_CLOCK    "Sample.Clock"
#define N_TRIGGER  "Trigger"
#define N_BEGIN    "Transaction.Begin"
#define N_END      "Transaction.End"
#define N_INLET    "Inlet"
#define N_BODY     "Body"
#define N_CABLE    "Cable"
#define N_EV       "EV"
#define N_WH       "Wh"
#define N_VARH     "varh"
#define N_W        "W"
#define N_VAR      "var"
#define N_A        "A"
#define N_V        "V"
#define N_CELSIUS  "Celsius"
#define N_PERCENT  "Percent"
static const char k_names[] = "\0" N_PERIODIC "\0" N_CLOCK "\0" N_TRIGGER "\0" N_BEGIN "\0" N_END
                              "\0" N_INLET "\0" N_BODY "\0" N_CABLE "\0" N_EV "\0" N_WH "\0" N_VARH
                              "\0" N_W "\0" N_VAR "\0" N_A "\0" N_V "\0" N_CELSIUS "\0" N_PERCENT;
enum {
    O_NONE = 0,
    O_PERIODIC = 1,
    O_CLOCK = O_PERIODIC + sizeof N_PERIODIC,
    O_TRIGGER = O_CLOCK + sizeof N_CLOCK,
    O_BEGIN = O_TRIGGER + sizeof N_TRIGGER,
    O_END = O_BEGIN + sizeof N_BEGIN,
    O_INLET = O_END + sizeof N_END,
    O_BODY = O_INLET + sizeof N_INLET,
    O_CABLE = O_BODY + sizeof N_BODY,
    O_EV = O_CABLE + sizeof N_CABLE,
    O_WH = O_EV + sizeof N_EV,
    O_VARH = O_WH + sizeof N_WH,
    O_W = O_VARH + sizeof N_VARH,
    O_VAR = O_W + sizeof N_W,
    O_A = O_VAR + sizeof N_VAR,
    O_V = O_A + sizeof N_A,
    O_CELSIUS = O_V + sizeof N_V,
    O_PERCENT = O_CELSIUS + sizeof N_CELSIUS
};
_Static_assert(O_PERCENT + sizeof N_PERCENT == sizeof k_names, "k_names offsets");
_Static_assert(sizeof k_names <= 256u, "k_names offsets are bytes");

/** By meter_ctx_t. */
static const uint8_t k_context_at[] = {O_PERIODIC, O_CLOCK, O_TRIGGER, O_BEGIN, O_END};
/** By ocpp_location_t. */
static const uint8_t k_location_at[] = {O_NONE, O_INLET, O_BODY, O_CABLE, O_EV};
/** The unit of each measurand's value, by ocpp_measurand_t. */
static const uint8_t k_unit_at[OCPP_MEASURAND_COUNT] = {
    O_WH,  O_WH,  O_VARH, O_VARH, O_WH, O_WH, O_VARH, O_VARH, O_W,       O_W,       O_W,
    O_VAR, O_VAR, O_NONE, O_A,    O_A,  O_A,  O_V,    O_NONE, O_CELSIUS, O_PERCENT, O_NONE};

/** A value of the meter that the list `sel` takes (its measurand, on its phase). */
static bool sample_ok(const ocpp_sample_t *s, const ocpp_cfg_meas_t *sel)
{
    return (unsigned)s->measurand < OCPP_MEASURAND_COUNT &&
           (unsigned)s->phase <= (unsigned)OCPP_PHASE_L3_L1 &&
           (unsigned)s->location < sizeof k_location_at && s->scale <= 9u &&
           ocpp_cfg_meas_selects(sel, s->measurand, s->phase);
}

/** One SampledValue (§7.43); the value is a string on the wire. The named
 *  fields follow, each left out when it has no name. */
static void write_sample(ocpp_jw_t *w, const ocpp_sample_t *s, meter_ctx_t ctx)
{
    static const char keys[] = "context\0measurand\0phase\0location\0unit";
    static const uint8_t key_at[] = {0, 8, 18, 24, 33};
    const char *v[] = {&k_names[k_context_at[ctx]], ocpp_measurand_name(s->measurand),
                       s->phase != OCPP_PHASE_NONE ? ocpp_cfg_phase_name(s->phase) : k_names,
                       &k_names[k_location_at[s->location]], &k_names[k_unit_at[s->measurand]]};
    ocpp_jw_obj_open(w);
    if (s->signed_data != NULL) {
        ocpp_jw_kv_str(w, "value", s->signed_data);
        ocpp_jw_kv_str(w, "format", "SignedData");
    } else {
        char num[32];
        size_t n = 0;
        ocpp_jw_t t;
        ocpp_jw_init(&t, num, sizeof num);
        ocpp_jw_decimal(&t, s->value, s->scale);
        (void)ocpp_jw_finish(&t, &n);
        ocpp_jw_key(w, "value");
        ocpp_jw_strn(w, num, n);
    }
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (*v[i] != '\0') {
            ocpp_jw_kv_str(w, &keys[key_at[i]], v[i]);
        }
    }
    ocpp_jw_obj_close(w);
}

static size_t count_ok(const ocpp_sample_t *s, size_t n, const ocpp_cfg_meas_t *sel)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += sample_ok(&s[i], sel) ? 1u : 0u;
    }
    return k;
}

/** One MeterValue (§7.29) with the samples `sel` takes; none without one. */
static void write_meter_value(ocpp_jw_t *w, int64_t ts, uint16_t ms, const ocpp_sample_t *s,
                              size_t n, const ocpp_cfg_meas_t *sel, meter_ctx_t ctx)
{
    if (count_ok(s, n, sel) == 0u) {
        return;
    }
    ocpp_jw_obj_open(w);
    ocpp_v16_kv_time(w, "timestamp", ts, ms);
    ocpp_jw_key(w, "sampledValue");
    ocpp_jw_arr_open(w);
    for (size_t i = 0; i < n; i++) {
        if (sample_ok(&s[i], sel)) {
            write_sample(w, &s[i], ctx);
        }
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
}

/* ------------------------------------------------------------------------ */
/* Queueing                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint8_t c;
    const ocpp_station_event_t *ev; /**< StopTransaction: the station's event. */
    const ocpp_cfg_meas_t *sel;
    meter_ctx_t ctx;
    const ocpp_sample_t *s;
    size_t n;
    int64_t ts;   /**< Time of the message (unix s), */
    uint16_t ms;  /**<   and its milliseconds. */
    bool minimal; /**< StopTransaction without transactionData (no room). */
} build_arg_t;

static void build_start(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b);
static void build_stop(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b);
static void build_meter(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b);

uint8_t ocpp_v16_outbox_classify(uint8_t kind)
{
    switch (kind) {
    case OCPP_ACTION_START_TRANSACTION: return OCPP_TXQ_F_VALID;
    case OCPP_ACTION_STOP_TRANSACTION: return OCPP_TXQ_F_VALID | OCPP_TXQ_F_END;
    case OCPP_ACTION_METER_VALUES: return OCPP_TXQ_F_VALID | OCPP_TXQ_F_THIN;
    default: return 0u;
    }
}

/** The transactionId key: the known id, or -1 to be patched (txqueue.h). */
static void write_txid(ocpp_jw_t *w, const ocpp_station_conn_t *k)
{
    ocpp_jw_kv_int(w, "transactionId", k->tx_id);
}

/** The head of the outbox is on the wire (our CALL is outstanding). */
static bool head_on_wire(const ocpp_v16_t *a)
{
    const ocpp_session_t *ss = a->ss;
    return ss->call_active && ss->call_kind == K_TXQ && ss->call_owner < a->n_profiles &&
           a->profiles[ss->call_owner] == &ocpp_v16_core_tx;
}

/** Thin one MeterValues to make room; log what went. @return false if none left. */
static bool thin(ocpp_v16_t *a, int64_t now)
{
    uint16_t ref = 0;
    int64_t when = 0;
    if (!ocpp_txq_thin(a->st->outbox, head_on_wire(a), now, &ref, &when)) {
        return false;
    }
    char ts[OCPP_RPC_DATETIME_LEN + 1];
    ocpp_rpc_format_datetime(when, 0, ts);
    LOGW(&a->st->log, "outbox full: MeterValues of %s thinned (ref %u; %lu so far)", ts,
         (unsigned)ref, (unsigned long)a->st->outbox->thinned);
    return true;
}

/**
 * Queue a transaction message and persist the state. When the queue is full
 * (or a MeterValues would eat into the room reserved for the
 * StopTransactions of running transactions), MeterValues are thinned (§3.7
 * asks for every message; errata 3.91 allows dropping intermediate meter
 * values); a StopTransaction that still does not fit goes without its
 * transactionData (the reserved room holds that).
 */
static void enqueue(ocpp_v16_t *a, ocpp_rpc_action_t action, build_arg_t *b)
{
    uint16_t ref = a->st->conns[b->c].tx_ref;
    uint8_t flags = ocpp_v16_outbox_classify((uint8_t)action);
    for (;;) {
        ocpp_jw_t w;
        ocpp_txq_begin(a->st->outbox, &w);
        if (action == OCPP_ACTION_START_TRANSACTION) {
            build_start(a, &w, b);
        } else if (action == OCPP_ACTION_STOP_TRANSACTION) {
            build_stop(a, &w, b);
        } else {
            build_meter(a, &w, b);
        }
        /* A MeterValues must not eat into the StopTransactions' room. */
        ocpp_status_t st =
            ocpp_txq_commit(a->st->outbox, &w, (uint8_t)action, flags, ref, b->ts,
                            action == OCPP_ACTION_METER_VALUES
                                ? (size_t)ocpp_station_running(a->st) * OCPP_TXQ_STOP_ROOM
                                : 0u);
        if (st == OCPP_OK) {
            ocpp_station_save(a->st);
            a->kick = true; /* something to send */
            return;
        }
        if (st == OCPP_ERR_NOMEM && thin(a, b->ts)) {
            continue;
        }
        if (st == OCPP_ERR_NOMEM && action == OCPP_ACTION_STOP_TRANSACTION && !b->minimal) {
            b->minimal = true;
            LOGW(&a->st->log, "outbox full: StopTransaction without transactionData");
            continue;
        }
        if (action == OCPP_ACTION_METER_VALUES) {
            a->st->outbox->thinned++; /* the new one is the one that goes */
            LOGW(&a->st->log, "outbox full: MeterValues not queued");
        } else {
            a->st->outbox->lost++;
            LOGE(&a->st->log, "outbox full: transaction message lost");
        }
        return;
    }
}

/** *s = an Energy.Active.Import.Register reading of `wh`. */
static void register_sample(ocpp_sample_t *s, int32_t wh)
{
    s->value = wh;
    s->signed_data = NULL;
    s->measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER;
    s->phase = OCPP_PHASE_NONE;
    s->location = OCPP_LOCATION_OUTLET;
    s->scale = 0;
}

static void build_start(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b)
{
    const ocpp_station_conn_t *k = &a->st->conns[b->c];
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "connectorId", b->c);
    ocpp_jw_kv_str(w, "idTag", k->tag);
    ocpp_jw_kv_int(w, "meterStart", k->meter_start);
#if OCPP_CONFIG_PROFILE_RESERVATION
    if (k->tx_resv) {
        /* §5.13: "If a transaction for the reserved idTag is started, then
         * Charge Point SHALL send the reservationId in the
         * StartTransaction.req" */
        ocpp_jw_kv_int(w, "reservationId", k->tx_resv_id);
    }
#endif
    ocpp_v16_kv_time(w, "timestamp", k->tx_start_unix, k->tx_start_frac);
    ocpp_jw_obj_close(w);
}

/** The clock-aligned readings kept for StopTxnAlignedData (Sample.Clock). */
static void write_kept(ocpp_jw_t *w, const ocpp_v16_kept_t *r, const ocpp_cfg_meas_t *sel)
{
    for (uint8_t i = 0; i < r->n_aligned; i++) {
        const ocpp_aligned_reading_t *rd = &r->aligned[i];
        ocpp_sample_t s[OCPP_CONFIG_STOP_ALIGNED_SAMPLES];
        for (uint8_t j = 0; j < rd->n; j++) {
            const ocpp_kept_sample_t *k = &rd->s[j];
            s[j].value = k->value;
            s[j].signed_data = NULL;
            s[j].measurand = (ocpp_measurand_t)k->measurand;
            s[j].phase = (ocpp_phase_t)k->phase;
            s[j].location = (ocpp_location_t)k->location;
            s[j].scale = k->scale;
        }
        write_meter_value(w, rd->unix_time, 0u, s, rd->n, sel, CTX_CLOCK);
    }
}

/** Keep the StopTxnAlignedData values of a clock-aligned reading of c. */
static void keep_aligned(ocpp_v16_t *a, uint8_t c, const ocpp_sample_t *s, size_t n, int64_t ts)
{
    ocpp_v16_kept_t *r = &a->tx.kept[c - 1u];
    const ocpp_cfg_meas_t *sel = &a->cfg->stop_txn_aligned_data;
    if (OCPP_CONFIG_STOP_ALIGNED_READINGS == 0 || !a->st->conns[c].tx ||
        count_ok(s, n, sel) == 0u) {
        return;
    }
    if (r->n_aligned >= (uint8_t)OCPP_CONFIG_STOP_ALIGNED_READINGS) {
        memmove(&r->aligned[0], &r->aligned[1],
                sizeof r->aligned[0] * (size_t)(OCPP_CONFIG_STOP_ALIGNED_READINGS - 1));
        r->n_aligned--; /* the oldest goes (errata 3.91) */
    }
    ocpp_aligned_reading_t *rd = &r->aligned[r->n_aligned++];
    ocpp_kept_sample_t *k = rd->s;
    rd->unix_time = ts;
    for (size_t i = 0; i < n && k < &rd->s[OCPP_CONFIG_STOP_ALIGNED_SAMPLES]; i++) {
        if (sample_ok(&s[i], sel)) {
            k->value = s[i].value;
            k->measurand = (uint8_t)s[i].measurand;
            k->phase = (uint8_t)s[i].phase;
            k->location = (uint8_t)s[i].location;
            k->scale = s[i].scale;
            k++;
        }
    }
    rd->n = (uint8_t)(k - rd->s);
}

static void build_stop(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b)
{
    const ocpp_station_conn_t *k = &a->st->conns[b->c];
    const ocpp_cfg_meas_t *sel = &a->cfg->stop_txn_sampled_data;
    ocpp_sample_t s0;
    register_sample(&s0, k->meter_start);
    ocpp_jw_obj_open(w);
    write_txid(w, k);
    if (b->ev->text != NULL) {
        ocpp_jw_kv_str(w, "idTag", b->ev->text);
    }
    ocpp_jw_kv_int(w, "meterStop", b->ev->meter_wh);
    ocpp_v16_kv_time(w, "timestamp", b->ts, b->ms);
    if ((ocpp_stop_reason_t)b->ev->value != OCPP_STOP_LOCAL) {
        ocpp_jw_kv_str(w, "reason", ocpp_stop_reason_str((ocpp_stop_reason_t)b->ev->value));
    }
    bool begin =
        ocpp_cfg_meas_selects(sel, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER, OCPP_PHASE_NONE);
    if (!b->minimal &&
        (begin || count_ok(b->s, b->n, sel) > 0u || a->tx.kept[b->c - 1u].n_aligned > 0u)) {
        /* §3.16.5: with both StopTxn keys empty, no meter values at all. */
        ocpp_jw_key(w, "transactionData");
        ocpp_jw_arr_open(w);
        /* The register at the start, if the list takes it (`begin`). */
        write_meter_value(w, k->tx_start_unix, k->tx_start_frac, &s0, 1u, sel, CTX_BEGIN);
        write_kept(w, &a->tx.kept[b->c - 1u], &a->cfg->stop_txn_aligned_data);
        write_meter_value(w, b->ts, b->ms, b->s, b->n, sel, CTX_END);
        ocpp_jw_arr_close(w);
    }
    ocpp_jw_obj_close(w);
}

static void build_meter(ocpp_v16_t *a, ocpp_jw_t *w, const build_arg_t *b)
{
    const ocpp_station_conn_t *k = &a->st->conns[b->c];
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "connectorId", b->c);
    if (b->c > 0u && k->tx) {
        /* errata v4.0, 3.16: "The transactionId is always the ID of the
         * Transaction that is ongoing (on that connector) at the moment the
         * meter value sample is taken." */
        write_txid(w, k);
    }
    ocpp_jw_key(w, "meterValue");
    ocpp_jw_arr_open(w);
    write_meter_value(w, b->ts, b->ms, b->s, b->n, b->sel, b->ctx);
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
}

/**
 * Take a reading of connector c (0..n) and send the values its list takes
 * (MeterValuesAlignedData for CTX_CLOCK, else MeterValuesSampledData) as a
 * MeterValues: a triggered one (CTX_TRIGGER, §5.17) at once, the others
 * queued as transaction-related. A clock-aligned reading is stamped with
 * its `boundary`, the others with the station's time now. A queued reading
 * is what a power loss would stop the transaction with; a clock-aligned
 * one also keeps the StopTxnAlignedData values for the running
 * transaction's StopTransaction.
 */
static void reading(ocpp_v16_t *a, uint8_t c, meter_ctx_t ctx, int64_t boundary)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    const ocpp_station_conn_t *k = &a->st->conns[c];
    const ocpp_cfg_meas_t *sel = &a->cfg->meter_values_sampled_data;
    int64_t ts = boundary;
    uint16_t ms = 0;
    if (ctx != CTX_CLOCK) {
        int64_t t = ocpp_station_time_ms(a->st);
        ts = t / 1000;
        ms = (uint16_t)(t % 1000);
    } else {
        sel = &a->cfg->meter_values_aligned_data;
        if (c > 0u && k->tx && k->tx_start_unix == ts) {
            /* A transaction that began after the boundary, within its second
             * (the boundary is noticed at the next poll): its aligned value
             * is not stamped before its start. */
            ms = k->tx_start_frac;
        }
    }
    build_arg_t b = {.c = c, .sel = sel, .ctx = ctx, .s = s, .ts = ts, .ms = ms};
    b.n = ocpp_station_read_meter(a->st, c, s);
    if (ctx != CTX_TRIGGER) {
        ocpp_station_note_reading(a->st, c, s, b.n);
    }
    if (ctx == CTX_CLOCK && c > 0u) {
        keep_aligned(a, c, s, b.n, ts);
    }
    if (count_ok(s, b.n, sel) == 0u) {
        return; /* none of the measurands on this connector */
    }
    if (ctx == CTX_TRIGGER) {
        ocpp_jw_t w;
        ocpp_v16_call_begin(a, &w, OCPP_ACTION_METER_VALUES);
        build_meter(a, &w, &b);
        (void)ocpp_v16_call_end(a, &w, &ocpp_v16_core_tx, K_METER);
    } else {
        enqueue(a, OCPP_ACTION_METER_VALUES, &b);
    }
}

/* ------------------------------------------------------------------------ */
/* Station events                                                            */
/* ------------------------------------------------------------------------ */

/**
 * The station's transaction events become queued messages: its start
 * (StartTransaction), its end (StopTransaction with the final reading), and
 * the end of one a power cut interrupted, whose last persisted reading
 * stands for Transaction.End (errata v4.0, 3.14: "always provide the start
 * ... and stop ... values").
 */
static void tx_on_event(ocpp_v16_t *a, const ocpp_station_event_t *ev)
{
    uint8_t c = ev->connector;
    ocpp_rpc_action_t action = OCPP_ACTION_STOP_TRANSACTION;
    switch (ev->kind) {
    case OCPP_STATION_EV_TX_STARTED:
        a->conns[c].sample_ms = a->ss->now_ms;
        a->tx.sampling |= (uint32_t)1u << (c - 1u);
        action = OCPP_ACTION_START_TRANSACTION;
        break;
    case OCPP_STATION_EV_TX_STOPPED: a->tx.sampling &= ~((uint32_t)1u << (c - 1u)); break;
    case OCPP_STATION_EV_TX_INTERRUPTED: break;
    case OCPP_STATION_EV_AUTH_NEEDED: a->tx.auth_sent = false; return;
    default: return;
    }
    ocpp_sample_t last;
    build_arg_t b = {.c = c,
                     .ev = ev,
                     .s = ev->samples,
                     .n = ev->n_samples,
                     .ts = ev->unix_time,
                     .ms = ev->unix_ms};
    if (ev->kind != OCPP_STATION_EV_TX_STOPPED) {
        a->tx.kept[c - 1u].n_aligned = 0; /* a new transaction, or one without its readings */
    }
    if (ev->kind == OCPP_STATION_EV_TX_INTERRUPTED) {
        register_sample(&last, ev->meter_wh);
        b.s = &last;
        b.n = 1u;
    }
    enqueue(a, action, &b);
}

/* ------------------------------------------------------------------------ */
/* Timers: sampled and clock-aligned meter values                            */
/* ------------------------------------------------------------------------ */

/**
 * Clock-aligned readings (§3.16.2: "evenly spaced meter data aggregation
 * intervals per day, starting at 00:00:00 (midnight)", UTC). Taken at the
 * first poll after a boundary and stamped with the boundary itself. The
 * next boundary is kept, so a poll in between costs one comparison; it is
 * computed again when the interval or the clock moved. After a change of
 * ClockAlignedDataInterval the first new boundary is waited for: a reading
 * is never stamped with a time that is no boundary of the interval in force
 * (issue 12, defect 6).
 */
static void tick_aligned(ocpp_v16_t *a)
{
    int32_t iv = a->cfg->clock_aligned_data_interval;
    if (iv <= 0) {
        return;
    }
    int64_t now = ocpp_station_time(a->st);
    ocpp_v16_tx_t *t = &a->tx;
    if (now <= 0 || (iv == t->aligned_iv && now >= t->aligned_last && now < t->aligned_next)) {
        return;
    }
    /* The second of the day in one 32-bit division: 86400 = 128 * 675, and
     * now / 128 fits in 32 bits until the year 19000. */
    uint32_t sod = ((uint32_t)((uint64_t)now >> 7) % 675u << 7) | ((uint32_t)now & 127u);
    uint32_t b = sod / (uint32_t)iv * (uint32_t)iv; /* the boundary's and the next one's */
    uint32_t next = b + (uint32_t)iv < 86400u ? b + (uint32_t)iv : 86400u; /* second of day */
    int64_t midnight = now - sod;
    int64_t boundary = midnight + b;
    bool fire = t->aligned_last != 0 && iv == t->aligned_iv && boundary > t->aligned_last;
    t->aligned_last = boundary;
    t->aligned_iv = iv;
    t->aligned_next = midnight + next;
    for (uint8_t c = 0; fire && c <= a->st->n; c++) {
        reading(a, c, CTX_CLOCK, boundary);
    }
}

static void tx_tick(ocpp_v16_t *a)
{
    uint32_t iv = (uint32_t)a->cfg->meter_value_sample_interval * 1000u;
    uint32_t now = a->ss->now_ms;
    if (V16_DUE(now, a->tx.txq_retry_at_ms)) {
        a->tx.txq_retry_at_ms = now; /* never left 2^31 ms behind (see core_tick) */
    }
    /* The clock-aligned reading first: it is stamped at its boundary, so a
     * sample taken in the same poll (stamped now, in ms) goes after it and
     * the CSMS sees the values of a transaction in time order. */
    tick_aligned(a);
    uint32_t m = iv > 0u ? a->tx.sampling : 0u;
    for (uint8_t c = 1; m != 0u && c <= a->st->n; c++) {
        ocpp_v16_conn_t *r = &a->conns[c];
        uint32_t late = now - r->sample_ms;
        if (((m >> (c - 1u)) & 1u) != 0u && late >= iv) {
            /* One sample, on the interval's grid: samples missed while the
             * loop stalled (or the interval was 0) are skipped, not sent
             * in a burst of equal readings (issue 12, defect 8). */
            r->sample_ms += late - late % iv;
            reading(a, c, CTX_PERIODIC, 0);
        }
    }
}

/** When tick_aligned() takes its next reading: at the next boundary (0 when
 *  the interval or the clock moved, so that the tick computes it again). */
static uint32_t aligned_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    int32_t iv = a->cfg->clock_aligned_data_interval;
    const ocpp_v16_tx_t *t = &a->tx;
    if (iv <= 0 || a->st->clock_unix == 0) {
        return UINT32_MAX;
    }
    uint32_t next = ocpp_station_ms_until(a->st, t->aligned_next, now_ms);
    if (iv != t->aligned_iv || next == 0u ||
        ocpp_station_ms_until(a->st, t->aligned_last, now_ms) > 0u) {
        return 0u; /* (before aligned_last: the clock went back) */
    }
    return next;
}

/** tx_tick's timers: the clock-aligned reading (§9.1.2
 *  ClockAlignedDataInterval, also without a transaction) and the sample of
 *  each connector in a transaction (§9.1.19 MeterValueSampleInterval). */
static uint32_t tx_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    uint32_t wake = aligned_due(a, now_ms);
    uint32_t iv = (uint32_t)a->cfg->meter_value_sample_interval * 1000u;
    uint32_t m = iv > 0u ? a->tx.sampling : 0u;
    for (uint8_t c = 1; m != 0u && c <= a->st->n; c++, m >>= 1) {
        if ((m & 1u) != 0u) {
            uint32_t late = now_ms - a->conns[c].sample_ms;
            uint32_t left = late >= iv ? 0u : iv - late;
            wake = left < wake ? left : wake;
        }
    }
    return wake;
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                   */
/* ------------------------------------------------------------------------ */

static void tx_on_failed(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why);

/** Send a CALL of this module: Authorize, DataTransfer, or the head of
 *  the outbox (K_TXQ: its action is the entry's). */
static void send_call(ocpp_v16_t *a, ocpp_rpc_action_t action, uint8_t kind)
{
    ocpp_txq_entry_t e;
    if (kind == K_TXQ) {
        (void)ocpp_txq_peek(a->st->outbox, &e);
        action = (ocpp_rpc_action_t)e.kind;
    }
    ocpp_jw_t w;
    ocpp_v16_call_begin(a, &w, action);
    if (kind == K_TXQ) {
        ocpp_jw_raw(&w, e.payload, e.len);
    } else {
        ocpp_jw_obj_open(&w);
        if (kind == K_AUTHORIZE) {
            ocpp_jw_kv_str(&w, "idTag", a->st->auth_tag);
        } else {
            ocpp_jw_kv_str(&w, "vendorId", a->tx.dt_vendor);
            if (a->tx.dt_message != NULL) {
                ocpp_jw_kv_str(&w, "messageId", a->tx.dt_message);
            }
            if (a->tx.dt_data != NULL) {
                ocpp_jw_kv_str(&w, "data", a->tx.dt_data);
            }
        }
        ocpp_jw_obj_close(&w);
    }
    if (ocpp_v16_call_end(a, &w, &ocpp_v16_core_tx, kind) == OCPP_OK) {
        if (kind == K_AUTHORIZE) {
            a->tx.auth_sent = true;
        }
    } else if (kind != K_TXQ) {
        tx_on_failed(a, kind, OCPP_ERR_NOMEM); /* as if it had failed on the way */
    } else {
        LOGE(&a->st->log, "outbox: message too long to send, dropped");
        ocpp_txq_pop(a->st->outbox);
        a->st->outbox->lost++;
        ocpp_station_save(a->st);
    }
}

/** Send the module's next CALL, if one is due (§3.7: the queued transaction
 *  messages after the others). */
static bool tx_send_due(ocpp_v16_t *a)
{
    int c;
    if (a->st->auth != OCPP_STATION_AUTH_NONE && !a->tx.auth_sent) {
        send_call(a, OCPP_ACTION_AUTHORIZE, K_AUTHORIZE);
    } else if ((c = ocpp_v16_trig_first(a, V16_TRIG_METER)) >= 0) {
        ocpp_v16_trig_clear(a, (uint8_t)c, V16_TRIG_METER);
        reading(a, (uint8_t)c, CTX_TRIGGER, 0);
    } else if (a->tx.dt_pending) {
        a->tx.dt_pending = false;
        send_call(a, OCPP_ACTION_DATA_TRANSFER, K_DATA_TRANSFER);
    } else if (a->st->outbox->count > 0u && V16_DUE(a->ss->now_ms, a->tx.txq_retry_at_ms)) {
        send_call(a, OCPP_ACTION_UNKNOWN, K_TXQ);
    } else {
        return false;
    }
    return true;
}

static uint32_t tx_next_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    if ((a->trig_any & V16_TRIG_METER) != 0u || a->tx.dt_pending ||
        (a->st->auth != OCPP_STATION_AUTH_NONE && !a->tx.auth_sent)) {
        return 0u;
    }
    if (a->st->outbox->count > 0u) {
        int32_t d = (int32_t)(a->tx.txq_retry_at_ms - now_ms);
        return d > 0 ? (uint32_t)d : 0u;
    }
    return V16_IDLE_MS;
}

ocpp_status_t ocpp_v16_data_transfer(ocpp_v16_t *a, const char *vendor_id, const char *message_id,
                                     const char *data)
{
    const ocpp_session_t *ss = a->ss;
    if (a->tx.dt_pending || (ss->call_active && ss->call_kind == K_DATA_TRANSFER &&
                             a->profiles[ss->call_owner] == &ocpp_v16_core_tx)) {
        return OCPP_ERR_BUSY;
    }
    if (ss->conn != OCPP_CP_ACCEPTED) {
        return OCPP_ERR_STATE;
    }
    a->tx.dt_vendor = vendor_id;
    a->tx.dt_message = message_id;
    a->tx.dt_data = data;
    a->tx.dt_pending = true;
    a->kick = true;
    return OCPP_OK;
}

static bool tx_trigger(ocpp_v16_t *a, ocpp_rpc_action_t action, int connector)
{
    if (action != OCPP_ACTION_METER_VALUES) {
        return false;
    }
    ocpp_v16_trig_mark(a, connector, V16_TRIG_METER);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */
/* ------------------------------------------------------------------------ */

static const char *const k_auth_names[] = {"Accepted", "Blocked", "Expired", "Invalid",
                                           "ConcurrentTx"};

typedef struct {
    ocpp_auth_status_t status;
    char parent[OCPP_ID_TAG_MAX + 1];
    int64_t expiry;
} id_tag_info_t;

/** idTagInfo (§7.27) of a payload. @return false if absent or malformed
 *  (then *out is status Invalid, no parent). */
static bool parse_id_tag_info(const ocpp_json_value_t *payload, id_tag_info_t *out)
{
    ocpp_json_value_t info;
    size_t idx = 0;
    out->status = OCPP_AUTH_INVALID;
    out->parent[0] = '\0';
    out->expiry = 0;
    if (ocpp_rpc_get_container(payload, "idTagInfo", true, OCPP_JSON_OBJECT, &info, NULL) !=
            OCPP_RPC_OK ||
        ocpp_rpc_get_enum(&info, "status", true, k_auth_names, 5u, &idx, NULL) != OCPP_RPC_OK ||
        ocpp_rpc_get_string(&info, "parentIdTag", false, OCPP_ID_TAG_MAX, out->parent,
                            sizeof out->parent, NULL) != OCPP_RPC_OK ||
        ocpp_rpc_get_datetime(&info, "expiryDate", false, &out->expiry, NULL) != OCPP_RPC_OK) {
        out->parent[0] = '\0';
        return false;
    }
    out->status = (ocpp_auth_status_t)idx;
    return true;
}

static void on_data_transfer_result(ocpp_v16_t *a, const ocpp_json_value_t *payload)
{
    static const char *const names[] = {"Accepted", "Rejected", "UnknownMessageId",
                                        "UnknownVendorId"};
    size_t idx = 0;
    ocpp_json_value_t data;
    bool ok = ocpp_rpc_get_enum(payload, "status", true, names, 4u, &idx, NULL) == OCPP_RPC_OK;
    bool has_data = ocpp_json_get(payload, "data", &data) == OCPP_OK;
    ocpp_station_app_event(a->st, OCPP_CP_EV_DATA_TRANSFER_RESULT, 0, ok ? (int32_t)idx : -1,
                           has_data ? data.ptr : NULL, has_data ? data.len : 0u);
}

/**
 * The answer to an Authorize or to the head of the outbox. Its idTagInfo
 * updates the cache for the idTag sent (§3.5.1: "The Cache is updated using
 * all received IdTagInfo"). A StartTransaction's answer gives the
 * transaction its id; the message is gone from the outbox in the same write
 * that records its effects.
 */
static void tx_on_result(ocpp_v16_t *a, uint8_t kind, const ocpp_json_value_t *payload)
{
    ocpp_txq_entry_t e;
    char tag[OCPP_ID_TAG_MAX + 1];
    id_tag_info_t i;
    const char *sent = a->st->auth_tag;
    if (kind != K_AUTHORIZE && kind != K_TXQ) { /* (a triggered MeterValues: nothing to do) */
        if (kind == K_DATA_TRANSFER) {
            on_data_transfer_result(a, payload);
        }
        return;
    }
    if (kind == K_TXQ) {
        ocpp_json_value_t root;
        if (!ocpp_txq_peek(a->st->outbox, &e)) {
            return;
        }
        tag[0] = '\0'; /* the idTag of the message, if it has one */
        if (ocpp_json_root(e.payload, e.len, &root) == OCPP_OK) {
            (void)ocpp_rpc_get_string(&root, "idTag", false, OCPP_ID_TAG_MAX, tag, sizeof tag,
                                      NULL);
        }
        sent = tag;
    }
    bool has_info = parse_id_tag_info(payload, &i);
    if (has_info) {
        ocpp_station_cache_update(a->st, sent, i.status, i.parent, i.expiry);
    }
    if (kind == K_AUTHORIZE) {
        a->tx.auth_sent = false;
        if (!has_info) {
            LOGW(&a->st->log, "Authorize.conf: no valid idTagInfo");
        }
        ocpp_station_auth_decided(a->st, i.status, i.parent);
        return;
    }
    ocpp_txq_pop(a->st->outbox);
    a->tx.txq_attempts = 0;
    if (e.kind == (uint8_t)OCPP_ACTION_START_TRANSACTION) {
        int64_t id = -1;
        if (ocpp_rpc_get_int(payload, "transactionId", true, INT32_MIN, INT32_MAX, &id, NULL) !=
            OCPP_RPC_OK) {
            LOGW(&a->st->log, "StartTransaction.conf: no transactionId");
        }
        /* OCPP-J / §3.7: the later messages of this transaction carry its id. */
        ocpp_txq_set_txid(a->st->outbox, e.ref, (int32_t)id);
        ocpp_station_tx_confirmed(a->st, e.ref, (int32_t)id, i.status, i.parent);
    }
    ocpp_station_save(a->st);
}

static void on_txq_failed(ocpp_v16_t *a, ocpp_status_t why)
{
    uint32_t now = a->ss->now_ms;
    if (why != OCPP_ERR_PROTOCOL) {
        /* No answer: not a "failure to process" (§3.7.1); try again later. */
        a->tx.txq_retry_at_ms = now + (why == OCPP_ERR_TIMEOUT ? TXQ_TIMEOUT_RETRY_MS : 0u);
        return;
    }
    /* §3.7.1: resend until TransactionMessageAttempts failures, waiting
     * "TransactionMessageRetryInterval ... multiplied by the number of
     * preceding transmissions of this same message". */
    uint32_t attempts = (uint32_t)a->cfg->transaction_message_attempts;
    a->tx.txq_attempts++;
    if (a->tx.txq_attempts >= attempts) { /* (0 attempts: as 1) */
        LOGW(&a->st->log, "transaction message discarded after %u failures",
             (unsigned)a->tx.txq_attempts);
        ocpp_txq_pop(a->st->outbox);
        ocpp_station_save(a->st);
        a->tx.txq_attempts = 0;
        a->tx.txq_retry_at_ms = now;
        return;
    }
    /* Seconds first, capped where a wrap-safe uint32 deadline still works
     * (2^31 ms, 24.8 days): 86,400 s x 25 attempts would wrap the product
     * and read as past, resending at once (issue 12 defect 5). */
    uint32_t wait_s = (uint32_t)a->cfg->transaction_message_retry_interval * a->tx.txq_attempts;
    a->tx.txq_retry_at_ms = now + (wait_s < 2147483u ? wait_s * 1000u : 2147483000u);
}

static void tx_on_failed(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why)
{
    switch (kind) {
    case K_AUTHORIZE:
        a->tx.auth_sent = false;
        ocpp_station_auth_offline(a->st);
        break;
    case K_TXQ: on_txq_failed(a, why); break;
    case K_DATA_TRANSFER:
        ocpp_station_app_event(a->st, OCPP_CP_EV_DATA_TRANSFER_RESULT, 0, -1, NULL, 0u);
        break;
    default: break;
    }
}

const ocpp_v16_profile_t ocpp_v16_core_tx = {
    .profile = OCPP_CFG_PROFILE_CORE,
    .on_event = tx_on_event,
    .tick = tx_tick,
    .tick_due = tx_tick_due,
    .send_due = tx_send_due,
    .on_result = tx_on_result,
    .on_failed = tx_on_failed,
    .next_due = tx_next_due,
    .trigger = tx_trigger,
};
