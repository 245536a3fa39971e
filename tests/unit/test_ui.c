/**
 * @file test_ui.c
 * @brief The charger's display: every screen rendered, sent through the
 *        SSD1306 driver's I2C byte stream into the emulator of the simulated
 *        board, and compared pixel by pixel with the reference bitmaps in
 *        tests/unit/ref/<name>.pbm (plain PBM, 1 = lit). With
 *        OCPP_UPDATE_REF=1 the references are written instead, together with
 *        docs/img/oled/<name>.png (x2) for people to look at.
 *        Also: the driver's stream (init, addressing, dirty pages, I2C
 *        failure), the emulator's decoding, the PNG encoder, the application's
 *        screens from the charge point's events, the debounced menu button,
 *        and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/evse.h"
#include "ocpp/evse_sim.h"
#include "ocpp/evse_ssd1306_emu.h"
#include "ocpp/evse_ui.h"

/* ------------------------------------------------------------------ paths */

static void src_path(char *out, size_t cap, const char *rel)
{
    const char *f = __FILE__;
    const char *slash = strrchr(f, '/');
    size_t n = slash != NULL ? (size_t)(slash - f) : 0u;
    snprintf(out, cap, "%.*s/%s", (int)n, n > 0 ? f : ".", rel);
}

static bool updating(void)
{
    const char *u = getenv("OCPP_UPDATE_REF");
    return u != NULL && strcmp(u, "1") == 0;
}

/* --------------------------------------------- driver -> emulator wiring */

typedef struct {
    evse_ssd1306_emu_t emu;
    int fail_after; /**< Transfers that succeed before one fails; -1: never. */
    uint32_t bytes;
} bus_t;

static bool bus_write(void *ctx, uint8_t addr, const uint8_t *data, size_t len)
{
    bus_t *b = ctx;
    if (addr != EVSE_SSD1306_ADDR) {
        return false;
    }
    if (b->fail_after == 0) {
        b->fail_after = -1;
        return false;
    }
    if (b->fail_after > 0) {
        b->fail_after--;
    }
    b->bytes += (uint32_t)len;
    return evse_ssd1306_emu_write(&b->emu, data, len);
}

/** The view drawn and sent through the driver into a fresh emulator. */
static void show(const evse_ui_view_t *v, bus_t *bus)
{
    static evse_gfx_t fb;
    evse_ssd1306_t d;
    memset(bus, 0, sizeof *bus);
    bus->fail_after = -1;
    evse_ui_render(v, &fb);
    evse_ssd1306_init(&d, bus_write, bus, 0);
    assert_int_equal(evse_ssd1306_flush(&d, &fb), EVSE_GFX_PAGES);
    assert_int_equal(bus->emu.errors, 0);
}

/* ------------------------------------------------------------ references */

static void write_ref(const char *name, const evse_ssd1306_emu_t *e)
{
    char path[1024];
    char rel[128];
    snprintf(rel, sizeof rel, "ref/%s.pbm", name);
    src_path(path, sizeof path, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "P1\n# %s: the SSD1306 emulator's glass, 1 = lit\n128 64\n", name);
    for (int y = 0; y < EVSE_OLED_H; y++) {
        for (int x = 0; x < EVSE_OLED_W; x++) {
            fputc(evse_ssd1306_emu_pixel(e, x, y) ? '1' : '0', f);
        }
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
    static uint8_t png[EVSE_OLED_PNG_MAX(2)];
    size_t n = evse_ssd1306_emu_png(e, 2, png, sizeof png);
    assert_true(n > 0u);
    snprintf(rel, sizeof rel, "../../docs/img/oled/%s.png", name);
    src_path(path, sizeof path, rel);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(png, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/** Compare with ref/<name>.pbm: fails on the first pixel that differs. */
static void check_ref(const char *name, const evse_ssd1306_emu_t *e)
{
    if (updating()) {
        write_ref(name, e);
        return;
    }
    char path[1024];
    char rel[128];
    char line[256];
    snprintf(rel, sizeof rel, "ref/%s.pbm", name);
    src_path(path, sizeof path, rel);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fail_msg("no reference %s (OCPP_UPDATE_REF=1 writes it)", path);
    }
    int y = 0;
    bool header = true;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == 'P' || (header && strchr(line, ' ') != NULL)) {
            header = line[0] != '1' && line[0] != '0' ? true : header;
            continue;
        }
        header = false;
        if (y >= EVSE_OLED_H) {
            break;
        }
        for (int x = 0; x < EVSE_OLED_W; x++) {
            bool want = line[x] == '1';
            if (evse_ssd1306_emu_pixel(e, x, y) != want) {
                fclose(f);
                fail_msg("%s: pixel (%d, %d) is %s, the reference has it %s", name, x, y,
                         want ? "dark" : "lit", want ? "lit" : "dark");
            }
        }
        y++;
    }
    fclose(f);
    assert_int_equal(y, EVSE_OLED_H);
}

/* ------------------------------------------------------- the screen views */

static evse_ui_view_t base(evse_screen_t s)
{
    evse_ui_view_t v;
    memset(&v, 0, sizeof v);
    v.screen = (uint8_t)s;
    v.connector = 1;
    v.connectors = 1;
    v.conn = OCPP_CP_ACCEPTED;
    v.has_clock = true;
    v.hour = 14;
    v.minute = 7;
    v.soc = -1;
    v.max_ma = 32000;
    v.offered_ma = 32000;
    v.fw_percent = 255;
    return v;
}

static void set_line(evse_ui_view_t *v, unsigned i, const char *s)
{
    snprintf(v->lines[i], sizeof v->lines[i], "%s", s);
}

typedef struct {
    const char *name;
    evse_ui_view_t v;
} shot_t;

