/**
 * @file ocpp_flash.h
 * @brief The raw NOR flash driver interface that the bare-metal storage port
 *        (ocpp_flash_store.h) is written against.
 *
 * A driver is a struct of function pointers plus an opaque context pointer
 * that is passed back unchanged, and the geometry of the flash region the
 * store may use. Addresses are byte offsets from the start of that region
 * (0 .. sector_size * sector_count - 1), not bus addresses.
 *
 * Calls are blocking: a flash operation is short (a page program takes
 * microseconds to a millisecond, a sector erase tens to hundreds of
 * milliseconds), so the store calls the driver synchronously and a write()
 * of the storage port may take as long as a few erases. A driver for a chip
 * on a shared bus may busy-wait for the chip's ready bit. The store never
 * calls the driver re-entrantly and only from the thread that calls it.
 *
 * NOR rules the store obeys, so a driver may rely on them:
 *  - program() only clears bits (1 -> 0); bits go back to 1 only by erase().
 *  - Every program() starts at a multiple of prog_size, is a multiple of
 *    prog_size long and does not cross a page_size boundary.
 *  - Every prog_size unit is programmed at most once between two erases of
 *    its sector (fine for flashes with per-word ECC that forbid re-programming,
 *    e.g. STM32 internal flash with prog_size 8 or 32).
 *
 * Fault model (what the store is built to survive; see ocpp_flash_store.h):
 *  - Power may fail at any moment. Then the program() or erase() in progress
 *    is torn and no later operation happens until the next boot.
 *  - A torn program() leaves each bit of its target range either at its old
 *    value or at the value being programmed, i.e. anywhere between old and
 *    old & new bitwise; bytes outside the range are untouched.
 *  - A torn erase() leaves the sector with arbitrary content (old data, 0xFF,
 *    random bits, or any mix), other sectors untouched.
 *  - After boot, reads are stable: a torn cell reads the same value every
 *    time (the store never programs into a torn area again). Cells that read
 *    differently on every read ("weakly programmed") are outside the model.
 *  - Flash does not change on its own (no bit rot); data is checked with
 *    CRC-32 anyway, so random corruption is detected with probability
 *    1 - 2^-32 per record, but not repaired.
 */
#ifndef OCPP_FLASH_H
#define OCPP_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The value of every byte of an erased sector. */
#define OCPP_FLASH_ERASED 0xFFu

/** Largest supported program granularity (prog_size), in bytes. */
#define OCPP_FLASH_MAX_PROG_SIZE 32u

/**
 * A NOR flash region: geometry and operations. Owned by the caller; it must
 * outlive every store that uses it.
 */
typedef struct {
    void *ctx; /**< Passed back to every call. */

    /** Bytes per erase sector: a multiple of page_size, 256 .. 2^24. */
    uint32_t sector_size;
    /** Number of sectors in the region, at least 2; sector_size *
        sector_count at most 2^31. */
    uint32_t sector_count;
    /** Program page: one program() never crosses a multiple of page_size.
        A power of two, a multiple of prog_size, at most sector_size. Use
        sector_size if the chip has no page limit. */
    uint32_t page_size;
    /** Program granularity in bytes: 1 (most serial NOR), 4, 8, 16 or 32
        (MCU-internal flash words). A power of two up to
        OCPP_FLASH_MAX_PROG_SIZE. */
    uint32_t prog_size;

    /**
     * Read `len` bytes at `addr` into buf. Any address and length inside the
     * region; no alignment needed.
     * @return OCPP_OK, or OCPP_ERR_IO (the store then reports OCPP_ERR_IO).
     */
    ocpp_status_t (*read)(void *ctx, uint32_t addr, uint8_t *buf, size_t len);

    /**
     * Program `len` bytes at `addr` (aligned and bounded as described in the
     * file comment): every bit that is 0 in data becomes 0, the others keep
     * their value. Returns when the bytes are programmed (durable).
     * @return OCPP_OK, or OCPP_ERR_IO if the chip reported a failure (the
     *         target bytes are then undefined, as for a torn program).
     */
    ocpp_status_t (*program)(void *ctx, uint32_t addr, const uint8_t *data, size_t len);

    /**
     * Erase sector `sector` (0..sector_count-1): every byte becomes
     * OCPP_FLASH_ERASED. Returns when the erase is complete.
     * @return OCPP_OK, or OCPP_ERR_IO (the sector content is then undefined).
     */
    ocpp_status_t (*erase)(void *ctx, uint32_t sector);
} ocpp_flash_t;

#ifdef __cplusplus
}
#endif

#endif /* OCPP_FLASH_H */
