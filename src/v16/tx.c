/**
 * @file tx.c
 * @brief OCPP 1.6 Core profile, transaction part: Authorize (§4.1),
 *        StartTransaction (§4.8), StopTransaction (§4.10), MeterValues
 *        (§4.7, §3.16), the transaction-related message queue (§3.7) and the
 *        CP-initiated DataTransfer (§4.3).
 *
 * Metering bounds: a MeterValues carries the samples read_meter() returns
 * (at most OCPP_CONFIG_METER_SAMPLES_MAX) whose measurand is in the key's
 * list. StopTransaction.transactionData holds at most two meterValues: the
 * Transaction.Begin register reading (meterStart, if
 * Energy.Active.Import.Register is in StopTxnSampledData) and the
 * Transaction.End samples of StopTxnSampledData (errata v4.0, 3.14: "always
 * provide the start (Transaction.Begin) and stop (Transaction.End) values");
 * intermediate samples are not kept (errata 3.91 allows dropping them).
 * Between the two, the clock-aligned readings of StopTxnAlignedData taken
 * during the transaction (context Sample.Clock): the last
 * OCPP_CONFIG_STOP_ALIGNED_READINGS of them, each with at most
 * OCPP_CONFIG_STOP_ALIGNED_SAMPLES values (kept in the connector's RAM).
 */
#include <string.h>

#include "cp/cp_internal.h"
#include "model/authcache.h"
#include "model/txqueue.h"
#include "store/txstore.h"
#include "util/text.h"

/** Wait after a failed (timed out) transaction message before resending. */
#define TXQ_TIMEOUT_RETRY_MS 10000u

/* ------------------------------------------------------------------------ */
/* Samples                                                                   */
/* ------------------------------------------------------------------------ */

/** Unit of each measurand's value (§7.45); NULL: no unit field. */
static const char *const k_units[OCPP_MEASURAND_COUNT] = {
    "Wh",  "Wh",  "varh", "varh", "Wh", "Wh", "varh", "varh", "W",       "W",       "W",
    "var", "var", NULL,   "A",    "A",  "A",  "V",    NULL,   "Celsius", "Percent", NULL};

static const char *const k_contexts[] = {"Sample.Periodic", "Sample.Clock", "Trigger",
                                         "Transaction.Begin", "Transaction.End"};

static const char *const k_phases[] = {NULL,   "L1",   "L2",    "L3",    "N",    "L1-N",
                                       "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"};

static const char *const k_locations[] = {NULL, "Inlet", "Body", "Cable", "EV"};

static size_t read_samples(ocpp_cp_t *cp, uint8_t c, ocpp_sample_t *s)
{
    if (cp->cb.read_meter == NULL) {
        return 0u;
    }
    size_t n = cp->cb.read_meter(cp->cb.ctx, c, s, OCPP_CONFIG_METER_SAMPLES_MAX);
    return n > OCPP_CONFIG_METER_SAMPLES_MAX ? OCPP_CONFIG_METER_SAMPLES_MAX : n;
}