static size_t shots(shot_t *out)
{
    size_t n = 0;
    evse_ui_view_t v = base(EVSE_SCREEN_BOOT);
    v.conn = OCPP_CP_CONNECTING;
    v.has_clock = false;
    set_line(&v, 0, "CP-0001");
    out[n++] = (shot_t){"boot_connecting", v};
    v.conn = OCPP_CP_OFFLINE;
    out[n++] = (shot_t){"boot_offline", v};
    v.conn = OCPP_CP_BOOTING;
    out[n++] = (shot_t){"boot_registering", v};
    v.conn = OCPP_CP_REJECTED;
    out[n++] = (shot_t){"boot_rejected", v};

    v = base(EVSE_SCREEN_AVAILABLE);
    out[n++] = (shot_t){"available", v};
    v.plugged = true;
    out[n++] = (shot_t){"available_plugged", v};
    v = base(EVSE_SCREEN_AVAILABLE);
    v.authorized = true;
    snprintf(v.id_tag, sizeof v.id_tag, "04A2B3C4");
    out[n++] = (shot_t){"available_plug_in", v};

    v = base(EVSE_SCREEN_AUTHORIZING);
    snprintf(v.id_tag, sizeof v.id_tag, "04A2B3C4");
    out[n++] = (shot_t){"authorizing", v};
    v.screen = EVSE_SCREEN_ACCEPTED;
    out[n++] = (shot_t){"accepted", v};
    v.plugged = true;
    out[n++] = (shot_t){"accepted_plugged", v};
    v.screen = EVSE_SCREEN_REFUSED;
    v.auth = OCPP_AUTH_INVALID;
    out[n++] = (shot_t){"refused_invalid", v};
    v.auth = OCPP_AUTH_BLOCKED;
    out[n++] = (shot_t){"refused_blocked", v};
    v.auth = OCPP_AUTH_EXPIRED;
    out[n++] = (shot_t){"refused_expired", v};
    v.auth = OCPP_AUTH_CONCURRENT_TX;
    out[n++] = (shot_t){"refused_concurrent", v};

    v = base(EVSE_SCREEN_CHARGING);
    v.plugged = true;
    v.power_w = 11040;
    v.energy_wh = 12345;
    v.duration_s = 2 * 3600 + 7 * 60 + 5;
    v.offered_ma = 16000;
    v.soc = 543;
    snprintf(v.id_tag, sizeof v.id_tag, "04A2B3C4");
    out[n++] = (shot_t){"charging", v};
    v.limit = EVSE_UI_LIMIT_DERATING;
    v.offered_ma = 10500;
    v.power_w = 7245;
    v.temp_dc = 672;
    out[n++] = (shot_t){"charging_derating", v};
    v.limit = EVSE_UI_LIMIT_SMART;
    v.soc = -1;
    v.connector = 2;
    v.connectors = 2;
    v.offered_ma = 8000;
    v.power_w = 5520;
    out[n++] = (shot_t){"charging_limited_2", v};

    v = base(EVSE_SCREEN_SUSPENDED_EV);
    v.plugged = true;
    v.energy_wh = 8020;
    v.duration_s = 3000;
    v.soc = 800;
    out[n++] = (shot_t){"suspended_ev", v};
    v.screen = EVSE_SCREEN_SUSPENDED_EVSE;
    v.limit = EVSE_UI_LIMIT_SMART;
    v.offered_ma = 0;
    out[n++] = (shot_t){"suspended_evse", v};
    v.limit = EVSE_UI_LIMIT_DERATING;
    v.temp_dc = 812;
    out[n++] = (shot_t){"suspended_evse_hot", v};

    v = base(EVSE_SCREEN_FINISHED);
    v.plugged = true;
    v.energy_wh = 23456;
    v.duration_s = 3 * 3600 + 2 * 60 + 1;
    v.stop_reason = OCPP_STOP_LOCAL;
    out[n++] = (shot_t){"finished", v};
    v.plugged = false;
    v.stop_reason = OCPP_STOP_EV_DISCONNECTED;
    out[n++] = (shot_t){"finished_unplugged", v};

    v = base(EVSE_SCREEN_FAULTED);
    v.fault = OCPP_FAULT_HIGH_TEMPERATURE;
    v.temp_dc = 871;
    out[n++] = (shot_t){"faulted_temperature", v};
    v.fault = OCPP_FAULT_EV_COMMUNICATION_ERROR;
    out[n++] = (shot_t){"faulted_ev_communication", v};
    v.conn = OCPP_CP_OFFLINE;
    v.fault = OCPP_FAULT_POWER_SWITCH_FAILURE;
    out[n++] = (shot_t){"faulted_offline", v};

    out[n++] = (shot_t){"unavailable", base(EVSE_SCREEN_UNAVAILABLE)};
    out[n++] = (shot_t){"reserved", base(EVSE_SCREEN_RESERVED)};

    v = base(EVSE_SCREEN_FIRMWARE);
    v.fw = EVSE_FW_DOWNLOADING;
    v.fw_percent = 42;
    out[n++] = (shot_t){"firmware_downloading", v};
    v.fw = EVSE_FW_INSTALLING;
    v.fw_percent = 255;
    out[n++] = (shot_t){"firmware_installing", v};

    v = base(EVSE_SCREEN_MESSAGE);
    set_line(&v, 0, "Welcome to");
    set_line(&v, 1, "Parking Garage 3");
    set_line(&v, 2, "Free charging");
    set_line(&v, 3, "until 18:00");
    out[n++] = (shot_t){"message", v};

    v = base(EVSE_SCREEN_INFO_NETWORK);
    set_line(&v, 0, "Link: accepted");
    set_line(&v, 1, "CSMS:");
    set_line(&v, 2, "csms.example.com:443");
    set_line(&v, 3, "Security: TLS");
    out[n++] = (shot_t){"info_network", v};
    v = base(EVSE_SCREEN_INFO_IDS);
    set_line(&v, 0, "Id: CP-0001");
    set_line(&v, 1, "Vendor: ocpp-c");
    set_line(&v, 2, "Model: SIM-22");
    set_line(&v, 3, "S/N: SN-0001");
    out[n++] = (shot_t){"info_ids", v};
    v = base(EVSE_SCREEN_INFO_FIRMWARE);
    set_line(&v, 0, "Firmware version:");
    set_line(&v, 1, "1.4.2");
    set_line(&v, 2, "Update: Idle");
    out[n++] = (shot_t){"info_firmware", v};
    v = base(EVSE_SCREEN_INFO_METER);
    set_line(&v, 0, "Meter 1: 1234.56 kWh");
    set_line(&v, 1, "Meter 2: 87.01 kWh");
    out[n++] = (shot_t){"info_meter", v};
    return n;
}

