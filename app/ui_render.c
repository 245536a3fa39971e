/**
 * @file ui_render.c
 * @brief The screens of the charger's display: a view -> pixels
 *        (evse_ui_render(), evse_ui.h). Layout: a header bar (10 rows,
 *        inverted: connector number, title, clock, link icon), the body
 *        below it.
 */
#include <string.h>

#include "ocpp/evse_ui.h"

#define SMALL (&evse_font_small)
#define BIG   (&evse_font_big)
#define SET   EVSE_GFX_SET
#define CLR   EVSE_GFX_CLEAR

/* ------------------------------------------------------------------------ */
/* Text building without printf                                              */
/* ------------------------------------------------------------------------ */

typedef struct {
    char b[40];
    size_t n;
} txt_t;

static void t_reset(txt_t *t)
{
    t->n = 0;
    t->b[0] = '\0';
}

static void t_str(txt_t *t, const char *s)
{
    for (; s != NULL && *s != '\0' && t->n + 1u < sizeof t->b; s++) {
        t->b[t->n++] = *s;
    }
    t->b[t->n] = '\0';
}

/** An unsigned number with at least `width` digits (zero-padded). */
static void t_uint(txt_t *t, uint32_t v, unsigned width)
{
    char d[21];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u && n < sizeof d);
    while (n < width && n < sizeof d) {
        d[n++] = '0';
    }
    while (n > 0u && t->n + 1u < sizeof t->b) {
        t->b[t->n++] = d[--n];
    }
    t->b[t->n] = '\0';
}

/** A fixed-point value v / 10^dec with `dec` decimals (negative values get a '-'). */
static void t_fixed(txt_t *t, int32_t v, unsigned dec)
{
    uint32_t p = 1;
    for (unsigned i = 0; i < dec; i++) {
        p *= 10u;
    }
    uint32_t m = v < 0 ? 0u - (uint32_t)v : (uint32_t)v; /* INT32_MIN too */
    if (v < 0) {
        t_str(t, "-");
    }
    t_uint(t, m / p, 1);
    if (dec > 0u) {
        t_str(t, ".");
        t_uint(t, m % p, dec);
    }
}

/** Power in kW: one decimal below 100 kW. */
static void t_kw(txt_t *t, int32_t w)
{
    int32_t v = w < 0 ? 0 : w;
    if (v < 99950) {
        t_fixed(t, (v + 50) / 100, 1);
    } else {
        t_fixed(t, (v + 500) / 1000, 0);
    }
}

/** Energy in kWh: two decimals below 1000 kWh, one above. */
static void t_kwh(txt_t *t, int32_t wh)
{
    int32_t v = wh < 0 ? 0 : wh;
    if (v < 999995) {
        t_fixed(t, (v + 5) / 10, 2);
    } else {
        t_fixed(t, (v + 50) / 100, 1);
    }
}

/** H:MM:SS */
static void t_duration(txt_t *t, uint32_t s)
{
    t_uint(t, s / 3600u, 1);
    t_str(t, ":");
    t_uint(t, s / 60u % 60u, 2);
    t_str(t, ":");
    t_uint(t, s % 60u, 2);
}

/** Amperes from mA, one decimal if not whole. */
static void t_amps(txt_t *t, uint32_t ma)
{
    if (ma % 1000u == 0u) {
        t_uint(t, ma / 1000u, 1);
    } else {
        uint32_t da = (ma + 50u) / 100u; /* tenths of an ampere */
        t_uint(t, da / 10u, 1);
        t_str(t, ".");
        t_uint(t, da % 10u, 1);
    }
    t_str(t, " A");
}

/** Degrees from tenths. */
static void t_temp(txt_t *t, int32_t dc)
{
    t_fixed(t, dc, 1);
    t_str(t, EVSE_FONT_DEGREE "C");
}

/* ------------------------------------------------------------------------ */
/* Building blocks                                                           */
/* ------------------------------------------------------------------------ */

/** Text cut to `max` characters. */
static void text_cut(evse_gfx_t *g, int x, int y, const char *s, size_t max)
{
    char b[EVSE_UI_LINE + 1];
    size_t n = strlen(s);
    if (max > EVSE_UI_LINE) {
        max = EVSE_UI_LINE;
    }
    n = n > max ? max : n;
    memcpy(b, s, n);
    b[n] = '\0';
    (void)evse_gfx_text(g, x, y, SMALL, b, SET);
}

