/*
 * A simulated NOR flash for the flash store's tests and bench, and the
 * power-cut torture workload they share.
 *
 * The flash lives in RAM (heap: this is test code) and enforces the NOR rules
 * of ocpp_flash.h: programming a bit 0 -> 1, programming across a page
 * boundary, unaligned programs and programming a unit twice between erases
 * are counted as violations (a correct store makes none). It counts
 * operations and can cut the power at operation N (programs and erases are
 * counted, from 1): that operation is torn (program: each bit that should
 * clear clears or not; erase: old content, 0xFF, random bytes or a mix) and
 * every later call fails with OCPP_ERR_IO until flash_sim_reboot(). Torn
 * content comes from a fixed-seed PRNG, so every run is reproducible.
 *
 * A unit that reads all 0xFF after a tear counts as not programmed (the
 * store treats 0xFF as erased; flashes with per-word ECC would need more).
 */
#ifndef FLASH_SIM_H
#define FLASH_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_flash.h"

typedef struct {
    ocpp_flash_t drv;       /* the driver, ctx = this sim */
    uint8_t *mem;           /* sector_size * sector_count bytes */
    uint8_t *programmed;    /* one flag per prog_size unit */
    uint32_t *erase_counts; /* real erases per sector */
    uint32_t size;          /* bytes */
    uint64_t ops;           /* programs + erases so far */
    uint64_t reads, programs, erases;
    uint64_t cut_at;     /* 0: never; else the torn operation number */
    int dead;            /* power is off: every call fails */
    uint64_t cuts;       /* power cuts so far */
    uint64_t violations; /* NOR rule violations */
    char first_violation[96];
    uint32_t rng;
} flash_sim_t;

/* Create a blank (all 0xFF) flash. @return 0 or -1 (bad geometry / no memory). */
int flash_sim_init(flash_sim_t *sim, uint32_t sector_size, uint32_t sector_count,
                   uint32_t page_size, uint32_t prog_size, uint32_t seed);
void flash_sim_free(flash_sim_t *sim);

/* Cut the power at the n-th operation from now (n >= 1); 0 disarms. */
void flash_sim_cut_after(flash_sim_t *sim, uint64_t n);

/* Power back on: calls work again, nothing armed. The content stays. */
void flash_sim_reboot(flash_sim_t *sim);

/* Highest minus lowest real erase count over all sectors. */
uint32_t flash_sim_erase_spread(const flash_sim_t *sim, uint32_t *min, uint32_t *max);

/* ------------------------------------------------------------------------ */
/* Torture: random writes/removes of several keys with a cut at a random     */
/* step, remount, check every key, again.                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint32_t sector_size, sector_count, page_size, prog_size;
    uint32_t seed;
    uint64_t cuts;              /* stop after this many power cuts */
    uint32_t max_span;          /* a cut falls 1..max_span operations after the last one */
    uint32_t mount_cut_per_256; /* chance that a cut also hits the next mount */
} flash_torture_cfg_t;

typedef struct {
    uint64_t cuts;        /* power cuts (also during mounts) */
    uint64_t mount_cuts;  /* of them during a mount */
    uint64_t committed;   /* writes and removes that returned OCPP_OK */
    uint64_t refused;     /* writes refused with OCPP_ERR_NOMEM (nothing changed) */
    uint64_t lost;        /* a key read neither its committed nor its in-flight value: must be 0 */
    uint64_t rolled_back; /* torn operation whose key kept the old value */
    uint64_t rolled_fwd;  /* torn operation whose new value survived */
    uint64_t unexpected;  /* a call returned something else than OK / IO at a cut */
    uint64_t violations;  /* NOR rule violations by the store */
    uint64_t gc_runs;     /* compactions */
    uint64_t repairs;     /* sectors erased by mounts */
    uint64_t flash_ops;
    uint32_t erase_min, erase_max; /* real erases per sector */
    char first_problem[160];
} flash_torture_result_t;

/* @return 0 if nothing was lost and nothing unexpected happened. */
int flash_torture_run(const flash_torture_cfg_t *cfg, flash_torture_result_t *res);

#endif /* FLASH_SIM_H */
