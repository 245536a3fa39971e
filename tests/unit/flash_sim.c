/*
 * Simulated NOR flash and the power-cut torture workload (see flash_sim.h).
 * Test code: uses the heap and stdio.
 */
#include "flash_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_flash_store.h"

static uint32_t sim_rand(flash_sim_t *s)
{
    uint32_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->rng = x;
    return x;
}

static void violation(flash_sim_t *s, const char *what, uint32_t addr, size_t len)
{
    if (s->violations++ == 0) {
        snprintf(s->first_violation, sizeof(s->first_violation), "%s at 0x%x len %u", what,
                 (unsigned)addr, (unsigned)len);
    }
}

/* Count an operation; tear it if the power is cut now. @return 1 torn, 0 normal. */
static int sim_step(flash_sim_t *s)
{
    s->ops++;
    if (s->cut_at != 0 && s->ops == s->cut_at) {
        s->dead = 1;
        s->cuts++;
        return 1;
    }
    return 0;
}

static int unit_ff(const flash_sim_t *s, uint32_t unit)
{
    const uint8_t *p = s->mem + (size_t)unit * s->drv.prog_size;
    for (uint32_t i = 0; i < s->drv.prog_size; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

static ocpp_status_t sim_read(void *ctx, uint32_t addr, uint8_t *buf, size_t len)
{
    flash_sim_t *s = ctx;
    s->reads++;
    if (s->dead) {
        return OCPP_ERR_IO;
    }
    if (addr > s->size || len > s->size - addr) {
        violation(s, "read out of range", addr, len);
        return OCPP_ERR_IO;
    }
    memcpy(buf, s->mem + addr, len);
    return OCPP_OK;
}

/* Apply a program op that is cut: every bit to clear clears, or not. */
static void tear_program(flash_sim_t *s, uint32_t addr, const uint8_t *data, size_t len)
{
    uint32_t mode = sim_rand(s) % 4u;
    size_t stop = len == 0 ? 0 : sim_rand(s) % len;
    for (size_t i = 0; i < len; i++) {
        uint8_t keep; /* bits of data that do NOT take effect */
        switch (mode) {
        case 0: keep = 0xFF; break;                 /* nothing programmed */
        case 1: keep = 0x00; break;                 /* all, but not acknowledged */
        case 2: keep = (uint8_t)sim_rand(s); break; /* random bits */
        default: keep = i < stop ? 0x00 : (i == stop ? (uint8_t)sim_rand(s) : 0xFF); break;
        }
        s->mem[addr + i] &= (uint8_t)(data[i] | keep);
    }
}

static ocpp_status_t sim_program(void *ctx, uint32_t addr, const uint8_t *data, size_t len)
{
    flash_sim_t *s = ctx;
    uint32_t u = s->drv.prog_size;
    s->programs++;
    if (s->dead) {
        return OCPP_ERR_IO;
    }
    if (addr > s->size || len > s->size - addr || len == 0) {
        violation(s, "program out of range", addr, len);
        return OCPP_ERR_IO;
    }
    if (addr % u != 0 || len % u != 0) {
        violation(s, "unaligned program", addr, len);
    }
    if (addr / s->drv.page_size != (addr + (uint32_t)len - 1) / s->drv.page_size) {
        violation(s, "program crosses a page", addr, len);
    }
    for (size_t i = 0; i < len; i++) {
        if ((uint8_t)(~s->mem[addr + i] & data[i]) != 0) {
            violation(s, "program 0->1", addr + (uint32_t)i, 1);
            break;
        }
    }
    for (uint32_t un = addr / u; un <= (addr + (uint32_t)len - 1) / u; un++) {
        if (s->programmed[un]) {
            violation(s, "unit programmed twice", un * u, u);
            break;
        }
    }
    int torn = sim_step(s);
    if (torn) {
        tear_program(s, addr, data, len);
    } else {
        for (size_t i = 0; i < len; i++) {
            s->mem[addr + i] &= data[i];
        }
    }
    for (uint32_t un = addr / u; un <= (addr + (uint32_t)len - 1) / u; un++) {
        s->programmed[un] = torn ? (uint8_t)!unit_ff(s, un) : 1u;
    }
    return torn ? OCPP_ERR_IO : OCPP_OK;
}

/* A cut erase: old content, erased, random, or a mix (per 64-byte piece). */
static void tear_erase(flash_sim_t *s, uint8_t *p, uint32_t n)
{
    uint32_t mode = sim_rand(s) % 7u;
    uint32_t cut = sim_rand(s) % n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m = mode;
        if (m == 6) {
            m = ((i / 64u) * 2654435761u + s->rng) % 6u;
        }
        switch (m) {
        case 0: break;                                /* untouched */
        case 1: p[i] = 0xFF; break;                   /* done, not acknowledged */
        case 2: p[i] = (uint8_t)sim_rand(s); break;   /* garbage */
        case 3: p[i] |= (uint8_t)sim_rand(s); break;  /* partly erased bits */
        case 4: p[i] = i < cut ? 0xFF : p[i]; break;  /* erased up to a point */
        default: p[i] &= (uint8_t)sim_rand(s); break; /* pre-programming phase */
        }
    }
}

static ocpp_status_t sim_erase(void *ctx, uint32_t sector)
{
    flash_sim_t *s = ctx;
    uint32_t ss = s->drv.sector_size;
    uint32_t u = s->drv.prog_size;
    s->erases++;
    if (s->dead) {
        return OCPP_ERR_IO;
    }
    if (sector >= s->drv.sector_count) {
        violation(s, "erase out of range", sector, 0);
        return OCPP_ERR_IO;
    }
    uint8_t *p = s->mem + (size_t)sector * ss;
    s->erase_counts[sector]++;
    int torn = sim_step(s);
    if (torn) {
        tear_erase(s, p, ss);
    } else {
        memset(p, 0xFF, ss);
    }
    for (uint32_t un = sector * ss / u; un < (sector + 1) * ss / u; un++) {
        s->programmed[un] = torn ? (uint8_t)!unit_ff(s, un) : 0u;
    }
    return torn ? OCPP_ERR_IO : OCPP_OK;
}

int flash_sim_init(flash_sim_t *sim, uint32_t sector_size, uint32_t sector_count,
                   uint32_t page_size, uint32_t prog_size, uint32_t seed)
{
    memset(sim, 0, sizeof(*sim));
    if (prog_size == 0 || sector_size == 0 || page_size == 0 || sector_size % prog_size != 0) {
        return -1;
    }
    sim->size = sector_size * sector_count;
    sim->mem = malloc(sim->size);
    sim->programmed = calloc(sim->size / prog_size, 1);
    sim->erase_counts = calloc(sector_count, sizeof(uint32_t));
    if (sim->mem == NULL || sim->programmed == NULL || sim->erase_counts == NULL) {
        flash_sim_free(sim);
        return -1;
    }
    memset(sim->mem, 0xFF, sim->size);
    sim->rng = seed ? seed : 0x9E3779B9u;
    sim->drv.ctx = sim;
    sim->drv.sector_size = sector_size;
    sim->drv.sector_count = sector_count;
    sim->drv.page_size = page_size;
    sim->drv.prog_size = prog_size;
    sim->drv.read = sim_read;
    sim->drv.program = sim_program;
    sim->drv.erase = sim_erase;
    return 0;
}

void flash_sim_free(flash_sim_t *sim)
{
    free(sim->mem);
    free(sim->programmed);
    free(sim->erase_counts);
    sim->mem = NULL;
    sim->programmed = NULL;
    sim->erase_counts = NULL;
}

void flash_sim_cut_after(flash_sim_t *sim, uint64_t n)
{
    sim->cut_at = n == 0 ? 0 : sim->ops + n;
}

void flash_sim_reboot(flash_sim_t *sim)
{
    sim->dead = 0;
    sim->cut_at = 0;
}

uint32_t flash_sim_erase_spread(const flash_sim_t *sim, uint32_t *min, uint32_t *max)
{
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t i = 0; i < sim->drv.sector_count; i++) {
        lo = sim->erase_counts[i] < lo ? sim->erase_counts[i] : lo;
        hi = sim->erase_counts[i] > hi ? sim->erase_counts[i] : hi;
    }
    if (min) {
        *min = lo;
    }
    if (max) {
        *max = hi;
    }
    return hi - lo;
}

