/**
 * @file ssd1306_emu.c
 * @brief SSD1306 emulator (evse_ssd1306_emu.h): I2C stream -> RAM -> glass.
 */
#include <string.h>

#include "ocpp/evse_ssd1306_emu.h"

#define PAGES (EVSE_OLED_H / 8)

void evse_ssd1306_emu_reset(evse_ssd1306_emu_t *e)
{
    memset(e, 0, sizeof *e);
    e->powered = true;
    e->contrast = 0x7F;
    e->mux = 64;
    e->mode = 2; /* page addressing after reset */
    e->col_hi = EVSE_OLED_W - 1;
    e->page_hi = PAGES - 1;
}

/** Arguments each command takes (0 for one-byte commands), -1: unknown. */
static int args_of(uint8_t c)
{
    if (c <= 0x1Fu || (c >= 0x40u && c <= 0x7Fu) || (c >= 0xB0u && c <= 0xB7u)) {
        return 0; /* column nibbles, start line, page start */
    }
    switch (c) {
    case 0x20:
    case 0x81:
    case 0x8D:
    case 0xA8:
    case 0xD3:
    case 0xD5:
    case 0xD9:
    case 0xDA:
    case 0xDB: return 1;
    case 0x21:
    case 0x22:
    case 0xA3: return 2;
    case 0x29:
    case 0x2A: return 5;
    case 0x26:
    case 0x27: return 6;
    case 0x2E:
    case 0x2F:
    case 0xA0:
    case 0xA1:
    case 0xA4:
    case 0xA5:
    case 0xA6:
    case 0xA7:
    case 0xAE:
    case 0xAF:
    case 0xC0:
    case 0xC8:
    case 0xE3: return 0;
    default: return -1;
    }
}

static void range_cmd(evse_ssd1306_emu_t *e, const uint8_t *c)
{
    if (c[0] == 0x21u) {
        if (c[1] > c[2] || c[2] >= EVSE_OLED_W) {
            e->errors++;
            return;
        }
        e->col_lo = c[1];
        e->col_hi = c[2];
        e->col = c[1];
    } else {
        if (c[1] > c[2] || c[2] >= PAGES) {
            e->errors++;
            return;
        }
        e->page_lo = c[1];
        e->page_hi = c[2];
        e->page = c[1];
    }
}

/** A complete command (with its arguments). */
static void exec(evse_ssd1306_emu_t *e, const uint8_t *c)
{
    uint8_t op = c[0];
    if (op <= 0x0Fu) {
        e->col = (uint8_t)((e->col & 0xF0u) | op);
    } else if (op <= 0x1Fu) {
        e->col = (uint8_t)(((op & 0x07u) << 4) | (e->col & 0x0Fu));
    } else if (op >= 0x40u && op <= 0x7Fu) {
        e->start = op & 0x3Fu;
    } else if (op >= 0xB0u && op <= 0xB7u) {
        e->page = op & 0x07u;
    } else if (op == 0x20u) {
        if (c[1] > 2u) {
            e->errors++;
        } else {
            e->mode = c[1];
        }
    } else if (op == 0x21u || op == 0x22u) {
        range_cmd(e, c);
    } else if (op == 0x81u) {
        e->contrast = c[1];
    } else if (op == 0x8Du) {
        e->pump = (c[1] & 0x04u) != 0u;
    } else if (op == 0xA8u) {
        if (c[1] < 15u || c[1] > 63u) {
            e->errors++;
        } else {
            e->mux = (uint8_t)(c[1] + 1u);
        }
    } else if (op == 0xD3u) {
        e->offset = c[1] & 0x3Fu;
    } else if (op == 0xA0u || op == 0xA1u) {
        e->seg_remap = op == 0xA1u;
    } else if (op == 0xA4u || op == 0xA5u) {
        e->entire_on = op == 0xA5u;
    } else if (op == 0xA6u || op == 0xA7u) {
        e->inverse = op == 0xA7u;
    } else if (op == 0xAEu || op == 0xAFu) {
        e->on = op == 0xAFu;
    } else if (op == 0xC0u || op == 0xC8u) {
        e->com_remap = op == 0xC8u;
    } else if (op == 0x2Eu || op == 0x2Fu) {
        e->scrolling = op == 0x2Fu;
    }
    /* 0xD5, 0xD9, 0xDA, 0xDB, 0xE3, scroll set-up: timing and wiring only. */
}

