/*
 * Unit tests of the flash storage port (ports/flash): the key/record store on
 * a simulated NOR flash (flash_sim.c, compiled in here) that checks the NOR
 * rules and cuts the power at chosen steps.
 *
 * The contract under test is the storage port of ocpp_port.h:
 *   "A record is replaced all-or-nothing, also across a power cut: after
 *    write() returns OCPP_OK the new record is durable; if power fails during
 *    write(), a later read() returns either the old or the new record, never
 *    a mix."
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "flash_sim.c" /* not a test_*.c file: not globbed on its own */
#include "ocpp/ocpp_flash_store.h"

#define SS 4096u /* sector size */
#define SC 6u    /* sector count */

typedef struct {
    flash_sim_t sim;
    ocpp_flash_store_t st;
    uint8_t buf[4096];
    uint8_t val[4096];
} fx_t;

static fx_t g_fx;

static fx_t *fx_new(uint32_t ss, uint32_t sc, uint32_t page, uint32_t prog)
{
    fx_t *f = &g_fx;
    flash_sim_free(&f->sim);
    assert_int_equal(flash_sim_init(&f->sim, ss, sc, page, prog, 12345), 0);
    assert_int_equal(ocpp_flash_store_init(&f->st, &f->sim.drv), OCPP_OK);
    return f;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(g_fx.sim.violations, 0);
    flash_sim_free(&g_fx.sim);
    return 0;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

/* Put a saved image on the flash (units that are not 0xFF count as programmed). */
static void load_image(fx_t *f, const uint8_t *image)
{
    memcpy(f->sim.mem, image, f->sim.size);
    for (uint32_t u = 0; u < f->sim.size / f->sim.drv.prog_size; u++) {
        f->sim.programmed[u] = (uint8_t)!unit_ff(&f->sim, u);
    }
}

static void remount(fx_t *f)
{
    flash_sim_reboot(&f->sim);
    assert_int_equal(ocpp_flash_store_init(&f->st, &f->sim.drv), OCPP_OK);
}

static void check_value(fx_t *f, const char *key, uint32_t seed, size_t len)
{
    fill(f->val, len, seed);
    assert_int_equal(ocpp_flash_store_read(&f->st, key, f->buf, sizeof(f->buf)), (int32_t)len);
    assert_memory_equal(f->buf, f->val, len);
}

static void put_value(fx_t *f, const char *key, uint32_t seed, size_t len)
{
    fill(f->val, len, seed);
    assert_int_equal(ocpp_flash_store_write(&f->st, key, f->val, len), OCPP_OK);
}

/* ------------------------------------------------------------------------ */

static void test_init_rejects_bad_geometry(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    ocpp_flash_store_t st;
    ocpp_flash_t d = f->sim.drv;
    assert_int_equal(ocpp_flash_store_init(NULL, &d), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_init(&st, NULL), OCPP_ERR_PARAM);
    const struct {
        uint32_t ss, sc, page, prog;
    } bad[] = {
        {SS, 1, 256, 4},         /* one sector: no spare */
        {SS, 0, 256, 4},         /* none */
        {128, SC, 64, 4},        /* sector too small */
        {SS, SC, 256, 3},        /* prog_size not a power of two */
        {SS, SC, 256, 0},        /* no prog_size */
        {SS, SC, 256, 64},       /* prog_size above OCPP_FLASH_MAX_PROG_SIZE */
        {SS, SC, 96, 4},         /* page not a power of two */
        {SS, SC, 2, 4},          /* page smaller than prog_size */
        {SS, SC, 8192, 4},       /* page larger than a sector */
        {3000, SC, 256, 4},      /* sector not a multiple of the page */
        {1u << 25, SC, 256, 4},  /* sector too large */
        {1u << 24, 200, 256, 4}, /* region beyond 2^31 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        d = f->sim.drv;
        d.sector_size = bad[i].ss;
        d.sector_count = bad[i].sc;
        d.page_size = bad[i].page;
        d.prog_size = bad[i].prog;
        assert_int_equal(ocpp_flash_store_init(&st, &d), OCPP_ERR_PARAM);
        /* A rejected store refuses work instead of touching the flash. */
        assert_int_equal(ocpp_flash_store_write(&st, "k", (const uint8_t *)"v", 1), OCPP_ERR_STATE);
        assert_int_equal(ocpp_flash_store_max_record(&st), 0);
    }
    d = f->sim.drv;
    d.erase = NULL;
    assert_int_equal(ocpp_flash_store_init(&st, &d), OCPP_ERR_PARAM);
}

static void test_blank_flash_mounts_without_erase(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    assert_int_equal(f->sim.erases, 0);
    assert_int_equal(f->sim.programs, 0);
    assert_int_equal(ocpp_flash_store_read(&f->st, "x", f->buf, 10), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_flash_store_remove(&f->st, "x"), OCPP_OK);
    assert_int_equal(f->sim.programs, 0); /* removing nothing writes nothing */
}

static void test_foreign_image_is_taken_over(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    fill(f->sim.mem, f->sim.size, 99); /* random bytes everywhere */
    memset(f->sim.programmed, 1, f->sim.size / 4);
    remount(f);
    assert_int_equal(f->st.repairs, SC);
    assert_int_equal(ocpp_flash_store_read(&f->st, "x", f->buf, 10), OCPP_ERR_NOT_FOUND);
    put_value(f, "x", 1, 100);
    check_value(f, "x", 1, 100);
}

static void test_write_read_replace_remove(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    put_value(f, "cfg", 1, 800);
    check_value(f, "cfg", 1, 800);
    put_value(f, "cfg", 2, 10); /* replace with a shorter record */
    check_value(f, "cfg", 2, 10);
    put_value(f, "other", 3, 5);
    assert_int_equal(ocpp_flash_store_remove(&f->st, "cfg"), OCPP_OK);
    assert_int_equal(ocpp_flash_store_read(&f->st, "cfg", f->buf, 4096), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_flash_store_remove(&f->st, "cfg"), OCPP_OK); /* again: still OK */
    check_value(f, "other", 3, 5);
    put_value(f, "cfg", 4, 20); /* re-create after remove */
    remount(f);
    check_value(f, "cfg", 4, 20);
    check_value(f, "other", 3, 5);
    assert_int_equal(ocpp_flash_store_read(&f->st, "nope", f->buf, 4096), OCPP_ERR_NOT_FOUND);
}

static void test_read_buffer_too_small(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    put_value(f, "k", 1, 100);
    /* ocpp_port.h: "OCPP_ERR_NOMEM if the record is larger than cap" */
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", f->buf, 99), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", NULL, 0), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", f->buf, 100), 100);
    put_value(f, "empty", 1, 0);
    assert_int_equal(ocpp_flash_store_read(&f->st, "empty", NULL, 0), 0);
}