/* ------------------------------------------------------------------------ */
/* Torture                                                                   */
/* ------------------------------------------------------------------------ */

#define T_KEYS 6
#define T_BUF  4096

static const char *const t_keys[T_KEYS] = {"cfg", "txq.0", "k-a", "k_b", "K.c", "meter.42"};

typedef struct {
    int present;
    uint32_t version;
    uint32_t len;
} t_val_t;

typedef struct {
    flash_sim_t sim;
    ocpp_flash_store_t store;
    t_val_t committed[T_KEYS];
    uint32_t rng;
    uint32_t version;
    uint8_t buf[T_BUF];
    uint8_t val[T_BUF];
    flash_torture_result_t *res;
} t_ctx_t;

static uint32_t t_rand(t_ctx_t *t)
{
    uint32_t x = t->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    t->rng = x;
    return x;
}

/* The content of a value: a function of key, version and position. */
static void t_fill(uint8_t *p, int key, uint32_t version, uint32_t len)
{
    uint32_t h = (uint32_t)key * 0x9E3779B9u ^ version * 0x85EBCA6Bu;
    for (uint32_t i = 0; i < len; i++) {
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h += i;
        p[i] = (uint8_t)h;
    }
}

/* Record sizes like the library's, scaled down for small sectors. */
static uint32_t t_len(t_ctx_t *t, int key)
{
    uint32_t r = t_rand(t);
    uint32_t max = (uint32_t)ocpp_flash_store_max_record(&t->store);
    if (max < 2048) {
        switch (key) {
        case 0: return max / 4 + r % (max / 8);
        case 1: return r % (max / 2 + 1);
        case 2: return r % 3;
        default: return r % (max / 16);
        }
    }
    switch (key) {
    case 0: return 700 + r % 200; /* a configuration record */
    case 1: return r % 2049;      /* a queued transaction message, up to 2 KiB */
    case 2: return r % 3;         /* 0, 1 or 2 bytes */
    default: return r % 200;
    }
}

