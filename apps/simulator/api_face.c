/**
 * @file api_face.c
 * @brief ocpp-sim's REST routes for the charger's face (issue 15): the OLED
 *        picture (GET .../display: PNG, or JSON rows with Accept:
 *        application/json) and the buttons (POST .../buttons/{menu|stop}).
 *        See docs/simulator.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "sim.h"

/** How long a button press lasts by default (board time, ms). */
#define FACE_HOLD_MS 300u
/** Shortest press: longer than the application's debounce (EVSE_DEBOUNCE_MS). */
#define FACE_HOLD_MIN_MS 80u
/** The station is polled this often while a button is held, so its debounce sees the press. */
#define FACE_POLL_MS 10u

static void reply(sim_reply_t *out, unsigned status, const char *type, const void *data, size_t len)
{
    out->status = status;
    out->content_type = type;
    out->body = malloc(len + 1u);
    out->len = out->body != NULL ? len : 0u;
    if (out->body != NULL) {
        memcpy(out->body, data, len);
        out->body[len] = '\0';
    }
}

static void reply_error(sim_reply_t *out, unsigned status, const char *fmt, ...)
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
    reply(out, status, NULL, buf, n);
}

static bool only(const char *method, const char *allow, sim_reply_t *out)
{
    if (strcmp(method, allow) == 0) {
        return true;
    }
    reply_error(out, 405, "method %s not allowed here (allowed: %s)", method, allow);
    out->allow = allow;
    return false;
}

/** Accept names application/json (and not only as a lower-quality choice after image/png). */
static bool wants_json(const char *accept)
{
    if (accept == NULL) {
        return false;
    }
    const char *j = strstr(accept, "application/json");
    const char *p = strstr(accept, "image/png");
    return j != NULL && (p == NULL || j < p);
}

static const char *screen_of(const sim_station_t *s)
{
    const evse_ui_view_t *v = evse_display_view(&s->evse);
    return v != NULL ? evse_ui_screen_name((evse_screen_t)v->screen) : "none";
}

static void get_display(sim_station_t *s, sim_reply_t *out)
{
    const evse_ssd1306_emu_t *e = evse_sim_oled(&s->board_sim);
    if (!wants_json(s->sim->accept)) {
        uint8_t *png = malloc(EVSE_OLED_PNG_MAX(1));
        size_t n = png != NULL ? evse_ssd1306_emu_png(e, 1, png, EVSE_OLED_PNG_MAX(1)) : 0u;
        if (n == 0u) {
            reply_error(out, 500, "out of memory");
        } else {
            reply(out, 200, "image/png", png, n);
        }
        free(png);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    uint8_t rows[EVSE_OLED_H * EVSE_OLED_W / 8];
    char buf[EVSE_OLED_H * (EVSE_OLED_W / 4 + 4) + 256];
    char line[EVSE_OLED_W / 4 + 1];
    evse_ssd1306_emu_rows(e, rows);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "width", EVSE_OLED_W);
    ocpp_jw_kv_int(&w, "height", EVSE_OLED_H);
    ocpp_jw_kv_bool(&w, "on", e->on && e->pump);
    ocpp_jw_kv_str(&w, "screen", screen_of(s));
    ocpp_jw_kv_int(&w, "revision", e->data_bytes);
    ocpp_jw_key(&w, "rows");
    ocpp_jw_arr_open(&w);
    for (size_t y = 0; y < EVSE_OLED_H; y++) {
        for (size_t i = 0; i < EVSE_OLED_W / 8; i++) {
            uint8_t b = rows[y * (EVSE_OLED_W / 8) + i];
            line[2 * i] = hex[b >> 4];
            line[2 * i + 1] = hex[b & 15u];
        }
        line[EVSE_OLED_W / 4] = '\0';
        ocpp_jw_str(&w, line);
    }
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        reply_error(out, 500, "answer too large");
        return;
    }
    reply(out, 200, NULL, buf, n);
}