/* Issue 15: "Unit tests render every screen into the emulator and compare it
 * with committed reference bitmaps." Every evse_screen_t appears at least once. */
static void test_every_screen_matches_its_reference(void **state)
{
    (void)state;
    static shot_t s[64];
    size_t n = shots(s);
    bool seen[EVSE_SCREEN_COUNT] = {false};
    static bus_t bus;
    for (size_t i = 0; i < n; i++) {
        show(&s[i].v, &bus);
        check_ref(s[i].name, &bus.emu);
        seen[s[i].v.screen] = true;
    }
    for (int k = 0; k < EVSE_SCREEN_COUNT; k++) {
        if (!seen[k]) {
            fail_msg("screen %s has no reference", evse_ui_screen_name((evse_screen_t)k));
        }
    }
}

/* ----------------------------------------------------- driver and emulator */

/* SSD1306 datasheet §10.1.3 (0x20: addressing mode), §10.1.4/§10.1.5 (0x21,
 * 0x22: column and page ranges), §8.1.5.2 (control byte Co / D/C#): the
 * panel is initialised, then only pages that changed go out. */
static void test_driver_sends_only_dirty_pages(void **state)
{
    (void)state;
    static bus_t bus;
    static evse_gfx_t fb;
    evse_ssd1306_t d;
    memset(&bus, 0, sizeof bus);
    bus.fail_after = -1;
    evse_gfx_clear(&fb);
    evse_gfx_pixel(&fb, 0, 0, EVSE_GFX_SET);
    evse_gfx_pixel(&fb, 127, 63, EVSE_GFX_SET);
    evse_ssd1306_init(&d, bus_write, &bus, 0);
    assert_int_equal(bus.emu.transfers, 0); /* nothing before the first flush */
    assert_int_equal(evse_ssd1306_flush(&d, &fb), 8);
    const evse_ssd1306_emu_t *e = &bus.emu;
    assert_true(e->on);
    assert_true(e->pump);
    assert_true(e->seg_remap);
    assert_true(e->com_remap);
    assert_int_equal(e->mode, 0); /* horizontal */
    assert_int_equal(e->mux, 64);
    assert_int_equal(e->errors, 0);
    assert_int_equal(e->data_bytes, 1024);
    assert_true(evse_ssd1306_emu_pixel(e, 0, 0));
    assert_true(evse_ssd1306_emu_pixel(e, 127, 63));
    assert_false(evse_ssd1306_emu_pixel(e, 1, 0));
    /* Nothing changed: nothing sent. */
    uint32_t t = e->transfers;
    assert_int_equal(evse_ssd1306_flush(&d, &fb), 0);
    assert_int_equal(e->transfers, t);
    /* One pixel in page 3 (rows 24..31): that page alone, 128 bytes. */
    uint32_t before[8];
    memcpy(before, e->page_bytes, sizeof before);
    evse_gfx_pixel(&fb, 40, 27, EVSE_GFX_SET);
    assert_int_equal(evse_ssd1306_flush(&d, &fb), 1);
    for (int p = 0; p < 8; p++) {
        assert_int_equal(e->page_bytes[p] - before[p], p == 3 ? 128u : 0u);
    }
    assert_true(evse_ssd1306_emu_pixel(e, 40, 27));
    /* Pages go in chunks of EVSE_SSD1306_CHUNK data bytes plus the control byte. */
    assert_int_equal(e->transfers - t, 1u + 128u / EVSE_SSD1306_CHUNK);
    assert_int_equal(d.pages, 9u);
    assert_true(evse_ssd1306_power(&d, false));
    assert_false(evse_ssd1306_emu_pixel(e, 40, 27)); /* display off: dark, RAM kept */
    assert_true(evse_ssd1306_power(&d, true));
    assert_true(evse_ssd1306_emu_pixel(e, 40, 27));
}

/* A failed transfer (NACK): the next flush initialises the panel again and
 * sends every page. */
static void test_driver_recovers_from_i2c_failure(void **state)
{
    (void)state;
    static bus_t bus;
    static evse_gfx_t fb;
    evse_ssd1306_t d;
    memset(&bus, 0, sizeof bus);
    evse_gfx_clear(&fb);
    evse_gfx_fill(&fb, 10, 10, 20, 20, EVSE_GFX_SET);
    bus.fail_after = 5; /* the init and a few chunks go through, then a NACK */
    evse_ssd1306_init(&d, bus_write, &bus, 0);
    assert_int_equal(evse_ssd1306_flush(&d, &fb), -1);
    assert_int_equal(d.errors, 1);
    assert_false(d.ready);
    assert_int_equal(evse_ssd1306_flush(&d, &fb), 8);
    assert_true(evse_ssd1306_emu_pixel(&bus.emu, 10, 10));
    assert_true(evse_ssd1306_emu_pixel(&bus.emu, 29, 29));
    assert_false(evse_ssd1306_emu_pixel(&bus.emu, 30, 30));
    /* No device at that address: every flush fails, nothing is decoded. */
    static bus_t quiet;
    memset(&quiet, 0, sizeof quiet);
    quiet.fail_after = -1;
    evse_ssd1306_init(&d, bus_write, &quiet, 0x3D);
    assert_int_equal(evse_ssd1306_flush(&d, &fb), -1);
    assert_int_equal(quiet.emu.transfers, 0);
    assert_int_equal(evse_ssd1306_flush(NULL, &fb), -1);
    assert_int_equal(evse_ssd1306_flush(&d, NULL), -1);
}

/* The emulator decodes what the driver does not use too: page addressing
 * (0xB0 + page, 0x00/0x10 column nibbles), vertical addressing, Co = 1
 * control bytes, and a panel set up without remapping shows the picture
 * mirrored, as the real module would. */