static void t_problem(t_ctx_t *t, const char *what, int key)
{
    if (t->res->first_problem[0] == '\0') {
        snprintf(t->res->first_problem, sizeof(t->res->first_problem),
                 "%s: key %s after %llu cuts (%s)", what, key >= 0 ? t_keys[key] : "-",
                 (unsigned long long)t->res->cuts, t->sim.first_violation);
    }
}

/* Does the key read exactly as v? */
static int t_reads_as(t_ctx_t *t, int key, const t_val_t *v)
{
    int32_t n = ocpp_flash_store_read(&t->store, t_keys[key], t->buf, sizeof(t->buf));
    if (!v->present) {
        return n == OCPP_ERR_NOT_FOUND;
    }
    if (n != (int32_t)v->len) {
        return 0;
    }
    t_fill(t->val, key, v->version, v->len);
    return memcmp(t->buf, t->val, v->len) == 0;
}

/* Power on and mount, with cuts during the mount now and then. @return 0 or -1. */
static int t_mount(t_ctx_t *t, const flash_torture_cfg_t *cfg)
{
    for (int tries = 0; tries < 1000; tries++) {
        flash_sim_reboot(&t->sim);
        int cut = (t_rand(t) & 255u) < cfg->mount_cut_per_256;
        if (cut) {
            flash_sim_cut_after(&t->sim, 1 + t_rand(t) % 8u);
        }
        ocpp_status_t st = ocpp_flash_store_init(&t->store, &t->sim.drv);
        if (st == OCPP_OK) {
            flash_sim_reboot(&t->sim); /* disarm a cut the mount did not reach */
            t->res->repairs += t->store.repairs;
            return 0;
        }
        if (!(cut && st == OCPP_ERR_IO && t->sim.dead)) {
            t_problem(t, "mount failed", -1);
            return -1;
        }
        t->res->cuts++;
        t->res->mount_cuts++;
    }
    return -1;
}