static void command_byte(evse_ssd1306_emu_t *e, uint8_t b)
{
    if (e->cmd_len == 0u) {
        int n = args_of(b);
        if (n < 0) {
            e->errors++;
            return;
        }
        e->cmd_need = (uint8_t)n;
    }
    e->cmd[e->cmd_len++] = b;
    if (e->cmd_len > e->cmd_need) {
        exec(e, e->cmd);
        e->cmd_len = 0;
    }
}

static void data_byte(evse_ssd1306_emu_t *e, uint8_t b)
{
    e->ram[e->page % PAGES][e->col % EVSE_OLED_W] = b;
    e->data_bytes++;
    e->page_bytes[e->page % PAGES]++;
    if (e->mode == 0u) { /* horizontal: along the page, then the next page */
        if (e->col >= e->col_hi) {
            e->col = e->col_lo;
            e->page = e->page >= e->page_hi ? e->page_lo : (uint8_t)(e->page + 1u);
        } else {
            e->col++;
        }
    } else if (e->mode == 1u) { /* vertical: down the pages, then the next column */
        if (e->page >= e->page_hi) {
            e->page = e->page_lo;
            e->col = e->col >= e->col_hi ? e->col_lo : (uint8_t)(e->col + 1u);
        } else {
            e->page++;
        }
    } else { /* page: along the page, wrapping within it */
        e->col = e->col >= EVSE_OLED_W - 1 ? 0 : (uint8_t)(e->col + 1u);
    }
}

bool evse_ssd1306_emu_write(evse_ssd1306_emu_t *e, const uint8_t *data, size_t len)
{
    if (e == NULL || data == NULL || len == 0u) {
        return false;
    }
    if (!e->powered) {
        evse_ssd1306_emu_reset(e);
    }
    e->transfers++;
    size_t i = 0;
    while (i < len) {
        uint8_t ctrl = data[i++];
        if ((ctrl & 0x3Fu) != 0u) {
            e->errors++; /* only Co and D/C# may be set in a control byte */
        }
        bool is_data = (ctrl & 0x40u) != 0u;
        if ((ctrl & 0x80u) != 0u) { /* Co = 1: one byte, then another control byte */
            if (i < len) {
                if (is_data) {
                    data_byte(e, data[i]);
                } else {
                    command_byte(e, data[i]);
                }
                i++;
            }
            continue;
        }
        for (; i < len; i++) { /* Co = 0: the rest of the transfer */
            if (is_data) {
                data_byte(e, data[i]);
            } else {
                command_byte(e, data[i]);
            }
        }
    }
    return true;
}

bool evse_ssd1306_emu_pixel(const evse_ssd1306_emu_t *e, int x, int y)
{
    if (e == NULL || x < 0 || y < 0 || x >= EVSE_OLED_W || y >= EVSE_OLED_H || !e->powered ||
        !e->on || !e->pump) {
        return false;
    }
    /* Which COM drives glass row y, then which RAM row that COM shows. */
    int com = e->com_remap ? y : EVSE_OLED_H - 1 - y;
    int row = (com + e->offset) % EVSE_OLED_H;
    if (row >= e->mux) {
        return false; /* a COM beyond the multiplex ratio is not driven */
    }
    if (e->entire_on) {
        return true;
    }
    row = (row + e->start) % EVSE_OLED_H;
    int col = e->seg_remap ? x : EVSE_OLED_W - 1 - x;
    bool lit = ((e->ram[row / 8][col] >> (row % 8)) & 1u) != 0u;
    return lit != e->inverse;
}