static void test_emulator_decodes_the_stream(void **state)
{
    (void)state;
    static evse_ssd1306_emu_t e;
    memset(&e, 0, sizeof e);
    const uint8_t on[] = {0x00, 0x8D, 0x14, 0xAF, 0xA1, 0xC8};
    assert_true(evse_ssd1306_emu_write(&e, on, sizeof on));
    assert_int_equal(e.mode, 2); /* the reset value: page addressing */
    /* Page mode: page 2, column 0x15. */
    const uint8_t pg[] = {0x00, 0xB2, 0x05, 0x11};
    assert_true(evse_ssd1306_emu_write(&e, pg, sizeof pg));
    const uint8_t data[] = {0x40, 0x01, 0x80};
    assert_true(evse_ssd1306_emu_write(&e, data, sizeof data));
    assert_true(evse_ssd1306_emu_pixel(&e, 0x15, 16));
    assert_true(evse_ssd1306_emu_pixel(&e, 0x16, 23));
    /* Co = 1: command, then data, each with its own control byte. */
    const uint8_t co[] = {0x80, 0xB7, 0xC0, 0xFF};
    assert_true(evse_ssd1306_emu_write(&e, co, sizeof co));
    assert_true(evse_ssd1306_emu_pixel(&e, 0x17, 56));
    assert_true(evse_ssd1306_emu_pixel(&e, 0x17, 63));
    /* Vertical mode over columns 100..101, pages 0..1: down first. */
    const uint8_t vert[] = {0x00, 0x20, 0x01, 0x21, 100, 101, 0x22, 0, 1};
    assert_true(evse_ssd1306_emu_write(&e, vert, sizeof vert));
    const uint8_t vd[] = {0x40, 0x01, 0x02, 0x04, 0x08};
    assert_true(evse_ssd1306_emu_write(&e, vd, sizeof vd));
    assert_true(evse_ssd1306_emu_pixel(&e, 100, 0));
    assert_true(evse_ssd1306_emu_pixel(&e, 100, 9));
    assert_true(evse_ssd1306_emu_pixel(&e, 101, 2));
    assert_true(evse_ssd1306_emu_pixel(&e, 101, 11));
    assert_int_equal(e.errors, 0);
    /* Without segment remap the column runs the other way; without COM remap
     * the rows do; inverse display flips every pixel. */
    const uint8_t a0[] = {0x00, 0xA0};
    assert_true(evse_ssd1306_emu_write(&e, a0, sizeof a0));
    assert_true(evse_ssd1306_emu_pixel(&e, 127 - 100, 0));
    assert_false(evse_ssd1306_emu_pixel(&e, 100, 0));
    const uint8_t c0[] = {0x00, 0xA1, 0xC0};
    assert_true(evse_ssd1306_emu_write(&e, c0, sizeof c0));
    assert_true(evse_ssd1306_emu_pixel(&e, 100, 63));
    const uint8_t inv[] = {0x00, 0xC8, 0xA7};
    assert_true(evse_ssd1306_emu_write(&e, inv, sizeof inv));
    assert_false(evse_ssd1306_emu_pixel(&e, 100, 0));
    assert_true(evse_ssd1306_emu_pixel(&e, 50, 50));
    /* Bad input: unknown command, a range beyond the panel, an empty transfer. */
    const uint8_t bad[] = {0x00, 0xFF, 0x21, 10, 200, 0x20, 7};
    assert_true(evse_ssd1306_emu_write(&e, bad, sizeof bad));
    assert_int_equal(e.errors, 3);
    assert_false(evse_ssd1306_emu_write(&e, bad, 0));
    assert_false(evse_ssd1306_emu_write(NULL, bad, 1));
    assert_false(evse_ssd1306_emu_pixel(&e, -1, 0));
    assert_false(evse_ssd1306_emu_pixel(&e, 0, 64));
    /* No charge pump: dark whatever the RAM holds. */
    const uint8_t nopump[] = {0x00, 0xA6, 0x8D, 0x10};
    assert_true(evse_ssd1306_emu_write(&e, nopump, sizeof nopump));
    assert_false(evse_ssd1306_emu_pixel(&e, 100, 0));
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
    }
    return ~c;
}

/* PNG (ISO/IEC 15948): signature, IHDR 128*scale x 64*scale, 1-bit palette;
 * every chunk's CRC-32; the IDAT zlib stream decodes (stored blocks) back to
 * the emulator's pixels, its Adler-32 matches. Scale 8 needs two deflate blocks. */
static void test_png_of_the_glass(void **state)
{
    (void)state;
    static bus_t bus;
    evse_ui_view_t v = base(EVSE_SCREEN_AVAILABLE);
    show(&v, &bus);
    static uint8_t png[EVSE_OLED_PNG_MAX(8)];
    static uint8_t raw[(1 + 128) * 512];
    for (unsigned scale = 1; scale <= 8; scale += 7) {
        size_t n = evse_ssd1306_emu_png(&bus.emu, scale, png, sizeof png);
        assert_true(n > 0u);
        assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
        size_t at = 8, rawn = 0;
        while (at < n) {
            uint32_t len = be32(png + at);
            assert_int_equal(be32(png + at + 8 + len), crc32_ref(png + at + 4, len + 4u));
            if (memcmp(png + at + 4, "IHDR", 4) == 0) {
                assert_int_equal(be32(png + at + 8), 128 * scale);
                assert_int_equal(be32(png + at + 12), 64 * scale);
                assert_int_equal(png[at + 16], 1); /* bit depth */
                assert_int_equal(png[at + 17], 3); /* palette */
            }
            if (memcmp(png + at + 4, "IDAT", 4) == 0) {
                const uint8_t *z = png + at + 8;
                size_t i = 2;
                assert_int_equal((z[0] * 256 + z[1]) % 31, 0); /* RFC 1950 FCHECK */
                for (;;) {
                    uint8_t hdr = z[i];
                    size_t bl = z[i + 1] | (size_t)z[i + 2] << 8;
                    assert_int_equal(bl ^ 0xFFFFu, z[i + 3] | (size_t)z[i + 4] << 8);
                    memcpy(raw + rawn, z + i + 5, bl);
                    rawn += bl;
                    i += 5 + bl;
                    if (hdr & 1u) {
                        break;
                    }
                }
                uint32_t a = 1, b = 0;
                for (size_t k = 0; k < rawn; k++) {
                    a = (a + raw[k]) % 65521u;
                    b = (b + a) % 65521u;
                }
                assert_int_equal(be32(z + i), (b << 16) | a);
            }
            at += 12u + len;
        }
        size_t stride = 1 + 16 * scale;
        assert_int_equal(rawn, stride * 64 * scale);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 128; x++) {
                size_t py = (size_t)y * scale, px = (size_t)x * scale;
                bool lit = (raw[py * stride + 1 + px / 8] >> (7 - px % 8)) & 1u;
                assert_int_equal(lit, evse_ssd1306_emu_pixel(&bus.emu, x, y));
            }
        }
    }
    assert_int_equal(evse_ssd1306_emu_png(&bus.emu, 9, png, sizeof png), 0);
    assert_int_equal(evse_ssd1306_emu_png(&bus.emu, 4, png, 100), 0);
}