static int32_t to_wh(const ocpp_sample_t *s)
{
    if (s->value < 0) {
        return 0;
    }
    uint64_t v = (uint64_t)s->value;
    for (uint8_t i = 0; i < s->scale && i < 9u; i++) {
        (void)ocpp_u64_divmod(&v, 10u);
    }
    return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

int32_t ocpp_v16_meter_wh(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    size_t n = read_samples(cp, c, s);
    for (size_t i = 0; i < n; i++) {
        if (s[i].measurand == OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER &&
            s[i].phase == OCPP_PHASE_NONE) {
            return to_wh(&s[i]);
        }
    }
    return 0;
}

static bool sample_ok(const ocpp_sample_t *s, uint32_t mask)
{
    return (unsigned)s->measurand < OCPP_MEASURAND_COUNT &&
           (mask & OCPP_MEASURAND_BIT(s->measurand)) != 0u &&
           (unsigned)s->phase < sizeof k_phases / sizeof k_phases[0] &&
           (unsigned)s->location < sizeof k_locations / sizeof k_locations[0] && s->scale <= 9u;
}

/** One SampledValue (§7.43); the value is a string on the wire. */
static void write_sample(ocpp_jw_t *w, const ocpp_sample_t *s, ocpp_v16_ctx_t ctx)
{
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
    ocpp_jw_kv_str(w, "context", k_contexts[ctx]);
    ocpp_jw_kv_str(w, "measurand", ocpp_measurand_name(s->measurand));
    if (k_phases[s->phase] != NULL) {
        ocpp_jw_kv_str(w, "phase", k_phases[s->phase]);
    }
    if (k_locations[s->location] != NULL) {
        ocpp_jw_kv_str(w, "location", k_locations[s->location]);
    }
    if (k_units[s->measurand] != NULL) {
        ocpp_jw_kv_str(w, "unit", k_units[s->measurand]);
    }
    ocpp_jw_obj_close(w);
}

static void write_ts(ocpp_jw_t *w, const char *key, int64_t t)
{
    char buf[OCPP_RPC_DATETIME_LEN + 1];
    ocpp_rpc_format_datetime(t > 0 ? t : 0, 0, buf);
    ocpp_jw_kv_str(w, key, buf);
}

/** One MeterValue (§7.29) with the matching samples. @return how many. */
static size_t write_meter_value(ocpp_jw_t *w, int64_t ts, const ocpp_sample_t *s, size_t n,
                                uint32_t mask, ocpp_v16_ctx_t ctx)
{
    size_t k = 0;
    ocpp_jw_obj_open(w);
    write_ts(w, "timestamp", ts);
    ocpp_jw_key(w, "sampledValue");
    ocpp_jw_arr_open(w);
    for (size_t i = 0; i < n; i++) {
        if (sample_ok(&s[i], mask)) {
            write_sample(w, &s[i], ctx);
            k++;
        }
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
    return k;
}

static size_t count_ok(const ocpp_sample_t *s, size_t n, uint32_t mask)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += sample_ok(&s[i], mask) ? 1u : 0u;
    }
    return k;
}

/* ------------------------------------------------------------------------ */
/* Queueing                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint8_t c;
    ocpp_stop_reason_t reason;
    const char *tag;
    int32_t meter;
    uint32_t mask;
    ocpp_v16_ctx_t ctx;
    const ocpp_sample_t *s;
    size_t n;
    int64_t ts;   /**< Time of the message (unix s). */
    bool minimal; /**< StopTransaction without transactionData (no room). */
} build_arg_t;

typedef void (*build_fn)(ocpp_cp_t *cp, ocpp_jw_t *w, const build_arg_t *a);

/** The transactionId key: the known id, or -1 to be patched (txqueue.h). */
static void write_txid(ocpp_jw_t *w, const ocpp_cp_connector_t *k)
{
    ocpp_jw_kv_int(w, "transactionId", k->tx_id);
}

/** Queue bytes reserved for the StopTransactions of the running transactions. */
static size_t stop_reserve(const ocpp_cp_t *cp)
{
    size_t n = 0;
    for (uint8_t c = 1; c <= cp->config.connectors; c++) {
        n += cp->conns[c].tx ? OCPP_TXQ_STOP_ROOM : 0u;
    }
    return n;
}

bool ocpp_v16_queue_has_room(const ocpp_cp_t *cp)
{
    return ocpp_txq_room(&cp->txq) + ocpp_txq_meter_bytes(&cp->txq) >=
           stop_reserve(cp) + OCPP_TXQ_STOP_ROOM + OCPP_TXQ_START_ROOM;
}