static void test_bad_keys_and_arguments(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    /* ocpp_port.h: "Keys are short ASCII names ([A-Za-z0-9_.-], at most 31 characters)" */
    const char *bad[] = {NULL,  "",          "a b",
                         "a/b", "k\xc3\xa4", "a\nb",
                         "a:b", "a*",        "0123456789abcdef0123456789abcdef"}; /* 32 chars */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ocpp_flash_store_write(&f->st, bad[i], f->val, 1), OCPP_ERR_PARAM);
        assert_int_equal(ocpp_flash_store_read(&f->st, bad[i], f->buf, 10), OCPP_ERR_PARAM);
        assert_int_equal(ocpp_flash_store_remove(&f->st, bad[i]), OCPP_ERR_PARAM);
    }
    assert_int_equal(f->sim.programs, 0);
    const char *good[] = {"0123456789abcdef0123456789abcde", "A-Z_a.z-09", ".", "-", "_"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        put_value(f, good[i], (uint32_t)i, i + 1);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        check_value(f, good[i], (uint32_t)i, i + 1);
    }
    /* Keys are case-sensitive and compared whole. */
    assert_int_equal(ocpp_flash_store_read(&f->st, "a-z_a.z-09", f->buf, 10), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_flash_store_read(&f->st, "A-Z_a.z-0", f->buf, 10), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_flash_store_write(&f->st, "k", NULL, 1), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_write(&f->st, "k", NULL, 0), OCPP_OK);
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", NULL, 5), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_write(NULL, "k", f->val, 1), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_read(NULL, "k", f->buf, 1), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_remove(NULL, "k"), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_stats(NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_flash_store_max_record(NULL), 0);
}

