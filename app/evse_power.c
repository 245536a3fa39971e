/**
 * @file evse_power.c
 * @brief What a connector offers and shows: the current pipeline (rating,
 *        cable, evse_set_limit(), temperature derating), the over-temperature
 *        fault with its hysteresis, the status lights, and the settings that
 *        drive them as configuration keys of the application (see evse.h).
 */
#include <string.h>

#include "evse_internal.h"

#define SETTINGS_RECORD "evse.settings"
#define SETTINGS_MAGIC  "evse settings v1"
#define N_SETTINGS      6u

static const evse_settings_t k_defaults = {.derate_start_c = 60,
                                           .derate_end_c = 80,
                                           .shutdown_c = 85,
                                           .hysteresis_c = 10,
                                           .light_intensity = 100,
                                           .blink_repeat = 3};

/* The keys, in the order of evse_t.keys and of the persisted record. */
static const char *const k_names[N_SETTINGS] = {
    "TemperatureDeratingStart", "TemperatureDeratingEnd", "TemperatureShutdown",
    "TemperatureHysteresis",    "LightIntensity",         "BlinkRepeat"};

const char *evse_limit_reason_str(evse_limit_reason_t r)
{
    static const char *const names[] = {"none", "cable", "smart", "derating"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

const char *evse_led_color_str(evse_led_color_t c)
{
    static const char *const names[] = {"off", "green", "blue", "yellow", "red", "white"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

const char *evse_led_pattern_str(evse_led_pattern_t p)
{
    static const char *const names[] = {"steady", "pulse", "blink"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                  */
/* ------------------------------------------------------------------------ */

static void to_array(const evse_settings_t *s, int32_t v[N_SETTINGS])
{
    v[0] = s->derate_start_c;
    v[1] = s->derate_end_c;
    v[2] = s->shutdown_c;
    v[3] = s->hysteresis_c;
    v[4] = s->light_intensity;
    v[5] = s->blink_repeat;
}

/** Every value in range and the temperatures in order; then *out = v. */
static bool from_array(const int32_t v[N_SETTINGS], evse_settings_t *out)
{
    bool ok = v[0] >= 0 && v[0] < v[1] && v[1] <= v[2] && v[2] <= 150 && v[3] >= 1 && v[3] <= 50 &&
              v[4] >= 0 && v[4] <= 100 && v[5] >= 1 && v[5] <= 20;
    if (ok) {
        *out = (evse_settings_t){.derate_start_c = (int16_t)v[0],
                                 .derate_end_c = (int16_t)v[1],
                                 .shutdown_c = (int16_t)v[2],
                                 .hysteresis_c = (int16_t)v[3],
                                 .light_intensity = (uint8_t)v[4],
                                 .blink_repeat = (uint8_t)v[5]};
    }
    return ok;
}

/** An integer as OCPP keys take them: optional '-', 1..6 digits, nothing else. */
static bool parse_int(const char *s, const char **end, int32_t *out)
{
    bool neg = *s == '-';
    int32_t v = 0;
    int digits = 0;
    s += neg ? 1 : 0;
    while (*s >= '0' && *s <= '9' && digits < 7) {
        v = v * 10 + (*s - '0');
        s++;
        digits++;
    }
    if (digits == 0 || digits > 6) {
        return false;
    }
    *out = neg ? -v : v;
    *end = s;
    return true;
}

static size_t put_int(char *out, size_t cap, int32_t v)
{
    char tmp[12];
    size_t n = 0;
    uint32_t u = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0u);
    if (v < 0) {
        tmp[n++] = '-';
    }
    for (size_t i = 0; i < n && i + 1u < cap; i++) {
        out[i] = tmp[n - 1u - i];
    }
    if (cap > 0u) {
        out[n < cap ? n : cap - 1u] = '\0';
    }
    return n;
}

static void settings_save(const evse_t *e)
{
    const ocpp_storage_port_t *st = e->config.storage;
    char buf[96];
    int32_t v[N_SETTINGS];
    size_t n = sizeof SETTINGS_MAGIC - 1u;
    if (st == NULL || st->write == NULL) {
        return;
    }
    memcpy(buf, SETTINGS_MAGIC, sizeof SETTINGS_MAGIC);
    to_array(&e->settings, v);
    for (size_t i = 0; i < N_SETTINGS; i++) {
        buf[n++] = i == 0u ? '\n' : ' ';
        n += put_int(buf + n, sizeof buf - n, v[i]);
    }
    buf[n++] = '\n';
    (void)st->write(st->ctx, SETTINGS_RECORD, (const uint8_t *)buf, n);
}

void evse_power_init(evse_t *e)
{
    const ocpp_storage_port_t *st = e->config.storage;
    char buf[96];
    int32_t v[N_SETTINGS];
    e->settings = k_defaults;
    if (st == NULL || st->read == NULL) {
        return;
    }
    int32_t n = st->read(st->ctx, SETTINGS_RECORD, (uint8_t *)buf, sizeof buf - 1u);
    size_t m = strlen(SETTINGS_MAGIC);
    if (n < (int32_t)m + 1 || memcmp(buf, SETTINGS_MAGIC, m) != 0 || buf[m] != '\n') {
        return; /* none yet (or not ours): the defaults */
    }
    buf[n] = '\0';
    const char *p = buf + m;
    for (size_t i = 0; i < N_SETTINGS; i++) {
        if (*p != (i == 0u ? '\n' : ' ') || !parse_int(p + 1, &p, &v[i])) {
            return;
        }
    }
    if (*p == '\n') {
        (void)from_array(v, &e->settings); /* a record out of range keeps the defaults */
    }
}

static int key_index(const char *key)
{
    for (size_t i = 0; key != NULL && i < N_SETTINGS; i++) {
        const char *a = key;
        const char *b = k_names[i];
        /* CiString: ASCII case folding (the names are letters only) */
        while (*a != '\0' && *b != '\0' && (*a | 0x20) == (*b | 0x20)) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0') {
            return (int)i;
        }
    }
    return -1;
}

ocpp_key_result_t evse_setting_set(evse_t *e, const char *key, const char *value)
{
    int i = e != NULL ? key_index(key) : -1;
    int32_t v[N_SETTINGS];
    const char *end = NULL;
    if (i < 0) {
        return OCPP_KEY_NOT_SUPPORTED;
    }
    to_array(&e->settings, v);
    if (value == NULL || !parse_int(value, &end, &v[i]) || *end != '\0' ||
        !from_array(v, &e->settings)) {
        return OCPP_KEY_REJECTED;
    }
    settings_save(e);
    return OCPP_KEY_ACCEPTED;
}

const evse_settings_t *evse_settings(const evse_t *e)
{
    return e != NULL ? &e->settings : NULL;
}

static size_t key_get(const evse_t *e, size_t i, char *out, size_t cap)
{
    int32_t v[N_SETTINGS];
    to_array(&e->settings, v);
    return put_int(out, cap, v[i]);
}

/* One get/set pair per key (the descriptor has one ctx: the application). */
#define EVSE_KEY_FNS(i)                                                \
    static ocpp_key_result_t key_set_##i(void *ctx, const char *value) \
    {                                                                  \
        return evse_setting_set(ctx, k_names[i], value);               \
    }                                                                  \
    static size_t key_get_##i(void *ctx, char *out, size_t cap)        \
    {                                                                  \
        return key_get(ctx, i, out, cap);                              \
    }
EVSE_KEY_FNS(0)
EVSE_KEY_FNS(1)
EVSE_KEY_FNS(2)
EVSE_KEY_FNS(3)
EVSE_KEY_FNS(4)
EVSE_KEY_FNS(5)

ocpp_status_t evse_keys_register(evse_t *e)
{
    static ocpp_key_result_t (*const sets[N_SETTINGS])(void *, const char *) = {
        key_set_0, key_set_1, key_set_2, key_set_3, key_set_4, key_set_5};
    static size_t (*const gets[N_SETTINGS])(void *, char *, size_t) = {
        key_get_0, key_get_1, key_get_2, key_get_3, key_get_4, key_get_5};
    if (e == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (e->ops->key_register == NULL) {
        return OCPP_ERR_STATE;
    }
    for (size_t i = 0; i < N_SETTINGS; i++) {
        e->keys[i] = (ocpp_vendor_key_t){
            .name = k_names[i], .readonly = false, .set = sets[i], .get = gets[i], .ctx = e};
        ocpp_status_t st = e->ops->key_register(e->cp, &e->keys[i]);
        if (st != OCPP_OK) {
            return st;
        }
    }
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Temperature                                                               */
/* ------------------------------------------------------------------------ */

uint32_t evse_derate_ma(const evse_settings_t *s, uint32_t rating_ma, int32_t temp_dc)
{
    int32_t start = s->derate_start_c * 10;
    int32_t end = s->derate_end_c * 10;
    if (temp_dc <= start) {
        return EVSE_NO_LIMIT;
    }
    if (temp_dc >= end || rating_ma <= EVSE_MIN_CURRENT_MA) {
        return EVSE_MIN_CURRENT_MA;
    }
    /* Linear from the rating at `start` to 6 A at `end`, whole amperes rounded down. */
    uint64_t span = rating_ma - EVSE_MIN_CURRENT_MA;
    uint64_t drop = span * (uint64_t)(temp_dc - start) / (uint64_t)(end - start);
    uint32_t ma = rating_ma - (uint32_t)drop;
    ma -= ma % 1000u;
    return ma < EVSE_MIN_CURRENT_MA ? EVSE_MIN_CURRENT_MA : ma;
}

uint32_t evse_power_temperature(evse_t *e, uint8_t c, uint32_t faults)
{
    const evse_board_t *b = e->board;
    evse_connector_t *k = &e->conn[c];
    int32_t t;
    bool any = false;
    int32_t hot = INT32_MIN;
    k->conn_temp_valid = false;
    if (b->temperature_read != NULL) {
        if (b->temperature_read(b->ctx, 0, &t)) {
            hot = t;
            any = true;
        }
        if (b->temperature_read(b->ctx, c, &t)) {
            k->conn_temp_dc = t;
            k->conn_temp_valid = true;
            hot = !any || t > hot ? t : hot;
            any = true;
        }
    }
    k->temp_valid = any;
    k->temp_dc = any ? hot : 0;
    if (!any) {
        k->derate_ma = EVSE_NO_LIMIT;
        return faults & ~EVSE_FAULT_TEMP; /* no sensor: nothing to protect by it */
    }
    const evse_settings_t *s = &e->settings;
    /* Down at once; back up only once 1 °C cooler than the step (a sensor's
     * noise around a step does not make the PWM flap). */
    uint32_t ma = evse_derate_ma(s, e->config.max_current_ma, hot);
    if (ma > k->derate_ma) {
        uint32_t held = evse_derate_ma(s, e->config.max_current_ma, hot + 10);
        ma = held > k->derate_ma ? held : k->derate_ma;
    }
    k->derate_ma = ma;
    if (hot >= s->shutdown_c * 10) {
        return faults | EVSE_FAULT_TEMP;
    }
    if (hot <= (s->shutdown_c - s->hysteresis_c) * 10) {
        return faults & ~EVSE_FAULT_TEMP;
    }
    return faults; /* within the hysteresis: as it was */
}

/* ------------------------------------------------------------------------ */
/* The offered current                                                       */
/* ------------------------------------------------------------------------ */

uint32_t evse_power_offer(const evse_t *e, const evse_connector_t *k, evse_limit_reason_t *why)
{
    uint32_t ma = e->config.max_current_ma;
    evse_limit_reason_t r = EVSE_LIMIT_NONE;
    if (k->cable_ma < ma) {
        ma = k->cable_ma;
        r = EVSE_LIMIT_CABLE;
    }
    if (k->limit_ma < ma) {
        ma = k->limit_ma;
        r = EVSE_LIMIT_SMART;
    }
    if (k->derate_ma < ma) {
        ma = k->derate_ma;
        r = EVSE_LIMIT_DERATING;
    }
    *why = r;
    return ma < EVSE_MIN_CURRENT_MA ? 0u : ma;
}

/* ------------------------------------------------------------------------ */
/* Lights                                                                    */
/* ------------------------------------------------------------------------ */

static evse_led_t led_for(const evse_t *e, const evse_connector_t *k)
{
    evse_led_t l = {.color = EVSE_LED_GREEN, .pattern = EVSE_LED_STEADY};
    if (k->faults != 0u || k->status == OCPP_CONNECTOR_FAULTED) {
        l = (evse_led_t){.color = EVSE_LED_RED, .pattern = EVSE_LED_BLINK};
    } else if (k->relay_closed) {
        uint32_t pct = k->offered_ma * 100u / e->config.max_current_ma;
        l = (evse_led_t){.color = EVSE_LED_BLUE,
                         .pattern = EVSE_LED_PULSE,
                         .rate_pct = (uint8_t)(pct < 1u     ? 1u
                                               : pct > 100u ? 100u
                                                            : pct)};
    } else {
        switch (k->status) {
        case OCPP_CONNECTOR_PREPARING: l.color = EVSE_LED_BLUE; break;
        case OCPP_CONNECTOR_CHARGING: /* permitted, the relay not (yet) closed */
        case OCPP_CONNECTOR_SUSPENDED_EV:
        case OCPP_CONNECTOR_SUSPENDED_EVSE: l.color = EVSE_LED_YELLOW; break;
        case OCPP_CONNECTOR_FINISHING:
            l.pattern = EVSE_LED_PULSE;
            l.rate_pct = 20;
            break;
        case OCPP_CONNECTOR_RESERVED:
            l.color = EVSE_LED_YELLOW;
            l.pattern = EVSE_LED_PULSE;
            l.rate_pct = 20;
            break;
        case OCPP_CONNECTOR_UNAVAILABLE: l.color = EVSE_LED_RED; break;
        default: break; /* Available: green steady */
        }
    }
    l.intensity_pct = e->settings.light_intensity;
    return l;
}

static bool led_eq(const evse_led_t *a, const evse_led_t *b)
{
    return a->color == b->color && a->pattern == b->pattern &&
           a->intensity_pct == b->intensity_pct && a->blinks == b->blinks &&
           a->rate_pct == b->rate_pct;
}

/** Wrap-safe: `now` is at or after `until`. */
static bool reached(uint32_t now, uint32_t until)
{
    return (uint32_t)(now - until) < 0x80000000u;
}

void evse_power_led(evse_t *e, uint8_t c)
{
    const evse_board_t *b = e->board;
    evse_connector_t *k = &e->conn[c];
    uint32_t now = b->now_ms(b->ctx);
    evse_led_t l;
    if (e->signal[c].pattern == EVSE_LED_BLINK && !reached(now, e->signal_until[c])) {
        l = e->signal[c];
    } else {
        e->signal[c].pattern = EVSE_LED_STEADY; /* over */
        l = c == 0u ? (evse_led_t){.color = EVSE_LED_OFF} : led_for(e, k);
    }
    if (!led_eq(&l, &k->led) || !k->led_shown) {
        k->led = l;
        k->led_shown = true;
        if (b->led_set != NULL) {
            b->led_set(b->ctx, c, &l);
        }
    }
}

void evse_power_signal(evse_t *e, uint8_t c, bool accepted)
{
    const evse_board_t *b = e->board;
    if (c > e->config.connectors) {
        return;
    }
    uint8_t n = e->settings.blink_repeat;
    e->signal[c] = (evse_led_t){.color = accepted ? EVSE_LED_GREEN : EVSE_LED_RED,
                                .pattern = EVSE_LED_BLINK,
                                .intensity_pct = e->settings.light_intensity,
                                .blinks = n};
    e->signal_until[c] = b->now_ms(b->ctx) + (uint32_t)n * EVSE_LED_BLINK_MS;
    evse_power_led(e, c);
}

void evse_power_event(evse_t *e, const ocpp_cp_event_t *ev)
{
    uint8_t c = ev->connector;
    if (c > e->config.connectors) {
        return;
    }
    if (ev->kind == OCPP_CP_EV_STATUS && c > 0u) {
        e->conn[c].status = (ocpp_connector_status_t)ev->value;
        evse_power_led(e, c);
    } else if (ev->kind == OCPP_CP_EV_AUTHORIZED || ev->kind == OCPP_CP_EV_AUTH_REJECTED) {
        evse_power_signal(e, c, ev->kind == OCPP_CP_EV_AUTHORIZED);
    }
}
