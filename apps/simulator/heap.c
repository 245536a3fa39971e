/**
 * @file heap.c
 * @brief ocpp-sim's timer heap (see heap.h).
 */
#include "heap.h"

#include <stdlib.h>

int sim_heap_init(sim_heap_t *h, uint32_t cap)
{
    size_t n = cap > 0u ? cap : 1u;
    *h = (sim_heap_t){.ids = malloc(n * sizeof *h->ids),
                      .at = calloc(n, sizeof *h->at),
                      .pos = calloc(n, sizeof *h->pos),
                      .cap = cap};
    if (h->ids == NULL || h->at == NULL || h->pos == NULL) {
        sim_heap_free(h);
        return -1;
    }
    return 0;
}

void sim_heap_free(sim_heap_t *h)
{
    free(h->ids);
    free(h->at);
    free(h->pos);
    *h = (sim_heap_t){0};
}

/** Entry i goes before entry j: its deadline is sooner, or the same and its id lower. */
static bool less(const sim_heap_t *h, uint32_t i, uint32_t j)
{
    uint32_t a = h->ids[i];
    uint32_t b = h->ids[j];
    return sim_ms_before(h->at[a], h->at[b]) || (h->at[a] == h->at[b] && a < b);
}

static void place(sim_heap_t *h, uint32_t i, uint32_t id)
{
    h->ids[i] = id;
    h->pos[id] = i + 1u;
}

static void swap(sim_heap_t *h, uint32_t i, uint32_t j)
{
    uint32_t a = h->ids[i];
    place(h, i, h->ids[j]);
    place(h, j, a);
}

static void up(sim_heap_t *h, uint32_t i)
{
    while (i > 0u) {
        uint32_t p = (i - 1u) / 2u;
        if (!less(h, i, p)) {
            return;
        }
        swap(h, i, p);
        i = p;
    }
}

static void down(sim_heap_t *h, uint32_t i)
{
    for (;;) {
        uint32_t l = 2u * i + 1u;
        uint32_t m = i;
        if (l < h->n && less(h, l, m)) {
            m = l;
        }
        if (l + 1u < h->n && less(h, l + 1u, m)) {
            m = l + 1u;
        }
        if (m == i) {
            return;
        }
        swap(h, i, m);
        i = m;
    }
}

void sim_heap_set(sim_heap_t *h, uint32_t id, uint32_t at)
{
    if (id >= h->cap) {
        return;
    }
    h->at[id] = at;
    if (h->pos[id] == 0u) {
        place(h, h->n++, id);
        up(h, h->n - 1u);
        return;
    }
    up(h, h->pos[id] - 1u);
    down(h, h->pos[id] - 1u);
}

void sim_heap_sooner(sim_heap_t *h, uint32_t id, uint32_t at)
{
    if (id < h->cap && (h->pos[id] == 0u || sim_ms_before(at, h->at[id]))) {
        sim_heap_set(h, id, at);
    }
}

void sim_heap_remove(sim_heap_t *h, uint32_t id)
{
    if (id >= h->cap || h->pos[id] == 0u) {
        return;
    }
    uint32_t i = h->pos[id] - 1u;
    h->pos[id] = 0u;
    h->n--;
    if (i == h->n) {
        return;
    }
    uint32_t moved = h->ids[h->n];
    place(h, i, moved);
    up(h, i);
    down(h, h->pos[moved] - 1u);
}

bool sim_heap_contains(const sim_heap_t *h, uint32_t id)
{
    return id < h->cap && h->pos[id] != 0u;
}

bool sim_heap_first(const sim_heap_t *h, uint32_t *at)
{
    if (h->n == 0u) {
        return false;
    }
    *at = h->at[h->ids[0]];
    return true;
}

bool sim_heap_pop_due(sim_heap_t *h, uint32_t now, uint32_t *id)
{
    if (h->n == 0u || sim_ms_before(now, h->at[h->ids[0]])) {
        return false;
    }
    *id = h->ids[0];
    sim_heap_remove(h, *id);
    return true;
}