/* ----------------------------------------------------------- graphics */

static void test_gfx_clipping_and_text(void **state)
{
    (void)state;
    static evse_gfx_t g;
    evse_gfx_clear(&g);
    evse_gfx_line(&g, -10, -10, 200, 200, EVSE_GFX_SET); /* clipped, no crash */
    assert_true(evse_gfx_get(&g, 0, 0));
    assert_true(evse_gfx_get(&g, 63, 63));
    assert_false(evse_gfx_get(&g, 64, 64));
    evse_gfx_line(&g, 5, 0, 0, 5, EVSE_GFX_INVERT);
    assert_true(evse_gfx_get(&g, 5, 0));
    assert_true(evse_gfx_get(&g, 0, 5));
    evse_gfx_fill(&g, 120, 60, 50, 50, EVSE_GFX_SET);
    assert_true(evse_gfx_get(&g, 127, 63));
    evse_gfx_rect(&g, 0, 0, 0, 5, EVSE_GFX_SET); /* empty: nothing */
    /* 5x7 font: "A" is 5 wide + 1 advance; a character it lacks is a box. */
    assert_int_equal(evse_gfx_text_width(&evse_font_small, "AB"), 11);
    assert_int_equal(evse_gfx_text_width(&evse_font_small, ""), 0);
    assert_int_equal(evse_gfx_text_width(&evse_font_big, "1.5"), 10 + 2 + 4 + 2 + 10);
    evse_gfx_clear(&g);
    assert_int_equal(evse_gfx_text(&g, 0, 0, &evse_font_small, "\x80", EVSE_GFX_SET), 6);
    assert_true(evse_gfx_get(&g, 0, 0) && evse_gfx_get(&g, 4, 6) && !evse_gfx_get(&g, 2, 3));
    assert_int_equal(evse_gfx_text(&g, 7, 0, NULL, "x", EVSE_GFX_SET), 7);
    assert_null(evse_font_icon(EVSE_ICON_COUNT));
    evse_gfx_bitmap(&g, 0, 0, evse_font_icon(EVSE_ICON_BOLT), 8, 8, 5,
                    EVSE_GFX_SET); /* bad scale */
    evse_gfx_clear(&g);
    evse_gfx_bitmap(&g, 0, 0, NULL, 8, 8, 1, EVSE_GFX_SET);
    for (int i = 0; i < (int)sizeof g.buf; i++) {
        assert_int_equal(g.buf[i], 0);
    }
}

/* ------------------------------------------ the application end to end */

typedef struct {
    int presents;
    char last_tag[24];
} fake_cp_t;

static ocpp_status_t c_plugged(void *cp, uint8_t c, bool v)
{
    (void)cp, (void)c, (void)v;
    return OCPP_OK;
}
static ocpp_status_t c_ready(void *cp, uint8_t c, bool v)
{
    (void)cp, (void)c, (void)v;
    return OCPP_OK;
}
static ocpp_status_t c_present(void *cp, uint8_t c, const char *tag)
{
    fake_cp_t *p = cp;
    (void)c;
    p->presents++;
    snprintf(p->last_tag, sizeof p->last_tag, "%s", tag);
    return OCPP_OK;
}
static ocpp_status_t c_stop(void *cp, uint8_t c, ocpp_stop_reason_t r)
{
    (void)cp, (void)c, (void)r;
    return OCPP_OK;
}
static ocpp_status_t c_fault(void *cp, uint8_t c, ocpp_fault_t e, const char *i, const char *v)
{
    (void)cp, (void)c, (void)e, (void)i, (void)v;
    return OCPP_OK;
}
static const evse_cp_ops_t k_ops = {.plugged = c_plugged,
                                    .ev_ready = c_ready,
                                    .present_id = c_present,
                                    .stop = c_stop,
                                    .fault = c_fault};

typedef struct {
    evse_sim_t sim;
    evse_board_t board;
    evse_t evse;
    fake_cp_t cp;
    ocpp_cp_callbacks_t cb;
    uint32_t now;
} app_t;

static app_t *app_new(uint8_t connectors)
{
    static app_t a;
    memset(&a, 0, sizeof a);
    assert_true(evse_sim_init(&a.sim, connectors));
    evse_sim_board(&a.sim, &a.board);
    a.now = 1000;
    evse_sim_step(&a.sim, a.now);
    evse_config_t cfg = {.connectors = connectors, .max_current_ma = 32000, .vendor_id = "ocpp-c"};
    assert_int_equal(evse_init(&a.evse, &cfg, &a.board, &k_ops, &a.cp, NULL), OCPP_OK);
    evse_callbacks(&a.evse, &a.cb);
    return &a;
}

/** Advance board time by ms and poll the application. */
static void run(app_t *a, uint32_t ms)
{
    a->now += ms;
    evse_sim_step(&a->sim, a->now);
    evse_poll(&a->evse);
}

static void event(app_t *a, ocpp_cp_event_kind_t kind, uint8_t c, int32_t value, const char *text)
{
    ocpp_cp_event_t ev = {.kind = kind,
                          .connector = c,
                          .value = value,
                          .text = text,
                          .len = text != NULL ? strlen(text) : 0u,
                          .unix_time = 1765030020};
    a->cb.on_event(a->cb.ctx, &ev);
}

static void connection(app_t *a, ocpp_cp_conn_t c)
{
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_CONNECTION, .conn = c};
    a->cb.on_event(a->cb.ctx, &ev);
}

static evse_screen_t screen(const app_t *a)
{
    const evse_ui_view_t *v = evse_display_view(&a->evse);
    assert_non_null(v);
    return (evse_screen_t)v->screen;
}

