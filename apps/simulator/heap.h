/**
 * @file heap.h
 * @brief ocpp-sim's timer heap (heap.c): a binary min-heap of ids 0..cap-1 keyed
 *        by a deadline in monotonic milliseconds that wrap (uint32_t). The loop
 *        (loop.c) keeps one entry per station: its next wake-up.
 *
 * Deadlines compare by their signed difference, so they must lie within
 * 2^31 ms (24 days) of each other: callers keep waits below SIM_HEAP_MAX_WAIT.
 * Equal deadlines come out by id (lowest first): the order is deterministic.
 */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stdbool.h>
#include <stdint.h>

/** The longest wait the heap is given (about 12 days: half the wrap-safe range). */
#define SIM_HEAP_MAX_WAIT 0x40000000u

/** A min-heap of ids by deadline. All fields are private. */
typedef struct {
    uint32_t *ids; /**< The heap: ids[0] is due first. */
    uint32_t *at;  /**< at[id]: the id's deadline. */
    uint32_t *pos; /**< pos[id]: its index in ids + 1, 0: not in the heap. */
    uint32_t n;    /**< Ids in the heap. */
    uint32_t cap;  /**< Ids are 0..cap-1. */
} sim_heap_t;

/** a is before b (wrap-safe). */
static inline bool sim_ms_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

/** @brief An empty heap for ids 0..cap-1 (malloc). @return 0, or -1 out of memory. */
int sim_heap_init(sim_heap_t *h, uint32_t cap);

/** @brief Release the arrays (idempotent). */
void sim_heap_free(sim_heap_t *h);

/** @brief Put id in the heap with deadline `at`, or move it there. Ignored for id >= cap. */
void sim_heap_set(sim_heap_t *h, uint32_t id, uint32_t at);

/** @brief Bring id's deadline forward to `at` (insert it if absent); a sooner one stays. */
void sim_heap_sooner(sim_heap_t *h, uint32_t id, uint32_t at);

/** @brief Take id out of the heap (nothing if it is not in). */
void sim_heap_remove(sim_heap_t *h, uint32_t id);

/** @brief Whether id is in the heap. */
bool sim_heap_contains(const sim_heap_t *h, uint32_t id);

/** @brief The first deadline in *at. @return false when the heap is empty. */
bool sim_heap_first(const sim_heap_t *h, uint32_t *at);

/**
 * @brief Take out the first id if its deadline is not after `now` (wrap-safe).
 * @return true with the id in *id; false when nothing is due.
 */
bool sim_heap_pop_due(sim_heap_t *h, uint32_t now, uint32_t *id);

#endif /* SIM_HEAP_H */
