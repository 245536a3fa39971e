/**
 * @file evse_ssd1306_emu.h
 * @brief An SSD1306 (128x64 OLED controller) emulator: it decodes the I2C
 *        byte stream a driver sends (control bytes, commands with their
 *        arguments, display RAM data in the three addressing modes) into the
 *        controller's RAM and registers, and tells which pixels the glass
 *        shows. The simulated board wires it to its I2C bus at address
 *        0x3C (evse_sim.h); tests read it back to check the driver.
 *
 * The glass is that of the usual modules: with segment remap (0xA1) and the
 * reversed COM scan (0xC8) column 0 is at the left and RAM row 0 at the top;
 * without them the picture is mirrored or upside down, as on the real
 * module. The glass is dark until the display is switched on (0xAF) with the
 * charge pump enabled (0x8D 0x14). Reference: SSD1306 datasheet rev 1.1,
 * §8.1.5 (I2C), §10 (commands).
 */
#ifndef EVSE_SSD1306_EMU_H
#define EVSE_SSD1306_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EVSE_OLED_W 128
#define EVSE_OLED_H 64

/** The emulated controller. All fields are private; a zeroed one is unpowered. */
typedef struct {
    bool powered;      /**< Reset values loaded (at the first transfer). */
    bool on;           /**< 0xAF */
    bool pump;         /**< Charge pump enabled (0x8D 0x14). */
    bool inverse;      /**< 0xA7 */
    bool entire_on;    /**< 0xA5 */
    bool seg_remap;    /**< 0xA1 */
    bool com_remap;    /**< 0xC8 */
    bool scrolling;    /**< 0x2F (the picture is not scrolled here; counted as used). */
    uint8_t contrast;  /**< 0x81 */
    uint8_t mux;       /**< Rows driven, 16..64 (0xA8 + 1). */
    uint8_t offset;    /**< 0xD3 */
    uint8_t start;     /**< Start line (0x40..0x7F). */
    uint8_t mode;      /**< 0 horizontal, 1 vertical, 2 page addressing. */
    uint8_t col, page; /**< RAM pointers. */
    uint8_t col_lo, col_hi, page_lo, page_hi; /**< Ranges (0x21, 0x22). */
    uint8_t cmd[8];                           /**< A command whose arguments are still coming. */
    uint8_t cmd_len, cmd_need;
    uint8_t ram[EVSE_OLED_H / 8][EVSE_OLED_W];
    uint32_t transfers;                   /**< I2C transfers taken. */
    uint32_t data_bytes;                  /**< RAM bytes written. */
    uint32_t page_bytes[EVSE_OLED_H / 8]; /**< RAM bytes written per page. */
    uint32_t errors;                      /**< Unknown commands, bad control bytes, bad values. */
} evse_ssd1306_emu_t;

/** @brief Power-on reset (datasheet §10: page addressing, contrast 0x7F, display off ...). */
void evse_ssd1306_emu_reset(evse_ssd1306_emu_t *e);

/**
 * @brief One I2C transfer to the controller: control byte(s), then
 *        commands or data. A zeroed emulator is reset first.
 * @return false for an empty transfer or NULL (nothing happens).
 */
bool evse_ssd1306_emu_write(evse_ssd1306_emu_t *e, const uint8_t *data, size_t len);

/** @brief Whether the glass lights pixel (x, y); false outside or while dark. */
bool evse_ssd1306_emu_pixel(const evse_ssd1306_emu_t *e, int x, int y);

/**
 * @brief The whole glass as rows: out[y * 16 + x / 8], the leftmost pixel
 *        of each byte in bit 7 (the order of a 1-bit PNG or PBM row).
 */
void evse_ssd1306_emu_rows(const evse_ssd1306_emu_t *e, uint8_t out[EVSE_OLED_H * EVSE_OLED_W / 8]);

/** Largest PNG evse_ssd1306_emu_png() writes for a scale (8 at most). */
#define EVSE_OLED_PNG_MAX(scale)                                          \
    (100u + ((1u + EVSE_OLED_W * (scale) / 8u) * EVSE_OLED_H * (scale)) + \
     5u * (((1u + EVSE_OLED_W * (scale) / 8u) * EVSE_OLED_H * (scale)) / 65535u + 1u))

/**
 * @brief The glass as a PNG image (ISO/IEC 15948): 1 bit per pixel with a
 *        palette (dark blue-black, the OLED's white-blue), each pixel
 *        scale x scale (1..8); the zlib stream holds stored (uncompressed)
 *        deflate blocks (RFC 1950/1951), checked with Adler-32 and each chunk
 *        with its CRC-32.
 * @return the PNG's length, 0 for a bad scale or cap < EVSE_OLED_PNG_MAX(scale).
 */
size_t evse_ssd1306_emu_png(const evse_ssd1306_emu_t *e, unsigned scale, uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_SSD1306_EMU_H */