/** Thin one MeterValues to make room; log what went. @return false if none left. */
static bool thin(ocpp_cp_t *cp, int64_t now)
{
    uint16_t ref = 0;
    int64_t when = 0;
    if (!ocpp_txq_thin(&cp->txq, cp->call == OCPP_CP_CALL_TXQ, now, &ref, &when)) {
        return false;
    }
    char ts[OCPP_RPC_DATETIME_LEN + 1];
    ocpp_rpc_format_datetime(when, 0, ts);
    CP_LOGW(cp,
            "%s: transaction queue full: thinned the MeterValues of %s (transaction ref %u; "
            "%lu thinned so far)",
            cp->config.identity, ts, (unsigned)ref, (unsigned long)cp->txq.thinned);
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
static void enqueue(ocpp_cp_t *cp, ocpp_rpc_action_t action, uint16_t ref, build_fn build,
                    build_arg_t *a)
{
    size_t reserve = stop_reserve(cp);
    for (;;) {
        ocpp_jw_t w;
        ocpp_txq_begin(&cp->txq, &w);
        build(cp, &w, a);
        /* A MeterValues must not eat into the StopTransactions' room. */
        ocpp_status_t st = ocpp_txq_commit(&cp->txq, &w, action, ref, a->ts,
                                           action == OCPP_ACTION_METER_VALUES ? reserve : 0u);
        if (st == OCPP_OK) {
            ocpp_txs_save(cp);
            return;
        }
        if (st == OCPP_ERR_NOMEM && thin(cp, a->ts)) {
            continue;
        }
        if (st == OCPP_ERR_NOMEM && action == OCPP_ACTION_STOP_TRANSACTION && !a->minimal) {
            a->minimal = true;
            CP_LOGW(cp, "%s: transaction queue full: StopTransaction without transactionData",
                    cp->config.identity);
            continue;
        }
        if (action == OCPP_ACTION_METER_VALUES) {
            cp->txq.thinned++; /* the new one is the one that goes */
            CP_LOGW(cp, "%s: transaction queue full: MeterValues not queued", cp->config.identity);
        } else {
            cp->txq.lost++;
            CP_LOGE(cp, "%s: transaction message lost: queue full", cp->config.identity);
        }
        return;
    }
}

static void build_start(ocpp_cp_t *cp, ocpp_jw_t *w, const build_arg_t *a)
{
    const ocpp_cp_connector_t *k = &cp->conns[a->c];
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "connectorId", a->c);
    ocpp_jw_kv_str(w, "idTag", k->tag);
    ocpp_jw_kv_int(w, "meterStart", k->meter_start);
    write_ts(w, "timestamp", k->tx_start_unix);
    ocpp_jw_obj_close(w);
}

void ocpp_v16_queue_start(ocpp_cp_t *cp, uint8_t c)
{
    build_arg_t a = {.c = c, .ts = cp->conns[c].tx_start_unix};
    enqueue(cp, OCPP_ACTION_START_TRANSACTION, cp->conns[c].tx_ref, build_start, &a);
}

/** The clock-aligned readings kept for StopTxnAlignedData (Sample.Clock). */
static void write_kept(ocpp_jw_t *w, const ocpp_cp_connector_t *k, uint32_t mask)
{
    for (uint8_t r = 0; r < k->n_aligned; r++) {
        const ocpp_aligned_reading_t *rd = &k->aligned[r];
        ocpp_sample_t s[OCPP_CONFIG_STOP_ALIGNED_SAMPLES];
        for (uint8_t i = 0; i < rd->n; i++) {
            s[i] = (ocpp_sample_t){.value = rd->s[i].value,
                                   .measurand = (ocpp_measurand_t)rd->s[i].measurand,
                                   .phase = (ocpp_phase_t)rd->s[i].phase,
                                   .location = (ocpp_location_t)rd->s[i].location,
                                   .scale = rd->s[i].scale};
        }
        if (count_ok(s, rd->n, mask) > 0u) {
            (void)write_meter_value(w, rd->unix_time, s, rd->n, mask, OCPP_V16_CTX_CLOCK);
        }
    }
}

/** Keep the StopTxnAlignedData values of a clock-aligned reading of c. */
static void keep_aligned(ocpp_cp_t *cp, uint8_t c, const ocpp_sample_t *s, size_t n)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    uint32_t mask = cp->cfg.stop_txn_aligned_data;
    if (OCPP_CONFIG_STOP_ALIGNED_READINGS == 0 || !k->tx || count_ok(s, n, mask) == 0u) {
        return;
    }
    if (k->n_aligned >= (uint8_t)OCPP_CONFIG_STOP_ALIGNED_READINGS) {
        memmove(&k->aligned[0], &k->aligned[1],
                sizeof k->aligned[0] * (size_t)(OCPP_CONFIG_STOP_ALIGNED_READINGS - 1));
        k->n_aligned--; /* the oldest goes (errata 3.91) */
    }
    ocpp_aligned_reading_t *rd = &k->aligned[k->n_aligned++];
    rd->unix_time = ocpp_cp_time(cp);
    rd->n = 0;
    for (size_t i = 0; i < n && rd->n < (uint8_t)OCPP_CONFIG_STOP_ALIGNED_SAMPLES; i++) {
        if (sample_ok(&s[i], mask)) {
            rd->s[rd->n++] = (ocpp_kept_sample_t){.value = s[i].value,
                                                  .measurand = (uint8_t)s[i].measurand,
                                                  .phase = (uint8_t)s[i].phase,
                                                  .location = (uint8_t)s[i].location,
                                                  .scale = s[i].scale};
        }
    }
}