/** The emulator on the simulated board's I2C bus shows exactly the rendering of the view. */
static void assert_glass_is_view(const app_t *a)
{
    static evse_gfx_t fb;
    evse_ui_render(evse_display_view(&a->evse), &fb);
    const evse_ssd1306_emu_t *e = evse_sim_oled(&a->sim);
    assert_int_equal(e->errors, 0);
    for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 128; x++) {
            if (evse_gfx_get(&fb, x, y) != evse_ssd1306_emu_pixel(e, x, y)) {
                fail_msg("pixel (%d, %d) differs from the view %s", x, y,
                         evse_ui_screen_name(screen(a)));
            }
        }
    }
}

/* Issue 15: booting and connecting with the connection state, available,
 * authorizing, card accepted, charging (power, energy, duration, SoC),
 * finished with its summary: from the charge point's events and the board,
 * through the board's I2C bus; and redraws only on change. */
static void test_app_session_screens(void **state)
{
    (void)state;
    app_t *a = app_new(1);
    static const evse_ui_info_t info = {.identity = "CP-UI-1",
                                        .csms_url = "ws://127.0.0.1:9000/ocpp",
                                        .vendor = "ocpp-c",
                                        .model = "SIM",
                                        .serial = "S1",
                                        .firmware_version = "1.0.0"};
    evse_display_info(&a->evse, &info);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_BOOT);
    assert_int_equal(evse_display_view(&a->evse)->conn, OCPP_CP_OFFLINE);
    assert_string_equal(evse_display_view(&a->evse)->lines[0], "CP-UI-1");
    connection(a, OCPP_CP_CONNECTING);
    run(a, 10);
    assert_int_equal(evse_display_view(&a->evse)->conn, OCPP_CP_CONNECTING);
    assert_glass_is_view(a);
    connection(a, OCPP_CP_ACCEPTED);
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_AVAILABLE, "Available");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    assert_true(evse_display_view(&a->evse)->has_clock);
    assert_glass_is_view(a);
    /* Nothing changes: no I2C traffic. */
    uint32_t t = evse_sim_oled(&a->sim)->transfers;
    run(a, 10);
    run(a, 10);
    assert_int_equal(evse_sim_oled(&a->sim)->transfers, t);
    /* A card: authorizing until the charge point answers. */
    assert_true(evse_sim_rfid(&a->sim, "TAG-UI", 1));
    run(a, 10);
    assert_int_equal(a->cp.presents, 1);
    assert_int_equal(screen(a), EVSE_SCREEN_AUTHORIZING);
    assert_string_equal(evse_display_view(&a->evse)->id_tag, "TAG-UI");
    event(a, OCPP_CP_EV_AUTHORIZED, 1, 0, "TAG-UI");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_ACCEPTED);
    assert_glass_is_view(a);
    /* After the card's time: plug in your vehicle. */
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_PREPARING, "Preparing");
    run(a, EVSE_UI_CARD_MS);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    assert_true(evse_display_view(&a->evse)->authorized);
    assert_true(evse_sim_plug(&a->sim, 1, &(evse_sim_ev_t){.soc_permille = 500, .soc_set = true}));
    event(a, OCPP_CP_EV_TX_STARTED, 1, -1, "TAG-UI");
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_CHARGING, "Charging");
    a->cb.permit(a->cb.ctx, 1, true);
    run(a, 10);
    run(a, 60000); /* a minute at 32 A x 3 phases */
    const evse_ui_view_t *v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_CHARGING);
    assert_int_equal(v->duration_s, 60);
    assert_int_equal(v->power_w, 3 * 230 * 16); /* the EV takes 16 A */
    assert_true(v->energy_wh >= 180 && v->energy_wh <= 190);
    assert_true(v->soc > 500);
    assert_int_equal(v->offered_ma, 32000);
    assert_string_equal(v->id_tag, "TAG-UI");
    assert_glass_is_view(a);
    /* A second later only the pages with the changed figures go out. */
    uint32_t pb[8];
    memcpy(pb, evse_sim_oled(&a->sim)->page_bytes, sizeof pb);
    run(a, 1000);
    int changed = 0;
    for (int p = 0; p < 8; p++) {
        changed += evse_sim_oled(&a->sim)->page_bytes[p] != pb[p];
    }
    assert_true(changed >= 1 && changed <= 4);
    assert_int_equal(evse_sim_oled(&a->sim)->page_bytes[0], pb[0]); /* the header: same */
    assert_glass_is_view(a);
    /* Stopped at the charger: the summary while plugged, then available. */
    a->cb.permit(a->cb.ctx, 1, false);
    event(a, OCPP_CP_EV_TX_STOPPED, 1, OCPP_STOP_LOCAL, "TAG-UI");
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_FINISHING, "Finishing");
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_FINISHED);
    assert_int_equal(v->duration_s, 61);
    assert_true(v->energy_wh >= 183);
    assert_int_equal(v->stop_reason, OCPP_STOP_LOCAL);
    assert_true(v->plugged);
    assert_glass_is_view(a);
    assert_true(evse_sim_unplug(&a->sim, 1));
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_AVAILABLE, "Available");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_FINISHED); /* still, for a while */
    run(a, EVSE_UI_SUMMARY_MS);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    assert_glass_is_view(a);
}

/* Issue 15: card refused with the reason; suspended by EV / EVSE; faulted
 * with the error code; unavailable; reserved; firmware progress; a message. */