static void header(evse_gfx_t *g, const evse_ui_view_t *v, const char *title)
{
    int x = 2;
    evse_gfx_fill(g, 0, 0, EVSE_GFX_W, 10, SET);
    if (v->connectors > 1u) {
        txt_t t;
        t_reset(&t);
        t_uint(&t, v->connector, 1);
        int w = evse_gfx_text_width(SMALL, t.b);
        evse_gfx_fill(g, 1, 1, w + 4, 8, CLR);
        (void)evse_gfx_text(g, 3, 1, SMALL, t.b, SET);
        x = w + 8;
    }
    (void)evse_gfx_text(g, x, 1, SMALL, title, CLR);
    evse_gfx_icon(g, 119, 1, v->conn == OCPP_CP_ACCEPTED ? EVSE_ICON_SIGNAL : EVSE_ICON_NO_SIGNAL,
                  1, CLR);
    if (v->has_clock) {
        txt_t t;
        t_reset(&t);
        t_uint(&t, v->hour, 2);
        t_str(&t, ":");
        t_uint(&t, v->minute, 2);
        evse_gfx_text_right(g, 116, 1, SMALL, t.b, CLR);
    }
}

/** A large icon on the left and up to three lines of text beside it. */
static void icon_lines(evse_gfx_t *g, evse_big_icon_t icon, const char *l1, const char *l2,
                       const char *l3)
{
    evse_gfx_bitmap(g, 4, 15, evse_font_big_icon(icon), 24, 24, 1, SET);
    const char *l[3] = {l1, l2, l3};
    for (int i = 0; i < 3; i++) {
        if (l[i] != NULL) {
            text_cut(g, 36, 15 + 11 * i, l[i], 15);
        }
    }
}

/** A bar of `permille` in a w x h frame. */
static void bar(evse_gfx_t *g, int x, int y, int w, int h, int permille)
{
    permille = permille < 0 ? 0 : permille > 1000 ? 1000 : permille;
    evse_gfx_round_rect(g, x, y, w, h, SET);
    evse_gfx_fill(g, x + 2, y + 2, (w - 4) * permille / 1000, h - 4, SET);
}

/** A line of the bottom: inverted, rounded, with centred text. */
static void footer(evse_gfx_t *g, const char *text)
{
    evse_gfx_fill(g, 1, 53, EVSE_GFX_W - 2, 11, SET);
    evse_gfx_pixel(g, 1, 53, CLR);
    evse_gfx_pixel(g, EVSE_GFX_W - 2, 53, CLR);
    evse_gfx_text_center(g, 0, EVSE_GFX_W, 55, SMALL, text, CLR);
}

/** "Card <tag>" on the bottom line. */
static void tag_line(evse_gfx_t *g, const evse_ui_view_t *v)
{
    if (v->id_tag[0] != '\0') {
        txt_t t;
        t_reset(&t);
        t_str(&t, "Card ");
        t_str(&t, v->id_tag);
        text_cut(g, 2, 55, t.b, 21);
    }
}

/** Energy left, duration right, at row y. */
static void energy_time(evse_gfx_t *g, const evse_ui_view_t *v, int y)
{
    txt_t t;
    t_reset(&t);
    t_kwh(&t, v->energy_wh);
    t_str(&t, " kWh");
    (void)evse_gfx_text(g, 2, y, SMALL, t.b, SET);
    t_reset(&t);
    t_duration(&t, v->duration_s);
    evse_gfx_text_right(g, 126, y, SMALL, t.b, SET);
    evse_gfx_icon(g, 126 - evse_gfx_text_width(SMALL, t.b) - 11, y - 1, EVSE_ICON_CLOCK, 1, SET);
}

/* ------------------------------------------------------------------------ */
/* Screens                                                                   */
/* ------------------------------------------------------------------------ */

static const char *conn_text(uint8_t c)
{
    static const char *const k[] = {"offline", "connecting", "registering",
                                    "pending", "online",     "rejected"};
    return c < sizeof k / sizeof k[0] ? k[c] : "?";
}