static void test_record_sizes_0_1_max(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    size_t max = ocpp_flash_store_max_record(&f->st);
    assert_int_equal(max, 3993); /* as documented for 4 KiB sectors */
    assert_true(max >= 2048);    /* the transaction queue stores entries up to 2 KiB */
    put_value(f, "zero", 1, 0);
    put_value(f, "one", 2, 1);
    put_value(f, "0123456789abcdef0123456789abcde", 3, max);
    assert_int_equal(ocpp_flash_store_write(&f->st, "big", f->val, max + 1), OCPP_ERR_NOMEM);
    remount(f);
    check_value(f, "zero", 1, 0);
    check_value(f, "one", 2, 1);
    check_value(f, "0123456789abcdef0123456789abcde", 3, max);
    assert_int_equal(ocpp_flash_store_read(&f->st, "big", f->buf, 4096), OCPP_ERR_NOT_FOUND);
    /* Max-size records replaced again and again: one per sector, compaction each time. */
    for (uint32_t i = 0; i < 50; i++) {
        put_value(f, "0123456789abcdef0123456789abcde", 100 + i, max);
    }
    check_value(f, "0123456789abcdef0123456789abcde", 149, max);
    check_value(f, "one", 2, 1);
}

static void test_many_keys(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    char key[16];
    for (uint32_t i = 0; i < 200; i++) {
        snprintf(key, sizeof(key), "key.%u", (unsigned)i);
        put_value(f, key, i, i % 50);
    }
    remount(f);
    for (uint32_t i = 0; i < 200; i++) {
        snprintf(key, sizeof(key), "key.%u", (unsigned)i);
        check_value(f, key, i, i % 50);
    }
}

static void test_nomem_when_live_data_cannot_fit(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, 4, 256, 4);
    /* 3 usable sectors of 4 KiB: three 3000-byte records fit, a fourth not. */
    put_value(f, "a", 1, 3000);
    put_value(f, "b", 2, 3000);
    put_value(f, "c", 3, 3000);
    uint64_t erases = f->sim.erases;
    assert_int_equal(ocpp_flash_store_write(&f->st, "d", f->val, 3000), OCPP_ERR_NOMEM);
    assert_true(f->sim.erases - erases <= 1); /* at most one compaction spent */
    /* Nothing changed. Replacing a key needs room for the old and the new record at
       once (the old one stays until the new one is committed): refused too. */
    check_value(f, "a", 1, 3000);
    assert_int_equal(ocpp_flash_store_write(&f->st, "b", f->val, 3000), OCPP_ERR_NOMEM);
    check_value(f, "b", 2, 3000);
    put_value(f, "b", 4, 900); /* a smaller one fits beside it */
    check_value(f, "b", 4, 900);
    assert_int_equal(ocpp_flash_store_read(&f->st, "d", f->buf, 4096), OCPP_ERR_NOT_FOUND);
    /* Removing frees the room. */
    assert_int_equal(ocpp_flash_store_remove(&f->st, "c"), OCPP_OK);
    put_value(f, "d", 5, 3000);
    remount(f);
    check_value(f, "a", 1, 3000);
    check_value(f, "b", 4, 900);
    check_value(f, "d", 5, 3000);
    assert_int_equal(ocpp_flash_store_read(&f->st, "c", f->buf, 4096), OCPP_ERR_NOT_FOUND);
    /* Small records until full: NOMEM, never IO, and everything written stays. */
    char key[16];
    uint32_t n = 0;
    ocpp_status_t st = OCPP_OK;
    for (; st == OCPP_OK && n < 1000; n++) {
        snprintf(key, sizeof(key), "s%u", (unsigned)n);
        fill(f->val, 100, n);
        st = ocpp_flash_store_write(&f->st, key, f->val, 100);
    }
    assert_int_equal(st, OCPP_ERR_NOMEM);
    assert_true(n > 5);
    remount(f);
    for (uint32_t i = 0; i + 1 < n; i++) {
        snprintf(key, sizeof(key), "s%u", (unsigned)i);
        check_value(f, key, i, 100);
    }
}

static void test_gc_many_times_live_set_fits(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    uint32_t seeds[8] = {0};
    size_t lens[8] = {0};
    char key[8];
    uint32_t r = 7;
    for (uint32_t i = 0; i < 3000; i++) {
        r = r * 1103515245u + 12345u;
        uint32_t k = (r >> 16) % 8;
        snprintf(key, sizeof(key), "k%u", (unsigned)k);
        seeds[k] = i + 1;
        lens[k] = (r >> 8) % 1000;
        put_value(f, key, seeds[k], lens[k]);
    }
    assert_true(f->st.gc_runs > 300);
    remount(f);
    for (uint32_t k = 0; k < 8; k++) {
        snprintf(key, sizeof(key), "k%u", (unsigned)k);
        if (seeds[k] != 0) {
            check_value(f, key, seeds[k], lens[k]);
        }
    }
}

