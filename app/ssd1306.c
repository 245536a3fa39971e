/**
 * @file ssd1306.c
 * @brief SSD1306 OLED driver over the board's I2C write (evse_ssd1306.h).
 */
#include <string.h>

#include "ocpp/evse_ssd1306.h"

#define CTRL_CMD  0x00u /* Co = 0, D/C# = 0: commands follow */
#define CTRL_DATA 0x40u /* Co = 0, D/C# = 1: display RAM data follows */

/*
 * Power-on sequence for a 128x64 panel with the charge pump (datasheet
 * Application Note, "Software initialization flow"), in horizontal
 * addressing mode; segment remap and reversed COM scan put column 0 at the
 * left and page 0 at the top of the usual modules.
 */
static const uint8_t k_init[] = {
    CTRL_CMD, 0xAE, /* display off */
    0xD5,     0x80, /* clock divide ratio / oscillator frequency: reset value */
    0xA8,     0x3F, /* multiplex ratio: 64 rows */
    0xD3,     0x00, /* display offset 0 */
    0x40,           /* display start line 0 */
    0x8D,     0x14, /* charge pump on */
    0x20,     0x00, /* memory addressing mode: horizontal */
    0xA1,           /* segment remap: column 127 -> SEG0 */
    0xC8,           /* COM output scan direction: remapped (COM63 -> COM0) */
    0xDA,     0x12, /* COM pins: alternative configuration, no left/right remap */
    0x81,     0xCF, /* contrast */
    0xD9,     0xF1, /* pre-charge period */
    0xDB,     0x40, /* VCOMH deselect level */
    0x2E,           /* scrolling off */
    0xA4,           /* output follows the RAM */
    0xA6,           /* normal (not inverted) */
    0xAF,           /* display on */
};

void evse_ssd1306_init(evse_ssd1306_t *d, evse_i2c_write_fn write, void *ctx, uint8_t addr)
{
    memset(d, 0, sizeof *d);
    d->write = write;
    d->ctx = ctx;
    d->addr = addr != 0u ? addr : (uint8_t)EVSE_SSD1306_ADDR;
}

static bool xfer(evse_ssd1306_t *d, const uint8_t *data, size_t len)
{
    d->writes++;
    if (d->write(d->ctx, d->addr, data, len)) {
        return true;
    }
    d->errors++;
    d->ready = false; /* start over: initialise and redraw */
    d->valid = 0;
    return false;
}

static uint32_t page_hash(const uint8_t *p)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (unsigned i = 0; i < EVSE_GFX_W; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static bool send_page(evse_ssd1306_t *d, unsigned page, const uint8_t *data)
{
    /* The window: columns 0..127 of this one page (0x21 column range, 0x22 page range). */
    const uint8_t win[] = {CTRL_CMD, 0x21,          0x00,         EVSE_GFX_W - 1,
                           0x22,     (uint8_t)page, (uint8_t)page};
    uint8_t buf[1 + EVSE_SSD1306_CHUNK];
    if (!xfer(d, win, sizeof win)) {
        return false;
    }
    buf[0] = CTRL_DATA;
    for (unsigned x = 0; x < EVSE_GFX_W; x += EVSE_SSD1306_CHUNK) {
        unsigned n = EVSE_GFX_W - x < EVSE_SSD1306_CHUNK ? EVSE_GFX_W - x : EVSE_SSD1306_CHUNK;
        memcpy(buf + 1, data + x, n);
        if (!xfer(d, buf, 1u + n)) {
            return false;
        }
    }
    d->pages++;
    return true;
}

int evse_ssd1306_flush(evse_ssd1306_t *d, const evse_gfx_t *fb)
{
    if (d == NULL || d->write == NULL || fb == NULL) {
        return -1;
    }
    if (!d->ready) {
        if (!xfer(d, k_init, sizeof k_init)) {
            return -1;
        }
        d->ready = true;
        d->valid = 0;
    }
    int sent = 0;
    for (unsigned p = 0; p < EVSE_GFX_PAGES; p++) {
        const uint8_t *data = &fb->buf[(size_t)p * EVSE_GFX_W];
        uint32_t h = page_hash(data);
        if ((d->valid & (1u << p)) != 0u && d->page_hash[p] == h) {
            continue;
        }
        if (!send_page(d, p, data)) {
            return -1;
        }
        d->page_hash[p] = h;
        d->valid |= (uint8_t)(1u << p);
        sent++;
    }
    return sent;
}

bool evse_ssd1306_power(evse_ssd1306_t *d, bool on)
{
    if (d == NULL || d->write == NULL) {
        return false;
    }
    const uint8_t cmd[] = {CTRL_CMD, on ? 0xAFu : 0xAEu};
    return xfer(d, cmd, sizeof cmd);
}