/** The body's optional "holdMs" (80..10000): 1 found, 0 absent, -1 answered 400. */
static int hold_of(const char *body, size_t len, uint32_t *hold, sim_reply_t *out)
{
    ocpp_json_value_t root, v;
    int64_t ms = 0;
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
        i++;
    }
    if (i == len) {
        return 0;
    }
    if (ocpp_json_validate(body, len) != OCPP_OK || ocpp_json_root(body, len, &root) != OCPP_OK ||
        root.type != OCPP_JSON_OBJECT) {
        reply_error(out, 400, "the body must be a JSON object");
        return -1;
    }
    if (ocpp_json_get(&root, "holdMs", &v) != OCPP_OK || v.type == OCPP_JSON_NULL) {
        return 0;
    }
    if (v.type != OCPP_JSON_NUMBER || ocpp_json_as_decimal(&v, 0, &ms) != OCPP_OK ||
        ms < FACE_HOLD_MIN_MS || ms > 10000) {
        reply_error(out, 400, "field \"holdMs\" must be a whole number of milliseconds, %u..10000",
                    FACE_HOLD_MIN_MS);
        return -1;
    }
    *hold = (uint32_t)ms;
    return 1;
}

static void post_button(sim_station_t *s, const char *name, const char *body, size_t len,
                        sim_reply_t *out)
{
    uint32_t mask = strcmp(name, "menu") == 0   ? EVSE_BUTTON_MENU
                    : strcmp(name, "stop") == 0 ? EVSE_BUTTON_STOP
                                                : 0u;
    uint32_t hold = FACE_HOLD_MS;
    if (mask == 0u) {
        reply_error(out, 404, "no button \"%.40s\" (the buttons: menu, stop)", name);
        return;
    }
    if (hold_of(body, len, &hold, out) < 0) {
        return;
    }
    (void)evse_sim_press(&s->board_sim, mask, hold);
    evse_poll(&s->evse); /* the application sees the level now; the debounce does the rest */
    sim_station_changed(s);
    char buf[96];
    int n = snprintf(buf, sizeof buf, "{\"button\":\"%s\",\"holdMs\":%u}", name, (unsigned)hold);
    reply(out, 200, NULL, buf, (size_t)n);
}

bool sim_face_route(sim_station_t *s, const char *method, const char *rest, const char *body,
                    size_t len, sim_reply_t *out)
{
    if (strcmp(rest, "display") == 0) {
        if (only(method, "GET", out)) {
            get_display(s, out);
        }
        return true;
    }
    if (strncmp(rest, "buttons/", 8) == 0) {
        if (only(method, "POST", out)) {
            post_button(s, rest + 8, body, len, out);
        }
        return true;
    }
    return false;
}

void sim_face_state(ocpp_jw_t *w, const sim_station_t *s)
{
    ocpp_jw_key(w, "display");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "screen", screen_of(s));
    ocpp_jw_kv_int(w, "revision", evse_sim_oled(&s->board_sim)->data_bytes);
    ocpp_jw_obj_close(w);
}

uint32_t sim_face_poll(sim_station_t *s)
{
    if (s->evse.ui.info == NULL) { /* set again after every (re)start of the application */
        const ocpp_cp_config_t *c = &s->cp.config;
        s->face_info = (evse_ui_info_t){
            .identity = s->id,
            .csms_url = c->csms_url,
            .vendor = c->vendor,
            .model = c->model,
            .serial = c->charge_box_serial != NULL ? c->charge_box_serial : c->serial_number,
            .firmware_version = c->firmware_version};
        evse_display_info(&s->evse, &s->face_info);
    }
    uint32_t rev = evse_sim_oled(&s->board_sim)->data_bytes;
    if (rev != s->face_rev) {
        s->face_rev = rev;
        sim_station_changed(s); /* a state event tells the dashboard to fetch the picture */
    }
    int32_t left = evse_sim_press_left(&s->board_sim); /* until released */
    bool held = left > -(int32_t)(2u * FACE_POLL_MS + EVSE_DEBOUNCE_MS);
    return held ? FACE_POLL_MS : UINT32_MAX; /* the application samples the level often */
}