static void build_stop(ocpp_cp_t *cp, ocpp_jw_t *w, const build_arg_t *a)
{
    const ocpp_cp_connector_t *k = &cp->conns[a->c];
    uint32_t mask = cp->cfg.stop_txn_sampled_data;
    ocpp_jw_obj_open(w);
    write_txid(w, k);
    if (a->tag != NULL) {
        ocpp_jw_kv_str(w, "idTag", a->tag);
    }
    ocpp_jw_kv_int(w, "meterStop", a->meter);
    write_ts(w, "timestamp", a->ts);
    if (a->reason != OCPP_STOP_LOCAL) {
        ocpp_jw_kv_str(w, "reason", ocpp_stop_reason_str(a->reason));
    }
    bool begin = (mask & OCPP_MEASURAND_BIT(OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER)) != 0u;
    if (!a->minimal && (begin || count_ok(a->s, a->n, mask) > 0u || k->n_aligned > 0u)) {
        /* §3.16.5: with both StopTxn keys empty, no meter values at all. */
        ocpp_jw_key(w, "transactionData");
        ocpp_jw_arr_open(w);
        if (begin) {
            ocpp_sample_t s0 = {.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                                .value = k->meter_start};
            (void)write_meter_value(w, k->tx_start_unix, &s0, 1u, mask, OCPP_V16_CTX_BEGIN);
        }
        write_kept(w, k, cp->cfg.stop_txn_aligned_data);
        if (count_ok(a->s, a->n, mask) > 0u) {
            (void)write_meter_value(w, a->ts, a->s, a->n, mask, OCPP_V16_CTX_END);
        }
        ocpp_jw_arr_close(w);
    }
    ocpp_jw_obj_close(w);
}

void ocpp_v16_queue_stop(ocpp_cp_t *cp, uint8_t c, ocpp_stop_reason_t reason, const char *tag)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    build_arg_t a = {.c = c, .reason = reason, .tag = tag, .s = s, .ts = ocpp_cp_time(cp)};
    a.n = read_samples(cp, c, s);
    for (size_t i = 0; i < a.n; i++) {
        if (s[i].measurand == OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER &&
            s[i].phase == OCPP_PHASE_NONE && a.meter == 0) {
            a.meter = to_wh(&s[i]);
        }
    }
    enqueue(cp, OCPP_ACTION_STOP_TRANSACTION, cp->conns[c].tx_ref, build_stop, &a);
}

void ocpp_v16_queue_stop_lost(ocpp_cp_t *cp, uint8_t c)
{
    const ocpp_cp_connector_t *k = &cp->conns[c];
    /* The last persisted reading stands for Transaction.End (errata v4.0,
     * 3.14: "always provide the start ... and stop ... values"). */
    ocpp_sample_t s = {.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                       .value = k->meter_last};
    build_arg_t a = {.c = c,
                     .reason = OCPP_STOP_POWER_LOSS,
                     .meter = k->meter_last,
                     .s = &s,
                     .n = 1u,
                     .ts = k->meter_last_unix};
    enqueue(cp, OCPP_ACTION_STOP_TRANSACTION, k->tx_ref, build_stop, &a);
}

/** A new meter reading of a running transaction: what a power loss would stop it with. */
static void note_reading(ocpp_cp_t *cp, uint8_t c, const ocpp_sample_t *s, size_t n)
{
    ocpp_cp_connector_t *k = &cp->conns[c];
    for (size_t i = 0; c > 0u && k->tx && i < n; i++) {
        if (s[i].measurand == OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER &&
            s[i].phase == OCPP_PHASE_NONE) {
            k->meter_last = to_wh(&s[i]);
            k->meter_last_unix = ocpp_cp_time(cp);
            k->meter_saved_ms = cp->now_ms;
            return;
        }
    }
}

