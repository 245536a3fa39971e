/*
 * Power-cut bench of the flash store: the torture workload of
 * tests/unit/flash_sim.c (random writes and removes of six keys, 0 B to
 * 2 KiB, on a simulated NOR flash) with a power cut at a random step, a
 * remount and a check of every key, repeated.
 *
 * Usage: bench_flash [cuts] [seed] [sectors] [sector_size] [prog_size]
 *        (defaults: 1000000 1 6 4096 4; the page is 256 bytes)
 * Prints a table; exits 1 if anything was lost.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "flash_sim.h"

static unsigned long arg(int argc, char **argv, int i, unsigned long def)
{
    return argc > i ? strtoul(argv[i], NULL, 0) : def;
}

int main(int argc, char **argv)
{
    flash_torture_cfg_t cfg = {0};
    cfg.cuts = arg(argc, argv, 1, 1000000);
    cfg.seed = (uint32_t)arg(argc, argv, 2, 1);
    cfg.sector_count = (uint32_t)arg(argc, argv, 3, 6);
    cfg.sector_size = (uint32_t)arg(argc, argv, 4, 4096);
    cfg.prog_size = (uint32_t)arg(argc, argv, 5, 4);
    cfg.page_size = 256;
    cfg.max_span = 600;
    cfg.mount_cut_per_256 = 32;

    flash_torture_result_t r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = flash_torture_run(&cfg, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    printf("flash store power-cut bench: seed %u, %u sectors x %u B, page 256 B, prog %u B\n",
           cfg.seed, cfg.sector_count, cfg.sector_size, cfg.prog_size);
    printf("| %-34s | %14s |\n", "measure", "value");
    printf("|------------------------------------|----------------|\n");
    printf("| %-34s | %14llu |\n", "power cuts", (unsigned long long)r.cuts);
    printf("| %-34s | %14llu |\n", "  of them during a mount", (unsigned long long)r.mount_cuts);
    printf("| %-34s | %14llu |\n", "writes/removes committed", (unsigned long long)r.committed);
    printf("| %-34s | %14llu |\n", "writes refused (NOMEM)", (unsigned long long)r.refused);
    printf("| %-34s | %14llu |\n", "lost (must be 0)", (unsigned long long)r.lost);
    printf("| %-34s | %14llu |\n", "torn op, old value kept", (unsigned long long)r.rolled_back);
    printf("| %-34s | %14llu |\n", "torn op, new value survived", (unsigned long long)r.rolled_fwd);
    printf("| %-34s | %14llu |\n", "unexpected results (must be 0)",
           (unsigned long long)r.unexpected);
    printf("| %-34s | %14llu |\n", "NOR rule violations (must be 0)",
           (unsigned long long)r.violations);
    printf("| %-34s | %14llu |\n", "GC runs (compactions)", (unsigned long long)r.gc_runs);
    printf("| %-34s | %14llu |\n", "sectors repaired by mounts", (unsigned long long)r.repairs);
    printf("| %-34s | %14llu |\n", "flash program+erase operations",
           (unsigned long long)r.flash_ops);
    printf("| %-34s | %6u..%-7u |\n", "erases per sector (min..max)", r.erase_min, r.erase_max);
    printf("| %-34s | %14u |\n", "max erase count spread", r.erase_max - r.erase_min);
    printf("| %-34s | %14.1f |\n", "seconds", secs);
    if (rc != 0) {
        printf("FAILED: %s\n", r.first_problem);
    }
    return rc == 0 ? 0 : 1;
}