/* One operation on a random key. @return 1 done, 0 cut (in *inflight), -1 unexpected. */
static int t_op(t_ctx_t *t, int *inflight, t_val_t *pending)
{
    int key = (int)(t_rand(t) % T_KEYS);
    t_val_t v = {1, ++t->version, 0};
    ocpp_status_t st;
    if (t_rand(t) % 5u == 0) {
        v.present = 0;
        st = ocpp_flash_store_remove(&t->store, t_keys[key]);
    } else {
        v.len = t_len(t, key);
        t_fill(t->val, key, v.version, v.len);
        st = ocpp_flash_store_write(&t->store, t_keys[key], t->val, v.len);
    }
    if (st == OCPP_OK) {
        t->committed[key] = v;
        t->res->committed++;
        return 1;
    }
    if (st == OCPP_ERR_NOMEM && !t->sim.dead) {
        t->res->refused++; /* the live set did not fit: nothing changed */
        return 1;
    }
    *inflight = key;
    *pending = v;
    if (st == OCPP_ERR_IO && t->sim.dead) {
        return 0;
    }
    t_problem(t, ocpp_status_str(st), key);
    return -1;
}

/* After a remount: every key is committed, or (the key in flight) pending. */
static void t_check(t_ctx_t *t, int inflight, const t_val_t *pending)
{
    for (int k = 0; k < T_KEYS; k++) {
        if (t_reads_as(t, k, &t->committed[k])) {
            t->res->rolled_back += k == inflight;
        } else if (k == inflight && t_reads_as(t, k, pending)) {
            t->committed[k] = *pending;
            t->res->rolled_fwd++;
        } else {
            t->res->lost++;
            t_problem(t, "lost or garbage", k);
        }
    }
}

static int t_cycle(t_ctx_t *t, const flash_torture_cfg_t *cfg)
{
    int inflight = -1;
    t_val_t pending = {0, 0, 0};
    flash_sim_cut_after(&t->sim, 1 + t_rand(t) % cfg->max_span);
    int r;
    while ((r = t_op(t, &inflight, &pending)) == 1) {
    }
    if (r < 0) {
        t->res->unexpected++;
        return -1;
    }
    t->res->cuts++;
    t->res->gc_runs += t->store.gc_runs;
    if (t_mount(t, cfg) != 0) {
        t->res->unexpected++;
        return -1;
    }
    t_check(t, inflight, &pending);
    return 0;
}

int flash_torture_run(const flash_torture_cfg_t *cfg, flash_torture_result_t *res)
{
    static t_ctx_t t; /* test code: big buffers off the stack */
    memset(&t, 0, sizeof(t));
    memset(res, 0, sizeof(*res));
    t.res = res;
    t.rng = cfg->seed ? cfg->seed : 1u;
    if (flash_sim_init(&t.sim, cfg->sector_size, cfg->sector_count, cfg->page_size, cfg->prog_size,
                       cfg->seed ^ 0xA5A5A5A5u) != 0 ||
        ocpp_flash_store_init(&t.store, &t.sim.drv) != OCPP_OK) {
        snprintf(res->first_problem, sizeof(res->first_problem), "setup failed");
        flash_sim_free(&t.sim);
        return -1;
    }
    while (res->cuts < cfg->cuts && res->lost == 0 && res->unexpected == 0 &&
           t.sim.violations == 0) {
        if (t_cycle(&t, cfg) != 0) {
            break;
        }
    }
    res->violations = t.sim.violations;
    if (t.sim.violations != 0) {
        t_problem(&t, "NOR rule violated", -1);
    }
    res->flash_ops = t.sim.ops;
    flash_sim_erase_spread(&t.sim, &res->erase_min, &res->erase_max);
    flash_sim_free(&t.sim);
    return (res->lost || res->unexpected || res->violations) ? -1 : 0;
}