static void build_meter(ocpp_cp_t *cp, ocpp_jw_t *w, const build_arg_t *a)
{
    const ocpp_cp_connector_t *k = &cp->conns[a->c];
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "connectorId", a->c);
    if (a->c > 0u && k->tx) {
        /* errata v4.0, 3.16: "The transactionId is always the ID of the
         * Transaction that is ongoing (on that connector) at the moment the
         * meter value sample is taken." */
        write_txid(w, k);
    }
    ocpp_jw_key(w, "meterValue");
    ocpp_jw_arr_open(w);
    (void)write_meter_value(w, a->ts, a->s, a->n, a->mask, a->ctx);
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
}

void ocpp_v16_queue_meter(ocpp_cp_t *cp, uint8_t c, uint32_t mask, ocpp_v16_ctx_t ctx)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    build_arg_t a = {.c = c, .mask = mask, .ctx = ctx, .s = s, .ts = ocpp_cp_time(cp)};
    a.n = read_samples(cp, c, s);
    note_reading(cp, c, s, a.n);
    if (count_ok(s, a.n, mask) == 0u) {
        return; /* nothing of the configured measurands on this connector */
    }
    enqueue(cp, OCPP_ACTION_METER_VALUES, cp->conns[c].tx_ref, build_meter, &a);
}

void ocpp_v16_queue_aligned(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    uint32_t mask = cp->cfg.meter_values_aligned_data;
    build_arg_t a = {
        .c = c, .mask = mask, .ctx = OCPP_V16_CTX_CLOCK, .s = s, .ts = ocpp_cp_time(cp)};
    a.n = read_samples(cp, c, s);
    note_reading(cp, c, s, a.n);
    if (c > 0u) {
        keep_aligned(cp, c, s, a.n);
    }
    if (count_ok(s, a.n, mask) > 0u) {
        enqueue(cp, OCPP_ACTION_METER_VALUES, cp->conns[c].tx_ref, build_meter, &a);
    }
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                   */
/* ------------------------------------------------------------------------ */

static void send_authorize(ocpp_cp_t *cp)
{
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_AUTHORIZE);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "idTag", cp->auth_tag);
    ocpp_jw_obj_close(&w);
    if (ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_AUTHORIZE) == OCPP_OK) {
        cp->auth_sent = true;
    } else {
        ocpp_cp_auth_offline(cp);
    }
}

/** A triggered MeterValues (§5.17): current values, context Trigger. */
static void send_meter_trigger(ocpp_cp_t *cp, uint8_t c)
{
    ocpp_sample_t s[OCPP_CONFIG_METER_SAMPLES_MAX];
    build_arg_t a = {.c = c,
                     .mask = cp->cfg.meter_values_sampled_data,
                     .ctx = OCPP_V16_CTX_TRIGGER,
                     .s = s,
                     .ts = ocpp_cp_time(cp)};
    cp->trig_meter &= ~((uint64_t)1u << c);
    a.n = read_samples(cp, c, s);
    if (count_ok(s, a.n, a.mask) == 0u) {
        return;
    }
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_METER_VALUES);
    build_meter(cp, &w, &a);
    (void)ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_METER);
}

static void send_data_transfer(ocpp_cp_t *cp)
{
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, OCPP_ACTION_DATA_TRANSFER);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "vendorId", cp->dt_vendor);
    if (cp->dt_message != NULL) {
        ocpp_jw_kv_str(&w, "messageId", cp->dt_message);
    }
    if (cp->dt_data != NULL) {
        ocpp_jw_kv_str(&w, "data", cp->dt_data);
    }
    ocpp_jw_obj_close(&w);
    cp->dt_pending = false;
    if (ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_DATA_TRANSFER) != OCPP_OK) {
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_DATA_TRANSFER_RESULT, 0, -1, NULL);
    }
}

static void send_txq_head(ocpp_cp_t *cp)
{
    ocpp_txq_entry_t e;
    if (!ocpp_txq_peek(&cp->txq, &e)) {
        return;
    }
    ocpp_jw_t w;
    ocpp_cp_call_begin(cp, &w, e.action);
    ocpp_jw_raw(&w, e.payload, e.len);
    if (ocpp_cp_call_end(cp, &w, OCPP_CP_CALL_TXQ) != OCPP_OK) {
        CP_LOGE(cp, "%s: queued message does not fit the transmit buffer; dropped",
                cp->config.identity);
        ocpp_txq_pop(&cp->txq);
        cp->txq.lost++;
        ocpp_txs_save(cp);
    }
}