void evse_ssd1306_emu_rows(const evse_ssd1306_emu_t *e, uint8_t out[EVSE_OLED_H * EVSE_OLED_W / 8])
{
    memset(out, 0, EVSE_OLED_H * EVSE_OLED_W / 8);
    for (int y = 0; y < EVSE_OLED_H; y++) {
        for (int x = 0; x < EVSE_OLED_W; x++) {
            if (evse_ssd1306_emu_pixel(e, x, y)) {
                out[y * (EVSE_OLED_W / 8) + x / 8] |= (uint8_t)(0x80u >> (x % 8));
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* PNG                                                                       */
/* ------------------------------------------------------------------------ */

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/** A chunk whose data is already at out + 8: length, type, CRC. @return its size. */
static size_t chunk(uint8_t *out, const char *type, size_t len)
{
    put32(out, (uint32_t)len);
    memcpy(out + 4, type, 4);
    put32(out + 8 + len, crc32_update(0xFFFFFFFFu, out + 4, len + 4u) ^ 0xFFFFFFFFu);
    return len + 12u;
}

/** Byte x of image row y (filter byte first) of the scaled picture. */
static uint8_t raw_byte(const uint8_t *rows, unsigned scale, unsigned y, unsigned i)
{
    if (i == 0u) {
        return 0; /* filter: none */
    }
    uint8_t v = 0;
    for (unsigned b = 0; b < 8u; b++) {
        unsigned x = ((i - 1u) * 8u + b) / scale;
        unsigned sy = y / scale;
        if ((rows[sy * (EVSE_OLED_W / 8) + x / 8] & (0x80u >> (x % 8))) != 0u) {
            v |= (uint8_t)(0x80u >> b);
        }
    }
    return v;
}

size_t evse_ssd1306_emu_png(const evse_ssd1306_emu_t *e, unsigned scale, uint8_t *out, size_t cap)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    static const uint8_t palette[6] = {0x08, 0x0C, 0x14, 0xD8, 0xF0, 0xFF};
    uint8_t rows[EVSE_OLED_H * EVSE_OLED_W / 8];
    if (e == NULL || out == NULL || scale < 1u || scale > 8u || cap < EVSE_OLED_PNG_MAX(scale)) {
        return 0;
    }
    evse_ssd1306_emu_rows(e, rows);
    unsigned w = EVSE_OLED_W * scale, h = EVSE_OLED_H * scale, stride = 1u + w / 8u;
    size_t n = 0;
    memcpy(out, sig, sizeof sig);
    n += sizeof sig;
    put32(out + n + 8, w);
    put32(out + n + 12, h);
    out[n + 16] = 1; /* bit depth */
    out[n + 17] = 3; /* colour type: palette */
    out[n + 18] = 0; /* deflate */
    out[n + 19] = 0; /* no filter method beyond the standard one */
    out[n + 20] = 0; /* no interlace */
    n += chunk(out + n, "IHDR", 13);
    memcpy(out + n + 8, palette, sizeof palette);
    n += chunk(out + n, "PLTE", sizeof palette);
    /* IDAT: zlib header, stored blocks of at most 65535 bytes, Adler-32. */
    size_t d = n + 8;
    size_t total = (size_t)stride * h;
    uint32_t a = 1, b = 0;
    out[d++] = 0x78;
    out[d++] = 0x01;
    for (size_t off = 0; off < total; off += 65535u) {
        size_t len = total - off < 65535u ? total - off : 65535u;
        out[d++] = off + len == total ? 1u : 0u; /* BFINAL, BTYPE 00 */
        out[d++] = (uint8_t)len;
        out[d++] = (uint8_t)(len >> 8);
        out[d++] = (uint8_t)~len;
        out[d++] = (uint8_t)(~len >> 8);
        for (size_t k = off; k < off + len; k++) {
            uint8_t v = raw_byte(rows, scale, (unsigned)(k / stride), (unsigned)(k % stride));
            out[d++] = v;
            a = (a + v) % 65521u;
            b = (b + a) % 65521u;
        }
    }
    put32(out + d, (b << 16) | a);
    d += 4;
    n += chunk(out + n, "IDAT", d - (n + 8));
    n += chunk(out + n, "IEND", 0);
    return n;
}
