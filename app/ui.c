/**
 * @file ui.c
 * @brief The display in the EVSE application (evse_ui.h): state from the
 *        charge point's events, the view of the connector on display, the
 *        menu button, redraws when the view changed.
 */
#include <string.h>

#include "evse_internal.h"

/* Views compare with memcmp: the struct has no padding (its members add up to its size). */
_Static_assert(sizeof(evse_ui_view_t) == 4u * 6u + 2u + 15u + (OCPP_ID_TAG_MAX + 1u) +
                                             EVSE_UI_LINES * (EVSE_UI_LINE + 1u) + 2u,
               "evse_ui_view_t has padding");

#define CARD_NONE        0u
#define CARD_AUTHORIZING 1u
#define CARD_ACCEPTED    2u
#define CARD_REFUSED     3u
#define INFO_PAGES       4u
/** The meter is read for the screen at most this often. */
#define METER_MS 1000u

static void copy_cut(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = src != NULL ? len : 0u;
    n = n >= cap ? cap - 1u : n;
    if (n > 0u) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

static uint32_t now_of(const evse_t *e)
{
    return e->board->now_ms(e->board->ctx);
}

static bool i2c_write(void *ctx, uint8_t addr, const uint8_t *data, size_t len)
{
    const evse_board_t *b = ctx;
    return b->i2c_write(b->ctx, addr, data, len);
}

void evse_ui_init(evse_t *e)
{
    evse_ui_t *u = &e->ui;
    const evse_board_t *b = e->board;
    memset(u, 0, sizeof *u);
    u->present = b->i2c_write != NULL;
    u->focus = 1;
    u->fw_percent = 255;
    evse_ssd1306_init(&u->oled, i2c_write, (void *)b, b->display_addr);
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

static void read_meter(evse_t *e, uint8_t c, uint32_t now, bool force)
{
    evse_ui_conn_t *k = &e->ui.c[c];
    evse_meter_reading_t r;
    if (!force && k->meter_ok && now - k->meter_ms < METER_MS) {
        return;
    }
    memset(&r, 0, sizeof r);
    k->meter_ok = e->board->meter_read(e->board->ctx, c, &r);
    k->meter_ms = now;
    if (k->meter_ok) {
        k->meter_wh = r.energy_wh;
        k->power_w = r.power_w;
    }
}

static void tx_event(evse_t *e, const ocpp_cp_event_t *ev, uint32_t now)
{
    evse_ui_conn_t *k = &e->ui.c[ev->connector];
    if (ev->kind == OCPP_CP_EV_TX_STARTED) {
        if (!k->tx) { /* the first of the two (started, then confirmed by the CSMS) */
            read_meter(e, ev->connector, now, true);
            k->tx = true;
            k->tx_ms = now;
            k->start_wh = k->meter_wh;
            k->summary = false;
            copy_cut(k->id_tag, sizeof k->id_tag, ev->text, ev->len);
        }
        k->authorized = false;
        return;
    }
    read_meter(e, ev->connector, now, true);
    k->sum_wh = k->tx ? k->meter_wh - k->start_wh : 0;
    k->sum_s = k->tx ? (now - k->tx_ms) / 1000u : 0u;
    k->stop_reason = (uint8_t)ev->value;
    k->tx = false;
    k->summary = true;
    k->sum_ms = now;
}

void evse_ui_event(evse_t *e, const ocpp_cp_event_t *ev)
{
    evse_ui_t *u = &e->ui;
    uint32_t now = now_of(e);
    uint8_t c = ev->connector;
    if (ev->unix_time > 0) {
        u->unix_at = ev->unix_time;
        u->unix_ms = now;
    }
    if (ev->kind == OCPP_CP_EV_FIRMWARE_STATUS) { /* the library's Firmware Management */
        (void)evse_display_firmware(e, (evse_fw_state_t)ev->value, 255u);
        u->fw_ms = now;
        return;
    }
    if (ev->kind == OCPP_CP_EV_CONNECTION) {
        u->conn = (uint8_t)ev->conn;
        u->accepted_once = u->accepted_once || ev->conn == OCPP_CP_ACCEPTED;
        return;
    }
    if (c > e->config.connectors) {
        return;
    }
    if (ev->kind == OCPP_CP_EV_AUTHORIZED || ev->kind == OCPP_CP_EV_AUTH_REJECTED) {
        bool ok = ev->kind == OCPP_CP_EV_AUTHORIZED;
        u->card = ok ? CARD_ACCEPTED : CARD_REFUSED;
        u->card_auth = ok ? (uint8_t)OCPP_AUTH_ACCEPTED : (uint8_t)ev->value;
        u->card_ms = now;
        u->active = true;
        copy_cut(u->card_tag, sizeof u->card_tag, ev->text, ev->len);
        if (c != 0u) {
            u->card_conn = c;
            u->focus = c;
            u->c[c].authorized = ok && !u->c[c].tx;
        }
        return;
    }
    if (c == 0u) {
        return;
    }
    if (ev->kind == OCPP_CP_EV_STATUS) {
        u->c[c].status = (uint8_t)ev->value;
        u->c[c].status_known = true;
        if (ev->value != OCPP_CONNECTOR_AVAILABLE || u->c[c].summary) {
            u->focus = c;
        }
        if (ev->value == OCPP_CONNECTOR_AVAILABLE) {
            u->c[c].authorized = false; /* the authorization timed out, or was used */
        }
    } else if (ev->kind == OCPP_CP_EV_TX_STARTED || ev->kind == OCPP_CP_EV_TX_STOPPED) {
        tx_event(e, ev, now);
        u->focus = c;
        u->active = true;
        if (ev->kind == OCPP_CP_EV_TX_STOPPED && u->card == CARD_ACCEPTED &&
            (u->card_conn == 0u || u->card_conn == c)) {
            u->card = CARD_NONE; /* the card ended the session: its summary, not "accepted" */
        }
    }
}

void evse_ui_card(evse_t *e, uint8_t at, const char *uid)
{
    evse_ui_t *u = &e->ui;
    u->card = CARD_AUTHORIZING;
    u->card_conn = at;
    u->card_ms = now_of(e);
    u->active = true;
    copy_cut(u->card_tag, sizeof u->card_tag, uid, uid != NULL ? strlen(uid) : 0u);
    if (at != 0u) {
        u->focus = at;
    }
}

/** The menu button (debounced by evse_poll(): evse_buttons_pressed()): a
 *  press shows the next information page. A DataTransfer DisplayMessage
 *  (evse_message()) shows for EVSE_UI_MESSAGE_S. */
static void poll_inputs(evse_t *e, uint32_t now)
{
    evse_ui_t *u = &e->ui;
    uint32_t seq = 0;
    const char *text = evse_message(e, &seq);
    if (seq != u->msg_seq) {
        u->msg_seq = seq;
        (void)evse_display_message(e, text, EVSE_UI_MESSAGE_S);
    }
    bool fw_final = u->fw == EVSE_FW_DOWNLOAD_FAILED || u->fw == EVSE_FW_INSTALLED ||
                    u->fw == EVSE_FW_INSTALLATION_FAILED;
    if (fw_final && now - u->fw_ms >= EVSE_UI_FIRMWARE_S * 1000u) {
        u->fw = EVSE_FW_IDLE; /* the outcome was shown long enough */
    }
    if ((evse_buttons_pressed(e) & EVSE_BUTTON_MENU) != 0u) {
        u->menu = (uint8_t)((u->menu + 1u) % (INFO_PAGES + 1u));
        u->menu_ms = now;
    }
    if (u->menu != 0u && now - u->menu_ms >= EVSE_UI_MENU_MS) {
        u->menu = 0;
    }
}

/* ------------------------------------------------------------------------ */
/* The view                                                                  */
/* ------------------------------------------------------------------------ */

static void line(char *dst, const char *a, const char *b)
{
    size_t n = 0;
    for (const char *p = a; p != NULL && *p != '\0' && n < EVSE_UI_LINE; p++) {
        dst[n++] = *p;
    }
    for (const char *p = b != NULL ? b : "-"; *p != '\0' && n < EVSE_UI_LINE; p++) {
        dst[n++] = *p;
    }
    dst[n] = '\0';
}

/** "host:port" of a ws:// URL. */
static void url_host(char *dst, const char *url)
{
    const char *p = url != NULL ? url : "-";
    for (const char *q = p; *q != '\0' && *q != '/'; q++) {
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            p = q + 3; /* after the scheme */
            break;
        }
    }
    size_t n = strcspn(p, "/");
    copy_cut(dst, EVSE_UI_LINE + 1u, p, n);
}

static void append(char *dst, const char *s)
{
    size_t n = strlen(dst);
    for (; s != NULL && *s != '\0' && n < EVSE_UI_LINE; s++) {
        dst[n++] = *s;
    }
    dst[n] = '\0';
}

static void append_uint(char *dst, uint32_t v, unsigned min)
{
    char d[21];
    char b[22];
    unsigned n = 0;
    size_t at = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n < min) {
        d[n++] = '0';
    }
    while (n > 0u) {
        b[at++] = d[--n];
    }
    b[at] = '\0';
    append(dst, b);
}