static int lowest_bit(uint64_t m)
{
    for (int i = 0; i < 64; i++) {
        if ((m >> i) & 1u) {
            return i;
        }
    }
    return -1;
}

bool ocpp_v16_send_tx_due(ocpp_cp_t *cp)
{
    if (cp->auth != OCPP_CP_AUTH_NONE && !cp->auth_sent) {
        send_authorize(cp);
    } else if (cp->trig_meter != 0u) {
        send_meter_trigger(cp, (uint8_t)lowest_bit(cp->trig_meter));
    } else if (cp->dt_pending) {
        send_data_transfer(cp);
    } else if (ocpp_txq_count(&cp->txq) > 0u && ocpp_cp_due(cp->now_ms, cp->txq_retry_at_ms)) {
        send_txq_head(cp);
    } else {
        return false;
    }
    return true;
}

ocpp_status_t ocpp_cp_data_transfer(ocpp_cp_t *cp, const char *vendor_id, const char *message_id,
                                    const char *data)
{
    /* §6.17: vendorId CiString255, messageId CiString50; data any text
     * (control characters are escaped), but valid UTF-8 to be JSON. */
    if (cp == NULL || vendor_id == NULL || vendor_id[0] == '\0' ||
        !ocpp_cp_text_ok(vendor_id, 255u) ||
        (message_id != NULL && !ocpp_cp_text_ok(message_id, 50u)) ||
        (data != NULL && !ocpp_cp_utf8_ok(data))) {
        return OCPP_ERR_PARAM;
    }
    if (cp->dt_pending || cp->call == OCPP_CP_CALL_DATA_TRANSFER) {
        return OCPP_ERR_BUSY;
    }
    if (cp->conn != OCPP_CP_ACCEPTED) {
        return OCPP_ERR_STATE;
    }
    cp->dt_vendor = vendor_id;
    cp->dt_message = message_id;
    cp->dt_data = data;
    cp->dt_pending = true;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */
/* ------------------------------------------------------------------------ */

static const char *const k_auth_names[] = {"Accepted", "Blocked", "Expired", "Invalid",
                                           "ConcurrentTx"};

const char *ocpp_auth_status_str(ocpp_auth_status_t s)
{
    return (unsigned)s < sizeof k_auth_names / sizeof k_auth_names[0] ? k_auth_names[s] : "?";
}

typedef struct {
    ocpp_auth_status_t status;
    char parent[OCPP_ID_TAG_MAX + 1];
    int64_t expiry;
} id_tag_info_t;

/** idTagInfo (§7.27) of a payload. @return false if absent or malformed. */
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
        return false;
    }
    out->status = (ocpp_auth_status_t)idx;
    return true;
}

/** §3.5.1: "The Cache is updated using all received IdTagInfo". */
static void cache_update(ocpp_cp_t *cp, const char *tag, const id_tag_info_t *i)
{
    if (cp->cfg.authorization_cache_enabled && tag != NULL && tag[0] != '\0') {
        ocpp_auth_cache_update(&cp->cache, tag, i->status, i->parent, i->expiry);
    }
}

static void on_authorize_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    id_tag_info_t i;
    if (!parse_id_tag_info(payload, &i)) {
        CP_LOGW(cp, "%s: Authorize.conf without a valid idTagInfo", cp->config.identity);
        ocpp_cp_auth_decided(cp, OCPP_AUTH_INVALID, "");
        return;
    }
    cache_update(cp, cp->auth_tag, &i);
    ocpp_cp_auth_decided(cp, i.status, i.parent);
}

/** The idTag of the queued message at the head (its payload). */
static void head_tag(const ocpp_txq_entry_t *e, char tag[OCPP_ID_TAG_MAX + 1])
{
    ocpp_json_value_t root;
    tag[0] = '\0';
    if (ocpp_json_root(e->payload, e->len, &root) == OCPP_OK) {
        (void)ocpp_rpc_get_string(&root, "idTag", false, OCPP_ID_TAG_MAX, tag, OCPP_ID_TAG_MAX + 1u,
                                  NULL);
    }
}

