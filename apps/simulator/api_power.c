/**
 * @file api_power.c
 * @brief ocpp-sim's REST routes for power and the charger's face (see
 *        docs/simulator.md): a connector's temperature, a debug current
 *        limit; and what /api/state shows of the connector's power and face
 *        (light, why the current is reduced). The buttons are api_face.c's.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "api_power.h"

static void answer(sim_reply_t *out, unsigned status, const char *json)
{
    size_t n = strlen(json);
    out->status = status;
    out->body = malloc(n + 1u);
    out->len = out->body != NULL ? n : 0u;
    if (out->body != NULL) {
        memcpy(out->body, json, n + 1u);
    }
}

static void fail(sim_reply_t *out, unsigned status, const char *fmt, ...)
{
    char msg[200];
    char buf[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "error", msg);
    ocpp_jw_obj_close(&w);
    (void)ocpp_jw_finish(&w, &n);
    buf[n] = '\0';
    answer(out, status, buf);
}

static bool post_only(const char *method, sim_reply_t *out)
{
    if (strcmp(method, "POST") == 0) {
        return true;
    }
    fail(out, 405, "method %s not allowed here (allowed: POST)", method);
    out->allow = "POST";
    return false;
}

/** A number member of a body: as fixed point with `scale` decimals, in [lo, hi], or null. */
typedef struct {
    const char *key;
    unsigned scale;
    int64_t lo, hi;
} num_spec_t;

/** The body's member sp->key: @return 1 a number in range (*v), 0 null, -1 answered 400. */
static int body_number(const char *body, size_t len, const num_spec_t *sp, int64_t *v,
                       sim_reply_t *out)
{
    const char *key = sp->key;
    ocpp_json_value_t root, m;
    if (len == 0u || ocpp_json_validate(body, len) != OCPP_OK ||
        ocpp_json_root(body, len, &root) != OCPP_OK || root.type != OCPP_JSON_OBJECT) {
        fail(out, 400, "the body must be a JSON object {\"%s\": number}", key);
        return -1;
    }
    if (ocpp_json_get(&root, key, &m) != OCPP_OK) {
        fail(out, 400, "field \"%s\" is required", key);
        return -1;
    }
    if (m.type == OCPP_JSON_NULL) {
        return 0;
    }
    if (m.type != OCPP_JSON_NUMBER) {
        fail(out, 400, "field \"%s\" must be a number or null", key);
        return -1;
    }
    if (ocpp_json_as_decimal(&m, sp->scale, v) != OCPP_OK || *v < sp->lo || *v > sp->hi) {
        fail(out, 400, "field \"%s\" is out of range", key);
        return -1;
    }
    return 1;
}

/** The connector's part of the answer: what changed, for the caller to check. */
static void reply_power(sim_station_t *s, uint8_t c, sim_reply_t *out)
{
    evse_sim_step(&s->board_sim, ocpp_posix_now_ms());
    evse_poll(&s->evse); /* the application reacts now (derating, fault, PWM) */
    sim_station_changed(s);
    char buf[512];
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    evse_connector_t k;
    evse_sim_connector_t b;
    (void)evse_connector(&s->evse, c, &k);
    (void)evse_sim_connector(&s->board_sim, c, &b);
    ocpp_jw_kv_int(&w, "id", c);
    ocpp_jw_key(&w, "offeredCurrentA");
    ocpp_jw_decimal(&w, k.offered_ma, 3);
    ocpp_jw_key(&w, "temperatureC");
    ocpp_jw_decimal(&w, b.temp_dc, 1);
    ocpp_jw_kv_str(&w, "errorCode", ocpp_fault_str(k.error));
    sim_power_write_connector(&w, s, c);
    ocpp_jw_obj_close(&w);
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        fail(out, 500, "answer too large");
        return;
    }
    buf[n] = '\0';
    answer(out, 200, buf);
}

void sim_power_write_connector(ocpp_jw_t *w, const sim_station_t *s, uint8_t c)
{
    evse_connector_t k;
    evse_sim_connector_t b;
    if (evse_connector(&s->evse, c, &k) != OCPP_OK || !evse_sim_connector(&s->board_sim, c, &b)) {
        return;
    }
    ocpp_jw_key(w, "led");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "color", evse_led_color_str(b.led.color));
    ocpp_jw_kv_str(w, "pattern", evse_led_pattern_str(b.led.pattern));
    ocpp_jw_kv_int(w, "intensityPercent", b.led.intensity_pct);
    if (b.led.pattern == EVSE_LED_BLINK) {
        ocpp_jw_kv_int(w, "blinks", b.led.blinks);
    }
    if (b.led.pattern == EVSE_LED_PULSE) {
        ocpp_jw_kv_int(w, "ratePercent", b.led.rate_pct);
    }
    ocpp_jw_obj_close(w);
    ocpp_jw_kv_str(w, "limitReason", evse_limit_reason_str(k.limit_reason));
    ocpp_jw_key(w, "deratingA");
    if (k.derate_ma != EVSE_NO_LIMIT) {
        ocpp_jw_decimal(w, k.derate_ma, 3);
    } else {
        ocpp_jw_null(w);
    }
    ocpp_jw_kv_bool(w, "evseSuspended", k.suspended);
    ocpp_jw_kv_bool(w, "temperatureHeld", b.temp_held);
}

static void act_temperature(sim_station_t *s, uint8_t c, const char *body, size_t len,
                            sim_reply_t *out)
{
    int64_t dc = 0;
    static const num_spec_t spec = {"celsius", 1, -1000, 2000};
    int r = body_number(body, len, &spec, &dc, out);
    if (r < 0) {
        return;
    }
    (void)evse_sim_set_temperature(&s->board_sim, c, r == 1, (int32_t)dc);
    reply_power(s, c, out);
}

static void act_limit(sim_station_t *s, uint8_t c, const char *body, size_t len, sim_reply_t *out)
{
    int64_t ma = 0;
    static const num_spec_t spec = {"amps", 3, 0, 80000};
    int r = body_number(body, len, &spec, &ma, out);
    if (r < 0) {
        return;
    }
    (void)evse_set_limit(&s->evse, c, r == 1 ? (uint32_t)ma : EVSE_NO_LIMIT);
    reply_power(s, c, out);
}

bool sim_api_power(sim_station_t *s, uint8_t c, const char *act, const char *method,
                   const char *body, size_t len, sim_reply_t *out)
{
    bool temperature = strcmp(act, "temperature") == 0;
    if (!temperature && strcmp(act, "limit") != 0) {
        return false;
    }
    if (post_only(method, out)) {
        if (temperature) {
            act_temperature(s, c, body, len, out);
        } else {
            act_limit(s, c, body, len, out);
        }
    }
    return true;
}