/** "Meter 1: 1234.56 kWh" per connector (up to 4). */
static void meter_lines(evse_t *e, evse_ui_view_t *v, uint32_t now)
{
    uint8_t n = e->config.connectors < EVSE_UI_LINES ? e->config.connectors : EVSE_UI_LINES;
    for (uint8_t c = 1; c <= n; c++) {
        char *l = v->lines[c - 1u];
        const evse_ui_conn_t *k = &e->ui.c[c];
        read_meter(e, c, now, false);
        l[0] = '\0';
        append(l, "Meter ");
        append_uint(l, c, 1);
        append(l, ": ");
        if (!k->meter_ok) {
            append(l, "no reading");
            continue;
        }
        uint32_t wh = k->meter_wh < 0                     ? 0u
                      : k->meter_wh > (int64_t)UINT32_MAX ? UINT32_MAX
                                                          : (uint32_t)k->meter_wh;
        append_uint(l, wh / 1000u, 1);
        append(l, ".");
        append_uint(l, wh % 1000u / 10u, 2);
        append(l, " kWh");
    }
}

static void info_lines(evse_t *e, evse_ui_view_t *v, uint32_t now)
{
    static const evse_ui_info_t none = {0};
    static const char *const fw[] = {"Idle",       "Downloading", "Downloaded",  "Download fail",
                                     "Installing", "Installed",   "Install fail"};
    static const char *const link[] = {"offline", "connecting", "booting",
                                       "pending", "accepted",   "rejected"};
    const evse_ui_info_t *i = e->ui.info != NULL ? e->ui.info : &none;
    switch ((evse_screen_t)v->screen) {
    case EVSE_SCREEN_INFO_NETWORK:
        line(v->lines[0], "Link: ", v->conn < 6u ? link[v->conn] : "?");
        line(v->lines[1], "CSMS:", "");
        url_host(v->lines[2], i->csms_url);
        line(v->lines[3], "Security: ",
             i->csms_url != NULL && strncmp(i->csms_url, "wss:", 4) == 0 ? "TLS" : "none");
        break;
    case EVSE_SCREEN_INFO_IDS:
        line(v->lines[0], "Id: ", i->identity);
        line(v->lines[1], "Vendor: ", i->vendor);
        line(v->lines[2], "Model: ", i->model);
        line(v->lines[3], "S/N: ", i->serial);
        break;
    case EVSE_SCREEN_INFO_FIRMWARE:
        line(v->lines[0], "Firmware version:", "");
        line(v->lines[1], "", i->firmware_version);
        line(v->lines[2], "Update: ", e->ui.fw < 7u ? fw[e->ui.fw] : "?");
        line(v->lines[3], "", "");
        break;
    default: meter_lines(e, v, now); break;
    }
}

