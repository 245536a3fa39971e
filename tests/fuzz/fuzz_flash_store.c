/*
 * libFuzzer target for the flash storage port (ports/flash): mount a store on
 * a flash image made of the input, then work with it.
 *
 * Input: byte 0 picks the geometry (prog_size 1..32, 2..5 sectors of 256 B
 * to 1 KiB); the next bytes are the flash image (missing bytes are 0xFF);
 * whatever follows the image is a list of operations (3 bytes each, at most
 * FZ_MAX_STEPS).
 *
 * Checked on every input:
 *   - the store never reads, programs or erases outside the region, never
 *     programs a bit 0 -> 1 or across a page (the RAM driver aborts), and
 *     finishes in a bounded number of flash operations;
 *   - mount succeeds (the driver never fails), writes return OK or NOMEM,
 *     removes OK; a key written in this run reads back exactly, also after
 *     a remount.
 *
 * The store is compiled in here (it is not part of the core library), so the
 * target links like the others. Build and run by hand (repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     tests/fuzz/fuzz_flash_store.c src/util/status.c -o /tmp/ffs
 *   /tmp/ffs -max_total_time=60 tests/fuzz/corpus/flash_store
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../ports/flash/flash_store.c"

#define FZ_MAX_BYTES (5u * 1024u)
#define FZ_MAX_OPS   2000000u /* flash operations per input: far above any legal run */
#define FZ_KEYS      4
#define FZ_MAX_STEPS 24 /* operations per input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint8_t *mem; /* exact-size heap copy: ASan catches any overrun */
    uint32_t size;
    uint32_t page;
    uint32_t sector;
    uint32_t count;
    uint64_t ops;
} fz_flash_t;

typedef struct {
    int known; /* written (or removed) in this run */
    int present;
    uint8_t seed;
    uint32_t len;
} fz_model_t;

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static void count_op(fz_flash_t *f)
{
    check(++f->ops < FZ_MAX_OPS);
}

static ocpp_status_t fz_read(void *ctx, uint32_t addr, uint8_t *buf, size_t len)
{
    fz_flash_t *f = ctx;
    count_op(f);
    check(addr <= f->size && len <= f->size - addr);
    memcpy(buf, f->mem + addr, len);
    return OCPP_OK;
}

static ocpp_status_t fz_program(void *ctx, uint32_t addr, const uint8_t *data, size_t len)
{
    fz_flash_t *f = ctx;
    count_op(f);
    check(len > 0 && addr <= f->size && len <= f->size - addr);
    check(addr / f->page == (addr + (uint32_t)len - 1u) / f->page);
    uint8_t up = 0; /* bits a program would raise from 0 to 1 */
    for (size_t i = 0; i < len; i++) {
        up |= (uint8_t)(~f->mem[addr + i] & data[i]);
        f->mem[addr + i] &= data[i];
    }
    check(up == 0); /* never 0 -> 1 (one check: the fuzzer traces every compare) */
    return OCPP_OK;
}

static ocpp_status_t fz_erase(void *ctx, uint32_t sector)
{
    fz_flash_t *f = ctx;
    count_op(f);
    check(sector < f->count);
    memset(f->mem + sector * f->sector, 0xFF, f->sector);
    return OCPP_OK;
}

static uint8_t g_val[1024];
static uint8_t g_buf[1024];

static void fz_fill(uint8_t *p, uint32_t len, uint8_t seed, int key)
{
    uint32_t i = 0;
    for (; i < len && i < 256u; i++) {
        p[i] = (uint8_t)(seed + i * 7u + (uint32_t)key * 31u);
    }
    for (; i < len; i += 256u) { /* the pattern repeats every 256 bytes */
        memcpy(p + i, p, len - i < 256u ? len - i : 256u);
    }
}

static void fz_expect(ocpp_flash_store_t *st, const char *key, int k, const fz_model_t *m)
{
    int32_t n = ocpp_flash_store_read(st, key, g_buf, sizeof(g_buf));
    if (!m->known) {
        check(n >= 0 || n == OCPP_ERR_NOT_FOUND || n == OCPP_ERR_NOMEM || n == OCPP_ERR_IO);
        return;
    }
    if (!m->present) {
        check(n == OCPP_ERR_NOT_FOUND);
        return;
    }
    check(n == (int32_t)m->len);
    fz_fill(g_val, m->len, m->seed, k);
    check(memcmp(g_buf, g_val, m->len) == 0);
}