static void test_app_other_screens(void **state)
{
    (void)state;
    app_t *a = app_new(2);
    connection(a, OCPP_CP_ACCEPTED);
    assert_true(evse_sim_rfid(&a->sim, "BAD", 2));
    run(a, 10);
    event(a, OCPP_CP_EV_AUTH_REJECTED, 2, OCPP_AUTH_BLOCKED, "BAD");
    run(a, 10);
    const evse_ui_view_t *v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_REFUSED);
    assert_int_equal(v->auth, OCPP_AUTH_BLOCKED);
    assert_int_equal(v->connector, 2);
    assert_int_equal(v->connectors, 2);
    assert_glass_is_view(a);
    run(a, EVSE_UI_CARD_MS);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    /* An authorization the charge point never answers is given up. */
    assert_true(evse_sim_rfid(&a->sim, "SLOW", 2));
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_AUTHORIZING);
    run(a, EVSE_UI_AUTH_MS);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    /* A session on connector 1 while 2 is idle: the display shows 1. A card that
     * stops it goes straight to the summary. */
    event(a, OCPP_CP_EV_TX_STARTED, 1, -1, "ONE");
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_CHARGING, "Charging");
    event(a, OCPP_CP_EV_STATUS, 2, OCPP_CONNECTOR_AVAILABLE, "Available");
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_CHARGING);
    assert_int_equal(v->connector, 1);
    event(a, OCPP_CP_EV_AUTHORIZED, 1, 0, "ONE");
    event(a, OCPP_CP_EV_TX_STOPPED, 1, OCPP_STOP_LOCAL, "ONE");
    event(a, OCPP_CP_EV_STATUS, 1, OCPP_CONNECTOR_AVAILABLE, "Available");
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_FINISHED);
    assert_int_equal(v->connector, 1);
    run(a, EVSE_UI_SUMMARY_MS);
    event(a, OCPP_CP_EV_STATUS, 2, OCPP_CONNECTOR_SUSPENDED_EV, "SuspendedEV");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_SUSPENDED_EV);
    assert_int_equal(evse_set_limit(&a->evse, 2, 3000), OCPP_OK);
    event(a, OCPP_CP_EV_STATUS, 2, OCPP_CONNECTOR_SUSPENDED_EVSE, "SuspendedEVSE");
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_SUSPENDED_EVSE);
    assert_int_equal(v->limit, EVSE_UI_LIMIT_SMART);
    assert_glass_is_view(a);
    assert_int_equal(evse_fault(&a->evse, 2, OCPP_FAULT_GROUND_FAILURE, NULL, NULL), OCPP_OK);
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_FAULTED);
    assert_int_equal(v->fault, OCPP_FAULT_GROUND_FAILURE);
    assert_glass_is_view(a);
    assert_int_equal(evse_fault(&a->evse, 2, OCPP_FAULT_NONE, NULL, NULL), OCPP_OK);
    event(a, OCPP_CP_EV_STATUS, 2, OCPP_CONNECTOR_UNAVAILABLE, "Unavailable");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_UNAVAILABLE);
    event(a, OCPP_CP_EV_STATUS, 2, OCPP_CONNECTOR_RESERVED, "Reserved");
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_RESERVED);
    assert_int_equal(evse_display_firmware(&a->evse, EVSE_FW_DOWNLOADING, 30), OCPP_OK);
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_FIRMWARE);
    assert_int_equal(v->fw_percent, 30);
    assert_glass_is_view(a);
    assert_int_equal(evse_display_firmware(&a->evse, EVSE_FW_IDLE, 255), OCPP_OK);
    assert_int_equal(
        evse_display_message(&a->evse, "Welcome! Charging is free until six o'clock", 10), OCPP_OK);
    run(a, 10);
    v = evse_display_view(&a->evse);
    assert_int_equal(v->screen, EVSE_SCREEN_MESSAGE);
    assert_string_equal(v->lines[0], "Welcome! Charging is");
    assert_string_equal(v->lines[1], "free until six");
    assert_string_equal(v->lines[2], "o'clock");
    run(a, 10000);
    assert_int_equal(screen(a), EVSE_SCREEN_RESERVED);
    /* Bad input. */
    assert_int_equal(evse_display_firmware(&a->evse, (evse_fw_state_t)9, 0), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_firmware(&a->evse, EVSE_FW_DOWNLOADING, 101), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_firmware(NULL, EVSE_FW_IDLE, 0), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_message(&a->evse, "x", 0), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_message(&a->evse, "x", 3601), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_message(NULL, "x", 1), OCPP_ERR_PARAM);
    assert_int_equal(evse_display_message(&a->evse, "tab\there", 5), OCPP_OK);
    run(a, 10);
    assert_string_equal(evse_display_view(&a->evse)->lines[0], "tab?here");
    assert_int_equal(evse_display_message(&a->evse, NULL, 0), OCPP_OK); /* removed */
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_RESERVED);
    event(a, OCPP_CP_EV_STATUS, 9, OCPP_CONNECTOR_FAULTED, "Faulted"); /* no connector 9 */
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_RESERVED);
    assert_null(evse_display_view(NULL));
    evse_ui_view_t bad = base((evse_screen_t)77);
    static bus_t bus;
    show(&bad, &bus); /* an unknown screen draws the header only */
    assert_string_equal(evse_ui_screen_name((evse_screen_t)77), "?");
}

/* Issue 15: "A menu button that cycles information screens: network, ids,
 * firmware version, meter totals. Debounced in the application." */