/** The screen for the connector's state (no card, menu, message or update). */
static evse_screen_t status_screen(const evse_t *e, uint8_t c, uint32_t now)
{
    const evse_ui_conn_t *k = &e->ui.c[c];
    const evse_connector_t *a = &e->conn[c];
    uint8_t st = k->status_known ? k->status : (uint8_t)OCPP_CONNECTOR_AVAILABLE;
    if (a->faults != 0u || st == OCPP_CONNECTOR_FAULTED) {
        return EVSE_SCREEN_FAULTED;
    }
    switch ((ocpp_connector_status_t)st) {
    case OCPP_CONNECTOR_CHARGING: return EVSE_SCREEN_CHARGING;
    case OCPP_CONNECTOR_SUSPENDED_EV: return EVSE_SCREEN_SUSPENDED_EV;
    case OCPP_CONNECTOR_SUSPENDED_EVSE: return EVSE_SCREEN_SUSPENDED_EVSE;
    case OCPP_CONNECTOR_UNAVAILABLE: return EVSE_SCREEN_UNAVAILABLE;
    case OCPP_CONNECTOR_RESERVED: return EVSE_SCREEN_RESERVED;
    case OCPP_CONNECTOR_FINISHING: return EVSE_SCREEN_FINISHED;
    default: break;
    }
    if (k->summary && (a->plugged || now - k->sum_ms < EVSE_UI_SUMMARY_MS)) {
        return EVSE_SCREEN_FINISHED;
    }
    return EVSE_SCREEN_AVAILABLE;
}