static void s_boot(evse_gfx_t *g, const evse_ui_view_t *v)
{
    static const char *const l1[] = {"No connection", "Connecting to", "Registering",
                                     "Registration",  "Connected to",  "Registration"};
    static const char *const l2[] = {"to the CSMS,", "the CSMS...", "with the CSMS",
                                     "pending...",   "the CSMS",    "rejected"};
    uint8_t c = v->conn < 6u ? v->conn : 0u;
    header(g, v, "STARTING");
    icon_lines(g, c == OCPP_CP_ACCEPTED ? EVSE_BIG_SIGNAL : EVSE_BIG_NO_SIGNAL, l1[c], l2[c],
               c == OCPP_CP_OFFLINE ? "retrying" : v->lines[0]);
    txt_t t;
    t_reset(&t);
    t_str(&t, "Link: ");
    t_str(&t, conn_text(c));
    footer(g, t.b);
}

static void s_available(evse_gfx_t *g, const evse_ui_view_t *v)
{
    txt_t t;
    t_reset(&t);
    t_str(&t, "Max ");
    t_amps(&t, v->max_ma);
    if (v->authorized && !v->plugged) {
        header(g, v, "PLUG IN");
        icon_lines(g, EVSE_BIG_PLUG, "Card accepted.", "Plug in your", "vehicle");
        tag_line(g, v);
    } else if (v->plugged) {
        header(g, v, "CONNECTED");
        icon_lines(g, EVSE_BIG_CARD, "Vehicle", "connected.", "Present card");
        text_cut(g, 2, 55, t.b, 21);
    } else {
        header(g, v, "AVAILABLE");
        icon_lines(g, EVSE_BIG_CARD, "Present card", "or plug in", "to charge");
        footer(g, t.b);
    }
}

static void s_authorizing(evse_gfx_t *g, const evse_ui_view_t *v)
{
    header(g, v, "AUTHORIZING");
    icon_lines(g, EVSE_BIG_CARD, "Checking card", "Please wait...", NULL);
    tag_line(g, v);
}

static void s_accepted(evse_gfx_t *g, const evse_ui_view_t *v)
{
    header(g, v, "CARD ACCEPTED");
    icon_lines(g, EVSE_BIG_CHECK, "Card accepted", v->plugged ? "Starting..." : "Plug in your",
               v->plugged ? NULL : "vehicle");
    tag_line(g, v);
}

static void s_refused(evse_gfx_t *g, const evse_ui_view_t *v)
{
    static const char *const why[] = {"Accepted", "Card blocked", "Card expired", "Unknown card",
                                      "Card in use"};
    header(g, v, "CARD REFUSED");
    icon_lines(g, EVSE_BIG_CROSS, "Not authorized", v->auth < 5u ? why[v->auth] : "Refused", NULL);
    tag_line(g, v);
}

/** Current offered and why it is limited, at row y. */
static void current_line(evse_gfx_t *g, const evse_ui_view_t *v, int y)
{
    txt_t t;
    t_reset(&t);
    t_amps(&t, v->offered_ma);
    evse_gfx_icon(g, 1, y - 1, EVSE_ICON_BOLT, 1, SET);
    (void)evse_gfx_text(g, 11, y, SMALL, t.b, SET);
    t_reset(&t);
    if (v->limit == EVSE_UI_LIMIT_DERATING) {
        t_str(&t, "Hot ");
        t_temp(&t, v->temp_dc);
        evse_gfx_icon(g, 126 - evse_gfx_text_width(SMALL, t.b) - 10, y - 1, EVSE_ICON_THERMO, 1,
                      SET);
    } else if (v->limit == EVSE_UI_LIMIT_SMART) {
        t_str(&t, "Limited");
    }
    evse_gfx_text_right(g, 126, y, SMALL, t.b, SET);
}

static void s_charging(evse_gfx_t *g, const evse_ui_view_t *v)
{
    txt_t t;
    header(g, v, "CHARGING");
    t_reset(&t);
    t_kw(&t, v->power_w);
    int x = evse_gfx_text(g, 1, 13, BIG, t.b, SET);
    (void)evse_gfx_text(g, x, 21, SMALL, "kW", SET);
    if (v->soc >= 0) {
        t_reset(&t);
        t_uint(&t, (uint32_t)(v->soc + 5) / 10u, 1);
        t_str(&t, "%");
        evse_gfx_text_right(g, 127, 13, BIG, t.b, SET);
    }
    evse_gfx_fill(g, 0, 31, EVSE_GFX_W, 1, SET);
    energy_time(g, v, 34);
    current_line(g, v, 44);
    if (v->soc >= 0) {
        bar(g, 0, 54, EVSE_GFX_W, 10, v->soc);
    } else {
        tag_line(g, v);
    }
}

