/**
 * @file gfx.c
 * @brief The display's framebuffer and drawing functions (evse_gfx.h).
 */
#include <string.h>

#include "ocpp/evse_gfx.h"

void evse_gfx_clear(evse_gfx_t *g)
{
    memset(g->buf, 0, sizeof g->buf);
}

void evse_gfx_pixel(evse_gfx_t *g, int x, int y, evse_gfx_op_t op)
{
    if (x < 0 || y < 0 || x >= EVSE_GFX_W || y >= EVSE_GFX_H) {
        return;
    }
    uint8_t *b = &g->buf[(y / 8) * EVSE_GFX_W + x];
    uint8_t m = (uint8_t)(1u << (y % 8));
    if (op == EVSE_GFX_SET) {
        *b |= m;
    } else if (op == EVSE_GFX_CLEAR) {
        *b &= (uint8_t)~m;
    } else {
        *b ^= m;
    }
}

bool evse_gfx_get(const evse_gfx_t *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= EVSE_GFX_W || y >= EVSE_GFX_H) {
        return false;
    }
    return (g->buf[(y / 8) * EVSE_GFX_W + x] >> (y % 8)) & 1u;
}

static int iabs(int v)
{
    return v < 0 ? -v : v;
}

void evse_gfx_line(evse_gfx_t *g, int x0, int y0, int x1, int y1, evse_gfx_op_t op)
{
    int dx = iabs(x1 - x0);
    int dy = -iabs(y1 - y0);
    int sx = x0 < x1 ? 1 : -1;
    int sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        evse_gfx_pixel(g, x0, y0, op);
        if (x0 == x1 && y0 == y1) {
            return;
        }
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

void evse_gfx_fill(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op)
{
    for (int j = y < 0 ? 0 : y; j < y + h && j < EVSE_GFX_H; j++) {
        for (int i = x < 0 ? 0 : x; i < x + w && i < EVSE_GFX_W; i++) {
            evse_gfx_pixel(g, i, j, op);
        }
    }
}

void evse_gfx_rect(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op)
{
    if (w < 1 || h < 1) {
        return;
    }
    evse_gfx_fill(g, x, y, w, 1, op);
    if (h > 1) {
        evse_gfx_fill(g, x, y + h - 1, w, 1, op);
    }
    if (h > 2) {
        evse_gfx_fill(g, x, y + 1, 1, h - 2, op);
        if (w > 1) {
            evse_gfx_fill(g, x + w - 1, y + 1, 1, h - 2, op);
        }
    }
}

void evse_gfx_round_rect(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op)
{
    if (w < 3 || h < 3) {
        evse_gfx_rect(g, x, y, w, h, op);
        return;
    }
    evse_gfx_fill(g, x + 1, y, w - 2, 1, op);
    evse_gfx_fill(g, x + 1, y + h - 1, w - 2, 1, op);
    evse_gfx_fill(g, x, y + 1, 1, h - 2, op);
    evse_gfx_fill(g, x + w - 1, y + 1, 1, h - 2, op);
}

void evse_gfx_bitmap(evse_gfx_t *g, int x, int y, const uint8_t *cols, int w, int h, int scale,
                     evse_gfx_op_t op)
{
    if (cols == NULL || scale < 1 || scale > 4) {
        return;
    }
    int per = (h + 7) / 8;
    for (int i = 0; i < w; i++) {
        for (int j = 0; j < h; j++) {
            if (((cols[i * per + j / 8] >> (j % 8)) & 1u) != 0u) {
                evse_gfx_fill(g, x + i * scale, y + j * scale, scale, scale, op);
            }
        }
    }
}

void evse_gfx_icon(evse_gfx_t *g, int x, int y, evse_icon_t icon, int scale, evse_gfx_op_t op)
{
    evse_gfx_bitmap(g, x, y, evse_font_icon(icon), 8, 8, scale, op);
}

/** The glyph of character c: its columns and width, false if the font lacks it. */
static bool glyph(const evse_font_t *f, char c, const uint8_t **cols, int *w)
{
    unsigned idx = f->count;
    if (f->map != NULL) {
        const char *p = c != '\0' ? strchr(f->map, c) : NULL;
        idx = p != NULL ? (unsigned)(p - f->map) : f->count;
    } else if ((unsigned char)c >= f->first) {
        idx = (unsigned char)c - f->first;
    }
    if (idx >= f->count) {
        return false;
    }
    int per = (f->height + 7) / 8;
    if (f->fixed_width != 0u) {
        *w = f->fixed_width;
        *cols = f->glyphs + (size_t)idx * f->fixed_width * (size_t)per;
    } else {
        *w = f->widths[idx];
        *cols = f->glyphs + f->offsets[idx];
    }
    return true;
}

/** Width of a missing character's box. */
static int box_width(const evse_font_t *f)
{
    return f->fixed_width != 0u ? f->fixed_width : f->height / 2;
}

int evse_gfx_text(evse_gfx_t *g, int x, int y, const evse_font_t *f, const char *text,
                  evse_gfx_op_t op)
{
    if (f == NULL || text == NULL) {
        return x;
    }
    for (const char *p = text; *p != '\0'; p++) {
        const uint8_t *cols;
        int w;
        if (glyph(f, *p, &cols, &w)) {
            evse_gfx_bitmap(g, x, y, cols, w, f->height, 1, op);
        } else {
            w = box_width(f);
            evse_gfx_rect(g, x, y, w, f->height, op);
        }
        x += w + f->advance;
    }
    return x;
}

int evse_gfx_text_width(const evse_font_t *f, const char *text)
{
    int x = 0;
    if (f == NULL || text == NULL || text[0] == '\0') {
        return 0;
    }
    for (const char *p = text; *p != '\0'; p++) {
        const uint8_t *cols;
        int w;
        if (!glyph(f, *p, &cols, &w)) {
            w = box_width(f);
        }
        x += w + f->advance;
    }
    return x - f->advance;
}

void evse_gfx_text_center(evse_gfx_t *g, int x0, int w, int y, const evse_font_t *f,
                          const char *text, evse_gfx_op_t op)
{
    (void)evse_gfx_text(g, x0 + (w - evse_gfx_text_width(f, text)) / 2, y, f, text, op);
}

void evse_gfx_text_right(evse_gfx_t *g, int x1, int y, const evse_font_t *f, const char *text,
                         evse_gfx_op_t op)
{
    (void)evse_gfx_text(g, x1 - evse_gfx_text_width(f, text), y, f, text, op);
}
