/**
 * @file ocpp_flash_store.h
 * @brief The bare-metal storage port: a log-structured, power-loss-safe
 *        key/record store on raw NOR flash (ocpp_flash.h), offered as an
 *        ocpp_storage_port_t.
 *
 * No heap, no globals: the state is the caller's ocpp_flash_store_t (48 bytes
 * on a 32-bit target, see OCPP_FLASH_STORE_SIZEOF_32). Flash is read in
 * chunks of at most 64 bytes into stack buffers; no stack frame exceeds 232
 * bytes and the deepest call chain (a write that compacts) needs about 600
 * bytes on Cortex-M4 (-Os), plus the driver's. Nothing is cached: every read scans the
 * record headers of the region, so a read costs O(records) flash reads and a
 * write that triggers a compaction O(records^2) small reads. That suits a few
 * dozen records in a few sectors (the configuration, a transaction queue),
 * not a database.
 *
 * On-flash layout (little-endian; U = prog_size, every unit programmed once):
 *  - Each sector starts with a format header (magic, erase count, CRC-32),
 *    written right after the erase, then an open header (sector sequence
 *    number, CRC-32), written when the sector becomes part of the log. Each
 *    is padded to U. A formatted sector without open header is a spare.
 *  - Records follow back to back, each starting at a multiple of U:
 *    a 20-byte header (magic, flags, key length, data length, record
 *    sequence number, CRC-32 of key+data, CRC-32 of the header), the key
 *    (no NUL), the data, 0xFF padding to U, then a commit unit
 *    (max(4, U) bytes of 0x00) programmed last. A record counts only when its
 *    header CRC matches and its commit unit reads exactly 0x00 (so, under the
 *    fault model, its data is complete). Of all counted records of a key the
 *    highest sequence number wins; a tombstone record (remove) hides the key.
 *    read() also checks the data CRC and reports OCPP_ERR_IO for a record
 *    corrupted after it was written (detected, not repaired).
 *  - Every sector keeps room at its end for one "retire" record (below).
 *
 * Compaction (garbage collection): the store always keeps at least one
 * erased spare sector. When the record to write does not fit in the current
 * sector and only the spare is left, the oldest sector (the victim) is
 * compacted: its live records are copied, unchanged (same sequence number),
 * to the head of the log (into the spare if the head fills up), then a
 * retire record naming the victim is committed, and only then is the victim
 * erased and formatted as the new spare. Sectors are used round-robin, so
 * erases spread evenly over the region.
 *
 * Mount (ocpp_flash_store_init()) repairs whatever a power cut left behind:
 * sectors that are neither a valid log sector nor cleanly erased (a torn
 * erase, format or open) are erased again; a victim whose retire record is
 * committed but which still exists is erased again (finishing a compaction);
 * if no spare is left, the compaction was cut before its retire record, and
 * the newest sector, which holds only copies, is erased (rolling it back);
 * the write position is put after the last record of the newest sector, or,
 * if anything but 0xFF follows it (a torn header), the sector is closed.
 *
 * Power-loss guarantee (under the fault model of ocpp_flash.h): after a cut
 * at any moment and a new ocpp_flash_store_init(), every key reads as the
 * value of its last write()/remove() that returned OCPP_OK, or as the value of
 * the write()/remove() that was running at the cut; never a mix, never
 * garbage, and the store is usable again. Records of other keys are never
 * affected by a cut.
 *
 * Limits: keys are 1..31 characters of [A-Za-z0-9_.-]; a record's data is at
 * most ocpp_flash_store_max_record() bytes (a sector minus its headers, one
 * record header, the longest key, a commit unit and the reserved retire
 * record: 3993 bytes with 4 KiB sectors and prog_size 1..4), i.e. a record
 * never spans sectors. The live records must fit in sector_count - 1
 * sectors (one is the spare), each holding sector_size - overhead bytes of
 * whole records. A write for which they would not, packed one after the
 * other, fails with OCPP_ERR_NOMEM after at most one compaction (which a
 * write needing room does anyway); in rare cases of fragmentation a write
 * may fail only after sector_count compactions. Record sequence
 * numbers are 32 bits: 4 * 10^9 writes, far beyond the flash's endurance.
 */
#ifndef OCPP_FLASH_STORE_H
#define OCPP_FLASH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_flash.h"
#include "ocpp/ocpp_port.h"
#include "ocpp/ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** sizeof(ocpp_flash_store_t) on a target with 32-bit pointers. */
#define OCPP_FLASH_STORE_SIZEOF_32 48u

/**
 * A store on one flash region. Caller-owned; treat the fields as private.
 * One store per region; not thread-safe.
 */
