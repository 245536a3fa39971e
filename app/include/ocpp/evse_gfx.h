/**
 * @file evse_gfx.h
 * @brief A 128x64 monochrome framebuffer and its drawing functions (pixels,
 *        lines, rectangles, text, icons) for the charger's display. No heap,
 *        no globals: the caller owns the evse_gfx_t.
 *
 * The buffer has the SSD1306's memory layout: 8 pages of 8 rows, one byte
 * per column and page, the top row of the page in bit 0. So a page goes to
 * the display as it is (evse_ssd1306.h). Coordinates: x 0..127 left to
 * right, y 0..63 top to bottom; whatever falls outside is clipped.
 */
#ifndef EVSE_GFX_H_INCLUDED
#define EVSE_GFX_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse_font.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EVSE_GFX_W     128
#define EVSE_GFX_H     64
#define EVSE_GFX_PAGES (EVSE_GFX_H / 8)

/** The framebuffer: buf[page * 128 + x], bit (y % 8) of page y / 8. */
typedef struct {
    uint8_t buf[EVSE_GFX_PAGES * EVSE_GFX_W];
} evse_gfx_t;

/** How a drawing changes the pixels it covers. */
typedef enum {
    EVSE_GFX_SET = 0, /**< Light them. */
    EVSE_GFX_CLEAR,   /**< Turn them off. */
    EVSE_GFX_INVERT   /**< Flip them. */
} evse_gfx_op_t;

/** @brief All pixels off. */
void evse_gfx_clear(evse_gfx_t *g);

/** @brief One pixel (clipped). */
void evse_gfx_pixel(evse_gfx_t *g, int x, int y, evse_gfx_op_t op);

/** @brief A pixel's state; false outside the screen. */
bool evse_gfx_get(const evse_gfx_t *g, int x, int y);

/** @brief A line from (x0, y0) to (x1, y1), both ends included (Bresenham). */
void evse_gfx_line(evse_gfx_t *g, int x0, int y0, int x1, int y1, evse_gfx_op_t op);

/** @brief The outline of a w x h rectangle at (x, y); nothing if w or h < 1. */
void evse_gfx_rect(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op);

/** @brief A filled w x h rectangle at (x, y). */
void evse_gfx_fill(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op);

/** @brief A rectangle with rounded corners (1 pixel cut at each corner). */
void evse_gfx_round_rect(evse_gfx_t *g, int x, int y, int w, int h, evse_gfx_op_t op);

/**
 * @brief A bitmap stored as the fonts are (columns, bit 0 on top,
 *        ceil(h / 8) bytes per column), its top left at (x, y), each pixel
 *        scale x scale (1..4). Its lit pixels get `op`, the others stay.
 */
void evse_gfx_bitmap(evse_gfx_t *g, int x, int y, const uint8_t *cols, int w, int h, int scale,
                     evse_gfx_op_t op);

/** @brief An 8x8 icon (evse_font_icon()) at (x, y), scaled 1..4 times. */
void evse_gfx_icon(evse_gfx_t *g, int x, int y, evse_icon_t icon, int scale, evse_gfx_op_t op);

/**
 * @brief Text with its top left at (x, y), NUL-terminated; characters the
 *        font lacks are drawn as a box.
 * @return the x after the last character (its advance included).
 */
int evse_gfx_text(evse_gfx_t *g, int x, int y, const evse_font_t *f, const char *text,
                  evse_gfx_op_t op);

/** @brief Width in pixels of `text` in font `f` (without the last advance). */
int evse_gfx_text_width(const evse_font_t *f, const char *text);

/** @brief Text centred horizontally in [x0, x0 + w). */
void evse_gfx_text_center(evse_gfx_t *g, int x0, int w, int y, const evse_font_t *f,
                          const char *text, evse_gfx_op_t op);

/** @brief Text ending at x1 (exclusive), right-aligned. */
void evse_gfx_text_right(evse_gfx_t *g, int x1, int y, const evse_font_t *f, const char *text,
                         evse_gfx_op_t op);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_GFX_H_INCLUDED */