static void on_txq_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    ocpp_txq_entry_t e;
    if (!ocpp_txq_peek(&cp->txq, &e)) {
        return;
    }
    char tag[OCPP_ID_TAG_MAX + 1];
    id_tag_info_t i;
    head_tag(&e, tag);
    bool has_info = parse_id_tag_info(payload, &i);
    ocpp_rpc_action_t action = e.action;
    uint16_t ref = e.ref;
    ocpp_txq_pop(&cp->txq);
    cp->txq_attempts = 0;
    if (has_info) {
        cache_update(cp, tag, &i);
    }
    if (action == OCPP_ACTION_START_TRANSACTION) {
        int64_t id = -1;
        if (ocpp_rpc_get_int(payload, "transactionId", true, INT32_MIN, INT32_MAX, &id, NULL) !=
            OCPP_RPC_OK) {
            CP_LOGW(cp, "%s: StartTransaction.conf without transactionId", cp->config.identity);
        }
        /* OCPP-J / §3.7: the later messages of this transaction carry its id. */
        ocpp_txq_set_txid(&cp->txq, ref, (int32_t)id);
        ocpp_cp_tx_confirmed(cp, ref, (int32_t)id, has_info ? i.status : OCPP_AUTH_INVALID,
                             has_info ? i.parent : NULL);
    }
    /* One write: the message is gone, its effects (transactionId) are in. */
    ocpp_txs_save(cp);
}

void ocpp_v16_tx_result(ocpp_cp_t *cp, const ocpp_json_value_t *payload)
{
    switch (cp->call) {
    case OCPP_CP_CALL_AUTHORIZE: on_authorize_result(cp, payload); break;
    case OCPP_CP_CALL_TXQ: on_txq_result(cp, payload); break;
    case OCPP_CP_CALL_DATA_TRANSFER: {
        static const char *const names[] = {"Accepted", "Rejected", "UnknownMessageId",
                                            "UnknownVendorId"};
        size_t idx = 0;
        ocpp_json_value_t data;
        bool ok = ocpp_rpc_get_enum(payload, "status", true, names, 4u, &idx, NULL) == OCPP_RPC_OK;
        bool has_data = ocpp_json_get(payload, "data", &data) == OCPP_OK;
        ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_DATA_TRANSFER_RESULT,
                              .value = ok ? (int32_t)idx : -1,
                              .text = has_data ? data.ptr : NULL,
                              .len = has_data ? data.len : 0u};
        ev.unix_time = ocpp_cp_time(cp);
        if (cp->cb.on_event != NULL) {
            ev.conn = cp->conn;
            cp->cb.on_event(cp->cb.ctx, &ev);
        }
        break;
    }
    default: break;
    }
}

static void on_txq_failed(ocpp_cp_t *cp, ocpp_status_t why)
{
    if (why != OCPP_ERR_PROTOCOL) {
        /* No answer: not a "failure to process" (§3.7.1); try again later. */
        cp->txq_retry_at_ms = cp->now_ms + (why == OCPP_ERR_TIMEOUT ? TXQ_TIMEOUT_RETRY_MS : 0u);
        return;
    }
    /* §3.7.1: resend until TransactionMessageAttempts failures, waiting
     * "TransactionMessageRetryInterval ... multiplied by the number of
     * preceding transmissions of this same message". */
    uint32_t attempts = (uint32_t)cp->cfg.transaction_message_attempts;
    cp->txq_attempts++;
    if (cp->txq_attempts >= (attempts > 0u ? attempts : 1u)) {
        CP_LOGW(cp, "%s: transaction message discarded after %u failures", cp->config.identity,
                (unsigned)cp->txq_attempts);
        ocpp_txq_pop(&cp->txq);
        ocpp_txs_save(cp);
        cp->txq_attempts = 0;
        cp->txq_retry_at_ms = cp->now_ms;
        return;
    }
    cp->txq_retry_at_ms = cp->now_ms + (uint32_t)cp->cfg.transaction_message_retry_interval *
                                           1000u * cp->txq_attempts;
}

void ocpp_v16_tx_failed(ocpp_cp_t *cp, ocpp_status_t why)
{
    switch (cp->call) {
    case OCPP_CP_CALL_AUTHORIZE: ocpp_cp_auth_offline(cp); break;
    case OCPP_CP_CALL_TXQ: on_txq_failed(cp, why); break;
    case OCPP_CP_CALL_DATA_TRANSFER:
        ocpp_cp_emit_conn(cp, OCPP_CP_EV_DATA_TRANSFER_RESULT, 0, -1, NULL);
        break;
    default: break;
    }
}