static evse_screen_t card_screen(const evse_ui_t *u, uint8_t c, uint32_t now)
{
    uint32_t age = now - u->card_ms;
    if (u->card == CARD_NONE || (u->card_conn != 0u && u->card_conn != c)) {
        return EVSE_SCREEN_COUNT;
    }
    if (u->card == CARD_AUTHORIZING && age < EVSE_UI_AUTH_MS) {
        return EVSE_SCREEN_AUTHORIZING;
    }
    if (u->card == CARD_ACCEPTED && age < EVSE_UI_CARD_MS) {
        return EVSE_SCREEN_ACCEPTED;
    }
    if (u->card == CARD_REFUSED && age < EVSE_UI_CARD_MS) {
        return EVSE_SCREEN_REFUSED;
    }
    return EVSE_SCREEN_COUNT;
}

static evse_screen_t pick_screen(const evse_t *e, uint8_t c, uint32_t now)
{
    const evse_ui_t *u = &e->ui;
    if (u->menu != 0u) {
        return (evse_screen_t)(EVSE_SCREEN_INFO_NETWORK + u->menu - 1u);
    }
    if (u->msg_on && now - u->msg_ms < u->msg_for_ms) {
        return EVSE_SCREEN_MESSAGE;
    }
    if (u->fw != EVSE_FW_IDLE && !u->c[c].tx) {
        return EVSE_SCREEN_FIRMWARE;
    }
    if (!u->accepted_once && !u->active && !e->conn[c].plugged && e->conn[c].faults == 0u &&
        now - u->init_ms < EVSE_UI_BOOT_MS) {
        return EVSE_SCREEN_BOOT;
    }
    evse_screen_t s = card_screen(u, c, now);
    return s != EVSE_SCREEN_COUNT ? s : status_screen(e, c, now);
}

static void clock_of(const evse_ui_t *u, evse_ui_view_t *v, uint32_t now)
{
    if (u->unix_at <= 0) {
        return;
    }
    /* Unix time fits 32 bits until 2106: no 64-bit division on small targets. */
    uint32_t t = (uint32_t)u->unix_at + (now - u->unix_ms) / 1000u;
    v->has_clock = true;
    v->hour = (uint8_t)(t / 3600u % 24u);
    v->minute = (uint8_t)(t / 60u % 60u);
}