static void s_suspended(evse_gfx_t *g, const evse_ui_view_t *v, bool ev)
{
    txt_t t;
    t_reset(&t);
    if (ev) {
        header(g, v, "PAUSED BY EV");
        icon_lines(g, EVSE_BIG_PAUSE, "The vehicle", "paused charging", NULL);
    } else if (v->limit == EVSE_UI_LIMIT_DERATING) {
        header(g, v, "PAUSED");
        t_str(&t, "Hot: ");
        t_temp(&t, v->temp_dc);
        icon_lines(g, EVSE_BIG_THERMO, "Charger paused", t.b, NULL);
    } else if (v->limit == EVSE_UI_LIMIT_SMART) {
        header(g, v, "PAUSED");
        icon_lines(g, EVSE_BIG_PAUSE, "Charger paused", "Power limited", NULL);
    } else {
        header(g, v, "PAUSED");
        icon_lines(g, EVSE_BIG_PAUSE, "Charger paused", "Please wait", NULL);
    }
    energy_time(g, v, 43);
    if (v->soc >= 0) {
        bar(g, 0, 54, EVSE_GFX_W, 10, v->soc);
    } else {
        tag_line(g, v);
    }
}

static const char *stop_text(uint8_t r)
{
    static const char *const k[] = {"At charger", "Deauthorized", "Emergency",  "EV unplugged",
                                    "Reset",      "Other",        "Power loss", "Reboot",
                                    "By CSMS",    "Reset",        "Unlocked"};
    return r < sizeof k / sizeof k[0] ? k[r] : "Other";
}

static void s_finished(evse_gfx_t *g, const evse_ui_view_t *v)
{
    txt_t t;
    header(g, v, "FINISHED");
    t_reset(&t);
    t_kwh(&t, v->energy_wh);
    int x = evse_gfx_text(g, 1, 13, BIG, t.b, SET);
    (void)evse_gfx_text(g, x, 21, SMALL, "kWh", SET);
    evse_gfx_icon(g, 111, 13, EVSE_ICON_CHECK, 2, SET);
    evse_gfx_fill(g, 0, 31, EVSE_GFX_W, 1, SET);
    (void)evse_gfx_text(g, 2, 34, SMALL, "Duration", SET);
    t_reset(&t);
    t_duration(&t, v->duration_s);
    evse_gfx_text_right(g, 126, 34, SMALL, t.b, SET);
    (void)evse_gfx_text(g, 2, 44, SMALL, "Ended", SET);
    evse_gfx_text_right(g, 126, 44, SMALL, stop_text(v->stop_reason), SET);
    footer(g, v->plugged ? "Please unplug" : "Thank you!");
}

static void s_faulted(evse_gfx_t *g, const evse_ui_view_t *v)
{
    header(g, v, "OUT OF ORDER");
    icon_lines(g, EVSE_BIG_WARNING, "Charger fault", "Error code:", NULL);
    evse_gfx_round_rect(g, 0, 39, EVSE_GFX_W, 13, SET);
    evse_gfx_text_center(
        g, 0, EVSE_GFX_W, 42, SMALL,
        v->fault != OCPP_FAULT_NONE ? ocpp_fault_str((ocpp_fault_t)v->fault) : "not reported", SET);
    if (v->fault == OCPP_FAULT_HIGH_TEMPERATURE) {
        txt_t t;
        t_reset(&t);
        t_str(&t, "Temperature ");
        t_temp(&t, v->temp_dc);
        evse_gfx_text_center(g, 0, EVSE_GFX_W, 55, SMALL, t.b, SET);
    } else {
        evse_gfx_text_center(g, 0, EVSE_GFX_W, 55, SMALL, "Please call service", SET);
    }
}