static void test_key_rewritten_10000_times_wear_spread(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    put_value(f, "static", 42, 500); /* moved along by every compaction */
    for (uint32_t i = 0; i < 10000; i++) {
        put_value(f, "counter", i, 64);
    }
    check_value(f, "counter", 9999, 64);
    check_value(f, "static", 42, 500);
    /* Round-robin: every sector erased about equally often. */
    uint32_t lo, hi;
    flash_sim_erase_spread(&f->sim, &lo, &hi);
    assert_true(lo > 30);
    assert_true(hi - lo <= 1);
    ocpp_flash_store_stats_t s;
    assert_int_equal(ocpp_flash_store_stats(&f->st, &s), OCPP_OK);
    assert_true(s.erase_max - s.erase_min <= 1); /* the counts in the sector headers agree */
    assert_int_equal(s.erase_max, hi);
    assert_true(s.sectors_free >= 1);
    assert_true(s.gc_runs > 50);
    remount(f);
    check_value(f, "counter", 9999, 64);
}

static void test_storage_port(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    ocpp_storage_port_t p;
    ocpp_flash_store_port(&f->st, &p);
    assert_ptr_equal(p.ctx, &f->st);
    assert_int_equal(p.write(p.ctx, "cfg", (const uint8_t *)"hello", 5), OCPP_OK);
    assert_int_equal(p.read(p.ctx, "cfg", f->buf, sizeof(f->buf)), 5);
    assert_memory_equal(f->buf, "hello", 5);
    assert_int_equal(p.remove(p.ctx, "cfg"), OCPP_OK);
    assert_int_equal(p.read(p.ctx, "cfg", f->buf, sizeof(f->buf)), OCPP_ERR_NOT_FOUND);
    ocpp_flash_store_port(&f->st, NULL); /* ignored */
}

static void test_corruption_is_detected(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    put_value(f, "k", 1, 100);
    /* Flip a data bit of the committed record (bit rot, outside the fault model). */
    uint8_t *p = NULL;
    for (uint32_t i = 0; p == NULL && i + 100 <= f->sim.size; i++) {
        p = memcmp(f->sim.mem + i, f->val, 100) == 0 ? f->sim.mem + i : NULL;
    }
    assert_non_null(p);
    p[50] ^= 0x10;
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", f->buf, 4096), OCPP_ERR_IO);
    put_value(f, "k", 2, 100); /* a new write supersedes it */
    check_value(f, "k", 2, 100);
}

static void test_failed_driver_remounts_on_next_call(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, SC, 256, 4);
    put_value(f, "k", 1, 100);
    flash_sim_cut_after(&f->sim, 1);
    fill(f->val, 100, 2);
    assert_int_equal(ocpp_flash_store_write(&f->st, "k", f->val, 100), OCPP_ERR_IO);
    assert_int_equal(ocpp_flash_store_read(&f->st, "k", f->buf, 4096), OCPP_ERR_IO); /* still off */
    flash_sim_reboot(&f->sim); /* power back, no init: the store mounts by itself */
    check_value(f, "k", 1, 100);
    put_value(f, "k", 3, 100);
    check_value(f, "k", 3, 100);
}

/*
 * Exhaustive: a cut at every single flash operation of a write that triggers
 * a compaction (and of the mount after it), each from the same start image.
 * ocpp_port.h: "if power fails during write(), a later read() returns either
 * the old or the new record, never a mix."
 */