static int32_t hottest(const evse_t *e, uint8_t c)
{
    const evse_board_t *b = e->board;
    int32_t t = 0;
    if (b->temperature_read == NULL || !b->temperature_read(b->ctx, c, &t)) {
        return 0;
    }
    return t;
}

static void session_values(evse_t *e, uint8_t c, evse_ui_view_t *v, uint32_t now)
{
    evse_ui_conn_t *k = &e->ui.c[c];
    const evse_board_t *b = e->board;
    uint16_t soc = 0;
    v->soc = -1;
    if (v->plugged && b->ev_soc_read != NULL && b->ev_soc_read(b->ctx, c, &soc) && soc <= 1000u) {
        v->soc = (int16_t)soc;
    }
    if (k->tx) {
        read_meter(e, c, now, false);
        v->power_w = k->power_w;
        v->energy_wh = (int32_t)(k->meter_wh - k->start_wh);
        v->duration_s = (now - k->tx_ms) / 1000u;
        copy_cut(v->id_tag, sizeof v->id_tag, k->id_tag, strlen(k->id_tag));
    } else if (v->screen == EVSE_SCREEN_FINISHED) {
        v->energy_wh = (int32_t)k->sum_wh;
        v->duration_s = k->sum_s;
        v->stop_reason = k->stop_reason;
    }
    if (k->summary && v->plugged) {
        k->sum_ms = now; /* the summary stays while the vehicle is plugged in */
    }
}

/** The connector on display: the last one something happened at, unless it is idle
 *  while another one charges. */
static uint8_t focus_of(const evse_t *e, uint32_t now)
{
    const evse_ui_t *u = &e->ui;
    uint8_t c = u->focus >= 1u && u->focus <= e->config.connectors ? u->focus : 1u;
    const evse_ui_conn_t *k = &u->c[c];
    bool idle = !k->tx && !k->summary && !k->authorized && !e->conn[c].plugged &&
                e->conn[c].faults == 0u && card_screen(u, c, now) == EVSE_SCREEN_COUNT;
    for (uint8_t o = 1; idle && o <= e->config.connectors; o++) {
        if (u->c[o].tx) {
            return o;
        }
    }
    return c;
}

static void build_view(evse_t *e, evse_ui_view_t *v, uint32_t now)
{
    evse_ui_t *u = &e->ui;
    uint8_t c = focus_of(e, now);
    const evse_connector_t *a = &e->conn[c];
    memset(v, 0, sizeof *v);
    v->screen = (uint8_t)pick_screen(e, c, now);
    v->connector = c;
    v->connectors = e->config.connectors;
    v->conn = u->conn;
    clock_of(u, v, now);
    v->plugged = a->plugged;
    v->authorized = u->c[c].authorized;
    v->offered_ma = a->offered_ma;
    v->max_ma = e->config.max_current_ma;
    v->fault = (uint8_t)a->error;
    v->temp_dc = hottest(e, c);
    v->limit = a->limit_reason == EVSE_LIMIT_DERATING ? (uint8_t)EVSE_UI_LIMIT_DERATING
               : a->limit_reason == EVSE_LIMIT_SMART  ? (uint8_t)EVSE_UI_LIMIT_SMART
                                                      : (uint8_t)EVSE_UI_LIMIT_NONE;
    v->fw = u->fw;
    v->fw_percent = u->fw_percent;
    session_values(e, c, v, now);
    switch ((evse_screen_t)v->screen) {
    case EVSE_SCREEN_AUTHORIZING:
    case EVSE_SCREEN_ACCEPTED:
    case EVSE_SCREEN_REFUSED:
        copy_cut(v->id_tag, sizeof v->id_tag, u->card_tag, strlen(u->card_tag));
        v->auth = u->card_auth;
        break;
    case EVSE_SCREEN_BOOT: line(v->lines[0], "", u->info != NULL ? u->info->identity : NULL); break;
    case EVSE_SCREEN_MESSAGE: memcpy(v->lines, u->msg, sizeof v->lines); break;
    case EVSE_SCREEN_INFO_NETWORK:
    case EVSE_SCREEN_INFO_IDS:
    case EVSE_SCREEN_INFO_FIRMWARE:
    case EVSE_SCREEN_INFO_METER: info_lines(e, v, now); break;
    default: break;
    }
}