static const char *const g_keys[FZ_KEYS] = {"a", "cfg", "k.2", "txq-3"};

/* Run the operations of ops[0..n) (3 bytes each; reads check as they go). */
static void fz_ops(ocpp_flash_store_t *st, const uint8_t *ops, size_t n, fz_model_t *model)
{
    for (size_t i = 0; i + 3 <= n; i += 3) {
        int k = ops[i] % FZ_KEYS;
        int kind = (ops[i] >> 2) % 4;
        uint32_t len = ((uint32_t)ops[i + 1] * 4u) % (uint32_t)sizeof(g_val);
        if (kind <= 1) {
            fz_fill(g_val, len, ops[i + 2], k);
            ocpp_status_t r = ocpp_flash_store_write(st, g_keys[k], g_val, len);
            check(r == OCPP_OK || r == OCPP_ERR_NOMEM);
            if (r == OCPP_OK) {
                fz_model_t m = {1, 1, ops[i + 2], len};
                model[k] = m;
            }
        } else if (kind == 2) {
            ocpp_status_t r = ocpp_flash_store_remove(st, g_keys[k]);
            check(r == OCPP_OK || r == OCPP_ERR_NOMEM); /* NOMEM: full to the brim */
            if (r == OCPP_OK) {
                fz_model_t m = {1, 0, 0, 0};
                model[k] = m;
            }
        } else {
            fz_expect(st, g_keys[k], k, &model[k]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t progs[6] = {1, 2, 4, 8, 16, 32};
    if (size < 1) {
        return 0;
    }
    fz_flash_t f;
    f.sector = 256u << (data[0] & 3u);           /* 256 .. 2048 */
    f.count = 2u + ((data[0] >> 2) & 3u);        /* 2 .. 5 */
    f.page = (data[0] & 0x40u) ? 64u : f.sector; /* small pages or none */
    uint32_t prog = progs[(data[0] >> 4) % 6u];
    if (prog > f.page) {
        prog = f.page;
    }
    f.size = f.sector * f.count;
    while (f.size > FZ_MAX_BYTES) {
        f.count--;
        f.size = f.sector * f.count;
    }
    f.ops = 0;
    f.mem = malloc(f.size);
    check(f.mem != NULL);
    size_t img = size - 1 < f.size ? size - 1 : f.size;
    memset(f.mem, 0xFF, f.size);
    memcpy(f.mem, data + 1, img);

    ocpp_flash_t drv = {&f, f.sector, f.count, f.page, prog, fz_read, fz_program, fz_erase};
    ocpp_flash_store_t st;
    check(ocpp_flash_store_init(&st, &drv) == OCPP_OK);
    ocpp_flash_store_stats_t stats;
    check(ocpp_flash_store_stats(&st, &stats) == OCPP_OK);
    check(stats.sectors_free >= 1);

    fz_model_t model[FZ_KEYS];
    memset(model, 0, sizeof(model));
    const uint8_t *ops = data + 1 + img;
    size_t nops = size - 1 - img;
    if (nops > 3u * FZ_MAX_STEPS) {
        nops = 3u * FZ_MAX_STEPS; /* the image is the point; keep runs short */
    }
    if (nops == 0) {
        /* No operations given: a fixed small workload still runs on the image. */
        static const uint8_t def[] = {0x00, 10, 1, 0x01, 200, 2, 0x0B, 0, 0, 0x0c, 0, 0};
        ops = def;
        nops = sizeof(def);
    }
    fz_ops(&st, ops, nops, model);
    /* Everything written survives a remount (every read scans the store:
       one full read-back, after the remount, keeps the target fast). */
    check(ocpp_flash_store_init(&st, &drv) == OCPP_OK);
    for (int k = 0; k < FZ_KEYS; k++) {
        fz_expect(&st, g_keys[k], k, &model[k]);
    }
    free(f.mem);
    return 0;
}