static void test_cut_at_every_step_of_a_compacting_write(void **state)
{
    (void)state;
    fx_t *f = fx_new(SS, 3, 256, 4);
    static uint8_t image[3 * SS];
    /* Fill until the next 1500-byte write of "a" needs a compaction. */
    put_value(f, "b", 50, 700);
    uint32_t v = 0;
    for (;;) {
        uint64_t gc = f->st.gc_runs;
        memcpy(image, f->sim.mem, sizeof(image));
        put_value(f, "a", ++v, 1500);
        if (f->st.gc_runs != gc) {
            break;
        }
    }
    /* Measure how many operations that write takes: replay it without a cut. */
    load_image(f, image);
    remount(f);
    uint64_t ops = f->sim.ops;
    put_value(f, "a", v, 1500);
    uint64_t steps = f->sim.ops - ops;
    assert_true(steps > 10);
    for (uint64_t n = 1; n <= steps; n++) {
        load_image(f, image);
        f->sim.rng = (uint32_t)n * 7919u + 1u;
        remount(f);
        flash_sim_cut_after(&f->sim, n);
        fill(f->val, 1500, v);
        assert_int_equal(ocpp_flash_store_write(&f->st, "a", f->val, 1500), OCPP_ERR_IO);
        flash_sim_reboot(&f->sim);
        flash_sim_cut_after(&f->sim, 1 + n % 3); /* and a cut in the repairing mount */
        (void)ocpp_flash_store_init(&f->st, &f->sim.drv);
        remount(f);
        int32_t got = ocpp_flash_store_read(&f->st, "a", f->buf, 4096);
        assert_int_equal(got, 1500);
        fill(f->val, 1500, v);
        int is_new = memcmp(f->buf, f->val, 1500) == 0;
        fill(f->val, 1500, v - 1);
        int is_old = memcmp(f->buf, f->val, 1500) == 0;
        assert_true(is_new || is_old);
        check_value(f, "b", 50, 700);
        put_value(f, "c", 1, 1000); /* usable again */
        check_value(f, "c", 1, 1000);
    }
}

static void torture(uint32_t ss, uint32_t sc, uint32_t page, uint32_t prog, uint64_t cuts,
                    uint32_t seed)
{
    flash_torture_cfg_t cfg = {ss, sc, page, prog, seed, cuts, 300, 32};
    flash_torture_result_t r;
    int rc = flash_torture_run(&cfg, &r);
    if (rc != 0) {
        print_error("torture: %s\n", r.first_problem);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(r.lost, 0);
    assert_int_equal(r.unexpected, 0);
    assert_int_equal(r.violations, 0);
    assert_true(r.cuts >= cuts);
    assert_true(r.committed > cuts);
    assert_true(r.rolled_back > 0);
    assert_true(r.rolled_fwd > 0);
    assert_true(r.gc_runs > cuts / 10);
    assert_true(r.mount_cuts > 0);
}

/* >= 10,000 power cuts at random program/erase steps (fixed seed). */
static void test_torture_10000_cuts(void **state)
{
    (void)state;
    torture(4096, 6, 256, 4, 10000, 1);
}

/* Other geometries: byte programming, 8/32-byte flash words, small pages. */
static void test_torture_geometries(void **state)
{
    (void)state;
    torture(1024, 4, 64, 1, 500, 2);
    torture(2048, 3, 2048, 8, 500, 3);
    torture(4096, 5, 512, 32, 500, 4);
    torture(4096, 2, 256, 16, 500, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init_rejects_bad_geometry, teardown),
        cmocka_unit_test_teardown(test_blank_flash_mounts_without_erase, teardown),
        cmocka_unit_test_teardown(test_foreign_image_is_taken_over, teardown),
        cmocka_unit_test_teardown(test_write_read_replace_remove, teardown),
        cmocka_unit_test_teardown(test_read_buffer_too_small, teardown),
        cmocka_unit_test_teardown(test_bad_keys_and_arguments, teardown),
        cmocka_unit_test_teardown(test_record_sizes_0_1_max, teardown),
        cmocka_unit_test_teardown(test_many_keys, teardown),
        cmocka_unit_test_teardown(test_nomem_when_live_data_cannot_fit, teardown),
        cmocka_unit_test_teardown(test_gc_many_times_live_set_fits, teardown),
        cmocka_unit_test_teardown(test_key_rewritten_10000_times_wear_spread, teardown),
        cmocka_unit_test_teardown(test_storage_port, teardown),
        cmocka_unit_test_teardown(test_corruption_is_detected, teardown),
        cmocka_unit_test_teardown(test_failed_driver_remounts_on_next_call, teardown),
        cmocka_unit_test_teardown(test_cut_at_every_step_of_a_compacting_write, teardown),
        cmocka_unit_test(test_torture_10000_cuts),
        cmocka_unit_test(test_torture_geometries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