void evse_ui_poll(evse_t *e)
{
    evse_ui_t *u = &e->ui;
    uint32_t now = now_of(e);
    evse_ui_view_t v;
    if (!u->started) { /* the board's clock may start only with the main loop */
        u->started = true;
        u->init_ms = now;
    }
    poll_inputs(e, now);
    if (!u->present) {
        return;
    }
    build_view(e, &v, now);
    bool changed = !u->drawn || memcmp(&v, &u->shown, sizeof v) != 0;
    if (changed) {
        evse_ui_render(&v, &u->fb);
        memcpy(&u->shown, &v, sizeof v);
        u->drawn = true;
    }
    /* Send what changed; after a failed transfer try again once a second. */
    bool behind = u->oled.valid != 0xFFu;
    if (changed || (behind && now - u->retry_ms >= 1000u)) {
        if (evse_ssd1306_flush(&u->oled, &u->fb) < 0) {
            u->retry_ms = now;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */
/* ------------------------------------------------------------------------ */

void evse_display_info(evse_t *e, const evse_ui_info_t *info)
{
    if (e != NULL) {
        e->ui.info = info;
    }
}

ocpp_status_t evse_display_firmware(evse_t *e, evse_fw_state_t state, uint8_t percent)
{
    if (e == NULL || (unsigned)state > (unsigned)EVSE_FW_INSTALLATION_FAILED ||
        (percent > 100u && percent != 255u)) {
        return OCPP_ERR_PARAM;
    }
    e->ui.fw = (uint8_t)state;
    e->ui.fw_percent = percent;
    return OCPP_OK;
}

/** Cut text into lines at spaces ('\n': a new line); a word longer than a line is cut. */
static void wrap(char out[EVSE_UI_LINES][EVSE_UI_LINE + 1], const char *text)
{
    unsigned l = 0;
    size_t n = 0;
    memset(out, 0, (size_t)EVSE_UI_LINES * (EVSE_UI_LINE + 1u));
    const char *p = text;
    while (*p != '\0' && l < EVSE_UI_LINES) {
        if (*p == '\n' || *p == ' ') {
            if (*p == '\n') {
                l++;
                n = 0;
            }
            p++;
            continue;
        }
        size_t word = strcspn(p, " \n");
        if (n > 0u && n + 1u + word > EVSE_UI_LINE) {
            l++; /* the word goes onto the next line */
            n = 0;
            continue;
        }
        if (n > 0u) {
            out[l][n++] = ' ';
        }
        for (; word > 0u && n < EVSE_UI_LINE; word--, p++) {
            char ch = *p;
            if (ch < ' ' || ch > '~') {
                ch = '?';
            }
            out[l][n++] = ch;
        }
        if (word > 0u) { /* cut: the rest on the next line */
            l++;
            n = 0;
        }
    }
}

ocpp_status_t evse_display_message(evse_t *e, const char *text, uint32_t seconds)
{
    if (e == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (text == NULL || text[0] == '\0') {
        e->ui.msg_on = false;
        return OCPP_OK;
    }
    if (seconds < 1u || seconds > 3600u) {
        return OCPP_ERR_PARAM;
    }
    wrap(e->ui.msg, text);
    e->ui.msg_on = true;
    e->ui.msg_ms = now_of(e);
    e->ui.msg_for_ms = seconds * 1000u;
    return OCPP_OK;
}

const evse_ui_view_t *evse_display_view(const evse_t *e)
{
    return e != NULL && e->ui.drawn ? &e->ui.shown : NULL;
}
