/**
 * @file logring.h
 * @brief ocpp-sim's message log: one ring of variable-length records shared
 *        by many stations, each station's records linked newest to oldest.
 *
 * A record costs a 40-byte header, its strings and the bytes of the message
 * (rounded up to 8): a Heartbeat and its answer are about 300 bytes together,
 * where the old per-station log spent 1.7 KB per entry. A new record evicts
 * the oldest ones of the ring, whichever station they belong to; a station
 * reaches its own records through the position of its newest one, each record
 * naming the position of the station's record before it. Positions are byte
 * counts since the ring was created (64 bits: they never wrap), so a position
 * is still valid exactly when it is not older than the ring's tail.
 *
 * Records never straddle the end of the buffer (a padding record fills the
 * rest), so a record read back points into the buffer: no copy.
 */
#ifndef SIM_LOGRING_H
#define SIM_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** "No record" (a station that has logged nothing, the first record's predecessor). */
#define SIM_LOGRING_NONE UINT64_MAX
/** The smallest ring sim_logring_init() accepts. */
#define SIM_LOGRING_MIN 4096u
/** Strings of a record: message id, action, error code are cut to this many bytes. */
#define SIM_LOGRING_STR_MAX 255u

/** One logged OCPP message (what a record holds). Strings are NUL-terminated. */
typedef struct {
    uint32_t seq;           /**< The station's sequence number of the message. */
    int64_t unix_ms;        /**< When it was logged. */
    bool out;               /**< Sent by the charge point. */
    bool truncated;         /**< `text` is the start of a longer message. */
    bool frame_ok;          /**< `text` is a whole, valid JSON text. */
    uint8_t type;           /**< 2 CALL, 3 CALLRESULT, 4 CALLERROR, 0 not an OCPP-J frame. */
    int64_t answer_to;      /**< seq of the CALL a result answers, -1 if unknown. */
    const char *msg_id;     /**< "" if none. */
    const char *action;     /**< The CALL's action (a result: of the CALL it answers), or "". */
    const char *error_code; /**< CALLERROR: its errorCode, else "". */
    const char *text;       /**< The message (not NUL-terminated). */
    uint16_t len;           /**< Bytes of text. */
} sim_log_rec_t;

/** The ring. Treat the fields as private. */
typedef struct {
    uint8_t *buf;
    size_t cap;       /**< Bytes of buf, a multiple of 8. */
    uint64_t head;    /**< Position of the next record. */
    uint64_t tail;    /**< Position of the oldest record (head == tail: empty). */
    uint64_t evicted; /**< Records evicted so far (padding not counted). */
} sim_logring_t;

/**
 * Allocate a ring of `cap` bytes (rounded down to a multiple of 8). The
 * memory is malloc'd, untouched until records fill it.
 * @return 0; -1 if cap < SIM_LOGRING_MIN or the allocation fails (r is then
 *         empty and sim_logring_free() may still be called).
 */
int sim_logring_init(sim_logring_t *r, size_t cap);

/** Release the buffer (r may be zeroed or failed to init). */
void sim_logring_free(sim_logring_t *r);

/** Bytes a record of `e` takes in a ring (header, strings, text; a multiple of 8). */
size_t sim_logring_size(const sim_log_rec_t *e);

/**
 * Append `e` as station `station`'s newest record; *last is the position of
 * that station's newest record (SIM_LOGRING_NONE before its first), updated
 * to the new one. Older records of any station are evicted as needed.
 * @return true; false (nothing changed) if the record is larger than the ring,
 *         or station is UINT32_MAX (reserved).
 */
bool sim_logring_put(sim_logring_t *r, uint32_t station, uint64_t *last, const sim_log_rec_t *e);

/**
 * The record at `pos`, if it is still in the ring and belongs to `station`.
 * Its strings and text point into the ring: valid until the next put.
 * @param prev if not NULL, the position of the station's record before it
 *             (SIM_LOGRING_NONE: none; it may have been evicted since).
 * @return true; false if pos is SIM_LOGRING_NONE, evicted, or not that
 *         station's record.
 */
bool sim_logring_get(const sim_logring_t *r, uint64_t pos, uint32_t station, sim_log_rec_t *out,
                     uint64_t *prev);

#endif /* SIM_LOGRING_H */