static void test_menu_button_debounced(void **state)
{
    (void)state;
    app_t *a = app_new(1);
    static const evse_ui_info_t info = {.identity = "CP-MENU",
                                        .csms_url = "wss://csms.example.com:443/ocpp",
                                        .firmware_version = "2.3.4"};
    evse_display_info(&a->evse, &info);
    connection(a, OCPP_CP_ACCEPTED);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    /* A bounce shorter than the debounce time does nothing. */
    evse_sim_set_buttons(&a->sim, EVSE_BUTTON_MENU);
    run(a, EVSE_DEBOUNCE_MS / 3);
    evse_sim_set_buttons(&a->sim, 0);
    run(a, EVSE_DEBOUNCE_MS / 3);
    evse_sim_set_buttons(&a->sim, EVSE_BUTTON_MENU);
    run(a, EVSE_DEBOUNCE_MS / 3);
    evse_sim_set_buttons(&a->sim, 0);
    run(a, EVSE_DEBOUNCE_MS * 2);
    run(a, EVSE_DEBOUNCE_MS * 2);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    /* Real presses: network, ids, firmware, meter, back. */
    static const evse_screen_t order[] = {EVSE_SCREEN_INFO_NETWORK, EVSE_SCREEN_INFO_IDS,
                                          EVSE_SCREEN_INFO_FIRMWARE, EVSE_SCREEN_INFO_METER,
                                          EVSE_SCREEN_AVAILABLE};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 200));
        run(a, 1);
        run(a, EVSE_DEBOUNCE_MS);
        run(a, 50); /* held: still one press */
        run(a, 200);
        run(a, EVSE_DEBOUNCE_MS); /* released */
        assert_int_equal(screen(a), order[i]);
        if (order[i] != EVSE_SCREEN_AVAILABLE) {
            assert_glass_is_view(a);
        }
        const evse_ui_view_t *v = evse_display_view(&a->evse);
        if (order[i] == EVSE_SCREEN_INFO_NETWORK) {
            assert_string_equal(v->lines[0], "Link: accepted");
            assert_string_equal(v->lines[2], "csms.example.com:443");
            assert_string_equal(v->lines[3], "Security: TLS");
        } else if (order[i] == EVSE_SCREEN_INFO_IDS) {
            assert_string_equal(v->lines[0], "Id: CP-MENU");
            assert_string_equal(v->lines[1], "Vendor: -");
        } else if (order[i] == EVSE_SCREEN_INFO_FIRMWARE) {
            assert_string_equal(v->lines[1], "2.3.4");
        } else if (order[i] == EVSE_SCREEN_INFO_METER) {
            assert_string_equal(v->lines[0], "Meter 1: 0.00 kWh");
        }
    }
    /* The pages go back to the normal screen by themselves. */
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 100));
    for (int i = 0; i < 20; i++) {
        run(a, 10);
    }
    assert_int_equal(screen(a), EVSE_SCREEN_INFO_NETWORK);
    run(a, EVSE_UI_MENU_MS);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    /* Two presses given at once (the second while the first is held) are two presses. */
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 80));
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 80));
    for (int i = 0; i < 40; i++) {
        run(a, 10);
    }
    assert_int_equal(screen(a), EVSE_SCREEN_INFO_IDS);
    /* A third while the second still waits for its turn: three presses (ids -> firmware ->
     * meter -> back to the normal screen). */
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 80));
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 80));
    for (int i = 0; i < 10; i++) {
        run(a, 10);
    }
    assert_true(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 80));
    assert_true(evse_sim_press_left(&a->sim) > 200);
    for (int i = 0; i < 50; i++) {
        run(a, 10);
    }
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    assert_true(evse_sim_press_left(&a->sim) < 0);
    assert_false(evse_sim_press(&a->sim, 0, 100));
    assert_false(evse_sim_press(&a->sim, EVSE_BUTTON_MENU, 0));
    assert_false(evse_sim_press(NULL, EVSE_BUTTON_MENU, 10));
}

/* Issue 15: "DataTransfer handlers under the charger's vendorId, for example to show a
 * message on the display" (OCPP 1.6 §5.6): a DisplayMessage shows for EVSE_UI_MESSAGE_S,
 * another one replaces it, "" removes it. */
static void test_datatransfer_message(void **state)
{
    (void)state;
    app_t *a = app_new(1);
    char buf[64];
    ocpp_jw_t w;
    connection(a, OCPP_CP_ACCEPTED);
    run(a, 10);
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(
        a->cb.data_transfer(a->cb.ctx, "ocpp-c", "DisplayMessage", "Free charging until six", &w),
        OCPP_DT_ACCEPTED);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_MESSAGE);
    assert_string_equal(evse_display_view(&a->evse)->lines[0], "Free charging until");
    assert_glass_is_view(a);
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(a->cb.data_transfer(a->cb.ctx, "ocpp-c", "DisplayMessage", "", &w),
                     OCPP_DT_ACCEPTED);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(a->cb.data_transfer(a->cb.ctx, "ocpp-c", "DisplayMessage", "Hello", &w),
                     OCPP_DT_ACCEPTED);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_MESSAGE);
    run(a, EVSE_UI_MESSAGE_S * 1000u);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
}

/* Issue 15: a screen for "firmware update progress", driven by the library's Firmware
 * Management (OCPP_CP_EV_FIRMWARE_STATUS, the FirmwareStatus of OCPP 1.6 §7.25 as it is
 * reported): Downloading and Installing show the firmware screen, a final status stays for
 * EVSE_UI_FIRMWARE_S, then the normal screen returns. */
static void test_firmware_status_events(void **state)
{
    (void)state;
    app_t *a = app_new(1);
    connection(a, OCPP_CP_ACCEPTED);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_FIRMWARE_STATUS, .value = OCPP_FW_DOWNLOADING};
    a->cb.on_event(a->cb.ctx, &ev);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_FIRMWARE);
    assert_glass_is_view(a);
    ev.value = OCPP_FW_INSTALLING;
    a->cb.on_event(a->cb.ctx, &ev);
    run(a, EVSE_UI_FIRMWARE_S * 1000u + 100u);
    assert_int_equal(screen(a), EVSE_SCREEN_FIRMWARE); /* installing: no time limit */
    ev.value = OCPP_FW_INSTALLED;
    a->cb.on_event(a->cb.ctx, &ev);
    run(a, 10);
    assert_int_equal(screen(a), EVSE_SCREEN_FIRMWARE);
    run(a, EVSE_UI_FIRMWARE_S * 1000u);
    assert_int_equal(screen(a), EVSE_SCREEN_AVAILABLE);
}

/* A board without a display (i2c_write NULL): the application runs, draws nothing. */
static void test_no_display(void **state)
{
    (void)state;
    app_t *a = app_new(1);
    a->board.i2c_write = NULL;
    evse_config_t cfg = {.connectors = 1, .max_current_ma = 32000};
    assert_int_equal(evse_init(&a->evse, &cfg, &a->board, &k_ops, &a->cp, NULL), OCPP_OK);
    run(a, 10);
    assert_null(evse_display_view(&a->evse));
    assert_int_equal(evse_sim_oled(&a->sim)->transfers, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_matches_its_reference),
        cmocka_unit_test(test_driver_sends_only_dirty_pages),
        cmocka_unit_test(test_driver_recovers_from_i2c_failure),
        cmocka_unit_test(test_emulator_decodes_the_stream),
        cmocka_unit_test(test_png_of_the_glass),
        cmocka_unit_test(test_gfx_clipping_and_text),
        cmocka_unit_test(test_app_session_screens),
        cmocka_unit_test(test_app_other_screens),
        cmocka_unit_test(test_menu_button_debounced),
        cmocka_unit_test(test_datatransfer_message),
        cmocka_unit_test(test_firmware_status_events),
        cmocka_unit_test(test_no_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