static void s_unavailable(evse_gfx_t *g, const evse_ui_view_t *v)
{
    header(g, v, "UNAVAILABLE");
    icon_lines(g, EVSE_BIG_CROSS, "Out of service", "Please use", "another charger");
}

static void s_reserved(evse_gfx_t *g, const evse_ui_view_t *v)
{
    header(g, v, "RESERVED");
    icon_lines(g, EVSE_BIG_LOCK, "Reserved", "Present the", "reserving card");
    tag_line(g, v);
}

static void s_firmware(evse_gfx_t *g, const evse_ui_view_t *v)
{
    static const char *const k[] = {"Idle",       "Downloading", "Downloaded",    "Download failed",
                                    "Installing", "Installed",   "Install failed"};
    header(g, v, "UPDATING");
    icon_lines(g, EVSE_BIG_DOWNLOAD, "Firmware update", v->fw < 7u ? k[v->fw] : "?",
               v->fw == EVSE_FW_INSTALLING ? "Keep power on" : NULL);
    if (v->fw_percent <= 100u) {
        txt_t t;
        t_reset(&t);
        t_uint(&t, v->fw_percent, 1);
        t_str(&t, "%");
        bar(g, 0, 44, 98, 10, v->fw_percent * 10);
        evse_gfx_text_right(g, 126, 45, SMALL, t.b, SET);
    }
}

static void s_lines(evse_gfx_t *g, const evse_ui_view_t *v, const char *title, bool center)
{
    header(g, v, title);
    for (unsigned i = 0; i < EVSE_UI_LINES; i++) {
        int y = 14 + 12 * (int)i;
        if (center) {
            evse_gfx_text_center(g, 0, EVSE_GFX_W, y, SMALL, v->lines[i], SET);
        } else {
            text_cut(g, 2, y, v->lines[i], EVSE_UI_LINE);
        }
    }
}

void evse_ui_render(const evse_ui_view_t *v, evse_gfx_t *fb)
{
    evse_gfx_t *g = fb;
    static const char *const info[] = {"NETWORK 1/4", "IDS 2/4", "FIRMWARE 3/4", "METER 4/4"};
    evse_gfx_clear(g);
    switch ((evse_screen_t)v->screen) {
    case EVSE_SCREEN_BOOT: s_boot(g, v); break;
    case EVSE_SCREEN_AVAILABLE: s_available(g, v); break;
    case EVSE_SCREEN_AUTHORIZING: s_authorizing(g, v); break;
    case EVSE_SCREEN_ACCEPTED: s_accepted(g, v); break;
    case EVSE_SCREEN_REFUSED: s_refused(g, v); break;
    case EVSE_SCREEN_CHARGING: s_charging(g, v); break;
    case EVSE_SCREEN_SUSPENDED_EV: s_suspended(g, v, true); break;
    case EVSE_SCREEN_SUSPENDED_EVSE: s_suspended(g, v, false); break;
    case EVSE_SCREEN_FINISHED: s_finished(g, v); break;
    case EVSE_SCREEN_FAULTED: s_faulted(g, v); break;
    case EVSE_SCREEN_UNAVAILABLE: s_unavailable(g, v); break;
    case EVSE_SCREEN_RESERVED: s_reserved(g, v); break;
    case EVSE_SCREEN_FIRMWARE: s_firmware(g, v); break;
    case EVSE_SCREEN_MESSAGE: s_lines(g, v, "MESSAGE", true); break;
    case EVSE_SCREEN_INFO_NETWORK:
    case EVSE_SCREEN_INFO_IDS:
    case EVSE_SCREEN_INFO_FIRMWARE:
    case EVSE_SCREEN_INFO_METER:
        s_lines(g, v, info[v->screen - EVSE_SCREEN_INFO_NETWORK], false);
        break;
    default: header(g, v, "?"); break;
    }
}

const char *evse_ui_screen_name(evse_screen_t s)
{
    static const char *const k[] = {"boot",          "available", "authorizing",  "accepted",
                                    "refused",       "charging",  "suspended-ev", "suspended-evse",
                                    "finished",      "faulted",   "unavailable",  "reserved",
                                    "firmware",      "message",   "info-network", "info-ids",
                                    "info-firmware", "info-meter"};
    return (unsigned)s < sizeof k / sizeof k[0] ? k[s] : "?";
}