typedef struct {
    const ocpp_flash_t *flash; /**< The driver (outlives the store). */
    uint32_t data_off;         /**< Offset of the first record in a sector. */
    uint32_t head;             /**< Sector appended to; sector_count: none. */
    uint32_t head_off;         /**< Next free offset in the head sector. */
    uint32_t next_seq;         /**< Sequence number of the next record. */
    uint32_t next_sseq;        /**< Sequence number of the next opened sector. */
    uint32_t free_count;       /**< Erased (spare) sectors. */
    uint32_t max_erase;        /**< Highest erase count seen. */
    uint32_t gc_runs;          /**< Compactions since init (statistics). */
    uint32_t repairs;          /**< Sectors erased by mount (statistics). */
    uint32_t erases;           /**< Erases since init (statistics). */
    uint8_t mounted;           /**< 1 after a successful mount. */
    uint8_t exhausted;         /**< Record sequence numbers ran out (foreign image). */
} ocpp_flash_store_t;

/** Wear and usage figures of a mounted store. */
typedef struct {
    uint32_t sectors_free; /**< Erased spare sectors (at least 1). */
    uint32_t erase_min;    /**< Lowest erase count over all sectors. */
    uint32_t erase_max;    /**< Highest erase count over all sectors. */
    uint32_t gc_runs;      /**< Compactions since init. */
    uint32_t repairs;      /**< Sectors the last mount erased to repair a cut. */
    uint32_t erases;       /**< Sector erases since init (incl. repairs). */
} ocpp_flash_store_stats_t;

/**
 * Mount the store on `flash`: check the geometry, scan the region, repair
 * what a power cut left (see the file comment) and find the write position.
 * A blank (all 0xFF) region mounts as an empty store without an erase; a
 * region holding anything else is taken over (unrecognised sectors are
 * erased).
 * @param store  caller-owned state, overwritten.
 * @param flash  the driver; must outlive the store.
 * @return OCPP_OK; OCPP_ERR_PARAM for NULL pointers or an unsupported
 *         geometry (see ocpp_flash_t); OCPP_ERR_IO if the driver failed
 *         (calling init again retries).
 */
ocpp_status_t ocpp_flash_store_init(ocpp_flash_store_t *store, const ocpp_flash_t *flash);

/**
 * Fill `port` with the storage port of `store` (ctx = store). The port's
 * read/write/remove behave as ocpp_flash_store_read/_write/_remove.
 */
void ocpp_flash_store_port(ocpp_flash_store_t *store, ocpp_storage_port_t *port);

/**
 * Read record `key` into buf[0..cap).
 * @return the record length (0..cap); OCPP_ERR_NOT_FOUND; OCPP_ERR_NOMEM if
 *         the record is longer than cap (buf unspecified); OCPP_ERR_PARAM for
 *         a bad key or NULL buf with cap > 0; OCPP_ERR_IO if the driver
 *         failed.
 * After a driver failure every call first mounts the store again.
 */
int32_t ocpp_flash_store_read(ocpp_flash_store_t *store, const char *key, uint8_t *buf, size_t cap);

/**
 * Create or replace record `key` with data[0..len), atomically (see the
 * power-loss guarantee in the file comment). May compact sectors first.
 * @return OCPP_OK when the record is durable; OCPP_ERR_NOMEM if len exceeds
 *         ocpp_flash_store_max_record() or the live records would not fit
 *         (nothing changed); OCPP_ERR_PARAM for a bad key or NULL data with
 *         len > 0; OCPP_ERR_IO if the driver failed (the key then holds the
 *         old or the new value).
 */
ocpp_status_t ocpp_flash_store_write(ocpp_flash_store_t *store, const char *key,
                                     const uint8_t *data, size_t len);

/**
 * Remove record `key` (write a tombstone; nothing is written if it does not
 * exist). Atomic like a write: the record stays until its tombstone is
 * committed, so the tombstone needs room too.
 * @return OCPP_OK (also if it did not exist); OCPP_ERR_PARAM for a bad key;
 *         OCPP_ERR_NOMEM if the live records fill the store so completely
 *         that not even the tombstone fits (the port's remove() reports this
 *         as OCPP_ERR_IO, as ocpp_port.h allows no other error);
 *         OCPP_ERR_IO if the driver failed.
 */
ocpp_status_t ocpp_flash_store_remove(ocpp_flash_store_t *store, const char *key);

/**
 * The largest record data length a write accepts (with the longest key).
 * @return bytes; 0 if the store is not initialised.
 */
size_t ocpp_flash_store_max_record(const ocpp_flash_store_t *store);

/**
 * Wear and usage figures (reads every sector header).
 * @return OCPP_OK; OCPP_ERR_PARAM; OCPP_ERR_IO.
 */
ocpp_status_t ocpp_flash_store_stats(ocpp_flash_store_t *store, ocpp_flash_store_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_FLASH_STORE_H */
