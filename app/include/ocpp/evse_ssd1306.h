/**
 * @file evse_ssd1306.h
 * @brief Driver of a 128x64 SSD1306 OLED controller on I2C: the power-on
 *        initialisation, horizontal addressing, and page writes of what
 *        changed in an evse_gfx_t. No heap, no globals, non-blocking as far
 *        as the board's I2C write is.
 *
 * The I2C protocol (SSD1306 datasheet rev 1.1, §8.1.5): each transfer to the
 * 7-bit address starts with a control byte, 0x00 for a stream of commands or
 * 0x40 for a stream of display RAM data. In horizontal addressing mode
 * (command 0x20 0x00) the column pointer wraps at the end of the column
 * range (0x21) onto the next page of the page range (0x22), so a page is a
 * window of one page and 128 columns followed by 128 data bytes.
 *
 * Only pages whose content changed since they were last sent go out: the
 * driver keeps a 32-bit hash (FNV-1a) of each page as sent.
 */
#ifndef EVSE_SSD1306_H
#define EVSE_SSD1306_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse_gfx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The usual 7-bit address of an SSD1306 module (SA0 low). */
#define EVSE_SSD1306_ADDR 0x3Cu

#ifndef EVSE_SSD1306_CHUNK
/** Display RAM bytes per I2C transfer (plus the control byte): many I2C
 *  drivers take at most 32 bytes at a time. 1..128. */
#define EVSE_SSD1306_CHUNK 32u
#endif

/**
 * The board's I2C write: one transfer of `len` bytes to the 7-bit address
 * `addr` (start, address, data, stop). @return false on a NACK or bus error.
 */
typedef bool (*evse_i2c_write_fn)(void *ctx, uint8_t addr, const uint8_t *data, size_t len);

/** The driver's state. All fields are private. */
typedef struct {
    evse_i2c_write_fn write;
    void *ctx;
    uint8_t addr;
    bool ready;    /**< The initialisation went through. */
    uint8_t valid; /**< Bit p: page p on the display is page_hash[p]. */
    uint32_t page_hash[EVSE_GFX_PAGES];
    uint32_t writes; /**< I2C transfers since init (statistics). */
    uint32_t pages;  /**< Pages sent since init (statistics). */
    uint32_t errors; /**< Failed transfers since init. */
} evse_ssd1306_t;

/**
 * @brief Bind the driver to an I2C write (addr 0: EVSE_SSD1306_ADDR). Sends
 *        nothing yet: the first evse_ssd1306_flush() initialises the panel.
 */
void evse_ssd1306_init(evse_ssd1306_t *d, evse_i2c_write_fn write, void *ctx, uint8_t addr);

/**
 * @brief Send the pages of `fb` that differ from what the panel shows. The
 *        first call (and the first after a failed transfer) sends the
 *        initialisation sequence first and then every page.
 * @return the number of pages sent, or -1 if a transfer failed (the panel
 *         is initialised again and redrawn whole at the next call).
 */
int evse_ssd1306_flush(evse_ssd1306_t *d, const evse_gfx_t *fb);

/** @brief Send the display-off command (0xAE): the panel goes dark, its RAM is kept. */
bool evse_ssd1306_power(evse_ssd1306_t *d, bool on);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_SSD1306_H */
